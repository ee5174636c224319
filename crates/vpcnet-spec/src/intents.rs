//! The intents file of `vpcnet verify`: statements about connectivity, read from YAML
//! with the line and column of every key, so a mistake is reported where it was made.
//!
//! The language follows AWS Network Access Analyzer's match and exclude paths (a
//! source, a destination, protocols, ports) with four kinds of statement:
//! `reachable`, `isolated`, `only-from` and `through`. Selectors are the ones
//! `vpcnet reach` takes (`internet`, a CIDR, `tag:K=V`, `subnet:X`, `vpc:X`, `sg:X`,
//! `*`, a resource's id or `Name` tag); they are resolved against the network later,
//! by the command, which reports an unknown one at the position kept here.
//!
//! Every mistake in the file is an [`IntentsError`] with the file name, line and
//! column: the first one ends the reading, since an intent read wrong would be checked
//! wrong.
//!
//! The YAML is read into a small tree of its own rather than a `serde_json::Value`
//! because a value forgets where it came from; anchors and aliases are refused (an
//! intents file has no use for them, and refusing them bounds the work).

use std::fmt;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    /// The line, from 1; YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
    pub line: u32,
    /// The column, from 1, in characters.
    pub column: u32,
}

/// A mistake in an intents file, located: `file:line:column: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntentsError {
    /// The file name, as given to [`parse`].
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
    /// What was wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for IntentsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for IntentsError {}

fn pos(m: &Marker) -> Pos {
    Pos {
        line: m.line() as u32,
        column: m.col() as u32 + 1,
    }
}

/// A YAML node with where it starts.
#[derive(Debug)]
struct Node {
    pos: Pos,
    value: Value,
}

#[derive(Debug)]
enum Value {
    /// A scalar, as written (quoted or not: every value here is text).
    Scalar {
        text: String,
    },
    Seq(Vec<Node>),
    /// Keys in order, each with its own position.
    Map(Vec<(String, Pos, Node)>),
}

enum Frame {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(String, Pos, Node)>, Option<(String, Pos)>),
}

/// Parses the first document of `text` into a tree with positions.
fn parse_tree(text: &str) -> Result<Option<Node>, (Pos, String)> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let (ev, mark) = parser
            .next_token()
            .map_err(|e| (pos(e.marker()), e.info().to_owned()))?;
        let at = pos(&mark);
        let node = match ev {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => continue,
            Event::DocumentEnd | Event::StreamEnd => return Ok(None),
            Event::Alias(_) => return Err((at, "aliases are not supported here".to_owned())),
            Event::Scalar(text, _, anchor, _) => {
                if anchor > 0 {
                    return Err((at, "anchors are not supported here".to_owned()));
                }
                Node {
                    pos: at,
                    value: Value::Scalar { text },
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor > 0 {
                    return Err((at, "anchors are not supported here".to_owned()));
                }
                if matches!(stack.last(), Some(Frame::Map(_, _, None))) {
                    return Err((at, "a mapping key must be a scalar".to_owned()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err((at, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(at, Vec::new())
                } else {
                    Frame::Map(at, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(p, items)) => Node {
                    pos: p,
                    value: Value::Seq(items),
                },
                Some(Frame::Map(p, entries, _)) => Node {
                    pos: p,
                    value: Value::Map(entries),
                },
                None => return Err((at, "unbalanced collection end".to_owned())),
            },
        };
        match stack.last_mut() {
            None => return Ok(Some(node)),
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, key @ None)) => match node.value {
                Value::Scalar { text } => {
                    if entries.iter().any(|(k, _, _)| *k == text) {
                        return Err((node.pos, format!("duplicate key `{text}`")));
                    }
                    *key = Some((text, node.pos));
                }
                _ => return Err((node.pos, "a mapping key must be a scalar".to_owned())),
            },
            Some(Frame::Map(_, entries, key @ Some(_))) => {
                if let Some((k, p)) = key.take() {
                    entries.push((k, p, node));
                }
            }
        }
    }
}

/// Whether `text` is an intents file: a YAML mapping with a top-level `intents:` key.
pub fn is_intents(text: &str) -> bool {
    text.contains("intents")
        && matches!(
            parse_tree(text),
            Ok(Some(Node { value: Value::Map(ref m), .. })) if m.iter().any(|(k, _, _)| k == "intents")
        )
}

/// The kind of an intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Every source reaches every destination.
    Reachable,
    /// No source reaches any destination.
    Isolated,
    /// Only the listed sources reach the destinations.
    OnlyFrom,
    /// Every connection passes one of the listed resources.
    Through,
}

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 4] = [
        Kind::Reachable,
        Kind::Isolated,
        Kind::OnlyFrom,
        Kind::Through,
    ];

    /// The key that states it.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Reachable => "reachable",
            Kind::Isolated => "isolated",
            Kind::OnlyFrom => "only-from",
            Kind::Through => "through",
        }
    }

    /// What it means, for people (SARIF rule descriptions).
    pub fn meaning(self) -> &'static str {
        match self {
            Kind::Reachable => "every selected source reaches every selected destination",
            Kind::Isolated => "no selected source reaches any selected destination",
            Kind::OnlyFrom => "only the allowed sources reach the selected destinations",
            Kind::Through => "every connection to the destinations passes a listed resource",
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Reachable | Kind::Isolated => &["from", "to", "protocol", "port", "ports"],
            Kind::OnlyFrom => &["from", "to", "exclude", "protocol", "port", "ports"],
            Kind::Through => &["from", "to", "via", "protocol", "port", "ports"],
        }
    }
}

/// A word of the file (a selector, a resource) and where it is.
#[derive(Clone, Debug)]
pub struct Word {
    /// The text, trimmed.
    pub text: String,
    /// Where it starts.
    pub pos: Pos,
}

/// One statement about the network.
#[derive(Debug)]
pub struct Intent {
    /// Its `name`, or `intent N` (from 1) when it has none.
    pub name: String,
    /// What it states.
    pub kind: Kind,
    /// Where the intent starts.
    pub pos: Pos,
    /// The sources (`from`).
    pub from: Vec<Word>,
    /// The destinations (`to`).
    pub to: Vec<Word>,
    /// The sources allowed to reach the destinations (`exclude` of `only-from`).
    pub exclude: Vec<Word>,
    /// The resources every connection must pass (`via` of `through`).
    pub via: Vec<Word>,
    /// The IP protocol number; `None` for every protocol.
    pub protocol: Option<u8>,
    /// Inclusive destination port range.
    pub ports: Option<(u16, u16)>,
}

/// A located error.
fn at(file: &str, p: Pos, message: impl fmt::Display) -> IntentsError {
    IntentsError {
        file: file.to_owned(),
        line: p.line,
        column: p.column,
        message: message.to_string(),
    }
}

fn words(file: &str, key: &str, n: &Node) -> Result<Vec<Word>, IntentsError> {
    let one = |n: &Node| match &n.value {
        Value::Scalar { text } if !text.trim().is_empty() => Ok(Word {
            text: text.trim().to_owned(),
            pos: n.pos,
        }),
        _ => Err(at(
            file,
            n.pos,
            format!("`{key}`: expected a selector (a string)"),
        )),
    };
    match &n.value {
        Value::Seq(items) if !items.is_empty() => items.iter().map(one).collect(),
        Value::Seq(_) => Err(at(file, n.pos, format!("`{key}`: the list is empty"))),
        _ => Ok(vec![one(n)?]),
    }
}

fn scalar<'n>(file: &str, key: &str, n: &'n Node) -> Result<&'n str, IntentsError> {
    match &n.value {
        Value::Scalar { text } => Ok(text.trim()),
        _ => Err(at(file, n.pos, format!("`{key}`: expected a single value"))),
    }
}

fn parse_ports(file: &str, key: &str, n: &Node) -> Result<(u16, u16), IntentsError> {
    let text = scalar(file, key, n)?;
    let bad = || {
        at(
            file,
            n.pos,
            format!("`{key}`: `{text}` is not a port (0-65535) or a range `LO-HI`"),
        )
    };
    let num = |s: &str| s.trim().parse::<u16>().map_err(|_| bad());
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let p = num(text)?;
            (p, p)
        }
    };
    if lo > hi {
        return Err(bad());
    }
    Ok((lo, hi))
}

fn parse_protocol(file: &str, n: &Node) -> Result<u8, IntentsError> {
    let text = scalar(file, "protocol", n)?;
    match vpcnet_model::Protocol::parse(text) {
        Some(vpcnet_model::Protocol::Number(p)) => Ok(p),
        _ => Err(at(
            file,
            n.pos,
            format!("`protocol`: `{text}` is not `tcp`, `udp`, `icmp` or a protocol number"),
        )),
    }
}

fn parse_intent(file: &str, index: usize, n: &Node) -> Result<Intent, IntentsError> {
    let Value::Map(entries) = &n.value else {
        return Err(at(
            file,
            n.pos,
            "an intent is a mapping with `name` and one of `reachable`, `isolated`, `only-from`, `through`",
        ));
    };
    let mut name = None;
    let mut body: Option<(Kind, Pos, &Node)> = None;
    for (k, kp, v) in entries {
        if k == "name" {
            name = Some(scalar(file, "name", v)?.to_owned());
            continue;
        }
        let Some(kind) = Kind::ALL.into_iter().find(|kind| kind.key() == k) else {
            return Err(at(
                file,
                *kp,
                format!("unknown key `{k}`; expected `name`, `reachable`, `isolated`, `only-from` or `through`"),
            ));
        };
        if let Some((first, _, _)) = body {
            return Err(at(
                file,
                *kp,
                format!(
                    "an intent states one thing; this one has `{}` and `{k}`",
                    first.key()
                ),
            ));
        }
        body = Some((kind, *kp, v));
    }
    let Some((kind, kind_pos, body)) = body else {
        return Err(at(
            file,
            n.pos,
            "the intent says nothing; add one of `reachable`, `isolated`, `only-from`, `through`",
        ));
    };
    let Value::Map(fields) = &body.value else {
        return Err(at(
            file,
            body.pos,
            format!("`{}`: expected a mapping with `from` and `to`", kind.key()),
        ));
    };
    let mut intent = Intent {
        name: name.unwrap_or_else(|| format!("intent {}", index + 1)),
        kind,
        pos: n.pos,
        from: Vec::new(),
        to: Vec::new(),
        exclude: Vec::new(),
        via: Vec::new(),
        protocol: None,
        ports: None,
    };
    let mut port_key: Option<&str> = None;
    for (k, kp, v) in fields {
        if !kind.keys().contains(&k.as_str()) {
            return Err(at(
                file,
                *kp,
                format!(
                    "unknown key `{k}` in `{}`; expected one of {}",
                    kind.key(),
                    kind.keys()
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        match k.as_str() {
            "from" => intent.from = words(file, k, v)?,
            "to" => intent.to = words(file, k, v)?,
            "exclude" => intent.exclude = words(file, k, v)?,
            "via" => intent.via = words(file, k, v)?,
            "protocol" => intent.protocol = Some(parse_protocol(file, v)?),
            _ => {
                if let Some(other) = port_key {
                    return Err(at(file, *kp, format!("both `{other}` and `{k}` are given")));
                }
                port_key = Some(k);
                intent.ports = Some(parse_ports(file, k, v)?);
            }
        }
    }
    for (key, missing) in [
        ("from", intent.from.is_empty()),
        ("to", intent.to.is_empty()),
        ("via", kind == Kind::Through && intent.via.is_empty()),
    ] {
        if missing {
            return Err(at(
                file,
                kind_pos,
                format!("`{}` needs `{key}`", kind.key()),
            ));
        }
    }
    if intent.ports.is_some() && !matches!(intent.protocol, None | Some(6 | 17 | 132)) {
        return Err(at(
            file,
            kind_pos,
            "ports apply to `tcp`, `udp` and `sctp` only",
        ));
    }
    Ok(intent)
}

/// Reads an intents file named `file` (the name is only used in errors).
pub fn parse(file: &str, text: &str) -> Result<Vec<Intent>, IntentsError> {
    let start = Pos { line: 1, column: 1 };
    let root = parse_tree(text).map_err(|(p, m)| at(file, p, m))?;
    let Some(Node {
        value: Value::Map(top),
        ..
    }) = root
    else {
        return Err(at(
            file,
            start,
            "an intents file is a mapping with `intents:`",
        ));
    };
    let mut list = None;
    for (k, kp, v) in &top {
        if k != "intents" {
            return Err(at(
                file,
                *kp,
                format!("unknown key `{k}`; expected `intents`"),
            ));
        }
        list = Some(v);
    }
    let Some(list) = list else {
        return Err(at(
            file,
            start,
            "an intents file is a mapping with `intents:`",
        ));
    };
    let Value::Seq(items) = &list.value else {
        return Err(at(file, list.pos, "`intents`: expected a list"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, n)| parse_intent(file, i, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_keep_their_positions() {
        let text = "intents:\n  - name: a\n    isolated:\n      from: internet\n      to: [x, y]\n      port: 22\n";
        let got = parse("f.yaml", text).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, Kind::Isolated);
        assert_eq!(
            got[0].to[1].pos,
            Pos {
                line: 5,
                column: 15
            }
        );
        assert_eq!(got[0].ports, Some((22, 22)));
        assert_eq!(got[0].pos.line, 2);
    }

    #[test]
    fn mistakes_are_located() {
        let text = "intents:\n  - isolated:\n      from: internet\n      too: x\n";
        let e = parse("f.yaml", text).unwrap_err().to_string();
        assert!(e.starts_with("f.yaml:4:7: unknown key `too`"), "{e}");
        let e = parse(
            "f.yaml",
            "intents:\n  - reachable: {from: a, to: b, port: 70000}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.yaml:2:"), "{e}");
        assert!(e.contains("70000"), "{e}");
        let e = parse("f.yaml", "intents:\n  - through: {from: a, to: b}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs `via`"), "{e}");
        assert!(parse("f.yaml", "a: &x 1\nintents: *x\n").is_err());
    }

    #[test]
    fn recognised_by_content() {
        assert!(is_intents("# c\nintents:\n  - name: a\n"));
        assert!(!is_intents("vpcs:\n  - name: intents\n"));
    }
}
