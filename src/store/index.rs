//! The redb index, schema version 1 (DESIGN.md §4; `migrations/README.md` documents it): one
//! row per mailbox and per entry, the clean-shutdown marker, and pending file removals. Values
//! are a version byte followed by bincode 2 (serde, standard config), so a later schema can add
//! fields and still read version-1 rows.

use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError};
use super::format::{EntryClass, EntryType};

/// The index schema this code writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Store-wide values: `schema-version` (u32 BE), `clean` (1 byte: 1 after a clean shutdown).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Mailbox id → versioned [`MailboxRow`].
pub const MAILBOXES: TableDefinition<&str, &[u8]> = TableDefinition::new("mailboxes");
/// (mailbox id, class code, sequence number) → versioned [`EntryRow`].
pub const ENTRIES: TableDefinition<(&str, u8, u32), &[u8]> = TableDefinition::new("entries");
/// Entries whose rows are gone and whose files are being removed; recovery finishes the job.
pub const DELETING: TableDefinition<(&str, u8, u32), ()> = TableDefinition::new("deleting");

/// Meta key of the schema version.
pub const META_SCHEMA: &str = "schema-version";
/// Meta key of the clean-shutdown marker.
pub const META_CLEAN: &str = "clean";

/// X.413 §12.2.2 retrieval status (values are the standard's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetrievalStatus {
    /// new (0)
    New,
    /// listed (1)
    Listed,
    /// processed (2)
    Processed,
}

impl RetrievalStatus {
    /// All values in order.
    pub const ALL: [RetrievalStatus; 3] = [
        RetrievalStatus::New,
        RetrievalStatus::Listed,
        RetrievalStatus::Processed,
    ];

    /// The X.413 value.
    pub fn code(self) -> u8 {
        match self {
            RetrievalStatus::New => 0,
            RetrievalStatus::Listed => 1,
            RetrievalStatus::Processed => 2,
        }
    }

    /// Inverse of [`RetrievalStatus::code`].
    pub fn from_code(c: u8) -> Option<Self> {
        match c {
            0 => Some(RetrievalStatus::New),
            1 => Some(RetrievalStatus::Listed),
            2 => Some(RetrievalStatus::Processed),
            _ => None,
        }
    }

    /// The X.413 name.
    pub fn name(self) -> &'static str {
        match self {
            RetrievalStatus::New => "new",
            RetrievalStatus::Listed => "listed",
            RetrievalStatus::Processed => "processed",
        }
    }
}

/// Index row of one mailbox (value version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxRow {
    /// The owner's O/R address as given (display form).
    pub address: String,
    /// The matching key the mailbox id derives from.
    pub canonical: String,
    /// Creation time, seconds since the Unix epoch.
    pub created_unix: i64,
}

/// Index row of one entry (value version 1): what recovery, check, rebuild and stats need.
/// Richer attributes (issue 5) go into tables of their own via [`super::IndexExtension`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRow {
    /// X.413 entry type code.
    pub entry_type: u8,
    /// X.413 retrieval status code.
    pub status: u8,
    /// Delivery or submission time, ms since the Unix epoch.
    pub time_ms: i64,
    /// Size of the message file in bytes.
    pub file_size: u64,
    /// Envelope length.
    pub envelope_len: u32,
    /// Content length (X.413 content-length).
    pub content_len: u32,
    /// CRC32 stored at the end of the file.
    pub file_crc: u32,
    /// Child sequence numbers.
    pub children: Vec<u32>,
}

impl EntryRow {
    /// Retrieval status (an unknown code reads as new, the safe side for a user).
    pub fn retrieval_status(&self) -> RetrievalStatus {
        RetrievalStatus::from_code(self.status).unwrap_or(RetrievalStatus::New)
    }

    /// Entry type, if the code is known.
    pub fn entry_type(&self) -> Option<EntryType> {
        EntryType::from_code(self.entry_type)
    }
}

const VALUE_VERSION: u8 = 1;

/// Encodes a value: version byte + bincode.
pub fn encode_value<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut out = vec![VALUE_VERSION];
    let body = bincode::serde::encode_to_vec(v, bincode::config::standard())
        .map_err(|e| StoreError::Value(e.to_string()))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a value written by [`encode_value`].
pub fn decode_value<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T> {
    let Some((&version, body)) = bytes.split_first() else {
        return Err(StoreError::Value("empty value".into()));
    };
    if version != VALUE_VERSION {
        return Err(StoreError::Value(format!(
            "unknown value version {version}"
        )));
    }
    let (v, used) = bincode::serde::decode_from_slice(body, bincode::config::standard())
        .map_err(|e| StoreError::Value(e.to_string()))?;
    if used != body.len() {
        return Err(StoreError::Value("trailing bytes in value".into()));
    }
    Ok(v)
}

/// Creates the tables and records the schema version if the index is new; refuses a newer one.
pub fn init(db: &redb::Database) -> Result<()> {
    {
        // The usual case writes nothing, so opening for reads works on a full disk.
        use redb::ReadableDatabase;
        let txn = db.begin_read()?;
        if let Ok(meta) = txn.open_table(META)
            && let Some(v) = meta.get(META_SCHEMA)?
        {
            let found = schema_from_bytes(v.value());
            if found > SCHEMA_VERSION {
                return Err(StoreError::SchemaTooNew {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            return Ok(());
        }
    }
    let txn = db.begin_write()?;
    {
        let mut meta = txn.open_table(META)?;
        let found = meta.get(META_SCHEMA)?.map(|v| schema_from_bytes(v.value()));
        match found {
            None => {
                meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())?;
            }
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::SchemaTooNew {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            Some(_) => {}
        }
        txn.open_table(MAILBOXES)?;
        txn.open_table(ENTRIES)?;
        txn.open_table(DELETING)?;
    }
    txn.commit()?;
    Ok(())
}

fn schema_from_bytes(b: &[u8]) -> u32 {
    b.try_into().map(u32::from_be_bytes).unwrap_or(u32::MAX)
}

/// Reads the clean-shutdown marker.
pub fn is_clean(db: &redb::Database) -> Result<bool> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let meta = txn.open_table(META)?;
    Ok(meta.get(META_CLEAN)?.is_some_and(|v| v.value() == [1]))
}

/// Writes the clean-shutdown marker (durably).
pub fn set_clean(db: &redb::Database, clean: bool) -> Result<()> {
    let txn = db.begin_write()?;
    {
        let mut meta = txn.open_table(META)?;
        meta.insert(META_CLEAN, [u8::from(clean)].as_slice())?;
    }
    txn.commit()?;
    Ok(())
}

/// Key of an entry in [`ENTRIES`].
pub fn entry_key(mailbox_id: &str, class: EntryClass, seq: u32) -> (&str, u8, u32) {
    (mailbox_id, class.code(), seq)
}

/// Every entry row of one mailbox and class, in sequence order.
pub fn entries_of(
    table: &impl ReadableTable<(&'static str, u8, u32), &'static [u8]>,
    mailbox_id: &str,
    class: EntryClass,
) -> Result<Vec<(u32, EntryRow)>> {
    let mut out = Vec::new();
    let lo = (mailbox_id, class.code(), 0u32);
    let hi = (mailbox_id, class.code(), u32::MAX);
    for item in table.range(lo..=hi)? {
        let (k, v) = item?;
        out.push((k.value().2, decode_value(v.value())?));
    }
    Ok(out)
}
