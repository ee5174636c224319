//! Seed 001: client VPCs in three regions joined by an in-cloud VPN hub. Each client's
//! NAT+VPN gateway tunnels the private network to the hub and NATs the rest to the
//! internet; the hub passes traffic between the tunnels. Each gateway is a single point
//! of failure, as the seed warns.

use vpcnet_model::Network;

use crate::support::{net, render, tr, verdict};

const HUB: &str = r#"
vpcs:
  - name: hub
    region: us-west-2
    cidr: 10.10.0.0/16
    internet_gateway: hub-igw
    route_tables:
      - name: hub-public
        main: true
        routes:
          - {destination: 0.0.0.0/0, internet_gateway: hub-igw}
          - {destination: 10.0.0.0/8, instance: vpn-hub}
    security_groups:
      - name: vpn-sg
        ingress:
          - {protocol: all, cidr: 10.0.0.0/8}
    subnets:
      - {name: hub-public-a, cidr: 10.10.0.0/24, az: us-west-2a}
    instances:
      - name: vpn-hub
        subnet: hub-public-a
        private_ip: 10.10.0.10
        public_ip: 198.51.100.10
        security_groups: [vpn-sg]
        source_dest_check: false
        forwarding: vpn
        vpn_tunnels:
          - {peer: nat-vpn-a, networks: [10.20.0.0/16]}
          - {peer: nat-vpn-b, networks: [10.30.0.0/16]}
  - name: client-a
    region: us-east-1
    cidr: 10.20.0.0/16
    internet_gateway: a-igw
    route_tables:
      - name: a-public
        routes: [{destination: 0.0.0.0/0, internet_gateway: a-igw}]
      - name: a-private
        main: true
        routes:
          - {destination: 0.0.0.0/0, instance: nat-vpn-a}
          - {destination: 10.0.0.0/8, instance: nat-vpn-a}
    security_groups:
      - name: gw-a-sg
        ingress:
          - {protocol: all, cidr: 10.0.0.0/8}
    subnets:
      - {name: a-public-a, cidr: 10.20.0.0/24, az: us-east-1a, route_table: a-public}
      - {name: a-private-a, cidr: 10.20.1.0/24, az: us-east-1a}
    instances:
      - name: nat-vpn-a
        subnet: a-public-a
        private_ip: 10.20.0.10
        public_ip: 203.0.113.20
        security_groups: [gw-a-sg]
        source_dest_check: false
        forwarding: vpn
        vpn_nat: true
        vpn_tunnels:
          - {peer: vpn-hub, networks: [10.0.0.0/8]}
      - {name: app-a, subnet: a-private-a, private_ip: 10.20.1.10}
  - name: client-b
    region: eu-west-1
    cidr: 10.30.0.0/16
    route_tables:
      - name: b-private
        main: true
        routes:
          - {destination: 10.0.0.0/8, instance: nat-vpn-b}
    security_groups:
      - name: gw-b-sg
        ingress:
          - {protocol: all, cidr: 10.0.0.0/8}
      - name: api-sg
        ingress:
          - {protocol: tcp, ports: 443, cidr: 10.20.0.0/16}
    subnets:
      - {name: b-public-a, cidr: 10.30.0.0/24, az: eu-west-1a}
      - {name: b-private-a, cidr: 10.30.1.0/24, az: eu-west-1a}
    instances:
      - name: nat-vpn-b
        subnet: b-public-a
        private_ip: 10.30.0.10
        security_groups: [gw-b-sg]
        source_dest_check: false
        forwarding: vpn
        vpn_tunnels:
          - {peer: vpn-hub, networks: [10.0.0.0/8]}
      - {name: api-b, subnet: b-private-a, private_ip: 10.30.1.10, security_groups: [api-sg]}
"#;

fn hub() -> Network {
    net(HUB)
}

#[test]
fn client_vpcs_in_other_regions_talk_through_the_hub() {
    let n = hub();
    let t = tr(&n, "app-a", "api-b", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let text = render(&n, &t);
    for step in [
        "IPsec tunnel to vpn-hub",
        "IPsec tunnel to nat-vpn-b",
        "into VPC client-b",
        "IPsec tunnel to nat-vpn-a",
    ] {
        assert!(text.contains(step), "lacks `{step}`:\n{text}");
    }
    // The private network is not translated: api-b sees app-a's own address.
    assert!(t.translations.is_empty(), "{:?}", t.translations);
    assert_eq!(
        verdict(&tr(&n, "app-a", "api-b", 6, 22)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn the_nat_vpn_gateway_translates_what_no_tunnel_carries() {
    let n = hub();
    let t = tr(&n, "app-a", "internet", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let sources: Vec<String> = t
        .translations
        .iter()
        .filter(|x| !x.on_return)
        .map(|x| x.to.to_string())
        .collect();
    assert_eq!(sources, ["10.20.0.10", "203.0.113.20"]);
}

#[test]
fn a_network_no_tunnel_carries_is_not_reached() {
    // The hub has no tunnel for client-b once its tunnel is gone: the packet is routed
    // on in the hub's VPC, which has nowhere to send 10.30.0.0/16 but back to itself.
    let n = net(&HUB.replace(
        "          - {peer: nat-vpn-b, networks: [10.30.0.0/16]}\n",
        "",
    ));
    let t = tr(&n, "app-a", "api-b", 6, 443);
    assert_ne!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
}

#[test]
fn each_gateway_is_a_single_point_of_failure() {
    let found: Vec<String> = vpcnet_engine::check::check(&hub())
        .into_iter()
        .filter(|d| d.code == "SINGLE_APPLIANCE")
        .map(|d| d.message)
        .collect();
    for gw in ["vpn-hub", "nat-vpn-a", "nat-vpn-b"] {
        assert!(
            found.iter().any(|m| m.contains(gw)),
            "{gw} not flagged: {found:#?}"
        );
    }
}

#[test]
fn export_keeps_the_tunnels() {
    let n = hub();
    let again = net(&vpcnet_spec::to_yaml(&vpcnet_spec::from_network(&n)));
    assert_eq!(
        render(&n, &tr(&n, "app-a", "api-b", 6, 443)),
        render(&again, &tr(&again, "app-a", "api-b", 6, 443))
    );
}
