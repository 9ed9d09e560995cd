//! A throwaway OpenLDAP `slapd` for tests (DESIGN.md §6: "tests run a real OpenLDAP slapd"):
//! a temp dir with a slapd.conf and an mdb database loaded by `slapadd`, listening on a free
//! loopback port, started in a fraction of a second and killed on drop.
//!
//! The tree: `o=test` with `ou=users`, `ou=mtas`, `ou=locked` (users there may not change
//! their password) and the service account [`SERVICE_DN`] (reads everything but passwords).
//! mstore's own `schema/mstore.schema` is loaded (settings on the store's entry).
//! The server's size limit is [`SIZE_LIMIT`], so listings must page. Tests add entries as
//! LDIF. `tools/test` installs slapd; without it, [`Slapd::start`] prints a loud SKIPPED
//! line and returns `None`.
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory's suffix.
pub const SUFFIX: &str = "o=test";
/// The store's service account.
pub const SERVICE_DN: &str = "cn=mstore,ou=services,o=test";
/// Its password.
pub const SERVICE_PW: &str = "service-secret";
/// slapd's size limit for everyone but the rootdn.
pub const SIZE_LIMIT: usize = 50;

const ROOT_DN: &str = "cn=admin,o=test";
const ROOT_PW: &str = "root-secret";

const BASE_LDIF: &str = "\
dn: o=test
objectClass: organization
o: test

dn: ou=users,o=test
objectClass: organizationalUnit
ou: users

dn: ou=locked,o=test
objectClass: organizationalUnit
ou: locked

dn: ou=mtas,o=test
objectClass: organizationalUnit
ou: mtas

dn: ou=services,o=test
objectClass: organizationalUnit
ou: services

dn: cn=mstore,ou=services,o=test
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: mstore
userPassword: service-secret
";

/// Where the OpenLDAP programs are, if installed.
struct Install {
    slapd: PathBuf,
    slapadd: PathBuf,
    schema_dir: PathBuf,
    /// Debian builds backends as modules.
    module_dir: Option<PathBuf>,
}

fn find_install() -> Option<Install> {
    let first = |cands: &[&str]| cands.iter().map(PathBuf::from).find(|p| p.exists());
    let slapd = first(&[
        "/usr/sbin/slapd",
        "/usr/local/sbin/slapd",
        "/usr/libexec/slapd",
    ])?;
    let slapadd = first(&["/usr/sbin/slapadd", "/usr/local/sbin/slapadd"])?;
    let schema_dir = [
        "/etc/ldap/schema",
        "/etc/openldap/schema",
        "/usr/local/etc/openldap/schema",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.join("core.schema").exists())?;
    let module_dir = ["/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.join("back_mdb.la").exists() || p.join("back_mdb.so").exists());
    Some(Install {
        slapd,
        slapadd,
        schema_dir,
        module_dir,
    })
}

/// A running throwaway slapd. Dropping it kills the server and removes its files.
#[derive(Debug)]
pub struct Slapd {
    dir: tempfile::TempDir,
    slapd: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Slapd {
    /// Starts a slapd holding the base tree plus `ldif` (entries separated by blank lines).
    /// `None` (after a loud SKIPPED line on stderr) when OpenLDAP is not installed.
    pub fn start(ldif: &str) -> Option<Slapd> {
        let Some(install) = find_install() else {
            eprintln!(
                "SKIPPED: OpenLDAP slapd not installed (tools/test installs packages slapd and ldap-utils)"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let conf = dir.path().join("slapd.conf");
        std::fs::write(&conf, slapd_conf(&install, dir.path())).unwrap();
        let data = dir.path().join("data.ldif");
        std::fs::write(&data, format!("{BASE_LDIF}\n{}\n", ldif.trim())).unwrap();
        let out = Command::new(&install.slapadd)
            .arg("-q")
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "slapadd failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut s = Slapd {
            dir,
            slapd: install.slapd,
            port: 0,
            child: None,
        };
        // A free port can be taken between probing and slapd's bind; try a few.
        for _ in 0..5 {
            s.port = free_port();
            if s.launch() {
                return Some(s);
            }
        }
        panic!("slapd did not start: {}", s.log());
    }

    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// The temp dir (for config and secret files of the test).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Kills the server (SIGKILL: the harshest way a directory goes away).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Freezes the server (SIGSTOP): it keeps its port and accepts TCP connections (the
    /// kernel completes them) but never answers, like a hung directory.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server run again (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, sig: &str) {
        let Some(c) = &self.child else {
            panic!("slapd is not running");
        };
        let ok = Command::new("kill")
            .args([sig, &c.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig} slapd failed");
    }

    /// Starts the server again on the same port and database.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.launch() {
            assert!(
                Instant::now() < deadline,
                "slapd did not restart: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(self.dir.path().join("slapd.log")) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// Starts slapd in the foreground (`-d 0`) and waits until it accepts connections;
    /// false if it exited (e.g. the port was taken).
    fn launch(&mut self) -> bool {
        let log = std::fs::File::create(self.dir.path().join("slapd.log")).unwrap();
        let mut child = Command::new(&self.slapd)
            .arg("-f")
            .arg(self.dir.path().join("slapd.conf"))
            .arg("-h")
            .arg(self.url())
            .args(["-d", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                self.child = Some(child);
                return true;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn slapd_conf(install: &Install, dir: &Path) -> String {
    let schema = |name: &str| format!("include {}\n", install.schema_dir.join(name).display());
    let mut c = String::new();
    for s in ["core.schema", "cosine.schema", "inetorgperson.schema"] {
        c.push_str(&schema(s));
    }
    // mstore's own schema: the settings on the store's entry.
    c.push_str(&format!(
        "include {}/schema/mstore.schema\n",
        env!("CARGO_MANIFEST_DIR")
    ));
    // X.402 mhs-or-addresses, text form, for tests of a configured or-address-attribute.
    c.push_str(
        "attributetype ( 2.6.5.2.6 NAME 'mhsORAddresses' EQUALITY caseIgnoreMatch \
         SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n",
    );
    if let Some(m) = &install.module_dir {
        c.push_str(&format!(
            "modulepath {}\nmoduleload back_mdb\n",
            m.display()
        ));
    }
    c.push_str(&format!(
        "pidfile {dir}/slapd.pid\nargsfile {dir}/slapd.args\n\
         sizelimit size.soft={SIZE_LIMIT} size.hard={SIZE_LIMIT} size.prtotal=unlimited\n\
         database mdb\nsuffix \"{SUFFIX}\"\nrootdn \"{ROOT_DN}\"\nrootpw {ROOT_PW}\n\
         directory {dir}/db\nmaxsize 16777216\n\
         access to dn.subtree=\"ou=locked,{SUFFIX}\" attrs=userPassword\n  by anonymous auth\n  by * none\n\
         access to attrs=userPassword\n  by self write\n  by anonymous auth\n  by * none\n\
         access to *\n  by dn.exact=\"{SERVICE_DN}\" read\n  by self read\n  by * none\n",
        dir = dir.display()
    ));
    c
}
