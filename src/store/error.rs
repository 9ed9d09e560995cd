//! Errors of the message store (DESIGN.md §4).

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;

use super::format::FormatError;

/// What went wrong in the store. I/O errors keep their kind (ENOSPC shows as "No space left on
/// device") and say which file they concern.
#[derive(Debug, Error, Clone)]
#[non_exhaustive]
pub enum StoreError {
    /// A file operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What the store was doing.
        op: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: Arc<io::Error>,
    },
    /// The redb index failed.
    #[error("index: {0}")]
    Index(#[source] Arc<redb::Error>),
    /// A message file is damaged.
    #[error("message file {path}: {source}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: FormatError,
    },
    /// An index value could not be decoded.
    #[error("index value: {0}")]
    Value(String),
    /// Another process (a running server or an offline tool) holds the store.
    #[error("the store at {0} is in use by another process (lock held on its lock file)")]
    Locked(PathBuf),
    /// The index was written by a newer version of mstore.
    #[error("index schema version {found} is newer than this program's {supported}")]
    SchemaTooNew {
        /// Version in the index.
        found: u32,
        /// Version this program writes.
        supported: u32,
    },
    /// The mailbox's sequence numbers are used up (X.413 caps them at 2^31−1).
    #[error("sequence numbers exhausted for mailbox {0}")]
    SequenceExhausted(String),
    /// No such entry.
    #[error("no entry {class} {seq} in mailbox {mailbox}")]
    NoSuchEntry {
        /// Mailbox id.
        mailbox: String,
        /// Entry class directory name.
        class: &'static str,
        /// Sequence number.
        seq: u32,
    },
    /// A state file (sequence high-water mark, mailbox description) is malformed.
    #[error("state file {path}: {msg}")]
    State {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        msg: String,
    },
    /// Two different O/R addresses hash to the same mailbox id (practically never).
    #[error("mailbox id {0} already belongs to another O/R address")]
    IdCollision(String),
    /// Input outside what the store accepts (e.g. an oversized envelope).
    #[error("{0}")]
    Invalid(String),
    /// The store was shut down after a fatal error in the delivery path.
    #[error("the store is not usable: {0}")]
    Unusable(String),
}

impl StoreError {
    /// Builds an [`StoreError::Io`].
    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        StoreError::Io {
            op,
            path: path.into(),
            source: Arc::new(source),
        }
    }

    /// True for an error of the redb index, after which its handle must be reopened (redb
    /// refuses further use of a handle that saw an I/O error).
    pub fn is_index(&self) -> bool {
        matches!(self, StoreError::Index(_))
    }

    /// The I/O error kind, if this is an I/O error (also through redb).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            StoreError::Io { source, .. } => Some(source.kind()),
            StoreError::Index(e) => match e.as_ref() {
                redb::Error::Io(io) => Some(io.kind()),
                _ => None,
            },
            _ => None,
        }
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Index(Arc::new(e.into()))
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
