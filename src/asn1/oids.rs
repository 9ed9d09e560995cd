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
