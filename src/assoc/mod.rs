//! Live associations over TCP (RFC 1006) for P7 (X.419 ms-access) and P3 (X.419 mts-access,
//! mts-forced-access): a tokio driver per connection around [`crate::osi::stack::Stack`], the
//! responder ([`server`]) and initiator ([`client`]) association API, and operation dispatch
//! by application context, presentation context and direction ([`dispatch`]).
//!
//! # How a service uses it
//!
//! Responder (the P7 service, the P3 delivery responder):
//!
//! ```no_run
//! # async fn run() -> Result<(), mstore::assoc::AssocError> {
//! use mstore::assoc::{AppContext, Event, Settings, server::Server};
//! let mut server = Server::bind(
//!     "127.0.0.1:3001".parse().unwrap(),
//!     vec![AppContext::MsAccess88, AppContext::MsAccess94],
//!     Settings::default(),
//! )
//! .await?;
//! while let Some(incoming) = server.accept().await {
//!     // incoming.info(): application context, presentation contexts, selectors, peer address;
//!     // incoming.bind(): the bind argument's raw BER and its syntax.
//!     let mut assoc = incoming.accept(bytes::Bytes::from_static(&[0x31, 0x00]));
//!     tokio::spawn(async move {
//!         while let Some(ev) = assoc.next_event().await {
//!             match ev {
//!                 Event::Invoke(inv) => inv.result(None),
//!                 Event::End(_why) => {}
//!             }
//!         }
//!     });
//! }
//! # Ok(()) }
//! ```
//!
//! - [`server::Server::bind`] (or [`server::Server::from_listener`] for a configured
//!   listener: address, required T-selector, P7 and/or P3) listens; connections beyond
//!   `max_associations` are closed at connect time. [`server::Server::shutdown`] (or a
//!   [`server::ShutdownSignal`] triggered from another task) stops accepting, lets
//!   operations in flight finish for up to the shutdown timeout, aborts what is left and
//!   waits for every connection task.
//! - Application contexts that the server does not offer (for example P1 mts-transfer) are
//!   refused by the driver itself with the ACSE diagnostic application-context-name-not-
//!   supported; the service never sees them.
//! - [`server::IncomingBind`] is answered with `accept(result_ber)` (AARE accepted, bind-result
//!   in its user-information) or `reject(error_ber)` / `reject_with(..)` (AARE rejected, with
//!   the bind-error); dropping it or missing the bind timeout refuses the association.
//! - [`Association`] (both roles) yields [`Event`]s: each [`Invoke`] of the peer, already
//!   identified as an [`Operation`] by [`dispatch`], answered once with `result`, `error` or
//!   `reject` (dropping it unanswered sends a reject, resource-limitation); and a final
//!   [`Event::End`] saying why the association ended (released by either side, aborted by the
//!   peer, protocol error, transport lost, idle timeout, shutdown).
//! - [`AssociationHandle`] (cloneable, from [`Association::handle`]) invokes operations on the
//!   peer and awaits their [`Outcome`] (several outstanding at once, each bounded by the
//!   operation timeout; a timed-out invocation frees its slot and a late answer is rejected),
//!   releases (RLRQ, either side) or aborts (ABRT). Dropping every handle, the
//!   [`Association`] and all unanswered [`Invoke`]s aborts the association.
//! - A peer's release request is answered at once (RLRE, normal) and reported as
//!   [`Event::End`] with [`EndReason::Released`]; answers to its invokes after that are
//!   dropped.
//!
//! Initiator (the `p7` client, the bench harness, the store's own P3 submission):
//! [`client::connect`] with a [`client::ConnectRequest`] returns the bound [`Association`]
//! and the bind result, or [`client::ConnectError::BindRefused`] with the bind-error.
//!
//! # Limits
//!
//! [`Settings`] (from [`Settings::from_config`]) bounds everything a peer can make us hold:
//! PDU sizes ([`crate::osi::Limits`]), outstanding invokes per direction (the peer's excess
//! invokes are rejected with resource-limitation, so events queued for a slow service stay
//! bounded), bind and idle timeouts, the number of associations, and how long one write may
//! block on a peer that does not read. A protocol error ends only its own association, with
//! the failing layer's abort and a `tracing` warning.

pub mod client;
pub mod dispatch;
mod driver;
pub mod server;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rasn::types::ObjectIdentifier;
use tokio::sync::{mpsc, oneshot};

pub use dispatch::{AppContext, BindSyntax, Operation, ServiceElement, Side};

use crate::osi::rose::{self, Code, Problem, RosePdu};

/// Limits and timeouts of the association layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// PDU size bounds, TPDU size proposal, outstanding invokes per direction.
    pub osi: crate::osi::Limits,
    /// Concurrent associations of one server.
    pub max_associations: usize,
    /// From TCP connect to the bind answer (AARE); zero: none.
    pub bind_timeout: Duration,
    /// A bound association with no PDU in either direction for this long is aborted; zero:
    /// none.
    pub idle_timeout: Duration,
    /// How long [`AssociationHandle::invoke`] and [`AssociationHandle::release`] wait for
    /// the peer, and how long one write may block; zero: no limit.
    pub operation_timeout: Duration,
    /// On server shutdown, how long associations may go on before they are aborted.
    pub shutdown_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_parts(
            &crate::config::Limits::default(),
            &crate::config::Timeouts::default(),
        )
    }
}

impl Settings {
    /// The settings a configuration asks for. The configured TPDU size is rounded down to a
    /// power of two within class 0's 128 ..= 2048 (ISO 8073 §13.3.4 b).
    pub fn from_config(c: &crate::config::Config) -> Settings {
        Settings::from_parts(&c.limits, &c.timeouts)
    }

    /// The settings from the `[limits]` and `[timeouts]` sections.
    pub fn from_parts(l: &crate::config::Limits, t: &crate::config::Timeouts) -> Settings {
        let tpdu = l.tpdu_size.clamp(128, 2048);
        let code = (63 - tpdu.leading_zeros()) as u8;
        let max_tsdu = usize::try_from(l.max_tsdu_size).unwrap_or(usize::MAX);
        Settings {
            osi: crate::osi::Limits {
                max_tsdu,
                tpdu_size_code: code,
                ..crate::osi::Limits::default()
            },
            max_associations: l.max_associations as usize,
            bind_timeout: t.bind,
            idle_timeout: t.idle,
            operation_timeout: t.operation,
            shutdown_timeout: t.shutdown,
        }
    }
}

/// Why an association request or operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssocError {
    /// Listening or connecting failed.
    #[error("I/O: {0}")]
    Io(String),
    /// The association is over (released, aborted or lost).
    #[error("association ended: {0}")]
    Ended(EndReason),
    /// The peer did not answer within the operation timeout.
    #[error("timed out")]
    Timeout,
    /// The operation is not one this side may invoke in this application context, or no
    /// accepted presentation context carries it.
    #[error("operation {0:?} not available on this association")]
    NotAvailable(Operation),
    /// Our own request was refused by the stack (outstanding limit, wrong context, state).
    #[error("request refused: {0}")]
    Refused(String),
}

impl From<std::io::Error> for AssocError {
    fn from(e: std::io::Error) -> Self {
        AssocError::Io(e.to_string())
    }
}

/// Why an association ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndReason {
    /// Orderly release (RLRQ/RLRE); `by_peer` when the peer asked.
    Released {
        /// Whether the peer started the release.
        by_peer: bool,
    },
    /// The peer aborted (ABRT, ARP or an empty AB); the ABRT diagnostic when there was one.
    PeerAborted {
        /// ABRT abort-diagnostic.
        diagnostic: Option<i64>,
    },
    /// We aborted: our service asked, or dropped every handle.
    LocalAbort,
    /// The peer broke a protocol rule; the failing layer's abort was sent.
    ProtocolError(String),
    /// The transport connection closed without a release or abort.
    TransportLost,
    /// No PDU for the idle timeout; aborted.
    IdleTimeout,
    /// The bind did not complete within the bind timeout.
    BindTimeout,
    /// The server shut down.
    Shutdown,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndReason::Released { by_peer: true } => f.write_str("released by the peer"),
            EndReason::Released { by_peer: false } => f.write_str("released"),
            EndReason::PeerAborted { diagnostic } => {
                write!(f, "aborted by the peer ({diagnostic:?})")
            }
            EndReason::LocalAbort => f.write_str("aborted"),
            EndReason::ProtocolError(e) => write!(f, "protocol error: {e}"),
            EndReason::TransportLost => f.write_str("transport connection lost"),
            EndReason::IdleTimeout => f.write_str("idle timeout"),
            EndReason::BindTimeout => f.write_str("bind timeout"),
            EndReason::Shutdown => f.write_str("shutdown"),
        }
    }
}

/// What is known of an association once its AARQ has arrived (responder) or its AARE
/// (initiator).
#[derive(Debug, Clone)]
pub struct AssociationInfo {
    /// The application context.
    pub application_context: AppContext,
    /// Our side of the contract (for the store: supplier in P7, consumer in P3).
    pub side: Side,
    /// Accepted presentation contexts: identifier → abstract syntax (ACSE included).
    pub contexts: BTreeMap<i64, ObjectIdentifier>,
    /// The peer's TCP address.
    pub peer: SocketAddr,
    /// Calling and called T-selectors (CR).
    pub calling_tsel: Option<Bytes>,
    /// Called T-selector.
    pub called_tsel: Option<Bytes>,
    /// Calling session selector (CN).
    pub calling_ssel: Option<Bytes>,
    /// Called session selector.
    pub called_ssel: Option<Bytes>,
    /// Calling presentation selector (CP).
    pub calling_psel: Option<Bytes>,
    /// Called presentation selector.
    pub called_psel: Option<Bytes>,
    /// The AARQ's calling AE-title, as received (responder) or sent (initiator).
    pub calling_ae: crate::osi::acse::AeTitle,
    /// The AARQ's called AE-title.
    pub called_ae: crate::osi::acse::AeTitle,
}

impl AssociationInfo {
    /// The accepted presentation context carrying `syntax`.
    pub fn context_for(&self, syntax: &rasn::types::Oid) -> Option<i64> {
        self.contexts
            .iter()
            .find(|(_, s)| &***s == syntax)
            .map(|(id, _)| *id)
    }
}

/// The bind argument of an incoming association (X.880 bind-invoke in the AARQ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindArgument {
    /// Which syntax to decode it with.
    pub syntax: BindSyntax,
    /// The presentation context it travelled in.
    pub context_id: i64,
    /// The argument TLV as received (MSBindArgument or MTSBindArgument).
    pub ber: Bytes,
}

/// The answer to one of our invocations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// returnResult, with the result TLV when the operation returns one.
    Result(Option<Bytes>),
    /// returnError: error code and parameter TLV.
    Error {
        /// The error code.
        code: Code,
        /// The parameter TLV.
        parameter: Option<Bytes>,
    },
    /// The peer rejected the invocation.
    Rejected(Problem),
}

/// Something that happened on an association, in order.
#[derive(Debug)]
pub enum Event {
    /// The peer invoked an operation; answer it once.
    Invoke(Invoke),
    /// The association is over; no event follows.
    End(EndReason),
}

/// What the service asks of the driver.
#[derive(Debug)]
pub(crate) enum Command {
    AcceptBind(Bytes),
    RejectBind {
        error: Option<Bytes>,
        diagnostic: i64,
    },
    Invoke {
        context_id: i64,
        code: Code,
        argument: Option<Bytes>,
        reply: oneshot::Sender<Result<Outcome, AssocError>>,
    },
    Respond {
        context_id: i64,
        pdu: RosePdu,
    },
    Release(oneshot::Sender<Result<(), AssocError>>),
    Abort,
}

/// An operation the peer invoked. Answer with exactly one of [`Invoke::result`],
/// [`Invoke::error`] or [`Invoke::reject`]; dropping it unanswered rejects it with
/// resource-limitation so the peer is not left waiting.
#[derive(Debug)]
pub struct Invoke {
    /// The operation, as [`dispatch::operation`] identified it.
    pub operation: Operation,
    /// The operation code as received.
    pub code: Code,
    /// The invoke identifier.
    pub invoke_id: i64,
    /// The presentation context it arrived in.
    pub context_id: i64,
    /// The argument TLV.
    pub argument: Option<Bytes>,
    tx: Option<mpsc::UnboundedSender<Command>>,
}

impl Invoke {
    fn send(mut self, pdu: RosePdu) {
        if let Some(tx) = self.tx.take() {
            // The association may be gone already; then nobody waits for the answer.
            let _ = tx.send(Command::Respond {
                context_id: self.context_id,
                pdu,
            });
        }
    }

    /// returnResult with the result TLV (`None` for operations without a result value).
    pub fn result(self, result: Option<Bytes>) {
        let pdu = RosePdu::Result {
            invoke_id: Some(self.invoke_id),
            result: result.map(|r| (self.code.clone(), r)),
        };
        self.send(pdu);
    }

    /// returnError with an error code and its parameter TLV.
    pub fn error(self, code: Code, parameter: Option<Bytes>) {
        let pdu = RosePdu::Error {
            invoke_id: Some(self.invoke_id),
            code,
            parameter,
        };
        self.send(pdu);
    }

    /// Reject with an invoke problem ([`rose::problem`], e.g. MISTYPED_ARGUMENT).
    pub fn reject(self, invoke_problem: i64) {
        let pdu = RosePdu::Reject {
            invoke_id: Some(self.invoke_id),
            problem: Problem::Invoke(invoke_problem),
        };
        self.send(pdu);
    }
}

impl Drop for Invoke {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Command::Respond {
                context_id: self.context_id,
                pdu: RosePdu::Reject {
                    invoke_id: Some(self.invoke_id),
                    problem: Problem::Invoke(rose::problem::RESOURCE_LIMITATION),
                },
            });
        }
    }
}

/// A cloneable handle to invoke operations on the peer, release or abort.
#[derive(Debug, Clone)]
pub struct AssociationHandle {
    info: Arc<AssociationInfo>,
    tx: mpsc::UnboundedSender<Command>,
    timeout: Duration,
}

impl AssociationHandle {
    /// What is known of the association.
    pub fn info(&self) -> &AssociationInfo {
        &self.info
    }

    /// Invokes `op` (routed by [`dispatch::route`] to its presentation context and code) and
    /// awaits the peer's answer.
    pub async fn invoke(
        &self,
        op: Operation,
        argument: Option<Bytes>,
    ) -> Result<Outcome, AssocError> {
        let (element, code) = dispatch::route(self.info.application_context, self.info.side, op)
            .ok_or(AssocError::NotAvailable(op))?;
        let context_id = self
            .info
            .context_for(element.oid())
            .ok_or(AssocError::NotAvailable(op))?;
        self.invoke_raw(context_id, code, argument).await
    }

    /// Invokes `code` in presentation context `context_id` without dispatch checks (tests,
    /// tools) and awaits the answer.
    pub async fn invoke_raw(
        &self,
        context_id: i64,
        code: Code,
        argument: Option<Bytes>,
    ) -> Result<Outcome, AssocError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Invoke {
                context_id,
                code,
                argument,
                reply,
            })
            .map_err(|_| AssocError::Ended(EndReason::LocalAbort))?;
        self.wait(rx).await?
    }

    /// Orderly release (RLRQ); resolves when the peer's RLRE arrives.
    pub async fn release(&self) -> Result<(), AssocError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Release(reply))
            .map_err(|_| AssocError::Ended(EndReason::LocalAbort))?;
        self.wait(rx).await?
    }

    /// Aborts the association (ABRT, user source); takes effect at once.
    pub fn abort(&self) {
        let _ = self.tx.send(Command::Abort);
    }

    async fn wait<T>(&self, rx: oneshot::Receiver<T>) -> Result<T, AssocError> {
        let r = if self.timeout.is_zero() {
            rx.await
        } else {
            tokio::time::timeout(self.timeout, rx)
                .await
                .map_err(|_| AssocError::Timeout)?
        };
        // The driver answers every request before it ends; a dropped sender means it is gone.
        r.map_err(|_| AssocError::Ended(EndReason::TransportLost))
    }
}

/// A bound association: its events and a handle to act on it.
#[derive(Debug)]
pub struct Association {
    handle: AssociationHandle,
    events: mpsc::UnboundedReceiver<Event>,
    ended: bool,
}

impl Association {
    fn new(handle: AssociationHandle, events: mpsc::UnboundedReceiver<Event>) -> Self {
        Association {
            handle,
            events,
            ended: false,
        }
    }

    /// What is known of the association.
    pub fn info(&self) -> &AssociationInfo {
        self.handle.info()
    }

    /// A handle for invoking, releasing and aborting from other tasks.
    pub fn handle(&self) -> AssociationHandle {
        self.handle.clone()
    }

    /// The next event; `None` after [`Event::End`].
    pub async fn next_event(&mut self) -> Option<Event> {
        if self.ended {
            return None;
        }
        let ev = self
            .events
            .recv()
            .await
            .unwrap_or(Event::End(EndReason::TransportLost));
        if matches!(ev, Event::End(_)) {
            self.ended = true;
        }
        Some(ev)
    }

    /// See [`AssociationHandle::invoke`].
    pub async fn invoke(
        &self,
        op: Operation,
        argument: Option<Bytes>,
    ) -> Result<Outcome, AssocError> {
        self.handle.invoke(op, argument).await
    }

    /// See [`AssociationHandle::release`].
    pub async fn release(&self) -> Result<(), AssocError> {
        self.handle.release().await
    }

    /// See [`AssociationHandle::abort`].
    pub fn abort(&self) {
        self.handle.abort()
    }
}
