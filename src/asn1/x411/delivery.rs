//! X.411 (1999) §8.3 delivery port: message-delivery (§8.3.1.1), report-delivery (§8.3.1.2),
//! delivery-control (§8.3.1.3), with the §8.2.1.4 / §8.3.1.3 Controls and Waiting SETs that
//! submission-control shares.

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::ber::{
    HandChoice, RawComponent, any_contents, app, choice_codec, ctx, explicit, fail, implicit,
    parse, parse_plain, printable_lenient, set_decoder,
};
use super::common::{
    Content, ContentIdentifier, ContentType, DeliveredContentType, EncodedInformationTypes,
    EncodedInformationTypesConstraints, ExtensionField, MTSIdentifier, Priority, SecurityContext,
    Time,
};
use super::orname::ORName;

/// `DeliveryFlags ::= BIT STRING { implicit-conversion-prohibited(1) }`.
pub type DeliveryFlags = BitString;

/// `OtherMessageDeliveryFields ::= SET {...}` (X.411 §8.3.1.1.1).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct OtherMessageDeliveryFields {
    /// `content-type DeliveredContentType`
    pub content_type: DeliveredContentType,
    /// `originator-name DeliveredOriginatorName` (ORName, `60 …`)
    pub originator_name: ORName,
    /// `original-encoded-information-types [1] OriginalEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 1))]
    pub original_encoded_information_types: Option<EncodedInformationTypes>,
    /// `priority Priority DEFAULT normal` (`[APPLICATION 7]`)
    pub priority: Option<Priority>,
    /// `delivery-flags [2] DeliveryFlags OPTIONAL`
    #[rasn(tag(context, 2))]
    pub delivery_flags: Option<DeliveryFlags>,
    /// `other-recipient-names [3] OtherRecipientNames OPTIONAL` (SEQUENCE OF ORName)
    #[rasn(tag(context, 3))]
    pub other_recipient_names: Option<Vec<ORName>>,
    /// `this-recipient-name [4] ThisRecipientName` — IMPLICIT ORName: `a4 …`, not `a4 {60 …}`
    #[rasn(tag(context, 4))]
    pub this_recipient_name: ORName,
    /// `originally-intended-recipient-name [5] OriginallyIntendedRecipientName OPTIONAL`
    #[rasn(tag(context, 5))]
    pub originally_intended_recipient_name: Option<ORName>,
    /// `converted-encoded-information-types [6] ConvertedEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 6))]
    pub converted_encoded_information_types: Option<EncodedInformationTypes>,
    /// `message-submission-time [7] MessageSubmissionTime`
    #[rasn(tag(context, 7))]
    pub message_submission_time: Time,
    /// `content-identifier [8] ContentIdentifier OPTIONAL`
    #[rasn(tag(context, 8))]
    pub content_identifier: Option<ContentIdentifier>,
    /// `extensions [9] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 9))]
    pub extensions: Option<Vec<ExtensionField>>,
}

impl OtherMessageDeliveryFields {
    /// The priority, `normal` when absent (its DEFAULT).
    pub fn effective_priority(&self) -> Priority {
        self.priority.unwrap_or(Priority::Normal)
    }
}

set_decoder!(OtherMessageDeliveryFields {
    req content_type "content-type":
        DeliveredContentType::is_tag => DeliveredContentType::from_component,
    req originator_name "originator-name": ORName::TAG => parse_plain,
    opt original_encoded_information_types "original-eits": ctx(1) => implicit,
    opt priority "priority": Priority::TAG => parse_plain,
    opt delivery_flags "delivery-flags": ctx(2) => implicit,
    opt other_recipient_names "other-recipient-names": ctx(3) => implicit,
    req this_recipient_name "this-recipient-name": ctx(4) => implicit,
    opt originally_intended_recipient_name "originally-intended-recipient-name":
        ctx(5) => implicit,
    opt converted_encoded_information_types "converted-eits": ctx(6) => implicit,
    req message_submission_time "message-submission-time": ctx(7) => implicit,
    opt content_identifier "content-identifier": ctx(8) => printable_lenient,
    opt extensions "extensions": ctx(9) => implicit,
});

/// `MessageDeliveryArgument ::= SEQUENCE { COMPONENTS OF MessageDeliveryEnvelope,
/// content Content }`, the envelope being `SEQUENCE { message-delivery-identifier,
/// message-delivery-time, other-fields }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageDeliveryArgument {
    /// `message-delivery-identifier MessageDeliveryIdentifier` (`[APPLICATION 4]`)
    pub message_delivery_identifier: MTSIdentifier,
    /// `message-delivery-time MessageDeliveryTime` (UTCTime)
    pub message_delivery_time: Time,
    /// `other-fields OtherMessageDeliveryFields`
    pub other_fields: OtherMessageDeliveryFields,
    /// `content Content`
    pub content: Content,
}

/// `MessageDeliveryEnvelope ::= SEQUENCE { message-delivery-identifier, message-delivery-time,
/// other-fields }`: what a store keeps beside the content (see [`ReceivedDelivery`]).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageDeliveryEnvelope {
    /// `message-delivery-identifier MessageDeliveryIdentifier`
    pub message_delivery_identifier: MTSIdentifier,
    /// `message-delivery-time MessageDeliveryTime`
    pub message_delivery_time: Time,
    /// `other-fields OtherMessageDeliveryFields`
    pub other_fields: OtherMessageDeliveryFields,
}

/// A message-delivery argument split the way the store keeps it: the envelope's components and
/// the content exactly as the MTA sent them, never re-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedDelivery {
    /// The decoded argument.
    pub argument: MessageDeliveryArgument,
    /// A MessageDeliveryEnvelope: a SEQUENCE header (definite length) around the three envelope
    /// components' encodings as received. Decodes as [`MessageDeliveryEnvelope`].
    pub envelope: Vec<u8>,
    /// The content octets (the OCTET STRING's value, segments joined if it was constructed).
    pub content: Vec<u8>,
}

/// Decodes a MessageDeliveryArgument and keeps its envelope and content as received.
pub fn decode_message_delivery(bytes: &[u8]) -> Result<ReceivedDelivery, super::X411Error> {
    let argument: MessageDeliveryArgument = super::decode(bytes)?;
    let comps: Vec<RawComponent> = super::decode_components(bytes, Tag::SEQUENCE)?;
    let [id, time, other, content] = comps.as_slice() else {
        return Err(fail("MessageDeliveryArgument has not four components").into());
    };
    let envelope = wrap(Tag::SEQUENCE, [id, time, other]);
    let content: OctetString = parse_plain(content)?;
    Ok(ReceivedDelivery {
        argument,
        envelope,
        content: content.to_vec(),
    })
}

/// A definite-length constructed value tagged `tag` (universal class) around `parts`.
fn wrap<'a>(tag: Tag, parts: impl IntoIterator<Item = &'a RawComponent>) -> Vec<u8> {
    let body: Vec<u8> = parts
        .into_iter()
        .flat_map(|c| c.tlv.iter().copied())
        .collect();
    // Universal SEQUENCE 0x30 or SET 0x31.
    let mut out = vec![0x20 | (tag.value as u8 & 0x1f)];
    crate::ber::write_length(&mut out, body.len());
    out.extend(body);
    out
}

/// `MessageDeliveryResult ::= SET { recipient-certificate [0] RecipientCertificate OPTIONAL,
/// proof-of-delivery [1] IMPLICIT ProofOfDelivery OPTIONAL, ..., extensions [2] SET OF
/// ExtensionField DEFAULT {} }`. Certificates and proof are kept opaque (tag contents).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct MessageDeliveryResult {
    /// `recipient-certificate [0] RecipientCertificate OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 0))]
    pub recipient_certificate: Option<Any>,
    /// `proof-of-delivery [1] IMPLICIT ProofOfDelivery OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 1))]
    pub proof_of_delivery: Option<Any>,
    /// `extensions [2] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 2))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(MessageDeliveryResult {
    opt recipient_certificate "recipient-certificate": ctx(0) => any_contents,
    opt proof_of_delivery "proof-of-delivery": ctx(1) => any_contents,
    opt extensions "extensions": ctx(2) => implicit,
});

/// `TypeOfMTSUser ::= INTEGER {...} (0..ub-mts-user-types)`.
pub mod type_of_mts_user {
    /// public (the DEFAULT)
    pub const PUBLIC: u16 = 0;
    /// private
    pub const PRIVATE: u16 = 1;
    /// ms
    pub const MS: u16 = 2;
    /// dl
    pub const DL: u16 = 3;
    /// pdau
    pub const PDAU: u16 = 4;
    /// physical-recipient
    pub const PHYSICAL_RECIPIENT: u16 = 5;
    /// other
    pub const OTHER: u16 = 6;
}

/// `NonDeliveryReasonCode ::= INTEGER {...} (0..ub-reason-codes)`.
pub mod non_delivery_reason {
    /// transfer-failure
    pub const TRANSFER_FAILURE: u16 = 0;
    /// unable-to-transfer
    pub const UNABLE_TO_TRANSFER: u16 = 1;
    /// conversion-not-performed
    pub const CONVERSION_NOT_PERFORMED: u16 = 2;
    /// physical-rendition-not-performed
    pub const PHYSICAL_RENDITION_NOT_PERFORMED: u16 = 3;
    /// physical-delivery-not-performed
    pub const PHYSICAL_DELIVERY_NOT_PERFORMED: u16 = 4;
    /// restricted-delivery
    pub const RESTRICTED_DELIVERY: u16 = 5;
    /// directory-operation-unsuccessful
    pub const DIRECTORY_OPERATION_UNSUCCESSFUL: u16 = 6;
    /// deferred-delivery-not-performed
    pub const DEFERRED_DELIVERY_NOT_PERFORMED: u16 = 7;
    /// transfer-failure-for-security-reason
    pub const TRANSFER_FAILURE_FOR_SECURITY_REASON: u16 = 8;
}

/// `NonDeliveryDiagnosticCode ::= INTEGER {...} (0..ub-diagnostic-codes)`: the common values.
pub mod non_delivery_diagnostic {
    /// unrecognised-OR-name
    pub const UNRECOGNISED_OR_NAME: u16 = 0;
    /// ambiguous-OR-name
    pub const AMBIGUOUS_OR_NAME: u16 = 1;
    /// mts-congestion
    pub const MTS_CONGESTION: u16 = 2;
    /// loop-detected
    pub const LOOP_DETECTED: u16 = 3;
    /// recipient-unavailable
    pub const RECIPIENT_UNAVAILABLE: u16 = 4;
    /// maximum-time-expired
    pub const MAXIMUM_TIME_EXPIRED: u16 = 5;
    /// encoded-information-types-unsupported
    pub const ENCODED_INFORMATION_TYPES_UNSUPPORTED: u16 = 6;
    /// content-too-long
    pub const CONTENT_TOO_LONG: u16 = 7;
    /// invalid-arguments
    pub const INVALID_ARGUMENTS: u16 = 11;
    /// content-syntax-error
    pub const CONTENT_SYNTAX_ERROR: u16 = 12;
    /// size-constraint-violation
    pub const SIZE_CONSTRAINT_VIOLATION: u16 = 13;
    /// protocol-violation
    pub const PROTOCOL_VIOLATION: u16 = 14;
    /// content-type-not-supported
    pub const CONTENT_TYPE_NOT_SUPPORTED: u16 = 15;
    /// too-many-recipients
    pub const TOO_MANY_RECIPIENTS: u16 = 16;
    /// unsupported-critical-function
    pub const UNSUPPORTED_CRITICAL_FUNCTION: u16 = 18;
    /// secure-messaging-error
    pub const SECURE_MESSAGING_ERROR: u16 = 46;
    /// security-policy-violation
    pub const SECURITY_POLICY_VIOLATION: u16 = 53;
}

/// `DeliveryReport ::= SET { message-delivery-time [0] MessageDeliveryTime,
/// type-of-MTS-user [1] TypeOfMTSUser DEFAULT public }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct DeliveryReport {
    /// `message-delivery-time [0] MessageDeliveryTime`
    #[rasn(tag(context, 0))]
    pub message_delivery_time: Time,
    /// `type-of-MTS-user [1] TypeOfMTSUser DEFAULT public` (see [`type_of_mts_user`])
    #[rasn(tag(context, 1))]
    pub type_of_mts_user: Option<u16>,
}

impl DeliveryReport {
    /// The type of MTS user, `public` when absent (its DEFAULT).
    pub fn effective_type_of_mts_user(&self) -> u16 {
        self.type_of_mts_user.unwrap_or(type_of_mts_user::PUBLIC)
    }
}

set_decoder!(DeliveryReport {
    req message_delivery_time "message-delivery-time": ctx(0) => implicit,
    opt type_of_mts_user "type-of-MTS-user": ctx(1) => implicit,
});

/// `NonDeliveryReport ::= SET { non-delivery-reason-code [0] NonDeliveryReasonCode,
/// non-delivery-diagnostic-code [1] NonDeliveryDiagnosticCode OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct NonDeliveryReport {
    /// `non-delivery-reason-code [0]` (see [`non_delivery_reason`])
    #[rasn(tag(context, 0))]
    pub non_delivery_reason_code: u16,
    /// `non-delivery-diagnostic-code [1] OPTIONAL` (see [`non_delivery_diagnostic`])
    #[rasn(tag(context, 1))]
    pub non_delivery_diagnostic_code: Option<u16>,
}

set_decoder!(NonDeliveryReport {
    req non_delivery_reason_code "non-delivery-reason-code": ctx(0) => implicit,
    opt non_delivery_diagnostic_code "non-delivery-diagnostic-code": ctx(1) => implicit,
});

/// `ReportType ::= CHOICE { delivery [0] DeliveryReport, non-delivery [1] NonDeliveryReport }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum ReportType {
    /// `delivery [0] DeliveryReport`
    #[rasn(tag(context, 0))]
    Delivery(DeliveryReport),
    /// `non-delivery [1] NonDeliveryReport`
    #[rasn(tag(context, 1))]
    NonDelivery(NonDeliveryReport),
}

/// `PerRecipientReportDeliveryFields ::= SET {...}` (X.411 §8.3.1.2.1).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct PerRecipientReportDeliveryFields {
    /// `actual-recipient-name [0] ActualRecipientName` (implicit ORName: `a0 …`)
    #[rasn(tag(context, 0))]
    pub actual_recipient_name: ORName,
    /// `report-type [1] ReportType` (explicit: a CHOICE)
    #[rasn(tag(explicit(context, 1)))]
    pub report_type: ReportType,
    /// `converted-encoded-information-types ConvertedEncodedInformationTypes OPTIONAL`
    pub converted_encoded_information_types: Option<EncodedInformationTypes>,
    /// `originally-intended-recipient-name [2] OriginallyIntendedRecipientName OPTIONAL`
    #[rasn(tag(context, 2))]
    pub originally_intended_recipient_name: Option<ORName>,
    /// `supplementary-information [3] SupplementaryInformation OPTIONAL`
    #[rasn(tag(context, 3))]
    pub supplementary_information: Option<PrintableString>,
    /// `extensions [4] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 4))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(PerRecipientReportDeliveryFields {
    req actual_recipient_name "actual-recipient-name": ctx(0) => implicit,
    req report_type "report-type": ctx(1) => explicit,
    opt converted_encoded_information_types "converted-eits":
        EncodedInformationTypes::TAG => parse_plain,
    opt originally_intended_recipient_name "originally-intended-recipient-name":
        ctx(2) => implicit,
    opt supplementary_information "supplementary-information": ctx(3) => printable_lenient,
    opt extensions "extensions": ctx(4) => implicit,
});

/// `ReportDeliveryArgument ::= SET { COMPONENTS OF ReportDeliveryEnvelope, returned-content
/// [0] Content OPTIONAL }` with the PerReportDeliveryFields components (X.411 §8.3.1.2).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct ReportDeliveryArgument {
    /// `subject-submission-identifier SubjectSubmissionIdentifier` (`[APPLICATION 4]`)
    pub subject_submission_identifier: MTSIdentifier,
    /// `content-identifier ContentIdentifier OPTIONAL` (`[APPLICATION 10]`)
    #[rasn(tag(application, 10))]
    pub content_identifier: Option<ContentIdentifier>,
    /// `content-type ContentType OPTIONAL`
    pub content_type: Option<ContentType>,
    /// `original-encoded-information-types OriginalEncodedInformationTypes OPTIONAL`
    pub original_encoded_information_types: Option<EncodedInformationTypes>,
    /// `extensions [1] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub extensions: Option<Vec<ExtensionField>>,
    /// `per-recipient-fields SEQUENCE SIZE (1..ub-recipients) OF
    /// PerRecipientReportDeliveryFields`
    pub per_recipient_fields: Vec<PerRecipientReportDeliveryFields>,
    /// `returned-content [0] Content OPTIONAL`
    #[rasn(tag(context, 0))]
    pub returned_content: Option<Content>,
}

set_decoder!(ReportDeliveryArgument {
    nonempty per_recipient_fields "per-recipient-fields": Tag::SEQUENCE => parse_plain,
    req subject_submission_identifier "subject-submission-identifier":
        MTSIdentifier::TAG => parse_plain,
    opt content_identifier "content-identifier": app(10) => printable_lenient,
    opt content_type "content-type": ContentType::is_content_type_tag => ContentType::decode_choice,
    opt original_encoded_information_types "original-eits":
        EncodedInformationTypes::TAG => parse_plain,
    opt extensions "extensions": ctx(1) => implicit,
    opt returned_content "returned-content": ctx(0) => implicit,
});

/// `ReportDeliveryEnvelope ::= SET { COMPONENTS OF PerReportDeliveryFields,
/// per-recipient-fields }`: a [`ReportDeliveryArgument`] without `returned-content`.
pub type ReportDeliveryEnvelope = ReportDeliveryArgument;

/// A report-delivery argument split the way the store keeps it (see [`ReceivedDelivery`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedReport {
    /// The decoded argument.
    pub argument: ReportDeliveryArgument,
    /// A ReportDeliveryEnvelope: a SET header (definite length) around every component but
    /// `returned-content`, as received. Decodes as [`ReportDeliveryEnvelope`].
    pub envelope: Vec<u8>,
    /// The returned content's octets, if the report carries it.
    pub returned_content: Option<Vec<u8>>,
}

/// Decodes a ReportDeliveryArgument and keeps its envelope and returned content as received.
pub fn decode_report_delivery(bytes: &[u8]) -> Result<ReceivedReport, super::X411Error> {
    let argument: ReportDeliveryArgument = super::decode(bytes)?;
    let comps: Vec<RawComponent> = super::decode_components(bytes, Tag::SET)?;
    let envelope = wrap(Tag::SET, comps.iter().filter(|c| c.tag != ctx(0)));
    let returned_content = argument.returned_content.as_ref().map(|c| c.to_vec());
    Ok(ReceivedReport {
        argument,
        envelope,
        returned_content,
    })
}

/// `ReportDeliveryResult ::= CHOICE { empty-result NULL, ..., extensions SET SIZE (1..MAX) OF
/// ExtensionField }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportDeliveryResult {
    /// `empty-result NULL`
    EmptyResult,
    /// `extensions SET OF ExtensionField`
    Extensions(Vec<ExtensionField>),
}

impl HandChoice for ReportDeliveryResult {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::EmptyResult => e.encode_null(Tag::NULL, Identifier::EMPTY).map(drop),
            Self::Extensions(v) => v.encode_with_tag(e, Tag::SET),
        }
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        Ok(match c.tag {
            t if t == Tag::NULL => {
                parse(c, |d| d.decode_null(Tag::NULL))?;
                Self::EmptyResult
            }
            t if t == Tag::SET => Self::Extensions(implicit(c)?),
            _ => return Err(fail("not a ReportDeliveryResult")),
        })
    }
}
choice_codec!(ReportDeliveryResult: Tag::NULL, Tag::SET);

/// `Operations ::= BIT STRING { probe-submission-or-report-delivery(0),
/// message-submission-or-message-delivery(1) }`.
pub type Operations = BitString;

/// `Controls ::= SET {...}` (X.411 §8.2.1.4 / §8.3.1.3): the argument of submission-control
/// (SubmissionControls) and, with `extensions [6]`, of delivery-control
/// (DeliveryControlArgument). A 1988 peer's `permissible-encoded-information-types-88`
/// (EncodedInformationTypes, `[APPLICATION 5]`) is accepted beside the 1994 constraints.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct Controls {
    /// `restrict [0] BOOLEAN DEFAULT TRUE` (update TRUE, remove FALSE)
    #[rasn(tag(context, 0))]
    pub restrict: Option<bool>,
    /// `permissible-operations [1] Operations OPTIONAL`
    #[rasn(tag(context, 1))]
    pub permissible_operations: Option<Operations>,
    /// `permissible-maximum-content-length [2] ContentLength OPTIONAL`
    #[rasn(tag(context, 2))]
    pub permissible_maximum_content_length: Option<u32>,
    /// `permissible-lowest-priority Priority OPTIONAL`
    pub permissible_lowest_priority: Option<Priority>,
    /// `permissible-content-types [4] ContentTypes OPTIONAL` (SET OF ContentType)
    #[rasn(tag(context, 4))]
    pub permissible_content_types: Option<Vec<ContentType>>,
    /// `permissible-encoded-information-types PermissibleEncodedInformationTypes OPTIONAL`
    pub permissible_encoded_information_types: Option<EncodedInformationTypesConstraints>,
    /// 1988: `permissible-encoded-information-types-88 EncodedInformationTypes OPTIONAL`
    pub permissible_encoded_information_types_88: Option<EncodedInformationTypes>,
    /// `permissible-security-context [5] SecurityContext OPTIONAL`
    #[rasn(tag(context, 5))]
    pub permissible_security_context: Option<SecurityContext>,
    /// DeliveryControlArgument only: `extensions [6] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 6))]
    pub extensions: Option<Vec<ExtensionField>>,
}

impl Controls {
    /// `restrict`, TRUE (update) when absent (its DEFAULT).
    pub fn effective_restrict(&self) -> bool {
        self.restrict.unwrap_or(true)
    }
}

set_decoder!(Controls {
    opt restrict "restrict": ctx(0) => implicit,
    opt permissible_operations "permissible-operations": ctx(1) => implicit,
    opt permissible_maximum_content_length "permissible-maximum-content-length":
        ctx(2) => implicit,
    opt permissible_lowest_priority "permissible-lowest-priority": Priority::TAG => parse_plain,
    opt permissible_content_types "permissible-content-types": ctx(4) => implicit,
    opt permissible_encoded_information_types "permissible-encoded-information-types":
        Tag::SEQUENCE => parse_plain,
    opt permissible_encoded_information_types_88 "permissible-encoded-information-types-88":
        EncodedInformationTypes::TAG => parse_plain,
    opt permissible_security_context "permissible-security-context": ctx(5) => implicit,
    opt extensions "extensions": ctx(6) => implicit,
});

/// `DeliveryControlArgument ::= SET { COMPONENTS OF DeliveryControls, extensions [6] ... }`.
pub type DeliveryControlArgument = Controls;
/// `SubmissionControlArgument ::= SubmissionControls` (Controls without extensions).
pub type SubmissionControlArgument = Controls;

/// `WaitingMessages ::= BIT STRING { long-content(0), low-priority(1),
/// other-security-labels(2) }`.
pub type WaitingMessages = BitString;

/// `Waiting ::= SET {...}`: the result of submission-control and, with `extensions [6]`, of
/// delivery-control (DeliveryControlResult).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct Waiting {
    /// `waiting-operations [0] Operations DEFAULT {}`
    #[rasn(tag(context, 0))]
    pub waiting_operations: Option<Operations>,
    /// `waiting-messages [1] WaitingMessages DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub waiting_messages: Option<WaitingMessages>,
    /// `waiting-content-types [2] SET SIZE (0..ub-content-types) OF ContentType DEFAULT {}`
    #[rasn(tag(context, 2))]
    pub waiting_content_types: Option<Vec<ContentType>>,
    /// `waiting-encoded-information-types EncodedInformationTypes OPTIONAL`
    pub waiting_encoded_information_types: Option<EncodedInformationTypes>,
    /// DeliveryControlResult only: `extensions [6] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 6))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(Waiting {
    opt waiting_operations "waiting-operations": ctx(0) => implicit,
    opt waiting_messages "waiting-messages": ctx(1) => implicit,
    opt waiting_content_types "waiting-content-types": ctx(2) => implicit,
    opt waiting_encoded_information_types "waiting-encoded-information-types":
        EncodedInformationTypes::TAG => parse_plain,
    opt extensions "extensions": ctx(6) => implicit,
});

/// `DeliveryControlResult ::= SET { COMPONENTS OF Waiting, extensions [6] ... }`.
pub type DeliveryControlResult = Waiting;
/// `SubmissionControlResult ::= Waiting`.
pub type SubmissionControlResult = Waiting;
