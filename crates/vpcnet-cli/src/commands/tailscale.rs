//! `vpcnet tailscale test`: a tailnet policy file's own `tests`, run as Tailscale runs
//! them on save, with the rule that decides each assertion.

use std::collections::HashMap;
use std::process::ExitCode;

use serde::Serialize;
use vpcnet_model::{Diagnostic, Severity};
use vpcnet_tailscale::{Assertion, Decision, DefaultPolicy, Denial, Node, Tailnet, TsError, User};

use crate::cli::{Format, TailscaleTestArgs};
use crate::input;
use crate::wire;
use crate::BadInput;

fn read_text(path: &str) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| BadInput(format!("cannot read `{path}`: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "`{path}` is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .into()
    })
}

fn bad(e: TsError) -> anyhow::Error {
    BadInput(e.to_string()).into()
}

#[derive(Serialize)]
struct WireRule {
    section: &'static str,
    index: usize,
    pointer: String,
    dst: String,
    dst_pointer: String,
    icmp_implied: bool,
}

#[derive(Serialize)]
struct WireDecision {
    /// `allowed` or `denied`.
    verdict: &'static str,
    /// The rule that allows it, when one does.
    rule: Option<WireRule>,
    /// `no_policy_file`, `no_acls_or_grants`, `no_rule_matched`, `source_quarantined`,
    /// `source_not_authorized`, `destination_not_authorized`,
    /// `destination_blocks_incoming`; null when a rule allows it.
    reason: Option<&'static str>,
    message: String,
}

fn decision(d: &Decision) -> WireDecision {
    let (verdict, rule, reason) = match d {
        Decision::Allowed(m) => (
            "allowed",
            Some(WireRule {
                section: m.kind.section(),
                index: m.index,
                pointer: m.pointer.clone(),
                dst: m.dst_written.clone(),
                dst_pointer: m.dst_pointer.clone(),
                icmp_implied: m.icmp_implied,
            }),
            None,
        ),
        Decision::AllowedByDefault(DefaultPolicy::NoPolicyFile) => {
            ("allowed", None, Some("no_policy_file"))
        }
        Decision::AllowedByDefault(DefaultPolicy::NoAccessRules) => {
            ("allowed", None, Some("no_acls_or_grants"))
        }
        Decision::Denied(why) => (
            "denied",
            None,
            Some(match why {
                Denial::NoRuleMatched => "no_rule_matched",
                Denial::SourceQuarantined { .. } => "source_quarantined",
                Denial::SourceNotAuthorized { .. } => "source_not_authorized",
                Denial::DestinationNotAuthorized { .. } => "destination_not_authorized",
                Denial::DestinationBlocksIncoming { .. } => "destination_blocks_incoming",
            }),
        ),
    };
    WireDecision {
        verdict,
        rule,
        reason,
        message: d.to_string(),
    }
}

#[derive(Serialize)]
struct WireAssertion {
    test: usize,
    expect: &'static str,
    src: String,
    dst: String,
    proto: String,
    passed: bool,
    device: Option<String>,
    decision: WireDecision,
    pointer: String,
    line: Option<u32>,
    column: Option<u32>,
}

#[derive(Serialize)]
struct Report {
    policy: String,
    devices: usize,
    users: usize,
    passed: usize,
    failed: usize,
    errors: usize,
    assertions: Vec<WireAssertion>,
    diagnostics: Vec<wire::WireDiagnostic>,
}

/// `file:line:col` of `pointer` in the policy text, for people.
fn at(file: &str, text: &str, pointer: &str) -> String {
    match vpcnet_tailscale::position(text, pointer) {
        Some((l, c)) => format!("{file}:{l}:{c} #{pointer}"),
        None => format!("{file} #{pointer}"),
    }
}

/// What the command prints and how it exits.
struct Outcome {
    stdout: String,
    stderr: String,
    code: u8,
}

pub(crate) fn run(args: &TailscaleTestArgs) -> anyhow::Result<ExitCode> {
    let o = outcome(args)?;
    eprint!("{}", o.stderr);
    crate::emit(&o.stdout)?;
    Ok(ExitCode::from(o.code))
}

/// Reads the inputs, runs the tests and renders the result; `Err` for input that
/// cannot be read at all (exit 2).
fn outcome(args: &TailscaleTestArgs) -> anyhow::Result<Outcome> {
    let policy_text = read_text(&args.policy)?;
    let (policy, mut diags) =
        vpcnet_tailscale::parse_policy(&args.policy, &policy_text).map_err(bad)?;
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut users: Vec<User> = Vec::new();
    let mut devices_file = None;
    for path in &args.lists {
        let text = read_text(path)?;
        if vpcnet_tailscale::is_user_list(&text) && !vpcnet_tailscale::is_device_list(&text) {
            let (u, d) = vpcnet_tailscale::parse_users(path, &text).map_err(bad)?;
            users.extend(u);
            diags.extend(d);
        } else {
            let (n, d) = vpcnet_tailscale::parse_devices(path, &text).map_err(bad)?;
            nodes.extend(n);
            diags.extend(d);
            devices_file.get_or_insert_with(|| path.clone());
        }
        texts.insert(path.clone(), text);
    }
    let tailnet = Tailnet::new(Some(policy), nodes).with_users(users);
    diags.extend(tailnet.findings(devices_file.as_deref()));
    fill_list_positions(&mut diags, &texts);
    texts.insert(args.policy.clone(), policy_text.clone());
    let assertions = tailnet.run_tests();
    let count = |s| {
        diags
            .iter()
            .filter(|d: &&Diagnostic| d.severity == s)
            .count()
    };
    let errors = count(Severity::Error);
    let failed = assertions.iter().filter(|a| !a.passed).count();
    let passed = assertions.len() - failed;
    let tests = tailnet.policy().map_or(0, |p| p.tests.len());
    let mut stderr = String::new();
    let stdout = match args.format {
        Format::Json => {
            let report = Report {
                policy: args.policy.clone(),
                devices: tailnet.nodes().len(),
                users: tailnet.users().len(),
                passed,
                failed,
                errors,
                assertions: assertions
                    .iter()
                    .map(|a| wire_assertion(a, &policy_text))
                    .collect(),
                diagnostics: diags.iter().map(wire::diagnostic).collect(),
            };
            serde_json::to_string_pretty(&report)? + "\n"
        }
        Format::Text => {
            for d in &diags {
                let text = d
                    .location
                    .as_ref()
                    .and_then(|l| l.file.as_ref())
                    .and_then(|f| texts.get(f))
                    .map(String::as_str);
                stderr.push_str(&input::render_diagnostic(d, text));
            }
            let mut out = String::new();
            if assertions.is_empty() {
                out.push_str(&format!("{}: the policy has no tests\n", args.policy));
            } else {
                out.push_str(&format!(
                    "{}: {} assertion(s) in {tests} test(s), {} device(s)\n",
                    args.policy,
                    assertions.len(),
                    tailnet.nodes().len()
                ));
            }
            for a in &assertions {
                out.push_str(&format!("{a}\n"));
                if !a.passed {
                    out.push_str(&format!(
                        "      test at {}\n",
                        at(&args.policy, &policy_text, &a.pointer)
                    ));
                    if let Decision::Allowed(m) = &a.decision {
                        out.push_str(&format!(
                            "      rule at {}\n",
                            at(&args.policy, &policy_text, &m.dst_pointer)
                        ));
                    }
                }
            }
            if !assertions.is_empty() {
                out.push_str(&format!("{passed} passed, {failed} failed\n"));
            }
            if errors > 0 {
                out.push_str(&format!(
                    "the inputs have {errors} error(s); Tailscale would refuse this policy\n"
                ));
            }
            out
        }
    };
    let code = if errors > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    };
    Ok(Outcome {
        stdout,
        stderr,
        code,
    })
}

fn wire_assertion(a: &Assertion, policy_text: &str) -> WireAssertion {
    let pos = vpcnet_tailscale::position(policy_text, &a.pointer);
    WireAssertion {
        test: a.test,
        expect: a.expect.as_str(),
        src: a.src.clone(),
        dst: a.dst.clone(),
        proto: a.proto.clone(),
        passed: a.passed,
        device: a.device.clone(),
        decision: decision(&a.decision),
        pointer: a.pointer.clone(),
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
    }
}

/// Findings about devices that point into a list by pointer only get a line and
/// column from the list's text.
fn fill_list_positions(diags: &mut [Diagnostic], texts: &HashMap<String, String>) {
    for d in diags.iter_mut() {
        let Some(loc) = d.location.as_mut() else {
            continue;
        };
        if loc.line.is_some() {
            continue;
        }
        let (Some(file), Some(ptr)) = (loc.file.as_ref(), loc.pointer.as_ref()) else {
            continue;
        };
        if let Some((l, c)) = texts
            .get(file)
            .and_then(|t| vpcnet_tailscale::position(t, ptr))
        {
            loc.line = Some(l);
            loc.column = Some(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture of the Tailscale crate's tests.
    fn data(name: &str) -> String {
        format!(
            "{}/../vpcnet-tailscale/tests/data/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    fn temp(name: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("vpcnet-ts-cmd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writable");
        path.display().to_string()
    }

    fn args(policy: String, lists: Vec<String>, format: Format) -> TailscaleTestArgs {
        TailscaleTestArgs {
            policy,
            lists,
            format,
        }
    }

    #[test]
    fn a_failing_assertion_exits_1_and_points_at_test_and_rule() {
        let o = outcome(&args(
            data("corp.hujson"),
            vec![data("corp.devices.json")],
            Format::Text,
        ))
        .expect("readable");
        assert_eq!(o.code, 1);
        assert!(
            o.stdout
                .contains("10 assertion(s) in 5 test(s), 10 device(s)\n"),
            "{}",
            o.stdout
        );
        assert!(o.stdout.ends_with("9 passed, 1 failed\n"), "{}", o.stdout);
        let fail: Vec<&str> = o
            .stdout
            .lines()
            .skip_while(|l| !l.starts_with("FAIL"))
            .take(3)
            .collect();
        assert_eq!(fail.len(), 3, "{}", o.stdout);
        assert!(fail[0].starts_with(
            "FAIL  tests[2] deny carol@example.com -> printer:161 (tcp or udp): allowed by acls[3]"
        ));
        assert!(
            fail[1].ends_with("corp.hujson:59:56 #/tests/2/deny/1"),
            "{}",
            fail[1]
        );
        assert!(
            fail[2].ends_with("corp.hujson:32:72 #/acls/3/dst/0"),
            "{}",
            fail[2]
        );
        assert!(
            o.stderr.contains("note[ROUTE_NOT_APPROVED]"),
            "{}",
            o.stderr
        );
        assert!(
            o.stderr.contains("corp.devices.json:75:5 #/devices/7"),
            "{}",
            o.stderr
        );
    }

    #[test]
    fn all_passing_exits_0_and_json_carries_the_rule() {
        let policy = temp(
            "pass.hujson",
            r#"{
  // Engineers reach the web tier.
  "groups": {"group:eng": ["alice@example.com"]},
  "tagOwners": {"tag:web": []},
  "grants": [{"src": ["group:eng"], "dst": ["tag:web"], "ip": ["tcp:443"]}],
  "tests": [{"src": "alice@example.com", "accept": ["tag:web:443"], "deny": ["tag:web:22"]}],
}"#,
        );
        let o = outcome(&args(policy, vec![], Format::Json)).expect("readable");
        assert_eq!(o.code, 0, "{}", o.stdout);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("JSON");
        assert_eq!(v["passed"], 2);
        assert_eq!(v["failed"], 0);
        assert_eq!(v["errors"], 0);
        let a = &v["assertions"][0];
        assert_eq!(a["decision"]["verdict"], "allowed");
        assert_eq!(a["decision"]["rule"]["section"], "grants");
        assert_eq!(a["decision"]["rule"]["dst_pointer"], "/grants/0/dst/0");
        assert_eq!(
            (a["line"].clone(), a["column"].clone()),
            (6.into(), 53.into())
        );
        let d = &v["assertions"][1]["decision"];
        assert_eq!(
            (d["verdict"].clone(), d["reason"].clone()),
            ("denied".into(), "no_rule_matched".into())
        );
    }

    #[test]
    fn bad_input_exits_2() {
        let broken = temp(
            "broken.hujson",
            "{\n  \"acls\": [\n    {\"action\": \"accept\",}\n  ]\n  \"x\": 1\n}",
        );
        let e = outcome(&args(broken, vec![], Format::Text))
            .err()
            .expect("refused");
        assert!(e.downcast_ref::<BadInput>().is_some());
        assert!(
            e.to_string().ends_with(
                "broken.hujson`:5:3: expected `,` or `}` after an object member, found `\"`"
            ),
            "{e}"
        );
        let missing = outcome(&args(data("nope.hujson"), vec![], Format::Text))
            .err()
            .expect("refused");
        assert!(missing.to_string().starts_with("cannot read"), "{missing}");
        let not_devices = temp("nodevices.json", r#"{"hello": 1}"#);
        let e = outcome(&args(data("corp.hujson"), vec![not_devices], Format::Text))
            .err()
            .expect("refused");
        assert!(
            e.to_string()
                .ends_with("is not a Tailscale device list: it has no `devices`"),
            "{e}"
        );
        // A policy Tailscale would refuse: its tests still run, and the exit is 2.
        let invalid = temp(
            "invalid.hujson",
            r#"{"acls": [{"action": "accept", "src": ["*"], "dst": ["tag:nowhere:22"]}],
                "tests": [{"src": "a@example.com", "deny": ["100.64.0.1:22"]}]}"#,
        );
        let o = outcome(&args(invalid, vec![], Format::Text)).expect("readable");
        assert_eq!(o.code, 2, "{}", o.stdout);
        assert!(
            o.stderr
                .contains("error[UNKNOWN_REFERENCE]: tag `tag:nowhere`"),
            "{}",
            o.stderr
        );
        assert!(o.stdout.contains("PASS  tests[0] deny"), "{}", o.stdout);
        assert!(
            o.stdout.ends_with("Tailscale would refuse this policy\n"),
            "{}",
            o.stdout
        );
    }

    #[test]
    fn user_lists_are_recognised_by_content() {
        let policy = temp(
            "roles.hujson",
            r#"{"tagOwners": {"tag:db": []},
                "acls": [{"action": "accept", "src": ["autogroup:admin"], "dst": ["tag:db:22"]}],
                "tests": [{"src": "alice@example.com", "accept": ["tag:db:22"]}]}"#,
        );
        let users = temp(
            "users.json",
            r#"{"users": [{"loginName": "alice@example.com", "role": "admin"}]}"#,
        );
        let without = outcome(&args(policy.clone(), vec![], Format::Text)).expect("readable");
        assert_eq!(without.code, 1, "{}", without.stdout);
        assert!(
            without.stderr.contains("ROLES_UNKNOWN"),
            "{}",
            without.stderr
        );
        let with = outcome(&args(policy, vec![users], Format::Text)).expect("readable");
        assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    }
}
