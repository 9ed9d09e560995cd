//! Object identifiers used by mstore, from X.419 §A (application contexts, abstract syntaxes),
//! X.413 / X.411 / X.420 modules and STANAG 4406. The only place OIDs are written down.
//!
//! Sections are owned by the module that needs them; keep each OID's ASN.1 name in its doc.

// ---------------------------------------------------------------------------------------------
// X.411 / X.419 MTS access section (issue 3, P3): application contexts and abstract syntaxes
// of MTSAccessProtocol.
pub use mts_oids::*;

mod mts_oids {
    use rasn::types::Oid;

    /// `id-ac-mts-access-88` {id-ac 0}: the store binds to its MTA (1988 operations).
    pub const ID_AC_MTS_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 0]);
    /// `id-ac-mts-forced-access-88` {id-ac 1}: the MTA binds to the store to deliver.
    pub const ID_AC_MTS_FORCED_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 1]);
    /// `id-ac-mts-access-94` {id-ac 7}.
    pub const ID_AC_MTS_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 7]);
    /// `id-ac-mts-forced-access-94` {id-ac 8}.
    pub const ID_AC_MTS_FORCED_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 8]);

    /// `id-as-msse` {id-as 1}: message submission service element.
    pub const ID_AS_MSSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 1]);
    /// `id-as-mdse-88` {id-as 2}: message delivery service element, 1988.
    pub const ID_AS_MDSE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 2]);
    /// `id-as-mase-88` {id-as 6}: message administration service element, 1988.
    pub const ID_AS_MASE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 6]);
    /// `id-as-mts` {id-as 11}: MTS-bind and MTS-unbind.
    pub const ID_AS_MTS: &Oid = Oid::const_new(&[2, 6, 0, 2, 11]);
    /// `id-as-mdse-94` {id-as 14}.
    pub const ID_AS_MDSE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 14]);
    /// `id-as-mase-94` {id-as 16}.
    pub const ID_AS_MASE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 16]);
}

// ---------------------------------------------------------------------------------------------
// OSI upper layers section (issue 6, src/osi): transfer syntax, ACSE, and the X.419 contexts
// and abstract syntaxes the MTS section above does not already name.
pub use osi_oids::*;

mod osi_oids {
    use rasn::types::Oid;

    /// `{joint-iso-itu-t asn1(1) basic-encoding(1)}`: the BER transfer syntax (X.690).
    pub const ID_BER: &Oid = Oid::const_new(&[2, 1, 1]);
    /// `acse-as-id` {joint-iso-itu-t association-control(2) abstract-syntax(1) apdus(0)
    /// version1(1)}: the ACSE abstract syntax (X.227).
    pub const ID_AS_ACSE: &Oid = Oid::const_new(&[2, 2, 1, 0, 1]);

    /// `id-ac-ms-access-88` {id-ac 4}: P7, 1988 operations.
    pub const ID_AC_MS_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 4]);
    /// `id-ac-ms-reliable-access-88` {id-ac 5}: P7 over RTSE (seen in traces only).
    pub const ID_AC_MS_RELIABLE_ACCESS_88: &Oid = Oid::const_new(&[2, 6, 0, 1, 5]);
    /// `id-ac-mts-transfer` {id-ac 6}: P1 (not offered by a store; seen in traces).
    pub const ID_AC_MTS_TRANSFER: &Oid = Oid::const_new(&[2, 6, 0, 1, 6]);
    /// `id-ac-ms-access-94` {id-ac 11}: P7, 1994 operations.
    pub const ID_AC_MS_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 11]);

    /// `id-as-mrse-88` {id-as 5}: message retrieval service element, 1988.
    pub const ID_AS_MRSE_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 5]);
    /// `id-as-mtse` {id-as 7}: P1 message transfer (seen in traces).
    pub const ID_AS_MTSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 7]);
    /// `id-as-ms-88` {id-as 9}: MS-bind and MS-unbind, 1988.
    pub const ID_AS_MS_88: &Oid = Oid::const_new(&[2, 6, 0, 2, 9]);
    /// `id-as-mta-rtse` {id-as 12}: P1 over RTSE (seen in traces).
    pub const ID_AS_MTA_RTSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 12]);
    /// `id-as-ms-msse` {id-as 13}: message submission from a message store, 1994.
    pub const ID_AS_MS_MSSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 13]);
    /// `id-as-mrse-94` {id-as 15}: message retrieval service element, 1994.
    pub const ID_AS_MRSE_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 15]);
    /// `id-as-ms-94` {id-as 17}: MS-bind and MS-unbind, 1994.
    pub const ID_AS_MS_94: &Oid = Oid::const_new(&[2, 6, 0, 2, 17]);
}

/// A short name for the transfer syntax, ACSE and X.419 OIDs above, for traces.
pub fn osi_name(oid: &[u32]) -> Option<&'static str> {
    const NAMES: &[(&rasn::types::Oid, &str)] = &[
        (ID_BER, "BER"),
        (ID_AS_ACSE, "acse-as"),
        (ID_AC_MTS_ACCESS_88, "mts-access-88"),
        (ID_AC_MTS_FORCED_ACCESS_88, "mts-forced-access-88"),
        (ID_AC_MS_ACCESS_88, "ms-access-88"),
        (ID_AC_MS_RELIABLE_ACCESS_88, "ms-reliable-access-88"),
        (ID_AC_MTS_TRANSFER, "mts-transfer (P1)"),
        (ID_AC_MTS_ACCESS_94, "mts-access-94"),
        (ID_AC_MTS_FORCED_ACCESS_94, "mts-forced-access-94"),
        (ID_AC_MS_ACCESS_94, "ms-access-94"),
        (ID_AS_MSSE, "msse"),
        (ID_AS_MDSE_88, "mdse-88"),
        (ID_AS_MRSE_88, "mrse-88"),
        (ID_AS_MASE_88, "mase-88"),
        (ID_AS_MTSE, "mtse (P1)"),
        (ID_AS_MS_88, "ms-88 bind"),
        (ID_AS_MTS, "mts bind"),
        (ID_AS_MTA_RTSE, "mta-rtse (P1)"),
        (ID_AS_MS_MSSE, "ms-msse"),
        (ID_AS_MDSE_94, "mdse-94"),
        (ID_AS_MRSE_94, "mrse-94"),
        (ID_AS_MASE_94, "mase-94"),
        (ID_AS_MS_94, "ms-94 bind"),
    ];
    NAMES.iter().find(|(o, _)| o[..] == *oid).map(|(_, n)| *n)
}
