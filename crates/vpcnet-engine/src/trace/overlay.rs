//! The overlay mesh on a path: a node sends into the tailnet (to another node's mesh
//! address, or to a subnet router whose approved routes cover the destination) when
//! its routes say so; the policy judges the connection; a subnet router forwards from
//! its own interface, rewriting the source to its address unless SNAT is off (then the
//! destination's VPC needs a route back to the mesh range through the router).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{tailnet_range, AnyIdx, EniIdx, TailnetNodeIdx};

use super::{Action, Code, Component, Conntrack, Packet, Pos, Step, TranslationKind, Walk};

/// A connection carried over the mesh.
#[derive(Clone, Copy, Debug)]
pub(super) struct MeshFlow {
    /// The node that sent it, its address before it entered the mesh, and its mesh
    /// address.
    client: TailnetNodeIdx,
    client_ip: Ipv4Addr,
    client_mesh: Ipv4Addr,
    /// The subnet router that forwarded it into a VPC (none: to a node directly).
    router: Option<TailnetNodeIdx>,
    /// Whether the router rewrote the source to its own address.
    snat: bool,
}

/// Where the mesh leaves a packet.
pub(super) enum MeshExit {
    /// On into a VPC from the router's interface.
    Next(Pos),
    /// Delivered to a node.
    Node(TailnetNodeIdx),
}

fn node(n: TailnetNodeIdx) -> Component {
    Component::Resource(AnyIdx::TailnetNode(n))
}

impl Walk<'_> {
    fn node_label(&self, n: TailnetNodeIdx) -> String {
        let node = self.net.tailnet_node(n);
        let addr = node
            .addrs
            .first()
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        format!("{}{addr}", node.meta.label())
    }

    /// A node `from` sends `pkt` (its source is `from`'s interface address or mesh
    /// address): `None` when its routes keep the packet off the mesh.
    pub(super) fn enter_mesh(
        &mut self,
        from: TailnetNodeIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<MeshExit>> {
        let net = self.net;
        if net.tailnet().is_none() || self.meshed {
            return Ok(None);
        }
        self.consult(from);
        let n = net.tailnet_node(from);
        // Traffic for the node's own VPC stays on it.
        if let Some(eni) = n.eni {
            if net.vpc(net.vpc_of_eni(eni)).contains(pkt.dst) {
                return Ok(None);
            }
        }
        let direct = net.tailnet_node_by_addr(pkt.dst).filter(|t| *t != from);
        let (uses, stated) = n.uses_routes();
        let routed = if direct.is_none() && uses {
            net.tailnet_router_for(pkt.dst, Some(from))
        } else {
            None
        };
        // An exit node carries what no route covers, to the internet.
        let exit =
            if direct.is_none() && routed.is_none() && crate::eval::is_internet_routable(pkt.dst) {
                n.uses_exit_node.as_deref().and_then(|e| {
                    net.tailnet_node_ids().find(|x| {
                        let node = net.tailnet_node(*x);
                        *x != from
                            && (node.meta.id == e
                                || node.meta.name.as_deref() == Some(e)
                                || node.addrs.iter().any(|a| a.to_string() == e))
                    })
                })
            } else {
                None
            };
        let routed = routed.or_else(|| exit.map(|x| (x, Ipv4Net::default())));
        if direct.is_none() && routed.is_none() {
            return Ok(None);
        }
        if let Some(x) = exit {
            if !net.tailnet_node(x).exit_node {
                let msg = format!(
                    "node {} sends internet traffic through {}, which is not an approved exit node",
                    self.node_label(from),
                    self.node_label(x)
                );
                return Err(self.drop_at(node(x), Code::TailscaleExitNodeNotApproved, msg, pkt));
            }
        }
        let Some(&mesh_ip) = n.addrs.first() else {
            return Ok(None);
        };
        self.meshed = true;
        let original = pkt.src;
        if original != mesh_ip {
            pkt.src = mesh_ip;
            self.translate(
                node(from),
                TranslationKind::Source,
                original,
                mesh_ip,
                pkt,
                "the node's mesh address, on the tailnet",
            );
        }
        let d = if self.reply {
            vpcnet_model::OverlayDecision {
                allowed: true,
                reason: "the reply of a connection the policy allowed".to_owned(),
                origin: None,
            }
        } else {
            let policy = &net.tailnet().expect("checked above").policy;
            policy.decide(n, pkt.dst, pkt.protocol, pkt.dst_port)
        };
        if !d.allowed {
            let at = d
                .origin
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let msg = format!("the tailnet policy does not allow it: {}{at}", d.reason);
            return Err(self.drop_at(node(from), Code::TailscaleAclDeny, msg, pkt));
        }
        let assumed = if routed.is_some() && !stated {
            " (accept-routes assumed: not stated for this node)"
        } else {
            ""
        };
        if let Some(t) = direct {
            self.hop(
                node(from),
                Action::Forward,
                format!(
                    "over the tailnet (WireGuard) to node {}; policy: {}",
                    self.node_label(t),
                    d.reason
                ),
                pkt,
            );
            ct.mesh.push(MeshFlow {
                client: from,
                client_ip: original,
                client_mesh: mesh_ip,
                router: None,
                snat: false,
            });
            self.hop(
                node(t),
                Action::Deliver,
                format!("to node {} at {}", self.node_label(t), pkt.dst),
                pkt,
            );
            return Ok(Some(MeshExit::Node(t)));
        }
        let (r, route) = routed.expect("one of the two is set");
        self.hop(
            node(from),
            Action::Forward,
            format!(
                "over the tailnet (WireGuard) to {}{assumed}; policy: {}",
                if exit == Some(r) {
                    format!("exit node {} for the internet", self.node_label(r))
                } else {
                    format!("subnet router {} for its route {route}", self.node_label(r))
                },
                d.reason
            ),
            pkt,
        );
        let router = net.tailnet_node(r);
        let Some(eni) = router.eni else {
            let msg = format!(
                "subnet router {} runs on no interface of the network, so where it forwards cannot be followed",
                self.node_label(r)
            );
            return Err(self.drop_at(node(r), Code::TargetNotModelled, msg, pkt));
        };
        // An exit node always masquerades.
        let (snat, snat_stated) = if exit == Some(r) {
            (true, true)
        } else {
            router.snats()
        };
        ct.mesh.push(MeshFlow {
            client: from,
            client_ip: original,
            client_mesh: mesh_ip,
            router: Some(r),
            snat,
        });
        let own = net.interface(eni).primary_ip();
        if snat {
            let from_ip = pkt.src;
            pkt.src = own;
            let why = if snat_stated {
                "subnet router SNAT"
            } else {
                "subnet router SNAT (Tailscale's default; not stated for this router)"
            };
            self.translate(node(r), TranslationKind::Source, from_ip, own, pkt, why);
        } else {
            self.hop(
                node(r),
                Action::Forward,
                "forwards without SNAT: the destination sees the mesh address".to_owned(),
                pkt,
            );
        }
        Ok(Some(MeshExit::Next(Pos::Send(eni))))
    }

    /// A reply reaching a subnet router's interface for a connection it forwarded: back
    /// over the mesh to the node that opened it.
    pub(super) fn mesh_reply_at_router(
        &mut self,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<TailnetNodeIdx>> {
        let net = self.net;
        let Some(r) = net.tailnet_node_of_eni(eni) else {
            return Ok(None);
        };
        let own = net.interface(eni).primary_ip();
        let Some(f) =
            ct.mesh.iter().rev().copied().find(|f| {
                f.router == Some(r) && pkt.dst == if f.snat { own } else { f.client_mesh }
            })
        else {
            return Ok(None);
        };
        self.security_groups(eni, false, pkt, ct)?;
        if f.snat {
            let d = pkt.dst;
            pkt.dst = f.client_mesh;
            self.translate(
                node(r),
                TranslationKind::Destination,
                d,
                f.client_mesh,
                pkt,
                "reply of a connection the subnet router translated",
            );
        }
        self.hop(
            node(r),
            Action::Forward,
            format!(
                "back over the tailnet to node {}",
                self.node_label(f.client)
            ),
            pkt,
        );
        Ok(Some(f.client))
    }

    /// A reply arriving at the node that opened the connection: back to the address it
    /// sent from.
    pub(super) fn mesh_deliver(&mut self, n: TailnetNodeIdx, pkt: &mut Packet, ct: &Conntrack) {
        if let Some(f) = ct
            .mesh
            .iter()
            .rev()
            .find(|f| f.client == n && f.client_mesh == pkt.dst)
        {
            if f.client_ip != f.client_mesh {
                let d = pkt.dst;
                pkt.dst = f.client_ip;
                self.translate(
                    node(n),
                    TranslationKind::Destination,
                    d,
                    f.client_ip,
                    pkt,
                    "the node's own address again",
                );
            }
        }
        self.hop(
            node(n),
            Action::Deliver,
            format!("to node {} at {}", self.node_label(n), pkt.dst),
            pkt,
        );
    }

    /// The message for a reply to a mesh address that a VPC cannot route.
    pub(super) fn mesh_return_route_missing(
        &self,
        dst: Ipv4Addr,
        ct: &Conntrack,
    ) -> Option<(String, EniIdx)> {
        if !self.reply || self.net.tailnet().is_none() || !tailnet_range().contains(&dst) {
            return None;
        }
        let f = ct
            .mesh
            .iter()
            .rev()
            .find(|f| f.client_mesh == dst && !f.snat)?;
        let r = f.router?;
        let eni = self.net.tailnet_node(r).eni?;
        let msg = format!(
            "the reply goes to mesh address {dst}: subnet router {} forwards without SNAT, so this VPC needs a route to {} through it",
            self.node_label(r),
            tailnet_range()
        );
        Some((msg, eni))
    }
}
