//! Transit gateways: attachments per Availability Zone, associations, propagated and
//! static routes, blackholes, inter-region peering, VPN sites, and the network ACLs of
//! attachment subnets.

use expect_test::expect;
use vpcnet_model::NetworkBuilder;

use crate::support::{net, render, tr, verdict};

const HUB: &str = r#"
defaults: {region: us-east-1, account: "111111111111"}
vpcs:
  - name: app
    cidr: 10.0.0.0/16
    route_tables:
      - name: app-main
        main: true
        routes:
          - {destination: 10.1.0.0/16, transit_gateway: hub}
          - {destination: 10.2.0.0/16, transit_gateway: hub}
          - {destination: 10.3.0.0/16, transit_gateway: hub}
          - {destination: 172.16.0.0/12, transit_gateway: hub}
    subnets:
      - {name: app-a, cidr: 10.0.1.0/24, az: us-east-1a}
      - {name: app-b, cidr: 10.0.2.0/24, az: us-east-1b}
      - {name: app-tgw-a, cidr: 10.0.255.0/28, az: us-east-1a}
    instances:
      - {name: app-1, subnet: app-a, private_ip: 10.0.1.10}
      - {name: app-2, subnet: app-b, private_ip: 10.0.2.10}
  - name: shared
    cidr: 10.1.0.0/16
    route_tables:
      - name: shared-main
        main: true
        routes:
          - {destination: 10.0.0.0/8, transit_gateway: hub}
          - {destination: 172.16.0.0/12, transit_gateway: hub}
    network_acls:
      - name: tgw-acl
        ingress:
          - {rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}
        egress:
          - {rule: 90, action: deny, protocol: tcp, ports: 23, cidr: 10.1.1.0/24}
          - {rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0}
    security_groups:
      - name: shared-sg
        ingress:
          - {protocol: tcp, ports: 1-65535, cidr: 10.0.0.0/8}
          - {protocol: tcp, ports: 1-65535, cidr: 172.16.0.0/12}
    subnets:
      - {name: shared-a, cidr: 10.1.1.0/24, az: us-east-1a}
      - {name: shared-tgw-a, cidr: 10.1.255.0/28, az: us-east-1a, network_acl: tgw-acl}
    instances:
      - {name: shared-1, subnet: shared-a, private_ip: 10.1.1.10, security_groups: [shared-sg]}
  - name: lonely
    cidr: 10.9.0.0/16
    route_tables:
      - name: lonely-main
        main: true
        routes:
          - {destination: 10.1.0.0/16, transit_gateway: hub}
    subnets:
      - {name: lonely-a, cidr: 10.9.1.0/24, az: us-east-1a}
    instances:
      - {name: lonely-1, subnet: lonely-a, private_ip: 10.9.1.10}
  - name: eu
    region: eu-west-1
    cidr: 10.2.0.0/16
    route_tables:
      - name: eu-main
        main: true
        routes:
          - {destination: 10.0.0.0/8, transit_gateway: hub-eu}
    security_groups:
      - name: eu-sg
        ingress:
          - {protocol: tcp, ports: 443, cidr: 10.0.0.0/16}
    subnets:
      - {name: eu-a, cidr: 10.2.1.0/24, az: eu-west-1a}
    instances:
      - {name: eu-1, subnet: eu-a, private_ip: 10.2.1.10, security_groups: [eu-sg]}
transit_gateways:
  - name: hub
    route_tables:
      - name: hub-main
        propagations: [app-att, shared-att, datacenter]
        routes:
          - {destination: 10.2.0.0/16, attachment: to-eu}
          - {destination: 10.1.99.0/24, blackhole: true}
    attachments:
      - {name: app-att, vpc: app, subnets: [app-tgw-a], route_table: hub-main}
      - {name: shared-att, vpc: shared, subnets: [shared-tgw-a], route_table: hub-main, appliance_mode: true}
      - {name: to-eu, peer: hub-eu, peer_route_table: eu-main-rt, route_table: hub-main}
      - name: datacenter
        vpn: {site: datacenter, cidrs: [172.16.0.0/12]}
        route_table: hub-main
  - name: hub-eu
    region: eu-west-1
    route_tables:
      - name: eu-main-rt
        propagations: [eu-att]
        routes:
          - {destination: 10.0.0.0/15, attachment: to-eu}
    attachments:
      - {name: eu-att, vpc: eu, subnets: [eu-a], route_table: eu-main-rt}
"#;

#[test]
fn a_vpc_reaches_another_through_the_hub() {
    let n = net(HUB);
    let t = tr(&n, "app-1", "shared-1", 6, 443);
    expect![[r#"
        REACHABLE
        forward:
          send      eni-app-1                    from eni-app-1 of instance app-1 (i-app-1)
          allow     sg-app-default               outbound allowed by rule #1: all to 0.0.0.0/0
          route     rtb-app-main                 10.1.0.0/16 -> tgw-hub (subnet app-a (subnet-app-a))
          allow     acl-app-default              outbound at subnet app-a (subnet-app-a): rule 100 allow all to 0.0.0.0/0
          allow     acl-app-default              inbound at subnet app-tgw-a (subnet-app-tgw-a): rule 100 allow all from 0.0.0.0/0
          forward   tgw-attach-app-att           into transit gateway hub (tgw-hub) through subnet app-tgw-a (subnet-app-tgw-a) (us-east-1a)
          route     tgw-rtb-hub-main             10.1.0.0/16 -> attachment shared-att (tgw-attach-shared-att) (propagated; came in by app-att (tgw-attach-app-att))
          forward   tgw-attach-shared-att        into VPC shared (vpc-shared) through subnet shared-tgw-a (subnet-shared-tgw-a), routed by its route table; appliance mode keeps both directions of a flow in one Availability Zone
          route     rtb-shared-main              10.1.0.0/16 -> local (subnet shared-tgw-a (subnet-shared-tgw-a))
          allow     acl-tgw-acl                  outbound at subnet shared-tgw-a (subnet-shared-tgw-a): rule 100 allow all to 0.0.0.0/0
          allow     acl-shared-default           inbound at subnet shared-a (subnet-shared-a): rule 100 allow all from 0.0.0.0/0
          allow     sg-shared-sg                 inbound allowed by rule #1: tcp port 1-65535 from 10.0.0.0/8
          deliver   eni-shared-1                 to eni-shared-1 of instance shared-1 (i-shared-1) at 10.1.1.10
        return:
          send      eni-shared-1                 reply from eni-shared-1 of instance shared-1 (i-shared-1)
          allow     sg-shared-sg                 outbound reply of a tracked connection (security groups are stateful)
          route     rtb-shared-main              10.0.0.0/8 -> tgw-hub (subnet shared-a (subnet-shared-a))
          allow     acl-shared-default           outbound at subnet shared-a (subnet-shared-a): rule 100 allow all to 0.0.0.0/0
          allow     acl-tgw-acl                  inbound at subnet shared-tgw-a (subnet-shared-tgw-a): rule 100 allow all from 0.0.0.0/0
          forward   tgw-attach-shared-att        into transit gateway hub (tgw-hub) through subnet shared-tgw-a (subnet-shared-tgw-a) (us-east-1a)
          route     tgw-rtb-hub-main             10.0.0.0/16 -> attachment app-att (tgw-attach-app-att) (propagated; came in by shared-att (tgw-attach-shared-att))
          forward   tgw-attach-app-att           into VPC app (vpc-app) through subnet app-tgw-a (subnet-app-tgw-a), routed by its route table
          route     rtb-app-main                 10.0.0.0/16 -> local (subnet app-tgw-a (subnet-app-tgw-a))
          allow     acl-app-default              outbound at subnet app-tgw-a (subnet-app-tgw-a): rule 100 allow all to 0.0.0.0/0
          allow     acl-app-default              inbound at subnet app-a (subnet-app-a): rule 100 allow all from 0.0.0.0/0
          allow     sg-app-default               inbound reply of a tracked connection (security groups are stateful)
          deliver   eni-app-1                    to eni-app-1 of instance app-1 (i-app-1) at 10.0.1.10
    "#]]
    .assert_eq(&render(&n, &t));
}

#[test]
fn a_subnet_in_an_az_without_an_attachment_subnet_cannot_reach_the_hub() {
    let n = net(HUB);
    assert_eq!(
        verdict(&tr(&n, "app-2", "shared-1", 6, 443)),
        "TGW_ATTACHMENT_NO_SUBNET_IN_AZ on forward"
    );
}

#[test]
fn peered_transit_gateways_carry_traffic_across_regions_both_ways() {
    let n = net(HUB);
    let t = tr(&n, "app-1", "eu-1", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    let text = render(&n, &t);
    assert!(
        text.contains("to peer transit gateway hub-eu (tgw-hub-eu)"),
        "{text}"
    );
    assert!(text.contains("10.0.0.0/15 -> attachment to-eu"), "{text}");
    // The eu group admits 443 only.
    assert_eq!(
        verdict(&tr(&n, "app-1", "eu-1", 6, 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn blackholes_missing_routes_attachments_and_associations() {
    let n = net(HUB);
    assert_eq!(
        verdict(&tr(&n, "app-1", "10.1.99.5", 6, 443)),
        "TGW_ROUTE_BLACKHOLE on forward"
    );
    assert_eq!(
        verdict(&tr(&n, "app-1", "10.3.0.5", 6, 443)),
        "TGW_RTB_CANNOT_ROUTE on forward"
    );
    assert_eq!(
        verdict(&tr(&n, "lonely-1", "shared-1", 6, 443)),
        "TGW_NO_ATTACHMENT_IN_VPC on forward"
    );
    let unassociated = net(&HUB.replace(
        "{name: app-att, vpc: app, subnets: [app-tgw-a], route_table: hub-main}",
        "{name: app-att, vpc: app, subnets: [app-tgw-a]}",
    ));
    assert_eq!(
        verdict(&tr(&unassociated, "app-1", "shared-1", 6, 443)),
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION on forward"
    );
    let pending = net(&HUB.replace(
        "peer_route_table: eu-main-rt, route_table: hub-main}",
        "peer_route_table: eu-main-rt, route_table: hub-main, state: pendingAcceptance}",
    ));
    assert_eq!(
        verdict(&tr(&pending, "app-1", "eu-1", 6, 443)),
        "BAD_STATE on forward"
    );
}

#[test]
fn a_static_route_beats_a_propagated_one_for_the_same_prefix() {
    let n = net(&HUB.replace(
        "- {destination: 10.1.99.0/24, blackhole: true}",
        "- {destination: 10.1.0.0/16, blackhole: true}",
    ));
    assert_eq!(
        verdict(&tr(&n, "app-1", "shared-1", 6, 443)),
        "TGW_ROUTE_BLACKHOLE on forward"
    );
}

#[test]
fn the_attachment_subnet_acl_judges_traffic_leaving_the_hub_into_the_vpc() {
    let n = net(HUB);
    let t = tr(&n, "app-1", "shared-1", 6, 23);
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward");
    assert_eq!(
        t.blocked_by()
            .map(|b| crate::support::comp(&n, &b.component)),
        Some("acl-tgw-acl".to_owned())
    );
}

#[test]
fn vpn_sites_send_and_receive() {
    let n = net(HUB);
    let t = tr(&n, "172.16.5.5", "shared-1", 6, 22);
    assert_eq!(verdict(&t), "REACHABLE");
    assert!(render(&n, &t).contains("from 172.16.5.5 in site datacenter"));
    let t = tr(&n, "app-1", "172.20.1.1", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    assert!(render(&n, &t).contains("to 172.20.1.1 in site datacenter"));
}

#[test]
fn the_builder_refuses_what_aws_refuses() {
    let spec = HUB
        .replace(
            "subnets: [app-tgw-a], route_table: hub-main}",
            "subnets: [app-tgw-a, app-a], route_table: hub-main}",
        )
        .replace(
            "propagations: [eu-att]",
            "propagations: [eu-att, to-eu]",
        )
        .replace(
            "- {destination: 10.0.0.0/15, attachment: to-eu}",
            "- {destination: 10.0.0.0/15, attachment: to-eu}\n          - {destination: 10.7.0.0/16, attachment: shared-att}",
        );
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("t.yaml"), &spec).expect("parses");
    let codes: Vec<&str> = b.finish().1.iter().map(|d| d.code).collect();
    for want in [
        "TGW_ATTACHMENT_AZ_TWICE",
        "TGW_PEERING_PROPAGATION",
        "TGW_ROUTE_OTHER_TGW",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
}

#[test]
fn export_keeps_every_transit_gateway_path() {
    let n = net(HUB);
    let yaml = vpcnet_spec::to_yaml(&vpcnet_spec::from_network(&n));
    let again = net(&yaml);
    for (from, to, port) in [
        ("app-1", "shared-1", 443),
        ("app-1", "eu-1", 443),
        ("app-2", "shared-1", 443),
        ("app-1", "10.1.99.5", 443),
        ("172.16.5.5", "shared-1", 22),
    ] {
        assert_eq!(
            render(&n, &tr(&n, from, to, 6, port)),
            render(&again, &tr(&again, from, to, 6, port)),
            "{from} -> {to}"
        );
    }
}

#[test]
fn check_reports_what_the_hub_cannot_carry() {
    let n = net(HUB);
    let found: Vec<String> = vpcnet_engine::check::check(&n)
        .iter()
        .filter(|d| d.code.starts_with("TGW_"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    let has = |code: &str, text: &str| {
        assert!(
            found
                .iter()
                .any(|c| c.starts_with(code) && c.contains(text)),
            "no {code} mentioning {text} in {found:#?}"
        )
    };
    has("TGW_AZ_NOT_COVERED", "app-b");
    has("TGW_NO_ATTACHMENT_IN_VPC", "lonely");
    assert!(!found.iter().any(|c| c.contains("app-a ")), "{found:#?}");
}
