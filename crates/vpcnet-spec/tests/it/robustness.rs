//! No input makes the loader panic: random text, the built-in example broken in random
//! ways, and the hostile inputs that broke YAML loaders elsewhere. Every finding that
//! points into the document names the document, and its line lies inside it.
//!
//! The cases are few and seeded (set `PROPTEST_RNG_SEED` or `PROPTEST_CASES` to
//! explore more); the open-ended search is `fuzz/` (`scripts/fuzz-smoke`). A failure
//! found either way becomes a named test at the end of this file.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed};
use vpcnet_model::{Diagnostic, NetworkBuilder};
use vpcnet_spec::{examples::CROSS_VPC, SpecError};

const FILE: &str = "spec.yaml";

/// Loads `text` the way a front end does (load, finish, locate) and checks where every
/// finding points.
fn load(text: &str) -> (Result<(), SpecError>, Vec<Diagnostic>) {
    let mut builder = NetworkBuilder::new();
    let loaded = vpcnet_spec::load_into(&mut builder, Some(FILE), text);
    let (_network, mut diags) = builder.finish();
    if let Err(e) = &loaded {
        diags.push(e.to_diagnostic());
    }
    vpcnet_spec::locate(FILE, text, &mut diags);
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`. The end of the input counts
    // as one more line: the YAML scanner reports "unexpected end" on the line after
    // the last, even when the text does not end with a line break.
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 2;
    for d in &diags {
        let Some(loc) = &d.location else { continue };
        if loc.pointer.is_some() {
            assert_eq!(
                loc.file.as_deref(),
                Some(FILE),
                "finding not in the input: {d}"
            );
        }
        if let Some(line) = loc.line {
            assert!(
                (1..=lines).contains(&line),
                "line {line} past the end of the input (line {lines}): {d}"
            );
        }
    }
    (loaded, diags)
}

/// Loads `text` only to see that nothing panics and every finding points well.
fn survives(text: &str) {
    let _ = load(text);
}

/// Seeded unless the environment asks otherwise, so a run is repeatable.
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(0x7670_636e_6574);
    }
    // Failures become named tests below, not files next to the sources.
    config.failure_persistence = None;
    config
}

/// Pieces of YAML (and of spec) that random text is made of.
const TOKENS: &[&str] = &[
    "vpcs:",
    "subnets:",
    "route_tables:",
    "routes:",
    "peerings:",
    "instances:",
    "security_groups:",
    "network_acls:",
    "ingress:",
    "egress:",
    "name: a",
    "name: b",
    "cidr: 10.0.0.0/16",
    "cidr: 10.0.1.0/24",
    "destination: 0.0.0.0/0",
    "peering: a",
    "internet_gateway: igw",
    "nat_gateway: nat",
    "private_ip: 10.0.1.10",
    "ports: 443",
    "protocol: tcp",
    "action: allow",
    "main: true",
    "account: '1'",
    "- ",
    "-",
    ":",
    ": ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "|",
    ">",
    "#",
    "'",
    "\"",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "---\n",
    "...\n",
    "~",
    "null",
    "1",
    "-1",
    "99999999999999999999",
    "0x1F",
    "1e309",
    "10.0.0.0/33",
    "256.0.0.1",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..64).prop_map(|t| t.concat())
}

/// One change to a text.
#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    Replace(Index, char),
    Insert(Index, &'static str),
    SwapIndent(Index, Index),
}

fn replacement_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(
            &[
                ':', '-', ' ', '\t', '\n', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '#',
                '\'', '"', '?', '%', '@', '`', '0', '9', '.', '/', 'a', '\u{0}', '\u{feff}',
            ][..]
        ),
        any::<char>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), replacement_char()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        (any::<Index>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapIndent(a, b)),
    ]
}

/// The byte offset of the `index`-th character boundary of `text`.
fn boundary(text: &str, index: &Index) -> usize {
    let count = text.chars().count();
    let n = index.index(count + 1);
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    match m {
        Mutation::Truncate(i) => return text[..boundary(text, i)].to_owned(),
        Mutation::Replace(i, c) => {
            let at = boundary(text, i);
            let mut out = text[..at].to_owned();
            out.push(*c);
            out.push_str(text[at..].chars().skip(1).collect::<String>().as_str());
            return out;
        }
        Mutation::Insert(i, t) => {
            let at = boundary(text, i);
            return format!("{}{t}{}", &text[..at], &text[at..]);
        }
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::DuplicateLine(i) => {
            let at = i.index(lines.len());
            lines.insert(at, lines[at].clone());
        }
        Mutation::SwapIndent(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            let split = |l: &str| {
                let n = l.len() - l.trim_start_matches([' ', '\t']).len();
                (l[..n].to_owned(), l[n..].to_owned())
            };
            let ((ia, ra), (ib, rb)) = (split(&lines[a]), split(&lines[b]));
            lines[a] = format!("{ib}{ra}");
            lines[b] = format!("{ia}{rb}");
        }
    }
    lines.join("\n")
}

fn mutated_example() -> impl Strategy<Value = String> {
    prop::collection::vec(mutation(), 1..6).prop_map(|ms| {
        ms.iter()
            .fold(CROSS_VPC.to_owned(), |text, m| apply(&text, m))
    })
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn any_string_loads_or_fails_cleanly(text in any::<String>()) {
        survives(&text);
    }

    #[test]
    fn printable_text_loads_or_fails_cleanly(text in "[ -~\t\n]{0,400}") {
        survives(&text);
    }

    #[test]
    fn yaml_token_soup_loads_or_fails_cleanly(text in token_soup()) {
        survives(&text);
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn broken_example_loads_or_fails_cleanly(text in mutated_example()) {
        survives(&text);
    }
}

#[test]
fn the_example_loads_without_errors() {
    let (loaded, diags) = load(CROSS_VPC);
    assert!(loaded.is_ok());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == vpcnet_model::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn empty_input() {
    assert!(load("").0.is_err());
    assert!(load("   \n\n# only a comment\n").0.is_err());
}

#[test]
fn unclosed_flow_sequence() {
    let (loaded, _) = load("[");
    let e = loaded.unwrap_err();
    assert_eq!(e.location.file.as_deref(), Some(FILE));
    assert!(e.location.line.is_some());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(100_000);
    assert!(load(&deep).0.is_err());
    let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(load(&closed).0.is_err());
    let braces = format!("vpcs: {}", "{a: ".repeat(100_000));
    assert!(load(&braces).0.is_err());
    let json = format!("{{\"vpcs\": {}", "[".repeat(100_000));
    assert!(load(&json).0.is_err());
    let block: String = (0..2_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    assert!(load(&block).0.is_err());
}

#[test]
fn alias_bomb_is_refused() {
    let bomb = "\
a: &a [x,x,x,x,x,x,x,x,x,x]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
vpcs: *i
";
    let e = load(bomb).0.unwrap_err();
    assert!(e.message.contains("too many"), "{e}");
    // The same bomb where the spec reads it.
    let nested = format!(
        "vpcs:\n  - name: x\n    tags: {{k: v}}\n{}",
        bomb.replace("vpcs: *i\n", "")
    );
    assert!(load(&nested).0.is_err());
}

#[test]
fn huge_numbers() {
    let big = "9".repeat(10_000);
    survives(&format!("vpcs: {big}\n"));
    survives(&format!("vpcs:\n  - name: a\n    cidr: 10.0.0.0/16\n    subnets:\n      - {{name: s, cidr: 10.0.0.0/24, az: {big}}}\n"));
    survives(&format!("vpcs: [{{name: a, cidr: 10.0.0.0/{big}}}]\n"));
    survives("vpcs: [{name: a, cidr: 10.0.0.0/16, route_tables: [{name: r, routes: [{destination: 0.0.0.0/0, local: true}]}], network_acls: [{name: n, ingress: [{rule: 18446744073709551616, action: allow, protocol: all, cidr: 0.0.0.0/0}]}]}]\n");
    survives("vpcs: [{name: a, cidr: 10.0.0.0/16, network_acls: [{name: n, ingress: [{rule: -1, action: allow, protocol: tcp, ports: 70000-1, cidr: 0.0.0.0/0}]}]}]\n");
    survives("a: 1e999999\nb: -0x1\nc: 0o9\nd: .inf\ne: -.nan\n");
}

#[test]
fn tabs() {
    assert!(load("vpcs:\n\t- name: a\n").0.is_err());
    survives("vpcs:\n  - name:\ta\n    cidr:\t10.0.0.0/16\n");
    survives("\t");
}

#[test]
fn vpcs_is_a_number() {
    let (loaded, diags) = load("vpcs: 5");
    let e = loaded.unwrap_err();
    assert_eq!(e.location.pointer.as_deref(), Some("/vpcs"));
    // `locate` gives the same finding, as a diagnostic, its line.
    let located = diags.last().and_then(|d| d.location.as_ref());
    assert_eq!(located.and_then(|l| l.line), Some(1), "{diags:#?}");
}

#[test]
fn a_vpc_is_a_number() {
    // One bad item is a finding on that item; the document still loads.
    let (loaded, diags) = load("vpcs: [1]");
    assert!(loaded.is_ok());
    assert!(
        diags.iter().any(|d| d
            .location
            .as_ref()
            .is_some_and(|l| l.pointer.as_deref() == Some("/vpcs/0") && l.line == Some(1))),
        "{diags:#?}"
    );
}

#[test]
fn duplicate_keys() {
    let e = load("vpcs: []\nvpcs: []\n").0.unwrap_err();
    assert!(e.message.contains("duplicate key"), "{e}");
    assert_eq!(e.location.line, Some(2));
    survives("vpcs:\n  - name: a\n    name: b\n    cidr: 10.0.0.0/16\n");
    survives("{\"vpcs\": [], \"vpcs\": []}");
}

#[test]
fn line_breaks_of_every_kind() {
    // A lone carriage return breaks a YAML line as `\n` and `\r\n` do, so the bad item
    // is on line 2 in all three.
    for text in ["vpcs:\n  - 1\n", "vpcs:\r\n  - 1\r\n", "vpcs:\r  - 1\r"] {
        let (loaded, diags) = load(text);
        assert!(loaded.is_ok(), "{text:?}");
        let lines: Vec<Option<u32>> = diags
            .iter()
            .filter_map(|d| d.location.as_ref())
            .filter(|l| l.pointer.as_deref() == Some("/vpcs/0"))
            .map(|l| l.line)
            .collect();
        assert_eq!(lines, [Some(2)], "{text:?}: {diags:#?}");
    }
    // The end of a one-line input is reported on line 2.
    survives("vpcs: [");
    survives("\r\r\r[");
}
