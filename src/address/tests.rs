//! Unit tests for the X.411 §18 O/R address codec and text forms.

use proptest::prelude::*;
use rasn::prelude::*;

use super::ber::{Reader, put};
use super::*;

// ---------------------------------------------------------------------------------------------
// Generators: every attribute kind, within the X.411 upper bounds.

const PRINTABLE: &str = "[A-Za-z0-9 '()+,\\-./:=?]";

/// Mostly PrintableString values, sometimes any octets (real peers send e.g. `_`; the
/// decoder keeps them and the text form escapes them).
fn printable(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        9 => proptest::string::string_regex(&format!("{PRINTABLE}{{{min},{max}}}")).expect("regex"),
        1 => teletex(min, max),
    ]
}

/// Mostly NumericString values, sometimes any octets.
fn numeric(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        9 => proptest::string::string_regex(&format!("[0-9 ]{{{min},{max}}}")).expect("regex"),
        1 => teletex(min, max),
    ]
}

/// TeletexString: any octets, one char per octet.
fn teletex(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), min..=max)
        .prop_map(|b| b.into_iter().map(char::from).collect())
}

fn domain(min: usize) -> impl Strategy<Value = DomainName> {
    prop_oneof![
        numeric(min, limits::DOMAIN_NAME).prop_map(DomainName::Numeric),
        printable(min, limits::DOMAIN_NAME).prop_map(DomainName::Printable),
    ]
}

fn country() -> impl Strategy<Value = CountryName> {
    prop_oneof![
        proptest::string::string_regex("[0-9]{3}")
            .expect("regex")
            .prop_map(CountryName::X121DccCode),
        printable(2, 2).prop_map(CountryName::Iso3166Alpha2),
    ]
}

fn personal<S: Strategy<Value = String>>(
    f: impl Fn(usize, usize) -> S,
) -> impl Strategy<Value = PersonalName> {
    (
        f(1, limits::SURNAME),
        proptest::option::of(f(1, limits::GIVEN_NAME)),
        proptest::option::of(f(1, limits::INITIALS)),
        proptest::option::of(f(1, limits::GENERATION_QUALIFIER)),
    )
        .prop_map(
            |(surname, given_name, initials, generation_qualifier)| PersonalName {
                surname,
                given_name,
                initials,
                generation_qualifier,
            },
        )
}

fn ddas<S: Strategy<Value = String>>(
    f: impl Fn(usize, usize) -> S,
) -> impl Strategy<Value = Vec<DomainDefinedAttribute>> {
    proptest::collection::vec(
        (f(1, limits::DDA_TYPE), f(1, 40))
            .prop_map(|(attr_type, value)| DomainDefinedAttribute { attr_type, value }),
        0..=limits::DOMAIN_DEFINED_ATTRIBUTES,
    )
}

/// Extension attributes this type keeps raw: types 7..=256 with one primitive TLV as value.
fn other_extension() -> impl Strategy<Value = ExtensionAttribute> {
    (
        7u32..=256,
        prop_oneof![Just(0x04u8), Just(0x13), Just(0x02), Just(0x80)],
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(attr_type, tag, contents)| {
            let mut value = Vec::new();
            put(&mut value, tag, &contents);
            ExtensionAttribute { attr_type, value }
        })
}

prop_compose! {
    fn standard_part()(
        country in proptest::option::of(country()),
        admd in proptest::option::of(domain(0)),
        network_address in proptest::option::of(numeric(1, limits::X121_ADDRESS)),
        terminal_identifier in proptest::option::of(printable(1, limits::TERMINAL_ID)),
        prmd in proptest::option::of(domain(1)),
        organization in proptest::option::of(printable(1, limits::ORGANIZATION_NAME)),
        numeric_user_identifier in proptest::option::of(numeric(1, limits::NUMERIC_USER_ID)),
        personal_name in proptest::option::of(personal(printable)),
        organizational_units in proptest::collection::vec(printable(1, limits::OU_NAME), 0..=4),
        domain_defined in ddas(printable),
    ) -> ORAddress {
        ORAddress {
            country, admd, network_address, terminal_identifier, prmd, organization,
            numeric_user_identifier, personal_name, organizational_units, domain_defined,
            ..ORAddress::default()
        }
    }
}

prop_compose! {
    fn or_address()(
        base in standard_part(),
        common_name in proptest::option::of(printable(1, limits::COMMON_NAME)),
        teletex_common_name in proptest::option::of(teletex(1, limits::COMMON_NAME)),
        teletex_organization in proptest::option::of(teletex(1, limits::ORGANIZATION_NAME)),
        teletex_personal_name in proptest::option::of(personal(teletex)),
        teletex_organizational_units in proptest::collection::vec(teletex(1, limits::OU_NAME), 0..=4),
        teletex_domain_defined in ddas(teletex),
        other_extensions in proptest::collection::vec(other_extension(), 0..3),
    ) -> ORAddress {
        ORAddress {
            common_name, teletex_common_name, teletex_organization, teletex_personal_name,
            teletex_organizational_units, teletex_domain_defined, other_extensions,
            ..base
        }
    }
}

/// A plausible X.501 Name: RDNSequence of RDNs with one printable attribute each.
fn directory_name() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(printable(1, 20), 1..4).prop_map(|values| {
        let mut rdns = Vec::new();
        for v in values {
            let mut atav = Vec::new();
            put(&mut atav, 0x06, &[0x55, 0x04, 0x03]);
            put(&mut atav, 0x13, v.as_bytes());
            let mut seq = Vec::new();
            put(&mut seq, 0x30, &atav);
            put(&mut rdns, 0x31, &seq);
        }
        let mut name = Vec::new();
        put(&mut name, 0x30, &rdns);
        name
    })
}

fn or_name() -> impl Strategy<Value = ORName> {
    (or_address(), proptest::option::of(directory_name())).prop_map(|(address, directory_name)| {
        ORName {
            address,
            directory_name,
        }
    })
}

/// Re-encodes every constructed TLV of `b` with the indefinite length form, as real peers do.
fn indefinite(b: &[u8]) -> Vec<u8> {
    let mut r = Reader::new(b);
    let mut out = Vec::new();
    while !r.is_empty() {
        let start = r.rest();
        let t = r.read().expect("valid BER");
        let used = start.len() - r.rest().len();
        let header = used - t.contents.len();
        if t.constructed {
            // Identifier octets are everything before the length octets.
            let id_len = if start[0] & 0x1f == 0x1f {
                1 + start[1..].iter().position(|b| b & 0x80 == 0).expect("tag") + 1
            } else {
                1
            };
            out.extend_from_slice(&start[..id_len]);
            out.push(0x80);
            out.extend(indefinite(t.contents));
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&start[..header + t.contents.len()]);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ber_round_trip_address(a in or_address()) {
        let b = a.to_ber();
        prop_assert_eq!(ORAddress::from_ber(&b)?, a.clone());
        // Indefinite lengths decode to the same value.
        prop_assert_eq!(ORAddress::from_ber(&indefinite(&b))?, a.clone());
        // Through rasn as well.
        prop_assert_eq!(rasn::ber::encode(&a).expect("encode"), b.clone());
        prop_assert_eq!(rasn::ber::decode::<ORAddress>(&b).expect("decode"), a);
    }

    #[test]
    fn ber_round_trip_name(n in or_name()) {
        let b = n.to_ber();
        prop_assert_eq!(b[0], 0x60);
        prop_assert_eq!(ORName::from_ber(&b)?, n.clone());
        // Indefinite lengths: the same address; the opaque directory name is kept as received.
        let ind = ORName::from_ber(&indefinite(&b))?;
        prop_assert_eq!(&ind.address, &n.address);
        prop_assert_eq!(ind.directory_name.is_some(), n.directory_name.is_some());
        let (m, used) = ORName::from_ber_prefix(&[b.as_slice(), &[0x05, 0x00]].concat())?;
        prop_assert_eq!(used, b.len());
        prop_assert_eq!(&m, &n);
        prop_assert_eq!(rasn::ber::encode(&n).expect("encode"), b.clone());
        prop_assert_eq!(rasn::ber::decode::<ORName>(&indefinite(&b)).expect("decode").address, n.address.clone());
        prop_assert_eq!(rasn::ber::decode::<ORName>(&b).expect("decode"), n);
    }

    #[test]
    fn text_round_trip(a in or_address()) {
        let text = a.to_string();
        let back: ORAddress = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&back, &a, "text was {}", text);
        // The canonical form is a fixed point and is itself valid text.
        let canon = a.canonical();
        let reparsed: ORAddress = canon.parse().map_err(|e| TestCaseError::fail(format!("{canon}: {e}")))?;
        prop_assert_eq!(reparsed.canonical(), canon.clone());
        prop_assert!(a.matches(&reparsed));
    }

    #[test]
    fn text_round_trip_name(n in or_name()) {
        let back: ORName = n.to_string().parse()?;
        prop_assert_eq!(back.address, n.address);
        prop_assert_eq!(back.directory_name, None);
    }

    #[test]
    fn canonical_ignores_case_and_spacing(a in standard_part()) {
        // Upper-case every string and pad the ones that may be padded (not the fixed-size
        // country code): the address must still match.
        let mut b = a.normalized();
        if let Some(o) = &mut b.organization {
            *o = format!("  {}  ", o.to_ascii_lowercase().replace(' ', "   "));
        }
        for ou in &mut b.organizational_units {
            *ou = ou.to_ascii_lowercase();
        }
        prop_assert!(a.matches(&b), "{} vs {}", a.canonical(), b.canonical());
    }

    #[test]
    fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = ORName::from_ber(&b);
        let _ = ORAddress::from_ber(&b);
        let _ = ORName::from_ber_prefix(&b);
        let _ = rasn::ber::decode::<ORName>(&b);
        let _ = rasn::ber::decode::<ORAddress>(&b);
    }

    #[test]
    fn mutated_encodings_never_panic(
        n in or_name(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut b = n.to_ber();
        for (i, v) in edits {
            let i = i.index(b.len());
            b[i] = v;
        }
        let _ = ORName::from_ber(&b);
        let _ = ORAddress::from_ber(&b);
        let _ = rasn::ber::decode::<ORName>(&b);
    }

    #[test]
    fn truncated_encodings_fail(n in or_name()) {
        for b in [n.to_ber(), indefinite(&n.to_ber())] {
            for cut in 0..b.len() {
                prop_assert!(ORName::from_ber(&b[..cut]).is_err());
            }
        }
    }

    #[test]
    fn random_text_never_panics(s in "[A-Za-z0-9=;/ \\\\:#\"x-]{0,40}") {
        if let Ok(a) = s.parse::<ORAddress>() {
            // Whatever parses prints to something that parses back to the same value.
            prop_assert_eq!(a.to_string().parse::<ORAddress>()?, a);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AMHS addressing schemes

const CAAS: &str = "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA";
const XF: &str = "C=XX;A=ICAO;P=AFTN;O=AFTN;OU1=EGLLZPZX";

#[test]
fn caas_address() {
    let a: ORAddress = CAAS.parse().unwrap();
    assert_eq!(a.country, Some(CountryName::Iso3166Alpha2("XX".into())));
    assert_eq!(a.admd, Some(DomainName::Printable("ICAO".into())));
    assert_eq!(a.prmd, Some(DomainName::Printable("HONGKONG".into())));
    assert_eq!(a.organization.as_deref(), Some("HKGCAD"));
    assert_eq!(a.organizational_units, vec!["VHHH".to_string()]);
    assert_eq!(a.common_name.as_deref(), Some("VHHHZQZA"));
    assert_eq!(a.to_string(), CAAS);
    assert_eq!(a.canonical(), CAAS);
    assert_eq!(ORAddress::from_ber(&a.to_ber()).unwrap(), a);
    // The common name is extension attribute 1: SET { SEQUENCE { [0] 1, [1] { PrintableString } } }.
    let b = a.to_ber();
    let ext = [
        0x31, 0x11, 0x30, 0x0f, 0x80, 0x01, 0x01, 0xa1, 0x0a, 0x13, 0x08,
    ];
    assert!(b.windows(ext.len()).any(|w| w == ext), "{b:02x?}");
}

#[test]
fn xf_address() {
    let a: ORAddress = XF.parse().unwrap();
    assert_eq!(a.organization.as_deref(), Some("AFTN"));
    assert_eq!(a.organizational_units, vec!["EGLLZPZX".to_string()]);
    assert_eq!(a.common_name, None);
    assert_eq!(a.to_string(), XF);
    // Exact BER, built from the X.411 tags by hand.
    let mut bisa = Vec::new();
    put(&mut bisa, 0x61, &[0x13, 0x02, b'X', b'X']);
    put(&mut bisa, 0x62, &[0x13, 0x04, b'I', b'C', b'A', b'O']);
    put(&mut bisa, 0xa2, &[0x13, 0x04, b'A', b'F', b'T', b'N']);
    put(&mut bisa, 0x83, b"AFTN");
    let mut ous = Vec::new();
    put(&mut ous, 0x13, b"EGLLZPZX");
    put(&mut bisa, 0xa6, &ous);
    let mut seq = Vec::new();
    put(&mut seq, 0x30, &bisa);
    let mut name = Vec::new();
    put(&mut name, 0x60, &seq);
    assert_eq!(ORName::new(a.clone()).to_ber(), name);
    let mut addr = Vec::new();
    put(&mut addr, 0x30, &seq);
    assert_eq!(a.to_ber(), addr);
}

#[test]
fn caas_and_xf_do_not_match() {
    let caas: ORAddress = CAAS.parse().unwrap();
    let xf: ORAddress = "C=XX;A=ICAO;P=HONGKONG;O=AFTN;OU1=VHHHZQZA"
        .parse()
        .unwrap();
    assert!(!caas.matches(&xf));
}

// ---------------------------------------------------------------------------------------------
// Matching

fn m(a: &str, b: &str) -> bool {
    let a: ORAddress = a.parse().unwrap();
    let b: ORAddress = b.parse().unwrap();
    a.matches(&b)
}

#[test]
fn matching_rules() {
    // Case.
    assert!(m(
        CAAS,
        "c=xx;a=icao;p=HongKong;o=hkgcad;ou1=vhhh;cn=vhhhzqza"
    ));
    // Leading, trailing and repeated spaces.
    assert!(m(
        "C=XX;A=ICAO;P=X;O=HKG CAD",
        "C=XX;A=ICAO;P=X;O=  HKG    CAD  "
    ));
    assert!(m(
        "C=XX;A=ICAO;P=X;S=Smith;G=John",
        " C = XX ; A = ICAO ; P = X ; S = smith ; G = JOHN ;"
    ));
    // Spaces are not removed inside words.
    assert!(!m("C=XX;A=ICAO;P=X;O=HKGCAD", "C=XX;A=ICAO;P=X;O=HKG CAD"));
    // The single-space ADMD and a blank one are the same value.
    assert!(m("C=GB;A= ;P=SMHS", "C=gb;A=;P=smhs"));
    assert!(!m("C=GB;A= ;P=SMHS", "C=GB;A=ICAO;P=SMHS"));
    // Absent is not the same as the single-space ADMD.
    assert!(!m("C=GB;A= ;P=SMHS", "C=GB;P=SMHS"));
    // Organizational unit order matters.
    assert!(m("C=XX;O=A;OU1=B;OU2=C", "C=XX;O=A;OU1=b;OU2=c"));
    assert!(!m("C=XX;O=A;OU1=B;OU2=C", "C=XX;O=A;OU1=C;OU2=B"));
    // Common name and personal name are different attributes.
    assert!(!m("C=XX;O=A;CN=SMITH", "C=XX;O=A;S=SMITH"));
    assert!(!m("C=XX;O=A;CN=JOHN SMITH", "C=XX;O=A;S=SMITH;G=JOHN"));
    // Different values differ.
    assert!(!m(
        CAAS,
        "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZB"
    ));
    // Numeric and printable alternatives of the same digits are the same PRMD.
    let mut a: ORAddress = "C=XX;P=123".parse().unwrap();
    assert_eq!(a.prmd, Some(DomainName::Numeric("123".into())));
    let b = a.clone();
    a.prmd = Some(DomainName::Printable("123".into()));
    assert!(a.matches(&b));
    assert_ne!(a.to_ber(), b.to_ber());
}

#[test]
fn admd_blank_forms() {
    for admd in ["", " ", "   "] {
        let mut a: ORAddress = "C=GB;P=SMHS".parse().unwrap();
        a.admd = Some(DomainName::Printable(admd.into()));
        assert_eq!(a.canonical(), "C=GB;A= ;P=SMHS");
        // Each keeps its own BER and text form.
        assert_eq!(ORAddress::from_ber(&a.to_ber()).unwrap(), a);
        assert_eq!(a.to_string().parse::<ORAddress>().unwrap(), a);
    }
}

#[test]
fn directory_name_only() {
    // `60 07 30 00 a0 03 30 01 …`: an empty address and a directory name.
    let n = ORName {
        address: ORAddress::default(),
        directory_name: Some(vec![0x30, 0x00]),
    };
    let b = n.to_ber();
    assert_eq!(b, [0x60, 0x06, 0x30, 0x00, 0xa0, 0x02, 0x30, 0x00]);
    let back = ORName::from_ber(&b).unwrap();
    assert!(back.address.is_empty());
    assert_eq!(back, n);
    assert_eq!(n.to_string(), "");
    assert_eq!("".parse::<ORName>(), Err(AddressError::Empty));
}

// ---------------------------------------------------------------------------------------------
// Text forms

#[test]
fn slash_form() {
    let a: ORAddress = "/C=gb/A= /P=smhs/O=percival/S=gal/".parse().unwrap();
    assert_eq!(a.country, Some(CountryName::Iso3166Alpha2("gb".into())));
    assert_eq!(a.admd, Some(DomainName::Printable(" ".into())));
    assert_eq!(a.prmd, Some(DomainName::Printable("smhs".into())));
    assert_eq!(a.organization.as_deref(), Some("percival"));
    assert_eq!(
        a.personal_name.as_ref().map(|p| p.surname.as_str()),
        Some("gal")
    );
    assert_eq!(a.to_string(), "C=gb;A= ;P=smhs;O=percival;S=gal");
    // `OU=` repeats in the slash form.
    let b: ORAddress = "/C=XX/O=A/OU=B/OU=C/".parse().unwrap();
    assert_eq!(
        b.organizational_units,
        vec!["B".to_string(), "C".to_string()]
    );
    // tshark writes domain-defined attributes as `DD.type=value`.
    let c: ORAddress = "/C=XX/A= /P=X/DD.RFC-822=a(a)b.c/".parse().unwrap();
    assert_eq!(c.to_string(), "C=XX;A= ;P=X;DDA:RFC-822=a(a)b.c");
}

#[test]
fn all_keys() {
    let text = "C=234;A=#\"\";P=\\x31;O=Org;OU1=U1;OU2=U2;OU3=U3;OU4=U4;S=Smith;G=John;I=JS;Q=Jr;\
                CN=Common;X121=12345;T=term;UA-ID=42;DDA:RFC-822=a(a)b.c;DDA:x\\x3Dy=v;\
                TT-O=T\\xE9l;TT-OU1=t1;TT-S=M\\xFCller;TT-G=g;TT-CN=tc;TT-DDA:t=v;EXT9=130131";
    let a: ORAddress = text.parse().unwrap();
    assert_eq!(a.country, Some(CountryName::X121DccCode("234".into())));
    assert_eq!(a.admd, Some(DomainName::Numeric(String::new())));
    assert_eq!(a.prmd, Some(DomainName::Printable("1".into())));
    assert_eq!(a.organizational_units.len(), 4);
    assert_eq!(
        a.personal_name
            .as_ref()
            .and_then(|p| p.generation_qualifier.as_deref()),
        Some("Jr")
    );
    assert_eq!(a.network_address.as_deref(), Some("12345"));
    assert_eq!(a.terminal_identifier.as_deref(), Some("term"));
    assert_eq!(a.numeric_user_identifier.as_deref(), Some("42"));
    assert_eq!(a.domain_defined[1].attr_type, "x=y");
    assert_eq!(a.teletex_organization.as_deref(), Some("T\u{e9}l"));
    assert_eq!(
        a.teletex_personal_name.as_ref().map(|p| p.surname.as_str()),
        Some("M\u{fc}ller")
    );
    assert_eq!(a.teletex_domain_defined.len(), 1);
    assert_eq!(
        a.other_extensions,
        vec![ExtensionAttribute {
            attr_type: 9,
            value: vec![0x13, 0x01, 0x31]
        }]
    );
    assert_eq!(a.to_string().parse::<ORAddress>().unwrap(), a);
    assert_eq!(ORAddress::from_ber(&a.to_ber()).unwrap(), a);
    // `N` is another name for UA-ID.
    let b: ORAddress = "C=XX;N=42".parse().unwrap();
    assert_eq!(b.numeric_user_identifier.as_deref(), Some("42"));
}

fn text_error(s: &str) -> String {
    s.parse::<ORAddress>().unwrap_err().to_string()
}

#[test]
fn text_errors_name_the_component() {
    assert_eq!(text_error("C=XX;Q"), "component `Q` has no value");
    assert_eq!(text_error("C=XX;Q="), "component `Q` has no value");
    assert_eq!(
        text_error("C=XX;O=A;FOO=1"),
        "component `FOO` is not a known component"
    );
    assert_eq!(text_error("C=XX;C=YY"), "component `C` is given twice");
    assert_eq!(
        text_error("C=XX;OU2=A"),
        "component `OU2` is given without `OU1`"
    );
    assert_eq!(
        text_error("C=XX;G=John"),
        "component `G` is given without `S`"
    );
    assert_eq!(
        text_error("C=XXX"),
        "component `C` must be two letters or three digits"
    );
    assert!(text_error("C=XX;O=a_b").starts_with("component `O` has a character not allowed"));
    assert_eq!(
        text_error("C=XX;P=ABCDEFGHIJKLMNOPQ"),
        "component `P` is longer than 16 characters"
    );
    assert_eq!(
        text_error("C=XX;OU5=A"),
        "component `OU5` is not a known component"
    );
    assert_eq!(
        text_error("C=XX;X121=12a"),
        "component `X121` has a character not allowed here: 'a'"
    );
    assert_eq!(
        text_error("C=XX;EXT9=13"),
        "component `EXT9` is not the hex of one BER value"
    );
    assert_eq!(
        text_error("C=XX;O=a\\"),
        "component `O` ends with a lone backslash"
    );
    assert_eq!(text_error(""), "empty O/R address");
    assert_eq!(text_error(" ; ; "), "empty O/R address");
    assert_eq!(
        text_error("C=XX;DDA:A=1;DDA:B=2;DDA:C=3;DDA:D=4;DDA:E=5"),
        "component `DDA:E` is one domain-defined attribute too many (at most 4)"
    );
}

// ---------------------------------------------------------------------------------------------
// BER details

#[test]
fn real_capture_originator_and_recipient() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real-captures/p772-content.ber"
    );
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("SKIPPED: fixtures not found at {path}");
        return;
    };
    // Every ORName ([APPLICATION 0], 0x60) that decodes inside the P772 content.
    let names: Vec<(usize, ORName, usize)> = (0..bytes.len())
        .filter(|&i| bytes[i] == 0x60)
        .filter_map(|i| {
            ORName::from_ber_prefix(&bytes[i..])
                .ok()
                .map(|(n, used)| (i, n, used))
        })
        .collect();
    let originator: ORAddress = "/C=gb/A= /P=smhs/O=percival/S=gal/".parse().unwrap();
    let recipient: ORAddress = "/C=gb/A= /P=smhs/O=lancelot/CN=ethereal/".parse().unwrap();
    let found_originator: Vec<_> = names
        .iter()
        .filter(|(_, n, _)| n.address == originator)
        .collect();
    assert!(
        !found_originator.is_empty(),
        "originator not found in {names:?}"
    );
    assert!(
        names.iter().any(|(_, n, _)| n.address == recipient),
        "recipient not found"
    );
    // Re-encoding reproduces the vendor's octets exactly (they are definite-length here).
    for (i, n, used) in &names {
        assert_eq!(n.to_ber(), bytes[*i..*i + *used].to_vec());
    }
    assert_eq!(originator.canonical(), "C=GB;A= ;P=SMHS;O=PERCIVAL;S=GAL");
}

#[test]
fn accepts_components_in_other_orders_and_constructed_strings() {
    // BuiltInStandardAttributes with O before C, and a constructed PrintableString for O.
    let mut bisa = Vec::new();
    let mut o = Vec::new();
    put(&mut o, 0x13, b"HKG");
    put(&mut o, 0x13, b"CAD");
    put(&mut bisa, 0xa3, &o);
    put(&mut bisa, 0x61, &[0x13, 0x02, b'X', b'X']);
    let mut seq = Vec::new();
    put(&mut seq, 0x30, &bisa);
    let mut addr = Vec::new();
    put(&mut addr, 0x30, &seq);
    let a = ORAddress::from_ber(&addr).unwrap();
    assert_eq!(a.to_string(), "C=XX;O=HKGCAD");
}

#[test]
fn characters_outside_the_string_type_are_kept_and_escaped() {
    let good: ORAddress = CAAS.parse().unwrap();
    let mut b = good.to_ber();
    let at = b.windows(4).position(|w| w == b"HKGC").unwrap();
    b[at + 3] = b'_';
    let a = ORAddress::from_ber(&b).unwrap();
    assert_eq!(a.organization.as_deref(), Some("HKG_AD"));
    assert_eq!(a.to_ber(), b);
    let text = a.to_string();
    assert!(text.contains("O=HKG\\x5FAD"), "{text}");
    assert_eq!(text.parse::<ORAddress>().unwrap(), a);
    // Typed literally, the character is refused: operators get PrintableStrings.
    assert!(text_error("C=XX;O=HKG_AD").starts_with("component `O` has a character"));
}

#[test]
fn rejects_bad_ber() {
    let good = "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA"
        .parse::<ORAddress>()
        .unwrap();
    let b = ORName::new(good).to_ber();
    // Trailing data.
    assert!(ORName::from_ber(&[b.as_slice(), &[0]].concat()).is_err());
    // Wrong outer tag.
    let mut wrong = b.clone();
    wrong[0] = 0x30;
    assert!(ORName::from_ber(&wrong).is_err());
    // Five organizational units.
    let mut ous = Vec::new();
    for _ in 0..5 {
        put(&mut ous, 0x13, b"U");
    }
    let mut bisa = Vec::new();
    put(&mut bisa, 0xa6, &ous);
    let mut seq = Vec::new();
    put(&mut seq, 0x30, &bisa);
    let mut name = Vec::new();
    put(&mut name, 0x60, &seq);
    assert!(ORName::from_ber(&name).is_err());
    // Deep indefinite nesting is refused, not recursed into.
    let mut deep = vec![0x60, 0x80];
    for _ in 0..10_000 {
        deep.extend_from_slice(&[0x30, 0x80]);
    }
    assert!(ORName::from_ber(&deep).is_err());
}

// ---------------------------------------------------------------------------------------------
// rasn integration: IMPLICIT re-tagging as X.411 fields need it.

#[derive(AsnType, Encode, Decode, Debug, PartialEq, Clone)]
struct DeliveryLike {
    originator_name: ORName,
    #[rasn(tag(context, 4))]
    this_recipient_name: ORName,
    #[rasn(tag(context, 5))]
    other: Option<ORName>,
    #[rasn(tag(explicit(context, 6)))]
    explicit_name: ORName,
    address: ORAddress,
    #[rasn(tag(context, 7))]
    tagged_address: Option<ORAddress>,
}

#[derive(AsnType, Encode, Decode, Debug, PartialEq, Clone)]
#[rasn(set)]
struct SetLike {
    #[rasn(tag(context, 4))]
    this_recipient_name: ORName,
    originator_name: ORName,
    #[rasn(tag(context, 2))]
    flag: Option<bool>,
}

#[derive(AsnType, Encode, Decode, Debug, PartialEq, Clone)]
struct ListsLike {
    #[rasn(tag(context, 1))]
    recipients: Vec<ORName>,
    #[rasn(tag(context, 2))]
    exempted: rasn::types::SetOf<ORName>,
}

#[test]
fn sequence_of_and_set_of_names() {
    let v = ListsLike {
        recipients: vec![sample(CAAS), sample(XF)],
        exempted: rasn::types::SetOf::from_vec(vec![sample(XF), sample(CAAS)]),
    };
    let b = rasn::ber::encode(&v).unwrap();
    assert_eq!(rasn::ber::decode::<ListsLike>(&b).unwrap(), v);
    assert_eq!(rasn::ber::decode::<ListsLike>(&indefinite(&b)).unwrap(), v);
}

#[derive(AsnType, Encode, Decode, Debug, PartialEq, Clone)]
#[rasn(choice)]
enum ObjectNameLike {
    UserAgent(ORName),
    #[rasn(tag(context, 0))]
    Mta(rasn::types::Ia5String),
    #[rasn(tag(context, 4))]
    MessageStore(ORName),
}

fn sample(text: &str) -> ORName {
    text.parse().unwrap()
}

#[test]
fn implicit_retagging_in_a_sequence() {
    let v = DeliveryLike {
        originator_name: sample("/C=gb/A= /P=smhs/O=percival/S=gal/"),
        this_recipient_name: sample(CAAS),
        other: Some(sample(XF)),
        explicit_name: sample(XF),
        address: sample(XF).address,
        tagged_address: Some(sample(CAAS).address),
    };
    let b = rasn::ber::encode(&v).unwrap();
    let own = |n: &ORName| n.to_ber();
    // Walk the SEQUENCE's components and check each one's identifier and contents.
    let outer = Reader::new(&b).read().unwrap();
    let mut r = Reader::new(outer.contents);
    let c1 = r.read().unwrap();
    assert_eq!(c1.id(), Some(0x60));
    assert_eq!(c1.contents, &own(&v.originator_name)[2..]);
    let c2 = r.read().unwrap();
    // [4] IMPLICIT ORName: `a4` replaces `60`, same contents.
    assert_eq!(c2.id(), Some(0xa4));
    let recipient = own(&v.this_recipient_name);
    assert_eq!(c2.contents, &recipient[2..]);
    let c3 = r.read().unwrap();
    assert_eq!(c3.id(), Some(0xa5));
    let c4 = r.read().unwrap();
    // An explicit tag wraps the whole ORName.
    assert_eq!(c4.id(), Some(0xa6));
    assert_eq!(c4.contents, own(&v.explicit_name).as_slice());
    let c5 = r.read().unwrap();
    assert_eq!(c5.id(), Some(0x30));
    let c6 = r.read().unwrap();
    assert_eq!(c6.id(), Some(0xa7));
    assert!(r.is_empty());
    assert_eq!(rasn::ber::decode::<DeliveryLike>(&b).unwrap(), v);
    // Indefinite lengths, as real peers send them.
    assert_eq!(
        rasn::ber::decode::<DeliveryLike>(&indefinite(&b)).unwrap(),
        v
    );
    // Optional fields absent.
    let w = DeliveryLike {
        other: None,
        tagged_address: None,
        ..v
    };
    let b = rasn::ber::encode(&w).unwrap();
    assert_eq!(rasn::ber::decode::<DeliveryLike>(&b).unwrap(), w);
}

#[test]
fn implicit_retagging_in_a_set_and_a_choice() {
    let v = SetLike {
        this_recipient_name: sample(CAAS),
        originator_name: sample(XF),
        flag: Some(true),
    };
    let b = rasn::ber::encode(&v).unwrap();
    assert_eq!(b[0], 0x31);
    // Both names are there, `a4` for the recipient.
    let outer = Reader::new(&b).read().unwrap();
    let mut r = Reader::new(outer.contents);
    let mut ids = Vec::new();
    while !r.is_empty() {
        ids.push(r.read().unwrap().id().unwrap());
    }
    ids.sort_unstable();
    assert_eq!(ids, vec![0x60, 0x82, 0xa4]);
    assert_eq!(rasn::ber::decode::<SetLike>(&b).unwrap(), v);
    assert_eq!(rasn::ber::decode::<SetLike>(&indefinite(&b)).unwrap(), v);

    for c in [
        ObjectNameLike::UserAgent(sample(CAAS)),
        ObjectNameLike::MessageStore(sample(XF)),
        ObjectNameLike::Mta(rasn::types::Ia5String::try_from("MTA1").unwrap()),
    ] {
        let b = rasn::ber::encode(&c).unwrap();
        let expected = match &c {
            ObjectNameLike::UserAgent(_) => 0x60,
            ObjectNameLike::MessageStore(_) => 0xa4,
            ObjectNameLike::Mta(_) => 0x80,
        };
        assert_eq!(b[0], expected);
        assert_eq!(rasn::ber::decode::<ObjectNameLike>(&b).unwrap(), c);
    }
}

#[test]
fn rasn_decode_errors_are_errors() {
    let b = rasn::ber::encode(&sample(CAAS)).unwrap();
    let mut broken = b.clone();
    // The country code as an OCTET STRING: neither alternative of the CHOICE.
    let at = broken
        .windows(4)
        .position(|w| w == [0x61, 0x04, 0x13, 0x02])
        .unwrap();
    broken[at + 2] = 0x04;
    assert!(rasn::ber::decode::<ORName>(&broken).is_err());
    assert!(rasn::ber::decode::<ORName>(&b[..b.len() - 1]).is_err());
}

// ---------------------------------------------------------------------------------------------
// tshark as an independent decoder: the name is wrapped as the this-IPM user and the
// originator of a minimal X.420 IPM and read with the STANAG 4406 dissector.

fn tshark_view(name_ber: &[u8]) -> Option<String> {
    let mut tid = name_ber.to_vec();
    put(&mut tid, 0x13, b"1");
    let mut heading = Vec::new();
    put(&mut heading, 0x6b, &tid); // this-IPM: IPMIdentifier [APPLICATION 11] SET
    put(&mut heading, 0xa0, name_ber); // originator [0] ORDescriptor SET { formal-name }
    let mut ipm = Vec::new();
    put(&mut ipm, 0x31, &heading);
    put(&mut ipm, 0x30, &[]);
    let mut content = Vec::new();
    put(&mut content, 0xa0, &ipm); // ipm [0] IMPLICIT IPM
    let dir = tempfile::tempdir().ok()?;
    // tshark picks the BER syntax from the file name's extension.
    let path = dir.path().join("name.p772");
    std::fs::write(&path, indefinite(&content)).ok()?;
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args(["-d", "ber.syntax==p772,p772", "-V"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn tshark_decodes_what_we_encode() {
    let rich: ORAddress =
        "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;OU2=U2;S=Smith;G=John;I=J;Q=Jr;\
                           CN=VHHHZQZA;X121=1234;T=term;UA-ID=42;DDA:RFC-822=a(a)b.c;TT-O=tel;\
                           TT-OU1=tt1;TT-S=tsur;TT-G=tg;TT-CN=tcn;TT-DDA:tt=tv;EXT9=130131"
            .parse()
            .unwrap();
    let Some(view) = tshark_view(&ORName::new(rich).to_ber()) else {
        eprintln!("SKIPPED: tshark not available");
        return;
    };
    for bad in ["Malformed", "BER Error", "Unknown", "unexpected"] {
        assert!(!view.contains(bad), "tshark reports {bad}:\n{view}");
    }
    for line in [
        "iso-3166-alpha2-code: XX",
        "printable: ICAO",
        "network-address: 1234",
        "terminal-identifier: term",
        "printable: HONGKONG",
        "organization-name: HKGCAD",
        "numeric-user-identifier: 42",
        "surname: Smith",
        "given-name: John",
        "initials: J",
        "generation-qualifier: Jr",
        "OrganizationalUnitName: VHHH",
        "OrganizationalUnitName: U2",
        "type: RFC-822",
        "value: a(a)b.c",
        "CommonName: VHHHZQZA",
        "TeletexCommonName: tcn",
        "TeletexOrganizationName: tel",
        "surname: tsur",
        "given-name: tg",
        "TeletexOrganizationalUnitName: tt1",
        "type: tt",
        "value: tv",
        "extension-attribute-type: postal-code (9)",
        "printable-code: 1",
    ] {
        // Twice: once as the this-IPM user, once as the originator.
        let n = view.lines().filter(|l| l.trim() == line).count();
        assert_eq!(n, 2, "`{line}` seen {n} times in:\n{view}");
    }

    // tshark's own slash form of an AMHS address reads back to the same address.
    let caas: ORAddress = CAAS.parse().unwrap();
    let view = tshark_view(&ORName::new(caas.clone()).to_ber()).expect("tshark ran before");
    let slash = view
        .lines()
        .find_map(|l| {
            // tshark may put an item count before the parenthesis.
            let rest = l.trim().strip_prefix("formal-name")?;
            rest.get(rest.find('(')? + 1..)?.strip_suffix(')')
        })
        .unwrap_or_else(|| panic!("no formal-name line in:\n{view}"));
    assert_eq!(
        slash,
        "/C=XX/A=ICAO/P=HONGKONG/O=HKGCAD/OU=VHHH/CN=VHHHZQZA/"
    );
    assert_eq!(slash.parse::<ORAddress>().unwrap(), caas);
}
