//! The write-once message file (DESIGN.md §4): magic and format version, a header (sequence
//! number, X.413 entry class and entry type, child sequence numbers, delivery/submission time,
//! lengths), the envelope BER and the content BER exactly as received, and a CRC32 over all of
//! it. Every field is read through a bounds-checked reader: a damaged file is a typed error.
//!
//! Layout (all integers big-endian):
//! ```text
//! magic "MSTOREM1"[8]  format u16 = 1  header-len u16
//! header: seq u32  class u8  entry-type u8  time-ms i64  child-count u16  child-seq u32 * n
//!         envelope-len u32  content-len u32
//! envelope[envelope-len]  content[content-len]  crc32 u32 (over every byte before it)
//! ```

use thiserror::Error;

/// First bytes of every message file.
pub const MAGIC: &[u8; 8] = b"MSTOREM1";
/// The file format this code writes.
pub const FORMAT_VERSION: u16 = 1;
/// Largest envelope or content accepted (both come from a peer through P3/P7).
pub const MAX_PART: usize = 256 * 1024 * 1024;
/// Largest number of child entries recorded in one file.
pub const MAX_CHILDREN: usize = 4096;

/// X.413 §7.2.3 entry class: where the entry lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryClass {
    /// Delivered messages and reports (X.413 `delivery` class).
    Inbox,
    /// Submitted messages and probes (X.413 `submission` class).
    Outbox,
}

impl EntryClass {
    /// Both classes, in on-disk order.
    pub const ALL: [EntryClass; 2] = [EntryClass::Inbox, EntryClass::Outbox];

    /// Directory name under the mailbox.
    pub fn dir_name(self) -> &'static str {
        match self {
            EntryClass::Inbox => "inbox",
            EntryClass::Outbox => "outbox",
        }
    }

    /// The byte stored in files and index keys.
    pub fn code(self) -> u8 {
        match self {
            EntryClass::Inbox => 0,
            EntryClass::Outbox => 1,
        }
    }

    /// Inverse of [`EntryClass::code`].
    pub fn from_code(c: u8) -> Option<Self> {
        match c {
            0 => Some(EntryClass::Inbox),
            1 => Some(EntryClass::Outbox),
            _ => None,
        }
    }

    /// Inverse of [`EntryClass::dir_name`].
    pub fn from_dir_name(s: &str) -> Option<Self> {
        match s {
            "inbox" => Some(EntryClass::Inbox),
            "outbox" => Some(EntryClass::Outbox),
            _ => None,
        }
    }
}

/// X.413 §12.2.2 EntryType (the values are the standard's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryType {
    /// delivered-message (0)
    DeliveredMessage,
    /// delivered-report (1)
    DeliveredReport,
    /// returned-content (2)
    ReturnedContent,
    /// submitted-message (3)
    SubmittedMessage,
    /// submitted-probe (4)
    SubmittedProbe,
    /// draft-message (5)
    DraftMessage,
    /// auto-action-event (6)
    AutoActionEvent,
}

impl EntryType {
    /// The X.413 value.
    pub fn code(self) -> u8 {
        match self {
            EntryType::DeliveredMessage => 0,
            EntryType::DeliveredReport => 1,
            EntryType::ReturnedContent => 2,
            EntryType::SubmittedMessage => 3,
            EntryType::SubmittedProbe => 4,
            EntryType::DraftMessage => 5,
            EntryType::AutoActionEvent => 6,
        }
    }

    /// Inverse of [`EntryType::code`].
    pub fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => EntryType::DeliveredMessage,
            1 => EntryType::DeliveredReport,
            2 => EntryType::ReturnedContent,
            3 => EntryType::SubmittedMessage,
            4 => EntryType::SubmittedProbe,
            5 => EntryType::DraftMessage,
            6 => EntryType::AutoActionEvent,
            _ => return None,
        })
    }
}

/// Why a message file could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatError {
    /// The file is shorter than its header or lengths say.
    #[error("truncated message file")]
    Truncated,
    /// The file does not start with the message-file magic.
    #[error("not a message file (bad magic)")]
    BadMagic,
    /// A format version this code does not know.
    #[error("unknown message file format version {0}")]
    UnknownVersion(u16),
    /// The CRC32 over the file does not match the stored one.
    #[error("CRC mismatch: stored {stored:08x}, computed {computed:08x}")]
    Crc {
        /// CRC in the file.
        stored: u32,
        /// CRC of the bytes.
        computed: u32,
    },
    /// A header field holds a value outside its range.
    #[error("bad header field: {0}")]
    BadField(&'static str),
    /// Bytes follow the CRC.
    #[error("trailing bytes after the CRC")]
    Trailing,
    /// Envelope or content too large, or too many children.
    #[error("{0} too large")]
    TooLarge(&'static str),
}

/// A message file's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFile {
    /// Sequence number (1 ..= 2^31−1).
    pub seq: u32,
    /// Entry class.
    pub class: EntryClass,
    /// Entry type.
    pub entry_type: EntryType,
    /// Delivery time (inbox) or submission time (outbox), milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Sequence numbers of child entries (same mailbox and class).
    pub children: Vec<u32>,
    /// The envelope BER exactly as received.
    pub envelope: Vec<u8>,
    /// The content BER exactly as received.
    pub content: Vec<u8>,
}

/// Largest sequence number (X.413: 1 ..= 2^31−1).
pub const MAX_SEQ: u32 = i32::MAX as u32;

impl MessageFile {
    /// Serializes the file, CRC included.
    pub fn encode(&self) -> Result<Vec<u8>, FormatError> {
        if self.envelope.len() > MAX_PART {
            return Err(FormatError::TooLarge("envelope"));
        }
        if self.content.len() > MAX_PART {
            return Err(FormatError::TooLarge("content"));
        }
        if self.children.len() > MAX_CHILDREN {
            return Err(FormatError::TooLarge("child list"));
        }
        if self.seq == 0 || self.seq > MAX_SEQ {
            return Err(FormatError::BadField("sequence number"));
        }
        let header_len = 4 + 1 + 1 + 8 + 2 + 4 * self.children.len() + 4 + 4;
        let mut out =
            Vec::with_capacity(12 + header_len + self.envelope.len() + self.content.len() + 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        out.extend_from_slice(&(header_len as u16).to_be_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.push(self.class.code());
        out.push(self.entry_type.code());
        out.extend_from_slice(&self.time_ms.to_be_bytes());
        out.extend_from_slice(&(self.children.len() as u16).to_be_bytes());
        for c in &self.children {
            out.extend_from_slice(&c.to_be_bytes());
        }
        out.extend_from_slice(&(self.envelope.len() as u32).to_be_bytes());
        out.extend_from_slice(&(self.content.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.envelope);
        out.extend_from_slice(&self.content);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        Ok(out)
    }

    /// Parses and verifies a whole file.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        let body_len = bytes.len().checked_sub(4).ok_or(FormatError::Truncated)?;
        let (body, crc_bytes) = bytes.split_at(body_len);
        let mut r = Reader(body);
        if r.take(8)? != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = r.u16()?;
        if version != FORMAT_VERSION {
            return Err(FormatError::UnknownVersion(version));
        }
        let stored = u32::from_be_bytes(crc_bytes.try_into().map_err(|_| FormatError::Truncated)?);
        let computed = crc32fast::hash(body);
        if stored != computed {
            return Err(FormatError::Crc { stored, computed });
        }
        let header_len = usize::from(r.u16()?);
        let mut h = Reader(r.take(header_len)?);
        let seq = h.u32()?;
        if seq == 0 || seq > MAX_SEQ {
            return Err(FormatError::BadField("sequence number"));
        }
        let class = EntryClass::from_code(h.u8()?).ok_or(FormatError::BadField("entry class"))?;
        let entry_type =
            EntryType::from_code(h.u8()?).ok_or(FormatError::BadField("entry type"))?;
        let time_ms =
            i64::from_be_bytes(h.take(8)?.try_into().map_err(|_| FormatError::Truncated)?);
        let n = usize::from(h.u16()?);
        if n > MAX_CHILDREN {
            return Err(FormatError::TooLarge("child list"));
        }
        let mut children = Vec::with_capacity(n);
        for _ in 0..n {
            children.push(h.u32()?);
        }
        let env_len = h.u32()? as usize;
        let content_len = h.u32()? as usize;
        // Fields a later version appends to the header are skipped (header-len covers them).
        if env_len > MAX_PART {
            return Err(FormatError::TooLarge("envelope"));
        }
        if content_len > MAX_PART {
            return Err(FormatError::TooLarge("content"));
        }
        let envelope = r.take(env_len)?.to_vec();
        let content = r.take(content_len)?.to_vec();
        if !r.0.is_empty() {
            return Err(FormatError::Trailing);
        }
        Ok(MessageFile {
            seq,
            class,
            entry_type,
            time_ms,
            children,
            envelope,
            content,
        })
    }
}

/// CRC32 stored at the end of an encoded file (for the index row), if long enough.
pub fn stored_crc(bytes: &[u8]) -> Option<u32> {
    let tail = bytes.get(bytes.len().checked_sub(4)?..)?;
    Some(u32::from_be_bytes(tail.try_into().ok()?))
}

/// A cursor that never indexes past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if n > self.0.len() {
            return Err(FormatError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.take(1)?.first().copied().unwrap_or_default())
    }
    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_be_bytes(
            self.take(2)?
                .try_into()
                .map_err(|_| FormatError::Truncated)?,
        ))
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(
            self.take(4)?
                .try_into()
                .map_err(|_| FormatError::Truncated)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> MessageFile {
        MessageFile {
            seq: 7,
            class: EntryClass::Inbox,
            entry_type: EntryType::DeliveredMessage,
            time_ms: 1_764_300_000_123,
            children: vec![8, 9],
            envelope: vec![0x31, 0x00],
            content: vec![0x04, 0x01, 0x41],
        }
    }

    #[test]
    fn known_layout() {
        let b = sample().encode().unwrap();
        assert_eq!(&b[..8], MAGIC);
        assert_eq!(&b[8..10], &[0, 1]);
        // header: 4+1+1+8+2+8+4+4
        assert_eq!(&b[10..12], &[0, 32]);
        assert_eq!(&b[12..16], &[0, 0, 0, 7]);
        assert_eq!(b.len(), 12 + 32 + 2 + 3 + 4);
        assert_eq!(stored_crc(&b), Some(crc32fast::hash(&b[..b.len() - 4])));
    }

    #[test]
    fn every_flipped_byte_is_detected() {
        let b = sample().encode().unwrap();
        for i in 0..b.len() {
            let mut c = b.clone();
            c[i] ^= 0x40;
            assert!(MessageFile::decode(&c).is_err(), "byte {i}");
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        let b = sample().encode().unwrap();
        for n in 0..b.len() {
            assert!(MessageFile::decode(&b[..n]).is_err(), "len {n}");
        }
    }

    proptest! {
        #[test]
        fn roundtrip(seq in 1u32..=MAX_SEQ, out in any::<bool>(), t in 0u8..7, time in any::<i64>(),
                     children in proptest::collection::vec(any::<u32>(), 0..20),
                     envelope in proptest::collection::vec(any::<u8>(), 0..300),
                     content in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let m = MessageFile {
                seq,
                class: if out { EntryClass::Outbox } else { EntryClass::Inbox },
                entry_type: EntryType::from_code(t).unwrap(),
                time_ms: time, children, envelope, content,
            };
            let b = m.encode().unwrap();
            prop_assert_eq!(MessageFile::decode(&b).unwrap(), m);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = MessageFile::decode(&b);
            let mut with_magic = MAGIC.to_vec();
            with_magic.extend_from_slice(&b);
            let _ = MessageFile::decode(&with_magic);
        }
    }
}
