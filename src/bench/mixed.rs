//! Mixed load: the MTA side of P3 delivery (X.411 §8.3, [`crate::p3::mta`]) and the UA side
//! of P7 (X.413 alert → fetch → delete, [`super::ua`]) together against one store, giving the
//! end-to-end latency distribution (MTA send → UA alerted, → UA fetched) and accounting for
//! every acknowledged message.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use super::metrics::{Metrics, Summary};
use super::report::{Results, Row};
use super::ua::{self, UaError, UaOptions, UaShared};
use crate::address::ORName;
use crate::p3::mta::{self, MtaError, MtaOptions};

/// Series name: the MTA's Message-Delivery round trip.
pub const DELIVERY_ACK: &str = "delivery → P3 result";
/// Counter: deliveries acknowledged.
pub const DELIVERED: &str = "delivered";

/// A mixed run.
#[derive(Debug, Clone)]
pub struct MixedOptions {
    /// The UAs (their users are also the recipients: the first `clients` of them).
    pub ua: UaOptions,
    /// The MTA (its recipients and ack journal are set by the run).
    pub mta: MtaOptions,
    /// After the last delivery, how long to wait without progress for outstanding alerts.
    pub drain: Duration,
}

/// Why a mixed run could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MixedError {
    /// The UAs could not start.
    #[error(transparent)]
    Ua(#[from] UaError),
    /// The MTA could not start.
    #[error(transparent)]
    Mta(#[from] MtaError),
    /// The ack journal could not be read.
    #[error("ack journal {path}: {source}")]
    Journal {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs UAs and the MTA together; `progress` is the MTA's counters (for a progress line).
pub async fn run(
    opts: MixedOptions,
    metrics: Arc<Metrics>,
    shared: Arc<UaShared>,
    progress: Arc<mta::Progress>,
) -> Result<Results, MixedError> {
    let recipients: Vec<ORName> = opts
        .ua
        .users
        .iter()
        .take(opts.ua.clients)
        .cloned()
        .map(ORName::new)
        .collect();
    // UAs first: every client is bound and registered before the first delivery.
    let uas = ua::start(&opts.ua, shared.clone()).await?;
    let journal = std::env::temp_dir().join(format!(
        "mstore-bench-acks-{}-{}.log",
        std::process::id(),
        mta::unix_us(SystemTime::now())
    ));
    let offered = match opts.mta.load {
        mta::Load::Rate { per_second, .. } => Some(per_second),
        mta::Load::Messages(_) => None,
    };
    let mut mta_opts = opts.mta.clone();
    mta_opts.recipients = recipients;
    mta_opts.ack_log = Some(journal.clone());
    let p = progress.clone();
    metrics.watch(DELIVERED, move || p.acknowledged.load(Ordering::Relaxed));
    let start = Instant::now();
    let delivered = mta::deliver(mta_opts, progress.clone()).await;
    let deliver_elapsed = start.elapsed();
    let report = match delivered {
        Ok(r) => r,
        Err(e) => {
            uas.stop().await;
            let _ = std::fs::remove_file(&journal);
            return Err(e.into());
        }
    };
    // Drain: wait for the alerts still in flight, as long as they keep coming.
    let mut last = (shared.done(), Instant::now());
    while shared.done() < report.acknowledged && last.1.elapsed() < opts.drain {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if shared.done() != last.0 {
            last = (shared.done(), Instant::now());
        }
    }
    let elapsed = start.elapsed();
    uas.stop().await;
    let text = std::fs::read_to_string(&journal);
    let _ = std::fs::remove_file(&journal);
    let text = text.map_err(|source| MixedError::Journal {
        path: journal.clone(),
        source,
    })?;
    let acked: HashSet<String> = ua::read_ack_log(&text).into_values().flatten().collect();
    let accounting = shared.accounting(Some(&acked));
    let secs = deliver_elapsed.as_secs_f64().max(1e-9);
    let mut errors = report.error_samples.clone();
    errors.extend(shared.errors.samples());
    errors.truncate(10);
    let error_count = report.errors + shared.errors.count();
    let mut latency = vec![Row {
        name: DELIVERY_ACK.into(),
        summary: Summary::of(&report.latency_us),
    }];
    for s in [ua::ALERT, ua::FETCHED, ua::DELETE] {
        latency.push(Row {
            name: s.into(),
            summary: metrics.summary(s),
        });
    }
    let journal_mismatch = acked.len() as u64 != report.acknowledged;
    let mut results = Results {
        elapsed_s: elapsed.as_secs_f64(),
        throughput: [
            (
                "delivered (P3 acknowledged)".to_string(),
                report.acknowledged as f64 / secs,
            ),
            (
                "fetched+deleted (P7)".to_string(),
                accounting.deleted as f64 / elapsed.as_secs_f64().max(1e-9),
            ),
        ]
        .into(),
        latency,
        errors: error_count,
        error_samples: errors,
        ok: accounting.lost == 0 && error_count == 0 && !journal_mismatch,
        accounting: Some(accounting),
        notes: Vec::new(),
    };
    if let Some(rate) = offered {
        let got = report.acknowledged as f64 / secs;
        results
            .throughput
            .insert("offered (--rate)".to_string(), rate);
        // Not an error (nothing is lost), but the run did not measure the load asked for: the
        // MTA side waits for each result, so its ceiling is associations × window / latency.
        if got < 0.95 * rate {
            results.notes.push(format!(
                "the store acknowledged {got:.0}/s of the {rate:.0}/s offered: each of the {} \
                 associations waits for its result ({} outstanding); raise --associations or \
                 --window to offer the full rate",
                opts.mta.associations, opts.mta.window
            ));
        }
    }
    if journal_mismatch {
        results.error_samples.push(format!(
            "ack journal holds {} identifiers for {} acknowledged deliveries",
            acked.len(),
            report.acknowledged
        ));
    }
    Ok(results)
}
