//! Recovery at open after an unclean shutdown (DESIGN.md §4): finish interrupted removals (deletes
//! committed whose files the background finisher had not removed yet),
//! remove temp leftovers, index message files that have no rows (status new), raise sequence
//! high-water marks to the highest file found, and log the counts. Runs only when the
//! clean-shutdown marker is absent, so a clean open of a large store does not scan.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use redb::ReadableTable;

use super::error::{Result, StoreError};
use super::format::{self, EntryClass, MessageFile};
use super::fs::FileSystem;
use super::index::{self, EntryRow, RetrievalStatus};
use super::{EntryKey, IndexExtension, Layout, parse_entry_name, read_mailbox_toml, seq};

/// What recovery found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecoveryReport {
    /// The last shutdown was clean: nothing was scanned.
    pub clean: bool,
    /// The index was created by this open (scanned in case files exist without it).
    pub new_index: bool,
    /// Mailboxes scanned.
    pub mailboxes: u64,
    /// Message files seen.
    pub files: u64,
    /// Temp files removed.
    pub temp_removed: u64,
    /// Files without rows that were indexed (status new).
    pub indexed: u64,
    /// Removals a crash interrupted, finished.
    pub deletes_finished: u64,
    /// Files that failed verification (left for `mstorectl check` / `rebuild`).
    pub corrupt: u64,
    /// Index rows whose file is missing (loss: reported, not hidden).
    pub missing: u64,
    /// Mailbox rows added from `mailbox.toml`.
    pub mailboxes_indexed: u64,
}

impl RecoveryReport {
    /// Logs the counts.
    pub fn log(&self) {
        if self.clean {
            tracing::info!("store: clean shutdown, no recovery needed");
        } else if self.new_index && self.files == 0 {
            tracing::info!("store: new index created");
        } else if self.corrupt > 0 || self.missing > 0 {
            tracing::error!(
                mailboxes = self.mailboxes,
                files = self.files,
                temp_removed = self.temp_removed,
                indexed = self.indexed,
                deletes_finished = self.deletes_finished,
                corrupt = self.corrupt,
                missing = self.missing,
                "store: recovered after unclean shutdown; damage found, run `mstorectl check`"
            );
        } else {
            tracing::info!(
                mailboxes = self.mailboxes,
                files = self.files,
                temp_removed = self.temp_removed,
                indexed = self.indexed,
                deletes_finished = self.deletes_finished,
                "store: recovered after unclean shutdown"
            );
        }
    }
}

fn io(op: &'static str, p: &Path, e: std::io::Error) -> StoreError {
    StoreError::io(op, p, e)
}

fn remove_if_exists(fs: &dyn FileSystem, p: &Path) -> Result<bool> {
    match fs.remove_file(p) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("remove", p, e)),
    }
}

/// The full scan.
pub(crate) fn recover(
    fs: &dyn FileSystem,
    layout: &Layout,
    db: &redb::Database,
    extensions: &[Arc<dyn IndexExtension>],
) -> Result<RecoveryReport> {
    let mut rep = RecoveryReport::default();

    // 1. Interrupted removals.
    let deleting: Vec<(String, u8, u32)> = {
        use redb::ReadableDatabase;
        let txn = db.begin_read()?;
        let t = txn.open_table(index::DELETING)?;
        let mut v = Vec::new();
        for item in t.iter()? {
            let (k, _) = item?;
            let (a, b, c) = k.value();
            v.push((a.to_string(), b, c));
        }
        v
    };
    let mut synced_dirs = BTreeSet::new();
    for (id, class, seq) in &deleting {
        if let Some(class) = EntryClass::from_code(*class) {
            let p = layout.entry_file(id, class, *seq);
            remove_if_exists(fs, &p)?;
            synced_dirs.insert(layout.class_dir(id, class));
        }
        rep.deletes_finished += 1;
    }
    for d in &synced_dirs {
        if fs.exists(d).map_err(|e| io("stat", d, e))? {
            fs.sync_dir(d).map_err(|e| io("sync", d, e))?;
        }
    }

    // 2. Temp leftovers in the state directory.
    let seq_dir = seq::seq_dir(&layout.data);
    if fs.exists(&seq_dir).map_err(|e| io("stat", &seq_dir, e))? {
        let mut removed = false;
        for e in fs.read_dir(&seq_dir).map_err(|e| io("list", &seq_dir, e))? {
            if e.name.ends_with(".tmp") {
                removed |= remove_if_exists(fs, &seq_dir.join(&e.name))?;
                rep.temp_removed += 1;
            }
        }
        if removed {
            fs.sync_dir(&seq_dir).map_err(|e| io("sync", &seq_dir, e))?;
        }
    }

    // 3. Mailboxes and their files.
    let txn = db.begin_write()?;
    {
        let mut entries = txn.open_table(index::ENTRIES)?;
        let mut mailboxes = txn.open_table(index::MAILBOXES)?;
        txn.open_table(index::DELETING)?.retain(|_, _| false)?;
        let root = layout.mailboxes();
        let list = if fs.exists(&root).map_err(|e| io("stat", &root, e))? {
            fs.read_dir(&root).map_err(|e| io("list", &root, e))?
        } else {
            Vec::new()
        };
        for mdir in list.iter().filter(|e| e.is_dir) {
            let id = mdir.name.as_str();
            rep.mailboxes += 1;
            let mpath = layout.mailbox(id);
            let toml = layout.mailbox_toml(id);
            if remove_if_exists(fs, &super::fs::tmp_path(&toml))? {
                rep.temp_removed += 1;
                fs.sync_dir(&mpath).map_err(|e| io("sync", &mpath, e))?;
            }
            if mailboxes.get(id)?.is_none() {
                match read_mailbox_toml(fs, &toml) {
                    Ok(row) => {
                        mailboxes.insert(id, index::encode_value(&row)?.as_slice())?;
                        rep.mailboxes_indexed += 1;
                    }
                    // A mailbox whose creation a crash interrupted holds no messages yet (its
                    // description is written before any delivery); it is completed on first use.
                    Err(e) => {
                        tracing::warn!(mailbox = id, error = %e, "store: mailbox without description")
                    }
                }
            }
            let mut hwm = seq::read_hwm(fs, &layout.data, id)?;
            let mut raise = false;
            for class in EntryClass::ALL {
                let cdir = layout.class_dir(id, class);
                if !fs.exists(&cdir).map_err(|e| io("stat", &cdir, e))? {
                    continue;
                }
                let mut on_disk = BTreeMap::new();
                let mut removed = false;
                for e in fs.read_dir(&cdir).map_err(|e| io("list", &cdir, e))? {
                    if e.name.ends_with(".tmp") {
                        removed |= remove_if_exists(fs, &cdir.join(&e.name))?;
                        rep.temp_removed += 1;
                    } else if let Some(seq) = parse_entry_name(&e.name) {
                        on_disk.insert(seq, ());
                    }
                }
                if removed {
                    fs.sync_dir(&cdir).map_err(|e| io("sync", &cdir, e))?;
                }
                rep.files += on_disk.len() as u64;
                let indexed: BTreeSet<u32> = index::entries_of(&entries, id, class)?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                for s in indexed.iter().filter(|s| !on_disk.contains_key(s)) {
                    rep.missing += 1;
                    tracing::error!(
                        mailbox = id,
                        class = class.dir_name(),
                        seq = s,
                        "store: index row without message file"
                    );
                }
                for &seq in on_disk.keys() {
                    if seq > hwm.get(class) {
                        hwm.set(class, seq);
                        raise = true;
                    }
                    if indexed.contains(&seq) {
                        continue;
                    }
                    let path = layout.entry_file(id, class, seq);
                    let bytes = fs.read(&path).map_err(|e| io("read", &path, e))?;
                    match MessageFile::decode(&bytes) {
                        Ok(m) if m.seq == seq && m.class == class => {
                            let row = row_for(&m, &bytes, RetrievalStatus::New);
                            entries.insert(
                                index::entry_key(id, class, seq),
                                index::encode_value(&row)?.as_slice(),
                            )?;
                            let key = EntryKey {
                                mailbox_id: id.to_string(),
                                class,
                                seq,
                            };
                            for x in extensions {
                                x.insert(&txn, &key, &m, RetrievalStatus::New)?;
                            }
                            rep.indexed += 1;
                        }
                        Ok(_) => {
                            rep.corrupt += 1;
                            tracing::error!(path = %path.display(), "store: message file header does not match its name");
                        }
                        Err(e) => {
                            rep.corrupt += 1;
                            tracing::error!(path = %path.display(), error = %e, "store: damaged message file");
                        }
                    }
                }
            }
            if raise {
                seq::write_hwm(fs, &layout.data, id, hwm)?;
            }
        }
    }
    txn.commit()?;
    Ok(rep)
}

/// The index row describing a verified file.
pub(crate) fn row_for(m: &MessageFile, bytes: &[u8], status: RetrievalStatus) -> EntryRow {
    EntryRow {
        entry_type: m.entry_type.code(),
        status: status.code(),
        time_ms: m.time_ms,
        file_size: bytes.len() as u64,
        envelope_len: m.envelope.len() as u32,
        content_len: m.content.len() as u32,
        file_crc: format::stored_crc(bytes).unwrap_or_default(),
        children: m.children.clone(),
    }
}
