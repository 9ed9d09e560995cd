//! (placeholder) Configuration file `mstore.toml`.
