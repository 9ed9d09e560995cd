//! `mstorectl check | rebuild | stats | increment | list | tidy | resync`: the offline store tools (DESIGN.md §4, §5, §6).
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

/// Entry class on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassArg {
    /// Delivered messages and reports (inbox).
    Delivery,
    /// Submitted messages (outbox).
    Submission,
    /// Both (tidy only).
    Any,
}

/// Retrieval status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StateArg {
    /// new
    New,
    /// listed
    Listed,
    /// processed
    Processed,
    /// any status
    Any,
}

/// Arguments of `mstorectl list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// The mailbox owner's O/R address.
    #[arg(long)]
    pub mailbox: String,
    /// RFC 4515 filter over MS attribute names, e.g. `(&(retrieval-status=new)(priority=urgent))`.
    #[arg(long)]
    pub filter: Option<String>,
    /// Entry class.
    #[arg(long, value_enum, default_value = "delivery")]
    pub class: ClassArg,
    /// At most this many entries.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mstorectl tidy`.
#[derive(Debug, Args)]
pub struct TidyArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Delete entries created at least this many days ago (0: every entry that matches).
    #[arg(long)]
    pub age: f64,
    /// Only entries in this retrieval status.
    #[arg(long, value_enum, default_value = "any")]
    pub state: StateArg,
    /// Only this entry class.
    #[arg(long, value_enum, default_value = "any")]
    pub class: ClassArg,
    /// Only this mailbox (owner's O/R address).
    #[arg(long)]
    pub mailbox: Option<String>,
    /// List what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mstorectl resync`.
#[derive(Debug, Args)]
pub struct ResyncArgs {
    /// The store's data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Only this mailbox (owner's O/R address).
    #[arg(long)]
    pub mailbox: Option<String>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

fn class_of(c: ClassArg) -> Option<crate::store::EntryClass> {
    match c {
        ClassArg::Delivery => Some(crate::store::EntryClass::Inbox),
        ClassArg::Submission => Some(crate::store::EntryClass::Outbox),
        ClassArg::Any => None,
    }
}

fn open_existing(data: &Path) -> Result<crate::store::Store, CtlError> {
    if !data.join("mailboxes").is_dir() {
        return Err(CtlError::Input(format!(
            "{} is not a store (no mailboxes directory)",
            data.display()
        )));
    }
    crate::store::Store::open(data).map_err(failed)
}

fn ms_rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Runs `mstorectl list` (read-only: statuses do not change).
pub fn list(args: ListArgs) -> CtlResult {
    use crate::store::query::{Attr, AttributeSelection, Selector, Value};
    let filter = args
        .filter
        .as_deref()
        .map(crate::store::filter_text::parse)
        .transpose()
        .map_err(|e| CtlError::Input(e.to_string()))?;
    let Some(class) = class_of(args.class) else {
        return Err(CtlError::Input(
            "--class must be delivery or submission".into(),
        ));
    };
    let id = mailbox_id_arg(&args.mailbox)?;
    let store = open_existing(&args.data)?;
    let sel = Selector {
        filter,
        limit: args.limit,
        ..Selector::all(class)
    };
    let want = [
        Attr::SequenceNumber,
        Attr::RetrievalStatus,
        Attr::Priority,
        Attr::ContentLength,
        Attr::Subject,
        Attr::MessageDeliveryIdentifier,
        Attr::CreationTime,
    ];
    let req: Vec<AttributeSelection> = want.iter().map(|a| AttributeSelection::all(*a)).collect();
    let r = store.list(&id, &sel, &req, true).map_err(failed)?;
    let mut rows = Vec::new();
    for e in &r.entries {
        let mut m = serde_json::Map::new();
        for (a, vals) in &e.attributes {
            let Some(v) = vals.first() else { continue };
            let j = match (a, v) {
                (Attr::CreationTime, Value::Int(ms)) => serde_json::json!(ms_rfc3339(*ms)),
                (a, Value::Int(n)) => match a.named_values().iter().find(|(_, x)| x == n) {
                    Some((name, _)) => serde_json::json!(name),
                    None => serde_json::json!(n),
                },
                (_, Value::Str(s)) => serde_json::json!(s),
            };
            m.insert(a.name().to_string(), j);
        }
        rows.push(serde_json::Value::Object(m));
    }
    store.close().map_err(failed)?;
    if args.json {
        return print_json(&rows);
    }
    for row in &rows {
        let g = |k: &str| {
            row.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .unwrap_or_default()
        };
        println!(
            "{:>8} {:<9} {:<10} {:>8} {} {}  {}",
            g("sequence-number"),
            g("retrieval-status"),
            g("priority"),
            g("content-length"),
            g("creation-time"),
            g("message-identifier"),
            g("subject")
        );
    }
    eprintln!("{} entries", rows.len());
    Ok(())
}

/// Runs `mstorectl tidy`.
pub fn tidy(args: TidyArgs) -> CtlResult {
    use crate::store::RetrievalStatus;
    if !(args.age.is_finite() && args.age >= 0.0) {
        return Err(CtlError::Input("--age must be a number of days ≥ 0".into()));
    }
    let mailbox_id = args.mailbox.as_deref().map(mailbox_id_arg).transpose()?;
    let store = open_existing(&args.data)?;
    let rule = crate::store::maint::TidyRule {
        older_than: Duration::from_secs_f64(args.age * 86_400.0),
        status: match args.state {
            StateArg::New => Some(RetrievalStatus::New),
            StateArg::Listed => Some(RetrievalStatus::Listed),
            StateArg::Processed => Some(RetrievalStatus::Processed),
            StateArg::Any => None,
        },
        class: class_of(args.class),
        mailbox_id,
    };
    let done = store.tidy(&rule, args.dry_run).map_err(failed)?;
    store.close().map_err(failed)?;
    if args.json {
        return print_json(&done);
    }
    for t in &done {
        println!(
            "{} {} {} {} {}",
            if args.dry_run {
                "would delete"
            } else {
                "deleted"
            },
            t.key.mailbox_id,
            t.key.class.dir_name(),
            t.key.seq,
            t.status.name()
        );
    }
    eprintln!(
        "{} entries {}",
        done.len(),
        if args.dry_run {
            "would be deleted (dry run)"
        } else {
            "deleted"
        }
    );
    Ok(())
}

/// Runs `mstorectl resync`.
pub fn resync(args: ResyncArgs) -> CtlResult {
    let id = args.mailbox.as_deref().map(mailbox_id_arg).transpose()?;
    let store = open_existing(&args.data)?;
    let rep = store.resync(id.as_deref()).map_err(failed)?;
    store.close().map_err(failed)?;
    if args.json {
        return print_json(&rep);
    }
    println!(
        "resync: {} entries added, {} dropped, {} damaged files skipped, {} mailboxes registered",
        rep.added, rep.dropped, rep.damaged, rep.mailboxes_added
    );
    Ok(())
}
