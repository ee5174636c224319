//! Route 53 in plans and states: private zones with `vpc` blocks and separate
//! associations, records (relative and absolute names, values linked to an
//! instance's address known only after apply, CNAMEs, aliases, weighted pairs) and
//! Resolver rules with their associations, asked through the engine's resolver; bad
//! values are reported at their JSON pointers and never panic.

use expect_test::expect;
use serde_json::{json, Value};
use vpcnet_engine::resolve_name;
use vpcnet_model::{Network, NetworkBuilder, RecordType, Routing, Severity, VpcIdx, ZoneKind};
use vpcnet_terraform::{load_into, Which};

use crate::support::{load_text, plan_json, planned, render, Loaded, Planned};

/// What a VPC (by id) gets for an A query: the addresses, or the failure's code.
fn ask(net: &Network, vpc: &str, name: &str) -> String {
    let v: VpcIdx = net.by_id_as(vpc).expect("the VPC is in the network");
    let r = resolve_name(net, Some(v), name, RecordType::A);
    match &r.failure {
        Some(f) => f.code.as_str().to_owned(),
        None => r
            .answers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn cfg(addr: &str, expressions: Value) -> Value {
    let (ty, name) = addr.split_once('.').expect("type.name");
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_config_key": "aws", "expressions": expressions})
}

fn id_of(r: &str) -> Value {
    json!({"references": [format!("{r}.id"), r]})
}

fn attr_of(r: &str, a: &str) -> Value {
    json!({"references": [format!("{r}.{a}"), r]})
}

fn vpc(name: &str, cidr: &str) -> Planned {
    planned(
        &format!("aws_vpc.{name}"),
        json!({"cidr_block": cidr, "enable_dns_support": true, "enable_dns_hostnames": true,
               "tags": {"Name": name}}),
        json!({"id": true, "arn": true, "owner_id": true, "default_route_table_id": true,
               "default_network_acl_id": true, "default_security_group_id": true}),
    )
}

/// Three VPCs (`app`, `shared`, `other`), an instance in `app` whose address AWS picks
/// at apply, private zone `corp.internal` made with a `vpc` block for `app` and
/// associated with `shared` separately, its records, and a forwarding rule for
/// `corp.example.com` associated with `app`. Every id is unknown until apply.
fn plan() -> String {
    let record = |addr: &str, values: Value, unknown: Value| planned(addr, values, unknown);
    let resources = vec![
        vpc("app", "10.10.0.0/16"),
        vpc("shared", "10.30.0.0/16"),
        vpc("other", "10.20.0.0/16"),
        planned(
            "aws_subnet.app",
            json!({"cidr_block": "10.10.1.0/24", "availability_zone": "eu-west-1a"}),
            json!({"id": true, "vpc_id": true}),
        ),
        planned(
            "aws_instance.db",
            json!({"tags": {"Name": "db"}}),
            json!({"id": true, "subnet_id": true, "private_ip": true, "private_dns": true,
                   "public_ip": true, "primary_network_interface_id": true}),
        ),
        planned(
            "aws_route53_zone.internal",
            json!({"name": "corp.internal", "comment": "Managed by Terraform", "force_destroy": false,
                   "vpc": [{}]}),
            json!({"id": true, "zone_id": true, "arn": true, "name_servers": true,
                   "vpc": [{"vpc_id": true, "vpc_region": true}]}),
        ),
        planned(
            "aws_route53_zone_association.shared",
            json!({}),
            json!({"id": true, "zone_id": true, "vpc_id": true, "vpc_region": true, "owning_account": true}),
        ),
        planned(
            "aws_route53_vpc_association_authorization.shared",
            json!({}),
            json!({"id": true, "zone_id": true, "vpc_id": true, "vpc_region": true}),
        ),
        // A relative name; the value is the instance's address, known after apply.
        record(
            "aws_route53_record.db",
            json!({"name": "db", "type": "A", "ttl": 300, "alias": [], "weighted_routing_policy": [],
                   "multivalue_answer_routing_policy": null}),
            json!({"id": true, "zone_id": true, "fqdn": true, "records": true}),
        ),
        // An absolute name, with the trailing dot.
        record(
            "aws_route53_record.www",
            json!({"name": "www.corp.internal.", "type": "CNAME", "ttl": 60,
                   "records": ["db.corp.internal"], "alias": []}),
            json!({"id": true, "zone_id": true, "fqdn": true}),
        ),
        // A CNAME to the name EC2 gives the instance, known after apply.
        record(
            "aws_route53_record.host",
            json!({"name": "host", "type": "CNAME", "ttl": 60, "alias": []}),
            json!({"id": true, "zone_id": true, "fqdn": true, "records": true}),
        ),
        // An alias to the `db` record, through its `fqdn`.
        record(
            "aws_route53_record.api",
            json!({"name": "api", "type": "A", "alias": [{"evaluate_target_health": false}]}),
            json!({"id": true, "zone_id": true, "fqdn": true,
                   "alias": [{"name": true, "zone_id": true}]}),
        ),
        // A weighted pair.
        record(
            "aws_route53_record.blue",
            json!({"name": "app", "type": "A", "ttl": 60, "records": ["10.10.1.50"],
                   "set_identifier": "blue", "weighted_routing_policy": [{"weight": 90}]}),
            json!({"id": true, "zone_id": true, "fqdn": true}),
        ),
        record(
            "aws_route53_record.green",
            json!({"name": "app", "type": "A", "ttl": 60, "records": ["10.10.1.60"],
                   "set_identifier": "green", "weighted_routing_policy": [{"weight": 10}]}),
            json!({"id": true, "zone_id": true, "fqdn": true}),
        ),
        planned(
            "aws_route53_resolver_rule.onprem",
            json!({"domain_name": "corp.example.com", "rule_type": "FORWARD", "name": "onprem",
                   "target_ip": [{"ip": "192.168.0.2", "port": 53}, {"ip": "192.168.0.3"}]}),
            json!({"id": true, "arn": true, "owner_id": true, "share_status": true}),
        ),
        planned(
            "aws_route53_resolver_rule_association.onprem",
            json!({}),
            json!({"id": true, "resolver_rule_id": true, "vpc_id": true}),
        ),
    ];
    let zone = "aws_route53_zone.internal";
    let config = json!({
        "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"resources": [
            cfg("aws_vpc.app", json!({"cidr_block": {"constant_value": "10.10.0.0/16"}})),
            cfg("aws_vpc.shared", json!({"cidr_block": {"constant_value": "10.30.0.0/16"}})),
            cfg("aws_vpc.other", json!({"cidr_block": {"constant_value": "10.20.0.0/16"}})),
            cfg("aws_subnet.app", json!({"vpc_id": id_of("aws_vpc.app")})),
            cfg("aws_instance.db", json!({"subnet_id": id_of("aws_subnet.app")})),
            cfg(zone, json!({"name": {"constant_value": "corp.internal"},
                             "vpc": [{"vpc_id": id_of("aws_vpc.app")}]})),
            cfg("aws_route53_zone_association.shared",
                json!({"zone_id": attr_of(zone, "zone_id"), "vpc_id": id_of("aws_vpc.shared")})),
            cfg("aws_route53_vpc_association_authorization.shared",
                json!({"zone_id": attr_of(zone, "zone_id"), "vpc_id": id_of("aws_vpc.shared")})),
            cfg("aws_route53_record.db", json!({
                "zone_id": attr_of(zone, "zone_id"), "name": {"constant_value": "db"},
                "type": {"constant_value": "A"}, "ttl": {"constant_value": 300},
                "records": {"references": ["aws_instance.db.private_ip", "aws_instance.db"]}})),
            cfg("aws_route53_record.www", json!({
                "zone_id": attr_of(zone, "id"), "name": {"constant_value": "www.corp.internal."}})),
            cfg("aws_route53_record.host", json!({
                "zone_id": attr_of(zone, "zone_id"), "name": {"constant_value": "host"},
                "records": {"references": ["aws_instance.db.private_dns", "aws_instance.db"]}})),
            cfg("aws_route53_record.api", json!({
                "zone_id": attr_of(zone, "zone_id"), "name": {"constant_value": "api"},
                "alias": [{"name": attr_of("aws_route53_record.db", "fqdn"),
                           "zone_id": attr_of(zone, "zone_id"),
                           "evaluate_target_health": {"constant_value": false}}]})),
            cfg("aws_route53_record.blue", json!({"zone_id": attr_of(zone, "zone_id")})),
            cfg("aws_route53_record.green", json!({"zone_id": attr_of(zone, "zone_id")})),
            cfg("aws_route53_resolver_rule.onprem", json!({"domain_name": {"constant_value": "corp.example.com"}})),
            cfg("aws_route53_resolver_rule_association.onprem", json!({
                "resolver_rule_id": id_of("aws_route53_resolver_rule.onprem"),
                "vpc_id": id_of("aws_vpc.app")})),
        ]}
    });
    plan_json(&resources, config, json!({}))
}

const APP: &str = "vpc-tf-aws_vpc.app";
const SHARED: &str = "vpc-tf-aws_vpc.shared";
const OTHER: &str = "vpc-tf-aws_vpc.other";

fn loaded() -> Loaded {
    let l = load_text("plan.json", &plan(), Which::Planned);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    l
}

#[test]
fn a_plan_makes_the_private_zone_its_records_and_associations() {
    let l = loaded();
    let n = &l.net;
    let zones: Vec<String> = n
        .hosted_zones()
        .iter()
        .map(|z| {
            let vpcs: Vec<String> = z.vpcs.iter().map(|v| n.vpc(*v).meta.label()).collect();
            let records: Vec<String> = z
                .records
                .iter()
                .map(|r| {
                    let what = match &r.alias {
                        Some(a) => format!("alias {}", a.target),
                        None => r.values.join(" "),
                    };
                    let routing = match &r.routing {
                        Routing::Simple => String::new(),
                        other => format!(" {other:?} set {}", r.set_id.as_deref().unwrap_or("")),
                    };
                    format!("  {} {} {what}{routing}", r.name, r.rtype.as_str())
                })
                .collect();
            format!(
                "{} {} {} with {}\n{}",
                z.meta.id,
                z.zone_name,
                z.kind.as_str(),
                vpcs.join(", "),
                records.join("\n")
            )
        })
        .collect();
    expect![[r#"
        zone-tf-aws_route53_zone.internal corp.internal private with app (vpc-tf-aws_vpc.app), shared (vpc-tf-aws_vpc.shared)
          db.corp.internal A 10.10.1.4
          www.corp.internal CNAME db.corp.internal
          host.corp.internal CNAME ip-10-10-1-4.eu-west-1.compute.internal
          api.corp.internal A alias db.corp.internal
          app.corp.internal A 10.10.1.50 Weighted { weight: 90 } set blue
          app.corp.internal A 10.10.1.60 Weighted { weight: 10 } set green"#]]
    .assert_eq(&zones.join("\n"));
    // The record names the address that stands for the instance's.
    let eni = n
        .interfaces()
        .iter()
        .find(|e| e.meta.id == "eni-tf-aws_instance.db")
        .expect("the instance's interface");
    assert_eq!(eni.private_ips[0].addr.to_string(), "10.10.1.4");
    let rules: Vec<String> = n
        .resolver_rules()
        .iter()
        .map(|r| {
            let targets: Vec<String> = r
                .targets
                .iter()
                .map(|(ip, p)| format!("{ip}:{p}"))
                .collect();
            let vpcs: Vec<String> = r.vpcs.iter().map(|v| n.vpc(*v).meta.id.clone()).collect();
            format!(
                "{} {} {} -> {} for {}",
                r.meta.label(),
                r.domain,
                r.kind.as_str(),
                targets.join(" "),
                vpcs.join(" ")
            )
        })
        .collect();
    expect![[r#"onprem (rslvr-rr-tf-aws_route53_resolver_rule.onprem) corp.example.com forward -> 192.168.0.2:53 192.168.0.3:53 for vpc-tf-aws_vpc.app"#]]
        .assert_eq(&rules.join("\n"));
    // Every Route 53 type is modelled, the authorization without a word.
    assert!(
        l.report
            .not_modelled
            .iter()
            .all(|(t, _)| !t.starts_with("aws_route53")),
        "{:?}",
        l.report.not_modelled
    );
    assert!(l
        .report
        .modelled
        .contains(&"aws_route53_vpc_association_authorization.shared".to_owned()));
}

#[test]
fn names_resolve_from_the_associated_vpcs_only() {
    let l = loaded();
    let n = &l.net;
    // The `vpc` block's VPC and the separately associated one.
    for vpc in [APP, SHARED] {
        assert_eq!(ask(n, vpc, "db.corp.internal"), "10.10.1.4", "{vpc}");
        assert_eq!(ask(n, vpc, "www.corp.internal"), "10.10.1.4", "{vpc}");
        assert_eq!(ask(n, vpc, "api.corp.internal"), "10.10.1.4", "{vpc}");
        assert_eq!(ask(n, vpc, "host.corp.internal"), "10.10.1.4", "{vpc}");
        assert_eq!(ask(n, vpc, "APP.corp.internal."), "10.10.1.50, 10.10.1.60");
        assert_eq!(ask(n, vpc, "nope.corp.internal"), "DNS_NAME_NOT_FOUND");
    }
    // A VPC the zone is not associated with.
    assert_eq!(ask(n, OTHER, "db.corp.internal"), "DNS_ZONE_NOT_ASSOCIATED");
    // The forwarding rule applies to the VPC it is associated with.
    assert_eq!(
        ask(n, APP, "ldap.corp.example.com"),
        "DNS_FORWARDED_UNANSWERED"
    );
    assert_eq!(ask(n, OTHER, "ldap.corp.example.com"), "DNS_NAME_UNKNOWN");
    let app: VpcIdx = n.by_id_as(APP).expect("app");
    let r = resolve_name(n, Some(app), "ldap.corp.example.com", RecordType::A);
    assert!(
        r.steps
            .iter()
            .any(|s| s.detail.contains("192.168.0.2:53, 192.168.0.3:53")),
        "{r:#?}"
    );
}

/// A state: every id known, names absolute as the provider stores them, a zone
/// associated with a VPC of another account, and a VPC that leaves
/// `enable_dns_hostnames` at Terraform's default (off).
fn state() -> String {
    json!({
        "format_version": "1.0", "terraform_version": "1.9.5",
        "values": {"root_module": {"resources": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "values": {"id": "vpc-0a", "cidr_block": "10.1.0.0/16", "owner_id": "111111111111",
                        "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0a",
                        "enable_dns_support": true, "enable_dns_hostnames": true}},
            {"address": "aws_vpc.quiet", "mode": "managed", "type": "aws_vpc", "name": "quiet",
             "values": {"id": "vpc-0q", "cidr_block": "10.2.0.0/16", "owner_id": "111111111111",
                        "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0q"}},
            {"address": "aws_vpc.off", "mode": "managed", "type": "aws_vpc", "name": "off",
             "values": {"id": "vpc-0f", "cidr_block": "10.3.0.0/16", "owner_id": "111111111111",
                        "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0f",
                        "enable_dns_support": false, "enable_dns_hostnames": true}},
            {"address": "aws_route53_zone.z", "mode": "managed", "type": "aws_route53_zone", "name": "z",
             "values": {"id": "Z0123456789", "zone_id": "Z0123456789", "name": "example.internal",
                        "vpc": [{"vpc_id": "vpc-0a", "vpc_region": "eu-west-1"},
                                {"vpc_id": "vpc-0q", "vpc_region": "eu-west-1"},
                                {"vpc_id": "vpc-0f", "vpc_region": "eu-west-1"},
                                {"vpc_id": "vpc-0elsewhere", "vpc_region": "us-east-2"}]}},
            {"address": "aws_route53_zone.public", "mode": "managed", "type": "aws_route53_zone", "name": "public",
             "values": {"id": "Z0PUBLIC", "zone_id": "Z0PUBLIC", "name": "example.com", "vpc": []}},
            {"address": "aws_route53_record.wild", "mode": "managed", "type": "aws_route53_record", "name": "wild",
             "values": {"id": "Z0123456789_*.example.internal_A", "zone_id": "Z0123456789",
                        "name": "\\052.example.internal", "fqdn": "*.example.internal", "type": "A",
                        "ttl": 60, "records": ["10.1.0.10"], "alias": [], "set_identifier": ""}},
            {"address": "aws_route53_record.primary", "mode": "managed", "type": "aws_route53_record", "name": "primary",
             "values": {"id": "Z0123456789_svc.example.internal_A_p", "zone_id": "Z0123456789",
                        "name": "svc.example.internal", "type": "A", "ttl": 60, "records": ["10.1.0.20"],
                        "set_identifier": "p", "failover_routing_policy": [{"type": "PRIMARY"}]}},
            {"address": "aws_route53_record.secondary", "mode": "managed", "type": "aws_route53_record", "name": "secondary",
             "values": {"id": "Z0123456789_svc.example.internal_A_s", "zone_id": "Z0123456789",
                        "name": "svc.example.internal", "type": "A", "ttl": 60, "records": ["10.1.0.21"],
                        "set_identifier": "s", "failover_routing_policy": [{"type": "SECONDARY"}]}},
            {"address": "aws_route53_record.www", "mode": "managed", "type": "aws_route53_record", "name": "www",
             "values": {"zone_id": "Z0PUBLIC", "name": "www", "type": "A", "ttl": 300,
                        "records": ["198.51.100.7"], "multivalue_answer_routing_policy": true,
                        "set_identifier": "one"}},
            {"address": "aws_route53_resolver_rule.sys", "mode": "managed", "type": "aws_route53_resolver_rule", "name": "sys",
             "values": {"id": "rslvr-rr-0sys", "domain_name": "example.internal.", "rule_type": "SYSTEM"}},
            {"address": "aws_route53_resolver_rule_association.sys", "mode": "managed",
             "type": "aws_route53_resolver_rule_association", "name": "sys",
             "values": {"id": "rslvr-rrassoc-0", "resolver_rule_id": "rslvr-rr-0sys", "vpc_id": "vpc-0a"}},
        ]}}
    })
    .to_string()
}

#[test]
fn a_state_loads_zones_records_and_a_foreign_association() {
    let l = load_text("state.json", &state(), Which::Planned);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    expect![[r#"
        note VPC_NOT_IN_INPUT #/values/root_module/resources/3/values/vpc/3/vpc_id: `aws_route53_zone.z` associates private zone `example.internal` with VPC `vpc-0elsewhere` (region us-east-2), which is not in the input; the association is kept by id, and that VPC's queries are not modelled
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let z = &n.hosted_zones()[0];
    assert_eq!(z.kind, ZoneKind::Private);
    assert_eq!(z.foreign_vpcs, ["vpc-0elsewhere"]);
    assert_eq!(n.hosted_zones()[1].kind, ZoneKind::Public);
    // The wildcard, written as Route 53 stores it.
    assert_eq!(ask(n, "vpc-0a", "anything.example.internal"), "10.1.0.10");
    assert_eq!(
        ask(n, "vpc-0a", "svc.example.internal"),
        "10.1.0.20, 10.1.0.21"
    );
    // The system rule hands the name back to the zone.
    let a: VpcIdx = n.by_id_as("vpc-0a").expect("a");
    let r = resolve_name(n, Some(a), "svc.example.internal", RecordType::A);
    assert!(
        r.steps.iter().any(|s| s.detail.contains("system rule")),
        "{r:#?}"
    );
    // A relative name in the public zone, multivalue.
    assert_eq!(ask(n, "vpc-0a", "www.example.com"), "198.51.100.7");
    // Terraform's defaults: DNS support on, DNS hostnames off.
    assert_eq!(
        ask(n, "vpc-0q", "svc.example.internal"),
        "DNS_HOSTNAMES_DISABLED"
    );
    assert_eq!(
        ask(n, "vpc-0f", "svc.example.internal"),
        "DNS_RESOLUTION_DISABLED"
    );
}

/// A plan whose Route 53 resources hold values Route 53 refuses, or that name what
/// is not there.
fn bad_plan() -> String {
    let known = |addr: &str, values: Value| planned(addr, values, json!({"id": true}));
    let resources = vec![
        vpc("app", "10.10.0.0/16"),
        planned(
            "aws_route53_zone.ok",
            json!({"name": "ok.internal", "vpc": [{"vpc_id": "vpc-0123abcd"}]}),
            json!({"id": true, "zone_id": true}),
        ),
        known(
            "aws_route53_zone.bad",
            json!({"name": "bad name.internal", "vpc": []}),
        ),
        known(
            "aws_route53_record.not_ip",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "a", "type": "A", "records": ["10.0.0.1", "not-an-ip"]}),
        ),
        known(
            "aws_route53_record.heavy",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "b", "type": "A", "records": ["10.0.0.1"],
                   "set_identifier": "x", "weighted_routing_policy": [{"weight": 300}]}),
        ),
        known(
            "aws_route53_record.maybe",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "c", "type": "A", "records": ["10.0.0.1"],
                   "set_identifier": "x", "failover_routing_policy": [{"type": "MAYBE"}]}),
        ),
        known(
            "aws_route53_record.no_set",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "d", "type": "A", "records": ["10.0.0.1"],
                   "latency_routing_policy": [{"region": "eu-west-1"}]}),
        ),
        known(
            "aws_route53_record.outside",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "www.notok.internal", "type": "A", "records": ["10.0.0.1"]}),
        ),
        known(
            "aws_route53_record.elsewhere",
            json!({"zone_id": "Z0NOTHERE", "name": "e", "type": "A", "records": ["10.0.0.1"]}),
        ),
        known(
            "aws_route53_record.two_cnames",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "f", "type": "CNAME", "records": ["x.ok.internal", "y.ok.internal"]}),
        ),
        planned(
            "aws_lb.web",
            json!({"name": "web", "internal": true, "load_balancer_type": "application"}),
            json!({"id": true, "arn": true, "dns_name": true, "zone_id": true}),
        ),
        planned(
            "aws_route53_record.lb",
            json!({"zone_id": "zone-tf-aws_route53_zone.ok", "name": "g", "type": "A", "alias": [{"evaluate_target_health": true}]}),
            json!({"id": true, "alias": [{"name": true, "zone_id": true}]}),
        ),
        known(
            "aws_route53_resolver_rule.bogus",
            json!({"domain_name": "x.example.com", "rule_type": "BOGUS"}),
        ),
        known(
            "aws_route53_resolver_rule.ports",
            json!({"domain_name": "y.example.com", "rule_type": "FORWARD",
                   "target_ip": [{"ip": "10.0.0.2", "port": 70000}, {"ip": "ten"}]}),
        ),
        known(
            "aws_route53_resolver_rule.everything",
            json!({"domain_name": ".", "rule_type": "FORWARD", "target_ip": [{"ip": "10.0.0.2"}]}),
        ),
        known(
            "aws_route53_resolver_rule_association.shared",
            json!({"resolver_rule_id": "rslvr-rr-0shared", "vpc_id": "vpc-tf-aws_vpc.app"}),
        ),
    ];
    let config = json!({"root_module": {"resources": [
        cfg("aws_route53_record.lb", json!({"alias": [{
            "name": {"references": ["aws_lb.web.dns_name", "aws_lb.web"]},
            "zone_id": {"references": ["aws_lb.web.zone_id", "aws_lb.web"]},
            "evaluate_target_health": {"constant_value": true}}]})),
    ]}});
    plan_json(&resources, config, json!({}))
}

#[test]
fn bad_values_are_reported_at_their_pointers() {
    let l = load_text("plan.json", &bad_plan(), Which::Planned);
    let found: Vec<_> = l
        .diags
        .iter()
        .filter(|d| d.code != "REGION_ASSUMED" && d.code != "ACCOUNT_ASSUMED")
        .cloned()
        .collect();
    expect![[r#"
        error BAD_VALUE #/planned_values/root_module/resources/10/values/subnets: `aws_lb.web` names no subnet (`subnets` or `subnet_mapping`); the load balancer is left out
        note VPC_NOT_IN_INPUT #/planned_values/root_module/resources/1/values/vpc/0/vpc_id: `aws_route53_zone.ok` associates private zone `ok.internal` with VPC `vpc-0123abcd`, which is not in the input; the association is kept by id, and that VPC's queries are not modelled
        error BAD_DNS_NAME #/planned_values/root_module/resources/2/values/name: zone name of `aws_route53_zone.bad`: `bad name.internal` has the character ` `; the zone and its records are left out
        error BAD_VALUE #/planned_values/root_module/resources/3/values/records/1: `not-an-ip` of `aws_route53_record.not_ip` is not an IPv4 address; the record is left out
        error BAD_VALUE #/planned_values/root_module/resources/4/values/weighted_routing_policy/0/weight: `weighted_routing_policy` of `aws_route53_record.heavy` has `300`; Route 53 takes a weight from 0 to 255; the record is left out
        error BAD_VALUE #/planned_values/root_module/resources/5/values/failover_routing_policy/0/type: `failover_routing_policy` type `MAYBE` of `aws_route53_record.maybe` is neither `PRIMARY` nor `SECONDARY`; the record is left out
        error BAD_VALUE #/planned_values/root_module/resources/6/values/set_identifier: `aws_route53_record.no_set` has no `set_identifier`; a record with a routing policy needs a `set_identifier`; the record is left out
        error RECORD_OUTSIDE_ZONE #/planned_values/root_module/resources/7/values/name: record `www.notok.internal` of `aws_route53_record.outside` is not in zone `ok.internal` (the provider takes a name ending with the zone's name as absolute); the record is left out
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/8/values/zone_id: `zone_id` of `aws_route53_record.elsewhere` names hosted zone `Z0NOTHERE`, which is not in the input; the record is left out
        error BAD_RECORD #/planned_values/root_module/resources/9/values/records: CNAME `aws_route53_record.two_cnames` has 2 values; a CNAME has exactly one; the record is left out
        error UNRESOLVED_REFERENCE #/planned_values/root_module/resources/11/values/alias/0/name: `alias[0].name` of `aws_route53_record.lb` is unknown until apply and its configuration links it only through `aws_lb.web.dns_name` (`aws_lb.web.dns_name` is known only after apply); the record is left out
        error BAD_VALUE #/planned_values/root_module/resources/12/values/rule_type: `rule_type` `BOGUS` of `aws_route53_resolver_rule.bogus` is not `FORWARD`, `SYSTEM` or `RECURSIVE`; the rule is left out
        error BAD_PORTS #/planned_values/root_module/resources/13/values/target_ip/0/port: port `70000` of `aws_route53_resolver_rule.ports` is not a port; the target is left out
        error BAD_ADDRESS #/planned_values/root_module/resources/13/values/target_ip/1/ip: `ten` of `aws_route53_resolver_rule.ports` is not an IP address; the target is left out
        error RULE_WITHOUT_TARGETS #/planned_values/root_module/resources/13: forwarding rule `rslvr-rr-tf-aws_route53_resolver_rule.ports` for `y.example.com` has no target resolvers
        warning RULE_NOT_MODELLED #/planned_values/root_module/resources/14/values/domain_name: `aws_route53_resolver_rule.everything` forwards every name (`.`); vpcnet's Resolver rules match a domain and the names under it, so this one is left out, and names no more specific rule or private zone holds are not shown forwarded
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/15/values/resolver_rule_id: `resolver_rule_id` of `aws_route53_resolver_rule_association.shared` names Resolver rule `rslvr-rr-0shared`, which is not in the input; the association is left out
    "#]]
    .assert_eq(&render(&found));
    let zone = &l.net.hosted_zones()[0];
    assert!(zone.records.is_empty(), "{:?}", zone.records);
    assert_eq!(zone.foreign_vpcs, ["vpc-0123abcd"]);
}

/// Every pointer of a JSON value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn every_value_replaced_by_another_type_still_loads() {
    let subs = [
        Value::Null,
        Value::from(-1),
        Value::from("x"),
        Value::Array(vec![Value::Null]),
        Value::Bool(true),
        json!({}),
    ];
    for text in [plan(), bad_plan(), state()] {
        let whole = load_text("plan.json", &text, Which::Planned);
        assert!(!whole.net.hosted_zones().is_empty(), "{}", whole.findings());
        let doc: Value = serde_json::from_str(&text).expect("json");
        let mut ptrs = Vec::new();
        pointers(&doc, String::new(), &mut ptrs);
        for (k, p) in ptrs.iter().enumerate() {
            let mut d = doc.clone();
            if let Some(slot) = d.pointer_mut(p) {
                *slot = subs[k % subs.len()].clone();
            }
            let t = d.to_string();
            for which in [Which::Planned, Which::Prior] {
                let mut b = NetworkBuilder::new();
                let _ = load_into(&mut b, "plan.json", &t, which);
            }
        }
    }
}
