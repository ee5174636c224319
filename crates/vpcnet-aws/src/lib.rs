//! AWS snapshots into a vpcnet network: the JSON the AWS CLI prints
//! (`aws ec2 describe-vpcs`, `describe-route-tables`, …), laid out as Batfish reads it,
//! `DIR/aws_configs/[accounts/<account>/]<region>/*.json`.
//!
//! Each file is routed by its top-level keys (`Vpcs`, `RouteTables`, …), never by its
//! name; files with the same key merge, and every account and region of a snapshot is
//! one network, joined by its peerings, its transit gateway attachments (a peering
//! attachment joins gateways of two regions or accounts) and its Route 53 zones
//! (associated with VPCs of any account, read from the `global` folder). What the AWS
//! CLI prints once per route table or target group (transit gateway routes,
//! propagations and associations, target health) is read as Batfish lays it out: one
//! item per table or group, with its id. Keys vpcnet does not model yet are noted once
//! and skipped. A folder that has VPCs but lacks, say, `NetworkAcls` is recorded as
//! missing that facet ([`vpcnet_model::NetworkBuilder::note_missing`]), so answers say
//! what they could not evaluate instead of guessing.
//!
//! The design trade-off is speed against leniency. Snapshots of large estates run to
//! hundreds of megabytes, so the happy path parses each list once, strictly, into
//! borrowed wire structs (no intermediate JSON value). Broken input must still load
//! everything that is fine, with each problem located by file and JSON pointer; so
//! only when a list fails is it read again item by item from raw slices of the text,
//! and only the failing item is read a third time with a path tracker. Valid input
//! pays nothing for the careful path; a bad item costs one extra look at its list.
//!
//! Memory is the other trade-off: borrowed structs keep their text alive. So a
//! snapshot directory is not read all at once; each key's files are read when
//! lowering first needs that key and dropped after its last use (`load.rs`), and at
//! most a few keys' texts are in memory beside the network being built.
//!
//! Findings go into the builder as [`vpcnet_model::Diagnostic`]s; `Err` is only for
//! a directory that cannot be read at all or is not a snapshot.

#![deny(missing_docs)]

mod fx;
mod lenient;
mod load;
mod lower;
mod parse;
mod pos;
mod raw;
mod walk;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vpcnet_model::{Diagnostic, NetworkBuilder};

/// The text of one file of a snapshot, and where it sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotFile {
    /// The path shown in diagnostics.
    pub path: String,
    /// The account folder it is in (`aws_configs/accounts/<account>/…`), if any.
    pub account: Option<String>,
    /// The region folder it is in (`us-east-1`, or `global` for Route 53).
    pub region: String,
    /// The JSON text, as the AWS CLI printed it.
    pub text: String,
}

/// What was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotReport {
    /// Files read.
    pub files: usize,
    /// Bytes of JSON read.
    pub bytes: u64,
    /// Items per top-level key (`Vpcs` → 12), unknown keys included.
    pub keys: BTreeMap<String, usize>,
}

/// A snapshot directory that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Neither the directory nor a child of it is `aws_configs`.
    #[error("`{}` is not an AWS snapshot: it has no `aws_configs` directory", path.display())]
    NotASnapshot {
        /// The directory given.
        path: PathBuf,
    },
    /// The `aws_configs` directory cannot be listed.
    #[error("cannot read snapshot directory `{}`", path.display())]
    Unreadable {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Whether `dir` is a snapshot: it has an `aws_configs` directory, or is one.
pub fn is_snapshot_dir(dir: &Path) -> bool {
    walk::root(dir).is_some()
}

/// Loads a snapshot directory into the builder. Every finding (a file that is not
/// JSON, an item of the wrong shape, an id referenced but absent) goes into the
/// builder, located by file and JSON pointer, and the rest still loads. `Err` only
/// when `dir` is not a snapshot or cannot be read at all.
pub fn load_snapshot(
    builder: &mut NetworkBuilder,
    dir: &Path,
) -> Result<SnapshotReport, SnapshotError> {
    let root = walk::root(dir).ok_or_else(|| SnapshotError::NotASnapshot {
        path: dir.to_path_buf(),
    })?;
    let found = walk::collect(&root)?;
    Ok(load::load(builder, found))
}

/// Loads file texts as if found at `<account>/<region>/<file>` of a snapshot (for
/// tests and fuzzing, and for callers that read the files themselves).
pub fn load_files(builder: &mut NetworkBuilder, files: &[SnapshotFile]) -> SnapshotReport {
    let found = files
        .iter()
        .map(|f| {
            load::Found::File(load::Source {
                path: f.path.clone(),
                account: f.account.clone(),
                region: f.region.clone(),
                body: load::Body::Text(Cow::Borrowed(&f.text)),
            })
        })
        .collect();
    load::load(builder, found)
}

/// Fills in line and column for the diagnostics that point into `file`, whose text is
/// `text`. Pointers that name a missing key fall back to the nearest parent.
pub fn locate(file: &str, text: &str, diags: &mut [Diagnostic]) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    vpcnet_model::fill_positions(file, diags, |wanted| pos::find(text, wanted));
}
