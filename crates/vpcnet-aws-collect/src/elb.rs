//! Elastic Load Balancing (v2) of one account and region: load balancers, listeners,
//! listener rules, target groups and their targets. What the CLI prints per load
//! balancer or target group is written as Batfish lays it out:
//! `LoadBalancerListeners` (`{"LoadBalancerArn": …, "Listeners": […]}`) and
//! `LoadBalancerTargetHealth` (`{"TargetGroupArn": …, "TargetHealthDescriptions": […]}`).
//! Rules are `describe-rules`' own shape; each names its listener in its ARN. Only
//! HTTP and HTTPS listeners have rules.

use aws_sdk_elasticloadbalancingv2::types as t;
use aws_sdk_elasticloadbalancingv2::Client;
use serde_json::{Map, Value};

use crate::ec2::Sub;
use crate::json::{top, wire, Obj};

wire!(
    t::LoadBalancerSchemeEnum,
    t::LoadBalancerStateEnum,
    t::LoadBalancerTypeEnum,
    t::IpAddressType,
    t::ProtocolEnum,
    t::ActionTypeEnum,
    t::TargetTypeEnum,
    t::TargetHealthStateEnum,
    t::TargetHealthReasonEnum,
    t::TargetGroupIpAddressTypeEnum,
);

/// One file of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    LoadBalancers,
    LoadBalancerListeners,
    Rules,
    TargetGroups,
    LoadBalancerTargetHealth,
}

impl Call {
    pub(crate) const ALL: [Call; 5] = [
        Call::LoadBalancers,
        Call::LoadBalancerListeners,
        Call::Rules,
        Call::TargetGroups,
        Call::LoadBalancerTargetHealth,
    ];

    pub(crate) fn key(self) -> &'static str {
        match self {
            Call::LoadBalancers => "LoadBalancers",
            Call::LoadBalancerListeners => "LoadBalancerListeners",
            Call::Rules => "Rules",
            Call::TargetGroups => "TargetGroups",
            Call::LoadBalancerTargetHealth => "LoadBalancerTargetHealth",
        }
    }

    /// The operation that lists what the file is made from.
    pub(crate) fn api(self) -> &'static str {
        match self {
            Call::LoadBalancers | Call::LoadBalancerListeners | Call::Rules => {
                "elbv2 DescribeLoadBalancers"
            }
            Call::TargetGroups | Call::LoadBalancerTargetHealth => "elbv2 DescribeTargetGroups",
        }
    }
}

fn load_balancer(v: &t::LoadBalancer) -> Value {
    Obj::new()
        .s("LoadBalancerArn", &v.load_balancer_arn)
        .s("DNSName", &v.dns_name)
        .s("CanonicalHostedZoneId", &v.canonical_hosted_zone_id)
        .t("CreatedTime", &v.created_time)
        .s("LoadBalancerName", &v.load_balancer_name)
        .e("Scheme", &v.scheme)
        .s("VpcId", &v.vpc_id)
        .o("State", &v.state, |s| {
            Obj::new().e("Code", &s.code).s("Reason", &s.reason).done()
        })
        .e("Type", &v.r#type)
        .l("AvailabilityZones", &v.availability_zones, |z| {
            Obj::new()
                .s("ZoneName", &z.zone_name)
                .s("SubnetId", &z.subnet_id)
                .s("OutpostId", &z.outpost_id)
                .l("LoadBalancerAddresses", &z.load_balancer_addresses, |a| {
                    Obj::new()
                        .s("IpAddress", &a.ip_address)
                        .s("AllocationId", &a.allocation_id)
                        .s("PrivateIPv4Address", &a.private_ipv4_address)
                        .s("IPv6Address", &a.ipv6_address)
                        .done()
                })
                .done()
        })
        .ls("SecurityGroups", &v.security_groups)
        .e("IpAddressType", &v.ip_address_type)
        .done()
}

fn action(v: &t::Action) -> Value {
    Obj::new()
        .e("Type", &v.r#type)
        .s("TargetGroupArn", &v.target_group_arn)
        .i("Order", v.order)
        .o("RedirectConfig", &v.redirect_config, |r| {
            Obj::new()
                .s("Protocol", &r.protocol)
                .s("Port", &r.port)
                .s("Host", &r.host)
                .s("Path", &r.path)
                .s("Query", &r.query)
                .v(
                    "StatusCode",
                    r.status_code.as_ref().map(|c| Value::from(c.as_str())),
                )
                .done()
        })
        .o("FixedResponseConfig", &v.fixed_response_config, |f| {
            Obj::new()
                .s("MessageBody", &f.message_body)
                .s("StatusCode", &f.status_code)
                .s("ContentType", &f.content_type)
                .done()
        })
        .o("ForwardConfig", &v.forward_config, |f| {
            Obj::new()
                .l("TargetGroups", &f.target_groups, |g| {
                    Obj::new()
                        .s("TargetGroupArn", &g.target_group_arn)
                        .i("Weight", g.weight)
                        .done()
                })
                .done()
        })
        .done()
}

fn listener(v: &t::Listener) -> Value {
    Obj::new()
        .s("ListenerArn", &v.listener_arn)
        .s("LoadBalancerArn", &v.load_balancer_arn)
        .i("Port", v.port)
        .e("Protocol", &v.protocol)
        .l("Certificates", &v.certificates, |c| {
            Obj::new().s("CertificateArn", &c.certificate_arn).done()
        })
        .s("SslPolicy", &v.ssl_policy)
        .l("DefaultActions", &v.default_actions, action)
        .ls("AlpnPolicy", &v.alpn_policy)
        .done()
}

fn values(key: &str, v: &Option<Vec<String>>) -> Value {
    Obj::new().ls(key, v).done()
}

fn rule(v: &t::Rule) -> Value {
    Obj::new()
        .s("RuleArn", &v.rule_arn)
        .s("Priority", &v.priority)
        .l("Conditions", &v.conditions, |c| {
            Obj::new()
                .s("Field", &c.field)
                .ls("Values", &c.values)
                .o("HostHeaderConfig", &c.host_header_config, |h| {
                    values("Values", &h.values)
                })
                .o("PathPatternConfig", &c.path_pattern_config, |p| {
                    values("Values", &p.values)
                })
                .o("HttpHeaderConfig", &c.http_header_config, |h| {
                    Obj::new()
                        .s("HttpHeaderName", &h.http_header_name)
                        .ls("Values", &h.values)
                        .done()
                })
                .o("QueryStringConfig", &c.query_string_config, |q| {
                    Obj::new()
                        .l("Values", &q.values, |kv| {
                            Obj::new().s("Key", &kv.key).s("Value", &kv.value).done()
                        })
                        .done()
                })
                .o(
                    "HttpRequestMethodConfig",
                    &c.http_request_method_config,
                    |m| values("Values", &m.values),
                )
                .o("SourceIpConfig", &c.source_ip_config, |s| {
                    values("Values", &s.values)
                })
                .done()
        })
        .l("Actions", &v.actions, action)
        .b("IsDefault", v.is_default)
        .done()
}

fn target_group(v: &t::TargetGroup) -> Value {
    Obj::new()
        .s("TargetGroupArn", &v.target_group_arn)
        .s("TargetGroupName", &v.target_group_name)
        .e("Protocol", &v.protocol)
        .i("Port", v.port)
        .s("VpcId", &v.vpc_id)
        .e("HealthCheckProtocol", &v.health_check_protocol)
        .s("HealthCheckPort", &v.health_check_port)
        .b("HealthCheckEnabled", v.health_check_enabled)
        .s("HealthCheckPath", &v.health_check_path)
        .ls("LoadBalancerArns", &v.load_balancer_arns)
        .e("TargetType", &v.target_type)
        .s("ProtocolVersion", &v.protocol_version)
        .e("IpAddressType", &v.ip_address_type)
        .done()
}

fn target_health(v: &t::TargetHealthDescription) -> Value {
    Obj::new()
        .o("Target", &v.target, |t| {
            Obj::new()
                .s("Id", &t.id)
                .i("Port", t.port)
                .s("AvailabilityZone", &t.availability_zone)
                .done()
        })
        .s("HealthCheckPort", &v.health_check_port)
        .o("TargetHealth", &v.target_health, |h| {
            Obj::new()
                .e("State", &h.state)
                .e("Reason", &h.reason)
                .s("Description", &h.description)
                .done()
        })
        .done()
}

/// Every item of a paginated operation, or the error as text.
macro_rules! all {
    ($req:expr) => {
        $req.into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| crate::error_text(&e))
    };
}

/// `{"<id_key>": id, "<key>": [items]}`: one item of Batfish's per-resource layout.
fn per(id_key: &str, id: &str, key: &str, items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(id_key.to_owned(), Value::from(id));
    m.insert(key.to_owned(), Value::Array(items));
    Value::Object(m)
}

/// Runs one call with all its pages; returns the file's JSON. A sub-call that fails
/// (one load balancer's listeners, one listener's rules, one group's targets) is
/// recorded and what it was for is left out.
pub(crate) async fn fetch(client: &Client, call: Call, mut sub: Sub<'_>) -> Result<Value, String> {
    let items: Vec<Value> = match call {
        Call::LoadBalancers => {
            let lbs: Vec<t::LoadBalancer> = all!(client.describe_load_balancers())?;
            lbs.iter().map(load_balancer).collect()
        }
        Call::LoadBalancerListeners | Call::Rules => {
            let lbs: Vec<t::LoadBalancer> = all!(client.describe_load_balancers())?;
            let mut out = Vec::new();
            for arn in lbs.iter().filter_map(|l| l.load_balancer_arn.as_deref()) {
                let got: Result<Vec<t::Listener>, String> =
                    all!(client.describe_listeners().load_balancer_arn(arn));
                let ls = match got {
                    Ok(ls) => ls,
                    Err(e) => {
                        sub.fail(format!("elbv2 DescribeListeners {arn}"), e);
                        continue;
                    }
                };
                if call == Call::LoadBalancerListeners {
                    out.push(per(
                        "LoadBalancerArn",
                        arn,
                        "Listeners",
                        ls.iter().map(listener).collect(),
                    ));
                    continue;
                }
                let with_rules = ls.iter().filter(|l| {
                    matches!(
                        l.protocol,
                        Some(t::ProtocolEnum::Http | t::ProtocolEnum::Https)
                    )
                });
                for l in with_rules {
                    let Some(id) = l.listener_arn.as_deref() else {
                        continue;
                    };
                    let got: Result<Vec<t::Rule>, String> =
                        all!(client.describe_rules().listener_arn(id));
                    match got {
                        Ok(rs) => out.extend(rs.iter().map(rule)),
                        Err(e) => sub.fail(format!("elbv2 DescribeRules {id}"), e),
                    }
                }
            }
            out
        }
        Call::TargetGroups => {
            let groups: Vec<t::TargetGroup> = all!(client.describe_target_groups())?;
            groups.iter().map(target_group).collect()
        }
        Call::LoadBalancerTargetHealth => {
            let groups: Vec<t::TargetGroup> = all!(client.describe_target_groups())?;
            let mut out = Vec::new();
            for arn in groups.iter().filter_map(|g| g.target_group_arn.as_deref()) {
                // Not paginated: one call returns every target.
                let got = client
                    .describe_target_health()
                    .target_group_arn(arn)
                    .send()
                    .await;
                match got {
                    Ok(o) => out.push(per(
                        "TargetGroupArn",
                        arn,
                        "TargetHealthDescriptions",
                        o.target_health_descriptions()
                            .iter()
                            .map(target_health)
                            .collect(),
                    )),
                    Err(e) => sub.fail(
                        format!("elbv2 DescribeTargetHealth {arn}"),
                        crate::error_text(&e),
                    ),
                }
            }
            out
        }
    };
    Ok(top(call.key(), items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_shape_keeps_conditions_and_actions() {
        let r = t::Rule::builder()
            .rule_arn("arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/a/1/2/3")
            .priority("10")
            .conditions(
                t::RuleCondition::builder()
                    .field("host-header")
                    .host_header_config(
                        t::HostHeaderConditionConfig::builder()
                            .values("api.example.com")
                            .build(),
                    )
                    .build(),
            )
            .actions(
                t::Action::builder()
                    .r#type(t::ActionTypeEnum::Forward)
                    .target_group_arn("arn:tg")
                    .order(1)
                    .build(),
            )
            .is_default(false)
            .build();
        assert_eq!(
            rule(&r).to_string(),
            r#"{"RuleArn":"arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/a/1/2/3","Priority":"10","Conditions":[{"Field":"host-header","HostHeaderConfig":{"Values":["api.example.com"]}}],"Actions":[{"Type":"forward","TargetGroupArn":"arn:tg","Order":1}],"IsDefault":false}"#
        );
    }
}
