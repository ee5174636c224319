//! VPC endpoints: gateway endpoints (S3, DynamoDB) reached by routes to the service's
//! prefix list, and interface endpoints (PrivateLink) reached at their network
//! interfaces.

use crate::net::{EniIdx, Meta, PrefixListIdx, RouteTableIdx, VpcIdx};

/// The kind of a VPC endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointKind {
    /// A gateway endpoint: a route target for the service's prefix list.
    Gateway,
    /// An interface endpoint: network interfaces in the VPC's subnets.
    Interface,
    /// A Gateway Load Balancer endpoint: held, not traced through.
    GatewayLoadBalancer,
}

impl EndpointKind {
    /// As AWS writes it (`Gateway`, `Interface`, `GatewayLoadBalancer`).
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Gateway => "Gateway",
            EndpointKind::Interface => "Interface",
            EndpointKind::GatewayLoadBalancer => "GatewayLoadBalancer",
        }
    }
}

/// A VPC endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcEndpoint {
    /// Identity (`vpce-…`).
    pub meta: Meta,
    /// Its VPC.
    pub vpc: VpcIdx,
    /// The service, `com.amazonaws.us-east-1.s3` or an endpoint service's name
    /// (`com.amazonaws.vpce.us-east-1.vpce-svc-…`).
    pub service_name: String,
    /// Gateway, interface, or Gateway Load Balancer.
    pub kind: EndpointKind,
    /// `available`, `pendingAcceptance`, `rejected`, `failed`, `deleted`, …
    pub state: String,
    /// Gateway endpoints: the route tables it adds its route to.
    pub route_tables: Vec<RouteTableIdx>,
    /// Gateway endpoints: the service's prefix list, when the input has it.
    pub prefix_list: Option<PrefixListIdx>,
    /// Interface endpoints: its network interfaces (one per subnet).
    pub enis: Vec<EniIdx>,
    /// Interface endpoints: private DNS, which makes the service's regional name
    /// resolve to the interfaces inside the VPC.
    pub private_dns: bool,
}

impl VpcEndpoint {
    /// Whether it carries traffic.
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// Whether the service is one of AWS's own (`com.amazonaws.REGION.SERVICE`), not an
    /// endpoint service offered by an account.
    pub fn is_aws_service(&self) -> bool {
        self.service_name.starts_with("com.amazonaws.")
            && !self.service_name.starts_with("com.amazonaws.vpce.")
    }

    /// The short service name (`s3`, `ecr.api`) of an AWS service.
    pub fn short_service(&self) -> Option<&str> {
        let rest = self.service_name.strip_prefix("com.amazonaws.")?;
        if rest.starts_with("vpce.") {
            return None;
        }
        rest.split_once('.').map(|(_region, svc)| svc)
    }

    /// The region in the service name.
    pub fn service_region(&self) -> Option<&str> {
        let rest = self.service_name.strip_prefix("com.amazonaws.")?;
        let rest = rest.strip_prefix("vpce.").unwrap_or(rest);
        rest.split('.').next()
    }

    /// The name private DNS answers for an AWS service (`sts.us-east-1.amazonaws.com`).
    pub fn private_dns_name(&self) -> Option<String> {
        if self.kind != EndpointKind::Interface || !self.private_dns {
            return None;
        }
        Some(format!(
            "{}.{}.amazonaws.com",
            self.short_service()?,
            self.service_region()?
        ))
    }
}
