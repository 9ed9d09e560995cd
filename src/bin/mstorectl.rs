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
enum Command {
    /// Print the canonical form of an O/R address (and, with --hex, its ORName BER).
    Address(mstore::ctl::address::AddressArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: mstore::ctl::CtlResult = match cli.command {
        Command::Address(args) => mstore::ctl::address::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mstorectl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
