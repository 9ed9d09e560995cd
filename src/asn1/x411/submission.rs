//! X.411 (1999) §8.2 submission port: message-submission (§8.2.1.1), probe-submission
//! (§8.2.1.2), cancel-deferred-delivery (§8.2.1.3); submission-control's argument and result
//! are [`Controls`](super::Controls) and [`Waiting`](super::Waiting).

use rasn::prelude::*;

use super::ber::{HandChoice, app, ctx, implicit, parse_plain, printable_lenient, set_decoder};
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

set_decoder!(PerRecipientMessageSubmissionFields {
    req recipient_name "recipient-name": ORName::TAG => parse_plain,
    req originator_report_request "originator-report-request": ctx(0) => implicit,
    opt explicit_conversion "explicit-conversion": ctx(1) => implicit,
    opt extensions "extensions": ctx(2) => implicit,
});

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
}

set_decoder!(MessageSubmissionEnvelope {
    nonempty per_recipient_fields "per-recipient-fields": ctx(1) => implicit,
    req originator_name "originator-name": ORName::TAG => parse_plain,
    opt original_encoded_information_types "original-eits":
        EncodedInformationTypes::TAG => parse_plain,
    req content_type "content-type": ContentType::is_content_type_tag => ContentType::decode_choice,
    opt content_identifier "content-identifier": app(10) => printable_lenient,
    opt priority "priority": Priority::TAG => parse_plain,
    opt per_message_indicators "per-message-indicators": app(8) => implicit,
    opt deferred_delivery_time "deferred-delivery-time": ctx(0) => implicit,
    opt extensions "extensions": ctx(2) => implicit,
});

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

set_decoder!(MessageSubmissionResult {
    req message_submission_identifier "submission-identifier": MTSIdentifier::TAG => parse_plain,
    req message_submission_time "submission-time": ctx(0) => implicit,
    opt content_identifier "content-identifier": app(10) => printable_lenient,
    opt extensions "extensions": ctx(1) => implicit,
});

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

set_decoder!(ProbeSubmissionArgument {
    nonempty per_recipient_fields "per-recipient-fields": ctx(3) => implicit,
    req originator_name "originator-name": ORName::TAG => parse_plain,
    opt original_encoded_information_types "original-eits":
        EncodedInformationTypes::TAG => parse_plain,
    req content_type "content-type": ContentType::is_content_type_tag => ContentType::decode_choice,
    opt content_identifier "content-identifier": app(10) => printable_lenient,
    opt content_length "content-length": ctx(0) => implicit,
    opt per_message_indicators "per-message-indicators": app(8) => implicit,
    opt extensions "extensions": ctx(2) => implicit,
});

/// `ProbeSubmissionEnvelope` is the probe-submission argument itself.
pub type ProbeSubmissionEnvelope = ProbeSubmissionArgument;

/// `CancelDeferredDeliveryArgument ::= MessageSubmissionIdentifier`.
pub type CancelDeferredDeliveryArgument = MTSIdentifier;

/// `CancelDeferredDeliveryResult ::= NULL`.
pub type CancelDeferredDeliveryResult = ();
