//! mstore's single integration-test binary: one module per subsystem.
mod address_cli;
mod content;
mod x411;
