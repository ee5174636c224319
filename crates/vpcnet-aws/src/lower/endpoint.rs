//! VPC endpoints. A gateway endpoint's routes are already in its route tables (AWS
//! lists them, `DestinationPrefixListId` to the endpoint's id); its prefix list is the
//! one those routes name, else the one named after its service. An interface
//! endpoint's interfaces are ordinary interfaces of `NetworkInterfaces` (type
//! `vpc_endpoint`), linked here by the ids the endpoint lists.

use vpcnet_model::{
    EndpointKind, EniIdx, PrefixListIdx, RouteDest, RouteTableIdx, RouteTarget, Severity,
};

use super::{Items, Lowerer};
use crate::raw;

impl Lowerer<'_, '_> {
    pub(crate) fn vpc_endpoints(&mut self, endpoints: &Items<'_, raw::VpcEndpoint<'_>>) {
        self.expect_ids(endpoints.len());
        for &e in endpoints {
            let ptr = format!("/VpcEndpoints/{}", e.index);
            let v = &e.v;
            let id = &*v.vpc_endpoint_id;
            let state = v.state.as_deref().unwrap_or("available");
            if matches!(state.to_ascii_lowercase().as_str(), "deleted" | "deleting")
                || !self.first(id, e.file, &ptr)
            {
                continue;
            }
            let Some(vpc) = self.vpc(&v.vpc_id) else {
                let at = format!("{ptr}/VpcId");
                self.unknown_ref(e.file, &at, "VPC", &v.vpc_id, "the endpoint is skipped");
                continue;
            };
            let Some(service) = v.service_name.as_deref() else {
                let msg = format!("VPC endpoint `{id}` has no `ServiceName`; skipped");
                self.error("BAD_VALUE", e.file, &ptr, msg);
                continue;
            };
            let service = service.trim().to_ascii_lowercase();
            let kind = match v
                .vpc_endpoint_type
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("gateway") => EndpointKind::Gateway,
                Some("interface") => EndpointKind::Interface,
                Some("gatewayloadbalancer") => EndpointKind::GatewayLoadBalancer,
                None if !v.route_table_ids.is_empty() => EndpointKind::Gateway,
                None => EndpointKind::Interface,
                Some(other) => {
                    let msg = format!("endpoint type `{other}` is not `Gateway`, `Interface` or `GatewayLoadBalancer`; skipped");
                    let at = format!("{ptr}/VpcEndpointType");
                    self.error("BAD_VALUE", e.file, &at, msg);
                    continue;
                }
            };
            let mut route_tables: Vec<RouteTableIdx> = Vec::new();
            for (j, rt) in v.route_table_ids.iter().enumerate() {
                let at = format!("{ptr}/RouteTableIds/{j}");
                match self.b.network().by_id_as::<RouteTableIdx>(rt) {
                    Some(r) if self.b.network().route_table(r).vpc == vpc => route_tables.push(r),
                    Some(_) => {
                        let msg = format!(
                            "route table `{}` of endpoint `{id}` is in another VPC; left out",
                            &**rt
                        );
                        self.error("ASSOCIATION_OTHER_VPC", e.file, &at, msg);
                    }
                    None => {
                        let then = "the endpoint goes without it";
                        self.unknown_ref(e.file, &at, "route table", rt, then);
                    }
                }
            }
            let prefix_list = match kind {
                EndpointKind::Gateway => self.endpoint_prefix_list(id, &service, &route_tables),
                _ => None,
            };
            if kind == EndpointKind::Gateway && prefix_list.is_none() && !route_tables.is_empty() {
                let msg = format!(
                    "gateway endpoint `{id}` routes to `{service}`, but no prefix list of that service is in the snapshot (`aws ec2 describe-prefix-lists`); traces to the service cannot pick its addresses"
                );
                self.say(Severity::Warning, "PREFIX_LIST_MISSING", e.file, &ptr, msg);
            }
            let mut enis: Vec<EniIdx> = Vec::new();
            for (j, n) in v.network_interface_ids.iter().enumerate() {
                let at = format!("{ptr}/NetworkInterfaceIds/{j}");
                let net = self.b.network();
                match self.eni(n) {
                    Some(x) if net.subnet(net.interface(x).subnet).vpc != vpc => {
                        let msg = format!(
                            "interface `{}` of endpoint `{id}` is in another VPC; left out",
                            &**n
                        );
                        self.error("ASSOCIATION_OTHER_VPC", e.file, &at, msg);
                    }
                    Some(x) if net.endpoint_of_eni(x).is_some() || net.nat_of_eni(x).is_some() => {
                        let msg = format!("interface `{}` of endpoint `{id}` already belongs to another resource; left out", &**n);
                        self.error("INTERFACE_IN_USE", e.file, &at, msg);
                    }
                    Some(x) => enis.push(x),
                    None => {
                        let then = "the endpoint goes without it";
                        self.unknown_ref(e.file, &at, "network interface", n, then);
                    }
                }
            }
            if kind == EndpointKind::Interface && enis.is_empty() && state == "available" {
                let msg = format!("interface endpoint `{id}` has no interface in the snapshot; nothing reaches it");
                self.say(
                    Severity::Warning,
                    "ENDPOINT_INTERFACES_MISSING",
                    e.file,
                    &ptr,
                    msg,
                );
            }
            let meta = self.meta(id, &v.tags, e.file, &ptr);
            self.b.add_vpc_endpoint(vpcnet_model::VpcEndpoint {
                meta,
                vpc,
                service_name: service,
                kind,
                state: state.to_owned(),
                route_tables,
                prefix_list,
                enis,
                private_dns: v.private_dns_enabled.unwrap_or(false),
            });
        }
    }

    /// The prefix list a gateway endpoint's routes name, else the one named after its
    /// service.
    fn endpoint_prefix_list(
        &self,
        id: &str,
        service: &str,
        route_tables: &[RouteTableIdx],
    ) -> Option<PrefixListIdx> {
        let net = self.b.network();
        let routed = route_tables.iter().find_map(|rt| {
            net.route_table(*rt)
                .routes
                .iter()
                .find_map(|r| match (&r.destination, &r.target) {
                    (RouteDest::PrefixList(pl), RouteTarget::VpcEndpoint(t)) if t == id => {
                        Some(*pl)
                    }
                    _ => None,
                })
        });
        routed.or_else(|| {
            let named = net
                .prefix_lists()
                .iter()
                .find(|pl| pl.list_name.eq_ignore_ascii_case(service))?;
            net.by_id_as(&named.meta.id)
        })
    }
}
