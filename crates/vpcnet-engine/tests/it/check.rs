//! `check`: each lint fires on the configuration it names, and stays quiet otherwise.

use vpcnet_engine::check::check;

use crate::support::net;

fn codes(yaml: &str) -> Vec<&'static str> {
    check(&net(yaml)).into_iter().map(|d| d.code).collect()
}

const PEERED: &str = r#"
vpcs:
  - name: a
    cidr: 10.1.0.0/16
    route_tables:
      - {name: a-main, main: true, routes: [{destination: 10.2.0.0/16, peering: a-b}]}
    security_groups:
      - name: a-sg
        ingress:
          - {protocol: tcp, ports: 22, cidr: 0.0.0.0/0}
    subnets:
      - {name: a1, cidr: 10.1.1.0/24}
  - name: b
    cidr: 10.2.0.0/16
    route_tables:
      - {name: b-main, main: true, routes: [{destination: 10.1.0.0/16, peering: a-b}]}
    subnets:
      - {name: b1, cidr: 10.2.1.0/24}
peerings:
  - {name: a-b, requester: a, accepter: b}
"#;

#[test]
fn a_clean_peering_gives_only_the_open_ssh_warning() {
    assert_eq!(codes(PEERED), ["SG_ADMIN_PORT_OPEN_TO_WORLD"]);
}

/// The dev route to staging over the dev-shared peering is the example's deliberate
/// mistake; Authentik's single target behind its NLB is a note, as it is in the seed.
#[test]
fn the_built_in_example_is_clean_but_for_its_deliberate_mistake() {
    let found = codes(vpcnet_spec::examples::CROSS_VPC);
    assert_eq!(
        found,
        ["ROUTE_OUTSIDE_PEER_CIDR", "LB_TARGETS_SINGLE_POINT"]
    );
}

#[test]
fn overlapping_peered_cidrs() {
    let yaml = PEERED
        .replace("cidr: 10.2.0.0/16\n", "cidr: 10.1.128.0/17\n")
        .replace("10.2.1.0/24", "10.1.129.0/24")
        .replace(
            "{destination: 10.2.0.0/16, peering: a-b}",
            "{destination: 10.1.128.0/17, peering: a-b}",
        );
    assert!(codes(&yaml).contains(&"PEERED_CIDR_OVERLAP"));
}

#[test]
fn missing_return_route() {
    let yaml = PEERED.replace(
        "routes: [{destination: 10.1.0.0/16, peering: a-b}]",
        "routes: []",
    );
    let found = check(&net(&yaml));
    let d = found
        .iter()
        .find(|d| d.code == "MISSING_RETURN_ROUTE")
        .expect("reported");
    assert!(
        d.message.contains("b-main") && d.message.contains("10.1.1.0/24"),
        "{}",
        d.message
    );
    let loc = d.location.as_ref().expect("located");
    assert_eq!(
        loc.pointer.as_deref(),
        Some("/vpcs/0/route_tables/0/routes/0")
    );
}

#[test]
fn route_beyond_the_peer() {
    let yaml = PEERED.replace(
        "[{destination: 10.2.0.0/16, peering: a-b}]",
        "[{destination: 10.0.0.0/8, peering: a-b}]",
    );
    assert!(codes(&yaml).contains(&"ROUTE_OUTSIDE_PEER_CIDR"));
}

#[test]
fn route_to_an_inactive_peering() {
    let yaml = PEERED.replace(
        "{name: a-b, requester: a, accepter: b}",
        "{name: a-b, requester: a, accepter: b, status: pending-acceptance}",
    );
    assert!(codes(&yaml).contains(&"ROUTE_TO_INACTIVE_PEERING"));
}

#[test]
fn security_group_reference_to_an_unpeered_vpc() {
    let yaml = PEERED
        .replace(
            "peerings:\n  - {name: a-b, requester: a, accepter: b}\n",
            "",
        )
        .replace(
            "routes: [{destination: 10.2.0.0/16, peering: a-b}]",
            "routes: []",
        )
        .replace(
            "routes: [{destination: 10.1.0.0/16, peering: a-b}]",
            "routes: []",
        )
        .replace(
            "          - {protocol: tcp, ports: 22, cidr: 0.0.0.0/0}\n",
            "          - {protocol: tcp, ports: 22, sg: b/default}\n",
        );
    assert_eq!(codes(&yaml), ["SG_REFERENCE_NOT_PEERED"]);
}

#[test]
fn public_ip_and_nat_without_an_internet_route() {
    let yaml = r#"
vpcs:
  - name: a
    cidr: 10.1.0.0/16
    subnets:
      - {name: a1, cidr: 10.1.1.0/24}
    nat_gateways:
      - {name: n, subnet: a1, private_ip: 10.1.1.5, public_ip: 203.0.113.5}
    instances:
      - {name: i, subnet: a1, private_ip: 10.1.1.6, public_ip: 203.0.113.6}
"#;
    assert_eq!(
        codes(yaml),
        [
            "NAT_WITHOUT_INTERNET_ROUTE",
            "PUBLIC_IP_WITHOUT_INTERNET_ROUTE"
        ]
    );
}

const SINGLE_POINTS: &str = r#"
vpcs:
  - name: hub
    cidr: 10.5.0.0/16
    internet_gateway: hub-igw
    route_tables:
      - name: public
        routes: [{destination: 0.0.0.0/0, internet_gateway: hub-igw}]
      - name: private
        main: true
        routes:
          - {destination: 0.0.0.0/0, nat_gateway: nat-a}
          - {destination: 172.16.0.0/12, instance: vpn-hub}
    subnets:
      - {name: public-a, cidr: 10.5.0.0/24, az: us-east-1a, route_table: public}
      - {name: private-a, cidr: 10.5.1.0/24, az: us-east-1a}
      - {name: private-b, cidr: 10.5.2.0/24, az: us-east-1b}
    nat_gateways:
      - {name: nat-a, subnet: public-a, private_ip: 10.5.0.10, public_ip: 203.0.113.9}
    instances:
      - {name: vpn-hub, subnet: public-a, private_ip: 10.5.0.20, forwarding: router, source_dest_check: false}
      - {name: web-1, subnet: private-a, private_ip: 10.5.1.10}
      - {name: web-2, subnet: private-a, private_ip: 10.5.1.11}
    target_groups:
      - {name: web, port: 80, targets: [web-1, web-2]}
"#;

/// Seed 001's "single point of failure": one VPN hub instance, one NAT gateway for
/// two zones, targets in one zone.
#[test]
fn single_appliances_and_single_zones_are_named_with_the_flows_they_cut() {
    let found: Vec<String> = check(&net(SINGLE_POINTS))
        .into_iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    let one = |code: &str| -> &String {
        let hits: Vec<&String> = found.iter().filter(|f| f.starts_with(code)).collect();
        assert_eq!(hits.len(), 1, "{code} in {found:#?}");
        hits[0]
    };
    let spof = one("SINGLE_APPLIANCE");
    assert!(
        spof.contains("vpn-hub") && spof.contains("172.16.0.0/12") && spof.contains("private-b"),
        "{spof}"
    );
    let nat = one("NAT_GATEWAY_OTHER_AZ");
    assert!(
        nat.contains("private-b") && !nat.contains("private-a"),
        "{nat}"
    );
    assert!(one("LB_TARGETS_SINGLE_POINT").contains("us-east-1a"));
    // Nothing of the kind where each zone has its own.
    let spread = SINGLE_POINTS
        .replace("targets: [web-1, web-2]", "targets: [web-1, web-3]")
        .replace(
            "      - {name: web-2, subnet: private-a, private_ip: 10.5.1.11}",
            "      - {name: web-3, subnet: private-b, private_ip: 10.5.2.11}",
        );
    assert!(!codes(&spread).contains(&"LB_TARGETS_SINGLE_POINT"));
}
