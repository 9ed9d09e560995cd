//! Indirect submission (issue 11): a UA submits over P7 through the store, which submits over
//! its own P3 mts-access association (1988 and 1994) to an MTA — here `mta-sink` — and keeps
//! an outbox copy; an unreachable MTA is remote-bind-error within the configured wait with
//! nothing lost; the MTA delivers over the store-initiated association; tshark reads the
//! store ↔ MTA traffic; and the real binaries (mstored, mstore-bench mta-sink, p7) do the
//! acceptance run.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mstore::address::{ORAddress, ORName};
use mstore::asn1::oids;
use mstore::asn1::x411::{self, MessageSubmissionArgument, ProbeSubmissionArgument};
use mstore::asn1::x413 as x;
use mstore::assoc::server::ShutdownSignal;
use mstore::assoc::{AppContext, Operation, Outcome, Settings};
use mstore::bench::mta_sink;
use mstore::config::Config;
use mstore::content::builder::{Flavor, MessageBuilder};
use mstore::content::envelope::{
    SubmittedMessageRecord, SubmittedProbeRecord, from_probe_record, from_submission_record,
    mts_identifier_text, to_probe_record, to_submission_record,
};
use mstore::directory::{EmbeddedDirectory, NewUser};
use mstore::p3::ReportRouter;
use mstore::p3::mts_user::{MtsUser, MtsUserOptions, SubmittedBy};
use mstore::p3::sink::{Sink, SinkOptions};
use mstore::p7::Edition;
use mstore::p7::client::{ClientError, ClientOptions, Compose, P7Client, compose};
use mstore::p7::ops::bind::BindContext;
use mstore::p7::ops::submit::Submitter;
use mstore::p7::service::Service;
use mstore::server::Running;
use mstore::store::{EntryClass, MailboxName, Store};
use proptest::prelude::*;

use crate::common::config::STORE_SECTIONS;
use crate::common::mta::{deliver, invoke_ok};
use crate::common::procs::{
    Daemon, assert_success, free_addr, free_port, json_output, p7_command, start_mstored,
    wait_listening,
};
use crate::common::proxy::{recording_proxy, tshark_dissect};
use crate::common::tshark::{MTS_BIND_SEEN, assert_tshark_saw, tshark_available};
use crate::common::values::delivery_report;

const ALICE: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX";
const BOB: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZY";
const FAR: &str = "C=XX;A=ICAO;P=FR;O=LFFF;OU1=LFPG;CN=LFPGZQZX";
const MTA_NAME: &str = "sink-mta";
const MTA_PW: &str = "mta-pw";

fn addr(s: &str) -> ORAddress {
    ORAddress::from_str(s).unwrap()
}

/// mstore.toml + directory (Alice "pw-a", Bob "pw-b") + secrets in `dir`; `[submission]`
/// towards `mta`.
fn write_config(dir: &Path, listen: &str, mta: &str, context: u8, wait: &str) -> PathBuf {
    for (f, v) in [("store-password", "store-secret"), ("mta-password", MTA_PW)] {
        std::fs::write(dir.join(f), v).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    let text = format!(
        r#"data-dir = "data"
[[listeners]]
address = "{listen}"
t-selector = "3001"
protocols = ["p7", "p3"]
[submission]
mta = "{mta}"
mta-name = "{MTA_NAME}"
context = {context}
password-file = "mta-password"
outbox = true
wait = "{wait}"
{STORE_SECTIONS}"#
    );
    let path = dir.join("mstore.toml");
    std::fs::write(&path, text).unwrap();
    let d = EmbeddedDirectory::open_or_create(dir.join("directory.toml")).unwrap();
    d.add_users(&[NewUser::new(addr(ALICE))], b"pw-a").unwrap();
    d.add_users(&[NewUser::new(addr(BOB))], b"pw-b").unwrap();
    path
}

/// `mta-sink` on a free port, expecting the store's credentials.
async fn spawn_sink() -> (Arc<Sink>, SocketAddr, ShutdownSignal) {
    mta_sink::spawn("127.0.0.1:0".parse().unwrap(), sink_options())
        .await
        .unwrap()
}

/// `mta-sink` and a store submitting to it (`context`, `wait`, outbox on).
async fn with_sink(context: u8, wait: &str) -> (Arc<Sink>, ShutdownSignal, Fixture) {
    let (sink, sink_addr, stop) = spawn_sink().await;
    let fx = Fixture::start(&sink_addr.to_string(), context, wait).await;
    (sink, stop, fx)
}

/// Releases `c`, then stops the store and the MTA.
async fn finish(c: P7Client, fx: Fixture, mta: ShutdownSignal) {
    c.release().await.unwrap();
    fx.stop(mta).await;
}

fn sink_options() -> SinkOptions {
    SinkOptions {
        name: MTA_NAME.into(),
        password: MTA_PW.as_bytes().to_vec(),
        count_file: None,
    }
}

/// The store with its P7 service and its link to the MTA at `mta`.
struct Fixture {
    _dir: tempfile::TempDir,
    p7: SocketAddr,
    store: Arc<Store>,
    running: Running,
    link: MtsUser,
}

impl Fixture {
    async fn start(mta: &str, context: u8, wait: &str) -> Fixture {
        Fixture::start_with(mta, context, wait, true).await
    }

    async fn start_with(mta: &str, context: u8, wait: &str, outbox: bool) -> Fixture {
        Fixture::start_edited(mta, context, wait, |t| {
            if outbox {
                t
            } else {
                t.replace("outbox = true", "outbox = false")
            }
        })
        .await
    }

    /// Like [`Fixture::start`], with `edit` applied to the configuration text.
    async fn start_edited(
        mta: &str,
        context: u8,
        wait: &str,
        edit: impl FnOnce(String) -> String,
    ) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "127.0.0.1:0", mta, context, wait);
        let t = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(t)).unwrap();
        let config = Config::load(&path).unwrap();
        let store = Arc::new(Store::open(&config.data_dir).unwrap());
        let directory = mstore::directory::from_config(&config).unwrap();
        let submitted_by = SubmittedBy::new(Some(store.clone()));
        let p3 = Arc::new(
            mstore::p3::Responder::new(store.clone(), directory.clone(), config.store.clone())
                .router(submitted_by.clone()),
        );
        let svc = Arc::new(Service::new(
            store.clone(),
            directory,
            BindContext::from_config(&config),
        ));
        let s = config.submission.as_ref().unwrap();
        let opts = MtsUserOptions::from_config(s, &config.store, Settings::from_config(&config));
        let (link, _task) = MtsUser::start(opts, Some(p3.clone()));
        svc.set_submitter(Submitter {
            link: link.clone(),
            outbox: s.outbox,
            max_message_size: 4096,
            submitted_by: Some(submitted_by),
        });
        let running = mstore::server::start(&config, vec![svc, p3]).await.unwrap();
        let p7 = running.local_addrs()[0];
        Fixture {
            _dir: dir,
            p7,
            store,
            running,
            link,
        }
    }

    async fn client(&self, user: &str, pw: &[u8], e: Edition) -> P7Client {
        let mut o = ClientOptions::new(self.p7.to_string(), addr(user), pw);
        o.edition = e;
        P7Client::connect(&o).await.unwrap()
    }

    async fn wait_up(&self) {
        for _ in 0..200 {
            if self.link.is_up() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the link to the MTA did not come up");
    }

    /// Stops the store, then the MTA behind `mta`.
    async fn stop(self, mta: ShutdownSignal) {
        self.running.shutdown().await;
        mta.trigger();
    }

    fn outbox(&self, user: &str) -> usize {
        let id = MailboxName::from(&addr(user)).id();
        self.store.entries(&id, EntryClass::Outbox).unwrap().len()
    }

    fn inbox(&self, user: &str) -> usize {
        let id = MailboxName::from(&addr(user)).id();
        self.store.entries(&id, EntryClass::Inbox).unwrap().len()
    }
}

fn message(subject: &str, serial: u64) -> MessageSubmissionArgument {
    message_from(ALICE, subject, serial)
}

fn message_from(originator: &str, subject: &str, serial: u64) -> MessageSubmissionArgument {
    compose(&Compose {
        originator: addr(originator),
        to: vec![addr(BOB), addr(FAR)],
        subject: subject.into(),
        text: "Runway 27R closed until 1400.\r\n".into(),
        priority: Some(x411::Priority::Urgent),
        ats_priority: Some("FF".into()),
        content_identifier: Some("CID-7".into()),
        at_unix: 1_795_845_600,
        serial,
        ..Default::default()
    })
    .unwrap()
}

/// `e` is the X.411 error `code` (an abstract-error the store passed on or raised itself).
fn assert_x411(e: &ClientError, code: i64) {
    assert!(matches!(e, ClientError::X411(c) if *c == code), "{e:?}");
}

/// `e` is X.413's entry-class-error.
fn assert_entry_class_error(e: &ClientError) {
    assert!(
        matches!(e, ClientError::Operation(x::P7Error::EntryClass(_))),
        "{e:?}"
    );
}

/// An answer that came after the configured 1 s wait, not at once and not much later.
fn assert_about_one_second(took: Duration) {
    assert!(
        took >= Duration::from_millis(900),
        "answered after {took:?}"
    );
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
}

fn attr_text(e: &x::EntryInformation, oid: &rasn::types::Oid) -> Option<String> {
    let a = e.attribute(oid)?;
    let v = a.first()?;
    let attr = mstore::p7::attrs::attr_of(oid)?;
    mstore::p7::attrs::decode_value(attr, v).map(|v| v.to_string())
}

async fn submission_reaches_the_mta(e: Edition, context: u8) {
    let (sink, stop, fx) = with_sink(context, "5s").await;
    let c = fx.client(ALICE, b"pw-a", e).await;
    let m = message("Runway closure", 1);
    let r = c.submit_message(&m).await.unwrap();
    // The sink saw exactly what the UA submitted, on the configured context.
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(sink.count(), 1);
    assert_eq!(got[0].operation, Operation::MessageSubmission);
    let want_ctx = if context == 94 {
        AppContext::MtsAccess94
    } else {
        AppContext::MtsAccess88
    };
    assert_eq!(got[0].context, want_ctx);
    let sent: MessageSubmissionArgument = x411::decode(&got[0].argument).unwrap();
    assert_eq!(sent, m, "envelope and content reach the MTA unchanged");
    // The MTA's result came back to the UA.
    assert_eq!(
        Some(&r.result.message_submission_identifier),
        got[0].identifier.as_ref()
    );
    let id_text = mts_identifier_text(&r.result.message_submission_identifier);
    match e {
        Edition::V94 => assert_eq!(r.created_entry, Some(1)),
        Edition::V88 => assert_eq!(r.created_entry, None),
    }
    c.release().await.unwrap();

    // The outbox copy: listable and fetchable over P7 (1994: the submission class).
    assert_eq!(fx.outbox(ALICE), 1);
    assert_eq!(fx.outbox(BOB), 0);
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    let mut l = x::ListArgument::new(x::Selector::default());
    l.entry_class = Some(x::EntryClass::SUBMISSION);
    let listed = c.list(&l).await.unwrap().requested.unwrap_or_default();
    assert_eq!(listed.len(), 1);
    let entry = &listed[0];
    assert_eq!(entry.sequence_number, 1);
    assert_eq!(
        attr_text(entry, oids::ID_ATT_MESSAGE_IDENTIFIER).as_deref(),
        Some(id_text.as_str()),
        "the copy carries the submission identifier: {entry:?}"
    );
    assert_eq!(
        attr_text(entry, oids::ID_HAT_SUBJECT).as_deref(),
        Some("Runway closure")
    );
    assert_eq!(
        attr_text(entry, oids::ID_ATT_ENTRY_TYPE).as_deref(),
        Some("3"),
        "submitted-message"
    );
    // The delivery class is untouched.
    let delivered = c
        .list(&x::ListArgument::new(x::Selector::default()))
        .await
        .unwrap()
        .requested
        .unwrap_or_default();
    assert!(delivered.is_empty());
    let mut f = x::FetchArgument::precise(1);
    f.entry_class = Some(x::EntryClass::SUBMISSION);
    let fetched = c.fetch(&f).await.unwrap().entry_information.unwrap();
    let content = fetched
        .attribute(oids::ID_ATT_CONTENT)
        .and_then(|a| a.first())
        .map(|v| rasn::ber::decode::<rasn::types::OctetString>(v.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(content.to_vec(), m.content.to_vec());
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn submission_over_p7_88_reaches_the_mta_over_mts_access_88() {
    submission_reaches_the_mta(Edition::V88, 88).await;
}

#[tokio::test]
async fn submission_over_p7_94_reaches_the_mta_over_mts_access_94() {
    submission_reaches_the_mta(Edition::V94, 94).await;
}

#[tokio::test]
async fn outbox_off_and_per_message_object_entry_class() {
    let (sink, sink_addr, stop) = spawn_sink().await;
    let fx = Fixture::start_with(&sink_addr.to_string(), 94, "5s", false).await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    // The store keeps no copy by default…
    let r = c.submit_message(&message("no copy", 19)).await.unwrap();
    assert_eq!(r.created_entry, None);
    assert_eq!(fx.outbox(ALICE), 0);
    // …unless the submission asks for the submission class (X.413 submission-options).
    let r = c
        .submit_message_with(
            &message("copy", 20),
            entry_class_option(x::EntryClass::SUBMISSION),
        )
        .await
        .unwrap();
    assert_eq!(r.created_entry, Some(1));
    assert_eq!(fx.outbox(ALICE), 1);
    // A class the store does not keep submissions in: entry-class-error, nothing submitted.
    let e = c
        .submit_message_with(
            &message("draft", 21),
            entry_class_option(x::EntryClass::DRAFT),
        )
        .await
        .unwrap_err();
    assert_entry_class_error(&e);
    assert_eq!(sink.count(), 2);
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn probe_and_cancel_are_passed_through() {
    let (sink, stop, fx) = with_sink(94, "5s").await;
    for e in [Edition::V88, Edition::V94] {
        let c = fx.client(ALICE, b"pw-a", e).await;
        let m = message("probe", 2);
        let mut probe = probe_of(&m);
        probe.content_identifier = None;
        let r = c.submit_probe(&probe).await.unwrap();
        let last = sink.received().pop().unwrap();
        assert_eq!(last.operation, Operation::ProbeSubmission);
        assert_eq!(
            Some(&r.message_submission_identifier),
            last.identifier.as_ref()
        );
        // The sink defers nothing, so it refuses to cancel: its error reaches the UA as is.
        let e = c
            .cancel_deferred_delivery(&r.message_submission_identifier)
            .await
            .unwrap_err();
        assert_x411(&e, x411::err::MESSAGE_SUBMISSION_IDENTIFIER_INVALID);
        assert_eq!(
            sink.received().pop().unwrap().operation,
            Operation::CancelDeferredDelivery
        );
        c.release().await.unwrap();
    }
    // With the outbox on, each probe is kept as a submitted-probe entry.
    assert_eq!(fx.outbox(ALICE), 2);
    fx.stop(stop).await;
}

fn probe_of(m: &MessageSubmissionArgument) -> ProbeSubmissionArgument {
    ProbeSubmissionArgument {
        originator_name: m.envelope.originator_name.clone(),
        original_encoded_information_types: None,
        content_type: m.envelope.content_type.clone(),
        content_identifier: Some(x411::ContentIdentifier::from_bytes(b"PROBE-1").unwrap()),
        content_length: Some(m.content.len() as u32),
        per_message_indicators: None,
        extensions: None,
        per_recipient_fields: m.envelope.per_recipient_fields.clone(),
    }
}

fn entry_class_option(c: x::EntryClass) -> Option<x::MSSubmissionOptions> {
    Some(x::MSSubmissionOptions {
        object_entry_class: Some(c),
        disable_auto_modify: None,
        add_message_group_names: None,
        ms_submission_extensions: None,
    })
}

/// ms-probe-submission over a 1994 association, with `options`; the whole MS result.
async fn ms_probe(
    c: &P7Client,
    probe: &ProbeSubmissionArgument,
    options: Option<x::MSSubmissionOptions>,
) -> Result<x::MSProbeSubmissionResult, ClientError> {
    let arg = x::MSProbeSubmissionArgument {
        probe: probe.clone(),
        submission_options: options,
    };
    let r = c
        .invoke_raw(
            Operation::MsProbeSubmission,
            Bytes::from(x::encode(&arg).unwrap()),
        )
        .await?
        .unwrap();
    Ok(x::decode(&r).unwrap())
}

#[tokio::test]
async fn submitted_probes_are_kept_in_the_submission_class_and_listed_over_p7() {
    let (sink, sink_addr, stop) = spawn_sink().await;
    let fx = Fixture::start(&sink_addr.to_string(), 94, "5s").await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    // A message first, so the probe's entry is not the only one.
    c.submit_message(&message("before the probe", 40))
        .await
        .unwrap();
    let probe = probe_of(&message("probed", 41));
    let r = ms_probe(&c, &probe, None).await.unwrap();
    let created = r.ms_probe_result.as_ref().and_then(|m| m.created_entry);
    assert_eq!(created, Some(2), "created-entry names the probe's entry");
    let got = sink.received().pop().unwrap();
    assert_eq!(got.operation, Operation::ProbeSubmission);
    assert_eq!(
        Some(&r.result.message_submission_identifier),
        got.identifier.as_ref()
    );
    let id_text = mts_identifier_text(&r.result.message_submission_identifier);

    let mut l = x::ListArgument::new(x::Selector::default());
    l.entry_class = Some(x::EntryClass::SUBMISSION);
    let listed = c.list(&l).await.unwrap().requested.unwrap_or_default();
    assert_eq!(listed.len(), 2);
    let entry = listed.iter().find(|e| e.sequence_number == 2).unwrap();
    assert_eq!(
        attr_text(entry, oids::ID_ATT_ENTRY_TYPE).as_deref(),
        Some("4"),
        "submitted-probe: {entry:?}"
    );
    assert_eq!(
        attr_text(entry, oids::ID_ATT_MESSAGE_IDENTIFIER).as_deref(),
        Some(id_text.as_str()),
        "the entry carries the probe-submission-identifier: {entry:?}"
    );
    let first = listed.iter().find(|e| e.sequence_number == 1).unwrap();
    assert_eq!(
        attr_text(first, oids::ID_ATT_ENTRY_TYPE).as_deref(),
        Some("3")
    );

    // submission-options object-entry-class: delivery is refused with entry-class-error,
    // and nothing reaches the MTA.
    let before = sink.count();
    let e = ms_probe(&c, &probe, entry_class_option(x::EntryClass::DELIVERY))
        .await
        .unwrap_err();
    assert_entry_class_error(&e);
    assert_eq!(sink.count(), before);
    c.release().await.unwrap();
    fx.running.shutdown().await;

    // Outbox off: a probe keeps nothing unless the UA asks for the submission class.
    let fx = Fixture::start_with(&sink_addr.to_string(), 94, "5s", false).await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    let r = ms_probe(&c, &probe, None).await.unwrap();
    assert_eq!(r.ms_probe_result, None);
    assert_eq!(fx.outbox(ALICE), 0);
    let r = ms_probe(&c, &probe, entry_class_option(x::EntryClass::SUBMISSION))
        .await
        .unwrap();
    assert_eq!(r.ms_probe_result.and_then(|m| m.created_entry), Some(1));
    assert_eq!(fx.outbox(ALICE), 1);
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn another_originator_is_refused_with_originator_invalid() {
    let (sink, stop, fx) = with_sink(88, "5s").await;
    // Bob submits a message naming Alice as originator.
    let c = fx.client(BOB, b"pw-b", Edition::V88).await;
    let e = c.submit_message(&message("forged", 3)).await.unwrap_err();
    assert_x411(&e, x411::err::ORIGINATOR_INVALID);
    assert_eq!(sink.count(), 0);
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn mta_down_is_remote_bind_error_within_the_wait_and_nothing_is_lost() {
    let port = free_port();
    let mta: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let fx = Fixture::start(&mta.to_string(), 88, "1s").await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    let t = Instant::now();
    let e = c.submit_message(&message("lost?", 4)).await.unwrap_err();
    let took = t.elapsed();
    assert_x411(&e, x411::err::REMOTE_BIND_ERROR);
    assert!(
        e.to_string().contains("remote-bind-error"),
        "{e}: the message names the error"
    );
    assert_about_one_second(took);
    // Nothing kept for a message the MTA never took.
    assert_eq!(fx.outbox(ALICE), 0);

    // The MTA comes up: the link reconnects, the next submission goes through, and the
    // refused one is not sent behind the UA's back.
    let (sink, _, stop) = mta_sink::spawn(mta, sink_options()).await.unwrap();
    let r = c.submit_message(&message("second try", 5)).await.unwrap();
    assert_eq!(r.created_entry, Some(1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 1);
    let sent: MessageSubmissionArgument = x411::decode(&sink.received()[0].argument).unwrap();
    let (a, _) = mstore::content::extract(None, &sent.content, mstore::content::ContentKind::Auto);
    assert_eq!(a.subject.as_deref(), Some("second try"));
    assert_eq!(fx.outbox(ALICE), 1);
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn an_mta_that_stops_answering_is_remote_bind_error_within_answer_timeout_and_rebound() {
    let (sink, sink_addr, stop) = spawn_sink().await;
    let fx = Fixture::start_edited(&sink_addr.to_string(), 94, "5s", |t| {
        t.replace("outbox = true", "outbox = true\nanswer-timeout = \"1s\"")
    })
    .await;
    fx.wait_up().await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    c.submit_message(&message("answered", 20)).await.unwrap();
    assert_eq!(sink.binds(), 1);

    // The MTA hangs with the association up: the UA hears within answer-timeout, not the
    // 2-minute operation timeout, and nothing is kept for it.
    sink.stop_answering(true);
    let t = Instant::now();
    let e = c
        .submit_message(&message("unanswered", 21))
        .await
        .unwrap_err();
    let took = t.elapsed();
    assert_x411(&e, x411::err::REMOTE_BIND_ERROR);
    assert_about_one_second(took);
    assert_eq!(fx.outbox(ALICE), 1);

    // The store dropped that association and bound again.
    for _ in 0..200 {
        if sink.binds() >= 2 && fx.link.is_up() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(sink.binds(), 2, "the store bound a second time");
    assert!(fx.link.is_up());

    // The MTA answers again: submissions go through on the new association.
    sink.stop_answering(false);
    let r = c.submit_message(&message("after", 22)).await.unwrap();
    assert_eq!(r.created_entry, Some(2), "the unanswered one kept nothing");
    assert_eq!(sink.count(), 2, "the held submission was never counted");
    let last: MessageSubmissionArgument =
        x411::decode(&sink.received().pop().unwrap().argument).unwrap();
    let (a, _) = mstore::content::extract(None, &last.content, mstore::content::ContentKind::Auto);
    assert_eq!(a.subject.as_deref(), Some("after"));
    finish(c, fx, stop).await;
}

#[test]
fn answer_timeout_defaults_to_60s_and_must_be_positive() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), "127.0.0.1:0", "127.0.0.1:1", 88, "5s");
    let c = Config::load(&path).unwrap();
    let s = c.submission.as_ref().unwrap();
    assert_eq!(s.answer_timeout, Duration::from_secs(60));
    assert_eq!(
        s.answer_timeout,
        mstore::config::DEFAULT_SUBMISSION_ANSWER_TIMEOUT
    );
    let t = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        t.replace("wait = \"5s\"", "wait = \"5s\"\nanswer-timeout = \"90s\""),
    )
    .unwrap();
    let c = Config::load(&path).unwrap();
    assert_eq!(
        c.submission.unwrap().answer_timeout,
        Duration::from_secs(90)
    );
    let t = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, t.replace("\"90s\"", "\"0s\"")).unwrap();
    let e = Config::load(&path).unwrap_err().to_string();
    assert!(e.contains("answer-timeout"), "{e}");
}

/// Replaces `user`'s entry in the fixture's embedded directory by one with `outbox`.
fn set_user_outbox(fx: &Fixture, user: &str, pw: &[u8], outbox: Option<bool>) {
    let d = EmbeddedDirectory::open(fx._dir.path().join("directory.toml")).unwrap();
    d.remove_user(&addr(user)).unwrap();
    let mut u = NewUser::new(addr(user));
    u.outbox = outbox;
    d.add_users(&[u], pw).unwrap();
}

#[tokio::test]
async fn a_users_directory_entry_overrides_the_configured_outbox() {
    let (sink, sink_addr, stop) = spawn_sink().await;
    // The store keeps copies; Bob's entry says not to, Alice's says nothing.
    let fx = Fixture::start(&sink_addr.to_string(), 94, "5s").await;
    set_user_outbox(&fx, BOB, b"pw-b", Some(false));
    let bob = fx.client(BOB, b"pw-b", Edition::V94).await;
    let r = bob
        .submit_message(&message_from(BOB, "no copy for bob", 30))
        .await
        .unwrap();
    assert_eq!(r.created_entry, None);
    let alice = fx.client(ALICE, b"pw-a", Edition::V94).await;
    let r = alice
        .submit_message(&message("a copy for alice", 31))
        .await
        .unwrap();
    assert_eq!(r.created_entry, Some(1));
    assert_eq!(sink.count(), 2, "both reached the MTA");
    assert_eq!((fx.outbox(ALICE), fx.outbox(BOB)), (1, 0));
    bob.release().await.unwrap();
    alice.release().await.unwrap();
    fx.running.shutdown().await;

    // The store keeps none; Alice's entry asks for copies, Bob's says nothing.
    let fx = Fixture::start_with(&sink_addr.to_string(), 88, "5s", false).await;
    set_user_outbox(&fx, ALICE, b"pw-a", Some(true));
    let alice = fx.client(ALICE, b"pw-a", Edition::V88).await;
    alice.submit_message(&message("kept", 32)).await.unwrap();
    let bob = fx.client(BOB, b"pw-b", Edition::V88).await;
    bob.submit_message(&message_from(BOB, "not kept", 33))
        .await
        .unwrap();
    assert_eq!(sink.count(), 4);
    assert_eq!((fx.outbox(ALICE), fx.outbox(BOB)), (1, 0));
    alice.release().await.unwrap();
    bob.release().await.unwrap();
    fx.stop(stop).await;
}

#[test]
fn mstorectl_user_add_outbox_is_kept_in_the_directory_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "127.0.0.1:0", "127.0.0.1:1", 88, "5s");
    let pw = dir.path().join("carol-password");
    std::fs::write(&pw, "pw-c\n").unwrap();
    const CAROL: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=LFPGZPZX";
    const DAVE: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=LFPGZPZY";
    let (c, p) = (cfg.to_str().unwrap(), pw.to_str().unwrap());
    let add = |a: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "add",
            "--config",
            c,
            "--or-address",
            a,
            "--password-file",
            p,
        ];
        args.extend_from_slice(extra);
        crate::common::cli::mstorectl(&args)
    };
    let out = add(CAROL, &["--outbox", "false"]);
    assert_success(&out);
    let out = add(DAVE, &["--outbox", "maybe"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a value that is no boolean is refused"
    );
    let out = add(DAVE, &["--outbox", "true"]);
    assert_success(&out);
    let d = EmbeddedDirectory::open(dir.path().join("directory.toml")).unwrap();
    use mstore::directory::Directory;
    let outbox = |a: &str| d.find_user(&addr(a)).unwrap().unwrap().outbox;
    assert_eq!(outbox(CAROL), Some(false));
    assert_eq!(outbox(DAVE), Some(true));
    assert_eq!(outbox(ALICE), None);
    assert_eq!(
        d.authenticate_user(Some(&addr(CAROL)), None, b"pw-c")
            .unwrap()
            .outbox,
        Some(false),
        "the bound user carries it"
    );
    let out = crate::common::cli::mstorectl(&["user", "list", "--config", c, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let of = |a: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|u| u["or-address"] == a)
            .map(|u| u.get("outbox").cloned())
            .unwrap()
    };
    assert_eq!(of(CAROL), Some(serde_json::Value::Bool(false)));
    assert_eq!(of(ALICE), None);
}

#[tokio::test]
async fn deliveries_over_the_store_initiated_association_land_in_the_mailbox() {
    let (sink, stop, fx) = with_sink(94, "5s").await;
    fx.wait_up().await;
    let h = sink.handle().unwrap();
    // Submission-control from the MTA is answered.
    invoke_ok(
        &h,
        Operation::SubmissionControl,
        Bytes::from(x411::encode(&x411::Controls::default()).unwrap()),
    )
    .await;
    // A delivery for Bob over the association the store opened.
    let m = MessageBuilder::new(21)
        .with_recipient(ORName::from_str(BOB).unwrap())
        .build(Flavor::Ipm);
    deliver(&h, m.delivery_ber).await;
    assert_eq!(fx.inbox(BOB), 1);
    assert_eq!(fx.inbox(ALICE), 0);
    // Bob sees it over P7.
    let c = fx.client(BOB, b"pw-b", Edition::V88).await;
    let s = c
        .summarize(&x::SummarizeArgument::new(x::Selector::default()))
        .await
        .unwrap();
    assert_eq!(s.count, 1);
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn submission_control_from_the_mta_is_obeyed() {
    let (sink, stop, fx) = with_sink(88, "5s").await;
    fx.wait_up().await;
    let h = sink.handle().unwrap();
    let control = |c: x411::Controls| {
        let h = h.clone();
        async move {
            invoke_ok(
                &h,
                Operation::SubmissionControl,
                Bytes::from(x411::encode(&c).unwrap()),
            )
            .await;
        }
    };
    // At most 10 octets of content, and urgent messages only.
    control(x411::Controls {
        permissible_maximum_content_length: Some(10),
        ..Default::default()
    })
    .await;
    let c = fx.client(ALICE, b"pw-a", Edition::V88).await;
    let e = c
        .submit_message(&message("too long", 13))
        .await
        .unwrap_err();
    assert_x411(&e, x411::err::SUBMISSION_CONTROL_VIOLATED);
    // restrict FALSE removes the control again.
    control(x411::Controls {
        restrict: Some(false),
        permissible_maximum_content_length: Some(0),
        ..Default::default()
    })
    .await;
    c.submit_message(&message("fine now", 14)).await.unwrap();
    // Probes not permitted (only message-submission, bit 1).
    control(x411::Controls {
        permissible_operations: Some([false, true].into_iter().collect()),
        ..Default::default()
    })
    .await;
    let m = message("probe", 15);
    let mut probe = probe_of(&m);
    (probe.content_identifier, probe.content_length) = (None, None);
    let e = c.submit_probe(&probe).await.unwrap_err();
    assert_x411(&e, x411::err::SUBMISSION_CONTROL_VIOLATED);
    assert_eq!(
        sink.count(),
        1,
        "only the permitted message reached the MTA"
    );
    finish(c, fx, stop).await;
}

#[tokio::test]
async fn reports_on_submitted_messages_reach_the_submitter() {
    let (sink, stop, fx) = with_sink(88, "5s").await;
    let c = fx.client(ALICE, b"pw-a", Edition::V88).await;
    let r = c.submit_message(&message("report me", 8)).await.unwrap();
    c.release().await.unwrap();
    let h = sink.handle().unwrap();
    let out = h
        .invoke(
            Operation::ReportDelivery,
            Some(delivery_report(
                &r.result.message_submission_identifier,
                FAR,
            )),
        )
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Result(_)), "{out:?}");
    // In Alice's delivery class, not the store's own mailbox.
    assert_eq!(fx.inbox(ALICE), 1);
    // After a restart the map is empty: the outbox copy still names the submitter.
    let fresh = SubmittedBy::new(Some(fx.store.clone()));
    let owner = fresh
        .owner_of(&r.result.message_submission_identifier)
        .unwrap();
    assert_eq!(owner.id(), MailboxName::from(&addr(ALICE)).id());
    let mut other = r.result.message_submission_identifier.clone();
    other.local_identifier = rasn::types::Ia5String::try_from("nobody".to_string()).unwrap();
    assert!(fresh.owner_of(&other).is_none());
    fx.stop(stop).await;
}

#[tokio::test]
async fn the_link_reconnects_after_the_mta_goes_away_and_comes_back() {
    let (sink, sink_addr, stop) = spawn_sink().await;
    let fx = Fixture::start(&sink_addr.to_string(), 94, "1s").await;
    let c = fx.client(ALICE, b"pw-a", Edition::V94).await;
    c.submit_message(&message("one", 9)).await.unwrap();
    assert_eq!(sink.count(), 1);
    stop.trigger();
    for _ in 0..100 {
        if !fx.link.is_up() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!fx.link.is_up(), "the link saw the MTA go");
    let e = c.submit_message(&message("two", 10)).await.unwrap_err();
    assert_x411(&e, x411::err::REMOTE_BIND_ERROR);
    let (sink2, _, stop2) = mta_sink::spawn(sink_addr, sink_options()).await.unwrap();
    c.submit_message(&message("three", 11)).await.unwrap();
    assert_eq!(
        sink2.count(),
        1,
        "only the third message reached the new MTA"
    );
    assert_eq!(fx.outbox(ALICE), 2);
    // Content over the store's limit is refused before it reaches the MTA.
    let mut big = message("big", 12);
    big.content = vec![0u8; 5000].into();
    let e = c.submit_message(&big).await.unwrap_err();
    assert_x411(&e, x411::err::SUBMISSION_CONTROL_VIOLATED);
    assert_eq!(sink2.count(), 1);
    c.release().await.unwrap();
    fx.running.shutdown().await;
    stop2.trigger();
}

#[tokio::test]
async fn tshark_decodes_the_store_mta_traffic_on_both_contexts() {
    if !tshark_available() {
        return;
    }
    for context in [88u8, 94] {
        let (sink, sink_addr, stop) = spawn_sink().await;
        let (proxy, log) = recording_proxy(sink_addr).await;
        let fx = Fixture::start(&proxy.to_string(), context, "5s").await;
        let c = fx.client(ALICE, b"pw-a", Edition::V88).await;
        // Message submission only: tshark 4.0 hands the shared abstract syntax 2.6.0.2.1 to
        // its P7 dissector even on mts-access, which knows no submission-control (2) or
        // cancel-deferred-delivery (7) there and reads probe-submission as X.413's
        // MSProbeSubmissionArgument with its COMPONENTS OF re-tagged EXPLICIT; those P3
        // operations are checked by the X.411 codec tests instead.
        c.submit_message(&message("for tshark", 6)).await.unwrap();
        fx.wait_up().await;
        let h = sink.handle().unwrap();
        let m = MessageBuilder::new(22)
            .with_recipient(ORName::from_str(BOB).unwrap())
            .build(Flavor::AmhsExtended);
        deliver(&h, m.delivery_ber).await;
        c.release().await.unwrap();
        fx.running.shutdown().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let text = tshark_dissect(&log.lock().unwrap().clone());
        assert_tshark_saw(&text, &MTS_BIND_SEEN, &format!("mts-access-{context}"));
        assert_tshark_saw(
            &text,
            &[
                "mTA: sink-mta",
                "MessageSubmissionArgument",
                "MessageSubmissionResult",
                "MessageDeliveryArgument",
                "MessageDeliveryResult",
            ],
            &format!("mts-access-{context}"),
        );
        let ac = if context == 94 {
            "2.6.0.1.7"
        } else {
            "2.6.0.1.0"
        };
        assert!(text.contains(ac), "context {ac} not seen:\n{text}");
        stop.trigger();
    }
}

#[tokio::test]
async fn tshark_decodes_the_ua_store_submission_on_ms_access_88() {
    if !tshark_available() {
        return;
    }
    let (_sink, stop, fx) = with_sink(88, "5s").await;
    let (proxy, log) = recording_proxy(fx.p7).await;
    let mut o = ClientOptions::new(proxy.to_string(), addr(ALICE), b"pw-a");
    o.edition = Edition::V88;
    let c = P7Client::connect(&o).await.unwrap();
    c.submit_message(&message("over P7", 17)).await.unwrap();
    // A returnError too: Alice submits a message naming Bob as originator (originator-invalid).
    let mut forged = message("forged", 18);
    forged.envelope.originator_name = ORName::from_str(BOB).unwrap();
    assert!(c.submit_message(&forged).await.is_err());
    c.release().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = tshark_dissect(&log.lock().unwrap().clone());
    assert_tshark_saw(
        &text,
        &[
            "MSBindArgument",
            "MessageSubmissionArgument",
            "MessageSubmissionResult",
            "local-identifier: sink-",
            "returnError",
        ],
        "ms-access-88",
    );
    fx.stop(stop).await;
}

// ---- the outbox record codec ------------------------------------------------------------

fn arb_printable() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 .-]{1,12}"
}

prop_compose! {
    fn arb_record()(
        surname in "[A-Z][a-z]{1,10}",
        recipients in proptest::collection::vec("[A-Z]{4}Z[A-Z]{3}", 1..4),
        cid in proptest::option::of(arb_printable()),
        local in "[a-z0-9.-]{1,20}",
        secs in 1_000_000_000i64..2_000_000_000,
        prio in 0u8..3,
    ) -> SubmittedMessageRecord {
        let m = compose(&Compose {
            originator: addr(&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX;S={surname}")),
            to: recipients
                .iter()
                .map(|r| addr(&format!("C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1={r}")))
                .collect(),
            subject: "s".into(),
            text: "t".into(),
            priority: Some(match prio {
                0 => x411::Priority::Normal,
                1 => x411::Priority::NonUrgent,
                _ => x411::Priority::Urgent,
            }),
            content_identifier: cid,
            ..Default::default()
        })
        .unwrap();
        SubmittedMessageRecord {
            envelope: m.envelope,
            result: x411::MessageSubmissionResult {
                message_submission_identifier: x411::MTSIdentifier {
                    global_domain_identifier: x411::GlobalDomainIdentifier {
                        country_name: x411::CountryName::Iso3166Alpha2Code(
                            rasn::types::PrintableString::try_from("XX".to_string()).unwrap(),
                        ),
                        administration_domain_name: x411::AdministrationDomainName::Printable(
                            rasn::types::PrintableString::try_from("ICAO".to_string()).unwrap(),
                        ),
                        private_domain_identifier: None,
                    },
                    local_identifier: rasn::types::Ia5String::try_from(local).unwrap(),
                },
                message_submission_time: rasn::types::UtcTime::from_timestamp(secs, 0).unwrap(),
                content_identifier: None,
                extensions: None,
            },
        }
    }
}

proptest! {
    #[test]
    fn outbox_record_round_trips(r in arb_record()) {
        let bytes = to_submission_record(&r).unwrap();
        prop_assert_eq!(from_submission_record(&bytes).unwrap(), r.clone());
        // What the index reads from it.
        let env = mstore::content::DeliveryEnvelope::from(&r);
        prop_assert_eq!(
            env.message_delivery_identifier,
            Some(mts_identifier_text(&r.result.message_submission_identifier))
        );
        prop_assert_eq!(env.other_recipient_names.len(), r.envelope.per_recipient_fields.len());
    }

    #[test]
    fn outbox_record_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = from_submission_record(&bytes);
        let _ = from_probe_record(&bytes);
    }

    #[test]
    fn probe_record_round_trips(
        r in arb_record(),
        length in proptest::option::of(0u32..1_000_000),
    ) {
        let mut probe = probe_of(&MessageSubmissionArgument {
            envelope: r.envelope.clone(),
            content: Default::default(),
        });
        probe.content_length = length;
        probe.content_identifier = r.envelope.content_identifier.clone();
        let rec = SubmittedProbeRecord { probe, result: r.result.clone() };
        let bytes = to_probe_record(&rec).unwrap();
        prop_assert_eq!(from_probe_record(&bytes).unwrap(), rec.clone());
        let env = mstore::content::DeliveryEnvelope::from(&rec);
        prop_assert_eq!(env.entry_type, mstore::content::EntryType::SubmittedProbe);
        prop_assert_eq!(
            env.message_delivery_identifier,
            Some(mts_identifier_text(&rec.result.message_submission_identifier))
        );
        prop_assert_eq!(env.other_recipient_names.len(), rec.probe.per_recipient_fields.len());
    }
}

// ---- the acceptance run with the real binaries -------------------------------------------

fn p7(server: SocketAddr, pw: &Path, args: &[&str]) -> std::process::Output {
    p7_command(server, ALICE, pw, args).output().unwrap()
}

fn start_sink(listen: SocketAddr, pw: &Path, count: &Path) -> Daemon {
    Daemon(
        std::process::Command::new(env!("CARGO_BIN_EXE_mstore-bench"))
            .args([
                "mta-sink",
                "--listen",
                &listen.to_string(),
                "--name",
                MTA_NAME,
            ])
            .arg("--password-file")
            .arg(pw)
            .arg("--count-file")
            .arg(count)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    )
}

#[tokio::test]
async fn acceptance_mstored_submits_to_mta_sink_and_reports_it_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sink_addr: SocketAddr = free_addr();
    let listen: SocketAddr = free_addr();
    let config = write_config(d, &listen.to_string(), &sink_addr.to_string(), 88, "2s");
    let count = d.join("sink.count");
    let sink = start_sink(sink_addr, &d.join("mta-password"), &count);
    wait_listening(sink_addr).await;
    let log = std::fs::File::create(d.join("mstored.log")).unwrap();
    let _daemon = start_mstored(&config, listen, log).await;
    let pw = d.join("alice-pw");
    std::fs::write(&pw, "pw-a\n").unwrap();
    let run = |args: Vec<String>| {
        let pw = pw.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                p7(listen, &pw, &a)
            })
            .await
            .unwrap()
        }
    };
    let submit = || {
        [
            "--json",
            "submit",
            "--to",
            BOB,
            "--subject",
            "Acceptance",
            "--text",
            "Hello through the store.",
            "--ats-priority",
            "GG",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
    };
    let out = run(submit()).await;
    let v = json_output(&out);
    assert!(
        v["message-submission-identifier"]
            .as_str()
            .unwrap()
            .contains("sink-"),
        "{v}"
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "1");
    let out = run(["--json", "list", "--class", "submission"]
        .iter()
        .map(|s| s.to_string())
        .collect())
    .await;
    let v = json_output(&out);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{v}");
    assert_eq!(entries[0]["subject"].as_str(), Some("Acceptance"), "{v}");

    // The load driver goes the same way.
    let bench = tokio::task::spawn_blocking({
        let pw = pw.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_mstore-bench"))
                .args(["submit", "--server", &listen.to_string(), "--tsel", "3001"])
                .args(["--user", ALICE, "--to", BOB, "--to", FAR])
                .args(["--messages", "6", "--associations", "2", "--context", "94"])
                .arg("--password-file")
                .arg(&pw)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(
        bench.status.success(),
        "mstore-bench submit: {}",
        String::from_utf8_lossy(&bench.stderr)
    );
    assert!(
        String::from_utf8_lossy(&bench.stdout).contains("6 submitted, 0 errors"),
        "{}",
        String::from_utf8_lossy(&bench.stdout)
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "7");

    // The sink stops: the next submission fails within the wait with remote-bind-error.
    drop(sink);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let out = run(submit()).await;
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("remote-bind-error"), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = std::fs::read_to_string(d.join("mstored.log")).unwrap();
    assert!(
        log.contains("MTA unreachable") && log.contains(&sink_addr.to_string()),
        "mstored's log names the MTA:\n{log}"
    );
    let audit = std::fs::read_to_string(d.join("audit.log")).unwrap();
    for needle in [
        "op=SUBMIT-MESSAGE ",
        "op=SUBMIT-MESSAGE-RESULT",
        "p1msgid=",
        "bindtype=\"to MTA\"",
        "p3serverdn=sink-mta",
        "error-code=15",
    ] {
        assert!(audit.contains(needle), "audit lacks {needle}:\n{audit}");
    }
}

#[test]
fn outbox_attributes_come_back_after_a_rebuild() {
    use mstore::store::query::{AttributeSelection, Selector};
    use mstore::store::{EntryType, NewEntry, RetrievalStatus};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let m = message("kept in the outbox", 16);
    let id = x411::MTSIdentifier {
        global_domain_identifier: x411::GlobalDomainIdentifier {
            country_name: x411::CountryName::Iso3166Alpha2Code(
                rasn::types::PrintableString::try_from("XX".to_string()).unwrap(),
            ),
            administration_domain_name: x411::AdministrationDomainName::Printable(
                rasn::types::PrintableString::try_from("ICAO".to_string()).unwrap(),
            ),
            private_domain_identifier: None,
        },
        local_identifier: rasn::types::Ia5String::try_from("sub-42".to_string()).unwrap(),
    };
    let record = SubmittedMessageRecord {
        envelope: m.envelope.clone(),
        result: x411::MessageSubmissionResult {
            message_submission_identifier: id.clone(),
            message_submission_time: x411::Time::from_timestamp(1_795_845_700, 0).unwrap(),
            content_identifier: None,
            extensions: None,
        },
    };
    let envelope = to_submission_record(&record).unwrap();
    let owner = MailboxName::from(&addr(ALICE));
    let requested = [
        AttributeSelection::all(mstore::store::query::Attr::MessageDeliveryIdentifier),
        AttributeSelection::all(mstore::store::query::Attr::Subject),
        AttributeSelection::all(mstore::store::query::Attr::Priority),
    ];
    let read = |store: &Store| {
        let r = store
            .list(
                &owner.id(),
                &Selector::all(EntryClass::Outbox),
                &requested,
                true,
            )
            .unwrap();
        assert_eq!(r.entries.len(), 1);
        let mut a: Vec<(String, String)> = r.entries[0]
            .attributes
            .iter()
            .map(|(k, v)| (k.name().to_string(), v[0].to_string()))
            .collect();
        a.sort();
        a
    };
    let before = {
        let store = Store::open(&data).unwrap();
        store
            .add_entry(
                &owner,
                NewEntry {
                    class: EntryClass::Outbox,
                    entry_type: EntryType::SubmittedMessage,
                    time_ms: 1_795_845_700_000,
                    children: &[],
                    envelope: &envelope,
                    content: &m.content,
                    status: RetrievalStatus::New,
                },
            )
            .unwrap();
        let a = read(&store);
        store.close().unwrap();
        a
    };
    assert!(
        before.contains(&("message-identifier".into(), mts_identifier_text(&id))),
        "{before:?}"
    );
    assert!(before.contains(&("subject".into(), "kept in the outbox".into())));
    mstore::store::offline::rebuild(&mstore::store::RealFs, &data, &[], &mut |_| {}).unwrap();
    let store = Store::open(&data).unwrap();
    assert_eq!(read(&store), before);
    store.close().unwrap();
}

#[test]
fn submission_config_defaults_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = write_config(d, "127.0.0.1:0", "127.0.0.1:102", 88, "10s");
    let text = std::fs::read_to_string(&base).unwrap();
    let with = |submission: &str| {
        let start = text.find("[submission]").unwrap();
        let end = text.find("[store]").unwrap();
        let t = format!("{}{submission}\n{}", &text[..start], &text[end..]);
        let p = d.join("m.toml");
        std::fs::write(&p, t).unwrap();
        Config::load(&p)
    };
    let c =
        with("[submission]\nmta = \"mta.example:102\"\npassword-file = \"mta-password\"").unwrap();
    let s = c.submission.unwrap();
    assert_eq!(
        (s.context, s.outbox, s.wait),
        (88, true, Duration::from_secs(10))
    );
    assert_eq!(s.mta_name, None);
    assert_eq!(s.password.expose(), MTA_PW.as_bytes());
    assert!(with("").unwrap().submission.is_none());
    for (bad, field) in [
        (
            "mta = \"nowhere\"\npassword-file = \"mta-password\"",
            "submission.mta",
        ),
        (
            "mta = \"a:1\"\ncontext = 93\npassword-file = \"mta-password\"",
            "submission.context",
        ),
        (
            "mta = \"a:1\"\nwait = \"0s\"\npassword-file = \"mta-password\"",
            "submission.wait",
        ),
        (
            "mta = \"a:1\"\npassword-file = \"missing\"",
            "submission.password-file",
        ),
    ] {
        let e = with(&format!("[submission]\n{bad}")).unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
}

#[test]
fn compose_makes_ipm_p772_and_amhs_messages_the_extractor_reads() {
    use mstore::content::{ContentKind, extract};
    let base = Compose {
        originator: addr(ALICE),
        to: vec![addr(BOB)],
        subject: "Status".into(),
        text: "All well.\r\n".into(),
        at_unix: 1_795_845_600,
        ..Default::default()
    };
    // Plain P22 IPM.
    let m = compose(&base).unwrap();
    assert_eq!(m.envelope.content_type, x411::ContentType::BuiltIn(22));
    let (a, e) = extract(None, &m.content, ContentKind::Auto);
    assert!(e.is_none(), "{e:?}");
    assert_eq!(a.subject.as_deref(), Some("Status"));
    assert_eq!(a.primary_recipients.len(), 1);
    // P772 with a precedence.
    let m = compose(&Compose {
        precedence: Some(4),
        ..base.clone()
    })
    .unwrap();
    assert!(matches!(
        m.envelope.content_type,
        x411::ContentType::Extended(_)
    ));
    let (a, _) = extract(None, &m.content, ContentKind::P772);
    assert_eq!(a.primary_precedence, Some(4));
    // AMHS basic service: the ATS header heads the text; SS is urgent on the envelope.
    let m = compose(&Compose {
        ats_priority: Some("SS".into()),
        ..base.clone()
    })
    .unwrap();
    assert_eq!(m.envelope.priority, Some(x411::Priority::Urgent));
    let (a, _) = extract(None, &m.content, ContentKind::Auto);
    assert_eq!(a.ats_priority_indicator.as_deref(), Some("SS"));
    assert_eq!(a.ats_service, Some("basic"));
    // What compose refuses.
    assert!(
        compose(&Compose {
            ats_priority: Some("XX".into()),
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        compose(&Compose {
            to: vec![],
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        compose(&Compose {
            text: "caf\u{e9}".into(),
            ..base
        })
        .is_err()
    );
}
