//! The attribute index (X.413 §12 attributes that lists and filters need; DESIGN.md §4, index
//! schema version 2): one row per entry with the attributes extracted at delivery time from
//! envelope and content, secondary keys for retrieval status, priority / precedence, creation
//! time and content-length, the child → parent map, and exact per-mailbox counters by class and
//! retrieval status for Summarize. Maintained in the same write transaction as the entry rows.

use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::error::Result;
use super::format::MessageFile;
use super::index::{self, RetrievalStatus};
use super::{EntryKey, IndexExtension};
use crate::content::{self, ContentKind, ContentTypeId};

/// Entry key → versioned [`EntryAttrs`].
pub const ATTRS: TableDefinition<(&str, u8, u32), &[u8]> = TableDefinition::new("attrs");
/// (mailbox, class, status, seq): secondary key on retrieval status.
pub const BY_STATUS: TableDefinition<(&str, u8, u8, u32), ()> = TableDefinition::new("by-status");
/// (mailbox, class, kind, value, seq): kind 0 = priority, 1 = primary-precedence.
pub const BY_PRIO: TableDefinition<(&str, u8, u8, i64, u32), ()> = TableDefinition::new("by-prio");
/// (mailbox, class, creation ms, seq).
pub const BY_TIME: TableDefinition<(&str, u8, i64, u32), ()> = TableDefinition::new("by-time");
/// (mailbox, class, content-length, seq).
pub const BY_LENGTH: TableDefinition<(&str, u8, u64, u32), ()> = TableDefinition::new("by-length");
/// (mailbox, class, kind, matching key, seq): kind 0 = originator-name, 1 = originator; the
/// key is the value case-folded as Filter equality compares it ([`match_key`]).
pub const BY_ORIG: TableDefinition<(&str, u8, u8, &str, u32), ()> =
    TableDefinition::new("by-originator");
/// (mailbox, class, child seq) → parent seq.
pub const PARENTS: TableDefinition<(&str, u8, u32), u32> = TableDefinition::new("parents");
/// (mailbox, class, status) → number of entries.
pub const COUNTERS: TableDefinition<(&str, u8, u8), u64> = TableDefinition::new("counters");

/// Meta key recording that the attribute tables are complete (schema version 2). A version-1
/// index lacks it; opening one fills the tables from the files (the 1 → 2 migration).
pub const META_ATTRS: &str = "attrs-version";

/// Meta key recording that [`BY_ORIG`] is complete. Added within schema version 2 (a derived
/// secondary key, no new values): an index without it gets the table filled from the `attrs`
/// rows at open ([`fill_originators`]).
pub const META_ORIG: &str = "originator-key-version";

/// Kind byte of [`BY_ORIG`] for originator-name.
pub const ORIG_NAME: u8 = 0;
/// Kind byte of [`BY_ORIG`] for originator.
pub const ORIG_HEADING: u8 = 1;

/// The key [`BY_ORIG`] files a value under: exactly the case folding Filter equality applies,
/// so a key lookup finds every entry an equality item can match.
pub fn match_key(s: &str) -> String {
    s.to_lowercase()
}

fn origs(a: &EntryAttrs) -> impl Iterator<Item = (u8, String)> + '_ {
    a.originator_name
        .iter()
        .map(|v| (ORIG_NAME, match_key(v)))
        .chain(a.originator.iter().map(|v| (ORIG_HEADING, match_key(v))))
}

/// Kind byte of [`BY_PRIO`] for priority.
pub const PRIO_PRIORITY: u8 = 0;
/// Kind byte of [`BY_PRIO`] for primary-precedence.
pub const PRIO_PRECEDENCE: u8 = 1;

/// The indexed attributes of one entry (value version 1 in table `attrs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryAttrs {
    /// Retrieval status code (X.413 entry-status).
    pub status: u8,
    /// X.413 entry-type code.
    pub entry_type: u8,
    /// creation-time: delivery or submission time, ms since the Unix epoch.
    pub creation_ms: i64,
    /// content-length.
    pub content_length: u64,
    /// priority (normal 0, non-urgent 1, urgent 2).
    pub priority: Option<u8>,
    /// P772 primary-precedence.
    pub precedence: Option<i64>,
    /// AMHS ATS priority indicator (SS, DD, FF, GG, KK).
    pub ats_priority: Option<String>,
    /// content-type: built-in number or dotted OID.
    pub content_type: Option<String>,
    /// originator-name (envelope).
    pub originator_name: Option<String>,
    /// originator (IPM heading).
    pub originator: Option<String>,
    /// this-recipient-name.
    pub this_recipient_name: Option<String>,
    /// Heading recipients (primary, copy, blind copy).
    pub recipients: Vec<String>,
    /// subject.
    pub subject: Option<String>,
    /// message-delivery-identifier.
    pub message_delivery_identifier: Option<String>,
    /// this-IPM.
    pub this_ipm: Option<String>,
    /// content-identifier.
    pub content_identifier: Option<String>,
    /// subject-submission-identifier.
    pub subject_submission_identifier: Option<String>,
    /// message-delivery-time (RFC 3339).
    pub message_delivery_time: Option<String>,
    /// message-submission-time (RFC 3339).
    pub message_submission_time: Option<String>,
    /// ipm-entry-type.
    pub ipm_entry_type: Option<i64>,
    /// child-sequence-numbers.
    pub children: Vec<u32>,
}

impl EntryAttrs {
    /// Retrieval status (an unknown code reads as new).
    pub fn retrieval_status(&self) -> RetrievalStatus {
        RetrievalStatus::from_code(self.status).unwrap_or(RetrievalStatus::New)
    }
}

/// Extracts the indexed attributes of a message file. Envelopes or contents that do not decode
/// still give the general attributes the file header holds.
pub fn attrs_of(file: &MessageFile, status: RetrievalStatus) -> EntryAttrs {
    let env = envelope_of(file);
    let (a, _) = content::extract(env.as_ref(), &file.content, ContentKind::Auto);
    from_message_attributes(file, &a, status)
}

fn tlv(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = (n as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let used = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | used.len() as u8);
        out.extend_from_slice(used);
    }
    out.extend_from_slice(body);
}

/// The delivery envelope of a stored entry. Files hold either the whole X.411
/// MessageDeliveryArgument or (as P3 hands it over) the argument without its content
/// (`SEQUENCE { identifier, time, fields }`); the latter gets the content put back as the
/// fourth component so the one decoder reads both.
fn envelope_of(file: &MessageFile) -> Option<content::DeliveryEnvelope> {
    // Submitted probes keep the probe and the MTA's result; the file's entry type says which.
    if file.class == super::EntryClass::Outbox
        && file.entry_type == super::EntryType::SubmittedProbe
    {
        return content::envelope::from_probe_record(&file.envelope)
            .ok()
            .map(|r| content::DeliveryEnvelope::from(&r));
    }
    // Submitted messages keep their submission envelope and the MTA's result (issue 11).
    if file.class == super::EntryClass::Outbox
        && let Ok(r) = content::envelope::from_submission_record(&file.envelope)
    {
        return Some(content::DeliveryEnvelope::from(&r));
    }
    if let Ok(e) = content::envelope::from_delivery_ber(&file.envelope) {
        return Some(e);
    }
    let (&tag, rest) = file.envelope.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&l0, rest) = rest.split_first()?;
    let inner: &[u8] = if l0 < 0x80 {
        rest.get(..usize::from(l0))?
    } else if l0 == 0x80 {
        // Indefinite length: the end-of-contents octets close it.
        rest.get(..rest.len().checked_sub(2)?)?
    } else {
        let n = usize::from(l0 & 0x7f);
        if n > 4 {
            return None;
        }
        let len = rest
            .get(..n)?
            .iter()
            .fold(0usize, |a, b| (a << 8) | usize::from(*b));
        rest.get(n..n.checked_add(len)?)?
    };
    let mut body = inner.to_vec();
    tlv(&mut body, 0x04, &file.content);
    let mut whole = Vec::with_capacity(body.len() + 8);
    tlv(&mut whole, 0x30, &body);
    content::envelope::from_delivery_ber(&whole).ok()
}

/// The text an entry contributes to text matching: subject, text body parts, names.
pub fn text_of(file: &MessageFile) -> String {
    let env = envelope_of(file);
    let (a, _) = content::extract(env.as_ref(), &file.content, ContentKind::Auto);
    let mut t = String::new();
    for s in [&a.subject, &a.originator, &a.originator_name]
        .into_iter()
        .flatten()
    {
        t.push_str(s);
        t.push('\n');
    }
    for r in a
        .primary_recipients
        .iter()
        .chain(&a.copy_recipients)
        .chain(&a.blind_copy_recipients)
    {
        t.push_str(&r.recipient);
        t.push('\n');
    }
    t.push_str(&a.text);
    t
}

fn from_message_attributes(
    file: &MessageFile,
    a: &content::MessageAttributes,
    status: RetrievalStatus,
) -> EntryAttrs {
    EntryAttrs {
        status: status.code(),
        entry_type: file.entry_type.code(),
        creation_ms: file.time_ms,
        content_length: file.content.len() as u64,
        priority: a.priority.map(|p| p as u8),
        precedence: a.primary_precedence,
        ats_priority: a.ats_priority_indicator.clone(),
        content_type: a.content_type.as_ref().map(|c| match c {
            ContentTypeId::BuiltIn(n) => n.to_string(),
            ContentTypeId::Extended(o) => o.clone(),
        }),
        originator_name: a.originator_name.clone(),
        originator: a.originator.clone(),
        this_recipient_name: a.this_recipient_name.clone(),
        recipients: a
            .primary_recipients
            .iter()
            .chain(&a.copy_recipients)
            .chain(&a.blind_copy_recipients)
            .map(|r| r.recipient.clone())
            .collect(),
        subject: a.subject.clone(),
        message_delivery_identifier: a.message_delivery_identifier.clone(),
        this_ipm: a.this_ipm.clone(),
        content_identifier: a.content_identifier.clone(),
        subject_submission_identifier: a.subject_submission_identifier.clone(),
        message_delivery_time: a.message_delivery_time.clone(),
        message_submission_time: a.message_submission_time.clone(),
        ipm_entry_type: a.ipm_entry_type,
        children: file.children.clone(),
    }
}

/// The attribute index as an [`IndexExtension`]; the store always installs it.
#[derive(Debug, Default)]
pub struct AttrIndex;

fn bump(txn: &redb::WriteTransaction, key: &EntryKey, status: u8, up: bool) -> Result<()> {
    let mut t = txn.open_table(COUNTERS)?;
    let k = (key.mailbox_id.as_str(), key.class.code(), status);
    let n = t.get(k)?.map_or(0, |v| v.value());
    let n = if up { n + 1 } else { n.saturating_sub(1) };
    if n == 0 {
        t.remove(k)?;
    } else {
        t.insert(k, n)?;
    }
    Ok(())
}

/// Writes the rows of `a` for `key` (no previous rows assumed).
pub(crate) fn put(txn: &redb::WriteTransaction, key: &EntryKey, a: &EntryAttrs) -> Result<()> {
    let (m, c, s) = (key.mailbox_id.as_str(), key.class.code(), key.seq);
    txn.open_table(ATTRS)?
        .insert((m, c, s), index::encode_value(a)?.as_slice())?;
    txn.open_table(BY_STATUS)?.insert((m, c, a.status, s), ())?;
    {
        let mut p = txn.open_table(BY_PRIO)?;
        if let Some(v) = a.priority {
            p.insert((m, c, PRIO_PRIORITY, i64::from(v), s), ())?;
        }
        if let Some(v) = a.precedence {
            p.insert((m, c, PRIO_PRECEDENCE, v, s), ())?;
        }
    }
    txn.open_table(BY_TIME)?
        .insert((m, c, a.creation_ms, s), ())?;
    {
        let mut t = txn.open_table(BY_ORIG)?;
        for (k, v) in origs(a) {
            t.insert((m, c, k, v.as_str(), s), ())?;
        }
    }
    txn.open_table(BY_LENGTH)?
        .insert((m, c, a.content_length, s), ())?;
    {
        let mut p = txn.open_table(PARENTS)?;
        for ch in &a.children {
            p.insert((m, c, *ch), s)?;
        }
    }
    bump(txn, key, a.status, true)
}

/// Removes the rows of `key`; returns what they held.
pub(crate) fn take(txn: &redb::WriteTransaction, key: &EntryKey) -> Result<Option<EntryAttrs>> {
    let (m, c, s) = (key.mailbox_id.as_str(), key.class.code(), key.seq);
    let old: Option<EntryAttrs> = txn
        .open_table(ATTRS)?
        .remove((m, c, s))?
        .map(|v| index::decode_value(v.value()))
        .transpose()?;
    let Some(a) = old else { return Ok(None) };
    txn.open_table(BY_STATUS)?.remove((m, c, a.status, s))?;
    {
        let mut p = txn.open_table(BY_PRIO)?;
        if let Some(v) = a.priority {
            p.remove((m, c, PRIO_PRIORITY, i64::from(v), s))?;
        }
        if let Some(v) = a.precedence {
            p.remove((m, c, PRIO_PRECEDENCE, v, s))?;
        }
    }
    txn.open_table(BY_TIME)?.remove((m, c, a.creation_ms, s))?;
    {
        let mut t = txn.open_table(BY_ORIG)?;
        for (k, v) in origs(&a) {
            t.remove((m, c, k, v.as_str(), s))?;
        }
    }
    txn.open_table(BY_LENGTH)?
        .remove((m, c, a.content_length, s))?;
    {
        let mut p = txn.open_table(PARENTS)?;
        for ch in &a.children {
            p.remove((m, c, *ch))?;
        }
    }
    bump(txn, key, a.status, false)?;
    Ok(Some(a))
}

impl IndexExtension for AttrIndex {
    fn init(&self, txn: &redb::WriteTransaction) -> Result<()> {
        txn.open_table(ATTRS)?;
        txn.open_table(BY_STATUS)?;
        txn.open_table(BY_PRIO)?;
        txn.open_table(BY_TIME)?;
        txn.open_table(BY_LENGTH)?;
        txn.open_table(BY_ORIG)?;
        txn.open_table(PARENTS)?;
        txn.open_table(COUNTERS)?;
        Ok(())
    }

    fn insert(
        &self,
        txn: &redb::WriteTransaction,
        key: &EntryKey,
        file: &MessageFile,
        status: RetrievalStatus,
    ) -> Result<()> {
        // Recovery may re-insert an entry whose rows survived: replace them.
        take(txn, key)?;
        put(txn, key, &attrs_of(file, status))
    }

    fn remove(&self, txn: &redb::WriteTransaction, key: &EntryKey) -> Result<()> {
        take(txn, key).map(|_| ())
    }

    fn status_changed(
        &self,
        txn: &redb::WriteTransaction,
        key: &EntryKey,
        status: RetrievalStatus,
    ) -> Result<()> {
        let Some(mut a) = take(txn, key)? else {
            return Ok(());
        };
        a.status = status.code();
        put(txn, key, &a)
    }
}

/// Reads the attribute row of one entry.
pub fn get(
    t: &impl ReadableTable<(&'static str, u8, u32), &'static [u8]>,
    key: &EntryKey,
) -> Result<Option<EntryAttrs>> {
    t.get((key.mailbox_id.as_str(), key.class.code(), key.seq))?
        .map(|v| index::decode_value(v.value()))
        .transpose()
}

/// Whether the attribute tables are complete.
pub fn is_complete(db: &redb::Database) -> Result<bool> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let meta = txn.open_table(index::META)?;
    Ok(meta.get(META_ATTRS)?.is_some())
}

/// Records that the attribute tables (the originator key included) are complete.
pub fn set_complete(txn: &redb::WriteTransaction) -> Result<()> {
    let mut meta = txn.open_table(index::META)?;
    meta.insert(META_ATTRS, 1u32.to_be_bytes().as_slice())?;
    meta.insert(META_ORIG, 1u32.to_be_bytes().as_slice())?;
    Ok(())
}

/// Whether [`BY_ORIG`] is complete.
pub fn originators_complete(db: &redb::Database) -> Result<bool> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let meta = txn.open_table(index::META)?;
    Ok(meta.get(META_ORIG)?.is_some())
}

/// Fills [`BY_ORIG`] from the `attrs` rows (an index written before the key existed) and
/// records it complete, in one transaction.
pub fn fill_originators(db: &redb::Database) -> Result<()> {
    let txn = db.begin_write()?;
    {
        let rows = txn.open_table(ATTRS)?;
        let mut t = txn.open_table(BY_ORIG)?;
        for item in rows.iter()? {
            let (k, v) = item?;
            let (m, c, s) = k.value();
            let a: EntryAttrs = index::decode_value(v.value())?;
            for (kind, v) in origs(&a) {
                t.insert((m, c, kind, v.as_str(), s), ())?;
            }
        }
        txn.open_table(index::META)?
            .insert(META_ORIG, 1u32.to_be_bytes().as_slice())?;
    }
    txn.commit()?;
    Ok(())
}
