//! Text that is not a policy at all: HuJSON errors with line and column, and the
//! content sniffing the command line's input loader uses.

use vpcnet_tailscale::{is_device_list, is_policy, is_user_list, parse_policy, TsError};

fn err(text: &str) -> String {
    match parse_policy("policy.hujson", text) {
        Err(e) => e.to_string(),
        Ok(_) => "read".to_owned(),
    }
}

#[test]
fn syntax_errors_name_line_and_column() {
    assert_eq!(
        err("{\n  // a comment\n  \"acls\": [\n    {\"action\": \"accept\" \"src\": [\"*\"]},\n  ],\n}"),
        "`policy.hujson`:4:25: expected `,` or `}` after an object member, found `\"`"
    );
    assert_eq!(
        err("{\n  \"acls\": [\n"),
        "`policy.hujson`:2:11: this `[` is never closed with `]`"
    );
    assert_eq!(
        err("{\"hosts\": {\"a\": '10.0.0.1'}}"),
        "`policy.hujson`:1:17: strings take double quotes (`\"`), not single quotes"
    );
    assert_eq!(
        err("{\n  /* unfinished\n  \"acls\": []\n}"),
        "`policy.hujson`:2:3: a `/*` comment is never closed with `*/`"
    );
    assert_eq!(
        err("[\"acls\"]"),
        "`policy.hujson` is not a tailnet policy file: it is an array, not an object"
    );
    match parse_policy("p", "{,}") {
        Err(TsError::Syntax { error, .. }) => assert_eq!((error.line, error.column), (1, 2)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn comments_trailing_commas_and_bom_are_hujson() {
    let text = "\u{feff}// lead\n/* block */ {\n \"acls\": [ {\"action\": \"accept\", \"src\": [\"*\",], \"dst\": [\"*:*\",],}, ], // tail\n}\n";
    assert_eq!(err(text), "read");
}

#[test]
fn sniffing() {
    assert!(is_policy("// policy\n{\n  \"ACLs\": []\n}"));
    assert!(is_policy(
        "{\"grants\": [{\"src\": [\"*\"], \"dst\": [\"*\"], \"ip\": [\"*\"]}]}"
    ));
    assert!(is_policy("/* x */ {\"groups\": {\"group:a\": []}}"));
    assert!(!is_policy("{\"groups\": []}"));
    assert!(!is_policy(
        "{\"format_version\": \"1.2\", \"values\": {\"acls\": 1}}"
    ));
    assert!(!is_policy("vpcs:\n  - name: acls\n"));
    assert!(!is_policy(""));
    assert!(is_device_list(
        "{\"devices\": [{\"addresses\": [\"100.64.0.1\"]}]}"
    ));
    assert!(!is_device_list("{\"acls\": [], \"devices\": 1}"));
    assert!(is_user_list(
        "{\"users\": [{\"loginName\": \"a@example.com\"}]}"
    ));
    assert!(!is_user_list("{\"devices\": []}"));
}

#[test]
fn pointers_map_back_to_lines_and_columns() {
    let text = "// c\n{\n  \"acls\": [\n    {\"action\": \"accept\",\n     \"dst\": [\"a:1\", \"b/c:2\"]},\n  ],\n  \"x~y/z\": 1,\n}";
    let at = |p: &str| vpcnet_tailscale::position(text, p);
    assert_eq!(at(""), Some((2, 1)));
    assert_eq!(at("/acls"), Some((3, 3)));
    assert_eq!(at("/acls/0"), Some((4, 5)));
    assert_eq!(at("/acls/0/dst/1"), Some((5, 21)));
    assert_eq!(at("/x~0y~1z"), Some((7, 3)));
    // Beyond the document: the nearest parent.
    assert_eq!(at("/acls/0/src/3"), Some((4, 5)));
    assert_eq!(at("/acls/9"), Some((3, 3)));
    assert_eq!(vpcnet_tailscale::position("{", "/a"), None);
}
