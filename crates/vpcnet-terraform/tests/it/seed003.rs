//! Seed 003 as a plan (`tests/data/seed003.plan.json`): a networking module with
//! private and database subnets (`count`), route tables, security groups with inline,
//! `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` rules, gateway
//! and interface endpoints (`for_each`) and flow logs; an EKS node, a bastion and the
//! database's interface at the root, wired through the module's outputs.

use expect_test::expect;
use vpcnet_model::Severity;
use vpcnet_terraform::Which;

use crate::support::{load, tr, verdict};

const TCP: u8 = 6;

#[test]
fn loads_with_endpoints_and_flow_logs_listed() {
    let l = load("seed003.plan.json", Which::Planned);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    let listed: Vec<String> = l
        .report
        .not_modelled
        .iter()
        .map(|(t, a)| format!("{t}: {}", a.join(", ")))
        .collect();
    expect![[r#"
        aws_vpc_endpoint: module.networking.aws_vpc_endpoint.s3, module.networking.aws_vpc_endpoint.interface["ecr.dkr"], module.networking.aws_vpc_endpoint.interface["sts"]
        aws_cloudwatch_log_group: module.networking.aws_cloudwatch_log_group.flow_logs
        aws_flow_log: module.networking.aws_flow_log.this"#]].assert_eq(&listed.join("\n"));
    let notes: Vec<String> = l
        .diags
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    expect![[r#"
        ACCOUNT_ASSUMED the account of `module.networking.aws_vpc.this[0]` is not known (no `owner_id`, ARN, or provider `allowed_account_ids`/`assume_role` given as a constant or a root variable); `000000000000` is assumed for every resource whose account is not known
        ADDRESS_ASSIGNED the private address of `aws_instance.eks_node` is picked by AWS at apply; `10.0.10.4`, the lowest free address of its subnet `10.0.10.0/24`, stands for it
        ADDRESS_ASSIGNED the private address of `aws_instance.bastion` is picked by AWS at apply; `10.0.20.4`, the lowest free address of its subnet `10.0.20.0/24`, stands for it
        NOT_MODELLED `aws_vpc_endpoint` is not modelled; 3 resources left out: `module.networking.aws_vpc_endpoint.s3`, `module.networking.aws_vpc_endpoint.interface["ecr.dkr"]`, `module.networking.aws_vpc_endpoint.interface["sts"]`
        NOT_MODELLED `aws_cloudwatch_log_group` is not modelled; 1 resource left out: `module.networking.aws_cloudwatch_log_group.flow_logs`
        NOT_MODELLED `aws_flow_log` is not modelled; 1 resource left out: `module.networking.aws_flow_log.this`"#]].assert_eq(&notes.join("\n"));
}

#[test]
fn the_database_is_reachable_only_from_the_eks_nodes_on_5432() {
    let n = load("seed003.plan.json", Which::Planned).net;
    assert_eq!(
        verdict(&tr(&n, "eks-node-1", "rds-postgres", TCP, 5432)),
        "REACHABLE"
    );
    assert_eq!(
        verdict(&tr(&n, "eks-node-1", "rds-postgres", TCP, 22)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    assert_eq!(
        verdict(&tr(&n, "bastion", "rds-postgres", TCP, 5432)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // The database subnets route nowhere but the VPC.
    let db = n
        .subnets()
        .iter()
        .position(|s| s.meta.name.as_deref() == Some("artos-production-database-1"))
        .expect("database subnet");
    let rt = n
        .effective_route_table(n.subnet_ids().nth(db).expect("index"))
        .expect("a route table");
    assert_eq!(
        n.route_table(rt).meta.name.as_deref(),
        Some("artos-production-database")
    );
    assert!(n
        .route_table(rt)
        .routes
        .iter()
        .all(|r| r.target == vpcnet_model::RouteTarget::Local));
}

#[test]
fn before_the_plan_there_is_nothing() {
    let l = load("seed003.plan.json", Which::Prior);
    assert!(l.net.vpcs().is_empty());
    assert_eq!(l.report.managed(), 0);
}
