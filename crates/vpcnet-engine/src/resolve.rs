//! From what a person types (`sonarqube`, `i-0abc…`, `10.1.34.50`, `dev/10.1.34.50`,
//! `internet`) to an endpoint of the network.

use std::fmt;
use std::net::Ipv4Addr;

use vpcnet_model::{
    AnyIdx, EndpointKind, EniIdx, Network, TailnetNodeIdx, TgwAttachmentIdx, TgwAttachmentKind,
    VpcIdx,
};

use crate::eval::is_internet_routable;
use crate::trace::Endpoint;

/// The address `internet` stands for as a destination (TEST-NET-1).
pub const INTERNET_DESTINATION: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);
/// The address `internet` stands for as a source (TEST-NET-1).
pub const INTERNET_SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 20);

/// Why a name could not be turned into an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    /// What the user typed.
    pub input: String,
    /// What was wrong, with the candidates where there were several.
    pub message: String,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot resolve `{}`: {}", self.input, self.message)
    }
}

impl std::error::Error for ResolveError {}

/// A resolved destination: the address to send to, and the interface meant, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Destination {
    /// The address the source sends to.
    pub ip: Ipv4Addr,
    /// The interface the user named.
    pub expect: Option<EniIdx>,
}

fn err(input: &str, message: impl Into<String>) -> ResolveError {
    ResolveError {
        input: input.to_owned(),
        message: message.into(),
    }
}

/// The interface a resource stands for: an instance's primary interface, a NAT
/// gateway's interface, an interface itself.
fn interface_of(net: &Network, idx: AnyIdx) -> Option<EniIdx> {
    match idx {
        AnyIdx::Interface(e) => Some(e),
        AnyIdx::Instance(i) => net.instance(i).interfaces.first().copied(),
        AnyIdx::NatGateway(n) => Some(net.nat_gateway(n).eni),
        _ => None,
    }
}

/// A named resource (id or `Name` tag) as an interface.
fn named_interface(net: &Network, input: &str) -> Result<Option<EniIdx>, ResolveError> {
    if let Some(idx) = net.by_id(input) {
        return interface_of(net, idx).map(Some).ok_or_else(|| {
            err(input, format!("it is a {}, not something with an address (an instance, a network interface or a NAT gateway)", idx.kind()))
        });
    }
    let candidates: Vec<(AnyIdx, EniIdx)> = net
        .by_name(input)
        .iter()
        .filter_map(|i| interface_of(net, *i).map(|e| (*i, e)))
        .collect();
    match candidates.as_slice() {
        [] => Ok(None),
        [(_, e)] => Ok(Some(*e)),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|(i, _)| format!("{} {}", i.kind(), net.meta(*i).id))
                .collect();
            Err(err(
                input,
                format!(
                    "several resources have this name: {}; use an id",
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// An address, optionally written `VPC/ADDRESS` to pick the VPC.
fn private_owner(net: &Network, input: &str) -> Result<Option<(EniIdx, Ipv4Addr)>, ResolveError> {
    let (vpc, addr) = match input.rsplit_once('/') {
        Some((v, a))
            if a.parse::<Ipv4Addr>().is_ok() && !v.is_empty() && v.parse::<Ipv4Addr>().is_err() =>
        {
            (Some(v), a)
        }
        _ => (None, input),
    };
    let Ok(ip) = addr.parse::<Ipv4Addr>() else {
        return Ok(None);
    };
    if let Some(v) = vpc {
        let vidx = net.by_id_as::<VpcIdx>(v).or_else(|| {
            net.by_name(v)
                .iter()
                .find_map(|i| VpcIdx::try_from(*i).ok())
        });
        let Some(vidx) = vidx else {
            return Err(err(input, format!("no VPC named `{v}`")));
        };
        return match net.eni_by_private_ip(vidx, ip) {
            Some(e) => Ok(Some((e, ip))),
            None => Err(err(
                input,
                format!("no interface in VPC `{v}` has address {ip}"),
            )),
        };
    }
    match net.enis_with_private_ip(ip).as_slice() {
        [] => Ok(None),
        [e] => Ok(Some((*e, ip))),
        many => {
            let vpcs: Vec<String> = many
                .iter()
                .map(|e| net.vpc(net.vpc_of_eni(*e)).meta.label())
                .collect();
            Err(err(
                input,
                format!(
                    "{ip} is in several VPCs ({}); write `VPC/{ip}`",
                    vpcs.join(", ")
                ),
            ))
        }
    }
}

/// The VPN attachment whose site declares `ip` in its ranges (the most specific).
fn vpn_site_of(net: &Network, ip: Ipv4Addr) -> Option<TgwAttachmentIdx> {
    net.tgw_attachment_ids()
        .filter_map(|a| match &net.tgw_attachment(a).kind {
            TgwAttachmentKind::Vpn { cidrs, .. } => cidrs
                .iter()
                .filter(|c| c.contains(&ip))
                .map(|c| c.prefix_len())
                .max()
                .map(|len| (std::cmp::Reverse(len), a)),
            _ => None,
        })
        .min()
        .map(|(_, a)| a)
}

/// A mesh node named by its id, host name, MagicDNS name or mesh address.
fn tailnet_node(net: &Network, text: &str) -> Option<TailnetNodeIdx> {
    if let Ok(ip) = text.parse::<Ipv4Addr>() {
        return net.tailnet_node_by_addr(ip);
    }
    if let Some(n) = net.by_id_as::<TailnetNodeIdx>(text) {
        return Some(n);
    }
    let lower = text.to_ascii_lowercase();
    net.tailnet_node_ids().find(|n| {
        let node = net.tailnet_node(*n);
        node.meta.name.as_deref() == Some(text)
            || node
                .fqdn
                .as_deref()
                .is_some_and(|f| f.trim_end_matches('.').eq_ignore_ascii_case(&lower))
    })
}

/// Resolves a source: an address, an id, a `Name` tag, a tailnet node, or `internet`.
pub fn resolve_source(net: &Network, input: &str) -> Result<Endpoint, ResolveError> {
    let text = input.trim();
    if let Some(n) = tailnet_node(net, text) {
        let node = net.tailnet_node(n);
        // A node on an interface sends from it (a named instance resolves the same way).
        let named_elsewhere = !net
            .by_name(text)
            .iter()
            .all(|i| *i == AnyIdx::TailnetNode(n));
        match (node.eni, node.addrs.first()) {
            (Some(eni), _) if !named_elsewhere || text.parse::<Ipv4Addr>().is_ok() => {
                return Ok(Endpoint::Interface {
                    eni,
                    ip: net.interface(eni).primary_ip(),
                });
            }
            (None, Some(ip)) => return Ok(Endpoint::Node { node: n, ip: *ip }),
            _ => {}
        }
    }
    if text.eq_ignore_ascii_case("internet") {
        return Ok(Endpoint::Internet {
            ip: INTERNET_SOURCE,
        });
    }
    if let Ok(ip) = text.parse::<Ipv4Addr>() {
        if let Some((eni, private)) = net.eni_by_public_ip(ip) {
            return Ok(Endpoint::Interface { eni, ip: private });
        }
        if is_internet_routable(ip) {
            return Ok(Endpoint::Internet { ip });
        }
    }
    if let Some((eni, ip)) = private_owner(net, text)? {
        return Ok(Endpoint::Interface { eni, ip });
    }
    if let Ok(ip) = text.parse::<Ipv4Addr>() {
        if let Some(att) = vpn_site_of(net, ip) {
            return Ok(Endpoint::Site { att, ip });
        }
    }
    if text.parse::<Ipv4Addr>().is_ok() {
        return Err(err(
            input,
            "no network interface has this address, and it is not an internet address",
        ));
    }
    match named_interface(net, text)? {
        Some(eni) => Ok(Endpoint::Interface {
            eni,
            ip: net.interface(eni).primary_ip(),
        }),
        None => Err(err(
            input,
            "no resource has this id or Name tag, and it is not an address",
        )),
    }
}

/// Resolves a destination as seen from `from`: a named resource is addressed by its
/// private IP, or by its public IP when the source is on the internet.
pub fn resolve_destination(
    net: &Network,
    from: &Endpoint,
    input: &str,
) -> Result<Destination, ResolveError> {
    let text = input.trim();
    if text.eq_ignore_ascii_case("internet") {
        return Ok(Destination {
            ip: INTERNET_DESTINATION,
            expect: None,
        });
    }
    if let Ok(ip) = text.parse::<Ipv4Addr>() {
        return Ok(Destination { ip, expect: None });
    }
    if net.by_name(text).is_empty()
        || net
            .by_name(text)
            .iter()
            .all(|i| matches!(i, AnyIdx::TailnetNode(_)))
    {
        if let Some(n) = tailnet_node(net, text) {
            let node = net.tailnet_node(n);
            if let Some(ip) = node.addrs.first() {
                return Ok(Destination {
                    ip: *ip,
                    expect: node.eni,
                });
            }
        }
    }
    let eni = match private_owner(net, text)? {
        Some((eni, ip)) => {
            return Ok(Destination {
                ip,
                expect: Some(eni),
            })
        }
        None => named_interface(net, text)?,
    };
    let Some(eni) = eni else {
        return Err(err(
            input,
            "no resource has this id or Name tag, and it is not an address",
        ));
    };
    let e = net.interface(eni);
    let ip = match from {
        Endpoint::Internet { .. } => e.private_ips[0].public.unwrap_or(e.primary_ip()),
        Endpoint::Interface { .. } | Endpoint::Site { .. } | Endpoint::Node { .. } => {
            e.primary_ip()
        }
    };
    Ok(Destination {
        ip,
        expect: Some(eni),
    })
}

/// A destination named as an AWS service (`s3`, `com.amazonaws.us-east-1.s3`, `sts`)
/// that the source's VPC reaches through a VPC endpoint: a gateway endpoint's service
/// is addressed at the first address of its prefix list, an interface endpoint at its
/// interface in the source's Availability Zone (else its first). A gateway endpoint is
/// preferred, as the service's public name leads there.
pub fn service_destination(net: &Network, from: &Endpoint, text: &str) -> Option<Destination> {
    let Endpoint::Interface { eni, .. } = from else {
        return None;
    };
    let vpc = net.vpc_of_eni(*eni);
    let wanted = text.trim().to_ascii_lowercase();
    let mut candidates: Vec<_> = net
        .vpc_endpoint_ids()
        .filter(|e| {
            let ep = net.vpc_endpoint(*e);
            ep.vpc == vpc
                && (ep.service_name == wanted || ep.short_service() == Some(wanted.as_str()))
        })
        .collect();
    candidates.sort_by_key(|e| net.vpc_endpoint(*e).kind != EndpointKind::Gateway);
    candidates.into_iter().find_map(|e| {
        let ep = net.vpc_endpoint(e);
        match ep.kind {
            EndpointKind::Gateway => {
                let first = net.prefix_list(ep.prefix_list?).cidrs.first()?;
                let ip = Ipv4Addr::from(u32::from(first.network()).saturating_add(1));
                Some(Destination { ip, expect: None })
            }
            EndpointKind::Interface => {
                let az = &net.subnet(net.interface(*eni).subnet).az;
                let target = ep
                    .enis
                    .iter()
                    .copied()
                    .find(|x| net.subnet(net.interface(*x).subnet).az == *az)
                    .or_else(|| ep.enis.first().copied())?;
                Some(Destination {
                    ip: net.interface(target).primary_ip(),
                    expect: Some(target),
                })
            }
            EndpointKind::GatewayLoadBalancer => None,
        }
    })
}
