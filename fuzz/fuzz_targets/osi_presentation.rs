//! Fuzz target: X.226 PPDUs (first octet picks the PPDU kind) — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::presentation(data));
