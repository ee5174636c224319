//! Wire structs: the AWS CLI's JSON, field for field (PascalCase), as far as vpcnet
//! reads it. Unknown fields are ignored (AWS adds fields all the time); every field
//! that is not an id is optional here and judged when lowering, where a message can
//! say what was expected.
//!
//! Nested lists whose items stand on their own (routes, rules, entries, instances)
//! are [`Lenient`], so one bad entry is reported and its neighbours still load.

use serde::Deserialize;

use crate::lenient::{Lenient, Proto, Str};

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
