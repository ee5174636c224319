//! Values of attributes, known or linked: a value Terraform printed, or, for one known
//! only after apply, what the `configuration` says it refers to, followed through
//! module inputs (`var.x` → the module call's argument in the parent module) and
//! outputs (`module.vpc.vpc_id` → the output's expression in the child module).
//! A resource whose id is unknown has a synthetic id made from its address.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use crate::doc::{Doc, Res};

/// How deep a chain of references is followed (cycles end here).
const MAX_DEPTH: u8 = 24;

/// The id prefix AWS uses for a resource type, for synthetic ids.
pub(crate) fn id_prefix(ty: &str) -> &'static str {
    match ty {
        "aws_vpc" | "aws_default_vpc" => "vpc",
        "aws_subnet" | "aws_default_subnet" => "subnet",
        "aws_route_table" | "aws_default_route_table" => "rtb",
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
        "aws_ec2_transit_gateway_vpc_attachment" => "tgw-attach",
        "aws_vpc_endpoint" => "vpce",
        "aws_vpn_gateway" => "vgw",
        "aws_customer_gateway" => "cgw",
        "aws_vpn_connection" => "vpn",
        "aws_route_table_association" => "rtbassoc",
        "aws_network_acl_association" => "aclassoc",
        _ => "tf",
    }
}

/// Ids of things a resource creates beside itself, when unknown until apply: a VPC's
/// main route table, default network ACL and default security group, an instance's
/// or NAT gateway's network interface, an Elastic IP's allocation.
pub(crate) fn synthetic_attr(r: &Res<'_>, a: &str) -> Option<String> {
    let addr = &r.addr;
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
        _ => return None,
    })
}

/// Looks attributes up across the document.
pub(crate) struct Refs<'d, 'a> {
    pub(crate) doc: &'d Doc<'a>,
    /// (module instance, type, name) → resource positions.
    by_name: HashMap<(String, String, String), Vec<usize>>,
    /// Links made without a reference saying so: (resource, attribute, id).
    pub(crate) inferred: RefCell<Vec<(usize, String, String)>>,
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
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
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
    Some(Parsed {
        head,
        name,
        index,
        attr,
        attr_index,
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

impl<'d, 'a> Refs<'d, 'a> {
    pub(crate) fn new(doc: &'d Doc<'a>) -> Self {
        let mut by_name: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, r) in doc.res.iter().enumerate() {
            by_name
                .entry((r.scope.join("."), r.ty.to_owned(), r.name.to_owned()))
                .or_default()
                .push(i);
        }
        Refs {
            doc,
            by_name,
            inferred: RefCell::new(Vec::new()),
        }
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
            // The accepter's id is the id of the peering it accepts.
            _ if r.ty == "aws_vpc_peering_connection_accepter" => self
                .attr_at(i, "vpc_peering_connection_id", 1)
                .into_iter()
                .next()
                .unwrap_or_else(|| format!("pcx-tf-{}", r.addr)),
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

    /// A top-level attribute as strings (one for a string, several for a list).
    pub(crate) fn attr(&self, i: usize, a: &str) -> Vec<String> {
        self.attr_at(i, a, 0)
    }

    /// A top-level attribute expected to be one string.
    pub(crate) fn one(&self, i: usize, a: &str) -> Option<String> {
        self.attr(i, a).into_iter().next()
    }

    fn attr_at(&self, i: usize, a: &str, depth: u8) -> Vec<String> {
        let Some(r) = self.res(i) else {
            return Vec::new();
        };
        if a == "id" {
            return vec![self.id(i)];
        }
        let v = r.values.get(a).unwrap_or(&Value::Null);
        let mut out = Vec::new();
        strings(v, &mut out);
        let unknown = has_unknown(r.unknown.and_then(|u| u.get(a)));
        let look = self.doc.use_config && (unknown || has_null(v));
        if look && depth < MAX_DEPTH {
            if let Some(expr) = self
                .doc
                .config_resource(&r.scope, r.ty, r.name)
                .and_then(|c| c.get("expressions"))
                .and_then(|e| e.get(a))
            {
                out.extend(self.expr(&r.scope, expr, r.index, depth + 1));
            }
        }
        if out.is_empty() {
            if let Some(id) = synthetic_attr(r, a) {
                out.push(id);
            }
        }
        if out.is_empty() && look && a == "vpc_id" {
            // Often linked through a `local` (terraform-aws-modules/vpc), which the
            // JSON does not show: the one VPC of the module, else of the document.
            let vpcs = |same: bool| -> Vec<usize> {
                (0..self.doc.res.len())
                    .filter(|&k| {
                        self.res(k).is_some_and(|x| {
                            matches!(x.ty, "aws_vpc" | "aws_default_vpc")
                                && (!same || x.scope == r.scope)
                        })
                    })
                    .collect()
            };
            let mut found = vpcs(true);
            if found.is_empty() {
                found = vpcs(false);
            }
            if let [only] = found.as_slice() {
                let id = self.id(*only);
                self.inferred
                    .borrow_mut()
                    .push((i, a.to_owned(), id.clone()));
                out.push(id);
            }
        }
        dedup(out)
    }

    /// An attribute of item `j` of a nested block list (`route`, `ingress`, …).
    pub(crate) fn block_attr(&self, i: usize, block: &str, item: &Value, a: &str) -> Vec<String> {
        let Some(r) = self.res(i) else {
            return Vec::new();
        };
        let v = item.get(a).unwrap_or(&Value::Null);
        let mut out = Vec::new();
        strings(v, &mut out);
        if !(self.doc.use_config && (out.is_empty() || has_null(v))) {
            return out;
        }
        let Some(blocks) = self
            .doc
            .config_resource(&r.scope, r.ty, r.name)
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(block))
            .and_then(Value::as_array)
        else {
            return out;
        };
        // The configuration's blocks are not in the order of the (set) values: match
        // the block whose constant arguments agree with this item.
        let agrees = |b: &Value| {
            b.as_object().is_some_and(|o| {
                o.iter().all(|(k, e)| match e.get("constant_value") {
                    Some(c) => item.get(k).is_none_or(|x| x == c),
                    None => true,
                })
            })
        };
        let candidates: Vec<&Value> = blocks.iter().filter(|b| agrees(b)).collect();
        let pick = if candidates.len() == 1 {
            candidates.first().copied()
        } else {
            // Several agree: the first one that says anything about `a` by reference.
            candidates
                .iter()
                .copied()
                .find(|b| b.get(a).and_then(|e| e.get("references")).is_some())
        };
        if let Some(e) = pick.and_then(|b| b.get(a)) {
            out.extend(self.expr(&r.scope, e, r.index, 1));
        }
        dedup(out)
    }

    /// The strings an expression (`constant_value` or `references`) stands for.
    fn expr(&self, scope: &[String], e: &Value, index: Option<&Value>, depth: u8) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(c) = e.get("constant_value") {
            strings(c, &mut out);
            return out;
        }
        if let Some(Value::Array(refs)) = e.get("references") {
            for r in refs.iter().filter_map(Value::as_str) {
                out.extend(self.reference(scope, r, index, depth));
            }
        }
        dedup(out)
    }

    fn reference(
        &self,
        scope: &[String],
        r: &str,
        index: Option<&Value>,
        depth: u8,
    ) -> Vec<String> {
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        let Some(p) = parse_ref(r) else {
            return Vec::new();
        };
        match p.head {
            "var" => {
                let Some(e) = self
                    .doc
                    .module_call(scope)
                    .and_then(|c| c.get("expressions"))
                    .and_then(|x| x.get(p.name))
                else {
                    return Vec::new();
                };
                let parent = scope.get(..scope.len().saturating_sub(1)).unwrap_or(&[]);
                let out = self.expr(parent, e, index, depth + 1);
                match p.index.and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) => out.into_iter().nth(n).into_iter().collect(),
                    None => out,
                }
            }
            "module" => {
                let Some(out_name) = p.attr else {
                    return Vec::new();
                };
                let Some(e) = self
                    .doc
                    .config_module(scope)
                    .and_then(|m| m.get("module_calls"))
                    .and_then(|c| c.get(p.name))
                    .and_then(|c| c.pointer(&format!("/module/outputs/{out_name}/expression")))
                else {
                    return Vec::new();
                };
                // The module's instances: `module.vpc`, or `module.vpc[…]` with count.
                let mut out = Vec::new();
                let base = format!("module.{}", p.name);
                let mut insts: Vec<Vec<String>> = Vec::new();
                for res in &self.doc.res {
                    if res.scope.len() > scope.len() && res.scope.get(..scope.len()) == Some(scope)
                    {
                        if let Some(seg) = res.scope.get(scope.len()) {
                            let fits = seg == &base
                                || seg.strip_prefix(&base).is_some_and(|s| s.starts_with('['));
                            let wanted = p.index.is_none_or(|ix| {
                                seg.strip_prefix(&base)
                                    .is_some_and(|s| s.trim_matches(['[', ']', '"']) == ix)
                            });
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
                if insts.is_empty() {
                    let mut s = scope.to_vec();
                    s.push(base);
                    insts.push(s);
                }
                for inst in insts {
                    out.extend(self.expr(&inst, e, index, depth + 1));
                }
                let out = dedup(out);
                match p.attr_index {
                    Some(n) => out.into_iter().nth(n).into_iter().collect(),
                    None => out,
                }
            }
            "data" | "local" | "count" | "each" | "path" | "terraform" | "self" => Vec::new(),
            ty => {
                let key = (scope.join("."), ty.to_owned(), p.name.to_owned());
                let Some(found) = self.by_name.get(&key) else {
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
                if p.index.is_none() && targets.len() > 1 {
                    if let Some(t) = targets
                        .iter()
                        .copied()
                        .find(|&t| same_index(self.res(t).and_then(|r| r.index), index))
                    {
                        targets = vec![t];
                    }
                }
                let attr = p.attr.unwrap_or("id");
                let mut out = Vec::new();
                for t in targets {
                    out.extend(self.attr_at(t, attr, depth + 1));
                }
                out
            }
        }
    }

    /// The provider configuration key of a resource (`aws`, `aws.peer`).
    pub(crate) fn provider_key(&self, i: usize) -> Option<&'a str> {
        let r = self.res(i)?;
        self.doc
            .config_resource(&r.scope, r.ty, r.name)?
            .get("provider_config_key")?
            .as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ref;

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
        assert!(parse_ref("nodot").is_none());
        assert!(parse_ref("a.b[").is_none());
    }
}
