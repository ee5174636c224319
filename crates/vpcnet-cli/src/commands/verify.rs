//! `vpcnet verify`: intents checked over every packet, with a counterexample packet
//! and its trace for each violation. Exit 0 when every intent holds, 1 on a violation,
//! 2 on bad input (an intents file that does not parse, a selector that names nothing).
//!
//! `only-from` judges a source by the address the destination sees: a source whose
//! connection is translated on the way (a mesh subnet router's SNAT, a NAT gateway)
//! counts as its translated address, as the destination's security groups do.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::{json, Value};
use vpcnet_engine::reach::space::Span;
use vpcnet_engine::reach::{
    addresses_text, select, NamedPlace, Place, Reach, ReachOptions, Role, Row, RuleDelta, Selector,
    Standing, Transit,
};
use vpcnet_engine::{Component, Endpoint, Query, Trace, TranslationKind};
use vpcnet_model::Network;
use vpcnet_spec::intents::{self, Intent, Kind, Pos, Word};

use crate::cli::{VerifyArgs, VerifyFormat};
use crate::input;
use crate::wire;
use crate::BadInput;

/// One way an intent does not hold.
struct Violation {
    source: String,
    destination: String,
    /// The packets that get through, or what stops them.
    flow: String,
    /// The counterexample and its trace.
    witness: Option<(Query, Trace)>,
}

struct Outcome<'a> {
    intent: &'a Intent,
    violations: Vec<Violation>,
}

pub(crate) fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = args.inputs.inputs.clone();
    let (file, text) = match &args.intents {
        Some(f) => (f.clone(), read(f)?),
        None => {
            let mut found = None;
            for (i, name) in inputs.iter().enumerate().rev() {
                if name.starts_with("example:") || std::path::Path::new(name).is_dir() {
                    continue;
                }
                let text = read(name)?;
                if intents::is_intents(&text) {
                    found = Some((i, text));
                    break;
                }
            }
            let Some((i, text)) = found else {
                return Err(BadInput(
                    "no intents: give `--intents FILE` or an input with a top-level `intents:` key"
                        .to_owned(),
                )
                .into());
            };
            (inputs.remove(i), text)
        }
    };
    let list = intents::parse(&file, &text).map_err(|e| BadInput(e.to_string()))?;
    if inputs.is_empty() {
        return Err(BadInput("no network input besides the intents file".to_owned()).into());
    }
    let loaded = input::load(&inputs, args.inputs.before)?;
    let errors = loaded.errors();
    if errors > 0 {
        eprint!("{}", input::render_diagnostics(&loaded));
        eprintln!(
            "warning: the input has {errors} error(s); the intents are checked on what loaded"
        );
    }
    if args.watch {
        return watch(args, &inputs, &file, list, loaded);
    }
    let net = &loaded.network;
    let kept = answer(net, &file, &list)?;
    let failed = report(args, net, &file, &list, &kept)?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Every intent's question answered, kept for re-checking.
fn answer(net: &Network, file: &str, list: &[Intent]) -> anyhow::Result<Vec<Standing>> {
    list.iter()
        .map(|intent| {
            let q = question(net, file, intent)?;
            Ok(Standing::new(net, &q.sources, &q.destinations, &q.opts))
        })
        .collect()
}

/// Judges every intent by its kept answer and prints the report; returns how many
/// intents fail.
fn report(
    args: &VerifyArgs,
    net: &Network,
    file: &str,
    list: &[Intent],
    kept: &[Standing],
) -> anyhow::Result<usize> {
    let mut outcomes = Vec::new();
    for (intent, k) in list.iter().zip(kept) {
        outcomes.push(Outcome {
            intent,
            violations: judge(net, file, intent, &k.answer())?,
        });
    }
    let failed = outcomes.iter().filter(|o| !o.violations.is_empty()).count();
    let passed = outcomes.len() - failed;
    let out = match args.format {
        VerifyFormat::Text => render_text(net, &outcomes, passed, failed),
        VerifyFormat::Json => {
            serde_json::to_string_pretty(&render_json(net, &outcomes, passed, failed))? + "\n"
        }
        VerifyFormat::Junit => render_junit(net, &outcomes, failed),
        VerifyFormat::Sarif => serde_json::to_string_pretty(&render_sarif(file, &outcomes))? + "\n",
    };
    crate::emit(&out)?;
    Ok(failed)
}

// ---------------------------------------------------------------------------------
// Watching: the intents checked again whenever an input changes.

/// Per watched file: its path, length and modification time.
type Stamp = Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)>;

/// The files of `names` (directories walked), as they are now.
fn stamp(names: &[String]) -> Stamp {
    fn walk(p: &std::path::Path, out: &mut Stamp) {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut entries: Vec<_> = std::fs::read_dir(p)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .collect();
                entries.sort();
                for e in entries {
                    walk(&e, out);
                }
            }
            Ok(m) => out.push((p.to_path_buf(), m.len(), m.modified().ok())),
            Err(_) => out.push((p.to_path_buf(), 0, None)),
        }
    }
    let mut out = Vec::new();
    for n in names {
        walk(std::path::Path::new(n), &mut out);
    }
    out
}

/// Waits until the files of `names` change and stay unchanged for a moment (an
/// editor saving in steps).
fn changed(names: &[String], last: &Stamp) -> Stamp {
    let tick = std::time::Duration::from_millis(200);
    loop {
        std::thread::sleep(tick);
        let now = stamp(names);
        if now != *last {
            std::thread::sleep(tick);
            let settled = stamp(names);
            if settled == now {
                return now;
            }
        }
    }
}

/// `verify --watch`: the report, then again after every change of an input or the
/// intents file, until interrupted. A change to security group or network ACL rules
/// only re-solves the pairs of classes the changed rules can judge; any other change
/// answers afresh. Bad input is reported and waited out.
fn watch(
    args: &VerifyArgs,
    inputs: &[String],
    file: &str,
    mut list: Vec<Intent>,
    mut loaded: input::Loaded,
) -> anyhow::Result<ExitCode> {
    if let Some(name) = inputs.iter().find(|n| n.starts_with("example:")) {
        return Err(BadInput(format!("--watch: `{name}` is built in and never changes")).into());
    }
    let mut names: Vec<String> = inputs.to_vec();
    names.push(file.to_owned());
    let mut last = stamp(&names);
    let mut intents_text = read(file)?;
    let mut kept = answer(&loaded.network, file, &list)?;
    report(args, &loaded.network, file, &list, &kept)?;
    // Ready for the first edit while the user makes it.
    kept.iter_mut().for_each(|k| k.prepare(&loaded.network));
    let mut transit = Some(Transit::of(&loaded.network));
    loop {
        last = changed(&names, &last);
        let started = std::time::Instant::now();
        let text = match read(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e:#}");
                continue;
            }
        };
        let new_list = match intents::parse(file, &text) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                continue;
            }
        };
        let next = match input::load(inputs, args.inputs.before) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e:#}");
                continue;
            }
        };
        if next.errors() > 0 {
            eprint!("{}", input::render_diagnostics(&next));
        }
        let loaded_in = started.elapsed();
        let started = std::time::Instant::now();
        let rules = (text == intents_text)
            .then(|| loaded.network.rule_changes(&next.network))
            .flatten();
        intents_text = text;
        let compared_in = started.elapsed();
        let started = std::time::Instant::now();
        let mut how = "answered afresh".to_owned();
        let mut updated = false;
        if let Some(changes) = &rules {
            // What packets pass through depends on no rule: kept while only rules change.
            let t = transit.get_or_insert_with(|| Transit::of(&loaded.network));
            if let Some(delta) = RuleDelta::new(&loaded.network, &next.network, changes, t) {
                let solved: usize = kept
                    .iter_mut()
                    .map(|k| k.update(&loaded.network, &next.network, &delta))
                    .sum();
                updated = true;
                how = format!("only rules changed: {solved} pair(s) of classes solved again");
            }
        } else {
            transit = None;
        }
        list = new_list;
        if !updated {
            kept = match answer(&next.network, file, &list) {
                Ok(mut k) => {
                    k.iter_mut().for_each(|k| k.prepare(&next.network));
                    k
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    loaded = next;
                    continue;
                }
            };
        }
        eprintln!(
            "re-verified: {how} in {:.1} ms (loading took {:.0} ms, comparing with the last version {:.0} ms)",
            started.elapsed().as_secs_f64() * 1e3,
            loaded_in.as_secs_f64() * 1e3,
            compared_in.as_secs_f64() * 1e3
        );
        loaded = next;
        report(args, &loaded.network, file, &list, &kept)?;
    }
}

/// A located error message, as the intents file's own: `file:line:column: message`.
fn at(file: &str, p: Pos, message: impl std::fmt::Display) -> BadInput {
    BadInput(format!("{file}:{}:{}: {message}", p.line, p.column))
}

fn read(name: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(name).map_err(|e| BadInput(format!("cannot read `{name}`: {e}")).into())
}

fn is_empty(p: &Place) -> bool {
    match p {
        Place::Interfaces(v) => v.is_empty(),
        Place::Internet(s) | Place::Site(_, s) => s.is_empty(),
        Place::Node(_) => false,
    }
}

/// The places the words select; a word that selects nothing is bad input.
fn places(
    net: &Network,
    file: &str,
    words: &[Word],
    role: Role,
) -> anyhow::Result<Vec<NamedPlace>> {
    let mut out = Vec::new();
    for w in words {
        let got = select(net, &Selector::parse(&w.text), role).map_err(|e| at(file, w.pos, e))?;
        let got: Vec<NamedPlace> = got.into_iter().filter(|p| !is_empty(&p.place)).collect();
        if got.is_empty() {
            let end = if role == Role::Source {
                "sender"
            } else {
                "receiver"
            };
            return Err(at(
                file,
                w.pos,
                format!("`{}` selects no {end} in the network", w.text),
            )
            .into());
        }
        out.extend(got);
    }
    Ok(out)
}

/// The addresses the words stand for, as sources (a CIDR: its whole range).
fn address_spans(net: &Network, file: &str, words: &[Word]) -> anyhow::Result<Vec<Span>> {
    let mut spans = Vec::new();
    for w in words {
        if let Selector::Cidr(n) = Selector::parse(&w.text) {
            spans.push(Span::of_net(n));
            continue;
        }
        for p in places(net, file, std::slice::from_ref(w), Role::Source)? {
            match p.place {
                Place::Interfaces(v) => {
                    spans.extend(v.iter().map(|(_, ip)| Span::one(u32::from(*ip))))
                }
                Place::Internet(s) | Place::Site(_, s) => spans.extend(s),
                Place::Node(n) => spans.extend(
                    net.tailnet_node(n)
                        .addrs
                        .iter()
                        .map(|ip| Span::one(u32::from(*ip))),
                ),
            }
        }
    }
    Ok(vpcnet_engine::reach::space::merge(spans))
}

/// `a` without `b` (`b` merged).
fn subtract(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for s in a {
        let mut lo = u64::from(s.lo);
        let hi = u64::from(s.hi);
        for c in b {
            let (clo, chi) = (u64::from(c.lo), u64::from(c.hi));
            if chi < lo || clo > hi {
                continue;
            }
            if clo > lo {
                out.push(Span {
                    lo: lo as u32,
                    hi: (clo - 1) as u32,
                });
            }
            lo = chi + 1;
            if lo > hi {
                break;
            }
        }
        if lo <= hi {
            out.push(Span {
                lo: lo as u32,
                hi: hi as u32,
            });
        }
    }
    out
}

fn contains(spans: &[Span], ip: std::net::Ipv4Addr) -> bool {
    spans.iter().any(|s| s.contains(u32::from(ip)))
}

fn witness(net: &Network, q: &Query) -> Option<(Query, Trace)> {
    Some((*q, vpcnet_engine::trace(net, q)))
}

fn reached(net: &Network, row: &Row, why: Option<String>) -> Violation {
    let flows: Vec<String> = row.flows.iter().map(|f| f.describe()).collect();
    let mut flow = flows.join("; ");
    if let Some(why) = why {
        flow = format!("{flow} ({why})");
    }
    Violation {
        source: row.source.label.clone(),
        destination: row.destination.label.clone(),
        flow,
        witness: row.flows.first().and_then(|f| witness(net, &f.witness)),
    }
}

/// The question an intent asks: its sources, destinations and packets.
struct Question {
    sources: Vec<NamedPlace>,
    destinations: Vec<NamedPlace>,
    opts: ReachOptions,
}

fn question(net: &Network, file: &str, intent: &Intent) -> anyhow::Result<Question> {
    let sources = match intent.kind {
        // Every source, then judged against the allowed ones.
        Kind::OnlyFrom => {
            select(net, &Selector::All, Role::Source).map_err(|e| at(file, intent.pos, e))?
        }
        _ => places(net, file, &intent.from, Role::Source)?,
    };
    let destinations = places(net, file, &intent.to, Role::Destination)?;
    let opts = ReachOptions {
        protocols: intent.protocol.map(|p| vec![p]),
        dst_ports: intent.ports.map(|(lo, hi)| Span {
            lo: u32::from(lo),
            hi: u32::from(hi),
        }),
        host: None,
    };
    Ok(Question {
        sources,
        destinations,
        opts,
    })
}

/// How the answer `r` to an intent's question breaks the intent.
fn judge(net: &Network, file: &str, intent: &Intent, r: &Reach) -> anyhow::Result<Vec<Violation>> {
    let mut out = Vec::new();
    match intent.kind {
        Kind::Reachable => {
            for row in r.rows.iter().filter(|r| r.flows.is_empty()) {
                let witness = row.denials.first().and_then(|d| witness(net, &d.witness));
                // What stops the counterexample now (the row may be kept from before
                // a change that stops it elsewhere).
                let code = witness
                    .as_ref()
                    .and_then(|(_, t)| t.blocked_by())
                    .map(|b| b.code);
                out.push(Violation {
                    source: row.source.label.clone(),
                    destination: row.destination.label.clone(),
                    flow: match code {
                        Some(c) => format!("nothing gets through: {c}"),
                        None => "nothing gets through".to_owned(),
                    },
                    witness,
                });
            }
        }
        Kind::Isolated => out.extend(r.reachable().map(|row| reached(net, row, None))),
        Kind::OnlyFrom => {
            let allowed = address_spans(net, file, &intent.from)?;
            let excluded = address_spans(net, file, &intent.exclude)?;
            for row in r.reachable() {
                let rest = subtract(&row.source.addresses, &excluded);
                let offending = subtract(&rest, &allowed);
                if offending.is_empty() {
                    continue;
                }
                // The destination sees a translated source as the translator.
                let Some(flow) = row.flows.first() else {
                    continue;
                };
                let t = vpcnet_engine::trace(net, &flow.witness);
                let seen = t
                    .translations
                    .iter()
                    .rfind(|x| !x.on_return && x.kind == TranslationKind::Source)
                    .map(|x| x.to);
                if seen.is_some_and(|ip| contains(&allowed, ip)) {
                    continue;
                }
                let mut q = flow.witness;
                if !contains(&offending, q.from.ip()) {
                    let ip = offending[0].first_addr();
                    match &mut q.from {
                        Endpoint::Internet { ip: a } | Endpoint::Site { ip: a, .. } => *a = ip,
                        _ => {}
                    }
                }
                let mut v = reached(
                    net,
                    row,
                    Some(format!("from {}", addresses_text(&offending))),
                );
                v.witness = witness(net, &q);
                out.push(v);
            }
        }
        Kind::Through => {
            for w in &intent.via {
                if net.by_id(&w.text).is_none() && net.by_name(&w.text).is_empty() {
                    return Err(at(
                        file,
                        w.pos,
                        format!("`{}`: no resource has this id or Name tag", w.text),
                    )
                    .into());
                }
            }
            for row in r.reachable() {
                let v = reached(net, row, None);
                let passes = v.witness.as_ref().is_some_and(|(_, t)| {
                    t.forward.hops.iter().any(|h| match &h.component {
                        Component::Resource(idx) => {
                            let m = net.meta(*idx);
                            intent.via.iter().any(|w| {
                                m.id == w.text || m.name.as_deref() == Some(w.text.as_str())
                            })
                        }
                        _ => false,
                    })
                });
                if !passes {
                    out.push(v);
                }
            }
        }
    }
    Ok(out)
}

/// The packet in one line: `tcp 10.1.35.46:40000 -> 10.0.10.8:9000`.
fn packet_text(q: &Query) -> String {
    let proto = wire::proto_name(q.protocol);
    match q.protocol {
        6 | 17 | 132 => format!(
            "{proto} {}:{} -> {}:{}",
            q.from.ip(),
            q.src_port,
            q.to_ip,
            q.dst_port
        ),
        1 => format!(
            "{proto} {} -> {} type {} code {}",
            q.from.ip(),
            q.to_ip,
            q.icmp_type,
            q.icmp_code
        ),
        _ => format!("{proto} {} -> {}", q.from.ip(), q.to_ip),
    }
}

/// Short names of the ends of a query, for the trace's header line.
fn ends(net: &Network, q: &Query, t: &Trace) -> (String, String) {
    let name = |i: vpcnet_model::AnyIdx| {
        let m = net.meta(i);
        m.name.clone().unwrap_or_else(|| m.id.clone())
    };
    let from = match &q.from {
        Endpoint::Interface { eni, .. } => name(wire::resource_of(net, *eni)),
        Endpoint::Node { node, .. } => name((*node).into()),
        Endpoint::Site { att, .. } => name((*att).into()),
        _ => "internet".to_owned(),
    };
    // Where the packet was delivered, else where it was sent.
    let delivered = t.forward.hops.iter().rev().find_map(|h| match h.component {
        Component::Resource(i) if h.action == vpcnet_engine::Action::Deliver => Some(i),
        _ => None,
    });
    let to = match (delivered, net.eni_by_public_ip(q.to_ip)) {
        (Some(i), _) => match i {
            vpcnet_model::AnyIdx::Interface(e) => name(wire::resource_of(net, e)),
            i => name(i),
        },
        (None, Some((e, _))) => name(wire::resource_of(net, e)),
        (None, None) => q.to_ip.to_string(),
    };
    (from, to)
}

fn trace_text(net: &Network, q: &Query, t: &Trace) -> String {
    let (from, to) = ends(net, q, t);
    super::trace::render_text(net, t, &from, &to)
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn render_text(net: &Network, outcomes: &[Outcome<'_>], passed: usize, failed: usize) -> String {
    let mut out = String::new();
    for o in outcomes {
        let status = if o.violations.is_empty() {
            "PASS"
        } else {
            "FAIL"
        };
        let _ = writeln!(
            out,
            "{status}  {:<10} {}",
            o.intent.kind.key(),
            o.intent.name
        );
    }
    for o in outcomes.iter().filter(|o| !o.violations.is_empty()) {
        let _ = writeln!(
            out,
            "\n{} (line {}): {} violation(s)",
            o.intent.name,
            o.intent.pos.line,
            o.violations.len()
        );
        for v in &o.violations {
            let _ = writeln!(
                out,
                "  {}\n  -> {}\n     {}",
                v.source, v.destination, v.flow
            );
        }
        if let Some((q, t)) = o.violations.iter().find_map(|v| v.witness.as_ref()) {
            let _ = writeln!(out, "\n  counterexample: {}\n", packet_text(q));
            out.push_str(&indent(&trace_text(net, q, t), "    "));
        }
    }
    let _ = writeln!(out, "\n{passed} passed, {failed} failed");
    out
}

fn render_json(net: &Network, outcomes: &[Outcome<'_>], passed: usize, failed: usize) -> Value {
    let intents: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let violations: Vec<Value> = o
                .violations
                .iter()
                .map(|v| {
                    let (packet, trace) = match &v.witness {
                        Some((q, t)) => {
                            let (from, to) = ends(net, q, t);
                            (
                                Value::String(packet_text(q)),
                                serde_json::to_value(wire::trace(net, t, &from, &to))
                                    .unwrap_or(Value::Null),
                            )
                        }
                        None => (Value::Null, Value::Null),
                    };
                    json!({
                        "source": v.source,
                        "destination": v.destination,
                        "flow": v.flow,
                        "packet": packet,
                        "trace": trace,
                    })
                })
                .collect();
            json!({
                "name": o.intent.name,
                "kind": o.intent.kind.key(),
                "line": o.intent.pos.line,
                "status": if o.violations.is_empty() { "pass" } else { "fail" },
                "violations": violations,
            })
        })
        .collect();
    json!({"intents": intents, "passed": passed, "failed": failed})
}

/// Text for XML content and attribute values: the five markup characters escaped and
/// characters XML 1.0 cannot hold dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn summary(v: &Violation) -> String {
    let packet = v
        .witness
        .as_ref()
        .map(|(q, _)| format!("; counterexample {}", packet_text(q)))
        .unwrap_or_default();
    format!("{} -> {}: {}{packet}", v.source, v.destination, v.flow)
}

fn render_junit(net: &Network, outcomes: &[Outcome<'_>], failed: usize) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vpcnet verify\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\">\n  <testsuite name=\"vpcnet verify\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">",
        n = outcomes.len()
    );
    for o in outcomes {
        let head = format!(
            "    <testcase classname=\"vpcnet.{}\" name=\"{}\"",
            o.intent.kind.key(),
            xml(&o.intent.name)
        );
        let Some(first) = o.violations.first() else {
            let _ = writeln!(out, "{head}/>");
            continue;
        };
        let mut body = String::new();
        for v in &o.violations {
            body.push_str(&summary(v));
            body.push('\n');
        }
        if let Some((q, t)) = &first.witness {
            body.push('\n');
            body.push_str(&trace_text(net, q, t));
        }
        let _ = writeln!(
            out,
            "{head}>\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
            o.intent.kind.key(),
            xml(&summary(first)),
            xml(&body)
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn render_sarif(file: &str, outcomes: &[Outcome<'_>]) -> Value {
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.key(),
                "name": k.key(),
                "shortDescription": {"text": k.meaning()},
            })
        })
        .collect();
    let uri = file.replace('\\', "/");
    let mut results = Vec::new();
    for o in outcomes {
        let index = Kind::ALL
            .iter()
            .position(|k| *k == o.intent.kind)
            .unwrap_or(0);
        for v in &o.violations {
            results.push(json!({
                "ruleId": o.intent.kind.key(),
                "ruleIndex": index,
                "level": "error",
                "message": {"text": format!("{}: {}", o.intent.name, summary(v))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": o.intent.pos.line,
                            "startColumn": o.intent.pos.column,
                        },
                    },
                }],
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vpcnet",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
