//! The responder side (X.419 ms-access and mts-forced-access as the called party): a TCP
//! listener (RFC 1006) whose accept loop bounds concurrent associations with a semaphore and
//! stops on a watch signal (STYLE.md: mini-redis `server.rs`), and [`IncomingBind`], the
//! association request a service answers with a bind result or a bind error.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinHandle;

use super::driver::Driver;
use super::{
    AppContext, AssocError, Association, AssociationHandle, AssociationInfo, BindArgument, Command,
    Event, Settings,
};
use crate::config::{self, Protocol};
use crate::osi::acse;

/// An association request whose AARQ named an offered application context and carried a
/// bind argument. Answer it with [`IncomingBind::accept`] or a reject; dropping it refuses
/// the association (AARE rejected, no reason given), and so does the bind timeout.
#[derive(Debug)]
pub struct IncomingBind {
    handle: AssociationHandle,
    bind: BindArgument,
    events: mpsc::UnboundedReceiver<Event>,
}

impl IncomingBind {
    pub(crate) fn new(
        handle: AssociationHandle,
        bind: BindArgument,
        events: mpsc::UnboundedReceiver<Event>,
    ) -> Self {
        IncomingBind {
            handle,
            bind,
            events,
        }
    }

    /// Application context, presentation contexts, selectors and peer address.
    pub fn info(&self) -> &AssociationInfo {
        self.handle.info()
    }

    /// The bind argument (raw BER and which syntax it is).
    pub fn bind(&self) -> &BindArgument {
        &self.bind
    }

    /// Accepts: the AARE (result accepted) carries `result` (MSBindResult or MTSBindResult
    /// TLV) as bind-result.
    pub fn accept(self, result: Bytes) -> Association {
        let _ = self.handle.tx.send(Command::AcceptBind(result));
        Association::new(self.handle, self.events)
    }

    /// Refuses with a bind error (its parameter TLV, e.g. an MS-bind AuthenticationError or
    /// an MTSBindError): AARE rejected-permanent, diagnostic no-reason-given, the bind-error in
    /// its user-information (as deployed responders send it).
    pub fn reject(self, error: Bytes) {
        self.reject_with(Some(error), acse::user_diag::NO_REASON);
    }

    /// Refuses with an ACSE service-user diagnostic ([`acse::user_diag`]) and an optional
    /// bind error.
    pub fn reject_with(self, error: Option<Bytes>, diagnostic: i64) {
        let _ = self
            .handle
            .tx
            .send(Command::RejectBind { error, diagnostic });
    }
}

/// The application contexts a configured protocol offers.
pub fn contexts_for(protocols: &[Protocol]) -> Vec<AppContext> {
    let mut v = Vec::new();
    for p in protocols {
        match p {
            Protocol::P7 => v.extend([AppContext::MsAccess88, AppContext::MsAccess94]),
            Protocol::P3 => {
                v.extend([AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94])
            }
        }
    }
    v
}

/// Starts a server's graceful shutdown: the listener closes, associations get the shutdown
/// timeout to finish what is in flight, then they are aborted.
#[derive(Debug, Clone)]
pub struct ShutdownSignal(Arc<watch::Sender<bool>>);

impl ShutdownSignal {
    /// Triggers the shutdown (idempotent).
    pub fn trigger(&self) {
        let _ = self.0.send(true);
    }
}

/// A listening server: incoming binds come out of [`Server::accept`].
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    incoming: mpsc::UnboundedReceiver<IncomingBind>,
    shutdown: ShutdownSignal,
    accept_loop: JoinHandle<()>,
    permits: Arc<Semaphore>,
    settings: Settings,
}

impl Server {
    /// Listens on `address` for associations in the `offered` application contexts.
    pub async fn bind(
        address: SocketAddr,
        offered: Vec<AppContext>,
        settings: Settings,
    ) -> Result<Server, AssocError> {
        Server::bind_tsel(address, None, offered, settings).await
    }

    /// Like [`Server::bind`], but connections whose CR does not call `t_selector` are closed
    /// before the CC (`None` or empty: any T-selector is accepted).
    pub async fn bind_tsel(
        address: SocketAddr,
        t_selector: Option<Bytes>,
        offered: Vec<AppContext>,
        settings: Settings,
    ) -> Result<Server, AssocError> {
        let t_selector = t_selector.filter(|t| !t.is_empty());
        let listener = TcpListener::bind(address).await?;
        let local_addr = listener.local_addr()?;
        let (incoming_tx, incoming) = mpsc::unbounded_channel();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let permits = Arc::new(Semaphore::new(settings.max_associations));
        let accept_loop = tokio::spawn(accept_loop(
            listener,
            Arc::new(offered),
            settings.clone(),
            t_selector,
            permits.clone(),
            incoming_tx,
            shutdown_rx,
        ));
        tracing::info!(address = %local_addr, "listening");
        Ok(Server {
            local_addr,
            incoming,
            shutdown: ShutdownSignal(Arc::new(shutdown)),
            accept_loop,
            permits,
            settings,
        })
    }

    /// Listens as a configured listener says: its address, its T-selector (required of
    /// callers unless empty) and its protocols (P7: ms-access 1988 and 1994; P3:
    /// mts-forced-access 1988 and 1994).
    pub async fn from_listener(
        listener: &config::Listener,
        settings: Settings,
    ) -> Result<Server, AssocError> {
        let tsel = Bytes::copy_from_slice(listener.t_selector.as_bytes());
        Server::bind_tsel(
            listener.address,
            Some(tsel),
            contexts_for(&listener.protocols),
            settings,
        )
        .await
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A signal another task can trigger to start the graceful shutdown (for example on
    /// SIGTERM while this task waits in [`Server::accept`]).
    pub fn shutdown_signal(&self) -> ShutdownSignal {
        self.shutdown.clone()
    }

    /// The next association request; `None` once a shutdown was triggered and every
    /// connection has ended.
    pub async fn accept(&mut self) -> Option<IncomingBind> {
        self.incoming.recv().await
    }

    /// Associations currently open.
    pub fn open_associations(&self) -> usize {
        self.settings
            .max_associations
            .saturating_sub(self.permits.available_permits())
    }

    /// Stops accepting connections, lets open associations finish their operations for up to
    /// the shutdown timeout, aborts the rest, and waits for every connection task.
    pub async fn shutdown(self) {
        self.shutdown.trigger();
        let _ = self.accept_loop.await;
        let all = u32::try_from(self.settings.max_associations).unwrap_or(u32::MAX);
        // Every connection task holds a permit until it ends; the margin covers flushing the
        // aborts after the shutdown timeout.
        let wait = self.settings.shutdown_timeout + Duration::from_secs(5);
        if tokio::time::timeout(wait, self.permits.acquire_many(all))
            .await
            .is_err()
        {
            tracing::warn!("shutdown: connection tasks still running");
        }
        tracing::info!(address = %self.local_addr, "server stopped");
    }
}

async fn accept_loop(
    listener: TcpListener,
    offered: Arc<Vec<AppContext>>,
    settings: Settings,
    t_selector: Option<Bytes>,
    permits: Arc<Semaphore>,
    incoming: mpsc::UnboundedSender<IncomingBind>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut next_ref: u16 = 1;
    loop {
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection refused: max-associations reached");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        next_ref = next_ref.wrapping_add(1).max(1);
        let driver = Driver::responder(
            stream,
            peer,
            settings.clone(),
            next_ref,
            offered.clone(),
            incoming.clone(),
            t_selector.clone(),
        );
        let rx = shutdown.clone();
        tokio::spawn(async move {
            driver.run(Some(rx)).await;
            drop(permit);
        });
    }
}
