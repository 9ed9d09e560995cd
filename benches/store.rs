//! Store benchmarks (issue 4): the disk's own ceilings (create + write + fsync + rename of small
//! files, 1 and 4 threads; the same plus a directory fsync, 1 thread), durable delivery with 1
//! and 8 concurrent writers (index fsynced per group commit, and `IndexDurability::FromFiles`), rebuild rate from a warm page cache, and open time of a store
//! whose index holds many entries. Throughput is per message file. `delete`: deletes/s with 1
//! and 8 concurrent deleters as the callers see them, and with the file removals finished.
//!
//! `MSTORE_BENCH_OPEN_ENTRIES` (default 1,000,000) and `MSTORE_BENCH_REBUILD_ENTRIES` (default
//! 20,000) scale the fixtures.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mstore::store::format::{EntryClass, EntryType, MessageFile};
use mstore::store::index::{self, EntryRow, MailboxRow};
use mstore::store::{
    IndexDurability, MailboxName, RealFs, Store, StoreOptions, mailbox_id, offline, seq,
};

const BODY: usize = 2000;

/// A fixture size: from the environment, else `default` under `cargo bench` and `smoke` when
/// `cargo test --all-targets` runs the benchmarks once as a smoke test (no `--bench` flag).
fn env_usize(name: &str, default: usize, smoke: usize) -> usize {
    let benching = std::env::args().any(|a| a == "--bench");
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { default } else { smoke })
}

fn owner(i: usize) -> MailboxName {
    let a: mstore::address::ORAddress = format!("C=XX;A=ICAO;P=BENCH;O=ORG;CN=USER{i}")
        .parse()
        .expect("address");
    MailboxName::from(&a)
}

/// create + write + fsync + rename (+ directory fsync).
fn write_one(dir: &Path, n: u64, data: &[u8], dir_sync: Option<&File>) {
    let tmp = dir.join(format!("{n}.msg.tmp"));
    let dst = dir.join(format!("{n}.msg"));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .expect("create");
    f.write_all(data).expect("write");
    f.sync_data().expect("fsync");
    fs::rename(&tmp, &dst).expect("rename");
    if let Some(d) = dir_sync {
        d.sync_all().expect("dir fsync");
    }
}

/// Runs `iters` operations spread over `threads` threads and returns the wall time.
fn parallel(threads: usize, iters: u64, op: impl Fn(u64) + Sync) -> Duration {
    let next = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= iters {
                        break;
                    }
                    op(i);
                }
            });
        }
    });
    start.elapsed()
}

fn disk_ceilings(c: &mut Criterion) {
    let mut g = c.benchmark_group("disk");
    g.throughput(Throughput::Elements(1));
    let data = vec![0x5au8; BODY];
    let base = tempfile::tempdir().expect("tempdir");
    let counter = AtomicU64::new(0);
    g.bench_function("file_fsync_rename_1t", |b| {
        let dir = base.path().join("a");
        fs::create_dir_all(&dir).expect("mkdir");
        b.iter(|| write_one(&dir, counter.fetch_add(1, Ordering::Relaxed), &data, None));
    });
    g.bench_function("file_fsync_rename_4t", |b| {
        let dir = base.path().join("b");
        fs::create_dir_all(&dir).expect("mkdir");
        b.iter_custom(|iters| {
            parallel(4, iters, |_| {
                write_one(&dir, counter.fetch_add(1, Ordering::Relaxed), &data, None)
            })
        });
    });
    g.bench_function("file_fsync_rename_dirfsync_1t", |b| {
        let dir = base.path().join("c");
        fs::create_dir_all(&dir).expect("mkdir");
        let d = File::open(&dir).expect("open dir");
        b.iter(|| {
            write_one(
                &dir,
                counter.fetch_add(1, Ordering::Relaxed),
                &data,
                Some(&d),
            )
        });
    });
    g.finish();
}

fn delivery(c: &mut Criterion) {
    for (mode, durability) in [
        ("durable", IndexDurability::Immediate),
        ("from_files", IndexDurability::FromFiles),
    ] {
        delivery_mode(c, mode, durability);
    }
}

fn delivery_mode(c: &mut Criterion, mode: &str, durability: IndexDurability) {
    let mut g = c.benchmark_group("deliver");
    g.throughput(Throughput::Elements(1));
    let content = vec![0x04u8; BODY];
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_with(
        std::sync::Arc::new(RealFs),
        dir.path(),
        StoreOptions {
            index_durability: durability,
            ..StoreOptions::default()
        },
    )
    .expect("open");
    let owners: Vec<MailboxName> = (0..8).map(owner).collect();
    g.bench_function(format!("{mode}_1_writer"), |b| {
        b.iter(|| {
            store
                .deliver(&owners[0], b"\x31\x00", &content)
                .expect("deliver")
        });
    });
    let before = store.commit_stats();
    g.bench_function(format!("{mode}_8_writers"), |b| {
        b.iter_custom(|iters| {
            parallel(8, iters, |i| {
                // Each writer delivers to its own mailbox, the usual case for an MTA.
                let who = &owners[(i % 8) as usize];
                store.deliver(who, b"\x31\x00", &content).expect("deliver");
            })
        });
    });
    let after = store.commit_stats();
    let (batches, entries) = (after.0 - before.0, after.1 - before.1);
    if batches > 0 {
        eprintln!(
            "deliver/{mode}_8_writers: {entries} deliveries in {batches} group commits ({:.1} per commit)",
            entries as f64 / batches as f64
        );
    }
    store.close().expect("close");
    g.finish();
}

/// Deletes: each timed run first delivers the entries it will delete (untimed, 8 writers, index
/// rows from the files so the setup is quick; deletes are durable in every mode), then deletes
/// them one entry per request, the alert → fetch → delete pattern of P7 UAs.
fn delete(c: &mut Criterion) {
    let mut g = c.benchmark_group("delete");
    g.throughput(Throughput::Elements(1));
    let content = vec![0x04u8; BODY];
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_with(
        std::sync::Arc::new(RealFs),
        dir.path(),
        StoreOptions {
            index_durability: IndexDurability::FromFiles,
            ..StoreOptions::default()
        },
    )
    .expect("open");
    let owners: Vec<MailboxName> = (0..8).map(owner).collect();
    let setup = |iters: u64| {
        let keys = std::sync::Mutex::new(Vec::with_capacity(iters as usize));
        parallel(8, iters, |i| {
            let who = &owners[(i % 8) as usize];
            let d = store.deliver(who, b"\x31\x00", &content).expect("deliver");
            keys.lock().expect("keys").push(d.key);
        });
        keys.into_inner().expect("keys")
    };
    for threads in [1usize, 8] {
        let before = store.commit_stats();
        let mut deleted = 0u64;
        g.bench_function(format!("{threads}_deleters"), |b| {
            b.iter_custom(|iters| {
                let keys = setup(iters);
                deleted += iters;
                parallel(threads, iters, |i| {
                    store.delete(&keys[i as usize]).expect("delete");
                })
            });
        });
        let after = store.commit_stats();
        eprintln!(
            "delete/{threads}_deleters: {} group commits for {deleted} deletes and the setup deliveries",
            after.0 - before.0
        );
        g.bench_function(format!("{threads}_deleters_drained"), |b| {
            b.iter_custom(|iters| {
                let keys = setup(iters);
                store.finish_deletes();
                let t = Instant::now();
                parallel(threads, iters, |i| {
                    store.delete(&keys[i as usize]).expect("delete");
                });
                store.finish_deletes();
                t.elapsed()
            });
        });
    }
    store.close().expect("close");
    g.finish();
}

/// Writes a store's files directly (no fsync): mailboxes, descriptions, message files and
/// high-water marks, as a store would have left them.
fn write_fixture(data: &Path, mailboxes: usize, entries: usize) {
    let per = entries.div_ceil(mailboxes);
    let mut n = 0;
    for m in 0..mailboxes {
        let o = owner(m);
        let id = o.id();
        let mdir = data.join("mailboxes").join(&id);
        let idir = mdir.join("inbox");
        fs::create_dir_all(&idir).expect("mkdir");
        fs::create_dir_all(mdir.join("outbox")).expect("mkdir");
        fs::write(
            mdir.join("mailbox.toml"),
            format!(
                "address = \"{}\"\ncanonical = \"{}\"\ncreated_unix = 0\n",
                o.address(),
                o.canonical()
            ),
        )
        .expect("toml");
        for s in 1..=per {
            if n == entries {
                break;
            }
            n += 1;
            let f = MessageFile {
                seq: s as u32,
                class: EntryClass::Inbox,
                entry_type: EntryType::DeliveredMessage,
                time_ms: 1_764_000_000_000 + s as i64,
                children: Vec::new(),
                envelope: vec![0x31, 0x00],
                content: vec![(s % 251) as u8; BODY],
            };
            fs::write(idir.join(format!("{s}.msg")), f.encode().expect("encode")).expect("write");
        }
        fs::create_dir_all(seq::seq_dir(data)).expect("mkdir");
        seq::write_hwm(
            &RealFs,
            data,
            &id,
            seq::HighWater {
                inbox: per as u32,
                outbox: 0,
            },
        )
        .expect("hwm");
    }
}

fn rebuild_rate(c: &mut Criterion) {
    let entries = env_usize("MSTORE_BENCH_REBUILD_ENTRIES", 20_000, 200);
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(dir.path(), 10, entries);
    // Warm the page cache, as the goal says.
    offline::rebuild(&RealFs, dir.path(), &[], &mut |_| {}).expect("rebuild");
    let mut g = c.benchmark_group("rebuild");
    g.throughput(Throughput::Elements(entries as u64));
    g.bench_function(format!("rebuild_{entries}_entries"), |b| {
        b.iter(|| {
            let r = offline::rebuild(&RealFs, dir.path(), &[], &mut |_| {}).expect("rebuild");
            assert_eq!(r.entries, entries as u64);
        });
    });
    g.finish();
}

/// An index with `entries` rows over 100 mailboxes and the clean marker, written straight
/// through redb (the message files are not needed: a clean open does not read them).
fn write_big_index(data: &Path, entries: usize) -> PathBuf {
    let mailboxes = 100;
    let per = entries.div_ceil(mailboxes);
    fs::create_dir_all(data.join("index")).expect("mkdir");
    fs::create_dir_all(data.join("mailboxes")).expect("mkdir");
    fs::create_dir_all(seq::seq_dir(data)).expect("mkdir");
    let path = data.join("index").join("meta.redb");
    let db = redb::Database::create(&path).expect("create");
    index::init(&db).expect("init");
    let row = EntryRow {
        entry_type: 0,
        status: 0,
        time_ms: 1_764_000_000_000,
        file_size: 2100,
        envelope_len: 2,
        content_len: 2000,
        file_crc: 0,
        children: Vec::new(),
    };
    let value = index::encode_value(&row).expect("encode");
    let mut n = 0;
    for m in 0..mailboxes {
        let o = owner(m);
        let id = mailbox_id(o.canonical());
        let txn = db.begin_write().expect("txn");
        {
            let mut mt = txn.open_table(index::MAILBOXES).expect("table");
            let mrow = MailboxRow {
                address: o.address().to_string(),
                canonical: o.canonical().to_string(),
                created_unix: 0,
            };
            mt.insert(
                id.as_str(),
                index::encode_value(&mrow).expect("encode").as_slice(),
            )
            .expect("insert");
            let mut t = txn.open_table(index::ENTRIES).expect("table");
            for s in 1..=per as u32 {
                if n == entries {
                    break;
                }
                n += 1;
                t.insert((id.as_str(), 0u8, s), value.as_slice())
                    .expect("insert");
            }
        }
        txn.commit().expect("commit");
        seq::write_hwm(
            &RealFs,
            data,
            &id,
            seq::HighWater {
                inbox: per as u32,
                outbox: 0,
            },
        )
        .expect("hwm");
    }
    index::set_clean(&db, true).expect("clean");
    path
}

fn open_time(c: &mut Criterion) {
    let entries = env_usize("MSTORE_BENCH_OPEN_ENTRIES", 1_000_000, 1_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    write_big_index(dir.path(), entries);
    eprintln!(
        "open: wrote an index of {entries} entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut g = c.benchmark_group("open");
    g.bench_function(format!("open_clean_{entries}_entries"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let s = Store::open(dir.path()).expect("open");
                total += t.elapsed();
                assert!(s.recovery().clean);
                s.close().expect("close");
            }
            total
        });
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = disk_ceilings, delivery, delete, rebuild_rate, open_time
}
criterion_main!(benches);
