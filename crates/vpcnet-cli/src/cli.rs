//! The command line, as clap derive types: every flag of every subcommand, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Offline model of cloud networks: trace a connection hop by hop, check a
/// configuration, in microseconds and before anything is deployed.
#[derive(Debug, Parser)]
#[command(name = "vpcnet", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Can A open a connection to B? Hop by hop, forward and return, with every
    /// translation and the exact rule that blocks it.
    Trace(TraceArgs),
    /// Resolve a DNS name as the Amazon resolver of the source's VPC does: which zone,
    /// which record, every step, and the answers.
    Resolve(ResolveArgs),
    /// Everything that reaches a destination (`--to`), or everything a source reaches
    /// (`--from`), over all packets at once: groups of endpoints with the protocols and
    /// ports that get through. `--matrix` gives subnet- or security-group-level
    /// all-pairs tables.
    Reach(ReachArgs),
    /// Check intents (reachable, isolated, only-from, through) written in YAML; exit 1
    /// on a violation, with a concrete packet and its trace.
    Verify(VerifyArgs),
    /// Connectivity a change gains and loses: two inputs, or a Terraform plan's before
    /// and after.
    Diff(DiffArgs),
    /// Report invalid or risky configuration; exit 1 when there are errors.
    Check(CheckArgs),
    /// A guided tour of real traces over the built-in `cross-vpc` example.
    Demo(DemoArgs),
    /// Print a built-in example network as a spec.
    Example(ExampleArgs),
    /// Write the inputs, merged, as one equivalent spec (YAML or JSON).
    Export(ExportArgs),
    /// Write a large, realistic network, deterministic for a seed.
    Generate(GenerateArgs),
    /// Print the JSON Schema of the YAML spec, for editors.
    Schema,
    /// Collect a snapshot of a live network.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Tailscale tailnets: the policy file and the devices, as Tailscale stores them.
    #[command(subcommand)]
    Tailscale(TailscaleCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum TailscaleCommand {
    /// Run a tailnet policy file's own `tests` as Tailscale does when the policy is
    /// saved, printing each assertion and the rule that decides it. Exit 0 when all
    /// pass, 1 when one fails, 2 when an input cannot be read or the policy has errors
    /// (Tailscale would refuse to save it).
    Test(TailscaleTestArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TailscaleTestArgs {
    /// The tailnet policy file (HuJSON: JSON with comments and trailing commas).
    #[arg(value_name = "POLICY")]
    pub(crate) policy: String,
    /// The tailnet's device list as `GET /api/v2/tailnet/{tailnet}/devices?fields=all`
    /// returns it, and optionally its user list (`.../users`, for role autogroups);
    /// each is recognised by its content. Without devices, tests that name a user or a
    /// tag run against a stand-in device of that identity.
    #[arg(value_name = "DEVICES")]
    pub(crate) lists: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SnapshotCommand {
    /// Describe VPCs, subnets, routes, security groups, ACLs, interfaces, instances,
    /// peerings, gateways, addresses, prefix lists and Route 53 zones through the AWS
    /// API, into `OUT/aws_configs/accounts/<account>/<region>/` (needs a build with
    /// `--features aws`).
    Aws(SnapshotAwsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SnapshotAwsArgs {
    /// Regions to describe (comma-separated or repeated); default: the profile's region.
    #[arg(long, value_delimiter = ',')]
    pub(crate) regions: Vec<String>,
    /// Named profile from the AWS configuration.
    #[arg(long)]
    pub(crate) profile: Option<String>,
    /// Endpoint for every service (a test server, a VPC endpoint).
    #[arg(long)]
    pub(crate) endpoint_url: Option<String>,
    /// Also describe the account of this role (repeatable).
    #[arg(long = "assume-role", value_name = "ARN")]
    pub(crate) assume_roles: Vec<String>,
    /// The snapshot directory to write.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub(crate) out: PathBuf,
}

/// Text for people, JSON for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Inputs: spec files (YAML or JSON), AWS snapshot directories, Terraform plan or state
/// JSON (`terraform show -json`), or `example:NAME` for a built-in example.
#[derive(Debug, Args)]
pub(crate) struct Inputs {
    /// Network descriptions; several merge into one network. Each is recognised by its
    /// content.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// For a Terraform plan, analyse the network before the change (its prior state)
    /// instead of the planned one.
    #[arg(long)]
    pub(crate) before: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Verdict {
    Reachable,
    Unreachable,
}

#[derive(Debug, Args)]
pub(crate) struct TraceArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Source: an IP (`VPC/IP` when several VPCs have it), an id (`i-…`, `eni-…`), a
    /// `Name` tag, or `internet`. A public IP stands for a host on the internet.
    #[arg(long, value_name = "X")]
    pub(crate) from: String,
    /// Destination: as `--from`; a named resource is addressed by its private IP, or
    /// by its public IP when the source is on the internet.
    #[arg(long, value_name = "Y")]
    pub(crate) to: String,
    /// `tcp`, `udp`, `icmp` or a protocol number.
    #[arg(long, short = 'p', default_value = "tcp")]
    pub(crate) protocol: String,
    /// Destination port (TCP/UDP).
    #[arg(long, default_value_t = 443)]
    pub(crate) port: u16,
    /// Source port (TCP/UDP); the default lies in every common ephemeral range.
    #[arg(long, default_value_t = 49152)]
    pub(crate) src_port: u16,
    /// ICMP type (ICMP only; default: echo request).
    #[arg(long, default_value_t = 8)]
    pub(crate) icmp_type: u8,
    /// ICMP code (ICMP only).
    #[arg(long, default_value_t = 0)]
    pub(crate) icmp_code: u8,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Exit 1 when the verdict differs (for CI).
    #[arg(long, value_enum)]
    pub(crate) expect: Option<Verdict>,
    /// The request's host name (HTTP Host, TLS SNI), for application load balancer
    /// rules and proxies; default: the destination when it is a DNS name.
    #[arg(long)]
    pub(crate) host: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum QueryType {
    A,
    Aaaa,
}

#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    /// The name to resolve (`sonarqube.shared.example.internal`).
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Who asks: a VPC (name or id), an instance, interface, address or Name tag (its
    /// VPC asks), or `internet` (public DNS only).
    #[arg(long, value_name = "X")]
    pub(crate) from: String,
    /// Record type asked.
    #[arg(long = "type", value_enum, default_value_t = QueryType::A)]
    pub(crate) rtype: QueryType,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Output format (JSON prints every trace of the tour).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct ExampleArgs {
    /// The example to print (`cross-vpc`); without it, the list.
    pub(crate) name: Option<String>,
}

/// Spec encodings `generate` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SpecFormat {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Number of VPCs (about 6 subnets, 50 interfaces and 200 security group rules each).
    #[arg(long, default_value_t = 10)]
    pub(crate) vpcs: usize,
    /// Seed: the same seed writes the same network.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Encoding (JSON is also a valid spec, and loads faster).
    #[arg(long, value_enum, default_value_t = SpecFormat::Yaml)]
    pub(crate) format: SpecFormat,
    /// Write here instead of standard output.
    #[arg(long, short = 'o')]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Encoding of the spec written.
    #[arg(value_enum)]
    pub(crate) format: SpecFormat,
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Write here instead of standard output.
    #[arg(long, short = 'o')]
    pub(crate) output: Option<PathBuf>,
}

/// The granularity of `reach --matrix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MatrixLevel {
    Subnet,
    Sg,
}

/// Output formats of `reach`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReachFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct ReachArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// What is reached: a resource's id or `Name` tag, `subnet:X`, `vpc:X`, `sg:X`,
    /// `tag:K=V`, a CIDR or address, `internet`, or `*`.
    #[arg(long, value_name = "X", conflicts_with_all = ["from", "matrix"])]
    pub(crate) to: Option<String>,
    /// What sends (same forms as `--to`).
    #[arg(long, value_name = "X", conflicts_with = "matrix")]
    pub(crate) from: Option<String>,
    /// All pairs of subnets or security groups.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) matrix: Option<MatrixLevel>,
    /// Only this protocol (`tcp`, `udp`, `icmp` or a number); default: all.
    #[arg(long, short = 'p')]
    pub(crate) protocol: Option<String>,
    /// Only these destination ports (`443` or `8000-8100`).
    #[arg(long)]
    pub(crate) port: Option<String>,
    /// The request's host name, for load balancer rules and proxies.
    #[arg(long)]
    pub(crate) host: Option<String>,
    /// List the groups that get nothing through too, with what stops them.
    #[arg(long)]
    pub(crate) all: bool,
    /// Output format (`csv` for `--matrix`).
    #[arg(long, value_enum, default_value_t = ReachFormat::Text)]
    pub(crate) format: ReachFormat,
}

/// Output formats of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormat {
    Text,
    Json,
    Junit,
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Network descriptions (as for `trace`), then the intents file (YAML), recognised
    /// by its content.
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// The intents file; default: the input that holds `intents:`.
    #[arg(long, value_name = "FILE")]
    pub(crate) intents: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    pub(crate) format: VerifyFormat,
    /// Keep running: check again whenever an input or the intents file changes (a
    /// change to security group or network ACL rules only re-solves what those rules
    /// can judge), until interrupted.
    #[arg(long)]
    pub(crate) watch: bool,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The network before (a spec, an AWS snapshot directory, Terraform JSON or
    /// `example:NAME`), or a Terraform plan alone (`terraform show -json plan.out`:
    /// its prior state against its planned values).
    #[arg(value_name = "BEFORE")]
    pub(crate) before: String,
    /// The network after (a Terraform plan here, or as BEFORE, stands for its planned
    /// values).
    #[arg(value_name = "AFTER")]
    pub(crate) after: Option<String>,
    /// Compare at this granularity (the internet is always one more group).
    #[arg(long, value_enum, default_value_t = MatrixLevel::Subnet)]
    pub(crate) level: MatrixLevel,
    /// Output format (`markdown` for a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub(crate) format: DiffFormat,
    /// Exit 1 when connectivity is gained or lost (without it, 0 whatever changed;
    /// 2 is always bad input).
    #[arg(long)]
    pub(crate) exit_code: bool,
    /// Leave out what the internet can open and what can open the internet: much
    /// faster on large networks, blind to exposure.
    #[arg(long)]
    pub(crate) no_internet: bool,
    /// Compare every pair of groups even when only security group or network ACL
    /// rules changed (by default only the pairs a changed rule can judge are, and the
    /// count of unchanged pairs is among those).
    #[arg(long)]
    pub(crate) all_pairs: bool,
}
