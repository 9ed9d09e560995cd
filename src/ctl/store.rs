//! `mstorectl check | rebuild | stats | increment`: the offline store tools (DESIGN.md §4, §6).
//! Each takes the store's lock, so it refuses to run while a server holds the store.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use clap::Args;

use super::{CtlError, CtlResult};
use crate::address::ORAddress;
use crate::store::offline::{self, CheckReport, FindingKind, StatsReport};
use crate::store::{MailboxName, RealFs, StoreError};

/// Arguments of `mstorectl check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mstorectl rebuild`.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mstorectl stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mstorectl increment`.
#[derive(Debug, Args)]
pub struct IncrementArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// How far to raise the sequence numbers (both entry classes).
    #[arg(long)]
    pub by: u32,
    /// Only this mailbox (its owner's O/R address); without it, every mailbox and the
    /// starting point of mailboxes created later.
    #[arg(long)]
    pub mailbox: Option<String>,
}

/// Maps store errors to the exit-status convention: a missing store is the operator's input.
fn failed(e: StoreError) -> CtlError {
    match e {
        StoreError::Invalid(m) => CtlError::Input(m),
        e => CtlError::Failed(anyhow!(e)),
    }
}

/// A progress line on stderr, redrawn at most a few times a second, only on a terminal.
struct Progress {
    what: &'static str,
    start: Instant,
    last: Instant,
    tty: bool,
}

impl Progress {
    fn new(what: &'static str) -> Self {
        let now = Instant::now();
        Progress {
            what,
            start: now,
            last: now,
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self, n: u64) {
        if !self.tty || self.last.elapsed() < Duration::from_millis(200) {
            return;
        }
        self.last = Instant::now();
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        eprint!("\r{}: {n} ({:.0}/s)   ", self.what, n as f64 / secs);
        let _ = std::io::stderr().flush();
    }

    fn done(&self) {
        if self.tty {
            eprint!("\r\x1b[K");
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> CtlResult {
    let s = serde_json::to_string_pretty(v).map_err(|e| CtlError::Failed(e.into()))?;
    println!("{s}");
    Ok(())
}

/// Runs `mstorectl check`: exit 0 when consistent or only crash leftovers are present, exit 1
/// with the list when something is corrupt or lost.
pub fn check(args: CheckArgs) -> CtlResult {
    let mut p = Progress::new("checked");
    let rep = offline::check(&RealFs, &args.data, &mut |n| p.tick(n)).map_err(failed)?;
    p.done();
    if args.json {
        print_json(&rep)?;
    } else {
        print_check(&rep);
    }
    if rep.ok() {
        Ok(())
    } else {
        Err(CtlError::Failed(anyhow!(
            "{} problem(s): the store is corrupt or has lost entries",
            rep.problems.len()
        )))
    }
}

/// The kebab-case name used in the JSON report, for the text report too.
fn kind_name(k: FindingKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| format!("{k:?}"))
}

fn print_check(rep: &CheckReport) {
    println!(
        "{} mailboxes, {} message files verified, {} index rows, last shutdown {}",
        rep.mailboxes,
        rep.files,
        rep.rows,
        if rep.clean_shutdown {
            "clean"
        } else {
            "unclean"
        }
    );
    if !rep.recoverable.is_empty() {
        println!(
            "{} crash leftover(s), repaired at the next open (or by rebuild):",
            rep.recoverable.len()
        );
        for f in &rep.recoverable {
            println!("  {} {} ({})", kind_name(f.kind), f.path, f.detail);
        }
    }
    if rep.problems.is_empty() {
        println!("consistent");
    } else {
        println!("{} problem(s):", rep.problems.len());
        for f in &rep.problems {
            println!("  {} {} ({})", kind_name(f.kind), f.path, f.detail);
        }
    }
}

/// Runs `mstorectl rebuild`.
pub fn rebuild(args: RebuildArgs) -> CtlResult {
    let mut p = Progress::new("indexed");
    let rep = offline::rebuild(&RealFs, &args.data, &[], &mut |n| p.tick(n)).map_err(failed)?;
    p.done();
    if args.json {
        return print_json(&rep);
    }
    println!(
        "rebuilt the index: {} mailboxes, {} entries (all new) in {:.2} s, {:.0} messages/s",
        rep.mailboxes, rep.entries, rep.seconds, rep.rate
    );
    if rep.temp_removed > 0 {
        println!("removed {} temp leftover(s)", rep.temp_removed);
    }
    if !rep.quarantined.is_empty() {
        println!(
            "{} corrupt file(s) moved to quarantine:",
            rep.quarantined.len()
        );
        for f in &rep.quarantined {
            println!("  {} ({})", f.path, f.detail);
        }
    }
    Ok(())
}

/// Runs `mstorectl stats`.
pub fn stats(args: StatsArgs) -> CtlResult {
    let rep = offline::stats(&RealFs, &args.data).map_err(failed)?;
    if args.json {
        return print_json(&rep);
    }
    print_stats(&rep);
    Ok(())
}

fn print_stats(rep: &StatsReport) {
    println!(
        "{:<34} {:>5} {:>9} {:>9} {:>9} {:>9} {:>12}  address",
        "mailbox", "class", "entries", "new", "listed", "processed", "bytes"
    );
    for m in &rep.mailboxes {
        for (name, c) in [("inbox", &m.inbox), ("outbox", &m.outbox)] {
            if c.entries == 0 && name == "outbox" {
                continue;
            }
            println!(
                "{:<34} {:>5} {:>9} {:>9} {:>9} {:>9} {:>12}  {}",
                m.id, name, c.entries, c.new, c.listed, c.processed, c.bytes, m.address
            );
        }
    }
    let t = &rep.totals.all;
    println!(
        "total: {} mailboxes, {} entries ({} new, {} listed, {} processed), {} bytes",
        rep.totals.mailboxes, t.entries, t.new, t.listed, t.processed, t.bytes
    );
}

/// The mailbox id of an O/R address given on the command line.
pub fn mailbox_id_arg(addr: &str) -> Result<String, CtlError> {
    let a: ORAddress = addr
        .parse()
        .map_err(|e| CtlError::Input(format!("bad O/R address `{addr}`: {e}")))?;
    Ok(MailboxName::from(&a).id())
}

/// Runs `mstorectl increment`.
pub fn increment(args: IncrementArgs) -> CtlResult {
    if args.by == 0 {
        return Err(CtlError::Input("--by must be at least 1".into()));
    }
    let id = args.mailbox.as_deref().map(mailbox_id_arg).transpose()?;
    let (changed, floor) =
        offline::increment(&RealFs, Path::new(&args.data), args.by, id.as_deref())
            .map_err(failed)?;
    for c in &changed {
        println!(
            "{}: inbox {} -> {}, outbox {} -> {}",
            c.id, c.before.inbox, c.after.inbox, c.before.outbox, c.after.outbox
        );
    }
    if let Some(f) = floor {
        println!("new mailboxes start after {f}");
    }
    Ok(())
}
