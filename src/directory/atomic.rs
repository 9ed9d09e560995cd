//! Crash-safe replacement of a small file (POSIX rename(2) atomicity): write a temp file in
//! the same directory, fsync it, rename it over the target, fsync the directory. A kill at
//! any moment leaves the old file or the new one, never a mix.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Prefix of temp files beside `target`; stale ones (from a killed writer) are removed by
/// [`remove_stale_temps`] under the update lock.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp.")
}

fn parent(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replace `target` with `contents`. The new file gets `mode` (unix permission bits), so a
/// rewrite keeps whatever the operator set on the old one.
pub fn replace_file(target: &Path, contents: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = parent(target);
    let tmp: PathBuf = dir.join(format!("{}{}", temp_prefix(target), std::process::id()));
    let result = (|| {
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode.unwrap_or(0o600));
        }
        let mut f = opts.open(&tmp)?;
        #[cfg(unix)]
        if let Some(mode) = mode {
            // `mode` at open is filtered by the umask and ignored for an existing file.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, target)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Make a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Remove temp files a killed writer left beside `target`. Call only while holding the
/// update lock, so no live writer's temp file is removed.
pub fn remove_stale_temps(target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(parent(target)) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An exclusive advisory lock serialising read-modify-write cycles on `target` between
/// processes (`mstorectl` and the server). It is taken on the containing directory, not on a
/// lock file, so nothing is left beside the config; the OS drops it when the holder dies.
#[derive(Debug)]
pub struct UpdateLock {
    _dir: File,
}

impl UpdateLock {
    /// Block until the lock on `target`'s directory is held.
    pub fn acquire(target: &Path) -> io::Result<UpdateLock> {
        let dir = File::open(parent(target))?;
        dir.lock()?;
        Ok(UpdateLock { _dir: dir })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_mode_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.toml");
        std::fs::write(&p, "old").unwrap();
        replace_file(&p, b"new", Some(0o640)).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::write(dir.path().join(".f.toml.tmp.1"), "junk").unwrap();
        remove_stale_temps(&p);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
