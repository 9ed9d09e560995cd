//! The OSI upper-layer stack of one association (DESIGN.md §2): RFC 1006 + ISO 8073 class 0
//! → X.225 → X.226 → X.227 → X.880, joined without I/O. A connection driver pushes received
//! bytes in with [`Stack::feed`], pulls bytes to send with [`Stack::take_output`], and calls the
//! request methods; everything else happens here.
//!
//! A protocol error aborts the association with the failing layer's abort (TP ER or closing
//! the transport, session AB, presentation ARP or CPR, ACSE ABRT, ROSE reject) and is
//! reported as [`StackEvent::ProtocolError`] followed by [`StackEvent::CloseTransport`];
//! nothing here can fail the process.

use bytes::{Bytes, BytesMut};
use rasn::types::ObjectIdentifier;

use crate::asn1::oids;
use crate::osi::acse::{
    self, Aare, Aarq, Abrt, Acse, AcseAction, AcseEvent, Apdu, Release, RosBind,
};
use crate::osi::presentation::{
    self as pres, Carrier, ContextDef, ContextResult, Cp, PdvValue, Ppdu, Presentation,
    PresentationAction as PA, PresentationEvent as PE, UserData,
};
use crate::osi::rose::{self, Code, Rose, RoseAction, RoseEvent, RosePdu};
use crate::osi::session::{self, Session, SessionAction as SA, SessionEvent as SE};
use crate::osi::tp0::{self, Tp0, Tp0Abort, Tp0Action, Tp0Event};
use crate::osi::{Limits, OsiError, tpkt};

/// Which end of the association we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We open the transport connection and send the AARQ.
    Initiator,
    /// We answer.
    Responder,
}

/// What an initiator asks for.
#[derive(Debug, Clone)]
pub struct ConnectParams {
    /// Calling T-selector.
    pub calling_tsel: Option<Bytes>,
    /// Called T-selector.
    pub called_tsel: Option<Bytes>,
    /// Calling session selector.
    pub calling_ssel: Option<Bytes>,
    /// Called session selector.
    pub called_ssel: Option<Bytes>,
    /// Calling presentation selector.
    pub calling_psel: Option<Bytes>,
    /// Called presentation selector.
    pub called_psel: Option<Bytes>,
    /// Proposed presentation contexts; one must be the ACSE abstract syntax.
    pub contexts: Vec<ContextDef>,
    /// The AARQ (with the bind in its user-information).
    pub aarq: Aarq,
}

/// A responder's view of an incoming association request.
#[derive(Debug, Clone)]
pub struct AssociateIndication {
    /// The AARQ.
    pub aarq: Aarq,
    /// Each proposed context with the answer the CPA will carry.
    pub contexts: Vec<(ContextDef, ContextResult)>,
    /// The ROS bind-invoke in the user-information, when there is one.
    pub bind: Option<RosBind>,
    /// The CP (selectors, requirements).
    pub cp: Cp,
    /// The CN parameters (session selectors, functional units proposed).
    pub session: session::Params,
}

/// Something the association user must know about.
#[derive(Debug)]
#[non_exhaustive]
pub enum StackEvent {
    /// Responder: a transport connection was requested and accepted (informational).
    TransportConnected(tp0::Connect),
    /// Responder: answer with [`Stack::accept`] or [`Stack::reject`].
    AssociateIndication(Box<AssociateIndication>),
    /// Initiator: the association was accepted.
    AssociateConfirm(Box<Aare>),
    /// Initiator: the association was refused, at whichever layer.
    AssociateRefused {
        /// The rejecting AARE, when the ACSE user refused.
        aare: Option<Box<Aare>>,
        /// CPR provider-reason, when the presentation provider refused.
        presentation_reason: Option<i64>,
        /// RF reason code, when the session refused.
        session_reason: Option<u8>,
        /// DR reason, when the transport connection was refused.
        transport_reason: Option<u8>,
    },
    /// A ROSE PDU arrived in presentation context `context_id` (invokes already checked for
    /// duplicate ids; results and errors matched to our invocations).
    Rose {
        /// The presentation context.
        context_id: i64,
        /// The PDU.
        pdu: RosePdu,
    },
    /// The peer asks to release: answer with [`Stack::release_response`].
    ReleaseIndication(Release),
    /// Our release was answered.
    ReleaseConfirm(Release),
    /// The peer aborted (ABRT if the ACSE user did, else the presentation PPDU or nothing).
    Aborted {
        /// The ABRT, when present.
        abrt: Option<Abrt>,
        /// The ARP, when the presentation provider aborted.
        provider: Option<Ppdu>,
    },
    /// We aborted because the peer broke a protocol rule; the abort is in the output.
    ProtocolError(OsiError),
    /// Close the TCP connection once the output is flushed.
    CloseTransport,
}

/// Why a request from our own user could not be carried out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A layer refused the request in its current state.
    #[error(transparent)]
    Layer(#[from] OsiError),
    /// The proposed contexts do not include ACSE.
    #[error("no ACSE presentation context")]
    NoAcseContext,
    /// The presentation context is not accepted on this association.
    #[error("presentation context {0} not accepted")]
    Context(i64),
}

/// One association's stack.
#[derive(Debug)]
pub struct Stack {
    role: Role,
    limits: Limits,
    rx: BytesMut,
    out: BytesMut,
    tp: Tp0,
    session: Session,
    pres: Presentation,
    acse: Acse,
    rose: Rose,
    acse_ctx: Option<i64>,
    pending_connect: Option<ConnectParams>,
    peer_cn: Option<session::Params>,
    closed: bool,
}

fn acse_as() -> ObjectIdentifier {
    ObjectIdentifier::from(oids::ID_AS_ACSE)
}

impl Stack {
    /// A stack for `role` that accepts the abstract syntaxes `supported` (ACSE is always
    /// added) and lets the peer invoke `peer_operations` (`None`: any; the user checks).
    pub fn new(
        role: Role,
        limits: Limits,
        mut supported: Vec<ObjectIdentifier>,
        peer_operations: Option<Vec<Code>>,
    ) -> Self {
        if !supported.contains(&acse_as()) {
            supported.push(acse_as());
        }
        let (tr, sr, pr, ar) = match role {
            Role::Initiator => (
                tp0::Role::Initiator,
                session::Role::Initiator,
                pres::Role::Initiator,
                acse::Role::Initiator,
            ),
            Role::Responder => (
                tp0::Role::Responder,
                session::Role::Responder,
                pres::Role::Responder,
                acse::Role::Responder,
            ),
        };
        Stack {
            role,
            rx: BytesMut::new(),
            out: BytesMut::new(),
            tp: Tp0::new(tr, 0x4d53, limits.clone()),
            session: Session::new(sr, &limits),
            pres: Presentation::new(pr, supported, limits.clone()),
            acse: Acse::new(ar),
            rose: Rose::new(peer_operations, limits.max_outstanding_invokes),
            acse_ctx: None,
            pending_connect: None,
            peer_cn: None,
            closed: false,
            limits,
        }
    }

    /// Uses `r` as our transport reference (the CR / CC source reference) instead of the
    /// default; a driver may number its connections. Only before the first byte moves.
    pub fn with_transport_ref(mut self, r: u16) -> Self {
        let tr = match self.role {
            Role::Initiator => tp0::Role::Initiator,
            Role::Responder => tp0::Role::Responder,
        };
        self.tp = Tp0::new(tr, r, self.limits.clone());
        self
    }

    /// The ACSE presentation context identifier, once known.
    pub fn acse_context(&self) -> Option<i64> {
        self.acse_ctx
    }

    /// Our role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether the association is over (only closing the transport remains).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Accepted presentation contexts: identifier → abstract syntax.
    pub fn contexts(&self) -> &std::collections::BTreeMap<i64, ObjectIdentifier> {
        self.pres.contexts()
    }

    /// Bytes to send, in order; empties the output buffer.
    pub fn take_output(&mut self) -> BytesMut {
        std::mem::take(&mut self.out)
    }

    /// Pushes received bytes; returns what happened. After a protocol error the stack is
    /// closed and ignores further input.
    pub fn feed(&mut self, data: &[u8]) -> Vec<StackEvent> {
        let mut events = Vec::new();
        if self.closed {
            return events;
        }
        self.rx.extend_from_slice(data);
        loop {
            if self.closed {
                break;
            }
            let frame = match tpkt::decode(&self.rx, self.limits.max_tpkt) {
                Ok(Some((t, used))) => {
                    let _ = self.rx.split_to(used);
                    t
                }
                Ok(None) => break,
                Err(e) => {
                    self.fail(e.into(), &mut events);
                    break;
                }
            };
            let tpdu = match tp0::decode(&frame.payload) {
                Ok(Some((t, _))) => t,
                Ok(None) => {
                    self.fail(tp0::Tp0Error::Truncated.into(), &mut events);
                    break;
                }
                Err(e) => {
                    self.fail(e.into(), &mut events);
                    break;
                }
            };
            if let Err(e) = self.on_tpdu(tpdu, &mut events) {
                self.fail(e, &mut events);
            }
        }
        events
    }

    // ---- requests ------------------------------------------------------------------------

    /// Initiator: open the transport connection; the CN/CP/AARQ follow the CC.
    pub fn connect(&mut self, params: ConnectParams) -> Result<(), RequestError> {
        if !params
            .contexts
            .iter()
            .any(|c| c.abstract_syntax == acse_as())
        {
            return Err(RequestError::NoAcseContext);
        }
        let acts = self
            .tp
            .handle(Tp0Event::Connect {
                calling: params.calling_tsel.clone(),
                called: params.called_tsel.clone(),
            })
            .map_err(OsiError::from)?;
        self.pending_connect = Some(params);
        let mut ev = Vec::new();
        self.tp_actions(acts, &mut ev)
            .map_err(RequestError::Layer)?;
        Ok(())
    }

    /// Responder: accept the pending association with this AARE (result accepted).
    pub fn accept(&mut self, aare: Aare) -> Result<(), RequestError> {
        let ctx = self.acse_ctx.ok_or(RequestError::NoAcseContext)?;
        self.acse_send(Apdu::Aare(Box::new(aare)), ctx)
            .map_err(RequestError::Layer)
    }

    /// Responder: refuse the pending association with this AARE (result rejected).
    pub fn reject(&mut self, aare: Aare) -> Result<(), RequestError> {
        self.accept(aare)
    }

    /// Invoke `opcode` in context `context_id`; returns the invoke id.
    pub fn invoke(
        &mut self,
        context_id: i64,
        opcode: Code,
        argument: Option<Bytes>,
    ) -> Result<i64, RequestError> {
        self.check_ctx(context_id)?;
        let acts = self
            .rose
            .handle(RoseEvent::Invoke {
                opcode,
                argument,
                linked_id: None,
            })
            .map_err(OsiError::from)?;
        let mut id = 0;
        for a in acts {
            if let RoseAction::Send(p) = a {
                id = p.invoke_id().unwrap_or(0);
                self.send_rose(context_id, &p)?;
            }
        }
        Ok(id)
    }

    /// Stops waiting for our invocation `id` (see [`Rose::forget`]).
    pub fn forget_invocation(&mut self, id: i64) -> bool {
        self.rose.forget(id)
    }

    /// Answer (result, error or reject) a peer invocation in context `context_id`.
    pub fn respond(&mut self, context_id: i64, pdu: RosePdu) -> Result<(), RequestError> {
        self.check_ctx(context_id)?;
        let acts = self
            .rose
            .handle(RoseEvent::Respond(pdu))
            .map_err(OsiError::from)?;
        for a in acts {
            if let RoseAction::Send(p) = a {
                self.send_rose(context_id, &p)?;
            }
        }
        Ok(())
    }

    /// Start an orderly release (RLRQ in FN).
    pub fn release(&mut self, rlrq: Release) -> Result<(), RequestError> {
        let ctx = self.acse_ctx.ok_or(RequestError::NoAcseContext)?;
        self.acse_send(Apdu::Rlrq(rlrq), ctx)
            .map_err(RequestError::Layer)
    }

    /// Answer a release indication (RLRE in DN).
    pub fn release_response(&mut self, rlre: Release) -> Result<(), RequestError> {
        let ctx = self.acse_ctx.ok_or(RequestError::NoAcseContext)?;
        self.acse_send(Apdu::Rlre(rlre), ctx)
            .map_err(RequestError::Layer)
    }

    /// User abort (ABRT in ARU in AB); the transport is closed after it.
    pub fn abort(&mut self, abrt: Abrt) -> Result<(), RequestError> {
        let ctx = self.acse_ctx.ok_or(RequestError::NoAcseContext)?;
        self.acse_send(Apdu::Abrt(abrt), ctx)
            .map_err(RequestError::Layer)
    }

    // ---- plumbing ------------------------------------------------------------------------

    fn check_ctx(&self, id: i64) -> Result<(), RequestError> {
        if Some(id) == self.acse_ctx || !self.pres.contexts().contains_key(&id) {
            return Err(RequestError::Context(id));
        }
        Ok(())
    }

    fn send_rose(&mut self, ctx: i64, p: &RosePdu) -> Result<(), RequestError> {
        let ud = UserData::single(ctx, rose::to_bytes(p));
        let acts = self
            .pres
            .handle(PE::Send(Carrier::Data, ud))
            .map_err(OsiError::from)?;
        let mut ev = Vec::new();
        self.pres_actions(acts, &mut ev)
            .map_err(RequestError::Layer)
    }

    fn acse_send(&mut self, apdu: Apdu, ctx: i64) -> Result<(), OsiError> {
        let acts = self.acse.handle(AcseEvent::Send(apdu))?;
        for a in acts {
            let AcseAction::Send(apdu) = a else { continue };
            let ud = UserData::single(ctx, acse::to_bytes(&apdu));
            let pe = match &apdu {
                Apdu::Aarq(_) => continue,
                Apdu::Aare(r) if r.result == acse::result::ACCEPTED => PE::Accept(Some(ud)),
                Apdu::Aare(_) => PE::Refuse(Some(ud)),
                Apdu::Rlrq(_) => PE::Send(Carrier::Release, ud),
                Apdu::Rlre(_) => PE::Send(Carrier::ReleaseResponse, ud),
                Apdu::Abrt(_) => PE::Abort(Some(ud)),
            };
            let acts = self.pres.handle(pe)?;
            let mut ev = Vec::new();
            self.pres_actions(acts, &mut ev)?;
        }
        Ok(())
    }

    fn write_tpdu(&mut self, t: &tp0::Tpdu) -> Result<(), OsiError> {
        let mut b = BytesMut::new();
        tp0::encode(t, &mut b);
        tpkt::encode(&b, &mut self.out)?;
        Ok(())
    }

    fn tp_actions(
        &mut self,
        acts: Vec<Tp0Action>,
        ev: &mut Vec<StackEvent>,
    ) -> Result<(), OsiError> {
        for a in acts {
            match a {
                Tp0Action::Send(t) => self.write_tpdu(&t)?,
                Tp0Action::ConnectIndication(cr) => {
                    // Any T-selector is accepted: the listener already chose the port, and
                    // refusing here would only hide the session and presentation selectors.
                    ev.push(StackEvent::TransportConnected(cr));
                    let acts = self.tp.handle(Tp0Event::Accept)?;
                    self.tp_actions(acts, ev)?;
                }
                Tp0Action::Connected => {
                    if let Some(p) = self.pending_connect.take() {
                        self.send_connect(p)?;
                    }
                }
                Tp0Action::Tsdu(b) => {
                    let acts = self.session.handle(SE::Tsdu(b))?;
                    self.session_actions(acts, ev)?;
                }
                Tp0Action::Refused(reason) => ev.push(StackEvent::AssociateRefused {
                    aare: None,
                    presentation_reason: None,
                    session_reason: None,
                    transport_reason: Some(reason),
                }),
                Tp0Action::Close => self.close(ev),
            }
        }
        Ok(())
    }

    fn close(&mut self, ev: &mut Vec<StackEvent>) {
        if !self.closed {
            self.closed = true;
            ev.push(StackEvent::CloseTransport);
        }
    }

    fn send_connect(&mut self, p: ConnectParams) -> Result<(), OsiError> {
        let ctx = p
            .contexts
            .iter()
            .find(|c| c.abstract_syntax == acse_as())
            .map(|c| c.id)
            .unwrap_or(1);
        self.acse_ctx = Some(ctx);
        let apdu = Apdu::Aarq(Box::new(p.aarq));
        self.acse.handle(AcseEvent::Send(apdu.clone()))?;
        let cp = Cp {
            mode: pres::MODE_NORMAL,
            calling_psel: p.calling_psel,
            called_psel: p.called_psel,
            contexts: Some(p.contexts),
            user_data: Some(UserData::single(ctx, acse::to_bytes(&apdu))),
            ..Cp::default()
        };
        let acts = self.pres.handle(PE::Connect(Box::new(cp)))?;
        for a in acts {
            if let PA::Send(Carrier::Connect, ppdu) = a {
                let acts = self.session.handle(SE::Connect(session::ConnectRequest {
                    calling_ssel: p.calling_ssel.clone(),
                    called_ssel: p.called_ssel.clone(),
                    user_data: pres::to_bytes(&ppdu),
                }))?;
                let mut ev = Vec::new();
                self.session_actions(acts, &mut ev)?;
            }
        }
        Ok(())
    }

    fn on_tpdu(&mut self, t: tp0::Tpdu, ev: &mut Vec<StackEvent>) -> Result<(), OsiError> {
        let acts = self.tp.handle(Tp0Event::Incoming(t))?;
        self.tp_actions(acts, ev)
    }

    fn session_actions(&mut self, acts: Vec<SA>, ev: &mut Vec<StackEvent>) -> Result<(), OsiError> {
        for a in acts {
            let (carrier, data) = match a {
                SA::Send(tsdu) => {
                    let acts = self.tp.handle(Tp0Event::Data(tsdu))?;
                    self.tp_actions(acts, ev)?;
                    continue;
                }
                SA::CloseTransport => {
                    self.close(ev);
                    continue;
                }
                SA::ConnectIndication(params) => {
                    let d = params.data().cloned().unwrap_or_default();
                    self.peer_cn = Some(*params);
                    (Carrier::Connect, d)
                }
                SA::Accepted(d) => (Carrier::Accept, d),
                SA::Refused { reason, user_data } => {
                    if user_data.is_empty() {
                        ev.push(StackEvent::AssociateRefused {
                            aare: None,
                            presentation_reason: None,
                            session_reason: Some(reason),
                            transport_reason: None,
                        });
                        continue;
                    }
                    (Carrier::Refuse, user_data)
                }
                SA::Data(d) => (Carrier::Data, d),
                SA::ReleaseIndication(d) => (Carrier::Release, d),
                SA::ReleaseConfirm(d) => (Carrier::ReleaseResponse, d),
                SA::AbortIndication(d) => {
                    if d.is_empty() {
                        ev.push(StackEvent::Aborted {
                            abrt: None,
                            provider: None,
                        });
                        continue;
                    }
                    (Carrier::Abort, d)
                }
            };
            let acts = self.pres.handle(PE::Incoming(carrier, data))?;
            self.pres_actions(acts, ev)?;
        }
        Ok(())
    }

    fn pres_actions(&mut self, acts: Vec<PA>, ev: &mut Vec<StackEvent>) -> Result<(), OsiError> {
        for a in acts {
            match a {
                PA::Send(carrier, ppdu) => {
                    let bytes = pres::to_bytes(&ppdu);
                    let se = match carrier {
                        Carrier::Connect => continue,
                        Carrier::Accept => SE::Accept(bytes),
                        Carrier::Refuse => SE::Refuse {
                            reason: session::reason::BY_USER,
                            user_data: bytes,
                        },
                        Carrier::Data => SE::Data(bytes),
                        Carrier::Release => SE::Release(bytes),
                        Carrier::ReleaseResponse => SE::ReleaseResponse(bytes),
                        Carrier::Abort => SE::Abort(bytes),
                    };
                    let acts = self.session.handle(se)?;
                    self.session_actions(acts, ev)?;
                }
                PA::ConnectIndication { cp, results } => {
                    let defs = cp.contexts.clone().unwrap_or_default();
                    let acse_ctx = defs
                        .iter()
                        .zip(&results)
                        .find(|(d, r)| {
                            d.abstract_syntax == acse_as() && r.result == pres::result::ACCEPTANCE
                        })
                        .map(|(d, _)| d.id);
                    let apdu = acse_ctx.and_then(|id| single_in(cp.user_data.as_ref(), id));
                    let (Some(id), Some(bytes)) = (acse_ctx, apdu) else {
                        // Without ACSE in an accepted context the association cannot be
                        // understood: the presentation provider refuses.
                        return Err(pres::PresentationError::UnknownContext(-1).into());
                    };
                    self.acse_ctx = Some(id);
                    let apdu = acse::decode_all(&bytes)?;
                    for a in self.acse.handle(AcseEvent::Incoming(apdu))? {
                        if let AcseAction::Deliver(Apdu::Aarq(aarq)) = a {
                            let bind = RosBind::from_user_information(&aarq.user_information)
                                .and_then(Result::ok);
                            let session = self.peer_cn.take().unwrap_or_default();
                            let ind = AssociateIndication {
                                aarq: *aarq,
                                contexts: defs
                                    .iter()
                                    .cloned()
                                    .zip(results.iter().cloned())
                                    .collect(),
                                bind,
                                cp: (*cp).clone(),
                                session,
                            };
                            ev.push(StackEvent::AssociateIndication(Box::new(ind)));
                        }
                    }
                }
                PA::Accepted(cpa) => {
                    let ctx = self.acse_ctx.unwrap_or(1);
                    let bytes = single_in(cpa.user_data.as_ref(), ctx)
                        .ok_or(pres::PresentationError::UnknownContext(ctx))?;
                    let apdu = acse::decode_all(&bytes)?;
                    for a in self.acse.handle(AcseEvent::Incoming(apdu))? {
                        if let AcseAction::Deliver(Apdu::Aare(aare)) = a {
                            ev.push(StackEvent::AssociateConfirm(aare));
                        }
                    }
                }
                PA::Refused(cpr) => {
                    let ctx = self.acse_ctx.unwrap_or(1);
                    let aare = match single_in(cpr.user_data.as_ref(), ctx) {
                        Some(b) => match acse::decode_all(&b)? {
                            Apdu::Aare(a) => Some(a),
                            _ => None,
                        },
                        None => None,
                    };
                    ev.push(StackEvent::AssociateRefused {
                        aare,
                        presentation_reason: cpr.provider_reason,
                        session_reason: None,
                        transport_reason: None,
                    });
                }
                PA::Data(carrier, pdvs) => {
                    for pdv in pdvs {
                        let PdvValue::Single(bytes) = pdv.value else {
                            return Err(
                                pres::PresentationError::UnknownContext(pdv.context_id).into()
                            );
                        };
                        if Some(pdv.context_id) == self.acse_ctx {
                            let apdu = acse::decode_all(&bytes)?;
                            for a in self.acse.handle(AcseEvent::Incoming(apdu))? {
                                match a {
                                    AcseAction::Deliver(Apdu::Rlrq(r))
                                        if carrier == Carrier::Release =>
                                    {
                                        ev.push(StackEvent::ReleaseIndication(r))
                                    }
                                    AcseAction::Deliver(Apdu::Rlre(r))
                                        if carrier == Carrier::ReleaseResponse =>
                                    {
                                        ev.push(StackEvent::ReleaseConfirm(r))
                                    }
                                    _ => {
                                        return Err(acse::AcseError::Unexpected {
                                            what: "APDU in data",
                                            state: self.acse.state(),
                                        }
                                        .into());
                                    }
                                }
                            }
                        } else {
                            for a in self.rose.handle(RoseEvent::Incoming(bytes))? {
                                match a {
                                    RoseAction::Deliver(pdu) => ev.push(StackEvent::Rose {
                                        context_id: pdv.context_id,
                                        pdu,
                                    }),
                                    // Peer mistakes answered with a reject in the same context.
                                    RoseAction::Send(p) => {
                                        let ud =
                                            UserData::single(pdv.context_id, rose::to_bytes(&p));
                                        let acts = self.pres.handle(PE::Send(Carrier::Data, ud))?;
                                        self.pres_actions(acts, ev)?;
                                    }
                                }
                            }
                        }
                    }
                }
                PA::Aborted(ppdu) => {
                    let abrt = match &ppdu {
                        Ppdu::Aru(aru) => self
                            .acse_ctx
                            .and_then(|c| single_in(aru.user_data.as_ref(), c))
                            .and_then(|b| acse::decode_all(&b).ok())
                            .and_then(|a| match a {
                                Apdu::Abrt(ab) => Some(ab),
                                _ => None,
                            }),
                        _ => None,
                    };
                    let provider = matches!(ppdu, Ppdu::Arp(_)).then_some(ppdu);
                    ev.push(StackEvent::Aborted { abrt, provider });
                }
            }
        }
        Ok(())
    }

    /// Aborts with the failing layer's abort; the association is over afterwards.
    fn fail(&mut self, e: OsiError, ev: &mut Vec<StackEvent>) {
        use presentation_state as ps;
        let abort_bytes: Option<Bytes> = match &e {
            OsiError::Tpkt(_) => None,
            OsiError::Tp0(t) => match t.abort(self.tp.remote_ref()) {
                Tp0Abort::Error(er) => {
                    let _ = self.write_tpdu(&er);
                    None
                }
                Tp0Abort::CloseTransport => None,
            },
            OsiError::Session(s) => Some(spdu_bytes(&s.abort())),
            OsiError::Presentation(p) => {
                if ps::connecting(&self.pres) {
                    Some(refuse_bytes(&pres::to_bytes(&p.refusal())))
                } else {
                    Some(abort_with(&pres::to_bytes(&p.abort())))
                }
            }
            OsiError::Acse(a) => {
                if ps::connecting(&self.pres) {
                    let cpr = Ppdu::Cpr(Box::new(pres::Cpr {
                        provider_reason: Some(pres::provider_reason::USER_DATA_NOT_READABLE),
                        ..pres::Cpr::default()
                    }));
                    Some(refuse_bytes(&pres::to_bytes(&cpr)))
                } else {
                    let ctx = self.acse_ctx.unwrap_or(1);
                    let aru = Ppdu::Aru(Box::new(pres::Aru {
                        contexts: None,
                        user_data: Some(UserData::single(ctx, acse::to_bytes(&a.abort()))),
                    }));
                    Some(abort_with(&pres::to_bytes(&aru)))
                }
            }
            // ROSE problems from the peer become rejects, never errors; nothing to add.
            OsiError::Rose(_) => None,
        };
        // Session-level aborts and refusals only make sense once a transport connection is
        // open; before that, closing is the only remedy.
        if let Some(tsdu) = abort_bytes
            && self.tp.state() == tp0::Tp0State::Open
            && let Ok(acts) = self.tp.handle(Tp0Event::Data(tsdu))
        {
            for a in acts {
                if let Tp0Action::Send(t) = a {
                    let _ = self.write_tpdu(&t);
                }
            }
        }
        ev.push(StackEvent::ProtocolError(e));
        self.close(ev);
    }
}

mod presentation_state {
    use crate::osi::presentation::{Presentation, PresentationState};
    /// Whether the presentation connection is still being established.
    pub fn connecting(p: &Presentation) -> bool {
        matches!(
            p.state(),
            PresentationState::Idle | PresentationState::WaitAccept
        )
    }
}

fn spdu_bytes(s: &session::Spdu) -> Bytes {
    let mut b = BytesMut::new();
    session::encode(s, &mut b);
    b.freeze()
}

/// An RF refusing with the presentation user data `ud` (the presentation entity is the
/// session user, so its refusal is a rejection by the called SS-user).
fn refuse_bytes(ud: &Bytes) -> Bytes {
    let mut rf = session::Spdu::new(session::Kind::Rf);
    rf.params.transport_disconnect = Some(1);
    rf.params.reason = Some(session::ReasonCode {
        code: session::reason::BY_USER,
        user_data: ud.clone(),
    });
    spdu_bytes(&rf)
}

/// An AB releasing the transport with user data `ud`.
fn abort_with(ud: &Bytes) -> Bytes {
    let mut ab = session::Spdu::new(session::Kind::Ab);
    ab.params.transport_disconnect = Some(0x01);
    ab.params.user_data = Some(ud.clone());
    spdu_bytes(&ab)
}

/// The single-ASN1-type value for context `ctx` in `ud`.
fn single_in(ud: Option<&UserData>, ctx: i64) -> Option<Bytes> {
    match ud? {
        UserData::Full(list) => list.iter().find_map(|p| match &p.value {
            PdvValue::Single(b) if p.context_id == ctx => Some(b.clone()),
            _ => None,
        }),
        UserData::Simple(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osi::acse::Diagnostic;
    use proptest::prelude::*;

    fn oid(o: &rasn::types::Oid) -> ObjectIdentifier {
        ObjectIdentifier::from(o)
    }

    fn connect_params() -> ConnectParams {
        let ber = vec![oid(oids::ID_BER)];
        ConnectParams {
            calling_tsel: Some(Bytes::from_static(b"UA")),
            called_tsel: Some(Bytes::from_static(b"3001")),
            calling_ssel: None,
            called_ssel: None,
            calling_psel: None,
            called_psel: None,
            contexts: vec![
                ContextDef {
                    id: 1,
                    abstract_syntax: oid(oids::ID_AS_ACSE),
                    transfer_syntaxes: ber.clone(),
                },
                ContextDef {
                    id: 3,
                    abstract_syntax: oid(oids::ID_AS_MS_88),
                    transfer_syntaxes: ber.clone(),
                },
                ContextDef {
                    id: 5,
                    abstract_syntax: oid(oids::ID_AS_MTA_RTSE),
                    transfer_syntaxes: ber,
                },
            ],
            aarq: Aarq::new(
                oid(oids::ID_AC_MS_ACCESS_88),
                vec![RosBind::Invoke(Bytes::from_static(&[0x31, 0x00])).to_external(3)],
            ),
        }
    }

    /// Moves the output of `from` into `to`; returns what `to` reported.
    fn pump(from: &mut Stack, to: &mut Stack) -> Vec<StackEvent> {
        let b = from.take_output();
        to.feed(&b)
    }

    /// The TSDUs' first SPDU kinds and the TPDUs in `bytes`.
    fn tpdus(bytes: &[u8]) -> Vec<tp0::Tpdu> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some((t, used)) = tpkt::decode(rest, 65535).unwrap() {
            out.push(tp0::decode(&t.payload).unwrap().unwrap().0);
            rest = &rest[used..];
        }
        assert!(rest.is_empty());
        out
    }

    fn spdu_kind(t: &tp0::Tpdu) -> session::Kind {
        let tp0::Tpdu::Dt { data, .. } = t else {
            panic!("not a DT: {t:?}")
        };
        session::decode_tsdu(data).unwrap().last().unwrap().kind
    }

    /// An initiator and a responder (P7 1988 abstract syntax) with an accepted association.
    fn associated() -> (Stack, Stack) {
        let mut ini = Stack::new(Role::Initiator, Limits::default(), vec![], None);
        let mut res = Stack::new(
            Role::Responder,
            Limits::default(),
            vec![oid(oids::ID_AS_MS_88)],
            None,
        );
        ini.connect(connect_params()).unwrap();
        pump(&mut ini, &mut res);
        pump(&mut res, &mut ini);
        let ev = pump(&mut ini, &mut res);
        let StackEvent::AssociateIndication(ind) = &ev[0] else {
            panic!()
        };
        res.accept(acse::accept(&ind.aarq, vec![])).unwrap();
        pump(&mut res, &mut ini);
        (ini, res)
    }

    #[test]
    fn full_exchange_initiator_to_responder() {
        let mut ini = Stack::new(Role::Initiator, Limits::default(), vec![], None);
        let mut res = Stack::new(
            Role::Responder,
            Limits::default(),
            vec![oid(oids::ID_AS_MS_88)],
            Some(vec![Code::Local(20), Code::Local(21)]),
        );
        ini.connect(connect_params()).unwrap();
        // CR → CC.
        let ev = pump(&mut ini, &mut res);
        assert!(matches!(ev[0], StackEvent::TransportConnected(_)));
        let out = res.take_output();
        let t = tpdus(&out);
        assert!(matches!(&t[0], tp0::Tpdu::Cc(c) if c.tpdu_size == Some(0x0b)));
        ini.feed(&out);
        // CN/CP/AARQ → indication.
        let ev = pump(&mut ini, &mut res);
        let StackEvent::AssociateIndication(ind) = &ev[0] else {
            panic!("{ev:?}")
        };
        assert_eq!(ind.aarq.application_context, oid(oids::ID_AC_MS_ACCESS_88));
        assert_eq!(
            ind.bind,
            Some(RosBind::Invoke(Bytes::from_static(&[0x31, 0x00])))
        );
        assert_eq!(ind.contexts[1].1.result, pres::result::ACCEPTANCE);
        assert_eq!(
            ind.contexts[2].1.provider_reason,
            Some(pres::context_reason::ABSTRACT_SYNTAX_NOT_SUPPORTED)
        );
        assert_eq!(ind.session.requirements, Some(session::fu::DUPLEX));
        let aare = acse::accept(
            &ind.aarq,
            vec![RosBind::Result(Bytes::from_static(&[0x31, 0x00])).to_external(3)],
        );
        res.accept(aare).unwrap();
        // AC/CPA/AARE.
        let out = res.take_output();
        assert_eq!(spdu_kind(&tpdus(&out)[0]), session::Kind::Ac);
        let ev = ini.feed(&out);
        let StackEvent::AssociateConfirm(aare) = &ev[0] else {
            panic!("{ev:?}")
        };
        assert_eq!(aare.result, acse::result::ACCEPTED);
        assert_eq!(aare.diagnostic, Diagnostic::User(0));
        assert_eq!(ini.contexts().len(), 2);
        // Invoke both ways; duplicate id and unknown operation rejected by the responder.
        let id = ini
            .invoke(3, Code::Local(21), Some(Bytes::from_static(&[0x31, 0x00])))
            .unwrap();
        let ev = pump(&mut ini, &mut res);
        let StackEvent::Rose {
            context_id: 3,
            pdu: RosePdu::Invoke { invoke_id, .. },
        } = &ev[0]
        else {
            panic!("{ev:?}")
        };
        assert_eq!(*invoke_id, Some(id));
        assert!(ini.invoke(5, Code::Local(21), None).is_err());
        let op99 = ini.invoke(3, Code::Local(99), None).unwrap();
        assert!(pump(&mut ini, &mut res).is_empty());
        let ev = pump(&mut res, &mut ini);
        let StackEvent::Rose {
            pdu: RosePdu::Reject { invoke_id, problem },
            ..
        } = &ev[0]
        else {
            panic!("{ev:?}")
        };
        assert_eq!(
            (*invoke_id, *problem),
            (Some(op99), rose::Problem::Invoke(1))
        );
        res.respond(
            3,
            RosePdu::Result {
                invoke_id: Some(id),
                result: Some((Code::Local(21), Bytes::from_static(&[0x31, 0x00]))),
            },
        )
        .unwrap();
        let ev = pump(&mut res, &mut ini);
        assert!(matches!(
            &ev[0],
            StackEvent::Rose {
                pdu: RosePdu::Result { .. },
                ..
            }
        ));
        let alert = res.invoke(3, Code::Local(25), None).unwrap();
        let ev = pump(&mut res, &mut ini);
        assert!(matches!(
            &ev[0],
            StackEvent::Rose {
                pdu: RosePdu::Invoke { .. },
                ..
            }
        ));
        ini.respond(
            3,
            RosePdu::Result {
                invoke_id: Some(alert),
                result: None,
            },
        )
        .unwrap();
        assert!(matches!(
            &pump(&mut ini, &mut res)[0],
            StackEvent::Rose {
                pdu: RosePdu::Result { .. },
                ..
            }
        ));
        // RLRQ in FN → RLRE in DN.
        ini.release(Release {
            reason: Some(0),
            user_information: vec![],
        })
        .unwrap();
        let out = ini.take_output();
        assert_eq!(spdu_kind(&tpdus(&out)[0]), session::Kind::Fn);
        let ev = res.feed(&out);
        assert!(matches!(&ev[0], StackEvent::ReleaseIndication(_)));
        res.release_response(Release {
            reason: Some(0),
            user_information: vec![],
        })
        .unwrap();
        let out = res.take_output();
        assert_eq!(spdu_kind(&tpdus(&out)[0]), session::Kind::Dn);
        assert!(res.is_closed());
        let ev = ini.feed(&out);
        assert!(matches!(&ev[0], StackEvent::ReleaseConfirm(_)));
        assert!(matches!(&ev[1], StackEvent::CloseTransport));
    }

    #[test]
    fn refusal_reaches_initiator() {
        let mut ini = Stack::new(Role::Initiator, Limits::default(), vec![], None);
        let mut res = Stack::new(Role::Responder, Limits::default(), vec![], None);
        ini.connect(connect_params()).unwrap();
        pump(&mut ini, &mut res);
        pump(&mut res, &mut ini);
        let ev = pump(&mut ini, &mut res);
        let StackEvent::AssociateIndication(ind) = &ev[0] else {
            panic!()
        };
        let aare = acse::reject(
            &ind.aarq,
            acse::user_diag::APPLICATION_CONTEXT_NOT_SUPPORTED,
            vec![],
        );
        res.reject(aare).unwrap();
        assert!(res.is_closed());
        let ev = pump(&mut res, &mut ini);
        let StackEvent::AssociateRefused {
            aare: Some(aare), ..
        } = &ev[0]
        else {
            panic!("{ev:?}")
        };
        assert_eq!(aare.diagnostic, Diagnostic::User(2));
    }

    #[test]
    fn garbage_after_association_aborts_only_the_stack() {
        let (mut ini, mut res) = associated();
        // A DT whose presentation data is garbage: presentation ARP inside a session AB.
        let mut b = BytesMut::new();
        tpkt::encode(
            &[2, 0xf0, 0x80, 1, 0, 1, 0, 0x61, 0x03, 0x30, 0x01, 0x00],
            &mut b,
        )
        .unwrap();
        let ev = res.feed(&b);
        assert!(matches!(
            ev[0],
            StackEvent::ProtocolError(OsiError::Presentation(_))
        ));
        assert!(matches!(ev[1], StackEvent::CloseTransport));
        let out = res.take_output();
        let t = tpdus(&out);
        assert_eq!(spdu_kind(&t[0]), session::Kind::Ab);
        let ev = ini.feed(&out);
        assert!(matches!(
            &ev[0],
            StackEvent::Aborted {
                provider: Some(Ppdu::Arp(_)),
                ..
            }
        ));
    }

    #[test]
    fn large_invoke_is_segmented_and_reassembled() {
        let (mut ini, mut res) = associated();
        let mut arg = BytesMut::new();
        crate::osi::ber::put_tlv(&mut arg, crate::osi::ber::OCTET_STRING, &vec![0x5a; 10_000]);
        let arg = arg.freeze();
        ini.invoke(3, Code::Local(22), Some(arg.clone())).unwrap();
        let out = ini.take_output();
        let t = tpdus(&out);
        assert!(t.len() >= 5, "{} DTs", t.len());
        for (i, d) in t.iter().enumerate() {
            let tp0::Tpdu::Dt { eot, data } = d else {
                panic!()
            };
            assert_eq!(*eot, i == t.len() - 1);
            assert!(data.len() <= 2048 - 3);
        }
        // Fed one octet at a time, it still arrives whole.
        let mut got = Vec::new();
        for b in out.iter() {
            got.extend(res.feed(&[*b]));
        }
        let [
            StackEvent::Rose {
                pdu: RosePdu::Invoke { argument, .. },
                ..
            },
        ] = &got[..]
        else {
            panic!("{got:?}")
        };
        assert_eq!(argument.as_ref(), Some(&arg));
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..6)) {
            let mut res = Stack::new(Role::Responder, Limits::default(), vec![], None);
            for c in &chunks {
                let _ = res.feed(c);
            }
        }
    }
}
