//! `mstore-bench`: load generators for benchmarks and acceptance runs. Parsing and output only;
//! the work is in `mstore::store::preload`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use mstore::store::preload::{self, PreloadOptions};
use mstore::store::{Delivered, Store};

#[derive(Debug, Parser)]
#[command(name = "mstore-bench", version, about = "Load generators for mstore")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fill a store through the store API with generated messages.
    Preload(PreloadArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum GeneratorArg {
    Builder,
    Simple,
}

#[derive(Debug, Args)]
struct PreloadArgs {
    /// The store's data directory (created if absent).
    #[arg(long)]
    data: PathBuf,
    /// Number of mailboxes (generated addresses; with --recipients, at most this many lines).
    #[arg(long, default_value_t = 10)]
    mailboxes: usize,
    /// Messages in all, spread round-robin over the mailboxes.
    #[arg(long)]
    messages: u64,
    /// Read the mailbox owners' O/R addresses from FILE, one per line.
    #[arg(long, value_name = "FILE")]
    recipients: Option<PathBuf>,
    /// Write the owners' O/R addresses to FILE, one per line.
    #[arg(long, value_name = "FILE")]
    write_recipients: Option<PathBuf>,
    /// Seed of the generator (same seed, same addresses and messages).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Approximate content size in bytes (each message varies ±50%); honoured by
    /// `--generator simple` only: the builder's messages have their own sizes.
    #[arg(long, default_value_t = 2000)]
    size: usize,
    /// Where messages come from: `builder` (IPM, IPN, P772 and AMHS messages from the content
    /// builder) or `simple` (small local generator, sized by --size).
    #[arg(long, value_enum, default_value_t = GeneratorArg::Builder)]
    generator: GeneratorArg,
    /// Fraction of messages left new (the rest are listed or processed).
    #[arg(long, default_value_t = 1.0)]
    new_fraction: f64,
    /// Concurrent delivering threads.
    #[arg(long, default_value_t = 8)]
    threads: usize,
    /// Print `delivered <mailbox-id> <class> <seq> <crc>` on stdout after each delivery
    /// returned (for crash tests).
    #[arg(long)]
    print_delivered: bool,
}

fn preload_cmd(a: PreloadArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.new_fraction) {
        bail!("--new-fraction must be between 0 and 1");
    }
    let recipients: Vec<String> = match &a.recipients {
        Some(f) => std::fs::read_to_string(f)
            .with_context(|| format!("reading {}", f.display()))?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .take(a.mailboxes)
            .map(String::from)
            .collect(),
        None => preload::generate_recipients(a.mailboxes, a.seed),
    };
    if let Some(f) = &a.write_recipients {
        let mut text = recipients.join("\n");
        text.push('\n');
        std::fs::write(f, text).with_context(|| format!("writing {}", f.display()))?;
    }
    let store = Store::open(&a.data).with_context(|| format!("opening {}", a.data.display()))?;
    let opts = PreloadOptions {
        recipients,
        messages: a.messages,
        seed: a.seed,
        size: a.size,
        new_fraction: a.new_fraction,
        threads: a.threads,
        generator: match a.generator {
            GeneratorArg::Builder => preload::Generator::Builder,
            GeneratorArg::Simple => preload::Generator::Simple,
        },
    };
    let start = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let last = Mutex::new(Instant::now());
    let out = Mutex::new(std::io::stdout());
    let print = a.print_delivered;
    let on_delivered = |d: &Delivered| {
        if print {
            let mut o = out.lock().unwrap_or_else(|p| p.into_inner());
            // One line per durable delivery, flushed at once so a crash test that kills us
            // knows exactly what was acknowledged.
            let _ = writeln!(
                o,
                "delivered {} {} {} {:08x}",
                d.key.mailbox_id,
                d.key.class.dir_name(),
                d.key.seq,
                d.file_crc
            );
            let _ = o.flush();
        }
    };
    let total = a.messages;
    let progress = |n: u64| {
        let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
        if l.elapsed() >= Duration::from_millis(if tty { 200 } else { 5000 }) || n == total {
            *l = Instant::now();
            let secs = start.elapsed().as_secs_f64().max(1e-9);
            let pct = if total == 0 {
                100.0
            } else {
                n as f64 * 100.0 / total as f64
            };
            if tty {
                eprint!(
                    "\rpreload: {n}/{total} ({pct:.0}%, {:.0} msg/s)   ",
                    n as f64 / secs
                );
            } else {
                eprintln!(
                    "preload: {n}/{total} ({pct:.0}%, {:.0} msg/s)",
                    n as f64 / secs
                );
            }
        }
    };
    let n = preload::preload(&store, &opts, &on_delivered, &progress)?;
    store.close()?;
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    if tty {
        eprintln!();
    }
    eprintln!(
        "preload: {n} messages into {} mailboxes in {secs:.2} s ({:.0} msg/s)",
        opts.recipients.len(),
        n as f64 / secs
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Recovery counts and warnings go to stderr; RUST_LOG overrides the level.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let r = match cli.command {
        Command::Preload(a) => preload_cmd(a),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mstore-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
