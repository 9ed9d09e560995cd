//! Secret files named by `mstore.toml` (DESIGN.md §6): passwords never sit in the main file.
//!
//! A secret file holds one password; one trailing newline (`echo pw > file`) is not part of
//! it. Files writable by group or others are refused (anyone could swap the store's
//! credentials); files readable by others only get a warning, because a fresh git clone has
//! mode 0644 and must still run.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest secret file read; a password file is a few bytes, so anything bigger is a mistake
/// (e.g. a path pointing at a log file) and is refused rather than read into memory.
pub const MAX_SECRET_SIZE: u64 = 4096;

/// A password read from a file. `Debug` never prints the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: Vec<u8>,
    source: Option<PathBuf>,
}

impl Secret {
    /// A secret held in memory (tests, values received over the wire).
    pub fn new(value: impl Into<Vec<u8>>) -> Secret {
        Secret {
            value: value.into(),
            source: None,
        }
    }

    /// The secret's bytes. Named so that every use is easy to find.
    pub fn expose(&self) -> &[u8] {
        &self.value
    }

    /// The file the secret was read from, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// Read a secret file named by the configuration, checking its permissions: refused when
    /// writable by group or others, a `tracing` warning when readable by others. `field`
    /// names the config field in the warning.
    pub fn read_config_file(path: &Path, field: &str) -> Result<Secret, SecretError> {
        let meta = std::fs::metadata(path).map_err(SecretError::Io)?;
        if !meta.is_file() {
            return Err(SecretError::NotAFile);
        }
        check_mode(&meta, path, field)?;
        Self::read_unchecked(path)
    }

    /// Read a password file the operator names on a command line (no permission checks: it
    /// is input, not a credential the store keeps using).
    pub fn read_password_file(path: &Path) -> Result<Secret, SecretError> {
        let meta = std::fs::metadata(path).map_err(SecretError::Io)?;
        if !meta.is_file() {
            return Err(SecretError::NotAFile);
        }
        Self::read_unchecked(path)
    }

    fn read_unchecked(path: &Path) -> Result<Secret, SecretError> {
        let file = File::open(path).map_err(SecretError::Io)?;
        let mut value = Vec::new();
        // Read one byte past the limit to tell "exactly at the limit" from "too big".
        file.take(MAX_SECRET_SIZE + 1)
            .read_to_end(&mut value)
            .map_err(SecretError::Io)?;
        if value.len() as u64 > MAX_SECRET_SIZE {
            return Err(SecretError::TooLarge);
        }
        if value.ends_with(b"\r\n") {
            value.truncate(value.len() - 2);
        } else if value.ends_with(b"\n") {
            value.truncate(value.len() - 1);
        }
        if value.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret {
            value,
            source: Some(path.to_path_buf()),
        })
    }
}

#[cfg(unix)]
fn check_mode(meta: &std::fs::Metadata, path: &Path, field: &str) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(SecretError::Writable(mode));
    }
    if mode & 0o004 != 0 {
        tracing::warn!(
            field,
            file = %path.display(),
            mode = format_args!("{mode:04o}"),
            "secret file is readable by others; consider chmod 600"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_meta: &std::fs::Metadata, _path: &Path, _field: &str) -> Result<(), SecretError> {
    Ok(())
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("value", &"<redacted>")
            .field("source", &self.source)
            .finish()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort: do not leave the password in freed memory.
        for b in self.value.iter_mut() {
            *b = 0;
        }
        std::hint::black_box(&self.value);
    }
}

/// Why a secret file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The file could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    /// The path is a directory or something else that is not a regular file.
    #[error("not a regular file")]
    NotAFile,
    /// Group or others may write the file.
    #[error("writable by group or others (mode {0:04o}); run chmod go-w on it")]
    Writable(u32),
    /// Larger than [`MAX_SECRET_SIZE`].
    #[error("larger than {MAX_SECRET_SIZE} bytes; is this really a password file?")]
    TooLarge,
    /// Nothing in it (after the trailing newline).
    #[error("empty")]
    Empty,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_does_not_print_value() {
        let s = Secret::new(&b"hunter2"[..]);
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("redacted"));
    }

    #[test]
    fn trailing_newline_stripped_and_empty_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "pw\r\n").unwrap();
        assert_eq!(Secret::read_password_file(&p).unwrap().expose(), b"pw");
        std::fs::write(&p, "pw\n\n").unwrap();
        assert_eq!(Secret::read_password_file(&p).unwrap().expose(), b"pw\n");
        std::fs::write(&p, "\n").unwrap();
        assert!(matches!(
            Secret::read_password_file(&p),
            Err(SecretError::Empty)
        ));
        std::fs::write(&p, vec![b'x'; MAX_SECRET_SIZE as usize + 1]).unwrap();
        assert!(matches!(
            Secret::read_password_file(&p),
            Err(SecretError::TooLarge)
        ));
        assert!(matches!(
            Secret::read_password_file(dir.path()),
            Err(SecretError::NotAFile)
        ));
    }
}
