//! Reading inputs: files or built-in examples, merged into one network, with every
//! finding located at a line and column where the text allows.
//!
//! Inputs are recognised by what they hold, not their names, and load in the order
//! given — except the Tailscale documents (a policy file, a device list, a user list),
//! which load last, whatever their place, because a device is tied to an interface
//! another input declares.
//!
//! **Merging a tailnet.** With a Tailscale document among the inputs, the tailnet's
//! nodes are built from the devices, and a spec's `tailnet.nodes` entries become
//! statements about them: an entry whose `name` is a device's MagicDNS name (or its
//! first label, or its host name, ignoring case) sets each value it states on that
//! device — `accept_routes` and `snat`, which the API does not report, and also the
//! address, `instance`/`interface`, non-empty `routes`, `exit_node`, `os`, `fqdn` and
//! `id`, with a note where the address or routes disagree with the device list (an
//! empty `address: ""` states none) — and an entry that names no device is a node of its own. Its
//! `instance` or `interface` may then name one from any input (an AWS snapshot's
//! instance, by id or `Name` tag). The policy file, when given, decides access, and the
//! spec's `tailnet.acls` go unused (a note says so); without one, the spec's rules
//! still decide, its node names read as the addresses it states. Without Tailscale
//! documents a spec's tailnet loads as the spec alone says.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use vpcnet_model::{Diagnostic, Location, Network, NetworkBuilder, Severity};
use vpcnet_spec::Lenient;
use vpcnet_tailscale::{Doc, Host, Node, Policy, Stated, User};

use crate::BadInput;

/// A loaded network, its findings, and the texts they point into.
pub(crate) struct Loaded {
    pub(crate) network: Network,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) texts: HashMap<String, String>,
}

impl Loaded {
    pub(crate) fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// What an input is, judged by what it holds rather than its name.
enum Source {
    /// Spec text (YAML or JSON).
    Spec(String),
    /// An AWS snapshot directory (the Batfish layout).
    AwsSnapshot,
}

fn read(input: &str) -> anyhow::Result<Source> {
    if let Some(name) = input.strip_prefix("example:") {
        return match vpcnet_spec::examples::get(name) {
            Some(text) => Ok(Source::Spec(text.to_owned())),
            None => Err(BadInput(format!("no built-in example `{name}`")).into()),
        };
    }
    let path = std::path::Path::new(input);
    if path.is_dir() {
        if vpcnet_aws::is_snapshot_dir(path) {
            return Ok(Source::AwsSnapshot);
        }
        return Err(BadInput(format!(
            "`{input}` is a directory but not an AWS snapshot (no `aws_configs/` in it)"
        ))
        .into());
    }
    std::fs::read(path)
        .map_err(|e| BadInput(format!("cannot read `{input}`: {e}")).into())
        .and_then(|bytes| {
            String::from_utf8(bytes).map(Source::Spec).map_err(|e| {
                BadInput(format!(
                    "`{input}` is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
                .into()
            })
        })
}

/// The Tailscale documents among the inputs, read.
#[derive(Default)]
struct TailscaleDocs {
    policy: Option<(String, String, Policy)>,
    devices: Option<(String, String, Vec<Node>)>,
    users: Option<(String, Vec<User>)>,
    /// Findings of reading them, located.
    diagnostics: Vec<Diagnostic>,
    texts: Vec<(String, String)>,
}

impl TailscaleDocs {
    fn any(&self) -> bool {
        self.policy.is_some() || self.devices.is_some() || self.users.is_some()
    }

    /// Reads `text` if it is a Tailscale document; gives it back otherwise.
    fn take(&mut self, input: &str, text: String) -> anyhow::Result<Option<String>> {
        let bad = |e: vpcnet_tailscale::TsError| BadInput(e.to_string());
        let one = |what: &str, earlier: &Option<String>| -> anyhow::Result<()> {
            match earlier {
                Some(first) => Err(BadInput(format!(
                    "`{first}` and `{input}` are both {what}; a network has one tailnet"
                ))
                .into()),
                None => Ok(()),
            }
        };
        if vpcnet_tailscale::is_policy(&text) {
            one(
                "tailnet policy files",
                &self.policy.as_ref().map(|p| p.0.clone()),
            )?;
            let (p, d) = vpcnet_tailscale::parse_policy(input, &text).map_err(bad)?;
            self.diagnostics.extend(d);
            self.policy = Some((input.to_owned(), text, p));
        } else if vpcnet_tailscale::is_user_list(&text) && !vpcnet_tailscale::is_device_list(&text)
        {
            one(
                "Tailscale user lists",
                &self.users.as_ref().map(|u| u.0.clone()),
            )?;
            let (u, d) = vpcnet_tailscale::parse_users(input, &text).map_err(bad)?;
            self.diagnostics.extend(d);
            self.users = Some((input.to_owned(), u));
            self.texts.push((input.to_owned(), text));
        } else if vpcnet_tailscale::is_device_list(&text) {
            one(
                "Tailscale device lists",
                &self.devices.as_ref().map(|d| d.0.clone()),
            )?;
            let (n, d) = vpcnet_tailscale::parse_devices(input, &text).map_err(bad)?;
            self.diagnostics.extend(d);
            self.devices = Some((input.to_owned(), text, n));
        } else {
            return Ok(Some(text));
        }
        Ok(None)
    }
}

/// Loads every input into one network. Fails (exit 2) when an input cannot be read or
/// is not a spec at all; findings inside a spec are returned, not fatal.
pub(crate) fn load(inputs: &[String], before: bool) -> anyhow::Result<Loaded> {
    let mut builder = NetworkBuilder::new();
    let mut texts = HashMap::new();
    // JSON documents other than specs (Terraform), located with the JSON locator.
    let mut json_texts: HashMap<String, String> = HashMap::new();
    let mut snapshot_files = false;
    let mut tailscale = TailscaleDocs::default();
    let mut others = Vec::new();
    for input in inputs {
        match read(input)? {
            Source::Spec(text) if vpcnet_terraform::is_terraform_json(&text) => {
                others.push((input, Source::Spec(text)));
            }
            Source::Spec(text) => {
                if let Some(text) = tailscale.take(input, text)? {
                    others.push((input, Source::Spec(text)));
                }
            }
            Source::AwsSnapshot => others.push((input, Source::AwsSnapshot)),
        }
    }
    let mut stated = Vec::new();
    let mut extra = Vec::new();
    for (input, source) in others {
        match source {
            Source::Spec(text) if vpcnet_terraform::is_terraform_json(&text) => {
                let which = if before {
                    vpcnet_terraform::Which::Prior
                } else {
                    vpcnet_terraform::Which::Planned
                };
                vpcnet_terraform::load_into(&mut builder, input, &text, which)
                    .map_err(|e| BadInput(format!("`{input}`: {e}")))?;
                json_texts.insert(input.clone(), text);
            }
            Source::Spec(text) => {
                let mut spec = match vpcnet_spec::parse(Some(input), &text) {
                    Ok(spec) => spec,
                    Err(e) => {
                        let d = e.to_diagnostic();
                        return Err(crate::Reported(
                            render_diagnostic(&d, Some(&text)).trim_end().to_owned(),
                        )
                        .into());
                    }
                };
                if tailscale.any() {
                    let policy = tailscale.policy.as_ref().map(|p| p.0.as_str());
                    let (s, d) = take_tailnet(&mut spec, input, policy);
                    stated.extend(s);
                    extra.extend(d);
                }
                vpcnet_spec::lower_into(&mut builder, Some(input), &spec);
                texts.insert(input.clone(), text);
            }
            Source::AwsSnapshot => {
                vpcnet_aws::load_snapshot(&mut builder, std::path::Path::new(input))
                    .map_err(|e| BadInput(format!("`{input}`: {e}")))?;
                snapshot_files = true;
            }
        }
    }
    if tailscale.any() {
        let TailscaleDocs {
            mut policy,
            mut devices,
            users,
            diagnostics,
            texts: list_texts,
        } = tailscale;
        extra.extend(diagnostics);
        let inputs = vpcnet_tailscale::Inputs {
            policy: policy.as_mut().map(|(file, text, p)| Doc {
                file,
                text,
                value: std::mem::take(p),
            }),
            devices: devices.as_mut().map(|(file, text, n)| Doc {
                file,
                text,
                value: std::mem::take(n),
            }),
            users: users.map(|u| u.1).unwrap_or_default(),
            stated,
        };
        extra.extend(vpcnet_tailscale::load_into(&mut builder, inputs));
        for (file, text) in policy
            .map(|(f, t, _)| (f, t))
            .into_iter()
            .chain(devices.map(|(f, t, _)| (f, t)))
            .chain(list_texts)
        {
            json_texts.insert(file, text);
        }
    }
    let (network, mut diagnostics) = builder.finish();
    diagnostics.extend(extra);
    for (file, text) in &texts {
        vpcnet_spec::locate(file, text, &mut diagnostics);
    }
    for (file, text) in json_texts {
        if vpcnet_terraform::is_terraform_json(&text) {
            vpcnet_aws::locate(&file, &text, &mut diagnostics);
        } else {
            vpcnet_tailscale::locate(&file, &text, &mut diagnostics);
        }
        texts.insert(file, text);
    }
    if snapshot_files {
        locate_snapshot_files(&mut diagnostics, &mut texts);
    }
    Ok(Loaded {
        network,
        diagnostics,
        texts,
    })
}

/// A spec's `tailnet` when Tailscale documents are among the inputs: its nodes become
/// statements about the devices (see the module's documentation), and its address
/// rules give way to a policy file. Findings about the entries it takes out are made
/// here as the spec's lowering would make them.
fn take_tailnet(
    spec: &mut vpcnet_spec::Spec,
    file: &str,
    policy: Option<&str>,
) -> (Vec<Stated>, Vec<Diagnostic>) {
    let mut stated = Vec::new();
    let mut diags = Vec::new();
    let Some(t) = spec.tailnet.as_mut() else {
        return (stated, diags);
    };
    let at = |ptr: &str| Some(Location::pointer(Some(file), ptr));
    let mut addresses: HashMap<String, String> = HashMap::new();
    for (i, item) in std::mem::take(&mut t.nodes).into_iter().enumerate() {
        let ptr = format!("/tailnet/nodes/{i}");
        let n = match item {
            Lenient::Ok(n) => n,
            Lenient::Err(e) => {
                let d = Diagnostic::error("SPEC_INVALID", e.message);
                diags.push(d.at(at(&format!("{ptr}{}", e.pointer))));
                continue;
            }
        };
        let address = match n.address.trim() {
            "" => None,
            text => match text.parse::<Ipv4Addr>() {
                Ok(a) => Some(a),
                Err(_) => {
                    let msg = format!("`{text}` is not an IPv4 address such as `10.0.1.5`");
                    diags.push(
                        Diagnostic::error("BAD_ADDRESS", msg).at(at(&format!("{ptr}/address"))),
                    );
                    continue;
                }
            },
        };
        let host = match (n.instance, n.interface) {
            (Some(i), None) => Some(Host::Instance(i)),
            (None, Some(e)) => Some(Host::Interface(e)),
            (None, None) => None,
            (Some(_), Some(_)) => {
                let msg = format!(
                    "node `{}` runs on an `instance` or an `interface`, not both",
                    n.name
                );
                diags.push(Diagnostic::error("BAD_VALUE", msg).at(at(&ptr)));
                continue;
            }
        };
        let mut routes = Vec::new();
        for (j, r) in n.routes.iter().enumerate() {
            match r.trim().parse::<Ipv4Net>() {
                Ok(net) => routes.push(net.trunc()),
                Err(_) => {
                    let msg = format!("`{r}` is not an IPv4 CIDR such as `10.0.0.0/16`");
                    diags.push(
                        Diagnostic::error("BAD_CIDR", msg).at(at(&format!("{ptr}/routes/{j}"))),
                    );
                }
            }
        }
        if !n.address.trim().is_empty() {
            addresses.insert(n.name.clone(), n.address.trim().to_owned());
        }
        stated.push(Stated {
            name: n.name,
            id: n.id,
            fqdn: n.fqdn,
            address,
            host,
            routes: (!routes.is_empty()).then_some(routes),
            exit_node: n.exit_node.then_some(true),
            uses_exit_node: n.uses_exit_node,
            accept_routes: n.accept_routes,
            snat: n.snat,
            os: n.os,
            origin: at(&ptr),
        });
    }
    match policy {
        Some(policy) => {
            if t.acls.take().is_some() {
                let msg = format!(
                    "the policy file `{policy}` decides the tailnet's access; these address rules are not used"
                );
                diags.push(Diagnostic::note("TAILNET_ACLS_UNUSED", msg).at(at("/tailnet/acls")));
            }
        }
        None => {
            // The rules name nodes the spec no longer lowers: write their addresses.
            for acl in t.acls.iter_mut().flatten() {
                let Lenient::Ok(acl) = acl else {
                    continue;
                };
                for s in &mut acl.src {
                    if let Some(a) = addresses.get(s.as_str()) {
                        *s = a.clone();
                    }
                }
                for d in &mut acl.dst {
                    let named = d
                        .rsplit_once(':')
                        .and_then(|(h, ports)| addresses.get(h).map(|a| format!("{a}:{ports}")));
                    if let Some(x) = named {
                        *d = x;
                    }
                }
            }
        }
    }
    (stated, diags)
}

/// Snapshot findings name the JSON file they point into: read each such file once to
/// turn pointers into lines and columns (and to show the line).
fn locate_snapshot_files(diagnostics: &mut [Diagnostic], texts: &mut HashMap<String, String>) {
    let mut files: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref())
        .filter(|l| l.line.is_none() && l.pointer.is_some())
        .filter_map(|l| l.file.clone())
        .filter(|f| !texts.contains_key(f))
        .collect();
    files.sort();
    files.dedup();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        vpcnet_aws::locate(&file, &text, diagnostics);
        texts.insert(file, text);
    }
}

/// A diagnostic for people: the message, where, and the line it points at.
pub(crate) fn render_diagnostic(d: &Diagnostic, text: Option<&str>) -> String {
    let src = d
        .location
        .as_ref()
        .and_then(|l| l.line)
        .zip(text)
        .and_then(|(line, t)| t.lines().nth(line.saturating_sub(1) as usize));
    render_located(d, src)
}

/// [`render_diagnostic`] with the source line already found.
fn render_located(d: &Diagnostic, src: Option<&str>) -> String {
    let mut out = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    if let Some(loc) = &d.location {
        out.push_str(&format!("  --> {loc}\n"));
        if let (Some(src), Some(line), Some(col)) = (src, loc.line, loc.column) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let (shown, col) = excerpt(src, col.saturating_sub(1) as usize);
            out.push_str(&format!("  {pad} |\n  {num} | {shown}\n"));
            let caret_at = shown
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
            out.push_str(&format!("  {pad} | {caret_at}^\n"));
        }
    }
    out
}

/// Characters of a source line shown on each side of the column: a JSON file written
/// on one line (as `vpcnet generate` and many exporters do) is not printed whole for
/// every finding.
const EXCERPT: usize = 60;

/// The part of `line` shown around character `col` (0-based), with `…` where it is
/// cut, and the column within it.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= 2 * EXCERPT + 20 {
        return (line.to_owned(), col);
    }
    let from = col.saturating_sub(EXCERPT);
    let to = (col + EXCERPT).min(len);
    let mut shown = String::new();
    let mut at = col - from;
    if from > 0 {
        shown.push('…');
        at += 1;
    }
    shown.extend(line.chars().skip(from).take(to - from));
    if to < len {
        shown.push('…');
    }
    (shown, at)
}

/// The byte offset where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Line `line` (1-based) of `text`, without its line ending.
fn line_at<'t>(text: &'t str, starts: &[usize], line: u32) -> Option<&'t str> {
    let i = (line as usize).checked_sub(1)?;
    let from = *starts.get(i)?;
    let to = starts.get(i + 1).copied().unwrap_or(text.len());
    let l = text.get(from..to)?;
    let l = l.strip_suffix('\n').unwrap_or(l);
    Some(l.strip_suffix('\r').unwrap_or(l))
}

/// Every diagnostic for people. Each file's lines are indexed once, so thousands of
/// findings in a large file cost one pass over it.
pub(crate) fn render_diagnostics(loaded: &Loaded) -> String {
    let mut out = String::new();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for d in &loaded.diagnostics {
        let loc = d.location.as_ref();
        let file = loc.and_then(|l| l.file.as_deref());
        let src = match (file, loc.and_then(|l| l.line)) {
            (Some(f), Some(line)) => loaded.texts.get(f).and_then(|text| {
                let starts = index.entry(f).or_insert_with(|| line_starts(text));
                line_at(text, starts, line)
            }),
            _ => None,
        };
        out.push_str(&render_located(d, src));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, col) = excerpt(&line, 5000);
        assert!(
            shown.chars().count() <= 2 * super::EXCERPT + 2,
            "{}",
            shown.len()
        );
        assert_eq!(shown.chars().nth(col), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let (short, c) = excerpt("  cidr: 10.0.0.0/33", 8);
        assert_eq!((short.as_str(), c), ("  cidr: 10.0.0.0/33", 8));
    }
}
