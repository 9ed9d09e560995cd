//! mstore's integration tests: one binary, one module per area (hickory-dns layout).

mod config;
mod directory;
