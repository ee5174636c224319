//! `vpcnet check`: configuration findings as data.

use std::process::ExitCode;

use serde::Serialize;
use vpcnet_model::Severity;

use crate::cli::{CheckArgs, Format};
use crate::input;
use crate::wire;

#[derive(Serialize)]
struct Report {
    errors: usize,
    warnings: usize,
    notes: usize,
    diagnostics: Vec<wire::WireDiagnostic>,
}

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = input::load(&args.inputs.inputs, args.inputs.before)?;
    let found = vpcnet_engine::check::check(&loaded.network);
    loaded.diagnostics.extend(found);
    for (file, text) in &loaded.texts {
        vpcnet_spec::locate(file, text, &mut loaded.diagnostics);
    }
    let count = |s| {
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let text = match args.format {
        Format::Json => {
            let report = Report {
                errors,
                warnings,
                notes,
                diagnostics: loaded.diagnostics.iter().map(wire::diagnostic).collect(),
            };
            serde_json::to_string_pretty(&report)? + "\n"
        }
        Format::Text => {
            let mut out = input::render_diagnostics(&loaded);
            let net = &loaded.network;
            out.push_str(&format!(
                "{errors} error(s), {warnings} warning(s), {notes} note(s) in {} VPC(s), {} subnet(s), {} interface(s)\n",
                net.vpcs().len(),
                net.subnets().len(),
                net.interfaces().len()
            ));
            out
        }
    };
    crate::emit(&text)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
