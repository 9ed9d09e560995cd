//! Sequence numbers (X.413 §12.2.3: 1 ..= 2^31−1, ascending per mailbox and entry class, never
//! reused). The high-water mark lives outside redb, in `<data>/state/seq/<mailbox-id>`, so it
//! survives `rebuild` and the deletion of the newest entries. Numbers are reserved in blocks:
//! the file is rewritten (durably) once per block, not once per message; after a crash the
//! rest of the last block is skipped, which is allowed (numbers ascend, gaps are fine).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError};
use super::format::{EntryClass, MAX_SEQ};
use super::fs::{FileSystem, write_atomic};

/// Numbers reserved per durable write of the high-water mark.
pub const DEFAULT_BLOCK: u32 = 256;

/// The contents of a high-water-mark file: the highest number used or reserved, per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighWater {
    /// Inbox (delivery class).
    pub inbox: u32,
    /// Outbox (submission class).
    pub outbox: u32,
}

impl HighWater {
    /// The mark for one class.
    pub fn get(&self, class: EntryClass) -> u32 {
        match class {
            EntryClass::Inbox => self.inbox,
            EntryClass::Outbox => self.outbox,
        }
    }

    /// Sets the mark for one class.
    pub fn set(&mut self, class: EntryClass, v: u32) {
        match class {
            EntryClass::Inbox => self.inbox = v,
            EntryClass::Outbox => self.outbox = v,
        }
    }
}

/// `<data>/state/seq`.
pub fn seq_dir(data: &Path) -> PathBuf {
    data.join("state").join("seq")
}

/// `<data>/state/seq/<mailbox-id>`.
pub fn hwm_path(data: &Path, mailbox_id: &str) -> PathBuf {
    seq_dir(data).join(mailbox_id)
}

/// `<data>/state/seq-floor`: where new mailboxes start (raised by `mstorectl increment`).
pub fn floor_path(data: &Path) -> PathBuf {
    data.join("state").join("seq-floor")
}

fn not_found(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound
}

/// Reads the store-wide floor (0 when absent).
pub fn read_floor(fs: &dyn FileSystem, data: &Path) -> Result<u32> {
    let path = floor_path(data);
    match fs.read(&path) {
        Ok(b) => String::from_utf8_lossy(&b)
            .trim()
            .parse::<u32>()
            .map_err(|e| StoreError::State {
                path,
                msg: e.to_string(),
            }),
        Err(e) if not_found(&e) => Ok(0),
        Err(e) => Err(StoreError::io("read", path, e)),
    }
}

/// Writes the store-wide floor durably.
pub fn write_floor(fs: &dyn FileSystem, data: &Path, v: u32) -> Result<()> {
    let path = floor_path(data);
    write_atomic(fs, &path, format!("{v}\n").as_bytes())
        .map_err(|e| StoreError::io("write", path, e))
}

/// Reads a mailbox's high-water marks; a missing file means the mailbox starts at the floor.
pub fn read_hwm(fs: &dyn FileSystem, data: &Path, mailbox_id: &str) -> Result<HighWater> {
    let path = hwm_path(data, mailbox_id);
    match fs.read(&path) {
        Ok(b) => {
            let text = String::from_utf8(b).map_err(|e| StoreError::State {
                path: path.clone(),
                msg: e.to_string(),
            })?;
            toml::from_str(&text).map_err(|e| StoreError::State {
                path,
                msg: e.to_string(),
            })
        }
        Err(e) if not_found(&e) => {
            let f = read_floor(fs, data)?;
            Ok(HighWater {
                inbox: f,
                outbox: f,
            })
        }
        Err(e) => Err(StoreError::io("read", path, e)),
    }
}

/// Writes a mailbox's high-water marks durably (temp, fsync, rename, directory fsync).
pub fn write_hwm(fs: &dyn FileSystem, data: &Path, mailbox_id: &str, h: HighWater) -> Result<()> {
    let path = hwm_path(data, mailbox_id);
    let text = toml::to_string(&h).map_err(|e| StoreError::State {
        path: path.clone(),
        msg: e.to_string(),
    })?;
    write_atomic(fs, &path, text.as_bytes()).map_err(|e| StoreError::io("write", path, e))
}

/// In-memory allocator of one mailbox.
#[derive(Debug, Clone)]
pub(crate) struct SeqAlloc {
    /// Highest number handed out, per class.
    pub used: HighWater,
    /// Highest number durably reserved in the state file, per class.
    pub reserved: HighWater,
}

impl SeqAlloc {
    pub fn new(h: HighWater) -> Self {
        SeqAlloc {
            used: h,
            reserved: h,
        }
    }

    /// The next number for `class`, reserving (durably) a new block first when needed.
    pub fn next(
        &mut self,
        fs: &dyn FileSystem,
        data: &Path,
        mailbox_id: &str,
        class: EntryClass,
        block: u32,
    ) -> Result<u32> {
        let last = self.used.get(class);
        if last >= MAX_SEQ {
            return Err(StoreError::SequenceExhausted(mailbox_id.to_string()));
        }
        let n = last + 1;
        if n > self.reserved.get(class) {
            let mut r = self.reserved;
            r.set(class, last.saturating_add(block.max(1)).min(MAX_SEQ));
            write_hwm(fs, data, mailbox_id, r)?;
            self.reserved = r;
        }
        self.used.set(class, n);
        Ok(n)
    }
}
