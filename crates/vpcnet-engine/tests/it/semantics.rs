//! Every forwarding rule the engine implements: one test where it lets traffic through,
//! one where it blocks it, with the code a user would see.

use crate::support::{net, render, tr, verdict};

const TCP: u8 = 6;
const ICMP: u8 = 1;

/// Two VPCs in one region, peered; VPC `a` has public and private tiers, an internet
/// gateway and a NAT gateway. Tests change it with `str::replace`.
const BASE: &str = r#"
defaults: {region: us-east-1}
prefix_lists:
  - {name: partners, cidrs: [198.51.100.0/24]}
vpcs:
  - name: a
    cidr: 10.10.0.0/16
    internet_gateway: a-igw
    route_tables:
      - name: a-public
        routes:
          - {destination: 0.0.0.0/0, internet_gateway: a-igw}
          - {destination: 10.20.0.0/16, peering: a-b}
      - name: a-private
        main: true
        routes:
          - {destination: 0.0.0.0/0, nat_gateway: a-nat}
          - {destination: 10.20.0.0/16, peering: a-b}
    network_acls:
      - name: a-app-acl
        ingress:
          - {rule: 90, action: deny, protocol: tcp, ports: 8080, cidr: 10.10.0.128/25}
          - {rule: 100, action: allow, protocol: all, cidr: 10.0.0.0/8}
          - {rule: 200, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0}
        egress:
          - {rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}
    security_groups:
      - name: web
        ingress:
          - {protocol: tcp, ports: 443, cidr: 0.0.0.0/0}
          - {protocol: tcp, ports: 22, prefix_list: partners}
      - name: app
        ingress:
          - {protocol: tcp, ports: 8080, sg: web}
          - {protocol: icmp, icmp_type: 8, cidr: 10.0.0.0/8}
      - name: restricted-out
        egress:
          - {protocol: tcp, ports: 5432, cidr: 10.20.0.0/16}
    subnets:
      - {name: a-public, cidr: 10.10.0.0/24, route_table: a-public}
      - {name: a-app, cidr: 10.10.1.0/24, network_acl: a-app-acl}
    nat_gateways:
      - {name: a-nat, subnet: a-public, private_ip: 10.10.0.10, public_ip: 203.0.113.10}
    instances:
      - {name: web1, subnet: a-public, private_ip: 10.10.0.20, public_ip: 203.0.113.20, security_groups: [web]}
      - {name: web2, subnet: a-public, private_ip: 10.10.0.200, security_groups: [web]}
      - {name: app1, subnet: a-app, private_ip: 10.10.1.10, security_groups: [app]}
      - {name: app2, subnet: a-app, private_ip: 10.10.1.11, security_groups: [app]}
      - {name: locked, subnet: a-app, private_ip: 10.10.1.12, security_groups: [restricted-out]}
  - name: b
    cidr: 10.20.0.0/16
    route_tables:
      - name: b-main
        main: true
        routes:
          - {destination: 10.10.0.0/16, peering: a-b}
    security_groups:
      - name: db
        ingress:
          - {protocol: tcp, ports: 5432, cidr: 10.10.1.0/24}
          - {protocol: tcp, ports: 6379, sg: a/app}
    subnets:
      - {name: b-db, cidr: 10.20.1.0/24}
    instances:
      - {name: db1, subnet: b-db, private_ip: 10.20.1.10, security_groups: [db]}
peerings:
  - {name: a-b, requester: a, accepter: b}
"#;

fn base() -> vpcnet_model::Network {
    net(BASE)
}

fn with(from: &str, to: &str) -> vpcnet_model::Network {
    assert!(
        BASE.contains(from),
        "test edits a line that is not in BASE: {from}"
    );
    net(&BASE.replace(from, to))
}

#[test]
fn local_delivery_in_one_subnet_skips_the_network_acl() {
    let n = base();
    let t = tr(&n, "web1", "web2", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    let acl_hops = t
        .forward
        .hops
        .iter()
        .filter(|h| h.detail.contains("at subnet"))
        .count();
    assert_eq!(acl_hops, 0, "{}", render(&n, &t));
}

#[test]
fn security_group_inbound_blocks() {
    let n = base();
    assert_eq!(
        verdict(&tr(&n, "web1", "web2", TCP, 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn security_group_outbound_blocks_and_allows() {
    let n = base();
    assert_eq!(
        verdict(&tr(&n, "locked", "app1", TCP, 8080)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    assert_eq!(verdict(&tr(&n, "locked", "db1", TCP, 5432)), "REACHABLE");
}

#[test]
fn security_group_reference_matches_members_only() {
    let n = base();
    // web1 carries `web`: allowed to app1:8080 by the reference.
    assert_eq!(verdict(&tr(&n, "web1", "app1", TCP, 8080)), "REACHABLE");
    // app2 carries `app`, not `web`.
    assert_eq!(
        verdict(&tr(&n, "app2", "app1", TCP, 8080)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn security_group_reference_across_a_peering_in_one_region() {
    let n = base();
    assert_eq!(verdict(&tr(&n, "app1", "db1", TCP, 6379)), "REACHABLE");
    assert_eq!(
        verdict(&tr(&n, "web1", "db1", TCP, 6379)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // Across regions AWS does not honour the reference.
    let n = with(
        "  - name: b\n    cidr: 10.20.0.0/16\n",
        "  - name: b\n    cidr: 10.20.0.0/16\n    region: eu-west-1\n",
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "db1", TCP, 6379)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    let found = vpcnet_engine::check::check(&n);
    assert!(
        found.iter().any(|d| d.code == "SG_REFERENCE_CROSS_REGION"),
        "{found:#?}"
    );
}

#[test]
fn prefix_list_in_a_security_group() {
    let n = base();
    assert_eq!(
        verdict(&tr(&n, "198.51.100.7", "web1", TCP, 22)),
        "REACHABLE"
    );
    assert_eq!(
        verdict(&tr(&n, "192.0.2.7", "web1", TCP, 22)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn network_acl_first_match_wins() {
    let n = base();
    // 10.10.0.20 is outside the deny rule's 10.10.0.128/25: rule 100 allows.
    assert_eq!(verdict(&tr(&n, "web1", "app1", TCP, 8080)), "REACHABLE");
    // 10.10.0.200 matches deny 90 before allow 100.
    let n2 = with(
        "{name: web2, subnet: a-public, private_ip: 10.10.0.200, security_groups: [web]}",
        "{name: web2, subnet: a-public, private_ip: 10.10.0.200, security_groups: [web, app]}",
    );
    let t = tr(&n2, "web2", "app1", TCP, 8080);
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward");
    assert!(
        t.blocked_by().unwrap().message.contains("rule 90 deny"),
        "{}",
        render(&n2, &t)
    );
}

#[test]
fn network_acl_is_stateless_on_the_return_path() {
    // The app subnet lets 443 out, but its inbound rules do not admit the reply from
    // the internet host on an ephemeral port below 1024.
    let n = base();
    let from = vpcnet_engine::resolve_source(&n, "app1").unwrap();
    let q = vpcnet_engine::Query {
        from,
        to_ip: "192.0.2.99".parse().unwrap(),
        expect: None,
        protocol: TCP,
        src_port: 800,
        dst_port: 443,
        icmp_type: 0,
        icmp_code: 0,
    };
    let t = vpcnet_engine::trace(&n, &q);
    assert_eq!(
        verdict(&t),
        "SUBNET_ACL_RESTRICTION on return",
        "{}",
        render(&n, &t)
    );
    let q = vpcnet_engine::Query {
        src_port: 40000,
        ..q
    };
    assert_eq!(verdict(&vpcnet_engine::trace(&n, &q)), "REACHABLE");
}

#[test]
fn icmp_echo_and_its_reply() {
    let n = base();
    assert_eq!(verdict(&tr(&n, "web1", "app1", ICMP, 0)), "REACHABLE");
    let n = with(
        "{protocol: icmp, icmp_type: 8, cidr: 10.0.0.0/8}",
        "{protocol: icmp, icmp_type: 0, cidr: 10.0.0.0/8}",
    );
    assert_eq!(
        verdict(&tr(&n, "web1", "app1", ICMP, 0)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn no_route_and_longest_prefix_match() {
    let n = base();
    // b has no route to the internet at all.
    assert_eq!(
        verdict(&tr(&n, "db1", "internet", TCP, 443)),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
    // A more specific route beats 0.0.0.0/0: 192.0.2.0/24 is blackholed.
    let n = with(
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n",
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n          - {destination: 192.0.2.0/24, blackhole: true}\n",
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "internet", TCP, 443)),
        "BAD_STATE_ROUTE on forward"
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "198.51.100.1", TCP, 443)),
        "REACHABLE"
    );
}

#[test]
fn blackhole_state_route_drops() {
    let n = with(
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n",
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat, state: blackhole}\n",
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "internet", TCP, 443)),
        "BAD_STATE_ROUTE on forward"
    );
}

#[test]
fn prefix_list_route_destination() {
    let n = with(
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n",
        "          - {prefix_list: partners, nat_gateway: a-nat}\n",
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "198.51.100.9", TCP, 443)),
        "REACHABLE"
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "192.0.2.9", TCP, 443)),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
}

#[test]
fn internet_gateway_egress_needs_a_public_ip() {
    let n = base();
    let t = tr(&n, "web1", "internet", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    assert!(t
        .translations
        .iter()
        .any(|x| x.from.to_string() == "10.10.0.20" && x.to.to_string() == "203.0.113.20"));
    assert_eq!(
        verdict(&tr(&n, "web2", "internet", TCP, 443)),
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS on forward"
    );
}

#[test]
fn internet_gateway_ingress_only_to_public_ips() {
    let n = base();
    let t = tr(&n, "internet", "web1", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert_eq!(t.query.to_ip.to_string(), "203.0.113.20");
    // web2 has no public IP: the internet cannot address it.
    assert_eq!(
        verdict(&tr(&n, "internet", "web2", TCP, 443)),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
    // Without an internet gateway the public IP leads nowhere.
    let spec = BASE.replace("    internet_gateway: a-igw\n", "").replace(
        "          - {destination: 0.0.0.0/0, internet_gateway: a-igw}\n",
        "",
    );
    let n = net(&spec);
    let t = tr(&n, "internet", "203.0.113.20", TCP, 443);
    assert_eq!(verdict(&t), "NO_INTERNET_GATEWAY on forward");
}

#[test]
fn nat_gateway_translates_outbound_only() {
    let n = base();
    let t = tr(&n, "app1", "internet", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    let pairs: Vec<(String, String)> = t
        .translations
        .iter()
        .map(|x| (x.from.to_string(), x.to.to_string()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("10.10.1.10", "10.10.0.10"),
            ("10.10.0.10", "203.0.113.10"),
            ("203.0.113.10", "10.10.0.10"),
            ("10.10.0.10", "10.10.1.10"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        verdict(&tr(&n, "internet", "203.0.113.10", TCP, 443)),
        "NAT_GATEWAY_NO_INBOUND on forward"
    );
    let n = with(
        "public_ip: 203.0.113.10}",
        "public_ip: 203.0.113.10, state: failed}",
    );
    assert_eq!(
        verdict(&tr(&n, "app1", "internet", TCP, 443)),
        "BAD_STATE on forward"
    );
}

#[test]
fn peering_must_be_active() {
    let n = base();
    assert_eq!(verdict(&tr(&n, "app1", "db1", TCP, 5432)), "REACHABLE");
    for status in [
        "pending-acceptance",
        "failed",
        "deleted",
        "expired",
        "rejected",
    ] {
        let n = with(
            "{name: a-b, requester: a, accepter: b}",
            &format!("{{name: a-b, requester: a, accepter: b, status: {status}}}"),
        );
        let t = tr(&n, "app1", "db1", TCP, 5432);
        assert_eq!(verdict(&t), "BAD_STATE on forward", "{status}");
        assert!(t.blocked_by().unwrap().message.contains(status));
    }
}

#[test]
fn peering_needs_a_route_back() {
    let n = with(
        "        routes:\n          - {destination: 10.10.0.0/16, peering: a-b}\n",
        "        routes: []\n",
    );
    let t = tr(&n, "app1", "db1", TCP, 5432);
    assert_eq!(
        verdict(&t),
        "NO_ROUTE_TO_DESTINATION on return",
        "{}",
        render(&n, &t)
    );
    let found = vpcnet_engine::check::check(&n);
    assert!(
        found.iter().any(|d| d.code == "MISSING_RETURN_ROUTE"),
        "{found:#?}"
    );
}

#[test]
fn peering_is_not_transitive() {
    // b sends internet traffic over the peering, hoping to use a's NAT gateway.
    let n = with(
        "          - {destination: 10.10.0.0/16, peering: a-b}\n",
        "          - {destination: 10.10.0.0/16, peering: a-b}\n          - {destination: 0.0.0.0/0, peering: a-b}\n",
    );
    let t = tr(&n, "db1", "internet", TCP, 443);
    assert_eq!(
        verdict(&t),
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR on forward",
        "{}",
        render(&n, &t)
    );
    let found = vpcnet_engine::check::check(&n);
    assert!(
        found.iter().any(|d| d.code == "ROUTE_OUTSIDE_PEER_CIDR"),
        "{found:#?}"
    );
}

const APPLIANCE: &str = r#"
vpcs:
  - name: v
    cidr: 10.30.0.0/16
    route_tables:
      - name: clients
        routes:
          - {destination: 10.30.2.0/24, instance: fw}
      - name: servers
        routes:
          - {destination: 10.30.1.0/24, instance: fw}
    security_groups:
      - name: open
        ingress:
          - {protocol: all, cidr: 10.30.0.0/16}
    subnets:
      - {name: clients, cidr: 10.30.1.0/24, route_table: clients}
      - {name: servers, cidr: 10.30.2.0/24, route_table: servers}
      - {name: middle, cidr: 10.30.3.0/24}
    instances:
      - {name: client, subnet: clients, private_ip: 10.30.1.10, security_groups: [open]}
      - {name: server, subnet: servers, private_ip: 10.30.2.10, security_groups: [open]}
      - {name: fw, subnet: middle, private_ip: 10.30.3.10, security_groups: [open], source_dest_check: false, forwarding: router}
"#;

#[test]
fn appliance_routes_when_source_dest_check_is_off() {
    let n = net(APPLIANCE);
    let t = tr(&n, "client", "server", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert!(t
        .forward
        .hops
        .iter()
        .any(|h| h.detail.contains("routes the packet on")));
}

#[test]
fn appliance_with_source_dest_check_drops() {
    let n = net(&APPLIANCE.replace("source_dest_check: false, ", ""));
    let t = tr(&n, "client", "server", TCP, 443);
    assert_eq!(verdict(&t), "ENI_SOURCE_DEST_CHECK_RESTRICTION on forward");
    let found = vpcnet_engine::check::check(&n);
    assert!(found
        .iter()
        .any(|d| d.code == "ROUTE_TO_SOURCE_DEST_CHECKED"));
}

#[test]
fn appliance_without_a_role_does_not_forward() {
    let n = net(&APPLIANCE.replace(", forwarding: router", ""));
    assert_eq!(
        verdict(&tr(&n, "client", "server", TCP, 443)),
        "APPLIANCE_NOT_FORWARDING on forward"
    );
}

#[test]
fn nat_instance_translates_and_reverses() {
    let n = net(&APPLIANCE.replace("forwarding: router", "forwarding: nat"));
    let t = tr(&n, "client", "server", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let first = &t.translations[0];
    assert_eq!(
        (first.from.to_string(), first.to.to_string()),
        ("10.30.1.10".into(), "10.30.3.10".into())
    );
    // The server sees the NAT instance, so its reply goes straight back to it, locally.
    assert!(t
        .ret
        .as_ref()
        .unwrap()
        .hops
        .iter()
        .any(|h| h.detail.contains("reply of a translated connection")));
}

#[test]
fn routing_loop_ends_with_max_hops() {
    let looped = APPLIANCE
        .replace("      - name: clients\n        routes:\n          - {destination: 10.30.2.0/24, instance: fw}\n", "      - name: clients\n        routes:\n          - {destination: 10.30.2.0/24, instance: fw}\n      - name: middle\n        routes:\n          - {destination: 10.30.2.0/24, instance: fw}\n")
        .replace("{name: middle, cidr: 10.30.3.0/24}", "{name: middle, cidr: 10.30.3.0/24, route_table: middle}");
    let n = net(&looped);
    assert_eq!(
        verdict(&tr(&n, "client", "server", TCP, 443)),
        "MAX_HOPS_EXCEEDED on forward"
    );
}

#[test]
fn transit_gateway_routes_are_reported_not_guessed() {
    let n = with(
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n",
        "          - {destination: 0.0.0.0/0, nat_gateway: a-nat}\n          - {destination: 172.16.0.0/12, transit_gateway: tgw-0123}\n",
    );
    let t = tr(&n, "app1", "172.16.5.5", TCP, 443);
    assert_eq!(verdict(&t), "TARGET_NOT_MODELLED on forward");
}

#[test]
fn delivery_to_the_wrong_host_with_the_same_address() {
    // c reuses b's CIDR; a routes b's CIDR to c by mistake.
    let spec = BASE.replace("peerings:\n", "  - name: c\n    cidr: 10.20.0.0/16\n    security_groups:\n      - {name: any, ingress: [{protocol: all, cidr: 0.0.0.0/0}]}\n    subnets:\n      - {name: c-db, cidr: 10.20.1.0/24}\n    instances:\n      - {name: impostor, subnet: c-db, private_ip: 10.20.1.10, security_groups: [any]}\npeerings:\n  - {name: a-c, requester: a, accepter: c}\n")
        .replace("{destination: 10.20.0.0/16, peering: a-b}", "{destination: 10.20.0.0/16, peering: a-c}");
    let n = net(&spec);
    let t = tr(&n, "app1", "b/10.20.1.10", TCP, 5432);
    assert_eq!(
        verdict(&t),
        "DELIVERED_TO_OTHER_HOST on forward",
        "{}",
        render(&n, &t)
    );
}

#[test]
fn a_peer_vpc_outside_the_input_stops_the_path() {
    let n = with(
        "  - name: b\n    cidr: 10.20.0.0/16\n",
        "  - name: b\n    cidr: 10.20.0.0/16\n    external: true\n",
    );
    let t = tr(&n, "app1", "10.20.1.10", TCP, 5432);
    assert_eq!(
        verdict(&t),
        "VPC_NOT_IN_INPUT on forward",
        "{}",
        render(&n, &t)
    );
}

#[test]
fn missing_configuration_becomes_a_caveat() {
    let mut b = vpcnet_model::NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, None, BASE).unwrap();
    b.note_missing(
        vpcnet_model::Facet::NetworkAcls,
        "account 111111111111 us-east-1",
    );
    let (n, _) = b.finish();
    let t = tr(&n, "app1", "db1", TCP, 5432);
    assert_eq!(
        t.caveats,
        ["network ACLs were not in the input for account 111111111111 us-east-1: not evaluated"]
    );
    let found = vpcnet_engine::check::check(&n);
    assert_eq!(found[0].code, "NOT_EVALUATED");
}
