//! `mstorectl`: the operator's command-line tool. Parsing only; the work is in `mstore::ctl`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mstorectl",
    version,
    about = "Operate an mstore X.400 Message Store"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: mstore::ctl::CtlResult = match cli.command {};
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mstorectl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
