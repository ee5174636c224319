//! Names: Route 53 hosted zones with their records and VPC associations, and Route 53
//! Resolver rules.
//!
//! Names are held the way resolution compares them: lower case, without the trailing
//! dot, with Route 53's octal escapes (`\052` for `*`) decoded. [`dns_name`] makes that
//! form and refuses what is not a DNS name.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use crate::diag::Location;
use crate::net::{Meta, VpcIdx};

/// Who may ask a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ZoneKind {
    /// A Route 53 private hosted zone: answers only queries from the VPCs associated
    /// with it, and answers NXDOMAIN for names it lacks.
    Private,
    /// Public DNS (a Route 53 public hosted zone, or records the input declares for a
    /// public domain).
    Public,
    /// DNS servers outside AWS (on premises), reached through Resolver forwarding
    /// rules.
    External,
}

impl ZoneKind {
    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Private => "private",
            ZoneKind::Public => "public",
            ZoneKind::External => "external",
        }
    }
}

/// A record type. Types the engine does not follow are kept by name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordType {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Canonical name.
    Cname,
    /// Any other type (`TXT`, `MX`, `NS`, `SOA`, …), upper case.
    Other(String),
}

impl RecordType {
    /// Parses `A`, `aaaa`, `CNAME`, … (any other word is kept as an opaque type).
    pub fn parse(text: &str) -> RecordType {
        match text.to_ascii_uppercase().as_str() {
            "A" => RecordType::A,
            "AAAA" => RecordType::Aaaa,
            "CNAME" => RecordType::Cname,
            other => RecordType::Other(other.to_owned()),
        }
    }

    /// Upper-case name, as DNS writes it.
    pub fn as_str(&self) -> &str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Other(s) => s,
        }
    }
}

/// How Route 53 chooses among records of one name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Routing {
    /// One record set, every value returned.
    Simple,
    /// Weighted: chosen in proportion to `weight`.
    Weighted {
        /// The weight (0 to 255).
        weight: u32,
    },
    /// Latency-based: chosen by the caller's region.
    Latency {
        /// The region the record serves.
        region: String,
    },
    /// Failover: the primary while healthy, else the secondary.
    Failover {
        /// `true` for `PRIMARY`.
        primary: bool,
    },
    /// Geolocation, geoproximity, multivalue, IP-based: chosen per caller; every one
    /// is a possible answer.
    Other {
        /// The policy, as Route 53 names it (`geolocation`, `multivalue`, …).
        policy: String,
    },
}

/// An alias record's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The target's DNS name (a load balancer, an endpoint, another record).
    pub target: String,
    /// Route 53 "evaluate target health".
    pub evaluate_health: bool,
}

/// One record set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSet {
    /// The owner name, absolute, in [`dns_name`] form (may start with `*.`).
    pub name: String,
    /// The type.
    pub rtype: RecordType,
    /// The values as written (addresses for A/AAAA, one name for CNAME).
    pub values: Vec<String>,
    /// Alias target, instead of values.
    pub alias: Option<Alias>,
    /// Routing policy; `set_id` names one of several record sets of one name and type.
    pub routing: Routing,
    /// The set identifier of a non-simple record.
    pub set_id: Option<String>,
    /// Time to live, seconds.
    pub ttl: Option<u32>,
    /// Where it was declared.
    pub origin: Option<Location>,
}

impl RecordSet {
    /// The addresses of an A or AAAA record (values that do not parse are skipped;
    /// the builder refuses records with such values).
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.values.iter().filter_map(|v| v.parse().ok())
    }
}

/// A hosted zone, private, public or outside AWS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedZone {
    /// Identity: the zone id (`Z0123…`) or a made-up one.
    pub meta: Meta,
    /// The domain, in [`dns_name`] form.
    pub zone_name: String,
    /// Private, public or external.
    pub kind: ZoneKind,
    /// Owning account, when known.
    pub account: Option<String>,
    /// Associated VPCs that are in the network (private zones).
    pub vpcs: Vec<VpcIdx>,
    /// Associated VPCs the input does not describe, by id (and region when known).
    pub foreign_vpcs: Vec<String>,
    /// The record sets, in input order.
    pub records: Vec<RecordSet>,
    /// Record positions by owner name (kept in step by the builder).
    pub(crate) by_name: HashMap<String, Vec<u32>>,
}

impl HostedZone {
    /// A zone with no records and no associations.
    pub fn new(meta: Meta, zone_name: String, kind: ZoneKind) -> HostedZone {
        HostedZone {
            meta,
            zone_name,
            kind,
            account: None,
            vpcs: Vec::new(),
            foreign_vpcs: Vec::new(),
            records: Vec::new(),
            by_name: HashMap::default(),
        }
    }

    /// Whether `name` (in [`dns_name`] form) is the zone's domain or under it.
    pub fn covers(&self, name: &str) -> bool {
        is_within(name, &self.zone_name)
    }

    /// The record sets whose owner is exactly `name`.
    pub fn records_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a RecordSet> + 'a {
        self.by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|i| &self.records[*i as usize])
    }

    /// Whether any record set is owned by `name` or by a name under it (an "empty
    /// non-terminal" exists when only names under it do).
    pub fn has_name_or_below(&self, name: &str) -> bool {
        self.by_name.contains_key(name) || self.by_name.keys().any(|k| is_within(k, name))
    }
}

/// What a Resolver rule does with the names it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResolverRuleKind {
    /// Sends the query to the rule's target resolvers.
    Forward,
    /// Resolves it with Route 53 Resolver itself (overrides a broader forwarding rule).
    System,
}

impl ResolverRuleKind {
    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            ResolverRuleKind::Forward => "forward",
            ResolverRuleKind::System => "system",
        }
    }
}

/// A Route 53 Resolver rule associated with VPCs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolverRule {
    /// Identity (`rslvr-rr-…`).
    pub meta: Meta,
    /// The domain it matches (and everything under it), in [`dns_name`] form.
    pub domain: String,
    /// Forward or system.
    pub kind: ResolverRuleKind,
    /// Target resolvers (address, port) of a forwarding rule.
    pub targets: Vec<(IpAddr, u16)>,
    /// The VPCs whose queries it applies to.
    pub vpcs: Vec<VpcIdx>,
}

/// `name` in the form resolution compares: lower case, no trailing dot, octal escapes
/// decoded. `Err` says why it is not a DNS name.
pub fn dns_name(text: &str) -> Result<String, String> {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = (0..3)
                .filter_map(|_| chars.next_if(char::is_ascii_digit))
                .collect();
            // Route 53 writes other characters as `\` and three octal digits.
            match u8::from_str_radix(&digits, 8) {
                Ok(code) if digits.len() == 3 => out.push(char::from(code)),
                _ => match chars.next() {
                    Some(next) if digits.is_empty() => out.push(next),
                    _ => return Err(format!("`{text}` has a bad escape")),
                },
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    if out.ends_with('.') {
        out.pop();
    }
    if out.is_empty() {
        return Err("the name is empty".to_owned());
    }
    if out.len() > 253 {
        return Err(format!("`{text}` is longer than 253 characters"));
    }
    for (i, label) in out.split('.').enumerate() {
        if label.is_empty() {
            return Err(format!("`{text}` has an empty label"));
        }
        if label.len() > 63 {
            return Err(format!("`{text}` has a label longer than 63 characters"));
        }
        if label == "*" && i == 0 {
            continue;
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("`{text}` has the character `{bad}`"));
        }
    }
    Ok(out)
}

/// Whether `name` is `domain` or a name under it (both in [`dns_name`] form).
pub fn is_within(name: &str, domain: &str) -> bool {
    name == domain
        || (name.len() > domain.len()
            && name.ends_with(domain)
            && name.as_bytes()[name.len() - domain.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_in_one_form() {
        assert_eq!(
            dns_name("SonarQube.Shared.Example.Internal.").unwrap(),
            "sonarqube.shared.example.internal"
        );
        assert_eq!(dns_name("\\052.example.com.").unwrap(), "*.example.com");
        assert!(dns_name("a..b").is_err());
        assert!(dns_name("").is_err());
        assert!(dns_name("bad name.com").is_err());
        assert!(dns_name("a.*.com").is_err());
        assert!(dns_name(&"a".repeat(64)).is_err());
        assert!(dns_name("a\\").is_err());
    }

    #[test]
    fn within_means_equal_or_below_a_label_boundary() {
        assert!(is_within("a.example.com", "example.com"));
        assert!(is_within("example.com", "example.com"));
        assert!(!is_within("badexample.com", "example.com"));
        assert!(!is_within("com", "example.com"));
    }
}
