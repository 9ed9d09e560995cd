//! X.880 ROSE PDUs (Remote-Operations-Generic-ROS-PDUs, IMPLICIT TAGS): invoke [1],
//! returnResult [2], returnError [3], reject [4] (§9), and invoke-id bookkeeping for both
//! directions (§9.5 reject problems). Arguments, results and error parameters stay raw BER for
//! the operation modules. ASN.1: `schema/osi-rose.asn`.

use bytes::{Bytes, BytesMut};
use rasn::types::ObjectIdentifier;

use crate::osi::ber::{self, BerError, Tag, Tlv};

/// An invoke identifier: `None` is the `absent` NULL alternative.
pub type InvokeId = Option<i64>;

/// Code: an operation or error code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Code {
    /// local INTEGER.
    Local(i64),
    /// global OBJECT IDENTIFIER.
    Global(ObjectIdentifier),
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Code::Local(v) => write!(f, "{v}"),
            Code::Global(o) => write!(f, "{o}"),
        }
    }
}

/// Reject problems (§9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// general [0]: unrecognizedPDU 0, mistypedPDU 1, badlyStructuredPDU 2.
    General(i64),
    /// invoke [1]: duplicateInvocation 0, unrecognizedOperation 1, mistypedArgument 2,
    /// resourceLimitation 3, releaseInProgress 4, unrecognizedLinkedId 5,
    /// linkedResponseUnexpected 6, unexpectedLinkedOperation 7.
    Invoke(i64),
    /// returnResult [2]: unrecognizedInvocation 0, resultResponseUnexpected 1, mistypedResult 2.
    ReturnResult(i64),
    /// returnError [3]: unrecognizedInvocation 0, errorResponseUnexpected 1,
    /// unrecognizedError 2, unexpectedError 3, mistypedParameter 4.
    ReturnError(i64),
}

/// Problem codes by name.
pub mod problem {
    /// general: unrecognizedPDU.
    pub const UNRECOGNIZED_PDU: i64 = 0;
    /// general: mistypedPDU.
    pub const MISTYPED_PDU: i64 = 1;
    /// general: badlyStructuredPDU.
    pub const BADLY_STRUCTURED_PDU: i64 = 2;
    /// invoke: duplicateInvocation.
    pub const DUPLICATE_INVOCATION: i64 = 0;
    /// invoke: unrecognizedOperation.
    pub const UNRECOGNIZED_OPERATION: i64 = 1;
    /// invoke: mistypedArgument.
    pub const MISTYPED_ARGUMENT: i64 = 2;
    /// invoke: resourceLimitation.
    pub const RESOURCE_LIMITATION: i64 = 3;
    /// invoke: releaseInProgress.
    pub const RELEASE_IN_PROGRESS: i64 = 4;
    /// invoke: unrecognizedLinkedId.
    pub const UNRECOGNIZED_LINKED_ID: i64 = 5;
    /// returnResult / returnError: unrecognizedInvocation.
    pub const UNRECOGNIZED_INVOCATION: i64 = 0;
    /// returnError: unrecognizedError.
    pub const UNRECOGNIZED_ERROR: i64 = 2;
}

/// A ROSE PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosePdu {
    /// invoke [1].
    Invoke {
        /// invokeId.
        invoke_id: InvokeId,
        /// linkedId (present form).
        linked_id: Option<i64>,
        /// opcode.
        opcode: Code,
        /// argument TLV.
        argument: Option<Bytes>,
    },
    /// returnResult [2].
    Result {
        /// invokeId.
        invoke_id: InvokeId,
        /// (opcode, result TLV), when the operation returns a value.
        result: Option<(Code, Bytes)>,
    },
    /// returnError [3].
    Error {
        /// invokeId.
        invoke_id: InvokeId,
        /// errcode.
        code: Code,
        /// parameter TLV.
        parameter: Option<Bytes>,
    },
    /// reject [4].
    Reject {
        /// invokeId (absent when the PDU's id could not be read).
        invoke_id: InvokeId,
        /// problem.
        problem: Problem,
    },
}

impl RosePdu {
    /// The PDU's invoke identifier.
    pub fn invoke_id(&self) -> InvokeId {
        match self {
            RosePdu::Invoke { invoke_id, .. }
            | RosePdu::Result { invoke_id, .. }
            | RosePdu::Error { invoke_id, .. }
            | RosePdu::Reject { invoke_id, .. } => *invoke_id,
        }
    }
}

/// Why a ROSE PDU was refused or a request was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoseError {
    /// Malformed BER.
    #[error("malformed ROSE PDU: {0}")]
    Ber(#[from] BerError),
    /// The input ends inside the PDU.
    #[error("ROSE PDU truncated")]
    Truncated,
    /// Not one of the four ROS alternatives.
    #[error("unrecognized ROSE PDU tag {0}")]
    Unrecognized(Tag),
    /// Our user answered an invocation that is not outstanding.
    #[error("no outstanding invocation {0:?} from the peer")]
    NotOutstanding(InvokeId),
    /// Our user invoked beyond the outstanding limit.
    #[error("too many outstanding invocations")]
    TooMany,
}

impl RoseError {
    /// §9.5: an unreadable PDU is answered with a general-problem reject (the invoke id is
    /// `absent` since it could not be read).
    pub fn abort(&self) -> RosePdu {
        let p = match self {
            RoseError::Unrecognized(_) => problem::UNRECOGNIZED_PDU,
            RoseError::Ber(BerError::UnexpectedTag { .. } | BerError::Missing(_)) => {
                problem::MISTYPED_PDU
            }
            _ => problem::BADLY_STRUCTURED_PDU,
        };
        RosePdu::Reject {
            invoke_id: None,
            problem: Problem::General(p),
        }
    }
}

fn invoke_id(t: &Tlv<'_>) -> Result<InvokeId, BerError> {
    if t.tag == ber::INTEGER {
        Ok(Some(t.integer()?))
    } else if t.tag == ber::NULL {
        Ok(None)
    } else {
        Err(BerError::UnexpectedTag {
            expected: "InvokeId",
            found: t.tag,
        })
    }
}

fn code(t: &Tlv<'_>) -> Result<Code, BerError> {
    if t.tag == ber::INTEGER {
        Ok(Code::Local(t.integer()?))
    } else if t.tag == ber::OID {
        Ok(Code::Global(t.oid()?))
    } else {
        Err(BerError::UnexpectedTag {
            expected: "Code",
            found: t.tag,
        })
    }
}

fn rest_value(r: &mut ber::Reader<'_>) -> Result<Option<Bytes>, BerError> {
    if r.is_empty() {
        return Ok(None);
    }
    let v = Bytes::copy_from_slice(r.next_tlv()?.raw);
    r.finish()?;
    Ok(Some(v))
}

fn decode_body(t: &Tlv<'_>) -> Result<RosePdu, RoseError> {
    if t.tag.class != ber::Class::Context || !t.tag.constructed || !(1..=4).contains(&t.tag.number)
    {
        return Err(RoseError::Unrecognized(t.tag));
    }
    let mut r = t.reader()?;
    let id = invoke_id(&r.next_tlv()?)?;
    let pdu = match t.tag.number {
        1 => {
            let mut linked_id = None;
            if let Some(l) = r.optional(Tag::ctx(0))? {
                linked_id = Some(l.integer()?);
            } else {
                // linkedId absent [1] IMPLICIT NULL carries nothing worth keeping.
                r.optional(Tag::ctx(1))?;
            }
            let opcode = code(&r.next_tlv()?)?;
            RosePdu::Invoke {
                invoke_id: id,
                linked_id,
                opcode,
                argument: rest_value(&mut r)?,
            }
        }
        2 => {
            let result = match r.optional(ber::SEQUENCE)? {
                None => None,
                Some(s) => {
                    let mut sr = s.reader()?;
                    let c = code(&sr.next_tlv()?)?;
                    let v = Bytes::copy_from_slice(sr.next_tlv()?.raw);
                    sr.finish()?;
                    Some((c, v))
                }
            };
            r.finish()?;
            RosePdu::Result {
                invoke_id: id,
                result,
            }
        }
        3 => {
            let c = code(&r.next_tlv()?)?;
            RosePdu::Error {
                invoke_id: id,
                code: c,
                parameter: rest_value(&mut r)?,
            }
        }
        _ => {
            let p = r.next_tlv()?;
            let v = p.integer()?;
            let problem = match (p.tag.class, p.tag.number, p.tag.constructed) {
                (ber::Class::Context, 0, false) => Problem::General(v),
                (ber::Class::Context, 1, false) => Problem::Invoke(v),
                (ber::Class::Context, 2, false) => Problem::ReturnResult(v),
                (ber::Class::Context, 3, false) => Problem::ReturnError(v),
                _ => {
                    return Err(BerError::UnexpectedTag {
                        expected: "problem",
                        found: p.tag,
                    }
                    .into());
                }
            };
            r.finish()?;
            RosePdu::Reject {
                invoke_id: id,
                problem,
            }
        }
    };
    Ok(pdu)
}

/// Decodes the ROSE PDU at the start of `buf`; `Ok(None)` when `buf` ends inside it.
pub fn decode(buf: &[u8]) -> Result<Option<(RosePdu, usize)>, RoseError> {
    let Some((t, used)) = ber::read_tlv(buf)? else {
        return Ok(None);
    };
    Ok(Some((decode_body(&t)?, used)))
}

/// Decodes a whole single-ASN1-type value as one ROSE PDU.
pub fn decode_all(buf: &[u8]) -> Result<RosePdu, RoseError> {
    let (p, used) = decode(buf)?.ok_or(RoseError::Truncated)?;
    if used != buf.len() {
        return Err(BerError::Trailing.into());
    }
    Ok(p)
}

fn put_id(out: &mut BytesMut, id: InvokeId) {
    match id {
        Some(v) => ber::put_integer(out, ber::INTEGER, v),
        None => ber::put_tlv(out, ber::NULL, &[]),
    }
}

fn put_code(out: &mut BytesMut, c: &Code) {
    match c {
        Code::Local(v) => ber::put_integer(out, ber::INTEGER, *v),
        Code::Global(o) => ber::put_oid(out, ber::OID, o),
    }
}

/// Appends the PDU.
pub fn encode(p: &RosePdu, out: &mut BytesMut) {
    match p {
        RosePdu::Invoke {
            invoke_id,
            linked_id,
            opcode,
            argument,
        } => ber::put_constructed(out, Tag::ctx_c(1), |o| {
            put_id(o, *invoke_id);
            if let Some(l) = linked_id {
                ber::put_integer(o, Tag::ctx(0), *l);
            }
            put_code(o, opcode);
            if let Some(a) = argument {
                o.extend_from_slice(a);
            }
        }),
        RosePdu::Result { invoke_id, result } => ber::put_constructed(out, Tag::ctx_c(2), |o| {
            put_id(o, *invoke_id);
            if let Some((c, v)) = result {
                ber::put_constructed(o, ber::SEQUENCE, |o| {
                    put_code(o, c);
                    o.extend_from_slice(v);
                });
            }
        }),
        RosePdu::Error {
            invoke_id,
            code,
            parameter,
        } => ber::put_constructed(out, Tag::ctx_c(3), |o| {
            put_id(o, *invoke_id);
            put_code(o, code);
            if let Some(a) = parameter {
                o.extend_from_slice(a);
            }
        }),
        RosePdu::Reject { invoke_id, problem } => ber::put_constructed(out, Tag::ctx_c(4), |o| {
            put_id(o, *invoke_id);
            let (n, v) = match problem {
                Problem::General(v) => (0, v),
                Problem::Invoke(v) => (1, v),
                Problem::ReturnResult(v) => (2, v),
                Problem::ReturnError(v) => (3, v),
            };
            ber::put_integer(o, Tag::ctx(n), *v);
        }),
    }
}

/// Encodes to a fresh buffer.
pub fn to_bytes(p: &RosePdu) -> Bytes {
    let mut b = BytesMut::new();
    encode(p, &mut b);
    b.freeze()
}

/// What arrives at or is asked of the ROSE machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoseEvent {
    /// An encoded PDU from the peer.
    Incoming(Bytes),
    /// Our user invokes `opcode` (an id is allocated).
    Invoke {
        /// The operation.
        opcode: Code,
        /// Its argument TLV.
        argument: Option<Bytes>,
        /// Linked invocation (an id the peer invoked).
        linked_id: Option<i64>,
    },
    /// Our user answers, rejects or otherwise sends a PDU for a peer invocation.
    Respond(RosePdu),
}

/// What the machine asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoseAction {
    /// Send this PDU.
    Send(RosePdu),
    /// Deliver this PDU (a checked invoke, or the answer to one of ours).
    Deliver(RosePdu),
}

/// Invoke-id bookkeeping for one association (both directions).
#[derive(Debug, Clone)]
pub struct Rose {
    /// Our invocations awaiting an answer: id → operation.
    ours: Vec<(i64, Code)>,
    /// The peer's invocations we have not answered.
    theirs: Vec<i64>,
    next_id: i64,
    max_outstanding: usize,
    /// Operations the peer may invoke; `None` = any (the upper layer checks).
    peer_operations: Option<Vec<Code>>,
}

impl Rose {
    /// A machine that lets the peer invoke `peer_operations` (or anything, with `None`) and
    /// allows `max_outstanding` invocations per direction.
    pub fn new(peer_operations: Option<Vec<Code>>, max_outstanding: usize) -> Self {
        Rose {
            ours: Vec::new(),
            theirs: Vec::new(),
            next_id: 1,
            max_outstanding,
            peer_operations,
        }
    }

    /// Our invocations awaiting an answer.
    pub fn outstanding(&self) -> usize {
        self.ours.len()
    }

    /// Stops waiting for our invocation `id` (its caller gave up): the slot is free again and
    /// a late answer is rejected as an unrecognized invocation (§9.5). Returns whether it was
    /// outstanding.
    pub fn forget(&mut self, id: i64) -> bool {
        self.take_ours(Some(id))
    }

    fn reject(id: InvokeId, problem: Problem) -> Vec<RoseAction> {
        vec![RoseAction::Send(RosePdu::Reject {
            invoke_id: id,
            problem,
        })]
    }

    fn take_ours(&mut self, id: InvokeId) -> bool {
        let Some(id) = id else { return false };
        match self.ours.iter().position(|(i, _)| *i == id) {
            Some(pos) => {
                self.ours.swap_remove(pos);
                true
            }
            None => false,
        }
    }

    /// Feeds one event. Peer mistakes become rejects to send (the association goes on);
    /// errors are our own user's mistakes.
    pub fn handle(&mut self, ev: RoseEvent) -> Result<Vec<RoseAction>, RoseError> {
        match ev {
            RoseEvent::Incoming(b) => {
                let pdu = match decode_all(&b) {
                    Ok(p) => p,
                    Err(e) => return Ok(vec![RoseAction::Send(e.abort())]),
                };
                Ok(self.incoming(pdu))
            }
            RoseEvent::Invoke {
                opcode,
                argument,
                linked_id,
            } => {
                if self.ours.len() >= self.max_outstanding {
                    return Err(RoseError::TooMany);
                }
                let mut id = self.next_id;
                while self.ours.iter().any(|(i, _)| *i == id) {
                    id = id.wrapping_add(1);
                }
                self.next_id = id.wrapping_add(1);
                self.ours.push((id, opcode.clone()));
                Ok(vec![RoseAction::Send(RosePdu::Invoke {
                    invoke_id: Some(id),
                    linked_id,
                    opcode,
                    argument,
                })])
            }
            RoseEvent::Respond(pdu) => {
                let id = pdu.invoke_id();
                match (
                    &pdu,
                    id.and_then(|i| self.theirs.iter().position(|t| *t == i)),
                ) {
                    (RosePdu::Invoke { .. }, _) => {
                        return Err(RoseError::NotOutstanding(id));
                    }
                    (_, Some(pos)) => {
                        self.theirs.swap_remove(pos);
                    }
                    // A reject of an unreadable PDU has no invocation to close.
                    (RosePdu::Reject { .. }, None) => {}
                    (_, None) => return Err(RoseError::NotOutstanding(id)),
                }
                Ok(vec![RoseAction::Send(pdu)])
            }
        }
    }

    fn incoming(&mut self, pdu: RosePdu) -> Vec<RoseAction> {
        match &pdu {
            RosePdu::Invoke {
                invoke_id,
                linked_id,
                opcode,
                ..
            } => {
                let Some(id) = *invoke_id else {
                    return Self::reject(None, Problem::General(problem::MISTYPED_PDU));
                };
                if self.theirs.contains(&id) {
                    return Self::reject(
                        *invoke_id,
                        Problem::Invoke(problem::DUPLICATE_INVOCATION),
                    );
                }
                if let Some(ops) = &self.peer_operations
                    && !ops.contains(opcode)
                {
                    return Self::reject(
                        *invoke_id,
                        Problem::Invoke(problem::UNRECOGNIZED_OPERATION),
                    );
                }
                if let Some(l) = linked_id
                    && !self.ours.iter().any(|(i, _)| i == l)
                {
                    return Self::reject(
                        *invoke_id,
                        Problem::Invoke(problem::UNRECOGNIZED_LINKED_ID),
                    );
                }
                if self.theirs.len() >= self.max_outstanding {
                    return Self::reject(*invoke_id, Problem::Invoke(problem::RESOURCE_LIMITATION));
                }
                self.theirs.push(id);
                vec![RoseAction::Deliver(pdu)]
            }
            RosePdu::Result { invoke_id, .. } => {
                if !self.take_ours(*invoke_id) {
                    return Self::reject(
                        *invoke_id,
                        Problem::ReturnResult(problem::UNRECOGNIZED_INVOCATION),
                    );
                }
                vec![RoseAction::Deliver(pdu)]
            }
            RosePdu::Error { invoke_id, .. } => {
                if !self.take_ours(*invoke_id) {
                    return Self::reject(
                        *invoke_id,
                        Problem::ReturnError(problem::UNRECOGNIZED_INVOCATION),
                    );
                }
                vec![RoseAction::Deliver(pdu)]
            }
            RosePdu::Reject { invoke_id, .. } => {
                // A reject closes our invocation if it names one; never answered (§9.5).
                self.take_ours(*invoke_id);
                vec![RoseAction::Deliver(pdu)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forgotten_invocation_frees_its_slot_and_late_answers_are_rejected() {
        let mut r = Rose::new(None, 1);
        let inv = RoseEvent::Invoke {
            opcode: Code::Local(25),
            argument: None,
            linked_id: None,
        };
        r.handle(inv.clone()).unwrap();
        assert_eq!(r.handle(inv.clone()), Err(RoseError::TooMany));
        assert!(r.forget(1));
        assert!(!r.forget(1));
        assert_eq!(r.outstanding(), 0);
        r.handle(inv).unwrap();
        let late = to_bytes(&RosePdu::Result {
            invoke_id: Some(1),
            result: None,
        });
        assert_eq!(
            r.handle(RoseEvent::Incoming(late)).unwrap(),
            vec![RoseAction::Send(RosePdu::Reject {
                invoke_id: Some(1),
                problem: Problem::ReturnResult(problem::UNRECOGNIZED_INVOCATION),
            })]
        );
    }

    #[test]
    fn invoke_bytes() {
        // invoke id 1, opcode 21 (list), argument SET {}.
        let b = [0xa1, 0x08, 0x02, 0x01, 0x01, 0x02, 0x01, 0x15, 0x31, 0x00];
        let p = decode_all(&b).unwrap();
        assert_eq!(
            p,
            RosePdu::Invoke {
                invoke_id: Some(1),
                linked_id: None,
                opcode: Code::Local(21),
                argument: Some(Bytes::from_static(&[0x31, 0x00])),
            }
        );
        assert_eq!(&to_bytes(&p)[..], &b[..]);
    }

    #[test]
    fn bookkeeping_rejects() {
        let mut m = Rose::new(Some(vec![Code::Local(20), Code::Local(21)]), 2);
        let inv = |id: i64, op: i64| {
            RoseEvent::Incoming(to_bytes(&RosePdu::Invoke {
                invoke_id: Some(id),
                linked_id: None,
                opcode: Code::Local(op),
                argument: None,
            }))
        };
        assert!(matches!(
            m.handle(inv(1, 20)).unwrap()[0],
            RoseAction::Deliver(_)
        ));
        assert_eq!(
            m.handle(inv(1, 21)).unwrap(),
            vec![RoseAction::Send(RosePdu::Reject {
                invoke_id: Some(1),
                problem: Problem::Invoke(0)
            })]
        );
        assert_eq!(
            m.handle(inv(2, 99)).unwrap(),
            vec![RoseAction::Send(RosePdu::Reject {
                invoke_id: Some(2),
                problem: Problem::Invoke(1)
            })]
        );
        m.handle(inv(3, 21)).unwrap();
        assert_eq!(
            m.handle(inv(4, 21)).unwrap(),
            vec![RoseAction::Send(RosePdu::Reject {
                invoke_id: Some(4),
                problem: Problem::Invoke(3)
            })]
        );
        // Answering frees the id for reuse.
        m.handle(RoseEvent::Respond(RosePdu::Result {
            invoke_id: Some(1),
            result: None,
        }))
        .unwrap();
        assert!(
            m.handle(RoseEvent::Respond(RosePdu::Result {
                invoke_id: Some(1),
                result: None
            }))
            .is_err()
        );
        assert!(matches!(
            m.handle(inv(1, 20)).unwrap()[0],
            RoseAction::Deliver(_)
        ));
        // A result for nothing we invoked.
        let stray = to_bytes(&RosePdu::Result {
            invoke_id: Some(77),
            result: None,
        });
        assert_eq!(
            m.handle(RoseEvent::Incoming(stray)).unwrap(),
            vec![RoseAction::Send(RosePdu::Reject {
                invoke_id: Some(77),
                problem: Problem::ReturnResult(0)
            })]
        );
        // Our invoke then its error.
        let a = m
            .handle(RoseEvent::Invoke {
                opcode: Code::Local(25),
                argument: None,
                linked_id: None,
            })
            .unwrap();
        let RoseAction::Send(RosePdu::Invoke { invoke_id, .. }) = &a[0] else {
            panic!()
        };
        let err = to_bytes(&RosePdu::Error {
            invoke_id: *invoke_id,
            code: Code::Local(27),
            parameter: None,
        });
        assert!(matches!(
            m.handle(RoseEvent::Incoming(err.clone())).unwrap()[0],
            RoseAction::Deliver(_)
        ));
        assert!(matches!(
            m.handle(RoseEvent::Incoming(err)).unwrap()[0],
            RoseAction::Send(RosePdu::Reject { .. })
        ));
        // Garbage: general problem.
        assert!(matches!(
            m.handle(RoseEvent::Incoming(Bytes::from_static(&[0xa5, 0x00])))
                .unwrap()[0],
            RoseAction::Send(RosePdu::Reject {
                invoke_id: None,
                problem: Problem::General(0)
            })
        ));
    }

    fn arb_code() -> impl Strategy<Value = Code> {
        prop_oneof![
            any::<i64>().prop_map(Code::Local),
            (
                0u32..3,
                0u32..40,
                proptest::collection::vec(any::<u32>(), 0..4)
            )
                .prop_map(|(a, b, r)| {
                    let mut v = vec![a, b];
                    v.extend(r);
                    Code::Global(ObjectIdentifier::new(v).unwrap())
                }),
        ]
    }
    fn arb_tlv() -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..30).prop_map(|c| {
            let mut b = BytesMut::new();
            ber::put_tlv(&mut b, ber::SET, &[]);
            ber::put_tlv(&mut b, ber::OCTET_STRING, &c);
            // One TLV only: a SET wrapping the octets.
            let mut outer = BytesMut::new();
            ber::put_tlv(&mut outer, ber::SEQUENCE, &b);
            outer.freeze()
        })
    }
    fn arb_pdu() -> impl Strategy<Value = RosePdu> {
        let id = proptest::option::of(any::<i64>());
        prop_oneof![
            (
                id.clone(),
                proptest::option::of(any::<i64>()),
                arb_code(),
                proptest::option::of(arb_tlv())
            )
                .prop_map(|(i, l, c, a)| RosePdu::Invoke {
                    invoke_id: i,
                    linked_id: l,
                    opcode: c,
                    argument: a
                }),
            (id.clone(), proptest::option::of((arb_code(), arb_tlv()))).prop_map(|(i, r)| {
                RosePdu::Result {
                    invoke_id: i,
                    result: r,
                }
            }),
            (id.clone(), arb_code(), proptest::option::of(arb_tlv())).prop_map(|(i, c, p)| {
                RosePdu::Error {
                    invoke_id: i,
                    code: c,
                    parameter: p,
                }
            }),
            (
                id,
                prop_oneof![
                    (0i64..3).prop_map(Problem::General),
                    (0i64..8).prop_map(Problem::Invoke),
                    (0i64..3).prop_map(Problem::ReturnResult),
                    (0i64..5).prop_map(Problem::ReturnError)
                ]
            )
                .prop_map(|(i, p)| RosePdu::Reject {
                    invoke_id: i,
                    problem: p
                }),
        ]
    }

    proptest! {
        #[test]
        fn roundtrip(p in arb_pdu()) {
            prop_assert_eq!(decode_all(&to_bytes(&p)).unwrap(), p);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = decode(&b);
            let mut m = Rose::new(None, 4);
            let _ = m.handle(RoseEvent::Incoming(Bytes::from(b)));
        }
    }
}
