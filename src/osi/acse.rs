//! X.227 ACSE (ACSE-1 module, explicit tags by default): AARQ, AARE, RLRQ, RLRE, ABRT
//! (§7), user-information as EXTERNAL, and the X.880 ROS bind PDUs (bind-invoke [16],
//! bind-result [17], bind-error [18]) that X.419 carries in it. ASN.1:
//! `schema/osi-acse.asn`.

use bytes::{Bytes, BytesMut};
use rasn::types::ObjectIdentifier;

use crate::asn1::oids;
use crate::osi::ber::{self, BerError, BitString, Tag, Tlv};

/// Associate-result values.
pub mod result {
    /// accepted.
    pub const ACCEPTED: i64 = 0;
    /// rejected-permanent.
    pub const REJECTED_PERMANENT: i64 = 1;
    /// rejected-transient.
    pub const REJECTED_TRANSIENT: i64 = 2;
}

/// acse-service-user diagnostic values.
pub mod user_diag {
    /// null.
    pub const NULL: i64 = 0;
    /// no-reason-given.
    pub const NO_REASON: i64 = 1;
    /// application-context-name-not-supported.
    pub const APPLICATION_CONTEXT_NOT_SUPPORTED: i64 = 2;
    /// calling-AP-title-not-recognized.
    pub const CALLING_AP_TITLE: i64 = 3;
    /// called-AP-title-not-recognized.
    pub const CALLED_AP_TITLE: i64 = 7;
    /// authentication-mechanism-name-not-recognized.
    pub const MECHANISM_NOT_RECOGNIZED: i64 = 11;
    /// authentication-mechanism-name-required.
    pub const MECHANISM_REQUIRED: i64 = 12;
    /// authentication-failure.
    pub const AUTHENTICATION_FAILURE: i64 = 13;
    /// authentication-required.
    pub const AUTHENTICATION_REQUIRED: i64 = 14;
}

/// A name for an acse-service-user diagnostic.
pub fn user_diag_name(v: i64) -> &'static str {
    match v {
        0 => "null",
        1 => "no-reason-given",
        2 => "application-context-name-not-supported",
        3 => "calling-AP-title-not-recognized",
        4 => "calling-AP-invocation-identifier-not-recognized",
        5 => "calling-AE-qualifier-not-recognized",
        6 => "calling-AE-invocation-identifier-not-recognized",
        7 => "called-AP-title-not-recognized",
        8 => "called-AP-invocation-identifier-not-recognized",
        9 => "called-AE-qualifier-not-recognized",
        10 => "called-AE-invocation-identifier-not-recognized",
        11 => "authentication-mechanism-name-not-recognized",
        12 => "authentication-mechanism-name-required",
        13 => "authentication-failure",
        14 => "authentication-required",
        _ => "unknown",
    }
}

/// acse-service-provider diagnostic values.
pub mod provider_diag {
    /// null.
    pub const NULL: i64 = 0;
    /// no-reason-given.
    pub const NO_REASON: i64 = 1;
    /// no-common-acse-version.
    pub const NO_COMMON_VERSION: i64 = 2;
}

/// ABRT-source values.
pub mod abort_source {
    /// acse-service-user.
    pub const USER: i64 = 0;
    /// acse-service-provider.
    pub const PROVIDER: i64 = 1;
}

/// ABRT-diagnostic values.
pub mod abort_diag {
    /// no-reason-given.
    pub const NO_REASON: i64 = 1;
    /// protocol-error.
    pub const PROTOCOL_ERROR: i64 = 2;
}

/// Encoding of an EXTERNAL: `single-ASN1-type [0]` (one whole TLV, as received),
/// `octet-aligned [1]` or `arbitrary [2]`, the CHOICE a presentation PDV-list carries too.
pub type ExternalEncoding = crate::osi::presentation::PdvValue;

/// X.690 §8.18 EXTERNAL (the 1990 form that ACSE user-information uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    /// direct-reference (the transfer syntax, 2.1.1, in X.419 use).
    pub direct_reference: Option<ObjectIdentifier>,
    /// indirect-reference (the presentation context of the value).
    pub indirect_reference: Option<i64>,
    /// data-value-descriptor.
    pub descriptor: Option<Bytes>,
    /// encoding.
    pub encoding: ExternalEncoding,
}

/// X.880 bind PDUs carried in ACSE user-information (tags are explicit around open types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosBind {
    /// bind-invoke [16]: the bind argument TLV.
    Invoke(Bytes),
    /// bind-result [17]: the bind result TLV.
    Result(Bytes),
    /// bind-error [18]: the bind error TLV.
    Error(Bytes),
}

impl RosBind {
    /// Reads a bind PDU from an EXTERNAL's single-ASN1-type value.
    pub fn decode(value: &[u8]) -> Result<RosBind, BerError> {
        let (t, used) = ber::read_tlv(value)?.ok_or(BerError::Truncated)?;
        if used != value.len() {
            return Err(BerError::Trailing);
        }
        let inner = Bytes::copy_from_slice(t.content);
        match (t.tag.class, t.tag.number, t.tag.constructed) {
            (ber::Class::Context, 16, true) => Ok(RosBind::Invoke(inner)),
            (ber::Class::Context, 17, true) => Ok(RosBind::Result(inner)),
            (ber::Class::Context, 18, true) => Ok(RosBind::Error(inner)),
            _ => Err(BerError::UnexpectedTag {
                expected: "ROS bind PDU",
                found: t.tag,
            }),
        }
    }
    /// The bind PDU's encoding.
    pub fn to_bytes(&self) -> Bytes {
        let (n, v) = match self {
            RosBind::Invoke(v) => (16, v),
            RosBind::Result(v) => (17, v),
            RosBind::Error(v) => (18, v),
        };
        let mut b = BytesMut::new();
        ber::put_tlv(&mut b, Tag::ctx_c(n), v);
        b.freeze()
    }
    /// The EXTERNAL that carries this bind PDU in presentation context `context_id`, with
    /// BER as direct reference (as DESIGN.md §3 measured against tshark).
    pub fn to_external(&self, context_id: i64) -> External {
        External {
            direct_reference: Some(ObjectIdentifier::from(oids::ID_BER)),
            indirect_reference: Some(context_id),
            descriptor: None,
            encoding: ExternalEncoding::Single(self.to_bytes()),
        }
    }
    /// The bind PDU in the first user-information EXTERNAL, if it holds one.
    pub fn from_user_information(ui: &[External]) -> Option<Result<RosBind, BerError>> {
        match &ui.first()?.encoding {
            ExternalEncoding::Single(v) => Some(RosBind::decode(v)),
            _ => None,
        }
    }
}

/// AP-title, AE-qualifier and invocation identifiers of one side (called, calling or
/// responding). Titles and qualifiers are CHOICEs (directory name or OID / integer) kept as
/// the TLV inside the explicit tag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AeTitle {
    /// AP-title.
    pub ap_title: Option<Bytes>,
    /// AE-qualifier.
    pub ae_qualifier: Option<Bytes>,
    /// AP-invocation-identifier.
    pub ap_invocation: Option<i64>,
    /// AE-invocation-identifier.
    pub ae_invocation: Option<i64>,
}

impl AeTitle {
    /// No field present.
    pub fn is_empty(&self) -> bool {
        *self == AeTitle::default()
    }
}

/// AARQ-apdu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aarq {
    /// protocol-version (default version1).
    pub protocol_version: Option<BitString>,
    /// application-context-name.
    pub application_context: ObjectIdentifier,
    /// called-AP-title [2] … called-AE-invocation-identifier [5].
    pub called: AeTitle,
    /// calling-AP-title [6] … calling-AE-invocation-identifier [9].
    pub calling: AeTitle,
    /// sender-acse-requirements [10].
    pub acse_requirements: Option<BitString>,
    /// mechanism-name [11].
    pub mechanism_name: Option<ObjectIdentifier>,
    /// calling-authentication-value [12]: the CHOICE TLV inside the explicit tag.
    pub authentication_value: Option<Bytes>,
    /// implementation-information [29].
    pub implementation_information: Option<Bytes>,
    /// user-information [30].
    pub user_information: Vec<External>,
}

impl Aarq {
    /// An AARQ for `application_context` carrying `user_information`, every optional field
    /// absent (protocol-version then defaults to version1).
    pub fn new(application_context: ObjectIdentifier, user_information: Vec<External>) -> Self {
        Aarq {
            protocol_version: None,
            application_context,
            called: AeTitle::default(),
            calling: AeTitle::default(),
            acse_requirements: None,
            mechanism_name: None,
            authentication_value: None,
            implementation_information: None,
            user_information,
        }
    }
}

/// result-source-diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnostic {
    /// acse-service-user [1].
    User(i64),
    /// acse-service-provider [2].
    Provider(i64),
}

/// AARE-apdu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aare {
    /// protocol-version.
    pub protocol_version: Option<BitString>,
    /// application-context-name.
    pub application_context: ObjectIdentifier,
    /// result (see [`result`]).
    pub result: i64,
    /// result-source-diagnostic.
    pub diagnostic: Diagnostic,
    /// responding-AP-title [4] … responding-AE-invocation-identifier [7].
    pub responding: AeTitle,
    /// responder-acse-requirements [8].
    pub acse_requirements: Option<BitString>,
    /// mechanism-name [9].
    pub mechanism_name: Option<ObjectIdentifier>,
    /// responding-authentication-value [10].
    pub authentication_value: Option<Bytes>,
    /// implementation-information [29].
    pub implementation_information: Option<Bytes>,
    /// user-information [30].
    pub user_information: Vec<External>,
}

/// RLRQ-apdu / RLRE-apdu.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Release {
    /// reason [0]: RLRQ normal 0, urgent 1, user-defined 30; RLRE normal 0, not-finished 1.
    pub reason: Option<i64>,
    /// user-information [30].
    pub user_information: Vec<External>,
}

/// ABRT-apdu.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Abrt {
    /// abort-source [0] (see [`abort_source`]).
    pub source: i64,
    /// abort-diagnostic [1] (see [`abort_diag`]).
    pub diagnostic: Option<i64>,
    /// user-information [30].
    pub user_information: Vec<External>,
}

/// An ACSE APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Apdu {
    /// A-ASSOCIATE request.
    Aarq(Box<Aarq>),
    /// A-ASSOCIATE response.
    Aare(Box<Aare>),
    /// A-RELEASE request.
    Rlrq(Release),
    /// A-RELEASE response.
    Rlre(Release),
    /// A-ABORT.
    Abrt(Abrt),
}

impl Apdu {
    /// The X.227 abbreviation.
    pub fn name(&self) -> &'static str {
        match self {
            Apdu::Aarq(_) => "AARQ",
            Apdu::Aare(_) => "AARE",
            Apdu::Rlrq(_) => "RLRQ",
            Apdu::Rlre(_) => "RLRE",
            Apdu::Abrt(_) => "ABRT",
        }
    }
}

/// Why an APDU was refused or out of place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AcseError {
    /// Malformed BER or not the APDU syntax.
    #[error("malformed APDU: {0}")]
    Ber(#[from] BerError),
    /// The input ends inside the APDU.
    #[error("APDU truncated")]
    Truncated,
    /// An APDU the current state does not allow.
    #[error("unexpected {what} in state {state:?}")]
    Unexpected {
        /// What arrived.
        what: &'static str,
        /// The state.
        state: AcseState,
    },
}

impl AcseError {
    /// §7.3.3.4: the ACSE protocol machine aborts with an ABRT from the service provider
    /// naming a protocol error.
    pub fn abort(&self) -> Apdu {
        Apdu::Abrt(Abrt {
            source: abort_source::PROVIDER,
            diagnostic: Some(abort_diag::PROTOCOL_ERROR),
            user_information: Vec::new(),
        })
    }
}

// --------------------------------------------------------------------------------------------
// Decoding

fn external(t: &Tlv<'_>) -> Result<External, BerError> {
    if t.tag != ber::EXTERNAL {
        return Err(BerError::UnexpectedTag {
            expected: "EXTERNAL",
            found: t.tag,
        });
    }
    let mut r = t.reader()?;
    let direct_reference = r.optional(ber::OID)?.map(|t| t.oid()).transpose()?;
    let indirect_reference = r.optional(ber::INTEGER)?.map(|t| t.integer()).transpose()?;
    // ObjectDescriptor is [UNIVERSAL 7].
    let descriptor = r
        .optional_id(Tag::univ(7))?
        .map(|t| t.octets())
        .transpose()?;
    let encoding = ExternalEncoding::decode(&r.next_tlv()?, "EXTERNAL encoding")?;
    r.finish()?;
    Ok(External {
        direct_reference,
        indirect_reference,
        descriptor,
        encoding,
    })
}

fn user_information(t: &Tlv<'_>) -> Result<Vec<External>, BerError> {
    let mut r = t.reader()?;
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(external(&r.next_tlv()?)?);
    }
    Ok(out)
}

fn explicit_raw(t: &Tlv<'_>) -> Result<Bytes, BerError> {
    Ok(Bytes::copy_from_slice(t.inner()?.raw))
}

fn explicit_int(t: &Tlv<'_>) -> Result<i64, BerError> {
    let i = t.inner()?;
    if i.tag != ber::INTEGER {
        return Err(BerError::UnexpectedTag {
            expected: "INTEGER",
            found: i.tag,
        });
    }
    i.integer()
}

fn explicit_oid(t: &Tlv<'_>) -> Result<ObjectIdentifier, BerError> {
    let i = t.inner()?;
    if i.tag != ber::OID {
        return Err(BerError::UnexpectedTag {
            expected: "OBJECT IDENTIFIER",
            found: i.tag,
        });
    }
    i.oid()
}

fn decode_aarq(t: &Tlv<'_>) -> Result<Aarq, BerError> {
    let mut a = Aarq::new(ObjectIdentifier::from(oids::ID_AS_ACSE), Vec::new());
    let mut have_ctx = false;
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        if e.tag.class != ber::Class::Context {
            continue;
        }
        match e.tag.number {
            0 => a.protocol_version = Some(e.bits()?),
            1 => {
                a.application_context = explicit_oid(&e)?;
                have_ctx = true;
            }
            2 => a.called.ap_title = Some(explicit_raw(&e)?),
            3 => a.called.ae_qualifier = Some(explicit_raw(&e)?),
            4 => a.called.ap_invocation = Some(explicit_int(&e)?),
            5 => a.called.ae_invocation = Some(explicit_int(&e)?),
            6 => a.calling.ap_title = Some(explicit_raw(&e)?),
            7 => a.calling.ae_qualifier = Some(explicit_raw(&e)?),
            8 => a.calling.ap_invocation = Some(explicit_int(&e)?),
            9 => a.calling.ae_invocation = Some(explicit_int(&e)?),
            10 => a.acse_requirements = Some(e.bits()?),
            11 => a.mechanism_name = Some(e.oid()?),
            12 => a.authentication_value = Some(explicit_raw(&e)?),
            29 => a.implementation_information = Some(e.octets()?),
            30 => a.user_information = user_information(&e)?,
            // [13] application-context-name-list and later extensions: ignored.
            _ => {}
        }
    }
    if !have_ctx {
        return Err(BerError::Missing("application-context-name"));
    }
    Ok(a)
}

fn decode_aare(t: &Tlv<'_>) -> Result<Aare, BerError> {
    let mut a = Aare {
        protocol_version: None,
        application_context: ObjectIdentifier::from(oids::ID_AS_ACSE),
        result: -1,
        diagnostic: Diagnostic::User(user_diag::NULL),
        responding: AeTitle::default(),
        acse_requirements: None,
        mechanism_name: None,
        authentication_value: None,
        implementation_information: None,
        user_information: Vec::new(),
    };
    let (mut have_ctx, mut have_diag) = (false, false);
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        if e.tag.class != ber::Class::Context {
            continue;
        }
        match e.tag.number {
            0 => a.protocol_version = Some(e.bits()?),
            1 => {
                a.application_context = explicit_oid(&e)?;
                have_ctx = true;
            }
            2 => a.result = explicit_int(&e)?,
            3 => {
                let d = e.inner()?;
                let v = explicit_int(&d)?;
                a.diagnostic = match (d.tag.class, d.tag.number) {
                    (ber::Class::Context, 1) => Diagnostic::User(v),
                    (ber::Class::Context, 2) => Diagnostic::Provider(v),
                    _ => {
                        return Err(BerError::UnexpectedTag {
                            expected: "result-source-diagnostic",
                            found: d.tag,
                        });
                    }
                };
                have_diag = true;
            }
            4 => a.responding.ap_title = Some(explicit_raw(&e)?),
            5 => a.responding.ae_qualifier = Some(explicit_raw(&e)?),
            6 => a.responding.ap_invocation = Some(explicit_int(&e)?),
            7 => a.responding.ae_invocation = Some(explicit_int(&e)?),
            8 => a.acse_requirements = Some(e.bits()?),
            9 => a.mechanism_name = Some(e.oid()?),
            10 => a.authentication_value = Some(explicit_raw(&e)?),
            29 => a.implementation_information = Some(e.octets()?),
            30 => a.user_information = user_information(&e)?,
            _ => {}
        }
    }
    if !have_ctx {
        return Err(BerError::Missing("application-context-name"));
    }
    if a.result < 0 {
        return Err(BerError::Missing("result"));
    }
    if !have_diag {
        return Err(BerError::Missing("result-source-diagnostic"));
    }
    Ok(a)
}

fn decode_release(t: &Tlv<'_>) -> Result<Release, BerError> {
    let mut rel = Release::default();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        match (e.tag.class, e.tag.number) {
            (ber::Class::Context, 0) => rel.reason = Some(e.integer()?),
            (ber::Class::Context, 30) => rel.user_information = user_information(&e)?,
            _ => {}
        }
    }
    Ok(rel)
}

fn decode_abrt(t: &Tlv<'_>) -> Result<Abrt, BerError> {
    let mut a = Abrt {
        source: -1,
        ..Abrt::default()
    };
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        match (e.tag.class, e.tag.number) {
            (ber::Class::Context, 0) => a.source = e.integer()?,
            (ber::Class::Context, 1) => a.diagnostic = Some(e.integer()?),
            (ber::Class::Context, 30) => a.user_information = user_information(&e)?,
            _ => {}
        }
    }
    if a.source < 0 {
        return Err(BerError::Missing("abort-source"));
    }
    Ok(a)
}

/// Decodes the APDU at the start of `buf`; `Ok(None)` when `buf` ends inside it.
pub fn decode(buf: &[u8]) -> Result<Option<(Apdu, usize)>, AcseError> {
    let Some((t, used)) = ber::read_tlv(buf)? else {
        return Ok(None);
    };
    let apdu = match (t.tag.class, t.tag.number, t.tag.constructed) {
        (ber::Class::Application, 0, true) => Apdu::Aarq(Box::new(decode_aarq(&t)?)),
        (ber::Class::Application, 1, true) => Apdu::Aare(Box::new(decode_aare(&t)?)),
        (ber::Class::Application, 2, true) => Apdu::Rlrq(decode_release(&t)?),
        (ber::Class::Application, 3, true) => Apdu::Rlre(decode_release(&t)?),
        (ber::Class::Application, 4, true) => Apdu::Abrt(decode_abrt(&t)?),
        _ => {
            return Err(BerError::UnexpectedTag {
                expected: "ACSE-apdu",
                found: t.tag,
            }
            .into());
        }
    };
    Ok(Some((apdu, used)))
}

/// Decodes a whole single-ASN1-type value as one APDU.
pub fn decode_all(buf: &[u8]) -> Result<Apdu, AcseError> {
    let (a, used) = decode(buf)?.ok_or(AcseError::Truncated)?;
    if used != buf.len() {
        return Err(BerError::Trailing.into());
    }
    Ok(a)
}

// --------------------------------------------------------------------------------------------
// Encoding

fn put_external(out: &mut BytesMut, e: &External) {
    ber::put_constructed(out, ber::EXTERNAL, |o| {
        if let Some(d) = &e.direct_reference {
            ber::put_oid(o, ber::OID, d);
        }
        if let Some(i) = e.indirect_reference {
            ber::put_integer(o, ber::INTEGER, i);
        }
        if let Some(d) = &e.descriptor {
            ber::put_tlv(o, Tag::univ(7), d);
        }
        e.encoding.put(o);
    });
}

fn put_user_information(out: &mut BytesMut, ui: &[External]) {
    if ui.is_empty() {
        return;
    }
    ber::put_constructed(out, Tag::ctx_c(30), |o| {
        for e in ui {
            put_external(o, e);
        }
    });
}

fn put_explicit_int(out: &mut BytesMut, n: u32, v: i64) {
    ber::put_constructed(out, Tag::ctx_c(n), |o| ber::put_integer(o, ber::INTEGER, v));
}

fn put_title(out: &mut BytesMut, first: u32, t: &AeTitle) {
    if let Some(v) = &t.ap_title {
        ber::put_tlv(out, Tag::ctx_c(first), v);
    }
    if let Some(v) = &t.ae_qualifier {
        ber::put_tlv(out, Tag::ctx_c(first + 1), v);
    }
    if let Some(v) = t.ap_invocation {
        put_explicit_int(out, first + 2, v);
    }
    if let Some(v) = t.ae_invocation {
        put_explicit_int(out, first + 3, v);
    }
}

/// Appends the APDU.
pub fn encode(a: &Apdu, out: &mut BytesMut) {
    match a {
        Apdu::Aarq(q) => ber::put_constructed(out, Tag::app_c(0), |o| {
            if let Some(v) = &q.protocol_version {
                ber::put_bits(o, Tag::ctx(0), v);
            }
            ber::put_constructed(o, Tag::ctx_c(1), |o| {
                ber::put_oid(o, ber::OID, &q.application_context)
            });
            put_title(o, 2, &q.called);
            put_title(o, 6, &q.calling);
            if let Some(v) = &q.acse_requirements {
                ber::put_bits(o, Tag::ctx(10), v);
            }
            if let Some(v) = &q.mechanism_name {
                ber::put_oid(o, Tag::ctx(11), v);
            }
            if let Some(v) = &q.authentication_value {
                ber::put_tlv(o, Tag::ctx_c(12), v);
            }
            if let Some(v) = &q.implementation_information {
                ber::put_tlv(o, Tag::ctx(29), v);
            }
            put_user_information(o, &q.user_information);
        }),
        Apdu::Aare(r) => ber::put_constructed(out, Tag::app_c(1), |o| {
            if let Some(v) = &r.protocol_version {
                ber::put_bits(o, Tag::ctx(0), v);
            }
            ber::put_constructed(o, Tag::ctx_c(1), |o| {
                ber::put_oid(o, ber::OID, &r.application_context)
            });
            put_explicit_int(o, 2, r.result);
            ber::put_constructed(o, Tag::ctx_c(3), |o| match r.diagnostic {
                Diagnostic::User(v) => put_explicit_int(o, 1, v),
                Diagnostic::Provider(v) => put_explicit_int(o, 2, v),
            });
            put_title(o, 4, &r.responding);
            if let Some(v) = &r.acse_requirements {
                ber::put_bits(o, Tag::ctx(8), v);
            }
            if let Some(v) = &r.mechanism_name {
                ber::put_oid(o, Tag::ctx(9), v);
            }
            if let Some(v) = &r.authentication_value {
                ber::put_tlv(o, Tag::ctx_c(10), v);
            }
            if let Some(v) = &r.implementation_information {
                ber::put_tlv(o, Tag::ctx(29), v);
            }
            put_user_information(o, &r.user_information);
        }),
        Apdu::Rlrq(rel) | Apdu::Rlre(rel) => {
            let n = if matches!(a, Apdu::Rlrq(_)) { 2 } else { 3 };
            ber::put_constructed(out, Tag::app_c(n), |o| {
                if let Some(v) = rel.reason {
                    ber::put_integer(o, Tag::ctx(0), v);
                }
                put_user_information(o, &rel.user_information);
            });
        }
        Apdu::Abrt(ab) => ber::put_constructed(out, Tag::app_c(4), |o| {
            ber::put_integer(o, Tag::ctx(0), ab.source);
            if let Some(v) = ab.diagnostic {
                ber::put_integer(o, Tag::ctx(1), v);
            }
            put_user_information(o, &ab.user_information);
        }),
    }
}

/// Encodes to a fresh buffer.
pub fn to_bytes(a: &Apdu) -> Bytes {
    let mut b = BytesMut::new();
    encode(a, &mut b);
    b.freeze()
}

/// An AARE accepting `aarq`'s application context with this user-information.
pub fn accept(aarq: &Aarq, user_information: Vec<External>) -> Aare {
    Aare {
        protocol_version: None,
        application_context: aarq.application_context.clone(),
        result: result::ACCEPTED,
        diagnostic: Diagnostic::User(user_diag::NULL),
        responding: AeTitle::default(),
        acse_requirements: None,
        mechanism_name: None,
        authentication_value: None,
        implementation_information: None,
        user_information,
    }
}

/// An AARE rejecting `aarq` permanently with an acse-service-user diagnostic.
pub fn reject(aarq: &Aarq, diagnostic: i64, user_information: Vec<External>) -> Aare {
    Aare {
        result: result::REJECTED_PERMANENT,
        diagnostic: Diagnostic::User(diagnostic),
        ..accept(aarq, user_information)
    }
}

// --------------------------------------------------------------------------------------------
// State machine

/// Role on the association.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We sent the AARQ.
    Initiator,
    /// We received the AARQ.
    Responder,
}

/// Association state (X.227 §9, reduced: no release collisions, which need the
/// negotiated-release functional unit we never select).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcseState {
    /// No association.
    Idle,
    /// Initiator: AARQ sent.
    WaitAare,
    /// Responder: AARQ received.
    WaitAccept,
    /// Associated.
    Open,
    /// RLRQ sent.
    WaitRlre,
    /// RLRQ received.
    WaitRelease,
    /// Released, rejected or aborted.
    Closed,
}

/// What arrives at or is asked of the ACSE machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcseEvent {
    /// An APDU from the peer.
    Incoming(Apdu),
    /// An APDU our user wants to send (AARQ, AARE, RLRQ, RLRE, ABRT).
    Send(Apdu),
}

/// What the machine asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcseAction {
    /// Send this APDU.
    Send(Apdu),
    /// Deliver this APDU to the user.
    Deliver(Apdu),
}

/// The ACSE state machine: checks APDUs against the association state in both directions.
#[derive(Debug, Clone)]
pub struct Acse {
    role: Role,
    state: AcseState,
}

impl Acse {
    /// A fresh machine.
    pub fn new(role: Role) -> Self {
        Acse {
            role,
            state: AcseState::Idle,
        }
    }

    /// Current state.
    pub fn state(&self) -> AcseState {
        self.state
    }

    /// Feeds one event.
    pub fn handle(&mut self, ev: AcseEvent) -> Result<Vec<AcseAction>, AcseError> {
        use AcseState as S;
        let (incoming, apdu) = match ev {
            AcseEvent::Incoming(a) => (true, a),
            AcseEvent::Send(a) => (false, a),
        };
        let next = match (self.state, incoming, &apdu) {
            (S::Idle, true, Apdu::Aarq(_)) if self.role == Role::Responder => S::WaitAccept,
            (S::Idle, false, Apdu::Aarq(_)) if self.role == Role::Initiator => S::WaitAare,
            (S::WaitAare, true, Apdu::Aare(r)) | (S::WaitAccept, false, Apdu::Aare(r)) => {
                if r.result == result::ACCEPTED {
                    S::Open
                } else {
                    S::Closed
                }
            }
            (S::Open, _, Apdu::Rlrq(_)) => {
                if incoming {
                    S::WaitRelease
                } else {
                    S::WaitRlre
                }
            }
            (S::WaitRlre, true, Apdu::Rlre(_)) | (S::WaitRelease, false, Apdu::Rlre(_)) => {
                S::Closed
            }
            (_, _, Apdu::Abrt(_)) => S::Closed,
            _ => {
                return Err(AcseError::Unexpected {
                    what: apdu.name(),
                    state: self.state,
                });
            }
        };
        self.state = next;
        Ok(vec![if incoming {
            AcseAction::Deliver(apdu)
        } else {
            AcseAction::Send(apdu)
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osi::test_hex as hex;
    use proptest::prelude::*;

    #[test]
    fn release_bytes() {
        let b = hex("6203800100");
        let a = decode_all(&b).unwrap();
        assert_eq!(
            a,
            Apdu::Rlrq(Release {
                reason: Some(0),
                user_information: vec![]
            })
        );
        assert_eq!(&to_bytes(&a)[..], &b[..]);
    }

    #[test]
    fn aare_rejected_with_bind_error() {
        // An AARE as a P1 MTA refuses: rejected-permanent, service-user no-reason-given,
        // user-information carrying an RTSE refusal.
        let b = hex(
            "612aa106060456000106a203020101a305a103020101be14281206025101020103a009b207a105b203020102",
        );
        let Apdu::Aare(a) = decode_all(&b).unwrap() else {
            panic!()
        };
        assert_eq!(a.result, result::REJECTED_PERMANENT);
        assert_eq!(a.diagnostic, Diagnostic::User(1));
        assert_eq!(&a.application_context[..], &[2, 6, 0, 1, 6]);
        assert_eq!(a.user_information[0].indirect_reference, Some(3));
        assert_eq!(&to_bytes(&Apdu::Aare(a))[..], &b[..]);
    }

    #[test]
    fn ros_bind_in_external() {
        let arg = Bytes::from_static(&[0x31, 0x03, 0x85, 0x01, 0xff]);
        let e = RosBind::Invoke(arg.clone()).to_external(3);
        let ExternalEncoding::Single(v) = &e.encoding else {
            panic!()
        };
        assert_eq!(v[0], 0xb0);
        assert_eq!(RosBind::decode(v).unwrap(), RosBind::Invoke(arg));
        assert!(RosBind::decode(&[0xa1, 0x00]).is_err());
    }

    #[test]
    fn machine_orders() {
        let mut m = Acse::new(Role::Responder);
        assert!(
            m.handle(AcseEvent::Incoming(Apdu::Rlrq(Release::default())))
                .is_err()
        );
        let mut m = Acse::new(Role::Responder);
        let aarq = Aarq::new(ObjectIdentifier::from(oids::ID_AC_MS_ACCESS_88), vec![]);
        m.handle(AcseEvent::Incoming(Apdu::Aarq(Box::new(aarq.clone()))))
            .unwrap();
        m.handle(AcseEvent::Send(Apdu::Aare(Box::new(accept(&aarq, vec![])))))
            .unwrap();
        assert_eq!(m.state(), AcseState::Open);
        m.handle(AcseEvent::Incoming(Apdu::Rlrq(Release::default())))
            .unwrap();
        m.handle(AcseEvent::Send(Apdu::Rlre(Release::default())))
            .unwrap();
        assert_eq!(m.state(), AcseState::Closed);
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
    fn arb_tlv() -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..30).prop_map(|c| {
            let mut b = BytesMut::new();
            ber::put_tlv(&mut b, ber::OCTET_STRING, &c);
            b.freeze()
        })
    }
    fn arb_ext() -> impl Strategy<Value = External> {
        (
            proptest::option::of(arb_oid()),
            proptest::option::of(any::<i64>()),
            prop_oneof![
                arb_tlv().prop_map(|v| ExternalEncoding::Single(RosBind::Invoke(v).to_bytes())),
                proptest::collection::vec(any::<u8>(), 0..20)
                    .prop_map(|v| ExternalEncoding::Octets(Bytes::from(v))),
            ],
        )
            .prop_map(|(d, i, e)| External {
                direct_reference: d,
                indirect_reference: i,
                descriptor: None,
                encoding: e,
            })
    }
    fn arb_title() -> impl Strategy<Value = AeTitle> {
        (
            proptest::option::of(arb_tlv()),
            proptest::option::of(arb_tlv()),
            proptest::option::of(any::<i64>()),
            proptest::option::of(any::<i64>()),
        )
            .prop_map(|(a, b, c, d)| AeTitle {
                ap_title: a,
                ae_qualifier: b,
                ap_invocation: c,
                ae_invocation: d,
            })
    }
    fn arb_apdu() -> impl Strategy<Value = Apdu> {
        let uis = || proptest::collection::vec(arb_ext(), 0..3);
        prop_oneof![
            (
                arb_oid(),
                arb_title(),
                arb_title(),
                proptest::option::of(arb_oid()),
                proptest::option::of(arb_tlv()),
                uis()
            )
                .prop_map(|(c, called, calling, m, av, ui)| Apdu::Aarq(Box::new(
                    Aarq {
                        protocol_version: Some(BitString::from_bits(&[0])),
                        application_context: c,
                        called,
                        calling,
                        acse_requirements: None,
                        mechanism_name: m,
                        authentication_value: av,
                        implementation_information: None,
                        user_information: ui
                    }
                ))),
            (
                arb_oid(),
                0i64..3,
                prop_oneof![
                    (0i64..15).prop_map(Diagnostic::User),
                    (0i64..3).prop_map(Diagnostic::Provider)
                ],
                arb_title(),
                uis()
            )
                .prop_map(|(c, r, d, t, ui)| Apdu::Aare(Box::new(Aare {
                    protocol_version: None,
                    application_context: c,
                    result: r,
                    diagnostic: d,
                    responding: t,
                    acse_requirements: None,
                    mechanism_name: None,
                    authentication_value: None,
                    implementation_information: None,
                    user_information: ui
                }))),
            (proptest::option::of(0i64..31), uis()).prop_map(|(r, ui)| Apdu::Rlrq(Release {
                reason: r,
                user_information: ui
            })),
            (proptest::option::of(0i64..31), uis()).prop_map(|(r, ui)| Apdu::Rlre(Release {
                reason: r,
                user_information: ui
            })),
            (0i64..2, proptest::option::of(1i64..7), uis()).prop_map(|(s, d, ui)| Apdu::Abrt(
                Abrt {
                    source: s,
                    diagnostic: d,
                    user_information: ui
                }
            )),
        ]
    }

    proptest! {
        #[test]
        fn roundtrip(a in arb_apdu()) {
            let b = to_bytes(&a);
            prop_assert_eq!(decode_all(&b).unwrap(), a);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = decode(&b);
        }
    }
}
