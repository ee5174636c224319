//! `vpcnet generate` (temporary).
use std::process::ExitCode;
pub(crate) fn run(_args: &crate::cli::GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
