//! Transit gateways: the gateways and their route tables, attachments, associations,
//! routes and propagations.
//!
//! An attachment is told in parts: `TransitGatewayAttachments` gives its kind, state
//! and association, `TransitGatewayVpcAttachments` its VPC's subnets,
//! `TransitGatewayPeeringAttachments` which gateway requested a peering and which
//! accepted it. The parts are merged by attachment id, across accounts and regions (a
//! peering is listed by both sides). Associations come from the attachments and from
//! `TransitGatewayRouteTableAssociations`; which side of a peering an association is
//! for is seen from its route table's gateway. Two different route tables for one
//! side cannot both be true: the first is used and the conflict is said.

use vpcnet_model::{
    AnyIdx, Severity, SubnetIdx, TgwAttachmentIdx, TgwAttachmentKind, TgwIdx, TgwRoute,
    TgwRouteKind, TgwRouteTableIdx, TgwRouteTarget,
};

use super::{Items, Lowerer};
use crate::fx::Map;
use crate::raw;

/// Every transit gateway key's items.
pub(crate) struct TgwItems<'s, 'x> {
    pub(crate) tgws: &'s Items<'x, raw::TransitGateway<'x>>,
    pub(crate) tables: &'s Items<'x, raw::TgwRouteTable<'x>>,
    pub(crate) attachments: &'s Items<'x, raw::TgwAttachment<'x>>,
    pub(crate) vpc_attachments: &'s Items<'x, raw::TgwVpcAttachment<'x>>,
    pub(crate) peering_attachments: &'s Items<'x, raw::TgwPeeringAttachment<'x>>,
    pub(crate) routes: &'s Items<'x, raw::TgwTableRoutes<'x>>,
    pub(crate) propagations: &'s Items<'x, raw::TgwTablePropagations<'x>>,
    pub(crate) associations: &'s Items<'x, raw::TgwTableAssociations<'x>>,
}

/// A resource AWS is removing or has removed: not part of the network.
fn gone(state: Option<&str>) -> bool {
    matches!(state, Some("deleted" | "deleting"))
}

/// Where something was said: file and pointer.
type Said = (usize, String);

/// One side's association: the route table, and where it was said.
type Side = (TgwRouteTableIdx, Said);

/// An attachment, from every key that tells part of it.
struct Att<'x> {
    /// Its first sighting.
    at: Said,
    /// The record of `TransitGatewayAttachments`.
    record: Option<&'x raw::TgwAttachment<'x>>,
    vpc: Option<(&'x raw::TgwVpcAttachment<'x>, Said)>,
    peering: Option<(&'x raw::TgwPeeringAttachment<'x>, Said)>,
    /// The route tables it is said to be associated with, in the order said.
    assocs: Vec<(&'x str, Said)>,
}

impl<'x> Att<'x> {
    fn new(at: Said) -> Self {
        Att {
            at,
            record: None,
            vpc: None,
            peering: None,
            assocs: Vec::new(),
        }
    }

    fn tgw(&self) -> Option<&'x str> {
        let requester = self
            .peering
            .as_ref()
            .and_then(|(p, _)| p.requester_tgw_info.as_ref())
            .and_then(|i| i.transit_gateway_id.as_deref());
        requester
            .or(self
                .vpc
                .as_ref()
                .and_then(|(v, _)| v.transit_gateway_id.as_deref()))
            .or(self.record.and_then(|r| r.transit_gateway_id.as_deref()))
    }

    fn state(&self) -> Option<&'x str> {
        self.vpc
            .as_ref()
            .and_then(|(v, _)| v.state.as_deref())
            .or(self.peering.as_ref().and_then(|(p, _)| p.state.as_deref()))
            .or(self.record.and_then(|r| r.state.as_deref()))
    }

    fn tags(&self) -> &'x [raw::Tag<'x>] {
        let lists = [
            self.record.map(|r| &r.tags[..]),
            self.vpc.as_ref().map(|(v, _)| &v.tags[..]),
            self.peering.as_ref().map(|(p, _)| &p.tags[..]),
        ];
        lists
            .into_iter()
            .flatten()
            .find(|t| !t.is_empty())
            .unwrap_or(&[])
    }
}

impl<'x> Lowerer<'_, '_> {
    /// Gateways, route tables, attachments with their associations, then routes and
    /// propagations (which name attachments of either side of a peering).
    pub(crate) fn transit_gateways(&mut self, t: &TgwItems<'_, 'x>) {
        self.expect_ids(t.tgws.len() + t.tables.len() + t.attachments.len());
        for &e in t.tgws {
            let ptr = format!("/TransitGateways/{}", e.index);
            let g = &e.v;
            if gone(g.state.as_deref()) || !self.first(&g.transit_gateway_id, e.file, &ptr) {
                continue;
            }
            let scope = self.scope(e.file);
            let account = g
                .owner_id
                .as_deref()
                .or(scope.account.as_deref())
                .unwrap_or(super::UNKNOWN_ACCOUNT)
                .to_owned();
            let region = scope.region.clone();
            let meta = self.meta(&g.transit_gateway_id, &g.tags, e.file, &ptr);
            self.b.add_transit_gateway(vpcnet_model::TransitGateway {
                meta,
                account,
                region,
            });
        }
        for &e in t.tables {
            let ptr = format!("/TransitGatewayRouteTables/{}", e.index);
            let rt = &e.v;
            if gone(rt.state.as_deref())
                || !self.first(&rt.transit_gateway_route_table_id, e.file, &ptr)
            {
                continue;
            }
            let Some(gw) = rt.transit_gateway_id.as_deref() else {
                let msg = format!(
                    "transit gateway route table `{}` has no `TransitGatewayId`; skipped",
                    &*rt.transit_gateway_route_table_id
                );
                self.error("BAD_VALUE", e.file, &ptr, msg);
                continue;
            };
            let Some(tgw) = self.tgw(gw) else {
                let at = format!("{ptr}/TransitGatewayId");
                let then = "the route table is skipped";
                self.unknown_ref(e.file, &at, "transit gateway", gw, then);
                continue;
            };
            let meta = self.meta(&rt.transit_gateway_route_table_id, &rt.tags, e.file, &ptr);
            self.b.add_tgw_route_table(vpcnet_model::TgwRouteTable {
                meta,
                tgw,
                routes: Vec::new(),
                propagations: Vec::new(),
            });
        }
        self.tgw_attachments(t);
        self.tgw_routes(t.routes);
        self.tgw_propagations(t.propagations);
    }

    fn tgw(&self, id: &str) -> Option<TgwIdx> {
        self.b.network().by_id_as(id)
    }

    fn tgw_table(&self, id: &str) -> Option<TgwRouteTableIdx> {
        self.b.network().by_id_as(id)
    }

    fn tgw_attachment_idx(&self, id: &str) -> Option<TgwAttachmentIdx> {
        self.b.network().by_id_as(id)
    }

    /// The attachments, merged from the keys that each tell part of one.
    fn tgw_attachments(&mut self, t: &TgwItems<'_, 'x>) {
        let mut order: Vec<&'x str> = Vec::new();
        let mut atts: Map<&'x str, Att<'x>> = Map::default();
        let mut met: Map<Box<str>, usize> = Map::default();
        for &e in t.attachments {
            let ptr = format!("/TransitGatewayAttachments/{}", e.index);
            let id: &'x str = &e.v.transit_gateway_attachment_id;
            // Each account lists a peering with its own side's association: every
            // sighting's association counts, the first sighting's record is used.
            let first = self.sighting(&mut met, id, e.file, &ptr);
            let att = atts.entry(id).or_insert_with(|| {
                order.push(id);
                Att::new((e.file, ptr.clone()))
            });
            if first && att.record.is_none() {
                att.record = Some(&e.v);
            }
            if let Some(a) = &e.v.association {
                let state = a.state.as_deref();
                if let (Some(rt), None | Some("associated" | "associating")) =
                    (a.transit_gateway_route_table_id.as_deref(), state)
                {
                    if !att.assocs.iter().any(|(r, _)| *r == rt) {
                        let at = format!("{ptr}/Association/TransitGatewayRouteTableId");
                        att.assocs.push((rt, (e.file, at)));
                    }
                }
            }
        }
        met.clear();
        for &e in t.vpc_attachments {
            let ptr = format!("/TransitGatewayVpcAttachments/{}", e.index);
            let id: &'x str = &e.v.transit_gateway_attachment_id;
            if !self.sighting(&mut met, id, e.file, &ptr) {
                continue;
            }
            let att = atts.entry(id).or_insert_with(|| {
                order.push(id);
                Att::new((e.file, ptr.clone()))
            });
            att.vpc = Some((&e.v, (e.file, ptr)));
        }
        met.clear();
        for &e in t.peering_attachments {
            let ptr = format!("/TransitGatewayPeeringAttachments/{}", e.index);
            let id: &'x str = &e.v.transit_gateway_attachment_id;
            if !self.sighting(&mut met, id, e.file, &ptr) {
                continue;
            }
            let att = atts.entry(id).or_insert_with(|| {
                order.push(id);
                Att::new((e.file, ptr.clone()))
            });
            att.peering = Some((&e.v, (e.file, ptr)));
        }
        met.clear();
        for &e in t.associations {
            let base = format!("/TransitGatewayRouteTableAssociations/{}", e.index);
            let rt: &'x str = &e.v.transit_gateway_route_table_id;
            if !self.sighting(&mut met, rt, e.file, &base) {
                continue;
            }
            let list = format!("{base}/Associations");
            for (a, j) in self.items(&e.v.associations, e.file, &list, "association") {
                if !matches!(
                    a.state.as_deref(),
                    None | Some("associated" | "associating")
                ) {
                    continue;
                }
                let id: &'x str = &a.transit_gateway_attachment_id;
                let Some(att) = atts.get_mut(id) else {
                    let at = format!("{list}/{j}/TransitGatewayAttachmentId");
                    let then = "the association is skipped";
                    self.unknown_ref(e.file, &at, "transit gateway attachment", id, then);
                    continue;
                };
                // The same association from both sources is said once.
                if !att.assocs.iter().any(|(r, _)| *r == rt) {
                    att.assocs.push((rt, (e.file, format!("{list}/{j}"))));
                }
            }
        }
        for id in order {
            let Some(att) = atts.remove(id) else {
                continue;
            };
            self.tgw_attachment(id, att);
        }
    }

    fn tgw_attachment(&mut self, id: &'x str, att: Att<'x>) {
        let (file, ptr) = att.at.clone();
        let state = att.state();
        if gone(state) || !self.first(id, file, &ptr) {
            return;
        }
        let Some(gw) = att.tgw() else {
            let msg = format!("transit gateway attachment `{id}` does not say its transit gateway (`TransitGatewayId`); skipped");
            self.error("BAD_VALUE", file, &ptr, msg);
            return;
        };
        let Some(tgw) = self.tgw(gw) else {
            let msg = format!(
                "transit gateway `{gw}` of attachment `{id}` is not in the snapshot (shared from an account not collected?); the attachment is skipped, and routes to the gateway end traces as not modelled"
            );
            self.say(Severity::Note, "UNKNOWN_REFERENCE", file, &ptr, msg);
            return;
        };
        let Some(kind) = self.tgw_attachment_kind(id, gw, &att) else {
            return;
        };
        let peer = match &kind {
            TgwAttachmentKind::Peering { peer, .. } => *peer,
            _ => None,
        };
        // Each side's association, from the route table's gateway.
        let (mut own, mut far): (Option<Side>, Option<Side>) = (None, None);
        for (rt_id, (f, p)) in &att.assocs {
            let Some(rt) = self.tgw_table(rt_id) else {
                let then = "the association is skipped";
                self.unknown_ref(*f, p, "transit gateway route table", rt_id, then);
                continue;
            };
            let rt_tgw = self.b.network().tgw_route_table(rt).tgw;
            let side = if rt_tgw == tgw {
                &mut own
            } else if Some(rt_tgw) == peer {
                &mut far
            } else {
                let msg = format!(
                    "attachment `{id}` is said to be associated with route table `{rt_id}`, which belongs to another transit gateway; the association is skipped"
                );
                self.error("ASSOCIATION_OTHER_TGW", *f, p, msg);
                continue;
            };
            match side {
                None => *side = Some((rt, (*f, p.clone()))),
                Some((first, (ff, fp))) if *first != rt => {
                    let first_id = self.b.network().tgw_route_table(*first).meta.id.clone();
                    let first_at = self
                        .loc(*ff, fp)
                        .map(|l| format!(" (at {l})"))
                        .unwrap_or_default();
                    let msg = format!(
                        "attachment `{id}` is said to be associated with route table `{first_id}`{first_at} and with `{rt_id}`; an attachment has one association on a transit gateway, so `{first_id}` is used"
                    );
                    self.say(Severity::Warning, "TGW_ASSOCIATION_CONFLICT", *f, p, msg);
                }
                Some(_) => {}
            }
        }
        let kind = match kind {
            TgwAttachmentKind::Peering { peer, peer_id, .. } => TgwAttachmentKind::Peering {
                peer,
                peer_id,
                peer_association: far.map(|(rt, _)| rt),
            },
            other => other,
        };
        let meta = self.meta(id, att.tags(), file, &ptr);
        self.b.add_tgw_attachment(vpcnet_model::TgwAttachment {
            meta,
            tgw,
            kind,
            state: state.unwrap_or("available").to_owned(),
            association: own.map(|(rt, _)| rt),
        });
    }

    /// What an attachment connects, from the most detailed part that says it.
    fn tgw_attachment_kind(
        &mut self,
        id: &str,
        tgw: &str,
        att: &Att<'x>,
    ) -> Option<TgwAttachmentKind> {
        let (file, ptr) = &att.at;
        if let Some((v, (f, p))) = &att.vpc {
            let Some(vpc_id) = v.vpc_id.as_deref() else {
                let msg = format!("VPC attachment `{id}` has no `VpcId`; skipped");
                self.error("BAD_VALUE", *f, p, msg);
                return None;
            };
            return Some(self.tgw_vpc_kind(id, vpc_id, Some(v), *f, p));
        }
        if let Some((p, (f, at))) = &att.peering {
            let other = [&p.accepter_tgw_info, &p.requester_tgw_info]
                .into_iter()
                .flatten()
                .filter_map(|i| i.transit_gateway_id.as_deref())
                .find(|g| *g != tgw);
            let Some(peer_id) = other else {
                let msg = format!("peering attachment `{id}` does not name the other transit gateway (`AccepterTgwInfo`); skipped");
                self.error("BAD_VALUE", *f, at, msg);
                return None;
            };
            return Some(self.tgw_peer_kind(id, peer_id, *f, at));
        }
        let record = att.record?;
        let resource = record.resource_id.as_deref().unwrap_or_default();
        match record.resource_type.as_deref().unwrap_or_default() {
            "vpc" => {
                let msg = format!(
                    "VPC attachment `{id}` is only in `TransitGatewayAttachments`, which does not list its subnets (`aws ec2 describe-transit-gateway-vpc-attachments` does); traces through it stop where it needs a subnet"
                );
                self.say(
                    Severity::Warning,
                    "TGW_ATTACHMENT_SUBNETS_MISSING",
                    *file,
                    ptr,
                    msg,
                );
                Some(self.tgw_vpc_kind(id, resource, None, *file, ptr))
            }
            "peering" | "tgw-peering" if !resource.is_empty() => {
                Some(self.tgw_peer_kind(id, resource, *file, ptr))
            }
            "vpn" => Some(TgwAttachmentKind::Vpn {
                site: resource.to_owned(),
                cidrs: Vec::new(),
            }),
            "" => {
                let msg =
                    format!("transit gateway attachment `{id}` has no `ResourceType`; skipped");
                self.error("BAD_VALUE", *file, ptr, msg);
                None
            }
            other => Some(TgwAttachmentKind::Other {
                kind: other.to_owned(),
            }),
        }
    }

    fn tgw_vpc_kind(
        &mut self,
        id: &str,
        vpc_id: &str,
        v: Option<&raw::TgwVpcAttachment<'_>>,
        file: usize,
        ptr: &str,
    ) -> TgwAttachmentKind {
        let Some(vpc) = self.vpc(vpc_id) else {
            let owner = v
                .and_then(|v| v.vpc_owner_id.as_deref())
                .map(|o| format!(" (account {o})"))
                .unwrap_or_default();
            let msg = format!(
                "VPC `{vpc_id}`{owner} of attachment `{id}` is not in the snapshot; the attachment is held, and traces into it stop there"
            );
            self.say(Severity::Note, "EXTERNAL_VPC", file, ptr, msg);
            return TgwAttachmentKind::Other {
                kind: "vpc".to_owned(),
            };
        };
        let mut subnets: Vec<SubnetIdx> = Vec::new();
        if let Some(v) = v {
            for (j, s) in v.subnet_ids.iter().enumerate() {
                match self.subnet(s) {
                    Some(x) if self.b.network().subnet(x).vpc == vpc => {
                        let az = &self.b.network().subnet(x).az;
                        if subnets
                            .iter()
                            .any(|o| self.b.network().subnet(*o).az == *az)
                        {
                            let msg = format!("attachment `{id}` has two subnets in {az}; AWS allows one per Availability Zone, the first is used");
                            let at = format!("{ptr}/SubnetIds/{j}");
                            self.error("TGW_ATTACHMENT_AZ_TWICE", file, &at, msg);
                        } else {
                            subnets.push(x);
                        }
                    }
                    Some(_) => {
                        let msg = format!(
                            "subnet `{}` of attachment `{id}` is in another VPC; left out",
                            &**s
                        );
                        let at = format!("{ptr}/SubnetIds/{j}");
                        self.error("ASSOCIATION_OTHER_VPC", file, &at, msg);
                    }
                    None => {
                        let at = format!("{ptr}/SubnetIds/{j}");
                        let then = "the attachment goes without it";
                        self.unknown_ref(file, &at, "subnet", s, then);
                    }
                }
            }
        }
        let appliance_mode = v
            .and_then(|v| v.options.as_ref())
            .and_then(|o| o.appliance_mode_support.as_deref())
            == Some("enable");
        TgwAttachmentKind::Vpc {
            vpc,
            subnets,
            appliance_mode,
        }
    }

    fn tgw_peer_kind(
        &mut self,
        id: &str,
        peer_id: &str,
        file: usize,
        ptr: &str,
    ) -> TgwAttachmentKind {
        let peer = self.tgw(peer_id);
        if peer.is_none() {
            let msg = format!(
                "transit gateway `{peer_id}`, the other side of peering attachment `{id}`, is not in the snapshot; traces across the peering stop there"
            );
            self.say(Severity::Note, "EXTERNAL_TRANSIT_GATEWAY", file, ptr, msg);
        }
        TgwAttachmentKind::Peering {
            peer,
            peer_id: peer_id.to_owned(),
            peer_association: None,
        }
    }

    /// `TransitGatewayStaticRoutes`: each route table's routes as
    /// `search-transit-gateway-routes` prints them (static, and propagated ones too
    /// when listed).
    fn tgw_routes(&mut self, tables: &Items<'_, raw::TgwTableRoutes<'_>>) {
        let mut met: Map<Box<str>, usize> = Map::default();
        for &e in tables {
            let base = format!("/TransitGatewayStaticRoutes/{}", e.index);
            let id = &*e.v.transit_gateway_route_table_id;
            if !self.sighting(&mut met, id, e.file, &base) {
                continue;
            }
            let Some(rt) = self.tgw_table(id) else {
                let at = format!("{base}/TransitGatewayRouteTableId");
                let then = "its routes are skipped";
                self.unknown_ref(e.file, &at, "transit gateway route table", id, then);
                continue;
            };
            if e.v.additional_routes_available == Some(true) {
                let msg = format!("`AdditionalRoutesAvailable` is true: route table `{id}` has more routes than were listed, and those are missing");
                let at = format!("{base}/AdditionalRoutesAvailable");
                self.say(Severity::Warning, "SNAPSHOT_PAGINATED", e.file, &at, msg);
            }
            let list = format!("{base}/Routes");
            for (r, j) in self.items(&e.v.routes, e.file, &list, "route") {
                let rptr = format!("{list}/{j}");
                if let Some(route) = self.tgw_route(r, e.file, &rptr) {
                    self.b.add_tgw_route(rt, route);
                }
            }
        }
    }

    fn tgw_route(&mut self, r: &raw::TgwRoute<'_>, file: usize, ptr: &str) -> Option<TgwRoute> {
        let kind = match r.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("static") => TgwRouteKind::Static,
            Some("propagated") => TgwRouteKind::Propagated,
            Some(other) => {
                let msg = format!("route type `{other}` is neither `static` nor `propagated`");
                self.error("BAD_VALUE", file, &format!("{ptr}/Type"), msg);
                return None;
            }
        };
        let blackhole = match r.state.as_deref() {
            None | Some("active") => false,
            Some("blackhole") => true,
            Some("deleted" | "deleting") => return None,
            Some(other) => {
                let msg = format!("route state `{other}` is neither `active` nor `blackhole`; the route is skipped");
                self.say(
                    Severity::Note,
                    "NOT_MODELLED",
                    file,
                    &format!("{ptr}/State"),
                    msg,
                );
                return None;
            }
        };
        let destination = if let Some(c) = &r.destination_cidr_block {
            self.cidr(c, file, || format!("{ptr}/DestinationCidrBlock"))?
        } else {
            let what = if r.destination_ipv6_cidr_block.is_some() {
                "an IPv6 destination"
            } else if r.prefix_list_id.is_some() {
                "a prefix list destination"
            } else {
                let msg = "a transit gateway route needs `DestinationCidrBlock`".to_owned();
                self.error("BAD_ROUTE", file, ptr, msg);
                return None;
            };
            let msg = format!("transit gateway route with {what}: not modelled, skipped");
            self.say(Severity::Note, "NOT_MODELLED", file, ptr, msg);
            return None;
        };
        let target = if blackhole {
            TgwRouteTarget::Blackhole
        } else {
            let ids: Vec<(usize, &str)> = r
                .transit_gateway_attachments
                .iter()
                .enumerate()
                .filter_map(|(j, a)| Some((j, a.transit_gateway_attachment_id.as_deref()?)))
                .collect();
            let Some(&(j, id)) = ids.first() else {
                let msg = format!("active route to {destination} names no attachment (`TransitGatewayAttachments` is empty); skipped");
                self.error("BAD_ROUTE", file, ptr, msg);
                return None;
            };
            if ids.len() > 1 {
                let msg = format!("route to {destination} spreads over {} attachments (ECMP); only the first, `{id}`, is modelled", ids.len());
                self.say(Severity::Note, "NOT_MODELLED", file, ptr, msg);
            }
            let Some(att) = self.tgw_attachment_idx(id) else {
                let at = format!("{ptr}/TransitGatewayAttachments/{j}/TransitGatewayAttachmentId");
                let then = "the route is skipped";
                self.unknown_ref(file, &at, "transit gateway attachment", id, then);
                return None;
            };
            TgwRouteTarget::Attachment(att)
        };
        Some(TgwRoute {
            destination,
            target,
            kind,
            origin: self.loc(file, ptr),
        })
    }

    /// `TransitGatewayPropagations`: the attachments each route table learns from.
    fn tgw_propagations(&mut self, tables: &Items<'_, raw::TgwTablePropagations<'_>>) {
        let mut met: Map<Box<str>, usize> = Map::default();
        for &e in tables {
            let base = format!("/TransitGatewayPropagations/{}", e.index);
            let id = &*e.v.transit_gateway_route_table_id;
            if !self.sighting(&mut met, id, e.file, &base) {
                continue;
            }
            let Some(rt) = self.tgw_table(id) else {
                let at = format!("{base}/TransitGatewayRouteTableId");
                let then = "its propagations are skipped";
                self.unknown_ref(e.file, &at, "transit gateway route table", id, then);
                continue;
            };
            let list = format!("{base}/TransitGatewayRouteTablePropagations");
            let props = &e.v.transit_gateway_route_table_propagations;
            for (p, j) in self.items(props, e.file, &list, "propagation") {
                if !matches!(p.state.as_deref(), None | Some("enabled" | "enabling")) {
                    continue;
                }
                let att_id = &*p.transit_gateway_attachment_id;
                match self.by_id(att_id) {
                    Some(AnyIdx::TgwAttachment(a)) => {
                        self.b.add_tgw_propagation(rt, a);
                    }
                    _ => {
                        let at = format!("{list}/{j}/TransitGatewayAttachmentId");
                        let then = "the propagation is skipped";
                        self.unknown_ref(e.file, &at, "transit gateway attachment", att_id, then);
                    }
                }
            }
        }
    }
}
