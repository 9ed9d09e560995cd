//! Fuzz target: X.880 ROSE PDUs — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::rose(data));
