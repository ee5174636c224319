//! The device list as the API returns it: every field vpcnet keeps, defaults, and bad
//! entries reported with their position and left out.

use vpcnet_tailscale::{parse_devices, TsError};

use crate::support::*;

#[test]
fn corp_devices_are_read_whole() {
    let t = corp();
    assert_eq!(t.nodes().len(), 10);
    let a = &t.nodes()[0];
    assert_eq!(a.id.as_deref(), Some("nAlice1CNTRL"));
    assert_eq!(a.name, "alice-laptop.tail1234.ts.net");
    assert_eq!(a.hostname, "alice-laptop");
    assert_eq!(a.short_name(), "alice-laptop");
    assert_eq!(a.addresses, [ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")]);
    assert_eq!(a.user.as_deref(), Some("alice@example.com"));
    assert_eq!(a.os.as_deref(), Some("macOS"));
    assert!(a.authorized && !a.external && !a.blocks_incoming && !a.is_tagged());
    let endpoints: Vec<String> = a.endpoints.iter().map(ToString::to_string).collect();
    assert_eq!(
        endpoints,
        [
            "198.51.100.20:41641",
            "[2001:db8::20]:41641",
            "192.168.1.20:41641"
        ]
    );
    let r = &t.nodes()[7];
    assert_eq!(r.tags, ["tag:router"]);
    let adv: Vec<String> = r
        .advertised_routes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(adv, ["10.0.0.0/16", "10.0.5.0/24", "10.9.0.0/16"]);
    let en: Vec<String> = r.enabled_routes.iter().map(ToString::to_string).collect();
    assert_eq!(en, ["10.0.0.0/16", "10.0.5.0/24"]);
    assert!(t.nodes()[9].external);
    assert_eq!(
        t.node_by_addr(ip("fd7a:115c:a1e0::30"))
            .map(|n| n.short_name()),
        Some("exit-1")
    );
}

#[test]
fn bad_devices_and_fields_are_reported_and_left_out() {
    let text = r#"{
  "devices": [
    "not an object",
    {"name": "no-address.ts.net", "addresses": []},
    {"name": "a.ts.net", "addresses": ["100.64.0.1", "100.64.0.999", 7],
     "tags": ["tag:ok", "web"], "advertisedRoutes": ["10.0.0.1/16", "nope"],
     "authorized": "yes", "user": 3},
    {"name": "dup.ts.net", "addresses": ["100.64.0.1"]},
    {"hostname": "only-hostname", "addresses": ["100.64.0.2"], "enabledRoutes": "10.0.0.0/8"}
  ]
}"#;
    let (nodes, diags) = parse_devices("devices.json", text).expect("a device list");
    expect_test::expect![[r#"
        error BAD_SHAPE 3:5 #/devices/0: `devices[0]` must be an object, not a string; it is left out
        error BAD_SHAPE 4:5 #/devices/1: device `no-address.ts.net` has no Tailscale address; it is left out
        error BAD_ADDRESS 5:54 #/devices/2/addresses/1: `100.64.0.999` in `addresses` of `a.ts.net` is not an IP address; it is left out
        error BAD_SHAPE 5:70 #/devices/2/addresses/2: `addresses` of `a.ts.net` holds strings, not a number; the element is left out
        error BAD_VALUE 6:25 #/devices/2/tags/1: `web` in `tags` of `a.ts.net` is not a tag (`tag:<name>`); it is left out
        note CIDR_NOT_CANONICAL 6:54 #/devices/2/advertisedRoutes/0: route `10.0.0.1/16` of `a.ts.net` has host bits set; read as `10.0.0.0/16`
        error BAD_ROUTE 6:69 #/devices/2/advertisedRoutes/1: `nope` in `advertisedRoutes` of `a.ts.net` is not a CIDR; it is left out
        error BAD_SHAPE 7:20 #/devices/2/authorized: `authorized` must be true or false, not a string; it is ignored
        error BAD_SHAPE 7:35 #/devices/2/user: `user` must be a string, not a number; it is ignored
        error DUPLICATE_RESOURCE 8:5 #/devices/3: device `dup.ts.net` has an address of `a.ts.net` (listed earlier); it is left out
        error BAD_SHAPE 9:81 #/devices/4/enabledRoutes: `enabledRoutes` of `only-hostname` must be an array of strings, not a string; it is ignored
    "#]]
    .assert_eq(&findings(&diags));
    let names: Vec<&str> = nodes.iter().map(|n| n.short_name()).collect();
    assert_eq!(names, ["a", "only-hostname"]);
    assert_eq!(nodes[0].tags, ["tag:ok"]);
    assert!(
        nodes[0].authorized,
        "a missing or unreadable `authorized` means authorized"
    );
}

#[test]
fn not_a_device_list_is_an_error() {
    let err = |text: &str| match parse_devices("d.json", text) {
        Err(e) => e.to_string(),
        Ok(_) => "read".to_owned(),
    };
    assert_eq!(
        err("[]"),
        "`d.json` is not a Tailscale device list: it is an array, not an object with `devices`"
    );
    assert_eq!(
        err("{}"),
        "`d.json` is not a Tailscale device list: it has no `devices`"
    );
    assert_eq!(
        err(r#"{"devices": {}}"#),
        "`d.json` is not a Tailscale device list: `devices` is an object, not an array"
    );
    assert_eq!(
        err("{\"devices\": [\n  {]}"),
        "`d.json`:2:4: expected a key in double quotes or `}`, found `]`"
    );
    assert!(matches!(
        parse_devices("d.json", "{"),
        Err(TsError::Syntax { .. })
    ));
    assert_eq!(err(r#"{"devices": []}"#), "read");
}
