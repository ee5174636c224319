//! Mutated fixtures never panic: every fifth value of a fixture, in turn, is replaced
//! by a value of another type, and both networks of the result load. Every value
//! would take half a minute in a debug build; the fuzz target `tf_load` covers the
//! rest at random. The hand-written plans that link through modules, `for_each` and
//! locals are mutated at every other value, the larger transit gateway plan and the
//! plan of endpoints, load balancers and PrivateLink at every third.

use serde_json::Value;
use vpcnet_model::NetworkBuilder;
use vpcnet_terraform::{load_into, Which};

use crate::endpoints_lb::endpoints_lb_plan;
use crate::links::{for_each_over_a_module, rules_through_locals};
use crate::support::data;
use crate::tgw::tgw_plan;

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

/// Every `step`th value of a hand-written plan replaced in turn.
fn values_replaced_still_load(text: &str, step: usize) {
    let subs = [
        Value::Null,
        Value::from(-1),
        Value::from("x"),
        Value::Array(vec![Value::Null]),
        Value::Bool(true),
        Value::from("local.x"),
    ];
    let doc: Value = serde_json::from_str(text).expect("json");
    let mut ptrs = Vec::new();
    pointers(&doc, String::new(), &mut ptrs);
    for (k, p) in ptrs.iter().enumerate().step_by(step) {
        let mut d = doc.clone();
        if let Some(slot) = d.pointer_mut(p) {
            *slot = subs[(k / step) % subs.len()].clone();
        }
        let t = d.to_string();
        for which in [Which::Planned, Which::Prior] {
            let mut b = NetworkBuilder::new();
            let _ = load_into(&mut b, "plan.json", &t, which);
        }
    }
}

#[test]
fn every_value_of_the_linking_plans_replaced_still_loads() {
    for text in [for_each_over_a_module(), rules_through_locals()] {
        values_replaced_still_load(&text, 2);
    }
}

#[test]
fn every_value_of_the_transit_gateway_plan_replaced_still_loads() {
    let text = tgw_plan(true);
    // Unchanged, the plan is read into transit gateways, so the mutations reach them.
    let mut b = NetworkBuilder::new();
    load_into(&mut b, "plan.json", &text, Which::Planned).expect("the plan loads");
    assert_eq!(b.finish().0.transit_gateways().len(), 2);
    values_replaced_still_load(&text, 3);
}

#[test]
fn every_value_of_the_endpoints_and_load_balancers_plan_replaced_still_loads() {
    let text = endpoints_lb_plan(true, "arn:aws:iam::222222222222:root");
    // Unchanged, the plan is read into endpoints, load balancers and a service, so the
    // mutations reach them.
    let mut b = NetworkBuilder::new();
    load_into(&mut b, "plan.json", &text, Which::Planned).expect("the plan loads");
    let net = b.finish().0;
    assert_eq!(net.load_balancers().len(), 2);
    assert_eq!(net.vpc_endpoints().len(), 4);
    assert_eq!(net.endpoint_services().len(), 1);
    values_replaced_still_load(&text, 3);
}
