//! Elastic Load Balancing and the provider side of PrivateLink: target groups with
//! their attachments, load balancers (`aws_lb`, and `aws_alb*` under the old names)
//! with their listeners and listener rules, and endpoint services with their allowed
//! principals.
//!
//! What AWS decides at apply is stood for, and said. A load balancer has one
//! interface in each of its subnets, at the address its `subnet_mapping` gives or else
//! at the lowest free one (as for an instance whose address AWS picks; no plan or state
//! holds these addresses), with a placeholder public address when it is
//! internet-facing. Its DNS name, unknown in a plan, is made up in AWS's form, so that
//! a record aliasing it resolves to those interfaces. An endpoint service's name is
//! made from its id as AWS makes it, so an interface endpoint naming it through the
//! configuration reaches it. ARNs unknown until apply are the synthetic ids
//! ([`crate::refs`]), so listeners, rules and attachments find what they name.
//!
//! A listener or rule sends to the target group of its first `forward` action (by
//! `order`; authentication actions before it are passed over); a weighted forward to
//! several groups is held as one group, and said. vpcnet's listener rules hold host
//! and path conditions and a target group: a rule with other conditions, or whose
//! action is a redirect or a fixed response, is left out, and said. An application
//! load balancer without security groups has its VPC's default group, as AWS gives
//! it; a network load balancer without them filters nothing.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use vpcnet_model::{
    AnyIdx, EndpointService, Interface, InterfaceOwner, LbIdx, LbKind, Listener, ListenerRule,
    LoadBalancer, Meta, PrivateIp, Severity, SubnetIdx, Target, TargetGroup, TargetGroupIdx,
    TargetType, VpcIdx,
};

use super::{boolean, items, num, text, Lower};

const LBS: &[&str] = &["aws_lb", "aws_alb"];
const LISTENERS: &[&str] = &["aws_lb_listener", "aws_alb_listener"];
const RULES: &[&str] = &["aws_lb_listener_rule", "aws_alb_listener_rule"];
const GROUPS: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];
const ATTACHMENTS: &[&str] = &[
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
];

/// Where the actions of a listener or rule send requests.
enum Forward {
    /// To the target group with this id.
    To(String),
    /// Somewhere vpcnet does not follow: a redirect or a fixed response (its type).
    Elsewhere(String),
    /// Not known; said already.
    Lost,
}

/// A listener rule as read, before it joins its listener.
struct Rule {
    res: usize,
    listener: String,
    priority: Option<u32>,
    hosts: Vec<String>,
    paths: Vec<String>,
    group: TargetGroupIdx,
}

/// A listener as read, before it joins its load balancer.
struct ListenerSpec {
    res: usize,
    lb: String,
    listener: Listener,
}

/// Where a load balancer has an interface: the subnet, the address `subnet_mapping`
/// gives, its Elastic IP allocation, and the JSON pointer that names the subnet.
struct Place {
    subnet: SubnetIdx,
    ip: Option<Ipv4Addr>,
    allocation: Option<String>,
    ptr: String,
}

/// A subnet a load balancer names, before it is looked up.
struct Named {
    /// The subnet's id.
    subnet: String,
    ip: Option<Ipv4Addr>,
    allocation: Option<String>,
    /// The pointer of the interface's entry.
    ptr: String,
    /// What names it (`subnets`, `subnet_mapping[0].subnet_id`).
    what: String,
}

/// 32-bit FNV-1a: a stable suffix for made-up DNS names.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn lb_kind(s: Option<&str>) -> Option<LbKind> {
    match s.map(str::to_ascii_lowercase).as_deref() {
        None | Some("application") => Some(LbKind::Application),
        Some("network") => Some(LbKind::Network),
        Some("gateway") => Some(LbKind::Gateway),
        Some(_) => None,
    }
}

impl Lower<'_, '_, '_> {
    pub(super) fn load_balancing(&mut self) {
        let groups = self.target_groups();
        let mut rules = self.listener_rules(&groups);
        let mut listeners = self.listeners(&groups, &mut rules);
        for r in rules {
            self.unknown_ref(
                r.res,
                "listener_arn",
                "listener",
                &r.listener,
                "the rule is left out",
            );
        }
        self.load_balancers(&mut listeners);
        for l in listeners {
            self.unknown_ref(
                l.res,
                "load_balancer_arn",
                "load balancer",
                &l.lb,
                "the listener is left out",
            );
        }
        self.endpoint_services();
    }

    /// A port (1–65535) of attribute `attr`: `Ok(None)` when absent, `Err` (said)
    /// when it is not a port.
    fn port_of(&mut self, i: usize, attr: &str, consequence: &str) -> Result<Option<u16>, ()> {
        let Some(v) = self.val(i, attr).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        match num(Some(v)).map(u16::try_from) {
            Some(Ok(p)) if p > 0 => Ok(Some(p)),
            _ => {
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                let msg = format!(
                    "`{attr}` `{shown}` of `{}` is not a port; {consequence}",
                    self.addr(i)
                );
                let p = self.vptr(i, attr);
                self.say(Severity::Error, "BAD_PORTS", &p, msg);
                Err(())
            }
        }
    }

    // ----- target groups -----------------------------------------------------------

    fn target_groups(&mut self) -> HashMap<String, TargetGroupIdx> {
        let mut attached: Vec<(String, usize, bool)> = Vec::new();
        for a in self.of_type(ATTACHMENTS) {
            let skip = "the attachment is left out";
            if let Some(tg) = self.required(a, "target_group_arn", "target group", skip) {
                attached.push((tg, a, false));
            }
        }
        let mut out = HashMap::new();
        for i in self.of_type(GROUPS) {
            let id = self.r.id(i);
            let skip = "the target group is left out";
            let target_type = match self
                .r
                .one(i, "target_type")
                .map(|t| t.to_ascii_lowercase())
                .as_deref()
            {
                None | Some("instance") => TargetType::Instance,
                Some("ip") => TargetType::Ip,
                Some("alb") => TargetType::Alb,
                Some("lambda") => TargetType::Lambda,
                Some(other) => {
                    let msg = format!(
                        "`target_type` `{other}` of `{}` is not `instance`, `ip`, `alb` or `lambda`; {skip}",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "target_type");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    continue;
                }
            };
            let vpc = match self.r.one(i, "vpc_id") {
                Some(v) => {
                    let found = self.b.network().by_id_as::<VpcIdx>(&v);
                    if found.is_none() {
                        self.unknown_ref(i, "vpc_id", "VPC", &v, "the group is kept without one");
                    }
                    found
                }
                None => {
                    if self.r.unknown_at(i, "/vpc_id") && self.r.configured(i, "vpc_id") {
                        self.unresolved(i, "vpc_id", "VPC", "the group is kept without one");
                    }
                    None
                }
            };
            let port = match self.port_of(i, "port", skip) {
                Ok(Some(p)) => p,
                Err(()) => continue,
                // Lambda functions have no port.
                Ok(None) if target_type == TargetType::Lambda => 0,
                Ok(None) => {
                    let msg = format!("`{}` has no `port`; {skip}", self.addr(i));
                    let p = self.vptr(i, "port");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    continue;
                }
            };
            let protocol = self
                .r
                .one(i, "protocol")
                .map(|p| p.to_ascii_uppercase())
                .unwrap_or_else(|| "TCP".to_owned());
            // The provider writes it as a string; unknown in a plan when not set, which
            // leaves AWS's default.
            let preserve_client_ip = boolean(self.val(i, "preserve_client_ip"));
            let arn = self.r.one(i, "arn");
            let mut targets = Vec::new();
            for (tg, a, used) in attached.iter_mut() {
                if *tg == id || arn.as_deref() == Some(tg.as_str()) {
                    *used = true;
                    targets.extend(self.target(*a, target_type, vpc));
                }
            }
            let mut meta = self.meta(i, id.clone());
            if meta.name.is_none() {
                meta.name = text(self.val(i, "name"));
            }
            if let Some(g) = self.b.add_target_group(TargetGroup {
                meta,
                vpc,
                target_type,
                protocol,
                port,
                targets,
                preserve_client_ip,
            }) {
                if let Some(arn) = arn {
                    out.insert(arn, g);
                }
                out.insert(id, g);
            }
        }
        for (tg, a, used) in attached {
            if !used {
                self.unknown_ref(
                    a,
                    "target_group_arn",
                    "target group",
                    &tg,
                    "the attachment is left out",
                );
            }
        }
        out
    }

    /// The target an attachment registers.
    fn target(&mut self, a: usize, kind: TargetType, vpc: Option<VpcIdx>) -> Option<Target> {
        let skip = "the target is left out";
        let id = self.required(a, "target_id", "target", skip)?;
        let port = self.port_of(a, "port", skip).ok()?;
        let az = self.r.one(a, "availability_zone");
        let net = self.b.network();
        let (ip, eni) = match kind {
            TargetType::Instance => match net.by_id(&id) {
                Some(AnyIdx::Instance(x)) => {
                    // An instance whose interface was refused was said then.
                    let eni = net.instance(x).interfaces.first().copied()?;
                    (net.interface(eni).primary_ip(), Some(eni))
                }
                _ => {
                    self.unknown_ref(a, "target_id", "instance", &id, skip);
                    return None;
                }
            },
            TargetType::Ip => {
                let Ok(ip) = id.trim().parse::<Ipv4Addr>() else {
                    let msg = format!(
                        "`{id}` of `{}` is not an IPv4 address, which targets of type `ip` are; {skip}",
                        self.addr(a)
                    );
                    let p = self.vptr(a, "target_id");
                    self.say(Severity::Error, "BAD_ADDRESS", &p, msg);
                    return None;
                };
                let eni = vpc.and_then(|v| net.eni_by_private_ip(v, ip)).or_else(|| {
                    match net.enis_with_private_ip(ip).as_slice() {
                        [one] => Some(*one),
                        _ => None,
                    }
                });
                (ip, eni)
            }
            // Traces stop at groups of load balancers or Lambda functions before a
            // target's address matters.
            TargetType::Alb | TargetType::Lambda => (Ipv4Addr::UNSPECIFIED, None),
        };
        Some(Target {
            ip,
            eni,
            port,
            az,
            health: None,
        })
    }

    // ----- listeners and rules -----------------------------------------------------

    /// The target group the actions in `block` forward to.
    fn forward(&mut self, i: usize, block: &str, consequence: &str) -> Forward {
        let list = items(self.val(i, block)).to_vec();
        if list.is_empty() {
            if self.r.unknown_at(i, &format!("/{block}")) {
                self.unresolved(i, block, "action", consequence);
            } else {
                let msg = format!("`{}` has no `{block}`; {consequence}", self.addr(i));
                let p = self.vptr(i, block);
                self.say(Severity::Error, "BAD_VALUE", &p, msg);
            }
            return Forward::Lost;
        }
        let mut order: Vec<usize> = (0..list.len()).collect();
        order.sort_by_key(|&j| {
            (
                list.get(j)
                    .and_then(|x| num(x.get("order")))
                    .unwrap_or(i64::MAX),
                j,
            )
        });
        for j in order {
            let Some(item) = list.get(j) else {
                continue;
            };
            let ty = self
                .r
                .block_attr(i, block, j, item, "type")
                .into_iter()
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            match ty.as_str() {
                "forward" => {}
                t if t.starts_with("authenticate") => continue,
                "" => {
                    let msg = format!(
                        "`{block}[{j}]` of `{}` has no `type`; {consequence}",
                        self.addr(i)
                    );
                    let p = format!("{}/values/{block}/{j}/type", self.ptr(i));
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    return Forward::Lost;
                }
                _ => return Forward::Elsewhere(ty),
            }
            let mut groups = self.r.block_attr(i, block, j, item, "target_group_arn");
            if groups.is_empty() {
                // `forward { target_group { arn, weight } … }`: the heaviest first.
                let mut weighted: Vec<(String, i64)> = Vec::new();
                for f in items(item.get("forward")) {
                    for g in items(f.get("target_group")) {
                        if let Some(arn) = text(g.get("arn")) {
                            weighted.push((arn, num(g.get("weight")).unwrap_or(1)));
                        }
                    }
                }
                weighted.sort_by_key(|(_, w)| std::cmp::Reverse(*w));
                groups = weighted.into_iter().map(|(a, _)| a).collect();
                for g in self.r.block_deep(
                    i,
                    block,
                    item,
                    &["forward", "target_group"],
                    "arn",
                    "target_group_arn",
                ) {
                    if !groups.contains(&g) {
                        groups.push(g);
                    }
                }
            }
            return match groups.as_slice() {
                [] => {
                    self.unresolved_block(
                        i,
                        block,
                        j,
                        item,
                        "target_group_arn",
                        "target group",
                        consequence,
                    );
                    Forward::Lost
                }
                [one] => Forward::To(one.clone()),
                [first, ..] => {
                    let msg = format!(
                        "`{block}[{j}]` of `{}` forwards to {} target groups by weight; vpcnet's listeners and rules send to one, so `{first}` (the heaviest when the weights are known) stands for them",
                        self.addr(i),
                        groups.len()
                    );
                    let p = format!("{}/values/{block}/{j}/forward", self.ptr(i));
                    self.say(Severity::Note, "LB_WEIGHTED_FORWARD", &p, msg);
                    Forward::To(first.clone())
                }
            };
        }
        // Authentication only: nothing is forwarded.
        Forward::Elsewhere("authenticate".to_owned())
    }

    fn listener_rules(&mut self, groups: &HashMap<String, TargetGroupIdx>) -> Vec<Rule> {
        let mut out = Vec::new();
        for i in self.of_type(RULES) {
            let skip = "the rule is left out";
            let Some(listener) = self.required(i, "listener_arn", "listener", skip) else {
                continue;
            };
            let priority = match self.val(i, "priority").filter(|v| !v.is_null()) {
                None => None,
                Some(v) => match num(Some(v)).map(u32::try_from) {
                    Some(Ok(p)) if (1..=50_000).contains(&p) => Some(p),
                    _ => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        let msg = format!(
                            "`priority` `{shown}` of `{}` is not between 1 and 50000; {skip}",
                            self.addr(i)
                        );
                        let p = self.vptr(i, "priority");
                        self.say(Severity::Error, "BAD_VALUE", &p, msg);
                        continue;
                    }
                },
            };
            let (mut hosts, mut paths, mut other) = (Vec::new(), Vec::new(), Vec::new());
            let conditions = items(self.val(i, "condition")).to_vec();
            for c in &conditions {
                let Some(o) = c.as_object() else {
                    continue;
                };
                for (key, v) in o {
                    let mut values = Vec::new();
                    for b in items(Some(v)) {
                        for x in items(b.get("values")) {
                            values.extend(text(Some(x)));
                        }
                    }
                    let set = match v {
                        serde_json::Value::Array(a) => !a.is_empty(),
                        serde_json::Value::Null => false,
                        _ => true,
                    };
                    match key.as_str() {
                        "host_header" => hosts.extend(values),
                        "path_pattern" => paths.extend(values),
                        _ if set => other.push(format!("`{key}`")),
                        _ => {}
                    }
                }
            }
            if !other.is_empty() {
                other.sort();
                other.dedup();
                let msg = format!(
                    "`{}` matches on {}, which vpcnet's listener rules do not hold; {skip} (requests it would take are shown going on to the next rule or the default action)",
                    self.addr(i),
                    other.join(", ")
                );
                let p = self.vptr(i, "condition");
                self.say(Severity::Note, "RULE_NOT_MODELLED", &p, msg);
                continue;
            }
            if hosts.is_empty() && paths.is_empty() {
                if self.r.unknown_at(i, "/condition") {
                    self.unresolved(i, "condition", "condition", skip);
                } else {
                    let msg = format!(
                        "`{}` has no host or path condition (AWS requires a condition); {skip}",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "condition");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                }
                continue;
            }
            let group = match self.forward(i, "action", skip) {
                Forward::To(tg) => match groups.get(&tg) {
                    Some(g) => *g,
                    None => {
                        self.unknown_ref(i, "action", "target group", &tg, skip);
                        continue;
                    }
                },
                Forward::Elsewhere(kind) => {
                    let msg = format!(
                        "the action of `{}` is `{kind}`, not `forward`: vpcnet's listener rules send to target groups only; {skip} (requests it would take are shown going on to the next rule or the default action)",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "action");
                    self.say(Severity::Note, "RULE_NOT_MODELLED", &p, msg);
                    continue;
                }
                Forward::Lost => continue,
            };
            out.push(Rule {
                res: i,
                listener,
                priority,
                hosts,
                paths,
                group,
            });
        }
        out
    }

    fn listeners(
        &mut self,
        groups: &HashMap<String, TargetGroupIdx>,
        rules: &mut Vec<Rule>,
    ) -> Vec<ListenerSpec> {
        // The kind of each load balancer, for the listeners' default protocol.
        let mut kinds: HashMap<String, LbKind> = HashMap::new();
        for i in self.of_type(LBS) {
            let kind = lb_kind(self.r.one(i, "load_balancer_type").as_deref());
            if let Some(k) = kind {
                kinds.insert(self.r.id(i), k);
                if let Some(arn) = self.r.one(i, "arn") {
                    kinds.insert(arn, k);
                }
            }
        }
        let mut out = Vec::new();
        for i in self.of_type(LISTENERS) {
            let skip = "the listener is left out";
            let id = self.r.id(i);
            let arn = self.r.one(i, "arn");
            let Some(lb) = self.required(i, "load_balancer_arn", "load balancer", skip) else {
                continue;
            };
            let kind = kinds.get(&lb).copied();
            let port = match self.port_of(i, "port", skip) {
                Ok(Some(p)) => p,
                Err(()) => continue,
                // A gateway load balancer's listener takes every port.
                Ok(None) if kind == Some(LbKind::Gateway) => 0,
                Ok(None) => {
                    let msg = format!("`{}` has no `port`; {skip}", self.addr(i));
                    let p = self.vptr(i, "port");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    continue;
                }
            };
            let protocol = self
                .r
                .one(i, "protocol")
                .map(|p| p.to_ascii_uppercase())
                .unwrap_or_else(|| {
                    match kind {
                        Some(LbKind::Network) => "TCP",
                        Some(LbKind::Gateway) => "GENEVE",
                        _ => "HTTP",
                    }
                    .to_owned()
                });
            let consequence = "the listener sends to no target group";
            let default_target_group = match self.forward(i, "default_action", consequence) {
                Forward::To(tg) => {
                    let found = groups.get(&tg).copied();
                    if found.is_none() {
                        self.unknown_ref(i, "default_action", "target group", &tg, consequence);
                    }
                    found
                }
                Forward::Elsewhere(_) | Forward::Lost => None,
            };
            let mine: Vec<Rule>;
            (mine, *rules) = std::mem::take(rules)
                .into_iter()
                .partition(|r| r.listener == id || arn.as_deref() == Some(r.listener.as_str()));
            let listener_rules = self.order_rules(mine);
            out.push(ListenerSpec {
                res: i,
                lb,
                listener: Listener {
                    protocol,
                    port,
                    default_target_group,
                    rules: listener_rules,
                },
            });
        }
        out
    }

    /// A listener's rules in priority order. AWS gives a rule without a priority the
    /// next free one; one priority taken twice keeps the first rule.
    fn order_rules(&mut self, mut rules: Vec<Rule>) -> Vec<ListenerRule> {
        let mut next = rules.iter().filter_map(|r| r.priority).max().unwrap_or(0);
        for r in &mut rules {
            if r.priority.is_none() {
                next = next.saturating_add(1).min(50_000);
                r.priority = Some(next);
                let msg = format!(
                    "the priority of `{}` is set by AWS at apply (the next free one); `{next}` stands for it",
                    self.addr(r.res)
                );
                let p = self.vptr(r.res, "priority");
                self.say(Severity::Note, "VALUE_ASSUMED", &p, msg);
            }
        }
        rules.sort_by_key(|r| r.priority);
        let mut out: Vec<ListenerRule> = Vec::new();
        for r in rules {
            let priority = r.priority.unwrap_or(50_000);
            if out.iter().any(|o| o.priority == priority) {
                let msg = format!(
                    "`{}` has priority {priority}, which another rule of its listener has; it is left out",
                    self.addr(r.res)
                );
                let p = self.vptr(r.res, "priority");
                self.say(Severity::Error, "DUPLICATE_PRIORITY", &p, msg);
                continue;
            }
            out.push(ListenerRule {
                priority,
                hosts: r.hosts,
                paths: r.paths,
                target_group: r.group,
            });
        }
        out
    }

    // ----- load balancers ----------------------------------------------------------

    /// The subnets a load balancer has interfaces in: its `subnet_mapping`, else its
    /// `subnets`; `None` (said) when there are none.
    fn lb_places(&mut self, i: usize, skip: &str) -> Option<Vec<Place>> {
        let mut named: Vec<Named> = Vec::new();
        let mappings = items(self.val(i, "subnet_mapping")).to_vec();
        for (j, m) in mappings.iter().enumerate() {
            let ptr = format!("{}/values/subnet_mapping/{j}", self.ptr(i));
            let Some(s) = self
                .r
                .block_attr(i, "subnet_mapping", j, m, "subnet_id")
                .into_iter()
                .next()
            else {
                if self
                    .r
                    .unknown_at(i, &format!("/subnet_mapping/{j}/subnet_id"))
                {
                    let consequence = "no interface is made there";
                    self.unresolved_block(
                        i,
                        "subnet_mapping",
                        j,
                        m,
                        "subnet_id",
                        "subnet",
                        consequence,
                    );
                }
                continue;
            };
            let ip = match text(m.get("private_ipv4_address")) {
                None => None,
                Some(a) => match a.parse::<Ipv4Addr>() {
                    Ok(ip) => Some(ip),
                    Err(_) => {
                        let msg = format!(
                            "`{a}` of `{}` is not an IPv4 address; an address is picked instead",
                            self.addr(i)
                        );
                        let p = format!("{ptr}/private_ipv4_address");
                        self.say(Severity::Error, "BAD_ADDRESS", &p, msg);
                        None
                    }
                },
            };
            named.push(Named {
                subnet: s,
                ip,
                allocation: text(m.get("allocation_id")),
                ptr,
                what: format!("subnet_mapping[{j}].subnet_id"),
            });
        }
        if named.is_empty() {
            let p = self.vptr(i, "subnets");
            for s in self.r.attr(i, "subnets") {
                named.push(Named {
                    subnet: s,
                    ip: None,
                    allocation: None,
                    ptr: p.clone(),
                    what: "subnets".to_owned(),
                });
            }
        }
        if named.is_empty() {
            if self.r.unknown_at(i, "/subnets") && self.r.configured(i, "subnets") {
                self.unresolved(i, "subnets", "subnet", skip);
            } else {
                let msg = format!(
                    "`{}` names no subnet (`subnets` or `subnet_mapping`); {skip}",
                    self.addr(i)
                );
                let p = self.vptr(i, "subnets");
                self.say(Severity::Error, "BAD_VALUE", &p, msg);
            }
            return None;
        }
        let mut out: Vec<Place> = Vec::new();
        let mut vpc: Option<VpcIdx> = None;
        for Named {
            subnet: s,
            ip,
            allocation,
            ptr,
            what,
        } in named
        {
            let Some(subnet) = self.b.network().by_id_as::<SubnetIdx>(&s) else {
                let msg = format!(
                    "`{what}` of `{}` names subnet `{s}`, which is not in the input; no interface is made there",
                    self.addr(i)
                );
                let p = if what == "subnets" {
                    ptr.clone()
                } else {
                    format!("{ptr}/subnet_id")
                };
                self.say(Severity::Warning, "UNKNOWN_REFERENCE", &p, msg);
                continue;
            };
            let v = self.b.network().vpc_of_subnet(subnet);
            if vpc.is_some_and(|x| x != v) {
                let msg = format!(
                    "`{}` names subnet `{s}` of another VPC than its first subnet's; no interface is made there",
                    self.addr(i)
                );
                self.say(Severity::Error, "ASSOCIATION_OTHER_VPC", &ptr, msg);
                continue;
            }
            vpc = Some(v);
            if out.iter().any(|p| p.subnet == subnet) {
                continue;
            }
            out.push(Place {
                subnet,
                ip,
                allocation,
                ptr,
            });
        }
        if out.is_empty() {
            let msg = format!("`{}` has no subnet in the input; {skip}", self.addr(i));
            let p = self.ptr(i);
            self.say(Severity::Warning, "UNKNOWN_REFERENCE", &p, msg);
            return None;
        }
        Some(out)
    }

    /// A DNS name in AWS's form for a load balancer whose name is known only after
    /// apply, said, and given to references to its `dns_name`.
    fn lb_dns_name(&mut self, i: usize, kind: LbKind, internal: bool, region: &str) -> String {
        let base = text(self.val(i, "name"))
            .or_else(|| text(self.val(i, "name_prefix")))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let cleaned: String = base
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(32)
            .collect();
        let mut label = cleaned.trim_matches('-').to_owned();
        if label.is_empty() {
            label = "tf-lb".to_owned();
        }
        let host = format!(
            "{}{label}-{:08x}",
            if internal && kind == LbKind::Application {
                "internal-"
            } else {
                ""
            },
            fnv(&self.addr(i))
        );
        let name = match kind {
            LbKind::Application => format!("{host}.{region}.elb.amazonaws.com"),
            LbKind::Network | LbKind::Gateway => format!("{host}.elb.{region}.amazonaws.com"),
        };
        let msg = format!(
            "the DNS name of `{}` is given by AWS at apply; `{name}` stands for it, so that names aliasing it resolve to its interfaces (the real name differs)",
            self.addr(i)
        );
        let p = self.vptr(i, "dns_name");
        self.say(Severity::Note, "DNS_NAME_ASSIGNED", &p, msg);
        self.r.stand_in(i, "dns_name", name.clone());
        name
    }

    fn load_balancers(&mut self, listeners: &mut Vec<ListenerSpec>) {
        for i in self.of_type(LBS) {
            let skip = "the load balancer is left out";
            let id = self.r.id(i);
            let arn = self.r.one(i, "arn");
            let ty = self.r.one(i, "load_balancer_type");
            let Some(kind) = lb_kind(ty.as_deref()) else {
                let msg = format!(
                    "`load_balancer_type` `{}` of `{}` is not `application`, `network` or `gateway`; {skip}",
                    ty.unwrap_or_default(),
                    self.addr(i)
                );
                let p = self.vptr(i, "load_balancer_type");
                self.say(Severity::Error, "BAD_VALUE", &p, msg);
                continue;
            };
            if self.duplicate(i, &id, skip) {
                continue;
            }
            let Some(places) = self.lb_places(i, skip) else {
                continue;
            };
            let Some(vpc) = places
                .first()
                .map(|p| self.b.network().vpc_of_subnet(p.subnet))
            else {
                continue;
            };
            // Gateway load balancers are internal: they have no public side.
            let internal =
                kind == LbKind::Gateway || boolean(self.val(i, "internal")).unwrap_or(false);
            let list = self.r.attr(i, "security_groups");
            let mut sgs = self.sg_ids(i, list, "security_groups");
            if sgs.is_empty() && kind == LbKind::Application {
                sgs.extend(self.default_sg_of.get(&vpc).copied());
            }
            let region = self.b.network().vpc(vpc).region.clone();
            let dns_name = match self.r.one(i, "dns_name") {
                Some(d) => Some(d),
                None if self.r.unknown_at(i, "/dns_name") => {
                    Some(self.lb_dns_name(i, kind, internal, &region))
                }
                None => None,
            };
            let owner = InterfaceOwner::Other(format!("{}_load_balancer", kind.as_str()));
            let mut enis = Vec::new();
            let mut picked: Vec<String> = Vec::new();
            for (k, place) in places.into_iter().enumerate() {
                let cidr = self.b.network().subnet(place.subnet).cidr;
                let ip = match place.ip {
                    Some(ip) => ip,
                    None => match self.free_ip(place.subnet) {
                        Some(ip) => {
                            picked.push(format!("`{ip}` (in `{cidr}`)"));
                            ip
                        }
                        None => {
                            let msg = format!(
                                "subnet `{cidr}` of `{}` has no free address left; no interface is made there",
                                self.addr(i)
                            );
                            self.say(Severity::Error, "SUBNET_FULL", &place.ptr, msg);
                            continue;
                        }
                    },
                };
                let public = if internal {
                    None
                } else {
                    self.lb_public(i, place.allocation, &place.ptr, cidr)
                };
                let meta = Meta {
                    id: format!("eni-tf-{}/{k}", self.addr(i)),
                    name: None,
                    tags: Vec::new(),
                    origin: self.loc(&place.ptr),
                };
                let added = self.b.add_interface(Interface {
                    meta,
                    subnet: place.subnet,
                    private_ips: vec![PrivateIp { addr: ip, public }],
                    security_groups: sgs.clone(),
                    // A load balancer sends its targets' replies to its clients.
                    source_dest_check: false,
                    owner: owner.clone(),
                });
                enis.extend(added);
            }
            if !picked.is_empty() {
                let msg = format!(
                    "the private addresses of the interfaces of `{}` are picked by AWS and are in no plan or state; {}, the lowest free addresses of their subnets, stand for them",
                    self.addr(i),
                    picked.join(", ")
                );
                let p = self.ptr(i);
                self.say(Severity::Note, "ADDRESS_ASSIGNED", &p, msg);
            }
            let mine: Vec<ListenerSpec>;
            (mine, *listeners) = std::mem::take(listeners)
                .into_iter()
                .partition(|l| l.lb == id || arn.as_deref() == Some(l.lb.as_str()));
            let mut kept: Vec<Listener> = Vec::new();
            for l in mine {
                let same = kept.iter().any(|o| {
                    o.port == l.listener.port
                        && o.protocol.eq_ignore_ascii_case(&l.listener.protocol)
                });
                if same {
                    let msg = format!(
                        "`{}` listens on {} port {}, as another listener of its load balancer does; it is left out",
                        self.addr(l.res),
                        l.listener.protocol,
                        l.listener.port
                    );
                    let p = self.vptr(l.res, "port");
                    self.say(Severity::Error, "DUPLICATE_LISTENER", &p, msg);
                    continue;
                }
                kept.push(l.listener);
            }
            let mut meta = self.meta(i, id);
            if meta.name.is_none() {
                meta.name = text(self.val(i, "name"));
            }
            let cross_zone = kind == LbKind::Application
                || boolean(self.val(i, "enable_cross_zone_load_balancing")).unwrap_or(false);
            self.b.add_load_balancer(LoadBalancer {
                meta,
                vpc,
                kind,
                internal,
                enis,
                dns_name,
                cross_zone,
                listeners: kept,
                state: "active".to_owned(),
            });
        }
    }

    /// Whether `id` is taken already: then `i`, which makes interfaces before the
    /// builder would refuse it, is said and left out.
    pub(super) fn duplicate(&mut self, i: usize, id: &str, skip: &str) -> bool {
        let Some(prev) = self.b.network().by_id(id) else {
            return false;
        };
        let msg = format!(
            "id `{id}` of `{}` is already used by a {}; {skip}",
            self.addr(i),
            prev.kind()
        );
        let p = self.ptr(i);
        self.say(Severity::Error, "DUPLICATE_ID", &p, msg);
        true
    }

    /// The public address of an internet-facing load balancer's interface: its
    /// Elastic IP (`subnet_mapping.allocation_id`), else a placeholder.
    fn lb_public(
        &mut self,
        i: usize,
        allocation: Option<String>,
        ptr: &str,
        cidr: ipnet::Ipv4Net,
    ) -> Option<Ipv4Addr> {
        let mut why = String::new();
        if let Some(a) = allocation {
            match self.eip_alloc.get(&a).copied() {
                Some((_, Some(ip))) => return Some(ip),
                Some((e, None)) => return self.eip_public(e),
                None => why = format!("; its Elastic IP `{a}` is not in the input"),
            }
        }
        let what = format!(
            "the interface of internet-facing `{}` in `{cidr}`",
            self.addr(i)
        );
        self.placeholder_public_at(i, &what, &why, ptr, None)
    }

    // ----- endpoint services -------------------------------------------------------

    fn endpoint_services(&mut self) {
        // (service id, resource, principal, used)
        let mut principals: Vec<(String, usize, String, bool)> = Vec::new();
        for a in self.of_type(&["aws_vpc_endpoint_service_allowed_principal"]) {
            let skip = "it is left out";
            let Some(svc) = self.required(a, "vpc_endpoint_service_id", "endpoint service", skip)
            else {
                continue;
            };
            if let Some(p) = self.required(a, "principal_arn", "principal", skip) {
                principals.push((svc, a, p, false));
            }
        }
        for i in self.of_type(&["aws_vpc_endpoint_service"]) {
            let skip = "the endpoint service is left out";
            let id = self.r.id(i);
            let named = self.r.attr(i, "network_load_balancer_arns");
            let mut lbs: Vec<LbIdx> = Vec::new();
            for arn in &named {
                match self.b.network().by_id_as::<LbIdx>(arn) {
                    Some(l) => lbs.push(l),
                    None => self.unknown_ref(
                        i,
                        "network_load_balancer_arns",
                        "load balancer",
                        arn,
                        "the service has no load balancer there",
                    ),
                }
            }
            if named.is_empty() {
                if !self.r.attr(i, "gateway_load_balancer_arns").is_empty() {
                    let msg = format!(
                        "`{}` offers gateway load balancers, which vpcnet does not trace through; {skip}",
                        self.addr(i)
                    );
                    let p = self.vptr(i, "gateway_load_balancer_arns");
                    self.say(Severity::Note, "NOT_MODELLED", &p, msg);
                } else if self.r.unknown_at(i, "/network_load_balancer_arns") {
                    self.unresolved(i, "network_load_balancer_arns", "load balancer", skip);
                } else {
                    let msg = format!("`{}` names no network load balancer; {skip}", self.addr(i));
                    let p = self.vptr(i, "network_load_balancer_arns");
                    self.say(Severity::Error, "BAD_VALUE", &p, msg);
                }
                continue;
            }
            let account = self.account(i);
            let region = self.region(i);
            let acceptance_required = self.flag(i, "acceptance_required", true);
            let mut allowed_principals = self.r.attr(i, "allowed_principals");
            for (svc, _, p, used) in principals.iter_mut() {
                if *svc == id {
                    *used = true;
                    if !allowed_principals.contains(p) {
                        allowed_principals.push(p.clone());
                    }
                }
            }
            let supported_regions = self.r.attr(i, "supported_regions");
            let service_name = match self.r.one(i, "service_name") {
                Some(n) => n,
                None => {
                    let n = format!("com.amazonaws.vpce.{region}.{id}");
                    self.r.stand_in(i, "service_name", n.clone());
                    n
                }
            };
            let meta = self.meta(i, id);
            self.b.add_endpoint_service(EndpointService {
                meta,
                service_name,
                load_balancers: lbs,
                acceptance_required,
                allowed_principals,
                supported_regions,
                account,
                region,
            });
        }
        for (svc, a, _, used) in principals {
            if !used {
                self.unknown_ref(
                    a,
                    "vpc_endpoint_service_id",
                    "endpoint service",
                    &svc,
                    "it is left out",
                );
            }
        }
    }
}
