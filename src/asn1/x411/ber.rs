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

/// Decodes one component as `T`, implicitly tagged `tag`.
pub(crate) fn parse_tagged<T: Decode>(
    component: &RawComponent,
    tag: Tag,
) -> Result<T, DecodeError> {
    parse(component, |d| T::decode_with_tag(d, tag))
}

/// Decodes one component as `T` with its own tag.
pub(crate) fn parse_plain<T: Decode>(component: &RawComponent) -> Result<T, DecodeError> {
    parse(component, |d| T::decode(d))
}

/// Decodes one component as an open type or implicitly tagged opaque structure `[n]`: the
/// contents are kept, as rasn's `Any` keeps them for a tagged open type.
pub(crate) fn parse_any_contents(component: &RawComponent, tag: Tag) -> Result<Any, DecodeError> {
    parse(component, |d| d.decode_any(tag))
}

/// Decodes a PrintableString component leniently: characters outside PrintableString's
/// alphabet (MTAs put `@` or `_` in content identifiers) become `?` instead of failing the
/// whole envelope. The store keeps the envelope bytes as received, so nothing is lost there.
pub(crate) fn parse_printable_lenient(
    component: &RawComponent,
    tag: Tag,
) -> Result<PrintableString, DecodeError> {
    let strict = match parse_tagged::<PrintableString>(component, tag) {
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

/// `[n]` in the context-specific class.
pub(crate) const fn ctx(n: u32) -> Tag {
    Tag::new(Class::Context, n)
}

/// `[APPLICATION n]`.
pub(crate) const fn app(n: u32) -> Tag {
    Tag::new(Class::Application, n)
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
