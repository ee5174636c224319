//! Reading inputs: files or built-in examples, merged into one network, with every
//! finding located at a line and column where the text allows.

use std::collections::HashMap;

use vpcnet_model::{Diagnostic, Network, NetworkBuilder, Severity};

use crate::BadInput;

/// A loaded network, its findings, and the texts they point into.
pub(crate) struct Loaded {
    pub(crate) network: Network,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) texts: HashMap<String, String>,
}

impl Loaded {
    pub(crate) fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// What an input is, judged by what it holds rather than its name.
enum Source {
    /// Spec text (YAML or JSON).
    Spec(String),
    /// An AWS snapshot directory (the Batfish layout).
    AwsSnapshot,
}

fn read(input: &str) -> anyhow::Result<Source> {
    if let Some(name) = input.strip_prefix("example:") {
        return match vpcnet_spec::examples::get(name) {
            Some(text) => Ok(Source::Spec(text.to_owned())),
            None => Err(BadInput(format!("no built-in example `{name}`")).into()),
        };
    }
    let path = std::path::Path::new(input);
    if path.is_dir() {
        if vpcnet_aws::is_snapshot_dir(path) {
            return Ok(Source::AwsSnapshot);
        }
        return Err(BadInput(format!(
            "`{input}` is a directory but not an AWS snapshot (no `aws_configs/` in it)"
        ))
        .into());
    }
    std::fs::read(path)
        .map_err(|e| BadInput(format!("cannot read `{input}`: {e}")).into())
        .and_then(|bytes| {
            String::from_utf8(bytes).map(Source::Spec).map_err(|e| {
                BadInput(format!(
                    "`{input}` is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
                .into()
            })
        })
}

/// Loads every input into one network. Fails (exit 2) when an input cannot be read or
/// is not a spec at all; findings inside a spec are returned, not fatal.
pub(crate) fn load(inputs: &[String], before: bool) -> anyhow::Result<Loaded> {
    let mut builder = NetworkBuilder::new();
    let mut texts = HashMap::new();
    // JSON documents other than specs (Terraform), located with the JSON locator.
    let mut json_texts: HashMap<String, String> = HashMap::new();
    let mut snapshot_files = false;
    for input in inputs {
        match read(input)? {
            Source::Spec(text) if vpcnet_terraform::is_terraform_json(&text) => {
                let which = if before {
                    vpcnet_terraform::Which::Prior
                } else {
                    vpcnet_terraform::Which::Planned
                };
                vpcnet_terraform::load_into(&mut builder, input, &text, which)
                    .map_err(|e| BadInput(format!("`{input}`: {e}")))?;
                json_texts.insert(input.clone(), text);
            }
            Source::Spec(text) => {
                if let Err(e) = vpcnet_spec::load_into(&mut builder, Some(input), &text) {
                    let d = e.to_diagnostic();
                    return Err(
                        BadInput(render_diagnostic(&d, Some(&text)).trim_end().to_owned()).into(),
                    );
                }
                texts.insert(input.clone(), text);
            }
            Source::AwsSnapshot => {
                vpcnet_aws::load_snapshot(&mut builder, std::path::Path::new(input))
                    .map_err(|e| BadInput(format!("`{input}`: {e}")))?;
                snapshot_files = true;
            }
        }
    }
    let (network, mut diagnostics) = builder.finish();
    for (file, text) in &texts {
        vpcnet_spec::locate(file, text, &mut diagnostics);
    }
    for (file, text) in json_texts {
        vpcnet_aws::locate(&file, &text, &mut diagnostics);
        texts.insert(file, text);
    }
    if snapshot_files {
        locate_snapshot_files(&mut diagnostics, &mut texts);
    }
    Ok(Loaded {
        network,
        diagnostics,
        texts,
    })
}

/// Snapshot findings name the JSON file they point into: read each such file once to
/// turn pointers into lines and columns (and to show the line).
fn locate_snapshot_files(diagnostics: &mut [Diagnostic], texts: &mut HashMap<String, String>) {
    let mut files: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref())
        .filter(|l| l.line.is_none() && l.pointer.is_some())
        .filter_map(|l| l.file.clone())
        .filter(|f| !texts.contains_key(f))
        .collect();
    files.sort();
    files.dedup();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        vpcnet_aws::locate(&file, &text, diagnostics);
        texts.insert(file, text);
    }
}

/// A diagnostic for people: the message, where, and the line it points at.
pub(crate) fn render_diagnostic(d: &Diagnostic, text: Option<&str>) -> String {
    let mut out = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    if let Some(loc) = &d.location {
        out.push_str(&format!("  --> {loc}\n"));
        if let (Some(text), Some(line), Some(col)) = (text, loc.line, loc.column) {
            if let Some(src) = text.lines().nth(line.saturating_sub(1) as usize) {
                let num = line.to_string();
                let pad = " ".repeat(num.len());
                out.push_str(&format!("  {pad} |\n  {num} | {src}\n"));
                let caret_at = src
                    .chars()
                    .take(col.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect::<String>();
                out.push_str(&format!("  {pad} | {caret_at}^\n"));
            }
        }
    }
    out
}

/// Every diagnostic for people, then a count.
pub(crate) fn render_diagnostics(loaded: &Loaded) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        let text = d
            .location
            .as_ref()
            .and_then(|l| l.file.as_ref())
            .and_then(|f| loaded.texts.get(f))
            .map(String::as_str);
        out.push_str(&render_diagnostic(d, text));
    }
    out
}
