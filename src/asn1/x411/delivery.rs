//! X.411 (1999) §8.3 delivery port: message-delivery (§8.3.1.1), report-delivery (§8.3.1.2),
//! delivery-control (§8.3.1.3), with the §8.2.1.4 / §8.3.1.3 Controls and Waiting SETs that
//! submission-control shares.

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::ber::{
    RawComponent, app, ctx, fail, parse, parse_any_contents, parse_plain, parse_printable_lenient,
    parse_tagged, put, required, set_decode,
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

    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut content_type = None;
        let mut originator_name = None;
        let mut original_eits = None;
        let mut priority = None;
        let mut delivery_flags = None;
        let mut other_recipient_names = None;
        let mut this_recipient_name = None;
        let mut originally_intended = None;
        let mut converted_eits = None;
        let mut submission_time = None;
        let mut content_identifier = None;
        let mut extensions = None;
        for c in comps {
            let t = c.tag;
            match t {
                _ if DeliveredContentType::is_tag(t) => put(
                    &mut content_type,
                    DeliveredContentType::from_component(c)?,
                    "content-type",
                )?,
                _ if t == ORName::TAG => {
                    put(&mut originator_name, parse_plain(c)?, "originator-name")?
                }
                _ if t == ctx(1) => put(&mut original_eits, parse_tagged(c, t)?, "original-eits")?,
                _ if t == Priority::TAG => put(&mut priority, parse_plain(c)?, "priority")?,
                _ if t == ctx(2) => {
                    put(&mut delivery_flags, parse_tagged(c, t)?, "delivery-flags")?
                }
                _ if t == ctx(3) => put(
                    &mut other_recipient_names,
                    parse_tagged(c, t)?,
                    "other-recipient-names",
                )?,
                _ if t == ctx(4) => put(
                    &mut this_recipient_name,
                    parse_tagged(c, t)?,
                    "this-recipient-name",
                )?,
                _ if t == ctx(5) => put(
                    &mut originally_intended,
                    parse_tagged(c, t)?,
                    "originally-intended-recipient-name",
                )?,
                _ if t == ctx(6) => {
                    put(&mut converted_eits, parse_tagged(c, t)?, "converted-eits")?
                }
                _ if t == ctx(7) => put(
                    &mut submission_time,
                    parse_tagged(c, t)?,
                    "message-submission-time",
                )?,
                _ if t == ctx(8) => put(
                    &mut content_identifier,
                    parse_printable_lenient(c, t)?,
                    "content-identifier",
                )?,
                _ if t == ctx(9) => put(&mut extensions, parse_tagged(c, t)?, "extensions")?,
                // Components a newer edition or a vendor adds are skipped, not refused.
                _ => {}
            }
        }
        Ok(Self {
            content_type: required(content_type, "content-type")?,
            originator_name: required(originator_name, "originator-name")?,
            original_encoded_information_types: original_eits,
            priority,
            delivery_flags,
            other_recipient_names,
            this_recipient_name: required(this_recipient_name, "this-recipient-name")?,
            originally_intended_recipient_name: originally_intended,
            converted_encoded_information_types: converted_eits,
            message_submission_time: required(submission_time, "message-submission-time")?,
            content_identifier,
            extensions,
        })
    }
}
set_decode!(OtherMessageDeliveryFields);

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
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let octets = len.to_be_bytes();
        let skip = octets.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (octets.len() - skip) as u8);
        out.extend(octets.iter().skip(skip));
    }
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

impl MessageDeliveryResult {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut certificate, mut proof, mut extensions) = (None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(
                    &mut certificate,
                    parse_any_contents(c, t)?,
                    "recipient-certificate",
                )?,
                _ if t == ctx(1) => {
                    put(&mut proof, parse_any_contents(c, t)?, "proof-of-delivery")?
                }
                _ if t == ctx(2) => put(&mut extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(Self {
            recipient_certificate: certificate,
            proof_of_delivery: proof,
            extensions,
        })
    }
}
set_decode!(MessageDeliveryResult);

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

    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut time, mut user) = (None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(&mut time, parse_tagged(c, t)?, "message-delivery-time")?,
                _ if t == ctx(1) => put(&mut user, parse_tagged(c, t)?, "type-of-MTS-user")?,
                _ => {}
            }
        }
        Ok(Self {
            message_delivery_time: required(time, "message-delivery-time")?,
            type_of_mts_user: user,
        })
    }
}
set_decode!(DeliveryReport);

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

impl NonDeliveryReport {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut reason, mut diagnostic) = (None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(&mut reason, parse_tagged(c, t)?, "reason-code")?,
                _ if t == ctx(1) => put(&mut diagnostic, parse_tagged(c, t)?, "diagnostic-code")?,
                _ => {}
            }
        }
        Ok(Self {
            non_delivery_reason_code: required(reason, "non-delivery-reason-code")?,
            non_delivery_diagnostic_code: diagnostic,
        })
    }
}
set_decode!(NonDeliveryReport);

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

impl PerRecipientReportDeliveryFields {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut actual, mut report_type, mut converted, mut intended, mut info, mut ext) =
            (None, None, None, None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(&mut actual, parse_tagged(c, t)?, "actual-recipient-name")?,
                _ if t == ctx(1) => put(
                    &mut report_type,
                    parse(c, |d| d.decode_explicit_prefix(t))?,
                    "report-type",
                )?,
                _ if t == EncodedInformationTypes::TAG => {
                    put(&mut converted, parse_plain(c)?, "converted-eits")?
                }
                _ if t == ctx(2) => put(
                    &mut intended,
                    parse_tagged(c, t)?,
                    "originally-intended-recipient-name",
                )?,
                _ if t == ctx(3) => put(
                    &mut info,
                    parse_printable_lenient(c, t)?,
                    "supplementary-information",
                )?,
                _ if t == ctx(4) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(Self {
            actual_recipient_name: required(actual, "actual-recipient-name")?,
            report_type: required(report_type, "report-type")?,
            converted_encoded_information_types: converted,
            originally_intended_recipient_name: intended,
            supplementary_information: info,
            extensions: ext,
        })
    }
}
set_decode!(PerRecipientReportDeliveryFields);

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

impl ReportDeliveryArgument {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut subject, mut content_id, mut content_type, mut original, mut ext) =
            (None, None, None, None, None);
        let (mut per_recipient, mut returned) = (None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == MTSIdentifier::TAG => put(
                    &mut subject,
                    parse_plain(c)?,
                    "subject-submission-identifier",
                )?,
                _ if t == app(10) => put(
                    &mut content_id,
                    parse_printable_lenient(c, t)?,
                    "content-identifier",
                )?,
                _ if ContentType::is_content_type_tag(t) => put(
                    &mut content_type,
                    ContentType::from_component(c, &[app(6)])?,
                    "content-type",
                )?,
                _ if t == EncodedInformationTypes::TAG => {
                    put(&mut original, parse_plain(c)?, "original-eits")?
                }
                _ if t == ctx(1) => put(&mut ext, parse_tagged(c, t)?, "extensions")?,
                _ if t == Tag::SEQUENCE => {
                    put(&mut per_recipient, parse_plain(c)?, "per-recipient-fields")?
                }
                _ if t == ctx(0) => put(&mut returned, parse_tagged(c, t)?, "returned-content")?,
                _ => {}
            }
        }
        let per_recipient_fields: Vec<PerRecipientReportDeliveryFields> =
            required(per_recipient, "per-recipient-fields")?;
        if per_recipient_fields.is_empty() {
            return Err(fail("per-recipient-fields is empty"));
        }
        Ok(Self {
            subject_submission_identifier: required(subject, "subject-submission-identifier")?,
            content_identifier: content_id,
            content_type,
            original_encoded_information_types: original,
            extensions: ext,
            per_recipient_fields,
            returned_content: returned,
        })
    }
}
set_decode!(ReportDeliveryArgument);

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

impl AsnType for ReportDeliveryResult {
    const TAG: Tag = Tag::EOC;
    const TAG_TREE: TagTree = TagTree::Choice(&[TagTree::Leaf(Tag::NULL), TagTree::Leaf(Tag::SET)]);
    const IS_CHOICE: bool = true;
}

impl Encode for ReportDeliveryResult {
    fn encode<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::EmptyResult => e.encode_null(Tag::NULL, Identifier::EMPTY).map(drop),
            Self::Extensions(v) => v.encode_with_tag(e, Tag::SET),
        }
    }

    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        e: &mut E,
        _tag: Tag,
        _constraints: &Constraints,
        _identifier: Identifier,
    ) -> Result<(), E::Error> {
        self.encode(e)
    }
}

impl Decode for ReportDeliveryResult {
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, D::Error> {
        let c = RawComponent::decode(d)?;
        Ok(match c.tag {
            t if t == Tag::NULL => {
                parse(&c, |d| d.decode_null(Tag::NULL))?;
                Self::EmptyResult
            }
            t if t == Tag::SET => Self::Extensions(parse_tagged(&c, Tag::SET)?),
            _ => return Err(fail("not a ReportDeliveryResult").into()),
        })
    }

    fn decode_with_tag_and_constraints<D: Decoder>(
        d: &mut D,
        _tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        Self::decode(d)
    }
}

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

    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(&mut out.restrict, parse_tagged(c, t)?, "restrict")?,
                _ if t == ctx(1) => put(
                    &mut out.permissible_operations,
                    parse_tagged(c, t)?,
                    "permissible-operations",
                )?,
                _ if t == ctx(2) => put(
                    &mut out.permissible_maximum_content_length,
                    parse_tagged(c, t)?,
                    "permissible-maximum-content-length",
                )?,
                _ if t == Priority::TAG => put(
                    &mut out.permissible_lowest_priority,
                    parse_plain(c)?,
                    "permissible-lowest-priority",
                )?,
                _ if t == ctx(4) => put(
                    &mut out.permissible_content_types,
                    parse_tagged(c, t)?,
                    "permissible-content-types",
                )?,
                _ if t == Tag::SEQUENCE => put(
                    &mut out.permissible_encoded_information_types,
                    parse_plain(c)?,
                    "permissible-encoded-information-types",
                )?,
                _ if t == EncodedInformationTypes::TAG => put(
                    &mut out.permissible_encoded_information_types_88,
                    parse_plain(c)?,
                    "permissible-encoded-information-types-88",
                )?,
                _ if t == ctx(5) => put(
                    &mut out.permissible_security_context,
                    parse_tagged(c, t)?,
                    "permissible-security-context",
                )?,
                _ if t == ctx(6) => put(&mut out.extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(Controls);

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

impl Waiting {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(
                    &mut out.waiting_operations,
                    parse_tagged(c, t)?,
                    "waiting-operations",
                )?,
                _ if t == ctx(1) => put(
                    &mut out.waiting_messages,
                    parse_tagged(c, t)?,
                    "waiting-messages",
                )?,
                _ if t == ctx(2) => put(
                    &mut out.waiting_content_types,
                    parse_tagged(c, t)?,
                    "waiting-content-types",
                )?,
                _ if t == EncodedInformationTypes::TAG => put(
                    &mut out.waiting_encoded_information_types,
                    parse_plain(c)?,
                    "waiting-encoded-information-types",
                )?,
                _ if t == ctx(6) => put(&mut out.extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(Waiting);

/// `DeliveryControlResult ::= SET { COMPONENTS OF Waiting, extensions [6] ... }`.
pub type DeliveryControlResult = Waiting;
/// `SubmissionControlResult ::= Waiting`.
pub type SubmissionControlResult = Waiting;
