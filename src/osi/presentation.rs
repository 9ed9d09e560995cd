//! X.226 presentation protocol, normal mode (§8): CP, CPA, CPR, ARU, ARP and TD
//! (fully-encoded user data), with per-context negotiation (§6.2.2) where BER (2.1.1) is the
//! only transfer syntax. ASN.1: ISO8823-PRESENTATION, see `schema/osi-presentation.asn`.
//!
//! The PPDU a session user data field holds depends on the SPDU that carried it (a CP and a CPA
//! are both SETs, a CPR and an ARP both SEQUENCEs), so [`decode`] takes what to expect.

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
use rasn::types::ObjectIdentifier;

use crate::asn1::oids;
use crate::osi::Limits;
use crate::osi::ber::{self, BerError, BitString, Tag, Tlv};

/// Result values of a context definition result (§8.2 Result).
pub mod result {
    /// acceptance.
    pub const ACCEPTANCE: i64 = 0;
    /// user-rejection.
    pub const USER_REJECTION: i64 = 1;
    /// provider-rejection.
    pub const PROVIDER_REJECTION: i64 = 2;
}

/// Per-context provider reasons (§8.2 Result-list provider-reason).
pub mod context_reason {
    /// reason-not-specified.
    pub const NOT_SPECIFIED: i64 = 0;
    /// abstract-syntax-not-supported.
    pub const ABSTRACT_SYNTAX_NOT_SUPPORTED: i64 = 1;
    /// proposed-transfer-syntaxes-not-supported.
    pub const TRANSFER_SYNTAXES_NOT_SUPPORTED: i64 = 2;
    /// local-limit-on-DCS-exceeded.
    pub const LOCAL_LIMIT: i64 = 3;
}

/// CPR provider reasons (§8.2 Provider-reason).
pub mod provider_reason {
    /// reason-not-specified.
    pub const NOT_SPECIFIED: i64 = 0;
    /// temporary-congestion.
    pub const CONGESTION: i64 = 1;
    /// local-limit-exceeded.
    pub const LOCAL_LIMIT: i64 = 2;
    /// called-presentation-address-unknown.
    pub const ADDRESS_UNKNOWN: i64 = 3;
    /// protocol-version-not-supported.
    pub const VERSION_NOT_SUPPORTED: i64 = 4;
    /// default-context-not-supported.
    pub const DEFAULT_CONTEXT_NOT_SUPPORTED: i64 = 5;
    /// user-data-not-readable.
    pub const USER_DATA_NOT_READABLE: i64 = 6;
    /// no-PSAP-available.
    pub const NO_PSAP: i64 = 7;
}

/// ARP abort reasons (§8.2 Abort-reason).
pub mod abort_reason {
    /// reason-not-specified.
    pub const NOT_SPECIFIED: i64 = 0;
    /// unrecognized-ppdu.
    pub const UNRECOGNIZED_PPDU: i64 = 1;
    /// unexpected-ppdu.
    pub const UNEXPECTED_PPDU: i64 = 2;
    /// unexpected-session-service-primitive.
    pub const UNEXPECTED_SESSION_PRIMITIVE: i64 = 3;
    /// unrecognized-ppdu-parameter.
    pub const UNRECOGNIZED_PARAMETER: i64 = 4;
    /// unexpected-ppdu-parameter.
    pub const UNEXPECTED_PARAMETER: i64 = 5;
    /// invalid-ppdu-parameter-value.
    pub const INVALID_PARAMETER_VALUE: i64 = 6;
}

/// Mode-selector values.
pub const MODE_X410: i64 = 0;
/// normal-mode.
pub const MODE_NORMAL: i64 = 1;

/// One proposed presentation context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextDef {
    /// Presentation context identifier (odd when the initiator proposes it).
    pub id: i64,
    /// Abstract syntax name.
    pub abstract_syntax: ObjectIdentifier,
    /// Proposed transfer syntaxes.
    pub transfer_syntaxes: Vec<ObjectIdentifier>,
}

/// The answer for one proposed context, in proposal order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextResult {
    /// See [`result`].
    pub result: i64,
    /// Transfer syntax chosen (on acceptance).
    pub transfer_syntax: Option<ObjectIdentifier>,
    /// See [`context_reason`] (on provider rejection).
    pub provider_reason: Option<i64>,
}

/// Presentation data values of one PDV-list (X.226 §8.4.2). The CHOICE is the one of the
/// X.690 §8.18 EXTERNAL encoding, so ACSE's [`ExternalEncoding`](super::acse::ExternalEncoding)
/// is this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdvValue {
    /// single-ASN1-type [0]: exactly one encoded value (a whole TLV, as received).
    Single(Bytes),
    /// octet-aligned [1].
    Octets(Bytes),
    /// arbitrary [2].
    Arbitrary(BitString),
}

impl PdvValue {
    /// Decodes the alternative `t` carries; `what` names the CHOICE in the error.
    pub(crate) fn decode(t: &Tlv<'_>, what: &'static str) -> Result<Self, BerError> {
        Ok(match (t.tag.class, t.tag.number) {
            (ber::Class::Context, 0) if t.tag.constructed => {
                Self::Single(Bytes::copy_from_slice(t.inner()?.raw))
            }
            (ber::Class::Context, 1) => Self::Octets(t.octets()?),
            (ber::Class::Context, 2) => Self::Arbitrary(t.bits()?),
            _ => {
                return Err(BerError::UnexpectedTag {
                    expected: what,
                    found: t.tag,
                });
            }
        })
    }

    /// Encodes the alternative held (`[0]` explicit, `[1]` and `[2]` implicit).
    pub(crate) fn put(&self, out: &mut BytesMut) {
        match self {
            Self::Single(v) => ber::put_tlv(out, Tag::ctx_c(0), v),
            Self::Octets(v) => ber::put_tlv(out, Tag::ctx(1), v),
            Self::Arbitrary(v) => ber::put_bits(out, Tag::ctx(2), v),
        }
    }
}

/// One PDV-list of fully-encoded-data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdv {
    /// Transfer syntax name (only needed when several were proposed and none agreed yet).
    pub transfer_syntax: Option<ObjectIdentifier>,
    /// Presentation context identifier.
    pub context_id: i64,
    /// The values.
    pub value: PdvValue,
}

/// User-data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserData {
    /// simply-encoded-data [APPLICATION 0].
    Simple(Bytes),
    /// fully-encoded-data [APPLICATION 1].
    Full(Vec<Pdv>),
}

impl UserData {
    /// One single-ASN1-type value in context `id`.
    pub fn single(id: i64, value: Bytes) -> Self {
        UserData::Full(vec![Pdv {
            transfer_syntax: None,
            context_id: id,
            value: PdvValue::Single(value),
        }])
    }
}

/// CP-type (normal mode).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cp {
    /// Mode-selector value: [`MODE_NORMAL`] (or [`MODE_X410`], which we do not support).
    pub mode: i64,
    /// X.410-1984 mode parameters, raw (only to report them).
    pub x410: Option<Bytes>,
    /// protocol-version (default version-1).
    pub protocol_version: Option<BitString>,
    /// calling-presentation-selector.
    pub calling_psel: Option<Bytes>,
    /// called-presentation-selector.
    pub called_psel: Option<Bytes>,
    /// presentation-context-definition-list.
    pub contexts: Option<Vec<ContextDef>>,
    /// default-context-name (abstract, transfer).
    pub default_context: Option<(ObjectIdentifier, ObjectIdentifier)>,
    /// presentation-requirements.
    pub requirements: Option<BitString>,
    /// user-session-requirements (session functional units as a BIT STRING).
    pub user_session_requirements: Option<BitString>,
    /// user-data (normally the AARQ).
    pub user_data: Option<UserData>,
}

/// CPA-PPDU (normal mode).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cpa {
    /// Mode-selector value.
    pub mode: i64,
    /// protocol-version.
    pub protocol_version: Option<BitString>,
    /// responding-presentation-selector.
    pub responding_psel: Option<Bytes>,
    /// presentation-context-definition-result-list.
    pub results: Option<Vec<ContextResult>>,
    /// presentation-requirements.
    pub requirements: Option<BitString>,
    /// user-session-requirements.
    pub user_session_requirements: Option<BitString>,
    /// user-data (normally the AARE).
    pub user_data: Option<UserData>,
}

/// CPR-PPDU (normal mode).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cpr {
    /// protocol-version.
    pub protocol_version: Option<BitString>,
    /// responding-presentation-selector.
    pub responding_psel: Option<Bytes>,
    /// presentation-context-definition-result-list.
    pub results: Option<Vec<ContextResult>>,
    /// default-context-result.
    pub default_context_result: Option<i64>,
    /// provider-reason (see [`provider_reason`]); absent when the user refused.
    pub provider_reason: Option<i64>,
    /// user-data (normally a rejecting AARE).
    pub user_data: Option<UserData>,
}

/// ARU-PPDU (normal mode).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Aru {
    /// presentation-context-identifier-list: (context id, transfer syntax).
    pub contexts: Option<Vec<(i64, ObjectIdentifier)>>,
    /// user-data (normally an ABRT).
    pub user_data: Option<UserData>,
}

/// ARP-PPDU.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Arp {
    /// provider-reason (see [`abort_reason`]).
    pub provider_reason: Option<i64>,
    /// event-identifier.
    pub event: Option<i64>,
}

/// A presentation PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ppdu {
    /// CONNECT PRESENTATION.
    Cp(Box<Cp>),
    /// CONNECT PRESENTATION ACCEPT.
    Cpa(Box<Cpa>),
    /// CONNECT PRESENTATION REJECT.
    Cpr(Box<Cpr>),
    /// ABNORMAL RELEASE USER.
    Aru(Box<Aru>),
    /// ABNORMAL RELEASE PROVIDER.
    Arp(Arp),
    /// TRANSFER DATA (and the user data of release SPDUs).
    Td(UserData),
}

/// Which PPDU a session user data field holds, by the SPDU that carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// CN user data.
    Cp,
    /// AC user data.
    Cpa,
    /// RF user data.
    Cpr,
    /// AB user data: ARU or ARP.
    Abort,
    /// DT, FN, DN user data.
    Data,
}

/// Why a PPDU was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PresentationError {
    /// The BER is malformed or does not follow the PPDU's syntax.
    #[error("malformed PPDU: {0}")]
    Ber(#[from] BerError),
    /// The input ends inside the PPDU.
    #[error("PPDU truncated")]
    Truncated,
    /// A mode this implementation does not support (X.410-1984).
    #[error("presentation mode {0} not supported")]
    Mode(i64),
    /// User data in a context that was not accepted.
    #[error("presentation context {0} not defined")]
    UnknownContext(i64),
    /// More contexts proposed than the configured limit allows.
    #[error("too many presentation contexts")]
    TooManyContexts,
    /// A PPDU the current state does not allow.
    #[error("unexpected {what} in state {state:?}")]
    Unexpected {
        /// What arrived.
        what: &'static str,
        /// The state.
        state: PresentationState,
    },
}

impl PresentationError {
    /// §8.4: protocol errors after connection establishment abort with an ARP; during
    /// establishment the responder refuses with a CPR instead ([`Self::refusal`]).
    pub fn abort(&self) -> Ppdu {
        let reason = match self {
            PresentationError::Ber(_) | PresentationError::Truncated => {
                abort_reason::UNRECOGNIZED_PPDU
            }
            PresentationError::Unexpected { .. } => abort_reason::UNEXPECTED_PPDU,
            PresentationError::Mode(_)
            | PresentationError::UnknownContext(_)
            | PresentationError::TooManyContexts => abort_reason::INVALID_PARAMETER_VALUE,
        };
        Ppdu::Arp(Arp {
            provider_reason: Some(reason),
            event: None,
        })
    }

    /// The CPR a responder sends when a CP cannot be processed.
    pub fn refusal(&self) -> Ppdu {
        let reason = match self {
            PresentationError::TooManyContexts => provider_reason::LOCAL_LIMIT,
            _ => provider_reason::NOT_SPECIFIED,
        };
        Ppdu::Cpr(Box::new(Cpr {
            provider_reason: Some(reason),
            ..Cpr::default()
        }))
    }
}

// --------------------------------------------------------------------------------------------
// Decoding

fn ctx_def_list(t: &Tlv<'_>) -> Result<Vec<ContextDef>, BerError> {
    let mut out = Vec::new();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let item = r.expect(ber::SEQUENCE, "Context-list item")?;
        let mut ir = item.reader()?;
        let id = ir
            .expect(ber::INTEGER, "presentation-context-identifier")?
            .integer()?;
        let abstract_syntax = ir.expect(ber::OID, "abstract-syntax-name")?.oid()?;
        let ts = ir.expect(ber::SEQUENCE, "transfer-syntax-name-list")?;
        let mut tr = ts.reader()?;
        let mut transfer_syntaxes = Vec::new();
        while !tr.is_empty() {
            transfer_syntaxes.push(tr.expect(ber::OID, "transfer-syntax-name")?.oid()?);
        }
        ir.finish()?;
        out.push(ContextDef {
            id,
            abstract_syntax,
            transfer_syntaxes,
        });
    }
    Ok(out)
}

fn result_list(t: &Tlv<'_>) -> Result<Vec<ContextResult>, BerError> {
    let mut out = Vec::new();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let item = r.expect(ber::SEQUENCE, "Result-list item")?;
        let mut ir = item.reader()?;
        let result = ir.expect(Tag::ctx(0), "result")?.integer()?;
        let transfer_syntax = ir.optional(Tag::ctx(1))?.map(|t| t.oid()).transpose()?;
        let provider_reason = ir.optional(Tag::ctx(2))?.map(|t| t.integer()).transpose()?;
        ir.finish()?;
        out.push(ContextResult {
            result,
            transfer_syntax,
            provider_reason,
        });
    }
    Ok(out)
}

/// Decodes a User-data element.
pub fn user_data(t: &Tlv<'_>) -> Result<UserData, BerError> {
    if t.tag.same_id(Tag::app(0)) {
        return Ok(UserData::Simple(t.octets()?));
    }
    if t.tag != Tag::app_c(1) {
        return Err(BerError::UnexpectedTag {
            expected: "User-data",
            found: t.tag,
        });
    }
    let mut out = Vec::new();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let item = r.expect(ber::SEQUENCE, "PDV-list")?;
        let mut ir = item.reader()?;
        let transfer_syntax = ir.optional(ber::OID)?.map(|t| t.oid()).transpose()?;
        let context_id = ir
            .expect(ber::INTEGER, "presentation-context-identifier")?
            .integer()?;
        let value = PdvValue::decode(&ir.next_tlv()?, "presentation-data-values")?;
        ir.finish()?;
        out.push(Pdv {
            transfer_syntax,
            context_id,
            value,
        });
    }
    if out.is_empty() {
        return Err(BerError::BadValue("empty fully-encoded-data"));
    }
    Ok(UserData::Full(out))
}

fn is_user_data(t: &Tlv<'_>) -> bool {
    t.tag.same_id(Tag::app(0)) || t.tag == Tag::app_c(1)
}

fn mode_selector(t: &Tlv<'_>) -> Result<i64, BerError> {
    let mut r = t.reader()?;
    let v = r.expect(Tag::ctx(0), "mode-value")?.integer()?;
    r.finish()?;
    Ok(v)
}

fn decode_cp(t: &Tlv<'_>) -> Result<Cp, PresentationError> {
    if t.tag != ber::SET {
        return Err(BerError::UnexpectedTag {
            expected: "CP-type",
            found: t.tag,
        }
        .into());
    }
    let mut cp = Cp {
        mode: -1,
        ..Cp::default()
    };
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        match (e.tag.class, e.tag.number) {
            (ber::Class::Context, 0) => cp.mode = mode_selector(&e)?,
            (ber::Class::Context, 1) => cp.x410 = Some(Bytes::copy_from_slice(e.raw)),
            (ber::Class::Context, 2) => {
                let mut nr = e.reader()?;
                while !nr.is_empty() {
                    let p = nr.next_tlv()?;
                    match (p.tag.class, p.tag.number) {
                        (ber::Class::Context, 0) => cp.protocol_version = Some(p.bits()?),
                        (ber::Class::Context, 1) => cp.calling_psel = Some(p.octets()?),
                        (ber::Class::Context, 2) => cp.called_psel = Some(p.octets()?),
                        (ber::Class::Context, 4) => cp.contexts = Some(ctx_def_list(&p)?),
                        (ber::Class::Context, 6) => {
                            let mut dr = p.reader()?;
                            let a = dr.expect(Tag::ctx(0), "abstract-syntax-name")?.oid()?;
                            let ts = dr.expect(Tag::ctx(1), "transfer-syntax-name")?.oid()?;
                            cp.default_context = Some((a, ts));
                        }
                        (ber::Class::Context, 8) => cp.requirements = Some(p.bits()?),
                        (ber::Class::Context, 9) => cp.user_session_requirements = Some(p.bits()?),
                        _ if is_user_data(&p) => cp.user_data = Some(user_data(&p)?),
                        // Later extensions ([11] protocol-options, [12] nominated context,
                        // [14] extensions) are allowed and ignored.
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if cp.mode < 0 {
        return Err(BerError::Missing("mode-selector").into());
    }
    Ok(cp)
}

fn decode_cpa(t: &Tlv<'_>) -> Result<Cpa, PresentationError> {
    if t.tag != ber::SET {
        return Err(BerError::UnexpectedTag {
            expected: "CPA-PPDU",
            found: t.tag,
        }
        .into());
    }
    let mut cpa = Cpa {
        mode: -1,
        ..Cpa::default()
    };
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        match (e.tag.class, e.tag.number) {
            (ber::Class::Context, 0) => cpa.mode = mode_selector(&e)?,
            (ber::Class::Context, 2) => {
                let mut nr = e.reader()?;
                while !nr.is_empty() {
                    let p = nr.next_tlv()?;
                    match (p.tag.class, p.tag.number) {
                        (ber::Class::Context, 0) => cpa.protocol_version = Some(p.bits()?),
                        (ber::Class::Context, 3) => cpa.responding_psel = Some(p.octets()?),
                        (ber::Class::Context, 5) => cpa.results = Some(result_list(&p)?),
                        (ber::Class::Context, 8) => cpa.requirements = Some(p.bits()?),
                        (ber::Class::Context, 9) => cpa.user_session_requirements = Some(p.bits()?),
                        _ if is_user_data(&p) => cpa.user_data = Some(user_data(&p)?),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if cpa.mode < 0 {
        return Err(BerError::Missing("mode-selector").into());
    }
    Ok(cpa)
}

fn decode_cpr(t: &Tlv<'_>) -> Result<Cpr, PresentationError> {
    if t.tag != ber::SEQUENCE {
        // An RTORJapdu here would be the X.410-1984 mode refusal.
        return Err(PresentationError::Mode(MODE_X410));
    }
    let mut cpr = Cpr::default();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let p = r.next_tlv()?;
        match (p.tag.class, p.tag.number) {
            (ber::Class::Context, 0) => cpr.protocol_version = Some(p.bits()?),
            (ber::Class::Context, 3) => cpr.responding_psel = Some(p.octets()?),
            (ber::Class::Context, 5) => cpr.results = Some(result_list(&p)?),
            (ber::Class::Context, 7) => cpr.default_context_result = Some(p.integer()?),
            (ber::Class::Context, 10) => cpr.provider_reason = Some(p.integer()?),
            _ if is_user_data(&p) => cpr.user_data = Some(user_data(&p)?),
            _ => {}
        }
    }
    Ok(cpr)
}

fn decode_abort(t: &Tlv<'_>) -> Result<Ppdu, PresentationError> {
    if t.tag == Tag::ctx_c(0) {
        let mut aru = Aru::default();
        let mut r = t.reader()?;
        while !r.is_empty() {
            let p = r.next_tlv()?;
            if p.tag == Tag::ctx_c(0) {
                let mut list = Vec::new();
                let mut lr = p.reader()?;
                while !lr.is_empty() {
                    let item = lr.expect(ber::SEQUENCE, "context identifier item")?;
                    let mut ir = item.reader()?;
                    let id = ir
                        .expect(ber::INTEGER, "presentation-context-identifier")?
                        .integer()?;
                    let ts = ir.expect(ber::OID, "transfer-syntax-name")?.oid()?;
                    list.push((id, ts));
                }
                aru.contexts = Some(list);
            } else if is_user_data(&p) {
                aru.user_data = Some(user_data(&p)?);
            }
        }
        return Ok(Ppdu::Aru(Box::new(aru)));
    }
    if t.tag == ber::SEQUENCE {
        let mut r = t.reader()?;
        let provider_reason = r.optional(Tag::ctx(0))?.map(|t| t.integer()).transpose()?;
        let event = r.optional(Tag::ctx(1))?.map(|t| t.integer()).transpose()?;
        r.finish()?;
        return Ok(Ppdu::Arp(Arp {
            provider_reason,
            event,
        }));
    }
    Err(PresentationError::Mode(MODE_X410))
}

/// Decodes the PPDU at the start of `buf`, expecting the kind `expect`. `Ok(None)` when `buf`
/// ends inside it.
pub fn decode(expect: Expect, buf: &[u8]) -> Result<Option<(Ppdu, usize)>, PresentationError> {
    let Some((t, used)) = ber::read_tlv(buf)? else {
        return Ok(None);
    };
    let p = match expect {
        Expect::Cp => Ppdu::Cp(Box::new(decode_cp(&t)?)),
        Expect::Cpa => Ppdu::Cpa(Box::new(decode_cpa(&t)?)),
        Expect::Cpr => Ppdu::Cpr(Box::new(decode_cpr(&t)?)),
        Expect::Abort => decode_abort(&t)?,
        Expect::Data => Ppdu::Td(user_data(&t)?),
    };
    Ok(Some((p, used)))
}

/// Decodes a whole session user data field as the PPDU `expect`; trailing octets are an error.
pub fn decode_all(expect: Expect, buf: &[u8]) -> Result<Ppdu, PresentationError> {
    let (p, used) = decode(expect, buf)?.ok_or(PresentationError::Truncated)?;
    if used != buf.len() {
        return Err(BerError::Trailing.into());
    }
    Ok(p)
}

// --------------------------------------------------------------------------------------------
// Encoding (definite lengths)

fn put_user_data(out: &mut BytesMut, u: &UserData) {
    match u {
        UserData::Simple(b) => ber::put_tlv(out, Tag::app(0), b),
        UserData::Full(list) => ber::put_constructed(out, Tag::app_c(1), |o| {
            for pdv in list {
                ber::put_constructed(o, ber::SEQUENCE, |o| {
                    if let Some(ts) = &pdv.transfer_syntax {
                        ber::put_oid(o, ber::OID, ts);
                    }
                    ber::put_integer(o, ber::INTEGER, pdv.context_id);
                    pdv.value.put(o);
                });
            }
        }),
    }
}

fn put_mode(out: &mut BytesMut, mode: i64) {
    ber::put_constructed(out, Tag::ctx_c(0), |o| {
        ber::put_integer(o, Tag::ctx(0), mode)
    });
}

fn put_results(out: &mut BytesMut, tag: Tag, results: &[ContextResult]) {
    ber::put_constructed(out, tag, |o| {
        for res in results {
            ber::put_constructed(o, ber::SEQUENCE, |o| {
                ber::put_integer(o, Tag::ctx(0), res.result);
                if let Some(ts) = &res.transfer_syntax {
                    ber::put_oid(o, Tag::ctx(1), ts);
                }
                if let Some(r) = res.provider_reason {
                    ber::put_integer(o, Tag::ctx(2), r);
                }
            });
        }
    });
}

/// Appends the PPDU.
pub fn encode(p: &Ppdu, out: &mut BytesMut) {
    match p {
        Ppdu::Cp(cp) => ber::put_constructed(out, ber::SET, |o| {
            put_mode(o, cp.mode);
            if let Some(x) = &cp.x410 {
                o.extend_from_slice(x);
            }
            ber::put_constructed(o, Tag::ctx_c(2), |o| {
                if let Some(v) = &cp.protocol_version {
                    ber::put_bits(o, Tag::ctx(0), v);
                }
                if let Some(v) = &cp.calling_psel {
                    ber::put_tlv(o, Tag::ctx(1), v);
                }
                if let Some(v) = &cp.called_psel {
                    ber::put_tlv(o, Tag::ctx(2), v);
                }
                if let Some(list) = &cp.contexts {
                    ber::put_constructed(o, Tag::ctx_c(4), |o| {
                        for c in list {
                            ber::put_constructed(o, ber::SEQUENCE, |o| {
                                ber::put_integer(o, ber::INTEGER, c.id);
                                ber::put_oid(o, ber::OID, &c.abstract_syntax);
                                ber::put_constructed(o, ber::SEQUENCE, |o| {
                                    for ts in &c.transfer_syntaxes {
                                        ber::put_oid(o, ber::OID, ts);
                                    }
                                });
                            });
                        }
                    });
                }
                if let Some((a, t)) = &cp.default_context {
                    ber::put_constructed(o, Tag::ctx_c(6), |o| {
                        ber::put_oid(o, Tag::ctx(0), a);
                        ber::put_oid(o, Tag::ctx(1), t);
                    });
                }
                if let Some(v) = &cp.requirements {
                    ber::put_bits(o, Tag::ctx(8), v);
                }
                if let Some(v) = &cp.user_session_requirements {
                    ber::put_bits(o, Tag::ctx(9), v);
                }
                if let Some(u) = &cp.user_data {
                    put_user_data(o, u);
                }
            });
        }),
        Ppdu::Cpa(cpa) => ber::put_constructed(out, ber::SET, |o| {
            put_mode(o, cpa.mode);
            ber::put_constructed(o, Tag::ctx_c(2), |o| {
                if let Some(v) = &cpa.protocol_version {
                    ber::put_bits(o, Tag::ctx(0), v);
                }
                if let Some(v) = &cpa.responding_psel {
                    ber::put_tlv(o, Tag::ctx(3), v);
                }
                if let Some(r) = &cpa.results {
                    put_results(o, Tag::ctx_c(5), r);
                }
                if let Some(v) = &cpa.requirements {
                    ber::put_bits(o, Tag::ctx(8), v);
                }
                if let Some(v) = &cpa.user_session_requirements {
                    ber::put_bits(o, Tag::ctx(9), v);
                }
                if let Some(u) = &cpa.user_data {
                    put_user_data(o, u);
                }
            });
        }),
        Ppdu::Cpr(cpr) => ber::put_constructed(out, ber::SEQUENCE, |o| {
            if let Some(v) = &cpr.protocol_version {
                ber::put_bits(o, Tag::ctx(0), v);
            }
            if let Some(v) = &cpr.responding_psel {
                ber::put_tlv(o, Tag::ctx(3), v);
            }
            if let Some(r) = &cpr.results {
                put_results(o, Tag::ctx_c(5), r);
            }
            if let Some(v) = cpr.default_context_result {
                ber::put_integer(o, Tag::ctx(7), v);
            }
            if let Some(v) = cpr.provider_reason {
                ber::put_integer(o, Tag::ctx(10), v);
            }
            if let Some(u) = &cpr.user_data {
                put_user_data(o, u);
            }
        }),
        Ppdu::Aru(aru) => ber::put_constructed(out, Tag::ctx_c(0), |o| {
            if let Some(list) = &aru.contexts {
                ber::put_constructed(o, Tag::ctx_c(0), |o| {
                    for (id, ts) in list {
                        ber::put_constructed(o, ber::SEQUENCE, |o| {
                            ber::put_integer(o, ber::INTEGER, *id);
                            ber::put_oid(o, ber::OID, ts);
                        });
                    }
                });
            }
            if let Some(u) = &aru.user_data {
                put_user_data(o, u);
            }
        }),
        Ppdu::Arp(arp) => ber::put_constructed(out, ber::SEQUENCE, |o| {
            if let Some(v) = arp.provider_reason {
                ber::put_integer(o, Tag::ctx(0), v);
            }
            if let Some(v) = arp.event {
                ber::put_integer(o, Tag::ctx(1), v);
            }
        }),
        Ppdu::Td(u) => put_user_data(out, u),
    }
}

/// Encodes to a fresh buffer.
pub fn to_bytes(p: &Ppdu) -> Bytes {
    let mut b = BytesMut::new();
    encode(p, &mut b);
    b.freeze()
}

// --------------------------------------------------------------------------------------------
// Negotiation and state machine

/// The responder's answer to a context definition list (§6.2.2): BER is the only transfer
/// syntax; an abstract syntax outside `supported` is refused with
/// abstract-syntax-not-supported, a context without BER with
/// proposed-transfer-syntaxes-not-supported, and contexts beyond `max` with
/// local-limit-on-DCS-exceeded — each on its own, the rest accepted.
pub fn negotiate(
    defs: &[ContextDef],
    supported: &[ObjectIdentifier],
    max: usize,
) -> Vec<ContextResult> {
    let ber_ts = oids::ID_BER;
    let mut accepted = 0usize;
    defs.iter()
        .map(|d| {
            let refuse = |reason| ContextResult {
                result: result::PROVIDER_REJECTION,
                transfer_syntax: None,
                provider_reason: Some(reason),
            };
            if !supported.contains(&d.abstract_syntax) {
                return refuse(context_reason::ABSTRACT_SYNTAX_NOT_SUPPORTED);
            }
            if !d.transfer_syntaxes.iter().any(|t| *t == *ber_ts) {
                return refuse(context_reason::TRANSFER_SYNTAXES_NOT_SUPPORTED);
            }
            if accepted >= max {
                return refuse(context_reason::LOCAL_LIMIT);
            }
            accepted += 1;
            ContextResult {
                result: result::ACCEPTANCE,
                transfer_syntax: Some(ObjectIdentifier::from(ber_ts)),
                provider_reason: None,
            }
        })
        .collect()
}

/// Role on the presentation connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We sent the CP.
    Initiator,
    /// We received the CP.
    Responder,
}

/// Presentation connection state (X.226 annex A, reduced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresentationState {
    /// No connection.
    Idle,
    /// Initiator: CP sent.
    WaitCpa,
    /// Responder: CP received, waiting for the user.
    WaitAccept,
    /// Connected.
    Open,
    /// Refused or aborted.
    Closed,
}

/// The session primitive that carries (or carried) a PPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// S-CONNECT request (CN).
    Connect,
    /// S-CONNECT accept (AC).
    Accept,
    /// S-CONNECT refuse (RF).
    Refuse,
    /// S-DATA (DT).
    Data,
    /// S-RELEASE request (FN).
    Release,
    /// S-RELEASE response (DN).
    ReleaseResponse,
    /// S-U-ABORT (AB).
    Abort,
}

impl Carrier {
    fn expect(self) -> Expect {
        match self {
            Carrier::Connect => Expect::Cp,
            Carrier::Accept => Expect::Cpa,
            Carrier::Refuse => Expect::Cpr,
            Carrier::Abort => Expect::Abort,
            Carrier::Data | Carrier::Release | Carrier::ReleaseResponse => Expect::Data,
        }
    }
}

/// What the session layer or the presentation user gives the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresentationEvent {
    /// Session user data arrived with this primitive.
    Incoming(Carrier, Bytes),
    /// Initiator: propose these contexts with this user data.
    Connect(Box<Cp>),
    /// Responder: accept the pending CP.
    Accept(Option<UserData>),
    /// Responder: refuse the pending CP (the user refused: no provider reason).
    Refuse(Option<UserData>),
    /// Send user data with this carrier (Data, Release, ReleaseResponse).
    Send(Carrier, UserData),
    /// User abort.
    Abort(Option<UserData>),
}

/// What the machine asks of the session layer or the presentation user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresentationAction {
    /// Send this PPDU as user data of this session primitive.
    Send(Carrier, Ppdu),
    /// Responder: a CP arrived; `results` is what the CPA will say per context.
    ConnectIndication {
        /// The CP.
        cp: Box<Cp>,
        /// The negotiated answer, in proposal order.
        results: Vec<ContextResult>,
    },
    /// Initiator: the CPA arrived.
    Accepted(Box<Cpa>),
    /// Initiator: the CPR arrived.
    Refused(Box<Cpr>),
    /// User data arrived with this primitive.
    Data(Carrier, Vec<Pdv>),
    /// ARU or ARP arrived.
    Aborted(Ppdu),
}

/// The presentation state machine for one connection.
#[derive(Debug, Clone)]
pub struct Presentation {
    role: Role,
    state: PresentationState,
    supported: Vec<ObjectIdentifier>,
    limits: Limits,
    proposed: Vec<ContextDef>,
    pending_results: Vec<ContextResult>,
    responding_psel: Option<Bytes>,
    /// Accepted contexts: id → abstract syntax.
    contexts: BTreeMap<i64, ObjectIdentifier>,
}

impl Presentation {
    /// A machine that accepts the abstract syntaxes in `supported` (the ACSE syntax must be
    /// among them for associations to work).
    pub fn new(role: Role, supported: Vec<ObjectIdentifier>, limits: Limits) -> Self {
        Presentation {
            role,
            state: PresentationState::Idle,
            supported,
            limits,
            proposed: Vec::new(),
            pending_results: Vec::new(),
            responding_psel: None,
            contexts: BTreeMap::new(),
        }
    }

    /// Current state.
    pub fn state(&self) -> PresentationState {
        self.state
    }

    /// Accepted contexts: identifier → abstract syntax.
    pub fn contexts(&self) -> &BTreeMap<i64, ObjectIdentifier> {
        &self.contexts
    }

    /// The context identifier accepted for `abstract_syntax`, if any.
    pub fn context_for(&self, abstract_syntax: &[u32]) -> Option<i64> {
        self.contexts
            .iter()
            .find(|(_, a)| a[..] == *abstract_syntax)
            .map(|(id, _)| *id)
    }

    fn unexpected(&self, what: &'static str) -> PresentationError {
        PresentationError::Unexpected {
            what,
            state: self.state,
        }
    }

    fn adopt(&mut self, results: &[ContextResult]) {
        self.contexts.clear();
        for (d, r) in self.proposed.iter().zip(results) {
            if r.result == result::ACCEPTANCE {
                self.contexts.insert(d.id, d.abstract_syntax.clone());
            }
        }
    }

    fn check(&self, u: &UserData) -> Result<Vec<Pdv>, PresentationError> {
        match u {
            // Simply-encoded data has no context: only usable with a default context, which
            // this implementation never accepts.
            UserData::Simple(_) => Err(PresentationError::UnknownContext(-1)),
            UserData::Full(list) => {
                for p in list {
                    if !self.contexts.contains_key(&p.context_id) {
                        return Err(PresentationError::UnknownContext(p.context_id));
                    }
                }
                Ok(list.clone())
            }
        }
    }

    /// Feeds one event; returns the actions in order.
    pub fn handle(
        &mut self,
        ev: PresentationEvent,
    ) -> Result<Vec<PresentationAction>, PresentationError> {
        use PresentationAction as A;
        use PresentationState as S;
        match ev {
            PresentationEvent::Incoming(carrier, bytes) => {
                let ppdu = decode_all(carrier.expect(), &bytes)?;
                match (self.state, carrier, ppdu) {
                    (S::Idle, Carrier::Connect, Ppdu::Cp(cp)) if self.role == Role::Responder => {
                        if cp.mode != MODE_NORMAL {
                            return Err(PresentationError::Mode(cp.mode));
                        }
                        let defs = cp.contexts.clone().unwrap_or_default();
                        if defs.len() > self.limits.max_contexts {
                            return Err(PresentationError::TooManyContexts);
                        }
                        let results = negotiate(&defs, &self.supported, self.limits.max_contexts);
                        self.proposed = defs;
                        self.pending_results = results.clone();
                        self.responding_psel = cp.called_psel.clone();
                        // Connect user data may only use contexts being proposed (§6.2.2).
                        if let Some(UserData::Full(list)) = &cp.user_data {
                            for p in list {
                                if !self.proposed.iter().any(|d| d.id == p.context_id) {
                                    return Err(PresentationError::UnknownContext(p.context_id));
                                }
                            }
                        }
                        self.state = S::WaitAccept;
                        Ok(vec![A::ConnectIndication { cp, results }])
                    }
                    (S::WaitCpa, Carrier::Accept, Ppdu::Cpa(cpa)) => {
                        let results = cpa.results.clone().unwrap_or_default();
                        self.adopt(&results);
                        self.state = S::Open;
                        Ok(vec![A::Accepted(cpa)])
                    }
                    (S::WaitCpa, Carrier::Refuse, Ppdu::Cpr(cpr)) => {
                        self.state = S::Closed;
                        Ok(vec![A::Refused(cpr)])
                    }
                    (
                        S::Open,
                        c @ (Carrier::Data | Carrier::Release | Carrier::ReleaseResponse),
                        Ppdu::Td(u),
                    ) => Ok(vec![A::Data(c, self.check(&u)?)]),
                    (_, Carrier::Abort, p @ (Ppdu::Aru(_) | Ppdu::Arp(_))) => {
                        self.state = S::Closed;
                        Ok(vec![A::Aborted(p)])
                    }
                    _ => Err(self.unexpected("PPDU")),
                }
            }
            PresentationEvent::Connect(cp) => {
                if self.state != S::Idle || self.role != Role::Initiator {
                    return Err(self.unexpected("connect request"));
                }
                self.proposed = cp.contexts.clone().unwrap_or_default();
                self.state = S::WaitCpa;
                Ok(vec![A::Send(Carrier::Connect, Ppdu::Cp(cp))])
            }
            PresentationEvent::Accept(user_data) => {
                if self.state != S::WaitAccept {
                    return Err(self.unexpected("accept"));
                }
                let results = std::mem::take(&mut self.pending_results);
                self.adopt(&results);
                self.state = S::Open;
                Ok(vec![A::Send(
                    Carrier::Accept,
                    Ppdu::Cpa(Box::new(Cpa {
                        mode: MODE_NORMAL,
                        responding_psel: self.responding_psel.clone(),
                        results: Some(results),
                        user_data,
                        ..Cpa::default()
                    })),
                )])
            }
            PresentationEvent::Refuse(user_data) => {
                if self.state != S::WaitAccept {
                    return Err(self.unexpected("refuse"));
                }
                let results = std::mem::take(&mut self.pending_results);
                self.state = S::Closed;
                Ok(vec![A::Send(
                    Carrier::Refuse,
                    Ppdu::Cpr(Box::new(Cpr {
                        responding_psel: self.responding_psel.clone(),
                        results: Some(results),
                        user_data,
                        ..Cpr::default()
                    })),
                )])
            }
            PresentationEvent::Send(carrier, u) => {
                if self.state != S::Open {
                    return Err(self.unexpected("data request"));
                }
                self.check(&u)?;
                Ok(vec![A::Send(carrier, Ppdu::Td(u))])
            }
            PresentationEvent::Abort(user_data) => {
                self.state = S::Closed;
                Ok(vec![A::Send(
                    Carrier::Abort,
                    Ppdu::Aru(Box::new(Aru {
                        contexts: None,
                        user_data,
                    })),
                )])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osi::test_hex as hex;
    use proptest::prelude::*;

    fn oid(a: &[u32]) -> ObjectIdentifier {
        ObjectIdentifier::new(a.to_vec()).unwrap()
    }

    #[test]
    fn release_user_data() {
        // fully-encoded-data, context 1, single-ASN1-type RLRQ reason normal.
        let b = hex("610c300a020101a0056203800100");
        let p = decode_all(Expect::Data, &b).unwrap();
        let Ppdu::Td(UserData::Full(list)) = &p else {
            panic!()
        };
        assert_eq!(list[0].context_id, 1);
        assert_eq!(
            list[0].value,
            PdvValue::Single(Bytes::from_static(&[0x62, 3, 0x80, 1, 0]))
        );
        assert_eq!(&to_bytes(&p)[..], &b[..]);
    }

    #[test]
    fn negotiation_per_context() {
        let defs = vec![
            ContextDef {
                id: 1,
                abstract_syntax: oid(&[2, 2, 1, 0, 1]),
                transfer_syntaxes: vec![oid(&[2, 1, 1])],
            },
            ContextDef {
                id: 3,
                abstract_syntax: oid(&[1, 2, 3]),
                transfer_syntaxes: vec![oid(&[2, 1, 1])],
            },
            ContextDef {
                id: 5,
                abstract_syntax: oid(&[2, 6, 0, 2, 9]),
                transfer_syntaxes: vec![oid(&[2, 1, 2, 1])],
            },
            ContextDef {
                id: 7,
                abstract_syntax: oid(&[2, 6, 0, 2, 9]),
                transfer_syntaxes: vec![oid(&[2, 1, 2, 1]), oid(&[2, 1, 1])],
            },
        ];
        let supported = vec![oid(&[2, 2, 1, 0, 1]), oid(&[2, 6, 0, 2, 9])];
        let r = negotiate(&defs, &supported, 32);
        assert_eq!(r[0].result, result::ACCEPTANCE);
        assert_eq!(r[0].transfer_syntax, Some(oid(&[2, 1, 1])));
        assert_eq!(
            r[1].provider_reason,
            Some(context_reason::ABSTRACT_SYNTAX_NOT_SUPPORTED)
        );
        assert_eq!(
            r[2].provider_reason,
            Some(context_reason::TRANSFER_SYNTAXES_NOT_SUPPORTED)
        );
        assert_eq!(r[3].result, result::ACCEPTANCE);
        let r = negotiate(&defs, &supported, 1);
        assert_eq!(r[3].provider_reason, Some(context_reason::LOCAL_LIMIT));
    }

    #[test]
    fn garbage_and_truncation() {
        assert_eq!(decode(Expect::Cp, &[0x31, 0x05, 0xa0]).unwrap(), None);
        assert!(decode(Expect::Cp, &[0x30, 0x00]).is_err());
        assert!(decode_all(Expect::Cp, &[0x31, 0x00]).is_err());
        assert!(decode_all(Expect::Data, &[0x61, 0x00]).is_err());
        assert!(decode_all(Expect::Data, &[0x61, 0x03, 0x30, 0x01, 0x02]).is_err());
    }

    fn arb_oid() -> impl Strategy<Value = ObjectIdentifier> {
        (
            0u32..3,
            0u32..40,
            proptest::collection::vec(any::<u32>(), 0..5),
        )
            .prop_map(|(a, b, rest)| {
                let mut v = vec![a, b];
                v.extend(rest);
                ObjectIdentifier::new(v).unwrap()
            })
    }
    fn arb_bytes(max: usize) -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
    }
    fn arb_tlv() -> impl Strategy<Value = Bytes> {
        arb_bytes(40).prop_map(|c| {
            let mut b = BytesMut::new();
            ber::put_tlv(&mut b, ber::OCTET_STRING, &c);
            b.freeze()
        })
    }
    fn arb_bits() -> impl Strategy<Value = BitString> {
        proptest::collection::vec(0usize..24, 1..4).prop_map(|v| BitString::from_bits(&v))
    }
    fn arb_user_data() -> impl Strategy<Value = UserData> {
        prop_oneof![
            arb_bytes(30).prop_map(UserData::Simple),
            proptest::collection::vec(
                (
                    proptest::option::of(arb_oid()),
                    any::<i64>(),
                    prop_oneof![
                        arb_tlv().prop_map(PdvValue::Single),
                        arb_bytes(30).prop_map(PdvValue::Octets),
                        arb_bits().prop_map(PdvValue::Arbitrary),
                    ]
                )
                    .prop_map(|(t, c, v)| Pdv {
                        transfer_syntax: t,
                        context_id: c,
                        value: v
                    }),
                1..4
            )
            .prop_map(UserData::Full),
        ]
    }
    fn arb_results() -> impl Strategy<Value = Vec<ContextResult>> {
        proptest::collection::vec(
            (
                0i64..3,
                proptest::option::of(arb_oid()),
                proptest::option::of(0i64..4),
            )
                .prop_map(|(r, t, p)| ContextResult {
                    result: r,
                    transfer_syntax: t,
                    provider_reason: p,
                }),
            0..4,
        )
    }

    fn arb_ppdu() -> impl Strategy<Value = (Expect, Ppdu)> {
        let cp = (
            proptest::option::of(arb_bits()),
            proptest::option::of(arb_bytes(8)),
            proptest::option::of(arb_bytes(8)),
            proptest::option::of(proptest::collection::vec(
                (
                    any::<i64>(),
                    arb_oid(),
                    proptest::collection::vec(arb_oid(), 0..3),
                )
                    .prop_map(|(id, a, t)| ContextDef {
                        id,
                        abstract_syntax: a,
                        transfer_syntaxes: t,
                    }),
                0..4,
            )),
            proptest::option::of((arb_oid(), arb_oid())),
            proptest::option::of(arb_user_data()),
        )
            .prop_map(|(v, c, d, l, dc, u)| {
                (
                    Expect::Cp,
                    Ppdu::Cp(Box::new(Cp {
                        mode: MODE_NORMAL,
                        protocol_version: v,
                        calling_psel: c,
                        called_psel: d,
                        contexts: l,
                        default_context: dc,
                        user_data: u,
                        ..Cp::default()
                    })),
                )
            });
        let cpa = (
            proptest::option::of(arb_bytes(8)),
            proptest::option::of(arb_results()),
            proptest::option::of(arb_user_data()),
        )
            .prop_map(|(p, r, u)| {
                (
                    Expect::Cpa,
                    Ppdu::Cpa(Box::new(Cpa {
                        mode: MODE_NORMAL,
                        responding_psel: p,
                        results: r,
                        user_data: u,
                        ..Cpa::default()
                    })),
                )
            });
        let cpr = (
            proptest::option::of(arb_results()),
            proptest::option::of(0i64..8),
            proptest::option::of(0i64..3),
            proptest::option::of(arb_user_data()),
        )
            .prop_map(|(r, p, d, u)| {
                (
                    Expect::Cpr,
                    Ppdu::Cpr(Box::new(Cpr {
                        results: r,
                        provider_reason: p,
                        default_context_result: d,
                        user_data: u,
                        ..Cpr::default()
                    })),
                )
            });
        let aru = (
            proptest::option::of(proptest::collection::vec((any::<i64>(), arb_oid()), 0..3)),
            proptest::option::of(arb_user_data()),
        )
            .prop_map(|(c, u)| {
                (
                    Expect::Abort,
                    Ppdu::Aru(Box::new(Aru {
                        contexts: c,
                        user_data: u,
                    })),
                )
            });
        let arp = (
            proptest::option::of(0i64..7),
            proptest::option::of(0i64..20),
        )
            .prop_map(|(r, e)| {
                (
                    Expect::Abort,
                    Ppdu::Arp(Arp {
                        provider_reason: r,
                        event: e,
                    }),
                )
            });
        let td = arb_user_data().prop_map(|u| (Expect::Data, Ppdu::Td(u)));
        prop_oneof![cp, cpa, cpr, aru, arp, td]
    }

    proptest! {
        #[test]
        fn roundtrip((expect, p) in arb_ppdu()) {
            let b = to_bytes(&p);
            prop_assert_eq!(decode_all(expect, &b).unwrap(), p);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..100)) {
            for e in [Expect::Cp, Expect::Cpa, Expect::Cpr, Expect::Abort, Expect::Data] {
                let _ = decode(e, &b);
            }
        }
    }
}
