//! A VPC's `vpc_endpoints`: gateway endpoints add a route to the service's prefix list
//! in each route table they name; interface endpoints get one interface per subnet.

use vpcnet_model::{
    EndpointKind, EniIdx, InterfaceOwner, Route, RouteDest, RouteTarget, VpcEndpoint,
};

use super::{Fields, Lowerer, Scope};
use crate::raw::*;

impl Lowerer<'_> {
    pub(super) fn vpc_endpoints(&mut self, scope: &mut Scope, v: &VpcSpec, ptr: &str) {
        let Some(vpc) = scope.vpc else { return };
        for (ep, eptr) in self.items(&v.vpc_endpoints, &format!("{ptr}/vpc_endpoints")) {
            let service = ep.service.trim().to_ascii_lowercase();
            let default_kind = if service.ends_with(".s3") || service.ends_with(".dynamodb") {
                EndpointKind::Gateway
            } else {
                EndpointKind::Interface
            };
            let kind = match ep.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None => default_kind,
                Some("gateway") => EndpointKind::Gateway,
                Some("interface") => EndpointKind::Interface,
                Some("gatewayloadbalancer") => EndpointKind::GatewayLoadBalancer,
                Some(other) => {
                    self.error(
                        "BAD_VALUE",
                        &format!("{eptr}/type"),
                        format!("endpoint type `{other}` is not `gateway`, `interface` or `gatewayloadbalancer`"),
                    );
                    continue;
                }
            };
            let meta = self.meta(&ep.id, "vpce", &scope.name, &ep.name, &ep.tags, &eptr);
            let id = meta.id.clone();
            let mut route_tables = Vec::new();
            for (i, rt) in ep.route_tables.iter().enumerate() {
                let in_vpc = format!("in VPC `{}`", scope.name);
                if let Some(r) = Self::find(
                    self.b,
                    self.file,
                    &scope.route_tables,
                    "route table",
                    rt,
                    &in_vpc,
                    &format!("{eptr}/route_tables/{i}"),
                ) {
                    route_tables.push(r);
                }
            }
            let list_name = ep.prefix_list.clone().unwrap_or_else(|| service.clone());
            let prefix_list = self.prefix_lists.get(&list_name).copied();
            if kind == EndpointKind::Gateway && prefix_list.is_none() {
                self.warning(
                    "PREFIX_LIST_MISSING",
                    &eptr,
                    format!(
                        "gateway endpoint `{}` needs the prefix list `{list_name}` with the service's CIDRs (declare it under `prefix_lists`); without it no route leads to the service",
                        ep.name
                    ),
                );
            }
            let mut enis: Vec<EniIdx> = Vec::new();
            for (itf, iptr) in self.items(&ep.interfaces, &format!("{eptr}/interfaces")) {
                let name = itf
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", ep.name, itf.subnet));
                let f = Fields {
                    subnet: &itf.subnet,
                    private_ip: &itf.private_ip,
                    secondary_ips: &[],
                    public_ip: None,
                    security_groups: ep.security_groups.as_deref(),
                    source_dest_check: None,
                };
                let owner = InterfaceOwner::Other("vpc_endpoint".to_owned());
                self.interface(scope, &name, &itf.id, &Tags::new(), &f, owner, &iptr);
                enis.extend(scope.enis.get(&name).copied());
            }
            let added = self.b.add_vpc_endpoint(VpcEndpoint {
                meta,
                vpc,
                service_name: service.clone(),
                kind,
                state: ep.state.clone().unwrap_or_else(|| "available".to_owned()),
                route_tables: route_tables.clone(),
                prefix_list,
                enis,
                private_dns: ep.private_dns.unwrap_or(true),
            });
            if let (Some(_), Some(pl), EndpointKind::Gateway) = (added, prefix_list, kind) {
                for rt in route_tables {
                    self.b.add_route(
                        rt,
                        Route {
                            destination: RouteDest::PrefixList(pl),
                            target: RouteTarget::VpcEndpoint(id.clone()),
                            active: true,
                            origin: self.loc(&eptr),
                        },
                    );
                }
            }
        }
    }
}
