//! X.225 session protocol (kernel + duplex): CN, AC, RF, FN, DN, NF, AB, AA, and GT + DT
//! concatenation (§6.3.7, §8). Lengths in the X.225 form (§8.2.5): one octet, or 0xFF and two
//! octets — not BER.
//!
//! Parameters are decoded into one [`Params`] struct whatever the SPDU, and encoded in
//! ascending PI code order, which is the order every X.225 SPDU table lists them in; so a
//! peer's SPDU re-encodes to its own bytes when it used that order and no unknown PIs.

use bytes::{BufMut, Bytes, BytesMut};

use crate::osi::Limits;

/// SPDU identifiers (§8.3, table 10).
pub mod si {
    /// CONNECT.
    pub const CN: u8 = 13;
    /// ACCEPT.
    pub const AC: u8 = 14;
    /// REFUSE.
    pub const RF: u8 = 12;
    /// FINISH.
    pub const FN: u8 = 9;
    /// DISCONNECT.
    pub const DN: u8 = 10;
    /// NOT FINISHED.
    pub const NF: u8 = 8;
    /// ABORT.
    pub const AB: u8 = 25;
    /// ABORT ACCEPT.
    pub const AA: u8 = 26;
    /// GIVE TOKENS (category 0) and DATA TRANSFER (category 2) share code 1.
    pub const GT_DT: u8 = 1;
    /// PLEASE TOKENS (category 0).
    pub const PT: u8 = 2;
}

/// PI and PGI codes (§8.3).
pub mod pi {
    /// Connection Identifier PGI.
    pub const CONNECTION_ID: u8 = 1;
    /// Connect/Accept Item PGI.
    pub const CONNECT_ACCEPT: u8 = 5;
    /// Called SS-user Reference.
    pub const CALLED_REF: u8 = 9;
    /// Calling SS-user Reference.
    pub const CALLING_REF: u8 = 10;
    /// Common Reference.
    pub const COMMON_REF: u8 = 11;
    /// Additional Reference Information.
    pub const ADDITIONAL_REF: u8 = 12;
    /// Token Item.
    pub const TOKEN_ITEM: u8 = 16;
    /// Transport Disconnect.
    pub const TRANSPORT_DISCONNECT: u8 = 17;
    /// Protocol Options.
    pub const PROTOCOL_OPTIONS: u8 = 19;
    /// Session User Requirements.
    pub const REQUIREMENTS: u8 = 20;
    /// TSDU Maximum Size.
    pub const TSDU_MAX: u8 = 21;
    /// Version Number.
    pub const VERSION: u8 = 22;
    /// Initial Serial Number.
    pub const INITIAL_SERIAL: u8 = 23;
    /// Enclosure Item.
    pub const ENCLOSURE: u8 = 25;
    /// Token Setting Item.
    pub const TOKEN_SETTING: u8 = 26;
    /// Reflect Parameter Values.
    pub const REFLECT: u8 = 49;
    /// Reason Code.
    pub const REASON: u8 = 50;
    /// Calling Session Selector.
    pub const CALLING_SSEL: u8 = 51;
    /// Called / Responding Session Selector.
    pub const CALLED_SSEL: u8 = 52;
    /// Second Initial Serial Number.
    pub const SECOND_INITIAL_SERIAL: u8 = 55;
    /// Upper Limit Serial Number.
    pub const UPPER_LIMIT_SERIAL: u8 = 56;
    /// Large Initial Serial Number.
    pub const LARGE_INITIAL_SERIAL: u8 = 57;
    /// Large Second Initial Serial Number.
    pub const LARGE_SECOND_INITIAL_SERIAL: u8 = 58;
    /// Data Overflow.
    pub const DATA_OVERFLOW: u8 = 60;
    /// User Data PGI.
    pub const USER_DATA: u8 = 193;
    /// Extended User Data PGI.
    pub const EXTENDED_USER_DATA: u8 = 194;
}

/// Session User Requirements bits (§8.3.1.16): functional units.
pub mod fu {
    /// Half-duplex.
    pub const HALF_DUPLEX: u16 = 0x0001;
    /// Duplex.
    pub const DUPLEX: u16 = 0x0002;
    /// Expedited data.
    pub const EXPEDITED: u16 = 0x0004;
    /// Minor synchronize.
    pub const MINOR_SYNC: u16 = 0x0008;
    /// Major synchronize.
    pub const MAJOR_SYNC: u16 = 0x0010;
    /// Resynchronize.
    pub const RESYNC: u16 = 0x0020;
    /// Activity management.
    pub const ACTIVITY: u16 = 0x0040;
    /// Negotiated release.
    pub const NEGOTIATED_RELEASE: u16 = 0x0080;
    /// Capability data exchange.
    pub const CAPABILITY_DATA: u16 = 0x0100;
    /// Exceptions.
    pub const EXCEPTIONS: u16 = 0x0200;
    /// Typed data.
    pub const TYPED_DATA: u16 = 0x0400;
    /// Symmetric synchronize.
    pub const SYMMETRIC_SYNC: u16 = 0x0800;
    /// Data separation.
    pub const DATA_SEPARATION: u16 = 0x1000;
    /// What this implementation supports: kernel (always) + duplex.
    pub const SUPPORTED: u16 = DUPLEX;
    /// §8.3.1.16: the value assumed when the parameter is absent.
    pub const ABSENT_DEFAULT: u16 =
        HALF_DUPLEX | MINOR_SYNC | ACTIVITY | CAPABILITY_DATA | EXCEPTIONS;

    /// Names of the set bits, for traces.
    pub fn names(v: u16) -> Vec<&'static str> {
        const N: [&str; 13] = [
            "half-duplex",
            "duplex",
            "expedited",
            "minor-sync",
            "major-sync",
            "resync",
            "activity-mgmt",
            "negotiated-release",
            "capability-data",
            "exceptions",
            "typed-data",
            "symmetric-sync",
            "data-separation",
        ];
        N.iter()
            .enumerate()
            .filter(|(i, _)| v & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// Refuse reason codes (§8.3.3.11).
pub mod reason {
    /// Rejection by called SS-user; reason not specified.
    pub const NOT_SPECIFIED: u8 = 0;
    /// Rejection by called SS-user due to temporary congestion.
    pub const CONGESTION: u8 = 1;
    /// Rejection by called SS-user; the user data carries the reason.
    pub const BY_USER: u8 = 2;
    /// Session selector unknown.
    pub const SSEL_UNKNOWN: u8 = 129;
    /// SS-user not attached to SSAP.
    pub const NOT_ATTACHED: u8 = 130;
    /// SPM congestion at connect time.
    pub const SPM_CONGESTION: u8 = 131;
    /// Proposed protocol versions not supported.
    pub const VERSION: u8 = 132;
    /// Rejection by the SPM; reason not specified.
    pub const SPM_NOT_SPECIFIED: u8 = 133;
    /// Rejection by the SPM; implementation restriction stated in the PICS.
    pub const SPM_RESTRICTION: u8 = 134;

    /// A name for a reason code, for traces.
    pub fn name(r: u8) -> &'static str {
        match r {
            0 => "rejection by called SS-user, not specified",
            1 => "rejection by called SS-user, temporary congestion",
            2 => "rejection by called SS-user (reason in user data)",
            129 => "session selector unknown",
            130 => "SS-user not attached to SSAP",
            131 => "SPM congestion at connect time",
            132 => "proposed protocol versions not supported",
            133 => "rejection by the SPM, not specified",
            134 => "rejection by the SPM, implementation restriction",
            _ => "unknown reason",
        }
    }
}

/// The X.225 abbreviation of any SPDU identifier (category 0 and 1 reading for the shared
/// codes), for traces of SPDUs this implementation does not decode.
pub fn si_name(si: u8) -> &'static str {
    match si {
        1 => "GT/DT",
        2 => "PT",
        5 => "EX",
        7 => "PR",
        8 => "NF",
        9 => "FN",
        10 => "DN",
        12 => "RF",
        13 => "CN",
        14 => "AC",
        15 => "CDO",
        16 => "OA",
        21 => "GTC",
        22 => "GTA",
        25 => "AB",
        26 => "AA",
        29 => "AR/ED",
        30 => "ADA",
        33 => "TD",
        34 => "RA",
        41 => "MAP/AE",
        42 => "MAA/AEA",
        45 => "AS",
        48 => "ED",
        49 => "MIP",
        50 => "MIA",
        53 => "RS",
        57 => "AD",
        58 => "ADA",
        61 => "CD",
        62 => "CDA",
        _ => "unknown",
    }
}

/// What kind of SPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CONNECT.
    Cn,
    /// ACCEPT.
    Ac,
    /// REFUSE.
    Rf,
    /// FINISH.
    Fn,
    /// DISCONNECT.
    Dn,
    /// NOT FINISHED.
    Nf,
    /// ABORT.
    Ab,
    /// ABORT ACCEPT.
    Aa,
    /// GIVE TOKENS (category 0, first in a TSDU).
    Gt,
    /// PLEASE TOKENS (category 0, first in a TSDU).
    Pt,
    /// DATA TRANSFER (category 2, after a GT or PT).
    Dt,
}

impl Kind {
    /// The SPDU identifier.
    pub fn si(self) -> u8 {
        match self {
            Kind::Cn => si::CN,
            Kind::Ac => si::AC,
            Kind::Rf => si::RF,
            Kind::Fn => si::FN,
            Kind::Dn => si::DN,
            Kind::Nf => si::NF,
            Kind::Ab => si::AB,
            Kind::Aa => si::AA,
            Kind::Gt | Kind::Dt => si::GT_DT,
            Kind::Pt => si::PT,
        }
    }
    /// The X.225 abbreviation.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Cn => "CN",
            Kind::Ac => "AC",
            Kind::Rf => "RF",
            Kind::Fn => "FN",
            Kind::Dn => "DN",
            Kind::Nf => "NF",
            Kind::Ab => "AB",
            Kind::Aa => "AA",
            Kind::Gt => "GT",
            Kind::Pt => "PT",
            Kind::Dt => "DT",
        }
    }
}

/// Connection Identifier PGI contents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionId {
    /// Called SS-user Reference (AC, RF).
    pub called_ref: Option<Bytes>,
    /// Calling SS-user Reference (CN).
    pub calling_ref: Option<Bytes>,
    /// Common Reference.
    pub common_ref: Option<Bytes>,
    /// Additional Reference Information.
    pub additional_ref: Option<Bytes>,
}

/// Connect/Accept Item PGI contents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectAccept {
    /// Protocol Options (bit 1: able to receive extended concatenated SPDUs).
    pub protocol_options: Option<u8>,
    /// TSDU Maximum Size (two 16-bit sizes: initiator→responder, responder→initiator).
    pub tsdu_max: Option<Bytes>,
    /// Version Number bits (bit 1: version 1, bit 2: version 2).
    pub version: Option<u8>,
    /// Initial Serial Number (digits).
    pub initial_serial: Option<Bytes>,
    /// Token Setting Item: 2 bits per token (release, major/activity, minor sync, data).
    pub token_setting: Option<u8>,
    /// Second Initial Serial Number.
    pub second_initial_serial: Option<Bytes>,
    /// Upper Limit Serial Number.
    pub upper_limit_serial: Option<Bytes>,
    /// Large Initial Serial Number.
    pub large_initial_serial: Option<Bytes>,
    /// Large Second Initial Serial Number.
    pub large_second_initial_serial: Option<Bytes>,
}

/// Reason Code parameter: the code and, for [`reason::BY_USER`], the SS-user's data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReasonCode {
    /// The code (see [`reason`]).
    pub code: u8,
    /// The octets after the code (the refusing user's data).
    pub user_data: Bytes,
}

/// Every parameter an SPDU of this subset may carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// Connection Identifier (CN, AC, RF).
    pub connection_id: Option<ConnectionId>,
    /// Connect/Accept Item (CN, AC).
    pub connect_accept: Option<ConnectAccept>,
    /// Token Item (AC, GT, PT).
    pub token_item: Option<u8>,
    /// Transport Disconnect (RF, FN, AB): bit 1 set = release the transport connection.
    pub transport_disconnect: Option<u8>,
    /// Session User Requirements (CN, AC, RF): functional units, see [`fu`].
    pub requirements: Option<u16>,
    /// Version Number outside the Connect/Accept Item (RF).
    pub version: Option<u8>,
    /// Enclosure Item (segmenting; we never segment, but decode it).
    pub enclosure: Option<u8>,
    /// Reflect Parameter Values (AB).
    pub reflect: Option<Bytes>,
    /// Reason Code (RF).
    pub reason: Option<ReasonCode>,
    /// Calling Session Selector (CN, AC).
    pub calling_ssel: Option<Bytes>,
    /// Called (CN) or Responding (AC) Session Selector.
    pub called_ssel: Option<Bytes>,
    /// Data Overflow (CN).
    pub data_overflow: Option<u8>,
    /// User Data.
    pub user_data: Option<Bytes>,
    /// Extended User Data (CN, version 2, more than 512 octets of connect data).
    pub extended_user_data: Option<Bytes>,
    /// Parameters this codec does not know, in order of appearance.
    pub other: Vec<(u8, Bytes)>,
}

impl Params {
    /// User Data or Extended User Data, whichever is present.
    pub fn data(&self) -> Option<&Bytes> {
        self.user_data.as_ref().or(self.extended_user_data.as_ref())
    }
    /// The functional units proposed, with the §8.3.1.16 default when absent.
    pub fn requirements_or_default(&self) -> u16 {
        self.requirements.unwrap_or(fu::ABSENT_DEFAULT)
    }
}

/// One SPDU. `info` is the user information of a DT (which follows the parameters and is
/// not counted in the length indicator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spdu {
    /// Which SPDU.
    pub kind: Kind,
    /// Its parameters.
    pub params: Params,
    /// DT user information; empty for other SPDUs.
    pub info: Bytes,
}

impl Spdu {
    /// An SPDU of `kind` with no parameters.
    pub fn new(kind: Kind) -> Self {
        Spdu {
            kind,
            params: Params::default(),
            info: Bytes::new(),
        }
    }
}

/// Why an SPDU was refused or out of place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The input ends inside an SPDU.
    #[error("SPDU truncated")]
    Truncated,
    /// An SPDU identifier outside this subset.
    #[error("unknown or unsupported SPDU identifier {0}")]
    UnknownSi(u8),
    /// A parameter with an invalid length or value.
    #[error("invalid parameter {0}")]
    BadParam(u8),
    /// A category 0 SPDU followed by something other than a DT, or a lone DT.
    #[error("invalid SPDU concatenation")]
    Concatenation,
    /// An SPDU the current state does not allow.
    #[error("unexpected {what} in state {state:?}")]
    Unexpected {
        /// What arrived.
        what: &'static str,
        /// The state.
        state: SessionState,
    },
    /// More connect user data than X.225 version 2 allows (10240 octets).
    #[error("connect user data of {0} octets exceeds 10240")]
    UserDataTooLong(usize),
}

impl SessionError {
    /// §7.9 S-P-ABORT: every session protocol error aborts the connection with an AB that
    /// releases the transport connection (the driver closes it after sending).
    pub fn abort(&self) -> Spdu {
        let mut ab = Spdu::new(Kind::Ab);
        // Transport Disconnect: bit 1 release, bit 2 user abort (0 = provider abort),
        // bit 3 protocol error.
        ab.params.transport_disconnect = Some(0x01 | 0x04);
        ab
    }
}

/// Reads a length in the X.225 form; returns (length, octets used).
fn read_len(b: &[u8]) -> Result<(usize, usize), SessionError> {
    match b.first() {
        None => Err(SessionError::Truncated),
        Some(0xff) => match (b.get(1), b.get(2)) {
            (Some(&h), Some(&l)) => Ok((usize::from(u16::from_be_bytes([h, l])), 3)),
            _ => Err(SessionError::Truncated),
        },
        Some(&n) => Ok((usize::from(n), 1)),
    }
}

fn put_len(out: &mut BytesMut, len: usize) {
    if len < 255 {
        out.put_u8(len as u8);
    } else {
        out.put_u8(0xff);
        // Values above 65535 cannot be expressed; encoders never produce them because the
        // state machine bounds user data first.
        out.put_u16(u16::try_from(len).unwrap_or(u16::MAX));
    }
}

/// Splits a parameter field into (code, value) units.
fn units(mut b: &[u8]) -> Result<Vec<(u8, &[u8])>, SessionError> {
    let mut out = Vec::new();
    while let Some((&code, rest)) = b.split_first() {
        let (len, ll) = read_len(rest).map_err(|_| SessionError::BadParam(code))?;
        let v = rest.get(ll..ll + len).ok_or(SessionError::BadParam(code))?;
        out.push((code, v));
        b = rest.get(ll + len..).unwrap_or_default();
    }
    Ok(out)
}

fn one(code: u8, v: &[u8]) -> Result<u8, SessionError> {
    match v {
        [x] => Ok(*x),
        _ => Err(SessionError::BadParam(code)),
    }
}

fn bytes(v: &[u8]) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(v))
}

fn parse_params(b: &[u8]) -> Result<Params, SessionError> {
    let mut p = Params::default();
    for (code, v) in units(b)? {
        match code {
            pi::CONNECTION_ID => {
                let mut c = ConnectionId::default();
                for (sub, sv) in units(v)? {
                    match sub {
                        pi::CALLED_REF => c.called_ref = bytes(sv),
                        pi::CALLING_REF => c.calling_ref = bytes(sv),
                        pi::COMMON_REF => c.common_ref = bytes(sv),
                        pi::ADDITIONAL_REF => c.additional_ref = bytes(sv),
                        _ => return Err(SessionError::BadParam(sub)),
                    }
                }
                p.connection_id = Some(c);
            }
            pi::CONNECT_ACCEPT => {
                let mut c = ConnectAccept::default();
                for (sub, sv) in units(v)? {
                    match sub {
                        pi::PROTOCOL_OPTIONS => c.protocol_options = Some(one(sub, sv)?),
                        pi::TSDU_MAX => {
                            if sv.len() != 4 {
                                return Err(SessionError::BadParam(sub));
                            }
                            c.tsdu_max = bytes(sv);
                        }
                        pi::VERSION => c.version = Some(one(sub, sv)?),
                        pi::INITIAL_SERIAL => c.initial_serial = bytes(sv),
                        pi::TOKEN_SETTING => c.token_setting = Some(one(sub, sv)?),
                        pi::SECOND_INITIAL_SERIAL => c.second_initial_serial = bytes(sv),
                        pi::UPPER_LIMIT_SERIAL => c.upper_limit_serial = bytes(sv),
                        pi::LARGE_INITIAL_SERIAL => c.large_initial_serial = bytes(sv),
                        pi::LARGE_SECOND_INITIAL_SERIAL => {
                            c.large_second_initial_serial = bytes(sv)
                        }
                        _ => return Err(SessionError::BadParam(sub)),
                    }
                }
                p.connect_accept = Some(c);
            }
            pi::TOKEN_ITEM => p.token_item = Some(one(code, v)?),
            pi::TRANSPORT_DISCONNECT => p.transport_disconnect = Some(one(code, v)?),
            pi::REQUIREMENTS => match v {
                [h, l] => p.requirements = Some(u16::from_be_bytes([*h, *l])),
                _ => return Err(SessionError::BadParam(code)),
            },
            pi::VERSION => p.version = Some(one(code, v)?),
            pi::ENCLOSURE => p.enclosure = Some(one(code, v)?),
            pi::REFLECT => p.reflect = bytes(v),
            pi::REASON => {
                let (&c, rest) = v.split_first().ok_or(SessionError::BadParam(code))?;
                p.reason = Some(ReasonCode {
                    code: c,
                    user_data: Bytes::copy_from_slice(rest),
                });
            }
            pi::CALLING_SSEL => {
                // §8.3.1.19: selectors are at most 16 octets.
                if v.len() > 16 {
                    return Err(SessionError::BadParam(code));
                }
                p.calling_ssel = bytes(v);
            }
            pi::CALLED_SSEL => {
                if v.len() > 16 {
                    return Err(SessionError::BadParam(code));
                }
                p.called_ssel = bytes(v);
            }
            pi::DATA_OVERFLOW => p.data_overflow = Some(one(code, v)?),
            pi::USER_DATA => p.user_data = bytes(v),
            pi::EXTENDED_USER_DATA => p.extended_user_data = bytes(v),
            _ => p.other.push((code, Bytes::copy_from_slice(v))),
        }
    }
    Ok(p)
}

fn put_unit(out: &mut BytesMut, code: u8, v: &[u8]) {
    out.put_u8(code);
    put_len(out, v.len());
    out.extend_from_slice(v);
}

fn put_opt(out: &mut BytesMut, code: u8, v: &Option<Bytes>) {
    if let Some(v) = v {
        put_unit(out, code, v);
    }
}

fn encode_params(p: &Params, out: &mut BytesMut) {
    if let Some(c) = &p.connection_id {
        let mut g = BytesMut::new();
        put_opt(&mut g, pi::CALLED_REF, &c.called_ref);
        put_opt(&mut g, pi::CALLING_REF, &c.calling_ref);
        put_opt(&mut g, pi::COMMON_REF, &c.common_ref);
        put_opt(&mut g, pi::ADDITIONAL_REF, &c.additional_ref);
        put_unit(out, pi::CONNECTION_ID, &g);
    }
    if let Some(c) = &p.connect_accept {
        let mut g = BytesMut::new();
        if let Some(v) = c.protocol_options {
            put_unit(&mut g, pi::PROTOCOL_OPTIONS, &[v]);
        }
        put_opt(&mut g, pi::TSDU_MAX, &c.tsdu_max);
        if let Some(v) = c.version {
            put_unit(&mut g, pi::VERSION, &[v]);
        }
        put_opt(&mut g, pi::INITIAL_SERIAL, &c.initial_serial);
        if let Some(v) = c.token_setting {
            put_unit(&mut g, pi::TOKEN_SETTING, &[v]);
        }
        put_opt(&mut g, pi::SECOND_INITIAL_SERIAL, &c.second_initial_serial);
        put_opt(&mut g, pi::UPPER_LIMIT_SERIAL, &c.upper_limit_serial);
        put_opt(&mut g, pi::LARGE_INITIAL_SERIAL, &c.large_initial_serial);
        put_opt(
            &mut g,
            pi::LARGE_SECOND_INITIAL_SERIAL,
            &c.large_second_initial_serial,
        );
        put_unit(out, pi::CONNECT_ACCEPT, &g);
    }
    if let Some(v) = p.token_item {
        put_unit(out, pi::TOKEN_ITEM, &[v]);
    }
    if let Some(v) = p.transport_disconnect {
        put_unit(out, pi::TRANSPORT_DISCONNECT, &[v]);
    }
    if let Some(v) = p.requirements {
        put_unit(out, pi::REQUIREMENTS, &v.to_be_bytes());
    }
    if let Some(v) = p.version {
        put_unit(out, pi::VERSION, &[v]);
    }
    if let Some(v) = p.enclosure {
        put_unit(out, pi::ENCLOSURE, &[v]);
    }
    put_opt(out, pi::REFLECT, &p.reflect);
    if let Some(r) = &p.reason {
        let mut v = Vec::with_capacity(1 + r.user_data.len());
        v.push(r.code);
        v.extend_from_slice(&r.user_data);
        put_unit(out, pi::REASON, &v);
    }
    put_opt(out, pi::CALLING_SSEL, &p.calling_ssel);
    put_opt(out, pi::CALLED_SSEL, &p.called_ssel);
    if let Some(v) = p.data_overflow {
        put_unit(out, pi::DATA_OVERFLOW, &[v]);
    }
    for (c, v) in &p.other {
        put_unit(out, *c, v);
    }
    put_opt(out, pi::USER_DATA, &p.user_data);
    put_opt(out, pi::EXTENDED_USER_DATA, &p.extended_user_data);
}

/// Decodes one SPDU at the start of a TSDU (`first = true`: code 1 is GT) or after a
/// category 0 SPDU (`first = false`: code 1 is DT, whose user information is the rest of
/// `buf`). `Ok(None)` when `buf` ends inside the SPDU's parameters.
pub fn decode_one(buf: &[u8], first: bool) -> Result<Option<(Spdu, usize)>, SessionError> {
    let Some(&code) = buf.first() else {
        return Ok(None);
    };
    let (li, ll) = match read_len(buf.get(1..).unwrap_or_default()) {
        Ok(v) => v,
        Err(_) => return Ok(None),
    };
    let Some(pbytes) = buf.get(1 + ll..1 + ll + li) else {
        return Ok(None);
    };
    let used = 1 + ll + li;
    let kind = match (code, first) {
        (si::CN, true) => Kind::Cn,
        (si::AC, true) => Kind::Ac,
        (si::RF, true) => Kind::Rf,
        (si::FN, true) => Kind::Fn,
        (si::DN, true) => Kind::Dn,
        (si::NF, true) => Kind::Nf,
        (si::AB, true) => Kind::Ab,
        (si::AA, true) => Kind::Aa,
        (si::GT_DT, true) => Kind::Gt,
        (si::PT, true) => Kind::Pt,
        (si::GT_DT, false) => Kind::Dt,
        _ => return Err(SessionError::UnknownSi(code)),
    };
    let params = parse_params(pbytes)?;
    if kind == Kind::Dt {
        let info = Bytes::copy_from_slice(buf.get(used..).unwrap_or_default());
        return Ok(Some((Spdu { kind, params, info }, buf.len())));
    }
    Ok(Some((
        Spdu {
            kind,
            params,
            info: Bytes::new(),
        },
        used,
    )))
}

/// Decodes the first SPDU of a TSDU (see [`decode_one`]).
pub fn decode(buf: &[u8]) -> Result<Option<(Spdu, usize)>, SessionError> {
    decode_one(buf, true)
}

/// Decodes a whole TSDU: one category 1 SPDU, or a category 0 SPDU optionally followed by a
/// DT (§6.3.7 basic concatenation). Anything else is a protocol error.
pub fn decode_tsdu(buf: &[u8]) -> Result<Vec<Spdu>, SessionError> {
    let (s, used) = decode_one(buf, true)?.ok_or(SessionError::Truncated)?;
    let rest = buf.get(used..).unwrap_or_default();
    let cat0 = matches!(s.kind, Kind::Gt | Kind::Pt);
    if rest.is_empty() {
        return Ok(vec![s]);
    }
    if !cat0 {
        return Err(SessionError::Concatenation);
    }
    let (d, _) = decode_one(rest, false)?.ok_or(SessionError::Truncated)?;
    Ok(vec![s, d])
}

/// Appends one SPDU (for a DT, its user information follows the parameters).
pub fn encode(s: &Spdu, out: &mut BytesMut) {
    let mut p = BytesMut::new();
    encode_params(&s.params, &mut p);
    out.put_u8(s.kind.si());
    put_len(out, p.len());
    out.extend_from_slice(&p);
    if s.kind == Kind::Dt {
        out.extend_from_slice(&s.info);
    }
}

/// A TSDU carrying `data` as normal data: an empty GT then a DT (§7.11.2: with no data token
/// in use the GT carries no Token Item).
pub fn encode_data(data: &[u8], out: &mut BytesMut) {
    out.extend_from_slice(&[si::GT_DT, 0, si::GT_DT, 0]);
    out.extend_from_slice(data);
}

/// Our role on the session connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We sent the CN.
    Initiator,
    /// We received the CN.
    Responder,
}

/// Session connection state (X.225 annex A, reduced to kernel + duplex).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// No connection.
    Idle,
    /// Initiator: CN sent.
    WaitAc,
    /// Responder: CN received, waiting for the user's answer.
    WaitAccept,
    /// Data transfer.
    Open,
    /// FN sent, waiting for DN.
    WaitDn,
    /// FN received, waiting for the user's release response.
    WaitRelease,
    /// Refused, released or aborted.
    Closed,
}

/// Initiator's connect request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectRequest {
    /// Calling session selector.
    pub calling_ssel: Option<Bytes>,
    /// Called session selector.
    pub called_ssel: Option<Bytes>,
    /// Connect user data (the CP PPDU).
    pub user_data: Bytes,
}

/// What the session user or the transport gives the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// A complete TSDU from the transport.
    Tsdu(Bytes),
    /// Initiator: connect.
    Connect(ConnectRequest),
    /// Responder: accept the pending CN with this user data.
    Accept(Bytes),
    /// Responder: refuse the pending CN with this reason code and user data.
    Refuse {
        /// Reason code (see [`reason`]).
        reason: u8,
        /// User data (only with [`reason::BY_USER`]).
        user_data: Bytes,
    },
    /// Send normal data.
    Data(Bytes),
    /// Start orderly release (FN).
    Release(Bytes),
    /// Answer a release indication (DN).
    ReleaseResponse(Bytes),
    /// User abort.
    Abort(Bytes),
}

/// What the machine asks of the driver or the session user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionAction {
    /// Send this TSDU.
    Send(Bytes),
    /// Responder: a CN arrived (its parameters, for the trace and selectors).
    ConnectIndication(Box<Params>),
    /// Initiator: the AC arrived with this user data.
    Accepted(Bytes),
    /// Initiator: RF with this reason and user data.
    Refused {
        /// Reason code.
        reason: u8,
        /// Refusing user's data.
        user_data: Bytes,
    },
    /// Normal data arrived.
    Data(Bytes),
    /// FN arrived: answer with `ReleaseResponse`.
    ReleaseIndication(Bytes),
    /// DN arrived.
    ReleaseConfirm(Bytes),
    /// AB arrived (user data, if any).
    AbortIndication(Bytes),
    /// Close the transport connection.
    CloseTransport,
}

/// The session state machine for one connection.
#[derive(Debug, Clone)]
pub struct Session {
    role: Role,
    state: SessionState,
    requirements: u16,
    version: u8,
    peer_cn: Option<Params>,
}

/// X.225 §8.3.1.21: version 2 allows up to 10240 octets of connect user data.
pub const MAX_CONNECT_DATA: usize = 10240;
/// Above this, CN user data travels in Extended User Data (§8.3.1.22).
pub const MAX_USER_DATA_V1: usize = 512;

impl Session {
    /// A fresh machine; limits are enforced below (TSDU size) so none are needed here.
    pub fn new(role: Role, _limits: &Limits) -> Self {
        Session {
            role,
            state: SessionState::Idle,
            requirements: 0,
            version: 2,
            peer_cn: None,
        }
    }

    /// Current state.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// Functional units in use after connection establishment.
    pub fn requirements(&self) -> u16 {
        self.requirements
    }

    fn unexpected(&self, what: &'static str) -> SessionError {
        SessionError::Unexpected {
            what,
            state: self.state,
        }
    }

    fn send(s: &Spdu) -> SessionAction {
        let mut b = BytesMut::new();
        encode(s, &mut b);
        SessionAction::Send(b.freeze())
    }

    /// The AC a responder sends for `cn`, given the chosen functional units: kernel plus
    /// duplex when proposed; everything else proposed (half-duplex, activity management,
    /// minor synchronize, exceptions, …) is declined by leaving its bit out (§7.1.2).
    pub fn accept_params(cn: &Params, user_data: Bytes) -> Params {
        let proposed = cn.requirements_or_default();
        let requirements = proposed & fu::SUPPORTED;
        let peer_version = cn
            .connect_accept
            .as_ref()
            .and_then(|c| c.version)
            .unwrap_or(1);
        let version = if peer_version & 0x02 != 0 { 2 } else { 1 };
        let cid = cn.connection_id.as_ref().map(|c| ConnectionId {
            called_ref: c.calling_ref.clone(),
            calling_ref: None,
            common_ref: c.common_ref.clone(),
            additional_ref: c.additional_ref.clone(),
        });
        Params {
            connection_id: cid,
            connect_accept: Some(ConnectAccept {
                protocol_options: Some(0),
                version: Some(version),
                ..ConnectAccept::default()
            }),
            requirements: Some(requirements),
            called_ssel: cn.called_ssel.clone(),
            user_data: Some(user_data),
            ..Params::default()
        }
    }

    /// Feeds one event; returns the actions in order.
    pub fn handle(&mut self, ev: SessionEvent) -> Result<Vec<SessionAction>, SessionError> {
        match ev {
            SessionEvent::Tsdu(b) => {
                let spdus = decode_tsdu(&b)?;
                let mut out = Vec::new();
                for s in spdus {
                    out.extend(self.incoming(s)?);
                }
                Ok(out)
            }
            SessionEvent::Connect(req) => {
                if self.state != SessionState::Idle || self.role != Role::Initiator {
                    return Err(self.unexpected("connect request"));
                }
                if req.user_data.len() > MAX_CONNECT_DATA {
                    return Err(SessionError::UserDataTooLong(req.user_data.len()));
                }
                let mut cn = Spdu::new(Kind::Cn);
                cn.params.connect_accept = Some(ConnectAccept {
                    protocol_options: Some(0),
                    version: Some(0x02),
                    ..ConnectAccept::default()
                });
                cn.params.requirements = Some(fu::SUPPORTED);
                cn.params.calling_ssel = req.calling_ssel;
                cn.params.called_ssel = req.called_ssel;
                if req.user_data.len() > MAX_USER_DATA_V1 {
                    cn.params.extended_user_data = Some(req.user_data);
                } else {
                    cn.params.user_data = Some(req.user_data);
                }
                self.state = SessionState::WaitAc;
                Ok(vec![Self::send(&cn)])
            }
            SessionEvent::Accept(user_data) => {
                if self.state != SessionState::WaitAccept {
                    return Err(self.unexpected("accept"));
                }
                let cn = self.peer_cn.take().unwrap_or_default();
                let mut ac = Spdu::new(Kind::Ac);
                ac.params = Self::accept_params(&cn, user_data);
                self.requirements = ac.params.requirements.unwrap_or(0);
                self.version = ac
                    .params
                    .connect_accept
                    .as_ref()
                    .and_then(|c| c.version)
                    .unwrap_or(1);
                self.state = SessionState::Open;
                Ok(vec![Self::send(&ac)])
            }
            SessionEvent::Refuse { reason, user_data } => {
                if self.state != SessionState::WaitAccept {
                    return Err(self.unexpected("refuse"));
                }
                let cn = self.peer_cn.take().unwrap_or_default();
                let mut rf = Spdu::new(Kind::Rf);
                rf.params.connection_id = cn.connection_id.map(|c| ConnectionId {
                    called_ref: c.calling_ref,
                    calling_ref: None,
                    common_ref: c.common_ref,
                    additional_ref: c.additional_ref,
                });
                rf.params.transport_disconnect = Some(1);
                rf.params.requirements =
                    Some(cn.requirements.unwrap_or(fu::ABSENT_DEFAULT) & fu::SUPPORTED);
                rf.params.reason = Some(ReasonCode {
                    code: reason,
                    user_data,
                });
                self.state = SessionState::Closed;
                Ok(vec![Self::send(&rf), SessionAction::CloseTransport])
            }
            SessionEvent::Data(d) => {
                if !matches!(self.state, SessionState::Open | SessionState::WaitRelease) {
                    return Err(self.unexpected("data request"));
                }
                let mut b = BytesMut::with_capacity(d.len() + 4);
                encode_data(&d, &mut b);
                Ok(vec![SessionAction::Send(b.freeze())])
            }
            SessionEvent::Release(d) => {
                if self.state != SessionState::Open {
                    return Err(self.unexpected("release request"));
                }
                let mut f = Spdu::new(Kind::Fn);
                f.params.transport_disconnect = Some(1);
                f.params.user_data = Some(d);
                self.state = SessionState::WaitDn;
                Ok(vec![Self::send(&f)])
            }
            SessionEvent::ReleaseResponse(d) => {
                if self.state != SessionState::WaitRelease {
                    return Err(self.unexpected("release response"));
                }
                let mut dn = Spdu::new(Kind::Dn);
                dn.params.user_data = Some(d);
                self.state = SessionState::Closed;
                // The FN's sender closes the transport after the DN (§7.8.3); we close too,
                // which TCP orders after the DN.
                Ok(vec![Self::send(&dn), SessionAction::CloseTransport])
            }
            SessionEvent::Abort(d) => {
                let mut ab = Spdu::new(Kind::Ab);
                // Bit 1: release the transport connection; bit 2: user abort.
                ab.params.transport_disconnect = Some(0x03);
                if !d.is_empty() {
                    ab.params.user_data = Some(d);
                }
                self.state = SessionState::Closed;
                Ok(vec![Self::send(&ab), SessionAction::CloseTransport])
            }
        }
    }

    fn incoming(&mut self, s: Spdu) -> Result<Vec<SessionAction>, SessionError> {
        let data = |p: &Params| p.data().cloned().unwrap_or_default();
        match (self.state, s.kind) {
            (SessionState::Idle, Kind::Cn) if self.role == Role::Responder => {
                let d = data(&s.params);
                if d.len() > MAX_CONNECT_DATA {
                    return Err(SessionError::UserDataTooLong(d.len()));
                }
                let v = s
                    .params
                    .connect_accept
                    .as_ref()
                    .and_then(|c| c.version)
                    .unwrap_or(1);
                if v & 0x03 == 0 {
                    return Err(SessionError::BadParam(pi::VERSION));
                }
                self.peer_cn = Some(s.params.clone());
                self.state = SessionState::WaitAccept;
                Ok(vec![SessionAction::ConnectIndication(Box::new(s.params))])
            }
            (SessionState::WaitAc, Kind::Ac) => {
                self.requirements = s.params.requirements_or_default();
                self.state = SessionState::Open;
                Ok(vec![SessionAction::Accepted(data(&s.params))])
            }
            (SessionState::WaitAc, Kind::Rf) => {
                self.state = SessionState::Closed;
                let r = s.params.reason.unwrap_or_default();
                Ok(vec![
                    SessionAction::Refused {
                        reason: r.code,
                        user_data: r.user_data,
                    },
                    SessionAction::CloseTransport,
                ])
            }
            (SessionState::Open | SessionState::WaitDn, Kind::Gt) => {
                // No tokens exist with kernel + duplex; an empty GT only prefixes a DT.
                if s.params.token_item.is_some() {
                    return Err(SessionError::BadParam(pi::TOKEN_ITEM));
                }
                Ok(vec![])
            }
            (SessionState::Open | SessionState::WaitDn, Kind::Dt) => {
                Ok(vec![SessionAction::Data(s.info)])
            }
            (SessionState::Open, Kind::Fn) => {
                self.state = SessionState::WaitRelease;
                Ok(vec![SessionAction::ReleaseIndication(data(&s.params))])
            }
            (SessionState::WaitDn, Kind::Dn) => {
                self.state = SessionState::Closed;
                Ok(vec![
                    SessionAction::ReleaseConfirm(data(&s.params)),
                    SessionAction::CloseTransport,
                ])
            }
            (_, Kind::Ab) => {
                self.state = SessionState::Closed;
                Ok(vec![
                    SessionAction::AbortIndication(data(&s.params)),
                    SessionAction::CloseTransport,
                ])
            }
            (SessionState::Closed, Kind::Aa) => Ok(vec![]),
            (_, k) => Err(self.unexpected(k.name())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osi::test_hex as hex;
    use proptest::prelude::*;

    #[test]
    fn finish_and_disconnect_bytes() {
        // FN with Transport Disconnect 1 and user data, as an MTA sends it.
        let b = hex("0913110101c10e610c300a020101a0056203800100");
        let v = decode_tsdu(&b).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, Kind::Fn);
        assert_eq!(v[0].params.transport_disconnect, Some(1));
        assert_eq!(v[0].params.user_data.as_ref().unwrap().len(), 14);
        let mut out = BytesMut::new();
        encode(&v[0], &mut out);
        assert_eq!(&out[..], &b[..]);
    }

    #[test]
    fn gt_dt_concatenation() {
        let b = [1, 0, 1, 0, 0x61, 0x00];
        let v = decode_tsdu(&b).unwrap();
        assert_eq!(v[0].kind, Kind::Gt);
        assert_eq!(v[1].kind, Kind::Dt);
        assert_eq!(&v[1].info[..], &[0x61, 0]);
        let mut out = BytesMut::new();
        encode_data(&[0x61, 0], &mut out);
        assert_eq!(&out[..], &b[..]);
        // A category 1 SPDU cannot be followed by anything.
        assert_eq!(decode_tsdu(&[9, 0, 1, 0]), Err(SessionError::Concatenation));
    }

    #[test]
    fn long_lengths() {
        let mut s = Spdu::new(Kind::Cn);
        s.params.extended_user_data = Some(Bytes::from(vec![7u8; 3000]));
        let mut out = BytesMut::new();
        encode(&s, &mut out);
        assert_eq!(out[1], 0xff);
        let (d, used) = decode(&out).unwrap().unwrap();
        assert_eq!(used, out.len());
        assert_eq!(d, s);
    }

    #[test]
    fn responder_declines_unsupported_units() {
        let mut cn = Params {
            requirements: Some(fu::HALF_DUPLEX | fu::ACTIVITY | fu::MINOR_SYNC | fu::EXCEPTIONS),
            connect_accept: Some(ConnectAccept {
                version: Some(2),
                ..Default::default()
            }),
            ..Params::default()
        };
        let ac = Session::accept_params(&cn, Bytes::new());
        assert_eq!(ac.requirements, Some(0));
        cn.requirements = Some(fu::HALF_DUPLEX | fu::DUPLEX | fu::EXPEDITED);
        let ac = Session::accept_params(&cn, Bytes::new());
        assert_eq!(ac.requirements, Some(fu::DUPLEX));
    }

    #[test]
    fn truncated_and_garbage() {
        assert_eq!(decode(&[13, 10, 1]).unwrap(), None);
        assert_eq!(decode(&[0x77, 0]), Err(SessionError::UnknownSi(0x77)));
        assert_eq!(decode(&[13, 3, 20, 5, 1]), Err(SessionError::BadParam(20)));
        assert!(decode_tsdu(&[]).is_err());
    }

    fn ob(max: usize) -> impl Strategy<Value = Option<Bytes>> {
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from))
    }

    prop_compose! {
        fn arb_params()(
            cid in proptest::option::of((ob(20), ob(20), ob(20), ob(5)).prop_map(|(a, b, c, d)| ConnectionId {
                called_ref: a, calling_ref: b, common_ref: c, additional_ref: d })),
            ca in proptest::option::of((proptest::option::of(any::<u8>()), proptest::option::of(any::<u8>()), proptest::option::of(any::<u8>()), ob(6))
                .prop_map(|(p, v, t, s)| ConnectAccept { protocol_options: p, version: v, token_setting: t, initial_serial: s, ..Default::default() })),
            td in proptest::option::of(any::<u8>()),
            req in proptest::option::of(any::<u16>()),
            reason in proptest::option::of((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..300))
                .prop_map(|(c, d)| ReasonCode { code: c, user_data: Bytes::from(d) })),
            cs in ob(16), ds in ob(16), ud in ob(600),
        ) -> Params {
            Params { connection_id: cid, connect_accept: ca, transport_disconnect: td, requirements: req,
                reason, calling_ssel: cs, called_ssel: ds, user_data: ud, ..Params::default() }
        }
    }

    proptest! {
        #[test]
        fn roundtrip(kind in prop_oneof![Just(Kind::Cn), Just(Kind::Ac), Just(Kind::Rf), Just(Kind::Fn),
                Just(Kind::Dn), Just(Kind::Ab), Just(Kind::Aa)], params in arb_params()) {
            let s = Spdu { kind, params, info: Bytes::new() };
            let mut out = BytesMut::new();
            encode(&s, &mut out);
            let v = decode_tsdu(&out).unwrap();
            prop_assert_eq!(v, vec![s]);
        }

        #[test]
        fn data_roundtrip(d in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut out = BytesMut::new();
            encode_data(&d, &mut out);
            let v = decode_tsdu(&out).unwrap();
            prop_assert_eq!(&v[1].info[..], &d[..]);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_tsdu(&b);
            let mut s = Session::new(Role::Responder, &Limits::default());
            let _ = s.handle(SessionEvent::Tsdu(Bytes::from(b)));
        }
    }
}
