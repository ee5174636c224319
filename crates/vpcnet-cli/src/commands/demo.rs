//! `vpcnet demo`: a guided tour of real traces over the built-in `cross-vpc` example.

use std::process::ExitCode;

use crate::cli::{DemoArgs, Format};
use crate::commands::trace::{ask, render_text, Question};
use crate::input;
use crate::wire;

struct Stop {
    /// The built-in example it runs on.
    example: &'static str,
    title: &'static str,
    story: &'static str,
    from: &'static str,
    to: &'static str,
    protocol: u8,
    port: u16,
}

const TOUR: &[Stop] = &[
    Stop {
        example: "cross-vpc",
        title: "An EKS runner pod scans with SonarQube over the VPC peering",
        story: "The pod (10.1.34.50, VPC CNI, no Tailscale) asks the dev VPC's resolver for\n\
                sonarqube.shared.example.internal: the private zone associated with dev answers\n\
                10.0.10.8. The dev route table sends 10.0.0.0/16 to pcx-0535aabbb2629e915;\n\
                SonarQube's security group allows 9000 from the dev VPC CIDR; the reply finds\n\
                10.1.0.0/16 -> the same peering.",
        from: "eks-runner",
        to: "sonarqube.shared.example.internal",
        protocol: 6,
        port: 9000,
    },
    Stop {
        example: "cross-vpc",
        title: "The same pod reaches Vault on 8200",
        story: "Vault's group allows 8200 from 10.1.0.0/16 too.",
        from: "eks-runner",
        to: "vault",
        protocol: 6,
        port: 8200,
    },
    Stop {
        example: "cross-vpc",
        title: "Staging cannot use SonarQube: its security group allows only the dev CIDR",
        story:
            "staging-api (10.2.1.15) is peered with shared services and the routes and network\n\
                ACL let it in, but sonarqube-sg names 10.1.0.0/16 and the router subnet only.",
        from: "staging-api",
        to: "sonarqube",
        protocol: 6,
        port: 9000,
    },
    Stop {
        example: "cross-vpc",
        title: "orchestrator-dev reaches Authentik (sso) through the Tailscale subnet routers",
        story: "Seed 000's Tailscale flow: DNS from the dev VPC, the route to 10.0.0.0/16 advertised by\n\
                the shared subnet router, WireGuard, SNAT to the router's 10.0.12.10, and Authentik's\n\
                group admitting only 10.0.12.0/26. The EKS pod above runs no Tailscale and takes the\n\
                peering instead.",
        from: "orchestrator-dev",
        to: "sso.shared.example.internal",
        protocol: 6,
        port: 443,
    },
    Stop {
        example: "cross-vpc",
        title: "Staging cannot even find SonarQube by name",
        story: "The private zone shared.example.internal is associated with shared services and\n\
                dev, not staging: staging's resolver goes on to public DNS, where the name is not.",
        from: "staging-api",
        to: "sonarqube.shared.example.internal",
        protocol: 6,
        port: 9000,
    },
    Stop {
        example: "cross-vpc",
        title: "Peering is not transitive: dev cannot reach staging through shared services",
        story: "The dev route table sends 10.2.0.0/16 to the dev-shared peering, hoping shared\n\
                services passes it on. A peering delivers only to the peer's own addresses.",
        from: "eks-runner",
        to: "staging-api",
        protocol: 6,
        port: 443,
    },
    Stop {
        example: "cross-vpc",
        title: "The pod pulls an image from the internet through the dev NAT gateway",
        story: "Source translated twice: to the NAT gateway's private IP, then to its Elastic IP.",
        from: "eks-runner",
        to: "internet",
        protocol: 6,
        port: 443,
    },
    Stop {
        example: "cross-vpc",
        title: "The office reaches the bastion over SSH; the rest of the internet does not",
        story: "bastion-sg allows 22 from 198.51.100.0/24 only; the internet gateway maps\n\
                203.0.113.50 to 10.0.0.50.",
        from: "198.51.100.7",
        to: "bastion",
        protocol: 6,
        port: 22,
    },
    Stop {
        example: "cross-vpc",
        title: "... and a host elsewhere on the internet is refused",
        story: "Same path, but no rule of bastion-sg matches 192.0.2.20.",
        from: "internet",
        to: "bastion",
        protocol: 6,
        port: 22,
    },
    Stop {
        example: "observability",
        title: "An agent in another account and region pushes metrics to the cluster",
        story: "Seed 004: metrics.observability.internal is a CNAME to the agents' interface\n\
                endpoint. PrivateLink carries the connection to the endpoint service's NLB (the\n\
                proxy sees the NLB's address), nginx routes the host to the cluster's ALB over\n\
                the inter-region peering, and the ALB's host rule picks Mimir.",
        from: "agent-1",
        to: "metrics.observability.internal",
        protocol: 6,
        port: 80,
    },
    Stop {
        example: "observability",
        title: "... and the cluster cannot open a connection back to the agent",
        story: "Data flows one way: nothing in the cluster's VPC routes to the agents' network.",
        from: "mimir-1",
        to: "agent-1",
        protocol: 6,
        port: 22,
    },
];

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let cross = input::load(&["example:cross-vpc".to_owned()], false)?;
    let observability = input::load(&["example:observability".to_owned()], false)?;
    let mut out = String::new();
    let mut json = Vec::new();
    if args.format == Format::Text {
        out.push_str(
            "vpcnet demo: the cross-VPC network of shared services (10.0.0.0/16), dev (10.1.0.0/16)\n\
             and staging (10.2.0.0/16), then an observability cluster fed over PrivateLink from\n\
             another region. Print them with `vpcnet example cross-vpc` and `vpcnet example\n\
             observability`; trace your own questions with\n\
             `vpcnet trace example:cross-vpc --from X --to Y --port N`.\n",
        );
    }
    for (i, stop) in TOUR.iter().enumerate() {
        let net = match stop.example {
            "observability" => &observability.network,
            _ => &cross.network,
        };
        let q = Question {
            from: stop.from,
            to: stop.to,
            protocol: stop.protocol,
            port: stop.port,
            src_port: 49152,
            icmp_type: 8,
            icmp_code: 0,
            host: None,
        };
        let t = ask(net, &q)?;
        match args.format {
            Format::Text => {
                out.push_str(&format!(
                    "\n== {}. {} ==\n{}\n$ vpcnet trace example:{} --from {} --to {} --port {}\n\n",
                    i + 1,
                    stop.title,
                    stop.story,
                    stop.example,
                    stop.from,
                    stop.to,
                    stop.port
                ));
                out.push_str(&render_text(net, &t, stop.from, stop.to));
            }
            Format::Json => json.push(wire::trace(net, &t, stop.from, stop.to)),
        }
    }
    if args.format == Format::Json {
        out = serde_json::to_string_pretty(&json)? + "\n";
    }
    crate::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
