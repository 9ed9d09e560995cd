//! RFC 1006 §6 TPKT: version 3, reserved octet, 16-bit length including the 4-octet header,
//! framing ISO 8073 TPDUs on a TCP stream.

use bytes::{BufMut, Bytes, BytesMut};

/// Header length: version, reserved, two length octets.
pub const HEADER_LEN: usize = 4;

/// One TPKT: the TPDU it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tpkt {
    /// The TPDU octets.
    pub payload: Bytes,
}

/// Why a TPKT could not be read. Framing is lost after any of these: the only remedy is
/// closing the transport connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TpktError {
    /// Version octet not 3.
    #[error("TPKT version {0}, expected 3")]
    Version(u8),
    /// Length field below the header plus a minimal TPDU (RFC 1006 says at least 7).
    #[error("TPKT length {0} too small")]
    TooShort(usize),
    /// Length field above the configured maximum.
    #[error("TPKT length {len} above limit {max}")]
    TooLong {
        /// Announced length.
        len: usize,
        /// Configured limit.
        max: usize,
    },
    /// A payload too large to frame (over 65531 octets).
    #[error("payload of {0} octets does not fit a TPKT")]
    Unframeable(usize),
}

impl TpktError {
    /// RFC 1006 has no error PDU: a framing error closes the TCP connection.
    pub fn abort(&self) -> crate::osi::tp0::Tp0Abort {
        crate::osi::tp0::Tp0Abort::CloseTransport
    }
}

/// Reads one TPKT from the start of `buf`; `Ok(None)` until the whole packet is there. The
/// length is checked against `max` before anything is buffered.
pub fn decode(buf: &[u8], max: usize) -> Result<Option<(Tpkt, usize)>, TpktError> {
    let (Some(&v), Some(&hi), Some(&lo)) = (buf.first(), buf.get(2), buf.get(3)) else {
        // A version octet can be refused early, before the rest of the header arrives.
        if let Some(&v) = buf.first()
            && v != 3
        {
            return Err(TpktError::Version(v));
        }
        return Ok(None);
    };
    if v != 3 {
        return Err(TpktError::Version(v));
    }
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    // RFC 1006: the smallest TPDU is 3 octets; accept down to a bare LI + code (DR/ER are
    // longer anyway) and leave TPDU validation to tp0.
    if len < HEADER_LEN + 2 {
        return Err(TpktError::TooShort(len));
    }
    if len > max {
        return Err(TpktError::TooLong { len, max });
    }
    match buf.get(HEADER_LEN..len) {
        Some(p) => Ok(Some((
            Tpkt {
                payload: Bytes::copy_from_slice(p),
            },
            len,
        ))),
        None => Ok(None),
    }
}

/// Appends `payload` framed as a TPKT.
pub fn encode(payload: &[u8], out: &mut BytesMut) -> Result<(), TpktError> {
    let len = payload.len() + HEADER_LEN;
    let len16 = u16::try_from(len).map_err(|_| TpktError::Unframeable(payload.len()))?;
    out.put_u8(3);
    out.put_u8(0);
    out.put_u16(len16);
    out.extend_from_slice(payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bytes() {
        let b = [3, 0, 0, 7, 2, 0xf0, 0x80, 9];
        let (t, used) = decode(&b, 65535).unwrap().unwrap();
        assert_eq!(used, 7);
        assert_eq!(&t.payload[..], &[2, 0xf0, 0x80]);
        assert_eq!(decode(&b[..5], 65535).unwrap(), None);
        assert_eq!(decode(&[4], 65535), Err(TpktError::Version(4)));
        assert!(matches!(
            decode(&[3, 0, 0xff, 0xff], 1000),
            Err(TpktError::TooLong { .. })
        ));
        assert_eq!(decode(&[3, 0, 0, 2], 1000), Err(TpktError::TooShort(2)));
        // The reserved octet is not checked (RFC 1006 only asks senders for 0).
        assert!(decode(&[3, 0xff, 0, 6, 0x41, 0], 1000).unwrap().is_some());
    }

    proptest! {
        #[test]
        fn roundtrip(p in proptest::collection::vec(any::<u8>(), 2..3000)) {
            let mut out = BytesMut::new();
            encode(&p, &mut out).unwrap();
            let (t, used) = decode(&out, 65535).unwrap().unwrap();
            prop_assert_eq!(used, out.len());
            prop_assert_eq!(&t.payload[..], &p[..]);
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&b, 65535);
        }
    }
}
