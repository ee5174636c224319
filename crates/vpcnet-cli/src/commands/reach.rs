//! `vpcnet reach`: every source of a destination, every destination of a source, or
//! all pairs, over all packets at once.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;
use vpcnet_engine::diff::INTERNET;
use vpcnet_engine::reach::space::Span;
use vpcnet_engine::reach::{
    addresses_text, level_places, matrix, reach, select, Flow, Group, Level, Matrix, NamedPlace,
    Reach, ReachOptions, Role, Row, Selector,
};
use vpcnet_model::Network;

use crate::cli::{MatrixLevel, ReachArgs, ReachFormat};
use crate::commands::trace::parse_protocol;
use crate::input;
use crate::internet::{internet_text, Public};
use crate::wire::{self, FlowShape, WireFlow};
use crate::BadInput;

/// `443` or `8000-8100`.
pub(crate) fn parse_ports(text: &str) -> Result<Span, BadInput> {
    let bad = || {
        BadInput(format!(
            "--port `{text}`: expected a port (`443`) or a range (`8000-8100`) within 0-65535"
        ))
    };
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse::<u16>(), b.trim().parse::<u16>()),
        None => (text.trim().parse::<u16>(), text.trim().parse::<u16>()),
    };
    let (lo, hi) = (lo.map_err(|_| bad())?, hi.map_err(|_| bad())?);
    if lo > hi {
        return Err(bad());
    }
    Ok(Span {
        lo: u32::from(lo),
        hi: u32::from(hi),
    })
}

#[derive(Serialize)]
struct WireGroup {
    label: String,
    resources: Vec<String>,
    addresses: Vec<String>,
}

#[derive(Serialize)]
struct WireDenial {
    code: String,
    component: String,
}

#[derive(Serialize)]
struct WireRow {
    source: WireGroup,
    destination: WireGroup,
    reachable: bool,
    flows: Vec<WireFlow>,
    blocked_by: Vec<WireDenial>,
}

#[derive(Serialize)]
struct WireReach {
    question: String,
    rows: Vec<WireRow>,
    traces: usize,
    inexact: Vec<String>,
}

fn span_text(s: &Span) -> String {
    if s.lo == s.hi {
        Span::first_addr(s).to_string()
    } else {
        format!("{}-{}", s.first_addr(), std::net::Ipv4Addr::from(s.hi))
    }
}

fn wire_group(net: &Network, g: &vpcnet_engine::reach::Group) -> WireGroup {
    WireGroup {
        label: g.label.clone(),
        resources: g
            .resources
            .iter()
            .map(|r| net.meta(*r).id.clone())
            .collect(),
        addresses: g.addresses.iter().map(span_text).collect(),
    }
}

fn wire_row(net: &Network, r: &Row) -> WireRow {
    WireRow {
        source: wire_group(net, &r.source),
        destination: wire_group(net, &r.destination),
        reachable: !r.flows.is_empty(),
        flows: r
            .flows
            .iter()
            .map(|f| wire::flow(f, FlowShape::Reach))
            .collect(),
        blocked_by: r
            .denials
            .iter()
            .map(|d| WireDenial {
                code: d.code.to_string(),
                component: wire::component_label(net, &d.component),
            })
            .collect(),
    }
}

fn place_labels(places: &[NamedPlace]) -> String {
    let labels: Vec<&str> = places.iter().map(|p| p.label.as_str()).collect();
    labels.join(", ")
}

/// A group for people: its label and addresses, or the internet as `internet`,
/// `internet 198.51.100.0/24` or `internet except 198.51.100.0/24`.
fn group_text(g: &Group, own: &Public) -> String {
    if g.label == INTERNET && g.resources.is_empty() {
        return internet_text(&g.addresses, own);
    }
    format!("{}  {}", g.label, addresses_text(&g.addresses))
}

fn text_report(net: &Network, question: &str, r: &Reach, all: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{question}");
    let reachable: Vec<&Row> = r.reachable().collect();
    if reachable.is_empty() {
        out.push_str("\n  nothing gets through\n");
    }
    let own = Public::of(&[net]);
    for row in &reachable {
        let _ = writeln!(
            out,
            "\n  {}\n  -> {}",
            group_text(&row.source, &own),
            group_text(&row.destination, &own)
        );
        for f in &row.flows {
            let _ = writeln!(out, "       {}", f.describe());
        }
    }
    let blocked: Vec<&Row> = r.rows.iter().filter(|x| x.flows.is_empty()).collect();
    if !blocked.is_empty() {
        if all {
            out.push_str("\nnothing gets through from:\n");
            for row in &blocked {
                let why: Vec<String> = row
                    .denials
                    .iter()
                    .map(|d| format!("{} at {}", d.code, wire::component_label(net, &d.component)))
                    .collect();
                let source = group_text(&row.source, &own);
                let _ = writeln!(
                    out,
                    "  {source} -> {}: {}",
                    row.destination.label,
                    why.join("; ")
                );
            }
        } else {
            let _ = writeln!(
                out,
                "\n{} more group pair(s) get nothing through (--all lists them with what stops them)",
                blocked.len()
            );
        }
    }
    for why in &r.inexact {
        let _ = writeln!(out, "note: the answer may not be exact: {why}");
    }
    let _ = writeln!(out, "({} packets traced)", r.traces);
    out
}

fn matrix_text(m: &Matrix) -> String {
    let mut out = String::new();
    for c in &m.cells {
        let flows: Vec<String> = c.flows.iter().map(Flow::describe).collect();
        let _ = writeln!(
            out,
            "{} -> {}: {}",
            m.labels[c.from],
            m.labels[c.to],
            flows.join("; ")
        );
    }
    for why in &m.inexact {
        let _ = writeln!(out, "note: the answer may not be exact: {why}");
    }
    let _ = writeln!(
        out,
        "{} of {} pairs get something through ({} packets traced)",
        m.cells.len(),
        m.labels.len() * m.labels.len(),
        m.traces
    );
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn matrix_csv(m: &Matrix) -> String {
    let mut out = String::from("from,to,flows\n");
    for c in &m.cells {
        let flows: Vec<String> = c.flows.iter().map(Flow::describe).collect();
        let _ = writeln!(
            out,
            "{},{},{}",
            csv_field(&m.labels[c.from]),
            csv_field(&m.labels[c.to]),
            csv_field(&flows.join("; "))
        );
    }
    out
}

#[derive(Serialize)]
struct WireCell {
    from: String,
    to: String,
    flows: Vec<WireFlow>,
}

#[derive(Serialize)]
struct WireMatrix {
    level: &'static str,
    groups: Vec<String>,
    cells: Vec<WireCell>,
    traces: usize,
    inexact: Vec<String>,
}

fn selected(
    net: &Network,
    text: &str,
    role: Role,
    flag: &str,
) -> Result<Vec<NamedPlace>, BadInput> {
    let places =
        select(net, &Selector::parse(text), role).map_err(|e| BadInput(format!("{flag}: {e}")))?;
    Ok(places)
}

pub(crate) fn run(args: &ReachArgs) -> anyhow::Result<ExitCode> {
    let opts = ReachOptions {
        protocols: args
            .protocol
            .as_deref()
            .map(parse_protocol)
            .transpose()?
            .map(|p| vec![p]),
        dst_ports: args.port.as_deref().map(parse_ports).transpose()?,
        host: args.host.clone(),
    };
    if args.format == ReachFormat::Csv && args.matrix.is_none() {
        return Err(BadInput("--format csv goes with --matrix".to_owned()).into());
    }
    let loaded = input::load(&args.inputs.inputs, args.inputs.before)?;
    if loaded.errors() > 0 {
        eprint!("{}", input::render_diagnostics(&loaded));
        return Err(BadInput("the inputs have errors; fix them first".to_owned()).into());
    }
    let net = &loaded.network;
    if let Some(level) = args.matrix {
        let (level, name) = match level {
            MatrixLevel::Subnet => (Level::Subnet, "subnet"),
            MatrixLevel::Sg => (Level::SecurityGroup, "security-group"),
        };
        let m = matrix(net, level, &opts);
        let text = match args.format {
            ReachFormat::Text => matrix_text(&m),
            ReachFormat::Csv => matrix_csv(&m),
            ReachFormat::Json => {
                let groups = level_places(net, level, Role::Source)
                    .into_iter()
                    .map(|p| p.label)
                    .collect();
                let w = WireMatrix {
                    level: name,
                    groups,
                    cells: m
                        .cells
                        .iter()
                        .map(|c| WireCell {
                            from: m.labels[c.from].clone(),
                            to: m.labels[c.to].clone(),
                            flows: c
                                .flows
                                .iter()
                                .map(|f| wire::flow(f, FlowShape::Reach))
                                .collect(),
                        })
                        .collect(),
                    traces: m.traces,
                    inexact: m.inexact.clone(),
                };
                serde_json::to_string_pretty(&w)? + "\n"
            }
        };
        crate::emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (sources, destinations, question) = match (&args.to, &args.from) {
        (Some(to), None) => {
            let d = selected(net, to, Role::Destination, "--to")?;
            let s = selected(net, "*", Role::Source, "--from")?;
            let q = format!("What reaches {}?", place_labels(&d));
            (s, d, q)
        }
        (None, Some(from)) => {
            let s = selected(net, from, Role::Source, "--from")?;
            let d = selected(net, "*", Role::Destination, "--to")?;
            let q = format!("What does {} reach?", place_labels(&s));
            (s, d, q)
        }
        (Some(to), Some(from)) => {
            let s = selected(net, from, Role::Source, "--from")?;
            let d = selected(net, to, Role::Destination, "--to")?;
            let q = format!(
                "What gets from {} to {}?",
                place_labels(&s),
                place_labels(&d)
            );
            (s, d, q)
        }
        (None, None) => {
            return Err(BadInput("give --to, --from (or both), or --matrix".to_owned()).into())
        }
    };
    let r = reach(net, &sources, &destinations, &opts);
    let text = match args.format {
        ReachFormat::Text => text_report(net, &question, &r, args.all),
        ReachFormat::Json => {
            let rows = r
                .rows
                .iter()
                .filter(|x| args.all || !x.flows.is_empty())
                .map(|x| wire_row(net, x))
                .collect();
            let w = WireReach {
                question,
                rows,
                traces: r.traces,
                inexact: r.inexact.clone(),
            };
            serde_json::to_string_pretty(&w)? + "\n"
        }
        ReachFormat::Csv => unreachable!("refused above"),
    };
    crate::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
