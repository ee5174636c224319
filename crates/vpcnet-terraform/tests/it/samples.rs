//! The real `terraform show -json` files in `../shared/terraform-samples` (third-party,
//! read in place, never copied): each loads, both networks of a plan, without a
//! panic or an `Err`, and every managed resource is either modelled or named in a
//! `NOT_MODELLED` note.

use std::path::{Path, PathBuf};

use vpcnet_engine::{resolve_source, trace_name, Component, Query};
use vpcnet_model::{AnyIdx, EndpointKind, LbKind, Network, Severity};
use vpcnet_terraform::{is_terraform_json, TfKind, Which};

use crate::support::{load_text, tr, verdict};

fn samples_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/terraform-samples"
    ))
    .to_path_buf()
}

fn sample_files() -> Vec<PathBuf> {
    let dir = samples_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the Terraform samples directory `{}` is missing ({e}); it holds the real plan and state files this test reads",
            dir.display()
        )
    });
    let mut files = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            for f in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                if f.path().extension().is_some_and(|x| x == "json") {
                    files.push(f.path());
                }
            }
        }
    }
    files.sort();
    files
}

/// How many managed resources the module tree holds, counted independently of the
/// importer.
fn managed(v: &serde_json::Value) -> usize {
    let own = v
        .get("resources")
        .and_then(|r| r.as_array())
        .map(|r| {
            r.iter()
                .filter(|x| x.get("mode").and_then(|m| m.as_str()) != Some("data"))
                .count()
        })
        .unwrap_or(0);
    let children: usize = v
        .get("child_modules")
        .and_then(|c| c.as_array())
        .map(|c| c.iter().map(managed).sum())
        .unwrap_or(0);
    own + children
}

#[test]
fn every_sample_loads_and_accounts_for_every_resource() {
    let files = sample_files();
    assert_eq!(files.len(), 15, "expected the fifteen samples: {files:?}");
    for f in files {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(&f).expect("readable");
        assert!(
            is_terraform_json(&text),
            "{name} is not sniffed as Terraform"
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        for which in [Which::Planned, Which::Prior] {
            let l = load_text(&name, &text, which);
            let tree = match (l.report.kind, which) {
                (TfKind::State, _) => v.pointer("/values/root_module"),
                (TfKind::Plan, Which::Planned) => v.pointer("/planned_values/root_module"),
                (TfKind::Plan, Which::Prior) => v.pointer("/prior_state/values/root_module"),
            };
            let expected = tree.map(managed).unwrap_or(0);
            assert_eq!(l.report.managed(), expected, "{name} {which:?}");
            // Every type left out is one note naming all its addresses.
            for (ty, addrs) in &l.report.not_modelled {
                let notes: Vec<_> = l
                    .diags
                    .iter()
                    .filter(|d| {
                        d.code == "NOT_MODELLED" && d.message.starts_with(&format!("`{ty}`"))
                    })
                    .collect();
                assert_eq!(
                    notes.len(),
                    1,
                    "{name}: one note for `{ty}`\n{}",
                    l.findings()
                );
                for a in addrs {
                    assert!(
                        notes[0].message.contains(&format!("`{a}`")),
                        "{name}: `{a}` not named"
                    );
                }
            }
            assert!(
                l.diags.iter().all(|d| d
                    .location
                    .as_ref()
                    .is_some_and(|loc| loc.file.as_deref() == Some(name.as_str()))),
                "{name}: every finding names the file"
            );
            let _ = l.at_least(Severity::Error);
        }
    }
}

/// Prints each sample's findings and what was built (`cargo test -- --nocapture`).
#[test]
fn sample_findings_are_listed() {
    for f in sample_files() {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(&f).expect("readable");
        let l = load_text(&name, &text, Which::Planned);
        let errors = l.at_least(Severity::Warning).len();
        println!(
            "== {} — {} VPCs, {} subnets, {} route tables, {} SGs, {} ENIs, {} peerings, {} endpoints, {} load balancers; {} modelled, {} warnings/errors",
            f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            l.net.vpcs().len(),
            l.net.subnets().len(),
            l.net.route_tables().len(),
            l.net.security_groups().len(),
            l.net.interfaces().len(),
            l.net.peerings().len(),
            l.net.vpc_endpoints().len(),
            l.net.load_balancers().len(),
            l.report.modelled.len(),
            errors,
        );
        for d in l.at_least(Severity::Warning) {
            println!("  {d}");
        }
    }
}

fn sample(path: &str) -> crate::support::Loaded {
    let f = samples_dir().join(path);
    let text = std::fs::read_to_string(&f).expect("the sample is readable");
    load_text(path, &text, Which::Planned)
}

/// Transit gateway types the importer models are never reported as not modelled.
#[test]
fn no_sample_leaves_a_transit_gateway_out() {
    for f in sample_files() {
        let text = std::fs::read_to_string(&f).expect("readable");
        let l = load_text(&f.display().to_string(), &text, Which::Planned);
        for (ty, _) in &l.report.not_modelled {
            assert!(
                !ty.starts_with("aws_ec2_transit_gateway") && ty != "aws_customer_gateway",
                "{}: `{ty}` left out",
                f.display()
            );
        }
    }
}

/// A hub with two spoke VPCs made by the `aws-ia/vpc` module and a VPN over Direct
/// Connect: every id is unknown until apply; the attachments are named through a
/// module output under `for_each`, and the VPN attachment through a data source read
/// at apply.
#[test]
fn the_hub_and_spoke_sample_is_traced_across_its_transit_gateway() {
    let l = sample("gjkraken__aws-site-to-site-vpn-private-ip-vpn/terraform__plan.json");
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    let n = &l.net;
    let [tgw] = n.transit_gateways() else {
        panic!("one transit gateway: {:?}", n.transit_gateways());
    };
    assert_eq!(
        tgw.meta.name.as_deref(),
        Some("transit_gateway-tgw-dx-private-ip-vpn")
    );
    assert_eq!(tgw.region, "eu-central-1");
    // No default route table: one table, with every attachment associated with it and
    // propagating into it.
    let [table] = n.tgw_route_tables() else {
        panic!("one route table: {:?}", n.tgw_route_tables());
    };
    assert_eq!(table.propagations.len(), 3);
    let mut kinds = Vec::new();
    for a in n.tgw_attachments() {
        assert_eq!(
            a.association.map(|t| n.tgw_route_table(t).meta.id.clone()),
            Some(table.meta.id.clone()),
            "{a:?}"
        );
        kinds.push(match &a.kind {
            vpcnet_model::TgwAttachmentKind::Vpc { .. } => "vpc".to_owned(),
            vpcnet_model::TgwAttachmentKind::Vpn { site, .. } => format!("vpn to {site}"),
            other => format!("{other:?}"),
        });
    }
    assert_eq!(
        kinds,
        [
            "vpc",
            "vpc",
            "vpn to customer_gateway-tgw-dx-private-ip-vpn"
        ]
    );
    // The spokes reach each other on the port their groups open, both ways.
    let a = "spoke-vpc-a-instance-1-tgw-dx-private-ip-vpn";
    let b = "spoke-vpc-b-instance-1-tgw-dx-private-ip-vpn";
    for (from, to) in [(a, b), (b, a)] {
        let t = tr(n, from, to, 6, 80);
        assert_eq!(verdict(&t), "REACHABLE", "{from} -> {to}");
        assert!(t.forward.hops.iter().any(|h| matches!(
            h.component,
            vpcnet_engine::Component::Resource(vpcnet_model::AnyIdx::TgwRouteTable(_))
        )));
    }
    assert_eq!(
        verdict(&tr(n, a, b, 6, 443)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
    // What BGP learns over the VPN is not in the plan, and is said.
    assert!(l.diags.iter().any(|d| d.code == "VPN_SITE_RANGES_UNKNOWN"));
    assert_eq!(
        verdict(&tr(n, a, "10.66.3.10", 6, 80)),
        "TGW_RTB_CANNOT_ROUTE on forward"
    );
}

/// Terraform 0.12 leaves the `route` blocks of a route table out of `configuration`,
/// so the VPC routes to the transit gateway cannot be linked; the gateway itself, its
/// table, static routes and associations are.
#[test]
fn the_terraform_0_12_transit_gateway_sample_loads_its_gateway() {
    let l = sample("AyoSal__aws-transit-gateway-with-terraform/plan.json");
    let n = &l.net;
    assert_eq!(n.transit_gateways().len(), 1);
    let [table] = n.tgw_route_tables() else {
        panic!("one route table: {:?}", n.tgw_route_tables());
    };
    assert_eq!(
        table
            .routes
            .iter()
            .map(|r| r.destination.to_string())
            .collect::<Vec<_>>(),
        ["0.0.0.0/0", "10.0.0.0/24", "15.0.0.0/24"]
    );
    assert!(n.tgw_attachments().iter().all(|a| a.association.is_some()));
    assert!(l
        .diags
        .iter()
        .any(|d| d.code == "UNRESOLVED_REFERENCE" && d.message.contains("Terraform 0.12.20")));
}

/// Endpoint and load balancing types the importer models are never reported as not
/// modelled (the classic `aws_elb` is not one of them).
#[test]
fn no_sample_leaves_an_endpoint_or_a_load_balancer_out() {
    for f in sample_files() {
        let text = std::fs::read_to_string(&f).expect("readable");
        for which in [Which::Planned, Which::Prior] {
            let l = load_text(&f.display().to_string(), &text, which);
            for (ty, _) in &l.report.not_modelled {
                assert!(
                    !["aws_lb", "aws_alb", "aws_vpc_endpoint"]
                        .iter()
                        .any(|p| ty.starts_with(p)),
                    "{}: `{ty}` left out",
                    f.display()
                );
            }
        }
    }
}

fn query(n: &Network, from: &str, port: u16) -> Query {
    Query {
        from: resolve_source(n, from).expect("source"),
        to_ip: std::net::Ipv4Addr::UNSPECIFIED,
        expect: None,
        protocol: 6,
        src_port: 49152,
        dst_port: port,
        icmp_type: 8,
        icmp_code: 0,
    }
}

/// An internet-facing application load balancer in the public subnets of the
/// `terraform-aws-modules/vpc` module, forwarding to two instances in the private
/// ones; its ARN, DNS name and addresses are known only after apply.
#[test]
fn the_internet_reaches_the_instances_through_the_load_balancer_sample() {
    let l = sample("Gendalfx__Terraform_Epam/tf-plan.json");
    assert!(l.at_least(Severity::Warning).is_empty(), "{}", l.findings());
    let n = &l.net;
    let [lb] = n.load_balancers() else {
        panic!("one load balancer: {:?}", n.load_balancers());
    };
    assert_eq!((lb.kind, lb.internal), (LbKind::Application, false));
    let [listener] = lb.listeners.as_slice() else {
        panic!("one listener: {:?}", lb.listeners);
    };
    let group = n.target_group(listener.default_target_group.expect("it forwards"));
    assert_eq!(group.targets.len(), 2);
    // Its DNS name, made up as AWS would make it, answers its placeholder public
    // addresses; the instances are reached on 80 only.
    let name = lb.dns_name.clone().expect("a DNS name");
    assert!(name.ends_with(".eu-west-1.elb.amazonaws.com"), "{name}");
    let t = trace_name(n, &query(n, "internet", 80), &name);
    assert_eq!(verdict(&t), "REACHABLE");
    let last = &t.forward.hops.last().expect("hops").component;
    assert!(
        matches!(last, Component::Resource(AnyIdx::Interface(e))
            if matches!(n.interface(*e).owner, vpcnet_model::InterfaceOwner::Instance(_))),
        "{last:?}"
    );
    assert_eq!(
        verdict(&trace_name(n, &query(n, "internet", 443), &name)),
        "ENI_SG_RULES_MISMATCH on forward"
    );
}

/// Interface endpoints for Session Manager (`ssm`, `ssmmessages`, `ec2messages`) in
/// two spoke VPCs, with private DNS and a group of their own, made by a module under
/// `for_each`; their subnets come through the `aws-ia/vpc` module's outputs.
#[test]
fn the_spokes_reach_session_manager_through_their_interface_endpoints() {
    let l = sample("gjkraken__aws-site-to-site-vpn-private-ip-vpn/terraform__plan.json");
    let n = &l.net;
    assert_eq!(n.vpc_endpoints().len(), 6);
    for e in n.vpc_endpoints() {
        assert_eq!(e.kind, EndpointKind::Interface, "{e:?}");
        assert!(e.private_dns && e.is_available(), "{e:?}");
        assert_eq!(e.enis.len(), 1, "{e:?}");
    }
    for (from, prefix) in [
        ("spoke-vpc-a-instance-1-tgw-dx-private-ip-vpn", "10.66.4."),
        ("spoke-vpc-b-instance-1-tgw-dx-private-ip-vpn", "10.66.5."),
    ] {
        for service in ["ssm", "ssmmessages", "ec2messages"] {
            let name = format!("{service}.eu-central-1.amazonaws.com");
            let t = trace_name(n, &query(n, from, 443), &name);
            assert_eq!(verdict(&t), "REACHABLE", "{from} -> {name}");
            assert!(
                t.query.to_ip.to_string().starts_with(prefix),
                "{from} -> {name}: {}",
                t.query.to_ip
            );
        }
        assert_eq!(
            verdict(&trace_name(
                n,
                &query(n, from, 80),
                "ssm.eu-central-1.amazonaws.com"
            )),
            "ENI_SG_RULES_MISMATCH on forward"
        );
    }
}
