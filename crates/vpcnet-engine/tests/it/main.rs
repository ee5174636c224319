//! Integration tests of the engine: one binary, a module per topic.

mod check;
mod diff;
mod dns;
mod endpoints;
mod generated;
mod overlay;
mod reach;
mod reach_props;
mod seed000;
mod seed001;
mod seed004;
mod semantics;
mod support;
mod tgw;
