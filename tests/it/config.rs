//! `mstore.toml` loading (DESIGN.md §6): the shipped default, field-naming errors, secret
//! file checks.
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::common::config::{copy_default_config, set_mode, shipped_config_dir};
use mstore::config::{
    Config, ConfigError, DirectoryConfig, Limits, Protocol, Retention, SecretError, Timeouts,
};

#[test]
fn shipped_config_loads_with_documented_defaults() {
    let cfg = Config::load(shipped_config_dir().join("mstore.toml")).unwrap();
    assert_eq!(cfg.listeners.len(), 1);
    let l = &cfg.listeners[0];
    assert_eq!(l.address.to_string(), "127.0.0.1:3001");
    assert_eq!(l.t_selector.as_bytes(), b"3001");
    assert_eq!(l.protocols, vec![Protocol::P7, Protocol::P3]);
    // The shipped file spells out the built-in defaults; they must not drift apart.
    assert_eq!(cfg.limits, Limits::default());
    assert_eq!(cfg.timeouts, Timeouts::default());
    assert_eq!(cfg.retention, Retention::default());
    assert_eq!(cfg.store.name, "mstore");
    assert_eq!(cfg.store.password.as_ref().unwrap().expose(), b"demo-store");
    match &cfg.directory {
        DirectoryConfig::Embedded { file } => {
            assert_eq!(file, &shipped_config_dir().join("directory.toml"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(cfg.data_dir, shipped_config_dir().join("../data"));
    // Secrets never show up in Debug output.
    assert!(!format!("{cfg:?}").contains("demo-store"));
}

#[test]
fn minimal_config_gets_defaults_and_relative_paths_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(
        &path,
        "[store]\nname = \"s\"\nor-address = \"C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX\"\n",
    )
    .unwrap();
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.data_dir, dir.path().join("data"));
    assert_eq!(
        cfg.embedded_directory_file(),
        Some(dir.path().join("directory.toml").as_path())
    );
    assert_eq!(cfg.listeners[0].address.to_string(), "127.0.0.1:3001");
    assert_eq!(cfg.listeners[0].t_selector.as_bytes(), b"3001");
    assert_eq!(cfg.limits, Limits::default());
    assert!(cfg.store.password.is_none());
    assert!(cfg.mta_peers.is_empty());

    std::fs::write(
        &path,
        "data-dir = \"/abs/data\"\n[store]\nname = \"s\"\nor-address = \"C=XX;A=ICAO;P=X;O=Y;OU1=Z\"\n[directory]\nkind = \"embedded\"\nfile = \"sub/dir.toml\"\n",
    )
    .unwrap();
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.data_dir, Path::new("/abs/data"));
    assert_eq!(
        cfg.embedded_directory_file(),
        Some(dir.path().join("sub/dir.toml").as_path())
    );
}

const STORE: &str =
    "[store]\nname = \"s\"\nor-address = \"C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX\"\n";

/// Load `body` (plus a valid [store] unless `body` has one) and return the error text.
fn refused(body: &str) -> (ConfigError, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = if body.contains("[store]") {
        body.to_owned()
    } else {
        format!("{body}\n{STORE}")
    };
    std::fs::write(&path, text).unwrap();
    let err = Config::load(&path).expect_err(body);
    let msg = err.to_string();
    assert!(
        msg.contains("bad.toml"),
        "message must name the file: {msg}"
    );
    assert!(!msg.contains('\n'), "one line: {msg}");
    (err, msg)
}

#[test]
fn bad_configs_name_the_field() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[[listeners]]\naddress = \"x\"\n",
            "listeners[0].address",
            "invalid socket address `x`",
        ),
        (
            "[[listeners]]\naddress = \"127.0.0.1:1\"\n[[listeners]]\naddress = \"127.0.0.1:2\"\nt-selector = \"0123456789012345678901234567890123\"\n",
            "listeners[1].t-selector",
            "longer than 32",
        ),
        (
            "[[listeners]]\naddress = \"127.0.0.1:1\"\nprotocols = [\"p7\", \"x25\"]\n",
            "listeners[0].protocols[1]",
            "unknown variant `x25`",
        ),
        (
            "[[listeners]]\naddress = \"127.0.0.1:1\"\nprotocols = []\n",
            "listeners[0].protocols",
            "at least one",
        ),
        (
            "[[listeners]]\naddress = \"127.0.0.1:1\"\n[[listeners]]\naddress = \"127.0.0.1:1\"\n",
            "listeners[1].address",
            "already used",
        ),
        (
            "[[listeners]]\nt-selector = \"1\"\n",
            "listeners[0]",
            "missing field `address`",
        ),
        (
            "[limits]\nmax-associations = \"many\"\n",
            "limits.max-associations",
            "invalid type",
        ),
        (
            "[limits]\nmax-associations = 0\n",
            "limits.max-associations",
            "more than 0",
        ),
        (
            "[limits]\nmax-message-size = \"16 MB\"\n",
            "limits.max-message-size",
            "16 MB",
        ),
        (
            "[limits]\nindex-cache = \"lots\"\n",
            "limits.index-cache",
            "lots",
        ),
        (
            "[limits]\nmax-foo = 1\n",
            "limits.max-foo",
            "unknown field `max-foo`",
        ),
        (
            "[limits]\ntpdu-size = 100000\n",
            "limits.tpdu-size",
            "65531",
        ),
        (
            "[timeouts]\nidle = \"5 weeks\"\n",
            "timeouts.idle",
            "unknown unit",
        ),
        (
            "[retention]\n[[retention.rules]]\nclass = \"inbox\"\nmax-age = \"1d\"\n",
            "retention.rules[0].class",
            "inbox",
        ),
        (
            "[retention]\n[[retention.rules]]\nclass = \"delivery\"\nmax-age = \"0d\"\n",
            "retention.rules[0].max-age",
            "more than 0",
        ),
        ("data-dir = 5\n", "data-dir", "invalid type"),
        (
            "[store]\nname = \"s\"\nor-address = \"garbage\"\n",
            "store.or-address",
            "invalid O/R address `garbage`",
        ),
        (
            "[store]\nname = \"s\"\n",
            "store",
            "missing field `or-address`",
        ),
        ("[directory]\nkind = \"x500\"\n", "directory.kind", "x500"),
        ("[directory]\nkind = \"ldap\"\n", "directory.url", "missing"),
        (
            "[directory]\nkind = \"ldap\"\nurl = \"http://x\"\nbase = \"o=x\"\n",
            "directory.url",
            "ldap://",
        ),
        (
            "[directory]\nkind = \"embedded\"\nurl = \"ldap://x\"\n",
            "directory.url",
            "only used with kind = \"ldap\"",
        ),
        (
            "[log]\nlevel = \"info,[[[\"\n",
            "log.level",
            "invalid filter",
        ),
        ("[log]\nformat = \"xml\"\n", "log.format", "xml"),
        (
            "[[mta-peers]]\nname = \"m\"\naddress = \"nohostport\"\npassword-file = \"x\"\n",
            "mta-peers[0].address",
            "host:port",
        ),
    ];
    for (body, field, problem) in cases {
        let (err, msg) = refused(body);
        assert_eq!(err.field(), Some(*field), "{body}\n=> {msg}");
        assert!(
            msg.contains(&format!(": {field}: ")),
            "message must name {field}: {msg}"
        );
        assert!(msg.contains(problem), "expected `{problem}` in: {msg}");
    }
}

#[test]
fn syntax_errors_and_missing_store_are_refused() {
    let (err, msg) = refused("[limits\nmax-associations = 1\n");
    assert!(matches!(err, ConfigError::Syntax { .. }), "{msg}");
    assert!(msg.contains("line 1"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "data-dir = \"d\"\n").unwrap();
    let msg = Config::load(&path).unwrap_err().to_string();
    assert!(msg.contains("missing field `store`"), "{msg}");

    let msg = Config::load(dir.path().join("absent.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("absent.toml") && msg.contains("cannot read"),
        "{msg}"
    );
}

fn config_with_secret(dir: &Path, secret_mode: Option<u32>) -> PathBuf {
    let path = dir.join("m.toml");
    std::fs::write(&path, format!("{STORE}password-file = \"secrets/pw\"\n")).unwrap();
    if let Some(mode) = secret_mode {
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        std::fs::write(dir.join("secrets/pw"), "s3cret\n").unwrap();
        set_mode(&dir.join("secrets/pw"), mode);
    }
    path
}

#[test]
fn secret_files_checked() {
    // Missing: names the field and the secret file.
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(config_with_secret(dir.path(), None)).unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.field(), Some("store.password-file"), "{msg}");
    assert!(
        msg.contains("secrets/pw") && msg.contains("cannot read"),
        "{msg}"
    );

    // Group- or world-writable: refused.
    for mode in [0o620, 0o602, 0o666] {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load(config_with_secret(dir.path(), Some(mode))).unwrap_err();
        assert!(
            matches!(
                &err,
                ConfigError::Secret {
                    source: SecretError::Writable(_),
                    ..
                }
            ),
            "{mode:o}: {err}"
        );
        assert!(err.to_string().contains("writable by group or others"));
        assert!(err.to_string().contains("store.password-file"));
    }

    // Readable by others (a fresh clone): accepted, warning only.
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config::load(config_with_secret(dir.path(), Some(0o644))).unwrap();
    assert_eq!(cfg.store.password.unwrap().expose(), b"s3cret");

    // Unreadable for this user (skipped as root, who reads anything).
    let dir = tempfile::tempdir().unwrap();
    let path = config_with_secret(dir.path(), Some(0o000));
    if std::fs::read(dir.path().join("secrets/pw")).is_err() {
        let msg = Config::load(&path).unwrap_err().to_string();
        assert!(
            msg.contains("store.password-file") && msg.contains("cannot read"),
            "{msg}"
        );
    } else {
        eprintln!("(running as root: mode 000 is readable, unreadable-secret case not exercised)");
    }

    // A directory where the secret should be.
    let dir = tempfile::tempdir().unwrap();
    let path = config_with_secret(dir.path(), None);
    std::fs::create_dir_all(dir.path().join("secrets/pw")).unwrap();
    let msg = Config::load(&path).unwrap_err().to_string();
    assert!(msg.contains("not a regular file"), "{msg}");
}

#[test]
fn mta_peer_secret_named_by_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(
        &path,
        format!(
            "{STORE}\n[[mta-peers]]\nname = \"a\"\naddress = \"127.0.0.1:102\"\npassword-file = \"a.pw\"\n\n[[mta-peers]]\nname = \"b\"\naddress = \"mta.example:102\"\nt-selector = \"0x0102\"\npassword-file = \"b.pw\"\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.pw"), "pa").unwrap();
    set_mode(&dir.path().join("a.pw"), 0o600);
    let err = Config::load(&path).unwrap_err();
    assert_eq!(err.field(), Some("mta-peers[1].password-file"), "{err}");
    std::fs::write(dir.path().join("b.pw"), "pb").unwrap();
    set_mode(&dir.path().join("b.pw"), 0o600);
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.mta_peers.len(), 2);
    assert_eq!(cfg.mta_peers[1].t_selector.as_bytes(), &[1, 2]);
    assert_eq!(cfg.mta_peers[1].password.expose(), b"pb");
}

/// Is `line` a commented-out TOML line (`# key = value`, `# [[table]]`) of an example?
fn commented_toml(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("# ")?;
    if rest.starts_with("[[") && rest.ends_with("]]") {
        return Some(rest);
    }
    let (key, _) = rest.split_once(" = ")?;
    key.chars()
        .all(|c| c.is_ascii_lowercase() || c == '-')
        .then_some(rest)
}

#[test]
fn shipped_config_examples_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_default_config(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| commented_toml(l).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(uncommented, text, "the shipped config has examples");
    std::fs::write(&path, uncommented).unwrap();
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.retention.rules.len(), 1);
    assert_eq!(cfg.retention.rules[0].max_age.as_secs(), 90 * 86_400);
    assert_eq!(cfg.mta_peers.len(), 1);
    assert_eq!(cfg.mta_peers[0].password.expose(), b"demo-mta-peer");
    assert!(cfg.store.dn.is_some());
    assert_eq!(
        cfg.log.audit_file.as_deref(),
        Some(dir.path().join("../data/audit.log").as_path())
    );
}
