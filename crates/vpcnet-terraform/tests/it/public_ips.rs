//! Public addresses AWS assigns at apply (an Elastic IP's, an instance's own): a
//! placeholder from the documentation ranges stands for each, said in a note, so that
//! a plan's paths to and from the internet can be traced; placeholders never take an
//! address the input names.

use serde_json::{json, Value};
use vpcnet_engine::TranslationKind;
use vpcnet_model::Severity;
use vpcnet_terraform::Which;

use crate::support::{load_text, plan_json, planned, tr, verdict, Planned};

const TCP: u8 = 6;

/// A VPC with a public subnet (internet gateway) and a private one (NAT gateway),
/// every id unknown until apply, joined by references; `extra` adds resources.
fn vpc_with_nat(eip_public_ip: Value, extra: Vec<Planned>, extra_config: Vec<Value>) -> String {
    let unknown_id = json!({"id": true, "arn": true, "owner_id": true});
    let mut resources = vec![
        planned(
            "aws_vpc.main",
            json!({"cidr_block": "10.0.0.0/16", "tags": {"Name": "main"}}),
            unknown_id.clone(),
        ),
        planned(
            "aws_subnet.public",
            json!({"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a", "map_public_ip_on_launch": true, "tags": {"Name": "public"}}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_subnet.private",
            json!({"cidr_block": "10.0.2.0/24", "availability_zone": "eu-west-1a", "tags": {"Name": "private"}}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_internet_gateway.igw",
            json!({}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_eip.nat",
            json!({"domain": "vpc", "public_ip": eip_public_ip}),
            json!({"id": true, "allocation_id": true, "public_ip": eip_public_ip.is_null()}),
        ),
        planned(
            "aws_nat_gateway.nat",
            json!({"connectivity_type": "public"}),
            json!({"id": true, "allocation_id": true, "subnet_id": true, "private_ip": true, "public_ip": true, "network_interface_id": true}),
        ),
        planned(
            "aws_route_table.public",
            json!({"route": [{"cidr_block": "0.0.0.0/0"}]}),
            json!({"id": true, "vpc_id": true, "route": [{"gateway_id": true}]}),
        ),
        planned(
            "aws_route_table.private",
            json!({"route": [{"cidr_block": "0.0.0.0/0"}]}),
            json!({"id": true, "vpc_id": true, "route": [{"nat_gateway_id": true}]}),
        ),
        planned(
            "aws_route_table_association.public",
            json!({}),
            json!({"id": true, "subnet_id": true, "route_table_id": true}),
        ),
        planned(
            "aws_route_table_association.private",
            json!({}),
            json!({"id": true, "subnet_id": true, "route_table_id": true}),
        ),
        planned(
            "aws_security_group.app",
            json!({"name": "app", "ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "to_port": 22, "protocol": "tcp", "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""}],
                   "egress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 0, "protocol": "-1", "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""}]}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_instance.worker",
            json!({"tags": {"Name": "worker"}, "associate_public_ip_address": false}),
            json!({"id": true, "subnet_id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true, "primary_network_interface_id": true}),
        ),
    ];
    resources.extend(extra);
    let refs = |r: &str| json!({"references": [format!("{r}.id"), r]});
    let mut config = vec![
        json!({"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main", "provider_config_key": "aws",
               "expressions": {"cidr_block": {"constant_value": "10.0.0.0/16"}}}),
        json!({"address": "aws_subnet.public", "mode": "managed", "type": "aws_subnet", "name": "public", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main"), "cidr_block": {"constant_value": "10.0.1.0/24"}}}),
        json!({"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main"), "cidr_block": {"constant_value": "10.0.2.0/24"}}}),
        json!({"address": "aws_internet_gateway.igw", "mode": "managed", "type": "aws_internet_gateway", "name": "igw", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main")}}),
        json!({"address": "aws_eip.nat", "mode": "managed", "type": "aws_eip", "name": "nat", "provider_config_key": "aws",
               "expressions": {"domain": {"constant_value": "vpc"}}}),
        json!({"address": "aws_nat_gateway.nat", "mode": "managed", "type": "aws_nat_gateway", "name": "nat", "provider_config_key": "aws",
               "expressions": {"allocation_id": refs("aws_eip.nat"), "subnet_id": refs("aws_subnet.public")}}),
        json!({"address": "aws_route_table.public", "mode": "managed", "type": "aws_route_table", "name": "public", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main"), "route": refs("aws_internet_gateway.igw")}}),
        json!({"address": "aws_route_table.private", "mode": "managed", "type": "aws_route_table", "name": "private", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main"), "route": refs("aws_nat_gateway.nat")}}),
        json!({"address": "aws_route_table_association.public", "mode": "managed", "type": "aws_route_table_association", "name": "public", "provider_config_key": "aws",
               "expressions": {"subnet_id": refs("aws_subnet.public"), "route_table_id": refs("aws_route_table.public")}}),
        json!({"address": "aws_route_table_association.private", "mode": "managed", "type": "aws_route_table_association", "name": "private", "provider_config_key": "aws",
               "expressions": {"subnet_id": refs("aws_subnet.private"), "route_table_id": refs("aws_route_table.private")}}),
        json!({"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group", "name": "app", "provider_config_key": "aws",
               "expressions": {"vpc_id": refs("aws_vpc.main")}}),
        json!({"address": "aws_instance.worker", "mode": "managed", "type": "aws_instance", "name": "worker", "provider_config_key": "aws",
               "expressions": {"subnet_id": refs("aws_subnet.private"), "vpc_security_group_ids": {"references": ["aws_security_group.app.id", "aws_security_group.app"]}}}),
    ];
    config.extend(extra_config);
    plan_json(
        &resources,
        json!({
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                        "expressions": {"region": {"constant_value": "eu-west-1"}, "allowed_account_ids": {"constant_value": ["111111111111"]}}}},
            "root_module": {"resources": config}
        }),
        json!({}),
    )
}

fn notes(l: &crate::support::Loaded, code: &str) -> String {
    crate::support::render(
        &l.diags
            .iter()
            .filter(|d| d.code == code)
            .cloned()
            .collect::<Vec<_>>(),
    )
}

#[test]
fn a_nat_gateway_whose_elastic_ip_is_allocated_at_apply_gets_a_placeholder() {
    let l = load_text(
        "plan.json",
        &vpc_with_nat(Value::Null, vec![], vec![]),
        Which::Planned,
    );
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    expect_test::expect![[r#"
        note PUBLIC_IP_PLACEHOLDER #/planned_values/root_module/resources/4/values/public_ip: the public address of Elastic IP `aws_eip.nat` is known only after apply; `203.0.113.1`, from the documentation range `203.0.113.0/24`, stands for it so that paths through it can be followed (the real address differs)
    "#]]
    .assert_eq(&notes(&l, "PUBLIC_IP_PLACEHOLDER"));
    // The worker reaches the internet through the NAT gateway, translated to the
    // placeholder at the internet gateway.
    let t = tr(&l.net, "worker", "8.8.8.8", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
    let out: Vec<String> = t
        .translations
        .iter()
        .filter(|x| !x.on_return && x.kind == TranslationKind::Source)
        .map(|x| x.to.to_string())
        .collect();
    assert_eq!(out, ["10.0.1.4", "203.0.113.1"]);
    // The internet cannot open a connection to the NAT gateway's address.
    let t = tr(&l.net, "internet", "203.0.113.1", TCP, 443);
    assert_ne!(verdict(&t), "REACHABLE");
}

#[test]
fn placeholders_never_take_an_address_the_input_names() {
    // An instance in the public subnet whose Elastic IP is known: 203.0.113.1.
    let extra = vec![
        planned(
            "aws_instance.bastion",
            json!({"tags": {"Name": "bastion"}, "associate_public_ip_address": false}),
            json!({"id": true, "subnet_id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true}),
        ),
        planned(
            "aws_eip.bastion",
            json!({"domain": "vpc", "public_ip": "203.0.113.1"}),
            json!({"id": true, "allocation_id": true, "instance": true}),
        ),
    ];
    let refs = |r: &str| json!({"references": [format!("{r}.id"), r]});
    let config = vec![
        json!({"address": "aws_instance.bastion", "mode": "managed", "type": "aws_instance", "name": "bastion", "provider_config_key": "aws",
               "expressions": {"subnet_id": refs("aws_subnet.public"), "vpc_security_group_ids": {"references": ["aws_security_group.app.id", "aws_security_group.app"]}}}),
        json!({"address": "aws_eip.bastion", "mode": "managed", "type": "aws_eip", "name": "bastion", "provider_config_key": "aws",
               "expressions": {"instance": refs("aws_instance.bastion")}}),
    ];
    let l = load_text(
        "plan.json",
        &vpc_with_nat(Value::Null, extra, config),
        Which::Planned,
    );
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    let publics: Vec<String> = l
        .net
        .interfaces()
        .iter()
        .flat_map(|e| e.private_ips.iter())
        .filter_map(|p| p.public.map(|x| format!("{} {x}", p.addr)))
        .collect();
    assert_eq!(publics, ["10.0.1.4 203.0.113.1", "10.0.1.5 203.0.113.2"]);
    let t = tr(&l.net, "internet", "203.0.113.1", TCP, 22);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
}

#[test]
fn a_known_elastic_ip_is_used_as_it_is() {
    let l = load_text(
        "plan.json",
        &vpc_with_nat(json!("52.1.2.3"), vec![], vec![]),
        Which::Planned,
    );
    assert_eq!(notes(&l, "PUBLIC_IP_PLACEHOLDER"), "");
    let t = tr(&l.net, "worker", "8.8.8.8", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
    assert!(t
        .translations
        .iter()
        .any(|x| x.to.to_string() == "52.1.2.3"));
}

#[test]
fn an_instance_that_asks_for_a_public_address_gets_a_placeholder() {
    // No `associate_public_ip_address`: the subnet maps one on launch.
    let extra = vec![planned(
        "aws_instance.bastion",
        json!({"tags": {"Name": "bastion"}}),
        json!({"id": true, "subnet_id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true, "vpc_security_group_ids": true}),
    )];
    let config = vec![
        json!({"address": "aws_instance.bastion", "mode": "managed", "type": "aws_instance", "name": "bastion", "provider_config_key": "aws",
        "expressions": {"subnet_id": {"references": ["aws_subnet.public.id", "aws_subnet.public"]},
                        "vpc_security_group_ids": {"references": ["aws_security_group.app.id", "aws_security_group.app"]}}}),
    ];
    let l = load_text(
        "plan.json",
        &vpc_with_nat(json!("52.1.2.3"), extra, config),
        Which::Planned,
    );
    expect_test::expect![[r#"
        note PUBLIC_IP_PLACEHOLDER #/planned_values/root_module/resources/12/values/public_ip: the public address of instance `aws_instance.bastion` is known only after apply; `203.0.113.1`, from the documentation range `203.0.113.0/24`, stands for it so that paths through it can be followed (the real address differs)
    "#]]
    .assert_eq(&notes(&l, "PUBLIC_IP_PLACEHOLDER"));
    let t = tr(&l.net, "internet", "bastion", TCP, 22);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
    // The worker asked for none and has none.
    let t = tr(&l.net, "internet", "worker", TCP, 22);
    assert_ne!(verdict(&t), "REACHABLE");
}

#[test]
fn a_nat_gateway_whose_elastic_ip_comes_through_a_local_says_why() {
    // `allocation_id = local.nat_ips[count.index]`, as terraform-aws-modules/vpc writes
    // it: the link to the Elastic IP is not in the JSON, the placeholder still is.
    let text = vpc_with_nat(Value::Null, vec![], vec![]).replace(
        r#""allocation_id":{"references":["aws_eip.nat.id","aws_eip.nat"]}"#,
        r#""allocation_id":{"references":["local.nat_ips","count.index"]}"#,
    );
    assert!(text.contains("local.nat_ips"));
    let l = load_text("plan.json", &text, Which::Planned);
    expect_test::expect![[r#"
        note PUBLIC_IP_PLACEHOLDER #/planned_values/root_module/resources/5/values/public_ip: the public address of NAT gateway `aws_nat_gateway.nat` is known only after apply; `203.0.113.1`, from the documentation range `203.0.113.0/24`, stands for it so that paths through it can be followed (the real address differs); its `allocation_id` is unknown until apply and its configuration links it only through `local.nat_ips` (Terraform's JSON holds neither the values nor the expressions of locals)
    "#]]
    .assert_eq(&notes(&l, "PUBLIC_IP_PLACEHOLDER"));
    let t = tr(&l.net, "worker", "8.8.8.8", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE", "{t:#?}");
}
