//! Helpers shared by the importer tests: load a fixture or inline files, list the
//! findings, ask the engine a question.

use std::path::{Path, PathBuf};

use vpcnet_aws::{load_files, load_snapshot, SnapshotFile, SnapshotReport};
use vpcnet_engine::{resolve_destination, resolve_source, trace, Query, Trace};
use vpcnet_model::{Diagnostic, Network, NetworkBuilder, Severity};

/// A fixture directory under `tests/data`.
pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A loaded snapshot.
pub(crate) struct Loaded {
    pub(crate) net: Network,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) report: SnapshotReport,
    /// The fixture directory, to show paths relative to it.
    pub(crate) root: PathBuf,
}

impl Loaded {
    /// Every finding, one per line: `severity CODE file#pointer: message`, with paths
    /// relative to the fixture.
    pub(crate) fn findings(&self) -> String {
        render(&self.diags, &self.root)
    }

    /// The findings of at least this severity.
    pub(crate) fn at_least(&self, severity: Severity) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity >= severity)
            .collect()
    }
}

/// Loads a fixture snapshot directory.
pub(crate) fn load_dir(name: &str) -> Loaded {
    let root = data(name);
    let mut b = NetworkBuilder::new();
    let report = load_snapshot(&mut b, &root).expect("the fixture is a snapshot");
    let (net, diags) = b.finish();
    Loaded {
        net,
        diags,
        report,
        root,
    }
}

/// Loads inline files: `(path, json)`, each as if in `aws_configs/us-east-1/`.
pub(crate) fn load_inline(files: &[(&str, &str)]) -> Loaded {
    let files: Vec<SnapshotFile> = files
        .iter()
        .map(|(path, text)| SnapshotFile {
            path: (*path).to_owned(),
            account: Some("111111111111".to_owned()),
            region: "us-east-1".to_owned(),
            text: (*text).to_owned(),
        })
        .collect();
    let mut b = NetworkBuilder::new();
    let report = load_files(&mut b, &files);
    let (net, diags) = b.finish();
    Loaded {
        net,
        diags,
        report,
        root: PathBuf::new(),
    }
}

/// Findings as text, one per line, paths relative to `root`.
pub(crate) fn render(diags: &[Diagnostic], root: &Path) -> String {
    let prefix = format!("{}/", root.display());
    let mut out = String::new();
    for d in diags {
        let at = d
            .location
            .as_ref()
            .map(|l| {
                let file = l.file.as_deref().unwrap_or("-");
                let file = file.strip_prefix(&prefix).unwrap_or(file);
                let mut s = file.to_owned();
                if let (Some(line), Some(col)) = (l.line, l.column) {
                    s.push_str(&format!(":{line}:{col}"));
                }
                if let Some(p) = &l.pointer {
                    s.push('#');
                    s.push_str(p);
                }
                s
            })
            .unwrap_or_default();
        out.push_str(&format!("{} {} {at}: {}\n", d.severity, d.code, d.message));
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
