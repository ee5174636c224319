//! The policy file's vocabulary: selectors (`tag:web`, `group:eng`, `autogroup:member`,
//! `10.0.0.0/16`, …), port lists (`22`, `80,443`, `1000-2000`, `*`) and protocols
//! (`tcp`, `17`, …), parsed into values. Which selector may appear where is checked by
//! the policy reader, not here.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use vpcnet_model::PortRange;

/// A role-based autogroup (`autogroup:admin`, …): the devices of users with that role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `autogroup:owner`.
    Owner,
    /// `autogroup:admin`.
    Admin,
    /// `autogroup:network-admin`.
    NetworkAdmin,
    /// `autogroup:it-admin`.
    ItAdmin,
    /// `autogroup:billing-admin`.
    BillingAdmin,
    /// `autogroup:auditor`.
    Auditor,
    /// A plain member (the users API's `member` role; no autogroup of its own).
    Member,
}

impl Role {
    /// The role as the users API and the autogroup write it (`network-admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::NetworkAdmin => "network-admin",
            Role::ItAdmin => "it-admin",
            Role::BillingAdmin => "billing-admin",
            Role::Auditor => "auditor",
            Role::Member => "member",
        }
    }

    /// Parses a role name as the users API writes it.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s.to_ascii_lowercase().as_str() {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            "network-admin" => Role::NetworkAdmin,
            "it-admin" => Role::ItAdmin,
            "billing-admin" => Role::BillingAdmin,
            "auditor" => Role::Auditor,
            "member" => Role::Member,
            _ => return None,
        })
    }
}

/// A built-in group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Autogroup {
    /// `autogroup:member` (and the legacy `autogroup:members`): user-owned devices of
    /// direct members of the tailnet, not shared users.
    Member,
    /// `autogroup:tagged`: devices with at least one tag.
    Tagged,
    /// `autogroup:self` (destinations only): the source user's own untagged devices.
    SelfDevices,
    /// `autogroup:internet` (destinations only): public addresses, through exit nodes.
    Internet,
    /// `autogroup:shared` (sources only): devices of users who accepted a share.
    Shared,
    /// `autogroup:danger-all` (sources only): every address, inside the tailnet or not.
    DangerAll,
    /// `autogroup:<role>`: devices of users with that role.
    Role(Role),
}

impl fmt::Display for Autogroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Autogroup::Member => "member",
            Autogroup::Tagged => "tagged",
            Autogroup::SelfDevices => "self",
            Autogroup::Internet => "internet",
            Autogroup::Shared => "shared",
            Autogroup::DangerAll => "danger-all",
            Autogroup::Role(r) => r.as_str(),
        };
        write!(f, "autogroup:{name}")
    }
}

/// One element of a `src`, `dst`, `tagOwners`, `autoApprovers` or test list, resolved
/// against the policy's own definitions (hosts are replaced by their address).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `*`: every Tailscale address and every address of an approved subnet route.
    Any,
    /// A user's login: `alice@example.com`, `alice@github`.
    User(String),
    /// `user:*@example.com`: members whose login is in the domain (the domain is kept).
    UserDomain(String),
    /// `group:eng` (the name keeps its prefix).
    Group(String),
    /// `tag:web` (the name keeps its prefix).
    Tag(String),
    /// An alias of the `hosts` section and what it stands for.
    Host(String, IpNet),
    /// An IP address (a /32 or /128) or a CIDR.
    Prefix(IpNet),
    /// `ipset:prod` (the name keeps its prefix).
    IpSet(String),
    /// `svc:web` (a Tailscale Service; its addresses are not in the inputs).
    Service(String),
    /// A built-in group.
    Autogroup(Autogroup),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Any => f.write_str("*"),
            Selector::User(u) => f.write_str(u),
            Selector::UserDomain(d) => write!(f, "user:*@{d}"),
            Selector::Group(n) | Selector::Tag(n) | Selector::IpSet(n) | Selector::Service(n) => {
                f.write_str(n)
            }
            Selector::Host(n, _) => f.write_str(n),
            Selector::Prefix(p) => {
                if p.prefix_len() == p.max_prefix_len() {
                    write!(f, "{}", p.addr())
                } else {
                    write!(f, "{p}")
                }
            }
            Selector::Autogroup(a) => write!(f, "{a}"),
        }
    }
}

/// A selector as written, before names are looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Raw {
    Any,
    User(String),
    UserDomain(String),
    Group(String),
    Tag(String),
    /// A name to find in `hosts` (from `name` or `host:name`).
    HostName(String),
    Prefix(IpNet),
    IpSet(String),
    Service(String),
    Autogroup(Autogroup),
}

/// Reads one selector as written; `Err` says what is wrong with it.
pub(crate) fn parse_raw(s: &str) -> Result<Raw, String> {
    if s.is_empty() {
        return Err("an empty selector".to_owned());
    }
    if s.trim() != s {
        return Err(format!("`{s}` has spaces around it"));
    }
    if s == "*" {
        return Ok(Raw::Any);
    }
    if let Some(name) = s.strip_prefix("autogroup:") {
        let a = match name {
            "member" | "members" => Autogroup::Member,
            "tagged" => Autogroup::Tagged,
            "self" => Autogroup::SelfDevices,
            "internet" => Autogroup::Internet,
            "shared" => Autogroup::Shared,
            "danger-all" => Autogroup::DangerAll,
            "owner" => Autogroup::Role(Role::Owner),
            "admin" => Autogroup::Role(Role::Admin),
            "network-admin" => Autogroup::Role(Role::NetworkAdmin),
            "it-admin" => Autogroup::Role(Role::ItAdmin),
            "billing-admin" => Autogroup::Role(Role::BillingAdmin),
            "auditor" => Autogroup::Role(Role::Auditor),
            "nonroot" => {
                return Err(
                    "`autogroup:nonroot` names SSH users; it cannot select devices".to_owned(),
                )
            }
            _ => return Err(format!("`{s}` is not an autogroup")),
        };
        return Ok(Raw::Autogroup(a));
    }
    for (prefix, make) in [
        ("group:", Raw::Group as fn(String) -> Raw),
        ("tag:", Raw::Tag),
        ("ipset:", Raw::IpSet),
        ("svc:", Raw::Service),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.is_empty() || rest.contains(char::is_whitespace) {
                return Err(format!("`{s}` needs a name after `{prefix}`"));
            }
            if rest.contains(':') {
                return Err(format!(
                    "`{s}` is not a name: `:` cannot follow `{prefix}<name>`"
                ));
            }
            return Ok(make(s.to_owned()));
        }
    }
    if let Some(rest) = s.strip_prefix("user:") {
        return match rest.strip_prefix("*@") {
            Some(domain) if !domain.is_empty() && !domain.contains(['@', '*']) => {
                Ok(Raw::UserDomain(domain.to_ascii_lowercase()))
            }
            _ => Err(format!(
                "`{s}`: the only `user:` selector is `user:*@<domain>`"
            )),
        };
    }
    if let Some(name) = s.strip_prefix("host:") {
        if name.is_empty() {
            return Err(format!("`{s}` needs a name after `host:`"));
        }
        return Ok(Raw::HostName(name.to_owned()));
    }
    if s.contains('@') {
        if s.starts_with('@') || s.contains(char::is_whitespace) || s.contains('*') {
            return Err(format!("`{s}` is not a user login"));
        }
        return Ok(Raw::User(s.to_owned()));
    }
    if let Some(net) = parse_prefix(s)? {
        return Ok(Raw::Prefix(net));
    }
    if s.contains(['*', ':', ',', '/']) || s.contains(char::is_whitespace) {
        return Err(format!("`{s}` is not a selector"));
    }
    Ok(Raw::HostName(s.to_owned()))
}

/// An IP address (as a /32 or /128) or a CIDR; `Ok(None)` when `s` does not look like
/// an address at all, `Err` when it looks like one but is not.
pub(crate) fn parse_prefix(s: &str) -> Result<Option<IpNet>, String> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(Some(IpNet::from(ip)));
    }
    let looks_like_address = s.contains('/')
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':' | '/'));
    if !looks_like_address {
        return Ok(None);
    }
    match s.parse::<IpNet>() {
        Ok(net) => Ok(Some(net.trunc())),
        Err(_) => Err(format!("`{s}` is not an IP address or CIDR")),
    }
}

/// A set of ports: inclusive ranges, in the order written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ports(pub Vec<PortRange>);

impl Ports {
    /// Every port (`*`).
    pub fn all() -> Ports {
        Ports(vec![PortRange { from: 0, to: 65535 }])
    }

    /// Whether `port` is in the set.
    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|r| r.from <= port && port <= r.to)
    }

    /// Whether the set is every port.
    pub fn is_all(&self) -> bool {
        self.0.iter().any(|r| r.from == 0 && r.to == 65535)
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("*");
        }
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if r.from == r.to {
                write!(f, "{}", r.from)?;
            } else {
                write!(f, "{}-{}", r.from, r.to)?;
            }
        }
        Ok(())
    }
}

/// Parses `*`, `22`, `80,443`, `1000-2000` or a comma-separated mix.
pub(crate) fn parse_ports(s: &str) -> Result<Ports, String> {
    if s == "*" {
        return Ok(Ports::all());
    }
    if s.is_empty() {
        return Err("no port after `:`".to_owned());
    }
    let mut out = Vec::new();
    for item in s.split(',') {
        let one = |t: &str| -> Result<u16, String> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("`{t}` is not a port number"));
            }
            t.parse::<u16>()
                .map_err(|_| format!("`{t}` is not a port (0-65535)"))
        };
        let range = match item.split_once('-') {
            Some((a, b)) => {
                let (from, to) = (one(a)?, one(b)?);
                if from > to {
                    return Err(format!("the port range `{item}` ends before it starts"));
                }
                PortRange { from, to }
            }
            None if item == "*" => return Err(format!("`*` cannot be part of the list `{s}`")),
            None => {
                let p = one(item)?;
                PortRange { from: p, to: p }
            }
        };
        out.push(range);
    }
    Ok(Ports(out))
}

/// The protocols a rule covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Protos {
    /// No protocol given: TCP and UDP (and ICMP, which Tailscale allows between any
    /// pair of addresses some rule connects).
    Default,
    /// Named protocols (IANA numbers; `icmp` stands for ICMP and ICMPv6).
    Listed(Vec<u8>),
}

impl Protos {
    /// Whether the set holds protocol `p`.
    pub fn contains(&self, p: u8) -> bool {
        match self {
            Protos::Default => matches!(p, TCP | UDP | ICMP | ICMPV6),
            Protos::Listed(l) => l.contains(&p),
        }
    }
}

impl fmt::Display for Protos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protos::Default => f.write_str("tcp/udp"),
            Protos::Listed(l) => {
                if l == &[ICMP, ICMPV6] {
                    return f.write_str("icmp");
                }
                for (i, p) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str("/")?;
                    }
                    f.write_str(&proto_label(*p))?;
                }
                Ok(())
            }
        }
    }
}

/// IANA numbers used below.
pub(crate) const ICMP: u8 = 1;
pub(crate) const TCP: u8 = 6;
pub(crate) const UDP: u8 = 17;
pub(crate) const ICMPV6: u8 = 58;
pub(crate) const SCTP: u8 = 132;

/// A protocol for people: its name when the policy file has one, else its number.
pub fn proto_label(p: u8) -> String {
    match p {
        2 => "igmp".to_owned(),
        4 => "ipv4".to_owned(),
        ICMP => "icmp".to_owned(),
        TCP => "tcp".to_owned(),
        8 => "egp".to_owned(),
        9 => "igp".to_owned(),
        UDP => "udp".to_owned(),
        47 => "gre".to_owned(),
        50 => "esp".to_owned(),
        51 => "ah".to_owned(),
        ICMPV6 => "icmpv6".to_owned(),
        SCTP => "sctp".to_owned(),
        n => n.to_string(),
    }
}

/// Whether packets of protocol `p` carry ports the policy can select: only TCP, UDP
/// and SCTP.
pub(crate) fn has_ports(p: u8) -> bool {
    matches!(p, TCP | UDP | SCTP)
}

/// Parses a protocol as the policy file names it: an IANA number `1`-`255` or one of
/// `igmp`, `ipv4`/`ip-in-ip`, `tcp`, `egp`, `igp`, `udp`, `gre`, `esp`, `ah`, `sctp`,
/// and `icmp` (ICMP and ICMPv6).
pub(crate) fn parse_proto(s: &str) -> Result<Vec<u8>, String> {
    let lower = s.to_ascii_lowercase();
    let n = match lower.as_str() {
        "igmp" => 2,
        "ipv4" | "ip-in-ip" => 4,
        "tcp" => TCP,
        "egp" => 8,
        "igp" => 9,
        "udp" => UDP,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "sctp" => SCTP,
        "icmp" => return Ok(vec![ICMP, ICMPV6]),
        other => match other.parse::<u16>() {
            Ok(n @ 1..=255) => n as u8,
            _ => {
                return Err(format!(
                    "`{s}` is not a protocol (an IANA number 1-255 or a name such as `tcp`, `udp`, `icmp`, `sctp`)"
                ))
            }
        },
    };
    Ok(vec![n])
}

/// What one `ip` element of a grant (or one ACL destination's ports with the rule's
/// `proto`) allows: protocols and ports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cap {
    /// The protocols.
    pub protos: Protos,
    /// The destination ports (meaningful for TCP, UDP and SCTP only).
    pub ports: Ports,
}

impl Cap {
    /// Whether a packet of protocol `proto` to `port` is covered by this capability
    /// itself. Protocols without ports ignore the port. (Tailscale also lets ICMP
    /// through between any pair of addresses some rule connects; the evaluation adds
    /// that, not this.)
    pub fn covers(&self, proto: u8, port: u16) -> bool {
        self.protos.contains(proto) && (!has_ports(proto) || self.ports.contains(port))
    }
}

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.protos, self.ports)
    }
}

/// Parses one `ip` element of a grant: `*`, `443`, `80-443`, `tcp:443`, `icmp:*`, ….
pub(crate) fn parse_grant_ip(s: &str) -> Result<Cap, String> {
    if s == "*" {
        return Ok(Cap {
            protos: Protos::Default,
            ports: Ports::all(),
        });
    }
    match s.split_once(':') {
        Some((proto, ports)) => {
            let protos = parse_proto(proto)?;
            let ports = parse_ports(ports)?;
            check_ports_for(&protos, &ports, s)?;
            Ok(Cap {
                protos: Protos::Listed(protos),
                ports,
            })
        }
        None => Ok(Cap {
            protos: Protos::Default,
            ports: parse_ports(s)?,
        }),
    }
}

/// Only TCP, UDP and SCTP take ports; every other protocol only `*`.
pub(crate) fn check_ports_for(protos: &[u8], ports: &Ports, written: &str) -> Result<(), String> {
    if ports.is_all() {
        return Ok(());
    }
    match protos.iter().find(|p| !has_ports(**p)) {
        Some(p) => Err(format!(
            "`{written}`: protocol `{}` has no ports; only `*` may follow it",
            proto_label(*p)
        )),
        None => Ok(()),
    }
}

/// Splits an ACL destination `host:ports` (or `[v6]:ports`) at its last colon.
pub(crate) fn split_host_ports(s: &str) -> Result<(&str, &str), String> {
    if let Some(rest) = s.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(format!("`{s}` opens `[` without closing it"));
        };
        let Some(ports) = after.strip_prefix(':') else {
            return Err(format!("`{s}` needs `:<ports>` after `]`"));
        };
        return Ok((host, ports));
    }
    match s.rsplit_once(':') {
        Some((host, ports)) if !host.is_empty() => Ok((host, ports)),
        _ => Err(format!(
            "`{s}` is not `<host>:<ports>` (for example `tag:web:443` or `*:*`)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_ports("*").unwrap().to_string(), "*");
        assert_eq!(parse_ports("22").unwrap().to_string(), "22");
        assert_eq!(
            parse_ports("80,443,8000-8080").unwrap().to_string(),
            "80,443,8000-8080"
        );
        assert!(parse_ports("70000").is_err());
        assert!(parse_ports("2000-1000").is_err());
        assert!(parse_ports("80,").is_err());
        assert!(parse_ports("-1").is_err());
        assert!(parse_ports("*,80").is_err());
    }

    #[test]
    fn host_ports() {
        assert_eq!(split_host_ports("tag:web:443"), Ok(("tag:web", "443")));
        assert_eq!(split_host_ports("[fd7a::1]:22"), Ok(("fd7a::1", "22")));
        assert_eq!(
            split_host_ports("fd7a:115c:a1e0::1:22"),
            Ok(("fd7a:115c:a1e0::1", "22"))
        );
        assert_eq!(split_host_ports("*:*"), Ok(("*", "*")));
        assert!(split_host_ports("tag").is_err());
    }

    #[test]
    fn raw_selectors() {
        assert_eq!(
            parse_raw("autogroup:members"),
            Ok(Raw::Autogroup(Autogroup::Member))
        );
        assert_eq!(
            parse_raw("user:*@Example.com"),
            Ok(Raw::UserDomain("example.com".into()))
        );
        assert!(parse_raw("user:b*b@example.com").is_err());
        assert!(parse_raw("autogroup:nope").is_err());
        assert!(parse_raw("10.0.0.0/33").is_err());
        assert_eq!(parse_raw("db-1"), Ok(Raw::HostName("db-1".into())));
        assert_eq!(parse_raw("host:db-1"), Ok(Raw::HostName("db-1".into())));
        assert_eq!(
            parse_raw("10.1.2.3/16"),
            Ok(Raw::Prefix("10.1.0.0/16".parse().unwrap()))
        );
    }

    #[test]
    fn grant_ip() {
        assert_eq!(parse_grant_ip("tcp:443").unwrap().to_string(), "tcp:443");
        assert_eq!(parse_grant_ip("443").unwrap().to_string(), "tcp/udp:443");
        assert_eq!(parse_grant_ip("icmp:*").unwrap().to_string(), "icmp:*");
        assert!(parse_grant_ip("gre:22").is_err());
        assert!(parse_grant_ip("tcpp:22").is_err());
        assert!(parse_grant_ip("256:*").is_err());
    }
}
