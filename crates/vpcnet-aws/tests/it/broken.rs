//! Broken input: each problem is reported with its file and JSON pointer, and what is
//! fine still loads (a truncated file, values of the wrong type, a key that is not a
//! list, ids referenced but absent, bytes that are not UTF-8, files out of place).

use expect_test::expect;
use vpcnet_model::AnyIdx;

use crate::support::load_dir;

#[test]
fn every_problem_is_located_and_the_rest_loads() {
    let l = load_dir("broken");
    expect![[r#"
        note FILE_SKIPPED aws_configs/us-west-2/README.txt: not a `.json` file; skipped
        error FILE_NOT_UTF8 aws_configs/us-west-2/addresses-latin1.json:5:51: file is not UTF-8 text (invalid byte at offset 121); nothing in it was loaded
        warning FILE_OUTSIDE_REGION aws_configs/vpcs.json: file is not in a region folder (`aws_configs/<region>/` or `aws_configs/accounts/<account>/<region>/`); skipped
        error BAD_SHAPE aws_configs/us-west-2/route-tables.json#/RouteTables: `RouteTables` should be a list, as `aws ec2 describe-route-tables` prints it, but is a number; skipped
        error JSON_SYNTAX aws_configs/us-west-2/subnets-truncated.json:11:33#/Subnets/1/CidrBlock: file ends too early (truncated?): EOF while parsing a string; nothing in it was loaded
        error AWS_INVALID aws_configs/us-west-2/vpcs.json#/Vpcs/1/CidrBlock: VPC skipped: invalid type: integer `10`, expected a string
        error AWS_INVALID aws_configs/us-west-2/network-acls.json#/NetworkAcls/0/Entries/1/RuleNumber: network ACL entry skipped: invalid type: string "110", expected i64
        error UNKNOWN_REFERENCE aws_configs/us-west-2/subnets.json#/Subnets/1/VpcId: no VPC `vpc-0b00000000000dead` in the snapshot; the subnet is skipped
        error BAD_CIDR aws_configs/us-west-2/subnets.json#/Subnets/2/CidrBlock: `10.50.300.0/24` is not an IPv4 CIDR such as `10.0.0.0/16`
        error UNKNOWN_REFERENCE aws_configs/us-west-2/instances.json#/Reservations/0/Instances/0/NetworkInterfaces/0/Groups/1/GroupId: no security group `sg-0b00000000000dead` in the snapshot; the interface goes without it
        error AWS_INVALID aws_configs/us-west-2/instances.json#/Reservations/0/Instances/1/NetworkInterfaces/0/SourceDestCheck: network interface skipped: invalid type: string "yes", expected a boolean
        error BAD_PORTS aws_configs/us-west-2/security-groups.json#/SecurityGroups/0/IpPermissions/1/ToPort: ports `8000`-`70000` are not a range within 0-65535
        note UNKNOWN_REFERENCE aws_configs/us-west-2/security-groups.json#/SecurityGroups/0/IpPermissions/2/UserIdGroupPairs/0/GroupId: security group `sg-0c0000000000000f1` of account 888888888888 is not in the snapshot; the rule referencing it never matches
    "#]].assert_eq(&l.findings());
}

#[test]
fn what_is_fine_still_loads() {
    let n = load_dir("broken").net;
    let ids = |kind: &str| -> Vec<String> {
        let mut v: Vec<String> = [
            "vpc-0b0000000000000a1",
            "vpc-0b0000000000000b1",
            "vpc-0b0000000000000c1",
            "subnet-0b0000000000000a1",
            "subnet-0b0000000000000c1",
            "subnet-0b0000000000000d1",
            "subnet-0b0000000000000e1",
            "i-0b0000000000000a1",
            "i-0b0000000000000b1",
            "eni-0b0000000000000a1",
            "eni-0b0000000000000b1",
            "acl-0b0000000000000a1",
            "sg-0b0000000000000a1",
        ]
        .into_iter()
        .filter(|id| n.by_id(id).is_some_and(|i| i.kind() == kind))
        .map(str::to_owned)
        .collect();
        v.sort();
        v
    };
    assert_eq!(
        ids("vpc"),
        ["vpc-0b0000000000000a1", "vpc-0b0000000000000c1"]
    );
    assert_eq!(ids("subnet"), ["subnet-0b0000000000000c1"]);
    assert_eq!(
        ids("instance"),
        ["i-0b0000000000000a1", "i-0b0000000000000b1"]
    );
    assert_eq!(ids("network-interface"), ["eni-0b0000000000000a1"]);
    // Only the associated CIDR block counts.
    let Some(AnyIdx::Vpc(v)) = n.by_id("vpc-0b0000000000000a1") else {
        panic!("vpc loaded");
    };
    assert_eq!(n.vpc(v).cidrs, ["10.50.0.0/16".parse().expect("cidr")]);
    // The bad entry is dropped, its neighbours kept; rule 32767 is AWS's implicit deny.
    let Some(AnyIdx::NetworkAcl(acl)) = n.by_id("acl-0b0000000000000a1") else {
        panic!("acl loaded");
    };
    let numbers: Vec<u16> = n
        .network_acl(acl)
        .ingress
        .iter()
        .map(|e| e.rule_number)
        .collect();
    assert_eq!(numbers, [120]);
    // The interface keeps the group that exists; the cross-account reference stays
    // as an unknown group that never matches.
    let Some(AnyIdx::Interface(eni)) = n.by_id("eni-0b0000000000000a1") else {
        panic!("eni loaded");
    };
    assert_eq!(n.interface(eni).security_groups.len(), 1);
    let Some(AnyIdx::SecurityGroup(sg)) = n.by_id("sg-0b0000000000000a1") else {
        panic!("sg loaded");
    };
    let peers: Vec<String> = n
        .security_group(sg)
        .ingress
        .iter()
        .map(|r| format!("{:?}", r.peer))
        .collect();
    assert_eq!(
        peers,
        ["Cidr(0.0.0.0/0)", "UnknownGroup(\"sg-0c0000000000000f1\")"]
    );
    // Route tables were not a list: the facet counts as missing.
    let missing: Vec<String> = n
        .missing()
        .iter()
        .map(|m| format!("{} in {}", m.facet.as_str(), m.scope))
        .collect();
    assert_eq!(
        missing,
        [
            "route tables in region us-west-2",
            "network interfaces in region us-west-2"
        ]
    );
}
