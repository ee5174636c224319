//! `vpcnet export`: the inputs, merged, as one equivalent spec.

use std::process::ExitCode;

use crate::cli::ExportArgs;
use crate::commands::generate::write_spec;
use crate::input;

pub(crate) fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let loaded = input::load(&args.inputs.inputs, args.inputs.before)?;
    let errors = loaded.errors();
    if errors > 0 {
        eprint!("{}", input::render_diagnostics(&loaded));
        eprintln!("warning: the input has {errors} error(s); the spec holds what loaded");
    }
    let spec = vpcnet_spec::from_network(&loaded.network);
    for d in vpcnet_spec::export_losses(&loaded.network) {
        eprintln!("{}[{}]: {}", d.severity, d.code, d.message);
    }
    write_spec(&spec, args.format, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
