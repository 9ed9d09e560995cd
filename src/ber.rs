//! X.690 §8.1.3 length octets, the one implementation behind the crate's BER codecs
//! ([`crate::address`], [`crate::asn1`], [`crate::osi`]); each maps [`LengthError`] to its own
//! error type, so this module sits below all of them and knows none of their types.

/// Most length octets after the first that a reader accepts: four describe up to 4 GiB, more
/// than any PDU or file here, and keep the value within `usize` on every platform.
pub const MAX_LENGTH_OCTETS: usize = 4;

/// A decoded length (X.690 §8.1.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Short or long form: this many contents octets.
    Definite(usize),
    /// `80`: contents end with the end-of-contents octets (X.690 §8.1.3.6).
    Indefinite,
}

/// Why length octets could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthError {
    /// The input ends inside the length octets.
    Truncated,
    /// More than [`MAX_LENGTH_OCTETS`] subsequent octets (the reserved `ff` included).
    TooLong,
}

/// Reads the length octets at the start of `input`: the length and how many octets it used.
pub fn read_length(input: &[u8]) -> Result<(Length, usize), LengthError> {
    let first = *input.first().ok_or(LengthError::Truncated)?;
    if first < 0x80 {
        return Ok((Length::Definite(usize::from(first)), 1));
    }
    if first == 0x80 {
        return Ok((Length::Indefinite, 1));
    }
    let n = usize::from(first & 0x7f);
    if n > MAX_LENGTH_OCTETS {
        return Err(LengthError::TooLong);
    }
    let octets = input.get(1..=n).ok_or(LengthError::Truncated)?;
    let len = octets
        .iter()
        .fold(0usize, |len, &b| (len << 8) | usize::from(b));
    Ok((Length::Definite(len), 1 + n))
}

/// Appends definite length octets in the shortest form (X.690 §8.1.3.3–5; DER §10.1).
pub fn write_length(out: &mut impl Extend<u8>, len: usize) {
    if len < 0x80 {
        out.extend([len as u8]);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let sig = bytes.get(skip..).unwrap_or_default();
        out.extend([0x80 | sig.len() as u8]);
        out.extend(sig.iter().copied());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms() {
        assert_eq!(read_length(&[0x05]), Ok((Length::Definite(5), 1)));
        assert_eq!(read_length(&[0x80]), Ok((Length::Indefinite, 1)));
        assert_eq!(
            read_length(&[0x82, 0x01, 0x00]),
            Ok((Length::Definite(256), 3))
        );
        assert_eq!(read_length(&[]), Err(LengthError::Truncated));
        assert_eq!(read_length(&[0x82, 0x01]), Err(LengthError::Truncated));
        assert_eq!(
            read_length(&[0x85, 1, 2, 3, 4, 5]),
            Err(LengthError::TooLong)
        );
        assert_eq!(read_length(&[0xff]), Err(LengthError::TooLong));
        let mut v = Vec::new();
        write_length(&mut v, 0x7f);
        write_length(&mut v, 0x80);
        write_length(&mut v, 0x1_0000);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x83, 0x01, 0x00, 0x00]);
    }

    proptest! {
        #[test]
        fn read_inverts_write(len in 0usize..=u32::MAX as usize) {
            let mut v = Vec::new();
            write_length(&mut v, len);
            prop_assert_eq!(read_length(&v), Ok((Length::Definite(len), v.len())));
        }
    }
}
