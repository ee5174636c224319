//! Terraform plans and states (`terraform show -json`, and OpenTofu's identical format)
//! into a vpcnet network.
//!
//! A state is one network. A plan is two: the network before the change
//! (`prior_state`) and the network after it (`planned_values`, with
//! `resource_changes` saying which values stay unknown until apply). The engineer's
//! question is usually about the second one, before anything is applied.
//!
//! The design trade-off is completeness of the *after* network against honesty about
//! what a plan does not know. Ids, ARNs and many addresses only exist after apply, yet
//! a plan that creates a VPC, its subnets, routes and a peering must still be one
//! connected network. So every resource whose id is unknown gets a stable synthetic
//! id made from its address (`vpc-tf-module.vpc.aws_vpc.this[0]`), and an unknown
//! attribute is linked through the plan's `configuration` references
//! (`vpc_peering_connection_id = aws_vpc_peering_connection.x.id`), through module
//! inputs (`var.vpc_id`, down to the plan's root `variables`) and outputs
//! (`module.vpc.vpc_id`), `each.value` of a `for_each` over a module or resource, data
//! sources read while planning, and the references of a whole list of blocks
//! (`route = [...]`) when exactly one of them fits an entry. Terraform's JSON holds no
//! `local`s and leaves `dynamic` blocks out; a local is taken for the only VPC (or a
//! rule's only group) of its module, and said so; any other link that stops is
//! reported with the reference it stops at and why. What cannot be known (a private
//! address AWS picks at apply, a public address AWS assigns at apply — stood for by a
//! placeholder from the documentation ranges so that internet paths can be traced —
//! the CIDR of a peer VPC outside the plan) is filled in with a stated assumption and
//! reported as a finding, never guessed silently. IPv6 entries the model cannot hold
//! (network ACL and prefix list entries) are named, not dropped.
//!
//! AWS defaults that Terraform leaves implicit are added as AWS would: every VPC has a
//! main route table with `local` routes, a default network ACL allowing everything and
//! a default security group, unless the configuration manages them
//! (`aws_default_route_table`, `aws_default_network_acl`,
//! `aws_default_security_group`), in which case they hold exactly what is declared.
//! Security groups Terraform creates have no egress rule unless one is declared
//! (Terraform removes the one AWS adds).
//!
//! Route 53 is read as the provider writes it: a hosted zone with `vpc` blocks is
//! private and associated with those VPCs (and with those of
//! `aws_route53_zone_association`; one the input does not hold is kept by id), a
//! record's `name` is relative to its zone unless it ends with the zone's name, and
//! Resolver rules apply to the VPCs of their associations. A record whose value is
//! only known after apply (an instance's `private_ip`) gets, through the
//! configuration, the address that stands for it in the network, so names resolve to
//! what traces reach.
//!
//! Transit gateways are read with what AWS adds to them: the default route table a
//! gateway gets when default association or propagation is enabled, which VPC and
//! VPN attachments join unless they opt out, and, for peering, the acceptance AWS
//! waits for (`…_accepter`) before the attachment carries traffic. An accepter's id is
//! the id of what it accepts, and the attachment of a VPN connection (also through the
//! `aws_ec2_transit_gateway_vpn_attachment` data source) is linked like any id, so
//! routes, associations and propagations made in either way name one attachment. A
//! VPN site's address ranges are taken from what the input says of the customer
//! network; what BGP learns is known only at run time, and is said.
//!
//! VPC endpoints, load balancers and endpoint services are read with what AWS makes
//! of them at apply, stood for and said: a gateway endpoint's route to its service's
//! prefix list (whose CIDRs come from a prefix list data source the plan read, or from
//! a state), the interfaces of interface endpoints and load balancers (one per subnet,
//! at the lowest free address, as for an instance whose address AWS picks), a load
//! balancer's DNS name in AWS's form, so that records aliasing it resolve, and an
//! endpoint service's name, so that an interface endpoint in another account naming
//! it reaches its network load balancer once the connection is accepted.
//!
//! Every resource type vpcnet does not model is listed once in a `NOT_MODELLED` note
//! with its addresses. Findings go into the builder located by file and JSON pointer;
//! `Err` is only for text that is not Terraform JSON at all or an unsupported format.

#![deny(missing_docs)]

mod doc;
mod lower;
mod refs;

use vpcnet_model::NetworkBuilder;

/// Which network of a plan to load. A state file has one network, so this is ignored
/// for states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// After the change: `planned_values` with `resource_changes`.
    Planned,
    /// Before the change: `prior_state`.
    Prior,
}

/// Whether the file was a plan or a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TfKind {
    /// `terraform show -json plan.out`.
    Plan,
    /// `terraform show -json` of a state.
    State,
}

/// What was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TfReport {
    /// Plan or state.
    pub kind: TfKind,
    /// `format_version` as written.
    pub format_version: String,
    /// `terraform_version`, when given.
    pub terraform_version: Option<String>,
    /// Addresses of the managed resources that were read as part of the network.
    pub modelled: Vec<String>,
    /// Managed resources of types vpcnet does not model: (type, addresses), in order
    /// of first appearance; each type is one `NOT_MODELLED` note.
    pub not_modelled: Vec<(String, Vec<String>)>,
    /// Data sources met (read by Terraform, not part of the network).
    pub data_sources: usize,
}

impl TfReport {
    /// Every managed resource met: modelled plus not modelled.
    pub fn managed(&self) -> usize {
        self.modelled.len()
            + self
                .not_modelled
                .iter()
                .map(|(_, a)| a.len())
                .sum::<usize>()
    }
}

/// Text that cannot be read as Terraform JSON at all.
#[derive(Debug, thiserror::Error)]
pub enum TfError {
    /// Not JSON.
    #[error("`{file}` is not JSON: {source}")]
    NotJson {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not the output of `terraform show -json`.
    #[error("`{file}` is not the JSON of `terraform show -json`: {reason}")]
    NotTerraform {
        /// The file.
        file: String,
        /// What is missing.
        reason: String,
    },
    /// A `format_version` whose major version vpcnet does not read.
    #[error(
        "`{file}` has `format_version` `{version}`; vpcnet reads Terraform JSON formats 0.x and 1.x"
    )]
    UnsupportedFormat {
        /// The file.
        file: String,
        /// The version found.
        version: String,
    },
}

/// A cheap look at `text`: whether it is a JSON object with `format_version` and one
/// of `terraform_version`, `planned_values`, `values` or `prior_state`. It does not
/// parse the text; [`load_into`] says what is wrong with one that only looks right.
pub fn is_terraform_json(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{')
        && t.contains("\"format_version\"")
        && [
            "\"terraform_version\"",
            "\"planned_values\"",
            "\"values\"",
            "\"prior_state\"",
        ]
        .iter()
        .any(|k| t.contains(k))
}

/// Loads a plan or state into the builder: the planned network or the prior one of a
/// plan (`which`), or the one network of a state. Every finding goes into the builder,
/// located in `file` by JSON pointer; `Err` only when `text` is not Terraform JSON or
/// its `format_version` is not 0.x or 1.x.
pub fn load_into(
    builder: &mut NetworkBuilder,
    file: &str,
    text: &str,
    which: Which,
) -> Result<TfReport, TfError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: serde_json::Value =
        serde_json::from_str(text).map_err(|source| TfError::NotJson {
            file: file.to_owned(),
            source,
        })?;
    let d = doc::Doc::open(file, &root, which)?;
    Ok(lower::lower(builder, &d))
}
