//! `vpcnet trace`: one connection, hop by hop.

use std::process::ExitCode;

use vpcnet_engine::{
    looks_like_dns_name, resolve_destination, resolve_source, service_destination, trace_name_with,
    trace_with, Component, Path, Query, Trace, TraceOptions,
};
use vpcnet_model::{Network, Protocol};

use crate::cli::{Format, TraceArgs, Verdict};
use crate::input;
use crate::wire;
use crate::BadInput;

/// The parts of a question as typed.
pub(crate) struct Question<'a> {
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) protocol: u8,
    pub(crate) port: u16,
    pub(crate) src_port: u16,
    pub(crate) icmp_type: u8,
    pub(crate) icmp_code: u8,
    pub(crate) host: Option<&'a str>,
}

/// Resolves and traces a question.
pub(crate) fn ask(net: &Network, q: &Question<'_>) -> anyhow::Result<Trace> {
    let from = resolve_source(net, q.from).map_err(|e| BadInput(format!("--from: {e}")))?;
    let mut query = Query {
        from,
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: q.protocol,
        src_port: q.src_port,
        dst_port: q.port,
        icmp_type: q.icmp_type,
        icmp_code: q.icmp_code,
    };
    // A resource's id or Name tag wins over DNS (a Name tag may contain dots).
    let to = q.to.trim();
    let named = net.by_id(to).is_some() || !net.by_name(to).is_empty();
    let mut opts = TraceOptions {
        host: q.host.map(str::to_owned),
    };
    if !named {
        if let Some(dest) = service_destination(net, &from, to) {
            query.to_ip = dest.ip;
            query.expect = dest.expect;
            return Ok(trace_with(net, &query, &opts));
        }
    }
    if !named && looks_like_dns_name(to) {
        // The name asked is the host the request carries, unless told otherwise.
        opts.host.get_or_insert_with(|| to.to_owned());
        return Ok(trace_name_with(net, &query, to, &opts));
    }
    let dest = resolve_destination(net, &from, q.to).map_err(|e| BadInput(format!("--to: {e}")))?;
    query.to_ip = dest.ip;
    query.expect = dest.expect;
    Ok(trace_with(net, &query, &opts))
}

pub(crate) fn parse_protocol(text: &str) -> anyhow::Result<u8> {
    match Protocol::parse(text) {
        Some(Protocol::Number(n)) => Ok(n),
        _ => Err(BadInput(format!(
            "--protocol `{text}`: expected `tcp`, `udp`, `icmp` or a protocol number from 0 to 255"
        ))
        .into()),
    }
}

pub(crate) fn run(args: &TraceArgs) -> anyhow::Result<ExitCode> {
    let protocol = parse_protocol(&args.protocol)?;
    let loaded = input::load(&args.inputs.inputs, args.inputs.before)?;
    if !loaded.diagnostics.is_empty() {
        let errors = loaded.errors();
        if errors > 0 {
            eprint!("{}", input::render_diagnostics(&loaded));
            eprintln!("warning: the input has {errors} error(s); the trace covers what loaded");
        }
    }
    let q = Question {
        from: &args.from,
        to: &args.to,
        protocol,
        port: args.port,
        src_port: args.src_port,
        icmp_type: args.icmp_type,
        icmp_code: args.icmp_code,
        host: args.host.as_deref(),
    };
    let t = ask(&loaded.network, &q)?;
    let text = match args.format {
        Format::Json => {
            let w = wire::trace(&loaded.network, &t, &args.from, &args.to);
            serde_json::to_string_pretty(&w)? + "\n"
        }
        Format::Text => render_text(&loaded.network, &t, &args.from, &args.to),
    };
    crate::emit(&text)?;
    let verdict = if t.reachable() {
        Verdict::Reachable
    } else {
        Verdict::Unreachable
    };
    Ok(match args.expect {
        Some(want) if want != verdict => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

fn component_text(net: &Network, c: &Component) -> String {
    let w = wire::component(net, c);
    match (&w.name, c) {
        (_, Component::Internet) => "internet".to_owned(),
        (Some(name), _) if *name != w.component => format!("{} {} ({name})", w.kind, w.component),
        _ => format!("{} {}", w.kind, w.component),
    }
}

fn render_path(net: &Network, title: &str, p: &Path, out: &mut String) {
    // The packet of the connection, not of a DNS question before it.
    let first = p
        .hops
        .iter()
        .find(|h| h.action != vpcnet_engine::Action::Resolve);
    match first {
        Some(first) => out.push_str(&format!("{title}  {}\n", first.packet)),
        None => out.push_str(&format!("{title}\n")),
    }
    for (i, h) in p.hops.iter().enumerate() {
        out.push_str(&format!(
            "  {:>2}. {:<9} {}\n      {}\n",
            i + 1,
            wire::action_word(h.action),
            component_text(net, &h.component),
            h.detail
        ));
    }
}

/// The trace for people: the verdict first, then each hop, the translations, the reason.
pub(crate) fn render_text(net: &Network, t: &Trace, from: &str, to: &str) -> String {
    let q = &t.query;
    let proto = wire::proto_name(q.protocol);
    let port = if matches!(q.protocol, 6 | 17 | 132) {
        format!("/{}", q.dst_port)
    } else {
        String::new()
    };
    let verdict = if t.reachable() {
        "REACHABLE"
    } else {
        "UNREACHABLE"
    };
    let to_ip = if q.to_ip.is_unspecified() {
        "does not resolve".to_owned()
    } else {
        q.to_ip.to_string()
    };
    let mut out = format!(
        "{verdict}: {from} ({}) -> {to} ({to_ip}) {proto}{port}\n\n",
        q.from.ip(),
    );
    render_path(net, "forward", &t.forward, &mut out);
    if let Some(r) = &t.ret {
        out.push('\n');
        render_path(net, "return", r, &mut out);
    }
    if !t.translations.is_empty() {
        out.push_str("\ntranslations\n");
        for x in &t.translations {
            let kind = match x.kind {
                vpcnet_engine::TranslationKind::Source => "source",
                vpcnet_engine::TranslationKind::Destination => "destination",
            };
            let dir = if x.on_return { "return" } else { "forward" };
            out.push_str(&format!(
                "  {dir:<7} {kind:<11} {} -> {}  by {}\n",
                x.from,
                x.to,
                component_text(net, &x.component)
            ));
        }
    }
    for c in &t.caveats {
        out.push_str(&format!("\ncaveat: {c}"));
    }
    if !t.caveats.is_empty() {
        out.push('\n');
    }
    if let Some(b) = t.blocked_by() {
        let dir = if t.forward.blocked.is_some() {
            "forward"
        } else {
            "return"
        };
        out.push_str(&format!(
            "\nblocked on the {dir} path by {}: {}\n  {}\n",
            component_text(net, &b.component),
            b.code,
            b.message
        ));
    }
    out
}
