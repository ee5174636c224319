//! Elastic Load Balancing: network and application load balancers, their listeners and
//! target groups, and the endpoint services (PrivateLink) that network load balancers
//! offer to other VPCs.

use std::net::Ipv4Addr;

use crate::net::{EniIdx, LbIdx, Meta, TargetGroupIdx, VpcIdx};

/// The kind of a load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LbKind {
    /// Network Load Balancer (layer 4).
    Network,
    /// Application Load Balancer (layer 7: always a new connection from its own
    /// addresses).
    Application,
    /// Gateway Load Balancer: held, not traced through.
    Gateway,
}

impl LbKind {
    /// As AWS writes it (`network`, `application`, `gateway`).
    pub fn as_str(self) -> &'static str {
        match self {
            LbKind::Network => "network",
            LbKind::Application => "application",
            LbKind::Gateway => "gateway",
        }
    }
}

/// A listener rule: requests whose host (and path) match go to a target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerRule {
    /// Priority (lower first).
    pub priority: u32,
    /// Host header patterns (`metrics.example.internal`, `*.example.com`); empty: any.
    pub hosts: Vec<String>,
    /// Path patterns (`/api/*`); empty: any.
    pub paths: Vec<String>,
    /// Where matching requests go.
    pub target_group: TargetGroupIdx,
}

/// A listener: a protocol and port, a default target group and rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// `TCP`, `UDP`, `TCP_UDP`, `TLS`, `HTTP`, `HTTPS`.
    pub protocol: String,
    /// The port it listens on.
    pub port: u16,
    /// The default action's target group (`None`: a fixed response or redirect).
    pub default_target_group: Option<TargetGroupIdx>,
    /// Rules (application load balancers), in priority order.
    pub rules: Vec<ListenerRule>,
}

impl Listener {
    /// Whether the listener takes IP protocol `protocol` (6 TCP, 17 UDP).
    pub fn takes(&self, protocol: u8) -> bool {
        match self.protocol.to_ascii_uppercase().as_str() {
            "UDP" => protocol == 17,
            "TCP_UDP" => protocol == 6 || protocol == 17,
            _ => protocol == 6,
        }
    }
}

/// A load balancer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancer {
    /// Identity (the ARN's name part, or the ARN).
    pub meta: Meta,
    /// Its VPC.
    pub vpc: VpcIdx,
    /// Network, application or gateway.
    pub kind: LbKind,
    /// `internal` (true) or `internet-facing`.
    pub internal: bool,
    /// Its interfaces, one per subnet (Availability Zone); their security groups are the
    /// load balancer's.
    pub enis: Vec<EniIdx>,
    /// Its DNS name, when known.
    pub dns_name: Option<String>,
    /// Cross-zone load balancing (default: on for application, off for network).
    pub cross_zone: bool,
    /// Listeners.
    pub listeners: Vec<Listener>,
    /// `active`, `provisioning`, `failed`, …
    pub state: String,
}

/// What a target group's targets are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetType {
    /// Instances, by id (traffic to their primary address).
    Instance,
    /// IP addresses (in the VPC, a peered VPC, or on premises).
    Ip,
    /// An application load balancer behind a network load balancer.
    Alb,
    /// Lambda functions: held, not traced.
    Lambda,
}

/// One registered target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its address.
    pub ip: Ipv4Addr,
    /// The interface, when the target is in the network.
    pub eni: Option<EniIdx>,
    /// The port, when it overrides the group's.
    pub port: Option<u16>,
    /// The Availability Zone it is registered in (`all` for targets outside the VPC).
    pub az: Option<String>,
    /// The last known health (`healthy`, `unhealthy`, `unused`, …) when the input has it.
    pub health: Option<String>,
}

/// A target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetGroup {
    /// Identity.
    pub meta: Meta,
    /// Its VPC.
    pub vpc: Option<VpcIdx>,
    /// Instance, IP, ALB or Lambda targets.
    pub target_type: TargetType,
    /// `TCP`, `HTTP`, …
    pub protocol: String,
    /// The port targets receive traffic on.
    pub port: u16,
    /// Registered targets.
    pub targets: Vec<Target>,
    /// Client IP preservation (network load balancers); `None`: AWS's default (on for
    /// instance targets, off for IP targets over TCP/TLS).
    pub preserve_client_ip: Option<bool>,
}

impl TargetGroup {
    /// Whether targets see the client's address (never through PrivateLink, never
    /// behind an application load balancer).
    pub fn preserves_client_ip(&self) -> bool {
        self.preserve_client_ip.unwrap_or(match self.target_type {
            TargetType::Instance => true,
            _ => {
                self.protocol.eq_ignore_ascii_case("UDP")
                    || self.protocol.eq_ignore_ascii_case("TCP_UDP")
            }
        })
    }
}

/// An endpoint service: a network load balancer offered to other VPCs over
/// PrivateLink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointService {
    /// Identity (`vpce-svc-…`).
    pub meta: Meta,
    /// `com.amazonaws.vpce.REGION.vpce-svc-…`.
    pub service_name: String,
    /// Its network load balancers.
    pub load_balancers: Vec<LbIdx>,
    /// Whether each endpoint connection must be accepted.
    pub acceptance_required: bool,
    /// Principals allowed to connect (`arn:aws:iam::111111111111:root`, `*`); empty:
    /// nobody but the owner.
    pub allowed_principals: Vec<String>,
    /// Regions consumers may connect from (cross-region PrivateLink); empty: its own.
    pub supported_regions: Vec<String>,
    /// Owning account.
    pub account: String,
    /// Its region.
    pub region: String,
}
