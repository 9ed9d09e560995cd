//! X.413 (1999) §12.2 / MSAbstractService: the information model's common data types —
//! Attribute, AttributeValueAssertion, EntryInformation, EntryInformationSelection, MS
//! extensions, entry classes and types — with typed helpers for the common attribute values.
//!
//! Attribute values are open types (`X413ATTRIBUTE.&Type`): they are kept as their complete
//! BER encoding ([`Any`]) and built or read with the helpers of [`value`].

use rasn::prelude::*;

use super::explicit::{Set, ctx, explicit, fail, parse};
use crate::asn1::x411::ber::components;
use crate::asn1::x411::ber::{parse_plain, set_decoder};

/// `SequenceNumber ::= INTEGER (0..ub-messages)`; ub-messages is 2^31 − 1.
pub type SequenceNumber = u32;

/// `ub-messages`: the largest sequence number.
pub const UB_MESSAGES: SequenceNumber = 2_147_483_647;

/// `AttributeType ::= OBJECT IDENTIFIER` (`X413ATTRIBUTE.&id`).
pub type AttributeType = ObjectIdentifier;

/// `AutoActionType ::= OBJECT IDENTIFIER` (`AUTO-ACTION.&id`).
pub type AutoActionType = ObjectIdentifier;

/// `EntryClass ::= INTEGER { delivery(0), submission(1), draft(2), stored-message(3),
/// delivery-log(4), submission-log(5), message-log(6), auto-action-log(7) }
/// (0..ub-entry-classes)`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate)]
pub struct EntryClass(pub u16);

impl EntryClass {
    /// delivery (the DEFAULT of every `entry-class` field)
    pub const DELIVERY: Self = Self(0);
    /// submission (1994)
    pub const SUBMISSION: Self = Self(1);
    /// draft (1994)
    pub const DRAFT: Self = Self(2);
    /// stored-message (1994)
    pub const STORED_MESSAGE: Self = Self(3);
    /// delivery-log (1994)
    pub const DELIVERY_LOG: Self = Self(4);
    /// submission-log (1994)
    pub const SUBMISSION_LOG: Self = Self(5);
    /// message-log (1994)
    pub const MESSAGE_LOG: Self = Self(6);
    /// auto-action-log (1994)
    pub const AUTO_ACTION_LOG: Self = Self(7);
}

/// `EntryType ::= INTEGER { delivered-message(0), delivered-report(1), returned-content(2),
/// submitted-message(3), submitted-probe(4), draft-message(5), auto-action-event(6) }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate)]
pub struct EntryType(pub i32);

impl EntryType {
    /// delivered-message
    pub const DELIVERED_MESSAGE: Self = Self(0);
    /// delivered-report
    pub const DELIVERED_REPORT: Self = Self(1);
    /// returned-content
    pub const RETURNED_CONTENT: Self = Self(2);
    /// submitted-message (1994)
    pub const SUBMITTED_MESSAGE: Self = Self(3);
    /// submitted-probe (1994)
    pub const SUBMITTED_PROBE: Self = Self(4);
    /// draft-message (1994)
    pub const DRAFT_MESSAGE: Self = Self(5);
    /// auto-action-event (1994)
    pub const AUTO_ACTION_EVENT: Self = Self(6);
}

/// `RetrievalStatus ::= INTEGER { new(0), listed(1), processed(2) }`, the value of the
/// entry-status (retrieval-status) attribute.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate)]
pub struct RetrievalStatus(pub i32);

impl RetrievalStatus {
    /// new: neither listed nor fetched
    pub const NEW: Self = Self(0);
    /// listed
    pub const LISTED: Self = Self(1);
    /// processed (fetched, or handled by an auto-action)
    pub const PROCESSED: Self = Self(2);
}

/// `Attribute ::= SEQUENCE { attribute-type X413ATTRIBUTE.&id, attribute-values SEQUENCE SIZE
/// (1..ub-attribute-values) OF X413ATTRIBUTE.&Type }`. Each value is its complete encoding.
///
/// Values are sent as a SEQUENCE OF (`30`), as X.413 has it; a SET OF (`31`), the X.500 shape
/// some older implementations use, is accepted too. An empty list of values is refused.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// `attribute-type`
    pub attribute_type: AttributeType,
    /// `attribute-values` (open type values, as received)
    pub attribute_values: Vec<Any>,
}

impl Decode for Attribute {
    fn decode_with_tag_and_constraints<D: Decoder>(
        d: &mut D,
        tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let comps = components(d, tag)?;
        let [t, values] = comps.as_slice() else {
            return Err(fail("Attribute is not { type, values }").into());
        };
        if t.tag != Tag::OBJECT_IDENTIFIER
            || (values.tag != Tag::SEQUENCE && values.tag != Tag::SET)
        {
            return Err(fail("Attribute is not { OBJECT IDENTIFIER, SEQUENCE OF }").into());
        }
        let attribute_type = parse(t, |d| d.decode_object_identifier(Tag::OBJECT_IDENTIFIER))?;
        let vt = values.tag;
        let attribute_values: Vec<Any> = parse(values, |d| {
            d.decode_sequence_of(vt, &Constraints::default())
        })?;
        if attribute_values.is_empty() {
            return Err(fail("Attribute without values").into());
        }
        Ok(Self {
            attribute_type,
            attribute_values,
        })
    }
}

impl Attribute {
    /// An attribute with one value.
    pub fn single(attribute_type: AttributeType, value: Any) -> Self {
        Self {
            attribute_type,
            attribute_values: vec![value],
        }
    }

    /// The first value, if any.
    pub fn first(&self) -> Option<&Any> {
        self.attribute_values.first()
    }
}

/// `AttributeValueAssertion ::= SEQUENCE { attribute-type X413ATTRIBUTE.&id, attribute-value
/// X413ATTRIBUTE.&Type }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttributeValueAssertion {
    /// `attribute-type`
    pub attribute_type: AttributeType,
    /// `attribute-value` (complete encoding)
    pub attribute_value: Any,
}

/// `MSExtensionItem ::= INSTANCE OF MS-EXTENSION` (MS-EXTENSION ::= TYPE-IDENTIFIER): X.681
/// Annex C gives it the EXTERNAL tag, `[UNIVERSAL 8] IMPLICIT SEQUENCE { type-id OBJECT
/// IDENTIFIER, value [0] EXPLICIT &Type }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(tag(universal, 8))]
pub struct MSExtensionItem {
    /// `type-id` (the extension's identifier, e.g. `id-ext-modify-capability`)
    pub type_id: ObjectIdentifier,
    /// `value [0] EXPLICIT` (complete encoding of the extension's value)
    #[rasn(tag(explicit(context, 0)))]
    pub value: Any,
}

/// `MSExtensions ::= SEQUENCE SIZE (1..ub-extensions) OF MSExtensionItem`.
pub type MSExtensions = Vec<MSExtensionItem>;

/// `AutoActionErrorIndication ::= CHOICE { indication-only [0] NULL, auto-action-log-entry [1]
/// SequenceNumber }` (explicit tags).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum AutoActionErrorIndication {
    /// `indication-only [0] NULL` (`a0 02 05 00`)
    #[rasn(tag(explicit(context, 0)))]
    IndicationOnly(()),
    /// `auto-action-log-entry [1] SequenceNumber`
    #[rasn(tag(explicit(context, 1)))]
    AutoActionLogEntry(SequenceNumber),
}

/// `AttributeValueCount ::= SEQUENCE { type [0] X413ATTRIBUTE.&id, total [1] INTEGER }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttributeValueCount {
    /// `type [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub r#type: AttributeType,
    /// `total [1] INTEGER`
    #[rasn(tag(explicit(context, 1)))]
    pub total: u32,
}

/// `EntryInformation ::= SEQUENCE { sequence-number SequenceNumber, attributes SET SIZE
/// (1..ub-per-entry) OF Attribute OPTIONAL, value-count-exceeded [0] SET SIZE (1..ub-per-entry)
/// OF AttributeValueCount OPTIONAL }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryInformation {
    /// `sequence-number`
    pub sequence_number: SequenceNumber,
    /// `attributes SET OF Attribute OPTIONAL` (`31 …`, in the order given)
    pub attributes: Option<Set<Attribute>>,
    /// `value-count-exceeded [0] SET OF AttributeValueCount OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 0)))]
    pub value_count_exceeded: Option<Set<AttributeValueCount>>,
}

impl EntryInformation {
    /// The attribute of type `t`, if returned.
    pub fn attribute(&self, t: &Oid) -> Option<&Attribute> {
        self.attributes
            .as_ref()?
            .iter()
            .find(|a| a.attribute_type.as_ref() == t)
    }
}

/// `AttributeSelection ::= SET { type X413ATTRIBUTE.&id, from [0] INTEGER (1..ub-attribute-values)
/// OPTIONAL, count [1] INTEGER (0..ub-attribute-values) OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct AttributeSelection {
    /// `type`
    pub r#type: AttributeType,
    /// `from [0]` (first value wanted, 1-based; multi-valued attributes)
    #[rasn(tag(explicit(context, 0)))]
    pub from: Option<u32>,
    /// `count [1]` (how many values; multi-valued attributes)
    #[rasn(tag(explicit(context, 1)))]
    pub count: Option<u32>,
}

impl AttributeSelection {
    /// All values of attribute type `t`.
    pub fn all(t: AttributeType) -> Self {
        Self {
            r#type: t,
            from: None,
            count: None,
        }
    }
}

set_decoder!(AttributeSelection {
    req r#type "type": Tag::OBJECT_IDENTIFIER => parse_plain,
    opt from "from": ctx(0) => explicit,
    opt count "count": ctx(1) => explicit,
});

/// `EntryInformationSelection ::= SET SIZE (0..ub-per-entry) OF AttributeSelection`.
pub type EntryInformationSelection = Set<AttributeSelection>;

/// `MS-EIT ::= OBJECT IDENTIFIER`; `MS-EITs ::= SET SIZE (1..ub-encoded-information-types) OF
/// MS-EIT`.
pub type MSEITs = Set<ObjectIdentifier>;

/// Builders and readers for the common attribute values (X.413 §12.3 general attributes,
/// X.420 §19 IPM attributes). Each value is the complete BER encoding of the attribute's
/// syntax, as it travels inside `Attribute` / `AttributeValueAssertion`.
pub mod value {
    use rasn::prelude::*;

    use super::{EntryType, RetrievalStatus, SequenceNumber};
    use crate::address::ORName;
    use crate::asn1::x411::{MTSIdentifier, Priority};

    /// Why a value could not be read as the syntax asked for.
    #[derive(Debug, thiserror::Error)]
    #[error("attribute value is not a {0}")]
    pub struct ValueError(pub &'static str);

    fn enc<T: Encode>(v: &T) -> Any {
        // Encoding these fixed syntaxes into a Vec cannot fail; an empty value would be
        // refused by the peer rather than panic here.
        Any::new(rasn::ber::encode(v).unwrap_or_default())
    }

    fn dec<T: Decode>(v: &Any, what: &'static str) -> Result<T, ValueError> {
        match rasn::ber::decode_with_remainder::<T>(v.as_bytes()) {
            Ok((x, [])) => Ok(x),
            _ => Err(ValueError(what)),
        }
    }

    /// An INTEGER value (sequence-number, content-length, child-sequence-numbers …).
    pub fn integer(v: i64) -> Any {
        enc(&v)
    }

    /// Reads an INTEGER value.
    pub fn as_integer(v: &Any) -> Result<i64, ValueError> {
        dec(v, "INTEGER")
    }

    /// A SequenceNumber value (sequence-number, parent-sequence-number, child-sequence-numbers).
    pub fn sequence_number(v: SequenceNumber) -> Any {
        enc(&v)
    }

    /// Reads a SequenceNumber value.
    pub fn as_sequence_number(v: &Any) -> Result<SequenceNumber, ValueError> {
        dec(v, "SequenceNumber")
    }

    /// A RetrievalStatus value (entry-status / retrieval-status attribute, INTEGER).
    pub fn retrieval_status(v: RetrievalStatus) -> Any {
        enc(&v)
    }

    /// Reads a RetrievalStatus value.
    pub fn as_retrieval_status(v: &Any) -> Result<RetrievalStatus, ValueError> {
        dec(v, "RetrievalStatus")
    }

    /// An EntryType value (INTEGER).
    pub fn entry_type(v: EntryType) -> Any {
        enc(&v)
    }

    /// Reads an EntryType value.
    pub fn as_entry_type(v: &Any) -> Result<EntryType, ValueError> {
        dec(v, "EntryType")
    }

    /// A Priority value (`[APPLICATION 7] ENUMERATED`, X.411: `47 01 nn`).
    pub fn priority(v: Priority) -> Any {
        enc(&v)
    }

    /// Reads a Priority value.
    pub fn as_priority(v: &Any) -> Result<Priority, ValueError> {
        dec(v, "Priority")
    }

    /// A UTCTime value (creation-time, message-delivery-time, message-submission-time …).
    pub fn utc_time(v: &UtcTime) -> Any {
        enc(v)
    }

    /// Reads a UTCTime value.
    pub fn as_utc_time(v: &Any) -> Result<UtcTime, ValueError> {
        dec(v, "UTCTime")
    }

    /// A GeneralizedTime value.
    pub fn generalized_time(v: &GeneralizedTime) -> Any {
        enc(v)
    }

    /// Reads a time given as UTCTime or GeneralizedTime.
    pub fn as_time(v: &Any) -> Result<GeneralizedTime, ValueError> {
        if let Ok(t) = dec::<UtcTime>(v, "time") {
            return Ok(t.into());
        }
        dec(v, "UTCTime or GeneralizedTime")
    }

    /// An ORName value (originator-name, this-recipient-name, … : `60 …`).
    pub fn or_name(v: &ORName) -> Any {
        Any::new(v.to_ber())
    }

    /// Reads an ORName value.
    pub fn as_or_name(v: &Any) -> Result<ORName, ValueError> {
        ORName::from_ber(v.as_bytes()).map_err(|_| ValueError("ORName"))
    }

    /// An MTSIdentifier value (message-delivery-identifier, subject-submission-identifier).
    pub fn mts_identifier(v: &MTSIdentifier) -> Any {
        enc(v)
    }

    /// Reads an MTSIdentifier value.
    pub fn as_mts_identifier(v: &Any) -> Result<MTSIdentifier, ValueError> {
        dec(v, "MTSIdentifier")
    }

    /// An OBJECT IDENTIFIER value (content-type as extended content type, EITs).
    pub fn object_identifier(v: &ObjectIdentifier) -> Any {
        enc(v)
    }

    /// Reads an OBJECT IDENTIFIER value.
    pub fn as_object_identifier(v: &Any) -> Result<ObjectIdentifier, ValueError> {
        dec(v, "OBJECT IDENTIFIER")
    }

    /// An ENUMERATED value given by number (ipm-entry-type, P772 message-type …).
    pub fn enumerated(v: u32) -> Any {
        let mut b = rasn::ber::encode(&v).unwrap_or_default();
        if let Some(first) = b.first_mut() {
            *first = 0x0a;
        }
        Any::new(b)
    }

    /// Reads an ENUMERATED value as its number.
    pub fn as_enumerated(v: &Any) -> Result<u32, ValueError> {
        match v.as_bytes().split_first() {
            Some((0x0a, rest)) => {
                let mut b = vec![0x02];
                b.extend_from_slice(rest);
                dec(&Any::new(b), "ENUMERATED")
            }
            _ => Err(ValueError("ENUMERATED")),
        }
    }

    /// A BOOLEAN value.
    pub fn boolean(v: bool) -> Any {
        enc(&v)
    }

    /// Reads a BOOLEAN value.
    pub fn as_boolean(v: &Any) -> Result<bool, ValueError> {
        dec(v, "BOOLEAN")
    }

    /// The X.420 subject (`SubjectField ::= TeletexString`), sent as a TeletexString (`14`).
    /// Characters are carried as their Latin-1 code points, as UAs treat T.61 text in practice.
    pub fn subject(v: &str) -> Any {
        let bytes: Vec<u8> = v
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        string_value(0x14, &bytes)
    }

    /// Reads a text value sent as TeletexString, PrintableString, IA5String, UTF8String,
    /// GeneralString or VisibleString (primitive form), leniently: octets are Latin-1.
    pub fn as_text(v: &Any) -> Result<String, ValueError> {
        let b = v.as_bytes();
        let Some((&tag, _)) = b.split_first() else {
            return Err(ValueError("string"));
        };
        if ![0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1b].contains(&tag) {
            return Err(ValueError("string"));
        }
        let raw: Vec<u8> = dec::<OctetString>(&Any::new(retag(b, 0x04)), "string")?.to_vec();
        if tag == 0x0c {
            return String::from_utf8(raw).map_err(|_| ValueError("UTF8String"));
        }
        Ok(raw.iter().map(|&c| char::from(c)).collect())
    }

    fn retag(b: &[u8], tag: u8) -> Vec<u8> {
        let mut out = b.to_vec();
        if let Some(first) = out.first_mut() {
            *first = tag;
        }
        out
    }

    fn string_value(tag: u8, bytes: &[u8]) -> Any {
        let os = OctetString::from(bytes.to_vec());
        Any::new(retag(&rasn::ber::encode(&os).unwrap_or_default(), tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_helpers_round_trip() {
        assert_eq!(value::integer(5).as_bytes(), &[0x02, 0x01, 0x05]);
        assert_eq!(value::as_integer(&value::integer(-3)).unwrap(), -3);
        assert_eq!(value::enumerated(2).as_bytes(), &[0x0a, 0x01, 0x02]);
        assert_eq!(value::as_enumerated(&value::enumerated(300)).unwrap(), 300);
        assert_eq!(
            value::priority(crate::asn1::x411::Priority::Urgent).as_bytes(),
            &[0x47, 0x01, 0x02]
        );
        let s = value::subject("Grüße");
        assert_eq!(s.as_bytes()[0], 0x14);
        assert_eq!(value::as_text(&s).unwrap(), "Grüße");
        assert!(value::as_integer(&Any::new(vec![0x02])).is_err());
        assert!(value::as_text(&Any::new(vec![])).is_err());
        assert!(value::as_enumerated(&value::integer(1)).is_err());
    }

    #[test]
    fn attribute_values_may_arrive_as_a_set() {
        // SEQUENCE { OID 2.6.4.3.39, SET { INTEGER 5 } }
        let b = [
            0x30, 0x0b, 0x06, 0x04, 0x56, 0x04, 0x03, 0x27, 0x31, 0x03, 0x02, 0x01, 0x05,
        ];
        let a: Attribute = rasn::ber::decode(&b).unwrap();
        assert_eq!(value::as_integer(a.first().unwrap()).unwrap(), 5);
        // Sent back as X.413 has it: SEQUENCE OF.
        assert_eq!(rasn::ber::encode(&a).unwrap()[8], 0x30);
        // No values, a missing type or an extra component are refused.
        assert!(
            rasn::ber::decode::<Attribute>(&[
                0x30, 0x08, 0x06, 0x04, 0x56, 0x04, 0x03, 0x27, 0x30, 0x00
            ])
            .is_err()
        );
        assert!(
            rasn::ber::decode::<Attribute>(&[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x05]).is_err()
        );
        assert!(
            rasn::ber::decode::<Attribute>(&[
                0x30, 0x0d, 0x06, 0x04, 0x56, 0x04, 0x03, 0x27, 0x31, 0x03, 0x02, 0x01, 0x05, 0x05,
                0x00
            ])
            .is_err()
        );
    }

    #[test]
    fn entry_class_is_an_integer() {
        assert_eq!(
            rasn::ber::encode(&EntryClass::SUBMISSION).unwrap(),
            vec![0x02, 0x01, 0x01]
        );
    }

    #[test]
    fn extension_item_uses_the_external_tag() {
        let x = MSExtensionItem {
            type_id: ObjectIdentifier::new(vec![2, 6, 4, 9, 1]).unwrap(),
            value: Any::new(vec![0x05, 0x00]),
        };
        let b = rasn::ber::encode(&x).unwrap();
        assert_eq!(b[0], 0x28);
        assert_eq!(rasn::ber::decode::<MSExtensionItem>(&b).unwrap(), x);
    }

    #[test]
    fn unknown_selection_components_are_skipped() {
        // SET { OID 2.6.4.3.39, [0] {INTEGER 1}, [9] {NULL} }
        let b = [
            0x31, 0x0f, 0x06, 0x04, 0x56, 0x04, 0x03, 0x27, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa9,
            0x02, 0x05, 0x00,
        ];
        let s: AttributeSelection = rasn::ber::decode(&b).unwrap();
        assert_eq!(s.from, Some(1));
    }
}
