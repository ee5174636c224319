//! Positions in JSON text, on demand: the JSON pointer at a byte offset (where a
//! truncated file stops), and the line and column of given pointers (for diagnostics).
//!
//! Neither runs on the happy path. The walker is tolerant: it follows brackets,
//! strings and commas without validating, so it also works on the broken files it is
//! asked about, and it keeps its stack on the heap, so deep nesting cannot overflow.

use std::collections::{HashMap, HashSet};

use crate::lenient::escape;

enum Frame {
    Object { base: usize },
    Array { base: usize, index: usize },
}

fn is_delim(c: u8) -> bool {
    matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b':')
}

/// The string starting at `s[i] == '"'`: its decoded text and the offset after it.
fn string(text: &str, i: usize) -> (String, usize) {
    let s = text.as_bytes();
    let mut j = i + 1;
    while j < s.len() {
        match s[j] {
            b'\\' => j += 2,
            b'"' => {
                let raw = &text[i..=j];
                let decoded = serde_json::from_str::<String>(raw)
                    .unwrap_or_else(|_| text[i + 1..j].to_owned());
                return (decoded, j + 1);
            }
            _ => j += 1,
        }
    }
    let end = s.len();
    let inner = text.get(i + 1..end).unwrap_or_default().to_owned();
    (inner, end)
}

/// Walks `text` up to byte `limit`, calling `at(pointer, offset)` where each value
/// starts; returns the pointer current when it stops.
fn walk(text: &str, limit: usize, mut at: impl FnMut(&str, usize)) -> String {
    let s = text.as_bytes();
    let mut ptr = String::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut want_key = false;
    let mut i = 0;
    while i < s.len() && i < limit {
        let c = s[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b':' => i += 1,
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { base }) => {
                        ptr.truncate(*base);
                        want_key = true;
                    }
                    Some(Frame::Array { base, index }) => {
                        ptr.truncate(*base);
                        *index += 1;
                    }
                    None => {}
                }
                i += 1;
            }
            b'}' | b']' => {
                if let Some(Frame::Object { base } | Frame::Array { base, .. }) = stack.pop() {
                    ptr.truncate(base);
                }
                want_key = false;
                i += 1;
            }
            b'"' if want_key => {
                let (key, end) = string(text, i);
                ptr.push('/');
                ptr.push_str(&escape(&key));
                want_key = false;
                i = end;
            }
            _ => {
                if let Some(Frame::Array { base, index }) = stack.last() {
                    ptr.truncate(*base);
                    ptr.push('/');
                    ptr.push_str(&index.to_string());
                }
                at(&ptr, i);
                match c {
                    b'{' => {
                        stack.push(Frame::Object { base: ptr.len() });
                        want_key = true;
                        i += 1;
                    }
                    b'[' => {
                        stack.push(Frame::Array {
                            base: ptr.len(),
                            index: 0,
                        });
                        i += 1;
                    }
                    b'"' => i = string(text, i).1,
                    _ => {
                        i += 1;
                        while i < s.len() && !is_delim(s[i]) {
                            i += 1;
                        }
                    }
                }
            }
        }
    }
    ptr
}

/// The byte offset of serde_json's 1-based `line` and `column`, clamped to the text.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let mut off = (start + column).min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    off
}

/// The 1-based column, in characters, of byte `offset`.
pub(crate) fn column_at(text: &str, offset: usize) -> u32 {
    let mut off = offset.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..off].chars().count() as u32 + 1
}

/// The JSON pointer of the value being read at byte `offset`.
pub(crate) fn pointer_at(text: &str, offset: usize) -> String {
    walk(text, offset, |_, _| {})
}

/// The line and column (1-based) where each wanted pointer's value starts.
pub(crate) fn find(text: &str, wanted: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    let mut offsets: HashMap<String, usize> = HashMap::new();
    walk(text, usize::MAX, |p, off| {
        if wanted.contains(p) && !offsets.contains_key(p) {
            offsets.insert(p.to_owned(), off);
        }
    });
    let mut by_offset: Vec<(usize, String)> = offsets.into_iter().map(|(p, o)| (o, p)).collect();
    by_offset.sort();
    let mut out = HashMap::new();
    let (mut line, mut line_start, mut at) = (1u32, 0usize, 0usize);
    for (off, p) in by_offset {
        for (i, b) in text.as_bytes()[at..off].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = at + i + 1;
            }
        }
        at = off;
        let col = text[line_start..off].chars().count() as u32 + 1;
        out.insert(p, (line, col));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pointer_where_a_truncated_file_stops() {
        let text = r#"{"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2", "CidrBlock": "10.0"#;
        assert_eq!(pointer_at(text, text.len()), "/Vpcs/1/CidrBlock");
        let text = r#"{"Subnets": [{"SubnetId": "a"}, "#;
        assert_eq!(pointer_at(text, text.len()), "/Subnets");
        assert_eq!(pointer_at("[[[[[[[[", 8), "/0/0/0/0/0/0/0");
    }

    #[test]
    fn lines_and_columns_of_pointers() {
        let text = "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-é\", \"CidrBlock\": 10}\n  ],\n  \"a/b\": 1\n}";
        let wanted: HashSet<String> = ["/Vpcs/0/CidrBlock", "/Vpcs", "/a~1b", "/nope"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        let found = find(text, &wanted);
        assert_eq!(found.get("/Vpcs"), Some(&(2, 11)));
        assert_eq!(found.get("/Vpcs/0/CidrBlock"), Some(&(3, 37)));
        assert_eq!(found.get("/a~1b"), Some(&(5, 10)));
        assert_eq!(found.get("/nope"), None);
    }
}
