//! The tailnet laid over a network: the `cross-vpc` example without its `tailnet`
//! section, plus a policy file and a device list as Tailscale writes them; devices tied
//! to the instances they run on, traced through the mesh; the policy compiled to
//! address rules that agree with the evaluator and survive export.

use std::net::Ipv4Addr;

use vpcnet_engine::{resolve_destination, resolve_source, trace, Component, Query, Trace};
use vpcnet_model::{AddressPolicy, Diagnostic, Network, NetworkBuilder, OverlayPolicy, Severity};
use vpcnet_tailscale::{load_into, parse_devices, parse_policy, Doc, Host, Inputs, Stated};

use crate::support::{findings, fixture};

/// The example spec up to its `tailnet` section.
fn spec_without_tailnet() -> String {
    let full = vpcnet_spec::examples::CROSS_VPC;
    let at = full
        .find("\ntailnet:\n")
        .expect("the example has a tailnet section");
    full[..at + 1].to_owned()
}

/// The network from a spec, then the tailnet from policy and device text; the findings
/// of the tailnet's inputs and of the builder, in that order.
fn build(
    spec: &str,
    policy: Option<&str>,
    devices: &str,
    stated: Vec<Stated>,
) -> (Network, Vec<Diagnostic>) {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("cross-vpc.yaml"), spec).expect("the spec parses");
    let mut diags = Vec::new();
    let policy = policy.map(|text| {
        let (p, d) = parse_policy("policy.hujson", text).expect("a policy");
        diags.extend(d);
        Doc {
            file: "policy.hujson",
            text,
            value: p,
        }
    });
    let (nodes, d) = parse_devices("devices.json", devices).expect("a device list");
    diags.extend(d);
    let inputs = Inputs {
        policy,
        devices: Some(Doc {
            file: "devices.json",
            text: devices,
            value: nodes,
        }),
        users: Vec::new(),
        stated,
    };
    diags.extend(load_into(&mut b, inputs));
    let (net, d) = b.finish();
    diags.extend(d);
    (net, diags)
}

/// orchestrator-dev runs Linux, where accept-routes is off unless stated: the spec of
/// the seed states it, and so does this.
fn accepts_routes() -> Stated {
    Stated {
        name: "orchestrator-dev".to_owned(),
        accept_routes: Some(true),
        ..Stated::default()
    }
}

fn cross_vpc_with(devices: &str, stated: Vec<Stated>) -> Network {
    let (net, diags) = build(
        &spec_without_tailnet(),
        Some(&fixture("cross-vpc.hujson")),
        devices,
        stated,
    );
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    net
}

fn cross_vpc() -> Network {
    cross_vpc_with(&fixture("cross-vpc.devices.json"), vec![accepts_routes()])
}

fn tr(net: &Network, from: &str, to: &str, protocol: u8, port: u16) -> Trace {
    let from = resolve_source(net, from).expect("source resolves");
    let to = resolve_destination(net, &from, to).expect("destination resolves");
    trace(
        net,
        &Query {
            from,
            to_ip: to.ip,
            expect: to.expect,
            protocol,
            src_port: 49152,
            dst_port: port,
            icmp_type: 8,
            icmp_code: 0,
        },
    )
}

fn verdict(t: &Trace) -> String {
    match t.blocked_by() {
        None if t.reachable() => "REACHABLE".to_owned(),
        None => "UNREACHABLE without a reason".to_owned(),
        Some(b) => {
            let dir = if t.forward.blocked.is_some() {
                "forward"
            } else {
                "return"
            };
            format!("{} on {dir}", b.code)
        }
    }
}

fn comp(net: &Network, c: &Component) -> String {
    match c {
        Component::Resource(idx) => net.meta(*idx).id.clone(),
        Component::Internet => "internet".to_owned(),
        Component::External { id, .. } => id.clone(),
    }
}

/// Every hop and translation, one per line.
fn render(net: &Network, t: &Trace) -> String {
    let mut out = format!("{}\n", verdict(t));
    let mut paths = vec![("forward", &t.forward)];
    if let Some(r) = &t.ret {
        paths.push(("return", r));
    }
    for (name, p) in paths {
        out.push_str(&format!("{name}:\n"));
        for h in &p.hops {
            out.push_str(&format!(
                "  {:<9} {:<24} {}\n",
                h.action.as_str(),
                comp(net, &h.component),
                h.detail
            ));
        }
    }
    for x in &t.translations {
        out.push_str(&format!(
            "translation: {:?} {} -> {} by {}\n",
            x.kind,
            x.from,
            x.to,
            comp(net, &x.component)
        ));
    }
    out
}

/// The mesh nodes: name, id, addresses, where they run, routes and flags.
fn nodes(net: &Network) -> String {
    let mut out = String::new();
    for n in net.tailnet_nodes() {
        let on = n
            .eni
            .map(|e| net.interface(e).meta.id.clone())
            .unwrap_or_else(|| "-".to_owned());
        let routes: Vec<String> = n.routes.iter().map(ToString::to_string).collect();
        out.push_str(&format!(
            "{} {} {:?} on {on} routes [{}] exit={} accept_routes={:?} snat={:?} os={:?} fqdn={:?}\n",
            n.meta.name.as_deref().unwrap_or("?"),
            n.meta.id,
            n.addrs,
            routes.join(", "),
            n.exit_node,
            n.accept_routes,
            n.snat,
            n.os.as_deref().unwrap_or("?"),
            n.fqdn.as_deref().unwrap_or("?"),
        ));
    }
    out
}

#[test]
fn devices_become_nodes_on_the_instances_they_run_on() {
    let (net, diags) = build(
        &spec_without_tailnet(),
        Some(&fixture("cross-vpc.hujson")),
        &fixture("cross-vpc.devices.json"),
        Vec::new(),
    );
    expect_test::expect![[r#"
        tailscale-shared nShared1CNTRL [100.64.12.10] on eni-tailscale-shared routes [10.0.0.0/16] exit=false accept_routes=None snat=None os="linux" fqdn="tailscale-shared.tail1234.ts.net"
        tailscale-dev nDev1CNTRL [100.64.40.10] on eni-tailscale-dev routes [10.1.0.0/16] exit=false accept_routes=None snat=None os="linux" fqdn="tailscale-dev.tail1234.ts.net"
        orchestrator-dev nOrch1CNTRL [100.119.26.88] on eni-orchestrator-dev routes [] exit=false accept_routes=None snat=None os="linux" fqdn="orchestrator-dev.tail1234.ts.net"
        alice-laptop nAliceCNTRL [100.100.7.1] on - routes [] exit=false accept_routes=None snat=None os="macOS" fqdn="alice-laptop.tail1234.ts.net"
    "#]]
    .assert_eq(&nodes(&net));
    expect_test::expect![[r#"
        note NODE_NOT_TIED 88:5 #/devices/3: device `alice-laptop` is tied to no interface: no instance's `Name` tag is `Alice’s MacBook Pro` and none of its endpoints is an interface's address; it is a node off the VPCs
        note ROUTE_NOT_APPROVED 3:5 #/devices/0: device `tailscale-shared.tail1234.ts.net` advertises `10.2.0.0/16`, which is neither enabled nor auto-approved; it carries no traffic
    "#]]
    .assert_eq(&findings(&diags));
    assert_eq!(
        net.tailnet().map(|t| t.name.as_str()),
        Some("tail1234.ts.net")
    );
}

/// The seed's path, now from the real inputs: orchestrator-dev sends over the mesh to
/// the shared router, which rewrites the source to its own address (Tailscale's
/// default, said to be assumed), and Authentik's group admits 10.0.12.0/26.
#[test]
fn orchestrator_reaches_authentik_through_the_shared_router_with_snat() {
    let net = cross_vpc();
    let t = tr(&net, "orchestrator-dev", "10.0.10.30", 6, 443);
    let text = render(&net, &t);
    assert_eq!(verdict(&t), "REACHABLE", "{text}");
    for step in [
        "source 10.1.35.46 -> 100.119.26.88",
        "to subnet router tailscale-shared (nShared1CNTRL) 100.64.12.10 for its route 10.0.0.0/16",
        "policy: allowed by acls[0] (`shared-services:443,8200,9000` at policy.hujson:",
        "subnet router SNAT (Tailscale's default; not stated for this router)",
        "source 100.119.26.88 -> 10.0.12.10",
        "back over the tailnet to node orchestrator-dev",
    ] {
        assert!(text.contains(step), "lacks `{step}`:\n{text}");
    }
    let at_sso = t
        .forward
        .hops
        .iter()
        .find(|h| comp(&net, &h.component) == "sg-authentik-sg")
        .map(|h| h.packet.src.to_string());
    assert_eq!(at_sso.as_deref(), Some("10.0.12.10"));

    // Without the statement, Linux's default keeps it off the mesh: the peering, where
    // the shared subnet's ACL refuses 443 from dev.
    let net = cross_vpc_with(&fixture("cross-vpc.devices.json"), Vec::new());
    let t = tr(&net, "orchestrator-dev", "10.0.10.30", 6, 443);
    assert!(
        !render(&net, &t).contains("tailnet"),
        "{}",
        render(&net, &t)
    );
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward");
}

#[test]
fn ports_no_rule_allows_are_denied_naming_the_policy() {
    let net = cross_vpc();
    let t = tr(&net, "orchestrator-dev", "10.0.10.30", 6, 22);
    assert_eq!(
        verdict(&t),
        "TAILSCALE_ACL_DENY on forward",
        "{}",
        render(&net, &t)
    );
    let b = t.blocked_by().expect("blocked");
    assert_eq!(
        b.message,
        "the tailnet policy does not allow it: no acl or grant allows tcp port 22 from `orchestrator-dev` to 10.0.10.30, and the policy denies what it does not allow (policy.hujson)"
    );
    // A device the policy names by tag, not user: alice's group reaches 22, CI does not.
    let t = tr(&net, "orchestrator-dev", "10.1.35.46", 6, 22);
    assert_eq!(verdict(&t), "REACHABLE", "it stays in its own VPC");
    let t = tr(&net, "alice-laptop", "10.0.10.30", 6, 22);
    assert_eq!(
        verdict(&t),
        "ENI_SG_RULES_MISMATCH on forward",
        "{}",
        render(&net, &t)
    );
}

/// A device's own state refuses before any rule is read, and the denial points at the
/// device.
#[test]
fn a_device_blocking_incoming_connections_is_named() {
    let devices = fixture("cross-vpc.devices.json").replacen(
        r#""blocksIncomingConnections": false,
      "enabledRoutes": [],
      "advertisedRoutes": [],"#,
        r#""blocksIncomingConnections": true,
      "enabledRoutes": [],
      "advertisedRoutes": [],"#,
        1,
    );
    let net = cross_vpc_with(&devices, vec![accepts_routes()]);
    let t = tr(&net, "alice-laptop", "100.119.26.88", 6, 443);
    assert_eq!(
        verdict(&t),
        "TAILSCALE_ACL_DENY on forward",
        "{}",
        render(&net, &t)
    );
    assert_eq!(
        t.blocked_by().expect("blocked").message,
        "the tailnet policy does not allow it: denied: `orchestrator-dev.tail1234.ts.net` blocks incoming connections (devices.json:61:5 #/devices/2)"
    );
}

#[test]
fn the_laptop_reaches_both_vpcs_through_their_routers() {
    let net = cross_vpc();
    let t = tr(&net, "alice-laptop", "10.0.10.20", 6, 8200);
    let text = render(&net, &t);
    assert_eq!(verdict(&t), "REACHABLE", "{text}");
    assert!(text.contains("subnet router tailscale-shared"), "{text}");
    assert!(text.contains("allowed by acls[0]"), "{text}");
    let t = tr(&net, "100.100.7.1", "10.1.35.46", 6, 22);
    let text = render(&net, &t);
    assert_eq!(verdict(&t), "REACHABLE", "{text}");
    assert!(text.contains("subnet router tailscale-dev"), "{text}");
    assert!(text.contains("allowed by acls[1] (`dev:22`"), "{text}");
}

/// tailscale-shared advertises staging too, but nothing approves it: the grant that
/// would allow the laptop there has no route to use. Approved, it works.
#[test]
fn a_route_advertised_but_not_approved_is_not_used() {
    let net = cross_vpc();
    let t = tr(&net, "alice-laptop", "10.2.1.15", 6, 443);
    let text = render(&net, &t);
    assert_ne!(verdict(&t), "REACHABLE", "{text}");
    assert!(!text.contains("subnet router"), "{text}");

    let devices = fixture("cross-vpc.devices.json").replacen(
        r#""enabledRoutes": [],"#,
        r#""enabledRoutes": ["10.2.0.0/16"],"#,
        1,
    );
    let net = cross_vpc_with(&devices, vec![accepts_routes()]);
    let t = tr(&net, "alice-laptop", "10.2.1.15", 6, 443);
    let text = render(&net, &t);
    assert_eq!(verdict(&t), "REACHABLE", "{text}");
    assert!(
        text.contains(
            "subnet router tailscale-shared (nShared1CNTRL) 100.64.12.10 for its route 10.2.0.0/16"
        ),
        "{text}"
    );
    assert!(text.contains("allowed by grants[0] (`staging`"), "{text}");
}

/// What the spec states wins: SNAT off on the shared router, and Authentik's subnet
/// ACL refuses the mesh address (as in the seed's warning).
#[test]
fn stated_values_win_over_the_device_list() {
    let stated = vec![
        accepts_routes(),
        Stated {
            name: "TAILSCALE-SHARED".to_owned(),
            snat: Some(false),
            address: Some(Ipv4Addr::new(100, 64, 12, 11)),
            origin: Some(vpcnet_model::Location::pointer(
                Some("extra.yaml"),
                "/tailnet/nodes/0",
            )),
            ..Stated::default()
        },
        Stated {
            name: "office-gw".to_owned(),
            address: Some(Ipv4Addr::new(100, 70, 0, 1)),
            host: Some(Host::Instance("shared-services/bastion".to_owned())),
            ..Stated::default()
        },
    ];
    let (net, diags) = build(
        &spec_without_tailnet(),
        Some(&fixture("cross-vpc.hujson")),
        &fixture("cross-vpc.devices.json"),
        stated,
    );
    expect_test::expect![[r#"
        tailscale-shared nShared1CNTRL [100.64.12.11] on eni-tailscale-shared routes [10.0.0.0/16] exit=false accept_routes=None snat=Some(false) os="linux" fqdn="tailscale-shared.tail1234.ts.net"
        tailscale-dev nDev1CNTRL [100.64.40.10] on eni-tailscale-dev routes [10.1.0.0/16] exit=false accept_routes=None snat=None os="linux" fqdn="tailscale-dev.tail1234.ts.net"
        orchestrator-dev nOrch1CNTRL [100.119.26.88] on eni-orchestrator-dev routes [] exit=false accept_routes=Some(true) snat=None os="linux" fqdn="orchestrator-dev.tail1234.ts.net"
        alice-laptop nAliceCNTRL [100.100.7.1] on - routes [] exit=false accept_routes=None snat=None os="macOS" fqdn="alice-laptop.tail1234.ts.net"
        office-gw node-office-gw [100.70.0.1] on eni-bastion routes [] exit=false accept_routes=None snat=None os="?" fqdn="?"
    "#]]
    .assert_eq(&nodes(&net));
    assert!(
        findings(&diags).contains(
            "note STATED_OVER_DEVICE #/tailnet/nodes/0/address: node `TAILSCALE-SHARED` is stated with address 100.64.12.11; the device list has 100.64.12.10; the stated one is used"
        ),
        "{}",
        findings(&diags)
    );
    let t = tr(&net, "orchestrator-dev", "10.0.10.30", 6, 443);
    let text = render(&net, &t);
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward", "{text}");
    assert!(text.contains("forwards without SNAT"), "{text}");
}

/// A device is tied by its endpoints when its name says nothing, and to nothing when
/// the evidence conflicts or two devices claim one instance.
#[test]
fn ties_by_endpoint_and_refuses_ambiguous_ones() {
    let devices = fixture("cross-vpc.devices.json");
    // The AWS default host name: the endpoint 10.1.40.10 ties it.
    let renamed = devices
        .replace(
            r#""hostname": "tailscale-dev""#,
            r#""hostname": "ip-10-1-40-10""#,
        )
        .replace("tailscale-dev.tail1234", "ip-10-1-40-10.tail1234");
    let net = cross_vpc_with(&renamed, vec![accepts_routes()]);
    assert!(
        nodes(&net).contains("ip-10-1-40-10 nDev1CNTRL [100.64.40.10] on eni-tailscale-dev"),
        "{}",
        nodes(&net)
    );
    // Named like the dev router, but its endpoints are the shared router's.
    let conflicting = devices.replace(
        r#""endpoints": ["203.0.113.30:41641", "10.1.40.10:41641"]"#,
        r#""endpoints": ["10.0.12.10:41641"]"#,
    );
    let (net, diags) = build(
        &spec_without_tailnet(),
        Some(&fixture("cross-vpc.hujson")),
        &conflicting,
        Vec::new(),
    );
    let text = findings(&diags);
    assert!(
        text.contains("warning AMBIGUOUS_TIE 34:5 #/devices/1: device `tailscale-dev` is tied to no interface: its name points at instance `tailscale-dev (i-tailscale-dev)` but its endpoints at instance `tailscale-shared (i-tailscale-shared)`; state its `instance` in a spec"),
        "{text}"
    );
    assert!(nodes(&net).contains("tailscale-dev nDev1CNTRL [100.64.40.10] on - "));
    // A stale second device of the same host: neither is tied.
    let stale = devices.replacen(
        r#"    {
      "addresses": ["100.64.40.10""#,
        r#"    {
      "addresses": ["100.64.40.99"],
      "nodeId": "nDevOldCNTRL",
      "name": "tailscale-dev-1.tail1234.ts.net",
      "hostname": "tailscale-dev",
      "os": "linux",
      "tags": ["tag:router"]
    },
    {
      "addresses": ["100.64.40.10""#,
        1,
    );
    let (net, diags) = build(
        &spec_without_tailnet(),
        Some(&fixture("cross-vpc.hujson")),
        &stale,
        Vec::new(),
    );
    let text = findings(&diags);
    for dev in ["tailscale-dev-1", "tailscale-dev"] {
        let line = format!("device `{dev}` points at instance `tailscale-dev (i-tailscale-dev)`, but so do `tailscale-dev-1`, `tailscale-dev`; it is tied to no interface");
        assert!(text.contains(&line), "{text}");
    }
    assert!(
        !nodes(&net).contains("eni-tailscale-dev"),
        "{}",
        nodes(&net)
    );
}

#[test]
fn the_policy_s_own_tests_hold_for_these_devices() {
    let (policy, _) =
        parse_policy("policy.hujson", &fixture("cross-vpc.hujson")).expect("a policy");
    let (devices, _) =
        parse_devices("devices.json", &fixture("cross-vpc.devices.json")).expect("devices");
    let t = vpcnet_tailscale::Tailnet::new(Some(policy), devices);
    let failed: Vec<String> = t
        .run_tests()
        .iter()
        .filter(|a| !a.passed)
        .map(ToString::to_string)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Every decision of the compiled address rules, for every node, against the
/// evaluator's: same verdict, same rule.
fn assert_rules_agree(net: &Network, dsts: &[&str]) -> usize {
    let policy = &net.tailnet().expect("a tailnet").policy;
    let rules = policy.address_rules().expect("the policy compiles");
    let compiled = AddressPolicy {
        rules: rules.to_vec(),
    };
    let mut dsts: Vec<Ipv4Addr> = dsts
        .iter()
        .map(|d| d.parse().expect("an address"))
        .collect();
    for n in net.tailnet_nodes() {
        dsts.extend(&n.addrs);
    }
    let cases: [(u8, u16); 11] = [
        (6, 22),
        (6, 80),
        (6, 443),
        (6, 5432),
        (6, 8080),
        (6, 8200),
        (17, 161),
        (17, 443),
        (1, 0),
        (132, 22),
        (47, 0),
    ];
    let mut checked = 0;
    for n in net.tailnet_nodes() {
        for dst in &dsts {
            for (proto, port) in cases {
                let want = policy.decide(n, *dst, proto, port);
                let got = compiled.decide(n, *dst, proto, port);
                let what = format!(
                    "{} -> {dst} {proto}/{port}: evaluator `{}`, rules `{}`",
                    n.meta.label(),
                    want.reason,
                    got.reason
                );
                assert_eq!(want.allowed, got.allowed, "{what}");
                if got.allowed {
                    assert!(
                        want.reason.starts_with(&format!("{} (", got.reason)),
                        "{what}"
                    );
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn address_rules_agree_with_the_evaluator_on_the_cross_vpc_tailnet() {
    let net = cross_vpc();
    let n = assert_rules_agree(
        &net,
        &[
            "10.0.10.30",
            "10.0.12.10",
            "10.1.35.46",
            "10.2.1.15",
            "8.8.8.8",
            "100.64.0.1",
        ],
    );
    assert!(n > 400, "{n}");
}

/// The corp tailnet exercises what compiles less simply: `autogroup:self`, a group
/// over UDP only, exit nodes and `autogroup:internet`, a shared-in device, a device
/// not authorized and one blocking incoming connections; and a grants policy with IP
/// sets and `via`.
#[test]
fn address_rules_agree_with_the_evaluator_on_identities_states_and_via() {
    let extra = r#""devices": [
    {"addresses": ["100.64.0.50"], "nodeId": "nDaveCNTRL", "user": "dave@example.com",
     "name": "dave-laptop.tail1234.ts.net", "hostname": "dave-laptop", "authorized": false},
    {"addresses": ["100.64.0.51"], "nodeId": "nBob2CNTRL", "user": "bob@example.com",
     "name": "bob-desktop.tail1234.ts.net", "hostname": "bob-desktop",
     "blocksIncomingConnections": true},"#;
    let devices = fixture("corp.devices.json").replacen(r#""devices": ["#, extra, 1);
    let grants = r#"{
        "groups": {"group:eng": ["alice@example.com", "bob@example.com"], "group:sales": ["carol@example.com"]},
        "tagOwners": {"tag:web": [], "tag:db": [], "tag:router": [], "tag:exit": []},
        "ipsets": {
            "ipset:office":   ["add 10.0.0.0/16", "remove 10.0.5.0/24", "add 10.0.5.7"],
            "ipset:internet": ["add autogroup:internet", "remove ipset:blocked"],
            "ipset:blocked":  ["8.8.8.0/24", "9.9.9.1-9.9.9.9"],
        },
        "grants": [
            {"src": ["group:eng"], "dst": ["tag:web"], "ip": ["tcp:443", "80"]},
            {"src": ["tag:web"], "dst": ["tag:db"], "ip": ["tcp:5432", "icmp:*"]},
            {"src": ["autogroup:member"], "dst": ["ipset:office"], "ip": ["*"]},
            {"src": ["group:sales"], "dst": ["ipset:internet"], "ip": ["tcp:443"], "via": ["tag:exit"]},
            {"src": ["group:eng"], "dst": ["10.0.0.0/8"], "ip": ["tcp:22"], "via": ["tag:router"]},
            {"src": ["*"], "dst": ["*"], "ip": ["sctp:22", "gre:*"]},
            {"src": ["autogroup:member"], "dst": ["tag:db"], "ip": ["tcp:5432"], "srcPosture": ["posture:latestMac"]},
        ],
        "autoApprovers": {"routes": {"10.0.0.0/8": ["tag:router"]}, "exitNode": ["tag:exit"]},
    }"#;
    let dsts = [
        "10.0.1.1",
        "10.0.5.7",
        "10.0.5.9",
        "10.1.0.5",
        "10.9.0.1",
        "10.200.0.1",
        "1.1.1.1",
        "8.8.8.8",
        "9.9.9.5",
        "192.168.1.1",
        "100.64.0.99",
    ];
    for policy in [fixture("corp.hujson"), grants.to_owned()] {
        let (net, _) = build("vpcs: []\n", Some(&policy), &devices, Vec::new());
        assert!(net.tailnet_nodes().len() >= 12);
        let n = assert_rules_agree(&net, &dsts);
        assert!(n > 2500, "{n}");
    }
}

/// The rules as export writes them: the exported spec traces as the inputs do.
#[test]
fn export_writes_the_compiled_rules() {
    let net = cross_vpc();
    let spec = vpcnet_spec::from_network(&net);
    let acls = spec
        .tailnet
        .as_ref()
        .and_then(|t| t.acls.as_ref())
        .map_or(0, Vec::len);
    assert!(acls >= 3, "{acls} rules");
    let yaml = vpcnet_spec::to_yaml(&spec);
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("exported.yaml"), &yaml).expect("the export parses");
    let (again, diags) = b.finish();
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for (from, to, port) in [
        ("orchestrator-dev", "10.0.10.30", 443),
        ("orchestrator-dev", "10.0.10.30", 22),
        ("alice-laptop", "10.0.10.20", 8200),
        ("alice-laptop", "10.1.35.46", 22),
        ("alice-laptop", "10.1.35.46", 443),
        ("alice-laptop", "10.2.1.15", 443),
    ] {
        assert_eq!(
            verdict(&tr(&net, from, to, 6, port)),
            verdict(&tr(&again, from, to, 6, port)),
            "{from} -> {to}:{port}"
        );
    }
}

#[test]
fn without_access_rules_everything_is_allowed_and_nothing_is_compiled() {
    let policy = r#"{"tagOwners": {"tag:router": [], "tag:ci": []},
        "autoApprovers": {"routes": {"10.0.0.0/16": ["tag:router"], "10.1.0.0/16": ["tag:router"]}}}"#;
    let (net, _) = build(
        &spec_without_tailnet(),
        Some(policy),
        &fixture("cross-vpc.devices.json"),
        vec![accepts_routes()],
    );
    let p = &net.tailnet().expect("a tailnet").policy;
    assert!(p.address_rules().is_none());
    let t = tr(&net, "orchestrator-dev", "10.0.10.30", 6, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&net, &t));
    assert!(render(&net, &t).contains("neither `acls` nor `grants`"));
}
