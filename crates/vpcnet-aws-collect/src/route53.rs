//! Route 53, once per account: `list-hosted-zones`, then for each zone
//! `get-hosted-zone` (its `VPCs`) and `list-resource-record-sets`, written as one
//! `{"HostedZones": [{…zone…, "VPCs": […], "ResourceRecordSets": […]}]}`.
//!
//! Calls run one after another: Route 53 allows five requests a second per account,
//! so running them side by side would only buy throttling.

use aws_sdk_route53::types as t;
use aws_sdk_route53::Client;
use serde_json::Value;

use crate::json::{top, wire, Obj};
use crate::FailedCall;

wire!(
    t::RrType,
    t::VpcRegion,
    t::ResourceRecordSetRegion,
    t::ResourceRecordSetFailover,
);

fn record_set(v: &t::ResourceRecordSet) -> Value {
    Obj::new()
        .s_req("Name", &v.name)
        .s_req("Type", v.r#type.as_str())
        .s("SetIdentifier", &v.set_identifier)
        .i("Weight", v.weight)
        .e("Region", &v.region)
        .o("GeoLocation", &v.geo_location, |g| {
            Obj::new()
                .s("ContinentCode", &g.continent_code)
                .s("CountryCode", &g.country_code)
                .s("SubdivisionCode", &g.subdivision_code)
                .done()
        })
        .e("Failover", &v.failover)
        .b("MultiValueAnswer", v.multi_value_answer)
        .i("TTL", v.ttl)
        .l("ResourceRecords", &v.resource_records, |r| {
            Obj::new().s_req("Value", &r.value).done()
        })
        .o("AliasTarget", &v.alias_target, |a| {
            Obj::new()
                .s_req("HostedZoneId", &a.hosted_zone_id)
                .s_req("DNSName", &a.dns_name)
                .b("EvaluateTargetHealth", Some(a.evaluate_target_health))
                .done()
        })
        .s("HealthCheckId", &v.health_check_id)
        .s("TrafficPolicyInstanceId", &v.traffic_policy_instance_id)
        .o("CidrRoutingConfig", &v.cidr_routing_config, |c| {
            Obj::new()
                .s_req("CollectionId", &c.collection_id)
                .s_req("LocationName", &c.location_name)
                .done()
        })
        .done()
}

fn zone(
    z: &t::HostedZone,
    vpcs: Option<&[t::Vpc]>,
    records: Option<&[t::ResourceRecordSet]>,
) -> Value {
    Obj::new()
        .s_req("Id", &z.id)
        .s_req("Name", &z.name)
        .s_req("CallerReference", &z.caller_reference)
        .o("Config", &z.config, |c| {
            Obj::new()
                .s("Comment", &c.comment)
                .b("PrivateZone", Some(c.private_zone))
                .done()
        })
        .i("ResourceRecordSetCount", z.resource_record_set_count)
        .o("LinkedService", &z.linked_service, |l| {
            Obj::new()
                .s("ServicePrincipal", &l.service_principal)
                .s("Description", &l.description)
                .done()
        })
        .v(
            "VPCs",
            vpcs.map(|vs| {
                Value::Array(
                    vs.iter()
                        .map(|v| {
                            Obj::new()
                                .e("VPCRegion", &v.vpc_region)
                                .s("VPCId", &v.vpc_id)
                                .done()
                        })
                        .collect(),
                )
            }),
        )
        .v(
            "ResourceRecordSets",
            records.map(|rs| Value::Array(rs.iter().map(record_set).collect())),
        )
        .done()
}

/// Every record set of a zone: `list-resource-record-sets` pages by the next
/// record's name, type and set identifier rather than by a token.
async fn record_sets(client: &Client, zone_id: &str) -> Result<Vec<t::ResourceRecordSet>, String> {
    let mut out = Vec::new();
    let mut next: Option<(String, Option<t::RrType>, Option<String>)> = None;
    loop {
        let mut req = client.list_resource_record_sets().hosted_zone_id(zone_id);
        if let Some((name, kind, ident)) = next.take() {
            req = req
                .start_record_name(name)
                .set_start_record_type(kind)
                .set_start_record_identifier(ident);
        }
        let page = req.send().await.map_err(|e| crate::error_text(&e))?;
        out.extend(page.resource_record_sets);
        match (page.is_truncated, page.next_record_name) {
            (true, Some(name)) => {
                next = Some((name, page.next_record_type, page.next_record_identifier));
            }
            _ => return Ok(out),
        }
    }
}

/// The hosted zones of the account, with their VPCs and records. `Err` when the
/// zones cannot be listed at all; a zone whose details fail is kept without them,
/// and the failure is added to `failed`.
pub(crate) async fn hosted_zones(
    client: &Client,
    account: &str,
    failed: &mut Vec<FailedCall>,
) -> Result<Value, String> {
    let zones: Vec<t::HostedZone> = client
        .list_hosted_zones()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| crate::error_text(&e))?;
    let mut items = Vec::with_capacity(zones.len());
    let fail = |call: &str, zone: &str, error: String| FailedCall {
        account: account.to_owned(),
        region: crate::GLOBAL.to_owned(),
        call: format!("{call} {zone}"),
        error,
    };
    for z in &zones {
        let vpcs = match client.get_hosted_zone().id(&z.id).send().await {
            Ok(out) => Some(out.vpcs.unwrap_or_default()),
            Err(e) => {
                failed.push(fail("GetHostedZone", &z.id, crate::error_text(&e)));
                None
            }
        };
        let records = match record_sets(client, &z.id).await {
            Ok(r) => Some(r),
            Err(e) => {
                failed.push(fail("ListResourceRecordSets", &z.id, e));
                None
            }
        };
        items.push(zone(z, vpcs.as_deref(), records.as_deref()));
    }
    Ok(top("HostedZones", items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_shape() {
        let z = t::HostedZone::builder()
            .id("/hostedzone/Z1")
            .name("corp.internal.")
            .caller_reference("ref")
            .config(t::HostedZoneConfig::builder().private_zone(true).build())
            .build()
            .unwrap();
        let vpc = t::Vpc::builder()
            .vpc_region(t::VpcRegion::UsEast1)
            .vpc_id("vpc-1")
            .build();
        let rr = t::ResourceRecordSet::builder()
            .name("db.corp.internal.")
            .r#type(t::RrType::A)
            .ttl(300)
            .resource_records(
                t::ResourceRecord::builder()
                    .value("10.0.1.5")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(
            zone(&z, Some(&[vpc]), Some(&[rr])).to_string(),
            r#"{"Id":"/hostedzone/Z1","Name":"corp.internal.","CallerReference":"ref","Config":{"PrivateZone":true},"VPCs":[{"VPCRegion":"us-east-1","VPCId":"vpc-1"}],"ResourceRecordSets":[{"Name":"db.corp.internal.","Type":"A","TTL":300,"ResourceRecords":[{"Value":"10.0.1.5"}]}]}"#
        );
    }
}
