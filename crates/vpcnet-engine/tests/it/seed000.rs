//! Seed 000's traffic-flow narratives over the built-in `cross-vpc` example, as
//! snapshots (refresh with `UPDATE_EXPECT=1 cargo test`).

use expect_test::{expect, Expect};

use crate::support::{net, render, tr};

fn check(from: &str, to: &str, port: u16, want: Expect) {
    let n = net(vpcnet_spec::examples::CROSS_VPC);
    let t = tr(&n, from, to, 6, port);
    want.assert_eq(&render(&n, &t));
}

/// "EKS runner pod executes a SonarQube scan": 10.1.34.50 -> 10.0.10.8 over
/// pcx-0535aabbb2629e915, SG allowing 9000 from 10.1.0.0/16, route back over the peering.
#[test]
fn eks_pod_reaches_sonarqube_over_the_peering() {
    check(
        "eks-runner",
        "sonarqube",
        9000,
        expect![[r#"
        REACHABLE
        forward:
          send      eni-eks-runner               from eks-runner (eni-eks-runner)
          allow     sg-eks-nodes-sg              outbound allowed by rule #1: all to 0.0.0.0/0 (default: all traffic out)
          route     rtb-dev-private              10.0.0.0/16 -> dev-shared (pcx-0535aabbb2629e915) (subnet dev-private-a (subnet-dev-private-a))
          allow     acl-dev-default              outbound at subnet dev-private-a (subnet-dev-private-a): rule 100 allow all to 0.0.0.0/0
          forward   pcx-0535aabbb2629e915        to VPC shared-services (vpc-0a5e1f0000000shared) (delivered only to its own addresses: no transit)
          allow     acl-shared-private-acl       inbound at subnet shared-private-a (subnet-shared-private-a): rule 110 allow tcp port 9000 from 10.1.0.0/16
          allow     sg-sonarqube-sg              inbound allowed by rule #1: tcp port 9000 from 10.1.0.0/16 (dev VPC over peering (EKS runners))
          deliver   eni-sonarqube                to eni-sonarqube of instance sonarqube (i-sonarqube) at 10.0.10.8
        return:
          send      eni-sonarqube                reply from eni-sonarqube of instance sonarqube (i-sonarqube)
          allow     sg-sonarqube-sg              outbound reply of a tracked connection (security groups are stateful)
          route     rtb-shared-private           10.1.0.0/16 -> dev-shared (pcx-0535aabbb2629e915) (subnet shared-private-a (subnet-shared-private-a))
          allow     acl-shared-private-acl       outbound at subnet shared-private-a (subnet-shared-private-a): rule 100 allow all to 0.0.0.0/0
          forward   pcx-0535aabbb2629e915        to VPC dev (vpc-0d3v000000000dev) (delivered only to its own addresses: no transit)
          allow     acl-dev-default              inbound at subnet dev-private-a (subnet-dev-private-a): rule 100 allow all from 0.0.0.0/0
          allow     sg-eks-nodes-sg              inbound reply of a tracked connection (security groups are stateful)
          deliver   eni-eks-runner               to eks-runner (eni-eks-runner) at 10.1.34.50
    "#]],
    );
}

/// "GitLab runner (Kubernetes pod) -> Vault: VPC peering, SG allowing dev VPC CIDR on 8200".
#[test]
fn eks_pod_reaches_vault_over_the_peering() {
    check(
        "10.1.34.50",
        "10.0.10.20",
        8200,
        expect![[r#"
        REACHABLE
        forward:
          send      eni-eks-runner               from eks-runner (eni-eks-runner)
          allow     sg-eks-nodes-sg              outbound allowed by rule #1: all to 0.0.0.0/0 (default: all traffic out)
          route     rtb-dev-private              10.0.0.0/16 -> dev-shared (pcx-0535aabbb2629e915) (subnet dev-private-a (subnet-dev-private-a))
          allow     acl-dev-default              outbound at subnet dev-private-a (subnet-dev-private-a): rule 100 allow all to 0.0.0.0/0
          forward   pcx-0535aabbb2629e915        to VPC shared-services (vpc-0a5e1f0000000shared) (delivered only to its own addresses: no transit)
          allow     acl-shared-private-acl       inbound at subnet shared-private-a (subnet-shared-private-a): rule 120 allow tcp port 8200 from 10.1.0.0/16
          allow     sg-vault-sg                  inbound allowed by rule #1: tcp port 8200 from 10.1.0.0/16 (dev VPC over peering)
          deliver   eni-vault                    to eni-vault of instance vault (i-vault) at 10.0.10.20
        return:
          send      eni-vault                    reply from eni-vault of instance vault (i-vault)
          allow     sg-vault-sg                  outbound reply of a tracked connection (security groups are stateful)
          route     rtb-shared-private           10.1.0.0/16 -> dev-shared (pcx-0535aabbb2629e915) (subnet shared-private-a (subnet-shared-private-a))
          allow     acl-shared-private-acl       outbound at subnet shared-private-a (subnet-shared-private-a): rule 100 allow all to 0.0.0.0/0
          forward   pcx-0535aabbb2629e915        to VPC dev (vpc-0d3v000000000dev) (delivered only to its own addresses: no transit)
          allow     acl-dev-default              inbound at subnet dev-private-a (subnet-dev-private-a): rule 100 allow all from 0.0.0.0/0
          allow     sg-eks-nodes-sg              inbound reply of a tracked connection (security groups are stateful)
          deliver   eni-eks-runner               to eks-runner (eni-eks-runner) at 10.1.34.50
    "#]],
    );
}

/// The SonarQube group allows only the dev CIDR (and the router subnet): a peered
/// staging VPC is refused even though routes and network ACLs let it through.
#[test]
fn sonarqube_allows_only_the_dev_cidr() {
    check(
        "staging-api",
        "sonarqube",
        9000,
        expect![[r#"
        ENI_SG_RULES_MISMATCH on forward
        forward:
          send      eni-staging-api              from eni-staging-api of instance staging-api (i-staging-api)
          allow     sg-staging-api-sg            outbound allowed by rule #1: all to 0.0.0.0/0 (default: all traffic out)
          route     rtb-staging-main             10.0.0.0/16 -> shared-staging (pcx-0a1b2c3d4e5f60718) (subnet staging-private-a (subnet-staging-private-a))
          allow     acl-staging-default          outbound at subnet staging-private-a (subnet-staging-private-a): rule 100 allow all to 0.0.0.0/0
          forward   pcx-0a1b2c3d4e5f60718        to VPC shared-services (vpc-0a5e1f0000000shared) (delivered only to its own addresses: no transit)
          allow     acl-shared-private-acl       inbound at subnet shared-private-a (subnet-shared-private-a): rule 130 allow all from 10.2.0.0/16
          deny      sg-sonarqube-sg              no inbound rule of security group sonarqube-sg (sg-sonarqube-sg) on eni-sonarqube of instance sonarqube (i-sonarqube) allows tcp 10.2.1.15:49152 -> 10.0.10.8:9000
    "#]],
    );
}

/// Peering is not transitive: dev cannot reach staging through shared services.
#[test]
fn dev_cannot_transit_shared_services() {
    check(
        "eks-runner",
        "staging-api",
        443,
        expect![[r#"
        PCX_REQUIRES_ADDRESS_IN_VPC_CIDR on forward
        forward:
          send      eni-eks-runner               from eks-runner (eni-eks-runner)
          allow     sg-eks-nodes-sg              outbound allowed by rule #1: all to 0.0.0.0/0 (default: all traffic out)
          route     rtb-dev-private              10.2.0.0/16 -> dev-shared (pcx-0535aabbb2629e915) (subnet dev-private-a (subnet-dev-private-a))
          drop      pcx-0535aabbb2629e915        10.2.1.15 is not in peer VPC shared-services (vpc-0a5e1f0000000shared) (10.0.0.0/16): VPC peering is not transitive and carries only traffic for the peer's own addresses
    "#]],
    );
}
