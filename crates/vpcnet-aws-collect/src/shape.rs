//! SDK values to JSON in the shape `aws ec2 describe-…` prints: one function per
//! resource, field for field, for every field a network analyser reads (ids, CIDRs,
//! states, associations, every route target, rules, addresses, attachments, tags,
//! source/dest check, interface type, zone, owners) and the usual descriptive ones.
//! Fields AWS did not send are left out, as the CLI leaves them out.
//!
//! The SDK types do not implement `Serialize`, so this is written out by hand; the
//! key names are checked against the loader in the integration tests.

use aws_sdk_ec2::types as t;
use serde_json::Value;

use crate::json::{wire, Obj};

wire!(
    t::VpcState,
    t::VpcCidrBlockStateCode,
    t::Tenancy,
    t::SubnetState,
    t::SubnetCidrBlockStateCode,
    t::RouteTableAssociationStateCode,
    t::RouteOrigin,
    t::RouteState,
    t::RuleAction,
    t::NetworkInterfaceType,
    t::NetworkInterfaceStatus,
    t::AttachmentStatus,
    t::InstanceStateName,
    t::InstanceType,
    t::InstanceLifecycleType,
    t::PlatformValues,
    t::ArchitectureValues,
    t::VpcPeeringConnectionStateReasonCode,
    t::NatGatewayState,
    t::NatGatewayAddressStatus,
    t::ConnectivityType,
    t::AvailabilityMode,
    t::DomainType,
    t::ServiceManaged,
    t::PrefixListState,
    t::TransitGatewayState,
    t::TransitGatewayAttachmentResourceType,
    t::TransitGatewayAttachmentState,
    t::TransitGatewayAssociationState,
    t::TransitGatewayPropagationState,
    t::TransitGatewayRouteTableState,
    t::TransitGatewayRouteType,
    t::TransitGatewayRouteState,
    t::ApplianceModeSupportValue,
    t::DnsSupportValue,
    t::DefaultRouteTableAssociationValue,
    t::DefaultRouteTablePropagationValue,
    t::AutoAcceptSharedAttachmentsValue,
    t::VpnEcmpSupportValue,
    t::VpcEndpointType,
    t::State,
    t::IpAddressType,
    t::ServiceType,
    t::ServiceState,
    t::PrincipalType,
);

/// `Tags[{Key, Value}]` (and an interface's `TagSet`).
fn tag(v: &t::Tag) -> Value {
    Obj::new().s("Key", &v.key).s("Value", &v.value).done()
}

fn group_identifier(v: &t::GroupIdentifier) -> Value {
    Obj::new()
        .s("GroupId", &v.group_id)
        .s("GroupName", &v.group_name)
        .done()
}

// ---- VPCs and subnets --------------------------------------------------------------

fn vpc_cidr_state(v: &t::VpcCidrBlockState) -> Value {
    Obj::new()
        .e("State", &v.state)
        .s("StatusMessage", &v.status_message)
        .done()
}

fn vpc_cidr_assoc(v: &t::VpcCidrBlockAssociation) -> Value {
    Obj::new()
        .s("AssociationId", &v.association_id)
        .s("CidrBlock", &v.cidr_block)
        .o("CidrBlockState", &v.cidr_block_state, vpc_cidr_state)
        .done()
}

fn vpc_ipv6_assoc(v: &t::VpcIpv6CidrBlockAssociation) -> Value {
    Obj::new()
        .s("AssociationId", &v.association_id)
        .s("Ipv6CidrBlock", &v.ipv6_cidr_block)
        .o(
            "Ipv6CidrBlockState",
            &v.ipv6_cidr_block_state,
            vpc_cidr_state,
        )
        .s("NetworkBorderGroup", &v.network_border_group)
        .s("Ipv6Pool", &v.ipv6_pool)
        .done()
}

/// `describe-vpcs` → `Vpcs[]`, with the DNS attributes `describe-vpc-attribute`
/// prints (`{"Value": true}`) embedded when they could be read.
pub(crate) fn vpc(v: &t::Vpc, dns_support: Option<bool>, dns_hostnames: Option<bool>) -> Value {
    let attr = |b: bool| Obj::new().b("Value", Some(b)).done();
    Obj::new()
        .v("EnableDnsSupport", dns_support.map(attr))
        .v("EnableDnsHostnames", dns_hostnames.map(attr))
        .s("OwnerId", &v.owner_id)
        .e("InstanceTenancy", &v.instance_tenancy)
        .l(
            "Ipv6CidrBlockAssociationSet",
            &v.ipv6_cidr_block_association_set,
            vpc_ipv6_assoc,
        )
        .l(
            "CidrBlockAssociationSet",
            &v.cidr_block_association_set,
            vpc_cidr_assoc,
        )
        .b("IsDefault", v.is_default)
        .l("Tags", &v.tags, tag)
        .s("VpcId", &v.vpc_id)
        .e("State", &v.state)
        .s("CidrBlock", &v.cidr_block)
        .s("DhcpOptionsId", &v.dhcp_options_id)
        .done()
}

fn subnet_cidr_state(v: &t::SubnetCidrBlockState) -> Value {
    Obj::new()
        .e("State", &v.state)
        .s("StatusMessage", &v.status_message)
        .done()
}

fn subnet_ipv6_assoc(v: &t::SubnetIpv6CidrBlockAssociation) -> Value {
    Obj::new()
        .s("AssociationId", &v.association_id)
        .s("Ipv6CidrBlock", &v.ipv6_cidr_block)
        .o(
            "Ipv6CidrBlockState",
            &v.ipv6_cidr_block_state,
            subnet_cidr_state,
        )
        .done()
}

/// `describe-subnets` → `Subnets[]`.
pub(crate) fn subnet(v: &t::Subnet) -> Value {
    Obj::new()
        .s("AvailabilityZoneId", &v.availability_zone_id)
        .s("OwnerId", &v.owner_id)
        .b(
            "AssignIpv6AddressOnCreation",
            v.assign_ipv6_address_on_creation,
        )
        .l(
            "Ipv6CidrBlockAssociationSet",
            &v.ipv6_cidr_block_association_set,
            subnet_ipv6_assoc,
        )
        .l("Tags", &v.tags, tag)
        .s("SubnetArn", &v.subnet_arn)
        .s("OutpostArn", &v.outpost_arn)
        .b("Ipv6Native", v.ipv6_native)
        .s("SubnetId", &v.subnet_id)
        .e("State", &v.state)
        .s("VpcId", &v.vpc_id)
        .s("CidrBlock", &v.cidr_block)
        .i("AvailableIpAddressCount", v.available_ip_address_count)
        .s("AvailabilityZone", &v.availability_zone)
        .b("DefaultForAz", v.default_for_az)
        .b("MapPublicIpOnLaunch", v.map_public_ip_on_launch)
        .done()
}

// ---- route tables ------------------------------------------------------------------

fn rt_assoc(v: &t::RouteTableAssociation) -> Value {
    Obj::new()
        .b("Main", v.main)
        .s("RouteTableAssociationId", &v.route_table_association_id)
        .s("RouteTableId", &v.route_table_id)
        .s("SubnetId", &v.subnet_id)
        .s("GatewayId", &v.gateway_id)
        .s("PublicIpv4Pool", &v.public_ipv4_pool)
        .o("AssociationState", &v.association_state, |s| {
            Obj::new()
                .e("State", &s.state)
                .s("StatusMessage", &s.status_message)
                .done()
        })
        .done()
}

/// A route, with every target field AWS has.
fn route(v: &t::Route) -> Value {
    Obj::new()
        .s("DestinationCidrBlock", &v.destination_cidr_block)
        .s("DestinationIpv6CidrBlock", &v.destination_ipv6_cidr_block)
        .s("DestinationPrefixListId", &v.destination_prefix_list_id)
        .s(
            "EgressOnlyInternetGatewayId",
            &v.egress_only_internet_gateway_id,
        )
        .s("GatewayId", &v.gateway_id)
        .s("InstanceId", &v.instance_id)
        .s("InstanceOwnerId", &v.instance_owner_id)
        .s("NatGatewayId", &v.nat_gateway_id)
        .s("TransitGatewayId", &v.transit_gateway_id)
        .s("LocalGatewayId", &v.local_gateway_id)
        .s("CarrierGatewayId", &v.carrier_gateway_id)
        .s("NetworkInterfaceId", &v.network_interface_id)
        .e("Origin", &v.origin)
        .e("State", &v.state)
        .s("VpcPeeringConnectionId", &v.vpc_peering_connection_id)
        .s("CoreNetworkArn", &v.core_network_arn)
        .s("OdbNetworkArn", &v.odb_network_arn)
        .s("IpAddress", &v.ip_address)
        .done()
}

/// `describe-route-tables` → `RouteTables[]`.
pub(crate) fn route_table(v: &t::RouteTable) -> Value {
    Obj::new()
        .l("Associations", &v.associations, rt_assoc)
        .l("PropagatingVgws", &v.propagating_vgws, |p| {
            Obj::new().s("GatewayId", &p.gateway_id).done()
        })
        .s("RouteTableId", &v.route_table_id)
        .l("Routes", &v.routes, route)
        .l("Tags", &v.tags, tag)
        .s("VpcId", &v.vpc_id)
        .s("OwnerId", &v.owner_id)
        .done()
}

// ---- security groups ---------------------------------------------------------------

fn group_pair(v: &t::UserIdGroupPair) -> Value {
    Obj::new()
        .s("Description", &v.description)
        .s("UserId", &v.user_id)
        .s("GroupName", &v.group_name)
        .s("GroupId", &v.group_id)
        .s("VpcId", &v.vpc_id)
        .s("VpcPeeringConnectionId", &v.vpc_peering_connection_id)
        .s("PeeringStatus", &v.peering_status)
        .done()
}

fn permission(v: &t::IpPermission) -> Value {
    Obj::new()
        .s("IpProtocol", &v.ip_protocol)
        .i("FromPort", v.from_port)
        .i("ToPort", v.to_port)
        .l("UserIdGroupPairs", &v.user_id_group_pairs, group_pair)
        .l("IpRanges", &v.ip_ranges, |r| {
            Obj::new()
                .s("CidrIp", &r.cidr_ip)
                .s("Description", &r.description)
                .done()
        })
        .l("Ipv6Ranges", &v.ipv6_ranges, |r| {
            Obj::new()
                .s("CidrIpv6", &r.cidr_ipv6)
                .s("Description", &r.description)
                .done()
        })
        .l("PrefixListIds", &v.prefix_list_ids, |r| {
            Obj::new()
                .s("Description", &r.description)
                .s("PrefixListId", &r.prefix_list_id)
                .done()
        })
        .done()
}

/// `describe-security-groups` → `SecurityGroups[]`.
pub(crate) fn security_group(v: &t::SecurityGroup) -> Value {
    Obj::new()
        .s("GroupId", &v.group_id)
        .s("GroupName", &v.group_name)
        .s("Description", &v.description)
        .s("OwnerId", &v.owner_id)
        .s("VpcId", &v.vpc_id)
        .l("IpPermissions", &v.ip_permissions, permission)
        .l("IpPermissionsEgress", &v.ip_permissions_egress, permission)
        .l("Tags", &v.tags, tag)
        .s("SecurityGroupArn", &v.security_group_arn)
        .done()
}

/// `describe-security-group-rules` → `SecurityGroupRules[]`.
pub(crate) fn security_group_rule(v: &t::SecurityGroupRule) -> Value {
    Obj::new()
        .s("SecurityGroupRuleId", &v.security_group_rule_id)
        .s("GroupId", &v.group_id)
        .s("GroupOwnerId", &v.group_owner_id)
        .b("IsEgress", v.is_egress)
        .s("IpProtocol", &v.ip_protocol)
        .i("FromPort", v.from_port)
        .i("ToPort", v.to_port)
        .s("CidrIpv4", &v.cidr_ipv4)
        .s("CidrIpv6", &v.cidr_ipv6)
        .s("PrefixListId", &v.prefix_list_id)
        .o("ReferencedGroupInfo", &v.referenced_group_info, |g| {
            Obj::new()
                .s("GroupId", &g.group_id)
                .s("PeeringStatus", &g.peering_status)
                .s("UserId", &g.user_id)
                .s("VpcId", &g.vpc_id)
                .s("VpcPeeringConnectionId", &g.vpc_peering_connection_id)
                .done()
        })
        .s("Description", &v.description)
        .l("Tags", &v.tags, tag)
        .s("SecurityGroupRuleArn", &v.security_group_rule_arn)
        .done()
}

// ---- network ACLs ------------------------------------------------------------------

fn acl_entry(v: &t::NetworkAclEntry) -> Value {
    Obj::new()
        .s("CidrBlock", &v.cidr_block)
        .b("Egress", v.egress)
        .o("IcmpTypeCode", &v.icmp_type_code, |c| {
            Obj::new().i("Code", c.code).i("Type", c.r#type).done()
        })
        .s("Ipv6CidrBlock", &v.ipv6_cidr_block)
        .o("PortRange", &v.port_range, |p| {
            Obj::new().i("From", p.from).i("To", p.to).done()
        })
        .s("Protocol", &v.protocol)
        .e("RuleAction", &v.rule_action)
        .i("RuleNumber", v.rule_number)
        .done()
}

/// `describe-network-acls` → `NetworkAcls[]`.
pub(crate) fn network_acl(v: &t::NetworkAcl) -> Value {
    Obj::new()
        .l("Associations", &v.associations, |a| {
            Obj::new()
                .s("NetworkAclAssociationId", &a.network_acl_association_id)
                .s("NetworkAclId", &a.network_acl_id)
                .s("SubnetId", &a.subnet_id)
                .done()
        })
        .l("Entries", &v.entries, acl_entry)
        .b("IsDefault", v.is_default)
        .s("NetworkAclId", &v.network_acl_id)
        .l("Tags", &v.tags, tag)
        .s("VpcId", &v.vpc_id)
        .s("OwnerId", &v.owner_id)
        .done()
}

// ---- network interfaces ------------------------------------------------------------

fn eni_association(v: &t::NetworkInterfaceAssociation) -> Value {
    Obj::new()
        .s("AllocationId", &v.allocation_id)
        .s("AssociationId", &v.association_id)
        .s("IpOwnerId", &v.ip_owner_id)
        .s("PublicDnsName", &v.public_dns_name)
        .s("PublicIp", &v.public_ip)
        .s("CustomerOwnedIp", &v.customer_owned_ip)
        .s("CarrierIp", &v.carrier_ip)
        .done()
}

fn eni_attachment(v: &t::NetworkInterfaceAttachment) -> Value {
    Obj::new()
        .t("AttachTime", &v.attach_time)
        .s("AttachmentId", &v.attachment_id)
        .b("DeleteOnTermination", v.delete_on_termination)
        .i("DeviceIndex", v.device_index)
        .i("NetworkCardIndex", v.network_card_index)
        .s("InstanceId", &v.instance_id)
        .s("InstanceOwnerId", &v.instance_owner_id)
        .e("Status", &v.status)
        .done()
}

/// `describe-network-interfaces` → `NetworkInterfaces[]` (tags are `TagSet` here).
pub(crate) fn network_interface(v: &t::NetworkInterface) -> Value {
    Obj::new()
        .o("Association", &v.association, eni_association)
        .o("Attachment", &v.attachment, eni_attachment)
        .s("AvailabilityZone", &v.availability_zone)
        .s("AvailabilityZoneId", &v.availability_zone_id)
        .s("Description", &v.description)
        .l("Groups", &v.groups, group_identifier)
        .e("InterfaceType", &v.interface_type)
        .l("Ipv6Addresses", &v.ipv6_addresses, |a| {
            Obj::new()
                .s("Ipv6Address", &a.ipv6_address)
                .b("IsPrimaryIpv6", a.is_primary_ipv6)
                .done()
        })
        .s("MacAddress", &v.mac_address)
        .s("NetworkInterfaceId", &v.network_interface_id)
        .s("OutpostArn", &v.outpost_arn)
        .s("OwnerId", &v.owner_id)
        .s("PrivateDnsName", &v.private_dns_name)
        .s("PublicDnsName", &v.public_dns_name)
        .s("PrivateIpAddress", &v.private_ip_address)
        .l("PrivateIpAddresses", &v.private_ip_addresses, |a| {
            Obj::new()
                .o("Association", &a.association, eni_association)
                .b("Primary", a.primary)
                .s("PrivateDnsName", &a.private_dns_name)
                .s("PrivateIpAddress", &a.private_ip_address)
                .done()
        })
        .l("Ipv4Prefixes", &v.ipv4_prefixes, |p| {
            Obj::new().s("Ipv4Prefix", &p.ipv4_prefix).done()
        })
        .l("Ipv6Prefixes", &v.ipv6_prefixes, |p| {
            Obj::new().s("Ipv6Prefix", &p.ipv6_prefix).done()
        })
        .s("RequesterId", &v.requester_id)
        .b("RequesterManaged", v.requester_managed)
        .b("SourceDestCheck", v.source_dest_check)
        .e("Status", &v.status)
        .s("SubnetId", &v.subnet_id)
        .l("TagSet", &v.tag_set, tag)
        .s("VpcId", &v.vpc_id)
        .b("DenyAllIgwTraffic", v.deny_all_igw_traffic)
        .b("Ipv6Native", v.ipv6_native)
        .s("Ipv6Address", &v.ipv6_address)
        .ls("AssociatedSubnets", &v.associated_subnets)
        .done()
}

// ---- instances ---------------------------------------------------------------------

fn instance_association(v: &t::InstanceNetworkInterfaceAssociation) -> Value {
    Obj::new()
        .s("CarrierIp", &v.carrier_ip)
        .s("CustomerOwnedIp", &v.customer_owned_ip)
        .s("IpOwnerId", &v.ip_owner_id)
        .s("PublicDnsName", &v.public_dns_name)
        .s("PublicIp", &v.public_ip)
        .done()
}

fn instance_eni(v: &t::InstanceNetworkInterface) -> Value {
    Obj::new()
        .o("Association", &v.association, instance_association)
        .o("Attachment", &v.attachment, |a| {
            Obj::new()
                .t("AttachTime", &a.attach_time)
                .s("AttachmentId", &a.attachment_id)
                .b("DeleteOnTermination", a.delete_on_termination)
                .i("DeviceIndex", a.device_index)
                .e("Status", &a.status)
                .i("NetworkCardIndex", a.network_card_index)
                .done()
        })
        .s("Description", &v.description)
        .l("Groups", &v.groups, group_identifier)
        .l("Ipv6Addresses", &v.ipv6_addresses, |a| {
            Obj::new()
                .s("Ipv6Address", &a.ipv6_address)
                .b("IsPrimaryIpv6", a.is_primary_ipv6)
                .done()
        })
        .s("MacAddress", &v.mac_address)
        .s("NetworkInterfaceId", &v.network_interface_id)
        .s("OwnerId", &v.owner_id)
        .s("PrivateDnsName", &v.private_dns_name)
        .s("PrivateIpAddress", &v.private_ip_address)
        .l("PrivateIpAddresses", &v.private_ip_addresses, |a| {
            Obj::new()
                .o("Association", &a.association, instance_association)
                .b("Primary", a.primary)
                .s("PrivateDnsName", &a.private_dns_name)
                .s("PrivateIpAddress", &a.private_ip_address)
                .done()
        })
        .b("SourceDestCheck", v.source_dest_check)
        .e("Status", &v.status)
        .s("SubnetId", &v.subnet_id)
        .s("VpcId", &v.vpc_id)
        .s("InterfaceType", &v.interface_type)
        .l("Ipv4Prefixes", &v.ipv4_prefixes, |p| {
            Obj::new().s("Ipv4Prefix", &p.ipv4_prefix).done()
        })
        .l("Ipv6Prefixes", &v.ipv6_prefixes, |p| {
            Obj::new().s("Ipv6Prefix", &p.ipv6_prefix).done()
        })
        .done()
}

fn instance(v: &t::Instance) -> Value {
    Obj::new()
        .s("InstanceId", &v.instance_id)
        .s("ImageId", &v.image_id)
        .o("State", &v.state, |s| {
            Obj::new().i("Code", s.code).e("Name", &s.name).done()
        })
        .s("PrivateDnsName", &v.private_dns_name)
        .s("PublicDnsName", &v.public_dns_name)
        .s("StateTransitionReason", &v.state_transition_reason)
        .s("KeyName", &v.key_name)
        .e("InstanceType", &v.instance_type)
        .t("LaunchTime", &v.launch_time)
        .o("Placement", &v.placement, |p| {
            Obj::new()
                .s("AvailabilityZoneId", &p.availability_zone_id)
                .s("GroupName", &p.group_name)
                .s("HostId", &p.host_id)
                .e("Tenancy", &p.tenancy)
                .s("AvailabilityZone", &p.availability_zone)
                .done()
        })
        .e("Platform", &v.platform)
        .s("SubnetId", &v.subnet_id)
        .s("VpcId", &v.vpc_id)
        .s("PrivateIpAddress", &v.private_ip_address)
        .s("PublicIpAddress", &v.public_ip_address)
        .e("Architecture", &v.architecture)
        .e("InstanceLifecycle", &v.instance_lifecycle)
        .o("IamInstanceProfile", &v.iam_instance_profile, |p| {
            Obj::new().s("Arn", &p.arn).s("Id", &p.id).done()
        })
        .l("NetworkInterfaces", &v.network_interfaces, instance_eni)
        .l("SecurityGroups", &v.security_groups, group_identifier)
        .b("SourceDestCheck", v.source_dest_check)
        .l("Tags", &v.tags, tag)
        .s("Ipv6Address", &v.ipv6_address)
        .done()
}

/// `describe-instances` → `Reservations[]`.
pub(crate) fn reservation(v: &t::Reservation) -> Value {
    Obj::new()
        .s("ReservationId", &v.reservation_id)
        .s("OwnerId", &v.owner_id)
        .s("RequesterId", &v.requester_id)
        .l("Groups", &v.groups, group_identifier)
        .l("Instances", &v.instances, instance)
        .done()
}

// ---- peerings and gateways ---------------------------------------------------------

fn peering_vpc_info(v: &t::VpcPeeringConnectionVpcInfo) -> Value {
    Obj::new()
        .s("CidrBlock", &v.cidr_block)
        .l("Ipv6CidrBlockSet", &v.ipv6_cidr_block_set, |c| {
            Obj::new().s("Ipv6CidrBlock", &c.ipv6_cidr_block).done()
        })
        .l("CidrBlockSet", &v.cidr_block_set, |c| {
            Obj::new().s("CidrBlock", &c.cidr_block).done()
        })
        .s("OwnerId", &v.owner_id)
        .o("PeeringOptions", &v.peering_options, |o| {
            Obj::new()
                .b(
                    "AllowDnsResolutionFromRemoteVpc",
                    o.allow_dns_resolution_from_remote_vpc,
                )
                .b(
                    "AllowEgressFromLocalClassicLinkToRemoteVpc",
                    o.allow_egress_from_local_classic_link_to_remote_vpc,
                )
                .b(
                    "AllowEgressFromLocalVpcToRemoteClassicLink",
                    o.allow_egress_from_local_vpc_to_remote_classic_link,
                )
                .done()
        })
        .s("VpcId", &v.vpc_id)
        .s("Region", &v.region)
        .done()
}

/// `describe-vpc-peering-connections` → `VpcPeeringConnections[]`.
pub(crate) fn peering(v: &t::VpcPeeringConnection) -> Value {
    Obj::new()
        .o("AccepterVpcInfo", &v.accepter_vpc_info, peering_vpc_info)
        .t("ExpirationTime", &v.expiration_time)
        .o("RequesterVpcInfo", &v.requester_vpc_info, peering_vpc_info)
        .o("Status", &v.status, |s| {
            Obj::new()
                .e("Code", &s.code)
                .s("Message", &s.message)
                .done()
        })
        .l("Tags", &v.tags, tag)
        .s("VpcPeeringConnectionId", &v.vpc_peering_connection_id)
        .done()
}

/// `describe-internet-gateways` → `InternetGateways[]`.
pub(crate) fn internet_gateway(v: &t::InternetGateway) -> Value {
    Obj::new()
        .l("Attachments", &v.attachments, |a| {
            Obj::new().e("State", &a.state).s("VpcId", &a.vpc_id).done()
        })
        .s("InternetGatewayId", &v.internet_gateway_id)
        .s("OwnerId", &v.owner_id)
        .l("Tags", &v.tags, tag)
        .done()
}

/// `describe-nat-gateways` → `NatGateways[]`.
pub(crate) fn nat_gateway(v: &t::NatGateway) -> Value {
    Obj::new()
        .t("CreateTime", &v.create_time)
        .t("DeleteTime", &v.delete_time)
        .s("FailureCode", &v.failure_code)
        .s("FailureMessage", &v.failure_message)
        .l("NatGatewayAddresses", &v.nat_gateway_addresses, |a| {
            Obj::new()
                .s("AllocationId", &a.allocation_id)
                .s("NetworkInterfaceId", &a.network_interface_id)
                .s("PrivateIp", &a.private_ip)
                .s("PublicIp", &a.public_ip)
                .s("AssociationId", &a.association_id)
                .b("IsPrimary", a.is_primary)
                .s("FailureMessage", &a.failure_message)
                .e("Status", &a.status)
                .s("AvailabilityZone", &a.availability_zone)
                .s("AvailabilityZoneId", &a.availability_zone_id)
                .done()
        })
        .s("NatGatewayId", &v.nat_gateway_id)
        .e("State", &v.state)
        .s("SubnetId", &v.subnet_id)
        .s("VpcId", &v.vpc_id)
        .l("Tags", &v.tags, tag)
        .e("ConnectivityType", &v.connectivity_type)
        .e("AvailabilityMode", &v.availability_mode)
        .s("RouteTableId", &v.route_table_id)
        .done()
}

/// `describe-addresses` → `Addresses[]` (Elastic IPs).
pub(crate) fn address(v: &t::Address) -> Value {
    Obj::new()
        .s("AllocationId", &v.allocation_id)
        .s("AssociationId", &v.association_id)
        .e("Domain", &v.domain)
        .s("NetworkInterfaceId", &v.network_interface_id)
        .s("NetworkInterfaceOwnerId", &v.network_interface_owner_id)
        .s("PrivateIpAddress", &v.private_ip_address)
        .l("Tags", &v.tags, tag)
        .s("PublicIpv4Pool", &v.public_ipv4_pool)
        .s("NetworkBorderGroup", &v.network_border_group)
        .s("CustomerOwnedIp", &v.customer_owned_ip)
        .s("CustomerOwnedIpv4Pool", &v.customer_owned_ipv4_pool)
        .s("CarrierIp", &v.carrier_ip)
        .s("SubnetId", &v.subnet_id)
        .e("ServiceManaged", &v.service_managed)
        .s("InstanceId", &v.instance_id)
        .s("PublicIp", &v.public_ip)
        .done()
}

// ---- prefix lists ------------------------------------------------------------------

/// `describe-prefix-lists` → `PrefixLists[]` (the AWS service lists).
pub(crate) fn prefix_list(v: &t::PrefixList) -> Value {
    Obj::new()
        .ls("Cidrs", &v.cidrs)
        .s("PrefixListId", &v.prefix_list_id)
        .s("PrefixListName", &v.prefix_list_name)
        .done()
}

/// `describe-managed-prefix-lists` → one list, with its entries from
/// `get-managed-prefix-list-entries` as `Entries` (left out when they could not be
/// read, so that the loader knows they are unknown rather than empty).
pub(crate) fn managed_prefix_list(
    v: &t::ManagedPrefixList,
    entries: Option<&[t::PrefixListEntry]>,
) -> Value {
    Obj::new()
        .s("PrefixListId", &v.prefix_list_id)
        .s("AddressFamily", &v.address_family)
        .e("State", &v.state)
        .s("StateMessage", &v.state_message)
        .s("PrefixListArn", &v.prefix_list_arn)
        .s("PrefixListName", &v.prefix_list_name)
        .i("MaxEntries", v.max_entries)
        .i("Version", v.version)
        .l("Tags", &v.tags, tag)
        .s("OwnerId", &v.owner_id)
        .v(
            "Entries",
            entries.map(|es| {
                Value::Array(
                    es.iter()
                        .map(|e| {
                            Obj::new()
                                .s("Cidr", &e.cidr)
                                .s("Description", &e.description)
                                .done()
                        })
                        .collect(),
                )
            }),
        )
        .done()
}

// ---- transit gateways --------------------------------------------------------------

/// `describe-transit-gateways` → `TransitGateways[]`.
pub(crate) fn transit_gateway(v: &t::TransitGateway) -> Value {
    Obj::new()
        .s("TransitGatewayId", &v.transit_gateway_id)
        .s("TransitGatewayArn", &v.transit_gateway_arn)
        .e("State", &v.state)
        .s("OwnerId", &v.owner_id)
        .s("Description", &v.description)
        .t("CreationTime", &v.creation_time)
        .o("Options", &v.options, |o| {
            Obj::new()
                .i("AmazonSideAsn", o.amazon_side_asn)
                .ls("TransitGatewayCidrBlocks", &o.transit_gateway_cidr_blocks)
                .e(
                    "AutoAcceptSharedAttachments",
                    &o.auto_accept_shared_attachments,
                )
                .e(
                    "DefaultRouteTableAssociation",
                    &o.default_route_table_association,
                )
                .s(
                    "AssociationDefaultRouteTableId",
                    &o.association_default_route_table_id,
                )
                .e(
                    "DefaultRouteTablePropagation",
                    &o.default_route_table_propagation,
                )
                .s(
                    "PropagationDefaultRouteTableId",
                    &o.propagation_default_route_table_id,
                )
                .e("VpnEcmpSupport", &o.vpn_ecmp_support)
                .e("DnsSupport", &o.dns_support)
                .done()
        })
        .l("Tags", &v.tags, tag)
        .done()
}

/// `describe-transit-gateway-attachments` → `TransitGatewayAttachments[]`.
pub(crate) fn tgw_attachment(v: &t::TransitGatewayAttachment) -> Value {
    Obj::new()
        .s(
            "TransitGatewayAttachmentId",
            &v.transit_gateway_attachment_id,
        )
        .s("TransitGatewayId", &v.transit_gateway_id)
        .s("TransitGatewayOwnerId", &v.transit_gateway_owner_id)
        .s("ResourceOwnerId", &v.resource_owner_id)
        .e("ResourceType", &v.resource_type)
        .s("ResourceId", &v.resource_id)
        .e("State", &v.state)
        .o("Association", &v.association, |a| {
            Obj::new()
                .s(
                    "TransitGatewayRouteTableId",
                    &a.transit_gateway_route_table_id,
                )
                .e("State", &a.state)
                .done()
        })
        .t("CreationTime", &v.creation_time)
        .l("Tags", &v.tags, tag)
        .done()
}

/// `describe-transit-gateway-vpc-attachments` → `TransitGatewayVpcAttachments[]`.
pub(crate) fn tgw_vpc_attachment(v: &t::TransitGatewayVpcAttachment) -> Value {
    Obj::new()
        .s(
            "TransitGatewayAttachmentId",
            &v.transit_gateway_attachment_id,
        )
        .s("TransitGatewayId", &v.transit_gateway_id)
        .s("VpcId", &v.vpc_id)
        .s("VpcOwnerId", &v.vpc_owner_id)
        .e("State", &v.state)
        .ls("SubnetIds", &v.subnet_ids)
        .t("CreationTime", &v.creation_time)
        .o("Options", &v.options, |o| {
            Obj::new()
                .e("DnsSupport", &o.dns_support)
                .e("ApplianceModeSupport", &o.appliance_mode_support)
                .done()
        })
        .l("Tags", &v.tags, tag)
        .done()
}

fn tgw_info(v: &t::PeeringTgwInfo) -> Value {
    Obj::new()
        .s("TransitGatewayId", &v.transit_gateway_id)
        .s("CoreNetworkId", &v.core_network_id)
        .s("OwnerId", &v.owner_id)
        .s("Region", &v.region)
        .done()
}

/// `describe-transit-gateway-peering-attachments` → `TransitGatewayPeeringAttachments[]`.
pub(crate) fn tgw_peering_attachment(v: &t::TransitGatewayPeeringAttachment) -> Value {
    Obj::new()
        .s(
            "TransitGatewayAttachmentId",
            &v.transit_gateway_attachment_id,
        )
        .s(
            "AccepterTransitGatewayAttachmentId",
            &v.accepter_transit_gateway_attachment_id,
        )
        .o("RequesterTgwInfo", &v.requester_tgw_info, tgw_info)
        .o("AccepterTgwInfo", &v.accepter_tgw_info, tgw_info)
        .o("Status", &v.status, |s| {
            Obj::new()
                .s("Code", &s.code)
                .s("Message", &s.message)
                .done()
        })
        .e("State", &v.state)
        .t("CreationTime", &v.creation_time)
        .l("Tags", &v.tags, tag)
        .done()
}

/// `describe-transit-gateway-route-tables` → `TransitGatewayRouteTables[]`.
pub(crate) fn tgw_route_table(v: &t::TransitGatewayRouteTable) -> Value {
    Obj::new()
        .s(
            "TransitGatewayRouteTableId",
            &v.transit_gateway_route_table_id,
        )
        .s("TransitGatewayId", &v.transit_gateway_id)
        .e("State", &v.state)
        .b(
            "DefaultAssociationRouteTable",
            v.default_association_route_table,
        )
        .b(
            "DefaultPropagationRouteTable",
            v.default_propagation_route_table,
        )
        .t("CreationTime", &v.creation_time)
        .l("Tags", &v.tags, tag)
        .done()
}

/// A route as `search-transit-gateway-routes` prints it.
pub(crate) fn tgw_route(v: &t::TransitGatewayRoute) -> Value {
    Obj::new()
        .s("DestinationCidrBlock", &v.destination_cidr_block)
        .s("PrefixListId", &v.prefix_list_id)
        .l(
            "TransitGatewayAttachments",
            &v.transit_gateway_attachments,
            |a| {
                Obj::new()
                    .s("ResourceId", &a.resource_id)
                    .s(
                        "TransitGatewayAttachmentId",
                        &a.transit_gateway_attachment_id,
                    )
                    .e("ResourceType", &a.resource_type)
                    .done()
            },
        )
        .e("Type", &v.r#type)
        .e("State", &v.state)
        .done()
}

/// An entry of `get-transit-gateway-route-table-propagations`.
pub(crate) fn tgw_propagation(v: &t::TransitGatewayRouteTablePropagation) -> Value {
    Obj::new()
        .s(
            "TransitGatewayAttachmentId",
            &v.transit_gateway_attachment_id,
        )
        .s("ResourceId", &v.resource_id)
        .e("ResourceType", &v.resource_type)
        .e("State", &v.state)
        .done()
}

/// An entry of `get-transit-gateway-route-table-associations`.
pub(crate) fn tgw_association(v: &t::TransitGatewayRouteTableAssociation) -> Value {
    Obj::new()
        .s(
            "TransitGatewayAttachmentId",
            &v.transit_gateway_attachment_id,
        )
        .s("ResourceId", &v.resource_id)
        .e("ResourceType", &v.resource_type)
        .e("State", &v.state)
        .done()
}

// ---- VPC endpoints and endpoint services -------------------------------------------

fn dns_entry(v: &t::DnsEntry) -> Value {
    Obj::new()
        .s("DnsName", &v.dns_name)
        .s("HostedZoneId", &v.hosted_zone_id)
        .done()
}

/// `describe-vpc-endpoints` → `VpcEndpoints[]`.
pub(crate) fn vpc_endpoint(v: &t::VpcEndpoint) -> Value {
    Obj::new()
        .s("VpcEndpointId", &v.vpc_endpoint_id)
        .e("VpcEndpointType", &v.vpc_endpoint_type)
        .s("VpcId", &v.vpc_id)
        .s("ServiceName", &v.service_name)
        .e("State", &v.state)
        .s("PolicyDocument", &v.policy_document)
        .ls("RouteTableIds", &v.route_table_ids)
        .ls("SubnetIds", &v.subnet_ids)
        .l("Groups", &v.groups, |g| {
            Obj::new()
                .s("GroupId", &g.group_id)
                .s("GroupName", &g.group_name)
                .done()
        })
        .e("IpAddressType", &v.ip_address_type)
        .b("PrivateDnsEnabled", v.private_dns_enabled)
        .b("RequesterManaged", v.requester_managed)
        .ls("NetworkInterfaceIds", &v.network_interface_ids)
        .l("DnsEntries", &v.dns_entries, dns_entry)
        .t("CreationTimestamp", &v.creation_timestamp)
        .l("Tags", &v.tags, tag)
        .s("OwnerId", &v.owner_id)
        .s("ServiceRegion", &v.service_region)
        .done()
}

fn service_types(v: &Option<Vec<t::ServiceTypeDetail>>) -> Option<Value> {
    v.as_ref().map(|list| {
        Value::Array(
            list.iter()
                .map(|d| Obj::new().e("ServiceType", &d.service_type).done())
                .collect(),
        )
    })
}

/// `describe-vpc-endpoint-service-configurations` → `ServiceConfigurations[]`, with the
/// service's `AllowedPrincipals` from `describe-vpc-endpoint-service-permissions`
/// embedded (left out when they could not be read).
pub(crate) fn service_configuration(
    v: &t::ServiceConfiguration,
    principals: Option<&[t::AllowedPrincipal]>,
) -> Value {
    Obj::new()
        .v("ServiceType", service_types(&v.service_type))
        .s("ServiceId", &v.service_id)
        .s("ServiceName", &v.service_name)
        .e("ServiceState", &v.service_state)
        .ls("AvailabilityZones", &v.availability_zones)
        .b("AcceptanceRequired", v.acceptance_required)
        .b("ManagesVpcEndpoints", v.manages_vpc_endpoints)
        .ls("NetworkLoadBalancerArns", &v.network_load_balancer_arns)
        .ls("GatewayLoadBalancerArns", &v.gateway_load_balancer_arns)
        .ls("BaseEndpointDnsNames", &v.base_endpoint_dns_names)
        .s("PrivateDnsName", &v.private_dns_name)
        .l("Tags", &v.tags, tag)
        .l("SupportedRegions", &v.supported_regions, |r| {
            Obj::new()
                .s("Region", &r.region)
                .s("ServiceState", &r.service_state)
                .done()
        })
        .v(
            "AllowedPrincipals",
            principals.map(|ps| {
                Value::Array(
                    ps.iter()
                        .map(|p| {
                            Obj::new()
                                .e("PrincipalType", &p.principal_type)
                                .s("Principal", &p.principal)
                                .s("ServicePermissionId", &p.service_permission_id)
                                .s("ServiceId", &p.service_id)
                                .done()
                        })
                        .collect(),
                )
            }),
        )
        .done()
}

/// `describe-vpc-endpoint-services` → `ServiceDetails[]`.
pub(crate) fn service_detail(v: &t::ServiceDetail) -> Value {
    Obj::new()
        .s("ServiceName", &v.service_name)
        .s("ServiceId", &v.service_id)
        .v("ServiceType", service_types(&v.service_type))
        .s("ServiceRegion", &v.service_region)
        .ls("AvailabilityZones", &v.availability_zones)
        .s("Owner", &v.owner)
        .ls("BaseEndpointDnsNames", &v.base_endpoint_dns_names)
        .s("PrivateDnsName", &v.private_dns_name)
        .b(
            "VpcEndpointPolicySupported",
            v.vpc_endpoint_policy_supported,
        )
        .b("AcceptanceRequired", v.acceptance_required)
        .b("ManagesVpcEndpoints", v.manages_vpc_endpoints)
        .l("Tags", &v.tags, tag)
        .done()
}

/// `describe-vpc-endpoint-connections` → `VpcEndpointConnections[]`.
pub(crate) fn vpc_endpoint_connection(v: &t::VpcEndpointConnection) -> Value {
    Obj::new()
        .s("ServiceId", &v.service_id)
        .s("VpcEndpointId", &v.vpc_endpoint_id)
        .s("VpcEndpointOwner", &v.vpc_endpoint_owner)
        .e("VpcEndpointState", &v.vpc_endpoint_state)
        .t("CreationTimestamp", &v.creation_timestamp)
        .l("DnsEntries", &v.dns_entries, dns_entry)
        .ls("NetworkLoadBalancerArns", &v.network_load_balancer_arns)
        .ls("GatewayLoadBalancerArns", &v.gateway_load_balancer_arns)
        .e("IpAddressType", &v.ip_address_type)
        .s("VpcEndpointConnectionId", &v.vpc_endpoint_connection_id)
        .l("Tags", &v.tags, tag)
        .s("VpcEndpointRegion", &v.vpc_endpoint_region)
        .done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keeps_every_target_and_drops_absent_ones() {
        let r = t::Route::builder()
            .destination_cidr_block("10.1.0.0/16")
            .vpc_peering_connection_id("pcx-1")
            .state(t::RouteState::Active)
            .origin(t::RouteOrigin::CreateRoute)
            .build();
        assert_eq!(
            route(&r).to_string(),
            r#"{"DestinationCidrBlock":"10.1.0.0/16","Origin":"CreateRoute","State":"active","VpcPeeringConnectionId":"pcx-1"}"#
        );
    }

    #[test]
    fn acl_entry_icmp_and_ports() {
        let e = t::NetworkAclEntry::builder()
            .rule_number(100)
            .protocol("1")
            .rule_action(t::RuleAction::Deny)
            .egress(false)
            .cidr_block("0.0.0.0/0")
            .icmp_type_code(t::IcmpTypeCode::builder().r#type(8).code(-1).build())
            .build();
        assert_eq!(
            acl_entry(&e).to_string(),
            r#"{"CidrBlock":"0.0.0.0/0","Egress":false,"IcmpTypeCode":{"Code":-1,"Type":8},"Protocol":"1","RuleAction":"deny","RuleNumber":100}"#
        );
    }

    #[test]
    fn managed_prefix_list_entries_unknown_vs_empty() {
        let pl = t::ManagedPrefixList::builder()
            .prefix_list_id("pl-1")
            .build();
        assert_eq!(
            managed_prefix_list(&pl, None).to_string(),
            r#"{"PrefixListId":"pl-1"}"#
        );
        assert_eq!(
            managed_prefix_list(&pl, Some(&[])).to_string(),
            r#"{"PrefixListId":"pl-1","Entries":[]}"#
        );
    }
}
