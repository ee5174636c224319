//! Lists of blocks (`route`, `ingress`, `egress`) whose entries hold values unknown
//! until apply. Terraform 1.x prints such a list as one expression whose references
//! say what the list names but not which entry names what; it leaves `dynamic` blocks
//! out of `configuration`, and Terraform 0.12 left these blocks out altogether. An
//! entry is linked when exactly one referenced value fits it; otherwise the finding
//! says which of those it was.

use serde_json::json;
use vpcnet_model::{RouteTarget, SgPeer};
use vpcnet_terraform::Which;

use crate::support::{load_text, plan_json, planned, Loaded};

fn with_code(l: &Loaded, code: &str) -> String {
    crate::support::render(
        &l.diags
            .iter()
            .filter(|d| d.code == code)
            .cloned()
            .collect::<Vec<_>>(),
    )
}

fn res(addr: &str, ty: &str, expressions: serde_json::Value) -> serde_json::Value {
    let name = addr.rsplit('.').next().unwrap_or(addr);
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_config_key": "aws", "expressions": expressions})
}

fn refs(r: &str) -> serde_json::Value {
    json!({"references": [format!("{r}.id"), r]})
}

/// A VPC with an internet gateway, a NAT gateway and a transit gateway, and a route
/// table whose `route` list is `route_expr` with entries `routes` (their targets
/// unknown per `unknown`).
fn table(
    routes: serde_json::Value,
    unknown: serde_json::Value,
    route_expr: Option<serde_json::Value>,
) -> Vec<u8> {
    let resources = vec![
        planned(
            "aws_vpc.main",
            json!({"cidr_block": "10.0.0.0/16"}),
            json!({"id": true}),
        ),
        planned(
            "aws_subnet.a",
            json!({"cidr_block": "10.0.1.0/24"}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_internet_gateway.igw",
            json!({}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_nat_gateway.nat",
            json!({"connectivity_type": "private"}),
            json!({"id": true, "subnet_id": true, "private_ip": true}),
        ),
        planned(
            "aws_ec2_transit_gateway.tgw",
            json!({}),
            json!({"id": true}),
        ),
        planned(
            "aws_route_table.rt",
            json!({"route": routes}),
            json!({"id": true, "vpc_id": true, "route": unknown}),
        ),
    ];
    let mut rt = json!({"vpc_id": refs("aws_vpc.main")});
    if let Some(e) = route_expr {
        rt["route"] = e;
    }
    let config = json!({"root_module": {"resources": [
        res("aws_vpc.main", "aws_vpc", json!({"cidr_block": {"constant_value": "10.0.0.0/16"}})),
        res("aws_subnet.a", "aws_subnet", json!({"vpc_id": refs("aws_vpc.main")})),
        res("aws_internet_gateway.igw", "aws_internet_gateway", json!({"vpc_id": refs("aws_vpc.main")})),
        res("aws_nat_gateway.nat", "aws_nat_gateway", json!({"subnet_id": refs("aws_subnet.a"), "connectivity_type": {"constant_value": "private"}})),
        res("aws_ec2_transit_gateway.tgw", "aws_ec2_transit_gateway", json!({})),
        res("aws_route_table.rt", "aws_route_table", rt),
    ]}});
    plan_json(&resources, config, json!({})).into_bytes()
}

fn routes_of(l: &Loaded) -> Vec<String> {
    let rt = l
        .net
        .route_tables()
        .iter()
        .find(|t| t.meta.id == "rtb-tf-aws_route_table.rt")
        .expect("the table");
    rt.routes
        .iter()
        .filter(|r| r.target != RouteTarget::Local)
        .map(|r| format!("{:?} -> {:?}", r.destination, r.target))
        .collect()
}

fn load(bytes: Vec<u8>) -> Loaded {
    load_text(
        "plan.json",
        &String::from_utf8(bytes).expect("utf-8"),
        Which::Planned,
    )
}

#[test]
fn a_route_list_is_linked_entry_by_entry_through_its_references() {
    // route { cidr_block = "0.0.0.0/0", gateway_id = aws_internet_gateway.igw.id }
    // route { cidr_block = "10.9.0.0/16", nat_gateway_id = aws_nat_gateway.nat.id }
    let l = load(table(
        json!([{"cidr_block": "0.0.0.0/0", "nat_gateway_id": ""}, {"cidr_block": "10.9.0.0/16", "gateway_id": ""}]),
        json!([{"gateway_id": true}, {"nat_gateway_id": true}]),
        Some(json!({"references": [
            "aws_internet_gateway.igw.id", "aws_internet_gateway.igw",
            "aws_nat_gateway.nat.id", "aws_nat_gateway.nat"
        ]})),
    ));
    assert_eq!(with_code(&l, "UNRESOLVED_REFERENCE"), "");
    expect_test::expect![[r#"
        Cidr(0.0.0.0/0) -> InternetGateway(IgwIdx(0))
        Cidr(10.9.0.0/16) -> NatGateway(NatIdx(0))"#]]
    .assert_eq(&routes_of(&l).join("\n"));
}

#[test]
fn a_route_to_a_transit_gateway_written_as_gateway_id_keeps_its_kind() {
    let l = load(table(
        json!([{"cidr_block": "10.8.0.0/16"}]),
        json!([{"gateway_id": true}]),
        Some(
            json!({"references": ["aws_ec2_transit_gateway.tgw.id", "aws_ec2_transit_gateway.tgw"]}),
        ),
    ));
    expect_test::expect![[
        r#"Cidr(10.8.0.0/16) -> TransitGateway("tgw-tf-aws_ec2_transit_gateway.tgw")"#
    ]]
    .assert_eq(&routes_of(&l).join("\n"));
}

#[test]
fn two_entries_naming_two_gateways_are_not_guessed() {
    let l = load(table(
        json!([{"cidr_block": "0.0.0.0/0"}, {"cidr_block": "10.8.0.0/16"}]),
        json!([{"gateway_id": true}, {"gateway_id": true}]),
        Some(json!({"references": [
            "aws_internet_gateway.igw.id", "aws_internet_gateway.igw",
            "aws_ec2_transit_gateway.tgw.id", "aws_ec2_transit_gateway.tgw"
        ]})),
    ));
    assert!(routes_of(&l).is_empty());
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/5/values/route/0/gateway_id: `route[0].gateway_id` of `aws_route_table.rt` (destination `0.0.0.0/0`) is unknown until apply and the configuration's `route` names `igw-tf-aws_internet_gateway.igw`, `tgw-tf-aws_ec2_transit_gateway.tgw` for the 2 entries whose `gateway_id` is unknown, without saying which entry has which; the route is skipped
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/5/values/route/1/gateway_id: `route[1].gateway_id` of `aws_route_table.rt` (destination `10.8.0.0/16`) is unknown until apply and the configuration's `route` names `igw-tf-aws_internet_gateway.igw`, `tgw-tf-aws_ec2_transit_gateway.tgw` for the 2 entries whose `gateway_id` is unknown, without saying which entry has which; the route is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}

#[test]
fn a_dynamic_route_block_is_said_to_be_missing_from_the_json() {
    let l = load(table(
        json!([{"cidr_block": "0.0.0.0/0"}]),
        json!([{"gateway_id": true}]),
        None,
    ));
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/5/values/route/0/gateway_id: `route[0].gateway_id` of `aws_route_table.rt` (destination `0.0.0.0/0`) is unknown until apply and the plan's `configuration` shows no `route` for it: it comes from a `dynamic` block, which Terraform leaves out of its JSON; the route is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}

#[test]
fn terraform_0_12_plans_lack_route_blocks_and_say_so() {
    let bytes = table(
        json!([{"cidr_block": "0.0.0.0/0"}]),
        json!([{"gateway_id": true}]),
        None,
    );
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    doc["format_version"] = json!("0.1");
    doc["terraform_version"] = json!("0.12.20");
    let l = load(doc.to_string().into_bytes());
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/5/values/route/0/gateway_id: `route[0].gateway_id` of `aws_route_table.rt` (destination `0.0.0.0/0`) is unknown until apply and the plan's `configuration` shows no `route` for it: Terraform 0.12.20 leaves `route` blocks out of its JSON; the route is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}

/// Two groups; `app` allows 80 from `lb` in an `ingress` written as a block.
fn groups(ingress_expr: serde_json::Value, unknown: serde_json::Value) -> Loaded {
    let rule = |sgs: serde_json::Value| {
        json!({"cidr_blocks": [], "description": "", "from_port": 80, "to_port": 80, "protocol": "tcp",
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "self": false, "security_groups": sgs})
    };
    let mut app_rule = rule(json!(null));
    app_rule
        .as_object_mut()
        .expect("object")
        .remove("security_groups");
    let resources = vec![
        planned(
            "aws_vpc.main",
            json!({"cidr_block": "10.0.0.0/16"}),
            json!({"id": true}),
        ),
        planned(
            "aws_security_group.lb",
            json!({"name": "lb", "ingress": [{"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 80, "to_port": 80,
                   "protocol": "tcp", "ipv6_cidr_blocks": [], "prefix_list_ids": [], "self": false, "security_groups": []}]}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_security_group.app",
            json!({"name": "app", "ingress": [app_rule]}),
            json!({"id": true, "vpc_id": true, "ingress": unknown}),
        ),
    ];
    let config = json!({"root_module": {"resources": [
        res("aws_vpc.main", "aws_vpc", json!({"cidr_block": {"constant_value": "10.0.0.0/16"}})),
        res("aws_security_group.lb", "aws_security_group", json!({"vpc_id": refs("aws_vpc.main"),
            "ingress": {"constant_value": [{"cidr_blocks": ["0.0.0.0/0"], "description": null, "from_port": 80, "to_port": 80,
                "protocol": "TCP", "ipv6_cidr_blocks": null, "prefix_list_ids": null, "self": null, "security_groups": null}]}})),
        res("aws_security_group.app", "aws_security_group", json!({"vpc_id": refs("aws_vpc.main"), "ingress": ingress_expr})),
    ]}});
    load_text(
        "plan.json",
        &plan_json(&resources, config, json!({})),
        Which::Planned,
    )
}

#[test]
fn an_ingress_block_from_another_group_keeps_its_group() {
    let l = groups(
        json!({"references": ["aws_security_group.lb.id", "aws_security_group.lb"]}),
        json!([{"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": true}]),
    );
    assert_eq!(with_code(&l, "UNRESOLVED_REFERENCE"), "");
    let app = l
        .net
        .security_groups()
        .iter()
        .find(|g| g.group_name == "app")
        .expect("app");
    let lb = l
        .net
        .security_groups()
        .iter()
        .position(|g| g.group_name == "lb")
        .expect("lb");
    assert_eq!(app.ingress.len(), 1, "{app:#?}");
    assert!(
        matches!(app.ingress[0].peer, SgPeer::Group(g) if g.index() == lb),
        "{app:#?}"
    );
}

#[test]
fn an_ingress_block_whose_group_cannot_be_linked_is_reported_not_dropped() {
    let l = groups(
        json!({"references": ["local.lb_sg_id"]}),
        json!([{"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": true}]),
    );
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/2/values/ingress/0/security_groups: `ingress[0].security_groups` of `aws_security_group.app` is unknown until apply and its configuration links it only through `local.lb_sg_id` (Terraform's JSON holds neither the values nor the expressions of locals); the rule is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}
