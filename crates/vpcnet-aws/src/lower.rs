//! Wire structs to model: ids resolved to indices, in an order where every reference
//! points backwards (VPCs, prefix lists, internet gateways, network ACLs, route
//! tables, security groups and their rules, subnets, instances and interfaces, NAT
//! gateways, peerings, then routes). Each step is given the items it needs, so that
//! the caller can parse each key's files just before its first step and drop them
//! after its last ([`crate::load`]).
//!
//! The same resource may appear more than once in a snapshot (a peering in both
//! accounts' output, a shared VPC in the owner's and a participant's, an interface in
//! `Reservations` and in `NetworkInterfaces`): the first sighting is used and later
//! ones are skipped, quietly when they come from another account or region.
//!
//! The kinds added on top of the VPC core live in submodules, run after it: transit
//! gateways (`tgw`), VPC endpoints (`endpoint`), load balancers and endpoint services
//! (`lb`), Route 53 (`dns`).

mod dns;
mod endpoint;
mod lb;
mod tgw;

pub(crate) use dns::DnsItems;
pub(crate) use lb::{LbItems, ServiceItems};
pub(crate) use tgw::TgwItems;

use std::borrow::Cow;
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};
use vpcnet_model::{
    AnyIdx, Diagnostic, EniIdx, Facet, IcmpMatch, InstanceIdx, Interface, InterfaceOwner, L4Match,
    Location, Meta, NaclEntry, NatConnectivity, NetworkBuilder, PeeringStatus, PortRange,
    PrefixListIdx, PrivateIp, Protocol, Route, RouteDest, RouteTableIdx, RouteTarget, RuleAction,
    Severity, SgIdx, SgPeer, SgRule, SubnetIdx, VpcIdx,
};

use crate::fx::{Map, Set};
use crate::lenient::{Lenient, Proto, Str};
use crate::parse::{At, Contents, FileInfo, Key, Scope};
use crate::raw;

/// The scope recorded in `seen` for an interface added with its instance: its later
/// sighting in `NetworkInterfaces` is the same interface, not a duplicate.
const WITH_INSTANCE: usize = usize::MAX;

/// The account of a VPC whose owner no file says.
const UNKNOWN_ACCOUNT: &str = "unknown";

/// A security group rule's identity, to merge `SecurityGroups` with
/// `SecurityGroupRules` without counting a rule twice.
#[derive(Clone, PartialEq, Eq, Hash)]
struct RuleKey {
    sg: SgIdx,
    egress: bool,
    protocol: Protocol,
    l4: L4Match,
    peer: PeerKey,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum PeerKey {
    Cidr(Ipv4Net),
    Ipv6(Ipv6Net),
    PrefixList(PrefixListIdx),
    Group(SgIdx),
    Unknown(String),
}

impl PeerKey {
    fn of(peer: &SgPeer) -> PeerKey {
        match peer {
            SgPeer::Cidr(c) => PeerKey::Cidr(*c),
            SgPeer::Ipv6(c) => PeerKey::Ipv6(*c),
            SgPeer::PrefixList(p) => PeerKey::PrefixList(*p),
            SgPeer::Group(g) => PeerKey::Group(*g),
            SgPeer::UnknownGroup(id) => PeerKey::Unknown(id.clone()),
        }
    }
}

/// Where a field of an interface sits, relative to the interface's pointer; made into
/// a pointer only when a finding needs it.
#[derive(Clone, Copy)]
enum Rel {
    /// `/<field>`.
    Field(&'static str),
    /// `/<list>/<index>/<field>`.
    Listed(&'static str, usize, &'static str),
}

impl Rel {
    fn under(self, base: &str) -> String {
        match self {
            Rel::Field(f) => format!("{base}/{f}"),
            Rel::Listed(l, i, f) => format!("{base}/{l}/{i}/{f}"),
        }
    }
}

/// A private address and where it is, and its public address and where that is.
type IpField<'s> = (&'s str, Rel, Option<(&'s str, Rel)>);

/// The fields of an interface, from `NetworkInterfaces`, an instance's
/// `NetworkInterfaces`, or the instance itself.
struct EniFields<'s> {
    id: Cow<'s, str>,
    file: usize,
    ptr: String,
    subnet: Option<(&'s str, Rel)>,
    ips: Vec<IpField<'s>>,
    groups: Vec<(&'s str, Rel)>,
    source_dest_check: bool,
    tags: &'s [raw::Tag<'s>],
    owner: InterfaceOwner,
    instance: Option<&'s str>,
}

/// The items of one key a step works on: every file's, in file order.
pub(crate) type Items<'x, T> = [&'x At<T>];

pub(crate) struct Lowerer<'p, 'b> {
    b: &'b mut NetworkBuilder,
    files: &'p [FileInfo],
    scopes: &'p [Scope],
    /// Per scope: whether its files describe security groups (`SecurityGroups` or
    /// `SecurityGroupRules`); set before interfaces are lowered.
    described: Vec<bool>,
    /// Ids already met, with the scope of the first sighting.
    seen: Map<Box<str>, usize>,
    /// Elastic IPs: interface or instance id → (private address, public address).
    eips: Map<Box<str>, Vec<(Ipv4Addr, Ipv4Addr)>>,
    /// The route table each `RouteTables` item became (first sightings only).
    rt_idx: Vec<Option<RouteTableIdx>>,
    /// The group each `SecurityGroups` item became (first sightings only).
    sg_idx: Vec<Option<SgIdx>>,
    /// Rules already added, when `SecurityGroupRules` must be merged in.
    rule_keys: Option<Set<RuleKey>>,
    /// Groups of `SecurityGroupRules` that could not be created (reported once).
    groups_skipped: Set<Box<str>>,
    /// Interfaces described `ELB …` (a load balancer's), by description.
    lb_enis: Map<Box<str>, Vec<EniIdx>>,
    /// VPCs whose `EnableDnsHostnames` the snapshot does not say.
    dns_unknown: Set<Box<str>>,
}

fn tag_name(tags: &[raw::Tag<'_>]) -> Option<String> {
    tags.iter()
        .find(|t| &*t.key == "Name")
        .map(|t| t.value.to_string())
}

fn is_active_state(state: Option<&Str<'_>>) -> bool {
    state.is_none_or(|s| matches!(&**s, "associated" | "available" | "attached"))
}

impl<'p, 'b> Lowerer<'p, 'b> {
    pub(crate) fn new(
        b: &'b mut NetworkBuilder,
        files: &'p [FileInfo],
        scopes: &'p [Scope],
    ) -> Self {
        Lowerer {
            b,
            files,
            scopes,
            described: Vec::new(),
            seen: Map::default(),
            eips: Map::default(),
            rt_idx: Vec::new(),
            sg_idx: Vec::new(),
            rule_keys: None,
            groups_skipped: Set::default(),
            lb_enis: Map::default(),
            dns_unknown: Set::default(),
        }
    }

    /// Moves the findings made so far (the importer's and the builder's) to `out`,
    /// so that each step's findings can be reported in their place whatever order the
    /// steps ran in. `finish` then `from_network` is the builder's own way to go on
    /// building a network; only the findings are left behind.
    pub(crate) fn drain(&mut self, out: &mut Vec<Diagnostic>) {
        let (net, diags) = std::mem::take(self.b).finish();
        *self.b = NetworkBuilder::from_network(net);
        out.extend(diags);
    }

    /// Makes room in `seen` for `n` more ids.
    fn expect_ids(&mut self, n: usize) {
        self.seen.reserve(n);
    }

    // ----- helpers -----------------------------------------------------------------

    fn loc(&self, file: usize, ptr: &str) -> Option<Location> {
        Some(Location::pointer(Some(&self.files[file].path), ptr))
    }

    fn say(&mut self, severity: Severity, code: &'static str, file: usize, ptr: &str, msg: String) {
        let d = match severity {
            Severity::Error => Diagnostic::error(code, msg),
            Severity::Warning => Diagnostic::warning(code, msg),
            Severity::Note => Diagnostic::note(code, msg),
        };
        let d = d.at(self.loc(file, ptr));
        self.b.report(d);
    }

    fn error(&mut self, code: &'static str, file: usize, ptr: &str, msg: String) {
        self.say(Severity::Error, code, file, ptr, msg);
    }

    fn scope(&self, file: usize) -> &'p Scope {
        &self.scopes[self.files[file].scope]
    }

    /// Whether `id` is met for the first time; a second sighting in the same
    /// account and region is noted.
    fn first(&mut self, id: &str, file: usize, ptr: &str) -> bool {
        let scope = self.files[file].scope;
        match self.seen.get(id) {
            None => {
                self.seen.insert(id.into(), scope);
                true
            }
            Some(&s) => {
                if s == scope && !id.is_empty() {
                    let msg = format!(
                        "`{id}` appears again in {}; the first sighting is used",
                        self.scopes[scope].label()
                    );
                    self.say(Severity::Note, "DUPLICATE_RESOURCE", file, ptr, msg);
                }
                false
            }
        }
    }

    /// [`Lowerer::first`] with a record of its own, for a key that tells part of a
    /// resource other keys tell too.
    fn sighting(
        &mut self,
        met: &mut Map<Box<str>, usize>,
        id: &str,
        file: usize,
        ptr: &str,
    ) -> bool {
        let scope = self.files[file].scope;
        match met.get(id) {
            None => {
                met.insert(id.into(), scope);
                true
            }
            Some(&s) => {
                if s == scope && !id.is_empty() {
                    let msg = format!(
                        "`{id}` appears again in {}; the first sighting is used",
                        self.scopes[scope].label()
                    );
                    self.say(Severity::Note, "DUPLICATE_RESOURCE", file, ptr, msg);
                }
                false
            }
        }
    }

    fn meta(&self, id: &str, tags: &[raw::Tag<'_>], file: usize, ptr: &str) -> Meta {
        Meta {
            id: id.to_owned(),
            name: tag_name(tags),
            tags: tags
                .iter()
                .map(|t| (t.key.to_string(), t.value.to_string()))
                .collect(),
            origin: self.loc(file, ptr),
        }
    }

    fn unknown_ref(&mut self, file: usize, ptr: &str, kind: &str, id: &str, then: &str) {
        let msg = format!("no {kind} `{id}` in the snapshot; {then}");
        self.error("UNKNOWN_REFERENCE", file, ptr, msg);
    }

    fn by_id(&self, id: &str) -> Option<AnyIdx> {
        self.b.network().by_id(id)
    }

    fn vpc(&self, id: &str) -> Option<VpcIdx> {
        self.b.network().by_id_as(id)
    }

    fn subnet(&self, id: &str) -> Option<SubnetIdx> {
        self.b.network().by_id_as(id)
    }

    fn sg(&self, id: &str) -> Option<SgIdx> {
        self.b.network().by_id_as(id)
    }

    fn prefix_list(&self, id: &str) -> Option<PrefixListIdx> {
        self.b.network().by_id_as(id)
    }

    fn instance(&self, id: &str) -> Option<InstanceIdx> {
        self.b.network().by_id_as(id)
    }

    fn eni(&self, id: &str) -> Option<EniIdx> {
        self.b.network().by_id_as(id)
    }

    /// Parses an IPv4 CIDR; `ptr` makes the pointer, only for a finding.
    fn cidr(&mut self, text: &str, file: usize, ptr: impl FnOnce() -> String) -> Option<Ipv4Net> {
        match Ipv4Net::from_str(text.trim()) {
            Ok(net) if net.trunc() == net => Some(net),
            Ok(net) => {
                let msg = format!("CIDR `{net}` has host bits set; read as `{}`", net.trunc());
                self.say(Severity::Warning, "CIDR_NOT_CANONICAL", file, &ptr(), msg);
                Some(net.trunc())
            }
            Err(_) => {
                let msg = format!("`{text}` is not an IPv4 CIDR such as `10.0.0.0/16`");
                self.error("BAD_CIDR", file, &ptr(), msg);
                None
            }
        }
    }

    fn cidr6(&mut self, text: &str, file: usize, ptr: impl FnOnce() -> String) -> Option<Ipv6Net> {
        match Ipv6Net::from_str(text.trim()) {
            Ok(net) => Some(net.trunc()),
            Err(_) => {
                let msg = format!("`{text}` is not an IPv6 CIDR such as `2600:1f18::/56`");
                self.error("BAD_CIDR", file, &ptr(), msg);
                None
            }
        }
    }

    fn ip(&mut self, text: &str, file: usize, ptr: impl FnOnce() -> String) -> Option<Ipv4Addr> {
        match Ipv4Addr::from_str(text.trim()) {
            Ok(ip) => Some(ip),
            Err(_) => {
                let msg = format!("`{text}` is not an IPv4 address such as `10.0.1.5`");
                self.error("BAD_ADDRESS", file, &ptr(), msg);
                None
            }
        }
    }

    /// The items of a nested lenient list that parsed, with their indices; reports
    /// the rest (at `base/<index>`).
    fn items<'s, T>(
        &mut self,
        list: &'s [Lenient<T>],
        file: usize,
        base: &str,
        noun: &str,
    ) -> Vec<(&'s T, usize)> {
        let mut out = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            match item {
                Lenient::Ok(t) => out.push((t, i)),
                Lenient::Err(e) => {
                    let msg = format!("{noun} skipped: {}", e.message);
                    let at = format!("{base}/{i}{}", e.pointer);
                    self.error("AWS_INVALID", file, &at, msg);
                }
            }
        }
        out
    }

    // ----- the steps, in the order the caller runs them ------------------------------

    /// "What is missing is said, not guessed": facets absent from a folder with VPCs.
    /// Run last, when every file has been parsed.
    pub(crate) fn note_missing(&mut self, contents: &[Contents]) {
        for (s, h) in self.scopes.iter().zip(contents) {
            if h.vpcs == 0 {
                continue;
            }
            let has = |k: Key| h.keys.contains(&k);
            let scope = s.label();
            if !has(Key::NetworkAcls) {
                self.b.note_missing(Facet::NetworkAcls, scope.clone());
            }
            if !has(Key::SecurityGroups) && !has(Key::SecurityGroupRules) {
                self.b.note_missing(Facet::SecurityGroups, scope.clone());
            }
            if !has(Key::RouteTables) {
                self.b.note_missing(Facet::RouteTables, scope.clone());
            }
            if !has(Key::NetworkInterfaces) {
                self.b.note_missing(Facet::Interfaces, scope);
            }
        }
    }

    /// Records which folders describe security groups; needed before interfaces are
    /// lowered, and known once every file with security groups has been parsed.
    pub(crate) fn set_described(&mut self, contents: &[Contents]) {
        self.described = contents
            .iter()
            .map(|h| {
                h.keys.contains(&Key::SecurityGroups) || h.keys.contains(&Key::SecurityGroupRules)
            })
            .collect();
    }

    /// Elastic IPs, for interfaces whose JSON does not carry the association. Needed
    /// only by interfaces, so run just before them.
    pub(crate) fn index_addresses<'x>(
        &mut self,
        addresses: &Items<'x, raw::Address<'x>>,
        reservations: &Items<'x, raw::Reservation<'x>>,
    ) {
        if addresses.is_empty() {
            return;
        }
        let mut instance_ip: Map<&'x str, &'x str> = Map::default();
        for &r in reservations {
            for i in r.v.instances.iter().filter_map(|i| match i {
                Lenient::Ok(i) => Some(i),
                Lenient::Err(_) => None,
            }) {
                if let Some(ip) = &i.private_ip_address {
                    instance_ip.insert(&i.instance_id, ip);
                }
            }
        }
        for &a in addresses {
            let ptr = format!("/Addresses/{}", a.index);
            let Ok(public) = Ipv4Addr::from_str(&a.v.public_ip) else {
                let msg = format!("`{}` is not an IPv4 address", &*a.v.public_ip);
                self.error("BAD_ADDRESS", a.file, &format!("{ptr}/PublicIp"), msg);
                continue;
            };
            let owner: &'x str = match (&a.v.network_interface_id, &a.v.instance_id) {
                (Some(eni), _) => eni,
                (None, Some(i)) => i,
                (None, None) => continue,
            };
            let private = match &a.v.private_ip_address {
                Some(ip) => Some(&**ip),
                None => {
                    a.v.instance_id
                        .as_deref()
                        .and_then(|i| instance_ip.get(i).copied())
                }
            };
            let Some(private) = private else {
                continue;
            };
            match Ipv4Addr::from_str(private) {
                Ok(private) => {
                    let pairs = self.eips.entry(owner.into()).or_default();
                    if !pairs.iter().any(|(p, _)| *p == private) {
                        pairs.push((private, public));
                    }
                }
                Err(_) => {
                    let msg = format!("`{private}` is not an IPv4 address");
                    self.error(
                        "BAD_ADDRESS",
                        a.file,
                        &format!("{ptr}/PrivateIpAddress"),
                        msg,
                    );
                }
            }
        }
    }

    pub(crate) fn vpcs(&mut self, vpcs: &Items<'_, raw::Vpc<'_>>) {
        self.expect_ids(vpcs.len());
        for &e in vpcs {
            let v = &e.v;
            let ptr = format!("/Vpcs/{}", e.index);
            if !self.first(&v.vpc_id, e.file, &ptr) {
                continue;
            }
            let mut cidrs: Vec<Ipv4Net> = Vec::new();
            if let Some(c) = &v.cidr_block {
                cidrs.extend(self.cidr(c, e.file, || format!("{ptr}/CidrBlock")));
            }
            for (j, a) in v.cidr_block_association_set.iter().enumerate() {
                let state = a.cidr_block_state.as_ref().and_then(|s| s.state.as_ref());
                let (Some(c), true) = (&a.cidr_block, is_active_state(state)) else {
                    continue;
                };
                let at = format!("{ptr}/CidrBlockAssociationSet/{j}/CidrBlock");
                if let Some(net) = self.cidr(c, e.file, || at.clone()) {
                    if !cidrs.contains(&net) {
                        cidrs.push(net);
                    }
                }
            }
            let mut ipv6 = Vec::new();
            for (j, a) in v.ipv6_cidr_block_association_set.iter().enumerate() {
                let state = a
                    .ipv6_cidr_block_state
                    .as_ref()
                    .and_then(|s| s.state.as_ref());
                let (Some(c), true) = (&a.ipv6_cidr_block, is_active_state(state)) else {
                    continue;
                };
                let at = format!("{ptr}/Ipv6CidrBlockAssociationSet/{j}/Ipv6CidrBlock");
                ipv6.extend(self.cidr6(c, e.file, || at.clone()));
            }
            if v.enable_dns_hostnames.is_none() {
                self.dns_unknown.insert((*v.vpc_id).into());
            }
            let scope = self.scope(e.file);
            let account = v
                .owner_id
                .as_deref()
                .or(scope.account.as_deref())
                .unwrap_or(UNKNOWN_ACCOUNT)
                .to_owned();
            let vpc = vpcnet_model::Vpc {
                meta: self.meta(&v.vpc_id, &v.tags, e.file, &ptr),
                account,
                region: scope.region.clone(),
                cidrs,
                ipv6_cidrs: ipv6,
                main_route_table: None,
                default_nacl: None,
                // `describe-vpcs` does not carry the DNS attributes; the collector
                // embeds what `describe-vpc-attribute` says, else these are AWS's
                // defaults (a default VPC has DNS hostnames on).
                dns_support: v
                    .enable_dns_support
                    .as_ref()
                    .and_then(|a| a.value)
                    .unwrap_or(true),
                dns_hostnames: v
                    .enable_dns_hostnames
                    .as_ref()
                    .and_then(|a| a.value)
                    .unwrap_or(v.is_default.unwrap_or(false)),
                described: true,
            };
            self.b.add_vpc(vpc);
        }
    }

    /// `PrefixLists` and `ManagedPrefixLists` merged by id (an AWS-managed list is in
    /// both): the first name, the union of the entries.
    pub(crate) fn prefix_lists<'x>(
        &mut self,
        prefix_lists: &Items<'x, raw::PrefixList<'x>>,
        managed: &Items<'x, raw::ManagedPrefixList<'x>>,
    ) {
        struct Pl<'s> {
            file: usize,
            ptr: String,
            name: Option<&'s str>,
            cidrs: Vec<Ipv4Net>,
            tags: &'s [raw::Tag<'s>],
            entries_known: bool,
        }
        let mut order: Vec<&'x str> = Vec::new();
        let mut lists: Map<&'x str, Pl<'x>> = Map::default();
        let empty: &'x [raw::Tag<'x>] = &[];
        for &e in prefix_lists {
            let ptr = format!("/PrefixLists/{}", e.index);
            let mut cidrs = Vec::new();
            for (j, c) in e.v.cidrs.iter().enumerate() {
                if c.contains(':') {
                    continue;
                }
                cidrs.extend(self.cidr(c, e.file, || format!("{ptr}/Cidrs/{j}")));
            }
            let id: &'x str = &e.v.prefix_list_id;
            match lists.get_mut(id) {
                Some(pl) => {
                    pl.entries_known = true;
                    for c in cidrs {
                        if !pl.cidrs.contains(&c) {
                            pl.cidrs.push(c);
                        }
                    }
                }
                None => {
                    order.push(id);
                    lists.insert(
                        id,
                        Pl {
                            file: e.file,
                            ptr,
                            name: e.v.prefix_list_name.as_deref(),
                            cidrs,
                            tags: empty,
                            entries_known: true,
                        },
                    );
                }
            }
        }
        for &e in managed {
            let ptr = format!("/ManagedPrefixLists/{}", e.index);
            let mut cidrs = Vec::new();
            if let Some(entries) = &e.v.entries {
                let base = format!("{ptr}/Entries");
                for (en, j) in self.items(entries, e.file, &base, "prefix list entry") {
                    if en.cidr.contains(':') {
                        continue;
                    }
                    cidrs.extend(self.cidr(&en.cidr, e.file, || format!("{base}/{j}/Cidr")));
                }
            }
            let id: &'x str = &e.v.prefix_list_id;
            let known = e.v.entries.is_some();
            match lists.get_mut(id) {
                Some(pl) => {
                    pl.entries_known |= known;
                    if pl.tags.is_empty() {
                        pl.tags = &e.v.tags;
                    }
                    for c in cidrs {
                        if !pl.cidrs.contains(&c) {
                            pl.cidrs.push(c);
                        }
                    }
                }
                None => {
                    order.push(id);
                    lists.insert(
                        id,
                        Pl {
                            file: e.file,
                            ptr,
                            name: e.v.prefix_list_name.as_deref(),
                            cidrs,
                            tags: &e.v.tags,
                            entries_known: known,
                        },
                    );
                }
            }
        }
        for id in order {
            let Some(pl) = lists.remove(id) else {
                continue;
            };
            self.seen.insert(id.into(), self.files[pl.file].scope);
            if !pl.entries_known {
                let msg = format!(
                    "prefix list `{id}` has no `Entries` (from `get-managed-prefix-list-entries`); routes and rules through it match nothing"
                );
                self.say(
                    Severity::Warning,
                    "PREFIX_LIST_ENTRIES_MISSING",
                    pl.file,
                    &pl.ptr,
                    msg,
                );
            }
            let mut meta = self.meta(id, pl.tags, pl.file, &pl.ptr);
            if meta.name.is_none() {
                meta.name = pl.name.map(str::to_owned);
            }
            self.b.add_prefix_list(vpcnet_model::PrefixList {
                meta,
                list_name: pl.name.unwrap_or(id).to_owned(),
                cidrs: pl.cidrs,
            });
        }
    }

    pub(crate) fn internet_gateways(&mut self, igws: &Items<'_, raw::InternetGateway<'_>>) {
        self.expect_ids(igws.len());
        for &e in igws {
            let ptr = format!("/InternetGateways/{}", e.index);
            if !self.first(&e.v.internet_gateway_id, e.file, &ptr) {
                continue;
            }
            let mut vpc = None;
            for (j, a) in e.v.attachments.iter().enumerate() {
                if !is_active_state(a.state.as_ref()) {
                    continue;
                }
                match self.vpc(&a.vpc_id) {
                    Some(v) => {
                        vpc = Some(v);
                        break;
                    }
                    None => self.unknown_ref(
                        e.file,
                        &format!("{ptr}/Attachments/{j}/VpcId"),
                        "VPC",
                        &a.vpc_id,
                        "the internet gateway is loaded unattached",
                    ),
                }
            }
            let meta = self.meta(&e.v.internet_gateway_id, &e.v.tags, e.file, &ptr);
            self.b
                .add_internet_gateway(vpcnet_model::InternetGateway { meta, vpc });
        }
    }

    pub(crate) fn network_acls(&mut self, acls: &Items<'_, raw::NetworkAcl<'_>>) {
        self.expect_ids(acls.len());
        for &e in acls {
            let ptr = format!("/NetworkAcls/{}", e.index);
            if !self.first(&e.v.network_acl_id, e.file, &ptr) {
                continue;
            }
            let Some(vpc) = self.vpc(&e.v.vpc_id) else {
                self.unknown_ref(
                    e.file,
                    &format!("{ptr}/VpcId"),
                    "VPC",
                    &e.v.vpc_id,
                    "the network ACL is skipped",
                );
                continue;
            };
            let (mut ingress, mut egress) = (Vec::new(), Vec::new());
            let base = format!("{ptr}/Entries");
            for (en, j) in self.items(&e.v.entries, e.file, &base, "network ACL entry") {
                let eptr = format!("{base}/{j}");
                if let Some(entry) = self.nacl_entry(en, e.file, &eptr) {
                    if en.egress {
                        egress.push(entry);
                    } else {
                        ingress.push(entry);
                    }
                }
            }
            let acl = vpcnet_model::NetworkAcl {
                meta: self.meta(&e.v.network_acl_id, &e.v.tags, e.file, &ptr),
                vpc,
                ingress,
                egress,
            };
            self.b.add_network_acl(acl, e.v.is_default.unwrap_or(false));
        }
    }

    fn nacl_entry(&mut self, en: &raw::AclEntry<'_>, file: usize, ptr: &str) -> Option<NaclEntry> {
        // The implicit deny (`*`) is listed as rule 32767; the model adds it itself.
        // IPv6 entries do not match IPv4 packets, and IPv6 is not traced yet.
        if en.rule_number == 32767 || en.cidr_block.is_none() && en.ipv6_cidr_block.is_some() {
            return None;
        }
        let Ok(rule_number) = u16::try_from(en.rule_number).map_err(|_| ()).and_then(|n| {
            if (1..=32766).contains(&n) {
                Ok(n)
            } else {
                Err(())
            }
        }) else {
            let msg = format!("rule number {} is not between 1 and 32766", en.rule_number);
            self.error("BAD_RULE_NUMBER", file, &format!("{ptr}/RuleNumber"), msg);
            return None;
        };
        let action = match en.rule_action.to_ascii_lowercase().as_str() {
            "allow" => RuleAction::Allow,
            "deny" => RuleAction::Deny,
            other => {
                let msg = format!("rule action `{other}` is neither `allow` nor `deny`");
                self.error("BAD_VALUE", file, &format!("{ptr}/RuleAction"), msg);
                return None;
            }
        };
        let protocol = self.protocol(&en.protocol, file, || format!("{ptr}/Protocol"))?;
        let l4 = match protocol {
            Protocol::All => L4Match::Any,
            Protocol::Number(1 | 58) => {
                let tc = en.icmp_type_code.as_ref();
                let t = tc.and_then(|tc| tc.icmp_type);
                let c = tc.and_then(|tc| tc.code);
                let at = format!("{ptr}/IcmpTypeCode");
                L4Match::Icmp(self.icmp(t, c, file, &at, "Type", "Code")?)
            }
            p if p.has_ports() => {
                let pr = en.port_range.as_ref();
                let (from, to) = (pr.and_then(|r| r.from), pr.and_then(|r| r.to));
                let at = format!("{ptr}/PortRange");
                L4Match::Ports(self.ports(from, to, file, &at, "From", "To")?)
            }
            _ => L4Match::Any,
        };
        let Some(cidr) = &en.cidr_block else {
            let msg = "a network ACL entry needs `CidrBlock` or `Ipv6CidrBlock`".to_owned();
            self.error("BAD_VALUE", file, ptr, msg);
            return None;
        };
        let cidr = self.cidr(cidr, file, || format!("{ptr}/CidrBlock"))?;
        Some(NaclEntry {
            rule_number,
            action,
            protocol,
            l4,
            cidr,
            origin: self.loc(file, ptr),
        })
    }

    fn protocol(
        &mut self,
        proto: &Proto<'_>,
        file: usize,
        ptr: impl FnOnce() -> String,
    ) -> Option<Protocol> {
        let p = Protocol::parse(&proto.0);
        if p.is_none() {
            let msg = format!(
                "protocol `{}` is not `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a number from 0 to 255",
                &*proto.0
            );
            self.error("BAD_VALUE", file, &ptr(), msg);
        }
        p
    }

    /// ICMP type and code; `-1` or absent is every value.
    fn icmp(
        &mut self,
        t: Option<i64>,
        c: Option<i64>,
        file: usize,
        base: &str,
        tname: &str,
        cname: &str,
    ) -> Option<IcmpMatch> {
        let mut one = |v: Option<i64>, name: &str| -> Result<Option<u8>, ()> {
            match v {
                None | Some(-1) => Ok(None),
                Some(n) => match u8::try_from(n) {
                    Ok(n) => Ok(Some(n)),
                    Err(_) => {
                        let msg = format!("ICMP {} `{n}` is not -1 or 0-255", name.to_lowercase());
                        self.error("BAD_VALUE", file, &format!("{base}/{name}"), msg);
                        Err(())
                    }
                },
            }
        };
        let icmp_type = one(t, tname).ok()?;
        let code = one(c, cname).ok()?;
        Some(IcmpMatch { icmp_type, code })
    }

    /// A port range; absent (or AWS's `-1`) is every port.
    fn ports(
        &mut self,
        from: Option<i64>,
        to: Option<i64>,
        file: usize,
        base: &str,
        fname: &str,
        tname: &str,
    ) -> Option<PortRange> {
        match (from, to) {
            (None | Some(-1), None | Some(-1)) => return Some(PortRange::ALL),
            (Some(f), Some(t)) => {
                let (pf, pt) = (u16::try_from(f), u16::try_from(t));
                if let (Ok(a), Ok(b)) = (pf, pt) {
                    if let Some(r) = PortRange::new(a, b) {
                        return Some(r);
                    }
                }
                let at = if pf.is_ok() && pt.is_err() {
                    tname
                } else {
                    fname
                };
                let msg = format!("ports `{f}`-`{t}` are not a range within 0-65535");
                self.error("BAD_PORTS", file, &format!("{base}/{at}"), msg);
            }
            (Some(_), None) | (None, Some(_)) => {
                let missing = if from.is_none() { fname } else { tname };
                let msg = format!("a port range needs both `{fname}` and `{tname}`");
                self.error("BAD_PORTS", file, &format!("{base}/{missing}"), msg);
            }
        }
        None
    }

    pub(crate) fn route_tables(&mut self, tables: &Items<'_, raw::RouteTable<'_>>) {
        self.expect_ids(tables.len());
        self.rt_idx = Vec::with_capacity(tables.len());
        for &e in tables {
            let ptr = format!("/RouteTables/{}", e.index);
            let idx = self.route_table(e, &ptr);
            self.rt_idx.push(idx);
        }
    }

    fn route_table(&mut self, e: &At<raw::RouteTable<'_>>, ptr: &str) -> Option<RouteTableIdx> {
        if !self.first(&e.v.route_table_id, e.file, ptr) {
            return None;
        }
        let Some(vpc) = self.vpc(&e.v.vpc_id) else {
            self.unknown_ref(
                e.file,
                &format!("{ptr}/VpcId"),
                "VPC",
                &e.v.vpc_id,
                "the route table is skipped",
            );
            return None;
        };
        let main =
            e.v.associations
                .iter()
                .any(|a| matches!(a, Lenient::Ok(a) if a.main == Some(true)));
        let rt = vpcnet_model::RouteTable {
            meta: self.meta(&e.v.route_table_id, &e.v.tags, e.file, ptr),
            vpc,
            routes: Vec::new(),
        };
        self.b.add_route_table(rt, main)
    }

    /// The groups of `SecurityGroups`; [`Lowerer::rules_only_groups`] comes next.
    pub(crate) fn security_groups(&mut self, groups: &Items<'_, raw::SecurityGroup<'_>>) {
        self.expect_ids(groups.len());
        self.sg_idx = Vec::with_capacity(groups.len());
        for &e in groups {
            let ptr = format!("/SecurityGroups/{}", e.index);
            let idx = self.security_group(e, &ptr);
            self.sg_idx.push(idx);
        }
    }

    fn security_group(&mut self, e: &At<raw::SecurityGroup<'_>>, ptr: &str) -> Option<SgIdx> {
        if !self.first(&e.v.group_id, e.file, ptr) {
            return None;
        }
        let Some(vpc_id) = &e.v.vpc_id else {
            let msg = format!(
                "security group `{}` has no `VpcId` (EC2-Classic); not modelled, skipped",
                &*e.v.group_id
            );
            self.say(Severity::Note, "NOT_MODELLED", e.file, ptr, msg);
            return None;
        };
        let Some(vpc) = self.vpc(vpc_id) else {
            self.unknown_ref(
                e.file,
                &format!("{ptr}/VpcId"),
                "VPC",
                vpc_id,
                "the security group is skipped",
            );
            return None;
        };
        let sg = vpcnet_model::SecurityGroup {
            meta: self.meta(&e.v.group_id, &e.v.tags, e.file, ptr),
            group_name: e
                .v
                .group_name
                .as_deref()
                .unwrap_or(&e.v.group_id)
                .to_owned(),
            vpc,
            ingress: Vec::new(),
            egress: Vec::new(),
        };
        self.b.add_security_group(sg)
    }

    /// Whether [`Lowerer::rules_only_groups`] needs the interfaces: some group of
    /// `SecurityGroupRules` is not in `SecurityGroups`.
    pub(crate) fn rules_only_need_interfaces(&self, rules: &Items<'_, raw::SgRule<'_>>) -> bool {
        rules
            .iter()
            .any(|r| !self.seen.contains_key(&*r.v.group_id))
    }

    /// Groups that only `SecurityGroupRules` names: their VPC comes from an interface
    /// that carries them, or from a rule that references them. The interfaces are
    /// needed only when [`Lowerer::rules_only_need_interfaces`] says so.
    pub(crate) fn rules_only_groups<'x>(
        &mut self,
        rules: &Items<'x, raw::SgRule<'x>>,
        enis: &Items<'x, raw::Eni<'x>>,
        reservations: &Items<'x, raw::Reservation<'x>>,
    ) {
        if rules.is_empty() {
            return;
        }
        let mut vpc_of: Map<&'x str, &'x str> = Map::default();
        let eni_groups = |eni: &'x raw::Eni<'x>, out: &mut Map<&'x str, &'x str>| {
            if let Some(v) = &eni.vpc_id {
                for g in &eni.groups {
                    out.entry(&g.group_id).or_insert(v);
                }
            }
        };
        for &e in enis {
            eni_groups(&e.v, &mut vpc_of);
        }
        for &r in reservations {
            for i in r.v.instances.iter().filter_map(|i| match i {
                Lenient::Ok(i) => Some(i),
                Lenient::Err(_) => None,
            }) {
                for n in i.network_interfaces.iter().filter_map(|n| match n {
                    Lenient::Ok(n) => Some(n),
                    Lenient::Err(_) => None,
                }) {
                    eni_groups(n, &mut vpc_of);
                }
            }
        }
        for &r in rules {
            if let Some(g) = &r.v.referenced_group_info {
                if let (Some(id), Some(v)) = (&g.group_id, &g.vpc_id) {
                    vpc_of.entry(id).or_insert(v);
                }
            }
        }
        for &r in rules {
            let id: &'x str = &r.v.group_id;
            if self.seen.contains_key(id) || self.groups_skipped.contains(id) {
                continue;
            }
            let ptr = format!("/SecurityGroupRules/{}/GroupId", r.index);
            let vpc = vpc_of.get(id).and_then(|v| self.vpc(v));
            let Some(vpc) = vpc else {
                self.groups_skipped.insert(id.into());
                let msg = format!(
                    "security group `{id}` is only in `SecurityGroupRules`, and its VPC is unknown (no `SecurityGroups` entry, no interface carries it); its rules are skipped"
                );
                self.say(Severity::Warning, "UNKNOWN_REFERENCE", r.file, &ptr, msg);
                continue;
            };
            self.seen.insert(id.into(), self.files[r.file].scope);
            let sg = vpcnet_model::SecurityGroup {
                meta: Meta {
                    id: id.to_owned(),
                    name: None,
                    tags: Vec::new(),
                    origin: self.loc(r.file, &ptr),
                },
                group_name: id.to_owned(),
                vpc,
                ingress: Vec::new(),
                egress: Vec::new(),
            };
            self.b.add_security_group(sg);
        }
    }

    pub(crate) fn subnets(&mut self, subnets: &Items<'_, raw::Subnet<'_>>) {
        self.expect_ids(subnets.len());
        for &e in subnets {
            let ptr = format!("/Subnets/{}", e.index);
            let s = &e.v;
            if !self.first(&s.subnet_id, e.file, &ptr) {
                continue;
            }
            let Some(vpc) = self.vpc(&s.vpc_id) else {
                self.unknown_ref(
                    e.file,
                    &format!("{ptr}/VpcId"),
                    "VPC",
                    &s.vpc_id,
                    "the subnet is skipped",
                );
                continue;
            };
            let Some(cidr) = &s.cidr_block else {
                let msg = format!(
                    "subnet `{}` has no IPv4 `CidrBlock` (IPv6-only); not modelled, skipped",
                    &*s.subnet_id
                );
                self.say(Severity::Note, "NOT_MODELLED", e.file, &ptr, msg);
                continue;
            };
            let Some(cidr) = self.cidr(cidr, e.file, || format!("{ptr}/CidrBlock")) else {
                continue;
            };
            let mut ipv6_cidr = None;
            for (j, a) in s.ipv6_cidr_block_association_set.iter().enumerate() {
                let state = a
                    .ipv6_cidr_block_state
                    .as_ref()
                    .and_then(|s| s.state.as_ref());
                if let (Some(c), true) = (&a.ipv6_cidr_block, is_active_state(state)) {
                    let at = format!("{ptr}/Ipv6CidrBlockAssociationSet/{j}/Ipv6CidrBlock");
                    ipv6_cidr = self.cidr6(c, e.file, || at.clone());
                    break;
                }
            }
            let region = &self.scope(e.file).region;
            let subnet = vpcnet_model::Subnet {
                meta: self.meta(&s.subnet_id, &s.tags, e.file, &ptr),
                vpc,
                cidr,
                ipv6_cidr,
                az: s
                    .availability_zone
                    .as_deref()
                    .map_or_else(|| region.clone(), str::to_owned),
                route_table: None,
                nacl: None,
            };
            self.b.add_subnet(subnet);
        }
    }

    /// Subnet associations of route tables and network ACLs.
    pub(crate) fn associations(
        &mut self,
        tables: &Items<'_, raw::RouteTable<'_>>,
        acls: &Items<'_, raw::NetworkAcl<'_>>,
    ) {
        for (k, &e) in tables.iter().enumerate() {
            let Some(rt) = self.rt_idx[k] else {
                continue;
            };
            let base = format!("/RouteTables/{}/Associations", e.index);
            let assocs = self.items(&e.v.associations, e.file, &base, "association");
            let mut edge_noted = false;
            for (a, j) in assocs {
                let state = a.association_state.as_ref().and_then(|s| s.state.as_ref());
                if !is_active_state(state) {
                    continue;
                }
                if let Some(sid) = &a.subnet_id {
                    match self.subnet(sid) {
                        Some(s) => {
                            self.b.associate_route_table(s, rt);
                        }
                        None => self.unknown_ref(
                            e.file,
                            &format!("{base}/{j}/SubnetId"),
                            "subnet",
                            sid,
                            "the association is skipped",
                        ),
                    }
                } else if let (Some(gw), false) = (&a.gateway_id, edge_noted) {
                    edge_noted = true;
                    let msg = format!(
                        "route table `{}` is associated with gateway `{gw}` (ingress routing); not modelled yet",
                        &*e.v.route_table_id
                    );
                    let at = format!("{base}/{j}");
                    self.say(Severity::Note, "NOT_MODELLED", e.file, &at, msg);
                }
            }
        }
        for &e in acls {
            let Some(AnyIdx::NetworkAcl(acl)) = self.by_id(&e.v.network_acl_id) else {
                continue;
            };
            let base = format!("/NetworkAcls/{}/Associations", e.index);
            for (a, j) in self.items(&e.v.associations, e.file, &base, "association") {
                match self.subnet(&a.subnet_id) {
                    Some(s) => {
                        self.b.associate_network_acl(s, acl);
                    }
                    None => self.unknown_ref(
                        e.file,
                        &format!("{base}/{j}/SubnetId"),
                        "subnet",
                        &a.subnet_id,
                        "the association is skipped",
                    ),
                }
            }
        }
    }

    /// The interfaces of NAT gateways: added with their gateway, not on their own.
    pub(crate) fn nat_eni_ids<'x>(&self, nats: &Items<'x, raw::NatGateway<'x>>) -> Set<&'x str> {
        nats.iter()
            .filter(|n| !nat_gone(n.v.state.as_deref()))
            .flat_map(|n| n.v.nat_gateway_addresses.iter())
            .filter_map(|a| a.network_interface_id.as_deref())
            .collect()
    }

    fn eni_fields<'x>(
        &self,
        eni: &'x raw::Eni<'x>,
        file: usize,
        ptr: String,
        owner: InterfaceOwner,
        instance: Option<&'x str>,
    ) -> EniFields<'x> {
        let top_public = eni
            .association
            .as_ref()
            .and_then(|a| a.public_ip.as_deref())
            .map(|p| (p, Rel::Field("Association/PublicIp")));
        let mut ips = Vec::with_capacity(eni.private_ip_addresses.len().max(1));
        if eni.private_ip_addresses.is_empty() {
            if let Some(ip) = &eni.private_ip_address {
                ips.push((&**ip, Rel::Field("PrivateIpAddress"), top_public));
            }
        } else {
            let list = &eni.private_ip_addresses;
            let primary = list.iter().position(|a| a.primary == Some(true));
            let order = primary
                .into_iter()
                .chain((0..list.len()).filter(|j| Some(*j) != primary));
            for j in order {
                let a = &list[j];
                let mut public = a
                    .association
                    .as_ref()
                    .and_then(|x| x.public_ip.as_deref())
                    .map(|p| {
                        let at = Rel::Listed("PrivateIpAddresses", j, "Association/PublicIp");
                        (p, at)
                    });
                if public.is_none() && ips.is_empty() {
                    public = top_public;
                }
                let at = Rel::Listed("PrivateIpAddresses", j, "PrivateIpAddress");
                ips.push((&*a.private_ip_address, at, public));
            }
        }
        EniFields {
            id: Cow::Borrowed(&eni.network_interface_id),
            file,
            ptr,
            subnet: eni
                .subnet_id
                .as_deref()
                .map(|s| (s, Rel::Field("SubnetId"))),
            ips,
            groups: eni
                .groups
                .iter()
                .enumerate()
                .map(|(k, g)| (&*g.group_id, Rel::Listed("Groups", k, "GroupId")))
                .collect(),
            source_dest_check: eni.source_dest_check.unwrap_or(true),
            tags: &eni.tag_set,
            owner,
            instance,
        }
    }

    /// Adds an interface; reports what it cannot resolve.
    fn interface(&mut self, f: EniFields<'_>) -> Option<EniIdx> {
        let file = f.file;
        let Some((sid, srel)) = f.subnet else {
            let msg = format!("interface `{}` has no `SubnetId`; skipped", f.id);
            self.error("BAD_VALUE", file, &f.ptr, msg);
            return None;
        };
        let Some(subnet) = self.subnet(sid) else {
            let at = srel.under(&f.ptr);
            self.unknown_ref(file, &at, "subnet", sid, "the interface is skipped");
            return None;
        };
        let mut private_ips = Vec::with_capacity(f.ips.len());
        for (k, &(ip, irel, public)) in f.ips.iter().enumerate() {
            let Some(addr) = self.ip(ip, file, || irel.under(&f.ptr)) else {
                if k == 0 {
                    return None;
                }
                continue;
            };
            let public = match public {
                Some((p, prel)) => self.ip(p, file, || prel.under(&f.ptr)),
                None if self.eips.is_empty() => None,
                None => self
                    .eip(&f.id, addr)
                    .or_else(|| f.instance.and_then(|i| self.eip(i, addr))),
            };
            private_ips.push(PrivateIp { addr, public });
        }
        let mut security_groups = Vec::with_capacity(f.groups.len());
        for &(g, grel) in &f.groups {
            match self.sg(g) {
                Some(sg) => security_groups.push(sg),
                None => {
                    let scope = self.files[file].scope;
                    let described = self.described.get(scope).copied().unwrap_or(false);
                    if described && !self.groups_skipped.contains(g) {
                        let at = grel.under(&f.ptr);
                        let then = "the interface goes without it";
                        self.unknown_ref(file, &at, "security group", g, then);
                    }
                }
            }
        }
        let mut meta = self.meta(&f.id, f.tags, file, &f.ptr);
        if f.tags.is_empty() && matches!(f.owner, InterfaceOwner::Instance(_)) {
            meta.name = None;
        }
        self.b.add_interface(Interface {
            meta,
            subnet,
            private_ips,
            security_groups,
            source_dest_check: f.source_dest_check,
            owner: f.owner,
        })
    }

    /// The public address of an Elastic IP of `owner` (an interface or instance) at
    /// `private`.
    fn eip(&self, owner: &str, private: Ipv4Addr) -> Option<Ipv4Addr> {
        let pairs = self.eips.get(owner)?;
        pairs
            .iter()
            .find(|(p, _)| *p == private)
            .map(|(_, public)| *public)
    }

    /// Instances with their interfaces, then interfaces of no instance (NAT gateways'
    /// excepted). [`Lowerer::index_addresses`] and [`Lowerer::set_described`] come
    /// first.
    pub(crate) fn instances_and_interfaces<'x>(
        &mut self,
        nat_enis: &Set<&str>,
        enis: &Items<'x, raw::Eni<'x>>,
        reservations: &Items<'x, raw::Reservation<'x>>,
    ) {
        self.expect_ids(2 * enis.len());
        // `NetworkInterfaces` is the fuller record of an interface; an instance's own
        // list supplies the order (device index) and is used when the other is absent.
        let mut records: Map<&'x str, &'x At<raw::Eni<'x>>> = Map::default();
        for &e in enis {
            records.entry(&e.v.network_interface_id).or_insert(e);
        }
        for &r in reservations {
            let rbase = format!("/Reservations/{}/Instances", r.index);
            for (inst, j) in self.items(&r.v.instances, r.file, &rbase, "instance") {
                let iptr = format!("{rbase}/{j}");
                self.instance_item(inst, r.file, &iptr, &records);
            }
        }
        for &e in enis {
            let id: &'x str = &e.v.network_interface_id;
            if nat_enis.contains(id) || self.seen.get(id) == Some(&WITH_INSTANCE) {
                continue;
            }
            let ptr = format!("/NetworkInterfaces/{}", e.index);
            if !self.first(id, e.file, &ptr) {
                continue;
            }
            let attached =
                e.v.attachment
                    .as_ref()
                    .and_then(|a| a.instance_id.as_deref());
            let owner = match attached {
                Some(i) => match self.instance(i) {
                    Some(idx) => InterfaceOwner::Instance(idx),
                    None => InterfaceOwner::Other(format!("instance {i} (not in the snapshot)")),
                },
                None => match e.v.interface_type.as_deref() {
                    Some(t) if t != "interface" => InterfaceOwner::Other(t.to_owned()),
                    _ if e.v.requester_managed == Some(true) => InterfaceOwner::Other(
                        e.v.description
                            .as_deref()
                            .unwrap_or("requester-managed")
                            .to_owned(),
                    ),
                    _ => InterfaceOwner::None,
                },
            };
            let fields = self.eni_fields(&e.v, e.file, ptr, owner, attached);
            let added = self.interface(fields);
            if let (Some(idx), Some(d)) = (added, e.v.description.as_deref()) {
                if d.starts_with("ELB ") {
                    self.lb_enis.entry(d.into()).or_default().push(idx);
                }
            }
        }
    }

    fn instance_item<'x>(
        &mut self,
        inst: &'x raw::Instance<'x>,
        file: usize,
        ptr: &str,
        records: &Map<&'x str, &'x At<raw::Eni<'x>>>,
    ) {
        let state = inst
            .state
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .unwrap_or("unknown");
        if state == "terminated" || !self.first(&inst.instance_id, file, ptr) {
            return;
        }
        let Some(idx) = self.b.add_instance(vpcnet_model::Instance {
            meta: self.meta(&inst.instance_id, &inst.tags, file, ptr),
            interfaces: Vec::new(),
            state: state.to_owned(),
            forwarding: None,
        }) else {
            return;
        };
        let iid: &'x str = &inst.instance_id;
        let base = format!("{ptr}/NetworkInterfaces");
        let mut nics = self.items(&inst.network_interfaces, file, &base, "network interface");
        if inst.network_interfaces.is_empty() {
            // An instance without its interface list: its own fields describe the
            // primary interface.
            let (Some(subnet), Some(ip)) = (&inst.subnet_id, &inst.private_ip_address) else {
                return;
            };
            let public = inst
                .public_ip_address
                .as_deref()
                .map(|p| (p, Rel::Field("PublicIpAddress")));
            let fields = EniFields {
                id: Cow::Owned(format!("{iid}/primary")),
                file,
                ptr: ptr.to_owned(),
                subnet: Some((subnet, Rel::Field("SubnetId"))),
                ips: vec![(&**ip, Rel::Field("PrivateIpAddress"), public)],
                groups: inst
                    .security_groups
                    .iter()
                    .enumerate()
                    .map(|(k, g)| (&*g.group_id, Rel::Listed("SecurityGroups", k, "GroupId")))
                    .collect(),
                source_dest_check: inst.source_dest_check.unwrap_or(true),
                tags: &[],
                owner: InterfaceOwner::Instance(idx),
                instance: Some(iid),
            };
            self.interface(fields);
            return;
        }
        nics.sort_by_key(|(n, _)| {
            n.attachment
                .as_ref()
                .and_then(|a| a.device_index)
                .unwrap_or(i64::MAX)
        });
        for (n, nptr) in nics {
            let id: &'x str = &n.network_interface_id;
            if self.seen.contains_key(id) {
                continue;
            }
            self.seen.insert(id.into(), WITH_INSTANCE);
            let owner = InterfaceOwner::Instance(idx);
            let fields = match records.get(id) {
                Some(rec) => {
                    let rptr = format!("/NetworkInterfaces/{}", rec.index);
                    self.eni_fields(&rec.v, rec.file, rptr, owner, Some(iid))
                }
                None => self.eni_fields(n, file, format!("{base}/{nptr}"), owner, Some(iid)),
            };
            self.interface(fields);
        }
    }

    pub(crate) fn nat_gateways<'x>(
        &mut self,
        nats: &Items<'x, raw::NatGateway<'x>>,
        enis: &Items<'x, raw::Eni<'x>>,
    ) {
        self.expect_ids(nats.len());
        let records: Map<&str, &raw::Eni<'_>> = enis
            .iter()
            .map(|e| (&*e.v.network_interface_id, &e.v))
            .collect();
        for &e in nats {
            let n = &e.v;
            let ptr = format!("/NatGateways/{}", e.index);
            if nat_gone(n.state.as_deref()) || !self.first(&n.nat_gateway_id, e.file, &ptr) {
                continue;
            }
            let Some(subnet) = self.subnet(&n.subnet_id) else {
                self.unknown_ref(
                    e.file,
                    &format!("{ptr}/SubnetId"),
                    "subnet",
                    &n.subnet_id,
                    "the NAT gateway is skipped",
                );
                continue;
            };
            let mut order: Vec<usize> = (0..n.nat_gateway_addresses.len()).collect();
            order.sort_by_key(|&j| n.nat_gateway_addresses[j].is_primary == Some(false));
            let mut private_ips = Vec::new();
            let mut eni_id = None;
            for j in order {
                let a = &n.nat_gateway_addresses[j];
                let at = format!("{ptr}/NatGatewayAddresses/{j}");
                let Some(private) = &a.private_ip else {
                    continue;
                };
                let Some(addr) = self.ip(private, e.file, || format!("{at}/PrivateIp")) else {
                    continue;
                };
                let public = match &a.public_ip {
                    Some(pi) => self.ip(pi, e.file, || format!("{at}/PublicIp")),
                    None => None,
                };
                if eni_id.is_none() {
                    eni_id = a.network_interface_id.as_deref();
                }
                private_ips.push(PrivateIp { addr, public });
            }
            if private_ips.is_empty() {
                let msg = format!(
                    "NAT gateway `{}` has no private address in `NatGatewayAddresses`; skipped",
                    &*n.nat_gateway_id
                );
                self.error("BAD_VALUE", e.file, &ptr, msg);
                continue;
            }
            let connectivity = match n.connectivity_type.as_deref() {
                Some("private") => NatConnectivity::Private,
                Some("public") => NatConnectivity::Public,
                None if private_ips.iter().any(|p| p.public.is_some()) => NatConnectivity::Public,
                None => NatConnectivity::Private,
                Some(other) => {
                    let msg =
                        format!("connectivity type `{other}` is neither `public` nor `private`");
                    self.error("BAD_VALUE", e.file, &format!("{ptr}/ConnectivityType"), msg);
                    continue;
                }
            };
            let eni_id = eni_id.map_or_else(
                || format!("{}/interface", &*n.nat_gateway_id),
                str::to_owned,
            );
            let tags: &[raw::Tag<'_>] = records.get(eni_id.as_str()).map_or(&[], |r| &r.tag_set);
            let mut eni_meta = self.meta(&eni_id, tags, e.file, &ptr);
            eni_meta.origin = self.loc(e.file, &format!("{ptr}/NatGatewayAddresses"));
            let eni = Interface {
                meta: eni_meta,
                subnet,
                private_ips,
                security_groups: Vec::new(),
                source_dest_check: false,
                owner: InterfaceOwner::None,
            };
            let meta = self.meta(&n.nat_gateway_id, &n.tags, e.file, &ptr);
            let state = n.state.as_deref().unwrap_or("available").to_owned();
            self.b.add_nat_gateway(meta, connectivity, eni, state);
        }
    }

    pub(crate) fn peerings(&mut self, peerings: &Items<'_, raw::Peering<'_>>) {
        self.expect_ids(peerings.len());
        for &e in peerings {
            let v = &e.v;
            let ptr = format!("/VpcPeeringConnections/{}", e.index);
            if !self.first(&v.vpc_peering_connection_id, e.file, &ptr) {
                continue;
            }
            let code = v.status.as_ref().map_or("active", |s| &*s.code);
            let Some(status) = PeeringStatus::parse(code) else {
                let msg = format!("peering status `{code}` is not one AWS reports");
                self.error("BAD_VALUE", e.file, &format!("{ptr}/Status/Code"), msg);
                continue;
            };
            let requester = self.peer_side(
                v,
                &v.requester_vpc_info,
                status,
                e.file,
                &ptr,
                "RequesterVpcInfo",
            );
            let accepter = self.peer_side(
                v,
                &v.accepter_vpc_info,
                status,
                e.file,
                &ptr,
                "AccepterVpcInfo",
            );
            let (Some(requester), Some(accepter)) = (requester, accepter) else {
                continue;
            };
            let dns = |info: &raw::VpcInfo<'_>| {
                info.peering_options
                    .as_ref()
                    .and_then(|o| o.allow_dns_resolution_from_remote_vpc)
                    .unwrap_or(false)
            };
            self.b.add_peering(vpcnet_model::Peering {
                meta: self.meta(&v.vpc_peering_connection_id, &v.tags, e.file, &ptr),
                requester,
                accepter,
                status,
                // A side's `AllowDnsResolutionFromRemoteVpc` lets the *other* side
                // resolve its names: the requester may resolve the accepter's names
                // when the accepter allows it.
                requester_dns_resolution: dns(&v.accepter_vpc_info),
                accepter_dns_resolution: dns(&v.requester_vpc_info),
            });
        }
    }

    /// One side of a peering: a VPC of the snapshot, or one known only from here.
    fn peer_side(
        &mut self,
        pcx: &raw::Peering<'_>,
        info: &raw::VpcInfo<'_>,
        status: PeeringStatus,
        file: usize,
        ptr: &str,
        field: &str,
    ) -> Option<VpcIdx> {
        if let Some(v) = self.vpc(&info.vpc_id) {
            return Some(v);
        }
        let at = format!("{ptr}/{field}");
        if !matches!(
            status,
            PeeringStatus::Active | PeeringStatus::PendingAcceptance | PeeringStatus::Provisioning
        ) {
            let msg = format!(
                "peering connection `{}` is `{}` and VPC `{}` is not in the snapshot; skipped",
                &*pcx.vpc_peering_connection_id,
                status.as_str(),
                &*info.vpc_id
            );
            self.say(Severity::Note, "PEERING_SKIPPED", file, &at, msg);
            return None;
        }
        let mut cidrs: Vec<Ipv4Net> = Vec::new();
        if let Some(c) = &info.cidr_block {
            cidrs.extend(self.cidr(c, file, || format!("{at}/CidrBlock")));
        }
        for (j, c) in info.cidr_block_set.iter().enumerate() {
            let cptr = format!("{at}/CidrBlockSet/{j}/CidrBlock");
            if let Some(net) = self.cidr(&c.cidr_block, file, || cptr.clone()) {
                if !cidrs.contains(&net) {
                    cidrs.push(net);
                }
            }
        }
        let scope = self.scope(file);
        let account = info
            .owner_id
            .as_deref()
            .unwrap_or(UNKNOWN_ACCOUNT)
            .to_owned();
        let region = info
            .region
            .as_deref()
            .map_or_else(|| scope.region.clone(), str::to_owned);
        let msg = format!(
            "VPC `{}` (account {account}, region {region}) is not in the snapshot; it is known from peering connection `{}` by its CIDR blocks only, and paths into it stop there",
            &*info.vpc_id, &*pcx.vpc_peering_connection_id
        );
        self.say(Severity::Note, "EXTERNAL_VPC", file, &at, msg);
        if !self.seen.contains_key(&*info.vpc_id) {
            self.seen
                .insert((*info.vpc_id).into(), self.files[file].scope);
        }
        self.b.add_vpc(vpcnet_model::Vpc {
            meta: Meta {
                id: info.vpc_id.to_string(),
                name: None,
                tags: Vec::new(),
                origin: self.loc(file, &at),
            },
            account,
            region,
            cidrs,
            ipv6_cidrs: Vec::new(),
            main_route_table: None,
            default_nacl: None,
            dns_support: true,
            dns_hostnames: false,
            described: false,
        })
    }

    pub(crate) fn routes(&mut self, tables: &Items<'_, raw::RouteTable<'_>>) {
        for (k, &e) in tables.iter().enumerate() {
            let Some(rt) = self.rt_idx[k] else {
                continue;
            };
            let base = format!("/RouteTables/{}/Routes", e.index);
            let mut routes: Vec<(&raw::Route<'_>, String)> = self
                .items(&e.v.routes, e.file, &base, "route")
                .into_iter()
                .map(|(r, j)| (r, format!("{base}/{j}")))
                .collect();
            // Static routes win over propagated ones for the same destination.
            let propagated =
                |r: &raw::Route<'_>| r.origin.as_deref() == Some("EnableVgwRoutePropagation");
            routes.sort_by_key(|(r, _)| propagated(r));
            for (r, rptr) in routes {
                let Some(route) = self.route(r, e.file, &rptr) else {
                    continue;
                };
                if propagated(r)
                    && self
                        .b
                        .network()
                        .route_table(rt)
                        .routes
                        .iter()
                        .any(|x| x.destination == route.destination)
                {
                    continue;
                }
                self.b.add_route(rt, route);
            }
        }
    }

    fn route(&mut self, r: &raw::Route<'_>, file: usize, ptr: &str) -> Option<Route> {
        let destination = if let Some(c) = &r.destination_cidr_block {
            RouteDest::Cidr(self.cidr(c, file, || format!("{ptr}/DestinationCidrBlock"))?)
        } else if let Some(c) = &r.destination_ipv6_cidr_block {
            RouteDest::Ipv6(self.cidr6(c, file, || format!("{ptr}/DestinationIpv6CidrBlock"))?)
        } else if let Some(pl) = &r.destination_prefix_list_id {
            match self.prefix_list(pl) {
                Some(idx) => RouteDest::PrefixList(idx),
                None => {
                    let at = format!("{ptr}/DestinationPrefixListId");
                    self.unknown_ref(file, &at, "prefix list", pl, "the route is skipped");
                    return None;
                }
            }
        } else {
            let msg = "a route needs `DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId`".to_owned();
            self.error("BAD_ROUTE", file, ptr, msg);
            return None;
        };
        let active = match r.state.as_deref() {
            None | Some("active") => true,
            Some("blackhole") => false,
            Some(other) => {
                let msg = format!("route state `{other}` is neither `active` nor `blackhole`");
                self.error("BAD_VALUE", file, &format!("{ptr}/State"), msg);
                return None;
            }
        };
        let target = self.route_target(r, active, file, ptr)?;
        Some(Route {
            destination,
            target,
            active,
            origin: self.loc(file, ptr),
        })
    }

    fn route_target(
        &mut self,
        r: &raw::Route<'_>,
        active: bool,
        file: usize,
        ptr: &str,
    ) -> Option<RouteTarget> {
        // A target that is not in the snapshot stays a named target vpcnet does not
        // model: traces end there instead of guessing. A blackhole route's target is
        // expected to be gone.
        let missing = |this: &mut Self, kind: &str, id: &str, field: &str| {
            if active {
                let at = format!("{ptr}/{field}");
                this.unknown_ref(
                    file,
                    &at,
                    kind,
                    id,
                    "the route is kept and ends traces there",
                );
            }
            RouteTarget::Other(kind.to_ascii_lowercase().replace(' ', "-"), id.to_owned())
        };
        if let Some(gw) = r.gateway_id.as_deref() {
            return Some(if gw == "local" {
                RouteTarget::Local
            } else if gw.starts_with("igw-") {
                match self.by_id(gw) {
                    Some(AnyIdx::InternetGateway(i)) => RouteTarget::InternetGateway(i),
                    _ => missing(self, "internet gateway", gw, "GatewayId"),
                }
            } else if gw.starts_with("vgw-") {
                RouteTarget::VpnGateway(gw.to_owned())
            } else if gw.starts_with("vpce-") {
                RouteTarget::VpcEndpoint(gw.to_owned())
            } else {
                RouteTarget::Other("gateway".to_owned(), gw.to_owned())
            });
        }
        if let Some(id) = r.nat_gateway_id.as_deref() {
            return Some(match self.by_id(id) {
                Some(AnyIdx::NatGateway(n)) => RouteTarget::NatGateway(n),
                _ => missing(self, "NAT gateway", id, "NatGatewayId"),
            });
        }
        if let Some(id) = r.vpc_peering_connection_id.as_deref() {
            return Some(match self.by_id(id) {
                Some(AnyIdx::Peering(x)) => RouteTarget::Peering(x),
                _ => missing(self, "peering connection", id, "VpcPeeringConnectionId"),
            });
        }
        if let Some(id) = r.transit_gateway_id.as_deref() {
            return Some(RouteTarget::TransitGateway(id.to_owned()));
        }
        // A route to an instance also names its interface; the interface is exact.
        if let Some(id) = r.network_interface_id.as_deref() {
            if let Some(e) = self.eni(id) {
                return Some(RouteTarget::Interface(e));
            }
            if let Some(i) = r.instance_id.as_deref().and_then(|i| self.instance(i)) {
                return Some(RouteTarget::Instance(i));
            }
            return Some(missing(self, "network interface", id, "NetworkInterfaceId"));
        }
        if let Some(id) = r.instance_id.as_deref() {
            return Some(match self.instance(id) {
                Some(i) => RouteTarget::Instance(i),
                None => missing(self, "instance", id, "InstanceId"),
            });
        }
        let other = [
            (
                "egress-only-internet-gateway",
                &r.egress_only_internet_gateway_id,
            ),
            ("carrier-gateway", &r.carrier_gateway_id),
            ("local-gateway", &r.local_gateway_id),
            ("core-network", &r.core_network_arn),
        ];
        for (kind, id) in other {
            if let Some(id) = id {
                return Some(RouteTarget::Other(kind.to_owned(), id.to_string()));
            }
        }
        let msg = "a route needs a target (`GatewayId`, `NatGatewayId`, `VpcPeeringConnectionId`, `TransitGatewayId`, `NetworkInterfaceId`, `InstanceId`, …)".to_owned();
        self.error("BAD_ROUTE", file, ptr, msg);
        None
    }

    /// Adds a rule unless the same rule is already there (merging the two shapes).
    fn add_rule(&mut self, sg: SgIdx, egress: bool, rule: SgRule) {
        if let Some(keys) = &mut self.rule_keys {
            let key = RuleKey {
                sg,
                egress,
                protocol: rule.protocol,
                l4: rule.l4,
                peer: PeerKey::of(&rule.peer),
            };
            if !keys.insert(key) {
                return;
            }
        }
        self.b.add_sg_rule(sg, egress, rule);
    }

    /// The peer of a rule naming another group: the group, or an unknown one (another
    /// account's, which AWS allows and vpcnet cannot see).
    fn group_peer(&mut self, id: &str, user: Option<&str>, file: usize, ptr: &str) -> SgPeer {
        if let Some(g) = self.sg(id) {
            return SgPeer::Group(g);
        }
        let owner = user.map(|u| format!(" of account {u}")).unwrap_or_default();
        let msg = format!(
            "security group `{id}`{owner} is not in the snapshot; the rule referencing it never matches"
        );
        self.say(Severity::Note, "UNKNOWN_REFERENCE", file, ptr, msg);
        SgPeer::UnknownGroup(id.to_owned())
    }

    fn l4(
        &mut self,
        proto: &Proto<'_>,
        from: Option<i64>,
        to: Option<i64>,
        file: usize,
        ptr: &str,
    ) -> Option<(Protocol, L4Match)> {
        let protocol = self.protocol(proto, file, || format!("{ptr}/IpProtocol"))?;
        let l4 = match protocol {
            Protocol::All => L4Match::Any,
            // For ICMP, `FromPort` is the type and `ToPort` the code.
            Protocol::Number(1 | 58) => {
                L4Match::Icmp(self.icmp(from, to, file, ptr, "FromPort", "ToPort")?)
            }
            p if p.has_ports() => {
                L4Match::Ports(self.ports(from, to, file, ptr, "FromPort", "ToPort")?)
            }
            _ => L4Match::Any,
        };
        Some((protocol, l4))
    }

    /// The rules of `SecurityGroups` and `SecurityGroupRules`, merged. Nothing after
    /// [`Lowerer::rules_only_groups`] adds a group or a prefix list, and a rule
    /// changes nothing but its group, so this may run as soon as the groups exist.
    pub(crate) fn sg_rules(
        &mut self,
        groups: &Items<'_, raw::SecurityGroup<'_>>,
        rules: &Items<'_, raw::SgRule<'_>>,
    ) {
        self.rule_keys = (!rules.is_empty()).then(Set::default);
        for (k, &e) in groups.iter().enumerate() {
            let Some(sg) = self.sg_idx[k] else {
                continue;
            };
            let ptr = format!("/SecurityGroups/{}", e.index);
            for (egress, perms, field) in [
                (false, &e.v.ip_permissions, "IpPermissions"),
                (true, &e.v.ip_permissions_egress, "IpPermissionsEgress"),
            ] {
                let base = format!("{ptr}/{field}");
                for (perm, j) in self.items(perms, e.file, &base, "permission") {
                    let pptr = format!("{base}/{j}");
                    self.permission(sg, egress, perm, e.file, &pptr);
                }
            }
        }
        for &e in rules {
            let r = &e.v;
            let ptr = format!("/SecurityGroupRules/{}", e.index);
            let Some(sg) = self.sg(&r.group_id) else {
                if !self.groups_skipped.contains(&*r.group_id) {
                    let at = format!("{ptr}/GroupId");
                    self.unknown_ref(
                        e.file,
                        &at,
                        "security group",
                        &r.group_id,
                        "the rule is skipped",
                    );
                }
                continue;
            };
            let Some((protocol, l4)) =
                self.l4(&r.ip_protocol, r.from_port, r.to_port, e.file, &ptr)
            else {
                continue;
            };
            let Some(peer) = self.rule_peer(r, e.file, &ptr) else {
                continue;
            };
            let rule = SgRule {
                protocol,
                l4,
                peer,
                description: r.description.as_deref().map(str::to_owned),
                origin: self.loc(e.file, &ptr),
            };
            self.add_rule(sg, r.is_egress, rule);
        }
    }

    /// The peer of a `SecurityGroupRules` item.
    fn rule_peer(&mut self, r: &raw::SgRule<'_>, file: usize, ptr: &str) -> Option<SgPeer> {
        if let Some(c) = &r.cidr_ipv4 {
            return Some(SgPeer::Cidr(
                self.cidr(c, file, || format!("{ptr}/CidrIpv4"))?,
            ));
        }
        if let Some(c) = &r.cidr_ipv6 {
            return Some(SgPeer::Ipv6(
                self.cidr6(c, file, || format!("{ptr}/CidrIpv6"))?,
            ));
        }
        if let Some(pl) = &r.prefix_list_id {
            let found = self.prefix_list(pl);
            if found.is_none() {
                let at = format!("{ptr}/PrefixListId");
                self.unknown_ref(file, &at, "prefix list", pl, "the rule is skipped");
            }
            return found.map(SgPeer::PrefixList);
        }
        if let Some(g) = &r.referenced_group_info {
            if let Some(id) = &g.group_id {
                let at = format!("{ptr}/ReferencedGroupInfo/GroupId");
                return Some(self.group_peer(id, g.user_id.as_deref(), file, &at));
            }
        }
        let msg = "a security group rule needs `CidrIpv4`, `CidrIpv6`, `PrefixListId` or `ReferencedGroupInfo`".to_owned();
        self.error("BAD_RULE", file, ptr, msg);
        None
    }

    fn permission(
        &mut self,
        sg: SgIdx,
        egress: bool,
        perm: &raw::Permission<'_>,
        file: usize,
        ptr: &str,
    ) {
        let Some((protocol, l4)) =
            self.l4(&perm.ip_protocol, perm.from_port, perm.to_port, file, ptr)
        else {
            return;
        };
        let add = |this: &mut Self, peer: SgPeer, description: Option<&Str<'_>>, at: &str| {
            let rule = SgRule {
                protocol,
                l4,
                peer,
                description: description.map(|d| d.to_string()),
                origin: this.loc(file, at),
            };
            this.add_rule(sg, egress, rule);
        };
        for (j, r) in perm.ip_ranges.iter().enumerate() {
            let at = format!("{ptr}/IpRanges/{j}");
            if let Some(c) = self.cidr(&r.cidr_ip, file, || format!("{at}/CidrIp")) {
                add(self, SgPeer::Cidr(c), r.description.as_ref(), &at);
            }
        }
        for (j, r) in perm.ipv6_ranges.iter().enumerate() {
            let at = format!("{ptr}/Ipv6Ranges/{j}");
            if let Some(c) = self.cidr6(&r.cidr_ipv6, file, || format!("{at}/CidrIpv6")) {
                add(self, SgPeer::Ipv6(c), r.description.as_ref(), &at);
            }
        }
        for (j, r) in perm.prefix_list_ids.iter().enumerate() {
            let at = format!("{ptr}/PrefixListIds/{j}");
            match self.prefix_list(&r.prefix_list_id) {
                Some(pl) => add(self, SgPeer::PrefixList(pl), r.description.as_ref(), &at),
                None => self.unknown_ref(
                    file,
                    &format!("{at}/PrefixListId"),
                    "prefix list",
                    &r.prefix_list_id,
                    "the rule is skipped",
                ),
            }
        }
        for (j, r) in perm.user_id_group_pairs.iter().enumerate() {
            let at = format!("{ptr}/UserIdGroupPairs/{j}");
            let Some(g) = &r.group_id else {
                let msg = "a group pair needs `GroupId`".to_owned();
                self.error("BAD_RULE", file, &at, msg);
                continue;
            };
            let peer = self.group_peer(g, r.user_id.as_deref(), file, &format!("{at}/GroupId"));
            add(self, peer, r.description.as_ref(), &at);
        }
    }
}

/// A NAT gateway that no longer carries traffic (and whose interface is gone).
fn nat_gone(state: Option<&str>) -> bool {
    matches!(state, Some("deleted" | "deleting" | "failed"))
}
