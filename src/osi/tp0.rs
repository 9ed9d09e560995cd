//! ISO 8073 / X.224 class 0 over RFC 1006: CR, CC, DR, DT, ER TPDUs (§13), TSDU reassembly
//! from DTs up to EOT, TPDU-size negotiation. Class 0 has no disconnect phase: DR only refuses
//! a CR, and a connection ends when the TCP connection closes.

use bytes::{BufMut, Bytes, BytesMut};

use crate::osi::Limits;

/// TPDU codes (ISO 8073 §13.1, high nibble of the second octet).
pub mod code {
    /// Connection request.
    pub const CR: u8 = 0xe0;
    /// Connection confirm.
    pub const CC: u8 = 0xd0;
    /// Disconnect request.
    pub const DR: u8 = 0x80;
    /// Data.
    pub const DT: u8 = 0xf0;
    /// TPDU error.
    pub const ER: u8 = 0x70;
}

/// Parameter codes in the variable part (ISO 8073 §13.3.4, §13.5.3, §13.12.3).
pub mod param {
    /// TPDU size (one octet: log2 of the size).
    pub const TPDU_SIZE: u8 = 0xc0;
    /// Calling transport selector.
    pub const CALLING_TSEL: u8 = 0xc1;
    /// Called / responding transport selector.
    pub const CALLED_TSEL: u8 = 0xc2;
    /// Preferred maximum TPDU size (multiples of 128 octets).
    pub const PREFERRED_MAX_TPDU_SIZE: u8 = 0xf0;
    /// Invalid TPDU (in ER).
    pub const INVALID_TPDU: u8 = 0xc1;
    /// Additional information (in DR).
    pub const ADDITIONAL_INFO: u8 = 0xe0;
}

/// CR and CC fields (the same layout, §13.3 and §13.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connect {
    /// Destination reference (0 in a CR).
    pub dst_ref: u16,
    /// Source reference.
    pub src_ref: u16,
    /// Class and options octet (class in the high nibble; 0 here).
    pub class_option: u8,
    /// Calling transport selector.
    pub calling_tsel: Option<Bytes>,
    /// Called (CR) or responding (CC) transport selector.
    pub called_tsel: Option<Bytes>,
    /// TPDU size code (7 = 128 … 13 = 8192).
    pub tpdu_size: Option<u8>,
    /// Preferred maximum TPDU size parameter, kept as sent.
    pub preferred_max_tpdu_size: Option<Bytes>,
    /// Parameters this codec does not interpret, in order; ignored as §13.2.3 requires for
    /// class 0, kept so a trace can show them.
    pub other: Vec<(u8, Bytes)>,
}

/// One TPDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tpdu {
    /// Connection request.
    Cr(Connect),
    /// Connection confirm.
    Cc(Connect),
    /// Disconnect request: in class 0 only the refusal of a CR.
    Dr {
        /// Destination reference.
        dst_ref: u16,
        /// Source reference.
        src_ref: u16,
        /// Reason (§13.5.3 e).
        reason: u8,
        /// Additional information parameter.
        info: Option<Bytes>,
    },
    /// Data; `eot` marks the last DT of a TSDU.
    Dt {
        /// End of TSDU.
        eot: bool,
        /// User data.
        data: Bytes,
    },
    /// TPDU error.
    Er {
        /// Destination reference.
        dst_ref: u16,
        /// Reject cause: 0 unspecified, 1 invalid parameter code, 2 invalid TPDU type,
        /// 3 invalid parameter value.
        cause: u8,
        /// The offending TPDU's header, when sent.
        invalid: Option<Bytes>,
    },
}

/// Why a TPDU was refused or a transport event was out of place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Tp0Error {
    /// Fewer octets than the header says.
    #[error("TPDU truncated")]
    Truncated,
    /// Length indicator inconsistent with the TPDU type or above 254.
    #[error("bad length indicator {0}")]
    BadLi(u8),
    /// Unknown or class-0-forbidden TPDU code.
    #[error("invalid TPDU type 0x{0:02x}")]
    BadCode(u8),
    /// A parameter whose value is malformed.
    #[error("invalid value for parameter 0x{0:02x}")]
    BadParam(u8),
    /// The peer proposed only classes other than 0.
    #[error("class {0} not supported")]
    Class(u8),
    /// A reassembled TSDU exceeds the configured limit.
    #[error("TSDU longer than {0} octets")]
    TsduTooLong(usize),
    /// A TPDU or request that the current state does not allow.
    #[error("unexpected {what} in state {state:?}")]
    Unexpected {
        /// What arrived.
        what: &'static str,
        /// The state it arrived in.
        state: Tp0State,
    },
}

/// What the transport layer does about an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tp0Abort {
    /// Send this ER, then close the transport connection.
    Error(Tpdu),
    /// Close the transport connection (class 0 has no disconnect TPDU once connected).
    CloseTransport,
}

impl Tp0Error {
    /// The abort this error maps to: malformed TPDUs are answered with an ER naming the
    /// cause (ISO 8073 §6.6), anything else closes the transport connection.
    pub fn abort(&self, dst_ref: u16) -> Tp0Abort {
        let cause = match self {
            Tp0Error::BadCode(_) => 2,
            Tp0Error::BadParam(_) | Tp0Error::BadLi(_) => 3,
            Tp0Error::Truncated => 0,
            _ => return Tp0Abort::CloseTransport,
        };
        Tp0Abort::Error(Tpdu::Er {
            dst_ref,
            cause,
            invalid: None,
        })
    }
}

fn be16(b: &[u8], at: usize) -> Result<u16, Tp0Error> {
    match (b.get(at), b.get(at + 1)) {
        (Some(&h), Some(&l)) => Ok(u16::from_be_bytes([h, l])),
        _ => Err(Tp0Error::Truncated),
    }
}

/// Splits a variable part into (code, value) parameters.
fn params(mut v: &[u8]) -> Result<Vec<(u8, Bytes)>, Tp0Error> {
    let mut out = Vec::new();
    while let Some((&c, rest)) = v.split_first() {
        let (&len, rest) = rest.split_first().ok_or(Tp0Error::BadParam(c))?;
        let val = rest.get(..usize::from(len)).ok_or(Tp0Error::BadParam(c))?;
        out.push((c, Bytes::copy_from_slice(val)));
        v = rest.get(usize::from(len)..).unwrap_or_default();
    }
    Ok(out)
}

/// Decodes the TPDU that fills `buf` (one TPKT payload; class 0 never concatenates TPDUs).
/// `Ok(None)` when `buf` is shorter than its length indicator says.
pub fn decode(buf: &[u8]) -> Result<Option<(Tpdu, usize)>, Tp0Error> {
    let Some(&li) = buf.first() else {
        return Ok(None);
    };
    if li == 255 {
        return Err(Tp0Error::BadLi(li));
    }
    let Some(header) = buf.get(1..=usize::from(li)) else {
        return Ok(None);
    };
    let Some(&c) = header.first() else {
        return Err(Tp0Error::BadLi(li));
    };
    let tpdu = match c & 0xf0 {
        code::CR | code::CC => {
            if li < 6 {
                return Err(Tp0Error::BadLi(li));
            }
            let dst_ref = be16(header, 1)?;
            let src_ref = be16(header, 3)?;
            let class_option = *header.get(5).ok_or(Tp0Error::Truncated)?;
            let mut conn = Connect {
                dst_ref,
                src_ref,
                class_option,
                ..Connect::default()
            };
            for (p, v) in params(header.get(6..).unwrap_or_default())? {
                match p {
                    param::CALLING_TSEL => conn.calling_tsel = Some(v),
                    param::CALLED_TSEL => conn.called_tsel = Some(v),
                    param::TPDU_SIZE => {
                        let [s] = v[..] else {
                            return Err(Tp0Error::BadParam(p));
                        };
                        if !(7..=13).contains(&s) {
                            return Err(Tp0Error::BadParam(p));
                        }
                        conn.tpdu_size = Some(s);
                    }
                    param::PREFERRED_MAX_TPDU_SIZE => conn.preferred_max_tpdu_size = Some(v),
                    _ => conn.other.push((p, v)),
                }
            }
            if c & 0xf0 == code::CR {
                Tpdu::Cr(conn)
            } else {
                Tpdu::Cc(conn)
            }
        }
        code::DR => {
            if li < 6 {
                return Err(Tp0Error::BadLi(li));
            }
            let mut info = None;
            for (p, v) in params(header.get(6..).unwrap_or_default())? {
                if p == param::ADDITIONAL_INFO {
                    info = Some(v);
                }
            }
            Tpdu::Dr {
                dst_ref: be16(header, 1)?,
                src_ref: be16(header, 3)?,
                reason: *header.get(5).ok_or(Tp0Error::Truncated)?,
                info,
            }
        }
        code::DT => {
            // Class 0 DT: LI 2, code, EOT + TPDU-NR; user data is the rest of the packet.
            if li != 2 || c != code::DT {
                return Err(Tp0Error::BadLi(li));
            }
            let nr = *header.get(1).ok_or(Tp0Error::Truncated)?;
            let data = buf.get(3..).unwrap_or_default();
            return Ok(Some((
                Tpdu::Dt {
                    eot: nr & 0x80 != 0,
                    data: Bytes::copy_from_slice(data),
                },
                buf.len(),
            )));
        }
        code::ER => {
            if li < 4 {
                return Err(Tp0Error::BadLi(li));
            }
            let mut invalid = None;
            for (p, v) in params(header.get(4..).unwrap_or_default())? {
                if p == param::INVALID_TPDU {
                    invalid = Some(v);
                }
            }
            Tpdu::Er {
                dst_ref: be16(header, 1)?,
                cause: *header.get(3).ok_or(Tp0Error::Truncated)?,
                invalid,
            }
        }
        _ => return Err(Tp0Error::BadCode(c)),
    };
    // Only DT carries user data in class 0; anything after the header is ignored (a CR's
    // user data is not allowed in class 0, and real stacks never send it).
    Ok(Some((tpdu, buf.len())))
}

fn put_param(out: &mut Vec<u8>, code: u8, v: &[u8]) {
    // Parameter lengths are one octet; longer values cannot be represented.
    let len = v.len().min(255);
    out.push(code);
    out.push(len as u8);
    out.extend_from_slice(v.get(..len).unwrap_or_default());
}

/// Appends the TPDU (without TPKT framing).
pub fn encode(t: &Tpdu, out: &mut BytesMut) {
    let mut h: Vec<u8> = Vec::with_capacity(32);
    match t {
        Tpdu::Cr(c) | Tpdu::Cc(c) => {
            h.push(if matches!(t, Tpdu::Cr(_)) {
                code::CR
            } else {
                code::CC
            });
            h.extend_from_slice(&c.dst_ref.to_be_bytes());
            h.extend_from_slice(&c.src_ref.to_be_bytes());
            h.push(c.class_option);
            if let Some(v) = &c.calling_tsel {
                put_param(&mut h, param::CALLING_TSEL, v);
            }
            if let Some(v) = &c.called_tsel {
                put_param(&mut h, param::CALLED_TSEL, v);
            }
            if let Some(s) = c.tpdu_size {
                put_param(&mut h, param::TPDU_SIZE, &[s]);
            }
            if let Some(v) = &c.preferred_max_tpdu_size {
                put_param(&mut h, param::PREFERRED_MAX_TPDU_SIZE, v);
            }
            for (p, v) in &c.other {
                put_param(&mut h, *p, v);
            }
        }
        Tpdu::Dr {
            dst_ref,
            src_ref,
            reason,
            info,
        } => {
            h.push(code::DR);
            h.extend_from_slice(&dst_ref.to_be_bytes());
            h.extend_from_slice(&src_ref.to_be_bytes());
            h.push(*reason);
            if let Some(v) = info {
                put_param(&mut h, param::ADDITIONAL_INFO, v);
            }
        }
        Tpdu::Dt { eot, data } => {
            out.put_u8(2);
            out.put_u8(code::DT);
            out.put_u8(if *eot { 0x80 } else { 0 });
            out.extend_from_slice(data);
            return;
        }
        Tpdu::Er {
            dst_ref,
            cause,
            invalid,
        } => {
            h.push(code::ER);
            h.extend_from_slice(&dst_ref.to_be_bytes());
            h.push(*cause);
            if let Some(v) = invalid {
                put_param(&mut h, param::INVALID_TPDU, v);
            }
        }
    }
    // The LI cannot exceed 254; the header built above stays far below that unless a caller
    // put huge unknown parameters in, which are then cut off by the truncation below.
    let li = h.len().min(254);
    out.put_u8(li as u8);
    out.extend_from_slice(h.get(..li).unwrap_or_default());
}

/// Our side of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We sent the CR.
    Initiator,
    /// We received the CR.
    Responder,
}

/// Connection state (ISO 8073 §6 class 0 state table, reduced to what class 0 uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tp0State {
    /// Nothing sent or received.
    Idle,
    /// Initiator: CR sent.
    WaitCc,
    /// Responder: CR received, waiting for the user to accept or refuse.
    WaitAccept,
    /// Data transfer.
    Open,
    /// Refused or errored: only closing the transport remains.
    Closed,
}

/// What the transport user or the network asks of the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tp0Event {
    /// A TPDU from the peer.
    Incoming(Tpdu),
    /// Initiator: open with these selectors.
    Connect {
        /// Calling T-selector.
        calling: Option<Bytes>,
        /// Called T-selector.
        called: Option<Bytes>,
    },
    /// Responder: accept the pending CR.
    Accept,
    /// Responder: refuse the pending CR with this DR reason.
    Refuse(u8),
    /// Send one TSDU.
    Data(Bytes),
}

/// What the machine asks the driver or the transport user to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tp0Action {
    /// Send this TPDU (framed in a TPKT).
    Send(Tpdu),
    /// Responder: a CR arrived; answer with `Accept` or `Refuse`.
    ConnectIndication(Connect),
    /// The connection is open (initiator: CC received; responder: CC sent).
    Connected,
    /// A complete TSDU arrived.
    Tsdu(Bytes),
    /// Initiator: the CR was refused with this reason.
    Refused(u8),
    /// Close the TCP connection.
    Close,
}

/// The class-0 state machine for one transport connection.
#[derive(Debug, Clone)]
pub struct Tp0 {
    role: Role,
    state: Tp0State,
    local_ref: u16,
    remote_ref: u16,
    /// Largest DT user data we send: negotiated TPDU size minus the 3-octet DT header.
    send_max: usize,
    reassembly: BytesMut,
    limits: Limits,
    peer_cr: Option<Connect>,
}

/// Size in octets of a TPDU size code.
pub fn tpdu_size(code: u8) -> usize {
    1usize << code.clamp(7, 13)
}

impl Tp0 {
    /// A fresh machine for `role`; `local_ref` is our source reference.
    pub fn new(role: Role, local_ref: u16, limits: Limits) -> Self {
        Tp0 {
            role,
            state: Tp0State::Idle,
            local_ref,
            remote_ref: 0,
            send_max: tpdu_size(7) - 3,
            reassembly: BytesMut::new(),
            limits,
            peer_cr: None,
        }
    }

    /// Current state.
    pub fn state(&self) -> Tp0State {
        self.state
    }

    /// The peer's reference, for ER TPDUs.
    pub fn remote_ref(&self) -> u16 {
        self.remote_ref
    }

    /// Largest DT payload this side sends.
    pub fn send_max(&self) -> usize {
        self.send_max
    }

    fn unexpected(&self, what: &'static str) -> Tp0Error {
        Tp0Error::Unexpected {
            what,
            state: self.state,
        }
    }

    /// Feeds one event; returns the actions in order.
    pub fn handle(&mut self, ev: Tp0Event) -> Result<Vec<Tp0Action>, Tp0Error> {
        match ev {
            Tp0Event::Connect { calling, called } => {
                if self.state != Tp0State::Idle || self.role != Role::Initiator {
                    return Err(self.unexpected("connect request"));
                }
                self.state = Tp0State::WaitCc;
                Ok(vec![Tp0Action::Send(Tpdu::Cr(Connect {
                    dst_ref: 0,
                    src_ref: self.local_ref,
                    class_option: 0,
                    calling_tsel: calling,
                    called_tsel: called,
                    tpdu_size: Some(self.limits.tpdu_size_code),
                    ..Connect::default()
                }))])
            }
            Tp0Event::Accept => {
                if self.state != Tp0State::WaitAccept {
                    return Err(self.unexpected("accept"));
                }
                let cr = self.peer_cr.take().unwrap_or_default();
                // §14.6: the responder may lower the proposed size; absent means 128.
                let size = cr.tpdu_size.unwrap_or(7).min(self.limits.tpdu_size_code);
                self.send_max = tpdu_size(size) - 3;
                self.state = Tp0State::Open;
                Ok(vec![
                    Tp0Action::Send(Tpdu::Cc(Connect {
                        dst_ref: cr.src_ref,
                        src_ref: self.local_ref,
                        class_option: 0,
                        calling_tsel: cr.calling_tsel,
                        called_tsel: cr.called_tsel,
                        tpdu_size: Some(size),
                        ..Connect::default()
                    })),
                    Tp0Action::Connected,
                ])
            }
            Tp0Event::Refuse(reason) => {
                if self.state != Tp0State::WaitAccept {
                    return Err(self.unexpected("refuse"));
                }
                self.state = Tp0State::Closed;
                Ok(vec![
                    Tp0Action::Send(Tpdu::Dr {
                        dst_ref: self.remote_ref,
                        src_ref: self.local_ref,
                        reason,
                        info: None,
                    }),
                    Tp0Action::Close,
                ])
            }
            Tp0Event::Data(tsdu) => {
                if self.state != Tp0State::Open {
                    return Err(self.unexpected("data request"));
                }
                let mut out = Vec::new();
                let mut rest = tsdu;
                loop {
                    let take = rest.len().min(self.send_max.max(1));
                    let chunk = rest.split_to(take);
                    let eot = rest.is_empty();
                    out.push(Tp0Action::Send(Tpdu::Dt { eot, data: chunk }));
                    if eot {
                        break;
                    }
                }
                Ok(out)
            }
            Tp0Event::Incoming(t) => self.incoming(t),
        }
    }

    fn incoming(&mut self, t: Tpdu) -> Result<Vec<Tp0Action>, Tp0Error> {
        match (self.state, t) {
            (Tp0State::Idle, Tpdu::Cr(cr)) if self.role == Role::Responder => {
                // Class 0 is mandatory for every implementation (§14.5), so a CR proposing a
                // higher class still gets a class-0 CC; only a nonsense class is refused.
                let class = cr.class_option >> 4;
                if class > 4 {
                    return Err(Tp0Error::Class(class));
                }
                self.remote_ref = cr.src_ref;
                self.state = Tp0State::WaitAccept;
                self.peer_cr = Some(cr.clone());
                Ok(vec![Tp0Action::ConnectIndication(cr)])
            }
            (Tp0State::WaitCc, Tpdu::Cc(cc)) => {
                let size = cc.tpdu_size.unwrap_or(7).min(self.limits.tpdu_size_code);
                self.send_max = tpdu_size(size) - 3;
                self.remote_ref = cc.src_ref;
                self.state = Tp0State::Open;
                Ok(vec![Tp0Action::Connected])
            }
            (Tp0State::WaitCc, Tpdu::Dr { reason, .. }) => {
                self.state = Tp0State::Closed;
                Ok(vec![Tp0Action::Refused(reason), Tp0Action::Close])
            }
            (Tp0State::Open, Tpdu::Dt { eot, data }) => {
                // The DT itself was bounded by the TPKT limit; the reassembly is bounded here,
                // whatever TPDU size was negotiated (real peers exceed it).
                if self.reassembly.len() + data.len() > self.limits.max_tsdu {
                    return Err(Tp0Error::TsduTooLong(self.limits.max_tsdu));
                }
                self.reassembly.extend_from_slice(&data);
                if eot {
                    let tsdu = std::mem::take(&mut self.reassembly).freeze();
                    Ok(vec![Tp0Action::Tsdu(tsdu)])
                } else {
                    Ok(vec![])
                }
            }
            (_, Tpdu::Er { .. }) => {
                self.state = Tp0State::Closed;
                Ok(vec![Tp0Action::Close])
            }
            (_, Tpdu::Cr(_)) => Err(self.unexpected("CR")),
            (_, Tpdu::Cc(_)) => Err(self.unexpected("CC")),
            (_, Tpdu::Dr { .. }) => Err(self.unexpected("DR")),
            (_, Tpdu::Dt { .. }) => Err(self.unexpected("DT")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osi::test_hex as hex;
    use proptest::prelude::*;

    #[test]
    fn isode_style_cr_cc() {
        let cr = hex("e0000017c400c107583430302d3838c207583430302d3838");
        let mut b = vec![cr.len() as u8];
        b.extend_from_slice(&cr);
        let (t, used) = decode(&b).unwrap().unwrap();
        assert_eq!(used, b.len());
        let Tpdu::Cr(c) = &t else { panic!() };
        assert_eq!(c.src_ref, 0x17c4);
        assert_eq!(c.calling_tsel.as_deref(), Some(&b"X400-88"[..]));
        assert_eq!(c.tpdu_size, None);
        let mut out = BytesMut::new();
        encode(&t, &mut out);
        assert_eq!(&out[..], &b[..]);
        let cc = hex("06d017c4034c00");
        let (t, _) = decode(&cc).unwrap().unwrap();
        assert!(matches!(
            t,
            Tpdu::Cc(Connect {
                dst_ref: 0x17c4,
                src_ref: 0x034c,
                ..
            })
        ));
    }

    #[test]
    fn bad_tpdus() {
        assert_eq!(decode(&[]).unwrap(), None);
        assert_eq!(decode(&[6, 0xe0]).unwrap(), None);
        assert_eq!(decode(&[1, 0x10]), Err(Tp0Error::BadCode(0x10)));
        assert_eq!(decode(&[3, 0xf0, 0x80, 0]), Err(Tp0Error::BadLi(3)));
        assert_eq!(
            decode(&[8, 0xe0, 0, 0, 0, 1, 0, 0xc0, 5]),
            Err(Tp0Error::BadParam(0xc0))
        );
    }

    #[test]
    fn responder_reassembles_oversized_dts() {
        let mut tp = Tp0::new(Role::Responder, 7, Limits::default());
        let a = tp
            .handle(Tp0Event::Incoming(Tpdu::Cr(Connect::default())))
            .unwrap();
        assert!(matches!(a[0], Tp0Action::ConnectIndication(_)));
        let a = tp.handle(Tp0Event::Accept).unwrap();
        let Tp0Action::Send(Tpdu::Cc(cc)) = &a[0] else {
            panic!()
        };
        assert_eq!(cc.tpdu_size, Some(7));
        // 300 octets in one DT, more than the 128 negotiated: accepted.
        let big = Bytes::from(vec![1u8; 300]);
        let a = tp
            .handle(Tp0Event::Incoming(Tpdu::Dt {
                eot: false,
                data: big.clone(),
            }))
            .unwrap();
        assert!(a.is_empty());
        let a = tp
            .handle(Tp0Event::Incoming(Tpdu::Dt {
                eot: true,
                data: big,
            }))
            .unwrap();
        assert!(matches!(&a[0], Tp0Action::Tsdu(t) if t.len() == 600));
        // Sending segments at the negotiated 128.
        let a = tp
            .handle(Tp0Event::Data(Bytes::from(vec![0u8; 300])))
            .unwrap();
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn tsdu_limit() {
        let limits = Limits {
            max_tsdu: 10,
            ..Limits::default()
        };
        let mut tp = Tp0::new(Role::Responder, 7, limits);
        tp.handle(Tp0Event::Incoming(Tpdu::Cr(Connect::default())))
            .unwrap();
        tp.handle(Tp0Event::Accept).unwrap();
        let e = tp.handle(Tp0Event::Incoming(Tpdu::Dt {
            eot: true,
            data: Bytes::from(vec![0; 11]),
        }));
        assert_eq!(e, Err(Tp0Error::TsduTooLong(10)));
    }

    fn arb_bytes(max: usize) -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
    }

    fn arb_connect() -> impl Strategy<Value = Connect> {
        (
            any::<u16>(),
            any::<u16>(),
            any::<u8>(),
            proptest::option::of(arb_bytes(32)),
            proptest::option::of(arb_bytes(32)),
            proptest::option::of(7u8..=13),
        )
            .prop_map(|(d, s, c, a, b, z)| Connect {
                dst_ref: d,
                src_ref: s,
                class_option: c,
                calling_tsel: a,
                called_tsel: b,
                tpdu_size: z,
                ..Connect::default()
            })
    }

    fn arb_tpdu() -> impl Strategy<Value = Tpdu> {
        prop_oneof![
            arb_connect().prop_map(Tpdu::Cr),
            arb_connect().prop_map(Tpdu::Cc),
            (
                any::<u16>(),
                any::<u16>(),
                any::<u8>(),
                proptest::option::of(arb_bytes(20))
            )
                .prop_map(|(d, s, r, i)| Tpdu::Dr {
                    dst_ref: d,
                    src_ref: s,
                    reason: r,
                    info: i
                }),
            (any::<bool>(), arb_bytes(300)).prop_map(|(eot, data)| Tpdu::Dt { eot, data }),
            (
                any::<u16>(),
                any::<u8>(),
                proptest::option::of(arb_bytes(20))
            )
                .prop_map(|(d, c, i)| Tpdu::Er {
                    dst_ref: d,
                    cause: c,
                    invalid: i
                }),
        ]
    }

    proptest! {
        #[test]
        fn roundtrip(t in arb_tpdu()) {
            let mut out = BytesMut::new();
            encode(&t, &mut out);
            let (d, used) = decode(&out).unwrap().unwrap();
            prop_assert_eq!(used, out.len());
            prop_assert_eq!(d, t);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&b);
        }
    }
}
