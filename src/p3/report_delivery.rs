//! X.411 §8.3.1.2 report-delivery (local code 6), as the store receives it: a delivered-report
//! entry (X.413 entry-type 1) whose file keeps the ReportDeliveryEnvelope as received
//! (subject-submission-identifier, per-recipient report fields) and the returned content, if
//! any.
//!
//! A report goes to the originator of its subject message, which the report envelope does not
//! name: the store finds it through [`ReportRouter`] (the submission path knows which user
//! submitted which MTS identifier). A report nobody claims is kept in the store's own mailbox
//! (its `[store] or-address`) rather than refused: an MTA cannot non-deliver a report, and
//! the operator can still see it. Failures abort as for message-delivery.

use bytes::Bytes;

use super::{Failure, OpOutcome, Responder, Stored, audit};
use crate::asn1::x411::{self, MTSIdentifier, ReportDeliveryResult, err};
use crate::content::envelope::mts_identifier_text;
use crate::store::{EntryClass, EntryType, MailboxName, NewEntry, RetrievalStatus, now_ms};

/// Finds the mailbox of the user who submitted the message a report is about.
pub trait ReportRouter: std::fmt::Debug + Send + Sync {
    /// The owner of the submission `subject`, if known. Blocking calls are fine.
    fn owner_of(&self, subject: &MTSIdentifier) -> Option<MailboxName>;
}

/// Handles one report-delivery. Blocking: call from `spawn_blocking`.
pub fn handle(r: &Responder, mta: &str, argument: Option<&[u8]>) -> OpOutcome {
    let Some(bytes) = argument else {
        return OpOutcome::Mistyped;
    };
    let received = match x411::decode_report_delivery(bytes) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(mta, "report-delivery: undecodable argument: {e}");
            return OpOutcome::Mistyped;
        }
    };
    let arg = &received.argument;
    let subject = mts_identifier_text(&arg.subject_submission_identifier);
    if super::message_delivery::unsupported_critical(arg.extensions.as_ref()) {
        audit::refused(
            "DELIVER-REPORT",
            mta,
            &subject,
            "",
            "unsupported-critical-function",
        );
        return OpOutcome::Error {
            code: err::UNSUPPORTED_CRITICAL_FUNCTION,
            parameter: Some(Bytes::from_static(&[0x05, 0x00])),
        };
    }
    let owner = r
        .router
        .as_ref()
        .and_then(|x| x.owner_of(&arg.subject_submission_identifier))
        .unwrap_or_else(|| MailboxName::from(&r.identity.or_address));
    let content = received.returned_content.as_deref().unwrap_or_default();
    let entry = NewEntry {
        class: EntryClass::Inbox,
        entry_type: EntryType::DeliveredReport,
        time_ms: now_ms(),
        children: &[],
        envelope: &received.envelope,
        content,
        status: RetrievalStatus::New,
    };
    match r.store.add_entry(&owner, entry) {
        Ok(d) => {
            audit::deliver_report(mta, &subject, owner.address(), d.key.seq);
            let stored = Stored {
                mailbox: owner,
                key: d.key,
                attributes: crate::content::extract_report(arg),
            };
            let result = x411::encode(&ReportDeliveryResult::EmptyResult)
                .unwrap_or_else(|_| vec![0x05, 0x00]);
            OpOutcome::Result(Bytes::from(result), Some(Box::new(stored)))
        }
        Err(e) => OpOutcome::Abort(Failure::Store(e.to_string())),
    }
}
