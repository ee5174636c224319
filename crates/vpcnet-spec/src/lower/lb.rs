//! A VPC's `target_groups` and `load_balancers`, and the top-level
//! `endpoint_services`.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::str::FromStr;

use vpcnet_model::{
    EndpointService, EniIdx, InterfaceOwner, LbKind, Listener, ListenerRule, LoadBalancer, Target,
    TargetGroup, TargetGroupIdx, TargetType,
};

use super::{Fields, Lowerer, Scope};
use crate::lenient::Lenient;
use crate::raw::*;

impl Lowerer<'_> {
    pub(super) fn load_balancing(&mut self, scope: &mut Scope, v: &VpcSpec, ptr: &str) {
        let Some(vpc) = scope.vpc else { return };
        let mut groups: HashMap<String, TargetGroupIdx> = HashMap::new();
        for (tg, tptr) in self.items(&v.target_groups, &format!("{ptr}/target_groups")) {
            let target_type = match tg
                .target_type
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                None | Some("instance") => TargetType::Instance,
                Some("ip") => TargetType::Ip,
                Some("alb") => TargetType::Alb,
                Some("lambda") => TargetType::Lambda,
                Some(other) => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{tptr}/type"),
                        format!("target type `{other}` is not `instance`, `ip`, `alb` or `lambda`"),
                    );
                    continue;
                }
            };
            let mut targets = Vec::new();
            for (i, t) in tg.targets.iter().enumerate() {
                let (text, port, az, health) = match t {
                    TargetSpec::Short(s) => (s.as_str(), None, None, None),
                    TargetSpec::Full {
                        target,
                        port,
                        az,
                        health,
                    } => (target.as_str(), *port, az.clone(), health.clone()),
                };
                match self.target(scope, text) {
                    Some((ip, eni)) => targets.push(Target {
                        ip,
                        eni,
                        port,
                        az,
                        health,
                    }),
                    None => {
                        let in_vpc = format!(
                            "in VPC `{}` (an instance, an interface or an address)",
                            scope.name
                        );
                        let known: Vec<String> = scope.instances.keys().cloned().collect();
                        self.unknown(
                            "target",
                            text,
                            &in_vpc,
                            known.iter().collect(),
                            &format!("{tptr}/targets/{i}"),
                        );
                    }
                }
            }
            let meta = self.meta(&tg.id, "tg", &scope.name, &tg.name, &tg.tags, &tptr);
            let id = meta.id.clone();
            if let Some(idx) = self.b.add_target_group(TargetGroup {
                meta,
                vpc: Some(vpc),
                target_type,
                protocol: tg
                    .protocol
                    .clone()
                    .unwrap_or_else(|| "TCP".to_owned())
                    .to_ascii_uppercase(),
                port: tg.port,
                targets,
                preserve_client_ip: tg.preserve_client_ip,
            }) {
                groups.insert(tg.name.clone(), idx);
                groups.insert(id, idx);
            }
        }
        for (lb, lptr) in self.items(&v.load_balancers, &format!("{ptr}/load_balancers")) {
            let kind = match lb.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("network") => LbKind::Network,
                Some("application") => LbKind::Application,
                Some("gateway") => LbKind::Gateway,
                Some(other) => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{lptr}/type"),
                        format!("load balancer type `{other}` is not `network`, `application` or `gateway`"),
                    );
                    continue;
                }
            };
            let mut enis: Vec<EniIdx> = Vec::new();
            let sgs = lb.security_groups.clone();
            for (itf, iptr) in self.items(&lb.interfaces, &format!("{lptr}/interfaces")) {
                let name = itf
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", lb.name, itf.subnet));
                let f = Fields {
                    subnet: &itf.subnet,
                    private_ip: &itf.private_ip,
                    secondary_ips: &[],
                    public_ip: itf.public_ip.as_deref(),
                    // An application load balancer without groups gets the VPC's default.
                    security_groups: (kind != LbKind::Application || !sgs.is_empty())
                        .then_some(&sgs[..]),
                    source_dest_check: Some(false),
                };
                let owner = InterfaceOwner::Other(format!("{}_load_balancer", kind.as_str()));
                self.interface(scope, &name, &itf.id, &Tags::new(), &f, owner, &iptr);
                enis.extend(scope.enis.get(&name).copied());
            }
            let mut listeners = Vec::new();
            for (l, listener_ptr) in self.items(&lb.listeners, &format!("{lptr}/listeners")) {
                let find_group = |this: &mut Self, name: &str, at: &str| {
                    let found = groups.get(name).copied();
                    if found.is_none() {
                        let known: Vec<&String> = groups.keys().collect();
                        let in_vpc = format!("in VPC `{}`", scope.name);
                        let known: Vec<String> = known.into_iter().cloned().collect();
                        this.unknown("target group", name, &in_vpc, known.iter().collect(), at);
                    }
                    found
                };
                let default_target_group = match &l.target_group {
                    Some(g) => find_group(self, g, &format!("{listener_ptr}/target_group")),
                    None => None,
                };
                let mut rules = Vec::new();
                for (i, r) in l.rules.iter().enumerate() {
                    if let Some(tg) = find_group(
                        self,
                        &r.target_group,
                        &format!("{listener_ptr}/rules/{i}/target_group"),
                    ) {
                        rules.push(ListenerRule {
                            priority: r.priority,
                            hosts: r.hosts.clone(),
                            paths: r.paths.clone(),
                            target_group: tg,
                        });
                    }
                }
                listeners.push(Listener {
                    protocol: l.protocol.to_ascii_uppercase(),
                    port: l.port,
                    default_target_group,
                    rules,
                });
            }
            let meta = self.meta(&lb.id, "lb", &scope.name, &lb.name, &lb.tags, &lptr);
            let id = meta.id.clone();
            if let Some(idx) = self.b.add_load_balancer(LoadBalancer {
                meta,
                vpc,
                kind,
                internal: lb.internal.unwrap_or(true),
                enis,
                dns_name: lb.dns_name.clone(),
                cross_zone: lb.cross_zone.unwrap_or(kind == LbKind::Application),
                listeners,
                state: lb.state.clone().unwrap_or_else(|| "active".to_owned()),
            }) {
                self.lbs.insert(lb.name.clone(), idx);
                self.lbs.insert(id, idx);
            }
        }
    }

    /// A target: an instance (its primary address), an interface, or an address (the
    /// interface that owns it in this VPC, else in exactly one VPC, else none).
    fn target(&mut self, scope: &Scope, text: &str) -> Option<(Ipv4Addr, Option<EniIdx>)> {
        let net = self.b.network();
        if let Some(i) = scope.instances.get(text) {
            let eni = net.instance(*i).interfaces.first().copied()?;
            return Some((net.interface(eni).primary_ip(), Some(eni)));
        }
        if let Some(e) = scope.enis.get(text) {
            return Some((net.interface(*e).primary_ip(), Some(*e)));
        }
        let ip = Ipv4Addr::from_str(text.trim()).ok()?;
        let eni = scope
            .vpc
            .and_then(|v| net.eni_by_private_ip(v, ip))
            .or_else(|| match net.enis_with_private_ip(ip).as_slice() {
                [one] => Some(*one),
                _ => None,
            });
        Some((ip, eni))
    }

    pub(super) fn endpoint_services(&mut self, services: &[Lenient<EndpointServiceSpec>]) {
        for (s, ptr) in self.items(services, "/endpoint_services") {
            let mut lbs = Vec::new();
            for (i, l) in s.load_balancers.iter().enumerate() {
                match self.lbs.get(l) {
                    Some(x) => lbs.push(*x),
                    None => {
                        let known: Vec<String> = self.lbs.keys().cloned().collect();
                        self.unknown(
                            "load balancer",
                            l,
                            "in this spec",
                            known.iter().collect(),
                            &format!("{ptr}/load_balancers/{i}"),
                        );
                    }
                }
            }
            let meta = self.meta(&s.id, "vpce-svc", "", &s.name, &s.tags, &ptr);
            let region = s.region.clone().unwrap_or_else(|| self.region.clone());
            let service_name = s
                .service_name
                .clone()
                .unwrap_or_else(|| format!("com.amazonaws.vpce.{region}.{}", meta.id));
            self.b.add_endpoint_service(EndpointService {
                meta,
                service_name,
                load_balancers: lbs,
                acceptance_required: s.acceptance_required,
                allowed_principals: s.allowed_principals.clone(),
                supported_regions: s.supported_regions.clone(),
                account: s
                    .account
                    .as_ref()
                    .map(AccountId::normalized)
                    .unwrap_or_else(|| self.account.clone()),
                region,
            });
        }
    }
}
