//! Integration tests of the spec loader, one binary with a module per topic.

mod robustness;
