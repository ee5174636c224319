//! Reading the policy file: what each section becomes, and every kind of bad entry
//! reported with its JSON pointer and line:column and left out while the rest loads.

use vpcnet_tailscale::{Autogroup, IpSetTarget, Role, RuleKind, Selector};

use crate::support::*;

#[test]
fn corp_policy_reads_as_written() {
    let (p, diags) = policy(&fixture("corp.hujson"));
    expect_test::expect![[r#"
        note NOT_MODELLED 46:2 #/ssh: `ssh`: Tailscale SSH rules are not modelled; only network access is evaluated
    "#]]
    .assert_eq(&findings(&diags));
    assert!(p.has_access_rules);
    assert_eq!(p.acls.len(), 6);
    assert!(p.grants.is_empty());
    assert_eq!(p.group("group:eng").map(|g| g.members.len()), Some(2));
    let exit = p
        .tag_owners
        .iter()
        .find(|t| t.tag == "tag:exit")
        .expect("defined");
    assert_eq!(
        exit.owners,
        [Selector::Autogroup(Autogroup::Role(Role::Admin))]
    );
    let r = &p.acls[1];
    assert_eq!(
        (r.kind, r.index, r.pointer.as_str()),
        (RuleKind::Acl, 1, "/acls/1")
    );
    assert_eq!(r.src, [Selector::Group("group:eng".into())]);
    let dsts: Vec<String> = r
        .dst
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.selector,
                d.caps
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();
    assert_eq!(dsts, ["tag:web tcp/udp:80,443", "tag:db tcp/udp:5432"]);
    assert_eq!(
        p.acls[3].dst[0].selector,
        Selector::Host("printer".into(), "10.0.5.7/32".parse().unwrap())
    );
    assert_eq!(p.acls[3].dst[0].caps[0].to_string(), "udp:161");
    assert_eq!(p.acls[4].dst[0].caps[0].to_string(), "tcp/udp:8000-8999");
    assert_eq!(p.tests.len(), 5);
    assert_eq!(p.tests[1].proto, Some(vec![17]));
    assert_eq!(p.tests[4].accept[0].port, 0);
    assert_eq!(p.auto_approvers.routes[0].prefix.to_string(), "10.1.0.0/16");
}

#[test]
fn bad_entries_are_located_and_left_out() {
    let text = r#"{
  "groups": {
    "group:eng": ["alice@example.com", "group:ops", "bob"],
    "ops": ["carol@example.com"],
  },
  "hosts": {"db@x": "10.0.0.1", "web": "10.0.0.300", "lan": "10.0.0.1/8"},
  "tagOwners": {"tag:web": ["group:eng", "group:nobody"], "web": []},
  "acls": [
    {"action": "deny", "src": ["*"], "dst": ["*:*"]},
    {"src": ["*"], "dst": ["*:*"]},
    {"action": "accept", "src": ["group:eng", "autogroup:internet", "tag:ghost"], "dst": ["tag:web:99999", "tag:web", "web:22", "autogroup:danger-all:*", "lan:22"]},
    {"action": "accept", "src": ["*"], "proto": "gre", "dst": ["*:22"]},
    {"action": "accept", "src": ["*"], "proto": "quic", "dst": ["*:*"]},
    "not a rule",
    {"action": "accept", "src": "alice@example.com", "dst": ["*:*"]},
    {"action": "accept", "src": ["*"], "dst": ["*:*"], "comment": "x"},
  ],
  "grants": [
    {"src": ["*"], "dst": ["tag:web:443"], "ip": ["tcp:443", "tcp:70000", "gre:22"]},
    {"src": ["*"], "dst": ["*"]},
    {"src": ["*"], "dst": ["autogroup:self"], "ip": ["*"], "via": ["group:eng", "tag:web"]},
  ],
  "tests": [
    {"src": "*", "accept": ["tag:web:443"]},
    {"src": "alice@example.com", "accept": ["lan:22", "tag:web:*", "tag:web:80,443", "autogroup:member:22", "tag:web:22"], "deny": ["10.0.0.0/24:22"]},
    {"accept": ["tag:web:22"]},
  ],
  "autoApprovers": {"routes": {"10.0.0.0/33": ["tag:web"], "10.1.0.0/16": ["*"]}, "exitNode": ["autogroup:self"]},
  "nodeAttrs": [],
  "randomKey": 1,
}"#;
    let (p, diags) = policy(text);
    expect_test::expect![[r#"
        error NESTED_GROUP 3:40 #/groups/group:eng/1: group `group:eng` names group `group:ops`; groups cannot contain other groups, so the member is left out
        error BAD_VALUE 3:53 #/groups/group:eng/2: group `group:eng` holds `bob`, which is not a user login (`name@example.com`, `name@github`); it is left out
        error BAD_VALUE 4:5 #/groups/ops: group name `ops` must start with `group:`; the group is left out
        error BAD_VALUE 6:13 #/hosts/db@x: `db@x` cannot be a host name (no `@`, `:`, `/`, `*`, `,` or spaces, and not an address); it is left out
        error BAD_VALUE 6:40 #/hosts/web: host `web` must be an IP address or CIDR, not `10.0.0.300`; it is left out
        error UNKNOWN_REFERENCE 7:42 #/tagOwners/tag:web/1: group `group:nobody` is not defined in `groups`; it is left out
        error BAD_VALUE 7:59 #/tagOwners/web: `web` must be a tag name (`tag:<name>`); it is left out
        error BAD_VALUE 9:16 #/acls/0/action: acls[0] has action `deny`; the only action is `accept`, so the rule is left out
        error MISSING_FIELD 10:5 #/acls/1: acls[1] has no `action`; it is left out
        error SELECTOR_NOT_ALLOWED 11:47 #/acls/2/src/1: `autogroup:internet` cannot be a source (`src`); it is left out
        error UNKNOWN_REFERENCE 11:69 #/acls/2/src/2: tag `tag:ghost` is not defined in `tagOwners` (Tailscale refuses a policy that uses an undefined tag)
        error BAD_PORTS 11:91 #/acls/2/dst/0: `tag:web:99999`: `99999` is not a port (0-65535); the destination is left out
        error BAD_PORTS 11:108 #/acls/2/dst/1: `tag:web`: `web` is not a port number; the destination is left out
        error UNKNOWN_REFERENCE 11:119 #/acls/2/dst/2: `web` is not defined in `hosts` (and is no user, group, tag or address); it is left out
        error SELECTOR_NOT_ALLOWED 11:129 #/acls/2/dst/3: `autogroup:danger-all` cannot be a destination (`dst`); it is left out
        error BAD_PORTS 12:64 #/acls/3/dst/0: `*:22`: protocol `gre` has no ports; only `*` may follow it; the destination is left out
        error BAD_VALUE 13:49 #/acls/4/proto: acls[4]: `quic` is not a protocol (an IANA number 1-255 or a name such as `tcp`, `udp`, `icmp`, `sctp`); the rule is left out
        error BAD_SHAPE 14:5 #/acls/5: acls[5] must be an object, not a string; it is left out
        error BAD_SHAPE 15:33 #/acls/6/src: `src` of acls[6] must be an array of strings, not a string
        note UNKNOWN_KEY 16:56 #/acls/7/comment: acls[7] has a key `comment` that vpcnet does not know; it is ignored
        error BAD_VALUE 19:28 #/grants/0/dst/0: `tag:web:443` is not a name: `:` cannot follow `tag:<name>` (grants take ports in `ip`, not in `dst`); it is left out
        error BAD_PORTS 19:62 #/grants/0/ip/1: `70000` is not a port (0-65535); the element is left out
        error BAD_PORTS 19:75 #/grants/0/ip/2: `gre:22`: protocol `gre` has no ports; only `*` may follow it; the element is left out
        error MISSING_FIELD 20:5 #/grants/1: grants[1] has neither `ip` nor `app`; it is left out
        warning SELECTOR_NOT_ALLOWED 21:5 #/grants/2: grants[2] sends `*` to `autogroup:self`, which takes only users, groups and role autogroups as sources; it still reaches only a user's own devices from that user's devices
        error SELECTOR_NOT_ALLOWED 21:68 #/grants/2/via/0: group `group:eng` (only tags) cannot be a `via` router; it is left out
        error SELECTOR_NOT_ALLOWED 24:13 #/tests/0/src: `*` (tests name specific users, tags, hosts or addresses) cannot be a test source; it is left out
        error SELECTOR_NOT_ALLOWED 25:45 #/tests/1/accept/0: host `lan` (a CIDR, `10.0.0.0/8`; tests name single addresses) cannot be a test destination; it is left out
        error BAD_PORTS 25:55 #/tests/1/accept/1: `tag:web:*`: a test destination takes one port number (`0` for ICMP), not `*`; it is left out
        error BAD_PORTS 25:68 #/tests/1/accept/2: `tag:web:80,443`: a test destination takes one port number (`0` for ICMP), not `80,443`; it is left out
        error SELECTOR_NOT_ALLOWED 25:86 #/tests/1/accept/3: `autogroup:member` cannot be a test destination; it is left out
        error SELECTOR_NOT_ALLOWED 25:133 #/tests/1/deny/0: CIDR `10.0.0.0/24` (tests name single addresses) cannot be a test destination; it is left out
        error MISSING_FIELD 26:5 #/tests/2: tests[2] has no `src`; it is left out
        error BAD_CIDR 28:32 #/autoApprovers/routes/10.0.0.0~133: auto-approved route `10.0.0.0/33` is not a CIDR; it is left out
        error SELECTOR_NOT_ALLOWED 28:76 #/autoApprovers/routes/10.1.0.0~116/0: `*` cannot be an auto approver; it is left out
        error SELECTOR_NOT_ALLOWED 28:96 #/autoApprovers/exitNode/0: `autogroup:self` cannot be an auto approver; it is left out
        note NOT_MODELLED 29:3 #/nodeAttrs: `nodeAttrs`: node attributes are not modelled; only network access is evaluated
        note UNKNOWN_KEY 30:3 #/randomKey: the policy file has a key `randomKey` that vpcnet does not know; it is ignored
    "#]]
    .assert_eq(&findings(&diags));
    // What survives: the good parts of each entry.
    assert_eq!(
        p.group("group:eng").map(|g| g.members.clone()),
        Some(vec!["alice@example.com".to_owned()])
    );
    assert!(p.group("ops").is_none());
    let hosts: Vec<&str> = p.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(hosts, ["lan"]);
    let acls: Vec<usize> = p.acls.iter().map(|r| r.index).collect();
    assert_eq!(acls, [2, 3, 7]);
    let kept: Vec<String> = p.acls[0].src.iter().map(ToString::to_string).collect();
    assert_eq!(kept, ["group:eng", "tag:ghost"]);
    let kept: Vec<&str> = p.acls[0].dst.iter().map(|d| d.written.as_str()).collect();
    assert_eq!(kept, ["lan:22"]);
    assert!(p.acls[1].dst.is_empty());
    let grants: Vec<usize> = p.grants.iter().map(|r| r.index).collect();
    assert_eq!(grants, [0, 2]);
    assert!(p.grants[0].dst.is_empty());
    assert_eq!(p.grants[0].dst.len(), 0);
    assert_eq!(p.grants[1].via, ["tag:web"]);
    assert_eq!(p.tests.len(), 1);
    assert_eq!(p.tests[0].accept.len(), 1);
    assert_eq!(p.tests[0].accept[0].written, "tag:web:22");
    assert!(p.tests[0].deny.is_empty());
    assert!(p.auto_approvers.exit_node.is_empty());
}

#[test]
fn keys_ignore_case_and_the_last_duplicate_wins() {
    let text = r#"{
  "Hosts": {"a": "10.0.0.1"},
  "hosts": {"a": "10.0.0.2"},
  "acls": [{"action": "accept", "src": ["*"], "dst": ["a:22"], "DST": ["a:23"]}],
}"#;
    let (p, diags) = policy(text);
    expect_test::expect![[r#"
        warning DUPLICATE_KEY 2:3 #/Hosts: the policy file has `Hosts` more than once; the last one (line 3) wins
        warning DUPLICATE_KEY 4:47 #/acls/0/dst: acls[0] has `dst` more than once; the last one (line 4) wins
    "#]]
    .assert_eq(&findings(&diags));
    assert_eq!(p.hosts[0].net.to_string(), "10.0.0.2/32");
    assert_eq!(p.acls[0].dst[0].written, "a:23");
}

#[test]
fn ip_sets_resolve_hosts_ranges_and_refuse_cycles() {
    let text = r#"{
  "hosts": {"db": "192.0.2.10"},
  "ipsets": {
    "ipset:a": ["add host:db", "add 192.0.2.50-192.0.2.60", "remove ipset:b", "192.0.2.1"],
    "ipset:b": ["ipset:a", "autogroup:internet"],
    "ipset:c": ["tag:web", "autogroup:member", "10.0.0.9-10.0.0.1"],
  },
  "acls": [{"action": "accept", "src": ["ipset:a"], "dst": ["ipset:zzz:*", "ipset:b:*"]}],
}"#;
    let (p, diags) = policy(text);
    expect_test::expect![[r#"
        warning BAD_VALUE 4:79 #/ipsets/ipset:a/3: `192.0.2.1` in IP set `ipset:a` has no operation; a set that removes must write `add` before each target (taken as `add`)
        error BAD_VALUE 5:16 #/ipsets/ipset:b: IP set `ipset:b` refers to `ipset:a`, closing a cycle of IP sets; the reference is left out
        error BAD_VALUE 6:17 #/ipsets/ipset:c/0: IP set `ipset:c`: `tag:web`: IP sets hold addresses, CIDRs, ranges, hosts, `autogroup:internet` and other IP sets, not users, groups or tags; the operation is left out
        error BAD_VALUE 6:28 #/ipsets/ipset:c/1: IP set `ipset:c`: `autogroup:member` cannot be in an IP set; the only autogroup allowed is `autogroup:internet`; the operation is left out
        error BAD_VALUE 6:48 #/ipsets/ipset:c/2: IP set `ipset:c`: `10.0.0.9-10.0.0.1` is not a range of addresses (one family, first ≤ last); the operation is left out
        error UNKNOWN_REFERENCE 8:61 #/acls/0/dst/0: IP set `ipset:zzz` is not defined in `ipsets`; it is left out
    "#]]
    .assert_eq(&findings(&diags));
    let a = p.ipset("ipset:a").expect("read");
    assert_eq!(a.ops.len(), 4);
    assert_eq!(
        a.ops[0].target,
        IpSetTarget::Prefix("192.0.2.10/32".parse().unwrap())
    );
    assert_eq!(a.ops[2].target, IpSetTarget::IpSet("ipset:b".into()));
    let b = p.ipset("ipset:b").expect("read");
    assert_eq!(b.ops.len(), 1);
    assert_eq!(b.ops[0].target, IpSetTarget::Internet);
}

#[test]
fn nothing_panics_on_odd_shapes() {
    for text in [
        r#"{"acls": {}}"#,
        r#"{"grants": 1, "tests": {}, "groups": [], "hosts": 2, "tagOwners": null}"#,
        r#"{"autoApprovers": {"routes": [], "exitNode": "tag:x"}}"#,
        r#"{"acls": [{"action": "accept", "src": [1, null], "dst": [{}], "proto": 6}]}"#,
        r#"{"tests": [{"src": 1}, {"src": "a@b.c", "proto": 1, "accept": "x"}, 3]}"#,
        r#"{"ipsets": {"ipset:x": "1.2.3.4"}, "grants": [{"src": ["*"], "dst": ["*"], "ip": "*", "via": "tag:x"}]}"#,
    ] {
        let (p, diags) = policy(text);
        assert!(
            diags
                .iter()
                .all(|d| d.location.as_ref().and_then(|l| l.line).is_some()),
            "{text}: {diags:#?}"
        );
        assert!(!diags.is_empty(), "{text} gave no finding: {p:?}");
    }
}

#[test]
fn autogroup_self_takes_only_user_sources() {
    let text = r#"{
  "tagOwners": {"tag:ci": []},
  "acls": [
    {"action": "accept", "src": ["autogroup:member", "tag:ci"], "dst": ["autogroup:self:*"]},
    {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:22"]},
  ],
  "grants": [{"src": ["*"], "dst": ["autogroup:self"], "ip": ["*"]}],
}"#;
    let (_, diags) = policy(text);
    expect_test::expect![[r#"
        warning SELECTOR_NOT_ALLOWED 4:5 #/acls/0: acls[0] sends `tag:ci` to `autogroup:self`, which takes only users, groups and role autogroups as sources; it still reaches only a user's own devices from that user's devices
        warning SELECTOR_NOT_ALLOWED 7:14 #/grants/0: grants[0] sends `*` to `autogroup:self`, which takes only users, groups and role autogroups as sources; it still reaches only a user's own devices from that user's devices
    "#]].assert_eq(&findings(&diags));
    let (t, _) = tailnet(Some(text), Some(&fixture("corp.devices.json")));
    // The tagged device reaches nobody's devices through `autogroup:self`.
    assert_eq!(
        decide(&t, "100.64.0.10", "100.64.0.1", TCP, 80),
        "denied by default: no acl or grant allows it"
    );
    assert_eq!(
        decide(&t, "100.64.0.1", "100.64.0.2", TCP, 80),
        "allowed by acls[0] (`autogroup:self:*` at #/acls/0/dst/0)"
    );
}
