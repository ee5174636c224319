//! The header space, one dimension at a time: cut points and the spans between them.
//!
//! Every predicate the tracer evaluates on a packet is a box: an address range (a CIDR),
//! a protocol, a port range. For a set of boxes, the points where some box starts or
//! ends cut each dimension into spans, and the product of spans is a partition of the
//! header space in which no box tells two packets of one cell apart. That partition is
//! what the symbolic engine walks (see `reach`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// An inclusive span of a dimension (addresses as `u32`, ports, ICMP type and code as
/// `type << 8 | code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First value.
    pub lo: u32,
    /// Last value, inclusive.
    pub hi: u32,
}

impl Span {
    /// A span of one value.
    pub fn one(v: u32) -> Span {
        Span { lo: v, hi: v }
    }

    /// The addresses of a CIDR.
    pub fn of_net(net: Ipv4Net) -> Span {
        Span {
            lo: u32::from(net.network()),
            hi: u32::from(net.broadcast()),
        }
    }

    /// Whether `v` lies in it.
    pub fn contains(&self, v: u32) -> bool {
        self.lo <= v && v <= self.hi
    }

    /// The first address, as an address.
    pub fn first_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.lo)
    }

    /// How many values it holds (as u64: the whole address space fits).
    pub fn width(&self) -> u64 {
        u64::from(self.hi) - u64::from(self.lo) + 1
    }
}

/// Sorts spans and merges the ones that overlap or touch.
pub fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if u64::from(s.lo) <= u64::from(last.hi) + 1 => {
                last.hi = last.hi.max(s.hi);
            }
            _ => out.push(s),
        }
    }
    out
}

/// The cut points of one dimension: each value at which a new span starts. The
/// dimension's first value always starts one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cuts {
    /// The starts, ascending (a handful per question: a sorted vector beats a tree).
    starts: Vec<u32>,
}

impl Cuts {
    fn insert(&mut self, v: u32) -> bool {
        match self.starts.binary_search(&v) {
            Ok(_) => false,
            Err(at) => {
                self.starts.insert(at, v);
                true
            }
        }
    }

    /// Adds the bounds of `span`; returns whether anything was new.
    pub fn add(&mut self, span: Span) -> bool {
        let mut grew = self.insert(span.lo);
        if let Some(next) = span.hi.checked_add(1) {
            grew |= self.insert(next);
        }
        grew
    }

    /// The cut points, ascending.
    pub fn points(&self) -> &[u32] {
        &self.starts
    }

    /// The index of the span `v` falls in (equal indices: no cut between them).
    pub fn class_of(&self, v: u32) -> usize {
        self.points().partition_point(|s| *s <= v)
    }

    /// `within` cut at every point: the spans, in order.
    pub fn split(&self, within: Span) -> Vec<Span> {
        let sorted = self.points();
        let from = sorted.partition_point(|s| *s <= within.lo);
        let mut out = Vec::new();
        let mut lo = within.lo;
        for &c in &sorted[from..] {
            if c > within.hi {
                break;
            }
            out.push(Span { lo, hi: c - 1 });
            lo = c;
        }
        out.push(Span { lo, hi: within.hi });
        out
    }

    /// How many cut points there are.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cuts_only_inside_the_span() {
        let mut c = Cuts::default();
        c.add(Span { lo: 22, hi: 22 });
        c.add(Span {
            lo: 1024,
            hi: 65535,
        });
        c.add(Span { lo: 80, hi: 443 });
        let parts = c.split(Span { lo: 0, hi: 65535 });
        let want = [
            (0, 21),
            (22, 22),
            (23, 79),
            (80, 443),
            (444, 1023),
            (1024, 65535),
        ];
        let got: Vec<(u32, u32)> = parts.iter().map(|s| (s.lo, s.hi)).collect();
        assert_eq!(got, want);
        let inner = c.split(Span { lo: 30, hi: 100 });
        let got: Vec<(u32, u32)> = inner.iter().map(|s| (s.lo, s.hi)).collect();
        assert_eq!(got, [(30, 79), (80, 100)]);
        assert_eq!(c.class_of(81), c.class_of(443));
        assert_ne!(c.class_of(79), c.class_of(80));
    }

    #[test]
    fn the_whole_address_space_has_no_overflow() {
        let mut c = Cuts::default();
        c.add(Span::of_net("0.0.0.0/0".parse().unwrap()));
        c.add(Span::of_net("255.255.255.255/32".parse().unwrap()));
        let parts = c.split(Span {
            lo: 0,
            hi: u32::MAX,
        });
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], Span::one(u32::MAX));
    }

    #[test]
    fn merge_joins_touching_spans() {
        let m = merge(vec![
            Span { lo: 5, hi: 9 },
            Span { lo: 0, hi: 4 },
            Span::one(11),
        ]);
        assert_eq!(m, [Span { lo: 0, hi: 9 }, Span::one(11)]);
    }
}
