//! Smaller shapes: a state file (known ids, ARNs for account and region, no
//! configuration), a peering nobody accepts, and a peer VPC outside the input.

use expect_test::expect;
use vpcnet_model::{PeeringStatus, Severity};
use vpcnet_terraform::{TfKind, Which};

use crate::support::load;

#[test]
fn a_state_is_one_network_with_known_ids() {
    let l = load("state.json", Which::Prior);
    assert_eq!(l.report.kind, TfKind::State);
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    let n = &l.net;
    let v = &n.vpcs()[0];
    assert_eq!(
        (v.meta.id.as_str(), v.account.as_str(), v.region.as_str()),
        ("vpc-0aaa", "222222222222", "eu-central-1")
    );
    // The main route table and default ACL keep the ids AWS gave them.
    assert_eq!(
        n.route_table(v.main_route_table.expect("main")).meta.id,
        "rtb-0main"
    );
    assert_eq!(
        n.network_acl(v.default_nacl.expect("acl")).meta.id,
        "acl-0default"
    );
    let p = &n.peerings()[0];
    assert_eq!(p.status, PeeringStatus::PendingAcceptance);
    assert!(!n.vpc(p.accepter).described);
    expect![[r#"
        note EXTERNAL_VPC #/values/root_module/resources/2/values/peer_vpc_id: peer VPC `vpc-0partner` (account 333333333333, region eu-west-1) of `aws_vpc_peering_connection.partner` is not in the input; its CIDR is not known, so the destinations of routes over the peering (`192.168.0.0/16`) stand for it, and paths into it stop there
        note PEERING_PENDING #/values/root_module/resources/2: peering `aws_vpc_peering_connection.partner` is not accepted in the input (no `auto_accept` and no `aws_vpc_peering_connection_accepter`); it stays `pending-acceptance` and carries no traffic
    "#]].assert_eq(&l.findings());
}
