//! OSI upper layers for P7 and P3 (DESIGN.md §2): RFC 1006 TPKT, ISO 8073 class 0, X.225
//! session, X.226 presentation, X.227 ACSE and X.880 ROSE — pure codecs and state machines,
//! no I/O.
//!
//! Every layer offers `decode(&[u8]) -> Result<Option<(Pdu, usize)>, LayerError>` (`None`: more
//! bytes needed), `encode(&Pdu, &mut BytesMut)` and a state machine whose `handle(event)`
//! returns the actions to take. [`stack::Stack`] strings them together so a connection driver
//! only moves bytes. Each layer's error says which abort it maps to.

pub mod acse;
pub mod ber;
#[doc(hidden)]
pub mod fuzz;
pub mod presentation;
pub mod rose;
pub mod rtse;
pub mod session;
pub mod stack;
pub mod tp0;
pub mod tpkt;

/// Test helper shared by the layers' byte-vector tests: the bytes of a hex string
/// (`"6203"` → `[0x62, 0x03]`).
#[cfg(test)]
pub(crate) fn test_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Bounds on what a peer may make us allocate; every length read from the wire is checked
/// against these before buffering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest TPKT (header included) accepted; RFC 1006 allows up to 65535.
    pub max_tpkt: usize,
    /// Largest reassembled TSDU (the sum of the DTs up to EOT).
    pub max_tsdu: usize,
    /// TPDU size code proposed in CR and the ceiling accepted in CC (ISO 8073 §13.3.4 b:
    /// 0x07 = 128 … 0x0b = 2048, the class-0 maximum).
    pub tpdu_size_code: u8,
    /// Most presentation contexts accepted in one CP.
    pub max_contexts: usize,
    /// Most ROSE invocations outstanding per direction.
    pub max_outstanding_invokes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_tpkt: 65535,
            max_tsdu: 4 * 1024 * 1024,
            tpdu_size_code: 0x0b,
            max_contexts: 32,
            max_outstanding_invokes: 64,
        }
    }
}

/// Any OSI layer's error, so a driver can use `?` and still find the layer's abort.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OsiError {
    /// RFC 1006 framing.
    #[error("TPKT: {0}")]
    Tpkt(#[from] tpkt::TpktError),
    /// ISO 8073 class 0.
    #[error("transport: {0}")]
    Tp0(#[from] tp0::Tp0Error),
    /// X.225 session.
    #[error("session: {0}")]
    Session(#[from] session::SessionError),
    /// X.226 presentation.
    #[error("presentation: {0}")]
    Presentation(#[from] presentation::PresentationError),
    /// X.227 ACSE.
    #[error("ACSE: {0}")]
    Acse(#[from] acse::AcseError),
    /// X.880 ROSE.
    #[error("ROSE: {0}")]
    Rose(#[from] rose::RoseError),
}
