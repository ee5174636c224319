//! A small builder for JSON objects in the AWS CLI's shape: PascalCase keys in the
//! order the CLI prints them, and a field that AWS did not send is left out (the
//! SDK's `None`), never written as `null`. An empty list that AWS did send stays.

use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
use serde_json::{Map, Value};

/// An SDK enum whose wire spelling is what the CLI prints.
pub(crate) trait Wire {
    /// The value as sent on the wire (`available`, `tcp`, …).
    fn wire(&self) -> &str;
}

/// Implements [`Wire`] for SDK enums, which all have an inherent `as_str`.
macro_rules! wire {
    ($($t:path),* $(,)?) => {
        $(impl $crate::json::Wire for $t {
            fn wire(&self) -> &str {
                self.as_str()
            }
        })*
    };
}
pub(crate) use wire;

/// One JSON object being built.
#[derive(Default)]
pub(crate) struct Obj(Map<String, Value>);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(Map::new())
    }

    /// A string field.
    pub(crate) fn s(mut self, key: &str, v: &Option<String>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), Value::String(v.clone()));
        }
        self
    }

    /// A string field that the SDK does not wrap in an `Option`.
    pub(crate) fn s_req(mut self, key: &str, v: &str) -> Self {
        self.0.insert(key.to_owned(), Value::String(v.to_owned()));
        self
    }

    /// An enum field, as its wire string.
    pub(crate) fn e<E: Wire>(mut self, key: &str, v: &Option<E>) -> Self {
        if let Some(v) = v {
            self.0
                .insert(key.to_owned(), Value::String(v.wire().to_owned()));
        }
        self
    }

    /// A boolean field.
    pub(crate) fn b(mut self, key: &str, v: Option<bool>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), Value::Bool(v));
        }
        self
    }

    /// An integer field.
    pub(crate) fn i<N: Into<i64>>(mut self, key: &str, v: Option<N>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), Value::from(v.into()));
        }
        self
    }

    /// A timestamp, as the CLI prints it (`2024-05-01T12:00:00+00:00`).
    pub(crate) fn t(mut self, key: &str, v: &Option<DateTime>) -> Self {
        if let Some(v) = v
            .as_ref()
            .and_then(|v| v.fmt(DateTimeFormat::DateTime).ok())
        {
            let v = match v.strip_suffix('Z') {
                Some(head) => format!("{head}+00:00"),
                None => v,
            };
            self.0.insert(key.to_owned(), Value::String(v));
        }
        self
    }

    /// A nested object.
    pub(crate) fn o<T>(mut self, key: &str, v: &Option<T>, f: impl Fn(&T) -> Value) -> Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), f(v));
        }
        self
    }

    /// A list of objects (or of anything `f` makes).
    pub(crate) fn l<T>(mut self, key: &str, v: &Option<Vec<T>>, f: impl Fn(&T) -> Value) -> Self {
        if let Some(v) = v {
            self.0
                .insert(key.to_owned(), Value::Array(v.iter().map(f).collect()));
        }
        self
    }

    /// A list of strings.
    pub(crate) fn ls(self, key: &str, v: &Option<Vec<String>>) -> Self {
        self.l(key, v, |s| Value::String(s.clone()))
    }

    /// A value made elsewhere.
    pub(crate) fn v(mut self, key: &str, v: Option<Value>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), v);
        }
        self
    }

    pub(crate) fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// `{"<key>": [items]}`: the top level of a file, as the CLI prints a list call.
pub(crate) fn top(key: &str, items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), Value::Array(items));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_is_left_out_and_empty_lists_stay() {
        let v = Obj::new()
            .s("VpcId", &Some("vpc-1".to_owned()))
            .s("CidrBlock", &None)
            .b("IsDefault", Some(false))
            .i::<i32>("FromPort", None)
            .ls("Cidrs", &Some(Vec::new()))
            .t("LaunchTime", &Some(DateTime::from_secs(1_700_000_000)))
            .done();
        assert_eq!(
            v.to_string(),
            r#"{"VpcId":"vpc-1","IsDefault":false,"Cidrs":[],"LaunchTime":"2023-11-14T22:13:20+00:00"}"#
        );
    }
}
