//! A small, deterministic YAML writer for specs: block style, with short all-scalar
//! mappings and lists written on one line (`{protocol: tcp, ports: 9000, cidr: …}`),
//! and strings quoted exactly when they would otherwise read back as something else.

use serde_json::Value;

const FLOW_WIDTH: usize = 100;

pub(crate) fn yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => block_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => block_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn indent(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn flow(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) if m.values().all(is_scalar) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), scalar(v)))
                .collect();
            Some(format!("{{{}}}", parts.join(", ")))
        }
        Value::Array(a) if a.iter().all(is_scalar) => {
            let parts: Vec<String> = a.iter().map(scalar).collect();
            Some(format!("[{}]", parts.join(", ")))
        }
        _ => None,
    }
    .filter(|s| s.len() <= FLOW_WIDTH)
}

fn block_map(m: &serde_json::Map<String, Value>, ind: usize, out: &mut String) {
    let mut first = true;
    for (k, v) in m {
        if !first {
            indent(ind, out);
        }
        first = false;
        out.push_str(&string(k));
        out.push(':');
        value_after_key(v, ind, out);
    }
}

fn value_after_key(v: &Value, ind: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            if let Some(f) = flow(v).filter(|_| m.len() <= 3) {
                out.push(' ');
                out.push_str(&f);
                out.push('\n');
            } else {
                out.push('\n');
                indent(ind + 2, out);
                block_map(m, ind + 2, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            if let Some(f) = flow(v) {
                out.push(' ');
                out.push_str(&f);
                out.push('\n');
            } else {
                out.push('\n');
                block_seq(a, ind + 2, out);
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn block_seq(a: &[Value], ind: usize, out: &mut String) {
    for item in a {
        indent(ind, out);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => match flow(item) {
                Some(f) => {
                    out.push_str(&f);
                    out.push('\n');
                }
                None => block_map(m, ind + 2, out),
            },
            Value::Array(inner) if !inner.is_empty() => match flow(item) {
                Some(f) => {
                    out.push_str(&f);
                    out.push('\n');
                }
                None => {
                    out.push('\n');
                    block_seq(inner, ind + 2, out);
                }
            },
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

fn string(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '\t', '{', '}', '[', ']', ','])
        && s.chars().all(|c| !c.is_control())
        && crate::yaml::parse(s).ok() == Some(Value::String(s.to_owned()));
    if plain_ok {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_the_reader() {
        let v = json!({
            "vpcs": [{"name": "a", "cidr": "10.0.0.0/16", "tags": {"team": "9000", "x": "yes: no"},
                      "subnets": [{"name": "s", "cidr": "10.0.1.0/24"}], "empty": [], "flag": true,
                      "n": null, "odd": "- dash", "hash": "a #b", "t": "true"}]
        });
        let text = yaml(&v);
        assert_eq!(crate::yaml::parse(&text).unwrap(), v, "{text}");
    }
}
