//! Values of attributes, known or linked: a value Terraform printed, or, for one known
//! only after apply, what the `configuration` says it refers to, followed through
//! module inputs (`var.x` → the module call's argument in the parent module, or the
//! variable's default; at the root, the plan's `variables`), outputs
//! (`module.vpc.vpc_id` → the output's expression in the child module), `each.value`
//! of a `for_each` over a module or resource, and data sources Terraform read while
//! planning (or, read at apply, one whose configuration decides its value: the
//! transit gateway attachment of a VPN connection). A resource whose id is unknown
//! has a synthetic id made from its address, an accepter the id of what it accepts.
//!
//! Terraform's JSON holds neither the values nor the expressions of `local`s, and it
//! leaves `dynamic` blocks out of `configuration`. What cannot be followed is recorded
//! as a [`Dead`] end, so a finding can say exactly where a link stops; the one
//! inference made is a local standing for the only VPC (or, for a rule's own group,
//! the only security group) of its module, which is reported as such.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use ipnet::{Ipv4Net, Ipv6Net};
use serde_json::Value;

use crate::doc::{Doc, Res};

/// How deep a chain of references is followed (cycles end here).
const MAX_DEPTH: u8 = 24;

/// How many references one attribute may follow in all (wide references, each
/// branching, end here).
const MAX_STEPS: u32 = 20_000;

/// The id prefix AWS uses for a resource type, for synthetic ids.
pub(crate) fn id_prefix(ty: &str) -> &'static str {
    match ty {
        "aws_vpc" | "aws_default_vpc" => "vpc",
        "aws_subnet" | "aws_default_subnet" => "subnet",
        "aws_route_table" | "aws_default_route_table" | "awscc_ec2_route_table" => "rtb",
        "aws_internet_gateway" => "igw",
        "aws_egress_only_internet_gateway" => "eigw",
        "aws_nat_gateway" => "nat",
        "aws_eip" => "eipalloc",
        "aws_network_interface" => "eni",
        "aws_instance" => "i",
        "aws_security_group" | "aws_default_security_group" => "sg",
        "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => "sgr",
        "aws_network_acl" | "aws_default_network_acl" => "acl",
        "aws_vpc_peering_connection" | "aws_vpc_peering_connection_accepter" => "pcx",
        "aws_ec2_managed_prefix_list" => "pl",
        "aws_ec2_transit_gateway" => "tgw",
        "aws_ec2_transit_gateway_vpc_attachment"
        | "aws_ec2_transit_gateway_vpc_attachment_accepter"
        | "aws_ec2_transit_gateway_peering_attachment"
        | "aws_ec2_transit_gateway_peering_attachment_accepter" => "tgw-attach",
        "aws_ec2_transit_gateway_route_table" => "tgw-rtb",
        "aws_vpc_endpoint" => "vpce",
        "aws_vpc_endpoint_service" => "vpce-svc",
        "aws_lb" | "aws_alb" => "lb",
        "aws_lb_target_group" | "aws_alb_target_group" => "tg",
        "aws_lb_listener" | "aws_alb_listener" => "listener",
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => "listener-rule",
        "aws_vpn_gateway" => "vgw",
        "aws_customer_gateway" => "cgw",
        "aws_vpn_connection" => "vpn",
        "aws_route_table_association" | "awscc_ec2_subnet_route_table_association" => "rtbassoc",
        "aws_network_acl_association" => "aclassoc",
        "aws_route53_zone" => "zone",
        "aws_route53_resolver_rule" => "rslvr-rr",
        "aws_route53_resolver_rule_association" => "rslvr-rrassoc",
        _ => "tf",
    }
}

/// Ids of things a resource creates beside itself, when unknown until apply: a VPC's
/// main route table, default network ACL and default security group, an instance's
/// or NAT gateway's network interface, an Elastic IP's allocation, a transit
/// gateway's default route table (one table for association and propagation, made
/// when either is enabled), a VPN connection's transit gateway attachment, the ARN of
/// a load balancer, target group, listener or rule (which is its id).
pub(crate) fn synthetic_attr(r: &Res<'_>, a: &str) -> Option<String> {
    let addr = &r.addr;
    let str_of = |k: &str| r.values.get(k).and_then(Value::as_str);
    Some(match (r.ty, a) {
        ("aws_vpc" | "aws_default_vpc", "default_route_table_id" | "main_route_table_id") => {
            format!("rtb-tf-{addr}/main")
        }
        ("aws_vpc" | "aws_default_vpc", "default_network_acl_id") => {
            format!("acl-tf-{addr}/default")
        }
        ("aws_vpc" | "aws_default_vpc", "default_security_group_id") => {
            format!("sg-tf-{addr}/default")
        }
        ("aws_instance", "primary_network_interface_id")
        | ("aws_nat_gateway", "network_interface_id") => {
            format!("eni-tf-{addr}")
        }
        ("aws_eip", "allocation_id") => format!("eipalloc-tf-{addr}"),
        ("awscc_ec2_route_table", "route_table_id") => format!("rtb-tf-{addr}"),
        ("aws_ec2_transit_gateway", "association_default_route_table_id")
            if str_of("default_route_table_association") != Some("disable") =>
        {
            tgw_default_table(addr)
        }
        ("aws_ec2_transit_gateway", "propagation_default_route_table_id")
            if str_of("default_route_table_propagation") != Some("disable") =>
        {
            tgw_default_table(addr)
        }
        // A VPN connection to a virtual private gateway has no attachment.
        ("aws_vpn_connection", "transit_gateway_attachment_id")
            if str_of("vpn_gateway_id").is_none_or(str::is_empty) =>
        {
            format!("tgw-attach-tf-{addr}")
        }
        // A zone's id is its `zone_id`.
        ("aws_route53_zone", "zone_id") => format!("zone-tf-{addr}"),
        // Elastic Load Balancing ids are ARNs.
        (
            "aws_lb"
            | "aws_alb"
            | "aws_lb_target_group"
            | "aws_alb_target_group"
            | "aws_lb_listener"
            | "aws_alb_listener"
            | "aws_lb_listener_rule"
            | "aws_alb_listener_rule",
            "arn",
        ) => format!("{}-tf-{addr}", id_prefix(r.ty)),
        _ => return None,
    })
}

/// The attribute naming what an accepter accepts, whose id is the accepter's own.
fn accepted_attr(ty: &str) -> Option<&'static str> {
    match ty {
        "aws_vpc_peering_connection_accepter" => Some("vpc_peering_connection_id"),
        "aws_ec2_transit_gateway_vpc_attachment_accepter"
        | "aws_ec2_transit_gateway_peering_attachment_accepter" => {
            Some("transit_gateway_attachment_id")
        }
        _ => None,
    }
}

/// The synthetic id of the default route table of the transit gateway at `addr`.
fn tgw_default_table(addr: &str) -> String {
    format!("tgw-rtb-tf-{addr}/default")
}

/// A transit gateway's own id (`tgw-…`), not one of its attachments or route tables,
/// whose ids also start with `tgw-`.
fn is_tgw(v: &str) -> bool {
    v.starts_with("tgw-") && !v.starts_with("tgw-attach-") && !v.starts_with("tgw-rtb-")
}

/// A record's owner name as the AWS provider makes it from `name` and the zone's
/// name: lower case without the trailing dot; a name that does not end with the
/// zone's name (a plain suffix, not at a label boundary, exactly as the provider
/// compares) is relative to the zone; an empty name is the zone's apex.
pub(crate) fn record_name(name: &str, zone: &str) -> String {
    let rn = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let zone = zone.strip_suffix('.').unwrap_or(zone).to_ascii_lowercase();
    if rn.ends_with(&zone) {
        rn
    } else if name.is_empty() {
        zone
    } else {
        format!("{rn}.{zone}")
    }
}

/// Whether a value can be what attribute `a` holds: an id of the right kind (`igw-`
/// for a route's `gateway_id`), a CIDR of the right family. Linked values are
/// checked with it (old plans list `aws_vpc.this` for `aws_vpc.this.cidr_block`), and
/// it sorts the references of a whole list of blocks (`route = [...]`) out to their
/// attributes.
fn fits(a: &str, v: &str) -> bool {
    let starts = |ps: &[&str]| ps.iter().any(|p| v.starts_with(p));
    match a {
        "gateway_id" => starts(&["igw-", "vgw-", "vpce-"]) || is_tgw(v),
        "nat_gateway_id" => starts(&["nat-"]),
        "transit_gateway_id" | "peer_transit_gateway_id" => is_tgw(v),
        "transit_gateway_attachment_id" => starts(&["tgw-attach-"]),
        "transit_gateway_route_table_id"
        | "association_default_route_table_id"
        | "propagation_default_route_table_id" => starts(&["tgw-rtb-"]),
        "customer_gateway_id" => starts(&["cgw-"]),
        "vpn_connection_id" => starts(&["vpn-"]),
        "vpc_peering_connection_id" => starts(&["pcx-"]),
        "network_interface_id" => starts(&["eni-"]),
        "instance_id" => starts(&["i-"]),
        "egress_only_gateway_id" => starts(&["eigw-"]),
        "vpc_endpoint_id" => starts(&["vpce-"]) && !starts(&["vpce-svc-"]),
        "vpc_endpoint_service_id" => starts(&["vpce-svc-"]),
        "target_group_arn" => starts(&["arn:", "tg-"]),
        "load_balancer_arn" | "network_load_balancer_arns" | "gateway_load_balancer_arns" => {
            starts(&["arn:", "lb-"])
        }
        "listener_arn" => starts(&["arn:", "listener-"]),
        "route_table_ids" => starts(&["rtb-"]),
        "security_group_ids" => starts(&["sg-"]),
        "subnets" => starts(&["subnet-"]),
        "carrier_gateway_id" => starts(&["cagw-"]),
        "local_gateway_id" => starts(&["lgw-"]),
        "core_network_arn" => starts(&["arn:"]),
        "security_groups" => starts(&["sg-"]),
        "prefix_list_ids" | "destination_prefix_list_id" => starts(&["pl-"]),
        "cidr_blocks" | "cidr_block" | "destination_cidr_block" | "cidr_ipv4" => {
            v.parse::<Ipv4Net>().is_ok()
        }
        "ipv6_cidr_blocks" | "ipv6_cidr_block" | "destination_ipv6_cidr_block" | "cidr_ipv6" => {
            v.parse::<Ipv6Net>().is_ok()
        }
        "cidr" => v.parse::<Ipv4Net>().is_ok() || v.parse::<Ipv6Net>().is_ok(),
        "vpc_id" | "peer_vpc_id" => starts(&["vpc-"]),
        "subnet_id" | "subnet_ids" => starts(&["subnet-"]),
        "route_table_id" | "default_route_table_id" | "main_route_table_id" => starts(&["rtb-"]),
        "security_group_id"
        | "source_security_group_id"
        | "referenced_security_group_id"
        | "vpc_security_group_ids"
        | "default_security_group_id" => starts(&["sg-"]),
        "network_acl_id" | "default_network_acl_id" => starts(&["acl-"]),
        "allocation_id" => starts(&["eipalloc-"]),
        "internet_gateway_id" => starts(&["igw-"]),
        "instance" => starts(&["i-"]),
        "network_interface" => starts(&["eni-"]),
        "prefix_list_id" => starts(&["pl-"]),
        "private_ip" | "public_ip" | "associate_with_private_ip" | "private_ip_address" => {
            v.parse::<std::net::Ipv4Addr>().is_ok()
        }
        // A Resolver rule's target.
        "ip" => v.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => v.parse::<std::net::Ipv6Addr>().is_ok(),
        "resolver_rule_id" => starts(&["rslvr-rr-"]),
        _ => true,
    }
}

/// What an attribute names, for the one inference made through a `local`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// A VPC (`vpc_id`): the only VPC of the local's module, else of the plan.
    Vpc,
    /// The group a rule belongs to (`security_group_id`): the only security group of
    /// the local's module.
    Group,
    /// Anything else: no inference.
    Any,
}

fn want_of(attr: &str) -> Want {
    match attr {
        "vpc_id" => Want::Vpc,
        "security_group_id" => Want::Group,
        _ => Want::Any,
    }
}

/// Where following a reference stopped, for findings that say why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dead {
    /// `local.x` in a module instance: the JSON has no locals.
    Local { text: String, scope: String },
    /// `each.value…` of a `for_each` over something the JSON does not hold.
    Each { text: String, over: Vec<String> },
    /// A data source that is read at apply, or not in the JSON.
    Data { text: String, at_apply: bool },
    /// A module variable nothing sets, or a root variable without a value.
    Var { text: String, scope: String },
    /// A resource or module instance the plan does not have.
    Missing { text: String },
    /// A module output the configuration does not show.
    Output { text: String },
    /// `path.*`, `terraform.*`, `self`: no value in the JSON.
    Other { text: String },
    /// An attribute of another resource that AWS computes at apply
    /// (`aws_lb.web.dns_name`).
    Computed { text: String },
    /// The configuration has no expression for the attribute.
    NoExpression,
    /// The configuration has no expression for a whole list of blocks (`route`):
    /// left out by an old Terraform (its version), or a `dynamic` block.
    NoBlocks {
        block: String,
        version: Option<String>,
    },
    /// Blocks are listed, but none matches this one.
    NoMatchingBlock { block: String },
    /// The list's references name several candidates for several unknown items.
    Ambiguous {
        block: String,
        attr: String,
        candidates: Vec<String>,
        items: usize,
    },
    /// The list's references name nothing that fits the attribute.
    NoCandidate { block: String, refs: Vec<String> },
    /// What the configuration links cannot be the attribute's value.
    Unfit { values: Vec<String> },
    /// The references go deeper or wider than vpcnet follows.
    TooDeep,
}

/// The dead ends met while following one attribute.
#[derive(Default)]
pub(crate) struct Trail {
    dead: Vec<Dead>,
}

fn ticks(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn in_scope(scope: &str) -> String {
    if scope.is_empty() {
        String::new()
    } else {
        format!(" in `{scope}`")
    }
}

impl Trail {
    fn push(&mut self, d: Dead) {
        if !self.dead.contains(&d) {
            self.dead.push(d);
        }
    }

    /// Why the value could not be linked, as a clause ("its configuration links it
    /// only through `local.x` in `module.m`, and Terraform's JSON holds neither …"), or
    /// `fallback` when nothing was recorded.
    pub(crate) fn render(&self, fallback: &str) -> String {
        // What the links end at, and why each of those ends.
        let mut through: Vec<String> = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let add = |list: &mut Vec<String>, s: String| {
            if !list.contains(&s) {
                list.push(s);
            }
        };
        // Whole clauses.
        let mut clauses: Vec<String> = Vec::new();
        for d in &self.dead {
            match d {
                Dead::Local { text, scope } => {
                    add(&mut through, format!("`{text}`{}", in_scope(scope)));
                    add(
                        &mut reasons,
                        "Terraform's JSON holds neither the values nor the expressions of locals"
                            .to_owned(),
                    );
                }
                Dead::Each { text, over } => {
                    add(&mut through, format!("`{text}`"));
                    add(
                        &mut reasons,
                        if over.is_empty() {
                            "the JSON does not show what `each.value` is".to_owned()
                        } else {
                            format!(
                                "the JSON does not hold the elements of the `for_each` over {}",
                                ticks(over)
                            )
                        },
                    );
                }
                Dead::Data { text, at_apply } => {
                    add(&mut through, format!("`{text}`"));
                    add(
                        &mut reasons,
                        if *at_apply {
                            format!("data source `{text}` is read only at apply")
                        } else {
                            format!("data source `{text}` is not in the JSON")
                        },
                    );
                }
                Dead::Var { text, scope } => {
                    add(&mut through, format!("`{text}`{}", in_scope(scope)));
                    add(
                        &mut reasons,
                        if scope.is_empty() {
                            format!("root variable `{text}` has no value in the plan")
                        } else {
                            format!(
                                "`{text}` of `{scope}` is set by no argument of its module call and has no default"
                            )
                        },
                    );
                }
                Dead::Missing { text } => {
                    add(&mut through, format!("`{text}`"));
                    add(&mut reasons, format!("`{text}` is not in the plan"));
                }
                Dead::Output { text } => {
                    add(&mut through, format!("`{text}`"));
                    add(
                        &mut reasons,
                        format!("the plan's `configuration` does not show output `{text}`"),
                    );
                }
                Dead::Other { text } => {
                    add(&mut through, format!("`{text}`"));
                    add(&mut reasons, format!("`{text}` has no value in the JSON"));
                }
                Dead::Computed { text } => {
                    add(&mut through, format!("`{text}`"));
                    add(&mut reasons, format!("`{text}` is known only after apply"));
                }
                Dead::NoExpression => add(
                    &mut clauses,
                    "the plan's `configuration` has no expression for it".to_owned(),
                ),
                Dead::NoBlocks { block, version } => add(
                    &mut clauses,
                    match version {
                        Some(v) => format!(
                            "the plan's `configuration` shows no `{block}` for it: Terraform {v} leaves `{block}` blocks out of its JSON"
                        ),
                        None => format!(
                            "the plan's `configuration` shows no `{block}` for it: it comes from a `dynamic` block, which Terraform leaves out of its JSON"
                        ),
                    },
                ),
                Dead::NoMatchingBlock { block } => add(
                    &mut clauses,
                    format!(
                        "no `{block}` block of the plan's `configuration` matches it: it comes from a `dynamic` block, which Terraform leaves out of its JSON"
                    ),
                ),
                Dead::Ambiguous {
                    block,
                    attr,
                    candidates,
                    items,
                } => add(
                    &mut clauses,
                    format!(
                        "the configuration's `{block}` names {} for the {items} entries whose `{attr}` is unknown, without saying which entry has which",
                        ticks(candidates)
                    ),
                ),
                Dead::NoCandidate { block, refs } if refs.is_empty() => add(
                    &mut clauses,
                    format!("the configuration's `{block}` names nothing for it"),
                ),
                Dead::NoCandidate { block, refs } => add(
                    &mut clauses,
                    format!(
                        "the configuration's `{block}` refers to {}, none of which can be it",
                        ticks(refs)
                    ),
                ),
                Dead::Unfit { values } => add(
                    &mut clauses,
                    format!(
                        "its configuration gives {}, which cannot be its value",
                        ticks(values)
                    ),
                ),
                Dead::TooDeep => add(
                    &mut clauses,
                    format!(
                        "its references go deeper than {MAX_DEPTH} steps or wider than {MAX_STEPS}, more than vpcnet follows"
                    ),
                ),
            }
        }
        if !through.is_empty() {
            clauses.insert(
                0,
                format!(
                    "its configuration links it only through {} ({})",
                    through.join(", "),
                    reasons.join("; ")
                ),
            );
        }
        if clauses.is_empty() {
            fallback.to_owned()
        } else {
            clauses.join("; ")
        }
    }
}

/// A value linked through a `local` the JSON does not show, standing for the only
/// candidate of its module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Inferred {
    /// The resource whose attribute it is.
    pub(crate) res: usize,
    /// The attribute as people read it (`vpc_id`, `route[0].gateway_id`).
    pub(crate) label: String,
    /// Its JSON pointer below the resource's `values`.
    pub(crate) ptr: String,
    /// The local (`local.vpc_id`) and the module instance it lives in.
    pub(crate) local: String,
    pub(crate) scope: String,
    /// The id assumed.
    pub(crate) id: String,
    /// Whether the candidate is the only one of the whole plan, not of the module.
    pub(crate) plan_wide: bool,
}

/// Where an expression is evaluated.
#[derive(Clone)]
struct Ctx<'a> {
    /// The module instance.
    scope: Vec<String>,
    /// `count.index` or `each.key` of the block being evaluated.
    key: Option<Value>,
    /// Its `for_each_expression`, for `each.value`.
    for_each: Option<&'a Value>,
    /// What the attribute names, for inference through locals.
    want: Want,
    /// An attribute wanted of resources referred to whole (`each.value.vpc.cidr_block`).
    field: Option<String>,
    /// The attribute being linked: (resource, label, pointer below `values`).
    origin: Option<(usize, String, String)>,
}

/// Looks attributes up across the document.
pub(crate) struct Refs<'d, 'a> {
    pub(crate) doc: &'d Doc<'a>,
    /// (module instance, type, name) → resource positions.
    by_name: HashMap<(String, String, String), Vec<usize>>,
    /// (module instance, type, name) → data source positions.
    data_by_name: HashMap<(String, String, String), Vec<usize>>,
    /// Links made through a local, standing for the only candidate.
    pub(crate) inferred: RefCell<Vec<Inferred>>,
    /// Accepter ids being linked, so that a cycle ends.
    ids_open: Cell<u8>,
    /// References followed for the attribute being linked.
    steps: Cell<u32>,
    /// Values the importer stood in for while lowering, by (resource, attribute): the
    /// address it gave an instance whose address AWS picks at apply, the placeholder
    /// for a public address. A reference to such an attribute gets the same value.
    stand_ins: RefCell<HashMap<(usize, String), String>>,
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        _ => {}
    }
}

fn has_unknown(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Array(items)) => items.iter().any(|i| has_unknown(Some(i))),
        _ => false,
    }
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) => items.iter().any(Value::is_null),
        _ => false,
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

/// The references of an expression, without the shorter forms Terraform adds for
/// each traversal step (`aws_vpc.a.id` also lists `aws_vpc.a`).
fn maximal(e: &Value) -> Vec<&str> {
    let refs: Vec<&str> = e
        .get("references")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<&str> = Vec::new();
    for r in &refs {
        let shorter = refs.iter().any(|o| {
            o.len() > r.len()
                && o.starts_with(r)
                && matches!(o.as_bytes().get(r.len()), Some(b'.' | b'['))
        });
        if !shorter && !out.contains(r) {
            out.push(r);
        }
    }
    out
}

/// A reference split up: `aws_vpc.main[0].id` → (`aws_vpc`, `main`, `Some("0")`,
/// `Some("id")`).
struct Parsed<'r> {
    head: &'r str,
    name: &'r str,
    index: Option<&'r str>,
    attr: Option<&'r str>,
    /// An index after the attribute: `module.vpc.subnet_ids[1]`.
    attr_index: Option<usize>,
    /// Every name after `name`, indices dropped: `each.value.vpc.id` → `vpc`, `id`.
    path: Vec<&'r str>,
}

fn parse_ref(r: &str) -> Option<Parsed<'_>> {
    let (head, rest) = r.split_once('.')?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = rest.get(..end)?;
    let mut rest = rest.get(end..)?;
    let mut index = None;
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        index = Some(after.get(..close)?.trim_matches('"'));
        rest = after.get(close + 1..)?;
    }
    let mut attr_index = None;
    let attr = rest.strip_prefix('.').map(|a| {
        let end = a.find(['.', '[']).unwrap_or(a.len());
        if let Some(ix) = a.get(end..).and_then(|x| x.strip_prefix('[')) {
            attr_index = ix.split(']').next().and_then(|n| n.parse().ok());
        }
        a.get(..end).unwrap_or(a)
    });
    let mut path = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (k, c) in rest.char_indices() {
        match c {
            '[' => {
                if let (0, Some(s)) = (depth, start.take()) {
                    path.push(rest.get(s..k)?);
                }
                depth += 1;
            }
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                if let Some(s) = start.take() {
                    path.push(rest.get(s..k)?);
                }
                start = Some(k + 1);
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        if depth == 0 {
            path.push(rest.get(s..)?);
        }
    }
    path.retain(|p| !p.is_empty());
    Some(Parsed {
        head,
        name,
        index,
        attr,
        attr_index,
        path,
    })
}

fn index_matches(index: Option<&Value>, text: &str) -> bool {
    match index {
        Some(Value::Number(n)) => n.to_string() == text,
        Some(Value::String(s)) => s == text,
        _ => false,
    }
}

fn same_index(a: Option<&Value>, b: Option<&Value>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x == y)
}

/// The key of a module instance segment: `module.x["a"]` → `"a"`, `module.x[2]` → 2.
fn seg_key(seg: &str) -> Option<Value> {
    let open = seg.find('[')?;
    let inner = seg.get(open + 1..)?.strip_suffix(']')?;
    if let Some(s) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Some(Value::String(s.to_owned()));
    }
    inner.parse::<u64>().ok().map(Value::from)
}

/// Follows object keys and list indices through a constant.
fn navigate<'v>(mut v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    for p in path {
        v = match v {
            Value::Object(o) => o.get(*p)?,
            Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// The configuration's blocks whose constant arguments agree with `item` (a block
/// of the values; the two lists are not in the same order for sets).
fn agreeing<'v>(blocks: &'v [Value], item: &Value) -> Vec<&'v Value> {
    blocks
        .iter()
        .filter(|b| {
            b.as_object().is_some_and(|o| {
                o.iter().all(|(k, e)| match e.get("constant_value") {
                    Some(c) => item.get(k).is_none_or(|x| x == c),
                    None => true,
                })
            })
        })
        .collect()
}

/// The objects at `path` below `v`, through every element of each list on the way.
fn descend<'v>(v: &'v Value, path: &[&str], out: &mut Vec<&'v Value>) {
    match (v, path.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|x| descend(x, path, out)),
        (Value::Object(_), None) => out.push(v),
        (Value::Object(o), Some((head, rest))) => {
            if let Some(n) = o.get(*head) {
                descend(n, rest, out);
            }
        }
        _ => {}
    }
}

impl<'d, 'a> Refs<'d, 'a> {
    pub(crate) fn new(doc: &'d Doc<'a>) -> Self {
        let mut by_name: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, r) in doc.res.iter().enumerate() {
            by_name
                .entry((r.scope.join("."), r.ty.to_owned(), r.name.to_owned()))
                .or_default()
                .push(i);
        }
        let mut data_by_name: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, r) in doc.data.iter().enumerate() {
            data_by_name
                .entry((r.scope.join("."), r.ty.to_owned(), r.name.to_owned()))
                .or_default()
                .push(i);
        }
        Refs {
            doc,
            by_name,
            data_by_name,
            inferred: RefCell::new(Vec::new()),
            ids_open: Cell::new(0),
            steps: Cell::new(0),
            stand_ins: RefCell::new(HashMap::new()),
        }
    }

    /// Records the value the importer gave attribute `a` of resource `i`, which is
    /// unknown until apply, so that references to it get the same value.
    pub(crate) fn stand_in(&self, i: usize, a: &str, value: String) {
        self.stand_ins.borrow_mut().insert((i, a.to_owned()), value);
    }

    pub(crate) fn res(&self, i: usize) -> Option<&'d Res<'a>> {
        self.doc.res.get(i)
    }

    /// The resource's id: as Terraform printed it, or synthetic from its address.
    pub(crate) fn id(&self, i: usize) -> String {
        let Some(r) = self.res(i) else {
            return String::new();
        };
        match r.values.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_owned(),
            // An accepter's id is the id of the peering or attachment it accepts
            // (followed once: an accepter that names itself ends here).
            _ if accepted_attr(r.ty).is_some() && self.ids_open.get() < 2 => {
                self.ids_open.set(self.ids_open.get() + 1);
                let linked = accepted_attr(r.ty).and_then(|a| {
                    self.attr_at(i, a, 1, &mut Trail::default())
                        .into_iter()
                        .next()
                });
                self.ids_open.set(self.ids_open.get().saturating_sub(1));
                linked.unwrap_or_else(|| format!("{}-tf-{}", id_prefix(r.ty), r.addr))
            }
            _ => format!("{}-tf-{}", id_prefix(r.ty), r.addr),
        }
    }

    /// Whether the id is synthetic.
    pub(crate) fn id_known(&self, i: usize) -> bool {
        self.res(i)
            .and_then(|r| r.values.get("id"))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    }

    /// Whether the value at `ptr` (below `values`, e.g. `/route/0/gateway_id`) is
    /// unknown until apply.
    pub(crate) fn unknown_at(&self, i: usize, ptr: &str) -> bool {
        has_unknown(
            self.res(i)
                .and_then(|r| r.unknown)
                .and_then(|u| u.pointer(ptr)),
        )
    }

    /// A top-level attribute as strings (one for a string, several for a list).
    pub(crate) fn attr(&self, i: usize, a: &str) -> Vec<String> {
        self.steps.set(0);
        self.attr_at(i, a, 0, &mut Trail::default())
    }

    /// A top-level attribute expected to be one string.
    pub(crate) fn one(&self, i: usize, a: &str) -> Option<String> {
        self.attr(i, a).into_iter().next()
    }

    /// Why a top-level attribute could not be linked (a clause for a finding), or
    /// `fallback` when nothing says more.
    pub(crate) fn why(&self, i: usize, a: &str, fallback: &str) -> String {
        self.steps.set(0);
        let mut t = Trail::default();
        self.attr_at(i, a, 0, &mut t);
        t.render(fallback)
    }

    fn attr_at(&self, i: usize, a: &str, depth: u8, trail: &mut Trail) -> Vec<String> {
        let Some(r) = self.res(i) else {
            return Vec::new();
        };
        if a == "id" {
            return vec![self.id(i)];
        }
        let v = r.values.get(a).unwrap_or(&Value::Null);
        let mut out = Vec::new();
        strings(v, &mut out);
        if out.is_empty() {
            if let Some(s) = self.stand_ins.borrow().get(&(i, a.to_owned())) {
                return vec![s.clone()];
            }
        }
        let unknown = has_unknown(r.unknown.and_then(|u| u.get(a)));
        let look = self.doc.use_config && (unknown || has_null(v));
        if look && depth >= MAX_DEPTH {
            trail.push(Dead::TooDeep);
        } else if look {
            let cfg = self.doc.config_resource(&r.scope, r.ty, r.name);
            match cfg
                .and_then(|c| c.get("expressions"))
                .and_then(|e| e.get(a))
            {
                Some(expr) => {
                    let ctx = Ctx {
                        scope: r.scope.clone(),
                        key: r.index.cloned(),
                        for_each: cfg.and_then(|c| c.get("for_each_expression")),
                        want: want_of(a),
                        field: None,
                        origin: Some((i, a.to_owned(), format!("/{a}"))),
                    };
                    let linked = self.expr(&ctx, expr, depth + 1, trail);
                    out.extend(self.fitting(a, linked, trail));
                }
                None if unknown && out.is_empty() && depth == 0 => trail.push(Dead::NoExpression),
                // Another resource's attribute that AWS computes, not one linked on.
                None if unknown && out.is_empty() && synthetic_attr(r, a).is_none() => {
                    trail.push(Dead::Computed {
                        text: format!("{}.{a}", r.addr),
                    })
                }
                None => {}
            }
        }
        if out.is_empty() {
            if let Some(id) = synthetic_attr(r, a) {
                out.push(id);
            } else if (r.ty, a) == ("aws_route53_record", "fqdn") {
                out.extend(self.record_fqdn(i, depth, trail));
            }
        }
        dedup(out)
    }

    /// A record's full name, computed as the provider computes `fqdn`: its `name`
    /// made absolute in the zone its `zone_id` names, when that zone is in the plan.
    fn record_fqdn(&self, i: usize, depth: u8, trail: &mut Trail) -> Option<String> {
        let r = self.res(i)?;
        if depth >= MAX_DEPTH {
            trail.push(Dead::TooDeep);
            return None;
        }
        let name = match r.values.get("name") {
            Some(Value::String(s)) if s.is_empty() => String::new(),
            _ => self
                .attr_at(i, "name", depth + 1, trail)
                .into_iter()
                .next()?,
        };
        let zone_id = self
            .attr_at(i, "zone_id", depth + 1, trail)
            .into_iter()
            .next()?;
        let zone = (0..self.doc.res.len()).find(|&k| {
            self.res(k).is_some_and(|z| {
                z.ty == "aws_route53_zone"
                    && (self.id(k) == zone_id
                        || z.values.get("zone_id").and_then(Value::as_str) == Some(&zone_id))
            })
        })?;
        let zone_name = self
            .attr_at(zone, "name", depth + 1, trail)
            .into_iter()
            .next()?;
        Some(record_name(&name, &zone_name))
    }

    /// An attribute of item `j` of a list of blocks (`route`, `ingress`, …).
    pub(crate) fn block_attr(
        &self,
        i: usize,
        block: &str,
        j: usize,
        item: &Value,
        a: &str,
    ) -> Vec<String> {
        self.steps.set(0);
        self.block_attr_at(i, block, j, item, a, &mut Trail::default())
    }

    /// Why an attribute of a block could not be linked, or `fallback`.
    pub(crate) fn block_why(
        &self,
        i: usize,
        block: &str,
        j: usize,
        item: &Value,
        a: &str,
        fallback: &str,
    ) -> String {
        self.steps.set(0);
        let mut t = Trail::default();
        self.block_attr_at(i, block, j, item, a, &mut t);
        t.render(fallback)
    }

    /// Every value of attribute `a` of the blocks at `path` inside `item` of a list of
    /// blocks (`default_action[j]` → `forward` → `target_group` → `arn`): what
    /// Terraform printed and, where that is unknown in the planned network of a plan,
    /// what the matching block of the configuration links, kept when it can be a
    /// `kind` (see [`fits`]). Nested sets are not paired element by element: the
    /// values come in no particular order.
    pub(crate) fn block_deep(
        &self,
        i: usize,
        block: &str,
        item: &Value,
        path: &[&str],
        a: &str,
        kind: &str,
    ) -> Vec<String> {
        self.steps.set(0);
        let Some(r) = self.res(i) else {
            return Vec::new();
        };
        let mut leaves = Vec::new();
        descend(item, path, &mut leaves);
        let mut out = Vec::new();
        let mut open = leaves.is_empty();
        for x in &leaves {
            match x.get(a) {
                Some(v) if !v.is_null() => strings(v, &mut out),
                _ => open = true,
            }
        }
        if !(self.doc.use_config && open) {
            return dedup(out);
        }
        let cfg = self.doc.config_resource(&r.scope, r.ty, r.name);
        let Some(Value::Array(blocks)) = cfg
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(block))
        else {
            return dedup(out);
        };
        let exprs_of = |b: &'a Value| {
            let mut found = Vec::new();
            descend(b, path, &mut found);
            found
                .into_iter()
                .filter_map(|x| x.get(a))
                .collect::<Vec<&'a Value>>()
        };
        let candidates = agreeing(blocks, item);
        let pick = if candidates.len() == 1 {
            candidates.first().copied()
        } else {
            candidates
                .into_iter()
                .find(|b| exprs_of(b).iter().any(|e| e.get("references").is_some()))
        };
        let ctx = Ctx {
            scope: r.scope.clone(),
            key: r.index.cloned(),
            for_each: cfg.and_then(|c| c.get("for_each_expression")),
            want: Want::Any,
            field: None,
            origin: None,
        };
        let mut trail = Trail::default();
        for e in pick.map(exprs_of).unwrap_or_default() {
            let linked = self.expr(&ctx, e, 1, &mut trail);
            out.extend(linked.into_iter().filter(|v| fits(kind, v)));
        }
        dedup(out)
    }

    fn block_attr_at(
        &self,
        i: usize,
        block: &str,
        j: usize,
        item: &Value,
        a: &str,
        trail: &mut Trail,
    ) -> Vec<String> {
        let Some(r) = self.res(i) else {
            return Vec::new();
        };
        let v = item.get(a).unwrap_or(&Value::Null);
        let mut out = Vec::new();
        strings(v, &mut out);
        let unknown = self.unknown_at(i, &format!("/{block}/{j}/{a}"));
        if !(self.doc.use_config && (unknown || out.is_empty() || has_null(v))) {
            return out;
        }
        let cfg = self.doc.config_resource(&r.scope, r.ty, r.name);
        let ctx = Ctx {
            scope: r.scope.clone(),
            key: r.index.cloned(),
            for_each: cfg.and_then(|c| c.get("for_each_expression")),
            want: Want::Any,
            field: None,
            origin: Some((i, format!("{block}[{j}].{a}"), format!("/{block}/{j}/{a}"))),
        };
        match cfg
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(block))
        {
            None => {
                if unknown {
                    // Terraform 0.12 (JSON format 0.x) leaves blocks written for
                    // attributes (`route`, `ingress`) out of `configuration`.
                    let version = self.doc.format_version.starts_with("0.").then(|| {
                        self.doc
                            .terraform_version
                            .clone()
                            .unwrap_or_else(|| "0.x".to_owned())
                    });
                    trail.push(Dead::NoBlocks {
                        block: block.to_owned(),
                        version,
                    });
                }
            }
            // Nested blocks, one expression object each.
            Some(Value::Array(blocks)) => {
                // The configuration's blocks are not in the order of the (set)
                // values: match the block whose constant arguments agree with this
                // item.
                let candidates = agreeing(blocks, item);
                let pick = if candidates.len() == 1 {
                    candidates.first().copied()
                } else {
                    // Several agree: the first one that says anything about `a` by
                    // reference.
                    candidates
                        .iter()
                        .copied()
                        .find(|b| b.get(a).and_then(|e| e.get("references")).is_some())
                };
                match pick.and_then(|b| b.get(a)) {
                    Some(e) => {
                        let linked = self.expr(&ctx, e, 1, trail);
                        out.extend(self.fitting(a, linked, trail));
                    }
                    None if pick.is_none() && unknown => trail.push(Dead::NoMatchingBlock {
                        block: block.to_owned(),
                    }),
                    None => {}
                }
            }
            // A list of objects written as blocks of an attribute (`route`,
            // `ingress`): one expression for the whole list, whose references say
            // what the list names but not which entry names what.
            Some(e) if unknown || v.is_null() => {
                if e.get("constant_value").is_some() {
                    return dedup(out);
                }
                let refs: Vec<String> = maximal(e).into_iter().map(str::to_owned).collect();
                let mut named = Vec::new();
                for rf in &refs {
                    if rf.starts_with("local.") || rf == "count.index" || rf == "each.key" {
                        continue;
                    }
                    named.extend(self.reference(&ctx, rf, 1, trail));
                }
                let items: &[Value] = match r.values.get(block) {
                    Some(Value::Array(l)) => l,
                    _ => &[],
                };
                let mut elsewhere = Vec::new();
                let mut open = 0usize;
                for (k, it) in items.iter().enumerate() {
                    let x = it.get(a).unwrap_or(&Value::Null);
                    if self.unknown_at(i, &format!("/{block}/{k}/{a}")) || x.is_null() {
                        open += 1;
                    } else if k != j {
                        strings(x, &mut elsewhere);
                    }
                }
                let candidates: Vec<String> = dedup(named)
                    .into_iter()
                    .filter(|c| fits(a, c) && !elsewhere.contains(c))
                    .collect();
                if candidates.is_empty() {
                    let locals: Vec<&String> =
                        refs.iter().filter(|r| r.starts_with("local.")).collect();
                    for l in &locals {
                        trail.push(Dead::Local {
                            text: (*l).clone(),
                            scope: ctx.scope.join("."),
                        });
                    }
                    if locals.is_empty() {
                        trail.push(Dead::NoCandidate {
                            block: block.to_owned(),
                            refs: refs.clone(),
                        });
                    }
                } else if open <= 1 {
                    out.extend(candidates);
                } else {
                    trail.push(Dead::Ambiguous {
                        block: block.to_owned(),
                        attr: a.to_owned(),
                        candidates,
                        items: open,
                    });
                }
            }
            Some(_) => {}
        }
        dedup(out)
    }

    /// The linked values that can be attribute `a`'s; the others are recorded.
    fn fitting(&self, a: &str, linked: Vec<String>, trail: &mut Trail) -> Vec<String> {
        let (good, bad): (Vec<String>, Vec<String>) = linked.into_iter().partition(|v| fits(a, v));
        if good.is_empty() && !bad.is_empty() {
            trail.push(Dead::Unfit { values: bad });
        }
        good
    }

    /// Whether the configuration gives attribute `a` of resource `i` an expression.
    pub(crate) fn configured(&self, i: usize, a: &str) -> bool {
        self.res(i)
            .and_then(|r| self.doc.config_resource(&r.scope, r.ty, r.name))
            .and_then(|c| c.get("expressions"))
            .is_some_and(|e| e.get(a).is_some())
    }

    /// The strings an expression (`constant_value` or `references`) stands for.
    fn expr(&self, ctx: &Ctx<'a>, e: &Value, depth: u8, trail: &mut Trail) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(c) = e.get("constant_value") {
            strings(c, &mut out);
            return out;
        }
        let refs = maximal(e);
        let by_count = refs.contains(&"count.index");
        let mut locals = Vec::new();
        for r in &refs {
            if r.starts_with("local.") {
                locals.push(*r);
                continue;
            }
            if matches!(*r, "count.index" | "each.key") {
                // Used as an index (`aws_subnet.a[count.index]`), handled below.
                continue;
            }
            let vals = self.reference(ctx, r, depth, trail);
            // `var.list[count.index]`, `module.m.ids[count.index]`: the element of the
            // block's own index.
            let listy = r.starts_with("var.") || r.starts_with("module.");
            let n = ctx.key.as_ref().and_then(Value::as_u64);
            match (by_count && listy && vals.len() > 1, n) {
                (true, Some(n)) => out.extend(vals.into_iter().nth(n as usize)),
                _ => out.extend(vals),
            }
        }
        if out.is_empty() {
            for l in locals {
                match self.infer(ctx, l) {
                    Some(id) => out.push(id),
                    None => trail.push(Dead::Local {
                        text: l.to_owned(),
                        scope: ctx.scope.join("."),
                    }),
                }
            }
        }
        dedup(out)
    }

    /// A local the JSON does not show, standing for the only resource of the kind the
    /// attribute names in the local's module (for a VPC, else in the whole plan).
    fn infer(&self, ctx: &Ctx<'a>, local: &str) -> Option<String> {
        let (tys, plan_wide_ok): (&[&str], bool) = match ctx.want {
            Want::Vpc => (&["aws_vpc", "aws_default_vpc"], true),
            Want::Group => (&["aws_security_group"], false),
            Want::Any => return None,
        };
        let (i, label, ptr) = ctx.origin.clone()?;
        let find = |same: bool| -> Vec<usize> {
            (0..self.doc.res.len())
                .filter(|&k| {
                    self.res(k)
                        .is_some_and(|x| tys.contains(&x.ty) && (!same || x.scope == ctx.scope))
                })
                .collect()
        };
        let mut found = find(true);
        let mut plan_wide = false;
        if found.is_empty() && plan_wide_ok {
            found = find(false);
            plan_wide = true;
        }
        let [only] = found.as_slice() else {
            return None;
        };
        let id = match &ctx.field {
            Some(f) if f != "id" => return None,
            _ => self.id(*only),
        };
        self.inferred.borrow_mut().push(Inferred {
            res: i,
            label,
            ptr,
            local: local.to_owned(),
            scope: ctx.scope.join("."),
            id: id.clone(),
            plan_wide,
        });
        Some(id)
    }

    fn reference(&self, ctx: &Ctx<'a>, r: &str, depth: u8, trail: &mut Trail) -> Vec<String> {
        let steps = self.steps.get();
        if depth >= MAX_DEPTH || steps >= MAX_STEPS {
            trail.push(Dead::TooDeep);
            return Vec::new();
        }
        self.steps.set(steps + 1);
        let Some(p) = parse_ref(r) else {
            return Vec::new();
        };
        match p.head {
            "var" => self.variable(ctx, &p, depth, trail),
            "module" => self.output(ctx, r, &p, depth, trail),
            "data" => self.data(ctx, r, depth, trail),
            "each" => self.each(ctx, r, &p, depth, trail),
            "count" => Vec::new(),
            "local" => {
                trail.push(Dead::Local {
                    text: r.to_owned(),
                    scope: ctx.scope.join("."),
                });
                Vec::new()
            }
            "path" | "terraform" | "self" => {
                trail.push(Dead::Other { text: r.to_owned() });
                Vec::new()
            }
            ty => {
                let key = (ctx.scope.join("."), ty.to_owned(), p.name.to_owned());
                let Some(found) = self.by_name.get(&key) else {
                    trail.push(Dead::Missing { text: r.to_owned() });
                    return Vec::new();
                };
                let mut targets: Vec<usize> = match p.index {
                    Some(ix) => found
                        .iter()
                        .copied()
                        .filter(|&t| index_matches(self.res(t).and_then(|r| r.index), ix))
                        .collect(),
                    None => found.clone(),
                };
                if targets.is_empty() {
                    trail.push(Dead::Missing { text: r.to_owned() });
                }
                if p.index.is_none() && targets.len() > 1 {
                    if let Some(t) = targets
                        .iter()
                        .copied()
                        .find(|&t| same_index(self.res(t).and_then(|r| r.index), ctx.key.as_ref()))
                    {
                        targets = vec![t];
                    }
                }
                let attr = p.attr.or(ctx.field.as_deref()).unwrap_or("id");
                let mut out = Vec::new();
                for t in targets {
                    out.extend(self.attr_at(t, attr, depth + 1, trail));
                }
                out
            }
        }
    }

    /// `var.x`: the module call's argument (evaluated in the parent module, with the
    /// module instance's key), else the variable's default; at the root, the plan's
    /// value.
    fn variable(&self, ctx: &Ctx<'a>, p: &Parsed<'_>, depth: u8, trail: &mut Trail) -> Vec<String> {
        let mut out = Vec::new();
        let pick = |out: Vec<String>| match p.index.and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => out.into_iter().nth(n).into_iter().collect(),
            None => out,
        };
        let var_text = format!("var.{}", p.name);
        let Some((last, parent)) = ctx.scope.split_last() else {
            match self.doc.root_variable(p.name) {
                Some(v) => {
                    let mut path: Vec<&str> = p.index.into_iter().collect();
                    path.extend(p.path.iter().copied());
                    if let Some(x) = navigate(v, &path) {
                        strings(x, &mut out);
                    }
                }
                None => trail.push(Dead::Var {
                    text: var_text,
                    scope: String::new(),
                }),
            }
            return out;
        };
        let call = self.doc.module_call(&ctx.scope);
        if let Some(e) = call
            .and_then(|c| c.get("expressions"))
            .and_then(|x| x.get(p.name))
        {
            if let Some(c) = e.get("constant_value") {
                let mut path: Vec<&str> = p.index.into_iter().collect();
                path.extend(p.path.iter().copied());
                if let Some(x) = navigate(c, &path) {
                    strings(x, &mut out);
                }
                return out;
            }
            let pctx = Ctx {
                scope: parent.to_vec(),
                key: seg_key(last),
                for_each: call.and_then(|c| c.get("for_each_expression")),
                want: ctx.want,
                field: ctx.field.clone(),
                origin: ctx.origin.clone(),
            };
            return pick(self.expr(&pctx, e, depth + 1, trail));
        }
        let default = self
            .doc
            .config_module(&ctx.scope)
            .and_then(|m| m.get("variables"))
            .and_then(|v| v.get(p.name))
            .and_then(|v| v.get("default"))
            .filter(|d| !d.is_null());
        match default {
            Some(d) => {
                let mut path: Vec<&str> = p.index.into_iter().collect();
                path.extend(p.path.iter().copied());
                if let Some(x) = navigate(d, &path) {
                    strings(x, &mut out);
                }
            }
            None => {
                trail.push(Dead::Var {
                    text: var_text,
                    scope: ctx.scope.join("."),
                });
            }
        }
        out
    }

    /// The module instances of call `name` under `scope` (one with `key` when given).
    fn instances(&self, scope: &[String], name: &str, key: Option<&Value>) -> Vec<Vec<String>> {
        let base = format!("module.{name}");
        let mut insts: Vec<Vec<String>> = Vec::new();
        for res in &self.doc.res {
            if res.scope.len() > scope.len() && res.scope.get(..scope.len()) == Some(scope) {
                if let Some(seg) = res.scope.get(scope.len()) {
                    let fits =
                        seg == &base || seg.strip_prefix(&base).is_some_and(|s| s.starts_with('['));
                    let wanted = key.is_none_or(|k| seg_key(seg).as_ref() == Some(k));
                    let inst: Vec<String> = scope
                        .iter()
                        .cloned()
                        .chain(std::iter::once(seg.clone()))
                        .collect();
                    if fits && wanted && !insts.contains(&inst) {
                        insts.push(inst);
                    }
                }
            }
        }
        insts
    }

    /// `module.m.out`: the output's expression in each instance of the module.
    fn output(
        &self,
        ctx: &Ctx<'a>,
        r: &str,
        p: &Parsed<'_>,
        depth: u8,
        trail: &mut Trail,
    ) -> Vec<String> {
        let Some(out_name) = p.attr else {
            return Vec::new();
        };
        let Some(e) = self
            .doc
            .config_module(&ctx.scope)
            .and_then(|m| m.get("module_calls"))
            .and_then(|c| c.get(p.name))
            .and_then(|c| c.pointer(&format!("/module/outputs/{out_name}/expression")))
        else {
            trail.push(Dead::Output { text: r.to_owned() });
            return Vec::new();
        };
        // The module's instances: `module.vpc`, or `module.vpc[…]` with count.
        let key = p.index.map(|ix| match ix.parse::<u64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(ix.to_owned()),
        });
        let mut insts = self.instances(&ctx.scope, p.name, key.as_ref());
        if insts.is_empty() {
            let mut s = ctx.scope.clone();
            s.push(format!("module.{}", p.name));
            insts.push(s);
        }
        // A field of a whole object output: `module.vpc.vpc_attributes.id`.
        let field = p.path.get(1).map(|f| (*f).to_owned());
        let mut out = Vec::new();
        for inst in insts {
            let ictx = Ctx {
                scope: inst,
                key: None,
                for_each: None,
                want: ctx.want,
                field: field.clone().or_else(|| ctx.field.clone()),
                origin: ctx.origin.clone(),
            };
            out.extend(self.expr(&ictx, e, depth + 1, trail));
        }
        let out = dedup(out);
        match p.attr_index {
            Some(n) => out.into_iter().nth(n).into_iter().collect(),
            None => out,
        }
    }

    /// `data.T.N[...].attr`: what Terraform read while planning, or, for one read only
    /// at apply, what its own configuration decides (see [`Refs::data_at_apply`]).
    fn data(&self, ctx: &Ctx<'a>, r: &str, depth: u8, trail: &mut Trail) -> Vec<String> {
        let Some(p) = r.strip_prefix("data.").and_then(parse_ref) else {
            return Vec::new();
        };
        let text = format!("data.{}.{}", p.head, p.name);
        let key = (ctx.scope.join("."), p.head.to_owned(), p.name.to_owned());
        let Some(found) = self.data_by_name.get(&key) else {
            trail.push(Dead::Data {
                text,
                at_apply: false,
            });
            return Vec::new();
        };
        let mut targets: Vec<usize> = found
            .iter()
            .copied()
            .filter(|&t| {
                p.index
                    .is_none_or(|ix| index_matches(self.doc.data.get(t).and_then(|d| d.index), ix))
            })
            .collect();
        if p.index.is_none() && targets.len() > 1 {
            if let Some(t) = targets
                .iter()
                .copied()
                .find(|&t| same_index(self.doc.data.get(t).and_then(|d| d.index), ctx.key.as_ref()))
            {
                targets = vec![t];
            }
        }
        let attr = p.attr.or(ctx.field.as_deref()).unwrap_or("id");
        let mut out = Vec::new();
        let mut read = false;
        for &t in &targets {
            if let Some(v) = self.doc.data.get(t).and_then(|d| d.values) {
                read = true;
                if let Some(x) = v.get(attr) {
                    strings(x, &mut out);
                }
            }
        }
        if !read {
            for &t in &targets {
                out.extend(self.data_at_apply(t, attr, depth, trail));
            }
            read = !out.is_empty();
        }
        if !read {
            trail.push(Dead::Data {
                text,
                at_apply: true,
            });
        }
        dedup(out)
    }

    /// A data source read only at apply whose value its configuration decides: the
    /// transit gateway attachment of a VPN connection
    /// (`aws_ec2_transit_gateway_vpn_attachment` with `vpn_connection_id`) is that
    /// connection's `transit_gateway_attachment_id`.
    fn data_at_apply(&self, t: usize, attr: &str, depth: u8, trail: &mut Trail) -> Vec<String> {
        let Some(d) = self.doc.data.get(t) else {
            return Vec::new();
        };
        if (d.ty, attr) != ("aws_ec2_transit_gateway_vpn_attachment", "id") {
            return Vec::new();
        }
        let Some(cfg) = self.doc.config_data(&d.scope, d.ty, d.name) else {
            return Vec::new();
        };
        let Some(e) = cfg.pointer("/expressions/vpn_connection_id") else {
            return Vec::new();
        };
        let ctx = Ctx {
            scope: d.scope.clone(),
            key: d.index.cloned(),
            for_each: cfg.get("for_each_expression"),
            want: Want::Any,
            field: None,
            origin: None,
        };
        let mut out = Vec::new();
        for vpn in self.expr(&ctx, e, depth + 1, trail) {
            for k in 0..self.doc.res.len() {
                if self.res(k).is_some_and(|x| x.ty == "aws_vpn_connection") && self.id(k) == vpn {
                    out.extend(self.attr_at(k, "transit_gateway_attachment_id", depth + 1, trail));
                }
            }
        }
        dedup(out)
    }

    /// `each.key`, and `each.value…` of a `for_each` over a module or a resource.
    fn each(
        &self,
        ctx: &Ctx<'a>,
        r: &str,
        p: &Parsed<'_>,
        depth: u8,
        trail: &mut Trail,
    ) -> Vec<String> {
        if p.name == "key" {
            return match &ctx.key {
                Some(Value::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            };
        }
        let over: Vec<&str> = ctx.for_each.map(maximal).unwrap_or_default();
        let sources: Vec<&str> = over
            .iter()
            .copied()
            .filter(|o| {
                !["local.", "var.", "each.", "count.", "path.", "terraform."]
                    .iter()
                    .any(|h| o.starts_with(h))
            })
            .collect();
        let dead = |trail: &mut Trail| {
            trail.push(Dead::Each {
                text: r.to_owned(),
                over: over.iter().map(|s| (*s).to_owned()).collect(),
            })
        };
        let ([source], Some(key)) = (sources.as_slice(), ctx.key.as_ref()) else {
            // A `for_each` over a root variable's map: the element of this key.
            if let ([v], Some(Value::String(k))) = (over.as_slice(), ctx.key.as_ref()) {
                if let Some(name) = v.strip_prefix("var.").filter(|_| ctx.scope.is_empty()) {
                    if let Some(val) = self.doc.root_variable(name) {
                        let mut path = vec![k.as_str()];
                        path.extend(p.path.iter().copied());
                        let mut out = Vec::new();
                        if let Some(x) = navigate(val, &path) {
                            strings(x, &mut out);
                        }
                        return out;
                    }
                }
            }
            dead(trail);
            return Vec::new();
        };
        let source_x = format!("{source}.x");
        let Some(sp) = parse_ref(&source_x) else {
            dead(trail);
            return Vec::new();
        };
        if sp.head == "module" {
            // `each.value` is the module instance's outputs.
            let Some(out_name) = p.path.first() else {
                dead(trail);
                return Vec::new();
            };
            let text = format!("module.{}[{key}].{out_name}", sp.name);
            let insts = self.instances(&ctx.scope, sp.name, Some(key));
            let Some(e) = self
                .doc
                .config_module(&ctx.scope)
                .and_then(|m| m.get("module_calls"))
                .and_then(|c| c.get(sp.name))
                .and_then(|c| c.pointer(&format!("/module/outputs/{out_name}/expression")))
            else {
                trail.push(Dead::Output { text });
                return Vec::new();
            };
            if insts.is_empty() {
                trail.push(Dead::Missing { text });
                return Vec::new();
            }
            let mut out = Vec::new();
            for inst in insts {
                let ictx = Ctx {
                    scope: inst,
                    key: None,
                    for_each: None,
                    want: ctx.want,
                    field: p.path.get(1).map(|f| (*f).to_owned()),
                    origin: ctx.origin.clone(),
                };
                out.extend(self.expr(&ictx, e, depth + 1, trail));
            }
            return dedup(out);
        }
        // `each.value` is an instance of a resource: the one of this key.
        let found = self
            .by_name
            .get(&(ctx.scope.join("."), sp.head.to_owned(), sp.name.to_owned()))
            .cloned()
            .unwrap_or_default();
        let Some(t) = found
            .into_iter()
            .find(|&t| same_index(self.res(t).and_then(|x| x.index), Some(key)))
        else {
            trail.push(Dead::Missing {
                text: format!("{source}[{key}]"),
            });
            return Vec::new();
        };
        let attr = p.path.first().copied().unwrap_or("id");
        self.attr_at(t, attr, depth + 1, trail)
    }

    /// The provider configuration key of a resource (`aws`, `aws.peer`).
    pub(crate) fn provider_key(&self, i: usize) -> Option<&'a str> {
        let r = self.res(i)?;
        self.doc
            .config_resource(&r.scope, r.ty, r.name)?
            .get("provider_config_key")?
            .as_str()
    }

    /// A provider argument (`region`, `assume_role.0.role_arn`): its constant, or the
    /// root variable it names.
    pub(crate) fn provider_arg(&self, key: &str, ptr: &str) -> Option<String> {
        self.steps.set(0);
        let e = self
            .doc
            .provider(key)?
            .pointer(&format!("/expressions{ptr}"))?;
        let mut out = Vec::new();
        match e.get("constant_value") {
            Some(c) => strings(c, &mut out),
            None => {
                let ctx = Ctx {
                    scope: Vec::new(),
                    key: None,
                    for_each: None,
                    want: Want::Any,
                    field: None,
                    origin: None,
                };
                out = self.expr(&ctx, e, 1, &mut Trail::default());
            }
        }
        out.into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::{maximal, parse_ref, seg_key, Dead, Trail};

    #[test]
    fn references_split_into_parts() {
        let p = parse_ref("aws_vpc.main[0].id").unwrap();
        assert_eq!(
            (p.head, p.name, p.index, p.attr),
            ("aws_vpc", "main", Some("0"), Some("id"))
        );
        let p = parse_ref("module.vpc.subnet_ids[1]").unwrap();
        assert_eq!((p.attr, p.attr_index), (Some("subnet_ids"), Some(1)));
        let p = parse_ref("module.vpc.vpc_id").unwrap();
        assert_eq!(
            (p.head, p.name, p.index, p.attr),
            ("module", "vpc", None, Some("vpc_id"))
        );
        let p = parse_ref("aws_subnet.a[\"x.y\"]").unwrap();
        assert_eq!((p.name, p.index, p.attr), ("a", Some("x.y"), None));
        let p = parse_ref("each.value.vpc_attributes.id").unwrap();
        assert_eq!(p.path, ["vpc_attributes", "id"]);
        let p = parse_ref("var.subnets[\"a.b\"].route_to_nat[0].x").unwrap();
        assert_eq!(p.path, ["route_to_nat", "x"]);
        assert!(parse_ref("nodot").is_none());
        assert!(parse_ref("a.b[").is_none());
    }

    #[test]
    fn shorter_forms_of_a_reference_are_dropped() {
        let e = serde_json::json!({"references": [
            "aws_vpc.a[0].id", "aws_vpc.a[0]", "aws_vpc.a", "count.index", "local.x.y", "local.x"
        ]});
        assert_eq!(maximal(&e), ["aws_vpc.a[0].id", "count.index", "local.x.y"]);
    }

    #[test]
    fn module_keys_are_strings_or_numbers() {
        assert_eq!(seg_key("module.a[\"k\"]"), Some(serde_json::json!("k")));
        assert_eq!(seg_key("module.a[3]"), Some(serde_json::json!(3)));
        assert_eq!(seg_key("module.a"), None);
    }

    #[test]
    fn dead_ends_read_as_one_clause() {
        let mut t = Trail::default();
        assert_eq!(t.render("fallback"), "fallback");
        t.push(Dead::Local {
            text: "local.sg_id".into(),
            scope: "module.sg".into(),
        });
        t.push(Dead::Local {
            text: "local.sg_id".into(),
            scope: "module.sg".into(),
        });
        assert_eq!(
            t.render("x"),
            "its configuration links it only through `local.sg_id` in `module.sg` (Terraform's JSON holds neither the values nor the expressions of locals)"
        );
        t.push(Dead::Var {
            text: "var.vpc".into(),
            scope: String::new(),
        });
        t.push(Dead::NoExpression);
        assert_eq!(
            t.render("x"),
            "its configuration links it only through `local.sg_id` in `module.sg`, `var.vpc` (Terraform's JSON holds neither the values nor the expressions of locals; root variable `var.vpc` has no value in the plan); the plan's `configuration` has no expression for it"
        );
    }
}
