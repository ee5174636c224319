//! VPC flow logs: which VPCs, subnets and interfaces record their traffic, and what.

use crate::index::AnyIdx;
use crate::net::Meta;

/// What a flow log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowTraffic {
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
    /// Both.
    All,
}

impl FlowTraffic {
    /// Parses `ACCEPT`, `REJECT`, `ALL` (any case).
    pub fn parse(text: &str) -> Option<FlowTraffic> {
        match text.to_ascii_uppercase().as_str() {
            "ACCEPT" => Some(FlowTraffic::Accept),
            "REJECT" => Some(FlowTraffic::Reject),
            "ALL" => Some(FlowTraffic::All),
            _ => None,
        }
    }

    /// As AWS writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowTraffic::Accept => "ACCEPT",
            FlowTraffic::Reject => "REJECT",
            FlowTraffic::All => "ALL",
        }
    }
}

/// A flow log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowLog {
    /// Identity (`fl-…`).
    pub meta: Meta,
    /// What it watches: a VPC, a subnet, an interface, or a transit gateway (or one of
    /// its attachments).
    pub resource: AnyIdx,
    /// What it records.
    pub traffic: FlowTraffic,
    /// Where it writes (`cloud-watch-logs`, `s3`, `kinesis-data-firehose`) and the
    /// destination's ARN or group name, when known.
    pub destination: Option<String>,
    /// The record format, when not the default.
    pub format: Option<String>,
}
