//! Spec (names, strings) to model (indices, addresses), with AWS's defaults filled in.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};
use vpcnet_model::{
    Account, AnyIdx, Diagnostic, EniIdx, FlowTraffic, Forwarding, IcmpMatch, InstanceIdx,
    Interface, InterfaceOwner, InternetGateway, L4Match, Location, Meta, NaclEntry, NaclIdx,
    NatConnectivity, NatIdx, NetworkAcl, NetworkBuilder, Peering, PeeringIdx, PeeringStatus,
    PortRange, PrefixList, PrefixListIdx, PrivateIp, Protocol, Route, RouteDest, RouteTable,
    RouteTableIdx, RouteTarget, RuleAction, SecurityGroup, SgIdx, SgPeer, SgRule, Subnet,
    SubnetIdx, Vpc, VpcIdx,
};

use crate::lenient::Lenient;
use crate::raw::*;

mod dns;
mod endpoint;
mod lb;
mod tailnet;
mod tgw;

const DEFAULT_ACCOUNT: &str = "000000000000";
const DEFAULT_REGION: &str = "us-east-1";

/// Names declared in one VPC, for references.
#[derive(Default)]
struct Scope {
    vpc: Option<VpcIdx>,
    name: String,
    route_tables: HashMap<String, RouteTableIdx>,
    nacls: HashMap<String, NaclIdx>,
    sgs: HashMap<String, SgIdx>,
    subnets: HashMap<String, SubnetIdx>,
    nats: HashMap<String, NatIdx>,
    instances: HashMap<String, InstanceIdx>,
    enis: HashMap<String, EniIdx>,
    igw: Option<(String, vpcnet_model::IgwIdx)>,
}

pub(crate) struct Lowerer<'a> {
    b: &'a mut NetworkBuilder,
    file: Option<&'a str>,
    account: String,
    region: String,
    reserved_ids: HashSet<String>,
    used_ids: HashSet<String>,
    prefix_lists: HashMap<String, PrefixListIdx>,
    vpcs: HashMap<String, VpcIdx>,
    peerings: HashMap<String, PeeringIdx>,
    scopes: Vec<Scope>,
    /// Transit gateway names and ids to ids, for VPC routes.
    tgw_ids: HashMap<String, String>,
    tgw_idx: HashMap<String, vpcnet_model::TgwIdx>,
    /// Load balancers by name and id, for endpoint services.
    lbs: HashMap<String, vpcnet_model::LbIdx>,
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// "no subnet `x` in VPC `y`; known: `a`, `b`": what was asked for and what exists.
fn unknown_message(kind: &str, name: &str, scope: &str, mut known: Vec<&String>) -> String {
    known.sort();
    let list = if known.is_empty() {
        "none is declared".to_owned()
    } else {
        let shown: Vec<String> = known.iter().take(8).map(|k| format!("`{k}`")).collect();
        let more = if known.len() > 8 { ", …" } else { "" };
        format!("known: {}{more}", shown.join(", "))
    };
    format!("no {kind} `{name}` {scope}; {list}")
}

fn tags_with_name(name: &str, tags: &Tags) -> Vec<(String, String)> {
    let mut out = vec![("Name".to_owned(), name.to_owned())];
    out.extend(
        tags.iter()
            .filter(|(k, _)| *k != "Name")
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    out
}

fn collect_ids(spec: &Spec, out: &mut HashSet<String>) {
    fn ok<T>(items: &[Lenient<T>]) -> impl Iterator<Item = &T> {
        items.iter().filter_map(|i| match i {
            Lenient::Ok(t) => Some(t),
            Lenient::Err(_) => None,
        })
    }
    let mut add = |id: &Option<String>| {
        if let Some(id) = id {
            out.insert(id.clone());
        }
    };
    for pl in ok(&spec.prefix_lists) {
        add(&pl.id);
    }
    for p in ok(&spec.peerings) {
        add(&p.id);
    }
    ok(&spec.dns.zones).for_each(|z| add(&z.id));
    ok(&spec.endpoint_services).for_each(|x| add(&x.id));
    ok(&spec.flow_logs).for_each(|x| add(&x.id));
    for t in ok(&spec.transit_gateways) {
        add(&t.id);
        ok(&t.route_tables).for_each(|x| add(&x.id));
        ok(&t.attachments).for_each(|x| add(&x.id));
    }
    ok(&spec.dns.resolver_rules).for_each(|r| add(&r.id));
    for v in ok(&spec.vpcs) {
        add(&v.id);
        ok(&v.target_groups).for_each(|x| add(&x.id));
        for lb in ok(&v.load_balancers) {
            add(&lb.id);
            ok(&lb.interfaces).for_each(|x| add(&x.id));
        }
        for ep in ok(&v.vpc_endpoints) {
            add(&ep.id);
            ok(&ep.interfaces).for_each(|x| add(&x.id));
        }
        if let Some(NamedSpec::Full { id, .. }) = &v.internet_gateway {
            add(id);
        }
        ok(&v.route_tables).for_each(|x| add(&x.id));
        ok(&v.network_acls).for_each(|x| add(&x.id));
        ok(&v.security_groups).for_each(|x| add(&x.id));
        ok(&v.subnets).for_each(|x| add(&x.id));
        ok(&v.nat_gateways).for_each(|x| add(&x.id));
        ok(&v.interfaces).for_each(|x| add(&x.id));
        for i in ok(&v.instances) {
            add(&i.id);
            add(&i.interface_id);
            ok(&i.extra_interfaces).for_each(|x| add(&x.id));
        }
    }
}

impl<'a> Lowerer<'a> {
    pub(crate) fn new(b: &'a mut NetworkBuilder, file: Option<&'a str>, spec: &Spec) -> Self {
        let defaults = spec.defaults.clone().unwrap_or_default();
        let mut reserved_ids = HashSet::new();
        collect_ids(spec, &mut reserved_ids);
        Lowerer {
            b,
            file,
            account: defaults
                .account
                .map(|a| a.normalized())
                .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned()),
            region: defaults.region.unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            reserved_ids,
            used_ids: HashSet::new(),
            prefix_lists: HashMap::new(),
            vpcs: HashMap::new(),
            peerings: HashMap::new(),
            scopes: Vec::new(),
            tgw_ids: HashMap::new(),
            tgw_idx: HashMap::new(),
            lbs: HashMap::new(),
        }
    }

    fn loc(&self, pointer: &str) -> Option<Location> {
        Some(Location::pointer(self.file, pointer))
    }

    fn error(&mut self, code: &'static str, pointer: &str, message: String) {
        let d = Diagnostic::error(code, message).at(self.loc(pointer));
        self.b.report(d);
    }

    fn warning(&mut self, code: &'static str, pointer: &str, message: String) {
        let d = Diagnostic::warning(code, message).at(self.loc(pointer));
        self.b.report(d);
    }

    /// The items of a lenient list that parsed, with their pointers; reports the rest.
    fn items<'s, T>(&mut self, items: &'s [Lenient<T>], base: &str) -> Vec<(&'s T, String)> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let ptr = format!("{base}/{i}");
            match item {
                Lenient::Ok(t) => out.push((t, ptr)),
                Lenient::Err(e) => {
                    let at = format!("{ptr}{}", e.pointer);
                    self.error("SPEC_INVALID", &at, e.message.clone());
                }
            }
        }
        out
    }

    /// An id: the declared one, or one made from the prefix and names.
    fn id(&mut self, declared: &Option<String>, prefix: &str, scope: &str, name: &str) -> String {
        if let Some(id) = declared {
            self.used_ids.insert(id.clone());
            return id.clone();
        }
        let base = format!("{prefix}-{}", slug(name));
        let mut candidates = vec![base.clone()];
        if !scope.is_empty() {
            candidates.push(format!("{prefix}-{}-{}", slug(scope), slug(name)));
        }
        for c in candidates {
            if !self.reserved_ids.contains(&c) && !self.used_ids.contains(&c) {
                self.used_ids.insert(c.clone());
                return c;
            }
        }
        let mut n = 2;
        loop {
            let c = format!("{base}-{n}");
            if !self.reserved_ids.contains(&c) && !self.used_ids.contains(&c) {
                self.used_ids.insert(c.clone());
                return c;
            }
            n += 1;
        }
    }

    fn meta(
        &mut self,
        declared: &Option<String>,
        prefix: &str,
        scope: &str,
        name: &str,
        tags: &Tags,
        ptr: &str,
    ) -> Meta {
        Meta {
            id: self.id(declared, prefix, scope, name),
            name: Some(name.to_owned()),
            tags: tags_with_name(name, tags),
            origin: self.loc(ptr),
        }
    }

    fn cidr(&mut self, text: &str, ptr: &str) -> Option<Ipv4Net> {
        match Ipv4Net::from_str(text.trim()) {
            Ok(net) => {
                if net.trunc() != net {
                    self.warning(
                        "CIDR_NOT_CANONICAL",
                        ptr,
                        format!("CIDR `{net}` has host bits set; read as `{}`", net.trunc()),
                    );
                }
                Some(net.trunc())
            }
            Err(_) => {
                let hint = if text.contains(':') {
                    " (IPv6 is not accepted here)"
                } else {
                    ""
                };
                self.error(
                    "BAD_CIDR",
                    ptr,
                    format!("`{text}` is not an IPv4 CIDR such as `10.0.0.0/16`{hint}"),
                );
                None
            }
        }
    }

    fn ip(&mut self, text: &str, ptr: &str) -> Option<Ipv4Addr> {
        match Ipv4Addr::from_str(text.trim()) {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.error(
                    "BAD_ADDRESS",
                    ptr,
                    format!("`{text}` is not an IPv4 address such as `10.0.1.5`"),
                );
                None
            }
        }
    }

    fn unknown(&mut self, kind: &str, name: &str, scope: &str, known: Vec<&String>, ptr: &str) {
        self.error(
            "UNKNOWN_REFERENCE",
            ptr,
            unknown_message(kind, name, scope, known),
        );
    }

    /// Looks `name` up in `map`, reporting an unknown reference (with the names that
    /// are known) when it is absent. A free-standing borrow of the builder lets the map
    /// be one of `self`'s own fields.
    #[allow(clippy::too_many_arguments)] // the parts of one message; a struct would only rename them
    fn find<T: Copy>(
        b: &mut NetworkBuilder,
        file: Option<&str>,
        map: &HashMap<String, T>,
        kind: &str,
        name: &str,
        scope: &str,
        ptr: &str,
    ) -> Option<T> {
        if let Some(v) = map.get(name) {
            return Some(*v);
        }
        b.report(
            Diagnostic::error(
                "UNKNOWN_REFERENCE",
                unknown_message(kind, name, scope, map.keys().collect()),
            )
            .at(Some(Location::pointer(file, ptr))),
        );
        None
    }

    /// Runs the whole lowering.
    pub(crate) fn lower(mut self, spec: &Spec) {
        for (a, _) in self.items(&spec.accounts, "/accounts") {
            let acct = Account {
                id: a.id.normalized(),
                name: a.name.clone(),
            };
            self.b.add_account(acct);
        }
        let pls = self.items(&spec.prefix_lists, "/prefix_lists");
        for (pl, ptr) in pls {
            let cidrs: Vec<Ipv4Net> = pl
                .cidrs
                .iter()
                .enumerate()
                .filter_map(|(i, c)| self.cidr(c, &format!("{ptr}/cidrs/{i}")))
                .collect();
            let meta = self.meta(&pl.id, "pl", "", &pl.name, &pl.tags, &ptr);
            let id = meta.id.clone();
            let list = PrefixList {
                meta,
                list_name: pl.name.clone(),
                cidrs,
            };
            if let Some(idx) = self.b.add_prefix_list(list) {
                self.prefix_lists.insert(pl.name.clone(), idx);
                self.prefix_lists.insert(id, idx);
            }
        }
        let vpcs = self.items(&spec.vpcs, "/vpcs");
        for (v, ptr) in &vpcs {
            let scope = self.vpc_first_pass(v, ptr);
            self.scopes.push(scope);
        }
        for (p, ptr) in self.items(&spec.peerings, "/peerings") {
            self.peering(p, &ptr);
        }
        self.transit_gateways(&spec.transit_gateways);
        for (i, (v, ptr)) in vpcs.iter().enumerate() {
            self.vpc_second_pass(i, v, ptr);
        }
        self.endpoint_services(&spec.endpoint_services);
        self.vpn_tunnels(&vpcs);
        self.dns(&spec.dns);
        if let Some(t) = &spec.tailnet {
            self.tailnet(t);
        }
        for (f, ptr) in self.items(&spec.flow_logs, "/flow_logs") {
            self.flow_log(f, &ptr);
        }
    }

    /// Something named in whichever VPC declares it (`VPC/name`, by the VPC's name or
    /// id, picks one): unknown and ambiguous names are reported at `ptr`.
    fn across_vpcs<T: Copy>(
        &mut self,
        text: &str,
        kind: &str,
        ptr: &str,
        pick: impl Fn(&Scope, &str) -> Option<T>,
    ) -> Option<T> {
        let (vpc, name) = match text.split_once('/') {
            Some((v, n)) => (Some(v), n),
            None => (None, text),
        };
        let net = self.b.network();
        let found: Vec<T> = self
            .scopes
            .iter()
            .filter(|s| {
                vpc.is_none_or(|v| s.name == v || s.vpc.is_some_and(|x| net.vpc(x).meta.id == v))
            })
            .filter_map(|s| pick(s, name))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                self.error(
                    "UNKNOWN_REFERENCE",
                    ptr,
                    format!("no {kind} `{text}` in this spec"),
                );
                None
            }
            _ => {
                self.error(
                    "AMBIGUOUS_REFERENCE",
                    ptr,
                    format!("`{text}` names a {kind} in several VPCs; write `VPC/{name}`"),
                );
                None
            }
        }
    }

    /// VPN appliances' tunnels, once every VPC's instances exist (a peer is often in
    /// another VPC, region or account).
    fn vpn_tunnels(&mut self, vpcs: &[(&VpcSpec, String)]) {
        for (i, (v, ptr)) in vpcs.iter().enumerate() {
            for (j, inst) in v.instances.iter().enumerate() {
                let Lenient::Ok(inst) = inst else { continue };
                if inst.vpn_tunnels.is_empty() && !inst.vpn_nat {
                    continue;
                }
                let iptr = format!("{ptr}/instances/{j}");
                let Some(me) = self.scopes[i].instances.get(&inst.name).copied() else {
                    continue;
                };
                if inst.forwarding.as_deref() != Some("vpn") {
                    self.warning(
                        "VPN_TUNNELS_IGNORED",
                        &format!("{iptr}/vpn_tunnels"),
                        format!("instance `{}` lists VPN tunnels but does not forward as a VPN appliance (`forwarding: vpn`)", inst.name),
                    );
                }
                let mut tunnels = Vec::new();
                for (k, t) in inst.vpn_tunnels.iter().enumerate() {
                    let tptr = format!("{iptr}/vpn_tunnels/{k}");
                    let found = self.across_vpcs(
                        &t.peer,
                        "instance",
                        &format!("{tptr}/peer"),
                        |s, name| s.instances.get(name).copied(),
                    );
                    let Some(peer) = found else { continue };
                    let networks = t
                        .networks
                        .iter()
                        .enumerate()
                        .filter_map(|(n, c)| self.cidr(c, &format!("{tptr}/networks/{n}")))
                        .collect();
                    tunnels.push(vpcnet_model::VpnTunnel { peer, networks });
                }
                self.b.set_vpn(
                    me,
                    vpcnet_model::VpnConfig {
                        tunnels,
                        nat: inst.vpn_nat,
                    },
                );
            }
        }
    }

    fn flow_log(&mut self, f: &FlowLogSpec, ptr: &str) {
        let net = self.b.network();
        let resource = net.by_id(&f.resource).or_else(|| {
            let named: Vec<AnyIdx> = net
                .by_name(&f.resource)
                .iter()
                .copied()
                .filter(|i| {
                    matches!(
                        i,
                        AnyIdx::Vpc(_)
                            | AnyIdx::Subnet(_)
                            | AnyIdx::Interface(_)
                            | AnyIdx::TransitGateway(_)
                    )
                })
                .collect();
            (named.len() == 1).then(|| named[0])
        });
        let Some(resource) = resource else {
            self.error(
                "UNKNOWN_REFERENCE",
                &format!("{ptr}/resource"),
                format!(
                    "no VPC, subnet, interface or transit gateway `{}` (or several: use an id)",
                    f.resource
                ),
            );
            return;
        };
        let traffic = match f.traffic.as_deref() {
            None => FlowTraffic::All,
            Some(t) => match FlowTraffic::parse(t) {
                Some(x) => x,
                None => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{ptr}/traffic"),
                        format!("traffic `{t}` is not ACCEPT, REJECT or ALL"),
                    );
                    return;
                }
            },
        };
        let meta = self.meta(&f.id, "fl", "", &f.name, &Tags::new(), ptr);
        self.b.add_flow_log(vpcnet_model::FlowLog {
            meta,
            resource,
            traffic,
            destination: f.destination.clone(),
            format: f.format.clone(),
        });
    }

    fn vpc_first_pass(&mut self, v: &VpcSpec, ptr: &str) -> Scope {
        let mut scope = Scope {
            name: v.name.clone(),
            ..Scope::default()
        };
        let mut cidrs = Vec::new();
        if let Some(c) = &v.cidr {
            cidrs.extend(self.cidr(c, &format!("{ptr}/cidr")));
        }
        for (i, c) in v.cidrs.iter().enumerate() {
            if let Some(net) = self.cidr(c, &format!("{ptr}/cidrs/{i}")) {
                if !cidrs.contains(&net) {
                    cidrs.push(net);
                }
            }
        }
        let mut ipv6 = Vec::new();
        for (i, c) in v.ipv6_cidrs.iter().enumerate() {
            match Ipv6Net::from_str(c) {
                Ok(n) => ipv6.push(n),
                Err(_) => self.error(
                    "BAD_CIDR",
                    &format!("{ptr}/ipv6_cidrs/{i}"),
                    format!("`{c}` is not an IPv6 CIDR"),
                ),
            }
        }
        if cidrs.is_empty() && v.cidr.is_none() && v.cidrs.is_empty() {
            self.error(
                "VPC_WITHOUT_CIDR",
                ptr,
                format!("VPC `{}` needs `cidr` or `cidrs`", v.name),
            );
            return scope;
        }
        let meta = self.meta(&v.id, "vpc", "", &v.name, &v.tags, ptr);
        let vpc_id = meta.id.clone();
        let vpc = Vpc {
            meta,
            account: v
                .account
                .as_ref()
                .map(|a| a.normalized())
                .unwrap_or_else(|| self.account.clone()),
            region: v.region.clone().unwrap_or_else(|| self.region.clone()),
            cidrs: cidrs.clone(),
            ipv6_cidrs: ipv6,
            main_route_table: None,
            default_nacl: None,
            dns_support: v.dns_support.unwrap_or(true),
            dns_hostnames: v.dns_hostnames.unwrap_or(false),
            described: !v.external,
        };
        let region = vpc.region.clone();
        let Some(vidx) = self.b.add_vpc(vpc) else {
            return scope;
        };
        scope.vpc = Some(vidx);
        if self.vpcs.insert(v.name.clone(), vidx).is_some() {
            self.error(
                "DUPLICATE_NAME",
                &format!("{ptr}/name"),
                format!("two VPCs are named `{}`; references use the last", v.name),
            );
        }
        self.vpcs.insert(vpc_id, vidx);
        let cidrs = self.b.network().vpc(vidx).cidrs.clone();

        if let Some(igw) = &v.internet_gateway {
            let (name, id, tags) = match igw {
                NamedSpec::Name(n) => (n.clone(), None, Tags::new()),
                NamedSpec::Full { name, id, tags } => (name.clone(), id.clone(), tags.clone()),
            };
            let meta = self.meta(
                &id,
                "igw",
                &v.name,
                &name,
                &tags,
                &format!("{ptr}/internet_gateway"),
            );
            let igw_id = meta.id.clone();
            if let Some(i) = self.b.add_internet_gateway(InternetGateway {
                meta,
                vpc: Some(vidx),
            }) {
                scope.igw = Some((name.clone(), i));
                let _ = igw_id;
            }
        }

        // Network ACLs.
        let mut have_default_acl = false;
        for (acl, aptr) in self.items(&v.network_acls, &format!("{ptr}/network_acls")) {
            let ingress = self.nacl_entries(&acl.ingress, &format!("{aptr}/ingress"));
            let egress = self.nacl_entries(&acl.egress, &format!("{aptr}/egress"));
            let meta = self.meta(&acl.id, "acl", &v.name, &acl.name, &acl.tags, &aptr);
            let id = meta.id.clone();
            let is_default = acl.default && !have_default_acl;
            if let Some(idx) = self.b.add_network_acl(
                NetworkAcl {
                    meta,
                    vpc: vidx,
                    ingress,
                    egress,
                },
                is_default,
            ) {
                have_default_acl |= is_default;
                scope.nacls.insert(acl.name.clone(), idx);
                scope.nacls.insert(id, idx);
            }
        }
        if !have_default_acl {
            let all = |n| NaclEntry {
                rule_number: n,
                action: RuleAction::Allow,
                protocol: Protocol::All,
                l4: L4Match::Any,
                cidr: Ipv4Net::default(),
                origin: None,
            };
            let meta = Meta {
                id: self.id(&None, "acl", &v.name, &format!("{}-default", v.name)),
                name: Some(format!("{}-default", v.name)),
                tags: Vec::new(),
                origin: self.loc(ptr),
            };
            self.b.add_network_acl(
                NetworkAcl {
                    meta,
                    vpc: vidx,
                    ingress: vec![all(100)],
                    egress: vec![all(100)],
                },
                true,
            );
        }

        // Route tables (routes come in the second pass).
        let mut have_main = false;
        for (rt, rptr) in self.items(&v.route_tables, &format!("{ptr}/route_tables")) {
            let meta = self.meta(&rt.id, "rtb", &v.name, &rt.name, &rt.tags, &rptr);
            let id = meta.id.clone();
            let main = rt.main && !have_main;
            if rt.main && have_main {
                self.error(
                    "DUPLICATE_MAIN_ROUTE_TABLE",
                    &format!("{rptr}/main"),
                    format!("VPC `{}` has more than one main route table", v.name),
                );
            }
            if let Some(idx) = self.b.add_route_table(
                RouteTable {
                    meta,
                    vpc: vidx,
                    routes: Vec::new(),
                },
                main,
            ) {
                have_main |= main;
                scope.route_tables.insert(rt.name.clone(), idx);
                scope.route_tables.insert(id, idx);
            }
        }
        if !have_main {
            let name = format!("{}-main", v.name);
            let meta = Meta {
                id: self.id(&None, "rtb", &v.name, &name),
                name: Some(name),
                tags: Vec::new(),
                origin: self.loc(ptr),
            };
            if let Some(idx) = self.b.add_route_table(
                RouteTable {
                    meta,
                    vpc: vidx,
                    routes: Vec::new(),
                },
                true,
            ) {
                self.add_local_routes(idx, &cidrs, &[]);
            }
        }

        // Security groups (rules come in the second pass).
        let mut have_default_sg = false;
        for (sg, sptr) in self.items(&v.security_groups, &format!("{ptr}/security_groups")) {
            let meta = self.meta(&sg.id, "sg", &v.name, &sg.name, &sg.tags, &sptr);
            let id = meta.id.clone();
            if let Some(idx) = self.b.add_security_group(SecurityGroup {
                meta,
                group_name: sg.name.clone(),
                vpc: vidx,
                ingress: Vec::new(),
                egress: Vec::new(),
            }) {
                have_default_sg |= sg.name == "default";
                scope.sgs.insert(sg.name.clone(), idx);
                scope.sgs.insert(id, idx);
            }
        }
        if !have_default_sg {
            let meta = Meta {
                id: self.id(&None, "sg", &v.name, &format!("{}-default", v.name)),
                name: Some("default".to_owned()),
                tags: Vec::new(),
                origin: self.loc(ptr),
            };
            if let Some(idx) = self.b.add_security_group(SecurityGroup {
                meta,
                group_name: "default".to_owned(),
                vpc: vidx,
                ingress: Vec::new(),
                egress: Vec::new(),
            }) {
                let all = |peer| SgRule {
                    protocol: Protocol::All,
                    l4: L4Match::Any,
                    peer,
                    description: None,
                    origin: None,
                };
                self.b.add_sg_rule(idx, false, all(SgPeer::Group(idx)));
                self.b
                    .add_sg_rule(idx, true, all(SgPeer::Cidr(Ipv4Net::default())));
                scope.sgs.insert("default".to_owned(), idx);
            }
        }

        // Subnets.
        for (s, sptr) in self.items(&v.subnets, &format!("{ptr}/subnets")) {
            let Some(cidr) = self.cidr(&s.cidr, &format!("{sptr}/cidr")) else {
                continue;
            };
            let ipv6_cidr = s.ipv6_cidr.as_ref().and_then(|c| Ipv6Net::from_str(c).ok());
            let in_vpc = format!("in VPC `{}`", v.name);
            let route_table = s.route_table.as_ref().and_then(|name| {
                Self::find(
                    self.b,
                    self.file,
                    &scope.route_tables,
                    "route table",
                    name,
                    &in_vpc,
                    &format!("{sptr}/route_table"),
                )
            });
            let nacl = s.network_acl.as_ref().and_then(|name| {
                Self::find(
                    self.b,
                    self.file,
                    &scope.nacls,
                    "network ACL",
                    name,
                    &in_vpc,
                    &format!("{sptr}/network_acl"),
                )
            });
            let meta = self.meta(&s.id, "subnet", &v.name, &s.name, &s.tags, &sptr);
            let id = meta.id.clone();
            let az = s.az.clone().unwrap_or_else(|| format!("{region}a"));
            if let Some(idx) = self.b.add_subnet(Subnet {
                meta,
                vpc: vidx,
                cidr,
                ipv6_cidr,
                az,
                route_table,
                nacl,
            }) {
                if scope.subnets.insert(s.name.clone(), idx).is_some() {
                    self.error(
                        "DUPLICATE_NAME",
                        &format!("{sptr}/name"),
                        format!("two subnets of VPC `{}` are named `{}`", v.name, s.name),
                    );
                }
                scope.subnets.insert(id, idx);
            }
        }

        // NAT gateways.
        for (n, nptr) in self.items(&v.nat_gateways, &format!("{ptr}/nat_gateways")) {
            self.nat_gateway(&mut scope, n, &nptr);
        }

        // Instances and interfaces.
        for (inst, iptr) in self.items(&v.instances, &format!("{ptr}/instances")) {
            self.instance(&mut scope, inst, &iptr);
        }
        for (e, eptr) in self.items(&v.interfaces, &format!("{ptr}/interfaces")) {
            let owner = match &e.owner {
                Some(o) => InterfaceOwner::Other(o.clone()),
                None => InterfaceOwner::None,
            };
            let fields = Fields::of_interface(e);
            self.interface(&mut scope, &e.name, &e.id, &e.tags, &fields, owner, &eptr);
        }
        scope
    }

    fn nacl_entries(&mut self, entries: &[Lenient<NaclEntrySpec>], base: &str) -> Vec<NaclEntry> {
        let mut out = Vec::new();
        for (e, ptr) in self.items(entries, base) {
            if !(1..=32766).contains(&e.rule) {
                self.error(
                    "BAD_RULE_NUMBER",
                    &format!("{ptr}/rule"),
                    format!("rule number {} is not between 1 and 32766", e.rule),
                );
                continue;
            }
            let action = match e.action.to_ascii_lowercase().as_str() {
                "allow" => RuleAction::Allow,
                "deny" => RuleAction::Deny,
                other => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{ptr}/action"),
                        format!("action `{other}` is neither `allow` nor `deny`"),
                    );
                    continue;
                }
            };
            let Some((protocol, l4)) =
                self.protocol_and_l4(&e.protocol, &e.ports, e.icmp_type, e.icmp_code, &ptr)
            else {
                continue;
            };
            let Some(cidr) = self.cidr(&e.cidr, &format!("{ptr}/cidr")) else {
                continue;
            };
            out.push(NaclEntry {
                rule_number: e.rule as u16,
                action,
                protocol,
                l4,
                cidr,
                origin: self.loc(&ptr),
            });
        }
        out
    }

    fn protocol_and_l4(
        &mut self,
        proto: &ProtoSpec,
        ports: &Option<PortsSpec>,
        icmp_type: Option<i32>,
        icmp_code: Option<i32>,
        ptr: &str,
    ) -> Option<(Protocol, L4Match)> {
        let protocol = match proto {
            ProtoSpec::Number(-1) => Some(Protocol::All),
            ProtoSpec::Number(n) => u8::try_from(*n).ok().map(Protocol::Number),
            ProtoSpec::Name(s) => Protocol::parse(s),
        };
        let Some(protocol) = protocol else {
            self.error(
                "BAD_VALUE",
                &format!("{ptr}/protocol"),
                "protocol must be `tcp`, `udp`, `icmp`, `icmpv6`, `all`, `-1` or a number from 0 to 255".to_owned(),
            );
            return None;
        };
        let l4 = match protocol {
            Protocol::All => L4Match::Any,
            Protocol::Number(1 | 58) => {
                let conv = |v: Option<i32>| v.filter(|v| *v >= 0).map(|v| v.min(255) as u8);
                L4Match::Icmp(IcmpMatch {
                    icmp_type: conv(icmp_type),
                    code: conv(icmp_code),
                })
            }
            p if p.has_ports() => match ports {
                None => {
                    self.error(
                        "MISSING_PORTS",
                        ptr,
                        format!("a {protocol} rule needs `ports` (a number, `\"from-to\"` or `\"all\"`)"),
                    );
                    return None;
                }
                Some(ports) => L4Match::Ports(self.ports(ports, &format!("{ptr}/ports"))?),
            },
            _ => L4Match::Any,
        };
        Some((protocol, l4))
    }

    fn ports(&mut self, ports: &PortsSpec, ptr: &str) -> Option<PortRange> {
        let parsed = match ports {
            PortsSpec::Single(n) => u16::try_from(*n).ok().map(PortRange::single),
            PortsSpec::Range(s) => {
                let s = s.trim();
                if s.eq_ignore_ascii_case("all") || s == "-1" {
                    Some(PortRange::ALL)
                } else if let Some((a, b)) = s.split_once('-') {
                    match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                        (Ok(a), Ok(b)) => PortRange::new(a, b),
                        _ => None,
                    }
                } else {
                    s.parse::<u16>().ok().map(PortRange::single)
                }
            }
        };
        if parsed.is_none() {
            let shown = match ports {
                PortsSpec::Single(n) => n.to_string(),
                PortsSpec::Range(s) => s.clone(),
            };
            self.error(
                "BAD_PORTS",
                ptr,
                format!("`{shown}` is not a port (0-65535), a range `\"from-to\"` or `\"all\"`"),
            );
        }
        parsed
    }

    fn nat_gateway(&mut self, scope: &mut Scope, n: &NatGatewaySpec, ptr: &str) {
        let in_vpc = format!("in VPC `{}`", scope.name);
        let Some(subnet) = Self::find(
            self.b,
            self.file,
            &scope.subnets,
            "subnet",
            &n.subnet,
            &in_vpc,
            &format!("{ptr}/subnet"),
        ) else {
            return;
        };
        let Some(private) = self.ip(&n.private_ip, &format!("{ptr}/private_ip")) else {
            return;
        };
        let public = match &n.public_ip {
            Some(p) => match self.ip(p, &format!("{ptr}/public_ip")) {
                Some(ip) => Some(ip),
                None => return,
            },
            None => None,
        };
        let connectivity = match n.connectivity.as_deref() {
            None if public.is_some() => NatConnectivity::Public,
            None => NatConnectivity::Private,
            Some("public") => NatConnectivity::Public,
            Some("private") => NatConnectivity::Private,
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/connectivity"),
                    format!("connectivity `{other}` is neither `public` nor `private`"),
                );
                return;
            }
        };
        if connectivity == NatConnectivity::Public && public.is_none() {
            self.error(
                "NAT_WITHOUT_EIP",
                ptr,
                format!(
                    "public NAT gateway `{}` needs `public_ip` (its Elastic IP)",
                    n.name
                ),
            );
        }
        if connectivity == NatConnectivity::Private && public.is_some() {
            self.error(
                "BAD_VALUE",
                &format!("{ptr}/public_ip"),
                format!("private NAT gateway `{}` cannot have a public IP", n.name),
            );
        }
        let public = public.filter(|_| connectivity == NatConnectivity::Public);
        let meta = self.meta(&n.id, "nat", &scope.name, &n.name, &n.tags, ptr);
        let id = meta.id.clone();
        let eni_id = self.id(&None, "eni", &scope.name, &n.name);
        let eni = Interface {
            meta: Meta {
                id: eni_id,
                name: Some(format!("{} interface", n.name)),
                tags: Vec::new(),
                origin: self.loc(ptr),
            },
            subnet,
            private_ips: vec![PrivateIp {
                addr: private,
                public,
            }],
            security_groups: Vec::new(),
            source_dest_check: false,
            owner: InterfaceOwner::None,
        };
        let state = n.state.clone().unwrap_or_else(|| "available".to_owned());
        if let Some(idx) = self.b.add_nat_gateway(meta, connectivity, eni, state) {
            scope.nats.insert(n.name.clone(), idx);
            scope.nats.insert(id, idx);
        }
    }

    fn instance(&mut self, scope: &mut Scope, inst: &InstanceSpec, ptr: &str) {
        let forwarding = match inst.forwarding.as_deref() {
            None => None,
            Some("router") => Some(Forwarding::Router),
            Some("nat") => Some(Forwarding::Nat),
            Some("proxy") => Some(Forwarding::Proxy),
            Some("vpn") => Some(Forwarding::Vpn),
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/forwarding"),
                    format!("forwarding `{other}` is not `router`, `nat`, `proxy` or `vpn`"),
                );
                None
            }
        };
        let meta = self.meta(&inst.id, "i", &scope.name, &inst.name, &inst.tags, ptr);
        let id = meta.id.clone();
        let Some(idx) = self.b.add_instance(vpcnet_model::Instance {
            meta,
            interfaces: Vec::new(),
            state: inst.state.clone().unwrap_or_else(|| "running".to_owned()),
            forwarding,
        }) else {
            return;
        };
        scope.instances.insert(inst.name.clone(), idx);
        scope.instances.insert(id, idx);
        if !inst.proxy_routes.is_empty() {
            if forwarding != Some(Forwarding::Proxy) {
                self.warning(
                    "PROXY_ROUTES_IGNORED",
                    &format!("{ptr}/proxy_routes"),
                    format!("instance `{}` lists proxy routes but does not forward as a proxy (`forwarding: proxy`)", inst.name),
                );
            }
            let routes = inst
                .proxy_routes
                .iter()
                .map(|r| vpcnet_model::ProxyRoute {
                    host: r.host.clone(),
                    upstream: r.upstream.clone(),
                    port: r.port,
                })
                .collect();
            self.b.set_proxy_routes(idx, routes);
        }
        let fields = Fields::of_instance(inst);
        let eni_name = format!("{} primary interface", inst.name);
        let eni_id = inst
            .interface_id
            .clone()
            .or_else(|| Some(self.id(&None, "eni", &scope.name, &inst.name)));
        let tags = Tags::new();
        self.interface_named(
            scope,
            &eni_name,
            &eni_id,
            &tags,
            &fields,
            InterfaceOwner::Instance(idx),
            ptr,
            false,
        );
        let extra = self.items(&inst.extra_interfaces, &format!("{ptr}/extra_interfaces"));
        for (e, eptr) in extra {
            let fields = Fields::of_interface(e);
            self.interface(
                scope,
                &e.name,
                &e.id,
                &e.tags,
                &fields,
                InterfaceOwner::Instance(idx),
                &eptr,
            );
        }
    }

    #[allow(clippy::too_many_arguments)] // one call per interface shape; a struct would only rename them
    fn interface(
        &mut self,
        scope: &mut Scope,
        name: &str,
        id: &Option<String>,
        tags: &Tags,
        f: &Fields<'_>,
        owner: InterfaceOwner,
        ptr: &str,
    ) {
        self.interface_named(scope, name, id, tags, f, owner, ptr, true);
    }

    #[allow(clippy::too_many_arguments)] // see `interface`
    fn interface_named(
        &mut self,
        scope: &mut Scope,
        name: &str,
        id: &Option<String>,
        tags: &Tags,
        f: &Fields<'_>,
        owner: InterfaceOwner,
        ptr: &str,
        register_name: bool,
    ) {
        let in_vpc = format!("in VPC `{}`", scope.name);
        let Some(subnet) = Self::find(
            self.b,
            self.file,
            &scope.subnets,
            "subnet",
            f.subnet,
            &in_vpc,
            &format!("{ptr}/subnet"),
        ) else {
            return;
        };
        let Some(primary) = self.ip(f.private_ip, &format!("{ptr}/private_ip")) else {
            return;
        };
        let public = match f.public_ip {
            Some(p) => self.ip(p, &format!("{ptr}/public_ip")),
            None => None,
        };
        let mut ips = vec![PrivateIp {
            addr: primary,
            public,
        }];
        for (i, s) in f.secondary_ips.iter().enumerate() {
            if let Some(ip) = self.ip(s, &format!("{ptr}/secondary_ips/{i}")) {
                ips.push(PrivateIp {
                    addr: ip,
                    public: None,
                });
            }
        }
        let mut sgs = Vec::new();
        match f.security_groups {
            Some(list) => {
                for (i, g) in list.iter().enumerate() {
                    if let Some(sg) =
                        self.sg_ref(scope, g, &format!("{ptr}/security_groups/{i}"), false)
                    {
                        sgs.push(sg);
                    }
                }
            }
            None => sgs.extend(scope.sgs.get("default").copied()),
        }
        let meta = if register_name {
            self.meta(id, "eni", &scope.name, name, tags, ptr)
        } else {
            // An instance's primary interface: the instance carries the name.
            Meta {
                id: id.clone().unwrap_or_default(),
                name: None,
                tags: Vec::new(),
                origin: self.loc(ptr),
            }
        };
        let eni_id = meta.id.clone();
        if let Some(idx) = self.b.add_interface(Interface {
            meta,
            subnet,
            private_ips: ips,
            security_groups: sgs,
            source_dest_check: f.source_dest_check.unwrap_or(true),
            owner,
        }) {
            if register_name {
                scope.enis.insert(name.to_owned(), idx);
            }
            scope.enis.insert(eni_id, idx);
        }
    }

    /// A security group reference: a name in this VPC, `vpc/name`, or an id anywhere.
    fn sg_ref(&mut self, scope: &Scope, text: &str, ptr: &str, rule: bool) -> Option<SgIdx> {
        if let Some(sg) = scope.sgs.get(text) {
            return Some(*sg);
        }
        if let Some((vpc, name)) = text.split_once('/') {
            if let Some(other) = self.scopes.iter().find(|s| s.name == vpc) {
                if let Some(sg) = other.sgs.get(name) {
                    return Some(*sg);
                }
            }
        }
        if let Some(sg) = self.b.network().by_id_as(text) {
            return Some(sg);
        }
        if rule && text.starts_with("sg-") {
            // AWS allows rules that name another account's group; it matches nothing here.
            let d = Diagnostic::note(
                "FOREIGN_GROUP",
                format!("security group `{text}` is not in the input (another account's?); the rule matches no address here"),
            )
            .at(self.loc(ptr));
            self.b.report(d);
            return None;
        }
        let known = scope.sgs.keys().collect();
        let s = format!(
            "in VPC `{}` (use `vpc-name/group-name` or an id for another VPC's)",
            scope.name
        );
        self.unknown("security group", text, &s, known, ptr);
        None
    }

    fn add_local_routes(&mut self, rt: RouteTableIdx, cidrs: &[Ipv4Net], declared: &[Ipv4Net]) {
        for c in cidrs {
            if declared.contains(c) {
                continue;
            }
            self.b.add_route(
                rt,
                Route {
                    destination: RouteDest::Cidr(*c),
                    target: RouteTarget::Local,
                    active: true,
                    origin: None,
                },
            );
        }
    }

    fn peering(&mut self, p: &PeeringSpec, ptr: &str) {
        let side = |this: &mut Self, name: &str, field: &str| match this.vpcs.get(name) {
            Some(v) => Some(*v),
            None => {
                let known: Vec<&String> = this.scopes.iter().map(|s| &s.name).collect();
                let known: Vec<String> = known.into_iter().cloned().collect();
                this.unknown(
                    "VPC",
                    name,
                    "in this spec",
                    known.iter().collect(),
                    &format!("{ptr}/{field}"),
                );
                None
            }
        };
        let requester = side(self, &p.requester, "requester");
        let accepter = side(self, &p.accepter, "accepter");
        let (Some(requester), Some(accepter)) = (requester, accepter) else {
            return;
        };
        let status = match &p.status {
            None => PeeringStatus::Active,
            Some(s) => match PeeringStatus::parse(s) {
                Some(st) => st,
                None => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{ptr}/status"),
                        format!("peering status `{s}` is not one of `active`, `pending-acceptance`, `provisioning`, `failed`, `rejected`, `expired`, `deleted`"),
                    );
                    return;
                }
            },
        };
        let meta = self.meta(&p.id, "pcx", "", &p.name, &p.tags, ptr);
        let id = meta.id.clone();
        if let Some(idx) = self.b.add_peering(Peering {
            meta,
            requester,
            accepter,
            status,
            requester_dns_resolution: p.requester_dns_resolution,
            accepter_dns_resolution: p.accepter_dns_resolution,
        }) {
            self.peerings.insert(p.name.clone(), idx);
            self.peerings.insert(id, idx);
        }
    }

    fn vpc_second_pass(&mut self, i: usize, v: &VpcSpec, ptr: &str) {
        let scope = std::mem::take(&mut self.scopes[i]);
        if let Some(vidx) = scope.vpc {
            let cidrs = self.b.network().vpc(vidx).cidrs.clone();
            for (rt, rptr) in self.items(&v.route_tables, &format!("{ptr}/route_tables")) {
                let Some(&idx) = scope.route_tables.get(&rt.name) else {
                    continue;
                };
                let mut declared_local = Vec::new();
                let mut routes = Vec::new();
                for (r, routeptr) in self.items(&rt.routes, &format!("{rptr}/routes")) {
                    if let Some(route) = self.route(&scope, r, &routeptr) {
                        if let (RouteTarget::Local, RouteDest::Cidr(c)) =
                            (&route.target, &route.destination)
                        {
                            declared_local.push(*c);
                        }
                        routes.push(route);
                    }
                }
                self.add_local_routes(idx, &cidrs, &declared_local);
                for r in routes {
                    self.b.add_route(idx, r);
                }
            }
            for (sg, sptr) in self.items(&v.security_groups, &format!("{ptr}/security_groups")) {
                let Some(&idx) = scope.sgs.get(&sg.name) else {
                    continue;
                };
                for (r, rptr) in self.items(&sg.ingress, &format!("{sptr}/ingress")) {
                    if let Some(rule) = self.sg_rule(&scope, idx, r, &rptr) {
                        self.b.add_sg_rule(idx, false, rule);
                    }
                }
                match &sg.egress {
                    Some(rules) => {
                        for (r, rptr) in self.items(rules, &format!("{sptr}/egress")) {
                            if let Some(rule) = self.sg_rule(&scope, idx, r, &rptr) {
                                self.b.add_sg_rule(idx, true, rule);
                            }
                        }
                    }
                    None => self.b.add_sg_rule(
                        idx,
                        true,
                        SgRule {
                            protocol: Protocol::All,
                            l4: L4Match::Any,
                            peer: SgPeer::Cidr(Ipv4Net::default()),
                            description: Some("default: all traffic out".to_owned()),
                            origin: self.loc(&sptr),
                        },
                    ),
                }
            }
        }
        let mut scope = scope;
        self.vpc_endpoints(&mut scope, v, ptr);
        self.load_balancing(&mut scope, v, ptr);
        self.scopes[i] = scope;
    }

    fn route(&mut self, scope: &Scope, r: &RouteSpec, ptr: &str) -> Option<Route> {
        let destination = match (&r.destination, &r.prefix_list) {
            (Some(d), None) => {
                if d.contains(':') {
                    match Ipv6Net::from_str(d) {
                        Ok(n) => RouteDest::Ipv6(n),
                        Err(_) => {
                            self.error(
                                "BAD_CIDR",
                                &format!("{ptr}/destination"),
                                format!("`{d}` is not a CIDR"),
                            );
                            return None;
                        }
                    }
                } else {
                    RouteDest::Cidr(self.cidr(d, &format!("{ptr}/destination"))?)
                }
            }
            (None, Some(pl)) => RouteDest::PrefixList(Self::find(
                self.b,
                self.file,
                &self.prefix_lists,
                "prefix list",
                pl,
                "in this spec",
                &format!("{ptr}/prefix_list"),
            )?),
            _ => {
                self.error(
                    "BAD_ROUTE",
                    ptr,
                    "a route needs exactly one of `destination` and `prefix_list`".to_owned(),
                );
                return None;
            }
        };
        let mut targets: Vec<(&str, RouteTarget)> = Vec::new();
        let in_vpc = format!("in VPC `{}`", scope.name);
        if r.local {
            targets.push(("local", RouteTarget::Local));
        }
        if r.blackhole {
            targets.push(("blackhole", RouteTarget::Blackhole));
        }
        if let Some(igw) = &r.internet_gateway {
            let found = match igw {
                NameOrTrue::Yes(true) => scope.igw.as_ref().map(|g| g.1),
                NameOrTrue::Yes(false) => None,
                NameOrTrue::Name(n) => match &scope.igw {
                    Some((name, idx)) if name == n => Some(*idx),
                    _ => match self.b.network().by_id(n) {
                        Some(vpcnet_model::AnyIdx::InternetGateway(g)) => Some(g),
                        _ => None,
                    },
                },
            };
            match found {
                Some(g) => targets.push(("internet_gateway", RouteTarget::InternetGateway(g))),
                None => {
                    let known: Vec<String> = scope.igw.iter().map(|g| g.0.clone()).collect();
                    let shown = match igw {
                        NameOrTrue::Name(n) => n.clone(),
                        NameOrTrue::Yes(b) => b.to_string(),
                    };
                    self.unknown(
                        "internet gateway",
                        &shown,
                        &in_vpc,
                        known.iter().collect(),
                        &format!("{ptr}/internet_gateway"),
                    );
                    return None;
                }
            }
        }
        macro_rules! lookup {
            ($field:ident, $map:expr, $kind:literal, $variant:expr) => {
                if let Some(name) = &r.$field {
                    let found = Self::find(
                        self.b,
                        self.file,
                        &$map,
                        $kind,
                        name,
                        &in_vpc,
                        &format!("{ptr}/{}", stringify!($field)),
                    )?;
                    targets.push((stringify!($field), $variant(found)));
                }
            };
        }
        lookup!(
            nat_gateway,
            scope.nats,
            "NAT gateway",
            RouteTarget::NatGateway
        );
        lookup!(instance, scope.instances, "instance", RouteTarget::Instance);
        lookup!(
            network_interface,
            scope.enis,
            "network interface",
            RouteTarget::Interface
        );
        if let Some(name) = &r.peering {
            let found = Self::find(
                self.b,
                self.file,
                &self.peerings,
                "peering connection",
                name,
                "in this spec",
                &format!("{ptr}/peering"),
            )?;
            targets.push(("peering", RouteTarget::Peering(found)));
        }
        if let Some(id) = &r.transit_gateway {
            let id = self.tgw_ids.get(id).cloned().unwrap_or_else(|| id.clone());
            targets.push(("transit_gateway", RouteTarget::TransitGateway(id)));
        }
        if let Some(id) = &r.vpc_endpoint {
            targets.push(("vpc_endpoint", RouteTarget::VpcEndpoint(id.clone())));
        }
        if let Some(id) = &r.vpn_gateway {
            targets.push(("vpn_gateway", RouteTarget::VpnGateway(id.clone())));
        }
        if targets.len() != 1 {
            let named: Vec<&str> = targets.iter().map(|t| t.0).collect();
            let msg = if named.is_empty() {
                "a route needs a target: one of `local`, `internet_gateway`, `nat_gateway`, `peering`, `instance`, `network_interface`, `transit_gateway`, `vpc_endpoint`, `vpn_gateway`, `blackhole`".to_owned()
            } else {
                format!(
                    "a route has one target, this one has {}: `{}`",
                    named.len(),
                    named.join("`, `")
                )
            };
            self.error("BAD_ROUTE", ptr, msg);
            return None;
        }
        let active = match r.state.as_deref() {
            None | Some("active") => true,
            Some("blackhole") => false,
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/state"),
                    format!("route state `{other}` is neither `active` nor `blackhole`"),
                );
                return None;
            }
        };
        Some(Route {
            destination,
            target: targets.pop().map(|t| t.1)?,
            active,
            origin: self.loc(ptr),
        })
    }

    fn sg_rule(&mut self, scope: &Scope, this: SgIdx, r: &SgRuleSpec, ptr: &str) -> Option<SgRule> {
        let proto = r
            .protocol
            .clone()
            .unwrap_or(ProtoSpec::Name("all".to_owned()));
        let (protocol, l4) =
            self.protocol_and_l4(&proto, &r.ports, r.icmp_type, r.icmp_code, ptr)?;
        let mut peers = Vec::new();
        if let Some(c) = &r.cidr {
            if c.contains(':') {
                match Ipv6Net::from_str(c) {
                    Ok(n) => peers.push(SgPeer::Ipv6(n)),
                    Err(_) => {
                        self.error(
                            "BAD_CIDR",
                            &format!("{ptr}/cidr"),
                            format!("`{c}` is not a CIDR"),
                        );
                        return None;
                    }
                }
            } else {
                peers.push(SgPeer::Cidr(self.cidr(c, &format!("{ptr}/cidr"))?));
            }
        }
        if let Some(pl) = &r.prefix_list {
            let found = Self::find(
                self.b,
                self.file,
                &self.prefix_lists,
                "prefix list",
                pl,
                "in this spec",
                &format!("{ptr}/prefix_list"),
            )?;
            peers.push(SgPeer::PrefixList(found));
        }
        if let Some(g) = &r.sg {
            match self.sg_ref(scope, g, &format!("{ptr}/sg"), true) {
                Some(sg) => peers.push(SgPeer::Group(sg)),
                None if g.starts_with("sg-") => peers.push(SgPeer::UnknownGroup(g.clone())),
                None => return None,
            }
        }
        if r.self_ {
            peers.push(SgPeer::Group(this));
        }
        if peers.len() != 1 {
            self.error(
                "BAD_RULE",
                ptr,
                format!(
                    "a security group rule needs exactly one peer: `cidr`, `prefix_list`, `sg` or `self` (found {})",
                    peers.len()
                ),
            );
            return None;
        }
        Some(SgRule {
            protocol,
            l4,
            peer: peers.pop()?,
            description: r.description.clone(),
            origin: self.loc(ptr),
        })
    }
}

/// The interface fields shared by instances and standalone interfaces.
struct Fields<'s> {
    subnet: &'s str,
    private_ip: &'s str,
    secondary_ips: &'s [String],
    public_ip: Option<&'s str>,
    security_groups: Option<&'s [String]>,
    source_dest_check: Option<bool>,
}

impl<'s> Fields<'s> {
    fn of_instance(i: &'s InstanceSpec) -> Self {
        Fields {
            subnet: &i.subnet,
            private_ip: &i.private_ip,
            secondary_ips: &i.secondary_ips,
            public_ip: i.public_ip.as_deref(),
            security_groups: i.security_groups.as_deref(),
            source_dest_check: i.source_dest_check,
        }
    }

    fn of_interface(i: &'s InterfaceSpec) -> Self {
        Fields {
            subnet: &i.subnet,
            private_ip: &i.private_ip,
            secondary_ips: &i.secondary_ips,
            public_ip: i.public_ip.as_deref(),
            security_groups: i.security_groups.as_deref(),
            source_dest_check: i.source_dest_check,
        }
    }
}
