//! Attribute extraction (X.413 §12.2 general attributes, X.420 §19 IPM attributes, STANAG 4406
//! Annex C, ICAO Doc 9880 ATS header): one function from a delivered message — its delivery
//! envelope and its content octets — to the attributes the store indexes and returns.

use crate::address::ORName;
use crate::asn1::ber::{self, BerError};
use crate::asn1::oids;
use crate::asn1::p772::MmhsExtension;
use crate::asn1::x420::{
    BodyPart, ExternalValue, Heading, InformationObject, Ipm, IpmsExtension, Ipn, IpnChoice,
    RecipientSpecifier, Time, latin1,
};

use super::amhs;
use super::attributes::{
    ContentTypeId, EntryType, MessageAttributes, Priority, RecipientAttribute,
};

/// What extraction needs from a delivery envelope (X.411 MessageDeliveryArgument /
/// ReportDeliveryArgument); the P3 layer fills it from the decoded envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryEnvelope {
    /// The kind of entry this delivery creates.
    pub entry_type: EntryType,
    /// message-delivery-identifier (MTSIdentifier, printed).
    pub message_delivery_identifier: Option<String>,
    /// message-delivery-time.
    pub message_delivery_time: Option<Time>,
    /// content-type.
    pub content_type: Option<ContentTypeId>,
    /// originator-name.
    pub originator_name: Option<ORName>,
    /// this-recipient-name.
    pub this_recipient_name: Option<ORName>,
    /// other-recipient-names.
    pub other_recipient_names: Vec<ORName>,
    /// priority.
    pub priority: Option<Priority>,
    /// message-submission-time.
    pub message_submission_time: Option<Time>,
    /// content-identifier.
    pub content_identifier: Option<String>,
    /// subject-submission-identifier (reports).
    pub subject_submission_identifier: Option<String>,
    /// message-security-label BER, if present.
    pub message_security_label: Option<Vec<u8>>,
}

/// Which content syntax to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    /// P2 (1984) IPM, built-in content type 2.
    P2,
    /// P22 (1988) IPM, built-in content type 22.
    P22,
    /// STANAG 4406 P772, 1.3.26.0.4406.0.4.1.
    P772,
    /// From the envelope's content type; without one, try an IPM and call it P772 when it
    /// carries military heading extensions, P22 otherwise.
    Auto,
}

impl ContentKind {
    /// The content type id of a definite kind.
    pub fn content_type(&self) -> Option<ContentTypeId> {
        match self {
            ContentKind::P2 => Some(ContentTypeId::p2()),
            ContentKind::P22 => Some(ContentTypeId::p22()),
            ContentKind::P772 => Some(ContentTypeId::p772()),
            ContentKind::Auto => None,
        }
    }
}

/// Why content could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// Not well-formed BER.
    #[error("invalid BER {0}")]
    Ber(BerError),
    /// Well-formed BER, but not the content type expected.
    #[error("not {what}: {source}")]
    Type {
        /// The content type that was expected.
        what: &'static str,
        /// Where and why decoding stopped.
        source: BerError,
    },
    /// The content type is not one this module understands.
    #[error("content type {0} is not an IPM content type")]
    Unsupported(String),
}

impl ContentError {
    /// Byte offset of the problem, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            ContentError::Ber(e) | ContentError::Type { source: e, .. } => Some(e.offset),
            ContentError::Unsupported(_) => None,
        }
    }
}

fn kind_name(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::P2 => "a P2 (X.420 1984) InformationObject",
        ContentKind::P22 => "a P22 (X.420) InformationObject",
        ContentKind::P772 => "a P772 (STANAG 4406) InformationObject",
        ContentKind::Auto => "an X.420 InformationObject",
    }
}

/// Decodes IPM-family content. The BER is checked structurally first so that an operator sees
/// the offset of the first malformed length rather than a typed error further in.
pub fn decode_content(
    content: &[u8],
    kind: ContentKind,
) -> Result<InformationObject, ContentError> {
    ber::validate(content).map_err(ContentError::Ber)?;
    InformationObject::from_ber(content).map_err(|source| ContentError::Type {
        what: kind_name(kind),
        source,
    })
}

/// Whether an IPM heading carries STANAG 4406 extensions.
pub fn is_military(ipm: &Ipm) -> bool {
    ipm.heading
        .extensions
        .iter()
        .any(|e| MmhsExtension::number_of(&e.type_id).is_some())
}

/// Extracts the attributes of a delivered message. Content that is not an IPM (or does not
/// decode) still yields the general attributes; the decoding error is returned beside them so
/// callers can log it or, like `mstorectl inspect`, refuse.
pub fn extract(
    envelope: Option<&DeliveryEnvelope>,
    content: &[u8],
    kind: ContentKind,
) -> (MessageAttributes, Option<ContentError>) {
    let mut a = MessageAttributes {
        content_length: content.len() as u64,
        ..Default::default()
    };
    if let Some(e) = envelope {
        general(&mut a, e);
    }
    if a.content_type.is_none() {
        a.content_type = kind.content_type();
    }
    if kind == ContentKind::Auto
        && let Some(ct) = &a.content_type
        && !ct.is_ipm()
    {
        let e = ContentError::Unsupported(ct.to_string());
        return (a, Some(e));
    }
    match decode_content(content, kind) {
        Ok(io) => {
            if a.content_type.is_none()
                && let InformationObject::Ipm(ipm) = &io
            {
                a.content_type = Some(if is_military(ipm) {
                    ContentTypeId::p772()
                } else {
                    ContentTypeId::p22()
                });
            }
            information_object(&mut a, &io);
            (a, None)
        }
        Err(e) => (a, Some(e)),
    }
}

/// [`extract`] for a P3 message delivery: the envelope and the content it carries.
pub fn extract_delivery(
    m: &crate::asn1::x411::MessageDeliveryArgument,
) -> (MessageAttributes, Option<ContentError>) {
    extract(
        Some(&DeliveryEnvelope::from(m)),
        &m.content,
        ContentKind::Auto,
    )
}

/// The attributes of a delivered report (X.413 entry-type delivered-report): the general
/// attributes only; the returned content, if any, is not decoded here.
pub fn extract_report(r: &crate::asn1::x411::ReportDeliveryArgument) -> MessageAttributes {
    let mut a = MessageAttributes {
        content_length: r.returned_content.as_ref().map_or(0, |c| c.len() as u64),
        ..Default::default()
    };
    general(&mut a, &DeliveryEnvelope::from(r));
    a
}

fn general(a: &mut MessageAttributes, e: &DeliveryEnvelope) {
    a.entry_type = e.entry_type;
    a.message_delivery_identifier = e.message_delivery_identifier.clone();
    a.message_delivery_time = e.message_delivery_time.as_ref().map(time);
    a.content_type = e.content_type.clone();
    a.originator_name = e.originator_name.as_ref().map(ORName::to_string);
    a.this_recipient_name = e.this_recipient_name.as_ref().map(ORName::to_string);
    a.other_recipient_names = e
        .other_recipient_names
        .iter()
        .map(ORName::to_string)
        .collect();
    a.priority = e.priority;
    a.message_submission_time = e.message_submission_time.as_ref().map(time);
    a.content_identifier = e.content_identifier.clone();
    a.subject_submission_identifier = e.subject_submission_identifier.clone();
    a.message_security_label = e.message_security_label.as_ref().map(|b| hex(b));
}

fn time(t: &Time) -> String {
    t.to_rfc3339().unwrap_or_else(|| t.0.clone())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Fills the content attributes of an InformationObject.
pub fn information_object(a: &mut MessageAttributes, io: &InformationObject) {
    match io {
        InformationObject::Ipm(m) => ipm(a, m),
        InformationObject::Ipn(n) => ipn(a, n),
    }
}

fn recipient(r: &RecipientSpecifier) -> RecipientAttribute {
    let mut ra = RecipientAttribute {
        recipient: r.recipient.display(),
        notification_requests: r
            .notification_requests
            .map(|n| n.names())
            .unwrap_or_default(),
        reply_requested: r.reply_requested,
        ..Default::default()
    };
    for e in r.recipient_extensions.iter().flatten() {
        match MmhsExtension::decode(e) {
            Some(Ok(MmhsExtension::Acp127NotificationRequest(b))) => {
                ra.acp127_notification_request = b.names()
            }
            Some(_) => {}
            None => {
                if *e.type_id == *oids::ID_REX_PRECEDENCE
                    && let Some(v) = &e.value
                    && let Ok(t) = ber::single(v)
                    && let Ok(p) = t.integer()
                {
                    ra.precedence = Some(p);
                }
            }
        }
    }
    ra
}

fn ipm(a: &mut MessageAttributes, m: &Ipm) {
    a.ipm_entry_type = Some(0);
    heading(a, &m.heading);
    let mut texts: Vec<String> = Vec::new();
    for part in &m.body {
        a.body_parts_summary.push(part.type_name());
        match part {
            BodyPart::Ia5Text { data, .. } => texts.push(data.clone()),
            BodyPart::Teletex { data, .. } => texts.push(data.join("\n")),
            BodyPart::Message(mp) => {
                let mut child = MessageAttributes {
                    entry_type: a.entry_type,
                    content_type: a.content_type.clone(),
                    message_delivery_time: mp.delivery_time.as_ref().map(time),
                    ..Default::default()
                };
                ipm(&mut child, &mp.ipm);
                a.children.push(child);
            }
            BodyPart::Extended(e) => {
                if let Some(t) = extended_text(e) {
                    texts.push(t);
                } else if *e.data.type_id == *oids::ID_ET_MESSAGE
                    && let ExternalValue::Single(v) = &e.data.value
                    && let Ok(fwd) = <Ipm as crate::asn1::x420::BerType>::from_ber(v)
                {
                    let mut child = MessageAttributes {
                        entry_type: a.entry_type,
                        content_type: a.content_type.clone(),
                        ..Default::default()
                    };
                    ipm(&mut child, &fwd);
                    a.children.push(child);
                }
            }
            BodyPart::BilaterallyDefined(_) | BodyPart::Other { .. } => {}
        }
    }
    // AMHS basic service: the ATS-message-header opens the first text body part.
    if let Some(first) = texts.first()
        && let Some((h, _)) = amhs::parse_header(first)
    {
        a.ats_priority_indicator = Some(h.priority);
        a.ats_filing_time = Some(h.filing_time);
        a.ats_optional_heading_info = h.optional_heading_info;
        a.ats_service = Some("basic");
    } else if a.authorization_time.is_some() || a.originators_reference.is_some() {
        // Extended service: the same information in heading fields.
        a.ats_filing_time = a
            .authorization_time
            .as_deref()
            .and_then(amhs::filing_time_from_rfc3339);
        a.ats_optional_heading_info = a.originators_reference.clone();
        a.ats_service = Some("extended");
    }
    a.text = texts.join("\n\n");
}

/// Text of an extended body part whose type is a text type.
fn extended_text(e: &crate::asn1::x420::ExtendedBodyPart) -> Option<String> {
    let ExternalValue::Single(v) = &e.data.value else {
        return None;
    };
    let t = ber::single(v).ok()?;
    let id = &*e.data.type_id;
    if *id == *oids::ID_ET_IA5_TEXT || *id == *oids::ID_ET_GENERAL_TEXT {
        return t
            .string_bytes(crate::asn1::x420::MAX_BODY_STRING)
            .ok()
            .map(|b| {
                // General text is ISO 2022 with registered sets; the common repertoires are
                // ASCII/Latin-1 compatible, and UTF-8 from newer products is kept as such.
                String::from_utf8(b.clone()).unwrap_or_else(|_| latin1(&b))
            });
    }
    if *id == *oids::ID_ET_TELETEX {
        let mut r = t.reader("TeletexData").ok()?;
        let mut pages = Vec::new();
        while let Ok(Some(p)) = r.next() {
            pages.push(latin1(
                &p.string_bytes(crate::asn1::x420::MAX_BODY_STRING).ok()?,
            ));
        }
        return Some(pages.join("\n"));
    }
    None
}

fn heading(a: &mut MessageAttributes, h: &Heading) {
    a.this_ipm = Some(h.this_ipm.display());
    a.originator = h.originator.as_ref().map(|o| o.display());
    a.authorizing_users = h
        .authorizing_users
        .iter()
        .flatten()
        .map(|d| d.display())
        .collect();
    a.primary_recipients = h.primary_recipients.iter().map(recipient).collect();
    a.copy_recipients = h.copy_recipients.iter().map(recipient).collect();
    a.blind_copy_recipients = h
        .blind_copy_recipients
        .iter()
        .flatten()
        .map(recipient)
        .collect();
    a.reply_recipients = h
        .reply_recipients
        .iter()
        .flatten()
        .map(|d| d.display())
        .collect();
    a.replied_to_ipm = h.replied_to_ipm.as_ref().map(|i| i.display());
    a.obsoleted_ipms = h.obsoleted_ipms.iter().map(|i| i.display()).collect();
    a.related_ipms = h.related_ipms.iter().map(|i| i.display()).collect();
    a.subject = h.subject.clone();
    a.expiry_time = h.expiry_time.as_ref().map(time);
    a.reply_time = h.reply_time.as_ref().map(time);
    a.importance = h.importance.map(|i| i as i64);
    a.sensitivity = h.sensitivity.map(|s| s as i64);
    a.auto_forwarded = h.auto_forwarded;
    extensions(a, &h.extensions);
}

fn extensions(a: &mut MessageAttributes, exts: &[IpmsExtension]) {
    for e in exts {
        match MmhsExtension::decode(e) {
            Some(Ok(x)) => military(a, x),
            Some(Err(_)) => a.other_heading_extensions.push(generic(e)),
            None => {
                let id = &*e.type_id;
                let value = e.value.as_deref().and_then(|v| ber::single(v).ok());
                if *id == *oids::ID_HEX_AUTHORIZATION_TIME
                    && let Some(t) = value.as_ref().and_then(generalized_time)
                {
                    a.authorization_time = Some(time(&t));
                } else if *id == *oids::ID_HEX_ORIGINATORS_REFERENCE
                    && let Some(s) = value.as_ref().and_then(first_string)
                {
                    a.originators_reference = Some(s);
                } else {
                    a.other_heading_extensions.push(generic(e));
                }
            }
        }
    }
}

/// A GeneralizedTime as a [`Time`]; `YYYYMMDDhhmm` without seconds gets `00` so that it is
/// not mistaken for a UTCTime with seconds.
fn generalized_time(t: &ber::Tlv<'_>) -> Option<Time> {
    let mut v = crate::asn1::x420::read_time(t).ok()?;
    let digits = v.0.bytes().take_while(u8::is_ascii_digit).count();
    if t.tag.same(ber::tags::GENERALIZED_TIME) && digits == 12 {
        v.0.insert_str(12, "00");
    }
    Some(v)
}

fn generic(e: &IpmsExtension) -> (String, String) {
    (
        e.type_id.to_string(),
        e.value.as_deref().map(hex).unwrap_or_default(),
    )
}

/// The first character string inside a value (for X.420 `UniversalOrBMPString`-style values):
/// BMPString as UTF-16, UniversalString as UTF-32, the others as Latin-1.
fn first_string(t: &ber::Tlv<'_>) -> Option<String> {
    use crate::asn1::ber::class;
    if t.tag.class == class::UNIVERSAL && !matches!(t.tag.number, 16 | 17) {
        let b = t.string_bytes(4096).ok()?;
        return Some(match t.tag.number {
            30 => char::decode_utf16(
                b.chunks(2)
                    .map(|c| Some(u16::from_be_bytes([*c.first()?, *c.get(1)?])))
                    .collect::<Option<Vec<u16>>>()?,
            )
            .map(|r| r.unwrap_or('?'))
            .collect(),
            28 => b
                .chunks(4)
                .map(|c| {
                    let v = u32::from_be_bytes([
                        *c.first().unwrap_or(&0),
                        *c.get(1).unwrap_or(&0),
                        *c.get(2).unwrap_or(&0),
                        *c.get(3).unwrap_or(&0),
                    ]);
                    char::from_u32(v).unwrap_or('?')
                })
                .collect(),
            12 => String::from_utf8_lossy(&b).into_owned(),
            _ => latin1(&b),
        });
    }
    if t.tag.constructed {
        let mut r = t.reader("value").ok()?;
        while let Ok(Some(c)) = r.next() {
            if let Some(s) = first_string(&c) {
                return Some(s);
            }
        }
    }
    None
}

fn military(a: &mut MessageAttributes, x: MmhsExtension) {
    match x {
        MmhsExtension::PrimaryPrecedence(p) => a.primary_precedence = Some(p.0),
        MmhsExtension::CopyPrecedence(p) => a.copy_precedence = Some(p.0),
        MmhsExtension::MessageType(m) => a.message_type = Some((m.type_, m.identifier)),
        MmhsExtension::AddressListIndicator(v) => {
            a.address_list_indicator = v.iter().map(|d| d.list_name.display()).collect()
        }
        MmhsExtension::ExemptedAddress(v) => {
            a.exempted_address = v.iter().map(|d| d.display()).collect()
        }
        MmhsExtension::ExtendedAuthorisationInfo(t) => {
            a.extended_authorisation_info = Some(time(&t))
        }
        MmhsExtension::DistributionCodes(d) => {
            a.distribution_codes = d.sics.unwrap_or_default();
        }
        MmhsExtension::HandlingInstructions(v) => a.handling_instructions = v,
        MmhsExtension::MessageInstructions(v) => a.message_instructions = v,
        MmhsExtension::CodressMessage(c) => a.codress_message = Some(c),
        MmhsExtension::OriginatorReference(s) => a.originator_reference = Some(s),
        MmhsExtension::OtherRecipientsIndicator(v) => {
            a.other_recipients_indicator = v.into_iter().map(|d| d.designator).collect()
        }
        MmhsExtension::Acp127MessageIdentifier(s) => a.acp127_message_identifier = Some(s),
        MmhsExtension::OriginatorPlad(s) => a.originator_plad = Some(s),
        MmhsExtension::PilotForwardingInfo(_)
        | MmhsExtension::Acp127NotificationRequest(_)
        | MmhsExtension::Acp127NotificationResponse(_) => {}
    }
}

fn ipn(a: &mut MessageAttributes, n: &Ipn) {
    a.subject_ipm = Some(n.subject_ipm.display());
    a.ipn_originator = n.ipn_originator.as_ref().map(|o| o.display());
    match &n.choice {
        IpnChoice::NonReceipt(f) => {
            a.ipm_entry_type = Some(2);
            a.non_receipt_reason = Some(f.non_receipt_reason);
            a.discard_reason = f.discard_reason;
        }
        IpnChoice::Receipt(f) => {
            a.ipm_entry_type = Some(1);
            a.receipt_time = Some(time(&f.receipt_time));
            a.acknowledgment_mode = f.acknowledgment_mode;
        }
        IpnChoice::Other(_) => a.ipm_entry_type = Some(3),
    }
}
