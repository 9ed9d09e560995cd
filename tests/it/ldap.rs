//! LDAP directory (DESIGN.md §6, issue 9 item 5) against a real OpenLDAP slapd: passwords
//! checked by binding as the user, users found by O/R address whatever its spelling, MTAs
//! under mta-base, LDAP going away and coming back, Password Modify (RFC 3062).
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use mstore::address::ORAddress;
use mstore::config::{Config, DirectoryConfig};
use mstore::directory::{self, Directory, DirectoryError, LdapDirectory};

use crate::common::config::{copy_default_config, set_mode};
use crate::common::values::addr;
use crate::slapd::{SERVICE_DN, SERVICE_PW, SIZE_LIMIT, Slapd};

const ALICE: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX";
const ALICE_DN: &str = "cn=EGLLZPZX,ou=users,o=test";
const ALICE_PW: &str = "alice-pw";

/// A user entry holding `or_addresses` in `attr`.
fn user(cn: &str, ou: &str, attr: &str, or_addresses: &[&str], pw: &str) -> String {
    let mut s = format!(
        "dn: cn={cn},ou={ou},o=test\nobjectClass: person\nobjectClass: extensibleObject\n\
         cn: {cn}\nsn: {cn}\nuserPassword: {pw}\n"
    );
    for a in or_addresses {
        s.push_str(&format!("{attr}: {a}\n"));
    }
    s.push('\n');
    s
}

fn mta(cn: &str, pw: &str) -> String {
    format!(
        "dn: cn={cn},ou=mtas,o=test\nobjectClass: applicationProcess\n\
         objectClass: simpleSecurityObject\ncn: {cn}\nuserPassword: {pw}\n\n"
    )
}

/// Alice written the way a directory administrator might: lower case, extra spaces.
fn base_ldif() -> String {
    let mut s = format!(
        "dn: {ALICE_DN}\nobjectClass: pilotPerson\ncn: EGLLZPZX\nsn: EGLLZPZX\n\
         textEncodedORAddress: c=xx;  a=icao; p=mstore;o=aftn; ou1=egllzpzx\n\
         userPassword: {ALICE_PW}\n\n"
    );
    // A near miss: same words but one.
    s.push_str(&user(
        "EGLLZPZY",
        "users",
        "textEncodedORAddress",
        &["C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZY"],
        "bob-pw",
    ));
    // Two addresses on one entry, the second in the slash form.
    s.push_str(&user(
        "carol",
        "users",
        "textEncodedORAddress",
        &[
            "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=LFPGZPZX",
            "/S=Carol/G=Ann/O=Big  Org/PRMD=MSTORE/ADMD= /C=XX/",
        ],
        "carol-pw",
    ));
    // In ou=locked the ACL does not let users write their own password.
    s.push_str(&user(
        "dave",
        "locked",
        "textEncodedORAddress",
        &["C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EDDFZPZX"],
        "dave-pw",
    ));
    // A user-shaped entry with cn=mta: must not pass as the MTA of that name.
    s.push_str(&user(
        "mta",
        "users",
        "textEncodedORAddress",
        &["C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=MTAUSER"],
        "user-pw",
    ));
    s.push_str(&mta("mta", "mta-pw"));
    s.push_str(&mta("mta2", "mta2-pw"));
    s
}

/// An `mstore.toml` in the slapd's temp dir pointing at it; extra `[directory]` lines
/// appended.
fn config(slapd: &Slapd, url: &str, extra: &str) -> Config {
    let root = slapd.dir().join("mstore");
    std::fs::create_dir_all(&root).unwrap();
    let file = copy_default_config(&root);
    let pw = root.join("ldap-password");
    std::fs::write(&pw, format!("{SERVICE_PW}\n")).unwrap();
    set_mode(&pw, 0o600);
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "[directory]\nkind = \"embedded\"\nfile = \"directory.toml\"\n",
        &format!(
            "[directory]\nkind = \"ldap\"\nurl = \"{url}\"\nbase = \"ou=users,o=test\"\n\
             bind-dn = \"{SERVICE_DN}\"\nbind-password-file = \"ldap-password\"\n\
             mta-base = \"ou=mtas,o=test\"\ntimeout = \"2s\"\n{extra}"
        ),
    );
    assert!(
        text.contains("kind = \"ldap\""),
        "shipped config changed shape"
    );
    std::fs::write(&file, text).unwrap();
    Config::load(&file).unwrap()
}

fn open(slapd: &Slapd, extra: &str) -> Arc<dyn Directory> {
    let d = directory::from_config(&config(slapd, &slapd.url(), extra)).unwrap();
    assert_eq!(d.kind(), "ldap");
    d
}

#[test]
fn passwords_are_checked_by_binding_as_the_user() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    let alice = addr(ALICE);

    let u = d
        .authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();
    assert!(u.or_address.matches(&alice));
    assert_eq!(u.dn.as_deref(), Some(ALICE_DN));

    let e = d
        .authenticate_user(Some(&alice), None, b"wrong")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e:?}");
    // An empty password would be an LDAP "unauthenticated bind": never a success.
    let e = d.authenticate_user(Some(&alice), None, b"").unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e:?}");
    // Another user's password is not Alice's.
    let e = d
        .authenticate_user(Some(&alice), None, b"bob-pw")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e:?}");

    let e = d
        .authenticate_user(
            Some(&addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=KJFKZPZX")),
            None,
            ALICE_PW.as_bytes(),
        )
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e:?}");
    assert!(e.is_authentication_failure());

    // By DN alone, loosely spelled.
    let u = d
        .authenticate_user(
            None,
            Some("CN=egllzpzx, ou=Users, o=TEST"),
            ALICE_PW.as_bytes(),
        )
        .unwrap();
    assert!(u.or_address.matches(&alice));
    // An ORName with only a directory name comes with an empty address.
    let u = d
        .authenticate_user(
            Some(&ORAddress::default()),
            Some(ALICE_DN),
            ALICE_PW.as_bytes(),
        )
        .unwrap();
    assert!(u.or_address.matches(&alice));
    // Address and DN that disagree.
    let e = d
        .authenticate_user(
            Some(&alice),
            Some("cn=carol,ou=users,o=test"),
            ALICE_PW.as_bytes(),
        )
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e:?}");
    // A DN outside the user base is no user, even with the right password.
    let e = d
        .authenticate_user(None, Some(SERVICE_DN), SERVICE_PW.as_bytes())
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e:?}");
    let e = d
        .authenticate_user(None, Some("cn=nobody,ou=users,o=test"), b"x")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e:?}");
    let e = d
        .authenticate_user(None, Some("not a dn"), b"x")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownUser(_)), "{e:?}");
}

#[test]
fn users_are_found_whatever_the_spelling_of_their_address() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    for spelling in [
        ALICE,
        "c=xx;a=icao;p=mstore;o=aftn;ou1=egllzpzx",
        "C=XX; A=ICAO; P=MSTORE; O=AFTN; OU1=EGLLZPZX",
        "/C=XX/ADMD=ICAO/PRMD=MSTORE/O=AFTN/OU=EGLLZPZX/",
    ] {
        let u = d
            .find_user(&addr(spelling))
            .unwrap()
            .unwrap_or_else(|| panic!("{spelling} not found"));
        assert_eq!(u.dn.as_deref(), Some(ALICE_DN), "{spelling}");
    }
    // The near miss is its own user, not Alice.
    let u = d
        .find_user(&addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZY"))
        .unwrap()
        .unwrap();
    assert_eq!(u.dn.as_deref(), Some("cn=EGLLZPZY,ou=users,o=test"));
    assert!(
        d.find_user(&addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZ"))
            .unwrap()
            .is_none()
    );

    // Carol's second address, written in the slash form with a double space.
    let carol = addr("C=XX;A= ;P=MSTORE;O=big org;S=carol;G=ann");
    let u = d.find_user(&carol).unwrap().unwrap();
    assert_eq!(u.dn.as_deref(), Some("cn=carol,ou=users,o=test"));
    assert!(u.or_address.matches(&carol));
    d.authenticate_user(Some(&carol), None, b"carol-pw")
        .unwrap();

    let by_dn = d
        .find_user_by_dn("cn=carol,ou=users,o=test")
        .unwrap()
        .unwrap();
    assert_eq!(by_dn.dn.as_deref(), Some("cn=carol,ou=users,o=test"));
    // Entries outside the user base (here ou=locked) are not users of this store.
    assert!(
        d.find_user_by_dn("cn=dave,ou=locked,o=test")
            .unwrap()
            .is_none()
    );
}

#[test]
fn mhs_or_addresses_attribute_and_ambiguity() {
    let mut ldif = user(
        "erin",
        "users",
        "mhsORAddresses",
        &["/CN=Erin/OU=EGKK/O=AFTN/PRMD=MSTORE/ADMD=ICAO/C=XX/"],
        "erin-pw",
    );
    // Two entries claiming one address: the directory must not pick one.
    for cn in ["twin1", "twin2"] {
        ldif.push_str(&user(
            cn,
            "users",
            "mhsORAddresses",
            &["C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=TWIN"],
            "twin-pw",
        ));
    }
    let Some(slapd) = Slapd::start(&ldif) else {
        return;
    };
    let d = open(&slapd, "or-address-attribute = \"mhsORAddresses\"\n");
    let erin = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGKK;CN=erin");
    let u = d.authenticate_user(Some(&erin), None, b"erin-pw").unwrap();
    assert_eq!(u.dn.as_deref(), Some("cn=erin,ou=users,o=test"));

    let e = d
        .authenticate_user(
            Some(&addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=TWIN")),
            None,
            b"twin-pw",
        )
        .unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    assert!(e.to_string().contains("cn=twin1"), "{e}");
    assert!(!e.is_authentication_failure());
}

#[test]
fn mtas_bind_as_their_entry_under_mta_base() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    assert_eq!(d.authenticate_mta("mta", b"mta-pw").unwrap().name, "mta");
    assert_eq!(d.authenticate_mta("mta2", b"mta2-pw").unwrap().name, "mta2");
    let e = d.authenticate_mta("mta", b"mta2-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::BadMtaPassword(_)), "{e:?}");
    let e = d.authenticate_mta("mta", b"").unwrap_err();
    assert!(matches!(e, DirectoryError::BadMtaPassword(_)), "{e:?}");
    // The user entry named cn=mta (its password is user-pw) is not an MTA.
    let e = d.authenticate_mta("mta", b"user-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::BadMtaPassword(_)), "{e:?}");
    let e = d.authenticate_mta("nosuch", b"mta-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownMta(_)), "{e:?}");
    // Filter metacharacters in a peer-supplied name are escaped, not interpreted.
    let e = d.authenticate_mta("*", b"mta-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownMta(_)), "{e:?}");
    let e = d.authenticate_mta("m*)(cn=*", b"mta-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::UnknownMta(_)), "{e:?}");

    let mut names: Vec<String> = d.list_mtas().unwrap().into_iter().map(|m| m.name).collect();
    names.sort();
    assert_eq!(names, ["mta", "mta2"]);
}

#[test]
fn listing_pages_past_the_server_size_limit() {
    let mut ldif = base_ldif();
    let n = SIZE_LIMIT + 30;
    for i in 0..n {
        ldif.push_str(&user(
            &format!("bulk{i}"),
            "users",
            "textEncodedORAddress",
            &[&format!("C=XX;A=ICAO;P=MSTORE;O=BULK;OU1=U{i}")],
            "pw",
        ));
    }
    let Some(slapd) = Slapd::start(&ldif) else {
        return;
    };
    let d = open(&slapd, "");
    let users = d.list_users().unwrap();
    // Users under ou=users: the bulk ones, Alice, the near miss, Carol and the cn=mta user.
    assert_eq!(users.len(), n + 4);
    assert!(users.iter().any(|u| u.or_address.matches(&addr(ALICE))));
    let mut keys: Vec<String> = users.iter().map(|u| u.or_address.canonical()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n + 4);
    // A lookup among many similar entries still finds the one.
    let u = d
        .find_user(&addr(&format!(
            "C=XX;A=ICAO;P=MSTORE;O=BULK;OU1=U{}",
            n - 1
        )))
        .unwrap()
        .unwrap();
    assert_eq!(u.dn, Some(format!("cn=bulk{},ou=users,o=test", n - 1)));
}

#[test]
fn ldap_down_fails_cleanly_and_recovers() {
    let Some(mut slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    let alice = addr(ALICE);
    d.authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();

    slapd.stop();
    // The failure leaves a log line naming the server.
    let (e, log) = logged(|| d.authenticate_user(Some(&alice), None, ALICE_PW.as_bytes()));
    assert!(matches!(e, Err(DirectoryError::Unavailable(_))), "{e:?}");
    assert!(log.contains("LDAP directory unavailable"), "{log}");
    assert!(log.contains(&slapd.url()), "{log}");
    for _ in 0..2 {
        let e = d
            .authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
            .unwrap_err();
        assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
        assert!(!e.is_authentication_failure());
        let msg = e.to_string();
        assert!(msg.contains(&slapd.url()), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
    let e = d.authenticate_mta("mta", b"mta-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    let e = d.list_users().unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");

    slapd.restart();
    let u = d
        .authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();
    assert_eq!(u.dn.as_deref(), Some(ALICE_DN));
    d.authenticate_mta("mta", b"mta-pw").unwrap();

    // Restarted under the directory's feet while its service connection is open: the
    // broken connection is noticed and replaced within the same call.
    slapd.restart();
    d.authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();
}

/// Runs `f` with a tracing subscriber that captures what it logs.
fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
    #[derive(Clone, Default)]
    struct Buf(Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8_lossy(&buf.0.lock().unwrap()).into_owned();
    (out, text)
}

#[test]
fn ldap_down_at_start_is_not_fatal() {
    let Some(mut slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let cfg = config(&slapd, &slapd.url(), "");
    let DirectoryConfig::Ldap(l) = &cfg.directory else {
        panic!("not an LDAP config");
    };
    let ldap = LdapDirectory::new(l).unwrap();
    ldap.ping().unwrap();
    slapd.stop();
    let e = ldap.ping().unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    // The store starts with LDAP down; binds fail cleanly until it is back.
    let d = open(&slapd, "");
    let e = d
        .authenticate_user(Some(&addr(ALICE)), None, ALICE_PW.as_bytes())
        .unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    slapd.restart();
    d.authenticate_user(Some(&addr(ALICE)), None, ALICE_PW.as_bytes())
        .unwrap();
}

#[test]
fn wrong_service_password_is_unavailable_not_a_user_error() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let cfg = config(&slapd, &slapd.url(), "");
    std::fs::write(slapd.dir().join("mstore/ldap-password"), "not-it\n").unwrap();
    let cfg = Config::load(&cfg.file).unwrap();
    let d = directory::from_config(&cfg).unwrap();
    let e = d
        .authenticate_user(Some(&addr(ALICE)), None, ALICE_PW.as_bytes())
        .unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    assert!(e.to_string().contains(SERVICE_DN), "{e}");
    assert!(e.to_string().contains("invalidCredentials"), "{e}");
}

#[test]
fn change_credentials_is_a_password_modify_as_the_user() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    let alice = addr(ALICE);
    let u = d
        .authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();

    let e = d.change_credentials(&u, b"wrong", b"new-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e:?}");
    let e = d
        .change_credentials(&u, ALICE_PW.as_bytes(), b"")
        .unwrap_err();
    assert!(matches!(e, DirectoryError::Invalid(_)), "{e:?}");
    d.authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap();

    d.change_credentials(&u, ALICE_PW.as_bytes(), b"new-pw")
        .unwrap();
    let e = d
        .authenticate_user(Some(&alice), None, ALICE_PW.as_bytes())
        .unwrap_err();
    assert!(matches!(e, DirectoryError::BadPassword(_)), "{e:?}");
    d.authenticate_user(Some(&alice), None, b"new-pw").unwrap();

    // A user known only by address (no DN yet) is looked up first.
    let mut by_addr = u.clone();
    by_addr.dn = None;
    d.change_credentials(&by_addr, b"new-pw", b"newer-pw")
        .unwrap();
    d.authenticate_user(Some(&alice), None, b"newer-pw")
        .unwrap();

    // Without the old password the service account would have to set it; this directory
    // does not allow that, and says so.
    let e = d.change_user_password(&u, b"x").unwrap_err();
    assert!(matches!(e, DirectoryError::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains(SERVICE_DN), "{e}");
    d.authenticate_user(Some(&alice), None, b"newer-pw")
        .unwrap();
}

#[test]
fn change_credentials_refused_by_the_directory_is_clear() {
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    // Dave lives in ou=locked, where users may not write their password.
    let cfg = config(&slapd, &slapd.url(), "");
    let text = std::fs::read_to_string(&cfg.file)
        .unwrap()
        .replace("base = \"ou=users,o=test\"", "base = \"o=test\"");
    std::fs::write(&cfg.file, text).unwrap();
    let d = directory::from_config(&Config::load(&cfg.file).unwrap()).unwrap();
    let dave = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EDDFZPZX");
    let u = d.authenticate_user(Some(&dave), None, b"dave-pw").unwrap();
    let e = d.change_credentials(&u, b"dave-pw", b"new-pw").unwrap_err();
    assert!(matches!(e, DirectoryError::Unsupported(_)), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("cn=dave,ou=locked,o=test"), "{msg}");
    // OpenLDAP answers unwillingToPerform ("unwilling to verify old password") here; other
    // servers insufficientAccessRights. Either way the server's reason is passed on.
    assert!(msg.contains("does not let the user"), "{msg}");
    assert!(msg.contains("result code 5"), "{msg}");
    d.authenticate_user(Some(&dave), None, b"dave-pw").unwrap();
}

#[test]
fn works_from_spawn_blocking() {
    // The server calls the directory from tokio's blocking pool; ldap3's sync client runs
    // its own runtime there, which must not clash with the server's.
    let Some(slapd) = Slapd::start(&base_ldif()) else {
        return;
    };
    let d = open(&slapd, "");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let u = rt
        .block_on(async move {
            tokio::task::spawn_blocking(move || {
                d.authenticate_user(Some(&addr(ALICE)), None, ALICE_PW.as_bytes())
            })
            .await
        })
        .unwrap()
        .unwrap();
    assert_eq!(u.dn.as_deref(), Some(ALICE_DN));
}

#[test]
fn a_server_that_never_answers_times_out() {
    let Some(slapd) = Slapd::start("") else {
        return;
    };
    // A listener nobody serves: the kernel completes the TCP handshake, then silence.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ldap://{}", silent.local_addr().unwrap());
    let cfg = config(&slapd, &url, "");
    let text = std::fs::read_to_string(&cfg.file)
        .unwrap()
        .replace("timeout = \"2s\"", "timeout = \"1s\"");
    std::fs::write(&cfg.file, text).unwrap();
    let d = directory::from_config(&Config::load(&cfg.file).unwrap()).unwrap();
    let started = std::time::Instant::now();
    let e = d
        .authenticate_user(Some(&addr(ALICE)), None, ALICE_PW.as_bytes())
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    assert!(e.to_string().contains("timeout"), "{e}");
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(5),
        "{took:?}"
    );
    // Callers right behind the one that waited fail at once, with the same reason.
    let started = std::time::Instant::now();
    let e2 = d.find_user(&addr(ALICE)).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
    assert_eq!(e2.to_string(), e.to_string());
    drop(silent);
}

#[test]
fn a_user_entry_may_carry_its_outbox_choice() {
    let mut ldif = base_ldif();
    // The per-user class of schema/mstore.schema on two more users.
    for (cn, ou1, v) in [("erin", "ESSAZPZX", "FALSE"), ("frank", "ESSAZPZY", "TRUE")] {
        let e = user(
            cn,
            "users",
            "textEncodedORAddress",
            &[&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1={ou1}")],
            &format!("{cn}-pw"),
        );
        // slapadd wants the object classes together.
        let e = e.replacen(
            "objectClass: extensibleObject\n",
            "objectClass: extensibleObject\nobjectClass: mstoreUser\n",
            1,
        );
        ldif.push_str(e.trim_end());
        ldif.push_str(&format!("\nmstoreOutbox: {v}\n\n"));
    }
    let Some(slapd) = Slapd::start(&ldif) else {
        return;
    };
    let d = open(&slapd, "");
    let erin = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=ESSAZPZX");
    let frank = addr("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=ESSAZPZY");
    assert_eq!(d.find_user(&erin).unwrap().unwrap().outbox, Some(false));
    assert_eq!(d.find_user(&frank).unwrap().unwrap().outbox, Some(true));
    assert_eq!(d.find_user(&addr(ALICE)).unwrap().unwrap().outbox, None);
    // Read with the entry the bind finds, by address or by DN.
    let u = d.authenticate_user(Some(&erin), None, b"erin-pw").unwrap();
    assert_eq!(u.outbox, Some(false));
    let u = d
        .authenticate_user(None, Some("cn=frank,ou=users,o=test"), b"frank-pw")
        .unwrap();
    assert_eq!(u.outbox, Some(true));
    let listed = d.list_users().unwrap();
    let of = |a: &ORAddress| {
        listed
            .iter()
            .find(|u| u.or_address.matches(a))
            .unwrap()
            .outbox
    };
    assert_eq!(
        (of(&erin), of(&frank), of(&addr(ALICE))),
        (Some(false), Some(true), None)
    );
}

/// The store's own entry with the `mstoreSettings` attributes given (`schema/mstore.schema`).
fn store_entry(cn: &str, attrs: &[(&str, &str)]) -> String {
    let mut s = format!(
        "dn: cn={cn},ou=services,o=test\nobjectClass: applicationProcess\n\
         objectClass: mstoreSettings\ncn: {cn}\n"
    );
    for (a, v) in attrs {
        s.push_str(&format!("{a}: {v}\n"));
    }
    s.push('\n');
    s
}

#[test]
fn store_settings_come_from_the_store_entry() {
    let mut ldif = base_ldif();
    ldif.push_str(&store_entry(
        "store1",
        &[
            ("mstoreSingleP7Bind", "TRUE"),
            ("mstoreMaxAssociationsPerUser", "3"),
        ],
    ));
    ldif.push_str(&store_entry("store2", &[("mstoreSingleP7Bind", "FALSE")]));
    ldif.push_str(&store_entry("store3", &[]));
    // The schema lets through what its syntaxes allow; the store checks the rest.
    ldif.push_str(&store_entry(
        "store4",
        &[("mstoreMaxAssociationsPerUser", "0")],
    ));
    let Some(mut slapd) = Slapd::start(&ldif) else {
        return;
    };
    let settings = |slapd: &Slapd, dn: &str| {
        let d = open(slapd, &format!("store-dn = \"{dn}\"\n"));
        d.store_settings()
    };
    let s = settings(&slapd, "cn=store1,ou=services,o=test")
        .unwrap()
        .unwrap();
    assert_eq!(s.dn, "cn=store1,ou=services,o=test");
    assert_eq!(
        (s.single_p7_bind, s.max_associations_per_user),
        (Some(true), Some(3))
    );
    assert_eq!(
        s.describe(),
        "single-p7-bind=true max-associations-per-user=3"
    );
    let s = settings(&slapd, "cn=store2,ou=services,o=test")
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.single_p7_bind, s.max_associations_per_user),
        (Some(false), None)
    );
    let s = settings(&slapd, "cn=store3,ou=services,o=test")
        .unwrap()
        .unwrap();
    assert_eq!(s.describe(), "");
    let (s, log) = logged(|| settings(&slapd, "cn=store4,ou=services,o=test"));
    assert_eq!(s.unwrap().unwrap().max_associations_per_user, None);
    assert!(log.contains("mstoreMaxAssociationsPerUser"), "{log}");
    // A store-dn that names nothing is an error the caller logs; no store-dn reads nothing.
    let e = settings(&slapd, "cn=nope,ou=services,o=test").unwrap_err();
    assert!(e.to_string().contains("cn=nope"), "{e}");
    assert_eq!(open(&slapd, "").store_settings().unwrap(), None);
    // LDAP down: unavailable, not a panic or a hang.
    slapd.stop();
    let e = settings(&slapd, "cn=store1,ou=services,o=test").unwrap_err();
    assert!(matches!(e, DirectoryError::Unavailable(_)), "{e:?}");
    // The embedded directory has no store entry.
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config::load(copy_default_config(dir.path())).unwrap();
    let d = directory::from_config(&cfg).unwrap();
    assert_eq!(d.store_settings().unwrap(), None);
}

#[test]
fn store_dn_is_an_ldap_only_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_default_config(dir.path());
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "file = \"directory.toml\"\n",
        "file = \"directory.toml\"\nstore-dn = \"cn=x\"\n",
    );
    std::fs::write(&file, text).unwrap();
    let e = Config::load(&file).unwrap_err();
    assert!(e.to_string().contains("directory.store-dn"), "{e}");
}
