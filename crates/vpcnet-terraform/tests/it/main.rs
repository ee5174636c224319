//! Integration tests of the Terraform importer: one binary, a module per topic.

mod broken;
mod robust;
mod samples;
mod seed002;
mod seed003;
mod shapes;
mod support;
