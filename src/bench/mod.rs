//! Load-test scenarios of `mstore-bench` (the harness the product ships for sites to measure
//! their own box): UA load, mixed load, search load, the MTA sink and their reports. The binary
//! only parses arguments and prints; the scenarios live here so tests can drive them.

pub mod chart;
pub mod metrics;
pub mod mixed;
pub mod mta_sink;
pub mod report;
pub mod search;
pub mod submit;
pub mod ua;
pub mod users;
