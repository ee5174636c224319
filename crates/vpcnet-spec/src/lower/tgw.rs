//! The spec's `transit_gateways`: gateways, route tables, attachments (VPC, peering,
//! VPN), associations, propagations and routes.

use std::collections::HashMap;

use ipnet::Ipv4Net;
use vpcnet_model::{
    Meta, SubnetIdx, TgwAttachment, TgwAttachmentIdx, TgwAttachmentKind, TgwIdx, TgwRoute,
    TgwRouteKind, TgwRouteTable, TgwRouteTableIdx, TgwRouteTarget, TransitGateway, VpcIdx,
};

use super::Lowerer;
use crate::raw::*;

/// Names declared by one gateway.
#[derive(Default)]
struct TgwScope {
    tables: HashMap<String, TgwRouteTableIdx>,
}

impl Lowerer<'_> {
    /// Gateways and route tables first, then attachments (a peering names the other
    /// gateway's table), then routes and propagations (which name attachments of
    /// either side).
    pub(super) fn transit_gateways(
        &mut self,
        tgws: &[crate::lenient::Lenient<TransitGatewaySpec>],
    ) {
        let items = self.items(tgws, "/transit_gateways");
        let mut made: Vec<Option<(TgwIdx, TgwScope)>> = Vec::new();
        for (t, ptr) in &items {
            let meta = self.meta(&t.id, "tgw", "", &t.name, &t.tags, ptr);
            let id = meta.id.clone();
            let account = t
                .account
                .as_ref()
                .map(AccountId::normalized)
                .unwrap_or_else(|| self.account.clone());
            let region = t.region.clone().unwrap_or_else(|| self.region.clone());
            let Some(idx) = self.b.add_transit_gateway(TransitGateway {
                meta,
                account,
                region,
            }) else {
                made.push(None);
                continue;
            };
            self.tgw_ids.insert(t.name.clone(), id.clone());
            self.tgw_ids.insert(id.clone(), id.clone());
            self.tgw_idx.insert(t.name.clone(), idx);
            self.tgw_idx.insert(id, idx);
            let mut scope = TgwScope::default();
            for (rt, rptr) in self.items(&t.route_tables, &format!("{ptr}/route_tables")) {
                let meta = self.meta(&rt.id, "tgw-rtb", &t.name, &rt.name, &rt.tags, &rptr);
                let id = meta.id.clone();
                if let Some(r) = self.b.add_tgw_route_table(TgwRouteTable {
                    meta,
                    tgw: idx,
                    routes: Vec::new(),
                    propagations: Vec::new(),
                }) {
                    scope.tables.insert(rt.name.clone(), r);
                    scope.tables.insert(id, r);
                }
            }
            made.push(Some((idx, scope)));
        }
        let scopes: HashMap<TgwIdx, &TgwScope> =
            made.iter().flatten().map(|(i, s)| (*i, s)).collect();
        let mut attachments: HashMap<String, TgwAttachmentIdx> = HashMap::new();
        for ((t, ptr), m) in items.iter().zip(&made) {
            let Some((tgw, scope)) = m else { continue };
            for (a, aptr) in self.items(&t.attachments, &format!("{ptr}/attachments")) {
                if let Some(idx) = self.tgw_attachment(*tgw, scope, &scopes, &t.name, a, &aptr) {
                    attachments.insert(a.name.clone(), idx);
                    let id = self.b.network().tgw_attachment(idx).meta.id.clone();
                    attachments.insert(id, idx);
                }
            }
        }
        for ((t, ptr), m) in items.iter().zip(&made) {
            let Some((_, scope)) = m else { continue };
            for (rt, rptr) in self.items(&t.route_tables, &format!("{ptr}/route_tables")) {
                let Some(table) = scope.tables.get(&rt.name).copied() else {
                    continue;
                };
                for (i, a) in rt.propagations.iter().enumerate() {
                    let at = format!("{rptr}/propagations/{i}");
                    if let Some(att) = self.find_attachment(&attachments, a, &at) {
                        self.b.add_tgw_propagation(table, att);
                    }
                }
                for (r, r_ptr) in self.items(&rt.routes, &format!("{rptr}/routes")) {
                    if let Some(route) = self.tgw_route(&attachments, r, &r_ptr) {
                        self.b.add_tgw_route(table, route);
                    }
                }
            }
        }
    }

    fn find_attachment(
        &mut self,
        attachments: &HashMap<String, TgwAttachmentIdx>,
        name: &str,
        ptr: &str,
    ) -> Option<TgwAttachmentIdx> {
        if let Some(a) = attachments.get(name) {
            return Some(*a);
        }
        let mut known: Vec<&String> = attachments.keys().collect();
        known.sort();
        let known: Vec<String> = known.into_iter().cloned().collect();
        self.unknown(
            "transit gateway attachment",
            name,
            "in this spec",
            known.iter().collect(),
            ptr,
        );
        None
    }

    fn tgw_route(
        &mut self,
        attachments: &HashMap<String, TgwAttachmentIdx>,
        r: &TgwRouteSpec,
        ptr: &str,
    ) -> Option<TgwRoute> {
        let destination: Ipv4Net = self.cidr(&r.destination, &format!("{ptr}/destination"))?;
        let target = match (&r.attachment, r.blackhole) {
            (Some(a), false) => TgwRouteTarget::Attachment(self.find_attachment(
                attachments,
                a,
                &format!("{ptr}/attachment"),
            )?),
            (None, true) => TgwRouteTarget::Blackhole,
            _ => {
                self.error(
                    "BAD_ROUTE",
                    ptr,
                    "a transit gateway route has one target: `attachment` or `blackhole: true`"
                        .to_owned(),
                );
                return None;
            }
        };
        let kind = match r.kind.as_deref() {
            None | Some("static") => TgwRouteKind::Static,
            Some("propagated") => TgwRouteKind::Propagated,
            Some(other) => {
                self.error(
                    "BAD_VALUE",
                    &format!("{ptr}/kind"),
                    format!("route kind `{other}` is not `static` or `propagated`"),
                );
                return None;
            }
        };
        Some(TgwRoute {
            destination,
            target,
            kind,
            origin: self.loc(ptr),
        })
    }

    #[allow(clippy::too_many_arguments)] // the parts one attachment needs; a struct would only rename them
    fn tgw_attachment(
        &mut self,
        tgw: TgwIdx,
        scope: &TgwScope,
        scopes: &HashMap<TgwIdx, &TgwScope>,
        tgw_name: &str,
        a: &TgwAttachmentSpec,
        ptr: &str,
    ) -> Option<TgwAttachmentIdx> {
        let kinds = [
            a.vpc.is_some(),
            a.peer.is_some(),
            a.vpn.is_some(),
            a.other.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            self.error(
                "BAD_ATTACHMENT",
                ptr,
                format!(
                    "attachment `{}` needs exactly one of `vpc`, `peer`, `vpn` and `other`",
                    a.name
                ),
            );
            return None;
        }
        let kind = if let Some(v) = &a.vpc {
            let vpc = self.tgw_vpc(v, &format!("{ptr}/vpc"))?;
            let mut subnets: Vec<SubnetIdx> = Vec::new();
            for (i, s) in a.subnets.iter().enumerate() {
                let found = self
                    .scopes
                    .iter()
                    .find(|sc| sc.vpc == Some(vpc))
                    .and_then(|sc| sc.subnets.get(s).copied());
                match found {
                    Some(x) => subnets.push(x),
                    None => {
                        let known: Vec<String> = self
                            .scopes
                            .iter()
                            .find(|sc| sc.vpc == Some(vpc))
                            .map(|sc| sc.subnets.keys().cloned().collect())
                            .unwrap_or_default();
                        self.unknown(
                            "subnet",
                            s,
                            &format!("in VPC `{v}`"),
                            known.iter().collect(),
                            &format!("{ptr}/subnets/{i}"),
                        );
                    }
                }
            }
            if subnets.is_empty() {
                self.error(
                    "BAD_ATTACHMENT",
                    ptr,
                    format!("VPC attachment `{}` needs at least one subnet", a.name),
                );
                return None;
            }
            TgwAttachmentKind::Vpc {
                vpc,
                subnets,
                appliance_mode: a.appliance_mode,
            }
        } else if let Some(p) = &a.peer {
            let peer = self.tgw_idx.get(p).copied();
            if peer == Some(tgw) {
                self.error(
                    "BAD_ATTACHMENT",
                    &format!("{ptr}/peer"),
                    format!(
                        "peering attachment `{}` joins transit gateway `{tgw_name}` to itself",
                        a.name
                    ),
                );
                return None;
            }
            let peer_id = match peer {
                Some(i) => self.b.network().transit_gateway(i).meta.id.clone(),
                None => p.clone(),
            };
            let peer_association = match (&a.peer_route_table, peer) {
                (Some(rt), Some(pi)) => {
                    let found = scopes.get(&pi).and_then(|sc| sc.tables.get(rt).copied());
                    if found.is_none() {
                        let known: Vec<String> = scopes
                            .get(&pi)
                            .map(|sc| sc.tables.keys().cloned().collect())
                            .unwrap_or_default();
                        self.unknown(
                            "transit gateway route table",
                            rt,
                            &format!("of transit gateway `{p}`"),
                            known.iter().collect(),
                            &format!("{ptr}/peer_route_table"),
                        );
                    }
                    found
                }
                _ => None,
            };
            TgwAttachmentKind::Peering {
                peer,
                peer_id,
                peer_association,
            }
        } else if let Some(kind) = &a.other {
            TgwAttachmentKind::Other { kind: kind.clone() }
        } else {
            let site = a.vpn.as_ref().expect("one kind is set");
            let cidrs = site
                .cidrs
                .iter()
                .enumerate()
                .filter_map(|(i, c)| self.cidr(c, &format!("{ptr}/vpn/cidrs/{i}")))
                .collect();
            TgwAttachmentKind::Vpn {
                site: site.site.clone(),
                cidrs,
            }
        };
        let association = match &a.route_table {
            Some(rt) => {
                let found = scope.tables.get(rt).copied();
                if found.is_none() {
                    let known: Vec<&String> = scope.tables.keys().collect();
                    self.unknown(
                        "transit gateway route table",
                        rt,
                        &format!("of transit gateway `{tgw_name}`"),
                        known,
                        &format!("{ptr}/route_table"),
                    );
                }
                found
            }
            None => None,
        };
        let meta: Meta = self.meta(&a.id, "tgw-attach", tgw_name, &a.name, &a.tags, ptr);
        self.b.add_tgw_attachment(TgwAttachment {
            meta,
            tgw,
            kind,
            state: a.state.clone().unwrap_or_else(|| "available".to_owned()),
            association,
        })
    }

    fn tgw_vpc(&mut self, v: &str, ptr: &str) -> Option<VpcIdx> {
        if let Some(x) = self.vpcs.get(v) {
            return Some(*x);
        }
        let known: Vec<String> = self.scopes.iter().map(|s| s.name.clone()).collect();
        self.unknown("VPC", v, "in this spec", known.iter().collect(), ptr);
        None
    }
}
