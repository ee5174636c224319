//! A Tailscale tailnet as Tailscale stores it — the tailnet policy file (HuJSON) and
//! the API's device and user lists — and its access policy evaluated as Tailscale
//! documents it.
//!
//! ```text
//! parse_policy(file, text)  -> Policy        groups, tagOwners, hosts, ipsets,
//!                                             acls + grants as Rules, autoApprovers, tests
//! parse_devices(file, text) -> Vec<Node>      GET /api/v2/tailnet/{t}/devices?fields=all
//! parse_users(file, text)   -> Vec<User>      GET /api/v2/tailnet/{t}/users (roles)
//! Tailnet::new(policy, nodes)                 allows, approved_routes, router_for,
//!                                             exit_nodes, run_tests
//! load_into(builder, Inputs)                  the devices as mesh nodes on the
//!                                             interfaces they run on, the policy as
//!                                             the mesh's OverlayPolicy
//! ```
//!
//! The design trade-off is between compiling the policy to address rules, as Tailscale's
//! control plane does for the devices it knows, and matching identities. vpcnet matches
//! identities: a selector (`group:eng`, `tag:db`, `autogroup:member`) is checked against
//! a *principal* — the user or tags of a device, and its addresses. Both questions then
//! share one matcher: a packet from a known device (whose addresses are known), and a
//! policy test whose source is "a device of `alice@example.com`", which exists only as
//! an identity — so the policy's own `tests` run without a device list, as they do when
//! Tailscale saves the policy. With a device list, tests that name a tag or user cover
//! every device carrying it. Only where a policy must be written in addresses (the
//! spec's `tailnet.acls`, for `vpcnet export`) is it also compiled, for the known
//! devices, as the control plane would (`compile.rs`); the tests hold the compiled
//! rules to the evaluator's answers.
//!
//! What Tailscale documents, and this crate follows:
//!
//! - Every rule only allows; the first matching ACL, then grant, is named. A policy
//!   with an `acls` or `grants` section (even empty) denies what no rule allows; without
//!   either — and without a policy file — Tailscale's default policy allows everything.
//! - `*` in `src`/`dst` is every Tailscale address and every address of an approved
//!   subnet route. `autogroup:internet` is `0.0.0.0/0` and `2000::/3` without the
//!   private, CGNAT and link-local ranges. A tagged device has no user identity.
//! - Without `proto`, rules cover TCP and UDP; ports apply to TCP, UDP and SCTP only;
//!   ICMP passes between any two addresses a rule connects.
//! - Approved routes are `enabledRoutes` plus advertised routes `autoApprovers` covers
//!   for the device's tags or user (a subnet of an approved route too; exit routes only
//!   through `exitNode`); only routes both approved and advertised carry traffic.
//!
//! What it does not evaluate, and says so with a `NOT_MODELLED` finding: Tailscale SSH
//! rules and tests, node attributes, device posture (a rule requiring posture applies
//! to no source), application capabilities, Tailscale Services.
//!
//! Reading never panics and never stops at the first problem: an entry that cannot be
//! understood is reported as a [`Diagnostic`] located by file, JSON pointer and
//! line:column, and left out (which only ever removes access). `Err` is reserved for
//! text that is not HuJSON at all, or not a policy or list at its top level.

#![deny(missing_docs)]

mod asserts;
mod compile;
mod devices;
mod eval;
mod hujson;
mod overlay;
mod policy;
mod selector;

pub use asserts::{Assertion, Expect};
pub use devices::{Node, User};
pub use eval::{
    is_internet, tailnet_v4, tailnet_v6, Approval, ApprovedRoute, Decision, DefaultPolicy, Denial,
    RouteMatch, RuleMatch, Source, Tailnet,
};
pub use hujson::SyntaxError;
pub use overlay::{load_into, Doc, Host, Inputs, Stated};
pub use policy::{
    AutoApprovers, Dst, Group, HostAlias, IpSet, IpSetOp, IpSetTarget, Policy, PolicyTest,
    RouteApprover, Rule, RuleKind, TagOwner, TestDst,
};
pub use selector::{proto_label, Autogroup, Cap, Ports, Protos, Role, Selector};

use vpcnet_model::Diagnostic;

/// Text that cannot be read as a policy file or list at all.
#[derive(Debug, thiserror::Error)]
pub enum TsError {
    /// Not HuJSON (nor JSON).
    #[error("`{file}`:{}:{}: {}", .error.line, .error.column, .error.message)]
    Syntax {
        /// The file.
        file: String,
        /// Where and what.
        error: SyntaxError,
    },
    /// HuJSON, but not of the expected shape at its top level.
    #[error("`{file}` is not {what}: {reason}")]
    Shape {
        /// The file.
        file: String,
        /// What was expected (`a tailnet policy file`, `a Tailscale device list`).
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Findings in the order of the text.
fn by_position(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by_key(|d| {
        let l = d.location.as_ref();
        (
            l.and_then(|l| l.line).unwrap_or(0),
            l.and_then(|l| l.column).unwrap_or(0),
        )
    });
    diags
}

fn read(file: &str, text: &str) -> Result<hujson::Val, TsError> {
    hujson::parse(text).map_err(|error| TsError::Syntax {
        file: file.to_owned(),
        error,
    })
}

/// Reads a tailnet policy file. Findings are located in `file` by JSON pointer and
/// line:column; `Err` only when the text is not HuJSON or not an object.
pub fn parse_policy(file: &str, text: &str) -> Result<(Policy, Vec<Diagnostic>), TsError> {
    let root = read(file, text)?;
    if !matches!(root.kind, hujson::Kind::Obj(_)) {
        return Err(TsError::Shape {
            file: file.to_owned(),
            what: "a tailnet policy file",
            reason: format!("it is {}, not an object", root.what()),
        });
    }
    Ok(policy::Reader::new(file).read(&root))
}

/// Reads the device list the API returns (`{"devices": [...]}`, best fetched with
/// `?fields=all` so that routes and endpoints are included).
pub fn parse_devices(file: &str, text: &str) -> Result<(Vec<Node>, Vec<Diagnostic>), TsError> {
    let root = read(file, text)?;
    let mut r = devices::ListReader {
        file,
        diags: Vec::new(),
    };
    let nodes = r.devices(&root).map_err(|reason| TsError::Shape {
        file: file.to_owned(),
        what: "a Tailscale device list",
        reason,
    })?;
    Ok((nodes, by_position(r.diags)))
}

/// Reads the user list the API returns (`{"users": [...]}`): logins, roles, shared.
pub fn parse_users(file: &str, text: &str) -> Result<(Vec<User>, Vec<Diagnostic>), TsError> {
    let root = read(file, text)?;
    let mut r = devices::ListReader {
        file,
        diags: Vec::new(),
    };
    let users = r.users(&root).map_err(|reason| TsError::Shape {
        file: file.to_owned(),
        what: "a Tailscale user list",
        reason,
    })?;
    Ok((users, by_position(r.diags)))
}

/// The 1-based line and column of the value at JSON `pointer` in HuJSON `text` (an
/// object member's key, for a pointer to a member); the nearest existing parent when
/// the pointer goes further than the document. `None` when the text is not HuJSON.
pub fn position(text: &str, pointer: &str) -> Option<(u32, u32)> {
    let root = hujson::parse(text).ok()?;
    Some(position_in(&root, pointer))
}

/// [`position`] in a document already read.
pub(crate) fn position_in(root: &hujson::Val, pointer: &str) -> (u32, u32) {
    let mut at = root;
    let mut pos = root.pos;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let next = match &at.kind {
            hujson::Kind::Obj(members) => members
                .iter()
                .rev()
                .find(|m| m.key == seg)
                .map(|m| (&m.val, m.key_pos)),
            hujson::Kind::Arr(items) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|v| (v, v.pos)),
            _ => None,
        };
        let Some((v, p)) = next else {
            break;
        };
        at = v;
        pos = p;
    }
    (pos.line, pos.col)
}

/// Fills in line and column for every finding located in `file` by pointer only,
/// reading `text` once.
pub fn locate(file: &str, text: &str, diags: &mut [Diagnostic]) {
    let wanted = |d: &Diagnostic| {
        d.location.as_ref().is_some_and(|l| {
            l.line.is_none() && l.pointer.is_some() && l.file.as_deref() == Some(file)
        })
    };
    if !diags.iter().any(wanted) {
        return;
    }
    let Ok(root) = hujson::parse(text) else {
        return;
    };
    for d in diags.iter_mut() {
        if !wanted(d) {
            continue;
        }
        if let Some(l) = d.location.as_mut() {
            let (line, column) = position_in(&root, l.pointer.as_deref().unwrap_or(""));
            l.line = Some(line);
            l.column = Some(column);
        }
    }
}

/// The text after a byte-order mark, leading whitespace and comments.
fn body(text: &str) -> &str {
    let mut t = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(rest) = t.strip_prefix("//") {
            t = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = t.strip_prefix("/*") {
            t = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return t;
        }
    }
}

/// The keys of the top-level object of HuJSON `text`, lower-cased, without reading
/// the values: strings one level deep that a colon follows. Empty when the text is not
/// an object. A linear scan that allocates only the keys, so that sniffing a large
/// JSON document (a spec, a Terraform plan) stays cheap.
fn top_level_keys(text: &str) -> Vec<String> {
    let b = body(text).as_bytes();
    let mut keys = Vec::new();
    if b.first() != Some(&b'{') {
        return keys;
    }
    let mut depth = 0usize;
    let mut i = 0;
    // The last string closed at depth 1, waiting to see whether a colon follows.
    let mut pending: Option<(usize, usize)> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                pending = (depth == 1).then_some((start, i.min(b.len())));
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b':' => {
                if let Some((s, e)) = pending.take() {
                    let key = String::from_utf8_lossy(&b[s..e]).to_ascii_lowercase();
                    keys.push(key);
                }
            }
            b'{' | b'[' => {
                depth += 1;
                pending = None;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                pending = None;
                if depth == 0 {
                    break;
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => pending = None,
        }
        i += 1;
    }
    keys
}

/// A cheap look at `text`: whether it is an object (after comments) with a top-level
/// key only a tailnet policy file has (`acls`, `grants`, `tagOwners`, `autoApprovers`,
/// `ssh`, `nodeAttrs`, or `groups` holding `group:` names), in any ASCII case, and is
/// not Terraform JSON. A spec in JSON whose `tailnet` holds `acls` is not a policy: the
/// key is not at the top. It does not parse; [`parse_policy`] says what is wrong with a
/// file that only looks right.
pub fn is_policy(text: &str) -> bool {
    let t = body(text);
    if !t.starts_with('{') {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    if lower.contains("\"format_version\"") {
        return false;
    }
    let keys = top_level_keys(t);
    let has = |k: &str| keys.iter().any(|x| x == k);
    [
        "acls",
        "grants",
        "tagowners",
        "autoapprovers",
        "ssh",
        "nodeattrs",
    ]
    .iter()
    .any(|k| has(k))
        || (has("groups") && lower.contains("\"group:"))
}

/// A cheap look at `text`: whether it is a JSON object with a top-level `devices` and
/// `addresses` in it, as the device list API returns it.
pub fn is_device_list(text: &str) -> bool {
    let t = body(text);
    t.starts_with('{')
        && t.contains("\"addresses\"")
        && top_level_keys(t).iter().any(|k| k == "devices")
}

/// A cheap look at `text`: whether it is a JSON object with a top-level `users` and
/// `loginName` in it, as the user list API returns it.
pub fn is_user_list(text: &str) -> bool {
    let t = body(text);
    t.starts_with('{')
        && t.contains("\"loginName\"")
        && top_level_keys(t).iter().any(|k| k == "users")
}
