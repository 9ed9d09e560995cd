//! Fault-injecting file layers for the store's durability tests (DESIGN.md §4: "tests can drop
//! unsynced writes or inject ENOSPC/EIO"): [`PowerCutFs`] simulates a disk in memory and loses
//! every write not yet fsynced when the power fails; [`FaultFs`] wraps another file layer and
//! returns ENOSPC or EIO on demand.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redb::StorageBackend;

use super::fs::{DirEntry, FileSystem, LockGuard, parent};

/// Linux errno for "No space left on device".
const ENOSPC: i32 = 28;
/// Linux errno for "Input/output error".
const EIO: i32 = 5;

type Inode = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Dir,
    File(Inode),
}

#[derive(Debug, Clone)]
enum DirOp {
    Create(PathBuf, Node),
    Rename(PathBuf, PathBuf),
    Remove(PathBuf),
}

impl DirOp {
    /// The directory whose sync makes this operation durable.
    fn dir(&self) -> &Path {
        match self {
            DirOp::Create(p, _) | DirOp::Remove(p) => parent(p),
            DirOp::Rename(_, to) => parent(to),
        }
    }

    fn apply(&self, ns: &mut BTreeMap<PathBuf, Node>) {
        match self {
            DirOp::Create(p, n) => {
                ns.insert(p.clone(), *n);
            }
            DirOp::Rename(from, to) => {
                if let Some(n) = ns.remove(from) {
                    ns.insert(to.clone(), n);
                }
            }
            DirOp::Remove(p) => {
                ns.remove(p);
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
struct FileData {
    current: Vec<u8>,
    durable: Vec<u8>,
}

#[derive(Debug)]
struct SimState {
    /// The namespace as running programs see it.
    names: BTreeMap<PathBuf, Node>,
    /// The namespace as it is on "disk": what survives a power failure.
    durable_names: BTreeMap<PathBuf, Node>,
    /// Directory operations not yet made durable by a directory sync, oldest first.
    pending: Vec<DirOp>,
    files: BTreeMap<Inode, FileData>,
    next_inode: Inode,
    /// Mutating operations performed since the last restart.
    ops: u64,
    /// The power fails when `ops` reaches this.
    cut_at: Option<u64>,
    /// The power has failed: every operation fails until [`PowerCutFs::restart`].
    dead: bool,
    /// Bumped at each restart so handles from before it stop working.
    generation: u64,
    rng: StdRng,
}

/// An in-memory disk that keeps apart what programs see from what is durable, as a kernel page
/// cache does. `fsync` of a file makes its data durable; a directory sync makes the pending
/// creations, renames and removals in that directory durable. When the power fails (after a
/// chosen number of mutating operations), unsynced file data is lost and a random prefix of the
/// pending directory operations survives (journaling file systems commit metadata in order).
#[derive(Clone)]
pub struct PowerCutFs {
    state: Arc<Mutex<SimState>>,
}

impl fmt::Debug for PowerCutFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PowerCutFs").finish_non_exhaustive()
    }
}

fn power_lost() -> io::Error {
    io::Error::from_raw_os_error(EIO)
}

impl PowerCutFs {
    /// An empty disk whose root directory `/` exists; `seed` drives which pending directory
    /// operations survive a power failure.
    pub fn new(seed: u64) -> Self {
        let mut names = BTreeMap::new();
        names.insert(PathBuf::from("/"), Node::Dir);
        PowerCutFs {
            state: Arc::new(Mutex::new(SimState {
                durable_names: names.clone(),
                names,
                pending: Vec::new(),
                files: BTreeMap::new(),
                next_inode: 1,
                ops: 0,
                cut_at: None,
                dead: false,
                generation: 0,
                rng: StdRng::seed_from_u64(seed),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panicking test thread must not hide the state from the others.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the power fail after `n` more mutating operations (`None`: never).
    pub fn cut_after(&self, n: Option<u64>) {
        let mut s = self.lock();
        s.cut_at = n.map(|n| s.ops + n);
    }

    /// Makes the power fail now.
    pub fn cut_now(&self) {
        let mut s = self.lock();
        s.dead = true;
    }

    /// Mutating operations performed since the last restart.
    pub fn ops(&self) -> u64 {
        self.lock().ops
    }

    /// True once the power has failed.
    pub fn is_dead(&self) -> bool {
        self.lock().dead
    }

    /// Powers the disk back on: what was durable is what there is. Handles opened before stop
    /// working.
    pub fn restart(&self) {
        let mut s = self.lock();
        let keep = {
            let n = s.pending.len();
            s.rng.gen_range(0..=n)
        };
        let mut names = s.durable_names.clone();
        let survived: Vec<DirOp> = s.pending.iter().take(keep).cloned().collect();
        for op in &survived {
            op.apply(&mut names);
        }
        s.pending.clear();
        for f in s.files.values_mut() {
            f.current = f.durable.clone();
        }
        s.durable_names = names.clone();
        s.names = names;
        s.dead = false;
        s.cut_at = None;
        s.ops = 0;
        s.generation += 1;
    }

    /// Counts a mutating operation; fails if the power is (now) off.
    fn tick(s: &mut SimState) -> io::Result<()> {
        if s.dead {
            return Err(power_lost());
        }
        s.ops += 1;
        if let Some(c) = s.cut_at
            && s.ops > c
        {
            s.dead = true;
            return Err(power_lost());
        }
        Ok(())
    }

    fn check_alive(s: &SimState) -> io::Result<()> {
        if s.dead { Err(power_lost()) } else { Ok(()) }
    }

    fn need_dir(s: &SimState, dir: &Path) -> io::Result<()> {
        match s.names.get(dir) {
            Some(Node::Dir) => Ok(()),
            Some(Node::File(_)) => Err(io::Error::new(io::ErrorKind::NotADirectory, "not a dir")),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found", dir.display()),
            )),
        }
    }

    fn sync_dir_locked(s: &mut SimState, dir: &Path) {
        let mut rest = Vec::new();
        let pending = std::mem::take(&mut s.pending);
        for op in pending {
            if op.dir() == dir {
                op.apply(&mut s.durable_names);
            } else {
                rest.push(op);
            }
        }
        s.pending = rest;
    }
}

impl FileSystem for PowerCutFs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut s = self.lock();
        let mut chain: Vec<PathBuf> = path.ancestors().map(Path::to_path_buf).collect();
        chain.reverse();
        for p in chain {
            if p.as_os_str().is_empty() {
                continue;
            }
            match s.names.get(&p) {
                Some(Node::Dir) => continue,
                Some(Node::File(_)) => {
                    return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a dir"));
                }
                None => {
                    Self::tick(&mut s)?;
                    s.names.insert(p.clone(), Node::Dir);
                    s.pending.push(DirOp::Create(p, Node::Dir));
                }
            }
        }
        Ok(())
    }

    fn write_new_synced(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        // Three steps, each a point where the power can fail: create, write, fsync.
        let mut s = self.lock();
        Self::need_dir(&s, parent(path))?;
        if s.names.contains_key(path) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
        }
        Self::tick(&mut s)?;
        let ino = s.next_inode;
        s.next_inode += 1;
        s.files.insert(ino, FileData::default());
        s.names.insert(path.to_path_buf(), Node::File(ino));
        s.pending
            .push(DirOp::Create(path.to_path_buf(), Node::File(ino)));
        Self::tick(&mut s)?;
        // A torn write: the power may fail with only part of the data written.
        let torn = s.cut_at.is_some_and(|c| s.ops + 1 > c);
        let f = s.files.entry(ino).or_default();
        if torn {
            f.current = data.get(..data.len() / 2).unwrap_or_default().to_vec();
        } else {
            f.current = data.to_vec();
        }
        Self::tick(&mut s)?;
        let f = s.files.entry(ino).or_default();
        f.durable = f.current.clone();
        Ok(())
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut s = self.lock();
        Self::check_alive(&s)?;
        let Some(n) = s.names.get(from).copied() else {
            return Err(io::Error::new(io::ErrorKind::NotFound, "rename source"));
        };
        Self::tick(&mut s)?;
        s.names.remove(from);
        s.names.insert(to.to_path_buf(), n);
        s.pending
            .push(DirOp::Rename(from.to_path_buf(), to.to_path_buf()));
        Ok(())
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let mut s = self.lock();
        Self::need_dir(&s, path)?;
        Self::tick(&mut s)?;
        Self::sync_dir_locked(&mut s, path);
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let mut s = self.lock();
        Self::check_alive(&s)?;
        match s.names.get(path) {
            Some(Node::File(_)) => {}
            Some(Node::Dir) => {
                return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a dir"));
            }
            None => return Err(io::Error::new(io::ErrorKind::NotFound, "not found")),
        }
        Self::tick(&mut s)?;
        s.names.remove(path);
        s.pending.push(DirOp::Remove(path.to_path_buf()));
        Ok(())
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let s = self.lock();
        Self::check_alive(&s)?;
        match s.names.get(path) {
            Some(Node::File(ino)) => Ok(s
                .files
                .get(ino)
                .map(|f| f.current.clone())
                .unwrap_or_default()),
            Some(Node::Dir) => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a dir")),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found", path.display()),
            )),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let s = self.lock();
        Self::check_alive(&s)?;
        Self::need_dir(&s, path)?;
        let mut out = Vec::new();
        for (p, n) in s.names.range(path.to_path_buf()..) {
            if !p.starts_with(path) {
                break;
            }
            if p.parent() == Some(path)
                && let Some(name) = p.file_name().and_then(|n| n.to_str())
            {
                out.push(DirEntry {
                    name: name.to_string(),
                    is_dir: *n == Node::Dir,
                });
            }
        }
        Ok(out)
    }

    fn exists(&self, path: &Path) -> io::Result<bool> {
        let s = self.lock();
        Self::check_alive(&s)?;
        Ok(s.names.contains_key(path))
    }

    fn open_index(&self, path: &Path) -> io::Result<Box<dyn StorageBackend>> {
        let mut s = self.lock();
        Self::need_dir(&s, parent(path))?;
        let ino = match s.names.get(path) {
            Some(Node::File(ino)) => *ino,
            Some(Node::Dir) => return Err(io::Error::new(io::ErrorKind::IsADirectory, "dir")),
            None => {
                Self::tick(&mut s)?;
                let ino = s.next_inode;
                s.next_inode += 1;
                s.files.insert(ino, FileData::default());
                s.names.insert(path.to_path_buf(), Node::File(ino));
                s.pending
                    .push(DirOp::Create(path.to_path_buf(), Node::File(ino)));
                ino
            }
        };
        Ok(Box::new(SimBackend {
            fs: self.clone(),
            ino,
            generation: s.generation,
        }))
    }

    fn try_lock(&self, _path: &Path) -> io::Result<Option<LockGuard>> {
        Ok(Some(LockGuard::none()))
    }
}

/// The redb file on a [`PowerCutFs`].
struct SimBackend {
    fs: PowerCutFs,
    ino: Inode,
    generation: u64,
}

impl fmt::Debug for SimBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimBackend")
            .field("ino", &self.ino)
            .finish()
    }
}

impl SimBackend {
    fn state(&self) -> io::Result<MutexGuard<'_, SimState>> {
        let s = self.fs.lock();
        if s.generation != self.generation {
            return Err(power_lost());
        }
        Ok(s)
    }
}

impl StorageBackend for SimBackend {
    fn len(&self) -> Result<u64, io::Error> {
        let s = self.state()?;
        PowerCutFs::check_alive(&s)?;
        Ok(s.files.get(&self.ino).map_or(0, |f| f.current.len() as u64))
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        let s = self.state()?;
        PowerCutFs::check_alive(&s)?;
        let data = s
            .files
            .get(&self.ino)
            .map(|f| &f.current[..])
            .unwrap_or(&[]);
        let start = usize::try_from(offset).map_err(io::Error::other)?;
        let src = data
            .get(start..start + out.len())
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "read past end"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        let mut s = self.state()?;
        PowerCutFs::tick(&mut s)?;
        let len = usize::try_from(len).map_err(io::Error::other)?;
        let f = s.files.entry(self.ino).or_default();
        f.current.resize(len, 0);
        Ok(())
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        let mut s = self.state()?;
        PowerCutFs::tick(&mut s)?;
        let f = s.files.entry(self.ino).or_default();
        f.durable = f.current.clone();
        // Like fdatasync: the file's name is not made durable (its directory sync does that).
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        let mut s = self.state()?;
        PowerCutFs::tick(&mut s)?;
        let start = usize::try_from(offset).map_err(io::Error::other)?;
        let f = s.files.entry(self.ino).or_default();
        if f.current.len() < start + data.len() {
            f.current.resize(start + data.len(), 0);
        }
        if let Some(dst) = f.current.get_mut(start..start + data.len()) {
            dst.copy_from_slice(data);
        }
        Ok(())
    }
}

/// Which operations a [`FaultFs`] fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    /// Every mutating operation.
    Any,
    /// Message files and other small files (create/write/rename/remove/dir sync).
    Files,
    /// Writes and syncs of the redb index.
    Index,
}

/// Which error a [`FaultFs`] injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// ENOSPC, "No space left on device".
    NoSpace,
    /// EIO, "Input/output error".
    Io,
}

impl Fault {
    fn error(self) -> io::Error {
        match self {
            Fault::NoSpace => io::Error::from_raw_os_error(ENOSPC),
            Fault::Io => io::Error::from_raw_os_error(EIO),
        }
    }
}

#[derive(Debug, Default)]
struct FaultPlan {
    active: Option<(Fault, FaultTarget)>,
}

/// Wraps another file layer and fails its mutating operations with ENOSPC or EIO while a fault
/// is switched on ([`FaultFs::set`]); reads always pass through.
#[derive(Debug, Clone)]
pub struct FaultFs<F: FileSystem> {
    inner: Arc<F>,
    plan: Arc<Mutex<FaultPlan>>,
    injected: Arc<AtomicU64>,
}

impl<F: FileSystem> FaultFs<F> {
    /// Wraps `inner`, with no fault active.
    pub fn new(inner: F) -> Self {
        FaultFs {
            inner: Arc::new(inner),
            plan: Arc::new(Mutex::new(FaultPlan::default())),
            injected: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Switches a fault on (`Some`) or off (`None`).
    pub fn set(&self, fault: Option<(Fault, FaultTarget)>) {
        self.plan.lock().unwrap_or_else(|p| p.into_inner()).active = fault;
    }

    /// How many errors have been injected so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    fn check(&self, target: FaultTarget) -> io::Result<()> {
        let plan = self.plan.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((fault, t)) = plan.active
            && (t == FaultTarget::Any || t == target)
        {
            self.injected.fetch_add(1, Ordering::Relaxed);
            return Err(fault.error());
        }
        Ok(())
    }
}

impl<F: FileSystem> FileSystem for FaultFs<F> {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.check(FaultTarget::Files)?;
        self.inner.create_dir_all(path)
    }
    fn write_new_synced(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.check(FaultTarget::Files)?;
        self.inner.write_new_synced(path, data)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.check(FaultTarget::Files)?;
        self.inner.rename(from, to)
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        self.check(FaultTarget::Files)?;
        self.inner.sync_dir(path)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        // Removing frees space, so ENOSPC would not apply; EIO still can.
        let plan = self.plan.lock().unwrap_or_else(|p| p.into_inner()).active;
        if let Some((Fault::Io, t)) = plan
            && t != FaultTarget::Index
        {
            self.injected.fetch_add(1, Ordering::Relaxed);
            return Err(Fault::Io.error());
        }
        self.inner.remove_file(path)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.inner.read(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        self.inner.read_dir(path)
    }
    fn exists(&self, path: &Path) -> io::Result<bool> {
        self.inner.exists(path)
    }
    fn open_index(&self, path: &Path) -> io::Result<Box<dyn StorageBackend>> {
        let inner = self.inner.open_index(path)?;
        Ok(Box::new(FaultBackend {
            inner,
            fs: FaultFs {
                inner: self.inner.clone(),
                plan: self.plan.clone(),
                injected: self.injected.clone(),
            },
        }))
    }
    fn try_lock(&self, path: &Path) -> io::Result<Option<LockGuard>> {
        self.inner.try_lock(path)
    }
}

struct FaultBackend<F: FileSystem> {
    inner: Box<dyn StorageBackend>,
    fs: FaultFs<F>,
}

impl<F: FileSystem> fmt::Debug for FaultBackend<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultBackend").finish_non_exhaustive()
    }
}

impl<F: FileSystem> StorageBackend for FaultBackend<F> {
    fn len(&self) -> Result<u64, io::Error> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.inner.read(offset, out)
    }
    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.fs.check(FaultTarget::Index)?;
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> Result<(), io::Error> {
        self.fs.check(FaultTarget::Index)?;
        self.inner.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.fs.check(FaultTarget::Index)?;
        self.inner.write(offset, data)
    }
    fn close(&self) -> Result<(), io::Error> {
        self.inner.close()
    }
    // Locks pass through so the wrapped file keeps redb's own protection.
    fn try_lock_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_range(s, e)
    }
    fn unlock_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<(), redb::BackendError> {
        self.inner.unlock_range(s, e)
    }
    fn try_lock_shared_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_shared_range(s, e)
    }
    fn lock_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<(), redb::BackendError> {
        self.inner.lock_range(s, e)
    }
    fn lock_shared_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<(), redb::BackendError> {
        self.inner.lock_shared_range(s, e)
    }
    fn query_lock_range(
        &self,
        s: std::ops::Bound<u64>,
        e: std::ops::Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.query_lock_range(s, e)
    }
}

#[cfg(test)]
mod tests {
    //! Power cuts around the deferred removal of deleted entries' files.
    use super::*;
    use crate::store::offline;
    use crate::store::{EntryClass, EntryKey, MailboxName, Store, StoreError, StoreOptions};

    fn owner(i: usize) -> MailboxName {
        let a: crate::address::ORAddress =
            format!("C=XX;A=ICAO;P=TEST;O=ORG;OU1=LOC{i};CN=USER{i}")
                .parse()
                .unwrap();
        MailboxName::from(&a)
    }

    fn data() -> PathBuf {
        PathBuf::from("/data")
    }

    fn open(fs: &PowerCutFs) -> Store {
        Store::open_with(Arc::new(fs.clone()), data(), StoreOptions::default()).unwrap()
    }

    fn file_of(store: &Store, k: &EntryKey) -> PathBuf {
        store.layout().entry_file(&k.mailbox_id, k.class, k.seq)
    }

    /// Two mailboxes, five entries each; returns the keys per mailbox.
    fn fill(store: &Store) -> Vec<Vec<EntryKey>> {
        (0..2)
            .map(|m| {
                (0..5u8)
                    .map(|i| {
                        store
                            .deliver(&owner(m), b"\x31\x00", &[0x30, 0x01, i])
                            .unwrap()
                            .key
                    })
                    .collect()
            })
            .collect()
    }

    /// Deletes three entries of mailbox 0 in one request and one of mailbox 1 alone, with the
    /// finisher held; returns (deleted, kept).
    fn delete_some(store: &Store, keys: &[Vec<EntryKey>]) -> (Vec<EntryKey>, Vec<EntryKey>) {
        store.hold_finisher(true);
        let m0 = &keys[0];
        let seqs: Vec<u32> = [0, 2, 4].iter().map(|&i| m0[i].seq).collect();
        let done = store
            .delete_entries(&m0[0].mailbox_id, EntryClass::Inbox, &seqs)
            .unwrap();
        assert_eq!(done, seqs);
        store.delete(&keys[1][1]).unwrap();
        let deleted = vec![
            m0[0].clone(),
            m0[2].clone(),
            m0[4].clone(),
            keys[1][1].clone(),
        ];
        let kept = keys
            .iter()
            .flatten()
            .filter(|k| !deleted.contains(k))
            .cloned()
            .collect();
        (deleted, kept)
    }

    /// After the restart: deleted entries stay deleted and their files are gone, the others
    /// are intact, and a clean close leaves nothing for the next open to finish.
    fn check_after(fs: &PowerCutFs, deleted: &[EntryKey], kept: &[EntryKey], ctx: &str) {
        let store = open(fs);
        for k in deleted {
            assert!(store.entry(k).unwrap().is_none(), "{ctx}: {k:?} came back");
            assert!(
                !fs.exists(&file_of(&store, k)).unwrap(),
                "{ctx}: file of {k:?} left"
            );
        }
        for k in kept {
            assert!(store.entry(k).unwrap().is_some(), "{ctx}: {k:?} lost");
            store.read(k).unwrap();
        }
        store.close().unwrap();
        let rep = offline::check(fs, &data(), &mut |_| {}).unwrap();
        assert!(rep.ok(), "{ctx}: {:?}", rep.problems);
        assert!(rep.recoverable.is_empty(), "{ctx}: {:?}", rep.recoverable);
        assert!(rep.clean_shutdown, "{ctx}");
    }

    #[test]
    fn deleted_entries_are_gone_at_once_and_a_request_is_one_commit() {
        let fs = PowerCutFs::new(1);
        let store = open(&fs);
        let keys = fill(&store);
        let (b0, e0) = store.commit_stats();
        let (deleted, kept) = delete_some(&store, &keys);
        // Two requests (three entries, then one): two group commits, one job each.
        let (b1, e1) = store.commit_stats();
        assert_eq!((b1 - b0, e1 - e0), (2, 2));
        // The finisher is held: the files are still there, yet the entries are gone.
        for k in &deleted {
            assert!(fs.exists(&file_of(&store, k)).unwrap());
            assert!(store.entry(k).unwrap().is_none());
            assert!(matches!(store.read(k), Err(StoreError::NoSuchEntry { .. })));
            assert!(matches!(
                store.read_cached(k),
                Err(StoreError::NoSuchEntry { .. })
            ));
        }
        // A request naming a missing entry deletes nothing.
        let m1 = &keys[1];
        assert!(matches!(
            store.delete_entries(
                &m1[0].mailbox_id,
                EntryClass::Inbox,
                &[m1[0].seq, m1[1].seq]
            ),
            Err(StoreError::NoSuchEntry { .. })
        ));
        assert!(store.entry(&m1[0]).unwrap().is_some());
        store.finish_deletes();
        let (rounds, removed) = store.finisher_stats();
        assert_eq!(removed, 4);
        assert!(rounds >= 1);
        for k in &deleted {
            assert!(!fs.exists(&file_of(&store, k)).unwrap());
        }
        store.close().unwrap();
        check_after(&fs, &deleted, &kept, "no cut");
    }

    #[test]
    fn power_cut_after_the_delete_commit_before_the_finisher() {
        for seed in 0..4 {
            let fs = PowerCutFs::new(seed);
            let store = open(&fs);
            let keys = fill(&store);
            let (deleted, kept) = delete_some(&store, &keys);
            fs.cut_now();
            drop(store);
            fs.restart();
            let store = open(&fs);
            assert_eq!(store.recovery().deletes_finished, 4, "seed {seed}");
            drop(store);
            check_after(&fs, &deleted, &kept, &format!("seed {seed}"));
        }
    }

    #[test]
    fn power_cut_during_the_finisher() {
        let mut cut_mid_round = 0;
        for seed in 0..3 {
            for after in 0..10 {
                let fs = PowerCutFs::new(seed * 100 + after);
                let store = open(&fs);
                let keys = fill(&store);
                let (deleted, kept) = delete_some(&store, &keys);
                fs.cut_after(Some(after));
                store.finish_deletes();
                if fs.is_dead() {
                    cut_mid_round += 1;
                } else {
                    // A later durable commit (elsewhere) carries the notes' removal: the
                    // unlinks must be durable by then.
                    fs.cut_after(None);
                    store.deliver(&owner(2), b"", b"\x30\x00").unwrap();
                    fs.cut_now();
                }
                drop(store);
                fs.restart();
                check_after(
                    &fs,
                    &deleted,
                    &kept,
                    &format!("seed {seed}, cut after {after}"),
                );
            }
        }
        assert!(
            cut_mid_round > 10,
            "the cut rarely hit the finisher: {cut_mid_round}"
        );
    }
}
