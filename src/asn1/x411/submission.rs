//! X.411 (1999) §8.2 submission port: message-submission (§8.2.1.1), probe-submission
//! (§8.2.1.2), cancel-deferred-delivery (§8.2.1.3); submission-control's argument and result
//! are [`Controls`](super::Controls) and [`Waiting`](super::Waiting).

use rasn::error::DecodeError;
use rasn::prelude::*;

use super::ber::{
    RawComponent, app, ctx, fail, parse_plain, parse_printable_lenient, parse_tagged, put,
    required, set_decode,
};
use super::common::{
    Content, ContentIdentifier, ContentType, EncodedInformationTypes, ExtensionField,
    MTSIdentifier, PerMessageIndicators, Priority, Time,
};
use super::orname::ORName;

/// `OriginatorReportRequest ::= BIT STRING { report(3), non-delivery-report(4) }`.
pub type OriginatorReportRequest = BitString;

/// `PerRecipientMessageSubmissionFields ::= SET { recipient-name RecipientName,
/// originator-report-request [0] OriginatorReportRequest, explicit-conversion [1]
/// ExplicitConversion OPTIONAL, extensions [2] SET OF ExtensionField DEFAULT {} }`; the same
/// shape as PerRecipientProbeSubmissionFields.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct PerRecipientMessageSubmissionFields {
    /// `recipient-name RecipientName` (ORName, `60 …`)
    pub recipient_name: ORName,
    /// `originator-report-request [0] OriginatorReportRequest`
    #[rasn(tag(context, 0))]
    pub originator_report_request: OriginatorReportRequest,
    /// `explicit-conversion [1] ExplicitConversion OPTIONAL`
    #[rasn(tag(context, 1))]
    pub explicit_conversion: Option<u16>,
    /// `extensions [2] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 2))]
    pub extensions: Option<Vec<ExtensionField>>,
}

impl PerRecipientMessageSubmissionFields {
    pub(crate) fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut name, mut request, mut conversion, mut ext) = (None, None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ORName::TAG => put(&mut name, parse_plain(c)?, "recipient-name")?,
                _ if t == ctx(0) => put(
                    &mut request,
                    parse_tagged(c, t)?,
                    "originator-report-request",
                )?,
                _ if t == ctx(1) => {
                    put(&mut conversion, parse_tagged(c, t)?, "explicit-conversion")?
                }
                _ if t == ctx(2) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(Self {
            recipient_name: required(name, "recipient-name")?,
            originator_report_request: required(request, "originator-report-request")?,
            explicit_conversion: conversion,
            extensions: ext,
        })
    }
}
set_decode!(PerRecipientMessageSubmissionFields);

/// `PerRecipientProbeSubmissionFields` has the same components.
pub type PerRecipientProbeSubmissionFields = PerRecipientMessageSubmissionFields;

/// `MessageSubmissionEnvelope ::= SET { COMPONENTS OF PerMessageSubmissionFields,
/// per-recipient-fields [1] SEQUENCE SIZE (1..ub-recipients) OF
/// PerRecipientMessageSubmissionFields }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct MessageSubmissionEnvelope {
    /// `originator-name OriginatorName` (ORName, `60 …`)
    pub originator_name: ORName,
    /// `original-encoded-information-types OriginalEncodedInformationTypes OPTIONAL`
    pub original_encoded_information_types: Option<EncodedInformationTypes>,
    /// `content-type ContentType`
    pub content_type: ContentType,
    /// `content-identifier ContentIdentifier OPTIONAL` (`[APPLICATION 10]`)
    #[rasn(tag(application, 10))]
    pub content_identifier: Option<ContentIdentifier>,
    /// `priority Priority DEFAULT normal`
    pub priority: Option<Priority>,
    /// `per-message-indicators PerMessageIndicators DEFAULT {}` (`[APPLICATION 8]`)
    #[rasn(tag(application, 8))]
    pub per_message_indicators: Option<PerMessageIndicators>,
    /// `deferred-delivery-time [0] DeferredDeliveryTime OPTIONAL`
    #[rasn(tag(context, 0))]
    pub deferred_delivery_time: Option<Time>,
    /// `extensions [2] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 2))]
    pub extensions: Option<Vec<ExtensionField>>,
    /// `per-recipient-fields [1] SEQUENCE OF PerRecipientMessageSubmissionFields`
    #[rasn(tag(context, 1))]
    pub per_recipient_fields: Vec<PerRecipientMessageSubmissionFields>,
}

impl MessageSubmissionEnvelope {
    /// The priority, `normal` when absent (its DEFAULT).
    pub fn effective_priority(&self) -> Priority {
        self.priority.unwrap_or(Priority::Normal)
    }

    pub(crate) fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut originator, mut original, mut content_type, mut content_id) =
            (None, None, None, None);
        let (mut priority, mut indicators, mut deferred, mut ext, mut recipients) =
            (None, None, None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ORName::TAG => put(&mut originator, parse_plain(c)?, "originator-name")?,
                _ if t == EncodedInformationTypes::TAG => {
                    put(&mut original, parse_plain(c)?, "original-eits")?
                }
                _ if ContentType::is_content_type_tag(t) => put(
                    &mut content_type,
                    ContentType::from_component(c, &[app(6)])?,
                    "content-type",
                )?,
                _ if t == app(10) => put(
                    &mut content_id,
                    parse_printable_lenient(c, t)?,
                    "content-identifier",
                )?,
                _ if t == Priority::TAG => put(&mut priority, parse_plain(c)?, "priority")?,
                _ if t == app(8) => put(
                    &mut indicators,
                    parse_tagged(c, t)?,
                    "per-message-indicators",
                )?,
                _ if t == ctx(0) => {
                    put(&mut deferred, parse_tagged(c, t)?, "deferred-delivery-time")?
                }
                _ if t == ctx(2) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ if t == ctx(1) => {
                    put(&mut recipients, parse_tagged(c, t)?, "per-recipient-fields")?
                }
                _ => {}
            }
        }
        let per_recipient_fields: Vec<PerRecipientMessageSubmissionFields> =
            required(recipients, "per-recipient-fields")?;
        if per_recipient_fields.is_empty() {
            return Err(fail("per-recipient-fields is empty"));
        }
        Ok(Self {
            originator_name: required(originator, "originator-name")?,
            original_encoded_information_types: original,
            content_type: required(content_type, "content-type")?,
            content_identifier: content_id,
            priority,
            per_message_indicators: indicators,
            deferred_delivery_time: deferred,
            extensions: ext,
            per_recipient_fields,
        })
    }
}
set_decode!(MessageSubmissionEnvelope);

/// `MessageSubmissionArgument ::= SEQUENCE { envelope MessageSubmissionEnvelope,
/// content Content }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageSubmissionArgument {
    /// `envelope MessageSubmissionEnvelope`
    pub envelope: MessageSubmissionEnvelope,
    /// `content Content`
    pub content: Content,
}

/// `MessageSubmissionResult ::= SET { message-submission-identifier, message-submission-time
/// [0], content-identifier OPTIONAL, extensions [1] DEFAULT {} }`; ProbeSubmissionResult has the
/// same shape (probe-submission-identifier, `probe-submission-time [0]`, …).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct MessageSubmissionResult {
    /// `message-submission-identifier MessageSubmissionIdentifier` (`[APPLICATION 4]`)
    pub message_submission_identifier: MTSIdentifier,
    /// `message-submission-time [0] MessageSubmissionTime`
    #[rasn(tag(context, 0))]
    pub message_submission_time: Time,
    /// `content-identifier ContentIdentifier OPTIONAL` (`[APPLICATION 10]`)
    #[rasn(tag(application, 10))]
    pub content_identifier: Option<ContentIdentifier>,
    /// `extensions [1] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub extensions: Option<Vec<ExtensionField>>,
}

impl MessageSubmissionResult {
    pub(crate) fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut id, mut time, mut content_id, mut ext) = (None, None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == MTSIdentifier::TAG => {
                    put(&mut id, parse_plain(c)?, "submission-identifier")?
                }
                _ if t == ctx(0) => put(&mut time, parse_tagged(c, t)?, "submission-time")?,
                _ if t == app(10) => put(
                    &mut content_id,
                    parse_printable_lenient(c, t)?,
                    "content-identifier",
                )?,
                _ if t == ctx(1) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(Self {
            message_submission_identifier: required(id, "submission-identifier")?,
            message_submission_time: required(time, "submission-time")?,
            content_identifier: content_id,
            extensions: ext,
        })
    }
}
set_decode!(MessageSubmissionResult);

/// `ProbeSubmissionResult`: the same components as [`MessageSubmissionResult`].
pub type ProbeSubmissionResult = MessageSubmissionResult;

/// `ProbeSubmissionArgument ::= ProbeSubmissionEnvelope ::= SET { COMPONENTS OF
/// PerProbeSubmissionFields, per-recipient-fields [3] SEQUENCE OF
/// PerRecipientProbeSubmissionFields }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct ProbeSubmissionArgument {
    /// `originator-name OriginatorName`
    pub originator_name: ORName,
    /// `original-encoded-information-types OriginalEncodedInformationTypes OPTIONAL`
    pub original_encoded_information_types: Option<EncodedInformationTypes>,
    /// `content-type ContentType`
    pub content_type: ContentType,
    /// `content-identifier ContentIdentifier OPTIONAL` (`[APPLICATION 10]`)
    #[rasn(tag(application, 10))]
    pub content_identifier: Option<ContentIdentifier>,
    /// `content-length [0] ContentLength OPTIONAL`
    #[rasn(tag(context, 0))]
    pub content_length: Option<u32>,
    /// `per-message-indicators PerMessageIndicators DEFAULT {}` (`[APPLICATION 8]`)
    #[rasn(tag(application, 8))]
    pub per_message_indicators: Option<PerMessageIndicators>,
    /// `extensions [2] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 2))]
    pub extensions: Option<Vec<ExtensionField>>,
    /// `per-recipient-fields [3] SEQUENCE OF PerRecipientProbeSubmissionFields`
    #[rasn(tag(context, 3))]
    pub per_recipient_fields: Vec<PerRecipientProbeSubmissionFields>,
}

impl ProbeSubmissionArgument {
    pub(crate) fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut originator, mut original, mut content_type, mut content_id) =
            (None, None, None, None);
        let (mut length, mut indicators, mut ext, mut recipients) = (None, None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ORName::TAG => put(&mut originator, parse_plain(c)?, "originator-name")?,
                _ if t == EncodedInformationTypes::TAG => {
                    put(&mut original, parse_plain(c)?, "original-eits")?
                }
                _ if ContentType::is_content_type_tag(t) => put(
                    &mut content_type,
                    ContentType::from_component(c, &[app(6)])?,
                    "content-type",
                )?,
                _ if t == app(10) => put(
                    &mut content_id,
                    parse_printable_lenient(c, t)?,
                    "content-identifier",
                )?,
                _ if t == ctx(0) => put(&mut length, parse_tagged(c, t)?, "content-length")?,
                _ if t == app(8) => put(
                    &mut indicators,
                    parse_tagged(c, t)?,
                    "per-message-indicators",
                )?,
                _ if t == ctx(2) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ if t == ctx(3) => {
                    put(&mut recipients, parse_tagged(c, t)?, "per-recipient-fields")?
                }
                _ => {}
            }
        }
        let per_recipient_fields: Vec<PerRecipientProbeSubmissionFields> =
            required(recipients, "per-recipient-fields")?;
        if per_recipient_fields.is_empty() {
            return Err(fail("per-recipient-fields is empty"));
        }
        Ok(Self {
            originator_name: required(originator, "originator-name")?,
            original_encoded_information_types: original,
            content_type: required(content_type, "content-type")?,
            content_identifier: content_id,
            content_length: length,
            per_message_indicators: indicators,
            extensions: ext,
            per_recipient_fields,
        })
    }
}
set_decode!(ProbeSubmissionArgument);

/// `ProbeSubmissionEnvelope` is the probe-submission argument itself.
pub type ProbeSubmissionEnvelope = ProbeSubmissionArgument;

/// `CancelDeferredDeliveryArgument ::= MessageSubmissionIdentifier`.
pub type CancelDeferredDeliveryArgument = MTSIdentifier;

/// `CancelDeferredDeliveryResult ::= NULL`.
pub type CancelDeferredDeliveryResult = ();
