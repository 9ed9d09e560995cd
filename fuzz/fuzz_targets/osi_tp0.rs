//! Fuzz target: ISO 8073 class 0 TPDUs — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::tp0(data));
