//! BER plumbing for the hand-written X.411 decoders (X.690 §8.1 identifier octets, §8.11 SET).
//!
//! X.411 envelopes are SETs that later editions of the standard keep extending, and real MTAs
//! add fields older decoders do not know. rasn's derived SET decoder rejects such components,
//! so the envelope SETs are decoded here component by component: each component is taken as its
//! complete encoding, dispatched on its tag, and components with unknown tags are skipped.

use rasn::ber::de::{Decoder as BerDecoder, DecoderOptions};
use rasn::error::DecodeError;
use rasn::types::{Any, AsnType, Class, Constraints, PrintableString, Tag};
use rasn::{Codec, Decode, Decoder};

/// One component of a constructed value, kept as its complete encoding (identifier, length and
/// contents, in whatever length form the peer used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawComponent {
    /// The component's tag, read from its identifier octets.
    pub tag: Tag,
    /// The complete encoding.
    pub tlv: Vec<u8>,
}

impl AsnType for RawComponent {
    const TAG: Tag = Tag::EOC;
}

impl Decode for RawComponent {
    fn decode<D: Decoder>(decoder: &mut D) -> Result<Self, D::Error> {
        // An EOC tag asks the BER decoder for the whole encoding of the next value.
        let tlv = decoder.decode_any(Tag::EOC)?.into_bytes();
        let tag = identifier_tag(&tlv).ok_or_else(|| fail("bad identifier octets"))?;
        Ok(Self { tag, tlv })
    }

    fn decode_with_tag_and_constraints<D: Decoder>(
        decoder: &mut D,
        _tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        Self::decode(decoder)
    }
}

/// Reads the tag from BER identifier octets (X.690 §8.1.2), low- or high-tag-number form.
pub(crate) fn identifier_tag(bytes: &[u8]) -> Option<Tag> {
    let (&first, rest) = bytes.split_first()?;
    let class = match first >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let low = u32::from(first & 0x1f);
    if low != 0x1f {
        return Some(Tag::new(class, low));
    }
    let mut value: u32 = 0;
    for (i, &b) in rest.iter().enumerate() {
        // Tag numbers above 2^28 do not occur in X.400; refusing them keeps the shift in range.
        if i >= 4 {
            return None;
        }
        value = (value << 7) | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some(Tag::new(class, value));
        }
    }
    None
}

/// A decode error carrying `msg`, as the BER codec reports it.
pub(crate) fn fail(msg: &str) -> DecodeError {
    DecodeError::parser_fail(msg.to_string(), Codec::Ber)
}

/// The components of a SET (or SEQUENCE) tagged `tag`, each as its complete encoding.
pub(crate) fn components<D: Decoder>(
    decoder: &mut D,
    tag: Tag,
) -> Result<Vec<RawComponent>, D::Error> {
    decoder.decode_sequence_of::<RawComponent>(tag, &Constraints::default())
}

/// Decodes one component with `f`, requiring `f` to consume the whole encoding.
pub(crate) fn parse<T>(
    component: &RawComponent,
    f: impl FnOnce(&mut BerDecoder<'_>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut decoder = BerDecoder::new(&component.tlv, DecoderOptions::ber());
    let value = f(&mut decoder)?;
    if decoder.remaining().is_empty() {
        Ok(value)
    } else {
        Err(DecodeError::unexpected_extra_data(
            decoder.remaining().len(),
            Codec::Ber,
        ))
    }
}

/// Decodes one component as `T`, implicitly tagged with the component's own tag.
pub(crate) fn implicit<T: Decode>(component: &RawComponent) -> Result<T, DecodeError> {
    let tag = component.tag;
    parse(component, |d| T::decode_with_tag(d, tag))
}

/// Decodes one component `[n] T` (explicit): the component's own tag, then `T` inside.
pub(crate) fn explicit<T: Decode>(component: &RawComponent) -> Result<T, DecodeError> {
    let tag = component.tag;
    parse(component, |d| d.decode_explicit_prefix::<T>(tag))
}

/// Decodes one component as `T` with its own tag.
pub(crate) fn parse_plain<T: Decode>(component: &RawComponent) -> Result<T, DecodeError> {
    parse(component, |d| T::decode(d))
}

/// Decodes one component as an open type or implicitly tagged opaque structure `[n]`: the
/// contents are kept, as rasn's `Any` keeps them for a tagged open type.
pub(crate) fn any_contents(component: &RawComponent) -> Result<Any, DecodeError> {
    let tag = component.tag;
    parse(component, |d| d.decode_any(tag))
}

/// Decodes a PrintableString component (implicitly tagged with its own tag) leniently:
/// characters outside PrintableString's alphabet (MTAs put `@` or `_` in content identifiers)
/// become `?` instead of failing the whole envelope. The store keeps the envelope bytes as
/// received, so nothing is lost there.
pub(crate) fn printable_lenient(component: &RawComponent) -> Result<PrintableString, DecodeError> {
    let tag = component.tag;
    let strict = match implicit::<PrintableString>(component) {
        Ok(s) => return Ok(s),
        Err(e) => e,
    };
    let Ok(raw) = parse(component, |d| {
        d.decode_octet_string::<Vec<u8>>(tag, &Constraints::default())
    }) else {
        return Err(strict);
    };
    let cleaned: Vec<u8> = raw
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b) {
                b
            } else {
                b'?'
            }
        })
        .collect();
    PrintableString::from_bytes(&cleaned).map_err(|_| strict)
}

/// Stores `value` in `slot`, refusing a second occurrence of the same SET component.
pub(crate) fn put<T>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(fail(&format!("duplicate SET component {name}")));
    }
    *slot = Some(value);
    Ok(())
}

/// Takes a mandatory SET component.
pub(crate) fn required<T>(slot: Option<T>, name: &str) -> Result<T, DecodeError> {
    slot.ok_or_else(|| fail(&format!("missing SET component {name}")))
}

/// Takes a mandatory `SEQUENCE SIZE (1..MAX) OF` SET component.
pub(crate) fn nonempty<T>(slot: Option<Vec<T>>, name: &str) -> Result<Vec<T>, DecodeError> {
    let v = required(slot, name)?;
    if v.is_empty() {
        return Err(fail(&format!("{name} is empty")));
    }
    Ok(v)
}

/// `[n]` in the context-specific class.
pub(crate) const fn ctx(n: u32) -> Tag {
    Tag::new(Class::Context, n)
}

/// `[APPLICATION n]`.
pub(crate) const fn app(n: u32) -> Tag {
    Tag::new(Class::Application, n)
}

/// Which component tags a SET field takes: one tag, a list of tags, or a predicate.
pub(crate) trait TagMatch {
    /// True when a component tagged `tag` belongs to this field.
    fn matches(&self, tag: Tag) -> bool;
}

impl TagMatch for Tag {
    fn matches(&self, tag: Tag) -> bool {
        *self == tag
    }
}

impl<const N: usize> TagMatch for [Tag; N] {
    fn matches(&self, tag: Tag) -> bool {
        self.contains(&tag)
    }
}

impl<F: Fn(Tag) -> bool> TagMatch for F {
    fn matches(&self, tag: Tag) -> bool {
        self(tag)
    }
}

/// Implements `Decode` for a SET type that has
/// `fn from_components(&[RawComponent]) -> Result<Self, DecodeError>`, honouring an implicit
/// tag given by the enclosing type.
macro_rules! set_decode {
    ($t:ty) => {
        impl rasn::Decode for $t {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                d: &mut D,
                tag: rasn::types::Tag,
                _constraints: &rasn::types::Constraints,
            ) -> Result<Self, D::Error> {
                let comps = $crate::asn1::x411::ber::components(d, tag)?;
                Ok(Self::from_components(&comps)?)
            }
        }
    };
}
pub(crate) use set_decode;

/// Writes the component-by-component SET decoder of a struct (`from_components` and
/// `Decode`): components in any order, a second occurrence of a field refused, missing
/// mandatory fields refused, components with unknown tags skipped (later editions and vendors
/// add components; they must not break an envelope).
///
/// One line per field, in the order mandatory fields are checked:
/// `kind field "name": tag => decoder`, where `kind` is `opt` (OPTIONAL or DEFAULT: the field
/// is an `Option`), `req` (mandatory) or `nonempty` (a mandatory SEQUENCE OF that must not be
/// empty); `"name"` is the field's name in errors; `tag` is a [`TagMatch`]; `decoder` is a
/// `fn(&RawComponent) -> Result<T, DecodeError>` ([`implicit`], [`explicit`], [`parse_plain`],
/// [`any_contents`], …). A field with alternatives of different tags (a CHOICE inside the SET)
/// lists them separated by `;`: `tag => decoder; tag => decoder`.
macro_rules! set_decoder {
    (
        $t:ty {
            $( $kind:ident $field:ident $name:tt : $( $tag:expr => $dec:expr );+ ),* $(,)?
        }
    ) => {
        impl $t {
            #[allow(unused_variables)]
            pub(crate) fn from_components(
                comps: &[$crate::asn1::x411::ber::RawComponent],
            ) -> Result<Self, rasn::error::DecodeError> {
                use $crate::asn1::x411::ber::TagMatch as _;
                $( let mut $field = None; )*
                for c in comps {
                    $( $(
                        if $tag.matches(c.tag) {
                            $crate::asn1::x411::ber::put(&mut $field, $dec(c)?, $name)?;
                            continue;
                        }
                    )+ )*
                    // A component a newer edition or a vendor adds is skipped, not refused.
                }
                $( let $field = $crate::asn1::x411::ber::set_decoder!(@take $kind $field $name); )*
                Ok(Self { $( $field ),* })
            }
        }
        $crate::asn1::x411::ber::set_decode!($t);
    };
    (@take opt $f:ident $name:tt) => { $f };
    (@take req $f:ident $name:tt) => { $crate::asn1::x411::ber::required($f, $name)? };
    (@take nonempty $f:ident $name:tt) => { $crate::asn1::x411::ber::nonempty($f, $name)? };
}
pub(crate) use set_decoder;

/// A CHOICE whose BER codec is written by hand (untagged, so the alternatives' own tags are
/// on the wire); [`choice_codec!`] turns it into rasn's `AsnType`, `Encode` and `Decode`.
/// A tag a field puts on such a type is ignored: as a CHOICE it can only be tagged
/// explicitly, and rasn's derive writes explicit tags itself.
pub(crate) trait HandChoice: Sized {
    /// Encodes the alternative held.
    fn encode_choice<'b, E: rasn::Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error>;
    /// Decodes the alternative `component` (one complete TLV) carries.
    fn decode_choice(component: &RawComponent) -> Result<Self, DecodeError>;
}

/// Implements rasn's traits for a [`HandChoice`] type whose alternatives carry `tags`.
macro_rules! choice_codec {
    ($t:ty : $( $tag:expr ),+ $(,)?) => {
        impl rasn::AsnType for $t {
            const TAG: rasn::types::Tag = rasn::types::Tag::EOC;
            const TAG_TREE: rasn::types::TagTree =
                rasn::types::TagTree::Choice(&[$( rasn::types::TagTree::Leaf($tag) ),+]);
            const IS_CHOICE: bool = true;
        }

        impl rasn::Encode for $t {
            fn encode<'b, E: rasn::Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
                $crate::asn1::x411::ber::HandChoice::encode_choice(self, e)
            }

            fn encode_with_tag_and_constraints<'b, E: rasn::Encoder<'b>>(
                &self,
                e: &mut E,
                _tag: rasn::types::Tag,
                _constraints: &rasn::types::Constraints,
                _identifier: rasn::types::Identifier,
            ) -> Result<(), E::Error> {
                $crate::asn1::x411::ber::HandChoice::encode_choice(self, e)
            }
        }

        impl rasn::Decode for $t {
            fn decode<D: rasn::Decoder>(d: &mut D) -> Result<Self, D::Error> {
                let c = <$crate::asn1::x411::ber::RawComponent as rasn::Decode>::decode(d)?;
                Ok(<$t as $crate::asn1::x411::ber::HandChoice>::decode_choice(&c)?)
            }

            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                d: &mut D,
                _tag: rasn::types::Tag,
                _constraints: &rasn::types::Constraints,
            ) -> Result<Self, D::Error> {
                <Self as rasn::Decode>::decode(d)
            }
        }
    };
}
pub(crate) use choice_codec;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_forms() {
        assert_eq!(identifier_tag(&[0x64]), Some(app(4)));
        assert_eq!(identifier_tag(&[0xa4]), Some(ctx(4)));
        assert_eq!(identifier_tag(&[0x31]), Some(Tag::SET));
        assert_eq!(identifier_tag(&[0xbf, 0x81, 0x00]), Some(ctx(128)));
        assert_eq!(identifier_tag(&[0xbf, 0x81]), None);
        assert_eq!(identifier_tag(&[]), None);
    }
}
