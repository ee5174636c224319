//! Integration tests of the collector against a real AWS emulator, `moto_server`
//! (`pip install 'moto[server]'`): networks are built there through the SDK, collected,
//! loaded by `vpcnet-aws` and traced by `vpcnet-engine`. One binary, a module per topic.

mod failures;
mod moto;
mod services;
mod setup;
mod snapshot;
