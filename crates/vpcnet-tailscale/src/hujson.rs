//! HuJSON ("human JSON", the policy file's format): JSON plus `//` and `/* */`
//! comments and a trailing comma after the last element of an array or object.
//!
//! The reader keeps the line and column of every value and key, so that a finding
//! about any part of the document points at it without a second pass. Plain JSON (the
//! API's device and user lists) is HuJSON too and goes through the same reader.
//!
//! Nothing else is accepted: no single quotes, no unquoted keys, no `NaN`. Nesting is
//! limited to [`MAX_DEPTH`] levels so that hostile input cannot exhaust the stack.

use std::fmt;

/// How deep arrays and objects may nest.
pub(crate) const MAX_DEPTH: usize = 128;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub(crate) line: u32,
    pub(crate) col: u32,
}

/// A value with the position of its first character.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Val {
    pub(crate) kind: Kind,
    pub(crate) pos: Pos,
}

/// An object member: the key as written, where it is, and its value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: String,
    pub(crate) key_pos: Pos,
    pub(crate) val: Val,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// A number, as written (valid JSON number syntax).
    Num(String),
    Str(String),
    Arr(Vec<Val>),
    /// Members in document order; duplicates are kept (the reader of the shape decides).
    Obj(Vec<Member>),
}

impl Val {
    /// What the value is, for messages: `a string`, `an array`, …
    pub(crate) fn what(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Num(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Arr(_) => "an array",
            Kind::Obj(_) => "an object",
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Text that is not HuJSON, with where it stops making sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, lower-case.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Parses one HuJSON value filling the whole text (a leading byte-order mark is
/// skipped).
pub(crate) fn parse(text: &str) -> Result<Val, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        src: text.as_bytes(),
        at: 0,
        line: 1,
        col: 1,
    };
    p.skip_space()?;
    let v = p.value(0)?;
    p.skip_space()?;
    if p.at < p.src.len() {
        return Err(p.error_here("unexpected text after the end of the document"));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a [u8],
    at: usize,
    line: u32,
    col: u32,
}

impl Parser<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn error_at(&self, pos: Pos, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: pos.line,
            column: pos.col,
            message: message.into(),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.pos(), message)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.at).copied()
    }

    /// Moves past one byte, keeping line and column (a column is a character: UTF-8
    /// continuation bytes do not count).
    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.at += 1;
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col = self.col.saturating_add(1);
            }
        }
    }

    /// The character starting at the current byte, for messages.
    fn describe_here(&self) -> String {
        match self.peek() {
            None => "the end of the text".to_owned(),
            Some(_) => {
                let rest = std::str::from_utf8(&self.src[self.at..]).unwrap_or("");
                match rest.chars().next() {
                    Some(c) if c.is_control() => format!("`{}`", c.escape_default()),
                    Some(c) => format!("`{c}`"),
                    None => "a broken character".to_owned(),
                }
            }
        }
    }

    /// Skips whitespace and comments.
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                Some(b'/') => {
                    let start = self.pos();
                    match self.src.get(self.at + 1) {
                        Some(b'/') => {
                            while !matches!(self.peek(), None | Some(b'\n')) {
                                self.bump();
                            }
                        }
                        Some(b'*') => {
                            self.bump();
                            self.bump();
                            loop {
                                match self.peek() {
                                    None => {
                                        return Err(self.error_at(
                                            start,
                                            "a `/*` comment is never closed with `*/`",
                                        ))
                                    }
                                    Some(b'*') if self.src.get(self.at + 1) == Some(&b'/') => {
                                        self.bump();
                                        self.bump();
                                        break;
                                    }
                                    Some(_) => self.bump(),
                                }
                            }
                        }
                        _ => {
                            return Err(self.error_here("expected `//` or `/*` to start a comment"))
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Val, SyntaxError> {
        let pos = self.pos();
        let kind = match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error_here(format!(
                        "arrays and objects nest deeper than {MAX_DEPTH} levels"
                    )));
                }
                self.object(depth + 1)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error_here(format!(
                        "arrays and objects nest deeper than {MAX_DEPTH} levels"
                    )));
                }
                self.array(depth + 1)?
            }
            Some(b'"') => Kind::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Num(self.number()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'\'') => {
                return Err(self.error_here("strings take double quotes (`\"`), not single quotes"))
            }
            _ => {
                return Err(
                    self.error_here(format!("expected a value, found {}", self.describe_here()))
                )
            }
        };
        Ok(Val { kind, pos })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        let end = self.at + word.len();
        if self.src.get(self.at..end) == Some(word.as_bytes())
            && !matches!(self.src.get(end), Some(b) if b.is_ascii_alphanumeric() || *b == b'_')
        {
            for _ in 0..word.len() {
                self.bump();
            }
            Ok(kind)
        } else {
            Err(self.error_here(format!("expected a value, found {}", self.describe_here())))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind, SyntaxError> {
        let open = self.pos();
        self.bump();
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            match self.peek() {
                Some(b']') => {
                    self.bump();
                    return Ok(Kind::Arr(items));
                }
                None => {
                    return Err(self.error_at(open, "this `[` is never closed with `]`"));
                }
                _ => {}
            }
            items.push(self.value(depth)?);
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {}
                None => return Err(self.error_at(open, "this `[` is never closed with `]`")),
                _ => {
                    return Err(self.error_here(format!(
                        "expected `,` or `]` after an array element, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind, SyntaxError> {
        let open = self.pos();
        self.bump();
        let mut members = Vec::new();
        loop {
            self.skip_space()?;
            let key_pos = self.pos();
            match self.peek() {
                Some(b'}') => {
                    self.bump();
                    return Ok(Kind::Obj(members));
                }
                Some(b'"') => {}
                None => return Err(self.error_at(open, "this `{` is never closed with `}`")),
                _ => {
                    return Err(self.error_here(format!(
                        "expected a key in double quotes or `}}`, found {}",
                        self.describe_here()
                    )))
                }
            }
            let key = self.string()?;
            self.skip_space()?;
            if self.peek() != Some(b':') {
                return Err(self.error_here(format!(
                    "expected `:` after the key `{key}`, found {}",
                    self.describe_here()
                )));
            }
            self.bump();
            self.skip_space()?;
            let val = self.value(depth)?;
            members.push(Member { key, key_pos, val });
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {}
                None => return Err(self.error_at(open, "this `{` is never closed with `}`")),
                _ => {
                    return Err(self.error_here(format!(
                        "expected `,` or `}}` after an object member, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b) if b.is_ascii_hexdigit() => (b as char).to_digit(16).unwrap_or(0),
                _ => return Err(self.error_here("`\\u` takes four hexadecimal digits")),
            };
            n = n * 16 + d;
            self.bump();
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos();
        self.bump();
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, "this string is never closed with `\"`")),
                Some(b'"') => {
                    self.bump();
                    break;
                }
                Some(b'\n') => {
                    return Err(
                        self.error_at(open, "this string is never closed with `\"` on its line")
                    )
                }
                Some(b) if b < 0x20 => {
                    return Err(
                        self.error_here("a control character must be escaped inside a string")
                    )
                }
                Some(b'\\') => {
                    let esc_pos = self.pos();
                    self.bump();
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.bump();
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.peek() == Some(b'\\')
                                    && self.src.get(self.at + 1) == Some(&b'u')
                                {
                                    self.bump();
                                    self.bump();
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.error_at(esc_pos, "a high surrogate `\\u` escape is not followed by a low one"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.error_at(esc_pos, "a high surrogate `\\u` escape is not followed by a low one"));
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.error_at(
                                    esc_pos,
                                    "a low surrogate `\\u` escape without a high one",
                                ));
                            } else {
                                hi
                            };
                            let c = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => {
                            return Err(self.error_at(
                                esc_pos,
                                format!(
                                    "`\\` followed by {} is not an escape",
                                    self.describe_here()
                                ),
                            ))
                        }
                    };
                    self.bump();
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(b) => {
                    out.push(b);
                    self.bump();
                }
            }
        }
        // The input is a `&str` and escapes add whole characters, so this holds.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn digits(&mut self) -> usize {
        let mut n = 0;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
            n += 1;
        }
        n
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.at;
        let pos = self.pos();
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => {
                self.bump();
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(
                        self.error_at(pos, "a number cannot start with `0` followed by digits")
                    );
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error_at(pos, "expected digits after `-`")),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if self.digits() == 0 {
                return Err(self.error_here("expected digits after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(self.error_here("expected digits in the exponent"));
            }
        }
        Ok(String::from_utf8_lossy(&self.src[start..self.at]).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(v) => format!("ok {}", v.what()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn comments_and_trailing_commas() {
        let v =
            parse("// lead\n{ /* a */ \"a\": [1, 2,], // x\n \"b\": {\"c\": true,}, }").unwrap();
        let Kind::Obj(m) = &v.kind else {
            panic!("{v:?}")
        };
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].key_pos, Pos { line: 3, col: 2 });
        assert_eq!(v.pos, Pos { line: 2, col: 1 });
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(
            err("{\n  \"a\": 1\n  \"b\": 2}"),
            "3:3: expected `,` or `}` after an object member, found `\"`"
        );
        assert_eq!(
            err("{\"a\": [1, 2}"),
            "1:12: expected `,` or `]` after an array element, found `}`"
        );
        assert_eq!(
            err("/* never"),
            "1:1: a `/*` comment is never closed with `*/`"
        );
        assert_eq!(err("{\"é\": x}"), "1:7: expected a value, found `x`");
        assert_eq!(err("[,]"), "1:2: expected a value, found `,`");
        assert_eq!(
            err("{} {}"),
            "1:4: unexpected text after the end of the document"
        );
        assert_eq!(
            err("{'a': 1}"),
            "1:2: expected a key in double quotes or `}`, found `'`"
        );
        assert_eq!(
            err("[01]"),
            "1:2: a number cannot start with `0` followed by digits"
        );
        assert_eq!(
            err("\"\\ud800\""),
            "1:2: a high surrogate `\\u` escape is not followed by a low one"
        );
        assert_eq!(
            err("[1 / 2]"),
            "1:4: expected `//` or `/*` to start a comment"
        );
        assert_eq!(err(""), "1:1: expected a value, found the end of the text");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(err(&deep).contains("nest deeper"));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(err(&ok), "ok an array");
    }

    #[test]
    fn escapes_decode() {
        let v = parse(r#""a\"\\\/\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"\\/\né😀"));
    }
}
