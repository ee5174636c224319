//! The policy compiled to address rules for the devices it knows: what Tailscale's
//! control plane hands each node as its packet filter, and what the spec's
//! `tailnet.acls` can hold.
//!
//! Every selector becomes a set of IPv4 addresses (identities become the addresses of
//! the devices that carry them), the devices' states are folded in (a source that is
//! not authorized or is shared in from another tailnet sends nothing; a destination
//! that is not authorized or blocks incoming connections receives nothing), `via`
//! becomes the addresses whose longest route in effect belongs to a router with one of
//! the tags, and `autogroup:self` becomes one rule per user. The result answers every
//! question about the known devices as [`Tailnet::allows`] does — the tests check the
//! two against each other — and a rule keeps its label (`acls[2]`) and location.
//!
//! IPv6 is left out: the model is IPv4. A compiled policy larger than [`MAX_ENTRIES`]
//! addresses and ranges is refused rather than written out.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use vpcnet_model::{AddressRule, Location, PortRange};

use crate::devices::Node;
use crate::eval::{tailnet_v4, Principal, Tailnet};
use crate::policy::{IpSetTarget, Rule};
use crate::selector::{Autogroup, Cap, Protos, Selector};

/// The most source ranges plus destination entries the compiled rules may hold.
pub(crate) const MAX_ENTRIES: usize = 200_000;

/// A set of IPv4 addresses: sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct V4Set(Vec<(u32, u32)>);

impl V4Set {
    pub(crate) fn all() -> V4Set {
        V4Set(vec![(0, u32::MAX)])
    }

    pub(crate) fn net(n: Ipv4Net) -> V4Set {
        V4Set(vec![(u32::from(n.network()), u32::from(n.broadcast()))])
    }

    pub(crate) fn addrs(addrs: impl IntoIterator<Item = Ipv4Addr>) -> V4Set {
        let mut v: Vec<(u32, u32)> = addrs
            .into_iter()
            .map(|a| (u32::from(a), u32::from(a)))
            .collect();
        v.sort_unstable();
        V4Set::normalized(v)
    }

    /// Sorted ranges, merged where they touch or overlap.
    fn normalized(sorted: Vec<(u32, u32)>) -> V4Set {
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(sorted.len());
        for (lo, hi) in sorted {
            match out.last_mut() {
                Some(last) if u64::from(lo) <= u64::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        V4Set(out)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn contains(&self, a: Ipv4Addr) -> bool {
        let a = u32::from(a);
        self.0.iter().any(|(lo, hi)| *lo <= a && a <= *hi)
    }

    pub(crate) fn union(&self, o: &V4Set) -> V4Set {
        let mut v: Vec<(u32, u32)> = self.0.iter().chain(o.0.iter()).copied().collect();
        v.sort_unstable();
        V4Set::normalized(v)
    }

    pub(crate) fn complement(&self) -> V4Set {
        let mut out = Vec::new();
        let mut next: u64 = 0;
        for (lo, hi) in &self.0 {
            if u64::from(*lo) > next {
                out.push((next as u32, lo - 1));
            }
            next = u64::from(*hi) + 1;
        }
        if next <= u64::from(u32::MAX) {
            out.push((next as u32, u32::MAX));
        }
        V4Set(out)
    }

    pub(crate) fn minus(&self, o: &V4Set) -> V4Set {
        self.intersect(&o.complement())
    }

    pub(crate) fn intersect(&self, o: &V4Set) -> V4Set {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.0.len() && j < o.0.len() {
            let (a, b) = (self.0[i], o.0[j]);
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        V4Set(out)
    }

    /// The fewest CIDRs that cover exactly the set, in address order.
    pub(crate) fn cidrs(&self) -> Vec<Ipv4Net> {
        let mut out = Vec::new();
        for (lo, hi) in &self.0 {
            let (mut lo, hi) = (u64::from(*lo), u64::from(*hi));
            while lo <= hi {
                // The largest aligned block starting at `lo` that fits.
                let mut size: u64 = if lo == 0 {
                    1 << 32
                } else {
                    1 << lo.trailing_zeros()
                };
                while lo + size - 1 > hi {
                    size >>= 1;
                }
                let len = 32 - size.trailing_zeros() as u8;
                if let Ok(n) = Ipv4Net::new(Ipv4Addr::from(lo as u32), len) {
                    out.push(n);
                }
                lo += size;
            }
        }
        out
    }
}

/// The IPv4 addresses of a device.
pub(crate) fn v4_of(n: &Node) -> Vec<Ipv4Addr> {
    n.addresses
        .iter()
        .filter_map(|a| match a {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })
        .collect()
}

fn v4_net(n: &IpNet) -> Option<Ipv4Net> {
    match n {
        IpNet::V4(v4) => Some(*v4),
        IpNet::V6(_) => None,
    }
}

/// `autogroup:internet` in IPv4: everything but the private, CGNAT and link-local
/// ranges (as [`crate::is_internet`] says).
fn internet() -> V4Set {
    let private = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
    ]
    .iter()
    .filter_map(|s| s.parse::<Ipv4Net>().ok())
    .fold(V4Set::default(), |acc, n| acc.union(&V4Set::net(n)));
    V4Set::all().minus(&private)
}

/// Why a policy cannot be written as address rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unexportable {
    pub(crate) reason: String,
    /// The rule it happened at.
    pub(crate) pointer: Option<String>,
}

struct Compiler<'t> {
    t: &'t Tailnet,
    /// Addresses that may not send: devices not authorized or shared in.
    mute: V4Set,
    /// Addresses that receive nothing: devices not authorized or shielded.
    deaf: V4Set,
    entries: usize,
}

impl Compiler<'_> {
    fn devices_where(&self, keep: impl Fn(&Node) -> bool) -> V4Set {
        V4Set::addrs(self.t.nodes().iter().filter(|n| keep(n)).flat_map(v4_of))
    }

    fn routes(&self) -> impl Iterator<Item = (Ipv4Net, usize)> + '_ {
        self.t
            .route_table()
            .iter()
            .filter_map(|(r, i)| v4_net(r).map(|r| (r, *i)))
    }

    /// The addresses a selector stands for (`autogroup:self` aside, which depends on
    /// the source).
    fn selector(&self, sel: &Selector) -> V4Set {
        match sel {
            Selector::Any => self
                .routes()
                .fold(V4Set::net(v4(tailnet_v4())), |acc, (r, _)| {
                    acc.union(&V4Set::net(r))
                }),
            Selector::Host(_, net) | Selector::Prefix(net) => {
                v4_net(net).map(V4Set::net).unwrap_or_default()
            }
            Selector::IpSet(name) => self.ipset(name, 0),
            Selector::Service(_) | Selector::Autogroup(Autogroup::SelfDevices) => V4Set::default(),
            Selector::Autogroup(Autogroup::Internet) => internet(),
            Selector::Autogroup(Autogroup::DangerAll) => V4Set::all(),
            // Identities: the devices that carry them, judged by the evaluator itself.
            Selector::User(_)
            | Selector::UserDomain(_)
            | Selector::Group(_)
            | Selector::Tag(_)
            | Selector::Autogroup(
                Autogroup::Member | Autogroup::Tagged | Autogroup::Shared | Autogroup::Role(_),
            ) => self.devices_where(|n| {
                self.t
                    .selects(sel, &Principal::of_node(n, n.addresses.clone()), None)
            }),
        }
    }

    /// An IP set: its operations applied in order (the last one covering an address
    /// decides, as the evaluator reads them).
    fn ipset(&self, name: &str, depth: usize) -> V4Set {
        let Some(set) = self.t.policy().and_then(|p| p.ipset(name)) else {
            return V4Set::default();
        };
        if depth > 32 {
            return V4Set::default();
        }
        let mut out = V4Set::default();
        for op in &set.ops {
            let x = match &op.target {
                IpSetTarget::Prefix(net) => v4_net(net).map(V4Set::net).unwrap_or_default(),
                IpSetTarget::Range(IpAddr::V4(a), b) => {
                    let hi = match b {
                        IpAddr::V4(b) => u32::from(*b),
                        IpAddr::V6(_) => u32::MAX,
                    };
                    if u32::from(*a) <= hi {
                        V4Set(vec![(u32::from(*a), hi)])
                    } else {
                        V4Set::default()
                    }
                }
                IpSetTarget::Range(IpAddr::V6(_), _) => V4Set::default(),
                IpSetTarget::Internet => internet(),
                IpSetTarget::IpSet(n) => self.ipset(n, depth + 1),
            };
            out = if op.add { out.union(&x) } else { out.minus(&x) };
        }
        out
    }

    /// The addresses (not a device's own) whose longest route in effect belongs to a
    /// router carrying one of `tags`.
    fn via(&self, tags: &[String]) -> V4Set {
        let mut routes: Vec<(Ipv4Net, usize)> = self.routes().collect();
        routes.sort_by_key(|(r, _)| std::cmp::Reverse(r.prefix_len()));
        let mut covered = V4Set::default();
        let mut out = V4Set::default();
        let mut k = 0;
        while k < routes.len() {
            let len = routes[k].0.prefix_len();
            let group: Vec<(Ipv4Net, usize)> = routes[k..]
                .iter()
                .take_while(|(r, _)| r.prefix_len() == len)
                .copied()
                .collect();
            k += group.len();
            for (r, _) in &group {
                let tagged = group.iter().any(|(x, i)| {
                    x == r && self.t.nodes()[*i].tags.iter().any(|t| tags.contains(t))
                });
                if tagged {
                    out = out.union(&V4Set::net(*r).minus(&covered));
                }
            }
            for (r, _) in &group {
                covered = covered.union(&V4Set::net(*r));
            }
        }
        out.minus(&self.devices_where(|_| true))
    }

    fn emit(
        &mut self,
        out: &mut Vec<AddressRule>,
        rule: &Rule,
        src: &V4Set,
        dst: &V4Set,
        caps: &[Cap],
        origin: &dyn Fn(&str) -> Option<Location>,
    ) -> Result<(), Unexportable> {
        if src.is_empty() || dst.is_empty() {
            return Ok(());
        }
        let src = src.cidrs();
        let dst = dst.cidrs();
        for cap in caps {
            let protocols: Vec<Vec<u8>> = match &cap.protos {
                Protos::Default => vec![Vec::new()],
                Protos::Listed(l) => l.iter().map(|p| vec![*p]).collect(),
            };
            for protocols in protocols {
                let dst: Vec<(Ipv4Net, PortRange)> = dst
                    .iter()
                    .flat_map(|n| cap.ports.0.iter().map(move |p| (*n, *p)))
                    .collect();
                self.entries += src.len() + dst.len();
                if self.entries > MAX_ENTRIES {
                    return Err(Unexportable {
                        reason: format!(
                            "written as address rules for its devices it would hold more than {MAX_ENTRIES} ranges"
                        ),
                        pointer: Some(rule.pointer.clone()),
                    });
                }
                out.push(AddressRule {
                    src: src.clone(),
                    dst,
                    protocols,
                    label: rule.label(),
                    origin: origin(&rule.pointer),
                });
            }
        }
        Ok(())
    }
}

fn v4(n: IpNet) -> Ipv4Net {
    v4_net(&n).unwrap_or_default()
}

/// The policy's access rules as address rules for the tailnet's devices, in order;
/// `Ok(None)` when the policy allows everything (no policy file, or neither `acls` nor
/// `grants`), which address rules cannot say and the absence of rules does.
pub(crate) fn address_rules(
    t: &Tailnet,
    origin: &dyn Fn(&str) -> Option<Location>,
) -> Result<Option<Vec<AddressRule>>, Unexportable> {
    let Some(policy) = t.policy() else {
        return Ok(None);
    };
    if !policy.has_access_rules {
        return Ok(None);
    }
    let mut c = Compiler {
        t,
        mute: V4Set::default(),
        deaf: V4Set::default(),
        entries: 0,
    };
    c.mute = c.devices_where(|n| !n.authorized || n.external);
    c.deaf = c.devices_where(|n| !n.authorized || n.blocks_incoming);
    let mut out = Vec::new();
    for rule in policy.rules() {
        if rule.posture {
            continue;
        }
        let selected = rule
            .src
            .iter()
            .fold(V4Set::default(), |acc, s| acc.union(&c.selector(s)));
        let src = selected.minus(&c.mute);
        let via = (!rule.via.is_empty()).then(|| c.via(&rule.via));
        let narrow = |set: V4Set| match &via {
            Some(v) => set.intersect(v),
            None => set,
        };
        for d in &rule.dst {
            if d.caps.is_empty() {
                continue;
            }
            if d.selector == Selector::Autogroup(Autogroup::SelfDevices) {
                // One rule per user: their selected devices to all their own.
                let mut users: Vec<String> = Vec::new();
                for n in t.nodes() {
                    let Some(u) = n.user.as_deref().filter(|_| !n.is_tagged()) else {
                        continue;
                    };
                    let sends = v4_of(n).iter().any(|a| src.contains(*a));
                    if sends && !users.iter().any(|x| x.eq_ignore_ascii_case(u)) {
                        users.push(u.to_owned());
                    }
                }
                for u in users {
                    let mine = |n: &Node| {
                        !n.is_tagged()
                            && n.user
                                .as_deref()
                                .is_some_and(|x| x.eq_ignore_ascii_case(&u))
                    };
                    let from = src.intersect(&c.devices_where(mine));
                    let to = narrow(c.devices_where(mine).minus(&c.deaf));
                    c.emit(&mut out, rule, &from, &to, &d.caps, origin)?;
                }
                continue;
            }
            let to = narrow(c.selector(&d.selector).minus(&c.deaf));
            c.emit(&mut out, rule, &src, &to, &d.caps, origin)?;
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(cidrs: &[&str]) -> V4Set {
        cidrs
            .iter()
            .map(|c| V4Set::net(c.parse().unwrap()))
            .fold(V4Set::default(), |a, b| a.union(&b))
    }

    fn text(s: &V4Set) -> String {
        s.cidrs()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn set_algebra_and_cidrs() {
        let a = set(&["10.0.0.0/16", "10.1.0.0/16"]);
        assert_eq!(text(&a), "10.0.0.0/15");
        let b = a.minus(&set(&["10.0.12.0/26"]));
        assert_eq!(
            text(&b),
            "10.0.0.0/21 10.0.8.0/22 10.0.12.64/26 10.0.12.128/25 10.0.13.0/24 10.0.14.0/23 10.0.16.0/20 10.0.32.0/19 10.0.64.0/18 10.0.128.0/17 10.1.0.0/16"
        );
        assert_eq!(text(&V4Set::all()), "0.0.0.0/0");
        assert_eq!(text(&V4Set::all().complement()), "");
        assert_eq!(
            text(&a.intersect(&set(&["10.0.5.0/24", "10.1.255.255/32", "11.0.0.0/8"]))),
            "10.0.5.0/24 10.1.255.255/32"
        );
        assert_eq!(
            text(&set(&["255.255.255.255/32", "0.0.0.0/32"]).complement()),
            "0.0.0.1/32 0.0.0.2/31 0.0.0.4/30 0.0.0.8/29 0.0.0.16/28 0.0.0.32/27 0.0.0.64/26 0.0.0.128/25 0.0.1.0/24 0.0.2.0/23 0.0.4.0/22 0.0.8.0/21 0.0.16.0/20 0.0.32.0/19 0.0.64.0/18 0.0.128.0/17 0.1.0.0/16 0.2.0.0/15 0.4.0.0/14 0.8.0.0/13 0.16.0.0/12 0.32.0.0/11 0.64.0.0/10 0.128.0.0/9 1.0.0.0/8 2.0.0.0/7 4.0.0.0/6 8.0.0.0/5 16.0.0.0/4 32.0.0.0/3 64.0.0.0/2 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 255.255.255.224/28 255.255.255.240/29 255.255.255.248/30 255.255.255.252/31 255.255.255.254/32"
        );
        assert!(internet().contains(Ipv4Addr::new(8, 8, 8, 8)));
        assert!(!internet().contains(Ipv4Addr::new(100, 100, 1, 1)));
    }
}
