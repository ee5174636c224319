//! Wire structs: the AWS CLI's JSON, field for field (PascalCase), as far as vpcnet
//! reads it. Unknown fields are ignored (AWS adds fields all the time); every field
//! that is not an id is optional here and judged when lowering, where a message can
//! say what was expected.
//!
//! Nested lists whose items stand on their own (routes, rules, entries, instances)
//! are [`Lenient`], so one bad entry is reported and its neighbours still load.

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::lenient::{Lenient, Proto, Str, Text};

/// `{"Key": …, "Value": …}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Tag<'a> {
    pub(crate) key: Str<'a>,
    #[serde(default)]
    pub(crate) value: Str<'a>,
}

/// `{"State": "associated"}` and the like.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct StateObj<'a> {
    pub(crate) state: Option<Str<'a>>,
}

/// `{"Name": "running"}` (an instance's state).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct NameObj<'a> {
    pub(crate) name: Option<Str<'a>>,
}

/// An entry of `CidrBlockAssociationSet`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct CidrAssoc<'a> {
    pub(crate) cidr_block: Option<Str<'a>>,
    pub(crate) cidr_block_state: Option<StateObj<'a>>,
}

/// An entry of `Ipv6CidrBlockAssociationSet`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Ipv6Assoc<'a> {
    pub(crate) ipv6_cidr_block: Option<Str<'a>>,
    pub(crate) ipv6_cidr_block_state: Option<StateObj<'a>>,
}

/// `describe-vpcs` → `Vpcs[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Vpc<'a> {
    pub(crate) vpc_id: Str<'a>,
    pub(crate) owner_id: Option<Str<'a>>,
    pub(crate) cidr_block: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) cidr_block_association_set: Vec<CidrAssoc<'a>>,
    #[serde(default)]
    pub(crate) ipv6_cidr_block_association_set: Vec<Ipv6Assoc<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
    pub(crate) is_default: Option<bool>,
    /// From `describe-vpc-attribute --attribute enableDnsSupport`, embedded.
    pub(crate) enable_dns_support: Option<AttrValue>,
    /// From `describe-vpc-attribute --attribute enableDnsHostnames`, embedded.
    pub(crate) enable_dns_hostnames: Option<AttrValue>,
}

/// `{"Value": true}`, as `describe-vpc-attribute` prints an attribute.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttrValue {
    pub(crate) value: Option<bool>,
}

/// `describe-subnets` → `Subnets[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Subnet<'a> {
    pub(crate) subnet_id: Str<'a>,
    pub(crate) vpc_id: Str<'a>,
    pub(crate) cidr_block: Option<Str<'a>>,
    pub(crate) availability_zone: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) ipv6_cidr_block_association_set: Vec<Ipv6Assoc<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// An entry of a route table's `Associations`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct RtAssoc<'a> {
    pub(crate) main: Option<bool>,
    pub(crate) subnet_id: Option<Str<'a>>,
    pub(crate) gateway_id: Option<Str<'a>>,
    pub(crate) association_state: Option<StateObj<'a>>,
}

/// An entry of a route table's `Routes`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Route<'a> {
    pub(crate) destination_cidr_block: Option<Str<'a>>,
    pub(crate) destination_ipv6_cidr_block: Option<Str<'a>>,
    pub(crate) destination_prefix_list_id: Option<Str<'a>>,
    pub(crate) gateway_id: Option<Str<'a>>,
    pub(crate) nat_gateway_id: Option<Str<'a>>,
    pub(crate) vpc_peering_connection_id: Option<Str<'a>>,
    pub(crate) transit_gateway_id: Option<Str<'a>>,
    pub(crate) network_interface_id: Option<Str<'a>>,
    pub(crate) instance_id: Option<Str<'a>>,
    pub(crate) egress_only_internet_gateway_id: Option<Str<'a>>,
    pub(crate) carrier_gateway_id: Option<Str<'a>>,
    pub(crate) local_gateway_id: Option<Str<'a>>,
    pub(crate) core_network_arn: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    pub(crate) origin: Option<Str<'a>>,
}

/// `describe-route-tables` → `RouteTables[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct RouteTable<'a> {
    pub(crate) route_table_id: Str<'a>,
    pub(crate) vpc_id: Str<'a>,
    #[serde(default)]
    pub(crate) associations: Vec<Lenient<RtAssoc<'a>>>,
    #[serde(default)]
    pub(crate) routes: Vec<Lenient<Route<'a>>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `IpRanges[]` of a permission.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct IpRange<'a> {
    pub(crate) cidr_ip: Str<'a>,
    pub(crate) description: Option<Str<'a>>,
}

/// `Ipv6Ranges[]` of a permission.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Ipv6Range<'a> {
    pub(crate) cidr_ipv6: Str<'a>,
    pub(crate) description: Option<Str<'a>>,
}

/// `PrefixListIds[]` of a permission.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PrefixListRef<'a> {
    pub(crate) prefix_list_id: Str<'a>,
    pub(crate) description: Option<Str<'a>>,
}

/// `UserIdGroupPairs[]` of a permission, or `ReferencedGroupInfo` of a rule.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct GroupPair<'a> {
    pub(crate) group_id: Option<Str<'a>>,
    pub(crate) user_id: Option<Str<'a>>,
    pub(crate) vpc_id: Option<Str<'a>>,
    pub(crate) description: Option<Str<'a>>,
}

/// An entry of `IpPermissions` / `IpPermissionsEgress`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Permission<'a> {
    pub(crate) ip_protocol: Proto<'a>,
    pub(crate) from_port: Option<i64>,
    pub(crate) to_port: Option<i64>,
    #[serde(default)]
    pub(crate) ip_ranges: Vec<IpRange<'a>>,
    #[serde(default)]
    pub(crate) ipv6_ranges: Vec<Ipv6Range<'a>>,
    #[serde(default)]
    pub(crate) prefix_list_ids: Vec<PrefixListRef<'a>>,
    #[serde(default)]
    pub(crate) user_id_group_pairs: Vec<GroupPair<'a>>,
}

/// `describe-security-groups` → `SecurityGroups[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct SecurityGroup<'a> {
    pub(crate) group_id: Str<'a>,
    pub(crate) group_name: Option<Str<'a>>,
    pub(crate) vpc_id: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) ip_permissions: Vec<Lenient<Permission<'a>>>,
    #[serde(default)]
    pub(crate) ip_permissions_egress: Vec<Lenient<Permission<'a>>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `describe-security-group-rules` → `SecurityGroupRules[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct SgRule<'a> {
    pub(crate) group_id: Str<'a>,
    #[serde(default)]
    pub(crate) is_egress: bool,
    pub(crate) ip_protocol: Proto<'a>,
    pub(crate) from_port: Option<i64>,
    pub(crate) to_port: Option<i64>,
    pub(crate) cidr_ipv4: Option<Str<'a>>,
    pub(crate) cidr_ipv6: Option<Str<'a>>,
    pub(crate) prefix_list_id: Option<Str<'a>>,
    pub(crate) referenced_group_info: Option<GroupPair<'a>>,
    pub(crate) description: Option<Str<'a>>,
}

/// A network ACL entry's `PortRange`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PortRange {
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
}

/// A network ACL entry's `IcmpTypeCode`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IcmpTypeCode {
    #[serde(rename = "Type")]
    pub(crate) icmp_type: Option<i64>,
    pub(crate) code: Option<i64>,
}

/// An entry of a network ACL's `Entries`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct AclEntry<'a> {
    pub(crate) rule_number: i64,
    pub(crate) protocol: Proto<'a>,
    pub(crate) rule_action: Str<'a>,
    #[serde(default)]
    pub(crate) egress: bool,
    pub(crate) cidr_block: Option<Str<'a>>,
    pub(crate) ipv6_cidr_block: Option<Str<'a>>,
    pub(crate) port_range: Option<PortRange>,
    pub(crate) icmp_type_code: Option<IcmpTypeCode>,
}

/// An entry of a network ACL's `Associations`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct AclAssoc<'a> {
    pub(crate) subnet_id: Str<'a>,
}

/// `describe-network-acls` → `NetworkAcls[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct NetworkAcl<'a> {
    pub(crate) network_acl_id: Str<'a>,
    pub(crate) vpc_id: Str<'a>,
    pub(crate) is_default: Option<bool>,
    #[serde(default)]
    pub(crate) associations: Vec<Lenient<AclAssoc<'a>>>,
    #[serde(default)]
    pub(crate) entries: Vec<Lenient<AclEntry<'a>>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `{"PublicIp": …}`: the public side of an address.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PublicAssoc<'a> {
    pub(crate) public_ip: Option<Str<'a>>,
}

/// An entry of an interface's `PrivateIpAddresses`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PrivateIpAddress<'a> {
    pub(crate) private_ip_address: Str<'a>,
    pub(crate) primary: Option<bool>,
    pub(crate) association: Option<PublicAssoc<'a>>,
}

/// `{"GroupId": …}` in `Groups` / `SecurityGroups`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct GroupRef<'a> {
    pub(crate) group_id: Str<'a>,
}

/// An interface's `Attachment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Attachment<'a> {
    pub(crate) instance_id: Option<Str<'a>>,
    pub(crate) device_index: Option<i64>,
}

/// `describe-network-interfaces` → `NetworkInterfaces[]`, and an instance's
/// `NetworkInterfaces[]` (the same fields, fewer of them).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Eni<'a> {
    pub(crate) network_interface_id: Str<'a>,
    pub(crate) subnet_id: Option<Str<'a>>,
    pub(crate) vpc_id: Option<Str<'a>>,
    pub(crate) interface_type: Option<Str<'a>>,
    pub(crate) private_ip_address: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) private_ip_addresses: Vec<PrivateIpAddress<'a>>,
    pub(crate) association: Option<PublicAssoc<'a>>,
    #[serde(default)]
    pub(crate) groups: Vec<GroupRef<'a>>,
    pub(crate) source_dest_check: Option<bool>,
    pub(crate) attachment: Option<Attachment<'a>>,
    pub(crate) description: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) tag_set: Vec<Tag<'a>>,
    pub(crate) requester_managed: Option<bool>,
}

/// An instance in `Reservations[].Instances[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Instance<'a> {
    pub(crate) instance_id: Str<'a>,
    pub(crate) state: Option<NameObj<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
    pub(crate) subnet_id: Option<Str<'a>>,
    pub(crate) private_ip_address: Option<Str<'a>>,
    pub(crate) public_ip_address: Option<Str<'a>>,
    pub(crate) source_dest_check: Option<bool>,
    #[serde(default)]
    pub(crate) security_groups: Vec<GroupRef<'a>>,
    #[serde(default)]
    pub(crate) network_interfaces: Vec<Lenient<Eni<'a>>>,
}

/// `describe-instances` → `Reservations[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Reservation<'a> {
    #[serde(default)]
    pub(crate) instances: Vec<Lenient<Instance<'a>>>,
}

/// `{"CidrBlock": …}` in a peering's `CidrBlockSet`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct CidrOnly<'a> {
    pub(crate) cidr_block: Str<'a>,
}

/// A peering side's `PeeringOptions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringOptions {
    pub(crate) allow_dns_resolution_from_remote_vpc: Option<bool>,
}

/// `RequesterVpcInfo` / `AccepterVpcInfo`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct VpcInfo<'a> {
    pub(crate) vpc_id: Str<'a>,
    pub(crate) owner_id: Option<Str<'a>>,
    pub(crate) region: Option<Str<'a>>,
    pub(crate) cidr_block: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) cidr_block_set: Vec<CidrOnly<'a>>,
    pub(crate) peering_options: Option<PeeringOptions>,
}

/// A peering's `Status`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PeeringStatus<'a> {
    pub(crate) code: Str<'a>,
}

/// `describe-vpc-peering-connections` → `VpcPeeringConnections[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Peering<'a> {
    pub(crate) vpc_peering_connection_id: Str<'a>,
    pub(crate) status: Option<PeeringStatus<'a>>,
    pub(crate) requester_vpc_info: VpcInfo<'a>,
    pub(crate) accepter_vpc_info: VpcInfo<'a>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// An internet gateway's `Attachments[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct IgwAttachment<'a> {
    pub(crate) vpc_id: Str<'a>,
    pub(crate) state: Option<Str<'a>>,
}

/// `describe-internet-gateways` → `InternetGateways[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct InternetGateway<'a> {
    pub(crate) internet_gateway_id: Str<'a>,
    #[serde(default)]
    pub(crate) attachments: Vec<IgwAttachment<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// A NAT gateway's `NatGatewayAddresses[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct NatAddress<'a> {
    pub(crate) network_interface_id: Option<Str<'a>>,
    pub(crate) private_ip: Option<Str<'a>>,
    pub(crate) public_ip: Option<Str<'a>>,
    pub(crate) is_primary: Option<bool>,
}

/// `describe-nat-gateways` → `NatGateways[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct NatGateway<'a> {
    pub(crate) nat_gateway_id: Str<'a>,
    pub(crate) subnet_id: Str<'a>,
    pub(crate) state: Option<Str<'a>>,
    pub(crate) connectivity_type: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) nat_gateway_addresses: Vec<NatAddress<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `describe-addresses` → `Addresses[]` (Elastic IPs).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Address<'a> {
    pub(crate) public_ip: Str<'a>,
    pub(crate) network_interface_id: Option<Str<'a>>,
    pub(crate) private_ip_address: Option<Str<'a>>,
    pub(crate) instance_id: Option<Str<'a>>,
}

/// `describe-prefix-lists` → `PrefixLists[]` (the AWS service lists).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PrefixList<'a> {
    pub(crate) prefix_list_id: Str<'a>,
    pub(crate) prefix_list_name: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) cidrs: Vec<Str<'a>>,
}

/// An entry of `get-managed-prefix-list-entries`, embedded as `Entries`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct PrefixListEntry<'a> {
    pub(crate) cidr: Str<'a>,
}

/// `describe-managed-prefix-lists` → `ManagedPrefixLists[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ManagedPrefixList<'a> {
    pub(crate) prefix_list_id: Str<'a>,
    pub(crate) prefix_list_name: Option<Str<'a>>,
    pub(crate) entries: Option<Vec<Lenient<PrefixListEntry<'a>>>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

// ---- transit gateways ------------------------------------------------------------

/// `describe-transit-gateways` → `TransitGateways[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TransitGateway<'a> {
    pub(crate) transit_gateway_id: Str<'a>,
    pub(crate) owner_id: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// An attachment's `Association`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwAssociation<'a> {
    pub(crate) transit_gateway_route_table_id: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
}

/// `describe-transit-gateway-attachments` → `TransitGatewayAttachments[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwAttachment<'a> {
    pub(crate) transit_gateway_attachment_id: Str<'a>,
    pub(crate) transit_gateway_id: Option<Str<'a>>,
    pub(crate) resource_type: Option<Str<'a>>,
    pub(crate) resource_id: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    pub(crate) association: Option<TgwAssociation<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// A VPC attachment's `Options`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwVpcOptions<'a> {
    pub(crate) appliance_mode_support: Option<Str<'a>>,
}

/// `describe-transit-gateway-vpc-attachments` → `TransitGatewayVpcAttachments[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwVpcAttachment<'a> {
    pub(crate) transit_gateway_attachment_id: Str<'a>,
    pub(crate) transit_gateway_id: Option<Str<'a>>,
    pub(crate) vpc_id: Option<Str<'a>>,
    pub(crate) vpc_owner_id: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) subnet_ids: Vec<Str<'a>>,
    pub(crate) options: Option<TgwVpcOptions<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `RequesterTgwInfo` / `AccepterTgwInfo` of a peering attachment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwInfo<'a> {
    pub(crate) transit_gateway_id: Option<Str<'a>>,
}

/// `describe-transit-gateway-peering-attachments` → `TransitGatewayPeeringAttachments[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwPeeringAttachment<'a> {
    pub(crate) transit_gateway_attachment_id: Str<'a>,
    pub(crate) requester_tgw_info: Option<TgwInfo<'a>>,
    pub(crate) accepter_tgw_info: Option<TgwInfo<'a>>,
    pub(crate) state: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `describe-transit-gateway-route-tables` → `TransitGatewayRouteTables[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwRouteTable<'a> {
    pub(crate) transit_gateway_route_table_id: Str<'a>,
    pub(crate) transit_gateway_id: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// An entry of a transit gateway route's `TransitGatewayAttachments`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwRouteAttachment<'a> {
    pub(crate) transit_gateway_attachment_id: Option<Str<'a>>,
}

/// A route as `search-transit-gateway-routes` prints it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwRoute<'a> {
    pub(crate) destination_cidr_block: Option<Str<'a>>,
    pub(crate) destination_ipv6_cidr_block: Option<Str<'a>>,
    pub(crate) prefix_list_id: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) transit_gateway_attachments: Vec<TgwRouteAttachment<'a>>,
    #[serde(rename = "Type")]
    pub(crate) kind: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
}

/// `TransitGatewayStaticRoutes[]`, as Batfish lays them out: the routes
/// `search-transit-gateway-routes` prints for one route table, with its id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwTableRoutes<'a> {
    pub(crate) transit_gateway_route_table_id: Str<'a>,
    #[serde(default)]
    pub(crate) routes: Vec<Lenient<TgwRoute<'a>>>,
    pub(crate) additional_routes_available: Option<bool>,
}

/// An entry of `get-transit-gateway-route-table-propagations` or
/// `get-transit-gateway-route-table-associations`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwRelation<'a> {
    pub(crate) transit_gateway_attachment_id: Str<'a>,
    pub(crate) state: Option<Str<'a>>,
}

/// `TransitGatewayPropagations[]`, as Batfish lays them out: one route table's
/// `TransitGatewayRouteTablePropagations`, with its id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwTablePropagations<'a> {
    pub(crate) transit_gateway_route_table_id: Str<'a>,
    #[serde(default)]
    pub(crate) transit_gateway_route_table_propagations: Vec<Lenient<TgwRelation<'a>>>,
}

/// `TransitGatewayRouteTableAssociations[]`, laid out as the propagations are: one
/// route table's `Associations`, with its id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TgwTableAssociations<'a> {
    pub(crate) transit_gateway_route_table_id: Str<'a>,
    #[serde(default)]
    pub(crate) associations: Vec<Lenient<TgwRelation<'a>>>,
}

// ---- VPC endpoints and endpoint services -------------------------------------------

/// `describe-vpc-endpoints` → `VpcEndpoints[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct VpcEndpoint<'a> {
    pub(crate) vpc_endpoint_id: Str<'a>,
    pub(crate) vpc_endpoint_type: Option<Str<'a>>,
    pub(crate) vpc_id: Str<'a>,
    pub(crate) service_name: Option<Str<'a>>,
    pub(crate) state: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) route_table_ids: Vec<Str<'a>>,
    #[serde(default)]
    pub(crate) network_interface_ids: Vec<Str<'a>>,
    pub(crate) private_dns_enabled: Option<bool>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// An entry of a service's `SupportedRegions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct SupportedRegion<'a> {
    pub(crate) region: Option<Str<'a>>,
}

/// An entry of `describe-vpc-endpoint-service-permissions` → `AllowedPrincipals`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct AllowedPrincipal<'a> {
    pub(crate) principal: Option<Str<'a>>,
}

/// `describe-vpc-endpoint-service-configurations` → `ServiceConfigurations[]` (also
/// read under `VpcEndpointServices`), with the service's `AllowedPrincipals` from
/// `describe-vpc-endpoint-service-permissions` embedded.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ServiceConfiguration<'a> {
    pub(crate) service_id: Str<'a>,
    pub(crate) service_name: Option<Str<'a>>,
    pub(crate) service_state: Option<Str<'a>>,
    pub(crate) acceptance_required: Option<bool>,
    #[serde(default)]
    pub(crate) network_load_balancer_arns: Vec<Str<'a>>,
    #[serde(default)]
    pub(crate) gateway_load_balancer_arns: Vec<Str<'a>>,
    #[serde(default)]
    pub(crate) supported_regions: Vec<SupportedRegion<'a>>,
    pub(crate) allowed_principals: Option<Vec<Lenient<AllowedPrincipal<'a>>>>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `describe-vpc-endpoint-services` → `ServiceDetails[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ServiceDetail<'a> {
    pub(crate) service_name: Str<'a>,
    pub(crate) service_id: Option<Str<'a>>,
    pub(crate) owner: Option<Str<'a>>,
    pub(crate) acceptance_required: Option<bool>,
    #[serde(default)]
    pub(crate) tags: Vec<Tag<'a>>,
}

/// `describe-vpc-endpoint-connections` → `VpcEndpointConnections[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct VpcEndpointConnection<'a> {
    pub(crate) service_id: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) network_load_balancer_arns: Vec<Str<'a>>,
}

// ---- load balancers ----------------------------------------------------------------

/// A load balancer's `State`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct CodeObj<'a> {
    pub(crate) code: Option<Str<'a>>,
}

/// An entry of a zone's `LoadBalancerAddresses`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct LbAddress<'a> {
    pub(crate) ip_address: Option<Str<'a>>,
    #[serde(rename = "PrivateIPv4Address")]
    pub(crate) private_ipv4_address: Option<Str<'a>>,
}

/// An entry of a load balancer's `AvailabilityZones`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct LbZone<'a> {
    pub(crate) subnet_id: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) load_balancer_addresses: Vec<LbAddress<'a>>,
}

/// `elbv2 describe-load-balancers` → `LoadBalancers[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct LoadBalancer<'a> {
    pub(crate) load_balancer_arn: Str<'a>,
    pub(crate) load_balancer_name: Option<Str<'a>>,
    #[serde(rename = "DNSName")]
    pub(crate) dns_name: Option<Str<'a>>,
    pub(crate) scheme: Option<Str<'a>>,
    pub(crate) vpc_id: Option<Str<'a>>,
    pub(crate) state: Option<CodeObj<'a>>,
    #[serde(rename = "Type")]
    pub(crate) kind: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) availability_zones: Vec<Lenient<LbZone<'a>>>,
    #[serde(default)]
    pub(crate) security_groups: Vec<Str<'a>>,
}

/// A target group of a `forward` action's `ForwardConfig`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct WeightedGroup<'a> {
    pub(crate) target_group_arn: Option<Str<'a>>,
    pub(crate) weight: Option<i64>,
}

/// A `forward` action's `ForwardConfig`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ForwardConfig<'a> {
    #[serde(default)]
    pub(crate) target_groups: Vec<WeightedGroup<'a>>,
}

/// An entry of a listener's `DefaultActions` or a rule's `Actions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct LbAction<'a> {
    #[serde(rename = "Type")]
    pub(crate) kind: Option<Str<'a>>,
    pub(crate) order: Option<i64>,
    pub(crate) target_group_arn: Option<Str<'a>>,
    pub(crate) forward_config: Option<ForwardConfig<'a>>,
}

/// `elbv2 describe-listeners` → `Listeners[]`; under `LoadBalancerListeners` (as
/// Batfish lays them out) an item is a load balancer's `LoadBalancerArn` with its
/// `Listeners`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Listener<'a> {
    pub(crate) listener_arn: Option<Str<'a>>,
    pub(crate) load_balancer_arn: Option<Str<'a>>,
    pub(crate) port: Option<i64>,
    pub(crate) protocol: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) default_actions: Vec<Lenient<LbAction<'a>>>,
    pub(crate) listeners: Option<Vec<Lenient<Listener<'a>>>>,
}

/// `{"Values": [...]}` (a rule condition's `HostHeaderConfig`, `PathPatternConfig`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ValuesObj<'a> {
    #[serde(default)]
    pub(crate) values: Vec<Str<'a>>,
}

/// An entry of a rule's `Conditions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct RuleCondition<'a> {
    pub(crate) field: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) values: Vec<Str<'a>>,
    pub(crate) host_header_config: Option<ValuesObj<'a>>,
    pub(crate) path_pattern_config: Option<ValuesObj<'a>>,
}

/// `elbv2 describe-rules` → `Rules[]` (the listener is in the rule's ARN).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Rule<'a> {
    pub(crate) rule_arn: Option<Str<'a>>,
    pub(crate) listener_arn: Option<Str<'a>>,
    pub(crate) priority: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) conditions: Vec<Lenient<RuleCondition<'a>>>,
    #[serde(default)]
    pub(crate) actions: Vec<Lenient<LbAction<'a>>>,
    pub(crate) is_default: Option<bool>,
}

/// `elbv2 describe-target-groups` → `TargetGroups[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetGroup<'a> {
    pub(crate) target_group_arn: Str<'a>,
    pub(crate) target_group_name: Option<Str<'a>>,
    pub(crate) protocol: Option<Str<'a>>,
    pub(crate) port: Option<i64>,
    pub(crate) vpc_id: Option<Str<'a>>,
    pub(crate) target_type: Option<Str<'a>>,
}

/// A target health description's `Target`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetRef<'a> {
    pub(crate) id: Str<'a>,
    pub(crate) port: Option<i64>,
    pub(crate) availability_zone: Option<Str<'a>>,
}

/// A target health description's `TargetHealth`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetHealthState<'a> {
    pub(crate) state: Option<Str<'a>>,
}

/// An entry of `elbv2 describe-target-health` → `TargetHealthDescriptions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetHealthDescription<'a> {
    pub(crate) target: TargetRef<'a>,
    pub(crate) target_health: Option<TargetHealthState<'a>>,
}

/// `LoadBalancerTargetHealth[]`, as Batfish lays it out: one target group's
/// `TargetHealthDescriptions`, with its ARN.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetHealthSet<'a> {
    pub(crate) target_group_arn: Str<'a>,
    #[serde(default)]
    pub(crate) target_health_descriptions: Vec<Lenient<TargetHealthDescription<'a>>>,
}

/// `{"Key": …, "Value": …}` of `describe-load-balancer-attributes`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct Attribute<'a> {
    pub(crate) key: Str<'a>,
    pub(crate) value: Option<Str<'a>>,
}

/// `LoadBalancerAttributes[]`, as Batfish lays them out: one load balancer's
/// `Attributes`, with its ARN.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct LbAttributes<'a> {
    pub(crate) load_balancer_arn: Str<'a>,
    #[serde(default)]
    pub(crate) attributes: Vec<Attribute<'a>>,
}

// ---- Route 53 ----------------------------------------------------------------------

/// A hosted zone's `Config`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ZoneConfig {
    pub(crate) private_zone: Option<bool>,
}

/// An entry of a zone's `VPCs` (as `get-hosted-zone` prints them).
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct ZoneVpc<'a> {
    #[serde(rename = "VPCId")]
    pub(crate) vpc_id: Str<'a>,
    #[serde(rename = "VPCRegion")]
    pub(crate) vpc_region: Option<Str<'a>>,
}

/// `{"Value": …}` of a record set's `ResourceRecords`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ResourceRecord<'a> {
    pub(crate) value: Str<'a>,
}

/// A record set's `AliasTarget`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct AliasTarget<'a> {
    #[serde(rename = "DNSName")]
    pub(crate) dns_name: Str<'a>,
    pub(crate) evaluate_target_health: Option<bool>,
}

/// `list-resource-record-sets` → `ResourceRecordSets[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct RecordSet<'a> {
    pub(crate) name: Str<'a>,
    #[serde(rename = "Type")]
    pub(crate) kind: Str<'a>,
    #[serde(rename = "TTL")]
    pub(crate) ttl: Option<i64>,
    #[serde(default)]
    pub(crate) resource_records: Vec<ResourceRecord<'a>>,
    pub(crate) alias_target: Option<AliasTarget<'a>>,
    pub(crate) set_identifier: Option<Str<'a>>,
    pub(crate) weight: Option<i64>,
    pub(crate) region: Option<Str<'a>>,
    pub(crate) failover: Option<Str<'a>>,
    pub(crate) geo_location: Option<IgnoredAny>,
    pub(crate) geo_proximity_location: Option<IgnoredAny>,
    pub(crate) cidr_routing_config: Option<IgnoredAny>,
    pub(crate) multi_value_answer: Option<bool>,
}

/// `list-hosted-zones` → `HostedZones[]`, each with its `VPCs` (from `get-hosted-zone`)
/// and `ResourceRecordSets` (from `list-resource-record-sets`) embedded.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct HostedZone<'a> {
    pub(crate) id: Str<'a>,
    pub(crate) name: Str<'a>,
    pub(crate) config: Option<ZoneConfig>,
    #[serde(rename = "VPCs")]
    pub(crate) vpcs: Option<Vec<Lenient<ZoneVpc<'a>>>>,
    pub(crate) resource_record_sets: Option<Vec<Lenient<RecordSet<'a>>>>,
}

/// An entry of a Resolver rule's `TargetIps`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct TargetAddress<'a> {
    pub(crate) ip: Option<Str<'a>>,
    pub(crate) ipv6: Option<Str<'a>>,
    pub(crate) port: Option<i64>,
}

/// `route53resolver list-resolver-rules` → `ResolverRules[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ResolverRule<'a> {
    pub(crate) id: Str<'a>,
    pub(crate) domain_name: Option<Str<'a>>,
    pub(crate) rule_type: Option<Str<'a>>,
    pub(crate) status: Option<Str<'a>>,
    pub(crate) name: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) target_ips: Vec<Lenient<TargetAddress<'a>>>,
}

/// `route53resolver list-resolver-rule-associations` → `ResolverRuleAssociations[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
pub(crate) struct ResolverRuleAssociation<'a> {
    pub(crate) resolver_rule_id: Str<'a>,
    #[serde(rename = "VPCId")]
    pub(crate) vpc_id: Str<'a>,
    pub(crate) status: Option<Str<'a>>,
}
