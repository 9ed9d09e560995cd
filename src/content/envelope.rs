//! X.411 §8.3.1.1 MessageDeliveryArgument and §8.3.1.2 ReportDeliveryArgument (types in
//! [`crate::asn1::x411`]) to and from the [`DeliveryEnvelope`] that attribute extraction reads.

use rasn::types::{Ia5String, ObjectIdentifier, PrintableString};

use crate::asn1::ber::{self, BerError};
use crate::asn1::x411::{
    self, AdministrationDomainName, ContentType, CountryName, DeliveredContentType,
    GlobalDomainIdentifier, MTSIdentifier, MessageDeliveryArgument, OtherMessageDeliveryFields,
    PrivateDomainIdentifier, ReportDeliveryArgument,
};
use crate::asn1::x420::{Time, latin1};

use super::attributes::{ContentTypeId, EntryType, Priority};
use super::extract::DeliveryEnvelope;

/// Why an envelope could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not well-formed BER.
    #[error("invalid BER {0}")]
    Ber(BerError),
    /// Well-formed, but not a MessageDeliveryArgument (nor a ReportDeliveryArgument).
    #[error("not an X.411 MessageDeliveryArgument or ReportDeliveryArgument: {0}")]
    Type(String),
}

/// `[C;ADMD;PRMD]local`: an MTSIdentifier on one line.
pub fn mts_identifier_text(id: &MTSIdentifier) -> String {
    let g = &id.global_domain_identifier;
    let c = match &g.country_name {
        CountryName::X121DccCode(s) => latin1(s.as_bytes()),
        CountryName::Iso3166Alpha2Code(s) => latin1(s.as_bytes()),
    };
    let a = match &g.administration_domain_name {
        AdministrationDomainName::Numeric(s) => latin1(s.as_bytes()),
        AdministrationDomainName::Printable(s) => latin1(s.as_bytes()),
    };
    let p = match &g.private_domain_identifier {
        Some(PrivateDomainIdentifier::Numeric(s)) => format!(";{}", latin1(s.as_bytes())),
        Some(PrivateDomainIdentifier::Printable(s)) => format!(";{}", latin1(s.as_bytes())),
        None => String::new(),
    };
    format!("[{c};{a}{p}]{}", id.local_identifier)
}

fn content_type_id(c: &ContentType) -> ContentTypeId {
    match c {
        ContentType::BuiltIn(n) => ContentTypeId::BuiltIn(i64::from(*n)),
        ContentType::Extended(o) => ContentTypeId::Extended(o.to_string()),
        ContentType::ExtendedRelative(arcs) => ContentTypeId::Extended(
            arcs.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("."),
        ),
    }
}

fn utc(t: &x411::Time) -> Time {
    Time(t.format("%y%m%d%H%M%SZ").to_string())
}

fn priority(p: x411::Priority) -> Priority {
    match p {
        x411::Priority::Normal => Priority::Normal,
        x411::Priority::NonUrgent => Priority::NonUrgent,
        x411::Priority::Urgent => Priority::Urgent,
    }
}

fn security_label(exts: &Option<Vec<x411::ExtensionField>>) -> Option<Vec<u8>> {
    exts.iter().flatten().find_map(|e| match &e.r#type {
        x411::ExtensionType::StandardExtension(n)
            if *n == x411::standard_extension::MESSAGE_SECURITY_LABEL =>
        {
            e.value.as_ref().map(|v| v.as_bytes().to_vec())
        }
        _ => None,
    })
}

impl From<&MessageDeliveryArgument> for DeliveryEnvelope {
    fn from(m: &MessageDeliveryArgument) -> Self {
        let o = &m.other_fields;
        DeliveryEnvelope {
            entry_type: EntryType::DeliveredMessage,
            message_delivery_identifier: Some(mts_identifier_text(&m.message_delivery_identifier)),
            message_delivery_time: Some(utc(&m.message_delivery_time)),
            content_type: Some(content_type_id(&o.content_type.0)),
            originator_name: Some(o.originator_name.clone()),
            this_recipient_name: Some(o.this_recipient_name.clone()),
            other_recipient_names: o.other_recipient_names.clone().unwrap_or_default(),
            priority: Some(priority(o.priority.unwrap_or(x411::Priority::Normal))),
            message_submission_time: Some(utc(&o.message_submission_time)),
            content_identifier: o.content_identifier.as_ref().map(|c| latin1(c.as_bytes())),
            subject_submission_identifier: None,
            message_security_label: security_label(&o.extensions),
        }
    }
}

impl From<&ReportDeliveryArgument> for DeliveryEnvelope {
    fn from(r: &ReportDeliveryArgument) -> Self {
        DeliveryEnvelope {
            entry_type: EntryType::DeliveredReport,
            content_type: r.content_type.as_ref().map(content_type_id),
            content_identifier: r.content_identifier.as_ref().map(|c| latin1(c.as_bytes())),
            subject_submission_identifier: Some(mts_identifier_text(
                &r.subject_submission_identifier,
            )),
            message_security_label: security_label(&r.extensions),
            ..Default::default()
        }
    }
}

/// Decodes a MessageDeliveryArgument (or a ReportDeliveryArgument) into the envelope fields
/// extraction reads. Structural BER problems are reported with their offset.
pub fn from_delivery_ber(buf: &[u8]) -> Result<DeliveryEnvelope, EnvelopeError> {
    ber::validate(buf).map_err(EnvelopeError::Ber)?;
    match rasn::ber::decode::<MessageDeliveryArgument>(buf) {
        Ok(m) => Ok(DeliveryEnvelope::from(&m)),
        Err(e) => match rasn::ber::decode::<ReportDeliveryArgument>(buf) {
            Ok(r) => Ok(DeliveryEnvelope::from(&r)),
            Err(_) => Err(EnvelopeError::Type(e.to_string().replace('\n', " "))),
        },
    }
}

/// The content octets carried by a MessageDeliveryArgument.
pub fn content_of_delivery(buf: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    rasn::ber::decode::<MessageDeliveryArgument>(buf)
        .map(|m| m.content.to_vec())
        .map_err(|e| EnvelopeError::Type(e.to_string().replace('\n', " ")))
}

fn printable(s: &str) -> PrintableString {
    PrintableString::try_from(s.to_string())
        .unwrap_or_else(|_| PrintableString::try_from(String::from("x")).unwrap_or_default())
}

fn x411_time(t: &Option<Time>) -> x411::Time {
    t.as_ref()
        .and_then(Time::to_rfc3339)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

/// Builds the MessageDeliveryArgument an MTA would send for `env` and `content`; `gdi` is the
/// global domain identifier (country, ADMD, PRMD — empty for none) of the delivery identifier.
pub fn to_delivery_argument(
    env: &DeliveryEnvelope,
    gdi: [&str; 3],
    content: &[u8],
) -> MessageDeliveryArgument {
    let local = env
        .message_delivery_identifier
        .as_deref()
        .map(|s| s.rsplit(']').next().unwrap_or(s))
        .unwrap_or("0");
    let content_type = match &env.content_type {
        Some(ContentTypeId::BuiltIn(n)) => ContentType::BuiltIn(u16::try_from(*n).unwrap_or(0)),
        Some(ContentTypeId::Extended(o)) => {
            let arcs: Vec<u32> = o.split('.').filter_map(|a| a.parse().ok()).collect();
            ObjectIdentifier::new(arcs)
                .map(ContentType::Extended)
                .unwrap_or(ContentType::BuiltIn(0))
        }
        None => ContentType::BuiltIn(22),
    };
    MessageDeliveryArgument {
        message_delivery_identifier: MTSIdentifier {
            global_domain_identifier: GlobalDomainIdentifier {
                country_name: CountryName::Iso3166Alpha2Code(printable(gdi[0])),
                administration_domain_name: AdministrationDomainName::Printable(printable(gdi[1])),
                private_domain_identifier: (!gdi[2].is_empty())
                    .then(|| PrivateDomainIdentifier::Printable(printable(gdi[2]))),
            },
            local_identifier: Ia5String::try_from(local.to_string()).unwrap_or_default(),
        },
        message_delivery_time: x411_time(&env.message_delivery_time),
        other_fields: OtherMessageDeliveryFields {
            content_type: DeliveredContentType(content_type),
            originator_name: env.originator_name.clone().unwrap_or_default(),
            original_encoded_information_types: None,
            priority: env.priority.map(|p| match p {
                Priority::Normal => x411::Priority::Normal,
                Priority::NonUrgent => x411::Priority::NonUrgent,
                Priority::Urgent => x411::Priority::Urgent,
            }),
            delivery_flags: None,
            other_recipient_names: (!env.other_recipient_names.is_empty())
                .then(|| env.other_recipient_names.clone()),
            this_recipient_name: env.this_recipient_name.clone().unwrap_or_default(),
            originally_intended_recipient_name: None,
            converted_encoded_information_types: None,
            message_submission_time: x411_time(&env.message_submission_time),
            content_identifier: env.content_identifier.as_deref().map(printable),
            extensions: None,
        },
        content: content.to_vec().into(),
    }
}

/// The BER of [`to_delivery_argument`]'s result.
pub fn to_delivery_ber(env: &DeliveryEnvelope, gdi: [&str; 3], content: &[u8]) -> Vec<u8> {
    // Encoding a value built from valid parts cannot fail; an empty result would show up at
    // once in every test that decodes builder output.
    rasn::ber::encode(&to_delivery_argument(env, gdi, content)).unwrap_or_default()
}

pub use record::{SubmittedMessageRecord, SubmittedProbeRecord};

mod record {
    //! The derive needs rasn's prelude, kept out of the module's namespace.
    use rasn::prelude::*;

    /// How the store keeps a submitted message's envelope in its submission-class file (X.413
    /// entry-type submitted-message): the envelope the UA gave and the MTA's result, which
    /// carries the message-submission-identifier (the entry's message-identifier, id-att 19) and
    /// the submission time. A store-internal record, written only by the submission path:
    /// `SubmittedMessageRecord ::= SEQUENCE { envelope MessageSubmissionEnvelope, result
    /// MessageSubmissionResult }`.
    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    pub struct SubmittedMessageRecord {
        /// The MessageSubmissionEnvelope as submitted.
        pub envelope: crate::asn1::x411::MessageSubmissionEnvelope,
        /// The MTA's MessageSubmissionResult.
        pub result: crate::asn1::x411::MessageSubmissionResult,
    }

    /// How the store keeps a submitted probe in its submission-class file (X.413 entry-type
    /// submitted-probe; the file has no content): the probe the UA gave and the MTA's result,
    /// whose probe-submission-identifier becomes the entry's message-identifier like a
    /// submitted message's. Store-internal, told from [`SubmittedMessageRecord`] by the file's
    /// entry type: `SubmittedProbeRecord ::= SEQUENCE { probe ProbeSubmissionArgument,
    /// result ProbeSubmissionResult }`.
    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    pub struct SubmittedProbeRecord {
        /// The ProbeSubmissionArgument as submitted.
        pub probe: crate::asn1::x411::ProbeSubmissionArgument,
        /// The MTA's ProbeSubmissionResult.
        pub result: crate::asn1::x411::ProbeSubmissionResult,
    }
}

impl From<&SubmittedProbeRecord> for DeliveryEnvelope {
    fn from(r: &SubmittedProbeRecord) -> Self {
        let p = &r.probe;
        DeliveryEnvelope {
            entry_type: EntryType::SubmittedProbe,
            message_delivery_identifier: Some(mts_identifier_text(
                &r.result.message_submission_identifier,
            )),
            message_delivery_time: None,
            content_type: Some(content_type_id(&p.content_type)),
            originator_name: Some(p.originator_name.clone()),
            this_recipient_name: None,
            other_recipient_names: p
                .per_recipient_fields
                .iter()
                .map(|f| f.recipient_name.clone())
                .collect(),
            priority: None,
            message_submission_time: Some(utc(&r.result.message_submission_time)),
            content_identifier: p.content_identifier.as_ref().map(|c| latin1(c.as_bytes())),
            subject_submission_identifier: None,
            message_security_label: security_label(&p.extensions),
        }
    }
}

/// Encodes a submitted probe's envelope record.
pub fn to_probe_record(r: &SubmittedProbeRecord) -> Result<Vec<u8>, EnvelopeError> {
    rasn::ber::encode(r).map_err(|e| EnvelopeError::Type(e.to_string().replace('\n', " ")))
}

/// Decodes a submitted probe's envelope record.
pub fn from_probe_record(buf: &[u8]) -> Result<SubmittedProbeRecord, EnvelopeError> {
    ber::validate(buf).map_err(EnvelopeError::Ber)?;
    x411::decode::<SubmittedProbeRecord>(buf)
        .map_err(|e| EnvelopeError::Type(e.to_string().replace('\n', " ")))
}

impl From<&SubmittedMessageRecord> for DeliveryEnvelope {
    fn from(r: &SubmittedMessageRecord) -> Self {
        let e = &r.envelope;
        DeliveryEnvelope {
            entry_type: EntryType::SubmittedMessage,
            message_delivery_identifier: Some(mts_identifier_text(
                &r.result.message_submission_identifier,
            )),
            message_delivery_time: None,
            content_type: Some(content_type_id(&e.content_type)),
            originator_name: Some(e.originator_name.clone()),
            this_recipient_name: None,
            other_recipient_names: e
                .per_recipient_fields
                .iter()
                .map(|p| p.recipient_name.clone())
                .collect(),
            priority: Some(priority(e.effective_priority())),
            message_submission_time: Some(utc(&r.result.message_submission_time)),
            content_identifier: e.content_identifier.as_ref().map(|c| latin1(c.as_bytes())),
            subject_submission_identifier: None,
            message_security_label: security_label(&e.extensions),
        }
    }
}

/// Encodes a submission-class file's envelope record.
pub fn to_submission_record(r: &SubmittedMessageRecord) -> Result<Vec<u8>, EnvelopeError> {
    rasn::ber::encode(r).map_err(|e| EnvelopeError::Type(e.to_string().replace('\n', " ")))
}

/// Decodes a submission-class file's envelope record.
pub fn from_submission_record(buf: &[u8]) -> Result<SubmittedMessageRecord, EnvelopeError> {
    ber::validate(buf).map_err(EnvelopeError::Ber)?;
    x411::decode::<SubmittedMessageRecord>(buf)
        .map_err(|e| EnvelopeError::Type(e.to_string().replace('\n', " ")))
}
