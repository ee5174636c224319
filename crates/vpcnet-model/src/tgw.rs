//! Transit gateways: their route tables, attachments, associations and propagations.
//!
//! A peering attachment joins two transit gateways (in other regions or accounts) and,
//! as in AWS, is one resource with one id: each side associates it with a route table
//! of its own gateway.

use ipnet::Ipv4Net;

use crate::diag::Location;
use crate::net::{Meta, SubnetIdx, TgwAttachmentIdx, TgwIdx, TgwRouteTableIdx, VpcIdx};

/// A transit gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitGateway {
    /// Identity (`tgw-…`).
    pub meta: Meta,
    /// Owning account.
    pub account: String,
    /// Region.
    pub region: String,
}

/// What an attachment connects the gateway to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TgwAttachmentKind {
    /// A VPC, through one subnet per Availability Zone.
    Vpc {
        /// The VPC.
        vpc: VpcIdx,
        /// The attachment's subnets, at most one per Availability Zone.
        subnets: Vec<SubnetIdx>,
        /// Appliance mode: both directions of a flow use the same Availability Zone.
        appliance_mode: bool,
    },
    /// Another transit gateway (inter-region or cross-account peering).
    Peering {
        /// The gateway on the far side, when the input has it.
        peer: Option<TgwIdx>,
        /// The far gateway's id (kept when it is not in the input).
        peer_id: String,
        /// The route table the far side associates the attachment with.
        peer_association: Option<TgwRouteTableIdx>,
    },
    /// A site-to-site VPN to a network outside AWS.
    Vpn {
        /// The site's name.
        site: String,
        /// The site's address ranges (what it advertises over BGP, or its static
        /// routes).
        cidrs: Vec<Ipv4Net>,
    },
    /// Another kind (Direct Connect gateway, Connect, network function): held, not
    /// traced through.
    Other {
        /// The kind as AWS names it (`direct-connect-gateway`, `connect`, …).
        kind: String,
    },
}

/// A transit gateway attachment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwAttachment {
    /// Identity (`tgw-attach-…`).
    pub meta: Meta,
    /// The gateway it belongs to (for a peering, the requester's).
    pub tgw: TgwIdx,
    /// What it connects.
    pub kind: TgwAttachmentKind,
    /// `available`, `pendingAcceptance`, `deleted`, …
    pub state: String,
    /// The route table of `tgw` it is associated with (at most one).
    pub association: Option<TgwRouteTableIdx>,
}

impl TgwAttachment {
    /// The route table this attachment is associated with on gateway `tgw` (either
    /// side of a peering).
    pub fn association_on(&self, tgw: TgwIdx) -> Option<TgwRouteTableIdx> {
        if tgw == self.tgw {
            return self.association;
        }
        match &self.kind {
            TgwAttachmentKind::Peering {
                peer: Some(p),
                peer_association,
                ..
            } if *p == tgw => *peer_association,
            _ => None,
        }
    }

    /// The gateway on the other side of a peering attachment, seen from `tgw`.
    pub fn far_side(&self, tgw: TgwIdx) -> Option<TgwIdx> {
        match &self.kind {
            TgwAttachmentKind::Peering { peer, .. } if tgw == self.tgw => *peer,
            TgwAttachmentKind::Peering { peer: Some(p), .. } if *p == tgw => Some(self.tgw),
            _ => None,
        }
    }

    /// Whether the attachment is on gateway `tgw` (its own, or the far side of a
    /// peering).
    pub fn is_on(&self, tgw: TgwIdx) -> bool {
        self.tgw == tgw || self.far_side(tgw) == Some(self.tgw)
    }

    /// Whether it carries traffic.
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }
}

/// Whether a transit gateway route was written or learnt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TgwRouteKind {
    /// A static route.
    Static,
    /// Propagated from an attachment.
    Propagated,
}

/// Where a transit gateway route sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TgwRouteTarget {
    /// An attachment.
    Attachment(TgwAttachmentIdx),
    /// Dropped.
    Blackhole,
}

/// A route of a transit gateway route table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwRoute {
    /// The destination.
    pub destination: Ipv4Net,
    /// Where it sends.
    pub target: TgwRouteTarget,
    /// Static or propagated.
    pub kind: TgwRouteKind,
    /// Where it was declared.
    pub origin: Option<Location>,
}

/// A transit gateway route table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwRouteTable {
    /// Identity (`tgw-rtb-…`).
    pub meta: Meta,
    /// Its gateway.
    pub tgw: TgwIdx,
    /// Routes as written or as the input listed them (a snapshot lists propagated
    /// routes too).
    pub routes: Vec<TgwRoute>,
    /// Attachments propagating their routes into this table.
    pub propagations: Vec<TgwAttachmentIdx>,
}
