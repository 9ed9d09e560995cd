//! The MTA side of P3 delivery (X.411 §8.3 as the MTS invokes it, X.419 mts-forced-access)
//! for load generation and acceptance runs (`mstore-bench deliver`): N associations bind with
//! the MTA's name and password and deliver a realistic mix from the content builder, spread
//! over a list of recipients; each result's latency goes into an HDR histogram, and the MTS
//! identifier of every acknowledged delivery can be journalled (fsynced) so a crash test can
//! prove none was lost.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hdrhistogram::Histogram;
use rasn::types::Ia5String;

use crate::address::ORName;
use crate::asn1::x411::{self, Credentials, MTSBindArgument, ObjectName, Password};
use crate::assoc::client::{self, ConnectRequest};
use crate::assoc::{AppContext, Operation, Outcome, Settings};
use crate::content::builder::MessageBuilder;
use crate::content::envelope::mts_identifier_text;

/// How much to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Load {
    /// This many messages in all, as fast as the store acknowledges them.
    Messages(u64),
    /// This many messages per second in all, for this long.
    Rate {
        /// Messages per second over all associations.
        per_second: f64,
        /// How long.
        duration: Duration,
    },
}

/// What to deliver, where, and how.
#[derive(Debug, Clone)]
pub struct MtaOptions {
    /// `host:port` of the store's P3 listener.
    pub server: String,
    /// Called T-selector.
    pub tsel: Option<Bytes>,
    /// mts-forced-access-88 or -94.
    pub context: AppContext,
    /// The MTA name (initiator-name `mTA`).
    pub mta: String,
    /// The MTA's password.
    pub password: Vec<u8>,
    /// Recipients, used round-robin.
    pub recipients: Vec<ORName>,
    /// Concurrent associations.
    pub associations: usize,
    /// Invokes outstanding per association (1: wait for each result, as most MTAs do).
    pub window: usize,
    /// How much.
    pub load: Load,
    /// Seed of the message builder.
    pub seed: u64,
    /// Journal of acknowledged MTS identifiers, one per line, fsynced.
    pub ack_log: Option<PathBuf>,
    /// Association settings (timeouts).
    pub settings: Settings,
}

/// What a run did.
#[derive(Debug)]
pub struct MtaReport {
    /// Deliveries the store acknowledged with a result.
    pub acknowledged: u64,
    /// Errors: returnError, reject, lost or refused associations, failed invokes.
    pub errors: u64,
    /// First few error descriptions.
    pub error_samples: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
    /// Result latency, microseconds.
    pub latency_us: Histogram<u64>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MtaError {
    /// Options that cannot work (no recipients, zero associations, …).
    #[error("{0}")]
    Invalid(String),
    /// The ack log could not be opened or written.
    #[error("ack log: {0}")]
    AckLog(#[from] std::io::Error),
}

/// Counters shared by the associations.
#[derive(Debug, Default)]
pub struct Progress {
    /// Acknowledged so far.
    pub acknowledged: AtomicU64,
    /// Errors so far.
    pub errors: AtomicU64,
}

fn bind_argument(mta: &str, password: &[u8]) -> Result<Bytes, MtaError> {
    let name = Ia5String::from_iso646_bytes(mta.as_bytes())
        .map_err(|_| MtaError::Invalid(format!("MTA name `{mta}` is not IA5")))?;
    let password = match Ia5String::from_iso646_bytes(password) {
        Ok(p) => Password::Ia5String(p),
        Err(_) => Password::OctetString(password.to_vec().into()),
    };
    let arg = MTSBindArgument {
        initiator_name: ObjectName::Mta(name),
        messages_waiting: None,
        initiator_credentials: Credentials::Simple(password),
        security_context: None,
        extensions: None,
    };
    x411::encode(&arg)
        .map(Bytes::from)
        .map_err(|e| MtaError::Invalid(e.to_string()))
}

/// ub-local-id-length (X.411 upper bounds): the longest local identifier.
const UB_LOCAL_ID_LENGTH: usize = 32;

/// The send time, run and number the harness carries in a delivered message's local
/// identifier (`RUN-N-T`, T the send time in microseconds since the Unix epoch, base 36), so
/// a UA that is alerted with the message-identifier attribute knows when the MTA sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The run (no `-`).
    pub run: String,
    /// The message number in the run.
    pub n: u64,
    /// Microseconds since the Unix epoch when the MTA sent the delivery.
    pub sent_us: u64,
}

fn base36(mut v: u64) -> String {
    let mut out = Vec::new();
    loop {
        let d = (v % 36) as u8;
        out.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        v /= 36;
        if v == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Stamp {
    /// The local identifier text, or `None` when it would exceed ub-local-id-length.
    pub fn local_identifier(&self) -> Option<String> {
        let s = format!("{}-{}-{}", self.run, self.n, base36(self.sent_us));
        (s.len() <= UB_LOCAL_ID_LENGTH && !self.run.contains('-')).then_some(s)
    }

    /// Reads a local identifier, or an MTS identifier's text (`[C;A;P]local`).
    pub fn parse(text: &str) -> Option<Stamp> {
        let local = match text.rfind(']') {
            Some(i) => text.get(i + 1..)?,
            None => text,
        };
        let mut parts = local.split('-');
        let (run, n, t) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || run.is_empty() || t.is_empty() || t.len() > 13 {
            return None;
        }
        Some(Stamp {
            run: run.to_string(),
            n: n.parse().ok()?,
            sent_us: u64::from_str_radix(t, 36).ok()?,
        })
    }

    /// `RUN-N`: what identifies the message in the run, whatever its send time.
    pub fn key(&self) -> String {
        format!("{}-{}", self.run, self.n)
    }
}

/// Microseconds since the Unix epoch of `t`.
pub fn unix_us(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Message number `n` of the run: a builder message for recipient `n mod R` with a delivery
/// identifier unique to the run that carries the send time (now, see [`Stamp`]), and that
/// identifier's text.
pub fn message(seed: u64, run: &str, n: u64, recipients: &[ORName]) -> (Bytes, String) {
    let r = recipients
        .get((n % recipients.len().max(1) as u64) as usize)
        .cloned()
        .unwrap_or_default();
    let mut b = MessageBuilder::new(seed.wrapping_mul(1_000_003).wrapping_add(n)).with_recipient(r);
    let mut arg = b.build_any().delivery;
    let stamp = Stamp {
        run: run.to_string(),
        n,
        sent_us: unix_us(SystemTime::now()),
    };
    let local = stamp
        .local_identifier()
        .unwrap_or_else(|| format!("{run}-{n}"));
    if let Ok(local) = Ia5String::from_iso646_bytes(local.as_bytes()) {
        arg.message_delivery_identifier.local_identifier = local;
    }
    let id = mts_identifier_text(&arg.message_delivery_identifier);
    (Bytes::from(x411::encode(&arg).unwrap_or_default()), id)
}

/// The ack journal: a thread that appends identifiers and fsyncs after each batch, so an
/// identifier is on disk soon after its result arrived and the delivery path never waits.
struct AckLog {
    tx: Option<mpsc::Sender<String>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl AckLog {
    fn open(path: &std::path::Path) -> Result<AckLog, MtaError> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        let (tx, rx) = mpsc::channel::<String>();
        let thread = std::thread::spawn(move || -> std::io::Result<()> {
            while let Ok(first) = rx.recv() {
                let mut batch = first;
                batch.push('\n');
                while let Ok(more) = rx.try_recv() {
                    batch.push_str(&more);
                    batch.push('\n');
                }
                f.write_all(batch.as_bytes())?;
                f.sync_data()?;
            }
            Ok(())
        });
        Ok(AckLog {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    fn sender(&self) -> Option<mpsc::Sender<String>> {
        self.tx.clone()
    }

    fn finish(mut self) -> Result<(), MtaError> {
        drop(self.tx.take());
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => Ok(r?),
            Some(Err(_)) => Err(MtaError::Invalid("ack log thread panicked".into())),
            None => Ok(()),
        }
    }
}

struct Shared {
    opts: MtaOptions,
    run: String,
    bind: Bytes,
    next: AtomicU64,
    progress: Arc<Progress>,
    latency: Mutex<Histogram<u64>>,
    samples: Mutex<Vec<String>>,
    start: Instant,
}

impl Shared {
    fn error(&self, what: String) {
        self.progress.errors.fetch_add(1, Ordering::Relaxed);
        let mut s = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        if s.len() < 10 {
            s.push(what);
        }
    }

    /// The next message number to send, or `None` when the load is done.
    async fn next(&self, per_assoc_interval: Option<Duration>, k: u64) -> Option<u64> {
        match self.opts.load {
            Load::Messages(m) => {
                let n = self.next.fetch_add(1, Ordering::Relaxed);
                (n < m).then_some(n)
            }
            Load::Rate { duration, .. } => {
                let interval = per_assoc_interval?;
                let due = interval.checked_mul(u32::try_from(k).ok()?)?;
                if due >= duration {
                    return None;
                }
                let at = self.start + due;
                tokio::time::sleep_until(at.into()).await;
                Some(self.next.fetch_add(1, Ordering::Relaxed))
            }
        }
    }
}

async fn association(shared: Arc<Shared>, acks: Option<mpsc::Sender<String>>) {
    let o = &shared.opts;
    let mut req = ConnectRequest::new(o.server.clone(), o.context, shared.bind.clone())
        .settings(o.settings.clone());
    req.called_tsel = o.tsel.clone();
    let assoc = match client::connect(req).await {
        Ok((a, _)) => a,
        Err(e) => {
            shared.error(format!("bind: {e}"));
            return;
        }
    };
    let window = o.window.max(1);
    let interval = match o.load {
        Load::Rate { per_second, .. } if per_second > 0.0 => Some(Duration::from_secs_f64(
            (o.associations * window) as f64 / per_second,
        )),
        _ => None,
    };
    let workers: Vec<_> = (0..window)
        .map(|_| {
            tokio::spawn(invoker(
                shared.clone(),
                assoc.handle(),
                acks.clone(),
                interval,
            ))
        })
        .collect();
    let mut alive = true;
    for w in workers {
        alive &= w.await.unwrap_or(false);
    }
    if alive && let Err(e) = assoc.release().await {
        shared.error(format!("release: {e}"));
    }
}

/// Delivers messages one after the other on `handle`; false when the association was lost.
async fn invoker(
    shared: Arc<Shared>,
    handle: crate::assoc::AssociationHandle,
    acks: Option<mpsc::Sender<String>>,
    interval: Option<Duration>,
) -> bool {
    let o = &shared.opts;
    let mut k = 0u64;
    while let Some(n) = shared.next(interval, k).await {
        k += 1;
        let (arg, id) = message(o.seed, &shared.run, n, &o.recipients);
        let t = Instant::now();
        match handle.invoke(Operation::MessageDelivery, Some(arg)).await {
            Ok(Outcome::Result(_)) => {
                let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
                {
                    let mut h = shared.latency.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = h.record(us.max(1));
                }
                if let Some(tx) = &acks {
                    let _ = tx.send(id);
                }
                shared.progress.acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Outcome::Error { code, .. }) => shared.error(format!("{id}: returnError {code:?}")),
            Ok(Outcome::Rejected(p)) => shared.error(format!("{id}: rejected {p:?}")),
            Err(e) => {
                // The association is gone (aborted by the store, or lost): this MTA would
                // keep the message queued; the bench stops using this association.
                shared.error(format!("{id}: {e}"));
                return false;
            }
        }
    }
    true
}

/// Runs the load; `progress` is shared so a caller can print it while this runs.
pub async fn deliver(opts: MtaOptions, progress: Arc<Progress>) -> Result<MtaReport, MtaError> {
    if opts.recipients.is_empty() {
        return Err(MtaError::Invalid("no recipients".into()));
    }
    if opts.associations == 0 {
        return Err(MtaError::Invalid(
            "--associations must be at least 1".into(),
        ));
    }
    let ack_log = opts.ack_log.as_deref().map(AckLog::open).transpose()?;
    // Unique per process and run, so identifiers never repeat across runs into one store.
    static RUNS: AtomicU64 = AtomicU64::new(0);
    // Short (base 36), so that the stamped identifier fits ub-local-id-length.
    let run = format!(
        "b{}{}r{}",
        base36(u64::from(std::process::id())),
        base36((unix_us(SystemTime::now()) / 1000) & 0xf_ffff),
        RUNS.fetch_add(1, Ordering::Relaxed)
    );
    let latency = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)
        .map_err(|e| MtaError::Invalid(e.to_string()))?;
    let shared = Arc::new(Shared {
        bind: bind_argument(&opts.mta, &opts.password)?,
        opts,
        run,
        next: AtomicU64::new(0),
        progress,
        latency: Mutex::new(latency),
        samples: Mutex::new(Vec::new()),
        start: Instant::now(),
    });
    let tasks: Vec<_> = (0..shared.opts.associations)
        .map(|_| {
            tokio::spawn(association(
                shared.clone(),
                ack_log.as_ref().and_then(AckLog::sender),
            ))
        })
        .collect();
    for t in tasks {
        if let Err(e) = t.await {
            shared.error(format!("association task: {e}"));
        }
    }
    let elapsed = shared.start.elapsed();
    if let Some(log) = ack_log {
        log.finish()?;
    }
    let latency_us = shared
        .latency
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(MtaReport {
        acknowledged: shared.progress.acknowledged.load(Ordering::Relaxed),
        errors: shared.progress.errors.load(Ordering::Relaxed),
        error_samples: shared
            .samples
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone(),
        elapsed,
        latency_us,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_round_trips_through_the_local_identifier() {
        for (n, t) in [
            (0u64, 0u64),
            (7, 1_795_845_600_123_456),
            (99_999_999, 3_600_000_000_000_000),
        ] {
            let s = Stamp {
                run: "b2hpq8a1b2r0".into(),
                n,
                sent_us: t,
            };
            let text = s.local_identifier().unwrap();
            assert!(text.len() <= UB_LOCAL_ID_LENGTH, "{text}");
            assert_eq!(Stamp::parse(&text), Some(s.clone()));
            assert_eq!(Stamp::parse(&format!("[XX;ICAO;AMHS]{text}")), Some(s));
        }
    }

    #[test]
    fn stamp_refuses_what_the_harness_did_not_write() {
        for bad in [
            "",
            "abc",
            "r-1",
            "r-x-1",
            "r-1-",
            "-1-2",
            "r-1-2-3",
            "[XX;A]r-1-!!",
        ] {
            assert_eq!(Stamp::parse(bad), None, "{bad}");
        }
        let long = Stamp {
            run: "a".repeat(30),
            n: 1,
            sent_us: 1,
        };
        assert_eq!(long.local_identifier(), None);
    }

    #[test]
    fn delivered_message_carries_a_recent_send_time() {
        let r: ORName = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX".parse().unwrap();
        let before = unix_us(SystemTime::now());
        let (_, id) = message(1, "brunr0", 42, &[r]);
        let s = Stamp::parse(&id).unwrap();
        assert_eq!((s.run.as_str(), s.n), ("brunr0", 42));
        assert!(s.sent_us >= before && s.sent_us <= unix_us(SystemTime::now()));
    }
}
