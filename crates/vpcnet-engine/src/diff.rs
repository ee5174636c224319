//! What a change does to connectivity: the flows gained and lost between two networks,
//! each tied to the resources that explain it.
//!
//! Both networks get an all-pairs table ([`crate::reach::matrix`]) plus what the
//! internet opens to each group and each group to the internet ([`crate::reach::reach`]);
//! groups (subnets or security groups) are matched by AWS id, never by position, so a
//! resource added early in one input does not shift the comparison.
//!
//! **Exact subtraction.** Per pair, what gets through is a set of boxes over (internet
//! address, protocol, destination port, source port). The two sides' boxes are cut
//! at every bound either side has, and each elementary box is judged on both sides,
//! so a rule narrowed from `tcp 22, 443` to `tcp 443` shows as `tcp 22` lost, a network
//! ACL that starts to pass source ports below 1024 shows as those source ports gained,
//! and office-only SSH opened to the world shows as SSH gained from every internet
//! address but the office's. The `other protocols` class of a table is the set of
//! protocols no rule names, so a rule that only names a protocol the others' class
//! already let through changes nothing.
//!
//! **Causes.** One packet of each changed flow (its witness) is traced again in the
//! network where it does not get through: the component that stops it there is the
//! first candidate, compared by id with its counterpart in the other network. When that
//! component did not change (or nothing stops the packet, as when only a group's
//! membership changed), the changed resources the packet meets on either side are
//! reported too: the components of both paths, the subnets, VPCs and instances of the
//! interfaces on them. An endpoint present on one side only is reported as added or
//! removed. Resources are compared through a rendering in which every arena index is
//! replaced by the id it points at, and where they were declared, their `Name` and tags
//! are left out, so the comparison survives reordering and editing of the input text;
//! a rule that refers to a prefix list sees the prefix list's entries.
//!
//! Not compared: overlay (Tailscale) nodes and VPN sites as endpoints of their own, and
//! the tailnet policy (its access rules cannot be rendered; a change there shows
//! through the nodes on a path only).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use vpcnet_model::{AnyIdx, EniIdx, InterfaceOwner, Network, PrefixListIdx};

use crate::reach::delta::{self, Delta, Transit};
use crate::reach::space::{merge, Span};
use crate::reach::{
    classes, internet_spans, level_places, matrix_within, reach, Class, Flow, Level, NamedPlace,
    Place, Protocols, ReachOptions, Role,
};
use crate::trace::{trace_with, Component, Endpoint, Query, TraceOptions};

/// The id and label that stand for the internet as a group.
pub const INTERNET: &str = "internet";

/// A resource that explains a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// Its id (`sg-…`, `rtb-…`), `internet`, or the id of an external component.
    pub resource: String,
    /// Its `Name`, when it has one.
    pub name: Option<String>,
    /// Its kind, as in output (`security-group`).
    pub kind: String,
    /// A stable code: the tracer's code for what stops the packet
    /// (`ENI_SG_RULES_MISMATCH`), or `RESOURCE_ADDED`, `RESOURCE_REMOVED`,
    /// `RESOURCE_CHANGED` for a resource that differs.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Whether the resource differs between the two networks (added, removed or
    /// changed).
    pub changed: bool,
}

/// Whether a group is in both networks or in one only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Presence {
    /// In both.
    Both,
    /// Only in the network after the change.
    Added,
    /// Only in the network before the change.
    Removed,
}

/// Packets from one group to another that get through on one side only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairChange {
    /// The source group, for people.
    pub from: String,
    /// The source group's id ([`INTERNET`] for the internet).
    pub from_id: String,
    /// Whether the source group is in both networks.
    pub from_presence: Presence,
    /// The destination group, for people.
    pub to: String,
    /// The destination group's id ([`INTERNET`] for the internet).
    pub to_id: String,
    /// Whether the destination group is in both networks.
    pub to_presence: Presence,
    /// For a pair with the internet, the internet addresses the flows are from or to;
    /// empty otherwise. A pair whose flows differ by address is one change per set of
    /// addresses.
    pub internet: Vec<Span>,
    /// The flows, by protocol then destination port. Each witness is a packet of the
    /// flow in the network where it gets through.
    pub flows: Vec<Flow>,
    /// What explains them, without repeats, changed resources first.
    pub causes: Vec<Cause>,
}

impl PairChange {
    /// The flows for people: `tcp 22, 443`.
    pub fn flow_texts(&self) -> Vec<String> {
        self.flows.iter().map(Flow::describe).collect()
    }
}

/// The answer of [`diff`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Packets that get through after the change only, by source then destination id.
    pub gained: Vec<PairChange>,
    /// Packets that got through before the change only, in the same order.
    pub lost: Vec<PairChange>,
    /// Pairs with some flow on either side and the same flows on both.
    pub unchanged_pairs: usize,
    /// Why either side's answer may not be exact, when it may not be.
    pub inexact: Vec<String>,
    /// When the networks differ only in rules, the ids of the security groups and
    /// network ACLs whose rules changed: only pairs some packet of which a changed
    /// rule judges were compared, and `unchanged_pairs` counts among those. `None`:
    /// every pair was compared.
    pub narrowed_to: Option<Vec<String>>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }
}

/// Whether pairs with the internet are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Internet {
    /// The internet is one more group, both ways.
    Compared,
    /// Only the groups: much faster on large networks, where what the internet can
    /// open and what can open the internet is most of the work.
    Skipped,
}

/// Whether a change to rules only is compared only where it can matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Narrowing {
    /// When the networks differ only in security group and network ACL rules, and no
    /// changed list is judged where packets pass through (load balancers, NAT,
    /// appliances, their targets), only the pairs some packet of which a changed rule
    /// matches are compared: the others' traces cannot differ. Otherwise, all.
    Auto,
    /// Every pair, always.
    Off,
}

/// The connectivity gained and lost from `before` to `after` at `level`, the
/// internet included, narrowed to what changed rules can alter.
pub fn diff(before: &Network, after: &Network, level: Level, opts: &ReachOptions) -> Diff {
    diff_with(
        before,
        after,
        level,
        opts,
        Internet::Compared,
        Narrowing::Auto,
    )
}

/// [`diff`], with or without the internet, narrowed or not.
pub fn diff_with(
    before: &Network,
    after: &Network,
    level: Level,
    opts: &ReachOptions,
    internet: Internet,
    narrowing: Narrowing,
) -> Diff {
    let rules = match narrowing {
        Narrowing::Auto => before.rule_changes(after),
        Narrowing::Off => None,
    };
    let delta = rules
        .as_ref()
        .and_then(|c| Delta::new(before, after, c, &Transit::of(before)).map(|d| (c, d)));
    let narrowed_to = delta.as_ref().map(|(c, _)| {
        let mut ids: Vec<String> = c
            .security_groups
            .iter()
            .map(|g| before.security_group(*g).meta.id.clone())
            .chain(
                c.network_acls
                    .iter()
                    .map(|a| before.network_acl(*a).meta.id.clone()),
            )
            .collect();
        ids.sort();
        ids
    });
    let delta = delta.as_ref().map(|(_, d)| d);
    let b = side(before, level, opts, internet, delta);
    let a = side(after, level, opts, internet, delta);
    let mut inexact: Vec<String> = b.inexact.iter().chain(&a.inexact).cloned().collect();
    if internet == Internet::Skipped {
        inexact.push("pairs with the internet were not compared".to_owned());
    }
    inexact.sort();
    inexact.dedup();
    let mut out = Diff {
        inexact,
        narrowed_to,
        ..Diff::default()
    };
    let topts = TraceOptions {
        host: opts.host.clone(),
    };
    let keys: BTreeSet<&(String, String)> = b.cells.keys().chain(a.cells.keys()).collect();
    for key in keys {
        let pb = b.cells.get(key).map(Vec::as_slice).unwrap_or_default();
        let pa = a.cells.get(key).map(Vec::as_slice).unwrap_or_default();
        if canonical(pb) == canonical(pa) {
            out.unchanged_pairs += 1;
            continue;
        }
        let gained = changes(pa, pb);
        let lost = changes(pb, pa);
        if gained.is_empty() && lost.is_empty() {
            out.unchanged_pairs += 1;
            continue;
        }
        let ctx = Ctx { key, opts: &topts };
        for (addrs, flows) in gained {
            out.gained
                .push(pair_change(&ctx, &a, &b, addrs, flows, true));
        }
        for (addrs, flows) in lost {
            out.lost
                .push(pair_change(&ctx, &b, &a, addrs, flows, false));
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Each side: what gets through, per pair of group ids.

/// Flows of one pair on one side, each for some internet addresses (a pair with the
/// internet) or for the whole pair (`[0, 0]`, a placeholder).
#[derive(Clone, Debug)]
struct Part {
    addrs: Vec<Span>,
    flow: Flow,
}

/// One side of the comparison, keyed by group ids.
struct Side<'n> {
    net: &'n Network,
    /// Group id → label.
    groups: BTreeMap<String, String>,
    /// (from id, to id) → what gets through.
    cells: BTreeMap<(String, String), Vec<Part>>,
    inexact: Vec<String>,
}

fn group_ids(net: &Network, level: Level) -> Vec<String> {
    match level {
        Level::Subnet => net
            .subnet_ids()
            .map(|s| net.subnet(s).meta.id.clone())
            .collect(),
        Level::SecurityGroup => net
            .sg_ids()
            .map(|g| net.security_group(g).meta.id.clone())
            .collect(),
    }
}

/// The groups of `level` the interfaces among `resources` are members of.
fn groups_of(net: &Network, level: Level, resources: &[AnyIdx]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in resources {
        let AnyIdx::Interface(e) = *r else {
            continue;
        };
        let iface = net.interface(e);
        match level {
            Level::Subnet => {
                out.insert(net.subnet(iface.subnet).meta.id.clone());
            }
            Level::SecurityGroup => {
                for g in &iface.security_groups {
                    out.insert(net.security_group(*g).meta.id.clone());
                }
            }
        }
    }
    out
}

/// The address placeholder of a pair without the internet.
fn whole() -> Vec<Span> {
    vec![Span::one(0)]
}

fn side<'n>(
    net: &'n Network,
    level: Level,
    opts: &ReachOptions,
    internet: Internet,
    delta: Option<&Delta>,
) -> Side<'n> {
    let m = matrix_within(net, level, opts, delta);
    let ids = group_ids(net, level);
    // The table's labels are the groups in the network's order, as `group_ids` lists
    // them.
    let mut groups: BTreeMap<String, String> = ids.iter().cloned().zip(m.labels).collect();
    groups.insert(INTERNET.to_owned(), INTERNET.to_owned());
    let mut cells: BTreeMap<(String, String), Vec<Part>> = BTreeMap::new();
    for c in m.cells {
        let (Some(from), Some(to)) = (ids.get(c.from), ids.get(c.to)) else {
            continue;
        };
        let parts = cells.entry((from.clone(), to.clone())).or_default();
        parts.extend(c.flows.into_iter().map(|flow| Part {
            addrs: whole(),
            flow,
        }));
    }
    let mut inexact = m.inexact;
    if internet == Internet::Skipped {
        return Side {
            net,
            groups,
            cells,
            inexact,
        };
    }
    // The internet, both ways. Every interface is in exactly one subnet place, and
    // the interfaces of a row share its flows, so a row counts for every group one of
    // its interfaces is in.
    let internet = [NamedPlace {
        label: INTERNET.to_owned(),
        place: Place::Internet(internet_spans()),
    }];
    let mut senders: Vec<NamedPlace> = level_places(net, Level::Subnet, Role::Source)
        .into_iter()
        .filter(|p| !matches!(&p.place, Place::Interfaces(m) if m.is_empty()))
        .collect();
    let mut receivers = public_places(net);
    if let Some(d) = delta {
        let all = Class::Internet(internet_spans());
        let all_addrs = delta::class_addresses(net, &all);
        let all_addrs = all_addrs.as_deref();
        receivers = narrowed(net, level, receivers, |c, addrs| {
            d.affects(&all, all_addrs, c, addrs)
        });
        senders = narrowed(net, level, senders, |c, addrs| {
            d.affects(c, addrs, &all, all_addrs)
        });
    }
    let inbound = reach(net, &internet, &receivers, opts);
    let outbound = reach(net, &senders, &internet, opts);
    for (r, to_internet) in [(inbound, false), (outbound, true)] {
        inexact.extend(r.inexact);
        for row in r.rows {
            if row.flows.is_empty() {
                continue;
            }
            let (mine, addrs) = if to_internet {
                (&row.source, &row.destination.addresses)
            } else {
                (&row.destination, &row.source.addresses)
            };
            for g in groups_of(net, level, &mine.resources) {
                let key = if to_internet {
                    (g, INTERNET.to_owned())
                } else {
                    (INTERNET.to_owned(), g)
                };
                let parts = cells.entry(key).or_default();
                parts.extend(row.flows.iter().map(|f| Part {
                    addrs: addrs.clone(),
                    flow: f.clone(),
                }));
            }
        }
    }
    Side {
        net,
        groups,
        cells,
        inexact,
    }
}

/// Of subnet `places`, those that hold an interface of a group (at `level`) with a
/// class `affected` says a change may alter: all of the group's pairs with the
/// internet are then answered whole. The other groups' pairs come out the same on
/// both sides, whole or not.
fn narrowed(
    net: &Network,
    level: Level,
    places: Vec<NamedPlace>,
    affected: impl Fn(&Class, Option<&[Span]>) -> bool,
) -> Vec<NamedPlace> {
    let members = |p: &NamedPlace| -> Vec<EniIdx> {
        match &p.place {
            Place::Interfaces(m) => m.iter().map(|(e, _)| *e).collect(),
            _ => Vec::new(),
        }
    };
    let groups_of_eni = |e: EniIdx| -> Vec<AnyIdx> {
        match level {
            Level::Subnet => vec![AnyIdx::Subnet(net.interface(e).subnet)],
            Level::SecurityGroup => net
                .interface(e)
                .security_groups
                .iter()
                .map(|g| AnyIdx::SecurityGroup(*g))
                .collect(),
        }
    };
    let mut wanted: BTreeSet<AnyIdx> = BTreeSet::new();
    for p in &places {
        for c in classes(net, &p.place) {
            let addrs = delta::class_addresses(net, &c);
            if affected(&c, addrs.as_deref()) {
                if let Class::Interfaces { members, .. } = &c {
                    for (e, _) in members {
                        wanted.extend(groups_of_eni(*e));
                    }
                }
            }
        }
    }
    places
        .into_iter()
        .filter(|p| {
            members(p)
                .into_iter()
                .any(|e| groups_of_eni(e).iter().any(|g| wanted.contains(g)))
        })
        .collect()
}

/// Per subnet, the public addresses mapped onto its interfaces: what the internet can
/// open connections to.
fn public_places(net: &Network) -> Vec<NamedPlace> {
    let mut by: Vec<Vec<(EniIdx, Ipv4Addr)>> = vec![Vec::new(); net.subnets().len()];
    for e in net.eni_ids() {
        let iface = net.interface(e);
        for p in &iface.private_ips {
            if let (Some(public), Some(members)) = (p.public, by.get_mut(iface.subnet.index())) {
                members.push((e, public));
            }
        }
    }
    net.subnet_ids()
        .zip(by)
        .filter(|(_, members)| !members.is_empty())
        .map(|(s, members)| NamedPlace {
            label: net.subnet(s).meta.label(),
            place: Place::Interfaces(members),
        })
        .collect()
}

/// A part without its witness: addresses, protocol, destination and source values.
type Shape<'p> = (&'p [Span], &'p Protocols, &'p [Span], &'p [Span]);

/// What a pair's parts let through, without witnesses, in a stable order: equal on both
/// sides means no change (the converse does not hold: see [`changes`]).
fn canonical(parts: &[Part]) -> Vec<Shape<'_>> {
    let mut v: Vec<_> = parts
        .iter()
        .map(|p| {
            (
                p.addrs.as_slice(),
                &p.flow.protocol,
                p.flow.dst_ports.as_slice(),
                p.flow.src_ports.as_slice(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

// ---------------------------------------------------------------------------------
// Subtraction.

fn ported(p: u8) -> bool {
    matches!(p, 6 | 17 | 132)
}

fn typed(p: u8) -> bool {
    matches!(p, 1 | 58)
}

/// The largest destination value of protocol `p` (ports, ICMP `type << 8 | code`).
fn dst_max(p: u8) -> u32 {
    if ported(p) || typed(p) {
        65535
    } else {
        0
    }
}

/// The largest source value of protocol `p` (ports).
fn src_max(p: u8) -> u32 {
    if ported(p) {
        65535
    } else {
        0
    }
}

fn covers(protocols: &Protocols, p: u8) -> bool {
    match protocols {
        Protocols::One(q) => *q == p,
        Protocols::Others(named) => !named.contains(&p),
    }
}

fn within(spans: &[Span], v: u32) -> bool {
    spans.iter().any(|s| s.contains(v))
}

/// A flow's destination and source values for protocol `p`: what it lists, or the
/// whole dimension when it lists nothing (the others' class, protocols without ports).
fn extent(flow: &Flow, p: u8) -> (Vec<Span>, Vec<Span>) {
    let or_all = |spans: &[Span], max: u32| {
        if spans.is_empty() {
            vec![Span { lo: 0, hi: max }]
        } else {
            spans.to_vec()
        }
    };
    (
        or_all(&flow.dst_ports, dst_max(p)),
        or_all(&flow.src_ports, src_max(p)),
    )
}

/// The spans between every bound of `spans`, over `[0, max]`.
fn elementary<'s>(spans: impl IntoIterator<Item = &'s Span>, max: u32) -> Vec<Span> {
    let mut starts: BTreeSet<u32> = BTreeSet::from([0]);
    for s in spans {
        if s.lo <= max {
            starts.insert(s.lo);
        }
        if let Some(next) = s.hi.checked_add(1) {
            if next <= max {
                starts.insert(next);
            }
        }
    }
    let starts: Vec<u32> = starts.into_iter().collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &lo)| Span {
            lo,
            hi: starts.get(i + 1).map_or(max, |n| n - 1),
        })
        .collect()
}

/// Destination and source boxes of one protocol.
type Boxes = Vec<(Vec<Span>, Vec<Span>)>;

/// What one protocol lets through on one side and not on the other: destination
/// spans, each with the source spans that go with them, by first destination value.
type Region = Vec<(Vec<Span>, Vec<Span>)>;

/// What changed for some addresses, per protocol.
type Signature = Vec<(u8, Region)>;

/// `here − there` for one protocol.
fn subtract(here: &Boxes, there: &Boxes, p: u8) -> Region {
    let dsts = elementary(here.iter().chain(there).flat_map(|b| &b.0), dst_max(p));
    let srcs = elementary(here.iter().chain(there).flat_map(|b| &b.1), src_max(p));
    let mut by_src: BTreeMap<Vec<Span>, Vec<Span>> = BTreeMap::new();
    for d in &dsts {
        let h: Vec<&(Vec<Span>, Vec<Span>)> = here.iter().filter(|b| within(&b.0, d.lo)).collect();
        if h.is_empty() {
            continue;
        }
        let t: Vec<&(Vec<Span>, Vec<Span>)> = there.iter().filter(|b| within(&b.0, d.lo)).collect();
        let left: Vec<Span> = srcs
            .iter()
            .filter(|s| {
                h.iter().any(|b| within(&b.1, s.lo)) && !t.iter().any(|b| within(&b.1, s.lo))
            })
            .copied()
            .collect();
        if !left.is_empty() {
            by_src.entry(merge(left)).or_default().push(*d);
        }
    }
    let mut out: Region = by_src
        .into_iter()
        .map(|(src, dst)| (merge(dst), src))
        .collect();
    out.sort();
    out
}

/// What `here` lets through and `there` does not, per set of internet addresses (the
/// placeholder for a pair without the internet), as flows with witnesses from `here`.
fn changes(here: &[Part], there: &[Part]) -> Vec<(Vec<Span>, Vec<Flow>)> {
    if here.is_empty() {
        return Vec::new();
    }
    // Protocols told apart: the ones some flow names or leaves out of its others'
    // class, and the ones with ports or types of their own; every other protocol
    // behaves as `rest` does.
    let mut named: BTreeSet<u8> = BTreeSet::from([1, 6, 17, 58, 132]);
    for part in here.iter().chain(there) {
        match &part.flow.protocol {
            Protocols::One(p) => {
                named.insert(*p);
            }
            Protocols::Others(v) => named.extend(v.iter().copied()),
        }
    }
    let rest = (0..=255u8).find(|p| !named.contains(p));
    let classes: Vec<u8> = named.iter().copied().chain(rest).collect();
    let addr_cells = elementary(here.iter().chain(there).flat_map(|p| &p.addrs), u32::MAX);
    // Per address cell: what changed, per protocol; cells that change alike merge.
    let mut groups: Vec<(Vec<Span>, Signature)> = Vec::new();
    for a in addr_cells {
        let h: Vec<&Part> = here.iter().filter(|p| within(&p.addrs, a.lo)).collect();
        if h.is_empty() {
            continue;
        }
        let t: Vec<&Part> = there.iter().filter(|p| within(&p.addrs, a.lo)).collect();
        let boxes = |parts: &[&Part], p: u8| -> Boxes {
            parts
                .iter()
                .filter(|x| covers(&x.flow.protocol, p))
                .map(|x| extent(&x.flow, p))
                .collect()
        };
        let mut sig: Signature = Vec::new();
        for &p in &classes {
            let hb = boxes(&h, p);
            if hb.is_empty() {
                continue;
            }
            let region = subtract(&hb, &boxes(&t, p), p);
            if !region.is_empty() {
                sig.push((p, region));
            }
        }
        if sig.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(_, s)| *s == sig) {
            Some((addrs, _)) => addrs.push(a),
            None => groups.push((vec![a], sig)),
        }
    }
    groups
        .into_iter()
        .map(|(addrs, sig)| {
            let addrs = merge(addrs);
            let flows = flows_of(here, &addrs, sig, &named, rest);
            (addrs, flows)
        })
        .collect()
}

/// Flows from what changed per protocol. Protocols that changed entirely, as the
/// others' class did, join it (TCP, UDP and ICMP are always shown on their own).
fn flows_of(
    here: &[Part],
    addrs: &[Span],
    sig: Signature,
    named: &BTreeSet<u8>,
    rest: Option<u8>,
) -> Vec<Flow> {
    let rest_changed = rest.is_some_and(|r| sig.iter().any(|(p, _)| *p == r));
    let entire = |p: u8, region: &Region| {
        *region
            == vec![(
                vec![Span {
                    lo: 0,
                    hi: dst_max(p),
                }],
                vec![Span {
                    lo: 0,
                    hi: src_max(p),
                }],
            )]
    };
    let folded: BTreeSet<u8> = if rest_changed {
        sig.iter()
            .filter(|(p, region)| {
                !matches!(p, 1 | 6 | 17) && Some(*p) != rest && entire(*p, region)
            })
            .map(|(p, _)| *p)
            .collect()
    } else {
        BTreeSet::new()
    };
    let addr = addrs.first().map_or(0, |s| s.lo);
    let mut out = Vec::new();
    for (p, region) in sig {
        if folded.contains(&p) {
            continue;
        }
        let protocol = if Some(p) == rest {
            Protocols::Others(named.difference(&folded).copied().collect())
        } else {
            Protocols::One(p)
        };
        for (dsts, srcs) in region {
            // A packet as a client sends it, when the flow holds one: an ephemeral
            // source port, an ICMP echo request.
            let prefer = |spans: &[Span], v: u32| {
                if within(spans, v) {
                    v
                } else {
                    spans.first().map_or(0, |x| x.lo)
                }
            };
            let d = prefer(&dsts, if typed(p) { 8 << 8 } else { 0 });
            let s = prefer(&srcs, 49152);
            let Some(witness) = witness(here, addr, p, d, s) else {
                continue;
            };
            out.push(Flow {
                dst_ports: if ported(p) || typed(p) {
                    dsts
                } else {
                    Vec::new()
                },
                src_ports: if ported(p) { srcs } else { Vec::new() },
                protocol: protocol.clone(),
                witness,
            });
        }
    }
    out
}

/// A packet of protocol `p` to destination value `d` from source port `s` that one of
/// `here`'s flows carries for internet address `addr`: that flow's witness, moved.
fn witness(here: &[Part], addr: u32, p: u8, d: u32, s: u32) -> Option<Query> {
    let part = here.iter().find(|x| {
        let (dst, src) = extent(&x.flow, p);
        within(&x.addrs, addr) && covers(&x.flow.protocol, p) && within(&dst, d) && within(&src, s)
    })?;
    let mut q = part.flow.witness;
    q.protocol = p;
    if ported(p) {
        q.dst_port = u16::try_from(d).unwrap_or(u16::MAX);
        q.src_port = u16::try_from(s).unwrap_or(u16::MAX);
    } else if typed(p) {
        q.icmp_type = (d >> 8) as u8;
        q.icmp_code = (d & 0xff) as u8;
    }
    if part.addrs != whole() {
        let ip = Ipv4Addr::from(addr);
        match q.from {
            Endpoint::Internet { .. } => q.from = Endpoint::Internet { ip },
            _ => q.to_ip = ip,
        }
    }
    Some(q)
}

// ---------------------------------------------------------------------------------
// Causes.

/// What every change of one pair shares.
struct Ctx<'k> {
    key: &'k (String, String),
    opts: &'k TraceOptions,
}

/// A change seen from `here` (where `flows` get through) against `there`.
fn pair_change(
    ctx: &Ctx<'_>,
    here: &Side<'_>,
    there: &Side<'_>,
    addrs: Vec<Span>,
    flows: Vec<Flow>,
    here_is_after: bool,
) -> PairChange {
    let presence = |id: &str| match (here.groups.contains_key(id), there.groups.contains_key(id)) {
        (true, true) => Presence::Both,
        (true, false) if here_is_after => Presence::Added,
        (true, false) => Presence::Removed,
        (false, _) if here_is_after => Presence::Removed,
        (false, _) => Presence::Added,
    };
    let label = |id: &str| {
        here.groups
            .get(id)
            .or_else(|| there.groups.get(id))
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    };
    let mut causes: Vec<Cause> = Vec::new();
    for f in &flows {
        for c in explain(here.net, there.net, &f.witness, ctx.opts, here_is_after) {
            add(&mut causes, c);
        }
    }
    // A group on one side only is itself a cause.
    for id in [&ctx.key.0, &ctx.key.1] {
        if presence(id) != Presence::Both {
            if let Some(idx) = here.net.by_id(id) {
                add(
                    &mut causes,
                    one_sided(here.net, there.net, idx, here_is_after),
                );
            }
        }
    }
    // Changed resources first, each kept in the order found (the blocker first).
    causes.sort_by_key(|c| !c.changed);
    let internet = ctx.key.0 == INTERNET || ctx.key.1 == INTERNET;
    PairChange {
        from: label(&ctx.key.0),
        from_id: ctx.key.0.clone(),
        from_presence: presence(&ctx.key.0),
        to: label(&ctx.key.1),
        to_id: ctx.key.1.clone(),
        to_presence: presence(&ctx.key.1),
        internet: if internet { addrs } else { Vec::new() },
        flows,
        causes,
    }
}

/// Adds `c` unless a cause with its resource and code is there already.
fn add(causes: &mut Vec<Cause>, c: Cause) {
    if !causes
        .iter()
        .any(|k| k.resource == c.resource && k.code == c.code)
    {
        causes.push(c);
    }
}

/// Why packet `q` of `here` does not get through in `there`.
fn explain(
    here: &Network,
    there: &Network,
    q: &Query,
    opts: &TraceOptions,
    here_is_after: bool,
) -> Vec<Cause> {
    let mapped = match map_query(here, there, q) {
        Ok(m) => m,
        // An endpoint exists on this side only: nothing to trace over there.
        Err(idx) => return vec![one_sided(here, there, idx, here_is_after)],
    };
    let mut out = Vec::new();
    let t_there = trace_with(there, &mapped, opts);
    if let Some(b) = t_there.blocked_by() {
        let (resource, name, kind, changed) = component(there, here, &b.component);
        out.push(Cause {
            resource,
            name,
            kind,
            code: b.code.as_str().to_owned(),
            message: b.message.clone(),
            changed,
        });
        if changed {
            return out;
        }
    }
    // The change lies elsewhere on the way: the changed resources either packet meets.
    let t_here = trace_with(here, q, opts);
    let mut seen = BTreeSet::new();
    for (net, other, t, net_is_after) in [
        (here, there, &t_here, here_is_after),
        (there, here, &t_there, !here_is_after),
    ] {
        let hops = t
            .forward
            .hops
            .iter()
            .chain(t.ret.iter().flat_map(|p| &p.hops));
        for hop in hops {
            let Component::Resource(idx) = hop.component else {
                continue;
            };
            for r in with_context(net, idx) {
                let id = net.meta(r).id.clone();
                if seen.insert(id) {
                    if let Some(c) = changed_cause(net, other, r, net_is_after) {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// A resource met on a path, with what decides along with it: an interface's subnet
/// (its route table and network ACL associations), that subnet's VPC (its main route
/// table and default network ACL) and its instance.
fn with_context(net: &Network, idx: AnyIdx) -> Vec<AnyIdx> {
    let mut out = vec![idx];
    if let AnyIdx::Interface(e) = idx {
        let iface = net.interface(e);
        out.push(AnyIdx::Subnet(iface.subnet));
        out.push(AnyIdx::Vpc(net.vpc_of_subnet(iface.subnet)));
        if let InterfaceOwner::Instance(i) = iface.owner {
            out.push(AnyIdx::Instance(i));
        }
    }
    out
}

/// The id, name, kind, and whether it differs in `other`, of a component of `net`.
fn component(
    net: &Network,
    other: &Network,
    c: &Component,
) -> (String, Option<String>, String, bool) {
    match c {
        Component::Resource(idx) => {
            let meta = net.meta(*idx);
            (
                meta.id.clone(),
                meta.name.clone(),
                idx.kind().to_owned(),
                differs(net, *idx, other),
            )
        }
        Component::Internet => (INTERNET.to_owned(), None, INTERNET.to_owned(), false),
        Component::External { kind, id } => (id.clone(), None, (*kind).to_owned(), false),
    }
}

/// A cause for resource `idx` of `net` when it differs in `other`.
fn changed_cause(net: &Network, other: &Network, idx: AnyIdx, net_is_after: bool) -> Option<Cause> {
    let meta = net.meta(idx);
    match other.by_id(&meta.id) {
        None => Some(one_sided(net, other, idx, net_is_after)),
        Some(j) if fingerprint(net, idx) != fingerprint(other, j) => Some(Cause {
            resource: meta.id.clone(),
            name: meta.name.clone(),
            kind: idx.kind().to_owned(),
            code: "RESOURCE_CHANGED".to_owned(),
            message: format!("{} {} changed", idx.kind(), meta.label()),
            changed: true,
        }),
        Some(_) => None,
    }
}

/// The cause for resource `idx` of `net`, which `other` does not hold. For an
/// interface, the largest thing missing is named: its subnet or its instance when they
/// are missing too.
fn one_sided(net: &Network, other: &Network, idx: AnyIdx, net_is_after: bool) -> Cause {
    let mut idx = idx;
    if let AnyIdx::Interface(e) = idx {
        let iface = net.interface(e);
        let missing = |i: AnyIdx| other.by_id(&net.meta(i).id).is_none();
        if missing(AnyIdx::Subnet(iface.subnet)) {
            idx = AnyIdx::Subnet(iface.subnet);
        } else if let InterfaceOwner::Instance(i) = iface.owner {
            if missing(AnyIdx::Instance(i)) {
                idx = AnyIdx::Instance(i);
            }
        }
    }
    let meta = net.meta(idx);
    let (code, what) = if net_is_after {
        ("RESOURCE_ADDED", "is new")
    } else {
        ("RESOURCE_REMOVED", "is removed")
    };
    Cause {
        resource: meta.id.clone(),
        name: meta.name.clone(),
        kind: idx.kind().to_owned(),
        code: code.to_owned(),
        message: format!("{} {} {what}", idx.kind(), meta.label()),
        changed: true,
    }
}

/// `q` with its endpoints moved from `here` to `there` by id; the endpoint `there`
/// lacks when it cannot be.
fn map_query(here: &Network, there: &Network, q: &Query) -> Result<Query, AnyIdx> {
    let eni = |e: EniIdx| -> Result<EniIdx, AnyIdx> {
        there
            .by_id_as::<EniIdx>(&here.interface(e).meta.id)
            .ok_or(AnyIdx::Interface(e))
    };
    let from = match q.from {
        Endpoint::Interface { eni: e, ip } => Endpoint::Interface { eni: eni(e)?, ip },
        Endpoint::Internet { ip } => Endpoint::Internet { ip },
        Endpoint::Node { node, ip } => Endpoint::Node {
            node: there
                .by_id_as(&here.tailnet_node(node).meta.id)
                .ok_or(AnyIdx::TailnetNode(node))?,
            ip,
        },
        Endpoint::Site { att, ip } => Endpoint::Site {
            att: there
                .by_id_as(&here.tgw_attachment(att).meta.id)
                .ok_or(AnyIdx::TgwAttachment(att))?,
            ip,
        },
    };
    let expect = match q.expect {
        Some(e) => Some(eni(e)?),
        None => None,
    };
    Ok(Query { from, expect, ..*q })
}

// ---------------------------------------------------------------------------------
// Comparing resources.

/// Whether resource `idx` of `net` is absent from `other` or differs there.
fn differs(net: &Network, idx: AnyIdx, other: &Network) -> bool {
    match other.by_id(&net.meta(idx).id) {
        None => true,
        Some(j) => fingerprint(net, idx) != fingerprint(other, j),
    }
}

/// A resource as compared: its rendering, followed by the renderings of the prefix
/// lists it refers to (a rule's meaning is their entries).
fn fingerprint(net: &Network, idx: AnyIdx) -> String {
    let (mut out, refs) = render(net, idx);
    for (kind, id) in refs {
        if kind != "PrefixListIdx" || matches!(idx, AnyIdx::PrefixList(_)) {
            continue;
        }
        if let Some(p) = net.by_id_as::<PrefixListIdx>(&id) {
            out.push('\n');
            out.push_str(&render(net, AnyIdx::PrefixList(p)).0);
        }
    }
    out
}

/// A stable rendering of a resource: its fields without the places they were declared,
/// its `Name` or tags, or lookup tables, every arena index replaced by the id it points
/// at; and the ids it refers to, by index kind.
fn render(net: &Network, idx: AnyIdx) -> (String, BTreeSet<(String, String)>) {
    macro_rules! plain {
        ($r:expr) => {{
            let mut r = $r.clone();
            r.meta.origin = None;
            r.meta.name = None;
            r.meta.tags.clear();
            format!("{r:?}")
        }};
    }
    let raw = match idx {
        AnyIdx::Vpc(i) => plain!(net.vpc(i)),
        AnyIdx::Subnet(i) => plain!(net.subnet(i)),
        AnyIdx::RouteTable(i) => plain!(net.route_table(i)),
        AnyIdx::PrefixList(i) => plain!(net.prefix_list(i)),
        AnyIdx::InternetGateway(i) => plain!(net.internet_gateway(i)),
        AnyIdx::NatGateway(i) => plain!(net.nat_gateway(i)),
        AnyIdx::Interface(i) => plain!(net.interface(i)),
        AnyIdx::Instance(i) => format!(
            "{} {:?} {:?}",
            plain!(net.instance(i)),
            net.vpn_config(i),
            net.proxy_routes(i)
        ),
        AnyIdx::SecurityGroup(i) => plain!(net.security_group(i)),
        AnyIdx::NetworkAcl(i) => plain!(net.network_acl(i)),
        AnyIdx::Peering(i) => plain!(net.peering(i)),
        AnyIdx::HostedZone(i) => plain!(net.hosted_zone(i)),
        AnyIdx::ResolverRule(i) => plain!(net.resolver_rule(i)),
        AnyIdx::TransitGateway(i) => plain!(net.transit_gateway(i)),
        AnyIdx::TgwAttachment(i) => plain!(net.tgw_attachment(i)),
        AnyIdx::TgwRouteTable(i) => plain!(net.tgw_route_table(i)),
        AnyIdx::VpcEndpoint(i) => plain!(net.vpc_endpoint(i)),
        AnyIdx::LoadBalancer(i) => plain!(net.load_balancer(i)),
        AnyIdx::TargetGroup(i) => plain!(net.target_group(i)),
        AnyIdx::EndpointService(i) => plain!(net.endpoint_service(i)),
        AnyIdx::TailnetNode(i) => plain!(net.tailnet_node(i)),
        AnyIdx::FlowLog(i) => plain!(net.flow_log(i)),
    };
    with_ids(net, &scrub(&raw, &["origin", "by_name"]))
}

/// A debug rendering with the value of every field named in `fields` replaced by `_`.
/// String literals are skipped over, so text inside them is never taken for a field.
fn scrub(raw: &str, fields: &[&str]) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'{' | b',' => {
                // A field starts after `{ ` or `, `.
                let at = i + 2;
                let field = fields.iter().find(|f| {
                    raw.get(at..)
                        .is_some_and(|r| r.starts_with(**f) && r[f.len()..].starts_with(": "))
                });
                match field {
                    Some(f) if raw.get(i + 1..at) == Some(" ") => {
                        let value = at + f.len() + 2;
                        let mut end = skip_value(bytes, value);
                        while end > value && bytes[end - 1] == b' ' {
                            end -= 1;
                        }
                        out.push_str(&raw[copied..value]);
                        out.push('_');
                        copied = end;
                        i = end;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&raw[copied.min(raw.len())..]);
    out
}

/// The position after the string literal opening at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The position where the value starting at `start` ends: the `,` or closing bracket
/// at its own depth.
fn skip_value(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
            }
            b',' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The id of the resource an index token (`SgIdx`, 3) points at.
fn id_of(net: &Network, kind: &str, n: usize) -> Option<String> {
    macro_rules! at {
        ($slice:expr) => {
            $slice.get(n).map(|r| r.meta.id.clone())
        };
    }
    match kind {
        "VpcIdx" => at!(net.vpcs()),
        "SubnetIdx" => at!(net.subnets()),
        "RouteTableIdx" => at!(net.route_tables()),
        "PrefixListIdx" => at!(net.prefix_lists()),
        "IgwIdx" => at!(net.internet_gateways()),
        "NatIdx" => at!(net.nat_gateways()),
        "EniIdx" => at!(net.interfaces()),
        "InstanceIdx" => at!(net.instances()),
        "SgIdx" => at!(net.security_groups()),
        "NaclIdx" => at!(net.network_acls()),
        "PeeringIdx" => at!(net.peerings()),
        "ZoneIdx" => at!(net.hosted_zones()),
        "ResolverRuleIdx" => at!(net.resolver_rules()),
        "TgwIdx" => at!(net.transit_gateways()),
        "TgwAttachmentIdx" => at!(net.tgw_attachments()),
        "TgwRouteTableIdx" => at!(net.tgw_route_tables()),
        "VpcEndpointIdx" => at!(net.vpc_endpoints()),
        "LbIdx" => at!(net.load_balancers()),
        "TargetGroupIdx" => at!(net.target_groups()),
        "EndpointServiceIdx" => at!(net.endpoint_services()),
        "TailnetNodeIdx" => at!(net.tailnet_nodes()),
        "FlowLogIdx" => at!(net.flow_logs()),
        _ => None,
    }
}

/// Replaces every `FooIdx(n)` in a debug rendering with `Foo(id)`; returns the ids
/// replaced, with their index kind (`SgIdx`).
fn with_ids(net: &Network, raw: &str) -> (String, BTreeSet<(String, String)>) {
    let mut out = String::with_capacity(raw.len());
    let mut refs = BTreeSet::new();
    let mut rest = raw;
    while let Some(at) = rest.find("Idx(") {
        // The identifier ending at `at`.
        let start = rest[..at]
            .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .map_or(0, |p| p + 1);
        let kind = &rest[start..at + 3];
        let digits_from = at + 4;
        let digits_len = rest[digits_from..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - digits_from);
        let close = digits_from + digits_len;
        let replaced = if digits_len > 0 && rest[close..].starts_with(')') {
            rest[digits_from..close]
                .parse::<usize>()
                .ok()
                .and_then(|n| id_of(net, kind, n))
        } else {
            None
        };
        match replaced {
            Some(id) => {
                out.push_str(&rest[..start]);
                let _ = write!(out, "{}({id})", &kind[..kind.len() - 3]);
                refs.insert((kind.to_owned(), id));
                rest = &rest[close + 1..];
            }
            None => {
                out.push_str(&rest[..at + 4]);
                rest = &rest[at + 4..];
            }
        }
    }
    out.push_str(rest);
    (out, refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(lo: u32, hi: u32) -> Span {
        Span { lo, hi }
    }

    fn tcp(dst: &[Span], src: &[Span]) -> Boxes {
        vec![(dst.to_vec(), src.to_vec())]
    }

    const ALL: Span = Span { lo: 0, hi: 65535 };

    #[test]
    fn subtract_splits_and_trims_destination_ports() {
        let r = subtract(&tcp(&[s(0, 10)], &[ALL]), &tcp(&[s(3, 4)], &[ALL]), 6);
        assert_eq!(r, vec![(vec![s(0, 2), s(5, 10)], vec![ALL])]);
        let r = subtract(
            &tcp(&[s(22, 22), s(443, 443)], &[ALL]),
            &tcp(&[s(443, 443)], &[ALL]),
            6,
        );
        assert_eq!(r, vec![(vec![s(22, 22)], vec![ALL])]);
        assert_eq!(
            subtract(&tcp(&[ALL], &[ALL]), &tcp(&[ALL], &[ALL]), 6),
            vec![]
        );
        let r = subtract(
            &tcp(&[s(5, 9)], &[ALL]),
            &tcp(&[s(0, 5), s(9, 20)], &[ALL]),
            6,
        );
        assert_eq!(r, vec![(vec![s(6, 8)], vec![ALL])]);
        let r = subtract(&tcp(&[s(65535, 65535)], &[ALL]), &Vec::new(), 6);
        assert_eq!(r, vec![(vec![s(65535, 65535)], vec![ALL])]);
    }

    #[test]
    fn subtract_compares_source_ports_too() {
        // Before: udp 41641 from ephemeral ports only; after: from every port.
        let r = subtract(
            &tcp(&[s(41641, 41641)], &[ALL]),
            &tcp(&[s(41641, 41641)], &[s(1024, 65535)]),
            17,
        );
        assert_eq!(r, vec![(vec![s(41641, 41641)], vec![s(0, 1023)])]);
    }

    #[test]
    fn elementary_covers_the_dimension_once() {
        assert_eq!(
            elementary(&[s(3, 4), s(4, 9)], 10),
            vec![s(0, 2), s(3, 3), s(4, 4), s(5, 9), s(10, 10)]
        );
        assert_eq!(
            elementary(&[s(0, u32::MAX)], u32::MAX),
            vec![s(0, u32::MAX)]
        );
        assert_eq!(elementary(&[], 0), vec![s(0, 0)]);
    }

    #[test]
    fn scrub_replaces_field_values_outside_strings() {
        let raw = r#"X { a: 1, origin: Some(Location { file: Some("f, origin: x"), line: Some(3) }), b: "origin: y", c: [Y { origin: None }] }"#;
        assert_eq!(
            scrub(raw, &["origin"]),
            r#"X { a: 1, origin: _, b: "origin: y", c: [Y { origin: _ }] }"#
        );
        assert_eq!(scrub("\"unterminated", &["origin"]), "\"unterminated");
    }
}
