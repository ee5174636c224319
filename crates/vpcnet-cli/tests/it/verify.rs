//! `vpcnet verify`: intents over the built-in `cross-vpc` example, in every format,
//! and located messages for bad intents files.

use expect_test::{expect, Expect};
use serde_json::Value;

use crate::support::{stderr, stdout, temp_file, vpcnet};

const INTENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/intents/cross-vpc.yaml"
);

/// Runs `verify` over the example with an intents file; stdout, stderr, exit status.
fn verify(intents: &str, format: &str) -> (String, String, i32) {
    let o = vpcnet(&["verify", "example:cross-vpc", intents, "--format", format]);
    (stdout(&o), stderr(&o), o.status.code().unwrap())
}

fn check_text(intents: &str, want_code: i32, want: Expect) {
    let (out, err, code) = verify(intents, "text");
    assert_eq!(code, want_code, "{out}{err}");
    want.assert_eq(&out);
}

const MUTATED: &str = "\
intents:
  - name: dev <isolated> & \"sonar\"
    isolated:
      from: i-orchestrator-dev
      to: sonarqube
      protocol: tcp
      ports: 9000-9001
  - name: eks reaches sonarqube
    reachable:
      from: eks-runner
      to: sonarqube
      protocol: tcp
      port: 9000
";

#[test]
fn example_intents_hold() {
    check_text(
        INTENTS,
        0,
        expect![[r#"
            PASS  only-from  shared services accept only the Tailscale router subnet and the dev VPC
            PASS  isolated   the private services subnet is isolated from the internet
            PASS  reachable  orchestrator-dev reaches SonarQube
            PASS  isolated   the database tier is isolated from the internet
            PASS  only-from  the database tier accepts only SonarQube
            PASS  reachable  SonarQube reaches its database

            6 passed, 0 failed
        "#]],
    );
}

#[test]
fn isolated_dev_fails_with_a_counterexample() {
    let path = temp_file("verify", "mutated.yaml", MUTATED);
    let (out, err, code) = verify(&path, "text");
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.starts_with(
            "FAIL  isolated   dev <isolated> & \"sonar\"\nPASS  reachable  eks reaches sonarqube\n"
        ),
        "{out}"
    );
    assert!(out.contains("counterexample: tcp 10.1.35.46:"), "{out}");
    assert!(out.contains("-> 10.0.10.8:9000"), "{out}");
    assert!(
        out.contains("REACHABLE: orchestrator-dev (10.1.35.46) -> sonarqube"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");

    let (out, _, code) = verify(&path, "json");
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let first = &v["intents"][0];
    assert_eq!(first["status"], "fail");
    assert_eq!(first["kind"], "isolated");
    let violation = &first["violations"][0];
    assert_eq!(violation["flow"], "tcp 9000");
    assert_eq!(violation["trace"]["verdict"], "reachable");
    assert!(violation["packet"]
        .as_str()
        .unwrap()
        .starts_with("tcp 10.1.35.46:"));
    assert_eq!(v["intents"][1]["violations"].as_array().unwrap().len(), 0);
}

#[test]
fn junit_counts_cases_and_escapes() {
    let path = temp_file("verify", "junit.yaml", MUTATED);
    let (out, _, code) = verify(&path, "junit");
    assert_eq!(code, 1);
    assert!(
        out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{out}"
    );
    assert_eq!(out.matches("<testsuite ").count(), 1, "{out}");
    assert_eq!(out.matches("<testcase ").count(), 2, "{out}");
    assert_eq!(out.matches("<failure ").count(), 1, "{out}");
    assert_eq!(out.matches("</failure>").count(), 1, "{out}");
    assert!(
        out.contains("name=\"dev &lt;isolated&gt; &amp; &quot;sonar&quot;\""),
        "{out}"
    );
    assert!(out.contains("tests=\"2\" failures=\"1\""), "{out}");
    // Nothing unescaped inside the failure: the only `<` are the markup's own.
    let body = &out[out.find("<failure ").unwrap()..out.find("</failure>").unwrap()];
    assert_eq!(body.matches('<').count(), 1, "{body}");
    assert!(body.contains("-&gt; sonarqube"), "{body}");
}

#[test]
fn sarif_has_rules_and_located_results() {
    let path = temp_file("verify", "sarif.yaml", MUTATED);
    let file = &path;
    let (out, _, code) = verify(file, "sarif");
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "vpcnet");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["reachable", "isolated", "only-from", "through"]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "isolated");
    assert_eq!(r["level"], "error");
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("counterexample tcp 10.1.35.46:"));
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], file.replace('\\', "/"));
    assert_eq!(loc["region"]["startLine"], 2);
}

#[test]
fn bad_intents_are_located() {
    for (name, text, want) in [
        (
            "unknown-key.yaml",
            "intents:\n  - name: x\n    isolated:\n      from: internet\n      towards: sonarqube\n",
            ":5:7: unknown key `towards` in `isolated`",
        ),
        (
            "unknown-resource.yaml",
            "intents:\n  - name: x\n    reachable:\n      from: internet\n      to: [sonarqube, no-such-host]\n",
            ":5:23: cannot resolve `no-such-host`",
        ),
        (
            "bad-port.yaml",
            "intents:\n  - reachable: {from: internet, to: sonarqube, port: 99999}\n",
            ":2:54: `port`: `99999` is not a port",
        ),
        (
            "missing-to.yaml",
            "intents:\n  - name: x\n    isolated:\n      from: internet\n",
            ":3:5: `isolated` needs `to`",
        ),
    ] {
        let path = temp_file("verify", name, text);
        let file = &path;
        let (out, err, code) = verify(file, "text");
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(&format!("{file}{want}")), "{name}: {err}");
        assert!(out.is_empty(), "{name}: {out}");
    }
}

#[test]
fn intents_flag_and_no_intents() {
    let o = vpcnet(&["verify", "example:cross-vpc", "--intents", INTENTS]);
    assert_eq!(o.status.code(), Some(0));
    let o = vpcnet(&["verify", "example:cross-vpc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no intents"));
}

/// The database tier's intents are checked, not only written: a group opened to every
/// address lets the services subnet's other hosts in, and `only-from` names the tier.
#[test]
fn db_tier_open_to_everyone_fails_only_from() {
    let example = vpcnet(&["example", "cross-vpc"]);
    assert!(example.status.success());
    let text = String::from_utf8(example.stdout).unwrap();
    let scoped = "{protocol: tcp, ports: 5432, sg: sonarqube-sg, description: SonarQube}";
    assert_eq!(
        text.matches(scoped).count(),
        1,
        "the example's db group changed"
    );
    let open = text.replace(scoped, "{protocol: tcp, ports: 5432, cidr: 0.0.0.0/0}");
    let net = temp_file("verify", "db-open.yaml", &open);
    let o = vpcnet(&["verify", &net, INTENTS]);
    let out = stdout(&o);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    // Still no way in from the internet; SonarQube still gets through.
    for line in [
        "PASS  isolated   the database tier is isolated from the internet\n",
        "FAIL  only-from  the database tier accepts only SonarQube\n",
        "PASS  reachable  SonarQube reaches its database\n",
        "5 passed, 1 failed\n",
    ] {
        assert!(out.contains(line), "lacks `{line}`:\n{out}");
    }
    // The services subnet's other hosts, which the db ACL admits, get in: each is a
    // violation against the db subnet, and one of them is the counterexample.
    for host in ["vault-sg (sg-vault-sg)", "authentik-sg (sg-authentik-sg)"] {
        assert!(out.contains(host), "lacks `{host}`:\n{out}");
    }
    assert!(
        out.contains("-> subnet shared-db-a (subnet-shared-db-a)"),
        "{out}"
    );
    let packet = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("counterexample: "))
        .unwrap_or_else(|| panic!("no counterexample:\n{out}"));
    assert!(packet.ends_with(" -> 10.0.20.10:5432"), "{packet}");
    assert!(
        packet.starts_with("tcp 10.0.10.20:") || packet.starts_with("tcp 10.0.10.30:"),
        "{packet}"
    );
    assert!(
        out.contains("-> sonarqube-db (10.0.20.10) tcp/5432"),
        "{out}"
    );
    assert!(
        out.contains("inbound allowed by rule #1: tcp port 5432 from 0.0.0.0/0"),
        "{out}"
    );
}

/// Lines the child prints, as they come.
fn lines_of(out: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// One report: the lines up to its summary (`… passed, … failed`).
fn next_report(rx: &std::sync::mpsc::Receiver<String>) -> String {
    let mut out = String::new();
    loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("a report in time");
        out.push_str(&line);
        out.push('\n');
        if line.ends_with(" failed") {
            return out;
        }
    }
}

/// Kills the child when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_checks_again_after_a_rule_edit_as_a_fresh_run_does() {
    let dir = crate::support::TempDir::new("verify-watch");
    let spec = vpcnet_spec::examples::get("cross-vpc").expect("the example");
    let net = dir.write("net.yaml", spec);
    let intents = dir.write(
        "intents.yaml",
        &std::fs::read_to_string(INTENTS).expect("the example intents"),
    );
    let err_path = dir.write("stderr.txt", "");
    let mut child = Killed(
        std::process::Command::new(env!("CARGO_BIN_EXE_vpcnet"))
            .args(["verify", &net, &intents, "--watch"])
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&err_path).expect("a stderr file"))
            .spawn()
            .expect("runs"),
    );
    let rx = lines_of(child.0.stdout.take().expect("piped"));
    let first = next_report(&rx);
    assert!(first.ends_with("6 passed, 0 failed\n"), "{first}");

    // The database's group opened to every address: only a rule changed.
    let opened = spec.replace(
        "{protocol: tcp, ports: 5432, sg: sonarqube-sg, description: SonarQube}",
        "{protocol: tcp, ports: 5432, cidr: 0.0.0.0/0, description: everyone}",
    );
    assert_ne!(opened, spec);
    std::fs::write(&net, &opened).expect("edits");
    let second = next_report(&rx);
    let fresh = vpcnet(&["verify", &net, &intents]);
    assert_eq!(second, stdout(&fresh), "the kept answer is the fresh one");
    assert!(
        second.contains("FAIL  only-from  the database tier accepts only SonarQube"),
        "{second}"
    );
    let err = std::fs::read_to_string(&err_path).expect("stderr");
    assert!(err.contains("re-verified: only rules changed: "), "{err}");

    // A change that is not a rule's (a new tag) is answered afresh.
    std::fs::write(
        &net,
        spec.replace("tags: {tier: db}}", "tags: {tier: db, team: data}}"),
    )
    .expect("edits");
    let third = next_report(&rx);
    assert!(third.ends_with("6 passed, 0 failed\n"), "{third}");
    let err = std::fs::read_to_string(&err_path).expect("stderr");
    assert!(err.contains("re-verified: answered afresh"), "{err}");
}
