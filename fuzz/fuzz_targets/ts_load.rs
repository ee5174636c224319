//! Fuzz target: any text as a tailnet policy file, a device list and a user list must
//! read into findings or an error, never a panic; every finding names the file and
//! has a line, and evaluating the result (connections, routes, the policy's own tests)
//! never panics either.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vpcnet_tailscale::{
    is_device_list, is_policy, is_user_list, parse_devices, parse_policy, parse_users, position,
    Tailnet,
};

const FILE: &str = "fuzz.hujson";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = (is_policy(text), is_device_list(text), is_user_list(text));
    let policy = match parse_policy(FILE, text) {
        Ok((policy, diags)) => {
            for d in &diags {
                let loc = d
                    .location
                    .as_ref()
                    .expect("every policy finding is located");
                assert_eq!(loc.file.as_deref(), Some(FILE), "{d}");
                assert!(loc.line.is_some(), "{d}");
                if let Some(p) = &loc.pointer {
                    assert!(position(text, p).is_some(), "{d}");
                }
            }
            Some(policy)
        }
        Err(_) => None,
    };
    let nodes = parse_devices(FILE, text)
        .map(|(n, _)| n)
        .unwrap_or_default();
    let users = parse_users(FILE, text).map(|(u, _)| u).unwrap_or_default();
    let tailnet = Tailnet::new(policy, nodes).with_users(users);
    let _ = tailnet.run_tests();
    let _ = tailnet.findings(Some(FILE));
    let addrs: Vec<_> = tailnet
        .nodes()
        .iter()
        .flat_map(|n| n.addresses.iter().copied())
        .chain(
            ["100.64.0.1", "10.0.0.1", "8.8.8.8", "fd7a:115c:a1e0::1"].map(|a| a.parse().unwrap()),
        )
        .take(16)
        .collect();
    for src in &addrs {
        for dst in &addrs {
            for (proto, port) in [(6, 443), (17, 53), (1, 0), (132, 22)] {
                let _ = tailnet.allows(*src, *dst, proto, port);
            }
        }
        let _ = tailnet.router_for(*src);
    }
    for n in tailnet.nodes() {
        let _ = tailnet.approved_routes(n);
        let _ = tailnet.allows(n, "100.64.0.1".parse().unwrap(), 6, 22);
    }
    let _ = tailnet.exit_nodes();
});
