//! proptest strategies for values several codecs' tests share.

use mstore::address::ORName;
use proptest::prelude::*;
use rasn::types::ObjectIdentifier;

use super::values::name;

pub fn arb_word(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9]{{1,{max}}}")).unwrap()
}

pub fn arb_name() -> impl Strategy<Value = ORName> {
    (
        prop_oneof![Just("GB"), Just("XX"), Just("DE")],
        prop_oneof![Just(" "), Just("ICAO"), Just("BT")],
        arb_word(8),
        arb_word(12),
        proptest::option::of(arb_word(10)),
    )
        .prop_map(|(c, a, p, o, s)| {
            let mut text = format!("C={c};A={a};P={p};O={o}");
            if let Some(s) = s {
                text.push_str(&format!(";S={s}"));
            }
            name(&text)
        })
}

pub fn arb_oid() -> impl Strategy<Value = ObjectIdentifier> {
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
