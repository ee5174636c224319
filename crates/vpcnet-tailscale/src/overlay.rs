//! A tailnet laid over the network: each device becomes a mesh node on the interface
//! it runs on, with the routes it carries, and the policy file becomes the mesh's
//! access policy.
//!
//! **Where a device runs.** The API does not say which machine a device is, so it is
//! tied by evidence, checked against the interfaces already loaded:
//!
//! - *name*: an instance whose `Name` tag is the device's host name or the first label
//!   of its MagicDNS name, ignoring ASCII case (the instance's primary interface);
//! - *endpoint*: an interface whose private or public address is one of the device's
//!   `clientConnectivity.endpoints` (interfaces of NAT gateways, load balancers and
//!   VPC endpoints are left out: a device behind a NAT gateway reports the gateway's
//!   public address).
//!
//! When both kinds of evidence exist, only interfaces both point at count; when they
//! point at different interfaces, or several interfaces remain, or two devices claim
//! one interface, the device is tied to none and a warning says why. A device with no
//! evidence is off the VPCs (a laptop), which a note says.
//!
//! **What the API does not say** — whether a Linux device accepts routes, whether a
//! subnet router rewrites sources — stays unstated, so the engine names the default it
//! assumes. Another input can state it: a [`Stated`] node (a spec's `tailnet.nodes`
//! entry) whose name is a device's MagicDNS name, its first label or its host name is
//! about that device, and every value it states wins over the device list's (its
//! address, routes and exit node also change what the policy sees, so that the two
//! agree); a note says where they disagree. A stated node that names no device is a
//! node of its own.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net};
use vpcnet_model::{
    AddressRule, Diagnostic, EniIdx, InterfaceOwner, Location, Meta, Network, NetworkBuilder,
    OverlayDecision, OverlayPolicy, TailnetNode,
};

use crate::compile::{self, v4_of};
use crate::devices::{Node, User};
use crate::eval::{Decision, Denial, Tailnet};
use crate::hujson;
use crate::policy::Policy;
use crate::selector::{has_ports, proto_label};

/// A document read from a file: its name and text (for line and column) and what it
/// holds.
#[derive(Clone, Debug)]
pub struct Doc<'a, T> {
    /// The file, as the user named it.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
    /// What was read from it.
    pub value: T,
}

/// Where a node runs, as another input states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An instance (its primary interface), by id or `Name` tag; `VPC/name` picks the
    /// VPC by its name or id.
    Instance(String),
    /// A network interface, by id or `Name` tag; `VPC/name` as for an instance.
    Interface(String),
}

/// What another input (a spec's `tailnet.nodes` entry) states about a node. `None`
/// states nothing; every value stated wins over the device list's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stated {
    /// The device it is about (MagicDNS name, its first label, or host name), or the
    /// name of a node of its own.
    pub name: String,
    /// The node's id.
    pub id: Option<String>,
    /// MagicDNS name.
    pub fqdn: Option<String>,
    /// Mesh address.
    pub address: Option<Ipv4Addr>,
    /// Where it runs.
    pub host: Option<Host>,
    /// Subnet routes it carries.
    pub routes: Option<Vec<Ipv4Net>>,
    /// Whether it is an exit node.
    pub exit_node: Option<bool>,
    /// The exit node it uses (`--exit-node`), which the device API does not give.
    pub uses_exit_node: Option<String>,
    /// `--accept-routes`.
    pub accept_routes: Option<bool>,
    /// Subnet router SNAT (`--snat-subnet-routes`).
    pub snat: Option<bool>,
    /// Operating system.
    pub os: Option<String>,
    /// Where the statement is written (findings about it point there, with a suffix
    /// such as `/instance`).
    pub origin: Option<Location>,
}

/// Everything known about a tailnet.
#[derive(Clone, Debug, Default)]
pub struct Inputs<'a> {
    /// The policy file; `None`: an access policy already set by an earlier input is
    /// kept, else Tailscale's default policy (everything allowed) applies.
    pub policy: Option<Doc<'a, Policy>>,
    /// The device list.
    pub devices: Option<Doc<'a, Vec<Node>>>,
    /// The user list (roles, shared users).
    pub users: Vec<User>,
    /// What other inputs state about nodes.
    pub stated: Vec<Stated>,
}

/// Adds the tailnet to a network under construction whose interfaces are already
/// loaded: a node per device with an IPv4 address (and per [`Stated`] node that names
/// no device), tied to the interface it runs on, and — with a policy file, or when no
/// earlier input set one — the access policy. A device's node is named by the first
/// label of its MagicDNS name (its machine name, unique in the tailnet), with the full
/// name as `fqdn`. Returns the findings, located by file, JSON pointer and line:column;
/// the builder reports what it refuses.
pub fn load_into(b: &mut NetworkBuilder, inputs: Inputs<'_>) -> Vec<Diagnostic> {
    let Inputs {
        policy,
        devices,
        users,
        stated,
    } = inputs;
    let mut diags = Vec::new();
    let (dev_file, dev_text, mut nodes) = match devices {
        Some(d) => (Some(d.file), Some(d.text), d.value),
        None => (None, None, Vec::new()),
    };
    let (pol_file, pol_text, policy) = match policy {
        Some(d) => (Some(d.file), Some(d.text), Some(d.value)),
        None => (None, None, None),
    };
    let devices_doc = Located::new(dev_file, dev_text);
    let policy_doc = Located::new(pol_file, pol_text);

    let (stated_of, standalone) = match_statements(&nodes, &stated, &mut diags);
    // Stated addresses, routes and exit nodes change what the policy sees too; the
    // device list's own findings are about the list as it is.
    let listed = Tailnet::new(policy.clone(), nodes.clone()).with_users(users.clone());
    for (i, k) in stated_of.iter().enumerate() {
        if let Some(k) = k {
            nodes[i] = restate(&listed, &nodes[i], &stated[*k], &mut diags);
        }
    }
    let tailnet = Tailnet::new(policy, nodes).with_users(users);

    let net = b.network();
    let hosts = place_devices(net, &tailnet, &stated, &stated_of, dev_file, &mut diags);
    let standalone_hosts: Vec<Option<EniIdx>> = standalone
        .iter()
        .map(|k| {
            let s = &stated[*k];
            s.host
                .as_ref()
                .and_then(|h| resolve_host(net, h, &s.origin, &mut diags))
        })
        .collect();

    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, n) in tailnet.nodes().iter().enumerate() {
        if v4_of(n).is_empty() {
            diags.push(
                Diagnostic::note(
                    "NOT_MODELLED",
                    format!(
                        "device `{}` has no IPv4 address, and vpcnet models IPv4 only; it is left out",
                        n.short_name()
                    ),
                )
                .at(Some(devices_doc.at(&n.pointer))),
            );
            continue;
        }
        let s = stated_of[i].map(|k| &stated[k]);
        let node = device_node(&tailnet, n, s, hosts[i], devices_doc.at(&n.pointer));
        let id = node.meta.id.clone();
        if b.add_tailnet_node(node).is_some() {
            by_id.insert(id, i);
        }
    }
    for (k, eni) in standalone.iter().zip(standalone_hosts) {
        if let Some(node) = stated_node(&stated[*k], eni, &mut diags) {
            b.add_tailnet_node(node);
        }
    }

    // The access policy: the policy file's, else one an earlier input set, else
    // Tailscale's default.
    let existing = b.network().tailnet().map(|t| t.name.clone());
    if tailnet.policy().is_some() || existing.is_none() {
        if tailnet.policy().is_some() && dev_file.is_none() {
            diags.push(
                Diagnostic::note(
                    "DEVICES_UNKNOWN",
                    "no device list was given: the policy's users, groups and tags select no node, only addresses do",
                )
                .at(pol_file.map(|f| Location {
                    file: Some(f.to_owned()),
                    ..Location::default()
                })),
            );
        }
        let name = existing.unwrap_or_else(|| tailnet_name(tailnet.nodes()));
        let policy = TailnetPolicy::new(
            tailnet.clone(),
            by_id,
            &policy_doc,
            &devices_doc,
            &mut diags,
        );
        b.set_tailnet(vpcnet_model::Tailnet {
            name,
            policy: Arc::new(policy),
        });
    }

    diags.extend(listed.findings(dev_file));
    if let (Some(f), Some(t)) = (dev_file, dev_text) {
        crate::locate(f, t, &mut diags);
    }
    if let (Some(f), Some(t)) = (pol_file, pol_text) {
        crate::locate(f, t, &mut diags);
    }
    diags
}

/// A document read once more, to turn pointers into locations with line and column.
struct Located<'a> {
    file: Option<&'a str>,
    root: Option<hujson::Val>,
}

impl<'a> Located<'a> {
    fn new(file: Option<&'a str>, text: Option<&str>) -> Located<'a> {
        Located {
            file,
            root: text.and_then(|t| hujson::parse(t).ok()),
        }
    }

    fn at(&self, pointer: &str) -> Location {
        let mut l = Location::pointer(self.file, pointer);
        if let Some(root) = &self.root {
            let (line, column) = crate::position_in(root, pointer);
            l.line = Some(line);
            l.column = Some(column);
        }
        l
    }
}

/// For each device, the statement about it; and the statements about no device.
fn match_statements(
    nodes: &[Node],
    stated: &[Stated],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Option<usize>>, Vec<usize>) {
    let mut stated_of: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut standalone: Vec<usize> = Vec::new();
    for (k, s) in stated.iter().enumerate() {
        let found = find_device(nodes, &s.name);
        match found.as_slice() {
            [] => standalone.push(k),
            [i] if stated_of[*i].is_none() => stated_of[*i] = Some(k),
            [_] => diags.push(
                Diagnostic::warning(
                    "DUPLICATE_RESOURCE",
                    format!(
                        "node `{}` is stated twice; this statement is ignored",
                        s.name
                    ),
                )
                .at(s.origin.clone()),
            ),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|i| format!("`{}`", nodes[*i].name))
                    .collect();
                diags.push(
                    Diagnostic::warning(
                        "AMBIGUOUS_REFERENCE",
                        format!(
                            "`{}` is the host name of several devices ({}); name one by its MagicDNS name. The statement is ignored",
                            s.name,
                            names.join(", ")
                        ),
                    )
                    .at(s.origin.clone()),
                );
            }
        }
    }
    (stated_of, standalone)
}

/// The interface each device runs on: the stated one, else the one the evidence ties
/// it to, unless another device or a stated node claims it too.
fn place_devices(
    net: &Network,
    tailnet: &Tailnet,
    stated: &[Stated],
    stated_of: &[Option<usize>],
    dev_file: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<EniIdx>> {
    let nodes = tailnet.nodes();
    let at = |n: &Node| Some(Location::pointer(dev_file, n.pointer.clone()));
    let mut hosts: Vec<Option<EniIdx>> = vec![None; nodes.len()];
    let mut automatic: HashMap<EniIdx, Vec<usize>> = HashMap::new();
    let mut stated_enis: Vec<EniIdx> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(s) = stated_of[i].map(|k| &stated[k]) {
            if let Some(h) = &s.host {
                hosts[i] = resolve_host(net, h, &s.origin, diags);
                stated_enis.extend(hosts[i]);
                continue;
            }
        }
        if v4_of(n).is_empty() {
            continue;
        }
        match tie(net, n) {
            Tie::On(e) => automatic.entry(e).or_default().push(i),
            Tie::Off(why) => diags.push(
                Diagnostic::note(
                    "NODE_NOT_TIED",
                    format!(
                        "device `{}` is tied to no interface: {why}; it is a node off the VPCs",
                        n.short_name()
                    ),
                )
                .at(at(n)),
            ),
            Tie::Ambiguous(why) => diags.push(
                Diagnostic::warning(
                    "AMBIGUOUS_TIE",
                    format!(
                        "device `{}` is tied to no interface: {why}; state its `instance` in a spec",
                        n.short_name()
                    ),
                )
                .at(at(n)),
            ),
        }
    }
    let mut claimed: Vec<(EniIdx, Vec<usize>)> = automatic.into_iter().collect();
    claimed.sort();
    for (e, devs) in claimed {
        let taken = stated_enis.contains(&e) || net.tailnet_node_of_eni(e).is_some();
        if devs.len() == 1 && !taken {
            hosts[devs[0]] = Some(e);
            continue;
        }
        let others = if taken {
            "another node is stated to run there".to_owned()
        } else {
            let names: Vec<String> = devs
                .iter()
                .map(|i| format!("`{}`", nodes[*i].short_name()))
                .collect();
            format!("so do {}", names.join(", "))
        };
        for i in devs {
            diags.push(
                Diagnostic::warning(
                    "AMBIGUOUS_TIE",
                    format!(
                        "device `{}` points at {}, but {others}; it is tied to no interface",
                        nodes[i].short_name(),
                        host_label(net, e)
                    ),
                )
                .at(at(&nodes[i])),
            );
        }
    }
    hosts
}

/// The mesh node of a device: its routes in effect, the statement's values over the
/// list's.
fn device_node(
    tailnet: &Tailnet,
    n: &Node,
    s: Option<&Stated>,
    eni: Option<EniIdx>,
    origin: Location,
) -> TailnetNode {
    let in_effect = tailnet.routes_in_effect(n);
    let routes: Vec<Ipv4Net> = in_effect
        .iter()
        .filter_map(|r| match r {
            IpNet::V4(v4) if v4.prefix_len() > 0 => Some(*v4),
            _ => None,
        })
        .collect();
    let id = s
        .and_then(|s| s.id.clone())
        .or_else(|| n.id.clone().filter(|x| !x.is_empty()))
        .unwrap_or_else(|| format!("node-{}", n.short_name()));
    let fqdn = s.and_then(|s| s.fqdn.clone()).or_else(|| {
        let f = n.name.trim_end_matches('.');
        (!f.is_empty()).then(|| f.to_owned())
    });
    TailnetNode {
        meta: Meta {
            id,
            name: Some(n.short_name().to_owned()),
            tags: Vec::new(),
            origin: Some(origin),
        },
        fqdn,
        addrs: v4_of(n),
        eni,
        routes,
        exit_node: in_effect.iter().any(|r| r.prefix_len() == 0),
        uses_exit_node: s.and_then(|s| s.uses_exit_node.clone()),
        accept_routes: s.and_then(|s| s.accept_routes),
        snat: s.and_then(|s| s.snat),
        os: s.and_then(|s| s.os.clone()).or_else(|| n.os.clone()),
    }
}

/// The mesh node of a statement that names no device.
fn stated_node(
    s: &Stated,
    eni: Option<EniIdx>,
    diags: &mut Vec<Diagnostic>,
) -> Option<TailnetNode> {
    let Some(addr) = s.address else {
        diags.push(
            Diagnostic::error(
                "BAD_VALUE",
                format!(
                    "node `{}` names no device of the device list and states no address; it is left out",
                    s.name
                ),
            )
            .at(s.origin.clone()),
        );
        return None;
    };
    Some(TailnetNode {
        meta: Meta {
            id: s.id.clone().unwrap_or_else(|| format!("node-{}", s.name)),
            name: Some(s.name.clone()),
            tags: Vec::new(),
            origin: s.origin.clone(),
        },
        fqdn: s.fqdn.clone(),
        addrs: vec![addr],
        eni,
        routes: s.routes.clone().unwrap_or_default(),
        exit_node: s.exit_node.unwrap_or(false),
        uses_exit_node: s.uses_exit_node.clone(),
        accept_routes: s.accept_routes,
        snat: s.snat,
        os: s.os.clone(),
    })
}

/// The devices `name` is about: by MagicDNS name or its first label, else by host
/// name, ignoring ASCII case.
fn find_device(nodes: &[Node], name: &str) -> Vec<usize> {
    let name = name.trim_end_matches('.');
    let pick = |f: &dyn Fn(&Node) -> bool| -> Vec<usize> {
        nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| f(n))
            .map(|(i, _)| i)
            .collect()
    };
    let exact = pick(&|n| {
        n.name.trim_end_matches('.').eq_ignore_ascii_case(name)
            || n.short_name().eq_ignore_ascii_case(name)
    });
    if !exact.is_empty() {
        return exact;
    }
    pick(&|n| n.hostname.eq_ignore_ascii_case(name))
}

/// `n` as the statement `s` has it: its stated address, routes and exit node.
fn restate(before: &Tailnet, n: &Node, s: &Stated, diags: &mut Vec<Diagnostic>) -> Node {
    let mut n = n.clone();
    let at = |tail: &str| {
        s.origin.clone().map(|mut l| {
            l.pointer = Some(format!("{}{tail}", l.pointer.unwrap_or_default()));
            l
        })
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    if let Some(a) = s.address {
        let had = v4_of(&n);
        if had != [a] {
            let had: Vec<String> = had.iter().map(ToString::to_string).collect();
            diags.push(
                Diagnostic::note(
                    "STATED_OVER_DEVICE",
                    format!(
                        "node `{}` is stated with address {a}; the device list has {}; the stated one is used",
                        s.name,
                        list(&had)
                    ),
                )
                .at(at("/address")),
            );
            n.addresses.retain(IpAddr::is_ipv6);
            n.addresses.insert(0, IpAddr::V4(a));
        }
    }
    let subnet_v4 = |r: &IpNet| matches!(r, IpNet::V4(v4) if v4.prefix_len() > 0);
    if let Some(routes) = &s.routes {
        let mut had: Vec<Ipv4Net> = before
            .routes_in_effect(&n)
            .into_iter()
            .filter(subnet_v4)
            .filter_map(|r| match r {
                IpNet::V4(v4) => Some(v4),
                IpNet::V6(_) => None,
            })
            .collect();
        had.sort();
        let mut want = routes.clone();
        want.sort();
        want.dedup();
        if had != want {
            let show = |v: &[Ipv4Net]| list(&v.iter().map(ToString::to_string).collect::<Vec<_>>());
            diags.push(
                Diagnostic::note(
                    "STATED_OVER_DEVICE",
                    format!(
                        "node `{}` is stated with routes {}; in the device list it has {} in effect (advertised and approved); the stated ones are used",
                        s.name,
                        show(&want),
                        show(&had)
                    ),
                )
                .at(at("/routes")),
            );
        }
        for list in [&mut n.advertised_routes, &mut n.enabled_routes] {
            list.retain(|r| !subnet_v4(r));
            list.extend(want.iter().map(|r| IpNet::V4(*r)));
        }
    }
    if let Some(exit) = s.exit_node {
        let default = IpNet::V4(Ipv4Net::default());
        for list in [&mut n.advertised_routes, &mut n.enabled_routes] {
            list.retain(|r| *r != default);
            if exit {
                list.push(default);
            }
        }
    }
    n
}

/// What the evidence says about where a device runs.
enum Tie {
    On(EniIdx),
    /// No evidence, and why.
    Off(String),
    /// Conflicting or several interfaces.
    Ambiguous(String),
}

/// Whether a device can run on interface `e`: not one AWS manages (NAT gateway, load
/// balancer, VPC endpoint), whose addresses devices behind it report as their own.
fn can_host(net: &Network, e: EniIdx) -> bool {
    !matches!(net.interface(e).owner, InterfaceOwner::NatGateway(_))
        && net.nat_of_eni(e).is_none()
        && net.lb_of_eni(e).is_none()
        && net.endpoint_of_eni(e).is_none()
}

/// `instance orchestrator-dev (i-…)` or `interface eni-…`, for messages.
fn host_label(net: &Network, e: EniIdx) -> String {
    let eni = net.interface(e);
    match eni.owner {
        InterfaceOwner::Instance(i) => format!("instance `{}`", net.instance(i).meta.label()),
        _ => format!("interface `{}`", eni.meta.label()),
    }
}

fn labels(net: &Network, enis: &[EniIdx]) -> String {
    enis.iter()
        .map(|e| host_label(net, *e))
        .collect::<Vec<_>>()
        .join(", ")
}

fn tie(net: &Network, n: &Node) -> Tie {
    let names = [n.hostname.as_str(), n.short_name()];
    let mut by_name: Vec<EniIdx> = net
        .instance_ids()
        .filter(|i| {
            net.instance(*i).meta.name.as_deref().is_some_and(|x| {
                names
                    .iter()
                    .any(|h| !h.is_empty() && x.eq_ignore_ascii_case(h))
            })
        })
        .filter_map(|i| net.instance(i).interfaces.first().copied())
        .collect();
    by_name.sort();
    by_name.dedup();
    let mut by_endpoint: Vec<EniIdx> = Vec::new();
    for ep in &n.endpoints {
        let IpAddr::V4(ip) = ep.ip() else {
            continue;
        };
        by_endpoint.extend(net.enis_with_private_ip(ip));
        by_endpoint.extend(net.eni_by_public_ip(ip).map(|(e, _)| e));
    }
    by_endpoint.retain(|e| can_host(net, *e));
    by_endpoint.sort();
    by_endpoint.dedup();
    let candidates: Vec<EniIdx> = match (by_name.is_empty(), by_endpoint.is_empty()) {
        (false, false) => {
            let both: Vec<EniIdx> = by_name
                .iter()
                .copied()
                .filter(|e| by_endpoint.contains(e))
                .collect();
            if both.is_empty() {
                return Tie::Ambiguous(format!(
                    "its name points at {} but its endpoints at {}",
                    labels(net, &by_name),
                    labels(net, &by_endpoint)
                ));
            }
            both
        }
        (true, false) => by_endpoint,
        (false, true) => by_name,
        (true, true) => {
            let host = if n.hostname.is_empty() {
                n.short_name()
            } else {
                &n.hostname
            };
            return Tie::Off(format!(
                "no instance's `Name` tag is `{host}` and none of its endpoints is an interface's address"
            ));
        }
    };
    match candidates.as_slice() {
        [one] => Tie::On(*one),
        many => Tie::Ambiguous(format!("it matches {}", labels(net, many))),
    }
}

/// The interface a statement names, or a finding at the statement.
fn resolve_host(
    net: &Network,
    h: &Host,
    origin: &Option<Location>,
    diags: &mut Vec<Diagnostic>,
) -> Option<EniIdx> {
    let (field, text, instance) = match h {
        Host::Instance(t) => ("/instance", t, true),
        Host::Interface(t) => ("/interface", t, false),
    };
    let (vpc, name) = match text.split_once('/') {
        Some((v, n)) => (Some(v), n),
        None => (None, text.as_str()),
    };
    let named = |m: &Meta| m.id == name || m.name.as_deref() == Some(name);
    let in_vpc = |e: EniIdx| {
        vpc.is_none_or(|v| {
            let m = &net.vpc(net.vpc_of_eni(e)).meta;
            m.id == v || m.name.as_deref() == Some(v)
        })
    };
    let mut found: Vec<EniIdx> = if instance {
        net.instance_ids()
            .filter(|i| named(&net.instance(*i).meta))
            .filter_map(|i| net.instance(i).interfaces.first().copied())
            .filter(|e| in_vpc(*e))
            .collect()
    } else {
        net.eni_ids()
            .filter(|e| named(&net.interface(*e).meta) && in_vpc(*e))
            .collect()
    };
    found.dedup();
    let at = origin.clone().map(|mut l| {
        l.pointer = Some(format!("{}{field}", l.pointer.unwrap_or_default()));
        l
    });
    let kind = if instance {
        "instance"
    } else {
        "network interface"
    };
    match found.as_slice() {
        [one] => Some(*one),
        [] => {
            diags.push(
                Diagnostic::error(
                    "UNKNOWN_REFERENCE",
                    format!("no {kind} `{text}` in the inputs; the node runs on no interface"),
                )
                .at(at),
            );
            None
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "AMBIGUOUS_REFERENCE",
                    format!("`{text}` names a {kind} in several VPCs; write `VPC/{name}`"),
                )
                .at(at),
            );
            None
        }
    }
}

/// The tailnet's name from its devices' MagicDNS names (`tail1234.ts.net`).
fn tailnet_name(nodes: &[Node]) -> String {
    nodes
        .iter()
        .find_map(|n| {
            n.name
                .trim_end_matches('.')
                .split_once('.')
                .map(|(_, domain)| domain.to_owned())
                .filter(|d| !d.is_empty())
        })
        .unwrap_or_else(|| "tailnet".to_owned())
}

/// The policy file as the mesh's access policy: the evaluator decides by identity, and
/// the compiled address rules stand in for it where only addresses can be written.
#[derive(Debug)]
struct TailnetPolicy {
    tailnet: Tailnet,
    /// Model node id → device index.
    by_id: HashMap<String, usize>,
    file: Option<String>,
    /// Where each access rule is written, by its pointer.
    origins: HashMap<String, Location>,
    /// Where each device is listed, by its MagicDNS name (as denials name it).
    devices: HashMap<String, Location>,
    rules: Option<Vec<AddressRule>>,
}

impl TailnetPolicy {
    /// The policy of `tailnet`, its rules located in `policy` and its devices in
    /// `devices`, compiled to address rules when it can be.
    fn new(
        tailnet: Tailnet,
        by_id: HashMap<String, usize>,
        policy: &Located<'_>,
        devices: &Located<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> TailnetPolicy {
        let origins = tailnet
            .policy()
            .map(|p| {
                p.rules()
                    .map(|r| (r.pointer.clone(), policy.at(&r.pointer)))
                    .collect()
            })
            .unwrap_or_default();
        let rules = match compile::address_rules(&tailnet, &|p| Some(policy.at(p))) {
            Ok(rules) => rules,
            Err(u) => {
                diags.push(
                    Diagnostic::note(
                        "NOT_EXPORTABLE",
                        format!(
                            "the policy cannot be written as the spec's address rules: {}; an exported spec cannot hold it",
                            u.reason
                        ),
                    )
                    .at(u.pointer.as_deref().map(|p| policy.at(p))),
                );
                None
            }
        };
        let devices = tailnet
            .nodes()
            .iter()
            .map(|n| (n.name.clone(), devices.at(&n.pointer)))
            .collect();
        TailnetPolicy {
            tailnet,
            by_id,
            file: policy.file.map(str::to_owned),
            origins,
            devices,
            rules,
        }
    }
}

impl OverlayPolicy for TailnetPolicy {
    fn decide(&self, src: &TailnetNode, dst: Ipv4Addr, protocol: u8, port: u16) -> OverlayDecision {
        let to = IpAddr::V4(dst);
        let decision = match self.by_id.get(&src.meta.id) {
            Some(i) => self
                .tailnet
                .allows(&self.tailnet.nodes()[*i], to, protocol, port),
            None => match src.addrs.first() {
                Some(a) => self.tailnet.allows(IpAddr::V4(*a), to, protocol, port),
                None => Decision::Denied(Denial::NoRuleMatched),
            },
        };
        let file = || {
            self.file.as_ref().map(|f| Location {
                file: Some(f.clone()),
                ..Location::default()
            })
        };
        match decision {
            Decision::Allowed(m) => {
                let origin = self.origins.get(&m.pointer).cloned();
                let at = origin
                    .as_ref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                let icmp = if m.icmp_implied {
                    ", ICMP between addresses the rule connects"
                } else {
                    ""
                };
                OverlayDecision {
                    allowed: true,
                    reason: format!("allowed by {} (`{}`{at}){icmp}", m.label(), m.dst_written),
                    origin,
                }
            }
            Decision::AllowedByDefault(_) => OverlayDecision {
                allowed: true,
                reason: decision.to_string(),
                origin: file(),
            },
            Decision::Denied(Denial::NoRuleMatched) => {
                let what = if has_ports(protocol) {
                    format!("{} port {port}", proto_label(protocol))
                } else {
                    proto_label(protocol)
                };
                OverlayDecision {
                    allowed: false,
                    reason: format!(
                        "no acl or grant allows {what} from `{}` to {dst}, and the policy denies what it does not allow",
                        src.meta.name.as_deref().unwrap_or(&src.meta.id)
                    ),
                    origin: file(),
                }
            }
            // A device's state decides: point at the device.
            Decision::Denied(
                Denial::SourceQuarantined { ref node }
                | Denial::SourceNotAuthorized { ref node }
                | Denial::DestinationNotAuthorized { ref node }
                | Denial::DestinationBlocksIncoming { ref node },
            ) => OverlayDecision {
                allowed: false,
                origin: self.devices.get(node).cloned(),
                reason: decision.to_string(),
            },
        }
    }

    fn address_rules(&self) -> Option<&[AddressRule]> {
        self.rules.as_deref()
    }
}
