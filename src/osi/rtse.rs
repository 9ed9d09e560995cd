//! X.228 RTSE APDUs, outer shape only (RTORQ [16], RTOAC [17], RTORJ [18], RTTP, RTTR,
//! RTAB [22]): mstore does not speak RTSE, but P1 peers (and the fixture captures) carry it
//! in ACSE user-information, and `mstorectl trace` shows it. Inner user data stays raw.

use bytes::Bytes;

use crate::osi::ber::{self, BerError, Tag};

/// An RTSE APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rtse {
    /// RTORQ: open request.
    Rtorq {
        /// checkpointSize [0].
        checkpoint_size: Option<i64>,
        /// windowSize [1].
        window_size: Option<i64>,
        /// dialogueMode [2]: monologue 0, twa 1.
        dialogue_mode: Option<i64>,
        /// connectionDataRQ [3]: the TLV inside (open [0] or recover [1]).
        connection_data: Option<Bytes>,
        /// applicationProtocol [4].
        application_protocol: Option<i64>,
    },
    /// RTOAC: open accept.
    Rtoac {
        /// checkpointSize [0].
        checkpoint_size: Option<i64>,
        /// windowSize [1].
        window_size: Option<i64>,
        /// connectionDataAC [2]: the TLV inside.
        connection_data: Option<Bytes>,
    },
    /// RTORJ: open refuse.
    Rtorj {
        /// refuseReason [0]: rtsBusy 0, cannotRecover 1, validationFailure 2,
        /// unacceptableDialogueMode 3.
        refuse_reason: Option<i64>,
        /// userDataRJ [1]: the TLV inside.
        user_data: Option<Bytes>,
    },
    /// RTTP: turn please (priority).
    Rttp(i64),
    /// RTTR: transfer (the APDU octets).
    Rttr(Bytes),
    /// RTAB: abort.
    Rtab {
        /// abortReason [0].
        abort_reason: Option<i64>,
        /// userdataAB [2]: the TLV inside.
        user_data: Option<Bytes>,
    },
}

/// Decodes one RTSE APDU filling `buf`.
pub fn decode_all(buf: &[u8]) -> Result<Rtse, BerError> {
    let (t, used) = ber::read_tlv(buf)?.ok_or(BerError::Truncated)?;
    if used != buf.len() {
        return Err(BerError::Trailing);
    }
    if t.tag == ber::INTEGER {
        return Ok(Rtse::Rttp(t.integer()?));
    }
    if t.tag.same_id(ber::OCTET_STRING) {
        return Ok(Rtse::Rttr(t.octets()?));
    }
    if t.tag.class != ber::Class::Context || !t.tag.constructed {
        return Err(BerError::UnexpectedTag {
            expected: "RTSE-apdus",
            found: t.tag,
        });
    }
    let mut fields: Vec<(u32, ber::Tlv<'_>)> = Vec::new();
    let mut r = t.reader()?;
    while !r.is_empty() {
        let e = r.next_tlv()?;
        if e.tag.class == ber::Class::Context {
            fields.push((e.tag.number, e));
        }
    }
    let int = |n: u32| -> Result<Option<i64>, BerError> {
        fields
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, e)| e.integer())
            .transpose()
    };
    let inner = |n: u32| -> Result<Option<Bytes>, BerError> {
        fields
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, e)| e.inner().map(|i| Bytes::copy_from_slice(i.raw)))
            .transpose()
    };
    match t.tag.number {
        16 => Ok(Rtse::Rtorq {
            checkpoint_size: int(0)?,
            window_size: int(1)?,
            dialogue_mode: int(2)?,
            connection_data: inner(3)?,
            application_protocol: int(4)?,
        }),
        17 => Ok(Rtse::Rtoac {
            checkpoint_size: int(0)?,
            window_size: int(1)?,
            connection_data: inner(2)?,
        }),
        18 => Ok(Rtse::Rtorj {
            refuse_reason: int(0)?,
            user_data: inner(1)?,
        }),
        22 => Ok(Rtse::Rtab {
            abort_reason: int(0)?,
            user_data: inner(2)?,
        }),
        _ => Err(BerError::UnexpectedTag {
            expected: "RTSE-apdus",
            found: Tag::ctx_c(t.tag.number),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuse_with_bind_error() {
        let b = [0xb2, 0x07, 0xa1, 0x05, 0xb2, 0x03, 0x02, 0x01, 0x02];
        let r = decode_all(&b).unwrap();
        assert_eq!(
            r,
            Rtse::Rtorj {
                refuse_reason: None,
                user_data: Some(Bytes::from_static(&[0xb2, 3, 2, 1, 2]))
            }
        );
        assert!(decode_all(&[0xb3, 0x00]).is_err());
        assert!(decode_all(&[0xb0, 0x03, 0x80, 0x01]).is_err());
    }
}
