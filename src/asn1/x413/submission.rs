//! X.413 (1999) §8.3 MS-submission port: ms-message-submission and ms-probe-submission reuse
//! the X.411 (IMPLICIT) submission types and add the 1994 MS components, which follow this
//! module's explicit tagging (`submission-options [4]`, `ms-message-result [4]`).
//! ms-cancel-deferred-delivery and ms-submission-control are the X.411 operations unchanged.

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::attributes::{AutoActionErrorIndication, MSExtensions, SequenceNumber};
use super::explicit::{RawComponent, ctx, explicit, explicit_set, fail, put};
use super::register_ms::MSSubmissionOptions;
use crate::asn1::x411::ber::{HandChoice, choice_codec, components};
use crate::asn1::x411::{
    Content, MessageSubmissionEnvelope, MessageSubmissionResult, ProbeSubmissionArgument,
    ProbeSubmissionResult,
};

/// `MSMessageSubmissionArgument ::= SEQUENCE { COMPONENTS OF MessageSubmissionArgument,
/// submission-options [4] MSSubmissionOptions OPTIONAL }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
pub struct MSMessageSubmissionArgument {
    /// `envelope MessageSubmissionEnvelope` (X.411)
    pub envelope: MessageSubmissionEnvelope,
    /// `content Content` (X.411)
    pub content: Content,
    /// `submission-options [4] MSSubmissionOptions OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 4)))]
    pub submission_options: Option<MSSubmissionOptions>,
}

explicit_set! {
    /// `CommonSubmissionResults ::= SET { created-entry [0] SequenceNumber OPTIONAL,
    /// auto-action-error-indication [1] AutoActionErrorIndication OPTIONAL,
    /// ms-submission-result-extensions [2] MSExtensions OPTIONAL }` (1994).
    pub struct CommonSubmissionResults {
        /// `created-entry [0] SequenceNumber OPTIONAL`: the submission-class entry stored
        [0] opt created_entry: Option<SequenceNumber>,
        /// `auto-action-error-indication [1] AutoActionErrorIndication OPTIONAL`
        [1] opt auto_action_error_indication: Option<AutoActionErrorIndication>,
        /// `ms-submission-result-extensions [2] MSExtensions OPTIONAL`
        [2] opt ms_submission_result_extensions: Option<MSExtensions>,
    }
}

/// Encodes an X.411 SET `base` with one more explicitly tagged component `[4] extra`
/// appended: the shape of `SET { COMPONENTS OF X411Type, ms-… [4] … }`.
fn encode_augmented<'b, E: Encoder<'b>, B: Encode, X: Encode>(
    e: &mut E,
    base: &B,
    extra: Option<&X>,
) -> Result<(), E::Error> {
    let base = rasn::ber::encode(base)?;
    let Some((_, rest)) = split_header(&base) else {
        return Err(rasn::error::EncodeError::from_kind(
            rasn::error::EncodeErrorKind::Custom {
                msg: "X.411 SET encoding without a header".into(),
            },
            e.codec(),
        )
        .into());
    };
    let mut contents = rest.to_vec();
    if let Some(x) = extra {
        contents.extend(rasn::ber::encode(&Explicit4(x))?);
    }
    let mut out = vec![0x31];
    crate::ber::write_length(&mut out, contents.len());
    out.extend(contents);
    // EOC: write the bytes as they are (a tag here would wrap them once more).
    e.encode_any(Tag::EOC, &Any::new(out), Identifier::EMPTY)?;
    Ok(())
}

/// `[4] X` (explicit), for [`encode_augmented`].
struct Explicit4<'a, X>(&'a X);

impl<X> AsnType for Explicit4<'_, X> {
    const TAG: Tag = ctx(4);
}

impl<X: Encode> Encode for Explicit4<'_, X> {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        e: &mut E,
        _tag: Tag,
        _constraints: &Constraints,
        _identifier: Identifier,
    ) -> Result<(), E::Error> {
        e.encode_explicit_prefix(ctx(4), self.0, Identifier::EMPTY)?;
        Ok(())
    }
}

/// Splits our own definite-length encoding into (header length, contents).
fn split_header(b: &[u8]) -> Option<(usize, &[u8])> {
    let first = *b.get(1)?;
    let header = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7f)
    };
    Some((header, b.get(header..)?))
}

/// The `[4]` component of an augmented X.411 SET, if present.
fn ms_part<X: Decode>(comps: &[RawComponent]) -> Result<Option<X>, DecodeError> {
    let mut out = None;
    for c in comps.iter().filter(|c| c.tag == ctx(4)) {
        put(&mut out, explicit(c)?, "ms-result [4]")?;
    }
    Ok(out)
}

/// `MSMessageSubmissionResult ::= CHOICE { mts-result SET { COMPONENTS OF
/// MessageSubmissionResult, ms-message-result [4] CommonSubmissionResults OPTIONAL },
/// store-draft-result [4] CommonSubmissionResults }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MSMessageSubmissionResult {
    /// `mts-result`: the MTS accepted the message
    MtsResult {
        /// the X.411 MessageSubmissionResult components
        result: MessageSubmissionResult,
        /// `ms-message-result [4] CommonSubmissionResults OPTIONAL` (1994)
        ms_message_result: Option<CommonSubmissionResults>,
    },
    /// `store-draft-result [4] CommonSubmissionResults` (1994)
    StoreDraftResult(CommonSubmissionResults),
}

impl HandChoice for MSMessageSubmissionResult {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::MtsResult {
                result,
                ms_message_result,
            } => encode_augmented(e, result, ms_message_result.as_ref()),
            Self::StoreDraftResult(r) => {
                e.encode_explicit_prefix(ctx(4), r, Identifier::EMPTY)?;
                Ok(())
            }
        }
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        if c.tag == ctx(4) {
            return Ok(Self::StoreDraftResult(explicit(c)?));
        }
        if c.tag != Tag::SET {
            return Err(fail("not an MSMessageSubmissionResult"));
        }
        let mut inner = rasn::ber::de::Decoder::new(&c.tlv, rasn::ber::de::DecoderOptions::ber());
        let comps = components(&mut inner, Tag::SET)?;
        Ok(Self::MtsResult {
            result: MessageSubmissionResult::from_components(&comps)?,
            ms_message_result: ms_part(&comps)?,
        })
    }
}
choice_codec!(MSMessageSubmissionResult: Tag::SET, ctx(4));

/// `MSProbeSubmissionArgument ::= SET { COMPONENTS OF ProbeSubmissionArgument,
/// submission-options [4] MSSubmissionOptions OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MSProbeSubmissionArgument {
    /// the X.411 ProbeSubmissionArgument components
    pub probe: ProbeSubmissionArgument,
    /// `submission-options [4] MSSubmissionOptions OPTIONAL` (1994)
    pub submission_options: Option<MSSubmissionOptions>,
}

/// `MSProbeSubmissionResult ::= SET { COMPONENTS OF ProbeSubmissionResult, ms-probe-result [4]
/// CommonSubmissionResults OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MSProbeSubmissionResult {
    /// the X.411 ProbeSubmissionResult components
    pub result: ProbeSubmissionResult,
    /// `ms-probe-result [4] CommonSubmissionResults OPTIONAL` (1994)
    pub ms_probe_result: Option<CommonSubmissionResults>,
}

macro_rules! augmented_set {
    ($t:ty, $base:ident, $base_ty:ty, $extra:ident) => {
        impl AsnType for $t {
            const TAG: Tag = Tag::SET;
        }

        impl Encode for $t {
            fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
                &self,
                e: &mut E,
                _tag: Tag,
                _constraints: &Constraints,
                _identifier: Identifier,
            ) -> Result<(), E::Error> {
                encode_augmented(e, &self.$base, self.$extra.as_ref())
            }
        }

        impl Decode for $t {
            fn decode_with_tag_and_constraints<D: Decoder>(
                d: &mut D,
                tag: Tag,
                _constraints: &Constraints,
            ) -> Result<Self, D::Error> {
                let comps = components(d, tag)?;
                Ok(Self {
                    $base: <$base_ty>::from_components(&comps)?,
                    $extra: ms_part(&comps)?,
                })
            }
        }
    };
}

augmented_set!(
    MSProbeSubmissionArgument,
    probe,
    ProbeSubmissionArgument,
    submission_options
);
augmented_set!(
    MSProbeSubmissionResult,
    result,
    ProbeSubmissionResult,
    ms_probe_result
);
