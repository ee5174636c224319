//! Route 53: hosted zones with their VPC associations (`vpc` blocks and
//! `aws_route53_zone_association`), their records, and Resolver rules with their
//! associations.
//!
//! A zone is private when it has `vpc` blocks, as the provider decides. A record's
//! `name` is made absolute as the provider makes it (relative unless it ends with the
//! zone's name); its values, alias target and zone are linked through the
//! configuration like any attribute, so a record naming an instance's `private_ip`
//! gets the address that stands for it in the network. An association with a VPC
//! the input does not hold is kept by id. `aws_route53_vpc_association_authorization`
//! only permits an association made elsewhere, so there is nothing of it to model.

use std::collections::HashSet;
use std::net::IpAddr;

use serde_json::Value;
use vpcnet_model::{
    dns_name, is_within, Alias, AnyIdx, HostedZone, RecordSet, RecordType, ResolverRule,
    ResolverRuleKind, Routing, Severity, VpcIdx, ZoneKind,
};

use super::{boolean, items, num, text, Lower};
use crate::doc::esc;
use crate::refs::record_name;

/// One VPC association of a zone, as read.
struct Assoc {
    /// The resource declaring it.
    res: usize,
    /// The VPC id.
    vpc: String,
    /// `vpc_region`, when given.
    region: Option<String>,
    /// JSON pointer of its `vpc_id`.
    ptr: String,
}

impl Lower<'_, '_, '_> {
    pub(super) fn dns(&mut self) {
        self.zones();
        self.records();
        self.resolver_rules();
    }

    /// An attribute that is required: its value, or said missing (unknown until apply
    /// and not linked, or absent) with `consequence`.
    pub(super) fn required(
        &mut self,
        i: usize,
        attr: &str,
        what: &str,
        consequence: &str,
    ) -> Option<String> {
        if let Some(v) = self.r.one(i, attr) {
            return Some(v);
        }
        if self.r.unknown_at(i, &format!("/{attr}")) {
            self.unresolved(i, attr, what, consequence);
        } else {
            let msg = format!("`{}` has no `{attr}`; {consequence}", self.addr(i));
            let p = self.vptr(i, attr);
            self.say(Severity::Error, "BAD_VALUE", &p, msg);
        }
        None
    }

    fn zones(&mut self) {
        // Standalone associations, by the id of their zone.
        let mut extra: Vec<(String, Assoc)> = Vec::new();
        for a in self.of_type(&["aws_route53_zone_association"]) {
            let skip = "the association is left out";
            let Some(zone) = self.required(a, "zone_id", "hosted zone", skip) else {
                continue;
            };
            let Some(vpc) = self.required(a, "vpc_id", "VPC", skip) else {
                continue;
            };
            let assoc = Assoc {
                res: a,
                vpc,
                region: self.r.one(a, "vpc_region"),
                ptr: self.vptr(a, "vpc_id"),
            };
            extra.push((zone, assoc));
        }
        for i in self.of_type(&["aws_route53_zone"]) {
            let skip = "the zone and its records are left out";
            let Some(name) = self.required(i, "name", "zone name", skip) else {
                continue;
            };
            let domain = match dns_name(&name) {
                Ok(d) => d,
                Err(why) => {
                    let msg = format!("zone name of `{}`: {why}; {skip}", self.addr(i));
                    let p = self.vptr(i, "name");
                    self.say(Severity::Error, "BAD_DNS_NAME", &p, msg);
                    continue;
                }
            };
            let id = self.r.one(i, "zone_id").unwrap_or_else(|| self.r.id(i));
            let blocks = items(self.val(i, "vpc")).to_vec();
            let blocks_unknown = blocks.is_empty() && self.r.unknown_at(i, "/vpc");
            let kind = if blocks.is_empty() && !blocks_unknown {
                ZoneKind::Public
            } else {
                ZoneKind::Private
            };
            if blocks_unknown {
                let msg = format!(
                    "the `vpc` blocks of `{}` are unknown until apply (a `dynamic` block over values known only then); the zone is taken as private and associated with no VPC of them",
                    self.addr(i)
                );
                let p = self.vptr(i, "vpc");
                self.say(Severity::Warning, "UNRESOLVED_REFERENCE", &p, msg);
            }
            let mut assocs = Vec::new();
            for (j, item) in blocks.iter().enumerate() {
                match self
                    .r
                    .block_attr(i, "vpc", j, item, "vpc_id")
                    .into_iter()
                    .next()
                {
                    Some(vpc) => assocs.push(Assoc {
                        res: i,
                        vpc,
                        region: text(item.get("vpc_region")),
                        ptr: format!("{}/values/vpc/{j}/vpc_id", self.ptr(i)),
                    }),
                    None => self.unresolved_block(
                        i,
                        "vpc",
                        j,
                        item,
                        "vpc_id",
                        "VPC",
                        "the association is left out",
                    ),
                }
            }
            let (mine, rest): (Vec<_>, Vec<_>) = extra.into_iter().partition(|(z, _)| *z == id);
            extra = rest;
            assocs.extend(mine.into_iter().map(|(_, a)| a));
            let mut meta = self.meta(i, id);
            if meta.name.is_none() {
                meta.name = Some(domain.clone());
            }
            let origin = meta.origin.clone();
            let mut zone = HostedZone::new(meta, domain.clone(), kind);
            let mut inside: Vec<(VpcIdx, String)> = Vec::new();
            for a in assocs {
                if let Some(v) = self.b.network().by_id_as::<VpcIdx>(&a.vpc) {
                    inside.push((v, a.ptr));
                    continue;
                }
                if kind != ZoneKind::Private {
                    let msg = format!(
                        "`{}` associates public zone `{domain}` with VPC `{}`: only private hosted zones have VPC associations; the association is left out",
                        self.addr(a.res),
                        a.vpc
                    );
                    self.say(Severity::Error, "ZONE_NOT_PRIVATE", &a.ptr, msg);
                    continue;
                }
                if zone.foreign_vpcs.contains(&a.vpc) {
                    continue;
                }
                let region = a
                    .region
                    .as_ref()
                    .map(|r| format!(" (region {r})"))
                    .unwrap_or_default();
                let msg = format!(
                    "`{}` associates private zone `{domain}` with VPC `{}`{region}, which is not in the input; the association is kept by id, and that VPC's queries are not modelled",
                    self.addr(a.res),
                    a.vpc
                );
                self.say(Severity::Note, "VPC_NOT_IN_INPUT", &a.ptr, msg);
                zone.foreign_vpcs.push(a.vpc);
            }
            let Some(z) = self.b.add_hosted_zone(zone) else {
                continue;
            };
            for (v, ptr) in inside {
                let at = self.loc(&ptr).or_else(|| origin.clone());
                self.b.associate_zone(z, v, &at);
            }
        }
        for (zone, a) in extra {
            self.unknown_ref(
                a.res,
                "zone_id",
                "hosted zone",
                &zone,
                "the association is left out",
            );
        }
    }

    fn records(&mut self) {
        for i in self.of_type(&["aws_route53_record"]) {
            let skip = "the record is left out";
            let Some(zone_id) = self.required(i, "zone_id", "hosted zone", skip) else {
                continue;
            };
            let Some(AnyIdx::HostedZone(z)) = self.b.network().by_id(&zone_id) else {
                let consequence = match self.zone_data_source(i, &zone_id) {
                    Some(d) => format!(
                        "Terraform only reads that zone (`{d}`), so its other records are unknown; {skip}"
                    ),
                    None => skip.to_owned(),
                };
                self.unknown_ref(i, "zone_id", "hosted zone", &zone_id, &consequence);
                continue;
            };
            let zone_name = self.b.network().hosted_zone(z).zone_name.clone();
            // An empty name is the zone's apex.
            let raw = match self.val(i, "name") {
                Some(Value::String(s)) if s.is_empty() => Some(String::new()),
                _ => self.required(i, "name", "record name", skip),
            };
            let Some(raw) = raw else {
                continue;
            };
            let full = record_name(&raw, &zone_name);
            let name_ptr = self.vptr(i, "name");
            let name = match dns_name(&full) {
                Ok(n) => n,
                Err(why) => {
                    let msg = format!(
                        "record name `{raw}` of `{}` (in zone `{zone_name}`): {why}; {skip}",
                        self.addr(i)
                    );
                    self.say(Severity::Error, "BAD_DNS_NAME", &name_ptr, msg);
                    continue;
                }
            };
            if !is_within(&name, &zone_name) {
                let msg = format!(
                    "record `{name}` of `{}` is not in zone `{zone_name}` (the provider takes a name ending with the zone's name as absolute); {skip}",
                    self.addr(i)
                );
                self.say(Severity::Error, "RECORD_OUTSIDE_ZONE", &name_ptr, msg);
                continue;
            }
            let Some(rtype) = self.required(i, "type", "record type", skip) else {
                continue;
            };
            let rtype = RecordType::parse(rtype.trim());
            let Some(routing) = self.routing(i) else {
                continue;
            };
            let set_id = self.r.one(i, "set_identifier");
            if routing != Routing::Simple && set_id.is_none() {
                let consequence =
                    format!("a record with a routing policy needs a `set_identifier`; {skip}");
                let _ = self.required(i, "set_identifier", "set identifier", &consequence);
                continue;
            }
            let alias_item = items(self.val(i, "alias")).first().cloned();
            let alias = match alias_item {
                Some(item) => {
                    let Some(target) = self
                        .r
                        .block_attr(i, "alias", 0, &item, "name")
                        .into_iter()
                        .next()
                    else {
                        self.unresolved_block(i, "alias", 0, &item, "name", "alias target", skip);
                        continue;
                    };
                    if let Err(why) = dns_name(&target) {
                        let msg = format!("alias target of `{}`: {why}; {skip}", self.addr(i));
                        let p = format!("{}/values/alias/0/name", self.ptr(i));
                        self.say(Severity::Error, "BAD_DNS_NAME", &p, msg);
                        continue;
                    }
                    Some(Alias {
                        target,
                        evaluate_health: boolean(item.get("evaluate_target_health"))
                            .unwrap_or(false),
                    })
                }
                None => None,
            };
            let values = match alias {
                Some(_) => Vec::new(),
                None => match self.record_values(i, &rtype) {
                    Some(v) => v,
                    None => continue,
                },
            };
            let ttl = match (alias.is_some(), num(self.val(i, "ttl"))) {
                (true, _) | (_, None) => None,
                (false, Some(t)) => match u32::try_from(t) {
                    Ok(t) => Some(t),
                    Err(_) => {
                        let msg = format!(
                            "`ttl` `{t}` of `{}` is not a number of seconds; the record is kept without one",
                            self.addr(i)
                        );
                        let p = self.vptr(i, "ttl");
                        self.say(Severity::Warning, "BAD_VALUE", &p, msg);
                        None
                    }
                },
            };
            let origin = self.loc(&self.ptr(i));
            self.b.add_record(
                z,
                RecordSet {
                    name,
                    rtype,
                    values,
                    alias,
                    routing,
                    set_id,
                    ttl,
                    origin,
                },
            );
        }
    }

    /// The data source that read hosted zone `id`, as an address: one in the module of
    /// resource `i` first.
    fn zone_data_source(&self, i: usize, id: &str) -> Option<String> {
        let scope = self
            .d
            .res
            .get(i)
            .map(|r| r.scope.as_slice())
            .unwrap_or_default();
        let read: Vec<_> = self
            .d
            .data
            .iter()
            .filter(|d| {
                d.ty == "aws_route53_zone"
                    && d.values.is_some_and(|v| {
                        ["zone_id", "id"]
                            .iter()
                            .any(|k| v.get(*k).and_then(Value::as_str) == Some(id))
                    })
            })
            .collect();
        let d = read
            .iter()
            .find(|d| d.scope == scope)
            .or_else(|| read.first())?;
        let mut addr: Vec<String> = d.scope.clone();
        addr.push(format!("data.{}.{}", d.ty, d.name));
        Some(addr.join("."))
    }

    /// The values of a record without an alias, checked against its type (Route 53
    /// refuses the whole record when one value does not fit).
    fn record_values(&mut self, i: usize, rtype: &RecordType) -> Option<Vec<String>> {
        let skip = "the record is left out";
        let values = self.r.attr(i, "records");
        let linked = self.r.unknown_at(i, "/records");
        if values.is_empty() {
            if linked {
                self.unresolved(i, "records", "value", skip);
            } else {
                let msg = format!(
                    "`{}` has neither `records` nor an `alias` block; {skip}",
                    self.addr(i)
                );
                let p = self.ptr(i);
                self.say(Severity::Error, "BAD_RECORD", &p, msg);
            }
            return None;
        }
        let fits = |v: &str| match rtype {
            RecordType::A => v.trim().parse::<std::net::Ipv4Addr>().is_ok(),
            RecordType::Aaaa => v.trim().parse::<std::net::Ipv6Addr>().is_ok(),
            RecordType::Cname => dns_name(v).is_ok(),
            RecordType::Other(_) => true,
        };
        let what = match rtype {
            RecordType::A => "an IPv4 address".to_owned(),
            RecordType::Aaaa => "an IPv6 address".to_owned(),
            other => format!("a {} value", other.as_str()),
        };
        let bad: Vec<&String> = values.iter().filter(|v| !fits(v)).collect();
        if !bad.is_empty() {
            let list: Vec<String> = bad.iter().map(|v| format!("`{v}`")).collect();
            let msg = if linked {
                format!(
                    "`records` of `{}` is unknown until apply and its configuration gives {}, which is not {what}; {skip}",
                    self.addr(i),
                    list.join(", ")
                )
            } else {
                format!(
                    "{} of `{}` is not {what}; {skip}",
                    list.join(", "),
                    self.addr(i)
                )
            };
            let p = match (linked, values.iter().position(|v| !fits(v))) {
                (false, Some(j)) => format!("{}/{j}", self.vptr(i, "records")),
                _ => self.vptr(i, "records"),
            };
            let code = if linked {
                "UNRESOLVED_REFERENCE"
            } else {
                "BAD_VALUE"
            };
            self.say(Severity::Error, code, &p, msg);
            return None;
        }
        if *rtype == RecordType::Cname && values.len() != 1 {
            let msg = format!(
                "CNAME `{}` has {} values; a CNAME has exactly one; {skip}",
                self.addr(i),
                values.len()
            );
            let p = self.vptr(i, "records");
            self.say(Severity::Error, "BAD_RECORD", &p, msg);
            return None;
        }
        Some(values)
    }

    /// The routing policy of a record: `None` (said) when it cannot be read.
    fn routing(&mut self, i: usize) -> Option<Routing> {
        let skip = "the record is left out";
        let mut found: Vec<(&'static str, Routing)> = Vec::new();
        let block = |me: &Self, b: &str| items(me.val(i, b)).first().cloned();
        if let Some(item) = block(self, "weighted_routing_policy") {
            let p = format!("{}/values/weighted_routing_policy/0/weight", self.ptr(i));
            match num(item.get("weight")) {
                Some(w) if (0..=255).contains(&w) => found.push((
                    "weighted",
                    Routing::Weighted {
                        weight: u32::try_from(w).unwrap_or_default(),
                    },
                )),
                other => {
                    let has = other
                        .map(|w| format!("`{w}`"))
                        .unwrap_or("no weight".into());
                    let msg = format!(
                        "`weighted_routing_policy` of `{}` has {has}; Route 53 takes a weight from 0 to 255; {skip}",
                        self.addr(i)
                    );
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    return None;
                }
            }
        }
        if let Some(item) = block(self, "latency_routing_policy") {
            match text(item.get("region")) {
                Some(region) => found.push(("latency", Routing::Latency { region })),
                None => {
                    let msg = format!(
                        "`latency_routing_policy` of `{}` names no region; {skip}",
                        self.addr(i)
                    );
                    let p = format!("{}/values/latency_routing_policy/0/region", self.ptr(i));
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    return None;
                }
            }
        }
        if let Some(item) = block(self, "failover_routing_policy") {
            let t = text(item.get("type")).map(|t| t.to_ascii_uppercase());
            match t.as_deref() {
                Some("PRIMARY") => found.push(("failover", Routing::Failover { primary: true })),
                Some("SECONDARY") => found.push(("failover", Routing::Failover { primary: false })),
                other => {
                    let msg = format!(
                        "`failover_routing_policy` type `{}` of `{}` is neither `PRIMARY` nor `SECONDARY`; {skip}",
                        other.unwrap_or(""),
                        self.addr(i)
                    );
                    let p = format!("{}/values/failover_routing_policy/0/type", self.ptr(i));
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    return None;
                }
            }
        }
        for (b, policy) in [
            ("geolocation_routing_policy", "geolocation"),
            ("geoproximity_routing_policy", "geoproximity"),
            ("cidr_routing_policy", "ip-based"),
        ] {
            if block(self, b).is_some() {
                found.push((
                    policy,
                    Routing::Other {
                        policy: policy.to_owned(),
                    },
                ));
            }
        }
        if boolean(self.val(i, "multivalue_answer_routing_policy")) == Some(true) {
            found.push((
                "multivalue",
                Routing::Other {
                    policy: "multivalue".to_owned(),
                },
            ));
        }
        if found.len() > 1 {
            let list: Vec<String> = found.iter().map(|(p, _)| format!("`{p}`")).collect();
            let msg = format!(
                "`{}` has several routing policies ({}); a record has one; {skip}",
                self.addr(i),
                list.join(", ")
            );
            let p = format!("{}/values", self.ptr(i));
            self.say(Severity::Error, "BAD_VALUE", &p, msg);
            return None;
        }
        Some(found.pop().map_or(Routing::Simple, |(_, r)| r))
    }

    fn resolver_rules(&mut self) {
        // (rule id, association, VPC id).
        let mut assocs: Vec<(String, usize, String)> = Vec::new();
        for a in self.of_type(&["aws_route53_resolver_rule_association"]) {
            let skip = "the association is left out";
            let Some(rule) = self.required(a, "resolver_rule_id", "Resolver rule", skip) else {
                continue;
            };
            let Some(vpc) = self.required(a, "vpc_id", "VPC", skip) else {
                continue;
            };
            assocs.push((rule, a, vpc));
        }
        // Rules of the input, added or not (a rule refused is reported once).
        let mut seen: HashSet<String> = HashSet::new();
        for i in self.of_type(&["aws_route53_resolver_rule"]) {
            let id = self.r.id(i);
            seen.insert(id.clone());
            let skip = "the rule is left out";
            let Some(domain) = self.required(i, "domain_name", "domain", skip) else {
                continue;
            };
            let Some(rule_type) = self.required(i, "rule_type", "rule type", skip) else {
                continue;
            };
            let kind = match rule_type.to_ascii_uppercase().as_str() {
                "FORWARD" => ResolverRuleKind::Forward,
                // Resolver answers both itself; only AWS makes recursive rules.
                "SYSTEM" | "RECURSIVE" => ResolverRuleKind::System,
                other => {
                    let msg = format!(
                        "`rule_type` `{other}` of `{}` is not `FORWARD`, `SYSTEM` or `RECURSIVE`; {skip}",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "rule_type");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    continue;
                }
            };
            if domain.trim() == "." {
                // A system rule for every name is what Resolver does anyway.
                if kind == ResolverRuleKind::Forward {
                    let msg = format!(
                        "`{}` forwards every name (`.`); vpcnet's Resolver rules match a domain and the names under it, so this one is left out, and names no more specific rule or private zone holds are not shown forwarded",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "domain_name");
                    self.say(Severity::Warning, "RULE_NOT_MODELLED", &p, msg);
                }
                continue;
            }
            if let Err(why) = dns_name(&domain) {
                let msg = format!("`domain_name` of `{}`: {why}; {skip}", self.addr(i));
                let p = self.vptr(i, "domain_name");
                self.say(Severity::Error, "BAD_DNS_NAME", &p, msg);
                continue;
            }
            let Some(targets) = self.rule_targets(i, kind) else {
                continue;
            };
            let mut vpcs = Vec::new();
            for (rule, a, vpc) in &assocs {
                if *rule != id {
                    continue;
                }
                match self.b.network().by_id_as::<VpcIdx>(vpc) {
                    Some(v) => vpcs.push(v),
                    None => self.unknown_ref(
                        *a,
                        "vpc_id",
                        "VPC",
                        vpc,
                        "the rule applies to no VPC of the input through it",
                    ),
                }
            }
            let mut meta = self.meta(i, id);
            if let Some(n) = text(self.val(i, "name")) {
                meta.name = Some(n);
            }
            self.b.add_resolver_rule(ResolverRule {
                meta,
                domain,
                kind,
                targets,
                vpcs,
            });
        }
        for (rule, a, _) in assocs {
            if !seen.contains(&rule) {
                self.unknown_ref(
                    a,
                    "resolver_rule_id",
                    "Resolver rule",
                    &rule,
                    "the association is left out",
                );
            }
        }
    }

    /// The target resolvers of a rule; `None` (said) when a forwarding rule is left
    /// with none because their addresses are unknown until apply.
    fn rule_targets(&mut self, i: usize, kind: ResolverRuleKind) -> Option<Vec<(IpAddr, u16)>> {
        let list = items(self.val(i, "target_ip")).to_vec();
        let mut targets = Vec::new();
        let mut lost: Vec<(usize, &'static str)> = Vec::new();
        for (j, item) in list.iter().enumerate() {
            let ptr = format!("{}/values/target_ip/{j}", self.ptr(i));
            let addr = ["ip", "ipv6"].into_iter().find_map(|a| {
                self.r
                    .block_attr(i, "target_ip", j, item, a)
                    .into_iter()
                    .next()
                    .map(|v| (a, v))
            });
            let Some((field, addr)) = addr else {
                match ["ip", "ipv6"]
                    .into_iter()
                    .find(|a| self.r.unknown_at(i, &format!("/target_ip/{j}/{a}")))
                {
                    Some(a) => lost.push((j, a)),
                    None => {
                        let msg = format!(
                            "`target_ip[{j}]` of `{}` has no address; the target is left out",
                            self.addr(i)
                        );
                        self.say(Severity::Error, "BAD_VALUE", &ptr, msg);
                    }
                }
                continue;
            };
            let Ok(ip) = addr.trim().parse::<IpAddr>() else {
                let msg = format!(
                    "`{addr}` of `{}` is not an IP address; the target is left out",
                    self.addr(i)
                );
                self.say(
                    Severity::Error,
                    "BAD_ADDRESS",
                    &format!("{ptr}/{}", esc(field)),
                    msg,
                );
                continue;
            };
            let port = match num(item.get("port")) {
                None => 53,
                Some(p) => match u16::try_from(p) {
                    Ok(p) if p > 0 => p,
                    _ => {
                        let msg = format!(
                            "port `{p}` of `{}` is not a port; the target is left out",
                            self.addr(i)
                        );
                        self.say(Severity::Error, "BAD_PORTS", &format!("{ptr}/port"), msg);
                        continue;
                    }
                },
            };
            targets.push((ip, port));
        }
        let rule_lost = kind == ResolverRuleKind::Forward && targets.is_empty() && !lost.is_empty();
        let consequence = if rule_lost {
            "the rule is left out"
        } else {
            "the target is left out"
        };
        for (j, a) in lost {
            if let Some(item) = list.get(j) {
                self.unresolved_block(i, "target_ip", j, item, a, "address", consequence);
            }
        }
        (!rule_lost).then_some(targets)
    }
}
