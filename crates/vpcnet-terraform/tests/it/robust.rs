//! Mutated fixtures never panic: every fifth value of a fixture, in turn, is replaced
//! by a value of another type, and both networks of the result load. Every value
//! would take half a minute in a debug build; the fuzz target `tf_load` covers the
//! rest at random. The hand-written plans that link through modules, `for_each` and
//! locals are mutated at every other value.

use serde_json::Value;
use vpcnet_model::NetworkBuilder;
use vpcnet_terraform::{load_into, Which};

use crate::links::{for_each_over_a_module, rules_through_locals};
use crate::support::data;

/// Every JSON pointer in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn every_value_replaced_by_another_type_still_loads() {
    let subs = [
        Value::Null,
        Value::from(-1),
        Value::from("x"),
        Value::Array(vec![Value::Null]),
        Value::Bool(true),
    ];
    for name in ["seed002.plan.json", "seed003.plan.json", "state.json"] {
        let text = std::fs::read_to_string(data(name)).expect("fixture");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let mut ptrs = Vec::new();
        pointers(&doc, String::new(), &mut ptrs);
        for (k, p) in ptrs.iter().enumerate().step_by(5) {
            let mut d = doc.clone();
            if let Some(slot) = d.pointer_mut(p) {
                *slot = subs[(k / 5) % subs.len()].clone();
            }
            let t = d.to_string();
            for which in [Which::Planned, Which::Prior] {
                let mut b = NetworkBuilder::new();
                let _ = load_into(&mut b, name, &t, which);
            }
        }
    }
}

#[test]
fn every_value_of_the_linking_plans_replaced_still_loads() {
    let subs = [
        Value::Null,
        Value::from(-1),
        Value::from("x"),
        Value::Array(vec![Value::Null]),
        Value::Bool(true),
        Value::from("local.x"),
    ];
    for text in [for_each_over_a_module(), rules_through_locals()] {
        let doc: Value = serde_json::from_str(&text).expect("json");
        let mut ptrs = Vec::new();
        pointers(&doc, String::new(), &mut ptrs);
        for (k, p) in ptrs.iter().enumerate().step_by(2) {
            let mut d = doc.clone();
            if let Some(slot) = d.pointer_mut(p) {
                *slot = subs[(k / 2) % subs.len()].clone();
            }
            let t = d.to_string();
            for which in [Which::Planned, Which::Prior] {
                let mut b = NetworkBuilder::new();
                let _ = load_into(&mut b, "plan.json", &t, which);
            }
        }
    }
}
