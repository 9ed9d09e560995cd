//! `mstore-bench submit`: UAs submitting through the store (X.413 §8.3 MS-submission over
//! P7): N associations bind as one user each and submit composed messages one after the
//! other, through the store to its MTA (`mstore-bench mta-sink` in acceptance runs); each
//! result's latency goes into an HDR histogram.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::address::ORAddress;
use crate::assoc::Settings;
use crate::config::Secret;
use crate::p7::Edition;
use crate::p7::client::{ClientOptions, Compose, P7Client, compose};

/// `mstore-bench submit` options.
#[derive(Debug, clap::Args)]
pub struct SubmitArgs {
    /// The store's P7 listener, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub server: String,
    /// Called T-selector (text).
    #[arg(long, value_name = "T")]
    pub tsel: Option<String>,
    /// The submitting user's O/R address.
    #[arg(long, value_name = "ORADDR")]
    pub user: String,
    /// File holding the user's password.
    #[arg(long, value_name = "F")]
    pub password_file: PathBuf,
    /// Recipient O/R address (repeat for more).
    #[arg(long, value_name = "ORADDR", required = true)]
    pub to: Vec<String>,
    /// Messages in all.
    #[arg(long, default_value_t = 10)]
    pub messages: u64,
    /// Concurrent associations (the user's max-associations-per-user bounds it).
    #[arg(long, default_value_t = 1)]
    pub associations: usize,
    /// P7 application context.
    #[arg(long, default_value = "88", value_parser = ["88", "94"])]
    pub context: String,
}

/// What a run did.
#[derive(Debug)]
pub struct SubmitReport {
    /// Submissions the store answered with a result.
    pub submitted: u64,
    /// Errors (first few in `samples`).
    pub errors: u64,
    /// First error descriptions.
    pub samples: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
    /// Result latency, microseconds.
    pub latency_us: Histogram<u64>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitBenchError {
    /// Bad options.
    #[error("{0}")]
    Invalid(String),
    /// I/O (runtime).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

struct Shared {
    opts: ClientOptions,
    to: Vec<ORAddress>,
    next: std::sync::atomic::AtomicU64,
    total: u64,
    latency: Mutex<Histogram<u64>>,
    errors: Mutex<(u64, Vec<String>)>,
    done: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn error(&self, e: String) {
        let mut g = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        g.0 += 1;
        if g.1.len() < 10 {
            g.1.push(e);
        }
    }
}

async fn association(s: Arc<Shared>) {
    use std::sync::atomic::Ordering;
    let c = match P7Client::connect(&s.opts).await {
        Ok(c) => c,
        Err(e) => {
            s.error(format!("bind: {e}"));
            return;
        }
    };
    loop {
        let n = s.next.fetch_add(1, Ordering::Relaxed);
        if n >= s.total {
            break;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let m = match compose(&Compose {
            originator: s.opts.user.clone(),
            to: s.to.clone(),
            subject: format!("mstore-bench submit {n}"),
            text: format!("Message {n} of {} from mstore-bench submit.\r\n", s.total),
            at_unix: now.as_secs(),
            serial: n,
            ..Default::default()
        }) {
            Ok(m) => m,
            Err(e) => {
                s.error(e.to_string());
                continue;
            }
        };
        let t = Instant::now();
        match c.submit_message(&m).await {
            Ok(_) => {
                let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
                let mut h = s.latency.lock().unwrap_or_else(|p| p.into_inner());
                let _ = h.record(us.max(1));
                s.done.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => s.error(format!("message {n}: {e}")),
        }
    }
    let _ = c.release().await;
}

/// Runs the submissions.
pub fn run(a: &SubmitArgs) -> Result<SubmitReport, SubmitBenchError> {
    let user: ORAddress = a
        .user
        .parse()
        .map_err(|e| SubmitBenchError::Invalid(format!("--user: {e}")))?;
    let mut to = Vec::new();
    for t in &a.to {
        to.push(
            t.parse::<ORAddress>()
                .map_err(|e| SubmitBenchError::Invalid(format!("--to {t}: {e}")))?,
        );
    }
    if a.associations == 0 {
        return Err(SubmitBenchError::Invalid(
            "--associations must be at least 1".into(),
        ));
    }
    let password = Secret::read_password_file(&a.password_file).map_err(|e| {
        SubmitBenchError::Invalid(format!(
            "--password-file {}: {e}",
            a.password_file.display()
        ))
    })?;
    let mut opts = ClientOptions::new(a.server.clone(), user, password.expose());
    opts.tsel = a.tsel.as_ref().map(|t| t.as_bytes().to_vec());
    opts.edition = if a.context == "94" {
        Edition::V94
    } else {
        Edition::V88
    };
    opts.settings = Settings::default();
    let latency = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)
        .map_err(|e| SubmitBenchError::Invalid(e.to_string()))?;
    let shared = Arc::new(Shared {
        opts,
        to,
        next: std::sync::atomic::AtomicU64::new(0),
        total: a.messages,
        latency: Mutex::new(latency),
        errors: Mutex::new((0, Vec::new())),
        done: std::sync::atomic::AtomicU64::new(0),
    });
    let rt = tokio::runtime::Runtime::new()?;
    let start = Instant::now();
    rt.block_on(async {
        let tasks: Vec<_> = (0..a.associations)
            .map(|_| tokio::spawn(association(shared.clone())))
            .collect();
        for t in tasks {
            if let Err(e) = t.await {
                shared.error(format!("task: {e}"));
            }
        }
    });
    let elapsed = start.elapsed();
    let (errors, samples) = shared
        .errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let latency_us = shared
        .latency
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(SubmitReport {
        submitted: shared.done.load(std::sync::atomic::Ordering::Relaxed),
        errors,
        samples,
        elapsed,
        latency_us,
    })
}

impl SubmitReport {
    /// One line for people: counts, rate, latency percentiles.
    pub fn summary(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let h = &self.latency_us;
        format!(
            "submit: {} submitted, {} errors in {secs:.2} s ({:.1} msg/s); latency ms p50 {:.1} p99 {:.1} max {:.1}",
            self.submitted,
            self.errors,
            self.submitted as f64 / secs,
            h.value_at_quantile(0.5) as f64 / 1000.0,
            h.value_at_quantile(0.99) as f64 / 1000.0,
            h.max() as f64 / 1000.0
        )
    }
}

/// `mstore-bench submit`: runs, prints the summary (and the first errors on stderr); true
/// when every submission got a result.
pub fn run_and_report(a: &SubmitArgs) -> Result<bool, SubmitBenchError> {
    let r = run(a)?;
    println!("{}", r.summary());
    for s in &r.samples {
        eprintln!("  {s}");
    }
    Ok(r.errors == 0)
}
