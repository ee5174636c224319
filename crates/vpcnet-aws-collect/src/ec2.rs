//! The EC2 describe calls of one account and region, each with all its pages, turned
//! into the file the AWS CLI would print for it.

use aws_sdk_ec2::types::PrefixListEntry;
use aws_sdk_ec2::Client;
use serde_json::Value;

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
}

impl Call {
    pub(crate) const ALL: [Call; 14] = [
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

/// Runs one call with all its pages; returns the file's JSON. Failures of the
/// per-list `GetManagedPrefixListEntries` calls go into `failed` and leave that list
/// without `Entries`.
pub(crate) async fn fetch(
    client: &Client,
    call: Call,
    account: &str,
    region: &str,
    failed: &mut Vec<FailedCall>,
) -> Result<Value, String> {
    let items = match call {
        Call::Vpcs => paged!(client, describe_vpcs, shape::vpc),
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
        Call::ManagedPrefixLists => managed_prefix_lists(client, account, region, failed).await,
    }?;
    Ok(top(call.key(), items))
}

async fn managed_prefix_lists(
    client: &Client,
    account: &str,
    region: &str,
    failed: &mut Vec<FailedCall>,
) -> Result<Vec<Value>, String> {
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
                        failed.push(FailedCall {
                            account: account.to_owned(),
                            region: region.to_owned(),
                            call: format!("GetManagedPrefixListEntries {id}"),
                            error: crate::error_text(&e),
                        });
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
