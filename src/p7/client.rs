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
                    _ => Err(ClientError::Protocol(format!("error {c} not understood"))),
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
    edition: Edition,
    /// What the store answered to the bind.
    pub bind_result: x::MSBindResult,
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
                    Some(b) => ClientError::BindRefused(format!("bind-problem {}", b.problem().0)),
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
            assoc,
            edition: o.edition,
            bind_result,
        })
    }

    /// The edition bound.
    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// Invokes an operation with an encoded argument and returns the result TLV.
    pub async fn invoke_raw(
        &self,
        op: Operation,
        arg: Bytes,
    ) -> Result<Option<Bytes>, ClientError> {
        self.handle().invoke_raw(op, arg).await
    }

    /// A cloneable handle invoking on this association, so that one task can wait for
    /// alerts ([`P7Client::next_alert`]) while others fetch and delete (the bench's UAs).
    pub fn handle(&self) -> P7Handle {
        P7Handle {
            handle: self.assoc.handle(),
        }
    }

    async fn call<A: rasn::Encode, R: rasn::Decode>(
        &self,
        op: Operation,
        arg: &A,
    ) -> Result<R, ClientError> {
        self.handle().call(op, arg).await
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
