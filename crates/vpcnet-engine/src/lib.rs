//! Forwarding semantics of AWS networks: concrete traces and configuration checks.
//!
//! Everything here is a pure function of a [`vpcnet_model::Network`] and a question: no
//! I/O, no clock, no global state, so the same input always gives the same answer in
//! the same order, and traces can run in parallel over one shared network.
//!
//! The trade-off: the tracer follows one concrete packet (addresses, protocol, ports),
//! which makes every hop explainable to a person and costs microseconds, but answers
//! one question at a time; questions over all packets belong to a symbolic engine that
//! must agree with this one.

#![deny(missing_docs)]

pub mod check;
mod code;
pub mod diff;
mod dns;
mod eval;
mod packet;
pub mod reach;
mod resolve;
mod trace;

pub use code::Code;
pub use dns::{
    looks_like_dns_name, resolve_magic_dns, resolve_name, resolver_ip, DnsFailure, DnsStep,
    Resolution, MAX_CHAIN,
};
pub use eval::is_internet_routable;
pub use packet::Packet;
pub use resolve::{
    resolve_destination, resolve_source, service_destination, Destination, ResolveError,
    INTERNET_DESTINATION, INTERNET_SOURCE,
};
pub use trace::{
    trace, trace_name, trace_name_with, trace_with, Action, Blocked, Component, Endpoint, Hop,
    Path, Query, Trace, TraceOptions, Translation, TranslationKind,
};
