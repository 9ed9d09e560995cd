//! Fuzz target: X.420 / P772 content and X.411 delivery-envelope decoding (issue 3).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mstore::content::fuzzing::content_and_envelope(data);
});
