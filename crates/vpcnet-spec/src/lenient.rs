//! `Lenient<T>`: a list item that failed to parse stays in the list as an error, so one
//! bad subnet does not hide the other hundred.

use std::borrow::Cow;

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

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
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
