//! `vpcnet diff`: two inputs or a Terraform plan alone, the Markdown comment (snapshots
//! over changes to the built-in `cross-vpc` example), the JSON contract and the exit
//! statuses.

use std::path::Path;
use std::process::Output;

use expect_test::{expect, expect_file, Expect, ExpectFile};
use serde_json::{json, Value};

use crate::support::{stderr, stdout, vpcnet, TempDir};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

/// The `cross-vpc` example as `vpcnet example` prints it, before and after `edits`.
/// Each edit must apply exactly once: when the example changes, only the snapshots
/// need regenerating (`UPDATE_EXPECT=1`), unless a line edited here changed too.
fn example_pair(dir: &TempDir, edits: &[(&str, &str)]) -> (String, String) {
    let o = vpcnet(&["example", "cross-vpc"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = stdout(&o);
    let mut after = before.clone();
    for (from, to) in edits {
        assert_eq!(
            after.matches(from).count(),
            1,
            "`{from}` must occur once in the cross-vpc example"
        );
        after = after.replace(from, to);
    }
    (
        dir.write("before.yaml", &before),
        dir.write("after.yaml", &after),
    )
}

fn run(args: &[&str], code: i32) -> Output {
    let o = vpcnet(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn check(args: &[&str], code: i32, expect: Expect) {
    expect.assert_eq(&stdout(&run(args, code)));
}

/// The Markdown comment for one edit of the example, as a snapshot; `--exit-code`
/// makes a change exit 1.
fn check_markdown(tag: &str, edits: &[(&str, &str)], snapshot: ExpectFile) {
    let dir = TempDir::new(tag);
    let (b, a) = example_pair(&dir, edits);
    let o = run(&["diff", &b, &a, "--format", "markdown", "--exit-code"], 1);
    snapshot.assert_eq(&stdout(&o));
}

const SONAR_RULE: &str = "          - {protocol: tcp, ports: 9000, cidr: 10.1.0.0/16, description: dev VPC over peering (EKS runners)}\n";
const OFFICE_SSH: &str = "{protocol: tcp, ports: 22, cidr: 198.51.100.0/24, description: office}";
const WORLD_SSH: &str = "{protocol: tcp, ports: 22, cidr: 0.0.0.0/0, description: anywhere}";

#[test]
fn markdown_for_ssh_opened_to_the_world() {
    check_markdown(
        "md-ssh",
        &[(OFFICE_SSH, WORLD_SSH)],
        expect_file!["snapshots/diff_cross_vpc_ssh_world.md"],
    );
}

#[test]
fn markdown_for_a_removed_rule() {
    check_markdown(
        "md-sonar",
        &[(SONAR_RULE, "")],
        expect_file!["snapshots/diff_cross_vpc_sonar_rule.md"],
    );
}

#[test]
fn same_input_is_no_change_and_exits_zero() {
    check(
        &[
            "diff",
            "example:cross-vpc",
            "example:cross-vpc",
            "--exit-code",
            "--all-pairs",
        ],
        0,
        expect![[r#"
            0 gained, 0 lost, 24 pair(s) of subnets unchanged
        "#]],
    );
    check(
        &[
            "diff",
            "example:cross-vpc",
            "example:cross-vpc",
            "--exit-code",
        ],
        0,
        expect![[r#"
            note: the two inputs are the same network: nothing was compared (--all-pairs compares every pair)
            0 gained, 0 lost, 0 compared pair(s) of subnets unchanged
        "#]],
    );
    let o = run(
        &[
            "diff",
            "example:cross-vpc",
            "example:cross-vpc",
            "--format",
            "markdown",
            "--exit-code",
        ],
        0,
    );
    assert!(
        stdout(&o).contains("No connectivity gained or lost"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_change_without_exit_code_exits_zero() {
    let dir = TempDir::new("no-exit-code");
    let (b, a) = example_pair(&dir, &[(SONAR_RULE, "")]);
    let o = run(&["diff", &b, &a], 0);
    assert!(stdout(&o).starts_with("lost:\n"), "{}", stdout(&o));
}

#[test]
fn json_names_the_internet_addresses_that_gained() {
    let dir = TempDir::new("json-ssh");
    let (b, a) = example_pair(&dir, &[(OFFICE_SSH, WORLD_SSH)]);
    let o = run(&["diff", &b, &a, "--format", "json", "--exit-code"], 1);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["format_version"], "1.0");
    assert_eq!(v["level"], "subnet");
    assert_eq!(v["before"], json!({ "input": b }));
    assert_eq!(v["after"], json!({ "input": a }));
    assert_eq!(v["changed"], true);
    assert_eq!(v["lost"], json!([]));
    let gained = v["gained"].as_array().expect("gained");
    let from_internet: Vec<&Value> = gained
        .iter()
        .filter(|c| c["source"]["id"] == "internet")
        .collect();
    assert_eq!(from_internet.len(), 1, "{v:#}");
    let c = from_internet[0];
    assert_eq!(c["source"]["label"], "internet except 198.51.100.0/24");
    let addresses = c["source"]["addresses"].as_array().expect("addresses");
    assert!(addresses.contains(&json!("8.0.0.0/7")), "{addresses:?}");
    assert!(!addresses.iter().any(|a| a == "198.51.100.0/24"));
    assert_eq!(c["destination"]["id"], "subnet-shared-public-a");
    assert_eq!(c["destination"]["presence"], "both");
    assert_eq!(c["destination"]["addresses"], json!([]));
    let flow = &c["flows"][0];
    assert_eq!(flow["protocol"], "tcp");
    assert_eq!(flow["ports"], "22");
    assert_eq!(flow["src_ports"], "all");
    // To the bastion's public address, as the internet sends it.
    assert_eq!(flow["witness"]["dst"], "203.0.113.50");
    assert_eq!(flow["witness"]["dst_port"], 22);
    let cause = &c["causes"][0];
    assert_eq!(
        cause,
        &json!({
            "component": "sg-bastion-sg",
            "type": "security-group",
            "name": "bastion-sg",
            "code": "ENI_SG_RULES_MISMATCH",
            "message": cause["message"],
            "changed": true
        })
    );
}

#[test]
fn plan_alone_compares_prior_state_with_planned_values() {
    let plan = data("sg-rule.plan.json");
    let o = run(&["diff", &plan, "--format", "json", "--exit-code"], 1);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["before"], json!({ "input": plan, "plan": "prior_state" }));
    assert_eq!(
        v["after"],
        json!({ "input": plan, "plan": "planned_values" })
    );
    assert_eq!(v["lost"], json!([]));
    let gained = v["gained"].as_array().expect("gained");
    assert_eq!(gained.len(), 1, "{v:#}");
    assert_eq!(gained[0]["source"]["id"], "subnet-0a1b2c3d4e5f00001");
    assert_eq!(
        gained[0]["source"]["label"],
        "app (subnet-0a1b2c3d4e5f00001)"
    );
    assert_eq!(gained[0]["destination"]["id"], "subnet-0a1b2c3d4e5f00002");
    let flows: Vec<&Value> = gained[0]["flows"].as_array().unwrap().iter().collect();
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0]["description"], "tcp 22");
    assert_eq!(flows[0]["witness"]["src"], "10.20.1.10");
    assert_eq!(flows[0]["witness"]["dst"], "10.20.2.10");
    let cause = &gained[0]["causes"][0];
    assert_eq!(cause["component"], "sg-0a1b2c3d4e5f00002");
    assert_eq!(cause["type"], "security-group");
    assert_eq!(cause["name"], "db");
    assert_eq!(cause["code"], "ENI_SG_RULES_MISMATCH");
    assert_eq!(cause["changed"], true);
    // app -> db on 5432 was there before and stays.
    assert_eq!(v["unchanged_pairs"], 0);
}

#[test]
fn plan_alone_without_exit_code_exits_zero() {
    check(
        &["diff", &data("sg-rule.plan.json")],
        0,
        expect![[r#"
            gained:
              + app (subnet-0a1b2c3d4e5f00001) -> db (subnet-0a1b2c3d4e5f00002): tcp 22
                  because security-group db (sg-0a1b2c3d4e5f00002) changed; stopped them before: ENI_SG_RULES_MISMATCH
                    no inbound rule of security group db (sg-0a1b2c3d4e5f00002) on eni-tf-aws_instance.db of instance db (i-0a1b2c3d4e5f00002) allows tcp 10.20.1.10:49152 -> 10.20.2.10:22
            note: only rules of sg-0a1b2c3d4e5f00002 changed: only pairs they can judge were compared (--all-pairs compares every pair)
            1 gained, 0 lost, 0 compared pair(s) of subnets unchanged
        "#]],
    );
}

fn plan() -> Value {
    let text = std::fs::read_to_string(data("sg-rule.plan.json")).expect("reads");
    serde_json::from_str(&text).expect("JSON")
}

/// The plan with every resource moved into a child module `module.net`, as
/// `terraform show -json` writes modules.
fn in_child_module(mut plan: Value) -> Value {
    for ptr in [
        "/planned_values/root_module",
        "/prior_state/values/root_module",
    ] {
        let root = plan.pointer_mut(ptr).expect("module");
        let mut resources = root["resources"].take();
        for r in resources.as_array_mut().expect("resources") {
            let address = format!("module.net.{}", r["address"].as_str().expect("address"));
            r["address"] = json!(address);
        }
        *root = json!({
            "child_modules": [{ "address": "module.net", "resources": resources }]
        });
    }
    for c in plan["resource_changes"].as_array_mut().expect("changes") {
        let address = format!("module.net.{}", c["address"].as_str().expect("address"));
        c["address"] = json!(address);
        c["module_address"] = json!("module.net");
    }
    plan
}

#[test]
fn plan_with_child_modules_is_read_as_terraform_writes_it() {
    let dir = TempDir::new("modules");
    let path = dir.write(
        "module.plan.json",
        &serde_json::to_string_pretty(&in_child_module(plan())).expect("JSON"),
    );
    let o = run(&["diff", &path, "--exit-code"], 1);
    assert!(
        stdout(&o).starts_with(
            "gained:\n  + app (subnet-0a1b2c3d4e5f00001) -> db (subnet-0a1b2c3d4e5f00002): tcp 22\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn plan_without_prior_state_gains_everything_as_new() {
    // A first `terraform apply`: no prior state at all.
    let mut p = plan();
    p.as_object_mut().expect("object").remove("prior_state");
    let dir = TempDir::new("fresh");
    let path = dir.write("fresh.plan.json", &p.to_string());
    let o = run(&["diff", &path, "--format", "json", "--exit-code"], 1);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let gained = v["gained"].as_array().expect("gained");
    assert_eq!(gained.len(), 1, "{v:#}");
    let c = &gained[0];
    assert_eq!(c["source"]["presence"], "added");
    assert_eq!(c["destination"]["presence"], "added");
    let flows: Vec<&str> = c["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["description"].as_str().unwrap())
        .collect();
    assert_eq!(flows, ["tcp 22, 5432"]);
    assert!(c["causes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["code"] == "RESOURCE_ADDED" && k["changed"] == true));
}

#[test]
fn a_spec_alone_is_bad_input() {
    let dir = TempDir::new("alone");
    let (b, _) = example_pair(&dir, &[]);
    let o = run(&["diff", &b], 2);
    assert!(
        stderr(&o).contains("is not a Terraform plan"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diff", "example:cross-vpc"], 2);
    assert!(
        stderr(&o).contains("is not a Terraform plan"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_state_alone_is_bad_input() {
    let dir = TempDir::new("state");
    let path = dir.write(
        "state.json",
        r#"{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {}}}"#,
    );
    let o = run(&["diff", &path], 2);
    assert!(
        stderr(&o).contains("is a Terraform state, not a plan"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_plan_that_is_not_json_is_bad_input_with_its_line() {
    let dir = TempDir::new("truncated");
    let path = dir.write(
        "cut.plan.json",
        "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\n",
    );
    let o = run(&["diff", &path], 2);
    let err = stderr(&o);
    assert!(err.contains(&path), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_missing_file_is_bad_input() {
    let o = run(&["diff", "no-such-plan.json"], 2);
    assert!(
        stderr(&o).contains("cannot read `no-such-plan.json`"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diff", "example:cross-vpc", "no-such-spec.yaml"], 2);
    assert!(stderr(&o).contains("no-such-spec.yaml"), "{}", stderr(&o));
}

#[test]
fn an_input_with_errors_is_bad_input_located() {
    let dir = TempDir::new("broken");
    let (b, a) = example_pair(
        &dir,
        &[(
            "{name: staging-private-a, cidr: 10.2.1.0/24",
            "{name: staging-private-a, cidr: 10.2.1.0/33",
        )],
    );
    let o = run(&["diff", &b, &a], 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("--> {a}:")), "{err}");
    assert!(err.contains("the network after"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn a_plan_with_a_bad_planned_value_is_bad_input_located() {
    let mut p = plan();
    p["planned_values"]["root_module"]["resources"][2]["values"]["cidr_block"] =
        json!("10.20.2.0/33");
    let dir = TempDir::new("bad-plan");
    let path = dir.write("bad.plan.json", &serde_json::to_string_pretty(&p).unwrap());
    let o = run(&["diff", &path], 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("--> {path}:")), "{err}");
    assert!(err.contains("planned values"), "{err}");
    assert!(err.contains("10.20.2.0/33"), "{err}");
}

#[test]
fn no_internet_leaves_the_internet_out_and_says_so() {
    let dir = TempDir::new("no-internet");
    let (b, a) = example_pair(&dir, &[(OFFICE_SSH, WORLD_SSH)]);
    let o = run(&["diff", &b, &a, "--no-internet", "--format", "json"], 0);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let gained = v["gained"].as_array().expect("gained");
    assert!(!gained.is_empty());
    assert!(
        gained
            .iter()
            .all(|c| c["source"]["id"] != "internet" && c["destination"]["id"] != "internet"),
        "{v:#}"
    );
    assert_eq!(
        v["inexact"],
        json!(["pairs with the internet were not compared"])
    );
}

#[test]
fn a_plan_beside_another_input_stands_for_its_planned_values() {
    let plan = data("sg-rule.plan.json");
    let o = run(
        &[
            "diff",
            &plan,
            &plan,
            "--format",
            "json",
            "--exit-code",
            "--all-pairs",
        ],
        0,
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(
        v["before"],
        json!({ "input": plan, "plan": "planned_values" })
    );
    assert_eq!(v["changed"], false);
    // app -> db: tcp 22 and 5432 on both sides.
    assert_eq!(v["unchanged_pairs"], 1);
}
