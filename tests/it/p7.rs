//! P7 service end to end (issue 8): mstored's service and the `p7` client over loopback TCP,
//! with the store preloaded through the storage API — every operation and every X.413 error on
//! both application contexts, one user never reaching another's entries, and tshark
//! dissecting what `p7` and the service exchange.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use mstore::address::ORAddress;
use mstore::asn1::oids;
use mstore::asn1::x413::{self as x, P7Error};
use mstore::assoc::Operation;
use mstore::config::Config;
use mstore::directory::{EmbeddedDirectory, NewUser};
use mstore::p7::client::{ClientError, ClientOptions, P7Client};
use mstore::p7::ops::bind::BindContext;
use mstore::p7::service::{self, Running, Service};
use mstore::p7::{Edition, attrs};
use mstore::store::query::{Attr, Value};
use mstore::store::{MailboxName, Store};
use rasn::types::ObjectIdentifier;
use tokio::net::TcpListener;

use crate::common::config::STORE_SECTIONS;
use crate::common::procs::{
    Daemon, assert_success, free_addr, free_port, json_output, mstored, p7_command, start_mstored,
    wait_listening,
};
use crate::common::proxy::{Log, relay};

const ALICE: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX";
const BOB: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZY";
const STORE_PW: &str = "store-secret";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples")
}

fn example(name: &str) -> (Vec<u8>, Vec<u8>) {
    let d = examples();
    (
        std::fs::read(d.join(format!("{name}.delivery.ber"))).unwrap(),
        std::fs::read(d.join(format!("{name}.content.ber"))).unwrap(),
    )
}

fn addr(s: &str) -> ORAddress {
    ORAddress::from_str(s).unwrap()
}

/// Writes a configuration (embedded directory with Alice "pw-a" and Bob "pw-b") into `dir`.
fn write_config(dir: &Path, listen: &str, extra_limits: &str) -> PathBuf {
    std::fs::write(dir.join("store-password"), STORE_PW).unwrap();
    let text = format!(
        r#"data-dir = "data"
[[listeners]]
address = "{listen}"
t-selector = "3001"
protocols = ["p7"]
[limits]
max-filter-items = 4
{extra_limits}
{STORE_SECTIONS}"#
    );
    let path = dir.join("mstore.toml");
    std::fs::write(&path, text).unwrap();
    let d = EmbeddedDirectory::open_or_create(dir.join("directory.toml")).unwrap();
    d.add_users(&[NewUser::new(addr(ALICE))], b"pw-a").unwrap();
    let mut bob = NewUser::new(addr(BOB));
    bob.dn = Some("cn=Bob,o=Example".into());
    d.add_users(&[bob], b"pw-b").unwrap();
    path
}

/// Alice gets ipm, amhs-basic, p772 (sequence numbers 1, 2, 3); Bob gets ipm (1).
fn preload(store: &Store) -> Vec<Vec<u8>> {
    let mut contents = Vec::new();
    for name in ["ipm", "amhs-basic", "p772"] {
        let (env, content) = example(name);
        store
            .deliver(&MailboxName::from(&addr(ALICE)), &env, &content)
            .unwrap();
        contents.push(content);
    }
    let (env, content) = example("ipm");
    store
        .deliver(&MailboxName::from(&addr(BOB)), &env, &content)
        .unwrap();
    contents
}

struct Fixture {
    _dir: tempfile::TempDir,
    addr: SocketAddr,
    running: Running,
    contents: Vec<Vec<u8>>,
}

async fn start() -> Fixture {
    start_with_limits("max-associations-per-user = 2").await
}

fn opts(addr: SocketAddr, user: &str, pw: &[u8], edition: Edition) -> ClientOptions {
    let mut o = ClientOptions::new(addr.to_string(), self::addr(user), pw);
    o.edition = edition;
    o
}

async fn alice(f: &Fixture, e: Edition) -> P7Client {
    P7Client::connect(&opts(f.addr, ALICE, b"pw-a", e))
        .await
        .unwrap()
}

fn op_error(r: Result<impl std::fmt::Debug, ClientError>) -> P7Error {
    match r {
        Err(ClientError::Operation(e)) => e,
        other => panic!("expected an X.413 error, got {other:?}"),
    }
}

fn status_new() -> x::Filter {
    x::Filter::equality(
        ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS),
        x::value::integer(0),
    )
}

fn attr_value(e: &x::EntryInformation, a: Attr) -> Option<Value> {
    let at = e.attribute(attrs::oid_of(a).unwrap())?;
    attrs::decode_value(a, at.first()?)
}

#[tokio::test]
async fn bind_answers_credentials_configuration_and_refuses_wrong_passwords() {
    let f = start().await;
    for e in [Edition::V88, Edition::V94] {
        let c = alice(&f, e).await;
        let r = &c.bind_result;
        assert_eq!(
            r.responder_credentials,
            mstore::asn1::x411::Credentials::Simple(mstore::asn1::x411::Password::OctetString(
                STORE_PW.as_bytes().to_vec().into()
            ))
        );
        let types = r.available_attribute_types.as_ref().unwrap();
        assert!(types.iter().any(|t| **t == *oids::ID_ATT_SEQUENCE_NUMBER));
        assert!(types.iter().any(|t| **t == *oids::ID_ATT_CONTENT));
        assert!(r.content_types_supported.is_some());
        assert_eq!(r.entry_classes_supported.is_some(), e == Edition::V94);
        c.release().await.unwrap();

        let wrong = P7Client::connect(&opts(f.addr, ALICE, b"nope", e)).await;
        assert!(
            matches!(wrong, Err(ClientError::Authentication)),
            "{wrong:?}"
        );
        assert!(wrong.unwrap_err().to_string().contains("authentication"));
        let unknown = P7Client::connect(&opts(
            f.addr,
            "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=NOBODYXX",
            b"pw-a",
            e,
        ))
        .await;
        assert!(matches!(unknown, Err(ClientError::Authentication)));
    }
    f.running.shutdown().await;
}

#[tokio::test]
async fn summarize_list_fetch_delete_on_both_contexts() {
    for e in [Edition::V88, Edition::V94] {
        let f = start().await;
        let c = alice(&f, e).await;
        // Summarize: everything, and the new ones, with per-value counts of priority.
        let mut all = x::SummarizeArgument::new(x::Selector::default());
        all.summary_requests = Some(vec![ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS)]);
        let s = c.summarize(&all).await.unwrap();
        assert_eq!(s.count, 3);
        assert_eq!(
            s.span,
            Some(x::Span {
                lowest: 1,
                highest: 3
            })
        );
        let sums = s.summaries.unwrap();
        let present = sums[0].present.as_ref().unwrap();
        assert_eq!(present.len(), 1);
        assert_eq!(present.iter().next().unwrap().count, 3);

        // List the new ones: three, with the default attributes; then none.
        let list_new = x::ListArgument::new(x::Selector::default().with_filter(status_new()));
        let r = c.list(&list_new).await.unwrap();
        let entries = r.requested.unwrap();
        assert_eq!(
            entries
                .iter()
                .map(|e| e.sequence_number)
                .collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert!(attr_value(&entries[0], Attr::Subject).is_some());
        assert!(attr_value(&entries[0], Attr::MessageDeliveryIdentifier).is_some());
        assert!(attr_value(&entries[0], Attr::OriginatorName).is_some());
        assert_eq!(
            attr_value(&entries[0], Attr::RetrievalStatus),
            Some(Value::Int(0))
        );
        assert!(c.list(&list_new).await.unwrap().requested.is_none());
        let new_now = c
            .summarize(&x::SummarizeArgument::new(
                x::Selector::default().with_filter(status_new()),
            ))
            .await
            .unwrap();
        assert_eq!(new_now.count, 0);

        // List with a limit reports where to go on.
        let r = c
            .list(&x::ListArgument::new(x::Selector::default().with_limit(2)))
            .await
            .unwrap();
        assert_eq!(r.requested.unwrap().len(), 2);
        assert_eq!(r.next, Some(3));

        // Requested attributes: only those asked for.
        let mut a = x::ListArgument::new(x::Selector::sequence_numbers(Some(2), Some(2)));
        a.requested_attributes = Some(
            vec![x::AttributeSelection::all(ObjectIdentifier::from(
                oids::ID_ATT_CONTENT_LENGTH,
            ))]
            .into(),
        );
        let r = c.list(&a).await.unwrap().requested.unwrap();
        assert_eq!(r[0].attributes.as_ref().unwrap().len(), 1);
        assert_eq!(
            attr_value(&r[0], Attr::ContentLength),
            Some(Value::Int(f.contents[1].len() as i64))
        );

        // Fetch precise: the content as delivered; the entry becomes processed.
        let r = c.fetch(&x::FetchArgument::precise(2)).await.unwrap();
        let info = r.entry_information.unwrap();
        let content = info
            .attribute(oids::ID_ATT_CONTENT)
            .unwrap()
            .first()
            .unwrap();
        let octets: rasn::types::OctetString = rasn::ber::decode(content.as_bytes()).unwrap();
        assert_eq!(octets.to_vec(), f.contents[1]);
        let processed = c
            .summarize(&x::SummarizeArgument::new(
                x::Selector::default().with_filter(x::Filter::equality(
                    ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS),
                    x::value::integer(2),
                )),
            ))
            .await
            .unwrap();
        assert_eq!(processed.count, 1);
        assert_eq!(processed.span.unwrap().lowest, 2);

        // Fetch by selector: the first selected, with the others listed.
        let r = c
            .fetch(&x::FetchArgument {
                entry_class: None,
                item: x::FetchItem::Search(x::Selector::sequence_numbers(Some(2), None)),
                requested_attributes: None,
                fetch_extensions: None,
            })
            .await
            .unwrap();
        assert_eq!(r.entry_information.unwrap().sequence_number, 2);
        assert_eq!(r.list, Some(vec![2, 3]));

        // Delete by number: NULL on 1988, entries-deleted on 1994.
        let r = c
            .delete(&x::DeleteArgument::sequence_numbers([1]))
            .await
            .unwrap();
        match e {
            Edition::V88 => assert_eq!(r, x::DeleteResult::DeleteResult88(())),
            Edition::V94 => assert_eq!(
                r,
                x::DeleteResult::DeleteResult94(x::DeleteResult94 {
                    entries_deleted: Some(vec![1]),
                    delete_result_extensions: None
                })
            ),
        }
        // Delete by selector.
        let r = c
            .delete(&x::DeleteArgument {
                entry_class: None,
                items: x::DeleteItems::Selector(x::Selector::sequence_numbers(Some(3), Some(3))),
                delete_extensions: None,
            })
            .await
            .unwrap();
        if let x::DeleteResult::DeleteResult94(d) = r {
            assert_eq!(d.entries_deleted, Some(vec![3]));
        }
        let s = c
            .summarize(&x::SummarizeArgument::new(x::Selector::default()))
            .await
            .unwrap();
        assert_eq!((s.count, s.span.map(|s| s.lowest)), (1, Some(2)));
        c.release().await.unwrap();
        f.running.shutdown().await;
    }
}

#[tokio::test]
async fn every_error_on_both_contexts() {
    let f = start().await;
    for e in [Edition::V88, Edition::V94] {
        let c = alice(&f, e).await;
        // sequence-number-error: fetch and delete of an entry that does not exist.
        let err = op_error(c.fetch(&x::FetchArgument::precise(99)).await);
        assert_eq!(
            err,
            P7Error::SequenceNumber(x::SequenceNumberErrorParameter::no_such_entry([99]))
        );
        let err = op_error(
            c.delete(&x::DeleteArgument::sequence_numbers([2, 98]))
                .await,
        );
        assert_eq!(
            err,
            P7Error::SequenceNumber(x::SequenceNumberErrorParameter::no_such_entry([98]))
        );
        // …and nothing was deleted.
        assert_eq!(
            c.summarize(&x::SummarizeArgument::new(x::Selector::default()))
                .await
                .unwrap()
                .count,
            3
        );

        // range-error on 1988, invalid-parameters on 1994 (which has no range-error).
        let reversed = x::ListArgument::new(x::Selector::sequence_numbers(Some(3), Some(1)));
        let err = op_error(c.list(&reversed).await);
        match e {
            Edition::V88 => assert_eq!(
                err,
                P7Error::Range(x::RangeErrorParameter {
                    problem: x::RangeProblem::REVERSED
                })
            ),
            Edition::V94 => assert_eq!(err, P7Error::InvalidParameters),
        }

        // attribute-error: unknown attribute type in a filter and in summary-requests.
        let unknown = ObjectIdentifier::new(vec![1, 2, 3, 4]).unwrap();
        let err = op_error(
            c.list(&x::ListArgument::new(
                x::Selector::default().with_filter(x::Filter::present(unknown.clone())),
            ))
            .await,
        );
        assert!(matches!(&err, P7Error::Attribute(p)
            if p.problems.iter().next().unwrap().problem == x::AttributeProblem::UNAVAILABLE_ATTRIBUTE_TYPE));
        let mut s = x::SummarizeArgument::new(x::Selector::default());
        s.summary_requests = Some(vec![unknown]);
        assert!(matches!(
            op_error(c.summarize(&s).await),
            P7Error::Attribute(_)
        ));

        // invalid-parameters: a limit of zero; an empty sequence-number set.
        let err = op_error(
            c.list(&x::ListArgument::new(x::Selector::default().with_limit(0)))
                .await,
        );
        assert_eq!(err, P7Error::InvalidParameters);
        let err = op_error(
            c.delete(&x::DeleteArgument::sequence_numbers(std::iter::empty()))
                .await,
        );
        assert_eq!(err, P7Error::InvalidParameters);

        // service-error: a filter larger than the configured max-filter-items (4).
        let big = x::Filter::And((0..5).map(|_| status_new()).collect());
        let err = op_error(
            c.list(&x::ListArgument::new(
                x::Selector::default().with_filter(big),
            ))
            .await,
        );
        assert!(
            matches!(err, P7Error::Service(p) if p.problem == x::ServiceProblem::UNWILLING_TO_PERFORM)
        );

        // Entry classes: submission exists only in 1994; an unknown class is entry-class-error
        // there and invalid-parameters in 1988.
        let mut a = x::SummarizeArgument::new(x::Selector::default());
        a.entry_class = Some(x::EntryClass::SUBMISSION);
        match e {
            Edition::V88 => assert_eq!(op_error(c.summarize(&a).await), P7Error::InvalidParameters),
            Edition::V94 => assert_eq!(c.summarize(&a).await.unwrap().count, 0),
        }
        a.entry_class = Some(x::EntryClass::DRAFT);
        match e {
            Edition::V88 => assert_eq!(op_error(c.summarize(&a).await), P7Error::InvalidParameters),
            Edition::V94 => assert!(matches!(
                op_error(c.summarize(&a).await),
                P7Error::EntryClass(_)
            )),
        }

        // A mistyped argument is rejected, and the association goes on.
        let r = c
            .invoke_raw(Operation::List, Bytes::from_static(&[0x02, 0x01, 0x05]))
            .await;
        assert!(matches!(r, Err(ClientError::Rejected(_))), "{r:?}");
        assert_eq!(
            c.summarize(&x::SummarizeArgument::new(x::Selector::default()))
                .await
                .unwrap()
                .count,
            3
        );
        c.release().await.unwrap();

        // fetch-restriction-error: content longer than the bind allows, unless overridden.
        let mut o = opts(f.addr, ALICE, b"pw-a", e);
        o.fetch_restrictions = Some(x::Restrictions {
            allowed_content_types: None,
            allowed_eits: None,
            maximum_attribute_length: Some(10),
        });
        let c = P7Client::connect(&o).await.unwrap();
        let err = op_error(c.fetch(&x::FetchArgument::precise(1)).await);
        assert!(matches!(err, P7Error::FetchRestriction(_)), "{err:?}");
        let mut over = x::Selector::sequence_numbers(Some(1), Some(1));
        let mut bits = rasn::types::BitString::repeat(false, 3);
        bits.set(2, true);
        over.r#override = Some(bits);
        let r = c
            .fetch(&x::FetchArgument {
                entry_class: None,
                item: x::FetchItem::Search(over),
                requested_attributes: None,
                fetch_extensions: None,
            })
            .await
            .unwrap();
        assert_eq!(r.entry_information.unwrap().sequence_number, 1);
        c.release().await.unwrap();
    }
    f.running.shutdown().await;
}

/// X.501 Name BER of `o=<o>, cn=<cn>` (RDNSequence, most significant first).
fn x501_name(o: &str, cn: &str) -> Vec<u8> {
    let atv = |arcs: &[u8], v: &str| {
        let mut b = attrs::tlv(0x06, arcs);
        b.extend(attrs::tlv(0x13, v.as_bytes()));
        attrs::tlv(0x31, &attrs::tlv(0x30, &b))
    };
    let mut rdns = atv(&[0x55, 0x04, 0x0a], o);
    rdns.extend(atv(&[0x55, 0x04, 0x03], cn));
    attrs::tlv(0x30, &rdns)
}

#[tokio::test]
async fn bind_by_directory_name() {
    let f = start().await;
    // The DN alone names Bob.
    let mut o = opts(f.addr, BOB, b"pw-b", Edition::V88);
    o.user = ORAddress::default();
    o.directory_name = Some(x501_name("Example", "Bob"));
    let c = P7Client::connect(&o).await.unwrap();
    let s = c
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(s.count, 1);
    c.release().await.unwrap();
    // Address and DN together must name the same entry.
    let mut o = opts(f.addr, BOB, b"pw-b", Edition::V94);
    o.directory_name = Some(x501_name("Example", "Robert"));
    let r = P7Client::connect(&o).await;
    assert!(matches!(r, Err(ClientError::Authentication)), "{r:?}");
    f.running.shutdown().await;
}

#[tokio::test]
async fn associations_per_user_are_bounded() {
    let f = start().await;
    let a = alice(&f, Edition::V88).await;
    let b = alice(&f, Edition::V94).await;
    let third = P7Client::connect(&opts(f.addr, ALICE, b"pw-a", Edition::V88)).await;
    assert!(
        matches!(third, Err(ClientError::BindRefused(_))),
        "{third:?}"
    );
    // Another user is not affected, and a released slot is free again.
    let bob = P7Client::connect(&opts(f.addr, BOB, b"pw-b", Edition::V88))
        .await
        .unwrap();
    bob.release().await.unwrap();
    a.release().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let again = alice(&f, Edition::V88).await;
    again.release().await.unwrap();
    b.release().await.unwrap();
    f.running.shutdown().await;
}

#[tokio::test]
async fn one_user_never_reaches_another_users_entries() {
    let f = start().await;
    let bob = P7Client::connect(&opts(f.addr, BOB, b"pw-b", Edition::V94))
        .await
        .unwrap();
    // Bob sees his one entry only, whatever he selects.
    let s = bob
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(
        (s.count, s.span),
        (
            1,
            Some(x::Span {
                lowest: 1,
                highest: 1
            })
        )
    );
    let r = bob
        .list(&x::ListArgument::new(x::Selector::sequence_numbers(
            None, None,
        )))
        .await
        .unwrap();
    assert_eq!(r.requested.unwrap().len(), 1);
    // Alice's entries 2 and 3 do not exist for him.
    let err = op_error(bob.fetch(&x::FetchArgument::precise(3)).await);
    assert!(matches!(err, P7Error::SequenceNumber(_)));
    let err = op_error(
        bob.delete(&x::DeleteArgument::sequence_numbers([2, 3]))
            .await,
    );
    assert!(matches!(err, P7Error::SequenceNumber(_)));
    // Deleting "everything" by selector deletes only his own.
    let r = bob
        .delete(&x::DeleteArgument {
            entry_class: None,
            items: x::DeleteItems::Selector(x::Selector::default()),
            delete_extensions: None,
        })
        .await
        .unwrap();
    assert_eq!(
        r,
        x::DeleteResult::DeleteResult94(x::DeleteResult94 {
            entries_deleted: Some(vec![1]),
            delete_result_extensions: None
        })
    );
    bob.release().await.unwrap();
    let alice = alice(&f, Edition::V88).await;
    let s = alice
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(s.count, 3);
    // Untouched: still new.
    let r = alice
        .summarize(&x::SummarizeArgument::new(
            x::Selector::default().with_filter(status_new()),
        ))
        .await
        .unwrap();
    assert_eq!(r.count, 3);
    alice.release().await.unwrap();
    f.running.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// The binaries: mstored and p7, and tshark reading what they exchange.

/// A TCP relay recording each connection's two directions, in order: (to_server, bytes).
async fn recording_proxy(target: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<Log>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let logs: Arc<Mutex<Vec<Log>>> = Arc::new(Mutex::new(Vec::new()));
    let logs2 = logs.clone();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                break;
            };
            let log: Log = Arc::new(Mutex::new(Vec::new()));
            logs2.lock().unwrap().push(log.clone());
            tokio::spawn(relay(client, target, log));
        }
    });
    (addr, logs)
}

fn tshark_available() -> bool {
    let ok = std::process::Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: tshark not installed");
    }
    ok
}

/// tshark's verbose dissection of one recorded connection; fails on Malformed or expert
/// errors.
const TSHARK_BAD: [&str; 5] = [
    "Malformed",
    "[Expert Info (Error",
    "Expert Info (Warning",
    "Dissector bug",
    "BER Error",
];

fn tshark_dissect(exchange: &[(bool, Vec<u8>)]) -> String {
    let text = tshark_text(exchange);
    for bad in TSHARK_BAD {
        assert!(!text.contains(bad), "tshark found {bad}:\n{text}");
    }
    text
}

/// tshark's verbose dissection, unchecked.
fn tshark_text(exchange: &[(bool, Vec<u8>)]) -> String {
    let pairs: Vec<(bool, &[u8])> = exchange.iter().map(|(d, b)| (*d, b.as_slice())).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p7.pcap");
    std::fs::write(&path, mstore::ctl::trace::write_pcap(&pairs, 3001)).unwrap();
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args(["-d", "tcp.port==3001,tpkt", "-V"])
        .output()
        .unwrap();
    assert_success(&out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn tshark_decodes_a_full_ms_access_88_session() {
    if !tshark_available() {
        return;
    }
    let f = start().await;
    let (proxy, logs) = recording_proxy(f.addr).await;
    // 128-octet TPDUs (class 0's smallest): every PDU travels segmented, as some UAs send it.
    let mut o = opts(proxy, ALICE, b"pw-a", Edition::V88);
    o.settings.osi.tpdu_size_code = 7;
    let c = P7Client::connect(&o).await.unwrap();
    c.summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    c.list(&x::ListArgument::new(
        x::Selector::default().with_filter(status_new()),
    ))
    .await
    .unwrap();
    c.fetch(&x::FetchArgument::precise(1)).await.unwrap();
    c.delete(&x::DeleteArgument::sequence_numbers([1]))
        .await
        .unwrap();
    let _ = op_error(c.fetch(&x::FetchArgument::precise(1)).await);
    c.release().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = logs.lock().unwrap()[0].lock().unwrap().clone();
    let text = tshark_dissect(&log);
    if std::env::var_os("MSTORE_SHOW_TSHARK").is_some() {
        eprintln!("{text}");
    }
    // Values as tshark reads them match what the store holds.
    for (i, content) in f.contents.iter().enumerate() {
        assert!(
            text.contains(&format!("ContentLength: {}", content.len())),
            "entry {i}"
        );
    }
    assert!(text.contains("RetrievalStatus: new (0)"));
    assert!(text.contains("sequence-number: 3"));
    for needle in [
        "MSBindArgument",
        "MSBindResult",
        "SummarizeArgument",
        "SummarizeResult",
        "ListArgument",
        "ListResult",
        "FetchArgument",
        "FetchResult",
        "DeleteArgument",
        "delete-result-88",
        "EGLLZPZX",
        "sequence-number-error",
        "FINISH (FN)",
        "DISCONNECT (DN)",
        "TPDU size: 128",
        "Reassembled COTP length",
    ] {
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "tshark output lacks {needle}:\n{text}"
        );
    }
    f.running.shutdown().await;
}

fn p7_cmd(server: SocketAddr, pwfile: &Path, args: &[&str]) -> std::process::Output {
    p7_command(server, ALICE, pwfile, args).output().unwrap()
}

#[tokio::test]
async fn mstored_and_p7_binaries_end_to_end_with_tshark() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    // A List returns at most two entries: `p7 list` must page through with `next`.
    let config = write_config(dir.path(), &listen.to_string(), "max-list-entries = 2");
    {
        let store = Store::open(dir.path().join("data")).unwrap();
        preload(&store);
        store.close().unwrap();
    }
    let daemon = start_mstored(&config, listen, std::process::Stdio::null()).await;
    // A second mstored on the same data directory is refused.
    let second = mstored(&config)
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("in use"));

    let (proxy, logs) = recording_proxy(listen).await;
    let pw = dir.path().join("alice-pw");
    std::fs::write(&pw, "pw-a\n").unwrap();
    let run = |args: &'static [&'static str]| {
        let pw = pw.clone();
        async move {
            tokio::task::spawn_blocking(move || p7_cmd(proxy, &pw, args))
                .await
                .unwrap()
        }
    };
    let out = run(&["--json", "summarize"]).await;
    let v = json_output(&out);
    assert_eq!((v["count"].as_u64(), v["new"].as_u64()), (Some(3), Some(3)));

    let out = run(&["--json", "list", "--new"]).await;
    let v = json_output(&out);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["sequence-number"].as_u64(), Some(1));
    let out = run(&["--json", "list", "--new"]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 0);

    let content_file = dir.path().join("fetched.ber");
    let cf = content_file.to_str().unwrap().to_string();
    let cf: &'static str = Box::leak(cf.into_boxed_str());
    let args: &'static [&'static str] =
        Box::leak(vec!["fetch", "1", "--out", cf].into_boxed_slice());
    let out = run(args).await;
    assert_success(&out);
    assert_eq!(std::fs::read(&content_file).unwrap(), example("ipm").1);

    let out = run(&["delete", "1"]).await;
    assert_success(&out);
    let out = run(&["fetch", "1"]).await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["list"]).await;
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("SEQ"), "{table}");
    assert_eq!(table.lines().count(), 3, "{table}");

    // A wrong password: non-zero, one line mentioning authentication.
    let bad = dir.path().join("bad-pw");
    std::fs::write(&bad, "wrong").unwrap();
    let out = tokio::task::spawn_blocking(move || p7_cmd(listen, &bad, &["summarize"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("authentication") && err.lines().count() == 1,
        "{err}"
    );

    // tshark dissects every recorded session cleanly.
    if tshark_available() {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let logs: Vec<Vec<(bool, Vec<u8>)>> = logs
            .lock()
            .unwrap()
            .iter()
            .map(|l| l.lock().unwrap().clone())
            .collect();
        assert!(logs.len() >= 6);
        let all: String = logs.iter().map(|l| tshark_dissect(l)).collect();
        for needle in [
            "SummarizeResult",
            "ListResult",
            "FetchResult",
            "delete-result-88",
            "FINISH (FN)",
        ] {
            assert!(
                all.to_lowercase().contains(&needle.to_lowercase()),
                "no {needle}"
            );
        }
    }

    // SIGTERM: a graceful stop, audit records written.
    let pid = daemon.0.id();
    let _ = std::process::Command::new("kill")
        .arg(pid.to_string())
        .status();
    let mut daemon = daemon;
    let status = daemon.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let audit = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
    for needle in [
        "op=BIND bindtype=\"by UA\"",
        "op=SUMMARIZE",
        "op=LIST",
        "op=FETCH",
        "p7-seqnum=1",
        "op=DELETE",
        "op=UNBIND",
    ] {
        assert!(audit.contains(needle), "audit lacks {needle}:\n{audit}");
    }
}

#[tokio::test]
async fn mstored_increment_raises_the_first_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let listen: SocketAddr = free_addr();
    let config = write_config(dir.path(), &listen.to_string(), "");
    let mut daemon = Daemon(
        mstored(&config)
            .args(["--increment", "100"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_listening(listen).await;
    let _ = std::process::Command::new("kill")
        .arg(daemon.0.id().to_string())
        .status();
    assert!(daemon.0.wait().unwrap().success());
    let store = Store::open(dir.path().join("data")).unwrap();
    let (env, content) = example("ipm");
    let d = store
        .deliver(&MailboxName::from(&addr(ALICE)), &env, &content)
        .unwrap();
    assert_eq!(d.key.seq, 101);
    store.close().unwrap();
}

fn status_mod(status: i64) -> x::EntryModification {
    x::EntryModification {
        strict: None,
        modification: x::Modification::AddAttribute(x::Attribute::single(
            ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS),
            x::value::integer(status),
        )),
    }
}

fn modify_arg(seqs: Vec<u32>, mods: Vec<x::EntryModification>) -> x::ModifyArgument {
    x::ModifyArgument {
        entry_class: None,
        entries: x::ModifyEntries::SpecificEntries(seqs),
        modifications: mods,
        modify_extensions: None,
    }
}

async fn count_new(c: &P7Client) -> u32 {
    c.summarize(&x::SummarizeArgument::new(
        x::Selector::default().with_filter(status_new()),
    ))
    .await
    .unwrap()
    .count
}

#[tokio::test]
async fn modify_changes_retrieval_status_and_refuses_other_changes() {
    let f = start().await;
    let c = alice(&f, Edition::V94).await;
    assert_eq!(count_new(&c).await, 3);
    // processed on 1 and 3, by sequence number.
    let r = c
        .modify(&modify_arg(vec![1, 3], vec![status_mod(2)]))
        .await
        .unwrap();
    assert_eq!(r.entries_modified, Some(vec![1, 3]));
    assert_eq!(count_new(&c).await, 1);
    let mut a = x::ListArgument::new(x::Selector::sequence_numbers(Some(3), Some(3)));
    a.requested_attributes = Some(
        vec![x::AttributeSelection::all(ObjectIdentifier::from(
            oids::ID_ATT_RETRIEVAL_STATUS,
        ))]
        .into(),
    );
    let l = c.list(&a).await.unwrap().requested.unwrap();
    assert_eq!(
        attr_value(&l[0], Attr::RetrievalStatus),
        Some(Value::Int(2))
    );
    // Back to new, by selector.
    let by_sel = x::ModifyArgument {
        entries: x::ModifyEntries::Selector(x::Selector::sequence_numbers(Some(1), Some(3))),
        ..modify_arg(vec![], vec![status_mod(0)])
    };
    let r = c.modify(&by_sel).await.unwrap();
    assert_eq!(r.entries_modified, Some(vec![1, 2, 3]));
    assert_eq!(count_new(&c).await, 3);

    // A missing entry: sequence-number-error, and nothing changes.
    let err = op_error(
        c.modify(&modify_arg(vec![1, 99], vec![status_mod(2)]))
            .await,
    );
    assert_eq!(
        err,
        P7Error::SequenceNumber(x::SequenceNumberErrorParameter::no_such_entry([99]))
    );
    assert_eq!(count_new(&c).await, 3);
    // A status that does not exist: attribute-error invalid-attribute-value.
    let err = op_error(c.modify(&modify_arg(vec![1], vec![status_mod(7)])).await);
    assert!(
        matches!(&err, P7Error::Attribute(p) if p.problems.iter().next().unwrap().problem == x::AttributeProblem::INVALID_ATTRIBUTE_VALUE),
        "{err:?}"
    );
    // Another attribute: attribute-error inappropriate-modification.
    let subj = x::EntryModification {
        strict: None,
        modification: x::Modification::RemoveAttribute(ObjectIdentifier::from(
            oids::ID_ATT_PRIORITY,
        )),
    };
    let err = op_error(c.modify(&modify_arg(vec![1], vec![subj])).await);
    assert!(
        matches!(&err, P7Error::Attribute(p) if p.problems.iter().next().unwrap().problem == x::AttributeProblem::INAPPROPRIATE_MODIFICATION),
        "{err:?}"
    );
    assert_eq!(count_new(&c).await, 3);
    c.release().await.unwrap();
    f.running.shutdown().await;
}

/// A running service over a store the test keeps, to deliver through the storage API.
async fn start_with_store(dir: &Path) -> (Running, Arc<Store>, SocketAddr) {
    let (r, s, a, _) = start_with_service(dir).await;
    (r, s, a)
}

async fn start_with_service(dir: &Path) -> (Running, Arc<Store>, SocketAddr, Arc<Service>) {
    let path = dir.join("mstore.toml");
    if !path.exists() {
        write_config(dir, "127.0.0.1:0", "");
    }
    let config = Config::load(&path).unwrap();
    let store = Arc::new(Store::open(&config.data_dir).unwrap());
    let svc = Arc::new(Service::new(
        store.clone(),
        mstore::directory::from_config(&config).unwrap(),
        BindContext::from_config(&config),
    ));
    let running = service::start(&config, svc.clone()).await.unwrap();
    let addr = running.local_addrs()[0];
    (running, store, addr, svc)
}

fn alert_registration(id: u32, filter: Option<x::Filter>) -> x::AutoActionRegistration {
    let p = x::AutoAlertRegistrationParameter {
        filter,
        requested_attributes: Some(
            vec![
                x::AttributeSelection::all(ObjectIdentifier::from(oids::ID_ATT_SEQUENCE_NUMBER)),
                x::AttributeSelection::all(ObjectIdentifier::from(oids::ID_ATT_PRIORITY)),
            ]
            .into(),
        ),
        ..Default::default()
    };
    x::AutoActionRegistration::auto_alert(id, &p).unwrap()
}

fn register_arg(regs: Vec<x::AutoActionRegistration>) -> x::RegisterMSArgument {
    x::RegisterMSArgument {
        auto_action_registrations: Some(x::Set(regs)),
        ..Default::default()
    }
}

fn deliver(store: &Store, to: &str, name: &str) -> u32 {
    let (env, content) = example(name);
    store
        .deliver(&MailboxName::from(&addr(to)), &env, &content)
        .unwrap()
        .key
        .seq
}

fn priority_normal() -> x::Filter {
    x::Filter::equality(
        ObjectIdentifier::from(oids::ID_ATT_PRIORITY),
        x::value::priority(mstore::asn1::x411::Priority::Normal),
    )
}

#[tokio::test]
async fn alerts_fire_for_exactly_the_matching_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let (running, store, a) = start_with_store(dir.path()).await;
    for e in [Edition::V88, Edition::V94] {
        let mut c = P7Client::connect(&opts(a, ALICE, b"pw-a", e))
            .await
            .unwrap();
        let actions = c.bind_result.available_auto_actions.clone().unwrap();
        assert!(actions.iter().any(|t| **t == *oids::ID_ACT_AUTO_ALERT));
        // 5: priority normal; 6: anything else.
        c.register_ms(&register_arg(vec![
            alert_registration(5, Some(priority_normal())),
            alert_registration(6, Some(x::Filter::Not(Box::new(priority_normal())))),
        ]))
        .await
        .unwrap();
        let mut seqs = Vec::new();
        for name in ["ipm", "amhs-basic", "p772"] {
            seqs.push(deliver(&store, ALICE, name));
        }
        deliver(&store, BOB, "ipm"); // Bob has no registration: Alice sees nothing of it.
        // The store's own view of which entries are priority normal.
        let mut l = x::ListArgument::new(
            x::Selector::sequence_numbers(Some(seqs[0]), Some(seqs[2]))
                .with_filter(priority_normal()),
        );
        l.requested_attributes = Some(
            vec![x::AttributeSelection::all(ObjectIdentifier::from(
                oids::ID_ATT_SEQUENCE_NUMBER,
            ))]
            .into(),
        );
        let normal: Vec<u32> = c
            .list(&l)
            .await
            .unwrap()
            .requested
            .unwrap_or_default()
            .iter()
            .map(|e| e.sequence_number)
            .collect();
        let mut got = Vec::new();
        for _ in 0..3 {
            let al = tokio::time::timeout(std::time::Duration::from_secs(10), c.next_alert())
                .await
                .unwrap()
                .unwrap();
            let entry = al.new_entry.unwrap();
            // The requested attributes, and no others.
            assert!(entry.attribute(oids::ID_ATT_SEQUENCE_NUMBER).is_some());
            assert!(entry.attribute(oids::ID_ATT_CONTENT_LENGTH).is_none());
            got.push((al.alert_registration_identifier, entry.sequence_number));
        }
        got.sort();
        let mut want: Vec<(u32, u32)> = seqs
            .iter()
            .map(|s| (if normal.contains(s) { 5 } else { 6 }, *s))
            .collect();
        want.sort();
        assert_eq!(got, want, "{e:?}");
        // Exactly three: no fourth alert comes.
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(500), c.next_alert())
                .await
                .is_err()
        );
        // Deregistered: no more alerts.
        c.register_ms(&x::RegisterMSArgument {
            auto_action_deregistrations: Some(x::Set(
                [5, 6]
                    .into_iter()
                    .map(|id| x::AutoActionDeregistration {
                        auto_action_type: ObjectIdentifier::from(oids::ID_ACT_AUTO_ALERT),
                        registration_identifier: Some(id),
                    })
                    .collect(),
            )),
            ..Default::default()
        })
        .await
        .unwrap();
        deliver(&store, ALICE, "ipm");
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(500), c.next_alert())
                .await
                .is_err()
        );
        c.release().await.unwrap();
    }
    running.shutdown().await;
}

#[tokio::test]
async fn a_ua_that_never_answers_alerts_does_not_block_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let (running, store, a) = start_with_store(dir.path()).await;
    // This UA registers and then never reads its association again.
    let mute = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V94))
        .await
        .unwrap();
    mute.register_ms(&register_arg(vec![alert_registration(1, None)]))
        .await
        .unwrap();
    let n = 3 * mstore::p7::alerts::PER_ASSOCIATION as u32 / 2;
    let st = store.clone();
    let started = std::time::Instant::now();
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            for _ in 0..n {
                deliver(&st, ALICE, "amhs-basic");
            }
        }),
    )
    .await
    .unwrap()
    .unwrap();
    eprintln!("{n} deliveries in {:?}", started.elapsed());
    // The service still answers another association of the same user.
    let c = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V94))
        .await
        .unwrap();
    assert_eq!(count_new(&c).await, n);
    c.release().await.unwrap();
    drop(mute);
    running.shutdown().await;
}

#[tokio::test]
async fn registrations_survive_a_reopen_and_a_rebuild_and_bind_tells_of_missed_alerts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (running, _store, a) = start_with_store(dir.path()).await;
        let c = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V94))
            .await
            .unwrap();
        assert_eq!(c.bind_result.alert_indication, None);
        c.register_ms(&register_arg(vec![alert_registration(9, None)]))
            .await
            .unwrap();
        c.release().await.unwrap();
        running.shutdown().await;
    }
    // The registration is user state, not index: a rebuild of the index keeps it.
    mstore::store::offline::rebuild(
        &mstore::store::RealFs,
        &dir.path().join("data"),
        &[],
        &mut |_| {},
    )
    .unwrap();
    let (running, store, a) = start_with_store(dir.path()).await;
    // Delivered while Alice is away: the next bind says an alert fired.
    deliver(&store, ALICE, "ipm");
    let mut indicated = false;
    for _ in 0..50 {
        let c = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V94))
            .await
            .unwrap();
        let ind = c.bind_result.alert_indication == Some(true);
        if ind {
            // The registration is still there after the reopen.
            let info = registered_information(&c).await;
            let regs = info.auto_action_registrations.unwrap();
            assert_eq!(
                regs.iter()
                    .map(|r| r.effective_registration_identifier())
                    .collect::<Vec<_>>(),
                vec![9]
            );
            c.release().await.unwrap();
            // Told once: the next bind no longer indicates.
            let c = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V94))
                .await
                .unwrap();
            assert_eq!(c.bind_result.alert_indication, None);
            c.release().await.unwrap();
            indicated = true;
            break;
        }
        c.release().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(indicated);
    running.shutdown().await;
}

#[tokio::test]
async fn p7_modify_register_alert_and_deregister_commands() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let config = write_config(dir.path(), &listen.to_string(), "");
    {
        let store = Store::open(dir.path().join("data")).unwrap();
        preload(&store);
        store.close().unwrap();
    }
    let _daemon = start_mstored(&config, listen, std::process::Stdio::null()).await;
    let pw = dir.path().join("alice-pw");
    std::fs::write(&pw, "pw-a\n").unwrap();
    let run = |args: &'static [&'static str]| {
        let pw = pw.clone();
        async move {
            tokio::task::spawn_blocking(move || p7_cmd(listen, &pw, args))
                .await
                .unwrap()
        }
    };
    let v = json_output(
        &run(&[
            "--context",
            "94",
            "--json",
            "modify",
            "1",
            "3",
            "--status",
            "processed",
        ])
        .await,
    );
    assert_eq!(v["modified"], serde_json::json!([1, 3]));
    let v = json_output(&run(&["--json", "summarize"]).await);
    assert_eq!(v["new"].as_u64(), Some(1));
    // Modify is 1994 only: refused before connecting.
    let out = run(&["modify", "1", "--status", "new"]).await;
    assert_eq!(out.status.code(), Some(2));
    // A missing entry: exit 4.
    let out = run(&["--context", "94", "modify", "99", "--status", "new"]).await;
    assert_eq!(out.status.code(), Some(4));

    // register-alert writes the user state outside the index; deregister removes it.
    let v = json_output(
        &run(&[
            "--json",
            "register-alert",
            "--id",
            "3",
            "--filter",
            "(priority=urgent)",
        ])
        .await,
    );
    assert_eq!(v["registered"].as_u64(), Some(3));
    let users = dir.path().join("data/state/users");
    let read_state = || {
        std::fs::read_dir(&users)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(read_state().contains("id = 3"), "{}", read_state());
    let out = run(&["register-alert", "--filter", "(nonsense"]).await;
    assert_eq!(out.status.code(), Some(2));
    let v = json_output(&run(&["--json", "deregister", "3"]).await);
    assert_eq!(v["deregistered"].as_u64(), Some(3));
    assert!(!read_state().contains("id = 3"), "{}", read_state());

    // change-password: the old password stops working, the new one binds.
    let newpw = dir.path().join("alice-new-pw");
    std::fs::write(&newpw, "pw-new\n").unwrap();
    let (pw2, np) = (pw.clone(), newpw.clone());
    let out = tokio::task::spawn_blocking(move || {
        p7_cmd(
            listen,
            &pw2,
            &[
                "change-password",
                "--new-password-file",
                np.to_str().unwrap(),
            ],
        )
    })
    .await
    .unwrap();
    assert_success(&out);
    assert_eq!(run(&["summarize"]).await.status.code(), Some(3));
    let out = tokio::task::spawn_blocking(move || p7_cmd(listen, &newpw, &["summarize"]))
        .await
        .unwrap();
    assert_success(&out);
}

#[tokio::test]
async fn a_ua_that_disconnects_mid_alert_is_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let (running, store, a, svc) = start_with_service(dir.path()).await;
    let mailbox = MailboxName::from(&addr(ALICE)).id();
    let gone = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V88))
        .await
        .unwrap();
    gone.register_ms(&register_arg(vec![alert_registration(1, None)]))
        .await
        .unwrap();
    assert_eq!(svc.alerts.bound(&mailbox), 1);
    // An alert is on its way when the UA goes away without answering.
    deliver(&store, ALICE, "ipm");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    drop(gone);
    let mut left = false;
    for _ in 0..100 {
        if svc.alerts.bound(&mailbox) == 0 {
            left = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(left, "the dropped association still takes alerts");
    // Deliveries go on, and the next association gets its alerts.
    deliver(&store, ALICE, "ipm");
    let mut c = P7Client::connect(&opts(a, ALICE, b"pw-a", Edition::V88))
        .await
        .unwrap();
    let seq = deliver(&store, ALICE, "amhs-basic");
    let al = tokio::time::timeout(std::time::Duration::from_secs(10), c.next_alert())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(al.new_entry.unwrap().sequence_number, seq);
    c.release().await.unwrap();
    running.shutdown().await;
}

#[tokio::test]
async fn tshark_decodes_register_ms_and_alert_on_ms_access_88() {
    if !tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (running, store, a) = start_with_store(dir.path()).await;
    let (proxy, logs) = recording_proxy(a).await;
    let mut c = P7Client::connect(&opts(proxy, ALICE, b"pw-a", Edition::V88))
        .await
        .unwrap();
    c.register_ms(&register_arg(vec![alert_registration(
        4,
        Some(priority_normal()),
    )]))
    .await
    .unwrap();
    let seq = deliver(&store, ALICE, "ipm");
    let al = tokio::time::timeout(std::time::Duration::from_secs(10), c.next_alert())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(al.alert_registration_identifier, 4);
    c.release().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = logs.lock().unwrap()[0].lock().unwrap().clone();
    let text = tshark_text(&log);
    if std::env::var_os("MSTORE_SHOW_TSHARK").is_some() {
        eprintln!("{text}");
    }
    for needle in [
        "Register-MSArgument",
        "AlertArgument",
        "alert-registration-identifier: 4",
        &format!("sequence-number: {seq}"),
        "available-auto-actions",
    ] {
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "tshark output lacks {needle}:\n{text}"
        );
    }
    // tshark has no dissector for the auto-alert registration parameter (2.6.4.4.1), so it
    // flags the undissected open type after it; anything else malformed fails the test.
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if TSHARK_BAD.iter().any(|b| l.contains(b)) {
            assert!(
                lines[i.saturating_sub(8)..=i]
                    .iter()
                    .any(|p| p.contains("Dissector for OID not implemented")),
                "malformed beyond the known gap at line {i}:\n{text}"
            );
        }
    }
    running.shutdown().await;
}

#[tokio::test]
async fn list_and_fetch_attribute_defaults_stand_in_for_absent_requests() {
    let f = start().await;
    let c = alice(&f, Edition::V94).await;
    let types = |v: &[&rasn::types::Oid]| -> Option<x::Set<ObjectIdentifier>> {
        Some(x::Set(
            v.iter().map(|o| ObjectIdentifier::from(*o)).collect(),
        ))
    };
    c.register_ms(&x::RegisterMSArgument {
        list_attribute_defaults: types(&[oids::ID_ATT_CONTENT_LENGTH]),
        fetch_attribute_defaults: types(&[oids::ID_ATT_PRIORITY]),
        ..Default::default()
    })
    .await
    .unwrap();
    let l = c
        .list(&x::ListArgument::new(x::Selector::default()))
        .await
        .unwrap()
        .requested
        .unwrap();
    assert_eq!(l.len(), 3);
    for e in &l {
        let names: Vec<_> = e
            .attributes
            .iter()
            .flat_map(|s| s.iter())
            .map(|a| a.attribute_type.clone())
            .collect();
        assert_eq!(
            names,
            vec![ObjectIdentifier::from(oids::ID_ATT_CONTENT_LENGTH)]
        );
    }
    let e = c
        .fetch(&x::FetchArgument::precise(1))
        .await
        .unwrap()
        .entry_information
        .unwrap();
    assert!(e.attribute(oids::ID_ATT_PRIORITY).is_some());
    assert!(e.attribute(oids::ID_ATT_CONTENT).is_none());
    // An explicit request still wins.
    let mut a = x::ListArgument::new(x::Selector::sequence_numbers(Some(1), Some(1)));
    a.requested_attributes = Some(
        vec![x::AttributeSelection::all(ObjectIdentifier::from(
            oids::ID_ATT_PRIORITY,
        ))]
        .into(),
    );
    let l = c.list(&a).await.unwrap().requested.unwrap();
    assert!(l[0].attribute(oids::ID_ATT_CONTENT_LENGTH).is_none());
    c.release().await.unwrap();
    f.running.shutdown().await;
}

#[tokio::test]
async fn change_credentials_rewrites_the_embedded_directory_password() {
    let f = start().await;
    let simple = |p: &str| {
        mstore::asn1::x411::Credentials::Simple(mstore::asn1::x411::Password::OctetString(
            p.as_bytes().to_vec().into(),
        ))
    };
    let change = |old: &str, new: &str| x::RegisterMSArgument {
        change_credentials: Some(x::ChangeCredentials {
            old_credentials: simple(old),
            new_credentials: simple(new),
        }),
        ..Default::default()
    };
    let c = alice(&f, Edition::V88).await;
    // A wrong old password: X.411 old-credentials-incorrectly-specified (5), nothing changes.
    match c.register_ms(&change("nope", "pw-new")).await {
        Err(ClientError::X411(5)) => {}
        other => panic!("{other:?}"),
    }
    c.register_ms(&change("pw-a", "pw-new")).await.unwrap();
    c.release().await.unwrap();
    let old = P7Client::connect(&opts(f.addr, ALICE, b"pw-a", Edition::V88)).await;
    assert!(matches!(old, Err(ClientError::Authentication)), "{old:?}");
    let c = P7Client::connect(&opts(f.addr, ALICE, b"pw-new", Edition::V94))
        .await
        .unwrap();
    c.release().await.unwrap();
    f.running.shutdown().await;
}

/// What the store holds registered for `c`'s user (a register-ms status request).
async fn registered_information(c: &P7Client) -> x::RegisteredInformation {
    let r = c
        .register_ms(&x::RegisterMSArgument {
            registration_status_request: Some(x::RegistrationTypes {
                registrations: None,
                extended_registrations: None,
                restrict_message_groups: None,
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let x::RegisterMSResult::RegisteredInformation(info) = r else {
        panic!("{r:?}")
    };
    info
}

/// A service like [`start`]'s with extra `[limits]` lines.
async fn start_with_limits(limits: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), "127.0.0.1:0", limits);
    let config = Config::load(&path).unwrap();
    let store = Arc::new(Store::open(&config.data_dir).unwrap());
    let contents = preload(&store);
    let svc = Arc::new(Service::new(
        store,
        mstore::directory::from_config(&config).unwrap(),
        BindContext::from_config(&config),
    ));
    let running = service::start(&config, svc).await.unwrap();
    let addr = running.local_addrs()[0];
    Fixture {
        _dir: dir,
        addr,
        running,
        contents,
    }
}

/// A 1994 bind that is refused with a qualified unable-to-establish-association; the
/// reason it gives (supplementary-information).
async fn refused_bind_reason_94(addr: SocketAddr, user: &str, pw: &[u8]) -> String {
    let e = raw_bind_error(addr, user, pw, Edition::V94).await;
    let x::MSBindError::QualifiedError(q) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        q.bind_problem,
        x::BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION
    );
    String::from_utf8_lossy(q.supplementary_information.as_ref().unwrap().as_bytes()).into_owned()
}

/// The ms-bind-error of a refused bind, read off the wire (the client only keeps its text).
async fn raw_bind_error(addr: SocketAddr, user: &str, pw: &[u8], e: Edition) -> x::MSBindError {
    use mstore::address::ORName;
    use mstore::asn1::x411::{Credentials, Password};
    use mstore::assoc::client::{ConnectError, ConnectRequest, connect};
    let arg = x::MSBindArgument::simple(
        ORName::new(self::addr(user)),
        Credentials::Simple(Password::OctetString(pw.to_vec().into())),
    );
    let req = ConnectRequest::new(
        addr.to_string(),
        e.context(),
        Bytes::from(x::encode(&arg).unwrap()),
    );
    match connect(req).await {
        Err(ConnectError::BindRefused { error: Some(b), .. }) => x::decode(&b).unwrap(),
        other => panic!("bind not refused with an error: {other:?}"),
    }
}

#[tokio::test]
async fn single_p7_bind_refuses_a_second_bind_to_the_same_mailbox() {
    let f = start_with_limits("single-p7-bind = true").await;
    let first = alice(&f, Edition::V94).await;
    // The second bind, either context: the X.413 refusal, with the reason in 1994.
    let r = P7Client::connect(&opts(f.addr, ALICE, b"pw-a", Edition::V88)).await;
    match &r {
        Err(ClientError::BindRefused(m)) => {
            assert!(m.contains("unable-to-establish-association"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let e = raw_bind_error(f.addr, ALICE, b"pw-a", Edition::V88).await;
    assert_eq!(
        e,
        x::MSBindError::UnqualifiedError(x::BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION)
    );
    let info = refused_bind_reason_94(f.addr, ALICE, b"pw-a").await;
    assert!(info.contains("single-p7-bind"), "{info}");
    // A wrong password is still an authentication error, not a hint that Alice is bound.
    let r = P7Client::connect(&opts(f.addr, ALICE, b"wrong", Edition::V88)).await;
    assert!(matches!(r, Err(ClientError::Authentication)), "{r:?}");
    // The first association is unaffected; another mailbox binds as usual.
    let s = first
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(s.count, 3);
    let bob = P7Client::connect(&opts(f.addr, BOB, b"pw-b", Edition::V88))
        .await
        .unwrap();
    bob.release().await.unwrap();
    // Once the first unbinds, a new bind succeeds (the server counts the association gone
    // when its task ends, just after the release).
    first.release().await.unwrap();
    let mut again = None;
    for _ in 0..50 {
        match P7Client::connect(&opts(f.addr, ALICE, b"pw-a", Edition::V88)).await {
            Ok(c) => {
                again = Some(c);
                break;
            }
            Err(ClientError::BindRefused(_)) => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await
            }
            Err(e) => panic!("{e}"),
        }
    }
    let again = again.expect("no bind after the first association released");
    // And while that one is bound, the rule holds again.
    let r = P7Client::connect(&opts(f.addr, ALICE, b"pw-a", Edition::V94)).await;
    assert!(matches!(r, Err(ClientError::BindRefused(_))), "{r:?}");
    again.release().await.unwrap();
    f.running.shutdown().await;
}

#[tokio::test]
async fn without_single_p7_bind_concurrent_binds_are_allowed() {
    let f = start_with_limits("single-p7-bind = false").await;
    let a = alice(&f, Edition::V88).await;
    let b = alice(&f, Edition::V94).await;
    let c = alice(&f, Edition::V88).await;
    for x in [a, b, c] {
        x.release().await.unwrap();
    }
    f.running.shutdown().await;
}

/// `p7 --json watch …` as a child with its stdout lines arriving on a channel.
struct Watcher {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<serde_json::Value>,
}

impl Watcher {
    fn spawn(server: SocketAddr, pwfile: &Path, args: &[&str]) -> Watcher {
        let mut child = p7_command(server, ALICE, pwfile, &["--json", "watch"])
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for l in std::io::BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                let v: serde_json::Value = serde_json::from_str(&l)
                    .unwrap_or_else(|e| panic!("watch printed a non-JSON line {l:?}: {e}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Watcher { child, lines }
    }

    /// The next line, waiting at most `secs`.
    fn next(&self, secs: u64) -> Option<serde_json::Value> {
        self.lines
            .recv_timeout(std::time::Duration::from_secs(secs))
            .ok()
    }

    /// Sends `sig` and waits (bounded) for the exit; the exit status and stderr.
    fn stop(mut self, sig: &str) -> (std::process::ExitStatus, String) {
        let ok = std::process::Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
                return (st, err);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("p7 watch did not exit on {sig}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p7_watch_fetches_and_deletes_what_the_mta_delivers() {
    use mstore::address::ORName;
    use mstore::p3::mta::{self, Load, MtaOptions, Progress};
    let dir = tempfile::tempdir().unwrap();
    let listen: SocketAddr = free_addr();
    let config = write_config(dir.path(), &listen.to_string(), "");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("protocols = [\"p7\"]", "protocols = [\"p7\", \"p3\"]");
    std::fs::write(&config, text).unwrap();
    EmbeddedDirectory::open_or_create(dir.path().join("directory.toml"))
        .unwrap()
        .add_mta("mta", b"mta-pw")
        .unwrap();
    let _daemon = start_mstored(&config, listen, std::process::Stdio::null()).await;
    let pw = dir.path().join("alice-pw");
    std::fs::write(&pw, "pw-a\n").unwrap();

    // Urgent messages only: the watcher must leave the others alone.
    let w = Watcher::spawn(
        listen,
        &pw,
        &["--fetch", "--delete", "--filter", "(priority=urgent)"],
    );
    let first = tokio::task::block_in_place(|| w.next(20)).expect("watch printed nothing");
    assert_eq!(first, serde_json::json!({ "registered": 1 }));

    // An MTA delivers over P3, alternating Alice and Bob.
    let n = 24;
    let report = mta::deliver(
        MtaOptions {
            server: listen.to_string(),
            tsel: Some(Bytes::from_static(b"3001")),
            context: mstore::assoc::AppContext::MtsForcedAccess88,
            mta: "mta".into(),
            password: b"mta-pw".to_vec(),
            recipients: vec![ORName::new(addr(ALICE)), ORName::new(addr(BOB))],
            associations: 1,
            window: 1,
            load: Load::Messages(n),
            seed: 7,
            ack_log: None,
            settings: mstore::assoc::Settings::default(),
        },
        Arc::new(Progress::default()),
    )
    .await
    .unwrap();
    assert_eq!(
        (report.acknowledged, report.errors),
        (n, 0),
        "{:?}",
        report.error_samples
    );

    // A mailbox as `p7 list` shows it.
    let list = |user: &'static str, pwtext: &'static str| {
        let pw = dir.path().join(format!("{user}-pw-file"));
        std::fs::write(&pw, pwtext).unwrap();
        let args = ["--json", "list", "--attrs", "sequence-number,priority"];
        let out = p7_command(listen, user, &pw, &args).output().unwrap();
        let v = json_output(&out);
        v["entries"].as_array().unwrap().clone()
    };
    // Alert → fetch → delete: an entry line (the fetched attributes), then its deletion. Read
    // until Alice's mailbox holds no urgent message and every fetched one was deleted (a
    // loaded machine may be slow; a broken watcher fails at the deadline).
    let mut fetched = Vec::new();
    let mut deleted = Vec::new();
    let started = std::time::Instant::now();
    let left = loop {
        while let Some(v) = tokio::task::block_in_place(|| w.next(2)) {
            if let Some(seq) = v.get("deleted") {
                deleted.push(seq.as_u64().unwrap());
                continue;
            }
            assert_eq!(v["priority"], "urgent", "{v}");
            for a in [
                "sequence-number",
                "content-type",
                "originator-name",
                "content-length",
            ] {
                assert!(v.get(a).is_some(), "no {a} in {v}");
            }
            fetched.push(v["sequence-number"].as_u64().unwrap());
        }
        let left = tokio::task::block_in_place(|| list(ALICE, "pw-a"));
        if deleted.len() == fetched.len() && left.iter().all(|e| e["priority"] != "urgent") {
            break left;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "watch did not catch up: fetched {fetched:?}, deleted {deleted:?}, left {left:?}"
        );
    };
    assert!(
        !fetched.is_empty(),
        "no urgent message among {n}: pick another seed"
    );
    assert_eq!(fetched, deleted);
    let mut sorted = fetched.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, fetched, "one line per alert, in delivery order");
    // What is left in Alice's mailbox is exactly her non-urgent messages; Bob's are untouched.
    assert_eq!(left.len() + fetched.len(), (n / 2) as usize, "{left:?}");
    assert!(left.iter().all(|e| e["priority"] != "urgent"), "{left:?}");
    assert!(
        !left.is_empty(),
        "every message urgent: the filter was not tested"
    );
    let bobs = tokio::task::block_in_place(|| list(BOB, "pw-b"));
    assert_eq!(bobs.len(), (n / 2) as usize);

    // SIGINT: the watcher unbinds and exits 0 (no error line).
    let (st, err) = tokio::task::block_in_place(|| w.stop("-INT"));
    assert!(st.success(), "{st:?}: {err}");
    assert!(err.is_empty(), "{err}");
    // SIGTERM likewise; a registration with the same id replaces the old one.
    let w = Watcher::spawn(listen, &pw, &[]);
    let first = tokio::task::block_in_place(|| w.next(20)).expect("watch printed nothing");
    assert_eq!(first, serde_json::json!({ "registered": 1 }));
    let (st, err) = tokio::task::block_in_place(|| w.stop("-TERM"));
    assert!(st.success(), "{st:?}: {err}");
    let audit = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
    assert!(audit.contains("op=UNBIND"), "{audit}");
    assert!(
        !audit.contains("how=abort"),
        "a watcher aborted instead of releasing:\n{audit}"
    );
}

#[tokio::test]
async fn user_security_labels_are_refused_with_security_error_and_nothing_applied() {
    use mstore::asn1::x411::{SecurityLabel, SecurityProblem};
    let dir = tempfile::tempdir().unwrap();
    let (running, _store, a) = start_with_store(dir.path()).await;
    // SecurityLabel ::= SET { security-classification INTEGER (2) } (X.411).
    let label = SecurityLabel(rasn::types::Any::new(vec![0x31, 0x03, 0x02, 0x01, 0x02]));
    for e in [Edition::V88, Edition::V94] {
        let c = P7Client::connect(&opts(a, ALICE, b"pw-a", e))
            .await
            .unwrap();
        let arg = x::RegisterMSArgument {
            auto_action_registrations: Some(x::Set(vec![alert_registration(3, None)])),
            user_security_labels: Some(x::Set(vec![label.clone()])),
            ..Default::default()
        };
        let err = op_error(c.register_ms(&arg).await);
        // X.411 SecurityProblem forbidden-user-security-label-register.
        assert_eq!(err, P7Error::Security(SecurityProblem(7)), "{e:?}");
        // The auto-alert in the same request was not registered.
        if e == Edition::V94 {
            let info = registered_information(&c).await;
            // (4 is the one the 1988 round registered after its refusal.)
            let ids: Vec<u32> = info
                .auto_action_registrations
                .unwrap()
                .iter()
                .map(|r| r.effective_registration_identifier())
                .collect();
            assert_eq!(ids, vec![4]);
        }
        // The association carries on.
        c.register_ms(&register_arg(vec![alert_registration(4, None)]))
            .await
            .unwrap();
        c.release().await.unwrap();
    }
    running.shutdown().await;
}

#[tokio::test]
async fn a_bind_past_max_associations_per_user_says_why_in_1994() {
    let f = start().await; // max-associations-per-user = 2
    let a = alice(&f, Edition::V88).await;
    let b = alice(&f, Edition::V94).await;
    let info = refused_bind_reason_94(f.addr, ALICE, b"pw-a").await;
    assert!(info.contains("max-associations-per-user"), "{info}");
    // 1988 has no room for a reason: the bare problem.
    let e = raw_bind_error(f.addr, ALICE, b"pw-a", Edition::V88).await;
    assert_eq!(
        e,
        x::MSBindError::UnqualifiedError(x::BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION)
    );
    a.release().await.unwrap();
    b.release().await.unwrap();
    f.running.shutdown().await;
}
