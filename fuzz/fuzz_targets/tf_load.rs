//! Fuzz target: any text as a Terraform plan or state must load into findings or an
//! error, never a panic, for both networks of a plan; every located finding names the
//! file, and the engine's checks run on whatever network results.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_model::NetworkBuilder;
use vpcnet_terraform::{load_into, Which};

const FILE: &str = "fuzz.tfplan.json";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = vpcnet_terraform::is_terraform_json(text);
    for which in [Which::Planned, Which::Prior] {
        let mut builder = NetworkBuilder::new();
        if load_into(&mut builder, FILE, text, which).is_err() {
            return;
        }
        let (network, diags) = builder.finish();
        for d in &diags {
            if let Some(loc) = &d.location {
                if loc.pointer.is_some() {
                    assert_eq!(loc.file.as_deref(), Some(FILE), "{d}");
                }
            }
        }
        let _ = vpcnet_engine::check::check(&network);
    }
});
