//! Regressions: each test names the mistake it pins.

use crate::support::*;

/// A `via` grant was satisfied by an exit node's default route even where a subnet
/// router's longer route carries the traffic: the router that counts is the one with
/// the longest route.
#[test]
fn via_counts_the_router_with_the_longest_route_not_any_covering_one() {
    let policy = r#"{
        "tagOwners": {"tag:router": [], "tag:exit": []},
        "grants": [{"src": ["*"], "dst": ["10.0.0.0/8"], "ip": ["*"], "via": ["tag:exit"]}],
    }"#;
    let (t, _) = tailnet(Some(policy), Some(&fixture("corp.devices.json")));
    // exit-1's routes are not approved here (no auto approver): enable them by hand.
    let mut nodes = t.nodes().to_vec();
    for n in &mut nodes {
        if n.short_name() == "exit-1" {
            n.enabled_routes = n.advertised_routes.clone();
        }
    }
    let t = vpcnet_tailscale::Tailnet::new(t.policy().cloned(), nodes);
    assert_eq!(t.exit_nodes().len(), 1);
    // 10.0.5.7 goes through router-2's 10.0.5.0/24, not the exit node.
    assert_eq!(
        decide(&t, "100.64.0.3", "10.0.5.7", TCP, 22),
        "denied by default: no acl or grant allows it"
    );
    // 10.200.0.1 has no subnet route: the exit node's default route carries it.
    assert_eq!(
        decide(&t, "100.64.0.3", "10.200.0.1", TCP, 22),
        "allowed by grants[0] (`10.0.0.0/8` at #/grants/0/dst/0)"
    );
}
