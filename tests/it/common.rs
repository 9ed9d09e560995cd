//! Helpers shared by the integration tests: a recording TCP relay and tshark as an independent
//! decoder of what it recorded.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mstore::ctl::trace;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay recording both directions, in order: (to_server, bytes).
pub async fn recording_proxy(target: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<(bool, Vec<u8>)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = TcpStream::connect(target).await.unwrap();
        let (mut cr, mut cw) = client.into_split();
        let (mut sr, mut sw) = server.into_split();
        let l1 = log2.clone();
        let up = tokio::spawn(async move {
            let mut b = vec![0u8; 65536];
            loop {
                let n = cr.read(&mut b).await.unwrap_or(0);
                if n == 0 {
                    let _ = sw.shutdown().await;
                    break;
                }
                l1.lock().unwrap().push((true, b[..n].to_vec()));
                if sw.write_all(&b[..n]).await.is_err() {
                    break;
                }
            }
        });
        let mut b = vec![0u8; 65536];
        loop {
            let n = sr.read(&mut b).await.unwrap_or(0);
            if n == 0 {
                let _ = cw.shutdown().await;
                break;
            }
            log2.lock().unwrap().push((false, b[..n].to_vec()));
            if cw.write_all(&b[..n]).await.is_err() {
                break;
            }
        }
        let _ = up.await;
    });
    (addr, log)
}

pub fn tshark_dissect(exchange: &[(bool, Vec<u8>)]) -> String {
    let pairs: Vec<(bool, &[u8])> = exchange.iter().map(|(d, b)| (*d, b.as_slice())).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assoc.pcap");
    // A port other than 102, so the RFC 1006 decode-as option is exercised as documented.
    std::fs::write(&path, trace::write_pcap(&pairs, 3001)).unwrap();
    if let Some(keep) = std::env::var_os("MSTORE_KEEP_PCAP") {
        std::fs::copy(&path, keep).unwrap();
    }
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args(["-d", "tcp.port==3001,tpkt", "-V"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for bad in [
        "Malformed",
        "[Expert Info (Error",
        "Expert Info (Warning",
        "Dissector bug",
        "BER Error",
    ] {
        assert!(!text.contains(bad), "tshark found {bad}:\n{text}");
    }
    text
}

pub fn tshark_available() -> bool {
    let ok = std::process::Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: tshark not installed");
    }
    ok
}

/// The real-capture fixtures folder, or `None` after a loud SKIPPED note when it is absent.
pub fn fixtures() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real-captures"
    ));
    if p.is_dir() {
        return Some(p);
    }
    // Worktrees outside the main checkout name the shared folder in $MSTORE_SHARED.
    if let Some(s) = std::env::var_os("MSTORE_SHARED") {
        let q = std::path::PathBuf::from(s).join("fixtures/real-captures");
        if q.is_dir() {
            return Some(q);
        }
    }
    eprintln!("SKIPPED: fixtures not found at {}", p.display());
    None
}
