//! Fuzz target: X.227 ACSE APDUs — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::acse(data));
