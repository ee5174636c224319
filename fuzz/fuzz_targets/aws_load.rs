//! Fuzz target: any text as one file of an AWS snapshot must load into findings,
//! never a panic; every finding that points into the file names it, the locator
//! copes with the text, and the engine's checks run on whatever network results.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_aws::{load_files, SnapshotFile};
use vpcnet_model::NetworkBuilder;

const FILE: &str = "aws_configs/accounts/111111111111/us-east-1/fuzz.json";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = [SnapshotFile {
        path: FILE.to_owned(),
        account: Some("111111111111".to_owned()),
        region: "us-east-1".to_owned(),
        text: text.to_owned(),
    }];
    let mut builder = NetworkBuilder::new();
    let report = load_files(&mut builder, &files);
    assert_eq!(report.files, 1);
    let (network, mut diags) = builder.finish();
    vpcnet_aws::locate(FILE, text, &mut diags);
    for d in &diags {
        if let Some(loc) = &d.location {
            if loc.pointer.is_some() {
                assert_eq!(loc.file.as_deref(), Some(FILE), "{d}");
            }
        }
    }
    let _ = vpcnet_engine::check::check(&network);
});
