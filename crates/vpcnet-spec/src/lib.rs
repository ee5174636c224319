//! The native YAML spec: a whole network written by a person, in one file.
//!
//! Resources are referenced by name (ids are optional and made up when absent), and
//! the defaults AWS applies are filled in: every VPC gets a main route table with its
//! `local` routes, a default network ACL that allows everything, and a `default`
//! security group, unless the spec declares its own.
//!
//! Loading is lenient by design: the document is parsed once into a JSON value, and
//! every list item is then read on its own, so a mistake in one subnet is reported with
//! its JSON pointer (and, through [`locate`], its line and column) while the rest of
//! the network still loads. Only a document that is not YAML, or whose top level has
//! the wrong shape, fails as a whole. JSON is YAML, so `.json` specs load the same way.

#![deny(missing_docs)]

mod emit;
pub mod examples;
mod export;
pub mod generate;
pub mod intents;
mod lenient;
mod lower;
pub mod raw;
mod yaml;

use std::fmt;

use vpcnet_model::{Diagnostic, Location, NetworkBuilder};

pub use export::{export_losses, from_network};
pub use lenient::{ItemError, Lenient};
pub use raw::Spec;

/// A document that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where.
    pub location: Location,
    /// What was wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// The same failure as a diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error("SPEC_SYNTAX", self.message.clone()).at(Some(self.location.clone()))
    }
}

/// Parses spec text (YAML or JSON) into its wire form.
pub fn parse(file: Option<&str>, text: &str) -> Result<Spec, SpecError> {
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| SpecError {
            location: Location {
                file: file.map(str::to_owned),
                pointer: None,
                line: Some(e.line() as u32),
                // At the end of the text after a newline, serde_json says column 0.
                column: Some((e.column() as u32).max(1)),
            },
            message: e.to_string(),
        })?
    } else {
        yaml::parse(text).map_err(|e| SpecError {
            location: Location {
                file: file.map(str::to_owned),
                pointer: None,
                line: Some(e.line),
                column: Some(e.column),
            },
            message: e.message,
        })?
    };
    if !value.is_object() {
        return Err(SpecError {
            location: Location::pointer(file, ""),
            message: "a spec is a mapping with `vpcs` (and optionally `peerings`, `prefix_lists`, `accounts`, `defaults`)".to_owned(),
        });
    }
    serde_path_to_error::deserialize::<_, Spec>(value).map_err(|e| {
        let mut pointer = String::new();
        for seg in e.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push_str(&format!("/{index}"))
                }
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
                _ => {}
            }
        }
        SpecError {
            location: Location::pointer(file, pointer),
            message: e.into_inner().to_string(),
        }
    })
}

/// Loads spec text into a network under construction (several inputs may share one
/// builder). Findings go into the builder; `Err` only when nothing could be read.
pub fn load_into(
    builder: &mut NetworkBuilder,
    file: Option<&str>,
    text: &str,
) -> Result<(), SpecError> {
    let spec = parse(file, text)?;
    lower_into(builder, file, &spec);
    Ok(())
}

/// Lowers an already parsed spec into a network under construction.
pub fn lower_into(builder: &mut NetworkBuilder, file: Option<&str>, spec: &Spec) {
    lower::Lowerer::new(builder, file, spec).lower(spec);
}

/// Fills in line and column for the diagnostics that point into `file`, whose text is
/// `text`. Pointers that name a missing key fall back to the nearest parent.
pub fn locate(file: &str, text: &str, diags: &mut [Diagnostic]) {
    vpcnet_model::fill_positions(file, diags, |wanted| yaml::locate(text, wanted));
}

/// The JSON Schema of the spec, pretty-printed, for editors.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Spec);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Writes a spec as YAML that [`parse`] reads back to the same value.
pub fn to_yaml(spec: &Spec) -> String {
    let value = serde_json::to_value(spec).unwrap_or(serde_json::Value::Null);
    emit::yaml(&value)
}

/// Writes a spec as compact JSON (also a valid spec).
pub fn to_json(spec: &Spec) -> String {
    serde_json::to_string(spec).unwrap_or_default()
}

#[cfg(test)]
mod tests;
