//! `vpcnet snapshot aws`: collect a live network into a snapshot directory.

use std::process::ExitCode;

use crate::cli::SnapshotAwsArgs;

#[cfg(feature = "aws")]
pub(crate) fn run(args: &SnapshotAwsArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    use vpcnet_aws_collect::{collect, CollectOptions};

    let opts = CollectOptions {
        regions: args.regions.clone(),
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        assume_roles: args.assume_roles.clone(),
        out_dir: args.out.clone(),
        progress: std::io::stderr().is_terminal(),
    };
    let report = collect(&opts).map_err(|e| crate::BadInput(format!("nothing collected: {e}")))?;
    eprintln!(
        "wrote {} file(s) for account(s) {} into `{}`",
        report.files_written,
        report.accounts.join(", "),
        args.out.display()
    );
    if report.failed_calls.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "{} call(s) failed; what they return is missing from the snapshot:",
        report.failed_calls.len()
    );
    for f in &report.failed_calls {
        eprintln!("  {} {} {}: {}", f.account, f.region, f.call, f.error);
    }
    Ok(ExitCode::from(1))
}

#[cfg(not(feature = "aws"))]
pub(crate) fn run(_args: &SnapshotAwsArgs) -> anyhow::Result<ExitCode> {
    Err(crate::BadInput(
        "this vpcnet was built without AWS collection; build it with `cargo build --release -p vpcnet-cli --features aws`".to_owned(),
    )
    .into())
}
