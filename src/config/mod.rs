//! The configuration file `mstore.toml` (DESIGN.md §6): data directory, OSI listeners, limits,
//! timeouts, retention (ageing), the store's own identity, outbound MTA peers for P3
//! submission, the directory, and logging.
//!
//! Every default lives in this module (the `Default` impls below); the shipped
//! `config/mstore.toml` spells them out and a test keeps the two equal. Relative paths resolve
//! against the directory of the config file. A bad config is refused with a message naming
//! the file, the field and the problem: `mstore.toml: listeners[0].address: invalid socket
//! address `x` (line 7, column 11)`.

mod locate;
mod secret;
mod units;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

pub use secret::{MAX_SECRET_SIZE, Secret, SecretError};
pub use units::{format_duration, parse_duration, parse_size};

use crate::address::ORAddress;
use crate::logging::LogFormat;

/// Largest config file read (a config is a few KiB; this bounds a mistaken path).
pub const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// The loaded, validated configuration. Paths are resolved; secrets are read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The file this configuration was loaded from.
    pub file: PathBuf,
    /// Where mailboxes, index and state live (`data-dir`).
    pub data_dir: PathBuf,
    /// OSI listeners (`[[listeners]]`); at least one.
    pub listeners: Vec<Listener>,
    /// `[limits]`.
    pub limits: Limits,
    /// `[timeouts]`.
    pub timeouts: Timeouts,
    /// `[retention]`.
    pub retention: Retention,
    /// `[store]`: the store's own identity and responder credentials.
    pub store: StoreIdentity,
    /// `[[mta-peers]]`: MTAs the store binds to for P3 submission.
    pub mta_peers: Vec<MtaPeer>,
    /// `[submission]`: the MTA the store submits to as MTS user; `None`: no submission.
    pub submission: Option<Submission>,
    /// `[directory]`: who may bind.
    pub directory: DirectoryConfig,
    /// `[log]`.
    pub log: LogConfig,
}

/// One OSI listener: TCP address (RFC 1006), T-selector, protocols served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// TCP address to listen on.
    pub address: SocketAddr,
    /// Transport selector peers must call (ISO 8073 called TSAP-ID); empty = none required.
    pub t_selector: TSelector,
    /// Which application protocols this listener accepts.
    pub protocols: Vec<Protocol>,
}

/// A transport selector (ISO 8073 TSAP-ID): at most 32 octets. Written in the config as text
/// (`"3001"`, Isode's default for P7) or as hex with a `0x` prefix.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TSelector(Vec<u8>);

impl TSelector {
    /// Longest TSAP-ID accepted; ISO 8073 carries it in a one-octet-length parameter, and
    /// real products use a handful of octets.
    pub const MAX_LEN: usize = 32;

    /// The selector's octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A selector from octets; `None` when longer than [`TSelector::MAX_LEN`].
    pub fn from_bytes(b: &[u8]) -> Option<TSelector> {
        (b.len() <= Self::MAX_LEN).then(|| TSelector(b.to_vec()))
    }
}

impl FromStr for TSelector {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bytes = if let Some(hex) = s.strip_prefix("0x") {
            if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("invalid T-selector `{s}`: bad hex after 0x"));
            }
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| format!("invalid T-selector `{s}`: bad hex after 0x"))?
        } else {
            s.as_bytes().to_vec()
        };
        TSelector::from_bytes(&bytes).ok_or_else(|| {
            format!(
                "invalid T-selector `{s}`: longer than {} octets",
                TSelector::MAX_LEN
            )
        })
    }
}

impl fmt::Debug for TSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TSelector({self})")
    }
}

impl fmt::Display for TSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.iter().all(|b| b.is_ascii_graphic()) {
            f.write_str(&String::from_utf8_lossy(&self.0))
        } else {
            f.write_str("0x")?;
            self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
        }
    }
}

impl<'de> Deserialize<'de> for TSelector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An application protocol a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// P7 (X.419 ms-access): User Agents.
    P7,
    /// P3 (X.419 mts-forced-access): an MTA delivering into the store.
    P3,
}

/// Resource limits (`[limits]`). Defaults: [`Limits::default`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Limits {
    /// Concurrent associations over all listeners; more are refused at connect time.
    pub max_associations: u32,
    /// Concurrent associations bound to one mailbox.
    pub max_associations_per_user: u32,
    /// Whether a mailbox takes only one P7 bind at a time (the incumbent's `single_p7_bind`):
    /// a second MS-Bind while one is bound is refused. Default false: several concurrent binds
    /// (up to `max_associations_per_user`).
    pub single_p7_bind: bool,
    /// Largest reassembled TSDU (one presentation PDU) accepted, in bytes.
    #[serde(deserialize_with = "units::size")]
    pub max_tsdu_size: u64,
    /// TPDU size proposed in CR/CC (ISO 8073 class 0 over RFC 1006; real peers send larger
    /// DTs than they negotiate, so this is only a proposal).
    #[serde(deserialize_with = "units::size")]
    pub tpdu_size: u64,
    /// Largest message (envelope + content) delivered or submitted, in bytes.
    #[serde(deserialize_with = "units::size")]
    pub max_message_size: u64,
    /// Most entries one List or Summarize result carries; the client's limit is capped to it.
    pub max_list_entries: u32,
    /// Most entries one Fetch-by-selector or Delete-by-selector touches.
    pub max_fetch_entries: u32,
    /// Most items in one filter (and/or/not nodes included): bounds query planning.
    pub max_filter_items: u32,
    /// Auto-alert and other registrations kept per user.
    pub max_registrations: u32,
    /// ROSE operations outstanding at once on one association, in each direction; a peer
    /// invoking more is rejected with resource-limitation (X.880).
    pub max_outstanding_invokes: u32,
    /// Memory the index (redb) may use to cache its pages, in bytes: most of the server's
    /// resident memory once the index is larger. Default 1 GiB (redb's own default).
    #[serde(deserialize_with = "units::size")]
    pub index_cache: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_associations: 256,
            max_associations_per_user: 16,
            single_p7_bind: false,
            max_tsdu_size: 32 << 20,
            tpdu_size: 65531,
            max_message_size: 16 << 20,
            max_list_entries: 1000,
            max_fetch_entries: 100,
            max_filter_items: 256,
            max_registrations: 64,
            max_outstanding_invokes: 64,
            index_cache: 1 << 30,
        }
    }
}

/// Timeouts (`[timeouts]`). A zero duration disables that timeout.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Timeouts {
    /// A bound association with no PDU for this long is aborted; nothing is lost and the peer
    /// may bind again (AMHS terminals stay bound waiting for alerts, so this is long).
    #[serde(deserialize_with = "units::duration")]
    pub idle: Duration,
    /// From TCP connect to a completed bind.
    #[serde(deserialize_with = "units::duration")]
    pub bind: Duration,
    /// One operation, from its invoke to its result.
    #[serde(deserialize_with = "units::duration")]
    pub operation: Duration,
    /// On shutdown, how long in-flight operations may take before associations are aborted.
    #[serde(deserialize_with = "units::duration")]
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            idle: Duration::from_secs(3600),
            bind: Duration::from_secs(30),
            operation: Duration::from_secs(120),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// Ageing (`[retention]`): entries older than a rule's max age are deleted every `interval`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Retention {
    /// How often ageing runs; zero disables it.
    #[serde(deserialize_with = "units::duration")]
    pub interval: Duration,
    /// The rules; an entry matching none is kept forever.
    pub rules: Vec<RetentionRule>,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            interval: Duration::from_secs(3600),
            rules: Vec::new(),
        }
    }
}

/// Delete entries of `class` (and `status`, when given) older than `max-age` (by creation
/// time).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetentionRule {
    /// X.413 entry class the rule applies to.
    pub class: EntryClass,
    /// Retrieval status the rule applies to; absent = any status.
    #[serde(default)]
    pub status: Option<RetrievalStatus>,
    /// Age after which a matching entry is deleted.
    #[serde(deserialize_with = "units::duration")]
    pub max_age: Duration,
}

/// X.413 entry class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryClass {
    /// Delivered messages and reports.
    Delivery,
    /// Messages the user submitted through the store.
    Submission,
}

/// X.413 retrieval status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RetrievalStatus {
    /// Neither listed nor fetched.
    New,
    /// Listed, not fetched.
    Listed,
    /// Fetched.
    Processed,
}

/// The store's own identity (`[store]`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreIdentity {
    /// Name in logs and audit records, and the MTA name the store gives when it binds.
    pub name: String,
    /// The store's O/R address (responder-name in binds).
    pub or_address: ORAddress,
    /// The store's directory name, if it has one (audit `p7serverdn`).
    pub dn: Option<String>,
    /// Responder credentials returned in MS-Bind / MTS-Bind results (`password-file`);
    /// Isode clients compare them, so a store talking to them needs one.
    pub password: Option<Secret>,
}

/// An MTA the store binds to for P3 submission (`[[mta-peers]]`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MtaPeer {
    /// The MTA's name, as it gives it in its MTS-Bind result.
    pub name: String,
    /// `host:port` of its RFC 1006 listener.
    pub address: String,
    /// Its T-selector.
    pub t_selector: TSelector,
    /// The password the store presents to it (`password-file`).
    pub password: Secret,
}

/// The MTA the store submits to as MTS user over P3 mts-access (`[submission]`, issue 11).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Submission {
    /// `mta`: `host:port` of the MTA's RFC 1006 listener.
    pub mta: String,
    /// `mta-tsel`: the MTA's T-selector; empty: none.
    pub mta_tsel: TSelector,
    /// `mta-name`: the responder-name the MTA must give in its MTS-bind result; absent: any.
    pub mta_name: Option<String>,
    /// `context`: 88 (mts-access-88, 2.6.0.1.0) or 94 (mts-access-94, 2.6.0.1.7).
    pub context: u8,
    /// `password-file`: the store's password towards the MTA.
    pub password: Secret,
    /// `outbox`: keep a copy of each submitted message in the submitter's submission class.
    pub outbox: bool,
    /// `wait`: how long a submission waits for the MTA association before the UA gets
    /// remote-bind-error.
    pub wait: Duration,
    /// `answer-timeout`: how long a submission passed to the MTA waits for its answer on a
    /// live association before the UA gets remote-bind-error and the association is dropped
    /// and bound again.
    pub answer_timeout: Duration,
}

/// Default `[submission] wait`.
pub const DEFAULT_SUBMISSION_WAIT: Duration = Duration::from_secs(10);

/// Default `[submission] answer-timeout`: shorter than the operation timeout (2 min) a UA
/// would otherwise wait, long enough for an MTA that checks recipients in a directory.
pub const DEFAULT_SUBMISSION_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Which directory answers "who may bind" (`[directory]`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DirectoryConfig {
    /// `kind = "embedded"`: users and MTAs in a TOML file next to the config.
    Embedded {
        /// The directory file (`file`, resolved).
        file: PathBuf,
    },
    /// `kind = "ldap"`.
    Ldap(LdapConfig),
}

/// `[directory] kind = "ldap"` settings (used by the LDAP directory, DESIGN.md §6).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LdapConfig {
    /// `ldap://host:port` or `ldaps://…`.
    pub url: String,
    /// Base DN users are searched under.
    pub base: String,
    /// DN of the service account for lookups; absent = anonymous.
    pub bind_dn: Option<String>,
    /// Its password (`bind-password-file`).
    pub bind_password: Option<Secret>,
    /// Attribute holding users' O/R addresses.
    pub or_address_attribute: String,
    /// Base DN of MTA entries; absent = `base`.
    pub mta_base: Option<String>,
    /// Connect and operation timeout.
    pub timeout: Duration,
    /// The store's own entry (`store-dn`), read at start for the settings it carries
    /// (`mstoreSettings`, `schema/mstore.schema`); absent = none read.
    pub store_dn: Option<String>,
}

/// Logging (`[log]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogConfig {
    /// Human-readable lines or JSON objects, to stderr.
    pub format: LogFormat,
    /// Default filter (`RUST_LOG` syntax) when `RUST_LOG` is not set.
    pub level: String,
    /// File audit records are appended to; absent = audit records go with the other logs.
    pub audit_file: Option<PathBuf>,
}

/// Why a configuration was refused. Display names the file, the field and the problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file itself could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        /// The config file.
        file: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax error outside any field.
    #[error("{}: {problem}", file.display())]
    Syntax {
        /// The config file.
        file: PathBuf,
        /// What is wrong and where.
        problem: String,
    },
    /// A field's value is wrong.
    #[error("{}: {field}: {problem}", file.display())]
    Field {
        /// The config file.
        file: PathBuf,
        /// Dotted path of the field, e.g. `listeners[0].address`.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// A secret file named by a field was refused.
    #[error("{}: {field}: secret file {}: {source}", file.display(), secret.display())]
    Secret {
        /// The config file.
        file: PathBuf,
        /// The field naming the secret file.
        field: String,
        /// The secret file.
        secret: PathBuf,
        /// Why it was refused.
        #[source]
        source: SecretError,
    },
}

impl ConfigError {
    /// The dotted field path this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ConfigError::Field { field, .. } | ConfigError::Secret { field, .. } => Some(field),
            _ => None,
        }
    }
}

// ---- the file's shape (serde) --------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default = "default_data_dir")]
    data_dir: PathBuf,
    #[serde(default = "default_listeners")]
    listeners: Vec<RawListener>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    timeouts: Timeouts,
    #[serde(default)]
    retention: Retention,
    store: RawStore,
    #[serde(default)]
    mta_peers: Vec<RawMtaPeer>,
    #[serde(default)]
    submission: Option<RawSubmission>,
    #[serde(default)]
    directory: RawDirectory,
    #[serde(default)]
    log: RawLog,
}

/// Default `data-dir`, relative to the config file's directory.
pub const DEFAULT_DATA_DIR: &str = "data";
/// Default listener address (Isode's P7 port).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3001";
/// Default listener T-selector (Isode's default for P7).
pub const DEFAULT_TSELECTOR: &str = "3001";
/// Default embedded directory file, relative to the config file's directory.
pub const DEFAULT_DIRECTORY_FILE: &str = "directory.toml";
/// Default LDAP attribute holding O/R addresses.
pub const DEFAULT_OR_ADDRESS_ATTRIBUTE: &str = "textEncodedORAddress";
/// Default LDAP timeout.
pub const DEFAULT_LDAP_TIMEOUT: Duration = Duration::from_secs(10);
/// Default log filter.
pub const DEFAULT_LOG_LEVEL: &str = "info";

fn default_data_dir() -> PathBuf {
    PathBuf::from(DEFAULT_DATA_DIR)
}

fn default_listeners() -> Vec<RawListener> {
    vec![RawListener::default()]
}

fn default_protocols() -> Vec<Protocol> {
    vec![Protocol::P7, Protocol::P3]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawListener {
    #[serde(deserialize_with = "socket_addr")]
    address: SocketAddr,
    #[serde(default)]
    t_selector: TSelector,
    #[serde(default = "default_protocols")]
    protocols: Vec<Protocol>,
}

impl Default for RawListener {
    fn default() -> Self {
        RawListener {
            address: SocketAddr::from(([127, 0, 0, 1], 3001)),
            t_selector: TSelector(DEFAULT_TSELECTOR.as_bytes().to_vec()),
            protocols: default_protocols(),
        }
    }
}

fn socket_addr<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "invalid socket address `{s}` (expected e.g. \"127.0.0.1:3001\" or \"[::1]:3001\")"
        ))
    })
}

fn or_address<'de, D: Deserializer<'de>>(d: D) -> Result<ORAddress, D::Error> {
    let s = String::deserialize(d)?;
    s.parse()
        .map_err(|e| serde::de::Error::custom(format!("invalid O/R address `{s}`: {e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStore {
    name: String,
    #[serde(deserialize_with = "or_address")]
    or_address: ORAddress,
    #[serde(default)]
    dn: Option<String>,
    #[serde(default)]
    password_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawMtaPeer {
    name: String,
    address: String,
    #[serde(default)]
    t_selector: TSelector,
    password_file: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSubmission {
    mta: String,
    #[serde(default)]
    mta_tsel: TSelector,
    #[serde(default)]
    mta_name: Option<String>,
    #[serde(default = "default_submission_context")]
    context: u8,
    password_file: PathBuf,
    #[serde(default = "default_true")]
    outbox: bool,
    #[serde(default, deserialize_with = "opt_duration")]
    wait: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    answer_timeout: Option<Duration>,
}

fn default_submission_context() -> u8 {
    88
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DirectoryKind {
    Embedded,
    Ldap,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDirectory {
    kind: DirectoryKind,
    file: Option<PathBuf>,
    url: Option<String>,
    base: Option<String>,
    bind_dn: Option<String>,
    bind_password_file: Option<PathBuf>,
    or_address_attribute: Option<String>,
    mta_base: Option<String>,
    #[serde(default, deserialize_with = "opt_duration")]
    timeout: Option<Duration>,
    store_dn: Option<String>,
}

impl Default for RawDirectory {
    fn default() -> Self {
        RawDirectory {
            kind: DirectoryKind::Embedded,
            file: None,
            url: None,
            base: None,
            bind_dn: None,
            bind_password_file: None,
            or_address_attribute: None,
            mta_base: None,
            timeout: None,
            store_dn: None,
        }
    }
}

fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    units::duration(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawLog {
    format: LogFormat,
    level: String,
    audit_file: Option<PathBuf>,
}

impl Default for RawLog {
    fn default() -> Self {
        RawLog {
            format: LogFormat::Human,
            level: DEFAULT_LOG_LEVEL.to_owned(),
            audit_file: None,
        }
    }
}

// ---- loading --------------------------------------------------------------------------------

impl Config {
    /// Read, parse and validate `path`, reading every secret file it names.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = read_bounded(path).map_err(|source| ConfigError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        Config::from_toml(&text, path)
    }

    /// Parse and validate `text` as if read from `path` (relative paths resolve against
    /// `path`'s directory; secret files are read).
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
        Resolver { file: path }.resolve(raw)
    }

    /// The directory relative paths in this config resolve against.
    pub fn base_dir(&self) -> &Path {
        base_dir(&self.file)
    }

    /// The embedded directory file, if this config uses the embedded directory.
    pub fn embedded_directory_file(&self) -> Option<&Path> {
        match &self.directory {
            DirectoryConfig::Embedded { file } => Some(file),
            DirectoryConfig::Ldap(_) => None,
        }
    }
}

fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut buf = String::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_SIZE + 1)
        .read_to_string(&mut buf)?;
    if buf.len() as u64 > MAX_CONFIG_SIZE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {MAX_CONFIG_SIZE} bytes"),
        ));
    }
    Ok(buf)
}

fn base_dir(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn toml_error(text: &str, file: &Path, e: &toml::de::Error) -> ConfigError {
    match describe_toml_error(text, e) {
        (Some(field), problem) => ConfigError::Field {
            file: file.to_path_buf(),
            field,
            problem,
        },
        (None, problem) => ConfigError::Syntax {
            file: file.to_path_buf(),
            problem,
        },
    }
}

/// A TOML error as (field path, problem with line and column), for messages that name the
/// field (`users[2].password-hash`); the field is `None` for errors outside any field.
pub(crate) fn describe_toml_error(text: &str, e: &toml::de::Error) -> (Option<String>, String) {
    // One line, whatever the parser says: operators grep logs and read exit messages.
    let problem = e.message().trim_end().replace('\n', "; ");
    let Some(span) = e.span() else {
        return (None, problem);
    };
    let (line, col) = locate::line_col(text, span.start);
    match locate::field_at(text, span.clone()) {
        Some(field) => (
            Some(field),
            format!("{problem} (line {line}, column {col})"),
        ),
        // An empty span at the start is the document root (e.g. a missing top-level key):
        // a position would only mislead.
        None if span.is_empty() && span.start == 0 => (None, problem),
        None => (None, format!("line {line}, column {col}: {problem}")),
    }
}

struct Resolver<'a> {
    file: &'a Path,
}

impl Resolver<'_> {
    fn path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base_dir(self.file).join(p)
        }
    }

    fn field(&self, field: impl Into<String>, problem: impl Into<String>) -> ConfigError {
        ConfigError::Field {
            file: self.file.to_path_buf(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn secret(&self, field: &str, p: &Path) -> Result<Secret, ConfigError> {
        let resolved = self.path(p);
        Secret::read_config_file(&resolved, field).map_err(|source| ConfigError::Secret {
            file: self.file.to_path_buf(),
            field: field.to_owned(),
            secret: resolved,
            source,
        })
    }

    fn non_empty(&self, field: &str, v: &str) -> Result<(), ConfigError> {
        if v.trim().is_empty() {
            Err(self.field(field, "must not be empty"))
        } else {
            Ok(())
        }
    }

    fn resolve(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        if raw.data_dir.as_os_str().is_empty() {
            return Err(self.field("data-dir", "must not be empty"));
        }
        if raw.listeners.is_empty() {
            return Err(self.field("listeners", "at least one listener is needed"));
        }
        let mut listeners = Vec::with_capacity(raw.listeners.len());
        for (i, l) in raw.listeners.into_iter().enumerate() {
            if l.protocols.is_empty() {
                return Err(self.field(
                    format!("listeners[{i}].protocols"),
                    "at least one of \"p7\", \"p3\" is needed",
                ));
            }
            if listeners.iter().any(|o: &Listener| o.address == l.address) {
                return Err(self.field(
                    format!("listeners[{i}].address"),
                    format!("{} is already used by another listener", l.address),
                ));
            }
            listeners.push(Listener {
                address: l.address,
                t_selector: l.t_selector,
                protocols: l.protocols,
            });
        }
        self.check_limits(&raw.limits)?;
        for (i, r) in raw.retention.rules.iter().enumerate() {
            if r.max_age.is_zero() {
                return Err(self.field(
                    format!("retention.rules[{i}].max-age"),
                    "must be more than 0 (remove the rule to keep entries forever)",
                ));
            }
        }

        self.non_empty("store.name", &raw.store.name)?;
        let store = StoreIdentity {
            name: raw.store.name,
            or_address: raw.store.or_address,
            dn: raw.store.dn,
            password: match &raw.store.password_file {
                Some(p) => Some(self.secret("store.password-file", p)?),
                None => None,
            },
        };

        let mut mta_peers = Vec::with_capacity(raw.mta_peers.len());
        for (i, p) in raw.mta_peers.into_iter().enumerate() {
            self.non_empty(&format!("mta-peers[{i}].name"), &p.name)?;
            if mta_peers.iter().any(|o: &MtaPeer| o.name == p.name) {
                return Err(self.field(
                    format!("mta-peers[{i}].name"),
                    format!("MTA `{}` is configured twice", p.name),
                ));
            }
            check_host_port(&p.address)
                .map_err(|m| self.field(format!("mta-peers[{i}].address"), m))?;
            let password =
                self.secret(&format!("mta-peers[{i}].password-file"), &p.password_file)?;
            mta_peers.push(MtaPeer {
                name: p.name,
                address: p.address,
                t_selector: p.t_selector,
                password,
            });
        }

        let submission = match raw.submission {
            Some(s) => Some(self.submission(s)?),
            None => None,
        };

        let directory = self.directory(raw.directory)?;

        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&raw.log.level) {
            return Err(self.field(
                "log.level",
                format!("invalid filter `{}`: {e}", raw.log.level),
            ));
        }
        let log = LogConfig {
            format: raw.log.format,
            level: raw.log.level,
            audit_file: raw.log.audit_file.as_deref().map(|p| self.path(p)),
        };

        Ok(Config {
            file: self.file.to_path_buf(),
            data_dir: self.path(&raw.data_dir),
            listeners,
            limits: raw.limits,
            timeouts: raw.timeouts,
            retention: raw.retention,
            store,
            mta_peers,
            submission,
            directory,
            log,
        })
    }

    fn submission(&self, s: RawSubmission) -> Result<Submission, ConfigError> {
        check_host_port(&s.mta).map_err(|m| self.field("submission.mta", m))?;
        if !matches!(s.context, 88 | 94) {
            return Err(self.field(
                "submission.context",
                format!("{} is neither 88 nor 94", s.context),
            ));
        }
        if let Some(n) = &s.mta_name {
            self.non_empty("submission.mta-name", n)?;
        }
        let wait = s.wait.unwrap_or(DEFAULT_SUBMISSION_WAIT);
        if wait.is_zero() {
            return Err(self.field("submission.wait", "must be more than 0"));
        }
        let answer_timeout = s
            .answer_timeout
            .unwrap_or(DEFAULT_SUBMISSION_ANSWER_TIMEOUT);
        if answer_timeout.is_zero() {
            return Err(self.field("submission.answer-timeout", "must be more than 0"));
        }
        Ok(Submission {
            mta: s.mta,
            mta_tsel: s.mta_tsel,
            mta_name: s.mta_name,
            context: s.context,
            password: self.secret("submission.password-file", &s.password_file)?,
            outbox: s.outbox,
            wait,
            answer_timeout,
        })
    }

    fn check_limits(&self, l: &Limits) -> Result<(), ConfigError> {
        let positive: [(&str, u64); 9] = [
            ("limits.max-associations", l.max_associations.into()),
            (
                "limits.max-associations-per-user",
                l.max_associations_per_user.into(),
            ),
            ("limits.max-tsdu-size", l.max_tsdu_size),
            ("limits.max-message-size", l.max_message_size),
            ("limits.max-list-entries", l.max_list_entries.into()),
            ("limits.max-fetch-entries", l.max_fetch_entries.into()),
            ("limits.max-filter-items", l.max_filter_items.into()),
            ("limits.max-registrations", l.max_registrations.into()),
            (
                "limits.max-outstanding-invokes",
                l.max_outstanding_invokes.into(),
            ),
        ];
        for (field, v) in positive {
            if v == 0 {
                return Err(self.field(field, "must be more than 0"));
            }
        }
        // RFC 1006: a TPKT carries at most 65531 octets of TPDU; ISO 8073's smallest size is 128.
        if !(128..=65531).contains(&l.tpdu_size) {
            return Err(self.field(
                "limits.tpdu-size",
                format!(
                    "{} is outside 128..=65531 (RFC 1006 TPKT limit)",
                    l.tpdu_size
                ),
            ));
        }
        if l.max_tsdu_size < l.max_message_size {
            return Err(self.field(
                "limits.max-tsdu-size",
                format!(
                    "{} is smaller than limits.max-message-size ({}): such messages could never arrive",
                    l.max_tsdu_size, l.max_message_size
                ),
            ));
        }
        Ok(())
    }

    fn directory(&self, d: RawDirectory) -> Result<DirectoryConfig, ConfigError> {
        match d.kind {
            DirectoryKind::Embedded => {
                let ldap_only = [
                    ("url", d.url.is_some()),
                    ("base", d.base.is_some()),
                    ("bind-dn", d.bind_dn.is_some()),
                    ("bind-password-file", d.bind_password_file.is_some()),
                    ("or-address-attribute", d.or_address_attribute.is_some()),
                    ("mta-base", d.mta_base.is_some()),
                    ("timeout", d.timeout.is_some()),
                    ("store-dn", d.store_dn.is_some()),
                ];
                if let Some((k, _)) = ldap_only.iter().find(|(_, set)| *set) {
                    return Err(
                        self.field(format!("directory.{k}"), "only used with kind = \"ldap\"")
                    );
                }
                let file = d
                    .file
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DIRECTORY_FILE));
                if file.as_os_str().is_empty() {
                    return Err(self.field("directory.file", "must not be empty"));
                }
                Ok(DirectoryConfig::Embedded {
                    file: self.path(&file),
                })
            }
            DirectoryKind::Ldap => {
                if d.file.is_some() {
                    return Err(self.field("directory.file", "only used with kind = \"embedded\""));
                }
                let url = d.url.ok_or_else(|| {
                    self.field("directory.url", "missing (needed with kind = \"ldap\")")
                })?;
                if !(url.starts_with("ldap://")
                    || url.starts_with("ldaps://")
                    || url.starts_with("ldapi://"))
                {
                    return Err(self.field(
                        "directory.url",
                        format!("invalid LDAP URL `{url}`: expected ldap://, ldaps:// or ldapi://"),
                    ));
                }
                let base = d.base.ok_or_else(|| {
                    self.field("directory.base", "missing (needed with kind = \"ldap\")")
                })?;
                let bind_password = match &d.bind_password_file {
                    Some(p) => Some(self.secret("directory.bind-password-file", p)?),
                    None => None,
                };
                if d.bind_dn.is_some() != bind_password.is_some() {
                    return Err(self.field(
                        if d.bind_dn.is_some() {
                            "directory.bind-password-file"
                        } else {
                            "directory.bind-dn"
                        },
                        "bind-dn and bind-password-file go together",
                    ));
                }
                Ok(DirectoryConfig::Ldap(LdapConfig {
                    url,
                    base,
                    bind_dn: d.bind_dn,
                    bind_password,
                    or_address_attribute: d
                        .or_address_attribute
                        .unwrap_or_else(|| DEFAULT_OR_ADDRESS_ATTRIBUTE.to_owned()),
                    mta_base: d.mta_base,
                    timeout: d.timeout.unwrap_or(DEFAULT_LDAP_TIMEOUT),
                    store_dn: d.store_dn,
                }))
            }
        }
    }
}

/// `host:port` with a numeric port; host names are allowed (resolved when connecting).
fn check_host_port(s: &str) -> Result<(), String> {
    if s.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let bad = || format!("invalid address `{s}` (expected host:port, e.g. \"mta.example:102\")");
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty()
        || host.contains(':')
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err(bad());
    }
    port.parse::<u16>().map_err(|_| bad())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port() {
        assert!(check_host_port("127.0.0.1:102").is_ok());
        assert!(check_host_port("[::1]:102").is_ok());
        assert!(check_host_port("mta.example:102").is_ok());
        assert!(check_host_port("mta.example").is_err());
        assert!(check_host_port(":102").is_err());
        assert!(check_host_port("mta:99999").is_err());
    }

    #[test]
    fn tselector_text_and_hex() {
        assert_eq!("3001".parse::<TSelector>().unwrap().as_bytes(), b"3001");
        assert_eq!("0x0102".parse::<TSelector>().unwrap().as_bytes(), &[1, 2]);
        assert_eq!("0x0102".parse::<TSelector>().unwrap().to_string(), "0x0102");
        assert!("0x012".parse::<TSelector>().is_err());
        assert!("x".repeat(33).parse::<TSelector>().is_err());
    }
}

#[cfg(test)]
mod prop_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn from_toml_never_panics(text in "\\PC{0,300}") {
            let _ = Config::from_toml(&text, Path::new("/nonexistent/mstore.toml"));
        }

        #[test]
        fn near_miss_configs_give_one_line_errors(
            body in "(\\[(limits|timeouts|store|directory|log|\\[listeners\\])\\]\n(([a-z-]{1,12}) = (\"[ -~]{0,16}\"|-?[0-9]{1,6}|\\[\\]|true)\n){0,4}){0,4}"
        ) {
            if let Err(e) = Config::from_toml(&body, Path::new("/nonexistent/mstore.toml")) {
                let msg = e.to_string();
                prop_assert!(!msg.contains('\n'), "{}", msg);
                prop_assert!(msg.starts_with("/nonexistent/mstore.toml: "), "{}", msg);
            }
        }
    }
}
