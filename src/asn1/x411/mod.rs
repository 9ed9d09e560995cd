//! ITU-T X.411 (1999) MTSAbstractService and X.419 MTSAccessProtocol: the P3 (MTS access)
//! types the store exchanges with its MTA, hand-written for rasn.
//!
//! The module is `DEFINITIONS IMPLICIT TAGS`: a `[n]` replaces the tag of the type it marks,
//! except on a CHOICE or an open type, where it stays explicit. The envelope SETs are decoded
//! component by component so that unknown components from newer peers are skipped (see
//! `ber.rs`). Every decoder accepts indefinite-length and non-minimal BER lengths.
//! The ASN.1 text of exactly what is implemented here is in `schema/x411-mts.asn`.
//!
//! | operation (local code, [`op`]) | argument | result | errors ([`err`]) |
//! | --- | --- | --- | --- |
//! | MTS-bind (ROS bind `[16]`/`[17]`/`[18]`) | [`MTSBindArgument`] | [`MTSBindResult`] | [`MTSBindError`] |
//! | message-delivery 5 | [`MessageDeliveryArgument`] | [`MessageDeliveryResult`] | delivery-control-violated, security-error ([`SecurityProblem`]), unsupported-critical-function |
//! | report-delivery 6 | [`ReportDeliveryArgument`] | [`ReportDeliveryResult`] | as message-delivery |
//! | delivery-control 2 (user → MTS) | [`DeliveryControlArgument`] | [`DeliveryControlResult`] | control-violates-registration, security-error, operation-refused ([`RefusedOperation`]) |
//! | message-submission 3 | [`MessageSubmissionArgument`] | [`MessageSubmissionResult`] | submission-control-violated, element-of-service-not-subscribed, originator-invalid, recipient-improperly-specified ([`ImproperlySpecifiedRecipients`]), inconsistent-request, security-error, unsupported-critical-function, remote-bind-error |
//! | probe-submission 4 | [`ProbeSubmissionArgument`] | [`ProbeSubmissionResult`] | as message-submission |
//! | cancel-deferred-delivery 7 | [`CancelDeferredDeliveryArgument`] | NULL | deferred-delivery-cancellation-rejected, message-submission-identifier-invalid, remote-bind-error |
//! | submission-control 2 (MTS → user) | [`SubmissionControlArgument`] | [`SubmissionControlResult`] | security-error, remote-bind-error |
//! | change-credentials 8 | [`ChangeCredentialsArgument`] | NULL | new-credentials-unacceptable, old-credentials-incorrectly-specified, remote-bind-error, security-error |
//! | register 1 | [`RegisterArgument`] (1994), [`Register88`] (1988) | [`RegisterResult`] (1994), NULL (1988) | register-rejected, remote-bind-error, operation-refused, security-error |
//!
//! Operations are told apart by application context and direction, not by code alone
//! (submission-control and delivery-control are both 2).

pub(crate) mod ber;
pub mod bind;
pub mod common;
pub mod delivery;
pub mod errors;
mod orname;
pub mod register;
pub mod submission;

pub use bind::*;
pub use common::*;
pub use delivery::*;
pub use errors::*;
pub use orname::{ORAddress, ORName};
pub use register::*;
pub use submission::*;

/// What can go wrong turning P3 bytes into values and back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum X411Error {
    /// The bytes are not a valid BER encoding of the expected type.
    #[error("X.411 decode: {0}")]
    Decode(#[from] rasn::error::DecodeError),
    /// Bytes were left over after the value.
    #[error("X.411 decode: {0} bytes after the value")]
    TrailingData(usize),
    /// The value cannot be encoded (for example an empty relative OID).
    #[error("X.411 encode: {0}")]
    Encode(#[from] rasn::error::EncodeError),
}

/// Decodes one complete `T` from `bytes` (BER, any length form); trailing bytes are an error.
pub fn decode<T: rasn::Decode>(bytes: &[u8]) -> Result<T, X411Error> {
    let (value, rest) = rasn::ber::decode_with_remainder::<T>(bytes)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(X411Error::TrailingData(rest.len()))
    }
}

/// The components of the constructed value `bytes` (tagged `tag`), each as received.
pub(crate) fn decode_components(
    bytes: &[u8],
    tag: rasn::types::Tag,
) -> Result<Vec<ber::RawComponent>, X411Error> {
    let mut decoder = rasn::ber::de::Decoder::new(bytes, rasn::ber::de::DecoderOptions::ber());
    let comps = ber::components(&mut decoder, tag)?;
    match decoder.remaining().len() {
        0 => Ok(comps),
        n => Err(X411Error::TrailingData(n)),
    }
}

/// Encodes `value` in BER (definite lengths).
pub fn encode<T: rasn::Encode>(value: &T) -> Result<Vec<u8>, X411Error> {
    Ok(rasn::ber::encode(value)?)
}
