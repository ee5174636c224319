//! Symbolic reachability over the examples, checked against the concrete tracer.

use vpcnet_engine::reach::{reach, select, ReachOptions, Role, Selector};
use vpcnet_engine::trace;

use crate::support::net;

fn example(name: &str) -> vpcnet_model::Network {
    net(vpcnet_spec::examples::get(name).expect("built-in example"))
}

#[test]
fn sources_of_sonarqube_in_cross_vpc() {
    let n = example("cross-vpc");
    let to = select(&n, &Selector::parse("sonarqube"), Role::Destination).expect("selects");
    let from = select(&n, &Selector::All, Role::Source).expect("selects");
    let r = reach(&n, &from, &to, &ReachOptions::default());
    let mut text = String::new();
    for row in r.reachable() {
        let flows: Vec<String> = row.flows.iter().map(|f| f.describe()).collect();
        text.push_str(&format!(
            "{} {} -> {}: {}\n",
            row.source.label,
            vpcnet_engine::reach::addresses_text(&row.source.addresses),
            row.destination.label,
            flows.join("; ")
        ));
        // Every flow's witness really gets through.
        for f in &row.flows {
            let t = trace(&n, &f.witness);
            assert!(
                t.reachable(),
                "witness {:?} of {} is not reachable",
                f.witness,
                row.source.label
            );
        }
    }
    // The seed's sources: both subnet routers, the EKS pods, the orchestrator (over
    // the mesh from its own interface) and a laptop on the tailnet; nothing else.
    for who in [
        "10.0.12.10",
        "10.1.34.50",
        "10.1.35.46",
        "10.1.40.10",
        "100.100.7.1",
    ] {
        assert!(text.contains(who), "{who} missing from:\n{text}");
    }
    assert_eq!(r.reachable().count(), 5, "{text}");
    assert!(
        r.reachable()
            .all(|row| row.flows.iter().all(|f| f.describe() == "tcp 9000")),
        "{text}"
    );
}
