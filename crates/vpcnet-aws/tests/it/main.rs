//! Integration tests of the AWS snapshot importer: one binary, a module per topic.

mod broken;
mod layout;
mod multi_region;
mod seed000;
mod services;
mod shapes;
mod support;
