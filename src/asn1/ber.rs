//! X.690 §8 Basic Encoding Rules: the TLV reader and writer under the X.420 / P772 codecs.
//!
//! Hand-written so that decoding accepts what real products send (indefinite lengths,
//! constructed strings, SET components in any order, unknown components), reports the byte
//! offset of the first problem, and never panics on hostile input. Encoding uses definite
//! lengths only, which every BER decoder must accept.

use std::fmt;

use crate::ber::{Length, LengthError};

/// How deep constructed encodings may nest. A forwarded message nests a whole IPM, so this is
/// generous, but it bounds the recursion of the indefinite-length scanner.
pub const MAX_DEPTH: usize = 64;

/// Tag class bits as they sit in the identifier octet.
pub mod class {
    /// UNIVERSAL.
    pub const UNIVERSAL: u8 = 0x00;
    /// APPLICATION.
    pub const APPLICATION: u8 = 0x40;
    /// Context-specific.
    pub const CONTEXT: u8 = 0x80;
    /// PRIVATE.
    pub const PRIVATE: u8 = 0xc0;
}

/// A BER decoding problem, with the absolute byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at offset {offset}: expected {expected}{}", found_text(.found))]
pub struct BerError {
    /// Byte offset from the start of the decoded buffer.
    pub offset: usize,
    /// What the decoder expected there (a type or field name, or a BER construct).
    pub expected: String,
    /// What was there instead, when known.
    pub found: Option<String>,
}

fn found_text(found: &Option<String>) -> String {
    match found {
        Some(f) => format!(", found {f}"),
        None => String::new(),
    }
}

impl BerError {
    /// A problem at `offset`.
    pub fn new(offset: usize, expected: impl Into<String>) -> Self {
        BerError {
            offset,
            expected: expected.into(),
            found: None,
        }
    }

    /// A problem at `offset` naming what was found.
    pub fn found(offset: usize, expected: impl Into<String>, found: impl Into<String>) -> Self {
        BerError {
            offset,
            expected: expected.into(),
            found: Some(found.into()),
        }
    }
}

/// Result of the BER codec.
pub type Result<T> = std::result::Result<T, BerError>;

/// An identifier: class, constructed bit and tag number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    /// One of [`class`]'s constants.
    pub class: u8,
    /// Whether the encoding is constructed.
    pub constructed: bool,
    /// The tag number.
    pub number: u32,
}

impl Tag {
    /// A universal, primitive tag.
    pub const fn prim(number: u32) -> Self {
        Tag {
            class: class::UNIVERSAL,
            constructed: false,
            number,
        }
    }
    /// A universal, constructed tag.
    pub const fn cons(number: u32) -> Self {
        Tag {
            class: class::UNIVERSAL,
            constructed: true,
            number,
        }
    }
    /// A context-specific tag.
    pub const fn ctx(number: u32, constructed: bool) -> Self {
        Tag {
            class: class::CONTEXT,
            constructed,
            number,
        }
    }
    /// An application tag.
    pub const fn app(number: u32, constructed: bool) -> Self {
        Tag {
            class: class::APPLICATION,
            constructed,
            number,
        }
    }
    /// Same class and number, ignoring the constructed bit (strings may be either).
    pub fn same(&self, other: Tag) -> bool {
        self.class == other.class && self.number == other.number
    }
    /// Whether this is the context tag `[n]` in either form.
    pub fn is_ctx(&self, n: u32) -> bool {
        self.class == class::CONTEXT && self.number == n
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = match self.class {
            class::UNIVERSAL => "UNIVERSAL ",
            class::APPLICATION => "APPLICATION ",
            class::CONTEXT => "",
            _ => "PRIVATE ",
        };
        let univ = if self.class == class::UNIVERSAL {
            match self.number {
                1 => " (BOOLEAN)",
                2 => " (INTEGER)",
                3 => " (BIT STRING)",
                4 => " (OCTET STRING)",
                5 => " (NULL)",
                6 => " (OBJECT IDENTIFIER)",
                8 => " (EXTERNAL)",
                10 => " (ENUMERATED)",
                16 => " (SEQUENCE)",
                17 => " (SET)",
                19 => " (PrintableString)",
                20 => " (TeletexString)",
                22 => " (IA5String)",
                23 => " (UTCTime)",
                24 => " (GeneralizedTime)",
                27 => " (GeneralString)",
                _ => "",
            }
        } else {
            ""
        };
        write!(f, "[{c}{}]{univ}", self.number)
    }
}

/// Universal tags used by the codecs.
pub mod tags {
    use super::Tag;
    /// BOOLEAN.
    pub const BOOLEAN: Tag = Tag::prim(1);
    /// INTEGER.
    pub const INTEGER: Tag = Tag::prim(2);
    /// BIT STRING.
    pub const BIT_STRING: Tag = Tag::prim(3);
    /// OCTET STRING.
    pub const OCTET_STRING: Tag = Tag::prim(4);
    /// NULL.
    pub const NULL: Tag = Tag::prim(5);
    /// OBJECT IDENTIFIER.
    pub const OID: Tag = Tag::prim(6);
    /// ObjectDescriptor.
    pub const OBJECT_DESCRIPTOR: Tag = Tag::prim(7);
    /// EXTERNAL / INSTANCE OF.
    pub const EXTERNAL: Tag = Tag::cons(8);
    /// ENUMERATED.
    pub const ENUMERATED: Tag = Tag::prim(10);
    /// RELATIVE-OID.
    pub const RELATIVE_OID: Tag = Tag::prim(13);
    /// SEQUENCE / SEQUENCE OF.
    pub const SEQUENCE: Tag = Tag::cons(16);
    /// SET / SET OF.
    pub const SET: Tag = Tag::cons(17);
    /// NumericString.
    pub const NUMERIC_STRING: Tag = Tag::prim(18);
    /// PrintableString.
    pub const PRINTABLE_STRING: Tag = Tag::prim(19);
    /// TeletexString (T61String).
    pub const TELETEX_STRING: Tag = Tag::prim(20);
    /// VideotexString.
    pub const VIDEOTEX_STRING: Tag = Tag::prim(21);
    /// IA5String.
    pub const IA5_STRING: Tag = Tag::prim(22);
    /// UTCTime.
    pub const UTC_TIME: Tag = Tag::prim(23);
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: Tag = Tag::prim(24);
    /// GeneralString.
    pub const GENERAL_STRING: Tag = Tag::prim(27);
    /// UniversalString.
    pub const UNIVERSAL_STRING: Tag = Tag::prim(28);
    /// BMPString.
    pub const BMP_STRING: Tag = Tag::prim(30);
    /// UTF8String.
    pub const UTF8_STRING: Tag = Tag::prim(12);
}

/// One decoded element.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    /// Its identifier.
    pub tag: Tag,
    /// The contents octets (for an indefinite length: without the end-of-contents octets).
    pub contents: &'a [u8],
    /// The whole encoding: identifier, length, contents and end-of-contents.
    pub raw: &'a [u8],
    /// Absolute offset of the identifier octet.
    pub offset: usize,
    /// Absolute offset of the first contents octet.
    pub contents_offset: usize,
    depth: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over the components of this constructed element.
    pub fn reader(&self, what: &str) -> Result<Reader<'a>> {
        if !self.tag.constructed {
            return Err(BerError::found(
                self.offset,
                format!("constructed {what}"),
                "a primitive encoding",
            ));
        }
        if self.depth + 1 > MAX_DEPTH {
            return Err(BerError::new(self.offset, "nesting no deeper than 64"));
        }
        Ok(Reader {
            buf: self.contents,
            base: self.contents_offset,
            depth: self.depth + 1,
        })
    }

    /// An error at this element.
    pub fn err(&self, expected: impl Into<String>) -> BerError {
        BerError::found(self.offset, expected, self.tag.to_string())
    }

    /// Checks the tag (class and number; the constructed bit is checked by the value readers).
    pub fn expect(&self, tag: Tag, what: &str) -> Result<()> {
        if self.tag.same(tag) {
            Ok(())
        } else {
            Err(self.err(format!("{what} {tag}")))
        }
    }

    /// The contents of a primitive encoding.
    fn primitive(&self, what: &str) -> Result<&'a [u8]> {
        if self.tag.constructed {
            return Err(BerError::found(
                self.offset,
                format!("primitive {what}"),
                "a constructed encoding",
            ));
        }
        Ok(self.contents)
    }

    /// BOOLEAN contents (any non-zero octet is TRUE, X.690 §8.2.2).
    pub fn boolean(&self) -> Result<bool> {
        match self.primitive("BOOLEAN")? {
            [b] => Ok(*b != 0),
            _ => Err(BerError::new(self.contents_offset, "one BOOLEAN octet")),
        }
    }

    /// INTEGER or ENUMERATED contents that fit an i64.
    pub fn integer(&self) -> Result<i64> {
        let c = self.primitive("INTEGER")?;
        if c.is_empty() || c.len() > 8 {
            return Err(BerError::new(
                self.contents_offset,
                "an INTEGER of 1 to 8 octets",
            ));
        }
        let mut v: i64 = if c.first().is_some_and(|b| b & 0x80 != 0) {
            -1
        } else {
            0
        };
        for b in c {
            v = (v << 8) | i64::from(*b);
        }
        Ok(v)
    }

    /// NULL.
    pub fn null(&self) -> Result<()> {
        if self.primitive("NULL")?.is_empty() {
            Ok(())
        } else {
            Err(BerError::new(self.contents_offset, "empty NULL contents"))
        }
    }

    /// OBJECT IDENTIFIER contents as arcs (also accepts RELATIVE-OID contents when `relative`).
    pub fn oid_arcs(&self, relative: bool) -> Result<Vec<u32>> {
        let c = self.primitive("OBJECT IDENTIFIER")?;
        let mut arcs = Vec::new();
        let mut acc: u64 = 0;
        let mut in_arc = false;
        for (i, b) in c.iter().enumerate() {
            if !in_arc && *b == 0x80 {
                return Err(BerError::new(
                    self.contents_offset + i,
                    "a minimal OID sub-identifier",
                ));
            }
            acc = (acc << 7) | u64::from(b & 0x7f);
            if acc > u64::from(u32::MAX) {
                return Err(BerError::new(self.contents_offset + i, "an OID arc < 2^32"));
            }
            in_arc = b & 0x80 != 0;
            if !in_arc {
                if arcs.is_empty() && !relative {
                    let (first, second) = match acc {
                        0..=39 => (0, acc),
                        40..=79 => (1, acc - 40),
                        _ => (2, acc - 80),
                    };
                    arcs.push(first as u32);
                    arcs.push(second as u32);
                } else {
                    arcs.push(acc as u32);
                }
                acc = 0;
            }
        }
        if in_arc || arcs.is_empty() {
            return Err(BerError::new(self.contents_offset, "complete OID contents"));
        }
        Ok(arcs)
    }

    /// The octets of a string type, gathering the segments of a constructed encoding
    /// (X.690 §8.23.6); `limit` bounds the total length.
    pub fn string_bytes(&self, limit: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        gather(self, &mut out, limit)?;
        Ok(out)
    }

    /// BIT STRING: (unused bit count, octets).
    pub fn bit_string(&self) -> Result<(u8, Vec<u8>)> {
        if self.tag.constructed {
            // Segments each carry their own unused-bits octet; only the last may be non-zero.
            let mut r = self.reader("BIT STRING")?;
            let mut out = Vec::new();
            let mut unused = 0;
            while let Some(seg) = r.next()? {
                let (u, bytes) = seg.bit_string()?;
                out.extend_from_slice(&bytes);
                unused = u;
            }
            return Ok((unused, out));
        }
        match self.contents.split_first() {
            Some((u, rest)) if *u < 8 && !(rest.is_empty() && *u != 0) => Ok((*u, rest.to_vec())),
            _ => Err(BerError::new(
                self.contents_offset,
                "a BIT STRING unused-bits octet 0..7",
            )),
        }
    }
}

fn gather(tlv: &Tlv<'_>, out: &mut Vec<u8>, limit: usize) -> Result<()> {
    if !tlv.tag.constructed {
        if out.len() + tlv.contents.len() > limit {
            return Err(BerError::new(
                tlv.offset,
                format!("a string of at most {limit} octets"),
            ));
        }
        out.extend_from_slice(tlv.contents);
        return Ok(());
    }
    let mut r = tlv.reader("string")?;
    while let Some(seg) = r.next()? {
        gather(&seg, out, limit)?;
    }
    Ok(())
}

/// Reads successive elements from a buffer; every read is bounds-checked.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole buffer (offsets count from its start).
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            base: 0,
            depth: 0,
        }
    }

    /// Absolute offset of the next unread octet.
    pub fn offset(&self) -> usize {
        self.base
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next element, or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Tlv<'a>>> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let (tlv, used) = parse(self.buf, self.base, self.depth)?;
        self.buf = self.buf.get(used..).unwrap_or_default();
        self.base += used;
        Ok(Some(tlv))
    }

    /// The next element, which must be there.
    pub fn required(&mut self, what: &str) -> Result<Tlv<'a>> {
        let at = self.base;
        self.next()?
            .ok_or_else(|| BerError::found(at, what.to_string(), "the end of the contents"))
    }

    /// The next element if its tag has `tag`'s class and number, without consuming otherwise.
    pub fn optional(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>> {
        let save = self.clone();
        match self.next()? {
            Some(t) if t.tag.same(tag) => Ok(Some(t)),
            Some(_) => {
                *self = save;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Fails unless everything was read.
    pub fn finish(&self, what: &str) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(BerError::new(self.base, format!("the end of {what}")))
        }
    }
}

/// Parses one element at the start of `buf` (`base` = its absolute offset).
fn parse(buf: &[u8], base: usize, depth: usize) -> Result<(Tlv<'_>, usize)> {
    if depth > MAX_DEPTH {
        return Err(BerError::new(base, "nesting no deeper than 64"));
    }
    let first = *buf
        .first()
        .ok_or_else(|| BerError::new(base, "an identifier octet"))?;
    let mut pos = 1usize;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            let b = *buf
                .get(pos)
                .ok_or_else(|| BerError::new(base + pos, "a tag number octet"))?;
            pos += 1;
            if number > (u32::MAX >> 7) {
                return Err(BerError::new(base, "a tag number < 2^32"));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let tag = Tag {
        class: first & 0xc0,
        constructed: first & 0x20 != 0,
        number,
    };
    if first == 0 {
        return Err(BerError::found(
            base,
            "an element",
            "end-of-contents octets",
        ));
    }
    let len_off = base + pos;
    let (length, used) =
        crate::ber::read_length(buf.get(pos..).unwrap_or_default()).map_err(|e| match e {
            // The first octet missing, at the end of the input.
            LengthError::Truncated => BerError::new(base + buf.len(), "a length octet"),
            LengthError::TooLong => BerError::new(len_off, "a length of at most 4 octets"),
        })?;
    pos += used;
    let definite = match length {
        Length::Definite(len) => Some(len),
        Length::Indefinite => None,
    };
    let contents_offset = base + pos;
    match definite {
        Some(len) => {
            let end = pos
                .checked_add(len)
                .filter(|e| *e <= buf.len())
                .ok_or_else(|| {
                    BerError::found(
                        len_off,
                        format!("{len} contents octets"),
                        format!("{} left", buf.len().saturating_sub(pos)),
                    )
                })?;
            let contents = buf.get(pos..end).unwrap_or_default();
            let raw = buf.get(..end).unwrap_or_default();
            Ok((
                Tlv {
                    tag,
                    contents,
                    raw,
                    offset: base,
                    contents_offset,
                    depth,
                },
                end,
            ))
        }
        None => {
            if !tag.constructed {
                return Err(BerError::new(
                    len_off,
                    "a definite length on a primitive encoding",
                ));
            }
            // Walk the components until the end-of-contents octets.
            let mut p = pos;
            loop {
                let rest = buf.get(p..).unwrap_or_default();
                if rest.starts_with(&[0, 0]) {
                    break;
                }
                if rest.is_empty() {
                    return Err(BerError::new(base + p, "end-of-contents octets"));
                }
                let (_, used) = parse(rest, base + p, depth + 1)?;
                p += used;
            }
            let contents = buf.get(pos..p).unwrap_or_default();
            let raw = buf.get(..p + 2).unwrap_or_default();
            Ok((
                Tlv {
                    tag,
                    contents,
                    raw,
                    offset: base,
                    contents_offset,
                    depth,
                },
                p + 2,
            ))
        }
    }
}

/// Decodes exactly one element filling `buf`.
pub fn single(buf: &[u8]) -> Result<Tlv<'_>> {
    let mut r = Reader::new(buf);
    let t = r.required("a BER element")?;
    r.finish("the encoding")?;
    Ok(t)
}

/// Checks that `buf` is well-formed BER: one element, every nested length consistent. Returns
/// the first problem with its offset; used to give operators a precise error before typed
/// decoding.
pub fn validate(buf: &[u8]) -> Result<()> {
    fn walk(t: &Tlv<'_>) -> Result<()> {
        if t.tag.constructed {
            let mut r = t.reader("element")?;
            while let Some(c) = r.next()? {
                walk(&c)?;
            }
        }
        Ok(())
    }
    walk(&single(buf)?)
}

// ---------------------------------------------------------------------------------------------
// Writer

/// Appends identifier and definite length for `tag` with `len` contents octets.
pub fn write_header(out: &mut Vec<u8>, tag: Tag, len: usize) {
    let first = tag.class | if tag.constructed { 0x20 } else { 0 };
    if tag.number < 31 {
        out.push(first | tag.number as u8);
    } else {
        out.push(first | 0x1f);
        write_base128(out, u64::from(tag.number));
    }
    crate::ber::write_length(out, len);
}

/// Appends `v` in base 128, most significant group first, bit 8 set on all but the last
/// octet: the form of high tag numbers (X.690 §8.1.2.4) and of OID arcs (§8.19.2).
pub fn write_base128(out: &mut Vec<u8>, v: u64) {
    let mut groups = Vec::new();
    let mut n = v;
    loop {
        groups.push((n & 0x7f) as u8);
        n >>= 7;
        if n == 0 {
            break;
        }
    }
    while let Some(g) = groups.pop() {
        out.push(if groups.is_empty() { g } else { g | 0x80 });
    }
}

/// Appends a complete element.
pub fn write(out: &mut Vec<u8>, tag: Tag, contents: &[u8]) {
    write_header(out, tag, contents.len());
    out.extend_from_slice(contents);
}

/// Appends a constructed element whose contents `f` writes.
pub fn write_cons(out: &mut Vec<u8>, tag: Tag, f: impl FnOnce(&mut Vec<u8>)) {
    let mut inner = Vec::new();
    f(&mut inner);
    let tag = Tag {
        constructed: true,
        ..tag
    };
    write(out, tag, &inner);
}

/// INTEGER contents (minimal two's complement).
pub fn integer_contents(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (a, b) = (bytes[start], bytes[start + 1]);
        if (a == 0 && b & 0x80 == 0) || (a == 0xff && b & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes[start..].to_vec()
}

/// Appends an INTEGER (or ENUMERATED, or an implicitly tagged one) element.
pub fn write_integer(out: &mut Vec<u8>, tag: Tag, v: i64) {
    write(out, tag, &integer_contents(v));
}

/// Appends a BOOLEAN element (TRUE as 0xff, the DER form tshark expects).
pub fn write_bool(out: &mut Vec<u8>, tag: Tag, v: bool) {
    write(out, tag, &[if v { 0xff } else { 0 }]);
}

/// OBJECT IDENTIFIER contents from arcs (the first two arcs must be valid: callers hold OIDs
/// that came from a decoder or from `oids.rs`).
pub fn oid_contents(arcs: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |v: u64| write_base128(&mut out, v);
    match arcs {
        [a, b, rest @ ..] => {
            push(u64::from(*a) * 40 + u64::from(*b));
            for r in rest {
                push(u64::from(*r));
            }
        }
        [a] => push(u64::from(*a) * 40),
        [] => {}
    }
    out
}

/// The names of the bits set in `mask` (bit i = named bit i), in bit order; a bit without a
/// name in `names` is `bit-i`.
pub fn named_bit_names(mask: u32, names: &[&str]) -> Vec<String> {
    (0..32)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| {
            names
                .get(i as usize)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("bit-{i}"))
        })
        .collect()
}

/// BIT STRING contents from named-bit numbers set in `mask` (bit i = named bit i), trailing
/// zero bits removed (X.690 §11.2.2).
pub fn named_bits_contents(mask: u32) -> Vec<u8> {
    if mask == 0 {
        return vec![0];
    }
    let highest = 31 - mask.leading_zeros();
    let nbytes = (highest / 8 + 1) as usize;
    let mut bytes = vec![0u8; nbytes];
    for i in 0..=highest {
        if mask & (1 << i) != 0
            && let Some(b) = bytes.get_mut((i / 8) as usize)
        {
            *b |= 0x80 >> (i % 8);
        }
    }
    let unused = 7 - (highest % 8) as u8;
    let mut out = vec![unused];
    out.extend_from_slice(&bytes);
    out
}

/// Named bits of a BIT STRING (bit i of the result = named bit i; bits past 31 are dropped).
pub fn named_bits(unused: u8, bytes: &[u8]) -> u32 {
    let total = (bytes.len() * 8).saturating_sub(usize::from(unused));
    let mut mask = 0u32;
    for i in 0..total.min(32) {
        if bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0) {
            mask |= 1 << i;
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_and_constructed_string() {
        // [0] { SET {} , IA5String constructed indefinite { OCTET STRING "hi" } }
        let b = [
            0xa0, 0x80, 0x31, 0x00, 0x36, 0x80, 0x04, 0x02, b'h', b'i', 0, 0, 0, 0,
        ];
        let t = single(&b).unwrap();
        let mut r = t.reader("x").unwrap();
        let set = r.required("set").unwrap();
        assert_eq!(set.tag, tags::SET);
        let s = r.required("s").unwrap();
        assert_eq!(s.string_bytes(100).unwrap(), b"hi");
        assert!(r.next().unwrap().is_none());
    }

    #[test]
    fn truncated_is_error_with_offset() {
        let e = single(&[0x30, 0x05, 0x02, 0x01]).unwrap_err();
        assert_eq!(e.offset, 1);
        let e = single(&[0x30, 0x80, 0x02, 0x01, 0x01]).unwrap_err();
        assert_eq!(e.offset, 5);
    }

    #[test]
    fn integers_and_oids_round_trip() {
        for v in [
            0i64,
            1,
            -1,
            127,
            128,
            -128,
            -129,
            255,
            256,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = Vec::new();
            write_integer(&mut out, tags::INTEGER, v);
            assert_eq!(single(&out).unwrap().integer().unwrap(), v);
        }
        let arcs = [1u32, 3, 26, 0, 4406, 0, 2, 16];
        let mut out = Vec::new();
        write(&mut out, tags::OID, &oid_contents(&arcs));
        assert_eq!(single(&out).unwrap().oid_arcs(false).unwrap(), arcs);
    }

    #[test]
    fn named_bits_round_trip() {
        for m in [0u32, 1, 2, 3, 0x1f, 0x80, 0x100, 0x8000_0000] {
            let c = named_bits_contents(m);
            let (u, b) = c.split_first().unwrap();
            assert_eq!(named_bits(*u, b), m);
        }
        // rn + nrn as the real sample sends them: 06 c0.
        assert_eq!(named_bits_contents(0b11), vec![6, 0xc0]);
    }
}
