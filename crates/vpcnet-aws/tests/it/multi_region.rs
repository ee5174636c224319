//! Two accounts in two regions, peered across both, plus a peering to a partner
//! account the snapshot does not hold: one network, an external VPC for the partner,
//! and what is missing (account B's network ACLs) said instead of guessed.

use expect_test::expect;
use vpcnet_model::{AnyIdx, PeeringStatus, RecordType, Severity};

use crate::support::{load_dir, tr, verdict};

#[test]
fn findings_are_notes_each_said_once() {
    let l = load_dir("multi-region");
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    expect![[r#"
        note EXTERNAL_VPC aws_configs/accounts/444444444444/us-east-1/peerings.json#/VpcPeeringConnections/1/AccepterVpcInfo: VPC `vpc-0cc6000000000c001` (account 666666666666, region us-west-2) is not in the snapshot; it is known from peering connection `pcx-0ac4600000000ac01` by its CIDR blocks only, and paths into it stop there
    "#]].assert_eq(&l.findings());
}

#[test]
fn the_partner_vpc_is_external_and_known_by_its_cidrs() {
    let n = load_dir("multi-region").net;
    let Some(AnyIdx::Vpc(c)) = n.by_id("vpc-0cc6000000000c001") else {
        panic!("the partner VPC is in the network");
    };
    let c = n.vpc(c);
    assert!(!c.described);
    assert_eq!(c.account, "666666666666");
    assert_eq!(c.region, "us-west-2");
    assert_eq!(c.cidrs, ["10.30.0.0/16".parse().expect("cidr")]);
    // The peering seen from both accounts is one peering.
    assert_eq!(n.peerings().len(), 2);
    assert!(n
        .peerings()
        .iter()
        .all(|p| p.status == PeeringStatus::Active));
    let regions: Vec<(&str, &str, bool)> = n
        .vpcs()
        .iter()
        .map(|v| (v.meta.id.as_str(), v.region.as_str(), v.described))
        .collect();
    assert_eq!(
        regions,
        [
            ("vpc-0aa4000000000a001", "us-east-1", true),
            ("vpc-0bb5000000000b001", "eu-west-1", true),
            ("vpc-0cc6000000000c001", "us-west-2", false),
        ]
    );
}

#[test]
fn traces_cross_regions_and_say_what_they_could_not_see() {
    let n = load_dir("multi-region").net;
    let t = tr(&n, "app", "db", 6, 5432);
    assert_eq!(verdict(&t), "REACHABLE");
    assert_eq!(
        t.caveats,
        ["network ACLs were not in the input for account 555555555555 region eu-west-1: not evaluated"]
    );
    let cases = [
        ("db", "app", 443),
        ("app", "db", 22),
        ("app", "10.30.1.5", 22),
        ("app", "10.40.1.1", 443),
    ];
    let got: Vec<String> = cases
        .iter()
        .map(|(a, b, port)| format!("{a} -> {b}:{port}: {}", verdict(&tr(&n, a, b, 6, *port))))
        .collect();
    expect![[r#"
        db -> app:443: REACHABLE
        app -> db:22: ENI_SG_RULES_MISMATCH on forward
        app -> 10.30.1.5:22: VPC_NOT_IN_INPUT on forward
        app -> 10.40.1.1:443: TGW_NO_ATTACHMENT_IN_VPC on forward"#]]
    .assert_eq(&got.join("\n"));
}

#[test]
fn check_reports_the_missing_network_acls() {
    let n = load_dir("multi-region").net;
    let found: Vec<String> = vpcnet_engine::check::check(&n)
        .into_iter()
        .filter(|d| d.code == "NOT_EVALUATED")
        .map(|d| d.message)
        .collect();
    expect!["network ACLs were not in the input for account 555555555555 region eu-west-1: they were not evaluated, and traces there carry this caveat"].assert_eq(&found.join("\n"));
}

#[test]
fn the_private_zone_answers_the_vpc_it_is_associated_with() {
    let n = load_dir("multi-region").net;
    let vpc = |id: &str| n.by_id_as(id).expect("the VPC");
    let r = vpcnet_engine::resolve_name(
        &n,
        Some(vpc("vpc-0aa4000000000a001")),
        "db.internal.example",
        RecordType::A,
    );
    assert_eq!(
        r.first_v4().map(|a| a.to_string()).as_deref(),
        Some("10.20.1.20"),
        "{r:#?}"
    );
    let r = vpcnet_engine::resolve_name(
        &n,
        Some(vpc("vpc-0bb5000000000b001")),
        "db.internal.example",
        RecordType::A,
    );
    assert!(r.answers.is_empty(), "{r:#?}");
}
