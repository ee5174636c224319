//! Integration tests of the `vpcnet` binary: one binary, a module per topic.

mod cli;
#[cfg(feature = "aws")]
mod snapshot;
mod tailscale_inputs;
mod tidy;
