//! Texts to wire structs: each file's top-level keys, routed by name (never by file
//! name), each known key's list read item by item into a [`Parsed`], in file order.
//! What is wrong with a file is kept with the file and reported in file order at the
//! end ([`Reader::finish`]), whatever order the files were parsed in.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use vpcnet_model::{Diagnostic, Location};

use crate::lenient::{self, escape, Lenient, Str};
use crate::raw;
use crate::{pos, SnapshotReport};

/// The top-level keys vpcnet reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    SecurityGroupRules,
    NetworkAcls,
    NetworkInterfaces,
    Reservations,
    VpcPeeringConnections,
    InternetGateways,
    NatGateways,
    Addresses,
    PrefixLists,
    ManagedPrefixLists,
}

impl Key {
    const ALL: [Key; 14] = [
        Key::Vpcs,
        Key::Subnets,
        Key::RouteTables,
        Key::SecurityGroups,
        Key::SecurityGroupRules,
        Key::NetworkAcls,
        Key::NetworkInterfaces,
        Key::Reservations,
        Key::VpcPeeringConnections,
        Key::InternetGateways,
        Key::NatGateways,
        Key::Addresses,
        Key::PrefixLists,
        Key::ManagedPrefixLists,
    ];

    /// The key as the AWS CLI prints it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Vpcs => "Vpcs",
            Key::Subnets => "Subnets",
            Key::RouteTables => "RouteTables",
            Key::SecurityGroups => "SecurityGroups",
            Key::SecurityGroupRules => "SecurityGroupRules",
            Key::NetworkAcls => "NetworkAcls",
            Key::NetworkInterfaces => "NetworkInterfaces",
            Key::Reservations => "Reservations",
            Key::VpcPeeringConnections => "VpcPeeringConnections",
            Key::InternetGateways => "InternetGateways",
            Key::NatGateways => "NatGateways",
            Key::Addresses => "Addresses",
            Key::PrefixLists => "PrefixLists",
            Key::ManagedPrefixLists => "ManagedPrefixLists",
        }
    }

    /// The command whose output it is, for messages.
    fn command(self) -> &'static str {
        match self {
            Key::Vpcs => "describe-vpcs",
            Key::Subnets => "describe-subnets",
            Key::RouteTables => "describe-route-tables",
            Key::SecurityGroups => "describe-security-groups",
            Key::SecurityGroupRules => "describe-security-group-rules",
            Key::NetworkAcls => "describe-network-acls",
            Key::NetworkInterfaces => "describe-network-interfaces",
            Key::Reservations => "describe-instances",
            Key::VpcPeeringConnections => "describe-vpc-peering-connections",
            Key::InternetGateways => "describe-internet-gateways",
            Key::NatGateways => "describe-nat-gateways",
            Key::Addresses => "describe-addresses",
            Key::PrefixLists => "describe-prefix-lists",
            Key::ManagedPrefixLists => "describe-managed-prefix-lists",
        }
    }

    /// What one item is, for messages.
    fn noun(self) -> &'static str {
        match self {
            Key::Vpcs => "VPC",
            Key::Subnets => "subnet",
            Key::RouteTables => "route table",
            Key::SecurityGroups => "security group",
            Key::SecurityGroupRules => "security group rule",
            Key::NetworkAcls => "network ACL",
            Key::NetworkInterfaces => "network interface",
            Key::Reservations => "reservation",
            Key::VpcPeeringConnections => "peering connection",
            Key::InternetGateways => "internet gateway",
            Key::NatGateways => "NAT gateway",
            Key::Addresses => "address",
            Key::PrefixLists | Key::ManagedPrefixLists => "prefix list",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == s)
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys(u16);

impl Keys {
    fn insert(&mut self, k: Key) {
        self.0 |= k.bit();
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set holds a key other than `k`.
    pub(crate) fn other_than(self, k: Key) -> bool {
        self.0 & !k.bit() != 0
    }
}

/// Keys of AWS output that vpcnet knows of but does not model yet.
const LATER: &[&str] = &[
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayPeeringAttachments",
    "TransitGatewayRouteTables",
    "TransitGatewayStaticRoutes",
    "TransitGatewayPropagations",
    "VpcEndpoints",
    "VpcEndpointServices",
    "VpcEndpointConnections",
    "LoadBalancers",
    "LoadBalancerDescriptions",
    "TargetGroups",
    "TargetHealthDescriptions",
    "VpnGateways",
    "VpnConnections",
    "CustomerGateways",
    "EgressOnlyInternetGateways",
    "DBInstances",
    "DomainStatusList",
    "HostedZones",
];

/// One file's place in the snapshot.
#[derive(Debug)]
pub(crate) struct FileInfo {
    /// As shown in diagnostics.
    pub(crate) path: String,
    /// Index into the scopes.
    pub(crate) scope: usize,
}

/// One account/region folder.
#[derive(Debug)]
pub(crate) struct Scope {
    pub(crate) account: Option<String>,
    pub(crate) region: String,
}

/// What the files of an account/region folder hold, learnt as they are parsed.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    /// The known keys found there (an empty list counts: AWS said there are none).
    pub(crate) keys: BTreeSet<Key>,
    /// How many VPCs its files list.
    pub(crate) vpcs: usize,
}

impl Scope {
    /// `account A region R`, or `region R` for the layout without accounts.
    pub(crate) fn label(&self) -> String {
        match &self.account {
            Some(a) => format!("account {a} region {}", self.region),
            None => format!("region {}", self.region),
        }
    }
}

/// An item and where it came from: its file and its index in the key's list.
#[derive(Debug)]
pub(crate) struct At<T> {
    pub(crate) file: usize,
    pub(crate) index: usize,
    pub(crate) v: T,
}

/// The items of known keys of some files (a key's files, or all), in file order.
#[derive(Debug, Default)]
pub(crate) struct Parsed<'a> {
    pub(crate) vpcs: Vec<At<raw::Vpc<'a>>>,
    pub(crate) subnets: Vec<At<raw::Subnet<'a>>>,
    pub(crate) route_tables: Vec<At<raw::RouteTable<'a>>>,
    pub(crate) security_groups: Vec<At<raw::SecurityGroup<'a>>>,
    pub(crate) sg_rules: Vec<At<raw::SgRule<'a>>>,
    pub(crate) network_acls: Vec<At<raw::NetworkAcl<'a>>>,
    pub(crate) enis: Vec<At<raw::Eni<'a>>>,
    pub(crate) reservations: Vec<At<raw::Reservation<'a>>>,
    pub(crate) peerings: Vec<At<raw::Peering<'a>>>,
    pub(crate) igws: Vec<At<raw::InternetGateway<'a>>>,
    pub(crate) nats: Vec<At<raw::NatGateway<'a>>>,
    pub(crate) addresses: Vec<At<raw::Address<'a>>>,
    pub(crate) prefix_lists: Vec<At<raw::PrefixList<'a>>>,
    pub(crate) managed_prefix_lists: Vec<At<raw::ManagedPrefixList<'a>>>,
}

/// A file's top level: every key with its value's text, in order.
struct TopLevel<'a>(Vec<(Str<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object as the AWS CLI prints it, such as `{\"Vpcs\": [...]}`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    out.push((key, value));
                }
                Ok(TopLevel(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// How many items an unknown key holds: the length of a list, else 1.
struct AnyCount(usize);

impl<'de> Deserialize<'de> for AnyCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyCount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyCount, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(AnyCount(n))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyCount, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyCount(1))
            }

            fn visit_bool<E>(self, _: bool) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_i64<E>(self, _: i64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_u64<E>(self, _: u64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_f64<E>(self, _: f64) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_str<E>(self, _: &str) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }

            fn visit_unit<E>(self) -> Result<AnyCount, E> {
                Ok(AnyCount(1))
            }
        }
        d.deserialize_any(V)
    }
}

/// A whole file read in one pass, strictly: the happy path. Items carry file 0 until
/// [`Parsed::absorb`] places them.
struct FastFile<'a> {
    /// Every key in order, with how many items it holds.
    keys: Vec<(Str<'a>, usize)>,
    parsed: Parsed<'a>,
}

impl<'de> Deserialize<'de> for FastFile<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FastFile<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastFile<'de>, A::Error> {
                let mut keys = Vec::new();
                let mut parsed = Parsed::default();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    macro_rules! read {
                        ($field:ident) => {{
                            let items: Vec<_> = map.next_value()?;
                            let n = items.len();
                            parsed.$field.extend(
                                items.into_iter().enumerate().map(|(index, v)| At {
                                    file: 0,
                                    index,
                                    v,
                                }),
                            );
                            n
                        }};
                    }
                    let n = match Key::parse(&key) {
                        Some(Key::Vpcs) => read!(vpcs),
                        Some(Key::Subnets) => read!(subnets),
                        Some(Key::RouteTables) => read!(route_tables),
                        Some(Key::SecurityGroups) => read!(security_groups),
                        Some(Key::SecurityGroupRules) => read!(sg_rules),
                        Some(Key::NetworkAcls) => read!(network_acls),
                        Some(Key::NetworkInterfaces) => read!(enis),
                        Some(Key::Reservations) => read!(reservations),
                        Some(Key::VpcPeeringConnections) => read!(peerings),
                        Some(Key::InternetGateways) => read!(igws),
                        Some(Key::NatGateways) => read!(nats),
                        Some(Key::Addresses) => read!(addresses),
                        Some(Key::PrefixLists) => read!(prefix_lists),
                        Some(Key::ManagedPrefixLists) => read!(managed_prefix_lists),
                        None => map.next_value::<AnyCount>()?.0,
                    };
                    keys.push((key, n));
                }
                Ok(FastFile { keys, parsed })
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Parsed<'a> {
    /// Appends what one file's fast pass read, placing it in `file`.
    fn absorb(&mut self, other: Parsed<'a>, file: usize) {
        macro_rules! absorb {
            ($($field:ident),*) => {$(
                self.$field.extend(other.$field.into_iter().map(|a| At { file, ..a }));
            )*};
        }
        absorb!(
            vpcs,
            subnets,
            route_tables,
            security_groups,
            sg_rules,
            network_acls,
            enis,
            reservations,
            peerings,
            igws,
            nats,
            addresses,
            prefix_lists,
            managed_prefix_lists
        );
    }
}

/// What a JSON value is, from its first character, for messages.
fn kind_of(text: &str) -> &'static str {
    match text.trim_start().bytes().next() {
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Something a file says that becomes a finding, in the order met in the file.
#[derive(Debug)]
enum Said {
    /// A finding about the file.
    Finding(Diagnostic),
    /// A key vpcnet does not read: noted only where it is first met in file order.
    Unknown(String),
}

/// Parses the texts of a snapshot, keeping what is wrong with each file.
pub(crate) struct Reader<'p> {
    files: &'p [FileInfo],
    /// What each folder's files hold.
    pub(crate) contents: Vec<Contents>,
    /// Per file: the finding that it could not be read, if so.
    unreadable: Vec<Option<Diagnostic>>,
    /// Per file: what it says that is a finding.
    said: Vec<Vec<Said>>,
    report: SnapshotReport,
}

impl<'p> Reader<'p> {
    pub(crate) fn new(files: &'p [FileInfo], scopes: usize) -> Self {
        Reader {
            files,
            contents: (0..scopes).map(|_| Contents::default()).collect(),
            unreadable: files.iter().map(|_| None).collect(),
            said: files.iter().map(|_| Vec::new()).collect(),
            report: SnapshotReport::default(),
        }
    }

    fn loc(&self, file: usize, pointer: String) -> Option<Location> {
        Some(Location::pointer(Some(&self.files[file].path), pointer))
    }

    fn say(&mut self, file: usize, d: Diagnostic) {
        self.said[file].push(Said::Finding(d));
    }

    /// Records that `file` could not be read.
    pub(crate) fn unreadable(&mut self, file: usize, d: Diagnostic) {
        self.unreadable[file] = Some(d);
    }

    /// What was read, and the findings about the files: per file, that it could not
    /// be read; then every finding about the files' contents in file order (an
    /// unknown key noted once for the snapshot, where it is first met).
    pub(crate) fn finish(self) -> (SnapshotReport, Vec<Option<Diagnostic>>, Vec<Diagnostic>) {
        let Reader {
            files,
            unreadable,
            said,
            report,
            ..
        } = self;
        let mut unknown_seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        for (file, said) in said.into_iter().enumerate() {
            for s in said {
                match s {
                    Said::Finding(d) => out.push(d),
                    Said::Unknown(key) => {
                        if unknown_seen.contains(&key) {
                            continue;
                        }
                        let loc = Location::pointer(
                            Some(&files[file].path),
                            format!("/{}", escape(&key)),
                        );
                        let d = Diagnostic::note("UNKNOWN_KEY", unknown_message(&key));
                        out.push(d.at(Some(loc)));
                        unknown_seen.insert(key);
                    }
                }
            }
        }
        (report, unreadable, out)
    }

    /// Parses one file's text into `out`; returns the known keys it has.
    pub(crate) fn parse<'a>(&mut self, file: usize, text: &'a str, out: &mut Parsed<'a>) -> Keys {
        let scope = self.files[file].scope;
        self.report.files += 1;
        self.report.bytes += text.len() as u64;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut keys = Keys::default();
        // Valid files are read in one strict pass; only a file with a problem is read
        // again key by key and item by item, to report it and keep the rest.
        if let Ok(fast) = lenient::fast(|| serde_json::from_str::<FastFile<'a>>(text)) {
            for (key, n) in &fast.keys {
                if let Some(k) = Key::parse(key) {
                    keys.insert(k);
                }
                self.count(file, scope, key, *n);
            }
            out.absorb(fast.parsed, file);
            return keys;
        }
        let top: TopLevel<'a> = match serde_json::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                self.syntax(file, text, &e);
                return keys;
            }
        };
        for (key, value) in top.0 {
            let n = match Key::parse(&key) {
                // A key whose value is not a list is reported, and counts as absent.
                Some(k) => {
                    keys.insert(k);
                    match self.take(file, k, value, out) {
                        Some(n) => n,
                        None => continue,
                    }
                }
                None => serde_json::from_str::<AnyCount>(value.get()).map_or(1, |c| c.0),
            };
            self.count(file, scope, &key, n);
        }
        keys
    }

    /// Records a key of a file: known keys mark the folder as having them, unknown
    /// ones are noted (once for the snapshot).
    fn count(&mut self, file: usize, scope: usize, key: &str, n: usize) {
        *self.report.keys.entry(key.to_owned()).or_default() += n;
        match Key::parse(key) {
            Some(k) => {
                self.contents[scope].keys.insert(k);
                if k == Key::Vpcs {
                    self.contents[scope].vpcs += n;
                }
            }
            None => self.unknown(file, key),
        }
    }

    fn syntax(&mut self, file: usize, text: &str, e: &serde_json::Error) {
        let mut loc = Location {
            file: Some(self.files[file].path.clone()),
            ..Location::default()
        };
        if e.line() > 0 {
            loc.line = Some(e.line() as u32);
            let offset = pos::offset_of(text, e.line(), e.column());
            loc.column = Some(pos::column_at(text, offset));
            loc.pointer = Some(pos::pointer_at(text, offset));
        }
        let d = if e.is_data() {
            let msg = format!(
                "not an AWS CLI output file: the top level is {}, not an object such as `{{\"Vpcs\": [...]}}`; skipped",
                kind_of(text)
            );
            Diagnostic::error("BAD_SHAPE", msg).at(Some(loc))
        } else {
            let what = if e.is_eof() {
                "ends too early (truncated?)"
            } else {
                "is not valid JSON"
            };
            let msg = format!(
                "file {what}: {}; nothing in it was loaded",
                lenient::clean(&e.to_string())
            );
            Diagnostic::error("JSON_SYNTAX", msg).at(Some(loc))
        };
        self.say(file, d);
    }

    fn unknown(&mut self, file: usize, key: &str) {
        if key == "NextToken" {
            let msg = "`NextToken` is present: this file holds one page of the output and resources may be missing; collect with the AWS CLI's automatic pagination";
            let d = Diagnostic::warning("SNAPSHOT_PAGINATED", msg)
                .at(self.loc(file, "/NextToken".to_owned()));
            self.say(file, d);
            return;
        }
        self.said[file].push(Said::Unknown(key.to_owned()));
    }

    /// Reads one known key's list; returns how many items it has, or `None` when it
    /// is not a list.
    fn take<'a>(
        &mut self,
        file: usize,
        key: Key,
        value: &'a RawValue,
        p: &mut Parsed<'a>,
    ) -> Option<usize> {
        let said = &mut self.said[file];
        let path = &self.files[file].path;
        match key {
            Key::Vpcs => take(said, path, &mut p.vpcs, file, key, value),
            Key::Subnets => take(said, path, &mut p.subnets, file, key, value),
            Key::RouteTables => take(said, path, &mut p.route_tables, file, key, value),
            Key::SecurityGroups => take(said, path, &mut p.security_groups, file, key, value),
            Key::SecurityGroupRules => take(said, path, &mut p.sg_rules, file, key, value),
            Key::NetworkAcls => take(said, path, &mut p.network_acls, file, key, value),
            Key::NetworkInterfaces => take(said, path, &mut p.enis, file, key, value),
            Key::Reservations => take(said, path, &mut p.reservations, file, key, value),
            Key::VpcPeeringConnections => take(said, path, &mut p.peerings, file, key, value),
            Key::InternetGateways => take(said, path, &mut p.igws, file, key, value),
            Key::NatGateways => take(said, path, &mut p.nats, file, key, value),
            Key::Addresses => take(said, path, &mut p.addresses, file, key, value),
            Key::PrefixLists => take(said, path, &mut p.prefix_lists, file, key, value),
            Key::ManagedPrefixLists => {
                take(said, path, &mut p.managed_prefix_lists, file, key, value)
            }
        }
    }
}

/// The note for a key vpcnet does not read.
fn unknown_message(key: &str) -> String {
    if key == "HostedZones" {
        "Route 53 hosted zones (`HostedZones`) are not modelled yet; skipped, so names do not resolve from this snapshot".to_owned()
    } else if LATER.contains(&key) {
        format!("`{key}` is not modelled yet; skipped (noted once for the snapshot)")
    } else {
        format!("unknown key `{key}`: not AWS CLI output that vpcnet reads; skipped (noted once for the snapshot)")
    }
}

/// Reads one key's list into `out`, saying what cannot be read.
fn take<'a, T: Deserialize<'a>>(
    said: &mut Vec<Said>,
    path: &str,
    out: &mut Vec<At<T>>,
    file: usize,
    key: Key,
    value: &'a RawValue,
) -> Option<usize> {
    let items = match lenient::list::<T>(value.get()) {
        Ok(items) => items,
        Err(_) => {
            let msg = format!(
                "`{}` should be a list, as `aws ec2 {}` prints it, but is {}; skipped",
                key.name(),
                key.command(),
                kind_of(value.get())
            );
            let loc = Location::pointer(Some(path), format!("/{}", key.name()));
            said.push(Said::Finding(
                Diagnostic::error("BAD_SHAPE", msg).at(Some(loc)),
            ));
            return None;
        }
    };
    let n = items.len();
    out.reserve(n);
    for (index, item) in items.into_iter().enumerate() {
        match item {
            Lenient::Ok(v) => out.push(At { file, index, v }),
            Lenient::Err(e) => {
                let msg = format!("{} skipped: {}", key.noun(), e.message);
                let ptr = format!("/{}/{index}{}", key.name(), e.pointer);
                let loc = Location::pointer(Some(path), ptr);
                said.push(Said::Finding(
                    Diagnostic::error("AWS_INVALID", msg).at(Some(loc)),
                ));
            }
        }
    }
    Some(n)
}
