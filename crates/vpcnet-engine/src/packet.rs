//! One concrete packet.

use std::fmt;
use std::net::Ipv4Addr;

/// A concrete IPv4 packet header, as far as forwarding cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Packet {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// IP protocol number.
    pub protocol: u8,
    /// Source port (TCP/UDP/SCTP), else 0.
    pub src_port: u16,
    /// Destination port (TCP/UDP/SCTP), else 0.
    pub dst_port: u16,
    /// ICMP type (ICMP only).
    pub icmp_type: u8,
    /// ICMP code (ICMP only).
    pub icmp_code: u8,
}

impl Packet {
    /// Whether the protocol carries ports.
    pub fn has_ports(&self) -> bool {
        matches!(self.protocol, 6 | 17 | 132)
    }

    /// Whether it is ICMP or ICMPv6.
    pub fn is_icmp(&self) -> bool {
        matches!(self.protocol, 1 | 58)
    }

    /// The reply: addresses and ports swapped; an ICMP echo request becomes a reply.
    pub fn reply(&self) -> Packet {
        let icmp_type = match (self.is_icmp(), self.icmp_type) {
            (true, 8) => 0,
            (true, 128) => 129,
            (_, t) => t,
        };
        Packet {
            src: self.dst,
            dst: self.src,
            protocol: self.protocol,
            src_port: self.dst_port,
            dst_port: self.src_port,
            icmp_type,
            icmp_code: self.icmp_code,
        }
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto = vpcnet_model::Protocol::Number(self.protocol);
        if self.has_ports() {
            write!(
                f,
                "{proto} {}:{} -> {}:{}",
                self.src, self.src_port, self.dst, self.dst_port
            )
        } else if self.is_icmp() {
            write!(
                f,
                "{proto} {} -> {} type {} code {}",
                self.src, self.dst, self.icmp_type, self.icmp_code
            )
        } else {
            write!(f, "{proto} {} -> {}", self.src, self.dst)
        }
    }
}
