//! The P3 delivery responder (X.411 §8.3 delivery port; X.419 mts-forced-access-88 2.6.0.1.1
//! and mts-forced-access-94 2.6.0.1.8, the MTA binding to the store): MTS-bind checked by the
//! directory ([`bind`]), message-delivery ([`message_delivery`]) and report-delivery
//! ([`report_delivery`]) stored durably before the result goes back, audit records
//! ([`audit`]), and a hook for what follows a stored delivery ([`DeliveryObserver`]: the
//! Alert to registered UAs).
//!
//! # Wiring (mstored)
//!
//! The responder is the P3 [`crate::server::Application`]: the shared listener hands it the
//! associations asking for mts-forced-access, and the P7 service those asking for ms-access.
//!
//! ```no_run
//! # async fn run(store: std::sync::Arc<mstore::store::Store>,
//! #     directory: std::sync::Arc<dyn mstore::directory::Directory>,
//! #     p7: std::sync::Arc<mstore::p7::service::Service>,
//! #     config: mstore::config::Config) -> Result<(), mstore::assoc::AssocError> {
//! use std::sync::Arc;
//! use mstore::p3::Responder;
//! let responder = Arc::new(
//!     Responder::new(store, directory, config.store.clone())
//!         .max_message_size(config.limits.max_message_size),
//! );
//! let running = mstore::server::start(&config, vec![p7, responder]).await?;
//! running.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! [`run`] serves a server that offers only the P3 contexts (tests, test aids).
//!
//! Deliveries on one association are handled concurrently (each invoke in its own blocking
//! task), so an MTA that keeps several invokes outstanding shares group commits; results go
//! back in completion order, which ROSE allows.

pub mod audit;
pub mod bind;
pub mod message_delivery;
pub mod mta;
pub mod mts_user;
pub mod report_delivery;
pub mod sink;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;

pub use report_delivery::ReportRouter;

use crate::address::ORAddress;
use crate::asn1::x411::MTSBindError;
use crate::assoc::server::{IncomingBind, Server};
use crate::assoc::{
    AppContext, Association, AssociationHandle, EndReason, Event, Invoke, Operation,
};
use crate::config::StoreIdentity;
use crate::content::MessageAttributes;
use crate::directory::{Directory, DirectoryError};
use crate::osi::rose::{self, Code};
use crate::store::{EntryKey, MailboxName, Store};

/// What runs after a delivery is durably stored and its result handed to the association
/// (DESIGN.md §1 auto-actions): issue 9 connects the Alert to UAs registered for auto-alert.
/// Called on a blocking-pool thread; keep it quick (hand the work to a channel).
pub trait DeliveryObserver: fmt::Debug + Send + Sync {
    /// An entry was stored in `mailbox` at `key`; `attributes` as extracted from it.
    fn on_delivered(&self, mailbox: &MailboxName, key: &EntryKey, attributes: &MessageAttributes) {
        let _ = (mailbox, key, attributes);
    }
}

/// The default observer: does nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl DeliveryObserver for NoObserver {}

/// Why an operation ended the association instead of being answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// The store could not make the entry durable (disk full, I/O error, …).
    #[error("store failure: {0}")]
    Store(String),
    /// The directory could not say whether the recipient is hosted.
    #[error("directory failure: {0}")]
    Directory(String),
}

/// A stored delivery, for the [`DeliveryObserver`] once the result is on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The mailbox.
    pub mailbox: MailboxName,
    /// Where the entry is.
    pub key: EntryKey,
    /// Its attributes.
    pub attributes: MessageAttributes,
}

/// How an operation is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutcome {
    /// returnResult with this TLV; what was stored (for the observer).
    Result(Bytes, Option<Box<Stored>>),
    /// returnError: local error code ([`crate::asn1::x411::err`]) and parameter TLV.
    Error {
        /// Error code.
        code: i64,
        /// Parameter TLV.
        parameter: Option<Bytes>,
    },
    /// Reject, mistyped-argument.
    Mistyped,
    /// No answer: the association is aborted, so the MTA keeps the message and retries.
    Abort(Failure),
}

/// How long a recipient the directory confirmed is taken as hosted without asking again.
const HOSTED_TTL: Duration = Duration::from_secs(60);

/// The P3 responder: everything an MTA's association needs.
pub struct Responder {
    /// The store.
    pub store: Arc<Store>,
    /// Who may bind, and which recipients the store hosts.
    pub directory: Arc<dyn Directory>,
    /// The store's name, O/R address (responder-name) and password (responder-credentials).
    pub identity: StoreIdentity,
    /// What runs after each stored delivery.
    pub observer: Arc<dyn DeliveryObserver>,
    /// Where reports go (see [`report_delivery`]); `None`: the store's own mailbox.
    pub router: Option<Arc<dyn ReportRouter>>,
    /// Largest content accepted, in octets; 0: no limit.
    pub max_message_size: u64,
    /// Recipients the directory confirmed recently: canonical address → when.
    hosted: Mutex<HashMap<String, Instant>>,
}

impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Responder")
            .field("store", &self.store)
            .field("directory", &self.directory.kind())
            .field("identity", &self.identity.name)
            .field("observer", &self.observer)
            .field("max_message_size", &self.max_message_size)
            .finish_non_exhaustive()
    }
}

impl Responder {
    /// A responder with no observer, no report router and no size limit.
    pub fn new(store: Arc<Store>, directory: Arc<dyn Directory>, identity: StoreIdentity) -> Self {
        Responder {
            store,
            directory,
            identity,
            observer: Arc::new(NoObserver),
            router: None,
            max_message_size: 0,
            hosted: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the delivery observer (the Alert hook).
    pub fn observer(mut self, observer: Arc<dyn DeliveryObserver>) -> Self {
        self.observer = observer;
        self
    }

    /// Sets the report router.
    pub fn router(mut self, router: Arc<dyn ReportRouter>) -> Self {
        self.router = Some(router);
        self
    }

    /// Sets the largest content accepted (`[limits] max-message-size`); 0: none.
    pub fn max_message_size(mut self, bytes: u64) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// Whether the store hosts the mailbox of `address`: a directory user with that address
    /// whose mailbox is not assigned to another store (DESIGN.md §8). Blocking.
    pub fn hosts(&self, address: &ORAddress) -> Result<bool, DirectoryError> {
        let key = address.canonical();
        {
            let cache = self.hosted.lock().unwrap_or_else(|p| p.into_inner());
            if cache.get(&key).is_some_and(|t| t.elapsed() < HOSTED_TTL) {
                return Ok(true);
            }
        }
        let hosted = match self.directory.find_user(address)? {
            Some(u) => match &u.store {
                None => true,
                Some(s) => {
                    s == &self.identity.name
                        || self
                            .identity
                            .dn
                            .as_deref()
                            .is_some_and(|dn| crate::directory::dn_eq(dn, s))
                }
            },
            None => false,
        };
        if hosted {
            let mut cache = self.hosted.lock().unwrap_or_else(|p| p.into_inner());
            // Bounded: stale entries go when the map grows large.
            if cache.len() >= 100_000 {
                cache.retain(|_, t| t.elapsed() < HOSTED_TTL);
            }
            cache.insert(key, Instant::now());
        }
        Ok(hosted)
    }

    /// Answers one association request (MTS-bind) and serves the association to its end.
    pub async fn serve(self: Arc<Self>, incoming: IncomingBind) {
        let info = incoming.info();
        let context = info.application_context;
        let peer = info.peer.to_string();
        let context_name = context_name(context);
        if !matches!(
            context,
            AppContext::MtsForcedAccess88 | AppContext::MtsForcedAccess94
        ) {
            tracing::warn!(%peer, ?context, "P3 responder offered a context it does not serve");
            audit::bind("", &peer, context_name, "unacceptable application context");
            let refused = bind::Refused {
                mta: String::new(),
                reason: String::new(),
                error: MTSBindError::AUTHENTICATION_ERROR,
            };
            incoming.reject(refused.error_ber());
            return;
        }
        let argument = incoming.bind().ber.clone();
        let me = self.clone();
        let checked = tokio::task::spawn_blocking(move || {
            bind::check(me.directory.as_ref(), &me.identity, &argument)
        })
        .await;
        let bound = match checked {
            Ok(Ok(b)) => b,
            Ok(Err(refused)) => {
                tracing::warn!(%peer, mta = %refused.mta, "MTS-bind refused: {}", refused.reason);
                let result = format!("{:?}", refused.error);
                audit::bind(&refused.mta, &peer, context_name, &result);
                incoming.reject(refused.error_ber());
                return;
            }
            Err(e) => {
                tracing::error!(%peer, "MTS-bind task failed: {e}");
                let refused = bind::Refused {
                    mta: String::new(),
                    reason: e.to_string(),
                    error: MTSBindError::BUSY,
                };
                incoming.reject(refused.error_ber());
                return;
            }
        };
        audit::bind(&bound.mta, &peer, context_name, "success");
        tracing::info!(%peer, mta = %bound.mta, context = context_name, "MTA bound");
        let assoc = incoming.accept(bound.result);
        self.run_association(assoc, Arc::from(bound.mta.as_str()))
            .await;
    }

    async fn run_association(self: Arc<Self>, mut assoc: Association, mta: Arc<str>) {
        let handle = assoc.handle();
        while let Some(event) = assoc.next_event().await {
            let invoke = match event {
                Event::Invoke(i) => i,
                Event::End(why) => {
                    let how = match why {
                        EndReason::Released { .. } => "release",
                        _ => "abort",
                    };
                    audit::unbind(&mta, how, &why.to_string());
                    break;
                }
            };
            if !matches!(
                invoke.operation,
                Operation::MessageDelivery | Operation::ReportDelivery
            ) {
                invoke.reject(rose::problem::UNRECOGNIZED_OPERATION);
                continue;
            }
            tokio::spawn(self.clone().answer(mta.clone(), invoke, handle.clone()));
        }
    }

    /// Runs one Message-Delivery or Report-Delivery invoke and answers it on its association
    /// (`handle`): the result once the entry is durable, an error, or an abort. Used by the
    /// responder's own associations and by the store-initiated mts-access association
    /// ([`mts_user`]). Other operations are rejected.
    pub async fn answer(self: Arc<Self>, mta: Arc<str>, invoke: Invoke, handle: AssociationHandle) {
        let handler: fn(&Responder, &str, Option<&[u8]>) -> OpOutcome = match invoke.operation {
            Operation::MessageDelivery => message_delivery::handle,
            Operation::ReportDelivery => report_delivery::handle,
            _ => {
                invoke.reject(rose::problem::UNRECOGNIZED_OPERATION);
                return;
            }
        };
        let me = self;
        let argument = invoke.argument.clone();
        let m = mta.clone();
        let me2 = me.clone();
        let outcome =
            tokio::task::spawn_blocking(move || handler(&me, &m, argument.as_deref())).await;
        match outcome {
            Ok(OpOutcome::Result(r, stored)) => {
                invoke.result(Some(r));
                if let Some(s) = stored {
                    let observer = me2.observer.clone();
                    let _ = tokio::task::spawn_blocking(move || {
                        observer.on_delivered(&s.mailbox, &s.key, &s.attributes)
                    })
                    .await;
                }
            }
            Ok(OpOutcome::Error { code, parameter }) => invoke.error(Code::Local(code), parameter),
            Ok(OpOutcome::Mistyped) => invoke.reject(rose::problem::MISTYPED_ARGUMENT),
            Ok(OpOutcome::Abort(why)) => {
                tracing::error!(mta = %mta, "aborting the association, no result: {why}");
                // Abort first: the reject the dropped invoke queues behind it is
                // never sent, so the MTA sees no answer and keeps the message.
                handle.abort();
                drop(invoke);
            }
            Err(e) => {
                tracing::error!(mta = %mta, "delivery task failed: {e}");
                handle.abort();
                drop(invoke);
            }
        }
    }
}

/// The P3 side of the shared listener: mts-forced-access associations.
impl crate::server::Application for Responder {
    fn protocol(&self) -> crate::config::Protocol {
        crate::config::Protocol::P3
    }

    fn serve(self: Arc<Self>, incoming: IncomingBind) -> crate::server::Task {
        Box::pin(Responder::serve(self, incoming))
    }
}

/// The context's name in logs and audit records.
pub fn context_name(c: AppContext) -> &'static str {
    match c {
        AppContext::MtsForcedAccess88 => "mts-forced-access-88",
        AppContext::MtsForcedAccess94 => "mts-forced-access-94",
        AppContext::MtsAccess88 => "mts-access-88",
        AppContext::MtsAccess94 => "mts-access-94",
        AppContext::MsAccess88 => "ms-access-88",
        AppContext::MsAccess94 => "ms-access-94",
    }
}

/// Serves every association request of `server` (offering the P3 contexts) until it shuts
/// down, then waits for its connections.
pub async fn run(mut server: Server, responder: Arc<Responder>) {
    while let Some(incoming) = server.accept().await {
        tokio::spawn(responder.clone().serve(incoming));
    }
    server.shutdown().await;
}
