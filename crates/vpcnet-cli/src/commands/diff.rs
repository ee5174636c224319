//! `vpcnet diff`: connectivity a change gains and loses, as text, JSON or a Markdown
//! pull-request comment.
//!
//! Two inputs are the network before and the network after (a Terraform plan among
//! them stands for its planned values); a Terraform plan alone (`terraform show -json
//! plan.out`) is both, its `prior_state` against its `planned_values`, each read by
//! `vpcnet-terraform` exactly as `--before` and the default read them for every other
//! command.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use vpcnet_engine::diff::{
    diff_with, Cause, Diff, Internet, Narrowing, PairChange, Presence, INTERNET,
};
use vpcnet_engine::reach::space::Span;
use vpcnet_engine::reach::{Level, ReachOptions};

use crate::cli::{DiffArgs, DiffFormat, MatrixLevel};
use crate::input::{self, Loaded};
use crate::internet::{cidr_text, cidrs, internet_text, Public};
use crate::wire::{self, FlowShape, WireFlow};
use crate::BadInput;

/// The version of the JSON below; a field removed or changed in meaning bumps it.
const FORMAT_VERSION: &str = "1.0";

/// GitHub refuses comments longer than 65536 characters; rows stop before that.
const MARKDOWN_BUDGET: usize = 60_000;

// ---------------------------------------------------------------------------------
// JSON: the wire types, a promise to scripts.

#[derive(Serialize)]
struct WireDiff {
    format_version: &'static str,
    /// `subnet` or `security-group`.
    level: &'static str,
    before: WireInput,
    after: WireInput,
    /// Whether some connectivity is gained or lost.
    changed: bool,
    gained: Vec<WireChange>,
    lost: Vec<WireChange>,
    unchanged_pairs: usize,
    /// When only rules changed: the security groups and network ACLs whose rules did,
    /// and then only pairs they can judge were compared (`unchanged_pairs` counts
    /// among those); `null` when every pair was.
    narrowed_to: Option<Vec<String>>,
    inexact: Vec<String>,
}

#[derive(Serialize)]
struct WireInput {
    input: String,
    /// For a Terraform plan: `prior_state` or `planned_values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'static str>,
}

#[derive(Serialize)]
struct WireGroup {
    /// The group's id, or `internet`.
    id: String,
    label: String,
    /// `both`, `added` (after the change only) or `removed` (before it only).
    presence: &'static str,
    /// For the internet: the addresses concerned, as CIDRs; empty for a group.
    addresses: Vec<String>,
}

#[derive(Serialize)]
struct WireCause {
    /// The resource's id (as `component` in `trace`).
    component: String,
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    code: String,
    message: String,
    /// Whether the resource differs between the two networks.
    changed: bool,
}

#[derive(Serialize)]
struct WireChange {
    source: WireGroup,
    destination: WireGroup,
    flows: Vec<WireFlow>,
    causes: Vec<WireCause>,
}

fn presence(p: Presence) -> &'static str {
    match p {
        Presence::Both => "both",
        Presence::Added => "added",
        Presence::Removed => "removed",
    }
}

fn wire_group(label: &str, id: &str, p: Presence, internet: &[Span], own: &Public) -> WireGroup {
    WireGroup {
        id: id.to_owned(),
        label: if id == INTERNET {
            internet_text(internet, own)
        } else {
            label.to_owned()
        },
        presence: presence(p),
        addresses: if id == INTERNET {
            cidrs(internet).iter().map(cidr_text).collect()
        } else {
            Vec::new()
        },
    }
}

fn wire_change(c: &PairChange, own: &Public) -> WireChange {
    WireChange {
        source: wire_group(&c.from, &c.from_id, c.from_presence, &c.internet, own),
        destination: wire_group(&c.to, &c.to_id, c.to_presence, &c.internet, own),
        flows: c
            .flows
            .iter()
            .map(|f| wire::flow(f, FlowShape::Diff))
            .collect(),
        causes: c
            .causes
            .iter()
            .map(|k| WireCause {
                component: k.resource.clone(),
                kind: k.kind.clone(),
                name: k.name.clone(),
                code: k.code.clone(),
                message: k.message.clone(),
                changed: k.changed,
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------
// Text and Markdown.

/// A group for people, with a note when it is on one side only.
fn end_text(c: &PairChange, source: bool, own: &Public) -> String {
    let (label, id, p) = if source {
        (&c.from, &c.from_id, c.from_presence)
    } else {
        (&c.to, &c.to_id, c.to_presence)
    };
    let label = if id == INTERNET {
        internet_text(&c.internet, own)
    } else {
        label.clone()
    };
    match p {
        Presence::Both => label,
        Presence::Added => format!("{label} (new)"),
        Presence::Removed => format!("{label} (removed)"),
    }
}

/// How a cause relates to the change: `changed`, `is new`, `is removed`, or for what
/// stops the packets on the side where they do not get through, whether it changed,
/// that side, and its code.
fn cause_role(c: &Cause, gained: bool) -> (String, Option<&str>) {
    match c.code.as_str() {
        "RESOURCE_ADDED" => ("is new".to_owned(), None),
        "RESOURCE_REMOVED" => ("is removed".to_owned(), None),
        "RESOURCE_CHANGED" => ("changed".to_owned(), None),
        code => {
            let state = if c.changed { "changed" } else { "unchanged" };
            let side = if gained {
                "stopped them before"
            } else {
                "stops them now"
            };
            (format!("{state}; {side}:"), Some(code))
        }
    }
}

fn cause_text(c: &Cause, gained: bool) -> String {
    let name = match &c.name {
        Some(n) if *n != c.resource => format!("{} {n} ({})", c.kind, c.resource),
        _ => format!("{} {}", c.kind, c.resource),
    };
    match cause_role(c, gained) {
        (role, Some(code)) => format!("{name} {role} {code}"),
        (role, None) => format!("{name} {role}"),
    }
}

fn text(d: &Diff, level: &str, own: &Public) -> String {
    let mut out = String::new();
    for (title, sign, changes, gained) in [
        ("gained", '+', &d.gained, true),
        ("lost", '-', &d.lost, false),
    ] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for c in changes {
            let _ = writeln!(
                out,
                "  {sign} {} -> {}: {}",
                end_text(c, true, own),
                end_text(c, false, own),
                c.flow_texts().join("; ")
            );
            for k in &c.causes {
                let _ = writeln!(out, "      because {}", cause_text(k, gained));
                if !k.code.starts_with("RESOURCE_") {
                    let _ = writeln!(out, "        {}", k.message);
                }
            }
        }
    }
    for i in &d.inexact {
        let _ = writeln!(out, "note: {i}");
    }
    if let Some(ids) = &d.narrowed_to {
        let _ = writeln!(out, "note: {}", narrowed_text(ids));
    }
    let _ = writeln!(
        out,
        "{} gained, {} lost, {}",
        d.gained.len(),
        d.lost.len(),
        unchanged_text(d, level)
    );
    out
}

/// Text in a Markdown table cell: nothing in it is markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// An id as code in a table cell.
fn md_code(s: &str) -> String {
    let s = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// A group in a table cell: `name` `id`, with a note when on one side only.
fn md_end(c: &PairChange, source: bool, own: &Public) -> String {
    let (label, id, p) = if source {
        (&c.from, &c.from_id, c.from_presence)
    } else {
        (&c.to, &c.to_id, c.to_presence)
    };
    let text = if id == INTERNET {
        md(&internet_text(&c.internet, own))
    } else {
        match label.strip_suffix(&format!(" ({id})")) {
            Some(name) => format!("{} {}", md(name), md_code(id)),
            None => md_code(id),
        }
    };
    match p {
        Presence::Both => text,
        Presence::Added => format!("{text} (new)"),
        Presence::Removed => format!("{text} (removed)"),
    }
}

fn md_cause(c: &Cause, gained: bool) -> String {
    let name = match &c.name {
        Some(n) if *n != c.resource => format!("{} {}", md(n), md_code(&c.resource)),
        _ => md_code(&c.resource),
    };
    let (role, code) = cause_role(c, gained);
    let mut out = format!("{} {name} {}", md(&c.kind), md(&role));
    if let Some(code) = code {
        out.push(' ');
        out.push_str(&md_code(code));
    }
    out
}

fn markdown(d: &Diff, level: &str, own: &Public) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Network connectivity\n");
    if d.is_empty() {
        let _ = writeln!(
            out,
            "No connectivity gained or lost ({}).",
            unchanged_text(d, level)
        );
    } else {
        let _ = writeln!(
            out,
            "**{} gained, {} lost** ({}).\n",
            d.gained.len(),
            d.lost.len(),
            unchanged_text(d, level)
        );
    }
    let mut left_out = 0;
    for (title, changes, gained) in [("Gained", &d.gained, true), ("Lost", &d.lost, false)] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title}\n");
        let _ = writeln!(out, "| From | To | Flows | Because |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for c in changes {
            let causes: Vec<String> = c.causes.iter().map(|k| md_cause(k, gained)).collect();
            let row = format!(
                "| {} | {} | {} | {} |\n",
                md_end(c, true, own),
                md_end(c, false, own),
                md(&c.flow_texts().join("; ")),
                causes.join("<br>")
            );
            if out.len() + row.len() > MARKDOWN_BUDGET {
                left_out += 1;
                continue;
            }
            out.push_str(&row);
        }
        out.push('\n');
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "{left_out} more change(s) left out to keep this comment short: `vpcnet diff` lists them all.\n"
        );
    }
    for i in &d.inexact {
        let _ = writeln!(out, "> note: {}\n", md(i));
    }
    if let Some(ids) = &d.narrowed_to {
        let _ = writeln!(out, "> note: {}\n", md(&narrowed_text(ids)));
    }
    out
}

/// `24 pair(s) of subnets unchanged`, or `2 compared pair(s) …` when narrowed.
fn unchanged_text(d: &Diff, level: &str) -> String {
    let compared = if d.narrowed_to.is_some() {
        "compared "
    } else {
        ""
    };
    format!(
        "{} {compared}pair(s) of {level}s unchanged",
        d.unchanged_pairs
    )
}

/// What a narrowed comparison looked at.
fn narrowed_text(ids: &[String]) -> String {
    if ids.is_empty() {
        return "the two inputs are the same network: nothing was compared (--all-pairs compares every pair)".to_owned();
    }
    format!(
        "only rules of {} changed: only pairs they can judge were compared (--all-pairs compares every pair)",
        ids.join(", ")
    )
}

// ---------------------------------------------------------------------------------
// Inputs.

fn load(path: &str, before: bool, what: &str) -> anyhow::Result<Loaded> {
    let loaded = input::load(&[path.to_owned()], before)?;
    if loaded.errors() > 0 {
        eprint!("{}", input::render_diagnostics(&loaded));
        return Err(BadInput(format!("`{path}` ({what}) has errors; fix them first")).into());
    }
    Ok(loaded)
}

/// The top-level keys that make `terraform show -json` output a plan; the values are
/// skipped, not built.
#[derive(Deserialize)]
struct PlanKeys {
    planned_values: Option<IgnoredAny>,
    prior_state: Option<IgnoredAny>,
    resource_changes: Option<IgnoredAny>,
}

/// Whether `path` is a Terraform plan; `false` for anything unreadable (loading it
/// says why).
fn is_plan(path: &str) -> bool {
    if path.starts_with("example:") || std::path::Path::new(path).is_dir() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    vpcnet_terraform::is_terraform_json(text)
        && serde_json::from_str::<PlanKeys>(text).is_ok_and(|k| k.is_plan())
}

impl PlanKeys {
    fn is_plan(&self) -> bool {
        self.planned_values.is_some()
            || self.prior_state.is_some()
            || self.resource_changes.is_some()
    }
}

/// Checks that `path` alone is a Terraform plan, with a clear error when it is not.
fn check_plan(path: &str) -> anyhow::Result<()> {
    let alone = |what: &str| {
        BadInput(format!(
            "`{path}` is {what}: give the network before and the network after (`vpcnet diff BEFORE AFTER`), or a Terraform plan alone (`terraform show -json plan.out`)"
        ))
    };
    if path.starts_with("example:") || std::path::Path::new(path).is_dir() {
        return Err(alone("not a Terraform plan").into());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("cannot read `{path}`: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if !vpcnet_terraform::is_terraform_json(text) {
        return Err(alone("not a Terraform plan").into());
    }
    let keys: PlanKeys =
        serde_json::from_str(text).map_err(|e| BadInput(format!("`{path}` is not JSON: {e}")))?;
    if !keys.is_plan() {
        return Err(alone("a Terraform state, not a plan").into());
    }
    Ok(())
}

pub(crate) fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let ((before, before_in), (after, after_in)) = match &args.after {
        Some(after) => (
            (
                load(&args.before, false, "the network before")?,
                WireInput {
                    input: args.before.clone(),
                    plan: is_plan(&args.before).then_some("planned_values"),
                },
            ),
            (
                load(after, false, "the network after")?,
                WireInput {
                    input: after.clone(),
                    plan: is_plan(after).then_some("planned_values"),
                },
            ),
        ),
        None => {
            check_plan(&args.before)?;
            (
                (
                    load(&args.before, true, "the plan's prior state")?,
                    WireInput {
                        input: args.before.clone(),
                        plan: Some("prior_state"),
                    },
                ),
                (
                    load(&args.before, false, "the plan's planned values")?,
                    WireInput {
                        input: args.before.clone(),
                        plan: Some("planned_values"),
                    },
                ),
            )
        }
    };
    let (level, name, people) = match args.level {
        MatrixLevel::Subnet => (Level::Subnet, "subnet", "subnet"),
        MatrixLevel::Sg => (Level::SecurityGroup, "security-group", "security group"),
    };
    let internet = if args.no_internet {
        Internet::Skipped
    } else {
        Internet::Compared
    };
    let d = diff_with(
        &before.network,
        &after.network,
        level,
        &ReachOptions::default(),
        internet,
        if args.all_pairs {
            Narrowing::Off
        } else {
            Narrowing::Auto
        },
    );
    let own = Public::of(&[&before.network, &after.network]);
    let out = match args.format {
        DiffFormat::Text => text(&d, people, &own),
        DiffFormat::Markdown => markdown(&d, people, &own),
        DiffFormat::Json => {
            let w = WireDiff {
                format_version: FORMAT_VERSION,
                level: name,
                before: before_in,
                after: after_in,
                changed: !d.is_empty(),
                gained: d.gained.iter().map(|c| wire_change(c, &own)).collect(),
                lost: d.lost.iter().map(|c| wire_change(c, &own)).collect(),
                unchanged_pairs: d.unchanged_pairs,
                narrowed_to: d.narrowed_to.clone(),
                inexact: d.inexact.clone(),
            };
            serde_json::to_string_pretty(&w)? + "\n"
        }
    };
    crate::emit(&out)?;
    Ok(if args.exit_code && !d.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_hold_no_markup() {
        assert_eq!(md("a|b <x> *y*_z_"), "a\\|b &lt;x&gt; \\*y\\*\\_z\\_");
        assert_eq!(md_code("sg-1"), "`sg-1`");
        assert_eq!(md_code("a`b|c"), "`` a`b\\|c ``");
    }
}
