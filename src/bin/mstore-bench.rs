//! `mstore-bench`: load generators for benchmarks and acceptance runs. Parsing and output only;
//! the work is in `mstore::store::preload`, `mstore::p3::mta` and `mstore::bench`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use mstore::bench::metrics::Metrics;
use mstore::bench::mixed::{self, MixedOptions};
use mstore::bench::report::{Machine, Progress, Report, Results, Row};
use mstore::bench::ua::{self, UaOptions, UaShared};
use mstore::bench::{chart, search, users};
use mstore::store::preload::{self, PreloadOptions};
use mstore::store::{Delivered, Store};
use serde_json::json;

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
    /// Act as an MTA: deliver generated messages to a store over P3 (mts-forced-access).
    Deliver(DeliverArgs),
    /// Act as an MTA taking the store's P3 submissions (mts-access) and count them.
    MtaSink(mstore::bench::mta_sink::MtaSinkArgs),
    /// Submit messages through the store over P7 (to its MTA, e.g. `mta-sink`).
    Submit(mstore::bench::submit::SubmitArgs),
    /// K P7 clients in the alert → fetch → delete loop, timing delivery → alert and
    /// delivery → fetched from the send time each delivered message carries.
    Ua(UaArgs),
    /// deliver and ua together: end-to-end latency and every message accounted for.
    Mixed(MixedArgs),
    /// Time Summarize / List / filter / text queries over P7 on a preloaded store.
    Search(SearchArgs),
    /// Write a users file of N generated O/R addresses (and add them to a store's embedded
    /// directory with --config).
    Users(UsersArgs),
    /// Test aid, not a server: the P3 responder alone on a configuration's store (used by the
    /// crash test until mstored, from branch p7, serves P3). Prints `listening ADDR`.
    #[command(hide = true)]
    ServeP3(ServeP3Args),
}

#[derive(Debug, Args)]
struct DeliverArgs {
    /// The store's P3 listener, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// Called T-selector (text).
    #[arg(long, value_name = "T")]
    tsel: Option<String>,
    /// Application context: mts-forced-access 88 (2.6.0.1.1) or 94 (2.6.0.1.8).
    #[arg(long, default_value = "88", value_parser = ["88", "94"])]
    context: String,
    /// The MTA name the store knows (initiator-name mTA).
    #[arg(long, value_name = "NAME")]
    mta: String,
    /// File holding the MTA's password.
    #[arg(long, value_name = "FILE")]
    mta_password_file: PathBuf,
    /// Recipients' O/R addresses, one per line (the store must host them).
    #[arg(long, value_name = "FILE")]
    recipients: PathBuf,
    /// Concurrent associations.
    #[arg(long, default_value_t = 1)]
    associations: usize,
    /// Invokes outstanding per association (1: wait for each result, as most MTAs do).
    #[arg(long, default_value_t = 1)]
    window: usize,
    /// Messages in all, as fast as they are acknowledged.
    #[arg(long, conflicts_with_all = ["rate", "duration"], required_unless_present = "rate")]
    messages: Option<u64>,
    /// Messages per second in all (with --duration).
    #[arg(long, requires = "duration")]
    rate: Option<f64>,
    /// How long to send at --rate, e.g. 30s or 5m.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Journal the MTS identifier of every acknowledged delivery to FILE (fsynced).
    #[arg(long, value_name = "FILE")]
    ack_log: Option<PathBuf>,
    /// Seed of the message builder.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a JSON report (configuration, machine, results, timeline) to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Plot throughput over time as SVG to FILE.
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// With --report or --chart: measure the disk ceiling in DIR (the store's data directory).
    #[arg(long, value_name = "DIR")]
    disk_dir: Option<PathBuf>,
}

/// Report options every scenario takes.
#[derive(Debug, Args)]
struct ReportArgs {
    /// Write the report (configuration, machine, results, timeline) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Plot throughput and latency over time as SVG to FILE.
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Measure the disk ceiling (fsynced small-file writes/s) in DIR at start: give the
    /// store's data directory when it is on this machine.
    #[arg(long, value_name = "DIR", default_value = ".")]
    disk_dir: PathBuf,
    /// Skip the disk measurement.
    #[arg(long)]
    no_disk_probe: bool,
}

/// Where the UAs bind.
#[derive(Debug, Args)]
struct UaConnArgs {
    /// The store's P7 listener, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// Called T-selector (text).
    #[arg(long, value_name = "T")]
    tsel: Option<String>,
    /// Users' O/R addresses, one per line (`mstore-bench users` writes one).
    #[arg(long, value_name = "FILE")]
    users: PathBuf,
    /// File holding the users' password.
    #[arg(long, value_name = "FILE")]
    password_file: PathBuf,
    /// P7 clients (each binds as its own user: the first K lines of --users).
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// P7 application context: ms-access 88 or 94.
    #[arg(long, default_value = "88", value_parser = ["88", "94"])]
    p7_context: String,
    /// Alerted messages each client fetches and deletes at once (1: one after the other).
    #[arg(long, default_value_t = 1)]
    fetch_window: usize,
}

#[derive(Debug, Args)]
struct UaArgs {
    #[command(flatten)]
    conn: UaConnArgs,
    /// How long to run.
    #[arg(long, value_parser = parse_duration, default_value = "60s")]
    duration: Duration,
    /// Stop early once this many messages were fetched and deleted.
    #[arg(long, value_name = "N")]
    expect: Option<u64>,
    /// The ack journal of the `deliver` feeding this store (`deliver --ack-log`): every
    /// identifier in it must be alerted, fetched and deleted.
    #[arg(long, value_name = "FILE")]
    ack_log: Option<PathBuf>,
    #[command(flatten)]
    out: ReportArgs,
}

#[derive(Debug, Args)]
struct MixedArgs {
    #[command(flatten)]
    conn: UaConnArgs,
    /// The MTA name the store knows (initiator-name mTA).
    #[arg(long, value_name = "NAME")]
    mta: String,
    /// File holding the MTA's password.
    #[arg(long, value_name = "FILE")]
    mta_password_file: PathBuf,
    /// P3 application context: mts-forced-access 88 or 94.
    #[arg(long, default_value = "88", value_parser = ["88", "94"])]
    context: String,
    /// Concurrent P3 associations. Each waits for its result (with --window 1), so the rate an
    /// MTA can offer is associations / round trip: 16 offer 500/s up to a 32 ms round trip.
    #[arg(long, default_value_t = 16)]
    associations: usize,
    /// Invokes outstanding per P3 association.
    #[arg(long, default_value_t = 1)]
    window: usize,
    /// Messages per second in all (with --duration).
    #[arg(long, required_unless_present = "messages", requires = "duration")]
    rate: Option<f64>,
    /// How long to send at --rate, e.g. 30s.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Instead of a rate: this many messages, as fast as acknowledged.
    #[arg(long, conflicts_with_all = ["rate", "duration"])]
    messages: Option<u64>,
    /// After the last delivery, wait this long without progress for outstanding alerts.
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    drain: Duration,
    /// Seed of the message builder.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    out: ReportArgs,
}

#[derive(Debug, Args)]
struct SearchArgs {
    #[command(flatten)]
    conn: UaConnArgs,
    /// How long to run.
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    duration: Duration,
    /// Query kinds, cycled by each client: summarize, list, filter, text.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "summarize,list,filter,text"
    )]
    queries: Vec<String>,
    /// Most entries per List.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[command(flatten)]
    out: ReportArgs,
}

#[derive(Debug, Args)]
struct UsersArgs {
    /// How many users.
    #[arg(long)]
    count: usize,
    /// Write their O/R addresses to FILE, one per line.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also add them (those not there yet) to this configuration's embedded directory.
    #[arg(long, value_name = "FILE", requires = "password_file")]
    config: Option<PathBuf>,
    /// Their password (with --config).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    mstore::config::parse_duration(s).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
struct ServeP3Args {
    /// Configuration file (store identity, data directory, directory).
    #[arg(long)]
    config: PathBuf,
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,
}

fn deliver_cmd(a: DeliverArgs) -> anyhow::Result<bool> {
    use mstore::p3::mta::{self, Load, MtaOptions, Progress};
    use std::sync::atomic::Ordering;
    let password = mstore::config::Secret::read_password_file(&a.mta_password_file)
        .with_context(|| format!("reading {}", a.mta_password_file.display()))?;
    let text = std::fs::read_to_string(&a.recipients)
        .with_context(|| format!("reading {}", a.recipients.display()))?;
    let mut recipients = Vec::new();
    for l in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        recipients.push(
            l.parse::<mstore::address::ORName>()
                .map_err(|e| anyhow::anyhow!("{}: `{l}`: {e}", a.recipients.display()))?,
        );
    }
    let load = match (a.messages, a.rate, a.duration) {
        (Some(m), _, _) => Load::Messages(m),
        (None, Some(r), Some(d)) if r > 0.0 => Load::Rate {
            per_second: r,
            duration: d,
        },
        _ => bail!("give --messages M, or --rate R (> 0) with --duration D"),
    };
    let opts = MtaOptions {
        server: a.server,
        tsel: a.tsel.map(|t| bytes::Bytes::from(t.into_bytes())),
        context: if a.context == "94" {
            mstore::assoc::AppContext::MtsForcedAccess94
        } else {
            mstore::assoc::AppContext::MtsForcedAccess88
        },
        mta: a.mta,
        password: password.expose().to_vec(),
        recipients,
        associations: a.associations,
        window: a.window,
        load,
        seed: a.seed,
        ack_log: a.ack_log,
        settings: mstore::assoc::Settings::default(),
    };
    let total = match load {
        Load::Messages(m) => Some(m),
        Load::Rate { .. } => None,
    };
    let rt = tokio::runtime::Runtime::new()?;
    let progress = Arc::new(Progress::default());
    let tty = std::io::stderr().is_terminal();
    let reporting = a.report.is_some() || a.chart.is_some();
    let config = json!({
        "server": opts.server, "associations": a.associations, "window": a.window,
        "messages": a.messages, "rate": a.rate,
        "duration_s": a.duration.map(|d| d.as_secs_f64()), "context": a.context,
        "recipients": opts.recipients.len(), "seed": a.seed,
    });
    let machine = if reporting {
        if let Some(d) = &a.disk_dir {
            eprintln!("measuring the disk ceiling in {} …", d.display());
        }
        Some(Machine::probe(a.disk_dir.as_deref())?)
    } else {
        None
    };
    let started = std::time::SystemTime::now();
    let metrics = Arc::new(Metrics::new());
    let p = progress.clone();
    metrics.watch(mixed::DELIVERED, move || {
        p.acknowledged.load(Ordering::Relaxed)
    });
    let report = rt.block_on(async {
        let sampler = metrics.spawn_sampler();
        let p = progress.clone();
        let start = Instant::now();
        let ticker = tokio::spawn(async move {
            let mut tick =
                tokio::time::interval(Duration::from_millis(if tty { 250 } else { 5000 }));
            tick.tick().await;
            loop {
                tick.tick().await;
                let n = p.acknowledged.load(Ordering::Relaxed);
                let e = p.errors.load(Ordering::Relaxed);
                let rate = n as f64 / start.elapsed().as_secs_f64().max(1e-9);
                let of = total.map(|t| format!("/{t}")).unwrap_or_default();
                if tty {
                    eprint!("\rdeliver: {n}{of} acknowledged, {e} errors, {rate:.0} msg/s   ");
                } else {
                    eprintln!("deliver: {n}{of} acknowledged, {e} errors, {rate:.0} msg/s");
                }
            }
        });
        let r = mta::deliver(opts, progress.clone()).await;
        ticker.abort();
        sampler.abort();
        metrics.sample();
        r
    })?;
    if tty {
        eprintln!();
    }
    for s in &report.error_samples {
        eprintln!("deliver: error: {s}");
    }
    let secs = report.elapsed.as_secs_f64().max(1e-9);
    let h = &report.latency_us;
    let ms = |us: u64| us as f64 / 1000.0;
    println!(
        "deliver: {} acknowledged, {} errors, {} associations, {secs:.2} s, {:.0} msg/s",
        report.acknowledged,
        report.errors,
        a.associations,
        report.acknowledged as f64 / secs
    );
    println!(
        "latency ms: p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        ms(h.value_at_quantile(0.5)),
        ms(h.value_at_quantile(0.9)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    );
    if let Some(machine) = machine {
        let mut r = Report::new("deliver", config, machine, started);
        r.results = Results {
            elapsed_s: secs,
            throughput: [(
                "delivered (P3 acknowledged)".to_string(),
                report.acknowledged as f64 / secs,
            )]
            .into(),
            latency: vec![Row {
                name: mixed::DELIVERY_ACK.into(),
                summary: mstore::bench::metrics::Summary::of(h),
            }],
            errors: report.errors,
            error_samples: report.error_samples.clone(),
            accounting: None,
            ok: report.errors == 0,
            notes: Vec::new(),
        };
        r.timeline = metrics.timeline();
        if let Some(p) = &a.report {
            r.write_json(p)?;
            eprintln!("report written to {}", p.display());
        }
        if let Some(p) = &a.chart {
            let title = format!("mstore-bench deliver on {} cores", r.machine.cores);
            std::fs::write(p, chart::svg(&title, &r.timeline, &[mixed::DELIVERED], &[]))
                .with_context(|| format!("writing {}", p.display()))?;
            eprintln!("chart written to {}", p.display());
        }
    }
    Ok(report.errors == 0)
}

fn read_users(path: &std::path::Path) -> anyhow::Result<Vec<mstore::address::ORAddress>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    ua::read_users(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn ua_options(c: &UaConnArgs) -> anyhow::Result<UaOptions> {
    let password = mstore::config::Secret::read_password_file(&c.password_file)
        .with_context(|| format!("reading {}", c.password_file.display()))?;
    Ok(UaOptions {
        server: c.server.clone(),
        tsel: c.tsel.as_ref().map(|t| t.as_bytes().to_vec()),
        users: read_users(&c.users)?,
        password: password.expose().to_vec(),
        clients: c.clients,
        window: c.fetch_window,
        edition: if c.p7_context == "94" {
            mstore::p7::Edition::V94
        } else {
            mstore::p7::Edition::V88
        },
        settings: mstore::assoc::Settings::default(),
    })
}

fn machine(r: &ReportArgs) -> anyhow::Result<Machine> {
    let dir = (!r.no_disk_probe).then_some(r.disk_dir.as_path());
    if let Some(d) = dir {
        eprintln!("measuring the disk ceiling in {} …", d.display());
    }
    Ok(Machine::probe(dir)?)
}

/// Prints the closing table and writes the report and chart; true when the run was OK.
fn finish(
    mut report: Report,
    metrics: &Metrics,
    out: &ReportArgs,
    rates: &[&str],
    latencies: &[&str],
) -> anyhow::Result<bool> {
    report.timeline = metrics.timeline();
    print!("{}", report.table());
    if let Some(p) = &out.report {
        report.write_json(p)?;
        eprintln!("report written to {}", p.display());
    }
    if let Some(p) = &out.chart {
        let title = format!(
            "mstore-bench {} on {} cores",
            report.scenario, report.machine.cores
        );
        std::fs::write(p, chart::svg(&title, &report.timeline, rates, latencies))
            .with_context(|| format!("writing {}", p.display()))?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(report.results.ok)
}

fn ua_cmd(a: UaArgs) -> anyhow::Result<bool> {
    let opts = ua_options(&a.conn)?;
    let machine = machine(&a.out)?;
    let config = json!({
        "server": opts.server, "clients": opts.clients, "users": opts.users.len(),
        "duration_s": a.duration.as_secs_f64(), "expect": a.expect,
        "ack_log": a.ack_log, "p7_context": a.conn.p7_context, "fetch_window": a.conn.fetch_window,
    });
    let started = std::time::SystemTime::now();
    let rt = tokio::runtime::Runtime::new()?;
    let metrics = Arc::new(Metrics::new());
    let shared = UaShared::new(metrics.clone());
    let results = rt.block_on(async {
        let run = ua::start(&opts, shared.clone()).await?;
        let start = Instant::now();
        let sampler = metrics.spawn_sampler();
        let (s, d, expect) = (shared.clone(), a.duration, a.expect);
        let progress = Progress::spawn(std::io::stderr().is_terminal(), move || {
            let t = start.elapsed().as_secs_f64();
            let f = match expect {
                Some(n) => s.done() as f64 / n.max(1) as f64,
                None => t / d.as_secs_f64().max(1e-9),
            };
            let p99 = s.metrics.summary(ua::ALERT).p99_ms;
            (
                Some(f),
                format!(
                    "ua: {t:.0} s, {} alerts, {} fetched+deleted, p99 delivery → alert {p99:.1} ms, {} errors",
                    s.alerts(),
                    s.done(),
                    s.errors.count()
                ),
            )
        });
        while start.elapsed() < a.duration && expect.is_none_or(|n| shared.done() < n) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        progress.finish();
        run.stop().await;
        sampler.abort();
        metrics.sample();
        anyhow::Ok(start.elapsed())
    })?;
    let acked = match &a.ack_log {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Some(ua::read_ack_log(&text).into_values().flatten().collect())
        }
        None => None,
    };
    let accounting = shared.accounting(acked.as_ref());
    let secs = results.as_secs_f64().max(1e-9);
    let mut report = Report::new("ua", config, machine, started);
    let errors = shared.errors.count();
    report.results = Results {
        elapsed_s: secs,
        throughput: [
            ("alerts".to_string(), shared.alerts() as f64 / secs),
            ("fetched+deleted".to_string(), shared.done() as f64 / secs),
        ]
        .into(),
        latency: [ua::ALERT, ua::FETCHED, ua::DELETE]
            .into_iter()
            .map(|s| Row {
                name: s.into(),
                summary: metrics.summary(s),
            })
            .collect(),
        errors,
        error_samples: shared.errors.samples(),
        ok: accounting.lost == 0 && errors == 0,
        accounting: Some(accounting),
        notes: Vec::new(),
    };
    finish(
        report,
        &metrics,
        &a.out,
        &[ua::ALERTS, ua::DONE],
        &[ua::ALERT, ua::FETCHED],
    )
}

fn mixed_cmd(a: MixedArgs) -> anyhow::Result<bool> {
    use mstore::p3::mta::{self, Load, MtaOptions};
    let ua = ua_options(&a.conn)?;
    let mta_password = mstore::config::Secret::read_password_file(&a.mta_password_file)
        .with_context(|| format!("reading {}", a.mta_password_file.display()))?;
    let load = match (a.messages, a.rate, a.duration) {
        (Some(m), _, _) => Load::Messages(m),
        (None, Some(r), Some(d)) if r > 0.0 => Load::Rate {
            per_second: r,
            duration: d,
        },
        _ => bail!("give --rate R (> 0) with --duration D, or --messages M"),
    };
    let machine = machine(&a.out)?;
    let config = json!({
        "server": ua.server, "clients": ua.clients, "users": ua.users.len(),
        "rate": a.rate, "duration_s": a.duration.map(|d| d.as_secs_f64()),
        "messages": a.messages, "associations": a.associations, "window": a.window,
        "p3_context": a.context, "p7_context": a.conn.p7_context, "fetch_window": a.conn.fetch_window,
        "drain_s": a.drain.as_secs_f64(), "seed": a.seed,
        "message_mix": "content builder: IPM, IPN, P772, AMHS basic and extended",
        "mean_message_bytes": mean_message_bytes(a.seed, &ua.users),
    });
    let opts = MixedOptions {
        mta: MtaOptions {
            server: a.conn.server.clone(),
            tsel: a
                .conn
                .tsel
                .as_ref()
                .map(|t| bytes::Bytes::from(t.clone().into_bytes())),
            context: if a.context == "94" {
                mstore::assoc::AppContext::MtsForcedAccess94
            } else {
                mstore::assoc::AppContext::MtsForcedAccess88
            },
            mta: a.mta.clone(),
            password: mta_password.expose().to_vec(),
            recipients: Vec::new(),
            associations: a.associations,
            window: a.window,
            load,
            seed: a.seed,
            ack_log: None,
            settings: mstore::assoc::Settings::default(),
        },
        ua,
        drain: a.drain,
    };
    let started = std::time::SystemTime::now();
    let rt = tokio::runtime::Runtime::new()?;
    let metrics = Arc::new(Metrics::new());
    let shared = UaShared::new(metrics.clone());
    let progress = Arc::new(mta::Progress::default());
    let results = rt.block_on(async {
        let sampler = metrics.spawn_sampler();
        let (p, s) = (progress.clone(), shared.clone());
        let start = Instant::now();
        let (total_s, total_n) = (a.duration.map(|d| d.as_secs_f64()), a.messages);
        let line = Progress::spawn(std::io::stderr().is_terminal(), move || {
            let t = start.elapsed().as_secs_f64();
            let n = p.acknowledged.load(std::sync::atomic::Ordering::Relaxed);
            let f = match (total_n, total_s) {
                (Some(m), _) => Some(n as f64 / m.max(1) as f64),
                (None, Some(d)) => Some(t / d.max(1e-9)),
                _ => None,
            };
            let p99 = s.metrics.summary(ua::ALERT).p99_ms;
            (
                f,
                format!(
                    "mixed: {t:.0} s, {n} delivered ({:.0}/s), {} alerted, {} fetched+deleted, p99 delivery → alert {p99:.1} ms, {} errors",
                    n as f64 / t.max(1e-9),
                    s.alerts(),
                    s.done(),
                    p.errors.load(std::sync::atomic::Ordering::Relaxed) + s.errors.count()
                ),
            )
        });
        let r = mixed::run(opts, metrics.clone(), shared.clone(), progress.clone()).await;
        line.finish();
        sampler.abort();
        metrics.sample();
        r
    })?;
    let mut report = Report::new("mixed", config, machine, started);
    report.results = results;
    finish(
        report,
        &metrics,
        &a.out,
        &[mixed::DELIVERED, ua::DONE],
        &[ua::ALERT, ua::FETCHED],
    )
}

/// Mean size of the P3 delivery argument (envelope + content) the run sends, from the same
/// builder and seed over the first 500 messages: what a peer comparison sends as its size.
fn mean_message_bytes(seed: u64, users: &[mstore::address::ORAddress]) -> u64 {
    let recipients: Vec<mstore::address::ORName> = users
        .iter()
        .take(8)
        .cloned()
        .map(mstore::address::ORName::new)
        .collect();
    let total: usize = (0..500u64)
        .map(|n| {
            mstore::p3::mta::message(seed, "size", n, &recipients)
                .0
                .len()
        })
        .sum();
    total as u64 / 500
}

fn search_cmd(a: SearchArgs) -> anyhow::Result<bool> {
    let ua = ua_options(&a.conn)?;
    let mut queries = Vec::new();
    for q in &a.queries {
        queries.push(search::Query::from_name(q.trim()).ok_or_else(|| {
            anyhow::anyhow!("--queries: unknown kind `{q}` (summarize, list, filter, text)")
        })?);
    }
    let machine = machine(&a.out)?;
    let config = json!({
        "server": ua.server, "clients": ua.clients, "users": ua.users.len(),
        "duration_s": a.duration.as_secs_f64(), "limit": a.limit,
        "queries": queries.iter().map(|q| json!({
            "kind": q.name(), "filter": q.filter_text()
        })).collect::<Vec<_>>(),
    });
    let opts = search::SearchOptions {
        server: ua.server,
        tsel: ua.tsel,
        users: ua.users,
        password: ua.password,
        clients: ua.clients,
        duration: a.duration,
        queries: queries.clone(),
        limit: a.limit,
        edition: ua.edition,
        settings: ua.settings,
    };
    let started = std::time::SystemTime::now();
    let rt = tokio::runtime::Runtime::new()?;
    let metrics = Arc::new(Metrics::new());
    let errors = Arc::new(mstore::bench::metrics::Errors::default());
    let results = rt.block_on(async {
        let sampler = metrics.spawn_sampler();
        let (m, e, d) = (metrics.clone(), errors.clone(), a.duration);
        let start = Instant::now();
        let line = Progress::spawn(std::io::stderr().is_terminal(), move || {
            let t = start.elapsed().as_secs_f64();
            let n = m.counts().get("queries").copied().unwrap_or(0);
            (
                Some(t / d.as_secs_f64().max(1e-9)),
                format!(
                    "search: {t:.0} s, {n} queries ({:.0}/s), {} errors",
                    n as f64 / t.max(1e-9),
                    e.count()
                ),
            )
        });
        let r = search::run(&opts, metrics.clone(), errors.clone()).await;
        line.finish();
        sampler.abort();
        metrics.sample();
        r
    })?;
    let mut report = Report::new("search", config, machine, started);
    report.results = results;
    let series: Vec<String> = queries.iter().map(|q| q.series()).collect();
    let series: Vec<&str> = series.iter().map(String::as_str).collect();
    finish(report, &metrics, &a.out, &["queries"], &series)
}

fn users_cmd(a: UsersArgs) -> anyhow::Result<bool> {
    let list = users::addresses(a.count);
    let mut text = list.join("\n");
    text.push('\n');
    std::fs::write(&a.out, text).with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!("{} users written to {}", list.len(), a.out.display());
    if let (Some(c), Some(p)) = (&a.config, &a.password_file) {
        let password = mstore::config::Secret::read_password_file(p)
            .with_context(|| format!("reading {}", p.display()))?;
        let n = users::add_to_directory(c, &list, password.expose())?;
        eprintln!(
            "{n} added to the directory of {} ({} were there)",
            c.display(),
            list.len() - n
        );
    }
    Ok(true)
}

fn serve_p3_cmd(a: ServeP3Args) -> anyhow::Result<bool> {
    let config = mstore::config::Config::load(&a.config)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let store = Arc::new(
            Store::open(&config.data_dir)
                .with_context(|| format!("opening {}", config.data_dir.display()))?,
        );
        let directory = mstore::directory::from_config(&config)?;
        let responder = Arc::new(
            mstore::p3::Responder::new(store, directory, config.store.clone())
                .max_message_size(config.limits.max_message_size),
        );
        let server = mstore::assoc::server::Server::bind(
            a.listen,
            vec![
                mstore::assoc::AppContext::MtsForcedAccess88,
                mstore::assoc::AppContext::MtsForcedAccess94,
            ],
            mstore::assoc::Settings::from_config(&config),
        )
        .await?;
        println!("listening {}", server.local_addr());
        std::io::stdout().flush()?;
        let signal = server.shutdown_signal();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            signal.trigger();
        });
        mstore::p3::run(server, responder).await;
        Ok(true)
    })
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

fn preload_cmd(a: PreloadArgs) -> anyhow::Result<bool> {
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
    Ok(true)
}

fn main() -> ExitCode {
    mstore::ctl::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    // Recovery counts and warnings go to stderr; RUST_LOG overrides the level.
    // The load scenarios open and close many associations: their info lines would bury the
    // progress line.
    let quiet = matches!(
        cli.command,
        Command::Ua(_) | Command::Mixed(_) | Command::Search(_)
    );
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(if quiet { "warn" } else { "info" })
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let r = match cli.command {
        Command::Preload(a) => preload_cmd(a),
        Command::Deliver(a) => deliver_cmd(a),
        Command::Ua(a) => ua_cmd(a),
        Command::Mixed(a) => mixed_cmd(a),
        Command::Search(a) => search_cmd(a),
        Command::Users(a) => users_cmd(a),
        Command::ServeP3(a) => serve_p3_cmd(a),
        Command::MtaSink(a) => mstore::bench::mta_sink::run(a).map_err(anyhow::Error::from),
        Command::Submit(a) => {
            mstore::bench::submit::run_and_report(&a).map_err(anyhow::Error::from)
        }
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        // The run finished but some deliveries failed (the summary says how many).
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("mstore-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
