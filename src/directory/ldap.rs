//! The LDAP directory (DESIGN.md §6): users found by O/R address in `textEncodedORAddress`
//! (RFC 1274) or an `mhsORAddresses`-style attribute (X.402 mhs-or-addresses, text form),
//! passwords checked by an LDAP simple bind as the user (RFC 4513 §5.1.3, never by reading
//! `userPassword`), password changes by the Password Modify extended operation (RFC 3062),
//! search filters built with RFC 4515 escaping.
//!
//! Expected entries (any structural class that allows the attributes will do):
//!
//! ```text
//! dn: cn=EGLLZPZX,ou=users,o=example            # anywhere under `base`
//! objectClass: pilotPerson                      # or inetOrgPerson + extensibleObject, …
//! cn: EGLLZPZX
//! sn: EGLLZPZX
//! textEncodedORAddress: C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX
//! userPassword: {SSHA}…
//!
//! dn: cn=mta,ou=mtas,o=example                  # anywhere under `mta-base`
//! objectClass: applicationProcess               # or applicationEntity
//! objectClass: simpleSecurityObject
//! cn: mta                                       # the MTA name of its MTS-Bind
//! userPassword: {SSHA}…
//! ```
//!
//! O/R address values may be in any text form `ORAddress` reads (semicolon or slash form,
//! any case and spacing) or BER (an attribute fetched with `;binary`). Lookups go through one
//! service connection (`bind-dn`, or anonymous), reopened when it breaks; every password
//! check opens its own connection, so a user's bind never changes the service identity.

use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::asn1::StructureTag;
use ldap3::exop::PasswordModify;
use ldap3::{LdapConn, LdapConnSettings, LdapError, LdapResult, ResultEntry, Scope, SearchOptions};

use super::{Directory, DirectoryError, Mta, StoreSettings, User, dn_eq, normalize_dn};
use crate::address::ORAddress;
use crate::config::{LdapConfig, Secret};

/// Most entries one O/R address lookup considers. The filter is narrow (every word of every
/// component), so more candidates than this means a directory full of near-duplicates.
const MAX_CANDIDATES: i32 = 200;

/// Page size for whole-directory listings (OpenLDAP's default size limit is 500 entries per
/// search; paging gets past it).
const PAGE_SIZE: i32 = 200;

// RFC 4511 Appendix A result codes the directory tells apart.
const RC_SUCCESS: u32 = 0;
const RC_PROTOCOL_ERROR: u32 = 2;
const RC_SIZE_LIMIT_EXCEEDED: u32 = 4;
const RC_UNAVAILABLE_CRITICAL_EXTENSION: u32 = 12;
const RC_CONSTRAINT_VIOLATION: u32 = 19;
const RC_NO_SUCH_OBJECT: u32 = 32;
const RC_INVALID_DN_SYNTAX: u32 = 34;
const RC_INAPPROPRIATE_AUTHENTICATION: u32 = 48;
const RC_INVALID_CREDENTIALS: u32 = 49;
const RC_INSUFFICIENT_ACCESS: u32 = 50;
const RC_UNWILLING_TO_PERFORM: u32 = 53;

/// Object classes an MTA entry may have (X.402 puts MTAs in applicationEntity entries;
/// applicationProcess is the simpler OpenLDAP-friendly choice).
const MTA_CLASSES: &str = "(|(objectClass=applicationProcess)(objectClass=applicationEntity))";

/// `schema/mstore.schema`: the store entry's settings.
const ATTR_SINGLE_P7_BIND: &str = "mstoreSingleP7Bind";
const ATTR_MAX_ASSOCIATIONS_PER_USER: &str = "mstoreMaxAssociationsPerUser";
/// `schema/mstore.schema`: a user entry's outbox choice (overrides `[submission] outbox`).
const ATTR_OUTBOX: &str = "mstoreOutbox";

/// A user entry found by address: DN, the address value that matched, `mstoreOutbox`.
type Found = (String, ORAddress, Option<bool>);

/// Users and MTAs in an LDAP directory. Cheap to share (`Arc`); all methods take `&self` and
/// block, each LDAP step (connect, bind, search, …) bounded by the configured timeout.
#[derive(Debug)]
pub struct LdapDirectory {
    url: String,
    base: String,
    bind_dn: Option<String>,
    /// Kept as a [`Secret`] so `Debug` (the directory is logged) never shows it.
    bind_password: Option<Secret>,
    attribute: String,
    mta_base: String,
    timeout: Duration,
    /// The store's own entry, read for [`StoreSettings`].
    store_dn: Option<String>,
    /// The service connection and what is known about the server's health.
    service: Mutex<Service>,
}

#[derive(Debug, Default)]
struct Service {
    /// The connection, `None` until first used and after it broke.
    conn: Option<LdapConn>,
    /// After a slow failure (a timeout), lookups fail at once until this instant with this
    /// reason, so callers queued behind the one that waited do not each wait in turn.
    down_until: Option<(Instant, String)>,
}

/// One search result entry, read without trusting its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    dn: String,
    /// Attribute description (as the server wrote it, options included) and values.
    attrs: Vec<(String, Vec<Vec<u8>>)>,
}

impl Entry {
    /// Values of attribute `name` (case-insensitive, any options such as `;binary`).
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        let want = name.split(';').next().unwrap_or(name);
        self.attrs
            .iter()
            .filter(move |(desc, _)| {
                desc.split(';')
                    .next()
                    .is_some_and(|t| t.eq_ignore_ascii_case(want))
            })
            .flat_map(|(_, vals)| vals.iter().map(Vec::as_slice))
    }

    /// The entry's `mstoreOutbox` (RFC 4517 §3.3.3 Boolean, "TRUE" / "FALSE"); absent or
    /// unreadable (logged): `None`, the configuration decides.
    fn outbox(&self) -> Option<bool> {
        let v = self.values(ATTR_OUTBOX).next()?;
        match std::str::from_utf8(v).map(str::trim) {
            Ok(t) if t.eq_ignore_ascii_case("TRUE") => Some(true),
            Ok(t) if t.eq_ignore_ascii_case("FALSE") => Some(false),
            _ => {
                tracing::warn!(dn = %self.dn, attribute = ATTR_OUTBOX, "not TRUE or FALSE; ignored");
                None
            }
        }
    }

    /// The O/R addresses the entry holds in `attribute`; values that do not parse are
    /// skipped (logged at debug: one bad value must not hide the entry's good ones).
    fn addresses(&self, attribute: &str) -> Vec<ORAddress> {
        self.values(attribute)
            .filter_map(|v| match parse_address_value(v) {
                Some(a) => Some(a),
                None => {
                    tracing::debug!(dn = %self.dn, attribute, "LDAP value is not an O/R address");
                    None
                }
            })
            .collect()
    }
}

/// An O/R address from an attribute value: a text form, or BER when the value is binary.
fn parse_address_value(v: &[u8]) -> Option<ORAddress> {
    match std::str::from_utf8(v) {
        Ok(s) => s.trim().parse().ok(),
        Err(_) => ORAddress::from_ber(v).ok(),
    }
}

/// Reads a SearchResultEntry (`[APPLICATION 4] SEQUENCE { objectName, attributes }`,
/// RFC 4511 §4.5.2) without panicking on a malformed one (ldap3's own reader panics);
/// `None` for references and anything malformed.
fn read_entry(re: ResultEntry) -> Option<Entry> {
    read_entry_tag(re.0)
}

fn read_entry_tag(tag: StructureTag) -> Option<Entry> {
    let mut parts = tag.match_id(4)?.expect_constructed()?.into_iter();
    let dn = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let mut attrs = Vec::new();
    for attr in parts.next()?.expect_constructed()? {
        let mut pa = attr.expect_constructed()?.into_iter();
        let desc = String::from_utf8(pa.next()?.expect_primitive()?).ok()?;
        let vals = pa
            .next()?
            .expect_constructed()?
            .into_iter()
            .map(StructureTag::expect_primitive)
            .collect::<Option<Vec<_>>>()?;
        attrs.push((desc, vals));
    }
    Some(Entry { dn, attrs })
}

/// RFC 4515 §3 escaping of an assertion value (`*`, `(`, `)`, `\` and NUL as `\XX`).
fn escape(value: &str) -> Cow<'_, str> {
    ldap3::ldap_escape(value)
}

/// The words (ASCII letter-and-digit runs) of one component value. Anything else, spaces,
/// punctuation and escapes included, may be written differently in the directory, so only
/// the words are asked for.
fn words(value: &str) -> Vec<&str> {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every string component of `a` whose spelling the directory shares with us (the raw
/// extension attributes are hex of BER in our text form, so they are left out).
fn component_values(a: &ORAddress) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    v.extend(a.country.as_ref().map(|c| c.as_str()));
    v.extend(a.admd.as_ref().map(|d| d.as_str()));
    v.extend(a.prmd.as_ref().map(|d| d.as_str()));
    v.extend(a.network_address.as_deref());
    v.extend(a.terminal_identifier.as_deref());
    v.extend(a.organization.as_deref());
    v.extend(a.numeric_user_identifier.as_deref());
    for pn in [&a.personal_name, &a.teletex_personal_name]
        .into_iter()
        .flatten()
    {
        v.push(&pn.surname);
        v.extend(pn.given_name.as_deref());
        v.extend(pn.initials.as_deref());
        v.extend(pn.generation_qualifier.as_deref());
    }
    v.extend(a.organizational_units.iter().map(String::as_str));
    v.extend(a.teletex_organizational_units.iter().map(String::as_str));
    for d in a.domain_defined.iter().chain(&a.teletex_domain_defined) {
        v.push(&d.attr_type);
        v.push(&d.value);
    }
    v.extend(a.common_name.as_deref());
    v.extend(a.teletex_common_name.as_deref());
    v.extend(a.teletex_organization.as_deref());
    v
}

/// The search filter for entries that may hold O/R address `a` in `attr`: the exact text,
/// or every component's words in order (`(attr=*EGLLZPZX*)`, …). Text in the directory may
/// differ from ours in case, spacing, component order and form (semicolon or slash), so the
/// filter only narrows; candidates are then compared canonically.
fn address_filter(attr: &str, a: &ORAddress) -> String {
    let attr = escape(attr);
    let mut subs: Vec<String> = Vec::new();
    for value in component_values(a) {
        let w = words(value);
        if w.is_empty() {
            continue;
        }
        let mut s = format!("({attr}=*");
        for word in w {
            s.push_str(&escape(word));
            s.push('*');
        }
        s.push(')');
        if !subs.contains(&s) {
            subs.push(s);
        }
    }
    let exact = format!("({attr}={})", escape(&a.to_string()));
    let narrow = match subs.len() {
        // No words at all: only the presence test is left; the size limit bounds it.
        0 => format!("({attr}=*)"),
        1 => subs.concat(),
        _ => format!("(&{})", subs.concat()),
    };
    // The equality branch keeps lookups working with an attribute that has no substring
    // matching rule.
    format!("(|{exact}{narrow})")
}

/// Refuses at start-up the URLs the client would only fail on later: `ldaps://` (no TLS
/// support is built in) and malformed host:port parts (ldap3 would panic on some).
fn check_url(url: &str) -> Result<(), DirectoryError> {
    let bad = |why: &str| DirectoryError::Invalid(format!("directory.url: `{url}`: {why}"));
    if url.starts_with("ldaps://") {
        return Err(DirectoryError::Unsupported(format!(
            "directory.url `{url}`: ldaps:// (TLS) is not built into this mstore; use ldap:// \
             on a trusted network or ldapi:// to a local server"
        )));
    }
    if url.starts_with("ldapi://") {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("ldap://") else {
        return Err(bad("expected ldap:// or ldapi://"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(|| bad("unclosed `[`"))?;
        if h.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(bad("invalid IPv6 address"));
        }
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    // An empty host is localhost.
    if !authority.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err(bad("invalid host"));
    }
    if let Some(p) = port {
        p.parse::<u16>()
            .map_err(|_| bad("the port is not a number from 0 to 65535"))?;
    }
    Ok(())
}

/// Whether `dn` is `base` or below it.
fn is_under(dn: &str, base: &str) -> bool {
    let (dn, base) = (normalize_dn(dn), normalize_dn(base));
    base.is_empty() || dn == base || dn.ends_with(&format!(",{base}"))
}

/// A password as LDAP carries it (UTF-8); `None` for other octets, which the directory
/// could not have stored.
fn utf8_password(password: &[u8]) -> Option<&str> {
    std::str::from_utf8(password).ok()
}

fn rc_text(r: &LdapResult) -> String {
    let name = match r.rc {
        RC_PROTOCOL_ERROR => "protocolError",
        RC_SIZE_LIMIT_EXCEEDED => "sizeLimitExceeded",
        RC_UNAVAILABLE_CRITICAL_EXTENSION => "unavailableCriticalExtension",
        RC_CONSTRAINT_VIOLATION => "constraintViolation",
        RC_NO_SUCH_OBJECT => "noSuchObject",
        RC_INVALID_DN_SYNTAX => "invalidDNSyntax",
        RC_INAPPROPRIATE_AUTHENTICATION => "inappropriateAuthentication",
        RC_INVALID_CREDENTIALS => "invalidCredentials",
        RC_INSUFFICIENT_ACCESS => "insufficientAccessRights",
        RC_UNWILLING_TO_PERFORM => "unwillingToPerform",
        51 => "busy",
        52 => "unavailable",
        3 => "timeLimitExceeded",
        _ => "",
    };
    let mut s = format!("result code {}", r.rc);
    if !name.is_empty() {
        s.push_str(&format!(" ({name})"));
    }
    let text = r.text.trim();
    if !text.is_empty() {
        s.push_str(&format!(": {}", text.replace('\n', " ")));
    }
    s
}

/// What a password check by bind concluded.
enum BindOutcome {
    Accepted(LdapConn),
    /// The server refused the credentials (logged with the reason).
    Refused,
}

/// A server's answer to an operation on the service connection: the value, or the result
/// code it refused with.
type Answer<T> = Result<T, LdapResult>;

impl LdapDirectory {
    /// A directory for `config`. Nothing is contacted yet: the store starts while LDAP is
    /// down, and binds fail cleanly until it is back.
    pub fn new(config: &LdapConfig) -> Result<LdapDirectory, DirectoryError> {
        check_url(&config.url)?;
        if let Some(s) = &config.bind_password
            && std::str::from_utf8(s.expose()).is_err()
        {
            return Err(DirectoryError::Invalid(
                "directory.bind-password-file: the LDAP service password is not UTF-8".to_owned(),
            ));
        }
        if config.or_address_attribute.is_empty()
            || !config
                .or_address_attribute
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ';')
        {
            return Err(DirectoryError::Invalid(format!(
                "directory.or-address-attribute: `{}` is not an LDAP attribute description",
                config.or_address_attribute
            )));
        }
        Ok(LdapDirectory {
            url: config.url.clone(),
            base: config.base.clone(),
            bind_dn: config.bind_dn.clone(),
            bind_password: config.bind_password.clone(),
            attribute: config.or_address_attribute.clone(),
            mta_base: config
                .mta_base
                .clone()
                .unwrap_or_else(|| config.base.clone()),
            timeout: config.timeout,
            store_dn: config.store_dn.clone().filter(|d| !d.trim().is_empty()),
            service: Mutex::new(Service::default()),
        })
    }

    /// The LDAP URL (for logs).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the service connection if needed and checks it works (a root DSE read): for a
    /// start-up log line or `mstorectl check`.
    pub fn ping(&self) -> Result<(), DirectoryError> {
        self.with_service("ping", |c| {
            c.with_timeout(self.timeout)
                .search("", Scope::Base, "(objectClass=*)", vec!["1.1"])
                .map(|_| ())
        })?
        .map_err(|r| self.unavailable("root DSE read", &rc_text(&r)))
    }

    /// `Unavailable`, logged once here so every caller's failure leaves a log line.
    fn unavailable(&self, what: &str, why: &str) -> DirectoryError {
        tracing::warn!(url = %self.url, what, why, "LDAP directory unavailable");
        DirectoryError::Unavailable(format!("LDAP server {}: {what}: {why}", self.url))
    }

    fn settings(&self) -> LdapConnSettings {
        LdapConnSettings::new().set_conn_timeout(self.timeout)
    }

    /// A new connection (no bind yet).
    fn connect(&self) -> Result<LdapConn, LdapError> {
        LdapConn::with_settings(self.settings(), &self.url)
    }

    /// A new connection bound with the service identity.
    fn connect_service(&self) -> Result<LdapConn, DirectoryError> {
        let mut conn = self
            .connect()
            .map_err(|e| self.unavailable("connect", &e.to_string()))?;
        if let (Some(dn), Some(pw)) = (&self.bind_dn, &self.bind_password) {
            let pw = std::str::from_utf8(pw.expose())
                .map_err(|_| self.unavailable("service bind", "the password is not UTF-8"))?;
            let r = conn
                .with_timeout(self.timeout)
                .simple_bind(dn, pw)
                .map_err(|e| self.unavailable("service bind", &e.to_string()))?;
            if r.rc != RC_SUCCESS {
                return Err(self.unavailable(&format!("service bind as {dn}"), &rc_text(&r)));
            }
        }
        tracing::info!(url = %self.url, bind_dn = self.bind_dn.as_deref().unwrap_or("(anonymous)"), "LDAP service connection open");
        Ok(conn)
    }

    fn lock(&self) -> MutexGuard<'_, Service> {
        // A panic while holding the lock leaves at worst a half-used connection; the next
        // failure on it reconnects.
        self.service.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `op` on the service connection. A transport failure on a connection that was
    /// already open (the server restarted, an idle timeout closed it) is retried once on a
    /// fresh one; a failure on a fresh connection is `Unavailable`. A result code the server
    /// answered with is handed back for the caller to interpret.
    fn with_service<T>(
        &self,
        what: &str,
        mut op: impl FnMut(&mut LdapConn) -> Result<T, LdapError>,
    ) -> Result<Answer<T>, DirectoryError> {
        let mut state = self.lock();
        loop {
            let started = Instant::now();
            let open = state.conn.as_mut().is_some_and(|c| !c.is_closed());
            let reused = if open {
                true
            } else {
                if let Some((until, why)) = &state.down_until
                    && started < *until
                {
                    tracing::debug!(url = %self.url, what, "LDAP recently timed out; failing at once");
                    return Err(DirectoryError::Unavailable(why.clone()));
                }
                match self.connect_service() {
                    Ok(c) => state.conn = Some(c),
                    Err(e) => {
                        self.note_failure(&mut state, started, &e);
                        return Err(e);
                    }
                }
                false
            };
            let Some(conn) = state.conn.as_mut() else {
                return Err(self.unavailable(what, "no connection"));
            };
            match op(conn) {
                Ok(v) => {
                    state.down_until = None;
                    return Ok(Ok(v));
                }
                Err(LdapError::LdapResult { result }) => return Ok(Err(result)),
                Err(e) => {
                    state.conn = None;
                    if reused {
                        tracing::info!(url = %self.url, error = %e, "LDAP service connection broken; reconnecting");
                        continue;
                    }
                    let e = self.unavailable(what, &e.to_string());
                    self.note_failure(&mut state, started, &e);
                    return Err(e);
                }
            }
        }
    }

    /// Remembers a failure that took about a timeout (see [`Service::down_until`]).
    fn note_failure(&self, state: &mut Service, started: Instant, e: &DirectoryError) {
        if started.elapsed() >= self.timeout / 2 {
            let why = match e {
                DirectoryError::Unavailable(m) => m.clone(),
                other => other.to_string(),
            };
            state.down_until = Some((Instant::now() + self.timeout, why));
        }
    }

    /// A search on the service connection: entries and the final result (which may be
    /// sizeLimitExceeded with the entries so far).
    fn search(
        &self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        size_limit: i32,
    ) -> Result<Answer<(Vec<Entry>, LdapResult)>, DirectoryError> {
        let time_limit = i32::try_from(self.timeout.as_secs().max(1)).unwrap_or(i32::MAX);
        let attrs: Vec<String> = attrs.iter().map(|s| (*s).to_owned()).collect();
        let r = self.with_service("search", |c| {
            c.with_timeout(self.timeout)
                .with_search_options(
                    SearchOptions::new()
                        .sizelimit(size_limit)
                        .timelimit(time_limit),
                )
                .search(base, scope, filter, attrs.clone())
        })?;
        Ok(match r {
            Ok(res) => match res.1.rc {
                RC_SUCCESS | RC_SIZE_LIMIT_EXCEEDED => {
                    Ok((res.0.into_iter().filter_map(read_entry).collect(), res.1))
                }
                _ => Err(res.1),
            },
            Err(r) => Err(r),
        })
    }

    /// Every entry under `base` matching `filter`, fetched in pages.
    fn search_all(
        &self,
        base: &str,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Answer<Vec<Entry>>, DirectoryError> {
        let attrs: Vec<String> = attrs.iter().map(|s| (*s).to_owned()).collect();
        self.with_service("search", |c| {
            let adapters: Vec<Box<dyn Adapter<'_, String, Vec<String>>>> = vec![
                Box::new(EntriesOnly::new()),
                Box::new(PagedResults::new(PAGE_SIZE)),
            ];
            let mut stream = c.with_timeout(self.timeout).streaming_search_with(
                adapters,
                base,
                Scope::Subtree,
                filter,
                attrs.clone(),
            )?;
            let mut entries = Vec::new();
            while let Some(re) = stream.next()? {
                entries.extend(read_entry(re));
            }
            let res = stream.result();
            if res.rc == RC_SUCCESS {
                Ok(entries)
            } else {
                Err(LdapError::LdapResult { result: res })
            }
        })
    }

    /// Checks `password` by binding as `dn` on a new connection. The connection is returned
    /// on success (change-credentials goes on with it) and unbound otherwise.
    fn bind_as(&self, dn: &str, password: &str) -> Result<BindOutcome, DirectoryError> {
        // RFC 4513 §5.1.2: a simple bind with a DN and an empty password is an
        // "unauthenticated" bind that some servers accept; it must never count as a check.
        if password.is_empty() {
            tracing::info!(dn, "empty password refused without asking LDAP");
            return Ok(BindOutcome::Refused);
        }
        let mut conn = self
            .connect()
            .map_err(|e| self.unavailable("connect", &e.to_string()))?;
        let r = conn
            .with_timeout(self.timeout)
            .simple_bind(dn, password)
            .map_err(|e| self.unavailable(&format!("bind as {dn}"), &e.to_string()))?;
        match r.rc {
            RC_SUCCESS => Ok(BindOutcome::Accepted(conn)),
            // invalidCredentials is the usual answer; the others are how servers say "locked",
            // "expired" or "not this way" (password policies): all a refusal, logged so an
            // operator can tell which.
            RC_INVALID_CREDENTIALS
            | RC_INAPPROPRIATE_AUTHENTICATION
            | RC_INSUFFICIENT_ACCESS
            | RC_UNWILLING_TO_PERFORM
            | RC_CONSTRAINT_VIOLATION
            | RC_INVALID_DN_SYNTAX
            | RC_NO_SUCH_OBJECT => {
                tracing::info!(dn, result = %rc_text(&r), "LDAP refused bind");
                let _ = conn.unbind();
                Ok(BindOutcome::Refused)
            }
            _ => {
                let _ = conn.unbind();
                Err(self.unavailable(&format!("bind as {dn}"), &rc_text(&r)))
            }
        }
    }

    /// A bind that cannot succeed (a DN that does not exist), made for an unknown name so
    /// that it costs what a known one does: a prober must not tell existing addresses by
    /// how fast the store answers. Its outcome is irrelevant.
    fn burn_bind(&self, base: &str, password: &[u8]) {
        let Some(pw) = utf8_password(password).filter(|p| !p.is_empty()) else {
            return;
        };
        if let Ok(mut conn) = self.connect() {
            let dn = format!("cn=mstore-no-such-entry,{base}");
            let _ = conn.with_timeout(self.timeout).simple_bind(&dn, pw);
            let _ = conn.unbind();
        }
    }

    /// The entry holding O/R address `a` (canonical match): its DN, the value that matched
    /// and its outbox choice.
    fn find_address(&self, a: &ORAddress) -> Result<Option<Found>, DirectoryError> {
        let filter = address_filter(&self.attribute, a);
        let (entries, res) = self
            .search(
                &self.base,
                Scope::Subtree,
                &filter,
                &[&self.attribute, ATTR_OUTBOX],
                MAX_CANDIDATES,
            )?
            .map_err(|r| self.unavailable(&format!("search under {}", self.base), &rc_text(&r)))?;
        let key = a.canonical();
        let mut found: Vec<Found> = Vec::new();
        for e in &entries {
            if let Some(v) = e
                .addresses(&self.attribute)
                .into_iter()
                .find(|v| v.canonical() == key)
            {
                found.push((e.dn.clone(), v, e.outbox()));
            }
        }
        if res.rc == RC_SIZE_LIMIT_EXCEEDED && found.is_empty() {
            tracing::warn!(url = %self.url, filter, "LDAP lookup hit the size limit; the user may be among the entries not returned");
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => {
                let dns: Vec<&str> = found.iter().map(|(dn, ..)| dn.as_str()).collect();
                Err(self.unavailable(
                    &format!("lookup of {a}"),
                    &format!(
                        "the O/R address is held by {} entries ({}); refusing to guess",
                        dns.len(),
                        dns.join("; ")
                    ),
                ))
            }
        }
    }

    /// The MTA entry named `name`: its DN and name as the directory spells it.
    fn find_mta(&self, name: &str) -> Result<Option<(String, String)>, DirectoryError> {
        let filter = format!("(&{MTA_CLASSES}(cn={}))", escape(name));
        let (entries, _) = self
            .search(&self.mta_base, Scope::Subtree, &filter, &["cn"], 2)?
            .map_err(|r| {
                self.unavailable(&format!("search under {}", self.mta_base), &rc_text(&r))
            })?;
        let mut found: Vec<(String, String)> = entries
            .iter()
            .map(|e| {
                let cn = e
                    .values("cn")
                    .filter_map(|v| std::str::from_utf8(v).ok())
                    .find(|v| v.eq_ignore_ascii_case(name))
                    .unwrap_or(name);
                (e.dn.clone(), cn.to_owned())
            })
            .collect();
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => Err(self.unavailable(
                &format!("lookup of MTA `{name}`"),
                "more than one MTA entry has that name; refusing to guess",
            )),
        }
    }

    /// The DN of `user`: as known, or looked up by address.
    fn user_dn(&self, user: &User) -> Result<String, DirectoryError> {
        match &user.dn {
            Some(dn) => Ok(dn.clone()),
            None => self
                .find_address(&user.or_address)?
                .map(|(dn, ..)| dn)
                .ok_or_else(|| DirectoryError::UnknownUser(user.or_address.to_string())),
        }
    }

    /// Interprets the answer to a Password Modify request.
    fn password_modify_answer(
        &self,
        dn: &str,
        result: Result<ldap3::result::ExopResult, LdapError>,
        as_whom: &str,
    ) -> Result<(), DirectoryError> {
        let r = match result {
            Ok(ldap3::result::ExopResult(_, r)) => r,
            Err(LdapError::LdapResult { result }) => result,
            Err(e) => {
                return Err(self.unavailable(&format!("password modify for {dn}"), &e.to_string()));
            }
        };
        match r.rc {
            RC_SUCCESS => {
                tracing::info!(dn, as_whom, "LDAP password changed");
                Ok(())
            }
            RC_INSUFFICIENT_ACCESS | RC_UNWILLING_TO_PERFORM => {
                tracing::warn!(dn, as_whom, result = %rc_text(&r), "LDAP refused password change");
                Err(DirectoryError::Unsupported(format!(
                    "the LDAP directory does not let {as_whom} change the password of {dn} ({})",
                    rc_text(&r)
                )))
            }
            RC_PROTOCOL_ERROR | RC_UNAVAILABLE_CRITICAL_EXTENSION => {
                tracing::warn!(dn, result = %rc_text(&r), "LDAP server lacks Password Modify");
                Err(DirectoryError::Unsupported(format!(
                    "the LDAP server does not support the Password Modify operation (RFC 3062): {}",
                    rc_text(&r)
                )))
            }
            RC_CONSTRAINT_VIOLATION => {
                tracing::info!(dn, result = %rc_text(&r), "LDAP refused the new password");
                Err(DirectoryError::Invalid(format!(
                    "the LDAP directory refused the new password ({})",
                    rc_text(&r)
                )))
            }
            RC_INVALID_CREDENTIALS => Err(DirectoryError::BadPassword(dn.to_owned())),
            _ => Err(self.unavailable(&format!("password modify for {dn}"), &rc_text(&r))),
        }
    }

    fn new_password<'a>(&self, new_password: &'a [u8]) -> Result<&'a str, DirectoryError> {
        match utf8_password(new_password) {
            Some("") => Err(DirectoryError::Invalid(
                "the new password is empty".to_owned(),
            )),
            Some(p) => Ok(p),
            None => Err(DirectoryError::Invalid(
                "the new password is not UTF-8, which LDAP cannot store".to_owned(),
            )),
        }
    }
}

fn describe(address: Option<&ORAddress>, dn: Option<&str>) -> String {
    match (address, dn) {
        (Some(a), Some(d)) => format!("{a} ({d})"),
        (Some(a), None) => a.to_string(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => "(no name)".to_owned(),
    }
}

/// The service connection owns a runtime of the LDAP client's; tokio refuses to drop a runtime
/// on a thread that runs async code, which is where the server lets go of its directory at
/// shutdown. So the connection is dropped on a thread of its own.
impl Drop for LdapDirectory {
    fn drop(&mut self) {
        let conn = self
            .service
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .conn
            .take();
        if let Some(conn) = conn {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::spawn(move || drop(conn)).join();
            } else {
                drop(conn);
            }
        }
    }
}

impl Directory for LdapDirectory {
    fn kind(&self) -> &'static str {
        "ldap"
    }

    fn authenticate_user(
        &self,
        address: Option<&ORAddress>,
        dn: Option<&str>,
        password: &[u8],
    ) -> Result<User, DirectoryError> {
        // An ORName carrying only a directory name has an empty address: no name at all.
        let address = address.filter(|a| **a != ORAddress::default());
        let who = describe(address, dn);
        let user = match (address, dn) {
            (Some(a), given) => self.find_user(a)?.filter(|u| match (given, &u.dn) {
                // With both names given, the DN must be the entry's.
                (Some(g), Some(known)) => dn_eq(g, known),
                _ => true,
            }),
            (None, Some(d)) => self.find_user_by_dn(d)?,
            (None, None) => None,
        };
        let Some(user) = user else {
            self.burn_bind(&self.base, password);
            return Err(DirectoryError::UnknownUser(who));
        };
        let Some(entry_dn) = user.dn.clone() else {
            return Err(DirectoryError::UnknownUser(who));
        };
        let Some(pw) = utf8_password(password) else {
            tracing::info!(dn = %entry_dn, "password is not UTF-8; LDAP cannot hold it");
            return Err(DirectoryError::BadPassword(who));
        };
        match self.bind_as(&entry_dn, pw)? {
            BindOutcome::Accepted(mut conn) => {
                let _ = conn.unbind();
                Ok(user)
            }
            BindOutcome::Refused => Err(DirectoryError::BadPassword(who)),
        }
    }

    fn find_user(&self, address: &ORAddress) -> Result<Option<User>, DirectoryError> {
        Ok(self
            .find_address(address)?
            .map(|(dn, or_address, outbox)| User {
                or_address,
                dn: Some(dn),
                mailbox: None,
                store: None,
                outbox,
            }))
    }

    fn find_user_by_dn(&self, dn: &str) -> Result<Option<User>, DirectoryError> {
        // Only entries under the user base are users: the service account and MTA entries
        // elsewhere in the tree must not bind as one.
        if !is_under(dn, &self.base) {
            return Ok(None);
        }
        let answer = self.search(
            dn,
            Scope::Base,
            "(objectClass=*)",
            &[&self.attribute, ATTR_OUTBOX],
            1,
        )?;
        let entries = match answer {
            Ok((entries, _)) => entries,
            Err(r) if matches!(r.rc, RC_NO_SUCH_OBJECT | RC_INVALID_DN_SYNTAX) => return Ok(None),
            Err(r) => return Err(self.unavailable(&format!("read of {dn}"), &rc_text(&r))),
        };
        Ok(entries.into_iter().next().and_then(|e| {
            let or_address = e.addresses(&self.attribute).into_iter().next()?;
            let outbox = e.outbox();
            Some(User {
                or_address,
                dn: Some(e.dn),
                mailbox: None,
                store: None,
                outbox,
            })
        }))
    }

    fn list_users(&self) -> Result<Vec<User>, DirectoryError> {
        let filter = format!("({}=*)", escape(&self.attribute));
        let entries = self
            .search_all(&self.base, &filter, &[&self.attribute, ATTR_OUTBOX])?
            .map_err(|r| self.unavailable(&format!("search under {}", self.base), &rc_text(&r)))?;
        Ok(entries
            .into_iter()
            .filter_map(|e| {
                let Some(or_address) = e.addresses(&self.attribute).into_iter().next() else {
                    tracing::warn!(dn = %e.dn, attribute = %self.attribute, "LDAP entry has no readable O/R address; skipped");
                    return None;
                };
                let outbox = e.outbox();
                Some(User {
                    or_address,
                    dn: Some(e.dn),
                    mailbox: None,
                    store: None,
                    outbox,
                })
            })
            .collect())
    }

    fn authenticate_mta(&self, name: &str, password: &[u8]) -> Result<Mta, DirectoryError> {
        if name.is_empty() {
            return Err(DirectoryError::UnknownMta(String::new()));
        }
        let Some((dn, name)) = self.find_mta(name)? else {
            self.burn_bind(&self.mta_base, password);
            return Err(DirectoryError::UnknownMta(name.to_owned()));
        };
        let Some(pw) = utf8_password(password) else {
            tracing::info!(dn, "MTA password is not UTF-8; LDAP cannot hold it");
            return Err(DirectoryError::BadMtaPassword(name));
        };
        match self.bind_as(&dn, pw)? {
            BindOutcome::Accepted(mut conn) => {
                let _ = conn.unbind();
                Ok(Mta { name })
            }
            BindOutcome::Refused => Err(DirectoryError::BadMtaPassword(name)),
        }
    }

    fn list_mtas(&self) -> Result<Vec<Mta>, DirectoryError> {
        let entries = self
            .search_all(&self.mta_base, MTA_CLASSES, &["cn"])?
            .map_err(|r| {
                self.unavailable(&format!("search under {}", self.mta_base), &rc_text(&r))
            })?;
        Ok(entries
            .into_iter()
            .filter_map(|e| {
                let name = e
                    .values("cn")
                    .find_map(|v| std::str::from_utf8(v).ok())?
                    .to_owned();
                Some(Mta { name })
            })
            .collect())
    }

    /// Without the old password the store cannot act as the user, so the service identity
    /// asks the server to set the password (RFC 3062 with userIdentity); most directories
    /// only allow that to administrators, and the refusal is returned as `Unsupported`.
    fn change_user_password(&self, user: &User, new_password: &[u8]) -> Result<(), DirectoryError> {
        let new = self.new_password(new_password)?;
        let dn = self.user_dn(user)?;
        let Some(service) = self.bind_dn.clone() else {
            return Err(DirectoryError::Unsupported(
                "the LDAP directory changes passwords only with the old password (the store has no bind-dn to set one for the user)"
                    .to_owned(),
            ));
        };
        let result = self
            .with_service("password modify", |c| {
                c.with_timeout(self.timeout).extended(PasswordModify {
                    user_id: Some(&dn),
                    old_pass: None,
                    new_pass: Some(new),
                })
            })?
            .map_err(|result| LdapError::LdapResult { result });
        self.password_modify_answer(&dn, result, &format!("the service account {service}"))
    }

    /// Binds as the user with the old password and sends Password Modify (RFC 3062) on that
    /// connection, so the directory's own access rules and password policy decide.
    /// Reads the `store-dn` entry (base search) on the service connection. A value that
    /// does not parse is logged and left out; a missing entry or an unreachable server is an
    /// error (the caller keeps the file's settings).
    fn store_settings(&self) -> Result<Option<StoreSettings>, DirectoryError> {
        let Some(dn) = &self.store_dn else {
            return Ok(None);
        };
        let answer = self.search(
            dn,
            Scope::Base,
            "(objectClass=*)",
            &[ATTR_SINGLE_P7_BIND, ATTR_MAX_ASSOCIATIONS_PER_USER],
            1,
        )?;
        let entry = match answer {
            Ok((entries, _)) => entries.into_iter().next(),
            Err(r) if matches!(r.rc, RC_NO_SUCH_OBJECT | RC_INVALID_DN_SYNTAX) => None,
            Err(r) => return Err(self.unavailable(&format!("read of {dn}"), &rc_text(&r))),
        };
        let Some(e) = entry else {
            return Err(DirectoryError::Invalid(format!(
                "directory.store-dn: no entry {dn} in the LDAP directory (or the service account may not read it)"
            )));
        };
        let text = |name: &str| -> Option<String> {
            let v = e.values(name).next()?;
            match std::str::from_utf8(v) {
                Ok(t) => Some(t.trim().to_owned()),
                Err(_) => {
                    tracing::warn!(dn = %e.dn, attribute = name, "store setting is not text; ignored");
                    None
                }
            }
        };
        let single_p7_bind = text(ATTR_SINGLE_P7_BIND).and_then(|t| {
            // RFC 4517 §3.3.3 Boolean: "TRUE" / "FALSE".
            match t.to_ascii_uppercase().as_str() {
                "TRUE" => Some(true),
                "FALSE" => Some(false),
                _ => {
                    tracing::warn!(dn = %e.dn, attribute = ATTR_SINGLE_P7_BIND, value = %t, "not TRUE or FALSE; ignored");
                    None
                }
            }
        });
        let max_associations_per_user = text(ATTR_MAX_ASSOCIATIONS_PER_USER).and_then(|t| {
            match t.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    tracing::warn!(dn = %e.dn, attribute = ATTR_MAX_ASSOCIATIONS_PER_USER, value = %t, "not a number from 1; ignored");
                    None
                }
            }
        });
        Ok(Some(StoreSettings {
            dn: e.dn.clone(),
            single_p7_bind,
            max_associations_per_user,
        }))
    }

    fn change_credentials(
        &self,
        user: &User,
        old_password: &[u8],
        new_password: &[u8],
    ) -> Result<(), DirectoryError> {
        let new = self.new_password(new_password)?;
        let dn = self.user_dn(user)?;
        let Some(old) = utf8_password(old_password) else {
            return Err(DirectoryError::BadPassword(dn));
        };
        let mut conn = match self.bind_as(&dn, old)? {
            BindOutcome::Accepted(conn) => conn,
            BindOutcome::Refused => return Err(DirectoryError::BadPassword(dn)),
        };
        let result = conn.with_timeout(self.timeout).extended(PasswordModify {
            user_id: None,
            old_pass: Some(old),
            new_pass: Some(new),
        });
        let _ = conn.unbind();
        self.password_modify_answer(&dn, result, "the user")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(s: &str) -> ORAddress {
        s.parse().unwrap()
    }

    #[test]
    fn filter_asks_for_every_component_word() {
        let f = address_filter(
            "textEncodedORAddress",
            &addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX"),
        );
        assert_eq!(
            f,
            "(|(textEncodedORAddress=C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX)\
             (&(textEncodedORAddress=*XX*)(textEncodedORAddress=*ICAO*)\
             (textEncodedORAddress=*MSTORE*)(textEncodedORAddress=*AFTN*)\
             (textEncodedORAddress=*EGLLZPZX*)))"
        );
    }

    #[test]
    fn filter_escapes_assertion_values() {
        // A teletex value may hold any character, the filter's special ones included.
        let mut a = addr("C=XX;A= ;P=P;O=A(B)C");
        a.teletex_common_name = Some("x*y\\z".to_owned());
        let f = address_filter("textEncodedORAddress", &a);
        assert!(f.contains(r"O=A\28B\29C"), "{f}");
        assert!(f.contains(r"TT-CN=x\2ay\5c"), "{f}");
        assert!(f.contains("(textEncodedORAddress=*A*B*C*)"), "{f}");
        assert!(f.contains("(textEncodedORAddress=*x*y*z*)"), "{f}");
        assert!(ldap3::parse_filter(&f).is_ok(), "{f}");
    }

    #[test]
    fn filter_splits_words_so_spacing_does_not_matter() {
        let f = address_filter("a", &addr("C=XX;A=ICAO;P=P;O=Big  Org;S=van der Berg"));
        assert!(f.contains("(a=*Big*Org*)"), "{f}");
        assert!(f.contains("(a=*van*der*Berg*)"), "{f}");
    }

    fn cfg(url: &str) -> LdapConfig {
        LdapConfig {
            url: url.to_owned(),
            base: "o=test".to_owned(),
            bind_dn: None,
            bind_password: None,
            or_address_attribute: "textEncodedORAddress".to_owned(),
            mta_base: None,
            timeout: Duration::from_secs(1),
            store_dn: None,
        }
    }

    #[test]
    fn urls_checked_at_start() {
        for ok in [
            "ldap://127.0.0.1:389",
            "ldap://ldap.example",
            "ldap://ldap.example:1389/",
            "ldap://[::1]:389",
            "ldap://",
            "ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi",
        ] {
            assert!(LdapDirectory::new(&cfg(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "ldap://host:port",
            "ldap://host:99999",
            "ldap://[::1",
            "ldap://a b",
            "ldap://user@host",
        ] {
            let e = LdapDirectory::new(&cfg(bad)).unwrap_err();
            assert!(matches!(e, DirectoryError::Invalid(_)), "{bad}: {e:?}");
        }
        let e = LdapDirectory::new(&cfg("ldaps://ldap.example")).unwrap_err();
        assert!(matches!(e, DirectoryError::Unsupported(_)), "{e:?}");
        assert!(e.to_string().contains("TLS"), "{e}");
        let mut c = cfg("ldap://x");
        c.or_address_attribute = "bad)(attr".to_owned();
        assert!(LdapDirectory::new(&c).is_err());
    }

    #[test]
    fn debug_never_shows_the_service_password() {
        let mut c = cfg("ldap://x");
        c.bind_dn = Some("cn=svc".to_owned());
        c.bind_password = Some(Secret::new("hunter2-service"));
        let d = LdapDirectory::new(&c).unwrap();
        assert!(!format!("{d:?}").contains("hunter2"));
        c.bind_password = Some(Secret::new(vec![0xff, 0xfe]));
        assert!(matches!(
            LdapDirectory::new(&c).unwrap_err(),
            DirectoryError::Invalid(_)
        ));
    }

    #[test]
    fn under_base() {
        assert!(is_under("cn=a, ou=Users,o=Example", "o=example"));
        assert!(is_under("o=example", "o=example"));
        assert!(!is_under("cn=a,o=examples", "o=example"));
        assert!(!is_under("cn=a,o=other", "o=example"));
        assert!(is_under("cn=a,o=other", ""));
    }

    #[test]
    fn address_values_in_any_form() {
        let want = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX");
        for v in [
            "c=xx; a=icao; p=mstore; o=aftn; ou1=egllzpzx",
            "/C=XX/ADMD=ICAO/PRMD=MSTORE/O=AFTN/OU=EGLLZPZX/",
            " C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX ",
        ] {
            let got = parse_address_value(v.as_bytes()).unwrap();
            assert!(got.matches(&want), "{v}");
        }
        let ber = want.to_ber();
        assert!(parse_address_value(&ber).unwrap().matches(&want));
        assert!(parse_address_value(b"\xff\x00garbage").is_none());
    }

    #[test]
    fn malformed_entries_are_none_not_panics() {
        use ldap3::asn1::{ASNTag, OctetString, Sequence, Tag, TagClass};
        let good = Tag::Sequence(Sequence {
            id: 4,
            class: TagClass::Application,
            inner: vec![
                Tag::OctetString(OctetString {
                    inner: b"cn=a,o=x".to_vec(),
                    ..Default::default()
                }),
                Tag::Sequence(Sequence {
                    inner: vec![Tag::Sequence(Sequence {
                        inner: vec![
                            Tag::OctetString(OctetString {
                                inner: b"cn".to_vec(),
                                ..Default::default()
                            }),
                            Tag::Set(ldap3::asn1::Set {
                                inner: vec![Tag::OctetString(OctetString {
                                    inner: b"a".to_vec(),
                                    ..Default::default()
                                })],
                                ..Default::default()
                            }),
                        ],
                        ..Default::default()
                    })],
                    ..Default::default()
                }),
            ],
        })
        .into_structure();
        let e = read_entry_tag(good).unwrap();
        assert_eq!(e.dn, "cn=a,o=x");
        assert_eq!(e.values("CN").collect::<Vec<_>>(), vec![b"a".as_slice()]);
        assert_eq!(e.values("cn;binary").count(), 1);
        assert_eq!(e.values("sn").count(), 0);

        let missing_attrs = Tag::Sequence(Sequence {
            id: 4,
            class: TagClass::Application,
            inner: vec![Tag::OctetString(OctetString {
                inner: b"cn=a".to_vec(),
                ..Default::default()
            })],
        })
        .into_structure();
        assert!(read_entry_tag(missing_attrs).is_none());
        let reference = Tag::Sequence(Sequence {
            id: 19,
            class: TagClass::Application,
            inner: vec![],
        })
        .into_structure();
        assert!(read_entry_tag(reference).is_none());
    }

    proptest! {
        /// Whatever the address, the filter is well formed, and the exact text is in it.
        #[test]
        fn filters_parse(
            o in "[ -~]{1,20}",
            ou in proptest::collection::vec("[A-Za-z0-9 ()*.-]{1,12}", 0..4),
            cn in proptest::option::of("[\\x20-\\x7e\\u{a0}-\\u{ff}]{1,20}"),
        ) {
            let mut a = addr("C=XX;A=ICAO;P=MSTORE;O=X");
            a.organization = Some(o);
            a.organizational_units = ou;
            a.teletex_common_name = cn;
            let f = address_filter("textEncodedORAddress", &a);
            prop_assert!(ldap3::parse_filter(&f).is_ok(), "{}", f);
            let exact = format!("(textEncodedORAddress={})", escape(&a.to_string()));
            prop_assert!(f.contains(&exact));
        }
    }
}
