//! Cut points from the rules a trace consulted.

use std::collections::{BTreeSet, HashSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{
    tailnet_range, AnyIdx, L4Match, Network, PortRange, Protocol, SgPeer, TgwAttachmentKind,
};

use super::space::{Cuts, Span};
use crate::trace::Consulted;

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

/// The cut points of every dimension, grown from what traces consulted.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bounds {
    /// Addresses (sources and destinations alike: a reply swaps them).
    pub(crate) ip: Cuts,
    /// Destination ports of the forward packet.
    pub(crate) dport: Cuts,
    /// Source ports of the forward packet (judged as the reply's destination port by
    /// stateless rules).
    pub(crate) sport: Cuts,
    /// ICMP `type << 8 | code`.
    pub(crate) icmp: Cuts,
    /// Protocols some rule names.
    pub(crate) protocols: BTreeSet<u8>,
    seen: HashSet<AnyIdx>,
    public_seen: bool,
    /// Why the answer may not be exact (a policy that cannot state its bounds).
    pub(crate) inexact: BTreeSet<String>,
}

impl Bounds {
    /// The cuts every question starts from: the address classes the tracer tells
    /// apart by itself (private, shared, reserved, internet), every VPC and subnet, the
    /// VPN sites and the mesh.
    pub(crate) fn base(net: &Network) -> Bounds {
        let mut b = Bounds::default();
        b.protocols.extend(ALWAYS);
        for special in NOT_INTERNET {
            b.ip.add(Span::of_net(special.parse().expect("a valid prefix")));
        }
        b.ip.add(Span::of_net(tailnet_range()));
        for v in net.vpcs() {
            for c in &v.cidrs {
                b.ip.add(Span::of_net(*c));
            }
        }
        for s in net.subnets() {
            b.ip.add(Span::of_net(s.cidr));
        }
        for a in net.tgw_attachments() {
            if let TgwAttachmentKind::Vpn { cidrs, .. } = &a.kind {
                for c in cidrs {
                    b.ip.add(Span::of_net(*c));
                }
            }
        }
        b.full_spans();
        b
    }

    fn full_spans(&mut self) {
        self.dport.add(Span { lo: 0, hi: 65535 });
        self.sport.add(Span { lo: 0, hi: 65535 });
        self.icmp.add(Span { lo: 0, hi: 65535 });
    }

    fn net(&mut self, n: Ipv4Net) -> bool {
        self.ip.add(Span::of_net(n))
    }

    fn addr(&mut self, a: Ipv4Addr) -> bool {
        self.ip.add(Span::one(u32::from(a)))
    }

    fn protocol(&mut self, p: Protocol) -> bool {
        match p {
            Protocol::All => false,
            Protocol::Number(n) => self.protocols.insert(n),
        }
    }

    fn l4(&mut self, l4: &L4Match, stateless: bool) -> bool {
        match l4 {
            L4Match::Any => false,
            L4Match::Ports(r) => {
                let s = port_span(*r);
                let mut grew = self.dport.add(s);
                if stateless {
                    grew |= self.sport.add(s);
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
    pub(crate) fn absorb(&mut self, net: &Network, c: &Consulted) -> bool {
        let mut grew = false;
        for r in &c.resources {
            if self.seen.insert(*r) {
                grew |= self.resource(net, *r);
            }
        }
        if c.public_addresses && !self.public_seen {
            self.public_seen = true;
            for e in net.interfaces() {
                for p in &e.private_ips {
                    if let Some(public) = p.public {
                        grew |= self.addr(public);
                    }
                }
            }
        }
        grew
    }

    fn resource(&mut self, net: &Network, r: AnyIdx) -> bool {
        let mut grew = false;
        match r {
            AnyIdx::SecurityGroup(g) => {
                let g = net.security_group(g);
                for rule in g.ingress.iter().chain(&g.egress) {
                    grew |= self.protocol(rule.protocol);
                    grew |= self.l4(&rule.l4, false);
                    match &rule.peer {
                        SgPeer::Cidr(c) => grew |= self.net(*c),
                        SgPeer::PrefixList(pl) => {
                            for c in &net.prefix_list(*pl).cidrs {
                                grew |= self.net(*c);
                            }
                        }
                        SgPeer::Group(other) => {
                            for e in net.interfaces() {
                                if e.security_groups.contains(other) {
                                    for p in &e.private_ips {
                                        grew |= self.addr(p.addr);
                                    }
                                }
                            }
                        }
                        SgPeer::Ipv6(_) | SgPeer::UnknownGroup(_) => {}
                    }
                }
            }
            AnyIdx::NetworkAcl(a) => {
                let a = net.network_acl(a);
                for e in a.ingress.iter().chain(&a.egress) {
                    grew |= self.net(e.cidr);
                    grew |= self.protocol(e.protocol);
                    grew |= self.l4(&e.l4, true);
                }
            }
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
                    grew |= self.dport.add(Span::one(u32::from(l.port)));
                }
            }
            AnyIdx::TailnetNode(_) => {
                for n in net.tailnet_nodes() {
                    for a in &n.addrs {
                        grew |= self.addr(*a);
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
                                grew |= self.dport.add(port_span(p));
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

fn port_span(r: PortRange) -> Span {
    Span {
        lo: u32::from(r.from),
        hi: u32::from(r.to),
    }
}
