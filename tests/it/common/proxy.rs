//! A recording TCP relay, so tests can hand what crossed the wire to tshark.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use mstore::ctl::trace;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::tshark::dissect_tcp;

/// What a relay recorded: (to_server, bytes), in order.
pub type Log = Arc<Mutex<Vec<(bool, Vec<u8>)>>>;

/// A TCP relay for one connection, recording both directions, in order: (to_server, bytes).
pub async fn recording_proxy(target: SocketAddr) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        relay(client, target, log2).await;
    });
    (addr, log)
}

/// Relays `client` to `target` until both sides close, recording into `log`.
pub async fn relay(client: TcpStream, target: SocketAddr, log: Log) {
    let server = TcpStream::connect(target).await.unwrap();
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let l1 = log.clone();
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
        log.lock().unwrap().push((false, b[..n].to_vec()));
        if cw.write_all(&b[..n]).await.is_err() {
            break;
        }
    }
    let _ = up.await;
}

/// Writes a recorded exchange as a pcap on port 3001 and has tshark dissect it as RFC 1006;
/// fails the test on anything tshark flags.
pub fn tshark_dissect(exchange: &[(bool, Vec<u8>)]) -> String {
    let pairs: Vec<(bool, &[u8])> = exchange.iter().map(|(d, b)| (*d, b.as_slice())).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assoc.pcap");
    // A port other than 102, so the RFC 1006 decode-as option is exercised as documented.
    std::fs::write(&path, trace::write_pcap(&pairs, 3001)).unwrap();
    dissect_tcp(Path::new(&path), &["-d", "tcp.port==3001,tpkt"])
}
