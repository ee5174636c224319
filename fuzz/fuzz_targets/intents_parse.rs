//! Fuzz target: any text as the intents file of `vpcnet verify` must read into intents
//! or an error, never a panic; an error names the file, its line lies inside the text
//! (or on the line after the last) and its column is at least 1, and every position
//! kept for an intent or a selector is 1-based too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_spec::intents::{is_intents, parse, Pos};

const FILE: &str = "fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = is_intents(text);
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 1;
    let located = |p: Pos| p.line >= 1 && p.column >= 1;
    match parse(FILE, text) {
        Ok(intents) => {
            for i in &intents {
                assert!(located(i.pos), "{:?}", i.pos);
                for w in i.from.iter().chain(&i.to).chain(&i.exclude).chain(&i.via) {
                    assert!(located(w.pos), "{w:?}");
                    assert!(!w.text.is_empty(), "{w:?}");
                }
                if let Some((lo, hi)) = i.ports {
                    assert!(lo <= hi, "{i:?}");
                }
            }
        }
        Err(e) => {
            assert_eq!(e.file, FILE, "{e}");
            assert!(
                (1..=lines + 1).contains(&e.line),
                "line past the end ({lines} lines): {e}"
            );
            assert!(e.column >= 1, "{e}");
        }
    }
});
