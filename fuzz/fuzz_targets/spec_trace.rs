//! Fuzz target: whatever network a spec describes, resolving its interfaces and
//! tracing a TCP 443 connection between the first two (both ways, and each to and
//! from the internet) must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_engine::{resolve_destination, resolve_source, trace, Query};
use vpcnet_model::NetworkBuilder;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut builder = NetworkBuilder::new();
    if vpcnet_spec::load_into(&mut builder, Some("fuzz.yaml"), text).is_err() {
        return;
    }
    let (network, _diags) = builder.finish();
    let ids: Vec<&str> = network
        .interfaces()
        .iter()
        .take(2)
        .map(|eni| eni.meta.id.as_str())
        .collect();
    let [a, b] = ids[..] else {
        return;
    };
    let pairs = [(a, b), (b, a), ("internet", a), (a, "internet")];
    for (from, to) in pairs {
        let Ok(source) = resolve_source(&network, from) else {
            continue;
        };
        let Ok(dest) = resolve_destination(&network, &source, to) else {
            continue;
        };
        let query = Query {
            from: source,
            to_ip: dest.ip,
            expect: dest.expect,
            protocol: 6,
            src_port: 49152,
            dst_port: 443,
            icmp_type: 0,
            icmp_code: 0,
        };
        let _ = trace(&network, &query);
    }
});
