//! UA load (X.413 §8.2.2.5 Register-MS auto-alert, §8.2.2.6 Alert, §8.2.3 Fetch and Delete
//! as an AMHS terminal uses them): K P7 clients, each bound as its own user, register an
//! auto-alert that returns the new entry's sequence number and message-identifier, and loop
//! alert → fetch → delete. The message-identifier carries the MTA's send time
//! ([`crate::p3::mta::Stamp`]), so each client measures delivery → alert and
//! delivery → fetched without sharing a clock with the sender other than the machine's.
//!
//! Alerts are answered by one task per association as soon as they arrive, and fetch/delete
//! run on another, so an alert's arrival time is not delayed by the previous message's fetch.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rasn::types::ObjectIdentifier;
use tokio::sync::{mpsc, watch};

use super::metrics::{Errors, Metrics};
use super::report::Accounting;
use crate::address::ORAddress;
use crate::asn1::oids;
use crate::asn1::x413 as x;
use crate::assoc::Settings;
use crate::p3::mta::{Stamp, unix_us};
use crate::p7::Edition;
use crate::p7::attrs;
use crate::p7::client::{ClientError, ClientOptions, P7Client, P7Handle};
use crate::store::query::{Attr, Value};

/// Series name: MTA send → Alert received by the UA.
pub const ALERT: &str = "delivery → alert";
/// Series name: MTA send → Fetch result received by the UA.
pub const FETCHED: &str = "delivery → fetched";
/// Series name: Delete round trip.
pub const DELETE: &str = "delete";
/// Counter: alerts received.
pub const ALERTS: &str = "alerts";
/// Counter: messages deleted after their fetch.
pub const DONE: &str = "fetched+deleted";

/// Who the UAs are and where they bind.
#[derive(Debug, Clone)]
pub struct UaOptions {
    /// The store's P7 listener, `host:port`.
    pub server: String,
    /// Called T-selector.
    pub tsel: Option<Vec<u8>>,
    /// The users; client `i` binds as user `i` (one association per user, so that each
    /// alert has exactly one consumer).
    pub users: Vec<ORAddress>,
    /// Their (common) password.
    pub password: Vec<u8>,
    /// How many clients.
    pub clients: usize,
    /// Alerted messages each client fetches and deletes at once (1: one after the other, as
    /// a terminal does; more when a slow Fetch/Delete round trip would let the queue grow).
    pub window: usize,
    /// 1988 or 1994 contexts.
    pub edition: Edition,
    /// Timeouts.
    pub settings: Settings,
}

/// Why the UAs could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UaError {
    /// Options that cannot work.
    #[error("{0}")]
    Invalid(String),
    /// A client could not bind or register its auto-alert.
    #[error("UA {user}: {source}")]
    Client {
        /// The user.
        user: String,
        /// Why.
        source: ClientError,
    },
}

/// What happened to the messages of one run, by `RUN-N` key.
#[derive(Debug, Default)]
struct Ledger {
    alerted: HashSet<String>,
    fetched: HashSet<String>,
    deleted: HashSet<String>,
    duplicates: u64,
    foreign: u64,
}

/// The state the UA tasks share with whoever runs them.
#[derive(Debug)]
pub struct UaShared {
    /// Latencies and counters.
    pub metrics: Arc<Metrics>,
    /// Errors.
    pub errors: Errors,
    /// Only messages of this run are accounted (`None`: every stamped message).
    run: Mutex<Option<String>>,
    ledger: Mutex<Ledger>,
    alerts: Arc<AtomicU64>,
    done: Arc<AtomicU64>,
}

impl UaShared {
    /// Shared state recording into `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Arc<UaShared> {
        Arc::new(UaShared {
            alerts: metrics.counter(ALERTS),
            done: metrics.counter(DONE),
            metrics,
            errors: Errors::default(),
            run: Mutex::new(None),
            ledger: Mutex::new(Ledger::default()),
        })
    }

    /// Accounts only messages of `run` from now on (the others are "foreign").
    pub fn only_run(&self, run: Option<String>) {
        *self.run.lock().unwrap_or_else(|p| p.into_inner()) = run;
    }

    /// Alerts received so far.
    pub fn alerts(&self) -> u64 {
        self.alerts.load(Ordering::Relaxed)
    }

    /// Messages fetched and deleted so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    fn ours(&self, s: &Stamp) -> bool {
        self.run
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_none_or(|r| *r == s.run)
    }

    /// Whether `key` was alerted, fetched and deleted.
    pub fn completed(&self, key: &str) -> bool {
        self.ledger
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .deleted
            .contains(key)
    }

    /// The accounting against the keys the MTA had acknowledged (`None`: against what was
    /// alerted, for a UA run without the sender's journal).
    pub fn accounting(&self, acknowledged: Option<&HashSet<String>>) -> Accounting {
        let l = self.ledger.lock().unwrap_or_else(|p| p.into_inner());
        let base: Vec<&String> = match acknowledged {
            Some(a) => a.iter().collect(),
            None => l.alerted.iter().collect(),
        };
        let count =
            |set: &HashSet<String>| base.iter().filter(|k| set.contains(**k)).count() as u64;
        let mut lost: Vec<String> = base
            .iter()
            .filter(|k| !l.deleted.contains(**k))
            .map(|k| (*k).clone())
            .collect();
        lost.sort();
        Accounting {
            acknowledged: acknowledged.map_or(l.alerted.len() as u64, |a| a.len() as u64),
            alerted: count(&l.alerted),
            fetched: count(&l.fetched),
            deleted: count(&l.deleted),
            lost: lost.len() as u64,
            duplicate_alerts: l.duplicates,
            foreign_alerts: l.foreign,
            lost_samples: lost.into_iter().take(10).collect(),
        }
    }
}

/// Running UAs.
#[derive(Debug)]
pub struct UaRun {
    stop: watch::Sender<bool>,
    clients: Vec<tokio::task::JoinHandle<()>>,
}

fn registration() -> Result<x::RegisterMSArgument, String> {
    let requested: Vec<x::AttributeSelection> =
        [Attr::SequenceNumber, Attr::MessageDeliveryIdentifier]
            .into_iter()
            .filter_map(attrs::oid_of)
            .map(|o| x::AttributeSelection::all(ObjectIdentifier::from(o)))
            .collect();
    let p = x::AutoAlertRegistrationParameter {
        requested_attributes: Some(requested.into()),
        ..Default::default()
    };
    let r = x::AutoActionRegistration::auto_alert(1, &p).map_err(|e| e.to_string())?;
    Ok(x::RegisterMSArgument {
        auto_action_registrations: Some(x::Set(vec![r])),
        ..Default::default()
    })
}

/// The message-identifier of an alerted entry, read as a [`Stamp`].
pub fn stamp_of(e: &x::EntryInformation) -> Option<Stamp> {
    let a = e.attribute(oids::ID_ATT_MESSAGE_IDENTIFIER)?;
    let v = a.first()?;
    match attrs::decode_value(Attr::MessageDeliveryIdentifier, v)? {
        Value::Str(s) => Stamp::parse(&s),
        _ => None,
    }
}

/// Binds every client and registers its auto-alert; returns once all are ready to be
/// alerted, so a sender started afterwards loses no alert to a client still binding.
pub async fn start(opts: &UaOptions, shared: Arc<UaShared>) -> Result<UaRun, UaError> {
    if opts.clients == 0 {
        return Err(UaError::Invalid("--clients must be at least 1".into()));
    }
    if opts.clients > opts.users.len() {
        return Err(UaError::Invalid(format!(
            "{} clients but {} users: each client needs its own user (one consumer per alert)",
            opts.clients,
            opts.users.len()
        )));
    }
    let reg = registration().map_err(UaError::Invalid)?;
    let mut bound = Vec::new();
    let mut pending = tokio::task::JoinSet::new();
    for (i, user) in opts.users.iter().take(opts.clients).enumerate() {
        let mut o = ClientOptions::new(opts.server.clone(), user.clone(), &opts.password);
        o.tsel = opts.tsel.clone();
        o.edition = opts.edition;
        o.settings = opts.settings.clone();
        o.configuration_request = false;
        let reg = reg.clone();
        pending.spawn(async move {
            let c = P7Client::connect(&o).await?;
            c.register_ms(&reg).await?;
            Ok::<_, ClientError>((i, c))
        });
    }
    let mut failure = None;
    while let Some(r) = pending.join_next().await {
        match r {
            Ok(Ok(c)) => bound.push(c),
            Ok(Err(e)) => failure = failure.or(Some(e)),
            Err(e) => failure = failure.or(Some(ClientError::Protocol(e.to_string()))),
        }
    }
    if let Some(source) = failure {
        for (_, c) in bound {
            let _ = c.release().await;
        }
        return Err(UaError::Client {
            user: "one of the users".into(),
            source,
        });
    }
    bound.sort_by_key(|(i, _)| *i);
    let (stop, stop_rx) = watch::channel(false);
    let clients = bound
        .into_iter()
        .map(|(_, c)| {
            tokio::spawn(client(
                c,
                shared.clone(),
                stop_rx.clone(),
                opts.window.max(1),
            ))
        })
        .collect();
    Ok(UaRun { stop, clients })
}

impl UaRun {
    /// Stops the clients (each finishes the message in hand, then releases) and waits.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for c in self.clients {
            let _ = c.await;
        }
    }
}

struct Alerted {
    seq: u32,
    stamp: Option<Stamp>,
}

async fn client(
    mut c: P7Client,
    shared: Arc<UaShared>,
    mut stop: watch::Receiver<bool>,
    window: usize,
) {
    let handle = c.handle();
    let (tx, rx) = mpsc::unbounded_channel::<Alerted>();
    let worker = tokio::spawn(work(handle.clone(), shared.clone(), rx, window));
    loop {
        let alert = tokio::select! {
            a = c.next_alert() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        let Some(a) = alert else {
            shared
                .errors
                .add("association ended while waiting for alerts");
            break;
        };
        let now = unix_us(SystemTime::now());
        shared.alerts.fetch_add(1, Ordering::Relaxed);
        let Some(e) = a.new_entry else {
            shared.errors.add("alert without new-entry");
            continue;
        };
        let stamp = stamp_of(&e);
        match &stamp {
            Some(s) if shared.ours(s) => {
                shared
                    .metrics
                    .record_us(ALERT, now.saturating_sub(s.sent_us));
                let mut l = shared.ledger.lock().unwrap_or_else(|p| p.into_inner());
                if !l.alerted.insert(s.key()) {
                    l.duplicates += 1;
                }
            }
            _ => {
                shared
                    .ledger
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .foreign += 1;
            }
        }
        let _ = tx.send(Alerted {
            seq: e.sequence_number,
            stamp,
        });
    }
    drop(tx);
    let _ = worker.await;
    // Release after the worker finished, bounded: a store still alerting must not hang us.
    if tokio::time::timeout(Duration::from_secs(5), c.release())
        .await
        .is_err()
    {
        shared.errors.add("release timed out");
    }
}

async fn work(
    h: P7Handle,
    shared: Arc<UaShared>,
    mut rx: mpsc::UnboundedReceiver<Alerted>,
    window: usize,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(window));
    let mut running = tokio::task::JoinSet::new();
    while let Some(a) = rx.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let (h, shared) = (h.clone(), shared.clone());
        running.spawn(async move {
            fetch_and_delete(&h, &shared, a).await;
            drop(slot);
        });
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
}

async fn fetch_and_delete(h: &P7Handle, shared: &UaShared, a: Alerted) {
    let ours = a.stamp.as_ref().filter(|s| shared.ours(s));
    match h.fetch(&x::FetchArgument::precise(a.seq)).await {
        Ok(_) => {
            if let Some(s) = ours {
                let now = unix_us(SystemTime::now());
                shared
                    .metrics
                    .record_us(FETCHED, now.saturating_sub(s.sent_us));
                shared
                    .ledger
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .fetched
                    .insert(s.key());
            }
        }
        Err(e) => {
            shared.errors.add(format!("fetch {}: {e}", a.seq));
            return;
        }
    }
    let t = std::time::Instant::now();
    match h
        .delete(&x::DeleteArgument::sequence_numbers([a.seq]))
        .await
    {
        Ok(_) => {
            shared.metrics.record(DELETE, t.elapsed());
            if let Some(s) = ours {
                shared
                    .ledger
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .deleted
                    .insert(s.key());
            }
            shared.done.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => shared.errors.add(format!("delete {}: {e}", a.seq)),
    }
}

/// Reads the users file: one O/R address per line, blank lines and `#` comments skipped.
pub fn read_users(text: &str) -> Result<Vec<ORAddress>, String> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        out.push(
            l.parse::<ORAddress>()
                .map_err(|e| format!("line {}: `{l}`: {e}", i + 1))?,
        );
    }
    Ok(out)
}

/// The `RUN-N` keys of an ack journal (`mstore-bench deliver --ack-log`), by run.
pub fn read_ack_log(text: &str) -> HashMap<String, HashSet<String>> {
    let mut by_run: HashMap<String, HashSet<String>> = HashMap::new();
    for s in text.lines().filter_map(|l| Stamp::parse(l.trim())) {
        by_run.entry(s.run.clone()).or_default().insert(s.key());
    }
    by_run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_file_skips_comments_and_reports_bad_lines() {
        let u = read_users("# users\n\nC=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX\n").unwrap();
        assert_eq!(u.len(), 1);
        let e = read_users("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=A\nnot an address\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }

    #[test]
    fn ack_log_groups_keys_by_run() {
        let a = Stamp {
            run: "bra".into(),
            n: 1,
            sent_us: 5,
        };
        let b = Stamp {
            run: "brb".into(),
            n: 2,
            sent_us: 6,
        };
        let text = format!(
            "[XX;ICAO;AMHS]{}\n[XX;ICAO;AMHS]{}\ngarbage\n",
            a.local_identifier().unwrap(),
            b.local_identifier().unwrap()
        );
        let m = read_ack_log(&text);
        assert_eq!(m.len(), 2);
        assert!(m["bra"].contains("bra-1"));
        assert!(m["brb"].contains("brb-2"));
    }

    #[test]
    fn accounting_counts_what_was_not_deleted_as_lost() {
        let s = UaShared::new(Arc::new(Metrics::new()));
        {
            let mut l = s.ledger.lock().unwrap();
            for k in ["r-1", "r-2", "r-3"] {
                l.alerted.insert(k.into());
                l.fetched.insert(k.into());
            }
            l.deleted.insert("r-1".into());
            l.deleted.insert("r-2".into());
        }
        let acked: HashSet<String> = ["r-1", "r-2", "r-3", "r-4"].map(String::from).into();
        let a = s.accounting(Some(&acked));
        assert_eq!(
            (a.acknowledged, a.alerted, a.fetched, a.deleted, a.lost),
            (4, 3, 3, 2, 2)
        );
        assert_eq!(a.lost_samples, vec!["r-3".to_string(), "r-4".to_string()]);
        let a = s.accounting(None);
        assert_eq!((a.acknowledged, a.lost), (3, 1));
        assert!(s.completed("r-1") && !s.completed("r-3"));
    }

    #[test]
    fn alert_registration_asks_for_sequence_number_and_message_identifier() {
        let r = registration().unwrap();
        assert_eq!(r.auto_action_registrations.map(|s| s.0.len()), Some(1));
    }
}
