//! X.411 P3 types: round trips (proptest), BER length forms, bytes the DESIGN fixes, robustness
//! against truncated and garbage input, and tshark as an independent decoder.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::fmt::Debug;

use mstore::address::ORName;
use mstore::asn1::oids::{
    ID_AC_MTS_FORCED_ACCESS_88, ID_AS_MASE_88, ID_AS_MDSE_88, ID_AS_MSSE, ID_AS_MTS,
};
use mstore::asn1::x411::{self, *};
use proptest::prelude::*;
use rasn::types::{Any, BitString, ObjectIdentifier, OctetString, PrintableString};
use rasn::{Decode, Encode};

use crate::common::arb::{arb_name, arb_oid, arb_word};
use crate::common::ber::{
    Lengths, canonical, check_length_forms, children, hex, len_octets, rewrite, split_tlv, tlv,
    tlv_bytes,
};
use crate::common::fixtures::fixtures;
use crate::common::tshark::{
    self, accept_spdu, assert_clean, connect_spdu, error, external, invoke, pcap_user0, run_tshark,
    tshark,
};
use crate::common::values::{ia5, name, printable};

// ---------------------------------------------------------------------------------------------
// Building values

fn time(secs: u64) -> Time {
    Time::from_timestamp(secs as i64, 0).unwrap()
}

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    ObjectIdentifier::new(arcs.to_vec()).unwrap()
}

fn mts_id(prmd: Option<&str>, local: &str) -> MTSIdentifier {
    MTSIdentifier {
        global_domain_identifier: GlobalDomainIdentifier {
            country_name: CountryName::Iso3166Alpha2Code(printable("GB")),
            administration_domain_name: AdministrationDomainName::Printable(printable(" ")),
            private_domain_identifier: prmd
                .map(|p| PrivateDomainIdentifier::Printable(printable(p))),
        },
        local_identifier: ia5(local),
    }
}

fn sample_delivery() -> MessageDeliveryArgument {
    MessageDeliveryArgument {
        message_delivery_identifier: mts_id(Some("SMHS"), "mstore.0001"),
        message_delivery_time: time(1_764_300_000),
        other_fields: OtherMessageDeliveryFields {
            content_type: DeliveredContentType(ContentType::BuiltIn(
                built_in_content_type::INTERPERSONAL_MESSAGING_1988,
            )),
            originator_name: name("C=GB;A= ;P=SMHS;O=Percival;S=Gal"),
            original_encoded_information_types: None,
            priority: Some(Priority::Urgent),
            delivery_flags: None,
            other_recipient_names: Some(vec![name("C=GB;A= ;P=SMHS;O=Percival;S=Other")]),
            this_recipient_name: name("C=GB;A= ;P=SMHS;O=Store;S=Recipient"),
            originally_intended_recipient_name: None,
            converted_encoded_information_types: None,
            message_submission_time: time(1_764_299_000),
            content_identifier: Some(printable("CID-42")),
            extensions: None,
        },
        content: OctetString::from_static(b"\x31\x00"),
    }
}

// ---------------------------------------------------------------------------------------------
// A BER tree walker, used to rewrite encodings into other length forms and to look at bytes.

/// The components of the SET / SEQUENCE `bytes`, as (first identifier octet, contents).
fn components_of(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let (t, _) = split_tlv(bytes);
    children(t.contents)
        .iter()
        .map(|c| (c.identifier[0], c.contents.to_vec()))
        .collect()
}

/// The full check every top-level type gets (see `check_length_forms`).
fn check<T: Encode + Decode + PartialEq + Debug>(x: &T) {
    check_length_forms(x, |v| x411::encode(v), |b| x411::decode::<T>(b));
}

// ---------------------------------------------------------------------------------------------
// Strategies

fn arb_time() -> impl Strategy<Value = Time> {
    // 1990 .. 2040: inside UTCTime's two-digit-year window.
    (631_152_000u64..2_208_988_800).prop_map(time)
}

fn arb_printable(max: usize) -> impl Strategy<Value = PrintableString> {
    proptest::string::string_regex(&format!("[A-Za-z0-9 ()+,./:=?-]{{1,{max}}}"))
        .unwrap()
        .prop_map(|s| printable(&s))
}

fn arb_mts_id() -> impl Strategy<Value = MTSIdentifier> {
    (
        proptest::option::of(arb_word(16)),
        proptest::string::string_regex("[ -~]{1,32}").unwrap(),
        any::<bool>(),
    )
        .prop_map(|(p, l, numeric_country)| {
            let mut id = mts_id(p.as_deref(), &l);
            if numeric_country {
                id.global_domain_identifier.country_name = CountryName::X121DccCode(
                    rasn::types::NumericString::from_bytes(b"234").unwrap(),
                );
            }
            id
        })
}

fn arb_content_type() -> impl Strategy<Value = ContentType> {
    prop_oneof![
        (0u16..=32767).prop_map(ContentType::BuiltIn),
        arb_oid().prop_map(ContentType::Extended),
        proptest::collection::vec(any::<u32>(), 1..5).prop_map(ContentType::ExtendedRelative),
    ]
}

fn arb_bits() -> impl Strategy<Value = BitString> {
    proptest::collection::vec(any::<bool>(), 0..16).prop_map(|v| v.into_iter().collect())
}

fn arb_any() -> impl Strategy<Value = Any> {
    // A complete, valid TLV: an OCTET STRING or a small SEQUENCE of INTEGERs.
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(|v| {
            let mut t = vec![0x04, v.len() as u8];
            t.extend(v);
            Any::new(t)
        }),
        proptest::collection::vec(0u8..0x7f, 0..5).prop_map(|v| {
            let mut t = vec![0x30, (v.len() * 3) as u8];
            for x in v {
                t.extend([0x02, 0x01, x]);
            }
            Any::new(t)
        }),
    ]
}

fn arb_extension() -> impl Strategy<Value = ExtensionField> {
    (
        prop_oneof![
            (0u16..=256).prop_map(ExtensionType::StandardExtension),
            arb_oid().prop_map(ExtensionType::PrivateExtension),
        ],
        proptest::option::of(arb_bits()),
        proptest::option::of(arb_any()),
    )
        .prop_map(|(t, c, v)| ExtensionField {
            r#type: t,
            criticality: c,
            value: v,
        })
}

fn arb_extensions() -> impl Strategy<Value = Option<Vec<ExtensionField>>> {
    proptest::option::of(proptest::collection::vec(arb_extension(), 0..3))
}

fn arb_eits() -> impl Strategy<Value = EncodedInformationTypes> {
    (
        arb_bits(),
        proptest::option::of(arb_bits()),
        proptest::option::of(proptest::collection::vec(arb_oid(), 1..3)),
    )
        .prop_map(|(b, g3, ext)| EncodedInformationTypes {
            built_in_encoded_information_types: b,
            g3_facsimile: g3,
            teletex: None,
            extended_encoded_information_types: ext,
        })
}

fn arb_priority() -> impl Strategy<Value = Priority> {
    prop_oneof![
        Just(Priority::Normal),
        Just(Priority::NonUrgent),
        Just(Priority::Urgent)
    ]
}

fn arb_credentials() -> impl Strategy<Value = Credentials> {
    prop_oneof![
        proptest::string::string_regex("[ -~]{0,62}")
            .unwrap()
            .prop_map(|s| Credentials::Simple(Password::Ia5String(ia5(&s)))),
        proptest::collection::vec(any::<u8>(), 0..62)
            .prop_map(|v| Credentials::Simple(Password::OctetString(v.into()))),
        arb_any().prop_map(Credentials::Strong),
    ]
}

fn arb_object_name() -> impl Strategy<Value = ObjectName> {
    prop_oneof![
        arb_name().prop_map(ObjectName::UserAgent),
        arb_word(32).prop_map(|s| ObjectName::Mta(ia5(&s))),
        arb_name().prop_map(ObjectName::MessageStore),
    ]
}

fn arb_queue() -> impl Strategy<Value = DeliveryQueue> {
    (any::<u32>(), proptest::option::of(any::<u32>()))
        .prop_map(|(messages, octets)| DeliveryQueue { messages, octets })
}

fn arb_waiting() -> impl Strategy<Value = Option<MessagesWaiting>> {
    proptest::option::of(
        (arb_queue(), arb_queue(), arb_queue()).prop_map(|(u, n, l)| MessagesWaiting {
            urgent: u,
            normal: n,
            non_urgent: l,
        }),
    )
}

fn arb_bind_argument() -> impl Strategy<Value = MTSBindArgument> {
    (
        arb_object_name(),
        arb_waiting(),
        arb_credentials(),
        proptest::option::of(proptest::collection::vec(
            arb_any().prop_map(SecurityLabel),
            1..3,
        )),
        arb_extensions(),
    )
        .prop_map(|(n, w, c, s, e)| MTSBindArgument {
            initiator_name: n,
            messages_waiting: w,
            initiator_credentials: c,
            security_context: s,
            extensions: e,
        })
}

fn arb_bind_result() -> impl Strategy<Value = MTSBindResult> {
    (
        arb_object_name(),
        arb_waiting(),
        arb_credentials(),
        arb_extensions(),
    )
        .prop_map(|(n, w, c, e)| MTSBindResult {
            responder_name: n,
            messages_waiting: w,
            responder_credentials: c,
            extensions: e,
        })
}

fn arb_content() -> impl Strategy<Value = OctetString> {
    proptest::collection::vec(any::<u8>(), 0..300).prop_map(OctetString::from)
}

fn arb_delivery() -> impl Strategy<Value = MessageDeliveryArgument> {
    let head = (
        arb_mts_id(),
        arb_time(),
        arb_content_type(),
        arb_name(),
        proptest::option::of(arb_eits()),
        proptest::option::of(arb_priority()),
        proptest::option::of(arb_bits()),
        proptest::option::of(proptest::collection::vec(arb_name(), 1..3)),
    );
    let tail = (
        arb_name(),
        proptest::option::of(arb_name()),
        proptest::option::of(arb_eits()),
        arb_time(),
        proptest::option::of(arb_printable(16)),
        arb_extensions(),
        arb_content(),
    );
    (head, tail).prop_map(|((id, dt, ct, orig, oeit, pri, flags, others), t)| {
        let (this, intended, ceit, st, cid, ext, content) = t;
        MessageDeliveryArgument {
            message_delivery_identifier: id,
            message_delivery_time: dt,
            other_fields: OtherMessageDeliveryFields {
                content_type: DeliveredContentType(ct),
                originator_name: orig,
                original_encoded_information_types: oeit,
                priority: pri,
                delivery_flags: flags,
                other_recipient_names: others,
                this_recipient_name: this,
                originally_intended_recipient_name: intended,
                converted_encoded_information_types: ceit,
                message_submission_time: st,
                content_identifier: cid,
                extensions: ext,
            },
            content,
        }
    })
}

fn arb_delivery_result() -> impl Strategy<Value = MessageDeliveryResult> {
    (
        proptest::option::of(arb_any()),
        proptest::option::of(arb_any()),
        arb_extensions(),
    )
        .prop_map(|(c, p, e)| MessageDeliveryResult {
            recipient_certificate: c,
            proof_of_delivery: p,
            extensions: e,
        })
}

fn arb_report_type() -> impl Strategy<Value = ReportType> {
    prop_oneof![
        (arb_time(), proptest::option::of(0u16..7)).prop_map(|(t, u)| ReportType::Delivery(
            DeliveryReport {
                message_delivery_time: t,
                type_of_mts_user: u,
            }
        )),
        (0u16..9, proptest::option::of(0u16..79)).prop_map(|(r, d)| ReportType::NonDelivery(
            NonDeliveryReport {
                non_delivery_reason_code: r,
                non_delivery_diagnostic_code: d,
            }
        )),
    ]
}

fn arb_per_recipient_report() -> impl Strategy<Value = PerRecipientReportDeliveryFields> {
    (
        arb_name(),
        arb_report_type(),
        proptest::option::of(arb_eits()),
        proptest::option::of(arb_name()),
        proptest::option::of(arb_printable(40)),
        arb_extensions(),
    )
        .prop_map(|(a, r, c, o, s, e)| PerRecipientReportDeliveryFields {
            actual_recipient_name: a,
            report_type: r,
            converted_encoded_information_types: c,
            originally_intended_recipient_name: o,
            supplementary_information: s,
            extensions: e,
        })
}

fn arb_report() -> impl Strategy<Value = ReportDeliveryArgument> {
    (
        arb_mts_id(),
        proptest::option::of(arb_printable(16)),
        proptest::option::of(arb_content_type()),
        proptest::option::of(arb_eits()),
        arb_extensions(),
        proptest::collection::vec(arb_per_recipient_report(), 1..3),
        proptest::option::of(arb_content()),
    )
        .prop_map(|(s, ci, ct, eit, e, p, rc)| ReportDeliveryArgument {
            subject_submission_identifier: s,
            content_identifier: ci,
            content_type: ct,
            original_encoded_information_types: eit,
            extensions: e,
            per_recipient_fields: p,
            returned_content: rc,
        })
}

fn arb_per_recipient_submission() -> impl Strategy<Value = PerRecipientMessageSubmissionFields> {
    (
        arb_name(),
        arb_bits(),
        proptest::option::of(0u16..18),
        arb_extensions(),
    )
        .prop_map(|(n, r, c, e)| PerRecipientMessageSubmissionFields {
            recipient_name: n,
            originator_report_request: r,
            explicit_conversion: c,
            extensions: e,
        })
}

fn arb_submission() -> impl Strategy<Value = MessageSubmissionArgument> {
    (
        arb_name(),
        proptest::option::of(arb_eits()),
        arb_content_type(),
        proptest::option::of(arb_printable(16)),
        proptest::option::of(arb_priority()),
        proptest::option::of(arb_bits()),
        proptest::option::of(arb_time()),
        arb_extensions(),
        proptest::collection::vec(arb_per_recipient_submission(), 1..4),
        arb_content(),
    )
        .prop_map(
            |(o, eit, ct, ci, p, pmi, dd, e, r, content)| MessageSubmissionArgument {
                envelope: MessageSubmissionEnvelope {
                    originator_name: o,
                    original_encoded_information_types: eit,
                    content_type: ct,
                    content_identifier: ci,
                    priority: p,
                    per_message_indicators: pmi,
                    deferred_delivery_time: dd,
                    extensions: e,
                    per_recipient_fields: r,
                },
                content,
            },
        )
}

fn arb_submission_result() -> impl Strategy<Value = MessageSubmissionResult> {
    (
        arb_mts_id(),
        arb_time(),
        proptest::option::of(arb_printable(16)),
        arb_extensions(),
    )
        .prop_map(|(i, t, c, e)| MessageSubmissionResult {
            message_submission_identifier: i,
            message_submission_time: t,
            content_identifier: c,
            extensions: e,
        })
}

fn arb_probe() -> impl Strategy<Value = ProbeSubmissionArgument> {
    (
        arb_name(),
        proptest::option::of(arb_eits()),
        arb_content_type(),
        proptest::option::of(arb_printable(16)),
        proptest::option::of(any::<u32>()),
        proptest::option::of(arb_bits()),
        arb_extensions(),
        proptest::collection::vec(arb_per_recipient_submission(), 1..4),
    )
        .prop_map(|(o, eit, ct, ci, len, pmi, e, r)| ProbeSubmissionArgument {
            originator_name: o,
            original_encoded_information_types: eit,
            content_type: ct,
            content_identifier: ci,
            content_length: len,
            per_message_indicators: pmi,
            extensions: e,
            per_recipient_fields: r,
        })
}

fn arb_controls() -> impl Strategy<Value = Controls> {
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of(arb_bits()),
        proptest::option::of(any::<u32>()),
        proptest::option::of(arb_priority()),
        proptest::option::of(proptest::collection::vec(arb_content_type(), 1..3)),
        proptest::option::of(
            proptest::option::of(proptest::collection::vec(arb_oid(), 1..3)).prop_map(|a| {
                EncodedInformationTypesConstraints {
                    unacceptable_eits: None,
                    acceptable_eits: a,
                    exclusively_acceptable_eits: None,
                }
            }),
        ),
        proptest::option::of(arb_eits()),
        arb_extensions(),
    )
        .prop_map(|(r, o, l, p, ct, eitc, eit88, e)| Controls {
            restrict: r,
            permissible_operations: o,
            permissible_maximum_content_length: l,
            permissible_lowest_priority: p,
            permissible_content_types: ct,
            permissible_encoded_information_types: eitc,
            permissible_encoded_information_types_88: eit88,
            permissible_security_context: Some(vec![security_label()]).filter(|_| r == Some(true)),
            extensions: e,
        })
}

fn arb_waiting_result() -> impl Strategy<Value = Waiting> {
    (
        proptest::option::of(arb_bits()),
        proptest::option::of(arb_bits()),
        proptest::option::of(proptest::collection::vec(arb_content_type(), 0..3)),
        proptest::option::of(arb_eits()),
        arb_extensions(),
    )
        .prop_map(|(o, m, ct, eit, e)| Waiting {
            waiting_operations: o,
            waiting_messages: m,
            waiting_content_types: ct,
            waiting_encoded_information_types: eit,
            extensions: e,
        })
}

proptest! {
    // 64 cases keep CI quick; PROPTEST_CASES=n runs more.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn bind_argument_round_trips(x in arb_bind_argument()) { check(&x); }

    #[test]
    fn bind_result_round_trips(x in arb_bind_result()) { check(&x); }

    #[test]
    fn delivery_argument_round_trips(x in arb_delivery()) { check(&x); }

    #[test]
    fn delivery_result_round_trips(x in arb_delivery_result()) { check(&x); }

    #[test]
    fn report_argument_round_trips(x in arb_report()) { check(&x); }

    #[test]
    fn report_result_round_trips(e in proptest::collection::vec(arb_extension(), 1..3), empty in any::<bool>()) {
        let x = if empty { ReportDeliveryResult::EmptyResult } else { ReportDeliveryResult::Extensions(e) };
        check(&x);
    }

    #[test]
    fn submission_argument_round_trips(x in arb_submission()) { check(&x); }

    #[test]
    fn submission_result_round_trips(x in arb_submission_result()) { check(&x); }

    #[test]
    fn probe_argument_round_trips(x in arb_probe()) { check(&x); }

    #[test]
    fn controls_round_trip(x in arb_controls()) { check(&x); }

    #[test]
    fn waiting_round_trips(x in arb_waiting_result()) { check(&x); }

    #[test]
    fn cancel_deferred_delivery_round_trips(x in arb_mts_id()) { check(&x); }

    #[test]
    fn error_parameters_round_trip(
        names in proptest::collection::vec(arb_name(), 1..3),
        problem in 0u16..36,
        reason in 0u16..3,
        arg in prop_oneof![
            (0u16..17).prop_map(RefusedArgumentChoice::BuiltInArgument),
            (0u16..=256).prop_map(|n| RefusedArgumentChoice::RefusedExtension(ExtensionType::StandardExtension(n))),
            arb_oid().prop_map(|o| RefusedArgumentChoice::RefusedExtension(ExtensionType::PrivateExtension(o))),
        ],
        bind_error in 0u16..6,
        old in arb_credentials(),
        new in arb_credentials(),
    ) {
        let improperly: ImproperlySpecifiedRecipients = names;
        check(&improperly);
        check(&SecurityProblem(problem));
        check(&RefusedOperation { refused_argument: arg, refusal_reason: reason });
        check(&MTSBindError(bind_error));
        check(&ChangeCredentialsArgument { old_credentials: old, new_credentials: new });
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = x411::decode::<MTSBindArgument>(&bytes);
        let _ = x411::decode::<MTSBindResult>(&bytes);
        let _ = x411::decode::<MessageDeliveryArgument>(&bytes);
        let _ = x411::decode::<MessageDeliveryResult>(&bytes);
        let _ = x411::decode::<ReportDeliveryArgument>(&bytes);
        let _ = x411::decode::<ReportDeliveryResult>(&bytes);
        let _ = x411::decode::<MessageSubmissionArgument>(&bytes);
        let _ = x411::decode::<MessageSubmissionResult>(&bytes);
        let _ = x411::decode::<ProbeSubmissionArgument>(&bytes);
        let _ = x411::decode::<Controls>(&bytes);
        let _ = x411::decode::<Waiting>(&bytes);
        let _ = x411::decode::<RefusedOperation>(&bytes);
    }

    #[test]
    fn garbage_inside_a_valid_frame_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..120),
        tag in prop_oneof![Just(0x30u8), Just(0x31u8)],
    ) {
        // A well-formed outer SET / SEQUENCE around random contents reaches the component
        // decoders.
        let mut bytes = vec![tag];
        bytes.extend(len_octets(body.len()));
        bytes.extend(&body);
        let _ = x411::decode::<MessageDeliveryArgument>(&bytes);
        let _ = x411::decode::<MTSBindArgument>(&bytes);
        let _ = x411::decode::<ReportDeliveryArgument>(&bytes);
        let _ = x411::decode::<MessageSubmissionArgument>(&bytes);
        let _ = x411::decode::<ProbeSubmissionArgument>(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes the DESIGN fixes

#[test]
fn mts_bind_argument_bytes() {
    let arg = MTSBindArgument {
        initiator_name: ObjectName::Mta(ia5("mta1")),
        messages_waiting: None,
        initiator_credentials: Credentials::Simple(Password::Ia5String(ia5("secret"))),
        security_context: None,
        extensions: None,
    };
    let bytes = x411::encode(&arg).unwrap();
    // SET { mTA [0] IMPLICIT IA5String, [2] EXPLICIT { IA5String } }
    assert_eq!(
        hex(&bytes),
        "31 10 80 04 6d 74 61 31 a2 08 16 06 73 65 63 72 65 74"
    );
    assert_eq!(x411::decode::<MTSBindArgument>(&bytes).unwrap(), arg);
}

#[test]
fn mts_bind_result_names_the_store_with_implicit_tag_4() {
    let result = MTSBindResult {
        responder_name: ObjectName::MessageStore(name("C=GB;A= ;P=SMHS;O=Store")),
        messages_waiting: None,
        responder_credentials: Credentials::Simple(Password::Ia5String(ia5("pw"))),
        extensions: None,
    };
    let bytes = x411::encode(&result).unwrap();
    let comps = components_of(&bytes);
    let find = |id: u8| {
        comps
            .iter()
            .find(|c| c.0 == id)
            .map(|c| c.1.clone())
            .unwrap()
    };
    // IMPLICIT: the ORName's [APPLICATION 0] is replaced, its contents follow directly.
    assert_eq!(find(0xa4)[0], 0x30, "{}", hex(&bytes));
    assert_eq!(hex(&find(0xa2)), "16 02 70 77");
    assert!(!comps.iter().any(|c| c.0 == 0x60));
}

#[test]
fn message_delivery_argument_bytes() {
    let arg = sample_delivery();
    let bytes = x411::encode(&arg).unwrap();
    let top = components_of(&bytes);
    assert_eq!(bytes[0], 0x30);
    let ids: Vec<u8> = top.iter().map(|c| c.0).collect();
    assert_eq!(ids, vec![0x64, 0x17, 0x31, 0x04], "{}", hex(&bytes));
    let set = {
        let (t, _) = split_tlv(&bytes);
        components_of(&tlv_bytes(&children(t.contents)[2]))
    };
    let find = |id: u8| {
        set.iter()
            .find(|c| c.0 == id)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| panic!("no {id:02x} in {}", hex(&bytes)))
    };
    // content-type: DeliveredContentType built-in [0] IMPLICIT → 80 01 16.
    assert_eq!(find(0x80), vec![22]);
    // originator-name: the ORName's own tag.
    assert_eq!(find(0x60)[0], 0x30);
    // priority [APPLICATION 7] ENUMERATED urgent.
    assert_eq!(find(0x47), vec![2]);
    // this-recipient-name [4] IMPLICIT ORName: a4 { 30 … }, not a4 { 60 … }.
    assert_eq!(find(0xa4)[0], 0x30);
    // message-submission-time [7] IMPLICIT UTCTime.
    assert!(find(0x87).ends_with(b"Z"));
    // content-identifier [8] IMPLICIT PrintableString.
    assert_eq!(find(0x88), b"CID-42".to_vec());
    // other-recipient-names [3] SEQUENCE OF ORName: a3 { 60 … }.
    assert_eq!(find(0xa3)[0], 0x60);
}

#[test]
fn submission_uses_application_6_for_built_in_content_type() {
    let arg = MessageSubmissionArgument {
        envelope: MessageSubmissionEnvelope {
            originator_name: name("C=GB;A= ;P=SMHS;O=Store;S=Me"),
            original_encoded_information_types: None,
            content_type: ContentType::BuiltIn(22),
            content_identifier: None,
            priority: None,
            per_message_indicators: None,
            deferred_delivery_time: None,
            extensions: None,
            per_recipient_fields: vec![PerRecipientMessageSubmissionFields {
                recipient_name: name("C=GB;A= ;P=SMHS;O=Store;S=You"),
                originator_report_request: BitString::repeat(false, 5),
                explicit_conversion: None,
                extensions: None,
            }],
        },
        content: OctetString::from_static(b"x"),
    };
    let bytes = x411::encode(&arg).unwrap();
    let (outer, _) = split_tlv(&bytes);
    let comps = components_of(&tlv_bytes(&children(outer.contents)[0]));
    assert!(
        comps.iter().any(|c| c.0 == 0x46 && c.1 == vec![22]),
        "{}",
        hex(&bytes)
    );
    assert!(
        comps.iter().any(|c| c.0 == 0xa1),
        "per-recipient-fields [1]"
    );
}

#[test]
fn extended_content_type_is_sent_as_a_full_oid_and_relative_oid_is_accepted() {
    let p772 = oid(&[1, 3, 26, 0, 4406, 0, 4, 1]);
    let mut arg = sample_delivery();
    arg.other_fields.content_type = DeliveredContentType(ContentType::Extended(p772.clone()));
    let bytes = x411::encode(&arg).unwrap();
    let needle = [0x06, 0x08, 0x2b, 0x1a, 0x00, 0xa2, 0x36, 0x00, 0x04, 0x01];
    assert!(
        bytes.windows(needle.len()).any(|w| w == needle),
        "{}",
        hex(&bytes)
    );

    // The same SET with the content type as a RELATIVE-OID (tag 0d).
    let rel = x411::encode(&sample_delivery()).unwrap();
    let rel = replace_component(&rel, &[0x80, 0x01, 0x16], &[0x0d, 0x03, 0x81, 0x00, 0x05]);
    let back: MessageDeliveryArgument = x411::decode(&rel).unwrap();
    assert_eq!(
        back.other_fields.content_type,
        DeliveredContentType(ContentType::ExtendedRelative(vec![128, 5]))
    );
    // Sent back as it came: tag 0d with the same arcs.
    let again = x411::encode(&back).unwrap();
    let rel_tlv = [0x0d, 0x03, 0x81, 0x00, 0x05];
    assert!(again.windows(5).any(|w| w == rel_tlv), "{}", hex(&again));
    assert_eq!(
        x411::decode::<MessageDeliveryArgument>(&again).unwrap(),
        back
    );
}

#[test]
fn a_1988_content_type_in_a_delivery_is_accepted() {
    let bytes = x411::encode(&sample_delivery()).unwrap();
    let old = replace_component(&bytes, &[0x80, 0x01, 0x16], &[0x46, 0x01, 0x16]);
    let back: MessageDeliveryArgument = x411::decode(&old).unwrap();
    assert_eq!(back, sample_delivery());
}

#[test]
fn unknown_envelope_components_are_skipped() {
    let bytes = x411::encode(&sample_delivery()).unwrap();
    // A future [20] component and an unknown [APPLICATION 30] constructed one.
    let newer = replace_component(
        &bytes,
        &[0x80, 0x01, 0x16],
        &[
            0x80, 0x01, 0x16, 0x94, 0x01, 0xff, 0x7e, 0x03, 0x02, 0x01, 0x00,
        ],
    );
    let back: MessageDeliveryArgument = x411::decode(&newer).unwrap();
    assert_eq!(back, sample_delivery());
    // The same with indefinite lengths throughout, the unknown constructed one included.
    let back: MessageDeliveryArgument =
        x411::decode(&rewrite(&newer, Lengths::Indefinite)).unwrap();
    assert_eq!(back, sample_delivery());
}

#[test]
fn duplicate_and_missing_components_are_refused() {
    let bytes = x411::encode(&sample_delivery()).unwrap();
    let dup = replace_component(
        &bytes,
        &[0x80, 0x01, 0x16],
        &[0x80, 0x01, 0x16, 0x80, 0x01, 0x02],
    );
    assert!(x411::decode::<MessageDeliveryArgument>(&dup).is_err());
    let missing = replace_component(&bytes, &[0x80, 0x01, 0x16], &[]);
    assert!(x411::decode::<MessageDeliveryArgument>(&missing).is_err());
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = x411::encode(&sample_delivery()).unwrap();
    bytes.push(0);
    assert!(matches!(
        x411::decode::<MessageDeliveryArgument>(&bytes),
        Err(X411Error::TrailingData(1))
    ));
}

/// Replaces the first occurrence of `old` (a whole component of the envelope SET) by `new`,
/// fixing the lengths of the SET and the outer SEQUENCE.
fn replace_component(bytes: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let (outer, _) = split_tlv(bytes);
    let mut body = Vec::new();
    let mut replaced = false;
    for (i, k) in children(outer.contents).iter().enumerate() {
        if i == 2 {
            let mut set_body = Vec::new();
            for c in children(k.contents) {
                let whole = tlv_bytes(&c);
                if !replaced && whole == old {
                    set_body.extend_from_slice(new);
                    replaced = true;
                } else {
                    set_body.extend_from_slice(&whole);
                }
            }
            body.push(0x31);
            body.extend(len_octets(set_body.len()));
            body.extend(set_body);
        } else {
            body.extend(tlv_bytes(k));
        }
    }
    assert!(replaced, "component not found");
    let mut out = vec![0x30];
    out.extend(len_octets(body.len()));
    out.extend(body);
    out
}

// ---------------------------------------------------------------------------------------------
// tshark as an independent decoder
//
// tshark decodes P3 only inside an OSI stack, so the test wraps our bytes in the smallest stack
// it follows and writes a one-packet pcap with link type 147 (USER0), which the `user_dlts` UAT
// hands to the session dissector:
// - MessageDeliveryArgument: session Give-Tokens + Data-Transfer SPDUs (`01 00 01 00`), then a
//   presentation fully-encoded-data PDV on context 3 carrying a ROS invoke of operation 5. The
//   context → abstract syntax binding (3 → id-as-mdse-88, 2.6.0.2.2) comes from the
//   `pres_context_list` UAT, as no CP was seen.
// - MTSBindArgument: a session CONNECT SPDU whose user data is a CP-type PPDU defining contexts
//   1 (ACSE) and 3 (id-as-mts, 2.6.0.2.11), carrying an AARQ whose user-information EXTERNAL
//   (indirect-reference 3) holds the ROS bind-invoke `b0 { 31 … }`.
// Pass: tshark shows our values, no "Malformed", no BER error, no warning or error expert info.

fn invoke_packet(opcode: u8, argument: &[u8]) -> Vec<u8> {
    pcap_user0(&[&invoke(opcode, argument)])
}

fn result_packet(opcode: u8, result: &[u8]) -> Vec<u8> {
    pcap_user0(&[&tshark::result(opcode, result)])
}

fn error_packet(code: u8, parameter: &[u8]) -> Vec<u8> {
    pcap_user0(&[&error(code, parameter)])
}

/// The MTS-bind argument in the AARQ of a session CONNECT (ROS bind-invoke `b0`), contexts 1
/// (ACSE) and 3 (id-as-mts) for mts-forced-access-88.
fn bind_packet(argument: &[u8]) -> Vec<u8> {
    let ui = external(&tlv(0xb0, argument));
    pcap_user0(&[&connect_spdu(
        ID_AC_MTS_FORCED_ACCESS_88,
        ID_AS_MTS,
        Some(ui),
    )])
}

/// A CONNECT without bind data, then the ACCEPT whose CPA carries an AARE with the MTS-bind
/// result (ROS bind-result `b1`).
fn bind_result_packets(result: &[u8]) -> Vec<u8> {
    let connect = connect_spdu(ID_AC_MTS_FORCED_ACCESS_88, ID_AS_MTS, None);
    let accept = accept_spdu(ID_AC_MTS_FORCED_ACCESS_88, 0, &tlv(0xb1, result));
    pcap_user0(&[&connect, &accept])
}

fn tshark_time(t: &Time) -> String {
    t.format("%y-%m-%d %H:%M:%S (UTC)").to_string()
}

#[test]
fn tshark_decodes_our_message_delivery_argument() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let mut arg = sample_delivery();
    // A minimal IPM so that tshark's X.420 dissector has a content to show: this-IPM "AB".
    arg.content = OctetString::from_static(b"\xa0\x0a\x31\x06\x6b\x04\x13\x02AB\x30\x00");
    let bytes = x411::encode(&arg).unwrap();
    let f = &arg.other_fields;
    for (form, bytes) in [
        ("definite", bytes.clone()),
        ("indefinite", rewrite(&bytes, Lengths::Indefinite)),
    ] {
        let text = run_tshark(&tshark, &invoke_packet(5, &bytes), ID_AS_MDSE_88);
        assert_clean(&text);
        // (label, value) pairs that must appear on one line of tshark's tree. tshark writes
        // "originator-name 0 items (…)" for an indefinite-length name, so only the label and
        // the value are matched.
        for (label, value) in [
            ("MessageDeliveryArgument", String::new()),
            ("local-identifier: ", "mstore.0001".to_string()),
            (
                "message-delivery-time: ",
                tshark_time(&arg.message_delivery_time),
            ),
            (
                "originator-name",
                "(/C=GB/A= /P=SMHS/O=Percival/S=Gal/)".to_string(),
            ),
            (
                "this-recipient-name",
                "(/C=GB/A= /P=SMHS/O=Store/S=Recipient/)".to_string(),
            ),
            (
                "OtherRecipientName",
                "(/C=GB/A= /P=SMHS/O=Percival/S=Other/)".to_string(),
            ),
            ("priority: ", "urgent (2)".to_string()),
            (
                "built-in: ",
                "interpersonal-messaging-1988 (22)".to_string(),
            ),
            (
                "message-submission-time: ",
                tshark_time(&f.message_submission_time),
            ),
            ("content-identifier: ", "CID-42".to_string()),
            ("user-relative-identifier: ", "AB".to_string()),
        ] {
            assert!(
                text.lines()
                    .any(|l| l.contains(label) && l.contains(&value)),
                "{form}: tshark does not show {label}{value}:\n{text}"
            );
        }
    }
}

#[test]
fn tshark_decodes_our_extended_content_type_and_extensions() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let mut arg = sample_delivery();
    arg.other_fields.content_type =
        DeliveredContentType(ContentType::Extended(oid(&[1, 3, 26, 0, 4406, 0, 4, 1])));
    arg.other_fields.original_encoded_information_types = Some(EncodedInformationTypes {
        built_in_encoded_information_types: [false, false, true].into_iter().collect(),
        g3_facsimile: None,
        teletex: None,
        extended_encoded_information_types: None,
    });
    arg.other_fields.extensions = Some(vec![ExtensionField {
        r#type: ExtensionType::StandardExtension(
            standard_extension::CONVERSION_WITH_LOSS_PROHIBITED,
        ),
        criticality: None,
        // ConversionWithLossProhibited ENUMERATED conversion-with-loss-prohibited(1)
        value: Some(Any::new(vec![0x0a, 0x01, 0x01])),
    }]);
    let text = run_tshark(
        &tshark,
        &invoke_packet(5, &x411::encode(&arg).unwrap()),
        ID_AS_MDSE_88,
    );
    assert_shows(
        &text,
        "delivery",
        &[
            "extended: 1.3.26.0.4406.0.4.1",
            "ia5-text",
            "conversion-with-loss-prohibited",
        ],
    );
}

#[test]
fn tshark_decodes_our_mts_bind_argument() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let arg = MTSBindArgument {
        initiator_name: ObjectName::Mta(ia5("mta.example")),
        messages_waiting: None,
        initiator_credentials: Credentials::Simple(Password::Ia5String(ia5("s3cret"))),
        security_context: None,
        extensions: None,
    };
    let text = run_tshark(
        &tshark,
        &bind_packet(&x411::encode(&arg).unwrap()),
        ID_AS_MTS,
    );
    assert_shows(
        &text,
        "bind argument",
        &["MTSBindArgument", "mTA: mta.example", "ia5-string: s3cret"],
    );
}

#[test]
fn tshark_oracle_catches_an_explicit_this_recipient_name() {
    // The oracle must be able to fail: `a4 { 60 … }` (explicit tagging) is what the DESIGN
    // warns about, and tshark flags it.
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let bytes = x411::encode(&sample_delivery()).unwrap();
    let (outer, _) = split_tlv(&bytes);
    let set = &children(outer.contents)[2];
    let this = children(set.contents)
        .into_iter()
        .find(|c| c.identifier[0] == 0xa4)
        .unwrap();
    let old = tlv_bytes(&this);
    let new = tlv(0xa4, &tlv(0x60, this.contents));
    let bad = replace_component(&bytes, &old, &new);
    let text = run_tshark(&tshark, &invoke_packet(5, &bad), ID_AS_MDSE_88);
    assert!(text.contains("Malformed"), "{text}");
}

#[test]
fn deeply_nested_input_is_refused_without_overflowing_the_stack() {
    // The content as a constructed OCTET STRING nested 100 000 deep, indefinite lengths, inside
    // an otherwise valid delivery; and the same nesting as an extension value.
    let bytes = x411::encode(&sample_delivery()).unwrap();
    let (outer, _) = split_tlv(&bytes);
    let kids = children(outer.contents);
    let depth = 100_000;
    let mut deep = Vec::new();
    for _ in 0..depth {
        deep.extend([0x24, 0x80]);
    }
    deep.extend([0x04, 0x00]);
    for _ in 0..depth {
        deep.extend([0x00, 0x00]);
    }
    let mut body = Vec::new();
    for k in &kids[..3] {
        body.extend(tlv_bytes(k));
    }
    body.extend(&deep);
    let mut msg = vec![0x30, 0x80];
    msg.extend(&body);
    msg.extend([0, 0]);
    let _ = x411::decode::<MessageDeliveryArgument>(&msg);

    let mut ext_value = Vec::new();
    for _ in 0..depth {
        ext_value.extend([0x30, 0x80]);
    }
    for _ in 0..depth {
        ext_value.extend([0x00, 0x00]);
    }
    let mut ext = vec![0x30, 0x80, 0x80, 0x01, 0x14, 0xa2, 0x80];
    ext.extend(&ext_value);
    ext.extend([0, 0, 0, 0]);
    let mut set = vec![0xa5, 0x80];
    set.extend(&ext);
    set.extend([0, 0]);
    let mut bind = vec![0x31, 0x80, 0x80, 0x01, 0x6d, 0xa2, 0x02, 0x16, 0x00];
    bind.extend(&set);
    bind.extend([0, 0]);
    let _ = x411::decode::<MTSBindArgument>(&bind);
}

fn security_label() -> SecurityLabel {
    // SecurityLabel SET { security-policy-identifier 1.2.3.4, security-classification
    // unclassified(1), privacy-mark "TEST" }.
    SecurityLabel(Any::new(vec![
        0x31, 0x0e, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x02, 0x01, 0x01, 0x13, 0x04, b'T', b'E', b'S',
        b'T',
    ]))
}

#[test]
fn tshark_decodes_a_full_mts_bind_argument() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let queue = |m, o| DeliveryQueue {
        messages: m,
        octets: o,
    };
    let arg = MTSBindArgument {
        initiator_name: ObjectName::UserAgent(name("C=GB;A= ;P=SMHS;O=Store;S=Agent")),
        messages_waiting: Some(MessagesWaiting {
            urgent: queue(1, Some(100)),
            normal: queue(2, None),
            non_urgent: queue(3, Some(300)),
        }),
        initiator_credentials: Credentials::Simple(Password::OctetString(
            OctetString::from_static(b"pw"),
        )),
        security_context: Some(vec![security_label()]),
        extensions: Some(vec![ExtensionField {
            r#type: ExtensionType::PrivateExtension(oid(&[1, 2, 3, 4, 5])),
            criticality: None,
            value: Some(Any::new(vec![0x05, 0x00])),
        }]),
    };
    let bytes = x411::encode(&arg).unwrap();
    assert_eq!(x411::decode::<MTSBindArgument>(&bytes).unwrap(), arg);
    let text = run_tshark(&tshark, &bind_packet(&bytes), ID_AS_MTS);
    assert_shows(
        &text,
        "bind argument",
        &[
            "user-agent (/C=GB/A= /P=SMHS/O=Store/S=Agent/)",
            "messages-waiting",
            "privacy-mark: ",
            "TEST",
            "unclassified (1)",
            "private-extension: 1.2.3.4.5",
        ],
    );
}

#[test]
fn tshark_decodes_our_submission_and_report() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let submission = MessageSubmissionArgument {
        envelope: MessageSubmissionEnvelope {
            originator_name: name("C=GB;A= ;P=SMHS;O=Store;S=Sender"),
            original_encoded_information_types: None,
            content_type: ContentType::BuiltIn(22),
            content_identifier: Some(printable("SUB-1")),
            priority: Some(Priority::NonUrgent),
            per_message_indicators: Some([false, false, true].into_iter().collect()),
            deferred_delivery_time: Some(time(1_764_400_000)),
            extensions: None,
            per_recipient_fields: vec![PerRecipientMessageSubmissionFields {
                recipient_name: name("C=GB;A= ;P=SMHS;O=Percival;S=Gal"),
                originator_report_request: [false, false, false, true].into_iter().collect(),
                explicit_conversion: None,
                extensions: None,
            }],
        },
        content: OctetString::from_static(b"\xa0\x0a\x31\x06\x6b\x04\x13\x02AB\x30\x00"),
    };
    let text = run_tshark(
        &tshark,
        &invoke_packet(3, &x411::encode(&submission).unwrap()),
        ID_AS_MSSE,
    );
    assert_shows(
        &text,
        "submission",
        &[
            "MessageSubmissionArgument",
            "(/C=GB/A= /P=SMHS/O=Store/S=Sender/)",
            "(/C=GB/A= /P=SMHS/O=Percival/S=Gal/)",
            "content-identifier: SUB-1",
            "priority: non-urgent (1)",
            "alternate-recipient-allowed",
            "report",
        ],
    );

    let result = MessageSubmissionResult {
        message_submission_identifier: mts_id(Some("SMHS"), "sub.0001"),
        message_submission_time: time(1_764_400_100),
        content_identifier: None,
        extensions: None,
    };
    let text = run_tshark(
        &tshark,
        &result_packet(3, &x411::encode(&result).unwrap()),
        ID_AS_MSSE,
    );
    assert_shows(
        &text,
        "result",
        &["MessageSubmissionResult", "local-identifier: sub.0001"],
    );

    let report = ReportDeliveryArgument {
        subject_submission_identifier: mts_id(Some("SMHS"), "sub.0001"),
        content_identifier: Some(printable("SUB-1")),
        content_type: Some(ContentType::BuiltIn(22)),
        original_encoded_information_types: None,
        extensions: None,
        per_recipient_fields: vec![
            PerRecipientReportDeliveryFields {
                actual_recipient_name: name("C=GB;A= ;P=SMHS;O=Percival;S=Gal"),
                report_type: ReportType::NonDelivery(NonDeliveryReport {
                    non_delivery_reason_code: non_delivery_reason::UNABLE_TO_TRANSFER,
                    non_delivery_diagnostic_code: Some(
                        non_delivery_diagnostic::UNRECOGNISED_OR_NAME,
                    ),
                }),
                converted_encoded_information_types: None,
                originally_intended_recipient_name: None,
                supplementary_information: Some(printable("no such user")),
                extensions: None,
            },
            PerRecipientReportDeliveryFields {
                actual_recipient_name: name("C=GB;A= ;P=SMHS;O=Percival;S=Other"),
                report_type: ReportType::Delivery(DeliveryReport {
                    message_delivery_time: time(1_764_400_200),
                    type_of_mts_user: Some(type_of_mts_user::MS),
                }),
                converted_encoded_information_types: None,
                originally_intended_recipient_name: None,
                supplementary_information: None,
                extensions: None,
            },
        ],
        returned_content: None,
    };
    let text = run_tshark(
        &tshark,
        &invoke_packet(6, &x411::encode(&report).unwrap()),
        ID_AS_MDSE_88,
    );
    assert_shows(
        &text,
        "report",
        &[
            "ReportDeliveryArgument",
            "local-identifier: sub.0001",
            "non-delivery-reason-code: unable-to-transfer (1)",
            "non-delivery-diagnostic-code: unrecognised-OR-name (0)",
            "supplementary-information: no such user",
            "type-of-MTS-user: ms (2)",
            "(/C=GB/A= /P=SMHS/O=Percival/S=Other/)",
        ],
    );
}

#[test]
fn tshark_decodes_our_mts_bind_result() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let result = MTSBindResult {
        responder_name: ObjectName::MessageStore(name("C=GB;A= ;P=SMHS;O=Store")),
        messages_waiting: None,
        responder_credentials: Credentials::Simple(Password::Ia5String(ia5("reply"))),
        extensions: None,
    };
    let text = run_tshark(
        &tshark,
        &bind_result_packets(&x411::encode(&result).unwrap()),
        ID_AS_MTS,
    );
    assert_shows(
        &text,
        "bind result",
        &[
            "MTSBindResult",
            "message-store (/C=GB/A= /P=SMHS/O=Store/)",
            "ia5-string: reply",
        ],
    );
}

/// The contents of a definite-length TLV.
fn contents_of(tlv: &[u8]) -> &[u8] {
    split_tlv(tlv).0.contents
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn received_delivery_keeps_envelope_and_content_as_sent(
        x in arb_delivery(),
        indefinite in any::<bool>(),
    ) {
        let mut bytes = x411::encode(&x).unwrap();
        if indefinite {
            bytes = rewrite(&bytes, Lengths::Indefinite);
        }
        let r = decode_message_delivery(&bytes).unwrap();
        // Opaque parts keep the received length forms: compare canonical encodings.
        let canon = |v: &dyn Fn() -> Vec<u8>| hex(&canonical(&v()));
        prop_assert_eq!(
            canon(&|| x411::encode(&r.argument).unwrap()),
            canon(&|| x411::encode(&x).unwrap())
        );
        prop_assert_eq!(&r.content[..], &x.content[..]);
        // The envelope's components are the received bytes, unchanged.
        prop_assert!(contains(&bytes, contents_of(&r.envelope)));
        let env: MessageDeliveryEnvelope = x411::decode(&r.envelope).unwrap();
        let expected = MessageDeliveryEnvelope {
            message_delivery_identifier: x.message_delivery_identifier.clone(),
            message_delivery_time: x.message_delivery_time,
            other_fields: x.other_fields.clone(),
        };
        prop_assert_eq!(
            canon(&|| x411::encode(&env).unwrap()),
            canon(&|| x411::encode(&expected).unwrap())
        );
    }

    #[test]
    fn received_report_keeps_envelope_and_returned_content(x in arb_report()) {
        let bytes = x411::encode(&x).unwrap();
        let r = decode_report_delivery(&bytes).unwrap();
        prop_assert_eq!(&r.argument, &x);
        prop_assert_eq!(
            r.returned_content.as_deref(),
            x.returned_content.as_deref()
        );
        let env: ReportDeliveryEnvelope = x411::decode(&r.envelope).unwrap();
        let mut without = x.clone();
        without.returned_content = None;
        prop_assert_eq!(env, without);
    }
}

#[test]
fn received_delivery_refuses_what_decode_refuses() {
    let bytes = x411::encode(&sample_delivery()).unwrap();
    for cut in 0..bytes.len() {
        assert!(decode_message_delivery(&bytes[..cut]).is_err());
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(decode_message_delivery(&long).is_err());
}

#[test]
fn tshark_decodes_our_controls_waiting_and_errors() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let controls = DeliveryControlArgument {
        restrict: Some(false),
        permissible_operations: Some([false, true].into_iter().collect()),
        permissible_maximum_content_length: Some(65536),
        permissible_lowest_priority: Some(Priority::Urgent),
        permissible_content_types: Some(vec![
            ContentType::BuiltIn(22),
            ContentType::Extended(oid(&[1, 3, 26, 0, 4406, 0, 4, 1])),
        ]),
        permissible_encoded_information_types: None,
        permissible_encoded_information_types_88: None,
        permissible_security_context: None,
        extensions: None,
    };
    let text = run_tshark(
        &tshark,
        &invoke_packet(2, &x411::encode(&controls).unwrap()),
        ID_AS_MDSE_88,
    );
    assert_shows(
        &text,
        "controls",
        &[
            "permissible-maximum-content-length: 65536",
            "permissible-lowest-priority: urgent (2)",
            "interpersonal-messaging-1988 (22)",
            "1.3.26.0.4406.0.4.1",
        ],
    );

    let waiting = DeliveryControlResult {
        waiting_operations: Some([false, true].into_iter().collect()),
        waiting_messages: Some([true].into_iter().collect()),
        waiting_content_types: Some(vec![ContentType::BuiltIn(22)]),
        waiting_encoded_information_types: None,
        extensions: None,
    };
    let text = run_tshark(
        &tshark,
        &result_packet(2, &x411::encode(&waiting).unwrap()),
        ID_AS_MDSE_88,
    );
    assert_shows(
        &text,
        "waiting",
        &[
            "waiting-operations",
            "long-content",
            "interpersonal-messaging-1988 (22)",
        ],
    );

    let text = run_tshark(
        &tshark,
        &error_packet(
            err::SECURITY_ERROR as u8,
            &x411::encode(&SecurityProblem::UNAUTHORISED_RECIPIENT_NAME).unwrap(),
        ),
        ID_AS_MDSE_88,
    );
    assert_clean(&text);
    assert!(text.contains("unauthorised-recipient-name (30)"), "{text}");

    let recipients: ImproperlySpecifiedRecipients =
        vec![name("C=GB;A= ;P=SMHS;O=Percival;S=Nobody")];
    let text = run_tshark(
        &tshark,
        &error_packet(
            err::RECIPIENT_IMPROPERLY_SPECIFIED as u8,
            &x411::encode(&recipients).unwrap(),
        ),
        // tshark gives id-as-msse to its P7 dissector (the syntax is shared with
        // ms-access-88); its P3 error table is the same on every P3 syntax.
        ID_AS_MDSE_88,
    );
    assert_clean(&text);
    assert!(
        text.contains("(/C=GB/A= /P=SMHS/O=Percival/S=Nobody/)"),
        "{text}"
    );

    let refused = RefusedOperation {
        refused_argument: RefusedArgumentChoice::BuiltInArgument(12),
        refusal_reason: 2,
    };
    let text = run_tshark(
        &tshark,
        &error_packet(
            err::OPERATION_REFUSED as u8,
            &x411::encode(&refused).unwrap(),
        ),
        ID_AS_MDSE_88,
    );
    assert_shows(
        &text,
        "refused",
        &[
            "permissible-lowest-priority (12)",
            "parameter-unacceptable (2)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Real vendor bytes: the P1 envelope of the Nexor / Isode-era capture shares X.411's common
// types (MTSIdentifier, ORName, EncodedInformationTypes, ContentType, ExtensionField).

/// Splits one TLV, definite or indefinite length, off `b`: (the TLV as it is, the rest).
fn split_raw(b: &[u8]) -> (&[u8], &[u8]) {
    let mut i = 1;
    if b[0] & 0x1f == 0x1f {
        while b[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let first = b[i] as usize;
    i += 1;
    if first == 0x80 {
        let mut r = &b[i..];
        while r[..2] != [0, 0] {
            r = split_raw(r).1;
        }
        let end = b.len() - r.len() + 2;
        return (&b[..end], &b[end..]);
    }
    let len = if first < 0x80 {
        first
    } else {
        let n = first & 0x7f;
        let l = b[i..i + n]
            .iter()
            .fold(0usize, |l, &x| (l << 8) | x as usize);
        i += n;
        l
    };
    (&b[..i + len], &b[i + len..])
}

/// The components of a constructed TLV (either length form), each as it is.
fn raw_components(tlv: &[u8]) -> Vec<&[u8]> {
    let mut i = 1;
    if tlv[0] & 0x1f == 0x1f {
        while tlv[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let first = tlv[i] as usize;
    let mut r = if first == 0x80 {
        &tlv[i + 1..tlv.len() - 2]
    } else if first < 0x80 {
        &tlv[i + 1..]
    } else {
        &tlv[i + 1 + (first & 0x7f)..]
    };
    let mut out = Vec::new();
    while !r.is_empty() {
        let (c, rest) = split_raw(r);
        out.push(c);
        r = rest;
    }
    out
}

fn json_find<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m
            .get(key)
            .or_else(|| m.values().find_map(|x| json_find(x, key))),
        serde_json::Value::Array(a) => a.iter().find_map(|x| json_find(x, key)),
        _ => None,
    }
}

/// tshark complains about nothing and shows every one of `wants` (`what`: the PDU, for the
/// failure message).
fn assert_shows(text: &str, what: &str, wants: &[&str]) {
    assert_clean(text);
    for want in wants {
        assert!(
            text.contains(want),
            "{what}: tshark does not show {want:?}:\n{text}"
        );
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The first value tshark shows after `label` in its tree.
fn shown<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .unwrap_or_else(|| panic!("tshark shows no {label:?}"))
}

/// tshark's "(/C=gb/A= /P=smhs/…/)" rendering as an ORName.
fn tshark_name(text: &str, label: &str) -> ORName {
    let line = shown(text, label);
    let inner = line
        .split_once("(/")
        .and_then(|(_, r)| r.rsplit_once("/)"))
        .map(|(n, _)| n)
        .unwrap();
    name(&inner.replace('/', ";"))
}

#[test]
fn real_p1_envelope_components_decode_as_tshark_reads_them() {
    let Some(dir) = fixtures() else { return };
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let pcap = dir.join("p772-transfer-success.pcap");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&tshark)
            .arg("-r")
            .arg(&pcap)
            .args(["-Y", "frame.number==20"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&["-T", "json", "-x"])).unwrap();
    let raw = json_find(&json, "p1.message_element_raw").unwrap()[0]
        .as_str()
        .unwrap();
    let message = unhex(raw);
    let (envelope, _) = split_raw(&message);
    let text = run(&["-V"]);

    let mut seen = Vec::new();
    for c in raw_components(envelope) {
        match c[0] {
            0x64 => {
                let id: MTSIdentifier = x411::decode(c).unwrap();
                assert_eq!(
                    id.local_identifier.to_string(),
                    shown(&text, "local-identifier: ")
                );
                check_reencodes(&id, c);
                seen.push("message-identifier");
            }
            0x60 => {
                let n: ORName = x411::decode(c).unwrap();
                assert_eq!(n.address, tshark_name(&text, "originator-name").address);
                seen.push("originator-name");
            }
            0x65 => {
                let e: EncodedInformationTypes = x411::decode(c).unwrap();
                assert!(e.built_in_encoded_information_types.not_any());
                check_reencodes(&e, c);
                seen.push("original-eits");
            }
            0x06 => {
                let t: ContentType = x411::decode(c).unwrap();
                let want = shown(&text, "extended: ").split(' ').next().unwrap();
                match &t {
                    ContentType::Extended(o) => assert_eq!(o.to_string(), want),
                    other => panic!("{other:?}"),
                }
                check_reencodes(&t, c);
                seen.push("content-type");
            }
            0xa3 => {
                // P1 per-message extensions [3] SET OF ExtensionField.
                let mut d = rasn::ber::de::Decoder::new(c, rasn::ber::de::DecoderOptions::ber());
                let exts = <Vec<ExtensionField>>::decode_with_tag(
                    &mut d,
                    rasn::types::Tag::new(rasn::types::Class::Context, 3),
                )
                .unwrap();
                assert!(d.remaining().is_empty());
                assert_eq!(exts.len(), 2);
                let private = shown(&text, "private-extension: ")
                    .split(' ')
                    .next()
                    .unwrap();
                assert_eq!(
                    exts[0].r#type,
                    ExtensionType::PrivateExtension(
                        ObjectIdentifier::new(
                            private
                                .split('.')
                                .map(|a| a.parse().unwrap())
                                .collect::<Vec<u32>>()
                        )
                        .unwrap()
                    )
                );
                // criticality 00 (five unused bits) and value PriorityLevelQualifier high (1).
                assert!(exts[0].criticality.as_ref().unwrap().not_any());
                assert!(shown(&text, "PriorityLevelQualifier: ").contains("(1)"));
                assert_eq!(
                    exts[0].value.as_ref().unwrap().as_bytes(),
                    [0x02, 0x01, 0x01]
                );
                assert!(shown(&text, "standard-extension: ").contains(&format!(
                    "({})",
                    standard_extension::INTERNAL_TRACE_INFORMATION
                )));
                assert_eq!(
                    exts[1].r#type,
                    ExtensionType::StandardExtension(
                        standard_extension::INTERNAL_TRACE_INFORMATION
                    )
                );
                seen.push("extensions");
            }
            _ => {}
        }
    }
    assert_eq!(
        seen,
        [
            "message-identifier",
            "originator-name",
            "original-eits",
            "content-type",
            "extensions"
        ]
    );
}

/// Our encoding of a value decoded from real bytes equals those bytes up to length forms.
fn check_reencodes<T: Encode>(value: &T, received: &[u8]) {
    assert_eq!(
        hex(&canonical(&x411::encode(value).unwrap())),
        hex(&canonical(received))
    );
}

// ---------------------------------------------------------------------------------------------
// Register (administration port)

fn arb_message_class() -> impl Strategy<Value = MessageClass> {
    (
        proptest::option::of(proptest::collection::vec(arb_content_type(), 1..3)),
        proptest::option::of(any::<u32>()),
        proptest::option::of(arb_priority()),
        proptest::option::of(prop_oneof![
            Just(MessageClassObjects::Messages),
            Just(MessageClassObjects::Reports),
            Just(MessageClassObjects::Both),
        ]),
        proptest::option::of(arb_any()),
        arb_extensions(),
    )
        .prop_map(|(ct, len, p, o, a, e)| MessageClass {
            content_types: ct,
            maximum_content_length: len,
            encoded_information_types_constraints: len.map(|_| {
                EncodedInformationTypesConstraints {
                    unacceptable_eits: Some(vec![oid(&[2, 6, 3, 4, 2])]),
                    ..Default::default()
                }
            }),
            security_labels: p.map(|_| vec![security_label()]),
            priority: p.map(|p| vec![p]),
            objects: o,
            applies_only_to: a,
            extensions: e,
        })
}

fn arb_register() -> impl Strategy<Value = RegisterArgument> {
    (
        proptest::option::of(arb_name()),
        proptest::option::of(arb_any()),
        proptest::option::of(proptest::collection::vec(arb_message_class(), 1..3)),
        proptest::option::of(arb_controls()),
        proptest::option::of(arb_any()),
        proptest::option::of(arb_any()),
        proptest::option::of(arb_any()),
        arb_extensions(),
    )
        .prop_map(|(n, ua, dc, ddc, r, rd, rr, e)| RegisterArgument {
            user_name: n,
            user_address: ua,
            deliverable_class: dc,
            default_delivery_controls: ddc.map(|c| Controls {
                extensions: None,
                ..c
            }),
            redirections: r,
            restricted_delivery: rd,
            retrieve_registrations: rr,
            extensions: e,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn register_argument_round_trips(x in arb_register()) { check(&x); }

    #[test]
    fn register_result_round_trips(x in proptest::option::of(arb_register()), e in arb_extensions(), empty in any::<bool>()) {
        let r = if empty {
            RegisterResult::EmptyResult
        } else {
            RegisterResult::NonEmptyResult(Box::new(RegisteredInformation {
                registered_information: x,
                extensions: e,
            }))
        };
        check(&r);
    }

    #[test]
    fn register_88_round_trips(
        n in proptest::option::of(arb_name()),
        eit in proptest::option::of(arb_eits()),
        len in proptest::option::of(any::<u32>()),
        c in proptest::option::of(arb_controls()),
        ct in proptest::option::of(proptest::collection::vec(arb_content_type(), 1..3)),
        lr in proptest::option::of(arb_any()),
    ) {
        check(&Register88 {
            user_name: n,
            user_address: None,
            deliverable_encoded_information_types: eit,
            deliverable_maximum_content_length: len,
            default_delivery_controls: c.map(|c| Controls { extensions: None, ..c }),
            deliverable_content_types: ct,
            labels_and_redirections: lr,
        });
    }

    #[test]
    fn register_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = x411::decode::<RegisterArgument>(&bytes);
        let _ = x411::decode::<RegisterResult>(&bytes);
        let _ = x411::decode::<Register88>(&bytes);
    }
}

#[test]
fn tshark_decodes_our_register_argument() {
    let Some(tshark) = tshark() else {
        eprintln!("SKIPPED: tshark not found; tools/test installs it");
        return;
    };
    let arg = RegisterArgument {
        user_name: Some(name("C=GB;A= ;P=SMHS;O=Store;S=Box")),
        deliverable_class: Some(vec![MessageClass {
            content_types: Some(vec![
                ContentType::BuiltIn(22),
                ContentType::Extended(oid(&[1, 3, 26, 0, 4406, 0, 4, 1])),
            ]),
            maximum_content_length: Some(1_048_576),
            objects: Some(MessageClassObjects::Messages),
            ..Default::default()
        }]),
        default_delivery_controls: Some(Controls {
            permissible_lowest_priority: Some(Priority::NonUrgent),
            ..Default::default()
        }),
        ..Default::default()
    };
    let text = run_tshark(
        &tshark,
        &invoke_packet(op::REGISTER as u8, &x411::encode(&arg).unwrap()),
        ID_AS_MASE_88,
    );
    assert_shows(
        &text,
        "register",
        &[
            "RegisterArgument",
            "(/C=GB/A= /P=SMHS/O=Store/S=Box/)",
            "maximum-content-length: 1048576",
            "objects: messages (0)",
            "1.3.26.0.4406.0.4.1",
            "permissible-lowest-priority: non-urgent (1)",
        ],
    );
}

#[test]
fn content_identifier_outside_printable_string_is_accepted_with_replacements() {
    let bytes = x411::encode(&sample_delivery()).unwrap();
    let mut old = vec![0x88, 0x06];
    old.extend(b"CID-42");
    let mut new = vec![0x88, 0x05];
    new.extend(b"a@b_c");
    let odd = replace_component(&bytes, &old, &new);
    let back: MessageDeliveryArgument = x411::decode(&odd).unwrap();
    assert_eq!(
        back.other_fields.content_identifier,
        Some(printable("a?b?c"))
    );
    // Everything else is as sent; the raw envelope keeps the original octets.
    let mut expected = sample_delivery();
    expected.other_fields.content_identifier = Some(printable("a?b?c"));
    assert_eq!(back, expected);
    let r = decode_message_delivery(&odd).unwrap();
    assert!(contains(&r.envelope, b"a@b_c"));
    // A wrong tag class or a truncated value is still an error.
    let bad = replace_component(&bytes, &old, &[0x88, 0x05, b'a']);
    assert!(x411::decode::<MessageDeliveryArgument>(&bad).is_err());
}
