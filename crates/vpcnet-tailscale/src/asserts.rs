//! The policy's own `tests`, run as Tailscale runs them when the policy is saved:
//! every `accept` destination must be reachable from the test's source, every `deny`
//! destination must not be.
//!
//! The source is "a device authenticated with the provided identity": for a user, a
//! device of that user; for a group, a device of its first member (Tailscale's
//! "representative member"); for a tag, a device with that tag alone; for a host or an
//! address, the device owning that address (or a host behind a subnet router). Its
//! Tailscale address is not known, so a rule that names one device's address does not
//! match it, while a rule naming the whole tailnet range does.
//!
//! A destination that names a user, a group or a tag stands for the Tailscale
//! addresses of the devices it selects: with a device list, every such device must be
//! reachable (for `accept`) or none may be (for `deny`); without one, a device of that
//! identity stands in, as for the source. Without `proto`, a destination passes
//! `accept` when TCP or UDP is allowed on its port.

use std::fmt;
use std::net::IpAddr;

use crate::eval::{Decision, Denial, Principal, Tailnet};
use crate::policy::{PolicyTest, TestDst};
use crate::selector::{proto_label, Selector, TCP, UDP};

/// What an assertion expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// An `accept` destination: reachable.
    Accept,
    /// A `deny` destination: not reachable.
    Deny,
}

impl Expect {
    /// `accept` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Accept => "accept",
            Expect::Deny => "deny",
        }
    }
}

/// One destination of one test, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    /// Index of the test in `tests`.
    pub test: usize,
    /// JSON pointer of the destination (`/tests/0/deny/1`).
    pub pointer: String,
    /// Accept or deny.
    pub expect: Expect,
    /// The test's source as written.
    pub src: String,
    /// The destination as written (`tag:db:5432`).
    pub dst: String,
    /// The protocols checked (`tcp or udp` when the test names none).
    pub proto: String,
    /// Whether the policy does what the test expects.
    pub passed: bool,
    /// The decision that settles it: the rule that allows the connection, or why it
    /// is refused. For a destination standing for several devices, the one named in
    /// `device`.
    pub decision: Decision,
    /// The device whose decision is shown, when the destination stands for devices of
    /// the device list.
    pub device: Option<String>,
}

impl fmt::Display for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.passed { "PASS" } else { "FAIL" };
        write!(
            f,
            "{verdict}  tests[{}] {} {} -> {} ({}): ",
            self.test,
            self.expect.as_str(),
            self.src,
            self.dst,
            self.proto
        )?;
        if let Some(d) = &self.device {
            write!(f, "to `{d}` ")?;
        }
        write!(f, "{}", self.decision)
    }
}

impl Tailnet {
    /// Runs every test of the policy, in order: each test's `accept` destinations, then
    /// its `deny` ones. Without a policy there are no tests.
    pub fn run_tests(&self) -> Vec<Assertion> {
        let Some(policy) = self.policy() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for t in &policy.tests {
            let src = self.test_source(t);
            let (protos, proto_text) = match &t.proto {
                Some(l) => {
                    let text = if l.len() == 2 && l.contains(&1) && l.contains(&58) {
                        "icmp".to_owned()
                    } else {
                        l.iter()
                            .map(|p| proto_label(*p))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    };
                    (l.clone(), text)
                }
                None => (vec![TCP, UDP], "tcp or udp".to_owned()),
            };
            for (expect, list) in [(Expect::Accept, &t.accept), (Expect::Deny, &t.deny)] {
                for d in list {
                    out.push(self.assert_one(t, &src, d, expect, &protos, &proto_text));
                }
            }
        }
        out
    }

    fn representative(&self, group: &str) -> Option<String> {
        self.policy()?.group(group)?.members.first().cloned()
    }

    fn test_source(&self, t: &PolicyTest) -> Principal {
        match &t.src {
            Selector::User(u) => Principal::user(u),
            Selector::Group(g) => self
                .representative(g)
                .map_or_else(Principal::default, |m| Principal::user(&m)),
            Selector::Tag(tag) => Principal::tag(tag),
            Selector::Host(_, net) | Selector::Prefix(net) => self.address_principal(net.addr()),
            // The reader lets no other selector through as a test source.
            _ => Principal::default(),
        }
    }

    fn address_principal(&self, ip: IpAddr) -> Principal {
        match self.node_by_addr(ip) {
            Some(n) => Principal::of_node(n, vec![ip]),
            None => Principal::raw(ip),
        }
    }

    /// What a test destination stands for: (principal, address, device name).
    fn test_targets(&self, sel: &Selector) -> Vec<(Principal, Option<IpAddr>, Option<String>)> {
        let devices_of = |p: &dyn Fn(&crate::devices::Node) -> bool, stand_in: Principal| {
            let found: Vec<_> = self
                .nodes()
                .iter()
                .filter(|n| p(n))
                .map(|n| {
                    (
                        Principal::of_node(n, n.addresses.clone()),
                        None,
                        Some(n.name.clone()),
                    )
                })
                .collect();
            if found.is_empty() {
                vec![(stand_in, None, None)]
            } else {
                found
            }
        };
        let user_devices = |login: &str| {
            devices_of(
                &|n| {
                    !n.is_tagged()
                        && n.user
                            .as_deref()
                            .is_some_and(|u| u.eq_ignore_ascii_case(login))
                },
                Principal::user(login),
            )
        };
        match sel {
            Selector::Host(_, net) | Selector::Prefix(net) => {
                let ip = net.addr();
                vec![(self.address_principal(ip), Some(ip), None)]
            }
            Selector::User(u) => user_devices(u),
            Selector::Group(g) => match self.representative(g) {
                Some(m) => user_devices(&m),
                None => vec![(Principal::default(), None, None)],
            },
            Selector::Tag(t) => devices_of(&|n| n.tags.contains(t), Principal::tag(t)),
            // A Tailscale Service: its addresses are not in the inputs.
            _ => vec![(Principal::default(), None, None)],
        }
    }

    fn assert_one(
        &self,
        t: &PolicyTest,
        src: &Principal,
        d: &TestDst,
        expect: Expect,
        protos: &[u8],
        proto_text: &str,
    ) -> Assertion {
        // Per target: the first allowing decision over the protocols, else the first
        // refusal.
        let mut results = Vec::new();
        for (dst, ip, device) in self.test_targets(&d.selector) {
            let mut decision = Decision::Denied(Denial::NoRuleMatched);
            for (i, p) in protos.iter().enumerate() {
                let got = self.decide(src, &dst, ip, *p, d.port);
                if got.is_allowed() || i == 0 {
                    decision = got;
                }
                if decision.is_allowed() {
                    break;
                }
            }
            results.push((decision, device));
        }
        let wanted = expect == Expect::Accept;
        let passed = results.iter().all(|(dec, _)| dec.is_allowed() == wanted);
        // Show the first target that breaks the expectation, else the first one.
        let shown = results
            .iter()
            .position(|(dec, _)| dec.is_allowed() != wanted)
            .unwrap_or(0);
        let (decision, device) = results
            .into_iter()
            .nth(shown)
            .unwrap_or((Decision::Denied(Denial::NoRuleMatched), None));
        Assertion {
            test: t.index,
            pointer: d.pointer.clone(),
            expect,
            src: t.src_written.clone(),
            dst: d.written.clone(),
            proto: proto_text.to_owned(),
            passed,
            decision,
            device,
        }
    }
}
