//! Process-wide `tracing` set-up (DESIGN.md §6): human-readable lines or JSON objects to
//! stderr, filtered by `RUST_LOG` when set, else by the configured default; audit records
//! (target [`AUDIT_TARGET`]) optionally appended to their own file.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// The tracing target audit records are emitted on (`tracing::info!(target: AUDIT_TARGET, …)`).
pub const AUDIT_TARGET: &str = "audit";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoggingError {
    /// The default filter is not valid `RUST_LOG` syntax.
    #[error("invalid log filter `{filter}`: {problem}")]
    Filter {
        /// The filter given.
        filter: String,
        /// Why it was refused.
        problem: String,
    },
    /// The audit file could not be opened for appending.
    #[error("audit file {}: {source}", path.display())]
    AuditFile {
        /// The audit file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

static INIT: OnceLock<()> = OnceLock::new();

/// Set up logging to stderr once per process. Later calls do nothing (so tests and binaries
/// may both call it). `default_filter` (e.g. `"info"` or `"info,mstore::osi=debug"`) applies
/// when `RUST_LOG` is unset or invalid.
pub fn init(format: LogFormat, default_filter: &str) -> Result<(), LoggingError> {
    init_with_audit(format, default_filter, None)
}

/// [`init`], and when `audit_file` is given, audit records (target [`AUDIT_TARGET`]) are
/// appended to it as plain lines instead of going to stderr.
pub fn init_with_audit(
    format: LogFormat,
    default_filter: &str,
    audit_file: Option<&Path>,
) -> Result<(), LoggingError> {
    if INIT.get().is_some() {
        return Ok(());
    }
    let default = EnvFilter::try_new(default_filter).map_err(|e| LoggingError::Filter {
        filter: default_filter.to_owned(),
        problem: e.to_string(),
    })?;
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(&v).unwrap_or(default),
        _ => default,
    };
    let audit = match audit_file {
        Some(path) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| LoggingError::AuditFile {
                    path: path.to_path_buf(),
                    source,
                })?,
        ),
        None => None,
    };
    let with_audit_file = audit.is_some();
    // Audit records go either to their file (whatever the level filter says: an audit trail
    // with holes is useless) or with everything else, never both.
    let not_audit = tracing_subscriber::filter::filter_fn(move |m| {
        !(with_audit_file && m.target() == AUDIT_TARGET)
    });
    let stderr_filter = filter.and(not_audit);
    let stderr_layer = match format {
        LogFormat::Human => fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(stderr_filter)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .with_filter(stderr_filter)
            .boxed(),
    };
    let audit_layer = audit.map(|file| {
        fmt::layer()
            .with_writer(Mutex::new(file))
            .with_ansi(false)
            .with_target(false)
            .with_level(false)
            .with_filter(Targets::new().with_target(AUDIT_TARGET, tracing::Level::TRACE))
    });
    let result = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(audit_layer)
        .try_init();
    // Another subscriber already installed (e.g. by a test harness) is not an error: logs go
    // there. Either way, do not try again.
    let _ = result;
    let _ = INIT.set(());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_filter_refused_and_init_idempotent() {
        assert!(matches!(
            init(LogFormat::Human, "info,[[["),
            Err(LoggingError::Filter { .. })
        ));
        init(LogFormat::Human, "warn").unwrap();
        init(LogFormat::Json, "debug").unwrap();
        tracing::info!("logging set up twice without panicking");
    }
}
