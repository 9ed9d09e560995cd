//! The UA side of P7 (X.419 ms-access-88 / ms-access-94 as initiator): bind with an O/R
//! address and a simple password, invoke Summarize, List, Fetch and Delete, and read results
//! and X.413 errors; what the `p7` tool and the tests use.

use bytes::Bytes;

use super::Edition;
use crate::address::{ORAddress, ORName};
use crate::asn1::x411::{Credentials, Password};
use crate::asn1::x413::{self as x, BindProblem, MSBindError, P7Error};
use crate::assoc::client::{ConnectError, ConnectRequest, connect};
use crate::assoc::{
    AssocError, Association, AssociationHandle, Event, Operation, Outcome, Settings,
};
use crate::osi::rose::{Code, Problem};

/// Where and as whom to bind.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `host:port`.
    pub address: String,
    /// Called T-selector.
    pub tsel: Option<Vec<u8>>,
    /// The user's O/R address.
    pub user: ORAddress,
    /// The user's directory name (X.501 Name BER), sent in the initiator-name's
    /// directory-name.
    pub directory_name: Option<Vec<u8>>,
    /// The user's password.
    pub password: Vec<u8>,
    /// 1988 or 1994.
    pub edition: Edition,
    /// Ask for the MS configuration in the bind.
    pub configuration_request: bool,
    /// MS-Bind fetch-restrictions.
    pub fetch_restrictions: Option<x::Restrictions>,
    /// Limits and timeouts.
    pub settings: Settings,
}

/// Why a P7 request failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The store could not be reached.
    #[error("cannot reach the message store: {0}")]
    Connect(String),
    /// The store refused the bind with authentication-error.
    #[error("bind refused: authentication failed (wrong O/R address or password)")]
    Authentication,
    /// The store refused the bind for another reason.
    #[error("bind refused: {0}")]
    BindRefused(String),
    /// The operation returned an X.413 error.
    #[error("{}", describe(.0))]
    Operation(P7Error),
    /// The operation returned an X.411 error (MS-submission: the MTA's error passed on, or
    /// remote-bind-error when the store could not reach its MTA).
    #[error("{}", x411_error_name(*.0))]
    X411(i64),
    /// The store rejected the operation (ROSE reject).
    #[error("operation rejected by the store: {0:?}")]
    Rejected(Problem),
    /// The answer could not be decoded, or the association failed.
    #[error("protocol: {0}")]
    Protocol(String),
}

/// One line saying what an X.413 error means.
pub fn describe(e: &P7Error) -> String {
    match e {
        P7Error::SequenceNumber(p) => {
            let seqs: Vec<String> = p
                .problems
                .iter()
                .map(|i| i.sequence_number.to_string())
                .collect();
            format!("sequence-number-error: no such entry {}", seqs.join(", "))
        }
        P7Error::Attribute(p) => {
            let items: Vec<String> = p
                .problems
                .iter()
                .map(|i| format!("problem {} on {}", i.problem.0, oid_text(&i.r#type)))
                .collect();
            format!("attribute-error: {}", items.join("; "))
        }
        P7Error::InvalidParameters => "invalid-parameters-error".into(),
        P7Error::Range(_) => "range-error: range reversed".into(),
        P7Error::Service(p) => format!("service-error: problem {}", p.problem.0),
        P7Error::Security(p) => format!("security-error: problem {}", p.0),
        P7Error::FetchRestriction(_) => "fetch-restriction-error".into(),
        P7Error::Delete(p) => {
            let seqs: Vec<String> = p
                .problems
                .iter()
                .map(|i| i.sequence_number.to_string())
                .collect();
            format!("delete-error: entries {}", seqs.join(", "))
        }
        P7Error::EntryClass(p) => format!("entry-class-error: class {}", p.entry_class.0),
        e => format!("error {}", e.code()),
    }
}

/// One line for a refused bind: the X.413 problem's name, and the store's reason when it gave
/// one (1994 qualified-error), else a pointer to where the reason is.
fn bind_refusal(e: &MSBindError) -> String {
    let p = e.problem();
    let name = match p {
        BindProblem::AUTHENTICATION_ERROR => "authentication-error".to_owned(),
        BindProblem::UNACCEPTABLE_SECURITY_CONTEXT => "unacceptable-security-context".to_owned(),
        BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION => {
            "unable-to-establish-association".to_owned()
        }
        BindProblem::BIND_EXTENSION_PROBLEM => "bind-extension-problem".to_owned(),
        BindProblem::INADEQUATE_ASSOCIATION_CONFIDENTIALITY => {
            "inadequate-association-confidentiality".to_owned()
        }
        other => format!("bind-problem {}", other.0),
    };
    let info = match e {
        MSBindError::QualifiedError(q) => q
            .supplementary_information
            .as_ref()
            .map(|g| String::from_utf8_lossy(g.as_bytes()).trim().to_owned())
            .filter(|s| !s.is_empty()),
        MSBindError::UnqualifiedError(_) => None,
    };
    match info {
        Some(i) => format!("{name} ({i})"),
        None => format!("{name} (the store gave no reason; its log says why)"),
    }
}

/// The name of an X.411 error code (X.419 local values), for messages.
pub fn x411_error_name(code: i64) -> String {
    use crate::asn1::x411::err;
    let name = match code {
        err::SUBMISSION_CONTROL_VIOLATED => "submission-control-violated",
        err::ORIGINATOR_INVALID => "originator-invalid",
        err::RECIPIENT_IMPROPERLY_SPECIFIED => "recipient-improperly-specified",
        err::ELEMENT_OF_SERVICE_NOT_SUBSCRIBED => "element-of-service-not-subscribed",
        err::OLD_CREDENTIALS_INCORRECTLY_SPECIFIED => "old-credentials-incorrectly-specified",
        err::NEW_CREDENTIALS_UNACCEPTABLE => "new-credentials-unacceptable",
        err::MESSAGE_SUBMISSION_IDENTIFIER_INVALID => "message-submission-identifier-invalid",
        err::DEFERRED_DELIVERY_CANCELLATION_REJECTED => "deferred-delivery-cancellation-rejected",
        err::INCONSISTENT_REQUEST => "inconsistent-request",
        err::SECURITY_ERROR => "security-error",
        err::UNSUPPORTED_CRITICAL_FUNCTION => "unsupported-critical-function",
        err::REMOTE_BIND_ERROR => {
            return "remote-bind-error: the message store could not reach its MTA".into();
        }
        _ => return format!("error {code}"),
    };
    name.to_string()
}

/// What the store answered to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The MTA's result: message-submission-identifier and submission time.
    pub result: crate::asn1::x411::MessageSubmissionResult,
    /// The submission-class entry the store kept (1994 `created-entry`).
    pub created_entry: Option<u32>,
}

fn oid_text(o: &rasn::types::Oid) -> String {
    o.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

impl ClientOptions {
    /// Options for `user` with `password` on `address`, 1988 context, configuration requested.
    pub fn new(address: impl Into<String>, user: ORAddress, password: &[u8]) -> Self {
        ClientOptions {
            address: address.into(),
            tsel: None,
            user,
            directory_name: None,
            password: password.to_vec(),
            edition: Edition::V88,
            configuration_request: true,
            fetch_restrictions: None,
            settings: Settings::default(),
        }
    }
}

impl From<AssocError> for ClientError {
    fn from(e: AssocError) -> Self {
        ClientError::Protocol(e.to_string())
    }
}

/// Invokes operations on a bound P7 association from any task.
#[derive(Debug, Clone)]
pub struct P7Handle {
    handle: AssociationHandle,
}

impl P7Handle {
    /// Invokes an operation with an encoded argument and returns the result TLV.
    pub async fn invoke_raw(
        &self,
        op: Operation,
        arg: Bytes,
    ) -> Result<Option<Bytes>, ClientError> {
        match self.handle.invoke(op, Some(arg)).await? {
            Outcome::Result(r) => Ok(r),
            Outcome::Error { code, parameter } => {
                let Code::Local(c) = code else {
                    return Err(ClientError::Protocol("global error code".into()));
                };
                match P7Error::decode(c, parameter.as_deref().unwrap_or(&[])) {
                    Ok(Some(e)) => Err(ClientError::Operation(e)),
                    // Not an X.413 code: one of the X.411 errors P7 borrows.
                    Ok(None) => Err(ClientError::X411(c)),
                    Err(_) => Err(ClientError::Protocol(format!("error {c} not understood"))),
                }
            }
            Outcome::Rejected(p) => Err(ClientError::Rejected(p)),
        }
    }

    async fn call<A: rasn::Encode, R: rasn::Decode>(
        &self,
        op: Operation,
        arg: &A,
    ) -> Result<R, ClientError> {
        let ber = x::encode(arg).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let r = self.invoke_raw(op, Bytes::from(ber)).await?;
        let b = r.ok_or_else(|| ClientError::Protocol("result without a value".into()))?;
        x::decode(&b).map_err(|e| ClientError::Protocol(format!("{op:?} result: {e}")))
    }

    /// Summarize.
    pub async fn summarize(
        &self,
        a: &x::SummarizeArgument,
    ) -> Result<x::SummarizeResult, ClientError> {
        self.call(Operation::Summarize, a).await
    }

    /// List.
    pub async fn list(&self, a: &x::ListArgument) -> Result<x::ListResult, ClientError> {
        self.call(Operation::List, a).await
    }

    /// Fetch.
    pub async fn fetch(&self, a: &x::FetchArgument) -> Result<x::FetchResult, ClientError> {
        self.call(Operation::Fetch, a).await
    }

    /// Delete.
    pub async fn delete(&self, a: &x::DeleteArgument) -> Result<x::DeleteResult, ClientError> {
        self.call(Operation::Delete, a).await
    }

    /// Modify (1994 contexts).
    pub async fn modify(&self, a: &x::ModifyArgument) -> Result<x::ModifyResult, ClientError> {
        self.call(Operation::Modify, a).await
    }

    /// Register-MS.
    pub async fn register_ms(
        &self,
        a: &x::RegisterMSArgument,
    ) -> Result<x::RegisterMSResult, ClientError> {
        self.call(Operation::RegisterMs, a).await
    }

    /// Releases the association (MS-Unbind).
    pub async fn release(&self) -> Result<(), ClientError> {
        self.handle.release().await.map_err(ClientError::from)
    }
}

/// A bound P7 association.
#[derive(Debug)]
pub struct P7Client {
    assoc: Association,
    /// Invokes on `assoc` (what the client derefs to).
    ops: P7Handle,
    edition: Edition,
    /// What the store answered to the bind.
    pub bind_result: x::MSBindResult,
}

impl std::ops::Deref for P7Client {
    type Target = P7Handle;

    fn deref(&self) -> &P7Handle {
        &self.ops
    }
}

impl P7Client {
    /// Connects and binds.
    pub async fn connect(o: &ClientOptions) -> Result<P7Client, ClientError> {
        let mut name = ORName::new(o.user.clone());
        name.directory_name = o.directory_name.clone();
        let mut arg = x::MSBindArgument::simple(
            name,
            Credentials::Simple(Password::OctetString(o.password.clone().into())),
        );
        if o.configuration_request {
            arg.ms_configuration_request = Some(true);
        }
        arg.fetch_restrictions = o.fetch_restrictions.clone();
        let ber = x::encode(&arg).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let mut req = ConnectRequest::new(o.address.clone(), o.edition.context(), Bytes::from(ber))
            .settings(o.settings.clone());
        if let Some(t) = &o.tsel {
            req = req.called_tsel(t);
        }
        let (assoc, result) = connect(req).await.map_err(|e| match e {
            ConnectError::BindRefused { error, diagnostic } => {
                match error.and_then(|b| x::decode::<MSBindError>(&b).ok()) {
                    Some(b) if b.problem() == BindProblem::AUTHENTICATION_ERROR => {
                        ClientError::Authentication
                    }
                    Some(b) => ClientError::BindRefused(bind_refusal(&b)),
                    None => ClientError::BindRefused(format!("{diagnostic:?}")),
                }
            }
            ConnectError::Io(s) => ClientError::Connect(s),
            ConnectError::Timeout => ClientError::Connect("bind timed out".into()),
            e => ClientError::Connect(e.to_string()),
        })?;
        let bind_result =
            x::decode(&result).map_err(|e| ClientError::Protocol(format!("bind result: {e}")))?;
        Ok(P7Client {
            ops: P7Handle {
                handle: assoc.handle(),
            },
            assoc,
            edition: o.edition,
            bind_result,
        })
    }

    /// The edition bound.
    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// A cloneable handle invoking on this association, so that one task can wait for
    /// alerts ([`P7Client::next_alert`]) while others fetch and delete (the bench's UAs).
    /// The client itself derefs to one, for Summarize, List, Fetch, Delete, Modify and
    /// Register-MS.
    pub fn handle(&self) -> P7Handle {
        self.ops.clone()
    }

    /// Message submission through the store (X.413 §8.3.1.1): the X.411 operation on a 1988
    /// association, ms-message-submission (with no submission-options) on a 1994 one.
    pub async fn submit_message(
        &self,
        a: &crate::asn1::x411::MessageSubmissionArgument,
    ) -> Result<Submitted, ClientError> {
        self.submit_message_with(a, None).await
    }

    /// [`P7Client::submit_message`] with 1994 submission-options (ignored on 1988).
    pub async fn submit_message_with(
        &self,
        a: &crate::asn1::x411::MessageSubmissionArgument,
        options: Option<x::MSSubmissionOptions>,
    ) -> Result<Submitted, ClientError> {
        use crate::asn1::x411;
        let enc = |e: x411::X411Error| ClientError::Protocol(e.to_string());
        match self.edition {
            Edition::V88 => {
                let ber = x411::encode(a).map_err(enc)?;
                let r = self
                    .invoke_raw(Operation::MessageSubmission, Bytes::from(ber))
                    .await?
                    .ok_or_else(|| ClientError::Protocol("result without a value".into()))?;
                let result = x411::decode(&r)
                    .map_err(|e| ClientError::Protocol(format!("submission result: {e}")))?;
                Ok(Submitted {
                    result,
                    created_entry: None,
                })
            }
            Edition::V94 => {
                let arg = x::MSMessageSubmissionArgument {
                    envelope: a.envelope.clone(),
                    content: a.content.clone(),
                    submission_options: options,
                };
                match self.call(Operation::MsMessageSubmission, &arg).await? {
                    x::MSMessageSubmissionResult::MtsResult {
                        result,
                        ms_message_result,
                    } => Ok(Submitted {
                        result,
                        created_entry: ms_message_result.and_then(|m| m.created_entry),
                    }),
                    x::MSMessageSubmissionResult::StoreDraftResult(_) => Err(
                        ClientError::Protocol("a store-draft result to a submission".into()),
                    ),
                }
            }
        }
    }

    /// Probe submission through the store (X.413 §8.3.1.2).
    pub async fn submit_probe(
        &self,
        a: &crate::asn1::x411::ProbeSubmissionArgument,
    ) -> Result<crate::asn1::x411::ProbeSubmissionResult, ClientError> {
        use crate::asn1::x411;
        match self.edition {
            Edition::V88 => {
                let ber = x411::encode(a).map_err(|e| ClientError::Protocol(e.to_string()))?;
                let r = self
                    .invoke_raw(Operation::ProbeSubmission, Bytes::from(ber))
                    .await?
                    .ok_or_else(|| ClientError::Protocol("result without a value".into()))?;
                x411::decode(&r).map_err(|e| ClientError::Protocol(format!("probe result: {e}")))
            }
            Edition::V94 => {
                let arg = x::MSProbeSubmissionArgument {
                    probe: a.clone(),
                    submission_options: None,
                };
                let r: x::MSProbeSubmissionResult =
                    self.call(Operation::MsProbeSubmission, &arg).await?;
                Ok(r.result)
            }
        }
    }

    /// Cancel-deferred-delivery through the store (X.413 §8.3.1.3).
    pub async fn cancel_deferred_delivery(
        &self,
        id: &crate::asn1::x411::MTSIdentifier,
    ) -> Result<(), ClientError> {
        let op = match self.edition {
            Edition::V88 => Operation::CancelDeferredDelivery,
            Edition::V94 => Operation::MsCancelDeferredDelivery,
        };
        let ber =
            crate::asn1::x411::encode(id).map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.invoke_raw(op, Bytes::from(ber)).await.map(|_| ())
    }

    /// Waits for the next Alert the store invokes (X.413 §8.2.2.6) and answers it; other
    /// invocations are rejected. `None` when the association ends.
    pub async fn next_alert(&mut self) -> Option<x::AlertArgument> {
        while let Some(ev) = self.assoc.next_event().await {
            match ev {
                Event::Invoke(inv) if inv.operation == Operation::Alert => {
                    match inv.argument.as_deref().map(x::decode::<x::AlertArgument>) {
                        Some(Ok(a)) => {
                            // AlertResult ::= NULL
                            inv.result(Some(Bytes::from_static(&[0x05, 0x00])));
                            return Some(a);
                        }
                        _ => inv.reject(crate::osi::rose::problem::MISTYPED_ARGUMENT),
                    }
                }
                Event::Invoke(inv) => inv.reject(crate::osi::rose::problem::UNRECOGNIZED_OPERATION),
                Event::End(_) => return None,
            }
        }
        None
    }

    /// Releases the association (MS-Unbind).
    pub async fn release(self) -> Result<(), ClientError> {
        self.assoc.release().await.map_err(ClientError::from)
    }
}

/// A message a person writes, for [`compose`] (`p7 submit`, `mstore-bench submit`).
#[derive(Debug, Clone, Default)]
pub struct Compose {
    /// The originator (the bound user).
    pub originator: ORAddress,
    /// Primary recipients.
    pub to: Vec<ORAddress>,
    /// IPM subject.
    pub subject: String,
    /// The text of the one IA5 body part.
    pub text: String,
    /// Envelope priority; `None`: from the ATS priority if given, else normal.
    pub priority: Option<crate::asn1::x411::Priority>,
    /// STANAG 4406 primary precedence (0 deferred … 5 override): makes it a P772 message.
    pub precedence: Option<i64>,
    /// AMHS basic ATS message service priority indicator (`SS`, `DD`, `FF`, `GG`, `KK`):
    /// the ATS-message-header heads the text.
    pub ats_priority: Option<String>,
    /// Content identifier on the envelope.
    pub content_identifier: Option<String>,
    /// Unix time the message is written (IPM identifier, ATS filing time).
    pub at_unix: u64,
    /// Distinguishes messages composed in the same second.
    pub serial: u64,
}

/// Why a message could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ComposeError(pub String);

/// Builds the X.411 MessageSubmissionArgument for `c`: a P22 IPM (P772 when a precedence is
/// given; X.420 heading with this-IPM, originator, primary recipients, subject; one IA5 text
/// body part, headed by the ICAO ATS-message-header when an ATS priority is given) and its
/// submission envelope (originator, content type, priority, each recipient asking for
/// non-delivery reports only).
pub fn compose(c: &Compose) -> Result<crate::asn1::x411::MessageSubmissionArgument, ComposeError> {
    use crate::asn1::p772::{MmhsExtension, Precedence};
    use crate::asn1::x411::{
        self, MessageSubmissionArgument, MessageSubmissionEnvelope,
        PerRecipientMessageSubmissionFields,
    };
    use crate::asn1::x420::{
        BodyPart, Heading, InformationObject, Ipm, IpmIdentifier, ORDescriptor, RecipientSpecifier,
    };
    use crate::content::amhs::{AtsHeader, envelope_priority};
    use crate::content::builder::utc_time;

    if c.to.is_empty() {
        return Err(ComposeError("no recipient".into()));
    }
    let mut text = c.text.clone();
    if !text.is_ascii() {
        return Err(ComposeError(
            "the text must be IA5 (ASCII): the body is an IA5 text body part".into(),
        ));
    }
    let time = utc_time(c.at_unix).0;
    let mut priority = c.priority;
    if let Some(p) = &c.ats_priority {
        if !matches!(p.as_str(), "SS" | "DD" | "FF" | "GG" | "KK") {
            return Err(ComposeError(format!(
                "ATS priority `{p}` is not one of SS, DD, FF, GG, KK"
            )));
        }
        let header = AtsHeader {
            priority: p.clone(),
            filing_time: time.get(4..10).unwrap_or("010000").to_string(),
            optional_heading_info: None,
        };
        text = format!("{header}{text}");
        if priority.is_none() {
            priority = Some(match envelope_priority(p) {
                crate::content::Priority::Urgent => x411::Priority::Urgent,
                crate::content::Priority::NonUrgent => x411::Priority::NonUrgent,
                crate::content::Priority::Normal => x411::Priority::Normal,
            });
        }
    }
    let originator = ORName::new(c.originator.clone());
    let mut h = Heading::new(IpmIdentifier {
        user: Some(originator.clone()),
        user_relative_identifier: format!("{}.{:06}", time.trim_end_matches('Z'), c.serial),
    });
    h.originator = Some(ORDescriptor::name(originator.clone()));
    for r in &c.to {
        h.primary_recipients.push(RecipientSpecifier {
            recipient: ORDescriptor::name(ORName::new(r.clone())),
            ..Default::default()
        });
    }
    h.subject = Some(c.subject.clone());
    let content_type = match c.precedence {
        Some(p) => {
            if !(0..=31).contains(&p) {
                return Err(ComposeError(format!("precedence {p} is outside 0..=31")));
            }
            h.extensions = vec![MmhsExtension::PrimaryPrecedence(Precedence(p)).to_extension()];
            x411::ContentType::Extended(rasn::types::ObjectIdentifier::from(
                crate::asn1::oids::ID_MMHS_CONT_P772,
            ))
        }
        None => x411::ContentType::BuiltIn(22),
    };
    let ipm = InformationObject::Ipm(Ipm {
        heading: h,
        body: vec![BodyPart::Ia5Text {
            repertoire: None,
            data: text,
        }],
    });
    let content_identifier = match &c.content_identifier {
        Some(s) => Some(
            rasn::types::PrintableString::try_from(s.clone())
                .map_err(|_| ComposeError(format!("content identifier `{s}` is not printable")))?,
        ),
        None => None,
    };
    let envelope = MessageSubmissionEnvelope {
        originator_name: originator,
        original_encoded_information_types: None,
        content_type,
        content_identifier,
        priority,
        per_message_indicators: None,
        deferred_delivery_time: None,
        extensions: None,
        per_recipient_fields: c
            .to
            .iter()
            .map(|r| PerRecipientMessageSubmissionFields {
                recipient_name: ORName::new(r.clone()),
                // non-delivery-report (4) only.
                originator_report_request: [false, false, false, false, true].into_iter().collect(),
                explicit_conversion: None,
                extensions: None,
            })
            .collect(),
    };
    Ok(MessageSubmissionArgument {
        envelope,
        content: ipm.to_ber().into(),
    })
}
