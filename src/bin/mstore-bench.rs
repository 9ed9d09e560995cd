//! `mstore-bench`: load generators for benchmarks and acceptance runs. Parsing and output only;
//! the work is in `mstore::store::preload` and `mstore::p3::mta`.

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
    /// Act as an MTA: deliver generated messages to a store over P3 (mts-forced-access).
    Deliver(DeliverArgs),
    /// Act as an MTA taking the store's P3 submissions (mts-access) and count them.
    MtaSink(mstore::bench::mta_sink::MtaSinkArgs),
    /// Submit messages through the store over P7 (to its MTA, e.g. `mta-sink`).
    Submit(mstore::bench::submit::SubmitArgs),
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
    use std::sync::Arc;
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
    let report = rt.block_on(async {
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
    Ok(report.errors == 0)
}

fn serve_p3_cmd(a: ServeP3Args) -> anyhow::Result<bool> {
    use std::sync::Arc;
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
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let r = match cli.command {
        Command::Preload(a) => preload_cmd(a),
        Command::Deliver(a) => deliver_cmd(a),
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
