//! `mstore-bench mta-sink`: an MTA that takes the store's P3 submissions (X.411 §8.2 over
//! X.419 mts-access-88 / -94) and counts them — the other end of indirect submission in
//! acceptance runs and benchmarks. The responder itself is [`crate::p3::sink`].

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::assoc::Settings;
use crate::assoc::server::Server;
use crate::config::Secret;
use crate::p3::sink::{self, Sink, SinkOptions};

/// `mstore-bench mta-sink` options.
#[derive(Debug, clap::Args)]
pub struct MtaSinkArgs {
    /// Where to listen, HOST:PORT (port 0: any; the address is printed as `listening ADDR`).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: SocketAddr,
    /// The MTA name given to the store (responder-name `mTA`; the store's `mta-name`).
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// File holding the password the store must give (the store's `[submission]
    /// password-file`).
    #[arg(long, value_name = "F")]
    pub password_file: PathBuf,
    /// Write the number of submissions taken to FILE after each one.
    #[arg(long, value_name = "FILE")]
    pub count_file: Option<PathBuf>,
}

/// Why the sink could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MtaSinkError {
    /// The password file was refused.
    #[error("--password-file {0}")]
    Password(String),
    /// Listening failed.
    #[error("listen: {0}")]
    Listen(String),
    /// I/O (runtime, stdout).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Runs the sink until SIGINT or SIGTERM; prints `listening ADDR` first and `submissions N`
/// last.
pub fn run(a: MtaSinkArgs) -> Result<bool, MtaSinkError> {
    let password = Secret::read_password_file(&a.password_file)
        .map_err(|e| MtaSinkError::Password(format!("{}: {e}", a.password_file.display())))?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let s = Sink::new(SinkOptions {
            name: a.name.clone(),
            password: password.expose().to_vec(),
            count_file: a.count_file.clone(),
        });
        let server = Server::bind(a.listen, sink::contexts(), Settings::default())
            .await
            .map_err(|e| MtaSinkError::Listen(e.to_string()))?;
        println!("listening {}", server.local_addr());
        std::io::stdout().flush()?;
        let signal = server.shutdown_signal();
        tokio::spawn(async move {
            crate::server::stop_signal().await;
            signal.trigger();
        });
        sink::run(server, s.clone()).await;
        println!("submissions {}", s.count());
        Ok(true)
    })
}

/// The sink of a test: listening on `listen`, served in the current runtime until the
/// returned signal is triggered.
pub async fn spawn(
    listen: SocketAddr,
    opts: SinkOptions,
) -> Result<(Arc<Sink>, SocketAddr, crate::assoc::server::ShutdownSignal), MtaSinkError> {
    let s = Sink::new(opts);
    let server = Server::bind(listen, sink::contexts(), Settings::default())
        .await
        .map_err(|e| MtaSinkError::Listen(e.to_string()))?;
    let addr = server.local_addr();
    let signal = server.shutdown_signal();
    tokio::spawn(sink::run(server, s.clone()));
    Ok((s, addr, signal))
}
