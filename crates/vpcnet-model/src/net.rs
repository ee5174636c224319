//! The resources of a network and the [`Network`] arena that holds them.

use rustc_hash::FxHashMap as HashMap;
use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::diag::Location;
use crate::dns::{is_within, HostedZone, ResolverRule, ZoneKind};
use crate::endpoint::VpcEndpoint;
use crate::flowlog::FlowLog;
use crate::index::AnyIdx;
use crate::lb::{EndpointService, LoadBalancer, TargetGroup};
use crate::overlay::{Tailnet, TailnetNode};
use crate::proto::{L4Match, Protocol};
use crate::tgw::{
    TgwAttachment, TgwAttachmentKind, TgwRoute, TgwRouteKind, TgwRouteTable, TgwRouteTarget,
    TransitGateway,
};

macro_rules! idx {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The position in the network's arena.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

idx! {
    /// A VPC in a [`Network`].
    VpcIdx,
    /// A subnet in a [`Network`].
    SubnetIdx,
    /// A route table in a [`Network`].
    RouteTableIdx,
    /// A managed prefix list in a [`Network`].
    PrefixListIdx,
    /// An internet gateway in a [`Network`].
    IgwIdx,
    /// A NAT gateway in a [`Network`].
    NatIdx,
    /// A network interface in a [`Network`].
    EniIdx,
    /// An instance in a [`Network`].
    InstanceIdx,
    /// A security group in a [`Network`].
    SgIdx,
    /// A network ACL in a [`Network`].
    NaclIdx,
    /// A VPC peering connection in a [`Network`].
    PeeringIdx,
    /// A hosted zone in a [`Network`].
    ZoneIdx,
    /// A Route 53 Resolver rule in a [`Network`].
    ResolverRuleIdx,
    /// A transit gateway in a [`Network`].
    TgwIdx,
    /// A transit gateway attachment in a [`Network`].
    TgwAttachmentIdx,
    /// A transit gateway route table in a [`Network`].
    TgwRouteTableIdx,
    /// A VPC endpoint in a [`Network`].
    VpcEndpointIdx,
    /// A load balancer in a [`Network`].
    LbIdx,
    /// A target group in a [`Network`].
    TargetGroupIdx,
    /// An endpoint service in a [`Network`].
    EndpointServiceIdx,
    /// A node of the overlay mesh in a [`Network`].
    TailnetNodeIdx,
    /// A flow log in a [`Network`].
    FlowLogIdx,
}

/// What every resource carries: its AWS id, its `Name` tag, its tags and its origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The AWS id (`vpc-0a1b…`), or a stable one made up by the importer.
    pub id: String,
    /// The `Name` tag, or the name the spec gave it.
    pub name: Option<String>,
    /// All tags, `Name` included, in input order.
    pub tags: Vec<(String, String)>,
    /// Where it was declared.
    pub origin: Option<Location>,
}

impl Meta {
    /// A resource with this id and name and nothing else.
    pub fn new(id: impl Into<String>, name: Option<String>) -> Meta {
        Meta {
            id: id.into(),
            name,
            ..Meta::default()
        }
    }

    /// `name (id)` when named, else the id: how people see a resource in messages.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) if *name != self.id => format!("{name} ({})", self.id),
            _ => self.id.clone(),
        }
    }
}

/// An AWS account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// A human name for it.
    pub name: Option<String>,
}

/// A VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vpc {
    /// Identity.
    pub meta: Meta,
    /// Owning account id.
    pub account: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// IPv4 CIDR blocks; the first is the primary.
    pub cidrs: Vec<Ipv4Net>,
    /// IPv6 CIDR blocks (held, not yet routed).
    pub ipv6_cidrs: Vec<Ipv6Net>,
    /// The main route table, used by subnets without an explicit association.
    pub main_route_table: Option<RouteTableIdx>,
    /// The default network ACL, used by subnets without an explicit association.
    pub default_nacl: Option<NaclIdx>,
    /// `enableDnsSupport`.
    pub dns_support: bool,
    /// `enableDnsHostnames`.
    pub dns_hostnames: bool,
    /// `false` for a VPC known only from the far side of a peering: its subnets and
    /// interfaces are not in the input, so a path into it cannot be followed.
    pub described: bool,
}

impl Vpc {
    /// Whether `ip` lies in one of the VPC's IPv4 CIDR blocks.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.contains(&ip))
    }
}

/// A subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    /// Identity.
    pub meta: Meta,
    /// The VPC it is in.
    pub vpc: VpcIdx,
    /// Its IPv4 block; always inside one of the VPC's blocks.
    pub cidr: Ipv4Net,
    /// Its IPv6 block, if any.
    pub ipv6_cidr: Option<Ipv6Net>,
    /// Availability zone, e.g. `us-east-1a`.
    pub az: String,
    /// Explicitly associated route table; `None` means the VPC's main table.
    pub route_table: Option<RouteTableIdx>,
    /// Associated network ACL; `None` means the VPC's default ACL.
    pub nacl: Option<NaclIdx>,
}

/// Where a route sends matching packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteTarget {
    /// The VPC itself: deliver to the interface that owns the address.
    Local,
    /// An internet gateway.
    InternetGateway(IgwIdx),
    /// A NAT gateway.
    NatGateway(NatIdx),
    /// A VPC peering connection.
    Peering(PeeringIdx),
    /// A network interface (appliance, router).
    Interface(EniIdx),
    /// An instance; AWS sends to its primary interface.
    Instance(InstanceIdx),
    /// A transit gateway, by id.
    TransitGateway(String),
    /// A gateway VPC endpoint, by id.
    VpcEndpoint(String),
    /// A virtual private gateway (site-to-site VPN), by id.
    VpnGateway(String),
    /// Another target kind vpcnet does not model yet: (kind, id).
    Other(String, String),
    /// An explicit blackhole: matching packets are dropped.
    Blackhole,
}

/// Destination of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteDest {
    /// An IPv4 CIDR.
    Cidr(Ipv4Net),
    /// An IPv6 CIDR (held, not yet routed).
    Ipv6(Ipv6Net),
    /// Every CIDR of a managed prefix list.
    PrefixList(PrefixListIdx),
}

/// A route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// What it matches.
    pub destination: RouteDest,
    /// Where it sends.
    pub target: RouteTarget,
    /// `false` for a route AWS shows as `blackhole` (its target is gone).
    pub active: bool,
    /// Where it was declared.
    pub origin: Option<Location>,
}

/// A route table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTable {
    /// Identity.
    pub meta: Meta,
    /// The VPC it routes for.
    pub vpc: VpcIdx,
    /// Its routes, in input order.
    pub routes: Vec<Route>,
}

/// A managed prefix list (customer-managed, or AWS-managed such as the S3 list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixList {
    /// Identity (`pl-…`).
    pub meta: Meta,
    /// The prefix list name (`com.amazonaws.us-east-1.s3`).
    pub list_name: String,
    /// Its IPv4 entries.
    pub cidrs: Vec<Ipv4Net>,
}

/// An internet gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternetGateway {
    /// Identity.
    pub meta: Meta,
    /// The VPC it is attached to, if any.
    pub vpc: Option<VpcIdx>,
}

/// Public or private NAT gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatConnectivity {
    /// Translates to its private IP, then its EIP at the internet gateway.
    Public,
    /// Translates to its private IP only.
    Private,
}

/// A NAT gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatGateway {
    /// Identity.
    pub meta: Meta,
    /// The subnet it lives in.
    pub subnet: SubnetIdx,
    /// Public or private.
    pub connectivity: NatConnectivity,
    /// Its interface; its private IP is the translated source.
    pub eni: EniIdx,
    /// `available`, `pending`, `failed`, `deleting`, `deleted`.
    pub state: String,
}

/// What an interface belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterfaceOwner {
    /// An EC2 instance.
    Instance(InstanceIdx),
    /// A NAT gateway.
    NatGateway(NatIdx),
    /// Something vpcnet does not model in detail: the AWS interface type
    /// (`vpc_endpoint`, `network_load_balancer`, `lambda`, …) or a description.
    Other(String),
    /// Nothing (a detached interface, or a pod address block).
    None,
}

/// One private IPv4 address of an interface, with its public address if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrivateIp {
    /// The private address.
    pub addr: Ipv4Addr,
    /// The public IP or Elastic IP mapped 1:1 onto it at the internet gateway.
    pub public: Option<Ipv4Addr>,
}

/// A network interface (ENI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Identity.
    pub meta: Meta,
    /// The subnet it is in.
    pub subnet: SubnetIdx,
    /// Its private addresses; the first is the primary.
    pub private_ips: Vec<PrivateIp>,
    /// Its security groups.
    pub security_groups: Vec<SgIdx>,
    /// Source/destination check: when on, it only sends and receives packets addressed
    /// from and to itself.
    pub source_dest_check: bool,
    /// What it belongs to.
    pub owner: InterfaceOwner,
}

impl Interface {
    /// The primary private address.
    pub fn primary_ip(&self) -> Ipv4Addr {
        self.private_ips[0].addr
    }

    /// Whether `ip` is one of its private addresses.
    pub fn owns(&self, ip: Ipv4Addr) -> bool {
        self.private_ips.iter().any(|p| p.addr == ip)
    }

    /// The public address mapped onto private address `ip`, if any.
    pub fn public_for(&self, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        self.private_ips
            .iter()
            .find(|p| p.addr == ip)
            .and_then(|p| p.public)
    }
}

/// How an instance forwards packets that are not addressed to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forwarding {
    /// Routes packets on unchanged (a router, a firewall).
    Router,
    /// Rewrites the source to its own address (a NAT instance).
    Nat,
    /// Terminates connections to itself and opens new ones to an upstream chosen by
    /// the request's host (an L7 proxy such as nginx); see [`ProxyRoute`].
    Proxy,
    /// A VPN gateway or hub: carries the networks of its tunnels to their peers
    /// (IPsec), and routes (or, with `nat`, source-translates) everything else; see
    /// [`VpnTunnel`].
    Vpn,
}

/// A tunnel of a VPN appliance: packets for `networks` go to the peer instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpnTunnel {
    /// The instance at the other end.
    pub peer: InstanceIdx,
    /// The networks it carries.
    pub networks: Vec<Ipv4Net>,
}

/// How a VPN appliance forwards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VpnConfig {
    /// Its tunnels.
    pub tunnels: Vec<VpnTunnel>,
    /// Whether traffic no tunnel carries is source-translated to its own address (a
    /// NAT+VPN gateway), or routed on unchanged.
    pub nat: bool,
}

/// Where a layer-7 proxy sends requests for a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyRoute {
    /// Host pattern (`metrics.example.internal`, `*.example.com`, `*` for any).
    pub host: String,
    /// The upstream: an address, or a DNS name resolved from the proxy's VPC.
    pub upstream: String,
    /// The upstream's port.
    pub port: u16,
}

/// An EC2 instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Identity.
    pub meta: Meta,
    /// Its interfaces; the first is the primary (device index 0).
    pub interfaces: Vec<EniIdx>,
    /// `running`, `stopped`, …
    pub state: String,
    /// How it forwards packets not addressed to it, if it is an appliance.
    pub forwarding: Option<Forwarding>,
}

/// The other side of a security group rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SgPeer {
    /// An IPv4 CIDR.
    Cidr(Ipv4Net),
    /// An IPv6 CIDR (held, not yet matched).
    Ipv6(Ipv6Net),
    /// Every CIDR of a managed prefix list.
    PrefixList(PrefixListIdx),
    /// Every private IP of every interface carrying this group.
    Group(SgIdx),
    /// A group vpcnet does not have (another account's, not in the input): never matches.
    UnknownGroup(String),
}

/// A security group rule (they only allow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SgRule {
    /// Protocol.
    pub protocol: Protocol,
    /// Ports or ICMP type/code.
    pub l4: L4Match,
    /// Source (ingress) or destination (egress).
    pub peer: SgPeer,
    /// The rule's description.
    pub description: Option<String>,
    /// Where it was declared.
    pub origin: Option<Location>,
}

/// A security group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroup {
    /// Identity (`sg-…`).
    pub meta: Meta,
    /// The group name (`default`, …).
    pub group_name: String,
    /// The VPC it belongs to.
    pub vpc: VpcIdx,
    /// Inbound rules.
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    pub egress: Vec<SgRule>,
}

/// Allow or deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleAction {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// A network ACL entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NaclEntry {
    /// Rule number: lower numbers are evaluated first (1–32766).
    pub rule_number: u16,
    /// Allow or deny.
    pub action: RuleAction,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination ports or ICMP type/code.
    pub l4: L4Match,
    /// Source (inbound) or destination (outbound) range.
    pub cidr: Ipv4Net,
    /// Where it was declared.
    pub origin: Option<Location>,
}

/// A network ACL: numbered entries, first match wins, then an implicit deny.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkAcl {
    /// Identity (`acl-…`).
    pub meta: Meta,
    /// The VPC it belongs to.
    pub vpc: VpcIdx,
    /// Inbound entries, sorted by rule number.
    pub ingress: Vec<NaclEntry>,
    /// Outbound entries, sorted by rule number.
    pub egress: Vec<NaclEntry>,
}

/// Status of a VPC peering connection, as AWS reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeeringStatus {
    /// `pending-acceptance`.
    PendingAcceptance,
    /// `provisioning`.
    Provisioning,
    /// `active`: the only one that carries traffic.
    Active,
    /// `failed`.
    Failed,
    /// `rejected`.
    Rejected,
    /// `expired`.
    Expired,
    /// `deleted` or `deleting`.
    Deleted,
}

impl PeeringStatus {
    /// Parses the AWS status code.
    pub fn parse(s: &str) -> Option<PeeringStatus> {
        Some(match s {
            "pending-acceptance" => PeeringStatus::PendingAcceptance,
            "provisioning" | "initiating-request" => PeeringStatus::Provisioning,
            "active" => PeeringStatus::Active,
            "failed" => PeeringStatus::Failed,
            "rejected" => PeeringStatus::Rejected,
            "expired" => PeeringStatus::Expired,
            "deleted" | "deleting" => PeeringStatus::Deleted,
            _ => return None,
        })
    }

    /// The AWS status code.
    pub fn as_str(self) -> &'static str {
        match self {
            PeeringStatus::PendingAcceptance => "pending-acceptance",
            PeeringStatus::Provisioning => "provisioning",
            PeeringStatus::Active => "active",
            PeeringStatus::Failed => "failed",
            PeeringStatus::Rejected => "rejected",
            PeeringStatus::Expired => "expired",
            PeeringStatus::Deleted => "deleted",
        }
    }
}

/// A VPC peering connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peering {
    /// Identity (`pcx-…`).
    pub meta: Meta,
    /// The VPC that asked.
    pub requester: VpcIdx,
    /// The VPC that accepted.
    pub accepter: VpcIdx,
    /// Status.
    pub status: PeeringStatus,
    /// Requester side may resolve the accepter's private DNS names.
    pub requester_dns_resolution: bool,
    /// Accepter side may resolve the requester's private DNS names.
    pub accepter_dns_resolution: bool,
}

impl Peering {
    /// The VPC on the other side from `vpc`, or `None` if `vpc` is not part of it.
    pub fn other_side(&self, vpc: VpcIdx) -> Option<VpcIdx> {
        if vpc == self.requester {
            Some(self.accepter)
        } else if vpc == self.accepter {
            Some(self.requester)
        } else {
            None
        }
    }
}

/// A kind of configuration an input may lack: what it lacks is not evaluated, and
/// answers say so instead of guessing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    /// Network ACLs.
    NetworkAcls,
    /// Security groups.
    SecurityGroups,
    /// Route tables.
    RouteTables,
    /// Network interfaces.
    Interfaces,
}

impl Facet {
    /// Plural noun for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Facet::NetworkAcls => "network ACLs",
            Facet::SecurityGroups => "security groups",
            Facet::RouteTables => "route tables",
            Facet::Interfaces => "network interfaces",
        }
    }
}

/// `name`, then each parent domain, down to the top-level label.
fn suffixes(name: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(name), |n| n.split_once('.').map(|(_, rest)| rest))
}

/// A facet missing from part of the input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Missing {
    /// What is missing.
    pub facet: Facet,
    /// Where: an account/region, a file.
    pub scope: String,
}

/// The whole network: every resource, and the indices the engine needs.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub(crate) accounts: Vec<Account>,
    pub(crate) vpcs: Vec<Vpc>,
    pub(crate) subnets: Vec<Subnet>,
    pub(crate) route_tables: Vec<RouteTable>,
    pub(crate) prefix_lists: Vec<PrefixList>,
    pub(crate) igws: Vec<InternetGateway>,
    pub(crate) nats: Vec<NatGateway>,
    pub(crate) enis: Vec<Interface>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) sgs: Vec<SecurityGroup>,
    pub(crate) nacls: Vec<NetworkAcl>,
    pub(crate) peerings: Vec<Peering>,
    pub(crate) zones: Vec<HostedZone>,
    pub(crate) resolver_rules: Vec<ResolverRule>,
    pub(crate) tgws: Vec<TransitGateway>,
    pub(crate) tgw_attachments: Vec<TgwAttachment>,
    pub(crate) tgw_route_tables: Vec<TgwRouteTable>,
    pub(crate) endpoints: Vec<VpcEndpoint>,
    pub(crate) lbs: Vec<LoadBalancer>,
    pub(crate) target_groups: Vec<TargetGroup>,
    pub(crate) endpoint_services: Vec<EndpointService>,
    pub(crate) tailnet: Option<Tailnet>,
    pub(crate) tailnet_nodes: Vec<TailnetNode>,
    pub(crate) flow_logs: Vec<FlowLog>,
    // Indices, kept in step by the builder.
    pub(crate) by_id: HashMap<String, AnyIdx>,
    pub(crate) by_name: HashMap<String, Vec<AnyIdx>>,
    pub(crate) private_ip: HashMap<(VpcIdx, Ipv4Addr), EniIdx>,
    pub(crate) public_ip: HashMap<Ipv4Addr, (EniIdx, Ipv4Addr)>,
    pub(crate) vpc_peerings: Vec<Vec<PeeringIdx>>,
    pub(crate) vpc_subnets: Vec<Vec<SubnetIdx>>,
    pub(crate) vpc_igw: Vec<Option<IgwIdx>>,
    pub(crate) nat_of_eni: HashMap<EniIdx, NatIdx>,
    pub(crate) endpoint_of_eni: HashMap<EniIdx, VpcEndpointIdx>,
    pub(crate) lb_of_eni: HashMap<EniIdx, LbIdx>,
    pub(crate) proxy_routes: HashMap<InstanceIdx, Vec<ProxyRoute>>,
    pub(crate) vpn: HashMap<InstanceIdx, VpnConfig>,
    pub(crate) node_by_addr: HashMap<Ipv4Addr, TailnetNodeIdx>,
    pub(crate) node_of_eni: HashMap<EniIdx, TailnetNodeIdx>,
    pub(crate) zones_by_name: HashMap<String, Vec<ZoneIdx>>,
    pub(crate) rules_by_domain: HashMap<String, Vec<ResolverRuleIdx>>,
    pub(crate) missing: Vec<Missing>,
}

macro_rules! accessors {
    ($($plural:ident, $single:ident, $field:ident: $idx:ident => $ty:ty;)*) => {
        impl Network {$(
            #[doc = concat!("Every `", stringify!($ty), "`, in arena order.")]
            pub fn $plural(&self) -> &[$ty] {
                &self.$field
            }

            #[doc = concat!("One `", stringify!($ty), "`.")]
            pub fn $single(&self, idx: $idx) -> &$ty {
                &self.$field[idx.index()]
            }
        )*}
    };
}

accessors! {
    vpcs, vpc, vpcs: VpcIdx => Vpc;
    subnets, subnet, subnets: SubnetIdx => Subnet;
    route_tables, route_table, route_tables: RouteTableIdx => RouteTable;
    prefix_lists, prefix_list, prefix_lists: PrefixListIdx => PrefixList;
    internet_gateways, internet_gateway, igws: IgwIdx => InternetGateway;
    nat_gateways, nat_gateway, nats: NatIdx => NatGateway;
    interfaces, interface, enis: EniIdx => Interface;
    instances, instance, instances: InstanceIdx => Instance;
    security_groups, security_group, sgs: SgIdx => SecurityGroup;
    network_acls, network_acl, nacls: NaclIdx => NetworkAcl;
    peerings, peering, peerings: PeeringIdx => Peering;
    hosted_zones, hosted_zone, zones: ZoneIdx => HostedZone;
    resolver_rules, resolver_rule, resolver_rules: ResolverRuleIdx => ResolverRule;
    transit_gateways, transit_gateway, tgws: TgwIdx => TransitGateway;
    tgw_attachments, tgw_attachment, tgw_attachments: TgwAttachmentIdx => TgwAttachment;
    tgw_route_tables, tgw_route_table, tgw_route_tables: TgwRouteTableIdx => TgwRouteTable;
    vpc_endpoints, vpc_endpoint, endpoints: VpcEndpointIdx => VpcEndpoint;
    load_balancers, load_balancer, lbs: LbIdx => LoadBalancer;
    target_groups, target_group, target_groups: TargetGroupIdx => TargetGroup;
    endpoint_services, endpoint_service, endpoint_services: EndpointServiceIdx => EndpointService;
    tailnet_nodes, tailnet_node, tailnet_nodes: TailnetNodeIdx => TailnetNode;
    flow_logs, flow_log, flow_logs: FlowLogIdx => FlowLog;
}

macro_rules! iter_idx {
    ($($name:ident, $field:ident: $idx:ident;)*) => {
        impl Network {$(
            #[doc = concat!("Every `", stringify!($idx), "`, in arena order.")]
            pub fn $name(&self) -> impl ExactSizeIterator<Item = $idx> + use<> {
                (0..self.$field.len() as u32).map($idx)
            }
        )*}
    };
}

iter_idx! {
    vpc_ids, vpcs: VpcIdx;
    subnet_ids, subnets: SubnetIdx;
    route_table_ids, route_tables: RouteTableIdx;
    eni_ids, enis: EniIdx;
    instance_ids, instances: InstanceIdx;
    sg_ids, sgs: SgIdx;
    nacl_ids, nacls: NaclIdx;
    peering_ids, peerings: PeeringIdx;
    nat_ids, nats: NatIdx;
    igw_ids, igws: IgwIdx;
    zone_ids, zones: ZoneIdx;
    resolver_rule_ids, resolver_rules: ResolverRuleIdx;
    tgw_ids, tgws: TgwIdx;
    tgw_attachment_ids, tgw_attachments: TgwAttachmentIdx;
    tgw_route_table_ids, tgw_route_tables: TgwRouteTableIdx;
    vpc_endpoint_ids, endpoints: VpcEndpointIdx;
    lb_ids, lbs: LbIdx;
    target_group_ids, target_groups: TargetGroupIdx;
    endpoint_service_ids, endpoint_services: EndpointServiceIdx;
    tailnet_node_ids, tailnet_nodes: TailnetNodeIdx;
    flow_log_ids, flow_logs: FlowLogIdx;
}

impl Network {
    /// Every account that owns something, in order of first appearance.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The VPC a subnet is in.
    pub fn vpc_of_subnet(&self, subnet: SubnetIdx) -> VpcIdx {
        self.subnets[subnet.index()].vpc
    }

    /// The VPC an interface is in.
    pub fn vpc_of_eni(&self, eni: EniIdx) -> VpcIdx {
        self.vpc_of_subnet(self.enis[eni.index()].subnet)
    }

    /// The route table a subnet uses: its explicit association, else the VPC's main table.
    pub fn effective_route_table(&self, subnet: SubnetIdx) -> Option<RouteTableIdx> {
        let s = &self.subnets[subnet.index()];
        s.route_table.or(self.vpcs[s.vpc.index()].main_route_table)
    }

    /// The network ACL a subnet uses: its association, else the VPC's default ACL.
    pub fn effective_nacl(&self, subnet: SubnetIdx) -> Option<NaclIdx> {
        let s = &self.subnets[subnet.index()];
        s.nacl.or(self.vpcs[s.vpc.index()].default_nacl)
    }

    /// The interface owning private address `ip` in `vpc`.
    pub fn eni_by_private_ip(&self, vpc: VpcIdx, ip: Ipv4Addr) -> Option<EniIdx> {
        self.private_ip.get(&(vpc, ip)).copied()
    }

    /// Every interface, in any VPC, owning private address `ip`.
    pub fn enis_with_private_ip(&self, ip: Ipv4Addr) -> Vec<EniIdx> {
        let mut found: Vec<EniIdx> = self
            .vpc_ids()
            .filter_map(|v| self.eni_by_private_ip(v, ip))
            .collect();
        found.sort();
        found
    }

    /// The interface and private address a public IP maps onto.
    pub fn eni_by_public_ip(&self, ip: Ipv4Addr) -> Option<(EniIdx, Ipv4Addr)> {
        self.public_ip.get(&ip).copied()
    }

    /// The subnets of a VPC, in arena order.
    pub fn subnets_of(&self, vpc: VpcIdx) -> &[SubnetIdx] {
        &self.vpc_subnets[vpc.index()]
    }

    /// The peering connections a VPC is part of.
    pub fn peerings_of(&self, vpc: VpcIdx) -> &[PeeringIdx] {
        &self.vpc_peerings[vpc.index()]
    }

    /// The internet gateway attached to a VPC.
    pub fn igw_of(&self, vpc: VpcIdx) -> Option<IgwIdx> {
        self.vpc_igw[vpc.index()]
    }

    /// What the input did not describe, and so was not evaluated.
    pub fn missing(&self) -> &[Missing] {
        &self.missing
    }

    /// The NAT gateway an interface belongs to.
    pub fn nat_of_eni(&self, eni: EniIdx) -> Option<NatIdx> {
        self.nat_of_eni.get(&eni).copied()
    }

    /// The resource with this AWS id.
    pub fn by_id(&self, id: &str) -> Option<AnyIdx> {
        self.by_id.get(id).copied()
    }

    /// The resource of kind `T` with this AWS id (`None` when absent or of another kind).
    pub fn by_id_as<T: TryFrom<AnyIdx>>(&self, id: &str) -> Option<T> {
        self.by_id(id).and_then(|i| T::try_from(i).ok())
    }

    /// The resources with this `Name` tag.
    pub fn by_name(&self, name: &str) -> &[AnyIdx] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The identity of any resource.
    pub fn meta(&self, idx: AnyIdx) -> &Meta {
        match idx {
            AnyIdx::Vpc(i) => &self.vpc(i).meta,
            AnyIdx::Subnet(i) => &self.subnet(i).meta,
            AnyIdx::RouteTable(i) => &self.route_table(i).meta,
            AnyIdx::PrefixList(i) => &self.prefix_list(i).meta,
            AnyIdx::InternetGateway(i) => &self.internet_gateway(i).meta,
            AnyIdx::NatGateway(i) => &self.nat_gateway(i).meta,
            AnyIdx::Interface(i) => &self.interface(i).meta,
            AnyIdx::Instance(i) => &self.instance(i).meta,
            AnyIdx::SecurityGroup(i) => &self.security_group(i).meta,
            AnyIdx::NetworkAcl(i) => &self.network_acl(i).meta,
            AnyIdx::Peering(i) => &self.peering(i).meta,
            AnyIdx::HostedZone(i) => &self.hosted_zone(i).meta,
            AnyIdx::ResolverRule(i) => &self.resolver_rule(i).meta,
            AnyIdx::TransitGateway(i) => &self.transit_gateway(i).meta,
            AnyIdx::TgwAttachment(i) => &self.tgw_attachment(i).meta,
            AnyIdx::TgwRouteTable(i) => &self.tgw_route_table(i).meta,
            AnyIdx::VpcEndpoint(i) => &self.vpc_endpoint(i).meta,
            AnyIdx::LoadBalancer(i) => &self.load_balancer(i).meta,
            AnyIdx::TargetGroup(i) => &self.target_group(i).meta,
            AnyIdx::EndpointService(i) => &self.endpoint_service(i).meta,
            AnyIdx::TailnetNode(i) => &self.tailnet_node(i).meta,
            AnyIdx::FlowLog(i) => &self.flow_log(i).meta,
        }
    }

    /// The overlay mesh, when the input has one.
    pub fn tailnet(&self) -> Option<&Tailnet> {
        self.tailnet.as_ref()
    }

    /// The mesh node with this mesh address.
    pub fn tailnet_node_by_addr(&self, ip: Ipv4Addr) -> Option<TailnetNodeIdx> {
        self.node_by_addr.get(&ip).copied()
    }

    /// The mesh node running on an interface.
    pub fn tailnet_node_of_eni(&self, eni: EniIdx) -> Option<TailnetNodeIdx> {
        self.node_of_eni.get(&eni).copied()
    }

    /// The node whose subnet routes cover `ip` most specifically (other than `except`),
    /// with the route.
    pub fn tailnet_router_for(
        &self,
        ip: Ipv4Addr,
        except: Option<TailnetNodeIdx>,
    ) -> Option<(TailnetNodeIdx, Ipv4Net)> {
        self.tailnet_node_ids()
            .filter(|n| Some(*n) != except)
            .flat_map(|n| {
                self.tailnet_node(n)
                    .routes
                    .iter()
                    .filter(move |r| r.contains(&ip))
                    .map(move |r| (n, *r))
            })
            .min_by_key(|(n, r)| (std::cmp::Reverse(r.prefix_len()), *n))
    }

    /// The tunnels of a VPN appliance (`None` for others).
    pub fn vpn_config(&self, instance: InstanceIdx) -> Option<&VpnConfig> {
        self.vpn.get(&instance)
    }

    /// The routes of a proxy instance (empty for others).
    pub fn proxy_routes(&self, instance: InstanceIdx) -> &[ProxyRoute] {
        self.proxy_routes
            .get(&instance)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The load balancer an interface belongs to.
    pub fn lb_of_eni(&self, eni: EniIdx) -> Option<LbIdx> {
        self.lb_of_eni.get(&eni).copied()
    }

    /// The endpoint service with this service name.
    pub fn endpoint_service_named(&self, name: &str) -> Option<EndpointServiceIdx> {
        self.endpoint_service_ids()
            .find(|s| self.endpoint_service(*s).service_name == name)
    }

    /// The interface endpoint an interface belongs to.
    pub fn endpoint_of_eni(&self, eni: EniIdx) -> Option<VpcEndpointIdx> {
        self.endpoint_of_eni.get(&eni).copied()
    }

    /// The attachment of transit gateway `tgw` to `vpc`, if any.
    pub fn tgw_attachment_in_vpc(&self, tgw: TgwIdx, vpc: VpcIdx) -> Option<TgwAttachmentIdx> {
        self.tgw_attachment_ids().find(|a| {
            let att = self.tgw_attachment(*a);
            att.tgw == tgw && matches!(att.kind, TgwAttachmentKind::Vpc { vpc: v, .. } if v == vpc)
        })
    }

    /// The routes a transit gateway route table holds in effect: its listed routes,
    /// plus one propagated route for each CIDR of each propagating VPC attachment's VPC
    /// and each VPN attachment's site, unless already listed.
    pub fn tgw_routes(&self, rt: TgwRouteTableIdx) -> Vec<TgwRoute> {
        let table = self.tgw_route_table(rt);
        let mut routes = table.routes.clone();
        for a in &table.propagations {
            let cidrs: Vec<Ipv4Net> = match &self.tgw_attachment(*a).kind {
                TgwAttachmentKind::Vpc { vpc, .. } => self.vpc(*vpc).cidrs.clone(),
                TgwAttachmentKind::Vpn { cidrs, .. } => cidrs.clone(),
                _ => Vec::new(),
            };
            for c in cidrs {
                let target = TgwRouteTarget::Attachment(*a);
                let listed = routes.iter().any(|r| {
                    r.destination == c && r.kind == TgwRouteKind::Propagated && r.target == target
                });
                if !listed {
                    routes.push(TgwRoute {
                        destination: c,
                        target,
                        kind: TgwRouteKind::Propagated,
                        origin: None,
                    });
                }
            }
        }
        routes
    }

    /// The route a transit gateway route table uses for `dst`: the longest prefix; for
    /// one prefix a static route beats a propagated one.
    pub fn tgw_lookup(&self, rt: TgwRouteTableIdx, dst: Ipv4Addr) -> Option<TgwRoute> {
        self.tgw_routes(rt)
            .into_iter()
            .filter(|r| r.destination.contains(&dst))
            .min_by_key(|r| (std::cmp::Reverse(r.destination.prefix_len()), r.kind))
    }

    /// The zones named exactly `domain` (in [`crate::dns_name`] form), in arena order.
    pub fn zones_named(&self, domain: &str) -> &[ZoneIdx] {
        self.zones_by_name
            .get(domain)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The most specific zones of `kind` covering `name` that `accept` keeps: walks
    /// `name`'s suffixes from the longest and returns the first non-empty set.
    pub fn most_specific_zones(
        &self,
        name: &str,
        kind: ZoneKind,
        mut accept: impl FnMut(&HostedZone) -> bool,
    ) -> Vec<ZoneIdx> {
        for suffix in suffixes(name) {
            let found: Vec<ZoneIdx> = self
                .zones_named(suffix)
                .iter()
                .copied()
                .filter(|z| {
                    let zone = self.hosted_zone(*z);
                    zone.kind == kind && accept(zone)
                })
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// The most specific Resolver rules associated with `vpc` that match `name`.
    pub fn most_specific_rules(&self, name: &str, vpc: VpcIdx) -> Vec<ResolverRuleIdx> {
        for suffix in suffixes(name) {
            let found: Vec<ResolverRuleIdx> = self
                .rules_by_domain
                .get(suffix)
                .into_iter()
                .flatten()
                .copied()
                .filter(|r| self.resolver_rule(*r).vpcs.contains(&vpc))
                .collect();
            if !found.is_empty() {
                debug_assert!(found
                    .iter()
                    .all(|r| is_within(name, &self.resolver_rule(*r).domain)));
                return found;
            }
        }
        Vec::new()
    }

    /// Resolved route destinations: each CIDR a route matches (a prefix list gives
    /// several), with whether it came from a prefix list.
    pub fn route_cidrs<'a>(
        &'a self,
        route: &'a Route,
    ) -> impl Iterator<Item = (Ipv4Net, bool)> + 'a {
        let (single, list): (Option<Ipv4Net>, &[Ipv4Net]) = match &route.destination {
            RouteDest::Cidr(c) => (Some(*c), &[]),
            RouteDest::Ipv6(_) => (None, &[]),
            RouteDest::PrefixList(pl) => (None, &self.prefix_lists[pl.index()].cidrs),
        };
        single
            .into_iter()
            .map(|c| (c, false))
            .chain(list.iter().map(|c| (*c, true)))
    }
}
