//! The one integration-test binary: each module tests one operator-visible feature.

mod acceptance_ldap;
mod address_cli;
mod assoc;
mod bench;
mod common;
mod config;
mod content;
mod directory;
mod ldap;
mod osi;
mod p3;
mod p7;
mod query;
mod slapd;
mod store;
mod submit;
mod x411;
mod x413;
