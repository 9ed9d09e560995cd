//! X.411 §18 O/R names as X.411 uses them: `ORAddressAndOrDirectoryName ::= ORName`,
//! `ORAddressAndOptionalDirectoryName ::= ORName` — the types of [`crate::address`].

pub use crate::address::{ORAddress, ORName};
