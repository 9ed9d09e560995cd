//! X.413 §12 attribute types and values ↔ the store's query model: which attribute type
//! (OID) is which [`Attr`], how a store [`Value`] travels as the attribute's syntax (X.413
//! §12.2 general attributes, X.420 §19 IPM attributes, STANAG 4406 Annex A), and X.413
//! Filter ↔ store Filter in both directions (the service decodes filters, the `p7` client
//! encodes the operator's RFC 4515 expression).

use std::str::FromStr;

use rasn::types::{Any, ObjectIdentifier, Oid, UtcTime};

use crate::address::{ORAddress, ORName};
use crate::asn1::oids;
use crate::asn1::x411::{
    AdministrationDomainName, CountryName, GlobalDomainIdentifier, MTSIdentifier, Priority,
    PrivateDomainIdentifier,
};
use crate::asn1::x413::{self as x, AttributeProblem, P7Error, value};
use crate::store::filter_text::parse_rfc3339_ms;
use crate::store::query::{Attr, Filter, FilterItem, Syntax, Value};
use rasn::types::{Ia5String, NumericString, PrintableString};

/// Attribute types the store maps, with their OIDs. `Text`, `AtsPriorityIndicator` and
/// `Recipients` are mstore's own search keys with no X.413 attribute type.
const TYPES: &[(Attr, &Oid)] = &[
    (Attr::SequenceNumber, oids::ID_ATT_SEQUENCE_NUMBER),
    (Attr::RetrievalStatus, oids::ID_ATT_RETRIEVAL_STATUS),
    (Attr::EntryType, oids::ID_ATT_ENTRY_TYPE),
    (Attr::CreationTime, oids::ID_ATT_CREATION_TIME),
    (Attr::ContentLength, oids::ID_ATT_CONTENT_LENGTH),
    (Attr::ContentType, oids::ID_ATT_CONTENT_TYPE),
    (Attr::Priority, oids::ID_ATT_PRIORITY),
    (
        Attr::PrimaryPrecedence,
        oids::ID_MMHS_ATT_PRIMARY_PRECEDENCE,
    ),
    (Attr::OriginatorName, oids::ID_ATT_ORIGINATOR_NAME),
    (Attr::Originator, oids::ID_HAT_ORIGINATOR),
    (Attr::ThisRecipientName, oids::ID_ATT_THIS_RECIPIENT_NAME),
    (Attr::Subject, oids::ID_HAT_SUBJECT),
    (Attr::ContentIdentifier, oids::ID_ATT_CONTENT_IDENTIFIER),
    (
        Attr::MessageDeliveryIdentifier,
        oids::ID_ATT_MESSAGE_IDENTIFIER,
    ),
    (
        Attr::SubjectSubmissionIdentifier,
        oids::ID_ATT_SUBJECT_SUBMISSION_IDENTIFIER,
    ),
    (
        Attr::MessageDeliveryTime,
        oids::ID_ATT_MESSAGE_DELIVERY_TIME,
    ),
    (
        Attr::MessageSubmissionTime,
        oids::ID_ATT_MESSAGE_SUBMISSION_TIME,
    ),
    (Attr::IpmEntryType, oids::ID_SAT_IPM_ENTRY_TYPE),
    (
        Attr::ChildSequenceNumbers,
        oids::ID_ATT_CHILD_SEQUENCE_NUMBERS,
    ),
];

/// The attribute types a fetch returns from the message file rather than the index.
pub const FILE_TYPES: [&Oid; 2] = [oids::ID_ATT_CONTENT, oids::ID_ATT_MESSAGE_DELIVERY_ENVELOPE];

/// The store attribute an attribute type names.
pub fn attr_of(t: &Oid) -> Option<Attr> {
    TYPES.iter().find(|(_, o)| *o == t).map(|(a, _)| *a)
}

/// The attribute type of a store attribute, if it has one.
pub fn oid_of(a: Attr) -> Option<&'static Oid> {
    TYPES.iter().find(|(x, _)| *x == a).map(|(_, o)| *o)
}

/// Every attribute type this store returns (MS-Bind's available-attribute-types).
pub fn available_types() -> Vec<ObjectIdentifier> {
    TYPES
        .iter()
        .map(|(_, o)| *o)
        .chain(FILE_TYPES)
        .map(ObjectIdentifier::from)
        .collect()
}

/// Whether an attribute may hold several values.
pub fn multi_valued(a: Attr) -> bool {
    matches!(a, Attr::ChildSequenceNumbers | Attr::Recipients)
}

/// One TLV with a one-octet tag.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let len = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | len.len() as u8);
        out.extend_from_slice(len);
    }
    out.extend_from_slice(content);
    out
}

/// Replaces the identifier octet of a TLV whose tag is one octet.
fn retag(mut b: Vec<u8>, tag: u8) -> Vec<u8> {
    if let Some(first) = b.first_mut() {
        *first = tag;
    }
    b
}

fn ms_to_utc(ms: i64) -> Option<UtcTime> {
    UtcTime::from_timestamp_millis(ms)
}

fn utc_text(t: &UtcTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The OID of a content type as the index holds it (built-in number or dotted OID).
pub fn content_type_oid(ct: &str) -> Option<ObjectIdentifier> {
    match ct.parse::<u32>() {
        Ok(2) => Some(ObjectIdentifier::from(oids::ID_CONT_P2)),
        Ok(22) => Some(ObjectIdentifier::from(oids::ID_CONT_P22)),
        Ok(_) => None,
        Err(_) => {
            let arcs: Option<Vec<u32>> = ct.split('.').map(|p| p.parse().ok()).collect();
            ObjectIdentifier::new(arcs?)
        }
    }
}

/// Inverse of [`content_type_oid`]: the index's text for a content-type OID.
pub fn content_type_text(o: &Oid) -> String {
    if o == oids::ID_CONT_P2 {
        "2".into()
    } else if o == oids::ID_CONT_P22 {
        "22".into()
    } else {
        o.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// An MTSIdentifier from the index's text form `[C;A;P]local` (as
/// [`crate::content::envelope::mts_identifier_text`] writes it).
pub fn mts_identifier(text: &str) -> Option<MTSIdentifier> {
    let rest = text.strip_prefix('[')?;
    let (domain, local) = rest.split_once(']')?;
    let mut parts = domain.split(';');
    let (c, a, p) = (parts.next()?, parts.next()?, parts.next());
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b' ');
    Some(MTSIdentifier {
        global_domain_identifier: GlobalDomainIdentifier {
            country_name: if numeric(c) {
                CountryName::X121DccCode(NumericString::from_bytes(c.as_bytes()).ok()?)
            } else {
                CountryName::Iso3166Alpha2Code(PrintableString::from_bytes(c.as_bytes()).ok()?)
            },
            administration_domain_name: if numeric(a) {
                AdministrationDomainName::Numeric(NumericString::from_bytes(a.as_bytes()).ok()?)
            } else {
                AdministrationDomainName::Printable(PrintableString::from_bytes(a.as_bytes()).ok()?)
            },
            private_domain_identifier: match p {
                None => None,
                Some(p) if numeric(p) => Some(PrivateDomainIdentifier::Numeric(
                    NumericString::from_bytes(p.as_bytes()).ok()?,
                )),
                Some(p) => Some(PrivateDomainIdentifier::Printable(
                    PrintableString::from_bytes(p.as_bytes()).ok()?,
                )),
            },
        },
        local_identifier: Ia5String::from_iso646_bytes(local.as_bytes()).ok()?,
    })
}

/// The attribute value of `v` in the syntax of `a`; `None` when it cannot be expressed (a
/// name that does not parse as an O/R address, say), in which case it is left out.
pub fn encode_value(a: Attr, v: &Value) -> Option<Any> {
    match (a, v) {
        (
            Attr::SequenceNumber
            | Attr::RetrievalStatus
            | Attr::EntryType
            | Attr::ContentLength
            | Attr::PrimaryPrecedence
            | Attr::ChildSequenceNumbers,
            Value::Int(n),
        ) => Some(value::integer(*n)),
        (Attr::IpmEntryType, Value::Int(n)) => Some(value::enumerated(u32::try_from(*n).ok()?)),
        (Attr::CreationTime, Value::Int(ms)) => Some(value::utc_time(&ms_to_utc(*ms)?)),
        (Attr::MessageDeliveryTime | Attr::MessageSubmissionTime, Value::Str(s)) => {
            Some(value::utc_time(&ms_to_utc(parse_rfc3339_ms(s)?)?))
        }
        (Attr::Priority, Value::Int(n)) => Some(value::priority(match n {
            0 => Priority::Normal,
            1 => Priority::NonUrgent,
            2 => Priority::Urgent,
            _ => return None,
        })),
        // The content-type attribute's syntax is OBJECT IDENTIFIER: built-in P2 types travel
        // as the IPM content-type OIDs (X.420 id-cont-p2 / id-cont-p22), as tshark reads them.
        (Attr::ContentType, Value::Str(s)) => Some(value::object_identifier(&content_type_oid(s)?)),
        (Attr::OriginatorName | Attr::ThisRecipientName, Value::Str(s)) => {
            Some(value::or_name(&ORName::new(ORAddress::from_str(s).ok()?)))
        }
        // ORDescriptor ::= SET { formal-name ORName OPTIONAL, … } (X.420, IMPLICIT TAGS).
        (Attr::Originator, Value::Str(s)) => Some(Any::new(tlv(
            0x31,
            &ORName::new(ORAddress::from_str(s).ok()?).to_ber(),
        ))),
        (Attr::Subject, Value::Str(s)) => Some(value::subject(s)),
        (Attr::MessageDeliveryIdentifier | Attr::SubjectSubmissionIdentifier, Value::Str(s)) => {
            Some(value::mts_identifier(&mts_identifier(s)?))
        }
        // ContentIdentifier ::= [APPLICATION 10] PrintableString (X.411 IMPLICIT).
        (Attr::ContentIdentifier, Value::Str(s)) => Some(Any::new(tlv(0x4a, s.as_bytes()))),
        _ => None,
    }
}

/// Reads an attribute value (an assertion in a filter, a value in a result) as a store value.
pub fn decode_value(a: Attr, v: &Any) -> Option<Value> {
    let b = v.as_bytes();
    match a {
        Attr::SequenceNumber
        | Attr::RetrievalStatus
        | Attr::EntryType
        | Attr::ContentLength
        | Attr::PrimaryPrecedence
        | Attr::ChildSequenceNumbers => value::as_integer(v).ok().map(Value::Int),
        Attr::IpmEntryType => value::as_enumerated(v)
            .map(i64::from)
            .or_else(|_| value::as_integer(v))
            .ok()
            .map(Value::Int),
        Attr::CreationTime => value::as_time(v)
            .ok()
            .map(|t| Value::Int(t.timestamp_millis())),
        Attr::MessageDeliveryTime | Attr::MessageSubmissionTime => value::as_time(v)
            .ok()
            .map(|t| Value::Str(utc_text(&t.to_utc()))),
        Attr::Priority => value::as_priority(v).ok().map(|p| Value::Int(p as i64)),
        Attr::ContentType => value::as_object_identifier(v)
            .ok()
            .map(|o| Value::Str(content_type_text(&o))),
        Attr::OriginatorName | Attr::ThisRecipientName => value::as_or_name(v)
            .ok()
            .map(|n| Value::Str(n.address.to_string())),
        Attr::Originator => {
            // SET { ORName … }: the formal name is the first component when present.
            let inner = b.get(2..).filter(|_| b.first() == Some(&0x31))?;
            ORName::from_ber_prefix(inner)
                .ok()
                .map(|(n, _)| Value::Str(n.address.to_string()))
        }
        Attr::MessageDeliveryIdentifier | Attr::SubjectSubmissionIdentifier => {
            value::as_mts_identifier(v)
                .ok()
                .map(|m| Value::Str(crate::content::envelope::mts_identifier_text(&m)))
        }
        Attr::ContentIdentifier => match b.first() {
            Some(0x4a) => value::as_text(&Any::new(retag(b.to_vec(), 0x13)))
                .ok()
                .map(Value::Str),
            _ => value::as_text(v).ok().map(Value::Str),
        },
        _ => value::as_text(v).ok().map(Value::Str),
    }
}

fn attribute_error(problem: AttributeProblem, t: &Oid, v: Option<&Any>) -> P7Error {
    P7Error::Attribute(x::AttributeErrorParameter {
        problems: vec![x::AttributeProblemItem {
            problem,
            r#type: ObjectIdentifier::from(t),
            value: v.cloned(),
        }]
        .into_iter()
        .collect(),
    })
}

/// attribute-error unavailable-attribute-type for `t`.
pub fn unavailable(t: &Oid) -> P7Error {
    attribute_error(AttributeProblem::UNAVAILABLE_ATTRIBUTE_TYPE, t, None)
}

fn known(t: &Oid) -> Result<Attr, P7Error> {
    attr_of(t).ok_or_else(|| unavailable(t))
}

fn assertion(t: &Oid, v: &Any) -> Result<(Attr, Value), P7Error> {
    let a = known(t)?;
    let val = decode_value(a, v)
        .ok_or_else(|| attribute_error(AttributeProblem::INVALID_ATTRIBUTE_VALUE, t, Some(v)))?;
    Ok((a, val))
}

fn string_attr(t: &Oid) -> Result<Attr, P7Error> {
    let a = known(t)?;
    if a.syntax() != Syntax::String {
        return Err(attribute_error(
            AttributeProblem::INAPPROPRIATE_MATCHING,
            t,
            None,
        ));
    }
    Ok(a)
}

fn substring_text(a: Attr, t: &Oid, v: &Any) -> Result<String, P7Error> {
    value::as_text(v)
        .ok()
        .or_else(|| decode_value(a, v).map(|x| x.to_string()))
        .ok_or_else(|| attribute_error(AttributeProblem::INVALID_ATTRIBUTE_VALUE, t, Some(v)))
}

/// How many items a filter holds.
pub fn filter_items(f: &x::Filter) -> usize {
    match f {
        x::Filter::Item(_) => 1,
        x::Filter::And(v) | x::Filter::Or(v) => v.iter().map(filter_items).sum(),
        x::Filter::Not(f) => filter_items(f),
    }
}

/// X.413 Filter → store Filter, with the attribute-error a conforming MS returns for unknown
/// types, undecodable values and matching rules that do not apply.
pub fn filter_from_x413(f: &x::Filter) -> Result<Filter, P7Error> {
    Ok(match f {
        x::Filter::Item(i) => Filter::Item(item_from_x413(i)?),
        x::Filter::And(v) => Filter::And(v.iter().map(filter_from_x413).collect::<Result<_, _>>()?),
        x::Filter::Or(v) => Filter::Or(v.iter().map(filter_from_x413).collect::<Result<_, _>>()?),
        x::Filter::Not(f) => Filter::Not(Box::new(filter_from_x413(f)?)),
    })
}

fn item_from_x413(i: &x::FilterItem) -> Result<FilterItem, P7Error> {
    Ok(match i {
        x::FilterItem::Equality(ava) => {
            let (a, v) = assertion(&ava.attribute_type, &ava.attribute_value)?;
            FilterItem::Equality(a, v)
        }
        x::FilterItem::GreaterOrEqual(ava) => {
            let (a, v) = assertion(&ava.attribute_type, &ava.attribute_value)?;
            FilterItem::GreaterOrEqual(a, v)
        }
        x::FilterItem::LessOrEqual(ava) => {
            let (a, v) = assertion(&ava.attribute_type, &ava.attribute_value)?;
            FilterItem::LessOrEqual(a, v)
        }
        x::FilterItem::Present(t) => FilterItem::Present(known(t)?),
        x::FilterItem::ApproximateMatch(ava) => {
            let a = string_attr(&ava.attribute_type)?;
            let s = substring_text(a, &ava.attribute_type, &ava.attribute_value)?;
            FilterItem::Approximate(a, s)
        }
        x::FilterItem::Substrings(s) => {
            let a = string_attr(&s.r#type)?;
            let (mut initial, mut any, mut last) = (None, Vec::new(), None);
            for e in &s.strings {
                match e {
                    x::SubstringsElement::Initial(v) => {
                        initial = Some(substring_text(a, &s.r#type, v)?)
                    }
                    x::SubstringsElement::Any(v) => any.push(substring_text(a, &s.r#type, v)?),
                    x::SubstringsElement::Final(v) => last = Some(substring_text(a, &s.r#type, v)?),
                }
            }
            FilterItem::Substrings {
                attr: a,
                initial,
                any,
                last,
            }
        }
        x::FilterItem::OtherMatch(m) => {
            return Err(attribute_error(
                AttributeProblem::INAPPROPRIATE_MATCHING,
                &m.attribute_type,
                None,
            ));
        }
    })
}

/// Why a store filter cannot be sent as an X.413 filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("attribute `{0}` has no X.413 attribute type, or its value cannot be sent: {1}")]
pub struct NotExpressible(pub String, pub String);

fn text_value(s: &str) -> Any {
    value::subject(s)
}

/// Store Filter → X.413 Filter (the `p7` client's `--filter`).
pub fn filter_to_x413(f: &Filter) -> Result<x::Filter, NotExpressible> {
    Ok(match f {
        Filter::Item(i) => x::Filter::Item(item_to_x413(i)?),
        Filter::And(v) => x::Filter::And(v.iter().map(filter_to_x413).collect::<Result<_, _>>()?),
        Filter::Or(v) => x::Filter::Or(v.iter().map(filter_to_x413).collect::<Result<_, _>>()?),
        Filter::Not(f) => x::Filter::Not(Box::new(filter_to_x413(f)?)),
    })
}

fn item_to_x413(i: &FilterItem) -> Result<x::FilterItem, NotExpressible> {
    let a = i.attr();
    let t = oid_of(a)
        .map(ObjectIdentifier::from)
        .ok_or_else(|| NotExpressible(a.to_string(), "no attribute type".into()))?;
    let ava = |v: &Value| -> Result<x::AttributeValueAssertion, NotExpressible> {
        Ok(x::AttributeValueAssertion {
            attribute_type: t.clone(),
            attribute_value: encode_value(a, v)
                .ok_or_else(|| NotExpressible(a.to_string(), v.to_string()))?,
        })
    };
    Ok(match i {
        FilterItem::Equality(_, v) => x::FilterItem::Equality(ava(v)?),
        FilterItem::GreaterOrEqual(_, v) => x::FilterItem::GreaterOrEqual(ava(v)?),
        FilterItem::LessOrEqual(_, v) => x::FilterItem::LessOrEqual(ava(v)?),
        FilterItem::Present(_) => x::FilterItem::Present(t),
        FilterItem::Approximate(_, s) => {
            x::FilterItem::ApproximateMatch(x::AttributeValueAssertion {
                attribute_type: t,
                attribute_value: text_value(s),
            })
        }
        FilterItem::Substrings {
            initial, any, last, ..
        } => {
            let mut strings = Vec::new();
            if let Some(s) = initial {
                strings.push(x::SubstringsElement::Initial(text_value(s)));
            }
            for s in any {
                strings.push(x::SubstringsElement::Any(text_value(s)));
            }
            if let Some(s) = last {
                strings.push(x::SubstringsElement::Final(text_value(s)));
            }
            x::FilterItem::Substrings(x::SubstringsAssertion { r#type: t, strings })
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_their_syntax() {
        let cases = [
            (Attr::SequenceNumber, Value::Int(7)),
            (Attr::RetrievalStatus, Value::Int(2)),
            (Attr::Priority, Value::Int(2)),
            (Attr::CreationTime, Value::Int(1_700_000_000_000)),
            (Attr::ContentType, Value::Str("22".into())),
            (Attr::ContentType, Value::Str("1.3.26.0.4406.0.4.1".into())),
            (Attr::Subject, Value::Str("Grüße".into())),
            (
                Attr::OriginatorName,
                Value::Str("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX".into()),
            ),
            (
                Attr::Originator,
                Value::Str("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX".into()),
            ),
            (Attr::ContentIdentifier, Value::Str("ABC 1".into())),
            (
                Attr::MessageDeliveryIdentifier,
                Value::Str("[XX;ICAO;MSTORE]0001A2B3".into()),
            ),
            (
                Attr::SubjectSubmissionIdentifier,
                Value::Str("[XX;ICAO]local-1".into()),
            ),
            (Attr::IpmEntryType, Value::Int(1)),
            (
                Attr::MessageDeliveryTime,
                Value::Str("2026-11-28T06:00:00Z".into()),
            ),
        ];
        for (a, v) in cases {
            let b = encode_value(a, &v).unwrap_or_else(|| panic!("{a} {v}"));
            assert_eq!(decode_value(a, &b), Some(v), "{a}");
        }
        assert_eq!(
            encode_value(Attr::Priority, &Value::Int(2))
                .unwrap()
                .as_bytes(),
            &[0x47, 0x01, 0x02]
        );
        assert_eq!(
            encode_value(Attr::ContentType, &Value::Str("22".into()))
                .unwrap()
                .as_bytes(),
            &[0x06, 0x04, 0x56, 0x01, 0x0a, 0x01]
        );
        assert!(encode_value(Attr::OriginatorName, &Value::Str("not an address".into())).is_none());
    }

    #[test]
    fn every_type_maps_both_ways() {
        for (a, o) in TYPES {
            assert_eq!(attr_of(o), Some(*a));
            assert_eq!(oid_of(*a), Some(*o));
        }
    }

    #[test]
    fn filters_map_both_ways_and_errors_are_x413s() {
        let f = crate::store::filter_text::parse(
            "(&(retrieval-status=new)(|(priority=urgent)(subject=*metar*))(!(content-length>=1000)))",
        )
        .unwrap();
        let x = filter_to_x413(&f).unwrap();
        assert_eq!(filter_from_x413(&x).unwrap(), f);
        // Unknown attribute type.
        let unknown = ObjectIdentifier::new(vec![1, 2, 3]).unwrap();
        let e = filter_from_x413(&x::Filter::present(unknown.clone())).unwrap_err();
        assert_eq!(e, unavailable(&unknown));
        // A value that is not of the attribute's syntax.
        let e = filter_from_x413(&x::Filter::equality(
            ObjectIdentifier::from(oids::ID_ATT_PRIORITY),
            value::subject("x"),
        ))
        .unwrap_err();
        assert!(matches!(e, P7Error::Attribute(p)
            if p.problems.iter().next().unwrap().problem == AttributeProblem::INVALID_ATTRIBUTE_VALUE));
        // Substrings on an INTEGER attribute.
        let e = filter_from_x413(&x::Filter::Item(x::FilterItem::Substrings(
            x::SubstringsAssertion {
                r#type: ObjectIdentifier::from(oids::ID_ATT_CONTENT_LENGTH),
                strings: vec![x::SubstringsElement::Any(value::subject("1"))],
            },
        )))
        .unwrap_err();
        assert!(matches!(e, P7Error::Attribute(p)
            if p.problems.iter().next().unwrap().problem == AttributeProblem::INAPPROPRIATE_MATCHING));
    }
}
