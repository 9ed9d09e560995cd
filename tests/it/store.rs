//! Durability and operator-tool tests of the message store (DESIGN.md §4, issue 4): power
//! failure at random points (simulated disk), real SIGKILL of a delivering process, injected
//! ENOSPC/EIO, rebuild equivalence, flipped bytes, locking, sequence numbers.

// Helpers outside #[test] fns are test code too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mstore::store::faults::{Fault, FaultFs, FaultTarget, PowerCutFs};
use mstore::store::offline::{self, FindingKind};
use mstore::store::{
    EntryClass, EntryKey, EntryType, IndexDurability, MailboxName, NewEntry, RealFs,
    RetrievalStatus, Store, StoreError, StoreOptions,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn owner(i: usize) -> MailboxName {
    let a: mstore::address::ORAddress = format!("C=XX;A=ICAO;P=TEST;O=ORG;OU1=LOC{i};CN=USER{i}")
        .parse()
        .unwrap();
    MailboxName::from(&a)
}

fn content_for(tag: u64, len: usize) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(tag);
    let mut v = vec![0x30, 0x80];
    v.extend((0..len).map(|_| rng.r#gen::<u8>()));
    v.extend_from_slice(&[0, 0]);
    v
}

/// One delivery the store acknowledged.
#[derive(Debug, Clone)]
struct Acked {
    key: EntryKey,
    content: Vec<u8>,
}

fn assert_present(store: &Store, acked: &[Acked]) {
    for a in acked {
        let m = store
            .read(&a.key)
            .unwrap_or_else(|e| panic!("acknowledged {:?} lost: {e}", a.key));
        assert_eq!(m.content, a.content, "{:?} content", a.key);
        assert!(
            store.entry(&a.key).unwrap().is_some(),
            "{:?} has no index row",
            a.key
        );
    }
}

fn sim_options(durability: IndexDurability) -> StoreOptions {
    StoreOptions {
        // Small blocks so reservations (and crashes during them) happen often.
        seq_block: 4,
        index_durability: durability,
        ..StoreOptions::default()
    }
}

/// Opens the store on the simulated disk, powering it off and on again until an open
/// survives (the cut may hit recovery itself).
fn open_sim(fs: &PowerCutFs, data: &Path, durability: IndexDurability) -> Store {
    for _ in 0..5 {
        match Store::open_with(Arc::new(fs.clone()), data, sim_options(durability)) {
            Ok(s) => return s,
            Err(_) if fs.is_dead() => fs.restart(),
            Err(e) => panic!("open after restart: {e}"),
        }
    }
    panic!("store never opened");
}

#[test]
fn power_failure_at_random_points_keeps_every_acknowledged_delivery() {
    let data = PathBuf::from("/data");
    let mut total_acked = 0;
    // More seeds for a soak run: MSTORE_POWER_SEEDS=1000 cargo test --test it power_failure
    let seeds: u64 = std::env::var("MSTORE_POWER_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    for seed in 0..seeds {
        // Both index durability modes: rows fsynced with each group commit, or rebuilt from
        // the files by recovery.
        let durability = if seed % 2 == 0 {
            IndexDurability::Immediate
        } else {
            IndexDurability::FromFiles
        };
        let fs = PowerCutFs::new(seed);
        let mut rng = StdRng::seed_from_u64(seed * 7919 + 1);
        let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
        // Highest sequence number acknowledged per mailbox, deleted entries included.
        let used = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
        let mut next_tag = 0u64;
        for _round in 0..3 {
            // Sometimes the power fails while the store is opening (recovering).
            if rng.gen_ratio(1, 4) {
                fs.cut_after(Some(rng.gen_range(1..40)));
            }
            let store = open_sim(&fs, &data, durability);
            assert_present(&store, &acked.lock().unwrap());
            fs.cut_after(Some(rng.gen_range(1..400)));
            let store = Arc::new(store);
            let mut handles = Vec::new();
            for t in 0..3usize {
                let store = store.clone();
                let acked = acked.clone();
                let used = used.clone();
                let base = next_tag + (t as u64) * 1000;
                handles.push(std::thread::spawn(move || {
                    for i in 0..200u64 {
                        let content = content_for(base + i, 40 + (i as usize % 7) * 30);
                        let who = owner(((base + i) % 3) as usize);
                        let d = match store.deliver(&who, b"\x31\x00", &content) {
                            Ok(d) => d,
                            Err(_) => return,
                        };
                        {
                            let mut u = used.lock().unwrap();
                            let m = u.entry(d.key.mailbox_id.clone()).or_default();
                            *m = (*m).max(d.key.seq);
                        }
                        // Now and then delete what was just delivered: the newest entry's
                        // number must stay used across the crash.
                        if (base + i) % 4 == 1 {
                            if store.delete(&d.key).is_err() {
                                return; // gone or not: unknown, so not counted either way
                            }
                            continue;
                        }
                        acked.lock().unwrap().push(Acked {
                            key: d.key,
                            content,
                        });
                    }
                }));
            }
            for h in handles {
                h.join().unwrap();
            }
            next_tag += 10_000;
            assert!(fs.is_dead(), "the cut point was never reached");
            // The process is gone: its store handle dies with it, then the power comes back.
            drop(Arc::try_unwrap(store).unwrap());
            fs.restart();
        }
        let store = open_sim(&fs, &data, durability);
        let acked = acked.lock().unwrap().clone();
        assert_present(&store, &acked);
        // Numbers are never reused: the next delivery of each mailbox is above all acked.
        let max = used.lock().unwrap().clone();
        for i in 0..3 {
            let who = owner(i);
            let d = store.deliver(&who, b"", b"after").unwrap();
            assert!(d.key.seq > max.get(&who.id()).copied().unwrap_or(0));
        }
        store.close().unwrap();
        let rep = offline::check(&fs, &data, &mut |_| {}).unwrap();
        assert!(rep.ok(), "seed {seed}: {:?}", rep.problems);
        assert!(
            rep.recoverable.is_empty(),
            "seed {seed}: {:?}",
            rep.recoverable
        );
        assert!(rep.clean_shutdown);
        total_acked += acked.len();
    }
    assert!(
        total_acked > 100,
        "too few deliveries to mean anything: {total_acked}"
    );
}

#[test]
fn sigkill_during_preload_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut rng = StdRng::seed_from_u64(0x5161_4b11);
    let mut delivered: Vec<(String, String, u32, u32)> = Vec::new();
    for round in 0..6 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mstore-bench"))
            .args(["preload", "--data"])
            .arg(&data)
            .args([
                "--mailboxes",
                "3",
                "--messages",
                "1000000",
                "--size",
                "300",
                "--threads",
                "4",
                "--print-delivered",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut lines = Vec::new();
            let mut buf = Vec::new();
            while r.read_until(b'\n', &mut buf).unwrap_or(0) > 0 {
                // A line cut short by the kill was not (fully) reported: ignore it.
                if buf.ends_with(b"\n") {
                    lines.push(String::from_utf8_lossy(&buf).trim().to_string());
                }
                buf.clear();
            }
            lines
        });
        let wait = if round == 0 {
            rng.gen_range(300..700)
        } else {
            rng.gen_range(20..400)
        };
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        for l in reader.join().unwrap() {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 5, "{l}");
            assert_eq!(f[0], "delivered");
            delivered.push((
                f[1].to_string(),
                f[2].to_string(),
                f[3].parse().unwrap(),
                u32::from_str_radix(f[4], 16).unwrap(),
            ));
        }
    }
    assert!(!delivered.is_empty(), "the child never delivered");
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .arg("check")
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(&data).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (id, class, seq, crc) in &delivered {
        assert!(
            seen.insert((id.clone(), class.clone(), *seq)),
            "seq reused: {id} {seq}"
        );
        let key = EntryKey {
            mailbox_id: id.clone(),
            class: EntryClass::from_dir_name(class).unwrap(),
            seq: *seq,
        };
        store.read(&key).unwrap();
        let row = store.entry(&key).unwrap().expect("index row");
        assert_eq!(row.file_crc, *crc);
    }
    store.close().unwrap();
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
}

#[test]
fn enospc_and_eio_fail_cleanly_and_the_store_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fs = FaultFs::new(RealFs);
    let store = Store::open_with(Arc::new(fs.clone()), &data, StoreOptions::default()).unwrap();
    let who = owner(1);
    let mut acked = Vec::new();
    let deliver_ok = |store: &Store, acked: &mut Vec<Acked>, tag: u64| {
        let content = content_for(tag, 200);
        let d = store.deliver(&who, b"\x31\x00", &content).unwrap();
        acked.push(Acked {
            key: d.key,
            content,
        });
    };
    for t in 0..5 {
        deliver_ok(&store, &mut acked, t);
    }
    // EIO has no stable ErrorKind of its own; the message below identifies it.
    let cases = [
        (
            Fault::NoSpace,
            FaultTarget::Files,
            Some(std::io::ErrorKind::StorageFull),
        ),
        (
            Fault::NoSpace,
            FaultTarget::Index,
            Some(std::io::ErrorKind::StorageFull),
        ),
        (Fault::Io, FaultTarget::Files, None),
        (Fault::Io, FaultTarget::Index, None),
    ];
    for (i, (fault, target, kind)) in cases.into_iter().enumerate() {
        fs.set(Some((fault, target)));
        let before = fs.injected();
        let err = store.deliver(&owner(1), b"", b"doomed").unwrap_err();
        assert!(fs.injected() > before, "{fault:?} {target:?} was not hit");
        assert!(err.io_kind().is_some(), "{fault:?} {target:?}: {err}");
        if let Some(kind) = kind {
            assert_eq!(err.io_kind(), Some(kind), "{fault:?} {target:?}: {err}");
        }
        let text = err.to_string();
        match fault {
            Fault::NoSpace => assert!(text.contains("No space left"), "{text}"),
            Fault::Io => assert!(text.contains("Input/output error"), "{text}"),
        }
        fs.set(None);
        // Nothing stored before is harmed.
        assert_present(&store, &acked);
        // Space (or the disk) is back: deliveries work again.
        for t in 0..3 {
            deliver_ok(&store, &mut acked, 100 * (i as u64 + 1) + t);
        }
        assert_present(&store, &acked);
    }
    let id = owner(1).id();
    let rows = store.entries(&id, EntryClass::Inbox).unwrap();
    assert_eq!(
        rows.len(),
        acked.len(),
        "failed deliveries must not be indexed"
    );
    store.close().unwrap();
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert!(rep.recoverable.is_empty(), "{:?}", rep.recoverable);
    let store = Store::open(&data).unwrap();
    assert_present(&store, &acked);
}

/// Fills a store with a mix of classes, types and statuses, deletes the top entries of one
/// mailbox, and returns what it holds.
fn mixed_store(data: &Path) -> (BTreeMap<EntryKey, mstore::store::EntryRow>, u32) {
    let store = Store::open(data).unwrap();
    let statuses = [
        RetrievalStatus::New,
        RetrievalStatus::Listed,
        RetrievalStatus::Processed,
    ];
    let mut deleted_top = 0;
    std::thread::scope(|s| {
        for t in 0..4usize {
            let store = &store;
            s.spawn(move || {
                for i in 0..15usize {
                    let class = if i % 5 == 4 {
                        EntryClass::Outbox
                    } else {
                        EntryClass::Inbox
                    };
                    let content = content_for((t * 100 + i) as u64, 50 + i * 13);
                    store
                        .add_entry(
                            &owner(t % 3),
                            NewEntry {
                                class,
                                entry_type: if class == EntryClass::Outbox {
                                    EntryType::SubmittedMessage
                                } else {
                                    EntryType::DeliveredMessage
                                },
                                time_ms: 1_764_000_000_000 + i as i64,
                                children: if i % 7 == 3 { &[1u32, 2][..] } else { &[] },
                                envelope: b"\x31\x03\x02\x01\x05",
                                content: &content,
                                status: statuses[i % 3],
                            },
                        )
                        .unwrap();
                }
            });
        }
    });
    // Delete the two newest inbox entries of mailbox 0: their numbers must stay used.
    let id0 = owner(0).id();
    let rows = store.entries(&id0, EntryClass::Inbox).unwrap();
    for (seq, _) in rows.iter().rev().take(2) {
        deleted_top = deleted_top.max(*seq);
        store
            .delete(&EntryKey {
                mailbox_id: id0.clone(),
                class: EntryClass::Inbox,
                seq: *seq,
            })
            .unwrap();
    }
    let mut all = BTreeMap::new();
    for (id, _) in store.mailboxes() {
        for class in EntryClass::ALL {
            for (seq, row) in store.entries(&id, class).unwrap() {
                all.insert(
                    EntryKey {
                        mailbox_id: id.clone(),
                        class,
                        seq,
                    },
                    row,
                );
            }
        }
    }
    store.close().unwrap();
    (all, deleted_top)
}

#[test]
fn rebuild_gives_the_same_entries_all_new_and_keeps_high_water_marks() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (before, deleted_top) = mixed_store(&data);
    assert_eq!(before.len(), 60 - 2);
    assert!(before.values().any(|r| r.status != 0));
    let rep = offline::rebuild(&RealFs, &data, &[], &mut |_| {}).unwrap();
    assert_eq!(rep.entries, before.len() as u64);
    assert!(rep.quarantined.is_empty());
    let store = Store::open(&data).unwrap();
    assert!(store.recovery().clean, "a rebuilt index is consistent");
    let mut after = BTreeMap::new();
    for (id, _) in store.mailboxes() {
        for class in EntryClass::ALL {
            for (seq, row) in store.entries(&id, class).unwrap() {
                after.insert(
                    EntryKey {
                        mailbox_id: id.clone(),
                        class,
                        seq,
                    },
                    row,
                );
            }
        }
    }
    assert_eq!(after.len(), before.len());
    for (k, b) in &before {
        let a = after
            .get(k)
            .unwrap_or_else(|| panic!("{k:?} missing after rebuild"));
        assert_eq!(a.retrieval_status(), RetrievalStatus::New);
        let mut b = b.clone();
        b.status = a.status;
        assert_eq!(*a, b, "{k:?}");
    }
    let d = store.deliver(&owner(0), b"", b"next").unwrap();
    assert!(
        d.key.seq > deleted_top,
        "{} reused (top was {deleted_top})",
        d.key.seq
    );
    let st = offline::stats(&RealFs, &data);
    assert!(
        matches!(st, Err(StoreError::Locked(_))),
        "stats must refuse"
    );
    store.close().unwrap();
    let st = offline::stats(&RealFs, &data).unwrap();
    assert_eq!(st.totals.all.entries, before.len() as u64 + 1);
    assert_eq!(st.totals.all.new, before.len() as u64 + 1);
}

#[test]
fn flipped_byte_is_reported_by_check_and_quarantined_by_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (before, _) = mixed_store(&data);
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
    let victim = before.keys().nth(7).unwrap().clone();
    let path = data
        .join("mailboxes")
        .join(&victim.mailbox_id)
        .join(victim.class.dir_name())
        .join(format!("{}.msg", victim.seq));
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(!rep.ok());
    assert_eq!(rep.problems.len(), 1, "{:?}", rep.problems);
    assert_eq!(rep.problems[0].kind, FindingKind::CrcMismatch);
    assert_eq!(rep.problems[0].path, path.display().to_string());
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["check", "--json", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["problems"][0]["kind"], "crc-mismatch");

    let rep = offline::rebuild(&RealFs, &data, &[], &mut |_| {}).unwrap();
    assert_eq!(rep.quarantined.len(), 1);
    assert_eq!(rep.entries, before.len() as u64 - 1);
    assert!(!path.exists());
    let q = data
        .join("quarantine")
        .join(&victim.mailbox_id)
        .join(victim.class.dir_name())
        .join(format!("{}.msg", victim.seq));
    assert_eq!(std::fs::read(&q).unwrap(), bytes);
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
    let store = Store::open(&data).unwrap();
    for k in before.keys().filter(|k| **k != victim) {
        store.read(k).unwrap();
    }
}

#[test]
fn concurrent_deliveries_share_commits_and_numbers_ascend() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let per_mailbox = Mutex::new(HashMap::<String, Vec<u32>>::new());
    std::thread::scope(|s| {
        for t in 0..8usize {
            let store = &store;
            let per_mailbox = &per_mailbox;
            s.spawn(move || {
                for i in 0..12 {
                    let d = store
                        .deliver(&owner(t % 2), b"", &content_for((t * 100 + i) as u64, 64))
                        .unwrap();
                    per_mailbox
                        .lock()
                        .unwrap()
                        .entry(d.key.mailbox_id)
                        .or_default()
                        .push(d.key.seq);
                }
            });
        }
    });
    let (batches, entries) = store.commit_stats();
    assert_eq!(entries, 96);
    assert!(
        batches < entries,
        "no delivery shared a commit ({batches} batches)"
    );
    for (_, mut seqs) in per_mailbox.into_inner().unwrap() {
        let n = seqs.len();
        seqs.sort_unstable();
        seqs.dedup();
        assert_eq!(seqs.len(), n, "a sequence number was handed out twice");
    }
}

#[test]
fn lock_refuses_offline_tools_and_a_second_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::Locked(_))
    ));
    assert!(matches!(
        offline::check(&RealFs, dir.path(), &mut |_| {}),
        Err(StoreError::Locked(_))
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["rebuild", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use by another process"));
    drop(store);
    offline::check(&RealFs, dir.path(), &mut |_| {}).unwrap();
}

#[test]
fn increment_raises_numbers_for_one_mailbox_or_all() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let store = Store::open(data).unwrap();
    assert_eq!(store.deliver(&owner(0), b"", b"a").unwrap().key.seq, 1);
    assert_eq!(store.deliver(&owner(1), b"", b"a").unwrap().key.seq, 1);
    store.close().unwrap();
    let addr1 = "C=XX;A=ICAO;P=TEST;O=ORG;OU1=LOC1;CN=USER1";
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["increment", "--by", "100", "--mailbox", addr1, "--data"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    offline::increment(&RealFs, data, 1000, None).unwrap();
    let store = Store::open(data).unwrap();
    assert_eq!(store.deliver(&owner(0), b"", b"b").unwrap().key.seq, 1002);
    assert_eq!(store.deliver(&owner(1), b"", b"b").unwrap().key.seq, 1102);
    // A mailbox created later starts above the floor too.
    assert_eq!(store.deliver(&owner(2), b"", b"b").unwrap().key.seq, 1001);
    store.close().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args([
            "increment",
            "--by",
            "1",
            "--mailbox",
            "not an address",
            "--data",
        ])
        .arg(data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn clean_open_does_not_scan_and_crash_leftovers_are_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let store = Store::open(data).unwrap();
    let d = store.deliver(&owner(0), b"", b"x").unwrap();
    let d2 = store.deliver(&owner(0), b"", b"y").unwrap();
    store.close().unwrap();
    let cdir = data.join("mailboxes").join(&d.key.mailbox_id).join("inbox");
    // A temp file, as a crash during a write leaves it.
    let body = std::fs::read(cdir.join("1.msg")).unwrap();
    std::fs::write(cdir.join("9.msg.tmp"), &body[..10]).unwrap();
    let rep = offline::check(&RealFs, data, &mut |_| {}).unwrap();
    assert!(rep.ok());
    assert_eq!(rep.recoverable.len(), 1);
    assert_eq!(rep.recoverable[0].kind, FindingKind::TempLeftover);
    let store = Store::open(data).unwrap();
    assert!(store.recovery().clean);
    assert_eq!(store.recovery().files, 0, "a clean open must not scan");
    drop(store);
    // A crash between file and index commit: the second entry's row is gone, and the clean
    // marker with it.
    {
        let db = redb::Database::create(data.join("index/meta.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        let id = d2.key.mailbox_id.clone();
        txn.open_table(mstore::store::index::ENTRIES)
            .unwrap()
            .remove((id.as_str(), 0u8, d2.key.seq))
            .unwrap();
        txn.commit().unwrap();
        mstore::store::index::set_clean(&db, false).unwrap();
    }
    let rep = offline::check(&RealFs, data, &mut |_| {}).unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert_eq!(rep.recoverable.len(), 2, "{:?}", rep.recoverable);
    let store = Store::open(data).unwrap();
    let r = store.recovery().clone();
    assert!(!r.clean);
    assert_eq!(
        (r.files, r.temp_removed, r.indexed, r.corrupt, r.missing),
        (2, 1, 1, 0, 0)
    );
    let row = store.entry(&d2.key).unwrap().unwrap();
    assert_eq!(row.retrieval_status(), RetrievalStatus::New);
    store.close().unwrap();
    let rep = offline::check(&RealFs, data, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

#[test]
fn version_1_store_opens_checks_and_takes_deliveries() {
    // Written by `mstore-bench preload --generator simple --messages 6 --mailboxes 2 --size 100
    // --new-fraction 0.5 --seed 1` with index schema version 1 (migrations/README.md).
    let fixture = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/v1/store"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(fixture, &data);
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
    assert_eq!((rep.mailboxes, rep.files, rep.rows), (2, 6, 6));
    let st = offline::stats(&RealFs, &data).unwrap();
    assert_eq!(st.totals.all.entries, 6);
    assert_eq!(st.totals.all.new, 4);
    let store = Store::open(&data).unwrap();
    assert!(store.recovery().clean);
    for (id, row) in store.mailboxes() {
        let rows = store.entries(&id, EntryClass::Inbox).unwrap();
        assert_eq!(rows.len(), 3);
        for (seq, _) in rows {
            let key = EntryKey {
                mailbox_id: id.clone(),
                class: EntryClass::Inbox,
                seq,
            };
            assert_eq!(store.read(&key).unwrap().seq, seq);
        }
        let a: mstore::address::ORAddress = row.address.parse().unwrap();
        let who = MailboxName::from(&a);
        assert_eq!(who.id(), id);
        assert_eq!(store.deliver(&who, b"", b"new").unwrap().key.seq, 4);
        let d = store
            .add_entry(
                &who,
                NewEntry {
                    class: EntryClass::Outbox,
                    entry_type: EntryType::SubmittedMessage,
                    ..NewEntry::delivery(b"", b"sent")
                },
            )
            .unwrap();
        assert_eq!(d.key.seq, 1);
    }
}

#[test]
fn cli_rebuild_reports_its_rate_and_stats_json_counts_all_new() {
    let fixture = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/v1/store"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(fixture, &data);
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["rebuild", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("6 entries") && text.contains("messages/s"),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["stats", "--json", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["totals"]["all"]["entries"], 6);
    assert_eq!(json["totals"]["all"]["new"], 6);
    assert_eq!(json["mailboxes"].as_array().unwrap().len(), 2);
    let out = Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(["check", "--data"])
        .arg(dir.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing store is an input error"
    );
}

#[test]
fn an_index_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap().close().unwrap();
    {
        let db = redb::Database::create(dir.path().join("index/meta.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(mstore::store::index::META)
            .unwrap()
            .insert(
                "schema-version",
                (mstore::store::index::SCHEMA_VERSION + 1)
                    .to_be_bytes()
                    .as_slice(),
            )
            .unwrap();
        txn.commit().unwrap();
    }
    let err = Store::open(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew { found, supported }
                if found == mstore::store::index::SCHEMA_VERSION + 1
                    && supported == mstore::store::index::SCHEMA_VERSION
        ),
        "{err}"
    );
}

/// An extension that keeps content lengths in a table of its own (what issue 5's attribute
/// index will do with richer attributes).
#[derive(Debug)]
struct ContentLengths;

const LENGTHS: redb::TableDefinition<(&str, u8, u32), u64> =
    redb::TableDefinition::new("test-content-lengths");

impl mstore::store::IndexExtension for ContentLengths {
    fn init(&self, txn: &redb::WriteTransaction) -> mstore::store::Result<()> {
        txn.open_table(LENGTHS)?;
        Ok(())
    }
    fn insert(
        &self,
        txn: &redb::WriteTransaction,
        key: &EntryKey,
        file: &mstore::store::MessageFile,
        _status: RetrievalStatus,
    ) -> mstore::store::Result<()> {
        txn.open_table(LENGTHS)?.insert(
            (key.mailbox_id.as_str(), key.class.code(), key.seq),
            file.content.len() as u64,
        )?;
        Ok(())
    }
    fn remove(&self, txn: &redb::WriteTransaction, key: &EntryKey) -> mstore::store::Result<()> {
        txn.open_table(LENGTHS)?
            .remove((key.mailbox_id.as_str(), key.class.code(), key.seq))?;
        Ok(())
    }
}

fn lengths(data: &Path) -> Vec<u64> {
    use redb::{ReadableDatabase, ReadableTable};
    let db = redb::Database::create(data.join("index/meta.redb")).unwrap();
    let txn = db.begin_read().unwrap();
    let t = txn.open_table(LENGTHS).unwrap();
    t.iter().unwrap().map(|r| r.unwrap().1.value()).collect()
}

#[test]
fn index_extensions_follow_delivery_delete_and_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ext: Vec<Arc<dyn mstore::store::IndexExtension>> = vec![Arc::new(ContentLengths)];
    let options = StoreOptions {
        extensions: ext.clone(),
        ..StoreOptions::default()
    };
    let store = Store::open_with(Arc::new(RealFs), &data, options).unwrap();
    let a = store.deliver(&owner(0), b"", b"12345").unwrap();
    store.deliver(&owner(0), b"", b"123").unwrap();
    store.delete(&a.key).unwrap();
    store.close().unwrap();
    assert_eq!(lengths(&data), vec![3]);
    offline::rebuild(&RealFs, &data, &ext, &mut |_| {}).unwrap();
    assert_eq!(lengths(&data), vec![3]);
}

#[test]
fn a_multi_entry_delete_is_one_commit_and_concurrent_deletes_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Arc::new(Store::open(&data).unwrap());
    let mut keys: Vec<Vec<EntryKey>> = Vec::new();
    for m in 0..8 {
        keys.push(
            (0..6u64)
                .map(|i| {
                    store
                        .deliver(&owner(m), b"\x31\x00", &content_for(i, 50))
                        .unwrap()
                        .key
                })
                .collect(),
        );
    }
    // Five entries in one request: one group commit carrying one job.
    let m0 = &keys[0];
    let seqs: Vec<u32> = m0[..5].iter().map(|k| k.seq).collect();
    let (b0, e0) = store.commit_stats();
    assert_eq!(
        store
            .delete_entries(&m0[0].mailbox_id, EntryClass::Inbox, &seqs)
            .unwrap(),
        seqs
    );
    let (b1, e1) = store.commit_stats();
    assert_eq!((b1 - b0, e1 - e0), (1, 1));
    for k in &m0[..5] {
        assert!(matches!(store.read(k), Err(StoreError::NoSuchEntry { .. })));
        assert!(store.entry(k).unwrap().is_none());
    }
    // Deleting them again: nothing is there any more.
    assert!(matches!(
        store.delete_entries(&m0[0].mailbox_id, EntryClass::Inbox, &seqs[..1]),
        Err(StoreError::NoSuchEntry { .. })
    ));
    // Seven UAs delete one entry per request while deliveries go on: every request is
    // committed, never more commits than requests and deliveries.
    let (b2, _) = store.commit_stats();
    let mut handles = Vec::new();
    for (m, ks) in keys.iter().enumerate().skip(1) {
        let store = store.clone();
        let ks = ks[..5].to_vec();
        handles.push(std::thread::spawn(move || {
            for k in &ks {
                store.delete(k).unwrap();
                store
                    .deliver(&owner(m), b"\x31\x00", &content_for(99, 10))
                    .unwrap();
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let (b3, _) = store.commit_stats();
    assert!(b3 - b2 <= 7 * 5 * 2, "{} commits", b3 - b2);
    store.finish_deletes();
    let (_, removed) = store.finisher_stats();
    assert_eq!(removed, 8 * 5);
    for ks in &keys {
        for k in &ks[..5] {
            assert!(
                !store
                    .layout()
                    .entry_file(&k.mailbox_id, k.class, k.seq)
                    .exists()
            );
        }
        store.read(&ks[5]).unwrap();
    }
    Arc::try_unwrap(store).unwrap().close().unwrap();
    let rep = offline::check(&RealFs, &data, &mut |_| {}).unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert!(rep.recoverable.is_empty(), "{:?}", rep.recoverable);
    assert!(rep.clean_shutdown);
    assert_eq!(rep.files, 8 + 7 * 5);
}

/// `limits.index-cache`: a store whose index may cache almost nothing still delivers, reads,
/// deletes and reopens with every entry intact (the pages come from disk instead).
#[test]
fn a_tiny_index_cache_changes_speed_not_contents() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tiny = || StoreOptions {
        index_cache: 16 << 10,
        ..StoreOptions::default()
    };
    let store = Store::open_with(Arc::new(RealFs), &data, tiny()).unwrap();
    let mut kept = BTreeMap::new();
    for i in 0..300u64 {
        let who = owner((i % 3) as usize);
        let content = content_for(i, 200 + (i as usize % 50));
        let d = store.deliver(&who, b"\x31\x00", &content).unwrap();
        kept.insert(d.key, content);
    }
    let gone: Vec<EntryKey> = kept.keys().step_by(7).cloned().collect();
    for k in &gone {
        store.delete(k).unwrap();
        kept.remove(k);
    }
    store.close().unwrap();
    let store = Store::open_with(Arc::new(RealFs), &data, tiny()).unwrap();
    for (k, content) in &kept {
        assert_eq!(&store.read(k).unwrap().content[..], &content[..], "{k:?}");
    }
    for k in &gone {
        assert!(store.read(k).is_err(), "{k:?} came back");
    }
    let listed: usize = (0..3)
        .map(|i| {
            store
                .entries(&owner(i).id(), EntryClass::Inbox)
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(listed, kept.len());
    store.close().unwrap();
}
