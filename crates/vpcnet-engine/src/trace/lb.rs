//! Load balancers and PrivateLink on a path.
//!
//! A load balancer takes the connection at one of its interfaces: the listener for the
//! destination port, the target group its rules choose (an application load balancer
//! matches the request's host), a registered target in the interface's Availability
//! Zone (any zone with cross-zone load balancing). The destination becomes the target;
//! the source becomes the load balancer's own address unless a network load balancer
//! preserves the client's. Replies return through the load balancer, which reverses
//! both.
//!
//! PrivateLink: a connection accepted at an interface endpoint of an endpoint service
//! continues at the service's network load balancer, where it arrives from the load
//! balancer's own address; its reply goes back out of the endpoint's interface.

use std::net::Ipv4Addr;

use vpcnet_model::{
    EndpointServiceIdx, EniIdx, InstanceIdx, LbIdx, LbKind, SubnetIdx, TargetGroupIdx, TargetType,
    VpcEndpointIdx,
};

use super::{res, Action, Code, Conntrack, Packet, Pos, Step, TranslationKind, Walk};

/// What a trace needs beyond the packet header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceOptions {
    /// The request's host name (HTTP `Host`, TLS SNI), for application load balancer
    /// rules and layer-7 proxies.
    pub host: Option<String>,
}

/// A connection a load balancer handed to a target.
#[derive(Clone, Copy, Debug)]
pub(super) struct LbFlow {
    lb_eni: EniIdx,
    /// The source as the load balancer received it, and its port.
    client: Ipv4Addr,
    client_port: u16,
    /// The address and port the client connected to.
    vip: Ipv4Addr,
    vip_port: u16,
    /// The target and its port.
    target: Ipv4Addr,
    target_port: u16,
    /// Whether the source was rewritten to the load balancer's address.
    snat: bool,
}

/// A connection carried from an interface endpoint to an endpoint service.
#[derive(Clone, Copy, Debug)]
pub(super) struct PlFlow {
    endpoint_eni: EniIdx,
    consumer: Ipv4Addr,
    endpoint_ip: Ipv4Addr,
    nlb_eni: EniIdx,
}

/// A connection a proxy opened to an upstream for a client.
#[derive(Clone, Copy, Debug)]
pub(super) struct ProxyFlow {
    eni: EniIdx,
    client: Ipv4Addr,
    client_port: u16,
    listen_port: u16,
    upstream: Ipv4Addr,
    upstream_port: u16,
}

/// Whether a host name matches a listener rule's host pattern (`*` and `?` wildcards,
/// case-insensitive).
fn host_matches(pattern: &str, host: &str) -> bool {
    fn go(p: &[u8], h: &[u8]) -> bool {
        match (p.first(), h.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], h) || (!h.is_empty() && go(p, &h[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &h[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &h[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), host.trim_end_matches('.').as_bytes())
}

impl Walk<'_> {
    /// A connection to a layer-7 proxy: a new connection from the proxy's own address
    /// to the upstream its routes give for the request's host; its reply goes back to
    /// the client from the port the client connected to. `None` for a reply that is
    /// not one of the proxy's upstream connections (it is delivered to the proxy).
    pub(super) fn proxy(
        &mut self,
        instance: InstanceIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Option<Pos>> {
        let net = self.net;
        let own = pkt.dst;
        if self.reply {
            let Some(f) =
                ct.proxy.iter().rev().copied().find(|f| {
                    f.eni == eni && pkt.src == f.upstream && pkt.src_port == f.upstream_port
                })
            else {
                return Ok(None);
            };
            let (from_src, from_dst) = (pkt.src, pkt.dst);
            pkt.src = own;
            pkt.src_port = f.listen_port;
            pkt.dst = f.client;
            pkt.dst_port = f.client_port;
            self.hop(
                res(instance),
                Action::Forward,
                format!(
                    "proxy answers its client {} with the upstream's reply",
                    f.client
                ),
                pkt,
            );
            self.translate(
                res(instance),
                TranslationKind::Source,
                from_src,
                own,
                pkt,
                "proxy reply",
            );
            self.translate(
                res(instance),
                TranslationKind::Destination,
                from_dst,
                f.client,
                pkt,
                "proxy reply",
            );
            return Ok(Some(Pos::Send(eni)));
        }
        self.consult(instance);
        let routes = net.proxy_routes(instance);
        let route = routes
            .iter()
            .find(|r| r.host == "*" || self.host.is_some_and(|h| host_matches(&r.host, h)));
        let Some(route) = route else {
            let hosts: Vec<&str> = routes.iter().map(|r| r.host.as_str()).collect();
            let msg = format!(
                "proxy {} has no upstream for {} (its routes: {})",
                self.label(instance),
                self.host.map_or(
                    "a request without a host (use --host)".to_owned(),
                    |h| format!("host {h}")
                ),
                if hosts.is_empty() {
                    "none".to_owned()
                } else {
                    hosts.join(", ")
                }
            );
            return Err(self.drop_at(res(instance), Code::ProxyNoUpstream, msg, pkt));
        };
        let upstream = match route.upstream.parse::<Ipv4Addr>() {
            Ok(ip) => ip,
            Err(_) => {
                let vpc = net.vpc_of_eni(eni);
                let r = crate::dns::resolve_name(
                    net,
                    Some(vpc),
                    &route.upstream,
                    vpcnet_model::RecordType::A,
                );
                for step in &r.steps {
                    self.hop(
                        step.component.clone(),
                        Action::Resolve,
                        format!("{}: {}", step.name, step.detail),
                        pkt,
                    );
                }
                match (r.first_v4(), &r.failure) {
                    (Some(ip), _) => ip,
                    (None, Some(f)) => {
                        let msg = format!("proxy upstream {}: {}", route.upstream, f.message);
                        return Err(self.drop_at(f.component.clone(), f.code, msg, pkt));
                    }
                    (None, None) => {
                        let msg = format!("proxy upstream {} has no IPv4 address", route.upstream);
                        return Err(self.drop_at(res(instance), Code::DnsNoRecordOfType, msg, pkt));
                    }
                }
            }
        };
        ct.proxy.push(ProxyFlow {
            eni,
            client: pkt.src,
            client_port: pkt.src_port,
            listen_port: pkt.dst_port,
            upstream,
            upstream_port: route.port,
        });
        self.hop(
            res(instance),
            Action::Forward,
            format!(
                "proxies {} to {}:{} (route `{}`), a new connection from its own address",
                self.host
                    .map_or("the request".to_owned(), |h| format!("host {h}")),
                route.upstream,
                route.port,
                route.host
            ),
            pkt,
        );
        let (from_src, from_dst) = (pkt.src, pkt.dst);
        pkt.src = own;
        pkt.dst = upstream;
        pkt.dst_port = route.port;
        self.translate(
            res(instance),
            TranslationKind::Source,
            from_src,
            own,
            pkt,
            "proxy connects from its own address",
        );
        self.translate(
            res(instance),
            TranslationKind::Destination,
            from_dst,
            upstream,
            pkt,
            "proxy upstream",
        );
        Ok(Some(Pos::Send(eni)))
    }

    fn lb_label(&self, lb: LbIdx) -> String {
        let l = self.net.load_balancer(lb);
        let kind = match l.kind {
            LbKind::Network => "network load balancer",
            LbKind::Application => "application load balancer",
            LbKind::Gateway => "gateway load balancer",
        };
        format!("{kind} {}", l.meta.label())
    }

    /// A packet at one of a load balancer's interfaces.
    pub(super) fn load_balancer(
        &mut self,
        lb: LbIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Pos> {
        let net = self.net;
        let l = net.load_balancer(lb);
        self.security_groups(eni, false, pkt, ct)?;
        if self.reply {
            return self.lb_reply(lb, eni, pkt, ct);
        }
        if !l.state.eq_ignore_ascii_case("active") {
            let msg = format!("{} is `{}`, not `active`", self.lb_label(lb), l.state);
            return Err(self.drop_at(res(lb), Code::BadState, msg, pkt));
        }
        if l.kind == LbKind::Gateway {
            let msg = format!(
                "{} is a gateway load balancer, which vpcnet does not trace through",
                self.lb_label(lb)
            );
            return Err(self.drop_at(res(lb), Code::TargetNotModelled, msg, pkt));
        }
        self.consult(lb);
        let Some(listener) = l
            .listeners
            .iter()
            .find(|x| x.port == pkt.dst_port && x.takes(pkt.protocol))
        else {
            let ports: Vec<String> = l
                .listeners
                .iter()
                .map(|x| format!("{}:{}", x.protocol, x.port))
                .collect();
            let msg = format!(
                "{} has no listener for {} port {} (listeners: {})",
                self.lb_label(lb),
                vpcnet_model::Protocol::Number(pkt.protocol),
                pkt.dst_port,
                if ports.is_empty() {
                    "none".to_owned()
                } else {
                    ports.join(", ")
                }
            );
            return Err(self.drop_at(res(lb), Code::LbListenerPortMismatch, msg, pkt));
        };
        let (tg, why) = self.choose_target_group(l.kind, listener);
        let Some(tg) = tg else {
            let msg = format!(
                "{} listener {}:{} sends no traffic to targets{why}",
                self.lb_label(lb),
                listener.protocol,
                listener.port
            );
            return Err(self.drop_at(res(lb), Code::LbNoTargetGroup, msg, pkt));
        };
        let group = net.target_group(tg);
        if group.targets.is_empty() {
            let msg = format!("target group {} has no registered targets", self.label(tg));
            return Err(self.drop_at(res(tg), Code::LbNoRegisteredTargets, msg, pkt));
        }
        if matches!(group.target_type, TargetType::Lambda | TargetType::Alb) {
            let msg = format!(
                "target group {} has {} targets, which vpcnet does not trace into",
                self.label(tg),
                if group.target_type == TargetType::Lambda {
                    "Lambda"
                } else {
                    "ALB"
                }
            );
            return Err(self.drop_at(res(tg), Code::TargetNotModelled, msg, pkt));
        }
        let my_az = &net.subnet(net.interface(eni).subnet).az;
        let az_of = |t: &vpcnet_model::Target| -> Option<String> {
            t.eni
                .map(|e| net.subnet(net.interface(e).subnet).az.clone())
                .or_else(|| t.az.clone())
        };
        let healthy = |t: &vpcnet_model::Target| {
            !t.health.as_deref().is_some_and(|h| {
                h.eq_ignore_ascii_case("unhealthy")
                    || h.eq_ignore_ascii_case("unused")
                    || h.eq_ignore_ascii_case("draining")
            })
        };
        let usable: Vec<&vpcnet_model::Target> = {
            let live: Vec<_> = group.targets.iter().filter(|t| healthy(t)).collect();
            // With no healthy target, a load balancer fails open to all of them.
            if live.is_empty() {
                group.targets.iter().collect()
            } else {
                live
            }
        };
        let local = usable
            .iter()
            .copied()
            .find(|t| az_of(t).is_none_or(|az| az == *my_az || az == "all"));
        let target = match (local, l.cross_zone) {
            (Some(t), _) => t,
            (None, true) => usable[0],
            (None, false) => {
                let msg = format!(
                    "target group {} has no target in {my_az}, where {} received the connection, and cross-zone load balancing is off",
                    self.label(tg),
                    self.lb_label(lb)
                );
                return Err(self.drop_at(res(tg), Code::LbNoTargetInAz, msg, pkt));
            }
        };
        let target_port = target.port.unwrap_or(group.port);
        let lb_ip = net.interface(eni).primary_ip();
        let via_privatelink = ct.privatelink.iter().any(|f| f.nlb_eni == eni);
        let snat = l.kind == LbKind::Application || via_privatelink || !group.preserves_client_ip();
        let target_name = target
            .eni
            .map(|e| self.eni_label(e))
            .unwrap_or_else(|| target.ip.to_string());
        self.hop(
            res(lb),
            Action::Forward,
            format!(
                "listener {}:{} -> target group {} -> target {target_name} port {target_port}{}",
                listener.protocol,
                listener.port,
                self.label(tg),
                match (l.kind, &self.host) {
                    (LbKind::Application, Some(h)) => format!(" (host {h})"),
                    _ => String::new(),
                }
            ),
            pkt,
        );
        let flow = LbFlow {
            lb_eni: eni,
            client: pkt.src,
            client_port: pkt.src_port,
            vip: pkt.dst,
            vip_port: pkt.dst_port,
            target: target.ip,
            target_port,
            snat,
        };
        ct.lb.push(flow);
        let (from_dst, from_src) = (pkt.dst, pkt.src);
        pkt.dst = target.ip;
        pkt.dst_port = target_port;
        self.translate(
            res(lb),
            TranslationKind::Destination,
            from_dst,
            target.ip,
            pkt,
            "load balancer to its target",
        );
        if snat && from_src != lb_ip {
            pkt.src = lb_ip;
            let why = match (l.kind, via_privatelink) {
                (LbKind::Application, _) => "an application load balancer opens its own connection",
                (_, true) => "PrivateLink: the target sees the load balancer's address",
                _ => "client IP preservation is off",
            };
            self.translate(res(lb), TranslationKind::Source, from_src, lb_ip, pkt, why);
        }
        Ok(Pos::Send(eni))
    }

    /// The listener's target group: rules by priority (host patterns against the
    /// request's host; rules with path conditions are not judged), else the default.
    fn choose_target_group(
        &self,
        kind: LbKind,
        listener: &vpcnet_model::Listener,
    ) -> (Option<TargetGroupIdx>, String) {
        if kind == LbKind::Application {
            let mut rules: Vec<&vpcnet_model::ListenerRule> = listener.rules.iter().collect();
            rules.sort_by_key(|r| r.priority);
            for r in rules {
                if !r.paths.is_empty() {
                    continue;
                }
                let host_ok = r.hosts.is_empty()
                    || self
                        .host
                        .is_some_and(|h| r.hosts.iter().any(|p| host_matches(p, h)));
                if host_ok {
                    return (Some(r.target_group), String::new());
                }
            }
        }
        let why = if self.host.is_none() && listener.rules.iter().any(|r| !r.hosts.is_empty()) {
            " (no host was given for its host rules; use --host)".to_owned()
        } else {
            " (its default action is a fixed response or a redirect)".to_owned()
        };
        (listener.default_target_group, why)
    }

    /// A reply at the load balancer: undo both translations and send it back to the
    /// client (or back over PrivateLink).
    fn lb_reply(
        &mut self,
        lb: LbIdx,
        eni: EniIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Pos> {
        let net = self.net;
        let lb_ip = net.interface(eni).primary_ip();
        let flow = ct.lb.iter().rev().copied().find(|f| {
            f.lb_eni == eni
                && pkt.src == f.target
                && pkt.src_port == f.target_port
                && pkt.dst == if f.snat { lb_ip } else { f.client }
        });
        let Some(f) = flow else {
            let msg = format!(
                "{} holds no connection for a reply from {} to {}",
                self.lb_label(lb),
                pkt.src,
                pkt.dst
            );
            return Err(self.drop_at(res(lb), Code::NoConnectionState, msg, pkt));
        };
        self.hop(
            res(lb),
            Action::Forward,
            format!(
                "returns the reply of the connection to its client {}",
                f.client
            ),
            pkt,
        );
        let (old_src, old_dst) = (pkt.src, pkt.dst);
        pkt.src = f.vip;
        pkt.src_port = f.vip_port;
        self.translate(
            res(lb),
            TranslationKind::Source,
            old_src,
            f.vip,
            pkt,
            "reply of a load-balanced connection",
        );
        if f.snat && old_dst != f.client {
            pkt.dst = f.client;
            pkt.dst_port = f.client_port;
            self.translate(
                res(lb),
                TranslationKind::Destination,
                old_dst,
                f.client,
                pkt,
                "reply of a load-balanced connection",
            );
        }
        if let Some(pl) = ct
            .privatelink
            .iter()
            .rev()
            .copied()
            .find(|p| p.nlb_eni == eni)
        {
            let endpoint = net.endpoint_of_eni(pl.endpoint_eni);
            let (s, d) = (pkt.src, pkt.dst);
            pkt.src = pl.endpoint_ip;
            pkt.dst = pl.consumer;
            self.hop(
                endpoint.map(res).unwrap_or(res(pl.endpoint_eni)),
                Action::Forward,
                "back over PrivateLink to the consumer's endpoint".to_owned(),
                pkt,
            );
            self.translate(
                res(lb),
                TranslationKind::Source,
                s,
                pl.endpoint_ip,
                pkt,
                "PrivateLink reply leaves from the endpoint's interface",
            );
            self.translate(
                res(lb),
                TranslationKind::Destination,
                d,
                pl.consumer,
                pkt,
                "PrivateLink reply to the consumer",
            );
            return Ok(Pos::Send(pl.endpoint_eni));
        }
        Ok(Pos::Route {
            subnet: net.interface(eni).subnet,
        })
    }

    /// A reply leaving a target whose connection a load balancer preserved the client
    /// address of: it goes back through the load balancer, not straight to the client.
    pub(super) fn reply_to_load_balancer(
        &mut self,
        subnet: SubnetIdx,
        pkt: &Packet,
        ct: &Conntrack,
    ) -> Step<Option<Pos>> {
        let Some(f) = ct.lb.iter().rev().find(|f| {
            !f.snat
                && f.target == pkt.src
                && f.target_port == pkt.src_port
                && f.client == pkt.dst
                && f.client_port == pkt.dst_port
        }) else {
            return Ok(None);
        };
        let lb_subnet = self.net.interface(f.lb_eni).subnet;
        self.leave_subnet(subnet, Some(lb_subnet), pkt)?;
        Ok(Some(Pos::Arrive {
            eni: f.lb_eni,
            from_subnet: Some(subnet),
        }))
    }

    /// A connection accepted at an interface endpoint of an endpoint service in the
    /// input: on to the service's network load balancer over PrivateLink.
    pub(super) fn privatelink(
        &mut self,
        ep: VpcEndpointIdx,
        eni: EniIdx,
        svc: EndpointServiceIdx,
        pkt: &mut Packet,
        ct: &mut Conntrack,
    ) -> Step<Pos> {
        let net = self.net;
        let e = net.vpc_endpoint(ep);
        let s = net.endpoint_service(svc);
        let consumer_vpc = net.vpc(e.vpc);
        let principal = format!("arn:aws:iam::{}:root", consumer_vpc.account);
        let allowed = consumer_vpc.account == s.account
            || s.allowed_principals
                .iter()
                .any(|p| p == "*" || *p == principal || *p == consumer_vpc.account);
        if !allowed {
            let msg = format!(
                "endpoint service {} does not allow account {} (allowed principals: {})",
                self.label(svc),
                consumer_vpc.account,
                if s.allowed_principals.is_empty() {
                    "none".to_owned()
                } else {
                    s.allowed_principals.join(", ")
                }
            );
            return Err(self.drop_at(res(svc), Code::EndpointPrincipalNotAllowed, msg, pkt));
        }
        if consumer_vpc.region != s.region && !s.supported_regions.contains(&consumer_vpc.region) {
            let msg = format!(
                "endpoint service {} is in {} and does not support consumers in {}",
                self.label(svc),
                s.region,
                consumer_vpc.region
            );
            return Err(self.drop_at(res(svc), Code::EndpointServiceRegion, msg, pkt));
        }
        let my_az = &net.subnet(net.interface(eni).subnet).az;
        let nlb_eni = s
            .load_balancers
            .iter()
            .flat_map(|l| net.load_balancer(*l).enis.iter().copied())
            .min_by_key(|n| net.subnet(net.interface(*n).subnet).az != *my_az);
        let Some(nlb_eni) = nlb_eni else {
            let msg = format!(
                "endpoint service {} has no load balancer interface",
                self.label(svc)
            );
            return Err(self.drop_at(res(svc), Code::BadState, msg, pkt));
        };
        let nlb_ip = net.interface(nlb_eni).primary_ip();
        self.hop(
            res(ep),
            Action::Forward,
            format!(
                "over PrivateLink to endpoint service {} ({})",
                self.label(svc),
                s.service_name
            ),
            pkt,
        );
        ct.privatelink.push(PlFlow {
            endpoint_eni: eni,
            consumer: pkt.src,
            endpoint_ip: pkt.dst,
            nlb_eni,
        });
        let (src, dst) = (pkt.src, pkt.dst);
        pkt.src = nlb_ip;
        pkt.dst = nlb_ip;
        self.translate(
            res(svc),
            TranslationKind::Source,
            src,
            nlb_ip,
            pkt,
            "PrivateLink: the provider sees the load balancer's address",
        );
        self.translate(
            res(svc),
            TranslationKind::Destination,
            dst,
            nlb_ip,
            pkt,
            "PrivateLink: to the service's load balancer",
        );
        Ok(Pos::Arrive {
            eni: nlb_eni,
            from_subnet: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::host_matches;

    #[test]
    fn host_patterns() {
        assert!(host_matches(
            "metrics.example.internal",
            "Metrics.Example.Internal"
        ));
        assert!(host_matches("*.example.com", "a.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(host_matches("api-?.example.com", "api-1.example.com"));
        assert!(!host_matches("logs.example.com", "metrics.example.com"));
    }
}
