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
