//! Resources to model, in an order where every reference points backwards: VPCs (with
//! their CIDR associations and the external VPCs on the far side of peerings), prefix
//! lists (those the input read as data sources too), internet gateways, network ACLs,
//! route tables, security groups, subnets and their associations, instances and
//! interfaces, NAT gateways, peerings, transit gateways ([`tgw`]), load balancers and
//! endpoint services ([`lb`]), VPC endpoints ([`endpoint`]), then routes and security
//! group rules, and last Route 53 ([`dns`]), whose records name addresses and load
//! balancer DNS names of everything before.
//!
//! Everything is joined by id strings: ids Terraform printed, or synthetic ones
//! ([`crate::refs`]), so a reference works the same whether it was known in the plan
//! or linked through the configuration.

mod dns;
mod endpoint;
mod flowlog;
mod lb;
mod tgw;

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};
use serde_json::Value;
use vpcnet_model::{
    AnyIdx, Diagnostic, IcmpMatch, Interface, InterfaceOwner, L4Match, Location, Meta, NaclEntry,
    NatConnectivity, NetworkAcl, NetworkBuilder, Peering, PeeringStatus, PortRange, PrefixListIdx,
    PrivateIp, Protocol, Route, RouteDest, RouteTable, RouteTableIdx, RouteTarget, RuleAction,
    SecurityGroup, Severity, SgIdx, SgPeer, SgRule, SubnetIdx, Vpc, VpcIdx,
};

use crate::doc::{esc, Doc};
use crate::refs::Refs;
use crate::TfReport;

/// The region assumed when nothing says which.
const DEFAULT_REGION: &str = "us-east-1";
/// The account assumed when nothing says which.
const DEFAULT_ACCOUNT: &str = "000000000000";

/// The resource types this importer reads.
const MODELLED: &[&str] = &[
    "aws_flow_log",
    "aws_vpc",
    "aws_default_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_nat_gateway",
    "aws_eip",
    "aws_eip_association",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_peering_connection_options",
    "aws_ec2_managed_prefix_list",
    "aws_ec2_managed_prefix_list_entry",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_network_interface",
    "aws_network_interface_sg_attachment",
    "aws_instance",
    "aws_route53_zone",
    "aws_route53_zone_association",
    // It only permits an association made elsewhere: nothing to model.
    "aws_route53_vpc_association_authorization",
    "aws_route53_record",
    "aws_route53_resolver_rule",
    "aws_route53_resolver_rule_association",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_vpc_attachment_accepter",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_security_group_association",
    "aws_vpc_endpoint_service",
    "aws_vpc_endpoint_service_allowed_principal",
    "aws_vpc_endpoint_connection_accepter",
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    // `aws_vpn_connection` (with its `aws_customer_gateway` and
    // `aws_vpn_connection_route`s) is modelled when it attaches to a transit gateway,
    // and marked so there; one to a virtual private gateway is not.
    // The Cloud Control provider's route tables (the `aws-ia/vpc` module uses them).
    "awscc_ec2_route_table",
    "awscc_ec2_subnet_route_table_association",
];

/// A route before its table and target are looked up: plain strings.
struct RouteSpec {
    res: usize,
    table: String,
    dest: DestSpec,
    /// (field, id), or why there is none: (pointer, message) when a target is
    /// unknown until apply and cannot be linked.
    target: Result<(&'static str, String), Option<(String, String)>>,
    ptr: String,
}

enum DestSpec {
    V4(String),
    V6(String),
    PrefixList(String),
}

impl DestSpec {
    fn text(&self) -> &str {
        match self {
            DestSpec::V4(s) | DestSpec::V6(s) | DestSpec::PrefixList(s) => s,
        }
    }
}

/// A network ACL entry as read.
enum Entry {
    V4(NaclEntry),
    /// An IPv6 entry: rule number, CIDR, pointer.
    V6(u16, String, String),
    /// Neither CIDR is known.
    NoCidr,
}

/// Route target fields, in the order AWS would pick one.
const TARGETS: &[&str] = &[
    "gateway_id",
    "nat_gateway_id",
    "vpc_peering_connection_id",
    "transit_gateway_id",
    "network_interface_id",
    "instance_id",
    "vpc_endpoint_id",
    "egress_only_gateway_id",
    "carrier_gateway_id",
    "local_gateway_id",
    "core_network_arn",
];

struct Lower<'d, 'a, 'b> {
    b: &'b mut NetworkBuilder,
    d: &'d Doc<'a>,
    r: Refs<'d, 'a>,
    modelled: Vec<bool>,
    said_region: bool,
    said_account: bool,
    /// Private addresses the document names, so assigned ones never collide.
    used_ips: HashSet<Ipv4Addr>,
    /// A VPC's main route table, default ACL and default SG ids → the VPC.
    default_rtb: HashMap<String, VpcIdx>,
    default_acl: HashMap<String, VpcIdx>,
    default_sg_of: HashMap<VpcIdx, SgIdx>,
    routes: Vec<RouteSpec>,
    /// Instance or interface id → (private address when given, public address, the
    /// resource that maps it).
    eip_on: HashMap<String, Vec<(Option<Ipv4Addr>, Ipv4Addr, usize)>>,
    /// Keys of `eip_on` that an instance or interface of the input took.
    eip_used: HashSet<String>,
    /// Elastic IP allocation id or id → (the `aws_eip`, its public address when known
    /// or stood for).
    eip_alloc: HashMap<String, (usize, Option<Ipv4Addr>)>,
    /// Public addresses the document names or placeholders took.
    used_public: HashSet<Ipv4Addr>,
    /// Subnets that give instances a public address at launch.
    map_public: HashSet<SubnetIdx>,
}

pub(crate) fn lower(b: &mut NetworkBuilder, d: &Doc<'_>) -> TfReport {
    let mut l = Lower {
        b,
        d,
        r: Refs::new(d),
        modelled: vec![false; d.res.len()],
        said_region: false,
        said_account: false,
        used_ips: HashSet::new(),
        default_rtb: HashMap::new(),
        default_acl: HashMap::new(),
        default_sg_of: HashMap::new(),
        routes: Vec::new(),
        eip_on: HashMap::new(),
        eip_used: HashSet::new(),
        eip_alloc: HashMap::new(),
        used_public: HashSet::new(),
        map_public: HashSet::new(),
    };
    for e in &d.early {
        let diag = if e.error {
            Diagnostic::error(e.code, e.message.clone())
        } else {
            Diagnostic::note(e.code, e.message.clone())
        };
        let at = l.loc(&e.ptr);
        l.b.report(diag.at(at));
    }
    l.run();
    l.report()
}

/// What a security group rule's peer attribute names, for findings.
fn peer_kind(field: &str) -> &'static str {
    match field {
        "cidr_blocks" | "cidr_ipv4" => "CIDR",
        "ipv6_cidr_blocks" | "cidr_ipv6" => "IPv6 CIDR",
        "prefix_list_ids" | "prefix_list_id" => "prefix list",
        _ => "security group",
    }
}

fn num(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// `arn:aws:ec2:REGION:ACCOUNT:…` → (region, account).
fn arn_parts(arn: &str) -> Option<(&str, &str)> {
    let mut it = arn.split(':');
    if it.next()? != "arn" {
        return None;
    }
    let _partition = it.next()?;
    let _service = it.next()?;
    let region = it.next()?;
    let account = it.next()?;
    Some((region, account))
}

impl Lower<'_, '_, '_> {
    // ----- helpers -----------------------------------------------------------------

    fn loc(&self, ptr: &str) -> Option<Location> {
        Some(Location::pointer(Some(&self.d.file), ptr))
    }

    fn say(&mut self, sev: Severity, code: &'static str, ptr: &str, msg: String) {
        let d = match sev {
            Severity::Error => Diagnostic::error(code, msg),
            Severity::Warning => Diagnostic::warning(code, msg),
            Severity::Note => Diagnostic::note(code, msg),
        };
        let at = self.loc(ptr);
        self.b.report(d.at(at));
    }

    fn of_type(&self, tys: &[&str]) -> Vec<usize> {
        (0..self.d.res.len())
            .filter(|&i| self.d.res.get(i).is_some_and(|r| tys.contains(&r.ty)))
            .collect()
    }

    fn addr(&self, i: usize) -> String {
        self.d
            .res
            .get(i)
            .map(|r| r.addr.clone())
            .unwrap_or_default()
    }

    fn ptr(&self, i: usize) -> String {
        self.d.res.get(i).map(|r| r.ptr.clone()).unwrap_or_default()
    }

    fn vptr(&self, i: usize, attr: &str) -> String {
        format!("{}/values/{}", self.ptr(i), esc(attr))
    }

    fn val(&self, i: usize, attr: &str) -> Option<&Value> {
        self.d.res.get(i).and_then(|r| r.values.get(attr))
    }

    fn mark(&mut self, i: usize) {
        if let Some(m) = self.modelled.get_mut(i) {
            *m = true;
        }
    }

    fn meta(&self, i: usize, id: String) -> Meta {
        let tags_v = self
            .val(i, "tags")
            .filter(|t| match t {
                Value::Object(o) => !o.is_empty(),
                Value::Array(l) => !l.is_empty(),
                _ => false,
            })
            .or_else(|| self.val(i, "tags_all"));
        let tags: Vec<(String, String)> = match tags_v {
            Some(Value::Object(o)) => o
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect(),
            // The Cloud Control provider (`awscc_*`) lists tags as `{key, value}`.
            Some(Value::Array(l)) => l
                .iter()
                .filter_map(|t| {
                    Some((
                        t.get("key")?.as_str()?.to_owned(),
                        t.get("value")?.as_str()?.to_owned(),
                    ))
                })
                .collect(),
            _ => Vec::new(),
        };
        let name = tags
            .iter()
            .find(|(k, _)| k == "Name")
            .map(|(_, v)| v.clone());
        Meta {
            id,
            name,
            tags,
            origin: self.loc(&self.ptr(i)),
        }
    }

    fn unresolved(&mut self, i: usize, attr: &str, what: &str, consequence: &str) {
        let fallback = format!("its configuration names no {what} in the plan");
        let why = self.r.why(i, attr, &fallback);
        let msg = format!(
            "`{attr}` of `{}` is unknown until apply and {why}; {consequence}",
            self.addr(i)
        );
        let p = self.vptr(i, attr);
        self.say(Severity::Error, "UNRESOLVED_REFERENCE", &p, msg);
    }

    /// An attribute of item `j` of a list of blocks that could not be linked.
    #[allow(clippy::too_many_arguments)] // the block, the item and the finding's parts
    fn unresolved_block(
        &mut self,
        i: usize,
        block: &str,
        j: usize,
        item: &Value,
        attr: &str,
        what: &str,
        consequence: &str,
    ) {
        let fallback = format!("its configuration names no {what} in the plan");
        let why = self.r.block_why(i, block, j, item, attr, &fallback);
        let msg = format!(
            "`{block}[{j}].{attr}` of `{}` is unknown until apply and {why}; {consequence}",
            self.addr(i)
        );
        let p = format!("{}/values/{block}/{j}/{}", self.ptr(i), esc(attr));
        self.say(Severity::Error, "UNRESOLVED_REFERENCE", &p, msg);
    }

    fn unknown_ref(&mut self, i: usize, attr: &str, what: &str, id: &str, consequence: &str) {
        let msg = format!(
            "`{attr}` of `{}` names {what} `{id}`, which is not in the input; {consequence}",
            self.addr(i)
        );
        let p = self.vptr(i, attr);
        self.say(Severity::Warning, "UNKNOWN_REFERENCE", &p, msg);
    }

    fn vpc_ref(&mut self, i: usize, attr: &str, consequence: &str) -> Option<VpcIdx> {
        let Some(id) = self.r.one(i, attr) else {
            self.unresolved(i, attr, "VPC", consequence);
            return None;
        };
        let found = self.b.network().by_id_as(&id);
        if found.is_none() {
            self.unknown_ref(i, attr, "VPC", &id, consequence);
        }
        found
    }

    fn subnet_ref(&mut self, i: usize, attr: &str, consequence: &str) -> Option<SubnetIdx> {
        let Some(id) = self.r.one(i, attr) else {
            self.unresolved(i, attr, "subnet", consequence);
            return None;
        };
        let found = self.b.network().by_id_as(&id);
        if found.is_none() {
            self.unknown_ref(i, attr, "subnet", &id, consequence);
        }
        found
    }

    fn sg_ids(&mut self, i: usize, ids: Vec<String>, attr: &str) -> Vec<SgIdx> {
        let mut out = Vec::new();
        for id in ids {
            match self.b.network().by_id(&id) {
                Some(AnyIdx::SecurityGroup(g)) => out.push(g),
                _ => self.unknown_ref(i, attr, "security group", &id, "it is left out"),
            }
        }
        out
    }

    fn cidr4(&mut self, i: usize, s: &str, ptr: &str) -> Option<Ipv4Net> {
        match s.parse::<Ipv4Net>() {
            Ok(n) => {
                if n.trunc() != n {
                    let msg = format!(
                        "CIDR `{s}` of `{}` has host bits set; AWS reads it as `{}`",
                        self.addr(i),
                        n.trunc()
                    );
                    self.say(Severity::Warning, "CIDR_NOT_CANONICAL", ptr, msg);
                }
                Some(n.trunc())
            }
            Err(_) => {
                let msg = format!("`{s}` of `{}` is not an IPv4 CIDR", self.addr(i));
                self.say(Severity::Error, "BAD_CIDR", ptr, msg);
                None
            }
        }
    }

    /// The IPv6 block of a VPC or subnet: as given, or said when AWS assigns it at
    /// apply (it is held for information; traces are IPv4).
    fn cidr6(&mut self, i: usize) -> Option<Ipv6Net> {
        let p = self.vptr(i, "ipv6_cidr_block");
        match self.r.one(i, "ipv6_cidr_block") {
            Some(c) => match c.parse::<Ipv6Net>() {
                Ok(n) => Some(n.trunc()),
                Err(_) => {
                    let msg = format!("`{c}` of `{}` is not an IPv6 CIDR", self.addr(i));
                    self.say(Severity::Error, "BAD_CIDR", &p, msg);
                    None
                }
            },
            // The attribute is computed whether or not IPv6 is wanted: say so only
            // when it is.
            None if self.r.unknown_at(i, "/ipv6_cidr_block")
                && [
                    "assign_generated_ipv6_cidr_block",
                    "assign_ipv6_address_on_creation",
                    "ipv6_native",
                ]
                .iter()
                .any(|a| boolean(self.val(i, a)) == Some(true))
                || text(self.val(i, "ipv6_ipam_pool_id")).is_some() =>
            {
                let msg = format!(
                    "the IPv6 block of `{}` is assigned at apply and not known; it is left out (IPv6 blocks are held for information only: vpcnet traces IPv4)",
                    self.addr(i)
                );
                self.say(Severity::Note, "IPV6_CIDR_UNKNOWN", &p, msg);
                None
            }
            None => None,
        }
    }

    fn region(&mut self, i: usize) -> String {
        if let Some(r) = text(self.val(i, "region")) {
            return r;
        }
        if let Some(arn) = self.val(i, "arn").and_then(Value::as_str) {
            if let Some((r, _)) = arn_parts(arn).filter(|(r, _)| !r.is_empty()) {
                return r.to_owned();
            }
        }
        let key = self.r.provider_key(i).unwrap_or("aws");
        for k in [key, "aws"] {
            if let Some(r) = self.r.provider_arg(k, "/region") {
                return r;
            }
        }
        if !self.said_region {
            self.said_region = true;
            let msg = format!(
                "the region of `{}` is not known (no per-resource `region`, ARN, or provider `region` given as a constant or a root variable); `{DEFAULT_REGION}` is assumed for every resource whose region is not known",
                self.addr(i)
            );
            let p = self.ptr(i);
            self.say(Severity::Note, "REGION_ASSUMED", &p, msg);
        }
        DEFAULT_REGION.to_owned()
    }

    fn account(&mut self, i: usize) -> String {
        if let Some(a) = text(self.val(i, "owner_id")) {
            return a;
        }
        if let Some(arn) = self.val(i, "arn").and_then(Value::as_str) {
            if let Some((_, a)) = arn_parts(arn).filter(|(_, a)| !a.is_empty()) {
                return a.to_owned();
            }
        }
        let key = self.r.provider_key(i).unwrap_or("aws");
        for k in [key, "aws"] {
            if let Some(a) = self.r.provider_arg(k, "/allowed_account_ids") {
                return a;
            }
            if let Some(a) = self
                .r
                .provider_arg(k, "/assume_role/0/role_arn")
                .as_deref()
                .and_then(arn_parts)
                .map(|(_, a)| a)
                .filter(|a| !a.is_empty())
            {
                return a.to_owned();
            }
        }
        if !self.said_account {
            self.said_account = true;
            let msg = format!(
                "the account of `{}` is not known (no `owner_id`, ARN, or provider `allowed_account_ids`/`assume_role` given as a constant or a root variable); `{DEFAULT_ACCOUNT}` is assumed for every resource whose account is not known",
                self.addr(i)
            );
            let p = self.ptr(i);
            self.say(Severity::Note, "ACCOUNT_ASSUMED", &p, msg);
        }
        DEFAULT_ACCOUNT.to_owned()
    }

    // ----- the passes -----------------------------------------------------------------

    fn run(&mut self) {
        for i in 0..self.d.res.len() {
            let m = self.d.res.get(i).is_some_and(|r| MODELLED.contains(&r.ty));
            if m {
                self.mark(i);
            }
        }
        self.collect_ips();
        self.collect_routes();
        self.vpcs();
        self.external_vpcs();
        self.orphans(
            "aws_vpc_ipv4_cidr_block_association",
            "vpc_id",
            "VPC",
            |x| matches!(x, AnyIdx::Vpc(_)),
            "the CIDR block is left out",
        );
        self.prefix_lists();
        self.orphans(
            "aws_ec2_managed_prefix_list_entry",
            "prefix_list_id",
            "prefix list",
            |x| matches!(x, AnyIdx::PrefixList(_)),
            "the entry is left out",
        );
        self.igws();
        self.orphans(
            "aws_internet_gateway_attachment",
            "internet_gateway_id",
            "internet gateway",
            |x| matches!(x, AnyIdx::InternetGateway(_)),
            "the attachment is skipped",
        );
        self.nacls();
        self.route_tables();
        self.orphans(
            "aws_main_route_table_association",
            "route_table_id",
            "route table",
            |x| matches!(x, AnyIdx::RouteTable(_)),
            "the VPC keeps its own main route table",
        );
        self.security_groups();
        self.subnets();
        self.associations();
        self.eips();
        self.instances();
        self.interfaces();
        self.nats();
        self.eips_unused();
        self.peerings();
        for ty in [
            "aws_vpc_peering_connection_accepter",
            "aws_vpc_peering_connection_options",
        ] {
            self.orphans(
                ty,
                "vpc_peering_connection_id",
                "peering",
                |x| matches!(x, AnyIdx::Peering(_)),
                "it is left out",
            );
        }
        self.transit_gateways();
        self.load_balancing();
        self.vpc_endpoints();
        self.add_routes();
        self.sg_rules();
        self.dns();
        self.flow_logs();
        self.inferred();
        self.not_modelled();
    }

    /// Resources that attach to another by `attr`: said when that one is unknown
    /// until apply and not linked, or not in the network.
    fn orphans(
        &mut self,
        ty: &str,
        attr: &str,
        what: &str,
        is: fn(AnyIdx) -> bool,
        consequence: &str,
    ) {
        for i in self.of_type(&[ty]) {
            match self.r.one(i, attr) {
                None => self.unresolved(i, attr, what, consequence),
                Some(id) => {
                    if !self.b.network().by_id(&id).is_some_and(is) {
                        self.unknown_ref(i, attr, what, &id, consequence);
                    }
                }
            }
        }
    }

    fn report(&self) -> TfReport {
        let mut modelled = Vec::new();
        let mut not: Vec<(String, Vec<String>)> = Vec::new();
        for (i, r) in self.d.res.iter().enumerate() {
            if self.modelled.get(i).copied().unwrap_or(false) {
                modelled.push(r.addr.clone());
            } else if let Some((_, a)) = not.iter_mut().find(|(t, _)| t == r.ty) {
                a.push(r.addr.clone());
            } else {
                not.push((r.ty.to_owned(), vec![r.addr.clone()]));
            }
        }
        TfReport {
            kind: self.d.kind,
            format_version: self.d.format_version.clone(),
            terraform_version: self.d.terraform_version.clone(),
            modelled,
            not_modelled: not,
            data_sources: self.d.data_sources,
        }
    }

    fn inferred(&mut self) {
        let mut list = self.r.inferred.borrow().clone();
        list.sort();
        list.dedup();
        for x in list {
            let kind = if x.id.starts_with("vpc") {
                "VPC"
            } else {
                "security group"
            };
            let place = if x.plan_wide {
                "of the plan".to_owned()
            } else if x.scope.is_empty() {
                "of the root module".to_owned()
            } else {
                format!("of `{}`", x.scope)
            };
            let local = if x.scope.is_empty() {
                format!("`{}`", x.local)
            } else {
                format!("`{}` in `{}`", x.local, x.scope)
            };
            let msg = format!(
                "`{}` of `{}` is unknown until apply and its configuration links it through {local}, whose value and expression Terraform's JSON does not hold; `{}`, the only {kind} {place}, is assumed",
                x.label,
                self.addr(x.res),
                x.id
            );
            let p = format!("{}/values{}", self.ptr(x.res), x.ptr);
            self.say(Severity::Note, "REFERENCE_INFERRED", &p, msg);
        }
    }

    fn not_modelled(&mut self) {
        let mut by_type: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, r) in self.d.res.iter().enumerate() {
            if self.modelled.get(i).copied().unwrap_or(false) {
                continue;
            }
            match by_type.iter_mut().find(|(t, _)| *t == r.ty) {
                Some((_, v)) => v.push(i),
                None => by_type.push((r.ty, vec![i])),
            }
        }
        for (ty, list) in by_type {
            let addrs: Vec<String> = list
                .iter()
                .map(|&i| format!("`{}`", self.addr(i)))
                .collect();
            let n = addrs.len();
            let msg = format!(
                "`{ty}` is not modelled; {n} resource{} left out: {}",
                if n == 1 { "" } else { "s" },
                addrs.join(", ")
            );
            let p = list.first().map(|&i| self.ptr(i)).unwrap_or_default();
            self.say(Severity::Note, "NOT_MODELLED", &p, msg);
        }
        if self.d.data_sources > 0 {
            let msg = format!(
                "{} data source{} read by Terraform, not part of the network",
                self.d.data_sources,
                if self.d.data_sources == 1 { "" } else { "s" }
            );
            self.say(Severity::Note, "DATA_SOURCES_SKIPPED", "", msg);
        }
    }

    fn collect_ips(&mut self) {
        for i in self.of_type(&[
            "aws_eip",
            "aws_eip_association",
            "aws_instance",
            "aws_nat_gateway",
        ]) {
            if let Some(ip) = text(self.val(i, "public_ip")).and_then(|p| p.parse().ok()) {
                self.used_public.insert(ip);
            }
        }
        for i in self.of_type(&["aws_instance", "aws_network_interface", "aws_nat_gateway"]) {
            for a in ["private_ip", "private_ips", "secondary_private_ips"] {
                let mut v = Vec::new();
                if let Some(x) = self.val(i, a) {
                    match x {
                        Value::String(s) => v.push(s.clone()),
                        Value::Array(l) => {
                            v.extend(l.iter().filter_map(Value::as_str).map(str::to_owned))
                        }
                        _ => {}
                    }
                }
                self.used_ips
                    .extend(v.iter().filter_map(|s| s.parse::<Ipv4Addr>().ok()));
            }
        }
        // Addresses chosen for load balancers and interface endpoints.
        for (tys, block, attr) in [
            (
                &["aws_lb", "aws_alb"][..],
                "subnet_mapping",
                "private_ipv4_address",
            ),
            (&["aws_vpc_endpoint"][..], "subnet_configuration", "ipv4"),
        ] {
            for i in self.of_type(tys) {
                let ips: Vec<Ipv4Addr> = items(self.val(i, block))
                    .iter()
                    .filter_map(|m| text(m.get(attr)).and_then(|p| p.parse().ok()))
                    .collect();
                self.used_ips.extend(ips);
            }
        }
    }

    /// Every route, inline or standalone, as strings.
    fn collect_routes(&mut self) {
        for i in self.of_type(&[
            "aws_route_table",
            "aws_default_route_table",
            "awscc_ec2_route_table",
        ]) {
            let table = if self
                .d
                .res
                .get(i)
                .is_some_and(|r| r.ty == "aws_default_route_table")
            {
                self.r.one(i, "default_route_table_id")
            } else {
                Some(self.r.id(i))
            };
            let Some(table) = table else {
                continue;
            };
            let list = items(self.val(i, "route")).to_vec();
            for (j, item) in list.iter().enumerate() {
                let ptr = format!("{}/values/route/{j}", self.ptr(i));
                let get =
                    |me: &Self, a: &str| me.r.block_attr(i, "route", j, item, a).into_iter().next();
                let dests = [
                    "cidr_block",
                    "ipv6_cidr_block",
                    "destination_prefix_list_id",
                ];
                let dest = if let Some(c) = get(self, "cidr_block") {
                    DestSpec::V4(c)
                } else if let Some(c) = get(self, "ipv6_cidr_block") {
                    DestSpec::V6(c)
                } else if let Some(c) = get(self, "destination_prefix_list_id") {
                    DestSpec::PrefixList(c)
                } else if let Some(f) = dests
                    .iter()
                    .find(|f| self.r.unknown_at(i, &format!("/route/{j}/{f}")))
                {
                    self.unresolved_block(
                        i,
                        "route",
                        j,
                        item,
                        f,
                        "destination",
                        "the route is skipped",
                    );
                    continue;
                } else {
                    let msg = format!(
                        "a route of `{}` has no known destination (`cidr_block`, `ipv6_cidr_block` or `destination_prefix_list_id`); skipped",
                        self.addr(i)
                    );
                    self.say(Severity::Error, "BAD_ROUTE", &ptr, msg);
                    continue;
                };
                let target = match TARGETS.iter().find_map(|f| get(self, f).map(|v| (*f, v))) {
                    Some(t) => Ok(t),
                    None => Err(TARGETS
                        .iter()
                        .find(|f| self.r.unknown_at(i, &format!("/route/{j}/{f}")))
                        .map(|f| {
                            let why = self.r.block_why(
                                i,
                                "route",
                                j,
                                item,
                                f,
                                "its configuration names no target in the plan",
                            );
                            (
                                format!("{ptr}/{f}"),
                                format!(
                                    "`route[{j}].{f}` of `{}` (destination `{}`) is unknown until apply and {why}; the route is skipped",
                                    self.addr(i),
                                    dest.text()
                                ),
                            )
                        })),
                };
                self.routes.push(RouteSpec {
                    res: i,
                    table: table.clone(),
                    dest,
                    target,
                    ptr,
                });
            }
        }
        for i in self.of_type(&["aws_route"]) {
            let ptr = self.ptr(i);
            let Some(table) = self.r.one(i, "route_table_id") else {
                self.unresolved(i, "route_table_id", "route table", "the route is skipped");
                continue;
            };
            let dests = [
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ];
            let dest = if let Some(c) = self.r.one(i, "destination_cidr_block") {
                DestSpec::V4(c)
            } else if let Some(c) = self.r.one(i, "destination_ipv6_cidr_block") {
                DestSpec::V6(c)
            } else if let Some(c) = self.r.one(i, "destination_prefix_list_id") {
                DestSpec::PrefixList(c)
            } else if let Some(f) = dests
                .iter()
                .find(|f| self.r.unknown_at(i, &format!("/{f}")))
            {
                self.unresolved(i, f, "destination", "the route is skipped");
                continue;
            } else {
                let msg = format!(
                    "`{}` has no known destination (`destination_cidr_block`, `destination_ipv6_cidr_block` or `destination_prefix_list_id`); skipped",
                    self.addr(i)
                );
                self.say(Severity::Error, "BAD_ROUTE", &ptr, msg);
                continue;
            };
            let target = match TARGETS
                .iter()
                .find_map(|f| self.r.one(i, f).map(|v| (*f, v)))
            {
                Some(t) => Ok(t),
                None => Err(TARGETS
                    .iter()
                    .find(|f| self.r.unknown_at(i, &format!("/{f}")))
                    .map(|f| {
                        let why =
                            self.r
                                .why(i, f, "its configuration names no target in the plan");
                        (
                            self.vptr(i, f),
                            format!(
                                "`{f}` of `{}` is unknown until apply and {why}; the route is skipped",
                                self.addr(i)
                            ),
                        )
                    })),
            };
            self.routes.push(RouteSpec {
                res: i,
                table,
                dest,
                target,
                ptr,
            });
        }
        // A route table that does not declare `route` lists every route AWS has,
        // those of `aws_route` resources too: the same route, not a second one.
        let standalone: Vec<(String, String, String)> = self
            .routes
            .iter()
            .filter(|rs| self.d.res.get(rs.res).is_some_and(|r| r.ty == "aws_route"))
            .filter_map(|rs| {
                let (_, t) = rs.target.as_ref().ok()?;
                Some((rs.table.clone(), rs.dest.text().to_owned(), t.clone()))
            })
            .collect();
        let d = self.d;
        self.routes.retain(|rs| {
            let inline = d.res.get(rs.res).is_some_and(|r| r.ty != "aws_route");
            let same = rs.target.as_ref().is_ok_and(|(_, t)| {
                standalone
                    .iter()
                    .any(|(tb, de, tg)| *tb == rs.table && de == rs.dest.text() && tg == t)
            });
            !(inline && same)
        });
    }

    fn vpcs(&mut self) {
        let assocs = self.of_type(&["aws_vpc_ipv4_cidr_block_association"]);
        let assoc_vpc: Vec<(usize, Option<String>)> = assocs
            .iter()
            .map(|&a| (a, self.r.one(a, "vpc_id")))
            .collect();
        for i in self.of_type(&["aws_vpc", "aws_default_vpc"]) {
            let id = self.r.id(i);
            let mut cidrs = Vec::new();
            match self.r.one(i, "cidr_block") {
                Some(c) => {
                    let p = self.vptr(i, "cidr_block");
                    cidrs.extend(self.cidr4(i, &c, &p));
                }
                None => {
                    let msg = format!(
                        "the IPv4 CIDR of VPC `{}` is not known until apply (IPAM, or a value computed elsewhere)",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "cidr_block");
                    self.say(Severity::Error, "CIDR_UNKNOWN", &p, msg);
                }
            }
            for (a, vpc) in &assoc_vpc {
                if vpc.as_deref() != Some(id.as_str()) {
                    continue;
                }
                if let Some(c) = self.r.one(*a, "cidr_block") {
                    let p = self.vptr(*a, "cidr_block");
                    if let Some(n) = self.cidr4(*a, &c, &p) {
                        if !cidrs.contains(&n) {
                            cidrs.push(n);
                        }
                    }
                } else {
                    let msg = format!(
                        "the CIDR of `{}` is not known until apply; it is left out",
                        self.addr(*a)
                    );
                    let p = self.vptr(*a, "cidr_block");
                    self.say(Severity::Error, "CIDR_UNKNOWN", &p, msg);
                }
            }
            let ipv6: Vec<Ipv6Net> = self.cidr6(i).into_iter().collect();
            let is_default_vpc = self.d.res.get(i).is_some_and(|r| r.ty == "aws_default_vpc");
            let meta = self.meta(i, id);
            let account = self.account(i);
            let region = self.region(i);
            let Some(v) = self.b.add_vpc(Vpc {
                meta,
                account,
                region,
                cidrs,
                ipv6_cidrs: ipv6,
                main_route_table: None,
                default_nacl: None,
                dns_support: boolean(self.val(i, "enable_dns_support")).unwrap_or(true),
                dns_hostnames: boolean(self.val(i, "enable_dns_hostnames"))
                    .unwrap_or(is_default_vpc),
                described: true,
            }) else {
                continue;
            };
            for a in ["default_route_table_id", "main_route_table_id"] {
                for id in self.r.attr(i, a) {
                    self.default_rtb.insert(id, v);
                }
            }
            for id in self.r.attr(i, "default_network_acl_id") {
                self.default_acl.insert(id, v);
            }
        }
    }

    /// The far side of a peering whose VPC is not in the input: a VPC known by the
    /// routes that point at the peering (its CIDR is not in a plan or state).
    fn external_vpcs(&mut self) {
        for i in self.of_type(&["aws_vpc_peering_connection"]) {
            let Some(peer) = self.r.one(i, "peer_vpc_id") else {
                continue;
            };
            if self.b.network().by_id(&peer).is_some() {
                continue;
            }
            let Some(own) = self.r.one(i, "vpc_id") else {
                continue;
            };
            let Some(AnyIdx::Vpc(own_vpc)) = self.b.network().by_id(&own) else {
                continue;
            };
            let pcx = self.r.id(i);
            let mut cidrs: Vec<Ipv4Net> = Vec::new();
            for rs in &self.routes {
                if let (Ok((_, t)), DestSpec::V4(c)) = (&rs.target, &rs.dest) {
                    if *t == pcx {
                        if let Ok(n) = c.parse::<Ipv4Net>() {
                            let n = n.trunc();
                            if !cidrs.iter().any(|o| o.contains(&n) || n.contains(o)) {
                                cidrs.push(n);
                            }
                        }
                    }
                }
            }
            let own = self.b.network().vpc(own_vpc).clone();
            let account = text(self.val(i, "peer_owner_id")).unwrap_or(own.account);
            let region = text(self.val(i, "peer_region")).unwrap_or(own.region);
            let p = self.vptr(i, "peer_vpc_id");
            if cidrs.is_empty() {
                let msg = format!(
                    "peer VPC `{peer}` (account {account}, region {region}) of `{}` is not in the input and no route over the peering says its CIDR; the peering is left out",
                    self.addr(i)
                );
                self.say(Severity::Warning, "EXTERNAL_VPC_CIDR_UNKNOWN", &p, msg);
                continue;
            }
            let list: Vec<String> = cidrs.iter().map(|c| format!("`{c}`")).collect();
            let msg = format!(
                "peer VPC `{peer}` (account {account}, region {region}) of `{}` is not in the input; its CIDR is not known, so the destinations of routes over the peering ({}) stand for it, and paths into it stop there",
                self.addr(i),
                list.join(", ")
            );
            self.say(Severity::Note, "EXTERNAL_VPC", &p, msg);
            self.b.add_vpc(Vpc {
                meta: Meta {
                    id: peer,
                    name: None,
                    tags: Vec::new(),
                    origin: self.loc(&p),
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
            });
        }
    }

    fn prefix_lists(&mut self) {
        let entries: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_ec2_managed_prefix_list_entry"])
            .into_iter()
            .map(|e| (e, self.r.one(e, "prefix_list_id")))
            .collect();
        for i in self.of_type(&["aws_ec2_managed_prefix_list"]) {
            let id = self.r.id(i);
            let mut cidrs = Vec::new();
            let list = items(self.val(i, "entry")).to_vec();
            let mut v6: Vec<(String, String)> = Vec::new();
            for (j, e) in list.iter().enumerate() {
                let p = format!("{}/values/entry/{j}/cidr", self.ptr(i));
                match text(e.get("cidr")) {
                    Some(c) if c.contains(':') => v6.push((c, p)),
                    Some(c) => cidrs.extend(self.cidr4(i, &c, &p)),
                    None if self.r.unknown_at(i, &format!("/entry/{j}/cidr")) => {
                        let item = e.clone();
                        self.unresolved_block(
                            i,
                            "entry",
                            j,
                            &item,
                            "cidr",
                            "CIDR",
                            "the entry is left out",
                        );
                    }
                    None => {}
                }
            }
            for (e, pl) in &entries {
                if pl.as_deref() == Some(id.as_str()) {
                    let p = self.vptr(*e, "cidr");
                    match self.r.one(*e, "cidr") {
                        Some(c) if c.contains(':') => v6.push((c, p)),
                        Some(c) => cidrs.extend(self.cidr4(*e, &c, &p)),
                        None => self.unresolved(*e, "cidr", "CIDR", "the entry is left out"),
                    }
                }
            }
            if let Some((_, first)) = v6.first() {
                let list: Vec<String> = v6.iter().map(|(c, _)| format!("`{c}`")).collect();
                let msg = format!(
                    "the IPv6 entries of prefix list `{}` ({}) are left out: vpcnet's prefix lists hold IPv4 CIDRs only, and it traces IPv4",
                    self.addr(i),
                    list.join(", ")
                );
                let first = first.clone();
                self.say(Severity::Note, "IPV6_NOT_MODELLED", &first, msg);
            }
            cidrs.dedup();
            let list_name = text(self.val(i, "name")).unwrap_or_else(|| self.addr(i));
            let meta = self.meta(i, id);
            self.b.add_prefix_list(vpcnet_model::PrefixList {
                meta,
                list_name,
                cidrs,
            });
        }
        self.prefix_lists_read();
    }

    /// Prefix lists the input read as data sources (`aws_ec2_managed_prefix_list`,
    /// `aws_prefix_list`), AWS-managed ones such as S3's among them, so that routes of
    /// gateway endpoints and rules naming them match their CIDRs.
    fn prefix_lists_read(&mut self) {
        let d = self.d;
        for x in &d.data {
            let Some(v) = x.values else {
                continue;
            };
            if !matches!(x.ty, "aws_ec2_managed_prefix_list" | "aws_prefix_list") {
                continue;
            }
            let Some(id) = text(v.get("id")).or_else(|| text(v.get("prefix_list_id"))) else {
                continue;
            };
            if self.b.network().by_id(&id).is_some() {
                continue;
            }
            let mut addr: Vec<String> = x.scope.clone();
            addr.push(format!("data.{}.{}", x.ty, x.name));
            let addr = addr.join(".");
            // `entries` of the EC2 data source, `cidr_blocks` of the older one.
            let mut found: Vec<(String, String)> = Vec::new();
            for (j, e) in items(v.get("entries")).iter().enumerate() {
                if let Some(c) = text(e.get("cidr")) {
                    found.push((c, format!("{}/values/entries/{j}/cidr", x.ptr)));
                }
            }
            for (j, c) in items(v.get("cidr_blocks")).iter().enumerate() {
                if let Some(c) = text(Some(c)) {
                    found.push((c, format!("{}/values/cidr_blocks/{j}", x.ptr)));
                }
            }
            let mut cidrs: Vec<Ipv4Net> = Vec::new();
            for (c, p) in found {
                if c.contains(':') {
                    continue;
                }
                match c.parse::<Ipv4Net>() {
                    Ok(n) if !cidrs.contains(&n.trunc()) => cidrs.push(n.trunc()),
                    Ok(_) => {}
                    Err(_) => {
                        let msg = format!("`{c}` of `{addr}` is not an IPv4 CIDR");
                        self.say(Severity::Error, "BAD_CIDR", &p, msg);
                    }
                }
            }
            let list_name = text(v.get("name")).unwrap_or_else(|| id.clone());
            self.b.add_prefix_list(vpcnet_model::PrefixList {
                meta: Meta {
                    id,
                    name: Some(list_name.clone()),
                    tags: Vec::new(),
                    origin: self.loc(&x.ptr),
                },
                list_name,
                cidrs,
            });
        }
    }

    fn igws(&mut self) {
        let attach: Vec<(Option<String>, usize)> = self
            .of_type(&["aws_internet_gateway_attachment"])
            .into_iter()
            .map(|a| (self.r.one(a, "internet_gateway_id"), a))
            .collect();
        for i in self.of_type(&["aws_internet_gateway"]) {
            let id = self.r.id(i);
            let vpc = if self.r.one(i, "vpc_id").is_some() {
                self.vpc_ref(i, "vpc_id", "the gateway is left detached")
            } else {
                match attach
                    .iter()
                    .find(|(g, _)| g.as_deref() == Some(id.as_str()))
                {
                    Some((_, a)) => self.vpc_ref(*a, "vpc_id", "the gateway is left detached"),
                    None if self.r.unknown_at(i, "/vpc_id") => {
                        self.unresolved(i, "vpc_id", "VPC", "the gateway is left detached");
                        None
                    }
                    None => None,
                }
            };
            let meta = self.meta(i, id);
            self.b
                .add_internet_gateway(vpcnet_model::InternetGateway { meta, vpc });
        }
    }

    fn l4(
        &mut self,
        i: usize,
        proto: Option<String>,
        from: Option<i64>,
        to: Option<i64>,
        ptr: &str,
        icmp: Option<(Option<i64>, Option<i64>)>,
    ) -> Option<(Protocol, L4Match)> {
        let proto = proto.unwrap_or_else(|| "-1".to_owned());
        let Some(protocol) = Protocol::parse(&proto) else {
            let msg = format!("`{proto}` of `{}` is not a protocol", self.addr(i));
            self.say(Severity::Error, "BAD_VALUE", ptr, msg);
            return None;
        };
        let l4 = match protocol {
            Protocol::All => L4Match::Any,
            Protocol::Number(1 | 58) => {
                let (t, c) = icmp.unwrap_or((from, to));
                let part =
                    |v: Option<i64>| v.filter(|v| *v >= 0).and_then(|v| u8::try_from(v).ok());
                L4Match::Icmp(IcmpMatch {
                    icmp_type: part(t),
                    code: part(c),
                })
            }
            p if p.has_ports() => {
                let (f, t) = (from.unwrap_or(0), to.unwrap_or(65535));
                if f < 0 || t < 0 {
                    L4Match::Ports(PortRange::ALL)
                } else {
                    match (u16::try_from(f), u16::try_from(t)) {
                        (Ok(f), Ok(t)) if f <= t => L4Match::Ports(PortRange { from: f, to: t }),
                        _ => {
                            let msg = format!(
                                "ports `{f}`–`{t}` of `{}` are not a port range",
                                self.addr(i)
                            );
                            self.say(Severity::Error, "BAD_PORTS", ptr, msg);
                            return None;
                        }
                    }
                }
            }
            _ => L4Match::Any,
        };
        Some((protocol, l4))
    }

    /// One network ACL entry, inline (`ingress[j]`) or standalone; its CIDRs are
    /// given already linked: (IPv4, IPv6). An IPv6 entry is returned as such: the
    /// model's entries hold IPv4 CIDRs only.
    fn nacl_entry(
        &mut self,
        i: usize,
        e: &Value,
        ptr: &str,
        standalone: bool,
        cidrs: (Option<String>, Option<String>),
    ) -> Option<Entry> {
        let (no_key, act_key) = if standalone {
            ("rule_number", "rule_action")
        } else {
            ("rule_no", "action")
        };
        let Some(n) = num(e.get(no_key))
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (1..=32766).contains(n))
        else {
            let msg = format!(
                "network ACL rule of `{}` has no rule number between 1 and 32766; skipped",
                self.addr(i)
            );
            self.say(Severity::Error, "BAD_RULE_NUMBER", ptr, msg);
            return None;
        };
        let action = match text(e.get(act_key))
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("allow") => RuleAction::Allow,
            Some("deny") => RuleAction::Deny,
            other => {
                let msg = format!(
                    "network ACL rule {n} of `{}` has action `{}`, neither `allow` nor `deny`; skipped",
                    self.addr(i),
                    other.unwrap_or("")
                );
                self.say(Severity::Error, "BAD_VALUE", ptr, msg);
                return None;
            }
        };
        let cidr = match cidrs {
            (Some(c), _) => self.cidr4(i, &c, &format!("{ptr}/cidr_block"))?,
            (None, Some(c)) => {
                if c.parse::<Ipv6Net>().is_err() {
                    let msg = format!("`{c}` of `{}` is not an IPv6 CIDR", self.addr(i));
                    self.say(
                        Severity::Error,
                        "BAD_CIDR",
                        &format!("{ptr}/ipv6_cidr_block"),
                        msg,
                    );
                    return None;
                }
                return Some(Entry::V6(n, c, ptr.to_owned()));
            }
            (None, None) => return Some(Entry::NoCidr),
        };
        let icmp = Some((num(e.get("icmp_type")), num(e.get("icmp_code"))));
        let (protocol, l4) = self.l4(
            i,
            text(e.get("protocol")),
            num(e.get("from_port")),
            num(e.get("to_port")),
            ptr,
            icmp,
        )?;
        Some(Entry::V4(NaclEntry {
            rule_number: n,
            action,
            protocol,
            l4,
            cidr,
            origin: self.loc(ptr),
        }))
    }

    fn nacls(&mut self) {
        // Standalone rules, by the id of their ACL.
        let mut extra: HashMap<String, (Vec<NaclEntry>, Vec<NaclEntry>)> = HashMap::new();
        for i in self.of_type(&["aws_network_acl_rule"]) {
            let Some(acl) = self.r.one(i, "network_acl_id") else {
                self.unresolved(i, "network_acl_id", "network ACL", "the rule is skipped");
                continue;
            };
            let e = self.d.res.get(i).map(|r| r.values).unwrap_or(&Value::Null);
            let p = format!("{}/values", self.ptr(i));
            let egress = boolean(e.get("egress")).unwrap_or(false);
            let cidrs = (
                self.r.one(i, "cidr_block"),
                self.r.one(i, "ipv6_cidr_block"),
            );
            match self.nacl_entry(i, e, &p, true, cidrs) {
                Some(Entry::V4(entry)) => {
                    let slot = extra.entry(acl).or_default();
                    if egress {
                        slot.1.push(entry);
                    } else {
                        slot.0.push(entry);
                    }
                }
                Some(Entry::V6(n, c, ptr)) => {
                    let dir = if egress { "outbound" } else { "inbound" };
                    let msg = format!(
                        "the IPv6 entry {dir} {n} `{c}` of `{}` (network ACL `{acl}`) is left out: vpcnet's network ACL entries hold IPv4 CIDRs only, and it traces IPv4",
                        self.addr(i)
                    );
                    self.say(Severity::Note, "IPV6_NOT_MODELLED", &ptr, msg);
                }
                Some(Entry::NoCidr) => self.nacl_without_cidr(i, None, e, &p),
                None => {}
            }
        }
        let inline = |me: &mut Self, i: usize, dir: &str| {
            let list = items(me.val(i, dir)).to_vec();
            let mut out = Vec::new();
            let mut v6 = Vec::new();
            for (j, e) in list.iter().enumerate() {
                let p = format!("{}/values/{dir}/{j}", me.ptr(i));
                let cidrs = (
                    me.r.block_attr(i, dir, j, e, "cidr_block")
                        .into_iter()
                        .next(),
                    me.r.block_attr(i, dir, j, e, "ipv6_cidr_block")
                        .into_iter()
                        .next(),
                );
                match me.nacl_entry(i, e, &p, false, cidrs) {
                    Some(Entry::V4(x)) => out.push(x),
                    Some(Entry::V6(n, c, ptr)) => {
                        let d = if dir == "egress" {
                            "outbound"
                        } else {
                            "inbound"
                        };
                        v6.push((format!("{d} {n} `{c}`"), ptr));
                    }
                    Some(Entry::NoCidr) => me.nacl_without_cidr(i, Some((dir, j)), e, &p),
                    None => {}
                }
            }
            (out, v6)
        };
        // Both directions of an ACL, with the IPv6 entries said once.
        let both = |me: &mut Self, i: usize| -> (Vec<NaclEntry>, Vec<NaclEntry>) {
            let (ingress, mut v6) = inline(me, i, "ingress");
            let (egress, v6_out) = inline(me, i, "egress");
            v6.extend(v6_out);
            if let Some((_, first)) = v6.first() {
                let list: Vec<String> = v6.iter().map(|(w, _)| w.clone()).collect();
                let msg = format!(
                    "the IPv6 entries of `{}` ({}) are left out: vpcnet's network ACL entries hold IPv4 CIDRs only, and it traces IPv4",
                    me.addr(i),
                    list.join(", ")
                );
                let first = first.clone();
                me.say(Severity::Note, "IPV6_NOT_MODELLED", &first, msg);
            }
            (ingress, egress)
        };
        // Default ACLs: declared, or AWS's allow-all.
        let declared: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_default_network_acl"])
            .into_iter()
            .map(|i| (i, self.r.one(i, "default_network_acl_id")))
            .collect();
        let mut vpcs: Vec<(String, VpcIdx)> = self
            .default_acl
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        vpcs.sort_by_key(|(_, v)| *v);
        let mut done: HashSet<VpcIdx> = HashSet::new();
        for (i, acl_id) in &declared {
            let vpc = acl_id
                .as_ref()
                .and_then(|a| self.default_acl.get(a).copied());
            let (Some(acl_id), Some(vpc)) = (acl_id.clone(), vpc) else {
                let consequence = "it is left out";
                match acl_id {
                    None => self.unresolved(*i, "default_network_acl_id", "VPC", consequence),
                    Some(a) => self.unknown_ref(
                        *i,
                        "default_network_acl_id",
                        "default network ACL",
                        a,
                        consequence,
                    ),
                }
                continue;
            };
            if !done.insert(vpc) {
                continue;
            }
            let (mut ingress, mut egress) = both(self, *i);
            if let Some((a, b)) = extra.remove(&acl_id) {
                ingress.extend(a);
                egress.extend(b);
            }
            let mut meta = self.meta(*i, acl_id);
            meta.origin = self.loc(&self.ptr(*i));
            self.b.add_network_acl(
                NetworkAcl {
                    meta,
                    vpc,
                    ingress,
                    egress,
                },
                true,
            );
        }
        for (acl_id, vpc) in vpcs {
            if done.contains(&vpc) || !self.b.network().vpc(vpc).described {
                continue;
            }
            done.insert(vpc);
            let all = |n| NaclEntry {
                rule_number: n,
                action: RuleAction::Allow,
                protocol: Protocol::All,
                l4: L4Match::Any,
                cidr: Ipv4Net::default(),
                origin: None,
            };
            let mut ingress = vec![all(100)];
            let mut egress = vec![all(100)];
            if let Some((a, b)) = extra.remove(&acl_id) {
                ingress.extend(a);
                egress.extend(b);
            }
            let origin = self.b.network().vpc(vpc).meta.origin.clone();
            let name = self
                .b
                .network()
                .vpc(vpc)
                .meta
                .name
                .clone()
                .map(|n| format!("{n}-default"));
            self.b.add_network_acl(
                NetworkAcl {
                    meta: Meta {
                        id: acl_id,
                        name,
                        tags: Vec::new(),
                        origin,
                    },
                    vpc,
                    ingress,
                    egress,
                },
                true,
            );
        }
        for i in self.of_type(&["aws_network_acl"]) {
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "the network ACL is skipped") else {
                continue;
            };
            let id = self.r.id(i);
            let (mut ingress, mut egress) = both(self, i);
            if let Some((a, b)) = extra.remove(&id) {
                ingress.extend(a);
                egress.extend(b);
            }
            let meta = self.meta(i, id);
            self.b.add_network_acl(
                NetworkAcl {
                    meta,
                    vpc,
                    ingress,
                    egress,
                },
                false,
            );
        }
        let mut left: Vec<String> = extra.into_keys().collect();
        left.sort();
        for acl in left {
            let msg = format!(
                "rules name network ACL `{acl}`, which is not in the input; they are skipped"
            );
            self.say(Severity::Error, "UNKNOWN_REFERENCE", "", msg);
        }
    }

    /// A network ACL entry whose CIDR is unknown until apply and not linked, or
    /// missing.
    fn nacl_without_cidr(&mut self, i: usize, inline: Option<(&str, usize)>, e: &Value, ptr: &str) {
        let unknown_field = ["cidr_block", "ipv6_cidr_block"].into_iter().find(|f| {
            let p = match inline {
                Some((dir, j)) => format!("/{dir}/{j}/{f}"),
                None => format!("/{f}"),
            };
            self.r.unknown_at(i, &p)
        });
        match (unknown_field, inline) {
            (Some(f), Some((dir, j))) => {
                self.unresolved_block(i, dir, j, e, f, "CIDR", "the entry is skipped")
            }
            (Some(f), None) => self.unresolved(i, f, "CIDR", "the rule is skipped"),
            (None, _) => {
                let msg = format!(
                    "a network ACL entry of `{}` has neither `cidr_block` nor `ipv6_cidr_block`; skipped",
                    self.addr(i)
                );
                self.say(Severity::Error, "BAD_VALUE", ptr, msg);
            }
        }
    }

    fn route_tables(&mut self) {
        let mut main_for: HashMap<VpcIdx, String> = HashMap::new();
        for i in self.of_type(&["aws_main_route_table_association"]) {
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "the association is skipped") else {
                continue;
            };
            match self.r.one(i, "route_table_id") {
                Some(rt) => {
                    main_for.insert(vpc, rt);
                }
                None => self.unresolved(
                    i,
                    "route_table_id",
                    "route table",
                    "the association is skipped",
                ),
            }
        }
        let declared: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_default_route_table"])
            .into_iter()
            .map(|i| (i, self.r.one(i, "default_route_table_id")))
            .collect();
        let mut done: HashSet<VpcIdx> = HashSet::new();
        let mut tables: Vec<(RouteTableIdx, VpcIdx)> = Vec::new();
        for (i, rt) in &declared {
            let vpc = rt.as_ref().and_then(|a| self.default_rtb.get(a).copied());
            let (Some(rt), Some(vpc)) = (rt.clone(), vpc) else {
                match rt {
                    None => self.unresolved(*i, "default_route_table_id", "VPC", "it is left out"),
                    Some(a) => self.unknown_ref(
                        *i,
                        "default_route_table_id",
                        "main route table",
                        a,
                        "it is left out",
                    ),
                }
                continue;
            };
            if !done.insert(vpc) {
                continue;
            }
            let main = main_for.get(&vpc).is_none_or(|m| *m == rt);
            let meta = self.meta(*i, rt);
            if let Some(t) = self.b.add_route_table(
                RouteTable {
                    meta,
                    vpc,
                    routes: Vec::new(),
                },
                main,
            ) {
                tables.push((t, vpc));
            }
        }
        let mut implicit: Vec<(String, VpcIdx)> = Vec::new();
        for (id, vpc) in &self.default_rtb {
            if !done.contains(vpc) && !implicit.iter().any(|(_, v)| v == vpc) {
                implicit.push((id.clone(), *vpc));
            }
        }
        implicit.sort_by_key(|(_, v)| *v);
        for (id, vpc) in implicit {
            if !self.b.network().vpc(vpc).described {
                continue;
            }
            let main = main_for.get(&vpc).is_none_or(|m| *m == id);
            let origin = self.b.network().vpc(vpc).meta.origin.clone();
            let name = self
                .b
                .network()
                .vpc(vpc)
                .meta
                .name
                .clone()
                .map(|n| format!("{n}-main"));
            if let Some(t) = self.b.add_route_table(
                RouteTable {
                    meta: Meta {
                        id,
                        name,
                        tags: Vec::new(),
                        origin,
                    },
                    vpc,
                    routes: Vec::new(),
                },
                main,
            ) {
                tables.push((t, vpc));
            }
        }
        for i in self.of_type(&["aws_route_table", "awscc_ec2_route_table"]) {
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "the route table and its routes are skipped")
            else {
                continue;
            };
            let id = self.r.id(i);
            let main = main_for.get(&vpc).is_some_and(|m| *m == id);
            let meta = self.meta(i, id);
            if let Some(t) = self.b.add_route_table(
                RouteTable {
                    meta,
                    vpc,
                    routes: Vec::new(),
                },
                main,
            ) {
                tables.push((t, vpc));
            }
        }
        for (t, vpc) in tables {
            let cidrs = self.b.network().vpc(vpc).cidrs.clone();
            for c in cidrs {
                self.b.add_route(
                    t,
                    Route {
                        destination: RouteDest::Cidr(c),
                        target: RouteTarget::Local,
                        active: true,
                        origin: None,
                    },
                );
            }
        }
    }

    fn security_groups(&mut self) {
        let declared: Vec<usize> = self.of_type(&["aws_default_security_group"]);
        let mut done: HashSet<VpcIdx> = HashSet::new();
        for i in declared {
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "it is left out") else {
                continue;
            };
            if !done.insert(vpc) {
                continue;
            }
            let id = if self.r.id_known(i) {
                self.r.id(i)
            } else {
                self.vpc_default_sg_id(vpc).unwrap_or_else(|| self.r.id(i))
            };
            let meta = self.meta(i, id);
            if let Some(g) = self.b.add_security_group(SecurityGroup {
                meta,
                group_name: "default".to_owned(),
                vpc,
                ingress: Vec::new(),
                egress: Vec::new(),
            }) {
                self.default_sg_of.insert(vpc, g);
            }
        }
        let vpcs: Vec<VpcIdx> = self.b.network().vpc_ids().collect();
        for vpc in vpcs {
            if done.contains(&vpc) || !self.b.network().vpc(vpc).described {
                continue;
            }
            let Some(id) = self.vpc_default_sg_id(vpc) else {
                continue;
            };
            let origin = self.b.network().vpc(vpc).meta.origin.clone();
            if let Some(g) = self.b.add_security_group(SecurityGroup {
                meta: Meta {
                    id,
                    name: Some("default".to_owned()),
                    tags: Vec::new(),
                    origin,
                },
                group_name: "default".to_owned(),
                vpc,
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
                self.b.add_sg_rule(g, false, all(SgPeer::Group(g)));
                self.b
                    .add_sg_rule(g, true, all(SgPeer::Cidr(Ipv4Net::default())));
                self.default_sg_of.insert(vpc, g);
            }
        }
        for i in self.of_type(&["aws_security_group"]) {
            if self.r.one(i, "vpc_id").is_none() && !self.d.use_config {
                let msg = format!(
                    "security group `{}` has no `vpc_id`: it is in the account's default VPC, which is not in the input; skipped",
                    self.addr(i)
                );
                let p = self.ptr(i);
                self.say(Severity::Warning, "NO_VPC", &p, msg);
                continue;
            }
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "the security group is skipped") else {
                continue;
            };
            let id = self.r.id(i);
            let group_name = text(self.val(i, "name"))
                .or_else(|| text(self.val(i, "name_prefix")))
                .unwrap_or_else(|| self.addr(i));
            let mut meta = self.meta(i, id);
            if meta.name.is_none() {
                meta.name = Some(group_name.clone());
            }
            self.b.add_security_group(SecurityGroup {
                meta,
                group_name,
                vpc,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
    }

    /// The id of a VPC's default security group, from the VPC resource.
    fn vpc_default_sg_id(&self, vpc: VpcIdx) -> Option<String> {
        let id = &self.b.network().vpc(vpc).meta.id;
        let i = (0..self.d.res.len()).find(|&i| {
            self.d
                .res
                .get(i)
                .is_some_and(|r| matches!(r.ty, "aws_vpc" | "aws_default_vpc"))
                && self.r.id(i) == *id
        })?;
        self.r.one(i, "default_security_group_id")
    }

    fn subnets(&mut self) {
        for i in self.of_type(&["aws_subnet"]) {
            let Some(vpc) = self.vpc_ref(i, "vpc_id", "the subnet is skipped") else {
                continue;
            };
            let Some(c) = self.r.one(i, "cidr_block") else {
                let msg = format!(
                    "the IPv4 CIDR of subnet `{}` is not known until apply (or it is IPv6-only); skipped",
                    self.addr(i)
                );
                let p = self.vptr(i, "cidr_block");
                self.say(Severity::Error, "CIDR_UNKNOWN", &p, msg);
                continue;
            };
            let p = self.vptr(i, "cidr_block");
            let Some(cidr) = self.cidr4(i, &c, &p) else {
                continue;
            };
            let az = self
                .r
                .one(i, "availability_zone")
                .or_else(|| self.r.one(i, "availability_zone_id"))
                .unwrap_or_else(|| format!("{}?", self.b.network().vpc(vpc).region));
            let ipv6_cidr = self.cidr6(i);
            let meta = self.meta(i, self.r.id(i));
            let added = self.b.add_subnet(vpcnet_model::Subnet {
                meta,
                vpc,
                cidr,
                ipv6_cidr,
                az,
                route_table: None,
                nacl: None,
            });
            if let Some(s) = added {
                if boolean(self.val(i, "map_public_ip_on_launch")) == Some(true) {
                    self.map_public.insert(s);
                }
            }
        }
    }

    fn associations(&mut self) {
        for i in self.of_type(&[
            "aws_route_table_association",
            "awscc_ec2_subnet_route_table_association",
        ]) {
            if self.r.one(i, "subnet_id").is_none() && self.r.one(i, "gateway_id").is_some() {
                let msg = format!(
                    "`{}` associates a route table with a gateway (ingress routing), which is not modelled",
                    self.addr(i)
                );
                let p = self.ptr(i);
                self.say(Severity::Note, "NOT_MODELLED", &p, msg);
                continue;
            }
            let Some(s) = self.subnet_ref(i, "subnet_id", "the association is skipped") else {
                continue;
            };
            let Some(rt) = self.r.one(i, "route_table_id") else {
                self.unresolved(
                    i,
                    "route_table_id",
                    "route table",
                    "the association is skipped",
                );
                continue;
            };
            match self.b.network().by_id(&rt) {
                Some(AnyIdx::RouteTable(t)) => {
                    self.b.associate_route_table(s, t);
                }
                _ => self.unknown_ref(
                    i,
                    "route_table_id",
                    "route table",
                    &rt,
                    "the association is skipped",
                ),
            }
        }
        let mut pairs: Vec<(usize, String, String)> = Vec::new();
        for i in self.of_type(&["aws_network_acl", "aws_default_network_acl"]) {
            let acl = if self
                .d
                .res
                .get(i)
                .is_some_and(|r| r.ty == "aws_default_network_acl")
            {
                self.r.one(i, "default_network_acl_id")
            } else {
                Some(self.r.id(i))
            };
            let Some(acl) = acl else {
                continue;
            };
            for s in self.r.attr(i, "subnet_ids") {
                pairs.push((i, s, acl.clone()));
            }
        }
        for i in self.of_type(&["aws_network_acl_association"]) {
            match (self.r.one(i, "subnet_id"), self.r.one(i, "network_acl_id")) {
                (Some(s), Some(a)) => pairs.push((i, s, a)),
                (None, _) => {
                    self.unresolved(i, "subnet_id", "subnet", "the association is skipped")
                }
                (_, None) => self.unresolved(
                    i,
                    "network_acl_id",
                    "network ACL",
                    "the association is skipped",
                ),
            }
        }
        for (i, s, a) in pairs {
            let net = self.b.network();
            match (net.by_id(&s), net.by_id(&a)) {
                (Some(AnyIdx::Subnet(s)), Some(AnyIdx::NetworkAcl(a))) => {
                    self.b.associate_network_acl(s, a);
                }
                (Some(AnyIdx::Subnet(_)), _) => self.unknown_ref(
                    i,
                    "network_acl_id",
                    "network ACL",
                    &a,
                    "the association is skipped",
                ),
                _ => self.unknown_ref(i, "subnet_ids", "subnet", &s, "the association is skipped"),
            }
        }
    }

    fn eips(&mut self) {
        for i in self.of_type(&["aws_eip"]) {
            let known = self
                .r
                .one(i, "public_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok());
            let alloc = self
                .r
                .one(i, "allocation_id")
                .unwrap_or_else(|| self.r.id(i));
            self.eip_alloc.insert(alloc, (i, known));
            self.eip_alloc.insert(self.r.id(i), (i, known));
            let private = self
                .r
                .one(i, "associate_with_private_ip")
                .or_else(|| self.r.one(i, "private_ip"))
                .and_then(|p| p.parse().ok());
            let targets: Vec<String> = [
                self.r.one(i, "instance"),
                self.r.one(i, "network_interface"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if targets.is_empty() {
                continue;
            }
            let Some(public) = self.eip_public(i) else {
                continue;
            };
            for target in targets {
                self.eip_on
                    .entry(target)
                    .or_default()
                    .push((private, public, i));
            }
        }
        for i in self.of_type(&["aws_eip_association"]) {
            let mut public = self
                .r
                .one(i, "public_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok());
            if public.is_none() {
                let eip = self
                    .r
                    .one(i, "allocation_id")
                    .and_then(|a| self.eip_alloc.get(&a).copied());
                public = match eip {
                    Some((_, Some(ip))) => Some(ip),
                    Some((e, None)) => self.eip_public(e),
                    None => {
                        self.unresolved(
                            i,
                            "allocation_id",
                            "Elastic IP",
                            "the association is skipped",
                        );
                        None
                    }
                };
            }
            let Some(public) = public else {
                continue;
            };
            let private = self
                .r
                .one(i, "private_ip_address")
                .and_then(|p| p.parse().ok());
            let targets: Vec<String> = [
                self.r.one(i, "instance_id"),
                self.r.one(i, "network_interface_id"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if targets.is_empty() {
                match ["instance_id", "network_interface_id"]
                    .into_iter()
                    .find(|a| self.r.unknown_at(i, &format!("/{a}")))
                {
                    Some(a) => self.unresolved(
                        i,
                        a,
                        "instance or network interface",
                        "the association is skipped",
                    ),
                    None => {
                        let msg = format!(
                            "`{}` names neither an instance nor a network interface; skipped",
                            self.addr(i)
                        );
                        let p = self.ptr(i);
                        self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    }
                }
            }
            for target in targets {
                self.eip_on
                    .entry(target)
                    .or_default()
                    .push((private, public, i));
            }
        }
    }

    /// The public address of Elastic IP `e`: as Terraform printed it, or, when AWS
    /// allocates it at apply, a placeholder (said once, on the Elastic IP).
    fn eip_public(&mut self, e: usize) -> Option<Ipv4Addr> {
        let keys: Vec<String> = self
            .eip_alloc
            .iter()
            .filter(|(_, (x, _))| *x == e)
            .map(|(k, _)| k.clone())
            .collect();
        if let Some(ip) = keys
            .iter()
            .find_map(|k| self.eip_alloc.get(k).and_then(|(_, ip)| *ip))
        {
            return Some(ip);
        }
        if !self.r.unknown_at(e, "/public_ip") {
            return None;
        }
        let what = format!("Elastic IP `{}`", self.addr(e));
        let ip = self.placeholder_public(e, &what, "");
        for k in keys {
            self.eip_alloc.insert(k, (e, ip));
        }
        ip
    }

    /// A public address for one AWS assigns at apply: the first free one of the
    /// documentation ranges (RFC 5737), so that paths through it can be followed; the
    /// note on `i` says so. `None` (said) when all 762 are taken.
    fn placeholder_public(&mut self, i: usize, what: &str, why: &str) -> Option<Ipv4Addr> {
        let p = self.vptr(i, "public_ip");
        self.placeholder_public_at(i, what, why, &p, Some("public_ip"))
    }

    /// [`Self::placeholder_public`] said at `p`, standing in for attribute `attr` of `i`
    /// when there is one.
    fn placeholder_public_at(
        &mut self,
        i: usize,
        what: &str,
        why: &str,
        p: &str,
        attr: Option<&str>,
    ) -> Option<Ipv4Addr> {
        const POOLS: [[u8; 3]; 3] = [[203, 0, 113], [198, 51, 100], [192, 0, 2]];
        for [a, b, c] in POOLS {
            for d in 1..=254u8 {
                let ip = Ipv4Addr::new(a, b, c, d);
                if !self.used_public.insert(ip) || self.b.network().eni_by_public_ip(ip).is_some() {
                    continue;
                }
                let msg = format!(
                    "the public address of {what} is known only after apply; `{ip}`, from the documentation range `{a}.{b}.{c}.0/24`, stands for it so that paths through it can be followed (the real address differs){why}"
                );
                self.say(Severity::Note, "PUBLIC_IP_PLACEHOLDER", p, msg);
                if let Some(attr) = attr {
                    self.r.stand_in(i, attr, ip.to_string());
                }
                return Some(ip);
            }
        }
        let msg = format!(
            "the public address of {what} is known only after apply, and every placeholder address of the documentation ranges is taken; it is left without one{why}"
        );
        self.say(Severity::Note, "PUBLIC_IP_UNKNOWN", p, msg);
        None
    }

    /// An address for an interface whose address AWS picks at apply: the lowest free
    /// one in its subnet.
    fn assign_ip(&mut self, i: usize, subnet: SubnetIdx) -> Option<Ipv4Addr> {
        let cidr = self.b.network().subnet(subnet).cidr;
        if let Some(ip) = self.free_ip(subnet) {
            let msg = format!(
                "the private address of `{}` is picked by AWS at apply; `{ip}`, the lowest free address of its subnet `{cidr}`, stands for it",
                self.addr(i)
            );
            let p = self.vptr(i, "private_ip");
            self.say(Severity::Note, "ADDRESS_ASSIGNED", &p, msg);
            self.r.stand_in(i, "private_ip", ip.to_string());
            if self
                .d
                .res
                .get(i)
                .is_some_and(|r| r.ty == "aws_network_interface")
            {
                self.r.stand_in(i, "private_ips", ip.to_string());
            }
            return Some(ip);
        }
        let msg = format!(
            "subnet `{cidr}` of `{}` has no free address left",
            self.addr(i)
        );
        let p = self.ptr(i);
        self.say(Severity::Error, "SUBNET_FULL", &p, msg);
        None
    }

    /// The lowest free address of a subnet, taken; `None` when the subnet is full.
    fn free_ip(&mut self, subnet: SubnetIdx) -> Option<Ipv4Addr> {
        let s = self.b.network().subnet(subnet);
        let (cidr, vpc) = (s.cidr, s.vpc);
        let base = u32::from(cidr.network());
        let size = 1u64 << (32 - u32::from(cidr.prefix_len()));
        for off in 4..size.saturating_sub(1).min(65536) {
            let ip = Ipv4Addr::from(base.wrapping_add(off as u32));
            if self.used_ips.contains(&ip) || self.b.network().eni_by_private_ip(vpc, ip).is_some()
            {
                continue;
            }
            self.used_ips.insert(ip);
            return Some(ip);
        }
        None
    }

    fn public_for(&mut self, ids: &[String], private: Ipv4Addr, primary: bool) -> Option<Ipv4Addr> {
        self.eip_used.extend(ids.iter().cloned());
        ids.iter()
            .filter_map(|id| self.eip_on.get(id))
            .flatten()
            .find_map(|(p, pubip, _)| match p {
                Some(p) if *p == private => Some(*pubip),
                None if primary => Some(*pubip),
                _ => None,
            })
    }

    /// Elastic IPs associated with an instance or interface that is not in the input.
    fn eips_unused(&mut self) {
        let mut left: Vec<(usize, String)> = self
            .eip_on
            .iter()
            .filter(|(k, _)| !self.eip_used.contains(*k))
            .flat_map(|(k, v)| v.iter().map(move |(_, _, src)| (*src, k.clone())))
            .collect();
        left.sort();
        left.dedup();
        for (src, target) in left {
            let attr = match self.d.res.get(src).map(|r| r.ty) {
                Some("aws_eip") if target.starts_with("eni-") => "network_interface",
                Some("aws_eip") => "instance",
                _ if target.starts_with("eni-") => "network_interface_id",
                _ => "instance_id",
            };
            self.unknown_ref(
                src,
                attr,
                "instance or network interface",
                &target,
                "the Elastic IP maps to nothing",
            );
        }
    }

    fn instances(&mut self) {
        for i in self.of_type(&["aws_instance"]) {
            let Some(subnet) = self.subnet_ref(i, "subnet_id", "the instance is skipped") else {
                continue;
            };
            let primary = match self
                .r
                .one(i, "private_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok())
            {
                Some(ip) => ip,
                None => match self.assign_ip(i, subnet) {
                    Some(ip) => ip,
                    None => continue,
                },
            };
            let vpc = self.b.network().vpc_of_subnet(subnet);
            let mut sg_list = self.r.attr(i, "vpc_security_group_ids");
            sg_list.retain(|s| !s.is_empty());
            let mut sgs = self.sg_ids(i, sg_list, "vpc_security_group_ids");
            if sgs.is_empty() {
                sgs.extend(self.default_sg_of.get(&vpc).copied());
            }
            let id = self.r.id(i);
            let eni_id = self
                .r
                .one(i, "primary_network_interface_id")
                .unwrap_or_else(|| format!("eni-tf-{}", self.addr(i)));
            let mut public = self
                .r
                .one(i, "public_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok());
            if let Some(p) = self.public_for(&[id.clone(), eni_id.clone()], primary, true) {
                public = Some(p);
            }
            // AWS gives it a public address at launch when asked to, or when the
            // subnet maps one on launch and the instance does not say otherwise.
            let gets_public = match boolean(self.val(i, "associate_public_ip_address")) {
                Some(b) => b,
                None => self.map_public.contains(&subnet),
            };
            if public.is_none() && gets_public && self.r.unknown_at(i, "/public_ip") {
                let what = format!("instance `{}`", self.addr(i));
                public = self.placeholder_public(i, &what, "");
            }
            self.ec2_names(i, vpc, primary, public);
            let mut ips = vec![PrivateIp {
                addr: primary,
                public,
            }];
            for s in self.r.attr(i, "secondary_private_ips") {
                if let Ok(a) = s.parse::<Ipv4Addr>() {
                    let public = self.public_for(&[id.clone(), eni_id.clone()], a, false);
                    ips.push(PrivateIp { addr: a, public });
                }
            }
            let sdc = boolean(self.val(i, "source_dest_check")).unwrap_or(true);
            let state = text(self.val(i, "instance_state")).unwrap_or_else(|| "running".to_owned());
            let meta = self.meta(i, id);
            // AWS does not copy an instance's tags onto its interface.
            let mut eni_meta = Meta::new(eni_id, None);
            eni_meta.origin = meta.origin.clone();
            let Some(inst) = self.b.add_instance(vpcnet_model::Instance {
                meta,
                interfaces: Vec::new(),
                state,
                forwarding: None,
            }) else {
                continue;
            };
            self.b.add_interface(Interface {
                meta: eni_meta,
                subnet,
                private_ips: ips,
                security_groups: sgs,
                source_dest_check: sdc,
                owner: InterfaceOwner::Instance(inst),
            });
        }
    }

    /// The DNS names EC2 gives an instance (`private_dns`, and `public_dns` when it has
    /// a public address in a VPC with DNS hostnames), made from its addresses as EC2
    /// makes them, for references to them that are unknown until apply.
    fn ec2_names(&mut self, i: usize, vpc: VpcIdx, private: Ipv4Addr, public: Option<Ipv4Addr>) {
        let v = self.b.network().vpc(vpc);
        let (region, hostnames) = (v.region.clone(), v.dns_hostnames);
        let dashed = |ip: Ipv4Addr| ip.to_string().replace('.', "-");
        // An instance named by its id (`i-0123….compute.internal`) has no name made
        // from its address.
        let by_id = items(self.val(i, "private_dns_name_options"))
            .first()
            .and_then(|o| text(o.get("hostname_type")))
            .is_some_and(|t| t == "resource-name");
        if by_id {
            return;
        }
        let private_dns = if region == "us-east-1" {
            format!("ip-{}.ec2.internal", dashed(private))
        } else {
            format!("ip-{}.{region}.compute.internal", dashed(private))
        };
        self.r.stand_in(i, "private_dns", private_dns);
        if let (Some(p), true) = (public, hostnames) {
            let public_dns = if region == "us-east-1" {
                format!("ec2-{}.compute-1.amazonaws.com", dashed(p))
            } else {
                format!("ec2-{}.{region}.compute.amazonaws.com", dashed(p))
            };
            self.r.stand_in(i, "public_dns", public_dns);
        }
    }

    fn interfaces(&mut self) {
        let mut extra_sg: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        for i in self.of_type(&["aws_network_interface_sg_attachment"]) {
            match (
                self.r.one(i, "network_interface_id"),
                self.r.one(i, "security_group_id"),
            ) {
                (Some(e), Some(g)) => extra_sg.entry(e).or_default().push((i, g)),
                (None, _) => self.unresolved(
                    i,
                    "network_interface_id",
                    "network interface",
                    "the attachment is skipped",
                ),
                (_, None) => self.unresolved(
                    i,
                    "security_group_id",
                    "security group",
                    "the attachment is skipped",
                ),
            }
        }
        for i in self.of_type(&["aws_network_interface"]) {
            let Some(subnet) = self.subnet_ref(i, "subnet_id", "the interface is skipped") else {
                continue;
            };
            let id = self.r.id(i);
            let mut addrs: Vec<Ipv4Addr> = Vec::new();
            if let Some(p) = self.r.one(i, "private_ip").and_then(|p| p.parse().ok()) {
                addrs.push(p);
            }
            for s in self.r.attr(i, "private_ips") {
                if let Ok(a) = s.parse::<Ipv4Addr>() {
                    if !addrs.contains(&a) {
                        addrs.push(a);
                    }
                }
            }
            if addrs.is_empty() {
                match self.assign_ip(i, subnet) {
                    Some(a) => addrs.push(a),
                    None => continue,
                }
            }
            let ips: Vec<PrivateIp> = addrs
                .iter()
                .enumerate()
                .map(|(k, a)| PrivateIp {
                    addr: *a,
                    public: self.public_for(std::slice::from_ref(&id), *a, k == 0),
                })
                .collect();
            let vpc = self.b.network().vpc_of_subnet(subnet);
            let list = self.r.attr(i, "security_groups");
            let mut sgs = self.sg_ids(i, list, "security_groups");
            for (a, g) in extra_sg.remove(&id).unwrap_or_default() {
                sgs.extend(self.sg_ids(a, vec![g], "security_group_id"));
            }
            if sgs.is_empty() {
                sgs.extend(self.default_sg_of.get(&vpc).copied());
            }
            let owner = self
                .val(i, "attachment")
                .and_then(|a| items(Some(a)).first())
                .and_then(|a| text(a.get("instance")))
                .and_then(|inst| match self.b.network().by_id(&inst) {
                    Some(AnyIdx::Instance(x)) => Some(InterfaceOwner::Instance(x)),
                    _ => None,
                })
                .unwrap_or(InterfaceOwner::None);
            let sdc = boolean(self.val(i, "source_dest_check")).unwrap_or(true);
            let meta = self.meta(i, id);
            self.b.add_interface(Interface {
                meta,
                subnet,
                private_ips: ips,
                security_groups: sgs,
                source_dest_check: sdc,
                owner,
            });
        }
        // Attachments to instances' primary interfaces, added already.
        let mut rest: Vec<(String, Vec<(usize, String)>)> = extra_sg.into_iter().collect();
        rest.sort();
        for (eni, list) in rest {
            for (a, _) in list {
                self.unknown_ref(
                    a,
                    "network_interface_id",
                    "network interface",
                    &eni,
                    "the attachment is skipped",
                );
            }
        }
    }

    fn nats(&mut self) {
        for i in self.of_type(&["aws_nat_gateway"]) {
            let Some(subnet) = self.subnet_ref(i, "subnet_id", "the NAT gateway is skipped") else {
                continue;
            };
            let private = match self
                .r
                .one(i, "private_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok())
            {
                Some(ip) => ip,
                None => match self.assign_ip(i, subnet) {
                    Some(ip) => ip,
                    None => continue,
                },
            };
            let connectivity = match self.r.one(i, "connectivity_type").as_deref() {
                Some("private") => NatConnectivity::Private,
                _ => NatConnectivity::Public,
            };
            let id = self.r.id(i);
            let eni_id = self
                .r
                .one(i, "network_interface_id")
                .unwrap_or_else(|| format!("eni-tf-{}", self.addr(i)));
            let mut public = self
                .r
                .one(i, "public_ip")
                .and_then(|p| p.parse::<Ipv4Addr>().ok());
            // An Elastic IP lists the gateway's interface as its own.
            let mapped = self.public_for(std::slice::from_ref(&eni_id), private, true);
            if connectivity == NatConnectivity::Public {
                public = public.or(mapped);
            }
            if public.is_none() && connectivity == NatConnectivity::Public {
                let alloc = self.r.one(i, "allocation_id");
                let what = format!("NAT gateway `{}`", self.addr(i));
                let eip = alloc.as_ref().map(|a| (a, self.eip_alloc.get(a).copied()));
                public = match eip {
                    Some((_, Some((_, Some(ip))))) => Some(ip),
                    Some((_, Some((e, None)))) => self.eip_public(e),
                    _ if !self.r.unknown_at(i, "/public_ip") => None,
                    Some((a, None)) => {
                        let why = format!("; its Elastic IP `{a}` is not in the input");
                        self.placeholder_public(i, &what, &why)
                    }
                    None => {
                        let why = self.r.why(
                            i,
                            "allocation_id",
                            "its configuration names no Elastic IP in the plan",
                        );
                        let why = format!("; its `allocation_id` is unknown until apply and {why}");
                        self.placeholder_public(i, &what, &why)
                    }
                };
                if public.is_none() {
                    let msg = format!(
                        "public NAT gateway `{}` has no known public address; it is left without one",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "public_ip");
                    self.say(Severity::Note, "PUBLIC_IP_UNKNOWN", &p, msg);
                }
            }
            let meta = self.meta(i, id);
            let mut eni_meta = Meta::new(eni_id, None);
            eni_meta.origin = meta.origin.clone();
            let state = text(self.val(i, "state")).unwrap_or_else(|| "available".to_owned());
            self.b.add_nat_gateway(
                meta,
                connectivity,
                Interface {
                    meta: eni_meta,
                    subnet,
                    private_ips: vec![PrivateIp {
                        addr: private,
                        public,
                    }],
                    security_groups: Vec::new(),
                    // A NAT gateway sends replies from the hosts it translated for.
                    source_dest_check: false,
                    owner: InterfaceOwner::None,
                },
                state,
            );
        }
    }

    fn dns_flag(&self, i: usize, block: &str) -> Option<bool> {
        let b = self.val(i, block)?;
        let b = match b {
            Value::Array(a) => a.first()?,
            other => other,
        };
        boolean(b.get("allow_remote_vpc_dns_resolution"))
    }

    fn peerings(&mut self) {
        let accepters: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_vpc_peering_connection_accepter"])
            .into_iter()
            .map(|a| (a, self.r.one(a, "vpc_peering_connection_id")))
            .collect();
        let options: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_vpc_peering_connection_options"])
            .into_iter()
            .map(|a| (a, self.r.one(a, "vpc_peering_connection_id")))
            .collect();
        for i in self.of_type(&["aws_vpc_peering_connection"]) {
            let Some(requester) = self.vpc_ref(i, "vpc_id", "the peering is skipped") else {
                continue;
            };
            let Some(peer) = self.r.one(i, "peer_vpc_id") else {
                self.unresolved(i, "peer_vpc_id", "VPC", "the peering is skipped");
                continue;
            };
            let Some(AnyIdx::Vpc(accepter)) = self.b.network().by_id(&peer) else {
                // Reported when the external VPC could not be made.
                continue;
            };
            let id = self.r.id(i);
            let acc: Vec<usize> = accepters
                .iter()
                .filter(|(_, p)| p.as_deref() == Some(id.as_str()))
                .map(|(a, _)| *a)
                .collect();
            let known = text(self.val(i, "accept_status")).and_then(|s| PeeringStatus::parse(&s));
            let auto = boolean(self.val(i, "auto_accept")).unwrap_or(false);
            let accepted = acc.iter().any(|&a| {
                boolean(self.val(a, "auto_accept")).unwrap_or(false)
                    || text(self.val(a, "accept_status")).as_deref() == Some("active")
            });
            let status = match known {
                Some(s) if !(auto || accepted) || s == PeeringStatus::Active => s,
                _ if auto || accepted => PeeringStatus::Active,
                _ => PeeringStatus::PendingAcceptance,
            };
            if status == PeeringStatus::PendingAcceptance {
                let msg = format!(
                    "peering `{}` is not accepted in the input (no `auto_accept` and no `aws_vpc_peering_connection_accepter`); it stays `pending-acceptance` and carries no traffic",
                    self.addr(i)
                );
                let p = self.ptr(i);
                self.say(Severity::Note, "PEERING_PENDING", &p, msg);
            }
            let mut req_dns = self.dns_flag(i, "requester").unwrap_or(false);
            let mut acc_dns = self.dns_flag(i, "accepter").unwrap_or(false);
            for &a in &acc {
                if let Some(f) = self.dns_flag(a, "accepter") {
                    acc_dns = f;
                }
                if let Some(f) = self.dns_flag(a, "requester") {
                    req_dns = f;
                }
            }
            for (o, p) in &options {
                if p.as_deref() == Some(id.as_str()) {
                    if let Some(f) = self.dns_flag(*o, "accepter") {
                        acc_dns = f;
                    }
                    if let Some(f) = self.dns_flag(*o, "requester") {
                        req_dns = f;
                    }
                }
            }
            let meta = self.meta(i, id);
            self.b.add_peering(Peering {
                meta,
                requester,
                accepter,
                status,
                requester_dns_resolution: req_dns,
                accepter_dns_resolution: acc_dns,
            });
        }
    }

    fn add_routes(&mut self) {
        let routes = std::mem::take(&mut self.routes);
        for rs in routes {
            let i = rs.res;
            let Some(AnyIdx::RouteTable(t)) = self.b.network().by_id(&rs.table) else {
                let msg = format!(
                    "route table `{}` of `{}` is not in the input; the route is skipped",
                    rs.table,
                    self.addr(i)
                );
                self.say(Severity::Error, "UNKNOWN_REFERENCE", &rs.ptr, msg);
                continue;
            };
            let destination = match &rs.dest {
                DestSpec::V4(c) => match self.cidr4(i, c, &rs.ptr) {
                    Some(n) => RouteDest::Cidr(n),
                    None => continue,
                },
                DestSpec::V6(c) => match c.parse::<Ipv6Net>() {
                    Ok(n) => RouteDest::Ipv6(n),
                    Err(_) => {
                        let msg = format!("`{c}` of `{}` is not an IPv6 CIDR", self.addr(i));
                        self.say(Severity::Error, "BAD_CIDR", &rs.ptr, msg);
                        continue;
                    }
                },
                DestSpec::PrefixList(p) => match self.b.network().by_id(p) {
                    Some(AnyIdx::PrefixList(x)) => RouteDest::PrefixList(x),
                    _ => {
                        let msg = format!(
                            "prefix list `{p}` of a route of `{}` is not in the input (an AWS-managed list?); the route is skipped",
                            self.addr(i)
                        );
                        self.say(Severity::Warning, "UNKNOWN_REFERENCE", &rs.ptr, msg);
                        continue;
                    }
                },
            };
            let (field, id) = match rs.target.clone() {
                Ok(t) => t,
                Err(Some((ptr, msg))) => {
                    self.say(Severity::Error, "UNRESOLVED_REFERENCE", &ptr, msg);
                    continue;
                }
                Err(None) => {
                    let msg = format!(
                        "a route of `{}` has no known target (`gateway_id`, `nat_gateway_id`, `vpc_peering_connection_id`, …); skipped",
                        self.addr(i)
                    );
                    self.say(Severity::Error, "UNRESOLVED_REFERENCE", &rs.ptr, msg);
                    continue;
                }
            };
            let net = self.b.network();
            let found = net.by_id(&id);
            let target = match (field, found) {
                (_, _) if id == "local" => RouteTarget::Local,
                (_, Some(AnyIdx::InternetGateway(g))) => RouteTarget::InternetGateway(g),
                (_, Some(AnyIdx::NatGateway(n))) => RouteTarget::NatGateway(n),
                (_, Some(AnyIdx::Peering(p))) => RouteTarget::Peering(p),
                (_, Some(AnyIdx::Interface(e))) => RouteTarget::Interface(e),
                (_, Some(AnyIdx::Instance(x))) => RouteTarget::Instance(x),
                ("transit_gateway_id", _) => RouteTarget::TransitGateway(id.clone()),
                ("vpc_endpoint_id", _) => RouteTarget::VpcEndpoint(id.clone()),
                ("gateway_id", _) if id.starts_with("vgw-") => RouteTarget::VpnGateway(id.clone()),
                ("gateway_id", _) if id.starts_with("tgw-") => {
                    RouteTarget::TransitGateway(id.clone())
                }
                ("gateway_id", _) if id.starts_with("vpce-") => {
                    RouteTarget::VpcEndpoint(id.clone())
                }
                ("egress_only_gateway_id", _) => {
                    RouteTarget::Other("egress-only-internet-gateway".to_owned(), id.clone())
                }
                ("carrier_gateway_id" | "local_gateway_id" | "core_network_arn", _) => {
                    RouteTarget::Other(field.trim_end_matches("_id").replace('_', "-"), id.clone())
                }
                (f, _) => {
                    let kind = f.trim_end_matches("_id").replace('_', "-");
                    let msg = format!(
                        "`{f}` of a route of `{}` names `{id}`, which is not in the input; the route is kept and ends traces there",
                        self.addr(i)
                    );
                    self.say(Severity::Warning, "UNKNOWN_REFERENCE", &rs.ptr, msg);
                    RouteTarget::Other(kind, id.clone())
                }
            };
            let origin = self.loc(&rs.ptr);
            self.b.add_route(
                t,
                Route {
                    destination,
                    target,
                    active: true,
                    origin,
                },
            );
        }
    }

    fn prefix_list(&mut self, i: usize, id: &str, ptr: &str) -> Option<PrefixListIdx> {
        match self.b.network().by_id(id) {
            Some(AnyIdx::PrefixList(p)) => Some(p),
            _ => {
                let msg = format!(
                    "prefix list `{id}` of `{}` is not in the input (an AWS-managed list?); that part of the rule is left out",
                    self.addr(i)
                );
                self.say(Severity::Warning, "UNKNOWN_REFERENCE", ptr, msg);
                None
            }
        }
    }

    fn group_peer(&mut self, i: usize, id: &str, ptr: &str) -> SgPeer {
        match self.b.network().by_id(id) {
            Some(AnyIdx::SecurityGroup(g)) => SgPeer::Group(g),
            _ => {
                let msg = format!(
                    "security group `{id}` named by `{}` is not in the input; the rule referencing it never matches",
                    self.addr(i)
                );
                self.say(Severity::Note, "UNKNOWN_REFERENCE", ptr, msg);
                SgPeer::UnknownGroup(id.to_owned())
            }
        }
    }

    /// The peers of one rule: CIDRs, IPv6 CIDRs, prefix lists, groups and `self`.
    #[allow(clippy::too_many_arguments)] // one call per rule shape; a struct would only rename them
    fn peers(
        &mut self,
        i: usize,
        own: SgIdx,
        cidrs: Vec<String>,
        v6: Vec<String>,
        pls: Vec<String>,
        groups: Vec<String>,
        self_ref: bool,
        ptr: &str,
    ) -> Vec<SgPeer> {
        let mut out = Vec::new();
        for c in cidrs {
            if let Some(n) = self.cidr4(i, &c, ptr) {
                out.push(SgPeer::Cidr(n));
            }
        }
        for c in v6 {
            match c.parse::<Ipv6Net>() {
                Ok(n) => out.push(SgPeer::Ipv6(n.trunc())),
                Err(_) => {
                    let msg = format!("`{c}` of `{}` is not an IPv6 CIDR", self.addr(i));
                    self.say(Severity::Error, "BAD_CIDR", ptr, msg);
                }
            }
        }
        for p in pls {
            if let Some(x) = self.prefix_list(i, &p, ptr) {
                out.push(SgPeer::PrefixList(x));
            }
        }
        for g in groups {
            let peer = self.group_peer(i, &g, ptr);
            out.push(peer);
        }
        if self_ref {
            out.push(SgPeer::Group(own));
        }
        out
    }

    fn sg_rules(&mut self) {
        // Inline rules.
        for i in self.of_type(&["aws_security_group", "aws_default_security_group"]) {
            let own = if self
                .d
                .res
                .get(i)
                .is_some_and(|r| r.ty == "aws_default_security_group")
            {
                let Some(AnyIdx::Vpc(v)) = self
                    .r
                    .one(i, "vpc_id")
                    .and_then(|v| self.b.network().by_id(&v))
                else {
                    continue;
                };
                match self.default_sg_of.get(&v) {
                    Some(g) => *g,
                    None => continue,
                }
            } else {
                match self.b.network().by_id(&self.r.id(i)) {
                    Some(AnyIdx::SecurityGroup(g)) => g,
                    _ => continue,
                }
            };
            for (dir, egress) in [("ingress", false), ("egress", true)] {
                let list = items(self.val(i, dir)).to_vec();
                for (j, item) in list.iter().enumerate() {
                    let ptr = format!("{}/values/{dir}/{j}", self.ptr(i));
                    let Some((protocol, l4)) = self.l4(
                        i,
                        text(item.get("protocol")),
                        num(item.get("from_port")),
                        num(item.get("to_port")),
                        &ptr,
                        None,
                    ) else {
                        continue;
                    };
                    let get = |me: &Self, a: &str| me.r.block_attr(i, dir, j, item, a);
                    let (c, v6, pl, g) = (
                        get(self, "cidr_blocks"),
                        get(self, "ipv6_cidr_blocks"),
                        get(self, "prefix_list_ids"),
                        get(self, "security_groups"),
                    );
                    let lost: Vec<&str> = [
                        ("cidr_blocks", &c),
                        ("ipv6_cidr_blocks", &v6),
                        ("prefix_list_ids", &pl),
                        ("security_groups", &g),
                    ]
                    .into_iter()
                    .filter(|(f, v)| {
                        v.is_empty() && self.r.unknown_at(i, &format!("/{dir}/{j}/{f}"))
                    })
                    .map(|(f, _)| f)
                    .collect();
                    let self_ref = boolean(item.get("self")).unwrap_or(false);
                    let description = text(item.get("description"));
                    let peers = self.peers(i, own, c, v6, pl, g, self_ref, &ptr);
                    let consequence = if peers.is_empty() {
                        "the rule is skipped"
                    } else {
                        "that part of the rule is left out"
                    };
                    for f in &lost {
                        self.unresolved_block(i, dir, j, item, f, peer_kind(f), consequence);
                    }
                    if peers.is_empty() && lost.is_empty() {
                        let msg = format!(
                            "`{dir}[{j}]` of `{}` names no peer (CIDR, prefix list, group or `self`); skipped",
                            self.addr(i)
                        );
                        self.say(Severity::Warning, "RULE_WITHOUT_PEER", &ptr, msg);
                    }
                    for peer in peers {
                        let rule = SgRule {
                            protocol,
                            l4,
                            peer,
                            description: description.clone(),
                            origin: self.loc(&ptr),
                        };
                        self.b.add_sg_rule(own, egress, rule);
                    }
                }
            }
        }
        // aws_security_group_rule.
        for i in self.of_type(&["aws_security_group_rule"]) {
            let Some(own) = self.rule_group(i) else {
                continue;
            };
            let ptr = format!("{}/values", self.ptr(i));
            let egress = match text(self.val(i, "type")).as_deref() {
                Some("egress") => true,
                Some("ingress") => false,
                other => {
                    let msg = format!(
                        "`type` of `{}` is `{}`, neither `ingress` nor `egress`; skipped",
                        self.addr(i),
                        other.unwrap_or("")
                    );
                    let p = self.vptr(i, "type");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    continue;
                }
            };
            let Some((protocol, l4)) = self.l4(
                i,
                text(self.val(i, "protocol")),
                num(self.val(i, "from_port")),
                num(self.val(i, "to_port")),
                &ptr,
                None,
            ) else {
                continue;
            };
            let fields = [
                "cidr_blocks",
                "ipv6_cidr_blocks",
                "prefix_list_ids",
                "source_security_group_id",
            ];
            let [c, v6, pl, g] = fields.map(|f| self.r.attr(i, f));
            let lost = self.lost_peers(i, &fields, [&c, &v6, &pl, &g]);
            let self_ref = boolean(self.val(i, "self")).unwrap_or(false);
            let peers = self.peers(i, own, c, v6, pl, g, self_ref, &ptr);
            self.report_lost_peers(i, &lost, peers.is_empty());
            if peers.is_empty() && lost.is_empty() {
                let msg = format!(
                    "`{}` has no known peer (CIDR, prefix list, group or `self`); skipped",
                    self.addr(i)
                );
                self.say(Severity::Error, "UNRESOLVED_REFERENCE", &ptr, msg);
            }
            let description = text(self.val(i, "description"));
            for peer in peers {
                let origin = self.loc(&self.ptr(i));
                self.b.add_sg_rule(
                    own,
                    egress,
                    SgRule {
                        protocol,
                        l4,
                        peer,
                        description: description.clone(),
                        origin,
                    },
                );
            }
        }
        // aws_vpc_security_group_{ingress,egress}_rule.
        for i in self.of_type(&[
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ]) {
            let Some(own) = self.rule_group(i) else {
                continue;
            };
            let egress = self
                .d
                .res
                .get(i)
                .is_some_and(|r| r.ty == "aws_vpc_security_group_egress_rule");
            let ptr = format!("{}/values", self.ptr(i));
            let Some((protocol, l4)) = self.l4(
                i,
                text(self.val(i, "ip_protocol")),
                num(self.val(i, "from_port")),
                num(self.val(i, "to_port")),
                &ptr,
                None,
            ) else {
                continue;
            };
            let fields = [
                "cidr_ipv4",
                "cidr_ipv6",
                "prefix_list_id",
                "referenced_security_group_id",
            ];
            let [c, v6, pl, g] = fields.map(|f| self.r.attr(i, f));
            let lost = self.lost_peers(i, &fields, [&c, &v6, &pl, &g]);
            let peers = self.peers(i, own, c, v6, pl, g, false, &ptr);
            self.report_lost_peers(i, &lost, peers.is_empty());
            if peers.is_empty() && lost.is_empty() {
                let msg = format!("`{}` has no known peer (`cidr_ipv4`, `cidr_ipv6`, `prefix_list_id` or `referenced_security_group_id`); skipped", self.addr(i));
                self.say(Severity::Error, "UNRESOLVED_REFERENCE", &ptr, msg);
            }
            let description = text(self.val(i, "description"));
            for peer in peers {
                let origin = self.loc(&self.ptr(i));
                self.b.add_sg_rule(
                    own,
                    egress,
                    SgRule {
                        protocol,
                        l4,
                        peer,
                        description: description.clone(),
                        origin,
                    },
                );
            }
        }
    }

    /// The peer attributes of a standalone rule that are unknown until apply and could
    /// not be linked.
    ///
    /// A rule names one kind of peer: `source_security_group_id` conflicts with CIDRs
    /// and `self`, and the `aws_vpc_security_group_*_rule` attributes exclude each
    /// other. An attribute the configuration does not set is computed, not lost.
    fn lost_peers(
        &self,
        i: usize,
        fields: &[&'static str; 4],
        vals: [&Vec<String>; 4],
    ) -> Vec<&'static str> {
        let self_ref = boolean(self.val(i, "self")) == Some(true);
        if self_ref || vals.iter().any(|v| !v.is_empty()) {
            return Vec::new();
        }
        fields
            .iter()
            .zip(vals)
            .filter(|(f, _)| self.r.unknown_at(i, &format!("/{f}")) && self.r.configured(i, f))
            .map(|(f, _)| *f)
            .collect()
    }

    fn report_lost_peers(&mut self, i: usize, lost: &[&str], skipped: bool) {
        let consequence = if skipped {
            "the rule is skipped"
        } else {
            "that part of the rule is left out"
        };
        for f in lost {
            self.unresolved(i, f, peer_kind(f), consequence);
        }
    }

    fn rule_group(&mut self, i: usize) -> Option<SgIdx> {
        let Some(id) = self.r.one(i, "security_group_id") else {
            self.unresolved(
                i,
                "security_group_id",
                "security group",
                "the rule is skipped",
            );
            return None;
        };
        match self.b.network().by_id(&id) {
            Some(AnyIdx::SecurityGroup(g)) => Some(g),
            _ => {
                self.unknown_ref(
                    i,
                    "security_group_id",
                    "security group",
                    &id,
                    "the rule is skipped",
                );
                None
            }
        }
    }
}
