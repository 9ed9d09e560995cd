//! X.411 §8.3.1.1 message-delivery (local code 5), as the store receives it: the message is
//! stored in the mailbox of `this-recipient-name` through the durable group-commit path, and
//! the MessageDeliveryResult is returned only once it is on disk.
//!
//! Errors (message-delivery's only ones: delivery-control-violated, security-error,
//! unsupported-critical-function):
//! - a recipient the store does not host (unknown to the directory, or the directory says
//!   another store holds the mailbox): **security-error, unauthorised-recipient-name (30)** —
//!   the one error of the three that names the recipient as the reason; the MTA non-delivers
//!   with its own diagnostic;
//! - content longer than `max-message-size`: **delivery-control-violated** (the store, as
//!   MTS-user, does not accept such deliveries);
//! - a private extension marked critical for delivery: **unsupported-critical-function**
//!   (standard extensions are kept with the envelope as received, so none is unsupported).
//!
//! A store failure (disk full, I/O error) or a directory that cannot be reached is not the
//! message's fault: the association is aborted with no result, so the MTA keeps the message
//! and retries.

use bytes::Bytes;

use super::{Failure, OpOutcome, Responder, Stored, audit};
use crate::asn1::x411::{
    self, ExtensionField, ExtensionType, MessageDeliveryResult, SecurityProblem, err,
};
use crate::content::envelope::mts_identifier_text;
use crate::store::{MailboxName, NewEntry};

/// Criticality bit `for-delivery(2)`.
const FOR_DELIVERY: usize = 2;

/// Whether `exts` holds an extension the store must refuse: a private one marked critical for
/// delivery.
pub fn unsupported_critical(exts: Option<&Vec<ExtensionField>>) -> bool {
    exts.into_iter().flatten().any(|e| {
        matches!(e.r#type, ExtensionType::PrivateExtension(_))
            && e.criticality
                .as_ref()
                .is_some_and(|c| c.get(FOR_DELIVERY).is_some_and(|b| *b))
    })
}

fn security_error(problem: SecurityProblem) -> OpOutcome {
    OpOutcome::Error {
        code: err::SECURITY_ERROR,
        parameter: x411::encode(&problem).ok().map(Bytes::from),
    }
}

/// The NULL parameter of delivery-control-violated and unsupported-critical-function.
fn null_error(code: i64) -> OpOutcome {
    OpOutcome::Error {
        code,
        parameter: Some(Bytes::from_static(&[0x05, 0x00])),
    }
}

/// Handles one message-delivery. Blocking: call from `spawn_blocking`.
pub fn handle(r: &Responder, mta: &str, argument: Option<&[u8]>) -> OpOutcome {
    let Some(bytes) = argument else {
        return OpOutcome::Mistyped;
    };
    let received = match x411::decode_message_delivery(bytes) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(mta, "message-delivery: undecodable argument: {e}");
            return OpOutcome::Mistyped;
        }
    };
    let arg = &received.argument;
    let id = mts_identifier_text(&arg.message_delivery_identifier);
    let recipient = &arg.other_fields.this_recipient_name;
    let recipient_text = recipient.to_string();
    let refused = |why: &str, out: OpOutcome| {
        audit::refused("DELIVER-MESSAGE", mta, &id, &recipient_text, why);
        out
    };
    if r.max_message_size > 0 && received.content.len() as u64 > r.max_message_size {
        return refused(
            "delivery-control-violated (content too long)",
            null_error(err::DELIVERY_CONTROL_VIOLATED),
        );
    }
    if unsupported_critical(arg.other_fields.extensions.as_ref()) {
        return refused(
            "unsupported-critical-function",
            null_error(err::UNSUPPORTED_CRITICAL_FUNCTION),
        );
    }
    match r.hosts(&recipient.address) {
        Ok(true) => {}
        Ok(false) => {
            return refused(
                "security-error unauthorised-recipient-name",
                security_error(SecurityProblem::UNAUTHORISED_RECIPIENT_NAME),
            );
        }
        Err(e) => return OpOutcome::Abort(Failure::Directory(e.to_string())),
    }
    let owner = MailboxName::from(&recipient.address);
    let (attributes, content_error) = crate::content::extract_delivery(arg);
    if let Some(e) = content_error {
        // Stored all the same: the store keeps what it was given; only the IPM attributes
        // are missing.
        tracing::debug!(mta, p1msgid = %id, "content not decoded: {e}");
    }
    let entry = NewEntry::delivery(&received.envelope, &received.content);
    match r.store.add_entry(&owner, entry) {
        Ok(d) => {
            let time = attributes.message_delivery_time.clone().unwrap_or_default();
            audit::deliver_message(mta, &id, &time, &recipient_text, d.key.seq);
            let result = x411::encode(&MessageDeliveryResult::default())
                .unwrap_or_else(|_| vec![0x31, 0x00]);
            let stored = Stored {
                mailbox: owner,
                key: d.key,
                attributes,
            };
            OpOutcome::Result(Bytes::from(result), Some(Box::new(stored)))
        }
        Err(e) => OpOutcome::Abort(Failure::Store(e.to_string())),
    }
}
