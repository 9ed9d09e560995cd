//! X.413 §8.2.2.5 Register-MS state and §8.2.2.6 Alert: each user's auto-alert registrations
//! and attribute defaults, kept as user state outside the index (`<data>/state/users/<id>.toml`,
//! written atomically) so a rebuild of the index never erases them; and the alerts a delivery
//! fires at the associations bound to the mailbox.
//!
//! The store's delivery hook only `try_send`s the new entry's key into a bounded queue: the
//! write path never waits for matching, I/O or a UA. A dispatcher task matches registrations
//! and pushes Alert arguments into a bounded channel per association; a sender task per
//! association invokes Alert. A full channel drops the alert with a log line, so a UA that
//! never answers stalls only its own sender task.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use rasn::types::ObjectIdentifier;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::ops::{entry_information, requested_of};
use crate::asn1::x413 as x;
use crate::store::query::{Attr, Range, Selector};
use crate::store::{EntryKey, Store};

/// Deliveries waiting for the dispatcher; beyond this, alerts are dropped (and logged).
pub const QUEUE: usize = 1024;
/// Alerts waiting for one association's UA; beyond this, alerts are dropped (and logged).
pub const PER_ASSOCIATION: usize = 64;
/// Most auto-alert registrations one user keeps.
pub const MAX_REGISTRATIONS: usize = 16;

/// Errors of the user-state files.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// File I/O.
    #[error("user state {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file does not parse.
    #[error("user state {path}: {why}")]
    Format {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
}

/// One auto-alert registration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StoredAlert {
    /// registration-identifier.
    pub id: u32,
    /// The AutoAlertRegistrationParameter BER, hex.
    pub parameter: String,
}

impl StoredAlert {
    /// The registration parameter.
    pub fn parameter(&self) -> Option<x::AutoAlertRegistrationParameter> {
        let ber = unhex(&self.parameter)?;
        x::decode(&ber).ok()
    }
}

/// One user's Register-MS state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserState {
    /// Auto-alert registrations, by identifier.
    #[serde(default)]
    pub auto_alerts: Vec<StoredAlert>,
    /// list-attribute-defaults (dotted OIDs).
    #[serde(default)]
    pub list_attribute_defaults: Vec<String>,
    /// fetch-attribute-defaults (dotted OIDs).
    #[serde(default)]
    pub fetch_attribute_defaults: Vec<String>,
    /// An alert fired while no association was bound (MS-Bind alert-indication).
    #[serde(default)]
    pub alert_pending: bool,
}

/// Hex of bytes.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Dotted form of an OID.
pub fn dotted(o: &ObjectIdentifier) -> String {
    o.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// OID of a dotted form.
pub fn undotted(s: &str) -> Option<ObjectIdentifier> {
    let arcs: Option<Vec<u32>> = s.split('.').map(|a| a.parse().ok()).collect();
    ObjectIdentifier::new(arcs?)
}

/// The file name of a mailbox's state: mailbox ids are kept as they are when they are plain,
/// hex otherwise, so no id can name a path outside the directory.
fn file_name(mailbox_id: &str) -> String {
    if !mailbox_id.is_empty()
        && mailbox_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        format!("{mailbox_id}.toml")
    } else {
        format!("x{}.toml", hex(mailbox_id.as_bytes()))
    }
}

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename, directory fsync.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("toml.tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

type Sinks = HashMap<String, Vec<(u64, mpsc::Sender<Bytes>)>>;

/// Registrations of every user and the alert channels of the bound associations.
#[derive(Debug)]
pub struct Alerts {
    dir: PathBuf,
    states: Mutex<HashMap<String, UserState>>,
    sinks: Mutex<Sinks>,
    next: AtomicU64,
    queue: mpsc::Sender<EntryKey>,
    incoming: Mutex<Option<mpsc::Receiver<EntryKey>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Alerts {
    /// Registrations kept under `<data>/state/users`.
    pub fn new(data: &Path) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        Alerts {
            dir: data.join("state").join("users"),
            states: Mutex::new(HashMap::new()),
            sinks: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            queue,
            incoming: Mutex::new(Some(rx)),
        }
    }

    /// The state file of a mailbox.
    pub fn path(&self, mailbox_id: &str) -> PathBuf {
        self.dir.join(file_name(mailbox_id))
    }

    /// A mailbox's state (empty when it has none). Blocking.
    pub fn state(&self, mailbox_id: &str) -> Result<UserState, StateError> {
        if let Some(s) = lock(&self.states).get(mailbox_id) {
            return Ok(s.clone());
        }
        let path = self.path(mailbox_id);
        let s = match std::fs::read_to_string(&path) {
            Ok(t) => toml::from_str(&t).map_err(|e| StateError::Format {
                path: path.clone(),
                why: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => UserState::default(),
            Err(source) => return Err(StateError::Io { path, source }),
        };
        lock(&self.states).insert(mailbox_id.to_string(), s.clone());
        Ok(s)
    }

    /// Replaces a mailbox's state, durably. Blocking.
    pub fn save(&self, mailbox_id: &str, s: &UserState) -> Result<(), StateError> {
        let path = self.path(mailbox_id);
        let text = toml::to_string(s).map_err(|e| StateError::Format {
            path: path.clone(),
            why: e.to_string(),
        })?;
        write_atomic(&path, text.as_bytes()).map_err(|source| StateError::Io {
            path: path.clone(),
            source,
        })?;
        lock(&self.states).insert(mailbox_id.to_string(), s.clone());
        Ok(())
    }

    /// Whether an alert fired while the user was away; clears the mark. Blocking.
    pub fn take_pending(&self, mailbox_id: &str) -> bool {
        match self.state(mailbox_id) {
            Ok(mut s) if s.alert_pending => {
                s.alert_pending = false;
                if let Err(e) = self.save(mailbox_id, &s) {
                    tracing::warn!("{e}");
                }
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!("{e}");
                false
            }
        }
    }

    /// The store hook: queues the new entry for the dispatcher, never waiting.
    pub fn hook(self: &Arc<Self>) -> crate::store::DeliveryHook {
        let me = self.clone();
        Arc::new(move |key: &EntryKey, _| {
            if me.queue.try_send(key.clone()).is_err() {
                tracing::warn!(mailbox = %key.mailbox_id, seq = key.seq, "alert queue full or closed: alert dropped");
            }
        })
    }

    /// A bound association's alert channel.
    pub fn attach(&self, mailbox_id: &str) -> (u64, mpsc::Receiver<Bytes>) {
        let (tx, rx) = mpsc::channel(PER_ASSOCIATION);
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        lock(&self.sinks)
            .entry(mailbox_id.to_string())
            .or_default()
            .push((id, tx));
        (id, rx)
    }

    /// How many associations of a mailbox take alerts now.
    pub fn bound(&self, mailbox_id: &str) -> usize {
        lock(&self.sinks).get(mailbox_id).map_or(0, Vec::len)
    }

    /// Forgets an association's channel.
    pub fn detach(&self, mailbox_id: &str, id: u64) {
        let mut m = lock(&self.sinks);
        if let Some(v) = m.get_mut(mailbox_id) {
            v.retain(|(i, _)| *i != id);
            if v.is_empty() {
                m.remove(mailbox_id);
            }
        }
    }

    /// Runs the dispatcher until `shutdown` turns true (at most one dispatcher at a time).
    pub async fn run(
        self: Arc<Self>,
        store: Arc<Store>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let Some(mut rx) = lock(&self.incoming).take() else {
            return;
        };
        loop {
            let key = tokio::select! {
                k = rx.recv() => match k {
                    Some(k) => k,
                    None => break,
                },
                _ = shutdown.changed() => break,
            };
            let (me, st) = (self.clone(), store.clone());
            let args =
                tokio::task::spawn_blocking(move || me.alerts_for(&st, &key).map(|a| (key, a)))
                    .await;
            let Ok(Some((key, args))) = args else {
                continue;
            };
            if args.is_empty() {
                continue;
            }
            let sinks: Vec<mpsc::Sender<Bytes>> = lock(&self.sinks)
                .get(&key.mailbox_id)
                .map(|v| v.iter().map(|(_, t)| t.clone()).collect())
                .unwrap_or_default();
            if sinks.is_empty() {
                let me = self.clone();
                let mb = key.mailbox_id.clone();
                let _ = tokio::task::spawn_blocking(move || match me.state(&mb) {
                    Ok(mut s) if !s.alert_pending => {
                        s.alert_pending = true;
                        if let Err(e) = me.save(&mb, &s) {
                            tracing::warn!("{e}");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("{e}"),
                })
                .await;
                continue;
            }
            for tx in sinks {
                for a in &args {
                    if tx.try_send(a.clone()).is_err() {
                        tracing::warn!(mailbox = %key.mailbox_id, seq = key.seq, "UA not taking alerts: alert dropped");
                    }
                }
            }
        }
        // Give the queue back so a later start runs a dispatcher again.
        *lock(&self.incoming) = Some(rx);
    }

    /// The Alert arguments a new entry fires: one per matching registration. Blocking.
    pub fn alerts_for(&self, store: &Store, key: &EntryKey) -> Option<Vec<Bytes>> {
        // Auto-alert is about deliveries: a UA's own outbox copy (issue 11) alerts nobody.
        if key.class != crate::store::EntryClass::Inbox {
            return None;
        }
        let state = match self.state(&key.mailbox_id) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("{e}");
                return None;
            }
        };
        let mut out = Vec::new();
        for reg in &state.auto_alerts {
            let Some(p) = reg.parameter() else { continue };
            let filter = match p.filter.as_ref().map(super::attrs::filter_from_x413) {
                None => None,
                Some(Ok(f)) => Some(f),
                Some(Err(_)) => continue,
            };
            let sel = Selector {
                class: key.class,
                child_entries: false,
                range: Some(Range::Seq {
                    from: Some(key.seq),
                    to: Some(key.seq),
                }),
                filter,
                limit: None,
                override_limit: false,
            };
            let req = requested_of(
                p.requested_attributes.as_ref(),
                &[Attr::SequenceNumber],
                false,
            );
            let r = match store.list(&key.mailbox_id, &sel, &req.index, true) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!("alert: {e}");
                    continue;
                }
            };
            let Some(e) = r.entries.first() else { continue };
            let file = if req.needs_file() {
                store.read(key).ok()
            } else {
                None
            };
            let arg = x::AlertArgument {
                alert_registration_identifier: reg.id,
                new_entry: Some(entry_information(e, file.as_ref(), &req)),
            };
            if let Ok(b) = x::encode(&arg) {
                out.push(Bytes::from(b));
            }
        }
        Some(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_its_file() {
        let d = tempfile::tempdir().unwrap();
        let a = Alerts::new(d.path());
        let s = UserState {
            auto_alerts: vec![StoredAlert {
                id: 3,
                parameter: hex(&[0x31, 0x00]),
            }],
            list_attribute_defaults: vec!["2.6.4.3.39".into()],
            fetch_attribute_defaults: vec![],
            alert_pending: true,
        };
        a.save("ab/../c", &s).unwrap();
        assert!(a.path("ab/../c").starts_with(d.path().join("state/users")));
        let b = Alerts::new(d.path());
        assert_eq!(b.state("ab/../c").unwrap(), s);
        assert!(b.take_pending("ab/../c"));
        assert!(
            !Alerts::new(d.path())
                .state("ab/../c")
                .unwrap()
                .alert_pending
        );
        assert_eq!(unhex(&hex(&[1, 0xff])).unwrap(), vec![1, 0xff]);
        assert_eq!(dotted(&undotted("2.6.4.3.39").unwrap()), "2.6.4.3.39");
    }
}
