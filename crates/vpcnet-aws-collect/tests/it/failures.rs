//! Collections that fail part of the way keep what they got and say what failed; a
//! collection that can reach nothing is an error.

use serde_json::Value;
use vpcnet_aws_collect::{CollectError, CollectOptions, FailedCall};

use crate::moto::{collect_as, dummy, out_dir, Moto, BASE_ACCOUNT};
use crate::setup::{role, Ec2, ACCOUNT_B};

/// A user whose policy allows everything but `denied`; its access key and secret.
async fn restricted_user(moto: &Moto, denied: &[&str]) -> (String, String) {
    let iam = aws_sdk_iam::Client::new(&moto.config("us-east-1", dummy()).await);
    iam.create_user()
        .user_name("collector")
        .send()
        .await
        .expect("create user");
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": denied, "Resource": "*"},
        ],
    });
    iam.put_user_policy()
        .user_name("collector")
        .policy_name("read-most")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("put user policy");
    let key = iam
        .create_access_key()
        .user_name("collector")
        .send()
        .await
        .expect("create access key")
        .access_key
        .expect("access key");
    (key.access_key_id, key.secret_access_key)
}

#[test]
fn calls_denied_by_iam_are_reported_and_the_rest_is_kept() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().expect("a runtime for the setup");
    let (key, secret, vpc) = rt.block_on(async {
        let ec2 = Ec2::new(&moto, "us-east-1", dummy()).await;
        let vpc = ec2.vpc("10.9.0.0/16", "kept").await;
        let (key, secret) = restricted_user(
            &moto,
            &["ec2:DescribeNatGateways", "route53:*", "sts:AssumeRole"],
        )
        .await;
        (key, secret, vpc)
    });
    moto.enforce_iam();

    let mut opts = moto.options("denied", &["us-east-1"]);
    opts.assume_roles = vec![role(ACCOUNT_B)];
    // A file an earlier collection left where the denied call's would go.
    let region_dir = opts
        .out_dir
        .join("aws_configs/accounts")
        .join(BASE_ACCOUNT)
        .join("us-east-1");
    std::fs::create_dir_all(&region_dir).expect("create the region folder");
    std::fs::write(
        region_dir.join("NatGateways.json"),
        r#"{"NatGateways": []}"#,
    )
    .expect("write a stale file");

    let report = collect_as(&opts, &key, &secret).expect("the rest is collected");
    assert_eq!(report.accounts, [BASE_ACCOUNT]);
    let calls: Vec<(&str, &str, &str)> = report
        .failed_calls
        .iter()
        .map(|f| (f.account.as_str(), f.region.as_str(), f.call.as_str()))
        .collect();
    let assume = format!("AssumeRole {}", role(ACCOUNT_B));
    assert_eq!(
        calls,
        [
            (BASE_ACCOUNT, "global", "ListHostedZones"),
            (BASE_ACCOUNT, "us-east-1", "DescribeNatGateways"),
            (ACCOUNT_B, "global", assume.as_str()),
        ],
        "{:#?}",
        report.failed_calls
    );
    let nat = &report.failed_calls[1];
    assert!(nat.error.contains("AccessDenied"), "{}", nat.error);
    assert!(
        nat.error.contains("ec2:DescribeNatGateways"),
        "{}",
        nat.error
    );

    // Everything else is there; the denied call left no file, not even the old one.
    assert_eq!(report.files_written, crate::snapshot::KEYS.len() - 1);
    assert!(!region_dir.join("NatGateways.json").exists());
    let vpcs: Value = serde_json::from_str(
        &std::fs::read_to_string(region_dir.join("Vpcs.json")).expect("Vpcs.json"),
    )
    .expect("valid JSON");
    assert!(vpcs["Vpcs"]
        .as_array()
        .expect("a list")
        .iter()
        .any(|v| v["VpcId"] == vpc.as_str()));

    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(opts.out_dir.join("aws_configs/collection.json"))
            .expect("collection.json"),
    )
    .expect("valid JSON");
    let recorded = record["failed_calls"].as_array().expect("failed_calls");
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[1]["account"], BASE_ACCOUNT);
    assert_eq!(recorded[1]["region"], "us-east-1");
    assert_eq!(recorded[1]["call"], "DescribeNatGateways");
    assert_eq!(recorded[1]["error"], nat.error.as_str());
}

#[test]
fn vpc_attributes_denied_are_said_once_and_the_vpcs_kept_without_them() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().expect("a runtime for the setup");
    let (key, secret) = rt.block_on(async {
        let ec2 = Ec2::new(&moto, "us-east-1", dummy()).await;
        ec2.vpc("10.9.0.0/16", "one").await;
        ec2.vpc("10.8.0.0/16", "two").await;
        // Route 53 too: moto refuses its signatures once IAM is on.
        restricted_user(&moto, &["ec2:DescribeVpcAttribute", "route53:*"]).await
    });
    moto.enforce_iam();
    let opts = moto.options("attributes-denied", &["us-east-1"]);
    let report = collect_as(&opts, &key, &secret).expect("the rest is collected");
    // moto's default VPC and the two made here: the first is asked, and fails.
    let [zones, f] = &report.failed_calls[..] else {
        panic!("two failures: {:#?}", report.failed_calls);
    };
    assert_eq!(zones.call, "ListHostedZones");
    assert!(
        f.call.starts_with("DescribeVpcAttribute vpc-")
            && f.call.ends_with("(and 2 more VPCs, not asked)"),
        "{}",
        f.call
    );
    assert!(f.error.contains("AccessDenied"), "{}", f.error);
    let vpcs: Value = serde_json::from_str(
        &std::fs::read_to_string(
            opts.out_dir
                .join("aws_configs/accounts")
                .join(BASE_ACCOUNT)
                .join("us-east-1/Vpcs.json"),
        )
        .expect("Vpcs.json"),
    )
    .expect("valid JSON");
    let vpcs = vpcs["Vpcs"].as_array().expect("a list");
    assert_eq!(vpcs.len(), 3);
    assert!(vpcs.iter().all(|v| v.get("EnableDnsHostnames").is_none()));
}

#[test]
fn an_endpoint_that_refuses_connections_is_an_error() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let opts = CollectOptions {
        regions: vec!["us-east-1".to_owned()],
        endpoint_url: Some(format!("http://127.0.0.1:{port}")),
        out_dir: out_dir("refused"),
        ..CollectOptions::default()
    };
    let started = std::time::Instant::now();
    let err = collect_as(&opts, "testing", "testing").expect_err("nothing can be collected");
    assert!(
        matches!(err, CollectError::Credentials(ref m) if m.contains("onnection refused")),
        "{err}"
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
    assert!(!opts.out_dir.join("aws_configs").exists());
}

#[test]
fn every_call_failing_is_an_error_that_names_the_first() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().expect("a runtime for the setup");
    let (key, secret) = rt.block_on(restricted_user(
        &moto,
        &[
            "ec2:*",
            "route53:*",
            "elasticloadbalancing:*",
            "route53resolver:*",
        ],
    ));
    moto.enforce_iam();
    let opts = moto.options("all-denied", &["us-east-1"]);
    let err = collect_as(&opts, &key, &secret).expect_err("nothing was collected");
    let CollectError::NothingCollected(failed) = &err else {
        panic!("{err}");
    };
    // Every regional call (a file of `KEYS` each) and Route 53's.
    let calls = crate::snapshot::KEYS.len() + 1;
    assert_eq!(failed.len(), calls, "{failed:#?}");
    let first = FailedCall {
        account: BASE_ACCOUNT.to_owned(),
        region: "global".to_owned(),
        call: "ListHostedZones".to_owned(),
        error: failed[0].error.clone(),
    };
    assert_eq!(failed[0], first);
    assert!(
        err.to_string()
            .starts_with(&format!("no call succeeded ({calls} failed)")),
        "{err}"
    );
}
