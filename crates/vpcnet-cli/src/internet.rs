//! Internet addresses for people: `internet`, `internet 198.51.100.0/24`, `internet
//! except 198.51.100.0/24`, or a public address named by what it belongs to.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_engine::diff::INTERNET;
use vpcnet_engine::reach::internet_spans;
use vpcnet_engine::reach::space::{merge, Span};
use vpcnet_model::{InterfaceOwner, Network};

/// The fewest CIDRs that cover `spans` exactly.
pub(crate) fn cidrs(spans: &[Span]) -> Vec<Ipv4Net> {
    let mut out = Vec::new();
    for s in spans {
        let mut lo = u64::from(s.lo);
        let hi = u64::from(s.hi);
        while lo <= hi {
            // The largest block aligned at `lo` that fits.
            let mut len = 32u8;
            while len > 0 {
                let size = 1u64 << (32 - (len - 1));
                if lo % size != 0 || lo + size - 1 > hi {
                    break;
                }
                len -= 1;
            }
            let addr = Ipv4Addr::from(u32::try_from(lo).unwrap_or(u32::MAX));
            if let Ok(net) = Ipv4Net::new(addr, len) {
                out.push(net);
            }
            lo += 1u64 << (32 - len);
        }
    }
    out
}

/// `10.0.0.0/8`, or an address alone for a `/32`.
pub(crate) fn cidr_text(n: &Ipv4Net) -> String {
    if n.prefix_len() == 32 {
        n.addr().to_string()
    } else {
        n.to_string()
    }
}

/// `a` minus `b`, both merged and sorted.
pub(crate) fn minus(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for s in a {
        let mut lo = u64::from(s.lo);
        let hi = u64::from(s.hi);
        for t in b {
            if u64::from(t.hi) < lo || u64::from(t.lo) > hi {
                continue;
            }
            if u64::from(t.lo) > lo {
                out.push((lo, u64::from(t.lo) - 1));
            }
            lo = u64::from(t.hi) + 1;
        }
        if lo <= hi {
            out.push((lo, hi));
        }
    }
    out.into_iter()
        .filter_map(|(lo, hi)| {
            Some(Span {
                lo: u32::try_from(lo).ok()?,
                hi: u32::try_from(hi).ok()?,
            })
        })
        .collect()
}

/// At most this many CIDRs are listed in a label.
const LISTED: usize = 6;

fn listed(nets: &[Ipv4Net]) -> String {
    let mut parts: Vec<String> = nets.iter().take(LISTED).map(cidr_text).collect();
    if nets.len() > LISTED {
        parts.push(format!("{} more", nets.len() - LISTED));
    }
    parts.join(", ")
}

/// The public addresses of the networks' own interfaces, and what each belongs to.
#[derive(Default)]
pub(crate) struct Public {
    pub(crate) spans: Vec<Span>,
    pub(crate) names: BTreeMap<u32, String>,
}

impl Public {
    pub(crate) fn of(nets: &[&Network]) -> Public {
        let mut names = BTreeMap::new();
        for net in nets {
            for iface in net.interfaces() {
                let owner = match iface.owner {
                    InterfaceOwner::Instance(i) => net.instance(i).meta.label(),
                    InterfaceOwner::NatGateway(n) => net.nat_gateway(n).meta.label(),
                    _ => iface.meta.label(),
                };
                for p in iface.private_ips.iter().filter_map(|p| p.public) {
                    names.entry(u32::from(p)).or_insert_with(|| owner.clone());
                }
            }
        }
        Public {
            spans: merge(names.keys().map(|a| Span::one(*a)).collect()),
            names,
        }
    }
}

/// `internet`, `internet 198.51.100.0/24`, or `internet except 198.51.100.0/24`,
/// whichever is shorter; the public address of one of the networks' own interfaces
/// is named with what it belongs to. A set without such addresses is told against
/// the internet without them.
pub(crate) fn internet_text(addrs: &[Span], own: &Public) -> String {
    if let [one] = addrs {
        if one.lo == one.hi {
            if let Some(name) = own.names.get(&one.lo) {
                return format!("{INTERNET} {} (public IP of {name})", one.first_addr());
            }
        }
    }
    let mut all = internet_spans();
    if minus(addrs, &own.spans) == addrs {
        all = minus(&all, &own.spans);
    }
    let outside = minus(&all, addrs);
    if outside.is_empty() {
        return INTERNET.to_owned();
    }
    let inside = cidrs(addrs);
    let outside = cidrs(&outside);
    if outside.len() < inside.len() {
        format!("{INTERNET} except {}", listed(&outside))
    } else {
        format!("{INTERNET} {}", listed(&inside))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lo: [u8; 4], hi: [u8; 4]) -> Span {
        Span {
            lo: u32::from(Ipv4Addr::from(lo)),
            hi: u32::from(Ipv4Addr::from(hi)),
        }
    }

    #[test]
    fn cidrs_cover_spans_exactly() {
        let texts =
            |spans: &[Span]| -> Vec<String> { cidrs(spans).iter().map(cidr_text).collect() };
        assert_eq!(
            texts(&[span([0, 0, 0, 0], [255, 255, 255, 255])]),
            ["0.0.0.0/0"]
        );
        assert_eq!(
            texts(&[span([10, 0, 0, 1], [10, 0, 0, 6])]),
            ["10.0.0.1", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6"]
        );
        assert_eq!(
            texts(&[span([198, 51, 100, 0], [198, 51, 100, 255])]),
            ["198.51.100.0/24"]
        );
    }

    #[test]
    fn internet_text_names_the_shorter_side() {
        let all = internet_spans();
        let none = Public::default();
        assert_eq!(internet_text(&all, &none), "internet");
        let office = [span([198, 51, 100, 0], [198, 51, 100, 255])];
        assert_eq!(internet_text(&office, &none), "internet 198.51.100.0/24");
        assert_eq!(
            internet_text(&minus(&all, &office), &none),
            "internet except 198.51.100.0/24"
        );
        // The networks' own public addresses are not left out of "the internet".
        let bastion = span([203, 0, 113, 50], [203, 0, 113, 50]);
        let own = Public {
            spans: vec![bastion],
            names: BTreeMap::from([(bastion.lo, "bastion (i-1)".to_owned())]),
        };
        let others = minus(&minus(&all, &office), &own.spans);
        assert_eq!(
            internet_text(&others, &own),
            "internet except 198.51.100.0/24"
        );
        assert_eq!(
            internet_text(&[bastion], &own),
            "internet 203.0.113.50 (public IP of bastion (i-1))"
        );
    }
}
