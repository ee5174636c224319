//! Model to spec: any loaded network (an AWS snapshot, a Terraform plan) written as the
//! equivalent YAML spec, which loads back to the same network.
//!
//! References are written as ids (ids are unique across a network, and the loader
//! resolves ids wherever it resolves names). Defaults are written out explicitly
//! (`main: true`, `default: true`, the `local` routes, empty egress lists) so that the
//! loader adds nothing of its own.

use std::collections::HashSet;

use vpcnet_model::{
    EniIdx, Forwarding, InterfaceOwner, L4Match, Meta, NatConnectivity, Network, PortRange,
    Protocol, RecordSet, RouteDest, RouteTarget, Routing, RuleAction, SgIdx, SgPeer, SgRule,
    TargetType, TgwAttachmentKind, TgwIdx, TgwRouteKind, TgwRouteTarget, VpcIdx,
};

use crate::lenient::Lenient;
use crate::raw::*;

/// The spec of a whole network.
pub fn from_network(net: &Network) -> Spec {
    let mut vpc_names = Names::default();
    let names: Vec<String> = net
        .vpc_ids()
        .map(|v| vpc_names.pick(&net.vpc(v).meta))
        .collect();
    Spec {
        schema: None,
        description: None,
        defaults: None,
        accounts: net
            .accounts()
            .iter()
            .map(|a| {
                AccountSpec {
                    id: AccountId::Text(a.id.clone()),
                    name: a.name.clone(),
                }
                .into()
            })
            .collect(),
        prefix_lists: net
            .prefix_lists()
            .iter()
            .map(|pl| {
                PrefixListSpec {
                    name: pl.list_name.clone(),
                    id: Some(pl.meta.id.clone()),
                    cidrs: pl.cidrs.iter().map(|c| c.to_string()).collect(),
                    tags: tags(&pl.meta),
                }
                .into()
            })
            .collect(),
        vpcs: net
            .vpc_ids()
            .map(|v| vpc(net, v, &names[v.index()]).into())
            .collect(),
        peerings: net
            .peerings()
            .iter()
            .map(|p| {
                PeeringSpec {
                    name: p.meta.name.clone().unwrap_or_else(|| p.meta.id.clone()),
                    id: Some(p.meta.id.clone()),
                    requester: net.vpc(p.requester).meta.id.clone(),
                    accepter: net.vpc(p.accepter).meta.id.clone(),
                    status: Some(p.status.as_str().to_owned()),
                    requester_dns_resolution: p.requester_dns_resolution,
                    accepter_dns_resolution: p.accepter_dns_resolution,
                    tags: tags(&p.meta),
                }
                .into()
            })
            .collect(),
        endpoint_services: net
            .endpoint_services()
            .iter()
            .map(|svc| {
                EndpointServiceSpec {
                    name: svc.meta.name.clone().unwrap_or_else(|| svc.meta.id.clone()),
                    id: Some(svc.meta.id.clone()),
                    service_name: Some(svc.service_name.clone()),
                    account: Some(AccountId::Text(svc.account.clone())),
                    region: Some(svc.region.clone()),
                    load_balancers: svc
                        .load_balancers
                        .iter()
                        .map(|l| net.load_balancer(*l).meta.id.clone())
                        .collect(),
                    acceptance_required: svc.acceptance_required,
                    allowed_principals: svc.allowed_principals.clone(),
                    supported_regions: svc.supported_regions.clone(),
                    tags: tags(&svc.meta),
                }
                .into()
            })
            .collect(),
        transit_gateways: net
            .tgw_ids()
            .map(|t| transit_gateway(net, t).into())
            .collect(),
        dns: dns(net),
        tailnet: tailnet(net),
        flow_logs: net
            .flow_logs()
            .iter()
            .map(|f| {
                FlowLogSpec {
                    name: f.meta.name.clone().unwrap_or_else(|| f.meta.id.clone()),
                    id: Some(f.meta.id.clone()),
                    resource: net.meta(f.resource).id.clone(),
                    traffic: Some(f.traffic.as_str().to_owned()),
                    destination: f.destination.clone(),
                    format: f.format.clone(),
                }
                .into()
            })
            .collect(),
    }
}

fn tailnet(net: &Network) -> Option<TailnetSpec> {
    let t = net.tailnet()?;
    let nodes = net
        .tailnet_nodes()
        .iter()
        .map(|n| {
            TailnetNodeSpec {
                name: n.meta.name.clone().unwrap_or_else(|| n.meta.id.clone()),
                id: Some(n.meta.id.clone()),
                fqdn: n.fqdn.clone(),
                address: n.addrs.first().map(ToString::to_string).unwrap_or_default(),
                instance: None,
                interface: n.eni.map(|e| {
                    let vpc = net.vpc(net.vpc_of_eni(e));
                    format!("{}/{}", vpc.meta.id, net.interface(e).meta.id)
                }),
                routes: n.routes.iter().map(ToString::to_string).collect(),
                exit_node: n.exit_node,
                uses_exit_node: n.uses_exit_node.clone(),
                accept_routes: n.accept_routes,
                snat: n.snat,
                os: n.os.clone(),
            }
            .into()
        })
        .collect();
    // Never more access than the network has: a policy that cannot be written as
    // address rules is exported as denying everything (`export_losses` says so).
    if !t.policy.allows_all() && t.policy.address_rules().is_none() {
        return Some(TailnetSpec {
            name: t.name.clone(),
            nodes,
            acls: Some(Vec::new()),
        });
    }
    let acls = t.policy.address_rules().map(|rules| {
        rules
            .iter()
            .map(|r| {
                let proto = match r.protocols.as_slice() {
                    [p] => Some(p.to_string()),
                    _ => None,
                };
                TailnetAclSpec {
                    src: r.src.iter().map(ToString::to_string).collect(),
                    dst: r
                        .dst
                        .iter()
                        .map(|(n, p)| {
                            let ports = if *p == PortRange::ALL {
                                "*".to_owned()
                            } else if p.from == p.to {
                                p.from.to_string()
                            } else {
                                format!("{}-{}", p.from, p.to)
                            };
                            format!("{n}:{ports}")
                        })
                        .collect(),
                    proto,
                }
                .into()
            })
            .collect()
    });
    Some(TailnetSpec {
        name: t.name.clone(),
        nodes,
        acls,
    })
}

fn load_balancing(net: &Network, v: VpcIdx, spec: &mut VpcSpec) {
    for tg_idx in net.target_group_ids() {
        let tg = net.target_group(tg_idx);
        if tg.vpc != Some(v) {
            continue;
        }
        spec.target_groups.push(
            TargetGroupSpec {
                name: tg.meta.name.clone().unwrap_or_else(|| tg.meta.id.clone()),
                id: Some(tg.meta.id.clone()),
                target_type: Some(
                    match tg.target_type {
                        TargetType::Instance => "instance",
                        TargetType::Ip => "ip",
                        TargetType::Alb => "alb",
                        TargetType::Lambda => "lambda",
                    }
                    .to_owned(),
                ),
                protocol: Some(tg.protocol.clone()),
                port: tg.port,
                targets: tg
                    .targets
                    .iter()
                    .map(|t| TargetSpec::Full {
                        target: t
                            .eni
                            .map(|e| net.interface(e).meta.id.clone())
                            .unwrap_or_else(|| t.ip.to_string()),
                        port: t.port,
                        az: t.az.clone(),
                        health: t.health.clone(),
                    })
                    .collect(),
                preserve_client_ip: tg.preserve_client_ip,
                tags: tags(&tg.meta),
            }
            .into(),
        );
    }
    for lb_idx in net.lb_ids() {
        let lb = net.load_balancer(lb_idx);
        if lb.vpc != v {
            continue;
        }
        let tg_id = |t: vpcnet_model::TargetGroupIdx| net.target_group(t).meta.id.clone();
        spec.load_balancers.push(
            LoadBalancerSpec {
                name: lb.meta.name.clone().unwrap_or_else(|| lb.meta.id.clone()),
                id: Some(lb.meta.id.clone()),
                kind: Some(lb.kind.as_str().to_owned()),
                internal: Some(lb.internal),
                interfaces: lb
                    .enis
                    .iter()
                    .map(|e| {
                        let eni = net.interface(*e);
                        LbInterfaceSpec {
                            name: eni.meta.name.clone(),
                            id: Some(eni.meta.id.clone()),
                            subnet: net.subnet(eni.subnet).meta.id.clone(),
                            private_ip: eni.primary_ip().to_string(),
                            public_ip: eni.private_ips[0].public.map(|p| p.to_string()),
                        }
                        .into()
                    })
                    .collect(),
                security_groups: lb
                    .enis
                    .first()
                    .map(|e| {
                        net.interface(*e)
                            .security_groups
                            .iter()
                            .map(|g| net.security_group(*g).meta.id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                cross_zone: Some(lb.cross_zone),
                dns_name: lb.dns_name.clone(),
                state: Some(lb.state.clone()),
                listeners: lb
                    .listeners
                    .iter()
                    .map(|l| {
                        ListenerSpec {
                            protocol: l.protocol.clone(),
                            port: l.port,
                            target_group: l.default_target_group.map(tg_id),
                            rules: l
                                .rules
                                .iter()
                                .map(|r| ListenerRuleSpec {
                                    priority: r.priority,
                                    hosts: r.hosts.clone(),
                                    paths: r.paths.clone(),
                                    target_group: tg_id(r.target_group),
                                })
                                .collect(),
                        }
                        .into()
                    })
                    .collect(),
                tags: tags(&lb.meta),
            }
            .into(),
        );
    }
}

fn transit_gateway(net: &Network, t: TgwIdx) -> TransitGatewaySpec {
    let tgw = net.transit_gateway(t);
    let route_tables = net
        .tgw_route_table_ids()
        .filter(|r| net.tgw_route_table(*r).tgw == t)
        .map(|r| {
            let table = net.tgw_route_table(r);
            TgwRouteTableSpec {
                name: table
                    .meta
                    .name
                    .clone()
                    .unwrap_or_else(|| table.meta.id.clone()),
                id: Some(table.meta.id.clone()),
                routes: table
                    .routes
                    .iter()
                    .map(|route| {
                        let (attachment, blackhole) = match route.target {
                            TgwRouteTarget::Attachment(a) => {
                                (Some(net.tgw_attachment(a).meta.id.clone()), false)
                            }
                            TgwRouteTarget::Blackhole => (None, true),
                        };
                        TgwRouteSpec {
                            destination: route.destination.to_string(),
                            attachment,
                            blackhole,
                            kind: (route.kind == TgwRouteKind::Propagated)
                                .then(|| "propagated".to_owned()),
                        }
                        .into()
                    })
                    .collect(),
                propagations: table
                    .propagations
                    .iter()
                    .map(|a| net.tgw_attachment(*a).meta.id.clone())
                    .collect(),
                tags: tags(&table.meta),
            }
            .into()
        })
        .collect();
    let attachments = net
        .tgw_attachment_ids()
        .filter(|a| net.tgw_attachment(*a).tgw == t)
        .map(|a| {
            let att = net.tgw_attachment(a);
            let mut spec = TgwAttachmentSpec {
                name: att.meta.name.clone().unwrap_or_else(|| att.meta.id.clone()),
                id: Some(att.meta.id.clone()),
                route_table: att
                    .association
                    .map(|r| net.tgw_route_table(r).meta.id.clone()),
                state: Some(att.state.clone()),
                tags: tags(&att.meta),
                ..TgwAttachmentSpec::default()
            };
            match &att.kind {
                TgwAttachmentKind::Vpc {
                    vpc,
                    subnets,
                    appliance_mode,
                } => {
                    spec.vpc = Some(net.vpc(*vpc).meta.id.clone());
                    spec.subnets = subnets
                        .iter()
                        .map(|s| net.subnet(*s).meta.id.clone())
                        .collect();
                    spec.appliance_mode = *appliance_mode;
                }
                TgwAttachmentKind::Peering {
                    peer,
                    peer_id,
                    peer_association,
                } => {
                    spec.peer = Some(match peer {
                        Some(p) => net.transit_gateway(*p).meta.id.clone(),
                        None => peer_id.clone(),
                    });
                    spec.peer_route_table =
                        peer_association.map(|r| net.tgw_route_table(r).meta.id.clone());
                }
                TgwAttachmentKind::Vpn { site, cidrs } => {
                    spec.vpn = Some(VpnSiteSpec {
                        site: site.clone(),
                        cidrs: cidrs.iter().map(ToString::to_string).collect(),
                    });
                }
                TgwAttachmentKind::Other { kind } => spec.other = Some(kind.clone()),
            }
            spec.into()
        })
        .collect();
    TransitGatewaySpec {
        name: tgw.meta.name.clone().unwrap_or_else(|| tgw.meta.id.clone()),
        id: Some(tgw.meta.id.clone()),
        account: Some(AccountId::Text(tgw.account.clone())),
        region: Some(tgw.region.clone()),
        route_tables,
        attachments,
        tags: tags(&tgw.meta),
    }
}

fn dns(net: &Network) -> DnsSpec {
    let zones = net
        .hosted_zones()
        .iter()
        .map(|z| {
            ZoneSpec {
                name: z.zone_name.clone(),
                id: Some(z.meta.id.clone()),
                kind: Some(z.kind.as_str().to_owned()),
                account: z.account.clone().map(AccountId::Text),
                vpcs: z
                    .vpcs
                    .iter()
                    .map(|v| net.vpc(*v).meta.id.clone())
                    .chain(z.foreign_vpcs.iter().cloned())
                    .collect(),
                records: z.records.iter().map(|r| record(r).into()).collect(),
                tags: tags(&z.meta),
            }
            .into()
        })
        .collect();
    let resolver_rules = net
        .resolver_rules()
        .iter()
        .map(|r| {
            ResolverRuleSpec {
                name: r.meta.name.clone().unwrap_or_else(|| r.meta.id.clone()),
                id: Some(r.meta.id.clone()),
                domain: r.domain.clone(),
                kind: Some(r.kind.as_str().to_owned()),
                targets: r
                    .targets
                    .iter()
                    .map(|(ip, port)| std::net::SocketAddr::new(*ip, *port).to_string())
                    .collect(),
                vpcs: r.vpcs.iter().map(|v| net.vpc(*v).meta.id.clone()).collect(),
                tags: tags(&r.meta),
            }
            .into()
        })
        .collect();
    DnsSpec {
        zones,
        resolver_rules,
    }
}

fn record(r: &RecordSet) -> RecordSpec {
    let mut spec = RecordSpec {
        // Absolute, with the final dot, so it is never read as relative.
        name: format!("{}.", r.name),
        rtype: r.rtype.as_str().to_owned(),
        values: (!r.values.is_empty()).then(|| OneOrMany::Many(r.values.clone())),
        alias: r.alias.as_ref().map(|a| a.target.clone()),
        ttl: r.ttl,
        set_id: r.set_id.clone(),
        ..RecordSpec::default()
    };
    match &r.routing {
        Routing::Simple => {}
        Routing::Weighted { weight } => spec.weight = Some(*weight),
        Routing::Latency { region } => spec.region = Some(region.clone()),
        Routing::Failover { primary } => {
            spec.failover = Some(if *primary { "primary" } else { "secondary" }.to_owned())
        }
        Routing::Other { policy } => spec.routing = Some(policy.clone()),
    }
    spec
}

/// What the spec of `net` cannot hold, as warnings for the person exporting it.
pub fn export_losses(net: &Network) -> Vec<vpcnet_model::Diagnostic> {
    let mut out = Vec::new();
    if let Some(t) = net.tailnet() {
        if !t.policy.allows_all() && t.policy.address_rules().is_none() {
            out.push(vpcnet_model::Diagnostic::warning(
                "NOT_EXPORTABLE",
                format!(
                    "the policy of tailnet `{}` cannot be written as address rules: the spec denies all mesh traffic; give the policy file alongside it",
                    t.name
                ),
            ));
        }
    }
    out
}

/// Unique names within a scope: the `Name` tag when free, else the id.
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    fn pick(&mut self, meta: &Meta) -> String {
        let name = meta.name.clone().unwrap_or_else(|| meta.id.clone());
        let chosen = if self.0.contains(&name) {
            meta.id.clone()
        } else {
            name
        };
        self.0.insert(chosen.clone());
        chosen
    }
}

fn tags(meta: &Meta) -> Tags {
    meta.tags
        .iter()
        .filter(|(k, _)| k != "Name")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn vpc(net: &Network, v: VpcIdx, name: &str) -> VpcSpec {
    let vpc = net.vpc(v);
    let mut spec = VpcSpec {
        name: name.to_owned(),
        id: Some(vpc.meta.id.clone()),
        account: Some(AccountId::Text(vpc.account.clone())),
        region: Some(vpc.region.clone()),
        cidr: None,
        cidrs: vpc.cidrs.iter().map(|c| c.to_string()).collect(),
        ipv6_cidrs: vpc.ipv6_cidrs.iter().map(|c| c.to_string()).collect(),
        external: !vpc.described,
        dns_support: Some(vpc.dns_support),
        dns_hostnames: Some(vpc.dns_hostnames),
        tags: tags(&vpc.meta),
        ..VpcSpec::default()
    };
    if let Some(g) = net.igw_of(v) {
        let igw = net.internet_gateway(g);
        spec.internet_gateway = Some(NamedSpec::Full {
            name: igw.meta.name.clone().unwrap_or_else(|| igw.meta.id.clone()),
            id: Some(igw.meta.id.clone()),
            tags: tags(&igw.meta),
        });
    }
    let mut names = Names::default();
    for rt_idx in net.route_table_ids() {
        let rt = net.route_table(rt_idx);
        if rt.vpc != v {
            continue;
        }
        // A gateway endpoint writes its own routes back when the spec loads.
        let endpoint_route = |r: &&vpcnet_model::Route| match (&r.target, &r.destination) {
            (RouteTarget::VpcEndpoint(id), RouteDest::PrefixList(pl)) => net
                .by_id_as::<vpcnet_model::VpcEndpointIdx>(id)
                .is_some_and(|e| {
                    let ep = net.vpc_endpoint(e);
                    ep.route_tables.contains(&rt_idx) && ep.prefix_list == Some(*pl)
                }),
            _ => false,
        };
        let routes = rt
            .routes
            .iter()
            .filter(|r| !endpoint_route(r))
            .map(|r| {
                let mut s = RouteSpec {
                    state: (!r.active).then(|| "blackhole".to_owned()),
                    ..RouteSpec::default()
                };
                match &r.destination {
                    RouteDest::Cidr(c) => s.destination = Some(c.to_string()),
                    RouteDest::Ipv6(c) => s.destination = Some(c.to_string()),
                    RouteDest::PrefixList(pl) => {
                        s.prefix_list = Some(net.prefix_list(*pl).meta.id.clone())
                    }
                }
                match &r.target {
                    RouteTarget::Local => s.local = true,
                    RouteTarget::InternetGateway(g) => {
                        s.internet_gateway =
                            Some(NameOrTrue::Name(net.internet_gateway(*g).meta.id.clone()))
                    }
                    RouteTarget::NatGateway(n) => {
                        s.nat_gateway = Some(net.nat_gateway(*n).meta.id.clone())
                    }
                    RouteTarget::Peering(p) => s.peering = Some(net.peering(*p).meta.id.clone()),
                    RouteTarget::Interface(e) => {
                        s.network_interface = Some(net.interface(*e).meta.id.clone())
                    }
                    RouteTarget::Instance(i) => s.instance = Some(net.instance(*i).meta.id.clone()),
                    RouteTarget::TransitGateway(id) => s.transit_gateway = Some(id.clone()),
                    RouteTarget::VpcEndpoint(id) => s.vpc_endpoint = Some(id.clone()),
                    RouteTarget::VpnGateway(id) => s.vpn_gateway = Some(id.clone()),
                    RouteTarget::Other(_, _) | RouteTarget::Blackhole => s.blackhole = true,
                }
                Lenient::Ok(s)
            })
            .collect();
        spec.route_tables.push(
            RouteTableSpec {
                name: names.pick(&rt.meta),
                id: Some(rt.meta.id.clone()),
                main: vpc.main_route_table == Some(rt_idx),
                tags: tags(&rt.meta),
                routes,
            }
            .into(),
        );
    }
    let mut names = Names::default();
    for a in net.nacl_ids() {
        let acl = net.network_acl(a);
        if acl.vpc != v {
            continue;
        }
        let entries = |list: &[vpcnet_model::NaclEntry]| -> Vec<Lenient<NaclEntrySpec>> {
            list.iter()
                .map(|e| {
                    let (protocol, ports, icmp_type, icmp_code) = l4(e.protocol, &e.l4);
                    NaclEntrySpec {
                        rule: u32::from(e.rule_number),
                        action: match e.action {
                            RuleAction::Allow => "allow".to_owned(),
                            RuleAction::Deny => "deny".to_owned(),
                        },
                        protocol,
                        ports,
                        icmp_type,
                        icmp_code,
                        cidr: e.cidr.to_string(),
                    }
                    .into()
                })
                .collect()
        };
        spec.network_acls.push(
            NetworkAclSpec {
                name: names.pick(&acl.meta),
                id: Some(acl.meta.id.clone()),
                default: vpc.default_nacl == Some(a),
                tags: tags(&acl.meta),
                ingress: entries(&acl.ingress),
                egress: entries(&acl.egress),
            }
            .into(),
        );
    }
    for g in net.sg_ids() {
        let sg = net.security_group(g);
        if sg.vpc != v {
            continue;
        }
        let rules = |list: &[SgRule]| -> Vec<Lenient<SgRuleSpec>> {
            list.iter().map(|r| sg_rule(net, g, r).into()).collect()
        };
        spec.security_groups.push(
            SecurityGroupSpec {
                // Group names are unique per VPC in AWS; the id keeps the rest apart.
                name: sg.group_name.clone(),
                id: Some(sg.meta.id.clone()),
                description: None,
                tags: tags(&sg.meta),
                ingress: rules(&sg.ingress),
                egress: Some(rules(&sg.egress)),
            }
            .into(),
        );
    }
    let mut names = Names::default();
    for s in net.subnet_ids() {
        let subnet = net.subnet(s);
        if subnet.vpc != v {
            continue;
        }
        spec.subnets.push(
            SubnetSpec {
                name: names.pick(&subnet.meta),
                id: Some(subnet.meta.id.clone()),
                cidr: subnet.cidr.to_string(),
                ipv6_cidr: subnet.ipv6_cidr.map(|c| c.to_string()),
                az: Some(subnet.az.clone()),
                route_table: subnet
                    .route_table
                    .map(|r| net.route_table(r).meta.id.clone()),
                network_acl: subnet.nacl.map(|a| net.network_acl(a).meta.id.clone()),
                tags: tags(&subnet.meta),
            }
            .into(),
        );
    }
    let mut names = Names::default();
    for n in net.nat_ids() {
        let nat = net.nat_gateway(n);
        if net.vpc_of_subnet(nat.subnet) != v {
            continue;
        }
        let eni = net.interface(nat.eni);
        spec.nat_gateways.push(
            NatGatewaySpec {
                name: names.pick(&nat.meta),
                id: Some(nat.meta.id.clone()),
                subnet: net.subnet(nat.subnet).meta.id.clone(),
                connectivity: Some(
                    match nat.connectivity {
                        NatConnectivity::Public => "public",
                        NatConnectivity::Private => "private",
                    }
                    .to_owned(),
                ),
                private_ip: eni.primary_ip().to_string(),
                public_ip: eni.private_ips[0].public.map(|p| p.to_string()),
                state: Some(nat.state.clone()),
                tags: tags(&nat.meta),
            }
            .into(),
        );
    }
    let mut names = Names::default();
    for i in net.instance_ids() {
        let inst = net.instance(i);
        let Some((&primary, extra)) = inst.interfaces.split_first() else {
            continue;
        };
        if net.vpc_of_eni(primary) != v {
            continue;
        }
        let p = net.interface(primary);
        let f = fields(net, primary);
        spec.instances.push(
            InstanceSpec {
                name: names.pick(&inst.meta),
                id: Some(inst.meta.id.clone()),
                state: Some(inst.state.clone()),
                forwarding: inst.forwarding.map(|f| {
                    match f {
                        Forwarding::Router => "router",
                        Forwarding::Nat => "nat",
                        Forwarding::Proxy => "proxy",
                        Forwarding::Vpn => "vpn",
                    }
                    .to_owned()
                }),
                vpn_tunnels: net
                    .vpn_config(i)
                    .map(|c| {
                        c.tunnels
                            .iter()
                            .map(|t| {
                                let peer = net.instance(t.peer);
                                let vpc = peer
                                    .interfaces
                                    .first()
                                    .map(|e| net.vpc(net.vpc_of_eni(*e)).meta.id.clone());
                                VpnTunnelSpec {
                                    peer: match vpc {
                                        Some(v) => format!("{v}/{}", peer.meta.id),
                                        None => peer.meta.id.clone(),
                                    },
                                    networks: t.networks.iter().map(ToString::to_string).collect(),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                vpn_nat: net.vpn_config(i).is_some_and(|c| c.nat),
                proxy_routes: net
                    .proxy_routes(i)
                    .iter()
                    .map(|r| ProxyRouteSpec {
                        host: r.host.clone(),
                        upstream: r.upstream.clone(),
                        port: r.port,
                    })
                    .collect(),
                tags: tags(&inst.meta),
                interface_id: Some(p.meta.id.clone()),
                subnet: f.subnet,
                private_ip: f.private_ip,
                secondary_ips: f.secondary_ips,
                public_ip: f.public_ip,
                security_groups: f.security_groups,
                source_dest_check: f.source_dest_check,
                extra_interfaces: extra
                    .iter()
                    .map(|e| interface(net, *e, &mut Names::default(), None).into())
                    .collect(),
            }
            .into(),
        );
    }
    let mut names = Names::default();
    for e in net.eni_ids() {
        let eni = net.interface(e);
        if net.vpc_of_eni(e) != v {
            continue;
        }
        if net.endpoint_of_eni(e).is_some() || net.lb_of_eni(e).is_some() {
            continue;
        }
        let owner = match &eni.owner {
            InterfaceOwner::Instance(_) | InterfaceOwner::NatGateway(_) => continue,
            InterfaceOwner::Other(o) => Some(o.clone()),
            InterfaceOwner::None => None,
        };
        spec.interfaces
            .push(interface(net, e, &mut names, owner).into());
    }
    load_balancing(net, v, &mut spec);
    for ep_idx in net.vpc_endpoint_ids() {
        let ep = net.vpc_endpoint(ep_idx);
        if ep.vpc != v {
            continue;
        }
        let sgs = ep.enis.first().map(|e| {
            net.interface(*e)
                .security_groups
                .iter()
                .map(|g| net.security_group(*g).meta.id.clone())
                .collect()
        });
        spec.vpc_endpoints.push(
            VpcEndpointSpec {
                name: ep.meta.name.clone().unwrap_or_else(|| ep.meta.id.clone()),
                id: Some(ep.meta.id.clone()),
                service: ep.service_name.clone(),
                kind: Some(ep.kind.as_str().to_ascii_lowercase()),
                state: Some(ep.state.clone()),
                route_tables: ep
                    .route_tables
                    .iter()
                    .map(|r| net.route_table(*r).meta.id.clone())
                    .collect(),
                prefix_list: ep.prefix_list.map(|p| net.prefix_list(p).meta.id.clone()),
                interfaces: ep
                    .enis
                    .iter()
                    .map(|e| {
                        let eni = net.interface(*e);
                        EndpointInterfaceSpec {
                            name: eni.meta.name.clone(),
                            id: Some(eni.meta.id.clone()),
                            subnet: net.subnet(eni.subnet).meta.id.clone(),
                            private_ip: eni.primary_ip().to_string(),
                        }
                        .into()
                    })
                    .collect(),
                security_groups: sgs,
                private_dns: (ep.kind == vpcnet_model::EndpointKind::Interface)
                    .then_some(ep.private_dns),
                tags: tags(&ep.meta),
            }
            .into(),
        );
    }
    spec
}

fn interface(net: &Network, e: EniIdx, names: &mut Names, owner: Option<String>) -> InterfaceSpec {
    let eni = net.interface(e);
    let f = fields(net, e);
    InterfaceSpec {
        name: names.pick(&eni.meta),
        id: Some(eni.meta.id.clone()),
        owner,
        tags: tags(&eni.meta),
        subnet: f.subnet,
        private_ip: f.private_ip,
        secondary_ips: f.secondary_ips,
        public_ip: f.public_ip,
        security_groups: f.security_groups,
        source_dest_check: f.source_dest_check,
    }
}

struct Fields {
    subnet: String,
    private_ip: String,
    secondary_ips: Vec<String>,
    public_ip: Option<String>,
    security_groups: Option<Vec<String>>,
    source_dest_check: Option<bool>,
}

fn fields(net: &Network, e: EniIdx) -> Fields {
    let eni = net.interface(e);
    Fields {
        subnet: net.subnet(eni.subnet).meta.id.clone(),
        private_ip: eni.primary_ip().to_string(),
        secondary_ips: eni.private_ips[1..]
            .iter()
            .map(|p| p.addr.to_string())
            .collect(),
        public_ip: eni.private_ips[0].public.map(|p| p.to_string()),
        security_groups: Some(
            eni.security_groups
                .iter()
                .map(|g| net.security_group(*g).meta.id.clone())
                .collect(),
        ),
        source_dest_check: Some(eni.source_dest_check),
    }
}

fn l4(
    protocol: Protocol,
    l4: &L4Match,
) -> (ProtoSpec, Option<PortsSpec>, Option<i32>, Option<i32>) {
    let proto = match protocol {
        Protocol::All => ProtoSpec::Name("all".to_owned()),
        Protocol::Number(n) => match vpcnet_model::proto_name(n) {
            Some(name) => ProtoSpec::Name(name.to_owned()),
            None => ProtoSpec::Number(i32::from(n)),
        },
    };
    match l4 {
        L4Match::Any => (proto, None, None, None),
        L4Match::Ports(r) if *r == PortRange::ALL => {
            (proto, Some(PortsSpec::Range("all".to_owned())), None, None)
        }
        L4Match::Ports(r) if r.from == r.to => (
            proto,
            Some(PortsSpec::Single(u32::from(r.from))),
            None,
            None,
        ),
        L4Match::Ports(r) => (
            proto,
            Some(PortsSpec::Range(format!("{}-{}", r.from, r.to))),
            None,
            None,
        ),
        L4Match::Icmp(m) => (
            proto,
            None,
            m.icmp_type.map(i32::from),
            m.code.map(i32::from),
        ),
    }
}

fn sg_rule(net: &Network, this: SgIdx, r: &SgRule) -> SgRuleSpec {
    let (protocol, ports, icmp_type, icmp_code) = l4(r.protocol, &r.l4);
    let mut s = SgRuleSpec {
        protocol: Some(protocol),
        ports,
        icmp_type,
        icmp_code,
        description: r.description.clone(),
        ..SgRuleSpec::default()
    };
    match &r.peer {
        SgPeer::Cidr(c) => s.cidr = Some(c.to_string()),
        SgPeer::Ipv6(c) => s.cidr = Some(c.to_string()),
        SgPeer::PrefixList(pl) => s.prefix_list = Some(net.prefix_list(*pl).meta.id.clone()),
        SgPeer::Group(g) if *g == this => s.self_ = true,
        SgPeer::Group(g) => s.sg = Some(net.security_group(*g).meta.id.clone()),
        SgPeer::UnknownGroup(id) => s.sg = Some(id.clone()),
    }
    s
}
