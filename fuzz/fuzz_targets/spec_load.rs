//! Fuzz target: any text through the spec loader and the locator must give findings
//! or an error, never a panic; every finding that points into the document must name
//! the document, and its line must lie inside it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_model::NetworkBuilder;

const FILE: &str = "fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut builder = NetworkBuilder::new();
    let loaded = vpcnet_spec::load_into(&mut builder, Some(FILE), text);
    let (_network, mut diags) = builder.finish();
    if let Err(e) = loaded {
        diags.push(e.to_diagnostic());
    }
    vpcnet_spec::locate(FILE, text, &mut diags);
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`; the end of the input may be
    // reported on the line after the last.
    let end = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 2;
    for d in &diags {
        let Some(loc) = &d.location else { continue };
        if loc.pointer.is_some() {
            assert_eq!(loc.file.as_deref(), Some(FILE), "{d}");
        }
        if let Some(line) = loc.line {
            assert!(
                (1..=end).contains(&line),
                "line past the end (line {end}): {d}"
            );
        }
    }
});
