//! IP protocols and the layer-4 part of a rule (ports, ICMP type and code).

use std::fmt;

/// The IP protocol a rule matches: every protocol (`-1` in AWS), or one protocol number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Every protocol (AWS `-1`).
    All,
    /// One IANA protocol number (6 = TCP, 17 = UDP, 1 = ICMP, 58 = ICMPv6, …).
    Number(u8),
}

impl Protocol {
    /// TCP.
    pub const TCP: Protocol = Protocol::Number(6);
    /// UDP.
    pub const UDP: Protocol = Protocol::Number(17);
    /// ICMP.
    pub const ICMP: Protocol = Protocol::Number(1);

    /// Whether a packet of protocol `proto` matches.
    pub fn matches(self, proto: u8) -> bool {
        match self {
            Protocol::All => true,
            Protocol::Number(n) => n == proto,
        }
    }

    /// Parses `tcp`, `udp`, `icmp`, `icmpv6`, `all`, `-1` or a protocol number.
    pub fn parse(s: &str) -> Option<Protocol> {
        let lower = s.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "-1" | "all" | "any" => Protocol::All,
            "tcp" => Protocol::TCP,
            "udp" => Protocol::UDP,
            "icmp" => Protocol::ICMP,
            "icmpv6" => Protocol::Number(58),
            other => Protocol::Number(other.parse().ok()?),
        })
    }

    /// Whether rules of this protocol carry a port range.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Number(6 | 17 | 132))
    }
}

/// The name of protocol number `n` where it has a common one (`tcp`, `udp`, `icmp`, …).
pub fn proto_name(n: u8) -> Option<&'static str> {
    Some(match n {
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "icmpv6",
        132 => "sctp",
        _ => return None,
    })
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Number(n) => match proto_name(*n) {
                Some(name) => f.write_str(name),
                None => write!(f, "proto {n}"),
            },
        }
    }
}

/// An inclusive port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port, inclusive.
    pub to: u16,
}

impl PortRange {
    /// Every port.
    pub const ALL: PortRange = PortRange {
        from: 0,
        to: u16::MAX,
    };

    /// The range `from..=to`, or `None` when `from > to`.
    pub fn new(from: u16, to: u16) -> Option<PortRange> {
        (from <= to).then_some(PortRange { from, to })
    }

    /// One port.
    pub fn single(port: u16) -> PortRange {
        PortRange {
            from: port,
            to: port,
        }
    }

    /// Whether `port` lies in the range.
    pub fn contains(self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PortRange::ALL {
            f.write_str("all ports")
        } else if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// ICMP type and code a rule matches; `None` is every value (AWS `-1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IcmpMatch {
    /// ICMP type, or every type.
    pub icmp_type: Option<u8>,
    /// ICMP code, or every code.
    pub code: Option<u8>,
}

impl IcmpMatch {
    /// Whether an ICMP message of `icmp_type`/`code` matches.
    pub fn matches(self, icmp_type: u8, code: u8) -> bool {
        self.icmp_type.is_none_or(|t| t == icmp_type) && self.code.is_none_or(|c| c == code)
    }
}

/// The layer-4 condition of a rule, beside its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum L4Match {
    /// No condition (protocol `-1`, or a protocol without ports).
    Any,
    /// Destination port range (TCP, UDP, SCTP).
    Ports(PortRange),
    /// ICMP type and code.
    Icmp(IcmpMatch),
}

impl fmt::Display for L4Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            L4Match::Any => Ok(()),
            L4Match::Ports(p) if *p == PortRange::ALL => f.write_str(" all ports"),
            L4Match::Ports(p) => write!(f, " port {p}"),
            L4Match::Icmp(m) => {
                match m.icmp_type {
                    Some(t) => write!(f, " type {t}")?,
                    None => f.write_str(" all types")?,
                }
                if let Some(c) = m.code {
                    write!(f, " code {c}")?;
                }
                Ok(())
            }
        }
    }
}
