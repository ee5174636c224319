//! The tailnet policy file as values: groups, tag owners, hosts, IP sets, access rules
//! (`acls` and `grants`, both reduced to [`Rule`]), auto approvers and tests.
//!
//! Reading is lenient in the way the rest of vpcnet is: an entry that cannot be
//! understood is reported with its JSON pointer and line:column and left out, and the
//! rest loads. Leaving something out only ever removes access (an access rule, or one
//! selector of it), never adds it. Keys are matched without regard to ASCII case, as
//! Tailscale's decoder does (`"ACLs"`, `"Hosts"` and `"TagOwners"` in older files).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use vpcnet_model::{Diagnostic, Location};

use crate::hujson::{Kind, Member, Pos, Val};
use crate::selector::{
    check_ports_for, parse_grant_ip, parse_ports, parse_prefix, parse_proto, parse_raw,
    split_host_ports, Autogroup, Cap, Ports, Protos, Raw, Role, Selector,
};

/// Which section an access rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// `acls`: `action`, `src`, `proto`, `dst` as `host:ports`.
    Acl,
    /// `grants`: `src`, `dst`, `ip`, `via`.
    Grant,
}

impl RuleKind {
    /// The section's key: `acls` or `grants`.
    pub fn section(self) -> &'static str {
        match self {
            RuleKind::Acl => "acls",
            RuleKind::Grant => "grants",
        }
    }
}

/// One destination of an access rule with what it allows there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dst {
    /// Who or what is the destination.
    pub selector: Selector,
    /// Protocols and ports allowed there (an ACL destination's ports with the rule's
    /// `proto`; a grant's whole `ip` list).
    pub caps: Vec<Cap>,
    /// The element as written (`tag:web:443` for an ACL, `tag:web` for a grant).
    pub written: String,
    /// JSON pointer of the element (`/acls/0/dst/1`).
    pub pointer: String,
}

/// An access rule: an ACL or a grant. Every rule only allows; there is no deny.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// ACL or grant.
    pub kind: RuleKind,
    /// Index in its section as written (entries left out keep their numbers).
    pub index: usize,
    /// JSON pointer of the entry (`/acls/3`).
    pub pointer: String,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations.
    pub dst: Vec<Dst>,
    /// Grants only: the tags of the routers (subnet routers, exit nodes) the traffic
    /// must pass through; empty means any.
    pub via: Vec<String>,
    /// Whether the entry requires device posture (`srcPosture`), which the inputs do
    /// not describe: such an entry applies to no source.
    pub posture: bool,
}

impl Rule {
    /// `acls[3]` or `grants[0]`, for messages.
    pub fn label(&self) -> String {
        format!("{}[{}]", self.kind.section(), self.index)
    }
}

/// A group of the `groups` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `group:eng`.
    pub name: String,
    /// Logins of its users, in order (groups cannot contain groups).
    pub members: Vec<String>,
    /// JSON pointer of the group.
    pub pointer: String,
}

/// A tag of the `tagOwners` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagOwner {
    /// `tag:web`.
    pub tag: String,
    /// Who may apply it (`[]` is written for `autogroup:admin` alone).
    pub owners: Vec<Selector>,
    /// JSON pointer of the tag.
    pub pointer: String,
}

/// An alias of the `hosts` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAlias {
    /// The alias.
    pub name: String,
    /// The address (a /32 or /128) or CIDR it stands for.
    pub net: IpNet,
    /// JSON pointer of the alias.
    pub pointer: String,
}

/// What an IP set operation adds or removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpSetTarget {
    /// An address or CIDR (hosts are replaced by theirs).
    Prefix(IpNet),
    /// An inclusive range of addresses of one family.
    Range(IpAddr, IpAddr),
    /// `autogroup:internet`.
    Internet,
    /// Another IP set.
    IpSet(String),
}

/// One `add` or `remove` of an IP set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpSetOp {
    /// `add` (true) or `remove` (false).
    pub add: bool,
    /// What.
    pub target: IpSetTarget,
}

/// A named IP set of the `ipsets` section: operations applied in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpSet {
    /// `ipset:prod`.
    pub name: String,
    /// The operations, in order.
    pub ops: Vec<IpSetOp>,
    /// JSON pointer of the set.
    pub pointer: String,
}

/// One route of `autoApprovers.routes` and who may advertise it (or a subnet of it)
/// without an admin's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteApprover {
    /// The route.
    pub prefix: IpNet,
    /// Who.
    pub approvers: Vec<Selector>,
    /// JSON pointer of the route.
    pub pointer: String,
}

/// The `autoApprovers` section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoApprovers {
    /// `routes`.
    pub routes: Vec<RouteApprover>,
    /// `exitNode`: who may advertise an exit node without approval.
    pub exit_node: Vec<Selector>,
    /// JSON pointer of `exitNode`, when present.
    pub exit_node_pointer: Option<String>,
}

/// One destination of a test: `host:port` with a single port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDst {
    /// The host: an address, a host alias, a user, a group or a tag.
    pub selector: Selector,
    /// The port (`0` for ICMP).
    pub port: u16,
    /// As written.
    pub written: String,
    /// JSON pointer of the element (`/tests/0/accept/1`).
    pub pointer: String,
}

/// One entry of the `tests` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyTest {
    /// Index in `tests`.
    pub index: usize,
    /// JSON pointer of the entry.
    pub pointer: String,
    /// The identity tested: a user, a group (through a representative member), a tag,
    /// a host alias or a Tailscale address.
    pub src: Selector,
    /// `src` as written.
    pub src_written: String,
    /// `proto`: `None` checks TCP or UDP.
    pub proto: Option<Vec<u8>>,
    /// Destinations that must be reachable.
    pub accept: Vec<TestDst>,
    /// Destinations that must not be.
    pub deny: Vec<TestDst>,
}

/// A tailnet policy file, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// `groups`, in file order.
    pub groups: Vec<Group>,
    /// `tagOwners`, in file order.
    pub tag_owners: Vec<TagOwner>,
    /// `hosts`, in file order.
    pub hosts: Vec<HostAlias>,
    /// `ipsets`, in file order.
    pub ipsets: Vec<IpSet>,
    /// `acls`.
    pub acls: Vec<Rule>,
    /// `grants`.
    pub grants: Vec<Rule>,
    /// Whether the file has an `acls` or a `grants` section at all. Without either,
    /// Tailscale applies its default policy, which allows everything; with either
    /// (even empty), everything not allowed is denied.
    pub has_access_rules: bool,
    /// `autoApprovers`.
    pub auto_approvers: AutoApprovers,
    /// `tests`.
    pub tests: Vec<PolicyTest>,
}

impl Policy {
    /// The group named `name` (`group:eng`).
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The IP set named `name` (`ipset:prod`).
    pub fn ipset(&self, name: &str) -> Option<&IpSet> {
        self.ipsets.iter().find(|s| s.name == name)
    }

    /// Every access rule: the ACLs, then the grants.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.acls.iter().chain(self.grants.iter())
    }

    /// Whether any selector of an access rule, auto approver or tag owner is a
    /// role-based autogroup (`autogroup:admin`, …), whose members only a user list
    /// can tell.
    pub fn uses_roles(&self) -> bool {
        let role = |s: &Selector| matches!(s, Selector::Autogroup(Autogroup::Role(_)));
        self.rules()
            .any(|r| r.src.iter().any(role) || r.dst.iter().any(|d| role(&d.selector)))
            || self
                .auto_approvers
                .routes
                .iter()
                .any(|r| r.approvers.iter().any(role))
            || self.auto_approvers.exit_node.iter().any(role)
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn seg(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Where a selector stands; decides which selectors are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Src,
    Dst,
    TagOwner,
    AutoApprover,
    Via,
    TestSrc,
    TestDst,
}

impl Place {
    fn describe(self) -> &'static str {
        match self {
            Place::Src => "a source (`src`)",
            Place::Dst => "a destination (`dst`)",
            Place::TagOwner => "a tag owner",
            Place::AutoApprover => "an auto approver",
            Place::Via => "a `via` router",
            Place::TestSrc => "a test source",
            Place::TestDst => "a test destination",
        }
    }
}

/// The reader: the file name, the findings so far, and what earlier sections defined.
pub(crate) struct Reader<'a> {
    file: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
    policy: Policy,
    /// Tags some `tagOwners` entry defines.
    tags: BTreeSet<String>,
    /// IP set names, known before their contents are read (sets refer to each other).
    ipset_names: BTreeSet<String>,
    /// Where each IP set's list starts.
    ipset_pos: BTreeMap<String, Pos>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(file: &'a str) -> Reader<'a> {
        Reader {
            file,
            diags: Vec::new(),
            policy: Policy::default(),
            tags: BTreeSet::new(),
            ipset_names: BTreeSet::new(),
            ipset_pos: BTreeMap::new(),
        }
    }

    fn loc(&self, pointer: &str, pos: Pos) -> Option<Location> {
        Some(Location {
            file: Some(self.file.to_owned()),
            pointer: Some(pointer.to_owned()),
            line: Some(pos.line),
            column: Some(pos.col),
        })
    }

    fn push(&mut self, d: Diagnostic, pointer: &str, pos: Pos) {
        let loc = self.loc(pointer, pos);
        self.diags.push(d.at(loc));
    }

    fn error(&mut self, code: &'static str, msg: impl Into<String>, pointer: &str, pos: Pos) {
        self.push(Diagnostic::error(code, msg), pointer, pos);
    }

    fn warning(&mut self, code: &'static str, msg: impl Into<String>, pointer: &str, pos: Pos) {
        self.push(Diagnostic::warning(code, msg), pointer, pos);
    }

    fn note(&mut self, code: &'static str, msg: impl Into<String>, pointer: &str, pos: Pos) {
        self.push(Diagnostic::note(code, msg), pointer, pos);
    }

    /// An object's members by lower-case key, the last of duplicates winning (as
    /// Tailscale's decoder does), each duplicate reported.
    fn members<'v>(
        &mut self,
        members: &'v [Member],
        pointer: &str,
        what: &str,
    ) -> BTreeMap<String, &'v Member> {
        let mut out: BTreeMap<String, &'v Member> = BTreeMap::new();
        for m in members {
            let lower = m.key.to_ascii_lowercase();
            if let Some(prev) = out.insert(lower, m) {
                let at = format!("{pointer}/{}", seg(&prev.key));
                self.warning(
                    "DUPLICATE_KEY",
                    format!(
                        "{what} has `{}` more than once; the last one (line {}) wins",
                        prev.key, m.key_pos.line
                    ),
                    &at,
                    prev.key_pos,
                );
            }
        }
        out
    }

    /// Reports the members whose keys are not in `known` (lower-case) as notes.
    fn unknown_keys(&mut self, members: &[Member], known: &[&str], pointer: &str, what: &str) {
        for m in members {
            if !known.contains(&m.key.to_ascii_lowercase().as_str()) {
                let at = format!("{pointer}/{}", seg(&m.key));
                self.note(
                    "UNKNOWN_KEY",
                    format!(
                        "{what} has a key `{}` that vpcnet does not know; it is ignored",
                        m.key
                    ),
                    &at,
                    m.key_pos,
                );
            }
        }
    }

    /// The strings of an array, each with its pointer and position; anything else is
    /// reported and left out. `None` when `v` is not an array.
    fn strings(
        &mut self,
        v: &Val,
        pointer: &str,
        what: &str,
    ) -> Option<Vec<(String, String, Pos)>> {
        let Kind::Arr(items) = &v.kind else {
            self.error(
                "BAD_SHAPE",
                format!("{what} must be an array of strings, not {}", v.what()),
                pointer,
                v.pos,
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            match item.as_str() {
                Some(s) => out.push((s.to_owned(), at, item.pos)),
                None => self.error(
                    "BAD_SHAPE",
                    format!(
                        "{what} holds strings, not {}; the element is left out",
                        item.what()
                    ),
                    &at,
                    item.pos,
                ),
            }
        }
        Some(out)
    }

    /// Reads the whole document.
    pub(crate) fn read(mut self, root: &Val) -> (Policy, Vec<Diagnostic>) {
        let Kind::Obj(members) = &root.kind else {
            return (self.policy, self.diags);
        };
        let top = self.members(members, "", "the policy file");
        self.unknown_keys(
            members,
            &[
                "acls",
                "grants",
                "groups",
                "hosts",
                "tagowners",
                "ipsets",
                "autoapprovers",
                "tests",
                "ssh",
                "sshtests",
                "nodeattrs",
                "postures",
                "derpmap",
                "disableipv4",
                "randomizeclientport",
                "onecgnatroute",
            ],
            "",
            "the policy file",
        );
        for (key, what) in [
            ("ssh", "Tailscale SSH rules"),
            ("sshtests", "Tailscale SSH tests"),
            ("nodeattrs", "node attributes"),
            ("postures", "device posture definitions"),
            ("derpmap", "the DERP map"),
            ("disableipv4", "`disableIPv4`"),
            ("randomizeclientport", "`randomizeClientPort`"),
            ("onecgnatroute", "`OneCGNATRoute`"),
        ] {
            if let Some(m) = top.get(key) {
                let at = format!("/{}", seg(&m.key));
                self.note(
                    "NOT_MODELLED",
                    format!(
                        "`{}`: {what} are not modelled; only network access is evaluated",
                        m.key
                    ),
                    &at,
                    m.key_pos,
                );
            }
        }
        // Definitions first, whatever their place in the file: rules refer to them.
        if let Some(m) = top.get("groups") {
            self.groups(m);
        }
        if let Some(m) = top.get("hosts") {
            self.hosts(m);
        }
        if let Some(m) = top.get("tagowners") {
            self.tag_owners(m);
        }
        if let Some(m) = top.get("ipsets") {
            self.ipsets(m);
        }
        if let Some(m) = top.get("autoapprovers") {
            self.auto_approvers(m);
        }
        for (key, kind) in [("acls", RuleKind::Acl), ("grants", RuleKind::Grant)] {
            if let Some(m) = top.get(key) {
                self.policy.has_access_rules = true;
                self.rules(m, kind);
            }
        }
        if let Some(m) = top.get("tests") {
            self.tests(m);
        }
        // Findings in the order of the text, whatever the order of reading.
        self.diags.sort_by_key(|d| {
            let l = d.location.as_ref();
            (
                l.and_then(|l| l.line).unwrap_or(0),
                l.and_then(|l| l.column).unwrap_or(0),
            )
        });
        (self.policy, self.diags)
    }

    fn object<'v>(&mut self, m: &'v Member, what: &str) -> Option<(&'v [Member], String)> {
        let at = format!("/{}", seg(&m.key));
        match &m.val.kind {
            Kind::Obj(members) => Some((members, at)),
            _ => {
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "`{}` must be an object ({what}), not {}; it is ignored",
                        m.key,
                        m.val.what()
                    ),
                    &at,
                    m.val.pos,
                );
                None
            }
        }
    }

    fn groups(&mut self, m: &Member) {
        let Some((members, base)) = self.object(m, "group names to lists of users") else {
            return;
        };
        let _ = self.members(members, &base, "`groups`");
        for g in members {
            let at = format!("{base}/{}", seg(&g.key));
            if !g.key.starts_with("group:") || g.key.len() == "group:".len() {
                self.error(
                    "BAD_VALUE",
                    format!(
                        "group name `{}` must start with `group:`; the group is left out",
                        g.key
                    ),
                    &at,
                    g.key_pos,
                );
                continue;
            }
            let Some(items) = self.strings(&g.val, &at, &format!("group `{}`", g.key)) else {
                continue;
            };
            let mut users = Vec::new();
            for (s, p, pos) in items {
                if s.starts_with("group:") {
                    self.error(
                        "NESTED_GROUP",
                        format!("group `{}` names group `{s}`; groups cannot contain other groups, so the member is left out", g.key),
                        &p,
                        pos,
                    );
                } else if !s.contains('@') || s.starts_with('@') || s.contains(char::is_whitespace)
                {
                    self.error(
                        "BAD_VALUE",
                        format!("group `{}` holds `{s}`, which is not a user login (`name@example.com`, `name@github`); it is left out", g.key),
                        &p,
                        pos,
                    );
                } else {
                    users.push(s);
                }
            }
            // A later duplicate replaces the earlier one.
            self.policy.groups.retain(|x| x.name != g.key);
            self.policy.groups.push(Group {
                name: g.key.clone(),
                members: users,
                pointer: at,
            });
        }
    }

    fn hosts(&mut self, m: &Member) {
        let Some((members, base)) = self.object(m, "names to addresses or CIDRs") else {
            return;
        };
        let _ = self.members(members, &base, "`hosts`");
        for h in members {
            let at = format!("{base}/{}", seg(&h.key));
            let bad_name = h.key.is_empty()
                || h.key.contains(['@', ':', '*', ',', '/'])
                || h.key.contains(char::is_whitespace)
                || h.key.parse::<IpAddr>().is_ok();
            if bad_name {
                self.error(
                    "BAD_VALUE",
                    format!("`{}` cannot be a host name (no `@`, `:`, `/`, `*`, `,` or spaces, and not an address); it is left out", h.key),
                    &at,
                    h.key_pos,
                );
                continue;
            }
            let net = match h.val.as_str().map(parse_prefix) {
                Some(Ok(Some(net))) => net,
                _ => {
                    let shown = h
                        .val
                        .as_str()
                        .map_or_else(|| h.val.what().to_owned(), |s| format!("`{s}`"));
                    self.error(
                        "BAD_VALUE",
                        format!(
                            "host `{}` must be an IP address or CIDR, not {shown}; it is left out",
                            h.key
                        ),
                        &at,
                        h.val.pos,
                    );
                    continue;
                }
            };
            self.policy.hosts.retain(|x| x.name != h.key);
            self.policy.hosts.push(HostAlias {
                name: h.key.clone(),
                net,
                pointer: at,
            });
        }
    }

    fn tag_owners(&mut self, m: &Member) {
        let Some((members, base)) = self.object(m, "tags to their owners") else {
            return;
        };
        let _ = self.members(members, &base, "`tagOwners`");
        // Tags may own tags: know every tag before reading owners.
        for t in members {
            if is_tag_name(&t.key) {
                self.tags.insert(t.key.clone());
            }
        }
        for t in members {
            let at = format!("{base}/{}", seg(&t.key));
            if !is_tag_name(&t.key) {
                self.error(
                    "BAD_VALUE",
                    format!(
                        "`{}` must be a tag name (`tag:<name>`); it is left out",
                        t.key
                    ),
                    &at,
                    t.key_pos,
                );
                continue;
            }
            let Some(items) = self.strings(&t.val, &at, &format!("the owners of `{}`", t.key))
            else {
                continue;
            };
            let mut owners = Vec::new();
            if items.is_empty() {
                owners.push(Selector::Autogroup(Autogroup::Role(Role::Admin)));
            }
            for (s, p, pos) in items {
                if let Some(sel) = self.selector(&s, Place::TagOwner, &p, pos) {
                    owners.push(sel);
                }
            }
            self.policy.tag_owners.retain(|x| x.tag != t.key);
            self.policy.tag_owners.push(TagOwner {
                tag: t.key.clone(),
                owners,
                pointer: at,
            });
        }
    }

    fn ipsets(&mut self, m: &Member) {
        let Some((members, base)) = self.object(m, "IP set names to operations") else {
            return;
        };
        let _ = self.members(members, &base, "`ipsets`");
        for s in members {
            if s.key.starts_with("ipset:") && s.key.len() > "ipset:".len() {
                self.ipset_names.insert(s.key.clone());
            }
        }
        for s in members {
            let at = format!("{base}/{}", seg(&s.key));
            if !self.ipset_names.contains(&s.key) {
                self.error(
                    "BAD_VALUE",
                    format!(
                        "IP set name `{}` must start with `ipset:`; it is left out",
                        s.key
                    ),
                    &at,
                    s.key_pos,
                );
                continue;
            }
            let Some(items) = self.strings(&s.val, &at, &format!("IP set `{}`", s.key)) else {
                continue;
            };
            self.ipset_pos.insert(s.key.clone(), s.val.pos);
            let has_remove = items.iter().any(|(t, _, _)| t.starts_with("remove "));
            let mut ops = Vec::new();
            for (text, p, pos) in items {
                let (add, target) = if let Some(t) = text.strip_prefix("add ") {
                    (true, t.trim())
                } else if let Some(t) = text.strip_prefix("remove ") {
                    (false, t.trim())
                } else {
                    if has_remove {
                        self.warning(
                            "BAD_VALUE",
                            format!("`{text}` in IP set `{}` has no operation; a set that removes must write `add` before each target (taken as `add`)", s.key),
                            &p,
                            pos,
                        );
                    }
                    (true, text.as_str())
                };
                match self.ipset_target(target) {
                    Ok(target) => ops.push(IpSetOp { add, target }),
                    Err(msg) => self.error(
                        "BAD_VALUE",
                        format!("IP set `{}`: {msg}; the operation is left out", s.key),
                        &p,
                        pos,
                    ),
                }
            }
            self.policy.ipsets.retain(|x| x.name != s.key);
            self.policy.ipsets.push(IpSet {
                name: s.key.clone(),
                ops,
                pointer: at,
            });
        }
        self.break_ipset_cycles();
    }

    fn ipset_target(&self, t: &str) -> Result<IpSetTarget, String> {
        if t == "autogroup:internet" {
            return Ok(IpSetTarget::Internet);
        }
        if t.starts_with("ipset:") {
            return if self.ipset_names.contains(t) {
                Ok(IpSetTarget::IpSet(t.to_owned()))
            } else {
                Err(format!("`{t}` is not defined in `ipsets`"))
            };
        }
        if let Some((a, b)) = t.split_once('-') {
            if let (Ok(a), Ok(b)) = (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
                if a.is_ipv4() != b.is_ipv4() || a > b {
                    return Err(format!(
                        "`{t}` is not a range of addresses (one family, first ≤ last)"
                    ));
                }
                return Ok(IpSetTarget::Range(a, b));
            }
        }
        match parse_raw(t)? {
            Raw::Prefix(net) => Ok(IpSetTarget::Prefix(net)),
            Raw::HostName(name) => match self.policy.hosts.iter().find(|h| h.name == name) {
                Some(h) => Ok(IpSetTarget::Prefix(h.net)),
                None => Err(format!("host `{name}` is not defined in `hosts`")),
            },
            Raw::Autogroup(a) => Err(format!("`{a}` cannot be in an IP set; the only autogroup allowed is `autogroup:internet`")),
            _ => Err(format!("`{t}`: IP sets hold addresses, CIDRs, ranges, hosts, `autogroup:internet` and other IP sets, not users, groups or tags")),
        }
    }

    /// Drops each reference that closes a cycle between IP sets, reporting it.
    fn break_ipset_cycles(&mut self) {
        let names: Vec<String> = self.policy.ipsets.iter().map(|s| s.name.clone()).collect();
        for name in names {
            while let Some((set_i, op_i)) = self.find_cycle_edge(&name) {
                let set = &mut self.policy.ipsets[set_i];
                let removed = set.ops.remove(op_i);
                let target = match removed.target {
                    IpSetTarget::IpSet(n) => n,
                    _ => String::new(),
                };
                let msg = format!(
                    "IP set `{}` refers to `{target}`, closing a cycle of IP sets; the reference is left out",
                    set.name
                );
                let pointer = set.pointer.clone();
                let pos = self.ipset_pos.get(&set.name).copied().unwrap_or_default();
                self.error("BAD_VALUE", msg, &pointer, pos);
            }
        }
    }

    /// A reference (set index, op index) on a path from `start` back to `start`.
    fn find_cycle_edge(&self, start: &str) -> Option<(usize, usize)> {
        let sets = &self.policy.ipsets;
        let index = |n: &str| sets.iter().position(|s| s.name == n);
        let mut stack = vec![index(start)?];
        let mut seen = BTreeSet::new();
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            for (oi, op) in sets[i].ops.iter().enumerate() {
                if let IpSetTarget::IpSet(n) = &op.target {
                    if n == start {
                        return Some((i, oi));
                    }
                    if let Some(j) = index(n) {
                        stack.push(j);
                    }
                }
            }
        }
        None
    }

    fn auto_approvers(&mut self, m: &Member) {
        let Some((members, base)) = self.object(m, "`routes` and `exitNode`") else {
            return;
        };
        let keys = self.members(members, &base, "`autoApprovers`");
        self.unknown_keys(
            members,
            &["routes", "exitnode", "services"],
            &base,
            "`autoApprovers`",
        );
        if let Some(s) = keys.get("services") {
            let at = format!("{base}/{}", seg(&s.key));
            self.note(
                "NOT_MODELLED",
                "auto approval of Tailscale Services is not modelled",
                &at,
                s.key_pos,
            );
        }
        if let Some(r) = keys.get("routes") {
            let at = format!("{base}/{}", seg(&r.key));
            match &r.val.kind {
                Kind::Obj(routes) => {
                    let _ = self.members(routes, &at, "`autoApprovers.routes`");
                    for route in routes {
                        let rat = format!("{at}/{}", seg(&route.key));
                        let prefix = match parse_prefix(&route.key) {
                            Ok(Some(p)) => p,
                            _ => {
                                self.error(
                                    "BAD_CIDR",
                                    format!(
                                        "auto-approved route `{}` is not a CIDR; it is left out",
                                        route.key
                                    ),
                                    &rat,
                                    route.key_pos,
                                );
                                continue;
                            }
                        };
                        let Some(items) = self.strings(
                            &route.val,
                            &rat,
                            &format!("the approvers of `{}`", route.key),
                        ) else {
                            continue;
                        };
                        let approvers = items
                            .into_iter()
                            .filter_map(|(s, p, pos)| {
                                self.selector(&s, Place::AutoApprover, &p, pos)
                            })
                            .collect();
                        self.policy.auto_approvers.routes.push(RouteApprover {
                            prefix,
                            approvers,
                            pointer: rat,
                        });
                    }
                }
                _ => self.error(
                    "BAD_SHAPE",
                    format!(
                        "`{}` must be an object of routes to approvers, not {}",
                        r.key,
                        r.val.what()
                    ),
                    &at,
                    r.val.pos,
                ),
            }
        }
        if let Some(e) = keys.get("exitnode") {
            let at = format!("{base}/{}", seg(&e.key));
            if let Some(items) = self.strings(&e.val, &at, "`exitNode`") {
                let approvers = items
                    .into_iter()
                    .filter_map(|(s, p, pos)| self.selector(&s, Place::AutoApprover, &p, pos))
                    .collect();
                self.policy.auto_approvers.exit_node = approvers;
                self.policy.auto_approvers.exit_node_pointer = Some(at);
            }
        }
    }

    fn rules(&mut self, m: &Member, kind: RuleKind) {
        let base = format!("/{}", seg(&m.key));
        let Kind::Arr(items) = &m.val.kind else {
            self.error(
                "BAD_SHAPE",
                format!("`{}` must be an array of rules, not {}; no rule is read, so everything is denied", m.key, m.val.what()),
                &base,
                m.val.pos,
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("{base}/{i}");
            let Kind::Obj(fields) = &item.kind else {
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "{}[{i}] must be an object, not {}; it is left out",
                        kind.section(),
                        item.what()
                    ),
                    &at,
                    item.pos,
                );
                continue;
            };
            let rule = match kind {
                RuleKind::Acl => self.acl(i, &at, item.pos, fields),
                RuleKind::Grant => self.grant(i, &at, item.pos, fields),
            };
            if let Some(rule) = rule {
                self.check_self(&rule, item.pos);
                match kind {
                    RuleKind::Acl => self.policy.acls.push(rule),
                    RuleKind::Grant => self.policy.grants.push(rule),
                }
            }
        }
    }

    /// `autogroup:self` as a destination takes only users, groups and role autogroups
    /// as sources; whatever the sources, it only ever connects a user's own devices.
    fn check_self(&mut self, rule: &Rule, pos: Pos) {
        let has_self = rule
            .dst
            .iter()
            .any(|d| d.selector == Selector::Autogroup(Autogroup::SelfDevices));
        let other = rule.src.iter().find(|s| {
            !matches!(
                s,
                Selector::User(_)
                    | Selector::Group(_)
                    | Selector::UserDomain(_)
                    | Selector::Autogroup(Autogroup::Member | Autogroup::Role(_))
            )
        });
        if let (true, Some(other)) = (has_self, other) {
            self.warning(
                "SELECTOR_NOT_ALLOWED",
                format!(
                    "{} sends `{other}` to `autogroup:self`, which takes only users, groups and role autogroups as sources; it still reaches only a user's own devices from that user's devices",
                    rule.label()
                ),
                &rule.pointer,
                pos,
            );
        }
    }

    /// A required field of a rule or test, reported when missing.
    fn required<'v>(
        &mut self,
        keys: &BTreeMap<String, &'v Member>,
        names: &[&str],
        label: &str,
        at: &str,
        pos: Pos,
    ) -> Option<&'v Member> {
        let found = names.iter().find_map(|n| keys.get(*n).copied());
        if found.is_none() {
            self.error(
                "MISSING_FIELD",
                format!("{label} has no `{}`; it is left out", names[0]),
                at,
                pos,
            );
        }
        found
    }

    fn sources(&mut self, m: &Member, at: &str, label: &str) -> Option<Vec<Selector>> {
        let sat = format!("{at}/{}", seg(&m.key));
        let items = self.strings(&m.val, &sat, &format!("`{}` of {label}", m.key))?;
        Some(
            items
                .into_iter()
                .filter_map(|(s, p, pos)| self.selector(&s, Place::Src, &p, pos))
                .collect(),
        )
    }

    fn posture(&mut self, keys: &BTreeMap<String, &Member>, at: &str, label: &str) -> bool {
        let Some(p) = keys.get("srcposture") else {
            return false;
        };
        let pat = format!("{at}/{}", seg(&p.key));
        self.warning(
            "NOT_MODELLED",
            format!("{label} requires device posture, which the inputs do not describe; it applies to no source"),
            &pat,
            p.key_pos,
        );
        true
    }

    fn acl(&mut self, i: usize, at: &str, pos: Pos, fields: &[Member]) -> Option<Rule> {
        let label = format!("acls[{i}]");
        let keys = self.members(fields, at, &label);
        self.unknown_keys(
            fields,
            &[
                "action",
                "src",
                "users",
                "dst",
                "ports",
                "proto",
                "srcposture",
            ],
            at,
            &label,
        );
        let action = self.required(&keys, &["action"], &label, at, pos)?;
        if action.val.as_str() != Some("accept") {
            let shown = action
                .val
                .as_str()
                .map_or_else(|| action.val.what().to_owned(), |s| format!("`{s}`"));
            let aat = format!("{at}/{}", seg(&action.key));
            self.error(
                "BAD_VALUE",
                format!("{label} has action {shown}; the only action is `accept`, so the rule is left out"),
                &aat,
                action.val.pos,
            );
            return None;
        }
        let src_m = self.required(&keys, &["src", "users"], &label, at, pos)?;
        let dst_m = self.required(&keys, &["dst", "ports"], &label, at, pos)?;
        let protos = match keys.get("proto") {
            None => None,
            Some(p) => {
                let pat = format!("{at}/{}", seg(&p.key));
                match p.val.as_str().map(parse_proto) {
                    Some(Ok(l)) => Some(l),
                    Some(Err(msg)) => {
                        self.error(
                            "BAD_VALUE",
                            format!("{label}: {msg}; the rule is left out"),
                            &pat,
                            p.val.pos,
                        );
                        return None;
                    }
                    None => {
                        self.error(
                            "BAD_SHAPE",
                            format!("{label}: `proto` must be a string such as `\"tcp\"` or `\"16\"`, not {}; the rule is left out", p.val.what()),
                            &pat,
                            p.val.pos,
                        );
                        return None;
                    }
                }
            }
        };
        let src = self.sources(src_m, at, &label)?;
        let dat = format!("{at}/{}", seg(&dst_m.key));
        let items = self.strings(&dst_m.val, &dat, &format!("`{}` of {label}", dst_m.key))?;
        let mut dst = Vec::new();
        for (written, p, dpos) in items {
            match self.acl_dst(&written, protos.as_deref(), &p, dpos) {
                Some((selector, ports)) => dst.push(Dst {
                    selector,
                    caps: vec![Cap {
                        protos: protos.clone().map_or(Protos::Default, Protos::Listed),
                        ports,
                    }],
                    written,
                    pointer: p,
                }),
                None => continue,
            }
        }
        let posture = self.posture(&keys, at, &label);
        Some(Rule {
            kind: RuleKind::Acl,
            index: i,
            pointer: at.to_owned(),
            src,
            dst,
            via: Vec::new(),
            posture,
        })
    }

    fn acl_dst(
        &mut self,
        written: &str,
        protos: Option<&[u8]>,
        at: &str,
        pos: Pos,
    ) -> Option<(Selector, Ports)> {
        let parsed = split_host_ports(written).and_then(|(host, ports)| {
            let ports = parse_ports(ports).map_err(|m| format!("`{written}`: {m}"))?;
            if let Some(protos) = protos {
                check_ports_for(protos, &ports, written)?;
            }
            Ok((host, ports))
        });
        match parsed {
            Ok((host, ports)) => Some((self.selector(host, Place::Dst, at, pos)?, ports)),
            Err(msg) => {
                self.error(
                    "BAD_PORTS",
                    format!("{msg}; the destination is left out"),
                    at,
                    pos,
                );
                None
            }
        }
    }

    fn grant(&mut self, i: usize, at: &str, pos: Pos, fields: &[Member]) -> Option<Rule> {
        let label = format!("grants[{i}]");
        let keys = self.members(fields, at, &label);
        self.unknown_keys(
            fields,
            &["src", "dst", "ip", "app", "via", "srcposture"],
            at,
            &label,
        );
        let src_m = self.required(&keys, &["src"], &label, at, pos)?;
        let dst_m = self.required(&keys, &["dst"], &label, at, pos)?;
        let (ip_m, app_m) = (keys.get("ip").copied(), keys.get("app").copied());
        if ip_m.is_none() && app_m.is_none() {
            self.error(
                "MISSING_FIELD",
                format!("{label} has neither `ip` nor `app`; it is left out"),
                at,
                pos,
            );
            return None;
        }
        if let Some(app) = app_m {
            let aat = format!("{at}/{}", seg(&app.key));
            self.note(
                "NOT_MODELLED",
                format!("{label}: application capabilities (`app`) are not evaluated; only `ip` gives network access"),
                &aat,
                app.key_pos,
            );
        }
        let src = self.sources(src_m, at, &label)?;
        let mut caps = Vec::new();
        if let Some(ip) = ip_m {
            let iat = format!("{at}/{}", seg(&ip.key));
            for (written, p, ipos) in self.strings(&ip.val, &iat, &format!("`ip` of {label}"))? {
                match parse_grant_ip(&written) {
                    Ok(cap) => caps.push(cap),
                    Err(msg) => self.error(
                        "BAD_PORTS",
                        format!("{msg}; the element is left out"),
                        &p,
                        ipos,
                    ),
                }
            }
        }
        let dat = format!("{at}/{}", seg(&dst_m.key));
        let mut dst = Vec::new();
        for (written, p, dpos) in self.strings(&dst_m.val, &dat, &format!("`dst` of {label}"))? {
            if let Some(selector) = self.selector(&written, Place::Dst, &p, dpos) {
                dst.push(Dst {
                    selector,
                    caps: caps.clone(),
                    written,
                    pointer: p,
                });
            }
        }
        let mut via = Vec::new();
        if let Some(v) = keys.get("via") {
            let vat = format!("{at}/{}", seg(&v.key));
            if !matches!(v.val.kind, Kind::Null) {
                for (s, p, vpos) in self.strings(&v.val, &vat, &format!("`via` of {label}"))? {
                    if let Some(Selector::Tag(t)) = self.selector(&s, Place::Via, &p, vpos) {
                        via.push(t);
                    }
                }
            }
        }
        let posture = self.posture(&keys, at, &label);
        Some(Rule {
            kind: RuleKind::Grant,
            index: i,
            pointer: at.to_owned(),
            src,
            dst,
            via,
            posture,
        })
    }

    fn tests(&mut self, m: &Member) {
        let base = format!("/{}", seg(&m.key));
        let Kind::Arr(items) = &m.val.kind else {
            self.error(
                "BAD_SHAPE",
                format!(
                    "`{}` must be an array of tests, not {}",
                    m.key,
                    m.val.what()
                ),
                &base,
                m.val.pos,
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("{base}/{i}");
            let label = format!("tests[{i}]");
            let Kind::Obj(fields) = &item.kind else {
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "{label} must be an object, not {}; it is left out",
                        item.what()
                    ),
                    &at,
                    item.pos,
                );
                continue;
            };
            let keys = self.members(fields, &at, &label);
            self.unknown_keys(
                fields,
                &["src", "proto", "accept", "allow", "deny", "srcpostureattrs"],
                &at,
                &label,
            );
            if let Some(p) = keys.get("srcpostureattrs") {
                let pat = format!("{at}/{}", seg(&p.key));
                self.note(
                    "NOT_MODELLED",
                    format!("{label}: posture attributes are not evaluated; rules that require posture apply to no source"),
                    &pat,
                    p.key_pos,
                );
            }
            let Some(src_m) = self.required(&keys, &["src"], &label, &at, item.pos) else {
                continue;
            };
            let sat = format!("{at}/{}", seg(&src_m.key));
            let Some(src_written) = src_m.val.as_str().map(str::to_owned) else {
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "{label}: `src` must be a string, not {}; the test is left out",
                        src_m.val.what()
                    ),
                    &sat,
                    src_m.val.pos,
                );
                continue;
            };
            let Some(src) = self.selector(&src_written, Place::TestSrc, &sat, src_m.val.pos) else {
                continue;
            };
            let proto = match keys.get("proto") {
                None => None,
                Some(p) => {
                    let pat = format!("{at}/{}", seg(&p.key));
                    match p.val.as_str().map(parse_proto) {
                        Some(Ok(l)) => Some(l),
                        Some(Err(msg)) => {
                            self.error(
                                "BAD_VALUE",
                                format!("{label}: {msg}; the test is left out"),
                                &pat,
                                p.val.pos,
                            );
                            continue;
                        }
                        None => {
                            self.error("BAD_SHAPE", format!("{label}: `proto` must be a string, not {}; the test is left out", p.val.what()), &pat, p.val.pos);
                            continue;
                        }
                    }
                }
            };
            let mut lists = [Vec::new(), Vec::new()];
            for (slot, names) in [(0usize, ["accept", "allow"]), (1, ["deny", "deny"])] {
                let Some(list) = names.iter().find_map(|n| keys.get(*n).copied()) else {
                    continue;
                };
                let lat = format!("{at}/{}", seg(&list.key));
                let Some(items) =
                    self.strings(&list.val, &lat, &format!("`{}` of {label}", list.key))
                else {
                    continue;
                };
                for (written, p, dpos) in items {
                    if let Some(d) = self.test_dst(&written, &p, dpos) {
                        lists[slot].push(d);
                    }
                }
            }
            let [accept, deny] = lists;
            self.policy.tests.push(PolicyTest {
                index: i,
                pointer: at,
                src,
                src_written,
                proto,
                accept,
                deny,
            });
        }
    }

    fn test_dst(&mut self, written: &str, at: &str, pos: Pos) -> Option<TestDst> {
        let (host, port) = match split_host_ports(written) {
            Ok(x) => x,
            Err(msg) => {
                self.error(
                    "BAD_PORTS",
                    format!("{msg}; the destination is left out"),
                    at,
                    pos,
                );
                return None;
            }
        };
        let port = match port.parse::<u16>() {
            Ok(p) if port.bytes().all(|b| b.is_ascii_digit()) => p,
            _ => {
                self.error(
                    "BAD_PORTS",
                    format!("`{written}`: a test destination takes one port number (`0` for ICMP), not `{port}`; it is left out"),
                    at,
                    pos,
                );
                return None;
            }
        };
        let selector = self.selector(host, Place::TestDst, at, pos)?;
        Some(TestDst {
            selector,
            port,
            written: written.to_owned(),
            pointer: at.to_owned(),
        })
    }

    /// Reads one selector for `place`, resolving names; `None` (reported) when it is
    /// malformed, undefined where that matters, or not allowed there.
    fn selector(&mut self, s: &str, place: Place, at: &str, pos: Pos) -> Option<Selector> {
        let raw = match parse_raw(s) {
            Ok(r) => r,
            Err(msg) => {
                let hint = if place == Place::Dst && s.matches(':').count() >= 2 && !s.contains('[')
                {
                    " (grants take ports in `ip`, not in `dst`)"
                } else {
                    ""
                };
                self.error("BAD_VALUE", format!("{msg}{hint}; it is left out"), at, pos);
                return None;
            }
        };
        let not_allowed = |this: &mut Self, what: &str| {
            this.error(
                "SELECTOR_NOT_ALLOWED",
                format!("{what} cannot be {}; it is left out", place.describe()),
                at,
                pos,
            );
            None
        };
        let single = |net: &IpNet| net.prefix_len() == net.max_prefix_len();
        let sel = match raw {
            Raw::Any => match place {
                Place::Src | Place::Dst => Selector::Any,
                Place::TestSrc | Place::TestDst => {
                    return not_allowed(
                        self,
                        "`*` (tests name specific users, tags, hosts or addresses)",
                    )
                }
                _ => return not_allowed(self, "`*`"),
            },
            Raw::User(u) => match place {
                Place::Via => return not_allowed(self, &format!("user `{u}` (only tags)")),
                _ => Selector::User(u),
            },
            Raw::UserDomain(d) => match place {
                Place::Src | Place::Dst | Place::TagOwner | Place::AutoApprover => {
                    Selector::UserDomain(d)
                }
                _ => return not_allowed(self, &format!("`user:*@{d}`")),
            },
            Raw::Group(g) => {
                if place == Place::Via {
                    return not_allowed(self, &format!("group `{g}` (only tags)"));
                }
                if self.policy.group(&g).is_none() {
                    if g.contains('@') {
                        self.warning(
                            "UNKNOWN_REFERENCE",
                            format!("group `{g}` is not in `groups`; if it is synced from an identity provider its members are not in the inputs, so it matches no one"),
                            at,
                            pos,
                        );
                    } else {
                        self.error(
                            "UNKNOWN_REFERENCE",
                            format!("group `{g}` is not defined in `groups`; it is left out"),
                            at,
                            pos,
                        );
                        return None;
                    }
                }
                Selector::Group(g)
            }
            Raw::Tag(t) => {
                if !self.tags.contains(&t) {
                    self.error(
                        "UNKNOWN_REFERENCE",
                        format!("tag `{t}` is not defined in `tagOwners` (Tailscale refuses a policy that uses an undefined tag)"),
                        at,
                        pos,
                    );
                }
                Selector::Tag(t)
            }
            Raw::HostName(name) => {
                let Some(h) = self.policy.hosts.iter().find(|h| h.name == name) else {
                    self.error(
                        "UNKNOWN_REFERENCE",
                        format!("`{name}` is not defined in `hosts` (and is no user, group, tag or address); it is left out"),
                        at,
                        pos,
                    );
                    return None;
                };
                let net = h.net;
                match place {
                    Place::Src | Place::Dst => {}
                    Place::TestSrc | Place::TestDst if single(&net) => {}
                    Place::TestSrc | Place::TestDst => {
                        return not_allowed(
                            self,
                            &format!(
                                "host `{name}` (a CIDR, `{net}`; tests name single addresses)"
                            ),
                        )
                    }
                    _ => return not_allowed(self, &format!("host `{name}`")),
                }
                Selector::Host(name, net)
            }
            Raw::Prefix(net) => match place {
                Place::Src | Place::Dst => Selector::Prefix(net),
                Place::TestSrc | Place::TestDst if single(&net) => Selector::Prefix(net),
                Place::TestSrc | Place::TestDst => {
                    return not_allowed(
                        self,
                        &format!("CIDR `{net}` (tests name single addresses)"),
                    )
                }
                _ => return not_allowed(self, &format!("address `{s}`")),
            },
            Raw::IpSet(n) => match place {
                Place::Src | Place::Dst => {
                    if !self.ipset_names.contains(&n) {
                        self.error(
                            "UNKNOWN_REFERENCE",
                            format!("IP set `{n}` is not defined in `ipsets`; it is left out"),
                            at,
                            pos,
                        );
                        return None;
                    }
                    Selector::IpSet(n)
                }
                _ => return not_allowed(self, &format!("IP set `{n}`")),
            },
            Raw::Service(n) => match place {
                Place::Dst | Place::TestDst | Place::AutoApprover => {
                    self.note(
                        "NOT_MODELLED",
                        format!("Tailscale Service `{n}`: its addresses are not in the inputs, so it matches nothing"),
                        at,
                        pos,
                    );
                    Selector::Service(n)
                }
                _ => return not_allowed(self, &format!("Tailscale Service `{n}`")),
            },
            Raw::Autogroup(a) => {
                let ok = match (place, a) {
                    (Place::Via | Place::TestSrc | Place::TestDst, _) => false,
                    (Place::Src, Autogroup::Internet | Autogroup::SelfDevices) => false,
                    (Place::Src, _) => true,
                    (Place::Dst, Autogroup::DangerAll | Autogroup::Shared) => false,
                    (Place::Dst, _) => true,
                    (
                        Place::TagOwner | Place::AutoApprover,
                        Autogroup::Member | Autogroup::Tagged | Autogroup::Role(_),
                    ) => true,
                    (Place::TagOwner | Place::AutoApprover, _) => false,
                };
                if !ok {
                    return not_allowed(self, &format!("`{a}`"));
                }
                Selector::Autogroup(a)
            }
        };
        Some(sel)
    }
}

fn is_tag_name(s: &str) -> bool {
    s.strip_prefix("tag:")
        .is_some_and(|n| !n.is_empty() && !n.contains(':') && !n.contains(char::is_whitespace))
}
