//! Route 53: hosted zones with their VPC associations and record sets (read from any
//! folder, `global` where the collector puts them), and Resolver rules with their
//! associations (regional). A zone may be associated with VPCs of other accounts; a
//! rule shared through RAM is listed by every account it is shared with, and its
//! associations are gathered from all of them.

use std::net::IpAddr;

use vpcnet_model::{
    Alias, HostedZone, RecordSet, RecordType, ResolverRule, ResolverRuleKind, Routing, Severity,
    VpcIdx, ZoneKind,
};

use super::{Items, Lowerer};
use crate::fx::Map;
use crate::raw;

/// Every Route 53 key's items.
pub(crate) struct DnsItems<'s, 'x> {
    pub(crate) zones: &'s Items<'x, raw::HostedZone<'x>>,
    pub(crate) rules: &'s Items<'x, raw::ResolverRule<'x>>,
    pub(crate) associations: &'s Items<'x, raw::ResolverRuleAssociation<'x>>,
}

impl<'x> Lowerer<'_, '_> {
    pub(crate) fn dns(&mut self, t: &DnsItems<'_, 'x>) {
        self.expect_ids(t.zones.len() + t.rules.len());
        for &e in t.zones {
            let ptr = format!("/HostedZones/{}", e.index);
            self.zone(&e.v, e.file, &ptr);
        }
        let mut vpcs_of: Map<&'x str, Vec<VpcIdx>> = Map::default();
        for &e in t.associations {
            let a = &e.v;
            if !matches!(
                a.status.as_deref(),
                None | Some("COMPLETE" | "CREATING" | "UPDATING")
            ) {
                continue;
            }
            let ptr = format!("/ResolverRuleAssociations/{}", e.index);
            match self.vpc(&a.vpc_id) {
                Some(v) => {
                    let list = vpcs_of.entry(&a.resolver_rule_id).or_default();
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
                None => {
                    let msg = format!(
                        "VPC `{}` of the association of Resolver rule `{}` is not in the snapshot; skipped",
                        &*a.vpc_id, &*a.resolver_rule_id
                    );
                    let at = format!("{ptr}/VPCId");
                    self.say(Severity::Note, "UNKNOWN_REFERENCE", e.file, &at, msg);
                }
            }
        }
        for &e in t.rules {
            let ptr = format!("/ResolverRules/{}", e.index);
            let vpcs = vpcs_of.remove(&*e.v.id).unwrap_or_default();
            self.resolver_rule(&e.v, e.file, &ptr, vpcs);
        }
        // Associations of rules no account of the snapshot lists, in input order.
        for &e in t.associations {
            let rule = &*e.v.resolver_rule_id;
            if vpcs_of.remove(rule).is_some() && !self.seen.contains_key(rule) {
                let at = format!("/ResolverRuleAssociations/{}/ResolverRuleId", e.index);
                let then = "its association is skipped";
                self.unknown_ref(e.file, &at, "Resolver rule", rule, then);
            }
        }
    }

    fn zone(&mut self, z: &raw::HostedZone<'_>, file: usize, ptr: &str) {
        let id = z.id.strip_prefix("/hostedzone/").unwrap_or(&z.id);
        if !self.first(id, file, ptr) {
            return;
        }
        let private = z.config.as_ref().and_then(|c| c.private_zone) == Some(true);
        let kind = if private {
            ZoneKind::Private
        } else {
            ZoneKind::Public
        };
        let name = z.name.to_string();
        let mut meta = self.meta(id, &[], file, ptr);
        meta.name = Some(name.trim_end_matches('.').to_owned());
        let mut zone = HostedZone::new(meta, name.clone(), kind);
        zone.account = self.scope(file).account.clone();
        match &z.vpcs {
            Some(list) => {
                let base = format!("{ptr}/VPCs");
                for (v, j) in self.items(list, file, &base, "VPC association") {
                    match self.vpc(&v.vpc_id) {
                        Some(x) if private => {
                            let at = format!("{base}/{j}/VPCId");
                            self.dns_attributes_unknown(x, file, &at);
                            zone.vpcs.push(x);
                        }
                        Some(_) => {}
                        None => zone.foreign_vpcs.push(match &v.vpc_region {
                            Some(r) => format!("{} ({})", &*v.vpc_id, &**r),
                            None => v.vpc_id.to_string(),
                        }),
                    }
                }
                if !private {
                    zone.foreign_vpcs.clear();
                }
            }
            None if private => {
                let msg = format!(
                    "private zone `{name}` has no `VPCs` (from `aws route53 get-hosted-zone`); it answers no VPC"
                );
                self.say(Severity::Warning, "ZONE_VPCS_MISSING", file, ptr, msg);
            }
            None => {}
        }
        match &z.resource_record_sets {
            Some(list) => {
                let base = format!("{ptr}/ResourceRecordSets");
                for (r, j) in self.items(list, file, &base, "record set") {
                    let rptr = format!("{base}/{j}");
                    if let Some(rec) = self.record_set(r, file, &rptr) {
                        zone.records.push(rec);
                    }
                }
            }
            None => {
                let msg = format!(
                    "zone `{name}` has no `ResourceRecordSets` (from `aws route53 list-resource-record-sets`); its names are unknown"
                );
                self.say(Severity::Warning, "ZONE_RECORDS_MISSING", file, ptr, msg);
            }
        }
        self.b.add_hosted_zone(zone);
    }

    /// Says, once per VPC, that a private zone is associated with a VPC whose DNS
    /// hostnames attribute the snapshot lacks and AWS's default turns off.
    fn dns_attributes_unknown(&mut self, vpc: VpcIdx, file: usize, ptr: &str) {
        let v = self.b.network().vpc(vpc);
        if v.dns_hostnames || !self.dns_unknown.remove(v.meta.id.as_str()) {
            return;
        }
        let msg = format!(
            "VPC `{}` has a private zone, but its `EnableDnsHostnames` is not in the snapshot (`aws ec2 describe-vpc-attribute`); AWS's default for a VPC that is not the default one is off, so its private zones are taken not to answer",
            v.meta.id
        );
        self.say(Severity::Warning, "DNS_ATTRIBUTES_MISSING", file, ptr, msg);
    }

    fn record_set(&mut self, r: &raw::RecordSet<'_>, file: usize, ptr: &str) -> Option<RecordSet> {
        let routing = if let Some(w) = r.weight {
            match u32::try_from(w) {
                Ok(weight) if weight <= 255 => Routing::Weighted { weight },
                _ => {
                    let msg = format!("weight `{w}` is not within 0-255; the record is skipped");
                    self.error("BAD_VALUE", file, &format!("{ptr}/Weight"), msg);
                    return None;
                }
            }
        } else if let Some(region) = &r.region {
            Routing::Latency {
                region: region.to_string(),
            }
        } else if let Some(f) = &r.failover {
            match &**f {
                "PRIMARY" => Routing::Failover { primary: true },
                "SECONDARY" => Routing::Failover { primary: false },
                other => {
                    let msg = format!("failover `{other}` is neither `PRIMARY` nor `SECONDARY`; the record is skipped");
                    self.error("BAD_VALUE", file, &format!("{ptr}/Failover"), msg);
                    return None;
                }
            }
        } else if r.geo_location.is_some() {
            Routing::Other {
                policy: "geolocation".to_owned(),
            }
        } else if r.geo_proximity_location.is_some() {
            Routing::Other {
                policy: "geoproximity".to_owned(),
            }
        } else if r.cidr_routing_config.is_some() {
            Routing::Other {
                policy: "ip-based".to_owned(),
            }
        } else if r.multi_value_answer == Some(true) {
            Routing::Other {
                policy: "multivalue".to_owned(),
            }
        } else {
            Routing::Simple
        };
        let ttl = match r.ttl.map(u32::try_from) {
            None => None,
            Some(Ok(t)) => Some(t),
            Some(Err(_)) => {
                let msg = format!(
                    "TTL `{}` is not a number of seconds; ignored",
                    r.ttl.unwrap_or_default()
                );
                self.say(
                    Severity::Warning,
                    "BAD_VALUE",
                    file,
                    &format!("{ptr}/TTL"),
                    msg,
                );
                None
            }
        };
        Some(RecordSet {
            name: r.name.to_string(),
            rtype: RecordType::parse(&r.kind),
            values: r
                .resource_records
                .iter()
                .map(|v| v.value.to_string())
                .collect(),
            alias: r.alias_target.as_ref().map(|a| Alias {
                target: a.dns_name.to_string(),
                evaluate_health: a.evaluate_target_health.unwrap_or(false),
            }),
            routing,
            set_id: r.set_identifier.as_deref().map(str::to_owned),
            ttl,
            origin: self.loc(file, ptr),
        })
    }

    fn resolver_rule(
        &mut self,
        r: &raw::ResolverRule<'_>,
        file: usize,
        ptr: &str,
        vpcs: Vec<VpcIdx>,
    ) {
        let id = &*r.id;
        let kind = match r.rule_type.as_deref() {
            Some("FORWARD") => ResolverRuleKind::Forward,
            Some("SYSTEM") => ResolverRuleKind::System,
            // The built-in rule for everything else: what Resolver does anyway.
            Some("RECURSIVE") => return,
            other => {
                let msg = format!(
                    "rule type {} is not `FORWARD`, `SYSTEM` or `RECURSIVE`; the rule is skipped",
                    other.map_or_else(|| "(none)".to_owned(), |o| format!("`{o}`"))
                );
                self.error("BAD_VALUE", file, &format!("{ptr}/RuleType"), msg);
                return;
            }
        };
        if matches!(r.status.as_deref(), Some("DELETING" | "FAILED")) || !self.first(id, file, ptr)
        {
            return;
        }
        let Some(domain) = r.domain_name.as_deref() else {
            let msg = format!("Resolver rule `{id}` has no `DomainName`; skipped");
            self.error("BAD_VALUE", file, ptr, msg);
            return;
        };
        let mut targets = Vec::new();
        let base = format!("{ptr}/TargetIps");
        for (t, j) in self.items(&r.target_ips, file, &base, "target") {
            let at = format!("{base}/{j}");
            let Some(text) = t.ip.as_deref().or(t.ipv6.as_deref()) else {
                let msg = "a Resolver target needs `Ip` or `Ipv6`".to_owned();
                self.error("BAD_ADDRESS", file, &at, msg);
                continue;
            };
            let Ok(ip) = text.trim().parse::<IpAddr>() else {
                let msg = format!("`{text}` is not an IP address");
                self.error("BAD_ADDRESS", file, &format!("{at}/Ip"), msg);
                continue;
            };
            let port = match t.port.map(u16::try_from) {
                None => 53,
                Some(Ok(p)) => p,
                Some(Err(_)) => {
                    let msg = format!(
                        "port `{}` is not within 0-65535",
                        t.port.unwrap_or_default()
                    );
                    self.error("BAD_PORTS", file, &format!("{at}/Port"), msg);
                    continue;
                }
            };
            targets.push((ip, port));
        }
        let mut meta = self.meta(id, &[], file, ptr);
        meta.name = r
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        self.b.add_resolver_rule(ResolverRule {
            meta,
            domain: domain.to_owned(),
            kind,
            targets,
            vpcs,
        });
    }
}
