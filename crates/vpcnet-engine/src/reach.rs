//! Every packet at once: which sources reach which destinations, with which protocols
//! and ports.
//!
//! The engine does not restate the forwarding semantics: it partitions the header
//! space (source, destination, protocol, source port, destination port) into cells no
//! rule tells apart, and asks the concrete tracer about one packet per cell. Which
//! rules matter is learnt from the traces themselves: each trace reports the rule
//! holders it consulted ([`crate::trace`]'s `Consulted`), their cut points refine the
//! partition, and the cells are traced again until no trace adds a cut (a fixpoint).
//! Within a cell every predicate a trace evaluates is constant, so every packet of the
//! cell takes the representative's path, with the same translations and verdict.
//!
//! Sources and destinations are grouped before that: interfaces in one subnet with the
//! same security groups and the same role behave alike except where an address rule
//! tells their addresses apart, which the address cuts then do.

mod admit;
mod bounds;
pub(crate) mod delta;
mod routes;
mod scope;
pub mod space;

pub use delta::Transit;
pub use scope::{select, Role, Selector};

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};

use vpcnet_model::{
    AnyIdx, EniIdx, InterfaceOwner, Network, SgIdx, SubnetIdx, TailnetNodeIdx, TgwAttachmentIdx,
    TgwAttachmentKind, VpcIdx,
};

use crate::code::Code;
use crate::eval::is_internet_routable;
use crate::trace::{trace_verdict, Component, Endpoint, Query, Trace, TraceOptions};
use bounds::{Bounds, Lookup};
use std::rc::Rc;

use delta::Delta;
use routes::{Fate, FirstHops};
use space::{merge, Span};

/// Endpoints asked about together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Interface addresses: `(interface, address)`, the address private or a public one
    /// mapped onto the interface.
    Interfaces(Vec<(EniIdx, Ipv4Addr)>),
    /// Internet hosts in these spans of addresses.
    Internet(Vec<Span>),
    /// A mesh node that runs on no interface of the network.
    Node(TailnetNodeIdx),
    /// Hosts of a VPN site, in these spans.
    Site(TgwAttachmentIdx, Vec<Span>),
}

/// Every address on the internet (what `internet` stands for).
pub fn internet_spans() -> Vec<Span> {
    let mut cuts = bounds::Bounds::default();
    for special in bounds::NOT_INTERNET {
        cuts.ip
            .add(Span::of_net(special.parse().expect("a valid prefix")));
    }
    let all = cuts.ip.split(Span {
        lo: 0,
        hi: u32::MAX,
    });
    merge(
        all.into_iter()
            .filter(|s| is_internet_routable(s.first_addr()))
            .collect(),
    )
}

/// A place with a name for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPlace {
    /// What people call it (`subnet app-a`, `internet`).
    pub label: String,
    /// The endpoints.
    pub place: Place,
}

/// Limits on the packets asked about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReachOptions {
    /// Only these protocols (`None`: every protocol).
    pub protocols: Option<Vec<u8>>,
    /// Only destination ports in this span (TCP/UDP).
    pub dst_ports: Option<Span>,
    /// The request's host name, for load balancer rules and proxies.
    pub host: Option<String>,
}

/// A protocol class of a flow.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocols {
    /// One protocol.
    One(u8),
    /// Every protocol no rule on the way names (the listed ones are named elsewhere).
    Others(Vec<u8>),
}

impl fmt::Display for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocols::One(p) => write!(f, "{}", vpcnet_model::Protocol::Number(*p)),
            Protocols::Others(_) => f.write_str("other protocols"),
        }
    }
}

/// Packets of one protocol class that get through: destination ports (for ICMP,
/// `type << 8 | code`) and the source ports that work with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The protocol class.
    pub protocol: Protocols,
    /// Destination ports (TCP/UDP/SCTP), ICMP `type << 8 | code`, or empty for other
    /// protocols.
    pub dst_ports: Vec<Span>,
    /// Source ports (TCP/UDP/SCTP); empty otherwise.
    pub src_ports: Vec<Span>,
    /// One packet of the flow.
    pub witness: Query,
}

impl Flow {
    /// The flow for people: `tcp 22, 443`, `icmp type 8`, `all other protocols`.
    pub fn describe(&self) -> String {
        let proto = self.protocol.to_string();
        match &self.protocol {
            Protocols::One(6 | 17 | 132) => {
                let ports = spans_text(&self.dst_ports, 65535, "all ports");
                let src = if self.src_ports == [Span { lo: 0, hi: 65535 }] {
                    String::new()
                } else {
                    format!(
                        " (from source ports {})",
                        spans_text(&self.src_ports, 65535, "any")
                    )
                };
                format!("{proto} {ports}{src}")
            }
            Protocols::One(1 | 58) => {
                if self.dst_ports == [Span { lo: 0, hi: 65535 }] {
                    format!("{proto} all types")
                } else {
                    let parts: Vec<String> = self.dst_ports.iter().map(icmp_text).collect();
                    format!("{proto} {}", parts.join(", "))
                }
            }
            _ => proto,
        }
    }
}

fn icmp_text(s: &Span) -> String {
    let (t0, c0, t1, c1) = (s.lo >> 8, s.lo & 0xff, s.hi >> 8, s.hi & 0xff);
    if c0 == 0 && c1 == 0xff {
        if t0 == t1 {
            format!("type {t0}")
        } else {
            format!("types {t0}-{t1}")
        }
    } else if t0 == t1 && c0 == c1 {
        format!("type {t0} code {c0}")
    } else {
        format!("type {t0} code {c0} - type {t1} code {c1}")
    }
}

/// `22, 443, 8000-8100`.
pub fn spans_text(spans: &[Span], max: u32, all: &str) -> String {
    if spans == [Span { lo: 0, hi: max }] {
        return all.to_owned();
    }
    let parts: Vec<String> = spans
        .iter()
        .map(|s| {
            if s.lo == s.hi {
                s.lo.to_string()
            } else {
                format!("{}-{}", s.lo, s.hi)
            }
        })
        .collect();
    parts.join(", ")
}

/// Addresses as people read them: `10.0.1.5, 10.0.1.9`, `52.0.0.0 - 52.3.255.255`.
pub fn addresses_text(spans: &[Span]) -> String {
    let parts: Vec<String> = spans
        .iter()
        .map(|s| {
            if s.lo == s.hi {
                s.first_addr().to_string()
            } else {
                format!("{} - {}", s.first_addr(), Ipv4Addr::from(s.hi))
            }
        })
        .collect();
    parts.join(", ")
}

/// Why some packets of a group do not get through: the first blocking code and
/// component, and how many cells it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// The code.
    pub code: Code,
    /// What stopped them.
    pub component: Component,
    /// One packet it stopped.
    pub witness: Query,
}

/// Endpoints that behave alike, and their addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Where they are (`subnet app-a, security groups web, base`), for people.
    pub label: String,
    /// The resources (interfaces, a node, a VPN attachment); empty for the internet.
    pub resources: Vec<AnyIdx>,
    /// Their addresses.
    pub addresses: Vec<Span>,
}

/// What one group of sources can open to one group of destinations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The sources.
    pub source: Group,
    /// The destinations.
    pub destination: Group,
    /// The packets that get through (empty: none).
    pub flows: Vec<Flow>,
    /// What stops the others, one entry per distinct blocking code and component.
    pub denials: Vec<Denial>,
}

/// The answer of [`reach`]: rows in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// One row per source group and destination group.
    pub rows: Vec<Row>,
    /// Why the answer may not be exact, when it may not be.
    pub inexact: Vec<String>,
    /// How many packets the concrete tracer followed.
    pub traces: usize,
}

impl Reach {
    /// The rows some packet gets through.
    pub fn reachable(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.flows.is_empty())
    }
}

// ---------------------------------------------------------------------------------
// Classes of endpoints.

/// What makes two interface addresses behave differently apart from the address
/// itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct IfaceKey {
    subnet: SubnetIdx,
    groups: Vec<SgIdx>,
    source_dest_check: bool,
    /// An interface with a role of its own (mesh node, appliance, load balancer,
    /// endpoint, NAT gateway) is its own class.
    special: Option<EniIdx>,
    /// Whether the address used has a public address mapped onto it, and whether it
    /// is itself public.
    public: (bool, bool),
}

pub(crate) fn special(net: &Network, eni: EniIdx) -> bool {
    let e = net.interface(eni);
    if net.tailnet_node_of_eni(eni).is_some()
        || net.lb_of_eni(eni).is_some()
        || net.endpoint_of_eni(eni).is_some()
        || !e.source_dest_check
    {
        return true;
    }
    match e.owner {
        InterfaceOwner::NatGateway(_) => true,
        InterfaceOwner::Instance(i) => {
            net.instance(i).forwarding.is_some()
                || !net.proxy_routes(i).is_empty()
                || net.vpn_config(i).is_some()
        }
        InterfaceOwner::Other(_) | InterfaceOwner::None => false,
    }
}

/// One class: a place's endpoints that only address rules can tell apart.
#[derive(Clone, Debug)]
pub(crate) enum Class {
    Interfaces {
        key: IfaceKey,
        members: Vec<(EniIdx, Ipv4Addr)>,
    },
    Internet(Vec<Span>),
    Node(TailnetNodeIdx),
    Site(TgwAttachmentIdx, Vec<Span>),
}

pub(crate) fn classes(net: &Network, place: &Place) -> Vec<Class> {
    match place {
        Place::Interfaces(members) => {
            // Keyed by the interface's own list of groups when it is sorted already:
            // one key is made per class, not per interface.
            type Borrowed<'n> = (
                SubnetIdx,
                std::borrow::Cow<'n, [SgIdx]>,
                bool,
                Option<EniIdx>,
                (bool, bool),
            );
            let mut by: FxHashMap<Borrowed, Vec<(EniIdx, Ipv4Addr)>> = FxHashMap::default();
            for &(eni, ip) in members {
                let e = net.interface(eni);
                let groups = if e.security_groups.is_sorted() {
                    std::borrow::Cow::Borrowed(e.security_groups.as_slice())
                } else {
                    let mut g = e.security_groups.clone();
                    g.sort_unstable();
                    std::borrow::Cow::Owned(g)
                };
                let key = (
                    e.subnet,
                    groups,
                    e.source_dest_check,
                    special(net, eni).then_some(eni),
                    (e.public_for(ip).is_some(), !e.owns(ip)),
                );
                by.entry(key).or_default().push((eni, ip));
            }
            let mut out: Vec<(IfaceKey, Vec<(EniIdx, Ipv4Addr)>)> = by
                .into_iter()
                .map(
                    |((subnet, groups, source_dest_check, special, public), members)| {
                        let key = IfaceKey {
                            subnet,
                            groups: groups.into_owned(),
                            source_dest_check,
                            special,
                            public,
                        };
                        (key, members)
                    },
                )
                .collect();
            out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.into_iter()
                .map(|(key, mut members)| {
                    members.sort_by_key(|(e, ip)| (u32::from(*ip), *e));
                    members.dedup();
                    Class::Interfaces { key, members }
                })
                .collect()
        }
        Place::Internet(spans) => vec![Class::Internet(merge(spans.clone()))],
        Place::Node(n) => vec![Class::Node(*n)],
        Place::Site(a, spans) => vec![Class::Site(*a, merge(spans.clone()))],
    }
}

/// Part of a class inside one address span of the cuts.
#[derive(Clone, Debug)]
struct Atom {
    /// The representative address (the lowest).
    ip: Ipv4Addr,
    /// Its interface, for interface classes.
    eni: Option<EniIdx>,
    /// The members, for interface classes.
    members: Vec<(EniIdx, Ipv4Addr)>,
    /// The addresses.
    spans: Vec<Span>,
}

fn atoms(class: &Class, b: &mut Bounds, lookup: &Lookup) -> Vec<Atom> {
    match class {
        Class::Interfaces { members, .. } => {
            let mut out: Vec<Atom> = Vec::new();
            let mut last = usize::MAX;
            for &(eni, ip) in members {
                let c = b.ip.class_of(u32::from(ip));
                if c != last || out.is_empty() {
                    out.push(Atom {
                        ip,
                        eni: Some(eni),
                        members: Vec::new(),
                        spans: Vec::new(),
                    });
                    last = c;
                }
                let a = out.last_mut().expect("pushed above");
                a.members.push((eni, ip));
                a.spans.push(Span::one(u32::from(ip)));
            }
            for a in &mut out {
                a.spans = merge(std::mem::take(&mut a.spans));
            }
            out
        }
        Class::Internet(spans) | Class::Site(_, spans) => spans
            .iter()
            .flat_map(|s| b.split_span(*s, lookup))
            .filter_map(|s| {
                Some(Atom {
                    ip: Ipv4Addr::from(lookup.host_in(s)?),
                    eni: None,
                    members: Vec::new(),
                    spans: vec![s],
                })
            })
            .collect(),
        Class::Node(_) => vec![Atom {
            ip: Ipv4Addr::UNSPECIFIED,
            eni: None,
            members: Vec::new(),
            spans: Vec::new(),
        }],
    }
}

fn source_of(net: &Network, class: &Class, atom: &Atom) -> Option<Endpoint> {
    Some(match class {
        Class::Interfaces { .. } => Endpoint::Interface {
            eni: atom.eni?,
            ip: atom.ip,
        },
        Class::Internet(_) => Endpoint::Internet { ip: atom.ip },
        Class::Site(att, _) => Endpoint::Site {
            att: *att,
            ip: atom.ip,
        },
        Class::Node(n) => Endpoint::Node {
            node: *n,
            ip: *net.tailnet_node(*n).addrs.first()?,
        },
    })
}

fn destination_of(net: &Network, class: &Class, atom: &Atom) -> Option<(Ipv4Addr, Option<EniIdx>)> {
    Some(match class {
        // A load balancer or endpoint hands the connection on: delivery is elsewhere.
        Class::Interfaces { .. } => match atom.eni {
            Some(e) if net.lb_of_eni(e).is_some() || net.endpoint_of_eni(e).is_some() => {
                (atom.ip, None)
            }
            eni => (atom.ip, eni),
        },
        Class::Internet(_) | Class::Site(..) => (atom.ip, None),
        Class::Node(n) => (*net.tailnet_node(*n).addrs.first()?, None),
    })
}

fn group_of(net: &Network, class: &Class, atom_list: &[&Atom]) -> Group {
    let mut spans = Vec::new();
    let mut resources = Vec::new();
    for a in atom_list {
        spans.extend(a.spans.iter().copied());
        for (e, _) in &a.members {
            let r = AnyIdx::Interface(*e);
            if !resources.contains(&r) {
                resources.push(r);
            }
        }
    }
    let addresses = merge(spans);
    let label = match class {
        Class::Interfaces { key, .. } => {
            let groups: Vec<String> = key
                .groups
                .iter()
                .map(|g| net.security_group(*g).meta.label())
                .collect();
            let subnet = net.subnet(key.subnet);
            let vpc = net.vpc(subnet.vpc);
            let who = match key.special {
                Some(e) => format!("{} in ", net.interface(e).meta.label()),
                None => String::new(),
            };
            format!(
                "{who}subnet {} of VPC {} [{}]",
                subnet.meta.label(),
                vpc.meta.label(),
                if groups.is_empty() {
                    "no security group".to_owned()
                } else {
                    groups.join(", ")
                }
            )
        }
        Class::Internet(_) => "internet".to_owned(),
        Class::Node(n) => {
            resources.push(AnyIdx::TailnetNode(*n));
            format!("tailnet node {}", net.tailnet_node(*n).meta.label())
        }
        Class::Site(a, _) => {
            resources.push(AnyIdx::TgwAttachment(*a));
            match &net.tgw_attachment(*a).kind {
                TgwAttachmentKind::Vpn { site, .. } => format!("VPN site {site}"),
                _ => net.tgw_attachment(*a).meta.label(),
            }
        }
    };
    let addresses = match class {
        Class::Node(n) => net
            .tailnet_node(*n)
            .addrs
            .iter()
            .map(|a| Span::one(u32::from(*a)))
            .collect(),
        _ => addresses,
    };
    Group {
        label,
        resources,
        addresses,
    }
}

// ---------------------------------------------------------------------------------
// Cells of the rest of the header.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Cell {
    protocol: u8,
    /// Whether `protocol` stands for every protocol no rule names.
    others: bool,
    sport: Span,
    /// Destination port, or ICMP `type << 8 | code`.
    dport: Span,
}

fn cells(b: &mut Bounds, opts: &ReachOptions) -> Vec<Cell> {
    let mut out = Vec::new();
    let named: Vec<u8> = b.protocols.iter().copied().collect();
    let mut protos: Vec<(u8, bool)> = named.iter().map(|p| (*p, false)).collect();
    if let Some(other) =
        (0..=255u8).find(|p| !named.contains(p) && !matches!(p, 1 | 6 | 17 | 58 | 132))
    {
        protos.push((other, true));
    }
    let full = Span { lo: 0, hi: 65535 };
    for (p, others) in protos {
        if let Some(only) = &opts.protocols {
            if !(only.contains(&p) || (others && only.iter().any(|o| !named.contains(o)))) {
                continue;
            }
        }
        match p {
            6 | 17 | 132 => {
                let within = opts.dst_ports.unwrap_or(full);
                let dports = b.dports(p).split(within);
                let sports = b.sports(p).split(full);
                for d in &dports {
                    for s in &sports {
                        out.push(Cell {
                            protocol: p,
                            others,
                            sport: *s,
                            dport: *d,
                        });
                    }
                }
            }
            1 | 58 => {
                if opts.dst_ports.is_some() && opts.protocols.is_none() {
                    continue;
                }
                for d in b.icmp.split(full) {
                    out.push(Cell {
                        protocol: p,
                        others,
                        sport: Span::one(0),
                        dport: d,
                    });
                }
            }
            _ => {
                if opts.dst_ports.is_some() && opts.protocols.is_none() {
                    continue;
                }
                out.push(Cell {
                    protocol: p,
                    others,
                    sport: Span::one(0),
                    dport: Span::one(0),
                })
            }
        }
    }
    out
}

fn query(from: Endpoint, to: (Ipv4Addr, Option<EniIdx>), c: &Cell) -> Query {
    let icmp = matches!(c.protocol, 1 | 58);
    Query {
        from,
        to_ip: to.0,
        expect: to.1,
        protocol: c.protocol,
        // A client's usual ephemeral port when the span has it: witnesses read naturally.
        src_port: if icmp {
            0
        } else if c.sport.contains(49152) {
            49152
        } else {
            c.sport.lo as u16
        },
        dst_port: if icmp { 0 } else { c.dport.lo as u16 },
        icmp_type: if icmp { (c.dport.lo >> 8) as u8 } else { 0 },
        icmp_code: if icmp { (c.dport.lo & 0xff) as u8 } else { 0 },
    }
}

// ---------------------------------------------------------------------------------
// The solver.

/// Shared state of one question: cut points and the traces already followed.
struct Solver<'n> {
    net: &'n Network,
    opts: &'n ReachOptions,
    trace_opts: TraceOptions,
    lookup: Lookup,
    /// The cuts of the pair of classes being solved: learnt afresh for each pair, so
    /// that rules one pair consults never multiply the cells of another.
    bounds: Bounds,
    /// The traces of the pair being solved.
    memo: FxHashMap<Query, Verdict>,
    /// Whole destination subnets each route table drops.
    first: FirstHops,
    /// Per subnet and destination address: whether every packet dies on the first
    /// route.
    first_hop: HashMap<(SubnetIdx, Ipv4Addr, Option<EniIdx>), bool>,
    /// Whether pairs no packet leaves for still get rows (with what stops them).
    keep_denials: bool,
    /// Sources a public destination never admits (depends on rules: never kept).
    admission: admit::Admission,
    inexact: std::collections::BTreeSet<String>,
    traces: usize,
}

#[derive(Clone, Debug)]
struct Verdict {
    reachable: bool,
    blocked: Option<(Code, Component)>,
}

/// One answer of a cell.
struct Outcome {
    src_atom: usize,
    dst_atom: usize,
    cell: Cell,
    witness: Query,
    verdict: Verdict,
}

impl<'n> Solver<'n> {
    fn new(net: &'n Network, opts: &'n ReachOptions) -> Solver<'n> {
        let kept = Kept {
            lookup: Lookup::new(net),
            first: FirstHops::new(net),
            first_hop: HashMap::new(),
        };
        Solver::with_kept(net, opts, kept)
    }

    /// A solver for `net` from the parts another one kept: `net` must differ from
    /// that one's only in rules.
    fn with_kept(net: &'n Network, opts: &'n ReachOptions, kept: Kept) -> Solver<'n> {
        Solver {
            net,
            opts,
            trace_opts: TraceOptions {
                host: opts.host.clone(),
            },
            lookup: kept.lookup,
            bounds: Bounds::default(),
            memo: FxHashMap::default(),
            first: kept.first,
            first_hop: kept.first_hop,
            keep_denials: true,
            admission: Default::default(),
            inexact: Default::default(),
            traces: 0,
        }
    }

    fn into_kept(self) -> Kept {
        Kept {
            lookup: self.lookup,
            first: self.first,
            first_hop: self.first_hop,
        }
    }

    /// Follows `q` (once), returns its verdict and whether the cuts grew.
    fn run(&mut self, q: &Query) -> (Verdict, bool) {
        if let Some(v) = self.memo.get(q) {
            return (v.clone(), false);
        }
        let t: Trace = trace_verdict(self.net, q, &self.trace_opts);
        self.traces += 1;
        let grew = self.bounds.absorb(self.net, &t.consulted, &self.lookup);
        let v = Verdict {
            reachable: t.reachable(),
            blocked: t.blocked_by().map(|b| (b.code, b.component.clone())),
        };
        self.memo.insert(*q, v.clone());
        (v, grew)
    }

    /// Notes load balancers and proxies the pair's traces met that route by host
    /// name: without a host, the answer is about requests none of their host rules
    /// takes.
    fn note_host_rules(&mut self) {
        if self.opts.host.is_some() {
            return;
        }
        for r in self.bounds.consulted() {
            let by_host = match r {
                AnyIdx::LoadBalancer(lb) => self
                    .net
                    .load_balancer(*lb)
                    .listeners
                    .iter()
                    .any(|l| l.rules.iter().any(|rule| !rule.hosts.is_empty())),
                AnyIdx::Instance(i) => !self.net.proxy_routes(*i).is_empty(),
                _ => false,
            };
            if by_host {
                self.inexact.insert(format!(
                    "{} routes requests by host name; without --host this answer is about requests none of its host rules takes",
                    self.net.meta(*r).label()
                ));
            }
        }
    }

    /// Whether every packet from interfaces of `key` to `dst` dies at the first route
    /// lookup (no route, a blackhole, the internet for a private address, or a local
    /// route in another VPC than the interface meant), whatever its ports: the first
    /// route depends on the destination alone, and nothing before it can deliver.
    fn dies_first_hop(&mut self, key: &IfaceKey, dst: Ipv4Addr, expect: Option<EniIdx>) -> bool {
        if key.special.is_some() {
            return false;
        }
        if let Some(v) = self.first_hop.get(&(key.subnet, dst, expect)) {
            return *v;
        }
        let to = expect.map(|e| self.net.interface(e).subnet);
        let v = self
            .first
            .address_fate(self.net, key.subnet, dst, to, 2)
            .drops(expect.is_some());
        self.first_hop.insert((key.subnet, dst, expect), v);
        v
    }

    /// Every cell between the atoms of `src` and `dst`, to a fixpoint of the cuts.
    fn solve(&mut self, src: &Class, dst: &Class) -> (Vec<Atom>, Vec<Atom>, Vec<Outcome>) {
        let settled = self.settled(src, dst);
        let pair_dies = settled == Some(Settled::NoRoute);
        if settled.is_some() && !self.keep_denials {
            return (Vec::new(), Vec::new(), Vec::new());
        }
        self.bounds = self.lookup.start();
        self.memo.clear();
        let out = self.fixpoint(src, dst, pair_dies);
        self.note_host_rules();
        self.inexact.extend(self.bounds.inexact.iter().cloned());
        out
    }

    /// Why every packet from `src` to `dst` is dropped, when that is known without
    /// a trace.
    fn settled(&mut self, src: &Class, dst: &Class) -> Option<Settled> {
        if self.pair_dies(src, dst) {
            Some(Settled::NoRoute)
        } else if self.admission.refused(self.net, src, dst) {
            Some(Settled::NotAdmitted)
        } else {
            None
        }
    }

    /// Whether the first route lookup drops every packet from `src` to `dst`'s
    /// subnet whatever their addresses and ports.
    fn pair_dies(&mut self, src: &Class, dst: &Class) -> bool {
        let (Class::Interfaces { key: s, .. }, Some((subnet, interface))) =
            (src, whole_subnet(self.net, dst))
        else {
            return false;
        };
        s.special.is_none() && self.first.dies(self.net, s.subnet, subnet, interface)
    }

    fn fixpoint(
        &mut self,
        src: &Class,
        dst: &Class,
        pair_dies: bool,
    ) -> (Vec<Atom>, Vec<Atom>, Vec<Outcome>) {
        'again: loop {
            let src_atoms = atoms(src, &mut self.bounds, &self.lookup);
            let dst_atoms = atoms(dst, &mut self.bounds, &self.lookup);
            let cells = cells(&mut self.bounds, self.opts);
            let mut out = Vec::new();
            for (si, sa) in src_atoms.iter().enumerate() {
                let Some(from) = source_of(self.net, src, sa) else {
                    continue;
                };
                for (di, da) in dst_atoms.iter().enumerate() {
                    let Some(to) = destination_of(self.net, dst, da) else {
                        continue;
                    };
                    // A source never sends to itself, but the other members of its
                    // atom do: represent the atom by a member that is not the
                    // destination (skipping the whole atom lost them).
                    let from = match from {
                        Endpoint::Interface { .. } => {
                            let other = sa.members.iter().find(|&&(e, ip)| {
                                to.1 != Some(e) && !(ip == to.0 && to.1.is_none_or(|d| d == e))
                            });
                            match other {
                                Some(&(eni, ip)) => Endpoint::Interface { eni, ip },
                                None => continue,
                            }
                        }
                        other => other,
                    };
                    if let Class::Interfaces { key, .. } = src {
                        if pair_dies || self.dies_first_hop(key, to.0, to.1) {
                            // No trace: record one representative denial.
                            let q = query(from, to, &cells[0]);
                            out.push(Outcome {
                                src_atom: si,
                                dst_atom: di,
                                cell: cells[0],
                                witness: q,
                                verdict: Verdict {
                                    reachable: false,
                                    blocked: None,
                                },
                            });
                            continue;
                        }
                    }
                    for c in &cells {
                        let q = query(from, to, c);
                        let (verdict, grew) = self.run(&q);
                        if grew {
                            continue 'again;
                        }
                        out.push(Outcome {
                            src_atom: si,
                            dst_atom: di,
                            cell: *c,
                            witness: q,
                            verdict,
                        });
                    }
                }
            }
            return (src_atoms, dst_atoms, out);
        }
    }
}

/// The subnet of a destination class whose members are all addresses of their own
/// interfaces in it, and whether they are for an interface (not a load balancer or
/// endpoint that hands the connection on).
fn whole_subnet(net: &Network, dst: &Class) -> Option<(SubnetIdx, bool)> {
    let Class::Interfaces { key: d, .. } = dst else {
        return None;
    };
    if d.public.1 {
        return None;
    }
    let interface = d
        .special
        .is_none_or(|e| net.lb_of_eni(e).is_none() && net.endpoint_of_eni(e).is_none());
    Some((d.subnet, interface))
}

/// Flows from outcomes: reachable cells grouped by protocol, their destination and
/// source ports merged. `named` are the protocols the cells name one by one: the
/// others' class stands for every protocol not among them.
fn flows(outcomes: &[&Outcome], named: &[u8]) -> Vec<Flow> {
    let mut by_proto: BTreeMap<Protocols, Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.verdict.reachable) {
        let p = if o.cell.others {
            Protocols::Others(named.to_vec())
        } else {
            Protocols::One(o.cell.protocol)
        };
        by_proto.entry(p).or_default().push(o);
    }
    let mut out = Vec::new();
    for (protocol, os) in by_proto {
        // Destination ports per source-port span, then source spans per port set.
        let mut by_sport: BTreeMap<Span, Vec<Span>> = BTreeMap::new();
        for o in &os {
            by_sport.entry(o.cell.sport).or_default().push(o.cell.dport);
        }
        let mut by_dports: BTreeMap<Vec<Span>, Vec<Span>> = BTreeMap::new();
        for (s, d) in by_sport {
            by_dports.entry(merge(d)).or_default().push(s);
        }
        for (dports, sports) in by_dports {
            let witness = os
                .iter()
                .find(|o| dports.iter().any(|d| d.contains(o.cell.dport.lo)))
                .map(|o| o.witness)
                .unwrap_or(os[0].witness);
            let ported = matches!(&protocol, Protocols::One(6 | 17 | 132));
            let icmp = matches!(&protocol, Protocols::One(1 | 58));
            out.push(Flow {
                protocol: protocol.clone(),
                dst_ports: if ported || icmp { dports } else { Vec::new() },
                src_ports: if ported { merge(sports) } else { Vec::new() },
                witness,
            });
        }
    }
    out
}

fn denials(outcomes: &[&Outcome]) -> Vec<Denial> {
    let mut out: Vec<Denial> = Vec::new();
    for o in outcomes.iter().filter(|o| !o.verdict.reachable) {
        let (code, component) = match &o.verdict.blocked {
            Some((c, comp)) => (*c, comp.clone()),
            None => (Code::NoRouteToDestination, Component::Internet),
        };
        if !out
            .iter()
            .any(|d| d.code == code && d.component == component)
        {
            out.push(Denial {
                code,
                component,
                witness: o.witness,
            });
        }
    }
    out
}

/// Everything `sources` can open to `destinations`: one row per group of sources and
/// group of destinations that behave alike (rows with no flows say what stops them).
pub fn reach(
    net: &Network,
    sources: &[NamedPlace],
    destinations: &[NamedPlace],
    opts: &ReachOptions,
) -> Reach {
    Standing::new(net, sources, destinations, opts).into_answer()
}

/// Why a pair of classes is settled without tracing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Settled {
    /// The source's first route drops every packet for the destination's subnet.
    NoRoute,
    /// The destination is a public address its security groups admit none of the
    /// addresses the source can be seen from ([`admit`]).
    NotAdmitted,
}

/// Source classes of one VPC settled the same way for one destination class: one
/// row, with what stops one of them.
struct Unrouted {
    dst: usize,
    vpc: VpcIdx,
    why: Settled,
    sources: Vec<usize>,
    row: Option<Row>,
    /// During an update: whether the change may alter the row.
    stale: bool,
}

/// A [`reach`] question kept with its answer per pair of source and destination
/// classes, so that after a change to security group or network ACL rules only the
/// pairs a changed rule can judge are solved again (see `reach::delta`): re-checking
/// a question after a rule edit costs the pairs the edit touches, not the question.
pub struct Standing {
    opts: ReachOptions,
    src: Vec<(Class, Addresses)>,
    dst: Vec<(Class, Addresses)>,
    /// Rows of every pair solved, in the question's order: (source class, destination
    /// class, rows).
    pairs: Vec<PairRows>,
    /// Per destination class, its entries in `pairs` (made by `prepare`).
    by_dst: Vec<Vec<usize>>,
    /// Interfaces settled without tracing, per destination class, source VPC and
    /// reason, in that order.
    unrouted: Vec<Unrouted>,
    /// What the network's routes, addresses and memberships give, unchanged by a
    /// change to rules.
    kept: Option<Kept>,
    /// Per security group and subnet, the source and destination classes in it.
    index: Option<ClassIndex>,
    /// Every address of an interface source class, with the class, sorted (made by
    /// `prepare`).
    by_address: Vec<(u32, usize)>,
    inexact: std::collections::BTreeSet<String>,
    traces: usize,
}

/// A pair's rows: (source class, destination class, rows).
type PairRows = (usize, usize, Vec<Row>);

/// Per security group and subnet, the source and destination classes in it.
type ClassIndex = FxHashMap<AnyIdx, (Vec<usize>, Vec<usize>)>;

/// A class's [`delta::class_addresses`], worked out when first needed.
type Addresses = std::cell::OnceCell<Option<Vec<Span>>>;

fn addresses<'a>(net: &Network, (class, a): &'a (Class, Addresses)) -> Option<&'a [Span]> {
    a.get_or_init(|| delta::class_addresses(net, class))
        .as_deref()
}

/// The parts of a solver that depend on no rule.
struct Kept {
    lookup: Lookup,
    first: FirstHops,
    first_hop: HashMap<(SubnetIdx, Ipv4Addr, Option<EniIdx>), bool>,
}

impl Standing {
    /// Answers the question on `net`.
    pub fn new(
        net: &Network,
        sources: &[NamedPlace],
        destinations: &[NamedPlace],
        opts: &ReachOptions,
    ) -> Standing {
        let with_addrs = |c: Class| (c, Addresses::new());
        let src: Vec<_> = sources
            .iter()
            .flat_map(|p| classes(net, &p.place))
            .map(with_addrs)
            .collect();
        let dst: Vec<_> = destinations
            .iter()
            .flat_map(|p| classes(net, &p.place))
            .map(with_addrs)
            .collect();
        let mut s = Solver::new(net, opts);
        let all: Vec<usize> = (0..dst.len()).collect();
        let (pairs, unrouted) = answer_columns(&mut s, &src, &dst, &all);
        let traces = s.traces;
        let inexact = std::mem::take(&mut s.inexact);
        Standing {
            opts: opts.clone(),
            src,
            dst,
            pairs,
            by_dst: Vec::new(),
            unrouted,
            kept: Some(s.into_kept()),
            index: None,
            by_address: Vec::new(),
            inexact,
            traces,
        }
    }

    /// The answer, as [`reach`] gives it, without keeping the question.
    pub fn into_answer(self) -> Reach {
        let n = self.pairs.iter().map(|p| p.2.len()).sum::<usize>() + self.unrouted.len();
        let mut rows: Vec<Row> = Vec::with_capacity(n);
        rows.extend(self.pairs.into_iter().flat_map(|(_, _, r)| r));
        rows.extend(self.unrouted.into_iter().filter_map(|u| u.row));
        Reach {
            rows,
            inexact: self.inexact.into_iter().collect(),
            traces: self.traces,
        }
    }

    /// The answer, as [`reach`] gives it; `traces` counts those of the last
    /// [`Standing::update`] (or of the first answer).
    pub fn answer(&self) -> Reach {
        let mut rows: Vec<Row> = self
            .pairs
            .iter()
            .flat_map(|(_, _, r)| r.iter().cloned())
            .collect();
        rows.extend(self.unrouted.iter().filter_map(|u| u.row.clone()));
        Reach {
            rows,
            inexact: self.inexact.iter().cloned().collect(),
            traces: self.traces,
        }
    }

    /// Works out now what [`Standing::update`] would on first use: the classes by
    /// security group and subnet, and the addresses of every class.
    pub fn prepare(&mut self, net: &Network) {
        if self.index.is_some() {
            return;
        }
        let mut index = ClassIndex::default();
        for (side, classes) in [(0, &self.src), (1, &self.dst)] {
            for (i, entry) in classes.iter().enumerate() {
                addresses(net, entry);
                if let Class::Interfaces { key, .. } = &entry.0 {
                    let keys = key.groups.iter().map(|g| AnyIdx::SecurityGroup(*g));
                    let own = key.special.map(AnyIdx::Interface);
                    for k in keys.chain([AnyIdx::Subnet(key.subnet)]).chain(own) {
                        let e = index.entry(k).or_default();
                        if side == 0 { &mut e.0 } else { &mut e.1 }.push(i);
                    }
                }
            }
        }
        self.index = Some(index);
        let mut by_address: Vec<(u32, usize)> = Vec::new();
        for (si, entry) in self.src.iter().enumerate() {
            if matches!(entry.0, Class::Interfaces { .. }) {
                for sp in addresses(net, entry).into_iter().flatten() {
                    // Interface classes' addresses are single addresses.
                    by_address.extend((sp.lo..=sp.hi).map(|a| (a, si)));
                }
            }
        }
        by_address.sort_unstable();
        self.by_address = by_address;
        self.by_dst = by_destination(&self.pairs, self.dst.len());
    }

    /// Brings the answer from `before` (the network it was answered on) to `after`,
    /// which differs from it only in the rules `delta` was made for. Returns how many
    /// pairs of classes (and rows of unrouted sources) were solved again.
    pub fn update(&mut self, before: &Network, after: &Network, delta: &RuleDelta) -> usize {
        let d = &delta.0;
        self.prepare(before);
        let index = self.index.as_ref().expect("prepared");
        // The classes a changed list is judged at.
        let mut src_touched = vec![false; self.src.len()];
        let mut dst_touched = vec![false; self.dst.len()];
        let keys = d
            .groups()
            .map(AnyIdx::SecurityGroup)
            .chain(d.subnets().map(AnyIdx::Subnet))
            .chain(d.fronts().map(AnyIdx::Interface));
        for k in keys {
            if let Some((s, t)) = index.get(&k) {
                s.iter().for_each(|&i| src_touched[i] = true);
                t.iter().for_each(|&i| dst_touched[i] = true);
            }
        }
        let ts: Vec<usize> = (0..self.src.len()).filter(|&i| src_touched[i]).collect();
        let td: Vec<usize> = (0..self.dst.len()).filter(|&i| dst_touched[i]).collect();
        let (src, dst) = (&self.src, &self.dst);
        // Per touched destination, the sources its changed rules can match: looked up
        // by address, not asked of every source.
        let by_address = self.by_address.as_slice();
        let judged: FxHashMap<usize, Option<rustc_hash::FxHashSet<usize>>> = td
            .iter()
            .map(|&di| {
                let hit = d.judged_at(&dst[di].0).map(|spans| {
                    let mut set = rustc_hash::FxHashSet::default();
                    for sp in &spans {
                        let from = by_address.partition_point(|(a, _)| *a < sp.lo);
                        set.extend(
                            by_address[from..]
                                .iter()
                                .take_while(|(a, _)| *a <= sp.hi)
                                .map(|(_, si)| *si),
                        );
                    }
                    // Sources that are not interfaces are few: asked one by one.
                    for (si, entry) in src.iter().enumerate() {
                        if !matches!(entry.0, Class::Interfaces { .. })
                            && delta::hits(addresses(before, entry), &spans)
                        {
                            set.insert(si);
                        }
                    }
                    set
                });
                (di, hit)
            })
            .collect();
        let affects = |si: usize, di: usize| {
            let (sc, dc) = (&src[si], &dst[di]);
            (src_touched[si] && d.leaving_source(&sc.0, addresses(before, dc)))
                || (dst_touched[di]
                    && judged
                        .get(&di)
                        .is_some_and(|h| h.as_ref().is_none_or(|set| set.contains(&si))))
        };
        let kept = self.kept.take().expect("kept between updates");
        let mut s = Solver::with_kept(after, &self.opts, kept);
        let mut solved = 0;
        // A public destination whose admission of some interface source may have
        // changed is answered again whole: its sources may move between traced
        // pairs and the rows of those it admits none of.
        let public = |di: usize| matches!(&dst[di].0, Class::Interfaces { key, .. } if key.special.is_none() && key.public.1);
        let from_interface = |si: usize| matches!(src[si].0, Class::Interfaces { .. });
        // Settled rows a change may alter, worked out once.
        for u in &mut self.unrouted {
            let touched = dst_touched[u.dst] || u.sources.iter().any(|&si| src_touched[si]);
            u.stale = touched && u.sources.iter().any(|&si| affects(si, u.dst));
        }
        let columns: Vec<usize> =
            td.iter()
                .copied()
                .filter(|&di| {
                    public(di)
                        && (self.by_dst[di].iter().any(|&k| {
                            from_interface(self.pairs[k].0) && affects(self.pairs[k].0, di)
                        }) || self
                            .unrouted
                            .iter()
                            .any(|u| u.stale && u.dst == di && u.why == Settled::NotAdmitted))
                })
                .collect();
        if !columns.is_empty() {
            let (pairs, unrouted) = answer_columns(&mut s, src, dst, &columns);
            solved += pairs.len() + unrouted.len();
            self.pairs.retain(|p| !columns.contains(&p.1));
            self.pairs.extend(pairs);
            self.pairs.sort_by_key(|p| (p.0, p.1));
            self.unrouted.retain(|u| !columns.contains(&u.dst));
            self.unrouted.extend(unrouted);
            self.unrouted.sort_by_key(|u| (u.dst, u.vpc, u.why));
            self.by_dst = by_destination(&self.pairs, dst.len());
        }
        // Entries to solve again: those of touched sources (in order, by a search
        // over the ordered entries) and of touched destinations.
        let mut again: Vec<usize> = Vec::new();
        for &si in &ts {
            let from = self.pairs.partition_point(|p| p.0 < si);
            let to = self.pairs.partition_point(|p| p.0 <= si);
            again.extend((from..to).filter(|&k| affects(si, self.pairs[k].1)));
        }
        for &di in &td {
            again.extend(
                self.by_dst[di]
                    .iter()
                    .copied()
                    .filter(|&k| affects(self.pairs[k].0, di)),
            );
        }
        again.retain(|&k| !columns.contains(&self.pairs[k].1));
        again.sort_unstable();
        again.dedup();
        for &k in &again {
            let (si, di, _) = self.pairs[k];
            self.pairs[k].2 = rows_of(&mut s, &src[si].0, &dst[di].0);
        }
        solved += again.len();
        for u in &mut self.unrouted {
            if u.stale && !columns.contains(&u.dst) {
                u.row = unrouted_row(&mut s, u, src, &dst[u.dst].0);
                solved += 1;
            }
            u.stale = false;
        }
        self.traces = s.traces;
        self.inexact.extend(std::mem::take(&mut s.inexact));
        self.kept = Some(s.into_kept());
        solved
    }
}

/// Per destination class (of `n`), its entries in `pairs`.
fn by_destination(pairs: &[PairRows], n: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n];
    for (k, (_, di, _)) in pairs.iter().enumerate() {
        out[*di].push(k);
    }
    out
}

/// What a change to security group and network ACL rules can alter (see
/// `reach::delta`), worked out once for any number of kept questions.
pub struct RuleDelta(Delta);

impl RuleDelta {
    /// For two networks that differ only in `changes` ([`Network::rule_changes`]);
    /// `transit` is [`Transit::of`] either. `None` when a changed list is judged
    /// on an interface packets pass through (a load balancer, NAT, an appliance, a
    /// proxy, a mesh router): then questions are answered afresh.
    pub fn new(
        before: &Network,
        after: &Network,
        changes: &vpcnet_model::RuleChanges,
        transit: &Transit,
    ) -> Option<RuleDelta> {
        Delta::new(before, after, changes, transit).map(RuleDelta)
    }
}

/// The pairs of `columns` (destination classes) answered: traced pairs in question
/// order, and the settled ones grouped by destination, source VPC and reason.
fn answer_columns(
    s: &mut Solver,
    src: &[(Class, Addresses)],
    dst: &[(Class, Addresses)],
    columns: &[usize],
) -> (Vec<PairRows>, Vec<Unrouted>) {
    let mut pairs = Vec::new();
    let mut settled: BTreeMap<(usize, VpcIdx, Settled), Vec<usize>> = BTreeMap::new();
    for (si, (sc, _)) in src.iter().enumerate() {
        for &di in columns {
            let dc = &dst[di].0;
            if let Class::Interfaces { key, .. } = sc {
                if let Some(why) = s.settled(sc, dc) {
                    let vpc = s.net.vpc_of_subnet(key.subnet);
                    settled.entry((di, vpc, why)).or_default().push(si);
                    continue;
                }
            }
            let rows = rows_of(s, sc, dc);
            pairs.push((si, di, rows));
        }
    }
    let unrouted = settled
        .into_iter()
        .map(|((dst_class, vpc, why), sources)| {
            let mut u = Unrouted {
                dst: dst_class,
                vpc,
                why,
                sources,
                row: None,
                stale: false,
            };
            u.row = unrouted_row(s, &u, src, &dst[dst_class].0);
            u
        })
        .collect();
    (pairs, unrouted)
}

/// One row for source classes settled together, with what stops one of them
/// (traced once).
fn unrouted_row(
    s: &mut Solver,
    u: &Unrouted,
    src: &[(Class, Addresses)],
    dc: &Class,
) -> Option<Row> {
    let mut resources = Vec::new();
    let mut spans = Vec::new();
    let mut from = None;
    for &si in &u.sources {
        if let Class::Interfaces { members, .. } = &src[si].0 {
            for &(e, ip) in members {
                resources.push(AnyIdx::Interface(e));
                spans.push(Span::one(u32::from(ip)));
                from.get_or_insert(Endpoint::Interface { eni: e, ip });
            }
        }
    }
    resources.sort_unstable();
    resources.dedup();
    let mut b = s.lookup.start();
    let dst_atoms = atoms(dc, &mut b, &s.lookup);
    let da: Vec<&Atom> = dst_atoms.iter().collect();
    let to = destination_of(s.net, dc, dst_atoms.first()?)?;
    let protocol = s
        .opts
        .protocols
        .as_ref()
        .and_then(|p| p.first().copied())
        .unwrap_or(6);
    let port = s.opts.dst_ports.map_or(443, |p| p.lo);
    let cell = Cell {
        protocol,
        others: false,
        sport: Span::one(49152),
        dport: Span::one(port),
    };
    let witness = query(from?, to, &cell);
    let t = trace_verdict(s.net, &witness, &s.trace_opts);
    s.traces += 1;
    let (code, component) = match t.blocked_by() {
        Some(b) => (b.code, b.component.clone()),
        None => (Code::NoRouteToDestination, Component::Internet),
    };
    let n = resources.len();
    Some(Row {
        source: Group {
            label: format!(
                "{n} interface{} of VPC {} {}",
                if n == 1 { "" } else { "s" },
                s.net.vpc(u.vpc).meta.label(),
                match u.why {
                    Settled::NoRoute => "whose route tables have no way there",
                    Settled::NotAdmitted => {
                        "seen there only from public addresses its security groups do not admit"
                    }
                }
            ),
            resources,
            addresses: merge(spans),
        },
        destination: group_of(s.net, dc, &da),
        flows: Vec::new(),
        denials: vec![Denial {
            code,
            component,
            witness,
        }],
    })
}

/// Rows being merged: source atoms, destination atoms, their outcomes, and what they
/// let through.
type Merging<'o> = Vec<(Vec<usize>, Vec<usize>, Vec<&'o Outcome>, Signature)>;

type Signature = Vec<(Protocols, Vec<Span>, Vec<Span>)>;

/// What a set of outcomes lets through (its flows without their witnesses), to
/// compare.
fn signature(os: &[&Outcome], named: &[u8]) -> Signature {
    flows(os, named)
        .into_iter()
        .map(|f| (f.protocol, f.dst_ports, f.src_ports))
        .collect()
}

/// Rows for one source class and destination class: atoms with the same flows merge.
fn rows_of(s: &mut Solver, sc: &Class, dc: &Class) -> Vec<Row> {
    // Internet hosts reaching internet hosts never enter the network.
    if matches!((sc, dc), (Class::Internet(_), Class::Internet(_))) {
        return Vec::new();
    }
    let (src_atoms, dst_atoms, outcomes) = s.solve(sc, dc);
    if outcomes.is_empty() {
        return Vec::new();
    }
    // The cells of this pair were cut by the protocols named when `solve` returned.
    let named: Vec<u8> = s.bounds.protocols.iter().copied().collect();
    // Per (src atom, dst atom): flows. Sources with equal flows to one destination
    // merge first, then destinations with the same sources and flows: every row is a
    // product of the atoms it names.
    let mut per: BTreeMap<(usize, usize), Vec<&Outcome>> = BTreeMap::new();
    for o in &outcomes {
        per.entry((o.dst_atom, o.src_atom)).or_default().push(o);
    }
    let mut by_dst: Vec<(Vec<usize>, usize, Vec<&Outcome>, Signature)> = Vec::new();
    for ((di, si), os) in per {
        let sig = signature(&os, &named);
        match by_dst.iter_mut().find(|(_, d, _, g)| *d == di && *g == sig) {
            Some((ss, _, all, _)) => {
                ss.push(si);
                all.extend(os);
            }
            None => by_dst.push((vec![si], di, os, sig)),
        }
    }
    let mut merged: Merging = Vec::new();
    for (ss, di, os, sig) in by_dst {
        match merged
            .iter_mut()
            .find(|(s2, _, _, g)| *s2 == ss && *g == sig)
        {
            Some((_, ds, all, _)) => {
                ds.push(di);
                all.extend(os);
            }
            None => merged.push((ss, vec![di], os, sig)),
        }
    }
    merged
        .into_iter()
        .map(|(ss, ds, os, _)| {
            let sa: Vec<&Atom> = ss.iter().map(|i| &src_atoms[*i]).collect();
            let da: Vec<&Atom> = ds.iter().map(|i| &dst_atoms[*i]).collect();
            let first: Vec<&Outcome> = os
                .iter()
                .copied()
                .filter(|o| o.src_atom == ss[0] && o.dst_atom == ds[0])
                .collect();
            // A table reads the flows only.
            let group = |c: &Class, atoms: &[&Atom]| {
                if s.keep_denials {
                    group_of(s.net, c, atoms)
                } else {
                    Group {
                        label: String::new(),
                        resources: Vec::new(),
                        addresses: Vec::new(),
                    }
                }
            };
            Row {
                source: group(sc, &sa),
                destination: group(dc, &da),
                flows: flows(&first, &named),
                denials: denials(&os),
            }
        })
        .collect()
}

/// The granularity of an all-pairs table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// One row and column per subnet (its interfaces).
    Subnet,
    /// One row and column per security group (the interfaces carrying it).
    SecurityGroup,
}

/// One non-empty cell of an all-pairs table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixCell {
    /// Row: index into [`Matrix::labels`].
    pub from: usize,
    /// Column: index into [`Matrix::labels`].
    pub to: usize,
    /// What some interface of `from` can open to some interface of `to`.
    pub flows: Vec<Flow>,
}

/// An all-pairs table: which packets get from each group to each other group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matrix {
    /// The groups, in the network's order.
    pub labels: Vec<String>,
    /// The cells some packet gets through, by row then column.
    pub cells: Vec<MatrixCell>,
    /// Why the answer may not be exact, when it may not be.
    pub inexact: Vec<String>,
    /// How many packets the concrete tracer followed.
    pub traces: usize,
}

/// The places of a table's rows and columns, for a role.
pub fn level_places(net: &Network, level: Level, role: Role) -> Vec<NamedPlace> {
    let private = |enis: Vec<EniIdx>| -> Place {
        let mut members = Vec::new();
        for e in enis {
            let iface = net.interface(e);
            if role == Role::Source && !scope::sends(net, e) {
                continue;
            }
            for p in &iface.private_ips {
                members.push((e, p.addr));
            }
        }
        Place::Interfaces(members)
    };
    match level {
        Level::Subnet => {
            let mut by: Vec<Vec<EniIdx>> = vec![Vec::new(); net.subnets().len()];
            for e in net.eni_ids() {
                by[net.interface(e).subnet.index()].push(e);
            }
            net.subnet_ids()
                .zip(by)
                .map(|(s, enis)| NamedPlace {
                    label: net.subnet(s).meta.label(),
                    place: private(enis),
                })
                .collect()
        }
        Level::SecurityGroup => {
            let mut by: Vec<Vec<EniIdx>> = vec![Vec::new(); net.security_groups().len()];
            for e in net.eni_ids() {
                for g in &net.interface(e).security_groups {
                    by[g.index()].push(e);
                }
            }
            net.sg_ids()
                .zip(by)
                .map(|(g, enis)| NamedPlace {
                    label: net.security_group(g).meta.label(),
                    place: private(enis),
                })
                .collect()
        }
    }
}

/// The all-pairs table at `level`. Rows are shared out among the machine's cores.
pub fn matrix(net: &Network, level: Level, opts: &ReachOptions) -> Matrix {
    matrix_within(net, level, opts, None)
}

/// A table's classes with the addresses a changed rule may see (see
/// [`delta::class_addresses`]) and whether a change touches them.
struct Classed {
    class: Class,
    addrs: Option<Vec<Span>>,
    touched: bool,
}

impl Classed {
    fn new(net: &Network, class: Class, delta: Option<&Delta>) -> Classed {
        let touched = delta.is_some_and(|d| d.touches(&class));
        let addrs = delta.and_then(|_| delta::class_addresses(net, &class));
        Classed {
            class,
            addrs,
            touched,
        }
    }
}

/// [`matrix`]; with a `delta`, only the cells where some pair of classes may be
/// affected by its rule change (every pair of such a cell is solved, so the cell is
/// whole).
pub(crate) fn matrix_within(
    net: &Network,
    level: Level,
    opts: &ReachOptions,
    delta: Option<&Delta>,
) -> Matrix {
    let sources = level_places(net, level, Role::Source);
    let destinations = level_places(net, level, Role::Destination);
    let dst_classes: Vec<Vec<Column>> = destinations
        .iter()
        .map(|d| {
            classes(net, &d.place)
                .into_iter()
                .map(|c| {
                    let w = whole_subnet(net, &c);
                    (Classed::new(net, c, delta), w)
                })
                .collect()
        })
        .collect();
    // Columns some change touches: every row looks at them.
    let touched_columns: Vec<usize> = dst_classes
        .iter()
        .enumerate()
        .filter(|(_, cs)| cs.iter().any(|(c, _)| c.touched))
        .map(|(j, _)| j)
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sources.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut s = Solver::new(net, opts);
        // A table shows flows only.
        s.keep_denials = false;
        let mut cells = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(src) = sources.get(i) else {
                break;
            };
            s.first_hop.clear();
            let src_classes: Vec<Classed> = classes(net, &src.place)
                .into_iter()
                .map(|c| Classed::new(net, c, delta))
                .collect();
            let columns: Vec<usize> = match delta {
                None => (0..dst_classes.len()).collect(),
                Some(d) => {
                    let candidates: &mut dyn Iterator<Item = usize> =
                        if src_classes.iter().any(|c| c.touched) {
                            &mut (0..dst_classes.len())
                        } else {
                            &mut touched_columns.iter().copied()
                        };
                    candidates
                        .filter(|&j| {
                            src_classes.iter().any(|sc| {
                                dst_classes[j].iter().any(|(dc, _)| {
                                    d.affects(
                                        &sc.class,
                                        sc.addrs.as_deref(),
                                        &dc.class,
                                        dc.addrs.as_deref(),
                                    )
                                })
                            })
                        })
                        .collect()
                }
            };
            if !columns.is_empty() {
                cells.extend(matrix_row(&mut s, i, &src_classes, &dst_classes, &columns));
            }
        }
        (cells, s.traces, s.inexact)
    };
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut m = Matrix {
        labels: sources.into_iter().map(|p| p.label).collect(),
        ..Matrix::default()
    };
    let mut inexact = std::collections::BTreeSet::new();
    for (cells, traces, why) in parts {
        m.cells.extend(cells);
        m.traces += traces;
        inexact.extend(why);
    }
    m.cells.sort_by_key(|c| (c.from, c.to));
    m.inexact = inexact.into_iter().collect();
    m
}

/// A destination class of a table, with its subnet when the class is its own
/// interfaces in one subnet (see [`whole_subnet`]).
type Column = (Classed, Option<(SubnetIdx, bool)>);

/// The non-empty cells of row `i` among `columns`.
fn matrix_row(
    s: &mut Solver,
    i: usize,
    src_classes: &[Classed],
    dst_classes: &[Vec<Column>],
    columns: &[usize],
) -> Vec<MatrixCell> {
    // Per source class, the fate of every subnet at its first route lookup: most
    // pairs of a large network die there, and are skipped without a look.
    let tables: Vec<Option<Option<Rc<Vec<Fate>>>>> = src_classes
        .iter()
        .map(|sc| match &sc.class {
            Class::Interfaces { key, .. } if key.special.is_none() => {
                Some(s.first.table_of(s.net, key.subnet))
            }
            _ => None,
        })
        .collect();
    let mut cells = Vec::new();
    for &j in columns {
        let dcs = &dst_classes[j];
        let mut flows: Vec<Flow> = Vec::new();
        for (sc, table) in src_classes.iter().zip(&tables) {
            for (dc, whole) in dcs {
                if let (Some(table), Some((subnet, interface))) = (table, whole) {
                    let dies = match table {
                        None => true,
                        Some(t) => t[subnet.index()].drops(*interface),
                    };
                    if dies {
                        continue;
                    }
                }
                for row in rows_of(s, &sc.class, &dc.class) {
                    for f in row.flows {
                        if !flows.iter().any(|g| {
                            g.protocol == f.protocol
                                && g.dst_ports == f.dst_ports
                                && g.src_ports == f.src_ports
                        }) {
                            flows.push(f);
                        }
                    }
                }
            }
        }
        if !flows.is_empty() {
            cells.push(MatrixCell {
                from: i,
                to: j,
                flows,
            });
        }
    }
    cells
}
