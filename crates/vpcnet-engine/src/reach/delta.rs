//! Which pairs of classes a rule change can give another answer.
//!
//! When two networks differ only in the rules of some security groups and network ACLs
//! ([`Network::rule_changes`]), a pair of classes keeps its answer unless some packet
//! between them is judged by a changed rule. The changed rules are the ones in one
//! version only; a packet none of them matches gets the same verdict from either
//! version of the list (security groups allow when any rule does; a network ACL takes
//! the first entry that matches, and the changed entries do not match it), and the
//! rules that do not match its address add no protocol or port cuts, so every trace of
//! the pair is the same on both sides.
//!
//! A list is judged where a packet enters or leaves an interface. For a member that
//! only ever sends or receives (no load balancer, endpoint, NAT, appliance, proxy or
//! mesh node), that is the pair's own source or destination, or the target or upstream
//! a balancer, proxy or endpoint hands a connection on to:
//! - a changed outbound rule of a group the source carries matters only for
//!   destinations whose addresses it matches;
//! - a changed inbound rule of a group the destination carries matters only for
//!   sources whose addresses (or their public addresses) it matches, or for every
//!   source when it matches a translator's address (the destination then sees some
//!   sources as that translator);
//! - a changed network ACL entry of the source's subnet matters for the destinations
//!   it matches (requests out, replies in), one of the destination's subnet for the
//!   sources it matches, or for all when it matches a translator;
//! - a changed list of a target or upstream matters for every packet to the
//!   interfaces that hand connections on to it (its fronts), from any source.
//!
//! A changed list on an interface (or in a subnet) that packets pass through is not
//! narrowed: [`Delta::new`] gives `None`, and the caller answers afresh.

use rustc_hash::{FxHashMap, FxHashSet};

use vpcnet_model::{
    EniIdx, NaclIdx, Network, RuleChanges, SgIdx, SgPeer, SgRule, SubnetIdx, TgwAttachmentKind,
};

use super::space::{merge, Span};
use super::{special, Class};

/// The addresses a changed list's changed rules match.
#[derive(Clone, Debug, Default)]
struct Changed {
    /// Outbound (for a group) or either way (for a network ACL), merged.
    out: Vec<Span>,
    /// Inbound, merged (network ACLs use `out` for both).
    inbound: Vec<Span>,
    /// Whether an inbound (or, for an ACL, any) changed rule matches a translator.
    translated: bool,
}

/// What a rule change can alter (see the module documentation).
#[derive(Clone, Debug)]
pub(crate) struct Delta {
    groups: FxHashMap<SgIdx, Changed>,
    /// Per subnet whose network ACL changed.
    subnets: FxHashMap<SubnetIdx, Changed>,
    /// Interfaces that hand connections on to one a changed list is judged at: a
    /// packet to them may meet it from any source.
    fronts: FxHashSet<EniIdx>,
}

/// The addresses of a class as a changed rule may see them: its members' own and
/// public addresses, an address span, or `None` for anything (mesh nodes, VPN
/// sites, whose packets may come through translators).
pub(crate) fn class_addresses(net: &Network, class: &Class) -> Option<Vec<Span>> {
    match class {
        Class::Interfaces { members, .. } => {
            let mut spans = Vec::with_capacity(members.len());
            for &(e, ip) in members {
                spans.push(Span::one(u32::from(ip)));
                if let Some(p) = net.interface(e).public_for(ip) {
                    spans.push(Span::one(u32::from(p)));
                }
            }
            Some(merge(spans))
        }
        Class::Internet(spans) => Some(spans.clone()),
        Class::Node(_) | Class::Site(..) => None,
    }
}

/// Whether two merged span lists share an address: each span of the shorter looked
/// up in the longer.
fn meet(a: &[Span], b: &[Span]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.iter().any(|x| {
        let i = long.partition_point(|y| y.hi < x.lo);
        long.get(i).is_some_and(|y| y.lo <= x.hi)
    })
}

/// Whether `spans` (or anything, for `None`) meets `changed`.
pub(crate) fn hits(spans: Option<&[Span]>, changed: &[Span]) -> bool {
    match spans {
        Some(s) => meet(s, changed),
        None => !changed.is_empty(),
    }
}

/// Interfaces that receive connections another interface hands on, with the
/// interfaces that hand them (their fronts): targets of load balancers (fronted by
/// the balancer's interfaces), upstreams of proxies (by the proxy's), and balancers
/// behind an endpoint service (by the endpoints' interfaces).
fn fronted(net: &Network) -> FxHashMap<EniIdx, Vec<EniIdx>> {
    let mut out: FxHashMap<EniIdx, Vec<EniIdx>> = FxHashMap::default();
    let receivers = |ip: std::net::Ipv4Addr| {
        let mut r = net.enis_with_private_ip(ip);
        r.extend(net.eni_by_public_ip(ip).map(|(e, _)| e));
        r
    };
    for lb in net.load_balancers() {
        let groups = lb.listeners.iter().flat_map(|l| {
            l.default_target_group
                .into_iter()
                .chain(l.rules.iter().map(|r| r.target_group))
        });
        for tg in groups {
            for t in &net.target_group(tg).targets {
                for e in receivers(t.ip).into_iter().chain(t.eni) {
                    out.entry(e).or_default().extend(lb.enis.iter().copied());
                }
            }
        }
    }
    for i in net.instance_ids() {
        let fronts = &net.instance(i).interfaces;
        let Some(&eni) = fronts.first() else {
            continue;
        };
        for route in net.proxy_routes(i) {
            let ip = match route.upstream.parse() {
                Ok(ip) => Some(ip),
                Err(_) => crate::dns::resolve_name(
                    net,
                    Some(net.vpc_of_eni(eni)),
                    &route.upstream,
                    vpcnet_model::RecordType::A,
                )
                .first_v4(),
            };
            for e in ip.into_iter().flat_map(receivers) {
                out.entry(e).or_default().extend(fronts.iter().copied());
            }
        }
    }
    for svc in net.endpoint_services() {
        for ep in net.vpc_endpoints() {
            if ep.service_name != svc.service_name {
                continue;
            }
            for lb in &svc.load_balancers {
                for e in &net.load_balancer(*lb).enis {
                    out.entry(*e).or_default().extend(ep.enis.iter().copied());
                }
            }
        }
    }
    for fronts in out.values_mut() {
        fronts.sort_unstable();
        fronts.dedup();
    }
    out
}

/// Every interface that hands connections on to `e`, however many hands away.
fn fronts_of(fronted: &FxHashMap<EniIdx, Vec<EniIdx>>, e: EniIdx, out: &mut FxHashSet<EniIdx>) {
    let mut todo = vec![e];
    while let Some(x) = todo.pop() {
        for f in fronted.get(&x).into_iter().flatten() {
            if out.insert(*f) {
                todo.push(*f);
            }
        }
    }
}

/// Per security group, its members' private addresses (what a rule naming the group
/// matches).
pub(crate) fn group_members(net: &Network) -> FxHashMap<SgIdx, Vec<Span>> {
    let mut members: FxHashMap<SgIdx, Vec<Span>> = FxHashMap::default();
    for e in net.interfaces() {
        for g in &e.security_groups {
            let m = members.entry(*g).or_default();
            m.extend(e.private_ips.iter().map(|p| Span::one(u32::from(p.addr))));
        }
    }
    members
}

/// The addresses a security group rule's peer matches; `members` are
/// [`group_members`].
pub(crate) fn peer_spans(
    net: &Network,
    members: &FxHashMap<SgIdx, Vec<Span>>,
    rule: &SgRule,
    out: &mut Vec<Span>,
) {
    match &rule.peer {
        SgPeer::Cidr(c) => out.push(Span::of_net(*c)),
        SgPeer::PrefixList(pl) => {
            out.extend(net.prefix_list(*pl).cidrs.iter().map(|c| Span::of_net(*c)))
        }
        SgPeer::Group(g) => out.extend(members.get(g).into_iter().flatten().copied()),
        SgPeer::Ipv6(_) | SgPeer::UnknownGroup(_) => {}
    }
}

/// Rules in one list only, by their meaning (where they were declared and their
/// descriptions do not count).
fn one_sided<'r, T: PartialEq>(a: &'r [T], b: &'r [T]) -> Vec<&'r T> {
    let mut out: Vec<&T> = a.iter().filter(|r| !b.contains(r)).collect();
    out.extend(b.iter().filter(|r| !a.contains(r)));
    out
}

/// Where packets pass through a network: what a rule change on them cannot be
/// narrowed around. It depends on no rule, so it holds for every version of a network
/// that differs only in rules.
#[derive(Clone, Debug)]
pub struct Transit {
    subnets: FxHashSet<SubnetIdx>,
    /// Addresses packets may be seen from after a translation, merged.
    translators: Vec<Span>,
    /// Per security group, its members' private addresses (a rule naming the group
    /// matches them).
    members: FxHashMap<SgIdx, Vec<Span>>,
    /// Groups some transit interface carries.
    groups: FxHashSet<SgIdx>,
    /// Interfaces others hand connections on to, with those others.
    fronted: FxHashMap<EniIdx, Vec<EniIdx>>,
    /// Per network ACL, the subnets it governs.
    acl_subnets: FxHashMap<NaclIdx, Vec<SubnetIdx>>,
}

impl Transit {
    /// Works it out for `net`.
    pub fn of(net: &Network) -> Transit {
        // Interfaces with a role of their own: load balancers, endpoints, NAT,
        // appliances, proxies, mesh routers.
        let enis: FxHashSet<EniIdx> = net.eni_ids().filter(|e| special(net, *e)).collect();
        let mut subnets: FxHashSet<SubnetIdx> =
            enis.iter().map(|e| net.interface(*e).subnet).collect();
        for a in net.tgw_attachments() {
            if let TgwAttachmentKind::Vpc { subnets: s, .. } = &a.kind {
                subnets.extend(s.iter().copied());
            }
        }
        // They are the ones that rewrite sources; targets only receive.
        let mut translators: Vec<Span> = Vec::new();
        for e in &enis {
            for p in &net.interface(*e).private_ips {
                translators.push(Span::one(u32::from(p.addr)));
                if let Some(a) = p.public {
                    translators.push(Span::one(u32::from(a)));
                }
            }
        }
        for n in net.tailnet_nodes() {
            translators.extend(n.addrs.iter().map(|a| Span::one(u32::from(*a))));
        }
        let members = group_members(net);
        let groups = enis
            .iter()
            .flat_map(|e| net.interface(*e).security_groups.iter().copied())
            .collect();
        let mut acl_subnets: FxHashMap<NaclIdx, Vec<SubnetIdx>> = FxHashMap::default();
        for s in net.subnet_ids() {
            if let Some(a) = net.effective_nacl(s) {
                acl_subnets.entry(a).or_default().push(s);
            }
        }
        Transit {
            subnets,
            translators: merge(translators),
            members,
            groups,
            fronted: fronted(net),
            acl_subnets,
        }
    }
}

impl Delta {
    /// What the rule changes between `before` and `after` can alter, or `None` when
    /// a changed list is judged where packets pass through. `transit` is
    /// [`Transit::of`] either network.
    pub(crate) fn new(
        before: &Network,
        after: &Network,
        changes: &RuleChanges,
        transit: &Transit,
    ) -> Option<Delta> {
        let translators = &transit.translators;
        let members = &transit.members;
        let transit_subnets = &transit.subnets;
        let mut groups = FxHashMap::default();
        if changes
            .security_groups
            .iter()
            .any(|g| transit.groups.contains(g))
        {
            return None;
        }
        // Receivers of handed-on connections a changed list is judged at.
        let mut fronts = FxHashSet::default();
        let changed: FxHashSet<SgIdx> = changes.security_groups.iter().copied().collect();
        for &e in transit.fronted.keys() {
            let iface = before.interface(e);
            let judged = iface.security_groups.iter().any(|g| changed.contains(g))
                || before
                    .effective_nacl(iface.subnet)
                    .is_some_and(|a| changes.network_acls.contains(&a));
            if judged {
                fronts_of(&transit.fronted, e, &mut fronts);
            }
        }
        let strip = |rules: &[SgRule]| -> Vec<SgRule> {
            rules
                .iter()
                .map(|r| SgRule {
                    description: None,
                    origin: None,
                    ..r.clone()
                })
                .collect()
        };
        for &g in &changes.security_groups {
            let (a, b) = (before.security_group(g), after.security_group(g));
            let mut c = Changed::default();
            let (ai, bi) = (strip(&a.ingress), strip(&b.ingress));
            for r in one_sided(&ai, &bi) {
                peer_spans(before, members, r, &mut c.inbound);
            }
            let (ae, be) = (strip(&a.egress), strip(&b.egress));
            for r in one_sided(&ae, &be) {
                peer_spans(before, members, r, &mut c.out);
            }
            c.inbound = merge(c.inbound);
            c.out = merge(c.out);
            c.translated = meet(&c.inbound, translators);
            groups.insert(g, c);
        }

        let mut subnets = FxHashMap::default();
        for &acl in &changes.network_acls {
            let (a, b) = (before.network_acl(acl), after.network_acl(acl));
            let strip = |es: &[vpcnet_model::NaclEntry]| -> Vec<vpcnet_model::NaclEntry> {
                es.iter()
                    .map(|e| vpcnet_model::NaclEntry {
                        origin: None,
                        ..e.clone()
                    })
                    .collect()
            };
            let mut c = Changed::default();
            for (x, y) in [(&a.ingress, &b.ingress), (&a.egress, &b.egress)] {
                let (x, y) = (strip(x), strip(y));
                c.out
                    .extend(one_sided(&x, &y).into_iter().map(|e| Span::of_net(e.cidr)));
            }
            c.out = merge(c.out);
            c.translated = meet(&c.out, translators);
            for &s in transit.acl_subnets.get(&acl).into_iter().flatten() {
                if transit_subnets.contains(&s) {
                    return None;
                }
                subnets.insert(s, c.clone());
            }
        }
        Some(Delta {
            groups,
            subnets,
            fronts,
        })
    }

    /// Whether some packet from `src` to `dst` may be judged by a changed rule.
    /// `src_addrs` and `dst_addrs` are their [`class_addresses`].
    pub(crate) fn affects(
        &self,
        src: &Class,
        src_addrs: Option<&[Span]>,
        dst: &Class,
        dst_addrs: Option<&[Span]>,
    ) -> bool {
        self.leaving_source(src, dst_addrs) || self.at_destination(src_addrs, dst)
    }

    /// Whether a changed rule of `src`'s groups or subnet may judge some packet from
    /// it to addresses `dst_addrs` (or their replies).
    pub(crate) fn leaving_source(&self, src: &Class, dst_addrs: Option<&[Span]>) -> bool {
        let Class::Interfaces { key, .. } = src else {
            return false;
        };
        key.groups
            .iter()
            .filter_map(|g| self.groups.get(g))
            .chain(self.subnets.get(&key.subnet))
            .any(|c| hits(dst_addrs, &c.out))
    }

    /// Whether a changed rule of `dst`'s groups or subnet may judge some packet to it
    /// from addresses `src_addrs` (or the replies to them).
    pub(crate) fn at_destination(&self, src_addrs: Option<&[Span]>, dst: &Class) -> bool {
        let Class::Interfaces { key, .. } = dst else {
            return false;
        };
        if key.special.is_some_and(|e| self.fronts.contains(&e)) {
            return true;
        }
        self.lists_at(key)
            .any(|(c, spans)| c.translated || hits(src_addrs, spans))
    }

    /// The changed lists judging packets that arrive at an interface of `key`, each
    /// with the source addresses its changed rules match.
    fn lists_at<'d>(
        &'d self,
        key: &'d super::IfaceKey,
    ) -> impl Iterator<Item = (&'d Changed, &'d [Span])> + 'd {
        key.groups
            .iter()
            .filter_map(|g| self.groups.get(g).map(|c| (c, c.inbound.as_slice())))
            .chain(self.subnets.get(&key.subnet).map(|c| (c, c.out.as_slice())))
    }

    /// What the changed rules of `dst`'s groups and subnet match of sources:
    /// `None` when they may match any (a translator's address), else the addresses.
    pub(crate) fn judged_at(&self, dst: &Class) -> Option<Vec<Span>> {
        let Class::Interfaces { key, .. } = dst else {
            return Some(Vec::new());
        };
        if key.special.is_some_and(|e| self.fronts.contains(&e)) {
            return None;
        }
        let mut out = Vec::new();
        for (c, spans) in self.lists_at(key) {
            if c.translated {
                return None;
            }
            out.extend(spans.iter().copied());
        }
        Some(merge(out))
    }

    /// The groups whose rules changed.
    pub(crate) fn groups(&self) -> impl Iterator<Item = SgIdx> + '_ {
        self.groups.keys().copied()
    }

    /// Interfaces a packet to which may meet a changed list from any source.
    pub(crate) fn fronts(&self) -> impl Iterator<Item = EniIdx> + '_ {
        self.fronts.iter().copied()
    }

    /// The subnets whose network ACL changed.
    pub(crate) fn subnets(&self) -> impl Iterator<Item = SubnetIdx> + '_ {
        self.subnets.keys().copied()
    }

    /// Whether some pair with `class` on either end may be affected at all.
    pub(crate) fn touches(&self, class: &Class) -> bool {
        match class {
            Class::Interfaces { key, .. } => {
                self.subnets.contains_key(&key.subnet)
                    || key.groups.iter().any(|g| self.groups.contains_key(g))
                    || key.special.is_some_and(|e| self.fronts.contains(&e))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(lo: u32, hi: u32) -> Span {
        Span { lo, hi }
    }

    #[test]
    fn spans_meet_when_they_share_an_address() {
        assert!(meet(&[s(1, 5), s(10, 12)], &[s(12, 20)]));
        assert!(!meet(&[s(1, 5), s(10, 11)], &[s(6, 9), s(12, 20)]));
        assert!(!meet(&[], &[s(0, u32::MAX)]));
        assert!(hits(None, &[s(3, 3)]));
        assert!(!hits(None, &[]));
    }
}
