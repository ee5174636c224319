//! Seed 004's observability platform over the built-in `observability` example: agents
//! in another account and region push through an interface endpoint, PrivateLink, the
//! endpoint service's NLB, nginx proxies routing by host, an inter-region peering and
//! the cluster's ALB; and what breaks it.

use vpcnet_engine::{trace_name_with, trace_with, Trace, TraceOptions};
use vpcnet_model::Network;

use crate::support::{comp, net, query_from, render, verdict};

fn example() -> Network {
    net(vpcnet_spec::examples::OBSERVABILITY)
}

/// An agent sends to a signal's name; the request carries that name as its host.
fn push(n: &Network, name: &str) -> Trace {
    let opts = TraceOptions {
        host: Some(name.to_owned()),
    };
    trace_name_with(n, &query_from(n, "agent-1", 80), name, &opts)
}

fn delivered_to(n: &Network, t: &Trace) -> String {
    let last = t.forward.hops.last().expect("hops");
    comp(n, &last.component)
}

#[test]
fn every_signal_reaches_its_backend_through_endpoint_nlb_proxy_peering_and_alb() {
    let n = example();
    for (name, backend) in [
        ("metrics.observability.internal", "eni-mimir-1"),
        ("logs.observability.internal", "eni-loki-1"),
        ("traces.observability.internal", "eni-tempo-1"),
    ] {
        let t = push(&n, name);
        assert_eq!(verdict(&t), "REACHABLE", "{name}:\n{}", render(&n, &t));
        assert_eq!(delivered_to(&n, &t), backend, "{name}");
        let text = render(&n, &t);
        for step in [
            "over PrivateLink to endpoint service observability-euw1",
            "listener TCP:80 -> target group proxies",
            "proxies host",
            "pcx-0ed9e0b5e70000001",
            "listener HTTP:80 -> target group",
            "back over PrivateLink",
        ] {
            assert!(text.contains(step), "{name} lacks `{step}`:\n{text}");
        }
        // The agent's connection starts at the endpoint's address and returns from it.
        assert_eq!(t.query.to_ip.to_string(), "10.120.1.50");
    }
}

/// The seed's second option: us-west-2's proxies reach the cluster over peered
/// transit gateways.
#[test]
fn agents_in_another_region_reach_the_cluster_over_peered_transit_gateways() {
    let n = example();
    let opts = TraceOptions {
        host: Some("traces.observability.internal".to_owned()),
    };
    let t = trace_name_with(
        &n,
        &query_from(&n, "agent-2", 80),
        "traces.observability.internal",
        &opts,
    );
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert_eq!(delivered_to(&n, &t), "eni-tempo-1");
    let text = render(&n, &t);
    assert!(text.contains("to peer transit gateway hub-use1"), "{text}");
    // Without the static route on the us-west-2 side, the hub cannot route it.
    let broken = variant(
        "          - {destination: 10.100.0.0/16, attachment: use1-usw2}\n",
        "          - {destination: 10.99.0.0/16, attachment: use1-usw2}\n",
    );
    let t = trace_name_with(
        &broken,
        &query_from(&broken, "agent-2", 80),
        "traces.observability.internal",
        &opts,
    );
    assert_eq!(verdict(&t), "TGW_RTB_CANNOT_ROUTE on forward");
}

#[test]
fn the_backend_sees_the_alb_and_the_proxy_sees_the_nlb() {
    let n = example();
    let t = push(&n, "metrics.observability.internal");
    let arriving = |eni: &str| {
        t.forward
            .hops
            .iter()
            .find(|h| comp(&n, &h.component) == eni && h.action == vpcnet_engine::Action::Deliver)
            .map(|h| h.packet.src.to_string())
    };
    assert_eq!(arriving("eni-mimir-1").as_deref(), Some("10.100.1.20"));
    let at_proxy = t
        .forward
        .hops
        .iter()
        .find(|h| comp(&n, &h.component) == "sg-nginx-sg")
        .map(|h| h.packet.src.to_string());
    assert_eq!(at_proxy.as_deref(), Some("10.110.1.10"));
}

#[test]
fn the_cluster_cannot_open_a_connection_to_an_agent() {
    let n = example();
    let mut q = query_from(&n, "mimir-1", 22);
    q.to_ip = "10.120.1.10".parse().unwrap();
    assert_eq!(
        verdict(&trace_with(&n, &q, &TraceOptions::default())),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
    // Nor reach the agents' endpoint: it is the consumer's, not the provider's.
    let mut q = query_from(&n, "nginx-1", 80);
    q.to_ip = "10.120.1.50".parse().unwrap();
    assert_eq!(
        verdict(&trace_with(&n, &q, &TraceOptions::default())),
        "NO_ROUTE_TO_DESTINATION on forward"
    );
}

fn variant(from: &str, to: &str) -> Network {
    let spec = vpcnet_spec::examples::OBSERVABILITY;
    assert!(spec.contains(from), "the example no longer has `{from}`");
    net(&spec.replace(from, to))
}

#[test]
fn what_breaks_it_and_the_code_that_says_so() {
    let name = "metrics.observability.internal";
    let cases = [
        (
            "    requester: edge-euw1\n    accepter: observability\n",
            "    requester: edge-euw1\n    accepter: observability\n    status: deleted\n",
            "BAD_STATE on forward",
        ),
        (
            "          - {destination: 10.100.0.0/16, peering: edge-to-main}\n",
            "          - {destination: 10.99.0.0/16, peering: edge-to-main}\n",
            "NO_ROUTE_TO_DESTINATION on forward",
        ),
        (
            "allowed_principals: [\"arn:aws:iam::222222222222:root\"]",
            "allowed_principals: [\"arn:aws:iam::333333333333:root\"]",
            "ENDPOINT_PRINCIPAL_NOT_ALLOWED on forward",
        ),
        (
            "        private_dns: false\n",
            "        private_dns: false\n        state: pendingAcceptance\n",
            "BAD_STATE on forward",
        ),
        (
            "      - {name: proxies, port: 80, targets: [nginx-1, nginx-2]}",
            "      - {name: proxies, port: 80}",
            "LB_NO_REGISTERED_TARGETS on forward",
        ),
        (
            "{protocol: TCP, port: 80, target_group: proxies}",
            "{protocol: TCP, port: 8080, target_group: proxies}",
            "LB_LISTENER_PORT_MISMATCH on forward",
        ),
        (
            "          - {protocol: tcp, ports: 80, cidr: 10.110.0.0/16, description: eu-west-1 proxies over the peering}",
            "          - {protocol: tcp, ports: 80, cidr: 10.100.0.0/16}",
            "ENI_SG_RULES_MISMATCH on forward",
        ),
    ];
    for (from, to, want) in cases {
        let n = variant(from, to);
        let t = push(&n, name);
        assert_eq!(
            verdict(&t),
            want,
            "after replacing `{}`:\n{}",
            from.trim(),
            render(&n, &t)
        );
    }
}

#[test]
fn a_host_the_proxies_do_not_route_is_refused_there() {
    let n = example();
    let opts = TraceOptions {
        host: Some("grafana.example.com".to_owned()),
    };
    let t = trace_name_with(
        &n,
        &query_from(&n, "agent-1", 80),
        "metrics.observability.internal",
        &opts,
    );
    assert_eq!(verdict(&t), "PROXY_NO_UPSTREAM on forward");
}

#[test]
fn export_keeps_the_whole_path() {
    let n = example();
    let again = net(&vpcnet_spec::to_yaml(&vpcnet_spec::from_network(&n)));
    let name = "logs.observability.internal";
    assert_eq!(
        render(&n, &push(&n, name)),
        render(&again, &push(&again, name))
    );
}

const NLB: &str = r#"
vpcs:
  - name: app
    cidr: 10.0.0.0/16
    security_groups:
      - name: web-sg
        ingress:
          - {protocol: tcp, ports: 8080, cidr: 10.0.0.0/16}
    subnets:
      - {name: a, cidr: 10.0.1.0/24, az: us-east-1a}
      - {name: b, cidr: 10.0.2.0/24, az: us-east-1b}
    instances:
      - {name: client, subnet: a, private_ip: 10.0.1.5}
      - {name: web-b, subnet: b, private_ip: 10.0.2.10, security_groups: [web-sg]}
    target_groups:
      - {name: web, port: 8080, targets: [web-b]}
      - {name: web-ip, type: ip, port: 8080, targets: [10.0.2.10]}
    load_balancers:
      - name: nlb
        interfaces:
          - {subnet: a, private_ip: 10.0.1.100}
        listeners:
          - {protocol: TCP, port: 80, target_group: web}
          - {protocol: TCP, port: 81, target_group: web-ip}
"#;

#[test]
fn a_network_load_balancer_preserves_instance_clients_and_keeps_to_its_zone() {
    let n = net(NLB);
    let mut q = query_from(&n, "client", 80);
    q.to_ip = "10.0.1.100".parse().unwrap();
    // The only target is in another zone and cross-zone is off.
    assert_eq!(
        verdict(&trace_with(&n, &q, &TraceOptions::default())),
        "LB_NO_TARGET_IN_AZ on forward"
    );
    let n = net(&NLB.replace(
        "      - name: nlb\n",
        "      - name: nlb\n        cross_zone: true\n",
    ));
    let t = trace_with(&n, &q, &TraceOptions::default());
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    // Instance targets see the client's own address; the reply still returns through
    // the load balancer.
    let sources: Vec<String> = t
        .translations
        .iter()
        .filter(|x| !x.on_return && x.kind == vpcnet_engine::TranslationKind::Source)
        .map(|x| x.to.to_string())
        .collect();
    assert!(sources.is_empty(), "{sources:?}");
    assert!(render(&n, &t).contains("returns the reply"));
    // IP targets over TCP do not: the source becomes the load balancer's.
    q.dst_port = 81;
    let t = trace_with(&n, &q, &TraceOptions::default());
    assert_eq!(verdict(&t), "REACHABLE", "{}", render(&n, &t));
    assert!(t.translations.iter().any(|x| !x.on_return
        && x.kind == vpcnet_engine::TranslationKind::Source
        && x.to.to_string() == "10.0.1.100"));
}
