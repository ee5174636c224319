//! `vpcnet generate`: a large deterministic network, for benchmarks and experiments.

use std::process::ExitCode;

use anyhow::Context;
use vpcnet_spec::generate::{generate, GenerateOptions};

use crate::cli::{GenerateArgs, SpecFormat};

pub(crate) fn run(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let spec = generate(&GenerateOptions {
        vpcs: args.vpcs,
        seed: args.seed,
    });
    write_spec(&spec, args.format, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a spec in `format` to `output`, or to standard output.
pub(crate) fn write_spec(
    spec: &vpcnet_spec::Spec,
    format: SpecFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let text = match format {
        SpecFormat::Yaml => vpcnet_spec::to_yaml(spec),
        SpecFormat::Json => vpcnet_spec::to_json(spec) + "\n",
    };
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
        }
        None => crate::emit(&text),
    }
}
