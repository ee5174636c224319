//! `check`: configuration AWS accepts but that is wrong or risky, as findings.
//!
//! What AWS refuses outright and what breaks the model's invariants is reported while
//! loading (by the model's builder); this pass looks across resources: peered VPCs,
//! routes and their way back, security group references, exposure to the internet.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{
    Diagnostic, L4Match, NatConnectivity, Network, PeeringStatus, Protocol, RecordType, RouteDest,
    RouteTarget, SgPeer, ZoneKind,
};

use crate::code::Code;
use crate::dns::resolve_name;
use crate::eval::lookup;
use crate::resolve::INTERNET_DESTINATION;
use crate::trace::Component;

fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Every finding, in a stable order.
pub fn check(net: &Network) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in net.missing() {
        out.push(Diagnostic::warning(
            "NOT_EVALUATED",
            format!(
                "{} were not in the input for {}: they were not evaluated, and traces there carry this caveat",
                m.facet.as_str(),
                m.scope
            ),
        ));
    }
    peerings(net, &mut out);
    routes(net, &mut out);
    return_routes(net, &mut out);
    security_groups(net, &mut out);
    exposure(net, &mut out);
    dns(net, &mut out);
    transit_gateways(net, &mut out);
    load_balancing(net, &mut out);
    single_points(net, &mut out);
    out
}

/// Paths that rest on one appliance or one Availability Zone, with the flows they
/// would cut.
fn single_points(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut users_of: std::collections::HashMap<
        vpcnet_model::RouteTableIdx,
        Vec<vpcnet_model::SubnetIdx>,
    > = std::collections::HashMap::new();
    for s in net.subnet_ids() {
        if let Some(rt) = net.effective_route_table(s) {
            users_of.entry(rt).or_default().push(s);
        }
    }
    for rt_idx in net.route_table_ids() {
        let rt = net.route_table(rt_idx);
        let Some(users) = users_of.get(&rt_idx) else {
            continue;
        };
        let names = |subnets: &[vpcnet_model::SubnetIdx]| -> String {
            subnets
                .iter()
                .map(|s| format!("{} ({})", net.subnet(*s).meta.label(), net.subnet(*s).az))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for r in &rt.routes {
            let dest = match &r.destination {
                RouteDest::Cidr(c) => c.to_string(),
                RouteDest::Ipv6(c) => c.to_string(),
                RouteDest::PrefixList(pl) => net.prefix_list(*pl).meta.label(),
            };
            let appliance = match &r.target {
                RouteTarget::Instance(i) => net
                    .instance(*i)
                    .interfaces
                    .first()
                    .map(|e| (net.instance(*i).meta.label(), *e)),
                RouteTarget::Interface(e) => Some((net.interface(*e).meta.label(), *e)),
                _ => None,
            };
            if let Some((label, eni)) = appliance {
                let az = &net.subnet(net.interface(eni).subnet).az;
                out.push(
                    Diagnostic::warning(
                        "SINGLE_APPLIANCE",
                        format!(
                            "route table `{}` sends {dest} to appliance `{label}` in {az} alone: if it fails, traffic to {dest} from {} stops (a route has one target; consider one appliance per AZ with its own route table, or a Gateway Load Balancer)",
                            rt.meta.label(),
                            names(users)
                        ),
                    )
                    .at(r.origin.clone().or(rt.meta.origin.clone())),
                );
            }
            if let RouteTarget::NatGateway(n) = &r.target {
                let nat = net.nat_gateway(*n);
                let nat_az = &net.subnet(nat.subnet).az;
                let elsewhere: Vec<vpcnet_model::SubnetIdx> = users
                    .iter()
                    .copied()
                    .filter(|s| net.subnet(*s).az != *nat_az)
                    .collect();
                if !elsewhere.is_empty() {
                    out.push(
                        Diagnostic::warning(
                            "NAT_GATEWAY_OTHER_AZ",
                            format!(
                                "route table `{}` sends {dest} to NAT gateway `{}` in {nat_az}; subnets in other zones depend on it: if {nat_az} fails, {} lose that path (AWS recommends a NAT gateway per AZ)",
                                rt.meta.label(),
                                nat.meta.label(),
                                names(&elsewhere)
                            ),
                        )
                        .at(r.origin.clone().or(rt.meta.origin.clone())),
                    );
                }
            }
        }
    }
    for tg in net.target_groups() {
        let azs: std::collections::BTreeSet<String> = tg
            .targets
            .iter()
            .filter_map(|t| {
                t.eni
                    .map(|e| net.subnet(net.interface(e).subnet).az.clone())
                    .or_else(|| t.az.clone())
            })
            .collect();
        if tg.targets.len() == 1 || (azs.len() == 1 && !tg.targets.is_empty()) {
            let what = if tg.targets.len() == 1 {
                "one target".to_owned()
            } else {
                format!(
                    "targets in {} only",
                    azs.iter().next().map(String::as_str).unwrap_or("one zone")
                )
            };
            out.push(
                Diagnostic::note(
                    "LB_TARGETS_SINGLE_POINT",
                    format!(
                        "target group `{}` has {what}: one instance or zone failing takes its listeners down",
                        tg.meta.label()
                    ),
                )
                .at(tg.meta.origin.clone()),
            );
        }
    }
}

fn load_balancing(net: &Network, out: &mut Vec<Diagnostic>) {
    for t in net.target_group_ids() {
        let tg = net.target_group(t);
        let used = net
            .load_balancers()
            .iter()
            .flat_map(|l| &l.listeners)
            .any(|l| {
                l.default_target_group == Some(t) || l.rules.iter().any(|r| r.target_group == t)
            });
        if used && tg.targets.is_empty() {
            out.push(
                Diagnostic::warning(
                    "LB_NO_REGISTERED_TARGETS",
                    format!(
                        "target group `{}` is in use but has no registered targets: its listeners' traffic is dropped",
                        tg.meta.label()
                    ),
                )
                .at(tg.meta.origin.clone()),
            );
        }
    }
    for ep in net.vpc_endpoints() {
        if !ep.is_available() {
            out.push(
                Diagnostic::warning(
                    "ENDPOINT_NOT_AVAILABLE",
                    format!(
                        "VPC endpoint `{}` for {} is `{}`: it carries no traffic{}",
                        ep.meta.label(),
                        ep.service_name,
                        ep.state,
                        if ep.state.eq_ignore_ascii_case("pendingAcceptance") {
                            " until the endpoint service accepts it"
                        } else {
                            ""
                        }
                    ),
                )
                .at(ep.meta.origin.clone()),
            );
        }
    }
}

fn transit_gateways(net: &Network, out: &mut Vec<Diagnostic>) {
    for a in net.tgw_attachment_ids() {
        let att = net.tgw_attachment(a);
        if att.association.is_none() {
            out.push(
                Diagnostic::warning(
                    "TGW_ATTACHMENT_NOT_ASSOCIATED",
                    format!(
                        "transit gateway attachment `{}` is associated with no route table: traffic coming in through it is dropped",
                        att.meta.label()
                    ),
                )
                .at(att.meta.origin.clone()),
            );
        }
        if !att.is_available() {
            out.push(
                Diagnostic::warning(
                    "TGW_ATTACHMENT_NOT_AVAILABLE",
                    format!(
                        "transit gateway attachment `{}` is `{}`: it carries no traffic",
                        att.meta.label(),
                        att.state
                    ),
                )
                .at(att.meta.origin.clone()),
            );
        }
    }
    // Routes to a transit gateway from subnets it cannot serve.
    for s in net.subnet_ids() {
        let Some(rt) = net.effective_route_table(s) else {
            continue;
        };
        let vpc = net.vpc_of_subnet(s);
        let mut seen: Vec<&str> = Vec::new();
        for r in &net.route_table(rt).routes {
            let RouteTarget::TransitGateway(id) = &r.target else {
                continue;
            };
            let Some(tgw) = net.by_id_as::<vpcnet_model::TgwIdx>(id) else {
                continue;
            };
            if seen.contains(&id.as_str()) {
                continue;
            }
            seen.push(id);
            let subnet = net.subnet(s);
            let problem = match net.tgw_attachment_in_vpc(tgw, vpc) {
                None => Some((
                    "TGW_NO_ATTACHMENT_IN_VPC",
                    format!(
                        "route table `{}` sends traffic to transit gateway `{id}`, which has no attachment to VPC `{}`",
                        net.route_table(rt).meta.label(),
                        net.vpc(vpc).meta.label()
                    ),
                )),
                Some(a) => match &net.tgw_attachment(a).kind {
                    vpcnet_model::TgwAttachmentKind::Vpc { subnets, .. }
                        if !subnets.iter().any(|x| net.subnet(*x).az == subnet.az) =>
                    {
                        Some((
                            "TGW_AZ_NOT_COVERED",
                            format!(
                                "subnet `{}` in {} routes to transit gateway `{id}`, but attachment `{}` has no subnet in {}: its traffic is dropped",
                                subnet.meta.label(),
                                subnet.az,
                                net.tgw_attachment(a).meta.label(),
                                subnet.az
                            ),
                        ))
                    }
                    _ => None,
                },
            };
            if let Some((code, msg)) = problem {
                out.push(Diagnostic::warning(code, msg).at(subnet.meta.origin.clone()));
            }
        }
    }
}

fn dns(net: &Network, out: &mut Vec<Diagnostic>) {
    let interfaces_known = !net
        .missing()
        .iter()
        .any(|m| m.facet == vpcnet_model::Facet::Interfaces);
    for z in net.zone_ids() {
        let zone = net.hosted_zone(z);
        let label = format!(
            "{} zone `{}` ({})",
            zone.kind.as_str(),
            zone.zone_name,
            zone.meta.id
        );
        if zone.kind == ZoneKind::Private {
            if zone.vpcs.is_empty() && zone.foreign_vpcs.is_empty() {
                out.push(
                    Diagnostic::warning(
                        "DNS_ZONE_WITHOUT_VPC",
                        format!("{label} is associated with no VPC: nothing can resolve its names"),
                    )
                    .at(zone.meta.origin.clone()),
                );
            }
            for v in &zone.vpcs {
                let vpc = net.vpc(*v);
                if !(vpc.dns_support && vpc.dns_hostnames) {
                    out.push(
                        Diagnostic::warning(
                            "DNS_ZONE_UNUSABLE",
                            format!(
                                "{label} is associated with VPC `{}`, whose enableDnsSupport/enableDnsHostnames are {}/{}: private zones need both on, so the VPC does not see this zone",
                                vpc.meta.label(),
                                vpc.dns_support,
                                vpc.dns_hostnames
                            ),
                        )
                        .at(zone.meta.origin.clone()),
                    );
                }
            }
            shadowed_public_names(net, z, &label, out);
        }
        for r in &zone.records {
            if r.rtype == RecordType::Cname {
                let asker = zone.vpcs.first().copied();
                let res = resolve_name(net, asker, &r.name, RecordType::A);
                if res
                    .failure
                    .as_ref()
                    .is_some_and(|f| f.code == Code::DnsCnameLoop)
                {
                    out.push(
                        Diagnostic::warning(
                            "DNS_CNAME_LOOP",
                            format!("CNAME `{}` in {label} leads back to itself: {}", r.name, {
                                let mut chain: Vec<&str> =
                                    res.steps.iter().map(|s| s.name.as_str()).collect();
                                chain.dedup();
                                chain.join(" -> ")
                            }),
                        )
                        .at(r.origin.clone()),
                    );
                }
            }
            if !interfaces_known || r.rtype != RecordType::A || r.alias.is_some() {
                continue;
            }
            for a in r.addresses() {
                let std::net::IpAddr::V4(ip) = a else {
                    continue;
                };
                let in_vpcs: Vec<_> = net
                    .vpc_ids()
                    .filter(|v| net.vpc(*v).described && net.vpc(*v).contains(ip))
                    .collect();
                if !in_vpcs.is_empty()
                    && in_vpcs
                        .iter()
                        .all(|v| net.eni_by_private_ip(*v, ip).is_none())
                {
                    out.push(
                        Diagnostic::warning(
                            "DNS_RECORD_ADDRESS_UNOWNED",
                            format!(
                                "A record `{}` in {label} points at {ip}, in VPC `{}`, but no network interface there has that address",
                                r.name,
                                net.vpc(in_vpcs[0]).meta.label()
                            ),
                        )
                        .at(r.origin.clone()),
                    );
                }
            }
        }
    }
}

/// Public names under a private zone's domain that the private zone lacks: from the
/// associated VPCs they are NXDOMAIN.
fn shadowed_public_names(
    net: &Network,
    z: vpcnet_model::ZoneIdx,
    label: &str,
    out: &mut Vec<Diagnostic>,
) {
    let zone = net.hosted_zone(z);
    if zone.vpcs.is_empty() {
        return;
    }
    let mut lost: Vec<&str> = Vec::new();
    for p in net.zone_ids() {
        let public = net.hosted_zone(p);
        if public.kind != ZoneKind::Public {
            continue;
        }
        for r in &public.records {
            if !zone.covers(&r.name) || lost.contains(&r.name.as_str()) {
                continue;
            }
            let res = resolve_name(net, Some(zone.vpcs[0]), &r.name, r.rtype.clone());
            let from_private = res.failure.as_ref().is_some_and(|f| {
                matches!(f.code, Code::DnsNameNotFound | Code::DnsNoRecordOfType)
                    && f.component == Component::Resource(z.into())
            });
            if from_private {
                lost.push(&r.name);
            }
        }
    }
    if !lost.is_empty() {
        let shown: Vec<&str> = lost.iter().take(5).copied().collect();
        let more = if lost.len() > 5 {
            format!(" and {} more", lost.len() - 5)
        } else {
            String::new()
        };
        out.push(
            Diagnostic::warning(
                "DNS_PRIVATE_ZONE_SHADOWS_PUBLIC",
                format!(
                    "{label} hides public names it does not hold from its VPCs (a private zone does not fall back to public DNS): {}{more}",
                    shown.join(", ")
                ),
            )
            .at(zone.meta.origin.clone()),
        );
    }
}

fn peerings(net: &Network, out: &mut Vec<Diagnostic>) {
    for p in net.peering_ids() {
        let peering = net.peering(p);
        let (a, b) = (net.vpc(peering.requester), net.vpc(peering.accepter));
        for ca in &a.cidrs {
            for cb in &b.cidrs {
                if overlaps(*ca, *cb) {
                    out.push(
                        Diagnostic::error(
                            "PEERED_CIDR_OVERLAP",
                            format!(
                                "peering connection `{}` joins VPCs with overlapping CIDRs: `{ca}` in `{}` and `{cb}` in `{}`; AWS does not allow it",
                                peering.meta.label(),
                                a.meta.label(),
                                b.meta.label()
                            ),
                        )
                        .at(peering.meta.origin.clone()),
                    );
                }
            }
        }
    }
}

fn routes(net: &Network, out: &mut Vec<Diagnostic>) {
    for rt_idx in net.route_table_ids() {
        let rt = net.route_table(rt_idx);
        for r in &rt.routes {
            let dest = match &r.destination {
                RouteDest::Cidr(c) => c.to_string(),
                RouteDest::Ipv6(c) => c.to_string(),
                RouteDest::PrefixList(pl) => net.prefix_list(*pl).meta.label(),
            };
            if !r.active {
                out.push(
                    Diagnostic::warning(
                        "ROUTE_BLACKHOLE",
                        format!(
                            "route `{dest}` in route table `{}` is a blackhole: its target no longer exists",
                            rt.meta.label()
                        ),
                    )
                    .at(r.origin.clone()),
                );
            }
            match &r.target {
                RouteTarget::Peering(p) => {
                    let peering = net.peering(*p);
                    if peering.status != PeeringStatus::Active {
                        out.push(
                            Diagnostic::warning(
                                "ROUTE_TO_INACTIVE_PEERING",
                                format!(
                                    "route `{dest}` in route table `{}` uses peering connection `{}`, which is `{}`: traffic is dropped",
                                    rt.meta.label(),
                                    peering.meta.label(),
                                    peering.status.as_str()
                                ),
                            )
                            .at(r.origin.clone()),
                        );
                    }
                    let Some(peer) = peering.other_side(rt.vpc) else {
                        continue;
                    };
                    let peer_vpc = net.vpc(peer);
                    for (cidr, _) in net.route_cidrs(r) {
                        if peer_vpc.cidrs.iter().any(|c| c.contains(&cidr)) {
                            continue;
                        }
                        let blocks: Vec<String> =
                            peer_vpc.cidrs.iter().map(|c| c.to_string()).collect();
                        out.push(
                            Diagnostic::warning(
                                "ROUTE_OUTSIDE_PEER_CIDR",
                                format!(
                                    "route `{cidr}` in route table `{}` goes over peering connection `{}`, but peer VPC `{}` holds only {}: packets for other addresses are dropped (peering is not transitive)",
                                    rt.meta.label(),
                                    peering.meta.label(),
                                    peer_vpc.meta.label(),
                                    blocks.join(", ")
                                ),
                            )
                            .at(r.origin.clone()),
                        );
                    }
                }
                RouteTarget::Interface(_) | RouteTarget::Instance(_) => {
                    let eni = match &r.target {
                        RouteTarget::Interface(e) => Some(*e),
                        RouteTarget::Instance(i) => net.instance(*i).interfaces.first().copied(),
                        _ => None,
                    };
                    if let Some(e) = eni.filter(|e| net.interface(*e).source_dest_check) {
                        out.push(
                            Diagnostic::warning(
                                "ROUTE_TO_SOURCE_DEST_CHECKED",
                                format!(
                                    "route `{dest}` in route table `{}` sends to `{}`, whose source/destination check is enabled: it will drop the traffic",
                                    rt.meta.label(),
                                    net.interface(e).meta.label()
                                ),
                            )
                            .at(r.origin.clone()),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// For each subnet that routes toward a peer over a peering, do the peer's subnets that
/// the route covers route back over the same peering?
fn return_routes(net: &Network, out: &mut Vec<Diagnostic>) {
    let mut reported: Vec<(usize, usize, usize)> = Vec::new();
    for s in net.subnet_ids() {
        let Some(rt_idx) = net.effective_route_table(s) else {
            continue;
        };
        let rt = net.route_table(rt_idx);
        let here = net.subnet(s);
        for r in &rt.routes {
            let RouteTarget::Peering(p) = r.target else {
                continue;
            };
            let peering = net.peering(p);
            if peering.status != PeeringStatus::Active {
                continue;
            }
            let Some(peer) = peering.other_side(here.vpc) else {
                continue;
            };
            for (cidr, _) in net.route_cidrs(r) {
                for t in net.subnet_ids() {
                    let there = net.subnet(t);
                    if there.vpc != peer || !overlaps(there.cidr, cidr) {
                        continue;
                    }
                    let Some(back_idx) = net.effective_route_table(t) else {
                        continue;
                    };
                    let key = (rt_idx.index(), back_idx.index(), p.index());
                    if reported.contains(&key) {
                        continue;
                    }
                    let back = net.route_table(back_idx);
                    let ok = lookup(net, back, here.cidr.network())
                        .is_some_and(|(br, _)| br.target == RouteTarget::Peering(p) && br.active);
                    if !ok {
                        reported.push(key);
                        out.push(
                            Diagnostic::warning(
                                "MISSING_RETURN_ROUTE",
                                format!(
                                    "route table `{}` sends `{cidr}` over peering connection `{}`, but route table `{}` of subnet `{}` in `{}` has no route back to `{}` (subnet `{}`) over it: replies are lost",
                                    rt.meta.label(),
                                    peering.meta.label(),
                                    back.meta.label(),
                                    there.meta.label(),
                                    net.vpc(peer).meta.label(),
                                    here.cidr,
                                    here.meta.label()
                                ),
                            )
                            .at(r.origin.clone()),
                        );
                    }
                }
            }
        }
    }
}

fn security_groups(net: &Network, out: &mut Vec<Diagnostic>) {
    for g in net.sg_ids() {
        let sg = net.security_group(g);
        for (dir, rules) in [("inbound", &sg.ingress), ("outbound", &sg.egress)] {
            for (i, rule) in rules.iter().enumerate() {
                if let SgPeer::Group(other) = rule.peer {
                    let o = net.security_group(other);
                    if o.vpc != sg.vpc {
                        let peered = net.peerings_of(sg.vpc).iter().any(|p| {
                            let p = net.peering(*p);
                            p.status == PeeringStatus::Active && p.other_side(sg.vpc) == Some(o.vpc)
                        });
                        let (a, b) = (net.vpc(sg.vpc), net.vpc(o.vpc));
                        let problem = if !peered {
                            Some((
                                "SG_REFERENCE_NOT_PEERED",
                                format!(
                                    "VPC `{}` is not peered with `{}`",
                                    a.meta.label(),
                                    b.meta.label()
                                ),
                            ))
                        } else if a.region != b.region {
                            Some(("SG_REFERENCE_CROSS_REGION", format!("`{}` is in {} and `{}` in {}; references across a peering work only within one region", a.meta.label(), a.region, b.meta.label(), b.region)))
                        } else {
                            None
                        };
                        if let Some((code, why)) = problem {
                            out.push(
                                Diagnostic::error(
                                    code,
                                    format!(
                                        "{dir} rule #{} of security group `{}` references group `{}` of another VPC, which AWS refuses: {why}",
                                        i + 1,
                                        sg.meta.label(),
                                        o.meta.label()
                                    ),
                                )
                                .at(rule.origin.clone().or(sg.meta.origin.clone())),
                            );
                        }
                    }
                }
                if dir == "inbound" {
                    if let SgPeer::Cidr(c) = rule.peer {
                        if c.prefix_len() == 0 {
                            let admin = [22u16, 3389].into_iter().find(|p| {
                                match (rule.protocol, rule.l4) {
                                    (Protocol::All, _) => true,
                                    (Protocol::Number(6), L4Match::Ports(r)) => r.contains(*p),
                                    _ => false,
                                }
                            });
                            if let Some(port) = admin {
                                out.push(
                                    Diagnostic::warning(
                                        "SG_ADMIN_PORT_OPEN_TO_WORLD",
                                        format!(
                                            "inbound rule #{} of security group `{}` opens port {port} to `0.0.0.0/0`",
                                            i + 1,
                                            sg.meta.label()
                                        ),
                                    )
                                    .at(rule.origin.clone().or(sg.meta.origin.clone())),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

fn routes_to_igw(net: &Network, subnet: vpcnet_model::SubnetIdx, dst: Ipv4Addr) -> bool {
    net.effective_route_table(subnet)
        .and_then(|rt| {
            lookup(net, net.route_table(rt), dst)
                .map(|(r, _)| matches!(r.target, RouteTarget::InternetGateway(_)) && r.active)
        })
        .unwrap_or(false)
}

fn exposure(net: &Network, out: &mut Vec<Diagnostic>) {
    for n in net.nat_ids() {
        let nat = net.nat_gateway(n);
        if nat.connectivity == NatConnectivity::Public
            && !routes_to_igw(net, nat.subnet, INTERNET_DESTINATION)
        {
            out.push(
                Diagnostic::warning(
                    "NAT_WITHOUT_INTERNET_ROUTE",
                    format!(
                        "public NAT gateway `{}` is in subnet `{}`, whose route table does not send internet traffic to an internet gateway",
                        nat.meta.label(),
                        net.subnet(nat.subnet).meta.label()
                    ),
                )
                .at(nat.meta.origin.clone()),
            );
        }
    }
    for e in net.eni_ids() {
        let eni = net.interface(e);
        if net.nat_of_eni(e).is_some() {
            continue;
        }
        if eni.private_ips.iter().any(|p| p.public.is_some())
            && !routes_to_igw(net, eni.subnet, INTERNET_DESTINATION)
        {
            out.push(
                Diagnostic::warning(
                    "PUBLIC_IP_WITHOUT_INTERNET_ROUTE",
                    format!(
                        "`{}` has a public IP, but subnet `{}` does not route internet traffic to an internet gateway: the address cannot be used",
                        eni.meta.label(),
                        net.subnet(eni.subnet).meta.label()
                    ),
                )
                .at(eni.meta.origin.clone()),
            );
        }
    }
}
