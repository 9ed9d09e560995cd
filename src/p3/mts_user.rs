//! The store as MTS user (X.411 §8.2 submission port and §8.3 delivery port over X.419
//! mts-access-88 2.6.0.1.0 / mts-access-94 2.6.0.1.7, the store initiating): one association
//! to the configured MTA, bound with the store's O/R address (`message-store [4]`) and its
//! password, kept up with reconnects and back-off. Submissions from P7 users go through a
//! bounded queue and come back with the MTA's result or a typed [`SubmitError`]; the MTA's
//! Submission-Control is answered, and Message-Delivery / Report-Delivery arriving on this
//! association are stored by the delivery [`Responder`] as if the MTA had bound to the store
//! (the seed: delivery "may make use of a connection initiated by the P3 submission module").
//!
//! A submission that finds no association within the configured wait is answered with
//! [`SubmitError::Unreachable`] (the P7 side maps it to remote-bind-error) and is never sent
//! later: the link drops queued requests whose caller has gone or whose wait has passed.
//! A submission the MTA does not answer within `answer-timeout` on a live association is
//! [`SubmitError::NoAnswer`]; the association is then aborted and bound again, since an MTA
//! that stopped answering one operation is in a state the store cannot know.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use rasn::types::{Ia5String, OctetString};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{Responder, audit, context_name};
use crate::asn1::x411::{
    self, Credentials, MTSBindArgument, MTSBindError, MTSBindResult, ObjectName, Password,
};
use crate::assoc::client::{self, ConnectError, ConnectRequest};
use crate::assoc::{
    AppContext, AssocError, Association, AssociationHandle, Event, Invoke, Operation, Outcome,
    Settings,
};
use crate::config::{StoreIdentity, Submission};
use crate::osi::rose::{self, Code, Problem};

/// Requests waiting for the association at most (the queue is bounded so a dead MTA cannot
/// make the store hold an unbounded amount of submitted content).
pub const QUEUE: usize = 256;
/// First reconnect delay after a failed or lost association.
const BACKOFF_MIN: Duration = Duration::from_millis(500);
/// Longest reconnect delay.
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// With requests waiting, a new attempt is made at least this often whatever the back-off.
const RETRY_WHEN_WAITED_FOR: Duration = Duration::from_secs(1);

/// Why a submission got no result from the MTA.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// No association with the MTA within the wait (remote-bind-error for the UA).
    #[error("MTA {mta} unreachable: {reason}")]
    Unreachable {
        /// The MTA (its name, or its address).
        mta: String,
        /// Why (connection refused, bind refused, …).
        reason: String,
    },
    /// The association was lost before the MTA answered; the message may or may not have
    /// been taken (remote-bind-error for the UA, which may submit again).
    #[error("MTA {mta}: association lost before the result: {reason}")]
    Lost {
        /// The MTA.
        mta: String,
        /// Why.
        reason: String,
    },
    /// The MTA answered with an X.411 error: passed on to the UA as it is.
    #[error("MTA returned error {code}")]
    Mta {
        /// The X.411 error code ([`x411::err`]).
        code: i64,
        /// Its parameter TLV.
        parameter: Option<Bytes>,
    },
    /// The MTA rejected the invocation (ROSE reject).
    #[error("MTA rejected the operation: {0:?}")]
    Rejected(Problem),
    /// The MTA's submission-control does not permit this submission now.
    #[error("submission-control violated: {0}")]
    ControlViolated(String),
    /// Too many submissions are waiting for the MTA.
    #[error("submission queue full")]
    QueueFull,
    /// The link is shut down.
    #[error("submission link stopped")]
    Stopped,
    /// The association was up but the MTA did not answer within `answer-timeout`; the message
    /// may or may not have been taken (remote-bind-error for the UA). The association is
    /// dropped and bound again.
    #[error("MTA {mta} did not answer within {after:?}")]
    NoAnswer {
        /// The MTA.
        mta: String,
        /// The answer-timeout that passed.
        after: Duration,
    },
}

/// Where and how the store binds to its MTA.
#[derive(Debug, Clone)]
pub struct MtsUserOptions {
    /// `host:port`.
    pub address: String,
    /// Called T-selector.
    pub tsel: Option<Bytes>,
    /// Responder-name the MTA must give (`mTA [0]`); `None`: any.
    pub mta_name: Option<String>,
    /// mts-access-88 or mts-access-94.
    pub context: AppContext,
    /// The store's O/R address (initiator-name `message-store [4]`).
    pub identity: StoreIdentity,
    /// The store's password towards the MTA.
    pub password: Vec<u8>,
    /// How long a submission waits for the association.
    pub wait: Duration,
    /// How long a submission sent on the association waits for the MTA's answer.
    pub answer_timeout: Duration,
    /// Association timeouts (the bind timeout is capped to `wait`).
    pub settings: Settings,
}

impl MtsUserOptions {
    /// The options `[submission]` and `[store]` ask for.
    pub fn from_config(s: &Submission, identity: &StoreIdentity, settings: Settings) -> Self {
        MtsUserOptions {
            address: s.mta.clone(),
            tsel: (!s.mta_tsel.as_bytes().is_empty())
                .then(|| Bytes::copy_from_slice(s.mta_tsel.as_bytes())),
            mta_name: s.mta_name.clone(),
            context: if s.context == 94 {
                AppContext::MtsAccess94
            } else {
                AppContext::MtsAccess88
            },
            identity: identity.clone(),
            password: s.password.expose().to_vec(),
            wait: s.wait,
            answer_timeout: s.answer_timeout,
            settings,
        }
    }

    /// The MTA as logs name it: `name (host:port)` or the address.
    pub fn mta_label(&self) -> String {
        match &self.mta_name {
            Some(n) => format!("{n} ({})", self.address),
            None => self.address.clone(),
        }
    }
}

struct Request {
    op: Operation,
    argument: Bytes,
    deadline: Instant,
    reply: oneshot::Sender<Result<Option<Bytes>, SubmitError>>,
}

/// The handle P7 operations submit through. Cloneable (an `Arc` inside); dropping the last
/// one stops the link.
#[derive(Debug, Clone)]
pub struct MtsUser {
    tx: mpsc::Sender<RequestBox>,
    label: Arc<str>,
    wait: Duration,
    invoke_ids: Arc<AtomicU64>,
    up: Arc<std::sync::atomic::AtomicBool>,
    controls: Arc<std::sync::Mutex<x411::Controls>>,
}

/// A request in the queue (boxed: the channel holds pointers, not whole requests).
type RequestBox = Box<Request>;

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request").field("op", &self.op).finish()
    }
}

impl MtsUser {
    /// Starts the link (it connects at once and stays up); `delivery` stores what the MTA
    /// delivers over it. Must be called inside a tokio runtime.
    pub fn start(
        opts: MtsUserOptions,
        delivery: Option<Arc<Responder>>,
    ) -> (MtsUser, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let (no_answer, no_answer_rx) = mpsc::unbounded_channel();
        let label: Arc<str> = Arc::from(opts.mta_label().as_str());
        let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let controls = Arc::new(std::sync::Mutex::new(x411::Controls::default()));
        let user = MtsUser {
            tx,
            label: label.clone(),
            wait: opts.wait,
            invoke_ids: Arc::new(AtomicU64::new(1)),
            up: up.clone(),
            controls: controls.clone(),
        };
        let link = Link {
            opts,
            label,
            delivery,
            up,
            controls,
            no_answer,
        };
        (user, tokio::spawn(link.run(rx, no_answer_rx)))
    }

    /// The MTA as logs name it.
    pub fn mta(&self) -> &str {
        &self.label
    }

    /// Whether the association with the MTA is up now.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Whether the MTA's submission-control (X.411 §8.2.1.4) lets the store submit now:
    /// `probe` or a message, of `content_length` octets, `priority` and `content_type`.
    /// A refusal is [`SubmitError::ControlViolated`] (submission-control-violated for the UA).
    pub fn check_controls(
        &self,
        probe: bool,
        content_length: u64,
        priority: x411::Priority,
        content_type: &x411::ContentType,
    ) -> Result<(), SubmitError> {
        let c = self.controls.lock().unwrap_or_else(|p| p.into_inner());
        let violated = |why: &str| {
            Err(SubmitError::ControlViolated(format!(
                "{why} (submission-control from {})",
                self.label
            )))
        };
        if let Some(ops) = &c.permissible_operations {
            // probe-submission-or-report-delivery(0), message-submission-or-message-delivery(1)
            let bit = if probe { 0 } else { 1 };
            if !ops.get(bit).is_some_and(|b| *b) {
                return violated("operation not permitted");
            }
        }
        if let Some(max) = c.permissible_maximum_content_length
            && content_length > u64::from(max)
        {
            return violated("content longer than permitted");
        }
        if let Some(lowest) = c.permissible_lowest_priority {
            let rank = |p: x411::Priority| match p {
                x411::Priority::NonUrgent => 0,
                x411::Priority::Normal => 1,
                x411::Priority::Urgent => 2,
            };
            if rank(priority) < rank(lowest) {
                return violated("priority lower than permitted");
            }
        }
        if let Some(types) = &c.permissible_content_types
            && !types.contains(content_type)
        {
            return violated("content type not permitted");
        }
        Ok(())
    }

    /// A fresh identifier correlating SUBMIT-… audit records with their results.
    pub fn next_invoke_id(&self) -> u64 {
        self.invoke_ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Invokes `op` on the MTA with `argument` (its TLV) and returns the result TLV.
    pub async fn invoke(
        &self,
        op: Operation,
        argument: Bytes,
    ) -> Result<Option<Bytes>, SubmitError> {
        let (reply, rx) = oneshot::channel();
        let req = Box::new(Request {
            op,
            argument,
            deadline: Instant::now() + self.wait,
            reply,
        });
        match self.tx.try_send(req) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => return Err(SubmitError::QueueFull),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(SubmitError::Stopped),
        }
        rx.await.unwrap_or(Err(SubmitError::Stopped))
    }

    /// message-submission: the X.411 MessageSubmissionArgument TLV; the
    /// MessageSubmissionResult TLV back.
    pub async fn submit_message(&self, argument: Bytes) -> Result<Bytes, SubmitError> {
        self.invoke(Operation::MessageSubmission, argument)
            .await?
            .ok_or_else(|| SubmitError::Mta {
                code: -1,
                parameter: None,
            })
    }

    /// probe-submission: the ProbeSubmissionArgument TLV; the ProbeSubmissionResult TLV back.
    pub async fn submit_probe(&self, argument: Bytes) -> Result<Bytes, SubmitError> {
        self.invoke(Operation::ProbeSubmission, argument)
            .await?
            .ok_or_else(|| SubmitError::Mta {
                code: -1,
                parameter: None,
            })
    }

    /// cancel-deferred-delivery: the MessageSubmissionIdentifier TLV.
    pub async fn cancel_deferred_delivery(&self, argument: Bytes) -> Result<(), SubmitError> {
        self.invoke(Operation::CancelDeferredDelivery, argument)
            .await
            .map(|_| ())
    }
}

/// The task that owns the association.
struct Link {
    opts: MtsUserOptions,
    label: Arc<str>,
    delivery: Option<Arc<Responder>>,
    up: Arc<std::sync::atomic::AtomicBool>,
    controls: Arc<std::sync::Mutex<x411::Controls>>,
    /// Told by a request the MTA left unanswered: the number of the association it was sent
    /// on (see [`Link::run`]), so that one, and no later one, is dropped.
    no_answer: mpsc::UnboundedSender<NoAnswer>,
}

/// A request left unanswered past `answer-timeout`.
#[derive(Debug, Clone, Copy)]
struct NoAnswer {
    /// Which association (counted from 1 as they come up).
    association: u64,
    /// The operation.
    op: Operation,
}

type Connecting = JoinHandle<Result<(Association, Bytes), ConnectError>>;

enum State {
    Down { retry_at: Instant, last: Instant },
    Connecting(Connecting),
    Up(Association),
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}

impl Link {
    fn bind_argument(&self) -> Bytes {
        let password = match Ia5String::from_iso646_bytes(&self.opts.password) {
            Ok(p) => Password::Ia5String(p),
            Err(_) => Password::OctetString(OctetString::from(self.opts.password.clone())),
        };
        let arg = MTSBindArgument {
            initiator_name: ObjectName::MessageStore(x411::ORName {
                address: self.opts.identity.or_address.clone(),
                directory_name: None,
            }),
            messages_waiting: None,
            initiator_credentials: Credentials::Simple(password),
            security_context: None,
            extensions: None,
        };
        // A value built from a parsed O/R address and a password always encodes.
        Bytes::from(x411::encode(&arg).unwrap_or_default())
    }

    fn connect(&self) -> Connecting {
        let mut settings = self.opts.settings.clone();
        if settings.bind_timeout.is_zero() || settings.bind_timeout > self.opts.wait {
            settings.bind_timeout = self.opts.wait;
        }
        let mut req = ConnectRequest::new(
            self.opts.address.clone(),
            self.opts.context,
            self.bind_argument(),
        )
        .settings(settings);
        req.called_tsel = self.opts.tsel.clone();
        tokio::spawn(client::connect(req))
    }

    /// Checks the MTA's MTSBindResult: it must name an MTA, the configured one if any.
    fn check_result(&self, result: &[u8]) -> Result<String, String> {
        let r: MTSBindResult =
            x411::decode(result).map_err(|e| format!("undecodable MTSBindResult: {e}"))?;
        let name = match &r.responder_name {
            ObjectName::Mta(n) => String::from_utf8_lossy(n.as_iso646_bytes()).into_owned(),
            other => return Err(format!("responder is not an MTA: {other:?}")),
        };
        match &self.opts.mta_name {
            Some(want) if want != &name => Err(format!(
                "responder-name `{name}` is not the configured mta-name `{want}`"
            )),
            _ => Ok(name),
        }
    }

    fn unreachable(&self, reason: &str) -> SubmitError {
        SubmitError::Unreachable {
            mta: self.label.to_string(),
            reason: reason.to_string(),
        }
    }

    /// Answers (with Unreachable) queued requests whose wait is over or whose caller left.
    fn expire(&self, pending: &mut VecDeque<RequestBox>, reason: &str) {
        let now = Instant::now();
        let mut kept = VecDeque::with_capacity(pending.len());
        let mut expired = 0usize;
        for r in pending.drain(..) {
            if r.reply.is_closed() {
                continue;
            }
            if r.deadline <= now {
                expired += 1;
                let _ = r.reply.send(Err(self.unreachable(reason)));
            } else {
                kept.push_back(r);
            }
        }
        if expired > 0 {
            tracing::warn!(mta = %self.label, expired, "MTA unreachable: {reason}; submissions answered with remote-bind-error");
        }
        *pending = kept;
    }

    async fn run(
        self,
        mut rx: mpsc::Receiver<RequestBox>,
        mut no_answer: mpsc::UnboundedReceiver<NoAnswer>,
    ) {
        let mut pending: VecDeque<RequestBox> = VecDeque::new();
        // Numbers the associations, so a late no-answer notice cannot drop a newer one.
        let mut association = 0u64;
        let mut backoff = BACKOFF_MIN;
        let mut last_error = String::from("not connected yet");
        let mut state = State::Connecting(self.connect());
        let mut attempt_started = Instant::now();
        loop {
            self.expire(&mut pending, &last_error);
            let deadline = pending.iter().map(|r| r.deadline).min();
            match &mut state {
                State::Down { retry_at, last } => {
                    let wake = deadline.map_or(*retry_at, |d| d.min(*retry_at));
                    tokio::select! {
                        r = rx.recv() => match r {
                            Some(req) if pending.len() >= QUEUE => {
                                let _ = req.reply.send(Err(SubmitError::QueueFull));
                            }
                            Some(req) => {
                                pending.push_back(req);
                                // Someone waits: try again soon whatever the back-off.
                                let soon = *last + RETRY_WHEN_WAITED_FOR;
                                if soon < *retry_at {
                                    *retry_at = soon;
                                }
                            }
                            None => return,
                        },
                        _ = tokio::time::sleep_until(wake) => {
                            if Instant::now() >= *retry_at {
                                attempt_started = Instant::now();
                                state = State::Connecting(self.connect());
                            }
                        }
                    }
                }
                State::Connecting(h) => {
                    let wake = deadline.unwrap_or_else(far_future);
                    tokio::select! {
                        r = rx.recv() => match r {
                            Some(req) if pending.len() >= QUEUE => {
                                let _ = req.reply.send(Err(SubmitError::QueueFull));
                            }
                            Some(req) => pending.push_back(req),
                            None => return,
                        },
                        _ = tokio::time::sleep_until(wake) => {}
                        res = h => {
                            let outcome = match res {
                                Ok(Ok((assoc, result))) => match self.check_result(&result) {
                                    Ok(name) => Ok((assoc, name)),
                                    Err(e) => {
                                        assoc.abort();
                                        Err(e)
                                    }
                                },
                                Ok(Err(ConnectError::BindRefused { error, .. })) => Err(
                                    match error.and_then(|b| x411::decode::<MTSBindError>(&b).ok()) {
                                        Some(e) => format!("MTS-bind refused: {e:?}"),
                                        None => "MTS-bind refused".to_string(),
                                    },
                                ),
                                Ok(Err(e)) => Err(e.to_string()),
                                Err(e) => Err(format!("connect task failed: {e}")),
                            };
                            let context = context_name(self.opts.context);
                            match outcome {
                                Ok((assoc, name)) => {
                                    let peer = assoc.info().peer.to_string();
                                    audit::bind_to_mta(&name, &peer, context, "success");
                                    tracing::info!(mta = %self.label, responder = %name, context, "bound to the MTA for submission");
                                    self.up.store(true, Ordering::Relaxed);
                                    // Controls hold for one association (X.411 §8.2.1.4).
                                    *self.controls.lock().unwrap_or_else(|p| p.into_inner()) =
                                        x411::Controls::default();
                                    backoff = BACKOFF_MIN;
                                    association += 1;
                                    let handle = assoc.handle();
                                    for req in pending.drain(..) {
                                        self.send(&handle, req, association);
                                    }
                                    state = State::Up(assoc);
                                }
                                Err(e) => {
                                    audit::bind_to_mta(
                                        self.opts.mta_name.as_deref().unwrap_or(""),
                                        &self.opts.address,
                                        context,
                                        &e,
                                    );
                                    tracing::warn!(mta = %self.label, retry_in = ?backoff, "MTA unreachable: {e}");
                                    last_error = e;
                                    let now = Instant::now();
                                    state = State::Down { retry_at: now + backoff, last: attempt_started };
                                    backoff = (backoff * 2).min(BACKOFF_MAX);
                                }
                            }
                        }
                    }
                }
                State::Up(assoc) => {
                    tokio::select! {
                        r = rx.recv() => match r {
                            Some(req) => self.send(&assoc.handle(), req, association),
                            None => {
                                let _ = assoc.release().await;
                                self.up.store(false, Ordering::Relaxed);
                                return;
                            }
                        },
                        ev = assoc.next_event() => match ev {
                            Some(Event::Invoke(inv)) => self.incoming(inv, assoc.handle()),
                            Some(Event::End(why)) => {
                                self.up.store(false, Ordering::Relaxed);
                                tracing::warn!(mta = %self.label, "association with the MTA ended: {why}; reconnecting");
                                audit::unbind_to_mta(&self.label, &why.to_string());
                                last_error = format!("association ended: {why}");
                                let now = Instant::now();
                                state = State::Down { retry_at: now + BACKOFF_MIN, last: now };
                            }
                            None => {
                                self.up.store(false, Ordering::Relaxed);
                                let now = Instant::now();
                                state = State::Down { retry_at: now + BACKOFF_MIN, last: now };
                            }
                        },
                        Some(n) = no_answer.recv() => {
                            if n.association != association {
                                // About an association already gone.
                                continue;
                            }
                            // Whether the MTA took the message, is still working on it or has
                            // lost it cannot be known: nothing more is sent on this
                            // association. Aborting it answers its other outstanding requests
                            // (Lost), and a fresh bind gives a known state.
                            let after = self.opts.answer_timeout;
                            tracing::warn!(mta = %self.label, operation = ?n.op, ?after, "the MTA did not answer within answer-timeout; aborting the association and binding again");
                            audit::unbind_to_mta(&self.label, &format!("no answer to {:?} within {after:?}", n.op));
                            assoc.abort();
                            self.up.store(false, Ordering::Relaxed);
                            last_error = format!("the MTA did not answer within {after:?}");
                            attempt_started = Instant::now();
                            state = State::Connecting(self.connect());
                        }
                    }
                }
            }
        }
    }

    /// Invokes one request on association number `association` in its own task, answering
    /// its caller; past `answer-timeout` the caller gets [`SubmitError::NoAnswer`] and the
    /// link is told to drop that association.
    fn send(&self, handle: &AssociationHandle, req: RequestBox, association: u64) {
        if req.reply.is_closed() {
            return;
        }
        let handle = handle.clone();
        let label = self.label.clone();
        let after = self.opts.answer_timeout;
        let no_answer = self.no_answer.clone();
        tokio::spawn(async move {
            let Request {
                op,
                argument,
                reply,
                ..
            } = *req;
            let answered = tokio::time::timeout(after, handle.invoke(op, Some(argument))).await;
            let Ok(answered) = answered else {
                let _ = no_answer.send(NoAnswer { association, op });
                let _ = reply.send(Err(SubmitError::NoAnswer {
                    mta: label.to_string(),
                    after,
                }));
                return;
            };
            let out = match answered {
                Ok(Outcome::Result(r)) => Ok(r),
                Ok(Outcome::Error { code, parameter }) => Err(SubmitError::Mta {
                    code: match code {
                        Code::Local(c) => c,
                        Code::Global(_) => -1,
                    },
                    parameter,
                }),
                Ok(Outcome::Rejected(p)) => Err(SubmitError::Rejected(p)),
                Err(AssocError::NotAvailable(op)) => Err(SubmitError::Unreachable {
                    mta: label.to_string(),
                    reason: format!("{op:?} not available on the association"),
                }),
                Err(e) => Err(SubmitError::Lost {
                    mta: label.to_string(),
                    reason: e.to_string(),
                }),
            };
            let _ = reply.send(out);
        });
    }

    /// Applies a submission-control: `restrict` TRUE sets the controls given, FALSE removes
    /// them.
    fn apply_controls(&self, c: &x411::Controls) {
        let mut cur = self.controls.lock().unwrap_or_else(|p| p.into_inner());
        fn set<T: Clone>(cur: &mut Option<T>, new: &Option<T>, update: bool) {
            if new.is_some() {
                *cur = if update { new.clone() } else { None };
            }
        }
        let update = c.effective_restrict();
        set(
            &mut cur.permissible_operations,
            &c.permissible_operations,
            update,
        );
        set(
            &mut cur.permissible_maximum_content_length,
            &c.permissible_maximum_content_length,
            update,
        );
        set(
            &mut cur.permissible_lowest_priority,
            &c.permissible_lowest_priority,
            update,
        );
        set(
            &mut cur.permissible_content_types,
            &c.permissible_content_types,
            update,
        );
    }

    /// An operation the MTA invoked on the store-initiated association.
    fn incoming(&self, inv: Invoke, handle: AssociationHandle) {
        match inv.operation {
            Operation::SubmissionControl => {
                // The store submits only what its users hand it; it records the MTA's
                // controls and answers that nothing is waiting (X.411 §8.2.1.4).
                match inv.argument.as_deref().map(x411::decode::<x411::Controls>) {
                    Some(Ok(c)) => {
                        tracing::info!(mta = %self.label, controls = ?c, "submission-control from the MTA");
                        self.apply_controls(&c);
                        let waiting = x411::encode(&x411::Waiting::default())
                            .unwrap_or_else(|_| vec![0x31, 0x00]);
                        inv.result(Some(Bytes::from(waiting)));
                    }
                    _ => inv.reject(rose::problem::MISTYPED_ARGUMENT),
                }
            }
            Operation::MessageDelivery | Operation::ReportDelivery => match &self.delivery {
                Some(r) => {
                    tokio::spawn(r.clone().answer(self.label.clone(), inv, handle));
                }
                None => inv.reject(rose::problem::UNRECOGNIZED_OPERATION),
            },
            _ => inv.reject(rose::problem::UNRECOGNIZED_OPERATION),
        }
    }
}

/// Most submission identifiers remembered in memory for report routing; older ones are
/// found through the outbox copies.
pub const REMEMBERED: usize = 100_000;

/// Which user submitted which message (X.411 §8.3.1.2: a report names only the
/// subject-submission-identifier): filled by the submission path, read by report-delivery
/// ([`super::ReportRouter`]) so reports reach the submitter's mailbox. Identifiers no longer
/// in memory (older ones, or from before a restart) are looked up among the outbox copies,
/// which carry them as message-identifier.
#[derive(Debug)]
pub struct SubmittedBy {
    map: std::sync::Mutex<(
        std::collections::HashMap<String, crate::store::MailboxName>,
        VecDeque<String>,
    )>,
    store: Option<Arc<crate::store::Store>>,
}

impl SubmittedBy {
    /// An empty map; with `store`, misses are looked up in its outbox copies.
    pub fn new(store: Option<Arc<crate::store::Store>>) -> Arc<SubmittedBy> {
        Arc::new(SubmittedBy {
            map: std::sync::Mutex::new(Default::default()),
            store,
        })
    }

    /// Remembers that `owner` submitted the message the MTA named `id`.
    pub fn record(&self, id: &x411::MTSIdentifier, owner: crate::store::MailboxName) {
        let key = crate::content::envelope::mts_identifier_text(id);
        let mut g = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *g;
        if map.insert(key.clone(), owner).is_none() {
            order.push_back(key);
        }
        while order.len() > REMEMBERED {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    fn look_up_outbox(&self, key: &str) -> Option<crate::store::MailboxName> {
        use crate::store::query::{Attr, Filter, FilterItem, Selector, Value};
        let store = self.store.as_ref()?;
        let sel = Selector {
            class: crate::store::EntryClass::Outbox,
            child_entries: false,
            range: None,
            filter: Some(Filter::Item(FilterItem::Equality(
                Attr::MessageDeliveryIdentifier,
                Value::Str(key.to_string()),
            ))),
            limit: Some(1),
            override_limit: false,
        };
        store.mailboxes().into_iter().find_map(|(id, row)| {
            let found = store.list(&id, &sel, &[], true).ok()?;
            (!found.entries.is_empty())
                .then(|| crate::store::MailboxName::new(row.address, row.canonical))
        })
    }
}

impl super::ReportRouter for SubmittedBy {
    fn owner_of(&self, subject: &x411::MTSIdentifier) -> Option<crate::store::MailboxName> {
        let key = crate::content::envelope::mts_identifier_text(subject);
        {
            let g = self.map.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(m) = g.0.get(&key) {
                return Some(m.clone());
            }
        }
        self.look_up_outbox(&key)
    }
}
