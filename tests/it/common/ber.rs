//! X.690 BER test walker: splits TLVs, re-encodes values into other length forms (indefinite,
//! long) and back to minimal definite lengths. Test-only: it panics on malformed input.

#[derive(Clone, Copy, Debug)]
pub enum Lengths {
    /// Constructed values get the indefinite form (`80` … `00 00`).
    Indefinite,
    /// Every length in the long form with four length octets (`84 xx xx xx xx`).
    LongForm,
}

pub struct Tlv<'a> {
    pub identifier: &'a [u8],
    pub constructed: bool,
    pub contents: &'a [u8],
}

/// Splits one TLV (definite lengths only: our own encoder's output) off `b`.
pub fn split_tlv(b: &[u8]) -> (Tlv<'_>, &[u8]) {
    let mut i = 1;
    if b[0] & 0x1f == 0x1f {
        while b[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let identifier = &b[..i];
    let first = b[i] as usize;
    i += 1;
    let len = if first < 0x80 {
        first
    } else {
        let n = first & 0x7f;
        let mut l = 0usize;
        for k in 0..n {
            l = (l << 8) | b[i + k] as usize;
        }
        i += n;
        l
    };
    let tlv = Tlv {
        identifier,
        constructed: b[0] & 0x20 != 0,
        contents: &b[i..i + len],
    };
    (tlv, &b[i + len..])
}

/// The TLVs in `contents` (definite lengths).
pub fn children(mut contents: &[u8]) -> Vec<Tlv<'_>> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (t, rest) = split_tlv(contents);
        out.push(t);
        contents = rest;
    }
    out
}

/// The TLVs in `contents`, each as its complete minimal-length encoding.
pub fn child_bytes(contents: &[u8]) -> Vec<Vec<u8>> {
    children(contents).iter().map(tlv_bytes).collect()
}

/// The complete minimal-length encoding of a TLV.
pub fn tlv_bytes(t: &Tlv<'_>) -> Vec<u8> {
    let mut v = t.identifier.to_vec();
    v.extend(len_octets(t.contents.len()));
    v.extend_from_slice(t.contents);
    v
}

/// Definite length octets in the shortest form (X.690 §8.1.3).
pub fn len_octets(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let mut v = vec![0x80 | (4 - skip) as u8];
        v.extend_from_slice(&bytes[skip..]);
        v
    }
}

/// One TLV with a one-octet identifier and a minimal definite length.
pub fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(len_octets(body.len()));
    v.extend_from_slice(body);
    v
}

fn rewrite_one(t: &Tlv<'_>, mode: Lengths, out: &mut Vec<u8>) {
    out.extend_from_slice(t.identifier);
    let inner = if t.constructed {
        let mut v = Vec::new();
        for c in children(t.contents) {
            rewrite_one(&c, mode, &mut v);
        }
        v
    } else {
        t.contents.to_vec()
    };
    match mode {
        Lengths::Indefinite if t.constructed => {
            out.push(0x80);
            out.extend_from_slice(&inner);
            out.extend_from_slice(&[0, 0]);
        }
        Lengths::Indefinite => {
            out.extend_from_slice(&len_octets(inner.len()));
            out.extend_from_slice(&inner);
        }
        Lengths::LongForm => {
            out.push(0x84);
            out.extend_from_slice(&(inner.len() as u32).to_be_bytes());
            out.extend_from_slice(&inner);
        }
    }
}

/// Re-encodes a complete BER value (one TLV) with the given length forms.
pub fn rewrite(bytes: &[u8], mode: Lengths) -> Vec<u8> {
    let (t, rest) = split_tlv(bytes);
    assert!(rest.is_empty());
    let mut out = Vec::new();
    rewrite_one(&t, mode, &mut out);
    out
}

/// Re-encodes a BER value (any length forms) with minimal definite lengths.
pub fn canonical(bytes: &[u8]) -> Vec<u8> {
    let (out, rest) = canon_one(bytes);
    assert!(rest.is_empty());
    out
}

fn canon_one(b: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut i = 1;
    if b[0] & 0x1f == 0x1f {
        while b[i] & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let identifier = &b[..i];
    let first = b[i] as usize;
    i += 1;
    let (inner, rest) = if first == 0x80 {
        let mut body = Vec::new();
        let mut r = &b[i..];
        while r[..2] != [0, 0] {
            let (c, rr) = canon_one(r);
            body.extend(c);
            r = rr;
        }
        (body, &r[2..])
    } else {
        let len = if first < 0x80 {
            first
        } else {
            let n = first & 0x7f;
            let mut l = 0usize;
            for k in 0..n {
                l = (l << 8) | b[i + k] as usize;
            }
            i += n;
            l
        };
        let contents = &b[i..i + len];
        let inner = if b[0] & 0x20 != 0 {
            let mut body = Vec::new();
            let mut r = contents;
            while !r.is_empty() {
                let (c, rr) = canon_one(r);
                body.extend(c);
                r = rr;
            }
            body
        } else {
            contents.to_vec()
        };
        (inner, &b[i + len..])
    };
    let mut out = identifier.to_vec();
    out.extend(len_octets(inner.len()));
    out.extend(inner);
    (out, rest)
}

pub fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The full check every top-level type of a codec gets: decode(encode(x)) == x in the definite,
/// indefinite and long length forms (opaque parts keep the length forms they arrived in, so
/// values are compared through their canonical encodings); every truncation is refused, the
/// indefinite form's too; flipped bytes may or may not decode but never panic.
pub fn check_length_forms<T, E>(
    x: &T,
    encode: impl Fn(&T) -> Result<Vec<u8>, E>,
    decode: impl Fn(&[u8]) -> Result<T, E>,
) where
    T: PartialEq + std::fmt::Debug,
    E: std::fmt::Display,
{
    let bytes = encode(x).unwrap_or_else(|e| panic!("encode: {e}"));
    let back = decode(&bytes).unwrap_or_else(|e| panic!("{e}\n{}", hex(&bytes)));
    assert_eq!(&back, x, "definite lengths");
    for mode in [Lengths::Indefinite, Lengths::LongForm] {
        let other = rewrite(&bytes, mode);
        let back = decode(&other).unwrap_or_else(|e| panic!("{mode:?}: {e}\n{}", hex(&other)));
        let again = encode(&back).unwrap_or_else(|e| panic!("re-encode: {e}"));
        assert_eq!(hex(&canonical(&again)), hex(&bytes), "{mode:?}");
        if let Some(cut) = other.len().checked_sub(1) {
            assert!(decode(&other[..cut]).is_err(), "{mode:?} truncated");
        }
    }
    let step = (bytes.len() / 64).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
    }
    for i in (0..bytes.len()).step_by(step) {
        let mut m = bytes.clone();
        m[i] ^= 0xa5;
        let _ = decode(&m);
    }
}
