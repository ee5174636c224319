//! Large, realistic networks made from a seed, for benchmarks and scale tests.
//!
//! The shape is a common enterprise design: VPCs are grouped around hubs (about one
//! hub per 20 VPCs, all of a group in one region). A hub runs shared services (Vault,
//! SonarQube, Artifactory, LDAP, DNS, Prometheus); its spokes peer with it, with routes
//! both ways, and a few spoke pairs peer with each other. Some peerings still wait for
//! acceptance. Every VPC has six subnets (public, app and db tiers in two zones), an
//! internet gateway, a NAT gateway with an Elastic IP, a locked-down network ACL for the
//! db tier, security groups per tier and per service that reference each other (within
//! the VPC and, as `vpc/group`, across active peerings), instances and standalone
//! interfaces (load balancer nodes, pods, endpoints).
//!
//! Addressing invariants, by construction:
//!
//! - Each VPC is a /16 from RFC 1918 space (`10.0-255.0.0/16`, then
//!   `172.16-31.0.0/16`, from a seeded offset). There are only 272 such blocks, so large
//!   networks reuse them, as isolated environments do in practice, but never within a
//!   hub group: peered VPCs never overlap.
//! - Private addresses lie in their subnet, avoid the five addresses AWS reserves, and
//!   are unique per VPC. Public addresses are drawn from distinct internet ranges per
//!   region (`52.4.0.0/14`, `54.72.0.0/14`, `3.24.0.0/14`) and never repeat.
//! - Names are unique within their VPC, and resources that can be a trace endpoint
//!   carry the VPC's name as a prefix, so they are unique in the whole network.
//!
//! The same options give the same [`Spec`], so the same text from [`crate::to_yaml`]
//! and [`crate::to_json`]. Randomness comes from a small seeded generator (splitmix64)
//! in this module; each VPC draws from its own stream, so the content of one VPC does
//! not shift when the network grows.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use crate::lenient::Lenient;
use crate::raw::*;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// How many VPCs.
    pub vpcs: usize,
    /// The seed: the same seed gives byte-identical output.
    pub seed: u64,
}

/// Generates a network of `opts.vpcs` VPCs in the spec's wire form.
pub fn generate(opts: &GenerateOptions) -> Spec {
    Generator::new(opts).run()
}

// ---------------------------------------------------------------------------------
// Randomness.

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The splitmix64 finalizer: a bijection on `u64` that scatters its input.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast, and good enough for shaping test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(mix(seed))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// `k` distinct items of `items`, in the list's order.
    fn choose<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        for i in 0..k.min(idx.len()) {
            let j = i + self.below((idx.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx.sort_unstable();
        idx.into_iter().map(|i| items[i]).collect()
    }
}

/// A distinct, AWS-looking id for the `n`th resource of a kind: `prefix-0` and 16 hex
/// digits. `mix` is a bijection, so distinct `(kind, n)` give distinct ids.
fn aws_id(prefix: &str, seed: u64, kind: u64, n: usize) -> String {
    let v = mix(seed.rotate_left(23) ^ (kind << 48) ^ n as u64);
    format!("{prefix}-0{v:016x}")
}

// ---------------------------------------------------------------------------------
// Vocabulary.

const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "use1"),
    ("eu-west-1", "euw1"),
    ("ap-southeast-2", "apse2"),
];

/// Per region, the start of the range Elastic and public IPs come from (a /14 each).
const PUBLIC_POOLS: &[[u8; 4]] = &[[52, 4, 0, 0], [54, 72, 0, 0], [3, 24, 0, 0]];

const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "identity",
    "ledger",
    "catalog",
    "data",
    "ml",
    "web",
    "mobile",
    "billing",
    "growth",
    "logistics",
    "support",
    "risk",
    "media",
];

const ENVS: &[&str] = &["prod", "staging", "dev", "qa"];

/// Microservices and the port each listens on.
const SERVICES: &[(&str, u32)] = &[
    ("orders", 8080),
    ("cart", 8082),
    ("search", 8083),
    ("users", 8084),
    ("payments", 8443),
    ("catalog", 8085),
    ("inventory", 8086),
    ("shipping", 8087),
    ("notify", 8088),
    ("auth", 8090),
    ("reports", 8091),
    ("ledger", 8092),
];

/// Data stores of the db tier.
const DATABASES: &[(&str, u32)] = &[
    ("postgres", 5432),
    ("mysql", 3306),
    ("redis", 6379),
    ("mongodb", 27017),
    ("cassandra", 9042),
    ("kafka", 9092),
];

/// Prometheus exporters scraped in every VPC.
const EXPORTERS: &[(&str, u32)] = &[
    ("node", 9100),
    ("statsd", 9102),
    ("nginx", 9113),
    ("redis", 9121),
    ("postgres", 9187),
    ("mongodb", 9216),
    ("kafka", 9308),
    ("rabbitmq", 9419),
];

/// What a hub's shared-services group offers its spokes: protocol, port, what.
const SHARED_PORTS: &[(&str, u32, &str)] = &[
    ("tcp", 443, "https"),
    ("tcp", 8200, "vault"),
    ("tcp", 9000, "sonarqube"),
    ("tcp", 8081, "artifactory"),
    ("tcp", 5432, "shared postgres"),
    ("tcp", 389, "ldap"),
    ("tcp", 636, "ldaps"),
    ("udp", 53, "dns"),
    ("tcp", 53, "dns over tcp"),
    ("udp", 123, "ntp"),
];

/// The hub's shared-service instances (in its app subnets, zones alternating).
const HUB_SERVICES: &[&str] = &["vault", "sonarqube", "artifactory", "ldap", "dns"];

/// Interface endpoints (PrivateLink) every VPC has.
const ENDPOINT_SERVICES: &[&str] = &["ecr.api", "ecr.dkr", "sts", "logs", "ssm", "kms"];

/// First octets of the ranges engineers' home addresses come from.
const HOME_OCTETS: &[u8] = &[24, 50, 66, 73, 81, 86, 90, 94, 109, 151, 176, 188, 212, 217];

/// Resource kinds, for [`aws_id`].
const KIND_VPC: u64 = 1;
const KIND_PCX: u64 = 2;
const KIND_VPCE: u64 = 3;

// ---------------------------------------------------------------------------------
// The plan: what every VPC is and whom it peers with, decided before any is written.

struct Link {
    peer: usize,
    peering: String,
    active: bool,
}

struct VpcPlan {
    name: String,
    account: String,
    region: usize,
    /// The /16 network address.
    base: u32,
    /// For a spoke, its hub.
    hub: Option<usize>,
    team: &'static str,
    env: &'static str,
    links: Vec<Link>,
}

impl VpcPlan {
    fn is_hub(&self) -> bool {
        self.hub.is_none()
    }

    fn cidr(&self) -> String {
        cidr(self.base, 16)
    }
}

fn cidr(addr: u32, len: u8) -> String {
    format!("{}/{len}", Ipv4Addr::from(addr))
}

/// The `n`th private /16 of the 272 in RFC 1918 (`192.168.0.0/16` left out).
fn private_block(n: usize) -> u32 {
    let n = n % 272;
    if n < 256 {
        u32::from(Ipv4Addr::new(10, n as u8, 0, 0))
    } else {
        u32::from(Ipv4Addr::new(172, 16 + (n - 256) as u8, 0, 0))
    }
}

struct Generator {
    seed: u64,
    rng: Rng,
    vpcs: usize,
    regions: usize,
    accounts: Vec<(String, String)>,
    plans: Vec<VpcPlan>,
    peerings: Vec<PeeringSpec>,
    /// Next public address, per region.
    public_next: Vec<u32>,
}

impl Generator {
    fn new(opts: &GenerateOptions) -> Generator {
        let mut rng = Rng::new(opts.seed);
        let public_next = (0..REGIONS.len()).map(|_| rng.below(4096) as u32).collect();
        Generator {
            seed: opts.seed,
            rng,
            vpcs: opts.vpcs,
            regions: if opts.vpcs >= 40 { 3 } else { 2 },
            accounts: Vec::new(),
            plans: Vec::new(),
            peerings: Vec::new(),
            public_next,
        }
    }

    fn run(mut self) -> Spec {
        self.plan_accounts();
        self.plan_vpcs();
        self.plan_peerings();
        let vpcs: Vec<Lenient<VpcSpec>> = (0..self.plans.len())
            .map(|i| Lenient::Ok(self.vpc(i)))
            .collect();
        let accounts = self
            .accounts
            .iter()
            .map(|(id, name)| {
                Lenient::Ok(AccountSpec {
                    id: AccountId::Text(id.clone()),
                    name: Some(name.clone()),
                })
            })
            .collect();
        Spec {
            schema: None,
            description: Some(format!(
                "generated network: {} VPCs around {} hubs (seed {})",
                self.plans.len(),
                self.plans.iter().filter(|p| p.is_hub()).count(),
                self.seed
            )),
            defaults: Some(Defaults {
                account: self.accounts.first().map(|a| AccountId::Text(a.0.clone())),
                region: Some(REGIONS[0].0.to_owned()),
            }),
            accounts,
            prefix_lists: self.prefix_lists(),
            vpcs,
            peerings: std::mem::take(&mut self.peerings)
                .into_iter()
                .map(Lenient::Ok)
                .collect(),
            transit_gateways: Vec::new(),
            endpoint_services: Vec::new(),
            dns: DnsSpec::default(),
            tailnet: None,
            flow_logs: Vec::new(),
        }
    }

    /// One network account for the hubs, then one per team and environment.
    fn plan_accounts(&mut self) {
        let n = 1 + (self.vpcs / 20).max(1);
        let mut seen = BTreeSet::new();
        for k in 0..n {
            let name = if k == 0 {
                "network".to_owned()
            } else {
                let c = k - 1;
                let base = format!("{}-{}", TEAMS[c % TEAMS.len()], ENVS[(c / TEAMS.len()) % 4]);
                match c / (TEAMS.len() * ENVS.len()) {
                    0 => base,
                    r => format!("{base}-{}", r + 1),
                }
            };
            let id = loop {
                let id = format!("{:012}", 100_000_000_000 + self.rng.below(900_000_000_000));
                if seen.insert(id.clone()) {
                    break id;
                }
            };
            self.accounts.push((id, name));
        }
    }

    /// Hub groups of 16 to 24 VPCs, each in one region; CIDRs from a seeded offset.
    fn plan_vpcs(&mut self) {
        let offset = self.rng.below(272) as usize;
        let mut i = 0;
        let mut group = 0;
        while i < self.vpcs {
            let mut size = self.rng.range(16, 24).min(self.vpcs - i);
            if self.vpcs - i - size < 2 {
                size = self.vpcs - i;
            }
            let region = group % self.regions;
            let hub = i;
            for j in 0..size {
                let n = i + j;
                let base = private_block(offset + n);
                let plan = if j == 0 {
                    VpcPlan {
                        name: format!("shared-{}-{group:02}", REGIONS[region].1),
                        account: self.accounts[0].0.clone(),
                        region,
                        base,
                        hub: None,
                        team: "platform",
                        env: "shared",
                        links: Vec::new(),
                    }
                } else {
                    let a = 1 + self.rng.below((self.accounts.len() - 1) as u64) as usize;
                    let c = a - 1;
                    let team = TEAMS[c % TEAMS.len()];
                    let env = ENVS[(c / TEAMS.len()) % 4];
                    VpcPlan {
                        name: format!("{team}-{env}-{n:04}"),
                        account: self.accounts[a].0.clone(),
                        region,
                        base,
                        hub: Some(hub),
                        team,
                        env,
                        links: Vec::new(),
                    }
                };
                self.plans.push(plan);
            }
            i += size;
            group += 1;
        }
    }

    fn peer(&mut self, requester: usize, accepter: usize, active: bool, hub: bool) {
        let n = self.peerings.len();
        let name = format!(
            "{}-to-{}",
            self.plans[requester].name, self.plans[accepter].name
        );
        let mut tags = Tags::new();
        tags.insert(
            "purpose".to_owned(),
            if hub { "hub-spoke" } else { "spoke-spoke" }.to_owned(),
        );
        self.peerings.push(PeeringSpec {
            name: name.clone(),
            id: Some(aws_id("pcx", self.seed, KIND_PCX, n)),
            requester: self.plans[requester].name.clone(),
            accepter: self.plans[accepter].name.clone(),
            status: (!active).then(|| "pending-acceptance".to_owned()),
            requester_dns_resolution: hub,
            accepter_dns_resolution: false,
            tags,
        });
        for (a, b) in [(requester, accepter), (accepter, requester)] {
            self.plans[a].links.push(Link {
                peer: b,
                peering: name.clone(),
                active,
            });
        }
    }

    /// Every spoke with its hub (one in 16 still pending), and about one spoke pair
    /// per five spokes of a group.
    fn plan_peerings(&mut self) {
        let mut start = 0;
        while start < self.plans.len() {
            let end = (start + 1..self.plans.len())
                .find(|&k| self.plans[k].is_hub())
                .unwrap_or(self.plans.len());
            for s in start + 1..end {
                let active = !self.rng.one_in(16);
                self.peer(s, start, active, true);
            }
            let spokes = end - start - 1;
            let mut pairs = BTreeSet::new();
            if spokes >= 2 {
                for _ in 0..spokes / 5 {
                    let a = start + 1 + self.rng.below(spokes as u64) as usize;
                    let b = start + 1 + self.rng.below(spokes as u64) as usize;
                    if a != b && pairs.insert((a.min(b), a.max(b))) {
                        let active = !self.rng.one_in(8);
                        self.peer(a.min(b), a.max(b), active, false);
                    }
                }
            }
            start = end;
        }
    }

    fn prefix_lists(&self) -> Vec<Lenient<PrefixListSpec>> {
        let mut out = vec![
            PrefixListSpec {
                name: "corp-offices".to_owned(),
                id: Some(aws_id("pl", self.seed, 10, 0)),
                cidrs: vec![
                    "198.51.100.0/26".to_owned(),
                    "198.51.100.64/26".to_owned(),
                    "203.0.113.0/27".to_owned(),
                    "192.0.2.128/25".to_owned(),
                ],
                tags: Tags::new(),
            },
            PrefixListSpec {
                name: "ci-runners".to_owned(),
                id: Some(aws_id("pl", self.seed, 10, 1)),
                cidrs: vec!["203.0.113.64/28".to_owned(), "203.0.113.96/28".to_owned()],
                tags: Tags::new(),
            },
        ];
        let s3: [&[&str]; 3] = [
            &["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"],
            &["52.218.0.0/17", "3.5.64.0/21", "52.92.0.0/17"],
            &["52.95.128.0/21", "3.5.140.0/22", "54.231.248.0/22"],
        ];
        for (r, (region, _)) in REGIONS.iter().enumerate().take(self.regions) {
            out.push(PrefixListSpec {
                name: format!("s3-{region}"),
                id: Some(aws_id("pl", self.seed, 11, r)),
                cidrs: s3[r].iter().map(|c| (*c).to_owned()).collect(),
                tags: Tags::new(),
            });
        }
        out.into_iter().map(Lenient::Ok).collect()
    }

    /// A fresh public address of the region's pool (never `.0` or `.255`).
    fn public_ip(&mut self, region: usize) -> String {
        let n = self.public_next[region];
        self.public_next[region] += 1;
        let [a, b, ..] = PUBLIC_POOLS[region];
        let base = u32::from(Ipv4Addr::new(a, b, 0, 0));
        Ipv4Addr::from(base + (n / 250) * 256 + 1 + n % 250).to_string()
    }

    fn vpc(&mut self, i: usize) -> VpcSpec {
        let mut rng = Rng::new(self.seed ^ mix((i as u64).wrapping_add(0x5bd1_e995)));
        let p = &self.plans[i];
        let v = p.name.clone();
        let region = p.region;
        let region_name = REGIONS[region].0;
        let vpc_cidr = p.cidr();
        let hub = p
            .hub
            .map(|h| (self.plans[h].name.clone(), self.plans[h].cidr()));
        let hub_active = p
            .hub
            .and_then(|h| p.links.iter().find(|l| l.peer == h))
            .is_some_and(|l| l.active);
        let is_hub = p.is_hub();
        let links: Vec<(String, String, String, bool, bool)> = p
            .links
            .iter()
            .map(|l| {
                let q = &self.plans[l.peer];
                (
                    q.name.clone(),
                    q.cidr(),
                    l.peering.clone(),
                    l.active,
                    q.is_hub(),
                )
            })
            .collect();
        let base = p.base;
        let mut tags = Tags::new();
        tags.insert("team".to_owned(), p.team.to_owned());
        tags.insert("env".to_owned(), p.env.to_owned());
        tags.insert(
            "role".to_owned(),
            if is_hub { "hub" } else { "spoke" }.to_owned(),
        );
        if let Some((h, _)) = &hub {
            tags.insert("hub".to_owned(), h.clone());
        }
        let account = p.account.clone();

        // Choices for this VPC.
        let k = rng.range(3, 7);
        let services: Vec<(&str, u32)> = rng.choose(SERVICES, k);
        let k = rng.range(1, 3);
        let mut dbs: Vec<(&str, u32)> = rng.choose(&DATABASES[1..], k);
        if is_hub || rng.one_in(2) {
            dbs.insert(0, DATABASES[0]);
        }
        let exporters: Vec<(&str, u32)> = EXPORTERS[..rng.range(4, 8)].to_vec();
        let admins = rng.range(4, 24);
        let vpce = aws_id("vpce", self.seed, KIND_VPCE, i);
        let s3 = format!("s3-{region_name}");

        // Subnets.
        let zones = ["a", "b"];
        let tiers: [(&str, u32, u8); 3] = [
            ("public", 0x0000, 24),
            ("app", 0x1000, 20),
            ("db", 0x3000, 24),
        ];
        let mut subnets = Vec::new();
        let mut alloc: BTreeMap<String, Alloc> = BTreeMap::new();
        for (tier, off, len) in tiers {
            for (z, zone) in zones.iter().enumerate() {
                let size = 1u32 << (32 - u32::from(len));
                let net = base + off + z as u32 * size;
                let name = format!("{v}-{tier}-{zone}");
                let mut stags = Tags::new();
                stags.insert("tier".to_owned(), tier.to_owned());
                subnets.push(Lenient::Ok(SubnetSpec {
                    name: name.clone(),
                    id: None,
                    cidr: cidr(net, len),
                    ipv6_cidr: None,
                    az: Some(format!("{region_name}{zone}")),
                    route_table: Some(format!(
                        "{v}-{}",
                        if tier == "app" { "private" } else { tier }
                    )),
                    network_acl: (tier == "db").then(|| format!("{v}-db-acl")),
                    tags: stags,
                }));
                alloc.insert(
                    name,
                    Alloc {
                        net,
                        size,
                        next: 4 + rng.below(8) as u32,
                    },
                );
            }
        }
        let mut ip = |subnet: &str, rng: &mut Rng| -> String {
            alloc
                .get_mut(subnet)
                .map(|a| a.take(rng))
                .unwrap_or_default()
        };

        // Route tables.
        let link_routes = |only_hub: bool| -> Vec<Lenient<RouteSpec>> {
            links
                .iter()
                .filter(|l| !only_hub || l.4 || is_hub)
                .map(|(_, c, pcx, _, _)| {
                    Lenient::Ok(RouteSpec {
                        destination: Some(c.clone()),
                        peering: Some(pcx.clone()),
                        ..RouteSpec::default()
                    })
                })
                .collect()
        };
        let s3_route = || {
            Lenient::Ok(RouteSpec {
                prefix_list: Some(s3.clone()),
                vpc_endpoint: Some(vpce.clone()),
                ..RouteSpec::default()
            })
        };
        let mut public_routes = vec![Lenient::Ok(RouteSpec {
            destination: Some("0.0.0.0/0".to_owned()),
            internet_gateway: Some(NameOrTrue::Name(format!("{v}-igw"))),
            ..RouteSpec::default()
        })];
        public_routes.extend(link_routes(true));
        let mut private_routes = vec![
            Lenient::Ok(RouteSpec {
                destination: Some("0.0.0.0/0".to_owned()),
                nat_gateway: Some(format!("{v}-nat-a")),
                ..RouteSpec::default()
            }),
            s3_route(),
        ];
        private_routes.extend(link_routes(false));
        let mut db_routes = vec![s3_route()];
        db_routes.extend(link_routes(true));
        let route_tables = vec![
            RouteTableSpec {
                name: format!("{v}-public"),
                routes: public_routes,
                ..RouteTableSpec::default()
            },
            RouteTableSpec {
                name: format!("{v}-private"),
                main: true,
                routes: private_routes,
                ..RouteTableSpec::default()
            },
            RouteTableSpec {
                name: format!("{v}-db"),
                routes: db_routes,
                ..RouteTableSpec::default()
            },
        ]
        .into_iter()
        .map(Lenient::Ok)
        .collect();

        // The db tier's network ACL: its own VPC in on the database ports, the known
        // database ports denied from anywhere else, ephemeral ports in for replies.
        let mut ingress = Vec::new();
        let mut rule = 100;
        for (_, port) in &dbs {
            ingress.push(nacl("allow", "tcp", Some(single(*port)), &vpc_cidr, rule));
            rule += 10;
        }
        ingress.push(nacl("allow", "tcp", Some(single(22)), &vpc_cidr, 150));
        if let Some((_, hub_cidr)) = &hub {
            ingress.push(nacl("allow", "tcp", Some(range(9100, 9199)), hub_cidr, 160));
        }
        for (k, (_, port)) in DATABASES.iter().enumerate() {
            ingress.push(nacl(
                "deny",
                "tcp",
                Some(single(*port)),
                "0.0.0.0/0",
                200 + 10 * k as u32,
            ));
        }
        ingress.push(nacl(
            "allow",
            "tcp",
            Some(range(1024, 65535)),
            "0.0.0.0/0",
            300,
        ));
        ingress.push(nacl(
            "allow",
            "udp",
            Some(range(1024, 65535)),
            "0.0.0.0/0",
            310,
        ));
        ingress.push(Lenient::Ok(NaclEntrySpec {
            icmp_type: Some(3),
            icmp_code: Some(4),
            ..nacl_entry("allow", "icmp", None, "0.0.0.0/0", 320)
        }));
        let mut egress = vec![nacl(
            "allow",
            "tcp",
            Some(range(1024, 65535)),
            &vpc_cidr,
            100,
        )];
        if let Some((_, hub_cidr)) = &hub {
            egress.push(nacl(
                "allow",
                "tcp",
                Some(range(1024, 65535)),
                hub_cidr,
                110,
            ));
        }
        egress.extend([
            nacl("allow", "tcp", Some(single(443)), "0.0.0.0/0", 120),
            nacl("allow", "tcp", Some(single(5432)), &vpc_cidr, 130),
            nacl("allow", "udp", Some(single(53)), &vpc_cidr, 140),
            nacl("deny", "all", None, "0.0.0.0/0", 500),
        ]);
        let network_acls = vec![Lenient::Ok(NetworkAclSpec {
            name: format!("{v}-db-acl"),
            ingress,
            egress,
            ..NetworkAclSpec::default()
        })];

        // Security groups.
        let mut groups: Vec<SecurityGroupSpec> = Vec::new();
        let monitoring_peer = |port: u32| -> Option<SgRuleSpec> {
            match &hub {
                Some((h, _)) if hub_active => {
                    Some(tcp(single(port), Peer::Sg(format!("{h}/monitoring"))))
                }
                Some((_, c)) => Some(tcp(single(port), Peer::Cidr(c.clone()))),
                None => None,
            }
        };

        // Load balancer nodes.
        let mut alb_in = vec![
            tcp(single(443), Peer::Cidr("0.0.0.0/0".to_owned())).described("https from anywhere"),
            tcp(single(80), Peer::Cidr("0.0.0.0/0".to_owned())).described("redirect to https"),
            tcp(single(8443), Peer::PrefixList("corp-offices".to_owned()))
                .described("admin console"),
        ];
        alb_in.extend(monitoring_peer(9113));
        let alb_out = services
            .iter()
            .map(|(s, port)| tcp(single(*port), Peer::Sg(format!("svc-{s}"))))
            .collect();
        groups.push(group(
            "alb",
            "internet-facing load balancer",
            alb_in,
            alb_out,
        ));

        // The app tier's common group.
        let mut app_in = vec![
            all(Peer::SelfRef).described("cluster members"),
            tcp(single(22), Peer::Sg("bastion".to_owned())),
        ];
        for (_, port) in &exporters {
            app_in.push(tcp(single(*port), Peer::Sg("monitoring".to_owned())));
            app_in.extend(monitoring_peer(*port));
        }
        for (name, _, _, active, peer_hub) in &links {
            if !peer_hub && !is_hub && *active {
                app_in.push(tcp(single(8443), Peer::Sg(format!("{name}/app"))));
            }
        }
        let mut app_out = vec![
            tcp(single(443), Peer::Cidr("0.0.0.0/0".to_owned())),
            tcp(single(80), Peer::Cidr("0.0.0.0/0".to_owned())),
            tcp(single(443), Peer::PrefixList(s3.clone())),
        ];
        for (_, port) in &dbs {
            app_out.push(tcp(single(*port), Peer::Sg("db".to_owned())));
        }
        if let Some((_, hub_cidr)) = &hub {
            for (proto, port, what) in SHARED_PORTS {
                app_out.push(
                    rule_of(proto, Some(single(*port)), Peer::Cidr(hub_cidr.clone()))
                        .described(what),
                );
            }
        }
        for (_, c, _, _, peer_hub) in &links {
            if !peer_hub && !is_hub {
                app_out.push(tcp(single(8443), Peer::Cidr(c.clone())));
            }
        }
        groups.push(group("app", "application servers", app_in, app_out));

        // Databases.
        let mut db_in = Vec::new();
        for (name, port) in &dbs {
            db_in.push(tcp(single(*port), Peer::Sg("app".to_owned())).described(name));
            for s in &services {
                if rng.one_in(3) {
                    db_in.push(tcp(single(*port), Peer::Sg(format!("svc-{}", s.0))));
                }
            }
        }
        db_in.push(tcp(single(dbs[0].1), Peer::Sg("bastion".to_owned())));
        db_in.push(tcp(single(9187), Peer::Sg("monitoring".to_owned())));
        db_in.extend(monitoring_peer(9187));
        let db_out = vec![all(Peer::SelfRef).described("replication")];
        groups.push(group("db", "databases", db_in, db_out));

        // Bastion: SSH from the offices and a list of home addresses.
        let mut bastion_in = vec![tcp(single(22), Peer::PrefixList("corp-offices".to_owned()))];
        let mut homes = BTreeSet::new();
        while homes.len() < admins {
            let a = HOME_OCTETS[rng.below(HOME_OCTETS.len() as u64) as usize];
            homes.insert(u32::from(Ipv4Addr::new(a, 0, 0, 0)) | rng.below(1 << 24) as u32);
        }
        for (k, h) in homes.iter().enumerate() {
            bastion_in.push(
                tcp(single(22), Peer::Cidr(cidr(*h, 32))).described(&format!("admin {k} home")),
            );
        }
        let mut bastion_out = vec![
            tcp(single(22), Peer::Cidr(vpc_cidr.clone())),
            tcp(single(443), Peer::Cidr("0.0.0.0/0".to_owned())),
        ];
        for (_, port) in &dbs {
            bastion_out.push(tcp(single(*port), Peer::Sg("db".to_owned())));
        }
        groups.push(group("bastion", "SSH jump host", bastion_in, bastion_out));

        // Monitoring: Prometheus in a hub, an agent elsewhere.
        let mut mon_in = vec![
            all(Peer::SelfRef),
            tcp(single(9090), Peer::PrefixList("corp-offices".to_owned())),
            tcp(single(3000), Peer::PrefixList("corp-offices".to_owned())),
        ];
        let mut mon_out = vec![tcp(single(443), Peer::Cidr("0.0.0.0/0".to_owned()))];
        for (_, port) in &exporters {
            mon_out.push(tcp(single(*port), Peer::Cidr(vpc_cidr.clone())));
        }
        if is_hub {
            for (name, c, _, active, _) in &links {
                mon_in.push(tcp(single(9090), Peer::Cidr(c.clone())).described(name));
                for (_, port) in &exporters {
                    mon_out.push(tcp(single(*port), Peer::Cidr(c.clone())));
                }
                if *active {
                    mon_out.push(tcp(single(9187), Peer::Sg(format!("{name}/db"))));
                }
            }
        } else if let Some((_, hub_cidr)) = &hub {
            mon_out.push(tcp(single(9090), Peer::Cidr(hub_cidr.clone())).described("remote write"));
        }
        groups.push(group("monitoring", "metrics", mon_in, mon_out));

        // Pods.
        let pods_in = vec![
            all(Peer::SelfRef),
            tcp(range(8080, 8099), Peer::Sg("alb".to_owned())),
            tcp(range(9100, 9199), Peer::Sg("monitoring".to_owned())),
            tcp(single(443), Peer::Sg("app".to_owned())),
            tcp(single(10250), Peer::Sg("app".to_owned())).described("kubelet"),
        ];
        let pods_out = vec![all(Peer::Cidr("0.0.0.0/0".to_owned()))];
        groups.push(group("pods", "EKS pods (VPC CNI)", pods_in, pods_out));

        // Interface endpoints: HTTPS from the VPC and its peers.
        let mut ep_in = vec![tcp(single(443), Peer::Cidr(vpc_cidr.clone()))];
        for (_, c, _, _, _) in &links {
            ep_in.push(tcp(single(443), Peer::Cidr(c.clone())));
        }
        groups.push(group("endpoints", "interface endpoints", ep_in, Vec::new()));

        // One group per service.
        for (s, port) in &services {
            let mut sin = vec![
                tcp(single(*port), Peer::Sg("alb".to_owned())),
                tcp(single(9102), Peer::Sg("monitoring".to_owned())),
                tcp(single(22), Peer::Sg("bastion".to_owned())),
            ];
            sin.extend(monitoring_peer(9102));
            let mut sout = vec![
                tcp(single(443), Peer::Cidr("0.0.0.0/0".to_owned())),
                tcp(single(443), Peer::PrefixList(s3.clone())),
                rule_of("udp", Some(single(53)), Peer::Cidr(vpc_cidr.clone())),
            ];
            for (o, oport) in &services {
                if o != s {
                    sin.push(tcp(single(*port), Peer::Sg(format!("svc-{o}"))));
                    sout.push(tcp(single(*oport), Peer::Sg(format!("svc-{o}"))));
                }
            }
            for (_, dport) in &dbs {
                sout.push(tcp(single(*dport), Peer::Sg("db".to_owned())));
            }
            if let Some((_, hub_cidr)) = &hub {
                sout.push(tcp(single(8200), Peer::Cidr(hub_cidr.clone())).described("vault"));
                sout.push(tcp(single(8081), Peer::Cidr(hub_cidr.clone())).described("artifactory"));
            }
            for (name, _, _, active, peer_hub) in &links {
                if !peer_hub && !is_hub && *active {
                    sin.push(tcp(single(*port), Peer::Sg(format!("{name}/app"))));
                }
            }
            groups.push(group(
                &format!("svc-{s}"),
                &format!("{s} service"),
                sin,
                sout,
            ));
        }

        // A hub's shared services: every spoke's CIDR on every shared port.
        if is_hub {
            let mut shared_in = vec![all(Peer::Cidr(vpc_cidr.clone()))];
            for (name, c, _, _, _) in &links {
                for (proto, port, _) in SHARED_PORTS {
                    shared_in.push(
                        rule_of(proto, Some(single(*port)), Peer::Cidr(c.clone())).described(name),
                    );
                }
            }
            let shared_out = vec![all(Peer::Cidr("0.0.0.0/0".to_owned()))];
            groups.push(group(
                "shared",
                "shared services for spokes",
                shared_in,
                shared_out,
            ));
        }
        let security_groups = groups.into_iter().map(Lenient::Ok).collect();

        // NAT gateway.
        let nat_gateways = vec![Lenient::Ok(NatGatewaySpec {
            name: format!("{v}-nat-a"),
            subnet: format!("{v}-public-a"),
            private_ip: ip(&format!("{v}-public-a"), &mut rng),
            public_ip: Some(self.public_ip(region)),
            ..NatGatewaySpec::default()
        })];

        // Instances and interfaces.
        let mut instances = Vec::new();
        let mut interfaces = Vec::new();
        let mut instance = |name: String,
                            subnet: &str,
                            tier: &str,
                            sgs: Vec<String>,
                            public_ip: Option<String>,
                            secondary: Vec<String>,
                            private_ip: String| {
            let mut itags = Tags::new();
            itags.insert("tier".to_owned(), tier.to_owned());
            instances.push(Lenient::Ok(InstanceSpec {
                name,
                subnet: subnet.to_owned(),
                private_ip,
                secondary_ips: secondary,
                public_ip,
                security_groups: Some(sgs),
                tags: itags,
                ..InstanceSpec::default()
            }));
        };
        let pa = format!("{v}-public-a");
        let bastion_ip = ip(&pa, &mut rng);
        let bastion_pub = self.public_ip(region);
        instance(
            format!("{v}-bastion"),
            &pa,
            "public",
            vec!["bastion".to_owned()],
            Some(bastion_pub),
            Vec::new(),
            bastion_ip,
        );
        for zone in zones {
            let subnet = format!("{v}-public-{zone}");
            for k in 1..=2 {
                let private_ip = ip(&subnet, &mut rng);
                interfaces.push(Lenient::Ok(InterfaceSpec {
                    name: format!("{v}-alb-{zone}-{k}"),
                    owner: Some(format!("elb app/{v}-alb")),
                    subnet: subnet.clone(),
                    private_ip,
                    public_ip: Some(self.public_ip(region)),
                    security_groups: Some(vec!["alb".to_owned()]),
                    ..InterfaceSpec::default()
                }));
            }
        }
        let mut svc_turn = rng.below(services.len() as u64) as usize;
        for zone in zones {
            let subnet = format!("{v}-app-{zone}");
            for k in 1..=rng.range(4, 8) {
                let (svc, _) = services[svc_turn % services.len()];
                svc_turn += 1;
                let private_ip = ip(&subnet, &mut rng);
                let secondary = (0..if rng.one_in(4) { rng.range(1, 2) } else { 0 })
                    .map(|_| ip(&subnet, &mut rng))
                    .collect();
                instance(
                    format!("{v}-app-{zone}-{k}"),
                    &subnet,
                    "app",
                    vec!["app".to_owned(), format!("svc-{svc}")],
                    None,
                    secondary,
                    private_ip,
                );
            }
            for k in 1..=rng.range(8, 15) {
                let private_ip = ip(&subnet, &mut rng);
                interfaces.push(Lenient::Ok(InterfaceSpec {
                    name: format!("{v}-pod-{zone}-{k}"),
                    owner: Some("eks pod (VPC CNI)".to_owned()),
                    subnet: subnet.clone(),
                    private_ip,
                    security_groups: Some(vec!["pods".to_owned()]),
                    ..InterfaceSpec::default()
                }));
            }
        }
        let monitor = if is_hub { "prometheus" } else { "monitor" };
        let mon_ip = ip(&format!("{v}-app-a"), &mut rng);
        instance(
            format!("{v}-{monitor}"),
            &format!("{v}-app-a"),
            "app",
            vec!["monitoring".to_owned()],
            None,
            Vec::new(),
            mon_ip,
        );
        if is_hub {
            for (k, s) in HUB_SERVICES.iter().enumerate() {
                let subnet = format!("{v}-app-{}", zones[k % 2]);
                let private_ip = ip(&subnet, &mut rng);
                instance(
                    format!("{v}-{s}"),
                    &subnet,
                    "shared",
                    vec!["shared".to_owned()],
                    None,
                    Vec::new(),
                    private_ip,
                );
            }
        }
        for zone in zones {
            let subnet = format!("{v}-db-{zone}");
            for k in 1..=rng.range(1, 3) {
                let private_ip = ip(&subnet, &mut rng);
                instance(
                    format!("{v}-db-{zone}-{k}"),
                    &subnet,
                    "db",
                    vec!["db".to_owned()],
                    None,
                    Vec::new(),
                    private_ip,
                );
            }
            for s in rng.choose(ENDPOINT_SERVICES, 2) {
                let private_ip = ip(&subnet, &mut rng);
                interfaces.push(Lenient::Ok(InterfaceSpec {
                    name: format!("{v}-vpce-{}-{zone}", s.replace('.', "-")),
                    owner: Some(format!("vpc_endpoint com.amazonaws.{region_name}.{s}")),
                    subnet: subnet.clone(),
                    private_ip,
                    security_groups: Some(vec!["endpoints".to_owned()]),
                    ..InterfaceSpec::default()
                }));
            }
        }

        VpcSpec {
            name: v.clone(),
            id: Some(aws_id("vpc", self.seed, KIND_VPC, i)),
            account: Some(AccountId::Text(account)),
            region: Some(region_name.to_owned()),
            cidr: Some(vpc_cidr),
            dns_hostnames: Some(true),
            tags,
            internet_gateway: Some(NamedSpec::Name(format!("{v}-igw"))),
            route_tables,
            network_acls,
            security_groups,
            subnets,
            nat_gateways,
            instances,
            interfaces,
            ..VpcSpec::default()
        }
    }
}

/// Addresses handed out in one subnet: never one of the five AWS reserves, never twice.
struct Alloc {
    net: u32,
    size: u32,
    next: u32,
}

impl Alloc {
    fn take(&mut self, rng: &mut Rng) -> String {
        // Offsets 0-3 and the last address are reserved; the generator's counts keep
        // every subnet far from full, so this never wraps in practice.
        let off = if self.next >= self.size - 1 {
            4
        } else {
            self.next
        };
        self.next = off + 1 + rng.below(3) as u32;
        Ipv4Addr::from(self.net + off).to_string()
    }
}

// ---------------------------------------------------------------------------------
// Small constructors for rules.

enum Peer {
    Cidr(String),
    PrefixList(String),
    Sg(String),
    SelfRef,
}

fn single(port: u32) -> PortsSpec {
    PortsSpec::Single(port)
}

fn range(from: u32, to: u32) -> PortsSpec {
    PortsSpec::Range(format!("{from}-{to}"))
}

fn rule_of(protocol: &str, ports: Option<PortsSpec>, peer: Peer) -> SgRuleSpec {
    let mut r = SgRuleSpec {
        protocol: Some(ProtoSpec::Name(protocol.to_owned())),
        ports,
        ..SgRuleSpec::default()
    };
    match peer {
        Peer::Cidr(c) => r.cidr = Some(c),
        Peer::PrefixList(p) => r.prefix_list = Some(p),
        Peer::Sg(g) => r.sg = Some(g),
        Peer::SelfRef => r.self_ = true,
    }
    r
}

fn tcp(ports: PortsSpec, peer: Peer) -> SgRuleSpec {
    rule_of("tcp", Some(ports), peer)
}

fn all(peer: Peer) -> SgRuleSpec {
    rule_of("all", None, peer)
}

impl SgRuleSpec {
    /// The same rule with a description.
    fn described(mut self, text: &str) -> SgRuleSpec {
        self.description = Some(text.to_owned());
        self
    }
}

fn group(
    name: &str,
    description: &str,
    ingress: Vec<SgRuleSpec>,
    egress: Vec<SgRuleSpec>,
) -> SecurityGroupSpec {
    SecurityGroupSpec {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        ingress: ingress.into_iter().map(Lenient::Ok).collect(),
        egress: Some(egress.into_iter().map(Lenient::Ok).collect()),
        ..SecurityGroupSpec::default()
    }
}

fn nacl_entry(
    action: &str,
    protocol: &str,
    ports: Option<PortsSpec>,
    cidr: &str,
    rule: u32,
) -> NaclEntrySpec {
    NaclEntrySpec {
        rule,
        action: action.to_owned(),
        protocol: ProtoSpec::Name(protocol.to_owned()),
        ports,
        icmp_type: None,
        icmp_code: None,
        cidr: cidr.to_owned(),
    }
}

fn nacl(
    action: &str,
    protocol: &str,
    ports: Option<PortsSpec>,
    cidr: &str,
    rule: u32,
) -> Lenient<NaclEntrySpec> {
    Lenient::Ok(nacl_entry(action, protocol, ports, cidr, rule))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    use std::net::Ipv4Addr;

    use ipnet::Ipv4Net;
    use vpcnet_model::{is_reserved, NetworkBuilder, Severity};

    use super::*;

    fn ok<T>(items: &[Lenient<T>]) -> impl Iterator<Item = &T> {
        items.iter().filter_map(|i| match i {
            Lenient::Ok(t) => Some(t),
            Lenient::Err(_) => None,
        })
    }

    #[derive(Debug, Default, PartialEq)]
    struct Counts {
        vpcs: usize,
        subnets: usize,
        /// Instances (each one interface here), standalone interfaces, NAT gateways.
        interfaces: usize,
        /// Ingress and egress rules of every group (an absent egress list counts as
        /// the one default rule it stands for).
        sg_rules: usize,
        peerings: usize,
    }

    fn counts(spec: &Spec) -> Counts {
        let mut c = Counts {
            peerings: spec.peerings.len(),
            ..Counts::default()
        };
        for v in ok(&spec.vpcs) {
            c.vpcs += 1;
            c.subnets += v.subnets.len();
            c.interfaces += v.interfaces.len() + v.nat_gateways.len();
            c.interfaces += ok(&v.instances)
                .map(|i| 1 + i.extra_interfaces.len())
                .sum::<usize>();
            for g in ok(&v.security_groups) {
                c.sg_rules += g.ingress.len() + g.egress.as_ref().map_or(1, Vec::len);
            }
        }
        c
    }

    fn gen(vpcs: usize, seed: u64) -> Spec {
        generate(&GenerateOptions { vpcs, seed })
    }

    fn errors_of(spec: &Spec) -> Vec<String> {
        let mut b = NetworkBuilder::new();
        crate::lower_into(&mut b, Some("generated.yaml"), spec);
        let (_, diags) = b.finish();
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{d:?}"))
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_text() {
        let a = crate::to_json(&gen(20, 7));
        let b = crate::to_json(&gen(20, 7));
        assert_eq!(a, b);
        assert_eq!(crate::to_yaml(&gen(20, 7)), crate::to_yaml(&gen(20, 7)));
        let c = crate::to_json(&gen(20, 8));
        assert_ne!(a, c);
    }

    #[test]
    fn a_generated_network_lowers_without_errors() {
        let errors = errors_of(&gen(20, 1));
        for e in &errors {
            println!("{e}");
        }
        assert!(errors.is_empty(), "{} errors", errors.len());
    }

    #[test]
    fn generated_text_reads_back_without_errors() {
        for (vpcs, seed) in [(1, 3), (2, 4), (45, 5)] {
            let spec = gen(vpcs, seed);
            let yaml = crate::to_yaml(&spec);
            let mut b = NetworkBuilder::new();
            crate::load_into(&mut b, Some("generated.yaml"), &yaml).expect("parses");
            let (net, diags) = b.finish();
            let errors: Vec<_> = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{vpcs} VPCs: {errors:#?}");
            assert_eq!(net.vpcs().len(), vpcs);
            assert_eq!(
                crate::to_json(&crate::parse(None, &yaml).unwrap()),
                crate::to_json(&spec)
            );
        }
    }

    #[test]
    fn large_networks_reuse_cidrs_but_never_between_peers() {
        // 300 VPCs wrap around the 272 private /16s.
        let spec = gen(300, 11);
        let errors = errors_of(&spec);
        assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(20)]);
        let cidr_of: BTreeMap<&str, Ipv4Net> = ok(&spec.vpcs)
            .map(|v| (v.name.as_str(), v.cidr.as_deref().unwrap().parse().unwrap()))
            .collect();
        assert_eq!(cidr_of.len(), 300, "VPC names are unique");
        let distinct: BTreeSet<_> = cidr_of.values().collect();
        assert_eq!(distinct.len(), 272);
        for p in ok(&spec.peerings) {
            let (a, b) = (cidr_of[p.requester.as_str()], cidr_of[p.accepter.as_str()]);
            assert!(
                !a.contains(&b.network()) && !b.contains(&a.network()),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn addresses_and_names_are_valid() {
        let spec = gen(60, 2);
        let mut public = HashSet::new();
        for v in ok(&spec.vpcs) {
            let subnets: BTreeMap<&str, Ipv4Net> = ok(&v.subnets)
                .map(|s| (s.name.as_str(), s.cidr.parse().unwrap()))
                .collect();
            assert_eq!(subnets.len(), 6);
            let mut seen = HashSet::new();
            let mut names = HashSet::new();
            let mut check = |name: &str, subnet: &str, ips: Vec<&String>, pubs: Vec<&String>| {
                assert!(names.insert(name.to_owned()), "duplicate name {name}");
                let net = subnets[subnet];
                for ip in ips {
                    let ip: Ipv4Addr = ip.parse().unwrap();
                    assert!(net.contains(&ip), "{name}: {ip} outside {net}");
                    assert!(!is_reserved(net, ip), "{name}: {ip} reserved in {net}");
                    assert!(seen.insert(ip), "{name}: {ip} used twice in {}", v.name);
                }
                for p in pubs {
                    let p: Ipv4Addr = p.parse().unwrap();
                    assert!(!p.is_private() && !p.is_loopback(), "{p}");
                    assert!(public.insert(p), "public {p} used twice");
                }
            };
            for n in ok(&v.nat_gateways) {
                check(
                    &n.name,
                    &n.subnet,
                    vec![&n.private_ip],
                    n.public_ip.iter().collect(),
                );
            }
            for i in ok(&v.instances) {
                let mut ips = vec![&i.private_ip];
                ips.extend(&i.secondary_ips);
                check(&i.name, &i.subnet, ips, i.public_ip.iter().collect());
            }
            for e in ok(&v.interfaces) {
                check(
                    &e.name,
                    &e.subnet,
                    vec![&e.private_ip],
                    e.public_ip.iter().collect(),
                );
            }
        }
    }

    #[test]
    fn counts_scale_linearly() {
        let small = counts(&gen(100, 3));
        let large = counts(&gen(400, 3));
        println!("100 VPCs: {small:?}\n400 VPCs: {large:?}");
        let ratio = |a: usize, b: usize| b as f64 / a as f64;
        for (what, a, b) in [
            ("vpcs", small.vpcs, large.vpcs),
            ("subnets", small.subnets, large.subnets),
            ("interfaces", small.interfaces, large.interfaces),
            ("sg rules", small.sg_rules, large.sg_rules),
            ("peerings", small.peerings, large.peerings),
        ] {
            let r = ratio(a, b);
            assert!((3.6..=4.4).contains(&r), "{what}: {a} -> {b} ({r:.2}x)");
        }
    }

    #[test]
    fn a_thousand_vpcs_have_the_advertised_size() {
        let c = counts(&gen(1000, 42));
        println!("1000 VPCs: {c:?}");
        assert_eq!(c.vpcs, 1000);
        assert_eq!(c.subnets, 6000);
        assert!((45_000..=55_000).contains(&c.interfaces), "{c:?}");
        assert!((180_000..=220_000).contains(&c.sg_rules), "{c:?}");
    }
}
