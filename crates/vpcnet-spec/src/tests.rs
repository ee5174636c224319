//! Loading specs: defaults, findings with their line and column, round trips.

use vpcnet_model::{Diagnostic, Network, NetworkBuilder, RouteTarget, Severity};

use crate::{examples, load_into, locate, parse, schema, to_json, to_yaml};

fn load(text: &str) -> (Network, Vec<Diagnostic>) {
    let mut b = NetworkBuilder::new();
    load_into(&mut b, Some("net.yaml"), text).expect("document parses");
    let (net, mut diags) = b.finish();
    locate("net.yaml", text, &mut diags);
    (net, diags)
}

/// `CODE line:col` for each finding.
fn findings(text: &str) -> Vec<String> {
    load(text)
        .1
        .iter()
        .map(|d| {
            let l = d.location.as_ref().expect("located");
            format!(
                "{} {}:{}",
                d.code,
                l.line.unwrap_or(0),
                l.column.unwrap_or(0)
            )
        })
        .collect()
}

#[test]
fn the_example_loads_cleanly() {
    let (net, diags) = load(examples::CROSS_VPC);
    assert_eq!(diags, []);
    assert_eq!(
        (
            net.vpcs().len(),
            net.subnets().len(),
            net.interfaces().len(),
            net.peerings().len(),
            net.hosted_zones().len(),
            net.flow_logs().len(),
        ),
        (3, 9, 13, 2, 2, 2)
    );
    assert_eq!(
        net.by_id("pcx-0535aabbb2629e915").map(|i| i.kind()),
        Some("vpc-peering-connection")
    );
}

#[test]
fn aws_defaults_are_filled_in() {
    let (net, diags) = load("vpcs:\n  - name: a\n    cidrs: [10.0.0.0/16, 10.1.0.0/16]\n    subnets:\n      - {name: s, cidr: 10.1.2.0/24}\n    instances:\n      - {name: i, subnet: s, private_ip: 10.1.2.9}\n");
    assert_eq!(diags, []);
    let vpc = &net.vpcs()[0];
    let main = net.route_table(vpc.main_route_table.expect("main table"));
    let locals = main
        .routes
        .iter()
        .filter(|r| r.target == RouteTarget::Local)
        .count();
    assert_eq!(locals, 2, "one local route per CIDR block");
    let acl = net.network_acl(vpc.default_nacl.expect("default acl"));
    assert_eq!((acl.ingress.len(), acl.egress.len()), (1, 1));
    let eni = &net.interfaces()[0];
    let sg = net.security_group(eni.security_groups[0]);
    assert_eq!(sg.group_name, "default");
    assert_eq!((sg.ingress.len(), sg.egress.len()), (1, 1));
    assert_eq!(net.subnets()[0].az, "us-east-1a");
}

#[test]
fn mistakes_are_located_and_the_rest_loads() {
    let text = "\
vpcs:
  - name: a
    cidr: 10.0.0.0/16
    subnets:
      - {name: good, cidr: 10.0.1.0/24}
      - {name: outside, cidr: 10.9.1.0/24}
      - {name: typo, cidr: 10.0.2.0/24, rout_table: x}
      - {name: bad, cidr: 10.0.300.0/24}
      - {name: dangling, cidr: 10.0.4.0/24, route_table: nowhere}
    instances:
      - {name: ok, subnet: good, private_ip: 10.0.1.10}
      - {name: reserved, subnet: good, private_ip: 10.0.1.1}
      - {name: twin, subnet: good, private_ip: 10.0.1.10}
      - {name: lost, subnet: nowhere, private_ip: 10.0.1.11}
    security_groups:
      - name: web
        ingress:
          - {protocol: tcp, cidr: 0.0.0.0/0}
          - {protocol: tcp, ports: 443, cidr: 0.0.0.0/0}
";
    let got = findings(text);
    assert_eq!(
        got,
        [
            // The unknown key's value.
            "SPEC_INVALID 7:53",
            // A whole resource: its first key.
            "SUBNET_OUTSIDE_VPC 6:10",
            "BAD_CIDR 8:27",
            "UNKNOWN_REFERENCE 9:58",
            "ADDRESS_RESERVED 12:10",
            "DUPLICATE_ADDRESS 13:10",
            "UNKNOWN_REFERENCE 14:30",
            "MISSING_PORTS 18:14",
        ]
    );
    let (net, diags) = load(text);
    assert!(diags.iter().all(|d| d.severity == Severity::Error));
    assert!(
        diags[0].message.contains("unknown field `rout_table`"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[3].message.contains("no route table `nowhere`"),
        "{}",
        diags[3].message
    );
    // `good` and `dangling` (on the main table) loaded, and the instance in `good`.
    assert_eq!(net.subnets().len(), 2);
    assert_eq!(
        net.instances()
            .iter()
            .filter(|i| !i.interfaces.is_empty())
            .count(),
        1
    );
    assert_eq!(net.security_groups()[0].ingress.len(), 1);
}

#[test]
fn syntax_and_shape_errors_fail_the_document() {
    let err = parse(Some("f.yaml"), "vpcs:\n  - name: a\n   cidr: x\n").unwrap_err();
    assert_eq!(err.location.line, Some(3), "{err}");
    let err = parse(Some("f.yaml"), "vpcs: 5\n").unwrap_err();
    assert!(err.message.contains("expected a sequence"), "{err}");
    assert_eq!(err.location.pointer.as_deref(), Some("/vpcs"));
    let err = parse(Some("f.yaml"), "- 1\n").unwrap_err();
    assert!(err.message.contains("a spec is a mapping"), "{err}");
    let err = parse(Some("f.json"), "{\"vpcs\": [}").unwrap_err();
    assert_eq!(err.location.line, Some(1));
}

#[test]
fn yaml_and_json_round_trip() {
    let spec = parse(None, examples::CROSS_VPC).unwrap();
    let again = parse(None, &to_yaml(&spec)).unwrap();
    assert_eq!(to_json(&spec), to_json(&again));
    let from_json = parse(None, &to_json(&spec)).unwrap();
    assert_eq!(to_json(&spec), to_json(&from_json));
}

#[test]
fn schema_describes_the_spec() {
    let s: serde_json::Value = serde_json::from_str(&schema()).unwrap();
    assert!(s["properties"]["vpcs"].is_object(), "{s}");
    assert!(schema().contains("Security groups"));
}

/// A network, exported and loaded again, is the same network: same resources by id,
/// same routes, rules and addresses.
fn assert_round_trip(text: &str) {
    let (net, diags) = load(text);
    assert!(
        diags.iter().all(|d| d.severity != Severity::Error),
        "{diags:#?}"
    );
    let exported = to_yaml(&crate::from_network(&net));
    let (again, diags) = load(&exported);
    assert!(
        diags.iter().all(|d| d.severity != Severity::Error),
        "{diags:#?}\n{exported}"
    );
    assert_eq!(summary(&net), summary(&again));
    // Exporting again is a fixed point.
    assert_eq!(exported, to_yaml(&crate::from_network(&again)));
}

fn summary(net: &Network) -> Vec<String> {
    let mut out = Vec::new();
    for rt in net.route_tables() {
        let mut routes: Vec<String> = rt
            .routes
            .iter()
            .map(|r| format!("{:?}->{:?}/{}", r.destination, r.target, r.active))
            .collect();
        routes.sort();
        out.push(format!(
            "{} {} {routes:?}",
            rt.meta.id,
            net.vpc(rt.vpc).meta.id
        ));
    }
    for sg in net.security_groups() {
        let rules = |rs: &[vpcnet_model::SgRule]| {
            rs.iter()
                .map(|r| format!("{:?} {:?} {:?}", r.protocol, r.l4, r.peer))
                .collect::<Vec<_>>()
        };
        out.push(format!(
            "{} {:?} {:?}",
            sg.meta.id,
            rules(&sg.ingress),
            rules(&sg.egress)
        ));
    }
    for e in net.interfaces() {
        out.push(format!(
            "{} {:?} {:?} {} {}",
            e.meta.id,
            e.private_ips,
            e.security_groups,
            e.source_dest_check,
            net.subnet(e.subnet).meta.id
        ));
    }
    for a in net.network_acls() {
        out.push(format!(
            "{} {:?} {:?}",
            a.meta.id,
            a.ingress
                .iter()
                .map(|e| (e.rule_number, e.action, e.protocol, e.l4, e.cidr))
                .collect::<Vec<_>>(),
            a.egress.len()
        ));
    }
    for s in net.subnets() {
        out.push(format!(
            "{} {} {:?} {:?} {}",
            s.meta.id, s.cidr, s.route_table, s.nacl, s.az
        ));
    }
    for v in net.vpcs() {
        out.push(format!(
            "{} {:?} {:?} {:?} {} {}",
            v.meta.id, v.cidrs, v.main_route_table, v.default_nacl, v.account, v.region
        ));
    }
    for p in net.peerings() {
        out.push(format!(
            "{} {:?} {:?} {:?}",
            p.meta.id, p.requester, p.accepter, p.status
        ));
    }
    out
}

#[test]
fn export_round_trips_the_example() {
    assert_round_trip(examples::CROSS_VPC);
}

#[test]
fn export_round_trips_a_generated_network() {
    let spec = crate::generate::generate(&crate::generate::GenerateOptions { vpcs: 12, seed: 3 });
    assert_round_trip(&to_json(&spec));
}

/// A mesh policy that cannot be written as address rules is exported as denying all
/// mesh traffic, and said to be lost; no policy at all stays "allow everything".
#[test]
fn a_policy_export_cannot_write_is_never_widened() {
    #[derive(Debug)]
    struct Opaque;
    impl vpcnet_model::OverlayPolicy for Opaque {
        fn decide(
            &self,
            _: &vpcnet_model::TailnetNode,
            _: std::net::Ipv4Addr,
            _: u8,
            _: u16,
        ) -> vpcnet_model::OverlayDecision {
            vpcnet_model::OverlayDecision {
                allowed: true,
                reason: "opaque".to_owned(),
                origin: None,
            }
        }
    }
    let (net, _) = load(examples::CROSS_VPC);
    let mut b = vpcnet_model::NetworkBuilder::from_network(net);
    b.set_tailnet(vpcnet_model::Tailnet {
        name: "example.com".to_owned(),
        policy: std::sync::Arc::new(Opaque),
    });
    let (net, _) = b.finish();
    let spec = crate::from_network(&net);
    assert_eq!(
        spec.tailnet
            .as_ref()
            .and_then(|t| t.acls.as_ref())
            .map(Vec::len),
        Some(0)
    );
    let losses: Vec<&str> = crate::export_losses(&net).iter().map(|d| d.code).collect();
    assert_eq!(losses, ["NOT_EXPORTABLE"]);

    let mut b = vpcnet_model::NetworkBuilder::from_network(net);
    b.set_tailnet(vpcnet_model::Tailnet {
        name: "example.com".to_owned(),
        policy: std::sync::Arc::new(vpcnet_model::AllowAll),
    });
    let (net, _) = b.finish();
    assert!(crate::from_network(&net).tailnet.unwrap().acls.is_none());
    assert!(crate::export_losses(&net).is_empty());
}
