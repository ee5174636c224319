//! Seed 000's Tailscale half over the `cross-vpc` example: subnet routers, SNAT, the
//! tailnet policy, accept-routes, nodes off the VPCs, and what breaks each.

use vpcnet_model::Network;

use crate::support::{comp, net, render, tr, tr_name, verdict};

fn example() -> Network {
    net(vpcnet_spec::examples::CROSS_VPC)
}

fn variant(from: &str, to: &str) -> Network {
    let spec = vpcnet_spec::examples::CROSS_VPC;
    assert!(spec.contains(from), "the example no longer has `{from}`");
    net(&spec.replace(from, to))
}

/// The seed's five steps: DNS from the dev VPC, the route to the shared subnet router,
/// WireGuard, SNAT to the router's 10.0.12.x address, Authentik's group admitting
/// 10.0.12.0/26.
#[test]
fn orchestrator_reaches_sso_through_the_subnet_routers_with_snat() {
    let n = example();
    let t = tr_name(&n, "orchestrator-dev", "sso.shared.example.internal", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let text = render(&n, &t);
    for step in [
        "A alias to internal-authentik-nlb",
        "internal load balancer authentik-nlb",
        "listener TCP:443 -> target group authentik",
        "source 10.1.35.46 -> 100.119.26.88",
        "to subnet router tailscale-shared",
        "source 100.119.26.88 -> 10.0.12.10",
        "tcp port 443 from 10.0.12.0/26",
        "back over the tailnet to node orchestrator-dev",
    ] {
        assert!(text.contains(step), "lacks `{step}`:\n{text}");
    }
    // Authentik sees the router's address.
    let at_sso = t
        .forward
        .hops
        .iter()
        .find(|h| comp(&n, &h.component) == "sg-authentik-sg")
        .map(|h| h.packet.src.to_string());
    assert_eq!(at_sso.as_deref(), Some("10.0.12.10"));
}

/// The seed's decision guide: the EKS pod runs no Tailscale, so it cannot use the mesh,
/// and the peering does not admit it to Authentik on 443.
#[test]
fn the_pod_without_tailscale_takes_the_peering_instead() {
    let n = example();
    let t = tr(&n, "eks-runner", "sonarqube", 6, 9000);
    assert_eq!(verdict(&t), "REACHABLE");
    assert!(render(&n, &t).contains("pcx-0535aabbb2629e915"));
    assert!(!render(&n, &t).contains("tailnet"));
}

#[test]
fn snat_off_breaks_it_and_says_why() {
    let off = "{name: tailscale-shared, address: 100.64.12.10, instance: tailscale-shared, routes: [10.0.0.0/16], snat: false, os: linux}";
    let on = "{name: tailscale-shared, address: 100.64.12.10, instance: tailscale-shared, routes: [10.0.0.0/16], snat: true, os: linux}";
    // Authentik's subnet ACL admits only 10.0.0.0/16: the mesh address is refused.
    let n = variant(on, off);
    let t = tr_name(&n, "orchestrator-dev", "sso.shared.example.internal", 443);
    assert_eq!(
        verdict(&t),
        "SUBNET_ACL_RESTRICTION on forward",
        "{}",
        render(&n, &t)
    );
    // Admitted by the ACL and the group, the reply has no way back to 100.64.0.0/10.
    let spec = vpcnet_spec::examples::CROSS_VPC
        .replace(on, off)
        .replace(
            "          - {rule: 100, action: allow, protocol: all, cidr: 10.0.0.0/16}\n",
            "          - {rule: 100, action: allow, protocol: all, cidr: 10.0.0.0/16}\n          - {rule: 105, action: allow, protocol: all, cidr: 100.64.0.0/10}\n",
        )
        .replace(
            "          - {protocol: tcp, ports: 443, cidr: 10.0.12.0/26, description: Tailscale subnet router (SNAT)}\n",
            "          - {protocol: tcp, ports: 443, cidr: 10.0.12.0/26, description: Tailscale subnet router (SNAT)}\n          - {protocol: tcp, ports: 443, cidr: 100.64.0.0/10}\n",
        );
    let n = net(&spec);
    let t = tr_name(&n, "orchestrator-dev", "sso.shared.example.internal", 443);
    assert_eq!(
        verdict(&t),
        "TAILSCALE_NO_RETURN_ROUTE on return",
        "{}",
        render(&n, &t)
    );
    // With the route back through the router, it works without SNAT.
    let n = net(&spec.replace(
        "          - {destination: 0.0.0.0/0, nat_gateway: shared-nat}\n",
        "          - {destination: 0.0.0.0/0, nat_gateway: shared-nat}\n          - {destination: 100.64.0.0/10, instance: tailscale-shared}\n",
    ));
    let t = tr_name(&n, "orchestrator-dev", "sso.shared.example.internal", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let at_sso = t
        .forward
        .hops
        .iter()
        .find(|h| comp(&n, &h.component) == "sg-authentik-sg")
        .map(|h| h.packet.src.to_string());
    assert_eq!(at_sso.as_deref(), Some("100.119.26.88"));
}

#[test]
fn the_policy_decides_and_denies_by_default() {
    let n = example();
    // Port 22 on Authentik is in no rule for orchestrator-dev.
    let t = tr(&n, "orchestrator-dev", "authentik", 6, 22);
    assert_eq!(verdict(&t), "TAILSCALE_ACL_DENY on forward");
    assert!(t
        .blocked_by()
        .unwrap()
        .message
        .contains("denies by default"));
    // Without a policy, Tailscale allows everything; the group still decides.
    let open = variant(
        "  acls:\n    - src: [orchestrator-dev, alice-laptop]\n      dst: [\"10.0.0.0/16:443\", \"10.0.0.0/16:8200\", \"10.0.0.0/16:9000\"]\n    - src: [alice-laptop]\n      dst: [\"10.0.0.0/16:22\", \"10.1.0.0/16:22\"]\n",
        "",
    );
    let t = tr(&open, "orchestrator-dev", "authentik", 6, 22);
    assert_eq!(
        verdict(&t),
        "ENI_SG_RULES_MISMATCH on forward",
        "{}",
        render(&open, &t)
    );
}

#[test]
fn a_linux_client_without_accept_routes_stays_off_the_mesh() {
    let n = variant(
        "instance: orchestrator-dev, accept_routes: true, os: linux}",
        "instance: orchestrator-dev, os: linux}",
    );
    let t = tr_name(&n, "orchestrator-dev", "sso.shared.example.internal", 443);
    // It takes the VPC route instead: the peering, where the ACL refuses 443.
    assert!(!render(&n, &t).contains("tailnet"), "{}", render(&n, &t));
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward");
}

#[test]
fn a_laptop_on_the_tailnet_reaches_both_vpcs_through_their_routers() {
    let n = example();
    let t = tr(&n, "alice-laptop", "vault", 6, 8200);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert!(render(&n, &t).contains("from tailnet node alice-laptop"));
    let t = tr(&n, "100.100.7.1", "orchestrator-dev", 6, 22);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert!(render(&n, &t).contains("subnet router tailscale-dev"));
    // A node's mesh address, directly.
    let t = tr(&n, "alice-laptop", "100.119.26.88", 6, 443);
    assert_eq!(verdict(&t), "TAILSCALE_ACL_DENY on forward");
}

#[test]
fn export_keeps_the_tailnet() {
    let n = example();
    let again = net(&vpcnet_spec::to_yaml(&vpcnet_spec::from_network(&n)));
    for (from, to, port) in [
        ("orchestrator-dev", "authentik", 443),
        ("orchestrator-dev", "authentik", 22),
        ("alice-laptop", "vault", 8200),
    ] {
        assert_eq!(
            render(&n, &tr(&n, from, to, 6, port)),
            render(&again, &tr(&again, from, to, 6, port))
        );
    }
}

#[test]
fn magic_dns_names_lead_to_mesh_addresses() {
    let n = example();
    let t = tr_name(&n, "alice-laptop", "orchestrator-dev.example.com", 22);
    assert_eq!(verdict(&t), "TAILSCALE_ACL_DENY on forward");
    assert!(render(&n, &t).contains("MagicDNS (100.100.100.100) answers for node orchestrator-dev"));
    let open = variant(
        "      dst: [\"10.0.0.0/16:22\", \"10.1.0.0/16:22\"]",
        "      dst: [\"10.0.0.0/16:22\", \"10.1.0.0/16:22\", \"100.64.0.0/10:22\"]",
    );
    let t = tr_name(&open, "alice-laptop", "orchestrator-dev.example.com", 22);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&open, &t));
    assert_eq!(t.query.to_ip.to_string(), "100.119.26.88");
}

#[test]
fn an_exit_node_carries_internet_traffic_and_must_be_approved() {
    let laptop = "{name: alice-laptop, address: 100.100.7.1, os: macOS}";
    let using =
        "{name: alice-laptop, address: 100.100.7.1, os: macOS, uses_exit_node: tailscale-shared}";
    let router = "routes: [10.0.0.0/16], snat: true, os: linux}";
    let spec = vpcnet_spec::examples::CROSS_VPC
        .replace(laptop, using)
        .replace(
            "      dst: [\"10.0.0.0/16:22\", \"10.1.0.0/16:22\"]",
            "      dst: [\"10.0.0.0/16:22\", \"10.1.0.0/16:22\", \"0.0.0.0/0:443\"]",
        );
    // Not approved as an exit node: refused with its own code.
    let n = net(&spec);
    let t = tr(&n, "alice-laptop", "internet", 6, 443);
    assert_eq!(verdict(&t), "TAILSCALE_EXIT_NODE_NOT_APPROVED on forward");
    // Approved: out through the router, its VPC's NAT gateway and internet gateway.
    let n = net(&spec.replacen(
        router,
        "routes: [10.0.0.0/16], snat: true, os: linux, exit_node: true}",
        1,
    ));
    let t = tr(&n, "alice-laptop", "internet", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    let text = render(&n, &t);
    assert!(text.contains("to exit node tailscale-shared"), "{text}");
    assert!(text.contains("shared-nat"), "{text}");
    // Without using one, the laptop has no way to the internet here.
    let n = net(vpcnet_spec::examples::CROSS_VPC);
    let t = tr(&n, "alice-laptop", "internet", 6, 443);
    assert_eq!(verdict(&t), "NO_ROUTE_TO_DESTINATION on forward");
}
