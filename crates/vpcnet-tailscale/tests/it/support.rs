//! Helpers shared by the tests: read a policy and devices, render findings, decisions
//! and test assertions as text for snapshots.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use vpcnet_model::Diagnostic;
use vpcnet_tailscale::{parse_devices, parse_policy, Decision, Policy, Tailnet};

/// A fixture under `tests/data`.
pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The text of a fixture.
pub(crate) fn fixture(name: &str) -> String {
    std::fs::read_to_string(data(name)).expect("the fixture is readable")
}

/// Reads policy text as `policy.hujson`; the text must be HuJSON.
pub(crate) fn policy(text: &str) -> (Policy, Vec<Diagnostic>) {
    parse_policy("policy.hujson", text).expect("the text is a policy")
}

/// A tailnet from policy text and, optionally, device list text; findings of both.
pub(crate) fn tailnet(
    policy_text: Option<&str>,
    devices_text: Option<&str>,
) -> (Tailnet, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let p = policy_text.map(|t| {
        let (p, d) = policy(t);
        diags.extend(d);
        p
    });
    let nodes = devices_text.map_or_else(Vec::new, |t| {
        let (n, d) = parse_devices("devices.json", t).expect("the text is a device list");
        diags.extend(d);
        n
    });
    (Tailnet::new(p, nodes), diags)
}

/// The corp fixture: policy and devices.
pub(crate) fn corp() -> Tailnet {
    let (t, diags) = tailnet(
        Some(&fixture("corp.hujson")),
        Some(&fixture("corp.devices.json")),
    );
    let serious: Vec<String> = diags
        .iter()
        .filter(|d| d.severity > vpcnet_model::Severity::Note)
        .map(ToString::to_string)
        .collect();
    assert!(serious.is_empty(), "{serious:#?}");
    t
}

/// Findings, one per line: `severity CODE line:col #pointer: message`.
pub(crate) fn findings(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let (pos, ptr) = match &d.location {
            Some(l) => (
                match (l.line, l.column) {
                    (Some(a), Some(b)) => format!(" {a}:{b}"),
                    _ => String::new(),
                },
                l.pointer
                    .clone()
                    .map(|p| format!(" #{p}"))
                    .unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        out.push_str(&format!(
            "{} {}{pos}{ptr}: {}\n",
            d.severity, d.code, d.message
        ));
    }
    out
}

/// An address.
pub(crate) fn ip(s: &str) -> IpAddr {
    s.parse().expect("an address")
}

/// The policy's decision for a connection from `src` (an address) to `dst`, as text.
pub(crate) fn decide(t: &Tailnet, src: &str, dst: &str, proto: u8, port: u16) -> String {
    t.allows(ip(src), ip(dst), proto, port).to_string()
}

/// Several decisions, one per line: `src -> dst proto/port: decision`.
pub(crate) fn decisions(t: &Tailnet, cases: &[(&str, &str, u8, u16)]) -> String {
    let mut out = String::new();
    for (src, dst, proto, port) in cases {
        let d: Decision = t.allows(ip(src), ip(dst), *proto, *port);
        out.push_str(&format!("{src} -> {dst} {proto}/{port}: {d}\n"));
    }
    out
}

/// Every assertion of the policy's tests, one per line.
pub(crate) fn run(t: &Tailnet) -> String {
    let mut out = String::new();
    for a in t.run_tests() {
        out.push_str(&format!("{a}\n"));
    }
    out
}

pub(crate) const TCP: u8 = 6;
pub(crate) const UDP: u8 = 17;
pub(crate) const ICMP: u8 = 1;
