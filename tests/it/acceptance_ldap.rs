//! Issue 9 acceptance (DESIGN.md §6, X.413 §8.1 MS-Bind through an LDAP directory), run with
//! the real binaries: a throwaway slapd holds a user (`textEncodedORAddress`,
//! `userPassword`); `mstored` is configured for it; `p7 summarize` binds with the LDAP
//! password and fails with a wrong one; with slapd stopped `mstored` keeps running, bound
//! users keep working and new binds fail cleanly (bounded, one clear line, a log line on the
//! store's side); with slapd back on the same port binds work again.
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use mstore::asn1::x413 as x;
use mstore::p7::client::{ClientOptions, P7Client};

use crate::common::config::{copy_default_config, set_mode};
use crate::common::procs::{free_addr, p7_command};
use crate::common::values::addr;
use crate::slapd::{SERVICE_DN, SERVICE_PW, Slapd};

const ALICE: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX";
const ALICE_PW: &str = "alice-ldap-pw";

/// Alice as a directory administrator would add her.
fn ldif() -> String {
    format!(
        "dn: cn=EGLLZPZX,ou=users,o=test\nobjectClass: pilotPerson\ncn: EGLLZPZX\n\
         sn: EGLLZPZX\ntextEncodedORAddress: {ALICE}\nuserPassword: {ALICE_PW}\n"
    )
}

/// The shipped configuration in `dir`, its directory switched to the slapd, data beside it,
/// `directory` lines added to `[directory]`.
pub fn ldap_config(dir: &Path, slapd: &Slapd, directory: &str) -> PathBuf {
    let file = copy_default_config(dir);
    let pw = dir.join("secrets/ldap-password");
    std::fs::write(&pw, format!("{SERVICE_PW}\n")).unwrap();
    set_mode(&pw, 0o600);
    let shipped = std::fs::read_to_string(&file).unwrap();
    let text = shipped
        .replace("data-dir = \"../data\"", "data-dir = \"data\"")
        .replace(
            "[directory]\nkind = \"embedded\"\nfile = \"directory.toml\"\n",
            &format!(
                "[directory]\nkind = \"ldap\"\nurl = \"{}\"\nbase = \"ou=users,o=test\"\n\
                 bind-dn = \"{SERVICE_DN}\"\nbind-password-file = \"secrets/ldap-password\"\n\
                 mta-base = \"ou=mtas,o=test\"\ntimeout = \"2s\"\n{directory}\n",
                slapd.url()
            ),
        );
    assert!(
        text.contains("kind = \"ldap\"") && text.contains("data-dir = \"data\""),
        "shipped config changed shape"
    );
    std::fs::write(&file, text).unwrap();
    file
}

/// A running `mstored`, killed on drop; its stderr goes to a file the test reads.
pub struct Mstored {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Mstored {
    pub fn start(config: &Path) -> Mstored {
        let dir = config.parent().unwrap();
        let log = dir.join("mstored.log");
        // A free port can be taken between probing and mstored's bind; try a few.
        for _ in 0..5 {
            let addr = free_addr();
            let mut child = Command::new(env!("CARGO_BIN_EXE_mstored"))
                .arg("--config")
                .arg(config)
                .args(["--listen", &addr.to_string()])
                .env_remove("RUST_LOG")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Mstored { child, addr, log };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "mstored did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Still running and accepting connections.
    pub fn assert_alive(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "mstored exited: {}",
            self.log()
        );
        assert!(
            TcpStream::connect_timeout(&self.addr, Duration::from_secs(2)).is_ok(),
            "mstored no longer accepts connections"
        );
    }
}

impl Mstored {
    /// SIGTERM: a graceful stop, exit status 0, no panic on the way (the LDAP client's
    /// connections own runtimes of their own that must not be dropped on the server's).
    pub fn terminate(mut self) {
        let ok = Command::new("kill")
            .arg(self.child.id().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "mstored did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        let log = self.log();
        assert!(status.success(), "{status:?}: {log}");
        assert!(!log.contains("panicked"), "{log}");
        assert!(log.contains("stopped"), "{log}");
    }
}

impl Drop for Mstored {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the `p7` binary against `server` as Alice; a run longer than `limit` fails the test
/// (a hang is a failure, not a slow success).
pub fn p7(server: SocketAddr, pwfile: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = p7_command(server, ALICE, pwfile, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "p7 {args:?} still running after {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `p7 --json summarize` succeeded and counted no entries (a fresh mailbox).
fn assert_summarized(out: &Output) {
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["count"].as_u64(), Some(0), "{v}");
}

/// Non-zero exit and exactly one line on stderr containing every one of `needles`.
fn assert_refused(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "{:?}", out.status);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    for n in needles {
        assert!(err.contains(n), "no `{n}` in: {err}");
    }
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptance_mstored_with_ldap_users_survives_ldap_going_away() {
    let Some(mut slapd) = Slapd::start(&ldif()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = ldap_config(dir.path(), &slapd, "");
    let good = dir.path().join("good-pw");
    std::fs::write(&good, format!("{ALICE_PW}\n")).unwrap();
    let bad = dir.path().join("bad-pw");
    std::fs::write(&bad, "not-alices-password\n").unwrap();
    let mut mstored = Mstored::start(&config);
    let server = mstored.addr;
    let limit = Duration::from_secs(30);
    let run = |pw: &Path, args: &'static [&'static str]| {
        let pw = pw.to_path_buf();
        tokio::task::spawn_blocking(move || p7(server, &pw, args, limit))
    };

    // The LDAP password binds; a wrong one is an authentication failure, said in one line.
    assert_summarized(&run(&good, &["--json", "summarize"]).await.unwrap());
    let out = run(&bad, &["summarize"]).await.unwrap();
    assert_refused(&out, &["authentication"]);
    assert!(
        mstored.log().contains("wrong password for user"),
        "{}",
        mstored.log()
    );

    // A user bound before the directory goes away.
    let mut opts = ClientOptions::new(server.to_string(), addr(ALICE), ALICE_PW.as_bytes());
    opts.tsel = Some(b"3001".to_vec());
    let bound = P7Client::connect(&opts).await.unwrap();

    slapd.stop();
    let started = Instant::now();
    for (context, reason) in [
        ("88", "the store gave no reason"),
        ("94", "directory is unavailable"),
    ] {
        let args: &'static [&'static str] = if context == "88" {
            &["--context", "88", "summarize"]
        } else {
            &["--context", "94", "summarize"]
        };
        let out = run(&good, args).await.unwrap();
        assert_refused(
            &out,
            &["bind refused", "unable-to-establish-association", reason],
        );
        assert!(!text(&out.stderr).contains("authentication"));
    }
    // Bounded well under the p7 limit: the store fails the bind at once, not after a hang.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    mstored.assert_alive();
    let log = mstored.log();
    assert!(log.contains("LDAP directory unavailable"), "{log}");
    assert!(log.contains("bind refused, directory unreachable"), "{log}");
    // The bound user keeps working: the store's own operations do not need LDAP.
    let s = bound
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(s.count, 0);

    // Back on the same port: binds work again, without restarting mstored.
    let slapd = tokio::task::spawn_blocking(move || {
        slapd.restart();
        slapd
    })
    .await
    .unwrap();
    assert_summarized(&run(&good, &["--json", "summarize"]).await.unwrap());

    // A hung directory (it takes connections, never answers): binds fail after about the
    // LDAP timeout (2 s here), not after the UA's own bind timeout.
    slapd.pause();
    let started = Instant::now();
    let out = run(&good, &["--context", "94", "summarize"]).await.unwrap();
    assert_refused(
        &out,
        &[
            "unable-to-establish-association",
            "directory is unavailable",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
    mstored.assert_alive();
    // After a timeout the store fails lookups at once for one more timeout (so binds queued
    // behind a hung server do not each wait); then it asks the directory again.
    slapd.resume();
    let resumed = Instant::now();
    loop {
        let out = run(&good, &["--json", "summarize"]).await.unwrap();
        if out.status.success() {
            assert_summarized(&out);
            break;
        }
        assert!(
            resumed.elapsed() < Duration::from_secs(10),
            "binds did not recover: {}",
            text(&out.stderr)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_refused(
        &run(&bad, &["summarize"]).await.unwrap(),
        &["authentication"],
    );
    bound.release().await.unwrap();
    mstored.assert_alive();
    tokio::task::spawn_blocking(move || mstored.terminate())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_settings_in_ldap_override_the_configuration_file() {
    // The file says single-p7-bind = false (the shipped default); the store's entry says TRUE.
    let mut ldif = ldif();
    ldif.push_str(
        "\ndn: cn=store,ou=services,o=test\nobjectClass: applicationProcess\n\
         objectClass: mstoreSettings\ncn: store\nmstoreSingleP7Bind: TRUE\n\
         mstoreMaxAssociationsPerUser: 5\n",
    );
    let Some(slapd) = Slapd::start(&ldif) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = ldap_config(
        dir.path(),
        &slapd,
        "store-dn = \"cn=store,ou=services,o=test\"",
    );
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("single-p7-bind = false")
    );
    let good = dir.path().join("good-pw");
    std::fs::write(&good, format!("{ALICE_PW}\n")).unwrap();
    let mstored = Mstored::start(&config);
    let log = mstored.log();
    assert!(
        log.contains("store settings taken from LDAP")
            && log.contains("single-p7-bind=true max-associations-per-user=5")
            && log.contains("cn=store,ou=services,o=test"),
        "{log}"
    );
    let mut opts = ClientOptions::new(mstored.addr.to_string(), addr(ALICE), ALICE_PW.as_bytes());
    opts.tsel = Some(b"3001".to_vec());
    let bound = P7Client::connect(&opts).await.unwrap();
    let server = mstored.addr;
    let out = tokio::task::spawn_blocking(move || {
        p7(
            server,
            &good,
            &["--context", "94", "summarize"],
            Duration::from_secs(30),
        )
    })
    .await
    .unwrap();
    assert_refused(&out, &["unable-to-establish-association", "single-p7-bind"]);
    bound.release().await.unwrap();
    tokio::task::spawn_blocking(move || mstored.terminate())
        .await
        .unwrap();
}
