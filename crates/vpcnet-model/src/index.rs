//! A handle to any kind of resource, for lookups by id or name.

use crate::net::{
    EndpointServiceIdx, EniIdx, FlowLogIdx, IgwIdx, InstanceIdx, LbIdx, NaclIdx, NatIdx,
    PeeringIdx, PrefixListIdx, ResolverRuleIdx, RouteTableIdx, SgIdx, SubnetIdx, TailnetNodeIdx,
    TargetGroupIdx, TgwAttachmentIdx, TgwIdx, TgwRouteTableIdx, VpcEndpointIdx, VpcIdx, ZoneIdx,
};

/// A handle to any resource of a [`crate::Network`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnyIdx {
    /// A VPC.
    Vpc(VpcIdx),
    /// A subnet.
    Subnet(SubnetIdx),
    /// A route table.
    RouteTable(RouteTableIdx),
    /// A prefix list.
    PrefixList(PrefixListIdx),
    /// An internet gateway.
    InternetGateway(IgwIdx),
    /// A NAT gateway.
    NatGateway(NatIdx),
    /// A network interface.
    Interface(EniIdx),
    /// An instance.
    Instance(InstanceIdx),
    /// A security group.
    SecurityGroup(SgIdx),
    /// A network ACL.
    NetworkAcl(NaclIdx),
    /// A peering connection.
    Peering(PeeringIdx),
    /// A hosted zone.
    HostedZone(ZoneIdx),
    /// A Route 53 Resolver rule.
    ResolverRule(ResolverRuleIdx),
    /// A transit gateway.
    TransitGateway(TgwIdx),
    /// A transit gateway attachment.
    TgwAttachment(TgwAttachmentIdx),
    /// A transit gateway route table.
    TgwRouteTable(TgwRouteTableIdx),
    /// A VPC endpoint.
    VpcEndpoint(VpcEndpointIdx),
    /// A load balancer.
    LoadBalancer(LbIdx),
    /// A target group.
    TargetGroup(TargetGroupIdx),
    /// An endpoint service.
    EndpointService(EndpointServiceIdx),
    /// A node of the overlay mesh.
    TailnetNode(TailnetNodeIdx),
    /// A flow log.
    FlowLog(FlowLogIdx),
}

impl AnyIdx {
    /// The kind, as it appears in output (`security-group`, `route-table`, …).
    pub fn kind(self) -> &'static str {
        match self {
            AnyIdx::Vpc(_) => "vpc",
            AnyIdx::Subnet(_) => "subnet",
            AnyIdx::RouteTable(_) => "route-table",
            AnyIdx::PrefixList(_) => "prefix-list",
            AnyIdx::InternetGateway(_) => "internet-gateway",
            AnyIdx::NatGateway(_) => "nat-gateway",
            AnyIdx::Interface(_) => "network-interface",
            AnyIdx::Instance(_) => "instance",
            AnyIdx::SecurityGroup(_) => "security-group",
            AnyIdx::NetworkAcl(_) => "network-acl",
            AnyIdx::Peering(_) => "vpc-peering-connection",
            AnyIdx::HostedZone(_) => "hosted-zone",
            AnyIdx::ResolverRule(_) => "resolver-rule",
            AnyIdx::TransitGateway(_) => "transit-gateway",
            AnyIdx::TgwAttachment(_) => "transit-gateway-attachment",
            AnyIdx::TgwRouteTable(_) => "transit-gateway-route-table",
            AnyIdx::VpcEndpoint(_) => "vpc-endpoint",
            AnyIdx::LoadBalancer(_) => "load-balancer",
            AnyIdx::TargetGroup(_) => "target-group",
            AnyIdx::EndpointService(_) => "vpc-endpoint-service",
            AnyIdx::TailnetNode(_) => "tailnet-node",
            AnyIdx::FlowLog(_) => "flow-log",
        }
    }
}

macro_rules! from_idx {
    ($($t:ident => $v:ident),* $(,)?) => {$(
        impl From<$t> for AnyIdx {
            fn from(i: $t) -> AnyIdx {
                AnyIdx::$v(i)
            }
        }

        impl TryFrom<AnyIdx> for $t {
            type Error = AnyIdx;

            fn try_from(i: AnyIdx) -> Result<$t, AnyIdx> {
                match i {
                    AnyIdx::$v(x) => Ok(x),
                    other => Err(other),
                }
            }
        }
    )*};
}

from_idx! {
    VpcIdx => Vpc,
    SubnetIdx => Subnet,
    RouteTableIdx => RouteTable,
    PrefixListIdx => PrefixList,
    IgwIdx => InternetGateway,
    NatIdx => NatGateway,
    EniIdx => Interface,
    InstanceIdx => Instance,
    SgIdx => SecurityGroup,
    NaclIdx => NetworkAcl,
    PeeringIdx => Peering,
    ZoneIdx => HostedZone,
    ResolverRuleIdx => ResolverRule,
    TgwIdx => TransitGateway,
    TgwAttachmentIdx => TgwAttachment,
    TgwRouteTableIdx => TgwRouteTable,
    VpcEndpointIdx => VpcEndpoint,
    LbIdx => LoadBalancer,
    TargetGroupIdx => TargetGroup,
    EndpointServiceIdx => EndpointService,
    TailnetNodeIdx => TailnetNode,
    FlowLogIdx => FlowLog,
}
