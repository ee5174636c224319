//! The policy's meaning: which connections it allows, which routes are approved, and
//! which device routes an address. Pure functions of a [`Tailnet`]; the same question
//! gives the same answer, naming the same rule.
//!
//! Selectors are matched against *principals*: a device's identity (its user, or its
//! tags when tagged) and its addresses. A test's source (`"src": "alice@example.com"`)
//! is a principal too — a device of that user whose address is unknown beyond lying in
//! the tailnet's ranges — so the same matcher answers both "can this packet pass?" and
//! "does this test hold?".

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use vpcnet_model::{Diagnostic, Location};

use crate::devices::{Node, User};
use crate::policy::{IpSetTarget, Policy, RuleKind};
use crate::selector::{Autogroup, Role, Selector, ICMP, ICMPV6};

/// Tailscale's IPv4 range (CGNAT), from which devices get their `100.x.y.z` address.
pub fn tailnet_v4() -> IpNet {
    IpNet::new(IpAddr::V4(Ipv4Addr::new(100, 64, 0, 0)), 10).unwrap_or_default()
}

/// Tailscale's IPv6 range, from which devices get their `fd7a:115c:a1e0:…` address.
pub fn tailnet_v6() -> IpNet {
    IpNet::new(
        IpAddr::V6(Ipv6Addr::new(0xfd7a, 0x115c, 0xa1e0, 0, 0, 0, 0, 0)),
        48,
    )
    .unwrap_or_default()
}

/// Whether `ip` is in `autogroup:internet` as Tailscale defines it: `0.0.0.0/0` and
/// `2000::/3` without the private ranges `10.0.0.0/8`, `172.16.0.0/12`,
/// `192.168.0.0/16`, the tailnet's `100.64.0.0/10` and link-local `169.254.0.0/16`.
pub fn is_internet(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, _, _] = v4.octets();
            !(a == 10
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 168)
                || (a == 100 && (64..128).contains(&b))
                || (a == 169 && b == 254))
        }
        IpAddr::V6(v6) => (v6.segments()[0] & 0xe000) == 0x2000,
    }
}

/// Who sends: a device of the tailnet, or an address (a device's Tailscale address,
/// or a host behind a subnet router).
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A device.
    Node(&'a Node),
    /// An address.
    Addr(IpAddr),
}

impl<'a> From<&'a Node> for Source<'a> {
    fn from(n: &'a Node) -> Source<'a> {
        Source::Node(n)
    }
}

impl From<IpAddr> for Source<'_> {
    fn from(ip: IpAddr) -> Self {
        Source::Addr(ip)
    }
}

/// The access rule that allowed a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMatch {
    /// ACL or grant.
    pub kind: RuleKind,
    /// Its index in `acls` or `grants`.
    pub index: usize,
    /// JSON pointer of the entry (`/acls/2`).
    pub pointer: String,
    /// JSON pointer of the destination that matched (`/acls/2/dst/0`).
    pub dst_pointer: String,
    /// That destination as written.
    pub dst_written: String,
    /// ICMP allowed because the rule connects the two addresses, though it names
    /// other protocols (Tailscale lets ICMP through between any pair of addresses a
    /// rule connects).
    pub icmp_implied: bool,
}

impl RuleMatch {
    /// `acls[2]`, `grants[0]`.
    pub fn label(&self) -> String {
        format!("{}[{}]", self.kind.section(), self.index)
    }
}

/// Why everything is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultPolicy {
    /// No policy file was given: a new tailnet's default policy allows everything.
    NoPolicyFile,
    /// The policy file has neither `acls` nor `grants`; Tailscale then applies its
    /// default policy, which allows everything.
    NoAccessRules,
}

/// Why a connection is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denial {
    /// No access rule allows it: the policy denies by default.
    NoRuleMatched,
    /// The source is a device shared in from another tailnet; such devices can only
    /// answer connections, never open them.
    SourceQuarantined {
        /// The device's name.
        node: String,
    },
    /// The source device is not authorized to join the tailnet.
    SourceNotAuthorized {
        /// The device's name.
        node: String,
    },
    /// The destination device is not authorized to join the tailnet.
    DestinationNotAuthorized {
        /// The device's name.
        node: String,
    },
    /// The destination device blocks incoming connections ("shields up").
    DestinationBlocksIncoming {
        /// The device's name.
        node: String,
    },
}

/// The answer to "may this connection be opened?", with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An access rule allows it.
    Allowed(RuleMatch),
    /// Tailscale's default policy allows it.
    AllowedByDefault(DefaultPolicy),
    /// It is refused.
    Denied(Denial),
}

impl Decision {
    /// Whether the connection may be opened.
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Decision::Denied(_))
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allowed(m) => {
                write!(f, "allowed by {} (`{}` at #{})", m.label(), m.dst_written, m.dst_pointer)?;
                if m.icmp_implied {
                    f.write_str(", ICMP between addresses the rule connects")?;
                }
                Ok(())
            }
            Decision::AllowedByDefault(DefaultPolicy::NoPolicyFile) => {
                f.write_str("allowed: no policy file, so Tailscale's default policy allows everything")
            }
            Decision::AllowedByDefault(DefaultPolicy::NoAccessRules) => f.write_str(
                "allowed: the policy has neither `acls` nor `grants`, so Tailscale's default policy allows everything",
            ),
            Decision::Denied(Denial::NoRuleMatched) => {
                f.write_str("denied by default: no acl or grant allows it")
            }
            Decision::Denied(Denial::SourceQuarantined { node }) => write!(
                f,
                "denied: `{node}` is shared in from another tailnet and may only answer connections"
            ),
            Decision::Denied(Denial::SourceNotAuthorized { node }) => {
                write!(f, "denied: source `{node}` is not authorized")
            }
            Decision::Denied(Denial::DestinationNotAuthorized { node }) => {
                write!(f, "denied: destination `{node}` is not authorized")
            }
            Decision::Denied(Denial::DestinationBlocksIncoming { node }) => {
                write!(f, "denied: `{node}` blocks incoming connections")
            }
        }
    }
}

/// How a route came to be approved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Approval {
    /// An admin enabled it (`enabledRoutes`).
    Enabled,
    /// `autoApprovers` approves it for the device's tags or user.
    AutoApproved {
        /// JSON pointer of the approving entry (`/autoApprovers/routes/10.0.0.0~116`
        /// or `/autoApprovers/exitNode`).
        pointer: String,
    },
}

/// An approved route of a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovedRoute {
    /// The route (`0.0.0.0/0` or `::/0` for an exit node).
    pub prefix: IpNet,
    /// How.
    pub approval: Approval,
    /// Whether the device also advertises it: only then does it carry traffic.
    pub advertised: bool,
}

/// A device that routes an address: one of its routes in effect covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteMatch<'a> {
    /// The router.
    pub node: &'a Node,
    /// The route that matched.
    pub prefix: IpNet,
}

/// Who is on one side of a connection: an identity and addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Principal {
    /// The owner, for an untagged device (a tagged device has no user identity).
    pub(crate) user: Option<String>,
    pub(crate) tags: Vec<String>,
    /// `None`: some address in the tailnet's ranges, not known which.
    pub(crate) addrs: Option<Vec<IpAddr>>,
    /// Shared in from another tailnet.
    pub(crate) external: bool,
}

impl Principal {
    pub(crate) fn user(login: &str) -> Principal {
        Principal {
            user: Some(login.to_owned()),
            ..Principal::default()
        }
    }

    pub(crate) fn tag(tag: &str) -> Principal {
        Principal {
            tags: vec![tag.to_owned()],
            ..Principal::default()
        }
    }

    pub(crate) fn of_node(n: &Node, addrs: Vec<IpAddr>) -> Principal {
        Principal {
            user: if n.is_tagged() { None } else { n.user.clone() },
            tags: n.tags.clone(),
            addrs: Some(addrs),
            external: n.external,
        }
    }

    pub(crate) fn raw(ip: IpAddr) -> Principal {
        Principal {
            addrs: Some(vec![ip]),
            ..Principal::default()
        }
    }
}

/// A tailnet: its policy (or none), its devices and, optionally, its users.
#[derive(Clone, Debug)]
pub struct Tailnet {
    policy: Option<Policy>,
    nodes: Vec<Node>,
    users: Vec<User>,
    by_addr: BTreeMap<IpAddr, usize>,
    /// Routes in effect (approved and advertised, device authorized): (route, device).
    routes: Vec<(IpNet, usize)>,
}

impl Tailnet {
    /// A tailnet from its policy (`None`: no policy file, Tailscale's default policy)
    /// and its devices.
    pub fn new(policy: Option<Policy>, nodes: Vec<Node>) -> Tailnet {
        let mut t = Tailnet {
            policy,
            nodes,
            users: Vec::new(),
            by_addr: BTreeMap::new(),
            routes: Vec::new(),
        };
        for (i, n) in t.nodes.iter().enumerate() {
            for a in &n.addresses {
                t.by_addr.entry(*a).or_insert(i);
            }
        }
        t.recompute_routes();
        t
    }

    /// The same tailnet, knowing its users' roles (for `autogroup:admin`, …) and which
    /// users are shared ones.
    pub fn with_users(mut self, users: Vec<User>) -> Tailnet {
        self.users = users;
        self.recompute_routes();
        self
    }

    fn recompute_routes(&mut self) {
        let mut routes = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if !n.authorized {
                continue;
            }
            for r in self.approved_routes(n) {
                if r.advertised {
                    routes.push((r.prefix, i));
                }
            }
        }
        self.routes = routes;
    }

    /// Routes in effect with the index of their device, in input order.
    pub(crate) fn route_table(&self) -> &[(IpNet, usize)] {
        &self.routes
    }

    /// The policy, when a policy file was given.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    /// The devices, in input order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The users, when given.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The device owning Tailscale address `ip`.
    pub fn node_by_addr(&self, ip: IpAddr) -> Option<&Node> {
        self.by_addr.get(&ip).map(|i| &self.nodes[*i])
    }

    /// The device called `name`: its MagicDNS name (with or without the final dot),
    /// the first label of it, or its hostname, ignoring ASCII case.
    pub fn node_by_name(&self, name: &str) -> Option<&Node> {
        let name = name.trim_end_matches('.');
        self.nodes.iter().find(|n| {
            n.name.trim_end_matches('.').eq_ignore_ascii_case(name)
                || n.short_name().eq_ignore_ascii_case(name)
                || n.hostname.eq_ignore_ascii_case(name)
        })
    }

    fn role(&self, login: &str) -> Option<Role> {
        self.users
            .iter()
            .find(|u| u.login.eq_ignore_ascii_case(login))
            .and_then(|u| u.role)
    }

    fn is_shared_user(&self, login: &str) -> bool {
        self.users
            .iter()
            .any(|u| u.shared && u.login.eq_ignore_ascii_case(login))
    }

    fn in_group(&self, group: &str, login: &str) -> bool {
        self.policy
            .as_ref()
            .and_then(|p| p.group(group))
            .is_some_and(|g| g.members.iter().any(|m| m.eq_ignore_ascii_case(login)))
    }

    /// Whether `ip` is in IP set `name` (operations in order: the last one that
    /// covers the address decides).
    fn in_ipset(&self, name: &str, ip: IpAddr, depth: usize) -> bool {
        let Some(set) = self.policy.as_ref().and_then(|p| p.ipset(name)) else {
            return false;
        };
        if depth > 32 {
            return false;
        }
        for op in set.ops.iter().rev() {
            let covers = match &op.target {
                IpSetTarget::Prefix(net) => net.contains(&ip),
                IpSetTarget::Range(a, b) => a.is_ipv4() == ip.is_ipv4() && *a <= ip && ip <= *b,
                IpSetTarget::Internet => is_internet(ip),
                IpSetTarget::IpSet(n) => self.in_ipset(n, ip, depth + 1),
            };
            if covers {
                return op.add;
            }
        }
        false
    }

    /// Whether `net` covers principal `p`'s address: one of its known addresses, or,
    /// when unknown, all of one of the tailnet's ranges.
    fn prefix_covers(net: &IpNet, p: &Principal) -> bool {
        match &p.addrs {
            Some(addrs) => addrs.iter().any(|a| net.contains(a)),
            None => net.contains(&tailnet_v4()) || net.contains(&tailnet_v6()),
        }
    }

    /// Whether `sel` selects principal `p`. `peer` is the other side (the source, when
    /// `p` is a destination), for `autogroup:self`.
    pub(crate) fn selects(&self, sel: &Selector, p: &Principal, peer: Option<&Principal>) -> bool {
        let untagged_user = || p.user.as_deref().filter(|_| p.tags.is_empty());
        match sel {
            Selector::Any => match &p.addrs {
                None => true,
                Some(addrs) => addrs.iter().any(|a| {
                    tailnet_v4().contains(a)
                        || tailnet_v6().contains(a)
                        || self.routes.iter().any(|(r, _)| r.contains(a))
                }),
            },
            Selector::User(u) => untagged_user().is_some_and(|x| x.eq_ignore_ascii_case(u)),
            Selector::UserDomain(d) => untagged_user().is_some_and(|x| {
                !p.external
                    && !self.is_shared_user(x)
                    && x.rsplit_once('@')
                        .is_some_and(|(_, dom)| dom.eq_ignore_ascii_case(d))
            }),
            Selector::Group(g) => untagged_user().is_some_and(|x| self.in_group(g, x)),
            Selector::Tag(t) => p.tags.iter().any(|x| x == t),
            Selector::Host(_, net) | Selector::Prefix(net) => Self::prefix_covers(net, p),
            Selector::IpSet(n) => p
                .addrs
                .as_ref()
                .is_some_and(|a| a.iter().any(|ip| self.in_ipset(n, *ip, 0))),
            Selector::Service(_) => false,
            Selector::Autogroup(a) => match a {
                Autogroup::DangerAll => true,
                Autogroup::Member => {
                    untagged_user().is_some_and(|x| !p.external && !self.is_shared_user(x))
                }
                Autogroup::Tagged => !p.tags.is_empty(),
                Autogroup::Shared => {
                    untagged_user().is_some_and(|x| p.external || self.is_shared_user(x))
                }
                Autogroup::Role(r) => untagged_user().is_some_and(|x| self.role(x) == Some(*r)),
                Autogroup::Internet => p
                    .addrs
                    .as_ref()
                    .is_some_and(|a| a.iter().any(|ip| is_internet(*ip))),
                Autogroup::SelfDevices => match (untagged_user(), peer) {
                    (Some(me), Some(src)) => src
                        .user
                        .as_deref()
                        .filter(|_| src.tags.is_empty())
                        .is_some_and(|s| s.eq_ignore_ascii_case(me)),
                    _ => false,
                },
            },
        }
    }

    /// Whether a device carrying one of `tags` routes `ip` (not a device's own
    /// address): one of the devices with the longest route in effect covering it,
    /// exit nodes' default routes included.
    fn routed_via(&self, tags: &[String], ip: IpAddr) -> bool {
        if self.by_addr.contains_key(&ip) {
            return false;
        }
        let covering = || self.routes.iter().filter(|(r, _)| r.contains(&ip));
        let Some(best) = covering().map(|(r, _)| r.prefix_len()).max() else {
            return false;
        };
        covering().any(|(r, i)| {
            r.prefix_len() == best && self.nodes[*i].tags.iter().any(|t| tags.contains(t))
        })
    }

    /// The policy's answer for principals, without the devices' own states.
    pub(crate) fn decide(
        &self,
        src: &Principal,
        dst: &Principal,
        dst_ip: Option<IpAddr>,
        proto: u8,
        port: u16,
    ) -> Decision {
        let Some(policy) = &self.policy else {
            return Decision::AllowedByDefault(DefaultPolicy::NoPolicyFile);
        };
        if !policy.has_access_rules {
            return Decision::AllowedByDefault(DefaultPolicy::NoAccessRules);
        }
        let icmp = matches!(proto, ICMP | ICMPV6);
        for rule in policy.rules() {
            if rule.posture || !rule.src.iter().any(|s| self.selects(s, src, None)) {
                continue;
            }
            if !rule.via.is_empty() && !dst_ip.is_some_and(|ip| self.routed_via(&rule.via, ip)) {
                continue;
            }
            for d in &rule.dst {
                if !self.selects(&d.selector, dst, Some(src)) {
                    continue;
                }
                let covered = d.caps.iter().any(|c| c.covers(proto, port));
                if covered || (icmp && !d.caps.is_empty()) {
                    return Decision::Allowed(RuleMatch {
                        kind: rule.kind,
                        index: rule.index,
                        pointer: rule.pointer.clone(),
                        dst_pointer: d.pointer.clone(),
                        dst_written: d.written.clone(),
                        icmp_implied: !covered,
                    });
                }
            }
        }
        Decision::Denied(Denial::NoRuleMatched)
    }

    /// May `src` open a connection to `dst` with IP protocol `proto` (6 TCP, 17 UDP,
    /// 1 ICMP, …) on destination port `port`? The devices' states come first (a source
    /// shared in from another tailnet or not authorized, a destination not authorized
    /// or blocking incoming connections), then the policy: the first ACL, then grant,
    /// that allows it is named; with neither `acls` nor `grants` (or no policy file),
    /// Tailscale's default policy allows everything.
    ///
    /// `dst` may be a device's Tailscale address or any other address (a host behind
    /// a subnet router, a public address through an exit node): the policy decides by
    /// address, and whether a device routes it is [`Tailnet::router_for`]'s question.
    pub fn allows<'a>(
        &'a self,
        src: impl Into<Source<'a>>,
        dst: IpAddr,
        proto: u8,
        port: u16,
    ) -> Decision {
        let (src_p, src_node) = match src.into() {
            Source::Node(n) => {
                let same: Vec<IpAddr> = n
                    .addresses
                    .iter()
                    .copied()
                    .filter(|a| a.is_ipv4() == dst.is_ipv4())
                    .collect();
                let addrs = if same.is_empty() {
                    n.addresses.clone()
                } else {
                    same
                };
                (Principal::of_node(n, addrs), Some(n))
            }
            Source::Addr(ip) => match self.node_by_addr(ip) {
                Some(n) => (Principal::of_node(n, vec![ip]), Some(n)),
                None => (Principal::raw(ip), None),
            },
        };
        if let Some(n) = src_node {
            if !n.authorized {
                return Decision::Denied(Denial::SourceNotAuthorized {
                    node: n.name.clone(),
                });
            }
            if n.external {
                return Decision::Denied(Denial::SourceQuarantined {
                    node: n.name.clone(),
                });
            }
        }
        let dst_p = match self.node_by_addr(dst) {
            Some(n) => {
                if !n.authorized {
                    return Decision::Denied(Denial::DestinationNotAuthorized {
                        node: n.name.clone(),
                    });
                }
                if n.blocks_incoming {
                    return Decision::Denied(Denial::DestinationBlocksIncoming {
                        node: n.name.clone(),
                    });
                }
                Principal::of_node(n, vec![dst])
            }
            None => Principal::raw(dst),
        };
        self.decide(&src_p, &dst_p, Some(dst), proto, port)
    }

    /// The routes approved for `node`: its `enabledRoutes`, then each advertised route
    /// that `autoApprovers` approves for its tags (or, untagged, its user) — a subnet
    /// of an auto-approved route is approved too; `0.0.0.0/0` and `::/0` only through
    /// `exitNode`. Each says whether the device also advertises it.
    pub fn approved_routes(&self, node: &Node) -> Vec<ApprovedRoute> {
        let mut out: Vec<ApprovedRoute> = node
            .enabled_routes
            .iter()
            .map(|r| ApprovedRoute {
                prefix: *r,
                approval: Approval::Enabled,
                advertised: node.advertised_routes.contains(r),
            })
            .collect();
        let Some(policy) = &self.policy else {
            return out;
        };
        let me = Principal::of_node(node, node.addresses.clone());
        let aa = &policy.auto_approvers;
        for r in &node.advertised_routes {
            if out.iter().any(|x| x.prefix == *r) {
                continue;
            }
            let pointer = if r.prefix_len() == 0 {
                aa.exit_node_pointer
                    .clone()
                    .filter(|_| aa.exit_node.iter().any(|s| self.selects(s, &me, None)))
            } else {
                aa.routes
                    .iter()
                    .find(|ra| {
                        ra.prefix.contains(r)
                            && ra.approvers.iter().any(|s| self.selects(s, &me, None))
                    })
                    .map(|ra| ra.pointer.clone())
            };
            if let Some(pointer) = pointer {
                out.push(ApprovedRoute {
                    prefix: *r,
                    approval: Approval::AutoApproved { pointer },
                    advertised: true,
                });
            }
        }
        out
    }

    /// The routes `node` carries traffic for: approved and advertised, on an
    /// authorized device.
    pub fn routes_in_effect(&self, node: &Node) -> Vec<IpNet> {
        if !node.authorized {
            return Vec::new();
        }
        self.approved_routes(node)
            .into_iter()
            .filter(|r| r.advertised)
            .map(|r| r.prefix)
            .collect()
    }

    /// Every device that routes `ip` through the longest matching subnet route in
    /// effect (several when routers share a route for high availability), in input
    /// order. Exit nodes' default routes are not counted: a client uses an exit node
    /// only when it selects one ([`Tailnet::exit_nodes`]).
    pub fn routers_for(&self, ip: IpAddr) -> Vec<RouteMatch<'_>> {
        let best = self
            .routes
            .iter()
            .filter(|(r, _)| r.prefix_len() > 0 && r.contains(&ip))
            .map(|(r, _)| r.prefix_len())
            .max();
        let Some(best) = best else {
            return Vec::new();
        };
        self.routes
            .iter()
            .filter(|(r, _)| r.prefix_len() == best && r.contains(&ip))
            .map(|(r, i)| RouteMatch {
                node: &self.nodes[*i],
                prefix: *r,
            })
            .collect()
    }

    /// The device that routes `ip` (the first of [`Tailnet::routers_for`]).
    pub fn router_for(&self, ip: IpAddr) -> Option<RouteMatch<'_>> {
        self.routers_for(ip).into_iter().next()
    }

    /// The devices that are exit nodes: a default route (`0.0.0.0/0` or `::/0`) in
    /// effect.
    pub fn exit_nodes(&self) -> Vec<&Node> {
        let mut out: Vec<&Node> = Vec::new();
        for (r, i) in &self.routes {
            let n = &self.nodes[*i];
            if r.prefix_len() == 0 && !out.iter().any(|x| std::ptr::eq(*x, n)) {
                out.push(n);
            }
        }
        out
    }

    /// Findings that need the policy and the devices together: tags no `tagOwners`
    /// entry defines, routes advertised but not approved (or approved but not
    /// advertised), role autogroups without a user list. `devices_file` names the
    /// device list for locations.
    pub fn findings(&self, devices_file: Option<&str>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let at = |n: &Node| Some(Location::pointer(devices_file, n.pointer.clone()));
        for n in &self.nodes {
            if let Some(p) = &self.policy {
                for t in &n.tags {
                    if !p.tag_owners.iter().any(|o| &o.tag == t) {
                        out.push(
                            Diagnostic::warning(
                                "UNKNOWN_REFERENCE",
                                format!("device `{}` carries tag `{t}`, which `tagOwners` does not define", n.name),
                            )
                            .at(at(n)),
                        );
                    }
                }
            }
            let approved = self.approved_routes(n);
            for r in &n.advertised_routes {
                if !approved.iter().any(|a| a.prefix == *r) {
                    out.push(
                        Diagnostic::note(
                            "ROUTE_NOT_APPROVED",
                            format!("device `{}` advertises `{r}`, which is neither enabled nor auto-approved; it carries no traffic", n.name),
                        )
                        .at(at(n)),
                    );
                }
            }
            for a in approved.iter().filter(|a| !a.advertised) {
                out.push(
                    Diagnostic::note(
                        "ROUTE_NOT_ADVERTISED",
                        format!("device `{}` has `{}` enabled but does not advertise it; it carries no traffic", n.name, a.prefix),
                    )
                    .at(at(n)),
                );
            }
        }
        if self.users.is_empty() && self.policy.as_ref().is_some_and(Policy::uses_roles) {
            out.push(Diagnostic::note(
                "ROLES_UNKNOWN",
                "the policy uses role autogroups (`autogroup:admin`, …) but no user list was given, so they match no one",
            ));
        }
        out
    }
}
