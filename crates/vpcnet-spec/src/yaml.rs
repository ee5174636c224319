//! YAML text to a JSON value, and JSON pointers back to line and column.
//!
//! The spec is read in two passes only when something is wrong: the fast pass builds a
//! `serde_json::Value` from parser events without remembering positions; when a
//! finding needs a line and column, [`locate`] replays the events once for all the
//! pointers that need one. Scalars are typed by the YAML 1.2 core schema, so `9000` is
//! a number and `"9000"` a string. Nesting depth and alias expansion are bounded, so
//! hostile input is an error, not a stack overflow or a memory blow-up.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 256;
/// Most nodes that aliases may expand to, in total.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// A syntax error with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) message: String,
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, usize, Option<String>),
}

struct Walker<'w> {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_nodes: usize,
    root: Option<Value>,
    // Position tracking, only when asked for.
    want: Option<&'w HashSet<String>>,
    path: Vec<String>,
    found: HashMap<String, (u32, u32)>,
    /// A collection just started at this path: its position is its first child's
    /// (the parser marks a block mapping at its first `:`).
    pending: Option<String>,
}

fn pos(m: &Marker) -> (u32, u32) {
    (m.line() as u32, m.col() as u32 + 1)
}

fn err(m: &Marker, message: impl Into<String>) -> YamlError {
    let (line, column) = pos(m);
    YamlError {
        line,
        column,
        message: message.into(),
    }
}

fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

impl Walker<'_> {
    /// Called when a node starts: works out its path segment and notes its position.
    /// Without pointers to look for, no path is kept (the fast pass): `path` stays
    /// empty and popping it at a collection's end does nothing.
    fn enter(&mut self, mark: &Marker, collection: bool) -> Result<Option<String>, YamlError> {
        if self.want.is_none() {
            return Ok(None);
        }
        let seg = match self.stack.last() {
            None => None,
            Some(Frame::Seq(items, _)) => Some(items.len().to_string()),
            Some(Frame::Map(_, _, Some(key))) => Some(escape(key)),
            Some(Frame::Map(_, _, None)) => return Ok(None),
        };
        if let Some(want) = self.want {
            let mut p = String::new();
            for s in self.path.iter().chain(seg.iter()) {
                p.push('/');
                p.push_str(s);
            }
            if want.contains(&p) {
                if collection {
                    self.pending = Some(p);
                } else {
                    self.found.entry(p).or_insert_with(|| pos(mark));
                }
            }
        }
        Ok(seg)
    }

    fn is_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, _, None)))
    }

    fn push_value(&mut self, v: Value, mark: &Marker) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(v),
            Some(Frame::Seq(items, _)) => items.push(v),
            Some(Frame::Map(map, _, key @ None)) => match v {
                Value::String(s) => {
                    if map.contains_key(&s) {
                        return Err(err(mark, format!("duplicate key `{s}`")));
                    }
                    *key = Some(s);
                }
                Value::Number(n) => *key = Some(n.to_string()),
                Value::Bool(b) => *key = Some(b.to_string()),
                Value::Null => *key = Some(String::new()),
                _ => return Err(err(mark, "a mapping key must be a scalar")),
            },
            Some(Frame::Map(map, _, key @ Some(_))) => {
                let k = key.take().unwrap_or_default();
                map.insert(k, v);
            }
        }
        Ok(())
    }

    fn event(&mut self, ev: Event, mark: Marker) -> Result<bool, YamlError> {
        if let Some(p) = self.pending.take() {
            self.found.entry(p).or_insert_with(|| pos(&mark));
        }
        match ev {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => {}
            Event::DocumentEnd | Event::StreamEnd => return Ok(true),
            Event::Alias(id) => {
                self.enter(&mark, false)?;
                let Some((v, n)) = self.anchors.get(&id).cloned() else {
                    return Err(err(&mark, "alias to an unknown anchor"));
                };
                self.alias_nodes += n;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(err(&mark, "aliases expand to too many nodes"));
                }
                self.push_value(v, &mark)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let key = self.is_key_position();
                if !key {
                    self.enter(&mark, false)?;
                }
                let v = scalar(text, style, tag.as_ref().map(|t| t.suffix.as_str()));
                if anchor > 0 {
                    self.anchors.insert(anchor, (v.clone(), 1));
                }
                self.push_value(v, &mark)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.is_key_position() {
                    return Err(err(&mark, "a mapping key must be a scalar"));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(err(
                        &mark,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let seg = self.enter(&mark, true)?;
                if let Some(s) = seg {
                    self.path.push(s);
                }
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), anchor)
                } else {
                    Frame::Map(Map::new(), anchor, None)
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(items, a)) => (Value::Array(items), a),
                    Some(Frame::Map(map, a, _)) => (Value::Object(map), a),
                    None => return Err(err(&mark, "unbalanced collection end")),
                };
                if !self.stack.is_empty() {
                    self.path.pop();
                }
                if anchor > 0 {
                    let n = count_nodes(&v);
                    self.anchors.insert(anchor, (v.clone(), n));
                }
                self.push_value(v, &mark)?;
            }
        }
        Ok(false)
    }
}

fn count_nodes(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count_nodes).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

fn scalar(text: String, style: TScalarStyle, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        match tag {
            "str" => return Value::String(text),
            "int" | "float" => {
                if let Some(v) = number(&text) {
                    return v;
                }
            }
            "bool" => match text.as_str() {
                "true" | "True" | "TRUE" => return Value::Bool(true),
                "false" | "False" | "FALSE" => return Value::Bool(false),
                _ => {}
            },
            "null" => return Value::Null,
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(&text).unwrap_or(Value::String(text)),
    }
}

fn number(text: &str) -> Option<Value> {
    let t = text.strip_prefix('+').unwrap_or(text);
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if neg {
            return t.parse::<i64>().ok().map(|n| Value::Number(n.into()));
        }
        return t.parse::<u64>().ok().map(|n| Value::Number(n.into()));
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().filter(|b| *b == b'.').count() <= 1;
    if float_like {
        return t
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    None
}

fn run<'w>(text: &str, want: Option<&'w HashSet<String>>) -> Result<Walker<'w>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut walker = Walker {
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
        want,
        path: Vec::new(),
        found: HashMap::new(),
        pending: None,
    };
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            let (line, column) = pos(e.marker());
            YamlError {
                line,
                column,
                message: e.info().to_owned(),
            }
        })?;
        if walker.event(ev, mark)? && (walker.root.is_some() || walker.stack.is_empty()) {
            break;
        }
    }
    Ok(walker)
}

/// Parses the first document of `text`; an empty document is `null`.
pub(crate) fn parse(text: &str) -> Result<Value, YamlError> {
    Ok(run(text, None)?.root.unwrap_or(Value::Null))
}

/// The 1-based line and column of the node at each JSON pointer (those found).
pub(crate) fn locate(text: &str, pointers: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    match run(text, Some(pointers)) {
        Ok(w) => w.found,
        Err(_) => HashMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_the_core_schema() {
        let v =
            parse("a: 9000\nb: '9000'\nc: 10.0.0.0/16\nd: true\ne: ~\nf: 1.5\ng: -1\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 9000, "b": "9000", "c": "10.0.0.0/16", "d": true, "e": null, "f": 1.5, "g": -1})
        );
    }

    #[test]
    fn positions_are_one_based() {
        let text = "vpcs:\n  - name: a\n    cidr: 10.0.0.0/16\n";
        let want: HashSet<String> = ["/vpcs/0/cidr".to_owned(), "/vpcs/0".to_owned()].into();
        let found = locate(text, &want);
        assert_eq!(found["/vpcs/0/cidr"], (3, 11));
        assert_eq!(found["/vpcs/0"], (2, 5));
    }

    #[test]
    fn errors_and_limits_are_reported_not_panics() {
        assert!(parse("a: [1, 2").is_err());
        assert!(parse("a: 1\na: 2\n")
            .unwrap_err()
            .message
            .contains("duplicate key"));
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
        let bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        assert!(parse(bomb).unwrap_err().message.contains("too many"));
    }
}
