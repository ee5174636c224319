//! Whole subnets a route table drops at once: the first route lookup depends on the
//! destination alone, so when one route decides every address of a subnet and that
//! route drops them, no packet from the table's subnets to that subnet needs tracing.

use std::collections::HashMap;
use std::rc::Rc;

use vpcnet_model::{tailnet_range, Network, RouteTableIdx, RouteTarget, SubnetIdx, VpcIdx};

use super::bounds::NOT_INTERNET;
use super::space::Span;

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

/// Per route table, the fate of every subnet, computed when first asked.
pub(crate) struct FirstHops {
    /// Subnets by first address: (span, prefix length, subnet).
    order: Rc<[(Span, u8, SubnetIdx)]>,
    /// Private ranges the internet gateway never delivers to (the mesh's range left
    /// out: the tracer treats it apart).
    private: Vec<Span>,
    tables: HashMap<RouteTableIdx, Rc<Vec<Fate>>>,
}

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
        match self.fates(net, rt, 2)[to.index()] {
            Fate::Lives => false,
            Fate::Dies => true,
            Fate::DiesForInterface => interface,
        }
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
        match target {
            RouteTarget::Blackhole => Fate::Dies,
            RouteTarget::Local if net.vpc_of_subnet(subnet) != vpc => Fate::DiesForInterface,
            RouteTarget::InternetGateway(_)
                if self
                    .private
                    .iter()
                    .any(|p| p.lo <= span.lo && span.hi <= p.hi) =>
            {
                Fate::Dies
            }
            RouteTarget::NatGateway(nat) if depth > 0 => {
                let eni = net.nat_gateway(*nat).eni;
                match net.effective_route_table(net.interface(eni).subnet) {
                    None => Fate::Dies,
                    Some(next) => self.fates(net, next, depth - 1)[subnet.index()],
                }
            }
            _ => Fate::Lives,
        }
    }
}
