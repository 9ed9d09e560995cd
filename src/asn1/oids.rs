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

// ---------------------------------------------------------------------------------------------
// X.413 / X.419 MS access section (P7 ASN.1 layer): the MSAccessProtocol contexts and abstract
// syntaxes the sections above do not already name, MS general attribute types
// (MSGeneralAttributeTypes, id-att = 2.6.4.3), X.420 IPM attribute types (id-sat / id-hat /
// id-bat = 2.6.1.6 / .7 / .8), STANAG 4406 (P772) MS attribute types (1.3.26.0.4406.0.3), MS
// auto-action types and MS extensions. ms-access-88/94, mrse, ms-88/94 and ms-msse are in the
// OSI section, msse and mase in the MTS section.
pub use ms_oids::*;

mod ms_oids {
    use rasn::types::Oid;

    /// `id-ac-ms-reliable-access-94` {id-ac 12} (with RTSE; not offered).
    pub const ID_AC_MS_RELIABLE_ACCESS_94: &Oid = Oid::const_new(&[2, 6, 0, 1, 12]);

    /// `id-as-ms-rtse` {id-as 10}: MS-bind with RTSE.
    pub const ID_AS_MS_RTSE: &Oid = Oid::const_new(&[2, 6, 0, 2, 10]);

    /// `id-act-auto-alert` {id-act 1} (id-act = 2.6.4.4).
    pub const ID_ACT_AUTO_ALERT: &Oid = Oid::const_new(&[2, 6, 4, 4, 1]);
    /// `id-act-auto-correlate-reports` {id-act 2}.
    pub const ID_ACT_AUTO_CORRELATE_REPORTS: &Oid = Oid::const_new(&[2, 6, 4, 4, 2]);
    /// `id-act-auto-delete` {id-act 3}.
    pub const ID_ACT_AUTO_DELETE: &Oid = Oid::const_new(&[2, 6, 4, 4, 3]);
    /// `id-act-auto-modify` {id-act 4}.
    pub const ID_ACT_AUTO_MODIFY: &Oid = Oid::const_new(&[2, 6, 4, 4, 4]);

    /// `id-ext-modify-capability` {id-ext 0} (id-ext = 2.6.4.9; value NULL).
    pub const ID_EXT_MODIFY_CAPABILITY: &Oid = Oid::const_new(&[2, 6, 4, 9, 0]);
    /// `id-ext-modify-retrieval-status-capability` {id-ext 1} (value NULL).
    pub const ID_EXT_MODIFY_RETRIEVAL_STATUS_CAPABILITY: &Oid = Oid::const_new(&[2, 6, 4, 9, 1]);
    /// `id-ext-originator-certificate-selectors-override` {id-ext 2}.
    pub const ID_EXT_ORIGINATOR_CERTIFICATE_SELECTORS_OVERRIDE: &Oid =
        Oid::const_new(&[2, 6, 4, 9, 2]);
    /// `id-ext-originator-token` {id-ext 3}.
    pub const ID_EXT_ORIGINATOR_TOKEN: &Oid = Oid::const_new(&[2, 6, 4, 9, 3]);
    /// `id-ext-protected-change-credentials` {id-ext 4}.
    pub const ID_EXT_PROTECTED_CHANGE_CREDENTIALS: &Oid = Oid::const_new(&[2, 6, 4, 9, 4]);
    /// `id-ext-protected-change-credentials-capability` {id-ext 5}.
    pub const ID_EXT_PROTECTED_CHANGE_CREDENTIALS_CAPABILITY: &Oid =
        Oid::const_new(&[2, 6, 4, 9, 5]);

    /// `id-att-child-sequence-numbers` {id-att 0}.
    pub const ID_ATT_CHILD_SEQUENCE_NUMBERS: &Oid = Oid::const_new(&[2, 6, 4, 3, 0]);
    /// `id-att-content` {id-att 1}.
    pub const ID_ATT_CONTENT: &Oid = Oid::const_new(&[2, 6, 4, 3, 1]);
    /// `id-att-content-confidentiality-algorithm-identifier` {id-att 2}.
    pub const ID_ATT_CONTENT_CONFIDENTIALITY_ALGORITHM_IDENTIFIER: &Oid =
        Oid::const_new(&[2, 6, 4, 3, 2]);
    /// `id-att-content-correlator` {id-att 3}.
    pub const ID_ATT_CONTENT_CORRELATOR: &Oid = Oid::const_new(&[2, 6, 4, 3, 3]);
    /// `id-att-content-identifier` {id-att 4}.
    pub const ID_ATT_CONTENT_IDENTIFIER: &Oid = Oid::const_new(&[2, 6, 4, 3, 4]);
    /// `id-att-content-integrity-check` {id-att 5}.
    pub const ID_ATT_CONTENT_INTEGRITY_CHECK: &Oid = Oid::const_new(&[2, 6, 4, 3, 5]);
    /// `id-att-content-length` {id-att 6}.
    pub const ID_ATT_CONTENT_LENGTH: &Oid = Oid::const_new(&[2, 6, 4, 3, 6]);
    /// `id-att-content-returned` {id-att 7}.
    pub const ID_ATT_CONTENT_RETURNED: &Oid = Oid::const_new(&[2, 6, 4, 3, 7]);
    /// `id-att-content-type` {id-att 8}.
    pub const ID_ATT_CONTENT_TYPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 8]);
    /// `id-att-conversion-with-loss-prohibited` {id-att 9}.
    pub const ID_ATT_CONVERSION_WITH_LOSS_PROHIBITED: &Oid = Oid::const_new(&[2, 6, 4, 3, 9]);
    /// `id-att-converted-EITs` {id-att 10}.
    pub const ID_ATT_CONVERTED_EITS: &Oid = Oid::const_new(&[2, 6, 4, 3, 10]);
    /// `id-att-creation-time` {id-att 11}.
    pub const ID_ATT_CREATION_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 11]);
    /// `id-att-delivered-EITs` {id-att 12}.
    pub const ID_ATT_DELIVERED_EITS: &Oid = Oid::const_new(&[2, 6, 4, 3, 12]);
    /// `id-att-delivery-flags` {id-att 13}.
    pub const ID_ATT_DELIVERY_FLAGS: &Oid = Oid::const_new(&[2, 6, 4, 3, 13]);
    /// `id-att-dl-expansion-history` {id-att 14}.
    pub const ID_ATT_DL_EXPANSION_HISTORY: &Oid = Oid::const_new(&[2, 6, 4, 3, 14]);
    /// `id-att-retrieval-status` {id-att 15} (X400-FACTS: entry-status; new 0, listed 1, processed 2).
    pub const ID_ATT_RETRIEVAL_STATUS: &Oid = Oid::const_new(&[2, 6, 4, 3, 15]);
    /// `id-att-entry-type` {id-att 16} (delivered-message 0, delivered-report 1, returned-content 2, …).
    pub const ID_ATT_ENTRY_TYPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 16]);
    /// `id-att-intended-recipient-name` {id-att 17}.
    pub const ID_ATT_INTENDED_RECIPIENT_NAME: &Oid = Oid::const_new(&[2, 6, 4, 3, 17]);
    /// `id-att-message-delivery-envelope` {id-att 18}.
    pub const ID_ATT_MESSAGE_DELIVERY_ENVELOPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 18]);
    /// `id-att-message-identifier` {id-att 19} (1988 name: message-delivery-identifier).
    pub const ID_ATT_MESSAGE_IDENTIFIER: &Oid = Oid::const_new(&[2, 6, 4, 3, 19]);
    /// `id-att-message-delivery-time` {id-att 20}.
    pub const ID_ATT_MESSAGE_DELIVERY_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 20]);
    /// `id-att-message-origin-authentication-check` {id-att 21}.
    pub const ID_ATT_MESSAGE_ORIGIN_AUTHENTICATION_CHECK: &Oid = Oid::const_new(&[2, 6, 4, 3, 21]);
    /// `id-att-message-security-label` {id-att 22}.
    pub const ID_ATT_MESSAGE_SECURITY_LABEL: &Oid = Oid::const_new(&[2, 6, 4, 3, 22]);
    /// `id-att-message-submission-time` {id-att 23}.
    pub const ID_ATT_MESSAGE_SUBMISSION_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 23]);
    /// `id-att-message-token` {id-att 24}.
    pub const ID_ATT_MESSAGE_TOKEN: &Oid = Oid::const_new(&[2, 6, 4, 3, 24]);
    /// `id-att-original-EITs` {id-att 25}.
    pub const ID_ATT_ORIGINAL_EITS: &Oid = Oid::const_new(&[2, 6, 4, 3, 25]);
    /// `id-att-originator-certificate` {id-att 26}.
    pub const ID_ATT_ORIGINATOR_CERTIFICATE: &Oid = Oid::const_new(&[2, 6, 4, 3, 26]);
    /// `id-att-originator-name` {id-att 27}.
    pub const ID_ATT_ORIGINATOR_NAME: &Oid = Oid::const_new(&[2, 6, 4, 3, 27]);
    /// `id-att-other-recipient-names` {id-att 28}.
    pub const ID_ATT_OTHER_RECIPIENT_NAMES: &Oid = Oid::const_new(&[2, 6, 4, 3, 28]);
    /// `id-att-parent-sequence-number` {id-att 29}.
    pub const ID_ATT_PARENT_SEQUENCE_NUMBER: &Oid = Oid::const_new(&[2, 6, 4, 3, 29]);
    /// `id-att-per-recipient-report-delivery-fields` {id-att 30}.
    pub const ID_ATT_PER_RECIPIENT_REPORT_DELIVERY_FIELDS: &Oid = Oid::const_new(&[2, 6, 4, 3, 30]);
    /// `id-att-priority` {id-att 31} (normal 0, non-urgent 1, urgent 2).
    pub const ID_ATT_PRIORITY: &Oid = Oid::const_new(&[2, 6, 4, 3, 31]);
    /// `id-att-proof-of-delivery-request` {id-att 32}.
    pub const ID_ATT_PROOF_OF_DELIVERY_REQUEST: &Oid = Oid::const_new(&[2, 6, 4, 3, 32]);
    /// `id-att-redirection-history` {id-att 33}.
    pub const ID_ATT_REDIRECTION_HISTORY: &Oid = Oid::const_new(&[2, 6, 4, 3, 33]);
    /// `id-att-report-delivery-envelope` {id-att 34}.
    pub const ID_ATT_REPORT_DELIVERY_ENVELOPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 34]);
    /// `id-att-reporting-DL-name` {id-att 35}.
    pub const ID_ATT_REPORTING_DL_NAME: &Oid = Oid::const_new(&[2, 6, 4, 3, 35]);
    /// `id-att-reporting-MTA-certificate` {id-att 36}.
    pub const ID_ATT_REPORTING_MTA_CERTIFICATE: &Oid = Oid::const_new(&[2, 6, 4, 3, 36]);
    /// `id-att-report-origin-authentication-check` {id-att 37}.
    pub const ID_ATT_REPORT_ORIGIN_AUTHENTICATION_CHECK: &Oid = Oid::const_new(&[2, 6, 4, 3, 37]);
    /// `id-att-security-classification` {id-att 38}.
    pub const ID_ATT_SECURITY_CLASSIFICATION: &Oid = Oid::const_new(&[2, 6, 4, 3, 38]);
    /// `id-att-sequence-number` {id-att 39}.
    pub const ID_ATT_SEQUENCE_NUMBER: &Oid = Oid::const_new(&[2, 6, 4, 3, 39]);
    /// `id-att-subject-submission-identifier` {id-att 40}.
    pub const ID_ATT_SUBJECT_SUBMISSION_IDENTIFIER: &Oid = Oid::const_new(&[2, 6, 4, 3, 40]);
    /// `id-att-this-recipient-name` {id-att 41}.
    pub const ID_ATT_THIS_RECIPIENT_NAME: &Oid = Oid::const_new(&[2, 6, 4, 3, 41]);
    /// `id-att-ac-correlated-report-list` {id-att 42}.
    pub const ID_ATT_AC_CORRELATED_REPORT_LIST: &Oid = Oid::const_new(&[2, 6, 4, 3, 42]);
    /// `id-att-ac-report-summary` {id-att 43}.
    pub const ID_ATT_AC_REPORT_SUMMARY: &Oid = Oid::const_new(&[2, 6, 4, 3, 43]);
    /// `id-att-ac-uncorrelated-report-list` {id-att 44}.
    pub const ID_ATT_AC_UNCORRELATED_REPORT_LIST: &Oid = Oid::const_new(&[2, 6, 4, 3, 44]);
    /// `id-att-auto-action-error` {id-att 46}.
    pub const ID_ATT_AUTO_ACTION_ERROR: &Oid = Oid::const_new(&[2, 6, 4, 3, 46]);
    /// `id-att-auto-action-registration-identifier` {id-att 47}.
    pub const ID_ATT_AUTO_ACTION_REGISTRATION_IDENTIFIER: &Oid = Oid::const_new(&[2, 6, 4, 3, 47]);
    /// `id-att-auto-action-subject-entry` {id-att 48}.
    pub const ID_ATT_AUTO_ACTION_SUBJECT_ENTRY: &Oid = Oid::const_new(&[2, 6, 4, 3, 48]);
    /// `id-att-auto-action-type` {id-att 49}.
    pub const ID_ATT_AUTO_ACTION_TYPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 49]);
    /// `id-att-deferred-delivery-cancellation-time` {id-att 50}.
    pub const ID_ATT_DEFERRED_DELIVERY_CANCELLATION_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 50]);
    /// `id-att-deferred-delivery-time` {id-att 51}.
    pub const ID_ATT_DEFERRED_DELIVERY_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 51]);
    /// `id-att-deletion-time` {id-att 52}.
    pub const ID_ATT_DELETION_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 52]);
    /// `id-att-dl-expansion-prohibited` {id-att 53}.
    pub const ID_ATT_DL_EXPANSION_PROHIBITED: &Oid = Oid::const_new(&[2, 6, 4, 3, 53]);
    /// `id-att-internal-trace-information` {id-att 54}.
    pub const ID_ATT_INTERNAL_TRACE_INFORMATION: &Oid = Oid::const_new(&[2, 6, 4, 3, 54]);
    /// `id-att-latest-delivery-time` {id-att 55}.
    pub const ID_ATT_LATEST_DELIVERY_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 55]);
    /// `id-att-marked-for-deletion` {id-att 56}.
    pub const ID_ATT_MARKED_FOR_DELETION: &Oid = Oid::const_new(&[2, 6, 4, 3, 56]);
    /// `id-att-message-group-name` {id-att 57}.
    pub const ID_ATT_MESSAGE_GROUP_NAME: &Oid = Oid::const_new(&[2, 6, 4, 3, 57]);
    /// `id-att-message-notes` {id-att 58}.
    pub const ID_ATT_MESSAGE_NOTES: &Oid = Oid::const_new(&[2, 6, 4, 3, 58]);
    /// `id-att-message-submission-envelope` {id-att 59}.
    pub const ID_ATT_MESSAGE_SUBMISSION_ENVELOPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 59]);
    /// `id-att-ms-originated` {id-att 60}.
    pub const ID_ATT_MS_ORIGINATED: &Oid = Oid::const_new(&[2, 6, 4, 3, 60]);
    /// `id-att-ms-submission-error` {id-att 61}.
    pub const ID_ATT_MS_SUBMISSION_ERROR: &Oid = Oid::const_new(&[2, 6, 4, 3, 61]);
    /// `id-att-originating-MTA-certificate` {id-att 62}.
    pub const ID_ATT_ORIGINATING_MTA_CERTIFICATE: &Oid = Oid::const_new(&[2, 6, 4, 3, 62]);
    /// `id-att-originator-report-request` {id-att 63}.
    pub const ID_ATT_ORIGINATOR_REPORT_REQUEST: &Oid = Oid::const_new(&[2, 6, 4, 3, 63]);
    /// `id-att-originator-return-address` {id-att 64}.
    pub const ID_ATT_ORIGINATOR_RETURN_ADDRESS: &Oid = Oid::const_new(&[2, 6, 4, 3, 64]);
    /// `id-att-per-message-indicators` {id-att 65}.
    pub const ID_ATT_PER_MESSAGE_INDICATORS: &Oid = Oid::const_new(&[2, 6, 4, 3, 65]);
    /// `id-att-per-recipient-message-submission-fields` {id-att 66}.
    pub const ID_ATT_PER_RECIPIENT_MESSAGE_SUBMISSION_FIELDS: &Oid =
        Oid::const_new(&[2, 6, 4, 3, 66]);
    /// `id-att-per-recipient-probe-submission-fields` {id-att 67}.
    pub const ID_ATT_PER_RECIPIENT_PROBE_SUBMISSION_FIELDS: &Oid =
        Oid::const_new(&[2, 6, 4, 3, 67]);
    /// `id-att-probe-origin-authentication-check` {id-att 68}.
    pub const ID_ATT_PROBE_ORIGIN_AUTHENTICATION_CHECK: &Oid = Oid::const_new(&[2, 6, 4, 3, 68]);
    /// `id-att-probe-submission-envelope` {id-att 69}.
    pub const ID_ATT_PROBE_SUBMISSION_ENVELOPE: &Oid = Oid::const_new(&[2, 6, 4, 3, 69]);
    /// `id-att-proof-of-submission` {id-att 70}.
    pub const ID_ATT_PROOF_OF_SUBMISSION: &Oid = Oid::const_new(&[2, 6, 4, 3, 70]);
    /// `id-att-recipient-names` {id-att 71}.
    pub const ID_ATT_RECIPIENT_NAMES: &Oid = Oid::const_new(&[2, 6, 4, 3, 71]);
    /// `id-att-recipient-reassignment-prohibited` {id-att 72}.
    pub const ID_ATT_RECIPIENT_REASSIGNMENT_PROHIBITED: &Oid = Oid::const_new(&[2, 6, 4, 3, 72]);
    /// `id-att-storage-period` {id-att 73}.
    pub const ID_ATT_STORAGE_PERIOD: &Oid = Oid::const_new(&[2, 6, 4, 3, 73]);
    /// `id-att-storage-time` {id-att 74}.
    pub const ID_ATT_STORAGE_TIME: &Oid = Oid::const_new(&[2, 6, 4, 3, 74]);
    /// `id-att-trace-information` {id-att 75}.
    pub const ID_ATT_TRACE_INFORMATION: &Oid = Oid::const_new(&[2, 6, 4, 3, 75]);
    /// `id-att-ac-report-subject-entry` {id-att 76}.
    pub const ID_ATT_AC_REPORT_SUBJECT_ENTRY: &Oid = Oid::const_new(&[2, 6, 4, 3, 76]);
    /// `id-att-locally-originated` {id-att 77}.
    pub const ID_ATT_LOCALLY_ORIGINATED: &Oid = Oid::const_new(&[2, 6, 4, 3, 77]);
    /// `id-att-dl-exempted-recipients` {id-att 78}.
    pub const ID_ATT_DL_EXEMPTED_RECIPIENTS: &Oid = Oid::const_new(&[2, 6, 4, 3, 78]);
    /// `id-att-signature-verification-status` {id-att 79}.
    pub const ID_ATT_SIGNATURE_VERIFICATION_STATUS: &Oid = Oid::const_new(&[2, 6, 4, 3, 79]);
    /// `id-att-certificate-selectors` {id-att 80}.
    pub const ID_ATT_CERTIFICATE_SELECTORS: &Oid = Oid::const_new(&[2, 6, 4, 3, 80]);
    /// `id-att-multiple-originator-certificates` {id-att 81}.
    pub const ID_ATT_MULTIPLE_ORIGINATOR_CERTIFICATES: &Oid = Oid::const_new(&[2, 6, 4, 3, 81]);
    /// `id-att-recipient-certificate` {id-att 82}.
    pub const ID_ATT_RECIPIENT_CERTIFICATE: &Oid = Oid::const_new(&[2, 6, 4, 3, 82]);

    /// X.420 `id-sat-ipm-entry-type` {id-sat 0} (2.6.1.6.0).
    pub const ID_SAT_IPM_ENTRY_TYPE: &Oid = Oid::const_new(&[2, 6, 1, 6, 0]);
    /// X.420 `id-sat-ipm-synopsis` {id-sat 1} (2.6.1.6.1).
    pub const ID_SAT_IPM_SYNOPSIS: &Oid = Oid::const_new(&[2, 6, 1, 6, 1]);
    /// X.420 `id-sat-body-parts-summary` {id-sat 2} (2.6.1.6.2).
    pub const ID_SAT_BODY_PARTS_SUMMARY: &Oid = Oid::const_new(&[2, 6, 1, 6, 2]);
    /// X.420 `id-hat-heading` {id-hat 0} (2.6.1.7.0).
    pub const ID_HAT_HEADING: &Oid = Oid::const_new(&[2, 6, 1, 7, 0]);
    /// X.420 `id-hat-this-ipm` {id-hat 1} (2.6.1.7.1).
    pub const ID_HAT_THIS_IPM: &Oid = Oid::const_new(&[2, 6, 1, 7, 1]);
    /// X.420 `id-hat-originator` {id-hat 2} (2.6.1.7.2).
    pub const ID_HAT_ORIGINATOR: &Oid = Oid::const_new(&[2, 6, 1, 7, 2]);
    /// X.420 `id-hat-replied-to-IPM` {id-hat 3} (2.6.1.7.3).
    pub const ID_HAT_REPLIED_TO_IPM: &Oid = Oid::const_new(&[2, 6, 1, 7, 3]);
    /// X.420 `id-hat-subject` {id-hat 4} (2.6.1.7.4).
    pub const ID_HAT_SUBJECT: &Oid = Oid::const_new(&[2, 6, 1, 7, 4]);
    /// X.420 `id-hat-expiry-time` {id-hat 5} (2.6.1.7.5).
    pub const ID_HAT_EXPIRY_TIME: &Oid = Oid::const_new(&[2, 6, 1, 7, 5]);
    /// X.420 `id-hat-reply-time` {id-hat 6} (2.6.1.7.6).
    pub const ID_HAT_REPLY_TIME: &Oid = Oid::const_new(&[2, 6, 1, 7, 6]);
    /// X.420 `id-hat-importance` {id-hat 7} (2.6.1.7.7).
    pub const ID_HAT_IMPORTANCE: &Oid = Oid::const_new(&[2, 6, 1, 7, 7]);
    /// X.420 `id-hat-sensitivity` {id-hat 8} (2.6.1.7.8).
    pub const ID_HAT_SENSITIVITY: &Oid = Oid::const_new(&[2, 6, 1, 7, 8]);
    /// X.420 `id-hat-auto-forwarded` {id-hat 9} (2.6.1.7.9).
    pub const ID_HAT_AUTO_FORWARDED: &Oid = Oid::const_new(&[2, 6, 1, 7, 9]);
    /// X.420 `id-hat-authorizing-users` {id-hat 10} (2.6.1.7.10).
    pub const ID_HAT_AUTHORIZING_USERS: &Oid = Oid::const_new(&[2, 6, 1, 7, 10]);
    /// X.420 `id-hat-primary-recipients` {id-hat 11} (2.6.1.7.11).
    pub const ID_HAT_PRIMARY_RECIPIENTS: &Oid = Oid::const_new(&[2, 6, 1, 7, 11]);
    /// X.420 `id-hat-copy-recipients` {id-hat 12} (2.6.1.7.12).
    pub const ID_HAT_COPY_RECIPIENTS: &Oid = Oid::const_new(&[2, 6, 1, 7, 12]);
    /// X.420 `id-hat-blind-copy-recipients` {id-hat 13} (2.6.1.7.13).
    pub const ID_HAT_BLIND_COPY_RECIPIENTS: &Oid = Oid::const_new(&[2, 6, 1, 7, 13]);
    /// X.420 `id-hat-obsoleted-IPMs` {id-hat 14} (2.6.1.7.14).
    pub const ID_HAT_OBSOLETED_IPMS: &Oid = Oid::const_new(&[2, 6, 1, 7, 14]);
    /// X.420 `id-hat-related-IPMs` {id-hat 15} (2.6.1.7.15).
    pub const ID_HAT_RELATED_IPMS: &Oid = Oid::const_new(&[2, 6, 1, 7, 15]);
    /// X.420 `id-hat-reply-recipients` {id-hat 16} (2.6.1.7.16).
    pub const ID_HAT_REPLY_RECIPIENTS: &Oid = Oid::const_new(&[2, 6, 1, 7, 16]);
    /// X.420 `id-hat-precedence` {id-hat 37} (2.6.1.7.37).
    pub const ID_HAT_PRECEDENCE: &Oid = Oid::const_new(&[2, 6, 1, 7, 37]);
    /// X.420 `id-bat-body` {id-bat 0} (2.6.1.8.0).
    pub const ID_BAT_BODY: &Oid = Oid::const_new(&[2, 6, 1, 8, 0]);
    /// X.420 `id-bat-ia5-text-body-parts` {id-bat 1} (2.6.1.8.1).
    pub const ID_BAT_IA5_TEXT_BODY_PARTS: &Oid = Oid::const_new(&[2, 6, 1, 8, 1]);
    /// X.420 `id-bat-message-body-parts` {id-bat 8} (2.6.1.8.8).
    pub const ID_BAT_MESSAGE_BODY_PARTS: &Oid = Oid::const_new(&[2, 6, 1, 8, 8]);
    /// X.420 `id-bat-ia5-text-data` {id-bat 20} (2.6.1.8.20).
    pub const ID_BAT_IA5_TEXT_DATA: &Oid = Oid::const_new(&[2, 6, 1, 8, 20]);

    /// STANAG 4406 MS attribute `primary-precedence` (1.3.26.0.4406.0.3.0).
    pub const ID_MMHS_ATT_PRIMARY_PRECEDENCE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 0]);
    /// STANAG 4406 MS attribute `copy-precedence` (1.3.26.0.4406.0.3.1).
    pub const ID_MMHS_ATT_COPY_PRECEDENCE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 1]);
    /// STANAG 4406 MS attribute `message-type` (1.3.26.0.4406.0.3.2).
    pub const ID_MMHS_ATT_MESSAGE_TYPE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 2]);
    /// STANAG 4406 MS attribute `address-list-indicator` (1.3.26.0.4406.0.3.3).
    pub const ID_MMHS_ATT_ADDRESS_LIST_INDICATOR: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 3]);
    /// STANAG 4406 MS attribute `exempted-address` (1.3.26.0.4406.0.3.4).
    pub const ID_MMHS_ATT_EXEMPTED_ADDRESS: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 4]);
    /// STANAG 4406 MS attribute `extended-authorisation-info` (1.3.26.0.4406.0.3.5).
    pub const ID_MMHS_ATT_EXTENDED_AUTHORISATION_INFO: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 5]);
    /// STANAG 4406 MS attribute `distribution-codes` (1.3.26.0.4406.0.3.6).
    pub const ID_MMHS_ATT_DISTRIBUTION_CODES: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 6]);
    /// STANAG 4406 MS attribute `handling-instructions` (1.3.26.0.4406.0.3.7).
    pub const ID_MMHS_ATT_HANDLING_INSTRUCTIONS: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 7]);
    /// STANAG 4406 MS attribute `message-instructions` (1.3.26.0.4406.0.3.8).
    pub const ID_MMHS_ATT_MESSAGE_INSTRUCTIONS: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 8]);
    /// STANAG 4406 MS attribute `codress-message` (1.3.26.0.4406.0.3.9).
    pub const ID_MMHS_ATT_CODRESS_MESSAGE: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 9]);
    /// STANAG 4406 MS attribute `originator-reference` (1.3.26.0.4406.0.3.10).
    pub const ID_MMHS_ATT_ORIGINATOR_REFERENCE: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 10]);
    /// STANAG 4406 MS attribute `other-recipients-indicator` (1.3.26.0.4406.0.3.11).
    pub const ID_MMHS_ATT_OTHER_RECIPIENTS_INDICATOR: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 11]);
    /// STANAG 4406 MS attribute `pilot-forwarding-info` (1.3.26.0.4406.0.3.12).
    pub const ID_MMHS_ATT_PILOT_FORWARDING_INFO: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 12]);
    /// STANAG 4406 MS attribute `acp127-message-identifier` (1.3.26.0.4406.0.3.13).
    pub const ID_MMHS_ATT_ACP127_MESSAGE_IDENTIFIER: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 13]);
    /// STANAG 4406 MS attribute `originator-plad` (1.3.26.0.4406.0.3.14).
    pub const ID_MMHS_ATT_ORIGINATOR_PLAD: &Oid = Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 14]);
    /// STANAG 4406 MS attribute `acp127-notification-request` (1.3.26.0.4406.0.3.15).
    pub const ID_MMHS_ATT_ACP127_NOTIFICATION_REQUEST: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 15]);
    /// STANAG 4406 MS attribute `acp127-notification-response` (1.3.26.0.4406.0.3.16).
    pub const ID_MMHS_ATT_ACP127_NOTIFICATION_RESPONSE: &Oid =
        Oid::const_new(&[1, 3, 26, 0, 4406, 0, 3, 16]);

    /// Every MS attribute type above with its name as operators write it (X.413 / X.420
    /// names without the `id-att-` prefix; STANAG 4406 ones prefixed `mmhs-`).
    pub const MS_ATTRIBUTE_NAMES: &[(&str, &Oid)] = &[
        ("child-sequence-numbers", ID_ATT_CHILD_SEQUENCE_NUMBERS),
        ("content", ID_ATT_CONTENT),
        (
            "content-confidentiality-algorithm-identifier",
            ID_ATT_CONTENT_CONFIDENTIALITY_ALGORITHM_IDENTIFIER,
        ),
        ("content-correlator", ID_ATT_CONTENT_CORRELATOR),
        ("content-identifier", ID_ATT_CONTENT_IDENTIFIER),
        ("content-integrity-check", ID_ATT_CONTENT_INTEGRITY_CHECK),
        ("content-length", ID_ATT_CONTENT_LENGTH),
        ("content-returned", ID_ATT_CONTENT_RETURNED),
        ("content-type", ID_ATT_CONTENT_TYPE),
        (
            "conversion-with-loss-prohibited",
            ID_ATT_CONVERSION_WITH_LOSS_PROHIBITED,
        ),
        ("converted-EITs", ID_ATT_CONVERTED_EITS),
        ("creation-time", ID_ATT_CREATION_TIME),
        ("delivered-EITs", ID_ATT_DELIVERED_EITS),
        ("delivery-flags", ID_ATT_DELIVERY_FLAGS),
        ("dl-expansion-history", ID_ATT_DL_EXPANSION_HISTORY),
        ("retrieval-status", ID_ATT_RETRIEVAL_STATUS),
        ("entry-type", ID_ATT_ENTRY_TYPE),
        ("intended-recipient-name", ID_ATT_INTENDED_RECIPIENT_NAME),
        (
            "message-delivery-envelope",
            ID_ATT_MESSAGE_DELIVERY_ENVELOPE,
        ),
        ("message-identifier", ID_ATT_MESSAGE_IDENTIFIER),
        ("message-delivery-time", ID_ATT_MESSAGE_DELIVERY_TIME),
        (
            "message-origin-authentication-check",
            ID_ATT_MESSAGE_ORIGIN_AUTHENTICATION_CHECK,
        ),
        ("message-security-label", ID_ATT_MESSAGE_SECURITY_LABEL),
        ("message-submission-time", ID_ATT_MESSAGE_SUBMISSION_TIME),
        ("message-token", ID_ATT_MESSAGE_TOKEN),
        ("original-EITs", ID_ATT_ORIGINAL_EITS),
        ("originator-certificate", ID_ATT_ORIGINATOR_CERTIFICATE),
        ("originator-name", ID_ATT_ORIGINATOR_NAME),
        ("other-recipient-names", ID_ATT_OTHER_RECIPIENT_NAMES),
        ("parent-sequence-number", ID_ATT_PARENT_SEQUENCE_NUMBER),
        (
            "per-recipient-report-delivery-fields",
            ID_ATT_PER_RECIPIENT_REPORT_DELIVERY_FIELDS,
        ),
        ("priority", ID_ATT_PRIORITY),
        (
            "proof-of-delivery-request",
            ID_ATT_PROOF_OF_DELIVERY_REQUEST,
        ),
        ("redirection-history", ID_ATT_REDIRECTION_HISTORY),
        ("report-delivery-envelope", ID_ATT_REPORT_DELIVERY_ENVELOPE),
        ("reporting-DL-name", ID_ATT_REPORTING_DL_NAME),
        (
            "reporting-MTA-certificate",
            ID_ATT_REPORTING_MTA_CERTIFICATE,
        ),
        (
            "report-origin-authentication-check",
            ID_ATT_REPORT_ORIGIN_AUTHENTICATION_CHECK,
        ),
        ("security-classification", ID_ATT_SECURITY_CLASSIFICATION),
        ("sequence-number", ID_ATT_SEQUENCE_NUMBER),
        (
            "subject-submission-identifier",
            ID_ATT_SUBJECT_SUBMISSION_IDENTIFIER,
        ),
        ("this-recipient-name", ID_ATT_THIS_RECIPIENT_NAME),
        (
            "ac-correlated-report-list",
            ID_ATT_AC_CORRELATED_REPORT_LIST,
        ),
        ("ac-report-summary", ID_ATT_AC_REPORT_SUMMARY),
        (
            "ac-uncorrelated-report-list",
            ID_ATT_AC_UNCORRELATED_REPORT_LIST,
        ),
        ("auto-action-error", ID_ATT_AUTO_ACTION_ERROR),
        (
            "auto-action-registration-identifier",
            ID_ATT_AUTO_ACTION_REGISTRATION_IDENTIFIER,
        ),
        (
            "auto-action-subject-entry",
            ID_ATT_AUTO_ACTION_SUBJECT_ENTRY,
        ),
        ("auto-action-type", ID_ATT_AUTO_ACTION_TYPE),
        (
            "deferred-delivery-cancellation-time",
            ID_ATT_DEFERRED_DELIVERY_CANCELLATION_TIME,
        ),
        ("deferred-delivery-time", ID_ATT_DEFERRED_DELIVERY_TIME),
        ("deletion-time", ID_ATT_DELETION_TIME),
        ("dl-expansion-prohibited", ID_ATT_DL_EXPANSION_PROHIBITED),
        (
            "internal-trace-information",
            ID_ATT_INTERNAL_TRACE_INFORMATION,
        ),
        ("latest-delivery-time", ID_ATT_LATEST_DELIVERY_TIME),
        ("marked-for-deletion", ID_ATT_MARKED_FOR_DELETION),
        ("message-group-name", ID_ATT_MESSAGE_GROUP_NAME),
        ("message-notes", ID_ATT_MESSAGE_NOTES),
        (
            "message-submission-envelope",
            ID_ATT_MESSAGE_SUBMISSION_ENVELOPE,
        ),
        ("ms-originated", ID_ATT_MS_ORIGINATED),
        ("ms-submission-error", ID_ATT_MS_SUBMISSION_ERROR),
        (
            "originating-MTA-certificate",
            ID_ATT_ORIGINATING_MTA_CERTIFICATE,
        ),
        (
            "originator-report-request",
            ID_ATT_ORIGINATOR_REPORT_REQUEST,
        ),
        (
            "originator-return-address",
            ID_ATT_ORIGINATOR_RETURN_ADDRESS,
        ),
        ("per-message-indicators", ID_ATT_PER_MESSAGE_INDICATORS),
        (
            "per-recipient-message-submission-fields",
            ID_ATT_PER_RECIPIENT_MESSAGE_SUBMISSION_FIELDS,
        ),
        (
            "per-recipient-probe-submission-fields",
            ID_ATT_PER_RECIPIENT_PROBE_SUBMISSION_FIELDS,
        ),
        (
            "probe-origin-authentication-check",
            ID_ATT_PROBE_ORIGIN_AUTHENTICATION_CHECK,
        ),
        (
            "probe-submission-envelope",
            ID_ATT_PROBE_SUBMISSION_ENVELOPE,
        ),
        ("proof-of-submission", ID_ATT_PROOF_OF_SUBMISSION),
        ("recipient-names", ID_ATT_RECIPIENT_NAMES),
        (
            "recipient-reassignment-prohibited",
            ID_ATT_RECIPIENT_REASSIGNMENT_PROHIBITED,
        ),
        ("storage-period", ID_ATT_STORAGE_PERIOD),
        ("storage-time", ID_ATT_STORAGE_TIME),
        ("trace-information", ID_ATT_TRACE_INFORMATION),
        ("ac-report-subject-entry", ID_ATT_AC_REPORT_SUBJECT_ENTRY),
        ("locally-originated", ID_ATT_LOCALLY_ORIGINATED),
        ("dl-exempted-recipients", ID_ATT_DL_EXEMPTED_RECIPIENTS),
        (
            "signature-verification-status",
            ID_ATT_SIGNATURE_VERIFICATION_STATUS,
        ),
        ("certificate-selectors", ID_ATT_CERTIFICATE_SELECTORS),
        (
            "multiple-originator-certificates",
            ID_ATT_MULTIPLE_ORIGINATOR_CERTIFICATES,
        ),
        ("recipient-certificate", ID_ATT_RECIPIENT_CERTIFICATE),
        ("ipm-entry-type", ID_SAT_IPM_ENTRY_TYPE),
        ("ipm-synopsis", ID_SAT_IPM_SYNOPSIS),
        ("body-parts-summary", ID_SAT_BODY_PARTS_SUMMARY),
        ("heading", ID_HAT_HEADING),
        ("this-ipm", ID_HAT_THIS_IPM),
        ("originator", ID_HAT_ORIGINATOR),
        ("replied-to-IPM", ID_HAT_REPLIED_TO_IPM),
        ("subject", ID_HAT_SUBJECT),
        ("expiry-time", ID_HAT_EXPIRY_TIME),
        ("reply-time", ID_HAT_REPLY_TIME),
        ("importance", ID_HAT_IMPORTANCE),
        ("sensitivity", ID_HAT_SENSITIVITY),
        ("auto-forwarded", ID_HAT_AUTO_FORWARDED),
        ("authorizing-users", ID_HAT_AUTHORIZING_USERS),
        ("primary-recipients", ID_HAT_PRIMARY_RECIPIENTS),
        ("copy-recipients", ID_HAT_COPY_RECIPIENTS),
        ("blind-copy-recipients", ID_HAT_BLIND_COPY_RECIPIENTS),
        ("obsoleted-IPMs", ID_HAT_OBSOLETED_IPMS),
        ("related-IPMs", ID_HAT_RELATED_IPMS),
        ("reply-recipients", ID_HAT_REPLY_RECIPIENTS),
        ("precedence", ID_HAT_PRECEDENCE),
        ("body", ID_BAT_BODY),
        ("ia5-text-body-parts", ID_BAT_IA5_TEXT_BODY_PARTS),
        ("message-body-parts", ID_BAT_MESSAGE_BODY_PARTS),
        ("ia5-text-data", ID_BAT_IA5_TEXT_DATA),
        ("mmhs-primary-precedence", ID_MMHS_ATT_PRIMARY_PRECEDENCE),
        ("mmhs-copy-precedence", ID_MMHS_ATT_COPY_PRECEDENCE),
        ("mmhs-message-type", ID_MMHS_ATT_MESSAGE_TYPE),
        (
            "mmhs-address-list-indicator",
            ID_MMHS_ATT_ADDRESS_LIST_INDICATOR,
        ),
        ("mmhs-exempted-address", ID_MMHS_ATT_EXEMPTED_ADDRESS),
        (
            "mmhs-extended-authorisation-info",
            ID_MMHS_ATT_EXTENDED_AUTHORISATION_INFO,
        ),
        ("mmhs-distribution-codes", ID_MMHS_ATT_DISTRIBUTION_CODES),
        (
            "mmhs-handling-instructions",
            ID_MMHS_ATT_HANDLING_INSTRUCTIONS,
        ),
        (
            "mmhs-message-instructions",
            ID_MMHS_ATT_MESSAGE_INSTRUCTIONS,
        ),
        ("mmhs-codress-message", ID_MMHS_ATT_CODRESS_MESSAGE),
        (
            "mmhs-originator-reference",
            ID_MMHS_ATT_ORIGINATOR_REFERENCE,
        ),
        (
            "mmhs-other-recipients-indicator",
            ID_MMHS_ATT_OTHER_RECIPIENTS_INDICATOR,
        ),
        (
            "mmhs-pilot-forwarding-info",
            ID_MMHS_ATT_PILOT_FORWARDING_INFO,
        ),
        (
            "mmhs-acp127-message-identifier",
            ID_MMHS_ATT_ACP127_MESSAGE_IDENTIFIER,
        ),
        ("mmhs-originator-plad", ID_MMHS_ATT_ORIGINATOR_PLAD),
        (
            "mmhs-acp127-notification-request",
            ID_MMHS_ATT_ACP127_NOTIFICATION_REQUEST,
        ),
        (
            "mmhs-acp127-notification-response",
            ID_MMHS_ATT_ACP127_NOTIFICATION_RESPONSE,
        ),
    ];

    /// The MS attribute type named `name` (case-insensitive), e.g. `retrieval-status`; the
    /// name `entry-status` is accepted for retrieval-status.
    pub fn ms_attribute_by_name(name: &str) -> Option<&'static Oid> {
        if name.eq_ignore_ascii_case("entry-status") {
            return Some(ID_ATT_RETRIEVAL_STATUS);
        }
        MS_ATTRIBUTE_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, oid)| oid)
    }

    /// The name of MS attribute type `oid`, if it is one of the above.
    pub fn ms_attribute_name(oid: &Oid) -> Option<&'static str> {
        MS_ATTRIBUTE_NAMES
            .iter()
            .find(|(_, o)| *o == oid)
            .map(|&(n, _)| n)
    }
}
