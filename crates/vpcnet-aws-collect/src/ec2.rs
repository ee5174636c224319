//! The EC2 describe calls of one account and region, each with all its pages, turned
//! into the file the AWS CLI would print for it. What the CLI prints once per
//! transit gateway route table (routes, propagations, associations) is written as
//! Batfish lays it out: one item per table, `{"TransitGatewayRouteTableId": …, …}`.

use aws_sdk_ec2::types::{
    AllowedPrincipal, Filter, PrefixListEntry, TransitGatewayRoute, TransitGatewayRouteTable,
    VpcAttributeName,
};
use aws_sdk_ec2::Client;
use serde_json::{Map, Value};

use crate::json::top;
use crate::{shape, FailedCall};

/// One file of a region folder: which call makes it and the key it is printed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    SecurityGroupRules,
    NetworkAcls,
    NetworkInterfaces,
    Instances,
    VpcPeeringConnections,
    InternetGateways,
    NatGateways,
    Addresses,
    PrefixLists,
    ManagedPrefixLists,
    TransitGateways,
    TransitGatewayAttachments,
    TransitGatewayVpcAttachments,
    TransitGatewayPeeringAttachments,
    TransitGatewayRouteTables,
    TransitGatewayStaticRoutes,
    TransitGatewayPropagations,
    TransitGatewayRouteTableAssociations,
    VpcEndpoints,
    ServiceDetails,
    ServiceConfigurations,
    VpcEndpointConnections,
}

impl Call {
    pub(crate) const ALL: [Call; 26] = [
        Call::Vpcs,
        Call::Subnets,
        Call::RouteTables,
        Call::SecurityGroups,
        Call::SecurityGroupRules,
        Call::NetworkAcls,
        Call::NetworkInterfaces,
        Call::Instances,
        Call::VpcPeeringConnections,
        Call::InternetGateways,
        Call::NatGateways,
        Call::Addresses,
        Call::PrefixLists,
        Call::ManagedPrefixLists,
        Call::TransitGateways,
        Call::TransitGatewayAttachments,
        Call::TransitGatewayVpcAttachments,
        Call::TransitGatewayPeeringAttachments,
        Call::TransitGatewayRouteTables,
        Call::TransitGatewayStaticRoutes,
        Call::TransitGatewayPropagations,
        Call::TransitGatewayRouteTableAssociations,
        Call::VpcEndpoints,
        Call::ServiceDetails,
        Call::ServiceConfigurations,
        Call::VpcEndpointConnections,
    ];

    /// The top-level key of the file, which is also its name.
    ///
    /// `describe-managed-prefix-lists` prints `PrefixLists`, the same key as
    /// `describe-prefix-lists`; its lists are written under `ManagedPrefixLists`
    /// instead, with their entries embedded, which is what the snapshot loader reads.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Call::Vpcs => "Vpcs",
            Call::Subnets => "Subnets",
            Call::RouteTables => "RouteTables",
            Call::SecurityGroups => "SecurityGroups",
            Call::SecurityGroupRules => "SecurityGroupRules",
            Call::NetworkAcls => "NetworkAcls",
            Call::NetworkInterfaces => "NetworkInterfaces",
            Call::Instances => "Reservations",
            Call::VpcPeeringConnections => "VpcPeeringConnections",
            Call::InternetGateways => "InternetGateways",
            Call::NatGateways => "NatGateways",
            Call::Addresses => "Addresses",
            Call::PrefixLists => "PrefixLists",
            Call::ManagedPrefixLists => "ManagedPrefixLists",
            Call::TransitGateways => "TransitGateways",
            Call::TransitGatewayAttachments => "TransitGatewayAttachments",
            Call::TransitGatewayVpcAttachments => "TransitGatewayVpcAttachments",
            Call::TransitGatewayPeeringAttachments => "TransitGatewayPeeringAttachments",
            Call::TransitGatewayRouteTables => "TransitGatewayRouteTables",
            Call::TransitGatewayStaticRoutes => "TransitGatewayStaticRoutes",
            Call::TransitGatewayPropagations => "TransitGatewayPropagations",
            Call::TransitGatewayRouteTableAssociations => "TransitGatewayRouteTableAssociations",
            Call::VpcEndpoints => "VpcEndpoints",
            Call::ServiceDetails => "ServiceDetails",
            Call::ServiceConfigurations => "ServiceConfigurations",
            Call::VpcEndpointConnections => "VpcEndpointConnections",
        }
    }

    /// The API operation, as failures name it.
    pub(crate) fn api(self) -> &'static str {
        match self {
            Call::Vpcs => "DescribeVpcs",
            Call::Subnets => "DescribeSubnets",
            Call::RouteTables => "DescribeRouteTables",
            Call::SecurityGroups => "DescribeSecurityGroups",
            Call::SecurityGroupRules => "DescribeSecurityGroupRules",
            Call::NetworkAcls => "DescribeNetworkAcls",
            Call::NetworkInterfaces => "DescribeNetworkInterfaces",
            Call::Instances => "DescribeInstances",
            Call::VpcPeeringConnections => "DescribeVpcPeeringConnections",
            Call::InternetGateways => "DescribeInternetGateways",
            Call::NatGateways => "DescribeNatGateways",
            Call::Addresses => "DescribeAddresses",
            Call::PrefixLists => "DescribePrefixLists",
            Call::ManagedPrefixLists => "DescribeManagedPrefixLists",
            Call::TransitGateways => "DescribeTransitGateways",
            Call::TransitGatewayAttachments => "DescribeTransitGatewayAttachments",
            Call::TransitGatewayVpcAttachments => "DescribeTransitGatewayVpcAttachments",
            Call::TransitGatewayPeeringAttachments => "DescribeTransitGatewayPeeringAttachments",
            // The per-table calls start by listing the tables.
            Call::TransitGatewayRouteTables
            | Call::TransitGatewayStaticRoutes
            | Call::TransitGatewayPropagations
            | Call::TransitGatewayRouteTableAssociations => "DescribeTransitGatewayRouteTables",
            Call::VpcEndpoints => "DescribeVpcEndpoints",
            Call::ServiceDetails => "DescribeVpcEndpointServices",
            Call::ServiceConfigurations => "DescribeVpcEndpointServiceConfigurations",
            Call::VpcEndpointConnections => "DescribeVpcEndpointConnections",
        }
    }
}

/// Every item of a paginated operation, shaped; the error as text.
macro_rules! paged {
    ($client:expr, $op:ident, $shape:path) => {
        $client
            .$op()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map(|items| items.iter().map($shape).collect::<Vec<Value>>())
            .map_err(|e| crate::error_text(&e))
    };
}

/// Runs one call with all its pages; returns the file's JSON. Failures of its
/// sub-calls (per VPC, prefix list, route table or service) go into `failed`, and the
/// item they were for is written without what they would have added, or, for a route
/// table's routes, propagations or associations, not at all.
pub(crate) async fn fetch(
    client: &Client,
    call: Call,
    account: &str,
    region: &str,
    failed: &mut Vec<FailedCall>,
) -> Result<Value, String> {
    let sub = Sub {
        account,
        region,
        failed,
    };
    let items = match call {
        Call::Vpcs => vpcs(client, sub).await,
        Call::Subnets => paged!(client, describe_subnets, shape::subnet),
        Call::RouteTables => paged!(client, describe_route_tables, shape::route_table),
        Call::SecurityGroups => paged!(client, describe_security_groups, shape::security_group),
        Call::SecurityGroupRules => paged!(
            client,
            describe_security_group_rules,
            shape::security_group_rule
        ),
        Call::NetworkAcls => paged!(client, describe_network_acls, shape::network_acl),
        Call::NetworkInterfaces => {
            paged!(
                client,
                describe_network_interfaces,
                shape::network_interface
            )
        }
        Call::Instances => paged!(client, describe_instances, shape::reservation),
        Call::VpcPeeringConnections => {
            paged!(client, describe_vpc_peering_connections, shape::peering)
        }
        Call::InternetGateways => {
            paged!(client, describe_internet_gateways, shape::internet_gateway)
        }
        Call::NatGateways => paged!(client, describe_nat_gateways, shape::nat_gateway),
        // Not paginated: one call returns every address.
        Call::Addresses => client
            .describe_addresses()
            .send()
            .await
            .map(|out| out.addresses().iter().map(shape::address).collect())
            .map_err(|e| crate::error_text(&e)),
        Call::PrefixLists => paged!(client, describe_prefix_lists, shape::prefix_list),
        Call::ManagedPrefixLists => managed_prefix_lists(client, sub).await,
        Call::TransitGateways => paged!(client, describe_transit_gateways, shape::transit_gateway),
        Call::TransitGatewayAttachments => paged!(
            client,
            describe_transit_gateway_attachments,
            shape::tgw_attachment
        ),
        Call::TransitGatewayVpcAttachments => paged!(
            client,
            describe_transit_gateway_vpc_attachments,
            shape::tgw_vpc_attachment
        ),
        Call::TransitGatewayPeeringAttachments => paged!(
            client,
            describe_transit_gateway_peering_attachments,
            shape::tgw_peering_attachment
        ),
        Call::TransitGatewayRouteTables => paged!(
            client,
            describe_transit_gateway_route_tables,
            shape::tgw_route_table
        ),
        Call::TransitGatewayStaticRoutes
        | Call::TransitGatewayPropagations
        | Call::TransitGatewayRouteTableAssociations => per_tgw_table(client, call, sub).await,
        Call::VpcEndpoints => paged!(client, describe_vpc_endpoints, shape::vpc_endpoint),
        Call::ServiceDetails => service_details(client).await,
        Call::ServiceConfigurations => service_configurations(client, sub).await,
        Call::VpcEndpointConnections => endpoint_connections(client).await,
    }?;
    Ok(top(call.key(), items))
}

/// Where the failures of a call's sub-calls (one per VPC, table, service, …) go.
pub(crate) struct Sub<'a> {
    pub(crate) account: &'a str,
    pub(crate) region: &'a str,
    pub(crate) failed: &'a mut Vec<FailedCall>,
}

impl Sub<'_> {
    /// Records that `call` (an operation and what it was for) failed.
    pub(crate) fn fail(&mut self, call: String, error: String) {
        self.failed.push(FailedCall {
            account: self.account.to_owned(),
            region: self.region.to_owned(),
            call,
            error,
        });
    }
}

/// `describe-vpcs`, each VPC with the DNS attributes of `describe-vpc-attribute`
/// (which `describe-vpcs` does not print, and private hosted zones depend on). When
/// an attribute cannot be read, the rest are not asked for (the cause, a missing
/// permission say, is the same for all): that is recorded once, and those VPCs are
/// written without them.
async fn vpcs(client: &Client, mut sub: Sub<'_>) -> Result<Vec<Value>, String> {
    let vpcs: Vec<_> = client
        .describe_vpcs()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| crate::error_text(&e))?;
    let mut out = Vec::with_capacity(vpcs.len());
    let mut failed: Option<(String, String)> = None;
    let mut without = 0;
    for v in &vpcs {
        let mut attrs = [None, None];
        if let (Some(id), None) = (&v.vpc_id, &failed) {
            for (slot, name) in attrs.iter_mut().zip([
                VpcAttributeName::EnableDnsSupport,
                VpcAttributeName::EnableDnsHostnames,
            ]) {
                let got = client
                    .describe_vpc_attribute()
                    .vpc_id(id)
                    .attribute(name.clone())
                    .send()
                    .await;
                match got {
                    Ok(o) => {
                        let value = match name {
                            VpcAttributeName::EnableDnsSupport => o.enable_dns_support,
                            _ => o.enable_dns_hostnames,
                        };
                        *slot = value.and_then(|a| a.value);
                    }
                    Err(e) => {
                        let call = format!("DescribeVpcAttribute {id} {}", name.as_str());
                        failed = Some((call, crate::error_text(&e)));
                        break;
                    }
                }
            }
        }
        if failed.is_some() {
            without += 1;
        }
        out.push(shape::vpc(v, attrs[0], attrs[1]));
    }
    if let Some((call, error)) = failed {
        let call = match without - 1 {
            0 => call,
            1 => format!("{call} (and 1 more VPC, not asked)"),
            n => format!("{call} (and {n} more VPCs, not asked)"),
        };
        sub.fail(call, error);
    }
    Ok(out)
}

/// The routes, propagations or associations of every transit gateway route table,
/// one item per table; a table whose call fails is left out and recorded.
async fn per_tgw_table(
    client: &Client,
    call: Call,
    mut sub: Sub<'_>,
) -> Result<Vec<Value>, String> {
    let tables: Vec<TransitGatewayRouteTable> = client
        .describe_transit_gateway_route_tables()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| crate::error_text(&e))?;
    let mut out = Vec::with_capacity(tables.len());
    for table in &tables {
        let Some(id) = table.transit_gateway_route_table_id.as_deref() else {
            continue;
        };
        if matches!(
            table.state.as_ref().map(|s| s.as_str()),
            Some("deleted" | "deleting")
        ) {
            continue;
        }
        let mut item = Map::new();
        item.insert("TransitGatewayRouteTableId".to_owned(), Value::from(id));
        let got: Result<(), (String, String)> = match call {
            Call::TransitGatewayStaticRoutes => {
                search_routes(client, id).await.map(|(routes, more)| {
                    item.insert(
                        "Routes".to_owned(),
                        Value::Array(routes.iter().map(shape::tgw_route).collect()),
                    );
                    if let Some(more) = more {
                        item.insert("AdditionalRoutesAvailable".to_owned(), Value::Bool(more));
                    }
                })
            }
            Call::TransitGatewayPropagations => client
                .get_transit_gateway_route_table_propagations()
                .transit_gateway_route_table_id(id)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map(|ps: Vec<_>| {
                    item.insert(
                        "TransitGatewayRouteTablePropagations".to_owned(),
                        Value::Array(ps.iter().map(shape::tgw_propagation).collect()),
                    );
                })
                .map_err(|e| {
                    (
                        "GetTransitGatewayRouteTablePropagations".to_owned(),
                        crate::error_text(&e),
                    )
                }),
            _ => client
                .get_transit_gateway_route_table_associations()
                .transit_gateway_route_table_id(id)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map(|xs: Vec<_>| {
                    item.insert(
                        "Associations".to_owned(),
                        Value::Array(xs.iter().map(shape::tgw_association).collect()),
                    );
                })
                .map_err(|e| {
                    (
                        "GetTransitGatewayRouteTableAssociations".to_owned(),
                        crate::error_text(&e),
                    )
                }),
        };
        match got {
            Ok(()) => out.push(Value::Object(item)),
            Err((op, error)) => sub.fail(format!("{op} {id}"), error),
        }
    }
    Ok(out)
}

/// Every active and blackhole route of a table (`search-transit-gateway-routes`
/// needs a filter), and whether AWS said more were available than it listed.
async fn search_routes(
    client: &Client,
    table: &str,
) -> Result<(Vec<TransitGatewayRoute>, Option<bool>), (String, String)> {
    let fail = |e: String| ("SearchTransitGatewayRoutes".to_owned(), e);
    let mut pages = client
        .search_transit_gateway_routes()
        .transit_gateway_route_table_id(table)
        .filters(
            Filter::builder()
                .name("state")
                .values("active")
                .values("blackhole")
                .build(),
        )
        .into_paginator()
        .send();
    let (mut routes, mut more) = (Vec::new(), None);
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| fail(crate::error_text(&e)))?;
        routes.extend(page.routes.unwrap_or_default());
        more = page.additional_routes_available.or(more);
    }
    Ok((routes, more))
}

/// `describe-vpc-endpoint-connections`: the endpoints connected to the account's own
/// endpoint services. An account without endpoint services has none, and is not asked.
async fn endpoint_connections(client: &Client) -> Result<Vec<Value>, String> {
    let services = client
        .describe_vpc_endpoint_service_configurations()
        .max_results(5)
        .send()
        .await
        .map_err(|e| format!("listing the endpoint services: {}", crate::error_text(&e)))?;
    if services.service_configurations().is_empty() {
        return Ok(Vec::new());
    }
    paged!(
        client,
        describe_vpc_endpoint_connections,
        shape::vpc_endpoint_connection
    )
}

/// `describe-vpc-endpoint-services`: the services endpoints can be made to (AWS's and
/// other accounts'), paged by hand (the SDK has no paginator for it).
async fn service_details(client: &Client) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_vpc_endpoint_services()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| crate::error_text(&e))?;
        out.extend(
            page.service_details
                .unwrap_or_default()
                .iter()
                .map(shape::service_detail),
        );
        match page.next_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(out),
        }
    }
}

/// `describe-vpc-endpoint-service-configurations`, each service with who may connect
/// to it (`describe-vpc-endpoint-service-permissions`).
async fn service_configurations(client: &Client, mut sub: Sub<'_>) -> Result<Vec<Value>, String> {
    let services: Vec<_> = client
        .describe_vpc_endpoint_service_configurations()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| crate::error_text(&e))?;
    let mut out = Vec::with_capacity(services.len());
    for s in &services {
        let principals: Option<Vec<AllowedPrincipal>> = match &s.service_id {
            Some(id) => {
                let got = client
                    .describe_vpc_endpoint_service_permissions()
                    .service_id(id)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await;
                match got {
                    Ok(ps) => Some(ps),
                    Err(e) => {
                        sub.fail(
                            format!("DescribeVpcEndpointServicePermissions {id}"),
                            crate::error_text(&e),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        out.push(shape::service_configuration(s, principals.as_deref()));
    }
    Ok(out)
}

async fn managed_prefix_lists(client: &Client, mut sub: Sub<'_>) -> Result<Vec<Value>, String> {
    let lists: Vec<_> = client
        .describe_managed_prefix_lists()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| crate::error_text(&e))?;
    let mut out = Vec::with_capacity(lists.len());
    for pl in &lists {
        let entries: Option<Vec<PrefixListEntry>> = match &pl.prefix_list_id {
            Some(id) => {
                let got = client
                    .get_managed_prefix_list_entries()
                    .prefix_list_id(id)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await;
                match got {
                    Ok(entries) => Some(entries),
                    Err(e) => {
                        sub.fail(
                            format!("GetManagedPrefixListEntries {id}"),
                            crate::error_text(&e),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        out.push(shape::managed_prefix_list(pl, entries.as_deref()));
    }
    Ok(out)
}
