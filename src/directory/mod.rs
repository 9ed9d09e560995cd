//! Who may bind (DESIGN.md §6): users (X.413 MS-Bind initiator, by O/R address and/or
//! directory name) and MTA peers (X.411 MTS-Bind initiator, by MTA name), behind one
//! interface with an embedded (TOML file) and an LDAP implementation.
//!
//! The interface is synchronous: the server calls it from `spawn_blocking` (password hashing
//! and LDAP binds block). Use it as `Arc<dyn Directory>`, made by [`from_config`].

mod atomic;
mod embedded;
mod ldap;
pub mod password;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

pub use embedded::{EmbeddedDirectory, NewUser};
pub use ldap::LdapDirectory;

use crate::address::ORAddress;
use crate::config::{Config, DirectoryConfig};

/// A user of the store: a mailbox owner who binds with P7.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    /// The user's O/R address (the mailbox's name).
    pub or_address: ORAddress,
    /// The user's directory name, if the directory knows one.
    pub dn: Option<String>,
    /// Mailbox id to use, when the directory assigns one; `None`: the store derives it from
    /// the canonical O/R address.
    pub mailbox: Option<String>,
    /// The store holding the mailbox (its name or DN) when mailboxes are partitioned across
    /// stores (DESIGN.md §8); `None`: this store.
    pub store: Option<String>,
    /// Whether the user's submitted messages are kept in their submission class, overriding
    /// `[submission] outbox` (embedded: `outbox`; LDAP: `mstoreOutbox`); `None`: the
    /// configuration's.
    pub outbox: Option<bool>,
}

impl User {
    /// A user with only an O/R address.
    pub fn new(or_address: ORAddress) -> User {
        User {
            or_address,
            dn: None,
            mailbox: None,
            store: None,
            outbox: None,
        }
    }

    /// The user as a JSON-friendly record (`mstorectl user list --json`).
    pub fn to_record(&self) -> UserRecord {
        UserRecord {
            or_address: self.or_address.to_string(),
            canonical: self.or_address.canonical(),
            dn: self.dn.clone(),
            mailbox: self.mailbox.clone(),
            store: self.store.clone(),
            outbox: self.outbox,
        }
    }
}

/// A [`User`] in plain strings, for JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserRecord {
    /// O/R address as written in the directory.
    pub or_address: String,
    /// Canonical form (the matching key).
    pub canonical: String,
    /// Directory name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dn: Option<String>,
    /// Mailbox id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// Store holding the mailbox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Outbox choice overriding the configuration's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox: Option<bool>,
}

/// An MTA allowed to bind to the store with P3 (mts-forced-access) to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mta {
    /// The MTA name it gives as initiator-name (`mTA [0] IA5String`).
    pub name: String,
}

/// Why a directory request failed. Callers answer both [`DirectoryError::UnknownUser`] and
/// [`DirectoryError::BadPassword`] with the same authentication-error on the wire (telling
/// them apart would let a prober find addresses) but log which one it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    /// No user with that O/R address or DN.
    #[error("unknown user {0}")]
    UnknownUser(String),
    /// The user exists; the password is wrong.
    #[error("wrong password for user {0}")]
    BadPassword(String),
    /// No MTA with that name.
    #[error("unknown MTA `{0}`")]
    UnknownMta(String),
    /// The MTA exists; the password is wrong.
    #[error("wrong password for MTA `{0}`")]
    BadMtaPassword(String),
    /// Adding a user whose O/R address (canonical match) is already present.
    #[error("user {0} already exists")]
    UserExists(String),
    /// Adding an MTA whose name is already present.
    #[error("MTA `{0}` already exists")]
    MtaExists(String),
    /// A request carried a value the directory cannot hold (e.g. an empty MTA name).
    #[error("{0}")]
    Invalid(String),
    /// The directory file is malformed; `problem` names the entry and field.
    #[error("directory file {}: {problem}", path.display())]
    File {
        /// The directory file.
        path: PathBuf,
        /// What is wrong, e.g. `users[2].or-address: invalid O/R address …`.
        problem: String,
    },
    /// Reading or writing the directory file failed.
    #[error("directory file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The directory cannot be reached (LDAP down, …).
    #[error("directory unavailable: {0}")]
    Unavailable(String),
    /// Hashing a new password failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// This directory does not support the request (e.g. adding users to LDAP).
    #[error("not supported by this directory: {0}")]
    Unsupported(String),
}

impl DirectoryError {
    /// True for the errors a bind answers with authentication-error: unknown user or MTA,
    /// wrong password.
    pub fn is_authentication_failure(&self) -> bool {
        matches!(
            self,
            DirectoryError::UnknownUser(_)
                | DirectoryError::BadPassword(_)
                | DirectoryError::UnknownMta(_)
                | DirectoryError::BadMtaPassword(_)
        )
    }
}

/// Settings the store's own directory entry carries (LDAP: `[directory] store-dn`, the
/// `mstoreSettings` attributes of `schema/mstore.schema`); each overrides the configuration
/// file's setting of the same name. `None` fields: the entry does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreSettings {
    /// The entry read.
    pub dn: String,
    /// `mstoreSingleP7Bind` ([limits] single-p7-bind).
    pub single_p7_bind: Option<bool>,
    /// `mstoreMaxAssociationsPerUser` ([limits] max-associations-per-user), at least 1.
    pub max_associations_per_user: Option<u32>,
}

impl StoreSettings {
    /// `key=value` of each setting the entry gave, in configuration-file names, for a log
    /// line; empty when none.
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        if let Some(b) = self.single_p7_bind {
            v.push(format!("single-p7-bind={b}"));
        }
        if let Some(n) = self.max_associations_per_user {
            v.push(format!("max-associations-per-user={n}"));
        }
        v.join(" ")
    }
}

/// Who may bind. Implementations are cheap to call concurrently; every call may block.
pub trait Directory: Send + Sync + fmt::Debug {
    /// Short name of the backend for logs: `"embedded"`, `"ldap"`.
    fn kind(&self) -> &'static str;

    /// Check a user's simple credentials. The user is named by O/R address, by DN, or both
    /// (an MS-Bind initiator-name is an ORName); with both, the entry found by address must
    /// carry that DN. Errors: [`DirectoryError::UnknownUser`] / [`DirectoryError::BadPassword`].
    fn authenticate_user(
        &self,
        address: Option<&ORAddress>,
        dn: Option<&str>,
        password: &[u8],
    ) -> Result<User, DirectoryError>;

    /// The user with this O/R address (canonical match), if any.
    fn find_user(&self, address: &ORAddress) -> Result<Option<User>, DirectoryError>;

    /// The user with this directory name, if any.
    fn find_user_by_dn(&self, dn: &str) -> Result<Option<User>, DirectoryError>;

    /// Every user.
    fn list_users(&self) -> Result<Vec<User>, DirectoryError>;

    /// Check an MTA's simple credentials (MTS-Bind initiator-name and password).
    fn authenticate_mta(&self, name: &str, password: &[u8]) -> Result<Mta, DirectoryError>;

    /// Every MTA peer.
    fn list_mtas(&self) -> Result<Vec<Mta>, DirectoryError>;

    /// Replace a user's password (X.413 change-credentials). The caller has already checked
    /// the old credentials.
    fn change_user_password(&self, user: &User, new_password: &[u8]) -> Result<(), DirectoryError>;

    /// Replace a user's password given the old one too (X.413 change-credentials carries
    /// both). A directory that checks passwords itself (LDAP) acts as the user with the old
    /// one, so its own rules decide; the default ignores it (the caller has checked it) and
    /// calls [`Directory::change_user_password`]. Errors: [`DirectoryError::BadPassword`]
    /// for a wrong old password, [`DirectoryError::Unsupported`] when the directory does not
    /// let the user change it, [`DirectoryError::Invalid`] when it refuses the new one.
    fn change_credentials(
        &self,
        user: &User,
        old_password: &[u8],
        new_password: &[u8],
    ) -> Result<(), DirectoryError> {
        let _ = old_password;
        self.change_user_password(user, new_password)
    }

    /// The settings on the store's own entry, when the directory is configured to hold one
    /// (`Ok(None)`: it is not; the embedded directory never is). Read once, at start.
    fn store_settings(&self) -> Result<Option<StoreSettings>, DirectoryError> {
        Ok(None)
    }
}

/// The directory `config` selects.
pub fn from_config(config: &Config) -> Result<Arc<dyn Directory>, DirectoryError> {
    match &config.directory {
        DirectoryConfig::Embedded { file } => Ok(Arc::new(EmbeddedDirectory::open(file)?)),
        DirectoryConfig::Ldap(l) => Ok(Arc::new(LdapDirectory::new(l)?)),
    }
}

/// Compare two directory names loosely: case-insensitive, spaces around `,`, `=` and `+`
/// ignored (RFC 4514 allows both spellings).
pub fn dn_eq(a: &str, b: &str) -> bool {
    normalize_dn(a) == normalize_dn(b)
}

fn normalize_dn(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    for part in dn.split(',') {
        if !out.is_empty() {
            out.push(',');
        }
        let rdn: Vec<String> = part
            .split('+')
            .map(|ava| match ava.split_once('=') {
                Some((t, v)) => format!("{}={}", t.trim(), v.trim()),
                None => ava.trim().to_owned(),
            })
            .collect();
        out.push_str(&rdn.join("+"));
    }
    out.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dn_comparison() {
        assert!(dn_eq("CN=Alice, O=Example", "cn=alice,o=example"));
        assert!(!dn_eq("cn=alice,o=example", "cn=bob,o=example"));
    }
}
