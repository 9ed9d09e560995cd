//! Object identifiers used by mstore, from X.419 §A (application contexts, abstract syntaxes),
//! X.413 / X.411 / X.420 modules and STANAG 4406. The only place OIDs are written down.
//!
//! Sections are owned by the module that needs them; keep each OID's ASN.1 name in its doc.

// ---- OSI upper layers (owned by src/osi) -----------------------------------------------------

use rasn::types::Oid;

/// `{joint-iso-itu-t asn1(1) basic-encoding(1)}`: the BER transfer syntax (X.690).
pub const BER: &Oid = Oid::const_new(&[2, 1, 1]);
/// `acse-as-id` `{joint-iso-itu-t association-control(2) abstract-syntax(1) apdus(0)
/// version1(1)}`: the ACSE abstract syntax (X.227).
pub const ACSE_AS: &Oid = Oid::const_new(&[2, 2, 1, 0, 1]);

/// X.419 `id-ac-ms-access-88`.
pub const AC_MS_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 4]);
/// X.419 `id-ac-ms-reliable-access-88`.
pub const AC_MS_RELIABLE_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 5]);
/// X.419 `id-ac-ms-access-94`.
pub const AC_MS_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 11]);
/// X.419 `id-ac-mts-access-88`.
pub const AC_MTS_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 0]);
/// X.419 `id-ac-mts-access-94`.
pub const AC_MTS_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 7]);
/// X.419 `id-ac-mts-forced-access-88`.
pub const AC_MTS_FORCED_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 1]);
/// X.419 `id-ac-mts-forced-access-94`.
pub const AC_MTS_FORCED_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 8]);
/// X.419 `id-ac-mts-transfer` (P1; not offered by a store, seen in traces).
pub const AC_MTS_TRANSFER: &Oid = Oid::const_new(&[2, 6, 0, 1, 6]);

/// X.419 `id-as-msse`.
pub const AS_MSSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 1]);
/// X.419 `id-as-mdse-88`.
pub const AS_MDSE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 2]);
/// X.419 `id-as-mrse-88`.
pub const AS_MRSE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 5]);
/// X.419 `id-as-mase-88`.
pub const AS_MASE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 6]);
/// X.419 `id-as-mtse` (P1 message transfer, seen in traces).
pub const AS_MTSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 7]);
/// X.419 `id-as-ms-88`.
pub const AS_MS_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 9]);
/// X.419 `id-as-mts`.
pub const AS_MTS: &Oid = Oid::const_new(&[2, 6, 0, 2, 11]);
/// X.419 `id-as-mta-rtse` (P1 over RTSE, seen in traces).
pub const AS_MTA_RTSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 12]);
/// X.419 `id-as-ms-msse`.
pub const AS_MS_MSSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 13]);
/// X.419 `id-as-mdse-94`.
pub const AS_MDSE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 14]);
/// X.419 `id-as-mrse-94`.
pub const AS_MRSE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 15]);
/// X.419 `id-as-mase-94`.
pub const AS_MASE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 16]);
/// X.419 `id-as-ms-94`.
pub const AS_MS_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 17]);

/// A short name for the OIDs above, for traces.
pub fn osi_name(oid: &[u32]) -> Option<&'static str> {
    const NAMES: &[(&Oid, &str)] = &[
        (BER, "BER"),
        (ACSE_AS, "acse-as"),
        (AC_MS_ACCESS_88, "ms-access-88"),
        (AC_MS_RELIABLE_ACCESS_88, "ms-reliable-access-88"),
        (AC_MS_ACCESS_94, "ms-access-94"),
        (AC_MTS_ACCESS_88, "mts-access-88"),
        (AC_MTS_ACCESS_94, "mts-access-94"),
        (AC_MTS_FORCED_ACCESS_88, "mts-forced-access-88"),
        (AC_MTS_FORCED_ACCESS_94, "mts-forced-access-94"),
        (AC_MTS_TRANSFER, "mts-transfer (P1)"),
        (AS_MSSE, "msse"),
        (AS_MDSE_88, "mdse-88"),
        (AS_MRSE_88, "mrse-88"),
        (AS_MASE_88, "mase-88"),
        (AS_MTSE, "mtse (P1)"),
        (AS_MS_88, "ms-88 bind"),
        (AS_MTS, "mts bind"),
        (AS_MTA_RTSE, "mta-rtse (P1)"),
        (AS_MS_MSSE, "ms-msse"),
        (AS_MDSE_94, "mdse-94"),
        (AS_MRSE_94, "mrse-94"),
        (AS_MASE_94, "mase-94"),
        (AS_MS_94, "ms-94 bind"),
    ];
    NAMES.iter().find(|(o, _)| o[..] == *oid).map(|(_, n)| *n)
}
