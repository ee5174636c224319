//! Texts to wire structs: each file's top-level keys, routed by name (never by file
//! name), each known key's list read item by item into a [`Parsed`], in file order.
//! What is wrong with a file is kept with the file and reported in file order at the
//! end ([`Reader::finish`]), whatever order the files were parsed in.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use vpcnet_model::{Diagnostic, Location};

use crate::lenient::{self, escape, Lenient, Str};
use crate::raw;
use crate::{pos, SnapshotReport};

/// The top-level keys vpcnet reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    SecurityGroupRules,
    NetworkAcls,
    NetworkInterfaces,
    Reservations,
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
    ServiceConfigurations,
    VpcEndpointServices,
    ServiceDetails,
    VpcEndpointConnections,
    LoadBalancers,
    LoadBalancerListeners,
    Listeners,
    Rules,
    TargetGroups,
    LoadBalancerTargetHealth,
    LoadBalancerAttributes,
    HostedZones,
    ResolverRules,
    ResolverRuleAssociations,
}

impl Key {
    const ALL: [Key; 37] = [
        Key::Vpcs,
        Key::Subnets,
        Key::RouteTables,
        Key::SecurityGroups,
        Key::SecurityGroupRules,
        Key::NetworkAcls,
        Key::NetworkInterfaces,
        Key::Reservations,
        Key::VpcPeeringConnections,
        Key::InternetGateways,
        Key::NatGateways,
        Key::Addresses,
        Key::PrefixLists,
        Key::ManagedPrefixLists,
        Key::TransitGateways,
        Key::TransitGatewayAttachments,
        Key::TransitGatewayVpcAttachments,
        Key::TransitGatewayPeeringAttachments,
        Key::TransitGatewayRouteTables,
        Key::TransitGatewayStaticRoutes,
        Key::TransitGatewayPropagations,
        Key::TransitGatewayRouteTableAssociations,
        Key::VpcEndpoints,
        Key::ServiceConfigurations,
        Key::VpcEndpointServices,
        Key::ServiceDetails,
        Key::VpcEndpointConnections,
        Key::LoadBalancers,
        Key::LoadBalancerListeners,
        Key::Listeners,
        Key::Rules,
        Key::TargetGroups,
        Key::LoadBalancerTargetHealth,
        Key::LoadBalancerAttributes,
        Key::HostedZones,
        Key::ResolverRules,
        Key::ResolverRuleAssociations,
    ];

    /// The key as the AWS CLI prints it (or as Batfish's layout names it).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Vpcs => "Vpcs",
            Key::Subnets => "Subnets",
            Key::RouteTables => "RouteTables",
            Key::SecurityGroups => "SecurityGroups",
            Key::SecurityGroupRules => "SecurityGroupRules",
            Key::NetworkAcls => "NetworkAcls",
            Key::NetworkInterfaces => "NetworkInterfaces",
            Key::Reservations => "Reservations",
            Key::VpcPeeringConnections => "VpcPeeringConnections",
            Key::InternetGateways => "InternetGateways",
            Key::NatGateways => "NatGateways",
            Key::Addresses => "Addresses",
            Key::PrefixLists => "PrefixLists",
            Key::ManagedPrefixLists => "ManagedPrefixLists",
            Key::TransitGateways => "TransitGateways",
            Key::TransitGatewayAttachments => "TransitGatewayAttachments",
            Key::TransitGatewayVpcAttachments => "TransitGatewayVpcAttachments",
            Key::TransitGatewayPeeringAttachments => "TransitGatewayPeeringAttachments",
            Key::TransitGatewayRouteTables => "TransitGatewayRouteTables",
            Key::TransitGatewayStaticRoutes => "TransitGatewayStaticRoutes",
            Key::TransitGatewayPropagations => "TransitGatewayPropagations",
            Key::TransitGatewayRouteTableAssociations => "TransitGatewayRouteTableAssociations",
            Key::VpcEndpoints => "VpcEndpoints",
            Key::ServiceConfigurations => "ServiceConfigurations",
            Key::VpcEndpointServices => "VpcEndpointServices",
            Key::ServiceDetails => "ServiceDetails",
            Key::VpcEndpointConnections => "VpcEndpointConnections",
            Key::LoadBalancers => "LoadBalancers",
            Key::LoadBalancerListeners => "LoadBalancerListeners",
            Key::Listeners => "Listeners",
            Key::Rules => "Rules",
            Key::TargetGroups => "TargetGroups",
            Key::LoadBalancerTargetHealth => "LoadBalancerTargetHealth",
            Key::LoadBalancerAttributes => "LoadBalancerAttributes",
            Key::HostedZones => "HostedZones",
            Key::ResolverRules => "ResolverRules",
            Key::ResolverRuleAssociations => "ResolverRuleAssociations",
        }
    }

    /// Where the list comes from, for messages: the command that prints it, or how
    /// Batfish's layout gathers it.
    fn source(self) -> &'static str {
        match self {
            Key::Vpcs => "as `aws ec2 describe-vpcs` prints it",
            Key::Subnets => "as `aws ec2 describe-subnets` prints it",
            Key::RouteTables => "as `aws ec2 describe-route-tables` prints it",
            Key::SecurityGroups => "as `aws ec2 describe-security-groups` prints it",
            Key::SecurityGroupRules => "as `aws ec2 describe-security-group-rules` prints it",
            Key::NetworkAcls => "as `aws ec2 describe-network-acls` prints it",
            Key::NetworkInterfaces => "as `aws ec2 describe-network-interfaces` prints it",
            Key::Reservations => "as `aws ec2 describe-instances` prints it",
            Key::VpcPeeringConnections => {
                "as `aws ec2 describe-vpc-peering-connections` prints it"
            }
            Key::InternetGateways => "as `aws ec2 describe-internet-gateways` prints it",
            Key::NatGateways => "as `aws ec2 describe-nat-gateways` prints it",
            Key::Addresses => "as `aws ec2 describe-addresses` prints it",
            Key::PrefixLists => "as `aws ec2 describe-prefix-lists` prints it",
            Key::ManagedPrefixLists => "as `aws ec2 describe-managed-prefix-lists` prints it",
            Key::TransitGateways => "as `aws ec2 describe-transit-gateways` prints it",
            Key::TransitGatewayAttachments => {
                "as `aws ec2 describe-transit-gateway-attachments` prints it"
            }
            Key::TransitGatewayVpcAttachments => {
                "as `aws ec2 describe-transit-gateway-vpc-attachments` prints it"
            }
            Key::TransitGatewayPeeringAttachments => {
                "as `aws ec2 describe-transit-gateway-peering-attachments` prints it"
            }
            Key::TransitGatewayRouteTables => {
                "as `aws ec2 describe-transit-gateway-route-tables` prints it"
            }
            Key::TransitGatewayStaticRoutes => {
                "one item per route table with the `Routes` `aws ec2 search-transit-gateway-routes` prints, as Batfish reads it"
            }
            Key::TransitGatewayPropagations => {
                "one item per route table with what `aws ec2 get-transit-gateway-route-table-propagations` prints, as Batfish reads it"
            }
            Key::TransitGatewayRouteTableAssociations => {
                "one item per route table with what `aws ec2 get-transit-gateway-route-table-associations` prints"
            }
            Key::VpcEndpoints => "as `aws ec2 describe-vpc-endpoints` prints it",
            Key::ServiceConfigurations | Key::VpcEndpointServices => {
                "as `aws ec2 describe-vpc-endpoint-service-configurations` prints it"
            }
            Key::ServiceDetails => "as `aws ec2 describe-vpc-endpoint-services` prints it",
            Key::VpcEndpointConnections => {
                "as `aws ec2 describe-vpc-endpoint-connections` prints it"
            }
            Key::LoadBalancers => "as `aws elbv2 describe-load-balancers` prints it",
            Key::LoadBalancerListeners => {
                "one item per load balancer with the `Listeners` `aws elbv2 describe-listeners` prints, as Batfish reads it"
            }
            Key::Listeners => "as `aws elbv2 describe-listeners` prints it",
            Key::Rules => "as `aws elbv2 describe-rules` prints it",
            Key::TargetGroups => "as `aws elbv2 describe-target-groups` prints it",
            Key::LoadBalancerTargetHealth => {
                "one item per target group with what `aws elbv2 describe-target-health` prints, as Batfish reads it"
            }
            Key::LoadBalancerAttributes => {
                "one item per load balancer with what `aws elbv2 describe-load-balancer-attributes` prints, as Batfish reads it"
            }
            Key::HostedZones => "as `aws route53 list-hosted-zones` prints it",
            Key::ResolverRules => "as `aws route53resolver list-resolver-rules` prints it",
            Key::ResolverRuleAssociations => {
                "as `aws route53resolver list-resolver-rule-associations` prints it"
            }
        }
    }

    /// What one item is, for messages.
    fn noun(self) -> &'static str {
        match self {
            Key::Vpcs => "VPC",
            Key::Subnets => "subnet",
            Key::RouteTables => "route table",
            Key::SecurityGroups => "security group",
            Key::SecurityGroupRules => "security group rule",
            Key::NetworkAcls => "network ACL",
            Key::NetworkInterfaces => "network interface",
            Key::Reservations => "reservation",
            Key::VpcPeeringConnections => "peering connection",
            Key::InternetGateways => "internet gateway",
            Key::NatGateways => "NAT gateway",
            Key::Addresses => "address",
            Key::PrefixLists | Key::ManagedPrefixLists => "prefix list",
            Key::TransitGateways => "transit gateway",
            Key::TransitGatewayAttachments
            | Key::TransitGatewayVpcAttachments
            | Key::TransitGatewayPeeringAttachments => "transit gateway attachment",
            Key::TransitGatewayRouteTables => "transit gateway route table",
            Key::TransitGatewayStaticRoutes => "transit gateway route table's routes",
            Key::TransitGatewayPropagations => "transit gateway route table's propagations",
            Key::TransitGatewayRouteTableAssociations => {
                "transit gateway route table's associations"
            }
            Key::VpcEndpoints => "VPC endpoint",
            Key::ServiceConfigurations | Key::VpcEndpointServices | Key::ServiceDetails => {
                "endpoint service"
            }
            Key::VpcEndpointConnections => "endpoint connection",
            Key::LoadBalancers => "load balancer",
            Key::LoadBalancerListeners | Key::Listeners => "listener",
            Key::Rules => "listener rule",
            Key::TargetGroups => "target group",
            Key::LoadBalancerTargetHealth => "target group's targets",
            Key::LoadBalancerAttributes => "load balancer's attributes",
            Key::HostedZones => "hosted zone",
            Key::ResolverRules => "Resolver rule",
            Key::ResolverRuleAssociations => "Resolver rule association",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == s)
    }

    fn bit(self) -> u64 {
        1 << self as u64
    }
}

/// A set of keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys(u64);

impl Keys {
    fn insert(&mut self, k: Key) {
        self.0 |= k.bit();
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set holds a key not in `keys`.
    pub(crate) fn outside(self, keys: &[Key]) -> bool {
        let inside = keys.iter().fold(0, |acc, k| acc | k.bit());
        self.0 & !inside != 0
    }
}

/// Keys of AWS output that vpcnet knows of but does not model yet.
const LATER: &[&str] = &[
    "LoadBalancerDescriptions",
    "VpnGateways",
    "VpnConnections",
    "CustomerGateways",
    "EgressOnlyInternetGateways",
    "DBInstances",
    "DomainStatusList",
    "DirectConnectGateways",
    "DirectConnectGatewayAssociations",
    "VirtualInterfaces",
    "ResolverEndpoints",
];

/// Keys that come with the output of a command vpcnet reads and say nothing about
/// the network (paging sizes, the bare list of service names beside their details).
pub(crate) const METADATA: &[&str] = &[
    "MaxResults",
    "MaxItems",
    "IsTruncated",
    "Marker",
    "ServiceNames",
    "AdditionalRoutesAvailable",
];

/// Keys that are the output of a command vpcnet reads but do not say what they
/// belong to; the message says how to lay them out.
fn unplaced(key: &str) -> Option<&'static str> {
    Some(match key {
        "Routes" => {
            "`Routes` as `aws ec2 search-transit-gateway-routes` prints it does not say which route table it lists; give each route table's under `TransitGatewayStaticRoutes` with its `TransitGatewayRouteTableId`, as Batfish reads it; skipped"
        }
        "TransitGatewayRouteTablePropagations" => {
            "`TransitGatewayRouteTablePropagations` does not say which route table it lists; give each route table's under `TransitGatewayPropagations` with its `TransitGatewayRouteTableId`, as Batfish reads it; skipped"
        }
        "Associations" => {
            "`Associations` (as `aws ec2 get-transit-gateway-route-table-associations` prints it) does not say which route table it lists; give each route table's under `TransitGatewayRouteTableAssociations` with its `TransitGatewayRouteTableId`; skipped"
        }
        "TargetHealthDescriptions" => {
            "`TargetHealthDescriptions` does not say which target group it lists; give each group's under `LoadBalancerTargetHealth` with its `TargetGroupArn`, as Batfish reads it; skipped"
        }
        "Attributes" => {
            "`Attributes` does not say which load balancer it describes; give each one's under `LoadBalancerAttributes` with its `LoadBalancerArn`, as Batfish reads it; skipped"
        }
        "AllowedPrincipals" => {
            "`AllowedPrincipals` does not say which endpoint service it lists; give them inside the service's item of `ServiceConfigurations`; skipped"
        }
        "ResourceRecordSets" => {
            "`ResourceRecordSets` does not say which hosted zone it lists; give them inside the zone's item of `HostedZones`; skipped"
        }
        _ => return None,
    })
}

/// One file's place in the snapshot.
#[derive(Debug)]
pub(crate) struct FileInfo {
    /// As shown in diagnostics.
    pub(crate) path: String,
    /// Index into the scopes.
    pub(crate) scope: usize,
}

/// One account/region folder.
#[derive(Debug)]
pub(crate) struct Scope {
    pub(crate) account: Option<String>,
    pub(crate) region: String,
}

/// What the files of an account/region folder hold, learnt as they are parsed.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    /// The known keys found there (an empty list counts: AWS said there are none).
    pub(crate) keys: BTreeSet<Key>,
    /// How many VPCs its files list.
    pub(crate) vpcs: usize,
}

impl Scope {
    /// `account A region R`, or `region R` for the layout without accounts.
    pub(crate) fn label(&self) -> String {
        match &self.account {
            Some(a) => format!("account {a} region {}", self.region),
            None => format!("region {}", self.region),
        }
    }
}

/// An item and where it came from: its file and its index in the key's list.
#[derive(Debug)]
pub(crate) struct At<T> {
    pub(crate) file: usize,
    pub(crate) index: usize,
    pub(crate) v: T,
}

/// The items of known keys of some files (a key's files, or all), in file order.
#[derive(Debug, Default)]
pub(crate) struct Parsed<'a> {
    pub(crate) vpcs: Vec<At<raw::Vpc<'a>>>,
    pub(crate) subnets: Vec<At<raw::Subnet<'a>>>,
    pub(crate) route_tables: Vec<At<raw::RouteTable<'a>>>,
    pub(crate) security_groups: Vec<At<raw::SecurityGroup<'a>>>,
    pub(crate) sg_rules: Vec<At<raw::SgRule<'a>>>,
    pub(crate) network_acls: Vec<At<raw::NetworkAcl<'a>>>,
    pub(crate) enis: Vec<At<raw::Eni<'a>>>,
    pub(crate) reservations: Vec<At<raw::Reservation<'a>>>,
    pub(crate) peerings: Vec<At<raw::Peering<'a>>>,
    pub(crate) igws: Vec<At<raw::InternetGateway<'a>>>,
    pub(crate) nats: Vec<At<raw::NatGateway<'a>>>,
    pub(crate) addresses: Vec<At<raw::Address<'a>>>,
    pub(crate) prefix_lists: Vec<At<raw::PrefixList<'a>>>,
    pub(crate) managed_prefix_lists: Vec<At<raw::ManagedPrefixList<'a>>>,
    pub(crate) tgws: Vec<At<raw::TransitGateway<'a>>>,
    pub(crate) tgw_attachments: Vec<At<raw::TgwAttachment<'a>>>,
    pub(crate) tgw_vpc_attachments: Vec<At<raw::TgwVpcAttachment<'a>>>,
    pub(crate) tgw_peering_attachments: Vec<At<raw::TgwPeeringAttachment<'a>>>,
    pub(crate) tgw_route_tables: Vec<At<raw::TgwRouteTable<'a>>>,
    pub(crate) tgw_routes: Vec<At<raw::TgwTableRoutes<'a>>>,
    pub(crate) tgw_propagations: Vec<At<raw::TgwTablePropagations<'a>>>,
    pub(crate) tgw_associations: Vec<At<raw::TgwTableAssociations<'a>>>,
    pub(crate) endpoints: Vec<At<raw::VpcEndpoint<'a>>>,
    pub(crate) service_configs: Vec<At<raw::ServiceConfiguration<'a>>>,
    pub(crate) endpoint_services: Vec<At<raw::ServiceConfiguration<'a>>>,
    pub(crate) service_details: Vec<At<raw::ServiceDetail<'a>>>,
    pub(crate) endpoint_connections: Vec<At<raw::VpcEndpointConnection<'a>>>,
    pub(crate) lbs: Vec<At<raw::LoadBalancer<'a>>>,
    pub(crate) lb_listeners: Vec<At<raw::Listener<'a>>>,
    pub(crate) listeners: Vec<At<raw::Listener<'a>>>,
    pub(crate) rules: Vec<At<raw::Rule<'a>>>,
    pub(crate) target_groups: Vec<At<raw::TargetGroup<'a>>>,
    pub(crate) target_health: Vec<At<raw::TargetHealthSet<'a>>>,
    pub(crate) lb_attributes: Vec<At<raw::LbAttributes<'a>>>,
    pub(crate) zones: Vec<At<raw::HostedZone<'a>>>,
    pub(crate) resolver_rules: Vec<At<raw::ResolverRule<'a>>>,
    pub(crate) resolver_associations: Vec<At<raw::ResolverRuleAssociation<'a>>>,
}

/// A file's top level: every key with its value's text, in order.
struct TopLevel<'a>(Vec<(Str<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object as the AWS CLI prints it, such as `{\"Vpcs\": [...]}`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    out.push((key, value));
                }
                Ok(TopLevel(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// How many items an unknown key holds: the length of a list, else 1.
struct AnyCount(usize);

impl<'de> Deserialize<'de> for AnyCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyCount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyCount, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(AnyCount(n))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyCount, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyCount(1))
            }

            fn visit_bool<E>(self, _: bool) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_i64<E>(self, _: i64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_u64<E>(self, _: u64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_f64<E>(self, _: f64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_str<E>(self, _: &str) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_unit<E>(self) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }
        }
        d.deserialize_any(V)
    }
}

/// A whole file read in one pass, strictly: the happy path. Items carry file 0 until
/// [`Parsed::absorb`] places them.
struct FastFile<'a> {
    /// Every key in order, with how many items it holds.
    keys: Vec<(Str<'a>, usize)>,
    parsed: Parsed<'a>,
}

impl<'de> Deserialize<'de> for FastFile<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FastFile<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastFile<'de>, A::Error> {
                let mut keys = Vec::new();
                let mut parsed = Parsed::default();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    macro_rules! read {
                        ($field:ident) => {{
                            let items: Vec<_> = map.next_value()?;
                            let n = items.len();
                            parsed.$field.extend(
                                items.into_iter().enumerate().map(|(index, v)| At {
                                    file: 0,
                                    index,
                                    v,
                                }),
                            );
                            n
                        }};
                    }
                    let n = match Key::parse(&key) {
                        Some(Key::Vpcs) => read!(vpcs),
                        Some(Key::Subnets) => read!(subnets),
                        Some(Key::RouteTables) => read!(route_tables),
                        Some(Key::SecurityGroups) => read!(security_groups),
                        Some(Key::SecurityGroupRules) => read!(sg_rules),
                        Some(Key::NetworkAcls) => read!(network_acls),
                        Some(Key::NetworkInterfaces) => read!(enis),
                        Some(Key::Reservations) => read!(reservations),
                        Some(Key::VpcPeeringConnections) => read!(peerings),
                        Some(Key::InternetGateways) => read!(igws),
                        Some(Key::NatGateways) => read!(nats),
                        Some(Key::Addresses) => read!(addresses),
                        Some(Key::PrefixLists) => read!(prefix_lists),
                        Some(Key::ManagedPrefixLists) => read!(managed_prefix_lists),
                        Some(Key::TransitGateways) => read!(tgws),
                        Some(Key::TransitGatewayAttachments) => read!(tgw_attachments),
                        Some(Key::TransitGatewayVpcAttachments) => read!(tgw_vpc_attachments),
                        Some(Key::TransitGatewayPeeringAttachments) => {
                            read!(tgw_peering_attachments)
                        }
                        Some(Key::TransitGatewayRouteTables) => read!(tgw_route_tables),
                        Some(Key::TransitGatewayStaticRoutes) => read!(tgw_routes),
                        Some(Key::TransitGatewayPropagations) => read!(tgw_propagations),
                        Some(Key::TransitGatewayRouteTableAssociations) => {
                            read!(tgw_associations)
                        }
                        Some(Key::VpcEndpoints) => read!(endpoints),
                        Some(Key::ServiceConfigurations) => read!(service_configs),
                        Some(Key::VpcEndpointServices) => read!(endpoint_services),
                        Some(Key::ServiceDetails) => read!(service_details),
                        Some(Key::VpcEndpointConnections) => read!(endpoint_connections),
                        Some(Key::LoadBalancers) => read!(lbs),
                        Some(Key::LoadBalancerListeners) => read!(lb_listeners),
                        Some(Key::Listeners) => read!(listeners),
                        Some(Key::Rules) => read!(rules),
                        Some(Key::TargetGroups) => read!(target_groups),
                        Some(Key::LoadBalancerTargetHealth) => read!(target_health),
                        Some(Key::LoadBalancerAttributes) => read!(lb_attributes),
                        Some(Key::HostedZones) => read!(zones),
                        Some(Key::ResolverRules) => read!(resolver_rules),
                        Some(Key::ResolverRuleAssociations) => read!(resolver_associations),
                        None => map.next_value::<AnyCount>()?.0,
                    };
                    keys.push((key, n));
                }
                Ok(FastFile { keys, parsed })
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Parsed<'a> {
    /// Appends what one file's fast pass read, placing it in `file`.
    fn absorb(&mut self, other: Parsed<'a>, file: usize) {
        macro_rules! absorb {
            ($($field:ident),*) => {$(
                self.$field.extend(other.$field.into_iter().map(|a| At { file, ..a }));
            )*};
        }
        absorb!(
            vpcs,
            subnets,
            route_tables,
            security_groups,
            sg_rules,
            network_acls,
            enis,
            reservations,
            peerings,
            igws,
            nats,
            addresses,
            prefix_lists,
            managed_prefix_lists,
            tgws,
            tgw_attachments,
            tgw_vpc_attachments,
            tgw_peering_attachments,
            tgw_route_tables,
            tgw_routes,
            tgw_propagations,
            tgw_associations,
            endpoints,
            service_configs,
            endpoint_services,
            service_details,
            endpoint_connections,
            lbs,
            lb_listeners,
            listeners,
            rules,
            target_groups,
            target_health,
            lb_attributes,
            zones,
            resolver_rules,
            resolver_associations
        );
    }
}

/// What a JSON value is, from its first character, for messages.
fn kind_of(text: &str) -> &'static str {
    match text.trim_start().bytes().next() {
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Something a file says that becomes a finding, in the order met in the file.
#[derive(Debug)]
enum Said {
    /// A finding about the file.
    Finding(Diagnostic),
    /// A key vpcnet does not read: noted only where it is first met in file order.
    Unknown(String),
}

/// Parses the texts of a snapshot, keeping what is wrong with each file.
pub(crate) struct Reader<'p> {
    files: &'p [FileInfo],
    /// What each folder's files hold.
    pub(crate) contents: Vec<Contents>,
    /// Per file: the finding that it could not be read, if so.
    unreadable: Vec<Option<Diagnostic>>,
    /// Per file: what it says that is a finding.
    said: Vec<Vec<Said>>,
    report: SnapshotReport,
}

impl<'p> Reader<'p> {
    pub(crate) fn new(files: &'p [FileInfo], scopes: usize) -> Self {
        Reader {
            files,
            contents: (0..scopes).map(|_| Contents::default()).collect(),
            unreadable: files.iter().map(|_| None).collect(),
            said: files.iter().map(|_| Vec::new()).collect(),
            report: SnapshotReport::default(),
        }
    }

    fn loc(&self, file: usize, pointer: String) -> Option<Location> {
        Some(Location::pointer(Some(&self.files[file].path), pointer))
    }

    fn say(&mut self, file: usize, d: Diagnostic) {
        self.said[file].push(Said::Finding(d));
    }

    /// Records that `file` could not be read.
    pub(crate) fn unreadable(&mut self, file: usize, d: Diagnostic) {
        self.unreadable[file] = Some(d);
    }

    /// What was read, and the findings about the files: per file, that it could not
    /// be read; then every finding about the files' contents in file order (an
    /// unknown key noted once for the snapshot, where it is first met).
    pub(crate) fn finish(self) -> (SnapshotReport, Vec<Option<Diagnostic>>, Vec<Diagnostic>) {
        let Reader {
            files,
            unreadable,
            said,
            report,
            ..
        } = self;
        let mut unknown_seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        for (file, said) in said.into_iter().enumerate() {
            for s in said {
                match s {
                    Said::Finding(d) => out.push(d),
                    Said::Unknown(key) => {
                        if unknown_seen.contains(&key) {
                            continue;
                        }
                        let loc = Location::pointer(
                            Some(&files[file].path),
                            format!("/{}", escape(&key)),
                        );
                        // Output vpcnet reads, but cannot place, is lost: a warning.
                        let d = match unplaced(&key) {
                            Some(_) => Diagnostic::warning("UNKNOWN_KEY", unknown_message(&key)),
                            None => Diagnostic::note("UNKNOWN_KEY", unknown_message(&key)),
                        };
                        out.push(d.at(Some(loc)));
                        unknown_seen.insert(key);
                    }
                }
            }
        }
        (report, unreadable, out)
    }

    /// Parses one file's text into `out`; returns the known keys it has.
    pub(crate) fn parse<'a>(&mut self, file: usize, text: &'a str, out: &mut Parsed<'a>) -> Keys {
        let scope = self.files[file].scope;
        self.report.files += 1;
        self.report.bytes += text.len() as u64;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut keys = Keys::default();
        // Valid files are read in one strict pass; only a file with a problem is read
        // again key by key and item by item, to report it and keep the rest.
        if let Ok(fast) = lenient::fast(|| serde_json::from_str::<FastFile<'a>>(text)) {
            for (key, n) in &fast.keys {
                if let Some(k) = Key::parse(key) {
                    keys.insert(k);
                }
                self.count(file, scope, key, *n);
            }
            out.absorb(fast.parsed, file);
            return keys;
        }
        let top: TopLevel<'a> = match serde_json::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                self.syntax(file, text, &e);
                return keys;
            }
        };
        for (key, value) in top.0 {
            let n = match Key::parse(&key) {
                // A key whose value is not a list is reported, and counts as absent.
                Some(k) => {
                    keys.insert(k);
                    match self.take(file, k, value, out) {
                        Some(n) => n,
                        None => continue,
                    }
                }
                None => serde_json::from_str::<AnyCount>(value.get()).map_or(1, |c| c.0),
            };
            self.count(file, scope, &key, n);
        }
        keys
    }

    /// Records a key of a file: known keys mark the folder as having them, unknown
    /// ones are noted (once for the snapshot).
    fn count(&mut self, file: usize, scope: usize, key: &str, n: usize) {
        *self.report.keys.entry(key.to_owned()).or_default() += n;
        match Key::parse(key) {
            Some(k) => {
                self.contents[scope].keys.insert(k);
                if k == Key::Vpcs {
                    self.contents[scope].vpcs += n;
                }
            }
            None => self.unknown(file, key),
        }
    }

    fn syntax(&mut self, file: usize, text: &str, e: &serde_json::Error) {
        let mut loc = Location {
            file: Some(self.files[file].path.clone()),
            ..Location::default()
        };
        if e.line() > 0 {
            loc.line = Some(e.line() as u32);
            let offset = pos::offset_of(text, e.line(), e.column());
            loc.column = Some(pos::column_at(text, offset));
            loc.pointer = Some(pos::pointer_at(text, offset));
        }
        let d = if e.is_data() {
            let msg = format!(
                "not an AWS CLI output file: the top level is {}, not an object such as `{{\"Vpcs\": [...]}}`; skipped",
                kind_of(text)
            );
            Diagnostic::error("BAD_SHAPE", msg).at(Some(loc))
        } else {
            let what = if e.is_eof() {
                "ends too early (truncated?)"
            } else {
                "is not valid JSON"
            };
            let msg = format!(
                "file {what}: {}; nothing in it was loaded",
                lenient::clean(&e.to_string())
            );
            Diagnostic::error("JSON_SYNTAX", msg).at(Some(loc))
        };
        self.say(file, d);
    }

    fn unknown(&mut self, file: usize, key: &str) {
        if matches!(key, "NextToken" | "NextMarker") {
            let msg = format!("`{key}` is present: this file holds one page of the output and resources may be missing; collect with the AWS CLI's automatic pagination");
            let d = Diagnostic::warning("SNAPSHOT_PAGINATED", msg)
                .at(self.loc(file, format!("/{key}")));
            self.say(file, d);
            return;
        }
        if METADATA.contains(&key) {
            return;
        }
        self.said[file].push(Said::Unknown(key.to_owned()));
    }

    /// Reads one known key's list; returns how many items it has, or `None` when it
    /// is not a list.
    fn take<'a>(
        &mut self,
        file: usize,
        key: Key,
        value: &'a RawValue,
        p: &mut Parsed<'a>,
    ) -> Option<usize> {
        let said = &mut self.said[file];
        let path = &self.files[file].path;
        match key {
            Key::Vpcs => take(said, path, &mut p.vpcs, file, key, value),
            Key::Subnets => take(said, path, &mut p.subnets, file, key, value),
            Key::RouteTables => take(said, path, &mut p.route_tables, file, key, value),
            Key::SecurityGroups => take(said, path, &mut p.security_groups, file, key, value),
            Key::SecurityGroupRules => take(said, path, &mut p.sg_rules, file, key, value),
            Key::NetworkAcls => take(said, path, &mut p.network_acls, file, key, value),
            Key::NetworkInterfaces => take(said, path, &mut p.enis, file, key, value),
            Key::Reservations => take(said, path, &mut p.reservations, file, key, value),
            Key::VpcPeeringConnections => take(said, path, &mut p.peerings, file, key, value),
            Key::InternetGateways => take(said, path, &mut p.igws, file, key, value),
            Key::NatGateways => take(said, path, &mut p.nats, file, key, value),
            Key::Addresses => take(said, path, &mut p.addresses, file, key, value),
            Key::PrefixLists => take(said, path, &mut p.prefix_lists, file, key, value),
            Key::ManagedPrefixLists => {
                take(said, path, &mut p.managed_prefix_lists, file, key, value)
            }
            Key::TransitGateways => take(said, path, &mut p.tgws, file, key, value),
            Key::TransitGatewayAttachments => {
                take(said, path, &mut p.tgw_attachments, file, key, value)
            }
            Key::TransitGatewayVpcAttachments => {
                take(said, path, &mut p.tgw_vpc_attachments, file, key, value)
            }
            Key::TransitGatewayPeeringAttachments => {
                take(said, path, &mut p.tgw_peering_attachments, file, key, value)
            }
            Key::TransitGatewayRouteTables => {
                take(said, path, &mut p.tgw_route_tables, file, key, value)
            }
            Key::TransitGatewayStaticRoutes => {
                take(said, path, &mut p.tgw_routes, file, key, value)
            }
            Key::TransitGatewayPropagations => {
                take(said, path, &mut p.tgw_propagations, file, key, value)
            }
            Key::TransitGatewayRouteTableAssociations => {
                take(said, path, &mut p.tgw_associations, file, key, value)
            }
            Key::VpcEndpoints => take(said, path, &mut p.endpoints, file, key, value),
            Key::ServiceConfigurations => {
                take(said, path, &mut p.service_configs, file, key, value)
            }
            Key::VpcEndpointServices => {
                take(said, path, &mut p.endpoint_services, file, key, value)
            }
            Key::ServiceDetails => take(said, path, &mut p.service_details, file, key, value),
            Key::VpcEndpointConnections => {
                take(said, path, &mut p.endpoint_connections, file, key, value)
            }
            Key::LoadBalancers => take(said, path, &mut p.lbs, file, key, value),
            Key::LoadBalancerListeners => take(said, path, &mut p.lb_listeners, file, key, value),
            Key::Listeners => take(said, path, &mut p.listeners, file, key, value),
            Key::Rules => take(said, path, &mut p.rules, file, key, value),
            Key::TargetGroups => take(said, path, &mut p.target_groups, file, key, value),
            Key::LoadBalancerTargetHealth => {
                take(said, path, &mut p.target_health, file, key, value)
            }
            Key::LoadBalancerAttributes => take(said, path, &mut p.lb_attributes, file, key, value),
            Key::HostedZones => take(said, path, &mut p.zones, file, key, value),
            Key::ResolverRules => take(said, path, &mut p.resolver_rules, file, key, value),
            Key::ResolverRuleAssociations => {
                take(said, path, &mut p.resolver_associations, file, key, value)
            }
        }
    }
}

/// The note for a key vpcnet does not read.
fn unknown_message(key: &str) -> String {
    if let Some(msg) = unplaced(key) {
        msg.to_owned()
    } else if LATER.contains(&key) {
        format!("`{key}` is not modelled yet; skipped (noted once for the snapshot)")
    } else {
        format!("unknown key `{key}`: not AWS CLI output that vpcnet reads; skipped (noted once for the snapshot)")
    }
}

/// Reads one key's list into `out`, saying what cannot be read.
fn take<'a, T: Deserialize<'a>>(
    said: &mut Vec<Said>,
    path: &str,
    out: &mut Vec<At<T>>,
    file: usize,
    key: Key,
    value: &'a RawValue,
) -> Option<usize> {
    let items = match lenient::list::<T>(value.get()) {
        Ok(items) => items,
        Err(_) => {
            let msg = format!(
                "`{}` should be a list, {}, but is {}; skipped",
                key.name(),
                key.source(),
                kind_of(value.get())
            );
            let loc = Location::pointer(Some(path), format!("/{}", key.name()));
            said.push(Said::Finding(
                Diagnostic::error("BAD_SHAPE", msg).at(Some(loc)),
            ));
            return None;
        }
    };
    let n = items.len();
    out.reserve(n);
    for (index, item) in items.into_iter().enumerate() {
        match item {
            Lenient::Ok(v) => out.push(At { file, index, v }),
            Lenient::Err(e) => {
                let msg = format!("{} skipped: {}", key.noun(), e.message);
                let ptr = format!("/{}/{index}{}", key.name(), e.pointer);
                let loc = Location::pointer(Some(path), ptr);
                said.push(Said::Finding(
                    Diagnostic::error("AWS_INVALID", msg).at(Some(loc)),
                ));
            }
        }
    }
    Some(n)
}
