//! What the topic modules share: running the binary, reading what it printed, and
//! files of a test's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `vpcnet` with `args`, without colour.
pub(crate) fn vpcnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcnet"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The directory of `tag` under the system's temporary directory.
fn temp_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("vpcnet-it-{tag}-{}", std::process::id()))
}

/// Writes `text` to `name` in `dir`, made if need be; the file's path.
fn write_in(dir: &Path, name: &str, text: &str) -> String {
    std::fs::create_dir_all(dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes");
    path.display().to_string()
}

/// Writes `text` to `name` in a directory of `tag`'s own, left in place when the test
/// ends; the file's path.
pub(crate) fn temp_file(tag: &str, name: &str, text: &str) -> String {
    write_in(&temp_path(tag), name, text)
}

/// A directory of its own for one test, emptied when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let dir = temp_path(tag);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub(crate) fn write(&self, name: &str, text: &str) -> String {
        write_in(&self.0, name, text)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
