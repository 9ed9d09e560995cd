//! X.690 BER for the X.411 §18 O/R address (IMPLICIT TAGS): a small TLV reader and writer.
//!
//! Hand-written rather than derived so that the decoder accepts what real peers send
//! (indefinite lengths, constructed strings, components in any order) and never panics, and so
//! that encoding is infallible: every value the public types can hold has a BER form.

use crate::ber::{Length, LengthError};

use super::{
    AddressError, CountryName, DomainDefinedAttribute, DomainName, ExtensionAttribute, ORAddress,
    ORName, PersonalName, limits,
};

/// How deep constructed encodings may nest inside one O/R name; the deepest legal nesting is
/// far below this (extension attribute → SET → SEQUENCE → string segments).
const MAX_DEPTH: usize = 16;

// Identifier octets used below (class | constructed | number).
const T_NUMERIC: u8 = 0x12;
const T_PRINTABLE: u8 = 0x13;
const T_TELETEX: u8 = 0x14;
const T_SEQUENCE: u8 = 0x30;
const T_SET: u8 = 0x31;
const T_COUNTRY: u8 = 0x61; // [APPLICATION 1] CHOICE, so explicit (constructed)
const T_ADMD: u8 = 0x62; // [APPLICATION 2] CHOICE
const T_ORNAME: u8 = 0x60; // [APPLICATION 0] IMPLICIT SEQUENCE

pub(crate) fn err(context: &'static str, problem: &'static str) -> AddressError {
    AddressError::Ber { context, problem }
}

/// One decoded TLV. `contents` excludes the end-of-contents octets of an indefinite length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// Class bits (0x00, 0x40, 0x80, 0xc0).
    pub class: u8,
    pub constructed: bool,
    pub number: u32,
    pub contents: &'a [u8],
}

impl Tlv<'_> {
    /// The identifier octet for low tag numbers, so callers can match on one byte.
    pub fn id(&self) -> Option<u8> {
        (self.number < 31)
            .then_some(self.class | if self.constructed { 0x20 } else { 0 } | self.number as u8)
    }
}

/// Reads TLVs one after the other from a byte slice; every read is bounds-checked.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    depth: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, depth: 0 }
    }

    fn nested(buf: &'a [u8], depth: usize) -> Result<Self, AddressError> {
        if depth > MAX_DEPTH {
            return Err(err("BER", "nesting too deep"));
        }
        Ok(Reader { buf, depth })
    }

    /// A reader over the contents of `tlv`, one level deeper.
    pub fn inner(&self, tlv: &Tlv<'a>) -> Result<Reader<'a>, AddressError> {
        Reader::nested(tlv.contents, self.depth + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.buf
    }

    fn byte(&mut self) -> Result<u8, AddressError> {
        let (&b, rest) = self
            .buf
            .split_first()
            .ok_or_else(|| err("BER", "truncated"))?;
        self.buf = rest;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], AddressError> {
        if n > self.buf.len() {
            return Err(err("BER", "length runs past the end of the data"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// Reads one complete TLV (definite or indefinite length).
    pub fn read(&mut self) -> Result<Tlv<'a>, AddressError> {
        let first = self.byte()?;
        let class = first & 0xc0;
        let constructed = first & 0x20 != 0;
        let mut number = u32::from(first & 0x1f);
        if number == 0x1f {
            // High tag number: base-128 octets, the last without bit 8. Four are plenty (no
            // O/R address tag needs more than one) and keep the number within u32.
            number = 0;
            let mut last = false;
            for _ in 0..4 {
                let b = self.byte()?;
                number = (number << 7) | u32::from(b & 0x7f);
                if b & 0x80 == 0 {
                    last = true;
                    break;
                }
            }
            if !last {
                return Err(err("BER", "tag number too large"));
            }
        }
        let (length, used) = crate::ber::read_length(self.buf).map_err(|e| match e {
            LengthError::Truncated => err("BER", "truncated"),
            LengthError::TooLong => err("BER", "length field too long"),
        })?;
        self.buf = self.buf.get(used..).unwrap_or_default();
        let contents = match length {
            Length::Indefinite => {
                if !constructed {
                    return Err(err("BER", "indefinite length on a primitive encoding"));
                }
                self.indefinite_contents()?
            }
            Length::Definite(len) => self.take(len)?,
        };
        Ok(Tlv {
            class,
            constructed,
            number,
            contents,
        })
    }

    /// Contents of an indefinite-length value: everything up to the matching end-of-contents.
    fn indefinite_contents(&mut self) -> Result<&'a [u8], AddressError> {
        let start = self.buf;
        let mut inner = Reader::nested(self.buf, self.depth + 1)?;
        loop {
            if inner.buf.starts_with(&[0, 0]) {
                let used = start.len() - inner.buf.len();
                let contents = self.take(used)?;
                self.take(2)?;
                return Ok(contents);
            }
            if inner.buf.is_empty() {
                return Err(err("BER", "missing end-of-contents"));
            }
            inner.read()?;
        }
    }

    /// Reads one TLV and requires the identifier octet `id`.
    pub fn expect(&mut self, id: u8, context: &'static str) -> Result<Tlv<'a>, AddressError> {
        let tlv = self.read()?;
        if tlv.id() != Some(id) {
            return Err(err(context, "unexpected tag"));
        }
        Ok(tlv)
    }

    /// The identifier octet of the next TLV, if any (0xff for high tag numbers).
    pub fn peek_id(&self) -> Option<u8> {
        let &b = self.buf.first()?;
        Some(if b & 0x1f == 0x1f { 0xff } else { b })
    }
}

/// Octets of a string value, primitive or (BER) constructed from segments of `segment_id`.
fn string_octets(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    segment_id: u8,
    context: &'static str,
) -> Result<Vec<u8>, AddressError> {
    if !tlv.constructed {
        return Ok(tlv.contents.to_vec());
    }
    let mut out = Vec::new();
    let mut inner = r.inner(tlv)?;
    while !inner.is_empty() {
        let seg = inner.read()?;
        if seg.id() == Some(segment_id) {
            out.extend_from_slice(seg.contents);
        } else if seg.id() == Some(segment_id | 0x20) {
            out.extend(string_octets(&inner, &seg, segment_id, context)?);
        } else {
            return Err(err(context, "bad segment in a constructed string"));
        }
    }
    Ok(out)
}

/// Each octet is one character (U+0000..U+00FF), so any octets read back exactly as sent.
fn octets_to_string(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// The inverse of [`octets_to_string`]; characters beyond U+00FF (which no decoded value and
/// no parsed text holds) fall back to their UTF-8 octets.
pub(crate) fn string_to_octets(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// Decodes a string value of `min..=max` octets.
///
/// The octets are not checked against the string type's character set: real products put
/// characters such as `_` into PrintableStrings, and refusing a whole delivery over that helps
/// nobody. The octets are kept as sent, and the text form escapes what the type does not allow.
fn read_string(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    segment_id: u8,
    min: usize,
    max: usize,
    context: &'static str,
) -> Result<String, AddressError> {
    let octets = string_octets(r, tlv, segment_id, context)?;
    if octets.len() < min || octets.len() > max {
        return Err(err(context, "string length out of bounds"));
    }
    Ok(octets_to_string(&octets))
}

fn read_numeric_or_printable(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    min: usize,
    max: usize,
    context: &'static str,
) -> Result<DomainName, AddressError> {
    // The CHOICE is explicitly tagged, so exactly one inner string follows.
    let mut inner = r.inner(tlv)?;
    let s = inner.read()?;
    if !inner.is_empty() {
        return Err(err(context, "more than one value in a CHOICE"));
    }
    match s.id() {
        Some(T_NUMERIC) | Some(0x32) => Ok(DomainName::Numeric(read_string(
            &inner, &s, T_NUMERIC, min, max, context,
        )?)),
        Some(T_PRINTABLE) | Some(0x33) => Ok(DomainName::Printable(read_string(
            &inner,
            &s,
            T_PRINTABLE,
            min,
            max,
            context,
        )?)),
        _ => Err(err(context, "neither NumericString nor PrintableString")),
    }
}

fn read_personal_name(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    segment: u8,
    context: &'static str,
) -> Result<PersonalName, AddressError> {
    let mut inner = r.inner(tlv)?;
    let mut parts: [Option<String>; 4] = [None, None, None, None];
    let bounds = [
        limits::SURNAME,
        limits::GIVEN_NAME,
        limits::INITIALS,
        limits::GENERATION_QUALIFIER,
    ];
    // A SET: the components may come in any order.
    while !inner.is_empty() {
        let t = inner.read()?;
        if t.class != 0x80 {
            return Err(err(context, "unexpected tag"));
        }
        let i = usize::try_from(t.number).map_err(|_| err(context, "unexpected tag"))?;
        let (slot, &max) = parts
            .get_mut(i)
            .zip(bounds.get(i))
            .ok_or_else(|| err(context, "unexpected tag"))?;
        if slot.is_some() {
            return Err(err(context, "component repeated"));
        }
        *slot = Some(read_string(&inner, &t, segment, 1, max, context)?);
    }
    let [surname, given_name, initials, generation_qualifier] = parts;
    Ok(PersonalName {
        surname: surname.ok_or_else(|| err(context, "surname missing"))?,
        given_name,
        initials,
        generation_qualifier,
    })
}

fn read_string_sequence(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    id: u8,
    context: &'static str,
) -> Result<Vec<String>, AddressError> {
    let mut inner = r.inner(tlv)?;
    let mut out = Vec::new();
    while !inner.is_empty() {
        let t = inner.read()?;
        if t.id() != Some(id) && t.id() != Some(id | 0x20) {
            return Err(err(context, "unexpected tag"));
        }
        out.push(read_string(&inner, &t, id, 1, limits::OU_NAME, context)?);
    }
    if out.is_empty() || out.len() > limits::ORGANIZATIONAL_UNITS {
        return Err(err(
            context,
            "between 1 and 4 organizational units expected",
        ));
    }
    Ok(out)
}

fn read_dda_sequence(
    r: &Reader<'_>,
    tlv: &Tlv<'_>,
    id: u8,
    context: &'static str,
) -> Result<Vec<DomainDefinedAttribute>, AddressError> {
    let mut inner = r.inner(tlv)?;
    let mut out = Vec::new();
    while !inner.is_empty() {
        let pair = inner.expect(T_SEQUENCE, context)?;
        let mut p = inner.inner(&pair)?;
        let t = p.read()?;
        if t.id() != Some(id) && t.id() != Some(id | 0x20) {
            return Err(err(context, "unexpected tag"));
        }
        let attr_type = read_string(&p, &t, id, 1, limits::DDA_TYPE, context)?;
        let v = p.read()?;
        if v.id() != Some(id) && v.id() != Some(id | 0x20) {
            return Err(err(context, "unexpected tag"));
        }
        let value = read_string(&p, &v, id, 1, limits::DDA_VALUE, context)?;
        if !p.is_empty() {
            return Err(err(context, "trailing data"));
        }
        out.push(DomainDefinedAttribute { attr_type, value });
    }
    if out.is_empty() || out.len() > limits::DOMAIN_DEFINED_ATTRIBUTES {
        return Err(err(
            context,
            "between 1 and 4 domain-defined attributes expected",
        ));
    }
    Ok(out)
}

/// Decodes the contents of an ORName or ORAddress SEQUENCE (the `COMPONENTS OF ORAddress`,
/// followed, for an ORName, by the optional `[0] Name`).
pub(crate) fn decode_contents(
    contents: &[u8],
    allow_directory_name: bool,
) -> Result<ORName, AddressError> {
    let mut r = Reader::new(contents);
    let mut a = ORAddress::default();
    let bisa = r.expect(T_SEQUENCE, "built-in-standard-attributes")?;
    decode_bisa(&r, &bisa, &mut a)?;
    if r.peek_id() == Some(T_SEQUENCE) {
        let t = r.read()?;
        a.domain_defined =
            read_dda_sequence(&r, &t, T_PRINTABLE, "built-in-domain-defined-attributes")?;
    }
    if r.peek_id() == Some(T_SET) {
        let t = r.read()?;
        decode_extensions(&r, &t, &mut a)?;
    }
    let mut directory_name = None;
    if allow_directory_name && r.peek_id() == Some(0xa0) {
        let t = r.read()?;
        // `Name` is a CHOICE, so `[0]` stays explicit: exactly one TLV inside, kept raw.
        let mut inner = r.inner(&t)?;
        let start = inner.rest();
        inner.read()?;
        if !inner.is_empty() {
            return Err(err("directory-name", "more than one value inside [0]"));
        }
        directory_name = Some(start.to_vec());
    }
    if !r.is_empty() {
        return Err(err("ORName", "unexpected trailing component"));
    }
    Ok(ORName {
        address: a,
        directory_name,
    })
}

fn decode_bisa(r: &Reader<'_>, bisa: &Tlv<'_>, a: &mut ORAddress) -> Result<(), AddressError> {
    let mut inner = r.inner(bisa)?;
    let mut seen = 0u32;
    // Components are identified by tag, so order is not enforced: some products reorder.
    while !inner.is_empty() {
        let t = inner.read()?;
        let id = t
            .id()
            .ok_or_else(|| err("built-in-standard-attributes", "unexpected tag"))?;
        let bit = match id {
            T_COUNTRY => 0,
            T_ADMD => 1,
            0x80 | 0xa0 => 2,
            0x81 | 0xa1 => 3,
            0xa2 => 4,
            0x83 | 0xa3 => 5,
            0x84 | 0xa4 => 6,
            0xa5 => 7,
            0xa6 => 8,
            _ => return Err(err("built-in-standard-attributes", "unexpected tag")),
        };
        if seen & (1 << bit) != 0 {
            return Err(err("built-in-standard-attributes", "component repeated"));
        }
        seen |= 1 << bit;
        match bit {
            0 => {
                let c = read_numeric_or_printable(&inner, &t, 2, 3, "country-name")?;
                a.country = Some(match c {
                    DomainName::Numeric(s) if s.chars().count() == limits::COUNTRY_NUMERIC => {
                        CountryName::X121DccCode(s)
                    }
                    DomainName::Printable(s) if s.chars().count() == limits::COUNTRY_ALPHA => {
                        CountryName::Iso3166Alpha2(s)
                    }
                    _ => return Err(err("country-name", "wrong length")),
                });
            }
            1 => {
                a.admd = Some(read_numeric_or_printable(
                    &inner,
                    &t,
                    0,
                    limits::DOMAIN_NAME,
                    "administration-domain-name",
                )?)
            }
            2 => {
                a.network_address = Some(read_string(
                    &inner,
                    &t,
                    T_NUMERIC,
                    1,
                    limits::X121_ADDRESS,
                    "network-address",
                )?)
            }
            3 => {
                a.terminal_identifier = Some(read_string(
                    &inner,
                    &t,
                    T_PRINTABLE,
                    1,
                    limits::TERMINAL_ID,
                    "terminal-identifier",
                )?)
            }
            4 => {
                a.prmd = Some(read_numeric_or_printable(
                    &inner,
                    &t,
                    1,
                    limits::DOMAIN_NAME,
                    "private-domain-name",
                )?)
            }
            5 => {
                a.organization = Some(read_string(
                    &inner,
                    &t,
                    T_PRINTABLE,
                    1,
                    limits::ORGANIZATION_NAME,
                    "organization-name",
                )?)
            }
            6 => {
                a.numeric_user_identifier = Some(read_string(
                    &inner,
                    &t,
                    T_NUMERIC,
                    1,
                    limits::NUMERIC_USER_ID,
                    "numeric-user-identifier",
                )?)
            }
            7 => {
                a.personal_name = Some(read_personal_name(
                    &inner,
                    &t,
                    T_PRINTABLE,
                    "personal-name",
                )?)
            }
            _ => {
                a.organizational_units =
                    read_string_sequence(&inner, &t, T_PRINTABLE, "organizational-unit-names")?
            }
        }
    }
    Ok(())
}

fn decode_extensions(r: &Reader<'_>, set: &Tlv<'_>, a: &mut ORAddress) -> Result<(), AddressError> {
    const CTX: &str = "extension-attributes";
    let mut inner = r.inner(set)?;
    let mut count = 0usize;
    while !inner.is_empty() {
        count += 1;
        if count > limits::EXTENSION_ATTRIBUTES {
            return Err(err(CTX, "too many extension attributes"));
        }
        let attr = inner.expect(T_SEQUENCE, CTX)?;
        let mut p = inner.inner(&attr)?;
        let ty = p.expect(0x80, CTX)?;
        let attr_type = decode_small_integer(ty.contents)?;
        let wrapper = p.expect(0xa1, CTX)?;
        if !p.is_empty() {
            return Err(err(CTX, "trailing data in an extension attribute"));
        }
        let mut v = p.inner(&wrapper)?;
        let raw = v.rest();
        let value = v.read()?;
        if !v.is_empty() {
            return Err(err(CTX, "more than one value inside [1]"));
        }
        if !decode_known_extension(&v, attr_type, &value, a)? {
            a.other_extensions.push(ExtensionAttribute {
                attr_type,
                value: raw.to_vec(),
            });
        }
    }
    if count == 0 {
        return Err(err(CTX, "empty SET"));
    }
    Ok(())
}

/// Stores a known extension attribute in its field. Returns false when `attr_type` is not one
/// this type models, or the field is already taken (kept raw then, so nothing is lost).
fn decode_known_extension(
    r: &Reader<'_>,
    attr_type: u32,
    value: &Tlv<'_>,
    a: &mut ORAddress,
) -> Result<bool, AddressError> {
    match attr_type {
        1 if a.common_name.is_none() => {
            check_id(value, T_PRINTABLE, "common-name")?;
            a.common_name = Some(read_string(
                r,
                value,
                T_PRINTABLE,
                1,
                limits::COMMON_NAME,
                "common-name",
            )?);
        }
        2 if a.teletex_common_name.is_none() => {
            check_id(value, T_TELETEX, "teletex-common-name")?;
            a.teletex_common_name = Some(read_string(
                r,
                value,
                T_TELETEX,
                1,
                limits::COMMON_NAME,
                "teletex-common-name",
            )?);
        }
        3 if a.teletex_organization.is_none() => {
            check_id(value, T_TELETEX, "teletex-organization-name")?;
            a.teletex_organization = Some(read_string(
                r,
                value,
                T_TELETEX,
                1,
                limits::ORGANIZATION_NAME,
                "teletex-organization-name",
            )?);
        }
        4 if a.teletex_personal_name.is_none() => {
            if value.id() != Some(T_SET) {
                return Err(err("teletex-personal-name", "unexpected tag"));
            }
            a.teletex_personal_name = Some(read_personal_name(
                r,
                value,
                T_TELETEX,
                "teletex-personal-name",
            )?);
        }
        5 if a.teletex_organizational_units.is_empty() => {
            if value.id() != Some(T_SEQUENCE) {
                return Err(err("teletex-organizational-unit-names", "unexpected tag"));
            }
            a.teletex_organizational_units =
                read_string_sequence(r, value, T_TELETEX, "teletex-organizational-unit-names")?;
        }
        6 if a.teletex_domain_defined.is_empty() => {
            if value.id() != Some(T_SEQUENCE) {
                return Err(err("teletex-domain-defined-attributes", "unexpected tag"));
            }
            a.teletex_domain_defined =
                read_dda_sequence(r, value, T_TELETEX, "teletex-domain-defined-attributes")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn check_id(t: &Tlv<'_>, id: u8, context: &'static str) -> Result<(), AddressError> {
    if t.id() == Some(id) || t.id() == Some(id | 0x20) {
        Ok(())
    } else {
        Err(err(context, "unexpected tag"))
    }
}

/// INTEGER contents for an extension-attribute-type (0..ub-extension-attributes, 256).
fn decode_small_integer(b: &[u8]) -> Result<u32, AddressError> {
    const CTX: &str = "extension-attribute-type";
    if b.is_empty() || b.len() > 3 {
        return Err(err(CTX, "bad INTEGER length"));
    }
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        return Err(err(CTX, "negative"));
    }
    let v = b.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x));
    if v as usize > limits::EXTENSION_ATTRIBUTES {
        return Err(err(CTX, "out of range"));
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Encoding

/// Appends a definite-length TLV with a one-octet identifier.
pub(crate) fn put(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    put_len(out, contents.len());
    out.extend_from_slice(contents);
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    crate::ber::write_length(out, len);
}

fn put_str(out: &mut Vec<u8>, id: u8, s: &str) {
    put(out, id, &string_to_octets(s));
}

fn choice(d: &DomainName) -> Vec<u8> {
    let mut v = Vec::new();
    match d {
        DomainName::Numeric(s) => put_str(&mut v, T_NUMERIC, s),
        DomainName::Printable(s) => put_str(&mut v, T_PRINTABLE, s),
    }
    v
}

fn personal_name(p: &PersonalName) -> Vec<u8> {
    let mut v = Vec::new();
    put_str(&mut v, 0x80, &p.surname);
    for (id, part) in [
        (0x81, &p.given_name),
        (0x82, &p.initials),
        (0x83, &p.generation_qualifier),
    ] {
        if let Some(s) = part {
            put_str(&mut v, id, s);
        }
    }
    v
}

fn string_sequence(items: &[String], id: u8) -> Vec<u8> {
    let mut v = Vec::new();
    for s in items {
        put_str(&mut v, id, s);
    }
    v
}

fn dda_sequence(items: &[DomainDefinedAttribute], id: u8) -> Vec<u8> {
    let mut v = Vec::new();
    for d in items {
        let mut pair = Vec::new();
        put_str(&mut pair, id, &d.attr_type);
        put_str(&mut pair, id, &d.value);
        put(&mut v, T_SEQUENCE, &pair);
    }
    v
}

fn extension(out: &mut Vec<u8>, attr_type: u32, value: &[u8]) {
    let mut ext = Vec::new();
    let ty = attr_type.to_be_bytes();
    // Minimal two's-complement INTEGER contents: drop leading zero octets but keep a zero
    // in front of a set top bit.
    let mut start = ty.iter().take_while(|&&b| b == 0).count().min(3);
    if ty.get(start).is_some_and(|&b| b & 0x80 != 0) {
        start -= 1;
    }
    put(&mut ext, 0x80, ty.get(start..).unwrap_or(&[0]));
    put(&mut ext, 0xa1, value);
    put(out, T_SEQUENCE, &ext);
}

/// The contents octets of the ORAddress SEQUENCE (what `COMPONENTS OF ORAddress` contributes).
pub(crate) fn encode_address_contents(a: &ORAddress, out: &mut Vec<u8>) {
    let mut bisa = Vec::new();
    if let Some(c) = &a.country {
        let d = match c {
            CountryName::X121DccCode(s) => DomainName::Numeric(s.clone()),
            CountryName::Iso3166Alpha2(s) => DomainName::Printable(s.clone()),
        };
        put(&mut bisa, T_COUNTRY, &choice(&d));
    }
    if let Some(d) = &a.admd {
        put(&mut bisa, T_ADMD, &choice(d));
    }
    if let Some(s) = &a.network_address {
        put_str(&mut bisa, 0x80, s);
    }
    if let Some(s) = &a.terminal_identifier {
        put_str(&mut bisa, 0x81, s);
    }
    if let Some(d) = &a.prmd {
        // PrivateDomainName is an untagged CHOICE under [2]: the tag stays explicit.
        put(&mut bisa, 0xa2, &choice(d));
    }
    if let Some(s) = &a.organization {
        put_str(&mut bisa, 0x83, s);
    }
    if let Some(s) = &a.numeric_user_identifier {
        put_str(&mut bisa, 0x84, s);
    }
    if let Some(p) = &a.personal_name {
        put(&mut bisa, 0xa5, &personal_name(p));
    }
    if !a.organizational_units.is_empty() {
        put(
            &mut bisa,
            0xa6,
            &string_sequence(&a.organizational_units, T_PRINTABLE),
        );
    }
    put(out, T_SEQUENCE, &bisa);

    if !a.domain_defined.is_empty() {
        put(
            out,
            T_SEQUENCE,
            &dda_sequence(&a.domain_defined, T_PRINTABLE),
        );
    }

    let mut exts = Vec::new();
    if let Some(s) = &a.common_name {
        let mut v = Vec::new();
        put_str(&mut v, T_PRINTABLE, s);
        extension(&mut exts, 1, &v);
    }
    if let Some(s) = &a.teletex_common_name {
        let mut v = Vec::new();
        put_str(&mut v, T_TELETEX, s);
        extension(&mut exts, 2, &v);
    }
    if let Some(s) = &a.teletex_organization {
        let mut v = Vec::new();
        put_str(&mut v, T_TELETEX, s);
        extension(&mut exts, 3, &v);
    }
    if let Some(p) = &a.teletex_personal_name {
        let mut v = Vec::new();
        put(&mut v, T_SET, &personal_name(p));
        extension(&mut exts, 4, &v);
    }
    if !a.teletex_organizational_units.is_empty() {
        let mut v = Vec::new();
        put(
            &mut v,
            T_SEQUENCE,
            &string_sequence(&a.teletex_organizational_units, T_TELETEX),
        );
        extension(&mut exts, 5, &v);
    }
    if !a.teletex_domain_defined.is_empty() {
        let mut v = Vec::new();
        put(
            &mut v,
            T_SEQUENCE,
            &dda_sequence(&a.teletex_domain_defined, T_TELETEX),
        );
        extension(&mut exts, 6, &v);
    }
    for e in &a.other_extensions {
        extension(&mut exts, e.attr_type, &e.value);
    }
    if !exts.is_empty() {
        put(out, T_SET, &exts);
    }
}

/// The contents octets of the ORName SEQUENCE.
pub(crate) fn encode_name_contents(n: &ORName, out: &mut Vec<u8>) {
    encode_address_contents(&n.address, out);
    if let Some(dn) = &n.directory_name {
        put(out, 0xa0, dn);
    }
}

/// Decodes one complete TLV with identifier `id` and returns its contents, requiring that
/// nothing follows it.
pub(crate) fn whole<'a>(
    b: &'a [u8],
    id: u8,
    context: &'static str,
) -> Result<&'a [u8], AddressError> {
    let mut r = Reader::new(b);
    let t = r.read()?;
    if t.id() != Some(id) {
        return Err(err(context, "unexpected tag"));
    }
    if !r.is_empty() {
        return Err(err(context, "trailing data after the value"));
    }
    Ok(t.contents)
}

/// Decodes one TLV with identifier `id` at the start of `b`; returns its contents and the
/// number of octets it took.
pub(crate) fn prefix<'a>(
    b: &'a [u8],
    id: u8,
    context: &'static str,
) -> Result<(&'a [u8], usize), AddressError> {
    let mut r = Reader::new(b);
    let t = r.read()?;
    if t.id() != Some(id) {
        return Err(err(context, "unexpected tag"));
    }
    Ok((t.contents, b.len() - r.rest().len()))
}

pub(crate) const ORNAME_ID: u8 = T_ORNAME;
pub(crate) const ORADDRESS_ID: u8 = T_SEQUENCE;

/// Checks that `b` is exactly one well-formed TLV (for raw extension values given as text).
pub(crate) fn single_tlv(b: &[u8]) -> bool {
    let mut r = Reader::new(b);
    r.read().is_ok() && r.is_empty()
}
