//! The only way to make a [`Network`]: checked, one resource at a time.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diag::{Diagnostic, Location};
use crate::dns::{
    dns_name, HostedZone, RecordSet, RecordType, ResolverRule, ResolverRuleKind, ZoneKind,
};
use crate::endpoint::VpcEndpoint;
use crate::flowlog::FlowLog;
use crate::index::AnyIdx;
use crate::lb::{EndpointService, LbKind, LoadBalancer, TargetGroup};
use crate::net::*;
use crate::overlay::{Tailnet, TailnetNode};
use crate::tgw::{
    TgwAttachment, TgwAttachmentKind, TgwRoute, TgwRouteKind, TgwRouteTable, TgwRouteTarget,
    TransitGateway,
};

/// Builds a [`Network`] resource by resource, refusing (with a [`Diagnostic`]) anything
/// that would break the model's invariants. Loading goes on after a refusal: the
/// caller decides what to do with resources that depended on the refused one.
#[derive(Debug, Default)]
pub struct NetworkBuilder {
    net: Network,
    diags: Vec<Diagnostic>,
}

/// Whether `ip` is one of the five addresses AWS reserves in `subnet`: the network
/// address, the VPC router (+1), the DNS server (+2), reserved for future use (+3) and
/// the broadcast address.
pub fn is_reserved(subnet: Ipv4Net, ip: Ipv4Addr) -> bool {
    let base = u32::from(subnet.network());
    let off = u32::from(ip).wrapping_sub(base);
    off <= 3 || ip == subnet.broadcast()
}

impl NetworkBuilder {
    /// An empty network.
    pub fn new() -> NetworkBuilder {
        NetworkBuilder::default()
    }

    /// Continue building on an existing network (to change it and build again).
    pub fn from_network(net: Network) -> NetworkBuilder {
        NetworkBuilder {
            net,
            diags: Vec::new(),
        }
    }

    /// The network so far, for lookups while building.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Records a finding that is not about one `add_*` call (importers use this too).
    pub fn report(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// Records that the input lacks a kind of configuration in `scope`.
    pub fn note_missing(&mut self, facet: Facet, scope: impl Into<String>) {
        let m = Missing {
            facet,
            scope: scope.into(),
        };
        if !self.net.missing.contains(&m) {
            self.net.missing.push(m);
        }
    }

    /// The network and every finding made while building it.
    pub fn finish(self) -> (Network, Vec<Diagnostic>) {
        (self.net, self.diags)
    }

    fn refuse(&mut self, code: &'static str, origin: &Option<Location>, message: String) {
        self.diags
            .push(Diagnostic::error(code, message).at(origin.clone()));
    }

    fn register(&mut self, meta: &Meta, idx: AnyIdx) -> bool {
        if meta.id.is_empty() {
            self.refuse(
                "MISSING_ID",
                &meta.origin,
                format!("a {} has an empty id", idx.kind()),
            );
            return false;
        }
        if let Some(prev) = self.net.by_id.get(&meta.id) {
            let prev_origin = self.net.meta(*prev).origin.clone();
            let at = prev_origin
                .map(|l| format!(" (first at {l})"))
                .unwrap_or_default();
            self.refuse(
                "DUPLICATE_ID",
                &meta.origin,
                format!("id `{}` is already used by a {}{at}", meta.id, prev.kind()),
            );
            return false;
        }
        self.net.by_id.insert(meta.id.clone(), idx);
        if let Some(name) = &meta.name {
            self.net.by_name.entry(name.clone()).or_default().push(idx);
        }
        true
    }

    fn note_account(&mut self, account: &str) {
        if !self.net.accounts.iter().any(|a| a.id == account) {
            self.net.accounts.push(Account {
                id: account.to_owned(),
                name: None,
            });
        }
    }

    /// Declares an account (with a human name); accounts are otherwise noted as VPCs
    /// name them.
    pub fn add_account(&mut self, account: Account) {
        match self.net.accounts.iter_mut().find(|a| a.id == account.id) {
            Some(a) => a.name = a.name.take().or(account.name),
            None => self.net.accounts.push(account),
        }
    }

    /// Adds a managed prefix list.
    pub fn add_prefix_list(&mut self, pl: PrefixList) -> Option<PrefixListIdx> {
        let idx = PrefixListIdx(self.net.prefix_lists.len() as u32);
        if !self.register(&pl.meta, AnyIdx::PrefixList(idx)) {
            return None;
        }
        self.net.prefix_lists.push(pl);
        Some(idx)
    }

    /// Adds a VPC. Its main route table and default ACL are set when those are added.
    pub fn add_vpc(&mut self, mut vpc: Vpc) -> Option<VpcIdx> {
        if vpc.cidrs.is_empty() {
            self.refuse(
                "VPC_WITHOUT_CIDR",
                &vpc.meta.origin,
                format!("VPC `{}` has no IPv4 CIDR block", vpc.meta.label()),
            );
            return None;
        }
        for (i, c) in vpc.cidrs.iter().enumerate() {
            if vpc.cidrs[..i]
                .iter()
                .any(|o| o.contains(c) || c.contains(o))
            {
                self.refuse(
                    "VPC_CIDR_OVERLAP",
                    &vpc.meta.origin,
                    format!(
                        "VPC `{}` has overlapping CIDR blocks; `{c}` dropped",
                        vpc.meta.label()
                    ),
                );
            }
        }
        let mut seen: Vec<Ipv4Net> = Vec::new();
        vpc.cidrs.retain(|c| {
            let keep = !seen.iter().any(|o| o.contains(c) || c.contains(o));
            if keep {
                seen.push(*c);
            }
            keep
        });
        vpc.main_route_table = None;
        vpc.default_nacl = None;
        let idx = VpcIdx(self.net.vpcs.len() as u32);
        if !self.register(&vpc.meta, AnyIdx::Vpc(idx)) {
            return None;
        }
        self.note_account(&vpc.account.clone());
        self.net.vpcs.push(vpc);
        self.net.vpc_peerings.push(Vec::new());
        self.net.vpc_subnets.push(Vec::new());
        self.net.vpc_igw.push(None);
        Some(idx)
    }

    /// Adds an internet gateway, attached to at most one VPC.
    pub fn add_internet_gateway(&mut self, igw: InternetGateway) -> Option<IgwIdx> {
        if let Some(vpc) = igw.vpc {
            if let Some(other) = self.net.vpc_igw[vpc.index()] {
                let msg = format!(
                    "VPC `{}` already has internet gateway `{}`; a VPC has at most one",
                    self.net.vpc(vpc).meta.label(),
                    self.net.internet_gateway(other).meta.id
                );
                self.refuse("VPC_SECOND_IGW", &igw.meta.origin, msg);
                return None;
            }
        }
        let idx = IgwIdx(self.net.igws.len() as u32);
        if !self.register(&igw.meta, AnyIdx::InternetGateway(idx)) {
            return None;
        }
        if let Some(vpc) = igw.vpc {
            self.net.vpc_igw[vpc.index()] = Some(idx);
        }
        self.net.igws.push(igw);
        Some(idx)
    }

    /// Adds a route table (routes come with [`NetworkBuilder::add_route`]); `main` makes
    /// it its VPC's main table.
    pub fn add_route_table(&mut self, mut rt: RouteTable, main: bool) -> Option<RouteTableIdx> {
        let idx = RouteTableIdx(self.net.route_tables.len() as u32);
        if !self.register(&rt.meta, AnyIdx::RouteTable(idx)) {
            return None;
        }
        let routes = std::mem::take(&mut rt.routes);
        let vpc = rt.vpc;
        self.net.route_tables.push(rt);
        if main {
            let v = &mut self.net.vpcs[vpc.index()];
            if let Some(prev) = v.main_route_table {
                let msg = format!(
                    "VPC `{}` has two main route tables; `{}` stays main",
                    v.meta.label(),
                    self.net.route_tables[prev.index()].meta.id
                );
                let origin = self.net.route_tables[idx.index()].meta.origin.clone();
                self.refuse("DUPLICATE_MAIN_ROUTE_TABLE", &origin, msg);
            } else {
                v.main_route_table = Some(idx);
            }
        }
        for r in routes {
            self.add_route(idx, r);
        }
        Some(idx)
    }

    /// Adds a route to a table, if AWS would accept it there.
    pub fn add_route(&mut self, rt: RouteTableIdx, route: Route) -> bool {
        let vpc = self.net.route_tables[rt.index()].vpc;
        // Built only when a message needs it: this runs once per route of a large network.
        let label = || self.net.route_tables[rt.index()].meta.label();
        let problem = match &route.target {
            RouteTarget::InternetGateway(igw) if self.net.igws[igw.index()].vpc != Some(vpc) => {
                Some((
                    "ROUTE_TARGET_OTHER_VPC",
                    format!(
                        "route table `{}` routes to internet gateway `{}`, which is not attached to its VPC",
                        label(),
                        self.net.igws[igw.index()].meta.id
                    ),
                ))
            }
            RouteTarget::NatGateway(nat)
                if self.net.vpc_of_subnet(self.net.nats[nat.index()].subnet) != vpc =>
            {
                Some((
                    "ROUTE_TARGET_OTHER_VPC",
                    format!(
                        "route table `{}` routes to NAT gateway `{}` of another VPC",
                        label(),
                        self.net.nats[nat.index()].meta.id
                    ),
                ))
            }
            RouteTarget::Interface(eni) if self.net.vpc_of_eni(*eni) != vpc => Some((
                "ROUTE_TARGET_OTHER_VPC",
                format!(
                    "route table `{}` routes to network interface `{}` of another VPC",
                    label(),
                    self.net.enis[eni.index()].meta.id
                ),
            )),
            RouteTarget::Instance(i)
                if self.net.instances[i.index()]
                    .interfaces
                    .first()
                    .is_some_and(|e| self.net.vpc_of_eni(*e) != vpc) =>
            {
                Some((
                    "ROUTE_TARGET_OTHER_VPC",
                    format!(
                        "route table `{}` routes to instance `{}` of another VPC",
                        label(),
                        self.net.instances[i.index()].meta.id
                    ),
                ))
            }
            RouteTarget::Peering(p) if self.net.peerings[p.index()].other_side(vpc).is_none() => {
                Some((
                    "ROUTE_PEERING_NOT_OF_VPC",
                    format!(
                        "route table `{}` routes to peering connection `{}`, which its VPC is not part of",
                        label(),
                        self.net.peerings[p.index()].meta.id
                    ),
                ))
            }
            _ => None,
        };
        if let Some((code, msg)) = problem {
            self.refuse(code, &route.origin, msg);
            return false;
        }
        let dup = self.net.route_tables[rt.index()]
            .routes
            .iter()
            .any(|r| r.destination == route.destination);
        if dup {
            let msg = format!(
                "route table `{}` has two routes for the same destination `{}`; the first is kept",
                label(),
                self.dest_label(&route.destination)
            );
            self.refuse("DUPLICATE_ROUTE", &route.origin, msg);
            return false;
        }
        self.net.route_tables[rt.index()].routes.push(route);
        true
    }

    fn dest_label(&self, d: &RouteDest) -> String {
        match d {
            RouteDest::Cidr(c) => c.to_string(),
            RouteDest::Ipv6(c) => c.to_string(),
            RouteDest::PrefixList(p) => self.net.prefix_lists[p.index()].meta.id.clone(),
        }
    }

    /// Adds a network ACL; `default` makes it its VPC's default ACL. Entries are sorted
    /// by rule number; a second entry with the same number and direction is refused.
    pub fn add_network_acl(&mut self, mut acl: NetworkAcl, default: bool) -> Option<NaclIdx> {
        let idx = NaclIdx(self.net.nacls.len() as u32);
        if !self.register(&acl.meta, AnyIdx::NetworkAcl(idx)) {
            return None;
        }
        let label = acl.meta.label();
        for (dir, entries) in [("inbound", &mut acl.ingress), ("outbound", &mut acl.egress)] {
            entries.sort_by_key(|e| e.rule_number);
            let mut kept: Vec<NaclEntry> = Vec::with_capacity(entries.len());
            for e in entries.drain(..) {
                if kept.last().is_some_and(|k| k.rule_number == e.rule_number) {
                    self.diags.push(
                        Diagnostic::error(
                            "DUPLICATE_NACL_RULE_NUMBER",
                            format!(
                                "network ACL `{label}` has two {dir} entries numbered {}; the second is ignored",
                                e.rule_number
                            ),
                        )
                        .at(e.origin.clone()),
                    );
                    continue;
                }
                kept.push(e);
            }
            *entries = kept;
        }
        let vpc = acl.vpc;
        self.net.nacls.push(acl);
        if default {
            let v = &mut self.net.vpcs[vpc.index()];
            if v.default_nacl.is_none() {
                v.default_nacl = Some(idx);
            }
        }
        Some(idx)
    }

    /// Adds a subnet: its CIDR must lie in its VPC and overlap no other subnet there.
    pub fn add_subnet(&mut self, subnet: Subnet) -> Option<SubnetIdx> {
        let vpc = &self.net.vpcs[subnet.vpc.index()];
        let label = subnet.meta.label();
        if !vpc.cidrs.iter().any(|c| c.contains(&subnet.cidr)) {
            let blocks: Vec<String> = vpc.cidrs.iter().map(|c| c.to_string()).collect();
            let msg = format!(
                "subnet `{label}` CIDR `{}` lies outside VPC `{}` ({})",
                subnet.cidr,
                vpc.meta.label(),
                blocks.join(", ")
            );
            self.refuse("SUBNET_OUTSIDE_VPC", &subnet.meta.origin, msg);
            return None;
        }
        if !(16..=28).contains(&subnet.cidr.prefix_len()) {
            let msg = format!(
                "subnet `{label}` CIDR `{}` is not between /16 and /28, which AWS requires",
                subnet.cidr
            );
            self.refuse("SUBNET_BAD_SIZE", &subnet.meta.origin, msg);
            return None;
        }
        if let Some(other) = self.net.vpc_subnets[subnet.vpc.index()]
            .iter()
            .map(|s| &self.net.subnets[s.index()])
            .find(|s| overlaps(s.cidr, subnet.cidr))
        {
            let msg = format!(
                "subnet `{label}` CIDR `{}` overlaps subnet `{}` (`{}`)",
                subnet.cidr,
                other.meta.label(),
                other.cidr
            );
            self.refuse("SUBNET_OVERLAP", &subnet.meta.origin, msg);
            return None;
        }
        let idx = SubnetIdx(self.net.subnets.len() as u32);
        if !self.register(&subnet.meta, AnyIdx::Subnet(idx)) {
            return None;
        }
        self.net.vpc_subnets[subnet.vpc.index()].push(idx);
        self.net.subnets.push(subnet);
        Some(idx)
    }

    /// Associates a subnet with a route table of its VPC (replacing any earlier one).
    pub fn associate_route_table(&mut self, subnet: SubnetIdx, rt: RouteTableIdx) -> bool {
        if self.net.route_tables[rt.index()].vpc != self.net.subnets[subnet.index()].vpc {
            let msg = format!(
                "subnet `{}` cannot use route table `{}` of another VPC",
                self.net.subnets[subnet.index()].meta.label(),
                self.net.route_tables[rt.index()].meta.label()
            );
            let origin = self.net.subnets[subnet.index()].meta.origin.clone();
            self.refuse("ASSOCIATION_OTHER_VPC", &origin, msg);
            return false;
        }
        self.net.subnets[subnet.index()].route_table = Some(rt);
        true
    }

    /// Associates a subnet with a network ACL of its VPC.
    pub fn associate_network_acl(&mut self, subnet: SubnetIdx, acl: NaclIdx) -> bool {
        if self.net.nacls[acl.index()].vpc != self.net.subnets[subnet.index()].vpc {
            let msg = format!(
                "subnet `{}` cannot use network ACL `{}` of another VPC",
                self.net.subnets[subnet.index()].meta.label(),
                self.net.nacls[acl.index()].meta.label()
            );
            let origin = self.net.subnets[subnet.index()].meta.origin.clone();
            self.refuse("ASSOCIATION_OTHER_VPC", &origin, msg);
            return false;
        }
        self.net.subnets[subnet.index()].nacl = Some(acl);
        true
    }

    /// Adds a security group (rules come with [`NetworkBuilder::add_sg_rule`]).
    pub fn add_security_group(&mut self, mut sg: SecurityGroup) -> Option<SgIdx> {
        let idx = SgIdx(self.net.sgs.len() as u32);
        if !self.register(&sg.meta, AnyIdx::SecurityGroup(idx)) {
            return None;
        }
        let ingress = std::mem::take(&mut sg.ingress);
        let egress = std::mem::take(&mut sg.egress);
        self.net.sgs.push(sg);
        for r in ingress {
            self.add_sg_rule(idx, false, r);
        }
        for r in egress {
            self.add_sg_rule(idx, true, r);
        }
        Some(idx)
    }

    /// Adds an inbound (`egress == false`) or outbound rule to a security group.
    pub fn add_sg_rule(&mut self, sg: SgIdx, egress: bool, rule: SgRule) {
        let g = &mut self.net.sgs[sg.index()];
        if egress {
            g.egress.push(rule);
        } else {
            g.ingress.push(rule);
        }
    }

    /// Adds an instance (its interfaces join it as they are added).
    pub fn add_instance(&mut self, mut instance: Instance) -> Option<InstanceIdx> {
        let idx = InstanceIdx(self.net.instances.len() as u32);
        if !self.register(&instance.meta, AnyIdx::Instance(idx)) {
            return None;
        }
        instance.interfaces.clear();
        self.net.instances.push(instance);
        Some(idx)
    }

    /// Adds a network interface. Each private address must lie in its subnet, not be
    /// reserved and not be owned by another interface of the VPC; a bad secondary
    /// address is dropped, a bad primary address refuses the interface.
    pub fn add_interface(&mut self, mut eni: Interface) -> Option<EniIdx> {
        let subnet = &self.net.subnets[eni.subnet.index()];
        let (cidr, vpc) = (subnet.cidr, subnet.vpc);
        let label = eni.meta.label();
        let mut problems = Vec::new();
        let mut kept: Vec<PrivateIp> = Vec::with_capacity(eni.private_ips.len());
        for (i, ip) in eni.private_ips.iter().enumerate() {
            let what = if i == 0 { "primary" } else { "secondary" };
            let problem = if !cidr.contains(&ip.addr) {
                Some((
                    "ADDRESS_OUTSIDE_SUBNET",
                    format!(
                        "{what} address `{}` of `{label}` lies outside its subnet `{cidr}`",
                        ip.addr
                    ),
                ))
            } else if is_reserved(cidr, ip.addr) {
                Some((
                    "ADDRESS_RESERVED",
                    format!(
                        "{what} address `{}` of `{label}` is one of the five addresses AWS reserves in subnet `{cidr}`",
                        ip.addr
                    ),
                ))
            } else if let Some(owner) =
                self.net
                    .private_ip
                    .get(&(vpc, ip.addr))
                    .copied()
                    .or_else(|| {
                        kept.iter()
                            .any(|k| k.addr == ip.addr)
                            .then_some(EniIdx(u32::MAX))
                    })
            {
                let who = if owner.0 == u32::MAX {
                    "itself".to_owned()
                } else {
                    format!("`{}`", self.net.enis[owner.index()].meta.label())
                };
                Some((
                    "DUPLICATE_ADDRESS",
                    format!(
                        "{what} address `{}` of `{label}` is already used by {who} in the same VPC",
                        ip.addr
                    ),
                ))
            } else if let Some(p) = ip.public.filter(|p| self.net.public_ip.contains_key(p)) {
                let (owner, _) = self.net.public_ip[&p];
                Some((
                    "DUPLICATE_PUBLIC_ADDRESS",
                    format!(
                        "public address `{p}` of `{label}` is already mapped to `{}`",
                        self.net.enis[owner.index()].meta.label()
                    ),
                ))
            } else {
                None
            };
            match problem {
                Some(p) => {
                    problems.push(p);
                    if i == 0 {
                        break;
                    }
                }
                None => kept.push(*ip),
            }
        }
        let primary_bad = eni.private_ips.is_empty()
            || kept.first().map(|k| k.addr) != eni.private_ips.first().map(|p| p.addr);
        let origin = eni.meta.origin.clone();
        for (code, msg) in problems {
            let msg = if primary_bad {
                format!("{msg}; the interface is dropped")
            } else {
                msg
            };
            self.refuse(code, &origin, msg);
        }
        if eni.private_ips.is_empty() {
            self.refuse(
                "INTERFACE_WITHOUT_ADDRESS",
                &origin,
                format!("interface `{label}` has no private address"),
            );
        }
        if primary_bad {
            return None;
        }
        eni.private_ips = kept;
        let foreign: Vec<SgIdx> = eni
            .security_groups
            .iter()
            .copied()
            .filter(|g| self.net.sgs[g.index()].vpc != vpc)
            .collect();
        for g in &foreign {
            let msg = format!(
                "interface `{label}` cannot carry security group `{}` of another VPC",
                self.net.sgs[g.index()].meta.label()
            );
            self.refuse("SG_OTHER_VPC", &origin, msg);
        }
        eni.security_groups.retain(|g| !foreign.contains(g));
        let idx = EniIdx(self.net.enis.len() as u32);
        if !self.register(&eni.meta, AnyIdx::Interface(idx)) {
            return None;
        }
        for ip in &eni.private_ips {
            self.net.private_ip.insert((vpc, ip.addr), idx);
            if let Some(p) = ip.public {
                self.net.public_ip.insert(p, (idx, ip.addr));
            }
        }
        if let InterfaceOwner::Instance(i) = eni.owner {
            self.net.instances[i.index()].interfaces.push(idx);
        }
        self.net.enis.push(eni);
        Some(idx)
    }

    /// Adds a NAT gateway with its interface (whose owner is set to the gateway).
    pub fn add_nat_gateway(
        &mut self,
        meta: Meta,
        connectivity: NatConnectivity,
        mut eni: Interface,
        state: String,
    ) -> Option<NatIdx> {
        let idx = NatIdx(self.net.nats.len() as u32);
        if self.net.by_id.contains_key(&meta.id) {
            self.register(&meta, AnyIdx::NatGateway(idx));
            return None;
        }
        eni.owner = InterfaceOwner::NatGateway(idx);
        eni.security_groups.clear();
        let subnet = eni.subnet;
        let eni_idx = self.add_interface(eni)?;
        if !self.register(&meta, AnyIdx::NatGateway(idx)) {
            return None;
        }
        self.net.nat_of_eni.insert(eni_idx, idx);
        self.net.nats.push(NatGateway {
            meta,
            subnet,
            connectivity,
            eni: eni_idx,
            state,
        });
        Some(idx)
    }

    /// Adds a VPC peering connection between two different VPCs.
    pub fn add_peering(&mut self, peering: Peering) -> Option<PeeringIdx> {
        if peering.requester == peering.accepter {
            let msg = format!(
                "peering connection `{}` joins VPC `{}` to itself",
                peering.meta.label(),
                self.net.vpcs[peering.requester.index()].meta.label()
            );
            self.refuse("PEERING_SELF", &peering.meta.origin, msg);
            return None;
        }
        let idx = PeeringIdx(self.net.peerings.len() as u32);
        if !self.register(&peering.meta, AnyIdx::Peering(idx)) {
            return None;
        }
        self.net.vpc_peerings[peering.requester.index()].push(idx);
        self.net.vpc_peerings[peering.accepter.index()].push(idx);
        self.net.peerings.push(peering);
        Some(idx)
    }
}

impl NetworkBuilder {
    /// Adds a hosted zone with its records and VPC associations; each record and
    /// association is checked on its own (see [`NetworkBuilder::add_record`] and
    /// [`NetworkBuilder::associate_zone`]), and a refused one does not refuse the zone.
    pub fn add_hosted_zone(&mut self, mut zone: HostedZone) -> Option<ZoneIdx> {
        match dns_name(&zone.zone_name) {
            Ok(n) => zone.zone_name = n,
            Err(why) => {
                self.refuse(
                    "BAD_DNS_NAME",
                    &zone.meta.origin,
                    format!("hosted zone `{}`: {why}", zone.meta.label()),
                );
                return None;
            }
        }
        let idx = ZoneIdx(self.net.zones.len() as u32);
        if !self.register(&zone.meta, AnyIdx::HostedZone(idx)) {
            return None;
        }
        let records = std::mem::take(&mut zone.records);
        let vpcs = std::mem::take(&mut zone.vpcs);
        zone.by_name.clear();
        self.net
            .zones_by_name
            .entry(zone.zone_name.clone())
            .or_default()
            .push(idx);
        let origin = zone.meta.origin.clone();
        self.net.zones.push(zone);
        for vpc in vpcs {
            self.associate_zone(idx, vpc, &origin);
        }
        for record in records {
            self.add_record(idx, record);
        }
        Some(idx)
    }

    /// Associates a private hosted zone with a VPC. Refused, as Route 53 refuses it, for
    /// a zone that is not private and when another private zone of the same name is
    /// already associated with the VPC.
    pub fn associate_zone(
        &mut self,
        zone: ZoneIdx,
        vpc: VpcIdx,
        origin: &Option<Location>,
    ) -> bool {
        let z = &self.net.zones[zone.index()];
        if z.vpcs.contains(&vpc) {
            return true;
        }
        let vpc_label = self.net.vpcs[vpc.index()].meta.label();
        if z.kind != ZoneKind::Private {
            let msg = format!(
                "{} zone `{}` cannot be associated with VPC `{vpc_label}`: only private hosted zones have VPC associations",
                z.kind.as_str(),
                z.zone_name
            );
            self.refuse("ZONE_NOT_PRIVATE", origin, msg);
            return false;
        }
        let clash = self.net.zones_named(&z.zone_name).iter().find(|other| {
            **other != zone
                && self.net.zones[other.index()].kind == ZoneKind::Private
                && self.net.zones[other.index()].vpcs.contains(&vpc)
        });
        if let Some(other) = clash {
            let msg = format!(
                "private zone `{}` ({}) cannot be associated with VPC `{vpc_label}`: zone {} of the same name already is (Route 53 refuses overlapping namespaces)",
                z.zone_name,
                z.meta.id,
                self.net.zones[other.index()].meta.id
            );
            self.refuse("ZONE_CONFLICT", origin, msg);
            return false;
        }
        self.net.zones[zone.index()].vpcs.push(vpc);
        true
    }

    /// Adds a record set to a zone: refused when its name is outside the zone, when
    /// its values do not fit its type, when a CNAME would share its name with other
    /// records, or when the same name, type and set identifier is already there.
    pub fn add_record(&mut self, zone: ZoneIdx, mut record: RecordSet) -> bool {
        let z = &self.net.zones[zone.index()];
        let name = match dns_name(&record.name) {
            Ok(n) => n,
            Err(why) => {
                let msg = format!("record in zone `{}`: {why}", z.zone_name);
                self.refuse("BAD_DNS_NAME", &record.origin, msg);
                return false;
            }
        };
        record.name = name;
        if !z.covers(&record.name) {
            let msg = format!("record `{}` is not in zone `{}`", record.name, z.zone_name);
            self.refuse("RECORD_OUTSIDE_ZONE", &record.origin, msg);
            return false;
        }
        if let Err(why) = check_record_values(&mut record) {
            let msg = format!("{} record `{}`: {why}", record.rtype.as_str(), record.name);
            self.refuse("BAD_RECORD", &record.origin, msg);
            return false;
        }
        let same_name: Vec<&RecordSet> = z.records_named(&record.name).collect();
        if let Some(dup) = same_name
            .iter()
            .find(|r| r.rtype == record.rtype && r.set_id == record.set_id)
        {
            let at = dup
                .origin
                .as_ref()
                .map(|l| format!(" (first at {l})"))
                .unwrap_or_default();
            let msg = format!(
                "{} record `{}`{} is declared twice{at}",
                record.rtype.as_str(),
                record.name,
                record
                    .set_id
                    .as_ref()
                    .map(|s| format!(" with set identifier `{s}`"))
                    .unwrap_or_default()
            );
            self.refuse("DUPLICATE_RECORD", &record.origin, msg);
            return false;
        }
        let cname_clash = same_name
            .iter()
            .any(|r| (r.rtype == RecordType::Cname) != (record.rtype == RecordType::Cname));
        if cname_clash {
            let msg = format!(
                "`{}` has a CNAME record and other records; DNS allows a CNAME only alone",
                record.name
            );
            self.refuse("CNAME_CONFLICT", &record.origin, msg);
            return false;
        }
        let z = &mut self.net.zones[zone.index()];
        z.by_name
            .entry(record.name.clone())
            .or_default()
            .push(z.records.len() as u32);
        z.records.push(record);
        true
    }

    /// Adds a Route 53 Resolver rule.
    pub fn add_resolver_rule(&mut self, mut rule: ResolverRule) -> Option<ResolverRuleIdx> {
        match dns_name(&rule.domain) {
            Ok(n) => rule.domain = n,
            Err(why) => {
                let msg = format!("resolver rule `{}`: {why}", rule.meta.label());
                self.refuse("BAD_DNS_NAME", &rule.meta.origin, msg);
                return None;
            }
        }
        if rule.kind == ResolverRuleKind::Forward && rule.targets.is_empty() {
            let msg = format!(
                "forwarding rule `{}` for `{}` has no target resolvers",
                rule.meta.label(),
                rule.domain
            );
            self.refuse("RULE_WITHOUT_TARGETS", &rule.meta.origin, msg);
            return None;
        }
        let idx = ResolverRuleIdx(self.net.resolver_rules.len() as u32);
        if !self.register(&rule.meta, AnyIdx::ResolverRule(idx)) {
            return None;
        }
        rule.vpcs.sort();
        rule.vpcs.dedup();
        self.net
            .rules_by_domain
            .entry(rule.domain.clone())
            .or_default()
            .push(idx);
        self.net.resolver_rules.push(rule);
        Some(idx)
    }
}

impl NetworkBuilder {
    /// Adds a transit gateway.
    pub fn add_transit_gateway(&mut self, tgw: TransitGateway) -> Option<TgwIdx> {
        let idx = TgwIdx(self.net.tgws.len() as u32);
        if !self.register(&tgw.meta, AnyIdx::TransitGateway(idx)) {
            return None;
        }
        self.note_account(&tgw.account);
        self.net.tgws.push(tgw);
        Some(idx)
    }

    /// Adds a transit gateway route table; its routes are checked one by one (see
    /// [`NetworkBuilder::add_tgw_route`]); propagations come with
    /// [`NetworkBuilder::add_tgw_propagation`].
    pub fn add_tgw_route_table(&mut self, mut rt: TgwRouteTable) -> Option<TgwRouteTableIdx> {
        let idx = TgwRouteTableIdx(self.net.tgw_route_tables.len() as u32);
        if !self.register(&rt.meta, AnyIdx::TgwRouteTable(idx)) {
            return None;
        }
        let routes = std::mem::take(&mut rt.routes);
        let propagations = std::mem::take(&mut rt.propagations);
        self.net.tgw_route_tables.push(rt);
        for r in routes {
            self.add_tgw_route(idx, r);
        }
        for a in propagations {
            self.add_tgw_propagation(idx, a);
        }
        Some(idx)
    }

    /// Adds an attachment. Refused when a VPC attachment names a subnet of another VPC
    /// or two subnets in one Availability Zone, or when an association names a route
    /// table of another gateway.
    pub fn add_tgw_attachment(&mut self, att: TgwAttachment) -> Option<TgwAttachmentIdx> {
        let label = att.meta.label();
        if let TgwAttachmentKind::Vpc { vpc, subnets, .. } = &att.kind {
            let mut azs: Vec<&str> = Vec::new();
            for s in subnets {
                let sub = &self.net.subnets[s.index()];
                if sub.vpc != *vpc {
                    let msg = format!(
                        "transit gateway attachment `{label}` names subnet `{}` of another VPC",
                        sub.meta.label()
                    );
                    self.refuse("ASSOCIATION_OTHER_VPC", &att.meta.origin, msg);
                    return None;
                }
                if azs.contains(&sub.az.as_str()) {
                    let msg = format!(
                        "transit gateway attachment `{label}` has two subnets in {}; AWS allows one per Availability Zone",
                        sub.az
                    );
                    self.refuse("TGW_ATTACHMENT_AZ_TWICE", &att.meta.origin, msg);
                    return None;
                }
                azs.push(&sub.az);
            }
        }
        let wrong_table = |rt: Option<TgwRouteTableIdx>, tgw: Option<TgwIdx>| {
            rt.is_some_and(|r| Some(self.net.tgw_route_tables[r.index()].tgw) != tgw)
        };
        let peer_side = match &att.kind {
            TgwAttachmentKind::Peering {
                peer,
                peer_association,
                ..
            } => wrong_table(*peer_association, *peer),
            _ => false,
        };
        if wrong_table(att.association, Some(att.tgw)) || peer_side {
            let msg = format!(
                "transit gateway attachment `{label}` is associated with a route table of another transit gateway"
            );
            self.refuse("ASSOCIATION_OTHER_TGW", &att.meta.origin, msg);
            return None;
        }
        let idx = TgwAttachmentIdx(self.net.tgw_attachments.len() as u32);
        if !self.register(&att.meta, AnyIdx::TgwAttachment(idx)) {
            return None;
        }
        self.net.tgw_attachments.push(att);
        Some(idx)
    }

    /// Adds a route to a transit gateway route table: its attachment must be on the
    /// table's gateway, and one prefix has at most one static route.
    pub fn add_tgw_route(&mut self, rt: TgwRouteTableIdx, route: TgwRoute) -> bool {
        let table = &self.net.tgw_route_tables[rt.index()];
        if let TgwRouteTarget::Attachment(a) = route.target {
            let att = &self.net.tgw_attachments[a.index()];
            if !att.is_on(table.tgw) {
                let msg = format!(
                    "route {} in transit gateway route table `{}` names attachment `{}` of another transit gateway",
                    route.destination,
                    table.meta.label(),
                    att.meta.label()
                );
                self.refuse("TGW_ROUTE_OTHER_TGW", &route.origin, msg);
                return false;
            }
        }
        let duplicate = route.kind == TgwRouteKind::Static
            && table
                .routes
                .iter()
                .any(|r| r.kind == TgwRouteKind::Static && r.destination == route.destination);
        if duplicate {
            let msg = format!(
                "transit gateway route table `{}` has two static routes for {}",
                table.meta.label(),
                route.destination
            );
            self.refuse("DUPLICATE_ROUTE", &route.origin, msg);
            return false;
        }
        self.net.tgw_route_tables[rt.index()].routes.push(route);
        true
    }

    /// Makes an attachment propagate its routes into a route table of its gateway.
    /// Peering attachments do not propagate (AWS supports static routes only).
    pub fn add_tgw_propagation(&mut self, rt: TgwRouteTableIdx, att: TgwAttachmentIdx) -> bool {
        let table = &self.net.tgw_route_tables[rt.index()];
        let a = &self.net.tgw_attachments[att.index()];
        let origin = table.meta.origin.clone();
        if !a.is_on(table.tgw) {
            let msg = format!(
                "transit gateway route table `{}` cannot learn routes from attachment `{}` of another transit gateway",
                table.meta.label(),
                a.meta.label()
            );
            self.refuse("TGW_ROUTE_OTHER_TGW", &origin, msg);
            return false;
        }
        if matches!(a.kind, TgwAttachmentKind::Peering { .. }) {
            let msg = format!(
                "peering attachment `{}` cannot propagate routes into `{}`: transit gateway peering supports static routes only",
                a.meta.label(),
                table.meta.label()
            );
            self.refuse("TGW_PEERING_PROPAGATION", &origin, msg);
            return false;
        }
        let t = &mut self.net.tgw_route_tables[rt.index()];
        if !t.propagations.contains(&att) {
            t.propagations.push(att);
        }
        true
    }
}

impl NetworkBuilder {
    /// Adds a VPC endpoint. Refused when a route table or interface it names is in
    /// another VPC, or when an interface already belongs to something else.
    pub fn add_vpc_endpoint(&mut self, ep: VpcEndpoint) -> Option<VpcEndpointIdx> {
        let label = ep.meta.label();
        let foreign_rt = ep
            .route_tables
            .iter()
            .any(|r| self.net.route_tables[r.index()].vpc != ep.vpc);
        let foreign_eni = ep
            .enis
            .iter()
            .any(|e| self.net.subnets[self.net.enis[e.index()].subnet.index()].vpc != ep.vpc);
        if foreign_rt || foreign_eni {
            let msg =
                format!("VPC endpoint `{label}` names a route table or interface of another VPC");
            self.refuse("ASSOCIATION_OTHER_VPC", &ep.meta.origin, msg);
            return None;
        }
        if let Some(e) = ep.enis.iter().find(|e| {
            self.net.nat_of_eni.contains_key(e) || self.net.endpoint_of_eni.contains_key(e)
        }) {
            let msg = format!(
                "VPC endpoint `{label}` names interface `{}`, which already belongs to another resource",
                self.net.enis[e.index()].meta.label()
            );
            self.refuse("INTERFACE_IN_USE", &ep.meta.origin, msg);
            return None;
        }
        let idx = VpcEndpointIdx(self.net.endpoints.len() as u32);
        if !self.register(&ep.meta, AnyIdx::VpcEndpoint(idx)) {
            return None;
        }
        for e in &ep.enis {
            self.net.endpoint_of_eni.insert(*e, idx);
        }
        self.net.endpoints.push(ep);
        Some(idx)
    }
}

impl NetworkBuilder {
    /// Adds a target group. A target whose interface is given must own its address.
    pub fn add_target_group(&mut self, tg: TargetGroup) -> Option<TargetGroupIdx> {
        if let Some(t) = tg
            .targets
            .iter()
            .find(|t| t.eni.is_some_and(|e| !self.net.enis[e.index()].owns(t.ip)))
        {
            let msg = format!(
                "target group `{}` registers {} on an interface that does not have that address",
                tg.meta.label(),
                t.ip
            );
            self.refuse("TARGET_ADDRESS_MISMATCH", &tg.meta.origin, msg);
            return None;
        }
        let idx = TargetGroupIdx(self.net.target_groups.len() as u32);
        if !self.register(&tg.meta, AnyIdx::TargetGroup(idx)) {
            return None;
        }
        self.net.target_groups.push(tg);
        Some(idx)
    }

    /// Adds a load balancer. Refused when an interface it names is in another VPC or
    /// already belongs to something else, or when two listeners share a port and
    /// protocol.
    pub fn add_load_balancer(&mut self, lb: LoadBalancer) -> Option<LbIdx> {
        let label = lb.meta.label();
        if lb
            .enis
            .iter()
            .any(|e| self.net.subnets[self.net.enis[e.index()].subnet.index()].vpc != lb.vpc)
        {
            let msg = format!("load balancer `{label}` names an interface of another VPC");
            self.refuse("ASSOCIATION_OTHER_VPC", &lb.meta.origin, msg);
            return None;
        }
        if lb.enis.iter().any(|e| {
            self.net.nat_of_eni.contains_key(e)
                || self.net.endpoint_of_eni.contains_key(e)
                || self.net.lb_of_eni.contains_key(e)
        }) {
            let msg = format!(
                "load balancer `{label}` names an interface that belongs to another resource"
            );
            self.refuse("INTERFACE_IN_USE", &lb.meta.origin, msg);
            return None;
        }
        for (i, l) in lb.listeners.iter().enumerate() {
            if lb.listeners[..i]
                .iter()
                .any(|o| o.port == l.port && o.protocol.eq_ignore_ascii_case(&l.protocol))
            {
                let msg = format!(
                    "load balancer `{label}` has two {} listeners on port {}",
                    l.protocol, l.port
                );
                self.refuse("DUPLICATE_LISTENER", &lb.meta.origin, msg);
                return None;
            }
        }
        let idx = LbIdx(self.net.lbs.len() as u32);
        if !self.register(&lb.meta, AnyIdx::LoadBalancer(idx)) {
            return None;
        }
        for e in &lb.enis {
            self.net.lb_of_eni.insert(*e, idx);
        }
        self.net.lbs.push(lb);
        Some(idx)
    }

    /// Adds an endpoint service; its load balancers must be network load balancers.
    pub fn add_endpoint_service(&mut self, svc: EndpointService) -> Option<EndpointServiceIdx> {
        if let Some(lb) = svc
            .load_balancers
            .iter()
            .find(|l| self.net.lbs[l.index()].kind != LbKind::Network)
        {
            let msg = format!(
                "endpoint service `{}` names load balancer `{}`, which is not a network load balancer",
                svc.meta.label(),
                self.net.lbs[lb.index()].meta.label()
            );
            self.refuse("ENDPOINT_SERVICE_NOT_NLB", &svc.meta.origin, msg);
            return None;
        }
        let idx = EndpointServiceIdx(self.net.endpoint_services.len() as u32);
        if !self.register(&svc.meta, AnyIdx::EndpointService(idx)) {
            return None;
        }
        self.note_account(&svc.account);
        self.net.endpoint_services.push(svc);
        Some(idx)
    }
}

impl NetworkBuilder {
    /// Sets the tunnels of a VPN appliance (`forwarding: Vpn`).
    pub fn set_vpn(&mut self, instance: InstanceIdx, config: VpnConfig) {
        self.net.vpn.insert(instance, config);
    }

    /// Sets the upstreams of a proxy instance (`forwarding: Proxy`).
    pub fn set_proxy_routes(&mut self, instance: InstanceIdx, routes: Vec<ProxyRoute>) {
        self.net.proxy_routes.insert(instance, routes);
    }
}

impl NetworkBuilder {
    /// Sets the overlay mesh (its name and policy); nodes come with
    /// [`NetworkBuilder::add_tailnet_node`]. A second mesh replaces the first's policy.
    pub fn set_tailnet(&mut self, tailnet: Tailnet) {
        self.net.tailnet = Some(tailnet);
    }

    /// Adds a mesh node. Refused when one of its addresses is another node's, or when
    /// its interface already runs a node.
    pub fn add_tailnet_node(&mut self, node: TailnetNode) -> Option<TailnetNodeIdx> {
        let label = node.meta.label();
        if let Some(a) = node
            .addrs
            .iter()
            .find(|a| self.net.node_by_addr.contains_key(a))
        {
            let msg = format!("tailnet node `{label}` has address {a}, which another node has");
            self.refuse("DUPLICATE_ADDRESS", &node.meta.origin, msg);
            return None;
        }
        if let Some(e) = node.eni.filter(|e| self.net.node_of_eni.contains_key(e)) {
            let msg = format!(
                "tailnet node `{label}` runs on interface `{}`, which already runs another node",
                self.net.enis[e.index()].meta.label()
            );
            self.refuse("INTERFACE_IN_USE", &node.meta.origin, msg);
            return None;
        }
        let idx = TailnetNodeIdx(self.net.tailnet_nodes.len() as u32);
        if !self.register(&node.meta, AnyIdx::TailnetNode(idx)) {
            return None;
        }
        for a in &node.addrs {
            self.net.node_by_addr.insert(*a, idx);
        }
        if let Some(e) = node.eni {
            self.net.node_of_eni.insert(e, idx);
        }
        self.net.tailnet_nodes.push(node);
        Some(idx)
    }
}

impl NetworkBuilder {
    /// Adds a flow log. Refused when what it watches is not a VPC, subnet, interface,
    /// transit gateway or attachment.
    pub fn add_flow_log(&mut self, log: FlowLog) -> Option<FlowLogIdx> {
        if !matches!(
            log.resource,
            AnyIdx::Vpc(_)
                | AnyIdx::Subnet(_)
                | AnyIdx::Interface(_)
                | AnyIdx::TransitGateway(_)
                | AnyIdx::TgwAttachment(_)
        ) {
            let msg = format!(
                "flow log `{}` watches a {}; flow logs watch VPCs, subnets, interfaces and transit gateways",
                log.meta.label(),
                log.resource.kind()
            );
            self.refuse("FLOW_LOG_RESOURCE", &log.meta.origin, msg);
            return None;
        }
        let idx = FlowLogIdx(self.net.flow_logs.len() as u32);
        if !self.register(&log.meta, AnyIdx::FlowLog(idx)) {
            return None;
        }
        self.net.flow_logs.push(log);
        Some(idx)
    }
}

/// Checks (and normalises) a record's values against its type.
fn check_record_values(record: &mut RecordSet) -> Result<(), String> {
    if let Some(alias) = &mut record.alias {
        if !record.values.is_empty() {
            return Err("an alias record has no values of its own".to_owned());
        }
        alias.target = dns_name(&alias.target).map_err(|why| format!("alias target: {why}"))?;
        return Ok(());
    }
    if record.values.is_empty() {
        return Err("it has neither values nor an alias target".to_owned());
    }
    match record.rtype {
        RecordType::A => {
            for v in &record.values {
                if v.trim().parse::<Ipv4Addr>().is_err() {
                    return Err(format!("`{v}` is not an IPv4 address"));
                }
            }
        }
        RecordType::Aaaa => {
            for v in &record.values {
                if v.trim().parse::<std::net::Ipv6Addr>().is_err() {
                    return Err(format!("`{v}` is not an IPv6 address"));
                }
            }
        }
        RecordType::Cname => {
            if record.values.len() != 1 {
                return Err(format!(
                    "a CNAME has exactly one target, not {}",
                    record.values.len()
                ));
            }
            record.values[0] = dns_name(&record.values[0])?;
        }
        RecordType::Other(_) => {}
    }
    for v in &mut record.values {
        *v = v.trim().to_owned();
    }
    Ok(())
}

fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses_are_the_first_four_and_the_last() {
        let s: Ipv4Net = "10.0.1.0/24".parse().unwrap();
        let reserved: Vec<u8> = (0..=255u8)
            .filter(|o| is_reserved(s, Ipv4Addr::new(10, 0, 1, *o)))
            .collect();
        assert_eq!(reserved, vec![0, 1, 2, 3, 255]);
    }
}

#[cfg(test)]
mod refusals {
    use super::*;
    use crate::proto::{L4Match, Protocol};

    fn vpc(b: &mut NetworkBuilder, id: &str, cidr: &str) -> VpcIdx {
        b.add_vpc(Vpc {
            meta: Meta::new(id, None),
            account: "111111111111".into(),
            region: "us-east-1".into(),
            cidrs: vec![cidr.parse().unwrap()],
            ipv6_cidrs: vec![],
            main_route_table: None,
            default_nacl: None,
            dns_support: true,
            dns_hostnames: false,
            described: true,
        })
        .unwrap()
    }

    fn codes(b: NetworkBuilder) -> Vec<&'static str> {
        b.finish().1.into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_route_over_a_peering_the_vpc_is_not_part_of() {
        let mut b = NetworkBuilder::new();
        let (a, x, y) = (
            vpc(&mut b, "vpc-a", "10.0.0.0/16"),
            vpc(&mut b, "vpc-x", "10.1.0.0/16"),
            vpc(&mut b, "vpc-y", "10.2.0.0/16"),
        );
        let p = b
            .add_peering(Peering {
                meta: Meta::new("pcx-xy", None),
                requester: x,
                accepter: y,
                status: PeeringStatus::Active,
                requester_dns_resolution: false,
                accepter_dns_resolution: false,
            })
            .unwrap();
        let rt = b
            .add_route_table(
                RouteTable {
                    meta: Meta::new("rtb-a", None),
                    vpc: a,
                    routes: vec![],
                },
                true,
            )
            .unwrap();
        let route = Route {
            destination: RouteDest::Cidr("10.1.0.0/16".parse().unwrap()),
            target: RouteTarget::Peering(p),
            active: true,
            origin: None,
        };
        assert!(!b.add_route(rt, route));
        assert_eq!(codes(b), ["ROUTE_PEERING_NOT_OF_VPC"]);
    }

    #[test]
    fn duplicate_ids_nacl_numbers_and_subnet_overlaps() {
        let mut b = NetworkBuilder::new();
        let a = vpc(&mut b, "vpc-a", "10.0.0.0/16");
        let entry = |n| NaclEntry {
            rule_number: n,
            action: RuleAction::Allow,
            protocol: Protocol::All,
            l4: L4Match::Any,
            cidr: Ipv4Net::default(),
            origin: None,
        };
        let acl = b
            .add_network_acl(
                NetworkAcl {
                    meta: Meta::new("acl-1", None),
                    vpc: a,
                    ingress: vec![entry(100), entry(100), entry(90)],
                    egress: vec![],
                },
                true,
            )
            .unwrap();
        assert_eq!(
            b.network()
                .network_acl(acl)
                .ingress
                .iter()
                .map(|e| e.rule_number)
                .collect::<Vec<_>>(),
            [90, 100]
        );
        assert!(b
            .add_network_acl(
                NetworkAcl {
                    meta: Meta::new("acl-1", None),
                    vpc: a,
                    ingress: vec![],
                    egress: vec![]
                },
                false
            )
            .is_none());
        let subnet = |id: &str, cidr: &str| Subnet {
            meta: Meta::new(id, None),
            vpc: a,
            cidr: cidr.parse().unwrap(),
            ipv6_cidr: None,
            az: "us-east-1a".into(),
            route_table: None,
            nacl: None,
        };
        assert!(b.add_subnet(subnet("subnet-1", "10.0.0.0/24")).is_some());
        assert!(b.add_subnet(subnet("subnet-2", "10.0.0.128/25")).is_none());
        assert!(b.add_subnet(subnet("subnet-3", "10.0.0.0/8")).is_none());
        assert_eq!(
            codes(b),
            [
                "DUPLICATE_NACL_RULE_NUMBER",
                "DUPLICATE_ID",
                "SUBNET_OVERLAP",
                "SUBNET_OUTSIDE_VPC"
            ]
        );
    }
}
