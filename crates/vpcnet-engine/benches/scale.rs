//! Scale benchmarks on a generated network of 1,000 VPCs (about 6,000 subnets, 50,000
//! interfaces and 200,000 security group rules; see `vpcnet_spec::generate`):
//!
//! - `load_1000_vpcs/{json,yaml}`: spec text to a validated `Network`
//!   (`vpcnet_spec::load_into` + `finish`). Dropping the finished network is left out
//!   of the timing (`iter_with_large_drop`); everything dropped while loading is in.
//! - `trace/1000_vpcs_*`: one `trace` across a hub-spoke peering, reachable and blocked;
//!   endpoints are resolved once, outside the timed loop.
//! - `trace/example_*`: the same kind of trace on the small built-in `cross-vpc`
//!   example, as the baseline a large network is compared with.
//! - `trace_constructs/*`: traces through everything beyond peering, on the built-in
//!   examples: a DNS name, PrivateLink, a network load balancer, a proxy, an
//!   inter-region peering and an application load balancer; peered transit gateways;
//!   the Tailscale mesh with SNAT.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-gen cargo bench -p vpcnet-engine --bench scale
//! ```
//!
//! Results and the machine they ran on are in `BENCHMARKS.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use vpcnet_engine::{
    resolve_destination, resolve_source, trace, trace_name_with, Query, TraceOptions,
};
use vpcnet_model::{Network, NetworkBuilder, Severity};
use vpcnet_spec::generate::{generate, GenerateOptions};
use vpcnet_spec::raw::Spec;
use vpcnet_spec::Lenient;

const VPCS: usize = 1000;
const SEED: u64 = 42;

/// Spec text to a finished network; panics on error findings (never in the timed
/// loop: the text is checked once before measuring).
fn load(text: &str) -> Network {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("scale"), text).expect("generated text parses");
    b.finish().0
}

fn load_checked(text: &str) -> Network {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("scale"), text).expect("generated text parses");
    let (net, diags) = b.finish();
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    net
}

/// The first active hub-spoke peering: (spoke, hub) VPC names.
fn spoke_and_hub(spec: &Spec) -> (String, String) {
    spec.peerings
        .iter()
        .find_map(|p| match p {
            Lenient::Ok(p)
                if p.tags.get("purpose").map(String::as_str) == Some("hub-spoke")
                    && p.status.is_none() =>
            {
                Some((p.requester.clone(), p.accepter.clone()))
            }
            _ => None,
        })
        .expect("an active hub-spoke peering")
}

fn query(net: &Network, from: &str, to: &str, protocol: u8, dst_port: u16) -> Query {
    let from = resolve_source(net, from).expect("source resolves");
    let d = resolve_destination(net, &from, to).expect("destination resolves");
    Query {
        from,
        to_ip: d.ip,
        expect: d.expect,
        protocol,
        src_port: 49152,
        dst_port,
        icmp_type: 0,
        icmp_code: 0,
    }
}

fn load_benches(c: &mut Criterion) {
    let spec = generate(&GenerateOptions {
        vpcs: VPCS,
        seed: SEED,
    });
    let texts = [
        ("json", vpcnet_spec::to_json(&spec)),
        ("yaml", vpcnet_spec::to_yaml(&spec)),
    ];
    drop(spec);
    let mut g = c.benchmark_group("load_1000_vpcs");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(25));
    for (format, text) in &texts {
        let net = load_checked(text);
        eprintln!(
            "{format}: {:.1} MiB of text; {} VPCs, {} subnets, {} interfaces, {} security group rules",
            text.len() as f64 / (1024.0 * 1024.0),
            net.vpcs().len(),
            net.subnets().len(),
            net.interfaces().len(),
            net.security_groups()
                .iter()
                .map(|s| s.ingress.len() + s.egress.len())
                .sum::<usize>()
        );
        drop(net);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*format, |b| {
            b.iter_with_large_drop(|| load(black_box(text)))
        });
    }
    g.finish();
}

fn trace_benches(c: &mut Criterion) {
    let small = load_checked(vpcnet_spec::examples::CROSS_VPC);
    let baseline = query(&small, "eks-runner", "sonarqube", 6, 9000);
    assert!(trace(&small, &baseline).reachable());

    let spec = generate(&GenerateOptions {
        vpcs: VPCS,
        seed: SEED,
    });
    let (spoke, hub) = spoke_and_hub(&spec);
    let mut b = NetworkBuilder::new();
    vpcnet_spec::lower_into(&mut b, None, &spec);
    let big = b.finish().0;
    drop(spec);
    let reachable = query(
        &big,
        &format!("{spoke}-app-a-1"),
        &format!("{hub}-vault"),
        6,
        8200,
    );
    assert!(trace(&big, &reachable).reachable());
    let blocked = query(
        &big,
        &format!("{spoke}-app-a-1"),
        &format!("{hub}-db-a-1"),
        6,
        5432,
    );
    let t = trace(&big, &blocked);
    assert!(t.blocked_by().is_some());
    eprintln!(
        "traces: {spoke}-app-a-1 -> {hub}-vault tcp/8200 ({} + {} hops), {spoke}-app-a-1 -> {hub}-db-a-1 tcp/5432 ({} hops, blocked: {})",
        trace(&big, &reachable).forward.hops.len(),
        trace(&big, &reachable).ret.map_or(0, |r| r.hops.len()),
        t.forward.hops.len(),
        t.blocked_by().map(|b| b.code.as_str()).unwrap_or_default()
    );

    let mut g = c.benchmark_group("trace");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("example_eks_runner_to_sonarqube", |b| {
        b.iter(|| trace(&small, black_box(&baseline)))
    });
    g.bench_function("1000_vpcs_reachable_spoke_to_hub_vault", |b| {
        b.iter(|| trace(&big, black_box(&reachable)))
    });
    g.bench_function("1000_vpcs_blocked_spoke_to_hub_db", |b| {
        b.iter(|| trace(&big, black_box(&blocked)))
    });
    g.finish();
}

fn construct_benches(c: &mut Criterion) {
    let cross = load_checked(vpcnet_spec::examples::CROSS_VPC);
    let obs = load_checked(vpcnet_spec::examples::OBSERVABILITY);
    let named = |net: &Network, from: &str, name: &str, port: u16| {
        let mut q = query(net, from, "10.0.0.1", 6, port);
        q.to_ip = std::net::Ipv4Addr::UNSPECIFIED;
        let opts = TraceOptions {
            host: Some(name.to_owned()),
        };
        let t = trace_name_with(net, &q, name, &opts);
        assert!(t.reachable(), "{from} -> {name}");
        (q, opts)
    };
    let cases = [
        (
            "privatelink_nlb_proxy_peering_alb",
            &obs,
            named(&obs, "agent-1", "metrics.observability.internal", 80),
            "metrics.observability.internal",
        ),
        (
            "privatelink_nlb_proxy_tgw_peering_alb",
            &obs,
            named(&obs, "agent-2", "traces.observability.internal", 80),
            "traces.observability.internal",
        ),
        (
            "tailscale_subnet_routers_snat",
            &cross,
            named(
                &cross,
                "orchestrator-dev",
                "sso.shared.example.internal",
                443,
            ),
            "sso.shared.example.internal",
        ),
    ];
    let mut g = c.benchmark_group("trace_constructs");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (label, net, (q, opts), name) in &cases {
        g.bench_function(*label, |b| {
            b.iter(|| trace_name_with(net, black_box(q), name, opts))
        });
    }
    g.finish();
}

criterion_group!(benches, trace_benches, construct_benches, load_benches);
criterion_main!(benches);
