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
//!   together by the next leader, with one fsync of the index. Deletions (one job per request,
//!   children included) join the same queue: a delete costs at most one shared, durable commit;
//! - the removal of deleted entries' files ([`Finisher`]), off the deleter's path: a background
//!   thread unlinks the files, syncs each directory once, and only then drops the entries'
//!   DELETING notes (a note outlives its file's durable unlink, so a crash in between never
//!   leaves a file without row or note that the recovery scan would index again).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::{Result, StoreError};
use super::format::{EntryClass, MessageFile};
use super::fs::{FileSystem, parent};
use redb::ReadableTable;

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
    pub file: Option<Arc<MessageFile>>,
}

/// One delete request waiting for its commit: every named entry must exist (else nothing is
/// deleted), children that are already gone are skipped.
#[derive(Debug)]
pub(crate) struct DeleteJob {
    pub mailbox_id: String,
    pub class: EntryClass,
    /// The entries the request names.
    pub named: Vec<u32>,
    /// Named entries and their children, ascending, without duplicates.
    pub all: Vec<u32>,
}

/// A queued index change.
#[derive(Debug)]
pub(crate) enum Job {
    Deliver(Pending),
    Delete(DeleteJob),
}

#[derive(Debug, Default)]
struct State {
    queue: Vec<(u64, Job)>,
    next_ticket: u64,
    /// Per ticket: the sequence numbers deleted (empty for a delivery).
    results: HashMap<u64, Result<Vec<u32>>>,
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
    /// Whether this group commit must fsync the index (always when it deletes: a deleted
    /// entry must not come back after a crash once its deleter was told it is gone).
    fn commit_durably(&self, mode: IndexDurability, orphans: &[EntryKey], deletes: bool) -> bool {
        if mode == IndexDurability::Immediate || !orphans.is_empty() || deletes {
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
        self.run(store, Job::Deliver(p), Some(flight)).map(|_| ())
    }

    /// Queues a delete request and returns the numbers deleted once that is durable.
    pub(crate) fn submit_delete(&self, store: &Store, d: DeleteJob) -> Result<Vec<u32>> {
        self.run(store, Job::Delete(d), None)
    }

    fn run(&self, store: &Store, job: Job, flight: Option<InFlight<'_>>) -> Result<Vec<u32>> {
        let mut st = lock_or_poisoned(&self.state);
        if let Some(flight) = flight {
            st.writing.remove(&flight.id);
            // Its Drop would take the lock held here; nothing else is left to release.
            std::mem::forget(flight);
        }
        let ticket = st.next_ticket;
        st.next_ticket += 1;
        if st.queue.is_empty() {
            st.queue_mark = st.next_start;
        }
        st.queue.push((ticket, job));
        self.cv.notify_all();
        loop {
            if let Some(r) = st.results.remove(&ticket) {
                return r;
            }
            // Lead when no commit runs, unless deliveries that started before the oldest
            // queued one are still writing: they join this batch instead of the next. A lone
            // delivery has nobody to wait for, and deletes alone do not wait for file writes.
            let company_coming = st.writing.first().is_some_and(|&w| w < st.queue_mark)
                && st.queue.iter().any(|(_, j)| matches!(j, Job::Deliver(_)));
            if !st.leader && !st.queue.is_empty() && !company_coming {
                st.leader = true;
                let batch = std::mem::take(&mut st.queue);
                let orphans = std::mem::take(&mut st.orphans);
                drop(st);
                let guard = LeaderGuard(self);
                let (outcomes, failed_keys) = commit_batch(store, &batch, &orphans);
                self.batches.fetch_add(1, Ordering::Relaxed);
                self.entries
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                let mut st2 = lock_or_poisoned(&self.state);
                st2.orphans.extend(failed_keys);
                for ((t, _), r) in batch.iter().zip(outcomes) {
                    st2.results.insert(*t, r);
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

/// Makes a batch durable: one redb commit for its deliveries (whose directories the writers
/// synced before they queued) and deletions. Returns the outcome of every member, in order,
/// and, on failure, keys to clean from the index later.
fn commit_batch(
    store: &Store,
    batch: &[(u64, Job)],
    orphans: &[EntryKey],
) -> (Vec<Result<Vec<u32>>>, Vec<EntryKey>) {
    let fs = store.fs.as_ref();
    let deletes = batch.iter().any(|(_, j)| matches!(j, Job::Delete(_)));
    let durable = store
        .committer
        .commit_durably(store.options.index_durability, orphans, deletes);
    // Per member: a delete's numbers or its own refusal (a named entry is missing), which
    // does not fail the others.
    let mut outcomes: Vec<Result<Vec<u32>>> = Vec::with_capacity(batch.len());
    let result = store.with_db(|db| {
        outcomes.clear();
        let mut txn = db.begin_write()?;
        if !durable {
            txn.set_durability(redb::Durability::None)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        {
            let mut entries = txn.open_table(index::ENTRIES)?;
            let mut notes = txn.open_table(index::DELETING)?;
            for k in orphans {
                entries.remove(index::entry_key(&k.mailbox_id, k.class, k.seq))?;
                for x in &store.options.extensions {
                    x.remove(&txn, k)?;
                }
            }
            for (_, job) in batch {
                match job {
                    Job::Deliver(p) => {
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
                        outcomes.push(Ok(Vec::new()));
                    }
                    Job::Delete(d) => {
                        // All or nothing per request: check every named entry first.
                        let mut missing = None;
                        for &s in &d.named {
                            if entries
                                .get(index::entry_key(&d.mailbox_id, d.class, s))?
                                .is_none()
                            {
                                missing = Some(s);
                                break;
                            }
                        }
                        if let Some(seq) = missing {
                            outcomes.push(Err(StoreError::NoSuchEntry {
                                mailbox: d.mailbox_id.clone(),
                                class: d.class.dir_name(),
                                seq,
                            }));
                            continue;
                        }
                        let mut done = Vec::with_capacity(d.all.len());
                        for &s in &d.all {
                            let k = index::entry_key(&d.mailbox_id, d.class, s);
                            // A child already deleted on its own is fine.
                            if entries.remove(k)?.is_none() {
                                continue;
                            }
                            // The file goes later (Finisher); recovery finishes it after a
                            // crash.
                            notes.insert(k, ())?;
                            let key = EntryKey {
                                mailbox_id: d.mailbox_id.clone(),
                                class: d.class,
                                seq: s,
                            };
                            for x in &store.options.extensions {
                                x.remove(&txn, &key)?;
                            }
                            done.push(s);
                        }
                        outcomes.push(Ok(done));
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
    match result {
        Ok(()) => (outcomes, Vec::new()),
        Err(e) => {
            // The callers are told the delivery failed, so the files must not turn up later:
            // remove them; what cannot be removed is left to the next open's scan.
            let mut dirs = BTreeSet::new();
            for (_, job) in batch {
                match job {
                    Job::Deliver(p) => {
                        match fs.remove_file(&p.path) {
                            Ok(()) => {}
                            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                            Err(_) => store.needs_scan.store(true, Ordering::Relaxed),
                        }
                        dirs.insert(parent(&p.path).to_path_buf());
                    }
                    // Whether the removal reached the index is open: the next open scans, and
                    // recovery finishes any note that did.
                    Job::Delete(_) => store.needs_scan.store(true, Ordering::Relaxed),
                }
            }
            for d in &dirs {
                if fs.sync_dir(d).is_err() {
                    store.needs_scan.store(true, Ordering::Relaxed);
                }
            }
            let mut keys: Vec<EntryKey> = batch
                .iter()
                .filter_map(|(_, j)| match j {
                    Job::Deliver(p) => Some(p.key.clone()),
                    Job::Delete(_) => None,
                })
                .collect();
            keys.extend(orphans.iter().cloned());
            (batch.iter().map(|_| Err(e.clone())).collect(), keys)
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

/// The index handle shared by the store and its finisher thread (`None` after an I/O error:
/// the next use reopens it).
pub(crate) type DbCell = Arc<RwLock<Option<redb::Database>>>;

/// Runs `f` on the index, reopening it first if an earlier error dropped the handle.
pub(crate) fn with_db_in<T>(
    cell: &RwLock<Option<redb::Database>>,
    fs: &dyn FileSystem,
    (index_file, cache): (&Path, usize),
    f: impl FnOnce(&redb::Database) -> Result<T>,
) -> Result<T> {
    {
        let g = cell.read().unwrap_or_else(|p| p.into_inner());
        if let Some(db) = g.as_ref() {
            return f(db);
        }
    }
    let mut g = cell.write().unwrap_or_else(|p| p.into_inner());
    if g.is_none() {
        *g = Some(super::open_db_with(fs, index_file, cache)?);
    }
    match g.as_ref() {
        Some(db) => f(db),
        None => Err(StoreError::Unusable("index closed".into())),
    }
}

/// Removes deleted entries' files off the deleters' path (see the module documentation).
#[derive(Debug)]
pub(crate) struct Finisher {
    sh: Arc<FinShared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug)]
struct FinShared {
    st: Mutex<FinState>,
    cv: Condvar,
    fs: Arc<dyn FileSystem>,
    dirs: Arc<DirSyncer>,
    db: DbCell,
    index_file: PathBuf,
    /// Page cache of the index when the finisher has to reopen it.
    index_cache: usize,
    needs_scan: Arc<AtomicBool>,
    /// Rounds run and files removed (for tests and benches).
    rounds: AtomicU64,
    removed: AtomicU64,
}

/// An entry whose row is durably gone and whose DELETING note is durably there.
type Doomed = (String, u8, u32);

#[derive(Debug, Default)]
struct FinState {
    queue: Vec<(Doomed, PathBuf)>,
    /// Entries whose file may still exist: reads treat them as gone.
    pending: HashSet<Doomed>,
    busy: bool,
    stop: bool,
    /// Tests hold the finisher to cut the power between the delete commit and the unlinks.
    held: bool,
    /// The thread died (it panicked): drains stop waiting for it; recovery finishes the rest.
    dead: bool,
}

/// Marks the finisher dead if its thread panics mid-round, so `drain` does not wait forever.
struct BusyGuard<'a>(&'a FinShared);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut st = lock_or_poisoned(&self.0.st);
            st.busy = false;
            st.dead = true;
            self.0.needs_scan.store(true, Ordering::Relaxed);
            self.0.cv.notify_all();
        }
    }
}

impl Finisher {
    pub(crate) fn new(
        fs: Arc<dyn FileSystem>,
        dirs: Arc<DirSyncer>,
        db: DbCell,
        (index_file, index_cache): (PathBuf, usize),
        needs_scan: Arc<AtomicBool>,
    ) -> Self {
        Finisher {
            sh: Arc::new(FinShared {
                st: Mutex::new(FinState::default()),
                cv: Condvar::new(),
                fs,
                dirs,
                db,
                index_file,
                index_cache,
                needs_scan,
                rounds: AtomicU64::new(0),
                removed: AtomicU64::new(0),
            }),
            thread: Mutex::new(None),
        }
    }

    /// Hands over entries whose delete commit is durable; returns at once.
    pub(crate) fn enqueue(&self, items: Vec<(EntryKey, PathBuf)>) {
        if items.is_empty() {
            return;
        }
        {
            let mut st = lock_or_poisoned(&self.sh.st);
            for (k, p) in items {
                let d = (k.mailbox_id, k.class.code(), k.seq);
                st.pending.insert(d.clone());
                st.queue.push((d, p));
            }
            self.sh.cv.notify_all();
        }
        let mut t = lock_or_poisoned(&self.thread);
        if t.is_none() {
            let sh = self.sh.clone();
            match std::thread::Builder::new()
                .name("mstore-finisher".into())
                .spawn(move || sh.run())
            {
                Ok(h) => *t = Some(h),
                Err(e) => {
                    // Without a thread the drain at close finishes inline.
                    tracing::warn!(error = %e, "store: cannot start the delete finisher");
                }
            }
        }
    }

    /// Whether an entry was deleted but its file may not be removed yet.
    pub(crate) fn is_pending(&self, key: &EntryKey) -> bool {
        let st = lock_or_poisoned(&self.sh.st);
        !st.pending.is_empty()
            && st
                .pending
                .contains(&(key.mailbox_id.clone(), key.class.code(), key.seq))
    }

    /// Stops (or resumes) removing files; for the power-cut tests.
    #[cfg(test)]
    pub(crate) fn hold(&self, on: bool) {
        let mut st = lock_or_poisoned(&self.sh.st);
        st.held = on;
        self.sh.cv.notify_all();
    }

    /// Rounds run and files removed so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.sh.rounds.load(Ordering::Relaxed),
            self.sh.removed.load(Ordering::Relaxed),
        )
    }

    /// Returns once every entry handed over so far is finished (or left to recovery).
    pub(crate) fn drain(&self) {
        let has_thread = lock_or_poisoned(&self.thread)
            .as_ref()
            .is_some_and(|h| !h.is_finished());
        let mut st = lock_or_poisoned(&self.sh.st);
        st.held = false;
        self.sh.cv.notify_all();
        if !has_thread || st.dead {
            // Nobody else will: finish here.
            let batch = std::mem::take(&mut st.queue);
            drop(st);
            self.sh.finish(batch);
            return;
        }
        while (!st.queue.is_empty() || st.busy) && !st.dead {
            st = self.sh.cv.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Drains, then ends the thread.
    pub(crate) fn stop(&self) {
        self.drain();
        {
            let mut st = lock_or_poisoned(&self.sh.st);
            st.stop = true;
            self.sh.cv.notify_all();
        }
        if let Some(h) = lock_or_poisoned(&self.thread).take()
            && h.join().is_err()
        {
            tracing::warn!("store: the delete finisher panicked; the next open will scan");
        }
    }
}

impl FinShared {
    fn run(&self) {
        loop {
            let batch = {
                let mut st = lock_or_poisoned(&self.st);
                while (st.queue.is_empty() || st.held) && !st.stop {
                    st = self.cv.wait(st).unwrap_or_else(|p| p.into_inner());
                }
                if st.queue.is_empty() {
                    return;
                }
                st.busy = true;
                std::mem::take(&mut st.queue)
            };
            let guard = BusyGuard(self);
            self.finish(batch);
            drop(guard);
            let mut st = lock_or_poisoned(&self.st);
            st.busy = false;
            self.cv.notify_all();
        }
    }

    /// Unlinks the files, syncs each directory once, then drops the notes of the entries whose
    /// unlink is durable (non-durably: a later commit carries it, and recovery drops a note
    /// whose file is gone). Anything that fails keeps its note and makes the next open scan.
    fn finish(&self, batch: Vec<(Doomed, PathBuf)>) {
        if batch.is_empty() {
            return;
        }
        self.rounds.fetch_add(1, Ordering::Relaxed);
        let fs = self.fs.as_ref();
        let mut by_dir: BTreeMap<PathBuf, Vec<Doomed>> = BTreeMap::new();
        let mut failed = false;
        // One warning per round, not per file, when the disk fails.
        let mut unlink_failed: Option<(usize, PathBuf, std::io::Error)> = None;
        for (d, path) in batch {
            match fs.remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    failed = true;
                    match &mut unlink_failed {
                        Some((n, _, _)) => *n += 1,
                        None => unlink_failed = Some((1, path, e)),
                    }
                    continue;
                }
            }
            by_dir
                .entry(parent(&path).to_path_buf())
                .or_default()
                .push(d);
        }
        if let Some((n, path, e)) = unlink_failed {
            tracing::warn!(files = n, first = %path.display(), error = %e, "store: removing deleted entries' files failed; the next open finishes them");
        }
        let mut done = Vec::new();
        for (dir, ds) in by_dir {
            match self.dirs.sync(fs, &dir) {
                Ok(()) => done.extend(ds),
                Err(e) => {
                    tracing::warn!(error = %e, "store: directory sync after deletes failed; the next open finishes them");
                    failed = true;
                    // The files are gone from view: reads no longer find them.
                    let mut st = lock_or_poisoned(&self.st);
                    for d in &ds {
                        st.pending.remove(d);
                    }
                }
            }
        }
        if failed {
            self.needs_scan.store(true, Ordering::Relaxed);
        }
        if done.is_empty() {
            return;
        }
        self.removed.fetch_add(done.len() as u64, Ordering::Relaxed);
        let r = with_db_in(&self.db, fs, (&self.index_file, self.index_cache), |db| {
            let mut txn = db.begin_write()?;
            txn.set_durability(redb::Durability::None)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            {
                let mut notes = txn.open_table(index::DELETING)?;
                for (m, c, s) in &done {
                    notes.remove((m.as_str(), *c, *s))?;
                }
            }
            txn.commit()?;
            Ok(())
        });
        if let Err(e) = r {
            tracing::warn!(error = %e, "store: dropping delete notes failed; the next open finishes them");
            self.needs_scan.store(true, Ordering::Relaxed);
            if e.is_index() {
                *self.db.write().unwrap_or_else(|p| p.into_inner()) = None;
            }
        }
        let mut st = lock_or_poisoned(&self.st);
        for d in &done {
            st.pending.remove(d);
        }
    }
}
