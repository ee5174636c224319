//! Peak memory and phase times of loading a large generated network.
//!
//! ```text
//! cargo run --release -p vpcnet-engine --example scale_memory -- [VPCS] [yaml|json]
//! ```
//!
//! The spec (seed 42) is generated and written to a file in the temp directory; then a
//! fresh process (this program again, with `--load FILE`) reads the file, parses,
//! lowers and validates it, and reports its peak resident memory (`VmHWM` in
//! `/proc/self/status`). A fresh process keeps the generator's and writer's memory out
//! of the figure; what remains is the text itself, the parsed document and the network.
//! Linux only (elsewhere the memory figures read 0).

use std::process::Command;
use std::time::Instant;

use vpcnet_model::{NetworkBuilder, Severity};
use vpcnet_spec::generate::{generate, GenerateOptions};

/// A `kB` field of `/proc/self/status`, in MiB.
fn status_mib(field: &str) -> f64 {
    let read = || -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    read().unwrap_or(0.0)
}

/// CPU time (user + system) this process has used so far, in seconds, from
/// `/proc/self/stat` (clock ticks, taken as 100 per second); less disturbed than wall
/// time when other work shares the machine.
fn cpu_seconds() -> f64 {
    let read = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        Some((utime + stime) / 100.0)
    };
    read().unwrap_or(0.0)
}

fn load(path: &str) {
    let t = Instant::now();
    let text = std::fs::read_to_string(path).expect("spec file readable");
    let read_time = t.elapsed();
    let with_text = status_mib("VmRSS:");

    let cpu = cpu_seconds();
    let t = Instant::now();
    let parsed = vpcnet_spec::parse(Some(path), &text).expect("generated text parses");
    let parse_time = t.elapsed();
    let t = Instant::now();
    let mut b = NetworkBuilder::new();
    vpcnet_spec::lower_into(&mut b, Some(path), &parsed);
    let (net, diags) = b.finish();
    drop(parsed);
    let lower_time = t.elapsed();
    let cpu = cpu_seconds() - cpu;

    let peak = status_mib("VmHWM:");
    let after = status_mib("VmRSS:");
    drop(text);
    let network_only = status_mib("VmRSS:");
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    println!(
        "read {read_time:.2?}; parse (text -> wire structs) {parse_time:.2?}; lower + validate {lower_time:.2?}; load total {:.2?} (CPU {cpu:.2} s)",
        parse_time + lower_time
    );
    println!(
        "network: {} VPCs, {} subnets, {} interfaces, {} security group rules, {} peerings; {} diagnostics ({errors} errors)",
        net.vpcs().len(),
        net.subnets().len(),
        net.interfaces().len(),
        net.security_groups()
            .iter()
            .map(|g| g.ingress.len() + g.egress.len())
            .sum::<usize>(),
        net.peerings().len(),
        diags.len()
    );
    println!(
        "RSS with the text read: {with_text:.0} MiB; peak while loading: {peak:.0} MiB; after loading: {after:.0} MiB; network alone (text freed): {network_only:.0} MiB"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice() {
        if flag == "--load" {
            load(path);
            return;
        }
    }
    let vpcs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let format = args.get(1).map(String::as_str).unwrap_or("yaml");

    let t = Instant::now();
    let spec = generate(&GenerateOptions { vpcs, seed: 42 });
    let gen_time = t.elapsed();
    let t = Instant::now();
    let text = match format {
        "json" => vpcnet_spec::to_json(&spec),
        _ => vpcnet_spec::to_yaml(&spec),
    };
    let write_time = t.elapsed();
    println!(
        "{}: {:.1} MiB of {format} (generated in {gen_time:.2?}, written in {write_time:.2?})",
        spec.description.as_deref().unwrap_or_default(),
        text.len() as f64 / (1024.0 * 1024.0)
    );
    let ext = if format == "json" { "json" } else { "yaml" };
    let path =
        std::env::temp_dir().join(format!("vpcnet-scale-{vpcs}-{}.{ext}", std::process::id()));
    std::fs::write(&path, &text).expect("temp file writable");
    drop((spec, text));

    let exe = std::env::current_exe().expect("own path");
    let status = Command::new(exe)
        .arg("--load")
        .arg(&path)
        .status()
        .expect("child runs");
    let _ = std::fs::remove_file(&path);
    if !status.success() {
        eprintln!("loading failed: {status}");
        std::process::exit(1);
    }
}
