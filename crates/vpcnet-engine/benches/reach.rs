//! Symbolic reachability on generated networks (`vpcnet_spec::generate`, seed 1):
//!
//! - `reach/1000_vpcs_one_interface`: every source to the hub's bastion (it has a
//!   public address), every protocol and port (`reach::reach` with `Selector::All`).
//! - `reach/1000_vpcs_spoke_interface`: every source to a spoke's app instance without
//!   a public address.
//! - `reach/1000_vpcs_after_sg_change`: the bastion question on a network where one
//!   rule of its security group changed (the engine keeps no state between questions:
//!   this is a full re-run).
//! - `reach/trace_one_packet`: one concrete trace from a source interface to the
//!   bastion, the unit of the brute-force baseline; the whole question's brute force is
//!   extrapolated from it, and a slice of it (every source address times TCP ports
//!   0-63) is run for real beside the engine answering the same slice.
//! - `matrix/{200,1000}_vpcs_subnet`: the all-pairs table at subnet level, timed once
//!   each (`SKIP_MATRIX=1` leaves them out).
//! - `reverify/1000_vpcs_{bastion,spoke_db}_rule`: a kept question (every source to
//!   the bastion; to a spoke's database instance) brought up to date after one
//!   ingress rule of the destination's group changed (`Standing::update`).
//! - `reverify/1000_vpcs_spoke_app_rule`: every source to a spoke's app instance,
//!   after the first ingress rule of its `app` group (whose members are targets of the
//!   spoke's load balancer) changed.
//! - `diff/1000_vpcs_{spoke_db,bastion,spoke_app}_rule`: `diff` at subnet level, the
//!   internet included, of the network and the same with one rule changed.
//! - `build/1000_vpcs`: lowering the generated spec to a `Network`.
//!
//! ```text
//! nice -n -5 cargo bench -p vpcnet-engine --bench reach
//! ```
//!
//! Results and the machine they ran on are in `BENCHMARKS.md`.

use std::hint::black_box;

/// The allocator the `vpcnet` binary uses: the engine measured as the CLI runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use vpcnet_engine::diff::diff;
use vpcnet_engine::reach::space::Span;
use vpcnet_engine::reach::{
    matrix, reach, select, Level, Place, ReachOptions, Role, RuleDelta, Selector, Standing, Transit,
};
use vpcnet_engine::{trace, Endpoint, Query};
use vpcnet_model::{Network, NetworkBuilder};
use vpcnet_spec::generate::{generate, GenerateOptions};
use vpcnet_spec::raw::{PortsSpec, Spec};
use vpcnet_spec::Lenient;

fn build(spec: &Spec) -> Network {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::lower_into(&mut b, Some("bench"), spec);
    b.finish().0
}

/// The first instance with a security group of the `nth` VPC (`private`: and without
/// a public address): (interface id, its security group's name).
fn destination(spec: &Spec, net: &Network, nth: usize, private: bool) -> (String, String) {
    let vpc = spec
        .vpcs
        .iter()
        .filter_map(|v| match v {
            Lenient::Ok(v) => Some(v),
            Lenient::Err(_) => None,
        })
        .nth(nth)
        .expect("a VPC");
    let inst = vpc
        .instances
        .iter()
        .find_map(|i| match i {
            Lenient::Ok(i)
                if i.security_groups.as_ref().is_some_and(|g| !g.is_empty())
                    && !(private && i.public_ip.is_some()) =>
            {
                Some(i)
            }
            _ => None,
        })
        .expect("an instance with a security group");
    let eni = net
        .eni_ids()
        .find(|e| {
            net.interface(*e)
                .private_ips
                .iter()
                .any(|p| p.addr.to_string() == inst.private_ip)
                && net.vpc(net.vpc_of_eni(*e)).meta.label().contains(&vpc.name)
        })
        .expect("the instance's interface");
    let sg = inst.security_groups.as_ref().expect("checked")[0].clone();
    (net.interface(eni).meta.id.clone(), sg)
}

/// The spec with the first ingress rule with ports of `sg` (in the first VPC) on
/// another port.
fn one_rule_changed(spec: &Spec, sg: &str) -> Spec {
    rule_changed_in(spec, 0, sg)
}

/// The spec with the first ingress rule with ports of `sg` in the `nth` VPC on
/// another port.
fn rule_changed_in(spec: &Spec, nth: usize, sg: &str) -> Spec {
    let mut s = spec.clone();
    if let Some(Lenient::Ok(v)) = s.vpcs.get_mut(nth) {
        for g in v.security_groups.iter_mut() {
            if let Lenient::Ok(g) = g {
                if g.name == sg {
                    // The first rule with ports (moving the ports of an
                    // all-protocols rule changes nothing).
                    let first = g.ingress.iter_mut().find_map(|r| match r {
                        Lenient::Ok(r) if r.ports.is_some() => Some(r),
                        _ => None,
                    });
                    if let Some(r) = first {
                        r.ports = Some(PortsSpec::Single(8443));
                    }
                }
            }
        }
    }
    s
}

fn reach_benches(c: &mut Criterion) {
    let spec = generate(&GenerateOptions {
        vpcs: 1000,
        seed: 1,
    });
    let net = build(&spec);
    let rules: usize = net
        .security_groups()
        .iter()
        .map(|g| g.ingress.len() + g.egress.len())
        .sum();
    eprintln!(
        "1000 VPCs: {} interfaces, {} subnets, {} security groups, {rules} security group rules",
        net.interfaces().len(),
        net.subnets().len(),
        net.security_groups().len()
    );
    let (id, sg) = destination(&spec, &net, 0, false);
    // A spoke's instance without a public address: what most questions ask about.
    let (spoke_id, _) = destination(&spec, &net, 1, true);
    let to_spoke = select(
        &net,
        &Selector::Resource(spoke_id.clone()),
        Role::Destination,
    )
    .expect("selects");
    let r = reach(
        &net,
        &select(&net, &Selector::All, Role::Source).expect("selects"),
        &to_spoke,
        &ReachOptions::default(),
    );
    eprintln!(
        "reach to {spoke_id}: {} rows, {} traces",
        r.rows.len(),
        r.traces
    );
    let to = select(&net, &Selector::Resource(id.clone()), Role::Destination).expect("selects");
    let from = select(&net, &Selector::All, Role::Source).expect("selects");
    let opts = ReachOptions::default();
    let r = reach(&net, &from, &to, &opts);
    eprintln!("reach to {id}: {} rows, {} traces", r.rows.len(), r.traces);

    let changed = build(&one_rule_changed(&spec, &sg));
    let to2 =
        select(&changed, &Selector::Resource(id.clone()), Role::Destination).expect("selects");
    let from2 = select(&changed, &Selector::All, Role::Source).expect("selects");

    // The brute-force unit: one trace from a source interface to the destination.
    let Place::Interfaces(dst) = &to[0].place else {
        panic!("an interface destination")
    };
    let (deni, dip) = dst[0];
    let srcs: Vec<_> = from
        .iter()
        .flat_map(|p| match &p.place {
            Place::Interfaces(m) => m.clone(),
            _ => Vec::new(),
        })
        .collect();
    let sample: Vec<Query> = srcs
        .iter()
        .step_by((srcs.len() / 500).max(1))
        .enumerate()
        .map(|(i, &(eni, ip))| Query {
            from: Endpoint::Interface { eni, ip },
            to_ip: dip,
            expect: Some(deni),
            protocol: 6,
            src_port: 49152,
            dst_port: (1 + i * 131 % 65535) as u16,
            icmp_type: 0,
            icmp_code: 0,
        })
        .collect();

    let mut g = c.benchmark_group("reach");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("1000_vpcs_one_interface", |b| {
        b.iter(|| black_box(reach(&net, &from, &to, &opts)))
    });
    g.bench_function("1000_vpcs_spoke_interface", |b| {
        b.iter(|| black_box(reach(&net, &from, &to_spoke, &opts)))
    });
    g.bench_function("1000_vpcs_after_sg_change", |b| {
        b.iter(|| black_box(reach(&changed, &from2, &to2, &opts)))
    });
    let mut i = 0;
    g.bench_function("trace_one_packet", |b| {
        b.iter(|| {
            i = (i + 1) % sample.len();
            black_box(trace(&net, &sample[i]))
        })
    });
    g.finish();

    let t = Instant::now();
    for q in &sample {
        black_box(trace(&net, q));
    }
    let per = t.elapsed().as_secs_f64() / sample.len() as f64;
    let brute = per * srcs.len() as f64 * 65535.0;
    eprintln!(
        "brute force: {} source addresses x 65535 TCP ports at {:.1} us a trace = {:.0} s",
        srcs.len(),
        per * 1e6,
        brute
    );

    // The brute force run for real on a slice of the question: every source address
    // times TCP destination ports 0-63 (one source port, so fewer packets than the
    // slice holds), against the engine answering the same slice, in the same run.
    let slice = ReachOptions {
        protocols: Some(vec![6]),
        dst_ports: Some(Span { lo: 0, hi: 63 }),
        host: None,
    };
    let t = Instant::now();
    let r = black_box(reach(&net, &from, &to, &slice));
    let engine = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut reachable = 0usize;
    for &(eni, ip) in &srcs {
        for port in 0..64u16 {
            let q = Query {
                from: Endpoint::Interface { eni, ip },
                to_ip: dip,
                expect: Some(deni),
                protocol: 6,
                src_port: 49152,
                dst_port: port,
                icmp_type: 0,
                icmp_code: 0,
            };
            reachable += usize::from(trace(&net, &q).reachable());
        }
    }
    let brute = t.elapsed().as_secs_f64();
    eprintln!(
        "slice tcp/0-63: engine {:.1} ms ({} traces, {} rows), brute force {:.2} s ({} packets, {reachable} reachable): {:.0}x",
        engine * 1e3,
        r.traces,
        r.rows.len(),
        brute,
        srcs.len() * 64,
        brute / engine
    );

    // Re-checking a kept question after one rule changed: each iteration brings it
    // from one network to the other, alternately.
    let db_vpc = match &spec.vpcs[5] {
        Lenient::Ok(v) => v.name.clone(),
        Lenient::Err(_) => panic!("VPC 5 loads"),
    };
    let db_id = format!("eni-{db_vpc}-db-a-1");
    let to_db = select(&net, &Selector::Resource(db_id.clone()), Role::Destination)
        .expect("a spoke's database interface");
    let db_changed = build(&rule_changed_in(&spec, 5, "db"));
    let t = Instant::now();
    let bastion_changes = net.rule_changes(&changed).expect("only rules changed");
    eprintln!(
        "rule_changes on two 1000-VPC networks: {:.1} ms, {:?}",
        t.elapsed().as_secs_f64() * 1e3,
        bastion_changes
    );
    let db_changes = net.rule_changes(&db_changed).expect("only rules changed");
    // The spoke's app instance is a target of its load balancer: a packet to the
    // balancer may meet its group from any source.
    let app_changed = build(&rule_changed_in(&spec, 1, "app"));
    let app_changes = net.rule_changes(&app_changed).expect("only rules changed");
    let mut g = c.benchmark_group("reverify");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let transit = Transit::of(&net);
    for (name, dst, other, changes) in [
        ("1000_vpcs_bastion_rule", &to, &changed, &bastion_changes),
        ("1000_vpcs_spoke_db_rule", &to_db, &db_changed, &db_changes),
        (
            "1000_vpcs_spoke_app_rule",
            &to_spoke,
            &app_changed,
            &app_changes,
        ),
    ] {
        let mut kept = Standing::new(&net, &from, dst, &opts);
        let there = RuleDelta::new(&net, other, changes, &transit).expect("narrowed");
        let back = RuleDelta::new(other, &net, changes, &transit).expect("narrowed");
        let t = Instant::now();
        let _ = black_box(RuleDelta::new(&net, other, changes, &transit));
        let delta_time = t.elapsed();
        let solved = kept.update(&net, other, &there);
        kept.update(other, &net, &back);
        eprintln!(
            "reverify/{name}: {solved} pairs solved again; RuleDelta::new {:.2} ms",
            delta_time.as_secs_f64() * 1e3
        );
        let mut forward = true;
        g.bench_function(name, |b| {
            b.iter(|| {
                let (x, y, d) = if forward {
                    (&net, other, &there)
                } else {
                    (other, &net, &back)
                };
                forward = !forward;
                black_box(kept.update(x, y, d))
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("diff");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("1000_vpcs_spoke_db_rule", |b| {
        b.iter(|| black_box(diff(&net, &db_changed, Level::Subnet, &opts)))
    });
    g.bench_function("1000_vpcs_bastion_rule", |b| {
        b.iter(|| black_box(diff(&net, &changed, Level::Subnet, &opts)))
    });
    g.bench_function("1000_vpcs_spoke_app_rule", |b| {
        b.iter(|| black_box(diff(&net, &app_changed, Level::Subnet, &opts)))
    });
    g.finish();

    let mut g = c.benchmark_group("build");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("1000_vpcs", |b| b.iter_with_large_drop(|| build(&spec)));
    g.finish();
}

/// The all-pairs tables, timed once each: a run is too long for repeated sampling.
fn matrix_benches(_c: &mut Criterion) {
    if std::env::var_os("SKIP_MATRIX").is_some() {
        return;
    }
    for vpcs in [200, 1000] {
        let net = build(&generate(&GenerateOptions { vpcs, seed: 1 }));
        let t = Instant::now();
        let m = matrix(&net, Level::Subnet, &ReachOptions::default());
        eprintln!(
            "matrix/{vpcs}_vpcs_subnet: {:.2} s, {} subnets, {} non-empty cells, {} traces",
            t.elapsed().as_secs_f64(),
            net.subnets().len(),
            m.cells.len(),
            m.traces
        );
    }
}

criterion_group!(benches, reach_benches, matrix_benches);
criterion_main!(benches);
