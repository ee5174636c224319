//! Findings as data: every loader and analysis returns these beside its result.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Note,
    /// Probably a mistake, or a risk; the network still works as described.
    Warning,
    /// AWS would refuse this configuration, or the input could not be read as written.
    Error,
}

impl Severity {
    /// The lower-case name used in text and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding came from: a file, and a JSON pointer into it and/or a line and column.
///
/// Importers fill in `file` and `pointer`; a front end that still has the text can add
/// `line` and `column` afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// The input file, as the user named it.
    pub file: Option<String>,
    /// An RFC 6901 JSON pointer into the document, e.g. `/vpcs/0/subnets/2/cidr`.
    pub pointer: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
}

impl Location {
    /// A location in `file` at JSON pointer `pointer`.
    pub fn pointer(file: Option<&str>, pointer: impl Into<String>) -> Location {
        Location {
            file: file.map(str::to_owned),
            pointer: Some(pointer.into()),
            line: None,
            column: None,
        }
    }

    /// The same file, one level deeper: `self.pointer + "/" + segment`.
    pub fn child(&self, segment: impl fmt::Display) -> Location {
        let mut loc = self.clone();
        let base = loc.pointer.take().unwrap_or_default();
        let seg = segment.to_string().replace('~', "~0").replace('/', "~1");
        loc.pointer = Some(format!("{base}/{seg}"));
        loc.line = None;
        loc.column = None;
        loc
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            f.write_str(file)?;
            wrote = true;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
            wrote = true;
        }
        if let Some(ptr) = &self.pointer {
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "#{ptr}")?;
        }
        Ok(())
    }
}

/// One finding: a stable code, a severity, a message and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable, upper-case code (`SUBNET_OUTSIDE_VPC`); scripts match on it.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Lower-case message with values in backticks, no trailing period.
    pub message: String,
    /// Where it came from, when known.
    pub location: Option<Location>,
}

impl Diagnostic {
    /// An error finding.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
        }
    }

    /// A warning finding.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// A note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    /// The same finding, located.
    pub fn at(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(loc) = &self.location {
            write!(f, " (at {loc})")?;
        }
        Ok(())
    }
}

/// Fills in line and column for the diagnostics that point into `file` by JSON pointer
/// but have no line yet. `find` maps the pointers asked for to 1-based (line, column)
/// in one pass over the text; a pointer to a missing key falls back to its nearest
/// parent. Shared by every importer: only the way of finding positions differs.
pub fn fill_positions(
    file: &str,
    diags: &mut [Diagnostic],
    find: impl FnOnce(&HashSet<String>) -> HashMap<String, (u32, u32)>,
) {
    let ours = |d: &Diagnostic| {
        d.location.as_ref().is_some_and(|l| {
            l.file.as_deref() == Some(file) && l.line.is_none() && l.pointer.is_some()
        })
    };
    let mut wanted = HashSet::new();
    for d in diags.iter().filter(|d| ours(d)) {
        let mut p = d
            .location
            .as_ref()
            .and_then(|l| l.pointer.clone())
            .unwrap_or_default();
        loop {
            wanted.insert(p.clone());
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => break,
            }
        }
    }
    if wanted.is_empty() {
        return;
    }
    let found = find(&wanted);
    for d in diags.iter_mut().filter(|d| ours(d)) {
        let Some(loc) = d.location.as_mut() else {
            continue;
        };
        let mut p = loc.pointer.clone().unwrap_or_default();
        loop {
            if let Some((line, col)) = found.get(&p) {
                loc.line = Some(*line);
                loc.column = Some(*col);
                break;
            }
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => break,
            }
        }
    }
}
