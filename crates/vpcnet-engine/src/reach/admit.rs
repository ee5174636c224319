//! Sources a public destination never admits, told without tracing.
//!
//! A packet from an interface to another interface's public address leaves through an
//! internet gateway, directly (seen from the sender's own public address) or through
//! a NAT gateway whose subnet routes it to an internet gateway (seen from the NAT
//! gateway's address), and comes in through the destination VPC's internet gateway.
//! The destination's security groups then judge that address: when no inbound rule
//! of theirs matches any address the sources can be seen from, every packet of the
//! pair is dropped there, whatever its protocol and ports. Most interfaces of a large
//! network reach a bastion's public address only that way, and a bastion admits a few
//! office ranges; this settles them without a trace each.
//!
//! Any other first route towards the public address (a transit gateway, a peering,
//! an appliance) is not judged here: those pairs are traced.

use rustc_hash::FxHashMap;
use std::net::Ipv4Addr;

use vpcnet_model::{Network, RouteTarget, SgIdx, SgPeer, SubnetIdx};

use super::space::{merge, Span};
use super::{delta, Class};
use crate::eval;

/// How a packet for a public address leaves a subnet.
#[derive(Clone, Debug)]
enum Way {
    /// Through an internet gateway: seen from the sender's own public address.
    Igw,
    /// Through a NAT gateway and then an internet gateway: seen from one of these.
    Nat(Vec<u32>),
    /// Nowhere: no route, a blackhole.
    Nowhere,
}

/// Caches of the questions asked so far.
#[derive(Debug, Default)]
pub(crate) struct Admission {
    /// Per set of security groups: the addresses their inbound rules can match.
    admitted: FxHashMap<Vec<SgIdx>, Vec<Span>>,
    /// Per subnet and destination address: how a packet leaves (`None`: some other
    /// way, not judged here).
    ways: FxHashMap<(SubnetIdx, Ipv4Addr), Option<Way>>,
    /// [`delta::group_members`], made when first needed.
    members: Option<FxHashMap<SgIdx, Vec<Span>>>,
}

impl Admission {
    /// Whether no packet from `src` to `dst` can be admitted by `dst`'s security
    /// groups, for the reason the module gives; `false` when that cannot be said.
    pub(crate) fn refused(&mut self, net: &Network, src: &Class, dst: &Class) -> bool {
        let (
            Class::Interfaces {
                key: s,
                members: senders,
            },
            Class::Interfaces {
                key: d,
                members: receivers,
            },
        ) = (src, dst)
        else {
            return false;
        };
        // A public address of a plain interface, from plain interfaces.
        if s.special.is_some() || d.special.is_some() || !d.public.1 {
            return false;
        }
        let mut seen: Vec<u32> = Vec::new();
        for &(_, public) in receivers {
            match self.way(net, s.subnet, public) {
                None => return false,
                Some(Way::Nowhere) => {}
                Some(Way::Nat(addrs)) => seen.extend(addrs),
                Some(Way::Igw) => seen.extend(
                    senders
                        .iter()
                        .filter_map(|&(e, ip)| net.interface(e).public_for(ip).map(u32::from)),
                ),
            }
        }
        let admitted = self.admitted(net, &d.groups);
        !seen
            .iter()
            .any(|a| admitted.iter().any(|sp| sp.contains(*a)))
    }

    fn admitted(&mut self, net: &Network, groups: &[SgIdx]) -> &[Span] {
        if self.admitted.contains_key(groups) {
            return &self.admitted[groups];
        }
        let mut spans = Vec::new();
        for g in groups {
            for rule in &net.security_group(*g).ingress {
                // Members are gathered only for a rule that names a group.
                if matches!(rule.peer, SgPeer::Group(_)) && self.members.is_none() {
                    self.members = Some(delta::group_members(net));
                }
                let none = FxHashMap::default();
                let members = self.members.as_ref().unwrap_or(&none);
                delta::peer_spans(net, members, rule, &mut spans);
            }
        }
        self.admitted
            .entry(groups.to_vec())
            .or_insert_with(|| merge(spans))
    }

    fn way(&mut self, net: &Network, subnet: SubnetIdx, dst: Ipv4Addr) -> Option<Way> {
        if let Some(w) = self.ways.get(&(subnet, dst)) {
            return w.clone();
        }
        let w = way_from(net, subnet, dst, true);
        self.ways.insert((subnet, dst), w.clone());
        w
    }
}

fn way_from(net: &Network, subnet: SubnetIdx, dst: Ipv4Addr, nat_allowed: bool) -> Option<Way> {
    let Some(rt) = net.effective_route_table(subnet) else {
        return Some(Way::Nowhere);
    };
    let Some((route, _)) = eval::lookup(net, net.route_table(rt), dst) else {
        return Some(Way::Nowhere);
    };
    match &route.target {
        RouteTarget::Blackhole => Some(Way::Nowhere),
        RouteTarget::InternetGateway(_) => Some(Way::Igw),
        RouteTarget::NatGateway(n) if nat_allowed => {
            let eni = net.nat_gateway(*n).eni;
            match way_from(net, net.interface(eni).subnet, dst, false)? {
                Way::Igw => {
                    let mut addrs = Vec::new();
                    for p in &net.interface(eni).private_ips {
                        addrs.push(u32::from(p.addr));
                        addrs.extend(p.public.map(u32::from));
                    }
                    Some(Way::Nat(addrs))
                }
                Way::Nowhere => Some(Way::Nowhere),
                Way::Nat(_) => None,
            }
        }
        _ => None,
    }
}
