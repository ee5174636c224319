//! Two versions of one network that differ only in rules.
//!
//! A change under review is most often a security group rule or a network ACL entry:
//! the resources, their order, their addresses and their memberships stay as they
//! were. [`Network::rule_changes`] recognises that case, so that an answer about the
//! first version can be brought up to date by looking again only at what the changed
//! rules can tell apart.

use std::sync::Arc;

use crate::{NaclIdx, Network, SgIdx};

/// The security groups and network ACLs whose rules differ between two networks that
/// are otherwise the same resources in the same order (see
/// [`Network::rule_changes`]). Indices hold in both networks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleChanges {
    /// Groups whose inbound or outbound rules differ.
    pub security_groups: Vec<SgIdx>,
    /// Network ACLs whose entries differ.
    pub network_acls: Vec<NaclIdx>,
}

impl RuleChanges {
    /// Whether no rule differs.
    pub fn is_empty(&self) -> bool {
        self.security_groups.is_empty() && self.network_acls.is_empty()
    }
}

/// Whether two arenas hold equal resources in the same order once `strip` has
/// cleared what is not compared (where each was declared).
fn same<T: Clone + PartialEq>(a: &[T], b: &[T], strip: impl Fn(&mut T)) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x == y || {
                let (mut x, mut y) = (x.clone(), y.clone());
                strip(&mut x);
                strip(&mut y);
                x == y
            }
        })
}

/// The positions where two arenas of rule lists differ once `strip` has cleared what
/// is not compared; `None` when their lengths differ or a list's identity
/// (`same_identity`: id, name, tags, VPC) does, which is more than a rule change.
fn differing<T: Clone + PartialEq>(
    a: &[T],
    b: &[T],
    strip: impl Fn(&mut T),
    same_identity: impl Fn(&T, &T) -> bool,
) -> Option<Vec<usize>> {
    if a.len() != b.len() {
        return None;
    }
    let mut out = Vec::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x == y {
            continue;
        }
        let (mut x, mut y) = (x.clone(), y.clone());
        strip(&mut x);
        strip(&mut y);
        if !same_identity(&x, &y) {
            return None;
        }
        if x != y {
            out.push(i);
        }
    }
    Some(out)
}

impl Network {
    /// The security groups and network ACLs whose rules differ from `other`'s, when
    /// nothing else does; `None` when anything else differs: a resource added,
    /// removed, reordered or changed, an interface's groups or addresses, a subnet's
    /// network ACL, a tag, a prefix list's entries, the tailnet or its policy. Where
    /// resources and rules were declared is not compared, so the same input edited in
    /// one place and read again compares as that edit.
    pub fn rule_changes(&self, other: &Network) -> Option<RuleChanges> {
        macro_rules! meta_only {
            ($($field:ident),*) => {
                $(same(&self.$field, &other.$field, |x| x.meta.origin = None))&&*
            };
        }
        let unchanged = self.accounts == other.accounts
            && self.missing == other.missing
            && self.proxy_routes == other.proxy_routes
            && self.vpn == other.vpn
            && meta_only!(
                vpcs,
                subnets,
                prefix_lists,
                igws,
                nats,
                enis,
                instances,
                peerings,
                resolver_rules,
                tgws,
                tgw_attachments,
                endpoints,
                lbs,
                target_groups,
                endpoint_services,
                tailnet_nodes,
                flow_logs
            )
            && same(&self.route_tables, &other.route_tables, |rt| {
                rt.meta.origin = None;
                rt.routes.iter_mut().for_each(|r| r.origin = None);
            })
            && same(&self.zones, &other.zones, |z| {
                z.meta.origin = None;
                z.records.iter_mut().for_each(|r| r.origin = None);
            })
            && same(&self.tgw_route_tables, &other.tgw_route_tables, |rt| {
                rt.meta.origin = None;
                rt.routes.iter_mut().for_each(|r| r.origin = None);
            })
            && self.same_tailnet(other);
        if !unchanged {
            return None;
        }
        let security_groups = differing(
            &self.sgs,
            &other.sgs,
            |g| {
                g.meta.origin = None;
                for r in g.ingress.iter_mut().chain(&mut g.egress) {
                    r.origin = None;
                }
            },
            |a, b| (&a.meta, &a.group_name, a.vpc) == (&b.meta, &b.group_name, b.vpc),
        )?;
        let network_acls = differing(
            &self.nacls,
            &other.nacls,
            |acl| {
                acl.meta.origin = None;
                for e in acl.ingress.iter_mut().chain(&mut acl.egress) {
                    e.origin = None;
                }
            },
            |a, b| (&a.meta, a.vpc) == (&b.meta, b.vpc),
        )?;
        let out = RuleChanges {
            security_groups: security_groups
                .into_iter()
                .map(|i| SgIdx(i as u32))
                .collect(),
            network_acls: network_acls
                .into_iter()
                .map(|i| NaclIdx(i as u32))
                .collect(),
        };
        Some(out)
    }

    /// Whether both networks have no tailnet, or the same one with a policy that is
    /// provably the same (one object, both allowing all, or equal address rules).
    fn same_tailnet(&self, other: &Network) -> bool {
        match (&self.tailnet, &other.tailnet) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let rules = |t: &crate::Tailnet| {
                    t.policy.address_rules().map(|rs| {
                        rs.iter()
                            .cloned()
                            .map(|mut r| {
                                r.origin = None;
                                r
                            })
                            .collect::<Vec<_>>()
                    })
                };
                a.name == b.name
                    && (Arc::ptr_eq(&a.policy, &b.policy)
                        || (a.policy.allows_all() && b.policy.allows_all())
                        || rules(a).is_some_and(|ra| Some(ra) == rules(b)))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        L4Match, Meta, NetworkBuilder, PortRange, Protocol, SecurityGroup, SgPeer, SgRule, Vpc,
    };

    fn net(extra_rule: bool, name: &str) -> Network {
        let mut b = NetworkBuilder::new();
        let vpc = b
            .add_vpc(Vpc {
                meta: Meta::new("vpc-1", None),
                account: "111111111111".into(),
                region: "us-east-1".into(),
                cidrs: vec!["10.0.0.0/16".parse().expect("a cidr")],
                ipv6_cidrs: vec![],
                main_route_table: None,
                default_nacl: None,
                dns_support: true,
                dns_hostnames: false,
                described: true,
            })
            .expect("a vpc");
        let sg = b
            .add_security_group(SecurityGroup {
                meta: Meta::new("sg-1", Some(name.to_owned())),
                group_name: "app".to_owned(),
                vpc,
                ingress: Vec::new(),
                egress: Vec::new(),
            })
            .expect("a group");
        if extra_rule {
            b.add_sg_rule(
                sg,
                false,
                SgRule {
                    protocol: Protocol::TCP,
                    l4: L4Match::Ports(PortRange { from: 22, to: 22 }),
                    peer: SgPeer::Cidr("10.0.0.0/8".parse().expect("a cidr")),
                    description: None,
                    origin: None,
                },
            );
        }
        b.finish().0
    }

    #[test]
    fn a_rule_added_is_a_rule_change_and_a_rename_is_not() {
        let (a, b) = (net(false, "app"), net(true, "app"));
        assert_eq!(
            a.rule_changes(&b),
            Some(RuleChanges {
                security_groups: vec![SgIdx(0)],
                network_acls: Vec::new(),
            })
        );
        assert_eq!(a.rule_changes(&a), Some(RuleChanges::default()));
        assert_eq!(a.rule_changes(&net(true, "renamed")), None);
    }
}
