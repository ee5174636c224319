//! Integration tests of the Terraform importer: one binary, a module per topic.

mod blocks;
mod broken;
mod endpoints_lb;
mod ipv6;
mod links;
mod public_ips;
mod regression;
mod robust;
mod route53;
mod samples;
mod seed002;
mod seed003;
mod shapes;
mod support;
mod tgw;
