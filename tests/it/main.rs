//! mstore's integration tests: one binary, one module per area (STYLE.md, hickory-dns style).

mod content;
