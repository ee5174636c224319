//! Whole subnets a route table drops at once: the first route lookup depends on the
//! destination alone, so when one route decides every address of a subnet and that
//! route drops them, no packet from the table's subnets to that subnet needs tracing.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::rc::Rc;

use vpcnet_model::{
    tailnet_range, Network, PeeringStatus, RouteTableIdx, RouteTarget, SubnetIdx, VpcIdx,
};

use super::bounds::NOT_INTERNET;
use super::space::Span;
use crate::eval;

/// What the first route lookup does to every address of a subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Some packet may get further (or more than one route decides).
    Lives,
    /// Every packet dies.
    Dies,
    /// The local route takes the subnet in another VPC: a packet for one of its
    /// interfaces dies (a packet for any address of the right VPC does not).
    DiesForInterface,
}

impl Fate {
    /// Whether every packet dies; `interface`: whether the packet is for an
    /// interface of the subnet (not a load balancer or endpoint address).
    pub(crate) fn drops(self, interface: bool) -> bool {
        match self {
            Fate::Lives => false,
            Fate::Dies => true,
            Fate::DiesForInterface => interface,
        }
    }
}

/// Per route table, the fate of every subnet, computed when first asked.
pub(crate) struct FirstHops {
    /// Subnets by first address: (span, prefix length, subnet).
    order: Rc<[(Span, u8, SubnetIdx)]>,
    /// Private ranges the internet gateway never delivers to (the mesh's range left
    /// out: the tracer treats it apart).
    private: Vec<Span>,
    tables: HashMap<RouteTableIdx, Rc<Vec<Fate>>>,
    /// Fates asked one by one, before a table is worth computing whole.
    single: HashMap<(RouteTableIdx, SubnetIdx), Fate>,
    /// Per table: how many fates were asked one by one.
    asked: HashMap<RouteTableIdx, usize>,
}

/// How many single fates of one table before the whole table is computed.
const WHOLE_AFTER: usize = 64;

impl FirstHops {
    pub(crate) fn new(net: &Network) -> FirstHops {
        let mut order: Vec<(Span, u8, SubnetIdx)> = net
            .subnet_ids()
            .map(|s| {
                let c = net.subnet(s).cidr;
                (Span::of_net(c), c.prefix_len(), s)
            })
            .collect();
        order.sort_unstable_by_key(|(s, _, _)| (s.lo, s.hi));
        let mesh = Span::of_net(tailnet_range());
        let private = NOT_INTERNET
            .iter()
            .map(|n| Span::of_net(n.parse().expect("a valid prefix")))
            .filter(|s| !(s.lo <= mesh.hi && mesh.lo <= s.hi))
            .collect();
        FirstHops {
            order: order.into(),
            private,
            tables: HashMap::new(),
            single: HashMap::new(),
            asked: HashMap::new(),
        }
    }

    /// Whether every packet from `from` to `to`'s addresses dies at its first route
    /// lookup; `interface`: whether the packet is for an interface of `to` (not a
    /// load balancer or endpoint address, which the local route of another VPC may
    /// hold).
    pub(crate) fn dies(
        &mut self,
        net: &Network,
        from: SubnetIdx,
        to: SubnetIdx,
        interface: bool,
    ) -> bool {
        let Some(rt) = net.effective_route_table(from) else {
            return true;
        };
        self.fate(net, rt, to, 2).drops(interface)
    }

    /// The fate of `to` in table `rt`: from the whole table once it is computed or
    /// asked often, else on its own.
    fn fate(&mut self, net: &Network, rt: RouteTableIdx, to: SubnetIdx, depth: u8) -> Fate {
        if let Some(f) = self.tables.get(&rt) {
            return f[to.index()];
        }
        let asked = self.asked.entry(rt).or_default();
        *asked += 1;
        if *asked > WHOLE_AFTER {
            return self.fates(net, rt, depth)[to.index()];
        }
        if let Some(f) = self.single.get(&(rt, to)) {
            return *f;
        }
        let f = self.compute_one(net, rt, to, depth);
        self.single.insert((rt, to), f);
        f
    }

    fn compute_one(&mut self, net: &Network, rt: RouteTableIdx, to: SubnetIdx, depth: u8) -> Fate {
        let table = net.route_table(rt);
        let cidr = net.subnet(to).cidr;
        let span = Span::of_net(cidr);
        // A route that decides only part of the subnet.
        let mixed = table.routes.iter().any(|r| {
            net.route_cidrs(r).any(|(c, _)| {
                c.prefix_len() > cidr.prefix_len() && span.contains(u32::from(c.network()))
            })
        });
        if mixed {
            return Fate::Lives;
        }
        match eval::lookup(net, table, cidr.network()) {
            None => Fate::Dies,
            Some((route, _)) => self.target_fate(net, &route.target, table.vpc, span, to, depth),
        }
    }

    /// The fate of every subnet from `from`'s route table (`None`: `from` has no
    /// route table, and every packet dies).
    pub(crate) fn table_of(&mut self, net: &Network, from: SubnetIdx) -> Option<Rc<Vec<Fate>>> {
        let rt = net.effective_route_table(from)?;
        Some(self.fates(net, rt, 2))
    }

    fn fates(&mut self, net: &Network, rt: RouteTableIdx, depth: u8) -> Rc<Vec<Fate>> {
        if let Some(f) = self.tables.get(&rt) {
            return f.clone();
        }
        let f = Rc::new(self.compute(net, rt, depth));
        self.tables.insert(rt, f.clone());
        f
    }

    fn compute(&mut self, net: &Network, rt: RouteTableIdx, depth: u8) -> Vec<Fate> {
        let table = net.route_table(rt);
        // Every CIDR of every route, painted from the least to the most preferred:
        // longer prefixes last, and at equal length a CIDR route after a prefix-list
        // route and the first in table order last (as the lookup prefers).
        let mut entries: Vec<(u8, bool, std::cmp::Reverse<usize>, Span, usize)> = Vec::new();
        for (i, r) in table.routes.iter().enumerate() {
            for (c, from_list) in net.route_cidrs(r) {
                entries.push((
                    c.prefix_len(),
                    !from_list,
                    std::cmp::Reverse(entries.len()),
                    Span::of_net(c),
                    i,
                ));
            }
        }
        entries.sort_unstable();
        const NONE: usize = usize::MAX;
        let n = self.order.len();
        let mut winner = vec![NONE; n];
        let mut mixed = vec![false; n];
        for (len, _, _, span, route) in &entries {
            let from = self.order.partition_point(|(s, _, _)| s.lo < span.lo);
            for (k, (s, slen, _)) in self.order[from..].iter().enumerate() {
                if s.lo > span.hi {
                    break;
                }
                if slen >= len {
                    winner[from + k] = *route;
                }
            }
        }
        // Subnets some route decides only part of: a route starting inside them with a
        // longer prefix.
        let mut starts: Vec<(u32, u8)> = entries.iter().map(|e| (e.3.lo, e.0)).collect();
        starts.sort_unstable();
        for (k, (s, slen, _)) in self.order.iter().enumerate() {
            let from = starts.partition_point(|(lo, _)| *lo < s.lo);
            if starts[from..]
                .iter()
                .take_while(|(lo, _)| *lo <= s.hi)
                .any(|(_, len)| len > slen)
            {
                mixed[k] = true;
            }
        }
        let vpc = table.vpc;
        let mut out = vec![Fate::Lives; net.subnets().len()];
        let order = self.order.clone();
        for (k, (span, _, subnet)) in order.iter().enumerate() {
            out[subnet.index()] = if mixed[k] {
                Fate::Lives
            } else if winner[k] == NONE {
                Fate::Dies
            } else {
                self.target_fate(
                    net,
                    &table.routes[winner[k]].target,
                    vpc,
                    *span,
                    *subnet,
                    depth,
                )
            };
        }
        out
    }

    fn target_fate(
        &mut self,
        net: &Network,
        target: &RouteTarget,
        vpc: VpcIdx,
        span: Span,
        subnet: SubnetIdx,
        depth: u8,
    ) -> Fate {
        match first_route(net, &self.private, target, vpc, span, Some(subnet)) {
            Next::Fate(f) => f,
            Next::From(nat_subnet) if depth > 0 => match net.effective_route_table(nat_subnet) {
                None => Fate::Dies,
                Some(next) => self.fate(net, next, subnet, depth - 1),
            },
            Next::From(_) => Fate::Lives,
        }
    }

    /// The fate of one destination address from `from`'s route table (following a NAT
    /// gateway's own subnet up to `depth` times); `to`: the subnet of the interface
    /// meant, when an interface is.
    pub(crate) fn address_fate(
        &self,
        net: &Network,
        from: SubnetIdx,
        dst: Ipv4Addr,
        to: Option<SubnetIdx>,
        depth: u8,
    ) -> Fate {
        let Some(rt) = net.effective_route_table(from) else {
            return Fate::Dies;
        };
        let Some((route, _)) = eval::lookup(net, net.route_table(rt), dst) else {
            return Fate::Dies;
        };
        let vpc = net.vpc_of_subnet(from);
        match first_route(
            net,
            &self.private,
            &route.target,
            vpc,
            Span::one(u32::from(dst)),
            to,
        ) {
            Next::Fate(f) => f,
            Next::From(nat_subnet) if depth > 0 => {
                self.address_fate(net, nat_subnet, dst, to, depth - 1)
            }
            Next::From(_) => Fate::Lives,
        }
    }
}

/// What the first route does next.
enum Next {
    Fate(Fate),
    /// A NAT gateway: the packet is routed again from its subnet.
    From(SubnetIdx),
}

/// The one statement of what the first route `target` of a table of `vpc` does with
/// destinations in `span` (all in subnet `to`, when known): a blackhole drops them;
/// the local route takes a subnet of another VPC's to this VPC, where its interfaces
/// are not; the internet gateway drops private space (`private`); an inactive peering
/// drops everything, and an active one delivers only to its other side's own
/// addresses.
fn first_route(
    net: &Network,
    private: &[Span],
    target: &RouteTarget,
    vpc: VpcIdx,
    span: Span,
    to: Option<SubnetIdx>,
) -> Next {
    let in_other_vpc = |v: VpcIdx| to.is_some_and(|s| net.vpc_of_subnet(s) != v);
    Next::Fate(match target {
        RouteTarget::Blackhole => Fate::Dies,
        RouteTarget::Local if in_other_vpc(vpc) => Fate::DiesForInterface,
        RouteTarget::InternetGateway(_)
            if private.iter().any(|p| p.lo <= span.lo && span.hi <= p.hi) =>
        {
            Fate::Dies
        }
        RouteTarget::Peering(p) => {
            let peering = net.peering(*p);
            match peering.other_side(vpc) {
                _ if peering.status != PeeringStatus::Active => Fate::Dies,
                Some(other) if in_other_vpc(other) => Fate::DiesForInterface,
                _ => Fate::Lives,
            }
        }
        RouteTarget::NatGateway(nat) => {
            return Next::From(net.interface(net.nat_gateway(*nat).eni).subnet);
        }
        _ => Fate::Lives,
    })
}

#[cfg(test)]
mod tests {
    use vpcnet_model::{Network, NetworkBuilder};
    use vpcnet_spec::generate::{generate, GenerateOptions};

    use super::FirstHops;
    use crate::trace::{trace, Endpoint, Query};

    /// Networks, each with how many of its first subnets to ask from. The 300-VPC
    /// network reuses VPC CIDRs across hub groups (there are about 270 private /16s),
    /// where local routes and peerings lead into the wrong VPC.
    fn networks() -> Vec<(Network, usize)> {
        let mut out = Vec::new();
        for (name, text) in vpcnet_spec::examples::ALL {
            let mut b = NetworkBuilder::new();
            vpcnet_spec::load_into(&mut b, Some(name), text).expect("the example reads");
            out.push((b.finish().0, usize::MAX));
        }
        for (vpcs, seed, from) in [
            (3, 1, usize::MAX),
            (8, 2, usize::MAX),
            (25, 3, usize::MAX),
            (300, 4, 24),
        ] {
            let mut b = NetworkBuilder::new();
            vpcnet_spec::lower_into(&mut b, None, &generate(&GenerateOptions { vpcs, seed }));
            out.push((b.finish().0, from));
        }
        out
    }

    /// The fates asked one by one and from the whole table agree, and every pair a
    /// table drops is unreachable for the tracer, from every plain interface of the
    /// source subnet to an interface of the destination subnet.
    #[test]
    fn dropped_subnets_are_unreachable_and_both_ways_of_asking_agree() {
        let mut checked = 0;
        let mut other_vpc = 0;
        for (net, sources) in networks() {
            let mut one = FirstHops::new(&net);
            let mut whole = FirstHops::new(&net);
            for from in net.subnet_ids().take(sources) {
                let table = whole.table_of(&net, from);
                for to in net.subnet_ids() {
                    let dies = one.dies(&net, from, to, true);
                    let by_table = match &table {
                        None => true,
                        Some(t) => t[to.index()].drops(true),
                    };
                    assert_eq!(dies, by_table, "{from:?} -> {to:?}");
                    let Some(dst) = net.eni_ids().find(|e| net.interface(*e).subnet == to) else {
                        continue;
                    };
                    let dst_ip = net.interface(dst).private_ips[0].addr;
                    // Asked for one address of the subnet, the answer is the subnet's
                    // (no route in these networks splits a subnet).
                    let by_address = one.address_fate(&net, from, dst_ip, Some(to), 2);
                    assert_eq!(by_address.drops(true), dies, "{from:?} -> {dst_ip}");
                    if !dies {
                        continue;
                    }
                    let vpc = net.vpc_of_subnet(from);
                    if net.vpc(vpc).cidrs.iter().any(|c| c.contains(&dst_ip))
                        && net.vpc_of_subnet(to) != vpc
                    {
                        other_vpc += 1;
                    }
                    for e in net.eni_ids() {
                        if net.interface(e).subnet != from || crate::reach::special(&net, e) {
                            continue;
                        }
                        let q = Query {
                            from: Endpoint::Interface {
                                eni: e,
                                ip: net.interface(e).private_ips[0].addr,
                            },
                            to_ip: dst_ip,
                            expect: Some(dst),
                            protocol: 6,
                            src_port: 49152,
                            dst_port: 443,
                            icmp_type: 0,
                            icmp_code: 0,
                        };
                        assert!(!trace(&net, &q).reachable(), "{q:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} packets checked");
        // Some dropped pairs are addresses the source's own VPC also holds.
        assert!(other_vpc > 0);
    }
}
