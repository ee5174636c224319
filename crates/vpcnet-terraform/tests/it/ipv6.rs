//! IPv6 in a state: security group rules and routes carry IPv6 CIDRs (the model holds
//! them; traces are IPv4); network ACL entries and prefix list entries cannot, so
//! their IPv6 entries are named in a note instead of dropped in silence.

use expect_test::expect;
use serde_json::json;
use vpcnet_model::{RouteDest, RouteTarget, SgPeer};
use vpcnet_terraform::Which;

use crate::support::{load_text, Loaded};

fn state(resources: serde_json::Value) -> Loaded {
    let text = json!({
        "format_version": "1.0",
        "terraform_version": "1.9.5",
        "values": {"root_module": {"resources": resources}}
    })
    .to_string();
    load_text("state.json", &text, Which::Prior)
}

fn r(addr: &str, values: serde_json::Value) -> serde_json::Value {
    let (ty, name) = addr.split_once('.').expect("type.name");
    json!({"address": addr, "mode": "managed", "type": ty, "name": name,
           "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
           "values": values, "sensitive_values": {}})
}

fn vpc() -> serde_json::Value {
    r(
        "aws_vpc.main",
        json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16", "ipv6_cidr_block": "2600:1f18:1:100::/56",
               "owner_id": "111111111111", "arn": "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1",
               "default_route_table_id": "rtb-main", "default_network_acl_id": "acl-default",
               "default_security_group_id": "sg-default"}),
    )
}

fn nacl_rule(no: u16, cidr: Option<&str>, v6: Option<&str>) -> serde_json::Value {
    json!({"rule_no": no, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0,
           "cidr_block": cidr.unwrap_or(""), "ipv6_cidr_block": v6.unwrap_or(""),
           "icmp_code": 0, "icmp_type": 0})
}

fn with_code(l: &Loaded, code: &str) -> String {
    crate::support::render(
        &l.diags
            .iter()
            .filter(|d| d.code == code)
            .cloned()
            .collect::<Vec<_>>(),
    )
}

#[test]
fn ipv6_network_acl_entries_are_named_and_the_ipv4_ones_kept() {
    let l = state(json!([
        vpc(),
        r(
            "aws_network_acl.public",
            json!({"id": "acl-1", "vpc_id": "vpc-1",
            "ingress": [nacl_rule(100, Some("0.0.0.0/0"), None), nacl_rule(101, None, Some("::/0"))],
            "egress": [nacl_rule(100, Some("0.0.0.0/0"), None), nacl_rule(101, None, Some("::/0"))]})
        ),
        r(
            "aws_network_acl_rule.v6",
            json!({"id": "nacl-1", "network_acl_id": "acl-1", "rule_number": 200,
            "egress": false, "protocol": "6", "rule_action": "deny", "from_port": 22, "to_port": 22,
            "cidr_block": "", "ipv6_cidr_block": "2001:db8::/32"})
        ),
    ]));
    expect![[r#"
        note IPV6_NOT_MODELLED #/values/root_module/resources/2/values: the IPv6 entry inbound 200 `2001:db8::/32` of `aws_network_acl_rule.v6` (network ACL `acl-1`) is left out: vpcnet's network ACL entries hold IPv4 CIDRs only, and it traces IPv4
        note IPV6_NOT_MODELLED #/values/root_module/resources/1/values/ingress/1: the IPv6 entries of `aws_network_acl.public` (inbound 101 `::/0`, outbound 101 `::/0`) are left out: vpcnet's network ACL entries hold IPv4 CIDRs only, and it traces IPv4
    "#]]
    .assert_eq(&with_code(&l, "IPV6_NOT_MODELLED"));
    let acl = l
        .net
        .network_acls()
        .iter()
        .find(|a| a.meta.id == "acl-1")
        .expect("acl");
    assert_eq!((acl.ingress.len(), acl.egress.len()), (1, 1));
}

#[test]
fn ipv6_security_group_peers_and_routes_are_held() {
    let l = state(json!([
        vpc(),
        r(
            "aws_egress_only_internet_gateway.eigw",
            json!({"id": "eigw-1", "vpc_id": "vpc-1"})
        ),
        r(
            "aws_route_table.rt",
            json!({"id": "rtb-1", "vpc_id": "vpc-1", "route": [
                {"cidr_block": "", "ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-1", "gateway_id": ""}
            ]})
        ),
        r(
            "aws_security_group.web",
            json!({"id": "sg-1", "vpc_id": "vpc-1", "name": "web",
            "ingress": [{"cidr_blocks": [], "ipv6_cidr_blocks": ["::/0", "2001:db8::1/64", "not-a-cidr"], "prefix_list_ids": [],
                         "security_groups": [], "self": false, "from_port": 443, "to_port": 443, "protocol": "tcp", "description": ""}],
            "egress": []})
        ),
        r(
            "aws_vpc_security_group_ingress_rule.v6",
            json!({"id": "sgr-1", "security_group_id": "sg-1",
            "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv6": "2001:db8:1::/48"})
        ),
    ]));
    let web = l
        .net
        .security_groups()
        .iter()
        .find(|g| g.meta.id == "sg-1")
        .expect("web");
    let peers: Vec<String> = web
        .ingress
        .iter()
        .map(|r| match &r.peer {
            SgPeer::Ipv6(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(peers, ["::/0", "2001:db8::/64", "2001:db8:1::/48"]);
    expect![[r#"
        error BAD_CIDR #/values/root_module/resources/3/values/ingress/0: `not-a-cidr` of `aws_security_group.web` is not an IPv6 CIDR
    "#]]
    .assert_eq(&with_code(&l, "BAD_CIDR"));
    let rt = l
        .net
        .route_tables()
        .iter()
        .find(|t| t.meta.id == "rtb-1")
        .expect("table");
    assert!(rt.routes.iter().any(|r| matches!(
        (&r.destination, &r.target),
        (RouteDest::Ipv6(d), RouteTarget::Other(kind, id))
            if d.to_string() == "::/0" && kind == "egress-only-internet-gateway" && id == "eigw-1"
    )));
    // The gateway itself is listed as not modelled.
    assert!(l
        .report
        .not_modelled
        .iter()
        .any(|(t, _)| t == "aws_egress_only_internet_gateway"));
}

#[test]
fn ipv6_prefix_list_entries_are_named() {
    let l = state(json!([r(
        "aws_ec2_managed_prefix_list.office",
        json!({"id": "pl-1", "name": "office", "address_family": "IPv4",
            "entry": [{"cidr": "192.0.2.0/24", "description": ""}, {"cidr": "2001:db8::/48", "description": ""}]})
    ),]));
    expect![[r#"
        note IPV6_NOT_MODELLED #/values/root_module/resources/0/values/entry/1/cidr: the IPv6 entries of prefix list `aws_ec2_managed_prefix_list.office` (`2001:db8::/48`) are left out: vpcnet's prefix lists hold IPv4 CIDRs only, and it traces IPv4
    "#]]
    .assert_eq(&with_code(&l, "IPV6_NOT_MODELLED"));
    assert_eq!(l.net.prefix_lists()[0].cidrs.len(), 1);
}
