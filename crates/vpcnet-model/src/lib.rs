//! The cloud network as typed, validated values.
//!
//! A [`Network`] is an arena of resources (VPCs, subnets, route tables, interfaces, …)
//! that refer to each other by typed indices ([`VpcIdx`], [`SubnetIdx`], …). Indices
//! cannot dangle: the only way to make a `Network` is a [`NetworkBuilder`], whose `add_*`
//! methods check each resource against what is already there and refuse, with a
//! [`Diagnostic`], what AWS itself would refuse or what would break an invariant the
//! engine relies on:
//!
//! - **Containment**: a subnet's CIDR lies inside one of its VPC's CIDR blocks; an
//!   interface's private addresses lie inside its subnet and are not one of the five
//!   addresses AWS reserves in every subnet.
//! - **Ownership**: within one VPC a private address belongs to at most one interface;
//!   a public address belongs to at most one interface in the whole network.
//! - **Locality**: a route table routes for its own VPC only; a peering route names a
//!   peering the VPC is part of; a NAT gateway lives in a subnet of its VPC.
//! - **Identity**: every resource has an id unique across the network.
//!
//! The trade-off: validation happens once, when loading, so the engine can trust every
//! index and address without re-checking on the hot path. What AWS accepts but is risky
//! (overlapping peered CIDRs, a route with no way back) is not refused here; the
//! engine's `check` reports it.
//!
//! This crate does no I/O and has no serde: importers own their wire formats.

#![deny(missing_docs)]

mod builder;
pub use builder::is_reserved;
mod change;
pub use change::RuleChanges;
mod diag;
mod dns;
mod endpoint;
mod flowlog;
mod index;
mod lb;
mod net;
mod overlay;
mod proto;
mod tgw;

pub use builder::NetworkBuilder;
pub use diag::{fill_positions, Diagnostic, Location, Severity};
pub use dns::{
    dns_name, is_within, Alias, HostedZone, RecordSet, RecordType, ResolverRule, ResolverRuleKind,
    Routing, ZoneKind,
};
pub use endpoint::{EndpointKind, VpcEndpoint};
pub use flowlog::{FlowLog, FlowTraffic};
pub use index::AnyIdx;
pub use lb::{
    EndpointService, LbKind, Listener, ListenerRule, LoadBalancer, Target, TargetGroup, TargetType,
};
pub use net::*;
pub use overlay::{
    tailnet_range, AddressPolicy, AddressRule, AllowAll, HeaderBounds, OverlayDecision,
    OverlayPolicy, Tailnet, TailnetNode,
};
pub use proto::{proto_name, IcmpMatch, L4Match, PortRange, Protocol};
pub use tgw::{
    TgwAttachment, TgwAttachmentKind, TgwRoute, TgwRouteKind, TgwRouteTable, TgwRouteTarget,
    TransitGateway,
};
