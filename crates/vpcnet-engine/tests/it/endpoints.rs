//! VPC endpoints: gateway endpoints to S3 by the service's prefix list, interface
//! endpoints with their security groups and private DNS, endpoint DNS names, and
//! connections an endpoint service has not accepted.

use vpcnet_engine::{resolve_name, service_destination, trace, trace_name};
use vpcnet_model::{Network, NetworkBuilder, RecordType, VpcIdx};

use crate::support::{net, query_from, render, verdict};

const ENDPOINTS: &str = r#"
defaults: {region: us-east-1}
prefix_lists:
  - {name: com.amazonaws.us-east-1.s3, id: pl-63a5400a, cidrs: [52.216.0.0/15, 3.5.0.0/19]}
vpcs:
  - name: app
    cidr: 10.0.0.0/16
    dns_hostnames: true
    route_tables:
      - {name: app-main, main: true}
    security_groups:
      - name: endpoints-sg
        ingress:
          - {protocol: tcp, ports: 443, cidr: 10.0.0.0/16}
    subnets:
      - {name: app-a, cidr: 10.0.1.0/24, az: us-east-1a}
      - {name: app-b, cidr: 10.0.2.0/24, az: us-east-1b}
    instances:
      - {name: app-1, subnet: app-a, private_ip: 10.0.1.10}
    vpc_endpoints:
      - {name: s3, service: com.amazonaws.us-east-1.s3, route_tables: [app-main]}
      - name: sts
        id: vpce-0sts0000000000001
        service: com.amazonaws.us-east-1.sts
        interfaces:
          - {subnet: app-a, private_ip: 10.0.1.50}
          - {subnet: app-b, private_ip: 10.0.2.50}
        security_groups: [endpoints-sg]
      - name: metrics
        service: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
        state: pendingAcceptance
        interfaces:
          - {subnet: app-a, private_ip: 10.0.1.60}
        security_groups: [endpoints-sg]
  - name: other
    cidr: 10.1.0.0/16
    dns_hostnames: true
    subnets:
      - {name: other-a, cidr: 10.1.1.0/24, az: us-east-1a}
    instances:
      - {name: other-1, subnet: other-a, private_ip: 10.1.1.10}
"#;

fn to_service(n: &Network, from: &str, service: &str, port: u16) -> vpcnet_engine::Trace {
    let mut q = query_from(n, from, 443);
    let d = service_destination(n, &q.from, service).expect("the VPC has an endpoint for it");
    q.to_ip = d.ip;
    q.expect = d.expect;
    q.dst_port = port;
    trace(n, &q)
}

#[test]
fn s3_through_the_gateway_endpoint_and_back() {
    let n = net(ENDPOINTS);
    for name in ["s3", "com.amazonaws.us-east-1.s3"] {
        let t = to_service(&n, "app-1", name, 443);
        assert_eq!(verdict(&t), "REACHABLE");
        let text = render(&n, &t);
        assert!(text.contains("pl-63a5400a"), "{text}");
        assert!(text.contains("through gateway endpoint"), "{text}");
        assert!(
            text.contains("reply from com.amazonaws.us-east-1.s3"),
            "{text}"
        );
    }
}

#[test]
fn sts_resolves_to_the_endpoint_inside_the_vpc_only() {
    let n = net(ENDPOINTS);
    let t = trace_name(
        &n,
        &query_from(&n, "app-1", 443),
        "sts.us-east-1.amazonaws.com",
    );
    assert_eq!(verdict(&t), "REACHABLE");
    assert_eq!(t.query.to_ip.to_string(), "10.0.1.50");
    let dns = t.dns.as_ref().unwrap();
    assert_eq!(dns.answers.len(), 2);
    assert!(dns.steps[0]
        .detail
        .contains("private DNS of interface endpoint"));
    let other = n
        .by_name("other")
        .iter()
        .find_map(|i| VpcIdx::try_from(*i).ok());
    let r = resolve_name(&n, other, "sts.us-east-1.amazonaws.com", RecordType::A);
    assert_eq!(r.failure.unwrap().code.as_str(), "DNS_NAME_UNKNOWN");
    // The endpoint's own DNS name answers from anywhere.
    let r = resolve_name(
        &n,
        other,
        "vpce-0sts0000000000001-abcd1234.sts.us-east-1.vpce.amazonaws.com",
        RecordType::A,
    );
    assert_eq!(r.answers.len(), 2, "{r:#?}");
}

#[test]
fn the_endpoint_security_group_decides() {
    let n = net(ENDPOINTS);
    assert_eq!(verdict(&to_service(&n, "app-1", "sts", 443)), "REACHABLE");
    assert_eq!(
        verdict(&to_service(&n, "app-1", "sts", 80)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

#[test]
fn an_endpoint_the_service_has_not_accepted_carries_nothing() {
    let n = net(ENDPOINTS);
    let t = to_service(
        &n,
        "app-1",
        "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        443,
    );
    assert_eq!(verdict(&t), "BAD_STATE on forward");
    assert!(t.blocked_by().unwrap().message.contains("has not accepted"));
}

#[test]
fn a_gateway_endpoint_without_its_prefix_list_is_reported() {
    let mut b = NetworkBuilder::new();
    let spec = ENDPOINTS.replace(
        "  - {name: com.amazonaws.us-east-1.s3, id: pl-63a5400a, cidrs: [52.216.0.0/15, 3.5.0.0/19]}\n",
        "  - {name: unrelated, cidrs: [192.0.2.0/24]}\n",
    );
    vpcnet_spec::load_into(&mut b, Some("t.yaml"), &spec).expect("parses");
    let codes: Vec<&str> = b.finish().1.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"PREFIX_LIST_MISSING"), "{codes:?}");
}

#[test]
fn export_keeps_the_endpoints() {
    let n = net(ENDPOINTS);
    let again = net(&vpcnet_spec::to_yaml(&vpcnet_spec::from_network(&n)));
    assert_eq!(again.vpc_endpoints().len(), 3);
    for (svc, port) in [("s3", 443), ("sts", 443), ("sts", 80)] {
        assert_eq!(
            render(&n, &to_service(&n, "app-1", svc, port)),
            render(&again, &to_service(&again, "app-1", svc, port))
        );
    }
}
