//! Tidy: house rules over the sources, as a test, reporting every offender at once.
//!
//! Every `.rs` file under `crates/` and `fuzz/fuzz_targets/` starts with a `//!` doc
//! line; none calls the debugging and placeholder macros or skips a test with an
//! `ignore` attribute; every lint `allow` says why in a comment on its line or the line above;
//! and every crate's `Cargo.toml` says in a comment which of our crates it may use.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root (this crate is `crates/vpcnet-cli`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` whose name ends with `ext`, sorted, skipping build output
/// and hidden directories.
fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                files(&path, ext, out);
            }
        } else if name.ends_with(ext) {
            out.push(path);
        }
    }
}

/// `path` relative to the workspace root, for messages.
fn rel(path: &Path) -> String {
    let root = root();
    let shown = path.strip_prefix(&root).unwrap_or(path);
    shown.display().to_string()
}

fn rust_files() -> Vec<PathBuf> {
    let root = root();
    let mut out = Vec::new();
    files(&root.join("crates"), ".rs", &mut out);
    files(&root.join("fuzz/fuzz_targets"), ".rs", &mut out);
    out
}

/// Macro calls and attributes that must not be committed. Spelled in pieces so that
/// this file does not match itself.
fn forbidden() -> [(String, &'static str); 4] {
    [
        (["dbg", "!("].concat(), "debugging output"),
        (["todo", "!("].concat(), "unfinished code"),
        (["unimplemented", "!("].concat(), "unfinished code"),
        (
            ["#[", "ignore"].concat(),
            "a skipped test; fix it or delete it",
        ),
    ]
}

/// Whether `line` is a lint attribute that turns a lint off (`#[allow(`, `#![allow(`,
/// `#[expect(`, or the same inside `cfg_attr`).
fn is_allow(line: &str) -> bool {
    let t = line.trim_start();
    (t.starts_with("#[") || t.starts_with("#![")) && (t.contains("allow(") || t.contains("expect("))
}

/// A plain `//` comment (not a `///` or `//!` doc comment, which documents the item).
fn is_plain_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//") && !t.starts_with("///") && !t.starts_with("//!")
}

fn check_rust(path: &Path, text: &str, problems: &mut Vec<String>) {
    let file = rel(path);
    if !text.starts_with("//!") {
        problems.push(format!("{file}:1: does not start with a `//!` doc comment"));
    }
    let forbidden = forbidden();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        for (pattern, why) in &forbidden {
            if line.contains(pattern.as_str()) {
                problems.push(format!("{file}:{n}: `{pattern}` ({why})"));
            }
        }
        if is_allow(line) {
            let commented = line.contains("//") || (i > 0 && is_plain_comment(lines[i - 1]));
            if !commented {
                problems.push(format!(
                    "{file}:{n}: lint allowed without a `//` comment on this line or the one above saying why"
                ));
            }
        }
    }
}

#[test]
fn rust_sources_follow_the_house_rules() {
    let files = rust_files();
    assert!(
        files.len() > 10,
        "found only {} .rs files under {}; is the walk broken?",
        files.len(),
        root().display()
    );
    let mut problems = Vec::new();
    for path in &files {
        match fs::read_to_string(path) {
            Ok(text) => check_rust(path, &text, &mut problems),
            Err(e) => problems.push(format!("{}: cannot read: {e}", rel(path))),
        }
    }
    assert!(
        problems.is_empty(),
        "{} tidy problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_crate_says_which_crates_it_may_use() {
    let crates = root().join("crates");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&crates)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", crates.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no crates under {}", crates.display());
    let mut problems = Vec::new();
    for dir in dirs {
        let manifest = dir.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).unwrap_or_default();
        let says = text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("# May use:") || t.starts_with("# Depends on")
        });
        if !says {
            problems.push(format!(
                "{}:1: no `# May use: …` (or `# Depends on …`) comment naming the vpcnet crates it may depend on",
                rel(&manifest)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} tidy problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_rules_catch_what_they_should() {
    let mut problems = Vec::new();
    let bad = [
        "fn main() {}",
        &["    ", "dbg", "!(x);"].concat(),
        &["#[", "ignore]"].concat(),
        "#[allow(dead_code)]",
        "/// documents the item, does not justify the allow",
        "#![allow(unused)]",
        "// the generated code has long names",
        "#[allow(clippy::too_many_arguments)]",
        "#[allow(clippy::large_enum_variant)] // one value, built once",
    ]
    .join("\n");
    check_rust(Path::new("x.rs"), &bad, &mut problems);
    let lines: Vec<&str> = problems
        .iter()
        .map(|p| p.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        lines,
        ["x.rs:1:", "x.rs:2:", "x.rs:3:", "x.rs:4:", "x.rs:6:"],
        "{problems:#?}"
    );
}
