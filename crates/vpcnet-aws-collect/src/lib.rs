//! Collects a live AWS network description into a snapshot directory, the layout
//! `vpcnet-aws` reads: `OUT/aws_configs/accounts/<account>/<region>/<Key>.json`, one
//! file per describe call (all pages) of EC2, Elastic Load Balancing and Route 53
//! Resolver, each the JSON object the AWS CLI prints (`{"Vpcs": [...]}`), and Route 53
//! once per account under `global/HostedZones.json`. What the CLI prints once per
//! resource (a transit gateway route table's routes, a target group's targets) is
//! written as Batfish lays it out, one item per resource with its id; what a network
//! analyser needs beside a resource (a VPC's DNS attributes, a prefix list's entries,
//! an endpoint service's allowed principals, a zone's VPCs and records) is embedded in
//! its item.
//!
//! The trade-off is weight against independence. The AWS SDK is large to compile, so
//! this crate is separate and the CLI takes it behind a cargo feature; in return it
//! depends on no vpcnet crate: it only writes files, and whatever reads a snapshot the
//! AWS CLI wrote reads these the same way. The SDK's types do not implement
//! `Serialize`, so every field a network analyser needs is converted by hand into the
//! CLI's PascalCase shape (`shape.rs`), leaving out what AWS did not send.
//!
//! A collection is a best effort: each call that fails (a missing permission, a region
//! that is not enabled) is recorded, in [`CollectReport::failed_calls`] and in
//! `OUT/aws_configs/collection.json`, and the rest is kept. A failed call writes no
//! file (a partial list would look complete), so the loader sees that facet as
//! missing instead of empty. Calls are retried with backoff on throttling
//! (`AWS_MAX_ATTEMPTS` sets the attempts, as for the AWS CLI); `Err` is only for a
//! collection that got nothing at all.

#![deny(missing_docs)]

mod ec2;
mod elb;
mod json;
mod resolver;
mod route53;
mod shape;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::ec2::Sub;

/// The region folder of Route 53, which is global.
pub(crate) const GLOBAL: &str = "global";

/// Calls in flight at once, over all accounts and regions. EC2 throttles per account
/// and region; the retries absorb what this still sends too fast.
const CONCURRENCY: usize = 16;

/// Attempts per call (the SDK's standard mode: exponential backoff with jitter,
/// throttling errors included), unless `AWS_MAX_ATTEMPTS` says otherwise.
const MAX_ATTEMPTS: u32 = 10;

/// Attempts per call: `AWS_MAX_ATTEMPTS` when it is a positive number, as the AWS CLI
/// reads it, else [`MAX_ATTEMPTS`].
fn max_attempts() -> u32 {
    std::env::var("AWS_MAX_ATTEMPTS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(MAX_ATTEMPTS)
}

/// One file of a region folder, from one of the regional services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Ec2(ec2::Call),
    Elb(elb::Call),
    Resolver(resolver::Call),
}

impl Call {
    fn all() -> impl Iterator<Item = Call> {
        let ec2 = ec2::Call::ALL.into_iter().map(Call::Ec2);
        let elb = elb::Call::ALL.into_iter().map(Call::Elb);
        ec2.chain(elb)
            .chain(resolver::Call::ALL.into_iter().map(Call::Resolver))
    }

    fn key(self) -> &'static str {
        match self {
            Call::Ec2(c) => c.key(),
            Call::Elb(c) => c.key(),
            Call::Resolver(c) => c.key(),
        }
    }

    fn api(self) -> &'static str {
        match self {
            Call::Ec2(c) => c.api(),
            Call::Elb(c) => c.api(),
            Call::Resolver(c) => c.api(),
        }
    }
}

/// The clients of one account and region.
#[derive(Clone)]
struct Clients {
    ec2: aws_sdk_ec2::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    resolver: aws_sdk_route53resolver::Client,
}

impl Clients {
    fn new(conf: &SdkConfig, region: &str) -> Clients {
        let region = Region::new(region.to_owned());
        Clients {
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(conf)
                    .region(region.clone())
                    .build(),
            ),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
                aws_sdk_elasticloadbalancingv2::config::Builder::from(conf)
                    .region(region.clone())
                    .build(),
            ),
            resolver: aws_sdk_route53resolver::Client::from_conf(
                aws_sdk_route53resolver::config::Builder::from(conf)
                    .region(region)
                    .build(),
            ),
        }
    }

    /// Runs one call; failures of its sub-calls go into `failed`.
    async fn fetch(
        &self,
        call: Call,
        account: &str,
        region: &str,
        failed: &mut Vec<FailedCall>,
    ) -> Result<Value, String> {
        match call {
            Call::Ec2(c) => ec2::fetch(&self.ec2, c, account, region, failed).await,
            Call::Elb(c) => {
                let sub = Sub {
                    account,
                    region,
                    failed,
                };
                elb::fetch(&self.elb, c, sub).await
            }
            Call::Resolver(c) => resolver::fetch(&self.resolver, c).await,
        }
    }
}

/// Attempts for the first identity check, so that a wrong endpoint or missing
/// credentials fail in seconds rather than after a minute of backoff.
const IDENTITY_ATTEMPTS: u32 = 3;

/// The role session name, as CloudTrail shows it.
const SESSION_NAME: &str = "vpcnet-snapshot";

/// What to collect and where to put it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectOptions {
    /// Regions to describe (`us-east-1`, …). Empty: the profile's or environment's
    /// default region.
    pub regions: Vec<String>,
    /// A named profile of the shared AWS config files; `None`: the default chain
    /// (environment, default profile, SSO, instance role, …).
    pub profile: Option<String>,
    /// Send every call to this endpoint instead of AWS (a local emulator).
    pub endpoint_url: Option<String>,
    /// Roles to assume with the base credentials, one more account each
    /// (`arn:aws:iam::222222222222:role/NetworkAudit`).
    pub assume_roles: Vec<String>,
    /// The snapshot directory; files go under `aws_configs/` in it.
    pub out_dir: PathBuf,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// One call that failed; the collection went on without it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FailedCall {
    /// The account id (for a role that could not be assumed: the account in its ARN).
    pub account: String,
    /// The region, or `global` for Route 53 and STS.
    pub region: String,
    /// The API operation (`DescribeNatGateways`), followed by the resource it was
    /// for when there is one (`GetManagedPrefixListEntries pl-0123…`).
    pub call: String,
    /// What AWS (or the connection) said.
    pub error: String,
}

/// What a collection did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectReport {
    /// The accounts collected, the base credentials' first, then each assumed role's.
    pub accounts: Vec<String>,
    /// Snapshot files written (`collection.json` not counted).
    pub files_written: usize,
    /// Calls that failed, sorted by account, region and call.
    pub failed_calls: Vec<FailedCall>,
}

/// A collection that got nothing, or could not write what it got.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// A region name that is not one (it becomes a directory name).
    #[error("`{0}` is not a region name (expected something like `us-east-1`)")]
    InvalidRegion(String),
    /// No region given and none configured.
    #[error("no region given and none configured (set one in the profile or `AWS_REGION`)")]
    NoRegion,
    /// The base credentials could not be used at all: none found, rejected, or the
    /// endpoint is unreachable.
    #[error("cannot call AWS with the base credentials (sts get-caller-identity): {0}")]
    Credentials(String),
    /// Every call failed.
    #[error("no call succeeded ({} failed); the first: `{}` in `{}` of account `{}`: {}",
        .0.len(),
        .0.first().map_or("", |f| f.call.as_str()),
        .0.first().map_or("", |f| f.region.as_str()),
        .0.first().map_or("", |f| f.account.as_str()),
        .0.first().map_or("", |f| f.error.as_str()))]
    NothingCollected(Vec<FailedCall>),
    /// The async runtime could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// A file of the snapshot could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Collects the accounts and regions of `opts` into `opts.out_dir`. Builds its own
/// async runtime on a thread of its own, and blocks until done. Files of an earlier
/// collection into the same directory are overwritten; the file of a call that fails
/// now is removed, so that nothing stale stands in for it.
pub fn collect(opts: &CollectOptions) -> Result<CollectReport, CollectError> {
    for r in &opts.regions {
        check_region(r)?;
    }
    // On a thread of its own, so that a caller already inside an async runtime (which
    // may not block on another) can call this too.
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(CollectError::Runtime)?;
            rt.block_on(run(opts))
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// A region name is a directory name of the snapshot: lower-case letters, digits and
/// dashes only, and not the Route 53 folder's name.
fn check_region(r: &str) -> Result<(), CollectError> {
    let ok = !r.is_empty()
        && r != GLOBAL
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CollectError::InvalidRegion(r.to_owned()))
    }
}

/// An SDK error as one line: the service's code and message when it sent one,
/// otherwise the whole chain of causes (connection refused, timeout, …).
pub(crate) fn error_text<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let SdkError::ServiceError(se) = e {
        let err = se.err();
        if let Some(code) = err.code() {
            return match err.message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => code.to_owned(),
            };
        }
    }
    DisplayErrorContext(e).to_string()
}

/// The region Route 53 and STS are called in: Route 53 is global per partition.
fn global_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "cn-northwest-1"
    } else if region.starts_with("us-gov-") {
        "us-gov-west-1"
    } else {
        "us-east-1"
    }
}

/// The account of the credentials in `conf`.
async fn identity(conf: &SdkConfig) -> Result<String, String> {
    let retry = RetryConfig::standard().with_max_attempts(IDENTITY_ATTEMPTS);
    let out = aws_sdk_sts::Client::new(conf)
        .get_caller_identity()
        .customize()
        .config_override(aws_sdk_sts::config::Builder::default().retry_config(retry))
        .send()
        .await
        .map_err(|e| error_text(&e))?;
    out.account
        .ok_or_else(|| "sts get-caller-identity returned no account".to_owned())
}

/// The account id in a role ARN (`arn:aws:iam::<account>:role/…`), or the ARN.
fn account_of_arn(arn: &str) -> String {
    match arn.split(':').nth(4) {
        Some(a) if !a.is_empty() => a.to_owned(),
        _ => arn.to_owned(),
    }
}

/// One unit of work: one file of one account and region.
struct Job {
    account: String,
    region: String,
    key: &'static str,
    api: &'static str,
}

/// A finished job.
struct Done {
    result: Result<Value, String>,
    /// Failures of sub-calls (prefix list entries, zone details); the file is kept.
    failed: Vec<FailedCall>,
}

/// The progress bar, when there is one.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new(wanted: bool, len: usize) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new(len as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} calls  {msg}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    fn done(&self, job: &Job) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("{} {} {}", job.account, job.region, job.key));
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

async fn run(opts: &CollectOptions) -> Result<CollectReport, CollectError> {
    let started = DateTime::from_secs(DateTime::from(SystemTime::now()).secs());
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(max_attempts()));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let mut base = loader.load().await;

    let mut regions: Vec<String> = Vec::new();
    if opts.regions.is_empty() {
        let r = base.region().ok_or(CollectError::NoRegion)?.to_string();
        check_region(&r)?;
        regions.push(r);
    } else {
        for r in &opts.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
    }
    // STS and Route 53 are called in the partition's global region.
    base = base
        .into_builder()
        .region(Region::new(global_region(&regions[0])))
        .build();

    let mut failed: Vec<FailedCall> = Vec::new();
    let base_account = identity(&base).await.map_err(CollectError::Credentials)?;
    let mut accounts: Vec<(String, SdkConfig)> = vec![(base_account, base.clone())];
    for arn in &opts.assume_roles {
        let provider = AssumeRoleProvider::builder(arn)
            .session_name(SESSION_NAME)
            .configure(&base)
            .build()
            .await;
        let conf = base
            .to_builder()
            .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(
                provider,
            ))
            .build();
        match identity(&conf).await {
            Ok(account) => {
                if !accounts.iter().any(|(a, _)| *a == account) {
                    accounts.push((account, conf));
                }
            }
            Err(error) => failed.push(FailedCall {
                account: account_of_arn(arn),
                region: GLOBAL.to_owned(),
                call: format!("AssumeRole {arn}"),
                error,
            }),
        }
    }

    let sem = Arc::new(Semaphore::new(CONCURRENCY));
    let mut set: JoinSet<Done> = JoinSet::new();
    let mut jobs: HashMap<tokio::task::Id, Job> = HashMap::new();
    for (account, conf) in &accounts {
        for region in &regions {
            let clients = Clients::new(conf, region);
            for call in Call::all() {
                let (sem, clients) = (Arc::clone(&sem), clients.clone());
                let (acct, reg) = (account.clone(), region.clone());
                let handle = set.spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    let mut failed = Vec::new();
                    let result = clients.fetch(call, &acct, &reg, &mut failed).await;
                    Done { result, failed }
                });
                jobs.insert(
                    handle.id(),
                    Job {
                        account: account.clone(),
                        region: region.clone(),
                        key: call.key(),
                        api: call.api(),
                    },
                );
            }
        }
        let client = aws_sdk_route53::Client::new(conf);
        let (sem, acct) = (Arc::clone(&sem), account.clone());
        let handle = set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let mut failed = Vec::new();
            let result = route53::hosted_zones(&client, &acct, &mut failed).await;
            Done { result, failed }
        });
        jobs.insert(
            handle.id(),
            Job {
                account: account.clone(),
                region: GLOBAL.to_owned(),
                key: "HostedZones",
                api: "ListHostedZones",
            },
        );
    }

    let root = opts.out_dir.join("aws_configs");
    let progress = Progress::new(opts.progress, jobs.len());
    let mut files_written = 0;
    while let Some(joined) = set.join_next_with_id().await {
        let (id, done) = match joined {
            Ok((id, done)) => (id, done),
            Err(e) => {
                let error = if e.is_panic() {
                    "the call panicked inside the AWS SDK".to_owned()
                } else {
                    e.to_string()
                };
                let failure = Done {
                    result: Err(error),
                    failed: Vec::new(),
                };
                (e.id(), failure)
            }
        };
        let Some(job) = jobs.remove(&id) else {
            continue;
        };
        progress.done(&job);
        failed.extend(done.failed);
        let path = root
            .join("accounts")
            .join(&job.account)
            .join(&job.region)
            .join(format!("{}.json", job.key));
        match done.result {
            Ok(value) => {
                write_json(&path, &value)?;
                files_written += 1;
            }
            Err(error) => {
                // Whatever an earlier collection left there would pass for this one's.
                let _ = std::fs::remove_file(&path);
                failed.push(FailedCall {
                    account: job.account,
                    region: job.region,
                    call: job.api.to_owned(),
                    error,
                });
            }
        }
    }
    progress.finish();
    failed.sort();

    if files_written == 0 {
        return Err(CollectError::NothingCollected(failed));
    }
    let report = CollectReport {
        accounts: accounts.into_iter().map(|(a, _)| a).collect(),
        files_written,
        failed_calls: failed,
    };
    let record = json!({
        "started_at": started.fmt(DateTimeFormat::DateTime).unwrap_or_default(),
        "accounts": report.accounts,
        "regions": regions,
        "files_written": report.files_written,
        "failed_calls": report.failed_calls.iter().map(|f| json!({
            "account": f.account,
            "region": f.region,
            "call": f.call,
            "error": f.error,
        })).collect::<Vec<_>>(),
    });
    write_json(&root.join("collection.json"), &record)?;
    Ok(report)
}

/// Writes `value` as the AWS CLI prints it (four-space indent), through a hidden
/// temporary file so that a reader never sees half a file.
fn write_json(path: &Path, value: &Value) -> Result<(), CollectError> {
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CollectError::Write { path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut text = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, fmt);
    serde::Serialize::serialize(value, &mut ser)
        .map_err(|e| fail(path)(std::io::Error::other(e)))?;
    text.push(b'\n');
    let mut f = std::fs::File::create(&tmp).map_err(fail(&tmp))?;
    f.write_all(&text).map_err(fail(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(fail(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_region_names_are_refused_before_any_call() {
        for r in ["", "../etc", "US-EAST-1", "global", "eu west 1"] {
            let opts = CollectOptions {
                regions: vec![r.to_owned()],
                ..CollectOptions::default()
            };
            assert!(
                matches!(collect(&opts), Err(CollectError::InvalidRegion(_))),
                "{r:?}"
            );
        }
    }

    #[test]
    fn account_of_a_role_arn() {
        assert_eq!(
            account_of_arn("arn:aws:iam::222222222222:role/x"),
            "222222222222"
        );
        assert_eq!(account_of_arn("not-an-arn"), "not-an-arn");
    }

    #[test]
    fn route53_region_per_partition() {
        assert_eq!(global_region("eu-west-1"), "us-east-1");
        assert_eq!(global_region("cn-north-1"), "cn-northwest-1");
        assert_eq!(global_region("us-gov-east-1"), "us-gov-west-1");
    }
}
