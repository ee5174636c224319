//! The real `terraform show -json` files in `../shared/terraform-samples` (third-party,
//! read in place, never copied): each loads, both networks of a plan, without a
//! panic or an `Err`, and every managed resource is either modelled or named in a
//! `NOT_MODELLED` note.

use std::path::{Path, PathBuf};

use vpcnet_model::Severity;
use vpcnet_terraform::{is_terraform_json, TfKind, Which};

use crate::support::load_text;

fn samples_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/terraform-samples"
    ))
    .to_path_buf()
}

fn sample_files() -> Vec<PathBuf> {
    let dir = samples_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the Terraform samples directory `{}` is missing ({e}); it holds the real plan and state files this test reads",
            dir.display()
        )
    });
    let mut files = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            for f in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                if f.path().extension().is_some_and(|x| x == "json") {
                    files.push(f.path());
                }
            }
        }
    }
    files.sort();
    files
}

/// How many managed resources the module tree holds, counted independently of the
/// importer.
fn managed(v: &serde_json::Value) -> usize {
    let own = v
        .get("resources")
        .and_then(|r| r.as_array())
        .map(|r| {
            r.iter()
                .filter(|x| x.get("mode").and_then(|m| m.as_str()) != Some("data"))
                .count()
        })
        .unwrap_or(0);
    let children: usize = v
        .get("child_modules")
        .and_then(|c| c.as_array())
        .map(|c| c.iter().map(managed).sum())
        .unwrap_or(0);
    own + children
}

#[test]
fn every_sample_loads_and_accounts_for_every_resource() {
    let files = sample_files();
    assert_eq!(files.len(), 15, "expected the fifteen samples: {files:?}");
    for f in files {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(&f).expect("readable");
        assert!(
            is_terraform_json(&text),
            "{name} is not sniffed as Terraform"
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        for which in [Which::Planned, Which::Prior] {
            let l = load_text(&name, &text, which);
            let tree = match (l.report.kind, which) {
                (TfKind::State, _) => v.pointer("/values/root_module"),
                (TfKind::Plan, Which::Planned) => v.pointer("/planned_values/root_module"),
                (TfKind::Plan, Which::Prior) => v.pointer("/prior_state/values/root_module"),
            };
            let expected = tree.map(managed).unwrap_or(0);
            assert_eq!(l.report.managed(), expected, "{name} {which:?}");
            // Every type left out is one note naming all its addresses.
            for (ty, addrs) in &l.report.not_modelled {
                let notes: Vec<_> = l
                    .diags
                    .iter()
                    .filter(|d| {
                        d.code == "NOT_MODELLED" && d.message.starts_with(&format!("`{ty}`"))
                    })
                    .collect();
                assert_eq!(
                    notes.len(),
                    1,
                    "{name}: one note for `{ty}`\n{}",
                    l.findings()
                );
                for a in addrs {
                    assert!(
                        notes[0].message.contains(&format!("`{a}`")),
                        "{name}: `{a}` not named"
                    );
                }
            }
            assert!(
                l.diags.iter().all(|d| d
                    .location
                    .as_ref()
                    .is_some_and(|loc| loc.file.as_deref() == Some(name.as_str()))),
                "{name}: every finding names the file"
            );
            let _ = l.at_least(Severity::Error);
        }
    }
}

/// Prints each sample's findings and what was built (`cargo test -- --nocapture`).
#[test]
fn sample_findings_are_listed() {
    for f in sample_files() {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(&f).expect("readable");
        let l = load_text(&name, &text, Which::Planned);
        let errors = l.at_least(Severity::Warning).len();
        println!(
            "== {} — {} VPCs, {} subnets, {} route tables, {} SGs, {} ENIs, {} peerings; {} modelled, {} warnings/errors",
            f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            l.net.vpcs().len(),
            l.net.subnets().len(),
            l.net.route_tables().len(),
            l.net.security_groups().len(),
            l.net.interfaces().len(),
            l.net.peerings().len(),
            l.report.modelled.len(),
            errors,
        );
        for d in l.at_least(Severity::Warning) {
            println!("  {d}");
        }
    }
}
