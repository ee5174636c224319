//! The snapshot directory: which directories are snapshots, where files may sit, and
//! that the same directory always loads the same way.

use std::fs;
use std::path::{Path, PathBuf};

use vpcnet_aws::{is_snapshot_dir, load_snapshot, SnapshotError};
use vpcnet_model::NetworkBuilder;

use crate::support::{data, load_dir, render};

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vpcnet-aws-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        fs::write(path, text).expect("write");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn what_is_a_snapshot_directory() {
    let root = data("seed000");
    assert!(is_snapshot_dir(&root));
    assert!(is_snapshot_dir(&root.join("aws_configs")));
    assert!(!is_snapshot_dir(&root.join("aws_configs/accounts")));
    let not = data("");
    let mut b = NetworkBuilder::new();
    match load_snapshot(&mut b, &not.join("nowhere")) {
        Err(e @ SnapshotError::NotASnapshot { .. }) => {
            assert!(e
                .to_string()
                .ends_with("is not an AWS snapshot: it has no `aws_configs` directory"));
        }
        other => panic!("expected NotASnapshot, got {other:?}"),
    }
}

#[test]
fn pointing_at_aws_configs_itself_loads_the_same() {
    let a = load_dir("seed000");
    let mut b = NetworkBuilder::new();
    let report = load_snapshot(&mut b, &data("seed000").join("aws_configs")).expect("loads");
    let (net, diags) = b.finish();
    assert_eq!(report, a.report);
    assert_eq!(diags, a.diags);
    assert_eq!(net.vpcs(), a.net.vpcs());
    assert_eq!(net.interfaces(), a.net.interfaces());
}

#[test]
fn loading_is_deterministic() {
    let (a, b) = (load_dir("broken"), load_dir("broken"));
    assert_eq!(a.findings(), b.findings());
    let (a, b) = (load_dir("multi-region"), load_dir("multi-region"));
    assert_eq!(a.net.route_tables(), b.net.route_tables());
    assert_eq!(a.net.security_groups(), b.net.security_groups());
}

#[test]
fn regions_without_accounts_a_byte_order_mark_a_collection_record_and_unreadable_files() {
    let s = Scratch::new("layout");
    s.write(
        "aws_configs/eu-central-1/vpcs.json",
        "\u{feff}{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"OwnerId\": \"999999999999\", \"CidrBlock\": \"10.0.0.0/16\"}]}",
    );
    s.write("aws_configs/eu-central-1/nested/ignored.json", "{}");
    s.write("aws_configs/accounts/123456789012/stray.json", "{}");
    s.write(
        "aws_configs/collection.json",
        r#"{"accounts": ["999999999999"], "regions": ["eu-central-1"], "files_written": 1,
            "failed_calls": [{"account": "999999999999", "region": "eu-central-1",
                              "call": "DescribeNetworkAcls", "error": "UnauthorizedOperation"}]}"#,
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        s.0.join("aws_configs/eu-central-1/absent.json"),
        s.0.join("aws_configs/eu-central-1/dangling.json"),
    )
    .expect("symlink");
    let mut b = NetworkBuilder::new();
    let report = load_snapshot(&mut b, &s.0).expect("loads");
    let (net, diags) = b.finish();
    assert_eq!(report.files, 1);
    assert_eq!(net.vpcs().len(), 1);
    assert_eq!(net.vpcs()[0].region, "eu-central-1");
    assert_eq!(net.vpcs()[0].account, "999999999999");
    let shown = render(&diags, Path::new(&s.0));
    let mut want = "warning FILE_OUTSIDE_REGION aws_configs/accounts/123456789012/stray.json: file is not in a region folder (`aws_configs/<region>/` or `aws_configs/accounts/<account>/<region>/`); skipped\n".to_owned();
    want.push_str("note COLLECTION_FAILED_CALL aws_configs/collection.json#/failed_calls/0: the collector could not call `DescribeNetworkAcls` in account 999999999999 region eu-central-1 (UnauthorizedOperation); what it returns is missing from this snapshot\n");
    if cfg!(unix) {
        want.push_str("error FILE_UNREADABLE aws_configs/eu-central-1/dangling.json: cannot read: No such file or directory (os error 2); skipped\n");
    }
    assert_eq!(shown, want);
}

/// Many hand-made snapshots keep their files straight under `aws_configs/`: they are
/// one region, named by the availability zones in them.
#[test]
fn files_without_a_region_folder_are_one_region() {
    let s = Scratch::new("loose");
    s.write(
        "aws_configs/Vpcs.json",
        r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "123456789012", "CidrBlock": "10.9.0.0/16"}]}"#,
    );
    s.write(
        "aws_configs/Subnets.json",
        r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.9.1.0/24", "AvailabilityZone": "eu-central-1b"}]}"#,
    );
    let mut b = NetworkBuilder::new();
    load_snapshot(&mut b, &s.0).expect("loads");
    let (net, diags) = b.finish();
    assert_eq!(net.vpcs()[0].region, "eu-central-1");
    assert_eq!(net.subnets().len(), 1);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"REGION_INFERRED"), "{codes:?}");
    assert!(!codes.contains(&"FILE_OUTSIDE_REGION"), "{codes:?}");
}
