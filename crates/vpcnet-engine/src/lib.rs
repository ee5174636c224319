//! Forwarding semantics.
