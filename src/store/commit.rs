//! Group commit for the delivery path (DESIGN.md §4: "one fsync serves many messages").
//!
//! Two shared steps follow a delivery's own file write + fsync + rename:
//! - the directory fsync, coalesced per directory ([`DirSyncer`]): a writer needs a sync that
//!   *started* after its rename; if one is running it waits for it to end and the next one
//!   (started by whoever comes first) serves everyone who arrived meanwhile. Syncs of
//!   different directories (different mailboxes) run in parallel, in the writers' threads;
//! - the redb commit ([`Committer`]), leader/follower with no timer: a delivery joins the
//!   queue; if no commit is running it becomes the leader and commits the queue at once (so a
//!   lone delivery is never held back); deliveries that arrive during a commit are committed
//!   together by the next leader, with one fsync of the index.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::error::{Result, StoreError};
use super::format::MessageFile;
use super::fs::{FileSystem, parent};
use super::index::{self, EntryRow, RetrievalStatus};
use super::{EntryKey, IndexDurability, Store, lock_or_poisoned};

/// One delivery waiting for its commit.
#[derive(Debug)]
pub(crate) struct Pending {
    pub key: EntryKey,
    pub row: EntryRow,
    pub path: PathBuf,
    pub status: RetrievalStatus,
    /// Kept only when index extensions need the parsed file.
    pub file: Option<MessageFile>,
}

#[derive(Debug, Default)]
struct State {
    queue: Vec<(u64, Pending)>,
    next_ticket: u64,
    results: HashMap<u64, Result<()>>,
    leader: bool,
    /// Keys of a failed batch whose rows may or may not have reached the index (an I/O error
    /// during commit leaves that open): the next commit removes them to be sure.
    orphans: Vec<EntryKey>,
    /// Deliveries writing their file right now, by start number.
    writing: BTreeSet<u64>,
    next_start: u64,
    /// Start number at the time the oldest queued delivery was queued: writers that started
    /// before it are worth waiting for, later ones are not (so a stream of new deliveries can
    /// never hold a queued one back for more than one file write).
    queue_mark: u64,
}

/// A delivery between "sequence number allocated" and "queued for commit": the next leader
/// waits for it, as its file write and fsync are already under way. Dropped without
/// [`Committer::submit`] (the write failed), it stops counting.
#[derive(Debug)]
pub(crate) struct InFlight<'a> {
    c: &'a Committer,
    id: u64,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut st = lock_or_poisoned(&self.c.state);
        if st.writing.remove(&self.id) {
            self.c.cv.notify_all();
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Committer {
    state: Mutex<State>,
    cv: Condvar,
    /// Batches committed and entries in them (successful or not).
    pub batches: AtomicU64,
    pub entries: AtomicU64,
    /// For [`IndexDurability::FromFiles`]: when the index was last fsynced by a group commit,
    /// and how many commits since.
    last_durable: Mutex<Option<(Instant, u32)>>,
}

/// In [`IndexDurability::FromFiles`] mode, at least every this many group commits...
const DURABLE_EVERY: u32 = 64;
/// ...and at least this often, a group commit fsyncs the index anyway, so redb can reclaim
/// space and a crash costs little re-indexing.
const DURABLE_AFTER: Duration = Duration::from_millis(250);

/// Clears the leader flag even if the leader panics, so followers are not stranded.
struct LeaderGuard<'a>(&'a Committer);

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        let mut st = lock_or_poisoned(&self.0.state);
        st.leader = false;
        self.0.cv.notify_all();
    }
}

impl Committer {
    /// Whether this group commit must fsync the index.
    fn commit_durably(&self, mode: IndexDurability, orphans: &[EntryKey]) -> bool {
        if mode == IndexDurability::Immediate || !orphans.is_empty() {
            return true;
        }
        let mut g = lock_or_poisoned(&self.last_durable);
        let now = Instant::now();
        match *g {
            Some((at, n)) if n + 1 < DURABLE_EVERY && now.duration_since(at) < DURABLE_AFTER => {
                *g = Some((at, n + 1));
                false
            }
            _ => {
                *g = Some((now, 0));
                true
            }
        }
    }

    /// Registers a delivery that is about to write its file.
    pub(crate) fn begin(&self) -> InFlight<'_> {
        let mut st = lock_or_poisoned(&self.state);
        let id = st.next_start;
        st.next_start += 1;
        st.writing.insert(id);
        InFlight { c: self, id }
    }

    /// Queues `p` and returns when it is durable (or its batch failed).
    pub(crate) fn submit(&self, store: &Store, p: Pending, flight: InFlight<'_>) -> Result<()> {
        let mut st = lock_or_poisoned(&self.state);
        st.writing.remove(&flight.id);
        // Its Drop would take the lock held here; nothing else is left to release.
        std::mem::forget(flight);
        let ticket = st.next_ticket;
        st.next_ticket += 1;
        if st.queue.is_empty() {
            st.queue_mark = st.next_start;
        }
        st.queue.push((ticket, p));
        self.cv.notify_all();
        loop {
            if let Some(r) = st.results.remove(&ticket) {
                return r;
            }
            // Lead when no commit runs, unless deliveries that started before the oldest
            // queued one are still writing: they join this batch instead of the next. A lone
            // delivery has nobody to wait for.
            let company_coming = st.writing.first().is_some_and(|&w| w < st.queue_mark);
            if !st.leader && !st.queue.is_empty() && !company_coming {
                st.leader = true;
                let batch = std::mem::take(&mut st.queue);
                let orphans = std::mem::take(&mut st.orphans);
                drop(st);
                let guard = LeaderGuard(self);
                let (outcome, failed_keys) = commit_batch(store, &batch, &orphans);
                self.batches.fetch_add(1, Ordering::Relaxed);
                self.entries
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                let mut st2 = lock_or_poisoned(&self.state);
                st2.orphans.extend(failed_keys);
                for (t, _) in &batch {
                    st2.results.insert(*t, outcome.clone());
                }
                drop(st2);
                drop(guard);
                st = lock_or_poisoned(&self.state);
                continue;
            }
            st = self.cv.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Makes a batch durable: directory fsyncs (each directory once), then one redb commit.
/// Returns the outcome for every member and, on failure, keys to clean from the index later.
fn commit_batch(
    store: &Store,
    batch: &[(u64, Pending)],
    orphans: &[EntryKey],
) -> (Result<()>, Vec<EntryKey>) {
    let dirs: BTreeSet<PathBuf> = batch
        .iter()
        .map(|(_, p)| parent(&p.path).to_path_buf())
        .collect();
    let fs = store.fs.as_ref();
    // The directories were synced by the writers (DirSyncer) before they queued.
    let mut result = Ok(());
    let durable = store
        .committer
        .commit_durably(store.options.index_durability, orphans);
    if result.is_ok() {
        result = store.with_db(|db| {
            let mut txn = db.begin_write()?;
            if !durable {
                txn.set_durability(redb::Durability::None)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
            }
            {
                let mut entries = txn.open_table(index::ENTRIES)?;
                for k in orphans {
                    entries.remove(index::entry_key(&k.mailbox_id, k.class, k.seq))?;
                    for x in &store.options.extensions {
                        x.remove(&txn, k)?;
                    }
                }
                for (_, p) in batch {
                    let v = index::encode_value(&p.row)?;
                    entries.insert(
                        index::entry_key(&p.key.mailbox_id, p.key.class, p.key.seq),
                        v.as_slice(),
                    )?;
                    if let Some(file) = &p.file {
                        for x in &store.options.extensions {
                            x.insert(&txn, &p.key, file, p.status)?;
                        }
                    }
                }
            }
            txn.commit()?;
            Ok(())
        });
        if let Err(e) = &result
            && e.is_index()
        {
            store.reset_db();
        }
    }
    match result {
        Ok(()) => (Ok(()), Vec::new()),
        Err(e) => {
            // The callers are told the delivery failed, so the files must not turn up later:
            // remove them; what cannot be removed is left to the next open's scan.
            for (_, p) in batch {
                match fs.remove_file(&p.path) {
                    Ok(()) => {}
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(_) => store.needs_scan.store(true, Ordering::Relaxed),
                }
            }
            for d in &dirs {
                if fs.sync_dir(d).is_err() {
                    store.needs_scan.store(true, Ordering::Relaxed);
                }
            }
            let mut keys: Vec<EntryKey> = batch.iter().map(|(_, p)| p.key.clone()).collect();
            keys.extend(orphans.iter().cloned());
            (Err(e), keys)
        }
    }
}

/// Coalesces directory fsyncs per directory (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct DirSyncer {
    dirs: Mutex<HashMap<PathBuf, Arc<DirState>>>,
}

#[derive(Debug, Default)]
struct DirState {
    m: Mutex<DirGen>,
    cv: Condvar,
}

#[derive(Debug, Default)]
struct DirGen {
    /// Renames that asked for a sync so far.
    requested: u64,
    /// Every request up to this one is durable.
    synced: u64,
    /// A sync is running.
    running: bool,
    /// The last failed sync, and the last request it was meant to cover.
    failed: Option<(u64, StoreError)>,
}

/// Clears `running` if the syncing thread panics, so waiters are not stranded.
struct RunningGuard<'a>(&'a DirState, bool);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        if self.1 {
            let mut g = lock_or_poisoned(&self.0.m);
            g.running = false;
            self.0.cv.notify_all();
        }
    }
}

impl DirSyncer {
    /// Returns once a sync of `dir` that started after this call has completed.
    pub(crate) fn sync(&self, fs: &dyn FileSystem, dir: &Path) -> Result<()> {
        let st = lock_or_poisoned(&self.dirs)
            .entry(dir.to_path_buf())
            .or_default()
            .clone();
        let mut g = lock_or_poisoned(&st.m);
        g.requested += 1;
        let me = g.requested;
        loop {
            if g.synced >= me {
                return Ok(());
            }
            if let Some((upto, e)) = &g.failed
                && *upto >= me
            {
                return Err(e.clone());
            }
            if !g.running {
                g.running = true;
                let target = g.requested;
                drop(g);
                let mut guard = RunningGuard(&st, true);
                let r = fs.sync_dir(dir);
                g = lock_or_poisoned(&st.m);
                guard.1 = false;
                g.running = false;
                match r {
                    Ok(()) => g.synced = g.synced.max(target),
                    Err(e) => g.failed = Some((target, StoreError::io("sync", dir, e))),
                }
                st.cv.notify_all();
                continue;
            }
            g = st.cv.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }
}
