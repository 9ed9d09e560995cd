//! X.413 §8 MS abstract operations, one file per operation, as pure functions of the
//! argument, the association's [`Session`] and the store; and what they share: entry class,
//! selector and attribute-selection mapping (X.413 §8.2.1) and the error a store failure
//! becomes (X.413 §8.2.3 service-error).

pub mod bind;
pub mod delete;
pub mod fetch;
pub mod list;
pub mod modify;
pub mod register;
pub mod submit;
pub mod summarize;

use bytes::Bytes;
use rasn::types::{Any, ObjectIdentifier};

use super::attrs::{self, FILE_TYPES};
use super::{Edition, Session};
use crate::asn1::oids;
use crate::asn1::x413::{self as x, P7Error};
use crate::store::query::{self, Attr, AttributeSelection, Range};
use crate::store::{self, EntryKey, MessageFile, StoreError};

/// The default attributes of a List without requested-attributes: what the incumbent's
/// client library reads (X400-FACTS.md).
pub const LIST_DEFAULT: [Attr; 11] = [
    Attr::SequenceNumber,
    Attr::EntryType,
    Attr::RetrievalStatus,
    Attr::CreationTime,
    Attr::Priority,
    Attr::ContentLength,
    Attr::ContentType,
    Attr::OriginatorName,
    Attr::Subject,
    Attr::MessageDeliveryIdentifier,
    Attr::SubjectSubmissionIdentifier,
];

/// BER of a result, or service-error when it cannot be encoded (it always can).
pub fn encode<T: rasn::Encode>(v: &T) -> Result<Bytes, P7Error> {
    x::encode(v)
        .map(Bytes::from)
        .map_err(|_| service(x::ServiceProblem::UNWILLING_TO_PERFORM))
}

/// service-error with `problem`.
pub fn service(problem: x::ServiceProblem) -> P7Error {
    P7Error::Service(x::ServiceErrorParameter {
        problem,
        supplementary_information: None,
    })
}

/// The error a store failure becomes: a missing entry is sequence-number-error no-such-entry,
/// anything else service-error unavailable (and a log line, since the UA cannot fix it).
pub fn store_error(e: StoreError) -> P7Error {
    match e {
        StoreError::NoSuchEntry { seq, .. } => no_such_entry([seq]),
        e => {
            tracing::error!(error = %e, "store failure answered with service-error");
            service(x::ServiceProblem::UNAVAILABLE)
        }
    }
}

/// sequence-number-error no-such-entry for each number.
pub fn no_such_entry(seqs: impl IntoIterator<Item = u32>) -> P7Error {
    P7Error::SequenceNumber(x::SequenceNumberErrorParameter::no_such_entry(seqs))
}

/// The store class an X.413 entry class names. Delivery and submission exist; the 1994 classes
/// the store does not keep are entry-class-error on 1994 associations; a 1988 MS has only the
/// delivery class, and a 1988 argument naming another is invalid.
pub fn class_of(s: &Session, c: Option<x::EntryClass>) -> Result<store::EntryClass, P7Error> {
    let c = c.unwrap_or(x::EntryClass::DELIVERY);
    match (s.edition, c) {
        (_, x::EntryClass::DELIVERY) => Ok(store::EntryClass::Inbox),
        (Edition::V94, x::EntryClass::SUBMISSION) => Ok(store::EntryClass::Outbox),
        (Edition::V94, c) => {
            let mut bits = rasn::types::BitString::repeat(false, 3);
            bits.set(x::entry_class_problem::UNSUPPORTED_ENTRY_CLASS, true);
            Err(P7Error::EntryClass(x::EntryClassErrorParameter {
                entry_class: c,
                problem: bits,
            }))
        }
        (Edition::V88, _) => Err(P7Error::InvalidParameters),
    }
}

/// range-error reversed on 1988 associations; 1994 has no range-error, so there a reversed
/// range is an invalid parameter.
fn reversed(s: &Session) -> P7Error {
    match s.edition {
        Edition::V88 => P7Error::Range(x::RangeErrorParameter {
            problem: x::RangeProblem::REVERSED,
        }),
        Edition::V94 => P7Error::InvalidParameters,
    }
}

/// X.413 Selector → store Selector, with the store's cap on how many entries one operation
/// may touch applied as an implicit limit (the result's `next` tells the UA where to go on).
pub fn selector_of(
    s: &Session,
    sel: &x::Selector,
    class: store::EntryClass,
    cap: u32,
) -> Result<query::Selector, P7Error> {
    let range = match &sel.range {
        None => None,
        Some(x::Range::SequenceNumberRange(r)) => {
            if let (Some(f), Some(t)) = (r.from, r.to)
                && f > t
            {
                return Err(reversed(s));
            }
            Some(Range::Seq {
                from: r.from,
                to: r.to,
            })
        }
        Some(x::Range::CreationTimeRange(r)) => {
            let from = r.from.map(|t| t.timestamp_millis());
            let to = r.to.map(|t| t.timestamp_millis());
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                return Err(reversed(s));
            }
            Some(Range::CreationTime { from, to })
        }
    };
    let filter = match &sel.filter {
        None => None,
        Some(f) => {
            if attrs::filter_items(f) > s.limits.max_filter_items as usize {
                return Err(service(x::ServiceProblem::UNWILLING_TO_PERFORM));
            }
            Some(attrs::filter_from_x413(f)?)
        }
    };
    if sel.limit == Some(0) {
        return Err(P7Error::InvalidParameters);
    }
    let limit = sel.limit.unwrap_or(cap).min(cap.max(1));
    Ok(query::Selector {
        class,
        child_entries: sel.effective_child_entries(),
        range,
        filter,
        limit: Some(limit as usize),
        override_limit: sel.r#override.is_some(),
    })
}

/// What an EntryInformationSelection asks for: index attributes, and whether the content or
/// the delivery envelope (which live in the message file) are wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requested {
    /// Index attributes with their value windows.
    pub index: Vec<AttributeSelection>,
    /// content (id-att 1).
    pub content: bool,
    /// message-delivery-envelope (id-att 18).
    pub envelope: bool,
}

impl Requested {
    /// Whether the message file must be read.
    pub fn needs_file(&self) -> bool {
        self.content || self.envelope
    }
}

/// Maps requested-attributes; `None` gives `default`. Types the store does not hold are not
/// returned (an entry simply lacks them), as for any absent attribute.
pub fn requested_of(
    r: Option<&x::EntryInformationSelection>,
    default: &[Attr],
    file: bool,
) -> Requested {
    let Some(sel) = r else {
        return Requested {
            index: default
                .iter()
                .map(|a| AttributeSelection::all(*a))
                .collect(),
            content: file,
            envelope: false,
        };
    };
    let mut out = Requested::default();
    for a in sel.iter() {
        if let Some(attr) = attrs::attr_of(&a.r#type) {
            out.index.push(AttributeSelection {
                attr,
                from: a.from.map_or(1, |f| f.max(1) as usize),
                count: a.count.map(|c| c as usize),
            });
        } else if *a.r#type == *oids::ID_ATT_CONTENT {
            out.content = true;
        } else if *a.r#type == *oids::ID_ATT_MESSAGE_DELIVERY_ENVELOPE {
            out.envelope = true;
        }
    }
    out
}

/// Store EntryInformation (+ the message file when the content or envelope was asked for) →
/// X.413 EntryInformation.
pub fn entry_information(
    info: &store::plan::EntryInformation,
    file: Option<&MessageFile>,
    req: &Requested,
) -> x::EntryInformation {
    let mut attributes = Vec::new();
    for (a, vals) in &info.attributes {
        let Some(t) = attrs::oid_of(*a) else { continue };
        let values: Vec<Any> = vals
            .iter()
            .filter_map(|v| attrs::encode_value(*a, v))
            .collect();
        if !values.is_empty() {
            attributes.push(x::Attribute {
                attribute_type: ObjectIdentifier::from(t),
                attribute_values: values,
            });
        }
    }
    if let Some(f) = file {
        // Content ::= OCTET STRING (X.411): the content as received, wrapped.
        if req.content {
            attributes.push(x::Attribute::single(
                ObjectIdentifier::from(FILE_TYPES[0]),
                Any::new(attrs::tlv(0x04, &f.content)),
            ));
        }
        if req.envelope && !f.envelope.is_empty() {
            attributes.push(x::Attribute::single(
                ObjectIdentifier::from(FILE_TYPES[1]),
                Any::new(f.envelope.clone()),
            ));
        }
    }
    let vce: Vec<x::AttributeValueCount> = info
        .value_count_exceeded
        .iter()
        .filter_map(|(a, n)| {
            Some(x::AttributeValueCount {
                r#type: ObjectIdentifier::from(attrs::oid_of(*a)?),
                total: u32::try_from(*n).unwrap_or(u32::MAX),
            })
        })
        .collect();
    x::EntryInformation {
        sequence_number: info.seq,
        attributes: (!attributes.is_empty()).then(|| attributes.into()),
        value_count_exceeded: (!vce.is_empty()).then(|| vce.into()),
    }
}

/// The key of an entry of the session's mailbox.
pub fn key(s: &Session, class: store::EntryClass, seq: u32) -> EntryKey {
    EntryKey {
        mailbox_id: s.mailbox_id.clone(),
        class,
        seq,
    }
}

/// Decodes an operation argument; `None` means reject it (mistyped-argument).
pub fn decode_arg<T: rasn::Decode>(arg: Option<&[u8]>) -> Option<T> {
    x::decode(arg?).ok()
}

/// Register-MS list- or fetch-attribute-defaults: they stand in for absent
/// requested-attributes (X.413 Register-MS).
pub fn apply_attribute_defaults(
    requested: &mut Option<x::EntryInformationSelection>,
    defaults: &[ObjectIdentifier],
) {
    if requested.is_none() && !defaults.is_empty() {
        let sel: Vec<x::AttributeSelection> = defaults
            .iter()
            .map(|t| x::AttributeSelection::all(t.clone()))
            .collect();
        *requested = Some(sel.into());
    }
}
