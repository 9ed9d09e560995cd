//! X.680 §31.2.7 / X.690 §8.14 explicit tagging, as X.413 MSAbstractService uses it: the module
//! is `DEFINITIONS ::=` (no IMPLICIT TAGS), so every `[n]` wraps the complete encoding of the
//! type it marks (`selector [1] Selector` → `a1 { 31 … }`).
//!
//! Helpers shared by the hand-written SET decoders of this module (built on the X.411 BER
//! plumbing): explicit component decoding, a `SET OF` that keeps its order, and a macro that
//! declares a SET whose components all carry explicit context tags.

use rasn::prelude::*;
use rasn::types::Identifier;

pub(crate) use crate::asn1::x411::ber::{RawComponent, ctx, explicit, fail, parse, put};

/// `SET OF T` with the elements in the order received (and sent in the order given).
///
/// rasn's `Vec<T>` is a SEQUENCE OF (`30`); under an explicit tag the inner tag matters, so the
/// X.413 `[n] SET OF T` fields use this type to send `a<n> { 31 … }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Set<T>(pub Vec<T>);

impl<T> Set<T> {
    /// The elements, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the set has no element.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> From<Vec<T>> for Set<T> {
    fn from(v: Vec<T>) -> Self {
        Self(v)
    }
}

impl<T> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Set<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> AsnType for Set<T> {
    const TAG: Tag = Tag::SET;
}

impl<T: Encode> Encode for Set<T> {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        e: &mut E,
        tag: Tag,
        constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        e.encode_sequence_of(tag, &self.0, constraints, identifier)?;
        Ok(())
    }
}

impl<T: Decode> Decode for Set<T> {
    fn decode_with_tag_and_constraints<D: Decoder>(
        d: &mut D,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        Ok(Self(d.decode_sequence_of(tag, constraints)?))
    }
}

/// Declares an X.413 SET whose components all carry explicit context tags, with rasn `Encode`
/// and a hand-written `Decode` that takes components in any order, refuses duplicates and
/// missing mandatory components, and skips components with unknown tags (later editions and
/// private extensions must not break a bind).
///
/// Each field is `[n] opt name: Option<T>` (OPTIONAL or DEFAULT) or `[n] req name: T`.
macro_rules! explicit_set {
    (
        $(#[$sm:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                [$n:literal] $kind:ident $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$sm])*
        #[derive(rasn::AsnType, rasn::Encode, Debug, Clone, PartialEq, Eq)]
        #[rasn(set)]
        pub struct $name {
            $(
                $(#[$fm])*
                #[rasn(tag(explicit(context, $n)))]
                pub $field: $ty,
            )*
        }

        $crate::asn1::x411::ber::set_decoder!($name {
            $(
                $kind $field (stringify!($field)):
                    $crate::asn1::x411::ber::ctx($n) => $crate::asn1::x411::ber::explicit
            ),*
        });
    };
}
pub(crate) use explicit_set;
