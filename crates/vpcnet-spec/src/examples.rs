//! Built-in example networks, as spec text.

/// Seed 000's cross-VPC design: a shared-services VPC and a dev VPC joined by a peering
/// (for EKS pods that cannot run Tailscale), plus a staging VPC peered only with shared
/// services, to show that peering is not transitive.
pub const CROSS_VPC: &str = include_str!("../examples/cross-vpc.yaml");

/// Every built-in example: (name, spec text).
pub const ALL: &[(&str, &str)] = &[("cross-vpc", CROSS_VPC)];

/// The example with this name.
pub fn get(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}
