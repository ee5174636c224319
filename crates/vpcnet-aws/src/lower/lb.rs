//! Elastic Load Balancing (v2) and the provider side of PrivateLink.
//!
//! A load balancer's interfaces are ordinary interfaces of `NetworkInterfaces`, which
//! AWS describes `ELB net/<name>/<id>` (`ELB app/…` for application load balancers),
//! the tail of the load balancer's ARN; they are found by that description. When none
//! is listed for a subnet whose `LoadBalancerAddresses` give a private address, the
//! interface is made from that address, and said. Targets are registered in
//! `LoadBalancerTargetHealth` (what `describe-target-health` prints per target group):
//! an instance target is its primary interface's address. Listeners come from
//! `Listeners` or `LoadBalancerListeners`, rules from `Rules` (whose listener is in
//! the rule's ARN). A rule with conditions other than host and path, or whose action
//! does not forward, is left out and said.
//!
//! An endpoint service is read from `ServiceConfigurations` (or `VpcEndpointServices`)
//! with its `AllowedPrincipals` embedded; a service of the account known only from
//! `ServiceDetails` takes its load balancers from `VpcEndpointConnections`.

use vpcnet_model::{
    EndpointService, EniIdx, Interface, InterfaceOwner, LbIdx, LbKind, Listener, ListenerRule,
    Meta, PrivateIp, Severity, SgIdx, Target, TargetGroupIdx, TargetType, VpcIdx,
};

use super::{Items, Lowerer};
use crate::fx::{Map, Set};
use crate::lenient::Lenient;
use crate::raw;

/// The description AWS gives a load balancer's interfaces, from its ARN.
pub(crate) fn eni_description(lb_arn: &str) -> Option<String> {
    let tail = lb_arn.split_once(":loadbalancer/")?.1;
    Some(format!("ELB {tail}"))
}

/// The listener of a rule, from the rule's ARN
/// (`…:listener-rule/app/<lb>/<id>/<listener>/<rule>`).
fn listener_of_rule(rule_arn: &str) -> Option<String> {
    let (head, tail) = rule_arn.split_once(":listener-rule/")?;
    let (listener, _rule) = tail.rsplit_once('/')?;
    Some(format!("{head}:listener/{listener}"))
}

/// Every load balancing key's items.
pub(crate) struct LbItems<'s, 'x> {
    pub(crate) target_groups: &'s Items<'x, raw::TargetGroup<'x>>,
    pub(crate) target_health: &'s Items<'x, raw::TargetHealthSet<'x>>,
    pub(crate) lbs: &'s Items<'x, raw::LoadBalancer<'x>>,
    /// `LoadBalancerListeners` (with the key's name, for pointers).
    pub(crate) lb_listeners: &'s Items<'x, raw::Listener<'x>>,
    /// `Listeners`.
    pub(crate) listeners: &'s Items<'x, raw::Listener<'x>>,
    pub(crate) rules: &'s Items<'x, raw::Rule<'x>>,
    pub(crate) attributes: &'s Items<'x, raw::LbAttributes<'x>>,
}

/// Every endpoint service key's items.
pub(crate) struct ServiceItems<'s, 'x> {
    pub(crate) configurations: &'s Items<'x, raw::ServiceConfiguration<'x>>,
    /// The same shape under `VpcEndpointServices`.
    pub(crate) endpoint_services: &'s Items<'x, raw::ServiceConfiguration<'x>>,
    pub(crate) details: &'s Items<'x, raw::ServiceDetail<'x>>,
    pub(crate) connections: &'s Items<'x, raw::VpcEndpointConnection<'x>>,
}

/// A listener as found, with where.
struct FoundListener<'x> {
    l: &'x raw::Listener<'x>,
    file: usize,
    ptr: String,
}

/// Where a `forward` action sends: the target group's ARN, or what it does instead.
enum Forward<'x> {
    To(&'x str, String),
    Elsewhere(String),
}

/// The first `forward` action of a list (by `Order`), or what the first action is.
fn forward<'x>(actions: &'x [Lenient<raw::LbAction<'x>>], base: &str) -> Option<Forward<'x>> {
    let mut ok: Vec<(usize, &raw::LbAction<'_>)> = actions
        .iter()
        .enumerate()
        .filter_map(|(j, a)| match a {
            Lenient::Ok(a) => Some((j, a)),
            Lenient::Err(_) => None,
        })
        .collect();
    ok.sort_by_key(|(j, a)| (a.order.unwrap_or(i64::MAX), *j));
    let mut first_other = None;
    for (j, a) in ok {
        let kind = a.kind.as_deref().unwrap_or_default();
        if kind.eq_ignore_ascii_case("forward") {
            if let Some(tg) = a.target_group_arn.as_deref() {
                return Some(Forward::To(tg, format!("{base}/{j}/TargetGroupArn")));
            }
            let groups = a.forward_config.as_ref().map(|f| &f.target_groups[..]);
            let heaviest = groups
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .max_by_key(|(k, g)| (g.weight.unwrap_or(1), std::cmp::Reverse(*k)));
            if let Some((k, g)) = heaviest {
                if let Some(tg) = g.target_group_arn.as_deref() {
                    let at = format!("{base}/{j}/ForwardConfig/TargetGroups/{k}/TargetGroupArn");
                    return Some(Forward::To(tg, at));
                }
            }
        } else if !kind.starts_with("authenticate") && first_other.is_none() {
            first_other = Some(kind.to_owned());
        }
    }
    first_other.map(Forward::Elsewhere)
}

impl<'x> Lowerer<'_, '_> {
    /// Target groups with their targets, then load balancers with their listeners.
    pub(crate) fn load_balancing(&mut self, t: &LbItems<'_, 'x>) {
        self.expect_ids(t.target_groups.len() + t.lbs.len());
        let mut health: Map<&'x str, &'x raw::TargetHealthSet<'x>> = Map::default();
        let mut health_at: Map<&'x str, (usize, String)> = Map::default();
        // Findings come in input order, whatever a map's order.
        let mut health_order: Vec<&'x str> = Vec::new();
        for &e in t.target_health {
            let arn: &'x str = &e.v.target_group_arn;
            if !health.contains_key(arn) {
                health_order.push(arn);
                health.insert(arn, &e.v);
                health_at.insert(
                    arn,
                    (e.file, format!("/LoadBalancerTargetHealth/{}", e.index)),
                );
            }
        }
        for &e in t.target_groups {
            let ptr = format!("/TargetGroups/{}", e.index);
            let arn: &'x str = &e.v.target_group_arn;
            let set = health.remove(arn).zip(health_at.remove(arn));
            self.target_group(&e.v, e.file, &ptr, set);
        }
        for arn in health_order {
            let Some((file, ptr)) = health_at.remove(arn) else {
                continue;
            };
            let msg = format!("no target group `{arn}` in `TargetGroups`; its targets are skipped");
            self.error(
                "UNKNOWN_REFERENCE",
                file,
                &format!("{ptr}/TargetGroupArn"),
                msg,
            );
        }

        // Listeners by load balancer, and rules by listener.
        let mut listeners: Map<&'x str, Vec<FoundListener<'x>>> = Map::default();
        let mut listener_ids: Set<&'x str> = Set::default();
        let mut lb_order: Vec<&'x str> = Vec::new();
        for (items, key) in [
            (t.lb_listeners, "LoadBalancerListeners"),
            (t.listeners, "Listeners"),
        ] {
            for &e in items {
                let ptr = format!("/{key}/{}", e.index);
                let found = match &e.v.listeners {
                    Some(inner) => {
                        let base = format!("{ptr}/Listeners");
                        self.items(inner, e.file, &base, "listener")
                            .into_iter()
                            .map(|(l, j)| (l, format!("{base}/{j}")))
                            .collect()
                    }
                    None => vec![(&e.v, ptr.clone())],
                };
                for (l, lptr) in found {
                    let Some(lb) = l
                        .load_balancer_arn
                        .as_deref()
                        .or(e.v.load_balancer_arn.as_deref())
                    else {
                        let msg = "a listener needs `LoadBalancerArn`".to_owned();
                        self.error("BAD_VALUE", e.file, &lptr, msg);
                        continue;
                    };
                    if let Some(id) = l.listener_arn.as_deref() {
                        if !listener_ids.insert(id) {
                            continue;
                        }
                    }
                    if !listeners.contains_key(lb) {
                        lb_order.push(lb);
                    }
                    listeners.entry(lb).or_default().push(FoundListener {
                        l,
                        file: e.file,
                        ptr: lptr,
                    });
                }
            }
        }
        let mut rules: Map<String, Vec<&'x crate::parse::At<raw::Rule<'x>>>> = Map::default();
        let mut rule_order: Vec<String> = Vec::new();
        for &e in t.rules {
            let listener =
                e.v.listener_arn
                    .as_deref()
                    .map(str::to_owned)
                    .or_else(|| e.v.rule_arn.as_deref().and_then(listener_of_rule));
            match listener {
                Some(l) => {
                    if !rules.contains_key(&l) {
                        rule_order.push(l.clone());
                    }
                    rules.entry(l).or_default().push(e);
                }
                None => {
                    let msg = "a listener rule needs a `RuleArn` (`…:listener-rule/…`) that names its listener".to_owned();
                    self.error("BAD_VALUE", e.file, &format!("/Rules/{}", e.index), msg);
                }
            }
        }
        let mut cross_zone: Map<&'x str, bool> = Map::default();
        for &e in t.attributes {
            for a in &e.v.attributes {
                if &*a.key == "load_balancing.cross_zone.enabled" {
                    let on = a.value.as_deref() == Some("true");
                    cross_zone.entry(&e.v.load_balancer_arn).or_insert(on);
                }
            }
        }
        for &e in t.lbs {
            let ptr = format!("/LoadBalancers/{}", e.index);
            let arn: &'x str = &e.v.load_balancer_arn;
            let ls = listeners.remove(arn).unwrap_or_default();
            self.load_balancer(
                &e.v,
                e.file,
                &ptr,
                ls,
                &mut rules,
                cross_zone.get(arn).copied(),
            );
        }
        for lb in lb_order {
            for l in listeners.remove(lb).unwrap_or_default() {
                let at = format!("{}/LoadBalancerArn", l.ptr);
                let then = "the listener is skipped";
                self.unknown_ref(l.file, &at, "load balancer", lb, then);
            }
        }
        // Rules whose listener is not in the snapshot (a skipped load balancer's are
        // said with it).
        for listener in rule_order {
            let Some(left) = rules.remove(&listener) else {
                continue;
            };
            if !listener_ids.contains(listener.as_str()) {
                for e in left {
                    let at = format!("/Rules/{}/RuleArn", e.index);
                    let then = "the rule is skipped";
                    self.unknown_ref(e.file, &at, "listener", &listener, then);
                }
            }
        }
    }

    fn target_group(
        &mut self,
        g: &raw::TargetGroup<'_>,
        file: usize,
        ptr: &str,
        health: Option<(&raw::TargetHealthSet<'_>, (usize, String))>,
    ) {
        let arn = &*g.target_group_arn;
        if !self.first(arn, file, ptr) {
            return;
        }
        let target_type = match g
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
                let msg = format!("target type `{other}` is not `instance`, `ip`, `alb` or `lambda`; the target group is skipped");
                self.error("BAD_VALUE", file, &format!("{ptr}/TargetType"), msg);
                return;
            }
        };
        let vpc = match g.vpc_id.as_deref() {
            Some(v) => match self.vpc(v) {
                Some(x) => Some(x),
                None => {
                    let at = format!("{ptr}/VpcId");
                    self.unknown_ref(file, &at, "VPC", v, "the target group is skipped");
                    return;
                }
            },
            None => None,
        };
        let port = match g.port {
            None => 0,
            Some(p) => match u16::try_from(p) {
                Ok(p) => p,
                Err(_) => {
                    let msg =
                        format!("port `{p}` is not within 0-65535; the target group is skipped");
                    self.error("BAD_PORTS", file, &format!("{ptr}/Port"), msg);
                    return;
                }
            },
        };
        let mut targets = Vec::new();
        if let Some((set, (hfile, hptr))) = health {
            if target_type == TargetType::Lambda {
                let msg = format!("the Lambda targets of target group `{arn}` are not modelled; traces to them stop at the load balancer");
                self.say(Severity::Note, "NOT_MODELLED", hfile, &hptr, msg);
            } else {
                let base = format!("{hptr}/TargetHealthDescriptions");
                let list = self.items(&set.target_health_descriptions, hfile, &base, "target");
                for (d, j) in list {
                    let tptr = format!("{base}/{j}/Target");
                    if let Some(t) = self.target(target_type, vpc, port, d, hfile, &tptr) {
                        targets.push(t);
                    }
                }
            }
        }
        let mut meta = self.meta(arn, &[], file, ptr);
        meta.name = g.target_group_name.as_deref().map(str::to_owned);
        self.b.add_target_group(vpcnet_model::TargetGroup {
            meta,
            vpc,
            target_type,
            protocol: g.protocol.as_deref().unwrap_or("TCP").to_ascii_uppercase(),
            port,
            targets,
            preserve_client_ip: None,
        });
    }

    fn target(
        &mut self,
        target_type: TargetType,
        vpc: Option<VpcIdx>,
        group_port: u16,
        d: &raw::TargetHealthDescription<'_>,
        file: usize,
        ptr: &str,
    ) -> Option<Target> {
        let id = &*d.target.id;
        let at = format!("{ptr}/Id");
        let (ip, eni) = match target_type {
            TargetType::Instance => {
                let Some(i) = self.instance(id) else {
                    self.unknown_ref(file, &at, "instance", id, "the target is left out");
                    return None;
                };
                let net = self.b.network();
                let Some(eni) = net.instance(i).interfaces.first().copied() else {
                    let msg = format!(
                        "instance `{id}` has no interface in the snapshot; the target is left out"
                    );
                    self.say(Severity::Warning, "UNKNOWN_REFERENCE", file, &at, msg);
                    return None;
                };
                (net.interface(eni).primary_ip(), Some(eni))
            }
            TargetType::Ip => {
                let ip = self.ip(id, file, || at.clone())?;
                let net = self.b.network();
                let eni = vpc.and_then(|v| net.eni_by_private_ip(v, ip)).or_else(|| {
                    match net.enis_with_private_ip(ip).as_slice() {
                        [one] => Some(*one),
                        _ => None,
                    }
                });
                (ip, eni)
            }
            TargetType::Alb => {
                let found = eni_description(id).and_then(|d| self.lb_enis.get(d.as_str()));
                let Some(&eni) = found.and_then(|v| v.first()) else {
                    let msg = format!("no interface of application load balancer `{id}` is in the snapshot; the target is left out");
                    self.say(Severity::Warning, "UNKNOWN_REFERENCE", file, &at, msg);
                    return None;
                };
                (self.b.network().interface(eni).primary_ip(), Some(eni))
            }
            TargetType::Lambda => return None,
        };
        let port = match d.target.port {
            None => None,
            Some(p) => match u16::try_from(p) {
                Ok(p) if p == group_port => None,
                Ok(p) => Some(p),
                Err(_) => {
                    let msg = format!("port `{p}` is not within 0-65535; the target is left out");
                    self.error("BAD_PORTS", file, &format!("{ptr}/Port"), msg);
                    return None;
                }
            },
        };
        Some(Target {
            ip,
            eni,
            port,
            az: d.target.availability_zone.as_deref().map(str::to_owned),
            health: d
                .target_health
                .as_ref()
                .and_then(|h| h.state.as_deref())
                .map(str::to_owned),
        })
    }

    fn load_balancer(
        &mut self,
        v: &raw::LoadBalancer<'_>,
        file: usize,
        ptr: &str,
        listeners: Vec<FoundListener<'_>>,
        rules: &mut Map<String, Vec<&crate::parse::At<raw::Rule<'_>>>>,
        cross_zone: Option<bool>,
    ) {
        let arn = &*v.load_balancer_arn;
        if !self.first(arn, file, ptr) {
            return;
        }
        let kind = match v.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("network") => LbKind::Network,
            Some("application") => LbKind::Application,
            Some("gateway") => LbKind::Gateway,
            other => {
                let msg = format!(
                    "load balancer type {} is not `network`, `application` or `gateway`; skipped",
                    other.map_or_else(|| "(none)".to_owned(), |o| format!("`{o}`"))
                );
                self.error("BAD_VALUE", file, &format!("{ptr}/Type"), msg);
                return;
            }
        };
        let Some(vpc_id) = v.vpc_id.as_deref() else {
            let msg = format!("load balancer `{arn}` has no `VpcId`; skipped");
            self.error("BAD_VALUE", file, ptr, msg);
            return;
        };
        let Some(vpc) = self.vpc(vpc_id) else {
            let at = format!("{ptr}/VpcId");
            self.unknown_ref(file, &at, "VPC", vpc_id, "the load balancer is skipped");
            return;
        };
        let name = v.load_balancer_name.as_deref().unwrap_or(arn);
        let enis = self.lb_interfaces(v, kind, vpc, name, file, ptr);
        let mut ls = Vec::new();
        for f in listeners {
            if let Some(l) = self.listener(&f, rules) {
                if ls
                    .iter()
                    .any(|o: &Listener| o.port == l.port && o.protocol == l.protocol)
                {
                    let msg = format!("load balancer `{arn}` has two {} listeners on port {}; the second is skipped", l.protocol, l.port);
                    self.error("DUPLICATE_LISTENER", f.file, &f.ptr, msg);
                    continue;
                }
                ls.push(l);
            }
        }
        let mut meta = self.meta(arn, &[], file, ptr);
        meta.name = Some(name.to_owned());
        self.b.add_load_balancer(vpcnet_model::LoadBalancer {
            meta,
            vpc,
            kind,
            internal: v.scheme.as_deref() != Some("internet-facing"),
            enis,
            dns_name: v.dns_name.as_deref().map(str::to_ascii_lowercase),
            cross_zone: cross_zone.unwrap_or(kind == LbKind::Application),
            listeners: ls,
            state: v
                .state
                .as_ref()
                .and_then(|s| s.code.as_deref())
                .unwrap_or("active")
                .to_owned(),
        });
    }

    /// The interfaces of a load balancer: those described as its own, else made from
    /// the private addresses its zones list.
    fn lb_interfaces(
        &mut self,
        v: &raw::LoadBalancer<'_>,
        kind: LbKind,
        vpc: VpcIdx,
        name: &str,
        file: usize,
        ptr: &str,
    ) -> Vec<EniIdx> {
        let arn = &*v.load_balancer_arn;
        let described = eni_description(arn);
        let mut enis: Vec<EniIdx> = Vec::new();
        if let Some(found) = described.as_deref().and_then(|d| self.lb_enis.get(d)) {
            let net = self.b.network();
            for e in found {
                let in_vpc = net.subnet(net.interface(*e).subnet).vpc == vpc;
                let free = net.lb_of_eni(*e).is_none()
                    && net.nat_of_eni(*e).is_none()
                    && net.endpoint_of_eni(*e).is_none();
                if in_vpc && free {
                    enis.push(*e);
                }
            }
        }
        let base = format!("{ptr}/AvailabilityZones");
        for (z, j) in self.items(&v.availability_zones, file, &base, "availability zone") {
            let Some(sid) = z.subnet_id.as_deref() else {
                continue;
            };
            let zptr = format!("{base}/{j}");
            let Some(subnet) = self.subnet(sid) else {
                let at = format!("{zptr}/SubnetId");
                self.unknown_ref(
                    file,
                    &at,
                    "subnet",
                    sid,
                    "the load balancer goes without it",
                );
                continue;
            };
            let net = self.b.network();
            if enis.iter().any(|e| net.interface(*e).subnet == subnet) {
                continue;
            }
            let addr = z
                .load_balancer_addresses
                .iter()
                .enumerate()
                .find_map(|(k, a)| Some((k, a.private_ipv4_address.as_deref()?, a)));
            let Some((k, private, a)) = addr else {
                continue;
            };
            let aptr = format!("{zptr}/LoadBalancerAddresses/{k}");
            let Some(private) = self.ip(private, file, || format!("{aptr}/PrivateIPv4Address"))
            else {
                continue;
            };
            let public = match a.ip_address.as_deref() {
                Some(p) => self.ip(p, file, || format!("{aptr}/IpAddress")),
                None => None,
            };
            let groups: Vec<SgIdx> = v
                .security_groups
                .iter()
                .filter_map(|g| self.sg(g))
                .collect();
            let id = format!("{name}/{sid}");
            let msg = format!(
                "no interface described `{}` is in `NetworkInterfaces` for subnet `{sid}`; interface `{id}` is made from the load balancer's address {private}",
                described.as_deref().unwrap_or(arn)
            );
            self.say(
                Severity::Note,
                "LB_INTERFACE_FROM_ADDRESS",
                file,
                &aptr,
                msg,
            );
            let added = self.b.add_interface(Interface {
                meta: Meta {
                    id,
                    name: None,
                    tags: Vec::new(),
                    origin: self.loc(file, &aptr),
                },
                subnet,
                private_ips: vec![PrivateIp {
                    addr: private,
                    public,
                }],
                security_groups: groups,
                source_dest_check: false,
                owner: InterfaceOwner::Other(format!("{}_load_balancer", kind.as_str())),
            });
            enis.extend(added);
        }
        if enis.is_empty() && kind != LbKind::Gateway {
            let msg = format!(
                "load balancer `{arn}` has no interface in the snapshot (none in `NetworkInterfaces` is described `{}`); traces to it stop there",
                described.as_deref().unwrap_or("ELB …")
            );
            self.say(Severity::Warning, "LB_INTERFACES_MISSING", file, ptr, msg);
        }
        enis
    }

    fn target_group_idx(&mut self, arn: &str, file: usize, ptr: &str) -> Option<TargetGroupIdx> {
        let found = self.b.network().by_id_as(arn);
        if found.is_none() {
            self.unknown_ref(file, ptr, "target group", arn, "it is left out");
        }
        found
    }

    fn listener(
        &mut self,
        f: &FoundListener<'_>,
        rules: &mut Map<String, Vec<&crate::parse::At<raw::Rule<'_>>>>,
    ) -> Option<Listener> {
        let l = f.l;
        let Some(protocol) = l.protocol.as_deref() else {
            let msg = "a listener needs `Protocol`".to_owned();
            self.error("BAD_VALUE", f.file, &f.ptr, msg);
            return None;
        };
        let port = match l.port.map(u16::try_from) {
            Some(Ok(p)) => p,
            other => {
                let msg = match other {
                    None => "a listener needs `Port`".to_owned(),
                    Some(_) => format!(
                        "port `{}` is not within 0-65535; the listener is skipped",
                        l.port.unwrap_or_default()
                    ),
                };
                self.error("BAD_PORTS", f.file, &format!("{}/Port", f.ptr), msg);
                return None;
            }
        };
        let actions = format!("{}/DefaultActions", f.ptr);
        // Said here: the actions that cannot be read.
        self.items(&l.default_actions, f.file, &actions, "action");
        let default_target_group = match forward(&l.default_actions, &actions) {
            Some(Forward::To(tg, at)) => self.target_group_idx(tg, f.file, &at),
            Some(Forward::Elsewhere(_)) | None => None,
        };
        let mut out = Vec::new();
        let found = l
            .listener_arn
            .as_deref()
            .and_then(|id| rules.remove(id))
            .unwrap_or_default();
        for e in found {
            let rptr = format!("/Rules/{}", e.index);
            if let Some(r) = self.listener_rule(&e.v, e.file, &rptr) {
                out.push(r);
            }
        }
        out.sort_by_key(|r| r.priority);
        Some(Listener {
            protocol: protocol.to_ascii_uppercase(),
            port,
            default_target_group,
            rules: out,
        })
    }

    fn listener_rule(&mut self, r: &raw::Rule<'_>, file: usize, ptr: &str) -> Option<ListenerRule> {
        if r.is_default == Some(true) {
            // The default rule is the listener's default actions again.
            return None;
        }
        let Some(priority) = r.priority.as_ref().map(|p| &*p.0) else {
            let msg = "a listener rule needs `Priority`".to_owned();
            self.error("BAD_VALUE", file, ptr, msg);
            return None;
        };
        if priority == "default" {
            return None;
        }
        let Ok(priority) = priority.parse::<u32>() else {
            let msg = format!("priority `{priority}` is not a number; the rule is skipped");
            self.error("BAD_VALUE", file, &format!("{ptr}/Priority"), msg);
            return None;
        };
        let (mut hosts, mut paths) = (Vec::new(), Vec::new());
        let base = format!("{ptr}/Conditions");
        for (c, j) in self.items(&r.conditions, file, &base, "condition") {
            let field = c.field.as_deref().unwrap_or_default();
            let values = |cfg: &Option<raw::ValuesObj<'_>>| -> Vec<String> {
                let from_cfg = cfg.as_ref().map(|v| &v.values[..]).unwrap_or(&[]);
                let list = if from_cfg.is_empty() {
                    &c.values[..]
                } else {
                    from_cfg
                };
                list.iter().map(|s| s.to_string()).collect()
            };
            match field {
                "host-header" => hosts.extend(values(&c.host_header_config)),
                "path-pattern" => paths.extend(values(&c.path_pattern_config)),
                other => {
                    let msg = format!("listener rule with a `{other}` condition: vpcnet holds host and path conditions only, so the rule is left out");
                    self.say(
                        Severity::Note,
                        "NOT_MODELLED",
                        file,
                        &format!("{base}/{j}"),
                        msg,
                    );
                    return None;
                }
            }
        }
        let actions = format!("{ptr}/Actions");
        // Said here: the actions that cannot be read.
        self.items(&r.actions, file, &actions, "action");
        let target_group = match forward(&r.actions, &actions) {
            Some(Forward::To(tg, at)) => self.target_group_idx(tg, file, &at)?,
            Some(Forward::Elsewhere(kind)) => {
                let msg = format!(
                    "listener rule whose action is `{kind}`: not followed, so the rule is left out"
                );
                self.say(Severity::Note, "NOT_MODELLED", file, &actions, msg);
                return None;
            }
            None => {
                let msg = "a listener rule needs an action".to_owned();
                self.error("BAD_VALUE", file, ptr, msg);
                return None;
            }
        };
        Some(ListenerRule {
            priority,
            hosts,
            paths,
            target_group,
        })
    }

    /// Endpoint services: configurations first, then services of the account known
    /// only from `ServiceDetails`.
    pub(crate) fn endpoint_services(&mut self, t: &ServiceItems<'_, 'x>) {
        let mut by_connection: Map<&'x str, Vec<&'x str>> = Map::default();
        for &e in t.connections {
            if let Some(svc) = e.v.service_id.as_deref() {
                let lbs = by_connection.entry(svc).or_default();
                for l in &e.v.network_load_balancer_arns {
                    if !lbs.contains(&&**l) {
                        lbs.push(l);
                    }
                }
            }
        }
        for (items, key) in [
            (t.configurations, "ServiceConfigurations"),
            (t.endpoint_services, "VpcEndpointServices"),
        ] {
            for &e in items {
                let ptr = format!("/{key}/{}", e.index);
                self.service_configuration(&e.v, e.file, &ptr);
            }
        }
        for &e in t.details {
            let d = &e.v;
            let scope = self.scope(e.file);
            let (Some(id), Some(owner)) = (d.service_id.as_deref(), d.owner.as_deref()) else {
                continue;
            };
            // The AWS services and other accounts' services are a catalogue, not
            // resources of this network.
            if scope.account.as_deref() != Some(owner) || self.seen.contains_key(id) {
                continue;
            }
            let ptr = format!("/ServiceDetails/{}", e.index);
            if !self.first(id, e.file, &ptr) {
                continue;
            }
            let lbs: Vec<LbIdx> = by_connection
                .get(id)
                .map(|v| {
                    v.iter()
                        .filter_map(|l| self.b.network().by_id_as(l))
                        .collect()
                })
                .unwrap_or_default();
            if lbs.is_empty() {
                let msg = format!(
                    "endpoint service `{id}` is only in `ServiceDetails`, which does not name its load balancers (`aws ec2 describe-vpc-endpoint-service-configurations` does); skipped"
                );
                self.say(
                    Severity::Warning,
                    "ENDPOINT_SERVICE_INCOMPLETE",
                    e.file,
                    &ptr,
                    msg,
                );
                continue;
            }
            let msg = format!(
                "endpoint service `{id}` is only in `ServiceDetails`: its load balancers come from its endpoint connections, and its allowed principals are unknown, so only its own account may connect"
            );
            self.say(
                Severity::Warning,
                "ENDPOINT_SERVICE_INCOMPLETE",
                e.file,
                &ptr,
                msg,
            );
            let meta = self.meta(id, &d.tags, e.file, &ptr);
            let region = scope.region.clone();
            self.b.add_endpoint_service(EndpointService {
                meta,
                service_name: d.service_name.to_string(),
                load_balancers: lbs,
                acceptance_required: d.acceptance_required.unwrap_or(true),
                allowed_principals: Vec::new(),
                supported_regions: Vec::new(),
                account: owner.to_owned(),
                region,
            });
        }
    }

    fn service_configuration(&mut self, s: &raw::ServiceConfiguration<'_>, file: usize, ptr: &str) {
        let id = &*s.service_id;
        if matches!(
            s.service_state
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("deleted" | "deleting")
        ) || !self.first(id, file, ptr)
        {
            return;
        }
        if s.network_load_balancer_arns.is_empty() {
            let msg = if s.gateway_load_balancer_arns.is_empty() {
                format!("endpoint service `{id}` names no load balancer; skipped")
            } else {
                format!("endpoint service `{id}` is offered by a Gateway Load Balancer: not modelled, skipped")
            };
            self.say(Severity::Note, "NOT_MODELLED", file, ptr, msg);
            return;
        }
        let mut lbs = Vec::new();
        for (j, l) in s.network_load_balancer_arns.iter().enumerate() {
            match self.b.network().by_id_as::<LbIdx>(l) {
                Some(x) => lbs.push(x),
                None => {
                    let at = format!("{ptr}/NetworkLoadBalancerArns/{j}");
                    self.unknown_ref(file, &at, "load balancer", l, "the service goes without it");
                }
            }
        }
        let allowed_principals = match &s.allowed_principals {
            Some(list) => {
                let base = format!("{ptr}/AllowedPrincipals");
                self.items(list, file, &base, "principal")
                    .into_iter()
                    .filter_map(|(p, _)| p.principal.as_deref().map(str::to_owned))
                    .collect()
            }
            None => {
                let msg = format!(
                    "endpoint service `{id}` has no `AllowedPrincipals` (from `aws ec2 describe-vpc-endpoint-service-permissions`); only its own account may connect"
                );
                self.say(
                    Severity::Warning,
                    "ENDPOINT_SERVICE_INCOMPLETE",
                    file,
                    ptr,
                    msg,
                );
                Vec::new()
            }
        };
        let scope = self.scope(file);
        let region = scope.region.clone();
        let account = scope
            .account
            .clone()
            .or_else(|| {
                // The owner is the account in the load balancer's ARN.
                s.network_load_balancer_arns
                    .first()
                    .and_then(|a| a.split(':').nth(4))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| super::UNKNOWN_ACCOUNT.to_owned());
        let service_name = s.service_name.as_deref().map_or_else(
            || format!("com.amazonaws.vpce.{region}.{id}"),
            str::to_owned,
        );
        let meta = self.meta(id, &s.tags, file, ptr);
        self.b.add_endpoint_service(EndpointService {
            meta,
            service_name,
            load_balancers: lbs,
            acceptance_required: s.acceptance_required.unwrap_or(true),
            allowed_principals,
            supported_regions: s
                .supported_regions
                .iter()
                .filter_map(|r| r.region.as_deref().map(str::to_owned))
                .collect(),
            account,
            region,
        });
    }
}
