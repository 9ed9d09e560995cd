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
    let env = std::env::var("RUST_LOG").ok();
    // Colours only for a person at a terminal, not in files or journald.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let subscriber = build(
        format,
        default_filter,
        env.as_deref(),
        audit_file,
        std::io::stderr,
        ansi,
    )?;
    // Another subscriber already installed (e.g. by a test harness) is not an error: logs go
    // there. Either way, do not try again.
    let _ = subscriber.try_init();
    let _ = INIT.set(());
    Ok(())
}

/// The subscriber [`init_with_audit`] installs, writing ordinary records to `out`; `env` is
/// the `RUST_LOG` value, which wins over `default_filter` when valid.
fn build<W>(
    format: LogFormat,
    default_filter: &str,
    env: Option<&str>,
    audit_file: Option<&Path>,
    out: W,
    ansi: bool,
) -> Result<impl tracing::Subscriber + Send + Sync + 'static, LoggingError>
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let default = EnvFilter::try_new(default_filter).map_err(|e| LoggingError::Filter {
        filter: default_filter.to_owned(),
        problem: e.to_string(),
    })?;
    let filter = match env {
        Some(v) if !v.trim().is_empty() => EnvFilter::try_new(v).unwrap_or(default),
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
    let out_filter = filter.and(not_audit);
    let out_layer = match format {
        LogFormat::Human => fmt::layer()
            .with_ansi(ansi)
            .with_writer(out)
            .with_filter(out_filter)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .with_ansi(false)
            .with_writer(out)
            .with_filter(out_filter)
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
    Ok(tracing_subscriber::registry()
        .with(out_layer)
        .with(audit_layer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer the tests can read back.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> fmt::MakeWriter<'w> for Buf {
        type Writer = Buf;
        fn make_writer(&'w self) -> Buf {
            self.clone()
        }
    }

    impl Buf {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn emit() {
        tracing::debug!("debug-line");
        tracing::info!("info-line");
        tracing::warn!(user = "EGLLZPZX", "warn-line");
        tracing::info!(target: AUDIT_TARGET, op = "BIND", "audit-line");
    }

    #[test]
    fn human_format_filters_by_default_level_and_env() {
        let buf = Buf::default();
        let sub = build(LogFormat::Human, "info", None, None, buf.clone(), false).unwrap();
        tracing::subscriber::with_default(sub, emit);
        let t = buf.text();
        assert!(!t.contains("debug-line") && t.contains("info-line"), "{t}");
        assert!(t.contains("warn-line") && t.contains("EGLLZPZX"), "{t}");
        // Without an audit file, audit records go with the rest.
        assert!(t.contains("audit-line"), "{t}");

        let buf = Buf::default();
        let sub = build(
            LogFormat::Human,
            "info",
            Some("warn"),
            None,
            buf.clone(),
            false,
        )
        .unwrap();
        tracing::subscriber::with_default(sub, emit);
        let t = buf.text();
        assert!(!t.contains("info-line") && t.contains("warn-line"), "{t}");
    }

    #[test]
    fn json_format_is_one_object_per_line() {
        let buf = Buf::default();
        let sub = build(LogFormat::Json, "debug", None, None, buf.clone(), false).unwrap();
        tracing::subscriber::with_default(sub, emit);
        let t = buf.text();
        let lines: Vec<serde_json::Value> = t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert_eq!(lines[2]["fields"]["user"], "EGLLZPZX");
        assert_eq!(lines[2]["level"], "WARN");
    }

    #[test]
    fn audit_records_go_to_their_file_whatever_the_level() {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit.log");
        let buf = Buf::default();
        let sub = build(
            LogFormat::Human,
            "error",
            None,
            Some(&audit),
            buf.clone(),
            false,
        )
        .unwrap();
        tracing::subscriber::with_default(sub, emit);
        let file = std::fs::read_to_string(&audit).unwrap();
        assert!(
            file.contains("audit-line") && file.contains("op=\"BIND\""),
            "{file}"
        );
        assert!(!file.contains("warn-line"), "{file}");
        assert!(!buf.text().contains("audit-line"), "{}", buf.text());

        let missing = dir.path().join("no/such/dir/audit.log");
        assert!(matches!(
            build(
                LogFormat::Human,
                "info",
                None,
                Some(&missing),
                Buf::default(),
                false
            ),
            Err(LoggingError::AuditFile { .. })
        ));
    }

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
