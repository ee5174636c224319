//! Networks built in moto with real API calls through the Rust SDK, as an operator
//! would build them in AWS.

use aws_sdk_ec2::config::Credentials;
use aws_sdk_ec2::types::{
    AddPrefixListEntry, DomainType, Filter, InstanceType, IpPermission, IpRange, PortRange,
    PrefixListId, ResourceType, RuleAction, Tag, TagSpecification, UserIdGroupPair,
};
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType,
    Vpc as ZoneVpc, VpcRegion,
};

use crate::moto::{dummy, Moto};

pub(crate) const ACCOUNT_B: &str = "222222222222";
pub(crate) const ACCOUNT_C: &str = "333333333333";

/// The role to assume into `account` (moto needs no such role to exist).
pub(crate) fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/vpcnet-audit")
}

/// Credentials of `account`, from `sts assume-role` with the base credentials.
pub(crate) async fn assume(moto: &Moto, account: &str) -> Credentials {
    let sts = aws_sdk_sts::Client::new(&moto.config("us-east-1", dummy()).await);
    let out = sts
        .assume_role()
        .role_arn(role(account))
        .role_session_name("setup")
        .send()
        .await
        .expect("assume role");
    let c = out.credentials.expect("assumed credentials");
    Credentials::new(
        c.access_key_id,
        c.secret_access_key,
        Some(c.session_token),
        None,
        "assumed",
    )
}

fn name_tag(kind: ResourceType, name: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(kind)
        .tags(Tag::builder().key("Name").value(name).build())
        .build()
}

fn tcp(port: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
}

fn cidr(c: &str) -> IpRange {
    IpRange::builder().cidr_ip(c).build()
}

/// EC2 in one account and region, with the calls the tests need.
pub(crate) struct Ec2 {
    pub(crate) c: aws_sdk_ec2::Client,
    az: String,
}

impl Ec2 {
    pub(crate) async fn new(moto: &Moto, region: &str, creds: Credentials) -> Ec2 {
        Ec2 {
            c: aws_sdk_ec2::Client::new(&moto.config(region, creds).await),
            az: format!("{region}a"),
        }
    }

    pub(crate) async fn vpc(&self, cidr: &str, name: &str) -> String {
        let out = self
            .c
            .create_vpc()
            .cidr_block(cidr)
            .tag_specifications(name_tag(ResourceType::Vpc, name))
            .send()
            .await
            .expect("create vpc");
        out.vpc.and_then(|v| v.vpc_id).expect("vpc id")
    }

    pub(crate) async fn subnet(&self, vpc: &str, cidr: &str, name: &str) -> String {
        let out = self
            .c
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(cidr)
            .availability_zone(&self.az)
            .tag_specifications(name_tag(ResourceType::Subnet, name))
            .send()
            .await
            .expect("create subnet");
        out.subnet.and_then(|s| s.subnet_id).expect("subnet id")
    }

    /// A route table associated with `subnet`.
    pub(crate) async fn route_table(&self, vpc: &str, subnet: &str) -> String {
        let out = self
            .c
            .create_route_table()
            .vpc_id(vpc)
            .send()
            .await
            .expect("create route table");
        let id = out
            .route_table
            .and_then(|r| r.route_table_id)
            .expect("route table id");
        self.c
            .associate_route_table()
            .route_table_id(&id)
            .subnet_id(subnet)
            .send()
            .await
            .expect("associate route table");
        id
    }

    pub(crate) async fn security_group(&self, vpc: &str, name: &str) -> String {
        let out = self
            .c
            .create_security_group()
            .vpc_id(vpc)
            .group_name(name)
            .description(format!("{name} servers"))
            .send()
            .await
            .expect("create security group");
        out.group_id.expect("group id")
    }

    pub(crate) async fn allow(&self, sg: &str, perm: IpPermission) {
        self.c
            .authorize_security_group_ingress()
            .group_id(sg)
            .ip_permissions(perm)
            .send()
            .await
            .expect("authorize ingress");
    }

    /// Runs one instance at `ip` and returns its id.
    pub(crate) async fn instance(&self, subnet: &str, ip: &str, sg: &str, name: &str) -> String {
        let out = self
            .c
            .run_instances()
            .image_id("ami-12345678")
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(subnet)
            .private_ip_address(ip)
            .security_group_ids(sg)
            .tag_specifications(name_tag(ResourceType::Instance, name))
            .send()
            .await
            .expect("run instances");
        out.instances()
            .first()
            .and_then(|i| i.instance_id.clone())
            .expect("instance id")
    }

    pub(crate) async fn accept_peering(&self, pcx: &str) {
        self.c
            .accept_vpc_peering_connection()
            .vpc_peering_connection_id(pcx)
            .send()
            .await
            .expect("accept peering");
    }
}

/// A route: `dest` via one target, set by `target` on the request.
macro_rules! route {
    ($ec2:expr, $rt:expr, $dest:expr, $target:ident($id:expr)) => {
        $ec2.c
            .create_route()
            .route_table_id($rt)
            .destination_cidr_block($dest)
            .$target($id)
            .send()
            .await
            .expect(concat!("create route via ", stringify!($target)))
    };
}

/// What the tests refer to in the network [`build`] makes.
pub(crate) struct Net {
    pub(crate) vpc_a: String,
    pub(crate) pcx_ab: String,
    pub(crate) pcx_ac: String,
    pub(crate) nat: String,
    pub(crate) eip: String,
    pub(crate) office_list: String,
}

/// Three accounts, two regions, two peerings:
///
/// - base account, us-east-1: VPC `a` 10.0.0.0/16, a public subnet with an internet
///   gateway and a NAT gateway (Elastic IP), an app subnet (`app-a`, 10.0.1.10) that
///   routes 0.0.0.0/0 to the NAT and the peer VPCs to the peerings, with its own
///   network ACL denying inbound TCP 23; a private hosted zone `corp.internal`; a
///   customer prefix list `office` used by a security group rule.
/// - account B, eu-west-1: VPC `b` 10.1.0.0/16, peered with `a` across accounts and
///   regions; `db-b` (10.1.1.20) accepts 5432 from `a`'s app subnet and 6379 from the
///   security group of `app-b` (10.1.1.30).
/// - account C, us-east-1: VPC `c` 10.2.0.0/16, peered with `a` in the same region;
///   `web-c` (10.2.1.40) accepts 443 from 10.0.0.0/16.
pub(crate) async fn build(moto: &Moto) -> Net {
    let a = Ec2::new(moto, "us-east-1", dummy()).await;
    let b = Ec2::new(moto, "eu-west-1", assume(moto, ACCOUNT_B).await).await;
    let c = Ec2::new(moto, "us-east-1", assume(moto, ACCOUNT_C).await).await;

    // VPC a.
    let vpc_a = a.vpc("10.0.0.0/16", "a").await;
    let pub_a = a.subnet(&vpc_a, "10.0.0.0/24", "public-a").await;
    let app_a = a.subnet(&vpc_a, "10.0.1.0/24", "app-a").await;
    let igw =
        a.c.create_internet_gateway()
            .send()
            .await
            .expect("create internet gateway")
            .internet_gateway
            .and_then(|g| g.internet_gateway_id)
            .expect("igw id");
    a.c.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc_a)
        .send()
        .await
        .expect("attach internet gateway");
    let eip =
        a.c.allocate_address()
            .domain(DomainType::Vpc)
            .send()
            .await
            .expect("allocate address");
    let (eip_alloc, eip) = (
        eip.allocation_id.expect("allocation id"),
        eip.public_ip.expect("public ip"),
    );
    let nat =
        a.c.create_nat_gateway()
            .subnet_id(&pub_a)
            .allocation_id(&eip_alloc)
            .send()
            .await
            .expect("create nat gateway")
            .nat_gateway
            .and_then(|n| n.nat_gateway_id)
            .expect("nat id");

    // VPCs b and c, and the peerings, requested from a and accepted by the owners.
    let vpc_b = b.vpc("10.1.0.0/16", "b").await;
    let vpc_c = c.vpc("10.2.0.0/16", "c").await;
    let pcx_ab =
        a.c.create_vpc_peering_connection()
            .vpc_id(&vpc_a)
            .peer_vpc_id(&vpc_b)
            .peer_owner_id(ACCOUNT_B)
            .peer_region("eu-west-1")
            .send()
            .await
            .expect("request peering a-b")
            .vpc_peering_connection
            .and_then(|p| p.vpc_peering_connection_id)
            .expect("pcx id");
    b.accept_peering(&pcx_ab).await;
    let pcx_ac =
        a.c.create_vpc_peering_connection()
            .vpc_id(&vpc_a)
            .peer_vpc_id(&vpc_c)
            .peer_owner_id(ACCOUNT_C)
            .send()
            .await
            .expect("request peering a-c")
            .vpc_peering_connection
            .and_then(|p| p.vpc_peering_connection_id)
            .expect("pcx id");
    c.accept_peering(&pcx_ac).await;

    // Routes of a.
    let rt_pub = a.route_table(&vpc_a, &pub_a).await;
    route!(a, &rt_pub, "0.0.0.0/0", gateway_id(&igw));
    let rt_app = a.route_table(&vpc_a, &app_a).await;
    route!(a, &rt_app, "0.0.0.0/0", nat_gateway_id(&nat));
    route!(
        a,
        &rt_app,
        "10.1.0.0/16",
        vpc_peering_connection_id(&pcx_ab)
    );
    route!(
        a,
        &rt_app,
        "10.2.0.0/16",
        vpc_peering_connection_id(&pcx_ac)
    );

    // A network ACL of its own for the app subnet: all allowed but inbound TCP 23.
    let acl =
        a.c.create_network_acl()
            .vpc_id(&vpc_a)
            .send()
            .await
            .expect("create network acl")
            .network_acl
            .and_then(|n| n.network_acl_id)
            .expect("acl id");
    for (number, egress, action, ports) in [
        (90, false, RuleAction::Deny, Some(23)),
        (100, false, RuleAction::Allow, None),
        (100, true, RuleAction::Allow, None),
    ] {
        let mut entry =
            a.c.create_network_acl_entry()
                .network_acl_id(&acl)
                .rule_number(number)
                .egress(egress)
                .rule_action(action)
                .cidr_block("0.0.0.0/0");
        entry = match ports {
            Some(p) => entry
                .protocol("6")
                .port_range(PortRange::builder().from(p).to(p).build()),
            None => entry.protocol("-1"),
        };
        entry.send().await.expect("create network acl entry");
    }
    let current =
        a.c.describe_network_acls()
            .filters(
                Filter::builder()
                    .name("association.subnet-id")
                    .values(&app_a)
                    .build(),
            )
            .send()
            .await
            .expect("describe network acls");
    let assoc = current
        .network_acls()
        .iter()
        .flat_map(|n| n.associations())
        .find(|x| x.subnet_id.as_deref() == Some(app_a.as_str()))
        .and_then(|x| x.network_acl_association_id.clone())
        .expect("the app subnet's acl association");
    a.c.replace_network_acl_association()
        .association_id(assoc)
        .network_acl_id(&acl)
        .send()
        .await
        .expect("replace network acl association");

    // A customer prefix list, referenced by a security group rule.
    let office_list =
        a.c.create_managed_prefix_list()
            .prefix_list_name("office")
            .address_family("IPv4")
            .max_entries(5)
            .entries(AddPrefixListEntry::builder().cidr("203.0.113.0/24").build())
            .send()
            .await
            .expect("create managed prefix list")
            .prefix_list
            .and_then(|p| p.prefix_list_id)
            .expect("prefix list id");

    // Security groups and instances.
    let sg_a = a.security_group(&vpc_a, "app-a").await;
    a.allow(&sg_a, tcp(23).ip_ranges(cidr("10.2.0.0/16")).build())
        .await;
    a.allow(
        &sg_a,
        tcp(443)
            .prefix_list_ids(PrefixListId::builder().prefix_list_id(&office_list).build())
            .build(),
    )
    .await;
    a.instance(&app_a, "10.0.1.10", &sg_a, "app-a").await;

    let db_b = b.subnet(&vpc_b, "10.1.1.0/24", "db-b").await;
    let rt_b = b.route_table(&vpc_b, &db_b).await;
    route!(b, &rt_b, "10.0.0.0/16", vpc_peering_connection_id(&pcx_ab));
    let sg_app_b = b.security_group(&vpc_b, "app-b").await;
    let sg_db_b = b.security_group(&vpc_b, "db-b").await;
    b.allow(&sg_db_b, tcp(5432).ip_ranges(cidr("10.0.1.0/24")).build())
        .await;
    b.allow(
        &sg_db_b,
        tcp(6379)
            .user_id_group_pairs(UserIdGroupPair::builder().group_id(&sg_app_b).build())
            .build(),
    )
    .await;
    b.instance(&db_b, "10.1.1.20", &sg_db_b, "db-b").await;
    b.instance(&db_b, "10.1.1.30", &sg_app_b, "app-b").await;

    let web_c = c.subnet(&vpc_c, "10.2.1.0/24", "web-c").await;
    let rt_c = c.route_table(&vpc_c, &web_c).await;
    route!(c, &rt_c, "10.0.0.0/16", vpc_peering_connection_id(&pcx_ac));
    let sg_c = c.security_group(&vpc_c, "web-c").await;
    c.allow(&sg_c, tcp(443).ip_ranges(cidr("10.0.0.0/16")).build())
        .await;
    c.instance(&web_c, "10.2.1.40", &sg_c, "web-c").await;

    // A private hosted zone for VPC a, with one record.
    let r53 = aws_sdk_route53::Client::new(&moto.config("us-east-1", dummy()).await);
    let zone = r53
        .create_hosted_zone()
        .name("corp.internal")
        .caller_reference("vpcnet-test")
        .hosted_zone_config(HostedZoneConfig::builder().private_zone(true).build())
        .vpc(
            ZoneVpc::builder()
                .vpc_region(VpcRegion::UsEast1)
                .vpc_id(&vpc_a)
                .build(),
        )
        .send()
        .await
        .expect("create hosted zone");
    let zone_id = zone.hosted_zone.map(|z| z.id).expect("zone id");
    let record = ResourceRecordSet::builder()
        .name("app.corp.internal")
        .r#type(RrType::A)
        .ttl(300)
        .resource_records(
            ResourceRecord::builder()
                .value("10.0.1.10")
                .build()
                .expect("record"),
        )
        .build()
        .expect("record set");
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .change_batch(
            ChangeBatch::builder()
                .changes(
                    Change::builder()
                        .action(ChangeAction::Create)
                        .resource_record_set(record)
                        .build()
                        .expect("change"),
                )
                .build()
                .expect("change batch"),
        )
        .send()
        .await
        .expect("change resource record sets");

    Net {
        vpc_a,
        pcx_ab,
        pcx_ac,
        nat,
        eip,
        office_list,
    }
}
