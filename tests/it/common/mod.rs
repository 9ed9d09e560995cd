//! Helpers shared by the integration tests: a BER walker, tshark as an independent decoder, the
//! fixtures lookup and small value constructors.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

pub mod arb;
pub mod ber;
pub mod cli;
pub mod config;
pub mod fixtures;
pub mod mta;
pub mod procs;
pub mod proxy;
pub mod tshark;
pub mod values;
