//! mstore's one integration-test binary: each module tests one subsystem through the public API.

mod osi;
