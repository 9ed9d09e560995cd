//! mstore's single integration-test binary: one module per subsystem.
mod content;
mod x411;
