//! Helpers shared by the importer tests: load a plan or state, list the findings, ask
//! the engine a question.

use std::path::{Path, PathBuf};

use vpcnet_engine::{resolve_destination, resolve_source, trace, Query, Trace};
use vpcnet_model::{Diagnostic, Network, NetworkBuilder, Severity};
use vpcnet_terraform::{load_into, TfReport, Which};

/// A fixture under `tests/data`.
pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A loaded plan or state.
pub(crate) struct Loaded {
    pub(crate) net: Network,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) report: TfReport,
}

impl Loaded {
    /// Every finding, one per line: `severity CODE #pointer: message`.
    pub(crate) fn findings(&self) -> String {
        render(&self.diags)
    }

    /// The findings of at least this severity.
    pub(crate) fn at_least(&self, severity: Severity) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity >= severity)
            .collect()
    }
}

/// Loads text as file `file`.
pub(crate) fn load_text(file: &str, text: &str, which: Which) -> Loaded {
    let mut b = NetworkBuilder::new();
    let report = load_into(&mut b, file, text, which).expect("the text is Terraform JSON");
    let (net, diags) = b.finish();
    Loaded { net, diags, report }
}

/// Loads a fixture of `tests/data`.
pub(crate) fn load(name: &str, which: Which) -> Loaded {
    let text = std::fs::read_to_string(data(name)).expect("the fixture is readable");
    load_text(name, &text, which)
}

/// Findings as text, one per line.
pub(crate) fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let at = d
            .location
            .as_ref()
            .and_then(|l| l.pointer.clone())
            .unwrap_or_default();
        out.push_str(&format!("{} {} #{at}: {}\n", d.severity, d.code, d.message));
    }
    out
}

/// Traces `from` -> `to` on `protocol`/`port` (names as a user types them).
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

/// The blocking code and direction, or `REACHABLE`.
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

/// One managed resource instance of a hand-written plan: its planned values and
/// `after_unknown` (what stays unknown until apply), as `terraform show -json` prints
/// them.
pub(crate) struct Planned {
    addr: String,
    values: serde_json::Value,
    unknown: serde_json::Value,
}

/// A resource instance at `addr` (`module.vpc.aws_subnet.a[0]`).
pub(crate) fn planned(
    addr: &str,
    values: serde_json::Value,
    unknown: serde_json::Value,
) -> Planned {
    Planned {
        addr: addr.to_owned(),
        values,
        unknown,
    }
}

/// `module.a["k"].module.b.aws_x.y[0]` → (`module.a["k"].module.b`, `aws_x`, `y`, index).
fn split_address(addr: &str) -> (String, String, String, serde_json::Value) {
    let mut module = String::new();
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        // The call name, then an optional key in brackets (which may hold dots).
        let end = r.find(['.', '[']).unwrap_or(r.len());
        let mut seg_end = end;
        if r[end..].starts_with('[') {
            seg_end = end + r[end..].find(']').expect("closing bracket") + 1;
        }
        if !module.is_empty() {
            module.push('.');
        }
        module.push_str("module.");
        module.push_str(&r[..seg_end]);
        rest = r[seg_end..].trim_start_matches('.');
    }
    let (ty, name_ix) = rest.split_once('.').expect("type.name");
    let (name, index) = match name_ix.split_once('[') {
        Some((n, ix)) => {
            let ix = ix.trim_end_matches(']');
            let index = match ix.parse::<u64>() {
                Ok(n) => serde_json::json!(n),
                Err(_) => serde_json::json!(ix.trim_matches('"')),
            };
            (n, index)
        }
        None => (name_ix, serde_json::Value::Null),
    };
    (module, ty.to_owned(), name.to_owned(), index)
}

/// A plan as `terraform show -json` prints it (format 1.2): `planned_values` with
/// nested `child_modules`, `resource_changes` with `after_unknown`, the given
/// `configuration` and root `variables`, and an empty prior state.
pub(crate) fn plan_json(
    resources: &[Planned],
    configuration: serde_json::Value,
    variables: serde_json::Value,
) -> String {
    use serde_json::{json, Value};
    // Module address → its resources; parents are made for every child.
    let mut modules: Vec<(String, Vec<Value>)> = vec![(String::new(), Vec::new())];
    let mut changes = Vec::new();
    for p in resources {
        let (module, ty, name, index) = split_address(&p.addr);
        let mut r = json!({
            "address": p.addr, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": p.values, "sensitive_values": {}
        });
        if !index.is_null() {
            r["index"] = index.clone();
        }
        // Make the module and its parents.
        let mut prefix = String::new();
        for seg in module.split(".module.").filter(|s| !s.is_empty()) {
            let seg = seg.trim_start_matches("module.");
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str("module.");
            prefix.push_str(seg);
            if !modules.iter().any(|(a, _)| *a == prefix) {
                modules.push((prefix.clone(), Vec::new()));
            }
        }
        if let Some((_, list)) = modules.iter_mut().find(|(a, _)| *a == module) {
            list.push(r);
        }
        let mut c = json!({
            "address": p.addr, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": null, "after": p.values,
                       "after_unknown": p.unknown, "before_sensitive": false, "after_sensitive": {}}
        });
        if !module.is_empty() {
            c["module_address"] = json!(module);
        }
        if !index.is_null() {
            c["index"] = index;
        }
        changes.push(c);
    }
    fn build(addr: &str, modules: &[(String, Vec<Value>)]) -> Value {
        let own = modules
            .iter()
            .find(|(a, _)| a == addr)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        let children: Vec<Value> = modules
            .iter()
            .filter(|(a, _)| {
                !a.is_empty()
                    && match a.rsplit_once(".module.") {
                        Some((parent, _)) => parent == addr,
                        None => addr.is_empty(),
                    }
            })
            .map(|(a, _)| {
                let mut m = build(a, modules);
                m["address"] = json!(a);
                m
            })
            .collect();
        let mut m = json!({"resources": own});
        if !children.is_empty() {
            m["child_modules"] = json!(children);
        }
        m
    }
    let root = build("", &modules);
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": variables,
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {}}},
        "configuration": configuration,
        "timestamp": "2025-01-01T00:00:00Z",
        "applyable": true,
        "complete": true,
        "errored": false
    })
    .to_string()
}
