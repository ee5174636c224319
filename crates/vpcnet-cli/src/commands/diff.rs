//! `vpcnet diff`.

use std::process::ExitCode;

use crate::cli::DiffArgs;

pub(crate) fn run(_args: &DiffArgs) -> anyhow::Result<ExitCode> {
    Err(crate::BadInput("`vpcnet diff` is not available in this build".to_owned()).into())
}
