//! Seed 000's network (shared-services and dev VPCs in two accounts, joined by
//! `pcx-0535aabbb2629e915`) as an AWS CLI snapshot: it loads without errors and
//! answers as the built-in YAML example does.

use expect_test::expect;
use vpcnet_engine::Trace;
use vpcnet_model::{AnyIdx, Network, NetworkBuilder, PeeringStatus, Severity};

use crate::support::{load_dir, tr, verdict};

/// The YAML example's AWS part: a snapshot holds no tailnet, so the example's
/// `tailnet` section (the last) is left out.
fn yaml() -> Network {
    let spec = vpcnet_spec::examples::CROSS_VPC;
    let aws_part = spec
        .split("\ntailnet:")
        .next()
        .expect("split yields a first part");
    assert!(
        aws_part.len() < spec.len(),
        "the example no longer ends with its tailnet"
    );
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("cross-vpc.yaml"), aws_part).expect("the example parses");
    b.finish().0
}

/// The verdict and the kind of every hop, both ways: what must agree between the
/// snapshot and the spec (ids and names differ).
fn shape(t: &Trace) -> String {
    let acts = |p: &vpcnet_engine::Path| {
        p.hops
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let back = t.ret.as_ref().map(acts).unwrap_or_default();
    format!("{} | {} | {}", verdict(t), acts(&t.forward), back)
}

#[test]
fn loads_without_errors_or_warnings() {
    let l = load_dir("seed000");
    assert!(
        l.at_least(Severity::Note).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    assert_eq!(l.report.files, 15);
    let keys: Vec<String> = l
        .report
        .keys
        .iter()
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
    expect!["Addresses=3 InternetGateways=2 NatGateways=2 NetworkAcls=3 NetworkInterfaces=9 Reservations=5 RouteTables=4 SecurityGroupRules=8 SecurityGroups=9 Subnets=6 VpcPeeringConnections=2 Vpcs=2"]
    .assert_eq(&keys.join(" "));
    assert!(l.net.missing().is_empty(), "{:?}", l.net.missing());
}

#[test]
fn one_network_across_two_accounts() {
    let n = load_dir("seed000").net;
    let accounts: Vec<&str> = n.accounts().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(accounts, ["111111111111", "222222222222"]);
    // The peering is in both accounts' output: one peering, active, both VPCs described.
    assert_eq!(n.peerings().len(), 1);
    let p = &n.peerings()[0];
    assert_eq!(p.status, PeeringStatus::Active);
    assert_eq!(p.meta.id, "pcx-0535aabbb2629e915");
    assert_eq!(n.vpc(p.requester).meta.name.as_deref(), Some("dev"));
    assert_eq!(
        n.vpc(p.accepter).meta.name.as_deref(),
        Some("shared-services")
    );
    assert!(n.vpcs().iter().all(|v| v.described));
    // Instances' interfaces are listed twice (Reservations and NetworkInterfaces):
    // one interface each. NAT interfaces belong to their gateways.
    assert_eq!(n.instances().len(), 6);
    assert_eq!(n.interfaces().len(), 9);
    assert!(n.instances().iter().all(|i| i.interfaces.len() == 1));
    assert_eq!(n.nat_gateways().len(), 2);
    for nat in n.nat_gateways() {
        assert_eq!(
            n.nat_of_eni(nat.eni)
                .map(|x| n.nat_gateway(x).meta.id.clone()),
            Some(nat.meta.id.clone())
        );
    }
}

#[test]
fn addresses_groups_and_rules_land_where_aws_puts_them() {
    let n = load_dir("seed000").net;
    // The bastion's Elastic IP comes from `Addresses`, not its interface JSON.
    let Some((eni, private)) = n.eni_by_public_ip("203.0.113.50".parse().expect("ip")) else {
        panic!("the bastion's Elastic IP is mapped");
    };
    assert_eq!(private.to_string(), "10.0.0.50");
    assert_eq!(n.interface(eni).meta.id, "eni-0a1b2c3d4e5f60004");
    // Two CIDRs in one permission are two rules.
    let Some(AnyIdx::SecurityGroup(sonar)) = n.by_id("sg-0a1b2c3d4e5f60002") else {
        panic!("sonarqube-sg loaded");
    };
    assert_eq!(n.security_group(sonar).ingress.len(), 2);
    // Dev has the same rules in SecurityGroups and SecurityGroupRules: not doubled.
    for g in n.security_groups() {
        assert_eq!(g.egress.len(), 1, "{}", g.meta.id);
        assert_eq!(
            g.ingress.len(),
            if g.meta.id == "sg-0a1b2c3d4e5f60002" || g.meta.id == "sg-0a1b2c3d4e5f60003" {
                2
            } else {
                1
            },
            "{}",
            g.meta.id
        );
    }
    // The pod's branch interface keeps its type as owner and its Name tag.
    let Some(AnyIdx::Interface(pod)) = n.by_name("eks-runner").first().copied() else {
        panic!("the pod interface is named by its tag");
    };
    assert_eq!(
        n.interface(pod).owner,
        vpcnet_model::InterfaceOwner::Other("branch".to_owned())
    );
    // Source/dest check as the JSON says; main tables and default ACLs as AWS marks them.
    let ts = n.by_name("tailscale-shared");
    let Some(AnyIdx::Instance(ts)) = ts.first().copied() else {
        panic!("tailscale-shared by name");
    };
    assert!(!n.interface(n.instance(ts).interfaces[0]).source_dest_check);
    for v in n.vpc_ids() {
        assert!(n.vpc(v).main_route_table.is_some());
        assert!(n.vpc(v).default_nacl.is_some());
    }
}

/// "EKS runner pod executes a SonarQube scan": 10.1.34.50 -> 10.0.10.8:9000 over the
/// peering, and back.
#[test]
fn pod_reaches_sonarqube_over_the_peering() {
    let n = load_dir("seed000").net;
    let t = tr(&n, "eks-runner", "sonarqube", 6, 9000);
    assert!(t.reachable(), "{}", verdict(&t));
    assert!(t.caveats.is_empty());
    let hops: Vec<String> = t
        .forward
        .hops
        .iter()
        .chain(t.ret.iter().flat_map(|r| r.hops.iter()))
        .map(|h| {
            let c = match &h.component {
                vpcnet_engine::Component::Resource(i) => n.meta(*i).id.clone(),
                other => format!("{other:?}"),
            };
            format!("{} {c}", h.action.as_str())
        })
        .collect();
    expect![[r#"
        send eni-0d3f7a8b9c0d1e001
        allow sg-0d3f7a8b9c0d10002
        route rtb-0d3f7a8b9c0d10002
        allow acl-0d3f7a8b9c0d10001
        forward pcx-0535aabbb2629e915
        allow acl-0a1b2c3d4e5f60002
        allow sg-0a1b2c3d4e5f60002
        deliver eni-0a1b2c3d4e5f60001
        send eni-0a1b2c3d4e5f60001
        allow sg-0a1b2c3d4e5f60002
        route rtb-0a1b2c3d4e5f60002
        allow acl-0a1b2c3d4e5f60002
        forward pcx-0535aabbb2629e915
        allow acl-0d3f7a8b9c0d10001
        allow sg-0d3f7a8b9c0d10002
        deliver eni-0d3f7a8b9c0d1e001"#]]
    .assert_eq(&hops.join("\n"));
}

/// The same questions, asked of the snapshot and of the YAML example, get the same
/// verdicts along paths of the same shape.
#[test]
fn same_answers_as_the_yaml_example() {
    let aws = load_dir("seed000").net;
    let spec = yaml();
    let questions: &[(&str, &str, u8, u16)] = &[
        ("10.1.34.50", "10.0.10.8", 6, 9000),
        ("10.1.34.50", "10.0.10.20", 6, 8200),
        ("10.1.35.46", "10.0.10.8", 6, 22),
        ("10.1.34.50", "10.2.1.15", 6, 443),
        ("198.51.100.7", "203.0.113.50", 6, 22),
        ("198.51.100.7", "203.0.113.50", 6, 80),
        ("10.0.10.8", "198.51.100.7", 6, 443),
        ("10.1.35.46", "10.1.34.50", 6, 22),
    ];
    let mut got = Vec::new();
    for &(from, to, proto, port) in questions {
        let a = shape(&tr(&aws, from, to, proto, port));
        let s = shape(&tr(&spec, from, to, proto, port));
        assert_eq!(a, s, "{from} -> {to} {proto}/{port}");
        got.push(format!(
            "{from} -> {to}:{port}: {}",
            a.split(" | ").next().unwrap_or("")
        ));
    }
    expect![[r#"
        10.1.34.50 -> 10.0.10.8:9000: REACHABLE
        10.1.34.50 -> 10.0.10.20:8200: REACHABLE
        10.1.35.46 -> 10.0.10.8:22: SUBNET_ACL_RESTRICTION on forward
        10.1.34.50 -> 10.2.1.15:443: PCX_REQUIRES_ADDRESS_IN_VPC_CIDR on forward
        198.51.100.7 -> 203.0.113.50:22: REACHABLE
        198.51.100.7 -> 203.0.113.50:80: ENI_SG_RULES_MISMATCH on forward
        10.0.10.8 -> 198.51.100.7:443: REACHABLE
        10.1.35.46 -> 10.1.34.50:22: ENI_SG_RULES_MISMATCH on forward"#]]
    .assert_eq(&got.join("\n"));
}
