//! The connection driver (DESIGN.md §2, STYLE.md "connection.rs"): one tokio task per TCP
//! connection owns the socket and the association's [`Stack`]. Bytes read go into the stack;
//! the stack's events go up to the service through channels; the service's commands come down
//! and the bytes they produce are written out. This is the only code that touches a socket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::client::ConnectError;
use super::dispatch::{self, AppContext};
use super::server::IncomingBind;
use super::{
    AssocError, Association, AssociationHandle, AssociationInfo, BindArgument, Command, EndReason,
    Event, Invoke, Outcome, Settings,
};
use crate::osi::acse::{self, Aarq, Abrt, Release, RosBind};
use crate::osi::presentation as pres;
use crate::osi::rose::{Problem, RosePdu, problem};
use crate::osi::stack::{ConnectParams, Stack, StackEvent};

/// What a successful initiator connection hands back: the association and the bind result.
pub(crate) type Confirm = Result<(Association, Bytes), ConnectError>;

/// Role-specific setup state.
enum Setup {
    /// Responder: which contexts are offered and where incoming binds go.
    Responder {
        offered: Arc<Vec<AppContext>>,
        incoming: mpsc::UnboundedSender<IncomingBind>,
        /// The T-selector peers must call; `None`: any.
        tsel: Option<Bytes>,
    },
    /// Initiator: the context asked for and who waits for the AARE.
    Initiator {
        ctx: AppContext,
        confirm: Option<oneshot::Sender<Confirm>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the bind is answered.
    Binding,
    /// Bound: operations flow.
    Bound,
    /// Over; only flushing and closing remain.
    Done,
}

pub(crate) struct Driver {
    stream: TcpStream,
    peer: SocketAddr,
    stack: Stack,
    settings: Settings,
    setup: Setup,
    phase: Phase,
    started: Instant,
    last_activity: Instant,
    /// The strong command sender until it is handed to the service.
    cmd_tx: Option<mpsc::UnboundedSender<Command>>,
    cmd_weak: mpsc::WeakUnboundedSender<Command>,
    cmd_rx: mpsc::UnboundedReceiver<Command>,
    cmd_open: bool,
    events_tx: Option<mpsc::UnboundedSender<Event>>,
    events_rx: Option<mpsc::UnboundedReceiver<Event>>,
    info: Option<Arc<AssociationInfo>>,
    aarq: Option<Aarq>,
    bind_ctx: i64,
    calling_tsel: Option<Bytes>,
    called_tsel: Option<Bytes>,
    pending: HashMap<i64, oneshot::Sender<Result<Outcome, AssocError>>>,
    release_waiter: Option<oneshot::Sender<Result<(), AssocError>>>,
    /// Peer invocations handed to the service and not yet answered.
    peer_outstanding: usize,
    shutdown_seen: bool,
    shutdown_deadline: Option<Instant>,
    end: Option<EndReason>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("peer", &self.peer)
            .field("phase", &self.phase)
            .finish()
    }
}

impl Driver {
    fn new(
        stream: TcpStream,
        peer: SocketAddr,
        stack: Stack,
        settings: Settings,
        setup: Setup,
    ) -> Self {
        let (tx, cmd_rx) = mpsc::unbounded_channel();
        let now = Instant::now();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        Driver {
            stream,
            peer,
            stack,
            settings,
            setup,
            phase: Phase::Binding,
            started: now,
            last_activity: now,
            cmd_weak: tx.downgrade(),
            cmd_tx: Some(tx),
            cmd_rx,
            cmd_open: true,
            events_tx: Some(events_tx),
            events_rx: Some(events_rx),
            info: None,
            aarq: None,
            bind_ctx: 0,
            calling_tsel: None,
            called_tsel: None,
            pending: HashMap::new(),
            release_waiter: None,
            peer_outstanding: 0,
            shutdown_seen: false,
            shutdown_deadline: None,
            end: None,
        }
    }

    /// A responder driver for an accepted TCP connection.
    pub(crate) fn responder(
        stream: TcpStream,
        peer: SocketAddr,
        settings: Settings,
        transport_ref: u16,
        offered: Arc<Vec<AppContext>>,
        incoming: mpsc::UnboundedSender<IncomingBind>,
        tsel: Option<Bytes>,
    ) -> Self {
        let mut supported = Vec::new();
        for c in offered.iter() {
            for s in c.abstract_syntaxes() {
                if !supported.contains(&s) {
                    supported.push(s);
                }
            }
        }
        let stack = Stack::new(
            crate::osi::stack::Role::Responder,
            settings.osi.clone(),
            supported,
            None,
        )
        .with_transport_ref(transport_ref);
        Driver::new(
            stream,
            peer,
            stack,
            settings,
            Setup::Responder {
                offered,
                incoming,
                tsel,
            },
        )
    }

    /// An initiator driver for a connected TCP stream; the CR goes out at once.
    pub(crate) fn initiator(
        stream: TcpStream,
        peer: SocketAddr,
        settings: Settings,
        ctx: AppContext,
        params: ConnectParams,
        confirm: oneshot::Sender<Confirm>,
    ) -> Result<Self, AssocError> {
        let mut stack = Stack::new(
            crate::osi::stack::Role::Initiator,
            settings.osi.clone(),
            vec![],
            None,
        );
        let calling_tsel = params.calling_tsel.clone();
        let called_tsel = params.called_tsel.clone();
        let aarq = params.aarq.clone();
        stack
            .connect(params)
            .map_err(|e| AssocError::Refused(e.to_string()))?;
        let mut d = Driver::new(
            stream,
            peer,
            stack,
            settings,
            Setup::Initiator {
                ctx,
                confirm: Some(confirm),
            },
        );
        d.calling_tsel = calling_tsel;
        d.called_tsel = called_tsel;
        d.aarq = Some(aarq);
        Ok(d)
    }

    /// Runs the connection to its end. `shutdown` turning true starts a graceful shutdown.
    pub(crate) async fn run(mut self, mut shutdown: Option<watch::Receiver<bool>>) {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            if let Err(e) = self.flush().await {
                tracing::debug!(peer = %self.peer, "write failed: {e}");
                self.finish(EndReason::TransportLost);
            }
            if self.stack.is_closed() && self.end.is_none() {
                // The stack closed on its own (release answered, refusal sent).
                self.finish(EndReason::TransportLost);
            }
            if self.phase == Phase::Done {
                break;
            }
            // Checked on every turn, not only when `changed` fires: the signal may have come
            // while a command or PDU was being handled.
            if !self.shutdown_seen && shutdown.as_ref().is_some_and(|s| *s.borrow()) {
                self.shutdown_seen = true;
                self.on_shutdown();
                continue;
            }
            let deadline = self.deadline();
            let watching = shutdown.is_some() && !self.shutdown_seen;
            tokio::select! {
                r = self.stream.read(&mut buf) => match r {
                    Ok(0) | Err(_) => {
                        tracing::debug!(peer = %self.peer, "transport closed by the peer");
                        self.finish(EndReason::TransportLost);
                    }
                    Ok(n) => {
                        self.last_activity = Instant::now();
                        let slice = buf.get(..n).unwrap_or_default();
                        for ev in self.stack.feed(slice) {
                            self.on_stack_event(ev);
                        }
                    }
                },
                c = self.cmd_rx.recv(), if self.cmd_open => match c {
                    Some(c) => self.on_command(c),
                    None => {
                        self.cmd_open = false;
                        self.on_abandoned();
                    }
                },
                _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    self.on_timeout();
                }
                // The next turn sees the new value.
                _ = wait_changed(&mut shutdown), if watching => {}
            }
        }
        // The last abort or refusal gets a short chance only: the peer may not be reading.
        let _ = tokio::time::timeout(Duration::from_secs(2), self.flush()).await;
        let _ = tokio::time::timeout(Duration::from_secs(1), self.stream.shutdown()).await;
        self.close_out();
    }

    fn deadline(&self) -> Option<Instant> {
        let after = |from: Instant, d: Duration| (!d.is_zero()).then(|| from + d);
        let t = match self.phase {
            Phase::Binding => after(self.started, self.settings.bind_timeout),
            Phase::Bound => after(self.last_activity, self.settings.idle_timeout),
            Phase::Done => None,
        };
        match (t, self.shutdown_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        let out = self.stack.take_output();
        if out.is_empty() {
            return Ok(());
        }
        self.last_activity = Instant::now();
        let t = self.settings.operation_timeout;
        if t.is_zero() {
            self.stream.write_all(&out).await
        } else {
            match tokio::time::timeout(t, self.stream.write_all(&out)).await {
                Ok(r) => r,
                Err(_) => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "peer does not read",
                )),
            }
        }
    }

    /// Records why the association ended (the first reason wins) and stops the loop.
    fn finish(&mut self, reason: EndReason) {
        if self.end.is_none() {
            match &reason {
                EndReason::ProtocolError(e) => {
                    tracing::warn!(peer = %self.peer, "association aborted: protocol error: {e}")
                }
                r => tracing::info!(peer = %self.peer, "association ended: {r}"),
            }
            self.end = Some(reason);
        }
        self.phase = Phase::Done;
    }

    /// Answers everyone still waiting once the loop is over.
    fn close_out(&mut self) {
        let reason = self.end.clone().unwrap_or(EndReason::TransportLost);
        for (_, w) in self.pending.drain() {
            let _ = w.send(Err(AssocError::Ended(reason.clone())));
        }
        if let Some(w) = self.release_waiter.take() {
            let r = match reason {
                EndReason::Released { .. } => Ok(()),
                ref r => Err(AssocError::Ended(r.clone())),
            };
            let _ = w.send(r);
        }
        if let Setup::Initiator { confirm, .. } = &mut self.setup
            && let Some(c) = confirm.take()
        {
            let e = match &reason {
                EndReason::BindTimeout => ConnectError::Timeout,
                r => ConnectError::Failed(AssocError::Ended(r.clone())),
            };
            let _ = c.send(Err(e));
        }
        if let Some(tx) = self.events_tx.take() {
            let _ = tx.send(Event::End(reason));
        }
    }

    fn handle(
        &self,
        tx: mpsc::UnboundedSender<Command>,
        info: Arc<AssociationInfo>,
    ) -> AssociationHandle {
        AssociationHandle {
            info,
            tx,
            timeout: self.settings.operation_timeout,
        }
    }

    // ---- stack events --------------------------------------------------------------------

    fn on_stack_event(&mut self, ev: StackEvent) {
        match ev {
            StackEvent::TransportConnected(cr) => {
                if let Setup::Responder {
                    tsel: Some(want), ..
                } = &self.setup
                    && cr.called_tsel.as_ref() != Some(want)
                {
                    // Not our TSAP: close before the CC goes out, as if nobody listened
                    // there (class 0 has no way to name the cause once connected).
                    tracing::info!(peer = %self.peer, called = ?cr.called_tsel, "connection refused: wrong T-selector");
                    let _ = self.stack.take_output();
                    self.finish(EndReason::LocalAbort);
                    return;
                }
                self.calling_tsel = cr.calling_tsel;
                self.called_tsel = cr.called_tsel;
            }
            StackEvent::AssociateIndication(ind) => self.on_indication(*ind),
            StackEvent::AssociateConfirm(aare) => self.on_confirm(*aare),
            StackEvent::AssociateRefused {
                aare,
                presentation_reason,
                session_reason,
                transport_reason,
            } => {
                let err = match aare {
                    Some(aare) => ConnectError::BindRefused {
                        error: match RosBind::from_user_information(&aare.user_information) {
                            Some(Ok(RosBind::Error(e))) => Some(e),
                            _ => None,
                        },
                        diagnostic: aare.diagnostic,
                    },
                    None => ConnectError::Refused(format!(
                        "presentation {presentation_reason:?}, session {session_reason:?}, \
                         transport {transport_reason:?}"
                    )),
                };
                if let Setup::Initiator { confirm, .. } = &mut self.setup
                    && let Some(c) = confirm.take()
                {
                    let _ = c.send(Err(err));
                }
                self.finish(EndReason::TransportLost);
            }
            StackEvent::Rose { context_id, pdu } => self.on_rose(context_id, pdu),
            StackEvent::ReleaseIndication(_) => {
                let _ = self.stack.release_response(Release {
                    reason: Some(0),
                    user_information: vec![],
                });
                self.finish(EndReason::Released { by_peer: true });
            }
            StackEvent::ReleaseConfirm(_) => {
                self.finish(EndReason::Released { by_peer: false });
            }
            StackEvent::Aborted { abrt, .. } => self.finish(EndReason::PeerAborted {
                diagnostic: abrt.and_then(|a| a.diagnostic),
            }),
            StackEvent::ProtocolError(e) => self.finish(EndReason::ProtocolError(e.to_string())),
            StackEvent::CloseTransport => self.finish(EndReason::TransportLost),
        }
    }

    fn on_indication(&mut self, ind: crate::osi::stack::AssociateIndication) {
        let Setup::Responder {
            offered, incoming, ..
        } = &self.setup
        else {
            return;
        };
        let aarq = ind.aarq;
        let Some(ctx) =
            AppContext::from_oid(&aarq.application_context).filter(|c| offered.contains(c))
        else {
            tracing::info!(
                peer = %self.peer,
                context = %aarq.application_context,
                "association refused: application context not offered"
            );
            let _ = self.stack.reject(acse::reject(
                &aarq,
                acse::user_diag::APPLICATION_CONTEXT_NOT_SUPPORTED,
                vec![],
            ));
            self.finish(EndReason::LocalAbort);
            return;
        };
        let contexts = ind
            .contexts
            .iter()
            .filter(|(_, r)| r.result == pres::result::ACCEPTANCE)
            .map(|(d, _)| (d.id, d.abstract_syntax.clone()))
            .collect();
        let info = AssociationInfo {
            application_context: ctx,
            side: ctx.initiator_side().peer(),
            contexts,
            peer: self.peer,
            calling_tsel: self.calling_tsel.clone(),
            called_tsel: self.called_tsel.clone(),
            calling_ssel: ind.session.calling_ssel.clone(),
            called_ssel: ind.session.called_ssel.clone(),
            calling_psel: ind.cp.calling_psel.clone(),
            called_psel: ind.cp.called_psel.clone(),
            calling_ae: aarq.calling.clone(),
            called_ae: aarq.called.clone(),
        };
        let syntax = ctx.bind_syntax();
        let bind_ctx = aarq
            .user_information
            .first()
            .and_then(|e| e.indirect_reference)
            .or_else(|| info.context_for(syntax.oid()));
        let (Some(RosBind::Invoke(ber)), Some(bind_ctx)) = (ind.bind, bind_ctx) else {
            tracing::info!(peer = %self.peer, "association refused: no bind argument");
            let _ = self
                .stack
                .reject(acse::reject(&aarq, acse::user_diag::NO_REASON, vec![]));
            self.finish(EndReason::LocalAbort);
            return;
        };
        let (Some(tx), Some(events)) = (self.cmd_tx.take(), self.events_rx.take()) else {
            return;
        };
        self.bind_ctx = bind_ctx;
        let info = Arc::new(info);
        self.info = Some(info.clone());
        let incoming_bind = IncomingBind::new(
            self.handle(tx, info),
            BindArgument {
                syntax,
                context_id: bind_ctx,
                ber,
            },
            events,
        );
        self.aarq = Some(aarq);
        if incoming.send(incoming_bind).is_err() {
            // The server is gone: the IncomingBind was dropped, which refuses below.
            tracing::debug!(peer = %self.peer, "no service to take the bind");
        }
    }

    fn on_confirm(&mut self, aare: acse::Aare) {
        let Setup::Initiator { ctx, confirm } = &mut self.setup else {
            return;
        };
        let ctx = *ctx;
        let Some(confirm) = confirm.take() else {
            return;
        };
        let result = match RosBind::from_user_information(&aare.user_information) {
            Some(Ok(RosBind::Result(r))) => r,
            _ => Bytes::new(),
        };
        let Some(aarq) = self.aarq.clone() else {
            return;
        };
        let info = Arc::new(AssociationInfo {
            application_context: ctx,
            side: ctx.initiator_side(),
            contexts: self.stack.contexts().clone(),
            peer: self.peer,
            calling_tsel: self.calling_tsel.clone(),
            called_tsel: self.called_tsel.clone(),
            calling_ssel: None,
            called_ssel: None,
            calling_psel: None,
            called_psel: None,
            calling_ae: aarq.calling,
            called_ae: aarq.called,
        });
        let (Some(tx), Some(events)) = (self.cmd_tx.take(), self.events_rx.take()) else {
            return;
        };
        let assoc = Association::new(self.handle(tx, info.clone()), events);
        self.info = Some(info);
        self.phase = Phase::Bound;
        self.last_activity = Instant::now();
        if confirm.send(Ok((assoc, result))).is_err() {
            // connect() was given up on; nobody will use the association.
            self.abort(EndReason::LocalAbort);
        }
    }

    fn on_rose(&mut self, context_id: i64, pdu: RosePdu) {
        match pdu {
            RosePdu::Invoke {
                invoke_id: Some(invoke_id),
                opcode,
                argument,
                ..
            } => {
                let op = self.info.as_ref().and_then(|info| {
                    let syntax = info.contexts.get(&context_id)?;
                    dispatch::operation(info.application_context, syntax, info.side.peer(), &opcode)
                });
                let Some(operation) = op else {
                    tracing::info!(peer = %self.peer, %opcode, context_id, "unrecognized operation rejected");
                    let _ = self.stack.respond(
                        context_id,
                        RosePdu::Reject {
                            invoke_id: Some(invoke_id),
                            problem: Problem::Invoke(problem::UNRECOGNIZED_OPERATION),
                        },
                    );
                    return;
                };
                let inv = Invoke {
                    operation,
                    code: opcode,
                    invoke_id,
                    context_id,
                    argument,
                    tx: self.cmd_weak.upgrade(),
                };
                self.peer_outstanding += 1;
                if let Some(tx) = &self.events_tx {
                    // A dropped receiver drops the Invoke, whose Drop rejects it.
                    let _ = tx.send(Event::Invoke(inv));
                }
            }
            RosePdu::Invoke { .. } => {}
            RosePdu::Result { invoke_id, result } => {
                self.answer(invoke_id, Outcome::Result(result.map(|(_, r)| r)))
            }
            RosePdu::Error {
                invoke_id,
                code,
                parameter,
            } => self.answer(invoke_id, Outcome::Error { code, parameter }),
            RosePdu::Reject { invoke_id, problem } => {
                if invoke_id.is_none() {
                    tracing::info!(peer = %self.peer, ?problem, "peer rejected an unreadable PDU");
                }
                self.answer(invoke_id, Outcome::Rejected(problem))
            }
        }
    }

    fn answer(&mut self, invoke_id: Option<i64>, outcome: Outcome) {
        if let Some(w) = invoke_id.and_then(|id| self.pending.remove(&id)) {
            let _ = w.send(Ok(outcome));
        }
        self.maybe_finish_shutdown();
    }

    // ---- commands ------------------------------------------------------------------------

    fn on_command(&mut self, c: Command) {
        match c {
            Command::AcceptBind(result) => {
                let Some(aarq) = self.aarq.take() else { return };
                if self.phase != Phase::Binding {
                    return;
                }
                let ui = vec![RosBind::Result(result).to_external(self.bind_ctx)];
                match self.stack.accept(acse::accept(&aarq, ui)) {
                    Ok(()) => {
                        let ctx = self.info.as_ref().map(|i| i.application_context);
                        tracing::info!(peer = %self.peer, context = ?ctx, "association accepted");
                        self.phase = Phase::Bound;
                        self.last_activity = Instant::now();
                    }
                    Err(e) => self.finish(EndReason::ProtocolError(e.to_string())),
                }
            }
            Command::RejectBind { error, diagnostic } => {
                let Some(aarq) = self.aarq.take() else { return };
                let ui = error
                    .map(|e| vec![RosBind::Error(e).to_external(self.bind_ctx)])
                    .unwrap_or_default();
                let _ = self.stack.reject(acse::reject(&aarq, diagnostic, ui));
                tracing::info!(peer = %self.peer, diagnostic, "bind refused");
                self.finish(EndReason::LocalAbort);
            }
            Command::Invoke {
                context_id,
                code,
                argument,
                reply,
            } => {
                if self.phase != Phase::Bound {
                    let _ = reply.send(Err(AssocError::Refused("not bound".into())));
                    return;
                }
                // Invocations whose callers gave up (operation timeout, dropped future) free
                // their slot here, so a peer that never answers cannot use up the limit.
                let stack = &mut self.stack;
                self.pending.retain(|id, w| {
                    let keep = !w.is_closed();
                    if !keep {
                        stack.forget_invocation(*id);
                    }
                    keep
                });
                match self.stack.invoke(context_id, code, argument) {
                    Ok(id) => {
                        self.pending.insert(id, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(AssocError::Refused(e.to_string())));
                    }
                }
            }
            Command::Respond { context_id, pdu } => {
                self.peer_outstanding = self.peer_outstanding.saturating_sub(1);
                if self.phase == Phase::Bound
                    && let Err(e) = self.stack.respond(context_id, pdu)
                {
                    tracing::debug!(peer = %self.peer, "answer not sent: {e}");
                }
                self.maybe_finish_shutdown();
            }
            Command::Release(reply) => {
                if self.phase != Phase::Bound || self.release_waiter.is_some() {
                    let _ = reply.send(Err(AssocError::Refused("not bound".into())));
                    return;
                }
                match self.stack.release(Release {
                    reason: Some(0),
                    user_information: vec![],
                }) {
                    Ok(()) => self.release_waiter = Some(reply),
                    Err(e) => {
                        let _ = reply.send(Err(AssocError::Refused(e.to_string())));
                    }
                }
            }
            Command::Abort => self.abort(EndReason::LocalAbort),
        }
    }

    /// Every handle, the association and all unanswered invokes were dropped.
    fn on_abandoned(&mut self) {
        match self.phase {
            Phase::Binding => {
                if let Some(aarq) = self.aarq.take()
                    && matches!(self.setup, Setup::Responder { .. })
                {
                    let _ =
                        self.stack
                            .reject(acse::reject(&aarq, acse::user_diag::NO_REASON, vec![]));
                    self.finish(EndReason::LocalAbort);
                }
            }
            Phase::Bound => self.abort(EndReason::LocalAbort),
            Phase::Done => {}
        }
    }

    fn abort(&mut self, reason: EndReason) {
        if self.phase == Phase::Bound {
            let _ = self.stack.abort(Abrt {
                source: acse::abort_source::USER,
                diagnostic: None,
                user_information: vec![],
            });
        }
        self.finish(reason);
    }

    fn on_timeout(&mut self) {
        let now = Instant::now();
        if self.shutdown_deadline.is_some_and(|d| d <= now) {
            self.abort_or_refuse(EndReason::Shutdown);
            return;
        }
        match self.phase {
            Phase::Binding => self.abort_or_refuse(EndReason::BindTimeout),
            Phase::Bound => self.abort(EndReason::IdleTimeout),
            Phase::Done => {}
        }
    }

    fn abort_or_refuse(&mut self, reason: EndReason) {
        if self.phase == Phase::Binding
            && matches!(self.setup, Setup::Responder { .. })
            && let Some(aarq) = self.aarq.take()
        {
            let _ = self.stack.reject(Aarq::transient_refusal(&aarq));
            self.finish(reason);
        } else {
            self.abort(reason);
        }
    }

    fn on_shutdown(&mut self) {
        if self.phase != Phase::Bound {
            self.abort_or_refuse(EndReason::Shutdown);
            return;
        }
        self.shutdown_deadline = Some(Instant::now() + self.settings.shutdown_timeout);
        self.maybe_finish_shutdown();
    }

    /// During shutdown, an association with nothing in flight ends at once.
    fn maybe_finish_shutdown(&mut self) {
        if self.shutdown_deadline.is_some()
            && self.phase == Phase::Bound
            && self.pending.is_empty()
            && self.peer_outstanding == 0
            && self.release_waiter.is_none()
        {
            self.abort(EndReason::Shutdown);
        }
    }
}

trait TransientRefusal {
    fn transient_refusal(aarq: &Aarq) -> acse::Aare;
}

impl TransientRefusal for Aarq {
    /// An AARE refusing for now (rejected-transient, no reason given): the bind was not
    /// answered in time or the server is going down.
    fn transient_refusal(aarq: &Aarq) -> acse::Aare {
        acse::Aare {
            result: acse::result::REJECTED_TRANSIENT,
            ..acse::reject(aarq, acse::user_diag::NO_REASON, vec![])
        }
    }
}

/// Resolves when the shutdown flag changes (never, without a receiver).
async fn wait_changed(rx: &mut Option<watch::Receiver<bool>>) {
    match rx {
        Some(rx) => {
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}
