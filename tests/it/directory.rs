//! Embedded directory (DESIGN.md §6): argon2 checks, reload on change, `mstorectl user|mta`,
//! and crash safety of rewrites under SIGKILL.
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mstore::config::Config;
use mstore::directory::{self, Directory, DirectoryError, EmbeddedDirectory, NewUser};

use crate::common::cli::mstorectl;
use crate::common::config::{copy_default_config, set_mode};
use crate::common::values::addr;

const DEMO: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let config = copy_default_config(&root);
        Setup {
            _dir: dir,
            root,
            config,
        }
    }
    fn directory_file(&self) -> PathBuf {
        self.root.join("directory.toml")
    }
    fn password_file(&self, name: &str, pw: &str) -> PathBuf {
        let p = self.root.join(name);
        std::fs::write(&p, format!("{pw}\n")).unwrap();
        p
    }
    fn cfg(&self) -> &str {
        self.config.to_str().unwrap()
    }
    /// `mstorectl <kind> add --config … <flag> <value> --password-file <pw>`.
    fn ctl_add(&self, kind: &str, flag: &str, value: &str, pw: &str) -> Output {
        mstorectl(&[
            kind,
            "add",
            "--config",
            self.cfg(),
            flag,
            value,
            "--password-file",
            pw,
        ])
    }
    /// `mstorectl user add` for `or_address` with the password in `pw`, stdout discarded.
    fn user_add(&self, or_address: &str, pw: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mstorectl"));
        c.args([
            "user",
            "add",
            "--config",
            self.cfg(),
            "--or-address",
            or_address,
            "--password-file",
            pw.to_str().unwrap(),
        ])
        .stdout(Stdio::null());
        c
    }
}

/// The canonical addresses of the users in a directory file, read with a fresh parser.
fn users_in(file: &Path) -> Result<BTreeSet<String>, DirectoryError> {
    Ok(EmbeddedDirectory::open(file)?
        .list_users()?
        .into_iter()
        .map(|u| u.or_address.canonical())
        .collect())
}

#[test]
fn demo_user_and_mta_authenticate() {
    let s = Setup::new();
    let cfg = Config::load(&s.config).unwrap();
    let dir = directory::from_config(&cfg).unwrap();
    assert_eq!(dir.kind(), "embedded");

    let user = dir
        .authenticate_user(Some(&addr(DEMO)), None, b"demo")
        .unwrap();
    assert_eq!(user.or_address.canonical(), addr(DEMO).canonical());
    // Matching is by canonical form: case does not matter.
    let lower = DEMO.to_lowercase();
    dir.authenticate_user(Some(&addr(&lower)), None, b"demo")
        .unwrap();

    let e = dir
        .authenticate_user(Some(&addr(DEMO)), None, b"Demo")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e}");
    assert!(e.is_authentication_failure());
    let e = dir
        .authenticate_user(
            Some(&addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZZZZ")),
            None,
            b"demo",
        )
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e}");
    assert!(e.is_authentication_failure());
    let e = dir.authenticate_user(None, None, b"demo").unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e}");

    assert_eq!(
        dir.authenticate_mta("mta", b"demo-mta").unwrap().name,
        "mta"
    );
    assert!(matches!(
        dir.authenticate_mta("mta", b"demo").unwrap_err(),
        DirectoryError::BadMtaPassword(_)
    ));
    assert!(matches!(
        dir.authenticate_mta("other", b"demo-mta").unwrap_err(),
        DirectoryError::UnknownMta(_)
    ));
    assert_eq!(dir.list_mtas().unwrap().len(), 1);
    assert!(dir.find_user(&addr(DEMO)).unwrap().is_some());
}

#[test]
fn users_found_by_dn_and_dn_must_agree() {
    let s = Setup::new();
    let d = EmbeddedDirectory::open(s.directory_file()).unwrap();
    let mut u = NewUser::new(addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLYYYY"));
    u.dn = Some("cn=EGLLYYYY,o=AFTN".into());
    d.add_users(&[u], b"pw").unwrap();
    let by_dn = d
        .authenticate_user(None, Some("CN=EGLLYYYY, O=AFTN"), b"pw")
        .unwrap();
    assert_eq!(by_dn.dn.as_deref(), Some("cn=EGLLYYYY,o=AFTN"));
    let a = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLYYYY");
    d.authenticate_user(Some(&a), Some("cn=EGLLYYYY,o=AFTN"), b"pw")
        .unwrap();
    assert!(matches!(
        d.authenticate_user(Some(&a), Some("cn=someone-else"), b"pw"),
        Err(DirectoryError::UnknownUser(_))
    ));
    assert!(d.find_user_by_dn("cn=egllyyyy,o=aftn").unwrap().is_some());
}

#[test]
fn change_password_and_remove() {
    let s = Setup::new();
    let d = EmbeddedDirectory::open(s.directory_file()).unwrap();
    let user = d.find_user(&addr(DEMO)).unwrap().unwrap();
    d.change_user_password(&user, b"new").unwrap();
    assert!(
        d.authenticate_user(Some(&addr(DEMO)), None, b"demo")
            .is_err()
    );
    d.authenticate_user(Some(&addr(DEMO)), None, b"new")
        .unwrap();
    d.remove_user(&addr(DEMO)).unwrap();
    assert!(d.find_user(&addr(DEMO)).unwrap().is_none());
    assert!(matches!(
        d.remove_user(&addr(DEMO)),
        Err(DirectoryError::UnknownUser(_))
    ));
    // The header comment (with the demo passwords) survives rewrites; MTAs are untouched.
    let text = std::fs::read_to_string(s.directory_file()).unwrap();
    assert!(text.starts_with("# mstore embedded directory"), "{text}");
    assert!(text.contains("name = \"mta\""));
}

#[test]
fn reloads_when_file_changes_without_restart() {
    let s = Setup::new();
    let cfg = Config::load(&s.config).unwrap();
    let server_view = directory::from_config(&cfg).unwrap();
    let new = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLAAAA");
    assert!(server_view.find_user(&new).unwrap().is_none());

    // Another process-like writer (its own instance) adds a user.
    EmbeddedDirectory::open(s.directory_file())
        .unwrap()
        .add_users(&[NewUser::new(new.clone())], b"pw-a")
        .unwrap();
    server_view
        .authenticate_user(Some(&new), None, b"pw-a")
        .unwrap();
    assert_eq!(server_view.list_users().unwrap().len(), 2);

    // A hand edit that breaks the file: the last good entries stay in force.
    let good = std::fs::read_to_string(s.directory_file()).unwrap();
    std::fs::write(s.directory_file(), "[[users]]\nor-address = \"x=1\"\n").unwrap();
    assert_eq!(server_view.list_users().unwrap().len(), 2);
    server_view
        .authenticate_user(Some(&new), None, b"pw-a")
        .unwrap();

    // A hand edit that removes the new user (same size class, in place) is seen.
    let without: String = {
        let start = good
            .find("[[users]]\nor-address = \"C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLAAAA\"")
            .unwrap();
        let end = good[start + 1..]
            .find("[[")
            .map(|i| i + start + 1)
            .unwrap_or(good.len());
        format!("{}{}", &good[..start], &good[end..])
    };
    std::fs::write(s.directory_file(), &without).unwrap();
    assert!(server_view.find_user(&new).unwrap().is_none());
    assert_eq!(server_view.list_users().unwrap().len(), 1);
}

#[test]
fn directory_file_errors_name_the_entry() {
    let s = Setup::new();
    let cases = [
        (
            "[[users]]\nor-address = \"garbage\"\npassword-hash = \"x\"\n",
            "users[0].or-address",
        ),
        (
            "[[users]]\nor-address = \"C=XX;A=B\"\npassword-hash = \"plaintext\"\n",
            "users[0].password-hash",
        ),
        ("[[users]]\nor-address = \"C=XX;A=B\"\n", "users[0]"),
        (
            "[[mtas]]\nname = \"m\"\npassword-hash = \"x\"\nextra = 1\n",
            "mtas[0].extra",
        ),
    ];
    for (body, field) in cases {
        std::fs::write(s.directory_file(), body).unwrap();
        let e = EmbeddedDirectory::open(s.directory_file()).unwrap_err();
        assert!(e.to_string().contains(field), "{field}: {e}");
    }
    let h = mstore::directory::password::hash_password(b"x").unwrap();
    std::fs::write(
        s.directory_file(),
        format!("[[users]]\nor-address = \"C=XX;A=B;P=C\"\npassword-hash = \"{h}\"\n[[users]]\nor-address = \"c=xx;a=b;p=c\"\npassword-hash = \"{h}\"\n"),
    )
    .unwrap();
    let e = EmbeddedDirectory::open(s.directory_file()).unwrap_err();
    assert!(
        e.to_string()
            .contains("users[1].or-address: same O/R address as users[0]"),
        "{e}"
    );
}

#[test]
fn ctl_user_add_list_remove_and_mta_add() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    let a = "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA";
    let out = s.ctl_add("user", "--or-address", a, pw.to_str().unwrap());
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = mstorectl(&["user", "list", "--config", s.cfg()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.contains(DEMO), "{listed}");
    assert!(
        listed
            .lines()
            .any(|l| addr(l.split('\t').next().unwrap()).matches(&addr(a))),
        "{listed}"
    );

    let out = mstorectl(&["user", "list", "--config", s.cfg(), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert!(arr.iter().any(|u| u["canonical"] == addr(a).canonical()));

    // Adding an existing user (any spelling of the address) fails clearly, exit 2, one line.
    let out = s.ctl_add(
        "user",
        "--or-address",
        &a.to_lowercase(),
        pw.to_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("already exists") && err.trim().lines().count() == 1,
        "{err}"
    );

    // The password works through the directory the server would use.
    let d = EmbeddedDirectory::open(s.directory_file()).unwrap();
    d.authenticate_user(Some(&addr(a)), None, b"secret")
        .unwrap();

    // Remove.
    let out = mstorectl(&["user", "remove", "--config", s.cfg(), "--or-address", a]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(d.find_user(&addr(a)).unwrap().is_none());
    let out = mstorectl(&["user", "remove", "--config", s.cfg(), "--or-address", a]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // MTA.
    let out = s.ctl_add("mta", "--name", "mta2", pw.to_str().unwrap());
    assert!(out.status.success(), "{}", text(&out.stderr));
    d.authenticate_mta("mta2", b"secret").unwrap();
    let out = s.ctl_add("mta", "--name", "mta", pw.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already exists"));
}

#[test]
fn ctl_user_add_from_file_is_all_or_nothing() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    let before = std::fs::read(s.directory_file()).unwrap();
    let list = s.root.join("users.txt");

    // A malformed line: exit 2, one line naming the line, nothing written.
    std::fs::write(
        &list,
        "# AFTN users\nC=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLBBBB\n\nnot an address\n",
    )
    .unwrap();
    let out = s.ctl_add(
        "user",
        "--from-file",
        list.to_str().unwrap(),
        pw.to_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 4") && err.trim().lines().count() == 1,
        "{err}"
    );
    assert_eq!(std::fs::read(s.directory_file()).unwrap(), before);

    // One already present: nothing written.
    std::fs::write(
        &list,
        format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLBBBB\n{DEMO}\n"),
    )
    .unwrap();
    let out = s.ctl_add(
        "user",
        "--from-file",
        list.to_str().unwrap(),
        pw.to_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(s.directory_file()).unwrap(), before);

    // Twice in the same file: nothing written.
    std::fs::write(
        &list,
        "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLBBBB\nc=xx;a=icao;p=mstore;o=aftn;ou1=egllbbbb\n",
    )
    .unwrap();
    let out = s.ctl_add(
        "user",
        "--from-file",
        list.to_str().unwrap(),
        pw.to_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(s.directory_file()).unwrap(), before);

    // All good: all added.
    std::fs::write(&list, "# comment\nC=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLBBBB\n\nC=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLCCCC\n").unwrap();
    let out = s.ctl_add(
        "user",
        "--from-file",
        list.to_str().unwrap(),
        pw.to_str().unwrap(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(users_in(&s.directory_file()).unwrap().len(), 3);
}

#[test]
fn ctl_rejects_bad_input_with_exit_2() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    let out = s.ctl_add("user", "--or-address", "C=XX;Q", pw.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim().lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let out = s.ctl_add("user", "--or-address", DEMO, "/nonexistent/pw");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/pw"));
    let out = mstorectl(&["user", "list", "--config", "/nonexistent/mstore.toml"]);
    assert_eq!(out.status.code(), Some(2));
    // A secret file writable by others makes the config (and so the command) refused.
    set_mode(&s.root.join("secrets/store-password"), 0o666);
    let out = mstorectl(&["user", "list", "--config", s.cfg()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("store.password-file"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn rewrite_keeps_file_mode() {
    let s = Setup::new();
    set_mode(&s.directory_file(), 0o640);
    let d = EmbeddedDirectory::open(s.directory_file()).unwrap();
    d.add_users(
        &[NewUser::new(addr(
            "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLDDDD",
        ))],
        b"x",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(s.directory_file())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
}

/// SIGKILL `mstorectl user add` at random moments: afterwards the directory file always
/// parses and holds exactly the old set of users or the old set plus the new one.
#[test]
fn kill_during_user_add_leaves_old_or_new_file() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    let add = |n: usize| {
        s.user_add(&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLL{n:04}"), &pw)
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long one uninterrupted run takes, so kills spread over all of it.
    let t = Instant::now();
    assert!(add(0).wait().unwrap().success());
    let full = t.elapsed().max(Duration::from_millis(5));

    let mut users = users_in(&s.directory_file()).unwrap();
    let (mut killed_old, mut killed_new, mut finished) = (0, 0, 0);
    for n in 1..=60usize {
        let new = addr(&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLL{n:04}")).canonical();
        let mut child = add(n);
        // Random point in the run; two runs in three aim at its end, where the temp file is
        // written, fsynced and renamed. Some runs finish, most are cut.
        let f: f64 = rand::random();
        let delay = if n % 3 == 0 {
            full.mul_f64(f * 1.2)
        } else {
            full.mul_f64(0.6 + f * 0.5)
        };
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = users_in(&s.directory_file())
            .unwrap_or_else(|e| panic!("run {n}: directory broken after kill at {delay:?}: {e}"));
        let mut with_new = users.clone();
        with_new.insert(new);
        if now == users {
            killed_old += 1;
        } else if now == with_new {
            if status.success() {
                finished += 1
            } else {
                killed_new += 1
            }
            users = with_new;
        } else {
            panic!("run {n}: neither old nor new set of users: {now:?}");
        }
    }
    eprintln!(
        "kill test: {killed_old} left the old file, {killed_new} killed after the rename, {finished} finished"
    );
    // No temp files pile up beyond the one a killed writer may leave (removed by the next writer).
    let temps = std::fs::read_dir(&s.root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp.")
        })
        .count();
    assert!(temps <= 1, "{temps} temp files left");
    assert!(
        killed_old > 0,
        "no run was interrupted: the test did not test anything"
    );
}

#[test]
fn concurrent_adds_are_serialised_and_none_is_lost() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    let children: Vec<_> = (0..6)
        .map(|n| {
            s.user_add(&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGKK{n:04}"), &pw)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The demo user and all six.
    assert_eq!(users_in(&s.directory_file()).unwrap().len(), 7);
}

#[test]
fn world_readable_secret_only_warns() {
    let s = Setup::new();
    set_mode(&s.root.join("secrets/store-password"), 0o644);
    let out = mstorectl(&["user", "list", "--config", s.cfg()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("readable by others") && err.contains("store.password-file"),
        "{err}"
    );
}

#[test]
fn mta_names_are_checked() {
    let s = Setup::new();
    let pw = s.password_file("pw", "secret");
    for bad in ["", "two words", &"m".repeat(33)] {
        let out = s.ctl_add("mta", "--name", bad, pw.to_str().unwrap());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("MTA name"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn user_add_creates_a_missing_directory_file() {
    let s = Setup::new();
    std::fs::remove_file(s.directory_file()).unwrap();
    let out = mstorectl(&["user", "list", "--config", s.cfg()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let pw = s.password_file("pw", "secret");
    let out = s.ctl_add("user", "--or-address", DEMO, pw.to_str().unwrap());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let d = EmbeddedDirectory::open(s.directory_file()).unwrap();
    d.authenticate_user(Some(&addr(DEMO)), None, b"secret")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(s.directory_file())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode & 0o077, 0, "a new directory file is private: {mode:o}");
}
