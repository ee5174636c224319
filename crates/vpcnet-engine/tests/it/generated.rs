//! Traces across generated networks: what the generator makes reachable by
//! construction is reachable, and what it blocks is blocked where it should be.

use vpcnet_engine::{resolve_destination, resolve_source, trace, Code, Component, Query, Trace};
use vpcnet_model::{AnyIdx, Network, NetworkBuilder, Severity};
use vpcnet_spec::generate::{generate, GenerateOptions};
use vpcnet_spec::raw::Spec;
use vpcnet_spec::Lenient;

/// A generated network, lowered; fails on any error diagnostic.
fn network(vpcs: usize, seed: u64) -> (Spec, Network) {
    let spec = generate(&GenerateOptions { vpcs, seed });
    let mut b = NetworkBuilder::new();
    vpcnet_spec::lower_into(&mut b, Some("generated.yaml"), &spec);
    let (net, diags) = b.finish();
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    (spec, net)
}

/// The first hub-spoke peering in the given state: (spoke, hub) VPC names.
fn hub_and_spoke(spec: &Spec, active: bool) -> (String, String) {
    spec.peerings
        .iter()
        .find_map(|p| match p {
            Lenient::Ok(p)
                if p.tags.get("purpose").map(String::as_str) == Some("hub-spoke")
                    && p.status.is_none() == active =>
            {
                Some((p.requester.clone(), p.accepter.clone()))
            }
            _ => None,
        })
        .expect("the generator makes both active and pending hub-spoke peerings")
}

fn run(net: &Network, from: &str, to: &str, protocol: u8, dst_port: u16) -> Trace {
    let src = resolve_source(net, from).expect("source resolves");
    let d = resolve_destination(net, &src, to).expect("destination resolves");
    trace(
        net,
        &Query {
            from: src,
            to_ip: d.ip,
            expect: d.expect,
            protocol,
            src_port: 49152,
            dst_port,
            icmp_type: 0,
            icmp_code: 0,
        },
    )
}

fn crosses_a_peering(net: &Network, t: &Trace) -> bool {
    t.forward.hops.iter().any(|h| {
        matches!(h.component, Component::Resource(AnyIdx::Peering(p))
            if net.peering(p).status == vpcnet_model::PeeringStatus::Active)
    })
}

#[test]
fn a_spoke_reaches_its_hubs_shared_services() {
    let (spec, net) = network(60, 1);
    let (spoke, hub) = hub_and_spoke(&spec, true);
    for (service, protocol, port) in [("vault", 6, 8200), ("sonarqube", 6, 9000), ("dns", 17, 53)] {
        let t = run(
            &net,
            &format!("{spoke}-app-a-1"),
            &format!("{hub}-{service}"),
            protocol,
            port,
        );
        assert!(
            t.reachable(),
            "{spoke} -> {hub}-{service}: {:?}",
            t.blocked_by()
        );
        assert!(crosses_a_peering(&net, &t));
    }
}

#[test]
fn the_hub_db_tier_acl_blocks_spokes() {
    let (spec, net) = network(60, 1);
    let (spoke, hub) = hub_and_spoke(&spec, true);
    let t = run(
        &net,
        &format!("{spoke}-app-a-1"),
        &format!("{hub}-db-a-1"),
        6,
        5432,
    );
    let b = t.blocked_by().expect("blocked");
    assert_eq!(b.code, Code::SubnetAclRestriction, "{}", b.message);
    let Component::Resource(AnyIdx::NetworkAcl(acl)) = b.component else {
        panic!("blocked by {:?}", b.component);
    };
    assert_eq!(
        net.network_acl(acl).meta.name.as_deref(),
        Some(format!("{hub}-db-acl").as_str())
    );
}

#[test]
fn a_pending_peering_carries_nothing() {
    let (spec, net) = network(60, 1);
    let (spoke, hub) = hub_and_spoke(&spec, false);
    let t = run(
        &net,
        &format!("{spoke}-app-a-1"),
        &format!("{hub}-vault"),
        6,
        8200,
    );
    let b = t.blocked_by().expect("blocked");
    assert_eq!(b.code, Code::BadState, "{}", b.message);
}

#[test]
fn the_hub_scrapes_its_spokes_through_security_group_references() {
    let (spec, net) = network(60, 1);
    let (spoke, hub) = hub_and_spoke(&spec, true);
    // The spoke's app group admits the hub's `monitoring` group by reference.
    let t = run(
        &net,
        &format!("{hub}-prometheus"),
        &format!("{spoke}-app-b-1"),
        6,
        9100,
    );
    assert!(t.reachable(), "{:?}", t.blocked_by());
    let hub_vpc = net
        .vpc_ids()
        .find(|v| net.vpc(*v).meta.name.as_deref() == Some(hub.as_str()))
        .expect("hub VPC");
    let monitoring = net
        .security_groups()
        .iter()
        .find(|g| g.vpc == hub_vpc && g.group_name == "monitoring")
        .expect("hub monitoring group");
    let by_reference = format!("from security group {}", monitoring.meta.label());
    assert!(
        t.forward
            .hops
            .iter()
            .any(|h| h.detail.contains(&by_reference)),
        "no hop allowed `{by_reference}`"
    );
}
