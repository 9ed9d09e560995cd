//! tshark as an independent decoder, and the smallest OSI stack it follows.
//!
//! tshark decodes P3/P7 only inside an OSI stack, so tests wrap our bytes in session (X.225),
//! presentation (X.226), ACSE (X.227) and ROS (X.880) PDUs and write a pcap with link type 147
//! (USER0), which the `user_dlts` UAT hands to the session dissector. Presentation context 3 is
//! bound to an abstract syntax by the `pres_context_list` UAT when no CP was seen.

use std::path::{Path, PathBuf};

use rasn::types::{ObjectIdentifier, Oid};

use super::ber::tlv;

/// The tshark binary, if installed.
pub fn tshark() -> Option<PathBuf> {
    ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// A pcap file (link type 147, USER0) holding one packet per payload.
pub fn pcap_user0(payloads: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(0xa1b2_c3d4u32.to_le_bytes()); // pcap magic, microsecond timestamps
    v.extend(2u16.to_le_bytes());
    v.extend(4u16.to_le_bytes());
    v.extend(0i32.to_le_bytes());
    v.extend(0u32.to_le_bytes());
    v.extend(65535u32.to_le_bytes());
    v.extend(147u32.to_le_bytes()); // LINKTYPE_USER0
    for (i, payload) in payloads.iter().enumerate() {
        v.extend((1_764_300_000u32 + i as u32).to_le_bytes());
        v.extend(0u32.to_le_bytes());
        v.extend((payload.len() as u32).to_le_bytes());
        v.extend((payload.len() as u32).to_le_bytes());
        v.extend_from_slice(payload);
    }
    v
}

/// Runs tshark -V over `pcap` (USER0 → session), presentation context 3 bound to `syntax`.
pub fn run_tshark(tshark: &Path, pcap: &[u8], syntax: &Oid) -> String {
    let context = format!(r#"uat:pres_context_list:"3","{}""#, oid_text(syntax));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("osi.pcap");
    std::fs::write(&path, pcap).unwrap();
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
    String::from_utf8(out.stdout).unwrap()
}

/// What tshark prints when it does not accept the bytes.
const COMPLAINTS: &[&str] = &[
    "Malformed",
    "BER Error",
    "Expert Info (Error",
    "Expert Info (Warning",
    "Dissector is not available",
];

/// tshark found nothing to complain about.
pub fn assert_clean(text: &str) {
    assert_clean_and(text, &[]);
}

/// tshark found nothing to complain about, `also` included.
pub fn assert_clean_and(text: &str, also: &[&str]) {
    for bad in COMPLAINTS.iter().chain(also) {
        assert!(!text.contains(bad), "tshark reports {bad:?}:\n{text}");
    }
}

pub fn oid_text(oid: &Oid) -> String {
    oid.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

pub fn oid_ber(oid: &Oid) -> Vec<u8> {
    rasn::ber::encode(&ObjectIdentifier::new(oid.to_vec()).unwrap()).unwrap()
}

/// The BER transfer syntax name list `30 { 06 02 51 01 }` of a presentation context.
pub fn ber_transfer_syntax() -> Vec<u8> {
    tlv(0x30, &[0x06, 0x02, 0x51, 0x01])
}

/// Session parameter and SPDU lengths: one octet, or ff + two octets (X.225 §8.2.5).
pub fn ses_len(n: usize) -> Vec<u8> {
    if n < 255 {
        vec![n as u8]
    } else {
        vec![0xff, (n >> 8) as u8, n as u8]
    }
}

/// An SPDU (`si` 13 CONNECT, 14 ACCEPT) whose only parameter is session user data (193).
pub fn spdu(si: u8, user_data: &[u8]) -> Vec<u8> {
    let mut param = vec![0xc1];
    param.extend(ses_len(user_data.len()));
    param.extend_from_slice(user_data);
    let mut out = vec![si];
    out.extend(ses_len(param.len()));
    out.extend(param);
    out
}

/// A ROS APDU on presentation context 3 of an established association: session Give-Tokens +
/// Data-Transfer SPDUs (`01 00 01 00`), then a fully-encoded-data PDV.
pub fn data_packet(ros: &[u8]) -> Vec<u8> {
    let mut pdv = vec![0x02, 0x01, 0x03];
    pdv.extend(tlv(0xa0, ros));
    let ppdu = tlv(0x61, &tlv(0x30, &pdv));
    let mut payload = vec![0x01, 0x00, 0x01, 0x00];
    payload.extend(ppdu);
    payload
}

/// ROS invoke (invoke-id 1) of `opcode`, as a data packet.
pub fn invoke(opcode: u8, argument: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x01, 0x02, 0x01, opcode];
    body.extend_from_slice(argument);
    data_packet(&tlv(0xa1, &body))
}

/// ROS returnResult (invoke-id 1) of `opcode`, as a data packet.
pub fn result(opcode: u8, res: &[u8]) -> Vec<u8> {
    let mut inner = vec![0x02, 0x01, opcode];
    inner.extend_from_slice(res);
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend(tlv(0x30, &inner));
    data_packet(&tlv(0xa2, &body))
}

/// ROS returnError (invoke-id 1) with error `code`, as a data packet.
pub fn error(code: u8, parameter: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x01, 0x02, 0x01, code];
    body.extend_from_slice(parameter);
    data_packet(&tlv(0xa3, &body))
}

/// One EXTERNAL of ACSE user-information on presentation context 3 holding `ros`.
pub fn external(ros: &[u8]) -> Vec<u8> {
    let mut ext = vec![0x02, 0x01, 0x03];
    ext.extend(tlv(0xa0, ros));
    tlv(0x28, &ext)
}

/// A session CONNECT whose CP-type PPDU defines contexts 1 (ACSE) and 3 (`abstract_syntax`)
/// and carries an AARQ for `context`, with `user_information` (EXTERNALs) if given.
pub fn connect_spdu(
    context: &Oid,
    abstract_syntax: &Oid,
    user_information: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut aarq = tlv(0xa1, &oid_ber(context));
    if let Some(ui) = user_information {
        aarq.extend(tlv(0xbe, &ui));
    }
    let aarq = tlv(0x60, &aarq);
    let mut acse_ctx = vec![0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01];
    acse_ctx.extend(ber_transfer_syntax());
    let mut as_ctx = vec![0x02, 0x01, 0x03];
    as_ctx.extend(oid_ber(abstract_syntax));
    as_ctx.extend(ber_transfer_syntax());
    let mut ctxs = tlv(0x30, &acse_ctx);
    ctxs.extend(tlv(0x30, &as_ctx));
    let mut pdv = vec![0x02, 0x01, 0x01];
    pdv.extend(tlv(0xa0, &aarq));
    let mut normal = tlv(0xa4, &ctxs);
    normal.extend(tlv(0x61, &tlv(0x30, &pdv)));
    let mut cp = tlv(0xa0, &[0x80, 0x01, 0x01]);
    cp.extend(tlv(0xa2, &normal));
    spdu(13, &tlv(0x31, &cp))
}

/// A session ACCEPT whose CPA carries an AARE for `context` (`result` 0 accepted /
/// 1 rejected-permanent) with `ros` in one EXTERNAL of its user-information.
pub fn accept_spdu(context: &Oid, result: u8, ros: &[u8]) -> Vec<u8> {
    let mut aare = tlv(0xa1, &oid_ber(context));
    aare.extend(tlv(0xa2, &[0x02, 0x01, result]));
    // result-source-diagnostic: service-user null (0) or no-reason-given (1).
    aare.extend(tlv(
        0xa3,
        &tlv(0xa1, &[0x02, 0x01, if result == 0 { 0 } else { 1 }]),
    ));
    aare.extend(tlv(0xbe, &external(ros)));
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
    spdu(14, &tlv(0x31, &cpa))
}

/// tshark is on PATH (else the test is skipped loudly).
pub fn tshark_available() -> bool {
    let ok = std::process::Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: tshark not installed");
    }
    ok
}

/// tshark -V over the TCP capture at `path` (with `options`, e.g. a decode-as), checked clean
/// (a dissector bug included). `$MSTORE_KEEP_PCAP` keeps a copy of the capture.
pub fn dissect_tcp(path: &Path, options: &[&str]) -> String {
    if let Some(keep) = std::env::var_os("MSTORE_KEEP_PCAP") {
        std::fs::copy(path, keep).unwrap();
    }
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(options)
        .arg("-V")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_clean_and(&text, &["Dissector bug"]);
    text
}

/// tshark's dissection `text` names every one of `needed`; `what` says which capture it is.
pub fn assert_tshark_saw(text: &str, needed: &[&str], what: &str) {
    for n in needed {
        assert!(text.contains(n), "{what}: tshark did not see {n}:\n{text}");
    }
}

/// What tshark shows of a store's P3 bind (A-ASSOCIATE and X.411 MTS-bind, the store
/// naming itself a message-store).
pub const MTS_BIND_SEEN: [&str; 5] = [
    "aarq",
    "aare",
    "MTSBindArgument",
    "MTSBindResult",
    "message-store",
];
