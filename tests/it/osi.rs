//! OSI upper layers (DESIGN.md §2) against real vendor bytes: the fixture captures decode
//! completely through our codecs in both directions, canonical encodings re-encode to the
//! captured bytes, our responder answers the real initiator, and tshark (an independent
//! decoder) reads what our stack sends without complaint.

// Helpers outside #[test] fns: a panic there is still a failed test, not a crashed store.
#![allow(clippy::unwrap_used)]

use bytes::{Bytes, BytesMut};
use mstore::asn1::oids;
use mstore::ctl::trace;
use mstore::osi::acse::{self, Apdu, Diagnostic, ExternalEncoding, RosBind};
use mstore::osi::ber;
use mstore::osi::presentation::{self as pres, Expect, PdvValue, Ppdu, UserData};
use mstore::osi::rose::{self, Code, RosePdu};
use mstore::osi::rtse;
use mstore::osi::session::{self, Kind};
use mstore::osi::stack::{ConnectParams, Role, Stack, StackEvent};
use mstore::osi::tp0::{self, Tpdu};
use mstore::osi::{Limits, tpkt};
use rasn::types::ObjectIdentifier;

use crate::common::fixtures::fixtures;
use crate::common::tshark::{dissect_tcp, tshark_available};

fn conversation(file: &str) -> Option<trace::Conversation> {
    let dir = fixtures()?;
    let data = std::fs::read(dir.join(file)).unwrap();
    let frames = trace::read_capture(&data).unwrap();
    let mut convs = trace::conversations(&frames, Some(102));
    assert_eq!(convs.len(), 1, "{file}: one RFC 1006 conversation");
    Some(convs.remove(0))
}

/// What one direction of a capture held, layer by layer.
#[derive(Default, Debug)]
struct Decoded {
    tpdus: Vec<Tpdu>,
    spdus: Vec<session::Spdu>,
    ppdus: Vec<Ppdu>,
    apdus: Vec<Apdu>,
}

fn has_indefinite(b: &[u8]) -> bool {
    // Any 0x80 length octet after a constructed identifier marks an indefinite length; a
    // false positive only skips a byte comparison, never fails a test.
    b.windows(2).any(|w| w[0] & 0x20 != 0 && w[1] == 0x80)
}

/// Decodes one direction completely, checking each canonical encoding re-encodes to the
/// captured bytes and every other one round-trips as a value.
fn decode_direction(stream: &[u8]) -> Decoded {
    let mut d = Decoded::default();
    let mut rest = stream;
    let mut tsdu = Vec::new();
    while !rest.is_empty() {
        let (t, used) = tpkt::decode(rest, 65535).unwrap().expect("complete TPKT");
        let mut framed = BytesMut::new();
        tpkt::encode(&t.payload, &mut framed).unwrap();
        assert_eq!(&framed[..], &rest[..used]);
        rest = &rest[used..];
        let (tpdu, n) = tp0::decode(&t.payload).unwrap().unwrap();
        assert_eq!(n, t.payload.len());
        let mut re = BytesMut::new();
        tp0::encode(&tpdu, &mut re);
        assert_eq!(
            &re[..],
            &t.payload[..],
            "TPDU re-encodes to the captured bytes"
        );
        if let Tpdu::Dt { eot, data } = &tpdu {
            tsdu.extend_from_slice(data);
            if *eot {
                decode_tsdu(&std::mem::take(&mut tsdu), &mut d);
            }
        }
        d.tpdus.push(tpdu);
    }
    assert!(tsdu.is_empty(), "no unfinished TSDU");
    d
}

fn decode_tsdu(t: &[u8], d: &mut Decoded) {
    let spdus = session::decode_tsdu(t).unwrap();
    let mut re = BytesMut::new();
    for s in &spdus {
        session::encode(s, &mut re);
    }
    assert_eq!(&re[..], t, "SPDUs re-encode to the captured bytes");
    for s in spdus {
        let (expect, data) = match s.kind {
            Kind::Cn => (Expect::Cp, s.params.data().cloned()),
            Kind::Ac => (Expect::Cpa, s.params.data().cloned()),
            Kind::Rf => (
                Expect::Cpr,
                s.params.reason.as_ref().map(|r| r.user_data.clone()),
            ),
            Kind::Fn | Kind::Dn => (Expect::Data, s.params.data().cloned()),
            Kind::Dt => (Expect::Data, Some(s.info.clone())),
            k => panic!("unexpected SPDU {k:?} in a ping capture"),
        };
        if let Some(data) = data {
            decode_ppdu(expect, &data, d);
        }
        d.spdus.push(s);
    }
}

fn decode_ppdu(expect: Expect, data: &[u8], d: &mut Decoded) {
    let p = pres::decode_all(expect, data).unwrap();
    let re = pres::to_bytes(&p);
    if has_indefinite(data) {
        assert_eq!(
            pres::decode_all(expect, &re).unwrap(),
            p,
            "PPDU value round-trips"
        );
    } else {
        assert_eq!(&re[..], data, "PPDU re-encodes to the captured bytes");
    }
    let ud = match &p {
        Ppdu::Cp(cp) => cp.user_data.clone(),
        Ppdu::Cpa(cpa) => cpa.user_data.clone(),
        Ppdu::Cpr(cpr) => cpr.user_data.clone(),
        Ppdu::Td(u) => Some(u.clone()),
        other => panic!("unexpected PPDU {other:?}"),
    };
    let Some(UserData::Full(pdvs)) = ud else {
        panic!("fully-encoded user data expected")
    };
    for pdv in pdvs {
        assert_eq!(
            pdv.context_id, 1,
            "the ping exchange only uses the ACSE context"
        );
        let PdvValue::Single(b) = &pdv.value else {
            panic!("single-ASN1-type expected")
        };
        let a = acse::decode_all(b).unwrap();
        let re = acse::to_bytes(&a);
        if has_indefinite(b) {
            assert_eq!(acse::decode_all(&re).unwrap(), a);
        } else {
            assert_eq!(&re[..], &b[..], "APDU re-encodes to the captured bytes");
        }
        d.apdus.push(a);
    }
    d.ppdus.push(p);
}

fn rtse_of(a: &Apdu) -> rtse::Rtse {
    let ui = match a {
        Apdu::Aarq(q) => &q.user_information,
        Apdu::Aare(r) => &r.user_information,
        _ => panic!("no user-information"),
    };
    let ExternalEncoding::Single(v) = &ui[0].encoding else {
        panic!()
    };
    assert_eq!(
        ui[0].direct_reference.as_deref().map(|o| o.to_vec()),
        Some(vec![2, 1, 1])
    );
    assert_eq!(ui[0].indirect_reference, Some(3));
    rtse::decode_all(v).unwrap()
}

#[test]
fn ping_success_capture_decodes_both_directions() {
    let Some(c) = conversation("x400-ping-success.pcap") else {
        return;
    };
    let i = decode_direction(&c.to_responder.data);
    let r = decode_direction(&c.to_initiator.data);
    // Transport: CR without a TPDU size, then DTs larger than the 128-octet default.
    let Tpdu::Cr(cr) = &i.tpdus[0] else { panic!() };
    assert_eq!(cr.called_tsel.as_deref(), Some(&b"X400-88"[..]));
    assert_eq!(cr.tpdu_size, None);
    assert!(matches!(&r.tpdus[0], Tpdu::Cc(cc) if cc.dst_ref == cr.src_ref));
    assert!(
        i.tpdus
            .iter()
            .any(|t| matches!(t, Tpdu::Dt { data, .. } if data.len() > 128))
    );
    // Session: CN asking for half-duplex, activity management, minor sync and exceptions.
    let kinds = |d: &Decoded| d.spdus.iter().map(|s| s.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&i), vec![Kind::Cn, Kind::Fn]);
    assert_eq!(kinds(&r), vec![Kind::Ac, Kind::Dn]);
    let req = i.spdus[0].params.requirements.unwrap();
    use session::fu;
    assert_eq!(
        req,
        fu::HALF_DUPLEX | fu::ACTIVITY | fu::MINOR_SYNC | fu::EXCEPTIONS
    );
    // Presentation: three contexts proposed, all accepted with BER.
    let Ppdu::Cp(cp) = &i.ppdus[0] else { panic!() };
    let ids: Vec<i64> = cp.contexts.as_ref().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![1, 3, 5]);
    let Ppdu::Cpa(cpa) = &r.ppdus[0] else {
        panic!()
    };
    assert!(
        cpa.results
            .as_ref()
            .unwrap()
            .iter()
            .all(|x| x.result == pres::result::ACCEPTANCE)
    );
    // ACSE: P1 association accepted, RTSE open request / accept in user-information.
    let Apdu::Aarq(aarq) = &i.apdus[0] else {
        panic!()
    };
    assert_eq!(
        aarq.application_context,
        ObjectIdentifier::from(oids::ID_AC_MTS_TRANSFER)
    );
    assert!(matches!(
        rtse_of(&i.apdus[0]),
        rtse::Rtse::Rtorq {
            checkpoint_size: Some(63),
            ..
        }
    ));
    let Apdu::Aare(aare) = &r.apdus[0] else {
        panic!()
    };
    assert_eq!(
        (aare.result, aare.diagnostic),
        (acse::result::ACCEPTED, Diagnostic::User(0))
    );
    assert!(matches!(rtse_of(&r.apdus[0]), rtse::Rtse::Rtoac { .. }));
    assert!(matches!(&i.apdus[1], Apdu::Rlrq(x) if x.reason == Some(0)));
    assert!(matches!(&r.apdus[1], Apdu::Rlre(x) if x.reason == Some(0)));
}

#[test]
fn ping_refuse_capture_decodes_both_directions() {
    let Some(c) = conversation("x400-ping-refuse.pcap") else {
        return;
    };
    let i = decode_direction(&c.to_responder.data);
    let r = decode_direction(&c.to_initiator.data);
    assert_eq!(i.spdus.len(), 1);
    let rf = &r.spdus[0];
    assert_eq!(rf.kind, Kind::Rf);
    assert_eq!(
        rf.params.reason.as_ref().unwrap().code,
        session::reason::BY_USER
    );
    assert_eq!(rf.params.transport_disconnect, Some(1));
    let Ppdu::Cpr(cpr) = &r.ppdus[0] else {
        panic!()
    };
    assert_eq!(
        cpr.provider_reason, None,
        "refused by the presentation user, not the provider"
    );
    let Apdu::Aare(aare) = &r.apdus[0] else {
        panic!()
    };
    assert_eq!(aare.result, acse::result::REJECTED_PERMANENT);
    assert_eq!(
        aare.diagnostic,
        Diagnostic::User(acse::user_diag::NO_REASON)
    );
    let rtse::Rtse::Rtorj {
        user_data: Some(u), ..
    } = rtse_of(&r.apdus[0])
    else {
        panic!()
    };
    assert_eq!(
        RosBind::decode(&u).unwrap(),
        RosBind::Error(Bytes::from_static(&[2, 1, 2]))
    );
}

#[test]
fn trace_tool_decodes_the_ping_captures() {
    let Some(dir) = fixtures() else { return };
    let ok = trace::trace(
        &std::fs::read(dir.join("x400-ping-success.pcap")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(ok.problems, 0, "{}", ok.text);
    for needle in [
        "CR dst-ref",
        "CC dst-ref",
        "SPDU CN",
        "SPDU AC",
        "PPDU CP",
        "PPDU CPA",
        "APDU AARQ",
        "APDU AARE result=0",
    ] {
        assert!(ok.text.contains(needle), "{needle} missing:\n{}", ok.text);
    }
    let refused = trace::trace(
        &std::fs::read(dir.join("x400-ping-refuse.pcap")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(refused.problems, 0, "{}", refused.text);
    for needle in [
        "SPDU RF",
        "reason=2",
        "PPDU CPR",
        "rejected-permanent",
        "no-reason-given",
        "RTORJ",
        "bind-error",
    ] {
        assert!(
            refused.text.contains(needle),
            "{needle} missing:\n{}",
            refused.text
        );
    }
}

/// The initiator half of the real capture against our responder: its P1 context is not
/// ours, so the contexts are refused per context and the association is rejected cleanly.
#[test]
fn our_responder_answers_the_real_initiator() {
    let Some(c) = conversation("x400-ping-success.pcap") else {
        return;
    };
    let mut s = Stack::new(
        Role::Responder,
        Limits::default(),
        vec![ObjectIdentifier::from(oids::ID_AS_MS_88)],
        None,
    );
    let ev = s.feed(&c.to_responder.data[..29]);
    assert!(matches!(&ev[0], StackEvent::TransportConnected(_)));
    let ev = s.feed(&c.to_responder.data[29..234]);
    let StackEvent::AssociateIndication(ind) = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(
        ind.aarq.application_context,
        ObjectIdentifier::from(oids::ID_AC_MTS_TRANSFER)
    );
    let results: Vec<(i64, Option<i64>)> = ind
        .contexts
        .iter()
        .map(|(_, r)| (r.result, r.provider_reason))
        .collect();
    assert_eq!(results, vec![(0, None), (2, Some(1)), (2, Some(1))]);
    assert_eq!(ind.session.requirements, Some(0x0249));
    s.reject(acse::reject(
        &ind.aarq,
        acse::user_diag::APPLICATION_CONTEXT_NOT_SUPPORTED,
        vec![],
    ))
    .unwrap();
    let out = s.take_output();
    let d = decode_direction(&out);
    assert!(
        matches!(&d.tpdus[0], Tpdu::Cc(cc) if cc.tpdu_size == Some(7)),
        "CC proposes a size"
    );
    assert_eq!(d.spdus[0].kind, Kind::Rf);
    let Apdu::Aare(aare) = &d.apdus[0] else {
        panic!()
    };
    assert_eq!(
        aare.diagnostic,
        Diagnostic::User(acse::user_diag::APPLICATION_CONTEXT_NOT_SUPPORTED)
    );
    assert!(s.is_closed());
}

/// Our responder accepting the real CN answers kernel-only in the AC: the half-duplex,
/// activity, minor-sync and exceptions units are declined, not failed on.
#[test]
fn our_responder_declines_unimplemented_session_units() {
    let Some(c) = conversation("x400-ping-success.pcap") else {
        return;
    };
    // Accept (as if we spoke P1) to see the AC.
    let mut s2 = Stack::new(
        Role::Responder,
        Limits::default(),
        vec![ObjectIdentifier::from(oids::ID_AS_MTA_RTSE)],
        None,
    );
    let mut ev = s2.feed(&c.to_responder.data[..234]);
    let Some(StackEvent::AssociateIndication(ind)) = ev.pop() else {
        panic!()
    };
    s2.accept(acse::accept(&ind.aarq, vec![])).unwrap();
    let out = s2.take_output();
    let d = decode_direction(&out);
    let ac = &d.spdus[0];
    assert_eq!(ac.kind, Kind::Ac);
    assert_eq!(ac.params.requirements, Some(0));
    assert_eq!(ac.params.connect_accept.as_ref().unwrap().version, Some(2));
    let Ppdu::Cpa(cpa) = &d.ppdus[0] else {
        panic!()
    };
    let r: Vec<i64> = cpa
        .results
        .as_ref()
        .unwrap()
        .iter()
        .map(|x| x.result)
        .collect();
    assert_eq!(
        r,
        vec![0, 0, 2],
        "mtse (P1, not supported here) refused on its own"
    );
}

// ---------------------------------------------------------------------------------------------
// tshark as an independent decoder of what our stack sends.

#[test]
fn tshark_reads_our_p7_exchange_without_errors() {
    if !tshark_available() {
        return;
    }
    let ber = vec![ObjectIdentifier::from(oids::ID_BER)];
    let def = |id, o: &rasn::types::Oid| pres::ContextDef {
        id,
        abstract_syntax: ObjectIdentifier::from(o),
        transfer_syntaxes: ber.clone(),
    };
    // MSBindArgument (X.413, explicit tags): initiator-name C=GB;A=" ", simple credentials
    // "secret", ms-configuration-request [5] TRUE (X400-FACTS).
    let bind_arg = Bytes::from_static(&[
        0x31, 0x1e, 0x60, 0x0d, 0x30, 0x0b, 0x61, 0x04, 0x13, 0x02, b'G', b'B', 0x62, 0x03, 0x13,
        0x01, b' ', 0xa2, 0x08, 0x16, 0x06, b's', b'e', b'c', b'r', b'e', b't', 0xa5, 0x03, 0x01,
        0x01, 0xff,
    ]);
    let params = ConnectParams {
        calling_tsel: Some(Bytes::from_static(b"UA")),
        called_tsel: Some(Bytes::from_static(b"3001")),
        calling_ssel: None,
        called_ssel: None,
        calling_psel: None,
        called_psel: None,
        contexts: vec![
            def(1, oids::ID_AS_ACSE),
            def(3, oids::ID_AS_MS_88),
            def(5, oids::ID_AS_MSSE),
        ],
        aarq: acse::Aarq::new(
            ObjectIdentifier::from(oids::ID_AC_MS_ACCESS_88),
            vec![RosBind::Invoke(bind_arg).to_external(3)],
        ),
    };
    let supported = vec![
        ObjectIdentifier::from(oids::ID_AS_MS_88),
        ObjectIdentifier::from(oids::ID_AS_MSSE),
    ];
    let mut ini = Stack::new(Role::Initiator, Limits::default(), vec![], None);
    let mut res = Stack::new(Role::Responder, Limits::default(), supported, None);
    let mut packets: Vec<(bool, Vec<u8>)> = Vec::new();
    let move_bytes =
        |from: &mut Stack, to: &mut Stack, up: bool, packets: &mut Vec<(bool, Vec<u8>)>| {
            let b = from.take_output();
            packets.push((up, b.to_vec()));
            to.feed(&b)
        };
    ini.connect(params).unwrap();
    move_bytes(&mut ini, &mut res, true, &mut packets);
    move_bytes(&mut res, &mut ini, false, &mut packets);
    let mut ev = move_bytes(&mut ini, &mut res, true, &mut packets);
    let Some(StackEvent::AssociateIndication(ind)) = ev.pop() else {
        panic!()
    };
    // MSBindResult: responder-credentials [2] simple "secret".
    let result = RosBind::Result(Bytes::from_static(&[
        0x31, 0x0a, 0xa2, 0x08, 0x16, 0x06, b's', b'e', b'c', b'r', b'e', b't',
    ]))
    .to_external(3);
    res.accept(acse::accept(&ind.aarq, vec![result])).unwrap();
    move_bytes(&mut res, &mut ini, false, &mut packets);
    // Summarize (20): selector [1] SET {}; answered with count [1] 0.
    let id = ini
        .invoke(
            5,
            Code::Local(20),
            Some(Bytes::from_static(&[0x31, 0x04, 0xa1, 0x02, 0x31, 0x00])),
        )
        .unwrap();
    move_bytes(&mut ini, &mut res, true, &mut packets);
    res.respond(
        5,
        RosePdu::Result {
            invoke_id: Some(id),
            result: Some((
                Code::Local(20),
                Bytes::from_static(&[0x31, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00]),
            )),
        },
    )
    .unwrap();
    move_bytes(&mut res, &mut ini, false, &mut packets);
    ini.release(acse::Release {
        reason: Some(0),
        user_information: vec![],
    })
    .unwrap();
    move_bytes(&mut ini, &mut res, true, &mut packets);
    res.release_response(acse::Release {
        reason: Some(0),
        user_information: vec![],
    })
    .unwrap();
    move_bytes(&mut res, &mut ini, false, &mut packets);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.pcap");
    let exchange: Vec<(bool, &[u8])> = packets.iter().map(|(up, b)| (*up, b.as_slice())).collect();
    std::fs::write(&path, trace::write_pcap(&exchange, 102)).unwrap();
    // Our own trace reads it completely too.
    let own = trace::trace(&std::fs::read(&path).unwrap(), Some(102)).unwrap();
    assert_eq!(own.problems, 0, "{}", own.text);
    let text = dissect_tcp(&path, &[]);
    for needed in [
        "CONNECT (CN) SPDU",
        "ACCEPT (AC) SPDU",
        "aarq",
        "aare",
        "FINISH (FN) SPDU",
        "DISCONNECT (DN) SPDU",
    ] {
        assert!(
            text.contains(needed),
            "tshark did not see {needed}:\n{text}"
        );
    }
    // The unused helpers keep their imports honest.
    let _ = (ber::MAX_DEPTH, rose::problem::DUPLICATE_INVOCATION);
}

// ---------------------------------------------------------------------------------------------
// The fuzz targets' entry points under proptest (cargo-fuzz needs a nightly toolchain; these
// run everywhere).

mod random_bytes {
    use mstore::osi::fuzz;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn entry_points_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
            fuzz::all(&b);
        }
    }

    /// Real captured bytes with random single-octet corruptions: close enough to valid to get
    /// deep into the layers.
    #[test]
    fn mutated_captures_never_panic() {
        let Some(dir) = super::fixtures() else { return };
        let mut rng_state: u64 = 0x5eed_1234_abcd_0001;
        let mut next = move || {
            rng_state ^= rng_state << 13;
            rng_state ^= rng_state >> 7;
            rng_state ^= rng_state << 17;
            rng_state
        };
        for file in [
            "x400-ping-success.pcap",
            "x400-ping-refuse.pcap",
            "p772-transfer-success.pcap",
        ] {
            let data = std::fs::read(dir.join(file)).unwrap();
            let frames = mstore::ctl::trace::read_capture(&data).unwrap();
            let streams: Vec<Vec<u8>> = mstore::ctl::trace::conversations(&frames, Some(102))
                .into_iter()
                .flat_map(|c| [c.to_responder.data, c.to_initiator.data])
                .filter(|s| !s.is_empty())
                .collect();
            for stream in &streams {
                for _ in 0..300 {
                    let mut b = stream.clone();
                    for _ in 0..(1 + next() % 4) {
                        let i = (next() as usize) % b.len();
                        b[i] = next() as u8;
                    }
                    let mut with_split = vec![(next() % 256) as u8];
                    with_split.extend_from_slice(&b);
                    fuzz::stream(&with_split);
                }
            }
        }
    }
}

/// The acceptance commands themselves: `mstorectl trace` exits 0 on both ping captures, 1
/// when something cannot be decoded, 2 when the file cannot be read.
#[test]
fn mstorectl_trace_exit_codes() {
    let Some(dir) = fixtures() else { return };
    let bin = env!("CARGO_BIN_EXE_mstorectl");
    for (file, needle) in [
        ("x400-ping-success.pcap", "APDU AARE result=0"),
        ("x400-ping-refuse.pcap", "SPDU RF"),
    ] {
        let out = std::process::Command::new(bin)
            .arg("trace")
            .arg(dir.join(file))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(needle));
    }
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.hex");
    std::fs::write(&bad, "I 0000 03 00 00 08 02 f0 80 77\n").unwrap();
    let out = std::process::Command::new(bin)
        .arg("trace")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("UNDECODABLE"));
    let out = std::process::Command::new(bin)
        .arg("trace")
        .arg(tmp.path().join("absent.pcap"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
