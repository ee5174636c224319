//! The snapshot directory: `aws_configs/[accounts/<account>/]<region>/*.json`, read in
//! sorted order so that the same directory always loads the same way. A
//! `collection.json` beside the region folders (written by `vpcnet-aws-collect`) lists
//! the calls that failed while collecting; each becomes a note.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use vpcnet_model::{Diagnostic, Location, NetworkBuilder};

use crate::{pos, SnapshotError, SnapshotFile};

/// The `aws_configs` directory of a snapshot: `dir/aws_configs`, or `dir` itself when
/// that is what it is called.
pub(crate) fn root(dir: &Path) -> Option<PathBuf> {
    let sub = dir.join("aws_configs");
    if sub.is_dir() {
        return Some(sub);
    }
    let named = dir.file_name().is_some_and(|n| n == "aws_configs");
    (named && dir.is_dir()).then(|| dir.to_path_buf())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn file_loc(path: &Path) -> Option<Location> {
    Some(Location {
        file: Some(shown(path)),
        ..Location::default()
    })
}

/// The entries of a directory sorted by name, without hidden ones.
fn entries(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    out.sort();
    Ok(out)
}

fn is_json(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Every file of the snapshot under `root`, read. Err only when `root` itself cannot
/// be listed; everything else that cannot be read is reported and skipped.
pub(crate) fn collect(
    b: &mut NetworkBuilder,
    root: &Path,
) -> Result<Vec<SnapshotFile>, SnapshotError> {
    let top = entries(root).map_err(|source| SnapshotError::Unreadable {
        path: root.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    let has_folders = top.iter().any(|(_, p)| p.is_dir());
    let mut loose = false;
    for (name, path) in top {
        if path.is_dir() {
            if name == "accounts" {
                accounts(b, &path, &mut out);
            } else {
                region(b, &path, None, &name, &mut out);
            }
        } else if name == "collection.json" {
            collection(b, &path);
        } else if is_json(&name) && !has_folders {
            loose = true;
        } else {
            // Beside region folders, a loose file is a stray.
            outside(b, &path, &name);
        }
    }
    if loose {
        // Files straight under `aws_configs/`, with no region folders (as many
        // hand-made snapshots have them), describe one region; the availability zones
        // they name say which.
        let mut files = Vec::new();
        region(b, root, None, "", &mut files);
        let inferred = infer_region(&files);
        let (name, how) = match &inferred {
            Some(r) => (r.clone(), "from the availability zones they name"),
            None => (
                "unknown-region".to_owned(),
                "no availability zone names one",
            ),
        };
        let msg = format!(
            "files directly under `aws_configs/` are read as one region, `{name}` ({how}); use `aws_configs/<region>/` to say so"
        );
        b.report(Diagnostic::note("REGION_INFERRED", msg).at(file_loc(root)));
        for mut f in files {
            f.region = name.clone();
            out.push(f);
        }
    }
    Ok(out)
}

/// The region of the first `"AvailabilityZone": "us-east-1a"` (or `"RegionName"`) in
/// the files, without parsing them.
fn infer_region(files: &[SnapshotFile]) -> Option<String> {
    for f in files {
        for key in ["\"RegionName\"", "\"AvailabilityZone\""] {
            let Some(at) = f.text.find(key) else { continue };
            let rest = &f.text[at + key.len()..];
            let rest = rest
                .trim_start()
                .strip_prefix(':')?
                .trim_start()
                .strip_prefix('"')?;
            let value: String = rest.chars().take_while(|c| *c != '"').collect();
            let region = if key.contains("Zone") {
                value
                    .trim_end_matches(|c: char| c.is_ascii_lowercase())
                    .to_owned()
            } else {
                value
            };
            if !region.is_empty() {
                return Some(region);
            }
        }
    }
    None
}

/// The collector's record of a collection.
#[derive(Deserialize)]
struct Collection {
    #[serde(default)]
    failed_calls: Vec<FailedCall>,
}

/// A call the collector could not make.
#[derive(Deserialize)]
struct FailedCall {
    account: String,
    region: String,
    call: String,
    error: String,
}

/// Notes each failed call of a collection; a record that cannot be read is ignored
/// (it describes the collection, not the network).
fn collection(b: &mut NetworkBuilder, path: &Path) {
    let Ok(text) = fs::read_to_string(path) else {
        return;
    };
    let Ok(c) = serde_json::from_str::<Collection>(&text) else {
        return;
    };
    for (i, f) in c.failed_calls.iter().enumerate() {
        let msg = format!(
            "the collector could not call `{}` in account {} region {} ({}); what it returns is missing from this snapshot",
            f.call, f.account, f.region, f.error
        );
        let loc = Location::pointer(Some(&shown(path)), format!("/failed_calls/{i}"));
        b.report(Diagnostic::note("COLLECTION_FAILED_CALL", msg).at(Some(loc)));
    }
}

fn accounts(b: &mut NetworkBuilder, dir: &Path, out: &mut Vec<SnapshotFile>) {
    let list = match entries(dir) {
        Ok(l) => l,
        Err(e) => return unreadable(b, dir, &e),
    };
    for (account, path) in list {
        if !path.is_dir() {
            outside(b, &path, &account);
            continue;
        }
        let regions = match entries(&path) {
            Ok(l) => l,
            Err(e) => {
                unreadable(b, &path, &e);
                continue;
            }
        };
        for (name, rpath) in regions {
            if rpath.is_dir() {
                region(b, &rpath, Some(&account), &name, out);
            } else {
                outside(b, &rpath, &name);
            }
        }
    }
}

/// A file where no region folder says which region it describes.
fn outside(b: &mut NetworkBuilder, path: &Path, name: &str) {
    if !is_json(name) {
        return;
    }
    let msg = "file is not in a region folder (`aws_configs/<region>/` or `aws_configs/accounts/<account>/<region>/`); skipped";
    b.report(Diagnostic::warning("FILE_OUTSIDE_REGION", msg).at(file_loc(path)));
}

fn unreadable(b: &mut NetworkBuilder, path: &Path, e: &std::io::Error) {
    let msg = format!("cannot read: {e}; skipped");
    b.report(Diagnostic::error("FILE_UNREADABLE", msg).at(file_loc(path)));
}

fn region(
    b: &mut NetworkBuilder,
    dir: &Path,
    account: Option<&str>,
    region: &str,
    out: &mut Vec<SnapshotFile>,
) {
    let list = match entries(dir) {
        Ok(l) => l,
        Err(e) => return unreadable(b, dir, &e),
    };
    for (name, path) in list {
        if path.is_dir() || name == "collection.json" {
            continue;
        }
        if !is_json(&name) {
            let msg = "not a `.json` file; skipped";
            b.report(Diagnostic::note("FILE_SKIPPED", msg).at(file_loc(&path)));
            continue;
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                unreadable(b, &path, &e);
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = String::from_utf8_lossy(&bytes[..valid]);
                let line = before.matches('\n').count() as u32 + 1;
                let msg = format!(
                    "file is not UTF-8 text (invalid byte at offset {valid}); nothing in it was loaded"
                );
                let loc = Location {
                    file: Some(shown(&path)),
                    pointer: None,
                    line: Some(line),
                    column: Some(pos::column_at(&before, before.len())),
                };
                b.report(Diagnostic::error("FILE_NOT_UTF8", msg).at(Some(loc)));
                continue;
            }
        };
        out.push(SnapshotFile {
            path: shown(&path),
            account: account.map(str::to_owned),
            region: region.to_owned(),
            text,
        });
    }
}
