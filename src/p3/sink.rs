//! An MTA that only takes submissions (X.411 §8.2 submission port as the MTS answers it over
//! X.419 mts-access-88 2.6.0.1.0 / mts-access-94 2.6.0.1.7): the `mstore-bench mta-sink`
//! test aid. It checks the MTS user's password, answers with its own name (`mTA [0]`), gives
//! every message-submission and probe-submission a fresh MTS identifier and the submission
//! time, counts them (optionally into a count file), and keeps the last arguments it took so
//! tests can look at the envelope and content. Tests can also invoke Message-Delivery,
//! Report-Delivery or Submission-Control back on the store's association ([`Sink::handle`]),
//! and make it stop answering while keeping its associations up ([`Sink::stop_answering`]).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use rasn::types::{Ia5String, OctetString, PrintableString, UtcTime};

use crate::asn1::x411::{
    self, AdministrationDomainName, CountryName, Credentials, GlobalDomainIdentifier,
    MTSBindArgument, MTSBindError, MTSBindResult, MTSIdentifier, MessageSubmissionArgument,
    MessageSubmissionResult, ObjectName, Password, PrivateDomainIdentifier,
    ProbeSubmissionArgument, err,
};
use crate::assoc::server::{IncomingBind, Server};
use crate::assoc::{AppContext, AssociationHandle, Event, Operation};
use crate::osi::rose::{self, Code};

/// Most submissions kept for inspection (older ones are dropped; the count goes on).
pub const KEEP: usize = 1000;

/// How the sink names itself and whom it accepts.
#[derive(Debug, Clone)]
pub struct SinkOptions {
    /// The MTA name given as responder-name (`mTA [0]`).
    pub name: String,
    /// The password the MTS user must give; also returned as responder-credentials.
    pub password: Vec<u8>,
    /// File the submission count is written to after each submission.
    pub count_file: Option<PathBuf>,
}

/// One operation the sink took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// message-submission, probe-submission or cancel-deferred-delivery.
    pub operation: Operation,
    /// The application context it arrived on.
    pub context: AppContext,
    /// The argument TLV as received.
    pub argument: Bytes,
    /// The identifier the sink gave it (submissions).
    pub identifier: Option<MTSIdentifier>,
}

/// The sink's state, shared by its associations.
#[derive(Debug)]
pub struct Sink {
    opts: SinkOptions,
    count: AtomicU64,
    next_id: AtomicU64,
    received: Mutex<VecDeque<Received>>,
    handles: Mutex<Vec<AssociationHandle>>,
    run: String,
    /// While set, invokes are held unanswered (an MTA hung on a live association).
    silent: std::sync::atomic::AtomicBool,
    /// MTS-binds accepted so far.
    binds: AtomicU64,
}

fn printable(s: &str) -> PrintableString {
    let cleaned: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(*c))
        .take(16)
        .collect();
    PrintableString::try_from(if cleaned.is_empty() {
        "SINK".to_string()
    } else {
        cleaned
    })
    .unwrap_or_default()
}

impl Sink {
    /// A sink with nothing received yet.
    pub fn new(opts: SinkOptions) -> Arc<Sink> {
        let run = format!(
            "{:x}{:x}",
            std::process::id(),
            crate::store::now_ms() & 0xff_ffff
        );
        Arc::new(Sink {
            opts,
            count: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            received: Mutex::new(VecDeque::new()),
            handles: Mutex::new(Vec::new()),
            run,
            silent: std::sync::atomic::AtomicBool::new(false),
            binds: AtomicU64::new(0),
        })
    }

    /// Submissions (messages and probes) accepted so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// What the sink took, oldest first (at most [`KEEP`]).
    pub fn received(&self) -> Vec<Received> {
        let r = self.received.lock().unwrap_or_else(|p| p.into_inner());
        r.iter().cloned().collect()
    }

    /// While `on`, operations the MTS user invokes get no answer and associations stay up
    /// (what a hung MTA looks like); those held are neither counted nor kept.
    pub fn stop_answering(&self, on: bool) {
        self.silent.store(on, Ordering::Relaxed);
    }

    /// MTS-binds accepted so far.
    pub fn binds(&self) -> u64 {
        self.binds.load(Ordering::Relaxed)
    }

    /// The newest bound association, to invoke operations on the MTS user.
    pub fn handle(&self) -> Option<AssociationHandle> {
        let h = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        h.last().cloned()
    }

    fn identifier(&self) -> MTSIdentifier {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        MTSIdentifier {
            global_domain_identifier: GlobalDomainIdentifier {
                country_name: CountryName::Iso3166Alpha2Code(printable("XX")),
                administration_domain_name: AdministrationDomainName::Printable(printable(" ")),
                private_domain_identifier: Some(PrivateDomainIdentifier::Printable(printable(
                    &self.opts.name,
                ))),
            },
            local_identifier: Ia5String::from_iso646_bytes(
                format!("sink-{}-{n}", self.run).as_bytes(),
            )
            .unwrap_or_default(),
        }
    }

    fn keep(&self, r: Received) {
        let mut v = self.received.lock().unwrap_or_else(|p| p.into_inner());
        if v.len() >= KEEP {
            v.pop_front();
        }
        v.push_back(r);
    }

    fn counted(&self) {
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(f) = &self.opts.count_file {
            // Written whole through a temporary name so a reader never sees half a number.
            let tmp = f.with_extension("tmp");
            let r = std::fs::write(&tmp, format!("{n}\n")).and_then(|()| std::fs::rename(&tmp, f));
            if let Err(e) = r {
                tracing::warn!(file = %f.display(), "count file not written: {e}");
            }
        }
    }

    fn bind_result(&self) -> Bytes {
        let password = match Ia5String::from_iso646_bytes(&self.opts.password) {
            Ok(p) => Password::Ia5String(p),
            Err(_) => Password::OctetString(OctetString::from(self.opts.password.clone())),
        };
        let r = MTSBindResult {
            responder_name: ObjectName::Mta(
                Ia5String::from_iso646_bytes(self.opts.name.as_bytes()).unwrap_or_default(),
            ),
            messages_waiting: None,
            responder_credentials: Credentials::Simple(password),
            extensions: None,
        };
        Bytes::from(x411::encode(&r).unwrap_or_else(|_| vec![0x31, 0x00]))
    }

    fn check_bind(&self, ber: &[u8]) -> Result<String, MTSBindError> {
        let arg: MTSBindArgument =
            x411::decode(ber).map_err(|_| MTSBindError::AUTHENTICATION_ERROR)?;
        let who = match &arg.initiator_name {
            ObjectName::Mta(n) => String::from_utf8_lossy(n.as_iso646_bytes()).into_owned(),
            ObjectName::UserAgent(n) | ObjectName::MessageStore(n) => n.to_string(),
        };
        let given: Vec<u8> = match &arg.initiator_credentials {
            Credentials::Simple(Password::Ia5String(p)) => p.as_iso646_bytes().to_vec(),
            Credentials::Simple(Password::OctetString(p)) => p.to_vec(),
            _ => return Err(MTSBindError::AUTHENTICATION_ERROR),
        };
        if given != self.opts.password {
            tracing::warn!(initiator = %who, "mta-sink: wrong password");
            return Err(MTSBindError::AUTHENTICATION_ERROR);
        }
        Ok(who)
    }

    /// Answers one association request and serves it to its end.
    pub async fn serve(self: Arc<Self>, incoming: IncomingBind) {
        let context = incoming.info().application_context;
        if !matches!(context, AppContext::MtsAccess88 | AppContext::MtsAccess94) {
            incoming.reject(
                x411::encode(&MTSBindError::AUTHENTICATION_ERROR)
                    .map(Bytes::from)
                    .unwrap_or_default(),
            );
            return;
        }
        let who = match self.check_bind(&incoming.bind().ber) {
            Ok(w) => w,
            Err(e) => {
                incoming.reject(x411::encode(&e).map(Bytes::from).unwrap_or_default());
                return;
            }
        };
        tracing::info!(initiator = %who, ?context, "mta-sink: MTS user bound");
        let mut assoc = incoming.accept(self.bind_result());
        self.binds.fetch_add(1, Ordering::Relaxed);
        let handle = assoc.handle();
        // Invokes held unanswered while silent; dropped (rejected) when the association ends.
        let mut held = Vec::new();
        {
            let mut h = self.handles.lock().unwrap_or_else(|p| p.into_inner());
            h.push(handle.clone());
        }
        while let Some(ev) = assoc.next_event().await {
            match ev {
                Event::Invoke(inv) => {
                    if self.silent.load(Ordering::Relaxed) {
                        held.push(inv);
                        continue;
                    }
                    let arg = inv.argument.clone().unwrap_or_default();
                    match inv.operation {
                        Operation::MessageSubmission => {
                            if x411::decode::<MessageSubmissionArgument>(&arg).is_err() {
                                inv.reject(rose::problem::MISTYPED_ARGUMENT);
                                continue;
                            }
                            let id = self.identifier();
                            inv.result(Some(self.result(&id)));
                            self.keep(Received {
                                operation: Operation::MessageSubmission,
                                context,
                                argument: arg,
                                identifier: Some(id),
                            });
                            self.counted();
                        }
                        Operation::ProbeSubmission => {
                            if x411::decode::<ProbeSubmissionArgument>(&arg).is_err() {
                                inv.reject(rose::problem::MISTYPED_ARGUMENT);
                                continue;
                            }
                            let id = self.identifier();
                            inv.result(Some(self.result(&id)));
                            self.keep(Received {
                                operation: Operation::ProbeSubmission,
                                context,
                                argument: arg,
                                identifier: Some(id),
                            });
                            self.counted();
                        }
                        Operation::CancelDeferredDelivery => {
                            // The sink transfers nothing, so no message is ever deferred
                            // inside it: the identifier names nothing it could cancel.
                            self.keep(Received {
                                operation: Operation::CancelDeferredDelivery,
                                context,
                                argument: arg,
                                identifier: None,
                            });
                            inv.error(
                                Code::Local(err::MESSAGE_SUBMISSION_IDENTIFIER_INVALID),
                                None,
                            );
                        }
                        _ => inv.reject(rose::problem::UNRECOGNIZED_OPERATION),
                    }
                }
                Event::End(why) => {
                    tracing::info!(initiator = %who, "mta-sink: association ended: {why}");
                }
            }
        }
        let mut h = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        h.retain(|x| !std::ptr::eq(x.info(), handle.info()));
    }

    fn result(&self, id: &MTSIdentifier) -> Bytes {
        let now = UtcTime::from_timestamp(crate::store::now_ms() / 1000, 0).unwrap_or_default();
        let r = MessageSubmissionResult {
            message_submission_identifier: id.clone(),
            message_submission_time: now,
            content_identifier: None,
            extensions: None,
        };
        Bytes::from(x411::encode(&r).unwrap_or_else(|_| vec![0x31, 0x00]))
    }
}

/// The contexts a sink offers.
pub fn contexts() -> Vec<AppContext> {
    vec![AppContext::MtsAccess88, AppContext::MtsAccess94]
}

/// Serves every association request of `server` until it shuts down.
pub async fn run(mut server: Server, sink: Arc<Sink>) {
    while let Some(incoming) = server.accept().await {
        tokio::spawn(sink.clone().serve(incoming));
    }
    server.shutdown().await;
}
