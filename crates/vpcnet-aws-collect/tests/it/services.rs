//! A transit gateway joining two VPCs, a gateway and an interface endpoint, a network
//! load balancer with an instance target offered as an endpoint service, a private
//! hosted zone and a Resolver rule: built in moto with real API calls, collected,
//! loaded by `vpcnet-aws` and traced.
//!
//! Where moto differs from AWS the test says so, and asserts moto's shape, so that it
//! fails, and can be simplified, when moto is fixed:
//! - a load balancer gets no network interface in moto; AWS makes one per subnet,
//!   described `ELB <the tail of its ARN>`. The test makes that interface through the
//!   EC2 API, as AWS would have.
//! - moto gives an interface endpoint's interface a random `10.x.y.z` address outside
//!   its subnet (`random_private_ip()` in `moto/ec2/models/vpcs.py`), so the loader
//!   rightly refuses it; the endpoint loads without it.
//! - `search-transit-gateway-routes` in moto lists a static route's attachment as an
//!   empty `TransitGatewayAttachments` (moto keeps it as a map, not a list), so the
//!   loader refuses the route; blackhole routes have no attachment and load.
//! - `describe-vpc-endpoint-connections` is not implemented in moto; the call fails
//!   (it is made only for an account with endpoint services, as this one).
//!
//! Interface endpoints, PrivateLink and static routes to attachments are covered with
//! AWS's own shapes by `vpcnet-aws`'s `services` fixture.

use aws_sdk_ec2::types::{
    AttributeBooleanValue, DefaultRouteTableAssociationValue, DefaultRouteTablePropagationValue,
    IpPermission, IpRange, TransitGatewayRequestOptions, VpcEndpointType,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, ProtocolEnum,
    TargetDescription, TargetTypeEnum,
};
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType,
    Vpc as ZoneVpc, VpcRegion,
};
use aws_sdk_route53resolver::types::{
    IpAddressRequest, ResolverEndpointDirection, RuleTypeOption, TargetAddress,
};
use serde_json::Value;
use vpcnet_aws::load_snapshot;
use vpcnet_engine::{
    resolve_name, resolve_source, service_destination, trace, trace_name, Component, Query, Trace,
};
use vpcnet_model::{Diagnostic, Network, NetworkBuilder, RecordType, Severity, VpcIdx};

use crate::moto::{collect_as, dummy, Moto, BASE_ACCOUNT};
use crate::setup::Ec2;

/// What the checks refer to in the network [`build`] makes.
struct Net {
    app: String,
    tgw: String,
    tgw_table: String,
    att_app: String,
    att_svc: String,
    s3_endpoint: String,
    sts_endpoint: String,
    lb_arn: String,
    rule: String,
}

fn tcp(port: i32, cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        .build()
}

/// Base account, us-east-1:
/// - VPC `app` 10.10.0.0/16 (DNS hostnames on): `app-1` 10.10.1.10; routes
///   10.20.0.0/16 and 10.66.0.0/16 to the transit gateway; an S3 gateway endpoint on
///   its route table and an STS interface endpoint; a Resolver endpoint and a
///   forwarding rule for `onprem.example`; the private zone `corp.internal`.
/// - VPC `svc` 10.20.0.0/16: `db-1` 10.20.1.20 (5432 and 443 from `app`), behind the
///   internal network load balancer `metrics` (TCP 443, its security group allowing
///   443 from `app`), offered as an endpoint service; routes 10.10.0.0/16 to the
///   transit gateway.
/// - The transit gateway `hub`: both VPCs attached, associated with its default route
///   table (as AWS associates them by default) and propagating into it; a static
///   route 10.99.0.0/16 to `svc`'s attachment, a blackhole 10.66.0.0/16; a spare route
///   table with a blackhole default route.
async fn build(moto: &Moto) -> Net {
    let ec2 = Ec2::new(moto, "us-east-1", dummy()).await;
    let c = &ec2.c;
    let app = ec2.vpc("10.10.0.0/16", "app").await;
    c.modify_vpc_attribute()
        .vpc_id(&app)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("enable DNS hostnames");
    let app_a = ec2.subnet(&app, "10.10.1.0/24", "app-a").await;
    let app_b = c
        .create_subnet()
        .vpc_id(&app)
        .cidr_block("10.10.2.0/24")
        .availability_zone("us-east-1b")
        .send()
        .await
        .expect("create subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("subnet id");
    let svc = ec2.vpc("10.20.0.0/16", "svc").await;
    let svc_a = ec2.subnet(&svc, "10.20.1.0/24", "svc-a").await;
    let rt_app = ec2.route_table(&app, &app_a).await;
    let rt_svc = ec2.route_table(&svc, &svc_a).await;
    let sg_app = ec2.security_group(&app, "app").await;
    let sg_db = ec2.security_group(&svc, "db").await;
    ec2.allow(&sg_db, tcp(5432, "10.10.0.0/16")).await;
    ec2.allow(&sg_db, tcp(443, "10.10.0.0/16")).await;
    ec2.instance(&app_a, "10.10.1.10", &sg_app, "app-1").await;
    let db = ec2.instance(&svc_a, "10.20.1.20", &sg_db, "db-1").await;

    // The transit gateway.
    let tgw = c
        .create_transit_gateway()
        .description("hub")
        .options(
            TransitGatewayRequestOptions::builder()
                .default_route_table_association(DefaultRouteTableAssociationValue::Enable)
                .default_route_table_propagation(DefaultRouteTablePropagationValue::Disable)
                .build(),
        )
        .send()
        .await
        .expect("create transit gateway")
        .transit_gateway
        .expect("transit gateway");
    let tgw_table = tgw
        .options
        .and_then(|o| o.association_default_route_table_id)
        .expect("the default route table");
    let tgw = tgw.transit_gateway_id.expect("transit gateway id");
    let mut atts = Vec::new();
    for (vpc, subnet) in [(&app, &app_a), (&svc, &svc_a)] {
        let att = c
            .create_transit_gateway_vpc_attachment()
            .transit_gateway_id(&tgw)
            .vpc_id(vpc)
            .subnet_ids(subnet)
            .send()
            .await
            .expect("attach a VPC")
            .transit_gateway_vpc_attachment
            .and_then(|a| a.transit_gateway_attachment_id)
            .expect("attachment id");
        c.enable_transit_gateway_route_table_propagation()
            .transit_gateway_route_table_id(&tgw_table)
            .transit_gateway_attachment_id(&att)
            .send()
            .await
            .expect("enable propagation");
        atts.push(att);
    }
    let (att_app, att_svc) = (atts[0].clone(), atts[1].clone());
    c.create_transit_gateway_route()
        .transit_gateway_route_table_id(&tgw_table)
        .destination_cidr_block("10.99.0.0/16")
        .transit_gateway_attachment_id(&att_svc)
        .send()
        .await
        .expect("create a static route");
    c.create_transit_gateway_route()
        .transit_gateway_route_table_id(&tgw_table)
        .destination_cidr_block("10.66.0.0/16")
        .blackhole(true)
        .send()
        .await
        .expect("create a blackhole route");
    let spare = c
        .create_transit_gateway_route_table()
        .transit_gateway_id(&tgw)
        .send()
        .await
        .expect("create a route table")
        .transit_gateway_route_table
        .and_then(|t| t.transit_gateway_route_table_id)
        .expect("route table id");
    c.create_transit_gateway_route()
        .transit_gateway_route_table_id(&spare)
        .destination_cidr_block("0.0.0.0/0")
        .blackhole(true)
        .send()
        .await
        .expect("create a blackhole route");
    for (rt, dest) in [
        (&rt_app, "10.20.0.0/16"),
        (&rt_app, "10.66.0.0/16"),
        (&rt_svc, "10.10.0.0/16"),
    ] {
        c.create_route()
            .route_table_id(rt)
            .destination_cidr_block(dest)
            .transit_gateway_id(&tgw)
            .send()
            .await
            .expect("create a route to the transit gateway");
    }

    // Endpoints.
    let endpoint = |kind: VpcEndpointType, service: &str| {
        c.create_vpc_endpoint()
            .vpc_id(&app)
            .service_name(service)
            .vpc_endpoint_type(kind)
    };
    let s3_endpoint = endpoint(VpcEndpointType::Gateway, "com.amazonaws.us-east-1.s3")
        .route_table_ids(&rt_app)
        .send()
        .await
        .expect("create a gateway endpoint")
        .vpc_endpoint
        .and_then(|e| e.vpc_endpoint_id)
        .expect("endpoint id");
    let sts_endpoint = endpoint(VpcEndpointType::Interface, "com.amazonaws.us-east-1.sts")
        .subnet_ids(&app_a)
        .private_dns_enabled(true)
        .send()
        .await
        .expect("create an interface endpoint")
        .vpc_endpoint
        .and_then(|e| e.vpc_endpoint_id)
        .expect("endpoint id");

    // The load balancer, with a security group of its own.
    let sg_lb = ec2.security_group(&svc, "metrics-nlb").await;
    ec2.allow(&sg_lb, tcp(443, "10.10.0.0/16")).await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&moto.config("us-east-1", dummy()).await);
    let lb = elb
        .create_load_balancer()
        .name("metrics")
        .subnets(&svc_a)
        .security_groups(&sg_lb)
        .r#type(LoadBalancerTypeEnum::Network)
        .scheme(LoadBalancerSchemeEnum::Internal)
        .send()
        .await
        .expect("create a load balancer");
    let lb = lb
        .load_balancers()
        .first()
        .expect("the load balancer")
        .clone();
    let lb_arn = lb.load_balancer_arn.expect("its ARN");
    let lb_dns = lb.dns_name.expect("its DNS name");
    let group = elb
        .create_target_group()
        .name("metrics")
        .protocol(ProtocolEnum::Tcp)
        .port(443)
        .vpc_id(&svc)
        .target_type(TargetTypeEnum::Instance)
        .send()
        .await
        .expect("create a target group");
    let group = group
        .target_groups()
        .first()
        .and_then(|g| g.target_group_arn.clone())
        .expect("its ARN");
    elb.register_targets()
        .target_group_arn(&group)
        .targets(TargetDescription::builder().id(&db).port(443).build())
        .send()
        .await
        .expect("register the target");
    elb.create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(ProtocolEnum::Tcp)
        .port(443)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(&group)
                .build(),
        )
        .send()
        .await
        .expect("create a listener");
    let tail = lb_arn
        .split_once(":loadbalancer/")
        .map(|(_, t)| t.to_owned())
        .expect("a load balancer ARN");
    c.create_network_interface()
        .subnet_id(&svc_a)
        .private_ip_address("10.20.1.100")
        .groups(&sg_lb)
        .description(format!("ELB {tail}"))
        .send()
        .await
        .expect("create the load balancer's interface");
    let service = c
        .create_vpc_endpoint_service_configuration()
        .network_load_balancer_arns(&lb_arn)
        .acceptance_required(false)
        .send()
        .await
        .expect("create an endpoint service")
        .service_configuration
        .and_then(|s| s.service_id)
        .expect("service id");
    c.modify_vpc_endpoint_service_permissions()
        .service_id(&service)
        .add_allowed_principals("arn:aws:iam::222222222222:root")
        .send()
        .await
        .expect("allow a principal");

    // Names.
    let r53 = aws_sdk_route53::Client::new(&moto.config("us-east-1", dummy()).await);
    let zone = r53
        .create_hosted_zone()
        .name("corp.internal")
        .caller_reference("services")
        .hosted_zone_config(HostedZoneConfig::builder().private_zone(true).build())
        .vpc(
            ZoneVpc::builder()
                .vpc_region(VpcRegion::UsEast1)
                .vpc_id(&app)
                .build(),
        )
        .send()
        .await
        .expect("create a hosted zone")
        .hosted_zone
        .map(|z| z.id)
        .expect("zone id");
    let record = |name: &str, kind: RrType, value: &str| {
        let set = ResourceRecordSet::builder()
            .name(name)
            .r#type(kind)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value(value)
                    .build()
                    .expect("a record"),
            )
            .build()
            .expect("a record set");
        Change::builder()
            .action(ChangeAction::Create)
            .resource_record_set(set)
            .build()
            .expect("a change")
    };
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone)
        .change_batch(
            ChangeBatch::builder()
                .changes(record("db.corp.internal", RrType::A, "10.20.1.20"))
                .changes(record("metrics.corp.internal", RrType::Cname, &lb_dns))
                .build()
                .expect("a change batch"),
        )
        .send()
        .await
        .expect("create the records");

    let resolver = aws_sdk_route53resolver::Client::new(&moto.config("us-east-1", dummy()).await);
    let sg_dns = ec2.security_group(&app, "dns").await;
    let out = resolver
        .create_resolver_endpoint()
        .creator_request_id("outbound")
        .security_group_ids(&sg_dns)
        .direction(ResolverEndpointDirection::Outbound)
        .ip_addresses(
            IpAddressRequest::builder()
                .subnet_id(&app_a)
                .ip("10.10.1.53")
                .build()
                .expect("an address"),
        )
        .ip_addresses(
            IpAddressRequest::builder()
                .subnet_id(&app_b)
                .ip("10.10.2.53")
                .build()
                .expect("an address"),
        )
        .send()
        .await
        .expect("create a Resolver endpoint")
        .resolver_endpoint
        .and_then(|e| e.id)
        .expect("endpoint id");
    let rule = resolver
        .create_resolver_rule()
        .creator_request_id("onprem")
        .name("onprem")
        .rule_type(RuleTypeOption::Forward)
        .domain_name("onprem.example")
        .target_ips(
            TargetAddress::builder()
                .ip("192.168.10.53")
                .port(53)
                .build(),
        )
        .resolver_endpoint_id(&out)
        .send()
        .await
        .expect("create a Resolver rule")
        .resolver_rule
        .and_then(|r| r.id)
        .expect("rule id");
    resolver
        .associate_resolver_rule()
        .resolver_rule_id(&rule)
        .vpc_id(&app)
        .send()
        .await
        .expect("associate the rule");

    Net {
        app,
        tgw,
        tgw_table,
        att_app,
        att_svc,
        s3_endpoint,
        sts_endpoint,
        lb_arn,
        rule,
    }
}

/// `aws_configs/accounts/<base>/us-east-1/<key>.json`'s list.
fn read(out: &std::path::Path, key: &str) -> Vec<Value> {
    let path = out
        .join("aws_configs/accounts")
        .join(BASE_ACCOUNT)
        .join("us-east-1")
        .join(format!("{key}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("`{}` should exist: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v[key].as_array().expect("a list").clone()
}

fn find<'a>(items: &'a [Value], field: &str, id: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i[field] == id)
        .unwrap_or_else(|| panic!("no item with `{field}` = `{id}` in {items:#?}"))
}

fn query(n: &Network, from: &str, port: u16) -> Query {
    Query {
        from: resolve_source(n, from).expect("source"),
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: 6,
        src_port: 49152,
        dst_port: port,
        icmp_type: 0,
        icmp_code: 0,
    }
}

fn verdict(t: &Trace) -> String {
    match t.blocked_by() {
        None if t.reachable() => "reachable".to_owned(),
        None => "unreachable".to_owned(),
        Some(b) => format!("unreachable {}", b.code.as_str()),
    }
}

/// The ids of what a trace's forward path crossed, in order.
fn crossed(n: &Network, t: &Trace) -> Vec<String> {
    t.forward
        .hops
        .iter()
        .filter_map(|h| match h.component {
            Component::Resource(idx) => Some(n.meta(idx).id.clone()),
            _ => None,
        })
        .collect()
}

fn show(diags: &[&Diagnostic]) -> String {
    diags.iter().map(|d| format!("{d}\n")).collect()
}

#[test]
fn transit_gateway_endpoints_load_balancer_and_names_are_collected_loaded_and_traced() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().expect("a runtime for the setup");
    let net = rt.block_on(build(&moto));
    let opts = moto.options("services", &["us-east-1"]);
    let report = collect_as(&opts, "testing", "testing").expect("the collection works");
    // moto's gap: the account has an endpoint service, so its connections are asked
    // for, and moto does not implement the call.
    let failed: Vec<&str> = report
        .failed_calls
        .iter()
        .map(|f| f.call.as_str())
        .collect();
    assert_eq!(
        failed,
        ["DescribeVpcEndpointConnections"],
        "{:#?}",
        report.failed_calls
    );
    assert_eq!(report.files_written, crate::snapshot::KEYS.len());
    let out = &opts.out_dir;

    // The shapes a network analyser reads.
    let vpcs = read(out, "Vpcs");
    let app = find(&vpcs, "VpcId", &net.app);
    assert_eq!(
        app["EnableDnsHostnames"],
        serde_json::json!({"Value": true})
    );
    assert_eq!(app["EnableDnsSupport"], serde_json::json!({"Value": true}));
    let tgws = read(out, "TransitGateways");
    let hub = find(&tgws, "TransitGatewayId", &net.tgw);
    assert_eq!(
        hub["Options"]["AssociationDefaultRouteTableId"],
        net.tgw_table.as_str()
    );
    let atts = read(out, "TransitGatewayAttachments");
    let att = find(&atts, "TransitGatewayAttachmentId", &net.att_app);
    assert_eq!(att["ResourceType"], "vpc");
    assert_eq!(
        att["Association"]["TransitGatewayRouteTableId"],
        net.tgw_table.as_str()
    );
    let vpc_atts = read(out, "TransitGatewayVpcAttachments");
    let att = find(&vpc_atts, "TransitGatewayAttachmentId", &net.att_svc);
    assert_eq!(att["SubnetIds"].as_array().map(Vec::len), Some(1));
    assert_eq!(read(out, "TransitGatewayRouteTables").len(), 2);
    let props = read(out, "TransitGatewayPropagations");
    let props = find(&props, "TransitGatewayRouteTableId", &net.tgw_table);
    assert_eq!(
        props["TransitGatewayRouteTablePropagations"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let assocs = read(out, "TransitGatewayRouteTableAssociations");
    let assocs = find(&assocs, "TransitGatewayRouteTableId", &net.tgw_table);
    assert_eq!(assocs["Associations"].as_array().map(Vec::len), Some(2));
    let routes = read(out, "TransitGatewayStaticRoutes");
    let routes = &find(&routes, "TransitGatewayRouteTableId", &net.tgw_table)["Routes"];
    let routes = routes.as_array().expect("routes");
    let blackhole = find(routes, "DestinationCidrBlock", "10.66.0.0/16");
    assert_eq!(
        (&blackhole["Type"], &blackhole["State"]),
        (&"static".into(), &"blackhole".into())
    );
    // moto's gap: the static route's attachment is lost (AWS lists
    // `[{"TransitGatewayAttachmentId": <svc's>, "ResourceType": "vpc", …}]`).
    let lost = find(routes, "DestinationCidrBlock", "10.99.0.0/16");
    assert_eq!(lost["TransitGatewayAttachments"], serde_json::json!([]));
    let eps = read(out, "VpcEndpoints");
    let s3 = find(&eps, "VpcEndpointId", &net.s3_endpoint);
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    let sts = find(&eps, "VpcEndpointId", &net.sts_endpoint);
    let sts_eni = sts["NetworkInterfaceIds"][0]
        .as_str()
        .expect("its interface")
        .to_owned();
    let lbs = read(out, "LoadBalancers");
    let lb = find(&lbs, "LoadBalancerArn", &net.lb_arn);
    assert_eq!(
        (&lb["Type"], &lb["Scheme"]),
        (&"network".into(), &"internal".into())
    );
    let listeners = read(out, "LoadBalancerListeners");
    let listeners = find(&listeners, "LoadBalancerArn", &net.lb_arn);
    assert_eq!(listeners["Listeners"][0]["Port"], 443);
    let health = read(out, "LoadBalancerTargetHealth");
    assert_eq!(
        health[0]["TargetHealthDescriptions"][0]["Target"]["Port"],
        443
    );
    let services = read(out, "ServiceConfigurations");
    assert_eq!(
        services[0]["AllowedPrincipals"][0]["Principal"],
        "arn:aws:iam::222222222222:root"
    );
    assert!(!read(out, "ServiceDetails").is_empty());
    let rules = read(out, "ResolverRules");
    let rule = find(&rules, "Id", &net.rule);
    assert_eq!(rule["TargetIps"][0]["Ip"], "192.168.10.53");
    let assocs = read(out, "ResolverRuleAssociations");
    assert_eq!(
        find(&assocs, "ResolverRuleId", &net.rule)["VPCId"],
        net.app.as_str()
    );

    // The snapshot loads; what it finds wrong is moto's doing, each said precisely.
    let mut b = NetworkBuilder::new();
    load_snapshot(&mut b, out).expect("a snapshot");
    let (n, diags) = b.finish();
    let moto_gap = |d: &Diagnostic| {
        let m = &d.message;
        (d.code == "BAD_ROUTE" && m.contains("10.99.0.0/16") && m.contains("names no attachment"))
            || (d.code == "ADDRESS_OUTSIDE_SUBNET" && m.contains(&sts_eni))
            || (d.code == "UNKNOWN_REFERENCE" && m.contains(&sts_eni))
            || (d.code == "ENDPOINT_INTERFACES_MISSING" && m.contains(&net.sts_endpoint))
    };
    let gaps: Vec<&Diagnostic> = diags.iter().filter(|d| moto_gap(d)).collect();
    assert_eq!(gaps.len(), 4, "{}", show(&gaps));
    let wrong: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity >= Severity::Warning && !moto_gap(d))
        .collect();
    assert!(wrong.is_empty(), "{}", show(&wrong));

    // Across the transit gateway, both ways, and into its blackhole.
    let to = |from: &str, to: &str, port: u16| {
        let mut q = query(&n, from, port);
        let d = vpcnet_engine::resolve_destination(&n, &q.from, to).expect("destination");
        q.to_ip = d.ip;
        q.expect = d.expect;
        trace(&n, &q)
    };
    let t = to("app-1", "db-1", 5432);
    assert_eq!(verdict(&t), "reachable", "{t:#?}");
    let ids = crossed(&n, &t);
    for id in [&net.att_app, &net.tgw_table, &net.att_svc] {
        assert!(ids.contains(id), "{id} in {ids:?}");
    }
    assert_eq!(
        verdict(&to("app-1", "db-1", 22)),
        "unreachable ENI_SG_RULES_MISMATCH"
    );
    assert_eq!(
        verdict(&to("app-1", "10.66.0.5", 443)),
        "unreachable TGW_ROUTE_BLACKHOLE"
    );

    // S3 through the gateway endpoint, at an address of its prefix list.
    let mut q = query(&n, "app-1", 443);
    let d = service_destination(&n, &q.from, "s3").expect("the VPC has an S3 endpoint");
    q.to_ip = d.ip;
    q.expect = d.expect;
    let t = trace(&n, &q);
    assert_eq!(verdict(&t), "reachable", "{t:#?}");
    assert!(crossed(&n, &t).contains(&net.s3_endpoint));

    // A name of the private zone, a CNAME to the load balancer's DNS name, across the
    // transit gateway to the load balancer and on to its target.
    let app_vpc: VpcIdx = n.by_id_as(&net.app).expect("VPC app");
    let r = resolve_name(&n, Some(app_vpc), "db.corp.internal", RecordType::A);
    assert_eq!(
        r.first_v4().map(|a| a.to_string()).as_deref(),
        Some("10.20.1.20"),
        "{r:#?}"
    );
    let t = trace_name(&n, &query(&n, "app-1", 443), "metrics.corp.internal");
    assert_eq!(verdict(&t), "reachable", "{t:#?}");
    // The address of the load balancer's interface.
    assert_eq!(t.query.to_ip.to_string(), "10.20.1.100");
    let ids = crossed(&n, &t);
    assert!(ids.contains(&net.lb_arn), "{ids:?}");
    let last = t.forward.hops.last().expect("hops");
    assert!(
        last.detail.contains("10.20.1.20"),
        "delivered to the target: {}",
        last.detail
    );

    // The Resolver rule forwards `onprem.example` from the VPC it is associated with.
    let r = resolve_name(&n, Some(app_vpc), "git.onprem.example", RecordType::A);
    assert!(
        r.steps.iter().any(|s| s.detail.contains(&net.rule)),
        "{r:#?}"
    );
}
