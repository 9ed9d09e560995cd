//! The file layer under the store (DESIGN.md §4): every file operation the store performs goes
//! through [`FileSystem`], so tests can swap the real disk for one that loses unsynced writes
//! at a "power failure" or fails with ENOSPC/EIO on demand (see [`super::faults`]).

use std::fmt::Debug;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use redb::{BackendError, StorageBackend};

/// One name in a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// File name (not the whole path). Names that are not UTF-8 are skipped by the listing:
    /// the store never creates them.
    pub name: String,
    /// True for a directory.
    pub is_dir: bool,
}

/// A lock held on the store's lock file; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct LockGuard {
    _file: Option<File>,
}

impl LockGuard {
    /// A guard that holds nothing (for simulated file systems, where one process is all there is).
    pub fn none() -> Self {
        LockGuard { _file: None }
    }
}

/// What the store needs from a file system. Paths are absolute or relative to the process's
/// working directory; the store only ever passes paths under its data directory.
pub trait FileSystem: Debug + Send + Sync + 'static {
    /// Creates `path` and any missing parents. Not durable until the parents are synced.
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Creates a new file (failing if it exists), writes `data` and fsyncs the file's data.
    /// The name itself is not durable until the directory is synced.
    fn write_new_synced(&self, path: &Path, data: &[u8]) -> io::Result<()>;
    /// Renames atomically within one directory, replacing `to` if it exists.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Makes the directory's entries (creations, renames, removals) durable.
    fn sync_dir(&self, path: &Path) -> io::Result<()>;
    /// Removes a file.
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Reads a whole file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Lists a directory (without `.` and `..`), in no particular order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>>;
    /// True if something exists at `path`.
    fn exists(&self, path: &Path) -> io::Result<bool>;
    /// Opens (creating if absent) the file that holds the redb index.
    fn open_index(&self, path: &Path) -> io::Result<Box<dyn StorageBackend>>;
    /// Takes the store's exclusive lock without waiting; `Ok(None)` if someone else holds it.
    fn try_lock(&self, path: &Path) -> io::Result<Option<LockGuard>>;
}

/// The real disk, through `std::fs`.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

impl FileSystem for RealFs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(path)
    }

    fn write_new_synced(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
        f.write_all(data)?;
        // Data only: the file's size is part of its data for fdatasync, and the name is made
        // durable by the directory sync that follows the rename.
        f.sync_data()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        File::open(path)?.sync_all()
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for e in fs::read_dir(path)? {
            let e = e?;
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            out.push(DirEntry {
                name,
                is_dir: e.file_type()?.is_dir(),
            });
        }
        Ok(out)
    }

    fn exists(&self, path: &Path) -> io::Result<bool> {
        path.try_exists()
    }

    fn open_index(&self, path: &Path) -> io::Result<Box<dyn StorageBackend>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        Ok(Box::new(
            redb::backends::FileBackend::new(file).map_err(io::Error::other)?,
        ))
    }

    fn try_lock(&self, path: &Path) -> io::Result<Option<LockGuard>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(LockGuard { _file: Some(file) })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// Adapts a boxed backend to redb's `impl StorageBackend` parameters.
#[derive(Debug)]
pub(crate) struct DynBackend(pub(crate) Box<dyn StorageBackend>);

impl StorageBackend for DynBackend {
    fn len(&self) -> Result<u64, io::Error> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.0.set_len(len)
    }
    fn sync_data(&self) -> Result<(), io::Error> {
        self.0.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.0.write(offset, data)
    }
    fn close(&self) -> Result<(), io::Error> {
        self.0.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.try_lock_range(s, e)
    }
    fn try_lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.try_lock_shared_range(s, e)
    }
    fn lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_range(s, e)
    }
    fn lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_shared_range(s, e)
    }
    fn unlock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.unlock_range(s, e)
    }
    fn query_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.query_lock_range(s, e)
    }
}

/// Writes `data` to `path` durably and atomically: temp name, write, fsync, rename, directory
/// fsync. A crash leaves either the old file, or the new one, plus at most a `.tmp` leftover.
pub fn write_atomic(fs: &dyn FileSystem, path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = tmp_path(path);
    // A leftover from a crash would make create_new fail.
    match fs.remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    fs.write_new_synced(&tmp, data)?;
    fs.rename(&tmp, path)?;
    fs.sync_dir(parent(path))
}

/// The temporary name a file is written under before its rename: `<name>.tmp`.
pub fn tmp_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

/// The directory holding `path` (`.` for a bare name).
pub(crate) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `dir` (and parents) durably: each directory created is made durable in its parent.
pub fn create_dir_durable(fs: &dyn FileSystem, dir: &Path) -> io::Result<()> {
    if fs.exists(dir)? {
        return Ok(());
    }
    let up = parent(dir);
    if up != dir {
        create_dir_durable(fs, up)?;
    }
    fs.create_dir_all(dir)?;
    fs.sync_dir(up)
}
