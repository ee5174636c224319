//! The spec's `tailnet`: mesh nodes tied to the interfaces they run on, and access
//! rules in address form.

use std::net::Ipv4Addr;
use std::str::FromStr;
use std::sync::Arc;

use ipnet::Ipv4Net;
use vpcnet_model::{
    AddressPolicy, AddressRule, AllowAll, EniIdx, Meta, OverlayPolicy, PortRange, Protocol,
    Tailnet, TailnetNode,
};

use super::Lowerer;
use crate::raw::*;

impl Lowerer<'_> {
    pub(super) fn tailnet(&mut self, t: &TailnetSpec) {
        let mut nodes: Vec<(String, Vec<Ipv4Addr>)> = Vec::new();
        for (n, ptr) in self.items(&t.nodes, "/tailnet/nodes") {
            let Some(addr) = self.ip(&n.address, &format!("{ptr}/address")) else {
                continue;
            };
            let eni = match (&n.instance, &n.interface) {
                (Some(i), None) => self.node_host(i, true, &format!("{ptr}/instance")),
                (None, Some(e)) => self.node_host(e, false, &format!("{ptr}/interface")),
                (None, None) => None,
                (Some(_), Some(_)) => {
                    self.error(
                        "BAD_VALUE",
                        &ptr,
                        format!(
                            "node `{}` runs on an `instance` or an `interface`, not both",
                            n.name
                        ),
                    );
                    continue;
                }
            };
            let routes = n
                .routes
                .iter()
                .enumerate()
                .filter_map(|(i, r)| self.cidr(r, &format!("{ptr}/routes/{i}")))
                .collect();
            let meta = Meta {
                id: n.id.clone().unwrap_or_else(|| format!("node-{}", n.name)),
                name: Some(n.name.clone()),
                tags: Vec::new(),
                origin: self.loc(&ptr),
            };
            let added = self.b.add_tailnet_node(TailnetNode {
                meta,
                fqdn: n.fqdn.clone(),
                addrs: vec![addr],
                eni,
                routes,
                exit_node: n.exit_node,
                uses_exit_node: n.uses_exit_node.clone(),
                accept_routes: n.accept_routes,
                snat: n.snat,
                os: n.os.clone(),
            });
            if added.is_some() {
                nodes.push((n.name.clone(), vec![addr]));
            }
        }
        let policy: Arc<dyn OverlayPolicy> = match &t.acls {
            None => Arc::new(AllowAll),
            Some(acls) => {
                let mut rules = Vec::new();
                for (i, (a, ptr)) in self.items(acls, "/tailnet/acls").into_iter().enumerate() {
                    if let Some(r) = self.acl(&nodes, a, i, &ptr) {
                        rules.push(r);
                    }
                }
                Arc::new(AddressPolicy { rules })
            }
        };
        self.b.set_tailnet(Tailnet {
            name: t.name.clone(),
            policy,
        });
    }

    /// The interface an instance (primary interface) or interface runs on, searched in
    /// every VPC (`VPC/name` picks one).
    fn node_host(&mut self, text: &str, instance: bool, ptr: &str) -> Option<EniIdx> {
        if instance {
            let i = self.across_vpcs(text, "instance", ptr, |s, name| {
                s.instances.get(name).copied()
            })?;
            self.b.network().instance(i).interfaces.first().copied()
        } else {
            self.across_vpcs(text, "network interface", ptr, |s, name| {
                s.enis.get(name).copied()
            })
        }
    }

    fn acl(
        &mut self,
        nodes: &[(String, Vec<Ipv4Addr>)],
        a: &TailnetAclSpec,
        i: usize,
        ptr: &str,
    ) -> Option<AddressRule> {
        let any = Ipv4Net::default();
        let host = |this: &mut Self, text: &str, at: &str| -> Option<Vec<Ipv4Net>> {
            if text == "*" {
                return Some(vec![any]);
            }
            if let Some((_, addrs)) = nodes.iter().find(|(n, _)| n == text) {
                return Some(addrs.iter().map(|a| Ipv4Net::from(*a)).collect());
            }
            if let Ok(ip) = Ipv4Addr::from_str(text) {
                return Some(vec![Ipv4Net::from(ip)]);
            }
            if let Ok(net) = Ipv4Net::from_str(text) {
                return Some(vec![net.trunc()]);
            }
            this.error(
                "BAD_VALUE",
                at,
                format!("`{text}` is not a node of the tailnet, an address, a CIDR or `*`"),
            );
            None
        };
        let mut src = Vec::new();
        for (j, s) in a.src.iter().enumerate() {
            src.extend(host(self, s, &format!("{ptr}/src/{j}"))?);
        }
        let mut dst = Vec::new();
        for (j, d) in a.dst.iter().enumerate() {
            let at = format!("{ptr}/dst/{j}");
            let Some((h, ports)) = d.rsplit_once(':') else {
                self.error("BAD_VALUE", &at, format!("`{d}` is not `HOST:PORTS`"));
                return None;
            };
            let ranges = parse_ports(ports).or_else(|| {
                self.error(
                    "BAD_PORTS",
                    &at,
                    format!("`{ports}` is not `*`, a port, a list or a range"),
                );
                None
            })?;
            for n in host(self, h, &at)? {
                for r in &ranges {
                    dst.push((n, *r));
                }
            }
        }
        let protocols = match &a.proto {
            None => Vec::new(),
            Some(p) => match Protocol::parse(p) {
                Some(Protocol::Number(n)) => vec![n],
                _ => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{ptr}/proto"),
                        format!("`{p}` is not a protocol"),
                    );
                    return None;
                }
            },
        };
        Some(AddressRule {
            src,
            dst,
            protocols,
            label: format!("tailnet.acls[{i}]"),
            origin: self.loc(ptr),
        })
    }
}

/// `*`, `443`, `80,443`, `1000-2000`.
fn parse_ports(text: &str) -> Option<Vec<PortRange>> {
    if text == "*" {
        return Some(vec![PortRange::ALL]);
    }
    text.split(',')
        .map(|p| match p.split_once('-') {
            Some((a, b)) => PortRange::new(a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => p.trim().parse().ok().map(PortRange::single),
        })
        .collect()
}
