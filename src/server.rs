//! The RFC 1006 listener shared by the X.419 P7 (ms-access) and X.411 P3 (mts-forced-access)
//! application contexts: one server per configured listener, one accept loop, each incoming
//! association handed to the service of the application context the peer asked for
//! (X.419 §A.1: the context, not the port, says which abstract service is wanted), and a
//! graceful shutdown (STYLE.md: mini-redis `server.rs`).
//!
//! The services plug in through [`Application`]: [`crate::p7::service::Service`] (P7) and
//! [`crate::p3::Responder`] (P3) implement it, so neither needs to know about the other.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::assoc::server::{IncomingBind, Server, contexts_for};
use crate::assoc::{AppContext, AssocError, Settings};
use crate::config::{Config, Protocol};

/// A future run to its end by the listener: one association, or a service's background work.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A service the shared listener dispatches associations to.
pub trait Application: Send + Sync + 'static {
    /// The protocol (as listeners name it in the configuration) whose application contexts
    /// this service answers.
    fn protocol(&self) -> Protocol;

    /// Answers one association request of one of [`Application::protocol`]'s contexts and
    /// serves the association to its end.
    fn serve(self: Arc<Self>, incoming: IncomingBind) -> Task;

    /// Work that runs alongside the listeners until `shutdown` turns true (the P7 alert
    /// dispatcher). None by default.
    fn background(self: Arc<Self>, shutdown: watch::Receiver<bool>) -> Option<Task> {
        let _ = shutdown;
        None
    }
}

/// The protocol an application context belongs to.
pub fn protocol_of(context: AppContext) -> Protocol {
    if context.is_p7() {
        Protocol::P7
    } else {
        Protocol::P3
    }
}

/// The listeners of a running server.
#[derive(Debug)]
pub struct Running {
    addrs: Vec<SocketAddr>,
    shutdown: watch::Sender<bool>,
    loops: Vec<JoinHandle<()>>,
}

impl Running {
    /// The addresses actually bound (one per listener started).
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Stops accepting, lets in-flight operations finish (up to the shutdown timeout), ends
    /// the associations and waits for every connection task and background task.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for l in self.loops {
            let _ = l.await;
        }
    }
}

/// Starts every listener `config` names, each offering the contexts of those of its
/// protocols some application in `apps` serves (a listener none of whose protocols is served
/// is skipped). One listener may carry P7 and P3, told apart by the application context the
/// peer asks for. The applications' background work starts too.
pub async fn start(
    config: &Config,
    apps: Vec<Arc<dyn Application>>,
) -> Result<Running, AssocError> {
    let settings = Settings::from_config(config);
    let (tx, rx) = watch::channel(false);
    let mut addrs = Vec::new();
    let mut loops = Vec::new();
    for a in &apps {
        if let Some(t) = a.clone().background(rx.clone()) {
            loops.push(tokio::spawn(t));
        }
    }
    let apps: Arc<[Arc<dyn Application>]> = Arc::from(apps);
    for l in &config.listeners {
        let protocols: Vec<Protocol> = l
            .protocols
            .iter()
            .copied()
            .filter(|p| apps.iter().any(|a| a.protocol() == *p))
            .collect();
        if protocols.is_empty() {
            continue;
        }
        let server = Server::bind(l.address, contexts_for(&protocols), settings.clone()).await?;
        addrs.push(server.local_addr());
        loops.push(tokio::spawn(accept_loop(server, apps.clone(), rx.clone())));
    }
    Ok(Running {
        addrs,
        shutdown: tx,
        loops,
    })
}

async fn accept_loop(
    mut server: Server,
    apps: Arc<[Arc<dyn Application>]>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut serving = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            inc = server.accept() => match inc {
                Some(inc) => {
                    let p = protocol_of(inc.info().application_context);
                    // The server offers only the contexts of served protocols, so an
                    // application is always found; without one, dropping the request
                    // refuses the association.
                    if let Some(a) = apps.iter().find(|a| a.protocol() == p) {
                        serving.spawn(a.clone().serve(inc));
                    }
                }
                None => break,
            },
            // Reap finished associations so the set stays small.
            Some(_) = serving.join_next(), if !serving.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    // The server lets operations in flight finish, then ends every association; each serving
    // task then writes its UNBIND record and lets go of the store.
    server.shutdown().await;
    while serving.join_next().await.is_some() {}
}

/// SIGINT or SIGTERM: how an operator or a service manager stops a server or `p7 watch`. The
/// handlers are installed by this call, not when the future is first polled (as an `async fn`'s
/// body would be), so a signal arriving before the caller starts waiting is kept for it.
pub fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let int = signal(SignalKind::interrupt());
        let term = signal(SignalKind::terminate());
        async move {
            match (int, term) {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                // No handler could be installed: the default action (exit) stays.
                _ => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
