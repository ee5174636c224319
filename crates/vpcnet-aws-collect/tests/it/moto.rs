//! A real `moto_server` per test, on a free port of 127.0.0.1, killed on drop; and
//! SDK clients that talk to it.
//!
//! moto is the AWS emulator from PyPI (`pip install 'moto[server]'`). One process
//! serves every service on one port and keeps separate state per account id: calls
//! made with credentials from `sts assume-role` into `arn:aws:iam::<id>:role/…` act in
//! account `<id>`; any other access key acts in `123456789012`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::{Credentials, SharedCredentialsProvider};
use vpcnet_aws_collect::{collect, CollectError, CollectOptions, CollectReport};

/// The account moto gives to credentials it did not issue.
pub(crate) const BASE_ACCOUNT: &str = "123456789012";

/// A running `moto_server`.
pub(crate) struct Moto {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub(crate) url: String,
    port: u16,
    log: PathBuf,
}

impl Moto {
    /// Starts `moto_server` and waits until it answers. Fails the test, saying how to
    /// install it, when it is not installed.
    pub(crate) fn start() -> Moto {
        let port = free_port();
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create the moto log file");
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log file handle"))
            .stderr(log_file)
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "`moto_server` is not installed (these tests run against the real AWS emulator): \
                 pip install 'moto[server]' boto3"
            ),
            Err(e) => panic!("cannot start `moto_server`: {e}"),
        };
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
            log,
        };
        moto.wait_ready();
        moto
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                panic!(
                    "`moto_server` exited with {status} before answering; is `moto[server]` installed \
                     (pip install 'moto[server]')? its output:\n{log}"
                );
            }
            if self.http("GET", "/moto-api/data.json", "").is_some() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`moto_server` did not answer on port {} within 60 s; its log: {}",
                self.port,
                self.log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A plain HTTP/1.0 request to moto's own API; the status code, or `None` when
    /// nothing answers.
    fn http(&self, method: &str, path: &str, body: &str) -> Option<u16> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let req = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).ok()?;
        let mut resp = String::new();
        s.read_to_string(&mut resp).ok()?;
        resp.split_whitespace().nth(1)?.parse().ok()
    }

    /// From now on moto checks every request against IAM: signatures and policies
    /// (`/moto-api/reset-auth`, with no unauthenticated requests left).
    pub(crate) fn enforce_iam(&self) {
        assert_eq!(
            self.http("POST", "/moto-api/reset-auth", "0"),
            Some(200),
            "moto refused to turn on IAM checks"
        );
    }

    /// An SDK configuration for this server: `region`, static credentials.
    pub(crate) async fn config(&self, region: &str, creds: Credentials) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(Region::new(region.to_owned()))
            .credentials_provider(SharedCredentialsProvider::new(creds))
            .load()
            .await
    }

    /// Options to collect from this server into a fresh directory named `name`.
    pub(crate) fn options(&self, name: &str, regions: &[&str]) -> CollectOptions {
        CollectOptions {
            regions: regions.iter().map(|r| (*r).to_owned()).collect(),
            profile: None,
            endpoint_url: Some(self.url.clone()),
            assume_roles: Vec::new(),
            out_dir: out_dir(name),
            progress: false,
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Credentials moto accepts without IAM checks (any key acts in the base account).
pub(crate) fn dummy() -> Credentials {
    Credentials::new("testing", "testing", None, None, "test")
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// An empty directory under cargo's scratch space for integration tests.
pub(crate) fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("collect-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the output directory");
    dir
}

/// `collect` reads its base credentials the way the AWS CLI does, from the
/// environment here; tests that run side by side take turns setting it.
static ENV: Mutex<()> = Mutex::new(());

/// Runs `collect` with `key`/`secret` as the environment's credentials.
pub(crate) fn collect_as(
    opts: &CollectOptions,
    key: &str,
    secret: &str,
) -> Result<CollectReport, CollectError> {
    let _turn = ENV.lock().unwrap_or_else(|e| e.into_inner());
    // Nothing of the developer's own AWS setup may leak in.
    std::env::set_var("AWS_ACCESS_KEY_ID", key);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", secret);
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::remove_var("AWS_PROFILE");
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/vpcnet-test/config");
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/vpcnet-test/credentials",
    );
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    // The configured region, used only when the options name none.
    std::env::set_var("AWS_REGION", "eu-west-1");
    // moto answers the calls it does not implement with a server error, which is
    // retried with backoff like a real one; two attempts keep that short.
    std::env::set_var("AWS_MAX_ATTEMPTS", "2");
    collect(opts)
}
