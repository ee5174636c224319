//! The snapshot directory: `aws_configs/[accounts/<account>/]<region>/*.json`, listed
//! in sorted order so that the same directory always loads the same way. A
//! `collection.json` beside the region folders (written by `vpcnet-aws-collect`) lists
//! the calls that failed while collecting; each becomes a note.
//!
//! Listing does not read the files: each is read when the load needs it
//! ([`read`]), so that a large snapshot is never in memory all at once. Only loose
//! files are read here, because their text says which region they describe.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use vpcnet_model::{Diagnostic, Location};

use crate::load::{Body, Found, Source};
use crate::{pos, SnapshotError};

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

/// Every file of the snapshot under `root`, and every finding about the layout, in
/// the order met. Err only when `root` itself cannot be listed; everything else that
/// cannot be listed is reported and skipped.
pub(crate) fn collect(root: &Path) -> Result<Vec<Found<'static>>, SnapshotError> {
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
                accounts(&mut out, &path);
            } else {
                region(&mut out, &path, None, &name);
            }
        } else if name == "collection.json" {
            collection(&mut out, &path);
        } else if is_json(&name) && !has_folders {
            loose = true;
        } else {
            // Beside region folders, a loose file is a stray.
            outside(&mut out, &path, &name);
        }
    }
    if loose {
        // Files straight under `aws_configs/`, with no region folders (as many
        // hand-made snapshots have them), describe one region; the availability zones
        // they name say which.
        let files = loose_files(&mut out, root);
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
        out.push(Found::Finding(
            Diagnostic::note("REGION_INFERRED", msg).at(file_loc(root)),
        ));
        for (path, text) in files {
            out.push(Found::File(Source {
                path,
                account: None,
                region: name.clone(),
                body: Body::Text(Cow::Owned(text)),
            }));
        }
    }
    Ok(out)
}

/// The region of the first `"AvailabilityZone": "us-east-1a"` (or `"RegionName"`) in
/// the files (shown path, text), without parsing them.
fn infer_region(files: &[(String, String)]) -> Option<String> {
    for (_, text) in files {
        for key in ["\"RegionName\"", "\"AvailabilityZone\""] {
            let Some(at) = text.find(key) else { continue };
            let rest = &text[at + key.len()..];
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
fn collection(out: &mut Vec<Found<'_>>, path: &Path) {
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
        out.push(Found::Finding(
            Diagnostic::note("COLLECTION_FAILED_CALL", msg).at(Some(loc)),
        ));
    }
}

fn accounts(out: &mut Vec<Found<'_>>, dir: &Path) {
    let list = match entries(dir) {
        Ok(l) => l,
        Err(e) => return unreadable(out, dir, &e),
    };
    for (account, path) in list {
        if !path.is_dir() {
            outside(out, &path, &account);
            continue;
        }
        let regions = match entries(&path) {
            Ok(l) => l,
            Err(e) => {
                unreadable(out, &path, &e);
                continue;
            }
        };
        for (name, rpath) in regions {
            if rpath.is_dir() {
                region(out, &rpath, Some(&account), &name);
            } else {
                outside(out, &rpath, &name);
            }
        }
    }
}

/// A file where no region folder says which region it describes.
fn outside(out: &mut Vec<Found<'_>>, path: &Path, name: &str) {
    if !is_json(name) {
        return;
    }
    let msg = "file is not in a region folder (`aws_configs/<region>/` or `aws_configs/accounts/<account>/<region>/`); skipped";
    out.push(Found::Finding(
        Diagnostic::warning("FILE_OUTSIDE_REGION", msg).at(file_loc(path)),
    ));
}

fn unreadable(out: &mut Vec<Found<'_>>, path: &Path, e: &std::io::Error) {
    out.push(Found::Finding(cannot_read(path, e)));
}

fn cannot_read(path: &Path, e: &std::io::Error) -> Diagnostic {
    let msg = format!("cannot read: {e}; skipped");
    Diagnostic::error("FILE_UNREADABLE", msg).at(file_loc(path))
}

/// The JSON files of a region folder, listed; other files are noted and skipped.
fn region(out: &mut Vec<Found<'_>>, dir: &Path, account: Option<&str>, region: &str) {
    each_json(out, dir, |out, path| {
        out.push(Found::File(Source {
            path: shown(&path),
            account: account.map(str::to_owned),
            region: region.to_owned(),
            body: Body::Disk(path),
        }));
    });
}

/// The JSON files straight under `aws_configs/`, read (shown path, text): what they
/// say decides their region.
fn loose_files(out: &mut Vec<Found<'_>>, dir: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    each_json(out, dir, |out, path| match read(&path) {
        Ok(text) => texts.push((shown(&path), text)),
        Err(d) => out.push(Found::Finding(d)),
    });
    texts
}

/// Calls `f` for each `.json` file of a folder in name order; other files are noted
/// in their place.
fn each_json(
    out: &mut Vec<Found<'_>>,
    dir: &Path,
    mut f: impl FnMut(&mut Vec<Found<'_>>, PathBuf),
) {
    let list = match entries(dir) {
        Ok(l) => l,
        Err(e) => return unreadable(out, dir, &e),
    };
    for (name, path) in list {
        if path.is_dir() || name == "collection.json" {
            continue;
        }
        if !is_json(&name) {
            let msg = "not a `.json` file; skipped";
            out.push(Found::Finding(
                Diagnostic::note("FILE_SKIPPED", msg).at(file_loc(&path)),
            ));
            continue;
        }
        f(out, path);
    }
}

/// The text of a snapshot file, or the finding that says why it cannot be had.
pub(crate) fn read(path: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| cannot_read(path, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let line = before.matches('\n').count() as u32 + 1;
        let msg = format!(
            "file is not UTF-8 text (invalid byte at offset {valid}); nothing in it was loaded"
        );
        let loc = Location {
            file: Some(shown(path)),
            pointer: None,
            line: Some(line),
            column: Some(pos::column_at(&before, before.len())),
        };
        Diagnostic::error("FILE_NOT_UTF8", msg).at(Some(loc))
    })
}

/// The first bytes of a file, enough to see its first key; `None` when it cannot be
/// read (reading it whole will say why).
pub(crate) fn head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(HEAD)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// How much of a file [`head`] reads.
const HEAD: u64 = 256;
