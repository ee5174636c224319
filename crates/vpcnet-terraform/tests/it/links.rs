//! Values unknown until apply, linked through what `configuration` shows: module
//! calls with `for_each` over another module (`each.value.<output>`), root variables,
//! data sources, and `local`s, whose values and expressions Terraform's JSON does not
//! hold: a local standing for the only VPC (or a rule's only group) of its module is
//! assumed and said; anything else is reported with the reference it stops at.

use serde_json::json;
use vpcnet_model::Severity;
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

fn res(addr: &str, ty: &str, name: &str, expressions: serde_json::Value) -> serde_json::Value {
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_config_key": "aws", "expressions": expressions})
}

/// A security group module with one group, whose rules name it through
/// `local.this_sg_id` (terraform-aws-modules/security-group), and a second module with
/// two groups whose rule names its peer through `local.peer_id`.
pub(crate) fn rules_through_locals() -> String {
    let sg = |addr: &str| {
        planned(
            addr,
            json!({"name_prefix": "x"}),
            json!({"id": true, "vpc_id": true, "ingress": true, "egress": true}),
        )
    };
    let rule = |addr: &str| {
        planned(
            addr,
            json!({"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
                   "cidr_blocks": ["10.0.0.0/8"], "self": false, "prefix_list_ids": []}),
            json!({"id": true, "security_group_id": true, "source_security_group_id": true}),
        )
    };
    let resources = vec![
        planned(
            "aws_vpc.main",
            json!({"cidr_block": "10.0.0.0/16"}),
            json!({"id": true}),
        ),
        sg("module.ssh.aws_security_group.this_name_prefix[0]"),
        rule("module.ssh.aws_security_group_rule.ingress[0]"),
        sg("module.eks.aws_security_group.cluster[0]"),
        sg("module.eks.aws_security_group.node[0]"),
        planned(
            "module.eks.aws_security_group_rule.node[\"ingress_cluster_443\"]",
            json!({"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443,
                   "self": false, "prefix_list_ids": []}),
            json!({"id": true, "security_group_id": true, "source_security_group_id": true}),
        ),
    ];
    let vpc_var = json!({"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}});
    let config = json!({
        "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {
            "resources": [res("aws_vpc.main", "aws_vpc", "main", json!({"cidr_block": {"constant_value": "10.0.0.0/16"}}))],
            "module_calls": {
                "ssh": {"source": "terraform-aws-modules/security-group/aws", "expressions": vpc_var, "module": {
                    "resources": [
                        res("aws_security_group.this_name_prefix", "aws_security_group", "this_name_prefix",
                            json!({"vpc_id": {"references": ["var.vpc_id"]}})),
                        res("aws_security_group_rule.ingress", "aws_security_group_rule", "ingress",
                            json!({"security_group_id": {"references": ["local.this_sg_id"]},
                                   "cidr_blocks": {"references": ["var.ingress_cidr_blocks"]}})),
                    ],
                    "variables": {"vpc_id": {}, "ingress_cidr_blocks": {"default": []}}
                }},
                "eks": {"source": "terraform-aws-modules/eks/aws", "expressions": vpc_var, "module": {
                    "resources": [
                        res("aws_security_group.cluster", "aws_security_group", "cluster",
                            json!({"vpc_id": {"references": ["var.vpc_id"]}})),
                        res("aws_security_group.node", "aws_security_group", "node",
                            json!({"vpc_id": {"references": ["var.vpc_id"]}})),
                        {"address": "aws_security_group_rule.node", "mode": "managed",
                         "type": "aws_security_group_rule", "name": "node", "provider_config_key": "aws",
                         "expressions": {
                            "security_group_id": {"references": ["aws_security_group.node[0].id", "aws_security_group.node[0]", "aws_security_group.node"]},
                            "source_security_group_id": {"references": ["each.value.source_cluster_security_group", "each.value", "local.security_group_id"]}
                         },
                         "for_each_expression": {"references": ["local.node_security_group_rules"]}}
                    ],
                    "variables": {"vpc_id": {}}
                }}
            }
        }
    });
    plan_json(&resources, config, json!({}))
}

#[test]
fn a_rule_naming_its_group_through_a_local_gets_the_only_group_of_its_module() {
    let l = load_text("plan.json", &rules_through_locals(), Which::Planned);
    expect_test::expect![[r#"
        note REFERENCE_INFERRED #/planned_values/root_module/child_modules/0/resources/1/values/security_group_id: `security_group_id` of `module.ssh.aws_security_group_rule.ingress[0]` is unknown until apply and its configuration links it through `local.this_sg_id` in `module.ssh`, whose value and expression Terraform's JSON does not hold; `sg-tf-module.ssh.aws_security_group.this_name_prefix[0]`, the only security group of `module.ssh`, is assumed
    "#]]
    .assert_eq(&with_code(&l, "REFERENCE_INFERRED"));
    let g = l
        .net
        .security_groups()
        .iter()
        .find(|g| g.meta.id.contains("ssh"))
        .expect("the module's group");
    assert_eq!(g.ingress.len(), 1, "{g:#?}");
    // The rule has its CIDR: the source group it does not set is not reported lost.
    assert!(
        !with_code(&l, "UNRESOLVED_REFERENCE").contains("module.ssh"),
        "{}",
        l.findings()
    );
}

#[test]
fn a_peer_named_through_a_local_between_two_groups_is_reported_with_the_reference() {
    let l = load_text("plan.json", &rules_through_locals(), Which::Planned);
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/child_modules/1/resources/2/values/source_security_group_id: `source_security_group_id` of `module.eks.aws_security_group_rule.node["ingress_cluster_443"]` is unknown until apply and its configuration links it only through `each.value.source_cluster_security_group`, `local.security_group_id` in `module.eks` (the JSON does not hold the elements of the `for_each` over `local.node_security_group_rules`; Terraform's JSON holds neither the values nor the expressions of locals); the rule is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}

/// Module "vpcs" (for_each) makes a VPC and a subnet per key, its VPC reached through
/// `local.vpc`; module "compute" (for_each = module.vpcs) puts an instance in
/// `each.value.private_subnets` and a group in `each.value.vpc_attributes.id`.
pub(crate) fn for_each_over_a_module() -> String {
    let mut resources = Vec::new();
    for (k, n) in [("a", 1), ("b", 2)] {
        resources.push(planned(
            &format!("module.vpcs[\"{k}\"].aws_vpc.main[0]"),
            json!({"cidr_block": format!("10.{n}.0.0/16")}),
            json!({"id": true}),
        ));
        resources.push(planned(
            &format!("module.vpcs[\"{k}\"].aws_subnet.private[\"eu-west-1a\"]"),
            json!({"cidr_block": format!("10.{n}.1.0/24"), "availability_zone": "eu-west-1a"}),
            json!({"id": true, "vpc_id": true}),
        ));
        resources.push(planned(
            &format!("module.compute[\"{k}\"].aws_security_group.app"),
            json!({"name": format!("app-{k}")}),
            json!({"id": true, "vpc_id": true}),
        ));
        resources.push(planned(
            &format!("module.compute[\"{k}\"].aws_instance.app[0]"),
            json!({"tags": {"Name": format!("app-{k}")}}),
            json!({"id": true, "subnet_id": true, "private_ip": true, "vpc_security_group_ids": true}),
        ));
    }
    let config = json!({
        "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}},
        "root_module": {"module_calls": {
            "vpcs": {"source": "aws-ia/vpc/aws", "for_each_expression": {"references": ["local.spokes"]},
                     "expressions": {"cidr_block": {"references": ["each.value.cidr", "each.value"]}},
                     "module": {
                "outputs": {
                    "vpc_attributes": {"expression": {"references": ["local.vpc"]}},
                    "private_subnets": {"expression": {"references": ["aws_subnet.private"]}}
                },
                "resources": [
                    res("aws_vpc.main", "aws_vpc", "main", json!({"cidr_block": {"references": ["local.cidr_block"]}})),
                    {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private",
                     "provider_config_key": "aws",
                     "expressions": {"vpc_id": {"references": ["local.vpc.id", "local.vpc"]}},
                     "for_each_expression": {"references": ["local.subnets"]}}
                ]
            }},
            "compute": {"source": "./modules/compute", "for_each_expression": {"references": ["module.vpcs"]},
                        "expressions": {
                            "vpc_id": {"references": ["each.value.vpc_attributes.id", "each.value.vpc_attributes", "each.value"]},
                            "subnets": {"references": ["each.value.private_subnets", "each.value"]}
                        },
                        "module": {
                "resources": [
                    res("aws_security_group.app", "aws_security_group", "app", json!({"vpc_id": {"references": ["var.vpc_id"]}})),
                    {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app",
                     "provider_config_key": "aws",
                     "expressions": {"subnet_id": {"references": ["var.subnets", "count.index"]},
                                     "vpc_security_group_ids": {"references": ["aws_security_group.app.id", "aws_security_group.app"]}},
                     "count_expression": {"constant_value": 1}}
                ],
                "variables": {"vpc_id": {}, "subnets": {}}
            }}
        }}
    });
    plan_json(
        &resources,
        config,
        json!({"region": {"value": "eu-west-1"}}),
    )
}

#[test]
fn each_value_of_a_for_each_over_a_module_follows_that_module_instance() {
    let l = load_text("plan.json", &for_each_over_a_module(), Which::Planned);
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    let placed: Vec<String> = l
        .net
        .instances()
        .iter()
        .map(|x| {
            let eni = l.net.interface(x.interfaces[0]);
            let vpc = l.net.vpc(l.net.subnet(eni.subnet).vpc);
            let sg = l.net.security_group(eni.security_groups[0]);
            format!(
                "{} in {} ({}, {}) with {}",
                x.meta.label(),
                l.net.subnet(eni.subnet).cidr,
                vpc.cidrs[0],
                vpc.region,
                sg.group_name
            )
        })
        .collect();
    expect_test::expect![[r#"
        app-a (i-tf-module.compute["a"].aws_instance.app[0]) in 10.1.1.0/24 (10.1.0.0/16, eu-west-1) with app-a
        app-b (i-tf-module.compute["b"].aws_instance.app[0]) in 10.2.1.0/24 (10.2.0.0/16, eu-west-1) with app-b"#]]
    .assert_eq(&placed.join("\n"));
    expect_test::expect![[r#"
        note REFERENCE_INFERRED #/planned_values/root_module/child_modules/0/resources/1/values/vpc_id: `vpc_id` of `module.vpcs["a"].aws_subnet.private["eu-west-1a"]` is unknown until apply and its configuration links it through `local.vpc.id` in `module.vpcs["a"]`, whose value and expression Terraform's JSON does not hold; `vpc-tf-module.vpcs["a"].aws_vpc.main[0]`, the only VPC of `module.vpcs["a"]`, is assumed
        note REFERENCE_INFERRED #/planned_values/root_module/child_modules/1/resources/0/values/vpc_id: `vpc_id` of `module.compute["a"].aws_security_group.app` is unknown until apply and its configuration links it through `local.vpc` in `module.vpcs["a"]`, whose value and expression Terraform's JSON does not hold; `vpc-tf-module.vpcs["a"].aws_vpc.main[0]`, the only VPC of `module.vpcs["a"]`, is assumed
        note REFERENCE_INFERRED #/planned_values/root_module/child_modules/2/resources/1/values/vpc_id: `vpc_id` of `module.vpcs["b"].aws_subnet.private["eu-west-1a"]` is unknown until apply and its configuration links it through `local.vpc.id` in `module.vpcs["b"]`, whose value and expression Terraform's JSON does not hold; `vpc-tf-module.vpcs["b"].aws_vpc.main[0]`, the only VPC of `module.vpcs["b"]`, is assumed
        note REFERENCE_INFERRED #/planned_values/root_module/child_modules/3/resources/0/values/vpc_id: `vpc_id` of `module.compute["b"].aws_security_group.app` is unknown until apply and its configuration links it through `local.vpc` in `module.vpcs["b"]`, whose value and expression Terraform's JSON does not hold; `vpc-tf-module.vpcs["b"].aws_vpc.main[0]`, the only VPC of `module.vpcs["b"]`, is assumed
    "#]]
    .assert_eq(&with_code(&l, "REFERENCE_INFERRED"));
}

#[test]
fn references_that_end_outside_the_json_are_named() {
    // A subnet in a VPC read by a data source at apply, a group in a VPC given by a
    // root variable the plan does not set, a route table in a module variable nothing
    // sets.
    let resources = vec![
        planned(
            "aws_subnet.a",
            json!({"cidr_block": "10.0.1.0/24"}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_security_group.b",
            json!({"name": "b"}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "module.net.aws_route_table.c",
            json!({}),
            json!({"id": true, "vpc_id": true}),
        ),
    ];
    let config = json!({"root_module": {
        "resources": [
            res("aws_subnet.a", "aws_subnet", "a", json!({"vpc_id": {"references": ["data.aws_vpc.shared.id", "data.aws_vpc.shared"]}})),
            res("aws_security_group.b", "aws_security_group", "b", json!({"vpc_id": {"references": ["var.vpc_id"]}})),
            {"address": "data.aws_vpc.shared", "mode": "data", "type": "aws_vpc", "name": "shared", "provider_config_key": "aws", "expressions": {}}
        ],
        "module_calls": {"net": {"source": "./net", "expressions": {}, "module": {
            "resources": [res("aws_route_table.c", "aws_route_table", "c", json!({"vpc_id": {"references": ["var.vpc"]}}))],
            "variables": {"vpc": {}}
        }}}
    }});
    let mut doc: serde_json::Value =
        serde_json::from_str(&plan_json(&resources, config, json!({}))).expect("json");
    // Terraform lists a data source it reads at apply in the planned values.
    doc["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .expect("list")
        .push(json!({"address": "data.aws_vpc.shared", "mode": "data", "type": "aws_vpc", "name": "shared",
                     "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {"tags": null}, "sensitive_values": {}}));
    let l = load_text("plan.json", &doc.to_string(), Which::Planned);
    expect_test::expect![[r#"
        error UNRESOLVED_REFERENCE #/planned_values/root_module/child_modules/0/resources/0/values/vpc_id: `vpc_id` of `module.net.aws_route_table.c` is unknown until apply and its configuration links it only through `var.vpc` in `module.net` (`var.vpc` of `module.net` is set by no argument of its module call and has no default); the route table and its routes are skipped
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/1/values/vpc_id: `vpc_id` of `aws_security_group.b` is unknown until apply and its configuration links it only through `var.vpc_id` (root variable `var.vpc_id` has no value in the plan); the security group is skipped
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/0/values/vpc_id: `vpc_id` of `aws_subnet.a` is unknown until apply and its configuration links it only through `data.aws_vpc.shared` (data source `data.aws_vpc.shared` is read only at apply); the subnet is skipped
    "#]]
    .assert_eq(&with_code(&l, "UNRESOLVED_REFERENCE"));
}

#[test]
fn a_local_listed_beside_the_resource_it_stands_for_uses_the_resource() {
    // `vpc_id = coalesce(local.vpc_id, aws_vpc.b.id)`: Terraform lists both; the
    // resource is what the JSON can follow, so nothing is assumed.
    let resources = vec![
        planned(
            "aws_vpc.a",
            json!({"cidr_block": "10.0.0.0/16"}),
            json!({"id": true}),
        ),
        planned(
            "aws_vpc.b",
            json!({"cidr_block": "10.1.0.0/16"}),
            json!({"id": true}),
        ),
        planned(
            "aws_subnet.s",
            json!({"cidr_block": "10.1.1.0/24"}),
            json!({"id": true, "vpc_id": true}),
        ),
    ];
    let config = json!({"root_module": {"resources": [
        res("aws_vpc.a", "aws_vpc", "a", json!({})),
        res("aws_vpc.b", "aws_vpc", "b", json!({})),
        res("aws_subnet.s", "aws_subnet", "s",
            json!({"vpc_id": {"references": ["local.vpc_id", "aws_vpc.b.id", "aws_vpc.b"]}})),
    ]}});
    let l = load_text(
        "plan.json",
        &plan_json(&resources, config, json!({})),
        Which::Planned,
    );
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    assert_eq!(with_code(&l, "REFERENCE_INFERRED"), "");
    assert_eq!(
        l.net.vpc(l.net.subnets()[0].vpc).meta.id,
        "vpc-tf-aws_vpc.b"
    );
}
