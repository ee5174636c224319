//! The tailnet's devices and users as the Tailscale API lists them:
//! `GET /api/v2/tailnet/{tailnet}/devices?fields=all` (`{"devices": [...]}`) and
//! `GET /api/v2/tailnet/{tailnet}/users` (`{"users": [...]}`).
//!
//! Only what decides reachability is kept: addresses, identity (user, tags, shared or
//! not), routes advertised and approved, and the flags that stop traffic (not
//! authorized, blocking incoming connections). A device or field that cannot be read is
//! reported and left out; the rest loads.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use vpcnet_model::{Diagnostic, Location};

use crate::hujson::{Kind, Member, Pos, Val};
use crate::policy::seg;
use crate::selector::Role;

/// A device of the tailnet (a node).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// `nodeId` (preferred) or the legacy numeric `id`.
    pub id: Option<String>,
    /// The MagicDNS name, a fully qualified name (`pangolin.tailfe8c.ts.net`).
    pub name: String,
    /// The machine name (`pangolin`).
    pub hostname: String,
    /// Tailscale addresses: `100.x.y.z` and `fd7a:115c:a1e0:…`.
    pub addresses: Vec<IpAddr>,
    /// Tags (`tag:web`); a tagged device belongs to its tags, not to a user.
    pub tags: Vec<String>,
    /// The user who registered it (its owner when untagged).
    pub user: Option<String>,
    /// The operating system as reported (`linux`, `macOS`, …).
    pub os: Option<String>,
    /// Routes the device offers (subnets; `0.0.0.0/0` and `::/0` for an exit node).
    pub advertised_routes: Vec<IpNet>,
    /// Routes an admin approved (`enabledRoutes`).
    pub enabled_routes: Vec<IpNet>,
    /// Physical `ip:port` endpoints its WireGuard traffic uses
    /// (`clientConnectivity.endpoints`).
    pub endpoints: Vec<SocketAddr>,
    /// Shared into the tailnet from another one (`isExternal`).
    pub external: bool,
    /// Authorized to join (`authorized`; missing means authorized).
    pub authorized: bool,
    /// Refuses every incoming connection (`blocksIncomingConnections`, "shields up").
    pub blocks_incoming: bool,
    /// JSON pointer of the device in its file (`/devices/3`).
    pub pointer: String,
}

impl Node {
    /// The first label of the MagicDNS name, else the hostname: how people call it.
    pub fn short_name(&self) -> &str {
        let short = self.name.split('.').next().unwrap_or("");
        if short.is_empty() {
            &self.hostname
        } else {
            short
        }
    }

    /// Whether the device is tagged (and so owned by its tags, not by `user`).
    pub fn is_tagged(&self) -> bool {
        !self.tags.is_empty()
    }

    /// Whether `addr` is one of its Tailscale addresses.
    pub fn has_address(&self, addr: IpAddr) -> bool {
        self.addresses.contains(&addr)
    }
}

/// A user of the tailnet, as the users API lists them: what the role autogroups and
/// `autogroup:shared` need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// `loginName` (`alice@example.com`).
    pub login: String,
    /// `role`, when it is one vpcnet knows.
    pub role: Option<Role>,
    /// `type` is `shared`: a user of another tailnet who accepted a share.
    pub shared: bool,
}

/// One object of a list: its index, its members and where it starts.
type Entry<'v> = (usize, &'v [Member], Pos);

pub(crate) struct ListReader<'a> {
    pub(crate) file: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
}

impl ListReader<'_> {
    fn push(&mut self, d: Diagnostic, pointer: &str, pos: Pos) {
        let loc = Location {
            file: Some(self.file.to_owned()),
            pointer: Some(pointer.to_owned()),
            line: Some(pos.line),
            column: Some(pos.col),
        };
        self.diags.push(d.at(Some(loc)));
    }

    fn error(&mut self, code: &'static str, msg: String, pointer: &str, pos: Pos) {
        self.push(Diagnostic::error(code, msg), pointer, pos);
    }

    fn field<'v>(members: &'v [Member], name: &str) -> Option<&'v Member> {
        members.iter().rev().find(|m| m.key == name)
    }

    fn string(&mut self, members: &[Member], name: &str, at: &str) -> Option<String> {
        let m = Self::field(members, name)?;
        match &m.val.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Null => None,
            _ => {
                let p = format!("{at}/{}", seg(name));
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "`{name}` must be a string, not {}; it is ignored",
                        m.val.what()
                    ),
                    &p,
                    m.val.pos,
                );
                None
            }
        }
    }

    fn boolean(&mut self, members: &[Member], name: &str, at: &str) -> Option<bool> {
        let m = Self::field(members, name)?;
        match &m.val.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Null => None,
            _ => {
                let p = format!("{at}/{}", seg(name));
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "`{name}` must be true or false, not {}; it is ignored",
                        m.val.what()
                    ),
                    &p,
                    m.val.pos,
                );
                None
            }
        }
    }

    /// The strings of array field `name`, each with its pointer and position.
    fn strings(&mut self, val: &Val, at: &str, what: &str) -> Vec<(String, String, Pos)> {
        match &val.kind {
            Kind::Null => Vec::new(),
            Kind::Arr(items) => {
                let mut out = Vec::new();
                for (i, v) in items.iter().enumerate() {
                    let p = format!("{at}/{i}");
                    match v.as_str() {
                        Some(s) => out.push((s.to_owned(), p, v.pos)),
                        None => self.error(
                            "BAD_SHAPE",
                            format!(
                                "{what} holds strings, not {}; the element is left out",
                                v.what()
                            ),
                            &p,
                            v.pos,
                        ),
                    }
                }
                out
            }
            _ => {
                self.error(
                    "BAD_SHAPE",
                    format!(
                        "{what} must be an array of strings, not {}; it is ignored",
                        val.what()
                    ),
                    at,
                    val.pos,
                );
                Vec::new()
            }
        }
    }

    fn routes(&mut self, members: &[Member], name: &str, at: &str, device: &str) -> Vec<IpNet> {
        let Some(m) = Self::field(members, name) else {
            return Vec::new();
        };
        let p = format!("{at}/{}", seg(name));
        let mut out = Vec::new();
        for (s, rp, pos) in self.strings(&m.val, &p, &format!("`{name}` of `{device}`")) {
            match s.parse::<IpNet>() {
                Ok(net) => {
                    if net.trunc() != net {
                        self.push(
                            Diagnostic::note(
                                "CIDR_NOT_CANONICAL",
                                format!(
                                    "route `{s}` of `{device}` has host bits set; read as `{}`",
                                    net.trunc()
                                ),
                            ),
                            &rp,
                            pos,
                        );
                    }
                    if !out.contains(&net.trunc()) {
                        out.push(net.trunc());
                    }
                }
                Err(_) => self.error(
                    "BAD_ROUTE",
                    format!("`{s}` in `{name}` of `{device}` is not a CIDR; it is left out"),
                    &rp,
                    pos,
                ),
            }
        }
        out
    }

    /// Reads `{"<key>": [...]}`: its object elements, the others reported.
    fn list<'v>(&mut self, root: &'v Val, key: &str) -> Result<Vec<Entry<'v>>, String> {
        let Kind::Obj(top) = &root.kind else {
            return Err(format!("it is {}, not an object with `{key}`", root.what()));
        };
        let Some(m) = Self::field(top, key) else {
            return Err(format!("it has no `{key}`"));
        };
        let Kind::Arr(items) = &m.val.kind else {
            return Err(format!("`{key}` is {}, not an array", m.val.what()));
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match &item.kind {
                Kind::Obj(members) => out.push((i, members.as_slice(), item.pos)),
                _ => self.error(
                    "BAD_SHAPE",
                    format!(
                        "`{key}[{i}]` must be an object, not {}; it is left out",
                        item.what()
                    ),
                    &format!("/{key}/{i}"),
                    item.pos,
                ),
            }
        }
        Ok(out)
    }

    pub(crate) fn devices(&mut self, root: &Val) -> Result<Vec<Node>, String> {
        let mut nodes: Vec<Node> = Vec::new();
        for (i, members, pos) in self.list(root, "devices")? {
            let at = format!("/devices/{i}");
            let name = self.string(members, "name", &at).unwrap_or_default();
            let hostname = self.string(members, "hostname", &at).unwrap_or_default();
            let label = if !name.is_empty() {
                name.clone()
            } else if !hostname.is_empty() {
                hostname.clone()
            } else {
                format!("devices[{i}]")
            };
            let mut addresses = Vec::new();
            if let Some(m) = Self::field(members, "addresses") {
                let p = format!("{at}/addresses");
                for (s, ap, apos) in self.strings(&m.val, &p, &format!("`addresses` of `{label}`"))
                {
                    match s.parse::<IpAddr>() {
                        Ok(ip) if !addresses.contains(&ip) => addresses.push(ip),
                        Ok(_) => {}
                        Err(_) => self.error(
                            "BAD_ADDRESS",
                            format!("`{s}` in `addresses` of `{label}` is not an IP address; it is left out"),
                            &ap,
                            apos,
                        ),
                    }
                }
            }
            if addresses.is_empty() {
                self.error(
                    "BAD_SHAPE",
                    format!("device `{label}` has no Tailscale address; it is left out"),
                    &at,
                    pos,
                );
                continue;
            }
            if let Some(other) = nodes
                .iter()
                .find(|n| n.addresses.iter().any(|a| addresses.contains(a)))
            {
                let msg = format!(
                    "device `{label}` has an address of `{}` (listed earlier); it is left out",
                    other.name
                );
                self.error("DUPLICATE_RESOURCE", msg, &at, pos);
                continue;
            }
            let mut tags = Vec::new();
            if let Some(m) = Self::field(members, "tags") {
                let p = format!("{at}/tags");
                for (t, tp, tpos) in self.strings(&m.val, &p, &format!("`tags` of `{label}`")) {
                    if t.strip_prefix("tag:").is_some_and(|n| !n.is_empty()) {
                        if !tags.contains(&t) {
                            tags.push(t);
                        }
                    } else {
                        self.error(
                            "BAD_VALUE",
                            format!("`{t}` in `tags` of `{label}` is not a tag (`tag:<name>`); it is left out"),
                            &tp,
                            tpos,
                        );
                    }
                }
            }
            let mut endpoints = Vec::new();
            if let Some(cc) = Self::field(members, "clientConnectivity") {
                if let Kind::Obj(cm) = &cc.val.kind {
                    if let Some(e) = Self::field(cm, "endpoints") {
                        let p = format!("{at}/clientConnectivity/endpoints");
                        for (s, _, _) in
                            self.strings(&e.val, &p, &format!("`endpoints` of `{label}`"))
                        {
                            // Endpoints only describe the physical path; one that does
                            // not read is skipped without a finding.
                            if let Ok(sa) = s.parse::<SocketAddr>() {
                                endpoints.push(sa);
                            }
                        }
                    }
                }
            }
            let advertised_routes = self.routes(members, "advertisedRoutes", &at, &label);
            let enabled_routes = self.routes(members, "enabledRoutes", &at, &label);
            let id = self
                .string(members, "nodeId", &at)
                .or_else(|| self.string(members, "id", &at));
            let user = self.string(members, "user", &at).filter(|u| !u.is_empty());
            let os = self.string(members, "os", &at).filter(|o| !o.is_empty());
            let external = self.boolean(members, "isExternal", &at).unwrap_or(false);
            let authorized = self.boolean(members, "authorized", &at).unwrap_or(true);
            let blocks_incoming = self
                .boolean(members, "blocksIncomingConnections", &at)
                .unwrap_or(false);
            nodes.push(Node {
                id,
                name,
                hostname,
                addresses,
                tags,
                user,
                os,
                advertised_routes,
                enabled_routes,
                endpoints,
                external,
                authorized,
                blocks_incoming,
                pointer: at,
            });
        }
        Ok(nodes)
    }

    pub(crate) fn users(&mut self, root: &Val) -> Result<Vec<User>, String> {
        let mut users = Vec::new();
        for (i, members, pos) in self.list(root, "users")? {
            let at = format!("/users/{i}");
            let Some(login) = self
                .string(members, "loginName", &at)
                .filter(|l| !l.is_empty())
            else {
                self.error(
                    "BAD_SHAPE",
                    format!("`users[{i}]` has no `loginName`; it is left out"),
                    &at,
                    pos,
                );
                continue;
            };
            let role = match self.string(members, "role", &at) {
                None => None,
                Some(r) => match Role::parse(&r) {
                    Some(role) => Some(role),
                    None => {
                        let p = format!("{at}/role");
                        let rpos = Self::field(members, "role").map_or(pos, |m| m.val.pos);
                        self.push(
                            Diagnostic::warning(
                                "BAD_VALUE",
                                format!("user `{login}` has role `{r}`, which vpcnet does not know; no role autogroup includes them"),
                            ),
                            &p,
                            rpos,
                        );
                        None
                    }
                },
            };
            let shared = self
                .string(members, "type", &at)
                .is_some_and(|t| t.eq_ignore_ascii_case("shared"));
            users.push(User {
                login,
                role,
                shared,
            });
        }
        Ok(users)
    }
}
