//! `vpcnet snapshot aws` end to end: a network built through the real AWS API (moto on
//! 127.0.0.1, driven by boto3), collected by the binary, then traced from the snapshot.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`moto_server` runs (pip install 'moto[server]')");
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        Moto { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BUILD: &str = r#"
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1")
vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app}]}])
for name, ip, sg in [("app", "10.40.1.10", app), ("db", "10.40.1.20", db)]:
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
        PrivateIpAddress=ip, SecurityGroupIds=[sg],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
"#;

fn vpcnet(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vpcnet"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap()
}

#[test]
fn collect_then_trace() {
    let moto = Moto::start();
    let built = Command::new("python3")
        .args(["-c", BUILD, &moto.url()])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let out = std::env::temp_dir().join(format!("vpcnet-snapshot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = vpcnet(&[
        "snapshot",
        "aws",
        "--endpoint-url",
        &moto.url(),
        "--regions",
        "us-east-1",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dir = out.to_str().unwrap();
    for (port, verdict, code) in [
        ("5432", "reachable", Value::Null),
        ("22", "unreachable", Value::from("ENI_SG_RULES_MISMATCH")),
    ] {
        let o = vpcnet(&[
            "trace", dir, "--from", "app", "--to", "db", "--port", port, "--format", "json",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["verdict"], verdict, "port {port}: {v:#}");
        assert_eq!(v["blocked_by"]["code"].clone(), code);
    }
    let _ = std::fs::remove_dir_all(&out);
}
