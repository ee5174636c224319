//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod demo;
pub(crate) mod diff;
pub(crate) mod example;
pub(crate) mod export;
pub(crate) mod generate;
pub(crate) mod reach;
pub(crate) mod resolve;
pub(crate) mod schema;
pub(crate) mod snapshot;
pub(crate) mod tailscale;
pub(crate) mod trace;
pub(crate) mod verify;
