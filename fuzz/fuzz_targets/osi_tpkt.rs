//! Fuzz target: RFC 1006 TPKT framing — decode never panics, and what decodes re-encodes to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mstore::osi::fuzz::tpkt(data));
