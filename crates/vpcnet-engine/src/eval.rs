//! Rule evaluation: security groups, network ACLs, route lookup. One statement of the
//! semantics, used by the tracer and by `check`.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{
    EniIdx, L4Match, NaclEntry, Network, NetworkAcl, PeeringStatus, Route, RouteTable, SgIdx,
    SgPeer, SgRule, VpcIdx,
};

use crate::packet::Packet;

/// Whether the layer-4 part of a rule matches the packet (ports are destination ports).
pub(crate) fn l4_matches(l4: &L4Match, pkt: &Packet) -> bool {
    match l4 {
        L4Match::Any => true,
        L4Match::Ports(range) => pkt.has_ports() && range.contains(pkt.dst_port),
        L4Match::Icmp(m) => pkt.is_icmp() && m.matches(pkt.icmp_type, pkt.icmp_code),
    }
}

/// Whether `ip` is a private address of an interface carrying `sg`, for a rule of a
/// group in VPC `rule_vpc`. A reference to another VPC's group counts only across an
/// active peering within one region, as AWS allows.
pub(crate) fn ip_in_group(net: &Network, rule_vpc: VpcIdx, sg: SgIdx, ip: Ipv4Addr) -> bool {
    let home = net.security_group(sg).vpc;
    if home != rule_vpc {
        let region = &net.vpc(home).region;
        let usable = net.vpc(rule_vpc).region == *region
            && net.peerings_of(rule_vpc).iter().any(|p| {
                let p = net.peering(*p);
                p.status == PeeringStatus::Active && p.other_side(rule_vpc) == Some(home)
            });
        if !usable {
            return false;
        }
    }
    net.eni_by_private_ip(home, ip)
        .is_some_and(|e| net.interface(e).security_groups.contains(&sg))
}

pub(crate) fn peer_matches(net: &Network, rule_vpc: VpcIdx, peer: &SgPeer, ip: Ipv4Addr) -> bool {
    match peer {
        SgPeer::Cidr(c) => c.contains(&ip),
        SgPeer::PrefixList(pl) => net.prefix_list(*pl).cidrs.iter().any(|c| c.contains(&ip)),
        SgPeer::Group(g) => ip_in_group(net, rule_vpc, *g, ip),
        SgPeer::Ipv6(_) | SgPeer::UnknownGroup(_) => false,
    }
}

/// The first rule (group, index) of the interface's security groups that allows the
/// packet: inbound rules match its source, outbound rules its destination.
pub(crate) fn sg_allows(
    net: &Network,
    eni: EniIdx,
    egress: bool,
    pkt: &Packet,
) -> Option<(SgIdx, usize)> {
    let peer_ip = if egress { pkt.dst } else { pkt.src };
    for &sg in &net.interface(eni).security_groups {
        let g = net.security_group(sg);
        let rules: &[SgRule] = if egress { &g.egress } else { &g.ingress };
        for (i, r) in rules.iter().enumerate() {
            if r.protocol.matches(pkt.protocol)
                && l4_matches(&r.l4, pkt)
                && peer_matches(net, g.vpc, &r.peer, peer_ip)
            {
                return Some((sg, i));
            }
        }
    }
    None
}

/// The entry that decides the packet (`None`: the final `*` rule, deny).
pub(crate) fn nacl_decides<'a>(
    acl: &'a NetworkAcl,
    egress: bool,
    pkt: &Packet,
) -> Option<&'a NaclEntry> {
    let ip = if egress { pkt.dst } else { pkt.src };
    let entries = if egress { &acl.egress } else { &acl.ingress };
    entries.iter().find(|e| {
        e.cidr.contains(&ip) && e.protocol.matches(pkt.protocol) && l4_matches(&e.l4, pkt)
    })
}

/// Longest-prefix match: the route for `dst`, with the CIDR that matched. At equal
/// length a CIDR route beats a prefix-list route, as AWS documents.
pub(crate) fn lookup<'a>(
    net: &'a Network,
    table: &'a RouteTable,
    dst: Ipv4Addr,
) -> Option<(&'a Route, Ipv4Net)> {
    let mut best: Option<(&Route, Ipv4Net, bool)> = None;
    for r in &table.routes {
        for (cidr, from_list) in net.route_cidrs(r) {
            if !cidr.contains(&dst) {
                continue;
            }
            let better = match best {
                None => true,
                Some((_, b, b_list)) => {
                    cidr.prefix_len() > b.prefix_len()
                        || (cidr.prefix_len() == b.prefix_len() && b_list && !from_list)
                }
            };
            if better {
                best = Some((r, cidr, from_list));
            }
        }
    }
    best.map(|(r, c, _)| (r, c))
}

/// Whether an address is routed on the internet: not private (RFC 1918), shared
/// (100.64.0.0/10, where Tailscale lives), loopback, link-local, multicast or
/// reserved. Documentation ranges count as internet hosts.
pub fn is_internet_routable(ip: Ipv4Addr) -> bool {
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.octets()[0] == 0
        || ip.octets()[0] >= 240
        || (ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internet_routable_addresses() {
        let yes = ["8.8.8.8", "203.0.113.5", "198.51.100.1", "52.94.1.1"];
        let no = [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.1",
            "127.0.0.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.1.2.3",
        ];
        for ip in yes {
            assert!(is_internet_routable(ip.parse().unwrap()), "{ip}");
        }
        for ip in no {
            assert!(!is_internet_routable(ip.parse().unwrap()), "{ip}");
        }
        assert!(is_internet_routable("100.128.0.1".parse().unwrap()));
    }
}
