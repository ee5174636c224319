//! Why a packet was dropped: stable codes, named after Reachability Analyzer's where
//! one fits.

use std::fmt;

/// The reason a path ends without delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// No route in the route table matches the destination.
    NoRouteToDestination,
    /// The security groups of an interface do not allow the packet.
    EniSgRulesMismatch,
    /// A network ACL denies the packet (an explicit deny or the final `*` rule).
    SubnetAclRestriction,
    /// The destination is not in the CIDR blocks of the peer VPC.
    PcxRequiresAddressInVpcCidr,
    /// A component (peering, NAT gateway) is not in a state that carries traffic.
    BadState,
    /// The matching route is a blackhole.
    BadStateRoute,
    /// The interface's source/destination check drops a packet not from/to itself.
    EniSourceDestCheckRestriction,
    /// Egress through an internet gateway needs a public IP on the source.
    IgwPublicIpAssociationForEgress,
    /// The VPC has no internet gateway attached.
    NoInternetGateway,
    /// No interface in the VPC owns the destination address.
    NoInterfaceForDestination,
    /// A NAT gateway accepts no connections from outside.
    NatGatewayNoInbound,
    /// The instance a route points at does not declare how it forwards.
    ApplianceNotForwarding,
    /// The route's target is a kind vpcnet does not trace through yet.
    TargetNotModelled,
    /// The packet reached a different host than the one asked for.
    DeliveredToOtherHost,
    /// The reply reached a translator that has no record of the connection.
    NoConnectionState,
    /// The path went on for more than the hop limit (a routing loop).
    MaxHopsExceeded,
    /// The path enters a VPC the input does not describe (another account's side of a
    /// peering): vpcnet cannot follow it further.
    VpcNotInInput,
    /// NXDOMAIN: the zone that answers for the name has no such name.
    DnsNameNotFound,
    /// NODATA: the name exists, but has no record of the type asked.
    DnsNoRecordOfType,
    /// A private zone holds the name, but is not associated with the asking VPC.
    DnsZoneNotAssociated,
    /// No zone in the input covers the name (public DNS is not modelled).
    DnsNameUnknown,
    /// A CNAME or alias chain comes back to a name already on it.
    DnsCnameLoop,
    /// A CNAME or alias chain is too long to follow.
    DnsChainTooLong,
    /// The VPC's `enableDnsSupport` is off.
    DnsResolutionDisabled,
    /// A private zone would answer, but the VPC's `enableDnsHostnames` is off.
    DnsHostnamesDisabled,
    /// A Resolver forwarding rule sent the query out of AWS, and nothing in the input
    /// answers it there.
    DnsForwardedUnanswered,
    /// A route points at a transit gateway that has no attachment to the VPC.
    TgwNoAttachmentInVpc,
    /// The transit gateway attachment has no subnet in the sender's Availability Zone.
    TgwAttachmentNoSubnetInAz,
    /// The attachment the packet came in by is associated with no route table.
    TgwAttachMissingTgwRtbAssociation,
    /// The transit gateway route table has no route to the destination.
    TgwRtbCannotRoute,
    /// The transit gateway route matching the destination is a blackhole.
    TgwRouteBlackhole,
    /// No listener of the load balancer takes the protocol and port.
    LbListenerPortMismatch,
    /// The listener's action forwards to no target group.
    LbNoTargetGroup,
    /// The target group has no registered target.
    LbNoRegisteredTargets,
    /// No target in the load balancer's Availability Zone, and cross-zone is off.
    LbNoTargetInAz,
    /// The endpoint service does not allow the consumer's account.
    EndpointPrincipalNotAllowed,
    /// The endpoint service does not support consumers in the endpoint's region.
    EndpointServiceRegion,
    /// A layer-7 proxy has no upstream for the request's host.
    ProxyNoUpstream,
    /// The overlay mesh's policy does not allow the connection.
    TailscaleAclDeny,
    /// A reply to a mesh address has no route back through the subnet router (SNAT
    /// off).
    TailscaleNoReturnRoute,
    /// A node sends through an exit node that is not approved as one.
    TailscaleExitNodeNotApproved,
}

impl Code {
    /// The stable upper-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoRouteToDestination => "NO_ROUTE_TO_DESTINATION",
            Code::EniSgRulesMismatch => "ENI_SG_RULES_MISMATCH",
            Code::SubnetAclRestriction => "SUBNET_ACL_RESTRICTION",
            Code::PcxRequiresAddressInVpcCidr => "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            Code::BadState => "BAD_STATE",
            Code::BadStateRoute => "BAD_STATE_ROUTE",
            Code::EniSourceDestCheckRestriction => "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            Code::IgwPublicIpAssociationForEgress => "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
            Code::NoInternetGateway => "NO_INTERNET_GATEWAY",
            Code::NoInterfaceForDestination => "NO_INTERFACE_FOR_DESTINATION",
            Code::NatGatewayNoInbound => "NAT_GATEWAY_NO_INBOUND",
            Code::ApplianceNotForwarding => "APPLIANCE_NOT_FORWARDING",
            Code::TargetNotModelled => "TARGET_NOT_MODELLED",
            Code::DeliveredToOtherHost => "DELIVERED_TO_OTHER_HOST",
            Code::NoConnectionState => "NO_CONNECTION_STATE",
            Code::MaxHopsExceeded => "MAX_HOPS_EXCEEDED",
            Code::VpcNotInInput => "VPC_NOT_IN_INPUT",
            Code::DnsNameNotFound => "DNS_NAME_NOT_FOUND",
            Code::DnsNoRecordOfType => "DNS_NO_RECORD_OF_TYPE",
            Code::DnsZoneNotAssociated => "DNS_ZONE_NOT_ASSOCIATED",
            Code::DnsNameUnknown => "DNS_NAME_UNKNOWN",
            Code::DnsCnameLoop => "DNS_CNAME_LOOP",
            Code::DnsChainTooLong => "DNS_CHAIN_TOO_LONG",
            Code::DnsResolutionDisabled => "DNS_RESOLUTION_DISABLED",
            Code::DnsHostnamesDisabled => "DNS_HOSTNAMES_DISABLED",
            Code::DnsForwardedUnanswered => "DNS_FORWARDED_UNANSWERED",
            Code::TgwNoAttachmentInVpc => "TGW_NO_ATTACHMENT_IN_VPC",
            Code::TgwAttachmentNoSubnetInAz => "TGW_ATTACHMENT_NO_SUBNET_IN_AZ",
            Code::TgwAttachMissingTgwRtbAssociation => "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            Code::TgwRtbCannotRoute => "TGW_RTB_CANNOT_ROUTE",
            Code::TgwRouteBlackhole => "TGW_ROUTE_BLACKHOLE",
            Code::LbListenerPortMismatch => "LB_LISTENER_PORT_MISMATCH",
            Code::LbNoTargetGroup => "LB_NO_TARGET_GROUP",
            Code::LbNoRegisteredTargets => "LB_NO_REGISTERED_TARGETS",
            Code::LbNoTargetInAz => "LB_NO_TARGET_IN_AZ",
            Code::EndpointPrincipalNotAllowed => "ENDPOINT_PRINCIPAL_NOT_ALLOWED",
            Code::EndpointServiceRegion => "ENDPOINT_SERVICE_REGION",
            Code::ProxyNoUpstream => "PROXY_NO_UPSTREAM",
            Code::TailscaleAclDeny => "TAILSCALE_ACL_DENY",
            Code::TailscaleNoReturnRoute => "TAILSCALE_NO_RETURN_ROUTE",
            Code::TailscaleExitNodeNotApproved => "TAILSCALE_EXIT_NODE_NOT_APPROVED",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
