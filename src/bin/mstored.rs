//! mstored: the message store server (X.413 MS over X.419 P7). Thin main: options,
//! configuration, logging, store, directory; the services live in `mstore::p7::service` and
//! `mstore::p3`, their shared listener in `mstore::server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Parser;
use mstore::assoc::Settings;
use mstore::config::Config;
use mstore::p3::mts_user::{MtsUser, MtsUserOptions, SubmittedBy};
use mstore::p7::ops::bind::BindContext;
use mstore::p7::ops::submit::Submitter;
use mstore::p7::service::{self, Service};
use mstore::store::{RealFs, Store, StoreOptions, offline};

/// The mstore message store server.
#[derive(Debug, Parser)]
#[command(name = "mstored", version)]
struct Args {
    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Data directory (overrides `data-dir`).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Listen address of the first listener (overrides its `address`).
    #[arg(long, value_name = "HOST:PORT")]
    listen: Option<SocketAddr>,
    /// Raise every mailbox's sequence starting point by N before serving.
    #[arg(long, value_name = "N")]
    increment: Option<u32>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mstored: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mstored: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mut config = Config::load(&args.config)?;
    if let Some(d) = args.data {
        config.data_dir = d;
    }
    if let Some(a) = args.listen {
        match config.listeners.first_mut() {
            Some(l) => l.address = a,
            None => bail!("--listen: the configuration has no listener"),
        }
    }
    mstore::logging::init_with_audit(
        config.log.format,
        &config.log.level,
        config.log.audit_file.as_deref(),
    )?;
    // A fresh checkout has no data directory yet: the first run creates it.
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("create {}", config.data_dir.display()))?;
    if let Some(n) = args.increment {
        // The offline increment needs an existing store: create it first on a fresh data dir.
        if !config.data_dir.join("mailboxes").exists() {
            Store::open(&config.data_dir)?.close()?;
        }
        let (done, _) = offline::increment(&RealFs, &config.data_dir, n, None)?;
        tracing::info!(
            by = n,
            mailboxes = done.len(),
            "sequence numbers incremented"
        );
    }
    let data = config.data_dir.clone();
    let options = StoreOptions {
        index_cache: usize::try_from(config.limits.index_cache).unwrap_or(usize::MAX),
        ..StoreOptions::default()
    };
    // The store's lock makes a second process on the same data directory fail here.
    let store = Arc::new(
        tokio::task::spawn_blocking(move || Store::open_with(Arc::new(RealFs), &data, options))
            .await?
            .with_context(|| format!("open the store at {}", config.data_dir.display()))?,
    );
    let directory = mstore::directory::from_config(&config)?;
    tracing::info!(directory = directory.kind(), data = %config.data_dir.display(), "store open");
    // The MTA's deliveries (P3 mts-forced-access) land through the same store; the P7
    // service's alert dispatcher sees them through the store's delivery hook.
    // Reports about messages the store submitted go to their submitter (issue 11).
    let submitted_by = SubmittedBy::new(Some(store.clone()));
    let p3 = Arc::new(
        mstore::p3::Responder::new(store.clone(), directory.clone(), config.store.clone())
            .max_message_size(config.limits.max_message_size)
            .router(submitted_by.clone()),
    );
    let svc = Arc::new(Service::new(
        store.clone(),
        directory,
        BindContext::from_config(&config),
    ));
    // Indirect submission (issue 11): the store's own association to its MTA; deliveries the
    // MTA sends over it are stored by the same responder.
    let link = config.submission.as_ref().map(|s| {
        let opts = MtsUserOptions::from_config(s, &config.store, Settings::from_config(&config));
        tracing::info!(mta = %opts.mta_label(), context = s.context, outbox = s.outbox, "submitting to the MTA");
        let (link, task) = MtsUser::start(opts, Some(p3.clone()));
        svc.set_submitter(Submitter {
            link,
            outbox: s.outbox,
            max_message_size: config.limits.max_message_size,
            submitted_by: Some(submitted_by.clone()),
        });
        task
    });
    let running = mstore::server::start(&config, vec![svc.clone(), p3]).await?;
    for a in running.local_addrs() {
        tracing::info!(address = %a, "listening (P7 and, where configured, P3)");
    }
    let retention = config.retention.clone();
    let ager = (!retention.interval.is_zero() && !retention.rules.is_empty()).then(|| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(retention.interval);
            loop {
                tick.tick().await;
                let (s, r) = (store.clone(), retention.clone());
                let n = tokio::task::spawn_blocking(move || service::apply_retention(&s, &r))
                    .await
                    .unwrap_or(0);
                if n > 0 {
                    tracing::info!(removed = n, "retention applied");
                }
            }
        })
    });
    mstore::server::stop_signal().await;
    tracing::info!("shutting down");
    if let Some(a) = ager {
        a.abort();
    }
    running.shutdown().await;
    drop(svc);
    if let Some(task) = link {
        // The link releases its association once the last submitter handle is gone.
        if tokio::time::timeout(std::time::Duration::from_secs(5), task)
            .await
            .is_err()
        {
            tracing::warn!("the MTA association did not end in time");
        }
    }
    drop(submitted_by);
    // Tasks that served the last associations may hold the store a moment longer; a clean
    // close (exact high-water marks, clean marker: no scan at the next start) is worth a wait.
    let mut store = store;
    let deadline = tokio::time::Instant::now() + config.timeouts.shutdown;
    let store = loop {
        match Arc::try_unwrap(store) {
            Ok(s) => break Some(s),
            Err(s) if tokio::time::Instant::now() < deadline => {
                store = s;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(_) => break None,
        }
    };
    match store {
        Some(s) => tokio::task::spawn_blocking(move || s.close()).await??,
        None => tracing::warn!("store still in use at shutdown; closed on drop"),
    }
    tracing::info!("stopped");
    Ok(())
}
