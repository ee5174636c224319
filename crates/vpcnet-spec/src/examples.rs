//! Built-in example networks, as spec text.

/// Seed 000's cross-VPC design: a shared-services VPC and a dev VPC joined by a peering
/// (for EKS pods that cannot run Tailscale), plus a staging VPC peered only with shared
/// services, to show that peering is not transitive.
pub const CROSS_VPC: &str = include_str!("../examples/cross-vpc.yaml");

/// Seed 004's observability platform: agents in another account and region push to one
/// cluster through an interface endpoint, the endpoint service's NLB, nginx proxies
/// routing by host, and an inter-region peering to the cluster's ALB.
pub const OBSERVABILITY: &str = include_str!("../examples/observability.yaml");

/// Every built-in example: (name, spec text).
pub const ALL: &[(&str, &str)] = &[("cross-vpc", CROSS_VPC), ("observability", OBSERVABILITY)];

/// The example with this name.
pub fn get(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}
