//! ITU-T X.413 (1999) MSAbstractService and X.419 MSAccessProtocol: the P7 (MS access) types a
//! User Agent and the store exchange, hand-written for rasn.
//!
//! The module is `DEFINITIONS ::=` — **explicit** tags by default: every `[n]` wraps the
//! complete encoding of what it marks (`selector [1] Selector` → `a1 { 31 … }`,
//! `ms-configuration-request [5] BOOLEAN` → `a5 03 01 01 ff`). The only implicit tag is
//! `security-context [3] IMPLICIT` of MS-bind; X.411 types used inside keep their own
//! (implicit) tagging. SETs are decoded component by component: any order, duplicates and
//! missing mandatory components refused, unknown components skipped; indefinite lengths are
//! accepted everywhere. Attribute values stay raw ([`rasn::types::Any`]) with typed helpers in
//! [`value`]. The ASN.1 text of exactly what is implemented is in `schema/x413-ms.asn`.
//!
//! | operation (local code, [`op`]) | argument | result | errors ([`err`]) |
//! | --- | --- | --- | --- |
//! | MS-bind (ROS bind `[16]`/`[17]`/`[18]`) | [`MSBindArgument`] | [`MSBindResult`] | [`MSBindError`] ([`BindProblem`]) |
//! | summarize 20 | [`SummarizeArgument`] | [`SummarizeResult`] | attribute, invalid-parameters, range (88), security, service; entry-class, ms-extension (94) |
//! | list 21 | [`ListArgument`] | [`ListResult`] | as summarize |
//! | fetch 22 | [`FetchArgument`] | [`FetchResult`] | as summarize + fetch-restriction, sequence-number |
//! | delete 23 | [`DeleteArgument`] | [`DeleteResult`] (NULL on 88, SET on 94) | delete, invalid-parameters, range (88), security, sequence-number, service; entry-class, ms-extension (94) |
//! | register-MS 24 | [`RegisterMSArgument`] | [`RegisterMSResult`] | attribute, auto-action-request, invalid-parameters, security, service, X.411 old-credentials-incorrectly-specified / new-credentials-unacceptable; message-group, ms-extension, register-ms (94) |
//! | alert 25 (MS → UA) | [`AlertArgument`] | NULL | security |
//! | modify 26 (94) | [`ModifyArgument`] | [`ModifyResult`] | attribute, invalid-parameters, security, sequence-number, service, modify, message-group, entry-class, ms-extension |
//! | ms-message-submission 3 | [`MSMessageSubmissionArgument`] | [`MSMessageSubmissionResult`] | X.411 submission errors; ms-extension, message-group, entry-class, service (94) |
//! | ms-probe-submission 4 | [`MSProbeSubmissionArgument`] | [`MSProbeSubmissionResult`] | as ms-message-submission |
//! | ms-cancel-deferred-delivery 7, ms-submission-control 2 | X.411 types | X.411 types | X.411 errors |
//!
//! Error parameters: [`AttributeErrorParameter`], [`AutoActionRequestErrorParameter`],
//! [`DeleteErrorParameter`], [`FetchRestrictionErrorParameter`], [`RangeErrorParameter`],
//! security-error's X.411 `SecurityProblem`, [`ServiceErrorParameter`],
//! [`SequenceNumberErrorParameter`], invalid-parameters NULL, [`MessageGroupErrorParameter`],
//! [`MSExtensionErrorParameter`], [`RegisterMSErrorParameter`], [`ModifyErrorParameter`],
//! [`EntryClassErrorParameter`] — all of them also through [`P7Error`] (code ↔ parameter).

pub mod alert;
pub mod attributes;
pub mod bind;
pub mod delete;
pub mod errors;
pub(crate) mod explicit;
pub mod fetch;
pub mod list;
pub mod modify;
pub mod register_ms;
pub mod selector;
pub mod submission;
pub mod summarize;

pub use alert::*;
pub use attributes::*;
pub use bind::*;
pub use delete::*;
pub use errors::*;
pub use explicit::Set;
pub use fetch::*;
pub use list::*;
pub use modify::*;
pub use register_ms::*;
pub use selector::*;
pub use submission::*;
pub use summarize::*;

/// What can go wrong turning P7 bytes into values and back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum X413Error {
    /// The bytes are not a valid BER encoding of the expected type.
    #[error("X.413 decode: {0}")]
    Decode(#[from] rasn::error::DecodeError),
    /// Bytes were left over after the value.
    #[error("X.413 decode: {0} bytes after the value")]
    TrailingData(usize),
    /// The value cannot be encoded.
    #[error("X.413 encode: {0}")]
    Encode(#[from] rasn::error::EncodeError),
}

impl From<crate::asn1::x411::X411Error> for X413Error {
    fn from(e: crate::asn1::x411::X411Error) -> Self {
        use crate::asn1::x411::X411Error as E;
        match e {
            E::Decode(d) => Self::Decode(d),
            E::TrailingData(n) => Self::TrailingData(n),
            E::Encode(x) => Self::Encode(x),
        }
    }
}

/// Decodes one complete `T` from `bytes` (BER, any length form); trailing bytes are an error.
pub fn decode<T: rasn::Decode>(bytes: &[u8]) -> Result<T, X413Error> {
    Ok(crate::asn1::x411::decode(bytes)?)
}

/// Encodes `value` in BER (definite lengths).
pub fn encode<T: rasn::Encode>(value: &T) -> Result<Vec<u8>, X413Error> {
    Ok(crate::asn1::x411::encode(value)?)
}
