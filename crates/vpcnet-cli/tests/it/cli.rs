//! The `vpcnet` binary as users and scripts meet it: the JSON contract, exit statuses,
//! messages for bad input.

use serde_json::Value;

use crate::support::{stderr, stdout, temp_file, vpcnet};

fn trace_json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["trace", "example:cross-vpc", "--format", "json"];
    all.extend_from_slice(args);
    let o = vpcnet(&all);
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

#[test]
fn trace_json_contract_when_reachable() {
    let (v, code) = trace_json(&[
        "--from",
        "eks-runner",
        "--to",
        "sonarqube",
        "--port",
        "9000",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "reachable");
    assert_eq!(v["blocked_by"], Value::Null);
    assert!(v["translations"].as_array().unwrap().is_empty());
    for dir in ["forward", "return"] {
        let hops = v[dir]["hops"].as_array().unwrap();
        assert!(hops.len() >= 5, "{dir}: {hops:?}");
        for h in hops {
            for key in ["component", "type", "name", "action", "detail"] {
                assert!(h.get(key).is_some(), "hop lacks `{key}`: {h}");
            }
        }
        assert_eq!(v[dir]["code"], Value::Null);
    }
    let types: Vec<&str> = v["forward"]["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"vpc-peering-connection") && types.contains(&"security-group"),
        "{types:?}"
    );
    assert_eq!(v["to"]["ip"], "10.0.10.8");
    assert_eq!(v["to"]["resource"]["component"], "i-sonarqube");
}

#[test]
fn trace_json_contract_when_blocked() {
    let (v, code) = trace_json(&[
        "--from",
        "staging-api",
        "--to",
        "sonarqube",
        "--port",
        "9000",
    ]);
    assert_eq!(code, 0, "a finished analysis exits 0 whatever the verdict");
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(v["blocked_by"]["code"], "ENI_SG_RULES_MISMATCH");
    assert_eq!(v["blocked_by"]["component"], "sg-sonarqube-sg");
    assert_eq!(v["forward"]["code"], "ENI_SG_RULES_MISMATCH");
    assert_eq!(v["return"], Value::Null);
}

#[test]
fn trace_reports_translations() {
    let (v, _) = trace_json(&["--from", "eks-runner", "--to", "internet"]);
    assert_eq!(v["verdict"], "reachable");
    let t: Vec<(String, String, String)> = v["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["direction"].as_str().unwrap().into(),
                x["from"].as_str().unwrap().into(),
                x["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        t[0],
        ("forward".into(), "10.1.34.50".into(), "10.1.0.10".into())
    );
    assert_eq!(
        t[1],
        ("forward".into(), "10.1.0.10".into(), "203.0.113.30".into())
    );
    assert_eq!(t.len(), 4);
}

#[test]
fn expect_turns_a_different_verdict_into_exit_1() {
    let base = [
        "trace",
        "example:cross-vpc",
        "--from",
        "eks-runner",
        "--to",
        "sonarqube",
        "--port",
        "9000",
    ];
    let mut args = base.to_vec();
    args.extend(["--expect", "reachable"]);
    assert_eq!(vpcnet(&args).status.code(), Some(0));
    let mut args = base.to_vec();
    args.extend(["--expect", "unreachable"]);
    assert_eq!(vpcnet(&args).status.code(), Some(1));
}

#[test]
fn text_trace_reads_like_a_walkthrough() {
    let o = vpcnet(&[
        "trace",
        "example:cross-vpc",
        "--from",
        "10.1.34.50",
        "--to",
        "10.0.10.8",
        "--port",
        "9000",
    ]);
    let text = stdout(&o);
    assert!(
        text.starts_with("REACHABLE: 10.1.34.50 (10.1.34.50) -> 10.0.10.8 (10.0.10.8) tcp/9000"),
        "{text}"
    );
    assert!(
        text.contains("10.0.0.0/16 -> dev-shared (pcx-0535aabbb2629e915)"),
        "{text}"
    );
    assert!(text.contains("tcp port 9000 from 10.1.0.0/16"), "{text}");
    assert!(
        text.contains("\nforward  tcp 10.1.34.50:49152 -> 10.0.10.8:9000\n"),
        "{text}"
    );
    assert!(
        text.contains("\nreturn  tcp 10.0.10.8:9000 -> 10.1.34.50:49152\n"),
        "{text}"
    );
}

#[test]
fn bad_endpoints_and_inputs_exit_2_with_a_reason() {
    let o = vpcnet(&[
        "trace",
        "example:cross-vpc",
        "--from",
        "nobody",
        "--to",
        "sonarqube",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--from: cannot resolve `nobody`"),
        "{}",
        stderr(&o)
    );
    let o = vpcnet(&["trace", "/nonexistent/net.yaml", "--from", "a", "--to", "b"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read `/nonexistent/net.yaml`"),
        "{}",
        stderr(&o)
    );
    let bad = temp_file(
        "cli",
        "broken.yaml",
        "vpcs:\n  - name: a\n    cidr: [10.0.0.0/16\n",
    );
    let o = vpcnet(&["check", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.yaml:"), "{}", stderr(&o));
    // A syntax error is one diagnostic, said once, at a column that exists.
    let bad = temp_file("cli", "broken.json", "{\"vpcs\": [\n");
    let o = vpcnet(&["check", &bad]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("error[SPEC_SYNTAX]: EOF while parsing"),
        "{err}"
    );
    assert!(err.contains("broken.json:2:1"), "{err}");
    let o = vpcnet(&[
        "trace",
        "example:cross-vpc",
        "--from",
        "eks-runner",
        "--to",
        "vault",
        "--protocol",
        "tcpx",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_exits_1_on_errors_and_locates_them() {
    let o = vpcnet(&["check", "example:cross-vpc"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("0 error(s), 1 warning(s)"),
        "{}",
        stdout(&o)
    );
    let spec = temp_file("cli", "errors.yaml", "vpcs:\n  - name: a\n    cidr: 10.0.0.0/16\n    subnets:\n      - {name: s, cidr: 10.5.0.0/24}\n");
    let o = vpcnet(&["check", &spec, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "SUBNET_OUTSIDE_VPC");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["line"], 5);
    assert_eq!(d["location"]["pointer"], "/vpcs/0/subnets/0");
}

#[test]
fn demo_tours_reachable_and_blocked_paths() {
    let o = vpcnet(&["demo"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for want in [
        "REACHABLE: eks-runner",
        "ENI_SG_RULES_MISMATCH",
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        "203.0.113.30",
        "DNS_ZONE_NOT_ASSOCIATED",
        "REACHABLE: agent-1",
        "source 100.119.26.88 -> 10.0.12.10",
        "over PrivateLink",
    ] {
        assert!(text.contains(want), "demo lacks `{want}`");
    }
}

#[test]
fn example_schema_and_generate_print_what_they_promise() {
    let o = vpcnet(&["example", "cross-vpc"]);
    let path = temp_file("cli", "example.yaml", &stdout(&o));
    assert_eq!(vpcnet(&["check", &path]).status.code(), Some(0));
    let o = vpcnet(&["schema"]);
    let schema: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(schema["properties"]["vpcs"].is_object());
    let a = stdout(&vpcnet(&["generate", "--vpcs", "4", "--seed", "9"]));
    let b = stdout(&vpcnet(&["generate", "--vpcs", "4", "--seed", "9"]));
    assert_eq!(a, b);
    let path = temp_file("cli", "generated.yaml", &a);
    assert_eq!(vpcnet(&["check", &path]).status.code(), Some(0));
    assert_eq!(vpcnet(&["example", "nope"]).status.code(), Some(2));
}

#[test]
fn export_writes_a_spec_that_traces_the_same() {
    let o = vpcnet(&["export", "yaml", "example:cross-vpc"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = temp_file("cli", "exported.yaml", &stdout(&o));
    let p = path.as_str();
    for (from, to, port) in [
        ("eks-runner", "sonarqube", "9000"),
        ("staging-api", "sonarqube", "9000"),
        ("eks-runner", "staging-api", "443"),
        ("eks-runner", "sonarqube.shared.example.internal", "9000"),
        ("staging-api", "sonarqube.shared.example.internal", "9000"),
    ] {
        let a = stdout(&vpcnet(&[
            "trace",
            "example:cross-vpc",
            "--from",
            from,
            "--to",
            to,
            "--port",
            port,
            "--format",
            "json",
        ]));
        let b = stdout(&vpcnet(&[
            "trace", p, "--from", from, "--to", to, "--port", port, "--format", "json",
        ]));
        let (a, b): (Value, Value) = (
            serde_json::from_str(&a).unwrap(),
            serde_json::from_str(&b).unwrap(),
        );
        assert_eq!(a["verdict"], b["verdict"]);
        assert_eq!(a["blocked_by"]["code"], b["blocked_by"]["code"]);
        assert_eq!(
            a["forward"]["hops"].as_array().unwrap().len(),
            b["forward"]["hops"].as_array().unwrap().len()
        );
    }
}

#[test]
fn trace_to_a_dns_name_starts_with_the_resolution() {
    let (v, code) = trace_json(&[
        "--from",
        "eks-runner",
        "--to",
        "sonar.shared.example.internal",
        "--port",
        "9000",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "reachable");
    assert_eq!(v["to"]["ip"], "10.0.10.8");
    let actions: Vec<&str> = v["forward"]["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..5],
        ["resolve", "resolve", "resolve", "resolve", "send"]
    );
    assert_eq!(v["dns"]["answers"], serde_json::json!(["10.0.10.8"]));
    assert_eq!(v["dns"]["resolver"], "10.1.0.2");

    let (v, code) = trace_json(&[
        "--from",
        "staging-api",
        "--to",
        "sonarqube.shared.example.internal",
        "--port",
        "9000",
        "--expect",
        "unreachable",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(v["blocked_by"]["code"], "DNS_ZONE_NOT_ASSOCIATED");
    assert_eq!(v["to"]["ip"], Value::Null);
    assert_eq!(v["dns"]["resolved"], false);
}

#[test]
fn resolve_prints_the_chain_and_the_answers() {
    let o = vpcnet(&[
        "resolve",
        "sonar.shared.example.internal",
        "example:cross-vpc",
        "--from",
        "dev",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["answers"], serde_json::json!(["10.0.10.8"]));
    assert_eq!(v["from_vpc"]["name"], "dev");
    let zones: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"] == "hosted-zone")
        .map(|s| s["component"].as_str().unwrap())
        .collect();
    assert_eq!(zones, ["Z0SHAREDEXAMPLE01", "Z0SHAREDEXAMPLE01"]);

    let o = vpcnet(&[
        "resolve",
        "langfuse.dev.example.internal",
        "example:cross-vpc",
        "--from",
        "10.1.35.46",
    ]);
    assert!(stdout(&o).contains("100.119.26.88"), "{}", stdout(&o));

    let o = vpcnet(&[
        "resolve",
        "sonarqube.shared.example.internal",
        "example:cross-vpc",
        "--from",
        "internet",
    ]);
    let text = stdout(&o);
    assert!(
        text.starts_with("UNRESOLVED") && text.contains("DNS_ZONE_NOT_ASSOCIATED"),
        "{text}"
    );

    let o = vpcnet(&[
        "resolve",
        "x.example.com",
        "example:cross-vpc",
        "--from",
        "nowhere",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--from"), "{}", stderr(&o));

    let o = vpcnet(&["resolve", "a..b", "example:cross-vpc", "--from", "dev"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a DNS name"), "{}", stderr(&o));
}

fn snapshot(name: &str) -> String {
    format!(
        "{}/../vpcnet-aws/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn aws_snapshot_directories_trace_like_the_spec() {
    let dir = snapshot("seed000");
    for (from, to, port) in [
        ("10.1.34.50", "10.0.10.8", "9000"),
        ("eks-runner", "sonarqube", "9000"),
    ] {
        let o = vpcnet(&[
            "trace", &dir, "--from", from, "--to", to, "--port", port, "--format", "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["verdict"], "reachable", "{from} -> {to}");
        assert_eq!(
            v["forward"]["hops"][2]["component"],
            "rtb-0d3f7a8b9c0d10002"
        );
    }
    let o = vpcnet(&["check", &dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Exported, the snapshot is a spec that loads cleanly.
    let o = vpcnet(&["export", "yaml", &dir]);
    let path = temp_file("cli", "snapshot.yaml", &stdout(&o));
    assert_eq!(vpcnet(&["check", &path]).status.code(), Some(0));
}

#[test]
fn broken_snapshots_are_reported_with_file_line_and_pointer() {
    let o = vpcnet(&["check", &snapshot("broken")]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("vpcs.json:33:26 #/Vpcs/1/CidrBlock"),
        "{text}"
    );
    let empty = std::env::temp_dir().join(format!("vpcnet-not-a-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let o = vpcnet(&["check", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an AWS snapshot"), "{}", stderr(&o));
}

#[test]
fn terraform_plans_trace_after_the_change_or_before_it() {
    let plan = format!(
        "{}/../vpcnet-terraform/tests/data/seed002.plan.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = vpcnet(&[
        "trace",
        &plan,
        "--from",
        "analysis",
        "--to",
        "anonymised-db",
        "--port",
        "5432",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verdict"], "reachable");
    // Before the change nothing exists: the names do not resolve.
    let o = vpcnet(&[
        "trace",
        &plan,
        "--before",
        "--from",
        "analysis",
        "--to",
        "anonymised-db",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot resolve `analysis`"),
        "{}",
        stderr(&o)
    );
}
