//! VPC endpoints, load balancers and PrivateLink in plans: a gateway endpoint to S3 (its
//! prefix list read as a data source, its route table associated separately), interface
//! endpoints with security groups (inline and associated), a network load balancer
//! with a listener, a target group and attachments, an application load balancer with
//! host rules reached through Route 53 aliases of its DNS name, and an endpoint service
//! on the network load balancer consumed from a VPC of another account, accepted by
//! its owner. Every id, ARN, DNS name and interface address is unknown until apply and
//! linked through the configuration; traces go through all of it, and bad values are
//! reported at their JSON pointers.

use expect_test::expect;
use serde_json::{json, Value};
use vpcnet_engine::{
    resolve_source, service_destination, trace, trace_name_with, trace_with, Component, Query,
    Trace, TraceOptions,
};
use vpcnet_model::{LbKind, Network, Severity, TargetType};
use vpcnet_terraform::Which;

use crate::support::{load_text, plan_json, planned, render, verdict, Loaded, Planned};

const TCP: u8 = 6;

fn id_of(r: &str) -> Value {
    json!({"references": [format!("{r}.id"), r]})
}

fn attr_of(r: &str, a: &str) -> Value {
    json!({"references": [format!("{r}.{a}"), r]})
}

/// A configuration entry; `provider` is `aws` (the service's account) or
/// `aws.consumer`.
fn cfg(addr: &str, provider: &str, expressions: Value) -> Value {
    let (ty, name) = addr.split_once('.').expect("type.name");
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_config_key": provider, "expressions": expressions, "schema_version": 0})
}

/// A plan being written: resources with their configuration.
#[derive(Default)]
struct Plan {
    res: Vec<Planned>,
    config: Vec<Value>,
}

impl Plan {
    fn add(&mut self, addr: &str, provider: &str, values: Value, unknown: Value, expr: Value) {
        self.res.push(planned(addr, values, unknown));
        self.config.push(cfg(addr, provider, expr));
    }

    fn vpc(&mut self, name: &str, provider: &str, cidr: &str) {
        self.add(
            &format!("aws_vpc.{name}"),
            provider,
            json!({"cidr_block": cidr, "enable_dns_support": true, "enable_dns_hostnames": true,
                   "instance_tenancy": "default", "tags": {"Name": name}}),
            json!({"arn": true, "default_network_acl_id": true, "default_route_table_id": true,
                   "default_security_group_id": true, "id": true, "main_route_table_id": true,
                   "owner_id": true, "ipv6_cidr_block": true, "tags_all": true}),
            json!({"cidr_block": {"constant_value": cidr}}),
        );
    }

    fn subnet(&mut self, name: &str, provider: &str, vpc: &str, cidr: &str, az: &str) {
        self.add(
            &format!("aws_subnet.{name}"),
            provider,
            json!({"cidr_block": cidr, "availability_zone": az, "map_public_ip_on_launch": false,
                   "tags": {"Name": name}}),
            json!({"arn": true, "id": true, "owner_id": true, "vpc_id": true,
                   "availability_zone_id": true, "tags_all": true}),
            json!({"vpc_id": id_of(&format!("aws_vpc.{vpc}")), "cidr_block": {"constant_value": cidr},
                   "availability_zone": {"constant_value": az}}),
        );
    }

    /// A group allowing TCP `ports` from `from` (none when empty) and everything out.
    fn group(&mut self, name: &str, provider: &str, vpc: &str, ports: &[u16], from: &str) {
        self.group_out(name, provider, vpc, ports, from, ("-1", 0, "0.0.0.0/0"));
    }

    /// A group allowing TCP `ports` from `from`, and `out` (protocol, port, CIDR; port
    /// 0 for all) out.
    fn group_out(
        &mut self,
        name: &str,
        provider: &str,
        vpc: &str,
        ports: &[u16],
        from: &str,
        out: (&str, u16, &str),
    ) {
        let rule = |proto: &str, lo: u16, hi: u16, cidr: &str| {
            json!({"cidr_blocks": [cidr], "description": "", "from_port": lo, "ipv6_cidr_blocks": [],
                   "prefix_list_ids": [], "protocol": proto, "security_groups": [], "self": false,
                   "to_port": hi})
        };
        let ingress: Vec<Value> = ports.iter().map(|p| rule("tcp", *p, *p, from)).collect();
        let (proto, port, cidr) = out;
        let egress = match port {
            0 => rule(proto, 0, if proto == "-1" { 0 } else { 65535 }, cidr),
            p => rule(proto, p, p, cidr),
        };
        self.add(
            &format!("aws_security_group.{name}"),
            provider,
            json!({"name": name, "description": "Managed by Terraform", "revoke_rules_on_delete": false,
                   "ingress": ingress, "egress": [egress], "tags": null}),
            json!({"arn": true, "id": true, "name_prefix": true, "owner_id": true, "tags_all": true,
                   "vpc_id": true}),
            json!({"vpc_id": id_of(&format!("aws_vpc.{vpc}"))}),
        );
    }

    /// An instance; its address is picked at apply when `ip` is `None`.
    fn instance(&mut self, name: &str, provider: &str, subnet: &str, ip: Option<&str>, sg: &str) {
        let mut values = json!({"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro",
                                "source_dest_check": true, "tags": {"Name": name}});
        let mut unknown = json!({"arn": true, "id": true, "subnet_id": true,
                                 "vpc_security_group_ids": true, "primary_network_interface_id": true,
                                 "public_ip": true, "public_dns": true, "private_dns": true,
                                 "associate_public_ip_address": true, "tags_all": true});
        let mut expr = json!({"subnet_id": id_of(&format!("aws_subnet.{subnet}")),
                              "vpc_security_group_ids": {"references": [
                                  format!("aws_security_group.{sg}.id"), format!("aws_security_group.{sg}")]}});
        match ip {
            Some(ip) => {
                values["private_ip"] = json!(ip);
                expr["private_ip"] = json!({"constant_value": ip});
            }
            None => unknown["private_ip"] = json!(true),
        }
        self.add(
            &format!("aws_instance.{name}"),
            provider,
            values,
            unknown,
            expr,
        );
    }
}

/// The plan: the service's VPC `app` (account 111111111111) with its endpoints, load
/// balancers, targets and endpoint service, and `consumer` (account 222222222222)
/// with an interface endpoint to that service; the connection is accepted when
/// `accepted`, and the service allows `principal`.
pub(crate) fn endpoints_lb_plan(accepted: bool, principal: &str) -> String {
    let mut p = Plan::default();
    // --- the service's VPC -----------------------------------------------------------
    p.vpc("app", "aws", "10.0.0.0/16");
    p.subnet("app_a", "aws", "app", "10.0.1.0/24", "us-east-1a");
    p.subnet("app_b", "aws", "app", "10.0.2.0/24", "us-east-1b");
    p.group("web", "aws", "app", &[8080, 9090], "10.0.0.0/16");
    p.group("alb", "aws", "app", &[80], "10.0.0.0/16");
    p.group("endpoints", "aws", "app", &[443], "10.0.0.0/16");
    // The client sends within the VPC, and to S3 by a rule naming the endpoint's
    // prefix list, known only after apply.
    p.group_out(
        "client",
        "aws",
        "app",
        &[],
        "10.0.0.0/16",
        ("tcp", 0, "10.0.0.0/16"),
    );
    p.add(
        "aws_vpc_security_group_egress_rule.client_s3",
        "aws",
        json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": null,
               "cidr_ipv6": null, "referenced_security_group_id": null, "description": "S3"}),
        json!({"arn": true, "id": true, "security_group_id": true, "prefix_list_id": true,
               "security_group_rule_id": true, "tags_all": true}),
        json!({"security_group_id": id_of("aws_security_group.client"),
               "prefix_list_id": attr_of("aws_vpc_endpoint.s3", "prefix_list_id"),
               "ip_protocol": {"constant_value": "tcp"}, "from_port": {"constant_value": 443},
               "to_port": {"constant_value": 443}}),
    );
    p.instance("web_1", "aws", "app_a", Some("10.0.1.10"), "web");
    p.instance("web_2", "aws", "app_b", None, "web");
    p.instance("client", "aws", "app_a", Some("10.0.1.20"), "client");
    // A gateway endpoint to S3, its route table (the VPC's main one) associated
    // separately; the prefix list is a data source read while planning.
    let ep_unknown = json!({"arn": true, "cidr_blocks": true, "dns_entry": true, "dns_options": true,
                            "id": true, "ip_address_type": true, "network_interface_ids": true,
                            "owner_id": true, "policy": true, "prefix_list_id": true,
                            "requester_managed": true, "route_table_ids": true,
                            "security_group_ids": true, "state": true, "subnet_ids": true,
                            "tags_all": true, "vpc_id": true});
    p.add(
        "aws_vpc_endpoint.s3",
        "aws",
        json!({"service_name": "com.amazonaws.us-east-1.s3", "vpc_endpoint_type": "Gateway",
               "auto_accept": null, "private_dns_enabled": false, "tags": {"Name": "s3"}}),
        ep_unknown.clone(),
        json!({"vpc_id": id_of("aws_vpc.app"),
               "service_name": attr_of("data.aws_ec2_managed_prefix_list.s3", "name"),
               "vpc_endpoint_type": {"constant_value": "Gateway"}}),
    );
    p.add(
        "aws_vpc_endpoint_route_table_association.s3",
        "aws",
        json!({}),
        json!({"id": true, "route_table_id": true, "vpc_endpoint_id": true}),
        json!({"route_table_id": attr_of("aws_vpc.app", "main_route_table_id"),
               "vpc_endpoint_id": id_of("aws_vpc_endpoint.s3")}),
    );
    // Interface endpoints: STS with its subnets and group inline, SSM with an
    // associated subnet and a group that replaces the default one.
    p.add(
        "aws_vpc_endpoint.sts",
        "aws",
        json!({"service_name": "com.amazonaws.us-east-1.sts", "vpc_endpoint_type": "Interface",
               "auto_accept": null, "private_dns_enabled": true, "tags": {"Name": "sts"}}),
        ep_unknown.clone(),
        json!({"vpc_id": id_of("aws_vpc.app"),
               "service_name": {"constant_value": "com.amazonaws.us-east-1.sts"},
               "vpc_endpoint_type": {"constant_value": "Interface"},
               "private_dns_enabled": {"constant_value": true},
               "subnet_ids": {"references": ["aws_subnet.app_a.id", "aws_subnet.app_a",
                                             "aws_subnet.app_b.id", "aws_subnet.app_b"]},
               "security_group_ids": id_of("aws_security_group.endpoints")}),
    );
    p.add(
        "aws_vpc_endpoint.ssm",
        "aws",
        json!({"service_name": "com.amazonaws.us-east-1.ssm", "vpc_endpoint_type": "Interface",
               "auto_accept": null, "private_dns_enabled": true, "tags": {"Name": "ssm"}}),
        ep_unknown.clone(),
        json!({"vpc_id": id_of("aws_vpc.app"),
               "service_name": {"constant_value": "com.amazonaws.us-east-1.ssm"},
               "vpc_endpoint_type": {"constant_value": "Interface"},
               "private_dns_enabled": {"constant_value": true}}),
    );
    p.add(
        "aws_vpc_endpoint_subnet_association.ssm",
        "aws",
        json!({}),
        json!({"id": true, "subnet_id": true, "vpc_endpoint_id": true}),
        json!({"subnet_id": id_of("aws_subnet.app_a"), "vpc_endpoint_id": id_of("aws_vpc_endpoint.ssm")}),
    );
    p.add(
        "aws_vpc_endpoint_security_group_association.ssm",
        "aws",
        json!({"replace_default_association": true}),
        json!({"id": true, "security_group_id": true, "vpc_endpoint_id": true}),
        json!({"security_group_id": id_of("aws_security_group.endpoints"),
               "vpc_endpoint_id": id_of("aws_vpc_endpoint.ssm"),
               "replace_default_association": {"constant_value": true}}),
    );
    // Target groups and their attachments: instances by id, and an IP target whose
    // address is the one AWS picks for `web_2`.
    let tg_unknown = json!({"arn": true, "arn_suffix": true, "id": true, "load_balancer_arns": true,
                            "preserve_client_ip": true, "tags_all": true, "vpc_id": true,
                            "health_check": true, "stickiness": true, "target_failover": true});
    for (name, proto, port, ty) in [
        ("web_nlb", "TCP", 8080, "instance"),
        ("api", "HTTP", 8080, "ip"),
        ("metrics", "HTTP", 9090, "instance"),
    ] {
        p.add(
            &format!("aws_lb_target_group.{name}"),
            "aws",
            json!({"name": name.replace('_', "-"), "port": port, "protocol": proto, "target_type": ty,
                   "deregistration_delay": "300", "tags": null}),
            tg_unknown.clone(),
            json!({"vpc_id": id_of("aws_vpc.app"), "port": {"constant_value": port},
                   "protocol": {"constant_value": proto}, "target_type": {"constant_value": ty}}),
        );
    }
    for (name, tg, target, port) in [
        ("web_1", "web_nlb", id_of("aws_instance.web_1"), None),
        ("web_2", "web_nlb", id_of("aws_instance.web_2"), None),
        (
            "api",
            "api",
            attr_of("aws_instance.web_2", "private_ip"),
            None,
        ),
        (
            "metrics",
            "metrics",
            id_of("aws_instance.web_1"),
            Some(9090),
        ),
    ] {
        let mut expr = json!({"target_group_arn": attr_of(&format!("aws_lb_target_group.{tg}"), "arn"),
                              "target_id": target});
        if let Some(port) = port {
            expr["port"] = json!({"constant_value": port});
        }
        p.add(
            &format!("aws_lb_target_group_attachment.{name}"),
            "aws",
            json!({"port": port, "availability_zone": null}),
            json!({"id": true, "target_group_arn": true, "target_id": true}),
            expr,
        );
    }
    // An internal network load balancer: one address chosen, one picked by AWS.
    p.add(
        "aws_lb.nlb",
        "aws",
        json!({"name": "web-nlb", "internal": true, "load_balancer_type": "network",
               "enable_cross_zone_load_balancing": false, "tags": {"Name": "web-nlb"},
               "subnet_mapping": [
                   {"allocation_id": null, "ipv6_address": null, "private_ipv4_address": "10.0.1.100"},
                   {"allocation_id": null, "ipv6_address": null, "private_ipv4_address": null}]}),
        json!({"arn": true, "arn_suffix": true, "dns_name": true, "id": true, "security_groups": true,
               "subnets": true, "vpc_id": true, "zone_id": true, "tags_all": true,
               "subnet_mapping": [{"outpost_id": true, "subnet_id": true},
                                  {"outpost_id": true, "subnet_id": true}]}),
        json!({"name": {"constant_value": "web-nlb"}, "internal": {"constant_value": true},
               "load_balancer_type": {"constant_value": "network"},
               "subnet_mapping": [
                   {"subnet_id": id_of("aws_subnet.app_a"),
                    "private_ipv4_address": {"constant_value": "10.0.1.100"}},
                   {"subnet_id": id_of("aws_subnet.app_b")}]}),
    );
    p.add(
        "aws_lb_listener.nlb_tcp",
        "aws",
        json!({"port": 80, "protocol": "TCP", "tags": null,
               "default_action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [],
                                   "fixed_response": [], "forward": [], "redirect": []}]}),
        json!({"arn": true, "id": true, "load_balancer_arn": true, "ssl_policy": true, "tags_all": true,
               "default_action": [{"order": true, "target_group_arn": true}]}),
        json!({"load_balancer_arn": attr_of("aws_lb.nlb", "arn"), "port": {"constant_value": 80},
               "protocol": {"constant_value": "TCP"},
               "default_action": [{"type": {"constant_value": "forward"},
                                   "target_group_arn": attr_of("aws_lb_target_group.web_nlb", "arn")}]}),
    );
    // An internal application load balancer: a fixed response by default, host rules.
    p.add(
        "aws_lb.alb",
        "aws",
        json!({"name": "web-alb", "internal": true, "load_balancer_type": "application",
               "tags": {"Name": "web-alb"}}),
        json!({"arn": true, "arn_suffix": true, "dns_name": true, "id": true, "security_groups": true,
               "subnets": true, "subnet_mapping": true, "vpc_id": true, "zone_id": true, "tags_all": true}),
        json!({"name": {"constant_value": "web-alb"}, "internal": {"constant_value": true},
               "load_balancer_type": {"constant_value": "application"},
               "subnets": {"references": ["aws_subnet.app_a.id", "aws_subnet.app_a",
                                          "aws_subnet.app_b.id", "aws_subnet.app_b"]},
               "security_groups": id_of("aws_security_group.alb")}),
    );
    p.add(
        "aws_lb_listener.alb_http",
        "aws",
        json!({"port": 80, "protocol": "HTTP", "tags": null,
               "default_action": [{"type": "fixed-response", "authenticate_cognito": [],
                                   "authenticate_oidc": [], "forward": [], "redirect": [],
                                   "target_group_arn": null,
                                   "fixed_response": [{"content_type": "text/plain",
                                                       "message_body": "no such host", "status_code": "404"}]}]}),
        json!({"arn": true, "id": true, "load_balancer_arn": true, "ssl_policy": true, "tags_all": true,
               "default_action": [{"order": true}]}),
        json!({"load_balancer_arn": attr_of("aws_lb.alb", "arn"), "port": {"constant_value": 80},
               "protocol": {"constant_value": "HTTP"},
               "default_action": [{"type": {"constant_value": "fixed-response"},
                                   "fixed_response": [{"content_type": {"constant_value": "text/plain"}}]}]}),
    );
    let condition = |host: Value, header: Value| {
        json!([{"host_header": host, "http_header": header, "http_request_method": [],
                "path_pattern": [], "query_string": [], "source_ip": []}])
    };
    let rule_unknown = json!({"arn": true, "id": true, "listener_arn": true, "tags_all": true,
                              "action": [{"order": true, "target_group_arn": true}]});
    // `api.example.internal` to the IP group, by `target_group_arn`.
    p.add(
        "aws_lb_listener_rule.api",
        "aws",
        json!({"priority": 10, "tags": null,
               "action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [],
                           "fixed_response": [], "forward": [], "redirect": []}],
               "condition": condition(json!([{"values": ["api.example.internal"]}]), json!([]))}),
        rule_unknown.clone(),
        json!({"listener_arn": attr_of("aws_lb_listener.alb_http", "arn"),
               "priority": {"constant_value": 10},
               "action": [{"type": {"constant_value": "forward"},
                           "target_group_arn": attr_of("aws_lb_target_group.api", "arn")}],
               "condition": [{"host_header": [{"values": {"constant_value": ["api.example.internal"]}}]}]}),
    );
    // `metrics.example.internal` through a `forward` block, its priority set by AWS.
    p.add(
        "aws_lb_listener_rule.metrics",
        "aws",
        json!({"tags": null,
               "action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [],
                           "fixed_response": [], "redirect": [], "target_group_arn": null,
                           "forward": [{"stickiness": [], "target_group": [{"weight": 1}]}]}],
               "condition": condition(json!([{"values": ["metrics.example.internal"]}]), json!([]))}),
        json!({"arn": true, "id": true, "listener_arn": true, "priority": true, "tags_all": true,
               "action": [{"order": true, "forward": [{"stickiness": true,
                                                       "target_group": [{"arn": true}]}]}]}),
        json!({"listener_arn": attr_of("aws_lb_listener.alb_http", "arn"),
               "action": [{"type": {"constant_value": "forward"},
                           "forward": [{"target_group": [{"arn": attr_of("aws_lb_target_group.metrics", "arn"),
                                                          "weight": {"constant_value": 1}}]}]}],
               "condition": [{"host_header": [{"values": {"constant_value": ["metrics.example.internal"]}}]}]}),
    );
    // A header condition vpcnet's rules do not hold.
    p.add(
        "aws_lb_listener_rule.admin",
        "aws",
        json!({"priority": 5, "tags": null,
               "action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [],
                           "fixed_response": [], "forward": [], "redirect": []}],
               "condition": condition(json!([]), json!([{"http_header_name": "X-Admin", "values": ["1"]}]))}),
        rule_unknown,
        json!({"listener_arn": attr_of("aws_lb_listener.alb_http", "arn"),
               "priority": {"constant_value": 5},
               "action": [{"type": {"constant_value": "forward"},
                           "target_group_arn": attr_of("aws_lb_target_group.api", "arn")}]}),
    );
    // Names for the application load balancer, aliasing its DNS name.
    p.add(
        "aws_route53_zone.internal",
        "aws",
        json!({"name": "example.internal", "comment": "Managed by Terraform", "force_destroy": false,
               "vpc": [{}]}),
        json!({"id": true, "zone_id": true, "arn": true, "name_servers": true,
               "vpc": [{"vpc_id": true, "vpc_region": true}]}),
        json!({"name": {"constant_value": "example.internal"},
               "vpc": [{"vpc_id": id_of("aws_vpc.app")}]}),
    );
    for host in ["api", "metrics"] {
        p.add(
            &format!("aws_route53_record.{host}"),
            "aws",
            json!({"name": host, "type": "A", "alias": [{"evaluate_target_health": true}]}),
            json!({"id": true, "zone_id": true, "fqdn": true, "alias": [{"name": true, "zone_id": true}]}),
            json!({"zone_id": attr_of("aws_route53_zone.internal", "zone_id"),
                   "name": {"constant_value": host}, "type": {"constant_value": "A"},
                   "alias": [{"name": attr_of("aws_lb.alb", "dns_name"),
                              "zone_id": attr_of("aws_lb.alb", "zone_id"),
                              "evaluate_target_health": {"constant_value": true}}]}),
        );
    }
    // The endpoint service on the network load balancer, for another account.
    p.add(
        "aws_vpc_endpoint_service.web",
        "aws",
        json!({"acceptance_required": true, "gateway_load_balancer_arns": null, "private_dns_name": null,
               "tags": {"Name": "web-service"}}),
        json!({"allowed_principals": true, "arn": true, "availability_zones": true,
               "base_endpoint_dns_names": true, "id": true, "manages_vpc_endpoints": true,
               "network_load_balancer_arns": true, "private_dns_name_configuration": true,
               "service_name": true, "service_type": true, "state": true, "supported_ip_address_types": true,
               "supported_regions": true, "tags_all": true}),
        json!({"acceptance_required": {"constant_value": true},
               "network_load_balancer_arns": {"references": ["aws_lb.nlb.arn", "aws_lb.nlb"]}}),
    );
    p.add(
        "aws_vpc_endpoint_service_allowed_principal.consumer",
        "aws",
        json!({"principal_arn": principal}),
        json!({"id": true, "vpc_endpoint_service_id": true}),
        json!({"principal_arn": {"constant_value": principal},
               "vpc_endpoint_service_id": id_of("aws_vpc_endpoint_service.web")}),
    );
    // --- the consumer's VPC, in another account --------------------------------------
    let c = "aws.consumer";
    p.vpc("consumer", c, "10.1.0.0/16");
    p.subnet("consumer_a", c, "consumer", "10.1.1.0/24", "us-east-1a");
    p.group("consumer_ep", c, "consumer", &[80], "10.1.0.0/16");
    p.group("agent", c, "consumer", &[], "10.1.0.0/16");
    p.instance("agent", c, "consumer_a", Some("10.1.1.10"), "agent");
    p.add(
        "aws_vpc_endpoint.web",
        c,
        json!({"vpc_endpoint_type": "Interface", "auto_accept": null, "private_dns_enabled": false,
               "tags": {"Name": "web-consumer"}}),
        {
            let mut u = ep_unknown;
            u["service_name"] = json!(true);
            u
        },
        json!({"vpc_id": id_of("aws_vpc.consumer"),
               "service_name": attr_of("aws_vpc_endpoint_service.web", "service_name"),
               "vpc_endpoint_type": {"constant_value": "Interface"},
               "subnet_ids": {"references": ["aws_subnet.consumer_a.id", "aws_subnet.consumer_a"]},
               "security_group_ids": id_of("aws_security_group.consumer_ep")}),
    );
    if accepted {
        p.add(
            "aws_vpc_endpoint_connection_accepter.web",
            "aws",
            json!({}),
            json!({"id": true, "vpc_endpoint_id": true, "vpc_endpoint_service_id": true,
                   "vpc_endpoint_state": true}),
            json!({"vpc_endpoint_id": id_of("aws_vpc_endpoint.web"),
                   "vpc_endpoint_service_id": id_of("aws_vpc_endpoint_service.web")}),
        );
    }
    let data = "data.aws_ec2_managed_prefix_list.s3";
    p.config.push(json!({"address": data, "mode": "data", "type": "aws_ec2_managed_prefix_list",
                         "name": "s3", "provider_config_key": "aws", "schema_version": 0,
                         "expressions": {"name": {"constant_value": "com.amazonaws.us-east-1.s3"}}}));
    let role = |account: &str| json!({"role_arn": {"constant_value": format!("arn:aws:iam::{account}:role/terraform")}});
    let configuration = json!({
        "provider_config": {
            "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": "us-east-1"},
                                    "assume_role": [role("111111111111")]}},
            "aws.consumer": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                             "alias": "consumer",
                             "expressions": {"region": {"constant_value": "us-east-1"},
                                             "assume_role": [role("222222222222")]}}
        },
        "root_module": {"resources": p.config}
    });
    let mut v: Value =
        serde_json::from_str(&plan_json(&p.res, configuration, json!({}))).expect("json");
    // The prefix list was read while planning: it is in the prior state.
    v["prior_state"]["values"]["root_module"] = json!({"resources": [{
        "address": data, "mode": "data", "type": "aws_ec2_managed_prefix_list", "name": "s3",
        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
        "values": {"address_family": "IPv4", "arn": "arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a",
                   "entries": [{"cidr": "52.216.0.0/15", "description": ""},
                               {"cidr": "3.5.0.0/19", "description": ""}],
                   "filter": [], "id": "pl-63a5400a", "max_entries": 0,
                   "name": "com.amazonaws.us-east-1.s3", "owner_id": "AWS", "tags": {},
                   "timeouts": null, "version": 0},
        "sensitive_values": {}}]});
    v.to_string()
}

const CONSUMER: &str = "arn:aws:iam::222222222222:root";

fn loaded() -> Loaded {
    load_text(
        "plan.json",
        &endpoints_lb_plan(true, CONSUMER),
        Which::Planned,
    )
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

/// A connection to an address.
fn to_ip(n: &Network, from: &str, ip: &str, port: u16) -> Trace {
    let mut q = query(n, from, port);
    q.to_ip = ip.parse().expect("ip");
    trace(n, &q)
}

/// A connection to an AWS service through the VPC's endpoint, as `--to s3` makes it.
fn to_service(n: &Network, from: &str, service: &str, port: u16) -> Trace {
    let mut q = query(n, from, port);
    let d = service_destination(n, &q.from, service).expect("the VPC has an endpoint for it");
    q.to_ip = d.ip;
    q.expect = d.expect;
    trace(n, &q)
}

/// A request to a name, carrying it as its host (`--host`).
fn to_name(n: &Network, from: &str, name: &str, port: u16) -> Trace {
    let opts = TraceOptions {
        host: Some(name.to_owned()),
    };
    trace_name_with(n, &query(n, from, port), name, &opts)
}

/// Every hop's detail, forward then return.
fn details(t: &Trace) -> String {
    let mut out = format!("{}\n", verdict(t));
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

/// Where the forward path ends: the id of the last hop's component.
fn delivered_to(n: &Network, t: &Trace) -> String {
    match &t.forward.hops.last().expect("hops").component {
        Component::Resource(idx) => n.meta(*idx).id.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_plan_loads_endpoints_load_balancers_and_the_endpoint_service() {
    let l = loaded();
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    assert!(
        l.report.not_modelled.is_empty(),
        "{:?}",
        l.report.not_modelled
    );
    expect![[r#"
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/9/values/private_ip: the private address of `aws_instance.web_2` is picked by AWS at apply; `10.0.2.4`, the lowest free address of its subnet `10.0.2.0/24`, stands for it
        note RULE_NOT_MODELLED #/planned_values/root_module/resources/30/values/condition: `aws_lb_listener_rule.admin` matches on `http_header`, which vpcnet's listener rules do not hold; the rule is left out (requests it would take are shown going on to the next rule or the default action)
        note VALUE_ASSUMED #/planned_values/root_module/resources/29/values/priority: the priority of `aws_lb_listener_rule.metrics` is set by AWS at apply (the next free one); `11` stands for it
        note DNS_NAME_ASSIGNED #/planned_values/root_module/resources/24/values/dns_name: the DNS name of `aws_lb.nlb` is given by AWS at apply; `web-nlb-44c72983.elb.us-east-1.amazonaws.com` stands for it, so that names aliasing it resolve to its interfaces (the real name differs)
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/24: the private addresses of the interfaces of `aws_lb.nlb` are picked by AWS and are in no plan or state; `10.0.2.5` (in `10.0.2.0/24`), the lowest free addresses of their subnets, stand for them
        note DNS_NAME_ASSIGNED #/planned_values/root_module/resources/26/values/dns_name: the DNS name of `aws_lb.alb` is given by AWS at apply; `internal-web-alb-e7a2be42.us-east-1.elb.amazonaws.com` stands for it, so that names aliasing it resolve to its interfaces (the real name differs)
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/26: the private addresses of the interfaces of `aws_lb.alb` are picked by AWS and are in no plan or state; `10.0.1.4` (in `10.0.1.0/24`), `10.0.2.6` (in `10.0.2.0/24`), the lowest free addresses of their subnets, stand for them
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/13: the private addresses of the interfaces of `aws_vpc_endpoint.sts` are picked by AWS and are in no plan or state; `10.0.1.5` (in `10.0.1.0/24`), `10.0.2.7` (in `10.0.2.0/24`), the lowest free addresses of their subnets, stand for them
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/14: the private addresses of the interfaces of `aws_vpc_endpoint.ssm` are picked by AWS and are in no plan or state; `10.0.1.6` (in `10.0.1.0/24`), the lowest free addresses of their subnets, stand for them
        note ADDRESS_ASSIGNED #/planned_values/root_module/resources/41: the private addresses of the interfaces of `aws_vpc_endpoint.web` are picked by AWS and are in no plan or state; `10.1.1.4` (in `10.1.1.0/24`), the lowest free addresses of their subnets, stand for them
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let lbs: Vec<String> = n
        .load_balancers()
        .iter()
        .map(|lb| {
            let enis: Vec<String> = lb
                .enis
                .iter()
                .map(|e| n.interface(*e).primary_ip().to_string())
                .collect();
            let listeners: Vec<String> = lb
                .listeners
                .iter()
                .map(|x| {
                    let rules: Vec<String> = x
                        .rules
                        .iter()
                        .map(|r| {
                            format!(
                                "{} {:?} -> {}",
                                r.priority,
                                r.hosts,
                                n.target_group(r.target_group).meta.label()
                            )
                        })
                        .collect();
                    format!(
                        "{}:{} default {:?} rules {rules:?}",
                        x.protocol,
                        x.port,
                        x.default_target_group
                            .map(|t| n.target_group(t).meta.label())
                    )
                })
                .collect();
            format!(
                "{} {} internal={} cross_zone={} dns={} at {enis:?}: {listeners:?}",
                lb.meta.label(),
                lb.kind.as_str(),
                lb.internal,
                lb.cross_zone,
                lb.dns_name.as_deref().unwrap_or("-")
            )
        })
        .collect();
    expect![[r#"
        web-nlb (lb-tf-aws_lb.nlb) network internal=true cross_zone=false dns=web-nlb-44c72983.elb.us-east-1.amazonaws.com at ["10.0.1.100", "10.0.2.5"]: ["TCP:80 default Some(\"web-nlb (tg-tf-aws_lb_target_group.web_nlb)\") rules []"]
        web-alb (lb-tf-aws_lb.alb) application internal=true cross_zone=true dns=internal-web-alb-e7a2be42.us-east-1.elb.amazonaws.com at ["10.0.1.4", "10.0.2.6"]: ["HTTP:80 default None rules [\"10 [\\\"api.example.internal\\\"] -> api (tg-tf-aws_lb_target_group.api)\", \"11 [\\\"metrics.example.internal\\\"] -> metrics (tg-tf-aws_lb_target_group.metrics)\"]"]"#]]
    .assert_eq(&lbs.join("\n"));
    let groups: Vec<String> = n
        .target_groups()
        .iter()
        .map(|g| {
            let targets: Vec<String> = g
                .targets
                .iter()
                .map(|t| match t.port {
                    Some(p) => format!("{}:{p}", t.ip),
                    None => t.ip.to_string(),
                })
                .collect();
            format!(
                "{} {:?} {}:{} {targets:?}",
                g.meta.label(),
                g.target_type,
                g.protocol,
                g.port
            )
        })
        .collect();
    expect![[r#"
        web-nlb (tg-tf-aws_lb_target_group.web_nlb) Instance TCP:8080 ["10.0.1.10", "10.0.2.4"]
        api (tg-tf-aws_lb_target_group.api) Ip HTTP:8080 ["10.0.2.4"]
        metrics (tg-tf-aws_lb_target_group.metrics) Instance HTTP:9090 ["10.0.1.10:9090"]"#]]
    .assert_eq(&groups.join("\n"));
    let [svc] = n.endpoint_services() else {
        panic!("one endpoint service: {:?}", n.endpoint_services());
    };
    assert_eq!(
        svc.service_name,
        "com.amazonaws.vpce.us-east-1.vpce-svc-tf-aws_vpc_endpoint_service.web"
    );
    assert_eq!(svc.account, "111111111111");
    assert_eq!(svc.allowed_principals, [CONSUMER]);
    let endpoints: Vec<String> = n
        .vpc_endpoints()
        .iter()
        .map(|e| {
            let enis: Vec<String> = e
                .enis
                .iter()
                .map(|x| {
                    let i = n.interface(*x);
                    let groups: Vec<&str> = i
                        .security_groups
                        .iter()
                        .map(|g| n.security_group(*g).group_name.as_str())
                        .collect();
                    format!("{} {groups:?}", i.primary_ip())
                })
                .collect();
            let rts: Vec<&str> = e
                .route_tables
                .iter()
                .map(|t| n.route_table(*t).meta.id.as_str())
                .collect();
            format!(
                "{} {} {} {} {rts:?} {enis:?}",
                e.meta.label(),
                e.kind.as_str(),
                e.service_name,
                e.state
            )
        })
        .collect();
    expect![[r#"
        s3 (vpce-tf-aws_vpc_endpoint.s3) Gateway com.amazonaws.us-east-1.s3 available ["rtb-tf-aws_vpc.app/main"] []
        sts (vpce-tf-aws_vpc_endpoint.sts) Interface com.amazonaws.us-east-1.sts available [] ["10.0.1.5 [\"endpoints\"]", "10.0.2.7 [\"endpoints\"]"]
        ssm (vpce-tf-aws_vpc_endpoint.ssm) Interface com.amazonaws.us-east-1.ssm available [] ["10.0.1.6 [\"endpoints\"]"]
        web-consumer (vpce-tf-aws_vpc_endpoint.web) Interface com.amazonaws.vpce.us-east-1.vpce-svc-tf-aws_vpc_endpoint_service.web available [] ["10.1.1.4 [\"consumer_ep\"]"]"#]]
    .assert_eq(&endpoints.join("\n"));
}

#[test]
fn s3_goes_through_the_gateway_endpoint_and_sts_through_its_interface() {
    let l = loaded();
    let n = &l.net;
    let t = to_service(n, "client", "s3", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    let text = details(&t);
    assert!(text.contains("pl-63a5400a"), "{text}");
    assert!(text.contains("through gateway endpoint s3"), "{text}");
    // The client's rule to S3 names the endpoint's prefix list: 443 only.
    assert!(
        text.contains("tcp port 443 to prefix list com.amazonaws.us-east-1.s3 (pl-63a5400a)"),
        "{text}"
    );
    assert_eq!(
        verdict(&to_service(n, "client", "s3", 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // Elsewhere on the internet there is no route: only the endpoint leads out.
    assert_eq!(
        verdict(&to_ip(n, "web_1", "52.94.0.10", 443)),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
    let t = to_service(n, "client", "sts", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert!(details(&t).contains("through interface endpoint sts"));
    // The endpoints' group opens 443 only.
    assert_eq!(
        verdict(&to_service(n, "client", "sts", 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // Private DNS answers STS's name with the endpoint's interfaces.
    let t = to_name(n, "client", "sts.us-east-1.amazonaws.com", 443);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(t.query.to_ip.to_string(), "10.0.1.5");
}

#[test]
fn the_network_load_balancer_sends_to_the_target_in_its_zone() {
    let l = loaded();
    let n = &l.net;
    // The address the configuration chose, in us-east-1a: web_1, which sees the
    // client's address (instance targets keep it).
    let t = to_ip(n, "client", "10.0.1.100", 80);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web_1");
    let at_target = t.forward.hops.last().expect("hops").packet;
    assert_eq!(at_target.src.to_string(), "10.0.1.20");
    assert_eq!(at_target.dst_port, 8080);
    // The address AWS picks in us-east-1b: web_2, without cross-zone balancing.
    let nlb = n
        .load_balancers()
        .iter()
        .find(|lb| lb.kind == LbKind::Network)
        .expect("the NLB");
    let b = n.interface(nlb.enis[1]).primary_ip().to_string();
    let t = to_ip(n, "client", &b, 80);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web_2");
    assert_eq!(
        verdict(&to_ip(n, "client", "10.0.1.100", 81)),
        "LB_LISTENER_PORT_MISMATCH on forward"
    );
}

#[test]
fn the_application_load_balancer_routes_by_host_behind_its_dns_aliases() {
    let l = loaded();
    let n = &l.net;
    // api.example.internal is an alias of the load balancer's DNS name, known only
    // after apply; its rule sends to the IP target that stands for web_2.
    let t = to_name(n, "client", "api.example.internal", 80);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web_2");
    let text = details(&t);
    assert!(
        text.contains("DNS name of internal load balancer web-alb"),
        "{text}"
    );
    assert!(text.contains("target group api"), "{text}");
    // The metrics rule, a `forward` block, sends to web_1 on 9090.
    let t = to_name(n, "client", "metrics.example.internal", 80);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web_1");
    assert_eq!(t.forward.hops.last().expect("hops").packet.dst_port, 9090);
    // Another host gets the fixed response.
    let alb_ip = t.query.to_ip.to_string();
    let mut q = query(n, "client", 80);
    q.to_ip = alb_ip.parse().expect("ip");
    let opts = TraceOptions {
        host: Some("www.example.internal".to_owned()),
    };
    assert_eq!(
        verdict(&trace_with(n, &q, &opts)),
        "LB_NO_TARGET_GROUP on forward"
    );
    // The load balancer's group opens 80 only.
    assert_eq!(
        verdict(&to_name(n, "client", "api.example.internal", 443)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn another_account_reaches_the_service_over_privatelink_once_accepted() {
    let l = loaded();
    let n = &l.net;
    let t = to_ip(n, "agent", "10.1.1.4", 80);
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    let text = details(&t);
    assert!(
        text.contains("over PrivateLink to endpoint service"),
        "{text}"
    );
    assert!(text.contains("back over PrivateLink"), "{text}");
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web_1");
    // Through PrivateLink the target sees the load balancer's address.
    assert_eq!(
        t.forward.hops.last().expect("hops").packet.src.to_string(),
        "10.0.1.100"
    );
    // Not accepted: the endpoint stays pending.
    let l = load_text(
        "plan.json",
        &endpoints_lb_plan(false, CONSUMER),
        Which::Planned,
    );
    assert!(
        l.diags.iter().any(|d| d.code == "ENDPOINT_PENDING"),
        "{}",
        l.findings()
    );
    let t = to_ip(&l.net, "agent", "10.1.1.4", 80);
    assert_eq!(verdict(&t), "BAD_STATE on forward", "{}", details(&t));
    // Accepted, but the service allows another account.
    let l = load_text(
        "plan.json",
        &endpoints_lb_plan(true, "arn:aws:iam::333333333333:root"),
        Which::Planned,
    );
    assert_eq!(
        verdict(&to_ip(&l.net, "agent", "10.1.1.4", 80)),
        "ENDPOINT_PRINCIPAL_NOT_ALLOWED on forward"
    );
}

#[test]
fn before_the_plan_there_is_only_the_prefix_list_read() {
    let l = load_text(
        "plan.json",
        &endpoints_lb_plan(true, CONSUMER),
        Which::Prior,
    );
    assert!(l.net.load_balancers().is_empty());
    assert_eq!(l.net.prefix_lists().len(), 1);
    assert_eq!(l.report.managed(), 0);
}

/// Resources whose values are wrong, each on its own.
fn bad_plan() -> String {
    let known = |addr: &str, values: Value| planned(addr, values, json!({}));
    let resources = vec![
        known(
            "aws_vpc.app",
            json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16", "owner_id": "111111111111"}),
        ),
        known(
            "aws_subnet.a",
            json!({"id": "subnet-a", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24",
                   "availability_zone": "us-east-1a"}),
        ),
        known(
            "aws_instance.web",
            json!({"id": "i-1", "subnet_id": "subnet-a", "private_ip": "10.0.1.10"}),
        ),
        known(
            "aws_lb_target_group.kind",
            json!({"id": "arn:tg-kind", "target_type": "container", "port": 80, "protocol": "HTTP"}),
        ),
        known(
            "aws_lb_target_group.port",
            json!({"id": "arn:tg-port", "target_type": "ip", "port": 70000, "protocol": "TCP"}),
        ),
        known(
            "aws_lb_target_group.ok",
            json!({"id": "arn:tg-ok", "target_type": "ip", "port": 80, "protocol": "TCP",
                   "vpc_id": "vpc-1"}),
        ),
        known(
            "aws_lb_target_group_attachment.not_ip",
            json!({"id": "x1", "target_group_arn": "arn:tg-ok", "target_id": "web-server"}),
        ),
        known(
            "aws_lb_target_group_attachment.elsewhere",
            json!({"id": "x2", "target_group_arn": "arn:tg-404", "target_id": "10.0.1.10"}),
        ),
        known(
            "aws_lb.classic",
            json!({"id": "arn:lb-classic", "load_balancer_type": "classic", "subnets": ["subnet-a"]}),
        ),
        known(
            "aws_lb.nlb",
            json!({"id": "arn:lb-nlb", "load_balancer_type": "network", "internal": true,
                   "dns_name": "nlb-1.elb.us-east-1.amazonaws.com",
                   "subnet_mapping": [{"subnet_id": "subnet-a", "private_ipv4_address": "10.0.1.999"},
                                      {"subnet_id": "subnet-404"}]}),
        ),
        known(
            "aws_lb_listener.port",
            json!({"id": "arn:l-port", "load_balancer_arn": "arn:lb-nlb", "port": "eighty",
                   "default_action": [{"type": "forward", "target_group_arn": "arn:tg-ok"}]}),
        ),
        known(
            "aws_lb_listener.tcp",
            json!({"id": "arn:l-tcp", "load_balancer_arn": "arn:lb-nlb", "port": 80, "protocol": "TCP",
                   "default_action": [{"type": "forward", "target_group_arn": "arn:tg-ok"}]}),
        ),
        known(
            "aws_lb_listener.again",
            json!({"id": "arn:l-again", "load_balancer_arn": "arn:lb-nlb", "port": 80, "protocol": "TCP",
                   "default_action": [{"type": "forward", "target_group_arn": "arn:tg-ok"}]}),
        ),
        known(
            "aws_lb_listener_rule.priority",
            json!({"id": "arn:r-1", "listener_arn": "arn:l-tcp", "priority": 0,
                   "action": [{"type": "forward", "target_group_arn": "arn:tg-ok"}],
                   "condition": [{"host_header": [{"values": ["a.example.com"]}]}]}),
        ),
        known(
            "aws_lb_listener_rule.redirect",
            json!({"id": "arn:r-2", "listener_arn": "arn:l-tcp", "priority": 2,
                   "action": [{"type": "redirect", "redirect": [{"status_code": "HTTP_301"}]}],
                   "condition": [{"host_header": [{"values": ["b.example.com"]}]}]}),
        ),
        known(
            "aws_vpc_endpoint.kind",
            json!({"id": "vpce-kind", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.sqs",
                   "vpc_endpoint_type": "Bogus"}),
        ),
        known(
            "aws_vpc_endpoint.s3",
            json!({"id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.s3",
                   "vpc_endpoint_type": "Gateway", "route_table_ids": ["rtb-404"],
                   "state": "available"}),
        ),
        known(
            "aws_vpc_endpoint_route_table_association.lost",
            json!({"id": "a-1", "vpc_endpoint_id": "vpce-404", "route_table_id": "rtb-1"}),
        ),
        known(
            "aws_vpc_endpoint_service.none",
            json!({"id": "vpce-svc-none", "acceptance_required": false,
                   "network_load_balancer_arns": []}),
        ),
        known(
            "aws_vpc_endpoint_service.maybe",
            json!({"id": "vpce-svc-maybe", "acceptance_required": "maybe",
                   "network_load_balancer_arns": ["arn:lb-nlb"],
                   "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-maybe"}),
        ),
    ];
    plan_json(&resources, json!({"root_module": {}}), json!({}))
}

#[test]
fn bad_values_are_reported_at_their_pointers() {
    let l = load_text("plan.json", &bad_plan(), Which::Planned);
    let found: Vec<_> = l
        .diags
        .iter()
        .filter(|d| !["REGION_ASSUMED", "ADDRESS_ASSIGNED", "NOT_MODELLED"].contains(&d.code))
        .cloned()
        .collect();
    expect![[r#"
        error BAD_VALUE #/planned_values/root_module/resources/3/values/target_type: `target_type` `container` of `aws_lb_target_group.kind` is not `instance`, `ip`, `alb` or `lambda`; the target group is left out
        error BAD_PORTS #/planned_values/root_module/resources/4/values/port: `port` `70000` of `aws_lb_target_group.port` is not a port; the target group is left out
        error BAD_ADDRESS #/planned_values/root_module/resources/6/values/target_id: `web-server` of `aws_lb_target_group_attachment.not_ip` is not an IPv4 address, which targets of type `ip` are; the target is left out
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/7/values/target_group_arn: `target_group_arn` of `aws_lb_target_group_attachment.elsewhere` names target group `arn:tg-404`, which is not in the input; the attachment is left out
        error BAD_VALUE #/planned_values/root_module/resources/13/values/priority: `priority` `0` of `aws_lb_listener_rule.priority` is not between 1 and 50000; the rule is left out
        note RULE_NOT_MODELLED #/planned_values/root_module/resources/14/values/action: the action of `aws_lb_listener_rule.redirect` is `redirect`, not `forward`: vpcnet's listener rules send to target groups only; the rule is left out (requests it would take are shown going on to the next rule or the default action)
        error BAD_PORTS #/planned_values/root_module/resources/10/values/port: `port` `eighty` of `aws_lb_listener.port` is not a port; the listener is left out
        error BAD_VALUE #/planned_values/root_module/resources/8/values/load_balancer_type: `load_balancer_type` `classic` of `aws_lb.classic` is not `application`, `network` or `gateway`; the load balancer is left out
        error BAD_ADDRESS #/planned_values/root_module/resources/9/values/subnet_mapping/0/private_ipv4_address: `10.0.1.999` of `aws_lb.nlb` is not an IPv4 address; an address is picked instead
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/9/values/subnet_mapping/1/subnet_id: `subnet_mapping[1].subnet_id` of `aws_lb.nlb` names subnet `subnet-404`, which is not in the input; no interface is made there
        error DUPLICATE_LISTENER #/planned_values/root_module/resources/12/values/port: `aws_lb_listener.again` listens on TCP port 80, as another listener of its load balancer does; it is left out
        error BAD_VALUE #/planned_values/root_module/resources/18/values/network_load_balancer_arns: `aws_vpc_endpoint_service.none` names no network load balancer; the endpoint service is left out
        note ACCOUNT_ASSUMED #/planned_values/root_module/resources/19: the account of `aws_vpc_endpoint_service.maybe` is not known (no `owner_id`, ARN, or provider `allowed_account_ids`/`assume_role` given as a constant or a root variable); `000000000000` is assumed for every resource whose account is not known
        error BAD_VALUE #/planned_values/root_module/resources/19/values/acceptance_required: `acceptance_required` of `aws_vpc_endpoint_service.maybe` is `maybe`, not a boolean; the provider's default `true` is assumed
        error BAD_VALUE #/planned_values/root_module/resources/15/values/vpc_endpoint_type: `vpc_endpoint_type` `Bogus` of `aws_vpc_endpoint.kind` is not `Gateway`, `Interface` or `GatewayLoadBalancer`; the endpoint is left out
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/16/values/route_table_ids: `route_table_ids` of `aws_vpc_endpoint.s3` names route table `rtb-404`, which is not in the input; no route is added there
        warning PREFIX_LIST_CIDRS_UNKNOWN #/planned_values/root_module/resources/16/values/prefix_list_id: the CIDRs of `com.amazonaws.us-east-1.s3` (prefix list `pl-tf-com.amazonaws.us-east-1.s3`), which gateway endpoint `aws_vpc_endpoint.s3` routes to, are not in the input (a `data "aws_ec2_managed_prefix_list"` for it, read while planning, gives them); its routes match no address, and traces to the service take the other routes
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/17/values/vpc_endpoint_id: `vpc_endpoint_id` of `aws_vpc_endpoint_route_table_association.lost` names VPC endpoint `vpce-404`, which is not in the input; it is left out
    "#]]
    .assert_eq(&render(&found));
    // What was right loads: the IP target group, the NLB with its one listener.
    let n = &l.net;
    assert!(n
        .target_groups()
        .iter()
        .any(|g| g.target_type == TargetType::Ip && g.port == 80));
    let [lb] = n.load_balancers() else {
        panic!("one load balancer: {:?}", n.load_balancers());
    };
    assert_eq!(lb.listeners.len(), 1);
    assert_eq!(lb.enis.len(), 1);
}

/// A state knows what a plan does not: the endpoint's interfaces by id, the service's
/// prefix list with its CIDRs, the load balancer's DNS name.
#[test]
fn a_state_names_interfaces_prefix_list_and_dns_name() {
    let arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111";
    let lb = format!("{arn}:loadbalancer/app/web/50dc6c495c0c9188");
    let tg = format!("{arn}:targetgroup/web/73e2d6bc24d8a067");
    let listener = format!("{arn}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2");
    let r = |addr: &str, values: Value| {
        let (ty, name) = addr.split_once('.').expect("type.name");
        json!({"address": addr, "mode": "managed", "type": ty, "name": name,
               "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
               "values": values})
    };
    let resources = vec![
        r(
            "aws_vpc.app",
            json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16", "owner_id": "111111111111",
                   "arn": "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1",
                   "enable_dns_support": true, "enable_dns_hostnames": true,
                   "default_route_table_id": "rtb-main", "main_route_table_id": "rtb-main",
                   "default_security_group_id": "sg-default", "default_network_acl_id": "acl-1"}),
        ),
        r(
            "aws_subnet.a",
            json!({"id": "subnet-a", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24",
                   "availability_zone": "us-east-1a"}),
        ),
        r(
            "aws_subnet.b",
            json!({"id": "subnet-b", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24",
                   "availability_zone": "us-east-1b"}),
        ),
        r(
            "aws_instance.client",
            json!({"id": "i-client", "subnet_id": "subnet-a", "private_ip": "10.0.1.10",
                   "vpc_security_group_ids": ["sg-default"], "instance_state": "running",
                   "tags": {"Name": "client"}}),
        ),
        r(
            "aws_instance.web",
            json!({"id": "i-web", "subnet_id": "subnet-b", "private_ip": "10.0.2.10",
                   "vpc_security_group_ids": ["sg-default"], "instance_state": "running",
                   "tags": {"Name": "web"}}),
        ),
        r(
            "aws_vpc_endpoint.s3",
            json!({"id": "vpce-0s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.s3",
                   "vpc_endpoint_type": "Gateway", "route_table_ids": ["rtb-main"],
                   "prefix_list_id": "pl-63a5400a", "cidr_blocks": ["52.216.0.0/15", "3.5.0.0/19"],
                   "state": "available", "subnet_ids": [], "network_interface_ids": [],
                   "security_group_ids": []}),
        ),
        r(
            "aws_vpc_endpoint.sts",
            json!({"id": "vpce-0sts", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.sts",
                   "vpc_endpoint_type": "Interface", "subnet_ids": ["subnet-a", "subnet-b"],
                   "network_interface_ids": ["eni-0aaa", "eni-0bbb"], "security_group_ids": ["sg-default"],
                   "private_dns_enabled": true, "state": "available", "route_table_ids": [],
                   "dns_entry": [{"dns_name": "vpce-0sts-1a2b3c4d.sts.us-east-1.vpce.amazonaws.com",
                                  "hosted_zone_id": "Z7HUB22UULQXV"}]}),
        ),
        r(
            "aws_lb.web",
            json!({"id": lb, "arn": lb, "name": "web", "internal": true, "load_balancer_type": "application",
                   "dns_name": "internal-web-1234567890.us-east-1.elb.amazonaws.com",
                   "subnets": ["subnet-a", "subnet-b"], "security_groups": ["sg-default"],
                   "subnet_mapping": [
                       {"subnet_id": "subnet-a", "private_ipv4_address": "", "allocation_id": "", "outpost_id": ""},
                       {"subnet_id": "subnet-b", "private_ipv4_address": "", "allocation_id": "", "outpost_id": ""}]}),
        ),
        r(
            "aws_lb_target_group.web",
            json!({"id": tg, "arn": tg, "name": "web", "port": 80, "protocol": "HTTP",
                   "target_type": "instance", "vpc_id": "vpc-1"}),
        ),
        r(
            "aws_lb_target_group_attachment.web",
            json!({"id": "att-1", "target_group_arn": tg, "target_id": "i-web", "port": 80}),
        ),
        r(
            "aws_lb_listener.http",
            json!({"id": listener, "arn": listener, "load_balancer_arn": lb, "port": 80,
                   "protocol": "HTTP", "default_action": [{"type": "forward", "order": 1,
                   "target_group_arn": tg, "forward": []}]}),
        ),
    ];
    let text = json!({"format_version": "1.0", "terraform_version": "1.9.5",
                      "values": {"root_module": {"resources": resources}}})
    .to_string();
    let l = load_text("state.json", &text, Which::Planned);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    let n = &l.net;
    let sts = n
        .vpc_endpoints()
        .iter()
        .find(|e| e.meta.id == "vpce-0sts")
        .expect("the STS endpoint");
    let ids: Vec<&str> = sts
        .enis
        .iter()
        .map(|e| n.interface(*e).meta.id.as_str())
        .collect();
    assert_eq!(ids, ["eni-0aaa", "eni-0bbb"]);
    let s3 = n
        .vpc_endpoints()
        .iter()
        .find(|e| e.meta.id == "vpce-0s3")
        .expect("the S3 endpoint");
    let pl = n.prefix_list(s3.prefix_list.expect("its prefix list"));
    assert_eq!((pl.meta.id.as_str(), pl.cidrs.len()), ("pl-63a5400a", 2));
    assert_eq!(verdict(&to_service(n, "client", "s3", 443)), "REACHABLE");
    // The endpoint's own DNS name, from `dns_entry`, answers its interfaces.
    let t = to_name(
        n,
        "client",
        "vpce-0sts-1a2b3c4d.sts.us-east-1.vpce.amazonaws.com",
        443,
    );
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    let t = to_name(
        n,
        "client",
        "internal-web-1234567890.us-east-1.elb.amazonaws.com",
        80,
    );
    assert_eq!(verdict(&t), "REACHABLE", "{}", details(&t));
    assert_eq!(delivered_to(n, &t), "eni-tf-aws_instance.web");
}
