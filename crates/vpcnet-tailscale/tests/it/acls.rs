//! ACLs evaluated connection by connection: groups, tags, autogroups, hosts, CIDR
//! destinations, port lists and ranges, `proto`, ICMP, and the default policy.

use vpcnet_tailscale::{Decision, DefaultPolicy, Denial, RuleKind, Tailnet};

use crate::support::*;

#[test]
fn corp_connections() {
    let t = corp();
    expect_test::expect![[r#"
        100.64.0.1 -> 100.64.0.10 6/443: allowed by acls[1] (`tag:web:80,443` at #/acls/1/dst/0)
        100.64.0.1 -> 100.64.0.10 6/22: denied by default: no acl or grant allows it
        100.64.0.1 -> 100.64.0.2 6/22: allowed by acls[0] (`autogroup:self:*` at #/acls/0/dst/0)
        100.64.0.1 -> 100.64.0.3 6/22: denied by default: no acl or grant allows it
        100.64.0.10 -> 100.64.0.2 6/22: denied by default: no acl or grant allows it
        100.64.0.10 -> 100.64.0.11 6/5432: allowed by acls[2] (`tag:db:5432` at #/acls/2/dst/0)
        100.64.0.4 -> 10.0.5.7 17/161: allowed by acls[3] (`printer:161` at #/acls/3/dst/0)
        100.64.0.4 -> 10.0.5.7 6/161: denied by default: no acl or grant allows it
        100.64.0.4 -> 10.0.5.7 1/0: allowed by acls[3] (`printer:161` at #/acls/3/dst/0), ICMP between addresses the rule connects
        100.64.0.3 -> 10.0.9.9 6/8443: allowed by acls[4] (`corp-net:8000-8999` at #/acls/4/dst/0)
        100.64.0.3 -> 10.0.9.9 6/9000: denied by default: no acl or grant allows it
        100.64.0.1 -> 8.8.8.8 6/443: allowed by acls[5] (`autogroup:internet:*` at #/acls/5/dst/0)
        100.64.0.10 -> 8.8.8.8 6/443: denied by default: no acl or grant allows it
        100.64.0.40 -> 100.64.0.10 6/443: denied: `erin-nas.other-tailnet.ts.net` is shared in from another tailnet and may only answer connections
        fd7a:115c:a1e0::1 -> fd7a:115c:a1e0::10 6/443: allowed by acls[1] (`tag:web:80,443` at #/acls/1/dst/0)
        100.64.0.1 -> 100.64.0.10 132/443: denied by default: no acl or grant allows it
        10.0.1.5 -> 100.64.0.10 6/443: denied by default: no acl or grant allows it
    "#]]
    .assert_eq(&decisions(
        &t,
        &[
            ("100.64.0.1", "100.64.0.10", TCP, 443),
            ("100.64.0.1", "100.64.0.10", TCP, 22),
            // autogroup:self: a user's own devices, not another user's.
            ("100.64.0.1", "100.64.0.2", TCP, 22),
            ("100.64.0.1", "100.64.0.3", TCP, 22),
            // web-1 was registered by alice but is tagged: it has no user identity.
            ("100.64.0.10", "100.64.0.2", TCP, 22),
            ("100.64.0.10", "100.64.0.11", TCP, 5432),
            ("100.64.0.4", "10.0.5.7", UDP, 161),
            ("100.64.0.4", "10.0.5.7", TCP, 161),
            ("100.64.0.4", "10.0.5.7", ICMP, 0),
            ("100.64.0.3", "10.0.9.9", TCP, 8443),
            ("100.64.0.3", "10.0.9.9", TCP, 9000),
            ("100.64.0.1", "8.8.8.8", TCP, 443),
            ("100.64.0.10", "8.8.8.8", TCP, 443),
            ("100.64.0.40", "100.64.0.10", TCP, 443),
            ("fd7a:115c:a1e0::1", "fd7a:115c:a1e0::10", TCP, 443),
            // SCTP needs `proto`: rules without one cover TCP and UDP.
            ("100.64.0.1", "100.64.0.10", 132, 443),
            // A host behind a subnet router is no member of anything.
            ("10.0.1.5", "100.64.0.10", TCP, 443),
        ],
    ));
}

#[test]
fn a_node_source_uses_its_address_of_the_destination_family() {
    let t = corp();
    let alice = t
        .node_by_name("alice-laptop")
        .expect("alice-laptop is listed");
    let d = t.allows(alice, ip("fd7a:115c:a1e0::10"), TCP, 80);
    let Decision::Allowed(m) = d else {
        panic!("{d}")
    };
    assert_eq!(
        (m.kind, m.index, m.dst_pointer.as_str()),
        (RuleKind::Acl, 1, "/acls/1/dst/0")
    );
    assert_eq!(
        t.node_by_name("ALICE-LAPTOP.tail1234.ts.net.")
            .map(|n| n.hostname.as_str()),
        Some("alice-laptop")
    );
}

#[test]
fn the_default_policy_allows_all_and_says_why() {
    let nodes = Some(fixture("corp.devices.json"));
    let cases: [(Option<&str>, Decision); 5] = [
        (
            None,
            Decision::AllowedByDefault(DefaultPolicy::NoPolicyFile),
        ),
        (
            Some("{}"),
            Decision::AllowedByDefault(DefaultPolicy::NoAccessRules),
        ),
        (
            Some(r#"{"groups": {"group:a": ["a@example.com"]}}"#),
            Decision::AllowedByDefault(DefaultPolicy::NoAccessRules),
        ),
        // An empty section denies everything, as Tailscale's "deny all" sample says.
        (
            Some(r#"{"acls": []}"#),
            Decision::Denied(Denial::NoRuleMatched),
        ),
        (
            Some(r#"{"grants": []}"#),
            Decision::Denied(Denial::NoRuleMatched),
        ),
    ];
    for (policy, want) in cases {
        let (t, _) = tailnet(policy, nodes.as_deref());
        assert_eq!(
            t.allows(ip("100.64.0.3"), ip("100.64.0.11"), TCP, 22),
            want,
            "{policy:?}"
        );
    }
    let (t, _) = tailnet(Some(r#"{"acls": []}"#), nodes.as_deref());
    assert_eq!(
        decide(&t, "100.64.0.3", "100.64.0.11", TCP, 22),
        "denied by default: no acl or grant allows it"
    );
}

#[test]
fn the_wildcard_is_the_tailnet_and_approved_routes() {
    let (t, _) = tailnet(
        Some(r#"{"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}"#),
        Some(&fixture("corp.devices.json")),
    );
    expect_test::expect![[r#"
        100.64.0.3 -> 100.64.0.11 6/22: allowed by acls[0] (`*:*` at #/acls/0/dst/0)
        100.64.0.3 -> 10.0.5.7 6/22: allowed by acls[0] (`*:*` at #/acls/0/dst/0)
        100.64.0.3 -> 10.9.1.1 6/22: denied by default: no acl or grant allows it
        100.64.0.3 -> 8.8.8.8 6/443: denied by default: no acl or grant allows it
    "#]]
    .assert_eq(&decisions(
        &t,
        &[
            ("100.64.0.3", "100.64.0.11", TCP, 22),
            // Approved (enabled) subnet route of the routers.
            ("100.64.0.3", "10.0.5.7", TCP, 22),
            // Advertised by router-2 but never approved.
            ("100.64.0.3", "10.9.1.1", TCP, 22),
            // The exit node's routes are not approved without an auto approver.
            ("100.64.0.3", "8.8.8.8", TCP, 443),
        ],
    ));
}

#[test]
fn protocols_ports_ipv6_and_legacy_fields() {
    let text = r#"{
        // Older files use capitalised keys and the legacy `users`/`ports` fields.
        "TagOwners": {"tag:web": [], "tag:db": []},
        "ACLs": [
            {"Action": "accept", "Users": ["bob@example.com"], "Ports": ["[fd7a:115c:a1e0::11]:22"]},
            {"action": "accept", "src": ["tag:web"], "proto": "gre", "dst": ["tag:db:*"]},
            {"action": "accept", "src": ["tag:web"], "proto": "132", "dst": ["tag:db:9000-9010"]},
            {"action": "accept", "src": ["100.64.0.0/10"], "proto": "icmp", "dst": ["100.64.0.11:*"]},
        ],
    }"#;
    let (t, diags) = tailnet(Some(text), Some(&fixture("corp.devices.json")));
    assert_eq!(findings(&diags), "");
    expect_test::expect![[r#"
        fd7a:115c:a1e0::3 -> fd7a:115c:a1e0::11 6/22: allowed by acls[0] (`[fd7a:115c:a1e0::11]:22` at #/ACLs/0/Ports/0)
        100.64.0.3 -> 100.64.0.11 6/22: denied by default: no acl or grant allows it
        100.64.0.10 -> 100.64.0.11 47/0: allowed by acls[1] (`tag:db:*` at #/ACLs/1/dst/0)
        100.64.0.10 -> 100.64.0.11 6/22: denied by default: no acl or grant allows it
        100.64.0.10 -> 100.64.0.11 132/9005: allowed by acls[2] (`tag:db:9000-9010` at #/ACLs/2/dst/0)
        100.64.0.10 -> 100.64.0.11 132/9011: denied by default: no acl or grant allows it
        100.64.0.4 -> 100.64.0.11 1/0: allowed by acls[3] (`100.64.0.11:*` at #/ACLs/3/dst/0)
        100.64.0.4 -> 100.64.0.11 58/0: allowed by acls[3] (`100.64.0.11:*` at #/ACLs/3/dst/0)
        100.64.0.4 -> 100.64.0.11 17/53: denied by default: no acl or grant allows it
    "#]]
    .assert_eq(&decisions(
        &t,
        &[
            ("fd7a:115c:a1e0::3", "fd7a:115c:a1e0::11", TCP, 22),
            // The rule names the IPv6 address only.
            ("100.64.0.3", "100.64.0.11", TCP, 22),
            ("100.64.0.10", "100.64.0.11", 47, 0),
            // GRE is allowed; a rule with `proto` allows nothing else (but ICMP).
            ("100.64.0.10", "100.64.0.11", TCP, 22),
            ("100.64.0.10", "100.64.0.11", 132, 9005),
            ("100.64.0.10", "100.64.0.11", 132, 9011),
            ("100.64.0.4", "100.64.0.11", ICMP, 0),
            ("100.64.0.4", "100.64.0.11", 58, 0),
            ("100.64.0.4", "100.64.0.11", UDP, 53),
        ],
    ));
}

#[test]
fn roles_need_a_user_list() {
    let text = r#"{
        "tagOwners": {"tag:db": []},
        "acls": [{"action": "accept", "src": ["autogroup:admin"], "dst": ["tag:db:22"]}],
    }"#;
    let (t, _) = tailnet(Some(text), Some(&fixture("corp.devices.json")));
    assert_eq!(
        decide(&t, "100.64.0.1", "100.64.0.11", TCP, 22),
        "denied by default: no acl or grant allows it"
    );
    expect_test::expect![[r#"
        warning UNKNOWN_REFERENCE #/devices/4: device `web-1.tail1234.ts.net` carries tag `tag:web`, which `tagOwners` does not define
        warning UNKNOWN_REFERENCE #/devices/6: device `router-1.tail1234.ts.net` carries tag `tag:router`, which `tagOwners` does not define
        note ROUTE_NOT_APPROVED #/devices/6: device `router-1.tail1234.ts.net` advertises `10.1.0.0/24`, which is neither enabled nor auto-approved; it carries no traffic
        warning UNKNOWN_REFERENCE #/devices/7: device `router-2.tail1234.ts.net` carries tag `tag:router`, which `tagOwners` does not define
        note ROUTE_NOT_APPROVED #/devices/7: device `router-2.tail1234.ts.net` advertises `10.9.0.0/16`, which is neither enabled nor auto-approved; it carries no traffic
        warning UNKNOWN_REFERENCE #/devices/8: device `exit-1.tail1234.ts.net` carries tag `tag:exit`, which `tagOwners` does not define
        note ROUTE_NOT_APPROVED #/devices/8: device `exit-1.tail1234.ts.net` advertises `0.0.0.0/0`, which is neither enabled nor auto-approved; it carries no traffic
        note ROUTE_NOT_APPROVED #/devices/8: device `exit-1.tail1234.ts.net` advertises `::/0`, which is neither enabled nor auto-approved; it carries no traffic
        note ROLES_UNKNOWN: the policy uses role autogroups (`autogroup:admin`, …) but no user list was given, so they match no one
    "#]]
    .assert_eq(&findings(&t.findings(Some("devices.json"))));
    let (users, diags) = vpcnet_tailscale::parse_users(
        "users.json",
        r#"{"users": [
            {"id": "1", "loginName": "alice@example.com", "role": "admin", "type": "member"},
            {"id": "2", "loginName": "bob@example.com", "role": "member", "type": "member"},
            {"id": "3", "loginName": "zed@example.com", "role": "wizard", "type": "shared"}
        ]}"#,
    )
    .expect("a user list");
    expect_test::expect![[r#"
        warning BAD_VALUE 4:65 #/users/2/role: user `zed@example.com` has role `wizard`, which vpcnet does not know; no role autogroup includes them
    "#]]
    .assert_eq(&findings(&diags));
    let t: Tailnet = t.with_users(users);
    expect_test::expect![[r#"
        100.64.0.1 -> 100.64.0.11 6/22: allowed by acls[0] (`tag:db:22` at #/acls/0/dst/0)
        100.64.0.3 -> 100.64.0.11 6/22: denied by default: no acl or grant allows it
    "#]]
    .assert_eq(&decisions(
        &t,
        &[
            ("100.64.0.1", "100.64.0.11", TCP, 22),
            ("100.64.0.3", "100.64.0.11", TCP, 22),
        ],
    ));
    assert!(!findings(&t.findings(Some("devices.json"))).contains("ROLES_UNKNOWN"));
}

#[test]
fn device_states_refuse_before_the_policy() {
    let devices = r#"{"devices": [
        {"addresses": ["100.64.0.1"], "name": "a.ts.net", "user": "a@example.com"},
        {"addresses": ["100.64.0.2"], "name": "shields.ts.net", "user": "a@example.com", "blocksIncomingConnections": true},
        {"addresses": ["100.64.0.3"], "name": "new.ts.net", "user": "a@example.com", "authorized": false}
    ]}"#;
    let (t, _) = tailnet(None, Some(devices));
    expect_test::expect![[r#"
        100.64.0.1 -> 100.64.0.2 6/22: denied: `shields.ts.net` blocks incoming connections
        100.64.0.1 -> 100.64.0.3 6/22: denied: destination `new.ts.net` is not authorized
        100.64.0.3 -> 100.64.0.1 6/22: denied: source `new.ts.net` is not authorized
        100.64.0.2 -> 100.64.0.1 6/22: allowed: no policy file, so Tailscale's default policy allows everything
    "#]]
    .assert_eq(&decisions(
        &t,
        &[
            ("100.64.0.1", "100.64.0.2", TCP, 22),
            ("100.64.0.1", "100.64.0.3", TCP, 22),
            ("100.64.0.3", "100.64.0.1", TCP, 22),
            ("100.64.0.2", "100.64.0.1", TCP, 22),
        ],
    ));
}
