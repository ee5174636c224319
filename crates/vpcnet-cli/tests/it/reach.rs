//! `vpcnet reach`: what reaches what over all packets, as people and scripts read it.

use serde_json::Value;

use crate::support::{stderr, stdout, vpcnet};

#[test]
fn sources_of_sonarqube_are_the_routers_the_pods_and_the_mesh() {
    let o = vpcnet(&["reach", "example:cross-vpc", "--to", "sonarqube"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // The count of traced packets depends on the order cuts are learnt; leave it out.
    let body: String = text
        .lines()
        .filter(|l| !l.ends_with("packets traced)"))
        .map(|l| format!("{l}\n"))
        .collect();
    expect_test::expect_file!["snapshots/reach_to_sonarqube.txt"].assert_eq(&body);
}

#[test]
fn json_rows_carry_flows_and_a_witness_packet() {
    let o = vpcnet(&[
        "reach",
        "example:cross-vpc",
        "--to",
        "sonarqube",
        "--format",
        "json",
        "--all",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let rows = v["rows"].as_array().expect("rows");
    let reachable: Vec<&Value> = rows.iter().filter(|r| r["reachable"] == true).collect();
    assert!(!reachable.is_empty());
    assert!(rows
        .iter()
        .any(|r| r["reachable"] == false && !r["blocked_by"].as_array().unwrap().is_empty()));
    for r in reachable {
        for f in r["flows"].as_array().unwrap() {
            assert_eq!(f["protocol"], "tcp");
            assert_eq!(f["ports"], "9000");
            assert_eq!(f["witness"]["dst_port"], 9000);
            assert_eq!(f["witness"]["dst"], "10.0.10.8");
        }
    }
    // The EKS pod subnet is among the sources, by its address.
    assert!(rows.iter().any(|r| r["reachable"] == true
        && r["source"]["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "10.1.34.50")));
}

#[test]
fn the_internet_reaches_only_the_bastion_on_ssh_from_the_office() {
    let o = vpcnet(&[
        "reach",
        "example:cross-vpc",
        "--from",
        "internet",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(
        rows[0]["source"]["addresses"][0],
        "198.51.100.0-198.51.100.255"
    );
    assert_eq!(rows[0]["flows"][0]["description"], "tcp 22");
    // In text, the internet is named by the shorter of what it is and what it is not.
    let o = vpcnet(&["reach", "example:cross-vpc", "--from", "internet", "--all"]);
    let out = stdout(&o);
    assert!(
        out.contains("\n  internet 198.51.100.0/24\n  -> subnet shared-public-a"),
        "{out}"
    );
    assert!(
        out.contains("\n  internet except 198.51.100.0/24 -> subnet shared-public-a"),
        "{out}"
    );
    assert!(
        out.contains("\n  internet -> subnet shared-private-a"),
        "{out}"
    );
}

#[test]
fn the_subnet_matrix_as_csv() {
    let o = vpcnet(&[
        "reach",
        "example:cross-vpc",
        "--matrix",
        "subnet",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("from,to,flows\n"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("dev-private-a (subnet-dev-private-a),shared-private-a"))
        .expect("the pods reach the shared services' subnet");
    for port in ["9000", "8200", "443"] {
        assert!(line.contains(&format!("tcp {port}")), "{line}");
    }
    // Nothing in staging reaches the shared services' private subnet.
    assert!(!text
        .lines()
        .any(|l| l.starts_with("staging-private-a (subnet-staging-private-a),shared-private-a")));
}

#[test]
fn a_port_limit_narrows_the_question() {
    let o = vpcnet(&[
        "reach",
        "example:cross-vpc",
        "--to",
        "sonarqube",
        "--port",
        "22",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["rows"].as_array().unwrap().len(), 0, "{v:#}");
}

#[test]
fn bad_questions_are_bad_input() {
    for args in [
        vec!["reach", "example:cross-vpc", "--to", "no-such-thing"],
        vec![
            "reach",
            "example:cross-vpc",
            "--to",
            "sonarqube",
            "--port",
            "70000",
        ],
        vec![
            "reach",
            "example:cross-vpc",
            "--to",
            "sonarqube",
            "--format",
            "csv",
        ],
        vec!["reach", "example:cross-vpc"],
    ] {
        let o = vpcnet(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{err}");
    }
}

/// The observability cluster's load balancer and proxies route by host name: without
/// `--host` no request crosses the VPCs, and the table says why; with a host the
/// regional proxies reach the cluster's subnets over the peering and the transit
/// gateways.
#[test]
fn a_table_across_host_routed_load_balancers_needs_a_host_and_says_so() {
    let o = vpcnet(&["reach", "example:observability", "--matrix", "subnet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains("edge-a (subnet-edge-a) -> observability-a"),
        "{text}"
    );
    assert!(
        text.contains("note: the answer may not be exact: ingest-alb (lb-ingest-alb) routes requests by host name"),
        "{text}"
    );

    let o = vpcnet(&[
        "reach",
        "example:observability",
        "--matrix",
        "subnet",
        "--host",
        "metrics.observability.internal",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for cell in [
        "edge-a (subnet-edge-a) -> observability-a (subnet-observability-a): tcp 80",
        "edge-usw2-a (subnet-edge-usw2-a) -> observability-a (subnet-observability-a): tcp 80",
    ] {
        assert!(text.contains(cell), "{cell} missing from\n{text}");
    }
    assert!(!text.contains("routes requests by host name"), "{text}");
}
