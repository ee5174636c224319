//! `vpcnet resolve`: a DNS name as one VPC's resolver sees it.

use std::process::ExitCode;

use vpcnet_engine::{resolve_name, resolve_source, Endpoint, Resolution};
use vpcnet_model::{Network, RecordType, VpcIdx};

use crate::cli::{Format, QueryType, ResolveArgs};
use crate::input;
use crate::wire;
use crate::BadInput;

/// The VPC that asks: a VPC named directly, else the VPC of the source endpoint;
/// `None` for the internet.
fn asking_vpc(net: &Network, from: &str) -> anyhow::Result<Option<VpcIdx>> {
    let text = from.trim();
    let direct = net.by_id_as::<VpcIdx>(text).or_else(|| {
        let vpcs: Vec<VpcIdx> = net
            .by_name(text)
            .iter()
            .filter_map(|i| VpcIdx::try_from(*i).ok())
            .collect();
        (vpcs.len() == 1).then(|| vpcs[0])
    });
    if direct.is_some() {
        return Ok(direct);
    }
    match resolve_source(net, text).map_err(|e| BadInput(format!("--from: {e}")))? {
        Endpoint::Interface { eni, .. } => Ok(Some(net.vpc_of_eni(eni))),
        Endpoint::Internet { .. } | Endpoint::Site { .. } | Endpoint::Node { .. } => Ok(None),
    }
}

pub(crate) fn run(args: &ResolveArgs) -> anyhow::Result<ExitCode> {
    let loaded = input::load(&args.inputs.inputs, args.inputs.before)?;
    let errors = loaded.errors();
    if errors > 0 {
        eprint!("{}", input::render_diagnostics(&loaded));
        eprintln!("warning: the input has {errors} error(s); the answer covers what loaded");
    }
    let net = &loaded.network;
    if let Err(why) = vpcnet_model::dns_name(&args.name) {
        return Err(BadInput(format!("`{}` is not a DNS name: {why}", args.name)).into());
    }
    let vpc = asking_vpc(net, &args.from)?;
    let rtype = match args.rtype {
        QueryType::A => RecordType::A,
        QueryType::Aaaa => RecordType::Aaaa,
    };
    let r = resolve_name(net, vpc, &args.name, rtype);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&wire::resolution(net, &r))? + "\n",
        Format::Text => render_text(net, &r, &args.from),
    };
    crate::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The resolution for people: the answer first, then every step.
pub(crate) fn render_text(net: &Network, r: &Resolution, from: &str) -> String {
    let asker = match r.vpc {
        Some(v) => format!(
            "the resolver of VPC {} at {}",
            net.vpc(v).meta.label(),
            vpcnet_engine::resolver_ip(net, v)
        ),
        None => "public DNS".to_owned(),
    };
    let mut out = match (&r.failure, r.answers.is_empty()) {
        (Some(f), _) => format!(
            "UNRESOLVED: {} {} from {from}, asked of {asker}\n  {}: {}\n",
            r.name,
            r.rtype.as_str(),
            f.code,
            f.message
        ),
        (None, true) => format!(
            "UNRESOLVED: {} {} from {from}, asked of {asker}\n",
            r.name,
            r.rtype.as_str()
        ),
        (None, false) => {
            let answers: Vec<String> = r.answers.iter().map(ToString::to_string).collect();
            format!(
                "{} {} from {from}, asked of {asker}:\n  {}\n",
                r.name,
                r.rtype.as_str(),
                answers.join("\n  ")
            )
        }
    };
    out.push_str("\nsteps\n");
    for (i, s) in r.steps.iter().enumerate() {
        let c = wire::component(net, &s.component);
        let who = match &c.name {
            Some(n) if *n != c.component => format!("{} {} ({n})", c.kind, c.component),
            _ => format!("{} {}", c.kind, c.component),
        };
        out.push_str(&format!(
            "  {:>2}. {}  {who}\n      {}\n",
            i + 1,
            s.name,
            s.detail
        ));
    }
    out
}
