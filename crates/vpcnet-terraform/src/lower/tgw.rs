//! Transit gateways: the gateways with the default route table AWS makes for them,
//! route tables, VPC, peering and VPN attachments (with their accepters),
//! associations, propagations and static routes.
//!
//! AWS defaults that Terraform leaves implicit are added as AWS would. A gateway with
//! `default_route_table_association` or `default_route_table_propagation` enabled (the
//! provider's default) gets a default route table; a VPC attachment is associated with
//! it and propagates into it unless it sets
//! `transit_gateway_default_route_table_association`/`_propagation` to `false` (an
//! attachment accepted in another account follows its accepter's flags); a VPN
//! attachment follows its gateway's defaults; a peering attachment is associated with
//! the default table of each side and propagates nowhere (peering carries static
//! routes only). A standalone association wins over the default one, and is said
//! when AWS would refuse it for being a second one.
//!
//! A peering attachment carries traffic only once an
//! `aws_ec2_transit_gateway_peering_attachment_accepter` accepts it, even between
//! gateways of one account; a VPC attachment to a gateway of another account that does
//! not auto-accept needs an `aws_ec2_transit_gateway_vpc_attachment_accepter`. An
//! accepter's id is the id of the attachment it accepts ([`crate::refs`]), so routes
//! and associations made through either resource name one attachment.
//!
//! A VPN attachment (`aws_vpn_connection` with `transit_gateway_id`) connects a site
//! named after its customer gateway. The site's address ranges are what the input
//! says of the customer network: the `aws_vpn_connection_route` destinations, the
//! connection's `routes`, and `local_ipv4_network_cidr` (the customer side; the
//! provider's default `0.0.0.0/0` says nothing). What BGP learns at run time is in no
//! plan or state, and that is said. A connection with `static_routes_only`
//! propagates nothing: AWS reaches its site by transit gateway routes only. VPN
//! connections to a virtual private gateway stay not modelled.

use ipnet::Ipv4Net;
use serde_json::Value;
use vpcnet_model::{
    AnyIdx, Severity, SubnetIdx, TgwAttachment, TgwAttachmentIdx, TgwAttachmentKind, TgwIdx,
    TgwRoute, TgwRouteKind, TgwRouteTable, TgwRouteTableIdx, TgwRouteTarget, TransitGateway,
    VpcIdx,
};

use super::{boolean, items, text, Lower};

/// What a gateway's settings make of its attachments.
struct Gateway {
    idx: TgwIdx,
    /// The resource declaring it.
    res: usize,
    /// Its default association route table, when default association is enabled.
    assoc: Option<String>,
    /// Its default propagation route table, when default propagation is enabled.
    prop: Option<String>,
    /// Whether it accepts attachments from other accounts by itself.
    auto_accept: bool,
    account: String,
}

/// A standalone association or propagation, as read.
struct Link {
    res: usize,
    /// The attachment's id.
    att: String,
    table: TgwRouteTableIdx,
    /// Whether an attachment took it.
    used: bool,
}

/// An attachment made, and the route table it propagates into by default.
type Made = (TgwAttachmentIdx, Option<TgwRouteTableIdx>);

/// A VPN attachment whose connection uses static routes only, which propagates
/// nothing.
struct StaticVpn {
    att: TgwAttachmentIdx,
    /// The `aws_vpn_connection`.
    res: usize,
    /// Whether a propagation from it was left out.
    skipped: bool,
}

fn on_off(b: bool) -> &'static str {
    if b {
        "enable"
    } else {
        "disable"
    }
}

impl Lower<'_, '_, '_> {
    pub(super) fn transit_gateways(&mut self) {
        let gws = self.tgw_gateways();
        self.tgw_tables(&gws);
        let mut assocs = self.tgw_links("aws_ec2_transit_gateway_route_table_association");
        let props = self.tgw_links("aws_ec2_transit_gateway_route_table_propagation");
        let mut made: Vec<Made> = Vec::new();
        made.extend(self.vpc_attachments(&gws, &mut assocs));
        made.extend(self.peering_attachments(&gws, &mut assocs));
        let mut statics = Vec::new();
        made.extend(self.vpn_attachments(&gws, &mut assocs, &mut statics));
        for (att, table) in made {
            if let Some(t) = table {
                match statics.iter_mut().find(|s| s.att == att) {
                    Some(s) => s.skipped = true,
                    None => {
                        self.b.add_tgw_propagation(t, att);
                    }
                }
            }
        }
        self.unused_associations(&assocs);
        self.tgw_propagations(&props, &mut statics);
        for s in statics.iter().filter(|s| s.skipped) {
            let msg = format!(
                "VPN connection `{}` uses static routes only (`static_routes_only`): AWS propagates no routes from it, so its site is reached only by transit gateway routes written for it (`aws_ec2_transit_gateway_route`)",
                self.addr(s.res)
            );
            let p = self.vptr(s.res, "static_routes_only");
            self.say(Severity::Note, "VPN_STATIC_NOT_PROPAGATED", &p, msg);
        }
        self.tgw_routes();
        for ty in [
            "aws_ec2_transit_gateway_vpc_attachment_accepter",
            "aws_ec2_transit_gateway_peering_attachment_accepter",
        ] {
            self.orphans(
                ty,
                "transit_gateway_attachment_id",
                "transit gateway attachment",
                |x| matches!(x, AnyIdx::TgwAttachment(_)),
                "it is left out",
            );
        }
    }

    // ----- helpers -----------------------------------------------------------------

    fn tgw_ref(&mut self, i: usize, attr: &str, consequence: &str) -> Option<TgwIdx> {
        let id = self.required(i, attr, "transit gateway", consequence)?;
        let found = self.b.network().by_id_as(&id);
        if found.is_none() {
            self.unknown_ref(i, attr, "transit gateway", &id, consequence);
        }
        found
    }

    /// A value that is neither given nor linked: said when it is unknown until apply
    /// (the provider's default is assumed) or of the wrong kind.
    pub(super) fn assumed(&mut self, i: usize, attr: &str, what: &str, default: &str) {
        let p = self.vptr(i, attr);
        if self.r.unknown_at(i, &format!("/{attr}")) {
            let why = self
                .r
                .why(i, attr, "its configuration gives no value in the plan");
            let msg = format!(
                "`{attr}` of `{}` is unknown until apply and {why}; the provider's default `{default}` is assumed",
                self.addr(i)
            );
            self.say(Severity::Note, "VALUE_ASSUMED", &p, msg);
        } else if let Some(v) = self.val(i, attr).filter(|v| !v.is_null()) {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let msg = format!(
                "`{attr}` of `{}` is `{shown}`, not {what}; the provider's default `{default}` is assumed",
                self.addr(i)
            );
            self.say(Severity::Error, "BAD_VALUE", &p, msg);
        }
    }

    /// An `enable`/`disable` argument, or the provider's default.
    fn switch(&mut self, i: usize, attr: &str, default: bool) -> bool {
        match self.r.one(i, attr).as_deref() {
            Some("enable") => true,
            Some("disable") => false,
            _ => {
                self.assumed(i, attr, "`enable` or `disable`", on_off(default));
                default
            }
        }
    }

    /// A boolean argument, or the provider's default.
    pub(super) fn flag(&mut self, i: usize, attr: &str, default: bool) -> bool {
        if let Some(b) = boolean(self.val(i, attr)) {
            return b;
        }
        match self.r.one(i, attr).as_deref() {
            Some("true") => true,
            Some("false") => false,
            _ => {
                self.assumed(i, attr, "a boolean", &default.to_string());
                default
            }
        }
    }

    fn gateway(gws: &[Gateway], t: TgwIdx) -> Option<&Gateway> {
        gws.iter().find(|g| g.idx == t)
    }

    fn tgw_table(&self, id: Option<&String>) -> Option<TgwRouteTableIdx> {
        self.b.network().by_id_as(id?)
    }

    // ----- the passes -----------------------------------------------------------------

    fn tgw_gateways(&mut self) -> Vec<Gateway> {
        let mut out = Vec::new();
        for i in self.of_type(&["aws_ec2_transit_gateway"]) {
            let id = self.r.id(i);
            let assoc_on = self.switch(i, "default_route_table_association", true);
            let prop_on = self.switch(i, "default_route_table_propagation", true);
            let auto_accept = self.switch(i, "auto_accept_shared_attachments", false);
            let meta = self.meta(i, id);
            let account = self.account(i);
            let region = self.region(i);
            let Some(idx) = self.b.add_transit_gateway(TransitGateway {
                meta,
                account: account.clone(),
                region,
            }) else {
                continue;
            };
            let assoc = if assoc_on {
                self.r.one(i, "association_default_route_table_id")
            } else {
                None
            };
            let prop = if prop_on {
                self.r.one(i, "propagation_default_route_table_id")
            } else {
                None
            };
            out.push(Gateway {
                idx,
                res: i,
                assoc,
                prop,
                auto_accept,
                account,
            });
        }
        out
    }

    /// Declared route tables, then the default tables no resource declares.
    fn tgw_tables(&mut self, gws: &[Gateway]) {
        for i in self.of_type(&["aws_ec2_transit_gateway_route_table"]) {
            let Some(tgw) = self.tgw_ref(
                i,
                "transit_gateway_id",
                "the route table and its routes are left out",
            ) else {
                continue;
            };
            let meta = self.meta(i, self.r.id(i));
            self.b.add_tgw_route_table(TgwRouteTable {
                meta,
                tgw,
                routes: Vec::new(),
                propagations: Vec::new(),
            });
        }
        for g in gws {
            let mut ids: Vec<&String> = g.assoc.iter().chain(g.prop.iter()).collect();
            ids.dedup();
            for id in ids {
                if self.b.network().by_id(id).is_some() {
                    continue;
                }
                let origin = self.loc(&self.ptr(g.res));
                self.b.add_tgw_route_table(TgwRouteTable {
                    meta: vpcnet_model::Meta {
                        id: id.clone(),
                        name: None,
                        tags: Vec::new(),
                        origin,
                    },
                    tgw: g.idx,
                    routes: Vec::new(),
                    propagations: Vec::new(),
                });
            }
        }
    }

    /// Standalone associations or propagations whose route table is in the network.
    fn tgw_links(&mut self, ty: &str) -> Vec<Link> {
        let skip = if ty.ends_with("association") {
            "the association is left out"
        } else {
            "the propagation is left out"
        };
        let mut out = Vec::new();
        for i in self.of_type(&[ty]) {
            let Some(att) = self.required(
                i,
                "transit_gateway_attachment_id",
                "transit gateway attachment",
                skip,
            ) else {
                continue;
            };
            let Some(table_id) = self.required(
                i,
                "transit_gateway_route_table_id",
                "transit gateway route table",
                skip,
            ) else {
                continue;
            };
            let Some(table) = self.b.network().by_id_as(&table_id) else {
                self.unknown_ref(
                    i,
                    "transit_gateway_route_table_id",
                    "transit gateway route table",
                    &table_id,
                    skip,
                );
                continue;
            };
            out.push(Link {
                res: i,
                att,
                table,
                used: false,
            });
        }
        out
    }

    /// The route table attachment `att` is associated with on gateway `tgw`: the one
    /// a standalone association names, else `default`.
    fn tgw_association(
        &mut self,
        att: &str,
        tgw: TgwIdx,
        default: Option<TgwRouteTableIdx>,
        links: &mut [Link],
    ) -> Option<TgwRouteTableIdx> {
        let mut chosen: Option<(TgwRouteTableIdx, usize)> = None;
        for l in links.iter_mut() {
            if l.att != att || self.b.network().tgw_route_table(l.table).tgw != tgw {
                continue;
            }
            l.used = true;
            let (res, table) = (l.res, l.table);
            match chosen {
                None => chosen = Some((table, res)),
                Some((first, first_res)) if first != table => {
                    let msg = format!(
                        "`{}` associates attachment `{att}` with a second route table of its transit gateway (`{}` already does); an attachment has one association on each gateway; it is left out",
                        self.addr(res),
                        self.addr(first_res)
                    );
                    let p = self.vptr(res, "transit_gateway_route_table_id");
                    self.say(Severity::Error, "TGW_ASSOCIATION_TWICE", &p, msg);
                }
                Some(_) => {}
            }
        }
        match (chosen, default) {
            (Some((table, res)), Some(d)) => {
                if d != table
                    && boolean(self.val(res, "replace_existing_association")) != Some(true)
                {
                    let net = self.b.network();
                    let (t, dt) = (
                        net.tgw_route_table(table).meta.id.clone(),
                        net.tgw_route_table(d).meta.id.clone(),
                    );
                    let msg = format!(
                        "`{}` associates attachment `{att}` with `{t}`, but the attachment is associated with its gateway's default route table `{dt}` when it is made (default association is on for it); AWS refuses a second association (`Resource.AlreadyAssociated`) unless `replace_existing_association` is set; the association with `{t}` is taken",
                        self.addr(res)
                    );
                    let p = self.ptr(res);
                    self.say(Severity::Warning, "TGW_ALREADY_ASSOCIATED", &p, msg);
                }
                Some(table)
            }
            (Some((table, _)), None) => Some(table),
            (None, d) => d,
        }
    }

    /// The subnets of a VPC attachment: `None` (said) when one is in another VPC,
    /// which AWS refuses.
    fn tgw_subnets(&mut self, i: usize, vpc: VpcIdx) -> Option<Vec<SubnetIdx>> {
        let ids = self.r.attr(i, "subnet_ids");
        let at = self.vptr(i, "subnet_ids");
        if ids.is_empty() {
            let consequence = "the attachment is kept without subnets, so no subnet reaches the transit gateway through it";
            if self.r.unknown_at(i, "/subnet_ids") {
                self.unresolved(i, "subnet_ids", "subnet", consequence);
            } else {
                let msg = format!("`{}` names no subnet; {consequence}", self.addr(i));
                self.say(Severity::Error, "BAD_VALUE", &at, msg);
            }
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        for (k, s) in ids.iter().enumerate() {
            let p = match self.val(i, "subnet_ids").and_then(|l| l.get(k)) {
                Some(Value::String(x)) if x == s => format!("{at}/{k}"),
                _ => at.clone(),
            };
            match self.b.network().by_id_as::<SubnetIdx>(s) {
                None => self.unknown_ref(
                    i,
                    "subnet_ids",
                    "subnet",
                    s,
                    "it is left out of the attachment",
                ),
                Some(x) if self.b.network().vpc_of_subnet(x) != vpc => {
                    let net = self.b.network();
                    let msg = format!(
                        "subnet `{s}` of `{}` is in VPC `{}`, not in the attachment's VPC `{}`; AWS refuses the attachment; it is left out",
                        self.addr(i),
                        net.vpc(net.vpc_of_subnet(x)).meta.id,
                        net.vpc(vpc).meta.id
                    );
                    self.say(Severity::Error, "ASSOCIATION_OTHER_VPC", &p, msg);
                    return None;
                }
                Some(x) => {
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
            }
        }
        Some(out)
    }

    fn vpc_attachments(&mut self, gws: &[Gateway], links: &mut [Link]) -> Vec<Made> {
        let accepters: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_ec2_transit_gateway_vpc_attachment_accepter"])
            .into_iter()
            .map(|a| (a, self.r.one(a, "transit_gateway_attachment_id")))
            .collect();
        let mut made = Vec::new();
        for i in self.of_type(&["aws_ec2_transit_gateway_vpc_attachment"]) {
            let skip = "the attachment is left out";
            let Some(tgw) = self.tgw_ref(i, "transit_gateway_id", skip) else {
                continue;
            };
            let Some(vpc) = self.vpc_ref(i, "vpc_id", skip) else {
                continue;
            };
            let Some(subnets) = self.tgw_subnets(i, vpc) else {
                continue;
            };
            let appliance_mode = self.switch(i, "appliance_mode_support", false);
            let id = self.r.id(i);
            let acc = accepters
                .iter()
                .find(|(_, a)| a.as_deref() == Some(id.as_str()))
                .map(|(a, _)| *a);
            // Across accounts the accepter's flags are the ones AWS applies.
            let flags = acc.unwrap_or(i);
            let assoc_on = self.flag(
                flags,
                "transit_gateway_default_route_table_association",
                true,
            );
            let prop_on = self.flag(
                flags,
                "transit_gateway_default_route_table_propagation",
                true,
            );
            let g = Self::gateway(gws, tgw);
            let vpc_account = self.b.network().vpc(vpc).account.clone();
            let pending =
                acc.is_none() && g.is_some_and(|g| !g.auto_accept && g.account != vpc_account);
            let state = if pending {
                let msg = format!(
                    "`{}` attaches VPC `{}` of account {vpc_account} to a transit gateway of account {} that does not accept attachments by itself (`auto_accept_shared_attachments`), and no `aws_ec2_transit_gateway_vpc_attachment_accepter` accepts it; it stays `pendingAcceptance` and carries no traffic",
                    self.addr(i),
                    self.b.network().vpc(vpc).meta.id,
                    g.map(|g| g.account.clone()).unwrap_or_default()
                );
                let p = self.ptr(i);
                self.say(Severity::Note, "TGW_ATTACHMENT_PENDING", &p, msg);
                "pendingAcceptance"
            } else {
                "available"
            };
            let default_assoc = if assoc_on {
                self.tgw_table(g.and_then(|g| g.assoc.as_ref()))
            } else {
                None
            };
            let default_prop = if prop_on {
                self.tgw_table(g.and_then(|g| g.prop.as_ref()))
            } else {
                None
            };
            let association = self.tgw_association(&id, tgw, default_assoc, links);
            let meta = self.meta(i, id);
            if let Some(a) = self.b.add_tgw_attachment(TgwAttachment {
                meta,
                tgw,
                kind: TgwAttachmentKind::Vpc {
                    vpc,
                    subnets,
                    appliance_mode,
                },
                state: state.to_owned(),
                association,
            }) {
                made.push((a, default_prop));
            }
        }
        made
    }

    fn peering_attachments(&mut self, gws: &[Gateway], links: &mut [Link]) -> Vec<Made> {
        let accepters: Vec<(usize, Option<String>)> = self
            .of_type(&["aws_ec2_transit_gateway_peering_attachment_accepter"])
            .into_iter()
            .map(|a| (a, self.r.one(a, "transit_gateway_attachment_id")))
            .collect();
        let mut made = Vec::new();
        for i in self.of_type(&["aws_ec2_transit_gateway_peering_attachment"]) {
            let skip = "the peering attachment is left out";
            let Some(tgw) = self.tgw_ref(i, "transit_gateway_id", skip) else {
                continue;
            };
            let Some(peer_id) =
                self.required(i, "peer_transit_gateway_id", "transit gateway", skip)
            else {
                continue;
            };
            let peer: Option<TgwIdx> = self.b.network().by_id_as(&peer_id);
            let pp = self.vptr(i, "peer_transit_gateway_id");
            if peer == Some(tgw) {
                let msg = format!(
                    "`{}` peers transit gateway `{peer_id}` with itself; {skip}",
                    self.addr(i)
                );
                self.say(Severity::Error, "BAD_VALUE", &pp, msg);
                continue;
            }
            if peer.is_none() {
                let region = self
                    .r
                    .one(i, "peer_region")
                    .map(|r| format!(", region {r}"))
                    .unwrap_or_default();
                let msg = format!(
                    "peer transit gateway `{peer_id}`{region} of `{}` is not in the input; paths over the peering stop there",
                    self.addr(i)
                );
                self.say(Severity::Note, "TGW_NOT_IN_INPUT", &pp, msg);
            }
            let id = self.r.id(i);
            let accepted = accepters
                .iter()
                .any(|(_, a)| a.as_deref() == Some(id.as_str()));
            let state = match text(self.val(i, "state")) {
                _ if accepted => "available".to_owned(),
                Some(s) => s,
                None => {
                    let msg = format!(
                        "peering attachment `{}` is not accepted in the input (no `aws_ec2_transit_gateway_peering_attachment_accepter`; AWS asks for one even between gateways of one account); it stays `pendingAcceptance` and carries no traffic",
                        self.addr(i)
                    );
                    let p = self.ptr(i);
                    self.say(Severity::Note, "TGW_PEERING_PENDING", &p, msg);
                    "pendingAcceptance".to_owned()
                }
            };
            let own_default =
                self.tgw_table(Self::gateway(gws, tgw).and_then(|g| g.assoc.as_ref()));
            let association = self.tgw_association(&id, tgw, own_default, links);
            let peer_association = match peer {
                Some(p) => {
                    let d = self.tgw_table(Self::gateway(gws, p).and_then(|g| g.assoc.as_ref()));
                    self.tgw_association(&id, p, d, links)
                }
                None => None,
            };
            let meta = self.meta(i, id);
            if let Some(a) = self.b.add_tgw_attachment(TgwAttachment {
                meta,
                tgw,
                kind: TgwAttachmentKind::Peering {
                    peer,
                    peer_id,
                    peer_association,
                },
                state,
                association,
            }) {
                made.push((a, None));
            }
        }
        made
    }

    fn vpn_attachments(
        &mut self,
        gws: &[Gateway],
        links: &mut [Link],
        statics: &mut Vec<StaticVpn>,
    ) -> Vec<Made> {
        let mut made = Vec::new();
        for i in self.of_type(&["aws_vpn_connection"]) {
            // A connection to a virtual private gateway is not modelled.
            let to_tgw = self.r.one(i, "transit_gateway_id").is_some()
                || (self.r.unknown_at(i, "/transit_gateway_id")
                    && self.r.configured(i, "transit_gateway_id"));
            if !to_tgw || self.r.one(i, "vpn_gateway_id").is_some() {
                continue;
            }
            self.mark(i);
            let skip = "the VPN attachment is left out";
            let Some(tgw) = self.tgw_ref(i, "transit_gateway_id", skip) else {
                continue;
            };
            let id = self
                .r
                .one(i, "transit_gateway_attachment_id")
                .unwrap_or_else(|| format!("tgw-attach-tf-{}", self.addr(i)));
            let site = self.vpn_site(i);
            let cidrs = self.vpn_cidrs(i, &site);
            let static_only = self.flag(i, "static_routes_only", false);
            let g = Self::gateway(gws, tgw);
            let default_assoc = self.tgw_table(g.and_then(|g| g.assoc.as_ref()));
            let default_prop = self.tgw_table(g.and_then(|g| g.prop.as_ref()));
            let association = self.tgw_association(&id, tgw, default_assoc, links);
            let meta = self.meta(i, id);
            if let Some(a) = self.b.add_tgw_attachment(TgwAttachment {
                meta,
                tgw,
                kind: TgwAttachmentKind::Vpn { site, cidrs },
                state: "available".to_owned(),
                association,
            }) {
                made.push((a, default_prop));
                if static_only {
                    statics.push(StaticVpn {
                        att: a,
                        res: i,
                        skipped: false,
                    });
                }
            }
        }
        made
    }

    /// The site's name: its customer gateway's `Name` tag, device name or address.
    fn vpn_site(&mut self, i: usize) -> String {
        let Some(cgw) = self.r.one(i, "customer_gateway_id") else {
            if self.r.unknown_at(i, "/customer_gateway_id") {
                self.unresolved(
                    i,
                    "customer_gateway_id",
                    "customer gateway",
                    "the site is named after the connection",
                );
            }
            return self
                .meta(i, String::new())
                .name
                .unwrap_or_else(|| self.addr(i));
        };
        for k in self.of_type(&["aws_customer_gateway"]) {
            if self.r.id(k) != cgw {
                continue;
            }
            self.mark(k);
            let name = self
                .meta(k, String::new())
                .name
                .or_else(|| text(self.val(k, "device_name")))
                .or_else(|| self.r.one(k, "ip_address"));
            return name.unwrap_or(cgw);
        }
        cgw
    }

    /// The site's address ranges, as the input describes the customer network.
    fn vpn_cidrs(&mut self, i: usize, site: &str) -> Vec<Ipv4Net> {
        let id = self.r.id(i);
        let mut cidrs: Vec<Ipv4Net> = Vec::new();
        for k in self.of_type(&["aws_vpn_connection_route"]) {
            if self.r.one(k, "vpn_connection_id").as_deref() != Some(id.as_str()) {
                continue;
            }
            self.mark(k);
            let p = self.vptr(k, "destination_cidr_block");
            let Some(c) = self.required(
                k,
                "destination_cidr_block",
                "CIDR",
                "the range is left out of the site",
            ) else {
                continue;
            };
            if c.contains(':') {
                let msg = format!(
                    "the IPv6 range `{c}` of `{}` is left out of site `{site}`: vpcnet traces IPv4",
                    self.addr(k)
                );
                self.say(Severity::Note, "IPV6_NOT_MODELLED", &p, msg);
                continue;
            }
            if let Some(n) = self.cidr4(k, &c, &p) {
                cidrs.push(n);
                let msg = format!(
                    "`{}` adds a static route to VPN connection `{}`, which is attached to a transit gateway; AWS documents VPN connection routes for connections to a virtual private gateway, and a transit gateway routes to a site by its own route tables; `{n}` is taken as a range of site `{site}`",
                    self.addr(k),
                    self.addr(i)
                );
                let p = self.ptr(k);
                self.say(Severity::Note, "VPN_ROUTE_ON_TGW", &p, msg);
            }
        }
        let routes = items(self.val(i, "routes")).to_vec();
        for (j, item) in routes.iter().enumerate() {
            if let Some(c) = text(item.get("destination_cidr_block")).filter(|c| !c.contains(':')) {
                let p = format!("{}/{j}/destination_cidr_block", self.vptr(i, "routes"));
                cidrs.extend(self.cidr4(i, &c, &p));
            }
        }
        if let Some(c) = self
            .r
            .one(i, "local_ipv4_network_cidr")
            .filter(|c| c != "0.0.0.0/0")
        {
            let p = self.vptr(i, "local_ipv4_network_cidr");
            cidrs.extend(self.cidr4(i, &c, &p));
        }
        cidrs.sort();
        cidrs.dedup();
        if cidrs.is_empty() {
            let msg = format!(
                "the address ranges of site `{site}` behind `{}` are not in the input (no `aws_vpn_connection_route`, no `routes`, and `local_ipv4_network_cidr` unset or `0.0.0.0/0`; what BGP learns is known only at run time): no route propagates from it, and it cannot be a trace's source",
                self.addr(i)
            );
            let p = self.ptr(i);
            self.say(Severity::Note, "VPN_SITE_RANGES_UNKNOWN", &p, msg);
        }
        if let Some(c) = self
            .r
            .one(i, "remote_ipv4_network_cidr")
            .filter(|c| c != "0.0.0.0/0")
        {
            let msg = format!(
                "the tunnels of `{}` carry only traffic for `{c}` on the AWS side (`remote_ipv4_network_cidr`); vpcnet does not check that range",
                self.addr(i)
            );
            let p = self.vptr(i, "remote_ipv4_network_cidr");
            self.say(Severity::Note, "VPN_SELECTORS_NOT_MODELLED", &p, msg);
        }
        cidrs
    }

    /// Standalone associations no attachment took.
    fn unused_associations(&mut self, links: &[Link]) {
        for l in links.iter().filter(|l| !l.used) {
            if self
                .b
                .network()
                .by_id_as::<TgwAttachmentIdx>(&l.att)
                .is_some()
            {
                let net = self.b.network();
                let msg = format!(
                    "`{}` associates attachment `{}` with route table `{}` of a transit gateway the attachment is not on; it is left out",
                    self.addr(l.res),
                    l.att,
                    net.tgw_route_table(l.table).meta.id
                );
                let p = self.vptr(l.res, "transit_gateway_route_table_id");
                self.say(Severity::Error, "ASSOCIATION_OTHER_TGW", &p, msg);
            } else {
                self.unknown_ref(
                    l.res,
                    "transit_gateway_attachment_id",
                    "transit gateway attachment",
                    &l.att,
                    "the association is left out",
                );
            }
        }
    }

    fn tgw_propagations(&mut self, links: &[Link], statics: &mut [StaticVpn]) {
        for l in links {
            let Some(att) = self.b.network().by_id_as::<TgwAttachmentIdx>(&l.att) else {
                self.unknown_ref(
                    l.res,
                    "transit_gateway_attachment_id",
                    "transit gateway attachment",
                    &l.att,
                    "the propagation is left out",
                );
                continue;
            };
            let net = self.b.network();
            let (a, table) = (net.tgw_attachment(att), net.tgw_route_table(l.table));
            let table_id = table.meta.id.clone();
            if !a.is_on(table.tgw) {
                let msg = format!(
                    "`{}` propagates attachment `{}` into route table `{table_id}` of a transit gateway the attachment is not on; it is left out",
                    self.addr(l.res),
                    l.att
                );
                let p = self.vptr(l.res, "transit_gateway_route_table_id");
                self.say(Severity::Error, "TGW_ROUTE_OTHER_TGW", &p, msg);
                continue;
            }
            if matches!(a.kind, TgwAttachmentKind::Peering { .. }) {
                let msg = format!(
                    "`{}` propagates peering attachment `{}` into `{table_id}`: transit gateway peering supports static routes only; it is left out",
                    self.addr(l.res),
                    l.att
                );
                let p = self.vptr(l.res, "transit_gateway_attachment_id");
                self.say(Severity::Error, "TGW_PEERING_PROPAGATION", &p, msg);
                continue;
            }
            if let Some(s) = statics.iter_mut().find(|s| s.att == att) {
                s.skipped = true;
                continue;
            }
            self.b.add_tgw_propagation(l.table, att);
        }
    }

    fn tgw_routes(&mut self) {
        for i in self.of_type(&["aws_ec2_transit_gateway_route"]) {
            let skip = "the route is left out";
            let Some(table_id) = self.required(
                i,
                "transit_gateway_route_table_id",
                "transit gateway route table",
                skip,
            ) else {
                continue;
            };
            let Some(table) = self.b.network().by_id_as::<TgwRouteTableIdx>(&table_id) else {
                self.unknown_ref(
                    i,
                    "transit_gateway_route_table_id",
                    "transit gateway route table",
                    &table_id,
                    skip,
                );
                continue;
            };
            let Some(dest) = self.required(i, "destination_cidr_block", "destination", skip) else {
                continue;
            };
            let dp = self.vptr(i, "destination_cidr_block");
            if dest.contains(':') {
                let msg = format!(
                    "the IPv6 route `{dest}` of `{}` is left out: vpcnet traces IPv4",
                    self.addr(i)
                );
                self.say(Severity::Note, "IPV6_NOT_MODELLED", &dp, msg);
                continue;
            }
            let Some(destination) = self.cidr4(i, &dest, &dp) else {
                continue;
            };
            let blackhole = match boolean(self.val(i, "blackhole")) {
                Some(b) => b,
                None => self.r.one(i, "blackhole").as_deref() == Some("true"),
            };
            let target = if blackhole {
                TgwRouteTarget::Blackhole
            } else {
                let consequence =
                    "a route that is not a blackhole needs an attachment; the route is left out";
                let Some(att) = self.required(
                    i,
                    "transit_gateway_attachment_id",
                    "transit gateway attachment",
                    consequence,
                ) else {
                    continue;
                };
                let Some(a) = self.b.network().by_id_as::<TgwAttachmentIdx>(&att) else {
                    self.unknown_ref(
                        i,
                        "transit_gateway_attachment_id",
                        "transit gateway attachment",
                        &att,
                        skip,
                    );
                    continue;
                };
                TgwRouteTarget::Attachment(a)
            };
            let origin = self.loc(&self.ptr(i));
            self.b.add_tgw_route(
                table,
                TgwRoute {
                    destination,
                    target,
                    kind: TgwRouteKind::Static,
                    origin,
                },
            );
        }
    }
}
