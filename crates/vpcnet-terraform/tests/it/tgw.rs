//! Transit gateways in plans: two VPCs on a hub's default route table, a third with a
//! route table, association and propagation of its own, a blackhole, a peering to a
//! gateway in another region with its accepter, and a VPN connection to a site; every
//! id unknown until apply and linked through the configuration. Traces go across the
//! gateways; bad values are reported at their JSON pointers.

use expect_test::expect;
use serde_json::{json, Value};
use vpcnet_model::{Severity, TgwAttachmentIdx, TgwAttachmentKind, TgwIdx};
use vpcnet_terraform::Which;

use crate::support::{load_text, plan_json, planned, tr, verdict, Loaded, Planned};

const TCP: u8 = 6;
const HUB: &str = "tgw-tf-aws_ec2_transit_gateway.hub";
const HUB_DEFAULT: &str = "tgw-rtb-tf-aws_ec2_transit_gateway.hub/default";

fn id_of(r: &str) -> Value {
    json!({"references": [format!("{r}.id"), r]})
}

fn attr_of(r: &str, a: &str) -> Value {
    json!({"references": [format!("{r}.{a}"), r]})
}

/// A configuration entry; `provider` is `aws` or `aws.eu`.
fn cfg(addr: &str, provider: &str, expressions: Value) -> Value {
    let (ty, name) = addr.split_once('.').expect("type.name");
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_config_key": provider, "expressions": expressions, "schema_version": 0})
}

/// One VPC with a subnet for instances and one for its attachment (the same when
/// `tgw_cidr` is `None`), a group open to `10.0.0.0/8` and `172.16.0.0/12`, an
/// instance at `ip`, and routes to `tgw` for `dests` in its main route table.
struct Spoke<'a> {
    name: &'a str,
    provider: &'a str,
    cidr: &'a str,
    az: &'a str,
    subnet: &'a str,
    tgw_cidr: Option<&'a str>,
    ip: &'a str,
    tgw: &'a str,
    dests: &'a [&'a str],
}

impl Spoke<'_> {
    fn add(&self, res: &mut Vec<Planned>, config: &mut Vec<Value>) {
        let (n, p) = (self.name, self.provider);
        let vpc = format!("aws_vpc.{n}");
        res.push(planned(
            &vpc,
            json!({"cidr_block": self.cidr, "enable_dns_support": true, "enable_dns_hostnames": false,
                   "instance_tenancy": "default", "tags": {"Name": n}}),
            json!({"arn": true, "default_network_acl_id": true, "default_route_table_id": true,
                   "default_security_group_id": true, "id": true, "main_route_table_id": true,
                   "owner_id": true, "ipv6_cidr_block": true, "tags_all": true}),
        ));
        config.push(cfg(
            &vpc,
            p,
            json!({"cidr_block": {"constant_value": self.cidr}}),
        ));
        let mut subnets = vec![(format!("aws_subnet.{n}_a"), self.subnet)];
        if let Some(c) = self.tgw_cidr {
            subnets.push((format!("aws_subnet.{n}_tgw"), c));
        }
        for (addr, cidr) in &subnets {
            res.push(planned(
                addr,
                json!({"cidr_block": cidr, "availability_zone": self.az,
                       "map_public_ip_on_launch": false, "tags": {"Name": addr.trim_start_matches("aws_subnet.")}}),
                json!({"arn": true, "id": true, "owner_id": true, "vpc_id": true,
                       "availability_zone_id": true, "ipv6_cidr_block_association_id": true, "tags_all": true}),
            ));
            config.push(cfg(
                addr,
                p,
                json!({"vpc_id": id_of(&vpc), "cidr_block": {"constant_value": cidr},
                       "availability_zone": {"constant_value": self.az}}),
            ));
        }
        let sg = format!("aws_security_group.{n}");
        let rule = |cidrs: Value| {
            json!({"cidr_blocks": cidrs, "description": "", "from_port": 0, "ipv6_cidr_blocks": [],
                   "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": false, "to_port": 0})
        };
        res.push(planned(
            &sg,
            json!({"name": n, "description": "Managed by Terraform", "revoke_rules_on_delete": false,
                   "ingress": [rule(json!(["10.0.0.0/8", "172.16.0.0/12"]))],
                   "egress": [rule(json!(["0.0.0.0/0"]))], "tags": null}),
            json!({"arn": true, "id": true, "ingress": [{"cidr_blocks": [false, false], "ipv6_cidr_blocks": [],
                   "prefix_list_ids": [], "security_groups": []}], "egress": [{"cidr_blocks": [false],
                   "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}],
                   "name_prefix": true, "owner_id": true, "tags_all": true, "vpc_id": true}),
        ));
        config.push(cfg(&sg, p, json!({"vpc_id": id_of(&vpc)})));
        let inst = format!("aws_instance.{n}");
        res.push(planned(
            &inst,
            json!({"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro", "private_ip": self.ip,
                   "source_dest_check": true, "tags": {"Name": format!("{n}-1")}}),
            json!({"arn": true, "id": true, "subnet_id": true, "vpc_security_group_ids": true,
                   "primary_network_interface_id": true, "public_ip": true, "public_dns": true,
                   "private_dns": true, "associate_public_ip_address": true, "tags_all": true}),
        ));
        config.push(cfg(
            &inst,
            p,
            json!({"subnet_id": id_of(&format!("aws_subnet.{n}_a")),
                   "private_ip": {"constant_value": self.ip},
                   "vpc_security_group_ids": {"references": [format!("{sg}.id"), sg]}}),
        ));
        for (k, d) in self.dests.iter().enumerate() {
            let route = format!("aws_route.{n}_{k}");
            res.push(planned(
                &route,
                json!({"destination_cidr_block": d, "carrier_gateway_id": null, "core_network_arn": null,
                       "destination_ipv6_cidr_block": null, "destination_prefix_list_id": null,
                       "egress_only_gateway_id": null, "gateway_id": null, "local_gateway_id": null,
                       "nat_gateway_id": null, "timeouts": null, "vpc_endpoint_id": null,
                       "vpc_peering_connection_id": null}),
                json!({"id": true, "instance_id": true, "instance_owner_id": true,
                       "network_interface_id": true, "origin": true, "route_table_id": true,
                       "state": true, "transit_gateway_id": true}),
            ));
            config.push(cfg(
                &route,
                p,
                json!({"route_table_id": attr_of(&vpc, "default_route_table_id"),
                       "destination_cidr_block": {"constant_value": d},
                       "transit_gateway_id": id_of(self.tgw)}),
            ));
        }
    }
}

/// The transit gateway resources, in the order they are listed.
fn gateways(res: &mut Vec<Planned>, config: &mut Vec<Value>, accepted: bool) {
    let hub = "aws_ec2_transit_gateway.hub";
    let eu = "aws_ec2_transit_gateway.eu";
    for (addr, p, name, default, asn) in [
        (hub, "aws", "hub", "enable", 64512),
        (eu, "aws.eu", "eu-hub", "disable", 64513),
    ] {
        res.push(planned(
            addr,
            json!({"amazon_side_asn": asn, "auto_accept_shared_attachments": "disable",
                   "default_route_table_association": default, "default_route_table_propagation": default,
                   "description": name, "dns_support": "enable", "multicast_support": "disable",
                   "tags": {"Name": name}, "timeouts": null, "transit_gateway_cidr_blocks": null,
                   "vpn_ecmp_support": "enable"}),
            json!({"arn": true, "association_default_route_table_id": true, "id": true, "owner_id": true,
                   "propagation_default_route_table_id": true, "tags_all": true}),
        ));
        config.push(cfg(
            addr,
            p,
            json!({"default_route_table_association": {"constant_value": default},
                   "default_route_table_propagation": {"constant_value": default}}),
        ));
    }
    // VPC attachments: app and shared on the hub's defaults, svc and eu on their own.
    for (name, p, tgw, subnet, defaults, appliance) in [
        ("app", "aws", hub, "aws_subnet.app_tgw", true, "disable"),
        (
            "shared",
            "aws",
            hub,
            "aws_subnet.shared_tgw",
            true,
            "enable",
        ),
        ("svc", "aws", hub, "aws_subnet.svc_a", false, "disable"),
        ("eu", "aws.eu", eu, "aws_subnet.eu_a", false, "disable"),
    ] {
        let addr = format!("aws_ec2_transit_gateway_vpc_attachment.{name}");
        res.push(planned(
            &addr,
            json!({"appliance_mode_support": appliance, "dns_support": "enable", "ipv6_support": "disable",
                   "security_group_referencing_support": "disable", "tags": {"Name": format!("{name}-att")},
                   "timeouts": null, "transit_gateway_default_route_table_association": defaults,
                   "transit_gateway_default_route_table_propagation": defaults}),
            json!({"id": true, "subnet_ids": true, "tags_all": true, "transit_gateway_id": true,
                   "vpc_id": true, "vpc_owner_id": true}),
        ));
        config.push(cfg(
            &addr,
            p,
            json!({"subnet_ids": {"references": [format!("{subnet}.id"), subnet]},
                   "transit_gateway_id": id_of(tgw), "vpc_id": id_of(&format!("aws_vpc.{name}")),
                   "appliance_mode_support": {"constant_value": appliance},
                   "transit_gateway_default_route_table_association": {"constant_value": defaults},
                   "transit_gateway_default_route_table_propagation": {"constant_value": defaults}}),
        ));
    }
    for (name, p, tgw) in [("svc", "aws", hub), ("eu", "aws.eu", eu)] {
        let addr = format!("aws_ec2_transit_gateway_route_table.{name}");
        res.push(planned(
            &addr,
            json!({"tags": {"Name": format!("{name}-rt")}, "timeouts": null}),
            json!({"arn": true, "default_association_route_table": true,
                   "default_propagation_route_table": true, "id": true, "tags_all": true,
                   "transit_gateway_id": true}),
        ));
        config.push(cfg(&addr, p, json!({"transit_gateway_id": id_of(tgw)})));
    }
    let peering = "aws_ec2_transit_gateway_peering_attachment.to_eu";
    let accepter = "aws_ec2_transit_gateway_peering_attachment_accepter.to_eu";
    res.push(planned(
        peering,
        json!({"peer_region": "eu-west-1", "tags": {"Name": "to-eu"}, "timeouts": null,
               "options": []}),
        json!({"arn": true, "id": true, "peer_account_id": true, "peer_transit_gateway_id": true,
               "state": true, "tags_all": true, "transit_gateway_id": true}),
    ));
    config.push(cfg(
        peering,
        "aws",
        json!({"peer_region": {"constant_value": "eu-west-1"},
               "peer_transit_gateway_id": id_of(eu), "transit_gateway_id": id_of(hub)}),
    ));
    if accepted {
        res.push(planned(
            accepter,
            json!({"tags": {"Name": "to-eu"}, "timeouts": null}),
            json!({"id": true, "peer_account_id": true, "peer_region": true,
                   "peer_transit_gateway_id": true, "tags_all": true,
                   "transit_gateway_attachment_id": true, "transit_gateway_id": true}),
        ));
        config.push(cfg(
            accepter,
            "aws.eu",
            json!({"transit_gateway_attachment_id": id_of(peering)}),
        ));
    }
    let link_unknown = json!({"id": true, "resource_id": true, "resource_type": true,
                              "transit_gateway_attachment_id": true,
                              "transit_gateway_route_table_id": true});
    // The eu side names the peering through its accepter.
    let eu_peer = if accepted { accepter } else { peering };
    for (addr, p, att, table) in [
        (
            "aws_ec2_transit_gateway_route_table_association.svc",
            "aws",
            id_of("aws_ec2_transit_gateway_vpc_attachment.svc"),
            id_of("aws_ec2_transit_gateway_route_table.svc"),
        ),
        (
            "aws_ec2_transit_gateway_route_table_association.eu",
            "aws.eu",
            id_of("aws_ec2_transit_gateway_vpc_attachment.eu"),
            id_of("aws_ec2_transit_gateway_route_table.eu"),
        ),
        (
            "aws_ec2_transit_gateway_route_table_association.eu_peer",
            "aws.eu",
            id_of(eu_peer),
            id_of("aws_ec2_transit_gateway_route_table.eu"),
        ),
    ] {
        res.push(planned(
            addr,
            json!({"replace_existing_association": false, "timeouts": null}),
            link_unknown.clone(),
        ));
        config.push(cfg(
            addr,
            p,
            json!({"transit_gateway_attachment_id": att, "transit_gateway_route_table_id": table}),
        ));
    }
    for (addr, p, att, table) in [
        (
            "aws_ec2_transit_gateway_route_table_propagation.svc_to_hub",
            "aws",
            id_of("aws_ec2_transit_gateway_vpc_attachment.svc"),
            attr_of(hub, "propagation_default_route_table_id"),
        ),
        (
            "aws_ec2_transit_gateway_route_table_propagation.app_to_svc",
            "aws",
            id_of("aws_ec2_transit_gateway_vpc_attachment.app"),
            id_of("aws_ec2_transit_gateway_route_table.svc"),
        ),
        (
            "aws_ec2_transit_gateway_route_table_propagation.eu",
            "aws.eu",
            id_of("aws_ec2_transit_gateway_vpc_attachment.eu"),
            id_of("aws_ec2_transit_gateway_route_table.eu"),
        ),
    ] {
        res.push(planned(
            addr,
            json!({"timeouts": null}),
            link_unknown.clone(),
        ));
        config.push(cfg(
            addr,
            p,
            json!({"transit_gateway_attachment_id": att, "transit_gateway_route_table_id": table}),
        ));
    }
    let route_unknown = json!({"id": true, "transit_gateway_attachment_id": true,
                               "transit_gateway_route_table_id": true});
    res.push(planned(
        "aws_ec2_transit_gateway_route.blackhole",
        json!({"blackhole": true, "destination_cidr_block": "10.1.99.0/24",
               "transit_gateway_attachment_id": null}),
        json!({"id": true, "transit_gateway_route_table_id": true}),
    ));
    config.push(cfg(
        "aws_ec2_transit_gateway_route.blackhole",
        "aws",
        json!({"blackhole": {"constant_value": true},
               "destination_cidr_block": {"constant_value": "10.1.99.0/24"},
               "transit_gateway_route_table_id": attr_of(hub, "association_default_route_table_id")}),
    ));
    for (addr, p, dest, att, table) in [
        (
            "aws_ec2_transit_gateway_route.to_eu",
            "aws",
            "10.2.0.0/16",
            id_of(peering),
            attr_of(hub, "association_default_route_table_id"),
        ),
        (
            "aws_ec2_transit_gateway_route.to_hub",
            "aws.eu",
            "10.0.0.0/15",
            id_of(eu_peer),
            id_of("aws_ec2_transit_gateway_route_table.eu"),
        ),
    ] {
        res.push(planned(
            addr,
            json!({"blackhole": false, "destination_cidr_block": dest}),
            route_unknown.clone(),
        ));
        config.push(cfg(
            addr,
            p,
            json!({"destination_cidr_block": {"constant_value": dest},
                   "transit_gateway_attachment_id": att, "transit_gateway_route_table_id": table}),
        ));
    }
    // A VPN to a datacenter, on the hub's defaults.
    res.push(planned(
        "aws_customer_gateway.dc",
        json!({"bgp_asn": "65000", "certificate_arn": null, "device_name": null,
               "ip_address": "198.51.100.7", "tags": {"Name": "datacenter"}, "type": "ipsec.1"}),
        json!({"arn": true, "id": true, "tags_all": true}),
    ));
    config.push(cfg(
        "aws_customer_gateway.dc",
        "aws",
        json!({"bgp_asn": {"constant_value": "65000"}, "ip_address": {"constant_value": "198.51.100.7"},
               "type": {"constant_value": "ipsec.1"}}),
    ));
    res.push(planned(
        "aws_vpn_connection.dc",
        json!({"local_ipv4_network_cidr": "172.16.0.0/12", "outside_ip_address_type": "PublicIpv4",
               "static_routes_only": false, "tags": {"Name": "dc-vpn"}, "type": "ipsec.1",
               "vpn_gateway_id": null, "tunnel1_inside_cidr": null, "tunnel2_inside_cidr": null}),
        json!({"arn": true, "core_network_arn": true, "core_network_attachment_arn": true,
               "customer_gateway_configuration": true, "customer_gateway_id": true,
               "enable_acceleration": true, "id": true, "local_ipv6_network_cidr": true,
               "remote_ipv4_network_cidr": true, "remote_ipv6_network_cidr": true, "routes": true,
               "tags_all": true, "transit_gateway_attachment_id": true, "transit_gateway_id": true,
               "tunnel1_address": true, "tunnel2_address": true, "vgw_telemetry": true}),
    ));
    config.push(cfg(
        "aws_vpn_connection.dc",
        "aws",
        json!({"customer_gateway_id": id_of("aws_customer_gateway.dc"), "transit_gateway_id": id_of(hub),
               "type": {"constant_value": "ipsec.1"}, "static_routes_only": {"constant_value": false},
               "local_ipv4_network_cidr": {"constant_value": "172.16.0.0/12"}}),
    ));
}

/// The plan: `app`, `shared` and `svc` on the hub (us-east-1), `eu` on a gateway in
/// eu-west-1 peered with it; the peering accepted when `accepted`.
pub(crate) fn tgw_plan(accepted: bool) -> String {
    let mut res = Vec::new();
    let mut config = Vec::new();
    let hub = "aws_ec2_transit_gateway.hub";
    let spokes = [
        Spoke {
            name: "app",
            provider: "aws",
            cidr: "10.0.0.0/16",
            az: "us-east-1a",
            subnet: "10.0.1.0/24",
            tgw_cidr: Some("10.0.255.0/28"),
            ip: "10.0.1.10",
            tgw: hub,
            dests: &["10.0.0.0/8", "172.16.0.0/12"],
        },
        Spoke {
            name: "shared",
            provider: "aws",
            cidr: "10.1.0.0/16",
            az: "us-east-1a",
            subnet: "10.1.1.0/24",
            tgw_cidr: Some("10.1.255.0/28"),
            ip: "10.1.1.10",
            tgw: hub,
            dests: &["10.0.0.0/8", "172.16.0.0/12"],
        },
        Spoke {
            name: "svc",
            provider: "aws",
            cidr: "10.3.0.0/16",
            az: "us-east-1a",
            subnet: "10.3.1.0/24",
            tgw_cidr: None,
            ip: "10.3.1.10",
            tgw: hub,
            dests: &["10.0.0.0/8"],
        },
        Spoke {
            name: "eu",
            provider: "aws.eu",
            cidr: "10.2.0.0/16",
            az: "eu-west-1a",
            subnet: "10.2.1.0/24",
            tgw_cidr: None,
            ip: "10.2.1.10",
            tgw: "aws_ec2_transit_gateway.eu",
            dests: &["10.0.0.0/8"],
        },
    ];
    for s in &spokes {
        s.add(&mut res, &mut config);
    }
    gateways(&mut res, &mut config, accepted);
    let configuration = json!({
        "provider_config": {
            "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": "us-east-1"}}},
            "aws.eu": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "eu",
                       "expressions": {"region": {"constant_value": "eu-west-1"}}}
        },
        "root_module": {"resources": config}
    });
    // svc's table learns the VPN's range too, the attachment named through a data
    // source read at apply.
    let prop = "aws_ec2_transit_gateway_route_table_propagation.vpn_to_svc";
    let data = "data.aws_ec2_transit_gateway_vpn_attachment.dc";
    res.push(planned(
        prop,
        json!({"timeouts": null}),
        json!({"id": true, "resource_id": true, "resource_type": true,
               "transit_gateway_attachment_id": true, "transit_gateway_route_table_id": true}),
    ));
    // And a static route for part of it, to the attachment the connection names.
    let route = "aws_ec2_transit_gateway_route.svc_to_dc";
    res.push(planned(
        route,
        json!({"blackhole": false, "destination_cidr_block": "172.16.1.0/24"}),
        json!({"id": true, "transit_gateway_attachment_id": true,
               "transit_gateway_route_table_id": true}),
    ));
    let mut configuration = configuration;
    if let Some(list) = configuration
        .pointer_mut("/root_module/resources")
        .and_then(Value::as_array_mut)
    {
        list.push(cfg(
            route,
            "aws",
            json!({"destination_cidr_block": {"constant_value": "172.16.1.0/24"},
                   "transit_gateway_attachment_id": attr_of("aws_vpn_connection.dc", "transit_gateway_attachment_id"),
                   "transit_gateway_route_table_id": id_of("aws_ec2_transit_gateway_route_table.svc")}),
        ));
        list.push(cfg(
            prop,
            "aws",
            json!({"transit_gateway_attachment_id": id_of(data),
                   "transit_gateway_route_table_id": id_of("aws_ec2_transit_gateway_route_table.svc")}),
        ));
        list.push(json!({"address": data, "mode": "data", "type": "aws_ec2_transit_gateway_vpn_attachment",
                         "name": "dc", "provider_config_key": "aws", "schema_version": 0,
                         "expressions": {"transit_gateway_id": id_of(hub),
                                         "vpn_connection_id": id_of("aws_vpn_connection.dc")}}));
    }
    let mut v: Value =
        serde_json::from_str(&plan_json(&res, configuration, json!({}))).expect("json");
    if let Some(list) = v
        .pointer_mut("/planned_values/root_module/resources")
        .and_then(Value::as_array_mut)
    {
        list.push(json!({"address": data, "mode": "data", "type": "aws_ec2_transit_gateway_vpn_attachment",
                         "name": "dc", "provider_name": "registry.terraform.io/hashicorp/aws",
                         "schema_version": 0, "values": {"filter": [], "timeouts": null},
                         "sensitive_values": {}}));
    }
    v.to_string()
}

fn loaded(accepted: bool) -> Loaded {
    load_text("plan.json", &tgw_plan(accepted), Which::Planned)
}

/// The JSON pointer of a root resource of a plan made by [`tgw_plan`].
fn ptr_of(text: &str, addr: &str) -> String {
    let v: Value = serde_json::from_str(text).expect("json");
    let list = v
        .pointer("/planned_values/root_module/resources")
        .and_then(Value::as_array)
        .expect("resources");
    let k = list
        .iter()
        .position(|r| r["address"] == addr)
        .expect("resource");
    format!("/planned_values/root_module/resources/{k}")
}

/// The hops of a trace as `action component`, forward then return.
fn hops(l: &Loaded, t: &vpcnet_engine::Trace) -> String {
    let mut out = format!("{}\n", verdict(t));
    let mut paths = vec![("forward", &t.forward)];
    if let Some(r) = &t.ret {
        paths.push(("return", r));
    }
    for (name, p) in paths {
        out.push_str(&format!("{name}:\n"));
        for h in &p.hops {
            let c = match &h.component {
                vpcnet_engine::Component::Resource(idx) => l.net.meta(*idx).id.clone(),
                vpcnet_engine::Component::Internet => "internet".to_owned(),
                vpcnet_engine::Component::External { id, .. } => id.clone(),
            };
            out.push_str(&format!("  {:<8} {c}\n", h.action.as_str()));
        }
    }
    out
}

#[test]
fn the_plan_loads_its_gateways_tables_and_attachments() {
    let l = loaded(true);
    assert!(
        l.at_least(Severity::Warning).is_empty(),
        "unexpected findings:\n{}",
        l.findings()
    );
    assert!(
        l.report.not_modelled.is_empty(),
        "{:?}",
        l.report.not_modelled
    );
    expect![[r#"
        note ACCOUNT_ASSUMED #/planned_values/root_module/resources/0: the account of `aws_vpc.app` is not known (no `owner_id`, ARN, or provider `allowed_account_ids`/`assume_role` given as a constant or a root variable); `000000000000` is assumed for every resource whose account is not known
        note DATA_SOURCES_SKIPPED #: 1 data source read by Terraform, not part of the network
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let gws: Vec<String> = n
        .transit_gateways()
        .iter()
        .map(|g| format!("{} {}", g.meta.label(), g.region))
        .collect();
    assert_eq!(
        gws,
        [
            format!("hub ({HUB}) us-east-1"),
            "eu-hub (tgw-tf-aws_ec2_transit_gateway.eu) eu-west-1".to_owned()
        ]
    );
    // Each attachment with its association on its own gateway (and, for the peering,
    // on the far one).
    let mut lines = Vec::new();
    for a in n.tgw_attachments() {
        let table = |t: Option<vpcnet_model::TgwRouteTableIdx>| {
            t.map(|t| n.tgw_route_table(t).meta.id.clone())
                .unwrap_or_else(|| "-".to_owned())
        };
        let kind = match &a.kind {
            TgwAttachmentKind::Vpc { appliance_mode, .. } => {
                format!("vpc appliance_mode={appliance_mode}")
            }
            TgwAttachmentKind::Peering {
                peer_association, ..
            } => format!("peering far side on {}", table(*peer_association)),
            TgwAttachmentKind::Vpn { site, cidrs } => format!("vpn site {site} {cidrs:?}"),
            TgwAttachmentKind::Other { kind } => kind.clone(),
        };
        lines.push(format!(
            "{} [{}] {kind} on {}",
            a.meta.label(),
            a.state,
            table(a.association)
        ));
    }
    expect![[r#"
        app-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.app) [available] vpc appliance_mode=false on tgw-rtb-tf-aws_ec2_transit_gateway.hub/default
        shared-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared) [available] vpc appliance_mode=true on tgw-rtb-tf-aws_ec2_transit_gateway.hub/default
        svc-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.svc) [available] vpc appliance_mode=false on tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc
        eu-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.eu) [available] vpc appliance_mode=false on tgw-rtb-tf-aws_ec2_transit_gateway_route_table.eu
        to-eu (tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu) [available] peering far side on tgw-rtb-tf-aws_ec2_transit_gateway_route_table.eu on tgw-rtb-tf-aws_ec2_transit_gateway.hub/default
        dc-vpn (tgw-attach-tf-aws_vpn_connection.dc) [available] vpn site datacenter [172.16.0.0/12] on tgw-rtb-tf-aws_ec2_transit_gateway.hub/default"#]]
    .assert_eq(&lines.join("\n"));
    // The routes each table holds in effect, propagated ones included.
    let mut routes = Vec::new();
    for t in n.tgw_route_table_ids() {
        for r in n.tgw_routes(t) {
            let target = match r.target {
                vpcnet_model::TgwRouteTarget::Blackhole => "blackhole".to_owned(),
                vpcnet_model::TgwRouteTarget::Attachment(a) => n.tgw_attachment(a).meta.label(),
            };
            routes.push(format!(
                "{} {} -> {target} ({:?})",
                n.tgw_route_table(t).meta.label(),
                r.destination,
                r.kind
            ));
        }
    }
    expect![[r#"
        svc-rt (tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc) 172.16.1.0/24 -> dc-vpn (tgw-attach-tf-aws_vpn_connection.dc) (Static)
        svc-rt (tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc) 10.0.0.0/16 -> app-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.app) (Propagated)
        svc-rt (tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc) 172.16.0.0/12 -> dc-vpn (tgw-attach-tf-aws_vpn_connection.dc) (Propagated)
        eu-rt (tgw-rtb-tf-aws_ec2_transit_gateway_route_table.eu) 10.0.0.0/15 -> to-eu (tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu) (Static)
        eu-rt (tgw-rtb-tf-aws_ec2_transit_gateway_route_table.eu) 10.2.0.0/16 -> eu-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.eu) (Propagated)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 10.1.99.0/24 -> blackhole (Static)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 10.2.0.0/16 -> to-eu (tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu) (Static)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 10.0.0.0/16 -> app-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.app) (Propagated)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 10.1.0.0/16 -> shared-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared) (Propagated)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 172.16.0.0/12 -> dc-vpn (tgw-attach-tf-aws_vpn_connection.dc) (Propagated)
        tgw-rtb-tf-aws_ec2_transit_gateway.hub/default 10.3.0.0/16 -> svc-att (tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.svc) (Propagated)"#]]
    .assert_eq(&routes.join("\n"));
    // The VPC routes name the hub by the id it has in the network.
    assert!(n.by_id_as::<TgwIdx>(HUB).is_some());
    assert!(n
        .by_id_as::<vpcnet_model::TgwRouteTableIdx>(HUB_DEFAULT)
        .is_some());
}

#[test]
fn vpcs_on_the_default_route_table_reach_each_other() {
    let l = loaded(true);
    expect![[r#"
        REACHABLE
        forward:
          send     eni-tf-aws_instance.app
          allow    sg-tf-aws_security_group.app
          route    rtb-tf-aws_vpc.app/main
          allow    acl-tf-aws_vpc.app/default
          allow    acl-tf-aws_vpc.app/default
          forward  tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.app
          route    tgw-rtb-tf-aws_ec2_transit_gateway.hub/default
          forward  tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared
          route    rtb-tf-aws_vpc.shared/main
          allow    acl-tf-aws_vpc.shared/default
          allow    acl-tf-aws_vpc.shared/default
          allow    sg-tf-aws_security_group.shared
          deliver  eni-tf-aws_instance.shared
        return:
          send     eni-tf-aws_instance.shared
          allow    sg-tf-aws_security_group.shared
          route    rtb-tf-aws_vpc.shared/main
          allow    acl-tf-aws_vpc.shared/default
          allow    acl-tf-aws_vpc.shared/default
          forward  tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared
          route    tgw-rtb-tf-aws_ec2_transit_gateway.hub/default
          forward  tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.app
          route    rtb-tf-aws_vpc.app/main
          allow    acl-tf-aws_vpc.app/default
          allow    acl-tf-aws_vpc.app/default
          allow    sg-tf-aws_security_group.app
          deliver  eni-tf-aws_instance.app
    "#]]
    .assert_eq(&hops(&l, &tr(&l.net, "app-1", "shared-1", TCP, 443)));
}

#[test]
fn an_explicit_route_table_association_and_propagation_decide_the_way() {
    let l = loaded(true);
    let n = &l.net;
    // app reaches svc over the hub's default table (svc propagates into it), and svc
    // answers over its own table (app propagates into it).
    assert_eq!(verdict(&tr(n, "app-1", "svc-1", TCP, 443)), "REACHABLE");
    // svc's table has no route to shared.
    assert_eq!(
        verdict(&tr(n, "svc-1", "shared-1", TCP, 443)),
        "TGW_RTB_CANNOT_ROUTE on forward"
    );
    // The blackhole of the hub's default table.
    assert_eq!(
        verdict(&tr(n, "app-1", "10.1.99.5", TCP, 443)),
        "TGW_ROUTE_BLACKHOLE on forward"
    );
}

#[test]
fn the_peering_carries_traffic_once_accepted() {
    let l = loaded(true);
    let t = tr(&l.net, "app-1", "eu-1", TCP, 443);
    let text = hops(&l, &t);
    assert_eq!(verdict(&t), "REACHABLE", "{text}");
    assert!(
        text.contains("forward  tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu"),
        "{text}"
    );
    assert_eq!(
        verdict(&tr(&l.net, "eu-1", "shared-1", TCP, 22)),
        "REACHABLE"
    );
    // Without the accepter the peering stays pending.
    let pending = loaded(false);
    assert_eq!(
        verdict(&tr(&pending.net, "app-1", "eu-1", TCP, 443)),
        "BAD_STATE on forward"
    );
    let text = tgw_plan(false);
    assert_eq!(
        pending
            .diags
            .iter()
            .filter(|d| d.code == "TGW_PEERING_PENDING")
            .map(|d| d.location.as_ref().and_then(|l| l.pointer.clone()))
            .collect::<Vec<_>>(),
        [Some(ptr_of(
            &text,
            "aws_ec2_transit_gateway_peering_attachment.to_eu"
        ))]
    );
}

#[test]
fn the_vpn_site_sends_and_receives_through_the_hub() {
    let l = loaded(true);
    let t = tr(&l.net, "172.16.5.5", "shared-1", TCP, 22);
    assert_eq!(verdict(&t), "REACHABLE", "{}", hops(&l, &t));
    let t = tr(&l.net, "app-1", "172.20.1.1", TCP, 443);
    assert_eq!(verdict(&t), "REACHABLE");
    let last = t.forward.hops.last().expect("a hop");
    assert!(
        last.detail.contains("in site datacenter"),
        "{}",
        last.detail
    );
    // svc routes nothing to the site.
    assert_eq!(
        verdict(&tr(&l.net, "172.16.5.5", "svc-1", TCP, 22)),
        "NO_ROUTE_TO_DESTINATION on return"
    );
}

/// The plan with one attribute of a resource set to `value`.
fn with(text: &str, addr: &str, attr: &str, value: Value) -> String {
    let mut v: Value = serde_json::from_str(text).expect("json");
    for list in ["/planned_values/root_module/resources", "/resource_changes"] {
        for r in v
            .pointer_mut(list)
            .and_then(Value::as_array_mut)
            .expect("list")
        {
            if r["address"] == addr {
                let values = if list == "/resource_changes" {
                    &mut r["change"]["after"]
                } else {
                    &mut r["values"]
                };
                values[attr] = value.clone();
                if list == "/resource_changes" {
                    if let Some(u) = r["change"]["after_unknown"].as_object_mut() {
                        u.remove(attr);
                    }
                }
            }
        }
    }
    v.to_string()
}

#[test]
fn bad_values_are_reported_at_their_pointers() {
    let mut text = tgw_plan(true);
    for (addr, attr, value) in [
        (
            "aws_ec2_transit_gateway_route.to_eu",
            "destination_cidr_block",
            json!("10.2.0.0/33"),
        ),
        (
            "aws_ec2_transit_gateway_vpc_attachment.shared",
            "appliance_mode_support",
            json!("sometimes"),
        ),
        (
            "aws_ec2_transit_gateway_vpc_attachment.svc",
            "transit_gateway_id",
            json!("tgw-0000000000000404"),
        ),
        // A propagation of the peering, which AWS does not support.
        (
            "aws_ec2_transit_gateway_route_table_propagation.app_to_svc",
            "transit_gateway_attachment_id",
            json!("tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu"),
        ),
        // An association of the eu attachment with a table of the hub.
        (
            "aws_ec2_transit_gateway_route_table_association.eu",
            "transit_gateway_route_table_id",
            json!(HUB_DEFAULT),
        ),
        // The shared attachment, associated with the hub's default table, is also
        // associated with svc's table.
        (
            "aws_ec2_transit_gateway_route_table_association.svc",
            "transit_gateway_attachment_id",
            json!("tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared"),
        ),
        (
            "aws_vpn_connection.dc",
            "local_ipv4_network_cidr",
            json!("172.16.0.0"),
        ),
    ] {
        text = with(&text, addr, attr, value);
    }
    let l = load_text("plan.json", &text, Which::Planned);
    let mut found: Vec<String> = l
        .at_least(Severity::Warning)
        .iter()
        .map(|d| {
            let p = d
                .location
                .as_ref()
                .and_then(|l| l.pointer.clone())
                .unwrap_or_default();
            format!("{} {} #{p}: {}", d.severity, d.code, d.message)
        })
        .collect();
    found.sort();
    expect![[r#"
        error ASSOCIATION_OTHER_TGW #/planned_values/root_module/resources/35/values/transit_gateway_route_table_id: `aws_ec2_transit_gateway_route_table_association.eu` associates attachment `tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.eu` with route table `tgw-rtb-tf-aws_ec2_transit_gateway.hub/default` of a transit gateway the attachment is not on; it is left out
        error BAD_CIDR #/planned_values/root_module/resources/41/values/destination_cidr_block: `10.2.0.0/33` of `aws_ec2_transit_gateway_route.to_eu` is not an IPv4 CIDR
        error BAD_CIDR #/planned_values/root_module/resources/44/values/local_ipv4_network_cidr: `172.16.0.0` of `aws_vpn_connection.dc` is not an IPv4 CIDR
        error BAD_VALUE #/planned_values/root_module/resources/27/values/appliance_mode_support: `appliance_mode_support` of `aws_ec2_transit_gateway_vpc_attachment.shared` is `sometimes`, not `enable` or `disable`; the provider's default `disable` is assumed
        error TGW_PEERING_PROPAGATION #/planned_values/root_module/resources/38/values/transit_gateway_attachment_id: `aws_ec2_transit_gateway_route_table_propagation.app_to_svc` propagates peering attachment `tgw-attach-tf-aws_ec2_transit_gateway_peering_attachment.to_eu` into `tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc`: transit gateway peering supports static routes only; it is left out
        warning TGW_ALREADY_ASSOCIATED #/planned_values/root_module/resources/34: `aws_ec2_transit_gateway_route_table_association.svc` associates attachment `tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.shared` with `tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc`, but the attachment is associated with its gateway's default route table `tgw-rtb-tf-aws_ec2_transit_gateway.hub/default` when it is made (default association is on for it); AWS refuses a second association (`Resource.AlreadyAssociated`) unless `replace_existing_association` is set; the association with `tgw-rtb-tf-aws_ec2_transit_gateway_route_table.svc` is taken
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/28/values/transit_gateway_id: `transit_gateway_id` of `aws_ec2_transit_gateway_vpc_attachment.svc` names transit gateway `tgw-0000000000000404`, which is not in the input; the attachment is left out
        warning UNKNOWN_REFERENCE #/planned_values/root_module/resources/37/values/transit_gateway_attachment_id: `transit_gateway_attachment_id` of `aws_ec2_transit_gateway_route_table_propagation.svc_to_hub` names transit gateway attachment `tgw-attach-tf-aws_ec2_transit_gateway_vpc_attachment.svc`, which is not in the input; the propagation is left out
    "#]]
    .assert_eq(&(found.join("\n") + "\n"));
    // What was refused is left out, and what was taken decides: shared now answers
    // over svc's table, into which app no longer propagates; svc is not attached, so
    // nothing propagates its range.
    assert_eq!(
        verdict(&tr(&l.net, "app-1", "shared-1", TCP, 443)),
        "TGW_RTB_CANNOT_ROUTE on return"
    );
    assert_eq!(
        verdict(&tr(&l.net, "app-1", "svc-1", TCP, 443)),
        "TGW_RTB_CANNOT_ROUTE on forward"
    );
    let vpn: Vec<&vpcnet_model::TgwAttachment> = l
        .net
        .tgw_attachments()
        .iter()
        .filter(|a| matches!(a.kind, TgwAttachmentKind::Vpn { .. }))
        .collect();
    assert!(
        matches!(&vpn[..], [a] if matches!(&a.kind, TgwAttachmentKind::Vpn { cidrs, .. } if cidrs.is_empty())),
        "{vpn:?}"
    );
}

fn state_res(addr: &str, values: Value) -> Value {
    let (ty, name) = addr.split_once('.').expect("type.name");
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
           "values": values, "sensitive_values": {}})
}

#[test]
fn a_state_gives_real_ids_the_default_table_and_the_vpn_routes() {
    let text = json!({
        "format_version": "1.0",
        "terraform_version": "1.9.5",
        "values": {"root_module": {"resources": [
            state_res("aws_vpc.main", json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16",
                "owner_id": "111111111111", "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1",
                "default_route_table_id": "rtb-main", "default_network_acl_id": "acl-1",
                "default_security_group_id": "sg-1"})),
            state_res("aws_subnet.a", json!({"id": "subnet-a", "vpc_id": "vpc-1",
                "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"})),
            state_res("aws_ec2_transit_gateway.hub", json!({"id": "tgw-1",
                "arn": "arn:aws:ec2:eu-west-1:111111111111:transit-gateway/tgw-1", "owner_id": "111111111111",
                "default_route_table_association": "enable", "default_route_table_propagation": "enable",
                "association_default_route_table_id": "tgw-rtb-1", "propagation_default_route_table_id": "tgw-rtb-1",
                "auto_accept_shared_attachments": "disable", "tags": {"Name": "hub"}})),
            state_res("aws_ec2_transit_gateway_vpc_attachment.main", json!({"id": "tgw-attach-1",
                "transit_gateway_id": "tgw-1", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a"],
                "appliance_mode_support": "disable", "vpc_owner_id": "111111111111",
                "transit_gateway_default_route_table_association": true,
                "transit_gateway_default_route_table_propagation": true})),
            state_res("aws_customer_gateway.office", json!({"id": "cgw-1", "ip_address": "198.51.100.9",
                "bgp_asn": "65000", "type": "ipsec.1", "tags": {}, "device_name": null})),
            state_res("aws_vpn_connection.office", json!({"id": "vpn-1", "customer_gateway_id": "cgw-1",
                "transit_gateway_id": "tgw-1", "transit_gateway_attachment_id": "tgw-attach-vpn",
                "vpn_gateway_id": "", "static_routes_only": true, "local_ipv4_network_cidr": "0.0.0.0/0",
                "remote_ipv4_network_cidr": "0.0.0.0/0",
                "routes": [{"destination_cidr_block": "192.168.0.0/16", "source": "Static", "state": "available"}]})),
            state_res("aws_vpn_connection_route.office", json!({"id": "10.50.0.0/16:vpn-1",
                "destination_cidr_block": "10.50.0.0/16", "vpn_connection_id": "vpn-1"})),
            // A VPN connection to a virtual private gateway stays not modelled.
            state_res("aws_vpn_gateway.vgw", json!({"id": "vgw-1", "vpc_id": "vpc-1"})),
            state_res("aws_vpn_connection.legacy", json!({"id": "vpn-2", "customer_gateway_id": "cgw-1",
                "vpn_gateway_id": "vgw-1", "transit_gateway_id": "", "transit_gateway_attachment_id": ""})),
        ]}}
    })
    .to_string();
    let l = load_text("state.json", &text, Which::Prior);
    expect![[r#"
        note VPN_ROUTE_ON_TGW #/values/root_module/resources/6: `aws_vpn_connection_route.office` adds a static route to VPN connection `aws_vpn_connection.office`, which is attached to a transit gateway; AWS documents VPN connection routes for connections to a virtual private gateway, and a transit gateway routes to a site by its own route tables; `10.50.0.0/16` is taken as a range of site `198.51.100.9`
        note VPN_STATIC_NOT_PROPAGATED #/values/root_module/resources/5/values/static_routes_only: VPN connection `aws_vpn_connection.office` uses static routes only (`static_routes_only`): AWS propagates no routes from it, so its site is reached only by transit gateway routes written for it (`aws_ec2_transit_gateway_route`)
        note NOT_MODELLED #/values/root_module/resources/7: `aws_vpn_gateway` is not modelled; 1 resource left out: `aws_vpn_gateway.vgw`
        note NOT_MODELLED #/values/root_module/resources/8: `aws_vpn_connection` is not modelled; 1 resource left out: `aws_vpn_connection.legacy`
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let table = n
        .by_id_as::<vpcnet_model::TgwRouteTableIdx>("tgw-rtb-1")
        .expect("the default route table");
    let att = n
        .by_id_as::<TgwAttachmentIdx>("tgw-attach-1")
        .expect("attachment");
    assert_eq!(n.tgw_attachment(att).association, Some(table));
    let vpn = n
        .by_id_as::<TgwAttachmentIdx>("tgw-attach-vpn")
        .expect("the VPN attachment");
    match &n.tgw_attachment(vpn).kind {
        TgwAttachmentKind::Vpn { site, cidrs } => {
            assert_eq!(site, "198.51.100.9");
            assert_eq!(
                cidrs.iter().map(ToString::to_string).collect::<Vec<_>>(),
                ["10.50.0.0/16", "192.168.0.0/16"]
            );
        }
        other => panic!("{other:?}"),
    }
    // A connection with static routes only propagates nothing into the default table.
    assert!(n
        .tgw_routes(table)
        .iter()
        .all(|r| r.target != vpcnet_model::TgwRouteTarget::Attachment(vpn)));
    let not: Vec<String> = l
        .report
        .not_modelled
        .iter()
        .map(|(t, a)| format!("{t}: {}", a.join(", ")))
        .collect();
    assert_eq!(
        not,
        [
            "aws_vpn_gateway: aws_vpn_gateway.vgw",
            "aws_vpn_connection: aws_vpn_connection.legacy"
        ]
    );
    // The site reaches the VPC through the default table; no interface holds the
    // address there.
    assert_eq!(
        verdict(&tr(n, "192.168.1.1", "10.0.1.5", TCP, 22)),
        "NO_INTERFACE_FOR_DESTINATION on forward"
    );
}
