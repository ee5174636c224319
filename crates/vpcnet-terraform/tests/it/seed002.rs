//! Seed 002 as a plan (`tests/data/seed002.plan.json`): a main VPC and an
//! anonymised-data VPC made by one module, the data team's VPC in another account and
//! region, a peering accepted automatically and one accepted by the data team, and
//! routes with `count` over the module's route tables. Every id is unknown until
//! apply, so the network is joined only through the configuration's references.

use expect_test::expect;
use vpcnet_model::{PeeringStatus, Severity};
use vpcnet_terraform::Which;

use crate::support::{load, tr, verdict};

const TCP: u8 = 6;

#[test]
fn the_plan_is_one_network_of_three_vpcs() {
    let l = load("seed002.plan.json", Which::Planned);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    let n = &l.net;
    let vpcs: Vec<String> = n
        .vpcs()
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {}",
                v.meta.label(),
                v.account,
                v.region,
                v.cidrs[0]
            )
        })
        .collect();
    expect![[r#"
        data-team (vpc-tf-aws_vpc.data_team) 012345678912 eu-west-1 10.0.0.0/16
        main (vpc-tf-module.vpc.aws_vpc.this) 111111111111 eu-west-2 10.1.0.0/16
        anonymised-data (vpc-tf-module.peered_vpc.aws_vpc.this) 111111111111 eu-west-2 10.2.0.0/16"#]]
    .assert_eq(&vpcs.join("\n"));
    let peerings: Vec<String> = n
        .peerings()
        .iter()
        .map(|p| {
            format!(
                "{}: {} -> {} {} dns {}/{}",
                p.meta.id,
                n.vpc(p.requester).meta.label(),
                n.vpc(p.accepter).meta.label(),
                p.status.as_str(),
                p.requester_dns_resolution,
                p.accepter_dns_resolution
            )
        })
        .collect();
    expect![[r#"
        pcx-tf-aws_vpc_peering_connection.vpc_peering_connection: main (vpc-tf-module.vpc.aws_vpc.this) -> anonymised-data (vpc-tf-module.peered_vpc.aws_vpc.this) active dns true/true
        pcx-tf-aws_vpc_peering_connection.vpc_peering_connection_data_team: anonymised-data (vpc-tf-module.peered_vpc.aws_vpc.this) -> data-team (vpc-tf-aws_vpc.data_team) active dns true/true"#]].assert_eq(&peerings.join("\n"));
    assert!(n
        .peerings()
        .iter()
        .all(|p| p.status == PeeringStatus::Active));
    // The flow log is in the model, on the VPC it watches.
    assert!(
        l.report.not_modelled.is_empty(),
        "{:?}",
        l.report.not_modelled
    );
    let logs: Vec<String> = n
        .flow_logs()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.meta.id,
                n.meta(f.resource).label(),
                f.traffic.as_str()
            )
        })
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert!(logs[0].contains("anonymised"), "{logs:?}");
}

#[test]
fn the_anonymised_database_is_reachable_from_both_peers() {
    let n = load("seed002.plan.json", Which::Planned).net;
    let t = tr(&n, "etl", "anonymised-db", TCP, 5432);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
    let t = tr(&n, "analysis", "anonymised-db", TCP, 5432);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
    // Only Postgres.
    let t = tr(&n, "analysis", "anonymised-db", TCP, 22);
    assert_eq!(verdict(&t), "ENI_SG_RULES_MISMATCH on forward");
}

#[test]
fn the_two_peers_cannot_reach_each_other() {
    let n = load("seed002.plan.json", Which::Planned).net;
    let t = tr(&n, "etl", "analysis", TCP, 22);
    assert_eq!(verdict(&t), "NO_ROUTE_TO_DESTINATION on forward");
    let t = tr(&n, "analysis", "etl", TCP, 22);
    assert_eq!(verdict(&t), "NO_ROUTE_TO_DESTINATION on forward");
}

#[test]
fn before_the_plan_there_is_nothing() {
    let l = load("seed002.plan.json", Which::Prior);
    assert!(l.net.vpcs().is_empty());
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    assert_eq!(l.report.managed(), 0);
}
