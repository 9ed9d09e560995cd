//! mstore: an X.400 Message Store (ITU-T X.413) reached by P7 (X.419) and P3 (X.411).
//!
//! Modules, lowest layer first; dependencies only point down (DESIGN.md §7):
//! [`address`] (X.411 §18 O/R names) → [`asn1`] (rasn types of X.411, X.420, STANAG 4406)
//! → [`content`] (attribute extraction, AMHS header, message builder) → [`store`]
//! (write-once files, index) ; [`osi`] (pure OSI upper-layer codecs); [`config`],
//! [`directory`] (who may bind) and [`logging`]; [`ctl`] (what `mstorectl` runs); [`server`]
//! (the listener shared by [`p7`] and [`p3`]).
#![deny(clippy::unwrap_used)]

pub mod address;
pub mod asn1;
pub mod assoc;
pub mod bench;
pub mod ber;
pub mod config;
pub mod content;
pub mod ctl;
pub mod directory;
pub mod logging;
pub mod osi;
pub mod p3;
pub mod p7;
pub mod server;
pub mod store;
