//! Route 53 Resolver rules of one account and region, and their VPC associations
//! (`list-resolver-rules`, `list-resolver-rule-associations`).

use aws_sdk_route53resolver::types as t;
use aws_sdk_route53resolver::Client;
use serde_json::Value;

use crate::json::{top, wire, Obj};

wire!(
    t::ResolverRuleStatus,
    t::RuleTypeOption,
    t::ShareStatus,
    t::ResolverRuleAssociationStatus,
    t::Protocol,
);

/// One file of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    ResolverRules,
    ResolverRuleAssociations,
}

impl Call {
    pub(crate) const ALL: [Call; 2] = [Call::ResolverRules, Call::ResolverRuleAssociations];

    pub(crate) fn key(self) -> &'static str {
        match self {
            Call::ResolverRules => "ResolverRules",
            Call::ResolverRuleAssociations => "ResolverRuleAssociations",
        }
    }

    pub(crate) fn api(self) -> &'static str {
        match self {
            Call::ResolverRules => "route53resolver ListResolverRules",
            Call::ResolverRuleAssociations => "route53resolver ListResolverRuleAssociations",
        }
    }
}

fn rule(v: &t::ResolverRule) -> Value {
    Obj::new()
        .s("Id", &v.id)
        .s("CreatorRequestId", &v.creator_request_id)
        .s("Arn", &v.arn)
        .s("DomainName", &v.domain_name)
        .e("Status", &v.status)
        .s("StatusMessage", &v.status_message)
        .e("RuleType", &v.rule_type)
        .s("Name", &v.name)
        .l("TargetIps", &v.target_ips, |a| {
            Obj::new()
                .s("Ip", &a.ip)
                .s("Ipv6", &a.ipv6)
                .i("Port", a.port)
                .e("Protocol", &a.protocol)
                .done()
        })
        .s("ResolverEndpointId", &v.resolver_endpoint_id)
        .s("OwnerId", &v.owner_id)
        .e("ShareStatus", &v.share_status)
        .s("CreationTime", &v.creation_time)
        .s("ModificationTime", &v.modification_time)
        .done()
}

fn association(v: &t::ResolverRuleAssociation) -> Value {
    Obj::new()
        .s("Id", &v.id)
        .s("ResolverRuleId", &v.resolver_rule_id)
        .s("Name", &v.name)
        .s("VPCId", &v.vpc_id)
        .e("Status", &v.status)
        .s("StatusMessage", &v.status_message)
        .done()
}

/// Runs one call with all its pages; returns the file's JSON.
pub(crate) async fn fetch(client: &Client, call: Call) -> Result<Value, String> {
    let items: Vec<Value> = match call {
        Call::ResolverRules => {
            let rules: Vec<t::ResolverRule> = client
                .list_resolver_rules()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| crate::error_text(&e))?;
            rules.iter().map(rule).collect()
        }
        Call::ResolverRuleAssociations => {
            let assocs: Vec<t::ResolverRuleAssociation> = client
                .list_resolver_rule_associations()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| crate::error_text(&e))?;
            assocs.iter().map(association).collect()
        }
    };
    Ok(top(call.key(), items))
}
