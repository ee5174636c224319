//! Import speed on a large generated snapshot: MB of AWS CLI JSON loaded per second,
//! one core, end to end (parse, lower, build the checked network).
//!
//! ```text
//! cargo run --release -p vpcnet-aws --example import_speed [VPCS]
//! ```
//!
//! Each VPC has 8 subnets, 4 route tables of 41 routes, 2 network ACLs of 22 entries,
//! 10 security groups of 10 permissions, 40 instances listed in `Reservations` and
//! again in `NetworkInterfaces`, a NAT gateway and an internet gateway, printed the way
//! the AWS CLI prints them (4-space indent, every field it emits); 10 VPCs per
//! account/region folder, the same snapshot also measured without indentation.

use std::time::Instant;

use serde_json::{json, Value};
use vpcnet_aws::{load_files, SnapshotFile};
use vpcnet_model::{NetworkBuilder, Severity};

fn tags(name: &str) -> Value {
    json!([{"Key": "Name", "Value": name}, {"Key": "team", "Value": "platform"}])
}

fn vpc_cidr(k: usize) -> (usize, usize) {
    (10 + k / 256, k % 256)
}

/// The keys of one account/region folder holding VPCs `from..to`.
fn folder(account: &str, from: usize, to: usize) -> Vec<(&'static str, Vec<Value>)> {
    let mut vpcs = Vec::new();
    let mut subnets = Vec::new();
    let mut rtbs = Vec::new();
    let mut acls = Vec::new();
    let mut sgs = Vec::new();
    let mut reservations = Vec::new();
    let mut enis = Vec::new();
    let mut igws = Vec::new();
    let mut nats = Vec::new();
    for k in from..to {
        let (a, b) = vpc_cidr(k);
        let vpc = format!("vpc-{k:017x}");
        vpcs.push(json!({
            "CidrBlock": format!("{a}.{b}.0.0/16"), "DhcpOptionsId": "dopt-0123456789abcdef0",
            "State": "available", "VpcId": vpc, "OwnerId": account, "InstanceTenancy": "default",
            "CidrBlockAssociationSet": [{"AssociationId": format!("vpc-cidr-assoc-{k:017x}"),
                "CidrBlock": format!("{a}.{b}.0.0/16"), "CidrBlockState": {"State": "associated"}}],
            "IsDefault": false, "Tags": tags(&format!("vpc-{k}"))}));
        let igw = format!("igw-{k:017x}");
        igws.push(
            json!({"Attachments": [{"State": "available", "VpcId": vpc}],
            "InternetGatewayId": igw, "OwnerId": account, "Tags": tags("igw")}),
        );
        let subnet_ids: Vec<String> = (0..8).map(|s| format!("subnet-{k:013x}{s:04x}")).collect();
        for (s, id) in subnet_ids.iter().enumerate() {
            subnets.push(json!({
                "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1",
                "AvailableIpAddressCount": 4000, "CidrBlock": format!("{a}.{b}.{}.0/20", s * 16),
                "DefaultForAz": false, "MapPublicIpOnLaunch": false, "State": "available",
                "SubnetId": id, "VpcId": vpc, "OwnerId": account,
                "AssignIpv6AddressOnCreation": false, "Ipv6CidrBlockAssociationSet": [],
                "Tags": tags(&format!("subnet-{k}-{s}")),
                "SubnetArn": format!("arn:aws:ec2:us-east-1:{account}:subnet/{id}")}));
        }
        let nat = format!("nat-{k:017x}");
        let nat_eni = format!("eni-{k:013x}ffff");
        nats.push(json!({"CreateTime": "2024-01-01T00:00:00+00:00",
            "NatGatewayAddresses": [{"AllocationId": format!("eipalloc-{k:017x}"), "NetworkInterfaceId": nat_eni,
                "PrivateIp": format!("{a}.{b}.0.5"), "PublicIp": format!("100.{}.{}.{}", k / 65536, (k / 256) % 256, k % 256),
                "AssociationId": format!("eipassoc-{k:017x}"), "IsPrimary": true, "Status": "succeeded"}],
            "NatGatewayId": nat, "State": "available", "SubnetId": subnet_ids[0], "VpcId": vpc,
            "Tags": tags("nat"), "ConnectivityType": "public"}));
        for r in 0..4 {
            let mut routes = vec![json!({"DestinationCidrBlock": format!("{a}.{b}.0.0/16"),
                "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})];
            routes.push(if r == 0 {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"})
            } else {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "Origin": "CreateRoute", "State": "active"})
            });
            for x in 0..39 {
                routes.push(json!({"DestinationCidrBlock": format!("172.{}.{x}.0/24", 16 + r),
                    "TransitGatewayId": "tgw-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"}));
            }
            let mut assocs = Vec::new();
            if r == 1 {
                assocs.push(json!({"Main": true, "RouteTableAssociationId": format!("rtbassoc-{k:013x}{r:04x}"),
                    "RouteTableId": format!("rtb-{k:013x}{r:04x}"), "AssociationState": {"State": "associated"}}));
            }
            for s in [r * 2, r * 2 + 1] {
                assocs.push(json!({"Main": false, "RouteTableAssociationId": format!("rtbassoc-{k:012x}{s:05x}"),
                    "RouteTableId": format!("rtb-{k:013x}{r:04x}"), "SubnetId": subnet_ids[s],
                    "AssociationState": {"State": "associated"}}));
            }
            rtbs.push(json!({"Associations": assocs, "PropagatingVgws": [],
                "RouteTableId": format!("rtb-{k:013x}{r:04x}"), "Routes": routes, "Tags": tags("rtb"),
                "VpcId": vpc, "OwnerId": account}));
        }
        for n in 0..2 {
            let mut entries = Vec::new();
            for (egress, base) in [(false, 100), (true, 100)] {
                for e in 0..10 {
                    entries.push(json!({"CidrBlock": format!("10.{e}.0.0/16"), "Egress": egress,
                        "PortRange": {"From": 1000 + e, "To": 2000 + e}, "Protocol": "6",
                        "RuleAction": if e % 3 == 0 { "deny" } else { "allow" }, "RuleNumber": base + e}));
                }
                entries.push(
                    json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
                    "RuleAction": "allow", "RuleNumber": 1000}),
                );
                entries.push(
                    json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
                    "RuleAction": "deny", "RuleNumber": 32767}),
                );
            }
            let subnets: Vec<Value> = (0..4)
                .map(|s| {
                    json!({"NetworkAclAssociationId": format!("aclassoc-{k:012x}{n}{s:04x}"),
                "NetworkAclId": format!("acl-{k:013x}{n:04x}"), "SubnetId": subnet_ids[n * 4 + s]})
                })
                .collect();
            acls.push(json!({"Associations": subnets, "Entries": entries, "IsDefault": n == 0,
                "NetworkAclId": format!("acl-{k:013x}{n:04x}"), "Tags": [], "VpcId": vpc, "OwnerId": account}));
        }
        for g in 0..10 {
            let gid = format!("sg-{k:013x}{g:04x}");
            let perms: Vec<Value> = (0..10).map(|p| json!({"FromPort": 1000 + p, "IpProtocol": "tcp",
                "IpRanges": [{"CidrIp": format!("10.{p}.0.0/16"), "Description": "from the fleet"},
                             {"CidrIp": format!("192.168.{p}.0/24")}],
                "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 1000 + p,
                "UserIdGroupPairs": [{"GroupId": format!("sg-{k:013x}{:04x}", (g + 1) % 10), "UserId": account}]})).collect();
            sgs.push(json!({"Description": "service group", "GroupName": format!("svc-{g}"), "IpPermissions": perms,
                "OwnerId": account, "GroupId": gid,
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
                "Tags": tags(&format!("svc-{g}")), "VpcId": vpc}));
        }
        let mut instances = Vec::new();
        for i in 0..40 {
            let s = i % 8;
            let ip = format!("{a}.{b}.{}.{}", s * 16 + 1, 10 + i);
            let eni = format!("eni-{k:013x}{i:04x}");
            let iid = format!("i-{k:013x}{i:04x}");
            let group = json!([{"GroupName": format!("svc-{}", i % 10), "GroupId": format!("sg-{k:013x}{:04x}", i % 10)}]);
            let nic = |top: bool| {
                let mut n = json!({
                    "Attachment": {"AttachTime": "2024-01-01T00:00:00+00:00", "AttachmentId": format!("eni-attach-{k:013x}{i:04x}"),
                        "DeleteOnTermination": true, "DeviceIndex": 0, "Status": "attached", "NetworkCardIndex": 0},
                    "Description": "", "Groups": group, "InterfaceType": "interface", "Ipv6Addresses": [],
                    "MacAddress": "0a:1b:2c:3d:4e:5f", "NetworkInterfaceId": eni, "OwnerId": account,
                    "PrivateDnsName": format!("ip-{}.ec2.internal", ip.replace('.', "-")), "PrivateIpAddress": ip,
                    "PrivateIpAddresses": [{"Primary": true, "PrivateDnsName": format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                        "PrivateIpAddress": ip}],
                    "SourceDestCheck": true, "Status": "in-use", "SubnetId": subnet_ids[s], "VpcId": vpc});
                if top {
                    n["Attachment"]["InstanceId"] = json!(iid);
                    n["AvailabilityZone"] = json!("us-east-1a");
                    n["RequesterManaged"] = json!(false);
                    n["TagSet"] = json!([]);
                }
                n
            };
            enis.push(nic(true));
            instances.push(json!({"AmiLaunchIndex": 0, "ImageId": "ami-0123456789abcdef0", "InstanceId": iid,
                "InstanceType": "m6i.large", "LaunchTime": "2024-01-01T00:00:00+00:00", "Monitoring": {"State": "disabled"},
                "Placement": {"AvailabilityZone": "us-east-1a", "GroupName": "", "Tenancy": "default"},
                "PrivateDnsName": format!("ip-{}.ec2.internal", ip.replace('.', "-")), "PrivateIpAddress": ip,
                "ProductCodes": [], "PublicDnsName": "", "State": {"Code": 16, "Name": "running"},
                "SubnetId": subnet_ids[s], "VpcId": vpc, "Architecture": "x86_64",
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": "2024-01-01T00:00:00+00:00",
                    "DeleteOnTermination": true, "Status": "attached", "VolumeId": format!("vol-{k:013x}{i:04x}")}}],
                "EbsOptimized": true, "Hypervisor": "xen", "NetworkInterfaces": [nic(false)],
                "RootDeviceName": "/dev/xvda", "RootDeviceType": "ebs", "SecurityGroups": group,
                "SourceDestCheck": true, "Tags": tags(&format!("host-{k}-{i}")), "VirtualizationType": "hvm"}));
        }
        reservations.push(
            json!({"Groups": [], "Instances": instances, "OwnerId": account,
            "ReservationId": format!("r-{k:017x}")}),
        );
    }
    vec![
        ("Vpcs", vpcs),
        ("Subnets", subnets),
        ("RouteTables", rtbs),
        ("NetworkAcls", acls),
        ("SecurityGroups", sgs),
        ("Reservations", reservations),
        ("NetworkInterfaces", enis),
        ("InternetGateways", igws),
        ("NatGateways", nats),
    ]
}

fn pretty(v: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(v, &mut ser).expect("serializes");
    String::from_utf8(out).expect("utf-8")
}

fn measure(label: &str, files: &[SnapshotFile]) {
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let mut best = f64::MAX;
    let mut summary = String::new();
    for _ in 0..5 {
        let mut b = NetworkBuilder::new();
        let t = Instant::now();
        load_files(&mut b, files);
        let (net, diags) = b.finish();
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        assert_eq!(errors, 0, "the generated snapshot has errors: {}", diags[0]);
        summary = format!(
            "{} VPCs, {} subnets, {} route tables, {} groups, {} interfaces",
            net.vpcs().len(),
            net.subnets().len(),
            net.route_tables().len(),
            net.security_groups().len(),
            net.interfaces().len()
        );
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{label}: {mb:.1} MB in {} files, best of 5: {best:.3} s = {:.0} MB/s ({summary})",
        files.len(),
        mb / best
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir, n] = args.as_slice() {
        if flag == "--write" {
            let vpcs: usize = n.parse().unwrap_or(600);
            write_snapshot(std::path::Path::new(dir), vpcs);
            return;
        }
    }
    let vpcs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(600);
    let mut pretty_files = Vec::new();
    let mut compact_files = Vec::new();
    for (f, start) in (0..vpcs).step_by(10).enumerate() {
        let account = format!("{:012}", 100_000_000_000u64 + f as u64);
        for (key, items) in folder(&account, start, (start + 10).min(vpcs)) {
            let doc = json!({ key: items });
            let file = |text: String| SnapshotFile {
                path: format!("aws_configs/accounts/{account}/us-east-1/{key}.json"),
                account: Some(account.clone()),
                region: "us-east-1".to_owned(),
                text,
            };
            pretty_files.push(file(pretty(&doc)));
            compact_files.push(file(doc.to_string()));
        }
    }
    measure("as the AWS CLI prints it", &pretty_files);
    measure("without indentation     ", &compact_files);
}

/// `--write DIR VPCS`: the same snapshot as files on disk, as the AWS CLI prints them,
/// for measuring the whole command (`vpcnet check DIR`) with `/usr/bin/time -v`.
fn write_snapshot(dir: &std::path::Path, vpcs: usize) {
    let mut bytes = 0usize;
    for (f, start) in (0..vpcs).step_by(10).enumerate() {
        let account = format!("{:012}", 100_000_000_000u64 + f as u64);
        let folder_dir = dir.join(format!("aws_configs/accounts/{account}/us-east-1"));
        std::fs::create_dir_all(&folder_dir).expect("create the snapshot folder");
        for (key, items) in folder(&account, start, (start + 10).min(vpcs)) {
            let text = pretty(&json!({ key: items }));
            bytes += text.len();
            std::fs::write(folder_dir.join(format!("{key}.json")), text)
                .expect("write a snapshot file");
        }
    }
    println!(
        "wrote {vpcs} VPCs, {:.1} MB, into {}",
        bytes as f64 / 1e6,
        dir.display()
    );
}
