//! Seed 003 as a plan (`tests/data/seed003.plan.json`): a networking module with
//! private and database subnets (`count`), route tables, security groups with inline,
//! `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` rules, a gateway
//! endpoint to S3 (its prefix list read as a data source while planning) and interface
//! endpoints (`for_each`) with private DNS, and flow logs; an EKS node, a bastion and
//! the database's interface at the root, wired through the module's outputs.

use expect_test::expect;
use vpcnet_engine::{resolve_source, service_destination, trace, trace_name, Query, Trace};
use vpcnet_model::{EndpointKind, Network, Severity};
use vpcnet_terraform::Which;

use crate::support::{load, tr, verdict};

const TCP: u8 = 6;

#[test]
fn loads_its_endpoints_and_lists_flow_logs() {
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
    expect!["aws_cloudwatch_log_group: module.networking.aws_cloudwatch_log_group.flow_logs"]
        .assert_eq(&listed.join("\n"));
    let notes: Vec<String> = l
        .diags
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    expect![[r#"
        ACCOUNT_ASSUMED the account of `module.networking.aws_vpc.this[0]` is not known (no `owner_id`, ARN, or provider `allowed_account_ids`/`assume_role` given as a constant or a root variable); `000000000000` is assumed for every resource whose account is not known
        ADDRESS_ASSIGNED the private address of `aws_instance.eks_node` is picked by AWS at apply; `10.0.10.4`, the lowest free address of its subnet `10.0.10.0/24`, stands for it
        ADDRESS_ASSIGNED the private address of `aws_instance.bastion` is picked by AWS at apply; `10.0.20.4`, the lowest free address of its subnet `10.0.20.0/24`, stands for it
        ADDRESS_ASSIGNED the private addresses of the interfaces of `module.networking.aws_vpc_endpoint.interface["ecr.api"]` are picked by AWS and are in no plan or state; `10.0.10.5` (in `10.0.10.0/24`), `10.0.20.5` (in `10.0.20.0/24`), the lowest free addresses of their subnets, stand for them
        ADDRESS_ASSIGNED the private addresses of the interfaces of `module.networking.aws_vpc_endpoint.interface["ecr.dkr"]` are picked by AWS and are in no plan or state; `10.0.10.6` (in `10.0.10.0/24`), `10.0.20.6` (in `10.0.20.0/24`), the lowest free addresses of their subnets, stand for them
        ADDRESS_ASSIGNED the private addresses of the interfaces of `module.networking.aws_vpc_endpoint.interface["sts"]` are picked by AWS and are in no plan or state; `10.0.10.7` (in `10.0.10.0/24`), `10.0.20.7` (in `10.0.20.0/24`), the lowest free addresses of their subnets, stand for them
        NOT_MODELLED `aws_cloudwatch_log_group` is not modelled; 1 resource left out: `module.networking.aws_cloudwatch_log_group.flow_logs`"#]].assert_eq(&notes.join("\n"));
    let endpoints: Vec<String> = l
        .net
        .vpc_endpoints()
        .iter()
        .map(|e| {
            let rts: Vec<&str> = e
                .route_tables
                .iter()
                .map(|t| l.net.route_table(*t).meta.name.as_deref().unwrap_or("?"))
                .collect();
            let ips: Vec<String> = e
                .enis
                .iter()
                .map(|x| l.net.interface(*x).primary_ip().to_string())
                .collect();
            format!(
                "{} {} {} private_dns={} route_tables={rts:?} interfaces={ips:?}",
                e.kind.as_str(),
                e.service_name,
                e.state,
                e.private_dns
            )
        })
        .collect();
    expect![[r#"
        Gateway com.amazonaws.us-west-2.s3 available private_dns=false route_tables=["artos-production-private"] interfaces=[]
        Interface com.amazonaws.us-west-2.ecr.api available private_dns=true route_tables=[] interfaces=["10.0.10.5", "10.0.20.5"]
        Interface com.amazonaws.us-west-2.ecr.dkr available private_dns=true route_tables=[] interfaces=["10.0.10.6", "10.0.20.6"]
        Interface com.amazonaws.us-west-2.sts available private_dns=true route_tables=[] interfaces=["10.0.10.7", "10.0.20.7"]"#]].assert_eq(&endpoints.join("\n"));
}

fn query(n: &Network, from: &str, port: u16) -> Query {
    Query {
        from: resolve_source(n, from).expect("source"),
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: TCP,
        src_port: 49152,
        dst_port: port,
        icmp_type: 8,
        icmp_code: 0,
    }
}

/// A connection to an AWS service as `--to s3` makes it.
fn to_service(n: &Network, from: &str, service: &str, port: u16) -> Trace {
    let mut q = query(n, from, port);
    let d = service_destination(n, &q.from, service).expect("the VPC has an endpoint for it");
    q.to_ip = d.ip;
    q.expect = d.expect;
    trace(n, &q)
}

fn details(t: &Trace) -> String {
    let mut out = String::new();
    for h in t
        .forward
        .hops
        .iter()
        .chain(t.ret.iter().flat_map(|r| &r.hops))
    {
        out.push_str(&h.detail);
        out.push('\n');
    }
    out
}

#[test]
fn s3_is_reached_from_a_private_subnet_through_the_gateway_endpoint() {
    let n = load("seed003.plan.json", Which::Planned).net;
    let s3 = n
        .vpc_endpoints()
        .iter()
        .find(|e| e.kind == EndpointKind::Gateway)
        .expect("the S3 endpoint");
    let pl = n.prefix_list(s3.prefix_list.expect("its prefix list"));
    assert_eq!(pl.meta.id, "pl-68a54001");
    assert_eq!(pl.cidrs.len(), 6);
    // The bastion may send anywhere: to S3 through the endpoint's route, and back.
    let t = to_service(&n, "bastion", "s3", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    let text = details(&t);
    assert!(text.contains("pl-68a54001"), "{text}");
    assert!(text.contains("through gateway endpoint"), "{text}");
    // An S3 address outside the list has no route: the private subnets reach nothing
    // outside the VPC but the endpoint.
    let mut q = query(&n, "bastion", 443);
    q.to_ip = "52.94.0.10".parse().expect("ip");
    assert_eq!(
        verdict(&trace(&n, &q)),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
    // The EKS nodes' group sends only within the VPC, so they cannot reach S3 (where
    // ECR keeps image layers) although the route is there.
    assert_eq!(
        verdict(&to_service(&n, "eks-node-1", "s3", 443)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn ecr_api_is_reached_through_its_interface_endpoint_by_private_dns() {
    let n = load("seed003.plan.json", Which::Planned).net;
    let t = trace_name(
        &n,
        &query(&n, "eks-node-1", 443),
        "ecr.api.us-west-2.amazonaws.com",
    );
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    let text = details(&t);
    assert!(text.contains("private DNS of interface endpoint"), "{text}");
    assert!(
        text.contains("to com.amazonaws.us-west-2.ecr.api at 10.0.10."),
        "{text}"
    );
    // The endpoints' group opens 443 only.
    assert_eq!(
        verdict(&to_service(&n, "eks-node-1", "ecr.api", 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // The database subnets have no interface of it, and the database's group sends
    // nothing.
    assert_eq!(
        verdict(&to_service(&n, "rds-postgres", "sts", 443)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
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
