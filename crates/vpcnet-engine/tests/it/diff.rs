//! `diff`: flows gained and lost between two networks, and the resources that explain
//! them. Changes are made by editing the built-in examples' text, and at random on
//! generated networks, where every witness is traced again.

use std::net::Ipv4Addr;

use vpcnet_engine::diff::{
    diff, diff_with, Diff, Internet, Narrowing, PairChange, Presence, INTERNET,
};
use vpcnet_engine::reach::space::Span;
use vpcnet_engine::reach::{
    level_places, reach, select, Level, NamedPlace, Place, ReachOptions, Role, RuleDelta, Selector,
    Standing, Transit,
};
use vpcnet_engine::{trace, Endpoint, Query};
use vpcnet_model::{EniIdx, Network, NetworkBuilder};
use vpcnet_spec::generate::{generate, GenerateOptions};
use vpcnet_spec::raw::{NaclEntrySpec, PortsSpec, ProtoSpec, SgRuleSpec, Spec};
use vpcnet_spec::Lenient;

use crate::reach_props::Rng;
use crate::support::net;

fn example(name: &str) -> &'static str {
    vpcnet_spec::examples::get(name).expect("a built-in example")
}

/// `text` with `from` replaced by `to`, which must occur exactly once.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once");
    text.replace(from, to)
}

fn run(before: &str, after: &str, level: Level) -> Diff {
    diff(&net(before), &net(after), level, &ReachOptions::default())
}

/// A change as one line: `from -> to: flows | changed causes`.
fn line(c: &PairChange) -> String {
    let causes: Vec<String> = c
        .causes
        .iter()
        .filter(|k| k.changed)
        .map(|k| format!("{} {} {}", k.kind, k.resource, k.code))
        .collect();
    let from = if c.from_id == INTERNET {
        format!("internet {:?}", c.internet.len())
    } else {
        c.from_id.clone()
    };
    format!(
        "{from} -> {}: {} | {}",
        c.to_id,
        c.flow_texts().join("; "),
        causes.join(", ")
    )
}

fn lines(cs: &[PairChange]) -> Vec<String> {
    cs.iter().map(line).collect()
}

const SONAR_RULE: &str = "          - {protocol: tcp, ports: 9000, cidr: 10.1.0.0/16, description: dev VPC over peering (EKS runners)}\n";
const STAGING_RULE: &str =
    "          - {protocol: tcp, ports: 443, cidr: 10.0.0.0/8, description: internal callers}\n";
const OFFICE_SSH: &str = "{protocol: tcp, ports: 22, cidr: 198.51.100.0/24, description: office}";

#[test]
fn an_example_against_itself_changes_nothing() {
    for name in ["cross-vpc", "observability"] {
        for level in [Level::Subnet, Level::SecurityGroup] {
            let (a, b) = (net(example(name)), net(example(name)));
            let opts = ReachOptions::default();
            let d = diff_with(&a, &b, level, &opts, Internet::Compared, Narrowing::Off);
            assert!(d.is_empty(), "{name}: {d:#?}");
            assert!(d.unchanged_pairs > 0, "{name}: some pair has flows");
            // Nothing changed, so nothing needs comparing.
            let d = diff(&a, &b, level, &opts);
            assert!(d.is_empty(), "{name}: {d:#?}");
            assert_eq!(d.narrowed_to, Some(Vec::new()));
            assert_eq!(d.unchanged_pairs, 0);
        }
    }
}

#[test]
fn moved_and_commented_text_changes_nothing() {
    // Every line after the insertion moves: where a resource is declared is not part
    // of what it is.
    let before = example("cross-vpc");
    let after = edit(
        before,
        "vpcs:\n",
        "# a comment that moves every line below\n\nvpcs:\n",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(
        d.is_empty(),
        "{:#?} {:#?}",
        lines(&d.gained),
        lines(&d.lost)
    );
}

#[test]
fn removed_sg_rule_loses_the_flow_and_names_the_group() {
    let before = example("cross-vpc");
    let after = edit(before, SONAR_RULE, "");
    let d = run(before, &after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    // The dev subnet router's own traffic loses SonarQube; the EKS pods and
    // orchestrator in dev-private-a still reach it through the mesh (SNAT).
    let lost = lines(&d.lost);
    assert!(
        lost.contains(&"subnet-dev-tailscale-a -> subnet-shared-private-a: tcp 9000 | security-group sg-sonarqube-sg ENI_SG_RULES_MISMATCH".to_owned()),
        "{lost:#?}"
    );
    assert!(
        !lost.iter().any(|l| l.starts_with("subnet-dev-private-a ")),
        "{lost:#?}"
    );
    for c in &d.lost {
        assert_eq!(c.flow_texts(), ["tcp 9000"], "{}", line(c));
        assert_eq!(c.causes.len(), 1, "{:#?}", c.causes);
        let cause = &c.causes[0];
        assert!(cause.message.contains("sonarqube"), "{}", cause.message);
        assert_eq!(cause.name.as_deref(), Some("sonarqube-sg"));
    }
}

#[test]
fn removed_sg_rule_at_the_security_group_level() {
    let before = example("cross-vpc");
    let after = edit(before, SONAR_RULE, "");
    let d = run(before, &after, Level::SecurityGroup);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    assert!(!d.lost.is_empty());
    for c in &d.lost {
        assert_eq!(c.to_id, "sg-sonarqube-sg", "{}", line(c));
        assert_eq!(c.flow_texts(), ["tcp 9000"], "{}", line(c));
        assert!(
            c.causes
                .iter()
                .any(|k| k.changed && k.resource == "sg-sonarqube-sg"),
            "{}",
            line(c)
        );
    }
}

#[test]
fn added_sg_rule_gains_the_flow() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        STAGING_RULE,
        &format!(
            "{STAGING_RULE}          - {{protocol: tcp, ports: 22, cidr: 10.0.0.0/24, description: bastion}}\n"
        ),
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.lost.is_empty(), "{:#?}", lines(&d.lost));
    assert_eq!(
        lines(&d.gained),
        [
            "subnet-shared-public-a -> subnet-staging-private-a: tcp 22 | security-group sg-staging-api-sg ENI_SG_RULES_MISMATCH"
        ]
    );
}

#[test]
fn narrowed_rule_loses_only_the_port_taken_away() {
    // Before: tcp 22 and 443; after: tcp 443. The flow lost is `tcp 22`, not the pair.
    let after = example("cross-vpc");
    let before = edit(
        after,
        STAGING_RULE,
        &format!(
            "{STAGING_RULE}          - {{protocol: tcp, ports: 22, cidr: 10.0.0.0/8, description: ssh}}\n"
        ),
    );
    let d = run(&before, after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    let from: Vec<&str> = d.lost.iter().map(|c| c.from_id.as_str()).collect();
    for subnet in [
        "subnet-shared-public-a",
        "subnet-shared-private-a",
        "subnet-shared-tailscale-a",
    ] {
        assert!(from.contains(&subnet), "{:#?}", lines(&d.lost));
    }
    for c in &d.lost {
        assert_eq!(c.to_id, "subnet-staging-private-a", "{}", line(c));
        assert_eq!(c.flow_texts(), ["tcp 22"], "{}", line(c));
    }
}

#[test]
fn a_range_split_in_two_loses_the_ports_between() {
    // tcp 8000-8100 becomes 8000-8009 and 8091-8100: 8010-8090 is lost, nothing else.
    let wide = "{protocol: tcp, ports: 8000-8100, cidr: 10.0.0.0/8, description: range}\n";
    let before = edit(
        example("cross-vpc"),
        STAGING_RULE,
        &format!("{STAGING_RULE}          - {wide}"),
    );
    let after = edit(
        &before,
        wide,
        "{protocol: tcp, ports: 8000-8009, cidr: 10.0.0.0/8}\n          - {protocol: tcp, ports: 8091-8100, cidr: 10.0.0.0/8}\n",
    );
    let d = run(&before, &after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    assert!(!d.lost.is_empty());
    for c in &d.lost {
        assert_eq!(c.flow_texts(), ["tcp 8010-8090"], "{}", line(c));
    }
}

#[test]
fn a_rule_naming_a_protocol_already_allowed_changes_nothing() {
    // With `all` allowed, a rule for protocol 50 (ESP) adds nothing: the table names
    // protocol 50 on its own after the change, the rest stay "other protocols".
    let all = edit(
        example("cross-vpc"),
        STAGING_RULE,
        &format!("{STAGING_RULE}          - {{protocol: all, cidr: 10.0.0.0/8}}\n"),
    );
    let with_esp = edit(
        &all,
        STAGING_RULE,
        &format!("{STAGING_RULE}          - {{protocol: 50, cidr: 10.0.0.0/8}}\n"),
    );
    let d = run(&all, &with_esp, Level::Subnet);
    assert!(
        d.is_empty(),
        "{:#?} {:#?}",
        lines(&d.gained),
        lines(&d.lost)
    );
    // Taking `all` away again loses every protocol but the one port still allowed;
    // protocol 50, lost entirely like the rest, is one of the other protocols again.
    let d = run(&with_esp, example("cross-vpc"), Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    let shared = d
        .lost
        .iter()
        .find(|c| c.from_id == "subnet-shared-private-a")
        .expect("shared-private-a loses");
    assert_eq!(
        shared.flow_texts(),
        [
            "icmp all types",
            "tcp 0-442, 444-65535",
            "udp all ports",
            "other protocols"
        ],
        "{}",
        line(shared)
    );
}

#[test]
fn source_ports_a_network_acl_lets_back_in_are_gained() {
    // The shared-private ACL lets replies in on udp 1024-65535 only; opened to every
    // port, udp from source ports 0-1023 gets through (and nothing else changes).
    let before = example("cross-vpc");
    let after = edit(
        before,
        "{rule: 210, action: allow, protocol: udp, ports: 1024-65535, cidr: 0.0.0.0/0}",
        "{rule: 210, action: allow, protocol: udp, ports: 0-65535, cidr: 0.0.0.0/0}",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.lost.is_empty(), "{:#?}", lines(&d.lost));
    assert!(!d.gained.is_empty());
    for c in &d.gained {
        assert_eq!(c.from_id, "subnet-shared-private-a", "{}", line(c));
        for f in &c.flows {
            assert!(
                f.describe().ends_with("(from source ports 0-1023)"),
                "{}",
                line(c)
            );
        }
        let k = &c.causes[0];
        assert_eq!(
            (k.resource.as_str(), k.code.as_str(), k.changed),
            ("acl-shared-private-acl", "SUBNET_ACL_RESTRICTION", true),
            "{}",
            line(c)
        );
    }
    assert!(
        lines(&d.gained).contains(
            &"subnet-shared-private-a -> subnet-dev-tailscale-a: udp 41641 (from source ports 0-1023) | network-acl acl-shared-private-acl SUBNET_ACL_RESTRICTION".to_owned()
        ),
        "{:#?}",
        lines(&d.gained)
    );
}

fn addr(a: [u8; 4]) -> u32 {
    u32::from(Ipv4Addr::from(a))
}

fn within(spans: &[Span], a: [u8; 4]) -> bool {
    spans.iter().any(|s| s.contains(addr(a)))
}

#[test]
fn ssh_opened_to_the_world_is_gained_from_the_internet_but_the_office() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        OFFICE_SSH,
        "{protocol: tcp, ports: 22, cidr: 0.0.0.0/0, description: anywhere}",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.lost.is_empty(), "{:#?}", lines(&d.lost));
    let from_internet: Vec<&PairChange> =
        d.gained.iter().filter(|c| c.from_id == INTERNET).collect();
    assert_eq!(from_internet.len(), 1, "{:#?}", lines(&d.gained));
    let c = from_internet[0];
    assert_eq!(c.to_id, "subnet-shared-public-a");
    assert_eq!(c.flow_texts(), ["tcp 22"]);
    // Every internet address but the office's, which could already connect.
    assert!(within(&c.internet, [8, 8, 8, 8]));
    assert!(within(&c.internet, [198, 51, 99, 255]));
    assert!(!within(&c.internet, [198, 51, 100, 7]));
    assert!(
        !within(&c.internet, [10, 0, 0, 1]),
        "private space is not the internet"
    );
    let k = &c.causes[0];
    assert_eq!(
        (k.resource.as_str(), k.code.as_str(), k.changed),
        ("sg-bastion-sg", "ENI_SG_RULES_MISMATCH", true)
    );
    // The witness comes from the internet, from an address that gained.
    match c.flows[0].witness.from {
        Endpoint::Internet { ip } => assert!(within(&c.internet, ip.octets())),
        other => panic!("{other:?}"),
    }
}

#[test]
fn nat_route_replaced_by_the_internet_gateway_loses_egress() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        "{destination: 0.0.0.0/0, nat_gateway: shared-nat}",
        "{destination: 0.0.0.0/0, internet_gateway: shared-igw}",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    assert!(!d.lost.is_empty());
    for c in &d.lost {
        assert_eq!(c.to_id, INTERNET, "{}", line(c));
        // The route table changed; what stops the packets now (the gateway, for an
        // address without a public IP) did not.
        assert_eq!(c.causes[0].resource, "rtb-shared-private", "{}", line(c));
        assert_eq!(c.causes[0].code, "RESOURCE_CHANGED");
        assert!(c
            .causes
            .iter()
            .any(|k| !k.changed && k.code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"));
    }
}

#[test]
fn subnet_moved_to_another_route_table_names_the_subnet_only() {
    // dev-private-a leaves the main table (NAT) for the public one (internet gateway):
    // neither table changed, the subnet's association did. Text moved around it must
    // not make anything else look changed.
    let before = example("cross-vpc");
    let after = edit(
        before,
        "      - {name: dev-private-a, cidr: 10.1.32.0/21, az: us-east-1a}\n",
        "      # moved\n      - {name: dev-private-a, cidr: 10.1.32.0/21, az: us-east-1a, route_table: dev-public}\n",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(!d.lost.is_empty());
    for c in d.lost.iter().chain(&d.gained) {
        let changed: Vec<&str> = c
            .causes
            .iter()
            .filter(|k| k.changed)
            .map(|k| k.resource.as_str())
            .collect();
        assert_eq!(changed, ["subnet-dev-private-a"], "{}", line(c));
    }
}

#[test]
fn removed_route_loses_the_peer_and_names_the_route_table() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        "        routes:\n          - {destination: 10.0.0.0/16, peering: shared-staging}\n",
        "        routes: []\n",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    assert!(!d.lost.is_empty());
    for c in &d.lost {
        // Staging can no longer send to shared services, nor answer it.
        assert!(
            [&c.from_id, &c.to_id].contains(&&"subnet-staging-private-a".to_owned()),
            "{}",
            line(c)
        );
        assert!(
            c.causes
                .iter()
                .any(|k| k.changed && k.resource == "rtb-staging-main"),
            "{}",
            line(c)
        );
    }
}

#[test]
fn pending_peering_loses_both_directions_and_names_the_peering() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        "    requester: shared-services\n    accepter: staging\n",
        "    requester: shared-services\n    accepter: staging\n    status: pending-acceptance\n",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.gained.is_empty(), "{:#?}", lines(&d.gained));
    let lost = lines(&d.lost);
    assert!(
        lost.iter()
            .any(|l| l.starts_with("subnet-shared-private-a -> subnet-staging-private-a: tcp 443")),
        "{lost:#?}"
    );
    assert!(
        lost.iter()
            .any(|l| l.starts_with("subnet-staging-private-a -> ")),
        "{lost:#?}"
    );
    for c in &d.lost {
        assert!(
            c.causes.iter().any(|k| k.changed
                && k.resource == "pcx-0a1b2c3d4e5f60718"
                && k.code == "BAD_STATE"),
            "{}",
            line(c)
        );
    }
}

#[test]
fn new_subnet_is_reported_as_added() {
    let before = example("cross-vpc");
    let after = edit(
        before,
        "      - {name: staging-private-a, cidr: 10.2.1.0/24, az: us-east-1a}\n",
        "      - {name: staging-private-a, cidr: 10.2.1.0/24, az: us-east-1a}\n      - {name: staging-private-b, cidr: 10.2.2.0/24, az: us-east-1b}\n",
    );
    let after = edit(
        &after,
        "        private_ip: 10.2.1.15\n        security_groups: [staging-api-sg]\n",
        "        private_ip: 10.2.1.15\n        security_groups: [staging-api-sg]\n      - name: staging-worker\n        subnet: staging-private-b\n        private_ip: 10.2.2.15\n        security_groups: [staging-api-sg]\n",
    );
    let d = run(before, &after, Level::Subnet);
    assert!(d.lost.is_empty(), "{:#?}", lines(&d.lost));
    assert!(!d.gained.is_empty());
    for c in &d.gained {
        let (new_end, other) = if c.to_id == "subnet-staging-private-b" {
            (c.to_presence, c.from_presence)
        } else {
            (c.from_presence, c.to_presence)
        };
        assert_eq!(new_end, Presence::Added, "{}", line(c));
        assert_eq!(other, Presence::Both, "{}", line(c));
        assert!(
            c.causes.iter().any(|k| k.changed
                && k.resource == "subnet-staging-private-b"
                && k.code == "RESOURCE_ADDED"),
            "{}",
            line(c)
        );
    }
    // Backwards, the same pairs are lost and the subnet is removed.
    let back = run(&after, before, Level::Subnet);
    assert!(back.gained.is_empty());
    assert_eq!(back.lost.len(), d.gained.len());
    assert!(back.lost.iter().all(|c| c
        .causes
        .iter()
        .any(|k| k.code == "RESOURCE_REMOVED" && k.resource == "subnet-staging-private-b")));
}

// ---------------------------------------------------------------------------------
// Generated networks, changed at random: every witness is checked by the tracer.

fn lower(spec: &Spec) -> Network {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::lower_into(&mut b, Some("diff-props.yaml"), spec);
    b.finish().0
}

/// Removes and adds security group rules, and adds network ACL entries that allow or
/// deny port ranges (the ephemeral ones among them, which replies use).
fn mutate(spec: &mut Spec, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let n = spec.vpcs.len();
        let Some(Lenient::Ok(vpc)) = spec.vpcs.get_mut(rng.below(n)) else {
            continue;
        };
        let cidr = vpc.cidr.clone().unwrap_or_else(|| "10.0.0.0/8".to_owned());
        if rng.below(3) == 0 {
            let k = vpc.network_acls.len();
            if let Some(Lenient::Ok(acl)) = vpc.network_acls.get_mut(rng.below(k)) {
                let ports = ["0-1023", "1024-65535", "22", "443", "32768-65535"][rng.below(5)];
                let entry = NaclEntrySpec {
                    rule: 1 + rng.below(99) as u32,
                    action: ["allow", "deny"][rng.below(2)].to_owned(),
                    protocol: ProtoSpec::Name(["tcp", "udp"][rng.below(2)].to_owned()),
                    ports: Some(PortsSpec::Range(ports.to_owned())),
                    icmp_type: None,
                    icmp_code: None,
                    cidr: ["0.0.0.0/0", cidr.as_str()][rng.below(2)].to_owned(),
                };
                let side = if rng.below(2) == 0 {
                    &mut acl.ingress
                } else {
                    &mut acl.egress
                };
                let taken = side
                    .iter()
                    .any(|e| matches!(e, Lenient::Ok(e) if e.rule == entry.rule));
                if !taken {
                    side.push(Lenient::Ok(entry));
                }
            }
            continue;
        }
        let k = vpc.security_groups.len();
        let Some(Lenient::Ok(g)) = vpc.security_groups.get_mut(rng.below(k)) else {
            continue;
        };
        if rng.below(2) == 0 && !g.ingress.is_empty() {
            let i = rng.below(g.ingress.len());
            g.ingress.remove(i);
        } else {
            let port = [22u32, 443, 5432, 8080, 1024][rng.below(5)];
            let (protocol, ports) = match rng.below(4) {
                0 => (ProtoSpec::Number(-1), None),
                1 => (
                    ProtoSpec::Name("udp".to_owned()),
                    Some(PortsSpec::Single(port)),
                ),
                _ => (
                    ProtoSpec::Name("tcp".to_owned()),
                    Some(PortsSpec::Single(port)),
                ),
            };
            let cidr = if rng.below(4) == 0 {
                "0.0.0.0/0".to_owned()
            } else {
                cidr
            };
            g.ingress.push(Lenient::Ok(SgRuleSpec {
                protocol: Some(protocol),
                ports,
                cidr: Some(cidr),
                ..SgRuleSpec::default()
            }));
        }
    }
}

/// `q` over the other network, when its interfaces are there.
fn moved(from: &Network, to: &Network, q: &Query) -> Option<Query> {
    let eni = |e: EniIdx| to.by_id_as::<EniIdx>(&from.interface(e).meta.id);
    let src = match q.from {
        Endpoint::Interface { eni: e, ip } => Endpoint::Interface { eni: eni(e)?, ip },
        other => other,
    };
    let expect = match q.expect {
        Some(e) => Some(eni(e)?),
        None => None,
    };
    Some(Query {
        from: src,
        expect,
        ..*q
    })
}

/// Each change's witnesses get through where the change says and not on the other
/// side; the diff backwards is the same change turned around.
fn check_pair(before: &Network, after: &Network, level: Level) -> Result<(), String> {
    let d = diff(before, after, level, &ReachOptions::default());
    let back = diff(after, before, level, &ReachOptions::default());
    let flows = |cs: &[PairChange]| -> Vec<String> {
        cs.iter()
            .map(|c| {
                format!(
                    "{} -> {} {:?}: {}",
                    c.from_id,
                    c.to_id,
                    c.internet,
                    c.flow_texts().join("; ")
                )
            })
            .collect()
    };
    if flows(&d.gained) != flows(&back.lost) || flows(&d.lost) != flows(&back.gained) {
        return Err(format!(
            "not symmetric: gained {:#?} lost backwards {:#?}",
            flows(&d.gained),
            flows(&back.lost)
        ));
    }
    if !d.inexact.is_empty() {
        return Ok(());
    }
    for (changes, here, there) in [(&d.gained, after, before), (&d.lost, before, after)] {
        for c in changes.iter() {
            for f in &c.flows {
                if !trace(here, &f.witness).reachable() {
                    return Err(format!(
                        "{}: witness {:?} does not get through",
                        line(c),
                        f.witness
                    ));
                }
                if let Some(q) = moved(here, there, &f.witness) {
                    if trace(there, &q).reachable() {
                        return Err(format!(
                            "{}: witness {:?} gets through on the other side too",
                            line(c),
                            f.witness
                        ));
                    }
                }
            }
            if c.causes.is_empty() {
                return Err(format!("{}: no cause", line(c)));
            }
        }
    }
    Ok(())
}

#[test]
fn witnesses_of_random_changes_trace_as_the_diff_says() {
    let cases: u64 = std::env::var("DIFF_PROPS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut changed = 0;
    for seed in 0..cases {
        let mut rng = Rng(seed);
        let vpcs = 1 + (seed % 2) as usize;
        let spec = generate(&GenerateOptions { vpcs, seed });
        let mut other = spec.clone();
        mutate(&mut other, &mut rng);
        let (before, after) = (lower(&spec), lower(&other));
        for level in [Level::Subnet, Level::SecurityGroup] {
            if let Err(e) = check_pair(&before, &after, level) {
                panic!("seed {seed}, {level:?}: {e}");
            }
            narrowed_agrees(&before, &after, level, &format!("seed {seed}"));
        }
        standing_agrees(&before, &after, &format!("seed {seed}"));
        let d = diff(&before, &after, Level::Subnet, &ReachOptions::default());
        changed += usize::from(!d.is_empty());
        assert!(
            diff(&before, &before, Level::Subnet, &ReachOptions::default()).is_empty(),
            "seed {seed}: a network against itself"
        );
    }
    assert!(changed > 0, "some random change changes connectivity");
}

// ---------------------------------------------------------------------------------
// Narrowed comparison: when only rules change, only pairs a changed rule can judge are
// compared; the answer must be the whole comparison's.

/// A question kept on `before` and brought up to date with `after` answers as the
/// question asked afresh on `after`: every source (the internet among them) to every
/// subnet and the internet.
fn standing_agrees(before: &Network, after: &Network, what: &str) {
    let places = |net: &Network| {
        let mut src = select(net, &Selector::All, Role::Source).expect("every source");
        src.extend(select(net, &Selector::Internet, Role::Source).expect("the internet"));
        let mut dst = level_places(net, Level::Subnet, Role::Destination);
        dst.extend(select(net, &Selector::Internet, Role::Destination).expect("the internet"));
        // Every public address, where sources are told apart by what it admits.
        let mut public = Vec::new();
        for e in net.eni_ids() {
            for p in &net.interface(e).private_ips {
                public.extend(p.public.map(|a| (e, a)));
            }
        }
        dst.push(NamedPlace {
            label: "public addresses".to_owned(),
            place: Place::Interfaces(public),
        });
        (src, dst)
    };
    let (src, dst) = places(before);
    let opts = ReachOptions::default();
    let mut kept = Standing::new(before, &src, &dst, &opts);
    let Some(changes) = before.rule_changes(after) else {
        panic!("{what}: only rules changed");
    };
    let Some(delta) = RuleDelta::new(before, after, &changes, &Transit::of(before)) else {
        return;
    };
    kept.update(before, after, &delta);
    let (src, dst) = places(after);
    let fresh = reach(after, &src, &dst, &opts);
    let updated = kept.answer();
    assert_eq!(updated.rows.len(), fresh.rows.len(), "{what}: rows");
    for (u, f) in updated.rows.iter().zip(&fresh.rows) {
        assert_eq!(u, f, "{what}");
    }
}

/// The whole comparison and the narrowed one agree; returns whether it was narrowed.
fn narrowed_agrees(before: &Network, after: &Network, level: Level, what: &str) -> bool {
    let opts = ReachOptions::default();
    let whole = diff_with(
        before,
        after,
        level,
        &opts,
        Internet::Compared,
        Narrowing::Off,
    );
    let narrow = diff_with(
        before,
        after,
        level,
        &opts,
        Internet::Compared,
        Narrowing::Auto,
    );
    assert_eq!(whole.narrowed_to, None);
    assert_eq!(
        lines(&narrow.gained),
        lines(&whole.gained),
        "{what} {level:?}: gained"
    );
    assert_eq!(
        lines(&narrow.lost),
        lines(&whole.lost),
        "{what} {level:?}: lost"
    );
    let internet =
        |cs: &[PairChange]| -> Vec<Vec<Span>> { cs.iter().map(|c| c.internet.clone()).collect() };
    assert_eq!(
        internet(&narrow.gained),
        internet(&whole.gained),
        "{what}: addresses"
    );
    assert!(narrow.unchanged_pairs <= whole.unchanged_pairs, "{what}");
    narrow.narrowed_to.is_some()
}

fn open_rule(cidr: &str) -> SgRuleSpec {
    SgRuleSpec {
        protocol: Some(ProtoSpec::Number(-1)),
        cidr: Some(cidr.to_owned()),
        ..SgRuleSpec::default()
    }
}

/// Every security group and network ACL of the built-in examples changed in turn
/// (opened to the world, opened to its own VPC, a rule taken away, an entry that
/// denies): narrowed and whole comparisons agree. In the observability example most
/// groups and subnets are a load balancer's or proxy's own and are answered whole;
/// their targets' are narrowed (a packet to the balancer may meet them from any
/// source). In the cross-VPC one, about half are narrowed.
#[test]
fn narrowed_diffs_of_every_rule_list_of_the_examples_agree_with_whole_ones() {
    let mut narrowed = 0;
    for name in ["cross-vpc", "observability"] {
        let spec = vpcnet_spec::parse(None, example(name)).expect("example parses");
        let before = lower(&spec);
        let mut all = 0;
        for v in 0..spec.vpcs.len() {
            let Some(Lenient::Ok(vpc)) = spec.vpcs.get(v) else {
                continue;
            };
            let cidr = vpc.cidr.clone().unwrap_or_else(|| "10.0.0.0/8".to_owned());
            for g in 0..vpc.security_groups.len() {
                let mut other = spec.clone();
                let Some(Lenient::Ok(vpc)) = other.vpcs.get_mut(v) else {
                    continue;
                };
                let Some(Lenient::Ok(sg)) = vpc.security_groups.get_mut(g) else {
                    continue;
                };
                let what = format!("{name} {} #{g}", sg.name);
                match g % 3 {
                    0 => sg.ingress.push(Lenient::Ok(open_rule("0.0.0.0/0"))),
                    1 if !sg.ingress.is_empty() => {
                        sg.ingress.remove(0);
                    }
                    _ => sg.egress = Some(vec![Lenient::Ok(open_rule(&cidr))]),
                }
                let after = lower(&other);
                for level in [Level::Subnet, Level::SecurityGroup] {
                    narrowed += usize::from(narrowed_agrees(&before, &after, level, &what));
                    all += 1;
                }
                standing_agrees(&before, &after, &what);
            }
            for a in 0..vpc.network_acls.len() {
                let mut other = spec.clone();
                let Some(Lenient::Ok(vpc)) = other.vpcs.get_mut(v) else {
                    continue;
                };
                let Some(Lenient::Ok(acl)) = vpc.network_acls.get_mut(a) else {
                    continue;
                };
                let what = format!("{name} {} #{a}", acl.name);
                let entry = NaclEntrySpec {
                    rule: 1,
                    action: "deny".to_owned(),
                    protocol: ProtoSpec::Name("tcp".to_owned()),
                    ports: Some(PortsSpec::Range(["1024-65535", "443"][a % 2].to_owned())),
                    icmp_type: None,
                    icmp_code: None,
                    cidr: [cidr.as_str(), "0.0.0.0/0"][a % 2].to_owned(),
                };
                acl.ingress
                    .retain(|e| !matches!(e, Lenient::Ok(e) if e.rule == 1));
                acl.ingress.push(Lenient::Ok(entry));
                let after = lower(&other);
                for level in [Level::Subnet, Level::SecurityGroup] {
                    narrowed += usize::from(narrowed_agrees(&before, &after, level, &what));
                    all += 1;
                }
                standing_agrees(&before, &after, &what);
            }
        }
        assert!(all > 10, "{name}: {all} changes");
    }
    assert!(narrowed > 10, "only {narrowed} changes were narrowed");
}
