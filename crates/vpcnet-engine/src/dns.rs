//! Name resolution as Route 53 Resolver (the VPC's `.2` resolver) does it, from one
//! source VPC or from the internet.
//!
//! Order, for a query from a VPC:
//! 1. `enableDnsSupport` off: nothing is resolved.
//! 2. The most specific match among the Resolver rules associated with the VPC and the
//!    private hosted zones associated with it; at equal length a rule wins. A forwarding
//!    rule sends the query out of AWS (answered only by zones the input declares as
//!    external); a system rule hands it back to Resolver. A private zone answers with
//!    its records or NXDOMAIN — never with public DNS.
//! 3. Names AWS makes: EC2 private DNS names and EC2 public DNS names.
//! 4. Public DNS: the public zones the input declares. A name no zone covers is
//!    reported as unknown, not guessed.
//!
//! CNAME and alias chains restart resolution at step 1 with the target, as a resolver
//! does; loops and chains longer than [`MAX_CHAIN`] fail. Weighted, latency, failover and
//! other routed record sets all count as possible answers, each shown.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};

use vpcnet_model::{
    dns_name, is_within, AnyIdx, HostedZone, Network, PeeringStatus, RecordSet, RecordType,
    ResolverRuleKind, Routing, VpcIdx, ZoneIdx, ZoneKind,
};

use crate::code::Code;
use crate::trace::Component;

/// The longest CNAME/alias chain followed.
pub const MAX_CHAIN: usize = 16;

/// One step of a resolution, for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsStep {
    /// Who answered or decided: a hosted zone, a Resolver rule, the VPC's resolver, an
    /// interface (for EC2 names), public DNS.
    pub component: Component,
    /// The name asked at this step.
    pub name: String,
    /// What happened.
    pub detail: String,
}

/// Why a name did not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsFailure {
    /// Where it failed.
    pub component: Component,
    /// The stable code.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

/// The answer to one question: every step, the addresses, or why there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The name asked, in compared form.
    pub name: String,
    /// `A` or `AAAA`.
    pub rtype: RecordType,
    /// The VPC asking, `None` for a host on the internet.
    pub vpc: Option<VpcIdx>,
    /// The steps, in order.
    pub steps: Vec<DnsStep>,
    /// Every possible answer, in order of discovery, without repeats.
    pub answers: Vec<IpAddr>,
    /// Set when there is no answer.
    pub failure: Option<DnsFailure>,
}

impl Resolution {
    /// The first IPv4 answer.
    pub fn first_v4(&self) -> Option<Ipv4Addr> {
        self.answers.iter().find_map(|a| match a {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })
    }
}

/// Whether `text` is meant as a DNS name: it has a dot, is not an address, and is a
/// valid name.
pub fn looks_like_dns_name(text: &str) -> bool {
    let t = text.trim();
    t.contains('.') && t.parse::<IpAddr>().is_err() && !t.contains('/') && dns_name(t).is_ok()
}

/// Resolves `name` for an `rtype` (`A` or `AAAA`) query from `vpc` (`None`: from the
/// internet, where only public zones answer).
pub fn resolve_name(
    net: &Network,
    vpc: Option<VpcIdx>,
    name: &str,
    rtype: RecordType,
) -> Resolution {
    let mut r = Resolver {
        net,
        vpc,
        rtype: rtype.clone(),
        steps: Vec::new(),
        answers: Vec::new(),
        chain: HashSet::new(),
    };
    let failure = match dns_name(name) {
        Err(why) => Some(DnsFailure {
            component: r.resolver_component(),
            code: Code::DnsNameNotFound,
            message: format!("not a DNS name: {why}"),
        }),
        Ok(n) => r.resolve(&n, 0).err(),
    };
    let failure = if r.answers.is_empty() { failure } else { None };
    Resolution {
        name: dns_name(name).unwrap_or_else(|_| name.trim().to_owned()),
        rtype,
        vpc,
        steps: r.steps,
        answers: r.answers,
        failure,
    }
}

struct Resolver<'n> {
    net: &'n Network,
    vpc: Option<VpcIdx>,
    rtype: RecordType,
    steps: Vec<DnsStep>,
    answers: Vec<IpAddr>,
    /// Names on the current chain (loop detection).
    chain: HashSet<String>,
}

type Step<T> = Result<T, DnsFailure>;

/// What a source of answers did with a name.
enum Found {
    /// Addresses (already recorded).
    Done,
    /// Go on with these names (CNAME or alias targets).
    Follow(Vec<String>),
}

impl<'n> Resolver<'n> {
    fn resolver_component(&self) -> Component {
        match self.vpc {
            Some(v) => Component::Resource(AnyIdx::Vpc(v)),
            None => Component::External {
                kind: "dns",
                id: "public DNS".to_owned(),
            },
        }
    }

    fn step(&mut self, component: Component, name: &str, detail: String) {
        self.steps.push(DnsStep {
            component,
            name: name.to_owned(),
            detail,
        });
    }

    fn fail(
        &mut self,
        component: Component,
        name: &str,
        code: Code,
        message: String,
    ) -> DnsFailure {
        self.step(component.clone(), name, message.clone());
        DnsFailure {
            component,
            code,
            message,
        }
    }

    fn zone_label(&self, z: ZoneIdx) -> String {
        let zone = self.net.hosted_zone(z);
        format!(
            "{} zone {} ({})",
            zone.kind.as_str(),
            zone.zone_name,
            zone.meta.id
        )
    }

    fn add_answer(&mut self, a: IpAddr) {
        if !self.answers.contains(&a) {
            self.answers.push(a);
        }
    }

    fn resolve(&mut self, name: &str, depth: usize) -> Step<()> {
        if depth > MAX_CHAIN {
            let c = self.resolver_component();
            return Err(self.fail(
                c,
                name,
                Code::DnsChainTooLong,
                format!("the CNAME/alias chain is longer than {MAX_CHAIN} names"),
            ));
        }
        if !self.chain.insert(name.to_owned()) {
            let c = self.resolver_component();
            return Err(self.fail(
                c,
                name,
                Code::DnsCnameLoop,
                format!("`{name}` is reached again through its own CNAME/alias chain: a loop"),
            ));
        }
        let found = self.lookup(name);
        let result = match found {
            Err(f) => Err(f),
            Ok(Found::Done) => Ok(()),
            Ok(Found::Follow(targets)) => {
                // Every target is a possible answer; the first failure is kept when
                // none answers.
                let mut first_err = None;
                for t in targets {
                    if let Err(e) = self.resolve(&t, depth + 1) {
                        first_err.get_or_insert(e);
                    }
                }
                match first_err {
                    Some(e) if self.answers.is_empty() => Err(e),
                    _ => Ok(()),
                }
            }
        };
        self.chain.remove(name);
        result
    }

    fn lookup(&mut self, name: &str) -> Step<Found> {
        let net = self.net;
        if let Some(found) = self.endpoint_dns_name(name) {
            return found;
        }
        let Some(vpc) = self.vpc else {
            return self.public(name);
        };
        let v = net.vpc(vpc);
        let me = Component::Resource(AnyIdx::Vpc(vpc));
        if !v.dns_support {
            return Err(self.fail(
                me,
                name,
                Code::DnsResolutionDisabled,
                format!(
                    "VPC {} has enableDnsSupport off: the Amazon resolver does not answer its hosts",
                    v.meta.label()
                ),
            ));
        }
        let rules = net.most_specific_rules(name, vpc);
        let zones = net.most_specific_zones(name, ZoneKind::Private, |z| z.vpcs.contains(&vpc));
        let rule_len = rules.first().map(|r| net.resolver_rule(*r).domain.len());
        let zone_len = zones.first().map(|z| net.hosted_zone(*z).zone_name.len());
        let rule_wins = match (rule_len, zone_len) {
            (Some(r), Some(z)) => r >= z,
            (Some(_), None) => true,
            _ => false,
        };
        // Interface endpoints with private DNS: AWS manages a private zone for the
        // service's regional name, associated with the endpoint's VPC.
        let endpoint = net
            .vpc_endpoint_ids()
            .filter_map(|e| {
                let ep = net.vpc_endpoint(e);
                let domain = ep.private_dns_name().filter(|_| ep.vpc == vpc)?;
                is_within(name, &domain).then_some((domain.len(), e, domain))
            })
            .max();
        if let Some((len, e, domain)) = endpoint {
            let beats_rule = rule_len.is_none_or(|r| len > r);
            let beats_zone = zone_len.is_none_or(|z| len > z);
            if beats_rule && beats_zone {
                return self.answer_from_endpoint(e, name, &domain);
            }
        }
        if rule_wins {
            // Forwarding beats system for the same domain only if AWS allowed both;
            // a system rule at the same domain is the deliberate override.
            let rule = rules
                .iter()
                .copied()
                .find(|r| net.resolver_rule(*r).kind == ResolverRuleKind::System)
                .unwrap_or(rules[0]);
            let rr = net.resolver_rule(rule);
            let comp = Component::Resource(AnyIdx::ResolverRule(rule));
            match rr.kind {
                ResolverRuleKind::Forward => {
                    let targets: Vec<String> = rr
                        .targets
                        .iter()
                        .map(|(ip, port)| format!("{ip}:{port}"))
                        .collect();
                    self.step(
                        comp.clone(),
                        name,
                        format!(
                            "forwarding rule {} for {} sends the query to {}",
                            rr.meta.label(),
                            rr.domain,
                            targets.join(", ")
                        ),
                    );
                    let external = net.most_specific_zones(name, ZoneKind::External, |_| true);
                    if let Some(z) = external.first() {
                        return self.answer_from_zone(*z, name);
                    }
                    return Err(self.fail(
                        comp,
                        name,
                        Code::DnsForwardedUnanswered,
                        format!(
                            "the query leaves AWS for {}; the input declares no zone there that holds `{name}`",
                            targets.join(", ")
                        ),
                    ));
                }
                ResolverRuleKind::System => {
                    self.step(
                        comp,
                        name,
                        format!(
                            "system rule {} for {}: Route 53 Resolver answers it itself",
                            rr.meta.label(),
                            rr.domain
                        ),
                    );
                }
            }
        }
        if let Some(z) = zones.first().copied() {
            if !v.dns_hostnames {
                return Err(self.fail(
                    me,
                    name,
                    Code::DnsHostnamesDisabled,
                    format!(
                        "{} is associated with VPC {}, but the VPC has enableDnsHostnames off; private hosted zones need both enableDnsSupport and enableDnsHostnames",
                        self.zone_label(z),
                        v.meta.label()
                    ),
                ));
            }
            self.step(
                me,
                name,
                format!(
                    "the resolver of VPC {} at {} uses {}, associated with the VPC",
                    v.meta.label(),
                    resolver_ip(net, vpc),
                    self.zone_label(z)
                ),
            );
            return self.answer_from_zone(z, name);
        }
        if let Some(found) = self.aws_names(vpc, name)? {
            return Ok(found);
        }
        self.public(name)
    }

    /// Public zones, else unknown (after saying whether an unassociated private zone
    /// holds the name).
    fn public(&mut self, name: &str) -> Step<Found> {
        let net = self.net;
        let public = net.most_specific_zones(name, ZoneKind::Public, |_| true);
        if let Some(z) = public.first().copied() {
            let c = self.resolver_component();
            self.step(c, name, format!("public DNS: {}", self.zone_label(z)));
            return self.answer_from_zone(z, name);
        }
        let c = self.resolver_component();
        let unassociated = net.most_specific_zones(name, ZoneKind::Private, |_| true);
        if let (Some(z), Some(vpc)) = (unassociated.first().copied(), self.vpc) {
            let zone = net.hosted_zone(z);
            let with: Vec<String> = zone
                .vpcs
                .iter()
                .map(|v| net.vpc(*v).meta.label())
                .chain(zone.foreign_vpcs.iter().cloned())
                .collect();
            let with = if with.is_empty() {
                "no VPC".to_owned()
            } else {
                with.join(", ")
            };
            return Err(self.fail(
                c,
                name,
                Code::DnsZoneNotAssociated,
                format!(
                    "{} covers `{name}` but is not associated with VPC {} (it is associated with {with}); the query goes on to public DNS, which the input does not describe",
                    self.zone_label(z),
                    net.vpc(vpc).meta.label()
                ),
            ));
        }
        if let (Some(z), None) = (unassociated.first().copied(), self.vpc) {
            return Err(self.fail(
                c,
                name,
                Code::DnsZoneNotAssociated,
                format!(
                    "only {} covers `{name}`, and a private zone does not answer the internet",
                    self.zone_label(z)
                ),
            ));
        }
        Err(self.fail(
            c,
            name,
            Code::DnsNameUnknown,
            format!(
                "no zone in the input covers `{name}`; public DNS beyond the input is not modelled"
            ),
        ))
    }

    /// The answer a zone gives for `name`: records of the asked type, a CNAME to follow,
    /// a wildcard, NODATA or NXDOMAIN.
    fn answer_from_zone(&mut self, z: ZoneIdx, name: &str) -> Step<Found> {
        let net = self.net;
        let zone = net.hosted_zone(z);
        let comp = Component::Resource(AnyIdx::HostedZone(z));
        let mut owner = name.to_owned();
        let mut records: Vec<&RecordSet> = zone.records_named(name).collect();
        if records.is_empty() && !zone.has_name_or_below(name) {
            if let Some(w) = wildcard_for(zone, name) {
                records = zone.records_named(&w).collect();
                owner = w;
            }
        }
        if records.is_empty() {
            let code = if zone.has_name_or_below(name) {
                Code::DnsNoRecordOfType
            } else {
                Code::DnsNameNotFound
            };
            let what = if code == Code::DnsNameNotFound {
                format!("NXDOMAIN: {} has no record `{name}`", self.zone_label(z))
            } else {
                format!(
                    "NODATA: {} has names under `{name}` but no record for it",
                    self.zone_label(z)
                )
            };
            let tail = if zone.kind == ZoneKind::Private {
                "; a private zone does not fall back to public DNS"
            } else {
                ""
            };
            return Err(self.fail(comp, name, code, format!("{what}{tail}")));
        }
        let via = if owner == name {
            String::new()
        } else {
            format!(" (wildcard {owner})")
        };
        if let Some(cname) = records.iter().find(|r| r.rtype == RecordType::Cname) {
            let target = cname.values[0].clone();
            self.step(comp, name, format!("CNAME {target}{via}"));
            return Ok(Found::Follow(vec![target]));
        }
        let wanted: Vec<&RecordSet> = records
            .iter()
            .copied()
            .filter(|r| r.rtype == self.rtype)
            .collect();
        if wanted.is_empty() {
            let have: Vec<&str> = records.iter().map(|r| r.rtype.as_str()).collect();
            return Err(self.fail(
                comp,
                name,
                Code::DnsNoRecordOfType,
                format!(
                    "NODATA: `{name}` has {} but no {} record{via}",
                    have.join(", "),
                    self.rtype.as_str()
                ),
            ));
        }
        let all_zero = wanted
            .iter()
            .all(|r| matches!(r.routing, Routing::Weighted { weight: 0 }));
        let mut follow = Vec::new();
        for r in wanted {
            let policy = routing_text(r);
            if matches!(r.routing, Routing::Weighted { weight: 0 }) && !all_zero {
                self.step(
                    comp.clone(),
                    name,
                    format!("{policy}: weight 0, never answered while another set has weight"),
                );
                continue;
            }
            if let Some(alias) = &r.alias {
                self.step(
                    comp.clone(),
                    name,
                    format!(
                        "{} alias to {}{policy}{via}",
                        r.rtype.as_str(),
                        alias.target
                    ),
                );
                follow.push(alias.target.clone());
                continue;
            }
            let addrs: Vec<IpAddr> = r.addresses().collect();
            let list: Vec<String> = addrs.iter().map(IpAddr::to_string).collect();
            let ttl = r.ttl.map(|t| format!(", TTL {t}")).unwrap_or_default();
            self.step(
                comp.clone(),
                name,
                format!("{} {}{policy}{via}{ttl}", r.rtype.as_str(), list.join(", ")),
            );
            for a in addrs {
                self.add_answer(a);
            }
        }
        if follow.is_empty() {
            Ok(Found::Done)
        } else {
            Ok(Found::Follow(follow))
        }
    }

    /// The private DNS an interface endpoint gives its VPC: the service's regional name
    /// answers with the endpoint's interfaces; any other name under it is NXDOMAIN.
    fn answer_from_endpoint(
        &mut self,
        e: vpcnet_model::VpcEndpointIdx,
        name: &str,
        domain: &str,
    ) -> Step<Found> {
        let net = self.net;
        let ep = net.vpc_endpoint(e);
        let comp = Component::Resource(AnyIdx::VpcEndpoint(e));
        if name != domain {
            return Err(self.fail(
                comp,
                name,
                Code::DnsNameNotFound,
                format!(
                    "NXDOMAIN: the private DNS of interface endpoint {} answers only {domain}",
                    ep.meta.label()
                ),
            ));
        }
        self.endpoint_addresses(e, name, "private DNS of interface endpoint")
    }

    /// `vpce-…​.SERVICE.REGION.vpce.amazonaws.com`: an endpoint's own DNS names, which
    /// public DNS answers with its interfaces' private addresses, from anywhere.
    fn endpoint_dns_name(&mut self, name: &str) -> Option<Step<Found>> {
        let net = self.net;
        if let Some(found) = self.lb_dns_name(name) {
            return Some(found);
        }
        if !name.ends_with(".vpce.amazonaws.com") {
            return None;
        }
        let label = name.split('.').next()?;
        let e = net.vpc_endpoint_ids().find(|e| {
            let id = &net.vpc_endpoint(*e).meta.id;
            label.len() > id.len()
                && label.starts_with(id.as_str())
                && label.as_bytes()[id.len()] == b'-'
        })?;
        Some(self.endpoint_addresses(e, name, "DNS name of interface endpoint"))
    }

    /// A load balancer's DNS name (also with `dualstack.`): an internal one answers
    /// its interfaces' private addresses, an internet-facing one their public ones.
    fn lb_dns_name(&mut self, name: &str) -> Option<Step<Found>> {
        let net = self.net;
        let bare = name.strip_prefix("dualstack.").unwrap_or(name);
        let lb = net.lb_ids().find(|l| {
            net.load_balancer(*l)
                .dns_name
                .as_deref()
                .and_then(|d| dns_name(d).ok())
                .is_some_and(|d| d == bare)
        })?;
        let l = net.load_balancer(lb);
        let addrs: Vec<Ipv4Addr> = l
            .enis
            .iter()
            .map(|e| {
                let eni = net.interface(*e);
                match (l.internal, eni.private_ips[0].public) {
                    (false, Some(p)) => p,
                    _ => eni.primary_ip(),
                }
            })
            .collect();
        let scheme = if l.internal {
            "internal"
        } else {
            "internet-facing"
        };
        Some(self.addresses_answer(
            Component::Resource(AnyIdx::LoadBalancer(lb)),
            name,
            &format!("load balancer {}", l.meta.label()),
            &format!("DNS name of {scheme} load balancer {}", l.meta.label()),
            addrs,
        ))
    }

    fn endpoint_addresses(
        &mut self,
        e: vpcnet_model::VpcEndpointIdx,
        name: &str,
        what: &str,
    ) -> Step<Found> {
        let net = self.net;
        let ep = net.vpc_endpoint(e);
        let addrs: Vec<Ipv4Addr> = ep
            .enis
            .iter()
            .map(|x| net.interface(*x).primary_ip())
            .collect();
        self.addresses_answer(
            Component::Resource(AnyIdx::VpcEndpoint(e)),
            name,
            &format!("the {what} {}", ep.meta.label()),
            &format!("{what} {} ({})", ep.meta.label(), ep.service_name),
            addrs,
        )
    }

    /// An A answer AWS makes itself (a load balancer's or an endpoint's addresses):
    /// NODATA for another type or when there is no address.
    fn addresses_answer(
        &mut self,
        comp: Component,
        name: &str,
        who: &str,
        said: &str,
        addrs: Vec<Ipv4Addr>,
    ) -> Step<Found> {
        if self.rtype != RecordType::A || addrs.is_empty() {
            let msg = format!("NODATA: {who} has no {} answer", self.rtype.as_str());
            return Err(self.fail(comp, name, Code::DnsNoRecordOfType, msg));
        }
        let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        self.step(comp, name, format!("{said}: A {}", list.join(", ")));
        for a in addrs {
            self.add_answer(IpAddr::V4(a));
        }
        Ok(Found::Done)
    }

    /// EC2's own names: `ip-10-0-1-5.ec2.internal`, `ip-….REGION.compute.internal`,
    /// `ec2-203-0-113-5.compute-1.amazonaws.com`, `ec2-….REGION.compute.amazonaws.com`.
    fn aws_names(&mut self, vpc: VpcIdx, name: &str) -> Step<Option<Found>> {
        let net = self.net;
        let region = net.vpc(vpc).region.clone();
        if let Some((ip, name_region)) = ec2_private_name(name) {
            let comp = Component::Resource(AnyIdx::Vpc(vpc));
            if name_region != region {
                return Err(self.fail(
                    comp,
                    name,
                    Code::DnsNameNotFound,
                    format!(
                        "an EC2 private DNS name of region {name_region}; the resolver of a VPC in {region} does not answer it"
                    ),
                ));
            }
            let owner = net.eni_by_private_ip(vpc, ip).or_else(|| {
                net.enis_with_private_ip(ip)
                    .into_iter()
                    .find(|e| net.vpc(net.vpc_of_eni(*e)).region == region)
            });
            return match owner {
                Some(e) => {
                    self.step(
                        Component::Resource(AnyIdx::Interface(e)),
                        name,
                        format!("EC2 private DNS name of {}: A {ip}", owner_label(net, e)),
                    );
                    if self.rtype == RecordType::A {
                        self.add_answer(IpAddr::V4(ip));
                        Ok(Some(Found::Done))
                    } else {
                        Err(self.fail(
                            comp,
                            name,
                            Code::DnsNoRecordOfType,
                            "NODATA: an EC2 private DNS name has only an A record".to_owned(),
                        ))
                    }
                }
                None => Err(self.fail(
                    comp,
                    name,
                    Code::DnsNameNotFound,
                    format!("NXDOMAIN: no interface in {region} has address {ip}"),
                )),
            };
        }
        if let Some((public, name_region)) = ec2_public_name(name) {
            let Some((eni, private)) = net.eni_by_public_ip(public) else {
                return Ok(None);
            };
            let owner_vpc = net.vpc_of_eni(eni);
            if net.vpc(owner_vpc).region != name_region || !net.vpc(owner_vpc).dns_hostnames {
                return Ok(None);
            }
            let comp = Component::Resource(AnyIdx::Interface(eni));
            let label = owner_label(net, eni);
            let (answer, why) = if owner_vpc == vpc {
                (
                    private,
                    "asked from its own VPC: the private address".to_owned(),
                )
            } else {
                match peering_lets_resolve(net, vpc, owner_vpc) {
                    Some((p, true)) => (
                        private,
                        format!(
                            "asked over peering {} whose DNS resolution option lets this VPC resolve it: the private address",
                            net.peering(p).meta.label()
                        ),
                    ),
                    Some((p, false)) => (
                        public,
                        format!(
                            "asked over peering {}, whose DNS resolution option for {} is off: the public address",
                            net.peering(p).meta.label(),
                            net.vpc(owner_vpc).meta.label()
                        ),
                    ),
                    None => (public, "asked from another network: the public address".to_owned()),
                }
            };
            self.step(
                comp,
                name,
                format!("EC2 public DNS name of {label}, {why}: A {answer}"),
            );
            if self.rtype == RecordType::A {
                self.add_answer(IpAddr::V4(answer));
                return Ok(Some(Found::Done));
            }
            let me = Component::Resource(AnyIdx::Vpc(vpc));
            return Err(self.fail(
                me,
                name,
                Code::DnsNoRecordOfType,
                "NODATA: an EC2 public DNS name has only an A record".to_owned(),
            ));
        }
        Ok(None)
    }
}

/// How people know an interface: by its instance when it has one.
fn owner_label(net: &Network, eni: vpcnet_model::EniIdx) -> String {
    match net.interface(eni).owner {
        vpcnet_model::InterfaceOwner::Instance(i) => net.instance(i).meta.label(),
        _ => net.interface(eni).meta.label(),
    }
}

/// The VPC resolver's address: the primary CIDR's base plus two.
pub fn resolver_ip(net: &Network, vpc: VpcIdx) -> Ipv4Addr {
    let base = u32::from(net.vpc(vpc).cidrs[0].network());
    Ipv4Addr::from(base.wrapping_add(2))
}

fn routing_text(r: &RecordSet) -> String {
    let set = r
        .set_id
        .as_ref()
        .map(|s| format!(" `{s}`"))
        .unwrap_or_default();
    match &r.routing {
        Routing::Simple => String::new(),
        Routing::Weighted { weight } => format!(" (weighted set{set}, weight {weight})"),
        Routing::Latency { region } => format!(" (latency set{set}, {region})"),
        Routing::Failover { primary } => format!(
            " (failover set{set}, {})",
            if *primary { "primary" } else { "secondary" }
        ),
        Routing::Other { policy } => format!(" ({policy} set{set})"),
    }
}

/// The wildcard owner that answers `name` in `zone`: `*.` + the closest existing
/// ancestor, when that wildcard has records.
fn wildcard_for(zone: &HostedZone, name: &str) -> Option<String> {
    let mut rest = name;
    while let Some((_, parent)) = rest.split_once('.') {
        if !is_within(parent, &zone.zone_name) {
            return None;
        }
        let w = format!("*.{parent}");
        if zone.records_named(&w).next().is_some() {
            return Some(w);
        }
        if zone.has_name_or_below(parent) && parent != zone.zone_name {
            // The closest encloser exists and has no wildcard.
            return None;
        }
        rest = parent;
    }
    None
}

/// `ip-10-0-1-5.ec2.internal` (us-east-1) or `ip-10-0-1-5.eu-west-1.compute.internal`.
fn ec2_private_name(name: &str) -> Option<(Ipv4Addr, String)> {
    let (host, domain) = name.split_once('.')?;
    let ip = dashed_ip(host.strip_prefix("ip-")?)?;
    let region = if domain == "ec2.internal" {
        "us-east-1".to_owned()
    } else {
        domain.strip_suffix(".compute.internal")?.to_owned()
    };
    Some((ip, region))
}

/// `ec2-203-0-113-5.compute-1.amazonaws.com` (us-east-1) or
/// `ec2-203-0-113-5.eu-west-1.compute.amazonaws.com`.
fn ec2_public_name(name: &str) -> Option<(Ipv4Addr, String)> {
    let (host, domain) = name.split_once('.')?;
    let ip = dashed_ip(host.strip_prefix("ec2-")?)?;
    let region = if domain == "compute-1.amazonaws.com" {
        "us-east-1".to_owned()
    } else {
        domain.strip_suffix(".compute.amazonaws.com")?.to_owned()
    };
    Some((ip, region))
}

fn dashed_ip(text: &str) -> Option<Ipv4Addr> {
    text.replace('-', ".").parse().ok()
}

/// The active peering between `asker` and `owner`, and whether its DNS resolution
/// option lets `asker` resolve `owner`'s public DNS names to private addresses.
fn peering_lets_resolve(
    net: &Network,
    asker: VpcIdx,
    owner: VpcIdx,
) -> Option<(vpcnet_model::PeeringIdx, bool)> {
    net.peerings_of(asker).iter().copied().find_map(|p| {
        let pc = net.peering(p);
        if pc.status != PeeringStatus::Active || pc.other_side(asker) != Some(owner) {
            return None;
        }
        // The option sits on the side that owns the instance: it allows the remote VPC
        // to resolve that side's names.
        let allowed = if pc.requester == owner {
            pc.requester_dns_resolution
        } else {
            pc.accepter_dns_resolution
        };
        Some((p, allowed))
    })
}

/// MagicDNS, as a mesh node's Tailscale client (100.100.100.100) answers: a node's
/// MagicDNS name, or its host name under the tailnet's, gives its mesh address. `None`
/// when the name is not a node's (the question then goes to the VPC's resolver).
pub fn resolve_magic_dns(net: &Network, name: &str) -> Option<Resolution> {
    let tailnet = net.tailnet()?;
    let wanted = dns_name(name).ok()?;
    let suffix = dns_name(&tailnet.name).ok();
    let n = net.tailnet_node_ids().find(|n| {
        let node = net.tailnet_node(*n);
        let fqdn = node.fqdn.as_deref().and_then(|f| dns_name(f).ok());
        let short = node
            .meta
            .name
            .as_deref()
            .zip(suffix.as_deref())
            .and_then(|(h, s)| dns_name(&format!("{h}.{s}")).ok());
        fqdn.as_deref() == Some(wanted.as_str()) || short.as_deref() == Some(wanted.as_str())
    })?;
    let node = net.tailnet_node(n);
    let addr = *node.addrs.first()?;
    Some(Resolution {
        name: wanted.clone(),
        rtype: RecordType::A,
        vpc: None,
        steps: vec![DnsStep {
            component: Component::Resource(AnyIdx::TailnetNode(n)),
            name: wanted,
            detail: format!(
                "MagicDNS (100.100.100.100) answers for node {}: A {addr}",
                node.meta.label()
            ),
        }],
        answers: vec![IpAddr::V4(addr)],
        failure: None,
    })
}
