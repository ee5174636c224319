//! `Lenient<T>`: a list item that failed to parse stays in the list as an error, so one
//! bad subnet does not hide the other hundred.
//!
//! An item is first read into a JSON value of its own, so a mistake cannot disturb its
//! neighbours. Items nest (a VPC's subnets are lenient too), and reading every level
//! through a fresh value with its own path tracker copied a rule four times. So the
//! outermost lenient item reads its value once, without path tracking, with the items
//! inside it read straight from that value; only when something in it is wrong is the
//! item read again the careful way, which finds each bad inner item and its pointer.
//! The result is the same either way; valid input just gets there faster. (This relies
//! on no `Lenient` sitting inside an untagged enum, where an inner error on the fast
//! path would select another variant; the wire structs have none.)

use std::borrow::Cow;
use std::cell::Cell;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an item could not be read: a JSON pointer relative to the item, and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemError {
    /// Pointer inside the item (empty for the item itself).
    pub pointer: String,
    /// What was wrong.
    pub message: String,
}

/// A parsed item, or the reason it could not be parsed.
#[derive(Clone, Debug)]
pub enum Lenient<T> {
    /// Parsed.
    Ok(T),
    /// Not parsed.
    Err(ItemError),
}

impl<T> From<T> for Lenient<T> {
    fn from(t: T) -> Self {
        Lenient::Ok(t)
    }
}

thread_local! {
    /// Set while an outer lenient item is read on the fast path: inner items then read
    /// straight through, and any error fails the outer attempt instead of being kept.
    static FAST: Cell<bool> = const { Cell::new(false) };
}

/// Sets [`FAST`] for its lifetime (also when unwinding).
struct FastPath;

impl FastPath {
    fn enter() -> FastPath {
        FAST.with(|f| f.set(true));
        FastPath
    }
}

impl Drop for FastPath {
    fn drop(&mut self) {
        FAST.with(|f| f.set(false));
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if FAST.with(Cell::get) {
            // Inside an item on the fast path: an error here sends the outer item
            // down the careful path, which reads this one again on its own.
            return T::deserialize(d).map(Lenient::Ok);
        }
        let value = serde_json::Value::deserialize(d)?;
        let fast = {
            let _fast = FastPath::enter();
            T::deserialize(&value)
        };
        if let Ok(t) = fast {
            return Ok(Lenient::Ok(t));
        }
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(t) => Ok(Lenient::Ok(t)),
            Err(e) => {
                let mut pointer = String::new();
                for seg in e.path().iter() {
                    use serde_path_to_error::Segment;
                    match seg {
                        Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                        Segment::Map { key } => {
                            pointer.push('/');
                            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                        }
                        Segment::Enum { .. } | Segment::Unknown => {}
                    }
                }
                Ok(Lenient::Err(ItemError {
                    pointer,
                    message: e.into_inner().to_string(),
                }))
            }
        }
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Ok(t) => t.serialize(s),
            Lenient::Err(_) => s.serialize_none(),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Lenient<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[allow(dead_code)] // read only to be checked
        n: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        #[serde(default)]
        items: Vec<Lenient<Inner>>,
    }

    fn shape<T>(l: &Lenient<T>, ok: impl Fn(&T) -> String) -> String {
        match l {
            Lenient::Ok(t) => ok(t),
            Lenient::Err(e) => format!("err {:?}", e.pointer),
        }
    }

    /// Each outer item as `name[inner, …]` or `err POINTER`.
    fn read(json: &str) -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let items: Vec<Lenient<Outer>> = serde_json::from_value(value).unwrap();
        items
            .iter()
            .map(|o| {
                shape(o, |o| {
                    let inner: Vec<String> = o
                        .items
                        .iter()
                        .map(|i| shape(i, |_| "ok".to_owned()))
                        .collect();
                    format!("{}[{}]", o.name, inner.join(", "))
                })
            })
            .collect()
    }

    #[test]
    fn bad_items_are_kept_at_every_level_and_the_rest_loads() {
        let got = read(
            r#"[{"name": "a", "items": [{"n": 1}, {"n": "x"}, {"m": 2}]},
                {"name": "b", "items": [{"n": 2}]},
                {"name": 7, "items": [{"n": 3}]}]"#,
        );
        assert_eq!(
            got,
            [r#"a[ok, err "/n", err "/m"]"#, "b[ok]", r#"err "/name""#]
        );
    }
}
