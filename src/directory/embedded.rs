//! The embedded directory (DESIGN.md §6): users and MTA peers in a TOML file beside
//! `mstore.toml`, passwords as argon2id PHC strings.
//!
//! The file is re-read whenever its identity (size, mtime, inode, ctime) changes, so edits
//! and `mstorectl user add` reach a running server without a restart; a file that changed
//! into something unusable is logged and the previous entries stay in force. Every rewrite is
//! a locked read-modify-write followed by an atomic replace, so a kill at any moment leaves
//! the old or the new file.
//!
//! ```toml
//! [[users]]
//! or-address = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX"
//! dn = "cn=EGLLZPZX,o=AFTN"            # optional
//! password-hash = "$argon2id$v=19$m=19456,t=2,p=1$…"
//!
//! [[mtas]]
//! name = "mta"
//! password-hash = "$argon2id$…"
//! ```

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::atomic::{self, UpdateLock};
use super::password;
use super::{Directory, DirectoryError, Mta, User, dn_eq};
use crate::address::ORAddress;
use crate::config::describe_toml_error;

/// Largest directory file read (about 300 000 users); bounds a mistaken path.
pub const MAX_DIRECTORY_SIZE: u64 = 64 << 20;

/// Comment block written at the top of a directory file that has none.
const DEFAULT_HEADER: &str = "\
# mstore embedded directory: users (P7) and MTA peers (P3) allowed to bind.
# Managed with `mstorectl user add|list|remove` and `mstorectl mta add`; rewritten atomically.
# Passwords are argon2id hashes (PHC strings). Comment lines at the top of this file are kept.
";

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The user's O/R address.
    pub or_address: ORAddress,
    /// Optional directory name.
    pub dn: Option<String>,
    /// Optional mailbox id.
    pub mailbox: Option<String>,
    /// Keep submitted messages in the submission class (overrides `[submission] outbox`);
    /// `None`: the configuration decides.
    pub outbox: Option<bool>,
}

impl NewUser {
    /// A user with only an O/R address.
    pub fn new(or_address: ORAddress) -> NewUser {
        NewUser {
            or_address,
            dn: None,
            mailbox: None,
            outbox: None,
        }
    }
}

/// The embedded directory over one file. Cheap to share (`Arc`); all methods take `&self`.
#[derive(Debug)]
pub struct EmbeddedDirectory {
    file: PathBuf,
    cache: RwLock<Option<Loaded>>,
}

#[derive(Debug)]
struct Loaded {
    /// Identity of the file the entries came from.
    stamp: Stamp,
    /// Identity of a newer file that failed to parse (so the failure is logged once).
    failed: Option<Stamp>,
    /// The file vanished and that was logged.
    missing_logged: bool,
    entries: Arc<Entries>,
}

/// What tells one version of the file from another. Size and mtime alone miss a rewrite
/// within the mtime granularity; the inode changes on every rename-replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
    ctime: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (ino, ctime) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), (meta.ctime(), meta.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (ino, ctime) = (0, (0, 0));
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            ino,
            ctime,
        }
    }
}

#[derive(Debug, Default)]
struct Entries {
    /// Leading comment block, kept across rewrites.
    header: String,
    users: Vec<UserEntry>,
    mtas: Vec<MtaEntry>,
    by_canonical: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
struct UserEntry {
    user: User,
    hash: String,
}

#[derive(Debug, Clone)]
struct MtaEntry {
    name: String,
    hash: String,
}

// The file's shape.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileRows {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    users: Vec<UserRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mtas: Vec<MtaRow>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct UserRow {
    or_address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mailbox: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    store: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outbox: Option<bool>,
    password_hash: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct MtaRow {
    name: String,
    password_hash: String,
}

impl Entries {
    fn parse(text: &str, path: &Path) -> Result<Entries, DirectoryError> {
        let bad = |problem: String| DirectoryError::File {
            path: path.to_path_buf(),
            problem,
        };
        let rows: FileRows =
            toml::from_str(text).map_err(|e| match describe_toml_error(text, &e) {
                (Some(field), p) => bad(format!("{field}: {p}")),
                (None, p) => bad(p),
            })?;
        let mut entries = Entries {
            header: leading_comments(text),
            ..Entries::default()
        };
        for (i, row) in rows.users.into_iter().enumerate() {
            let or_address: ORAddress = row.or_address.parse().map_err(|e| {
                bad(format!(
                    "users[{i}].or-address: invalid O/R address `{}`: {e}",
                    row.or_address
                ))
            })?;
            if let Err(p) = password::check_hash(&row.password_hash) {
                return Err(bad(format!("users[{i}].password-hash: {p}")));
            }
            for (field, v) in [
                ("dn", &row.dn),
                ("mailbox", &row.mailbox),
                ("store", &row.store),
            ] {
                if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    return Err(bad(format!(
                        "users[{i}].{field}: must not be empty when present"
                    )));
                }
            }
            let user = User {
                or_address,
                dn: row.dn,
                mailbox: row.mailbox,
                store: row.store,
                outbox: row.outbox,
            };
            entries
                .push_user(UserEntry {
                    user,
                    hash: row.password_hash,
                })
                .map_err(|j| {
                    bad(format!(
                        "users[{i}].or-address: same O/R address as users[{j}]"
                    ))
                })?;
        }
        for (i, row) in rows.mtas.into_iter().enumerate() {
            if let Err(p) = check_mta_name(&row.name) {
                return Err(bad(format!("mtas[{i}].name: {p}")));
            }
            if let Some(j) = entries.mtas.iter().position(|m| m.name == row.name) {
                return Err(bad(format!(
                    "mtas[{i}].name: `{}` is also mtas[{j}]",
                    row.name
                )));
            }
            if let Err(p) = password::check_hash(&row.password_hash) {
                return Err(bad(format!("mtas[{i}].password-hash: {p}")));
            }
            entries.mtas.push(MtaEntry {
                name: row.name,
                hash: row.password_hash,
            });
        }
        Ok(entries)
    }

    /// Add a user; `Err(index)` of the entry with the same canonical address.
    fn push_user(&mut self, entry: UserEntry) -> Result<(), usize> {
        let key = entry.user.or_address.canonical();
        if let Some(&j) = self.by_canonical.get(&key) {
            return Err(j);
        }
        self.by_canonical.insert(key, self.users.len());
        self.users.push(entry);
        Ok(())
    }

    fn reindex(&mut self) {
        self.by_canonical = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.user.or_address.canonical(), i))
            .collect();
    }

    fn by_address(&self, a: &ORAddress) -> Option<&UserEntry> {
        self.by_canonical
            .get(&a.canonical())
            .and_then(|&i| self.users.get(i))
    }

    fn by_dn(&self, dn: &str) -> Option<&UserEntry> {
        self.users
            .iter()
            .find(|u| u.user.dn.as_deref().is_some_and(|d| dn_eq(d, dn)))
    }

    fn render(&self) -> Result<String, DirectoryError> {
        let rows = FileRows {
            users: self
                .users
                .iter()
                .map(|u| UserRow {
                    or_address: u.user.or_address.to_string(),
                    dn: u.user.dn.clone(),
                    mailbox: u.user.mailbox.clone(),
                    store: u.user.store.clone(),
                    outbox: u.user.outbox,
                    password_hash: u.hash.clone(),
                })
                .collect(),
            mtas: self
                .mtas
                .iter()
                .map(|m| MtaRow {
                    name: m.name.clone(),
                    password_hash: m.hash.clone(),
                })
                .collect(),
        };
        let body = toml::to_string(&rows)
            .map_err(|e| DirectoryError::Invalid(format!("cannot write directory: {e}")))?;
        let header = if self.header.trim().is_empty() {
            DEFAULT_HEADER
        } else {
            &self.header
        };
        Ok(format!("{}\n\n{body}", header.trim_end()))
    }
}

/// The comment block at the top of a file (comment and blank lines before the first other
/// line), so rewrites keep the operator's notes (e.g. the demo passwords).
fn leading_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') || t.is_empty() {
            out.push_str(line);
            out.push('\n');
        } else {
            break;
        }
    }
    out
}

/// Read the file: its text, identity and permission bits. `Ok(None)` when it does not exist.
fn read_file(path: &Path) -> Result<Option<(String, Stamp, Option<u32>)>, DirectoryError> {
    let io_err = |source| DirectoryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(e)),
    };
    // The identity of the inode actually read, not of whatever the path names a moment later.
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(DirectoryError::File {
            path: path.to_path_buf(),
            problem: "not a regular file".into(),
        });
    }
    let mut text = String::new();
    file.take(MAX_DIRECTORY_SIZE + 1)
        .read_to_string(&mut text)
        .map_err(io_err)?;
    if text.len() as u64 > MAX_DIRECTORY_SIZE {
        return Err(DirectoryError::File {
            path: path.to_path_buf(),
            problem: format!("larger than {MAX_DIRECTORY_SIZE} bytes"),
        });
    }
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            // Whoever can write this file can add themselves as a user.
            tracing::warn!(
                file = %path.display(),
                mode = format_args!("{mode:04o}"),
                "directory file is writable by group or others; consider chmod go-w"
            );
        }
        Some(mode)
    };
    #[cfg(not(unix))]
    let mode = None;
    Ok(Some((text, Stamp::of(&meta), mode)))
}

impl EmbeddedDirectory {
    /// Open the directory in `file`, which must exist and be valid.
    pub fn open(file: impl Into<PathBuf>) -> Result<EmbeddedDirectory, DirectoryError> {
        let dir = EmbeddedDirectory {
            file: file.into(),
            cache: RwLock::new(None),
        };
        dir.current()?;
        Ok(dir)
    }

    /// Open the directory in `file`, creating an empty one (atomically) if it does not exist.
    pub fn open_or_create(file: impl Into<PathBuf>) -> Result<EmbeddedDirectory, DirectoryError> {
        let file = file.into();
        if !file.exists() {
            let dir = EmbeddedDirectory {
                file,
                cache: RwLock::new(None),
            };
            dir.update(|_| Ok(()))?;
            return Ok(dir);
        }
        EmbeddedDirectory::open(file)
    }

    /// The directory file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The current entries, re-reading the file if it changed since the last call.
    fn current(&self) -> Result<Arc<Entries>, DirectoryError> {
        let now = std::fs::metadata(&self.file).map(|m| Stamp::of(&m));
        {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if let (Some(l), Ok(now)) = (cache.as_ref(), &now)
                && (l.stamp == *now || l.failed == Some(*now))
            {
                return Ok(l.entries.clone());
            }
        }
        let loaded = read_file(&self.file).and_then(|r| match r {
            Some((text, stamp, _)) => Ok((Entries::parse(&text, &self.file)?, stamp)),
            None => Err(DirectoryError::Io {
                path: self.file.clone(),
                source: io::Error::new(io::ErrorKind::NotFound, "file not found"),
            }),
        });
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        match (loaded, cache.as_mut()) {
            (Ok((entries, stamp)), _) => {
                let entries = Arc::new(entries);
                if cache.is_some() {
                    tracing::info!(
                        file = %self.file.display(),
                        users = entries.users.len(),
                        mtas = entries.mtas.len(),
                        "embedded directory reloaded"
                    );
                }
                *cache = Some(Loaded {
                    stamp,
                    failed: None,
                    missing_logged: false,
                    entries: entries.clone(),
                });
                Ok(entries)
            }
            (Err(e), Some(l)) => {
                // Keep serving the last good entries: a half-finished hand edit must not lock
                // every user out. Logged once per bad version of the file.
                match now {
                    Ok(now) if l.failed != Some(now) => {
                        tracing::error!(error = %e, "embedded directory changed but cannot be used; keeping the previous entries");
                        l.failed = Some(now);
                    }
                    Err(_) if !l.missing_logged => {
                        tracing::error!(error = %e, "embedded directory file vanished; keeping the previous entries");
                        l.missing_logged = true;
                    }
                    _ => {}
                }
                Ok(l.entries.clone())
            }
            (Err(e), None) => Err(e),
        }
    }

    /// Locked read-modify-write-replace of the file; `change` edits the freshly read entries.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut Entries) -> Result<T, DirectoryError>,
    ) -> Result<T, DirectoryError> {
        let io_err = |source| DirectoryError::Io {
            path: self.file.clone(),
            source,
        };
        let _lock = UpdateLock::acquire(&self.file).map_err(io_err)?;
        atomic::remove_stale_temps(&self.file);
        let (mut entries, mode) = match read_file(&self.file)? {
            Some((text, _, mode)) => (Entries::parse(&text, &self.file)?, mode),
            None => (Entries::default(), None),
        };
        let out = change(&mut entries)?;
        let text = entries.render()?;
        atomic::replace_file(&self.file, text.as_bytes(), mode).map_err(io_err)?;
        // Make the next read pick up what was written, even within one mtime tick.
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = None;
        self.current()?;
        Ok(out)
    }

    /// Add users, all with `password`, all or none: if any address is present already (or
    /// twice in `users`), nothing is written and [`DirectoryError::UserExists`] names it.
    pub fn add_users(&self, users: &[NewUser], password: &[u8]) -> Result<(), DirectoryError> {
        // Fail fast, before spending time on hashing.
        let existing = self.current_or_empty()?;
        let mut seen = std::collections::HashSet::new();
        for u in users {
            let key = u.or_address.canonical();
            if existing.by_canonical.contains_key(&key) || !seen.insert(key) {
                return Err(DirectoryError::UserExists(u.or_address.to_string()));
            }
        }
        // Hash outside the lock: it is the slow part, and one salt per user.
        let mut hashed = Vec::with_capacity(users.len());
        for u in users {
            let hash = password::hash_password(password)
                .map_err(|e| DirectoryError::Hash(e.to_string()))?;
            hashed.push(UserEntry {
                user: User {
                    or_address: u.or_address.clone(),
                    dn: u.dn.clone(),
                    mailbox: u.mailbox.clone(),
                    store: None,
                    outbox: u.outbox,
                },
                hash,
            });
        }
        self.update(|entries| {
            for e in hashed {
                let name = e.user.or_address.to_string();
                entries
                    .push_user(e)
                    .map_err(|_| DirectoryError::UserExists(name))?;
            }
            Ok(())
        })
    }

    /// Remove the user with this address (canonical match); returns it.
    pub fn remove_user(&self, address: &ORAddress) -> Result<User, DirectoryError> {
        self.update(|entries| {
            let key = address.canonical();
            let i = *entries
                .by_canonical
                .get(&key)
                .ok_or_else(|| DirectoryError::UnknownUser(address.to_string()))?;
            let removed = entries.users.remove(i);
            entries.reindex();
            Ok(removed.user)
        })
    }

    /// Add an MTA peer with `password`.
    pub fn add_mta(&self, name: &str, password: &[u8]) -> Result<(), DirectoryError> {
        check_mta_name(name).map_err(|p| DirectoryError::Invalid(format!("MTA name: {p}")))?;
        if self.current_or_empty()?.mtas.iter().any(|m| m.name == name) {
            return Err(DirectoryError::MtaExists(name.to_owned()));
        }
        let hash =
            password::hash_password(password).map_err(|e| DirectoryError::Hash(e.to_string()))?;
        self.update(|entries| {
            if entries.mtas.iter().any(|m| m.name == name) {
                return Err(DirectoryError::MtaExists(name.to_owned()));
            }
            entries.mtas.push(MtaEntry {
                name: name.to_owned(),
                hash,
            });
            Ok(())
        })
    }

    fn current_or_empty(&self) -> Result<Arc<Entries>, DirectoryError> {
        match self.current() {
            Err(DirectoryError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(Arc::new(Entries::default()))
            }
            other => other,
        }
    }
}

/// X.411 `MTAName ::= IA5String (SIZE (1..ub-mta-name))`, ub-mta-name = 32; printable
/// characters only, since the name is typed by operators and compared exactly.
pub const MAX_MTA_NAME: usize = 32;

fn check_mta_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_MTA_NAME {
        return Err(format!("`{name}` must be 1 to {MAX_MTA_NAME} characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "`{}` may hold printable ASCII without spaces only",
            name.escape_debug()
        ));
    }
    Ok(())
}

fn describe(address: Option<&ORAddress>, dn: Option<&str>) -> String {
    match (address, dn) {
        (Some(a), Some(d)) => format!("{a} ({d})"),
        (Some(a), None) => a.to_string(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => "(no name)".to_owned(),
    }
}

impl Directory for EmbeddedDirectory {
    fn kind(&self) -> &'static str {
        "embedded"
    }

    fn authenticate_user(
        &self,
        address: Option<&ORAddress>,
        dn: Option<&str>,
        password: &[u8],
    ) -> Result<User, DirectoryError> {
        let entries = self.current()?;
        let found = match (address, dn) {
            (Some(a), dn) => entries.by_address(a).filter(|e| {
                // With both names given, the DN must agree with the entry's, if it has one.
                match (dn, e.user.dn.as_deref()) {
                    (Some(given), Some(known)) => dn_eq(given, known),
                    _ => true,
                }
            }),
            (None, Some(d)) => entries.by_dn(d),
            (None, None) => None,
        };
        let Some(entry) = found else {
            password::burn_verification(password);
            return Err(DirectoryError::UnknownUser(describe(address, dn)));
        };
        if password::verify_password(&entry.hash, password) {
            Ok(entry.user.clone())
        } else {
            Err(DirectoryError::BadPassword(describe(address, dn)))
        }
    }

    fn find_user(&self, address: &ORAddress) -> Result<Option<User>, DirectoryError> {
        Ok(self.current()?.by_address(address).map(|e| e.user.clone()))
    }

    fn find_user_by_dn(&self, dn: &str) -> Result<Option<User>, DirectoryError> {
        Ok(self.current()?.by_dn(dn).map(|e| e.user.clone()))
    }

    fn list_users(&self) -> Result<Vec<User>, DirectoryError> {
        Ok(self
            .current()?
            .users
            .iter()
            .map(|e| e.user.clone())
            .collect())
    }

    fn authenticate_mta(&self, name: &str, password: &[u8]) -> Result<Mta, DirectoryError> {
        let entries = self.current()?;
        let Some(m) = entries.mtas.iter().find(|m| m.name == name) else {
            password::burn_verification(password);
            return Err(DirectoryError::UnknownMta(name.to_owned()));
        };
        if password::verify_password(&m.hash, password) {
            Ok(Mta {
                name: m.name.clone(),
            })
        } else {
            Err(DirectoryError::BadMtaPassword(name.to_owned()))
        }
    }

    fn list_mtas(&self) -> Result<Vec<Mta>, DirectoryError> {
        Ok(self
            .current()?
            .mtas
            .iter()
            .map(|m| Mta {
                name: m.name.clone(),
            })
            .collect())
    }

    fn change_user_password(&self, user: &User, new_password: &[u8]) -> Result<(), DirectoryError> {
        let hash = password::hash_password(new_password)
            .map_err(|e| DirectoryError::Hash(e.to_string()))?;
        self.update(|entries| {
            let key = user.or_address.canonical();
            let i = *entries
                .by_canonical
                .get(&key)
                .ok_or_else(|| DirectoryError::UnknownUser(user.or_address.to_string()))?;
            match entries.users.get_mut(i) {
                Some(e) => {
                    e.hash = hash;
                    Ok(())
                }
                None => Err(DirectoryError::UnknownUser(user.or_address.to_string())),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One real hash for every generated entry: hashing per case would make the test slow.
    fn hash() -> &'static str {
        static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        H.get_or_init(|| password::hash_password(b"pw").unwrap())
    }

    fn user_strategy()
    -> impl Strategy<Value = (String, Option<String>, Option<String>, Option<bool>)> {
        (
            "[A-Z]{4}[A-Z]{3}[A-Z]",
            proptest::option::of("cn=[a-z]{1,8},o=[a-z \"\\\\]{1,8}"),
            proptest::option::of("[a-z0-9-]{1,12}"),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(aftn, dn, mailbox, outbox)| {
                (
                    format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1={aftn}"),
                    dn,
                    mailbox,
                    outbox,
                )
            })
    }

    proptest! {
        #[test]
        fn render_then_parse_is_identity(
            users in proptest::collection::vec(user_strategy(), 0..8),
            mtas in proptest::collection::btree_set("[a-z][a-z0-9.-]{0,31}", 0..4),
            header in "(# [ -~]{0,40}\n){0,3}",
        ) {
            let mut e = Entries { header, ..Entries::default() };
            for (a, dn, mailbox, outbox) in &users {
                let user = User { or_address: a.parse().unwrap(), dn: dn.clone(), mailbox: mailbox.clone(), store: None, outbox: *outbox };
                let _ = e.push_user(UserEntry { user, hash: hash().to_owned() });
            }
            for m in &mtas {
                e.mtas.push(MtaEntry { name: m.clone(), hash: hash().to_owned() });
            }
            let text = e.render().unwrap();
            let back = Entries::parse(&text, Path::new("d.toml")).unwrap();
            let users_of = |x: &Entries| x.users.iter().map(|u| (u.user.clone(), u.hash.clone())).collect::<Vec<_>>();
            prop_assert_eq!(users_of(&back), users_of(&e));
            prop_assert_eq!(back.mtas.iter().map(|m| &m.name).collect::<Vec<_>>(), e.mtas.iter().map(|m| &m.name).collect::<Vec<_>>());
            // A second round trip changes nothing, header included.
            prop_assert_eq!(back.render().unwrap(), text);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,300}") {
            let _ = Entries::parse(&text, Path::new("d.toml"));
        }

        #[test]
        fn parse_never_panics_on_near_miss(
            body in "(\\[\\[(users|mtas)\\]\\]\n((or-address|name|password-hash|dn|x) = (\"[ -~]{0,20}\"|[0-9]{1,3}|\\[\\])\n){0,4}){0,3}"
        ) {
            let _ = Entries::parse(&body, Path::new("d.toml"));
        }
    }
}
