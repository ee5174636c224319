//! The policy's `tests`, run as Tailscale runs them on save.

use crate::support::*;

#[test]
fn corp_tests_with_devices() {
    let t = corp();
    expect_test::expect![[r#"
        PASS  tests[0] accept alice@example.com -> tag:web:443 (tcp or udp): to `web-1.tail1234.ts.net` allowed by acls[1] (`tag:web:80,443` at #/acls/1/dst/0)
        PASS  tests[0] accept alice@example.com -> tag:db:5432 (tcp or udp): to `db-1.tail1234.ts.net` allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/1)
        PASS  tests[0] accept alice@example.com -> printer:8080 (tcp or udp): allowed by acls[4] (`corp-net:8000-8999` at #/acls/4/dst/0)
        PASS  tests[0] deny alice@example.com -> tag:web:22 (tcp or udp): to `web-1.tail1234.ts.net` denied by default: no acl or grant allows it
        PASS  tests[1] accept carol@example.com -> printer:161 (udp): allowed by acls[3] (`printer:161` at #/acls/3/dst/0)
        PASS  tests[2] deny carol@example.com -> tag:db:5432 (tcp or udp): to `db-1.tail1234.ts.net` denied by default: no acl or grant allows it
        FAIL  tests[2] deny carol@example.com -> printer:161 (tcp or udp): allowed by acls[3] (`printer:161` at #/acls/3/dst/0)
        PASS  tests[3] accept tag:web -> tag:db:5432 (tcp or udp): to `db-1.tail1234.ts.net` allowed by acls[2] (`tag:db:5432` at #/acls/2/dst/0)
        PASS  tests[3] deny tag:web -> alice@example.com:22 (tcp or udp): to `alice-laptop.tail1234.ts.net` denied by default: no acl or grant allows it
        PASS  tests[4] accept group:eng -> tag:db:0 (icmp): to `db-1.tail1234.ts.net` allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/1)
    "#]].assert_eq(&run(&t));
}

#[test]
fn corp_tests_without_devices() {
    let (t, _) = tailnet(Some(&fixture("corp.hujson")), None);
    expect_test::expect![[r#"
        PASS  tests[0] accept alice@example.com -> tag:web:443 (tcp or udp): allowed by acls[1] (`tag:web:80,443` at #/acls/1/dst/0)
        PASS  tests[0] accept alice@example.com -> tag:db:5432 (tcp or udp): allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/1)
        PASS  tests[0] accept alice@example.com -> printer:8080 (tcp or udp): allowed by acls[4] (`corp-net:8000-8999` at #/acls/4/dst/0)
        PASS  tests[0] deny alice@example.com -> tag:web:22 (tcp or udp): denied by default: no acl or grant allows it
        PASS  tests[1] accept carol@example.com -> printer:161 (udp): allowed by acls[3] (`printer:161` at #/acls/3/dst/0)
        PASS  tests[2] deny carol@example.com -> tag:db:5432 (tcp or udp): denied by default: no acl or grant allows it
        FAIL  tests[2] deny carol@example.com -> printer:161 (tcp or udp): allowed by acls[3] (`printer:161` at #/acls/3/dst/0)
        PASS  tests[3] accept tag:web -> tag:db:5432 (tcp or udp): allowed by acls[2] (`tag:db:5432` at #/acls/2/dst/0)
        PASS  tests[3] deny tag:web -> alice@example.com:22 (tcp or udp): denied by default: no acl or grant allows it
        PASS  tests[4] accept group:eng -> tag:db:0 (icmp): allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/1)
    "#]].assert_eq(&run(&t));
}

#[test]
fn a_destination_standing_for_several_devices_needs_all_or_none() {
    let policy = r#"{
        "groups": {"group:ops": ["dave@example.com", "erin@example.com"]},
        "tagOwners": {"tag:web": [], "tag:db": []},
        "hosts": {"web-2": "100.64.0.12"},
        "acls": [
            // Only one of the two web servers, by address.
            {"action": "accept", "src": ["group:ops"], "dst": ["100.64.0.10:22"]},
            {"action": "accept", "src": ["web-2"], "dst": ["tag:db:5432"]},
            {"action": "accept", "src": ["tag:web"], "dst": ["dave@example.com:8080"]},
        ],
        "tests": [
            {"src": "group:ops", "accept": ["tag:web:22"]},
            {"src": "group:ops", "deny": ["tag:web:22"]},
            {"src": "web-2", "accept": ["tag:db:5432", "100.64.0.11:5432"]},
            {"src": "100.64.0.10", "deny": ["tag:db:5432"], "accept": ["group:ops:8080"]},
            {"src": "erin@example.com", "deny": ["tag:web:22"]},
        ],
    }"#;
    let devices = r#"{"devices": [
        {"addresses": ["100.64.0.10"], "name": "web-1.ts.net", "tags": ["tag:web"]},
        {"addresses": ["100.64.0.12"], "name": "web-2.ts.net", "tags": ["tag:web"]},
        {"addresses": ["100.64.0.11"], "name": "db-1.ts.net", "tags": ["tag:db"]}
    ]}"#;
    let (t, diags) = tailnet(Some(policy), Some(devices));
    assert_eq!(findings(&diags), "");
    // group:ops is tested through its first member, dave; web-2 by its address.
    expect_test::expect![[r#"
        FAIL  tests[0] accept group:ops -> tag:web:22 (tcp or udp): to `web-2.ts.net` denied by default: no acl or grant allows it
        FAIL  tests[1] deny group:ops -> tag:web:22 (tcp or udp): to `web-1.ts.net` allowed by acls[0] (`100.64.0.10:22` at #/acls/0/dst/0)
        PASS  tests[2] accept web-2 -> tag:db:5432 (tcp or udp): to `db-1.ts.net` allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/0)
        PASS  tests[2] accept web-2 -> 100.64.0.11:5432 (tcp or udp): allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/0)
        PASS  tests[3] accept 100.64.0.10 -> group:ops:8080 (tcp or udp): allowed by acls[2] (`dave@example.com:8080` at #/acls/2/dst/0)
        PASS  tests[3] deny 100.64.0.10 -> tag:db:5432 (tcp or udp): to `db-1.ts.net` denied by default: no acl or grant allows it
        FAIL  tests[4] deny erin@example.com -> tag:web:22 (tcp or udp): to `web-1.ts.net` allowed by acls[0] (`100.64.0.10:22` at #/acls/0/dst/0)
    "#]]
    .assert_eq(&run(&t));
}

#[test]
fn test_sources_are_devices_of_unknown_address() {
    // A rule naming one device's address does not cover "a device of alice"; a rule
    // naming the whole tailnet range does.
    let policy = r#"{
        "tagOwners": {"tag:db": []},
        "acls": [
            {"action": "accept", "src": ["100.64.0.1"], "dst": ["tag:db:22"]},
            {"action": "accept", "src": ["100.64.0.0/10"], "dst": ["tag:db:5432"]},
        ],
        "tests": [{"src": "alice@example.com", "accept": ["tag:db:22", "tag:db:5432"]}],
    }"#;
    let (t, _) = tailnet(Some(policy), None);
    expect_test::expect![[r#"
        FAIL  tests[0] accept alice@example.com -> tag:db:22 (tcp or udp): denied by default: no acl or grant allows it
        PASS  tests[0] accept alice@example.com -> tag:db:5432 (tcp or udp): allowed by acls[1] (`tag:db:5432` at #/acls/1/dst/0)
    "#]]
    .assert_eq(&run(&t));
}

#[test]
fn without_a_policy_there_is_nothing_to_run() {
    let (t, _) = tailnet(None, Some(&fixture("corp.devices.json")));
    assert!(t.run_tests().is_empty());
}
