//! An overlay mesh (a Tailscale tailnet) laid over the VPCs: its nodes, the interfaces
//! they run on, the subnet routes they carry, and the access policy between them.
//!
//! The policy is a trait object: the importer that read it decides how a source node,
//! a destination address, a protocol and a port are judged (Tailscale's ACLs and
//! grants, or the spec's address rules), and says which rule decided. The model stays
//! free of any policy language, and the engine asks one question.

use std::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;

use ipnet::Ipv4Net;

use crate::diag::Location;
use crate::net::{EniIdx, Meta};
use crate::proto::PortRange;

/// A node of the mesh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TailnetNode {
    /// Identity: the node id, named by its host name.
    pub meta: Meta,
    /// Its MagicDNS name (`orchestrator-dev.tail1234.ts.net`), when known.
    pub fqdn: Option<String>,
    /// Its mesh addresses (`100.x.y.z`).
    pub addrs: Vec<Ipv4Addr>,
    /// The network interface it runs on, when it runs in a VPC of the network.
    pub eni: Option<EniIdx>,
    /// Subnet routes it carries: advertised and approved.
    pub routes: Vec<Ipv4Net>,
    /// Whether it is an approved exit node.
    pub exit_node: bool,
    /// The exit node it sends internet traffic through (`--exit-node`), by name, id or
    /// mesh address; `None`: none.
    pub uses_exit_node: Option<String>,
    /// Whether it uses other nodes' subnet routes (`--accept-routes`); `None`: not
    /// stated (Linux defaults to off, other systems to on).
    pub accept_routes: Option<bool>,
    /// Whether, as a subnet router, it rewrites the source to its own address
    /// (`--snat-subnet-routes`); `None`: not stated (Tailscale's default is on).
    pub snat: Option<bool>,
    /// Operating system (`linux`, `macOS`, `windows`, …), when known.
    pub os: Option<String>,
}

impl TailnetNode {
    /// Whether it uses subnet routes, and whether that was stated or assumed.
    pub fn uses_routes(&self) -> (bool, bool) {
        match self.accept_routes {
            Some(v) => (v, true),
            None => (
                !self
                    .os
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case("linux")),
                false,
            ),
        }
    }

    /// Whether it rewrites the source of routed traffic, and whether that was stated.
    pub fn snats(&self) -> (bool, bool) {
        match self.snat {
            Some(v) => (v, true),
            None => (true, false),
        }
    }
}

/// What an overlay policy decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayDecision {
    /// Allowed or not.
    pub allowed: bool,
    /// The rule that decided, or why none did (deny by default), for people.
    pub reason: String,
    /// Where the deciding rule is written.
    pub origin: Option<Location>,
}

/// The access policy of a mesh.
pub trait OverlayPolicy: fmt::Debug + Send + Sync {
    /// Whether `src` may open a connection to `dst` on `protocol`/`port`.
    fn decide(&self, src: &TailnetNode, dst: Ipv4Addr, protocol: u8, port: u16) -> OverlayDecision;

    /// The policy as address rules, when it can be written so (for export).
    fn address_rules(&self) -> Option<&[AddressRule]> {
        None
    }

    /// Whether it allows everything (no policy at all).
    fn allows_all(&self) -> bool {
        false
    }

    /// Every address range, port range and protocol the policy's decisions depend on:
    /// two packets that no item here tells apart get the same decision. `None` when
    /// the policy cannot say, and then questions over all packets cannot be answered
    /// exactly through the mesh.
    fn header_bounds(&self) -> Option<HeaderBounds> {
        if self.allows_all() {
            return Some(HeaderBounds::default());
        }
        self.address_rules().map(HeaderBounds::of_rules)
    }
}

/// What an overlay policy's decisions depend on (see [`OverlayPolicy::header_bounds`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderBounds {
    /// Address ranges (sources and destinations alike).
    pub cidrs: Vec<Ipv4Net>,
    /// Destination port ranges.
    pub ports: Vec<PortRange>,
    /// IP protocol numbers.
    pub protocols: Vec<u8>,
}

impl HeaderBounds {
    /// The bounds of a list of address rules.
    pub fn of_rules(rules: &[AddressRule]) -> HeaderBounds {
        let mut b = HeaderBounds::default();
        for r in rules {
            b.cidrs.extend(r.src.iter().copied());
            for (net, ports) in &r.dst {
                b.cidrs.push(*net);
                b.ports.push(*ports);
            }
            b.protocols.extend(r.protocols.iter().copied());
        }
        b
    }
}

/// An access rule in address form, as a mesh's control plane hands it to nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressRule {
    /// Source ranges.
    pub src: Vec<Ipv4Net>,
    /// Destination ranges with their ports.
    pub dst: Vec<(Ipv4Net, PortRange)>,
    /// IP protocol numbers; empty: TCP and UDP.
    pub protocols: Vec<u8>,
    /// How people know the rule (`acls[2]`).
    pub label: String,
    /// Where it is written.
    pub origin: Option<Location>,
}

/// A policy of address rules: the first rule whose sources hold one of the node's
/// addresses and whose destinations hold the address, port and protocol allows;
/// nothing else is allowed. ICMP passes between any two addresses a rule connects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// The rules, in order.
    pub rules: Vec<AddressRule>,
}

impl OverlayPolicy for AddressPolicy {
    fn decide(&self, src: &TailnetNode, dst: Ipv4Addr, protocol: u8, port: u16) -> OverlayDecision {
        let icmp = matches!(protocol, 1 | 58);
        let hit = self.rules.iter().find(|r| {
            let from = src
                .addrs
                .iter()
                .any(|a| r.src.iter().any(|n| n.contains(a)));
            let proto = icmp
                || if r.protocols.is_empty() {
                    matches!(protocol, 6 | 17)
                } else {
                    r.protocols.contains(&protocol)
                };
            let ported = matches!(protocol, 6 | 17 | 132);
            let to = r
                .dst
                .iter()
                .any(|(n, p)| n.contains(&dst) && (!ported || icmp || p.contains(port)));
            from && proto && to
        });
        match hit {
            Some(r) => OverlayDecision {
                allowed: true,
                reason: format!("allowed by {}", r.label),
                origin: r.origin.clone(),
            },
            None => OverlayDecision {
                allowed: false,
                reason: "no rule allows it, and a policy with rules denies by default".to_owned(),
                origin: None,
            },
        }
    }

    fn address_rules(&self) -> Option<&[AddressRule]> {
        Some(&self.rules)
    }
}

/// Tailscale's default policy: every node may reach everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllowAll;

impl OverlayPolicy for AllowAll {
    fn decide(&self, _: &TailnetNode, _: Ipv4Addr, _: u8, _: u16) -> OverlayDecision {
        OverlayDecision {
            allowed: true,
            reason: "no policy file: Tailscale's default policy allows all traffic".to_owned(),
            origin: None,
        }
    }

    fn allows_all(&self) -> bool {
        true
    }
}

/// A mesh.
#[derive(Clone, Debug)]
pub struct Tailnet {
    /// Its name (`example.com`, `tail1234.ts.net`).
    pub name: String,
    /// The access policy.
    pub policy: Arc<dyn OverlayPolicy>,
}

/// The address range Tailscale gives nodes (CGNAT space).
pub fn tailnet_range() -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::new(100, 64, 0, 0), 10).expect("a valid prefix")
}
