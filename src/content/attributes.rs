//! The Message Store attributes of one entry (X.413 §12 general attributes, X.420 §19 IPM
//! attributes, STANAG 4406 Annex C MS attributes, ICAO Doc 9880 ATS-message-header), as a
//! typed struct and as a generic `(attribute type, value)` list with the standards' names.

use serde_json::{Map, Value as Json, json};

use crate::asn1::oids;

/// An attribute type: its standard name (kebab-case) and object identifier, if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttributeType {
    /// The standard name, e.g. `primary-precedence`.
    pub name: &'static str,
    /// The arc the number hangs under (`oids::ID_ATT`, `ID_HAT`, …), `None` for mstore's own.
    pub arc: Option<&'static [u32]>,
    /// The last arc of the OID.
    pub number: u32,
    /// Whether the attribute may have several values (JSON renders it as an array).
    pub multi: bool,
}

impl AttributeType {
    /// The object identifier in dotted form, if the attribute has one.
    pub fn oid(&self) -> Option<String> {
        self.arc.map(|a| {
            let mut s: Vec<String> = a.iter().map(u32::to_string).collect();
            s.push(self.number.to_string());
            s.join(".")
        })
    }
}

macro_rules! attr_types {
    ($($id:ident = $name:literal, $arc:expr, $n:literal, $multi:literal;)*) => {
        /// The attribute types extraction produces.
        pub mod at {
            use super::*;
            $(
                #[doc = concat!("`", $name, "`")]
                pub const $id: AttributeType = AttributeType {
                    name: $name, arc: $arc, number: $n, multi: $multi,
                };
            )*
        }
    };
}

attr_types! {
    // X.413 general attributes {id-att n}
    CONTENT_IDENTIFIER = "content-identifier", Some(oids::ID_ATT), 4, false;
    CONTENT_LENGTH = "content-length", Some(oids::ID_ATT), 6, false;
    CONTENT_TYPE = "content-type", Some(oids::ID_ATT), 8, false;
    CREATION_TIME = "creation-time", Some(oids::ID_ATT), 11, false;
    ENTRY_TYPE = "entry-type", Some(oids::ID_ATT), 16, false;
    MESSAGE_DELIVERY_IDENTIFIER = "message-identifier", Some(oids::ID_ATT), 19, false;
    MESSAGE_DELIVERY_TIME = "message-delivery-time", Some(oids::ID_ATT), 20, false;
    MESSAGE_SECURITY_LABEL = "message-security-label", Some(oids::ID_ATT), 22, false;
    MESSAGE_SUBMISSION_TIME = "message-submission-time", Some(oids::ID_ATT), 23, false;
    ORIGINATOR_NAME = "originator-name", Some(oids::ID_ATT), 27, false;
    OTHER_RECIPIENT_NAMES = "other-recipient-names", Some(oids::ID_ATT), 28, true;
    PRIORITY = "priority", Some(oids::ID_ATT), 31, false;
    SUBJECT_SUBMISSION_IDENTIFIER = "subject-submission-identifier", Some(oids::ID_ATT), 40, false;
    THIS_RECIPIENT_NAME = "this-recipient-name", Some(oids::ID_ATT), 41, false;
    // X.420 summary {id-sat n}
    IPM_ENTRY_TYPE = "ipm-entry-type", Some(oids::ID_SAT), 0, false;
    BODY_PARTS_SUMMARY = "body-parts-summary", Some(oids::ID_SAT), 2, true;
    // X.420 heading {id-hat n}
    THIS_IPM = "this-IPM", Some(oids::ID_HAT), 1, false;
    ORIGINATOR = "originator", Some(oids::ID_HAT), 2, false;
    REPLIED_TO_IPM = "replied-to-IPM", Some(oids::ID_HAT), 3, false;
    SUBJECT = "subject", Some(oids::ID_HAT), 4, false;
    EXPIRY_TIME = "expiry-time", Some(oids::ID_HAT), 5, false;
    REPLY_TIME = "reply-time", Some(oids::ID_HAT), 6, false;
    IMPORTANCE = "importance", Some(oids::ID_HAT), 7, false;
    SENSITIVITY = "sensitivity", Some(oids::ID_HAT), 8, false;
    AUTO_FORWARDED = "auto-forwarded", Some(oids::ID_HAT), 9, false;
    AUTHORIZING_USERS = "authorizing-users", Some(oids::ID_HAT), 10, true;
    PRIMARY_RECIPIENTS = "primary-recipients", Some(oids::ID_HAT), 11, true;
    COPY_RECIPIENTS = "copy-recipients", Some(oids::ID_HAT), 12, true;
    BLIND_COPY_RECIPIENTS = "blind-copy-recipients", Some(oids::ID_HAT), 13, true;
    OBSOLETED_IPMS = "obsoleted-IPMs", Some(oids::ID_HAT), 14, true;
    RELATED_IPMS = "related-IPMs", Some(oids::ID_HAT), 15, true;
    REPLY_RECIPIENTS = "reply-recipients", Some(oids::ID_HAT), 16, true;
    AUTHORIZATION_TIME = "authorization-time", Some(oids::ID_HAT), 27, false;
    ORIGINATORS_REFERENCE = "originators-reference", Some(oids::ID_HAT), 33, false;
    PRECEDENCE = "precedence", Some(oids::ID_HAT), 37, true;
    // X.420 notification attributes {id-nat n}
    SUBJECT_IPM = "subject-ipm", Some(&[2, 6, 1, 9]), 0, false;
    IPN_ORIGINATOR = "ipn-originator", Some(&[2, 6, 1, 9]), 1, false;
    NON_RECEIPT_REASON = "non-receipt-reason", Some(&[2, 6, 1, 9]), 5, false;
    DISCARD_REASON = "discard-reason", Some(&[2, 6, 1, 9]), 6, false;
    RECEIPT_TIME = "receipt-time", Some(&[2, 6, 1, 9]), 9, false;
    ACKNOWLEDGMENT_MODE = "acknowledgment-mode", Some(&[2, 6, 1, 9]), 10, false;
    // STANAG 4406 {id-nato-mmhs-at n}
    PRIMARY_PRECEDENCE = "primary-precedence", Some(oids::ID_MMHS_AT), 0, false;
    COPY_PRECEDENCE = "copy-precedence", Some(oids::ID_MMHS_AT), 1, false;
    MESSAGE_TYPE = "message-type", Some(oids::ID_MMHS_AT), 2, false;
    ADDRESS_LIST_INDICATOR = "address-list-indicator", Some(oids::ID_MMHS_AT), 3, true;
    EXEMPTED_ADDRESS = "exempted-address", Some(oids::ID_MMHS_AT), 4, true;
    EXTENDED_AUTHORISATION_INFO = "extended-authorisation-info", Some(oids::ID_MMHS_AT), 5, false;
    DISTRIBUTION_CODES = "distribution-codes", Some(oids::ID_MMHS_AT), 6, true;
    HANDLING_INSTRUCTIONS = "handling-instructions", Some(oids::ID_MMHS_AT), 7, true;
    MESSAGE_INSTRUCTIONS = "message-instructions", Some(oids::ID_MMHS_AT), 8, true;
    CODRESS_MESSAGE = "codress-message", Some(oids::ID_MMHS_AT), 9, false;
    ORIGINATOR_REFERENCE = "originator-reference", Some(oids::ID_MMHS_AT), 10, false;
    OTHER_RECIPIENTS_INDICATOR = "other-recipients-indicator", Some(oids::ID_MMHS_AT), 11, true;
    ACP127_MESSAGE_IDENTIFIER = "acp127-message-identifier", Some(oids::ID_MMHS_AT), 13, false;
    ORIGINATOR_PLAD = "originator-plad", Some(oids::ID_MMHS_AT), 14, false;
    // ICAO Doc 9880 ATS-message-header: no MS attribute OIDs are standardised; mstore's own.
    ATS_PRIORITY_INDICATOR = "ats-priority-indicator", None, 0, false;
    ATS_FILING_TIME = "ats-filing-time", None, 1, false;
    ATS_OPTIONAL_HEADING_INFO = "ats-optional-heading-info", None, 2, false;
    ATS_SERVICE = "ats-service", None, 3, false;
    // mstore's own: the text of text body parts (for full-text search) and extensions that
    // no decoder here knows.
    TEXT = "text", None, 10, false;
    HEADING_EXTENSION = "heading-extension", None, 11, true;
}

/// An attribute value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string.
    Text(String),
    /// An INTEGER without named values.
    Integer(i64),
    /// A BOOLEAN.
    Boolean(bool),
    /// A time, RFC 3339 when it parses, else as sent.
    Time(String),
    /// An O/R name in the semicolon form.
    ORName(String),
    /// An enumeration or named integer: the standard name (if the value has one) and number.
    Enum {
        /// The standard name.
        name: Option<&'static str>,
        /// The number.
        value: i64,
    },
    /// An object identifier, dotted.
    Oid(String),
    /// A structured value (e.g. a recipient specifier): named components.
    Record(Vec<(&'static str, Value)>),
    /// A list (e.g. named bits).
    List(Vec<Value>),
}

impl Value {
    /// JSON rendering: enumerations as `{"name": …, "value": …}`, records as objects.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Text(s) | Value::Time(s) | Value::ORName(s) | Value::Oid(s) => json!(s),
            Value::Integer(i) => json!(i),
            Value::Boolean(b) => json!(b),
            Value::Enum { name, value } => json!({"name": name, "value": value}),
            Value::Record(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    m.insert((*k).to_string(), v.to_json());
                }
                Json::Object(m)
            }
            Value::List(v) => Json::Array(v.iter().map(Value::to_json).collect()),
        }
    }
}

/// X.413 entry-type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EntryType {
    /// delivered-message (0)
    #[default]
    DeliveredMessage = 0,
    /// delivered-report (1)
    DeliveredReport = 1,
    /// returned-content (2)
    ReturnedContent = 2,
    /// submitted-message (3, 1994)
    SubmittedMessage = 3,
    /// submitted-probe (4, 1994)
    SubmittedProbe = 4,
}

impl EntryType {
    /// The standard name.
    pub fn name(&self) -> &'static str {
        match self {
            EntryType::DeliveredMessage => "delivered-message",
            EntryType::DeliveredReport => "delivered-report",
            EntryType::ReturnedContent => "returned-content",
            EntryType::SubmittedMessage => "submitted-message",
            EntryType::SubmittedProbe => "submitted-probe",
        }
    }
}

/// X.411 Priority (`[APPLICATION 7] ENUMERATED { normal(0), non-urgent(1), urgent(2) }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Priority {
    /// normal (0)
    Normal = 0,
    /// non-urgent (1)
    NonUrgent = 1,
    /// urgent (2)
    Urgent = 2,
}

impl Priority {
    /// The standard name.
    pub fn name(&self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::NonUrgent => "non-urgent",
            Priority::Urgent => "urgent",
        }
    }
    /// From the wire value.
    pub fn from_i64(v: i64) -> Option<Self> {
        match v {
            0 => Some(Priority::Normal),
            1 => Some(Priority::NonUrgent),
            2 => Some(Priority::Urgent),
            _ => None,
        }
    }
}

/// X.411 ContentType: built-in INTEGER or extended OID.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ContentTypeId {
    /// built-in (2 = P2 1984, 22 = P22 1988, …).
    BuiltIn(i64),
    /// extended (e.g. 1.3.26.0.4406.0.4.1 for P772), dotted.
    Extended(String),
}

impl std::fmt::Display for ContentTypeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContentTypeId::BuiltIn(n) => write!(f, "built-in {n}"),
            ContentTypeId::Extended(o) => f.write_str(o),
        }
    }
}

impl ContentTypeId {
    /// P2 (1984).
    pub fn p2() -> Self {
        ContentTypeId::BuiltIn(2)
    }
    /// P22 (1988).
    pub fn p22() -> Self {
        ContentTypeId::BuiltIn(22)
    }
    /// P772.
    pub fn p772() -> Self {
        ContentTypeId::Extended(oids::ID_MMHS_CONT_P772.to_string())
    }
    /// Whether it is one of the IPM content types this module decodes.
    pub fn is_ipm(&self) -> bool {
        *self == Self::p2() || *self == Self::p22() || *self == Self::p772()
    }

    fn value(&self) -> Value {
        match self {
            ContentTypeId::BuiltIn(n) => Value::Enum {
                name: match n {
                    0 => Some("unidentified"),
                    1 => Some("external"),
                    2 => Some("interpersonal-messaging-1984"),
                    22 => Some("interpersonal-messaging-1988"),
                    35 => Some("edi"),
                    40 => Some("voice"),
                    _ => None,
                },
                value: *n,
            },
            ContentTypeId::Extended(o) => Value::Oid(o.clone()),
        }
    }
}

/// One recipient from the heading, with what the originator asked of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecipientAttribute {
    /// The O/R descriptor: O/R name in semicolon form (or free-form name).
    pub recipient: String,
    /// Named notification-request bits (`rn`, `nrn`, …).
    pub notification_requests: Vec<String>,
    /// reply-requested, when sent.
    pub reply_requested: Option<bool>,
    /// P772 acp127-notification-request bits.
    pub acp127_notification_request: Vec<String>,
    /// X.420 per-recipient precedence extension, when sent.
    pub precedence: Option<i64>,
}

impl RecipientAttribute {
    fn value(&self) -> Value {
        let mut f = vec![("recipient", Value::ORName(self.recipient.clone()))];
        if !self.notification_requests.is_empty() {
            f.push((
                "notification-requests",
                Value::List(
                    self.notification_requests
                        .iter()
                        .map(|s| Value::Text(s.clone()))
                        .collect(),
                ),
            ));
        }
        if let Some(r) = self.reply_requested {
            f.push(("reply-requested", Value::Boolean(r)));
        }
        if !self.acp127_notification_request.is_empty() {
            f.push((
                "acp127-notification-request",
                Value::List(
                    self.acp127_notification_request
                        .iter()
                        .map(|s| Value::Text(s.clone()))
                        .collect(),
                ),
            ));
        }
        if let Some(p) = self.precedence {
            f.push(("precedence", Value::Integer(p)));
        }
        Value::Record(f)
    }
}

/// The typed attributes of one entry. Produced by [`super::extract`]; the store indexes these
/// and returns them through [`MessageAttributes::attributes`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageAttributes {
    // X.413 general attributes (from the envelope, and the content's size).
    /// entry-type.
    pub entry_type: EntryType,
    /// content-type.
    pub content_type: Option<ContentTypeId>,
    /// content-length (octets of the content as received).
    pub content_length: u64,
    /// priority.
    pub priority: Option<Priority>,
    /// originator-name.
    pub originator_name: Option<String>,
    /// this-recipient-name.
    pub this_recipient_name: Option<String>,
    /// other-recipient-names.
    pub other_recipient_names: Vec<String>,
    /// message-delivery-time (RFC 3339).
    pub message_delivery_time: Option<String>,
    /// message-submission-time (RFC 3339).
    pub message_submission_time: Option<String>,
    /// message-delivery-identifier (MTSIdentifier, printed).
    pub message_delivery_identifier: Option<String>,
    /// content-identifier.
    pub content_identifier: Option<String>,
    /// subject-submission-identifier (reports).
    pub subject_submission_identifier: Option<String>,
    /// message-security-label: its BER in hex, when the envelope carries one.
    pub message_security_label: Option<String>,
    /// creation-time (RFC 3339; the store sets it when the entry is created).
    pub creation_time: Option<String>,

    // X.420 IPM heading and body.
    /// ipm-entry-type (ipm 0, rn 1, nrn 2, on 3).
    pub ipm_entry_type: Option<i64>,
    /// this-IPM.
    pub this_ipm: Option<String>,
    /// originator.
    pub originator: Option<String>,
    /// authorizing-users.
    pub authorizing_users: Vec<String>,
    /// primary-recipients.
    pub primary_recipients: Vec<RecipientAttribute>,
    /// copy-recipients.
    pub copy_recipients: Vec<RecipientAttribute>,
    /// blind-copy-recipients.
    pub blind_copy_recipients: Vec<RecipientAttribute>,
    /// reply-recipients.
    pub reply_recipients: Vec<String>,
    /// replied-to-IPM.
    pub replied_to_ipm: Option<String>,
    /// obsoleted-IPMs.
    pub obsoleted_ipms: Vec<String>,
    /// related-IPMs.
    pub related_ipms: Vec<String>,
    /// subject.
    pub subject: Option<String>,
    /// expiry-time.
    pub expiry_time: Option<String>,
    /// reply-time.
    pub reply_time: Option<String>,
    /// importance (low 0, normal 1, high 2).
    pub importance: Option<i64>,
    /// sensitivity (personal 1, private 2, company-confidential 3).
    pub sensitivity: Option<i64>,
    /// auto-forwarded.
    pub auto_forwarded: Option<bool>,
    /// authorization-time (X.420 heading extension).
    pub authorization_time: Option<String>,
    /// originators-reference (X.420 heading extension).
    pub originators_reference: Option<String>,
    /// body-parts-summary: the type of each body part, in order.
    pub body_parts_summary: Vec<String>,
    /// Text of the text body parts, joined by blank lines (full-text search).
    pub text: String,
    /// Heading extensions no decoder here knows: (OID, BER of the value in hex).
    pub other_heading_extensions: Vec<(String, String)>,

    // X.420 IPN.
    /// subject-ipm.
    pub subject_ipm: Option<String>,
    /// ipn-originator.
    pub ipn_originator: Option<String>,
    /// non-receipt-reason.
    pub non_receipt_reason: Option<i64>,
    /// discard-reason.
    pub discard_reason: Option<i64>,
    /// receipt-time.
    pub receipt_time: Option<String>,
    /// acknowledgment-mode.
    pub acknowledgment_mode: Option<i64>,

    // STANAG 4406.
    /// primary-precedence.
    pub primary_precedence: Option<i64>,
    /// copy-precedence.
    pub copy_precedence: Option<i64>,
    /// message-type: (type, identifier).
    pub message_type: Option<(i64, Option<String>)>,
    /// address-list-indicator: list names.
    pub address_list_indicator: Vec<String>,
    /// exempted-address.
    pub exempted_address: Vec<String>,
    /// extended-authorisation-info (RFC 3339).
    pub extended_authorisation_info: Option<String>,
    /// distribution-codes: the SICs.
    pub distribution_codes: Vec<String>,
    /// handling-instructions.
    pub handling_instructions: Vec<String>,
    /// message-instructions.
    pub message_instructions: Vec<String>,
    /// codress-message.
    pub codress_message: Option<i64>,
    /// originator-reference.
    pub originator_reference: Option<String>,
    /// other-recipients-indicator: designators.
    pub other_recipients_indicator: Vec<String>,
    /// acp127-message-identifier.
    pub acp127_message_identifier: Option<String>,
    /// originator-plad.
    pub originator_plad: Option<String>,

    // AMHS (ICAO Doc 9880).
    /// ATS priority indicator (SS, DD, FF, GG, KK).
    pub ats_priority_indicator: Option<String>,
    /// ATS filing time DDhhmm.
    pub ats_filing_time: Option<String>,
    /// ATS optional heading information.
    pub ats_optional_heading_info: Option<String>,
    /// `basic` (header in the text) or `extended` (heading fields).
    pub ats_service: Option<&'static str>,

    /// Child entries: forwarded messages (message body parts), in body order.
    pub children: Vec<MessageAttributes>,
}

fn texts(v: &[String]) -> Vec<Value> {
    v.iter().map(|s| Value::Text(s.clone())).collect()
}

fn names(v: &[String]) -> Vec<Value> {
    v.iter().map(|s| Value::ORName(s.clone())).collect()
}

fn time(s: &Option<String>) -> Option<Value> {
    s.as_ref().map(|t| Value::Time(t.clone()))
}

impl MessageAttributes {
    /// The generic view: every present attribute as `(type, value)`; a multi-valued attribute
    /// appears once per value. Child entries are not included (see [`Self::children`]).
    pub fn attributes(&self) -> Vec<(AttributeType, Value)> {
        let mut out: Vec<(AttributeType, Value)> = Vec::new();
        let mut one = |t: AttributeType, v: Option<Value>| {
            if let Some(v) = v {
                out.push((t, v));
            }
        };
        one(
            at::ENTRY_TYPE,
            Some(Value::Enum {
                name: Some(self.entry_type.name()),
                value: self.entry_type as i64,
            }),
        );
        one(
            at::CONTENT_TYPE,
            self.content_type.as_ref().map(|c| c.value()),
        );
        one(
            at::CONTENT_LENGTH,
            Some(Value::Integer(
                i64::try_from(self.content_length).unwrap_or(i64::MAX),
            )),
        );
        one(
            at::PRIORITY,
            self.priority.map(|p| Value::Enum {
                name: Some(p.name()),
                value: p as i64,
            }),
        );
        one(
            at::ORIGINATOR_NAME,
            self.originator_name.clone().map(Value::ORName),
        );
        one(
            at::THIS_RECIPIENT_NAME,
            self.this_recipient_name.clone().map(Value::ORName),
        );
        let many = |t: AttributeType, vs: Vec<Value>, out: &mut Vec<(AttributeType, Value)>| {
            for v in vs {
                out.push((t, v));
            }
        };
        let mut rest: Vec<(AttributeType, Value)> = Vec::new();
        many(
            at::OTHER_RECIPIENT_NAMES,
            names(&self.other_recipient_names),
            &mut rest,
        );
        out.append(&mut rest);
        let push = |out: &mut Vec<(AttributeType, Value)>, t: AttributeType, v: Option<Value>| {
            if let Some(v) = v {
                out.push((t, v));
            }
        };
        push(
            &mut out,
            at::MESSAGE_DELIVERY_TIME,
            time(&self.message_delivery_time),
        );
        push(
            &mut out,
            at::MESSAGE_SUBMISSION_TIME,
            time(&self.message_submission_time),
        );
        push(
            &mut out,
            at::MESSAGE_DELIVERY_IDENTIFIER,
            self.message_delivery_identifier.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::CONTENT_IDENTIFIER,
            self.content_identifier.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::SUBJECT_SUBMISSION_IDENTIFIER,
            self.subject_submission_identifier.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::MESSAGE_SECURITY_LABEL,
            self.message_security_label.clone().map(Value::Text),
        );
        push(&mut out, at::CREATION_TIME, time(&self.creation_time));

        push(
            &mut out,
            at::IPM_ENTRY_TYPE,
            self.ipm_entry_type.map(|v| Value::Enum {
                name: match v {
                    0 => Some("ipm"),
                    1 => Some("rn"),
                    2 => Some("nrn"),
                    3 => Some("on"),
                    _ => None,
                },
                value: v,
            }),
        );
        push(
            &mut out,
            at::THIS_IPM,
            self.this_ipm.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::ORIGINATOR,
            self.originator.clone().map(Value::ORName),
        );
        many(
            at::AUTHORIZING_USERS,
            names(&self.authorizing_users),
            &mut out,
        );
        for (t, list) in [
            (at::PRIMARY_RECIPIENTS, &self.primary_recipients),
            (at::COPY_RECIPIENTS, &self.copy_recipients),
            (at::BLIND_COPY_RECIPIENTS, &self.blind_copy_recipients),
        ] {
            many(
                t,
                list.iter().map(RecipientAttribute::value).collect(),
                &mut out,
            );
        }
        many(
            at::REPLY_RECIPIENTS,
            names(&self.reply_recipients),
            &mut out,
        );
        push(
            &mut out,
            at::REPLIED_TO_IPM,
            self.replied_to_ipm.clone().map(Value::Text),
        );
        many(at::OBSOLETED_IPMS, texts(&self.obsoleted_ipms), &mut out);
        many(at::RELATED_IPMS, texts(&self.related_ipms), &mut out);
        push(&mut out, at::SUBJECT, self.subject.clone().map(Value::Text));
        push(&mut out, at::EXPIRY_TIME, time(&self.expiry_time));
        push(&mut out, at::REPLY_TIME, time(&self.reply_time));
        push(
            &mut out,
            at::IMPORTANCE,
            self.importance.map(|v| Value::Enum {
                name: crate::asn1::x420::Importance::from_i64(v).map(|i| i.name()),
                value: v,
            }),
        );
        push(
            &mut out,
            at::SENSITIVITY,
            self.sensitivity.map(|v| Value::Enum {
                name: crate::asn1::x420::Sensitivity::from_i64(v).map(|i| i.name()),
                value: v,
            }),
        );
        push(
            &mut out,
            at::AUTO_FORWARDED,
            self.auto_forwarded.map(Value::Boolean),
        );
        push(
            &mut out,
            at::AUTHORIZATION_TIME,
            time(&self.authorization_time),
        );
        push(
            &mut out,
            at::ORIGINATORS_REFERENCE,
            self.originators_reference.clone().map(Value::Text),
        );
        many(
            at::BODY_PARTS_SUMMARY,
            texts(&self.body_parts_summary),
            &mut out,
        );

        push(
            &mut out,
            at::SUBJECT_IPM,
            self.subject_ipm.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::IPN_ORIGINATOR,
            self.ipn_originator.clone().map(Value::ORName),
        );
        push(
            &mut out,
            at::NON_RECEIPT_REASON,
            self.non_receipt_reason.map(|v| Value::Enum {
                name: crate::asn1::x420::non_receipt_reason_name(v),
                value: v,
            }),
        );
        push(
            &mut out,
            at::DISCARD_REASON,
            self.discard_reason.map(|v| Value::Enum {
                name: crate::asn1::x420::discard_reason_name(v),
                value: v,
            }),
        );
        push(&mut out, at::RECEIPT_TIME, time(&self.receipt_time));
        push(
            &mut out,
            at::ACKNOWLEDGMENT_MODE,
            self.acknowledgment_mode.map(|v| Value::Enum {
                name: match v {
                    0 => Some("manual"),
                    1 => Some("automatic"),
                    _ => None,
                },
                value: v,
            }),
        );

        let prec = |v: i64| Value::Enum {
            name: crate::asn1::p772::Precedence(v).name(),
            value: v,
        };
        push(
            &mut out,
            at::PRIMARY_PRECEDENCE,
            self.primary_precedence.map(prec),
        );
        push(
            &mut out,
            at::COPY_PRECEDENCE,
            self.copy_precedence.map(prec),
        );
        push(
            &mut out,
            at::MESSAGE_TYPE,
            self.message_type.as_ref().map(|(t, id)| {
                let mut f = vec![(
                    "type",
                    Value::Enum {
                        name: crate::asn1::p772::type_message_name(*t),
                        value: *t,
                    },
                )];
                if let Some(id) = id {
                    f.push(("identifier", Value::Text(id.clone())));
                }
                Value::Record(f)
            }),
        );
        many(
            at::ADDRESS_LIST_INDICATOR,
            names(&self.address_list_indicator),
            &mut out,
        );
        many(
            at::EXEMPTED_ADDRESS,
            names(&self.exempted_address),
            &mut out,
        );
        push(
            &mut out,
            at::EXTENDED_AUTHORISATION_INFO,
            time(&self.extended_authorisation_info),
        );
        many(
            at::DISTRIBUTION_CODES,
            texts(&self.distribution_codes),
            &mut out,
        );
        many(
            at::HANDLING_INSTRUCTIONS,
            texts(&self.handling_instructions),
            &mut out,
        );
        many(
            at::MESSAGE_INSTRUCTIONS,
            texts(&self.message_instructions),
            &mut out,
        );
        push(
            &mut out,
            at::CODRESS_MESSAGE,
            self.codress_message.map(Value::Integer),
        );
        push(
            &mut out,
            at::ORIGINATOR_REFERENCE,
            self.originator_reference.clone().map(Value::Text),
        );
        many(
            at::OTHER_RECIPIENTS_INDICATOR,
            texts(&self.other_recipients_indicator),
            &mut out,
        );
        push(
            &mut out,
            at::ACP127_MESSAGE_IDENTIFIER,
            self.acp127_message_identifier.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::ORIGINATOR_PLAD,
            self.originator_plad.clone().map(Value::Text),
        );

        push(
            &mut out,
            at::ATS_PRIORITY_INDICATOR,
            self.ats_priority_indicator.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::ATS_FILING_TIME,
            self.ats_filing_time.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::ATS_OPTIONAL_HEADING_INFO,
            self.ats_optional_heading_info.clone().map(Value::Text),
        );
        push(
            &mut out,
            at::ATS_SERVICE,
            self.ats_service.map(|s| Value::Text(s.to_string())),
        );
        if !self.text.is_empty() {
            out.push((at::TEXT, Value::Text(self.text.clone())));
        }
        many(
            at::HEADING_EXTENSION,
            self.other_heading_extensions
                .iter()
                .map(|(o, v)| {
                    Value::Record(vec![
                        ("type", Value::Oid(o.clone())),
                        ("value", Value::Text(v.clone())),
                    ])
                })
                .collect(),
            &mut out,
        );
        out
    }

    /// JSON object: attribute names as keys (multi-valued attributes as arrays), child entries
    /// under `child-entries`.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        for (t, v) in self.attributes() {
            let j = v.to_json();
            if t.multi {
                match m
                    .entry(t.name.to_string())
                    .or_insert_with(|| Json::Array(Vec::new()))
                {
                    Json::Array(a) => a.push(j),
                    other => *other = Json::Array(vec![j]),
                }
            } else {
                m.insert(t.name.to_string(), j);
            }
        }
        if !self.children.is_empty() {
            m.insert(
                "child-entries".into(),
                Json::Array(
                    self.children
                        .iter()
                        .map(MessageAttributes::to_json)
                        .collect(),
                ),
            );
        }
        Json::Object(m)
    }
}
