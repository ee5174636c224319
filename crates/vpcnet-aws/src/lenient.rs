//! Reading AWS JSON one item at a time, so one bad route does not hide the other
//! hundred, without paying for that on valid input.
//!
//! A list is first read in one go, strictly, with every nested lenient list read
//! straight through ([`Lenient`] in *fast* mode). Only when that fails is the list read
//! again the careful way: as raw slices of the text, each item on its own, and inside
//! an item each nested lenient item from its own slice, with a path tracker that turns
//! the first error of an item into a JSON pointer. Valid input is parsed once; a bad
//! item costs a second look at the list it is in. (The mode is a thread-local flag, as
//! a `Deserialize` impl has no other way to learn it; it is restored on every exit.)
//!
//! [`Str`] borrows from the text when the JSON string has no escapes, so ids and CIDRs
//! are not copied until the model needs them.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::value::RawValue;

thread_local! {
    /// Set while a list or item is read on the fast path: nested lenient items then
    /// read straight through, and any error fails the whole attempt.
    static FAST: Cell<bool> = const { Cell::new(false) };
}

/// Sets the mode for its lifetime and restores the previous one when dropped.
struct Mode {
    prev: bool,
}

impl Mode {
    fn set(fast: bool) -> Mode {
        Mode {
            prev: FAST.with(|f| f.replace(fast)),
        }
    }
}

impl Drop for Mode {
    fn drop(&mut self) {
        FAST.with(|f| f.set(self.prev));
    }
}

/// Why an item could not be read: a JSON pointer relative to the item, and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ItemError {
    /// Pointer inside the item (empty for the item itself).
    pub(crate) pointer: String,
    /// What was wrong.
    pub(crate) message: String,
}

/// A nested list item that parsed, or the reason it did not.
#[derive(Debug)]
pub(crate) enum Lenient<T> {
    /// Parsed.
    Ok(T),
    /// Not parsed.
    Err(ItemError),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if FAST.with(Cell::get) {
            return T::deserialize(d).map(Lenient::Ok);
        }
        let raw = <&'de RawValue>::deserialize(d)?;
        Ok(match item::<T>(raw.get()) {
            Ok(t) => Lenient::Ok(t),
            Err(e) => Lenient::Err(e),
        })
    }
}

/// Runs `f` on the fast path: nested lenient items read straight through.
pub(crate) fn fast<R>(f: impl FnOnce() -> R) -> R {
    let _fast = Mode::set(true);
    f()
}

/// Reads one item from its own slice of text: fast first, then carefully.
pub(crate) fn item<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, ItemError> {
    {
        let _fast = Mode::set(true);
        if let Ok(t) = serde_json::from_str::<T>(text) {
            return Ok(t);
        }
    }
    let _careful = Mode::set(false);
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| ItemError {
        pointer: pointer_of(e.path()),
        message: clean(&e.inner().to_string()),
    })
}

/// Reads a JSON array of `T` (the value of a top-level key): every item that parses,
/// and for each one that does not, its index and why. `Err` when it is not an array.
pub(crate) fn list<'a, T: Deserialize<'a>>(
    text: &'a str,
) -> Result<Vec<Lenient<T>>, serde_json::Error> {
    {
        let _fast = Mode::set(true);
        if let Ok(all) = serde_json::from_str::<Vec<T>>(text) {
            return Ok(all.into_iter().map(Lenient::Ok).collect());
        }
    }
    let _careful = Mode::set(false);
    serde_json::from_str::<Vec<Lenient<T>>>(text)
}

/// A JSON pointer for a serde path.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// A serde_json message without its ` at line L column C` suffix: positions inside an
/// item's slice mean nothing to the reader, who gets a pointer instead.
pub(crate) fn clean(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// A JSON string, borrowed from the text when it has no escapes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Str<'a>(pub(crate) Cow<'a, str>);

impl Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor)
    }
}

/// A protocol as AWS writes it: a string (`"tcp"`, `"-1"`, `"6"`), or, from tools that
/// convert, a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Proto<'a>(pub(crate) Str<'a>);

struct ProtoVisitor;

impl<'de> Visitor<'de> for ProtoVisitor {
    type Value = Proto<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a protocol name or number")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Proto<'de>, E> {
        Ok(Proto(Str(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Proto<'de>, E> {
        Ok(Proto(Str(Cow::Owned(v.to_owned()))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Proto<'de>, E> {
        Ok(Proto(Str(Cow::Owned(v.to_string()))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Proto<'de>, E> {
        Ok(Proto(Str(Cow::Owned(v.to_string()))))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Proto<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ProtoVisitor)
    }
}

/// A value AWS prints as a string that tools may convert to a number (a listener
/// rule's `Priority`: `"10"` or `"default"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub(crate) Str<'a>);

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Str(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Str(Cow::Owned(v.to_owned()))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(Text(Str(Cow::Owned(v.to_string()))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(Text(Str(Cow::Owned(v.to_string()))))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
    struct Route<'a> {
        destination_cidr_block: Option<Str<'a>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase", bound(deserialize = "'de: 'a"))]
    struct Table<'a> {
        route_table_id: Str<'a>,
        #[serde(default)]
        routes: Vec<Lenient<Route<'a>>>,
    }

    fn shape(items: &[Lenient<Table<'_>>]) -> Vec<String> {
        items
            .iter()
            .map(|t| match t {
                Lenient::Ok(t) => {
                    let routes: Vec<String> = t
                        .routes
                        .iter()
                        .map(|r| match r {
                            Lenient::Ok(r) => r
                                .destination_cidr_block
                                .as_deref()
                                .unwrap_or("-")
                                .to_owned(),
                            Lenient::Err(e) => format!("err {}", e.pointer),
                        })
                        .collect();
                    format!("{}[{}]", &*t.route_table_id, routes.join(", "))
                }
                Lenient::Err(e) => format!("err {} ({})", e.pointer, e.message),
            })
            .collect()
    }

    #[test]
    fn bad_items_are_kept_at_every_level_and_the_rest_loads() {
        let text = r#"[{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/16"},
                        {"DestinationCidrBlock": 5}, {}]},
                       {"RouteTableId": 7},
                       {"RouteTableId": "rtb-\u0033"}]"#;
        let items = list::<Table<'_>>(text).expect("an array");
        assert_eq!(
            shape(&items),
            [
                "rtb-1[10.0.0.0/16, err /DestinationCidrBlock, -]",
                "err /RouteTableId (invalid type: integer `7`, expected a string)",
                "rtb-3[]"
            ]
        );
    }

    #[test]
    fn valid_input_borrows_and_a_non_array_is_an_error() {
        let text = r#"[{"RouteTableId": "rtb-1"}]"#;
        let items = list::<Table<'_>>(text).expect("an array");
        assert!(
            matches!(&items[0], Lenient::Ok(t) if matches!(t.route_table_id.0, Cow::Borrowed(_)))
        );
        assert!(list::<Table<'_>>("5").is_err());
        assert!(!FAST.with(Cell::get), "the mode is restored");
    }
}
