//! Bad input: not Terraform at all is an `Err` with a clear message; anything else
//! loads what it can, with findings located by JSON pointer, and never panics.

use vpcnet_model::NetworkBuilder;
use vpcnet_terraform::{is_terraform_json, load_into, TfError, Which};

use crate::support::load_text;

fn err(text: &str) -> String {
    let mut b = NetworkBuilder::new();
    match load_into(&mut b, "bad.json", text, Which::Planned) {
        Err(e) => e.to_string(),
        Ok(_) => "loaded".to_owned(),
    }
}

#[test]
fn not_terraform_is_an_error() {
    assert!(err("not json").starts_with("`bad.json` is not JSON"));
    assert_eq!(
        err("[1, 2]"),
        "`bad.json` is not the JSON of `terraform show -json`: it is not a JSON object"
    );
    assert_eq!(
        err(r#"{"Vpcs": []}"#),
        "`bad.json` is not the JSON of `terraform show -json`: it has no `format_version`"
    );
    assert_eq!(
        err(r#"{"format_version": "2.0", "values": {}}"#),
        "`bad.json` has `format_version` `2.0`; vpcnet reads Terraform JSON formats 0.x and 1.x"
    );
    let mut b = NetworkBuilder::new();
    assert!(matches!(
        load_into(&mut b, "x", r#"{"format_version": 1}"#, Which::Prior),
        Err(TfError::NotTerraform { .. })
    ));
}

#[test]
fn the_sniff_is_cheap_and_plausible() {
    assert!(is_terraform_json(
        r#" {"format_version": "1.0", "values": {}}"#
    ));
    assert!(!is_terraform_json(r#"{"Vpcs": []}"#));
    assert!(!is_terraform_json("vpcs:\n  - name: a\n"));
}

#[test]
fn wrong_shapes_and_broken_references_are_findings() {
    let text = r#"{
      "format_version": "1.0",
      "terraform_version": "1.5.0",
      "values": {"root_module": {
        "resources": [
          {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
           "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/33", "owner_id": "111111111111", "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1"}},
          {"address": "aws_vpc.b", "mode": "managed", "type": "aws_vpc", "name": "b",
           "values": {"id": "vpc-2", "cidr_block": "10.1.0.0/16", "owner_id": "111111111111", "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-2"}},
          {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
           "values": {"id": "subnet-1", "vpc_id": "vpc-404", "cidr_block": "10.1.1.0/24"}},
          {"address": "aws_security_group_rule.r", "mode": "managed", "type": "aws_security_group_rule", "name": "r",
           "values": {"type": "sideways", "security_group_id": "sg-1"}},
          {"mode": "managed", "type": 7},
          {"address": "aws_route.r", "mode": "managed", "type": "aws_route", "name": "r", "values": 3}
        ],
        "child_modules": {"not": "a list"}
      }}
    }"#;
    let l = load_text("state.json", text, Which::Planned);
    expect_test::expect![[r#"
        error BAD_SHAPE #/values/root_module/resources/4: a resource needs string `type` and `name`
        error BAD_SHAPE #/values/root_module/resources/5/values: `values` of `aws_route.r` must be an object
        error BAD_SHAPE #/values/root_module/child_modules: `child_modules` must be a list
        error UNRESOLVED_REFERENCE #/values/root_module/resources/5/values/route_table_id: `route_table_id` of `aws_route.r` is unknown until apply and its configuration names no route table in the plan; the route is skipped
        error BAD_CIDR #/values/root_module/resources/0/values/cidr_block: `10.0.0.0/33` of `aws_vpc.a` is not an IPv4 CIDR
        error VPC_WITHOUT_CIDR #/values/root_module/resources/0: VPC `vpc-1` has no IPv4 CIDR block
        warning UNKNOWN_REFERENCE #/values/root_module/resources/2/values/vpc_id: `vpc_id` of `aws_subnet.s` names VPC `vpc-404`, which is not in the input; the subnet is skipped
        warning UNKNOWN_REFERENCE #/values/root_module/resources/3/values/security_group_id: `security_group_id` of `aws_security_group_rule.r` names security group `sg-1`, which is not in the input; the rule is skipped
    "#]]
    .assert_eq(&l.findings());
    assert_eq!(l.net.vpcs().len(), 1);
}
