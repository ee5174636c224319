//! One AWS output shape at a time, through `load_files`: how each key lands in the
//! model, and where findings about it point.

use expect_test::expect;
use vpcnet_model::{
    AnyIdx, IcmpMatch, InterfaceOwner, L4Match, Network, RouteDest, RouteTarget, Severity,
};

use crate::support::{load_inline, render};

/// A VPC with two subnets, a default ACL and a default group, for the cases below.
const BASE: &str = r#"{
    "Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16"}],
    "Subnets": [
        {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
        {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b"}
    ],
    "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]}],
    "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Associations": [], "Entries": [
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
        {"RuleNumber": 90, "Protocol": "1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0",
         "IcmpTypeCode": {"Type": 8, "Code": -1}},
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
        {"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "Ipv6CidrBlock": "::/0"}
    ]}],
    "NetworkInterfaces": []
}"#;

fn id_of(n: &Network, id: &str) -> AnyIdx {
    n.by_id(id)
        .unwrap_or_else(|| panic!("`{id}` is in the network"))
}

#[test]
fn base_loads_cleanly() {
    let l = load_inline(&[("base.json", BASE)]);
    assert!(l.diags.is_empty(), "{}", l.findings());
    let AnyIdx::NetworkAcl(acl) = id_of(&l.net, "acl-1") else {
        panic!("acl");
    };
    let acl = l.net.network_acl(acl);
    assert_eq!(acl.ingress.len(), 2);
    assert_eq!(acl.ingress[0].rule_number, 90);
    assert_eq!(
        acl.ingress[0].l4,
        L4Match::Icmp(IcmpMatch {
            icmp_type: Some(8),
            code: None
        })
    );
    assert_eq!(acl.egress.len(), 1, "the IPv6 entry is not an IPv4 rule");
}

#[test]
fn security_group_rules_merge_with_security_groups() {
    let groups = r#"{"SecurityGroups": [{"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}],
            "UserIdGroupPairs": [{"GroupId": "sg-app", "UserId": "111111111111"}]}],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}"#;
    // The same rules again, one more, and a group only this output names (its VPC
    // comes from the interface that carries it).
    let rules = r#"{"SecurityGroupRules": [
        {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-web", "IsEgress": false, "IpProtocol": "tcp",
         "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0", "Description": "https, again"},
        {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-web", "IsEgress": false, "IpProtocol": "tcp",
         "FromPort": 443, "ToPort": 443, "ReferencedGroupInfo": {"GroupId": "sg-app", "UserId": "111111111111"}},
        {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-web", "IsEgress": true, "IpProtocol": "-1",
         "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
        {"SecurityGroupRuleId": "sgr-4", "GroupId": "sg-web", "IsEgress": false, "IpProtocol": "icmp",
         "FromPort": 8, "ToPort": -1, "CidrIpv4": "10.0.0.0/8"},
        {"SecurityGroupRuleId": "sgr-5", "GroupId": "sg-app", "IsEgress": false, "IpProtocol": "6",
         "FromPort": 8080, "ToPort": 8080, "ReferencedGroupInfo": {"GroupId": "sg-web"}},
        {"SecurityGroupRuleId": "sgr-6", "GroupId": "sg-orphan", "IsEgress": false, "IpProtocol": "-1",
         "CidrIpv4": "10.0.0.0/8"}
    ]}"#;
    let enis = r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-app", "SubnetId": "subnet-a", "VpcId": "vpc-1",
        "PrivateIpAddress": "10.0.1.10", "Groups": [{"GroupId": "sg-app"}], "InterfaceType": "interface"}]}"#;
    let l = load_inline(&[
        ("base.json", BASE),
        ("sgs.json", groups),
        ("rules.json", rules),
        ("enis.json", enis),
    ]);
    expect![[r#"
        warning UNKNOWN_REFERENCE rules.json#/SecurityGroupRules/5/GroupId: security group `sg-orphan` is only in `SecurityGroupRules`, and its VPC is unknown (no `SecurityGroups` entry, no interface carries it); its rules are skipped
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let (AnyIdx::SecurityGroup(web), AnyIdx::SecurityGroup(app)) =
        (id_of(n, "sg-web"), id_of(n, "sg-app"))
    else {
        panic!("groups");
    };
    let web = n.security_group(web);
    let peers: Vec<String> = web
        .ingress
        .iter()
        .map(|r| format!("{} {:?}{}", r.protocol, r.peer, r.l4))
        .collect();
    assert_eq!(
        peers,
        [
            "tcp Cidr(0.0.0.0/0) port 443",
            format!("tcp Group(SgIdx({})) port 443", app.index()).as_str(),
            "icmp Cidr(10.0.0.0/8) type 8"
        ]
    );
    assert_eq!(
        web.ingress[0].description.as_deref(),
        Some("https"),
        "the first sighting wins"
    );
    assert_eq!(web.egress.len(), 1);
    let app = n.security_group(app);
    assert_eq!(app.group_name, "sg-app");
    assert_eq!(app.ingress.len(), 1);
    let AnyIdx::Interface(eni) = id_of(n, "eni-app") else {
        panic!("eni");
    };
    assert_eq!(n.interface(eni).security_groups.len(), 1);
}

#[test]
fn an_interface_in_both_lists_is_one_interface_in_device_order() {
    let instances = r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": "running"},
        "Tags": [{"Key": "Name", "Value": "router"}], "SourceDestCheck": false,
        "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-second", "SubnetId": "subnet-b", "PrivateIpAddress": "10.0.2.10",
             "Attachment": {"DeviceIndex": 1}, "SourceDestCheck": false},
            {"NetworkInterfaceId": "eni-first", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.10",
             "Attachment": {"DeviceIndex": 0}, "SourceDestCheck": false}
        ]},
        {"InstanceId": "i-old", "State": {"Name": "terminated"}, "NetworkInterfaces": []}]}]}"#;
    // The fuller record, with secondary addresses and a public IP on the second one
    // that only `Addresses` knows (associated by instance id).
    let enis = r#"{"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-first", "SubnetId": "subnet-a", "VpcId": "vpc-1", "InterfaceType": "interface",
         "PrivateIpAddress": "10.0.1.10", "SourceDestCheck": false,
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.11", "Primary": false},
                                {"PrivateIpAddress": "10.0.1.10", "Primary": true,
                                 "Association": {"PublicIp": "198.51.100.10"}}],
         "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0},
         "TagSet": [{"Key": "Name", "Value": "router-eth0"}]},
        {"NetworkInterfaceId": "eni-lambda", "SubnetId": "subnet-b", "VpcId": "vpc-1", "InterfaceType": "lambda",
         "PrivateIpAddress": "10.0.2.20", "RequesterManaged": true, "Description": "AWS Lambda VPC ENI"},
        {"NetworkInterfaceId": "eni-free", "SubnetId": "subnet-b", "VpcId": "vpc-1", "InterfaceType": "interface",
         "PrivateIpAddress": "10.0.2.30"}
    ]}"#;
    let eips = r#"{"Addresses": [{"PublicIp": "198.51.100.11", "InstanceId": "i-1", "PrivateIpAddress": "10.0.1.11"},
        {"PublicIp": "198.51.100.30", "NetworkInterfaceId": "eni-free", "PrivateIpAddress": "10.0.2.30"}]}"#;
    let l = load_inline(&[
        ("base.json", BASE),
        ("i.json", instances),
        ("e.json", enis),
        ("a.json", eips),
    ]);
    assert!(l.diags.is_empty(), "{}", l.findings());
    let n = &l.net;
    assert_eq!(n.instances().len(), 1, "a terminated instance is gone");
    assert_eq!(n.interfaces().len(), 4);
    let AnyIdx::Instance(i) = id_of(n, "i-1") else {
        panic!("instance");
    };
    let ifs: Vec<&str> = n
        .instance(i)
        .interfaces
        .iter()
        .map(|e| n.interface(*e).meta.id.as_str())
        .collect();
    assert_eq!(ifs, ["eni-first", "eni-second"]);
    let first = n.interface(n.instance(i).interfaces[0]);
    assert!(!first.source_dest_check);
    assert_eq!(first.meta.name.as_deref(), Some("router-eth0"));
    let ips: Vec<String> = first
        .private_ips
        .iter()
        .map(|p| format!("{}={:?}", p.addr, p.public.map(|x| x.to_string())))
        .collect();
    assert_eq!(
        ips,
        [
            "10.0.1.10=Some(\"198.51.100.10\")",
            "10.0.1.11=Some(\"198.51.100.11\")"
        ]
    );
    let owner = |id: &str| match id_of(n, id) {
        AnyIdx::Interface(e) => n.interface(e).owner.clone(),
        _ => InterfaceOwner::None,
    };
    assert_eq!(
        owner("eni-lambda"),
        InterfaceOwner::Other("lambda".to_owned())
    );
    assert_eq!(owner("eni-free"), InterfaceOwner::None);
    assert!(n
        .eni_by_public_ip("198.51.100.30".parse().expect("ip"))
        .is_some());
}

#[test]
fn routes_resolve_their_targets_or_say_what_is_missing() {
    let more = r#"{
    "Reservations": [{"Instances": [{"InstanceId": "i-fw", "State": {"Name": "running"},
        "NetworkInterfaces": [{"NetworkInterfaceId": "eni-fw", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.5",
                               "Attachment": {"DeviceIndex": 0}, "SourceDestCheck": false}]}]}],
    "NatGateways": [
        {"NatGatewayId": "nat-1", "SubnetId": "subnet-a", "VpcId": "vpc-1", "State": "available",
         "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-nat", "PrivateIp": "10.0.1.20", "PublicIp": "198.51.100.20", "IsPrimary": true}]},
        {"NatGatewayId": "nat-old", "SubnetId": "subnet-a", "VpcId": "vpc-1", "State": "deleted",
         "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-old", "PrivateIp": "10.0.1.20"}]}
    ],
    "ManagedPrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3", "OwnerId": "AWS",
                            "Entries": [{"Cidr": "52.216.0.0/15"}]}],
    "PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3",
                     "Cidrs": ["52.216.0.0/15", "3.5.0.0/19"]}],
    "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
        "Associations": [{"Main": true, "AssociationState": {"State": "associated"}},
                         {"SubnetId": "subnet-b", "Main": false, "AssociationState": {"State": "associated"}},
                         {"GatewayId": "igw-1", "Main": false, "AssociationState": {"State": "associated"}}],
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"},
            {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-1", "State": "active", "Origin": "EnableVgwRoutePropagation"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-old", "State": "blackhole", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "192.169.0.0/16", "NatGatewayId": "nat-gone", "State": "active", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "10.9.0.0/16", "InstanceId": "i-fw", "InstanceOwnerId": "111111111111",
             "NetworkInterfaceId": "eni-fw", "State": "active", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-1", "State": "active", "Origin": "CreateRoute"},
            {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-1", "State": "active", "Origin": "CreateRoute"},
            {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "10.8.0.0/16", "State": "active"},
            {"DestinationCidrBlock": "10.7.0.0/16", "GatewayId": "igw-1", "State": "pending"}
        ]}]
}"#;
    let l = load_inline(&[("base.json", BASE), ("more.json", more)]);
    expect![[r#"
        note NOT_MODELLED more.json#/RouteTables/0/Associations/2: route table `rtb-1` is associated with gateway `igw-1` (ingress routing); not modelled yet
        error UNKNOWN_REFERENCE more.json#/RouteTables/0/Routes/4/NatGatewayId: no NAT gateway `nat-gone` in the snapshot; the route is kept and ends traces there
        error BAD_ROUTE more.json#/RouteTables/0/Routes/9: a route needs a target (`GatewayId`, `NatGatewayId`, `VpcPeeringConnectionId`, `TransitGatewayId`, `NetworkInterfaceId`, `InstanceId`, …)
        error BAD_VALUE more.json#/RouteTables/0/Routes/10/State: route state `pending` is neither `active` nor `blackhole`
    "#]]
    .assert_eq(&l.findings());
    let n = &l.net;
    let AnyIdx::RouteTable(rt) = id_of(n, "rtb-1") else {
        panic!("rtb");
    };
    let routes: Vec<String> = n
        .route_table(rt)
        .routes
        .iter()
        .map(|r| {
            let d = match &r.destination {
                RouteDest::Cidr(c) => c.to_string(),
                RouteDest::Ipv6(c) => c.to_string(),
                RouteDest::PrefixList(p) => n.prefix_list(*p).meta.id.clone(),
            };
            let t = match &r.target {
                RouteTarget::NatGateway(x) => n.nat_gateway(*x).meta.id.clone(),
                RouteTarget::Interface(x) => n.interface(*x).meta.id.clone(),
                other => format!("{other:?}"),
            };
            format!("{d} -> {t}{}", if r.active { "" } else { " (blackhole)" })
        })
        .collect();
    expect![[r#"
        10.0.0.0/16 -> Local
        0.0.0.0/0 -> nat-1
        192.168.0.0/16 -> Other("nat-gateway", "nat-old") (blackhole)
        192.169.0.0/16 -> Other("nat-gateway", "nat-gone")
        10.9.0.0/16 -> eni-fw
        172.16.0.0/12 -> TransitGateway("tgw-1")
        pl-s3 -> VpcEndpoint("vpce-1")
        ::/0 -> Other("egress-only-internet-gateway", "eigw-1")"#]]
    .assert_eq(&routes.join("\n"));
    let AnyIdx::Subnet(b) = id_of(n, "subnet-b") else {
        panic!("subnet");
    };
    assert_eq!(n.effective_route_table(b), Some(rt));
    assert_eq!(n.vpc(n.vpc_of_subnet(b)).main_route_table, Some(rt));
    let AnyIdx::PrefixList(pl) = id_of(n, "pl-s3") else {
        panic!("pl");
    };
    assert_eq!(n.prefix_list(pl).cidrs.len(), 2, "the two shapes merge");
    assert_eq!(n.nat_gateways().len(), 1, "a deleted NAT gateway is gone");
}

#[test]
fn a_key_that_is_not_a_list_or_a_file_that_is_not_an_object() {
    let l = load_inline(&[
        (
            "a.json",
            r#"{"Vpcs": 5, "Subnets": [{"SubnetId": "s", "VpcId": "v", "CidrBlock": 7}]}"#,
        ),
        ("b.json", r#"[{"VpcId": "vpc-1"}]"#),
        ("c.json", "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",, }\n]}"),
        ("d.json", ""),
    ]);
    expect![[r#"
        error BAD_SHAPE a.json#/Vpcs: `Vpcs` should be a list, as `aws ec2 describe-vpcs` prints it, but is a number; skipped
        error AWS_INVALID a.json#/Subnets/0/CidrBlock: subnet skipped: invalid type: integer `7`, expected a string
        error BAD_SHAPE b.json:1:1#: not an AWS CLI output file: the top level is a list, not an object such as `{"Vpcs": [...]}`; skipped
        error JSON_SYNTAX c.json:2:22#/Vpcs/0: file is not valid JSON: key must be a string; nothing in it was loaded
        error JSON_SYNTAX d.json:1:1#: file ends too early (truncated?): EOF while parsing a value; nothing in it was loaded
    "#]]
    .assert_eq(&l.findings());
}

#[test]
fn unknown_keys_are_noted_once_for_the_whole_snapshot() {
    let l = load_inline(&[
        ("a.json", r#"{"VpnGateways": [], "Vpc": []}"#),
        (
            "b.json",
            r#"{"VpnGateways": [{"VpnGatewayId": "vgw-1"}], "LoadBalancerDescriptions": [{}, {}]}"#,
        ),
        ("c.json", r#"{"Vpcs": [], "NextToken": "eyJ..."}"#),
        // Output of commands vpcnet reads, but without what it belongs to; and paging
        // sizes, which say nothing.
        (
            "d.json",
            r#"{"MaxResults": 10, "Routes": [], "AdditionalRoutesAvailable": false, "TargetHealthDescriptions": []}"#,
        ),
    ]);
    expect![[r#"
        note UNKNOWN_KEY a.json#/VpnGateways: `VpnGateways` is not modelled yet; skipped (noted once for the snapshot)
        note UNKNOWN_KEY a.json#/Vpc: unknown key `Vpc`: not AWS CLI output that vpcnet reads; skipped (noted once for the snapshot)
        note UNKNOWN_KEY b.json#/LoadBalancerDescriptions: `LoadBalancerDescriptions` is not modelled yet; skipped (noted once for the snapshot)
        warning SNAPSHOT_PAGINATED c.json#/NextToken: `NextToken` is present: this file holds one page of the output and resources may be missing; collect with the AWS CLI's automatic pagination
        warning UNKNOWN_KEY d.json#/Routes: `Routes` as `aws ec2 search-transit-gateway-routes` prints it does not say which route table it lists; give each route table's under `TransitGatewayStaticRoutes` with its `TransitGatewayRouteTableId`, as Batfish reads it; skipped
        warning UNKNOWN_KEY d.json#/TargetHealthDescriptions: `TargetHealthDescriptions` does not say which target group it lists; give each group's under `LoadBalancerTargetHealth` with its `TargetGroupArn`, as Batfish reads it; skipped
    "#]]
    .assert_eq(&l.findings());
    let counts: Vec<String> = l
        .report
        .keys
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(
        counts,
        [
            "AdditionalRoutesAvailable=1",
            "LoadBalancerDescriptions=2",
            "MaxResults=1",
            "NextToken=1",
            "Routes=0",
            "TargetHealthDescriptions=0",
            "Vpc=0",
            "Vpcs=0",
            "VpnGateways=1"
        ]
    );
}

#[test]
fn missing_facets_are_noted_per_folder_with_vpcs() {
    let l = load_inline(&[(
        "vpcs.json",
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}], "SecurityGroupRules": []}"#,
    )]);
    let missing: Vec<String> = l
        .net
        .missing()
        .iter()
        .map(|m| format!("{} / {}", m.facet.as_str(), m.scope))
        .collect();
    assert_eq!(
        missing,
        [
            "network ACLs / account 111111111111 region us-east-1",
            "route tables / account 111111111111 region us-east-1",
            "network interfaces / account 111111111111 region us-east-1"
        ]
    );
    let not_evaluated = vpcnet_engine::check::check(&l.net)
        .into_iter()
        .filter(|d| d.code == "NOT_EVALUATED" && d.severity == Severity::Warning)
        .count();
    assert_eq!(not_evaluated, 3);
}

#[test]
fn locate_adds_lines_and_columns() {
    let text = "{\n    \"Vpcs\": [\n        {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.300/16\"}\n    ]\n}\n";
    let mut l = load_inline(&[("v.json", text)]);
    vpcnet_aws::locate("v.json", text, &mut l.diags);
    expect![[r#"
        error BAD_CIDR v.json:3:41#/Vpcs/0/CidrBlock: `10.0.0.300/16` is not an IPv4 CIDR such as `10.0.0.0/16`
        error VPC_WITHOUT_CIDR v.json:3:9#/Vpcs/0: VPC `vpc-1` has no IPv4 CIDR block
    "#]]
    .assert_eq(&render(&l.diags, std::path::Path::new("")));
}
