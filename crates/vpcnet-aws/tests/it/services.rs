//! The `services` snapshot, three accounts in two regions in the layout `vpcnet
//! snapshot aws` writes (one file per key, in the AWS CLI's shapes, Batfish's layout
//! for what the CLI prints per route table or target group): a transit gateway shared
//! across accounts and peered across regions, a gateway and an interface endpoint, an
//! endpoint service on a network load balancer, an application load balancer with a
//! host rule, a private zone associated with VPCs of two accounts, and a Resolver rule
//! shared with the other account.

use expect_test::expect;
use vpcnet_engine::{
    resolve_name, resolve_source, service_destination, trace, trace_name_with, Query, Trace,
    TraceOptions,
};
use vpcnet_model::{
    AnyIdx, LbKind, Network, RecordType, Severity, TargetType, TgwAttachmentKind, TgwRouteKind,
    VpcIdx,
};

use crate::support::{load_dir, tr, verdict};

fn vpc(n: &Network, id: &str) -> VpcIdx {
    n.by_id_as(id).unwrap_or_else(|| panic!("VPC `{id}`"))
}

/// The hops of a trace, one per line, for the steps that name what was crossed.
fn hops(n: &Network, t: &Trace) -> String {
    let mut out = String::new();
    let paths = std::iter::once(("forward", &t.forward)).chain(t.ret.iter().map(|r| ("return", r)));
    for (dir, p) in paths {
        for h in &p.hops {
            let c = match &h.component {
                vpcnet_engine::Component::Resource(idx) => n.meta(*idx).id.clone(),
                vpcnet_engine::Component::Internet => "internet".to_owned(),
                vpcnet_engine::Component::External { id, .. } => id.clone(),
            };
            out.push_str(&format!("{dir} {} {c}: {}\n", h.action.as_str(), h.detail));
        }
    }
    out
}

fn query(n: &Network, from: &str, port: u16) -> Query {
    Query {
        from: resolve_source(n, from).expect("source"),
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: 6,
        src_port: 49152,
        dst_port: port,
        icmp_type: 8,
        icmp_code: 0,
    }
}

#[test]
fn loads_with_notes_only() {
    let l = load_dir("services");
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    expect![[r#"
        note NOT_MODELLED aws_configs/accounts/222222222222/us-east-1/Rules.json#/Rules/1/Conditions/0: listener rule with a `source-ip` condition: vpcnet holds host and path conditions only, so the rule is left out
    "#]].assert_eq(&l.findings());
}

#[test]
fn the_model_holds_every_kind() {
    let n = load_dir("services").net;
    assert_eq!(n.transit_gateways().len(), 2);
    assert_eq!(n.tgw_route_tables().len(), 2);
    let kinds: Vec<String> = n
        .tgw_attachments()
        .iter()
        .map(|a| {
            let what = match &a.kind {
                TgwAttachmentKind::Vpc { vpc, subnets, .. } => {
                    format!(
                        "vpc {} via {} subnet(s)",
                        n.vpc(*vpc).meta.id,
                        subnets.len()
                    )
                }
                TgwAttachmentKind::Peering {
                    peer,
                    peer_association,
                    ..
                } => format!(
                    "peering to {} associated there with {}",
                    peer.map_or("?".to_owned(), |p| n.transit_gateway(p).meta.id.clone()),
                    peer_association.map_or("nothing".to_owned(), |r| n
                        .tgw_route_table(r)
                        .meta
                        .id
                        .clone())
                ),
                other => format!("{other:?}"),
            };
            format!(
                "{} on {} ({}): {what}; associated with {}",
                a.meta.id,
                n.transit_gateway(a.tgw).meta.id,
                a.state,
                a.association.map_or("nothing".to_owned(), |r| n
                    .tgw_route_table(r)
                    .meta
                    .id
                    .clone())
            )
        })
        .collect();
    expect![[r#"
        tgw-attach-0a1a000000000a001 on tgw-0b0b000000000b001 (available): vpc vpc-0a1a000000000a001 via 1 subnet(s); associated with tgw-rtb-0b0b000000000b001
        tgw-attach-0b2b000000000b002 on tgw-0b0b000000000b001 (available): vpc vpc-0b2b000000000b001 via 1 subnet(s); associated with tgw-rtb-0b0b000000000b001
        tgw-attach-0c3c000000000c003 on tgw-0b0b000000000b001 (available): peering to tgw-0c0c000000000c001 associated there with tgw-rtb-0c0c000000000c001; associated with tgw-rtb-0b0b000000000b001
        tgw-attach-0c0c000000000c001 on tgw-0c0c000000000c001 (available): vpc vpc-0c3c000000000c001 via 1 subnet(s); associated with tgw-rtb-0c0c000000000c001"#]].assert_eq(&kinds.join("\n"));
    let routes: Vec<String> = n
        .tgw_route_table_ids()
        .flat_map(|rt| {
            let table = n.tgw_route_table(rt).meta.id.clone();
            n.tgw_routes(rt)
                .into_iter()
                .map(move |r| format!("{table}: {} {:?} {:?}", r.destination, r.kind, r.target))
        })
        .collect();
    expect![[r#"
        tgw-rtb-0b0b000000000b001: 10.1.0.0/16 Propagated Attachment(TgwAttachmentIdx(0))
        tgw-rtb-0b0b000000000b001: 10.2.0.0/16 Static Attachment(TgwAttachmentIdx(1))
        tgw-rtb-0b0b000000000b001: 10.3.0.0/16 Static Attachment(TgwAttachmentIdx(2))
        tgw-rtb-0b0b000000000b001: 10.66.0.0/16 Static Blackhole
        tgw-rtb-0c0c000000000c001: 10.1.0.0/16 Static Attachment(TgwAttachmentIdx(2))
        tgw-rtb-0c0c000000000c001: 10.3.0.0/16 Propagated Attachment(TgwAttachmentIdx(3))"#]]
    .assert_eq(&routes.join("\n"));
    assert!(n.tgw_route_tables().iter().all(|t| t
        .routes
        .iter()
        .filter(|r| r.kind == TgwRouteKind::Propagated)
        .count()
        <= 1));

    let eps: Vec<String> = n
        .vpc_endpoints()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {} rt={} pl={:?} enis={}",
                e.meta.id,
                e.kind.as_str(),
                e.service_name,
                e.state,
                e.route_tables.len(),
                e.prefix_list.map(|p| n.prefix_list(p).meta.id.clone()),
                e.enis.len()
            )
        })
        .collect();
    expect![[r#"
        vpce-0a1a0000000005301 Gateway com.amazonaws.us-east-1.s3 available rt=1 pl=Some("pl-63a5400a") enis=0
        vpce-0a1a00000000e7001 Interface com.amazonaws.vpce.us-east-1.vpce-svc-0b2b00000000e7001 available rt=0 pl=None enis=1"#]].assert_eq(&eps.join("\n"));

    let lbs: Vec<String> = n
        .load_balancers()
        .iter()
        .map(|lb| {
            let ls: Vec<String> = lb
                .listeners
                .iter()
                .map(|l| {
                    format!(
                        "{}:{} -> {:?} rules {:?}",
                        l.protocol,
                        l.port,
                        l.default_target_group
                            .map(|g| n.target_group(g).meta.name.clone()),
                        l.rules
                            .iter()
                            .map(|r| (
                                r.priority,
                                r.hosts.clone(),
                                n.target_group(r.target_group).meta.name.clone()
                            ))
                            .collect::<Vec<_>>()
                    )
                })
                .collect();
            format!(
                "{} {:?} internal={} cross_zone={} enis={:?} dns={:?} {}",
                lb.meta.label(),
                lb.kind,
                lb.internal,
                lb.cross_zone,
                lb.enis
                    .iter()
                    .map(|e| n.interface(*e).meta.id.clone())
                    .collect::<Vec<_>>(),
                lb.dns_name,
                ls.join("; ")
            )
        })
        .collect();
    expect![[r#"
        metrics-nlb (arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef) Network internal=true cross_zone=false enis=["eni-0b2b000000000e1b1"] dns=Some("metrics-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com") TCP:443 -> Some(Some("metrics")) rules []
        web-alb (arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/web-alb/fedcba9876543210) Application internal=true cross_zone=true enis=["eni-0b2b000000000a1b1"] dns=Some("internal-web-alb-1234567890.us-east-1.elb.amazonaws.com") HTTP:80 -> None rules [(10, ["api.corp.internal"], Some("api"))]"#]].assert_eq(&lbs.join("\n"));
    assert!(n
        .load_balancers()
        .iter()
        .any(|l| l.kind == LbKind::Application));
    let groups: Vec<String> = n
        .target_groups()
        .iter()
        .map(|g| {
            format!(
                "{} {:?} {}:{} {:?}",
                g.meta.label(),
                g.target_type,
                g.protocol,
                g.port,
                g.targets
                    .iter()
                    .map(|t| (
                        t.ip.to_string(),
                        t.port,
                        t.az.clone(),
                        t.health.clone(),
                        t.eni.is_some()
                    ))
                    .collect::<Vec<_>>()
            )
        })
        .collect();
    expect![[r#"
        metrics (arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/metrics/73e2d6bc24d8a067) Instance TCP:443 [("10.2.1.40", None, None, Some("healthy"), true)]
        web-default (arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/web-default/0a1b2c3d4e5f6a7b) Ip HTTP:80 [("10.2.1.20", None, Some("us-east-1a"), Some("unhealthy"), true)]
        api (arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/api/1b2c3d4e5f6a7b8c) Instance HTTP:8080 [("10.2.1.42", None, None, Some("healthy"), true)]"#]].assert_eq(&groups.join("\n"));
    assert!(n
        .target_groups()
        .iter()
        .any(|g| g.target_type == TargetType::Ip));

    let svcs: Vec<String> = n
        .endpoint_services()
        .iter()
        .map(|s| {
            format!(
                "{} {} lbs={} acceptance={} principals={:?} regions={:?} {}/{}",
                s.meta.id,
                s.service_name,
                s.load_balancers.len(),
                s.acceptance_required,
                s.allowed_principals,
                s.supported_regions,
                s.account,
                s.region
            )
        })
        .collect();
    expect![[r#"vpce-svc-0b2b00000000e7001 com.amazonaws.vpce.us-east-1.vpce-svc-0b2b00000000e7001 lbs=1 acceptance=false principals=["arn:aws:iam::111111111111:root"] regions=["us-east-1"] 222222222222/us-east-1"#]].assert_eq(&svcs.join("\n"));

    let zones: Vec<String> = n
        .hosted_zones()
        .iter()
        .map(|z| {
            format!(
                "{} {} {:?} vpcs={:?} foreign={:?} records={:?}",
                z.meta.id,
                z.zone_name,
                z.kind,
                z.vpcs
                    .iter()
                    .map(|v| n.vpc(*v).meta.id.clone())
                    .collect::<Vec<_>>(),
                z.foreign_vpcs,
                z.records
                    .iter()
                    .map(|r| format!("{} {}", r.name, r.rtype.as_str()))
                    .collect::<Vec<_>>()
            )
        })
        .collect();
    expect![[r#"Z0A1A000000000000001 corp.internal Private vpcs=["vpc-0a1a000000000a001", "vpc-0b2b000000000b001"] foreign=["vpc-0f0f000000000f001 (us-west-2)"] records=["corp.internal NS", "corp.internal SOA", "api.corp.internal A", "db.corp.internal A", "pg.corp.internal CNAME", "*.eu.corp.internal A"]"#]].assert_eq(&zones.join("\n"));
    let rules: Vec<String> = n
        .resolver_rules()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {:?} vpcs={:?}",
                r.meta.label(),
                r.domain,
                r.kind.as_str(),
                r.targets,
                r.vpcs
                    .iter()
                    .map(|v| n.vpc(*v).meta.id.clone())
                    .collect::<Vec<_>>()
            )
        })
        .collect();
    expect![[r#"onprem (rslvr-rr-0a1a0000000000001) onprem.example forward [(192.168.10.53, 53)] vpcs=["vpc-0a1a000000000a001", "vpc-0b2b000000000b001"]"#]].assert_eq(&rules.join("\n"));
}

#[test]
fn traces_cross_the_shared_and_the_peered_transit_gateways() {
    let n = load_dir("services").net;
    let cases = [
        ("app-1", "db-1", 5432),
        ("app-1", "db-1", 22),
        ("app-1", "eu-1", 443),
        ("app-1", "10.66.0.5", 443),
        ("eu-1", "app-1", 443),
    ];
    let got: Vec<String> = cases
        .iter()
        .map(|(a, b, port)| format!("{a} -> {b}:{port}: {}", verdict(&tr(&n, a, b, 6, *port))))
        .collect();
    expect![[r#"
        app-1 -> db-1:5432: REACHABLE
        app-1 -> db-1:22: ENI_SG_RULES_MISMATCH on forward
        app-1 -> eu-1:443: REACHABLE
        app-1 -> 10.66.0.5:443: TGW_ROUTE_BLACKHOLE on forward
        eu-1 -> app-1:443: ENI_SG_RULES_MISMATCH on forward"#]]
    .assert_eq(&got.join("\n"));
    let t = tr(&n, "app-1", "eu-1", 6, 443);
    expect![[r#"
        forward send eni-0a1a000000000a001: from eni-0a1a000000000a001 of instance app-1 (i-0a1a000000000a001)
        forward allow sg-0a1a000000000a001: outbound allowed by rule #1: all to 0.0.0.0/0
        forward route rtb-0a1a000000000a001: 10.0.0.0/8 -> tgw-0b0b000000000b001 (subnet app-a (subnet-0a1a000000000a001))
        forward allow acl-0a1a000000000a001: outbound at subnet app-a (subnet-0a1a000000000a001): rule 100 allow all to 0.0.0.0/0
        forward allow acl-0a1a000000000a001: inbound at subnet app-tgw-a (subnet-0a1a000000000a0f1): rule 100 allow all from 0.0.0.0/0
        forward forward tgw-attach-0a1a000000000a001: into transit gateway hub (tgw-0b0b000000000b001) through subnet app-tgw-a (subnet-0a1a000000000a0f1) (us-east-1a)
        forward route tgw-rtb-0b0b000000000b001: 10.3.0.0/16 -> attachment to-eu (tgw-attach-0c3c000000000c003) (static; came in by app (tgw-attach-0a1a000000000a001))
        forward forward tgw-attach-0c3c000000000c003: to peer transit gateway eu (tgw-0c0c000000000c001)
        forward route tgw-rtb-0c0c000000000c001: 10.3.0.0/16 -> attachment eu (tgw-attach-0c0c000000000c001) (propagated; came in by to-eu (tgw-attach-0c3c000000000c003))
        forward forward tgw-attach-0c0c000000000c001: into VPC eu (vpc-0c3c000000000c001) through subnet eu-tgw-a (subnet-0c3c000000000c0f1), routed by its route table
        forward route rtb-0c3c000000000c001: 10.3.0.0/16 -> local (subnet eu-tgw-a (subnet-0c3c000000000c0f1))
        forward allow acl-0c3c000000000c001: outbound at subnet eu-tgw-a (subnet-0c3c000000000c0f1): rule 100 allow all to 0.0.0.0/0
        forward allow acl-0c3c000000000c001: inbound at subnet eu-a (subnet-0c3c000000000c001): rule 100 allow all from 0.0.0.0/0
        forward allow sg-0c3c000000000c001: inbound allowed by rule #1: tcp port 443 from 10.1.0.0/16
        forward deliver eni-0c3c000000000c001: to eni-0c3c000000000c001 of instance eu-1 (i-0c3c000000000c001) at 10.3.1.30
        return send eni-0c3c000000000c001: reply from eni-0c3c000000000c001 of instance eu-1 (i-0c3c000000000c001)
        return allow sg-0c3c000000000c001: outbound reply of a tracked connection (security groups are stateful)
        return route rtb-0c3c000000000c001: 10.1.0.0/16 -> tgw-0c0c000000000c001 (subnet eu-a (subnet-0c3c000000000c001))
        return allow acl-0c3c000000000c001: outbound at subnet eu-a (subnet-0c3c000000000c001): rule 100 allow all to 0.0.0.0/0
        return allow acl-0c3c000000000c001: inbound at subnet eu-tgw-a (subnet-0c3c000000000c0f1): rule 100 allow all from 0.0.0.0/0
        return forward tgw-attach-0c0c000000000c001: into transit gateway eu (tgw-0c0c000000000c001) through subnet eu-tgw-a (subnet-0c3c000000000c0f1) (eu-west-1a)
        return route tgw-rtb-0c0c000000000c001: 10.1.0.0/16 -> attachment to-eu (tgw-attach-0c3c000000000c003) (static; came in by eu (tgw-attach-0c0c000000000c001))
        return forward tgw-attach-0c3c000000000c003: to peer transit gateway hub (tgw-0b0b000000000b001)
        return route tgw-rtb-0b0b000000000b001: 10.1.0.0/16 -> attachment app (tgw-attach-0a1a000000000a001) (propagated; came in by to-eu (tgw-attach-0c3c000000000c003))
        return forward tgw-attach-0a1a000000000a001: into VPC app (vpc-0a1a000000000a001) through subnet app-tgw-a (subnet-0a1a000000000a0f1), routed by its route table
        return route rtb-0a1a000000000a001: 10.1.0.0/16 -> local (subnet app-tgw-a (subnet-0a1a000000000a0f1))
        return allow acl-0a1a000000000a001: outbound at subnet app-tgw-a (subnet-0a1a000000000a0f1): rule 100 allow all to 0.0.0.0/0
        return allow acl-0a1a000000000a001: inbound at subnet app-a (subnet-0a1a000000000a001): rule 100 allow all from 0.0.0.0/0
        return allow sg-0a1a000000000a001: inbound reply of a tracked connection (security groups are stateful)
        return deliver eni-0a1a000000000a001: to eni-0a1a000000000a001 of instance app-1 (i-0a1a000000000a001) at 10.1.1.10
    "#]].assert_eq(&hops(&n, &t));
}

#[test]
fn through_the_interface_endpoint_and_privatelink_to_the_nlb_target() {
    let n = load_dir("services").net;
    let mut q = query(&n, "app-1", 443);
    let d = service_destination(
        &n,
        &q.from,
        "com.amazonaws.vpce.us-east-1.vpce-svc-0b2b00000000e7001",
    )
    .expect("the VPC has an endpoint for the service");
    // Delivered at the load balancer's target, not at the endpoint.
    q.to_ip = d.ip;
    let t = trace(&n, &q);
    assert_eq!(verdict(&t), "REACHABLE", "{}", hops(&n, &t));
    expect![[r#"
        forward send eni-0a1a000000000a001: from eni-0a1a000000000a001 of instance app-1 (i-0a1a000000000a001)
        forward allow sg-0a1a000000000a001: outbound allowed by rule #1: all to 0.0.0.0/0
        forward route rtb-0a1a000000000a001: 10.1.0.0/16 -> local (subnet app-a (subnet-0a1a000000000a001))
        forward allow sg-0a1a00000000e7001: inbound allowed by rule #1: tcp port 443 from 10.1.0.0/16
        forward forward vpce-0a1a00000000e7001: over PrivateLink to endpoint service metrics (vpce-svc-0b2b00000000e7001) (com.amazonaws.vpce.us-east-1.vpce-svc-0b2b00000000e7001)
        forward translate vpce-svc-0b2b00000000e7001: source 10.1.1.10 -> 10.2.1.100 (PrivateLink: the provider sees the load balancer's address)
        forward translate vpce-svc-0b2b00000000e7001: destination 10.1.1.50 -> 10.2.1.100 (PrivateLink: to the service's load balancer)
        forward allow acl-0b2b000000000b001: inbound at subnet shared-a (subnet-0b2b000000000b001): rule 100 allow all from 0.0.0.0/0
        forward forward arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: listener TCP:443 -> target group metrics (arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/metrics/73e2d6bc24d8a067) -> target eni-0b2b00000000e7001 of instance metrics-1 (i-0b2b00000000e7001) port 443
        forward translate arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: destination 10.2.1.100 -> 10.2.1.40 (load balancer to its target)
        forward route rtb-0b2b000000000b001: 10.2.0.0/16 -> local (subnet shared-a (subnet-0b2b000000000b001))
        forward allow sg-0b2b00000000e7001: inbound allowed by rule #1: tcp port 443 from 10.2.0.0/16
        forward deliver eni-0b2b00000000e7001: to eni-0b2b00000000e7001 of instance metrics-1 (i-0b2b00000000e7001) at 10.2.1.40
        return send eni-0b2b00000000e7001: reply from eni-0b2b00000000e7001 of instance metrics-1 (i-0b2b00000000e7001)
        return allow sg-0b2b00000000e7001: outbound reply of a tracked connection (security groups are stateful)
        return route rtb-0b2b000000000b001: 10.2.0.0/16 -> local (subnet shared-a (subnet-0b2b000000000b001))
        return forward arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: returns the reply of the connection to its client 10.2.1.100
        return translate arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: source 10.2.1.40 -> 10.2.1.100 (reply of a load-balanced connection)
        return forward vpce-0a1a00000000e7001: back over PrivateLink to the consumer's endpoint
        return translate arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: source 10.2.1.100 -> 10.1.1.50 (PrivateLink reply leaves from the endpoint's interface)
        return translate arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/metrics-nlb/0123456789abcdef: destination 10.2.1.100 -> 10.1.1.10 (PrivateLink reply to the consumer)
        return allow sg-0a1a00000000e7001: outbound reply of a tracked connection (security groups are stateful)
        return route rtb-0a1a000000000a001: 10.1.0.0/16 -> local (subnet app-a (subnet-0a1a000000000a001))
        return allow sg-0a1a000000000a001: inbound reply of a tracked connection (security groups are stateful)
        return deliver eni-0a1a000000000a001: to eni-0a1a000000000a001 of instance app-1 (i-0a1a000000000a001) at 10.1.1.10
    "#]].assert_eq(&hops(&n, &t));
    // Port 80 is no listener of the load balancer, and the endpoint's group allows
    // 443 only.
    q.dst_port = 80;
    assert_eq!(verdict(&trace(&n, &q)), "ENI_SG_RULES_MISMATCH on forward");
}

#[test]
fn s3_through_the_gateway_endpoint() {
    let n = load_dir("services").net;
    let mut q = query(&n, "app-1", 443);
    let d = service_destination(&n, &q.from, "s3").expect("the VPC has an endpoint for s3");
    q.to_ip = d.ip;
    q.expect = d.expect;
    let t = trace(&n, &q);
    assert_eq!(verdict(&t), "REACHABLE", "{}", hops(&n, &t));
    let text = hops(&n, &t);
    assert!(text.contains("vpce-0a1a0000000005301"), "{text}");
    assert!(text.contains("pl-63a5400a"), "{text}");
}

#[test]
fn names_resolve_in_the_associated_vpcs_and_lead_to_the_alb_target() {
    let n = load_dir("services").net;
    let app = vpc(&n, "vpc-0a1a000000000a001");
    let eu = vpc(&n, "vpc-0c3c000000000c001");
    let answers = |v: VpcIdx, name: &str| {
        let r = resolve_name(&n, Some(v), name, RecordType::A);
        match r.failure {
            Some(f) => format!("{name}: {} ({})", f.code.as_str(), f.message),
            None => format!(
                "{name}: {}",
                r.answers
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    };
    let got = [
        answers(app, "db.corp.internal"),
        answers(app, "pg.corp.internal"),
        answers(app, "api.corp.internal"),
        answers(app, "x.eu.corp.internal"),
        answers(eu, "db.corp.internal"),
    ];
    expect![[r#"
        db.corp.internal: 10.2.1.20
        pg.corp.internal: 10.2.1.20
        api.corp.internal: 10.2.1.110
        x.eu.corp.internal: 10.3.1.30
        db.corp.internal: DNS_ZONE_NOT_ASSOCIATED (private zone corp.internal (Z0A1A000000000000001) covers `db.corp.internal` but is not associated with VPC eu (vpc-0c3c000000000c001) (it is associated with app (vpc-0a1a000000000a001), shared (vpc-0b2b000000000b001), vpc-0f0f000000000f001 (us-west-2)); the query goes on to public DNS, which the input does not describe)"#]].assert_eq(&got.join("\n"));
    let r = resolve_name(&n, Some(app), "git.onprem.example", RecordType::A);
    assert!(
        r.steps
            .iter()
            .any(|s| s.detail.contains("rslvr-rr-0a1a0000000000001")),
        "{r:#?}"
    );

    // The application load balancer's host rule sends `api.corp.internal` to api-1.
    let opts = TraceOptions {
        host: Some("api.corp.internal".to_owned()),
    };
    let t = trace_name_with(&n, &query(&n, "app-1", 80), "api.corp.internal", &opts);
    assert_eq!(verdict(&t), "REACHABLE", "{}", hops(&n, &t));
    let last = t.forward.hops.last().expect("hops");
    assert!(
        matches!(last.component, vpcnet_engine::Component::Resource(AnyIdx::Interface(e)) if n.interface(e).meta.id == "eni-0b2b0000000000a91"),
        "{}",
        hops(&n, &t)
    );
    // Another host falls to the default action, a fixed response.
    let other = TraceOptions {
        host: Some("www.corp.internal".to_owned()),
    };
    let t = trace_name_with(&n, &query(&n, "app-1", 80), "api.corp.internal", &other);
    expect!["LB_NO_TARGET_GROUP on forward"].assert_eq(&verdict(&t));
}

/// One VPC with one subnet and an instance, for the broken cases below.
const VPC: &str = r#"{
    "Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16"}],
    "Subnets": [{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"}],
    "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}], "Routes": []}],
    "NetworkAcls": [],
    "SecurityGroups": [],
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "VpcId": "vpc-1",
        "PrivateIpAddress": "10.0.1.10", "InterfaceType": "interface", "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0}}],
    "Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": "running"}, "NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.10"}]}]}]
}"#;

#[test]
fn broken_items_are_located_and_the_rest_loads() {
    let tgw = r#"{
        "TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available"}, {"TransitGatewayId": 7}],
        "TransitGatewayRouteTables": [
            {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "State": "available"},
            {"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayId": "tgw-1", "State": "available"},
            {"TransitGatewayRouteTableId": "tgw-rtb-x", "TransitGatewayId": "tgw-nope"}],
        "TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-1",
             "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}},
            {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-shared", "ResourceType": "vpc", "ResourceId": "vpc-1", "State": "available"}],
        "TransitGatewayRouteTableAssociations": [{"TransitGatewayRouteTableId": "tgw-rtb-2", "Associations": [
            {"TransitGatewayAttachmentId": "tgw-attach-1", "State": "associated"}]}],
        "TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [
            {"DestinationCidrBlock": "10.9.0.0/33", "Type": "static", "State": "active"},
            {"DestinationCidrBlock": "10.8.0.0/16", "TransitGatewayAttachments": [], "Type": "static", "State": "active"},
            {"DestinationCidrBlock": "10.7.0.0/16", "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-9"}], "Type": "static", "State": "active"},
            {"DestinationCidrBlock": "10.6.0.0/16", "Type": "static", "State": "blackhole"},
            {"DestinationCidrBlock": 5}]}],
        "TransitGatewayPropagations": {"TransitGatewayRouteTableId": "tgw-rtb-1"}
    }"#;
    let rest = r#"{
        "VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "VpcId": "vpc-1",
            "ServiceName": "com.amazonaws.us-east-1.sts", "State": "available", "NetworkInterfaceIds": ["eni-gone"]},
            {"VpcEndpointId": "vpce-2", "VpcId": "vpc-9", "ServiceName": "com.amazonaws.us-east-1.s3"}],
        "TargetGroups": [{"TargetGroupArn": "arn:tg/1", "TargetGroupName": "tg", "Protocol": "TCP", "Port": 443,
            "VpcId": "vpc-1", "TargetType": "instance"}],
        "LoadBalancerTargetHealth": [
            {"TargetGroupArn": "arn:tg/1", "TargetHealthDescriptions": [
                {"Target": {"Id": "i-1", "Port": 443}, "TargetHealth": {"State": "healthy"}},
                {"Target": {"Id": "i-gone", "Port": 443}},
                {"Target": {"Port": 443}}]},
            {"TargetGroupArn": "arn:tg/unknown", "TargetHealthDescriptions": []}],
        "LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/lb/1",
            "LoadBalancerName": "lb", "Type": "network", "Scheme": "internal", "VpcId": "vpc-1",
            "AvailabilityZones": [{"SubnetId": "subnet-a", "LoadBalancerAddresses": [{"PrivateIPv4Address": "10.0.1.200"}]}]},
            {"LoadBalancerArn": "arn:lb/2", "VpcId": "vpc-1"}],
        "Listeners": [{"ListenerArn": "arn:l/1", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/lb/1",
            "Port": 70000, "Protocol": "TCP"},
            {"ListenerArn": "arn:l/2", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/lb/1",
            "Port": 443, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:tg/1"}, {"Type": 3}]}],
        "Rules": [{"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener-rule/net/lb/1/gone/9",
            "Priority": "5", "Actions": [{"Type": "forward", "TargetGroupArn": "arn:tg/1"}]}],
        "HostedZones": [{"Id": "/hostedzone/Z1", "Name": "corp.internal.", "Config": {"PrivateZone": true},
            "VPCs": [{"VPCRegion": "us-east-1", "VPCId": "vpc-1"}],
            "ResourceRecordSets": [
                {"Name": "db.corp.internal.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.1.10"}]},
                {"Name": "db.other.internal.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.1.11"}]},
                {"Name": "w.corp.internal.", "Type": "A", "SetIdentifier": "a", "Weight": 300, "ResourceRecords": [{"Value": "10.0.1.12"}]},
                {"Type": "A"}]},
            {"Id": "/hostedzone/Z2", "Name": "public.example.", "Config": {"PrivateZone": false}}],
        "ResolverRules": [{"Id": "rslvr-rr-1", "DomainName": "onprem.example.", "RuleType": "FORWARD", "Status": "COMPLETE",
            "TargetIps": [{"Ip": "192.168.1.300", "Port": 53}, {"Ip": "192.168.1.53"}]}],
        "ResolverRuleAssociations": [{"ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1", "Status": "COMPLETE"},
            {"ResolverRuleId": "rslvr-rr-gone", "VPCId": "vpc-1", "Status": "COMPLETE"}]
    }"#;
    let l =
        crate::support::load_inline(&[("vpc.json", VPC), ("tgw.json", tgw), ("rest.json", rest)]);
    expect![[r#"
        error AWS_INVALID tgw.json#/TransitGateways/1/TransitGatewayId: transit gateway skipped: invalid type: integer `7`, expected a string
        error BAD_SHAPE tgw.json#/TransitGatewayPropagations: `TransitGatewayPropagations` should be a list, one item per route table with what `aws ec2 get-transit-gateway-route-table-propagations` prints, as Batfish reads it, but is an object; skipped
        error UNKNOWN_REFERENCE tgw.json#/TransitGatewayRouteTables/2/TransitGatewayId: no transit gateway `tgw-nope` in the snapshot; the route table is skipped
        warning TGW_ATTACHMENT_SUBNETS_MISSING tgw.json#/TransitGatewayAttachments/0: VPC attachment `tgw-attach-1` is only in `TransitGatewayAttachments`, which does not list its subnets (`aws ec2 describe-transit-gateway-vpc-attachments` does); traces through it stop where it needs a subnet
        warning TGW_ASSOCIATION_CONFLICT tgw.json#/TransitGatewayRouteTableAssociations/0/Associations/0: attachment `tgw-attach-1` is said to be associated with route table `tgw-rtb-1` (at tgw.json #/TransitGatewayAttachments/0/Association/TransitGatewayRouteTableId) and with `tgw-rtb-2`; an attachment has one association on a transit gateway, so `tgw-rtb-1` is used
        note UNKNOWN_REFERENCE tgw.json#/TransitGatewayAttachments/1: transit gateway `tgw-shared` of attachment `tgw-attach-2` is not in the snapshot (shared from an account not collected?); the attachment is skipped, and routes to the gateway end traces as not modelled
        error AWS_INVALID tgw.json#/TransitGatewayStaticRoutes/0/Routes/4/DestinationCidrBlock: route skipped: invalid type: integer `5`, expected a string
        error BAD_CIDR tgw.json#/TransitGatewayStaticRoutes/0/Routes/0/DestinationCidrBlock: `10.9.0.0/33` is not an IPv4 CIDR such as `10.0.0.0/16`
        error BAD_ROUTE tgw.json#/TransitGatewayStaticRoutes/0/Routes/1: active route to 10.8.0.0/16 names no attachment (`TransitGatewayAttachments` is empty); skipped
        error UNKNOWN_REFERENCE tgw.json#/TransitGatewayStaticRoutes/0/Routes/2/TransitGatewayAttachments/0/TransitGatewayAttachmentId: no transit gateway attachment `tgw-attach-9` in the snapshot; the route is skipped
        error UNKNOWN_REFERENCE rest.json#/VpcEndpoints/0/NetworkInterfaceIds/0: no network interface `eni-gone` in the snapshot; the endpoint goes without it
        warning ENDPOINT_INTERFACES_MISSING rest.json#/VpcEndpoints/0: interface endpoint `vpce-1` has no interface in the snapshot; nothing reaches it
        error UNKNOWN_REFERENCE rest.json#/VpcEndpoints/1/VpcId: no VPC `vpc-9` in the snapshot; the endpoint is skipped
        error AWS_INVALID rest.json#/LoadBalancerTargetHealth/0/TargetHealthDescriptions/2/Target: target skipped: missing field `Id`
        error UNKNOWN_REFERENCE rest.json#/LoadBalancerTargetHealth/0/TargetHealthDescriptions/1/Target/Id: no instance `i-gone` in the snapshot; the target is left out
        error UNKNOWN_REFERENCE rest.json#/LoadBalancerTargetHealth/1/TargetGroupArn: no target group `arn:tg/unknown` in `TargetGroups`; its targets are skipped
        note LB_INTERFACE_FROM_ADDRESS rest.json#/LoadBalancers/0/AvailabilityZones/0/LoadBalancerAddresses/0: no interface described `ELB net/lb/1` is in `NetworkInterfaces` for subnet `subnet-a`; interface `lb/subnet-a` is made from the load balancer's address 10.0.1.200
        error BAD_PORTS rest.json#/Listeners/0/Port: port `70000` is not within 0-65535; the listener is skipped
        error AWS_INVALID rest.json#/Listeners/1/DefaultActions/1/Type: action skipped: invalid type: integer `3`, expected a string
        error BAD_VALUE rest.json#/LoadBalancers/1/Type: load balancer type (none) is not `network`, `application` or `gateway`; skipped
        error UNKNOWN_REFERENCE rest.json#/Rules/0/RuleArn: no listener `arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/lb/1/gone` in the snapshot; the rule is skipped
        warning DNS_ATTRIBUTES_MISSING rest.json#/HostedZones/0/VPCs/0/VPCId: VPC `vpc-1` has a private zone, but its `EnableDnsHostnames` is not in the snapshot (`aws ec2 describe-vpc-attribute`); AWS's default for a VPC that is not the default one is off, so its private zones are taken not to answer
        error AWS_INVALID rest.json#/HostedZones/0/ResourceRecordSets/3: record set skipped: missing field `Name`
        error BAD_VALUE rest.json#/HostedZones/0/ResourceRecordSets/2/Weight: weight `300` is not within 0-255; the record is skipped
        error RECORD_OUTSIDE_ZONE rest.json#/HostedZones/0/ResourceRecordSets/1: record `db.other.internal` is not in zone `corp.internal`
        warning ZONE_RECORDS_MISSING rest.json#/HostedZones/1: zone `public.example.` has no `ResourceRecordSets` (from `aws route53 list-resource-record-sets`); its names are unknown
        error BAD_ADDRESS rest.json#/ResolverRules/0/TargetIps/0/Ip: `192.168.1.300` is not an IP address
        error UNKNOWN_REFERENCE rest.json#/ResolverRuleAssociations/1/ResolverRuleId: no Resolver rule `rslvr-rr-gone` in the snapshot; its association is skipped
    "#]].assert_eq(&l.findings());
    // What is fine loaded.
    let n = &l.net;
    assert_eq!(n.transit_gateways().len(), 1);
    assert_eq!(n.tgw_attachments().len(), 1);
    assert_eq!(n.tgw_route_tables()[0].routes.len(), 1);
    assert_eq!(n.target_groups()[0].targets.len(), 1);
    assert_eq!(n.load_balancers().len(), 1);
    assert_eq!(n.load_balancers()[0].listeners.len(), 1);
    assert_eq!(n.load_balancers()[0].enis.len(), 1);
    assert_eq!(n.hosted_zones()[0].records.len(), 1);
    assert_eq!(n.resolver_rules()[0].targets.len(), 1);
}
