//! Offline operations on a store nobody else holds (DESIGN.md §4, §6): `check` (every file's
//! CRC, index ↔ files agreement), `rebuild` (index from files, status new, high-water marks
//! kept, corrupt files quarantined), `stats` and `increment` (raise sequence numbers). Each
//! takes the store's lock first, so it refuses to run while a server has the store open.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use redb::{ReadableDatabase, ReadableTable};
use serde::Serialize;

use super::error::{Result, StoreError};
use super::format::{EntryClass, FormatError, MAX_SEQ, MessageFile};
use super::fs::{FileSystem, create_dir_durable, tmp_path};
use super::index::{self, EntryRow, MailboxRow, RetrievalStatus};
use super::recover::row_for;
use super::{
    EntryKey, IndexExtension, Layout, open_db, parse_entry_name, read_mailbox_toml, seq, take_lock,
};

/// What kind of finding `check` or `rebuild` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A `.tmp` file left by a crash (recoverable: removed at the next open).
    TempLeftover,
    /// A valid message file without index rows (recoverable: indexed as new).
    Unindexed,
    /// A file whose removal a crash interrupted (recoverable: removed at the next open).
    PendingDelete,
    /// A mailbox directory missing from the index (recoverable).
    UnindexedMailbox,
    /// The file's CRC32 does not match its bytes.
    CrcMismatch,
    /// The file cannot be parsed (bad magic, truncated, bad field).
    Unparseable,
    /// The file's header names another sequence number or class than its place says.
    HeaderMismatch,
    /// Index rows whose message file is missing.
    MissingFile,
    /// Two files with the same sequence number.
    DuplicateSeq,
    /// The index row disagrees with the file (size or CRC).
    RowMismatch,
    /// A file in a mailbox directory that is not a message file.
    StrayFile,
    /// The mailbox description is missing or unreadable.
    BadMailbox,
    /// The sequence high-water mark is below a number in use: numbers could be reused.
    HighWaterBelowFiles,
}

/// One thing `check` or `rebuild` found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// What.
    pub kind: FindingKind,
    /// Where.
    pub path: String,
    /// Details.
    pub detail: String,
}

impl Finding {
    fn new(kind: FindingKind, path: &Path, detail: impl Into<String>) -> Self {
        Finding {
            kind,
            path: path.display().to_string(),
            detail: detail.into(),
        }
    }
}

/// Result of [`check`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Mailbox directories seen.
    pub mailboxes: u64,
    /// Message files verified.
    pub files: u64,
    /// Entry rows in the index.
    pub rows: u64,
    /// The last shutdown was clean.
    pub clean_shutdown: bool,
    /// Crash leftovers that the next open (or `rebuild`) repairs.
    pub recoverable: Vec<Finding>,
    /// Corruption or loss.
    pub problems: Vec<Finding>,
}

impl CheckReport {
    /// True when nothing is corrupt or lost.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn io(op: &'static str, p: &Path, e: std::io::Error) -> StoreError {
    StoreError::io(op, p, e)
}

fn layout_of(fs: &dyn FileSystem, data: &Path) -> Result<Layout> {
    let layout = Layout {
        data: data.to_path_buf(),
    };
    let mb = layout.mailboxes();
    if !fs.exists(&mb).map_err(|e| io("stat", &mb, e))? {
        return Err(StoreError::Invalid(format!(
            "no store at {} ({} is missing)",
            data.display(),
            mb.display()
        )));
    }
    Ok(layout)
}

/// A name `<digits>.msg`, leading zeros allowed (so `007.msg` and `7.msg` collide).
fn lenient_seq(name: &str) -> Option<u32> {
    let d = name.strip_suffix(".msg")?;
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    d.parse().ok()
}

fn list_dirs(fs: &dyn FileSystem, dir: &Path) -> Result<Vec<String>> {
    let mut v: Vec<String> = fs
        .read_dir(dir)
        .map_err(|e| io("list", dir, e))?
        .into_iter()
        .filter(|e| e.is_dir)
        .map(|e| e.name)
        .collect();
    v.sort();
    Ok(v)
}

type RowMap = BTreeMap<(String, u8, u32), EntryRow>;

/// What `check` reads from the index.
struct Snapshot {
    rows: RowMap,
    deleting: BTreeSet<(String, u8, u32)>,
    mailboxes: BTreeMap<String, MailboxRow>,
    clean: bool,
}

fn read_index(db: &redb::Database) -> Result<Snapshot> {
    let txn = db.begin_read()?;
    let mut rows = BTreeMap::new();
    for item in txn.open_table(index::ENTRIES)?.iter()? {
        let (k, v) = item?;
        let (a, b, c) = k.value();
        rows.insert((a.to_string(), b, c), index::decode_value(v.value())?);
    }
    let mut deleting = BTreeSet::new();
    for item in txn.open_table(index::DELETING)?.iter()? {
        let (k, _) = item?;
        let (a, b, c) = k.value();
        deleting.insert((a.to_string(), b, c));
    }
    let mut mailboxes = BTreeMap::new();
    for item in txn.open_table(index::MAILBOXES)?.iter()? {
        let (k, v) = item?;
        mailboxes.insert(k.value().to_string(), index::decode_value(v.value())?);
    }
    let clean = txn
        .open_table(index::META)?
        .get(index::META_CLEAN)?
        .is_some_and(|v| v.value() == [1]);
    Ok(Snapshot {
        rows,
        deleting,
        mailboxes,
        clean,
    })
}

/// Verifies every message file and the agreement of index and files. `progress` is called
/// with the number of files verified so far.
pub fn check(
    fs: &dyn FileSystem,
    data: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<CheckReport> {
    let layout = layout_of(fs, data)?;
    let _lock = take_lock(fs, &layout)?;
    let db = open_db(fs, &layout.index_file())?;
    let Snapshot {
        mut rows,
        deleting,
        mailboxes: mb_rows,
        clean,
    } = read_index(&db)?;
    drop(db);
    let mut rep = CheckReport {
        rows: rows.len() as u64,
        clean_shutdown: clean,
        ..CheckReport::default()
    };
    let seq_dir = seq::seq_dir(&layout.data);
    if fs.exists(&seq_dir).map_err(|e| io("stat", &seq_dir, e))? {
        for e in fs.read_dir(&seq_dir).map_err(|e| io("list", &seq_dir, e))? {
            if e.name.ends_with(".tmp") {
                rep.recoverable.push(Finding::new(
                    FindingKind::TempLeftover,
                    &seq_dir.join(&e.name),
                    "temp file left by a crash",
                ));
            }
        }
    }
    for id in list_dirs(fs, &layout.mailboxes())? {
        rep.mailboxes += 1;
        let mdir = layout.mailbox(&id);
        let toml = layout.mailbox_toml(&id);
        let has_toml = fs.exists(&toml).map_err(|e| io("stat", &toml, e))?;
        if fs
            .exists(&tmp_path(&toml))
            .map_err(|e| io("stat", &toml, e))?
        {
            rep.recoverable.push(Finding::new(
                FindingKind::TempLeftover,
                &tmp_path(&toml),
                "temp file left by a crash",
            ));
        }
        match read_mailbox_toml(fs, &toml) {
            Ok(row) => {
                if super::mailbox_id(&row.canonical) != id {
                    rep.problems.push(Finding::new(
                        FindingKind::BadMailbox,
                        &toml,
                        "the address does not hash to this mailbox id",
                    ));
                }
                if !mb_rows.contains_key(&id) {
                    rep.recoverable.push(Finding::new(
                        FindingKind::UnindexedMailbox,
                        &mdir,
                        "mailbox not in the index",
                    ));
                }
            }
            Err(e) => {
                let f = Finding::new(FindingKind::BadMailbox, &toml, e.to_string());
                // A mailbox whose creation a crash interrupted has no description yet and
                // no messages; anything else is damage.
                if has_toml {
                    rep.problems.push(f);
                } else {
                    rep.recoverable.push(f);
                }
            }
        }
        let hwm = seq::read_hwm(fs, &layout.data, &id)?;
        for class in EntryClass::ALL {
            let cdir = layout.class_dir(&id, class);
            if !fs.exists(&cdir).map_err(|e| io("stat", &cdir, e))? {
                continue;
            }
            let mut by_seq: BTreeMap<u32, Vec<String>> = BTreeMap::new();
            let mut names: Vec<_> = fs
                .read_dir(&cdir)
                .map_err(|e| io("list", &cdir, e))?
                .into_iter()
                .map(|e| e.name)
                .collect();
            names.sort();
            for name in names {
                let path = cdir.join(&name);
                if name.ends_with(".tmp") {
                    rep.recoverable.push(Finding::new(
                        FindingKind::TempLeftover,
                        &path,
                        "temp file left by a crash",
                    ));
                    continue;
                }
                let Some(seq) = lenient_seq(&name) else {
                    rep.problems.push(Finding::new(
                        FindingKind::StrayFile,
                        &path,
                        "not a message file name",
                    ));
                    continue;
                };
                by_seq.entry(seq).or_default().push(name.clone());
                if parse_entry_name(&name) != Some(seq) {
                    rep.problems.push(Finding::new(
                        FindingKind::StrayFile,
                        &path,
                        "message file name not in canonical form",
                    ));
                    continue;
                }
                if seq > hwm.get(class) {
                    rep.problems.push(Finding::new(
                        FindingKind::HighWaterBelowFiles,
                        &path,
                        format!(
                            "high-water mark {} is below this sequence number",
                            hwm.get(class)
                        ),
                    ));
                }
                rep.files += 1;
                progress(rep.files);
                let bytes = fs.read(&path).map_err(|e| io("read", &path, e))?;
                let key = (id.clone(), class.code(), seq);
                let row = rows.remove(&key);
                match MessageFile::decode(&bytes) {
                    Err(e @ FormatError::Crc { .. }) => rep.problems.push(Finding::new(
                        FindingKind::CrcMismatch,
                        &path,
                        e.to_string(),
                    )),
                    Err(e) => rep.problems.push(Finding::new(
                        FindingKind::Unparseable,
                        &path,
                        e.to_string(),
                    )),
                    Ok(m) if m.seq != seq || m.class != class => {
                        rep.problems.push(Finding::new(
                            FindingKind::HeaderMismatch,
                            &path,
                            format!("header says {} {}", m.class.dir_name(), m.seq),
                        ));
                    }
                    Ok(_) => match row {
                        Some(r) => {
                            let crc = super::format::stored_crc(&bytes).unwrap_or_default();
                            if r.file_size != bytes.len() as u64 || r.file_crc != crc {
                                rep.problems.push(Finding::new(
                                    FindingKind::RowMismatch,
                                    &path,
                                    format!(
                                        "index says {} bytes crc {:08x}, file has {} bytes crc {crc:08x}",
                                        r.file_size,
                                        r.file_crc,
                                        bytes.len()
                                    ),
                                ));
                            }
                        }
                        None if deleting.contains(&key) => rep.recoverable.push(Finding::new(
                            FindingKind::PendingDelete,
                            &path,
                            "removal interrupted by a crash",
                        )),
                        None => rep.recoverable.push(Finding::new(
                            FindingKind::Unindexed,
                            &path,
                            "message file without index rows",
                        )),
                    },
                }
            }
            for (seq, names) in by_seq.into_iter().filter(|(_, n)| n.len() > 1) {
                rep.problems.push(Finding::new(
                    FindingKind::DuplicateSeq,
                    &cdir,
                    format!("sequence number {seq} used by {}", names.join(", ")),
                ));
            }
        }
    }
    for (id, class, seq) in rows.keys() {
        let path = match EntryClass::from_code(*class) {
            Some(c) => layout.entry_file(id, c, *seq),
            None => layout.mailbox(id).join(format!("class-{class}/{seq}.msg")),
        };
        rep.problems.push(Finding::new(
            FindingKind::MissingFile,
            &path,
            "index row without message file",
        ));
    }
    rep.problems.sort();
    rep.recoverable.sort();
    Ok(rep)
}

/// Result of [`rebuild`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct RebuildReport {
    /// Mailboxes indexed.
    pub mailboxes: u64,
    /// Entries indexed (all status new).
    pub entries: u64,
    /// Temp leftovers removed.
    pub temp_removed: u64,
    /// Files moved to the quarantine folder, and why.
    pub quarantined: Vec<Finding>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Entries per second.
    pub rate: f64,
}

/// Entries per index transaction during rebuild (bounded memory; only the last is durable).
const REBUILD_TXN: usize = 20_000;

/// Regenerates the index from the files: every entry status new, high-water marks kept (and
/// raised to the highest file if below), corrupt files moved to `<data>/quarantine/`. The new
/// index is built beside the old one and renamed over it, so a crash leaves the old index.
pub fn rebuild(
    fs: &dyn FileSystem,
    data: &Path,
    extensions: &[Arc<dyn IndexExtension>],
    progress: &mut dyn FnMut(u64),
) -> Result<RebuildReport> {
    let start = Instant::now();
    let layout = layout_of(fs, data)?;
    let _lock = take_lock(fs, &layout)?;
    let idx_dir = layout.index_dir();
    create_dir_durable(fs, &idx_dir).map_err(|e| io("create", &idx_dir, e))?;
    let new_path = idx_dir.join("meta.redb.new");
    match fs.remove_file(&new_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("remove", &new_path, e)),
    }
    let db = open_db(fs, &new_path)?;
    if !extensions.is_empty() {
        let txn = db.begin_write()?;
        for x in extensions {
            x.init(&txn)?;
        }
        txn.commit()?;
    }
    let mut rep = RebuildReport::default();
    let mut txn = db.begin_write()?;
    txn.set_durability(redb::Durability::None)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut in_txn = 0usize;
    for id in list_dirs(fs, &layout.mailboxes())? {
        let toml = layout.mailbox_toml(&id);
        let row = match read_mailbox_toml(fs, &toml) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(mailbox = %id, error = %e, "rebuild: mailbox without description skipped");
                continue;
            }
        };
        rep.mailboxes += 1;
        txn.open_table(index::MAILBOXES)?
            .insert(id.as_str(), index::encode_value(&row)?.as_slice())?;
        let mdir = layout.mailbox(&id);
        if remove_quiet(fs, &tmp_path(&toml))? {
            rep.temp_removed += 1;
            fs.sync_dir(&mdir).map_err(|e| io("sync", &mdir, e))?;
        }
        let mut hwm = seq::read_hwm(fs, &layout.data, &id)?;
        let mut raise = false;
        for class in EntryClass::ALL {
            let cdir = layout.class_dir(&id, class);
            if !fs.exists(&cdir).map_err(|e| io("stat", &cdir, e))? {
                continue;
            }
            let mut changed = false;
            let mut names: Vec<String> = fs
                .read_dir(&cdir)
                .map_err(|e| io("list", &cdir, e))?
                .into_iter()
                .filter(|e| !e.is_dir)
                .map(|e| e.name)
                .collect();
            names.sort();
            let mut entries = txn.open_table(index::ENTRIES)?;
            for name in names {
                let path = cdir.join(&name);
                if name.ends_with(".tmp") {
                    changed |= remove_quiet(fs, &path)?;
                    rep.temp_removed += 1;
                    continue;
                }
                if let Some(s) = lenient_seq(&name)
                    && s > hwm.get(class)
                {
                    hwm.set(class, s.min(MAX_SEQ));
                    raise = true;
                }
                let verdict = match parse_entry_name(&name) {
                    None => Err("not a message file name".to_string()),
                    Some(seq) => {
                        let bytes = fs.read(&path).map_err(|e| io("read", &path, e))?;
                        match MessageFile::decode(&bytes) {
                            Ok(m) if m.seq == seq && m.class == class => Ok((seq, m, bytes)),
                            Ok(m) => Err(format!("header says {} {}", m.class.dir_name(), m.seq)),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                };
                match verdict {
                    Ok((seq, m, bytes)) => {
                        let row = row_for(&m, &bytes, RetrievalStatus::New);
                        entries.insert(
                            index::entry_key(&id, class, seq),
                            index::encode_value(&row)?.as_slice(),
                        )?;
                        if !extensions.is_empty() {
                            let key = EntryKey {
                                mailbox_id: id.clone(),
                                class,
                                seq,
                            };
                            for x in extensions {
                                x.insert(&txn, &key, &m, RetrievalStatus::New)?;
                            }
                        }
                        rep.entries += 1;
                        in_txn += 1;
                        progress(rep.entries);
                    }
                    Err(why) => {
                        let qdir = layout.quarantine().join(&id).join(class.dir_name());
                        create_dir_durable(fs, &qdir).map_err(|e| io("create", &qdir, e))?;
                        let dest = qdir.join(&name);
                        fs.rename(&path, &dest)
                            .map_err(|e| io("quarantine", &path, e))?;
                        fs.sync_dir(&qdir).map_err(|e| io("sync", &qdir, e))?;
                        changed = true;
                        tracing::warn!(file = %path.display(), reason = %why, "rebuild: quarantined");
                        rep.quarantined.push(Finding {
                            kind: FindingKind::Unparseable,
                            path: dest.display().to_string(),
                            detail: format!("from {}: {why}", path.display()),
                        });
                    }
                }
                if in_txn >= REBUILD_TXN {
                    drop(entries);
                    txn.commit()?;
                    txn = db.begin_write()?;
                    txn.set_durability(redb::Durability::None)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    in_txn = 0;
                    entries = txn.open_table(index::ENTRIES)?;
                }
            }
            drop(entries);
            if changed {
                fs.sync_dir(&cdir).map_err(|e| io("sync", &cdir, e))?;
            }
        }
        if raise {
            seq::write_hwm(fs, &layout.data, &id, hwm)?;
        }
    }
    txn.set_durability(redb::Durability::Immediate)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    txn.open_table(index::META)?
        .insert(index::META_CLEAN, [1u8].as_slice())?;
    txn.commit()?;
    drop(db);
    let final_path = layout.index_file();
    fs.rename(&new_path, &final_path)
        .map_err(|e| io("rename", &new_path, e))?;
    fs.sync_dir(&idx_dir).map_err(|e| io("sync", &idx_dir, e))?;
    rep.seconds = start.elapsed().as_secs_f64();
    rep.rate = if rep.seconds > 0.0 {
        rep.entries as f64 / rep.seconds
    } else {
        0.0
    };
    Ok(rep)
}

fn remove_quiet(fs: &dyn FileSystem, p: &Path) -> Result<bool> {
    match fs.remove_file(p) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("remove", p, e)),
    }
}

/// Entry counts of one class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClassStats {
    /// All entries.
    pub entries: u64,
    /// Status new.
    pub new: u64,
    /// Status listed.
    pub listed: u64,
    /// Status processed.
    pub processed: u64,
    /// Bytes of message files.
    pub bytes: u64,
}

impl ClassStats {
    fn add(&mut self, r: &EntryRow) {
        self.entries += 1;
        self.bytes += r.file_size;
        match r.retrieval_status() {
            RetrievalStatus::New => self.new += 1,
            RetrievalStatus::Listed => self.listed += 1,
            RetrievalStatus::Processed => self.processed += 1,
        }
    }

    fn merge(&mut self, o: &ClassStats) {
        self.entries += o.entries;
        self.new += o.new;
        self.listed += o.listed;
        self.processed += o.processed;
        self.bytes += o.bytes;
    }
}

/// One mailbox in [`StatsReport`].
#[derive(Debug, Clone, Serialize)]
pub struct MailboxStats {
    /// Mailbox id (directory name).
    pub id: String,
    /// The owner's O/R address.
    pub address: String,
    /// Delivery class.
    pub inbox: ClassStats,
    /// Submission class.
    pub outbox: ClassStats,
}

/// Totals of [`StatsReport`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Mailboxes.
    pub mailboxes: u64,
    /// Both classes together.
    pub all: ClassStats,
}

/// Result of [`stats`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatsReport {
    /// Per mailbox, by id.
    pub mailboxes: Vec<MailboxStats>,
    /// Totals.
    pub totals: Totals,
}

/// Counts entries per mailbox, class and status, from the index.
pub fn stats(fs: &dyn FileSystem, data: &Path) -> Result<StatsReport> {
    let layout = layout_of(fs, data)?;
    let _lock = take_lock(fs, &layout)?;
    let db = open_db(fs, &layout.index_file())?;
    let txn = db.begin_read()?;
    let mut per: BTreeMap<String, MailboxStats> = BTreeMap::new();
    for item in txn.open_table(index::MAILBOXES)?.iter()? {
        let (k, v) = item?;
        let row: MailboxRow = index::decode_value(v.value())?;
        per.insert(
            k.value().to_string(),
            MailboxStats {
                id: k.value().to_string(),
                address: row.address,
                inbox: ClassStats::default(),
                outbox: ClassStats::default(),
            },
        );
    }
    for item in txn.open_table(index::ENTRIES)?.iter()? {
        let (k, v) = item?;
        let (id, class, _) = k.value();
        let row: EntryRow = index::decode_value(v.value())?;
        let m = per.entry(id.to_string()).or_insert_with(|| MailboxStats {
            id: id.to_string(),
            address: String::new(),
            inbox: ClassStats::default(),
            outbox: ClassStats::default(),
        });
        match EntryClass::from_code(class) {
            Some(EntryClass::Outbox) => m.outbox.add(&row),
            _ => m.inbox.add(&row),
        }
    }
    let mut rep = StatsReport::default();
    for (_, m) in per {
        rep.totals.mailboxes += 1;
        rep.totals.all.merge(&m.inbox);
        rep.totals.all.merge(&m.outbox);
        rep.mailboxes.push(m);
    }
    Ok(rep)
}

/// One mailbox changed by [`increment`].
#[derive(Debug, Clone, Serialize)]
pub struct Incremented {
    /// Mailbox id.
    pub id: String,
    /// Marks before.
    pub before: seq::HighWater,
    /// Marks after.
    pub after: seq::HighWater,
}

/// Raises the sequence high-water marks by `by` (both classes): of one mailbox (by id), or of
/// every mailbox plus the floor for mailboxes created later.
pub fn increment(
    fs: &dyn FileSystem,
    data: &Path,
    by: u32,
    mailbox_id: Option<&str>,
) -> Result<(Vec<Incremented>, Option<u32>)> {
    let layout = layout_of(fs, data)?;
    let _lock = take_lock(fs, &layout)?;
    let sd = seq::seq_dir(&layout.data);
    create_dir_durable(fs, &sd).map_err(|e| io("create", &sd, e))?;
    let ids: Vec<String> = match mailbox_id {
        Some(id) => {
            let d = layout.mailbox(id);
            if !fs.exists(&d).map_err(|e| io("stat", &d, e))? {
                return Err(StoreError::Invalid(format!("no mailbox {id} in the store")));
            }
            vec![id.to_string()]
        }
        None => list_dirs(fs, &layout.mailboxes())?,
    };
    let add = |v: u32, id: &str| -> Result<u32> {
        v.checked_add(by)
            .filter(|n| *n <= MAX_SEQ)
            .ok_or_else(|| StoreError::SequenceExhausted(id.to_string()))
    };
    let mut plan = Vec::new();
    for id in &ids {
        let before = seq::read_hwm(fs, &layout.data, id)?;
        let after = seq::HighWater {
            inbox: add(before.inbox, id)?,
            outbox: add(before.outbox, id)?,
        };
        plan.push(Incremented {
            id: id.clone(),
            before,
            after,
        });
    }
    let floor = match mailbox_id {
        None => Some(add(seq::read_floor(fs, &layout.data)?, "(floor)")?),
        Some(_) => None,
    };
    // Checked all before writing any, so an overflow changes nothing.
    for p in &plan {
        seq::write_hwm(fs, &layout.data, &p.id, p.after)?;
    }
    if let Some(f) = floor {
        seq::write_floor(fs, &layout.data, f)?;
    }
    Ok((plan, floor))
}

/// Every file path of a store's mailboxes (for tests and tools).
pub fn message_files(fs: &dyn FileSystem, data: &Path) -> Result<Vec<PathBuf>> {
    let layout = layout_of(fs, data)?;
    let mut out = Vec::new();
    for id in list_dirs(fs, &layout.mailboxes())? {
        for class in EntryClass::ALL {
            let cdir = layout.class_dir(&id, class);
            if !fs.exists(&cdir).map_err(|e| io("stat", &cdir, e))? {
                continue;
            }
            for e in fs.read_dir(&cdir).map_err(|e| io("list", &cdir, e))? {
                if parse_entry_name(&e.name).is_some() {
                    out.push(cdir.join(e.name));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}
