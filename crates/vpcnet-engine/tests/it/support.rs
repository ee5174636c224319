//! Helpers shared by the engine tests: load a spec, ask a question, render a trace.

use vpcnet_engine::{resolve_destination, resolve_source, trace, Component, Query, Trace};
use vpcnet_model::{Network, NetworkBuilder, Severity};

/// Loads a spec that must load without errors.
pub(crate) fn net(yaml: &str) -> Network {
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("test.yaml"), yaml).expect("spec parses");
    let (net, diags) = b.finish();
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "spec has errors:\n{}", errors.join("\n"));
    net
}

/// Traces `from` -> `to` on `proto`/`port` (names as a user types them).
pub(crate) fn tr(net: &Network, from: &str, to: &str, protocol: u8, port: u16) -> Trace {
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

/// A TCP question from `from` to `port`, its destination left to be filled in (by a
/// name to resolve, a service, or an address).
pub(crate) fn query_from(net: &Network, from: &str, port: u16) -> Query {
    Query {
        from: resolve_source(net, from).expect("source resolves"),
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: 6,
        src_port: 49152,
        dst_port: port,
        icmp_type: 8,
        icmp_code: 0,
    }
}

/// Traces `from` -> the DNS name `name` on TCP `port`.
pub(crate) fn tr_name(net: &Network, from: &str, name: &str, port: u16) -> Trace {
    vpcnet_engine::trace_name(net, &query_from(net, from, port), name)
}

/// The blocking code, or `REACHABLE`.
pub(crate) fn verdict(t: &Trace) -> String {
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

pub(crate) fn comp(net: &Network, c: &Component) -> String {
    match c {
        Component::Resource(idx) => net.meta(*idx).id.clone(),
        Component::Internet => "internet".to_owned(),
        Component::External { id, .. } => id.clone(),
    }
}

/// A compact rendering of every hop, for snapshots.
pub(crate) fn render(net: &Network, t: &Trace) -> String {
    let mut out = format!("{}\n", verdict(t));
    let mut paths = vec![("forward", &t.forward)];
    if let Some(r) = &t.ret {
        paths.push(("return", r));
    }
    for (name, p) in paths {
        out.push_str(&format!("{name}:\n"));
        for h in &p.hops {
            out.push_str(&format!(
                "  {:<9} {:<28} {}\n",
                h.action.as_str(),
                comp(net, &h.component),
                h.detail
            ));
        }
    }
    for x in &t.translations {
        out.push_str(&format!(
            "translation: {:?} {} -> {} by {}{}\n",
            x.kind,
            x.from,
            x.to,
            comp(net, &x.component),
            if x.on_return { " (return)" } else { "" }
        ));
    }
    out
}
