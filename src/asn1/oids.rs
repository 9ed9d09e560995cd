//! Object identifiers used by mstore, from X.419 §A (application contexts, abstract syntaxes),
//! X.413 / X.411 / X.420 modules and STANAG 4406. The only place OIDs are written down.
//!
//! Sections are owned by the module that needs them; keep each OID's ASN.1 name in its doc.

// ---------------------------------------------------------------------------------------------
// Content section (issue 3): X.420 IPMS, STANAG 4406 (P772), X.413 attribute types.
pub use content_oids::*;

mod content_oids {
    use rasn::types::Oid;

    /// `id-cont-p2` (X.420): built-in content type 2 (P2, 1984) — as an OID {id-ipms 10 0}.
    pub const ID_CONT_P2: &Oid = Oid::const_new(&[2, 6, 1, 10, 0]);
    /// `id-cont-p22` {id-ipms 10 1}: the 1988 IPM content type (built-in 22).
    pub const ID_CONT_P22: &Oid = Oid::const_new(&[2, 6, 1, 10, 1]);
    /// `id-nato-mmhs-cont-mm88` {id-mmhs 4 1}: the P772 content type.
    pub const ID_MMHS_CONT_P772: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 4, 1]);

    /// `id-et` extended body part data types {id-ipms 4 n}.
    pub const ID_ET_IA5_TEXT: &Oid = Oid::const_new(&[2, 6, 1, 4, 0]);
    /// `id-et-teletex`.
    pub const ID_ET_TELETEX: &Oid = Oid::const_new(&[2, 6, 1, 4, 4]);
    /// `id-et-message`.
    pub const ID_ET_MESSAGE: &Oid = Oid::const_new(&[2, 6, 1, 4, 7]);
    /// `id-et-bilaterally-defined`.
    pub const ID_ET_BILATERALLY_DEFINED: &Oid = Oid::const_new(&[2, 6, 1, 4, 9]);
    /// `id-et-general-text`.
    pub const ID_ET_GENERAL_TEXT: &Oid = Oid::const_new(&[2, 6, 1, 4, 11]);
    /// `id-et-file-transfer`.
    pub const ID_ET_FILE_TRANSFER: &Oid = Oid::const_new(&[2, 6, 1, 4, 12]);
    /// `id-ep-ia5-text` {id-ipms 11 0}.
    pub const ID_EP_IA5_TEXT: &Oid = Oid::const_new(&[2, 6, 1, 11, 0]);
    /// `id-ep-general-text` {id-ipms 11 11}.
    pub const ID_EP_GENERAL_TEXT: &Oid = Oid::const_new(&[2, 6, 1, 11, 11]);

    /// `id-hex-authorization-time` {id-ipms 5 5} (AMHS extended: filing time).
    pub const ID_HEX_AUTHORIZATION_TIME: &Oid = Oid::const_new(&[2, 6, 1, 5, 5]);
    /// `id-hex-originators-reference` {id-ipms 5 11} (AMHS extended: OHI).
    pub const ID_HEX_ORIGINATORS_REFERENCE: &Oid = Oid::const_new(&[2, 6, 1, 5, 11]);
    /// `id-rex-precedence` {id-ipms 20 1}: per-recipient precedence (AMHS extended priority).
    pub const ID_REX_PRECEDENCE: &Oid = Oid::const_new(&[2, 6, 1, 20, 1]);

    /// `id-nato-mmhs-mm` heading extensions {1 3 26 0 4406 0 2 n}: the arc.
    pub const ID_MMHS_MM: &[u32] = &[1, 3, 26, 0, 4406, 0, 2];
    /// `id-nato-mmhs-at` MS attributes {1 3 26 0 4406 0 3 n}: the arc.
    pub const ID_MMHS_AT: &[u32] = &[1, 3, 26, 0, 4406, 0, 3];
    /// `id-nato-mmhs-mm-primary-precedence`.
    pub const ID_MMHS_MM_PRIMARY_PRECEDENCE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 0]);
    /// `id-nato-mmhs-mm-copy-precedence`.
    pub const ID_MMHS_MM_COPY_PRECEDENCE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 1]);
    /// `id-nato-mmhs-mm-message-type`.
    pub const ID_MMHS_MM_MESSAGE_TYPE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 2]);
    /// `id-nato-mmhs-mm-address-list-indicator`.
    pub const ID_MMHS_MM_ADDRESS_LIST_INDICATOR: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 3]);
    /// `id-nato-mmhs-mm-exempted-address`.
    pub const ID_MMHS_MM_EXEMPTED_ADDRESS: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 4]);
    /// `id-nato-mmhs-mm-extended-authorisation-info`.
    pub const ID_MMHS_MM_EXTENDED_AUTHORISATION_INFO: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 5]);
    /// `id-nato-mmhs-mm-distribution-codes`.
    pub const ID_MMHS_MM_DISTRIBUTION_CODES: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 6]);
    /// `id-nato-mmhs-mm-handling-instructions`.
    pub const ID_MMHS_MM_HANDLING_INSTRUCTIONS: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 7]);
    /// `id-nato-mmhs-mm-message-instructions`.
    pub const ID_MMHS_MM_MESSAGE_INSTRUCTIONS: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 8]);
    /// `id-nato-mmhs-mm-codress-message`.
    pub const ID_MMHS_MM_CODRESS_MESSAGE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 9]);
    /// `id-nato-mmhs-mm-originator-reference`.
    pub const ID_MMHS_MM_ORIGINATOR_REFERENCE: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 10]);
    /// `id-nato-mmhs-mm-other-recipients-indicator`.
    pub const ID_MMHS_MM_OTHER_RECIPIENTS_INDICATOR: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 11]);
    /// `id-nato-mmhs-mm-pilot-forwarding-info`.
    pub const ID_MMHS_MM_PILOT_FORWARDING_INFO: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 12]);
    /// `id-nato-mmhs-mm-acp127-message-identifier`.
    pub const ID_MMHS_MM_ACP127_MESSAGE_IDENTIFIER: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 13]);
    /// `id-nato-mmhs-mm-originator-plad`.
    pub const ID_MMHS_MM_ORIGINATOR_PLAD: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 14]);
    /// `id-nato-mmhs-mm-acp127-notification-request` (per-recipient).
    pub const ID_MMHS_MM_ACP127_NOTIFICATION_REQUEST: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 15]);
    /// `id-nato-mmhs-mm-acp127-notification-response` (per-recipient).
    pub const ID_MMHS_MM_ACP127_NOTIFICATION_RESPONSE: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 2, 16]);

    /// X.413 general attribute arc `id-att` {2 6 4 3}.
    pub const ID_ATT: &[u32] = &[2, 6, 4, 3];
    /// X.420 summary attribute arc `id-sat` {2 6 1 6}.
    pub const ID_SAT: &[u32] = &[2, 6, 1, 6];
    /// X.420 heading attribute arc `id-hat` {2 6 1 7}.
    pub const ID_HAT: &[u32] = &[2, 6, 1, 7];
    /// X.420 body attribute arc `id-bat` {2 6 1 8}.
    pub const ID_BAT: &[u32] = &[2, 6, 1, 8];

    /// The standard name of an extended body part data type, if known.
    pub fn extended_body_part_name(oid: &Oid) -> Option<&'static str> {
        let arcs: &[u32] = oid;
        match arcs {
            [2, 6, 1, 4, n] => Some(match n {
                0 => "ia5-text",
                2 => "g3-facsimile",
                3 => "g4-class1",
                4 => "teletex",
                5 => "videotex",
                6 => "encrypted",
                7 => "message",
                8 => "mixed-mode",
                9 => "bilaterally-defined",
                10 => "nationally-defined",
                11 => "general-text",
                12 => "file-transfer",
                14 => "report",
                15 => "notification",
                16 => "voice",
                17 => "content",
                18 => "pkcs7",
                _ => return None,
            }),
            [2, 6, 1, 4, 17, ..] => Some("content"),
            _ => None,
        }
    }
}

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
