//! The JSON output contract (DESIGN.md): wire types owned by the CLI, converted
//! explicitly from the engine's values. Field names here are a promise to scripts.

use serde::Serialize;
use vpcnet_engine::reach::{spans_text, Flow, Protocols};
use vpcnet_engine::{
    Action, Blocked, Component, Hop, Packet, Path, Query, Resolution, Trace, TranslationKind,
};
use vpcnet_model::{Diagnostic, Network};

#[derive(Serialize)]
pub(crate) struct WireComponent {
    pub(crate) component: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) name: Option<String>,
}

pub(crate) fn component(net: &Network, c: &Component) -> WireComponent {
    match c {
        Component::Resource(idx) => {
            let meta = net.meta(*idx);
            WireComponent {
                component: meta.id.clone(),
                kind: idx.kind().to_owned(),
                name: meta.name.clone(),
            }
        }
        Component::Internet => WireComponent {
            component: "internet".to_owned(),
            kind: "internet".to_owned(),
            name: None,
        },
        Component::External { kind, id } => WireComponent {
            component: id.clone(),
            kind: (*kind).to_owned(),
            name: None,
        },
    }
}

/// A component for people: `internet`, or its type and label (`instance sonarqube
/// (i-sonarqube)` with a Name tag, `transit-gateway tgw-1` without).
pub(crate) fn component_label(net: &Network, c: &Component) -> String {
    let w = component(net, c);
    match (c, w.name) {
        (Component::Internet, _) => w.component,
        (_, Some(name)) if name != w.component => {
            format!("{} {name} ({})", w.kind, w.component)
        }
        _ => format!("{} {}", w.kind, w.component),
    }
}

#[derive(Serialize)]
pub(crate) struct WirePacket {
    src: String,
    dst: String,
    protocol: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dst_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icmp_code: Option<u8>,
}

/// A packet as `trace` and `diff` write it: ports for TCP, UDP and SCTP, type and
/// code for ICMP.
fn packet(p: &Packet) -> WirePacket {
    WirePacket {
        src: p.src.to_string(),
        dst: p.dst.to_string(),
        protocol: p.protocol,
        src_port: p.has_ports().then_some(p.src_port),
        dst_port: p.has_ports().then_some(p.dst_port),
        icmp_type: p.is_icmp().then_some(p.icmp_type),
        icmp_code: p.is_icmp().then_some(p.icmp_code),
    }
}

/// A packet as `reach` writes it: both ports whatever the protocol, no ICMP fields.
fn packet_with_ports(q: &Query) -> WirePacket {
    WirePacket {
        src: q.from.ip().to_string(),
        dst: q.to_ip.to_string(),
        protocol: q.protocol,
        src_port: Some(q.src_port),
        dst_port: Some(q.dst_port),
        icmp_type: None,
        icmp_code: None,
    }
}

/// The packets of one protocol that get through, with one of them.
#[derive(Serialize)]
pub(crate) struct WireFlow {
    protocol: String,
    /// Destination ports (TCP/UDP/SCTP) or, in `diff`, ICMP types and codes, as text;
    /// empty for other protocols.
    ports: String,
    /// Source ports (TCP/UDP/SCTP), as text.
    src_ports: Option<String>,
    description: String,
    /// One packet of the flow, in the network where it gets through.
    witness: WirePacket,
}

/// How a command writes a flow; each is a promise of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlowShape {
    /// `reach`: `ports` empty for ICMP; the witness with both ports, no ICMP fields.
    Reach,
    /// `diff`: ICMP types and codes in `ports`; the witness as in a trace.
    Diff,
}

/// `tcp`, `udp`, `icmp`…, the protocol number, or `other` for the rest.
fn flow_protocol(p: &Protocols) -> String {
    match p {
        Protocols::One(n) => vpcnet_model::Protocol::Number(*n).to_string(),
        Protocols::Others(_) => "other".to_owned(),
    }
}

pub(crate) fn flow(f: &Flow, shape: FlowShape) -> WireFlow {
    let ported = matches!(f.protocol, Protocols::One(6 | 17 | 132));
    let typed = shape == FlowShape::Diff && matches!(f.protocol, Protocols::One(1 | 58));
    let description = f.describe();
    let ports = if ported {
        spans_text(&f.dst_ports, 65535, "all")
    } else if typed {
        let proto = f.protocol.to_string();
        description
            .strip_prefix(&format!("{proto} "))
            .unwrap_or_default()
            .to_owned()
    } else {
        String::new()
    };
    WireFlow {
        protocol: flow_protocol(&f.protocol),
        ports,
        src_ports: ported.then(|| spans_text(&f.src_ports, 65535, "all")),
        description,
        witness: match shape {
            FlowShape::Reach => packet_with_ports(&f.witness),
            FlowShape::Diff => packet(&f.witness.packet()),
        },
    }
}

#[derive(Serialize)]
pub(crate) struct WireHop {
    #[serde(flatten)]
    component: WireComponent,
    action: &'static str,
    detail: String,
    packet: WirePacket,
}

#[derive(Serialize)]
pub(crate) struct WirePath {
    hops: Vec<WireHop>,
    code: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct WireBlocked {
    #[serde(flatten)]
    component: WireComponent,
    code: &'static str,
    message: String,
    direction: &'static str,
}

#[derive(Serialize)]
pub(crate) struct WireTranslation {
    #[serde(flatten)]
    component: WireComponent,
    kind: &'static str,
    direction: &'static str,
    from: String,
    to: String,
}

#[derive(Serialize)]
pub(crate) struct WireEndpoint {
    input: String,
    /// `null` for a name that did not resolve.
    ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<WireComponent>,
}

#[derive(Serialize)]
pub(crate) struct WireTrace {
    verdict: &'static str,
    from: WireEndpoint,
    to: WireEndpoint,
    protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    forward: WirePath,
    #[serde(rename = "return")]
    ret: Option<WirePath>,
    blocked_by: Option<WireBlocked>,
    translations: Vec<WireTranslation>,
    caveats: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns: Option<WireResolution>,
}

#[derive(Serialize)]
pub(crate) struct WireDnsStep {
    #[serde(flatten)]
    component: WireComponent,
    name: String,
    detail: String,
}

#[derive(Serialize)]
pub(crate) struct WireDnsFailure {
    #[serde(flatten)]
    component: WireComponent,
    code: &'static str,
    message: String,
}

/// How a name resolved: `vpcnet resolve`, and `dns` in a trace to a name.
#[derive(Serialize)]
pub(crate) struct WireResolution {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    /// The VPC that asked; `null` for the internet.
    from_vpc: Option<WireComponent>,
    resolver: Option<String>,
    resolved: bool,
    answers: Vec<String>,
    steps: Vec<WireDnsStep>,
    failure: Option<WireDnsFailure>,
}

pub(crate) fn resolution(net: &Network, r: &Resolution) -> WireResolution {
    WireResolution {
        name: r.name.clone(),
        rtype: r.rtype.as_str().to_owned(),
        from_vpc: r
            .vpc
            .map(|v| component(net, &Component::Resource(v.into()))),
        resolver: r
            .vpc
            .map(|v| vpcnet_engine::resolver_ip(net, v).to_string()),
        resolved: !r.answers.is_empty(),
        answers: r.answers.iter().map(ToString::to_string).collect(),
        steps: r
            .steps
            .iter()
            .map(|s| WireDnsStep {
                component: component(net, &s.component),
                name: s.name.clone(),
                detail: s.detail.clone(),
            })
            .collect(),
        failure: r.failure.as_ref().map(|f| WireDnsFailure {
            component: component(net, &f.component),
            code: f.code.as_str(),
            message: f.message.clone(),
        }),
    }
}

fn hop(net: &Network, h: &Hop) -> WireHop {
    WireHop {
        component: component(net, &h.component),
        action: h.action.as_str(),
        detail: h.detail.clone(),
        packet: packet(&h.packet),
    }
}

fn path(net: &Network, p: &Path) -> WirePath {
    WirePath {
        hops: p.hops.iter().map(|h| hop(net, h)).collect(),
        code: p.blocked.as_ref().map(|b| b.code.as_str()),
    }
}

fn blocked(net: &Network, b: &Blocked, direction: &'static str) -> WireBlocked {
    WireBlocked {
        component: component(net, &b.component),
        code: b.code.as_str(),
        message: b.message.clone(),
        direction,
    }
}

/// `tcp`, `udp`, `icmp`…, or the protocol number.
pub(crate) fn proto_name(p: u8) -> String {
    vpcnet_model::proto_name(p).map_or_else(|| p.to_string(), str::to_owned)
}

fn endpoint(
    net: &Network,
    input: &str,
    ip: std::net::Ipv4Addr,
    eni: Option<vpcnet_model::EniIdx>,
) -> WireEndpoint {
    WireEndpoint {
        input: input.to_owned(),
        ip: (!ip.is_unspecified()).then(|| ip.to_string()),
        resource: eni.map(|e| component(net, &Component::Resource(resource_of(net, e)))),
    }
}

/// The resource a person thinks of for an interface: its instance or NAT gateway.
pub(crate) fn resource_of(net: &Network, eni: vpcnet_model::EniIdx) -> vpcnet_model::AnyIdx {
    match net.interface(eni).owner {
        vpcnet_model::InterfaceOwner::Instance(i) => i.into(),
        vpcnet_model::InterfaceOwner::NatGateway(n) => n.into(),
        _ => eni.into(),
    }
}

pub(crate) fn trace(net: &Network, t: &Trace, from_input: &str, to_input: &str) -> WireTrace {
    let q = &t.query;
    let from_eni = match q.from {
        vpcnet_engine::Endpoint::Interface { eni, .. } => Some(eni),
        vpcnet_engine::Endpoint::Internet { .. }
        | vpcnet_engine::Endpoint::Site { .. }
        | vpcnet_engine::Endpoint::Node { .. } => None,
    };
    let blocked_by = match (
        &t.forward.blocked,
        t.ret.as_ref().and_then(|r| r.blocked.as_ref()),
    ) {
        (Some(b), _) => Some(blocked(net, b, "forward")),
        (None, Some(b)) => Some(blocked(net, b, "return")),
        _ => None,
    };
    WireTrace {
        verdict: if t.reachable() {
            "reachable"
        } else {
            "unreachable"
        },
        from: match q.from {
            vpcnet_engine::Endpoint::Site { att, ip } => WireEndpoint {
                input: from_input.to_owned(),
                ip: Some(ip.to_string()),
                resource: Some(component(net, &Component::Resource(att.into()))),
            },
            vpcnet_engine::Endpoint::Node { node, ip } => WireEndpoint {
                input: from_input.to_owned(),
                ip: Some(ip.to_string()),
                resource: Some(component(net, &Component::Resource(node.into()))),
            },
            _ => endpoint(net, from_input, q.from.ip(), from_eni),
        },
        to: endpoint(net, to_input, q.to_ip, q.expect),
        protocol: proto_name(q.protocol),
        port: matches!(q.protocol, 6 | 17 | 132).then_some(q.dst_port),
        forward: path(net, &t.forward),
        ret: t.ret.as_ref().map(|r| path(net, r)),
        blocked_by,
        translations: t
            .translations
            .iter()
            .map(|x| WireTranslation {
                component: component(net, &x.component),
                kind: match x.kind {
                    TranslationKind::Source => "source",
                    TranslationKind::Destination => "destination",
                },
                direction: if x.on_return { "return" } else { "forward" },
                from: x.from.to_string(),
                to: x.to.to_string(),
            })
            .collect(),
        caveats: t.caveats.clone(),
        dns: t.dns.as_ref().map(|r| resolution(net, r)),
    }
}

#[derive(Serialize)]
pub(crate) struct WireLocation {
    file: Option<String>,
    pointer: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
}

#[derive(Serialize)]
pub(crate) struct WireDiagnostic {
    code: &'static str,
    severity: &'static str,
    message: String,
    location: Option<WireLocation>,
}

pub(crate) fn diagnostic(d: &Diagnostic) -> WireDiagnostic {
    WireDiagnostic {
        code: d.code,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        location: d.location.as_ref().map(|l| WireLocation {
            file: l.file.clone(),
            pointer: l.pointer.clone(),
            line: l.line,
            column: l.column,
        }),
    }
}

/// The action column of the text format.
pub(crate) fn action_word(a: Action) -> &'static str {
    a.as_str()
}
