//! Live associations over loopback TCP (issue 7): our client against our server for P7
//! ms-access and P3 mts-forced-access — bind accepted and refused, invokes both ways,
//! concurrent outstanding invokes, release, abort paths (garbage, vanishing peer, idle
//! timeout, oversized PDU), limits — tshark dissecting the recorded byte streams, and the
//! real P1 initiator of the ping capture refused cleanly while the server keeps serving.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use bytes::Bytes;
use mstore::address::ORName;
use mstore::asn1::oids;
use mstore::asn1::x411::{self, Credentials, MTSBindArgument, MTSBindResult, ObjectName, Password};
use mstore::assoc::client::{self, ConnectError, ConnectRequest};
use mstore::assoc::server::Server;
use mstore::assoc::{
    AppContext, AssocError, Association, EndReason, Event, Operation, Outcome, Settings, Side,
};
use mstore::ctl::trace;
use mstore::osi::acse::{self, Diagnostic};
use mstore::osi::rose::{Code, Problem, problem};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::common::fixtures::fixtures;
use crate::common::proxy::{recording_proxy, tshark_dissect};
use crate::common::tshark::tshark_available;
use crate::common::values::ia5;

// ---------------------------------------------------------------------------------------------
// Bind arguments and results

/// MSBindArgument (X.413, explicit tags): initiator-name C=GB;A=" ", simple credentials
/// `password`, ms-configuration-request [5] TRUE.
fn ms_bind(password: &str) -> Bytes {
    let pw = password.as_bytes();
    let mut cred = vec![0xa2, (pw.len() + 2) as u8, 0x16, pw.len() as u8];
    cred.extend_from_slice(pw);
    let mut body = vec![
        0x60, 0x0d, 0x30, 0x0b, 0x61, 0x04, 0x13, 0x02, b'G', b'B', 0x62, 0x03, 0x13, 0x01, b' ',
    ];
    body.extend(cred);
    body.extend([0xa5, 0x03, 0x01, 0x01, 0xff]);
    let mut v = vec![0x31, body.len() as u8];
    v.extend(body);
    Bytes::from(v)
}

/// MSBindResult: responder-credentials [2] simple "store".
fn ms_bind_result() -> Bytes {
    Bytes::from_static(&[
        0x31, 0x09, 0xa2, 0x07, 0x16, 0x05, b's', b't', b'o', b'r', b'e',
    ])
}

/// ms-bind-error parameter (X.413): unqualified-error BindProblem authentication-error
/// (ENUMERATED 0).
fn ms_bind_error() -> Bytes {
    Bytes::from_static(&[0x0a, 0x01, 0x00])
}

fn mts_bind(password: &str) -> Bytes {
    Bytes::from(
        x411::encode(&MTSBindArgument {
            initiator_name: ObjectName::Mta(ia5("mta1")),
            messages_waiting: None,
            initiator_credentials: Credentials::Simple(Password::Ia5String(ia5(password))),
            security_context: None,
            extensions: None,
        })
        .unwrap(),
    )
}

fn mts_bind_result() -> Bytes {
    Bytes::from(
        x411::encode(&MTSBindResult {
            responder_name: ObjectName::MessageStore(
                ORName::from_str("C=GB;A= ;P=SMHS;O=Store;S=Recipient").unwrap(),
            ),
            messages_waiting: None,
            responder_credentials: Credentials::Simple(Password::Ia5String(ia5("store"))),
            extensions: None,
        })
        .unwrap(),
    )
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn settings() -> Settings {
    Settings {
        bind_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(30),
        operation_timeout: Duration::from_secs(5),
        shutdown_timeout: Duration::from_millis(500),
        ..Settings::default()
    }
}

// ---------------------------------------------------------------------------------------------
// A test service: binds with password "secret", answers the P7 and P3 operations.

/// What the service saw, for the test to check.
#[derive(Debug)]
enum Seen {
    Bound(AppContext, SocketAddr),
    Invoked(Operation),
    AlertOutcome(Result<Outcome, AssocError>),
    DeliveryControlOutcome(Result<Outcome, AssocError>),
    Ended(EndReason),
}

struct TestServer {
    addr: SocketAddr,
    seen: mpsc::UnboundedReceiver<Seen>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    async fn start(offered: Vec<AppContext>, settings: Settings) -> TestServer {
        let (mut server, addr) = bind_local(offered, settings).await;
        let (tx, seen) = mpsc::unbounded_channel();
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            loop {
                let incoming = tokio::select! {
                    i = server.accept() => i,
                    _ = &mut stop_rx => break,
                };
                let Some(incoming) = incoming else { break };
                let ok = contains(&incoming.bind().ber, b"secret");
                let is_p7 = incoming.info().application_context.is_p7();
                if !ok {
                    incoming.reject(if is_p7 {
                        ms_bind_error()
                    } else {
                        Bytes::from_static(&[0x02, 0x01, 0x02])
                    });
                    continue;
                }
                let _ = tx.send(Seen::Bound(
                    incoming.info().application_context,
                    incoming.info().peer,
                ));
                let assoc = incoming.accept(if is_p7 {
                    ms_bind_result()
                } else {
                    mts_bind_result()
                });
                tokio::spawn(serve(assoc, tx.clone()));
            }
            server.shutdown().await;
        });
        TestServer {
            addr,
            seen,
            stop,
            task,
        }
    }

    async fn next(&mut self) -> Seen {
        tokio::time::timeout(Duration::from_secs(10), self.seen.recv())
            .await
            .expect("service event in time")
            .expect("service running")
    }

    /// Skips to the end of an association and returns its reason.
    async fn ended(&mut self) -> EndReason {
        loop {
            if let Seen::Ended(r) = self.next().await {
                return r;
            }
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

async fn serve(mut assoc: Association, tx: mpsc::UnboundedSender<Seen>) {
    let handle = assoc.handle();
    while let Some(ev) = assoc.next_event().await {
        let inv = match ev {
            Event::Invoke(inv) => inv,
            Event::End(r) => {
                let _ = tx.send(Seen::Ended(r));
                break;
            }
        };
        let _ = tx.send(Seen::Invoked(inv.operation));
        match inv.operation {
            // SummarizeResult: count [1] 0.
            Operation::Summarize => inv.result(Some(Bytes::from_static(&[
                0x31, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00,
            ]))),
            // service-error (27): ServiceProblem unwilling-to-perform, explicit [0].
            Operation::List => inv.error(
                Code::Local(27),
                Some(Bytes::from_static(&[
                    0x31, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x02,
                ])),
            ),
            // Echoes the argument after a delay that shrinks with it, so answers overtake.
            Operation::Fetch => {
                let arg = inv.argument.clone().unwrap_or_default();
                let delay = 200u64.saturating_sub(arg.len() as u64 * 10);
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    inv.result(Some(arg));
                });
            }
            // Register-MS: no-status-information; then the store alerts the UA.
            Operation::RegisterMs => {
                inv.result(Some(Bytes::from_static(&[0x05, 0x00])));
                let h = handle.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    // AlertArgument: alert-registration-identifier [0] 1.
                    let r = h
                        .invoke(
                            Operation::Alert,
                            Some(Bytes::from_static(&[
                                0x31, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x01,
                            ])),
                        )
                        .await;
                    let _ = tx.send(Seen::AlertOutcome(r));
                });
            }
            // P3: the MTA delivers; the store answers and then sends delivery-control.
            Operation::MessageDelivery => {
                inv.result(Some(Bytes::from_static(&[0x31, 0x00])));
                let h = handle.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let r = h
                        .invoke(
                            Operation::DeliveryControl,
                            Some(Bytes::from_static(&[0x31, 0x00])),
                        )
                        .await;
                    let _ = tx.send(Seen::DeliveryControlOutcome(r));
                });
            }
            Operation::SubmissionControl => inv.result(Some(Bytes::from_static(&[0x31, 0x00]))),
            _ => inv.reject(problem::UNRECOGNIZED_OPERATION),
        }
    }
}

/// A server on 127.0.0.1, any free port, offering `offered`; and its address.
async fn bind_local(offered: Vec<AppContext>, settings: Settings) -> (Server, SocketAddr) {
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), offered, settings)
        .await
        .unwrap();
    let addr = server.local_addr();
    (server, addr)
}

fn p7(addr: SocketAddr, password: &str) -> ConnectRequest {
    ConnectRequest::new(addr.to_string(), AppContext::MsAccess88, ms_bind(password))
        .called_tsel(b"3001")
        .settings(settings())
}

fn p3_forced(addr: SocketAddr, password: &str) -> ConnectRequest {
    ConnectRequest::new(
        addr.to_string(),
        AppContext::MtsForcedAccess88,
        mts_bind(password),
    )
    .settings(settings())
}

async fn next_event(a: &mut Association) -> Event {
    tokio::time::timeout(Duration::from_secs(10), a.next_event())
        .await
        .expect("event in time")
        .expect("an event")
}

// ---------------------------------------------------------------------------------------------
// Bind

#[tokio::test]
async fn bind_accepted_and_refused() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let (assoc, result) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert_eq!(result, ms_bind_result());
    let Seen::Bound(ctx, peer) = srv.next().await else {
        panic!()
    };
    assert_eq!(ctx, AppContext::MsAccess88);
    assert_eq!(peer.ip(), srv.addr.ip());
    let info = assoc.info();
    assert_eq!(info.side, Side::Consumer);
    // ACSE, msse, mrse-88, mase-88 and the ms-88 bind syntax all accepted.
    assert_eq!(info.contexts.len(), 5);
    assert!(info.context_for(oids::ID_AS_MRSE_88).is_some());

    let err = client::connect(p7(srv.addr, "wrong")).await.unwrap_err();
    assert_eq!(
        err,
        ConnectError::BindRefused {
            error: Some(ms_bind_error()),
            diagnostic: Diagnostic::User(acse::user_diag::NO_REASON),
        }
    );
    assoc.release().await.unwrap();
    assert_eq!(srv.ended().await, EndReason::Released { by_peer: true });
    srv.stop().await;
}

#[tokio::test]
async fn responder_sees_selectors_and_bind_syntax() {
    let (mut server, addr) = bind_local(
        vec![AppContext::MsAccess94, AppContext::MtsForcedAccess94],
        settings(),
    )
    .await;
    let mut req = ConnectRequest::new(addr.to_string(), AppContext::MsAccess94, ms_bind("secret"))
        .called_tsel(b"3001")
        .settings(settings());
    req.calling_tsel = Some(Bytes::from_static(b"UA"));
    let client = tokio::spawn(client::connect(req));
    let incoming = server.accept().await.unwrap();
    let info = incoming.info().clone();
    assert_eq!(info.application_context, AppContext::MsAccess94);
    assert_eq!(info.side, Side::Supplier);
    assert_eq!(info.called_tsel.as_deref(), Some(&b"3001"[..]));
    assert_eq!(info.calling_tsel.as_deref(), Some(&b"UA"[..]));
    let bind = incoming.bind().clone();
    assert_eq!(bind.syntax, mstore::assoc::BindSyntax::Ms94);
    assert_eq!(bind.ber, ms_bind("secret"));
    assert_eq!(
        info.contexts.get(&bind.context_id).map(|o| o.to_vec()),
        Some(vec![2, 6, 0, 2, 17])
    );
    let assoc = incoming.accept(ms_bind_result());
    let (c, _) = client.await.unwrap().unwrap();
    c.abort();
    let mut assoc = assoc;
    assert!(matches!(
        next_event(&mut assoc).await,
        Event::End(EndReason::PeerAborted { .. })
    ));
    server.shutdown().await;
}

#[tokio::test]
async fn listener_t_selector_is_required() {
    let listener = mstore::config::Listener {
        address: "127.0.0.1:0".parse().unwrap(),
        t_selector: "3001".parse().unwrap(),
        protocols: vec![mstore::config::Protocol::P7],
    };
    let mut server = Server::from_listener(&listener, settings()).await.unwrap();
    let addr = server.local_addr();
    let serve = tokio::spawn(async move {
        let incoming = server.accept().await.unwrap();
        assert_eq!(incoming.info().called_tsel.as_deref(), Some(&b"3001"[..]));
        let assoc = incoming.accept(ms_bind_result());
        (server, assoc)
    });
    let wrong = ConnectRequest::new(addr.to_string(), AppContext::MsAccess88, ms_bind("secret"))
        .called_tsel(b"102")
        .settings(settings());
    let err = client::connect(wrong).await.unwrap_err();
    assert!(
        !matches!(err, ConnectError::BindRefused { .. }),
        "closed before any AARE: {err:?}"
    );
    let (c, _) = client::connect(p7(addr, "secret")).await.unwrap();
    let (server, _assoc) = serve.await.unwrap();
    c.abort();
    server.shutdown().await;
}

#[tokio::test]
async fn unoffered_context_is_refused_with_the_acse_diagnostic() {
    let srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let err = client::connect(p3_forced(srv.addr, "secret"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectError::BindRefused {
            error: None,
            diagnostic: Diagnostic::User(acse::user_diag::APPLICATION_CONTEXT_NOT_SUPPORTED),
        }
    );
    srv.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Operations

#[tokio::test]
async fn invokes_both_ways() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let (mut assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    let _bound = srv.next().await;
    let summarize = assoc
        .invoke(
            Operation::Summarize,
            Some(Bytes::from_static(&[0x31, 0x04, 0xa1, 0x02, 0x31, 0x00])),
        )
        .await
        .unwrap();
    assert_eq!(
        summarize,
        Outcome::Result(Some(Bytes::from_static(&[
            0x31, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00
        ])))
    );
    assert!(matches!(
        srv.next().await,
        Seen::Invoked(Operation::Summarize)
    ));
    let list = assoc
        .invoke(Operation::List, Some(Bytes::from_static(&[0x31, 0x00])))
        .await
        .unwrap();
    assert!(matches!(
        list,
        Outcome::Error {
            code: Code::Local(27),
            parameter: Some(_)
        }
    ));
    assert!(matches!(srv.next().await, Seen::Invoked(Operation::List)));

    // A UA may not invoke Alert: dispatch refuses it locally, and sent raw it is rejected.
    assert_eq!(
        assoc.invoke(Operation::Alert, None).await,
        Err(AssocError::NotAvailable(Operation::Alert))
    );
    let mrse = assoc.info().context_for(oids::ID_AS_MRSE_88).unwrap();
    let raw = assoc
        .handle()
        .invoke_raw(mrse, Code::Local(25), None)
        .await
        .unwrap();
    assert_eq!(
        raw,
        Outcome::Rejected(Problem::Invoke(problem::UNRECOGNIZED_OPERATION))
    );

    // Register-MS, then the store alerts us on the same association.
    let r = assoc
        .invoke(
            Operation::RegisterMs,
            Some(Bytes::from_static(&[0x31, 0x00])),
        )
        .await
        .unwrap();
    assert_eq!(r, Outcome::Result(Some(Bytes::from_static(&[0x05, 0x00]))));
    let Event::Invoke(alert) = next_event(&mut assoc).await else {
        panic!()
    };
    assert_eq!(alert.operation, Operation::Alert);
    assert_eq!(alert.code, Code::Local(25));
    assert_eq!(Some(alert.context_id), Some(mrse));
    alert.result(None);
    loop {
        match srv.next().await {
            Seen::AlertOutcome(o) => {
                assert_eq!(o, Ok(Outcome::Result(None)));
                break;
            }
            Seen::Invoked(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assoc.release().await.unwrap();
    assert!(matches!(
        next_event(&mut assoc).await,
        Event::End(EndReason::Released { by_peer: false })
    ));
    assert_eq!(srv.ended().await, EndReason::Released { by_peer: true });
    srv.stop().await;
}

#[tokio::test]
async fn concurrent_outstanding_invokes_are_matched_by_id() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let (assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    let _bound = srv.next().await;
    let mut tasks = Vec::new();
    for i in 0..12u8 {
        let h = assoc.handle();
        // OCTET STRING of i+1 octets: larger arguments are answered sooner.
        let mut arg = vec![0x04, i + 1];
        arg.extend(std::iter::repeat_n(i, usize::from(i) + 1));
        let arg = Bytes::from(arg);
        tasks.push(tokio::spawn(async move {
            let o = h.invoke(Operation::Fetch, Some(arg.clone())).await.unwrap();
            (arg, o, tokio::time::Instant::now())
        }));
    }
    let mut done = Vec::new();
    for t in tasks {
        let (arg, o, at) = t.await.unwrap();
        assert_eq!(o, Outcome::Result(Some(arg.clone())));
        done.push((arg.len(), at));
    }
    // The biggest argument (answered after 60 ms) came back before the smallest (170 ms),
    // though invoked last: answers really overtook each other.
    let at = |len: usize| done.iter().find(|(l, _)| *l == len).unwrap().1;
    assert!(at(2 + 12) < at(2 + 1));
    assoc.release().await.unwrap();
    srv.stop().await;
}

#[tokio::test]
async fn outstanding_invoke_limit_is_enforced_both_ways() {
    let mut s = settings();
    s.osi.max_outstanding_invokes = 2;
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], s.clone()).await;
    let (assoc, _) = client::connect(p7(srv.addr, "secret").settings(s))
        .await
        .unwrap();
    let _bound = srv.next().await;
    let h = assoc.handle();
    let arg = Some(Bytes::from_static(&[0x04, 0x00]));
    let (a, b, c) = tokio::join!(
        h.invoke(Operation::Fetch, arg.clone()),
        h.invoke(Operation::Fetch, arg.clone()),
        h.invoke(Operation::Fetch, arg.clone()),
    );
    let results = [a, b, c];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        2,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(AssocError::Refused(_)))),
        "{results:?}"
    );
    assoc.release().await.unwrap();
    srv.stop().await;
}

#[tokio::test]
async fn p3_forced_access_code_two_dispatched_by_syntax_and_direction() {
    let mut srv = TestServer::start(
        vec![AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94],
        settings(),
    )
    .await;
    // We play the MTA here: the supplier side, initiating.
    let (mut mta, result) = client::connect(p3_forced(srv.addr, "secret"))
        .await
        .unwrap();
    assert_eq!(result, mts_bind_result());
    assert_eq!(mta.info().side, Side::Supplier);
    let _bound = srv.next().await;
    let r = mta
        .invoke(
            Operation::SubmissionControl,
            Some(Bytes::from_static(&[0x31, 0x00])),
        )
        .await
        .unwrap();
    assert_eq!(r, Outcome::Result(Some(Bytes::from_static(&[0x31, 0x00]))));
    assert!(matches!(
        srv.next().await,
        Seen::Invoked(Operation::SubmissionControl)
    ));
    let r = mta
        .invoke(Operation::MessageDelivery, Some(delivery_argument()))
        .await
        .unwrap();
    assert!(matches!(r, Outcome::Result(_)));
    // The store's delivery-control is code 2 in the delivery syntax: seen as such here.
    let Event::Invoke(dc) = next_event(&mut mta).await else {
        panic!()
    };
    assert_eq!(dc.operation, Operation::DeliveryControl);
    assert_eq!(dc.code, Code::Local(2));
    assert_eq!(
        mta.info().contexts.get(&dc.context_id).unwrap().to_vec(),
        vec![2, 6, 0, 2, 2]
    );
    dc.result(Some(Bytes::from_static(&[0x31, 0x00])));
    loop {
        match srv.next().await {
            Seen::DeliveryControlOutcome(o) => {
                assert!(matches!(o, Ok(Outcome::Result(_))));
                break;
            }
            Seen::Invoked(_) => {}
            other => panic!("{other:?}"),
        }
    }
    // An MTA may not invoke delivery-control: rejected by the store.
    let mdse = mta.info().context_for(oids::ID_AS_MDSE_88).unwrap();
    let r = mta
        .handle()
        .invoke_raw(
            mdse,
            Code::Local(2),
            Some(Bytes::from_static(&[0x31, 0x00])),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        Outcome::Rejected(Problem::Invoke(problem::UNRECOGNIZED_OPERATION))
    );
    mta.release().await.unwrap();
    srv.stop().await;
}

/// MessageDeliveryArgument as the x411 tests build it (a minimal IPM as content).
fn delivery_argument() -> Bytes {
    use mstore::asn1::x411::*;
    use rasn::types::{OctetString, PrintableString};
    let printable = |s: &str| PrintableString::from_bytes(s.as_bytes()).unwrap();
    let name = |s: &str| ORName::from_str(s).unwrap();
    let time = |s: i64| Time::from_timestamp(s, 0).unwrap();
    let arg = MessageDeliveryArgument {
        message_delivery_identifier: MTSIdentifier {
            global_domain_identifier: GlobalDomainIdentifier {
                country_name: CountryName::Iso3166Alpha2Code(printable("GB")),
                administration_domain_name: AdministrationDomainName::Printable(printable(" ")),
                private_domain_identifier: Some(PrivateDomainIdentifier::Printable(printable(
                    "SMHS",
                ))),
            },
            local_identifier: ia5("mstore.0001"),
        },
        message_delivery_time: time(1_764_300_000),
        other_fields: OtherMessageDeliveryFields {
            content_type: DeliveredContentType(ContentType::BuiltIn(
                built_in_content_type::INTERPERSONAL_MESSAGING_1988,
            )),
            originator_name: name("C=GB;A= ;P=SMHS;O=Percival;S=Gal"),
            original_encoded_information_types: None,
            priority: Some(Priority::Urgent),
            delivery_flags: None,
            other_recipient_names: None,
            this_recipient_name: name("C=GB;A= ;P=SMHS;O=Store;S=Recipient"),
            originally_intended_recipient_name: None,
            converted_encoded_information_types: None,
            message_submission_time: time(1_764_299_000),
            content_identifier: None,
            extensions: None,
        },
        content: OctetString::from_static(b"\xa0\x0a\x31\x06\x6b\x04\x13\x02AB\x30\x00"),
    };
    Bytes::from(x411::encode(&arg).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Release and abort paths

/// A raw RFC 1006 peer driven by a test-side Stack, to send what our client never would.
struct RawPeer {
    stream: TcpStream,
    stack: mstore::osi::stack::Stack,
}

impl RawPeer {
    async fn bind(addr: SocketAddr) -> RawPeer {
        use mstore::osi::presentation::ContextDef;
        use mstore::osi::stack::{ConnectParams, Role, Stack, StackEvent};
        use rasn::types::ObjectIdentifier;
        let ber = vec![ObjectIdentifier::from(oids::ID_BER)];
        let def = |id, o: &rasn::types::Oid| ContextDef {
            id,
            abstract_syntax: ObjectIdentifier::from(o),
            transfer_syntaxes: ber.clone(),
        };
        let mut stack = Stack::new(
            Role::Initiator,
            mstore::osi::Limits::default(),
            vec![],
            None,
        );
        stack
            .connect(ConnectParams {
                calling_tsel: None,
                called_tsel: None,
                calling_ssel: None,
                called_ssel: None,
                calling_psel: None,
                called_psel: None,
                contexts: vec![
                    def(1, oids::ID_AS_ACSE),
                    def(3, oids::ID_AS_MRSE_88),
                    def(5, oids::ID_AS_MS_88),
                ],
                aarq: acse::Aarq::new(
                    ObjectIdentifier::from(oids::ID_AC_MS_ACCESS_88),
                    vec![acse::RosBind::Invoke(ms_bind("secret")).to_external(5)],
                ),
            })
            .unwrap();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut buf = vec![0u8; 8192];
        loop {
            let out = stack.take_output();
            stream.write_all(&out).await.unwrap();
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "server closed during bind");
            let ev = stack.feed(&buf[..n]);
            if ev
                .iter()
                .any(|e| matches!(e, StackEvent::AssociateConfirm(_)))
            {
                break;
            }
        }
        RawPeer { stream, stack }
    }

    /// Reads until the server closes; returns everything read.
    async fn read_to_close(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(10), self.stream.read_to_end(&mut all))
            .await
            .expect("server closes in time");
        let _ = r;
        all
    }
}

async fn assert_server_still_serves(addr: SocketAddr) {
    let (assoc, _) = client::connect(p7(addr, "secret")).await.unwrap();
    let r = assoc
        .invoke(
            Operation::Summarize,
            Some(Bytes::from_static(&[0x31, 0x04, 0xa1, 0x02, 0x31, 0x00])),
        )
        .await
        .unwrap();
    assert!(matches!(r, Outcome::Result(Some(_))));
    assoc.release().await.unwrap();
}

#[tokio::test]
async fn garbage_mid_association_aborts_only_that_association() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let mut peer = RawPeer::bind(srv.addr).await;
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    // A DT whose session data is not an SPDU the session layer accepts.
    peer.stream
        .write_all(&[3, 0, 0, 12, 2, 0xf0, 0x80, 0x77, 0x77, 0x77, 0x77, 0x77])
        .await
        .unwrap();
    let back = peer.read_to_close().await;
    // The failing layer's abort came back before the close (an AB SPDU, 0x19, in a DT).
    let ev = peer.stack.feed(&back);
    assert!(
        ev.iter()
            .any(|e| matches!(e, mstore::osi::stack::StackEvent::Aborted { .. })),
        "{ev:?} from {back:02x?}"
    );
    assert!(matches!(srv.ended().await, EndReason::ProtocolError(_)));
    assert_server_still_serves(srv.addr).await;
    srv.stop().await;
}

#[tokio::test]
async fn vanishing_peer_ends_the_association() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let peer = RawPeer::bind(srv.addr).await;
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    drop(peer);
    assert_eq!(srv.ended().await, EndReason::TransportLost);
    assert_server_still_serves(srv.addr).await;
    srv.stop().await;
}

#[tokio::test]
async fn idle_association_is_aborted() {
    let mut s = settings();
    s.idle_timeout = Duration::from_millis(300);
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], s).await;
    let started = tokio::time::Instant::now();
    let (mut assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    assert!(matches!(
        next_event(&mut assoc).await,
        Event::End(EndReason::PeerAborted { .. })
    ));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(srv.ended().await, EndReason::IdleTimeout);
    srv.stop().await;
}

#[tokio::test]
async fn oversized_pdu_aborts_the_association() {
    let mut s = settings();
    s.osi.max_tsdu = 4096;
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], s).await;
    let (mut assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    let mut arg = vec![0x04, 0x82, 0x27, 0x10];
    arg.extend(std::iter::repeat_n(0x5a, 10_000));
    let r = assoc.invoke(Operation::Fetch, Some(Bytes::from(arg))).await;
    assert!(matches!(r, Err(AssocError::Ended(_))), "{r:?}");
    assert!(matches!(next_event(&mut assoc).await, Event::End(_)));
    assert!(matches!(srv.ended().await, EndReason::ProtocolError(e) if e.contains("TSDU")));
    assert_server_still_serves(srv.addr).await;
    srv.stop().await;
}

#[tokio::test]
async fn client_abort_reaches_the_service() {
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let (assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    assoc.abort();
    assert!(matches!(srv.ended().await, EndReason::PeerAborted { .. }));
    // Dropping every handle of a bound association aborts it too.
    let (assoc, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    drop(assoc);
    assert!(matches!(srv.ended().await, EndReason::PeerAborted { .. }));
    srv.stop().await;
}

#[tokio::test]
async fn silent_connection_is_closed_after_the_bind_timeout() {
    let mut s = settings();
    s.bind_timeout = Duration::from_millis(300);
    let srv = TestServer::start(vec![AppContext::MsAccess88], s).await;
    let mut stream = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf))
        .await
        .expect("closed by the server")
        .unwrap_or(0);
    assert_eq!(n, 0);
    srv.stop().await;
}

#[tokio::test]
async fn max_associations_refuses_extra_connections() {
    let mut s = settings();
    s.max_associations = 1;
    let mut srv = TestServer::start(vec![AppContext::MsAccess88], s).await;
    let (first, _) = client::connect(p7(srv.addr, "secret")).await.unwrap();
    assert!(matches!(srv.next().await, Seen::Bound(..)));
    let second = client::connect(p7(srv.addr, "secret")).await;
    assert!(second.is_err(), "{second:?}");
    first.release().await.unwrap();
    assert!(matches!(srv.ended().await, EndReason::Released { .. }));
    // The permit is back once the first connection task ends.
    let mut ok = false;
    for _ in 0..50 {
        if let Ok((a, _)) = client::connect(p7(srv.addr, "secret")).await {
            a.release().await.unwrap();
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ok);
    srv.stop().await;
}

#[tokio::test]
async fn shutdown_ends_bound_associations() {
    let (mut server, addr) = bind_local(vec![AppContext::MsAccess88], settings()).await;
    let client = tokio::spawn(client::connect(p7(addr, "secret")));
    let incoming = server.accept().await.unwrap();
    let mut assoc = incoming.accept(ms_bind_result());
    let (mut c, _) = client.await.unwrap().unwrap();
    assert_eq!(server.open_associations(), 1);
    let t = tokio::time::Instant::now();
    server.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(3));
    assert!(matches!(
        next_event(&mut assoc).await,
        Event::End(EndReason::Shutdown)
    ));
    assert!(matches!(
        next_event(&mut c).await,
        Event::End(EndReason::PeerAborted { .. })
    ));
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_signal_from_another_task_ends_the_accept_loop() {
    let (mut server, addr) = bind_local(vec![AppContext::MsAccess88], settings()).await;
    let signal = server.shutdown_signal();
    let client = tokio::spawn(client::connect(p7(addr, "secret")));
    let assoc = server.accept().await.unwrap().accept(ms_bind_result());
    let (c, _) = client.await.unwrap().unwrap();
    // An operation in flight when the signal comes is still answered.
    let h = c.handle();
    let fetch = tokio::spawn(async move {
        h.invoke(Operation::Fetch, Some(Bytes::from_static(&[0x04, 0x00])))
            .await
    });
    let mut assoc = assoc;
    let Event::Invoke(inv) = next_event(&mut assoc).await else {
        panic!()
    };
    signal.trigger();
    tokio::time::sleep(Duration::from_millis(50)).await;
    inv.result(Some(Bytes::from_static(&[0x04, 0x00])));
    assert!(matches!(fetch.await.unwrap(), Ok(Outcome::Result(_))));
    assert!(matches!(
        next_event(&mut assoc).await,
        Event::End(EndReason::Shutdown)
    ));
    let accepted = tokio::time::timeout(Duration::from_secs(5), server.accept()).await;
    assert!(matches!(accepted, Ok(None)));
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// The real P1 initiator against our server

#[tokio::test]
async fn real_p1_initiator_is_refused_and_the_server_keeps_serving() {
    let Some(dir) = fixtures() else { return };
    let data = std::fs::read(dir.join("x400-ping-success.pcap")).unwrap();
    let frames = trace::read_capture(&data).unwrap();
    let conv = trace::conversations(&frames, Some(102)).remove(0);
    let initiator = conv.to_responder.data;
    let srv = TestServer::start(
        vec![AppContext::MsAccess88, AppContext::MtsForcedAccess88],
        settings(),
    )
    .await;
    let mut stream = TcpStream::connect(srv.addr).await.unwrap();
    // The CR, then (after our CC) the CN / CP / AARQ; the rest of the capture is the release,
    // which must never be needed.
    stream.write_all(&initiator[..29]).await.unwrap();
    let mut cc = [0u8; 4];
    stream.read_exact(&mut cc).await.unwrap();
    let mut rest = vec![0u8; usize::from(u16::from_be_bytes([cc[2], cc[3]])) - 4];
    stream.read_exact(&mut rest).await.unwrap();
    assert_eq!(rest[1], 0xd0, "a CC");
    stream.write_all(&initiator[29..234]).await.unwrap();
    let mut refusal = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut refusal))
        .await
        .unwrap()
        .unwrap();
    // Decoded by the trace tool: an AARE rejecting the application context.
    let mut transcript = cc.to_vec();
    transcript.extend(rest);
    transcript.extend(&refusal);
    let text = trace::trace(
        &trace::write_pcap(&[(true, &initiator[..234]), (false, &transcript)], 102),
        Some(102),
    )
    .unwrap();
    assert_eq!(text.problems, 0, "{}", text.text);
    for needle in [
        "SPDU RF",
        "PPDU CPR",
        "APDU AARE",
        "application-context-name-not-supported",
    ] {
        assert!(text.text.contains(needle), "{needle}:\n{}", text.text);
    }
    assert_server_still_serves(srv.addr).await;
    srv.stop().await;
}

// ---------------------------------------------------------------------------------------------
// tshark reads what our client and server exchange

#[tokio::test]
async fn tshark_dissects_our_p7_and_p3_exchanges() {
    if !tshark_available() {
        return;
    }
    // P7 ms-access-88: bind, summarize, register-MS, alert from the store, release.
    let srv = TestServer::start(
        vec![AppContext::MsAccess88, AppContext::MtsForcedAccess88],
        settings(),
    )
    .await;
    let (proxy, log) = recording_proxy(srv.addr).await;
    let (mut assoc, _) = client::connect(p7(proxy, "secret")).await.unwrap();
    assoc
        .invoke(
            Operation::Summarize,
            Some(Bytes::from_static(&[0x31, 0x04, 0xa1, 0x02, 0x31, 0x00])),
        )
        .await
        .unwrap();
    assoc
        .invoke(
            Operation::RegisterMs,
            Some(Bytes::from_static(&[0x31, 0x00])),
        )
        .await
        .unwrap();
    let Event::Invoke(alert) = next_event(&mut assoc).await else {
        panic!()
    };
    alert.result(None);
    // Let the alert's answer reach the server before releasing.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assoc.release().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let p7_log = log.lock().unwrap().clone();
    let text = tshark_dissect(&p7_log);
    for needed in [
        "CONNECT (CN) SPDU",
        "ACCEPT (AC) SPDU",
        "aarq",
        "aare",
        "X.413 Message Store Service",
        "X.880 OSI Remote Operations Service",
        "SummarizeArgument",
        "SummarizeResult",
        "Register-MSArgument",
        "Register-MSResult",
        "AlertArgument",
        "returnResult",
        "FINISH (FN) SPDU",
        "DISCONNECT (DN) SPDU",
    ] {
        assert!(
            text.contains(needed),
            "tshark did not see {needed}:\n{text}"
        );
    }

    // P3 mts-forced-access-88: bind, message-delivery, delivery-control, release.
    let (proxy, log) = recording_proxy(srv.addr).await;
    let (mut mta, _) = client::connect(p3_forced(proxy, "secret")).await.unwrap();
    mta.invoke(Operation::MessageDelivery, Some(delivery_argument()))
        .await
        .unwrap();
    let Event::Invoke(dc) = next_event(&mut mta).await else {
        panic!()
    };
    dc.result(Some(Bytes::from_static(&[0x31, 0x00])));
    tokio::time::sleep(Duration::from_millis(100)).await;
    mta.release().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let p3_log = log.lock().unwrap().clone();
    let text = tshark_dissect(&p3_log);
    // tshark's P3 dissector names operation code 2 submission-control whatever the
    // presentation context (the ambiguity dispatch resolves); both take a Controls SET, so
    // the store's delivery-control decodes cleanly under that name.
    for needed in [
        "aarq",
        "aare",
        "X.411 Message Access Service",
        "MTSBindArgument",
        "MTSBindResult",
        "MessageDeliveryArgument",
        "MessageDeliveryResult",
        "opcode: 2",
        "returnResult",
        "DISCONNECT (DN) SPDU",
    ] {
        assert!(
            text.contains(needed),
            "tshark did not see {needed}:\n{text}"
        );
    }

    // A refused P7 bind: RF / CPR / AARE rejected with the ms-bind-error.
    let (proxy, log) = recording_proxy(srv.addr).await;
    let err = client::connect(p7(proxy, "wrong")).await.unwrap_err();
    assert!(matches!(err, ConnectError::BindRefused { .. }));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused_log = log.lock().unwrap().clone();
    let text = tshark_dissect(&refused_log);
    for needed in [
        "REFUSE (RF) SPDU",
        "aare",
        "rejected-permanent",
        "bind-error",
    ] {
        assert!(
            text.contains(needed),
            "tshark did not see {needed}:\n{text}"
        );
    }
    srv.stop().await;
}

#[tokio::test]
async fn responder_release_and_slow_bind_answer() {
    let mut s = settings();
    s.bind_timeout = Duration::from_millis(300);
    let (mut server, addr) = bind_local(vec![AppContext::MsAccess88], s).await;
    // The store may release too (RLRQ in FN from the responder).
    let client = tokio::spawn(client::connect(p7(addr, "secret")));
    let assoc = server.accept().await.unwrap().accept(ms_bind_result());
    let (mut c, _) = client.await.unwrap().unwrap();
    assoc.release().await.unwrap();
    assert!(matches!(
        next_event(&mut c).await,
        Event::End(EndReason::Released { by_peer: true })
    ));
    // A service that holds the bind past the bind timeout: refused (rejected-transient).
    let client = tokio::spawn(client::connect(p7(addr, "secret")));
    let held = server.accept().await.unwrap();
    let err = client.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            ConnectError::BindRefused {
                diagnostic: Diagnostic::User(acse::user_diag::NO_REASON),
                ..
            }
        ),
        "{err:?}"
    );
    // Answering afterwards is harmless: the association is already over.
    let mut late = held.accept(ms_bind_result());
    assert!(matches!(next_event(&mut late).await, Event::End(_)));
    server.shutdown().await;
}

#[tokio::test]
async fn hostile_bytes_before_bind_close_only_that_connection() {
    let srv = TestServer::start(vec![AppContext::MsAccess88], settings()).await;
    let mut seed: u64 = 0x0123_4567_89ab_cdef;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let samples: Vec<Vec<u8>> = vec![
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        // A TPKT announcing 65535 octets and sending a few: waits, then the bind timeout.
        vec![3, 0, 0xff, 0xff, 2, 0xf0],
        // A CR preferring class 4: answered with a class-0 CC, then silence until the bind
        // timeout.
        vec![3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 1, 0x40],
        (0..300).map(|_| next() as u8).collect(),
    ];
    let mut s = settings();
    s.bind_timeout = Duration::from_millis(300);
    let srv2 = TestServer::start(vec![AppContext::MsAccess88], s).await;
    for (i, bytes) in samples.iter().enumerate() {
        let addr = if i == 1 || i == 2 {
            srv2.addr
        } else {
            srv.addr
        };
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let _ = stream.write_all(bytes).await;
        let mut back = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut back)).await;
        assert!(r.is_ok(), "sample {i}: the server closes the connection");
    }
    assert_server_still_serves(srv.addr).await;
    assert_server_still_serves(srv2.addr).await;
    srv.stop().await;
    srv2.stop().await;
}

#[tokio::test]
async fn timed_out_invokes_free_their_slot() {
    let (mut server, addr) = bind_local(vec![AppContext::MsAccess88], settings()).await;
    let mut s = settings();
    s.osi.max_outstanding_invokes = 1;
    s.operation_timeout = Duration::from_millis(200);
    let client = tokio::spawn(client::connect(p7(addr, "secret").settings(s)));
    let mut assoc = server.accept().await.unwrap().accept(ms_bind_result());
    let (c, _) = client.await.unwrap().unwrap();
    let arg = Some(Bytes::from_static(&[0x04, 0x00]));
    // The store holds the first fetch past the client's operation timeout.
    assert_eq!(
        c.invoke(Operation::Fetch, arg.clone()).await,
        Err(AssocError::Timeout)
    );
    let Event::Invoke(first) = next_event(&mut assoc).await else {
        panic!()
    };
    // The single slot is free again: a second fetch goes out and is answered.
    let h = c.handle();
    let second = tokio::spawn(async move { h.invoke(Operation::Fetch, arg).await });
    let Event::Invoke(inv) = next_event(&mut assoc).await else {
        panic!()
    };
    // The late answer to the first is rejected by the client's ROSE, harmlessly.
    first.result(None);
    inv.result(Some(Bytes::from_static(&[0x04, 0x01, 0x02])));
    assert_eq!(
        second.await.unwrap(),
        Ok(Outcome::Result(Some(Bytes::from_static(&[
            0x04, 0x01, 0x02
        ]))))
    );
    c.release().await.unwrap();
    server.shutdown().await;
}

/// A slow service cannot be flooded: beyond the outstanding limit the peer's invokes are
/// rejected with resource-limitation, so what waits for the service stays bounded.
#[tokio::test]
async fn peer_invokes_beyond_the_limit_are_rejected() {
    use mstore::osi::rose::RosePdu;
    use mstore::osi::stack::StackEvent;
    let mut s = settings();
    s.osi.max_outstanding_invokes = 2;
    let (mut server, addr) = bind_local(vec![AppContext::MsAccess88], s).await;
    let peer = tokio::spawn(RawPeer::bind(addr));
    let mut assoc = server.accept().await.unwrap().accept(ms_bind_result());
    let mut peer = peer.await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            peer.stack
                .invoke(3, Code::Local(22), Some(Bytes::from_static(&[0x04, 0x00])))
                .unwrap(),
        );
    }
    let out = peer.stack.take_output();
    peer.stream.write_all(&out).await.unwrap();
    // The service holds the first two without answering.
    let mut held = Vec::new();
    for _ in 0..2 {
        let Event::Invoke(inv) = next_event(&mut assoc).await else {
            panic!()
        };
        held.push(inv);
    }
    let mut buf = vec![0u8; 4096];
    let mut rejected = None;
    while rejected.is_none() {
        let n = tokio::time::timeout(Duration::from_secs(5), peer.stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        for ev in peer.stack.feed(&buf[..n]) {
            if let StackEvent::Rose {
                pdu: RosePdu::Reject { invoke_id, problem },
                ..
            } = ev
            {
                rejected = Some((invoke_id, problem));
            }
        }
    }
    assert_eq!(
        rejected,
        Some((Some(ids[2]), Problem::Invoke(problem::RESOURCE_LIMITATION)))
    );
    // Answering one frees a slot for the next invoke.
    held.pop().unwrap().result(None);
    tokio::time::sleep(Duration::from_millis(50)).await;
    peer.stack
        .invoke(3, Code::Local(22), Some(Bytes::from_static(&[0x04, 0x00])))
        .unwrap();
    let out = peer.stack.take_output();
    peer.stream.write_all(&out).await.unwrap();
    assert!(matches!(next_event(&mut assoc).await, Event::Invoke(_)));
    drop(held);
    let t = tokio::time::Instant::now();
    server.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

/// The store's own P3 submission association (mts-access-94, the store initiating as
/// MTS-user) against a fake MTA: submission code 3 reaches the MTA as message-submission.
#[tokio::test]
async fn mts_access_initiator_submits() {
    let mut mta = TestServer::start(vec![AppContext::MtsAccess94], settings()).await;
    let req = ConnectRequest::new(
        mta.addr.to_string(),
        AppContext::MtsAccess94,
        mts_bind("secret"),
    )
    .settings(settings());
    let (store, result) = client::connect(req).await.unwrap();
    assert_eq!(result, mts_bind_result());
    assert_eq!(store.info().side, Side::Consumer);
    assert!(matches!(
        mta.next().await,
        Seen::Bound(AppContext::MtsAccess94, _)
    ));
    // The fake MTA rejects what it does not implement; what matters is how it was read.
    let r = store
        .invoke(
            Operation::MessageSubmission,
            Some(Bytes::from_static(&[0x30, 0x00])),
        )
        .await
        .unwrap();
    assert!(matches!(r, Outcome::Rejected(_)));
    assert!(matches!(
        mta.next().await,
        Seen::Invoked(Operation::MessageSubmission)
    ));
    // A store cannot deliver: message-delivery is the MTS's operation.
    assert_eq!(
        store.invoke(Operation::MessageDelivery, None).await,
        Err(AssocError::NotAvailable(Operation::MessageDelivery))
    );
    store.release().await.unwrap();
    mta.stop().await;
}
