//! The message store's storage (DESIGN.md §4; X.413 §7 information base): write-once message
//! files, the durable delivery path with group commit, sequence numbers, recovery at open, and
//! the offline operations behind `mstorectl check / rebuild / stats / increment`.
//!
//! Layout under the data directory:
//! ```text
//! lock                                   flock'ed by whoever has the store open
//! mailboxes/<mailbox-id>/mailbox.toml    owner's O/R address; written once
//! mailboxes/<mailbox-id>/<class>/<seq>.msg  write-once message files (class = inbox|outbox)
//! index/meta.redb                        redb index (schema version in `meta`)
//! state/seq/<mailbox-id>                 sequence high-water marks (kept by rebuild)
//! state/seq-floor                        first number for mailboxes created later
//! quarantine/<mailbox-id>/<class>/       corrupt files moved aside by rebuild
//! ```

pub mod attrs;
mod commit;
pub mod error;
pub mod faults;
pub mod filter_text;
pub mod format;
pub mod fs;
pub mod index;
pub mod maint;
pub mod offline;
pub mod plan;
pub mod preload;
pub mod query;
mod recover;
pub mod seq;
pub mod text;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

pub use error::{Result, StoreError};
pub use format::{EntryClass, EntryType, MessageFile};
pub use fs::{FileSystem, RealFs};
pub use index::{EntryRow, MailboxRow, RetrievalStatus};
pub use recover::RecoveryReport;

use commit::{Committer, DbCell, DeleteJob, DirSyncer, Finisher, Pending};
use fs::{DynBackend, LockGuard, create_dir_durable, write_atomic};
use seq::SeqAlloc;

/// A mailbox owner as the store sees it: the O/R address for display, and its matching key
/// (from `ORAddress::canonical()`), which the mailbox id derives from. The store never parses
/// addresses itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxName {
    address: String,
    canonical: String,
}

impl MailboxName {
    /// From the display form and the canonical matching key of an O/R address.
    pub fn new(address: impl Into<String>, canonical: impl Into<String>) -> Self {
        MailboxName {
            address: address.into(),
            canonical: canonical.into(),
        }
    }

    /// The O/R address as given.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The matching key.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The mailbox's directory name: 32 hex digits of FNV-1a-128 over the matching key. Stable
    /// across Rust versions and platforms (unlike `DefaultHasher`), and filesystem-safe
    /// whatever characters the address holds.
    pub fn id(&self) -> String {
        mailbox_id(&self.canonical)
    }
}

impl From<&crate::address::ORAddress> for MailboxName {
    fn from(a: &crate::address::ORAddress) -> Self {
        MailboxName::new(a.to_string(), a.canonical())
    }
}

impl From<&crate::address::ORName> for MailboxName {
    fn from(a: &crate::address::ORName) -> Self {
        MailboxName::from(&a.address)
    }
}

/// Mailbox id of a canonical O/R address (see [`MailboxName::id`]).
pub fn mailbox_id(canonical: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for b in canonical.as_bytes() {
        h ^= u128::from(*b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

/// Where an entry lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EntryKey {
    /// Mailbox id.
    pub mailbox_id: String,
    /// Entry class.
    pub class: EntryClass,
    /// Sequence number.
    pub seq: u32,
}

/// A new entry handed to [`Store::deliver`].
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    /// Inbox for deliveries, outbox for submissions.
    pub class: EntryClass,
    /// X.413 entry type.
    pub entry_type: EntryType,
    /// Delivery or submission time, ms since the Unix epoch.
    pub time_ms: i64,
    /// Child entries' sequence numbers.
    pub children: &'a [u32],
    /// Envelope BER as received.
    pub envelope: &'a [u8],
    /// Content BER as received.
    pub content: &'a [u8],
    /// Retrieval status to start with: `New` for real deliveries; preload and import set others.
    pub status: RetrievalStatus,
}

impl<'a> NewEntry<'a> {
    /// A delivered message, now, status new.
    pub fn delivery(envelope: &'a [u8], content: &'a [u8]) -> Self {
        NewEntry {
            class: EntryClass::Inbox,
            entry_type: EntryType::DeliveredMessage,
            time_ms: now_ms(),
            children: &[],
            envelope,
            content,
            status: RetrievalStatus::New,
        }
    }
}

/// What a durable delivery returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// Where the entry is.
    pub key: EntryKey,
    /// Message file size.
    pub file_size: u64,
    /// The file's CRC32.
    pub file_crc: u32,
}

/// Extra index tables maintained in the same write transaction as the entry rows: the hook
/// for the attribute index and text index of the query layer (issue 5). Called at delivery,
/// recovery and rebuild (insert) and at delete (remove).
pub trait IndexExtension: fmt::Debug + Send + Sync {
    /// Creates the extension's tables (called once at open, in its own transaction).
    fn init(&self, txn: &redb::WriteTransaction) -> Result<()>;
    /// An entry was added.
    fn insert(
        &self,
        txn: &redb::WriteTransaction,
        key: &EntryKey,
        file: &MessageFile,
        status: RetrievalStatus,
    ) -> Result<()>;
    /// An entry was removed.
    fn remove(&self, txn: &redb::WriteTransaction, key: &EntryKey) -> Result<()>;
    /// An entry's retrieval status changed.
    fn status_changed(
        &self,
        _txn: &redb::WriteTransaction,
        _key: &EntryKey,
        _status: RetrievalStatus,
    ) -> Result<()> {
        Ok(())
    }
}

/// Tunables of an open store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Sequence numbers reserved per write of the high-water-mark file.
    pub seq_block: u32,
    /// Extra index tables (see [`IndexExtension`]).
    pub extensions: Vec<Arc<dyn IndexExtension>>,
    /// How the delivery path makes index rows durable.
    pub index_durability: IndexDurability,
    /// Keep the tantivy text index (on the real disk only).
    pub text_index: bool,
    /// Bytes of index pages redb may cache in memory (`limits.index-cache`): the bulk of the
    /// server's resident memory once the index outgrows it.
    pub index_cache: usize,
}

/// redb's own default page cache, kept as ours.
pub const DEFAULT_INDEX_CACHE: usize = 1 << 30;

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            seq_block: seq::DEFAULT_BLOCK,
            extensions: Vec::new(),
            index_durability: IndexDurability::Immediate,
            text_index: true,
            index_cache: DEFAULT_INDEX_CACHE,
        }
    }
}

/// How durable the delivery path's index commit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexDurability {
    /// Every group commit fsyncs the index before the deliveries return (DESIGN.md §4, the
    /// default): file, directory and index rows are all durable on return.
    Immediate,
    /// Group commits do not fsync the index; one in 64, one every 250 ms, every status change,
    /// deletion and the clean shutdown do. Deliveries return once file and directory are
    /// durable: a crash can lose their rows, and the recovery scan the crash triggers rebuilds
    /// them from the files (status new, which is what a delivery's row says). Saves one fsync
    /// per lone delivery; preload's non-new statuses can come back as new after a crash.
    FromFiles,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One mailbox as held in memory.
#[derive(Debug)]
struct Mailbox {
    id: String,
    row: MailboxRow,
    seq: Mutex<SeqAlloc>,
    /// Sequence numbers were handed out since open: the exact mark is written at close.
    touched: AtomicBool,
}

/// Paths of the data directory.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The data directory.
    pub data: PathBuf,
}

impl Layout {
    /// `<data>/mailboxes`.
    pub fn mailboxes(&self) -> PathBuf {
        self.data.join("mailboxes")
    }
    /// `<data>/mailboxes/<id>`.
    pub fn mailbox(&self, id: &str) -> PathBuf {
        self.mailboxes().join(id)
    }
    /// `<data>/mailboxes/<id>/mailbox.toml`.
    pub fn mailbox_toml(&self, id: &str) -> PathBuf {
        self.mailbox(id).join("mailbox.toml")
    }
    /// `<data>/mailboxes/<id>/<class>`.
    pub fn class_dir(&self, id: &str, class: EntryClass) -> PathBuf {
        self.mailbox(id).join(class.dir_name())
    }
    /// `<data>/mailboxes/<id>/<class>/<seq>.msg`.
    pub fn entry_file(&self, id: &str, class: EntryClass, seq: u32) -> PathBuf {
        self.class_dir(id, class).join(format!("{seq}.msg"))
    }
    /// `<data>/index`.
    pub fn index_dir(&self) -> PathBuf {
        self.data.join("index")
    }
    /// `<data>/index/meta.redb`.
    pub fn index_file(&self) -> PathBuf {
        self.index_dir().join("meta.redb")
    }
    /// `<data>/lock`.
    pub fn lock_file(&self) -> PathBuf {
        self.data.join("lock")
    }
    /// `<data>/quarantine`.
    pub fn quarantine(&self) -> PathBuf {
        self.data.join("quarantine")
    }
}

/// Parses a message file name `<seq>.msg` (decimal, no sign, no leading zeros).
pub fn parse_entry_name(name: &str) -> Option<u32> {
    let digits = name.strip_suffix(".msg")?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u32>()
        .ok()
        .filter(|s| (1..=format::MAX_SEQ).contains(s))
}

/// Contents of `mailbox.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MailboxToml {
    address: String,
    canonical: String,
    created_unix: i64,
}

/// Reads a `mailbox.toml`.
pub(crate) fn read_mailbox_toml(fs: &dyn FileSystem, path: &Path) -> Result<MailboxRow> {
    let bytes = fs.read(path).map_err(|e| StoreError::io("read", path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| StoreError::State {
        path: path.to_path_buf(),
        msg: e.to_string(),
    })?;
    let t: MailboxToml = toml::from_str(&text).map_err(|e| StoreError::State {
        path: path.to_path_buf(),
        msg: e.to_string(),
    })?;
    Ok(MailboxRow {
        address: t.address,
        canonical: t.canonical,
        created_unix: t.created_unix,
    })
}

/// The open store. Share it between threads by reference (`&Store` / `Arc<Store>`): every
/// operation takes `&self`.
pub struct Store {
    layout: Layout,
    fs: Arc<dyn FileSystem>,
    db: DbCell,
    mailboxes: Mutex<HashMap<String, Arc<Mailbox>>>,
    committer: Committer,
    dir_syncer: Arc<DirSyncer>,
    /// Removes deleted entries' files after their delete commit.
    finisher: Finisher,
    options: StoreOptions,
    /// Something may be on disk that the index lacks (a failed commit whose files could not be
    /// removed): the next open must scan, so the clean marker is not written.
    needs_scan: Arc<AtomicBool>,
    recovery: RecoveryReport,
    closed: AtomicBool,
    /// Called after each durable delivery (X.413 auto-actions: Alert, auto-forward).
    hooks: RwLock<Vec<DeliveryHook>>,
    /// The newest entry of each mailbox and class, kept for the alert → fetch → delete pattern.
    newest: Mutex<HashMap<(String, u8), Arc<MessageFile>>>,
    /// The tantivy text index, when enabled.
    text: Option<Arc<text::TextIndex>>,
    _lock: LockGuard,
}

/// A callback run after a delivery is durable: the entry's key and indexed attributes.
pub type DeliveryHook = Arc<dyn Fn(&EntryKey, &attrs::EntryAttrs) + Send + Sync>;

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("data", &self.layout.data)
            .finish_non_exhaustive()
    }
}

fn lock_or_poisoned<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another delivery thread must not take the whole store down with it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes the store's lock file, creating the data directory if needed.
pub(crate) fn take_lock(fs: &dyn FileSystem, layout: &Layout) -> Result<LockGuard> {
    create_dir_durable(fs, &layout.data).map_err(|e| StoreError::io("create", &layout.data, e))?;
    let path = layout.lock_file();
    // A lock just released by a closing store can stay held for a moment: a process forked
    // meanwhile (any child the same program spawns) shares the locked file description until
    // it execs. So a refusal is only final after a short, bounded wait.
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match fs.try_lock(&path) {
            Ok(Some(g)) => return Ok(g),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(None) => return Err(StoreError::Locked(layout.data.clone())),
            Err(e) => return Err(StoreError::io("lock", path, e)),
        }
    }
}

/// How long [`take_lock`] retries a held lock before reporting the store as in use.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Opens (creating if absent) the redb index at `path`. A new index is initialized under a
/// temp name and renamed into place, so a crash during creation never leaves a half-made
/// file that redb would refuse to open.
pub(crate) fn open_db(fs: &dyn FileSystem, path: &Path) -> Result<redb::Database> {
    open_db_with(fs, path, DEFAULT_INDEX_CACHE)
}

/// [`open_db`] with a page cache of `cache` bytes.
pub(crate) fn open_db_with(
    fs: &dyn FileSystem,
    path: &Path,
    cache: usize,
) -> Result<redb::Database> {
    if !fs
        .exists(path)
        .map_err(|e| StoreError::io("stat", path, e))?
    {
        let tmp = fs::tmp_path(path);
        match fs.remove_file(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io("remove", &tmp, e)),
        }
        let backend = fs
            .open_index(&tmp)
            .map_err(|e| StoreError::io("create", &tmp, e))?;
        let db = redb::Builder::new().create_with_backend(DynBackend(backend))?;
        index::init(&db)?;
        drop(db);
        fs.rename(&tmp, path)
            .map_err(|e| StoreError::io("rename", &tmp, e))?;
        let dir = fs::parent(path);
        fs.sync_dir(dir)
            .map_err(|e| StoreError::io("sync", dir, e))?;
    }
    let backend = fs
        .open_index(path)
        .map_err(|e| StoreError::io("open", path, e))?;
    let db = redb::Builder::new()
        .set_cache_size(cache)
        .create_with_backend(DynBackend(backend))?;
    index::init(&db)?;
    Ok(db)
}

/// Puts the attribute index first among `extensions` unless it is there already.
pub(crate) fn with_attr_index(extensions: &mut Vec<Arc<dyn IndexExtension>>) {
    let has = extensions
        .iter()
        .any(|x| format!("{x:?}") == format!("{:?}", attrs::AttrIndex));
    if !has {
        extensions.insert(0, Arc::new(attrs::AttrIndex));
    }
}

/// Index schema 1 → 2: fills the attribute tables from the files of every indexed entry,
/// keeping each entry's retrieval status, and records schema version 2.
fn migrate_attrs(fs: &dyn FileSystem, layout: &Layout, db: &redb::Database) -> Result<()> {
    let rows: Vec<(String, u8, u32, u8)> = {
        let txn = db.begin_read()?;
        let t = txn.open_table(index::ENTRIES)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            let (m, c, s) = k.value();
            let row: EntryRow = index::decode_value(v.value())?;
            out.push((m.to_string(), c, s, row.status));
        }
        out
    };
    let txn = db.begin_write()?;
    let mut migrated = 0u64;
    for (m, c, s, st) in rows {
        let Some(class) = EntryClass::from_code(c) else {
            continue;
        };
        let path = layout.entry_file(&m, class, s);
        let file = match fs.read(&path) {
            Ok(b) => match MessageFile::decode(&b) {
                Ok(f) => f,
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "store: migration skips a damaged file");
                    continue;
                }
            },
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "store: migration skips an unreadable file");
                continue;
            }
        };
        let key = EntryKey {
            mailbox_id: m,
            class,
            seq: s,
        };
        let status = RetrievalStatus::from_code(st).unwrap_or(RetrievalStatus::New);
        attrs::take(&txn, &key)?;
        attrs::put(&txn, &key, &attrs::attrs_of(&file, status))?;
        migrated += 1;
    }
    attrs::set_complete(&txn)?;
    txn.open_table(index::META)?.insert(
        index::META_SCHEMA,
        index::SCHEMA_VERSION.to_be_bytes().as_slice(),
    )?;
    txn.commit()?;
    if migrated > 0 {
        tracing::info!(
            entries = migrated,
            "store: index schema migrated to version 2"
        );
    }
    Ok(())
}

/// Opens the text index, re-indexing every entry from its file when the index is new, the last
/// shutdown was not clean, or its document count disagrees with the attribute rows.
fn open_text(
    fs: &dyn FileSystem,
    layout: &Layout,
    db: &redb::Database,
    clean: bool,
) -> Result<Arc<text::TextIndex>> {
    let (t, created) = text::TextIndex::open(&layout.index_dir().join("text"))?;
    let keys: Vec<EntryKey> = {
        let txn = db.begin_read()?;
        let tab = txn.open_table(attrs::ATTRS)?;
        let mut out = Vec::new();
        for item in tab.iter()? {
            let (k, _) = item?;
            let (m, c, s) = k.value();
            if let Some(class) = EntryClass::from_code(c) {
                out.push(EntryKey {
                    mailbox_id: m.to_string(),
                    class,
                    seq: s,
                });
            }
        }
        out
    };
    if created || !clean || t.num_docs() != keys.len() as u64 {
        t.clear()?;
        for k in &keys {
            let path = layout.entry_file(&k.mailbox_id, k.class, k.seq);
            if let Ok(b) = fs.read(&path)
                && let Ok(f) = MessageFile::decode(&b)
            {
                t.add(k, &attrs::text_of(&f));
            }
        }
        t.commit()?;
        tracing::info!(
            entries = keys.len(),
            "store: text index rebuilt from the files"
        );
    }
    text::TextIndex::start_committer(&t);
    Ok(t)
}

impl Store {
    /// Opens the store at `data` on the real disk, creating it if absent, and recovers from a
    /// crash if the last run did not shut down cleanly.
    pub fn open(data: impl AsRef<Path>) -> Result<Store> {
        Self::open_with(Arc::new(RealFs), data, StoreOptions::default())
    }

    /// Opens the store through a given file layer (tests pass a fault-injecting one).
    pub fn open_with(
        fs: Arc<dyn FileSystem>,
        data: impl AsRef<Path>,
        options: StoreOptions,
    ) -> Result<Store> {
        let layout = Layout {
            data: data.as_ref().to_path_buf(),
        };
        let mut options = options;
        with_attr_index(&mut options.extensions);
        let lock = take_lock(fs.as_ref(), &layout)?;
        for d in [
            layout.mailboxes(),
            layout.index_dir(),
            seq::seq_dir(&layout.data),
        ] {
            create_dir_durable(fs.as_ref(), &d).map_err(|e| StoreError::io("create", &d, e))?;
        }
        let index_file = layout.index_file();
        let new_index = !fs
            .exists(&index_file)
            .map_err(|e| StoreError::io("stat", &index_file, e))?;
        let db = open_db_with(fs.as_ref(), &index_file, options.index_cache)?;
        if !options.extensions.is_empty() {
            let txn = db.begin_write()?;
            for x in &options.extensions {
                x.init(&txn)?;
            }
            txn.commit()?;
        }
        let clean = index::is_clean(&db)?;
        // From here on, a crash must lead to a scan at the next open.
        index::set_clean(&db, false)?;
        let recovery = if clean {
            RecoveryReport {
                clean: true,
                ..RecoveryReport::default()
            }
        } else {
            let mut r = recover::recover(fs.as_ref(), &layout, &db, &options.extensions)?;
            r.new_index = new_index;
            r
        };
        recovery.log();
        if !attrs::is_complete(&db)? {
            migrate_attrs(fs.as_ref(), &layout, &db)?;
        }
        if !attrs::originators_complete(&db)? {
            attrs::fill_originators(&db)?;
        }
        let text = if options.text_index && fs.is_real() {
            match open_text(fs.as_ref(), &layout, &db, recovery.clean) {
                Ok(t) => Some(t),
                Err(e) => {
                    tracing::warn!(error = %e, "store: no text index; text items are evaluated directly");
                    None
                }
            }
        } else {
            None
        };
        let db: DbCell = Arc::new(RwLock::new(Some(db)));
        let dir_syncer = Arc::new(DirSyncer::default());
        let needs_scan = Arc::new(AtomicBool::new(false));
        let finisher = Finisher::new(
            fs.clone(),
            dir_syncer.clone(),
            db.clone(),
            (layout.index_file(), options.index_cache),
            needs_scan.clone(),
        );
        let store = Store {
            layout,
            fs,
            db,
            mailboxes: Mutex::new(HashMap::new()),
            committer: Committer::default(),
            dir_syncer,
            finisher,
            options,
            needs_scan,
            recovery,
            closed: AtomicBool::new(false),
            hooks: RwLock::new(Vec::new()),
            newest: Mutex::new(HashMap::new()),
            text,
            _lock: lock,
        };
        store.load_mailboxes()?;
        Ok(store)
    }

    /// What recovery found and did at open.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.recovery
    }

    /// Group commits so far and the jobs they carried (a delivery, or a whole delete request):
    /// entries / batches is how many of them shared each index commit.
    pub fn commit_stats(&self) -> (u64, u64) {
        (
            self.committer.batches.load(Ordering::Relaxed),
            self.committer.entries.load(Ordering::Relaxed),
        )
    }

    /// Deleted entries' files removed off the deleters' path so far: finisher rounds and
    /// files (each round syncs each directory once and drops its notes in one commit).
    pub fn finisher_stats(&self) -> (u64, u64) {
        self.finisher.counts()
    }

    /// Holds (or releases) the delete finisher, so tests can cut the power between a delete's
    /// commit and its file removal.
    #[cfg(test)]
    pub(crate) fn hold_finisher(&self, on: bool) {
        self.finisher.hold(on);
    }

    /// Waits until every deleted entry's file is removed (or left to the next open's recovery).
    pub fn finish_deletes(&self) {
        self.finisher.drain();
    }

    /// The data directory's layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    fn load_mailboxes(&self) -> Result<()> {
        let rows: Vec<(String, MailboxRow)> = self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(index::MAILBOXES)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                let (k, v) = item?;
                out.push((k.value().to_string(), index::decode_value(v.value())?));
            }
            Ok(out)
        })?;
        let mut map = lock_or_poisoned(&self.mailboxes);
        for (id, row) in rows {
            let hwm = seq::read_hwm(self.fs.as_ref(), &self.layout.data, &id)?;
            map.insert(
                id.clone(),
                Arc::new(Mailbox {
                    id,
                    row,
                    seq: Mutex::new(SeqAlloc::new(hwm)),
                    touched: AtomicBool::new(false),
                }),
            );
        }
        Ok(())
    }

    /// Runs `f` on the index, reopening it first if an I/O error closed it.
    fn with_db<T>(&self, f: impl FnOnce(&redb::Database) -> Result<T>) -> Result<T> {
        commit::with_db_in(
            &self.db,
            self.fs.as_ref(),
            (&self.layout.index_file(), self.options.index_cache),
            f,
        )
    }

    /// Drops the index handle after an I/O error: redb refuses further writes on a handle
    /// that saw one, so the next operation reopens it (and redb repairs it if needed).
    fn reset_db(&self) {
        let mut g = self.db.write().unwrap_or_else(|p| p.into_inner());
        *g = None;
    }

    /// The mailbox of `owner`, created (durably) if absent.
    fn mailbox(&self, owner: &MailboxName) -> Result<Arc<Mailbox>> {
        let id = owner.id();
        let mut map = lock_or_poisoned(&self.mailboxes);
        if let Some(mb) = map.get(&id) {
            if mb.row.canonical != owner.canonical {
                return Err(StoreError::IdCollision(id));
            }
            return Ok(mb.clone());
        }
        let fs = self.fs.as_ref();
        for class in EntryClass::ALL {
            let d = self.layout.class_dir(&id, class);
            create_dir_durable(fs, &d).map_err(|e| StoreError::io("create", &d, e))?;
        }
        let toml_path = self.layout.mailbox_toml(&id);
        let row = if fs
            .exists(&toml_path)
            .map_err(|e| StoreError::io("stat", &toml_path, e))?
        {
            // Written once: an existing description is kept, never rewritten.
            let row = read_mailbox_toml(fs, &toml_path)?;
            if row.canonical != owner.canonical {
                return Err(StoreError::IdCollision(id));
            }
            row
        } else {
            let row = MailboxRow {
                address: owner.address.clone(),
                canonical: owner.canonical.clone(),
                created_unix: now_ms() / 1000,
            };
            let text = toml::to_string(&MailboxToml {
                address: row.address.clone(),
                canonical: row.canonical.clone(),
                created_unix: row.created_unix,
            })
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
            write_atomic(fs, &toml_path, text.as_bytes())
                .map_err(|e| StoreError::io("write", &toml_path, e))?;
            row
        };
        let value = index::encode_value(&row)?;
        let r = self.with_db(|db| {
            let txn = db.begin_write()?;
            txn.open_table(index::MAILBOXES)?
                .insert(id.as_str(), value.as_slice())?;
            txn.commit()?;
            Ok(())
        });
        if let Err(e) = r {
            if e.is_index() {
                self.reset_db();
            }
            return Err(e);
        }
        let hwm = seq::read_hwm(fs, &self.layout.data, &id)?;
        let mb = Arc::new(Mailbox {
            id: id.clone(),
            row,
            seq: Mutex::new(SeqAlloc::new(hwm)),
            touched: AtomicBool::new(false),
        });
        map.insert(id, mb.clone());
        Ok(mb)
    }

    /// Delivers a message into `owner`'s inbox, now, status new. Returns once the message file
    /// and its index rows are durable.
    pub fn deliver(
        &self,
        owner: &MailboxName,
        envelope: &[u8],
        content: &[u8],
    ) -> Result<Delivered> {
        self.add_entry(owner, NewEntry::delivery(envelope, content))
    }

    /// Adds an entry of any class and type; returns once file and index rows are durable.
    /// Concurrent calls share directory fsyncs and one index commit (group commit).
    pub fn add_entry(&self, owner: &MailboxName, entry: NewEntry<'_>) -> Result<Delivered> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Unusable("closed".into()));
        }
        let mb = self.mailbox(owner)?;
        let seq = {
            let mut a = lock_or_poisoned(&mb.seq);
            let s = a.next(
                self.fs.as_ref(),
                &self.layout.data,
                &mb.id,
                entry.class,
                self.options.seq_block,
            )?;
            mb.touched.store(true, Ordering::Relaxed);
            s
        };
        let flight = self.committer.begin();
        let file = MessageFile {
            seq,
            class: entry.class,
            entry_type: entry.entry_type,
            time_ms: entry.time_ms,
            children: entry.children.to_vec(),
            envelope: entry.envelope.to_vec(),
            content: entry.content.to_vec(),
        };
        let path = self.layout.entry_file(&mb.id, entry.class, seq);
        let bytes = file.encode().map_err(|e| StoreError::Format {
            path: path.clone(),
            source: e,
        })?;
        let tmp = fs::tmp_path(&path);
        let fs = self.fs.as_ref();
        let mut first = fs.write_new_synced(&tmp, &bytes);
        if let Err(e) = &first
            && e.kind() == std::io::ErrorKind::NotFound
        {
            // A class directory lost (e.g. an empty one not kept by a copy): make it again.
            let cdir = self.layout.class_dir(&mb.id, entry.class);
            create_dir_durable(fs, &cdir).map_err(|e| StoreError::io("create", &cdir, e))?;
            first = fs.write_new_synced(&tmp, &bytes);
        }
        let written = first
            .map_err(|e| StoreError::io("write", &tmp, e))
            .and_then(|()| {
                fs.rename(&tmp, &path)
                    .map_err(|e| StoreError::io("rename", &tmp, e))
            });
        if let Err(e) = written {
            // The temp file is a leftover recovery would remove anyway; try now. The sequence
            // number stays used: numbers are never reused.
            if fs.remove_file(&tmp).is_err() && fs.exists(&tmp).unwrap_or(true) {
                self.needs_scan.store(true, Ordering::Relaxed);
            }
            return Err(e);
        }
        let dir = fs::parent(&path).to_path_buf();
        if let Err(e) = self.dir_syncer.sync(fs, &dir) {
            // Not acknowledged, so it must not turn up later: remove it, or leave it to the
            // next open's scan if even that fails.
            if fs.remove_file(&path).is_err() || fs.sync_dir(&dir).is_err() {
                self.needs_scan.store(true, Ordering::Relaxed);
            }
            return Err(e);
        }
        let key = EntryKey {
            mailbox_id: mb.id.clone(),
            class: entry.class,
            seq,
        };
        let file_crc = format::stored_crc(&bytes).unwrap_or_default();
        let row = EntryRow {
            entry_type: entry.entry_type.code(),
            status: entry.status.code(),
            time_ms: entry.time_ms,
            file_size: bytes.len() as u64,
            envelope_len: entry.envelope.len() as u32,
            content_len: entry.content.len() as u32,
            file_crc,
            children: entry.children.to_vec(),
        };
        let hooks: Vec<DeliveryHook> = self.hooks.read().unwrap_or_else(|p| p.into_inner()).clone();
        let newest = Arc::new(file);
        let pending = Pending {
            key: key.clone(),
            row,
            path,
            status: entry.status,
            file: Some(newest.clone()),
        };
        self.committer.submit(self, pending, flight)?;
        if let Some(t) = &self.text {
            t.add(&key, &attrs::text_of(&newest));
        }
        lock_or_poisoned(&self.newest)
            .insert((key.mailbox_id.clone(), key.class.code()), newest.clone());
        if !hooks.is_empty() {
            let a = attrs::attrs_of(&newest, entry.status);
            for h in &hooks {
                h(&key, &a);
            }
        }
        Ok(Delivered {
            key,
            file_size: bytes.len() as u64,
            file_crc,
        })
    }

    /// Commits the text index now (the background thread does so every
    /// [`text::COMMIT_EVERY`]); queries are read-your-writes either way.
    pub fn commit_text(&self) -> Result<()> {
        match &self.text {
            Some(t) => t.commit(),
            None => Ok(()),
        }
    }

    /// Whether the tantivy text index is in use.
    pub fn has_text_index(&self) -> bool {
        self.text.is_some()
    }

    /// Registers a callback run after every durable delivery (in the delivering thread, after
    /// the commit: keep it short, e.g. queue an Alert).
    pub fn on_delivery(&self, hook: DeliveryHook) {
        self.hooks
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(hook);
    }

    /// The message file of an entry: from memory if it is the newest of its mailbox and class
    /// (alert → fetch → delete), else read and verified from disk.
    pub fn read_cached(&self, key: &EntryKey) -> Result<Arc<MessageFile>> {
        if let Some(f) =
            lock_or_poisoned(&self.newest).get(&(key.mailbox_id.clone(), key.class.code()))
            && f.seq == key.seq
        {
            return Ok(f.clone());
        }
        self.read(key).map(Arc::new)
    }

    /// Reads and verifies an entry's message file.
    pub fn read(&self, key: &EntryKey) -> Result<MessageFile> {
        // Deleted, its file not removed yet: gone all the same.
        if self.finisher.is_pending(key) {
            return Err(StoreError::NoSuchEntry {
                mailbox: key.mailbox_id.clone(),
                class: key.class.dir_name(),
                seq: key.seq,
            });
        }
        let path = self.layout.entry_file(&key.mailbox_id, key.class, key.seq);
        let bytes = self.fs.read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::NoSuchEntry {
                    mailbox: key.mailbox_id.clone(),
                    class: key.class.dir_name(),
                    seq: key.seq,
                }
            } else {
                StoreError::io("read", &path, e)
            }
        })?;
        MessageFile::decode(&bytes).map_err(|e| StoreError::Format { path, source: e })
    }

    /// The index row of an entry.
    pub fn entry(&self, key: &EntryKey) -> Result<Option<EntryRow>> {
        self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(index::ENTRIES)?;
            let v = t.get(index::entry_key(&key.mailbox_id, key.class, key.seq))?;
            v.map(|v| index::decode_value(v.value())).transpose()
        })
    }

    /// Every entry of a mailbox and class, in sequence order.
    pub fn entries(&self, mailbox_id: &str, class: EntryClass) -> Result<Vec<(u32, EntryRow)>> {
        self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(index::ENTRIES)?;
            index::entries_of(&t, mailbox_id, class)
        })
    }

    /// Every mailbox: id and index row.
    pub fn mailboxes(&self) -> Vec<(String, MailboxRow)> {
        let map = lock_or_poisoned(&self.mailboxes);
        let mut v: Vec<_> = map
            .values()
            .map(|m| (m.id.clone(), m.row.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Changes an entry's retrieval status (durably).
    pub fn set_status(&self, key: &EntryKey, status: RetrievalStatus) -> Result<()> {
        let r = self.with_db(|db| {
            let txn = db.begin_write()?;
            {
                let mut t = txn.open_table(index::ENTRIES)?;
                let k = index::entry_key(&key.mailbox_id, key.class, key.seq);
                let row: Option<EntryRow> = t
                    .get(k)?
                    .map(|v| index::decode_value(v.value()))
                    .transpose()?;
                let Some(mut row) = row else {
                    return Err(StoreError::NoSuchEntry {
                        mailbox: key.mailbox_id.clone(),
                        class: key.class.dir_name(),
                        seq: key.seq,
                    });
                };
                row.status = status.code();
                t.insert(k, index::encode_value(&row)?.as_slice())?;
                for x in &self.options.extensions {
                    x.status_changed(&txn, key, status)?;
                }
            }
            txn.commit()?;
            Ok(())
        });
        if let Err(e) = &r
            && e.is_index()
        {
            self.reset_db();
        }
        r
    }

    /// Deletes an entry: its rows go (durably, in a group commit, with a note that the file is
    /// being removed); its file goes afterwards, off the caller's path. Recovery finishes a
    /// removal a crash interrupted.
    pub fn delete(&self, key: &EntryKey) -> Result<()> {
        let done = self.delete_job(DeleteJob {
            mailbox_id: key.mailbox_id.clone(),
            class: key.class,
            named: vec![key.seq],
            all: vec![key.seq],
        })?;
        if done.is_empty() {
            // Cannot happen (the named entry was there), but never report a phantom delete.
            return Err(StoreError::NoSuchEntry {
                mailbox: key.mailbox_id.clone(),
                class: key.class.dir_name(),
                seq: key.seq,
            });
        }
        Ok(())
    }

    /// Commits one delete request (one durable index change shared with concurrent deliveries
    /// and deletes), then updates the in-memory views and hands the files to the finisher.
    pub(crate) fn delete_job(&self, job: DeleteJob) -> Result<Vec<u32>> {
        let mailbox_id = job.mailbox_id.clone();
        let class = job.class;
        let done = self.committer.submit_delete(self, job)?;
        let keys: Vec<EntryKey> = done
            .iter()
            .map(|&seq| EntryKey {
                mailbox_id: mailbox_id.clone(),
                class,
                seq,
            })
            .collect();
        if let Some(t) = &self.text {
            for k in &keys {
                t.remove(k);
            }
        }
        {
            let mut n = lock_or_poisoned(&self.newest);
            let nk = (mailbox_id.clone(), class.code());
            if n.get(&nk).is_some_and(|f| done.contains(&f.seq)) {
                n.remove(&nk);
            }
        }
        self.finisher.enqueue(
            keys.into_iter()
                .map(|k| {
                    let p = self.layout.entry_file(&k.mailbox_id, k.class, k.seq);
                    (k, p)
                })
                .collect(),
        );
        Ok(done)
    }

    /// Shuts down cleanly: writes the exact sequence high-water marks and the clean marker, so
    /// the next open skips the scan. Dropping the store does the same, ignoring errors.
    pub fn close(self) -> Result<()> {
        self.close_inner()
    }

    fn close_inner(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        // A clean open does not scan: no delete may be left half done.
        self.finisher.stop();
        let mailboxes: Vec<Arc<Mailbox>> = lock_or_poisoned(&self.mailboxes)
            .values()
            .cloned()
            .collect();
        for mb in mailboxes {
            if mb.touched.load(Ordering::Relaxed) {
                let a = lock_or_poisoned(&mb.seq).clone();
                if a.used != a.reserved {
                    seq::write_hwm(self.fs.as_ref(), &self.layout.data, &mb.id, a.used)?;
                }
            }
        }
        if let Some(t) = &self.text
            && let Err(e) = t.commit()
        {
            // The next open sees the count disagree and rebuilds the text index.
            tracing::warn!(error = %e, "store: text index commit at close failed");
        }
        if self.needs_scan.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.with_db(|db| index::set_clean(db, true))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(e) = self.close_inner() {
            tracing::warn!(error = %e, "store: clean shutdown failed; the next open will scan");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_id_is_fnv1a_128_of_the_matching_key() {
        // Computed independently (Python, FNV-1a 128 reference constants).
        assert_eq!(
            mailbox_id("C=XX;A=ICAO;P=TEST;O=ORG;CN=USER1"),
            "fac3e467dc497b30ab970b2415d7ddca"
        );
        assert_eq!(mailbox_id(""), "6c62272e07bb014262b821756295c58d");
    }

    #[test]
    fn entry_names() {
        assert_eq!(parse_entry_name("1.msg"), Some(1));
        assert_eq!(parse_entry_name("2147483647.msg"), Some(format::MAX_SEQ));
        for bad in [
            "0.msg",
            "007.msg",
            "2147483648.msg",
            "1.msg.tmp",
            ".msg",
            "+1.msg",
            "1.MSG",
            "mailbox.toml",
        ] {
            assert_eq!(parse_entry_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn sequence_numbers_are_reserved_in_blocks() {
        let fs = faults::PowerCutFs::new(1);
        let data = Path::new("/d");
        fs.create_dir_all(&seq::seq_dir(data)).unwrap();
        let mut a = SeqAlloc::new(seq::HighWater::default());
        let before = fs.ops();
        for want in 1..=10 {
            assert_eq!(a.next(&fs, data, "m", EntryClass::Inbox, 4).unwrap(), want);
        }
        // 10 numbers in blocks of 4: three durable writes of the mark, 5 operations each
        // (remove-if-any is not an operation here; create, write, fsync, rename, dir sync).
        assert_eq!(fs.ops() - before, 3 * 5);
        assert_eq!(seq::read_hwm(&fs, data, "m").unwrap().inbox, 12);
        assert_eq!(a.next(&fs, data, "m", EntryClass::Outbox, 4).unwrap(), 1);
        let mut full = SeqAlloc::new(seq::HighWater {
            inbox: format::MAX_SEQ,
            outbox: 0,
        });
        assert!(matches!(
            full.next(&fs, data, "m", EntryClass::Inbox, 4),
            Err(StoreError::SequenceExhausted(_))
        ));
    }
}
