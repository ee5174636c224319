//! The wire form of the spec: what a person writes, as serde and JSON Schema see it.
//!
//! These structs mirror the file, not the model: names instead of indices, optional
//! ids, strings for CIDRs and addresses (so a bad one is reported where it is, not as a
//! failure of the whole document). `lower.rs` turns them into a `Network`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient::Lenient;

/// A whole network: accounts, prefix lists, VPCs and the peerings between them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Optional JSON Schema reference for editors; ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// A free-text description of the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Account and region for resources that do not name their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Defaults>,
    /// AWS accounts, to give them names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Lenient<AccountSpec>>,
    /// Managed prefix lists, usable as route destinations and security group peers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<Lenient<PrefixListSpec>>,
    /// The VPCs with everything inside them.
    #[serde(default)]
    pub vpcs: Vec<Lenient<VpcSpec>>,
    /// VPC peering connections.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peerings: Vec<Lenient<PeeringSpec>>,
    /// Transit gateways with their route tables and attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateways: Vec<Lenient<TransitGatewaySpec>>,
    /// Endpoint services: network load balancers offered over PrivateLink.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint_services: Vec<Lenient<EndpointServiceSpec>>,
    /// DNS: hosted zones with their records, and Route 53 Resolver rules.
    #[serde(default, skip_serializing_if = "DnsSpec::is_empty")]
    pub dns: DnsSpec,
    /// An overlay mesh (Tailscale) over the VPCs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tailnet: Option<TailnetSpec>,
    /// VPC flow logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow_logs: Vec<Lenient<FlowLogSpec>>,
}

/// Account and region for resources that do not name their own.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// 12-digit account id (default `000000000000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Region (default `us-east-1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// An account id: 12 digits, written as a string or a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AccountId {
    /// `"111111111111"`.
    Text(String),
    /// `111111111111`.
    Number(u64),
}

impl AccountId {
    /// The id as AWS prints it: 12 digits, zero-padded.
    pub fn normalized(&self) -> String {
        match self {
            AccountId::Text(s) => s.clone(),
            AccountId::Number(n) => format!("{n:012}"),
        }
    }
}

/// An AWS account.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// 12-digit account id.
    pub id: AccountId,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Tags, `Name` aside (the `name` field sets that).
pub type Tags = BTreeMap<String, String>;

/// A managed prefix list.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefixListSpec {
    /// Name; references use it.
    pub name: String,
    /// `pl-…`; made up from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// IPv4 CIDRs.
    pub cidrs: Vec<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A VPC and everything in it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcSpec {
    /// Name (the `Name` tag); references use it.
    pub name: String,
    /// `vpc-…`; made up from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Owning account (default: `defaults.account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Region (default: `defaults.region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The primary IPv4 CIDR block (or use `cidrs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// IPv4 CIDR blocks, primary first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
    /// IPv6 CIDR blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidrs: Vec<String>,
    /// Known only by its CIDR blocks (another account's VPC on the far side of a
    /// peering): paths into it stop with `VPC_NOT_IN_INPUT`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// `enableDnsSupport` (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_support: Option<bool>,
    /// `enableDnsHostnames` (default false, as for a VPC made through the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_hostnames: Option<bool>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// The internet gateway attached to this VPC, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway: Option<NamedSpec>,
    /// Route tables. Every table gets the `local` route for each VPC CIDR; when none is
    /// `main`, a main table with only those routes is made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<Lenient<RouteTableSpec>>,
    /// Network ACLs. When none is `default`, a default ACL allowing everything is made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<Lenient<NetworkAclSpec>>,
    /// Security groups. A group named `default` (all from itself in, all out) is made
    /// when none is declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<Lenient<SecurityGroupSpec>>,
    /// Subnets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<Lenient<SubnetSpec>>,
    /// NAT gateways.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<Lenient<NatGatewaySpec>>,
    /// EC2 instances (each with its primary interface).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Lenient<InstanceSpec>>,
    /// Network interfaces not attached to an instance (pods, endpoints, load balancers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Lenient<InterfaceSpec>>,
    /// VPC endpoints: gateway (S3, DynamoDB) and interface (PrivateLink).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<Lenient<VpcEndpointSpec>>,
    /// Target groups of load balancers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<Lenient<TargetGroupSpec>>,
    /// Network and application load balancers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancers: Vec<Lenient<LoadBalancerSpec>>,
}

/// A resource that needs only a name (and optionally an id).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NamedSpec {
    /// Just the name.
    Name(String),
    /// Name, id and tags.
    Full {
        /// Name.
        name: String,
        /// AWS id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Tags.
        #[serde(default, skip_serializing_if = "Tags::is_empty")]
        tags: Tags,
    },
}

/// A route table.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTableSpec {
    /// Name.
    pub name: String,
    /// `rtb-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether this is the VPC's main route table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub main: bool,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Routes besides `local`.
    #[serde(default)]
    pub routes: Vec<Lenient<RouteSpec>>,
}

/// A route: one destination (`destination` or `prefix_list`) and one target.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Destination IPv4 or IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Destination prefix list (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    /// Target: the VPC itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
    /// Target: this VPC's internet gateway (name or id; `true` for the VPC's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway: Option<NameOrTrue>,
    /// Target: a NAT gateway of this VPC (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateway: Option<String>,
    /// Target: a peering connection (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peering: Option<String>,
    /// Target: an instance of this VPC (name or id): its primary interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Target: a network interface of this VPC (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface: Option<String>,
    /// Target: a transit gateway id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway: Option<String>,
    /// Target: a gateway VPC endpoint id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint: Option<String>,
    /// Target: a virtual private gateway id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_gateway: Option<String>,
    /// Target: none; matching packets are dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blackhole: bool,
    /// `active` (default) or `blackhole` (the target is gone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A name, or `true` for "the obvious one".
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NameOrTrue {
    /// `true`.
    Yes(bool),
    /// A name or id.
    Name(String),
}

/// A network ACL.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkAclSpec {
    /// Name.
    pub name: String,
    /// `acl-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether this is the VPC's default ACL (used by subnets without an association).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Inbound entries.
    #[serde(default)]
    pub ingress: Vec<Lenient<NaclEntrySpec>>,
    /// Outbound entries.
    #[serde(default)]
    pub egress: Vec<Lenient<NaclEntrySpec>>,
}

/// A network ACL entry.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NaclEntrySpec {
    /// Rule number, 1 to 32766; lowest first.
    pub rule: u32,
    /// `allow` or `deny`.
    pub action: String,
    /// `tcp`, `udp`, `icmp`, `all`/`-1` or a protocol number.
    pub protocol: ProtoSpec,
    /// Destination ports for TCP/UDP: `443`, `"1024-65535"` or `"all"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortsSpec>,
    /// ICMP type (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<i32>,
    /// ICMP code (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<i32>,
    /// Source (inbound) or destination (outbound) IPv4 CIDR.
    pub cidr: String,
}

/// A protocol: a name or a number.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ProtoSpec {
    /// A number (`-1` is all).
    Number(i32),
    /// `tcp`, `udp`, `icmp`, `all`.
    Name(String),
}

/// Ports: one number, or a range written `"from-to"`, or `"all"`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PortsSpec {
    /// One port.
    Single(u32),
    /// `"8000-8100"` or `"all"`.
    Range(String),
}

/// A security group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupSpec {
    /// Name (the group name and the `Name` tag).
    pub name: String,
    /// `sg-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Inbound rules.
    #[serde(default)]
    pub ingress: Vec<Lenient<SgRuleSpec>>,
    /// Outbound rules; when absent, AWS's default (all traffic to `0.0.0.0/0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<Lenient<SgRuleSpec>>>,
}

/// A security group rule: protocol, ports, and one peer (`cidr`, `prefix_list`, `sg`
/// or `self`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SgRuleSpec {
    /// `tcp`, `udp`, `icmp`, `all`/`-1` or a protocol number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ProtoSpec>,
    /// Ports for TCP/UDP: `9000`, `"8000-8100"` or `"all"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortsSpec>,
    /// ICMP type (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<i32>,
    /// ICMP code (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<i32>,
    /// Peer: an IPv4 or IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Peer: a prefix list (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    /// Peer: a security group: a name in this VPC, `vpc-name/group-name`, or an id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sg: Option<String>,
    /// Peer: this group itself.
    #[serde(rename = "self", default, skip_serializing_if = "std::ops::Not::not")]
    pub self_: bool,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A subnet.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    /// Name.
    pub name: String,
    /// `subnet-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// IPv4 CIDR, inside the VPC's blocks.
    pub cidr: String,
    /// IPv6 CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    /// Availability zone (default: the region + `a`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az: Option<String>,
    /// Route table (name or id); default: the VPC's main table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// Network ACL (name or id); default: the VPC's default ACL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A NAT gateway.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatGatewaySpec {
    /// Name.
    pub name: String,
    /// `nat-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subnet it lives in.
    pub subnet: String,
    /// `public` (default when `public_ip` is set) or `private`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectivity: Option<String>,
    /// Its private address (the translated source).
    pub private_ip: String,
    /// Its Elastic IP (public NAT gateways).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// `available` (default), `pending`, `failed`, `deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// An EC2 instance with its primary interface, and optionally more interfaces.
///
/// The interface fields are written out here and in [`InterfaceSpec`] rather than
/// shared through `#[serde(flatten)]`, which serde cannot combine with
/// `deny_unknown_fields`; a misspelt field must stay an error.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceSpec {
    /// Name.
    pub name: String,
    /// `i-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `running` (default), `stopped`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `router` or `nat`: how it forwards packets not addressed to it (needs
    /// `source_dest_check: false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding: Option<String>,
    /// A proxy's upstreams by host (`forwarding: proxy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proxy_routes: Vec<ProxyRouteSpec>,
    /// A VPN appliance's tunnels (`forwarding: vpn`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_tunnels: Vec<VpnTunnelSpec>,
    /// A VPN appliance translates the source of what no tunnel carries (a NAT+VPN
    /// gateway).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vpn_nat: bool,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// `eni-…` of the primary interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_id: Option<String>,
    /// Subnet (name or id).
    pub subnet: String,
    /// Primary private IPv4 address.
    pub private_ip: String,
    /// Secondary private addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ips: Vec<String>,
    /// Public IP or Elastic IP on the primary address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// Security groups (names in this VPC, or ids); default: the VPC's `default` group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    /// Source/destination check (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dest_check: Option<bool>,
    /// More interfaces (device index 1, 2, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_interfaces: Vec<Lenient<InterfaceSpec>>,
}

/// A network interface not attached to an instance (or an instance's extra one).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterfaceSpec {
    /// Name.
    pub name: String,
    /// `eni-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What it belongs to, in words (`eks pod`, `vpc_endpoint`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Subnet (name or id).
    pub subnet: String,
    /// Primary private IPv4 address.
    pub private_ip: String,
    /// Secondary private addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ips: Vec<String>,
    /// Public IP or Elastic IP on the primary address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// Security groups (names in this VPC, or ids); default: the VPC's `default` group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    /// Source/destination check (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dest_check: Option<bool>,
}

/// A VPC peering connection.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeeringSpec {
    /// Name.
    pub name: String,
    /// `pcx-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The requester VPC (name or id).
    pub requester: String,
    /// The accepter VPC (name or id).
    pub accepter: String,
    /// `active` (default), `pending-acceptance`, `failed`, `rejected`, `expired`,
    /// `deleted`, `provisioning`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The requester side's `AllowDnsResolutionFromRemoteVpc`: hosts in the accepter VPC
    /// resolve the public DNS names of the requester's instances to private addresses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requester_dns_resolution: bool,
    /// The accepter side's `AllowDnsResolutionFromRemoteVpc`: hosts in the requester VPC
    /// resolve the public DNS names of the accepter's instances to private addresses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepter_dns_resolution: bool,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// DNS: hosted zones and Resolver rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsSpec {
    /// Hosted zones: Route 53 private and public zones, and zones served outside AWS
    /// (reached through forwarding rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<Lenient<ZoneSpec>>,
    /// Route 53 Resolver rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolver_rules: Vec<Lenient<ResolverRuleSpec>>,
}

impl DnsSpec {
    /// Whether it declares nothing.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty() && self.resolver_rules.is_empty()
    }
}

/// A hosted zone.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    /// The domain (`shared.example.internal`).
    pub name: String,
    /// The hosted zone id (`Z0123…`); made up from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `private` (default): answers only the associated VPCs; `public`: public DNS;
    /// `external`: served outside AWS (on premises), reached through forwarding rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Owning account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Associated VPCs (private zones), by name or id. An id of a VPC not in the input
    /// (`vpc-…`) is kept as an association with a VPC outside it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<String>,
    /// Record sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Lenient<RecordSpec>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// One value or several.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A record set.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    /// The owner name: relative to the zone (`sonarqube`), `@` for the zone's apex, or
    /// absolute (ending in the zone's name, or with a final dot). May start with `*.`.
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, or any other type (kept, not followed).
    #[serde(rename = "type")]
    pub rtype: String,
    /// Addresses (A, AAAA), the target (CNAME), or the text of other types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<OneOrMany>,
    /// Alias target's DNS name (a load balancer, an endpoint, another record), instead
    /// of values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Time to live, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// Set identifier, for records with a routing policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_id: Option<String>,
    /// Weighted routing: the weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Latency routing: the region served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Failover routing: `primary` or `secondary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<String>,
    /// Other routing policies (`geolocation`, `geoproximity`, `multivalue`,
    /// `cidr`): every set is a possible answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<String>,
}

/// A Route 53 Resolver rule.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolverRuleSpec {
    /// Name.
    pub name: String,
    /// `rslvr-rr-…`; made up from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The domain it matches, with every name under it.
    pub domain: String,
    /// `forward` (default): send queries to `targets`; `system`: Route 53 Resolver
    /// answers them itself (overrides a broader forwarding rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Target resolvers: `10.50.0.2` or `10.50.0.2:53`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// The VPCs it applies to, by name or id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A transit gateway.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewaySpec {
    /// Name; routes (`transit_gateway:`) and peerings (`peer:`) use it.
    pub name: String,
    /// `tgw-…`; made up from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Owning account (default: `defaults.account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Region (default: `defaults.region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Route tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<Lenient<TgwRouteTableSpec>>,
    /// Attachments: to VPCs, to another transit gateway (peering), to a VPN site.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Lenient<TgwAttachmentSpec>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A transit gateway route table.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TgwRouteTableSpec {
    /// Name.
    pub name: String,
    /// `tgw-rtb-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Static routes (and, from snapshots, propagated routes as they were listed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Lenient<TgwRouteSpec>>,
    /// Attachments (name or id) whose routes propagate into this table: a VPC
    /// attachment its VPC's CIDRs, a VPN attachment its site's ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagations: Vec<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A transit gateway route.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TgwRouteSpec {
    /// IPv4 CIDR.
    pub destination: String,
    /// The attachment (name or id) it sends to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
    /// A blackhole route: matching packets are dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blackhole: bool,
    /// `propagated` for a route learnt from an attachment (as a snapshot lists it);
    /// default `static`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The network outside AWS at the far end of a VPN attachment.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpnSiteSpec {
    /// The site's name (`datacenter`).
    pub site: String,
    /// Its address ranges; `--from` an address in them starts a trace there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
}

/// A transit gateway attachment: exactly one of `vpc`, `peer`, `vpn` and `other`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TgwAttachmentSpec {
    /// Name; routes and propagations use it.
    pub name: String,
    /// `tgw-attach-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A VPC attachment: the VPC (name or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    /// A VPC attachment's subnets (names or ids in that VPC), one per Availability
    /// Zone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// A VPC attachment's appliance mode.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub appliance_mode: bool,
    /// A peering attachment: the other transit gateway (name, or an id outside the
    /// input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// A peering attachment: the route table of the other gateway it is associated
    /// with there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_route_table: Option<String>,
    /// A VPN attachment: the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn: Option<VpnSiteSpec>,
    /// An attachment of another kind (`direct-connect-gateway`, `connect`), held but
    /// not traced through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// The route table (of this gateway) it is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// `available` (default), `pendingAcceptance`, `rejected`, `deleted`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A VPC endpoint.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpointSpec {
    /// Name.
    pub name: String,
    /// `vpce-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The service: `com.amazonaws.us-east-1.s3`, or an endpoint service's name.
    pub service: String,
    /// `gateway`, `interface` or `gatewayloadbalancer` (default: `gateway` for S3 and
    /// DynamoDB, `interface` otherwise).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `available` (default), `pendingAcceptance`, `rejected`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Gateway endpoints: the route tables that get a route to the service's prefix
    /// list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<String>,
    /// Gateway endpoints: the service's prefix list (name or id; default: the one
    /// named like the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    /// Interface endpoints: one interface per subnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Lenient<EndpointInterfaceSpec>>,
    /// Interface endpoints: security groups of the interfaces (default: the VPC's
    /// `default` group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    /// Interface endpoints: private DNS (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns: Option<bool>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// An interface endpoint's interface in one subnet.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInterfaceSpec {
    /// Name (default: the endpoint's name and the subnet's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `eni-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subnet (name or id).
    pub subnet: String,
    /// Its private address.
    pub private_ip: String,
}

/// A registered target: an instance or interface (name or id), or an address.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TargetSpec {
    /// `proxy-1`, `i-0abc…`, `10.0.1.5`.
    Short(String),
    /// With a port, an Availability Zone or a health state.
    Full {
        /// Instance, interface or address.
        target: String,
        /// Port, when it overrides the group's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        /// Availability Zone (`all` for an address outside the VPC).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        az: Option<String>,
        /// Last known health: `healthy`, `unhealthy`, `unused`, `draining`, …
        #[serde(default, skip_serializing_if = "Option::is_none")]
        health: Option<String>,
    },
}

/// A target group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupSpec {
    /// Name.
    pub name: String,
    /// Id or ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `instance` (default), `ip`, `alb`, `lambda`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    /// `TCP`, `UDP`, `TLS`, `HTTP`, `HTTPS` (default `TCP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The port targets receive traffic on.
    pub port: u16,
    /// Registered targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetSpec>,
    /// Client IP preservation (network load balancers; default: AWS's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_client_ip: Option<bool>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A listener rule (application load balancers).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenerRuleSpec {
    /// Priority, lower first.
    pub priority: u32,
    /// Host header patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Path patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Target group (name or id).
    pub target_group: String,
}

/// A listener.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenerSpec {
    /// `TCP`, `UDP`, `TCP_UDP`, `TLS`, `HTTP`, `HTTPS`.
    pub protocol: String,
    /// Port.
    pub port: u16,
    /// The default action's target group (absent: a fixed response or redirect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
    /// Rules, for application load balancers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ListenerRuleSpec>,
}

/// A load balancer's interface in one subnet.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LbInterfaceSpec {
    /// Name (default: the load balancer's name and the subnet's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `eni-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subnet (name or id).
    pub subnet: String,
    /// Its private address.
    pub private_ip: String,
    /// Its public address (internet-facing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

/// A network or application load balancer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Name.
    pub name: String,
    /// Id or ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `network` (default), `application`, `gateway`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Internal (default true) or internet-facing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    /// One interface per subnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Lenient<LbInterfaceSpec>>,
    /// Security groups (application load balancers always have one; network load
    /// balancers may).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// Cross-zone load balancing (default: on for application, off for network).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone: Option<bool>,
    /// Its DNS name (resolves to its interfaces' addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// `active` (default), `provisioning`, `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Listeners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listeners: Vec<Lenient<ListenerSpec>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// An endpoint service (PrivateLink provider).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointServiceSpec {
    /// Name.
    pub name: String,
    /// `vpce-svc-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `com.amazonaws.vpce.REGION.vpce-svc-…` (default: made from the id and region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Owning account (default: `defaults.account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Region (default: `defaults.region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Its network load balancers (name or id).
    pub load_balancers: Vec<String>,
    /// Whether connections must be accepted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub acceptance_required: bool,
    /// Allowed principals (`*`, `arn:aws:iam::222222222222:root`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_principals: Vec<String>,
    /// Other regions consumers may connect from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_regions: Vec<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// Where a proxy sends requests for a host.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyRouteSpec {
    /// Host pattern (`metrics.example.internal`, `*.example.com`, `*`).
    pub host: String,
    /// The upstream: an address, or a DNS name resolved from the proxy's VPC.
    pub upstream: String,
    /// The upstream's port.
    pub port: u16,
}

/// An overlay mesh: its nodes and, in address form, its access rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TailnetSpec {
    /// The tailnet's name (`example.com`, `tail1234.ts.net`).
    pub name: String,
    /// Nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<Lenient<TailnetNodeSpec>>,
    /// Access rules; absent: Tailscale's default policy (everything allowed). Present
    /// (even empty): deny what no rule allows. A Tailscale policy file given as an
    /// input instead decides by its own ACLs and grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acls: Option<Vec<Lenient<TailnetAclSpec>>>,
}

/// A mesh node.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TailnetNodeSpec {
    /// Host name.
    pub name: String,
    /// Node id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// MagicDNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    /// Mesh address (`100.x.y.z`).
    pub address: String,
    /// The instance it runs on (name or id, `VPC/name` when names repeat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The network interface it runs on (name or id), instead of `instance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    /// Subnet routes it carries (advertised and approved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// An approved exit node.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exit_node: bool,
    /// The exit node this node sends internet traffic through (`--exit-node`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses_exit_node: Option<String>,
    /// `--accept-routes` (default: off on Linux, on elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_routes: Option<bool>,
    /// Subnet router SNAT (default on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snat: Option<bool>,
    /// Operating system (`linux`, `macOS`, `windows`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

/// An access rule in address form: sources may reach destinations on ports.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TailnetAclSpec {
    /// Sources: node names, CIDRs, `*`.
    pub src: Vec<String>,
    /// Destinations: `HOST:PORTS` where HOST is a node name, an address, a CIDR or `*`,
    /// and PORTS `*`, `443`, `80,443` or `1000-2000`.
    pub dst: Vec<String>,
    /// `tcp`, `udp`, `icmp` or a number; default: TCP and UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
}

/// A VPC flow log.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowLogSpec {
    /// Name.
    pub name: String,
    /// `fl-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What it watches: a VPC, subnet, interface or transit gateway (name or id).
    pub resource: String,
    /// `ACCEPT`, `REJECT` or `ALL` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<String>,
    /// Where it writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// The record format, when not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// A VPN tunnel to another appliance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpnTunnelSpec {
    /// The instance at the other end (name or id; `VPC/name` when names repeat).
    pub peer: String,
    /// The networks it carries.
    pub networks: Vec<String>,
}
