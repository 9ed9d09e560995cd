//! Running the built binaries (`mstored`, `p7`, `mstore-bench`) from the integration tests:
//! free ports, children killed on drop, waiting for a listener.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tokio::net::TcpStream;

/// A port nothing listens on right now (the OS picked it and it was released again).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `127.0.0.1:<free port>`.
pub fn free_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], free_port()))
}

/// A child process killed (and reaped) on drop, so a failed test leaves nothing running.
pub struct Daemon(pub std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (up to 10 s) until something accepts connections on `addr`.
pub async fn wait_listening(addr: SocketAddr) {
    for _ in 0..200 {
        if TcpStream::connect(addr).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listening on {addr}");
}

/// The `p7` binary against `server` (T-selector 3001) as `user` with the password in `pwfile`,
/// then `args`; the caller runs it.
pub fn p7_command(server: SocketAddr, user: &str, pwfile: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_p7"));
    c.args(["--server", &server.to_string(), "--tsel", "3001"])
        .args(["--user", user])
        .arg("--password-file")
        .arg(pwfile)
        .args(args);
    c
}

/// The run exited 0; otherwise the test fails showing its status and stderr.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The run exited 0 and printed one JSON value, which is returned.
pub fn json_output(out: &Output) -> serde_json::Value {
    assert_success(out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The `mstored` binary on `config`; the caller adds arguments and runs it.
pub fn mstored(config: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mstored"));
    c.arg("--config").arg(config);
    c
}

/// `mstored` on `config` with its stderr to `stderr`, returned once it listens on `listen`.
pub async fn start_mstored(config: &Path, listen: SocketAddr, stderr: impl Into<Stdio>) -> Daemon {
    let d = Daemon(mstored(config).stderr(stderr).spawn().unwrap());
    wait_listening(listen).await;
    d
}
