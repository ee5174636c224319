//! The concrete tracer: one connection, hop by hop, forward and back.
//!
//! A path is a walk over two kinds of positions: an interface *sending* a packet
//! (source/dest check, security group egress, route lookup, network ACL outbound) and an
//! interface *receiving* one (network ACL inbound, source/dest check, security group
//! ingress, then delivery, NAT or forwarding), with the internet between internet
//! gateways. The reply walks the same machinery from the destination back, with
//! connection state from the forward walk: security groups let the reply of a
//! connection they allowed through, NAT gateways and NAT instances reverse their
//! translation, and network ACLs and route tables judge the reply on its own.

use std::net::Ipv4Addr;

use vpcnet_model::{
    AnyIdx, EniIdx, Forwarding, InterfaceOwner, NatConnectivity, Network, PeeringStatus,
    RecordType, RouteDest, RouteTarget, RuleAction, SubnetIdx, TailnetNodeIdx, TgwAttachmentIdx,
    TgwAttachmentKind, TgwIdx, TgwRouteTarget, VpcEndpointIdx, VpcIdx,
};

use crate::code::Code;
use crate::dns::{resolve_name, resolver_ip, Resolution};
use crate::eval::{self, is_internet_routable};
use crate::packet::Packet;

mod lb;
mod overlay;
pub use lb::TraceOptions;

/// The most hops a path may take before it is called a loop.
const MAX_HOPS: usize = 64;

/// Where a connection starts or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// A private address of a network interface.
    Interface {
        /// The interface.
        eni: EniIdx,
        /// Its address used.
        ip: Ipv4Addr,
    },
    /// A host on the internet.
    Internet {
        /// Its address.
        ip: Ipv4Addr,
    },
    /// A mesh node that runs on no interface of the network (a laptop).
    Node {
        /// The node.
        node: TailnetNodeIdx,
        /// Its mesh address.
        ip: Ipv4Addr,
    },
    /// A host in a network outside AWS, behind a transit gateway VPN attachment.
    Site {
        /// The VPN attachment.
        att: TgwAttachmentIdx,
        /// Its address.
        ip: Ipv4Addr,
    },
}

impl Endpoint {
    /// The address.
    pub fn ip(&self) -> Ipv4Addr {
        match self {
            Endpoint::Interface { ip, .. }
            | Endpoint::Internet { ip }
            | Endpoint::Site { ip, .. }
            | Endpoint::Node { ip, .. } => *ip,
        }
    }
}

/// One question: can `from` open a connection to `to_ip`?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    /// The source.
    pub from: Endpoint,
    /// The destination address the source sends to.
    pub to_ip: Ipv4Addr,
    /// The interface the user meant, when they named one: delivery anywhere else is a
    /// failure.
    pub expect: Option<EniIdx>,
    /// IP protocol number.
    pub protocol: u8,
    /// Source port (TCP/UDP).
    pub src_port: u16,
    /// Destination port (TCP/UDP).
    pub dst_port: u16,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
}

impl Query {
    /// The packet the query sends.
    pub fn packet(&self) -> Packet {
        Packet {
            src: self.from.ip(),
            dst: self.to_ip,
            protocol: self.protocol,
            src_port: self.src_port,
            dst_port: self.dst_port,
            icmp_type: self.icmp_type,
            icmp_code: self.icmp_code,
        }
    }
}

/// A component a hop passes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Component {
    /// A resource of the network.
    Resource(AnyIdx),
    /// The internet.
    Internet,
    /// Something named by id that the network does not hold (a transit gateway id).
    External {
        /// Kind, as in output (`transit-gateway`).
        kind: &'static str,
        /// Its id.
        id: String,
    },
}

/// What a hop did with the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The packet starts here.
    Send,
    /// A filter let it through.
    Allow,
    /// A filter stopped it.
    Deny,
    /// A route table chose the next hop.
    Route,
    /// An address was rewritten.
    Translate,
    /// It was passed on (gateway, peering, appliance).
    Forward,
    /// It arrived.
    Deliver,
    /// It was dropped (no route, bad state, …).
    Drop,
    /// A DNS step before the connection: a zone, a rule or a resolver answered.
    Resolve,
}

impl Action {
    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Send => "send",
            Action::Allow => "allow",
            Action::Deny => "deny",
            Action::Route => "route",
            Action::Translate => "translate",
            Action::Forward => "forward",
            Action::Deliver => "deliver",
            Action::Drop => "drop",
            Action::Resolve => "resolve",
        }
    }
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// What the packet passed through.
    pub component: Component,
    /// What happened.
    pub action: Action,
    /// For people: which rule, which route, which translation.
    pub detail: String,
    /// The packet as it left this hop.
    pub packet: Packet,
}

/// Why a path ended without delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The component that dropped it.
    pub component: Component,
    /// The stable code.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

/// One direction of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// The hops, in order.
    pub hops: Vec<Hop>,
    /// `None` when the packet arrived.
    pub blocked: Option<Blocked>,
}

/// Source or destination rewrite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslationKind {
    /// Source address rewritten.
    Source,
    /// Destination address rewritten.
    Destination,
}

/// An address translation applied on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// Who translated.
    pub component: Component,
    /// Source or destination.
    pub kind: TranslationKind,
    /// `false` on the forward path, `true` on the return path.
    pub on_return: bool,
    /// Address before.
    pub from: Ipv4Addr,
    /// Address after.
    pub to: Ipv4Addr,
}

/// The answer to a [`Query`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The question.
    pub query: Query,
    /// Forward path.
    pub forward: Path,
    /// Return path (absent when the forward path was blocked).
    pub ret: Option<Path>,
    /// Every translation, forward then return.
    pub translations: Vec<Translation>,
    /// What the answer could not take into account (configuration missing from the
    /// input).
    pub caveats: Vec<String>,
    /// How the destination name was resolved, when it was given as a DNS name.
    pub dns: Option<Resolution>,
    /// What the walks read that decides packets (for the symbolic engine).
    pub(crate) consulted: Consulted,
}

impl Trace {
    /// Whether the connection works both ways.
    pub fn reachable(&self) -> bool {
        self.forward.blocked.is_none() && self.ret.as_ref().is_some_and(|r| r.blocked.is_none())
    }

    /// What blocked it, forward first.
    pub fn blocked_by(&self) -> Option<&Blocked> {
        self.forward
            .blocked
            .as_ref()
            .or_else(|| self.ret.as_ref().and_then(|r| r.blocked.as_ref()))
    }
}

/// A NAT translation remembered for the reply.
#[derive(Clone, Copy, Debug)]
struct NatState {
    translator: EniIdx,
    translated: Ipv4Addr,
    original: Ipv4Addr,
}

#[derive(Default)]
struct Conntrack {
    /// Interfaces whose security groups allowed the forward packet.
    sg: Vec<EniIdx>,
    nat: Vec<NatState>,
    /// Connections load balancers passed to a target.
    lb: Vec<lb::LbFlow>,
    /// Connections carried over PrivateLink.
    privatelink: Vec<lb::PlFlow>,
    /// Connections a proxy made on a client's behalf.
    proxy: Vec<lb::ProxyFlow>,
    /// Connections carried over the overlay mesh.
    mesh: Vec<overlay::MeshFlow>,
}

#[derive(Clone, Copy)]
enum Pos {
    Send(EniIdx),
    Arrive {
        eni: EniIdx,
        from_subnet: Option<SubnetIdx>,
    },
    Internet,
    /// At a transit gateway, having come in through an attachment.
    Tgw {
        tgw: TgwIdx,
        from: TgwAttachmentIdx,
    },
    /// Routed from a subnet by its route table without an interface sending: a
    /// transit gateway attachment's subnet, a load balancer returning a reply.
    Route {
        subnet: SubnetIdx,
    },
    /// Delivered to an AWS service through a gateway endpoint.
    Service(VpcEndpointIdx),
    /// Out of a VPN tunnel at the peer appliance's interface.
    Tunnel {
        eni: EniIdx,
    },
    /// A mesh node not on an interface of the network sends.
    Node(TailnetNodeIdx),
    /// Delivered to a mesh node.
    NodeDelivered(TailnetNodeIdx),
}

enum TgwExit {
    Next(Pos),
    Site(TgwAttachmentIdx),
}

#[derive(Clone, Copy)]
enum End {
    Eni(EniIdx),
    Internet,
    /// A network outside AWS behind a VPN attachment.
    Site(TgwAttachmentIdx),
    /// An AWS service behind a gateway endpoint.
    Service(VpcEndpointIdx),
    /// A mesh node not on an interface of the network.
    Node(TailnetNodeIdx),
}

struct Walk<'n> {
    net: &'n Network,
    reply: bool,
    hops: Vec<Hop>,
    translations: Vec<Translation>,
    /// The request's host name, for load balancer rules.
    host: Option<&'n str>,
    /// Whether this direction already crossed the mesh (it crosses at most once).
    meshed: bool,
    /// What the walk read that decides packets.
    consulted: Consulted,
    /// Whether only the verdict is wanted: no hops, no text for people.
    quiet: bool,
}

/// What a trace read that decides packets: the rule-holding resources and the rule
/// lists it judged by. A packet that differs from the traced one only where none of
/// these rules tells them apart takes the same path. (Public addresses are looked up
/// too, but the symbolic engine never takes one for an internet host.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Consulted {
    pub(crate) resources: Vec<AnyIdx>,
    /// Rule lists judged (security groups and network ACLs), with the direction.
    pub(crate) lists: Vec<Judged>,
}

/// One rule list a walk judged a packet by: the holder, which list (ingress or
/// egress), whether the packet was the reply (its destination port is then the
/// request's source port), and the packet's peer address (the destination going
/// out, the source coming in) and protocol: only rules for that address and protocol
/// can tell apart packets that share them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Judged {
    pub(crate) holder: AnyIdx,
    pub(crate) egress: bool,
    pub(crate) reply: bool,
    pub(crate) peer: Ipv4Addr,
    pub(crate) protocol: u8,
}

impl Consulted {
    fn merge(&mut self, other: Consulted) {
        for r in other.resources {
            if !self.resources.contains(&r) {
                self.resources.push(r);
            }
        }
        for j in other.lists {
            if !self.lists.contains(&j) {
                self.lists.push(j);
            }
        }
    }
}

type Step<T> = Result<T, Blocked>;

fn res(idx: impl Into<AnyIdx>) -> Component {
    Component::Resource(idx.into())
}

impl<'n> Walk<'n> {
    fn label(&self, idx: impl Into<AnyIdx>) -> String {
        self.net.meta(idx.into()).label()
    }

    /// Notes that the walk read the rules of `idx` (what the symbolic engine must split
    /// packet sets by).
    fn consult(&mut self, idx: impl Into<AnyIdx>) {
        let idx = idx.into();
        if !self.consulted.resources.contains(&idx) {
            self.consulted.resources.push(idx);
        }
    }

    /// Notes that the walk judged the packet by one rule list of `holder`.
    fn judge(&mut self, holder: impl Into<AnyIdx>, egress: bool, pkt: &Packet) {
        let j = Judged {
            holder: holder.into(),
            egress,
            reply: self.reply,
            peer: if egress { pkt.dst } else { pkt.src },
            protocol: pkt.protocol,
        };
        if !self.consulted.lists.contains(&j) {
            self.consulted.lists.push(j);
        }
    }

    /// Text for people, unless the walk is quiet.
    fn text(&self, f: impl FnOnce(&Self) -> String) -> String {
        if self.quiet {
            String::new()
        } else {
            f(self)
        }
    }

    fn hop(&mut self, component: Component, action: Action, detail: String, packet: &Packet) {
        if self.quiet {
            return;
        }
        self.hops.push(Hop {
            component,
            action,
            detail,
            packet: *packet,
        });
    }

    fn drop_at(
        &mut self,
        component: Component,
        code: Code,
        message: String,
        pkt: &Packet,
    ) -> Blocked {
        let action = match code {
            Code::EniSgRulesMismatch | Code::SubnetAclRestriction => Action::Deny,
            _ => Action::Drop,
        };
        self.hop(component.clone(), action, message.clone(), pkt);
        Blocked {
            component,
            code,
            message,
        }
    }

    fn translate(
        &mut self,
        who: Component,
        kind: TranslationKind,
        from: Ipv4Addr,
        to: Ipv4Addr,
        pkt: &Packet,
        why: &str,
    ) {
        self.translations.push(Translation {
            component: who.clone(),
            kind,
            on_return: self.reply,
            from,
            to,
        });
        if self.quiet {
            return;
        }
        let what = match kind {
            TranslationKind::Source => "source",
            TranslationKind::Destination => "destination",
        };
        self.hop(
            who,
            Action::Translate,
            format!("{what} {from} -> {to} ({why})"),
            pkt,
        );
    }

    fn eni_label(&self, eni: EniIdx) -> String {
        let e = self.net.interface(eni);
        match e.owner {
            InterfaceOwner::Instance(i) if e.meta.name.is_none() => {
                format!("{} of instance {}", e.meta.id, self.label(i))
            }
            InterfaceOwner::NatGateway(n) => {
                format!("{} of NAT gateway {}", e.meta.id, self.label(n))
            }
            _ => e.meta.label(),
        }
    }

    /// Security groups of `eni` in one direction, stateful on the reply.
    fn security_groups(
        &mut self,
        eni: EniIdx,
        egress: bool,
        pkt: &Packet,
        ct: &mut Conntrack,
    ) -> Step<()> {
        let e = self.net.interface(eni);
        if matches!(e.owner, InterfaceOwner::NatGateway(_)) {
            return Ok(());
        }
        // A network load balancer without security groups filters nothing.
        if e.security_groups.is_empty() && self.net.lb_of_eni(eni).is_some() {
            return Ok(());
        }
        let dir = if egress { "outbound" } else { "inbound" };
        if self.reply && ct.sg.contains(&eni) {
            if self.quiet {
                return Ok(());
            }
            let first = e
                .security_groups
                .first()
                .map(|g| res(*g))
                .unwrap_or(res(eni));
            self.hop(
                first,
                Action::Allow,
                format!("{dir} reply of a tracked connection (security groups are stateful)"),
                pkt,
            );
            return Ok(());
        }
        for g in &e.security_groups {
            self.judge(*g, egress, pkt);
        }
        match eval::sg_allows(self.net, eni, egress, pkt) {
            Some(_) if self.quiet => {
                if !ct.sg.contains(&eni) {
                    ct.sg.push(eni);
                }
                Ok(())
            }
            Some((sg, i)) => {
                let g = self.net.security_group(sg);
                let rule = if egress { &g.egress[i] } else { &g.ingress[i] };
                let peer = self.sg_peer(&rule.peer);
                let dirword = if egress { "to" } else { "from" };
                let desc = rule
                    .description
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                let detail = format!(
                    "{dir} allowed by rule #{}: {}{} {dirword} {peer}{desc}",
                    i + 1,
                    rule.protocol,
                    rule.l4
                );
                self.hop(res(sg), Action::Allow, detail, pkt);
                if !ct.sg.contains(&eni) {
                    ct.sg.push(eni);
                }
                Ok(())
            }
            None => {
                let comp = e
                    .security_groups
                    .first()
                    .map(|g| res(*g))
                    .unwrap_or(res(eni));
                if self.quiet {
                    return Err(self.drop_at(comp, Code::EniSgRulesMismatch, String::new(), pkt));
                }
                let groups: Vec<String> =
                    e.security_groups.iter().map(|g| self.label(*g)).collect();
                let msg = if groups.is_empty() {
                    format!(
                        "{} has no security group, so no {dir} traffic is allowed",
                        self.eni_label(eni)
                    )
                } else {
                    format!(
                        "no {dir} rule of security group{} {} on {} allows {}",
                        if groups.len() > 1 { "s" } else { "" },
                        groups.join(", "),
                        self.eni_label(eni),
                        pkt
                    )
                };
                Err(self.drop_at(comp, Code::EniSgRulesMismatch, msg, pkt))
            }
        }
    }

    fn sg_peer(&self, peer: &vpcnet_model::SgPeer) -> String {
        use vpcnet_model::SgPeer;
        match peer {
            SgPeer::Cidr(c) => c.to_string(),
            SgPeer::Ipv6(c) => c.to_string(),
            SgPeer::PrefixList(p) => format!("prefix list {}", self.label(*p)),
            SgPeer::Group(g) => format!("security group {}", self.label(*g)),
            SgPeer::UnknownGroup(id) => format!("security group {id}"),
        }
    }

    /// The network ACL of `subnet` in one direction (stateless: replies too).
    fn nacl(&mut self, subnet: SubnetIdx, egress: bool, pkt: &Packet) -> Step<()> {
        let Some(acl_idx) = self.net.effective_nacl(subnet) else {
            return Ok(());
        };
        self.judge(acl_idx, egress, pkt);
        let acl = self.net.network_acl(acl_idx);
        let dir = if egress { "outbound" } else { "inbound" };
        let entry = eval::nacl_decides(acl, egress, pkt);
        if self.quiet {
            return match entry {
                Some(e) if e.action == RuleAction::Allow => Ok(()),
                _ => {
                    Err(self.drop_at(res(acl_idx), Code::SubnetAclRestriction, String::new(), pkt))
                }
            };
        }
        let what = match entry {
            Some(e) => format!(
                "rule {} {} {}{} {} {}",
                e.rule_number,
                if e.action == RuleAction::Allow {
                    "allow"
                } else {
                    "deny"
                },
                e.protocol,
                e.l4,
                if egress { "to" } else { "from" },
                e.cidr
            ),
            None => "rule * deny all (no numbered rule matched)".to_owned(),
        };
        let subnet_label = self.label(subnet);
        if entry.is_some_and(|e| e.action == RuleAction::Allow) {
            self.hop(
                res(acl_idx),
                Action::Allow,
                format!("{dir} at subnet {subnet_label}: {what}"),
                pkt,
            );
            Ok(())
        } else {
            let reply = if self.reply { "reply " } else { "" };
            let msg = format!(
                "network ACL {} of subnet {subnet_label} denies {dir} {reply}{pkt}: {what}",
                self.label(acl_idx)
            );
            Err(self.drop_at(res(acl_idx), Code::SubnetAclRestriction, msg, pkt))
        }
    }

    fn vpc_of_subnet(&self, s: SubnetIdx) -> VpcIdx {
        self.net.vpc_of_subnet(s)
    }

    fn run(&mut self, mut pkt: Packet, start: Pos, ct: &mut Conntrack) -> Step<(End, Packet)> {
        let mut pos = start;
        for _ in 0..MAX_HOPS {
            pos = match pos {
                Pos::Send(eni) => self.send(eni, &mut pkt, ct)?,
                Pos::Arrive { eni, from_subnet } => {
                    match self.arrive(eni, from_subnet, &mut pkt, ct)? {
                        Some(next) => next,
                        None => return Ok((End::Eni(eni), pkt)),
                    }
                }
                Pos::Internet => match self.internet(&mut pkt)? {
                    Some(next) => next,
                    None => return Ok((End::Internet, pkt)),
                },
                Pos::Tgw { tgw, from } => match self.tgw(tgw, from, &mut pkt)? {
                    TgwExit::Next(next) => next,
                    TgwExit::Site(att) => return Ok((End::Site(att), pkt)),
                },
                Pos::Route { subnet } => self.route_from(subnet, &mut pkt, ct)?,
                Pos::Service(ep) => return Ok((End::Service(ep), pkt)),
                Pos::Tunnel { eni } => match self.tunnel_exit(eni, &mut pkt, ct)? {
                    Some(next) => next,
                    None => return Ok((End::Eni(eni), pkt)),
                },
                Pos::Node(n) => match self.enter_mesh(n, &mut pkt, ct)? {
                    Some(overlay::MeshExit::Next(next)) => next,
                    Some(overlay::MeshExit::Node(t)) => Pos::NodeDelivered(t),
                    None => {
                        let msg =
                            format!("node {} has no tailnet route to {}", self.label(n), pkt.dst);
                        return Err(self.drop_at(res(n), Code::NoRouteToDestination, msg, &pkt));
                    }
                },
                Pos::NodeDelivered(n) => {
                    if self.reply {
                        self.mesh_deliver(n, &mut pkt, ct);
                    }
                    return Ok(match net_eni_of_node(self.net, n) {
                        Some(eni) => (End::Eni(eni), pkt),
                        None => (End::Node(n), pkt),
                    });
                }
            };
        }
        let msg = format!("the path exceeded {MAX_HOPS} hops; the routes form a loop");
        Err(self.drop_at(Component::Internet, Code::MaxHopsExceeded, msg, &pkt))
    }

    fn send(&mut self, eni: EniIdx, pkt: &mut Packet, ct: &mut Conntrack) -> Step<Pos> {
        let net = self.net;
        let e = net.interface(eni);
        let subnet = e.subnet;
        if let Some(n) = net.tailnet_node_of_eni(eni) {
            match self.enter_mesh(n, pkt, ct)? {
                Some(overlay::MeshExit::Next(next)) => return Ok(next),
                Some(overlay::MeshExit::Node(t)) => return Ok(Pos::NodeDelivered(t)),
                None => {}
            }
        }
        // Load balancers forward by design: AWS manages their interfaces.
        if e.source_dest_check && !e.owns(pkt.src) && net.lb_of_eni(eni).is_none() {
            let msg = format!(
                "{} has source/destination check enabled and cannot send a packet from {}",
                self.eni_label(eni),
                pkt.src
            );
            return Err(self.drop_at(res(eni), Code::EniSourceDestCheckRestriction, msg, pkt));
        }
        self.security_groups(eni, true, pkt, ct)?;
        self.route_from(subnet, pkt, ct)
    }

    /// Routes a packet from `subnet` by its route table: from an interface that sent it,
    /// or from a transit gateway attachment's subnet for a packet entering the VPC.
    fn route_from(&mut self, subnet: SubnetIdx, pkt: &mut Packet, ct: &Conntrack) -> Step<Pos> {
        let net = self.net;
        let vpc = self.vpc_of_subnet(subnet);
        if self.reply {
            if let Some(next) = self.reply_to_load_balancer(subnet, pkt, ct)? {
                return Ok(next);
            }
        }
        let Some(rt_idx) = net.effective_route_table(subnet) else {
            let msg = format!("subnet {} has no route table", self.label(subnet));
            return Err(self.drop_at(res(subnet), Code::NoRouteToDestination, msg, pkt));
        };
        self.consult(rt_idx);
        let rt = net.route_table(rt_idx);
        let Some((route, cidr)) = eval::lookup(net, rt, pkt.dst) else {
            if let Some((why, _)) = self.mesh_return_route_missing(pkt.dst, ct) {
                let msg = format!(
                    "route table {} of subnet {} has no route to {}: {why}",
                    self.label(rt_idx),
                    self.label(subnet),
                    pkt.dst
                );
                return Err(self.drop_at(res(rt_idx), Code::TailscaleNoReturnRoute, msg, pkt));
            }
            let msg = format!(
                "route table {} of subnet {} has no route to {}",
                self.label(rt_idx),
                self.label(subnet),
                pkt.dst
            );
            return Err(self.drop_at(res(rt_idx), Code::NoRouteToDestination, msg, pkt));
        };
        if let Some((why, router)) = self.mesh_return_route_missing(pkt.dst, ct) {
            let to_router = match &route.target {
                RouteTarget::Interface(e) => *e == router,
                RouteTarget::Instance(i) => net.instance(*i).interfaces.contains(&router),
                _ => false,
            };
            if !to_router {
                let msg = format!(
                    "route table {} sends {} by {cidr} to {}, not to the subnet router: {why}",
                    self.label(rt_idx),
                    pkt.dst,
                    self.target_label(&route.target)
                );
                return Err(self.drop_at(res(rt_idx), Code::TailscaleNoReturnRoute, msg, pkt));
            }
        }
        let target = self.text(|w| w.target_label(&route.target));
        let via_list = match &route.destination {
            RouteDest::PrefixList(pl) => self.text(|w| format!(" (prefix list {})", w.label(*pl))),
            _ => String::new(),
        };
        if !route.active {
            let msg = format!(
                "route table {}: route {cidr}{via_list} -> {target} is a blackhole",
                self.label(rt_idx)
            );
            return Err(self.drop_at(res(rt_idx), Code::BadStateRoute, msg, pkt));
        }
        let route_detail = if self.quiet {
            String::new()
        } else {
            format!(
                "{cidr}{via_list} -> {target} (subnet {})",
                self.label(subnet)
            )
        };
        // Where the packet goes next, and whether it leaves the subnet.
        let next: Pos = match &route.target {
            RouteTarget::Local => {
                let Some(dst) = net.eni_by_private_ip(vpc, pkt.dst) else {
                    self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                    let msg = format!(
                        "no network interface in VPC {} has address {}",
                        self.label(vpc),
                        pkt.dst
                    );
                    return Err(self.drop_at(res(vpc), Code::NoInterfaceForDestination, msg, pkt));
                };
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                self.leave_subnet(subnet, Some(net.interface(dst).subnet), pkt)?;
                Pos::Arrive {
                    eni: dst,
                    from_subnet: Some(subnet),
                }
            }
            RouteTarget::Interface(_) | RouteTarget::Instance(_) => {
                let target_eni = match &route.target {
                    RouteTarget::Interface(x) => Some(*x),
                    RouteTarget::Instance(i) => net.instance(*i).interfaces.first().copied(),
                    _ => None,
                };
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let Some(t) = target_eni else {
                    let msg = format!("the route's target {target} has no network interface");
                    return Err(self.drop_at(res(rt_idx), Code::BadState, msg, pkt));
                };
                self.leave_subnet(subnet, Some(net.interface(t).subnet), pkt)?;
                Pos::Arrive {
                    eni: t,
                    from_subnet: Some(subnet),
                }
            }
            RouteTarget::NatGateway(n) => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let nat = net.nat_gateway(*n);
                if nat.state != "available" {
                    let msg = format!(
                        "NAT gateway {} is `{}`, not `available`",
                        self.label(*n),
                        nat.state
                    );
                    return Err(self.drop_at(res(*n), Code::BadState, msg, pkt));
                }
                self.leave_subnet(subnet, Some(nat.subnet), pkt)?;
                Pos::Arrive {
                    eni: nat.eni,
                    from_subnet: Some(subnet),
                }
            }
            RouteTarget::InternetGateway(g) => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                self.leave_subnet(subnet, None, pkt)?;
                let igw = res(*g);
                if !is_internet_routable(pkt.dst) {
                    let msg = format!(
                        "internet gateway {} cannot deliver {}: the address is not routed on the internet",
                        self.label(*g),
                        pkt.dst
                    );
                    return Err(self.drop_at(igw, Code::NoRouteToDestination, msg, pkt));
                }
                let src = pkt.src;
                let public = net
                    .eni_by_private_ip(vpc, src)
                    .and_then(|owner| net.interface(owner).public_for(src));
                match public {
                    Some(p) => {
                        pkt.src = p;
                        self.translate(
                            igw.clone(),
                            TranslationKind::Source,
                            src,
                            p,
                            pkt,
                            "public IP mapped 1:1 by the internet gateway",
                        );
                    }
                    None if is_internet_routable(src) => {}
                    None => {
                        let msg = format!(
                            "{} has no public IP or Elastic IP for {src}, so internet gateway {} cannot send its traffic",
                            net.eni_by_private_ip(vpc, src).map(|o| self.eni_label(o)).unwrap_or_else(|| src.to_string()),
                            self.label(*g)
                        );
                        return Err(self.drop_at(
                            igw,
                            Code::IgwPublicIpAssociationForEgress,
                            msg,
                            pkt,
                        ));
                    }
                }
                self.hop(igw, Action::Forward, "to the internet".to_owned(), pkt);
                Pos::Internet
            }
            RouteTarget::Peering(p) => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let peering = net.peering(*p);
                if peering.status != PeeringStatus::Active {
                    let msg = format!(
                        "peering connection {} is `{}`, not `active`",
                        self.label(*p),
                        peering.status.as_str()
                    );
                    return Err(self.drop_at(res(*p), Code::BadState, msg, pkt));
                }
                let Some(peer) = peering.other_side(vpc) else {
                    let msg = format!(
                        "VPC {} is not part of peering connection {}",
                        self.label(vpc),
                        self.label(*p)
                    );
                    return Err(self.drop_at(res(*p), Code::BadState, msg, pkt));
                };
                if !net.vpc(peer).contains(pkt.dst) {
                    let blocks: Vec<String> =
                        net.vpc(peer).cidrs.iter().map(|c| c.to_string()).collect();
                    let msg = format!(
                        "{} is not in peer VPC {} ({}): VPC peering is not transitive and carries only traffic for the peer's own addresses",
                        pkt.dst,
                        self.label(peer),
                        blocks.join(", ")
                    );
                    return Err(self.drop_at(res(*p), Code::PcxRequiresAddressInVpcCidr, msg, pkt));
                }
                if !net.vpc(peer).described {
                    let msg = format!(
                        "peer VPC {} is not described in the input (only its CIDR blocks are known from the peering); describe its account to follow the path",
                        self.label(peer)
                    );
                    return Err(self.drop_at(res(peer), Code::VpcNotInInput, msg, pkt));
                }
                let Some(dst) = net.eni_by_private_ip(peer, pkt.dst) else {
                    let msg = format!(
                        "no network interface in peer VPC {} has address {}",
                        self.label(peer),
                        pkt.dst
                    );
                    return Err(self.drop_at(res(peer), Code::NoInterfaceForDestination, msg, pkt));
                };
                self.leave_subnet(subnet, None, pkt)?;
                self.hop(
                    res(*p),
                    Action::Forward,
                    format!(
                        "to VPC {} (delivered only to its own addresses: no transit)",
                        self.label(peer)
                    ),
                    pkt,
                );
                Pos::Arrive {
                    eni: dst,
                    from_subnet: None,
                }
            }
            RouteTarget::TransitGateway(id) if net.by_id_as::<TgwIdx>(id).is_some() => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let tgw = net.by_id_as::<TgwIdx>(id).expect("checked by the guard");
                self.enter_tgw(tgw, vpc, subnet, pkt)?
            }
            RouteTarget::VpcEndpoint(id) if net.by_id_as::<VpcEndpointIdx>(id).is_some() => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let ep = net
                    .by_id_as::<VpcEndpointIdx>(id)
                    .expect("checked by the guard");
                self.leave_subnet(subnet, None, pkt)?;
                self.gateway_endpoint(ep, pkt)?
            }
            RouteTarget::TransitGateway(id)
            | RouteTarget::VpcEndpoint(id)
            | RouteTarget::VpnGateway(id)
            | RouteTarget::Other(_, id) => {
                self.hop(res(rt_idx), Action::Route, route_detail, pkt);
                let kind = external_kind(&route.target);
                let msg = format!(
                    "the route sends {} to {kind} {id}, which vpcnet does not trace through yet",
                    pkt.dst
                );
                return Err(self.drop_at(
                    Component::External {
                        kind,
                        id: id.clone(),
                    },
                    Code::TargetNotModelled,
                    msg,
                    pkt,
                ));
            }
            RouteTarget::Blackhole => {
                let msg = format!(
                    "route table {}: route {cidr}{via_list} is a blackhole",
                    self.label(rt_idx)
                );
                return Err(self.drop_at(res(rt_idx), Code::BadStateRoute, msg, pkt));
            }
        };
        Ok(next)
    }

    /// Network ACL outbound, when the packet leaves its subnet.
    fn leave_subnet(&mut self, from: SubnetIdx, to: Option<SubnetIdx>, pkt: &Packet) -> Step<()> {
        if to == Some(from) {
            return Ok(());
        }
        self.nacl(from, true, pkt)
    }

    fn arrive(
        &mut self,
        eni: EniIdx,
        from_subnet: Option<SubnetIdx>,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<Pos>> {
        let net = self.net;
        let e = net.interface(eni);
        if from_subnet != Some(e.subnet) {
            self.nacl(e.subnet, false, pkt)?;
        }
        if let Some(n) = net.nat_of_eni(eni) {
            return self.nat_gateway(n, eni, pkt, ct).map(Some);
        }
        if let Some(lb) = net.lb_of_eni(eni) {
            return self.load_balancer(lb, eni, pkt, ct).map(Some);
        }
        if self.reply {
            if let Some(n) = self.mesh_reply_at_router(eni, pkt, ct)? {
                return Ok(Some(Pos::NodeDelivered(n)));
            }
        }
        let addressed = e.owns(pkt.dst);
        if !addressed && e.source_dest_check {
            let msg = format!(
                "{} has source/destination check enabled and drops a packet for {}; disable the check on an instance that routes",
                self.eni_label(eni),
                pkt.dst
            );
            return Err(self.drop_at(res(eni), Code::EniSourceDestCheckRestriction, msg, pkt));
        }
        self.security_groups(eni, false, pkt, ct)?;
        let translated_here = ct
            .nat
            .iter()
            .any(|s| s.translator == eni && s.translated == pkt.dst);
        if self.reply && translated_here {
            // The reply of a connection this instance translated: reverse and send on.
            let who = match e.owner {
                InterfaceOwner::Instance(i) => res(i),
                _ => res(eni),
            };
            self.unnat(eni, who, pkt, ct)?;
            return Ok(Some(Pos::Send(eni)));
        }
        if addressed {
            if let Some(ep) = net.endpoint_of_eni(eni) {
                return self.endpoint_arrival(ep, eni, pkt, ct);
            }
            if let InterfaceOwner::Instance(i) = e.owner {
                if net.instance(i).forwarding == Some(Forwarding::Proxy) {
                    if let Some(next) = self.proxy(i, eni, pkt, ct)? {
                        return Ok(Some(next));
                    }
                }
            }
            let detail = self.text(|w| format!("to {} at {}", w.eni_label(eni), pkt.dst));
            self.hop(res(eni), Action::Deliver, detail, pkt);
            return Ok(None);
        }
        // An appliance: forward by its declared role.
        let instance = match e.owner {
            InterfaceOwner::Instance(i) => Some(i),
            _ => None,
        };
        let forwarding = instance.and_then(|i| net.instance(i).forwarding);
        match (forwarding, instance) {
            (Some(Forwarding::Router), Some(i)) => {
                self.hop(
                    res(i),
                    Action::Forward,
                    "routes the packet on unchanged".to_owned(),
                    pkt,
                );
            }
            (Some(Forwarding::Vpn), Some(i)) => return self.vpn(i, eni, pkt, ct).map(Some),
            (Some(Forwarding::Nat), Some(i)) => {
                if self.reply {
                    self.unnat(eni, res(i), pkt, ct)?;
                } else {
                    let to = e.primary_ip();
                    ct.nat.push(NatState {
                        translator: eni,
                        translated: to,
                        original: pkt.src,
                    });
                    let from = pkt.src;
                    pkt.src = to;
                    self.translate(
                        res(i),
                        TranslationKind::Source,
                        from,
                        to,
                        pkt,
                        "NAT instance",
                    );
                }
            }
            _ => {
                let msg = format!(
                    "a route sends {} to {}, which declares no forwarding role (`forwarding: router` or `nat`)",
                    pkt.dst,
                    self.eni_label(eni)
                );
                let comp = instance.map(res).unwrap_or(res(eni));
                return Err(self.drop_at(comp, Code::ApplianceNotForwarding, msg, pkt));
            }
        }
        Ok(Some(Pos::Send(eni)))
    }

    fn unnat(&mut self, eni: EniIdx, who: Component, pkt: &mut Packet, ct: &Conntrack) -> Step<()> {
        match ct
            .nat
            .iter()
            .rev()
            .find(|s| s.translator == eni && s.translated == pkt.dst)
        {
            Some(state) => {
                let from = pkt.dst;
                pkt.dst = state.original;
                self.translate(
                    who,
                    TranslationKind::Destination,
                    from,
                    state.original,
                    pkt,
                    "reply of a translated connection",
                );
                Ok(())
            }
            None => {
                let msg = format!(
                    "{} holds no connection for a reply to {}",
                    self.eni_label(eni),
                    pkt.dst
                );
                Err(self.drop_at(who, Code::NoConnectionState, msg, pkt))
            }
        }
    }

    fn nat_gateway(
        &mut self,
        n: vpcnet_model::NatIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Pos> {
        let nat = self.net.nat_gateway(n);
        let own = self.net.interface(eni).primary_ip();
        if self.reply {
            self.unnat(eni, res(n), pkt, ct)?;
            return Ok(Pos::Send(eni));
        }
        if pkt.dst == own {
            let msg = format!("NAT gateway {} accepts no connections; it only translates connections from its VPC", self.label(n));
            return Err(self.drop_at(res(n), Code::NatGatewayNoInbound, msg, pkt));
        }
        let kind = match nat.connectivity {
            NatConnectivity::Public => "public NAT gateway",
            NatConnectivity::Private => "private NAT gateway",
        };
        ct.nat.push(NatState {
            translator: eni,
            translated: own,
            original: pkt.src,
        });
        let from = pkt.src;
        pkt.src = own;
        self.translate(res(n), TranslationKind::Source, from, own, pkt, kind);
        Ok(Pos::Send(eni))
    }

    fn internet(&mut self, pkt: &mut Packet) -> Step<Option<Pos>> {
        let net = self.net;
        if let Some((eni, private)) = net.eni_by_public_ip(pkt.dst) {
            let vpc = net.vpc_of_eni(eni);
            let Some(g) = net.igw_of(vpc) else {
                let msg = format!(
                    "{} maps to {} in VPC {}, which has no internet gateway",
                    pkt.dst,
                    self.eni_label(eni),
                    self.label(vpc)
                );
                return Err(self.drop_at(res(vpc), Code::NoInternetGateway, msg, pkt));
            };
            let from = pkt.dst;
            pkt.dst = private;
            self.translate(
                res(g),
                TranslationKind::Destination,
                from,
                private,
                pkt,
                "public IP mapped 1:1 by the internet gateway",
            );
            return Ok(Some(Pos::Arrive {
                eni,
                from_subnet: None,
            }));
        }
        if !is_internet_routable(pkt.dst) {
            let msg = format!(
                "{} is not routed on the internet, and no public IP in the network maps to it",
                pkt.dst
            );
            return Err(self.drop_at(Component::Internet, Code::NoRouteToDestination, msg, pkt));
        }
        self.hop(
            Component::Internet,
            Action::Deliver,
            format!("to internet host {}", pkt.dst),
            pkt,
        );
        Ok(None)
    }

    /// A gateway endpoint delivers to its AWS service (the endpoint policy is not
    /// evaluated).
    fn gateway_endpoint(&mut self, ep: VpcEndpointIdx, pkt: &Packet) -> Step<Pos> {
        let e = self.net.vpc_endpoint(ep);
        if !e.is_available() {
            let msg = format!(
                "VPC endpoint {} is `{}`, not `available`",
                self.label(ep),
                e.state
            );
            return Err(self.drop_at(res(ep), Code::BadState, msg, pkt));
        }
        self.hop(
            res(ep),
            Action::Deliver,
            format!(
                "to {} at {} through gateway endpoint {} (its endpoint policy is not evaluated)",
                e.service_name,
                pkt.dst,
                self.label(ep)
            ),
            pkt,
        );
        Ok(Pos::Service(ep))
    }

    /// An interface endpoint's interface accepted the packet: the service is reached
    /// (an endpoint service's provider side, its load balancer and targets, is not
    /// followed).
    fn endpoint_arrival(
        &mut self,
        ep: VpcEndpointIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<Pos>> {
        let e = self.net.vpc_endpoint(ep);
        if self.reply || !e.is_available() || e.is_aws_service() {
            return self.deliver_to_endpoint(ep, eni, pkt).map(|()| None);
        }
        match self.net.endpoint_service_named(&e.service_name) {
            Some(svc) => self.privatelink(ep, eni, svc, pkt, ct).map(Some),
            None => self.deliver_to_endpoint(ep, eni, pkt).map(|()| None),
        }
    }

    fn deliver_to_endpoint(&mut self, ep: VpcEndpointIdx, eni: EniIdx, pkt: &Packet) -> Step<()> {
        let e = self.net.vpc_endpoint(ep);
        if !e.is_available() {
            let msg = format!(
                "interface endpoint {} is `{}`, not `available`{}",
                self.label(ep),
                e.state,
                if e.state.eq_ignore_ascii_case("pendingAcceptance") {
                    ": the endpoint service has not accepted the connection"
                } else {
                    ""
                }
            );
            return Err(self.drop_at(res(ep), Code::BadState, msg, pkt));
        }
        let tail = if e.is_aws_service() {
            ""
        } else {
            "; the endpoint service is not in the input, so its provider side is not traced"
        };
        self.hop(
            res(eni),
            Action::Deliver,
            format!(
                "to {} at {} through interface endpoint {} ({}){tail}",
                e.service_name,
                pkt.dst,
                self.label(ep),
                self.eni_label(eni)
            ),
            pkt,
        );
        Ok(())
    }

    /// A VPN appliance: the most specific tunnel carrying the destination, else
    /// routed on (or source-translated, for a NAT+VPN gateway).
    fn vpn(
        &mut self,
        i: vpcnet_model::InstanceIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Pos> {
        let net = self.net;
        let cfg = net.vpn_config(i);
        let tunnel = cfg.and_then(|c| {
            c.tunnels
                .iter()
                .flat_map(|t| t.networks.iter().map(move |n| (t, *n)))
                .filter(|(_, n)| n.contains(&pkt.dst))
                .max_by_key(|(_, n)| n.prefix_len())
        });
        if let Some((t, network)) = tunnel {
            let Some(&peer_eni) = net.instance(t.peer).interfaces.first() else {
                let msg = format!("VPN peer {} has no network interface", self.label(t.peer));
                return Err(self.drop_at(res(t.peer), Code::BadState, msg, pkt));
            };
            self.hop(
                res(i),
                Action::Forward,
                format!(
                    "IPsec tunnel to {} for {network} (the tunnel's own packets between the two gateways are not traced)",
                    self.label(t.peer)
                ),
                pkt,
            );
            return Ok(Pos::Tunnel { eni: peer_eni });
        }
        if cfg.is_some_and(|c| c.nat) && !self.reply {
            let to = net.interface(eni).primary_ip();
            ct.nat.push(NatState {
                translator: eni,
                translated: to,
                original: pkt.src,
            });
            let from = pkt.src;
            pkt.src = to;
            self.translate(
                res(i),
                TranslationKind::Source,
                from,
                to,
                pkt,
                "NAT+VPN gateway, for what no tunnel carries",
            );
        } else {
            self.hop(
                res(i),
                Action::Forward,
                "no tunnel carries it: routed on unchanged".to_owned(),
                pkt,
            );
        }
        Ok(Pos::Send(eni))
    }

    /// A packet out of a VPN tunnel at the peer: delivered when addressed to it, into
    /// the peer's VPC when the destination is there, else on by the peer's own role.
    fn tunnel_exit(
        &mut self,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<Pos>> {
        let net = self.net;
        let e = net.interface(eni);
        if e.owns(pkt.dst) {
            self.hop(
                res(eni),
                Action::Deliver,
                format!(
                    "out of the tunnel to {} at {}",
                    self.eni_label(eni),
                    pkt.dst
                ),
                pkt,
            );
            return Ok(None);
        }
        let vpc = net.vpc_of_eni(eni);
        let instance = match e.owner {
            InterfaceOwner::Instance(i) => Some(i),
            _ => None,
        };
        let is_vpn = instance.is_some_and(|i| net.instance(i).forwarding == Some(Forwarding::Vpn));
        if net.vpc(vpc).contains(pkt.dst) || !is_vpn {
            self.hop(
                res(eni),
                Action::Forward,
                format!(
                    "out of the tunnel at {}, into VPC {}",
                    self.eni_label(eni),
                    self.label(vpc)
                ),
                pkt,
            );
            return Ok(Some(Pos::Send(eni)));
        }
        let i = instance.expect("a VPN appliance is an instance");
        self.vpn(i, eni, pkt, ct).map(Some)
    }

    fn site_label(&self, att: TgwAttachmentIdx) -> String {
        match &self.net.tgw_attachment(att).kind {
            TgwAttachmentKind::Vpn { site, .. } => {
                format!("site {site} (VPN attachment {})", self.label(att))
            }
            _ => self.label(att),
        }
    }

    /// From a VPC subnet into a transit gateway: through the VPC's attachment, by its
    /// subnet in the sender's Availability Zone. The sender's subnet ACL judges the
    /// packet outbound, the attachment subnet's ACL inbound (AWS evaluates both even
    /// when they are one subnet).
    fn enter_tgw(
        &mut self,
        tgw: TgwIdx,
        vpc: VpcIdx,
        subnet: SubnetIdx,
        pkt: &Packet,
    ) -> Step<Pos> {
        let net = self.net;
        let Some(att) = net.tgw_attachment_in_vpc(tgw, vpc) else {
            let msg = format!(
                "transit gateway {} has no attachment to VPC {}",
                self.label(tgw),
                self.label(vpc)
            );
            return Err(self.drop_at(res(tgw), Code::TgwNoAttachmentInVpc, msg, pkt));
        };
        let a = net.tgw_attachment(att);
        let az = &net.subnet(subnet).az;
        let att_subnet = match &a.kind {
            TgwAttachmentKind::Vpc { subnets, .. } => {
                subnets.iter().copied().find(|s| net.subnet(*s).az == *az)
            }
            _ => None,
        };
        let Some(att_subnet) = att_subnet else {
            let msg = format!(
                "attachment {} of transit gateway {} has no subnet in {az}, so subnet {} there cannot reach the transit gateway",
                self.label(att),
                self.label(tgw),
                self.label(subnet)
            );
            return Err(self.drop_at(res(att), Code::TgwAttachmentNoSubnetInAz, msg, pkt));
        };
        self.nacl(subnet, true, pkt)?;
        self.nacl(att_subnet, false, pkt)?;
        if !a.is_available() {
            let msg = format!(
                "transit gateway attachment {} is `{}`, not `available`",
                self.label(att),
                a.state
            );
            return Err(self.drop_at(res(att), Code::BadState, msg, pkt));
        }
        self.hop(
            res(att),
            Action::Forward,
            format!(
                "into transit gateway {} through subnet {} ({az})",
                self.label(tgw),
                self.label(att_subnet)
            ),
            pkt,
        );
        Ok(Pos::Tgw { tgw, from: att })
    }

    /// At a transit gateway: the route table associated with the attachment the packet
    /// came in by, longest prefix (static before propagated), then out by the next
    /// attachment.
    fn tgw(&mut self, tgw: TgwIdx, from: TgwAttachmentIdx, pkt: &mut Packet) -> Step<TgwExit> {
        let net = self.net;
        let came = net.tgw_attachment(from);
        let Some(rt) = came.association_on(tgw) else {
            let msg = format!(
                "attachment {} is associated with no route table of transit gateway {}",
                self.label(from),
                self.label(tgw)
            );
            return Err(self.drop_at(res(from), Code::TgwAttachMissingTgwRtbAssociation, msg, pkt));
        };
        self.consult(rt);
        let Some(route) = net.tgw_lookup(rt, pkt.dst) else {
            let msg = format!(
                "transit gateway route table {} has no route to {}",
                self.label(rt),
                pkt.dst
            );
            return Err(self.drop_at(res(rt), Code::TgwRtbCannotRoute, msg, pkt));
        };
        let kind = match route.kind {
            vpcnet_model::TgwRouteKind::Static => "static",
            vpcnet_model::TgwRouteKind::Propagated => "propagated",
        };
        let out = match route.target {
            TgwRouteTarget::Blackhole => {
                let msg = format!(
                    "transit gateway route table {}: {} route {} is a blackhole",
                    self.label(rt),
                    kind,
                    route.destination
                );
                return Err(self.drop_at(res(rt), Code::TgwRouteBlackhole, msg, pkt));
            }
            TgwRouteTarget::Attachment(a) => a,
        };
        self.hop(
            res(rt),
            Action::Route,
            format!(
                "{} -> attachment {} ({kind}; came in by {})",
                route.destination,
                self.label(out),
                self.label(from)
            ),
            pkt,
        );
        let o = net.tgw_attachment(out);
        if !o.is_available() {
            let msg = format!(
                "transit gateway attachment {} is `{}`, not `available`",
                self.label(out),
                o.state
            );
            return Err(self.drop_at(res(out), Code::BadState, msg, pkt));
        }
        match &o.kind {
            TgwAttachmentKind::Vpc {
                vpc,
                subnets,
                appliance_mode,
            } => {
                let dst_az = net
                    .eni_by_private_ip(*vpc, pkt.dst)
                    .map(|e| net.subnet(net.interface(e).subnet).az.clone());
                let subnet = subnets
                    .iter()
                    .copied()
                    .find(|s| Some(&net.subnet(*s).az) == dst_az.as_ref())
                    .or_else(|| subnets.first().copied());
                let Some(subnet) = subnet else {
                    let msg = format!("attachment {} has no subnets", self.label(out));
                    return Err(self.drop_at(res(out), Code::BadState, msg, pkt));
                };
                if !net.vpc(*vpc).described {
                    let msg = format!(
                        "VPC {} is not described in the input; describe its account to follow the path",
                        self.label(*vpc)
                    );
                    return Err(self.drop_at(res(*vpc), Code::VpcNotInInput, msg, pkt));
                }
                let mode = if *appliance_mode {
                    "; appliance mode keeps both directions of a flow in one Availability Zone"
                } else {
                    ""
                };
                self.hop(
                    res(out),
                    Action::Forward,
                    format!(
                        "into VPC {} through subnet {}, routed by its route table{mode}",
                        self.label(*vpc),
                        self.label(subnet)
                    ),
                    pkt,
                );
                Ok(TgwExit::Next(Pos::Route { subnet }))
            }
            TgwAttachmentKind::Peering { peer_id, .. } => {
                let Some(far) = o.far_side(tgw) else {
                    let msg = format!(
                        "peering attachment {} leads to transit gateway {peer_id}, which the input does not describe",
                        self.label(out)
                    );
                    return Err(self.drop_at(
                        Component::External {
                            kind: "transit-gateway",
                            id: peer_id.clone(),
                        },
                        Code::TargetNotModelled,
                        msg,
                        pkt,
                    ));
                };
                self.hop(
                    res(out),
                    Action::Forward,
                    format!("to peer transit gateway {}", self.label(far)),
                    pkt,
                );
                Ok(TgwExit::Next(Pos::Tgw {
                    tgw: far,
                    from: out,
                }))
            }
            TgwAttachmentKind::Vpn { cidrs, .. } => {
                let known = cidrs.is_empty() || cidrs.iter().any(|c| c.contains(&pkt.dst));
                let note = if known {
                    String::new()
                } else {
                    " (outside the ranges declared for the site; the network there is not modelled)"
                        .to_owned()
                };
                self.hop(
                    res(out),
                    Action::Deliver,
                    format!("to {} in {}{note}", pkt.dst, self.site_label(out)),
                    pkt,
                );
                Ok(TgwExit::Site(out))
            }
            TgwAttachmentKind::Other { kind } => {
                let msg = format!(
                    "the route sends {} to {kind} attachment {}, which vpcnet does not trace through",
                    pkt.dst,
                    self.label(out)
                );
                Err(self.drop_at(res(out), Code::TargetNotModelled, msg, pkt))
            }
        }
    }

    fn target_label(&self, t: &RouteTarget) -> String {
        match t {
            RouteTarget::Local => "local".to_owned(),
            RouteTarget::InternetGateway(g) => self.label(*g),
            RouteTarget::NatGateway(n) => self.label(*n),
            RouteTarget::Peering(p) => self.label(*p),
            RouteTarget::Interface(e) => self.eni_label(*e),
            RouteTarget::Instance(i) => self.label(*i),
            RouteTarget::TransitGateway(id)
            | RouteTarget::VpcEndpoint(id)
            | RouteTarget::VpnGateway(id)
            | RouteTarget::Other(_, id) => id.clone(),
            RouteTarget::Blackhole => "blackhole".to_owned(),
        }
    }
}

fn external_kind(t: &RouteTarget) -> &'static str {
    match t {
        RouteTarget::TransitGateway(_) => "transit-gateway",
        RouteTarget::VpcEndpoint(_) => "vpc-endpoint",
        RouteTarget::VpnGateway(_) => "vpn-gateway",
        _ => "gateway",
    }
}

fn caveats(net: &Network) -> Vec<String> {
    net.missing()
        .iter()
        .map(|m| {
            format!(
                "{} were not in the input for {}: not evaluated",
                m.facet.as_str(),
                m.scope
            )
        })
        .collect()
}

fn net_eni_of_node(net: &Network, n: TailnetNodeIdx) -> Option<EniIdx> {
    net.tailnet_node(n).eni
}

/// Traces one connection: the forward packet and, if it arrives, the reply.
pub fn trace(net: &Network, q: &Query) -> Trace {
    trace_with(net, q, &TraceOptions::default())
}

/// [`trace`], with what a packet header does not say (the request's host name).
pub fn trace_with(net: &Network, q: &Query, opts: &TraceOptions) -> Trace {
    walk(net, q, opts, false)
}

/// [`trace_with`] for its verdict and what it consulted only: no hops are kept and no
/// text is written (the symbolic engine's unit of work).
pub(crate) fn trace_verdict(net: &Network, q: &Query, opts: &TraceOptions) -> Trace {
    walk(net, q, opts, true)
}

fn walk(net: &Network, q: &Query, opts: &TraceOptions, quiet: bool) -> Trace {
    let pkt = q.packet();
    let mut ct = Conntrack::default();
    let mut fwd = Walk {
        net,
        reply: false,
        hops: Vec::new(),
        translations: Vec::new(),
        host: opts.host.as_deref(),
        meshed: false,
        consulted: Consulted::default(),
        quiet,
    };
    let start = match q.from {
        Endpoint::Interface { eni, .. } => {
            fwd.hop(
                res(eni),
                Action::Send,
                fwd.text(|w| format!("from {}", w.eni_label(eni))),
                &pkt,
            );
            Pos::Send(eni)
        }
        Endpoint::Internet { ip } => {
            fwd.hop(
                Component::Internet,
                Action::Send,
                format!("from internet host {ip}"),
                &pkt,
            );
            Pos::Internet
        }
        Endpoint::Node { node, ip } => {
            fwd.hop(
                res(node),
                Action::Send,
                format!("from tailnet node {} at {ip}", fwd.label(node)),
                &pkt,
            );
            Pos::Node(node)
        }
        Endpoint::Site { att, ip } => {
            fwd.hop(
                res(att),
                Action::Send,
                format!("from {ip} in {}", fwd.site_label(att)),
                &pkt,
            );
            Pos::Tgw {
                tgw: net.tgw_attachment(att).tgw,
                from: att,
            }
        }
    };
    let outcome = fwd.run(pkt, start, &mut ct);
    let mut translations = std::mem::take(&mut fwd.translations);
    // A forward path that ends without delivery: no reply to trace.
    let blocked_forward = |fwd: Walk, b: Blocked, translations: Vec<Translation>| Trace {
        query: *q,
        forward: Path {
            hops: fwd.hops,
            blocked: Some(b),
        },
        ret: None,
        translations,
        caveats: caveats(net),
        dns: None,
        consulted: fwd.consulted,
    };
    let (end, delivered) = match outcome {
        Err(b) => return blocked_forward(fwd, b, translations),
        Ok(x) => x,
    };
    // Delivered somewhere: is it where the user meant?
    if let (Some(want), End::Eni(got)) = (q.expect, &end) {
        if want != *got {
            let msg = format!(
                "the packet reached {} at {}, not {}: another host owns the same address on this path",
                fwd.eni_label(*got),
                delivered.dst,
                fwd.eni_label(want)
            );
            let b = fwd.drop_at(res(*got), Code::DeliveredToOtherHost, msg, &delivered);
            return blocked_forward(fwd, b, translations);
        }
    }
    let mut back = Walk {
        net,
        reply: true,
        hops: Vec::new(),
        translations: Vec::new(),
        host: opts.host.as_deref(),
        meshed: false,
        consulted: Consulted::default(),
        quiet,
    };
    let reply = delivered.reply();
    let start = match end {
        End::Eni(eni) => {
            back.hop(
                res(eni),
                Action::Send,
                back.text(|w| format!("reply from {}", w.eni_label(eni))),
                &reply,
            );
            Pos::Send(eni)
        }
        End::Internet => {
            back.hop(
                Component::Internet,
                Action::Send,
                format!("reply from internet host {}", reply.src),
                &reply,
            );
            Pos::Internet
        }
        End::Site(att) => {
            back.hop(
                res(att),
                Action::Send,
                format!("reply from {} in {}", reply.src, back.site_label(att)),
                &reply,
            );
            Pos::Tgw {
                tgw: net.tgw_attachment(att).tgw,
                from: att,
            }
        }
        End::Node(n) => {
            back.hop(
                res(n),
                Action::Send,
                format!("reply from tailnet node {}", back.label(n)),
                &reply,
            );
            Pos::Node(n)
        }
        End::Service(ep) => {
            let e = net.vpc_endpoint(ep);
            back.hop(
                res(ep),
                Action::Send,
                format!(
                    "reply from {} through gateway endpoint {}",
                    e.service_name,
                    back.label(ep)
                ),
                &reply,
            );
            match net.eni_by_private_ip(e.vpc, reply.dst) {
                Some(eni) => Pos::Arrive {
                    eni,
                    from_subnet: None,
                },
                None => {
                    let msg = format!(
                        "no network interface in VPC {} has address {}",
                        back.label(e.vpc),
                        reply.dst
                    );
                    let b = back.drop_at(res(e.vpc), Code::NoInterfaceForDestination, msg, &reply);
                    translations.append(&mut back.translations);
                    fwd.consulted.merge(back.consulted);
                    return Trace {
                        query: *q,
                        forward: Path {
                            hops: fwd.hops,
                            blocked: None,
                        },
                        ret: Some(Path {
                            hops: back.hops,
                            blocked: Some(b),
                        }),
                        translations,
                        caveats: caveats(net),
                        dns: None,
                        consulted: fwd.consulted,
                    };
                }
            }
        }
    };
    let ret_outcome = back.run(reply, start, &mut ct);
    let blocked = match ret_outcome {
        Err(b) => Some(b),
        Ok((end, pkt)) => {
            let home = match (q.from, end) {
                (Endpoint::Interface { eni, ip }, End::Eni(got)) => got == eni && pkt.dst == ip,
                (Endpoint::Internet { ip }, End::Internet) => pkt.dst == ip,
                (Endpoint::Site { att, ip }, End::Site(got)) => got == att && pkt.dst == ip,
                (Endpoint::Node { node, ip }, End::Node(got)) => got == node && pkt.dst == ip,
                _ => false,
            };
            if home {
                None
            } else {
                let msg = format!(
                    "the reply went to {} instead of back to the source {}: the return path is asymmetric",
                    pkt.dst,
                    q.from.ip()
                );
                let comp = match end {
                    End::Eni(e) => res(e),
                    End::Internet => Component::Internet,
                    End::Site(a) => res(a),
                    End::Service(ep) => res(ep),
                    End::Node(n) => res(n),
                };
                Some(back.drop_at(comp, Code::DeliveredToOtherHost, msg, &pkt))
            }
        }
    };
    translations.append(&mut back.translations);
    fwd.consulted.merge(back.consulted);
    Trace {
        query: *q,
        forward: Path {
            hops: fwd.hops,
            blocked: None,
        },
        ret: Some(Path {
            hops: back.hops,
            blocked,
        }),
        translations,
        caveats: caveats(net),
        dns: None,
        consulted: fwd.consulted,
    }
}

/// Traces a connection to a DNS name: the name is resolved (type A) from the source's
/// VPC (public DNS for a source on the internet), the resolution's steps become the
/// first hops of the forward path, and the connection goes to the first IPv4 answer.
/// A name that does not resolve ends the forward path with the DNS failure's code.
/// `q.to_ip` and `q.expect` are replaced.
pub fn trace_name(net: &Network, q: &Query, name: &str) -> Trace {
    trace_name_with(net, q, name, &TraceOptions::default())
}

/// [`trace_name`] with options.
pub fn trace_name_with(net: &Network, q: &Query, name: &str, opts: &TraceOptions) -> Trace {
    // A host outside AWS asks its own resolvers: only public names are known there.
    let vpc = match q.from {
        Endpoint::Interface { eni, .. } => Some(net.vpc_of_eni(eni)),
        Endpoint::Internet { .. } | Endpoint::Site { .. } | Endpoint::Node { .. } => None,
    };
    // A mesh node asks MagicDNS first (its client answers for the tailnet's names).
    let on_mesh = match q.from {
        Endpoint::Interface { eni, .. } => net.tailnet_node_of_eni(eni).is_some(),
        Endpoint::Node { .. } => true,
        _ => false,
    };
    let res = on_mesh
        .then(|| crate::dns::resolve_magic_dns(net, name))
        .flatten()
        .unwrap_or_else(|| resolve_name(net, vpc, name, RecordType::A));
    let question = Packet {
        src: q.from.ip(),
        dst: vpc.map_or(Ipv4Addr::UNSPECIFIED, |v| resolver_ip(net, v)),
        protocol: 17,
        src_port: q.src_port,
        dst_port: 53,
        icmp_type: 0,
        icmp_code: 0,
    };
    let mut hops: Vec<Hop> = res
        .steps
        .iter()
        .map(|s| Hop {
            component: s.component.clone(),
            action: Action::Resolve,
            detail: format!("{}: {}", s.name, s.detail),
            packet: question,
        })
        .collect();
    let Some(ip) = res.first_v4() else {
        let blocked = match &res.failure {
            Some(f) => Blocked {
                component: f.component.clone(),
                code: f.code,
                message: f.message.clone(),
            },
            None => {
                let component = hops
                    .last()
                    .map_or(Component::Internet, |h| h.component.clone());
                let message = format!("`{}` has IPv6 answers only", res.name);
                hops.push(Hop {
                    component: component.clone(),
                    action: Action::Resolve,
                    detail: message.clone(),
                    packet: question,
                });
                Blocked {
                    component,
                    code: Code::DnsNoRecordOfType,
                    message,
                }
            }
        };
        if let Some(last) = hops.last_mut() {
            last.action = Action::Drop;
        }
        return Trace {
            query: Query {
                to_ip: Ipv4Addr::UNSPECIFIED,
                expect: None,
                ..*q
            },
            forward: Path {
                hops,
                blocked: Some(blocked),
            },
            ret: None,
            translations: Vec::new(),
            caveats: caveats(net),
            dns: Some(res),
            consulted: Consulted::default(),
        };
    };
    let mut t = trace_with(
        net,
        &Query {
            to_ip: ip,
            expect: None,
            ..*q
        },
        opts,
    );
    hops.append(&mut t.forward.hops);
    t.forward.hops = hops;
    t.dns = Some(res);
    t
}
