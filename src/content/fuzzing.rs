//! Entry point shared by the cargo-fuzz target (`fuzz/`) and the property test that feeds it
//! random bytes: content and envelope decoding must never panic, and whatever decodes must
//! survive encode → decode unchanged (the hickory-dns fuzzing pattern).

use crate::asn1::x420::InformationObject;

use super::{ContentKind, envelope, extract};

/// Decodes `data` as X.420 content and as a delivery envelope; panics only on a real bug
/// (a decode → encode → decode mismatch), which is what the fuzzer looks for.
pub fn content_and_envelope(data: &[u8]) {
    if let Ok(io) = InformationObject::from_ber(data) {
        let again = InformationObject::from_ber(&io.to_ber());
        assert_eq!(
            again.as_ref(),
            Ok(&io),
            "content changed through encode/decode"
        );
    }
    let _ = extract(None, data, ContentKind::Auto);
    if let Ok(env) = envelope::from_delivery_ber(data) {
        let _ = extract(Some(&env), data, ContentKind::Auto);
    }
}
