//! X.413 P7 types: round trips (proptest) in every length form, explicit-tag bytes the DESIGN
//! fixes, robustness against truncated, garbage and hostile input, and tshark as an
//! independent decoder of our encodings.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::fmt::Debug;
use std::str::FromStr;

use mstore::address::ORName;
use mstore::asn1::oids::{
    ID_AC_MS_ACCESS_88, ID_ACT_AUTO_ALERT, ID_AS_MRSE_88, ID_AS_MS_88, ID_ATT_CREATION_TIME,
    ID_ATT_ENTRY_TYPE, ID_ATT_ORIGINATOR_NAME, ID_ATT_PRIORITY, ID_ATT_RETRIEVAL_STATUS,
    ID_ATT_SEQUENCE_NUMBER, ID_EXT_MODIFY_CAPABILITY, ms_attribute_by_name, ms_attribute_name,
};
use mstore::asn1::x411::{
    Credentials, MessageSubmissionResult, Password, Priority, SecurityLabel, SecurityProblem,
};
use mstore::asn1::x413::{self, *};
use proptest::prelude::*;
use rasn::types::{
    Any, BitString, GeneralString, Ia5String, ObjectIdentifier, Oid, PrintableString, UtcTime,
};
use rasn::{Decode, Encode};

// ---------------------------------------------------------------------------------------------
// Building values

fn name(s: &str) -> ORName {
    ORName::from_str(s).unwrap()
}

fn time(secs: i64) -> UtcTime {
    UtcTime::from_timestamp(secs, 0).unwrap()
}

fn ia5(s: &str) -> Ia5String {
    Ia5String::from_iso646_bytes(s.as_bytes()).unwrap()
}

fn printable(s: &str) -> PrintableString {
    PrintableString::from_bytes(s.as_bytes()).unwrap()
}

fn general(s: &str) -> GeneralString {
    GeneralString::from_bytes(s.as_bytes()).unwrap()
}

fn oid(o: &Oid) -> ObjectIdentifier {
    ObjectIdentifier::new(o.to_vec()).unwrap()
}

fn password(s: &str) -> Credentials {
    Credentials::Simple(Password::Ia5String(ia5(s)))
}

fn sample_bind() -> MSBindArgument {
    let mut b =
        MSBindArgument::simple(name("C=GB;A= ;P=SMHS;O=Percival;S=Gal"), password("secret"));
    b.ms_configuration_request = Some(true);
    b
}

fn sample_entry(seq: u32) -> EntryInformation {
    EntryInformation {
        sequence_number: seq,
        attributes: Some(Set(vec![
            Attribute::single(oid(ID_ATT_SEQUENCE_NUMBER), value::sequence_number(seq)),
            Attribute::single(
                oid(ID_ATT_RETRIEVAL_STATUS),
                value::retrieval_status(RetrievalStatus::NEW),
            ),
            Attribute::single(
                oid(ID_ATT_ENTRY_TYPE),
                value::entry_type(EntryType::DELIVERED_MESSAGE),
            ),
            Attribute::single(
                oid(ID_ATT_CREATION_TIME),
                value::utc_time(&time(1_764_300_000)),
            ),
        ])),
        value_count_exceeded: None,
    }
}

fn new_entries_selector() -> Selector {
    Selector {
        range: Some(Range::SequenceNumberRange(NumberRange {
            from: Some(1),
            to: None,
        })),
        filter: Some(Filter::Item(FilterItem::Equality(
            AttributeValueAssertion {
                attribute_type: oid(ID_ATT_RETRIEVAL_STATUS),
                attribute_value: value::retrieval_status(RetrievalStatus::NEW),
            },
        ))),
        limit: Some(10),
        ..Selector::default()
    }
}

// ---------------------------------------------------------------------------------------------
// A BER walker (our own encoder's output: definite lengths) to rewrite encodings into other
// length forms and to look at bytes.

fn split_tlv(b: &[u8]) -> (u8, bool, &[u8], &[u8], &[u8]) {
    // (first identifier octet, constructed, identifier octets, contents, rest)
    let mut i = 1;
    if b[0] & 0x1f == 0x1f {
        while b[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let id = &b[..i];
    let first = b[i] as usize;
    i += 1;
    let len = if first < 0x80 {
        first
    } else {
        let n = first & 0x7f;
        let mut l = 0usize;
        for k in 0..n {
            l = (l << 8) | b[i + k] as usize;
        }
        i += n;
        l
    };
    (b[0], b[0] & 0x20 != 0, id, &b[i..i + len], &b[i + len..])
}

fn children(mut contents: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (_, _, id, c, rest) = split_tlv(contents);
        let mut whole = id.to_vec();
        whole.extend(len_octets(c.len()));
        whole.extend(c);
        out.push(whole);
        contents = rest;
    }
    out
}

fn len_octets(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let mut v = vec![0x80 | (4 - skip) as u8];
        v.extend_from_slice(&bytes[skip..]);
        v
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(len_octets(body.len()));
    v.extend_from_slice(body);
    v
}

#[derive(Clone, Copy, Debug)]
enum Lengths {
    Indefinite,
    LongForm,
}

fn rewrite(b: &[u8], mode: Lengths) -> Vec<u8> {
    let (_, constructed, id, contents, rest) = split_tlv(b);
    assert!(rest.is_empty());
    let inner = if constructed {
        children(contents)
            .iter()
            .flat_map(|c| rewrite(c, mode))
            .collect()
    } else {
        contents.to_vec()
    };
    let mut out = id.to_vec();
    match mode {
        Lengths::Indefinite if constructed => {
            out.push(0x80);
            out.extend(inner);
            out.extend([0, 0]);
        }
        Lengths::Indefinite => {
            out.extend(len_octets(inner.len()));
            out.extend(inner);
        }
        Lengths::LongForm => {
            out.push(0x84);
            out.extend((inner.len() as u32).to_be_bytes());
            out.extend(inner);
        }
    }
    out
}

/// Re-encodes a BER value (any length forms) with minimal definite lengths.
fn canonical(b: &[u8]) -> Vec<u8> {
    let (out, rest) = canon_one(b);
    assert!(rest.is_empty());
    out
}

fn canon_one(b: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut i = 1;
    if b[0] & 0x1f == 0x1f {
        while b[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let id = b[..i].to_vec();
    let first = b[i] as usize;
    i += 1;
    if first == 0x80 {
        let mut rest = &b[i..];
        let mut inner = Vec::new();
        while !rest.starts_with(&[0, 0]) {
            let (c, r) = canon_one(rest);
            inner.extend(c);
            rest = r;
        }
        let mut out = id;
        out.extend(len_octets(inner.len()));
        out.extend(inner);
        return (out, &rest[2..]);
    }
    let len = if first < 0x80 {
        first
    } else {
        let n = first & 0x7f;
        let mut l = 0usize;
        for k in 0..n {
            l = (l << 8) | b[i + k] as usize;
        }
        i += n;
        l
    };
    let contents = &b[i..i + len];
    let inner = if b[0] & 0x20 != 0 {
        let mut v = Vec::new();
        let mut rest = contents;
        while !rest.is_empty() {
            let (c, r) = canon_one(rest);
            v.extend(c);
            rest = r;
        }
        v
    } else {
        contents.to_vec()
    };
    let mut out = id;
    out.extend(len_octets(inner.len()));
    out.extend(inner);
    (out, &b[i + len..])
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The full check every top-level type gets: decode(encode(x)) == x in the definite,
/// indefinite and long length forms; every truncation is refused; flipped bytes never panic.
fn check<T: Encode + Decode + PartialEq + Debug>(x: &T) {
    let bytes = x413::encode(x).unwrap();
    let back: T = x413::decode(&bytes).unwrap_or_else(|e| panic!("{e}\n{}", hex(&bytes)));
    assert_eq!(&back, x, "definite lengths");
    for mode in [Lengths::Indefinite, Lengths::LongForm] {
        let other = rewrite(&bytes, mode);
        let back: T =
            x413::decode(&other).unwrap_or_else(|e| panic!("{mode:?}: {e}\n{}", hex(&other)));
        // Raw attribute values keep the length form they arrived in: compare canonically.
        assert_eq!(
            hex(&canonical(&x413::encode(&back).unwrap())),
            hex(&bytes),
            "{mode:?}"
        );
        let cut = other.len() - 1;
        assert!(
            x413::decode::<T>(&other[..cut]).is_err(),
            "{mode:?} truncated"
        );
    }
    let step = (bytes.len() / 64).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        assert!(
            x413::decode::<T>(&bytes[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    for i in (0..bytes.len()).step_by(step) {
        let mut m = bytes.clone();
        m[i] ^= 0xa5;
        let _ = x413::decode::<T>(&m);
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies

fn arb_word(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9]{{1,{max}}}")).unwrap()
}

fn arb_name() -> impl Strategy<Value = ORName> {
    (
        arb_word(8),
        arb_word(12),
        proptest::option::of(arb_word(10)),
    )
        .prop_map(|(p, o, s)| {
            let mut text = format!("C=GB;A= ;P={p};O={o}");
            if let Some(s) = s {
                text.push_str(&format!(";S={s}"));
            }
            name(&text)
        })
}

fn arb_time() -> impl Strategy<Value = UtcTime> {
    (631_152_000i64..2_208_988_800).prop_map(time)
}

fn arb_oid() -> impl Strategy<Value = ObjectIdentifier> {
    (
        0u32..3,
        0u32..40,
        proptest::collection::vec(0u32..100_000, 0..6),
    )
        .prop_map(|(a, b, rest)| {
            let mut arcs = vec![a, b];
            arcs.extend(rest);
            ObjectIdentifier::new(arcs).unwrap()
        })
}

fn arb_seq() -> impl Strategy<Value = u32> {
    0u32..=UB_MESSAGES
}

/// An attribute value: a complete TLV of one of the syntaxes MS attributes use.
fn arb_value() -> impl Strategy<Value = Any> {
    prop_oneof![
        any::<i64>().prop_map(value::integer),
        arb_time().prop_map(|t| value::utc_time(&t)),
        "[ -~]{0,40}".prop_map(|s| value::subject(&s)),
        arb_name().prop_map(|n| value::or_name(&n)),
        arb_oid().prop_map(|o| value::object_identifier(&o)),
        (0u32..5).prop_map(value::enumerated),
        any::<bool>().prop_map(value::boolean),
        Just(value::priority(Priority::Urgent)),
    ]
}

fn arb_attribute() -> impl Strategy<Value = Attribute> {
    (arb_oid(), proptest::collection::vec(arb_value(), 1..4)).prop_map(|(t, v)| Attribute {
        attribute_type: t,
        attribute_values: v,
    })
}

fn arb_ava() -> impl Strategy<Value = AttributeValueAssertion> {
    (arb_oid(), arb_value()).prop_map(|(t, v)| AttributeValueAssertion {
        attribute_type: t,
        attribute_value: v,
    })
}

fn arb_extension_item() -> impl Strategy<Value = MSExtensionItem> {
    (arb_oid(), arb_value()).prop_map(|(t, v)| MSExtensionItem {
        type_id: t,
        value: v,
    })
}

fn arb_extensions() -> impl Strategy<Value = Option<MSExtensions>> {
    proptest::option::of(proptest::collection::vec(arb_extension_item(), 1..3))
}

fn arb_set<T: Debug>(
    s: impl Strategy<Value = T>,
    n: std::ops::Range<usize>,
) -> impl Strategy<Value = Set<T>> {
    proptest::collection::vec(s, n).prop_map(Set)
}

fn arb_filter_item() -> impl Strategy<Value = FilterItem> {
    prop_oneof![
        arb_ava().prop_map(FilterItem::Equality),
        (
            arb_oid(),
            proptest::collection::vec(
                prop_oneof![
                    arb_value().prop_map(SubstringsElement::Initial),
                    arb_value().prop_map(SubstringsElement::Any),
                    arb_value().prop_map(SubstringsElement::Final),
                ],
                0..3
            )
        )
            .prop_map(|(t, s)| FilterItem::Substrings(SubstringsAssertion {
                r#type: t,
                strings: s
            })),
        arb_ava().prop_map(FilterItem::GreaterOrEqual),
        arb_ava().prop_map(FilterItem::LessOrEqual),
        arb_oid().prop_map(FilterItem::Present),
        arb_ava().prop_map(FilterItem::ApproximateMatch),
        (arb_oid(), arb_oid(), arb_value()).prop_map(|(m, t, v)| FilterItem::OtherMatch(
            MatchingRuleAssertion {
                matching_rule: m,
                attribute_type: t,
                match_value: v
            }
        )),
    ]
}

fn arb_filter() -> impl Strategy<Value = Filter> {
    arb_filter_item()
        .prop_map(Filter::Item)
        .prop_recursive(5, 24, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::And),
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::Or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
}

fn arb_range() -> impl Strategy<Value = Range> {
    prop_oneof![
        (
            proptest::option::of(arb_seq()),
            proptest::option::of(arb_seq())
        )
            .prop_map(|(from, to)| Range::SequenceNumberRange(NumberRange { from, to })),
        (
            proptest::option::of(arb_time()),
            proptest::option::of(arb_time())
        )
            .prop_map(|(from, to)| Range::CreationTimeRange(TimeRange { from, to })),
    ]
}

fn arb_bits() -> impl Strategy<Value = BitString> {
    proptest::collection::vec(any::<bool>(), 0..8).prop_map(|v| v.into_iter().collect())
}

fn arb_selector() -> impl Strategy<Value = Selector> {
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of(arb_range()),
        proptest::option::of(arb_filter()),
        proptest::option::of(1u32..=UB_MESSAGES),
        proptest::option::of(arb_bits()),
    )
        .prop_map(|(c, r, f, l, o)| Selector {
            child_entries: c,
            range: r,
            filter: f,
            limit: l,
            r#override: o,
        })
}

fn arb_class() -> impl Strategy<Value = Option<EntryClass>> {
    proptest::option::of((0u16..8).prop_map(EntryClass))
}

fn arb_selection() -> impl Strategy<Value = Option<EntryInformationSelection>> {
    proptest::option::of(arb_set(
        (
            arb_oid(),
            proptest::option::of(1u32..100),
            proptest::option::of(0u32..100),
        )
            .prop_map(|(t, from, count)| AttributeSelection {
                r#type: t,
                from,
                count,
            }),
        0..4,
    ))
}

fn arb_entry() -> impl Strategy<Value = EntryInformation> {
    (
        arb_seq(),
        proptest::option::of(arb_set(arb_attribute(), 1..4)),
        proptest::option::of(arb_set(
            (arb_oid(), any::<u32>())
                .prop_map(|(t, total)| AttributeValueCount { r#type: t, total }),
            1..3,
        )),
    )
        .prop_map(|(s, a, v)| EntryInformation {
            sequence_number: s,
            attributes: a,
            value_count_exceeded: v,
        })
}

fn arb_credentials() -> impl Strategy<Value = Credentials> {
    prop_oneof![
        "[ -~]{0,62}".prop_map(|s| password(&s)),
        proptest::collection::vec(any::<u8>(), 0..62)
            .prop_map(|v| Credentials::Simple(Password::OctetString(v.into()))),
    ]
}

fn arb_oids() -> impl Strategy<Value = Option<Set<ObjectIdentifier>>> {
    proptest::option::of(arb_set(arb_oid(), 1..4))
}

fn arb_bind_argument() -> impl Strategy<Value = MSBindArgument> {
    (
        arb_name(),
        arb_credentials(),
        proptest::option::of(Just(vec![SecurityLabel(Any::new(vec![
            0x31, 0x03, 0x02, 0x01, 0x01,
        ]))])),
        proptest::option::of(
            (arb_oids(), arb_oids(), proptest::option::of(any::<u32>())).prop_map(|(c, e, m)| {
                Restrictions {
                    allowed_content_types: c,
                    allowed_eits: e,
                    maximum_attribute_length: m,
                }
            }),
        ),
        proptest::option::of(any::<bool>()),
        proptest::option::of(arb_word(24).prop_map(|s| printable(&s))),
        arb_extensions(),
    )
        .prop_map(|(n, c, s, r, m, u, x)| MSBindArgument {
            initiator_name: n,
            initiator_credentials: c,
            security_context: s,
            fetch_restrictions: r,
            ms_configuration_request: m,
            ua_registration_identifier: u,
            bind_extensions: x,
        })
}

fn arb_bind_result() -> impl Strategy<Value = MSBindResult> {
    (
        (
            arb_credentials(),
            arb_oids(),
            arb_oids(),
            proptest::option::of(any::<bool>()),
            arb_oids(),
        ),
        (
            proptest::option::of(arb_set((0u16..8).prop_map(EntryClass), 1..4)),
            arb_oids(),
            arb_extensions(),
            proptest::option::of(1u32..10),
            proptest::option::of(prop_oneof![
                Just(AutoActionErrorIndication::IndicationOnly(())),
                arb_seq().prop_map(AutoActionErrorIndication::AutoActionLogEntry),
            ]),
            arb_oids(),
            proptest::option::of(any::<bool>()),
            proptest::option::of(arb_word(20).prop_map(|s| general(&s))),
        ),
    )
        .prop_map(
            |((c, aa, at, ai, ct), (ec, mr, x, gd, ae, ue, uu, si))| MSBindResult {
                responder_credentials: c,
                available_auto_actions: aa,
                available_attribute_types: at,
                alert_indication: ai,
                content_types_supported: ct,
                entry_classes_supported: ec,
                matching_rules_supported: mr,
                bind_result_extensions: x,
                message_group_depth: gd,
                auto_action_error_indication: ae,
                unsupported_extensions: ue,
                ua_registration_id_unknown: uu,
                service_information: si,
            },
        )
}

fn arb_bind_error() -> impl Strategy<Value = MSBindError> {
    prop_oneof![
        (0u8..5).prop_map(|p| MSBindError::UnqualifiedError(BindProblem(p))),
        (0u8..5, proptest::option::of(arb_word(30)), arb_oids()).prop_map(|(p, s, e)| {
            MSBindError::QualifiedError(QualifiedBindError {
                bind_problem: BindProblem(p),
                supplementary_information: s.map(|s| general(&s)),
                bind_extension_errors: e,
            })
        }),
    ]
}

fn arb_summarize() -> impl Strategy<Value = SummarizeArgument> {
    (
        arb_class(),
        arb_selector(),
        proptest::option::of(proptest::collection::vec(arb_oid(), 1..4)),
        arb_extensions(),
    )
        .prop_map(|(c, s, r, x)| SummarizeArgument {
            entry_class: c,
            selector: s,
            summary_requests: r,
            summarize_extensions: x,
        })
}

fn arb_summarize_result() -> impl Strategy<Value = SummarizeResult> {
    (
        proptest::option::of(arb_seq()),
        arb_seq(),
        proptest::option::of((arb_seq(), arb_seq()).prop_map(|(l, h)| Span {
            lowest: l,
            highest: h,
        })),
        proptest::option::of(proptest::collection::vec(
            (
                proptest::option::of(1u32..1000),
                proptest::option::of(arb_set(
                    (arb_oid(), arb_value(), 1u32..1000).prop_map(|(t, v, c)| SummaryPresentItem {
                        r#type: t,
                        value: v,
                        count: c,
                    }),
                    1..3,
                )),
            )
                .prop_map(|(a, p)| Summary {
                    absent: a,
                    present: p,
                }),
            1..3,
        )),
        arb_extensions(),
    )
        .prop_map(|(n, c, s, m, x)| SummarizeResult {
            next: n,
            count: c,
            span: s,
            summaries: m,
            summarize_result_extensions: x,
        })
}

fn arb_list() -> impl Strategy<Value = ListArgument> {
    (
        arb_class(),
        arb_selector(),
        arb_selection(),
        arb_extensions(),
    )
        .prop_map(|(c, s, r, x)| ListArgument {
            entry_class: c,
            selector: s,
            requested_attributes: r,
            list_extensions: x,
        })
}

fn arb_list_result() -> impl Strategy<Value = ListResult> {
    (
        proptest::option::of(arb_seq()),
        proptest::option::of(proptest::collection::vec(arb_entry(), 1..4)),
        arb_extensions(),
    )
        .prop_map(|(n, r, x)| ListResult {
            next: n,
            requested: r,
            list_result_extensions: x,
        })
}

fn arb_fetch() -> impl Strategy<Value = FetchArgument> {
    (
        arb_class(),
        prop_oneof![
            arb_selector().prop_map(FetchItem::Search),
            arb_seq().prop_map(FetchItem::Precise),
        ],
        arb_selection(),
        arb_extensions(),
    )
        .prop_map(|(c, i, r, x)| FetchArgument {
            entry_class: c,
            item: i,
            requested_attributes: r,
            fetch_extensions: x,
        })
}

fn arb_fetch_result() -> impl Strategy<Value = FetchResult> {
    (
        proptest::option::of(arb_entry()),
        proptest::option::of(proptest::collection::vec(arb_seq(), 1..5)),
        proptest::option::of(arb_seq()),
        arb_extensions(),
    )
        .prop_map(|(e, l, n, x)| FetchResult {
            entry_information: e,
            list: l,
            next: n,
            fetch_result_extensions: x,
        })
}

fn arb_delete() -> impl Strategy<Value = DeleteArgument> {
    (
        arb_class(),
        prop_oneof![
            arb_selector().prop_map(DeleteItems::Selector),
            arb_set(arb_seq(), 1..5).prop_map(DeleteItems::SequenceNumbers),
        ],
        arb_extensions(),
    )
        .prop_map(|(c, i, x)| DeleteArgument {
            entry_class: c,
            items: i,
            delete_extensions: x,
        })
}

fn arb_delete_result() -> impl Strategy<Value = DeleteResult> {
    prop_oneof![
        Just(DeleteResult::DeleteResult88(())),
        (
            proptest::option::of(proptest::collection::vec(arb_seq(), 1..5)),
            arb_extensions()
        )
            .prop_map(|(e, x)| DeleteResult::DeleteResult94(DeleteResult94 {
                entries_deleted: e,
                delete_result_extensions: x,
            })),
    ]
}

fn arb_auto_alert() -> impl Strategy<Value = AutoAlertRegistrationParameter> {
    (
        proptest::option::of(arb_filter()),
        proptest::option::of(proptest::collection::vec(
            (
                Just(Any::new(vec![0x28, 0x03, 0x02, 0x01, 0x01])),
                proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
            )
                .prop_map(|(a, q)| AlertDestination {
                    alert_address: a,
                    alert_qualifier: q.map(Into::into),
                }),
            1..3,
        )),
        arb_selection(),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(f, d, r, s)| AutoAlertRegistrationParameter {
            filter: f,
            alert_destinations: d,
            requested_attributes: r,
            suppress_alert_destinations: s,
        })
}

fn arb_group_name() -> impl Strategy<Value = MessageGroupName> {
    proptest::collection::vec(arb_word(10).prop_map(|s| general(&s)), 1..3)
}

fn arb_submission_options() -> impl Strategy<Value = MSSubmissionOptions> {
    (
        arb_class(),
        proptest::option::of(any::<bool>()),
        proptest::option::of(arb_set(arb_group_name(), 1..3)),
        arb_extensions(),
    )
        .prop_map(|(c, d, g, x)| MSSubmissionOptions {
            object_entry_class: c,
            disable_auto_modify: d,
            add_message_group_names: g,
            ms_submission_extensions: x,
        })
}

fn arb_ua_registration() -> impl Strategy<Value = UARegistration> {
    (
        arb_word(24).prop_map(|s| printable(&s)),
        arb_oids(),
        arb_oids(),
        proptest::option::of(arb_submission_options()),
        arb_extensions(),
    )
        .prop_map(|(i, l, f, s, x)| UARegistration {
            ua_registration_identifier: i,
            ua_list_attribute_defaults: l,
            ua_fetch_attribute_defaults: f,
            ua_submission_defaults: s,
            content_specific_defaults: x,
        })
}

fn arb_registration_types() -> impl Strategy<Value = RegistrationTypes> {
    (
        proptest::option::of(arb_bits()),
        arb_oids(),
        proptest::option::of(
            (
                proptest::option::of(arb_group_name()),
                proptest::option::of(any::<bool>()),
                proptest::option::of(any::<bool>()),
            )
                .prop_map(|(p, i, o)| MessageGroupsRestriction {
                    parent_group: p,
                    immediate_descendants_only: i,
                    omit_descriptors: o,
                }),
        ),
    )
        .prop_map(|(r, e, m)| RegistrationTypes {
            registrations: r,
            extended_registrations: e,
            restrict_message_groups: m,
        })
}

fn arb_descriptor() -> impl Strategy<Value = MessageGroupNameAndDescriptor> {
    (arb_group_name(), proptest::option::of(arb_word(20))).prop_map(|(n, d)| {
        MessageGroupNameAndDescriptor {
            message_group_name: n,
            message_group_descriptor: d.map(|d| general(&d)),
        }
    })
}

fn arb_registration() -> impl Strategy<Value = AutoActionRegistration> {
    (
        arb_oid(),
        proptest::option::of(1u32..100),
        proptest::option::of(arb_auto_alert().prop_map(|p| Any::new(x413::encode(&p).unwrap()))),
    )
        .prop_map(|(t, i, p)| AutoActionRegistration {
            auto_action_type: t,
            registration_identifier: i,
            registration_parameter: p,
        })
}

fn arb_register_ms() -> impl Strategy<Value = RegisterMSArgument> {
    (
        (
            proptest::option::of(arb_set(arb_registration(), 1..3)),
            proptest::option::of(arb_set(
                (arb_oid(), proptest::option::of(1u32..100)).prop_map(|(t, i)| {
                    AutoActionDeregistration {
                        auto_action_type: t,
                        registration_identifier: i,
                    }
                }),
                1..3,
            )),
            proptest::option::of(arb_set(arb_oid(), 0..3)),
            proptest::option::of(arb_set(arb_oid(), 0..3)),
            proptest::option::of((arb_credentials(), arb_credentials()).prop_map(|(o, n)| {
                ChangeCredentials {
                    old_credentials: o,
                    new_credentials: n,
                }
            })),
            proptest::option::of(Just(Set(vec![SecurityLabel(Any::new(vec![
                0x31, 0x03, 0x02, 0x01, 0x01,
            ]))]))),
        ),
        (
            proptest::option::of(arb_set(arb_ua_registration(), 1..3)),
            proptest::option::of(arb_submission_options()),
            proptest::option::of(proptest::collection::vec(
                prop_oneof![
                    arb_descriptor().prop_map(MessageGroupRegistration::RegisterGroup),
                    arb_group_name().prop_map(MessageGroupRegistration::DeregisterGroup),
                    arb_descriptor().prop_map(MessageGroupRegistration::ChangeDescriptors),
                ],
                1..3,
            )),
            proptest::option::of(arb_registration_types()),
            arb_extensions(),
        ),
    )
        .prop_map(
            |((r, d, l, f, c, u), (ua, s, m, rs, x))| RegisterMSArgument {
                auto_action_registrations: r,
                auto_action_deregistrations: d,
                list_attribute_defaults: l,
                fetch_attribute_defaults: f,
                change_credentials: c,
                user_security_labels: u,
                ua_registrations: ua,
                submission_defaults: s,
                message_group_registrations: m,
                registration_status_request: rs,
                register_ms_extensions: x,
            },
        )
}

fn arb_register_ms_result() -> impl Strategy<Value = RegisterMSResult> {
    prop_oneof![
        Just(RegisterMSResult::NoStatusInformation(())),
        (
            proptest::option::of(arb_set(arb_registration(), 1..3)),
            arb_oids(),
            arb_oids(),
            proptest::option::of(arb_set(arb_ua_registration(), 1..2)),
            proptest::option::of(arb_submission_options()),
            proptest::option::of(arb_set(arb_descriptor(), 1..3)),
            arb_extensions(),
        )
            .prop_map(|(r, l, f, u, s, m, x)| {
                RegisterMSResult::RegisteredInformation(RegisteredInformation {
                    auto_action_registrations: r,
                    list_attribute_defaults: l,
                    fetch_attribute_defaults: f,
                    ua_registrations: u,
                    submission_defaults: s,
                    message_group_registrations: m,
                    register_ms_result_extensions: x,
                })
            }),
    ]
}

fn arb_alert() -> impl Strategy<Value = AlertArgument> {
    (1u32..1000, proptest::option::of(arb_entry())).prop_map(|(i, e)| AlertArgument {
        alert_registration_identifier: i,
        new_entry: e,
    })
}

fn arb_ordered() -> impl Strategy<Value = OrderedAttribute> {
    (
        arb_oid(),
        proptest::collection::vec(
            (
                proptest::option::of(arb_value()),
                proptest::option::of(1u32..100),
            )
                .prop_map(|(v, p)| OrderedAttributeValue {
                    value: v,
                    position: p,
                }),
            1..3,
        ),
    )
        .prop_map(|(t, v)| OrderedAttribute {
            attribute_type: t,
            attribute_values: v,
        })
}

fn arb_modify() -> impl Strategy<Value = ModifyArgument> {
    (
        arb_class(),
        prop_oneof![
            arb_selector().prop_map(ModifyEntries::Selector),
            proptest::collection::vec(arb_seq(), 1..4).prop_map(ModifyEntries::SpecificEntries),
        ],
        proptest::collection::vec(
            (
                proptest::option::of(any::<bool>()),
                prop_oneof![
                    arb_attribute().prop_map(Modification::AddAttribute),
                    arb_oid().prop_map(Modification::RemoveAttribute),
                    arb_ordered().prop_map(Modification::AddValues),
                    arb_ordered().prop_map(Modification::RemoveValues),
                ],
            )
                .prop_map(|(s, m)| EntryModification {
                    strict: s,
                    modification: m,
                }),
            1..3,
        ),
        arb_extensions(),
    )
        .prop_map(|(c, e, m, x)| ModifyArgument {
            entry_class: c,
            entries: e,
            modifications: m,
            modify_extensions: x,
        })
}

fn arb_common_results() -> impl Strategy<Value = CommonSubmissionResults> {
    (
        proptest::option::of(arb_seq()),
        proptest::option::of(prop_oneof![
            Just(AutoActionErrorIndication::IndicationOnly(())),
            arb_seq().prop_map(AutoActionErrorIndication::AutoActionLogEntry),
        ]),
        arb_extensions(),
    )
        .prop_map(|(c, a, x)| CommonSubmissionResults {
            created_entry: c,
            auto_action_error_indication: a,
            ms_submission_result_extensions: x,
        })
}

// ---------------------------------------------------------------------------------------------
// Round trips

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bind_argument_round_trips(x in arb_bind_argument()) { check(&x); }

    #[test]
    fn bind_result_round_trips(x in arb_bind_result()) { check(&x); }

    #[test]
    fn bind_error_round_trips(x in arb_bind_error()) { check(&x); }

    #[test]
    fn summarize_round_trips(a in arb_summarize(), r in arb_summarize_result()) {
        check(&a);
        check(&r);
    }

    #[test]
    fn list_round_trips(a in arb_list(), r in arb_list_result()) {
        check(&a);
        check(&r);
    }

    #[test]
    fn fetch_round_trips(a in arb_fetch(), r in arb_fetch_result()) {
        check(&a);
        check(&r);
    }

    #[test]
    fn delete_round_trips(a in arb_delete(), r in arb_delete_result()) {
        check(&a);
        check(&r);
    }

    #[test]
    fn selector_with_nested_filters_round_trips(s in arb_selector(), f in arb_filter()) {
        check(&s);
        check(&f);
    }

    #[test]
    fn register_ms_round_trips(a in arb_register_ms(), r in arb_register_ms_result()) {
        check(&a);
        check(&r);
    }

    #[test]
    fn auto_alert_parameter_round_trips(p in arb_auto_alert()) { check(&p); }

    #[test]
    fn alert_round_trips(a in arb_alert()) { check(&a); }

    #[test]
    fn modify_round_trips(
        a in arb_modify(),
        m in proptest::option::of(proptest::collection::vec(arb_seq(), 1..4)),
        x in arb_extensions(),
    ) {
        check(&a);
        check(&ModifyResult { entries_modified: m, modify_result_extensions: x });
    }

    #[test]
    fn submission_results_round_trip(c in arb_common_results(), o in arb_submission_options()) {
        check(&c);
        check(&MSMessageSubmissionResult::StoreDraftResult(c.clone()));
        check(&o);
    }

    #[test]
    fn error_parameters_round_trip(
        seqs in arb_set(arb_seq(), 1..4),
        t in arb_oid(),
        v in proptest::option::of(arb_value()),
        p in 0u16..10,
        s in proptest::option::of(arb_word(30)),
        rt in arb_registration_types(),
        g in arb_group_name(),
        x in arb_extension_item(),
        bits in arb_bits(),
        oids in arb_set(arb_oid(), 1..3),
    ) {
        check(&AttributeErrorParameter { problems: Set(vec![AttributeProblemItem {
            problem: AttributeProblem(p), r#type: t.clone(), value: v }]) });
        check(&AutoActionRequestErrorParameter { problems: Set(vec![AutoActionRequestProblemItem {
            problem: AutoActionRequestProblem(p), r#type: t.clone() }]) });
        check(&DeleteErrorParameter {
            problems: seqs.iter().map(|&n| DeleteProblemItem {
                problem: DeleteProblem(p), sequence_number: n }).collect(),
            entries_deleted: Some(seqs.clone()),
        });
        for r in [FetchRestriction::ContentType(t.clone()), FetchRestriction::Eit(oids.clone()),
                  FetchRestriction::AttributeLength(u32::from(p))] {
            check(&FetchRestrictionErrorParameter { problems: Set(vec![FetchRestrictionProblemItem {
                problem: FetchRestrictionProblem(p), restriction: r }]) });
        }
        check(&RangeErrorParameter { problem: RangeProblem(p) });
        check(&SequenceNumberErrorParameter::no_such_entry(seqs.iter().copied()));
        check(&ServiceErrorParameter { problem: ServiceProblem(p),
            supplementary_information: s.map(|s| general(&s)) });
        check(&MessageGroupErrorParameter { problem: MessageGroupProblem(p), name: g });
        check(&MSExtensionErrorParameter::MsExtensionProblem(x));
        check(&MSExtensionErrorParameter::UnknownMsExtension(t));
        check(&RegisterMSErrorParameter { problem: RegistrationProblem(p as u8),
            registration_type: rt });
        check(&ModifyErrorParameter { entries_modified: Some(seqs.0.clone()),
            failing_entry: seqs.0[0], modification_number: u32::from(p),
            problem: ModifyProblem(p) });
        check(&EntryClassErrorParameter { entry_class: EntryClass(p), problem: bits.clone() });
        check(&SecurityProblem(p));
        // The same parameters through P7Error, by error code.
        for e in [
            P7Error::Range(RangeErrorParameter { problem: RangeProblem(p) }),
            P7Error::SequenceNumber(SequenceNumberErrorParameter::no_such_entry(seqs.iter().copied())),
            P7Error::EntryClass(EntryClassErrorParameter { entry_class: EntryClass(p), problem: bits }),
            P7Error::Security(SecurityProblem(p)),
            P7Error::InvalidParameters,
        ] {
            let b = e.encode_parameter().unwrap();
            prop_assert_eq!(P7Error::decode(e.code(), &b).unwrap(), Some(e));
        }
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = x413::decode::<MSBindArgument>(&bytes);
        let _ = x413::decode::<MSBindResult>(&bytes);
        let _ = x413::decode::<MSBindError>(&bytes);
        let _ = x413::decode::<SummarizeArgument>(&bytes);
        let _ = x413::decode::<SummarizeResult>(&bytes);
        let _ = x413::decode::<ListArgument>(&bytes);
        let _ = x413::decode::<ListResult>(&bytes);
        let _ = x413::decode::<FetchArgument>(&bytes);
        let _ = x413::decode::<FetchResult>(&bytes);
        let _ = x413::decode::<DeleteArgument>(&bytes);
        let _ = x413::decode::<DeleteResult>(&bytes);
        let _ = x413::decode::<RegisterMSArgument>(&bytes);
        let _ = x413::decode::<RegisterMSResult>(&bytes);
        let _ = x413::decode::<AlertArgument>(&bytes);
        let _ = x413::decode::<ModifyArgument>(&bytes);
        let _ = x413::decode::<Filter>(&bytes);
        let _ = x413::decode::<MSMessageSubmissionResult>(&bytes);
    }

    #[test]
    fn garbage_inside_a_valid_frame_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..120),
        tag in prop_oneof![Just(0x30u8), Just(0x31u8), Just(0xa0), Just(0xa1), Just(0xa3)],
    ) {
        let bytes = tlv(tag, &body);
        let _ = x413::decode::<MSBindArgument>(&bytes);
        let _ = x413::decode::<SummarizeArgument>(&bytes);
        let _ = x413::decode::<ListArgument>(&bytes);
        let _ = x413::decode::<FetchArgument>(&bytes);
        let _ = x413::decode::<DeleteArgument>(&bytes);
        let _ = x413::decode::<Filter>(&bytes);
        let _ = x413::decode::<ListResult>(&bytes);
        let _ = x413::decode::<RegisterMSArgument>(&bytes);
    }

    #[test]
    fn attribute_value_helpers_round_trip(
        i in any::<i64>(),
        t in arb_time(),
        n in arb_name(),
        s in "[ -~\u{a0}-\u{ff}]{0,40}",
    ) {
        prop_assert_eq!(value::as_integer(&value::integer(i)).unwrap(), i);
        prop_assert_eq!(value::as_utc_time(&value::utc_time(&t)).unwrap(), t);
        prop_assert_eq!(value::as_time(&value::utc_time(&t)).unwrap(), t.fixed_offset());
        prop_assert_eq!(value::as_or_name(&value::or_name(&n)).unwrap(), n);
        prop_assert_eq!(value::as_text(&value::subject(&s)).unwrap(), s);
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes the DESIGN and X400-FACTS fix

#[test]
fn ms_configuration_request_is_explicit() {
    let bytes = x413::encode(&sample_bind()).unwrap();
    let (_, _, _, contents, _) = split_tlv(&bytes);
    let comps = children(contents);
    assert!(
        comps.iter().any(|c| c == &[0xa5, 0x03, 0x01, 0x01, 0xff]),
        "{}",
        hex(&bytes)
    );
    // initiator-name is the untagged ORName (`60 …`), credentials `a2 { 16 len pw }`.
    assert!(comps.iter().any(|c| c[0] == 0x60));
    assert!(comps.iter().any(|c| c[..4] == [0xa2, 0x08, 0x16, 0x06]));
    // The implicit form is not what X.413 says; our decoder refuses it as a BOOLEAN.
    let bad = tlv(
        0x31,
        &[comps[0].clone(), comps[1].clone(), vec![0x85, 0x01, 0xff]].concat(),
    );
    assert!(x413::decode::<MSBindArgument>(&bad).is_err());
}

#[test]
fn selector_is_wrapped_explicitly() {
    let arg = ListArgument {
        entry_class: None,
        selector: new_entries_selector(),
        requested_attributes: None,
        list_extensions: None,
    };
    let bytes = x413::encode(&arg).unwrap();
    // 31 { a1 { 31 { a1 { a0 { 30 { a0 { 02 01 01 } } } }, a2 { a0 { a0 { 30 … } } },
    // a3 { 02 01 0a } } } }: every [n] wraps its type's own tag.
    let (_, _, _, contents, _) = split_tlv(&bytes);
    let comps = children(contents);
    assert_eq!(comps.len(), 1);
    let (id, _, _, sel, _) = split_tlv(&comps[0]);
    assert_eq!(id, 0xa1);
    let (inner, _, _, sel_contents, _) = split_tlv(sel);
    assert_eq!(
        inner,
        0x31,
        "selector [1] must wrap the SET: {}",
        hex(&bytes)
    );
    let parts = children(sel_contents);
    assert_eq!(
        parts[0],
        vec![
            0xa1, 0x09, 0xa0, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x01
        ]
    );
    assert_eq!(&parts[1][..6], &[0xa2, 0x0f, 0xa0, 0x0d, 0xa0, 0x0b]);
    assert_eq!(parts[2], vec![0xa3, 0x03, 0x02, 0x01, 0x0a]);
}

#[test]
fn delete_results_per_context() {
    assert_eq!(
        x413::encode(&DeleteResult::DeleteResult88(())).unwrap(),
        vec![0x05, 0x00]
    );
    let r94 = DeleteResult::DeleteResult94(DeleteResult94 {
        entries_deleted: Some(vec![3, 4]),
        delete_result_extensions: None,
    });
    assert_eq!(
        x413::encode(&r94).unwrap(),
        vec![
            0x31, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0x02, 0x01, 0x03, 0x02, 0x01, 0x04
        ]
    );
    // Sequence numbers of a Delete argument are a SET OF: `a2 { 31 … }`.
    let arg = DeleteArgument {
        entry_class: None,
        items: DeleteItems::SequenceNumbers(Set(vec![7])),
        delete_extensions: None,
    };
    assert_eq!(
        x413::encode(&arg).unwrap(),
        vec![0x31, 0x07, 0xa2, 0x05, 0x31, 0x03, 0x02, 0x01, 0x07]
    );
}

#[test]
fn bind_error_forms() {
    let e = MSBindError::UnqualifiedError(BindProblem::AUTHENTICATION_ERROR);
    assert_eq!(x413::encode(&e).unwrap(), vec![0x0a, 0x01, 0x00]);
    let q = MSBindError::QualifiedError(QualifiedBindError {
        bind_problem: BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION,
        supplementary_information: None,
        bind_extension_errors: None,
    });
    assert_eq!(
        x413::encode(&q).unwrap(),
        vec![0x31, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x02]
    );
    assert_eq!(
        x413::decode::<MSBindError>(&[0x0a, 0x01, 0x07])
            .unwrap()
            .problem(),
        BindProblem(7),
        "later additions decode"
    );
}

#[test]
fn sequence_number_error_uses_tag_1() {
    let p = SequenceNumberErrorParameter::no_such_entry([9]);
    assert_eq!(
        x413::encode(&p).unwrap(),
        vec![
            0x31, 0x10, 0xa1, 0x0e, 0x31, 0x0c, 0x31, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x00, 0xa1,
            0x03, 0x02, 0x01, 0x09
        ]
    );
}

#[test]
fn entry_information_layout() {
    let e = sample_entry(1);
    let bytes = x413::encode(&e).unwrap();
    // SEQUENCE { INTEGER 1, SET OF Attribute { SEQUENCE { OID, SEQUENCE OF { value } } … } }
    assert_eq!(&bytes[2..5], &[0x02, 0x01, 0x01]);
    assert_eq!(bytes[5], 0x31);
    assert_eq!(&bytes[7..9], &[0x30, 0x0b]);
    assert_eq!(
        &bytes[9..21],
        &[
            0x06, 0x04, 0x56, 0x04, 0x03, 0x27, 0x30, 0x03, 0x02, 0x01, 0x01, 0x30
        ]
    );
    assert_eq!(
        e.attribute(ID_ATT_RETRIEVAL_STATUS)
            .map(|a| value::as_retrieval_status(a.first().unwrap()).unwrap()),
        Some(RetrievalStatus::NEW)
    );
}

#[test]
fn unknown_components_are_skipped_and_duplicates_refused() {
    let arg = SummarizeArgument {
        entry_class: Some(EntryClass::DELIVERY),
        selector: Selector::default(),
        summary_requests: None,
        summarize_extensions: None,
    };
    let bytes = x413::encode(&arg).unwrap();
    let (_, _, _, contents, _) = split_tlv(&bytes);
    // A component from a later edition ([9] NULL) is skipped.
    let mut more = contents.to_vec();
    more.extend([0xa9, 0x02, 0x05, 0x00]);
    assert_eq!(
        x413::decode::<SummarizeArgument>(&tlv(0x31, &more)).unwrap(),
        arg
    );
    // The same component twice is refused; so is a missing selector.
    let mut dup = contents.to_vec();
    dup.extend([0xa0, 0x03, 0x02, 0x01, 0x00]);
    assert!(x413::decode::<SummarizeArgument>(&tlv(0x31, &dup)).is_err());
    assert!(
        x413::decode::<SummarizeArgument>(&[0x31, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x00]).is_err()
    );
    // Trailing bytes are refused.
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(x413::decode::<SummarizeArgument>(&trailing).is_err());
    // Components in any order.
    let l = ListArgument {
        entry_class: Some(EntryClass::SUBMISSION),
        selector: new_entries_selector(),
        requested_attributes: Some(Set(vec![AttributeSelection::all(oid(ID_ATT_PRIORITY))])),
        list_extensions: None,
    };
    let bytes = x413::encode(&l).unwrap();
    let (_, _, _, contents, _) = split_tlv(&bytes);
    let mut comps = children(contents);
    comps.reverse();
    assert_eq!(
        x413::decode::<ListArgument>(&tlv(0x31, &comps.concat())).unwrap(),
        l
    );
}

#[test]
fn deeply_nested_filters_are_refused_without_overflowing_the_stack() {
    // not { not { … { item present } … } } nested 100 000 deep, indefinite lengths.
    let depth = 100_000;
    let mut b = Vec::new();
    for _ in 0..depth {
        b.extend([0xa3, 0x80]);
    }
    b.extend([0xa0, 0x80, 0xa4, 0x80, 0x06, 0x01, 0x2a, 0, 0, 0, 0]);
    for _ in 0..depth {
        b.extend([0, 0]);
    }
    assert!(x413::decode::<Filter>(&b).is_err());
    // Within the bound a nested filter decodes.
    let mut f = Filter::Item(FilterItem::Present(oid(ID_ATT_PRIORITY)));
    for _ in 0..MAX_FILTER_DEPTH - 1 {
        f = Filter::Not(Box::new(f));
    }
    assert_eq!(f.depth(), MAX_FILTER_DEPTH);
    check(&f);
    let too_deep = Filter::Not(Box::new(f));
    assert!(x413::decode::<Filter>(&x413::encode(&too_deep).unwrap()).is_err());
}

#[test]
fn ms_submission_result_keeps_the_x411_components() {
    let id = x413::decode::<mstore::asn1::x411::MTSIdentifier>(&[
        0x64, 0x10, 0x63, 0x0b, 0x61, 0x04, 0x13, 0x02, b'G', b'B', 0x62, 0x03, 0x13, 0x01, b' ',
        0x16, 0x01, b'x',
    ])
    .unwrap();
    let r = MSMessageSubmissionResult::MtsResult {
        result: MessageSubmissionResult {
            message_submission_identifier: id,
            message_submission_time: time(1_764_300_000),
            content_identifier: None,
            extensions: None,
        },
        ms_message_result: Some(CommonSubmissionResults {
            created_entry: Some(5),
            auto_action_error_indication: None,
            ms_submission_result_extensions: None,
        }),
    };
    check(&r);
    let bytes = x413::encode(&r).unwrap();
    // SET { 64 …, 80 UTCTime (implicit, X.411), a4 { 31 { a0 { 02 01 05 } } } }
    let (_, _, _, contents, _) = split_tlv(&bytes);
    let comps = children(contents);
    assert_eq!(comps[0][0], 0x64);
    assert_eq!(comps[1][0], 0x80);
    assert_eq!(
        comps[2],
        vec![0xa4, 0x07, 0x31, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x05]
    );
}

#[test]
fn auto_alert_registration_parameter_travels_inside_the_registration() {
    let p = AutoAlertRegistrationParameter {
        filter: Some(Filter::equality(
            oid(ID_ATT_PRIORITY),
            value::priority(Priority::Urgent),
        )),
        requested_attributes: Some(Set(vec![AttributeSelection::all(oid(
            ID_ATT_SEQUENCE_NUMBER,
        ))])),
        ..AutoAlertRegistrationParameter::default()
    };
    let r = AutoActionRegistration::auto_alert(4, &p).unwrap();
    assert!(r.is_auto_alert());
    assert_eq!(r.effective_registration_identifier(), 4);
    // registration-parameter [1] wraps the parameter's SET: a1 { 31 { a0 { a0 { a0 … } } … } }
    let bytes = x413::encode(&r).unwrap();
    let (_, _, _, contents, _) = split_tlv(&bytes);
    let comps = children(contents);
    assert_eq!(comps[2][0], 0xa1);
    assert_eq!(comps[2][2], 0x31);
    let arg = RegisterMSArgument {
        auto_action_registrations: Some(Set(vec![r])),
        ..RegisterMSArgument::default()
    };
    let back: RegisterMSArgument = x413::decode(&x413::encode(&arg).unwrap()).unwrap();
    let reg = &back.auto_action_registrations.unwrap().0[0];
    assert_eq!(reg.auto_alert_parameter().unwrap().unwrap(), p);
    // Without a parameter: alert on everything.
    let bare = AutoActionRegistration {
        auto_action_type: oid(ID_ACT_AUTO_ALERT),
        registration_identifier: None,
        registration_parameter: None,
    };
    assert_eq!(bare.effective_registration_identifier(), 1);
    assert_eq!(
        bare.auto_alert_parameter().unwrap().unwrap(),
        AutoAlertRegistrationParameter::default()
    );
    let other = AutoActionRegistration {
        auto_action_type: oid(ID_EXT_MODIFY_CAPABILITY),
        ..bare
    };
    assert!(other.auto_alert_parameter().is_none());
}

#[test]
fn builders_produce_what_the_fields_say() {
    let s = Selector::sequence_numbers(Some(5), None)
        .with_filter(Filter::equality(
            oid(ID_ATT_RETRIEVAL_STATUS),
            value::retrieval_status(RetrievalStatus::NEW),
        ))
        .with_filter(Filter::present(oid(ID_ATT_PRIORITY)))
        .with_limit(3);
    assert_eq!(s.limit, Some(3));
    assert!(matches!(&s.filter, Some(Filter::And(v)) if v.len() == 2));
    assert_eq!(
        s.range,
        Some(Range::SequenceNumberRange(NumberRange {
            from: Some(5),
            to: None
        }))
    );
    check(&ListArgument::new(s.clone()));
    check(&SummarizeArgument::new(Selector::created_since(time(
        1_764_000_000,
    ))));
    check(&FetchArgument::precise(9));
    check(&DeleteArgument::sequence_numbers([1, 2, 3]));
    assert_eq!(
        ListArgument::new(s).effective_entry_class(),
        EntryClass::DELIVERY
    );
}

#[test]
fn attribute_names_and_oids() {
    assert_eq!(
        ms_attribute_by_name("sequence-number"),
        Some(ID_ATT_SEQUENCE_NUMBER)
    );
    assert_eq!(
        ms_attribute_by_name("Entry-Status"),
        Some(ID_ATT_RETRIEVAL_STATUS)
    );
    assert_eq!(
        ms_attribute_name(ID_ATT_ORIGINATOR_NAME),
        Some("originator-name")
    );
    assert_eq!(ms_attribute_by_name("no-such-attribute"), None);
    assert_eq!(ID_ATT_SEQUENCE_NUMBER.to_vec(), vec![2, 6, 4, 3, 39]);
    assert_eq!(ID_ACT_AUTO_ALERT.to_vec(), vec![2, 6, 4, 4, 1]);
    assert_eq!(ID_EXT_MODIFY_CAPABILITY.to_vec(), vec![2, 6, 4, 9, 0]);
    // Names and OIDs are unique, so lookups both ways are unambiguous.
    let names = mstore::asn1::oids::MS_ATTRIBUTE_NAMES;
    for (i, (n, o)) in names.iter().enumerate() {
        for (m, p) in &names[i + 1..] {
            assert_ne!(n, m);
            assert_ne!(o, p, "{n} and {m}");
        }
        assert_eq!(ms_attribute_by_name(n), Some(*o));
        assert_eq!(ms_attribute_name(o), Some(*n));
    }
}

// ---------------------------------------------------------------------------------------------
// tshark as an independent decoder
//
// tshark decodes P7 only inside an OSI stack, so each test wraps our bytes in the smallest
// stack it follows and writes a pcap with link type 147 (USER0), which the `user_dlts` UAT hands
// to the session dissector (the same construction as tests/it/x411.rs):
// - MSBindArgument: a session CONNECT whose CP-type PPDU defines contexts 1 (ACSE) and 3
//   (id-as-ms-88, 2.6.0.2.9), carrying an AARQ for ms-access-88 whose user-information EXTERNAL
//   (indirect-reference 3) holds the ROS bind-invoke `b0 { 31 … }`.
// - Operations: session Give-Tokens + Data-Transfer SPDUs, then a presentation
//   fully-encoded-data PDV on context 3 carrying a ROS invoke / returnResult / returnError; the
//   `pres_context_list` UAT binds context 3 to id-as-mrse-88 (2.6.0.2.5): tshark's P7 dissector
//   registers only the 1988 abstract syntaxes.
// Pass: tshark shows our values, no "Malformed", no BER error, no warning or error expert info.

fn tshark() -> Option<std::path::PathBuf> {
    ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

/// A pcap file (link type 147, USER0) holding one packet per payload.
fn pcap_user0(payloads: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(0xa1b2_c3d4u32.to_le_bytes());
    v.extend(2u16.to_le_bytes());
    v.extend(4u16.to_le_bytes());
    v.extend(0i32.to_le_bytes());
    v.extend(0u32.to_le_bytes());
    v.extend(65535u32.to_le_bytes());
    v.extend(147u32.to_le_bytes());
    for (i, payload) in payloads.iter().enumerate() {
        v.extend((1_764_300_000u32 + i as u32).to_le_bytes());
        v.extend(0u32.to_le_bytes());
        v.extend((payload.len() as u32).to_le_bytes());
        v.extend((payload.len() as u32).to_le_bytes());
        v.extend_from_slice(payload);
    }
    v
}

fn ber_transfer_syntax() -> Vec<u8> {
    tlv(0x30, &[0x06, 0x02, 0x51, 0x01])
}

fn oid_ber(o: &Oid) -> Vec<u8> {
    rasn::ber::encode(&oid(o)).unwrap()
}

/// A ROS APDU on presentation context 3 of an established association.
fn data_packet(ros: &[u8]) -> Vec<u8> {
    let mut pdv = vec![0x02, 0x01, 0x03];
    pdv.extend(tlv(0xa0, ros));
    let ppdu = tlv(0x61, &tlv(0x30, &pdv));
    let mut payload = vec![0x01, 0x00, 0x01, 0x00];
    payload.extend(ppdu);
    payload
}

fn invoke(opcode: i64, argument: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x01, 0x02, 0x01, opcode as u8];
    body.extend_from_slice(argument);
    data_packet(&tlv(0xa1, &body))
}

fn result(opcode: i64, res: &[u8]) -> Vec<u8> {
    let mut inner = vec![0x02, 0x01, opcode as u8];
    inner.extend_from_slice(res);
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend(tlv(0x30, &inner));
    data_packet(&tlv(0xa2, &body))
}

fn error(code: i64, parameter: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x01, 0x02, 0x01, code as u8];
    body.extend_from_slice(parameter);
    data_packet(&tlv(0xa3, &body))
}

/// Session parameter and SPDU lengths: one octet, or ff + two octets (X.225 §8.2.5).
fn ses_len(n: usize) -> Vec<u8> {
    if n < 255 {
        vec![n as u8]
    } else {
        vec![0xff, (n >> 8) as u8, n as u8]
    }
}

fn spdu(si: u8, user_data: &[u8]) -> Vec<u8> {
    let mut param = vec![0xc1];
    param.extend(ses_len(user_data.len()));
    param.extend_from_slice(user_data);
    let mut out = vec![si];
    out.extend(ses_len(param.len()));
    out.extend(param);
    out
}

/// A session CONNECT carrying an AARQ for ms-access-88 with the MS-bind argument.
fn bind_packet(argument: &[u8]) -> Vec<u8> {
    let mut ext = vec![0x02, 0x01, 0x03];
    ext.extend(tlv(0xa0, &tlv(0xb0, argument)));
    let mut aarq = tlv(0xa1, &oid_ber(ID_AC_MS_ACCESS_88));
    aarq.extend(tlv(0xbe, &tlv(0x28, &ext)));
    let aarq = tlv(0x60, &aarq);
    let mut acse_ctx = vec![0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01];
    acse_ctx.extend(ber_transfer_syntax());
    let mut ms_ctx = vec![0x02, 0x01, 0x03];
    ms_ctx.extend(oid_ber(ID_AS_MS_88));
    ms_ctx.extend(ber_transfer_syntax());
    let mut ctxs = tlv(0x30, &acse_ctx);
    ctxs.extend(tlv(0x30, &ms_ctx));
    let mut pdv = vec![0x02, 0x01, 0x01];
    pdv.extend(tlv(0xa0, &aarq));
    let mut normal = tlv(0xa4, &ctxs);
    normal.extend(tlv(0x61, &tlv(0x30, &pdv)));
    let mut cp = tlv(0xa0, &[0x80, 0x01, 0x01]);
    cp.extend(tlv(0xa2, &normal));
    spdu(13, &tlv(0x31, &cp))
}

/// Runs tshark -V over the packets, presentation context 3 bound to id-as-mrse-88.
fn run_tshark(tshark: &std::path::Path, packets: &[Vec<u8>]) -> String {
    let refs: Vec<&[u8]> = packets.iter().map(Vec::as_slice).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p7.pcap");
    std::fs::write(&path, pcap_user0(&refs)).unwrap();
    let context = format!(
        r#"uat:pres_context_list:"3","{}""#,
        ID_AS_MRSE_88
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    );
    let out = std::process::Command::new(tshark)
        .arg("-r")
        .arg(&path)
        .args([
            "-o",
            r#"uat:user_dlts:"User 0 (DLT=147)","ses","0","","0","""#,
        ])
        .args(["-o", &context])
        .arg("-V")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_clean(text: &str) {
    for bad in [
        "Malformed",
        "BER Error",
        "Expert Info (Error",
        "Expert Info (Warning",
        "Dissector is not available",
        "Unknown",
    ] {
        assert!(!text.contains(bad), "tshark reports {bad:?}:\n{text}");
    }
}

fn assert_shows(text: &str, wants: &[&str]) {
    for want in wants {
        assert!(
            text.contains(want),
            "tshark does not show {want:?}:\n{text}"
        );
    }
}

fn sample_summarize() -> SummarizeArgument {
    SummarizeArgument {
        entry_class: Some(EntryClass::DELIVERY),
        selector: new_entries_selector(),
        summary_requests: Some(vec![oid(ID_ATT_PRIORITY), oid(ID_ATT_ENTRY_TYPE)]),
        summarize_extensions: None,
    }
}

fn sample_summarize_result() -> SummarizeResult {
    SummarizeResult {
        next: Some(12),
        count: 7,
        span: Some(Span {
            lowest: 3,
            highest: 11,
        }),
        summaries: Some(vec![Summary {
            absent: Some(2),
            present: Some(Set(vec![SummaryPresentItem {
                r#type: oid(ID_ATT_PRIORITY),
                value: value::priority(Priority::Urgent),
                count: 5,
            }])),
        }]),
        summarize_result_extensions: None,
    }
}

fn sample_list() -> ListArgument {
    ListArgument {
        entry_class: None,
        selector: Selector {
            range: Some(Range::CreationTimeRange(TimeRange {
                from: Some(time(1_764_200_000)),
                to: None,
            })),
            filter: Some(Filter::And(vec![
                Filter::Item(FilterItem::Equality(AttributeValueAssertion {
                    attribute_type: oid(ID_ATT_RETRIEVAL_STATUS),
                    attribute_value: value::retrieval_status(RetrievalStatus::NEW),
                })),
                Filter::Not(Box::new(Filter::Item(FilterItem::Present(oid(
                    ID_ATT_PRIORITY,
                ))))),
                Filter::Item(FilterItem::GreaterOrEqual(AttributeValueAssertion {
                    attribute_type: oid(ID_ATT_SEQUENCE_NUMBER),
                    attribute_value: value::sequence_number(4242),
                })),
            ])),
            child_entries: Some(true),
            ..Selector::default()
        },
        requested_attributes: Some(Set(vec![
            AttributeSelection::all(oid(ID_ATT_SEQUENCE_NUMBER)),
            AttributeSelection {
                r#type: oid(ID_ATT_ORIGINATOR_NAME),
                from: Some(1),
                count: Some(3),
            },
        ])),
        list_extensions: None,
    }
}

fn sample_list_result() -> ListResult {
    let mut e = sample_entry(4242);
    if let Some(a) = e.attributes.as_mut() {
        a.0.push(Attribute::single(
            oid(ID_ATT_ORIGINATOR_NAME),
            value::or_name(&name("C=GB;A= ;P=SMHS;O=Percival;S=Lancelot")),
        ));
        a.0.push(Attribute::single(
            oid(ID_ATT_PRIORITY),
            value::priority(Priority::NonUrgent),
        ));
    }
    ListResult {
        next: Some(4243),
        requested: Some(vec![e, sample_entry(4250)]),
        list_result_extensions: None,
    }
}

fn sample_fetch() -> FetchArgument {
    FetchArgument {
        entry_class: Some(EntryClass::DELIVERY),
        item: FetchItem::Precise(4242),
        requested_attributes: Some(Set(vec![AttributeSelection::all(oid(
            ID_ATT_CREATION_TIME,
        ))])),
        fetch_extensions: None,
    }
}

fn sample_fetch_result() -> FetchResult {
    FetchResult {
        entry_information: Some(sample_entry(4242)),
        list: Some(vec![4243, 4244]),
        next: Some(4243),
        fetch_result_extensions: None,
    }
}

fn sample_delete() -> DeleteArgument {
    DeleteArgument {
        entry_class: None,
        items: DeleteItems::SequenceNumbers(Set(vec![4242, 4250])),
        delete_extensions: None,
    }
}

fn tshark_time(t: &UtcTime) -> String {
    t.format("%y-%m-%d %H:%M:%S (UTC)").to_string()
}

fn oid_text(o: &Oid) -> String {
    o.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// tshark's output split into its "X.413 Message Store Service" sections, one per P7 PDU.
fn p7_sections(text: &str) -> Vec<&str> {
    text.split("X.413 Message Store Service").skip(1).collect()
}

/// A CONNECT without bind data, then the ACCEPT whose CPA carries an AARE (`result`
/// 0 accepted / 1 rejected-permanent) with `ros` in its user-information.
fn bind_answer_packets(result: u8, ros: &[u8]) -> Vec<Vec<u8>> {
    // The CONNECT (with a bind argument) defines the presentation contexts.
    let connect = bind_packet(&x413::encode(&sample_bind()).unwrap());
    let mut ext = vec![0x02, 0x01, 0x03];
    ext.extend(tlv(0xa0, ros));
    let mut aare = tlv(0xa1, &oid_ber(ID_AC_MS_ACCESS_88));
    aare.extend(tlv(0xa2, &[0x02, 0x01, result]));
    aare.extend(tlv(
        0xa3,
        &tlv(0xa1, &[0x02, 0x01, if result == 0 { 0 } else { 1 }]),
    ));
    aare.extend(tlv(0xbe, &tlv(0x28, &ext)));
    let aare = tlv(0x61, &aare);
    let accepted = tlv(0x30, &[0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01]);
    let mut results = accepted.clone();
    results.extend(accepted);
    let mut pdv = vec![0x02, 0x01, 0x01];
    pdv.extend(tlv(0xa0, &aare));
    let mut normal = tlv(0xa5, &results);
    normal.extend(tlv(0x61, &tlv(0x30, &pdv)));
    let mut cpa = tlv(0xa0, &[0x80, 0x01, 0x01]);
    cpa.extend(tlv(0xa2, &normal));
    let accept = spdu(14, &tlv(0x31, &cpa));
    vec![connect, accept]
}

#[test]
fn tshark_decodes_our_ms_bind_argument() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let mut arg = sample_bind();
    arg.fetch_restrictions = Some(Restrictions {
        allowed_content_types: Some(Set(vec![
            ObjectIdentifier::new(vec![2, 6, 1, 10, 1]).unwrap(),
        ])),
        allowed_eits: None,
        maximum_attribute_length: Some(65_000),
    });
    arg.ua_registration_identifier = Some(printable("UA-7"));
    let bytes = x413::encode(&arg).unwrap();
    let text = run_tshark(&tshark, &[bind_packet(&bytes)]);
    assert_clean(&text);
    let sections = p7_sections(&text);
    assert_eq!(sections.len(), 1, "{text}");
    assert_shows(
        sections[0],
        &[
            "MSBindArgument",
            "initiator-name (/C=GB/A= /P=SMHS/O=Percival/S=Gal/)",
            "ia5-string: secret",
            "ms-configuration-request: True",
            &format!(
                "maximum-attribute-length: {}",
                arg.fetch_restrictions
                    .as_ref()
                    .unwrap()
                    .maximum_attribute_length
                    .unwrap()
            ),
            "2.6.1.10.1",
            "ua-registration-identifier: UA-7",
        ],
    );
}

#[test]
fn tshark_oracle_flags_an_implicit_ms_configuration_request() {
    // The oracle must be able to fail: `85 01 ff` (implicit, the trap DESIGN §3 names) instead
    // of `a5 03 01 01 ff` is Malformed to tshark.
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let good = x413::encode(&sample_bind()).unwrap();
    let (_, _, _, contents, _) = split_tlv(&good);
    let comps: Vec<Vec<u8>> = children(contents)
        .into_iter()
        .map(|c| {
            if c[0] == 0xa5 {
                vec![0x85, 0x01, 0xff]
            } else {
                c
            }
        })
        .collect();
    let bad = tlv(0x31, &comps.concat());
    let text = run_tshark(&tshark, &[bind_packet(&bad)]);
    assert!(text.contains("Malformed"), "{text}");
    // …and the same stack with our bytes is clean, so it is the tag that tshark objects to.
    assert_clean(&run_tshark(&tshark, &[bind_packet(&good)]));
}

#[test]
fn tshark_oracle_flags_an_implicit_selector() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let good = x413::encode(&sample_summarize()).unwrap();
    let (_, _, _, contents, _) = split_tlv(&good);
    let comps: Vec<Vec<u8>> = children(contents)
        .into_iter()
        .map(|c| {
            if c[0] == 0xa1 {
                // a1 { 31 { … } } → a1 { … }: the selector SET re-tagged implicitly.
                let (_, _, _, inner, _) = split_tlv(&c);
                let (_, _, _, set, _) = split_tlv(inner);
                tlv(0xa1, set)
            } else {
                c
            }
        })
        .collect();
    let bad = tlv(0x31, &comps.concat());
    let text = run_tshark(&tshark, &[invoke(op::SUMMARIZE, &bad)]);
    // tshark: "BER Error: SET expected but class:CONTEXT(2) Constructed tag:1 was found"
    // (Warning/Malformed).
    assert!(text.contains("Malformed"), "{text}");
    assert_clean(&run_tshark(&tshark, &[invoke(op::SUMMARIZE, &good)]));
}

#[test]
fn tshark_decodes_our_ms_bind_result_and_error() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let mut r = MSBindResult::simple(password("store-secret"));
    r.available_attribute_types = Some(Set(vec![
        oid(ID_ATT_SEQUENCE_NUMBER),
        oid(ID_ATT_RETRIEVAL_STATUS),
    ]));
    r.available_auto_actions = Some(Set(vec![oid(ID_ACT_AUTO_ALERT)]));
    r.alert_indication = Some(true);
    r.content_types_supported = Some(Set(vec![
        ObjectIdentifier::new(vec![2, 6, 1, 10, 1]).unwrap(),
    ]));
    let bytes = x413::encode(&r).unwrap();
    let text = run_tshark(&tshark, &bind_answer_packets(0, &tlv(0xb1, &bytes)));
    assert_clean(&text);
    let sections = p7_sections(&text);
    assert_eq!(sections.len(), 2, "{text}");
    assert_shows(
        sections[1],
        &[
            "MSBindResult",
            "ia5-string: store-secret",
            "alert-indication: True",
            &oid_text(ID_ATT_SEQUENCE_NUMBER),
            &oid_text(ID_ATT_RETRIEVAL_STATUS),
            &oid_text(ID_ACT_AUTO_ALERT),
            "2.6.1.10.1",
        ],
    );

    let e = MSBindError::UnqualifiedError(BindProblem::AUTHENTICATION_ERROR);
    let text = run_tshark(
        &tshark,
        &bind_answer_packets(1, &tlv(0xb2, &x413::encode(&e).unwrap())),
    );
    assert_clean(&text);
    assert_shows(p7_sections(&text)[1], &["authentication-error (0)"]);
}

#[test]
fn tshark_decodes_our_retrieval_operations() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let (sa, sr) = (sample_summarize(), sample_summarize_result());
    let (la, lr) = (sample_list(), sample_list_result());
    let (fa, fr) = (sample_fetch(), sample_fetch_result());
    let da = sample_delete();
    let d94 = DeleteResult::DeleteResult94(DeleteResult94 {
        entries_deleted: Some(vec![4242, 4250]),
        delete_result_extensions: None,
    });
    let packets = vec![
        invoke(op::SUMMARIZE, &x413::encode(&sa).unwrap()),
        result(op::SUMMARIZE, &x413::encode(&sr).unwrap()),
        invoke(op::LIST, &x413::encode(&la).unwrap()),
        result(op::LIST, &x413::encode(&lr).unwrap()),
        invoke(op::FETCH, &x413::encode(&fa).unwrap()),
        result(op::FETCH, &x413::encode(&fr).unwrap()),
        invoke(op::DELETE, &x413::encode(&da).unwrap()),
        result(
            op::DELETE,
            &x413::encode(&DeleteResult::DeleteResult88(())).unwrap(),
        ),
        result(op::DELETE, &x413::encode(&d94).unwrap()),
    ];
    let text = run_tshark(&tshark, &packets);
    assert_clean(&text);
    let s = p7_sections(&text);
    assert_eq!(s.len(), packets.len(), "{text}");

    let Some(Range::SequenceNumberRange(NumberRange {
        from: Some(from), ..
    })) = sa.selector.range
    else {
        panic!("sample summarize has a number range")
    };
    assert_shows(
        s[0],
        &[
            "SummarizeArgument",
            "entry-class: delivery (0)",
            &format!("from: {from}"),
            &format!("limit: {}", sa.selector.limit.unwrap()),
            "RetrievalStatus: new (0)",
            &format!(
                "AttributeType: {} (id-att-priority)",
                oid_text(ID_ATT_PRIORITY)
            ),
        ],
    );
    let span = sr.span.unwrap();
    assert_shows(
        s[1],
        &[
            "SummarizeResult",
            &format!("next: {}", sr.next.unwrap()),
            &format!("count: {}", sr.count),
            &format!("lowest: {}", span.lowest),
            &format!("highest: {}", span.highest),
            "Priority: urgent (2)",
        ],
    );
    let Some(Range::CreationTimeRange(TimeRange {
        from: Some(since), ..
    })) = la.selector.range
    else {
        panic!("sample list has a time range")
    };
    assert_shows(
        s[2],
        &[
            "ListArgument",
            "child-entries: True",
            &format!("from: {}", tshark_time(&since)),
            "and: 3 items",
            "not: item (0)",
            &format!("present: {} (id-att-priority)", oid_text(ID_ATT_PRIORITY)),
            "SequenceNumber: 4242",
            "count: 3",
        ],
    );
    let first = &lr.requested.as_ref().unwrap()[0];
    assert_shows(
        s[3],
        &[
            "ListResult",
            &format!("next: {}", lr.next.unwrap()),
            &format!("sequence-number: {}", first.sequence_number),
            "EntryType: delivered-message (0)",
            &format!("CreationTime: {}", tshark_time(&time(1_764_300_000))),
            "ORName (/C=GB/A= /P=SMHS/O=Percival/S=Lancelot/)",
            "Priority: non-urgent (1)",
        ],
    );
    assert_shows(s[4], &["FetchArgument", "precise: 4242"]);
    assert_shows(
        s[5],
        &[
            "FetchResult",
            "entry-information",
            &format!("SequenceNumber: {}", fr.list.as_ref().unwrap()[1]),
            &format!("next: {}", fr.next.unwrap()),
        ],
    );
    assert_shows(
        s[6],
        &[
            "DeleteArgument",
            "SequenceNumber: 4242",
            "SequenceNumber: 4250",
        ],
    );
    assert_shows(s[7], &["delete-result-88"]);
    assert_shows(s[8], &["delete-result-94", "SequenceNumber: 4250"]);
}

#[test]
fn tshark_decodes_our_error_parameters() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let packets = vec![
        error(
            err::SEQUENCE_NUMBER_ERROR,
            &x413::encode(&SequenceNumberErrorParameter::no_such_entry([77])).unwrap(),
        ),
        error(
            err::SERVICE_ERROR,
            &x413::encode(&ServiceErrorParameter {
                problem: ServiceProblem::UNWILLING_TO_PERFORM,
                supplementary_information: None,
            })
            .unwrap(),
        ),
        error(
            err::RANGE_ERROR,
            &x413::encode(&RangeErrorParameter {
                problem: RangeProblem::REVERSED,
            })
            .unwrap(),
        ),
        error(
            err::ATTRIBUTE_ERROR,
            &x413::encode(&AttributeErrorParameter {
                problems: Set(vec![AttributeProblemItem {
                    problem: AttributeProblem::UNAVAILABLE_ATTRIBUTE_TYPE,
                    r#type: oid(ID_ATT_PRIORITY),
                    value: None,
                }]),
            })
            .unwrap(),
        ),
        error(
            err::DELETE_ERROR,
            &x413::encode(&DeleteErrorParameter {
                problems: Set(vec![DeleteProblemItem {
                    problem: DeleteProblem::CHILD_ENTRY_SPECIFIED,
                    sequence_number: 12,
                }]),
                entries_deleted: None,
            })
            .unwrap(),
        ),
        error(err::INVALID_PARAMETERS_ERROR, &[0x05, 0x00]),
    ];
    let text = run_tshark(&tshark, &packets);
    assert_clean(&text);
    let s = p7_sections(&text);
    assert_eq!(s.len(), packets.len(), "{text}");
    assert_shows(s[0], &["no-such-entry (0)", "sequence-number: 77"]);
    assert_shows(s[1], &["unwilling-to-perform (2)"]);
    assert_shows(s[2], &["reversed (0)"]);
    assert_shows(
        s[3],
        &["unavailable-attribute-type (1)", &oid_text(ID_ATT_PRIORITY)],
    );
    assert_shows(s[4], &["child-entry-specified (0)", "sequence-number: 12"]);
}

#[test]
fn tshark_decodes_our_register_ms_and_alert() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let reg = RegisterMSArgument {
        auto_action_registrations: Some(Set(vec![AutoActionRegistration {
            auto_action_type: oid(ID_ACT_AUTO_ALERT),
            registration_identifier: Some(3),
            registration_parameter: None,
        }])),
        list_attribute_defaults: Some(Set(vec![oid(ID_ATT_SEQUENCE_NUMBER), oid(ID_ATT_PRIORITY)])),
        change_credentials: Some(ChangeCredentials {
            old_credentials: password("old"),
            new_credentials: password("new-pw"),
        }),
        ..RegisterMSArgument::default()
    };
    let alert = AlertArgument {
        alert_registration_identifier: 3,
        new_entry: Some(sample_entry(4251)),
    };
    let packets = vec![
        invoke(op::REGISTER_MS, &x413::encode(&reg).unwrap()),
        result(
            op::REGISTER_MS,
            &x413::encode(&RegisterMSResult::NoStatusInformation(())).unwrap(),
        ),
        invoke(op::ALERT, &x413::encode(&alert).unwrap()),
        result(op::ALERT, &[0x05, 0x00]),
    ];
    let text = run_tshark(&tshark, &packets);
    assert_clean(&text);
    let s = p7_sections(&text);
    assert_eq!(s.len(), packets.len(), "{text}");
    assert_shows(
        s[0],
        &[
            "Register-MSArgument",
            &oid_text(ID_ACT_AUTO_ALERT),
            "registration-identifier: 3",
            "ia5-string: new-pw",
        ],
    );
    assert_shows(
        s[2],
        &[
            "AlertArgument",
            "alert-registration-identifier: 3",
            "sequence-number: 4251",
        ],
    );
}
