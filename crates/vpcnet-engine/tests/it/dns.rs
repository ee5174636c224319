//! Name resolution: seed 000's DNS steps over the `cross-vpc` example, and Route 53
//! Resolver's rules one by one over small networks.

use std::net::IpAddr;

use expect_test::expect;
use vpcnet_engine::{resolve_name, Endpoint, Resolution};
use vpcnet_model::{Network, NetworkBuilder, RecordType, VpcIdx};

use crate::support::{net, render, tr_name, verdict};

fn vpc(n: &Network, name: &str) -> VpcIdx {
    n.by_name(name)
        .iter()
        .find_map(|i| VpcIdx::try_from(*i).ok())
        .expect("VPC exists")
}

fn ask(n: &Network, from_vpc: Option<&str>, name: &str) -> Resolution {
    resolve_name(n, from_vpc.map(|v| vpc(n, v)), name, RecordType::A)
}

fn ask_type(n: &Network, from_vpc: &str, name: &str, t: RecordType) -> Resolution {
    resolve_name(n, Some(vpc(n, from_vpc)), name, t)
}

/// The answers, or the failure's code.
fn outcome(r: &Resolution) -> String {
    match &r.failure {
        Some(f) => f.code.to_string(),
        None => r
            .answers
            .iter()
            .map(IpAddr::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn example() -> Network {
    net(vpcnet_spec::examples::CROSS_VPC)
}

/// Seed 000: "Pod IP 10.1.34.50 → Queries DNS: sonarqube.shared… → Private Route53 zone
/// (associated with dev VPC): returns 10.0.10.8", then the peering path.
#[test]
fn the_pod_resolves_sonarqube_then_reaches_it_over_the_peering() {
    let n = example();
    let t = tr_name(&n, "eks-runner", "sonarqube.shared.example.internal", 9000);
    let text = render(&n, &t);
    let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    expect![[r#"
        REACHABLE
        forward:
          resolve   vpc-0d3v000000000dev         sonarqube.shared.example.internal: the resolver of VPC dev (vpc-0d3v000000000dev) at 10.1.0.2 uses private zone shared.example.internal (Z0SHAREDEXAMPLE01), associated with the VPC
          resolve   Z0SHAREDEXAMPLE01            sonarqube.shared.example.internal: A 10.0.10.8, TTL 300
          send      eni-eks-runner               from eks-runner (eni-eks-runner)"#]]
    .assert_eq(&head);
    assert_eq!(t.query.to_ip.to_string(), "10.0.10.8");
    // The DNS question goes to the VPC's resolver, VPC base + 2, on udp/53.
    let q = t.forward.hops[0].packet;
    assert_eq!(
        (q.dst.to_string(), q.protocol, q.dst_port),
        ("10.1.0.2".to_owned(), 17, 53)
    );
}

/// Seed 000: sso resolves for dev, but shared services admit only the Tailscale router
/// subnet on 443: the pod, over the peering, is stopped at the private subnet's ACL
/// (and Authentik's group would refuse it too).
#[test]
fn sso_resolves_for_the_pod_but_only_the_router_subnet_may_connect() {
    let n = example();
    let t = tr_name(&n, "eks-runner", "sso.shared.example.internal", 443);
    assert_eq!(t.query.to_ip.to_string(), "10.0.10.40");
    assert_eq!(verdict(&t), "SUBNET_ACL_RESTRICTION on forward");
}

/// Seed 000's LangFuse exception: the private record holds the Tailscale address.
#[test]
fn langfuse_resolves_to_its_tailscale_address() {
    let n = example();
    let r = ask(&n, Some("dev"), "LangFuse.Dev.Example.Internal.");
    assert_eq!(outcome(&r), "100.119.26.88");
}

/// A VPC without the association: the name is not found, with the zone named.
#[test]
fn staging_lacks_the_association() {
    let n = example();
    let t = tr_name(&n, "staging-api", "sonarqube.shared.example.internal", 9000);
    assert_eq!(verdict(&t), "DNS_ZONE_NOT_ASSOCIATED on forward");
    assert!(t.ret.is_none());
    let msg = &t.blocked_by().unwrap().message;
    assert!(
        msg.contains("Z0SHAREDEXAMPLE01") && msg.contains("staging"),
        "{msg}"
    );
}

#[test]
fn a_cname_is_followed_and_every_step_shown() {
    let n = example();
    let r = ask(&n, Some("dev"), "sonar.shared.example.internal");
    assert_eq!(outcome(&r), "10.0.10.8");
    let details: Vec<&str> = r.steps.iter().map(|s| s.detail.as_str()).collect();
    assert!(details
        .iter()
        .any(|d| d.starts_with("CNAME sonarqube.shared.example.internal")));
    assert_eq!(r.steps.len(), 4, "{details:#?}");
}

const ZONES: &str = r#"
defaults: {region: us-east-1}
vpcs:
  - name: app
    cidr: 10.0.0.0/16
    dns_hostnames: true
    subnets: [{name: app-a, cidr: 10.0.1.0/24, az: us-east-1a}]
    instances:
      - {name: web, subnet: app-a, private_ip: 10.0.1.10, public_ip: 203.0.113.10}
  - name: data
    cidr: 10.1.0.0/16
    dns_hostnames: true
    subnets: [{name: data-a, cidr: 10.1.1.0/24, az: us-east-1a}]
    instances:
      - {name: db, subnet: data-a, private_ip: 10.1.1.10, public_ip: 203.0.113.20}
  - name: legacy
    cidr: 10.2.0.0/16
    dns_hostnames: false
    subnets: [{name: legacy-a, cidr: 10.2.1.0/24, az: us-east-1a}]
  - name: nodns
    cidr: 10.3.0.0/16
    dns_support: false
  - name: eu
    region: eu-west-1
    cidr: 10.4.0.0/16
    dns_hostnames: true
peerings:
  - {name: app-data, requester: app, accepter: data, accepter_dns_resolution: true}
  - {name: app-legacy, requester: app, accepter: legacy}
dns:
  zones:
    - name: example.com
      vpcs: [app, legacy]
      records:
        - {name: api, type: A, values: [10.0.1.10]}
        - {name: www, type: CNAME, values: web.example.com}
        - {name: web, type: A, values: 10.0.1.10}
        - {name: "*.apps", type: A, values: 10.0.1.10}
        - {name: x.apps, type: TXT, values: '"hello"'}
        - {name: ping, type: CNAME, values: pong.example.com}
        - {name: pong, type: CNAME, values: ping.example.com}
        - {name: blue-green, type: A, values: 10.0.1.11, set_id: blue, weight: 100}
        - {name: blue-green, type: A, values: 10.0.1.12, set_id: green, weight: 0}
        - {name: ha, type: A, values: 10.0.1.21, set_id: one, failover: primary}
        - {name: ha, type: A, values: 10.0.1.22, set_id: two, failover: secondary}
        - {name: db-alias, type: A, alias: db.data.example.com}
        - {name: corp-alias, type: CNAME, values: host.corp.example.net}
    - name: data.example.com
      vpcs: [app, data]
      records:
        - {name: db, type: A, values: 10.1.1.10}
    - name: example.com
      kind: public
      records:
        - {name: www, type: A, values: 198.51.100.80}
        - {name: status, type: A, values: 198.51.100.81}
    - name: corp.example.net
      kind: external
      records:
        - {name: host, type: A, values: 172.20.0.5}
    - name: orphan.internal
  resolver_rules:
    - {name: corp, domain: corp.example.net, targets: ["172.20.0.2", "172.20.0.3:5353"], vpcs: [app]}
    - {name: onprem, domain: onprem.example.net, targets: ["172.20.0.2"], vpcs: [app]}
    - {name: shadow, domain: data.example.com, targets: ["172.20.0.2"], vpcs: [data]}
    - {name: keep-local, domain: keep.onprem.example.net, kind: system, vpcs: [app]}
"#;

#[test]
fn the_most_specific_associated_zone_answers() {
    let n = net(ZONES);
    // data.example.com is more specific than example.com for app.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "db.data.example.com")),
        "10.1.1.10"
    );
    // legacy has only example.com: data.example.com names are NXDOMAIN there.
    assert_eq!(
        outcome(&ask(&n, Some("legacy"), "db.data.example.com")),
        "DNS_HOSTNAMES_DISABLED"
    );
}

#[test]
fn a_matching_private_zone_never_falls_back_to_public_dns() {
    let n = net(ZONES);
    // status exists only publicly; from app the private example.com answers NXDOMAIN.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "status.example.com")),
        "DNS_NAME_NOT_FOUND"
    );
    // data is not associated with example.com: public DNS answers it.
    assert_eq!(
        outcome(&ask(&n, Some("data"), "status.example.com")),
        "198.51.100.81"
    );
    // Split horizon: www is a CNAME inside, an address outside.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "www.example.com")),
        "10.0.1.10"
    );
    assert_eq!(outcome(&ask(&n, None, "www.example.com")), "198.51.100.80");
}

#[test]
fn wildcards_nodata_and_loops() {
    let n = net(ZONES);
    assert_eq!(
        outcome(&ask(&n, Some("app"), "svc.apps.example.com")),
        "10.0.1.10"
    );
    assert_eq!(
        outcome(&ask(&n, Some("app"), "a.b.apps.example.com")),
        "10.0.1.10"
    );
    // x.apps exists (TXT): the wildcard does not apply to it, and it has no A.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "x.apps.example.com")),
        "DNS_NO_RECORD_OF_TYPE"
    );
    assert_eq!(
        outcome(&ask_type(&n, "app", "api.example.com", RecordType::Aaaa)),
        "DNS_NO_RECORD_OF_TYPE"
    );
    assert_eq!(
        outcome(&ask(&n, Some("app"), "ping.example.com")),
        "DNS_CNAME_LOOP"
    );
}

#[test]
fn every_routed_answer_is_shown_but_weight_zero_is_not_an_answer() {
    let n = net(ZONES);
    assert_eq!(
        outcome(&ask(&n, Some("app"), "ha.example.com")),
        "10.0.1.21 10.0.1.22"
    );
    let r = ask(&n, Some("app"), "blue-green.example.com");
    assert_eq!(outcome(&r), "10.0.1.11");
    assert!(r.steps.iter().any(|s| s.detail.contains("weight 0")));
}

#[test]
fn aliases_resolve_through_their_target() {
    let n = net(ZONES);
    assert_eq!(
        outcome(&ask(&n, Some("app"), "db-alias.example.com")),
        "10.1.1.10"
    );
}

#[test]
fn resolver_rules_forward_out_of_aws() {
    let n = net(ZONES);
    // Answered by the zone declared outside AWS, through the forwarding rule.
    let r = ask(&n, Some("app"), "corp-alias.example.com");
    assert_eq!(outcome(&r), "172.20.0.5");
    assert!(r.steps.iter().any(|s| s.detail.contains("172.20.0.3:5353")));
    // Nothing declared there: the question leaves AWS unanswered.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "fs.onprem.example.net")),
        "DNS_FORWARDED_UNANSWERED"
    );
    // A system rule for a subdomain keeps it in Route 53 Resolver.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "x.keep.onprem.example.net")),
        "DNS_NAME_UNKNOWN"
    );
    // The rule applies to the VPCs it is associated with only.
    assert_eq!(
        outcome(&ask(&n, Some("data"), "host.corp.example.net")),
        "DNS_NAME_UNKNOWN"
    );
    // A rule for the same domain as an associated private zone wins.
    assert_eq!(
        outcome(&ask(&n, Some("data"), "db.data.example.com")),
        "DNS_FORWARDED_UNANSWERED"
    );
}

#[test]
fn vpc_dns_attributes_gate_the_resolver() {
    let n = net(ZONES);
    assert_eq!(
        outcome(&ask(&n, Some("nodns"), "api.example.com")),
        "DNS_RESOLUTION_DISABLED"
    );
    assert_eq!(
        outcome(&ask(&n, Some("legacy"), "api.example.com")),
        "DNS_HOSTNAMES_DISABLED"
    );
}

#[test]
fn ec2_names() {
    let n = net(ZONES);
    assert_eq!(
        outcome(&ask(&n, Some("app"), "ip-10-1-1-10.ec2.internal")),
        "10.1.1.10"
    );
    assert_eq!(
        outcome(&ask(&n, Some("app"), "ip-10-1-1-99.ec2.internal")),
        "DNS_NAME_NOT_FOUND"
    );
    assert_eq!(
        outcome(&ask(&n, Some("eu"), "ip-10-1-1-10.ec2.internal")),
        "DNS_NAME_NOT_FOUND"
    );
    // The public name: private inside the VPC, private from a peer the owner allows,
    // public elsewhere.
    let public = "ec2-203-0-113-20.compute-1.amazonaws.com";
    assert_eq!(outcome(&ask(&n, Some("data"), public)), "10.1.1.10");
    assert_eq!(outcome(&ask(&n, Some("app"), public)), "10.1.1.10");
    let web = "ec2-203-0-113-10.compute-1.amazonaws.com";
    // app (the requester) did not allow data to resolve its names privately.
    assert_eq!(outcome(&ask(&n, Some("data"), web)), "203.0.113.10");
    assert_eq!(outcome(&ask(&n, Some("app"), web)), "10.0.1.10");
}

#[test]
fn check_reports_dns_risks() {
    let n = net(ZONES);
    let codes: Vec<String> = vpcnet_engine::check::check(&n)
        .iter()
        .filter(|d| d.code.starts_with("DNS_"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    let has = |code: &str, text: &str| {
        assert!(
            codes
                .iter()
                .any(|c| c.starts_with(code) && c.contains(text)),
            "no {code} mentioning {text} in {codes:#?}"
        )
    };
    has("DNS_ZONE_WITHOUT_VPC", "orphan.internal");
    has("DNS_ZONE_UNUSABLE", "legacy");
    has("DNS_CNAME_LOOP", "ping.example.com");
    has("DNS_PRIVATE_ZONE_SHADOWS_PUBLIC", "status.example.com");
    // 10.0.1.21 is in app's CIDR and no interface has it.
    has("DNS_RECORD_ADDRESS_UNOWNED", "10.0.1.21");
    // www is held by the private zone (as a CNAME): not shadowed.
    assert!(!codes
        .iter()
        .any(|c| c.contains("SHADOWS") && c.contains("www.example.com")));
}

#[test]
fn the_builder_refuses_what_route_53_refuses() {
    let spec = r#"
vpcs:
  - {name: app, cidr: 10.0.0.0/16, dns_hostnames: true}
dns:
  zones:
    - name: example.com
      vpcs: [app]
      records:
        - {name: ok, type: A, values: 10.0.0.10}
        - {name: other.org., type: A, values: 10.0.0.11}
        - {name: bad, type: A, values: not-an-address}
        - {name: ok, type: CNAME, values: elsewhere.example.com}
        - {name: ok, type: A, values: 10.0.0.12}
        - {name: two, type: CNAME, values: [a.example.com, b.example.com]}
    - name: example.com
      id: Z2
      vpcs: [app]
    - name: example.com
      kind: public
      vpcs: [app]
  resolver_rules:
    - {name: empty, domain: corp.example.net, vpcs: [app]}
"#;
    let mut b = NetworkBuilder::new();
    vpcnet_spec::load_into(&mut b, Some("t.yaml"), spec).expect("parses");
    let (n, diags) = b.finish();
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    for want in [
        "RECORD_OUTSIDE_ZONE",
        "BAD_RECORD",
        "CNAME_CONFLICT",
        "DUPLICATE_RECORD",
        "ZONE_CONFLICT",
        "ZONE_NOT_PRIVATE",
        "RULE_WITHOUT_TARGETS",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    // What was accepted still answers.
    assert_eq!(
        outcome(&ask(&n, Some("app"), "ok.example.com")),
        "10.0.0.10"
    );
    let bad_at: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "BAD_RECORD")
        .filter_map(|d| d.location.as_ref().and_then(|l| l.pointer.as_deref()))
        .collect();
    assert_eq!(bad_at, ["/dns/zones/0/records/2", "/dns/zones/0/records/5"]);
}

#[test]
fn an_internet_source_sees_public_dns_only() {
    let n = net(ZONES);
    let t = tr_name(&n, "internet", "api.example.com", 443);
    assert_eq!(verdict(&t), "DNS_NAME_NOT_FOUND on forward");
    assert!(matches!(t.query.from, Endpoint::Internet { .. }));
}
