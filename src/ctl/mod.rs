//! What `mstorectl` runs: one file per command group, so the binary's `main` stays thin.

use std::fmt;

pub mod address;
pub mod inspect;
pub mod store;
pub mod trace;
pub mod user;

/// How an operator command failed; decides the process exit status.
#[derive(Debug)]
pub enum CtlError {
    /// The operator's input (an argument, a file named on the command line) is wrong: exit 2.
    Input(String),
    /// Anything else went wrong: exit 1.
    Failed(anyhow::Error),
}

impl CtlError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CtlError::Input(_) => 2,
            CtlError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for CtlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CtlError::Input(m) => f.write_str(m),
            // `{:#}` prints the whole context chain on one line.
            CtlError::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CtlError {
    fn from(e: anyhow::Error) -> Self {
        CtlError::Failed(e)
    }
}

/// Result of an operator command.
pub type CtlResult = Result<(), CtlError>;

/// `println!` panics when standard output is a pipe whose reader went away (`p7 list | head`).
/// Operator tools end quietly instead, with the status a shell gives a process killed by
/// SIGPIPE (128 + 13), as Unix tools do; every other panic keeps the default report.
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
