//! What a question is about: selectors (a resource, a tag, a subnet, a VPC, a
//! security group, a CIDR, the internet) turned into places.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{AnyIdx, EniIdx, InterfaceOwner, Network, TgwAttachmentKind};

use super::space::{merge, Span};
use super::{internet_spans, NamedPlace, Place};
use crate::resolve::ResolveError;

/// Which end of a connection a selector picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Senders: interfaces by their private addresses; load balancer, endpoint and
    /// NAT gateway interfaces never open connections.
    Source,
    /// Receivers: interfaces by their private and public addresses.
    Destination,
}

/// A set of endpoints, as users name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// A resource by id or `Name` tag: an instance, an interface, a load balancer, a
    /// VPC endpoint, a subnet, a VPC, a security group, a tailnet node.
    Resource(String),
    /// Interfaces (or their instances) carrying a tag; `None` value: any value.
    Tag(String, Option<String>),
    /// The interfaces of a subnet (id or name).
    Subnet(String),
    /// The interfaces of a VPC (id or name).
    Vpc(String),
    /// The interfaces carrying a security group (id or name).
    SecurityGroup(String),
    /// Every endpoint with an address in a range: interfaces, internet hosts, VPN
    /// site hosts, mesh nodes.
    Cidr(Ipv4Net),
    /// Every host on the internet.
    Internet,
    /// Everything.
    All,
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Resource(r) => write!(f, "{r}"),
            Selector::Tag(k, Some(v)) => write!(f, "tag {k}={v}"),
            Selector::Tag(k, None) => write!(f, "tag {k}"),
            Selector::Subnet(s) => write!(f, "subnet {s}"),
            Selector::Vpc(v) => write!(f, "VPC {v}"),
            Selector::SecurityGroup(g) => write!(f, "security group {g}"),
            Selector::Cidr(c) => write!(f, "{c}"),
            Selector::Internet => f.write_str("internet"),
            Selector::All => f.write_str("everything"),
        }
    }
}

impl Selector {
    /// Parses what a user types after `--to`/`--from`: `internet`, a CIDR, `tag:K=V`,
    /// `subnet:X`, `vpc:X`, `sg:X`, `*`, or a resource's id or name.
    pub fn parse(text: &str) -> Selector {
        let t = text.trim();
        if t.eq_ignore_ascii_case("internet") {
            return Selector::Internet;
        }
        if t == "*" || t.eq_ignore_ascii_case("all") {
            return Selector::All;
        }
        if let Ok(n) = t.parse::<Ipv4Net>() {
            return Selector::Cidr(n.trunc());
        }
        if let Ok(a) = t.parse::<Ipv4Addr>() {
            return Selector::Cidr(Ipv4Net::from(a));
        }
        if let Some((kind, rest)) = t.split_once(':') {
            let rest = rest.trim().to_owned();
            match kind.trim().to_ascii_lowercase().as_str() {
                "tag" => {
                    return match rest.split_once('=') {
                        Some((k, v)) => {
                            Selector::Tag(k.trim().to_owned(), Some(v.trim().to_owned()))
                        }
                        None => Selector::Tag(rest, None),
                    }
                }
                "subnet" => return Selector::Subnet(rest),
                "vpc" => return Selector::Vpc(rest),
                "sg" | "security-group" => return Selector::SecurityGroup(rest),
                _ => {}
            }
        }
        Selector::Resource(t.to_owned())
    }
}

fn err(input: &str, message: impl Into<String>) -> ResolveError {
    ResolveError {
        input: input.to_owned(),
        message: message.into(),
    }
}

/// Whether an interface can be the source of a connection.
pub(crate) fn sends(net: &Network, eni: EniIdx) -> bool {
    !(matches!(net.interface(eni).owner, InterfaceOwner::NatGateway(_))
        || net.lb_of_eni(eni).is_some()
        || net.endpoint_of_eni(eni).is_some())
}

/// The addresses of interfaces for a role.
fn addresses(net: &Network, enis: &[EniIdx], role: Role) -> Vec<(EniIdx, Ipv4Addr)> {
    let mut out = Vec::new();
    for &e in enis {
        if role == Role::Source && !sends(net, e) {
            continue;
        }
        let iface = net.interface(e);
        for p in &iface.private_ips {
            out.push((e, p.addr));
        }
        if role == Role::Destination {
            for p in &iface.private_ips {
                if let Some(public) = p.public {
                    out.push((e, public));
                }
            }
        }
    }
    out
}

fn lookup(net: &Network, text: &str) -> Vec<AnyIdx> {
    match net.by_id(text) {
        Some(i) => vec![i],
        None => net.by_name(text).to_vec(),
    }
}

fn one_of(
    net: &Network,
    text: &str,
    what: &str,
    pick: impl Fn(AnyIdx) -> bool,
) -> Result<AnyIdx, ResolveError> {
    let found: Vec<AnyIdx> = lookup(net, text).into_iter().filter(|i| pick(*i)).collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(err(text, format!("no {what} has this id or Name tag"))),
        many => {
            let labels: Vec<String> = many.iter().map(|i| net.meta(*i).label()).collect();
            Err(err(
                text,
                format!(
                    "several {what}s have this name: {}; use an id",
                    labels.join(", ")
                ),
            ))
        }
    }
}

fn interfaces_place(net: &Network, label: String, enis: Vec<EniIdx>, role: Role) -> NamedPlace {
    NamedPlace {
        label,
        place: Place::Interfaces(addresses(net, &enis, role)),
    }
}

/// The places a selector picks, for a role. An unknown name is an error; a selector
/// that picks nothing gives no places.
pub fn select(net: &Network, sel: &Selector, role: Role) -> Result<Vec<NamedPlace>, ResolveError> {
    let text = sel.to_string();
    Ok(match sel {
        Selector::Internet => vec![NamedPlace {
            label: "internet".to_owned(),
            place: Place::Internet(internet_spans()),
        }],
        Selector::All => {
            let mut out = vec![interfaces_place(
                net,
                "every interface".to_owned(),
                net.eni_ids().collect(),
                role,
            )];
            out.extend(select(net, &Selector::Internet, role)?);
            out.extend(nodes_and_sites(net, None));
            out
        }
        Selector::Cidr(c) => {
            let span = Span::of_net(*c);
            let enis: Vec<EniIdx> = net.eni_ids().collect();
            let members: Vec<(EniIdx, Ipv4Addr)> = addresses(net, &enis, role)
                .into_iter()
                .filter(|(_, ip)| c.contains(ip))
                .collect();
            let mut out = vec![NamedPlace {
                label: format!("interfaces in {c}"),
                place: Place::Interfaces(members),
            }];
            let internet: Vec<Span> = internet_spans()
                .into_iter()
                .filter_map(|s| intersect(s, span))
                .collect();
            if !internet.is_empty() {
                out.push(NamedPlace {
                    label: format!("internet hosts in {c}"),
                    place: Place::Internet(internet),
                });
            }
            out.extend(nodes_and_sites(net, Some(span)));
            out
        }
        Selector::Tag(k, v) => {
            let has = |meta: &vpcnet_model::Meta| {
                meta.tags
                    .iter()
                    .any(|(tk, tv)| tk == k && v.as_ref().is_none_or(|v| v == tv))
            };
            let enis: Vec<EniIdx> = net
                .eni_ids()
                .filter(|e| {
                    let iface = net.interface(*e);
                    has(&iface.meta)
                        || matches!(iface.owner, InterfaceOwner::Instance(i) if has(&net.instance(i).meta))
                        || has(&net.subnet(iface.subnet).meta)
                })
                .collect();
            vec![interfaces_place(net, text, enis, role)]
        }
        Selector::Subnet(s) => {
            let AnyIdx::Subnet(sub) = one_of(net, s, "subnet", |i| matches!(i, AnyIdx::Subnet(_)))?
            else {
                unreachable!("filtered to subnets")
            };
            let enis = net
                .eni_ids()
                .filter(|e| net.interface(*e).subnet == sub)
                .collect();
            vec![interfaces_place(
                net,
                format!("subnet {}", net.subnet(sub).meta.label()),
                enis,
                role,
            )]
        }
        Selector::Vpc(v) => {
            let AnyIdx::Vpc(vpc) = one_of(net, v, "VPC", |i| matches!(i, AnyIdx::Vpc(_)))? else {
                unreachable!("filtered to VPCs")
            };
            let enis = net
                .eni_ids()
                .filter(|e| net.vpc_of_eni(*e) == vpc)
                .collect();
            vec![interfaces_place(
                net,
                format!("VPC {}", net.vpc(vpc).meta.label()),
                enis,
                role,
            )]
        }
        Selector::SecurityGroup(g) => {
            let AnyIdx::SecurityGroup(sg) = one_of(net, g, "security group", |i| {
                matches!(i, AnyIdx::SecurityGroup(_))
            })?
            else {
                unreachable!("filtered to security groups")
            };
            let enis = net
                .eni_ids()
                .filter(|e| net.interface(*e).security_groups.contains(&sg))
                .collect();
            vec![interfaces_place(
                net,
                format!("security group {}", net.security_group(sg).meta.label()),
                enis,
                role,
            )]
        }
        Selector::Resource(r) => {
            let mut found = lookup(net, r);
            // A mesh node on an interface is that interface: the instance answers.
            if found.len() > 1 {
                found.retain(
                    |i| !matches!(i, AnyIdx::TailnetNode(n) if net.tailnet_node(*n).eni.is_some()),
                );
            }
            let Some(&idx) = found.first() else {
                return Err(err(r, "no resource has this id or Name tag"));
            };
            if found.len() > 1 && found.iter().any(|i| i.kind() != idx.kind()) {
                let labels: Vec<String> = found
                    .iter()
                    .map(|i| format!("{} {}", i.kind(), net.meta(*i).label()))
                    .collect();
                return Err(err(
                    r,
                    format!(
                        "several resources have this name: {}; use an id",
                        labels.join(", ")
                    ),
                ));
            }
            let mut out = Vec::new();
            for idx in found {
                out.extend(resource_places(net, idx, role, r)?);
            }
            out
        }
    })
}

fn resource_places(
    net: &Network,
    idx: AnyIdx,
    role: Role,
    text: &str,
) -> Result<Vec<NamedPlace>, ResolveError> {
    let label = format!("{} {}", idx.kind(), net.meta(idx).label());
    let enis: Vec<EniIdx> = match idx {
        AnyIdx::Interface(e) => vec![e],
        AnyIdx::Instance(i) => net.instance(i).interfaces.clone(),
        AnyIdx::NatGateway(n) => vec![net.nat_gateway(n).eni],
        AnyIdx::LoadBalancer(lb) => net.load_balancer(lb).enis.clone(),
        AnyIdx::VpcEndpoint(ep) => net.vpc_endpoint(ep).enis.clone(),
        AnyIdx::Subnet(_) => return select(net, &Selector::Subnet(net.meta(idx).id.clone()), role),
        AnyIdx::Vpc(_) => return select(net, &Selector::Vpc(net.meta(idx).id.clone()), role),
        AnyIdx::SecurityGroup(_) => {
            return select(
                net,
                &Selector::SecurityGroup(net.meta(idx).id.clone()),
                role,
            )
        }
        AnyIdx::TailnetNode(n) => match net.tailnet_node(n).eni {
            Some(e) => vec![e],
            None => {
                return Ok(vec![NamedPlace {
                    label,
                    place: Place::Node(n),
                }])
            }
        },
        AnyIdx::TgwAttachment(a) => match &net.tgw_attachment(a).kind {
            TgwAttachmentKind::Vpn { cidrs, .. } => {
                return Ok(vec![NamedPlace {
                    label,
                    place: Place::Site(a, merge(cidrs.iter().map(|c| Span::of_net(*c)).collect())),
                }])
            }
            _ => {
                return Err(err(
                    text,
                    "a transit gateway attachment other than a VPN has no hosts",
                ))
            }
        },
        other => {
            return Err(err(
                text,
                format!("it is a {}, which has no addresses to reach", other.kind()),
            ))
        }
    };
    Ok(vec![interfaces_place(net, label, enis, role)])
}

fn intersect(a: Span, b: Span) -> Option<Span> {
    let lo = a.lo.max(b.lo);
    let hi = a.hi.min(b.hi);
    (lo <= hi).then_some(Span { lo, hi })
}

/// Mesh nodes off the VPCs and VPN sites, within `span` if given.
fn nodes_and_sites(net: &Network, span: Option<Span>) -> Vec<NamedPlace> {
    let mut out = Vec::new();
    for n in net.tailnet_node_ids() {
        let node = net.tailnet_node(n);
        if node.eni.is_some() {
            continue;
        }
        let inside = node
            .addrs
            .first()
            .is_some_and(|a| span.is_none_or(|s| s.contains(u32::from(*a))));
        if inside {
            out.push(NamedPlace {
                label: format!("tailnet node {}", node.meta.label()),
                place: Place::Node(n),
            });
        }
    }
    for a in net.tgw_attachment_ids() {
        if let TgwAttachmentKind::Vpn { site, cidrs } = &net.tgw_attachment(a).kind {
            let spans: Vec<Span> = cidrs
                .iter()
                .map(|c| Span::of_net(*c))
                .filter_map(|s| match span {
                    Some(w) => intersect(s, w),
                    None => Some(s),
                })
                .collect();
            if !spans.is_empty() {
                out.push(NamedPlace {
                    label: format!("VPN site {site}"),
                    place: Place::Site(a, merge(spans)),
                });
            }
        }
    }
    out
}
