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
    /// Manage users of the embedded directory.
    User(mstore::ctl::user::UserArgs),
    /// Manage MTA peers of the embedded directory.
    Mta(mstore::ctl::user::MtaArgs),
    /// Decode an OSI upper-layer exchange from a pcap or hex dump, layer by layer.
    Trace(mstore::ctl::trace::TraceArgs),
    /// Print the attributes of a message content (IPM / IPN / P772) as JSON.
    Inspect(mstore::ctl::inspect::InspectArgs),
    /// Verify every message file's CRC and the agreement of index and files (exit 1 on
    /// corruption or loss).
    Check(mstore::ctl::store::CheckArgs),
    /// Regenerate the index from the message files (every entry status new).
    Rebuild(mstore::ctl::store::RebuildArgs),
    /// Entries per mailbox, class and status, and bytes.
    Stats(mstore::ctl::store::StatsArgs),
    /// Raise sequence numbers (of one mailbox, or of all and of mailboxes created later).
    Increment(mstore::ctl::store::IncrementArgs),
    /// List a mailbox's entries, optionally filtered (RFC 4515 syntax); read-only.
    List(mstore::ctl::store::ListArgs),
    /// Delete entries older than an age (by class, status, mailbox); --dry-run lists them.
    Tidy(mstore::ctl::store::TidyArgs),
    /// Index files that lack rows and drop rows whose files are gone (offline).
    Resync(mstore::ctl::store::ResyncArgs),
}

fn main() -> ExitCode {
    mstore::ctl::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let result: mstore::ctl::CtlResult = match cli.command {
        Command::Address(args) => mstore::ctl::address::run(args),
        Command::User(a) => mstore::ctl::user::run(a),
        Command::Mta(a) => mstore::ctl::user::run_mta(a),
        Command::Trace(args) => mstore::ctl::trace::run(args),
        Command::Inspect(args) => mstore::ctl::inspect::run(args),
        Command::Check(args) => mstore::ctl::store::check(args),
        Command::Rebuild(args) => mstore::ctl::store::rebuild(args),
        Command::Stats(args) => mstore::ctl::store::stats(args),
        Command::Increment(args) => mstore::ctl::store::increment(args),
        Command::List(args) => mstore::ctl::store::list(args),
        Command::Tidy(args) => mstore::ctl::store::tidy(args),
        Command::Resync(args) => mstore::ctl::store::resync(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mstorectl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
