//! Fuzzing entry points for the OSI codecs (DESIGN.md §2: wire input never panics): each
//! decodes arbitrary bytes and, when they decode, checks decode(encode(x)) == x. The cargo-fuzz
//! targets in `fuzz/fuzz_targets/osi_*.rs` and the random-bytes property tests call these same
//! functions, so both exercise identical code.
//!
//! A failed check panics on purpose: that is the finding a fuzzer reports.

use bytes::{Bytes, BytesMut};

use crate::osi::presentation::{self as pres, Expect};
use crate::osi::stack::{Role, Stack, StackEvent};
use crate::osi::{Limits, acse, rose, session, tp0, tpkt};

/// RFC 1006 framing. The reserved octet is accepted whatever its value (RFC 1006 only says
/// senders put 0 there) and re-encoded as 0, so the check compares payloads.
pub fn tpkt(data: &[u8]) {
    if let Ok(Some((t, used))) = tpkt::decode(data, 65535) {
        let mut out = BytesMut::new();
        assert!(tpkt::encode(&t.payload, &mut out).is_ok());
        assert_eq!(out.len(), used);
        let again = tpkt::decode(&out, 65535).ok().flatten().map(|(t, _)| t);
        assert_eq!(again, Some(t));
    }
}

/// ISO 8073 class 0 TPDUs.
pub fn tp0(data: &[u8]) {
    if let Ok(Some((t, _))) = tp0::decode(data) {
        let mut out = BytesMut::new();
        tp0::encode(&t, &mut out);
        let again = tp0::decode(&out).ok().flatten().map(|(t, _)| t);
        assert_eq!(again, Some(t));
    }
}

/// X.225 TSDUs.
pub fn session(data: &[u8]) {
    if let Ok(spdus) = session::decode_tsdu(data) {
        let mut out = BytesMut::new();
        for s in &spdus {
            session::encode(s, &mut out);
        }
        assert_eq!(session::decode_tsdu(&out).ok(), Some(spdus));
    }
}

/// X.226 PPDUs; the first octet picks which PPDU to expect.
pub fn presentation(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let expect = match sel % 5 {
        0 => Expect::Cp,
        1 => Expect::Cpa,
        2 => Expect::Cpr,
        3 => Expect::Abort,
        _ => Expect::Data,
    };
    if let Ok(p) = pres::decode_all(expect, rest) {
        let b = pres::to_bytes(&p);
        assert_eq!(pres::decode_all(expect, &b).ok(), Some(p));
    }
}

/// X.227 APDUs.
pub fn acse(data: &[u8]) {
    if let Ok(a) = acse::decode_all(data) {
        let b = acse::to_bytes(&a);
        assert_eq!(acse::decode_all(&b).ok(), Some(a));
    }
}

/// X.880 ROSE PDUs.
pub fn rose(data: &[u8]) {
    if let Ok(p) = rose::decode_all(data) {
        let b = rose::to_bytes(&p);
        assert_eq!(rose::decode_all(&b).ok(), Some(p));
    }
}

/// A whole byte stream into a responder stack, in chunks whose sizes the first octets choose;
/// association requests are accepted so later states are reached too.
pub fn stream(data: &[u8]) {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(split).max(1);
    let mut s = Stack::new(Role::Responder, Limits::default(), Vec::new(), None);
    for part in rest.chunks(chunk) {
        for ev in s.feed(part) {
            match ev {
                StackEvent::AssociateIndication(ind) => {
                    let _ = s.accept(acse::accept(&ind.aarq, Vec::new()));
                }
                StackEvent::ReleaseIndication(_) => {
                    let _ = s.release_response(acse::Release::default());
                }
                StackEvent::Rose {
                    context_id,
                    pdu: rose::RosePdu::Invoke { invoke_id, .. },
                } => {
                    let _ = s.respond(
                        context_id,
                        rose::RosePdu::Result {
                            invoke_id,
                            result: None,
                        },
                    );
                }
                _ => {}
            }
        }
        let _ = s.take_output();
    }
}

/// Every entry point on the same input (for the property tests).
pub fn all(data: &[u8]) {
    tpkt(data);
    tp0(data);
    session(data);
    presentation(data);
    acse(data);
    rose(data);
    stream(data);
    // A CR, then the input as TPKT-framed DTs: reaches the session layer and above.
    let mut framed = BytesMut::new();
    framed.extend_from_slice(&[0xff, 3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 1, 0]);
    for part in data.chunks(200) {
        let mut dt = BytesMut::new();
        tp0::encode(
            &tp0::Tpdu::Dt {
                eot: true,
                data: Bytes::copy_from_slice(part),
            },
            &mut dt,
        );
        let _ = tpkt::encode(&dt, &mut framed);
    }
    stream(&framed);
}
