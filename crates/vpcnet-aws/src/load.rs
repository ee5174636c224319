//! The order of a load: when each file is read and parsed, which lowering steps use
//! it, and when it is dropped.
//!
//! The wire structs borrow from the text, and a large estate's snapshot is a gigabyte
//! of JSON, so holding every file until lowering ends would keep the whole snapshot in
//! memory beside the structs and the growing network. Instead each key's files are
//! read just before the first step that needs that key and dropped, text and structs,
//! after the last; the lowering steps ([`Lowerer`]) take the items they need as
//! arguments. Which key a file holds is seen from its first bytes: files are routed by
//! their top-level key, and AWS CLI output has one. A file whose first key vpcnet does
//! not read (another tool's output), or whose first key cannot be seen, is parsed
//! before lowering starts, for its findings, and dropped.
//!
//! A file may hold a second key vpcnet reads (hand-made files do), which is only seen
//! when it is parsed, possibly after that key's steps have run. Then the load starts
//! again from the network as it was, holding every file from the start: correct for
//! any input, and as costly in memory as the load was before it streamed.
//!
//! The findings come out in the same order whatever the order of reading: the
//! directory's (in walk order, a file that cannot be read in its place), then each
//! file's contents (in file order), then each lowering step's in [`Step`] order.

use std::borrow::Cow;
use std::path::PathBuf;

use vpcnet_model::{Diagnostic, NetworkBuilder};

use crate::lower::Lowerer;
use crate::lower::{DnsItems, LbItems, ServiceItems, TgwItems};
use crate::parse::{At, FileInfo, Key, Parsed, Reader, Scope, METADATA};
use crate::{walk, SnapshotReport};

/// Where a file's text is.
pub(crate) enum Body<'s> {
    /// On disk, read when its turn comes.
    Disk(PathBuf),
    /// In memory already.
    Text(Cow<'s, str>),
}

/// One file of a snapshot and where it sits.
pub(crate) struct Source<'s> {
    /// The path shown in diagnostics.
    pub(crate) path: String,
    pub(crate) account: Option<String>,
    pub(crate) region: String,
    pub(crate) body: Body<'s>,
}

/// What a walk of the snapshot found, in order.
pub(crate) enum Found<'s> {
    /// A finding about the directory.
    Finding(Diagnostic),
    /// A file to load.
    File(Source<'s>),
}

/// The lowering steps, in the order their findings are reported (which is not quite
/// the order they run in: see [`run`]).
#[derive(Clone, Copy)]
enum Step {
    Addresses,
    Vpcs,
    PrefixLists,
    InternetGateways,
    NetworkAcls,
    RouteTables,
    SecurityGroups,
    Subnets,
    Associations,
    Interfaces,
    NatGateways,
    Peerings,
    Routes,
    SgRules,
    TransitGateways,
    Endpoints,
    LoadBalancing,
    EndpointServices,
    Dns,
}

const STEPS: usize = Step::Dns as usize + 1;

/// The keys read together, by the step that needs them all.
const TGW_KEYS: &[Key] = &[
    Key::TransitGateways,
    Key::TransitGatewayRouteTables,
    Key::TransitGatewayAttachments,
    Key::TransitGatewayVpcAttachments,
    Key::TransitGatewayPeeringAttachments,
    Key::TransitGatewayStaticRoutes,
    Key::TransitGatewayPropagations,
    Key::TransitGatewayRouteTableAssociations,
];
const LB_KEYS: &[Key] = &[
    Key::TargetGroups,
    Key::LoadBalancerTargetHealth,
    Key::LoadBalancers,
    Key::LoadBalancerListeners,
    Key::Listeners,
    Key::Rules,
    Key::LoadBalancerAttributes,
];
const SERVICE_KEYS: &[Key] = &[
    Key::ServiceConfigurations,
    Key::VpcEndpointServices,
    Key::ServiceDetails,
    Key::VpcEndpointConnections,
];
const DNS_KEYS: &[Key] = &[
    Key::HostedZones,
    Key::ResolverRules,
    Key::ResolverRuleAssociations,
];

/// A file found to hold a key too late for that key's steps.
struct Restart;

/// Whether files are read when their key is needed, or all before lowering.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Stream,
    HoldAll,
}

/// Every file, its place, where its text is and the key it starts with.
struct Plan<'s> {
    files: Vec<FileInfo>,
    scopes: Vec<Scope>,
    bodies: Vec<Body<'s>>,
    /// Per file: its first key, when it is one vpcnet reads.
    first: Vec<Option<Key>>,
    /// The walk's findings and the files (by index), in walk order.
    order: Vec<Walked>,
}

enum Walked {
    Finding(Diagnostic),
    File(usize),
}

impl<'s> Plan<'s> {
    fn new(found: Vec<Found<'s>>) -> Self {
        let mut plan = Plan {
            files: Vec::new(),
            scopes: Vec::new(),
            bodies: Vec::new(),
            first: Vec::new(),
            order: Vec::with_capacity(found.len()),
        };
        for f in found {
            let src = match f {
                Found::Finding(d) => {
                    plan.order.push(Walked::Finding(d));
                    continue;
                }
                Found::File(src) => src,
            };
            let scope = plan.scope_of(src.account, src.region);
            plan.order.push(Walked::File(plan.files.len()));
            plan.files.push(FileInfo {
                path: src.path,
                scope,
            });
            plan.first.push(match &src.body {
                Body::Disk(path) => walk::head(path).and_then(|h| first_key(&h)),
                Body::Text(text) => first_key(text.as_bytes()),
            });
            plan.bodies.push(src.body);
        }
        plan
    }

    fn scope_of(&mut self, account: Option<String>, region: String) -> usize {
        if let Some(i) = self
            .scopes
            .iter()
            .position(|s| s.account == account && s.region == region)
        {
            return i;
        }
        self.scopes.push(Scope { account, region });
        self.scopes.len() - 1
    }
}

/// The first top-level key of a JSON text from its first bytes, when it is one
/// vpcnet reads and is written plainly (no escapes). Keys that only describe the
/// output (`NextToken`, `MaxResults`, …) before it are passed over when their value is
/// a plain scalar.
fn first_key(head: &[u8]) -> Option<Key> {
    let ws = |s: &[u8]| -> usize {
        s.iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            .count()
    };
    let s = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut s = s[ws(s)..].strip_prefix(b"{")?;
    loop {
        s = s[ws(s)..].strip_prefix(b"\"")?;
        let end = s.iter().position(|c| matches!(c, b'"' | b'\\'))?;
        if s[end] != b'"' {
            return None;
        }
        let key = std::str::from_utf8(&s[..end]).ok()?;
        if let Some(k) = Key::parse(key) {
            return Some(k);
        }
        if !(METADATA.contains(&key) || matches!(key, "NextToken" | "NextMarker")) {
            return None;
        }
        // Past the scalar value and its comma.
        s = &s[end + 1..];
        s = s[ws(s)..].strip_prefix(b":")?;
        s = &s[ws(s)..];
        let len = match s.first()? {
            b'"' => {
                2 + s[1..]
                    .iter()
                    .position(|c| matches!(c, b'"' | b'\\'))
                    .filter(|&i| s[1 + i] == b'"')?
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => s
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                .count(),
            _ => return None,
        };
        s = &s[len..];
        s = s[ws(s)..].strip_prefix(b",")?;
    }
}

/// Loads what a walk found (or files given in memory) into the builder.
pub(crate) fn load(b: &mut NetworkBuilder, found: Vec<Found<'_>>) -> SnapshotReport {
    load_plan(b, Plan::new(found), Mode::Stream)
}

fn load_plan(b: &mut NetworkBuilder, plan: Plan<'_>, mode: Mode) -> SnapshotReport {
    let (net, before) = std::mem::take(b).finish();
    // Where a load that must start again starts from.
    let backup = net.clone();
    *b = NetworkBuilder::from_network(net);
    let done = match run(b, &plan, mode) {
        Ok(done) => done,
        Err(Restart) => {
            *b = NetworkBuilder::from_network(backup);
            // With every file held from the start nothing comes too late, so this
            // cannot fail.
            run(b, &plan, Mode::HoldAll).unwrap_or_default()
        }
    };
    let Done {
        report,
        mut unreadable,
        read,
        steps,
    } = done;
    let (net, rest) = std::mem::take(b).finish();
    *b = NetworkBuilder::from_network(net);
    for d in before {
        b.report(d);
    }
    for w in plan.order {
        match w {
            Walked::Finding(d) => b.report(d),
            Walked::File(f) => {
                if let Some(d) = unreadable.get_mut(f).and_then(Option::take) {
                    b.report(d);
                }
            }
        }
    }
    for d in read
        .into_iter()
        .chain(steps.into_iter().flatten())
        .chain(rest)
    {
        b.report(d);
    }
    report
}

/// What a load found, to be reported in order.
#[derive(Default)]
struct Done {
    report: SnapshotReport,
    /// Per file: that it could not be read.
    unreadable: Vec<Option<Diagnostic>>,
    /// About the files' contents, in file order.
    read: Vec<Diagnostic>,
    /// Per lowering step.
    steps: [Vec<Diagnostic>; STEPS],
}

/// The texts of the files `pick` chooses, in file order; a file that cannot be read
/// is recorded and left out.
fn texts<'p>(
    plan: &'p Plan<'_>,
    r: &mut Reader<'_>,
    pick: impl Fn(usize) -> bool,
) -> Vec<(usize, Cow<'p, str>)> {
    (0..plan.bodies.len())
        .filter(|&f| pick(f))
        .filter_map(|f| Some((f, text(plan, r, f)?)))
        .collect()
}

/// The text of a file, read (or borrowed); `None`, recorded, when it cannot be read.
fn text<'p>(plan: &'p Plan<'_>, r: &mut Reader<'_>, file: usize) -> Option<Cow<'p, str>> {
    match &plan.bodies[file] {
        Body::Text(text) => Some(Cow::Borrowed(&**text)),
        Body::Disk(path) => match walk::read(path) {
            Ok(text) => Some(Cow::Owned(text)),
            Err(d) => {
                r.unreadable(file, d);
                None
            }
        },
    }
}

/// Parses texts; with `only` not empty, a file that also holds a key vpcnet reads
/// outside it means the load must start again.
fn parse<'t>(
    r: &mut Reader<'_>,
    texts: &'t [(usize, Cow<'_, str>)],
    only: &[Key],
) -> Result<Parsed<'t>, Restart> {
    let mut out = Parsed::default();
    for (file, text) in texts {
        let keys = r.parse(*file, text, &mut out);
        if !only.is_empty() && keys.outside(only) {
            return Err(Restart);
        }
    }
    Ok(out)
}

/// A key's items from the held files and from its own files, in file order.
fn both<'x, T>(held: &'x [At<T>], own: &'x [At<T>]) -> Vec<&'x At<T>> {
    if held.is_empty() {
        return own.iter().collect();
    }
    let mut out = Vec::with_capacity(held.len() + own.len());
    let (mut a, mut b) = (held.iter().peekable(), own.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.file <= y.file => a.next(),
            (Some(_), Some(_)) | (None, _) => b.next(),
            (Some(_), None) => a.next(),
        };
        match next {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}

/// One load. The steps run in dependency order, each key's files parsed just before
/// its first step and dropped after its last. Two steps run earlier than their
/// findings are reported (see [`Step`]): the rules of security groups, as soon as the
/// groups exist (nothing after adds a group or a prefix list, and a rule changes
/// nothing but its group), and the Elastic IPs just before the interfaces, the only
/// step that uses them.
fn run(b: &mut NetworkBuilder, plan: &Plan<'_>, mode: Mode) -> Result<Done, Restart> {
    let mut r = Reader::new(&plan.files, plan.scopes.len());
    let mut lw = Lowerer::new(b, &plan.files, &plan.scopes);
    let mut steps: [Vec<Diagnostic>; STEPS] = Default::default();
    let stream = mode == Mode::Stream;
    let own = |key: Key| move |f: usize| stream && plan.first[f] == Some(key);
    let own_any = |keys: &'static [Key]| {
        move |f: usize| stream && plan.first[f].is_some_and(|k| keys.contains(&k))
    };

    // Every file, when holding all; otherwise none.
    let held_t = texts(plan, &mut r, |_| !stream);
    let held = parse(&mut r, &held_t, &[])?;
    if stream {
        // Files that do not start with a key vpcnet reads: parsed for what they say,
        // one at a time, and dropped.
        for f in (0..plan.files.len()).filter(|&f| plan.first[f].is_none()) {
            if let Some(t) = text(plan, &mut r, f) {
                if !r.parse(f, &t, &mut Parsed::default()).is_empty() {
                    return Err(Restart);
                }
            }
        }
    }

    {
        let t = texts(plan, &mut r, own(Key::Vpcs));
        let p = parse(&mut r, &t, &[Key::Vpcs])?;
        lw.vpcs(&both(&held.vpcs, &p.vpcs));
    }
    lw.drain(&mut steps[Step::Vpcs as usize]);

    {
        let t = texts(plan, &mut r, own(Key::PrefixLists));
        let p = parse(&mut r, &t, &[Key::PrefixLists])?;
        let mt = texts(plan, &mut r, own(Key::ManagedPrefixLists));
        let mp = parse(&mut r, &mt, &[Key::ManagedPrefixLists])?;
        lw.prefix_lists(
            &both(&held.prefix_lists, &p.prefix_lists),
            &both(&held.managed_prefix_lists, &mp.managed_prefix_lists),
        );
    }
    lw.drain(&mut steps[Step::PrefixLists as usize]);

    {
        let t = texts(plan, &mut r, own(Key::InternetGateways));
        let p = parse(&mut r, &t, &[Key::InternetGateways])?;
        lw.internet_gateways(&both(&held.igws, &p.igws));
    }
    lw.drain(&mut steps[Step::InternetGateways as usize]);

    // Network ACLs are kept for their subnet associations.
    let acl_t = texts(plan, &mut r, own(Key::NetworkAcls));
    let acl_p = parse(&mut r, &acl_t, &[Key::NetworkAcls])?;
    let acls = both(&held.network_acls, &acl_p.network_acls);
    lw.network_acls(&acls);
    lw.drain(&mut steps[Step::NetworkAcls as usize]);

    // Route tables are kept for their associations and, at the end, their routes.
    let rt_t = texts(plan, &mut r, own(Key::RouteTables));
    let rt_p = parse(&mut r, &rt_t, &[Key::RouteTables])?;
    let tables = both(&held.route_tables, &rt_p.route_tables);
    lw.route_tables(&tables);
    lw.drain(&mut steps[Step::RouteTables as usize]);

    let sg_t = texts(plan, &mut r, own(Key::SecurityGroups));
    let sg_p = parse(&mut r, &sg_t, &[Key::SecurityGroups])?;
    let sgr_t = texts(plan, &mut r, own(Key::SecurityGroupRules));
    let sgr_p = parse(&mut r, &sgr_t, &[Key::SecurityGroupRules])?;
    let groups = both(&held.security_groups, &sg_p.security_groups);
    let rules = both(&held.sg_rules, &sgr_p.sg_rules);
    lw.security_groups(&groups);
    // A group only `SecurityGroupRules` names takes its VPC from the interfaces that
    // carry it; only then are the interfaces needed this early.
    let early = lw.rules_only_need_interfaces(&rules);
    let eni_early_t = match early {
        true => texts(plan, &mut r, own(Key::NetworkInterfaces)),
        false => Vec::new(),
    };
    let eni_early = parse(&mut r, &eni_early_t, &[Key::NetworkInterfaces])?;
    let res_early_t = match early {
        true => texts(plan, &mut r, own(Key::Reservations)),
        false => Vec::new(),
    };
    let res_early = parse(&mut r, &res_early_t, &[Key::Reservations])?;
    lw.rules_only_groups(
        &rules,
        &both(&held.enis, &eni_early.enis),
        &both(&held.reservations, &res_early.reservations),
    );
    lw.drain(&mut steps[Step::SecurityGroups as usize]);
    lw.sg_rules(&groups, &rules);
    lw.drain(&mut steps[Step::SgRules as usize]);
    drop((groups, rules));
    drop((sg_p, sgr_p));
    drop((sg_t, sgr_t));

    {
        let t = texts(plan, &mut r, own(Key::Subnets));
        let p = parse(&mut r, &t, &[Key::Subnets])?;
        lw.subnets(&both(&held.subnets, &p.subnets));
    }
    lw.drain(&mut steps[Step::Subnets as usize]);

    lw.associations(&tables, &acls);
    lw.drain(&mut steps[Step::Associations as usize]);
    drop(acls);
    drop(acl_p);
    drop(acl_t);

    // NAT gateways are kept from naming their interfaces to being added.
    let nat_t = texts(plan, &mut r, own(Key::NatGateways));
    let nat_p = parse(&mut r, &nat_t, &[Key::NatGateways])?;
    let nats = both(&held.nats, &nat_p.nats);
    let nat_enis = lw.nat_eni_ids(&nats);

    let res_t = match early {
        true => Vec::new(),
        false => texts(plan, &mut r, own(Key::Reservations)),
    };
    let res_p = parse(&mut r, &res_t, &[Key::Reservations])?;
    let reservations = match early {
        true => both(&held.reservations, &res_early.reservations),
        false => both(&held.reservations, &res_p.reservations),
    };
    {
        let t = texts(plan, &mut r, own(Key::Addresses));
        let p = parse(&mut r, &t, &[Key::Addresses])?;
        lw.index_addresses(&both(&held.addresses, &p.addresses), &reservations);
    }
    lw.drain(&mut steps[Step::Addresses as usize]);

    let eni_t = match early {
        true => Vec::new(),
        false => texts(plan, &mut r, own(Key::NetworkInterfaces)),
    };
    let eni_p = parse(&mut r, &eni_t, &[Key::NetworkInterfaces])?;
    let enis = match early {
        true => both(&held.enis, &eni_early.enis),
        false => both(&held.enis, &eni_p.enis),
    };
    // Every file with security groups has been parsed by now.
    lw.set_described(&r.contents);
    lw.instances_and_interfaces(&nat_enis, &enis, &reservations);
    lw.drain(&mut steps[Step::Interfaces as usize]);
    drop(reservations);
    drop((res_p, res_early));
    drop((res_t, res_early_t));

    lw.nat_gateways(&nats, &enis);
    lw.drain(&mut steps[Step::NatGateways as usize]);
    drop((nat_enis, nats, enis));
    drop((nat_p, eni_p, eni_early));
    drop((nat_t, eni_t, eni_early_t));

    {
        let t = texts(plan, &mut r, own(Key::VpcPeeringConnections));
        let p = parse(&mut r, &t, &[Key::VpcPeeringConnections])?;
        lw.peerings(&both(&held.peerings, &p.peerings));
    }
    lw.drain(&mut steps[Step::Peerings as usize]);

    lw.routes(&tables);
    lw.drain(&mut steps[Step::Routes as usize]);
    drop(tables);
    drop(rt_p);
    drop(rt_t);

    // What is built on the VPCs: transit gateways, endpoints (whose gateway routes
    // are in the route tables by now), load balancers (on the interfaces), endpoint
    // services (on the load balancers), names.
    {
        let t = texts(plan, &mut r, own_any(TGW_KEYS));
        let p = parse(&mut r, &t, TGW_KEYS)?;
        lw.transit_gateways(&TgwItems {
            tgws: &both(&held.tgws, &p.tgws),
            tables: &both(&held.tgw_route_tables, &p.tgw_route_tables),
            attachments: &both(&held.tgw_attachments, &p.tgw_attachments),
            vpc_attachments: &both(&held.tgw_vpc_attachments, &p.tgw_vpc_attachments),
            peering_attachments: &both(&held.tgw_peering_attachments, &p.tgw_peering_attachments),
            routes: &both(&held.tgw_routes, &p.tgw_routes),
            propagations: &both(&held.tgw_propagations, &p.tgw_propagations),
            associations: &both(&held.tgw_associations, &p.tgw_associations),
        });
    }
    lw.drain(&mut steps[Step::TransitGateways as usize]);

    {
        let t = texts(plan, &mut r, own(Key::VpcEndpoints));
        let p = parse(&mut r, &t, &[Key::VpcEndpoints])?;
        lw.vpc_endpoints(&both(&held.endpoints, &p.endpoints));
    }
    lw.drain(&mut steps[Step::Endpoints as usize]);

    {
        let t = texts(plan, &mut r, own_any(LB_KEYS));
        let p = parse(&mut r, &t, LB_KEYS)?;
        lw.load_balancing(&LbItems {
            target_groups: &both(&held.target_groups, &p.target_groups),
            target_health: &both(&held.target_health, &p.target_health),
            lbs: &both(&held.lbs, &p.lbs),
            lb_listeners: &both(&held.lb_listeners, &p.lb_listeners),
            listeners: &both(&held.listeners, &p.listeners),
            rules: &both(&held.rules, &p.rules),
            attributes: &both(&held.lb_attributes, &p.lb_attributes),
        });
    }
    lw.drain(&mut steps[Step::LoadBalancing as usize]);

    {
        let t = texts(plan, &mut r, own_any(SERVICE_KEYS));
        let p = parse(&mut r, &t, SERVICE_KEYS)?;
        lw.endpoint_services(&ServiceItems {
            configurations: &both(&held.service_configs, &p.service_configs),
            endpoint_services: &both(&held.endpoint_services, &p.endpoint_services),
            details: &both(&held.service_details, &p.service_details),
            connections: &both(&held.endpoint_connections, &p.endpoint_connections),
        });
    }
    lw.drain(&mut steps[Step::EndpointServices as usize]);

    {
        let t = texts(plan, &mut r, own_any(DNS_KEYS));
        let p = parse(&mut r, &t, DNS_KEYS)?;
        lw.dns(&DnsItems {
            zones: &both(&held.zones, &p.zones),
            rules: &both(&held.resolver_rules, &p.resolver_rules),
            associations: &both(&held.resolver_associations, &p.resolver_associations),
        });
    }
    lw.drain(&mut steps[Step::Dns as usize]);

    // Every file has been parsed by now.
    lw.note_missing(&r.contents);
    drop(held);
    drop(held_t);
    let (report, unreadable, read) = r.finish();
    Ok(Done {
        report,
        unreadable,
        read,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use vpcnet_model::{Meta, Vpc};

    use super::*;

    #[test]
    fn the_first_key_of_a_text() {
        assert_eq!(first_key(b"{\"Vpcs\": []}"), Some(Key::Vpcs));
        assert_eq!(
            first_key(b"\xef\xbb\xbf\n{\n    \"Subnets\": ["),
            Some(Key::Subnets)
        );
        // Paging keys before the list are passed over when their value is plain.
        assert_eq!(
            first_key(b"{\"NextToken\": \"x\", \"Vpcs\": []}"),
            Some(Key::Vpcs)
        );
        assert_eq!(
            first_key(b"{\"MaxResults\": 10, \"ResolverRules\": ["),
            Some(Key::ResolverRules)
        );
        assert_eq!(first_key(b"{\"NextToken\": {\"Vpcs\": []}}"), None);
        assert_eq!(
            first_key(b"{\"NextToken\": \"a\\\"b\", \"Vpcs\": []}"),
            None
        );
        assert_eq!(first_key(b"{\"Other\": 1, \"Vpcs\": []}"), None);
        assert_eq!(first_key(b"{\"\\u0056pcs\": []}"), None);
        assert_eq!(first_key(b"{\"Vpc"), None);
        assert_eq!(first_key(b"[{\"Vpcs\": []}]"), None);
        assert_eq!(first_key(b""), None);
    }

    /// What a load gives, as text: the report, every finding and every resource.
    fn outcome(files: impl Fn() -> Vec<Found<'static>>, mode: Mode) -> String {
        // Something already in the builder, which a load that starts again must keep.
        let mut b = NetworkBuilder::new();
        b.report(Diagnostic::note("EARLIER", "from an earlier input"));
        let mut meta = Meta::new("vpc-earlier", None);
        meta.origin = None;
        b.add_vpc(Vpc {
            meta,
            account: "000000000000".to_owned(),
            region: "us-east-1".to_owned(),
            cidrs: vec!["10.255.0.0/16".parse().expect("a CIDR")],
            ipv6_cidrs: Vec::new(),
            main_route_table: None,
            default_nacl: None,
            dns_support: true,
            dns_hostnames: false,
            described: true,
        });
        let report = load_plan(&mut b, Plan::new(files()), mode);
        let (n, d) = b.finish();
        format!(
            "{report:#?}\n{d:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}",
            n.accounts(),
            n.vpcs(),
            n.subnets(),
            n.route_tables(),
            n.prefix_lists(),
            n.internet_gateways(),
            n.nat_gateways(),
            n.interfaces(),
            n.instances(),
            n.security_groups(),
            n.network_acls(),
            n.peerings(),
            n.missing(),
            n.transit_gateways(),
            n.tgw_route_tables(),
            n.tgw_attachments(),
            n.vpc_endpoints(),
            n.target_groups(),
            n.load_balancers(),
            n.endpoint_services(),
            // Without the zones' own index of names, a hash map in no fixed order.
            n.hosted_zones()
                .iter()
                .map(|z| (&z.meta, &z.zone_name, z.kind, &z.account, &z.vpcs, &z.foreign_vpcs, &z.records))
                .collect::<Vec<_>>(),
            n.resolver_rules(),
        )
    }

    /// Loads `files` streaming and holding every file; they must agree. Returns
    /// whether streaming had to start again, and the outcome.
    fn both_ways(files: impl Fn() -> Vec<Found<'static>>) -> (bool, String) {
        let restarted = run(
            &mut NetworkBuilder::new(),
            &Plan::new(files()),
            Mode::Stream,
        )
        .is_err();
        let streamed = outcome(&files, Mode::Stream);
        let held = outcome(&files, Mode::HoldAll);
        assert_eq!(streamed, held);
        (restarted, streamed)
    }

    fn fixture(name: &str) -> Vec<Found<'static>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let found = walk::root(&dir).and_then(|root| walk::collect(&root).ok());
        let found = found.unwrap_or_default();
        assert!(found.len() > 3, "{name} is a snapshot");
        found
    }

    fn inline(files: &[(String, String)]) -> Vec<Found<'static>> {
        files
            .iter()
            .map(|(path, text)| {
                Found::File(Source {
                    path: path.clone(),
                    account: Some("111111111111".to_owned()),
                    region: "us-east-1".to_owned(),
                    body: Body::Text(Cow::Owned(text.clone())),
                })
            })
            .collect()
    }

    #[test]
    fn streaming_loads_the_fixtures_as_holding_every_file_does() {
        // `seed000` has files with several keys: streaming starts again.
        let (restarted, out) = both_ways(|| fixture("seed000"));
        assert!(restarted);
        assert!(out.contains("vpc-earlier"));
        for name in ["broken", "multi-region"] {
            let (_, out) = both_ways(|| fixture(name));
            assert!(out.contains("aws_configs"), "{name} loaded");
        }
        // One key per file, as the collector writes it: streams without starting
        // again, every kind included.
        let (restarted, out) = both_ways(|| fixture("services"));
        assert!(!restarted);
        for id in [
            "tgw-attach-0c3c000000000c003",
            "vpce-0a1a00000000e7001",
            "loadbalancer/app/web-alb",
            "vpce-svc-0b2b00000000e7001",
            "Z0A1A000000000000001",
            "rslvr-rr-0a1a0000000000001",
        ] {
            assert!(out.contains(id), "{id} in\n{out}");
        }
    }

    #[test]
    fn streaming_one_key_per_file_does_not_start_again() {
        // `seed000` again, each key of each file a file of its own, latest keys first
        // in file order, one file per account holding another tool's key as well.
        let mut files = Vec::new();
        for found in fixture("seed000") {
            let Found::File(src) = found else { continue };
            let Body::Disk(path) = &src.body else {
                continue;
            };
            let text = std::fs::read_to_string(path).expect("fixture readable");
            let doc: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).expect("fixture is an object");
            for (key, value) in doc.into_iter().rev() {
                let mut one = serde_json::Map::new();
                one.insert(key.clone(), value);
                if key == "Vpcs" {
                    one.insert("VpnGateways".to_owned(), serde_json::Value::Null);
                }
                let name = format!("{}#{key}", src.path);
                files.push((name, serde_json::Value::Object(one).to_string()));
            }
        }
        files.push((
            "z.json".to_owned(),
            r#"{"LoadBalancers": [1, 2]}"#.to_owned(),
        ));
        files.push((
            "zz.json".to_owned(),
            r#"{"Subnets": [{"SubnetId": 5}], "NextToken": "x"}"#.to_owned(),
        ));
        let (restarted, out) = both_ways(|| inline(&files));
        assert!(!restarted);
        for code in ["AWS_INVALID", "SNAPSHOT_PAGINATED", "UNKNOWN_KEY"] {
            assert!(out.contains(code), "{code} in\n{out}");
        }
    }

    #[test]
    fn groups_only_rules_name_take_interfaces_early() {
        let files: Vec<(String, String)> = [
            ("a.json", r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#),
            (
                "b.json",
                r#"{"Subnets": [{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}"#,
            ),
            (
                "c.json",
                r#"{"SecurityGroupRules": [
                    {"GroupId": "sg-app", "IpProtocol": "-1", "CidrIpv4": "10.0.0.0/8"},
                    {"GroupId": "sg-inst", "IpProtocol": "-1", "ReferencedGroupInfo": {"GroupId": "sg-app"}},
                    {"GroupId": "sg-orphan", "IpProtocol": "-1", "CidrIpv4": "10.0.0.0/8"}]}"#,
            ),
            (
                "d.json",
                r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a",
                    "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.10", "Groups": [{"GroupId": "sg-app"}]}]}"#,
            ),
            (
                "e.json",
                r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1", "NetworkInterfaces": [
                    {"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-a", "VpcId": "vpc-1",
                     "PrivateIpAddress": "10.0.1.11", "Groups": [{"GroupId": "sg-inst"}]}]}]}]}"#,
            ),
            (
                "f.json",
                r#"{"Addresses": [{"PublicIp": "54.0.0.1", "InstanceId": "i-1", "PrivateIpAddress": "10.0.1.11"}]}"#,
            ),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_owned(), t.to_owned()))
        .collect();
        let (restarted, out) = both_ways(|| inline(&files));
        assert!(!restarted);
        assert!(out.contains("\"sg-inst\""), "{out}");
        assert!(out.contains("54.0.0.1"), "{out}");
        assert!(out.contains("sg-orphan"), "{out}");
    }
}
