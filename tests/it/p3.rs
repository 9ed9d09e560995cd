//! P3 delivery into the store (issue 10): an MTA binds with mts-forced-access 1988 and 1994,
//! delivers messages and reports over loopback to `mstore::p3::Responder`, and the store holds
//! them with the right attributes; refusals (wrong MTA password, unhosted recipient), a full
//! disk (abort, no result, nothing stored), the real P772 sample, tshark on the traffic, and
//! a SIGKILL during `mstore-bench deliver --ack-log`.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use mstore::address::{ORAddress, ORName};
use mstore::asn1::x411::{
    self, Credentials, MTSBindArgument, MTSBindError, MTSBindResult, MTSIdentifier,
    MessageDeliveryArgument, MessageDeliveryEnvelope, ObjectName, Password, SecurityProblem, err,
};
use mstore::assoc::client::{self, ConnectError, ConnectRequest};
use mstore::assoc::server::{Server, ShutdownSignal};
use mstore::assoc::{AppContext, AssocError, Association, EndReason, Operation, Outcome, Settings};
use mstore::config::Config;
use mstore::content::builder::{Flavor, MessageBuilder};
use mstore::content::envelope::mts_identifier_text;
use mstore::content::{MessageAttributes, extract_delivery};
use mstore::directory::{EmbeddedDirectory, NewUser};
use mstore::osi::rose::Code;
use mstore::p3::{DeliveryObserver, ReportRouter, Responder};
use mstore::store::faults::{Fault, FaultFs, FaultTarget};
use mstore::store::offline;
use mstore::store::{EntryClass, EntryKey, EntryType, MailboxName, RealFs, Store, StoreOptions};
use rasn::types::Ia5String;
use tokio::task::JoinHandle;

use crate::common::fixtures::fixtures;
use crate::common::mta::{deliver, invoke_ok};
use crate::common::proxy::{recording_proxy, tshark_dissect};
use crate::common::tshark::{MTS_BIND_SEEN, assert_tshark_saw, tshark_available};
use crate::common::values::delivery_report;

const MTA: &str = "mta1";
const MTA_PASSWORD: &str = "mta-secret";
const STORE_PASSWORD: &str = "store-secret";
const STORE_ADDRESS: &str = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX";
const USERS: [&str; 2] = [
    "C=XX;A=ICAO;P=GB;O=EGTT;OU1=EGLL;CN=EGLLZTZX",
    "C=gb;A= ;P=mod;O=hq;OU1=jhq;S=Smith;G=Alice",
];
const UNHOSTED: &str = "C=XX;A=ICAO;P=GB;O=EGTT;OU1=EGLL;CN=EGLLNOBODY";

fn oraddr(s: &str) -> ORAddress {
    s.parse().unwrap()
}

fn orname(s: &str) -> ORName {
    s.parse().unwrap()
}

fn ia5(s: &str) -> Ia5String {
    Ia5String::from_iso646_bytes(s.as_bytes()).unwrap()
}

fn settings() -> Settings {
    Settings {
        bind_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        operation_timeout: Duration::from_secs(20),
        shutdown_timeout: Duration::from_millis(500),
        ..Settings::default()
    }
}

/// Records every delivery the responder reports to its observer.
#[derive(Debug, Default)]
struct Seen(Mutex<Vec<(String, EntryKey, MessageAttributes)>>);

impl Seen {
    /// What was seen once `n` deliveries were reported (the observer runs after the result is
    /// sent, so the MTA may see the result first).
    async fn wait_for(&self, n: usize) -> Vec<(String, EntryKey, MessageAttributes)> {
        for _ in 0..200 {
            let v = self.0.lock().unwrap().clone();
            if v.len() >= n {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.0.lock().unwrap().clone()
    }
}

impl DeliveryObserver for Seen {
    fn on_delivered(&self, mailbox: &MailboxName, key: &EntryKey, attributes: &MessageAttributes) {
        self.0.lock().unwrap().push((
            mailbox.address().to_string(),
            key.clone(),
            attributes.clone(),
        ));
    }
}

/// Reports about the submissions it was told of go to their submitter.
#[derive(Debug, Default)]
struct Router(Mutex<std::collections::HashMap<String, MailboxName>>);

impl ReportRouter for Router {
    fn owner_of(&self, subject: &MTSIdentifier) -> Option<MailboxName> {
        self.0
            .lock()
            .unwrap()
            .get(&mts_identifier_text(subject))
            .cloned()
    }
}

/// A configuration directory (mstore.toml, directory.toml with one MTA and two users, the
/// store's password file) as `mstorectl` would leave it.
fn write_config(dir: &Path) -> Config {
    std::fs::create_dir_all(dir.join("secrets")).unwrap();
    std::fs::write(dir.join("secrets/store-password"), STORE_PASSWORD).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("secrets/store-password"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("mstore.toml"),
        format!(
            "data-dir = \"data\"\n\
             [[listeners]]\naddress = \"127.0.0.1:0\"\nt-selector = \"\"\nprotocols = [\"p3\"]\n\
             [store]\nname = \"mstore\"\nor-address = \"{STORE_ADDRESS}\"\n\
             password-file = \"secrets/store-password\"\n\
             [directory]\nkind = \"embedded\"\nfile = \"directory.toml\"\n"
        ),
    )
    .unwrap();
    let d = EmbeddedDirectory::open_or_create(dir.join("directory.toml")).unwrap();
    d.add_mta(MTA, MTA_PASSWORD.as_bytes()).unwrap();
    let users: Vec<NewUser> = USERS.iter().map(|u| NewUser::new(oraddr(u))).collect();
    d.add_users(&users, b"user-pw").unwrap();
    Config::load(dir.join("mstore.toml")).unwrap()
}

/// A store, the responder and a P3 server on 127.0.0.1:0.
struct Fixture {
    _dir: tempfile::TempDir,
    data: PathBuf,
    faults: FaultFs<RealFs>,
    store: Arc<Store>,
    seen: Arc<Seen>,
    router: Arc<Router>,
    addr: SocketAddr,
    shutdown: ShutdownSignal,
    server: JoinHandle<()>,
}

impl Fixture {
    async fn start() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path());
        let faults = FaultFs::new(RealFs);
        let data = config.data_dir.clone();
        let store = Arc::new(
            Store::open_with(Arc::new(faults.clone()), &data, StoreOptions::default()).unwrap(),
        );
        let directory = mstore::directory::from_config(&config).unwrap();
        let seen = Arc::new(Seen::default());
        let router = Arc::new(Router::default());
        let responder = Arc::new(
            Responder::new(store.clone(), directory, config.store.clone())
                .observer(seen.clone())
                .router(router.clone())
                .max_message_size(config.limits.max_message_size),
        );
        let server = Server::bind(
            "127.0.0.1:0".parse().unwrap(),
            vec![AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94],
            settings(),
        )
        .await
        .unwrap();
        let addr = server.local_addr();
        let shutdown = server.shutdown_signal();
        let server = tokio::spawn(mstore::p3::run(server, responder));
        Fixture {
            _dir: dir,
            data,
            faults,
            store,
            seen,
            router,
            addr,
            shutdown,
            server,
        }
    }

    /// Stops the server, closes the store and runs `mstorectl check`'s verification on it.
    async fn stop(self) {
        self.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(10), self.server)
            .await
            .unwrap()
            .unwrap();
        // Per-invoke tasks may hold the responder (and so the store) a moment longer.
        let mut store = self.store;
        for _ in 0..100 {
            match Arc::try_unwrap(store) {
                Ok(s) => {
                    s.close().unwrap();
                    let rep = offline::check(&RealFs, &self.data, &mut |_| {}).unwrap();
                    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
                    return;
                }
                Err(s) => store = s,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("store still in use after the server stopped");
    }

    fn inbox(&self, user: &str) -> Vec<(u32, mstore::store::EntryRow)> {
        let id = MailboxName::from(&oraddr(user)).id();
        self.store.entries(&id, EntryClass::Inbox).unwrap()
    }
}

fn mts_bind(mta: &str, password: &str) -> Bytes {
    Bytes::from(
        x411::encode(&MTSBindArgument {
            initiator_name: ObjectName::Mta(ia5(mta)),
            messages_waiting: None,
            initiator_credentials: Credentials::Simple(Password::Ia5String(ia5(password))),
            security_context: None,
            extensions: None,
        })
        .unwrap(),
    )
}

fn request(addr: SocketAddr, ctx: AppContext, password: &str) -> ConnectRequest {
    ConnectRequest::new(addr.to_string(), ctx, mts_bind(MTA, password)).settings(settings())
}

async fn bind(addr: SocketAddr, ctx: AppContext) -> Association {
    let (assoc, result) = client::connect(request(addr, ctx, MTA_PASSWORD))
        .await
        .unwrap();
    let r: MTSBindResult = x411::decode(&result).unwrap();
    // The store names itself as a message store and gives its configured password.
    assert_eq!(
        r.responder_name,
        ObjectName::MessageStore(orname(STORE_ADDRESS))
    );
    assert_eq!(
        r.responder_credentials,
        Credentials::Simple(Password::Ia5String(ia5(STORE_PASSWORD)))
    );
    assoc
}

/// Reads an entry back and extracts its attributes from the stored envelope and content.
fn stored_attributes(store: &Store, key: &EntryKey) -> MessageAttributes {
    let f = store.read(key).unwrap();
    assert_eq!(f.entry_type, EntryType::DeliveredMessage);
    let env: MessageDeliveryEnvelope = x411::decode(&f.envelope).unwrap();
    let arg = MessageDeliveryArgument {
        message_delivery_identifier: env.message_delivery_identifier,
        message_delivery_time: env.message_delivery_time,
        other_fields: env.other_fields,
        content: f.content.clone().into(),
    };
    extract_delivery(&arg).0
}

async fn deliver_mix_and_check(ctx: AppContext) {
    let fx = Fixture::start().await;
    let assoc = bind(fx.addr, ctx).await;
    let flavors = Flavor::ALL;
    let mut sent = Vec::new();
    for (i, flavor) in flavors.iter().cycle().take(10).enumerate() {
        let user = USERS[i % USERS.len()];
        let mut b = MessageBuilder::new(i as u64 + 7).with_recipient(orname(user));
        let m = b.build(*flavor);
        let r = deliver(&assoc.handle(), m.delivery_ber.clone()).await;
        x411::decode::<x411::MessageDeliveryResult>(&r).unwrap();
        sent.push((user, m));
    }
    assoc.release().await.unwrap();
    // Each message is in its recipient's inbox, in order, with the attributes the MTA's
    // envelope and content carry.
    let seen = fx.seen.wait_for(sent.len()).await;
    assert_eq!(seen.len(), sent.len());
    for user in USERS {
        let rows = fx.inbox(user);
        let mine: Vec<_> = sent.iter().filter(|(u, _)| *u == user).collect();
        assert_eq!(rows.len(), mine.len(), "{user}");
        for ((seq, row), (_, m)) in rows.iter().zip(mine) {
            assert_eq!(row.entry_type, EntryType::DeliveredMessage.code());
            let key = EntryKey {
                mailbox_id: MailboxName::from(&oraddr(user)).id(),
                class: EntryClass::Inbox,
                seq: *seq,
            };
            let want = extract_delivery(&m.delivery).0;
            let got = stored_attributes(&fx.store, &key);
            assert_eq!(got, want);
            assert_eq!(
                got.this_recipient_name.as_deref(),
                Some(orname(user).to_string().as_str())
            );
            assert!(got.message_delivery_identifier.is_some());
            // The observer saw the same entry with the same attributes.
            let (_, _, a) = seen.iter().find(|(_, k, _)| *k == key).unwrap();
            assert_eq!(*a, want);
        }
    }
    fx.stop().await;
}

#[tokio::test]
async fn deliveries_over_mts_forced_access_88_are_stored_with_their_attributes() {
    deliver_mix_and_check(AppContext::MtsForcedAccess88).await;
}

#[tokio::test]
async fn deliveries_over_mts_forced_access_94_are_stored_with_their_attributes() {
    deliver_mix_and_check(AppContext::MtsForcedAccess94).await;
}

#[tokio::test]
async fn wrong_mta_password_and_unknown_mta_are_refused() {
    let fx = Fixture::start().await;
    for (mta, pw) in [(MTA, "wrong"), ("mta-unknown", MTA_PASSWORD)] {
        let req = ConnectRequest::new(
            fx.addr.to_string(),
            AppContext::MtsForcedAccess88,
            mts_bind(mta, pw),
        )
        .settings(settings());
        match client::connect(req).await {
            Err(ConnectError::BindRefused { error: Some(e), .. }) => {
                let e: MTSBindError = x411::decode(&e).unwrap();
                assert_eq!(e, MTSBindError::AUTHENTICATION_ERROR);
            }
            other => panic!("{mta}: expected a bind error, got {other:?}"),
        }
    }
    fx.stop().await;
}

async fn unhosted(ctx: AppContext) {
    let fx = Fixture::start().await;
    let assoc = bind(fx.addr, ctx).await;
    let m = MessageBuilder::new(3)
        .with_recipient(orname(UNHOSTED))
        .build(Flavor::Ipm);
    let out = assoc
        .invoke(
            Operation::MessageDelivery,
            Some(Bytes::from(m.delivery_ber)),
        )
        .await
        .unwrap();
    // security-error, unauthorised-recipient-name.
    let Outcome::Error {
        code,
        parameter: Some(p),
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(code, Code::Local(err::SECURITY_ERROR));
    let problem: SecurityProblem = x411::decode(&p).unwrap();
    assert_eq!(problem, SecurityProblem::UNAUTHORISED_RECIPIENT_NAME);
    // The association goes on: a hosted recipient is still served.
    let m = MessageBuilder::new(4)
        .with_recipient(orname(USERS[0]))
        .build(Flavor::AmhsBasic);
    deliver(&assoc.handle(), m.delivery_ber).await;
    assoc.release().await.unwrap();
    let id = MailboxName::from(&oraddr(UNHOSTED)).id();
    assert!(fx.store.entries(&id, EntryClass::Inbox).unwrap().is_empty());
    assert_eq!(fx.inbox(USERS[0]).len(), 1);
    fx.stop().await;
}

#[tokio::test]
async fn unhosted_recipient_is_refused_with_security_error_88() {
    unhosted(AppContext::MtsForcedAccess88).await;
}

#[tokio::test]
async fn unhosted_recipient_is_refused_with_security_error_94() {
    unhosted(AppContext::MtsForcedAccess94).await;
}

#[tokio::test]
async fn disk_full_aborts_without_a_result_and_stores_nothing() {
    let fx = Fixture::start().await;
    let assoc = bind(fx.addr, AppContext::MtsForcedAccess88).await;
    // One good delivery first, so the mailbox exists and only the message write can fail.
    let mut b = MessageBuilder::new(11).with_recipient(orname(USERS[1]));
    let first = b.build(Flavor::P772);
    deliver(&assoc.handle(), first.delivery_ber).await;
    fx.faults.set(Some((Fault::NoSpace, FaultTarget::Any)));
    let m = b.build(Flavor::Ipm);
    let out = assoc
        .invoke(
            Operation::MessageDelivery,
            Some(Bytes::from(m.delivery_ber)),
        )
        .await;
    // No result, no error, no reject: the association is gone.
    match out {
        Err(AssocError::Ended(EndReason::PeerAborted { .. }))
        | Err(AssocError::Ended(EndReason::TransportLost)) => {}
        other => panic!("expected an abort, got {other:?}"),
    }
    assert!(fx.faults.injected() > 0);
    fx.faults.set(None);
    assert_eq!(fx.inbox(USERS[1]).len(), 1);
    // The store works again once there is room: the MTA's retry is stored.
    let assoc = bind(fx.addr, AppContext::MtsForcedAccess94).await;
    deliver(&assoc.handle(), b.build(Flavor::Ipm).delivery_ber).await;
    assoc.release().await.unwrap();
    assert_eq!(fx.inbox(USERS[1]).len(), 2);
    fx.stop().await;
}

#[tokio::test]
async fn reports_go_to_the_submitter_or_else_to_the_store_mailbox() {
    let fx = Fixture::start().await;
    for ctx in [AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94] {
        let assoc = bind(fx.addr, ctx).await;
        // Two subject identifiers, as the store's own submissions would have got them.
        let known = MessageBuilder::new(21)
            .build(Flavor::Ipm)
            .delivery
            .message_delivery_identifier;
        let unknown = MessageBuilder::new(22)
            .build(Flavor::Ipm)
            .delivery
            .message_delivery_identifier;
        assert_ne!(known, unknown);
        fx.router.0.lock().unwrap().insert(
            mts_identifier_text(&known),
            MailboxName::from(&oraddr(USERS[0])),
        );
        for subject in [&known, &unknown] {
            let r = invoke_ok(
                &assoc.handle(),
                Operation::ReportDelivery,
                delivery_report(subject, UNHOSTED),
            )
            .await;
            assert_eq!(
                x411::decode::<x411::ReportDeliveryResult>(&r).unwrap(),
                x411::ReportDeliveryResult::EmptyResult
            );
        }
        assoc.release().await.unwrap();
    }
    // Each mailbox holds one delivered-report per context, its envelope as sent.
    for (who, n) in [(USERS[0], 2), (STORE_ADDRESS, 2)] {
        let rows = fx.inbox(who);
        assert_eq!(rows.len(), n, "{who}");
        for (seq, row) in rows {
            assert_eq!(row.entry_type, EntryType::DeliveredReport.code());
            let key = EntryKey {
                mailbox_id: MailboxName::from(&oraddr(who)).id(),
                class: EntryClass::Inbox,
                seq,
            };
            let f = fx.store.read(&key).unwrap();
            let env: x411::ReportDeliveryEnvelope = x411::decode(&f.envelope).unwrap();
            assert_eq!(env.per_recipient_fields.len(), 1);
            assert!(f.content.is_empty());
        }
    }
    let seen = fx.seen.wait_for(4).await;
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter()
            .all(|(_, _, a)| a.subject_submission_identifier.is_some())
    );
    fx.stop().await;
}

/// The real P772 content (another vendor's, indefinite-length BER) in an envelope of ours.
fn real_p772_delivery(recipient: &str) -> Option<Bytes> {
    let content = std::fs::read(fixtures()?.join("p772-content.ber")).unwrap();
    let mut arg = MessageBuilder::new(5)
        .with_recipient(orname(recipient))
        .build(Flavor::P772)
        .delivery;
    arg.other_fields.content_type = x411::DeliveredContentType(x411::ContentType::Extended(
        rasn::types::ObjectIdentifier::new(vec![1, 3, 26, 0, 4406, 0, 4, 1]).unwrap(),
    ));
    arg.content = content.into();
    Some(Bytes::from(x411::encode(&arg).unwrap()))
}

#[tokio::test]
async fn real_p772_message_is_stored_with_precedence_immediate() {
    let Some(delivery) = real_p772_delivery(USERS[1]) else {
        return;
    };
    let fx = Fixture::start().await;
    for ctx in [AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94] {
        let assoc = bind(fx.addr, ctx).await;
        deliver(&assoc.handle(), delivery.clone()).await;
        assoc.release().await.unwrap();
    }
    let rows = fx.inbox(USERS[1]);
    assert_eq!(rows.len(), 2);
    for (seq, _) in rows {
        let key = EntryKey {
            mailbox_id: MailboxName::from(&oraddr(USERS[1])).id(),
            class: EntryClass::Inbox,
            seq,
        };
        let a = stored_attributes(&fx.store, &key);
        // MMHSPrecedence immediate (3).
        assert_eq!(a.primary_precedence, Some(3));
        // The content is kept byte for byte, indefinite lengths included.
        let f = fx.store.read(&key).unwrap();
        let sample = std::fs::read(fixtures().unwrap().join("p772-content.ber")).unwrap();
        assert_eq!(f.content, sample);
    }
    fx.stop().await;
}

#[tokio::test]
async fn tshark_decodes_our_p3_traffic_on_both_contexts() {
    if !tshark_available() {
        return;
    }
    let fx = Fixture::start().await;
    for ctx in [AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94] {
        let (proxy, log) = recording_proxy(fx.addr).await;
        let assoc = bind(proxy, ctx).await;
        let m = MessageBuilder::new(31)
            .with_recipient(orname(USERS[0]))
            .build(Flavor::AmhsExtended);
        let subject = m.delivery.message_delivery_identifier.clone();
        deliver(&assoc.handle(), m.delivery_ber).await;
        invoke_ok(
            &assoc.handle(),
            Operation::ReportDelivery,
            delivery_report(&subject, USERS[0]),
        )
        .await;
        let m = MessageBuilder::new(32)
            .with_recipient(orname(UNHOSTED))
            .build(Flavor::Ipm);
        let out = assoc
            .invoke(
                Operation::MessageDelivery,
                Some(Bytes::from(m.delivery_ber)),
            )
            .await
            .unwrap();
        assert!(matches!(out, Outcome::Error { .. }));
        assoc.release().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let text = tshark_dissect(&log.lock().unwrap().clone());
        assert_tshark_saw(&text, &MTS_BIND_SEEN, &format!("{ctx:?}"));
        assert_tshark_saw(
            &text,
            &[
                "MessageDeliveryArgument",
                "MessageDeliveryResult",
                "ReportDeliveryArgument",
                "ReportDeliveryResult",
                "returnError",
                // security-error (12) with its SecurityProblem, as tshark names them.
                "errcode: 12",
                "SecurityProblem: unauthorised-recipient-name (30)",
                "DISCONNECT (DN) SPDU",
            ],
            &format!("{ctx:?}"),
        );
    }
    fx.stop().await;
}

/// Lines of the ack journal written so far.
fn ack_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn sigkill_during_deliver_loses_no_acknowledged_message() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let bench = env!("CARGO_BIN_EXE_mstore-bench");
    // The responder in a child process (mstore-bench's test aid; mstored serves P3 once the
    // p7 branch wires it).
    let mut server = Command::new(bench)
        .args(["serve-p3", "--config"])
        .arg(dir.path().join("mstore.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().strip_prefix("listening ").unwrap().to_string();
    std::fs::write(dir.path().join("recipients"), USERS.join("\n")).unwrap();
    std::fs::write(dir.path().join("mta-password"), MTA_PASSWORD).unwrap();
    let ack = dir.path().join("ack.log");
    let mut mta = Command::new(bench)
        .args([
            "deliver",
            "--server",
            &addr,
            "--mta",
            MTA,
            "--associations",
            "4",
        ])
        .args(["--messages", "1000000", "--context", "94"])
        .arg("--mta-password-file")
        .arg(dir.path().join("mta-password"))
        .arg("--recipients")
        .arg(dir.path().join("recipients"))
        .arg("--ack-log")
        .arg(&ack)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    while ack_lines(&ack).len() < 200 {
        assert!(t.elapsed() < Duration::from_secs(120), "no progress");
        assert!(mta.try_wait().unwrap().is_none(), "deliver ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL in the middle of the load.
    server.kill().unwrap();
    server.wait().unwrap();
    let t = std::time::Instant::now();
    let status = loop {
        if let Some(s) = mta.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(60) {
            mta.kill().unwrap();
            panic!("deliver did not end after the server died");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // Its associations were lost: it reports errors.
    assert!(!status.success());
    let acked = ack_lines(&ack);
    assert!(acked.len() >= 200);

    // `mstorectl check` on the crashed store: no corruption, no loss.
    let rep = offline::check(&RealFs, &config.data_dir, &mut |_| {}).unwrap();
    assert!(rep.ok(), "{rep:?}");
    // Every acknowledged MTS identifier is in the store.
    let store = Store::open(&config.data_dir).unwrap();
    let mut stored = std::collections::HashSet::new();
    for user in USERS {
        let id = MailboxName::from(&oraddr(user)).id();
        for (seq, _) in store.entries(&id, EntryClass::Inbox).unwrap() {
            let f = store
                .read(&EntryKey {
                    mailbox_id: id.clone(),
                    class: EntryClass::Inbox,
                    seq,
                })
                .unwrap();
            let env: MessageDeliveryEnvelope = x411::decode(&f.envelope).unwrap();
            stored.insert(mts_identifier_text(&env.message_delivery_identifier));
        }
    }
    let missing: Vec<&String> = acked.iter().filter(|a| !stored.contains(*a)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
    assert!(stored.len() >= acked.len());
    store.close().unwrap();
    let rep = offline::check(&RealFs, &config.data_dir, &mut |_| {}).unwrap();
    assert!(rep.ok() && rep.recoverable.is_empty(), "{rep:?}");
}

/// A responder on a fresh store and config, without a server: the operation handlers called
/// directly.
fn direct_responder(max: u64) -> (tempfile::TempDir, Responder) {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let store = Arc::new(Store::open(&config.data_dir).unwrap());
    let directory = mstore::directory::from_config(&config).unwrap();
    let r = Responder::new(store, directory, config.store.clone()).max_message_size(max);
    (dir, r)
}

#[test]
fn content_over_the_size_limit_is_delivery_control_violated() {
    use mstore::p3::{OpOutcome, message_delivery};
    let m = MessageBuilder::new(41)
        .with_recipient(orname(USERS[0]))
        .build(Flavor::Ipm);
    let (_d, r) = direct_responder(m.content_ber.len() as u64 - 1);
    let out = message_delivery::handle(&r, MTA, Some(&m.delivery_ber));
    assert_eq!(
        out,
        OpOutcome::Error {
            code: err::DELIVERY_CONTROL_VIOLATED,
            parameter: Some(Bytes::from_static(&[0x05, 0x00]))
        }
    );
    let (_d, r) = direct_responder(m.content_ber.len() as u64);
    let out = message_delivery::handle(&r, MTA, Some(&m.delivery_ber));
    assert!(matches!(out, OpOutcome::Result(..)), "{out:?}");
}

#[test]
fn private_extension_critical_for_delivery_is_unsupported_critical_function() {
    use mstore::asn1::x411::{ExtensionField, ExtensionType};
    use mstore::p3::{OpOutcome, message_delivery};
    let (_d, r) = direct_responder(0);
    let mut m = MessageBuilder::new(42)
        .with_recipient(orname(USERS[0]))
        .build(Flavor::Ipm)
        .delivery;
    let private = |bits: &[bool]| ExtensionField {
        r#type: ExtensionType::PrivateExtension(
            rasn::types::ObjectIdentifier::new(vec![1, 2, 826, 0, 1, 99]).unwrap(),
        ),
        criticality: Some(bits.iter().copied().collect()),
        value: None,
    };
    // Critical for transfer only: stored.
    m.other_fields.extensions = Some(vec![private(&[false, true])]);
    let out = message_delivery::handle(&r, MTA, Some(&x411::encode(&m).unwrap()));
    assert!(matches!(out, OpOutcome::Result(..)), "{out:?}");
    // Critical for delivery (bit 2): refused.
    m.other_fields.extensions = Some(vec![private(&[false, false, true])]);
    let out = message_delivery::handle(&r, MTA, Some(&x411::encode(&m).unwrap()));
    assert_eq!(
        out,
        OpOutcome::Error {
            code: err::UNSUPPORTED_CRITICAL_FUNCTION,
            parameter: Some(Bytes::from_static(&[0x05, 0x00]))
        }
    );
    // Garbage is a mistyped argument, not a stored message.
    let out = message_delivery::handle(&r, MTA, Some(b"\x30\x03\x02\x01"));
    assert_eq!(out, OpOutcome::Mistyped);
    let id = MailboxName::from(&oraddr(USERS[0])).id();
    assert_eq!(r.store.entries(&id, EntryClass::Inbox).unwrap().len(), 1);
}
