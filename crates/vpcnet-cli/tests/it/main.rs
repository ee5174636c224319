//! Integration tests of the `vpcnet` binary: one binary, a module per topic.

mod cli;
mod diff;
mod reach;
#[cfg(feature = "aws")]
mod snapshot;
mod support;
mod tailscale_inputs;
mod tidy;
mod verify;
