//! The `vpcnet` command: parses arguments, runs one subcommand, maps the outcome to an
//! exit status (0 analysis done, 1 a finding the user asked to fail on, 2 bad input).

mod cli;
mod commands;
mod input;
mod internet;
mod wire;

use std::io::Write;

/// The analyses build and drop networks of hundreds of thousands of small values; a
/// re-check after an edit then allocates among the freed ones, where the system
/// allocator spends more time consolidating than the analysis takes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// An error caused by what the user gave us (exit 2), as opposed to a finding.
#[derive(Debug)]
pub(crate) struct BadInput(pub(crate) String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Bad input already rendered as a diagnostic (`error[CODE]: …` with its location):
/// printed as it is, exit 2.
#[derive(Debug)]
pub(crate) struct Reported(pub(crate) String);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reported {}

/// Writes to standard output; a closed pipe (`vpcnet … | head`) is not an error.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Trace(args) => commands::trace::run(&args),
        Command::Resolve(args) => commands::resolve::run(&args),
        Command::Reach(args) => commands::reach::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Check(args) => commands::check::run(&args),
        Command::Demo(args) => commands::demo::run(&args),
        Command::Example(args) => commands::example::run(&args),
        Command::Export(args) => commands::export::run(&args),
        Command::Generate(args) => commands::generate::run(&args),
        Command::Schema => commands::schema::run(),
        Command::Snapshot(cli::SnapshotCommand::Aws(args)) => commands::snapshot::run(&args),
        Command::Tailscale(cli::TailscaleCommand::Test(args)) => commands::tailscale::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<Reported>() {
                Some(r) => eprintln!("{r}"),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}
