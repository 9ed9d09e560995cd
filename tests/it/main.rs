//! mstore's integration tests: one binary (hickory-dns style), one module per area.

mod store;
