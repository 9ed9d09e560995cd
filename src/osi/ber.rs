//! X.690 §8 Basic Encoding Rules: a bounded tag-length-value reader (definite and indefinite
//! lengths, as real peers send both) and a definite-length writer for the OSI upper layers.
//!
//! Presentation, ACSE and ROSE PDUs are small and their open-type contents (bind arguments,
//! operation arguments) must travel as raw bytes to upper layers, so a hand-written reader that
//! hands out sub-slices fits better than a typed decoder. Every length is checked against the
//! remaining input (and so against what the lower layer already bounded) before use, and
//! nesting of indefinite lengths is bounded by [`MAX_DEPTH`].

use bytes::{BufMut, Bytes, BytesMut};

use crate::ber::{Length, LengthError};
use rasn::types::ObjectIdentifier;

/// Deepest nesting of constructed encodings the reader follows while searching for the end of
/// an indefinite length; deeper input is refused instead of recursing without bound.
pub const MAX_DEPTH: usize = 64;

/// Why BER input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BerError {
    /// The input ends inside an encoding.
    #[error("BER input truncated")]
    Truncated,
    /// A length octet sequence is malformed (reserved 0xFF, more than 4 length octets, or an
    /// indefinite length on a primitive encoding).
    #[error("malformed BER length")]
    BadLength,
    /// A tag number does not fit 32 bits.
    #[error("BER tag number too large")]
    BadTag,
    /// Indefinite lengths nested deeper than [`MAX_DEPTH`].
    #[error("BER nesting deeper than {MAX_DEPTH}")]
    TooDeep,
    /// An element had another tag than the one the syntax requires here.
    #[error("unexpected BER tag {found}, expected {expected}")]
    UnexpectedTag {
        /// What the syntax requires.
        expected: &'static str,
        /// What the input has.
        found: Tag,
    },
    /// A value's contents are invalid for its type (INTEGER too long, bad OID, …).
    #[error("invalid BER value: {0}")]
    BadValue(&'static str),
    /// Elements follow where the syntax allows none.
    #[error("trailing data after BER element")]
    Trailing,
    /// A mandatory element is absent.
    #[error("missing mandatory element {0}")]
    Missing(&'static str),
}

/// X.690 §8.1.2.2 tag class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// UNIVERSAL.
    Universal,
    /// APPLICATION.
    Application,
    /// Context-specific.
    Context,
    /// PRIVATE.
    Private,
}

/// An identifier: class, primitive/constructed, number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    /// Tag class.
    pub class: Class,
    /// Constructed encoding.
    pub constructed: bool,
    /// Tag number.
    pub number: u32,
}

impl Tag {
    /// A primitive UNIVERSAL tag.
    pub const fn univ(number: u32) -> Tag {
        Tag {
            class: Class::Universal,
            constructed: false,
            number,
        }
    }
    /// A constructed UNIVERSAL tag.
    pub const fn univ_c(number: u32) -> Tag {
        Tag {
            class: Class::Universal,
            constructed: true,
            number,
        }
    }
    /// A primitive context-specific tag.
    pub const fn ctx(number: u32) -> Tag {
        Tag {
            class: Class::Context,
            constructed: false,
            number,
        }
    }
    /// A constructed context-specific tag.
    pub const fn ctx_c(number: u32) -> Tag {
        Tag {
            class: Class::Context,
            constructed: true,
            number,
        }
    }
    /// A constructed APPLICATION tag.
    pub const fn app_c(number: u32) -> Tag {
        Tag {
            class: Class::Application,
            constructed: true,
            number,
        }
    }
    /// A primitive APPLICATION tag.
    pub const fn app(number: u32) -> Tag {
        Tag {
            class: Class::Application,
            constructed: false,
            number,
        }
    }
    /// Same class and number, ignoring the constructed bit (BER allows either for strings).
    pub fn same_id(&self, other: Tag) -> bool {
        self.class == other.class && self.number == other.number
    }
}

/// UNIVERSAL 1 BOOLEAN.
pub const BOOLEAN: Tag = Tag::univ(1);
/// UNIVERSAL 2 INTEGER.
pub const INTEGER: Tag = Tag::univ(2);
/// UNIVERSAL 3 BIT STRING.
pub const BIT_STRING: Tag = Tag::univ(3);
/// UNIVERSAL 4 OCTET STRING.
pub const OCTET_STRING: Tag = Tag::univ(4);
/// UNIVERSAL 5 NULL.
pub const NULL: Tag = Tag::univ(5);
/// UNIVERSAL 6 OBJECT IDENTIFIER.
pub const OID: Tag = Tag::univ(6);
/// UNIVERSAL 8 EXTERNAL (constructed).
pub const EXTERNAL: Tag = Tag::univ_c(8);
/// UNIVERSAL 16 SEQUENCE (constructed).
pub const SEQUENCE: Tag = Tag::univ_c(16);
/// UNIVERSAL 17 SET (constructed).
pub const SET: Tag = Tag::univ_c(17);

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = match self.class {
            Class::Universal => "UNIVERSAL ",
            Class::Application => "APPLICATION ",
            Class::Context => "",
            Class::Private => "PRIVATE ",
        };
        write!(
            f,
            "[{c}{}]{}",
            self.number,
            if self.constructed { "c" } else { "" }
        )
    }
}

/// One element as read: its tag, its contents (without end-of-contents octets) and the whole
/// encoding as it appeared on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier.
    pub tag: Tag,
    /// Contents octets; for an indefinite length, without the end-of-contents octets.
    pub content: &'a [u8],
    /// The complete encoding: identifier, length, contents, end-of-contents.
    pub raw: &'a [u8],
    /// Whether the length was indefinite.
    pub indefinite: bool,
}

/// Reads the identifier octets; returns the tag and how many octets it used.
fn read_tag(input: &[u8]) -> Result<(Tag, usize), BerError> {
    let first = *input.first().ok_or(BerError::Truncated)?;
    let class = match first >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let constructed = first & 0x20 != 0;
    if first & 0x1f != 0x1f {
        return Ok((
            Tag {
                class,
                constructed,
                number: u32::from(first & 0x1f),
            },
            1,
        ));
    }
    let mut number: u32 = 0;
    let mut used = 1;
    loop {
        let b = *input.get(used).ok_or(BerError::Truncated)?;
        used += 1;
        if number > (u32::MAX >> 7) {
            return Err(BerError::BadTag);
        }
        number = (number << 7) | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
        if used > 6 {
            return Err(BerError::BadTag);
        }
    }
    Ok((
        Tag {
            class,
            constructed,
            number,
        },
        used,
    ))
}

/// Length octets: `Some(n)` definite, `None` indefinite; plus octets used.
fn read_len(input: &[u8]) -> Result<(Option<usize>, usize), BerError> {
    // More than 4 length octets would describe more than 4 GiB: no PDU here is that large.
    match crate::ber::read_length(input) {
        Ok((Length::Definite(n), used)) => Ok((Some(n), used)),
        Ok((Length::Indefinite, used)) => Ok((None, used)),
        Err(LengthError::Truncated) => Err(BerError::Truncated),
        Err(LengthError::TooLong) => Err(BerError::BadLength),
    }
}

/// Reads one element from the start of `input`. `Ok(None)` means the input ends before the
/// element does (more bytes could complete it); the `usize` is the octets the element used.
pub fn read_tlv(input: &[u8]) -> Result<Option<(Tlv<'_>, usize)>, BerError> {
    match read_tlv_depth(input, 0) {
        Ok(v) => Ok(Some(v)),
        Err(BerError::Truncated) => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_tlv_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, usize), BerError> {
    if depth > MAX_DEPTH {
        return Err(BerError::TooDeep);
    }
    let (tag, tl) = read_tag(input)?;
    let rest = input.get(tl..).ok_or(BerError::Truncated)?;
    let (len, ll) = read_len(rest)?;
    let hdr = tl + ll;
    let body = input.get(hdr..).ok_or(BerError::Truncated)?;
    match len {
        Some(n) => {
            let content = body.get(..n).ok_or(BerError::Truncated)?;
            let raw = input.get(..hdr + n).ok_or(BerError::Truncated)?;
            Ok((
                Tlv {
                    tag,
                    content,
                    raw,
                    indefinite: false,
                },
                hdr + n,
            ))
        }
        None => {
            if !tag.constructed {
                return Err(BerError::BadLength);
            }
            // Walk the nested elements until the end-of-contents octets.
            let mut pos = 0usize;
            loop {
                let at = body.get(pos..).ok_or(BerError::Truncated)?;
                if at.len() < 2 {
                    return Err(BerError::Truncated);
                }
                if at.first() == Some(&0) && at.get(1) == Some(&0) {
                    let content = body.get(..pos).ok_or(BerError::Truncated)?;
                    let total = hdr + pos + 2;
                    let raw = input.get(..total).ok_or(BerError::Truncated)?;
                    return Ok((
                        Tlv {
                            tag,
                            content,
                            raw,
                            indefinite: true,
                        },
                        total,
                    ));
                }
                let (_, used) = read_tlv_depth(at, depth + 1)?;
                pos += used;
            }
        }
    }
}

/// A cursor over consecutive elements (the contents of a constructed element, or a buffer).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }
    /// No elements left.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<Tag> {
        read_tag(self.buf).ok().map(|(t, _)| t)
    }
    /// The next element; inside a complete PDU, running out is an error.
    pub fn next_tlv(&mut self) -> Result<Tlv<'a>, BerError> {
        let (tlv, used) = read_tlv_depth(self.buf, 0)?;
        self.buf = self.buf.get(used..).unwrap_or_default();
        Ok(tlv)
    }
    /// The next element, which must have tag `tag`.
    pub fn expect(&mut self, tag: Tag, what: &'static str) -> Result<Tlv<'a>, BerError> {
        match self.peek_tag() {
            None if self.buf.is_empty() => Err(BerError::Missing(what)),
            Some(t) if t == tag => self.next_tlv(),
            Some(found) => Err(BerError::UnexpectedTag {
                expected: what,
                found,
            }),
            None => Err(BerError::Truncated),
        }
    }
    /// The next element if it has tag `tag`, else nothing consumed.
    pub fn optional(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>, BerError> {
        if self.peek_tag() == Some(tag) {
            self.next_tlv().map(Some)
        } else {
            Ok(None)
        }
    }
    /// The next element if its class and number match (either primitive or constructed).
    pub fn optional_id(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>, BerError> {
        match self.peek_tag() {
            Some(t) if t.same_id(tag) => self.next_tlv().map(Some),
            _ => Ok(None),
        }
    }
    /// Errors unless every element was consumed.
    pub fn finish(&self) -> Result<(), BerError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(BerError::Trailing)
        }
    }
}

impl<'a> Tlv<'a> {
    /// A reader over this constructed element's contents.
    pub fn reader(&self) -> Result<Reader<'a>, BerError> {
        if !self.tag.constructed {
            return Err(BerError::BadValue("primitive where constructed expected"));
        }
        Ok(Reader::new(self.content))
    }
    /// The single element inside an explicit tag.
    pub fn inner(&self) -> Result<Tlv<'a>, BerError> {
        let mut r = self.reader()?;
        let t = r.next_tlv()?;
        r.finish()?;
        Ok(t)
    }
    /// Contents as an INTEGER (any tag: IMPLICIT tags share the encoding).
    pub fn integer(&self) -> Result<i64, BerError> {
        decode_integer(self.content)
    }
    /// Contents as an OBJECT IDENTIFIER.
    pub fn oid(&self) -> Result<ObjectIdentifier, BerError> {
        decode_oid(self.content)
    }
    /// Contents as an OCTET STRING; a constructed (segmented) string is joined.
    pub fn octets(&self) -> Result<Bytes, BerError> {
        if !self.tag.constructed {
            return Ok(Bytes::copy_from_slice(self.content));
        }
        let mut out = BytesMut::new();
        let mut r = Reader::new(self.content);
        while !r.is_empty() {
            let seg = r.next_tlv()?;
            if seg.tag.constructed {
                // One level of segmentation is all real encoders use; refuse deeper nesting.
                return Err(BerError::BadValue("nested constructed string"));
            }
            out.extend_from_slice(seg.content);
        }
        Ok(out.freeze())
    }
    /// Contents as a BIT STRING of at most 32 bits, as a number with bit 0 = the first bit
    /// (the most significant of the first octet), which is how named bits are numbered.
    pub fn bits(&self) -> Result<BitString, BerError> {
        let c = self.octets_or_content()?;
        let (unused, data) = c
            .split_first()
            .ok_or(BerError::BadValue("empty BIT STRING"))?;
        if *unused > 7 || (data.is_empty() && *unused != 0) {
            return Err(BerError::BadValue("BIT STRING unused bits"));
        }
        Ok(BitString {
            unused: *unused,
            data: Bytes::copy_from_slice(data),
        })
    }
    fn octets_or_content(&self) -> Result<Bytes, BerError> {
        if self.tag.constructed {
            self.octets()
        } else {
            Ok(Bytes::copy_from_slice(self.content))
        }
    }
}

/// A BIT STRING as carried: unused bits in the last octet and the octets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitString {
    /// Unused bits in the final octet (0–7).
    pub unused: u8,
    /// The octets.
    pub data: Bytes,
}

impl BitString {
    /// Whether named bit `n` (0 = most significant bit of the first octet) is set.
    pub fn bit(&self, n: usize) -> bool {
        let len_bits = self.data.len() * 8 - usize::from(self.unused);
        if n >= len_bits {
            return false;
        }
        self.data
            .get(n / 8)
            .is_some_and(|b| b & (0x80 >> (n % 8)) != 0)
    }
    /// A bit string of the named bits `bits`, trailing zero bits removed (X.690 §11.2.2).
    pub fn from_bits(bits: &[usize]) -> BitString {
        let Some(max) = bits.iter().max() else {
            return BitString::default();
        };
        let mut data = vec![0u8; max / 8 + 1];
        for &b in bits {
            if let Some(o) = data.get_mut(b / 8) {
                *o |= 0x80 >> (b % 8);
            }
        }
        let unused = (7 - (max % 8)) as u8;
        BitString {
            unused,
            data: Bytes::from(data),
        }
    }
}

/// X.690 §8.3 INTEGER contents into an `i64`.
pub fn decode_integer(c: &[u8]) -> Result<i64, BerError> {
    if c.is_empty() {
        return Err(BerError::BadValue("empty INTEGER"));
    }
    if c.len() > 8 {
        return Err(BerError::BadValue("INTEGER wider than 64 bits"));
    }
    let neg = c.first().is_some_and(|b| b & 0x80 != 0);
    let mut v: i64 = if neg { -1 } else { 0 };
    for &b in c {
        v = (v << 8) | i64::from(b);
    }
    Ok(v)
}

/// X.690 §8.19 OBJECT IDENTIFIER contents.
pub fn decode_oid(c: &[u8]) -> Result<ObjectIdentifier, BerError> {
    if c.is_empty() {
        return Err(BerError::BadValue("empty OID"));
    }
    let mut arcs: Vec<u32> = Vec::with_capacity(c.len() + 1);
    let mut acc: u64 = 0;
    let mut in_arc = false;
    for &b in c {
        if !in_arc && b == 0x80 {
            // X.690 §8.19.2: the leading octet of a subidentifier is never 0x80.
            return Err(BerError::BadValue("OID subidentifier padding"));
        }
        acc = (acc << 7) | u64::from(b & 0x7f);
        if acc > u64::from(u32::MAX) + 80 {
            return Err(BerError::BadValue("OID arc too large"));
        }
        in_arc = b & 0x80 != 0;
        if !in_arc {
            if arcs.is_empty() {
                let (a, b2) = if acc < 40 {
                    (0, acc)
                } else if acc < 80 {
                    (1, acc - 40)
                } else {
                    (2, acc - 80)
                };
                arcs.push(a);
                arcs.push(u32::try_from(b2).map_err(|_| BerError::BadValue("OID arc too large"))?);
            } else {
                arcs.push(u32::try_from(acc).map_err(|_| BerError::BadValue("OID arc too large"))?);
            }
            acc = 0;
        }
    }
    if in_arc {
        return Err(BerError::BadValue("OID ends inside a subidentifier"));
    }
    ObjectIdentifier::new(arcs).ok_or(BerError::BadValue("invalid OID"))
}

// ---------------------------------------------------------------------------------------------
// Writing: always definite lengths, minimal length octets (the DER form of lengths), which is
// what "canonical" means when the tests compare re-encoded bytes with a capture.

/// Appends identifier octets.
pub fn put_tag(out: &mut BytesMut, tag: Tag) {
    let class = match tag.class {
        Class::Universal => 0u8,
        Class::Application => 0x40,
        Class::Context => 0x80,
        Class::Private => 0xc0,
    };
    let c = if tag.constructed { 0x20 } else { 0 };
    if tag.number < 31 {
        out.put_u8(class | c | tag.number as u8);
        return;
    }
    out.put_u8(class | c | 0x1f);
    let mut groups = [0u8; 5];
    let mut n = tag.number;
    let mut i = 0;
    loop {
        if let Some(g) = groups.get_mut(i) {
            *g = (n & 0x7f) as u8;
        }
        n >>= 7;
        i += 1;
        if n == 0 {
            break;
        }
    }
    for j in (0..i).rev() {
        let g = groups.get(j).copied().unwrap_or(0);
        out.put_u8(if j == 0 { g } else { g | 0x80 });
    }
}

/// Appends definite length octets in the shortest form.
pub fn put_len(out: &mut BytesMut, len: usize) {
    crate::ber::write_length(out, len);
}

/// Appends a whole element with `content` as contents.
pub fn put_tlv(out: &mut BytesMut, tag: Tag, content: &[u8]) {
    put_tag(out, tag);
    put_len(out, content.len());
    out.extend_from_slice(content);
}

/// Appends a constructed element whose contents `f` writes.
pub fn put_constructed(out: &mut BytesMut, tag: Tag, f: impl FnOnce(&mut BytesMut)) {
    let mut inner = BytesMut::new();
    f(&mut inner);
    put_tlv(out, tag, &inner);
}

/// INTEGER contents in the minimal two's-complement form.
pub fn integer_content(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (Some(&b0), Some(&b1)) = (bytes.get(start), bytes.get(start + 1)) else {
            break;
        };
        if (b0 == 0 && b1 & 0x80 == 0) || (b0 == 0xff && b1 & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes.get(start..).unwrap_or_default().to_vec()
}

/// Appends an INTEGER with tag `tag` (UNIVERSAL 2 or an IMPLICIT tag).
pub fn put_integer(out: &mut BytesMut, tag: Tag, v: i64) {
    put_tlv(out, tag, &integer_content(v));
}

/// OBJECT IDENTIFIER contents.
pub fn oid_content(oid: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |v: u64| {
        let mut tmp = [0u8; 10];
        let mut n = v;
        let mut i = 0;
        loop {
            if let Some(t) = tmp.get_mut(i) {
                *t = (n & 0x7f) as u8;
            }
            n >>= 7;
            i += 1;
            if n == 0 {
                break;
            }
        }
        for j in (0..i).rev() {
            let g = tmp.get(j).copied().unwrap_or(0);
            out.push(if j == 0 { g } else { g | 0x80 });
        }
    };
    let first = u64::from(oid.first().copied().unwrap_or(0)) * 40
        + u64::from(oid.get(1).copied().unwrap_or(0));
    push(first);
    for &a in oid.iter().skip(2) {
        push(u64::from(a));
    }
    out
}

/// Appends an OBJECT IDENTIFIER with tag `tag`.
pub fn put_oid(out: &mut BytesMut, tag: Tag, oid: &[u32]) {
    put_tlv(out, tag, &oid_content(oid));
}

/// Appends a BIT STRING with tag `tag`.
pub fn put_bits(out: &mut BytesMut, tag: Tag, bits: &BitString) {
    let mut c = Vec::with_capacity(bits.data.len() + 1);
    c.push(bits.unused);
    c.extend_from_slice(&bits.data);
    put_tlv(out, tag, &c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_length_nested() {
        let b = [
            0x31, 0x80, 0xa0, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0xff,
        ];
        let (t, used) = read_tlv(&b).unwrap().unwrap();
        assert_eq!(used, 11);
        assert!(t.indefinite);
        let inner = t.inner().unwrap();
        assert_eq!(inner.inner().unwrap().integer().unwrap(), 5);
    }

    #[test]
    fn truncated_is_none_and_bad_is_error() {
        assert_eq!(read_tlv(&[0x30, 0x05, 0x02]).unwrap(), None);
        assert_eq!(read_tlv(&[0x30, 0x80, 0x02, 0x01, 0x01]).unwrap(), None);
        assert!(read_tlv(&[0x02, 0x80, 0x00, 0x00]).is_err());
        assert!(read_tlv(&[0x02, 0x85, 1, 1, 1, 1, 1]).is_err());
    }

    #[test]
    fn integers_and_oids() {
        for v in [0i64, 1, 127, 128, -1, -128, -129, 65535, i64::MAX, i64::MIN] {
            assert_eq!(decode_integer(&integer_content(v)).unwrap(), v);
        }
        assert_eq!(oid_content(&[2, 6, 0, 1, 6]), vec![0x56, 0x00, 0x01, 0x06]);
        assert_eq!(oid_content(&[2, 2, 1, 0, 1]), vec![0x52, 0x01, 0x00, 0x01]);
        let o = decode_oid(&[0x56, 0x00, 0x02, 0x0c]).unwrap();
        assert_eq!(&o[..], &[2, 6, 0, 2, 12]);
        assert!(decode_oid(&[0x56, 0x80]).is_err());
    }

    #[test]
    fn high_tag_numbers() {
        let mut b = BytesMut::new();
        put_tlv(&mut b, Tag::ctx_c(30), &[]);
        assert_eq!(&b[..], &[0xbe, 0x00]);
        let mut b = BytesMut::new();
        put_tlv(&mut b, Tag::ctx(200), &[]);
        let (t, _) = read_tlv(&b).unwrap().unwrap();
        assert_eq!(t.tag, Tag::ctx(200));
    }

    #[test]
    fn deep_nesting_refused() {
        let mut b = Vec::new();
        for _ in 0..100 {
            b.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..100 {
            b.extend_from_slice(&[0, 0]);
        }
        assert_eq!(read_tlv(&b), Err(BerError::TooDeep));
    }

    #[test]
    fn bit_strings() {
        let bs = BitString::from_bits(&[0]);
        assert_eq!((bs.unused, &bs.data[..]), (7, &[0x80][..]));
        assert!(bs.bit(0));
        assert!(!bs.bit(1));
    }
}
