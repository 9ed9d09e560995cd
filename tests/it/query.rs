//! Index and query tests (X.413 §8.2 Summarize / List / Fetch / Delete over the attribute index,
//! issue 5): every plan agrees with a naive evaluation over the message files, a model-based
//! run of random operations, counters, filter text round trips, the 1 → 2 index migration.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use mstore::content::builder::MessageBuilder;
use mstore::store::attrs::{self, EntryAttrs};
use mstore::store::filter_text;
use mstore::store::plan::{self, Access};
use mstore::store::query::{
    self, Attr, AttributeSelection, Filter, FilterItem, Range, Selector, Value,
};
use mstore::store::{
    EntryClass, EntryKey, EntryType, MailboxName, NewEntry, RetrievalStatus, Store,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn owner() -> MailboxName {
    let a: mstore::address::ORAddress =
        "C=XX;A=ICAO;P=TEST;O=ORG;OU1=LOC;CN=QUERY".parse().unwrap();
    MailboxName::from(&a)
}

const T0: i64 = 1_795_845_600_000;

/// Fills a store with `n` built messages of every flavor, random statuses and times, and a few
/// parents with children.
fn fill(store: &Store, n: u64, seed: u64) -> String {
    let who = owner();
    let mut b = MessageBuilder::new(seed);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut last = 0u32;
    for i in 0..n {
        let m = b.build_any();
        let children: Vec<u32> = if last > 0 && rng.gen_ratio(1, 10) {
            vec![last]
        } else {
            Vec::new()
        };
        let status = RetrievalStatus::ALL[rng.gen_range(0..3)];
        let d = store
            .add_entry(
                &who,
                NewEntry {
                    class: EntryClass::Inbox,
                    entry_type: EntryType::DeliveredMessage,
                    time_ms: T0 + i64::try_from(i).unwrap() * 60_000,
                    children: &children,
                    envelope: &m.delivery_ber,
                    content: &m.content_ber,
                    status,
                },
            )
            .unwrap();
        last = d.key.seq;
    }
    who.id()
}

/// What the naive evaluator works on: attributes extracted again from every file (no index).
struct Naive {
    all: Vec<(u32, EntryAttrs, String)>,
    children: std::collections::BTreeSet<u32>,
}

fn naive_data(store: &Store, id: &str, class: EntryClass) -> Naive {
    let rows = store.entries(id, class).unwrap();
    let mut children = std::collections::BTreeSet::new();
    let mut all: Vec<(u32, EntryAttrs, String)> = Vec::new();
    for (seq, row) in &rows {
        let key = EntryKey {
            mailbox_id: id.to_string(),
            class,
            seq: *seq,
        };
        let f = store.read(&key).unwrap();
        children.extend(f.children.iter().copied());
        let a = attrs::attrs_of(&f, row.retrieval_status());
        all.push((*seq, a, attrs::text_of(&f)));
    }
    Naive { all, children }
}

/// The naive evaluator: the selector applied entry by entry.
fn naive(n: &Naive, sel: &Selector) -> Vec<u32> {
    let mut out = Vec::new();
    for (seq, a, text) in &n.all {
        let (seq, text) = (*seq, text.clone());
        if !sel.child_entries && n.children.contains(&seq) {
            continue;
        }
        if let Some(r) = &sel.range
            && !query::in_range(r, a, seq)
        {
            continue;
        }
        if let Some(f) = &sel.filter
            && !query::matches(f, a, seq, &mut || Some(text.clone()))
        {
            continue;
        }
        out.push(seq);
    }
    if let Some(l) = sel.limit {
        out.truncate(l);
    }
    out
}

fn item_strategy(words: Vec<String>, names: Vec<String>) -> BoxedStrategy<FilterItem> {
    let word = proptest::sample::select(words);
    let name = proptest::sample::select(names);
    prop_oneof![
        (0i64..3).prop_map(|v| FilterItem::Equality(Attr::RetrievalStatus, Value::Int(v))),
        (0i64..3).prop_map(|v| FilterItem::Equality(Attr::Priority, Value::Int(v))),
        (0i64..6).prop_map(|v| FilterItem::Equality(Attr::PrimaryPrecedence, Value::Int(v))),
        (0i64..6).prop_map(|v| FilterItem::GreaterOrEqual(Attr::PrimaryPrecedence, Value::Int(v))),
        (0i64..4000).prop_map(|v| FilterItem::GreaterOrEqual(Attr::ContentLength, Value::Int(v))),
        (0i64..4000).prop_map(|v| FilterItem::LessOrEqual(Attr::ContentLength, Value::Int(v))),
        (0i64..100).prop_map(|v| FilterItem::GreaterOrEqual(
            Attr::CreationTime,
            Value::Int(T0 + v * 60_000)
        )),
        (0i64..100)
            .prop_map(|v| FilterItem::LessOrEqual(Attr::CreationTime, Value::Int(T0 + v * 60_000))),
        (0i64..100).prop_map(|v| FilterItem::GreaterOrEqual(Attr::SequenceNumber, Value::Int(v))),
        (0i64..100).prop_map(|v| FilterItem::LessOrEqual(Attr::SequenceNumber, Value::Int(v))),
        word.clone().prop_map(|w| FilterItem::Substrings {
            attr: Attr::Subject,
            initial: None,
            any: vec![w],
            last: None
        }),
        word.clone()
            .prop_map(|w| FilterItem::Approximate(Attr::Text, w)),
        word.prop_map(|w| FilterItem::Substrings {
            attr: Attr::Text,
            initial: None,
            any: vec![w],
            last: None
        }),
        name.prop_map(|n| FilterItem::Equality(Attr::OriginatorName, Value::Str(n))),
        proptest::sample::select(vec![
            Attr::Subject,
            Attr::OriginatorName,
            Attr::PrimaryPrecedence,
            Attr::AtsPriorityIndicator,
            Attr::Recipients,
            Attr::IpmEntryType,
        ])
        .prop_map(FilterItem::Present),
        (0i64..4).prop_map(|v| FilterItem::Equality(Attr::IpmEntryType, Value::Int(v))),
    ]
    .boxed()
}

fn filter_strategy(words: Vec<String>, names: Vec<String>) -> BoxedStrategy<Filter> {
    item_strategy(words, names)
        .prop_map(Filter::Item)
        .prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::And),
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::Or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
        .boxed()
}

fn selector_strategy(words: Vec<String>, names: Vec<String>) -> BoxedStrategy<Selector> {
    let range = prop_oneof![
        Just(None),
        (
            proptest::option::of(0u32..80),
            proptest::option::of(0u32..80)
        )
            .prop_map(|(from, to)| Some(Range::Seq { from, to })),
        (
            proptest::option::of(0i64..80),
            proptest::option::of(0i64..80)
        )
            .prop_map(|(f, t)| {
                Some(Range::CreationTime {
                    from: f.map(|v| T0 + v * 60_000),
                    to: t.map(|v| T0 + v * 60_000),
                })
            }),
    ];
    (
        any::<bool>(),
        range,
        proptest::option::of(filter_strategy(words, names)),
        proptest::option::of(0usize..30),
    )
        .prop_map(|(child_entries, range, filter, limit)| Selector {
            class: EntryClass::Inbox,
            child_entries,
            range,
            filter,
            limit,
            override_limit: false,
        })
        .boxed()
}

fn pools(store: &Store, id: &str) -> (Vec<String>, Vec<String>) {
    let mut words = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for (_, a) in store.all_attrs(id, EntryClass::Inbox).unwrap() {
        if let Some(s) = &a.subject {
            words.extend(s.split_whitespace().take(3).map(str::to_string));
        }
        names.extend(a.originator_name.clone());
    }
    words.insert("nosuchword".into());
    names.insert("C=XX;A=ICAO;P=NONE;O=NOBODY".into());
    (words.into_iter().collect(), names.into_iter().collect())
}

#[test]
fn every_plan_agrees_with_the_naive_evaluator() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(store.has_text_index());
    let used = std::cell::RefCell::new(BTreeMap::new());
    // Three phases: nothing committed to the text index, some committed and some newer, and
    // after deletions not yet committed.
    for phase in 0..3 {
        let id = match phase {
            0 => fill(&store, 40, 7),
            1 => {
                store.commit_text().unwrap();
                fill(&store, 20, 8)
            }
            _ => {
                store.commit_text().unwrap();
                let id = owner().id();
                store
                    .delete_entries(&id, EntryClass::Inbox, &[3, 17, 41])
                    .unwrap();
                id
            }
        };
        let (words, names) = pools(&store, &id);
        let data = naive_data(&store, &id, EntryClass::Inbox);
        // A fixed seed: the coverage asserted below (every plan chosen at least once) must not
        // depend on the luck of one run's 450 selectors; it failed once in CI-like runs.
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: 150,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        runner
            .run(&selector_strategy(words, names), |sel| {
                let r = store.select(&id, &sel).unwrap();
                let got: Vec<u32> = r.entries.iter().map(|e| e.0).collect();
                let want = naive(&data, &sel);
                let mut u = used.borrow_mut();
                if !want.is_empty() && want.len() < data.all.len() - 10 {
                    *u.entry("selective".to_string()).or_insert(0) += 1;
                }
                let kind = format!("{:?}", r.access);
                *u.entry(kind.split('(').next().unwrap().to_string())
                    .or_insert(0) += 1;
                prop_assert_eq!(got, want, "selector {:?}", sel);
                Ok(())
            })
            .unwrap();
    }
    let used = used.into_inner();
    // Not vacuous: many selections picked some entries but not all.
    assert!(
        used.get("selective").copied().unwrap_or(0) > 100,
        "{used:?}"
    );
    for k in ["Status", "Prio", "Length", "Time", "Seq", "Text", "Scan"] {
        assert!(used.contains_key(k), "{k} never planned: {used:?}");
    }
}

/// The in-memory model of one mailbox: seq → (status, children).
#[derive(Debug, Default, Clone)]
struct Model {
    entries: BTreeMap<u32, (RetrievalStatus, Vec<u32>)>,
}

impl Model {
    fn is_child(&self, s: u32) -> bool {
        self.entries.values().any(|(_, c)| c.contains(&s))
    }
    fn parents(&self) -> Vec<u32> {
        self.entries
            .keys()
            .copied()
            .filter(|s| !self.is_child(*s))
            .collect()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Deliver { child: bool },
    ListNew(Option<usize>),
    Fetch(usize),
    Delete(usize),
    Modify(usize, u8),
    Summarize,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<bool>().prop_map(|c| Op::Deliver { child: c }),
        2 => proptest::option::of(0usize..4).prop_map(Op::ListNew),
        2 => (0usize..50).prop_map(Op::Fetch),
        1 => (0usize..50).prop_map(Op::Delete),
        1 => ((0usize..50), (0u8..3)).prop_map(|(i, s)| Op::Modify(i, s)),
        1 => Just(Op::Summarize),
    ]
}

#[test]
fn random_operations_agree_with_a_model() {
    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op_strategy(), 1..30), |ops| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            let who = owner();
            let id = who.id();
            let mut model = Model::default();
            let mut b = MessageBuilder::new(3);
            let all = [AttributeSelection::all(Attr::RetrievalStatus)];
            for op in ops {
                match op {
                    Op::Deliver { child } => {
                        let m = b.build_any();
                        let children: Vec<u32> = if child {
                            model.parents().last().copied().into_iter().collect()
                        } else {
                            Vec::new()
                        };
                        let d = store
                            .add_entry(
                                &who,
                                NewEntry {
                                    children: &children,
                                    ..NewEntry::delivery(&m.delivery_ber, &m.content_ber)
                                },
                            )
                            .unwrap();
                        model
                            .entries
                            .insert(d.key.seq, (RetrievalStatus::New, children));
                    }
                    Op::ListNew(limit) => {
                        let sel = Selector {
                            limit,
                            ..Selector::all(EntryClass::Inbox).with_filter(Filter::Item(
                                FilterItem::Equality(Attr::RetrievalStatus, Value::Int(0)),
                            ))
                        };
                        let r = store.list(&id, &sel, &all, false).unwrap();
                        let mut want: Vec<u32> = model
                            .parents()
                            .into_iter()
                            .filter(|s| model.entries[s].0 == RetrievalStatus::New)
                            .collect();
                        let next = limit.and_then(|l| want.get(l).copied());
                        want.truncate(limit.unwrap_or(usize::MAX));
                        let got: Vec<u32> = r.entries.iter().map(|e| e.seq).collect();
                        prop_assert_eq!(&got, &want);
                        prop_assert_eq!(r.next, next);
                        for e in &r.entries {
                            prop_assert_eq!(
                                &e.attributes,
                                &vec![(Attr::RetrievalStatus, vec![Value::Int(0)])]
                            );
                        }
                        for s in want {
                            model.entries.get_mut(&s).unwrap().0 = RetrievalStatus::Listed;
                        }
                    }
                    Op::Fetch(i) => {
                        let keys: Vec<u32> = model.entries.keys().copied().collect();
                        if let Some(s) = keys.get(i % keys.len().max(1)).copied() {
                            let (info, f) = store.fetch(&id, EntryClass::Inbox, s, &all).unwrap();
                            prop_assert_eq!(f.seq, s);
                            prop_assert_eq!(info.seq, s);
                            model.entries.get_mut(&s).unwrap().0 = RetrievalStatus::Processed;
                        } else {
                            prop_assert!(store.fetch(&id, EntryClass::Inbox, 999, &all).is_err());
                        }
                    }
                    Op::Delete(i) => {
                        let ps = model.parents();
                        if let Some(s) = ps.get(i % ps.len().max(1)).copied() {
                            let done = store.delete_entries(&id, EntryClass::Inbox, &[s]).unwrap();
                            let mut want = vec![s];
                            want.extend(
                                model.entries[&s]
                                    .1
                                    .iter()
                                    .filter(|c| model.entries.contains_key(c)),
                            );
                            want.sort_unstable();
                            prop_assert_eq!(done, want.clone());
                            for w in want {
                                model.entries.remove(&w);
                            }
                        }
                    }
                    Op::Modify(i, st) => {
                        let keys: Vec<u32> = model.entries.keys().copied().collect();
                        if let Some(s) = keys.get(i % keys.len().max(1)).copied() {
                            let st = RetrievalStatus::from_code(st).unwrap();
                            store
                                .set_statuses(&id, EntryClass::Inbox, &[s], st, false)
                                .unwrap();
                            model.entries.get_mut(&s).unwrap().0 = st;
                        }
                    }
                    Op::Summarize => {
                        let sum = store
                            .summarize(
                                &id,
                                &Selector::all(EntryClass::Inbox),
                                &[Attr::RetrievalStatus],
                            )
                            .unwrap();
                        let ps = model.parents();
                        prop_assert_eq!(sum.count, ps.len() as u64);
                        prop_assert_eq!(sum.span, ps.first().copied().zip(ps.last().copied()));
                        let mut by = BTreeMap::new();
                        for s in &ps {
                            *by.entry(Value::Int(i64::from(model.entries[s].0.code())))
                                .or_insert(0u64) += 1;
                        }
                        prop_assert_eq!(
                            &sum.values,
                            &vec![(Attr::RetrievalStatus, by.into_iter().collect::<Vec<_>>())]
                        );
                        // The general path (a filter that keeps everything) agrees with the
                        // counters' fast path.
                        let slow = store
                            .summarize(
                                &id,
                                &Selector::all(EntryClass::Inbox).with_filter(Filter::Item(
                                    FilterItem::LessOrEqual(Attr::RetrievalStatus, Value::Int(2)),
                                )),
                                &[Attr::RetrievalStatus],
                            )
                            .unwrap();
                        prop_assert_eq!(slow, sum);
                    }
                }
                // The counters are exact after every operation (children included).
                let mut want = [0u64; 3];
                for (st, _) in model.entries.values() {
                    want[usize::from(st.code())] += 1;
                }
                prop_assert_eq!(store.counts(&id, EntryClass::Inbox).unwrap(), want);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn attribute_selection_from_count_and_value_count_exceeded() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = fill(&store, 20, 11);
    let all = store.all_attrs(&id, EntryClass::Inbox).unwrap();
    let (seq, a) = all
        .iter()
        .find(|(_, a)| a.recipients.len() >= 2)
        .expect("a message with two recipients");
    let sel = Selector {
        range: Some(Range::Seq {
            from: Some(*seq),
            to: Some(*seq),
        }),
        child_entries: true,
        ..Selector::all(EntryClass::Inbox)
    };
    let req = [
        AttributeSelection {
            attr: Attr::Recipients,
            from: 2,
            count: Some(1),
        },
        AttributeSelection::all(Attr::Subject),
    ];
    let r = store.list(&id, &sel, &req, true).unwrap();
    assert_eq!(r.entries.len(), 1);
    let e = &r.entries[0];
    assert_eq!(
        e.attributes[0],
        (Attr::Recipients, vec![Value::Str(a.recipients[1].clone())])
    );
    assert_eq!(
        e.value_count_exceeded,
        vec![(Attr::Recipients, a.recipients.len())]
    );
    // read_only: status unchanged.
    assert_eq!(
        store
            .attrs(&EntryKey {
                mailbox_id: id.clone(),
                class: EntryClass::Inbox,
                seq: *seq
            })
            .unwrap()
            .unwrap()
            .status,
        a.status
    );
}

#[test]
fn filter_text_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = fill(&store, 10, 5);
    let (words, names) = pools(&store, &id);
    let mut runner = TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&filter_strategy(words, names), |f| {
            let text = f.to_string();
            let back = filter_text::parse(&text).unwrap();
            prop_assert_eq!(back, f, "{}", text);
            Ok(())
        })
        .unwrap();
    // Special characters survive escaping.
    let f = Filter::Item(FilterItem::Equality(
        Attr::Subject,
        Value::Str("a*(b)\\c".into()),
    ));
    assert_eq!(filter_text::parse(&f.to_string()).unwrap(), f);
}

#[test]
fn status_plan_is_used_for_list_new() {
    let sel = Selector::all(EntryClass::Inbox)
        .with_filter(filter_text::parse("(&(retrieval-status=new)(subject=*a*))").unwrap());
    assert_eq!(plan::plan(&sel), Access::Status(0));
    let sel = Selector::all(EntryClass::Inbox)
        .with_filter(filter_text::parse("(&(content-length>=10)(content-length<=20))").unwrap());
    assert_eq!(plan::plan(&sel), Access::Length(10, 20));
    let sel = Selector::all(EntryClass::Inbox)
        .with_filter(filter_text::parse("(|(priority=urgent)(subject=x))").unwrap());
    assert_eq!(plan::plan(&sel), Access::Scan);
}

#[test]
fn originator_plan_and_exactness() {
    let p = |f: &str| {
        plan::plans_exact(
            &Selector::all(EntryClass::Inbox).with_filter(filter_text::parse(f).unwrap()),
        )
    };
    let (plans, exact) = p("(&(retrieval-status=new)(originator-name=C=FR;S=Bianchi))");
    assert_eq!(
        plans.first(),
        Some(&Access::Originator(0, "c=fr;s=bianchi".into()))
    );
    assert!(exact);
    // A second status item or a non-key item needs the per-entry check.
    assert!(!p("(&(retrieval-status=new)(retrieval-status=listed))").1);
    assert!(!p("(&(priority=urgent)(subject=*a*))").1);
    assert!(!p("(content-length<=-1)").1);
    assert!(p("(&(content-length>=10)(content-length<=20))").1);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &p);
        } else {
            std::fs::copy(e.path(), &p).unwrap();
        }
    }
}

#[test]
fn version_1_index_is_migrated_with_statuses_kept() {
    let fixture = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/v1/store"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(fixture, &data);
    let store = Store::open(&data).unwrap();
    let mut totals = [0u64; 3];
    for (id, _) in store.mailboxes() {
        let rows = store.entries(&id, EntryClass::Inbox).unwrap();
        let attrs = store.all_attrs(&id, EntryClass::Inbox).unwrap();
        assert_eq!(rows.len(), attrs.len());
        for ((s1, r), (s2, a)) in rows.iter().zip(&attrs) {
            assert_eq!(
                (s1, r.status, r.content_len as u64),
                (s2, a.status, a.content_length)
            );
        }
        let c = store.counts(&id, EntryClass::Inbox).unwrap();
        for i in 0..3 {
            totals[i] += c[i];
        }
    }
    // The fixture has 6 entries, 4 of them new (migrations/README.md).
    assert_eq!(totals[0], 4);
    assert_eq!(totals.iter().sum::<u64>(), 6);
    drop(store);
    // Reopened: no second migration needed, same answers.
    let store = Store::open(&data).unwrap();
    let n: u64 = store
        .mailboxes()
        .iter()
        .map(|(id, _)| store.counts(id, EntryClass::Inbox).unwrap()[0])
        .sum();
    assert_eq!(n, 4);
}

fn ctl(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn list_json(data: &str, addr: &str, filter: Option<&str>) -> Vec<serde_json::Value> {
    let mut args = vec!["list", "--data", data, "--mailbox", addr, "--json"];
    if let Some(f) = filter {
        args.extend(["--filter", f]);
    }
    let (code, out, err) = ctl(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn mstorectl_list_tidy_resync() {
    use mstore::store::preload::{PreloadOptions, generate_recipients, preload};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let addr = generate_recipients(1, 9).remove(0);
    {
        let store = Store::open(&data).unwrap();
        let opts = PreloadOptions {
            recipients: vec![addr.clone()],
            messages: 150,
            seed: 9,
            size: 300,
            new_fraction: 0.2,
            threads: 2,
            generator: mstore::store::preload::Generator::Builder,
        };
        preload(&store, &opts, &|_| {}, &|_| {}).unwrap();
    }
    let d = data.to_str().unwrap();
    let st = mstore::store::offline::stats(&mstore::store::RealFs, &data).unwrap();
    let all = list_json(d, &addr, None);
    assert_eq!(all.len(), 150);
    let new = list_json(d, &addr, Some("(retrieval-status=new)"));
    assert_eq!(new.len() as u64, st.totals.all.new);
    assert!(new.iter().all(|e| e["retrieval-status"] == "new"));
    // Filters return exactly what a scan of the full list says.
    let scan = |p: &dyn Fn(&serde_json::Value) -> bool| -> Vec<serde_json::Value> {
        all.iter().filter(|e| p(e)).cloned().collect()
    };
    // The preloaded envelopes are split from their content as P3 hands them over: the
    // attributes still come through.
    assert!(all.iter().filter(|e| e["priority"] == "urgent").count() > 5);
    assert!(all.iter().all(|e| e.get("message-identifier").is_some()));
    assert_eq!(
        list_json(d, &addr, Some("(priority=urgent)")),
        scan(&|e| e["priority"] == "urgent")
    );
    assert_eq!(
        list_json(d, &addr, Some("(content-length>=400)")),
        scan(&|e| e["content-length"].as_i64().unwrap() >= 400)
    );
    let word = all
        .iter()
        .filter_map(|e| e["subject"].as_str())
        .flat_map(str::split_whitespace)
        .find(|w| w.len() > 2 && w.chars().all(char::is_alphanumeric))
        .unwrap()
        .to_string();
    let lw = word.to_lowercase();
    assert_eq!(
        list_json(d, &addr, Some(&format!("(subject=*{word}*)"))),
        scan(&|e| e["subject"]
            .as_str()
            .is_some_and(|s| s.to_lowercase().contains(&lw)))
    );
    // Malformed filter: exit 2 with position and cause.
    let (code, _, err) = ctl(&[
        "list",
        "--data",
        d,
        "--mailbox",
        &addr,
        "--filter",
        "(priority=urgnt)",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("at character 10") && err.contains("urgnt"),
        "{err}"
    );
    // tidy --dry-run deletes nothing.
    let (code, out, _) = ctl(&["tidy", "--data", d, "--age", "0", "--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("would delete"))
            .count(),
        150
    );
    assert_eq!(list_json(d, &addr, None).len(), 150);
    // tidy of the new ones deletes exactly those.
    let (code, _, _) = ctl(&["tidy", "--data", d, "--age", "0", "--state", "new"]);
    assert_eq!(code, 0);
    assert!(list_json(d, &addr, Some("(retrieval-status=new)")).is_empty());
    assert_eq!(
        list_json(d, &addr, None).len() as u64,
        150 - st.totals.all.new
    );
    // resync: a removed file's row goes, the rest keep their status.
    let id = owner_id(&addr);
    let first = all.iter().find(|e| e["retrieval-status"] != "new").unwrap()["sequence-number"]
        .as_u64()
        .unwrap();
    std::fs::remove_file(data.join(format!("mailboxes/{id}/inbox/{first}.msg"))).unwrap();
    let (code, out, err) = ctl(&["resync", "--data", d, "--json"]);
    assert_eq!(code, 0, "{err}");
    let rep: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (rep["dropped"].as_u64(), rep["added"].as_u64()),
        (Some(1), Some(0))
    );
    let after = list_json(d, &addr, None);
    assert_eq!(after.len() as u64, 149 - st.totals.all.new);
    assert!(after.iter().all(|e| e["retrieval-status"] != "new"));
}

fn owner_id(addr: &str) -> String {
    let a: mstore::address::ORAddress = addr.parse().unwrap();
    MailboxName::from(&a).id()
}
