//! `vpcnet example`: print a built-in example network.

use std::process::ExitCode;

use crate::cli::ExampleArgs;
use crate::BadInput;

pub(crate) fn run(args: &ExampleArgs) -> anyhow::Result<ExitCode> {
    match &args.name {
        None => {
            let mut out = String::from("built-in examples (vpcnet example NAME):\n");
            for (name, _) in vpcnet_spec::examples::ALL {
                out.push_str(&format!("  {name}\n"));
            }
            crate::emit(&out)?;
        }
        Some(name) => match vpcnet_spec::examples::get(name) {
            Some(text) => crate::emit(text)?,
            None => {
                let names: Vec<&str> = vpcnet_spec::examples::ALL.iter().map(|(n, _)| *n).collect();
                return Err(
                    BadInput(format!("no example `{name}`; known: {}", names.join(", "))).into(),
                );
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}
