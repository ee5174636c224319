//! A Tailscale policy file and device list as inputs next to a spec: recognised by
//! content in any order, traced through the mesh, their findings located, the spec's
//! statements about nodes merged in, and the policy exported as address rules.

use serde_json::Value;

use crate::support::{stderr, stdout, temp_file, vpcnet};

/// A fixture of the Tailscale crate's tests.
fn data(name: &str) -> String {
    let path = format!(
        "{}/../vpcnet-tailscale/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("the fixture is readable")
}

/// The `cross-vpc` example up to its `tailnet` section.
fn network_spec() -> String {
    let full = vpcnet_spec::examples::CROSS_VPC;
    let at = full
        .find("\ntailnet:\n")
        .expect("the example has a tailnet section");
    full[..at + 1].to_owned()
}

/// The network spec with a `tailnet` section of its own.
fn spec_stating(nodes: &str) -> String {
    format!(
        "{}tailnet:\n  name: example.com\n  nodes:\n{nodes}",
        network_spec()
    )
}

/// The statement the API cannot make: orchestrator-dev (Linux) accepts routes.
const ACCEPTS_ROUTES: &str =
    "    - {name: orchestrator-dev, address: 100.119.26.88, accept_routes: true}\n";

/// Spec, policy and device files for `test`.
fn inputs(test: &str, spec: &str) -> [String; 3] {
    [
        temp_file(test, "net.yaml", spec),
        temp_file(test, "policy.hujson", &data("cross-vpc.hujson")),
        temp_file(test, "devices.json", &data("cross-vpc.devices.json")),
    ]
}

fn trace(inputs: &[&str], from: &str, to: &str, port: &str) -> Value {
    let mut args = vec!["trace"];
    args.extend_from_slice(inputs);
    args.extend([
        "--from", from, "--to", to, "--port", port, "--format", "json",
    ]);
    let o = vpcnet(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

#[test]
fn traces_through_the_tailnet_whatever_the_order_of_the_inputs() {
    let [spec, policy, devices] = inputs("order", &spec_stating(ACCEPTS_ROUTES));
    let first = trace(
        &[&spec, &policy, &devices],
        "orchestrator-dev",
        "10.0.10.30",
        "443",
    );
    assert_eq!(first["verdict"], "reachable", "{first:#}");
    let text = first.to_string();
    for step in [
        "to subnet router tailscale-shared (nShared1CNTRL) 100.64.12.10 for its route 10.0.0.0/16",
        "allowed by acls[0]",
        "subnet router SNAT (Tailscale's default; not stated for this router)",
    ] {
        assert!(text.contains(step), "lacks `{step}`: {first:#}");
    }
    let snat = first["translations"]
        .as_array()
        .expect("translations")
        .iter()
        .any(|t| t.to_string().contains("10.0.12.10"));
    assert!(snat, "{first:#}");
    let reordered = trace(
        &[&devices, &policy, &spec],
        "orchestrator-dev",
        "10.0.10.30",
        "443",
    );
    assert_eq!(first, reordered);
    // Mesh addresses and node names work as endpoints.
    let by_address = trace(
        &[&policy, &spec, &devices],
        "100.100.7.1",
        "10.1.35.46",
        "22",
    );
    assert_eq!(by_address["verdict"], "reachable", "{by_address:#}");
    assert!(by_address
        .to_string()
        .contains("subnet router tailscale-dev"));
}

#[test]
fn a_port_no_rule_allows_is_denied_by_the_policy() {
    let [spec, policy, devices] = inputs("deny", &spec_stating(ACCEPTS_ROUTES));
    let v = trace(
        &[&spec, &policy, &devices],
        "orchestrator-dev",
        "10.0.10.30",
        "22",
    );
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(v["blocked_by"]["code"], "TAILSCALE_ACL_DENY", "{v:#}");
    let msg = v["blocked_by"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("tcp port 22 from `orchestrator-dev`"), "{msg}");
    assert!(msg.ends_with(&format!("({policy})")), "{msg}");
    // `--expect` fails the run on it.
    let o = vpcnet(&[
        "trace",
        &spec,
        &policy,
        &devices,
        "--from",
        "orchestrator-dev",
        "--to",
        "10.0.10.30",
        "--port",
        "22",
        "--expect",
        "reachable",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn without_the_spec_s_statement_linux_does_not_accept_routes() {
    let [spec, policy, devices] = inputs("linux", &network_spec());
    let v = trace(
        &[&spec, &policy, &devices],
        "orchestrator-dev",
        "10.0.10.30",
        "443",
    );
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(v["blocked_by"]["code"], "SUBNET_ACL_RESTRICTION", "{v:#}");
    assert!(!v.to_string().contains("tailnet"), "{v:#}");
}

#[test]
fn the_spec_s_stated_values_win_and_its_rules_give_way_to_the_policy() {
    let nodes = format!(
        "{ACCEPTS_ROUTES}    - {{name: tailscale-shared, address: 100.64.12.10, instance: tailscale-shared, routes: [10.0.0.0/16], snat: false}}\n  acls:\n    - src: [orchestrator-dev]\n      dst: [\"10.0.0.0/16:22\"]\n"
    );
    let spec_text = spec_stating(&nodes);
    let [spec, policy, devices] = inputs("stated", &spec_text);
    let v = trace(
        &[&spec, &policy, &devices],
        "orchestrator-dev",
        "10.0.10.30",
        "443",
    );
    // Without SNAT, Authentik's subnet ACL sees the mesh address and refuses it.
    assert_eq!(v["blocked_by"]["code"], "SUBNET_ACL_RESTRICTION", "{v:#}");
    assert!(v.to_string().contains("forwards without SNAT"), "{v:#}");
    // The spec's rule would allow 22; the policy file decides, and does not.
    let v = trace(
        &[&spec, &policy, &devices],
        "orchestrator-dev",
        "10.0.10.30",
        "22",
    );
    assert_eq!(v["blocked_by"]["code"], "TAILSCALE_ACL_DENY", "{v:#}");
    let o = vpcnet(&["check", &spec, &policy, &devices, "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&o)).expect("a report");
    let unused = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "TAILNET_ACLS_UNUSED")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(unused["location"]["file"], spec.as_str());
    let rules_line = spec_text
        .lines()
        .position(|l| l == "    - src: [orchestrator-dev]")
        .expect("the rule is in the spec")
        + 1;
    assert_eq!(unused["location"]["line"], rules_line);
    // Without a policy file, the spec's rules decide, naming nodes the device list
    // describes; past the mesh, the unrewritten source meets the subnet's ACL.
    let v = trace(&[&spec, &devices], "orchestrator-dev", "10.0.10.30", "22");
    assert_eq!(v["blocked_by"]["code"], "SUBNET_ACL_RESTRICTION", "{v:#}");
    assert!(
        v.to_string().contains("allowed by tailnet.acls[0]"),
        "{v:#}"
    );
}

#[test]
fn findings_of_the_tailscale_inputs_carry_file_line_and_column() {
    let [spec, _, _] = inputs("findings", &network_spec());
    let policy = temp_file(
        "findings",
        "policy.hujson",
        &data("cross-vpc.hujson").replace(
            r#""src":    ["tag:ci", "group:eng"],"#,
            r#""src":    ["tag:ci", "tag:nobody", "group:eng"],"#,
        ),
    );
    let devices = temp_file(
        "findings",
        "devices.json",
        &data("cross-vpc.devices.json").replace(
            r#""advertisedRoutes": ["10.1.0.0/16"],"#,
            r#""advertisedRoutes": ["10.1.0.0/16", "10.1.0.0/33"],"#,
        ),
    );
    let o = vpcnet(&["check", &policy, &devices, &spec]);
    let text = stdout(&o);
    for want in [
        format!("  --> {policy}:35:25 #/acls/0/src/1"),
        format!("  --> {devices}:52:43 #/devices/1/advertisedRoutes/1"),
        format!("  --> {devices}:88:5 #/devices/3"),
        format!("  --> {devices}:3:5 #/devices/0"),
        "note[NODE_NOT_TIED]: device `alice-laptop` is tied to no interface".to_owned(),
        "note[ROUTE_NOT_APPROVED]: device `tailscale-shared.tail1234.ts.net` advertises `10.2.0.0/16`".to_owned(),
    ] {
        assert!(text.contains(&want), "lacks `{want}`:\n{text}");
    }
}

#[test]
fn documents_that_cannot_be_read_or_repeat_are_bad_input() {
    let [spec, policy, devices] = inputs("bad", &network_spec());
    let broken = temp_file(
        "bad",
        "broken.hujson",
        "{\n  \"acls\": [\n    {\"action\": }\n  ]\n}\n",
    );
    let o = vpcnet(&["check", &spec, &broken, &devices]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("`{broken}`:3:")),
        "{}",
        stderr(&o)
    );
    let o = vpcnet(&["check", &spec, &policy, &devices, &policy]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("are both tailnet policy files; a network has one tailnet"),
        "{}",
        stderr(&o)
    );
}

/// A spec in JSON that carries `tailnet.acls` is still a spec, not a policy file.
#[test]
fn a_json_spec_with_tailnet_rules_is_not_taken_for_a_policy() {
    let o = vpcnet(&["export", "json", "example:cross-vpc"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"acls\""));
    let spec = temp_file("json", "net.json", &stdout(&o));
    let v = trace(&[&spec], "orchestrator-dev", "authentik", "443");
    assert_eq!(v["verdict"], "reachable", "{v:#}");
}

#[test]
fn export_writes_the_policy_as_address_rules_that_trace_the_same() {
    let [spec, policy, devices] = inputs("export", &spec_stating(ACCEPTS_ROUTES));
    let o = vpcnet(&["export", "yaml", &spec, &policy, &devices]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let exported = stdout(&o);
    assert!(
        exported.contains("    - src: [100.100.7.1/32, 100.119.26.88/32]\n      dst: [10.0.0.0/16:443, 10.0.0.0/16:8200, 10.0.0.0/16:9000]\n"),
        "{exported}"
    );
    let again = temp_file("export", "exported.yaml", &exported);
    for (from, to, port) in [
        ("orchestrator-dev", "10.0.10.30", "443"),
        ("orchestrator-dev", "10.0.10.30", "22"),
        ("alice-laptop", "10.0.10.20", "8200"),
        ("alice-laptop", "10.1.35.46", "22"),
        ("alice-laptop", "10.2.1.15", "443"),
    ] {
        let a = trace(&[&spec, &policy, &devices], from, to, port);
        let b = trace(&[&again], from, to, port);
        assert_eq!(a["verdict"], b["verdict"], "{from} -> {to}:{port}");
        assert_eq!(
            a["blocked_by"]["code"], b["blocked_by"]["code"],
            "{from} -> {to}:{port}"
        );
    }
}
