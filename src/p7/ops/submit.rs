//! X.413 §8.3 MS-submission port (indirect submission): ms-message-submission,
//! ms-probe-submission and ms-cancel-deferred-delivery from a bound UA (and their 1988 forms,
//! the X.411 operations on the shared msse syntax) are passed to the MTA over the store's own
//! P3 association ([`crate::p3::mts_user`]); the MTA's result (message-submission-identifier,
//! submission time) goes back to the UA, its errors are passed on unchanged, and an MTA the
//! store cannot reach within the configured wait becomes remote-bind-error. A submitted
//! message is kept, when the store is configured so, as a submitted-message entry of the
//! submission class carrying the MTA's identifier (1994: `created-entry` in the result), and
//! a submitted probe likewise as a submitted-probe entry (no content). The user's directory
//! entry may override the configured choice, and a 1994 UA's submission-options
//! object-entry-class overrides both for one submission.
//! Audit records SUBMIT-MESSAGE / SUBMIT-MESSAGE-RESULT / SUBMIT-PROBE / SUBMIT-PROBE-RESULT /
//! CANCEL-DEFERRED-DELIVERY carry the seed's keys.

use std::sync::Arc;

use bytes::Bytes;

use crate::asn1::x411::{
    self, MTSIdentifier, MessageSubmissionArgument, MessageSubmissionResult,
    ProbeSubmissionArgument, err,
};
use crate::asn1::x413::{
    self as x, CommonSubmissionResults, MSMessageSubmissionArgument, MSMessageSubmissionResult,
    MSProbeSubmissionArgument, MSProbeSubmissionResult,
};
use crate::assoc::{Invoke, Operation};
use crate::content::ContentKind;
use crate::content::envelope::{
    SubmittedMessageRecord, SubmittedProbeRecord, mts_identifier_text, to_probe_record,
    to_submission_record,
};
use crate::osi::rose::{self, Code, Problem};
use crate::p3::mts_user::{MtsUser, SubmitError, SubmittedBy};
use crate::p7::audit::quote;
use crate::p7::{Edition, Session};
use crate::store::{EntryClass, EntryType, MailboxName, NewEntry, RetrievalStatus, Store, now_ms};

/// What the P7 service needs to pass submissions on.
#[derive(Debug, Clone)]
pub struct Submitter {
    /// The association to the MTA.
    pub link: MtsUser,
    /// Keep a copy of each submitted message in the submitter's submission class.
    pub outbox: bool,
    /// Largest content accepted, in octets (`[limits] max-message-size`); 0: no limit.
    pub max_message_size: u64,
    /// Where the submitter of each message is remembered, for report routing.
    pub submitted_by: Option<Arc<SubmittedBy>>,
}

/// Whether `op` is one of the operations this module answers.
pub fn handles(op: Operation) -> bool {
    matches!(
        op,
        Operation::MessageSubmission
            | Operation::MsMessageSubmission
            | Operation::ProbeSubmission
            | Operation::MsProbeSubmission
            | Operation::CancelDeferredDelivery
            | Operation::MsCancelDeferredDelivery
    )
}

/// How a submission operation is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// returnResult with this TLV.
    Result(Bytes),
    /// returnError: an X.411 error code (passed on from the MTA, or remote-bind-error) and
    /// its parameter.
    Error(i64, Option<Bytes>),
    /// reject with this invoke problem.
    Reject(i64),
}

impl Answer {
    /// Sends the answer on the association.
    pub fn send(self, inv: Invoke) {
        match self {
            Answer::Result(b) => inv.result(Some(b)),
            Answer::Error(code, p) => inv.error(Code::Local(code), p),
            Answer::Reject(p) => inv.reject(p),
        }
    }
}

/// Runs one submission operation and answers it; spawned by the service so the association
/// goes on while the MTA works.
pub async fn answer(session: Arc<Session>, store: Arc<Store>, sub: Submitter, inv: Invoke) {
    let arg = inv.argument.clone();
    let a = run(&session, &store, &sub, inv.operation, arg.as_deref()).await;
    a.send(inv);
}

/// Runs one submission operation.
pub async fn run(
    s: &Session,
    store: &Arc<Store>,
    sub: &Submitter,
    op: Operation,
    arg: Option<&[u8]>,
) -> Answer {
    match op {
        Operation::MessageSubmission | Operation::MsMessageSubmission => {
            message(s, store, sub, arg).await
        }
        Operation::ProbeSubmission | Operation::MsProbeSubmission => {
            probe(s, store, sub, arg).await
        }
        Operation::CancelDeferredDelivery | Operation::MsCancelDeferredDelivery => {
            cancel(s, sub, arg).await
        }
        _ => Answer::Reject(rose::problem::UNRECOGNIZED_OPERATION),
    }
}

/// The error an unanswered submission becomes for the UA, with the log line naming the MTA.
/// The MTA's answer to a message or probe submission (as sent and decoded), or what the UA gets
/// instead, with the SUBMIT-MESSAGE-RESULT / SUBMIT-PROBE-RESULT audit record of a failure.
fn answered(
    s: &Session,
    sub: &Submitter,
    (what, audit_key): (&str, &str),
    invoke_id: u64,
    sent: Result<Bytes, SubmitError>,
) -> Result<(Bytes, MessageSubmissionResult), Answer> {
    let bytes = sent.map_err(|e| {
        let a = link_error(s, sub, what, e);
        if let Answer::Error(code, _) = &a {
            s.audit(
                audit_key,
                &format!("invokeid={invoke_id} result=error error-code={code}"),
            );
        }
        a
    })?;
    // Probe and message results share the type (X.411: ProbeSubmissionResult is a SET of the
    // same two components).
    match x411::decode::<MessageSubmissionResult>(&bytes) {
        Ok(r) => Ok((bytes, r)),
        Err(e) => {
            // The MTA took it but its answer is unreadable here: the UA gets it as sent (a 1994
            // mts-result without the MS part has the same shape), so it does not submit again;
            // no outbox copy without an identifier.
            tracing::warn!(mta = %sub.link.mta(), "undecodable {what} result: {e}");
            Err(Answer::Result(bytes))
        }
    }
}

fn link_error(s: &Session, sub: &Submitter, what: &str, e: SubmitError) -> Answer {
    match e {
        SubmitError::Mta { code, parameter } if code >= 0 => {
            tracing::info!(user = %s.uaname, mta = %sub.link.mta(), code, "{what}: the MTA returned an error, passed on");
            Answer::Error(code, parameter)
        }
        SubmitError::ControlViolated(why) => {
            tracing::info!(user = %s.uaname, mta = %sub.link.mta(), "{what}: {why}");
            let op = if what.starts_with("probe") {
                "SUBMIT-PROBE"
            } else {
                "SUBMIT-MESSAGE"
            };
            s.audit(
                op,
                &format!(
                    "result=error error=submission-control-violated reason={}",
                    quote(&why)
                ),
            );
            Answer::Error(err::SUBMISSION_CONTROL_VIOLATED, None)
        }
        SubmitError::Rejected(Problem::Invoke(p)) => {
            tracing::warn!(user = %s.uaname, mta = %sub.link.mta(), "{what}: the MTA rejected it (invoke problem {p})");
            Answer::Reject(p)
        }
        // The association was up but the MTA went silent. remote-bind-error is the error
        // X.413 gives the MS for "the MTS could not be used for this request": it is in the
        // ERRORS of ms-message-submission and ms-probe-submission in both editions (and of
        // the 1988 X.411 message-submission a 1988 UA invokes), so every UA knows it.
        // service-error (unavailable) is a 1994 addition that reports the MS's own state,
        // which is fine here; and no X.411 error says "no answer". The UA may submit again:
        // whether the MTA took the first copy is unknown.
        e @ SubmitError::NoAnswer { .. } => {
            tracing::warn!(user = %s.uaname, mta = %sub.link.mta(), "{what}: remote-bind-error: {e}");
            Answer::Error(err::REMOTE_BIND_ERROR, None)
        }
        e => {
            tracing::warn!(user = %s.uaname, mta = %sub.link.mta(), "{what}: remote-bind-error: {e}");
            Answer::Error(err::REMOTE_BIND_ERROR, None)
        }
    }
}

fn content_type_text(c: &x411::ContentType) -> String {
    match c {
        x411::ContentType::BuiltIn(n) => n.to_string(),
        x411::ContentType::Extended(o) => o.to_string(),
        x411::ContentType::ExtendedRelative(arcs) => arcs
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
    }
}

fn content_id_text(c: Option<&x411::ContentIdentifier>) -> String {
    c.map(|c| String::from_utf8_lossy(c.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// The originator must be the bound user (X.413 §8.3: the MS submits on the user's behalf).
fn originator_ok(s: &Session, originator: &x411::ORName) -> bool {
    originator.address.canonical() == s.user.or_address.canonical()
}

async fn message(s: &Session, store: &Arc<Store>, sub: &Submitter, arg: Option<&[u8]>) -> Answer {
    let Some(bytes) = arg else {
        return Answer::Reject(rose::problem::MISTYPED_ARGUMENT);
    };
    // 1988: the X.411 argument itself, sent on as received; 1994: the MS argument, whose
    // submission-options stay with the store.
    let (argument, p3_bytes, object_class) = match s.edition {
        Edition::V88 => match x411::decode::<MessageSubmissionArgument>(bytes) {
            Ok(a) => (a, Bytes::copy_from_slice(bytes), None),
            Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
        },
        Edition::V94 => match x::decode::<MSMessageSubmissionArgument>(bytes) {
            Ok(a) => {
                let class = a.submission_options.and_then(|o| o.object_entry_class);
                let m = MessageSubmissionArgument {
                    envelope: a.envelope,
                    content: a.content,
                };
                match x411::encode(&m) {
                    Ok(b) => (m, Bytes::from(b), class),
                    Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
                }
            }
            Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
        },
    };
    let keep = match keep_choice(s, sub, object_class, "SUBMIT-MESSAGE") {
        Ok(k) => k,
        Err(a) => return a,
    };
    let env = &argument.envelope;
    let content_id = content_id_text(env.content_identifier.as_ref());
    if !originator_ok(s, &env.originator_name) {
        s.audit(
            "SUBMIT-MESSAGE",
            &format!(
                "result=error error=originator-invalid originator={}",
                quote(&env.originator_name.to_string())
            ),
        );
        return Answer::Error(err::ORIGINATOR_INVALID, None);
    }
    if sub.max_message_size > 0 && argument.content.len() as u64 > sub.max_message_size {
        // The store's own submission control: larger messages are not taken.
        s.audit(
            "SUBMIT-MESSAGE",
            "result=error error=submission-control-violated reason=\"content too long\"",
        );
        return Answer::Error(err::SUBMISSION_CONTROL_VIOLATED, None);
    }
    if let Err(e) = sub.link.check_controls(
        false,
        argument.content.len() as u64,
        env.effective_priority(),
        &env.content_type,
    ) {
        return link_error(s, sub, "message submission", e);
    }
    let invoke_id = sub.link.next_invoke_id();
    let (attrs, _) = crate::content::extract(None, &argument.content, ContentKind::Auto);
    // ipm-entry-type: ipm 0, rn 1, nrn 2, on 3 (X.420 §19).
    let iob = match attrs.ipm_entry_type {
        Some(0) => "ipm",
        Some(_) => "ipn",
        None => "",
    };
    s.audit(
        "SUBMIT-MESSAGE",
        &format!(
            "invokeid={invoke_id} content-type={} content-id={} IOB-type={} subject={} ipmid={}",
            quote(&content_type_text(&env.content_type)),
            quote(&content_id),
            quote(iob),
            quote(attrs.subject.as_deref().unwrap_or("")),
            quote(attrs.this_ipm.as_deref().unwrap_or("")),
        ),
    );
    let sent = sub.link.submit_message(p3_bytes).await;
    let (result_bytes, result) = match answered(
        s,
        sub,
        ("message submission", "SUBMIT-MESSAGE-RESULT"),
        invoke_id,
        sent,
    ) {
        Ok(r) => r,
        Err(a) => return a,
    };
    let p1msgid = mts_identifier_text(&result.message_submission_identifier);
    if let Some(by) = &sub.submitted_by {
        by.record(
            &result.message_submission_identifier,
            MailboxName::from(&s.user.or_address),
        );
    }
    let created = if keep {
        keep_copy(s, store, &argument, &result).await
    } else {
        None
    };
    s.audit(
        "SUBMIT-MESSAGE-RESULT",
        &format!(
            "invokeid={invoke_id} p1msgid={} submission-time={} content-id={}{}",
            quote(&p1msgid),
            result.message_submission_time.format("%Y-%m-%dT%H:%M:%SZ"),
            quote(&content_id),
            created
                .map(|n| format!(" p7-seqnum={n}"))
                .unwrap_or_default(),
        ),
    );
    match s.edition {
        Edition::V88 => Answer::Result(result_bytes),
        Edition::V94 => {
            let r = MSMessageSubmissionResult::MtsResult {
                result,
                ms_message_result: created.map(|seq| CommonSubmissionResults {
                    created_entry: Some(seq),
                    auto_action_error_indication: None,
                    ms_submission_result_extensions: None,
                }),
            };
            // Encoding decoded values does not fail; the MTA's bytes are a valid answer too.
            Answer::Result(x::encode(&r).map(Bytes::from).unwrap_or(result_bytes))
        }
    }
}

/// Whether a submission is kept in the submission class: submission-options
/// object-entry-class (1994) decides for this submission; else the user's directory entry
/// (`outbox` / mstoreOutbox); else the store's `[submission] outbox`. The store keeps
/// submissions in the submission class only: another class is entry-class-error (the answer
/// in `Err`, audited under `op`).
fn keep_choice(
    s: &Session,
    sub: &Submitter,
    object_class: Option<x::EntryClass>,
    op: &str,
) -> Result<bool, Answer> {
    match object_class {
        None => Ok(s.user.outbox.unwrap_or(sub.outbox)),
        Some(c) if c == x::EntryClass::SUBMISSION => Ok(true),
        Some(c) => {
            let mut problem = rasn::types::BitString::repeat(false, 3);
            let bit = if c == x::EntryClass::DELIVERY {
                x::entry_class_problem::INAPPROPRIATE_ENTRY_CLASS
            } else {
                x::entry_class_problem::UNSUPPORTED_ENTRY_CLASS
            };
            problem.set(bit, true);
            let e = x::P7Error::EntryClass(x::EntryClassErrorParameter {
                entry_class: c,
                problem,
            });
            s.audit(op, &format!("result=error error-code={}", e.code()));
            Err(Answer::Error(
                e.code(),
                e.encode_parameter().ok().map(Bytes::from),
            ))
        }
    }
}

/// Stores the submitted message in the user's submission class; its sequence number, or
/// `None` (logged) when the store failed: the MTA has the message, so the UA still gets its
/// result.
async fn keep_copy(
    s: &Session,
    store: &Arc<Store>,
    argument: &MessageSubmissionArgument,
    result: &MessageSubmissionResult,
) -> Option<u32> {
    let record = SubmittedMessageRecord {
        envelope: argument.envelope.clone(),
        result: result.clone(),
    };
    let envelope = match to_submission_record(&record) {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(user = %s.uaname, "outbox copy not kept: {e}");
            return None;
        }
    };
    keep_entry(
        s,
        store,
        EntryType::SubmittedMessage,
        envelope,
        argument.content.to_vec(),
    )
    .await
}

/// Stores the submitted probe in the user's submission class (a submitted-probe entry, no
/// content); its sequence number, or `None` (logged) when the store failed.
async fn keep_probe(
    s: &Session,
    store: &Arc<Store>,
    probe: &ProbeSubmissionArgument,
    result: &MessageSubmissionResult,
) -> Option<u32> {
    let record = SubmittedProbeRecord {
        probe: probe.clone(),
        result: result.clone(),
    };
    match to_probe_record(&record) {
        Ok(envelope) => keep_entry(s, store, EntryType::SubmittedProbe, envelope, Vec::new()).await,
        Err(e) => {
            tracing::error!(user = %s.uaname, "submitted-probe entry not kept: {e}");
            None
        }
    }
}

/// Adds a submission-class entry to the bound user's mailbox.
async fn keep_entry(
    s: &Session,
    store: &Arc<Store>,
    entry_type: EntryType,
    envelope: Vec<u8>,
    content: Vec<u8>,
) -> Option<u32> {
    let owner = MailboxName::from(&s.user.or_address);
    if owner.id() != s.mailbox_id {
        tracing::warn!(user = %s.uaname, "the directory assigns another mailbox id; the outbox copy goes to the address's own");
    }
    let store = store.clone();
    let stored = tokio::task::spawn_blocking(move || {
        store.add_entry(
            &owner,
            NewEntry {
                class: EntryClass::Outbox,
                entry_type,
                time_ms: now_ms(),
                children: &[],
                envelope: &envelope,
                content: &content,
                status: RetrievalStatus::New,
            },
        )
    })
    .await;
    match stored {
        Ok(Ok(d)) => Some(d.key.seq),
        Ok(Err(e)) => {
            tracing::error!(user = %s.uaname, "outbox copy not kept: {e}");
            None
        }
        Err(e) => {
            tracing::error!(user = %s.uaname, "outbox task failed: {e}");
            None
        }
    }
}

async fn probe(s: &Session, store: &Arc<Store>, sub: &Submitter, arg: Option<&[u8]>) -> Answer {
    let Some(bytes) = arg else {
        return Answer::Reject(rose::problem::MISTYPED_ARGUMENT);
    };
    let (probe, p3_bytes, object_class) = match s.edition {
        Edition::V88 => match x411::decode::<ProbeSubmissionArgument>(bytes) {
            Ok(a) => (a, Bytes::copy_from_slice(bytes), None),
            Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
        },
        Edition::V94 => match x::decode::<MSProbeSubmissionArgument>(bytes) {
            Ok(a) => {
                let class = a.submission_options.and_then(|o| o.object_entry_class);
                match x411::encode(&a.probe) {
                    Ok(b) => (a.probe, Bytes::from(b), class),
                    Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
                }
            }
            Err(_) => return Answer::Reject(rose::problem::MISTYPED_ARGUMENT),
        },
    };
    let keep = match keep_choice(s, sub, object_class, "SUBMIT-PROBE") {
        Ok(k) => k,
        Err(a) => return a,
    };
    let content_id = content_id_text(probe.content_identifier.as_ref());
    if !originator_ok(s, &probe.originator_name) {
        s.audit("SUBMIT-PROBE", "result=error error=originator-invalid");
        return Answer::Error(err::ORIGINATOR_INVALID, None);
    }
    if let Err(e) = sub.link.check_controls(
        true,
        u64::from(probe.content_length.unwrap_or(0)),
        x411::Priority::Normal,
        &probe.content_type,
    ) {
        return link_error(s, sub, "probe submission", e);
    }
    let invoke_id = sub.link.next_invoke_id();
    s.audit(
        "SUBMIT-PROBE",
        &format!(
            "invokeid={invoke_id} content-type={} content-id={}",
            quote(&content_type_text(&probe.content_type)),
            quote(&content_id)
        ),
    );
    let sent = sub.link.submit_probe(p3_bytes).await;
    let (result_bytes, result) = match answered(
        s,
        sub,
        ("probe submission", "SUBMIT-PROBE-RESULT"),
        invoke_id,
        sent,
    ) {
        Ok(r) => r,
        Err(a) => return a,
    };
    let created = if keep {
        keep_probe(s, store, &probe, &result).await
    } else {
        None
    };
    s.audit(
        "SUBMIT-PROBE-RESULT",
        &format!(
            "invokeid={invoke_id} p1msgid={} submission-time={} content-id={}{}",
            quote(&mts_identifier_text(&result.message_submission_identifier)),
            result.message_submission_time.format("%Y-%m-%dT%H:%M:%SZ"),
            quote(&content_id),
            created
                .map(|n| format!(" p7-seqnum={n}"))
                .unwrap_or_default(),
        ),
    );
    match s.edition {
        Edition::V88 => Answer::Result(result_bytes),
        Edition::V94 => Answer::Result(
            x::encode(&MSProbeSubmissionResult {
                result,
                ms_probe_result: created.map(|seq| CommonSubmissionResults {
                    created_entry: Some(seq),
                    auto_action_error_indication: None,
                    ms_submission_result_extensions: None,
                }),
            })
            .map(Bytes::from)
            .unwrap_or(result_bytes),
        ),
    }
}

async fn cancel(s: &Session, sub: &Submitter, arg: Option<&[u8]>) -> Answer {
    let Some(bytes) = arg else {
        return Answer::Reject(rose::problem::MISTYPED_ARGUMENT);
    };
    // CancelDeferredDeliveryArgument ::= MessageSubmissionIdentifier in both editions.
    let Ok(id) = x411::decode::<MTSIdentifier>(bytes) else {
        return Answer::Reject(rose::problem::MISTYPED_ARGUMENT);
    };
    s.audit(
        "CANCEL-DEFERRED-DELIVERY",
        &format!("msgid={}", quote(&mts_identifier_text(&id))),
    );
    match sub
        .link
        .cancel_deferred_delivery(Bytes::copy_from_slice(bytes))
        .await
    {
        // CancelDeferredDeliveryResult ::= NULL
        Ok(()) => Answer::Result(Bytes::from_static(&[0x05, 0x00])),
        Err(e) => link_error(s, sub, "cancel-deferred-delivery", e),
    }
}
