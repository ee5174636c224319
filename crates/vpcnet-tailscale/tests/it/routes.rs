//! Routes: approval (enabled, auto-approved by `autoApprovers`), routes in effect,
//! the router of an address (longest prefix), exit nodes, and what is wrong with them.

use vpcnet_tailscale::{Approval, Tailnet};

use crate::support::*;

/// Every device's approved routes, one per line.
fn approved(t: &Tailnet) -> String {
    let mut out = String::new();
    for n in t.nodes() {
        for r in t.approved_routes(n) {
            let how = match &r.approval {
                Approval::Enabled => "enabled".to_owned(),
                Approval::AutoApproved { pointer } => format!("auto-approved by #{pointer}"),
            };
            let adv = if r.advertised { "" } else { ", not advertised" };
            out.push_str(&format!("{} {} {how}{adv}\n", n.short_name(), r.prefix));
        }
    }
    out
}

#[test]
fn corp_routes() {
    let t = corp();
    expect_test::expect![[r#"
        router-1 10.0.0.0/16 enabled
        router-1 10.1.0.0/24 auto-approved by #/autoApprovers/routes/10.1.0.0~116
        router-2 10.0.0.0/16 enabled
        router-2 10.0.5.0/24 enabled
        exit-1 0.0.0.0/0 auto-approved by #/autoApprovers/exitNode
        exit-1 ::/0 auto-approved by #/autoApprovers/exitNode
    "#]]
    .assert_eq(&approved(&t));
    let router = |a: &str| {
        t.routers_for(ip(a))
            .iter()
            .map(|m| format!("{} via {}", m.prefix, m.node.short_name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Longest prefix wins; routers sharing a route are all named, in input order.
    assert_eq!(router("10.0.5.7"), "10.0.5.0/24 via router-2");
    assert_eq!(
        router("10.0.9.9"),
        "10.0.0.0/16 via router-1, 10.0.0.0/16 via router-2"
    );
    assert_eq!(router("10.1.0.200"), "10.1.0.0/24 via router-1");
    // Advertised but not approved: nobody routes it. Exit routes are not subnet routes.
    assert_eq!(router("10.9.0.1"), "");
    assert_eq!(router("8.8.8.8"), "");
    assert_eq!(
        t.router_for(ip("10.0.9.9"))
            .map(|m| m.node.short_name().to_owned()),
        Some("router-1".to_owned())
    );
    let exits: Vec<&str> = t.exit_nodes().iter().map(|n| n.short_name()).collect();
    assert_eq!(exits, ["exit-1"]);
    expect_test::expect![[r#"
        note ROUTE_NOT_APPROVED #/devices/7: device `router-2.tail1234.ts.net` advertises `10.9.0.0/16`, which is neither enabled nor auto-approved; it carries no traffic
    "#]]
    .assert_eq(&findings(&t.findings(Some("devices.json"))));
}

#[test]
fn auto_approval_follows_tags_users_groups_and_subnets() {
    let policy = r#"{
        "groups": {"group:net": ["bob@example.com"]},
        "tagOwners": {"tag:router": []},
        "autoApprovers": {
            "routes": {
                "192.168.0.0/16": ["group:net"],
                "172.16.0.0/12":  ["alice@example.com", "tag:router"],
            },
        },
        "acls": [],
    }"#;
    let devices = r#"{"devices": [
        {"addresses": ["100.64.0.1"], "name": "alice-r.ts.net", "user": "alice@example.com",
         "advertisedRoutes": ["172.16.4.0/24", "192.168.1.0/24", "0.0.0.0/0"]},
        {"addresses": ["100.64.0.2"], "name": "bob-r.ts.net", "user": "bob@example.com",
         "advertisedRoutes": ["192.168.0.0/16", "192.168.7.0/24", "10.0.0.0/8"], "enabledRoutes": ["10.0.0.0/8", "10.0.0.0/24"]},
        {"addresses": ["100.64.0.3"], "name": "tagged.ts.net", "user": "bob@example.com", "tags": ["tag:router"],
         "advertisedRoutes": ["172.31.0.0/16", "192.168.9.0/24"]},
        {"addresses": ["100.64.0.4"], "name": "off.ts.net", "user": "alice@example.com", "authorized": false,
         "advertisedRoutes": ["172.20.0.0/16"]}
    ]}"#;
    let (t, diags) = tailnet(Some(policy), Some(devices));
    assert_eq!(findings(&diags), "");
    expect_test::expect![[r#"
        alice-r 172.16.4.0/24 auto-approved by #/autoApprovers/routes/172.16.0.0~112
        bob-r 10.0.0.0/8 enabled
        bob-r 10.0.0.0/24 enabled, not advertised
        bob-r 192.168.0.0/16 auto-approved by #/autoApprovers/routes/192.168.0.0~116
        bob-r 192.168.7.0/24 auto-approved by #/autoApprovers/routes/192.168.0.0~116
        tagged 172.31.0.0/16 auto-approved by #/autoApprovers/routes/172.16.0.0~112
        off 172.20.0.0/16 auto-approved by #/autoApprovers/routes/172.16.0.0~112
    "#]]
    .assert_eq(&approved(&t));
    // A device not authorized routes nothing, approved or not.
    let off = t.node_by_name("off").expect("listed");
    assert!(t.routes_in_effect(off).is_empty());
    assert!(t.router_for(ip("172.20.1.1")).is_none());
    // Approved but not advertised carries no traffic: 10.0.0.0/8 answers, not the /24.
    assert_eq!(
        t.router_for(ip("10.0.0.9")).map(|m| m.prefix.to_string()),
        Some("10.0.0.0/8".to_owned())
    );
    assert!(t.exit_nodes().is_empty());
    expect_test::expect![[r#"
        note ROUTE_NOT_APPROVED #/devices/0: device `alice-r.ts.net` advertises `192.168.1.0/24`, which is neither enabled nor auto-approved; it carries no traffic
        note ROUTE_NOT_APPROVED #/devices/0: device `alice-r.ts.net` advertises `0.0.0.0/0`, which is neither enabled nor auto-approved; it carries no traffic
        note ROUTE_NOT_ADVERTISED #/devices/1: device `bob-r.ts.net` has `10.0.0.0/24` enabled but does not advertise it; it carries no traffic
        note ROUTE_NOT_APPROVED #/devices/2: device `tagged.ts.net` advertises `192.168.9.0/24`, which is neither enabled nor auto-approved; it carries no traffic
    "#]]
    .assert_eq(&findings(&t.findings(Some("devices.json"))));
}

#[test]
fn without_a_policy_only_enabled_routes_count() {
    let (t, _) = tailnet(None, Some(&fixture("corp.devices.json")));
    assert!(t.exit_nodes().is_empty());
    assert!(t.router_for(ip("10.1.0.5")).is_none());
    assert!(t.router_for(ip("10.0.5.5")).is_some());
}
