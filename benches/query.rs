//! Query benchmarks (issue 5): one mailbox of `MSTORE_BENCH_QUERY_ENTRIES` (default 50,000)
//! builder messages of ~2 kB, 2% new (1,000 of 50,000), preloaded once and kept under the
//! target's tmp directory. List new; filters by priority, originator and size; subject and body
//! word search (tantivy); summarize by status (counters and full Summarize); fetch of the newest
//! entry (cached in memory) and of an old one (read and verified from disk). Read-only: List runs
//! with `read_only` so every iteration sees the same mailbox.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mstore::store::filter_text::parse;
use mstore::store::preload::{PreloadOptions, generate_recipients, preload};
use mstore::store::query::{Attr, AttributeSelection, Selector};
use mstore::store::{EntryClass, EntryKey, MailboxName, Store};

fn entries() -> u64 {
    // `cargo test --all-targets` runs benches once without `--bench`: keep that quick.
    let default = if std::env::args().any(|a| a == "--bench") {
        50_000
    } else {
        300
    };
    std::env::var("MSTORE_BENCH_QUERY_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn store() -> (Store, String) {
    let n = entries();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-query-{n}"));
    let addr = generate_recipients(1, 42).remove(0);
    let a: mstore::address::ORAddress = addr.parse().expect("address");
    let id = MailboxName::from(&a).id();
    let done = dir.join("complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let s = Store::open(&dir).expect("open");
        let opts = PreloadOptions {
            recipients: vec![addr],
            messages: n,
            seed: 42,
            size: 2000,
            new_fraction: 0.02,
            threads: 8,
            generator: mstore::store::preload::Generator::Builder,
        };
        preload(&s, &opts, &|_| {}, &|_| {}).expect("preload");
        s.close().expect("close");
        std::fs::write(&done, b"").expect("marker");
    }
    let s = Store::open(&dir).expect("open");
    (s, id)
}

fn list_attrs() -> Vec<AttributeSelection> {
    [
        Attr::SequenceNumber,
        Attr::EntryType,
        Attr::Subject,
        Attr::OriginatorName,
        Attr::MessageDeliveryIdentifier,
        Attr::SubjectSubmissionIdentifier,
        Attr::Priority,
        Attr::ContentLength,
        Attr::ContentType,
        Attr::RetrievalStatus,
    ]
    .into_iter()
    .map(AttributeSelection::all)
    .collect()
}

fn bench(c: &mut Criterion) {
    let (store, id) = store();
    let all = store.all_attrs(&id, EntryClass::Inbox).expect("attrs");
    let counts = store.counts(&id, EntryClass::Inbox).expect("counts");
    eprintln!(
        "query bench: {} entries, {} new, nproc {}",
        all.len(),
        counts[0],
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // Filter values taken from the data: an originator of ~1% of entries, the size of the
    // largest 1%, a subject word and a body word.
    let originator = all
        .iter()
        .find_map(|(_, a)| a.originator_name.clone())
        .expect("originator");
    let mut sizes: Vec<u64> = all.iter().map(|(_, a)| a.content_length).collect();
    sizes.sort_unstable();
    let big = sizes.get(sizes.len() * 99 / 100).copied().unwrap_or(0);
    let req = list_attrs();
    let run = |name: &str, filter: &str, c: &mut Criterion| {
        let sel = Selector::all(EntryClass::Inbox).with_filter(parse(filter).expect("filter"));
        let n = store
            .list(&id, &sel, &req, true)
            .expect("list")
            .entries
            .len();
        eprintln!("{name}: {filter} → {n} entries");
        c.bench_function(name, |b| {
            b.iter(|| store.list(&id, &sel, &req, true).expect("list"))
        });
    };
    run("list_new", "(retrieval-status=new)", c);
    run(
        "filter_priority_urgent_new",
        "(&(priority=urgent)(retrieval-status=new))",
        c,
    );
    run("filter_priority_urgent", "(priority=urgent)", c);
    // X.413 List returns at most a limit (max-list-entries) of entries: a broad filter with a
    // limit of 100 should cost the keys and the 100 rows returned.
    {
        let mut sel = Selector::all(EntryClass::Inbox)
            .with_filter(parse("(priority=urgent)").expect("filter"));
        sel.limit = Some(100);
        let n = store
            .list(&id, &sel, &req, true)
            .expect("list")
            .entries
            .len();
        eprintln!("filter_priority_urgent_limit100: (priority=urgent) limit 100 → {n} entries");
        c.bench_function("filter_priority_urgent_limit100", |b| {
            b.iter(|| store.list(&id, &sel, &req, true).expect("list"))
        });
    }
    run(
        "filter_originator",
        &format!(
            "(originator-name={})",
            originator.replace('(', "\\28").replace(')', "\\29")
        ),
        c,
    );
    run(
        "filter_size_top1pct",
        &format!("(content-length>={big})"),
        c,
    );
    run("subject_word_substring_scan", "(subject=*SITREP*)", c);
    run("subject_word_text_index", "(text~=sitrep)", c);
    run("body_word_text_index", "(text~=warehouse)", c);
    c.bench_function("summarize_counters", |b| {
        b.iter(|| store.counts(&id, EntryClass::Inbox).expect("counts"))
    });
    let sel = Selector::all(EntryClass::Inbox);
    c.bench_function("summarize_by_status_full", |b| {
        b.iter(|| {
            store
                .summarize(&id, &sel, &[Attr::RetrievalStatus])
                .expect("summarize")
        })
    });
    let last = all.last().map(|e| e.0).unwrap_or(1);
    let old = all.get(all.len() / 2).map(|e| e.0).unwrap_or(1);
    let key = |seq| EntryKey {
        mailbox_id: id.clone(),
        class: EntryClass::Inbox,
        seq,
    };
    // The newest is cached only after a delivery in this process: deliver one.
    let a: mstore::address::ORAddress = generate_recipients(1, 42)[0].parse().expect("addr");
    let m = mstore::store::preload::sample_message(1, 1, 2000);
    let d = store
        .deliver(&MailboxName::from(&a), &m.envelope, &m.content)
        .expect("deliver");
    // (The simple generator's message: only its bytes matter for the cache.)
    let _ = last;
    c.bench_function("fetch_newest_cached", |b| {
        b.iter(|| store.read_cached(&d.key).expect("read"))
    });
    c.bench_function("fetch_uncached", |b| {
        b.iter(|| store.read_cached(&key(old)).expect("read"))
    });
    store.delete(&d.key).expect("delete");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
