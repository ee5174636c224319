//! `vpcnet schema`: the spec's JSON Schema.

use std::process::ExitCode;

pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let mut text = vpcnet_spec::schema();
    text.push('\n');
    crate::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
