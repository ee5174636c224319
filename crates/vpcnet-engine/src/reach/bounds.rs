//! Cut points from the rules a trace consulted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxHashSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{
    tailnet_range, AnyIdx, L4Match, Network, PortRange, Protocol, SgIdx, SgPeer, TgwAttachmentKind,
};

use super::space::{Cuts, Span};
use crate::eval;
use crate::trace::{Consulted, Judged};

/// Protocols every question splits by: they behave differently in rules that name no
/// protocol (ports, ICMP types).
pub(crate) const ALWAYS: [u8; 3] = [1, 6, 17];

/// The address ranges that are not the internet (private, shared, loopback,
/// link-local, multicast, reserved, broadcast): the tracer tells them apart from
/// internet addresses by itself (`is_internet_routable`).
pub(crate) const NOT_INTERNET: [&str; 10] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
];

/// Facts of the network every question's cuts draw on, gathered once.
#[derive(Debug)]
pub(crate) struct Lookup {
    /// The cuts every pair of classes starts from.
    base: Bounds,
    /// Cut points that only ever split address spans (internet, VPN sites), never an
    /// interface class (whose members share a subnet): VPC and subnet CIDRs.
    span_cuts: Vec<u32>,
    /// Every public address mapped onto an interface, sorted.
    public: Vec<u32>,

    /// Per security group: its members' addresses that some span could hold
    /// (outside the private ranges, or inside a VPN site's CIDRs).
    members: HashMap<SgIdx, Vec<u32>>,
}

impl Lookup {
    pub(crate) fn new(net: &Network) -> Lookup {
        let mut base = Bounds::default();
        base.protocols.extend(ALWAYS);
        for special in NOT_INTERNET {
            base.ip
                .add(Span::of_net(special.parse().expect("a valid prefix")));
        }
        base.ip.add(Span::of_net(tailnet_range()));
        let mut sites: Vec<Ipv4Net> = Vec::new();
        for a in net.tgw_attachments() {
            if let TgwAttachmentKind::Vpn { cidrs, .. } = &a.kind {
                for c in cidrs {
                    base.ip.add(Span::of_net(*c));
                    sites.push(*c);
                }
            }
        }
        base.full_spans();
        let mut span_cuts: Vec<u32> = Vec::new();
        let mut cut = |c: Ipv4Net| {
            let span = Span::of_net(c);
            span_cuts.push(span.lo);
            span_cuts.extend(span.hi.checked_add(1));
        };
        for v in net.vpcs() {
            v.cidrs.iter().for_each(|c| cut(*c));
        }
        for s in net.subnets() {
            cut(s.cidr);
        }
        span_cuts.sort_unstable();
        span_cuts.dedup();
        let private: Vec<Span> = NOT_INTERNET
            .iter()
            .map(|n| Span::of_net(n.parse().expect("a valid prefix")))
            .collect();
        let in_some_span = |a: Ipv4Addr| {
            let v = u32::from(a);
            !private.iter().any(|p| p.contains(v)) || sites.iter().any(|c| c.contains(&a))
        };
        let mut public = Vec::new();
        let mut members: HashMap<SgIdx, Vec<u32>> = HashMap::new();
        for e in net.interfaces() {
            for p in &e.private_ips {
                if let Some(a) = p.public {
                    public.push(u32::from(a));
                }
                if in_some_span(p.addr) {
                    for g in &e.security_groups {
                        members.entry(*g).or_default().push(u32::from(p.addr));
                    }
                }
            }
        }
        public.sort_unstable();
        public.dedup();
        Lookup {
            base,
            span_cuts,
            public,
            members,
        }
    }

    /// The first address of `span` that is not one of the network's public
    /// addresses (`None`: the span holds nothing else).
    pub(crate) fn host_in(&self, span: Span) -> Option<u32> {
        let mut at = self.public.partition_point(|p| *p < span.lo);
        let mut v = span.lo;
        while self.public.get(at) == Some(&v) {
            if v == span.hi {
                return None;
            }
            v += 1;
            at += 1;
        }
        Some(v)
    }

    /// Fresh cuts for one pair of classes.
    pub(crate) fn start(&self) -> Bounds {
        self.base.clone()
    }
}

/// The cut points of every dimension, grown from what traces consulted.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bounds {
    /// Addresses (sources and destinations alike: a reply swaps them).
    pub(crate) ip: Cuts,
    /// Addresses that only split spans (security group members).
    span_ip: Cuts,
    /// Destination ports of the forward packet, per protocol.
    dport: BTreeMap<u8, Cuts>,
    /// Source ports of the forward packet (a reply's destination port), per protocol.
    sport: BTreeMap<u8, Cuts>,
    /// ICMP `type << 8 | code`.
    pub(crate) icmp: Cuts,
    /// Protocols some rule names.
    pub(crate) protocols: BTreeSet<u8>,
    seen: FxHashSet<AnyIdx>,
    judged: FxHashSet<Judged>,
    /// Why the answer may not be exact (a policy that cannot state its bounds).
    pub(crate) inexact: BTreeSet<String>,
}

impl Bounds {
    /// The resources (other than rule lists) the traces consulted.
    pub(crate) fn consulted(&self) -> impl Iterator<Item = &AnyIdx> {
        self.seen.iter()
    }

    fn full_spans(&mut self) {
        self.icmp.add(Span { lo: 0, hi: 65535 });
    }

    /// The destination port cuts of `protocol`.
    pub(crate) fn dports(&mut self, protocol: u8) -> &mut Cuts {
        self.dport.entry(protocol).or_insert_with(full)
    }

    /// The source port cuts of `protocol`.
    pub(crate) fn sports(&mut self, protocol: u8) -> &mut Cuts {
        self.sport.entry(protocol).or_insert_with(full)
    }

    /// Adds a destination port span for each of `protocols`.
    fn dport_add(&mut self, protocols: &[u8], span: Span) -> bool {
        let mut grew = false;
        for p in protocols {
            grew |= self.dports(*p).add(span);
        }
        grew
    }

    /// `within` cut at every point that may tell its addresses apart: the cuts
    /// learnt, VPC and subnet boundaries and security group members. The network's
    /// own public addresses are not internet hosts (a packet from or to one is its
    /// interface's): they cut nothing, and no representative is one of them.
    pub(crate) fn split_span(&mut self, within: Span, lookup: &Lookup) -> Vec<Span> {
        let mut points: Vec<u32> = Vec::new();
        let mut take = |sorted: &[u32]| {
            let from = sorted.partition_point(|s| *s <= within.lo);
            points.extend(sorted[from..].iter().take_while(|c| **c <= within.hi));
        };
        take(self.ip.points());
        take(self.span_ip.points());
        take(&lookup.span_cuts);
        points.sort_unstable();
        points.dedup();
        let mut out = Vec::with_capacity(points.len() + 1);
        let mut lo = within.lo;
        for c in points {
            out.push(Span { lo, hi: c - 1 });
            lo = c;
        }
        out.push(Span { lo, hi: within.hi });
        out
    }

    fn net(&mut self, n: Ipv4Net) -> bool {
        self.ip.add(Span::of_net(n))
    }

    fn protocol(&mut self, p: Protocol) -> bool {
        match p {
            Protocol::All => false,
            Protocol::Number(n) => self.protocols.insert(n),
        }
    }

    /// Cuts of one rule's ports: the forward packet's destination port, or for a
    /// rule judging the reply, the forward packet's source port.
    fn l4(&mut self, protocol: Protocol, l4: &L4Match, reply: bool) -> bool {
        match l4 {
            L4Match::Any => false,
            L4Match::Ports(r) => {
                let s = port_span(*r);
                let protocols: &[u8] = match &protocol {
                    Protocol::Number(n) => std::slice::from_ref(n),
                    Protocol::All => &PORTED,
                };
                let mut grew = false;
                for p in protocols {
                    grew |= if reply {
                        self.sports(*p).add(s)
                    } else {
                        self.dports(*p).add(s)
                    };
                }
                grew
            }
            L4Match::Icmp(m) => {
                let s = match (m.icmp_type, m.code) {
                    (None, _) => Span { lo: 0, hi: 65535 },
                    (Some(t), None) => Span {
                        lo: u32::from(t) << 8,
                        hi: (u32::from(t) << 8) | 0xff,
                    },
                    (Some(t), Some(c)) => Span::one((u32::from(t) << 8) | u32::from(c)),
                };
                self.icmp.add(s)
            }
        }
    }

    /// Adds the cut points of everything `c` names; returns whether any was new.
    pub(crate) fn absorb(&mut self, net: &Network, c: &Consulted, lookup: &Lookup) -> bool {
        let mut grew = false;
        for r in &c.resources {
            if self.seen.insert(*r) {
                grew |= self.resource(net, *r);
            }
        }
        for j in &c.lists {
            if self.judged.insert(*j) {
                grew |= self.list(net, *j, lookup);
            }
        }
        grew
    }

    fn list(&mut self, net: &Network, j: Judged, lookup: &Lookup) -> bool {
        let mut grew = false;
        match j.holder {
            AnyIdx::SecurityGroup(g) => {
                let g = net.security_group(g);
                let rules = if j.egress { &g.egress } else { &g.ingress };
                for rule in rules {
                    // Only the rules for the judged address tell its packets apart.
                    if eval::peer_matches(net, g.vpc, &rule.peer, j.peer) {
                        grew |= self.protocol(rule.protocol);
                        if rule.protocol.matches(j.protocol) {
                            grew |= self.l4(rule.protocol, &rule.l4, j.reply);
                        }
                    }
                    match &rule.peer {
                        SgPeer::Cidr(c) => grew |= self.net(*c),
                        SgPeer::PrefixList(pl) => {
                            for c in &net.prefix_list(*pl).cidrs {
                                grew |= self.net(*c);
                            }
                        }
                        // Members of a class share their groups: only spans need
                        // cutting at the members' addresses.
                        SgPeer::Group(other) => {
                            for a in lookup.members.get(other).into_iter().flatten() {
                                grew |= self.span_ip.add(Span::one(*a));
                            }
                        }
                        SgPeer::Ipv6(_) | SgPeer::UnknownGroup(_) => {}
                    }
                }
            }
            AnyIdx::NetworkAcl(a) => {
                let a = net.network_acl(a);
                let entries = if j.egress { &a.egress } else { &a.ingress };
                for e in entries {
                    grew |= self.net(e.cidr);
                    if e.cidr.contains(&j.peer) {
                        grew |= self.protocol(e.protocol);
                        if e.protocol.matches(j.protocol) {
                            grew |= self.l4(e.protocol, &e.l4, j.reply);
                        }
                    }
                }
            }
            _ => {}
        }
        grew
    }

    fn resource(&mut self, net: &Network, r: AnyIdx) -> bool {
        let mut grew = false;
        match r {
            AnyIdx::RouteTable(t) => {
                for route in &net.route_table(t).routes {
                    for (c, _) in net.route_cidrs(route) {
                        grew |= self.net(c);
                    }
                }
            }
            AnyIdx::TgwRouteTable(t) => {
                for route in net.tgw_routes(t) {
                    grew |= self.net(route.destination);
                }
            }
            AnyIdx::LoadBalancer(lb) => {
                for l in &net.load_balancer(lb).listeners {
                    grew |= self.dport_add(&PORTED, Span::one(u32::from(l.port)));
                }
            }
            AnyIdx::TailnetNode(_) => {
                for n in net.tailnet_nodes() {
                    for a in &n.addrs {
                        grew |= self.ip.add(Span::one(u32::from(*a)));
                    }
                    for route in &n.routes {
                        grew |= self.net(*route);
                    }
                }
                if let Some(t) = net.tailnet() {
                    match t.policy.header_bounds() {
                        Some(hb) => {
                            for c in hb.cidrs {
                                grew |= self.net(c);
                            }
                            for p in hb.ports {
                                grew |= self.dport_add(&PORTED, port_span(p));
                            }
                            for p in hb.protocols {
                                grew |= self.protocols.insert(p);
                            }
                        }
                        None => {
                            self.inexact.insert(format!(
                                "the access policy of tailnet {} does not state which ports and addresses it tells apart",
                                t.name
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        grew
    }
}

/// Protocols with ports.
const PORTED: [u8; 3] = [6, 17, 132];

fn full() -> Cuts {
    let mut c = Cuts::default();
    c.add(Span { lo: 0, hi: 65535 });
    c
}

fn port_span(r: PortRange) -> Span {
    Span {
        lo: u32::from(r.from),
        hi: u32::from(r.to),
    }
}
