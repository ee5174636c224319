//! The spec's `dns` section: hosted zones, their records and associations, Resolver
//! rules.

use std::net::IpAddr;

use vpcnet_model::{
    dns_name, Alias, HostedZone, RecordSet, RecordType, ResolverRule, ResolverRuleKind, Routing,
    VpcIdx, ZoneKind,
};

use super::Lowerer;
use crate::raw::*;

impl Lowerer<'_> {
    pub(super) fn dns(&mut self, dns: &DnsSpec) {
        for (z, ptr) in self.items(&dns.zones, "/dns/zones") {
            self.zone(z, &ptr);
        }
        for (r, ptr) in self.items(&dns.resolver_rules, "/dns/resolver_rules") {
            self.resolver_rule(r, &ptr);
        }
    }

    /// A VPC by name or id; `Err(id)` for an id of a VPC not in the input.
    fn dns_vpc(&mut self, text: &str, ptr: &str) -> Option<Result<VpcIdx, String>> {
        if let Some(v) = self.vpcs.get(text) {
            return Some(Ok(*v));
        }
        if text.starts_with("vpc-") {
            return Some(Err(text.to_owned()));
        }
        let known: Vec<String> = self.scopes.iter().map(|s| s.name.clone()).collect();
        self.unknown("VPC", text, "in this spec", known.iter().collect(), ptr);
        None
    }

    fn zone(&mut self, z: &ZoneSpec, ptr: &str) {
        let domain = match dns_name(&z.name) {
            Ok(d) => d,
            Err(why) => {
                self.error("BAD_DNS_NAME", &format!("{ptr}/name"), why);
                return;
            }
        };
        let kind = match z.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("private") => ZoneKind::Private,
            Some("public") => ZoneKind::Public,
            Some("external") => ZoneKind::External,
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/kind"),
                    format!("zone kind `{other}` is not one of `private`, `public`, `external`"),
                );
                return;
            }
        };
        let meta = self.meta(&z.id, "zone", kind.as_str(), &domain, &z.tags, ptr);
        let mut zone = HostedZone::new(meta, domain.clone(), kind);
        zone.account = z.account.as_ref().map(AccountId::normalized);
        for (i, v) in z.vpcs.iter().enumerate() {
            match self.dns_vpc(v, &format!("{ptr}/vpcs/{i}")) {
                Some(Ok(idx)) => zone.vpcs.push(idx),
                Some(Err(id)) => zone.foreign_vpcs.push(id),
                None => {}
            }
        }
        if kind != ZoneKind::Private && !(zone.vpcs.is_empty() && zone.foreign_vpcs.is_empty()) {
            self.error(
                "ZONE_NOT_PRIVATE",
                &format!("{ptr}/vpcs"),
                format!(
                    "{} zone `{domain}` lists VPCs; only private zones are associated with VPCs",
                    kind.as_str()
                ),
            );
            zone.vpcs.clear();
            zone.foreign_vpcs.clear();
        }
        for (r, rptr) in self.items(&z.records, &format!("{ptr}/records")) {
            if let Some(rec) = self.record(&domain, r, &rptr) {
                zone.records.push(rec);
            }
        }
        self.b.add_hosted_zone(zone);
    }

    fn record(&mut self, zone: &str, r: &RecordSpec, ptr: &str) -> Option<RecordSet> {
        let name = r.name.trim();
        let lower = name.to_ascii_lowercase();
        let absolute = if name.is_empty() || name == "@" {
            zone.to_owned()
        } else if name.ends_with('.') || lower == zone || lower.ends_with(&format!(".{zone}")) {
            name.to_owned()
        } else {
            format!("{name}.{zone}")
        };
        let rtype = RecordType::parse(r.rtype.trim());
        let routing = match (r.weight, &r.region, &r.failover, &r.routing) {
            (None, None, None, None) => Routing::Simple,
            (Some(weight), None, None, None) => Routing::Weighted { weight },
            (None, Some(region), None, None) => Routing::Latency {
                region: region.clone(),
            },
            (None, None, Some(f), None) => match f.to_ascii_lowercase().as_str() {
                "primary" => Routing::Failover { primary: true },
                "secondary" => Routing::Failover { primary: false },
                other => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{ptr}/failover"),
                        format!("failover `{other}` is not `primary` or `secondary`"),
                    );
                    return None;
                }
            },
            (None, None, None, Some(policy)) => Routing::Other {
                policy: policy.to_ascii_lowercase(),
            },
            _ => {
                self.error(
                    "BAD_VALUE",
                    ptr,
                    "a record has one routing policy: `weight`, `region`, `failover` or `routing`, not several".to_owned(),
                );
                return None;
            }
        };
        if routing != Routing::Simple && r.set_id.is_none() {
            self.error(
                "MISSING_FIELD",
                ptr,
                format!("record `{name}` has a routing policy, so it needs a `set_id`"),
            );
            return None;
        }
        Some(RecordSet {
            name: absolute,
            rtype,
            values: r.values.as_ref().map(OneOrMany::to_vec).unwrap_or_default(),
            alias: r.alias.as_ref().map(|t| Alias {
                target: t.clone(),
                evaluate_health: false,
            }),
            routing,
            set_id: r.set_id.clone(),
            ttl: r.ttl,
            origin: self.loc(ptr),
        })
    }

    fn resolver_rule(&mut self, r: &ResolverRuleSpec, ptr: &str) {
        let kind = match r.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("forward") => ResolverRuleKind::Forward,
            Some("system") => ResolverRuleKind::System,
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/kind"),
                    format!("resolver rule kind `{other}` is not `forward` or `system`"),
                );
                return;
            }
        };
        let mut targets = Vec::new();
        for (i, t) in r.targets.iter().enumerate() {
            match parse_target(t) {
                Some(x) => targets.push(x),
                None => self.error(
                    "BAD_ADDRESS",
                    &format!("{ptr}/targets/{i}"),
                    format!(
                        "`{t}` is not a resolver address such as `10.50.0.2` or `10.50.0.2:53`"
                    ),
                ),
            }
        }
        let mut vpcs = Vec::new();
        for (i, v) in r.vpcs.iter().enumerate() {
            match self.dns_vpc(v, &format!("{ptr}/vpcs/{i}")) {
                Some(Ok(idx)) => vpcs.push(idx),
                Some(Err(id)) => self.warning(
                    "VPC_NOT_IN_INPUT",
                    &format!("{ptr}/vpcs/{i}"),
                    format!("resolver rule `{}` applies to VPC `{id}`, which the input does not describe", r.name),
                ),
                None => {}
            }
        }
        let meta = self.meta(&r.id, "rslvr-rr", "", &r.name, &r.tags, ptr);
        self.b.add_resolver_rule(ResolverRule {
            meta,
            domain: r.domain.clone(),
            kind,
            targets,
            vpcs,
        });
    }
}

/// `10.50.0.2`, `10.50.0.2:53`, `[fd00::2]:53`.
fn parse_target(text: &str) -> Option<(IpAddr, u16)> {
    let t = text.trim();
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some((ip, 53));
    }
    let sock: std::net::SocketAddr = t.parse().ok()?;
    Some((sock.ip(), sock.port()))
}
