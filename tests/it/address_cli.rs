//! `mstorectl address`: canonical form of an X.411 §18 O/R address, BER in hex, errors.

use std::process::Output;

use crate::common::cli::mstorectl;

const CAAS: &str = "C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

/// Runs `mstorectl address ADDR`, requires success and one line of output, returns it.
fn canonical(addr: &str) -> String {
    let o = mstorectl(&["address", addr]);
    assert!(o.status.success(), "{addr}: {o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    lines[0].to_string()
}

#[test]
fn caas_address_prints_every_component_and_is_stable() {
    let first = canonical(CAAS);
    for part in [
        "C=XX",
        "A=ICAO",
        "P=HONGKONG",
        "O=HKGCAD",
        "OU1=VHHH",
        "CN=VHHHZQZA",
    ] {
        assert!(
            first.split(';').any(|c| c == part),
            "{part} missing in {first}"
        );
    }
    // Feeding the output back prints it unchanged.
    assert_eq!(canonical(&first), first);
}

#[test]
fn lower_case_and_respaced_variants_print_the_same() {
    let first = canonical(CAAS);
    for variant in [
        "c=xx;a=icao;p=hongkong;o=hkgcad;ou1=vhhh;cn=vhhhzqza",
        " C = XX ; A = ICAO ; P = HongKong ; O = HKGCAD ; OU1 = VHHH ; CN = VHHHZQZA ; ",
        "C=XX;  A=ICAO;P=  HONGKONG  ;O=HKGCAD;OU1=vhhh;CN=VhhhZqZa",
        "/C=xx/A=icao/P=hongkong/O=hkgcad/OU1=vhhh/CN=vhhhzqza/",
    ] {
        assert_eq!(canonical(variant), first, "{variant}");
    }
}

#[test]
fn xf_address_and_slash_form() {
    assert_eq!(
        canonical("c=xx;a=icao;p=aftn;o=aftn;ou1=egllzpzx"),
        "C=XX;A=ICAO;P=AFTN;O=AFTN;OU1=EGLLZPZX"
    );
    assert_eq!(
        canonical("/C=gb/A= /P=smhs/O=percival/S=gal/"),
        "C=GB;A= ;P=SMHS;O=PERCIVAL;S=GAL"
    );
}

#[test]
fn hex_prints_the_orname_ber() {
    let o = mstorectl(&["address", CAAS, "--hex"]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    assert_eq!(lines[0], canonical(CAAS));
    let hex = lines[1];
    assert!(
        hex.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{hex}"
    );
    let ber: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    // [APPLICATION 0] around the address; it decodes back to the printed address.
    assert_eq!(ber[0], 0x60);
    let name = mstore::address::ORName::from_ber(&ber).unwrap();
    assert_eq!(name.to_string(), lines[0]);
}

#[test]
fn malformed_address_exits_2_with_one_line() {
    for (addr, component) in [
        ("C=XX;Q", "`Q`"),
        ("C=XX;FOO=1", "`FOO`"),
        ("C=XX;OU2=A", "`OU2`"),
    ] {
        let o = mstorectl(&["address", addr]);
        assert_eq!(o.status.code(), Some(2), "{addr}: {o:?}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(err.ends_with('\n'));
        assert!(err.contains(component), "{err}");
    }
}
