//! The initiator side (X.419 ms-access and mts-access as the calling party): open a TCP
//! connection (RFC 1006), propose the application context's presentation contexts, bind with
//! an MS-Bind or MTS-Bind argument in the AARQ (X.880 bind-invoke), and get a bound
//! [`Association`] or the bind error.

use bytes::Bytes;
use rasn::types::ObjectIdentifier;
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::driver::Driver;
use super::{AppContext, AssocError, Association, Settings};
use crate::asn1::oids;
use crate::osi::acse::{Aarq, AeTitle, Diagnostic, RosBind};
use crate::osi::presentation::ContextDef;
use crate::osi::stack::ConnectParams;

/// What to connect to and how to bind.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    /// `host:port` of the responder.
    pub address: String,
    /// Called T-selector (Isode's P7 default: "3001").
    pub called_tsel: Option<Bytes>,
    /// Calling T-selector.
    pub calling_tsel: Option<Bytes>,
    /// The application context.
    pub application_context: AppContext,
    /// Abstract syntaxes proposed besides ACSE, in order (identifiers 3, 5, 7, …); the
    /// bind syntax is added when missing. Default: all of the context's.
    pub abstract_syntaxes: Vec<ObjectIdentifier>,
    /// The bind argument TLV (MSBindArgument or MTSBindArgument).
    pub bind_argument: Bytes,
    /// Calling AE-title in the AARQ.
    pub calling_ae: AeTitle,
    /// Called AE-title in the AARQ.
    pub called_ae: AeTitle,
    /// Limits and timeouts (the bind timeout covers TCP connect to AARE).
    pub settings: Settings,
}

impl ConnectRequest {
    /// A request proposing every abstract syntax of `application_context`.
    pub fn new(
        address: impl Into<String>,
        application_context: AppContext,
        bind_argument: Bytes,
    ) -> Self {
        ConnectRequest {
            address: address.into(),
            called_tsel: None,
            calling_tsel: None,
            application_context,
            abstract_syntaxes: application_context.abstract_syntaxes(),
            bind_argument,
            calling_ae: AeTitle::default(),
            called_ae: AeTitle::default(),
            settings: Settings::default(),
        }
    }

    /// Sets the called T-selector.
    pub fn called_tsel(mut self, tsel: &[u8]) -> Self {
        self.called_tsel = Some(Bytes::copy_from_slice(tsel));
        self
    }

    /// Sets the settings.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }
}

/// Why [`connect`] did not produce an association.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The TCP connection could not be made.
    #[error("connect: {0}")]
    Io(String),
    /// No AARE within the bind timeout.
    #[error("bind timed out")]
    Timeout,
    /// The responder refused the bind (AARE rejected), with its bind-error TLV when it sent
    /// one.
    #[error("bind refused ({diagnostic:?})")]
    BindRefused {
        /// The bind-error parameter TLV.
        error: Option<Bytes>,
        /// The AARE's result-source-diagnostic.
        diagnostic: Diagnostic,
    },
    /// A lower layer refused (transport DR, session RF, presentation CPR without an AARE).
    #[error("refused: {0}")]
    Refused(String),
    /// The association failed while binding.
    #[error(transparent)]
    Failed(#[from] AssocError),
}

/// Connects and binds; returns the association and the bind result TLV.
pub async fn connect(req: ConnectRequest) -> Result<(Association, Bytes), ConnectError> {
    let settings = req.settings.clone();
    let connecting = TcpStream::connect(req.address.as_str());
    let stream = if settings.bind_timeout.is_zero() {
        connecting.await
    } else {
        tokio::time::timeout(settings.bind_timeout, connecting)
            .await
            .map_err(|_| ConnectError::Timeout)?
    }
    .map_err(|e| ConnectError::Io(e.to_string()))?;
    let _ = stream.set_nodelay(true);
    let peer = stream
        .peer_addr()
        .map_err(|e| ConnectError::Io(e.to_string()))?;

    let ber = vec![ObjectIdentifier::from(oids::ID_BER)];
    let mut syntaxes = req.abstract_syntaxes.clone();
    let bind_syntax = ObjectIdentifier::from(req.application_context.bind_syntax().oid());
    if !syntaxes.contains(&bind_syntax) {
        syntaxes.push(bind_syntax.clone());
    }
    let mut contexts = vec![ContextDef {
        id: 1,
        abstract_syntax: ObjectIdentifier::from(oids::ID_AS_ACSE),
        transfer_syntaxes: ber.clone(),
    }];
    let mut bind_ctx = 1;
    for (id, s) in (3..).step_by(2).zip(syntaxes) {
        if s == bind_syntax {
            bind_ctx = id;
        }
        contexts.push(ContextDef {
            id,
            abstract_syntax: s,
            transfer_syntaxes: ber.clone(),
        });
    }
    let params = ConnectParams {
        calling_tsel: req.calling_tsel.clone(),
        called_tsel: req.called_tsel.clone(),
        calling_ssel: None,
        called_ssel: None,
        calling_psel: None,
        called_psel: None,
        contexts,
        aarq: Aarq {
            protocol_version: None,
            application_context: ObjectIdentifier::from(req.application_context.oid()),
            called: req.called_ae.clone(),
            calling: req.calling_ae.clone(),
            acse_requirements: None,
            mechanism_name: None,
            authentication_value: None,
            implementation_information: None,
            user_information: vec![
                RosBind::Invoke(req.bind_argument.clone()).to_external(bind_ctx),
            ],
        },
    };
    let (confirm, rx) = oneshot::channel();
    let driver = Driver::initiator(
        stream,
        peer,
        settings,
        req.application_context,
        params,
        confirm,
    )?;
    tokio::spawn(driver.run(None));
    rx.await
        .map_err(|_| ConnectError::Failed(AssocError::Refused("driver ended".into())))?
}
