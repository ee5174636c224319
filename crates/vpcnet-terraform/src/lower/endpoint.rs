//! VPC endpoints: a gateway endpoint (S3, DynamoDB) adds a route to its service's
//! prefix list in each of its route tables (`route_table_ids`,
//! `aws_vpc_endpoint_route_table_association`); an interface endpoint has one
//! interface per subnet (`subnet_ids`, `subnet_configuration`,
//! `aws_vpc_endpoint_subnet_association`) carrying its security groups
//! (`security_group_ids`, `aws_vpc_endpoint_security_group_association`), or the VPC's
//! default group when it names none, as AWS does.
//!
//! What a plan or state does not hold is stood for and said. The interfaces'
//! addresses (AWS picks them; a state lists only their ids, `network_interface_ids`)
//! are the lowest free ones of their subnets, as for an instance whose address AWS
//! picks, unless `subnet_configuration` gives them. The service's prefix list is the
//! one the input read (`data "aws_ec2_managed_prefix_list"`, `data "aws_prefix_list"`,
//! read with the prefix lists) or the one a state names with its CIDRs
//! (`prefix_list_id`, `cidr_blocks`); one whose CIDRs are nowhere is kept and said,
//! since the routes to it then match no address. References to an endpoint's
//! `prefix_list_id` get that list. An endpoint of an endpoint service of the input
//! that requires acceptance carries traffic once an
//! `aws_vpc_endpoint_connection_accepter` accepts it, or when it accepts itself
//! (`auto_accept`, in the service's account); otherwise it stays `pendingAcceptance`,
//! and that is said.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{
    EndpointKind, Interface, InterfaceOwner, Meta, PrefixList, PrefixListIdx, PrivateIp, Route,
    RouteDest, RouteTableIdx, RouteTarget, Severity, SgIdx, SubnetIdx, VpcEndpoint, VpcIdx,
};

use super::{boolean, items, text, Lower};

/// A resource that adds to an endpoint: an association or an accepter.
struct Link {
    res: usize,
    /// The endpoint's id.
    ep: String,
    /// What it adds (a route table, subnet, security group or endpoint service id).
    other: String,
    /// A security group association's `replace_default_association`.
    replace: bool,
    used: bool,
}

/// The resources that add to endpoints, by kind.
struct Links {
    route_tables: Vec<Link>,
    subnets: Vec<Link>,
    groups: Vec<Link>,
    accepters: Vec<Link>,
}

impl Links {
    /// The links of `list` to endpoint `id`, marked used.
    fn take(list: &mut [Link], id: &str) -> Vec<(usize, String, bool)> {
        list.iter_mut()
            .filter(|l| l.ep == id)
            .map(|l| {
                l.used = true;
                (l.res, l.other.clone(), l.replace)
            })
            .collect()
    }
}

impl Lower<'_, '_, '_> {
    pub(super) fn vpc_endpoints(&mut self) {
        let mut links = Links {
            route_tables: self.endpoint_links(
                "aws_vpc_endpoint_route_table_association",
                "route_table_id",
                "route table",
            ),
            subnets: self.endpoint_links(
                "aws_vpc_endpoint_subnet_association",
                "subnet_id",
                "subnet",
            ),
            groups: self.endpoint_links(
                "aws_vpc_endpoint_security_group_association",
                "security_group_id",
                "security group",
            ),
            accepters: self.endpoint_links(
                "aws_vpc_endpoint_connection_accepter",
                "vpc_endpoint_service_id",
                "endpoint service",
            ),
        };
        for i in self.of_type(&["aws_vpc_endpoint"]) {
            self.vpc_endpoint(i, &mut links);
        }
        let Links {
            route_tables,
            subnets,
            groups,
            accepters,
        } = links;
        for l in [route_tables, subnets, groups, accepters]
            .into_iter()
            .flatten()
            .filter(|l| !l.used)
        {
            self.unknown_ref(
                l.res,
                "vpc_endpoint_id",
                "VPC endpoint",
                &l.ep,
                "it is left out",
            );
        }
    }

    fn endpoint_links(&mut self, ty: &str, attr: &str, what: &str) -> Vec<Link> {
        let mut out = Vec::new();
        for i in self.of_type(&[ty]) {
            let skip = "it is left out";
            let Some(ep) = self.required(i, "vpc_endpoint_id", "VPC endpoint", skip) else {
                continue;
            };
            let Some(other) = self.required(i, attr, what, skip) else {
                continue;
            };
            out.push(Link {
                res: i,
                ep,
                other,
                replace: boolean(self.val(i, "replace_default_association")).unwrap_or(false),
                used: false,
            });
        }
        out
    }

    fn vpc_endpoint(&mut self, i: usize, links: &mut Links) {
        let skip = "the endpoint is left out";
        let Some(vpc) = self.vpc_ref(i, "vpc_id", skip) else {
            return;
        };
        let Some(service) = self.required(i, "service_name", "service", skip) else {
            return;
        };
        let service = service.trim().to_ascii_lowercase();
        let ty = self.r.one(i, "vpc_endpoint_type");
        let kind = match ty.as_deref().map(str::to_ascii_lowercase).as_deref() {
            // The provider's default.
            None | Some("gateway") => EndpointKind::Gateway,
            Some("interface") => EndpointKind::Interface,
            Some("gatewayloadbalancer") => EndpointKind::GatewayLoadBalancer,
            Some(other @ ("resource" | "servicenetwork")) => {
                let msg = format!(
                    "`{}` is a `{other}` endpoint (VPC Lattice), which vpcnet does not model; {skip}",
                    self.addr(i)
                );
                let p = self.vptr(i, "vpc_endpoint_type");
                self.say(Severity::Note, "NOT_MODELLED", &p, msg);
                return;
            }
            Some(_) => {
                let msg = format!(
                    "`vpc_endpoint_type` `{}` of `{}` is not `Gateway`, `Interface` or `GatewayLoadBalancer`; {skip}",
                    ty.unwrap_or_default(),
                    self.addr(i)
                );
                let p = self.vptr(i, "vpc_endpoint_type");
                self.say(Severity::Error, "BAD_VALUE", &p, msg);
                return;
            }
        };
        let id = self.r.id(i);
        if self.duplicate(i, &id, skip) {
            return;
        }
        let accepted = !Links::take(&mut links.accepters, &id).is_empty();
        let state = self.endpoint_state(i, vpc, &service, accepted);
        let meta = self.meta(i, id.clone());
        let mut ep = VpcEndpoint {
            meta,
            vpc,
            service_name: service,
            kind,
            state,
            route_tables: Vec::new(),
            prefix_list: None,
            enis: Vec::new(),
            private_dns: false,
        };
        if kind == EndpointKind::Gateway {
            let tables = self.endpoint_route_tables(i, &id, links);
            ep.route_tables = tables.iter().map(|(t, _)| *t).collect();
            ep.prefix_list = self.service_prefix_list(i, &ep.service_name);
            let pl = ep.prefix_list;
            if self.b.add_vpc_endpoint(ep).is_none() {
                return;
            }
            let Some(pl) = pl else {
                return;
            };
            for (t, ptr) in tables {
                let target = RouteTarget::VpcEndpoint(id.clone());
                let there = self
                    .b
                    .network()
                    .route_table(t)
                    .routes
                    .iter()
                    .any(|r| r.destination == RouteDest::PrefixList(pl) && r.target == target);
                if there {
                    continue;
                }
                let origin = self.loc(&ptr);
                self.b.add_route(
                    t,
                    Route {
                        destination: RouteDest::PrefixList(pl),
                        target,
                        active: true,
                        origin,
                    },
                );
            }
            return;
        }
        let groups = if kind == EndpointKind::Interface {
            self.endpoint_groups(i, &id, vpc, links)
        } else {
            // Gateway Load Balancer endpoints have no security groups.
            Vec::new()
        };
        ep.enis = self.endpoint_interfaces(i, &id, kind, groups, links);
        ep.private_dns = kind == EndpointKind::Interface
            && boolean(self.val(i, "private_dns_enabled")).unwrap_or(false);
        self.b.add_vpc_endpoint(ep);
    }

    /// An endpoint's state: as the input says, else what acceptance makes of it.
    fn endpoint_state(&mut self, i: usize, vpc: VpcIdx, service: &str, accepted: bool) -> String {
        const AVAILABLE: &str = "available";
        if let Some(s) = self.r.one(i, "state") {
            return s;
        }
        let net = self.b.network();
        let Some(svc) = net.endpoint_service_named(service) else {
            return AVAILABLE.to_owned();
        };
        let s = net.endpoint_service(svc);
        if !s.acceptance_required || accepted {
            return AVAILABLE.to_owned();
        }
        let same_account = s.account == net.vpc(vpc).account;
        if same_account && boolean(self.val(i, "auto_accept")) == Some(true) {
            return AVAILABLE.to_owned();
        }
        let label = s.meta.label();
        let msg = format!(
            "`{}` connects to endpoint service `{label}`, which requires acceptance, and nothing in the input accepts it (no `aws_vpc_endpoint_connection_accepter`{}); it stays `pendingAcceptance` and carries no traffic",
            self.addr(i),
            if same_account {
                ", no `auto_accept`"
            } else {
                "; `auto_accept` works only in the service's account"
            }
        );
        let p = self.ptr(i);
        self.say(Severity::Note, "ENDPOINT_PENDING", &p, msg);
        "pendingAcceptance".to_owned()
    }

    /// A gateway endpoint's route tables, with the pointer that names each.
    fn endpoint_route_tables(
        &mut self,
        i: usize,
        id: &str,
        links: &mut Links,
    ) -> Vec<(RouteTableIdx, String)> {
        let mut named: Vec<(usize, &'static str, String)> = Vec::new();
        let own = self.r.attr(i, "route_table_ids");
        if own.is_empty()
            && self.r.unknown_at(i, "/route_table_ids")
            && self.r.configured(i, "route_table_ids")
        {
            self.unresolved(
                i,
                "route_table_ids",
                "route table",
                "the endpoint adds no route there",
            );
        }
        named.extend(own.into_iter().map(|t| (i, "route_table_ids", t)));
        for (a, t, _) in Links::take(&mut links.route_tables, id) {
            named.push((a, "route_table_id", t));
        }
        let mut out: Vec<(RouteTableIdx, String)> = Vec::new();
        for (a, attr, t) in named {
            match self.b.network().by_id_as::<RouteTableIdx>(&t) {
                Some(x) if out.iter().any(|(o, _)| *o == x) => {}
                Some(x) => out.push((x, self.vptr(a, attr))),
                None => self.unknown_ref(a, attr, "route table", &t, "no route is added there"),
            }
        }
        out
    }

    /// The prefix list of a gateway endpoint's service: the one the endpoint names, or
    /// one of the service's name, or one made of the CIDRs the state lists for the
    /// endpoint (said when it has none). References to its `prefix_list_id` get it.
    fn service_prefix_list(&mut self, i: usize, service: &str) -> Option<PrefixListIdx> {
        let named = self.r.one(i, "prefix_list_id");
        let net = self.b.network();
        let by_name = net
            .prefix_lists()
            .iter()
            .find(|p| p.list_name == service)
            .map(|p| p.meta.id.clone());
        let found = named
            .as_deref()
            .and_then(|p| net.by_id_as::<PrefixListIdx>(p))
            .or_else(|| by_name.and_then(|p| net.by_id_as::<PrefixListIdx>(&p)));
        let pl = match found {
            Some(p) => p,
            None => {
                let mut cidrs: Vec<Ipv4Net> = Vec::new();
                let p = self.vptr(i, "cidr_blocks");
                for c in self.r.attr(i, "cidr_blocks") {
                    if c.contains(':') {
                        continue;
                    }
                    if let Some(n) = self.cidr4(i, &c, &p) {
                        if !cidrs.contains(&n) {
                            cidrs.push(n);
                        }
                    }
                }
                let id = named.unwrap_or_else(|| format!("pl-tf-{service}"));
                if cidrs.is_empty() {
                    let msg = format!(
                        "the CIDRs of `{service}` (prefix list `{id}`), which gateway endpoint `{}` routes to, are not in the input (a `data \"aws_ec2_managed_prefix_list\"` for it, read while planning, gives them); its routes match no address, and traces to the service take the other routes",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "prefix_list_id");
                    self.say(Severity::Warning, "PREFIX_LIST_CIDRS_UNKNOWN", &p, msg);
                }
                let origin = self.loc(&self.ptr(i));
                self.b.add_prefix_list(PrefixList {
                    meta: Meta {
                        id,
                        name: Some(service.to_owned()),
                        tags: Vec::new(),
                        origin,
                    },
                    list_name: service.to_owned(),
                    cidrs,
                })?
            }
        };
        let id = self.b.network().prefix_list(pl).meta.id.clone();
        self.r.stand_in(i, "prefix_list_id", id);
        Some(pl)
    }

    /// An interface endpoint's security groups: those it names and those associated
    /// with it, with the VPC's default group unless it names one or an association
    /// replaces the default.
    fn endpoint_groups(
        &mut self,
        i: usize,
        id: &str,
        vpc: VpcIdx,
        links: &mut Links,
    ) -> Vec<SgIdx> {
        let list = self.r.attr(i, "security_group_ids");
        let mut groups = self.sg_ids(i, list, "security_group_ids");
        let mut keep_default = groups.is_empty();
        for (a, g, replace) in Links::take(&mut links.groups, id) {
            for x in self.sg_ids(a, vec![g], "security_group_id") {
                if !groups.contains(&x) {
                    groups.push(x);
                }
            }
            keep_default &= !replace;
        }
        if keep_default {
            if let Some(d) = self.default_sg_of.get(&vpc).copied() {
                if !groups.contains(&d) {
                    groups.insert(0, d);
                }
            }
        }
        groups
    }

    /// The interfaces of an interface (or Gateway Load Balancer) endpoint, one per
    /// subnet.
    fn endpoint_interfaces(
        &mut self,
        i: usize,
        id: &str,
        kind: EndpointKind,
        groups: Vec<SgIdx>,
        links: &mut Links,
    ) -> Vec<vpcnet_model::EniIdx> {
        // (subnet id, the address given, the pointer naming it, the attribute)
        let mut named: Vec<(String, Option<Ipv4Addr>, usize, &'static str)> = Vec::new();
        let configs = items(self.val(i, "subnet_configuration")).to_vec();
        for (j, c) in configs.iter().enumerate() {
            let Some(s) = self
                .r
                .block_attr(i, "subnet_configuration", j, c, "subnet_id")
                .into_iter()
                .next()
            else {
                continue;
            };
            let ip = text(c.get("ipv4")).and_then(|a| a.parse().ok());
            named.push((s, ip, i, "subnet_configuration"));
        }
        let own = self.r.attr(i, "subnet_ids");
        if own.is_empty()
            && named.is_empty()
            && self.r.unknown_at(i, "/subnet_ids")
            && self.r.configured(i, "subnet_ids")
        {
            self.unresolved(
                i,
                "subnet_ids",
                "subnet",
                "the endpoint has no interface there",
            );
        }
        named.extend(own.into_iter().map(|s| (s, None, i, "subnet_ids")));
        for (a, s, _) in Links::take(&mut links.subnets, id) {
            named.push((s, None, a, "subnet_id"));
        }
        let mut places: Vec<(SubnetIdx, Option<Ipv4Addr>, String)> = Vec::new();
        for (s, ip, a, attr) in named {
            match self.b.network().by_id_as::<SubnetIdx>(&s) {
                Some(x) => match places.iter_mut().find(|(o, _, _)| *o == x) {
                    Some(p) => p.1 = p.1.or(ip),
                    None => places.push((x, ip, self.vptr(a, attr))),
                },
                None => {
                    self.unknown_ref(a, attr, "subnet", &s, "the endpoint has no interface there")
                }
            }
        }
        // A state lists the interfaces' ids, not which subnet each is in.
        let ids = self.r.attr(i, "network_interface_ids");
        let ids = (ids.len() == places.len()).then_some(ids);
        let owner = InterfaceOwner::Other(
            match kind {
                EndpointKind::GatewayLoadBalancer => "gateway_load_balancer_endpoint",
                _ => "vpc_endpoint",
            }
            .to_owned(),
        );
        let mut enis = Vec::new();
        let mut picked: Vec<String> = Vec::new();
        for (k, (subnet, ip, ptr)) in places.into_iter().enumerate() {
            let cidr = self.b.network().subnet(subnet).cidr;
            let ip = match ip {
                Some(ip) => ip,
                None => match self.free_ip(subnet) {
                    Some(ip) => {
                        picked.push(format!("`{ip}` (in `{cidr}`)"));
                        ip
                    }
                    None => {
                        let msg = format!(
                            "subnet `{cidr}` of `{}` has no free address left; the endpoint has no interface there",
                            self.addr(i)
                        );
                        self.say(Severity::Error, "SUBNET_FULL", &ptr, msg);
                        continue;
                    }
                },
            };
            let eni_id = ids
                .as_ref()
                .and_then(|l| l.get(k).cloned())
                .unwrap_or_else(|| format!("eni-tf-{}/{k}", self.addr(i)));
            let meta = Meta {
                id: eni_id,
                name: None,
                tags: Vec::new(),
                origin: self.loc(&ptr),
            };
            let added = self.b.add_interface(Interface {
                meta,
                subnet,
                private_ips: vec![PrivateIp {
                    addr: ip,
                    public: None,
                }],
                security_groups: groups.clone(),
                source_dest_check: true,
                owner: owner.clone(),
            });
            enis.extend(added);
        }
        if !picked.is_empty() {
            let msg = format!(
                "the private addresses of the interfaces of `{}` are picked by AWS and are in no plan or state; {}, the lowest free addresses of their subnets, stand for them",
                self.addr(i),
                picked.join(", ")
            );
            let p = self.ptr(i);
            self.say(Severity::Note, "ADDRESS_ASSIGNED", &p, msg);
        }
        enis
    }
}
