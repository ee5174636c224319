//! Integration tests of the Tailscale reader and policy evaluation: one binary, a
//! module per topic.

mod acls;
mod devices;
mod grants;
mod overlay;
mod read;
mod regression;
mod routes;
mod support;
mod syntax;
mod tests_section;
