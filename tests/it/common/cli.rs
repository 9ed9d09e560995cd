//! Running the `mstorectl` binary built with the tests.

use std::process::{Command, Output};

pub fn mstorectl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(args)
        .output()
        .expect("run mstorectl")
}
