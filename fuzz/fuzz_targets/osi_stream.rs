//! Fuzz target: a whole byte stream through the responder stack (all OSI layers) — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::stream(data));
