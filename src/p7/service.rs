//! The P7 service (X.419 ms-access-88 and ms-access-94, the MS as responder): listeners from
//! the configuration, MS-Bind answered through the directory, each invoked operation run on
//! the store in a blocking task and answered, UNBIND audited when the association ends. The
//! listeners and their accept loop are [`crate::server`]'s, shared with P3.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::watch;

use rasn::types::ObjectIdentifier;
use tokio::sync::mpsc;

use super::alerts::Alerts;
use super::ops::bind::{BindContext, bind, bind_error, bind_error_with};
use super::ops::register;
use super::{Edition, OpOutcome, Session, audit};
use crate::asn1::oids::ID_ACT_AUTO_ALERT;
use crate::asn1::x413 as x;
use crate::asn1::x413::BindProblem;
use crate::assoc::server::IncomingBind;
use crate::assoc::{
    AssocError, Association, AssociationHandle, EndReason, Event, Operation, Outcome,
};
use crate::config::{Config, Protocol};
use crate::directory::Directory;
use crate::osi::rose::{self, Code};
use crate::server::{Application, Task};
use crate::store::Store;

/// What every association of the service shares.
#[derive(Debug)]
pub struct Service {
    /// The store.
    pub store: Arc<Store>,
    /// Who may bind.
    pub directory: Arc<dyn Directory>,
    /// Identity and limits.
    pub bind: BindContext,
    /// Register-MS state and the alert channels of bound associations.
    pub alerts: Arc<Alerts>,
    /// Associations bound per mailbox (max-associations-per-user).
    bound: Mutex<HashMap<String, u32>>,
    /// Where MS-submissions go (`[submission]`); unset: they are refused.
    submitter: std::sync::OnceLock<super::ops::submit::Submitter>,
}

impl Service {
    /// A service over `store`, binding users through `directory`.
    /// Installs the store's delivery hook that feeds auto-alerts.
    /// Settings the directory holds on the store's own entry (LDAP `store-dn`) override the
    /// configuration file's, with a log line naming each; when they cannot be read, the file's
    /// apply (logged). Blocks up to the directory's timeout.
    pub fn new(store: Arc<Store>, directory: Arc<dyn Directory>, bind: BindContext) -> Self {
        let mut bind = bind;
        apply_store_settings(directory.as_ref(), &mut bind);
        let alerts = Arc::new(Alerts::new(&store.layout().data));
        store.on_delivery(alerts.hook());
        Service {
            alerts,
            store,
            directory,
            bind,
            bound: Mutex::new(HashMap::new()),
            submitter: std::sync::OnceLock::new(),
        }
    }

    /// Passes MS-submissions to the MTA through `s` (once; later calls are ignored).
    pub fn set_submitter(&self, s: super::ops::submit::Submitter) {
        let _ = self.submitter.set(s);
    }

    /// Counts one more association for `mailbox`, unless it already has the maximum (one,
    /// with `single-p7-bind`); the refusal says which limit.
    fn admit(&self, mailbox: &str) -> Result<(), Refusal> {
        let mut m = self.bound.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(mailbox.to_string()).or_insert(0);
        if self.bind.limits.single_p7_bind && *n >= 1 {
            return Err(Refusal::SingleBind);
        }
        if *n >= self.bind.limits.max_associations_per_user {
            return Err(Refusal::PerUserLimit);
        }
        *n += 1;
        Ok(())
    }

    fn leave(&self, mailbox: &str) {
        let mut m = self.bound.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(mailbox) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(mailbox);
            }
        }
    }
}

/// Reads the store's settings from the directory and applies them to `bind`'s limits. The
/// read runs on a thread of its own: the LDAP client builds its own runtime, which it cannot
/// do on a thread of the server's.
fn apply_store_settings(directory: &dyn Directory, bind: &mut BindContext) {
    let read = std::thread::scope(|sc| {
        sc.spawn(|| directory.store_settings())
            .join()
            .unwrap_or_else(|_| {
                Err(crate::directory::DirectoryError::Unavailable(
                    "the settings reader panicked".to_owned(),
                ))
            })
    });
    let s = match read {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(
                "store settings not read from the directory; the configuration file's apply: {e}"
            );
            return;
        }
    };
    if let Some(b) = s.single_p7_bind {
        bind.limits.single_p7_bind = b;
    }
    if let Some(n) = s.max_associations_per_user {
        bind.limits.max_associations_per_user = n.max(1);
    }
    let taken = s.describe();
    if taken.is_empty() {
        tracing::info!(dn = %s.dn, "store entry read from LDAP: it sets nothing; the configuration file's settings apply");
    } else {
        tracing::info!(dn = %s.dn, settings = %taken, "store settings taken from LDAP (they override the configuration file)");
    }
}

/// Why an authenticated bind is refused for the mailbox's other associations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// `single-p7-bind`: the mailbox already has a bound association.
    SingleBind,
    /// `max-associations-per-user` reached.
    PerUserLimit,
}

impl Refusal {
    /// The configuration key, for the log and audit records.
    fn key(self) -> &'static str {
        match self {
            Refusal::SingleBind => "single-p7-bind",
            Refusal::PerUserLimit => "max-associations-per-user",
        }
    }

    /// The reason a 1994 UA is told (supplementary-information).
    fn info(self) -> &'static str {
        match self {
            Refusal::SingleBind => {
                "the mailbox is already bound by another association and the store allows one (single-p7-bind)"
            }
            Refusal::PerUserLimit => {
                "the mailbox has as many bound associations as the store allows (max-associations-per-user)"
            }
        }
    }
}

/// The listeners of a running service (see [`crate::server`]).
pub use crate::server::Running;

/// Starts the P7 listeners `config` names (listeners with protocol `p7`); the P3 ones need a
/// responder too: [`crate::server::start`] with both.
pub async fn start(config: &Config, service: Arc<Service>) -> Result<Running, AssocError> {
    crate::server::start(config, vec![service]).await
}

/// The P7 side of the shared listener: ms-access associations, and the alert dispatcher
/// running until shutdown.
impl Application for Service {
    fn protocol(&self) -> Protocol {
        Protocol::P7
    }

    fn serve(self: Arc<Self>, incoming: IncomingBind) -> Task {
        Box::pin(serve(incoming, self))
    }

    fn background(self: Arc<Self>, shutdown: watch::Receiver<bool>) -> Option<Task> {
        Some(Box::pin(
            self.alerts.clone().run(self.store.clone(), shutdown),
        ))
    }
}

/// Binds one incoming association and serves it to the end.
pub async fn serve(inc: IncomingBind, service: Arc<Service>) {
    let Some(edition) = Edition::of(inc.info().application_context) else {
        inc.reject(bind_error(BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION));
        return;
    };
    let peer = inc.info().peer;
    let arg = inc.bind().ber.clone();
    let s = service.clone();
    let outcome =
        tokio::task::spawn_blocking(move || bind(&s.bind, &s.directory, edition, &arg)).await;
    let (session, mut result) = match outcome {
        Ok(Ok(x)) => x,
        Ok(Err(error)) => {
            inc.reject(error);
            return;
        }
        Err(e) => {
            tracing::error!(%peer, "bind task failed: {e}");
            inc.reject(bind_error(BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION));
            return;
        }
    };
    if let Err(why) = service.admit(&session.mailbox_id) {
        // X.413's BindProblem has no "busy" (that is X.411's MTS-Bind): a bind the MS will not
        // take now is unable-to-establish-association, the reason in a 1994 qualified-error.
        tracing::warn!(%peer, user = %session.uaname, limit = why.key(), "bind refused: the mailbox already has the associations the store allows");
        session.audit("BIND-REFUSED", &format!("reason={}", why.key()));
        inc.reject(bind_error_with(
            edition,
            BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION,
            why.info(),
        ));
        return;
    }
    let (alerts, mb) = (service.alerts.clone(), session.mailbox_id.clone());
    let pending = tokio::task::spawn_blocking(move || alerts.take_pending(&mb))
        .await
        .unwrap_or(false);
    result = with_auto_alert(&result, pending);
    tracing::info!(%peer, user = %session.uaname, ?edition, "bound");
    let assoc = inc.accept(result);
    let mailbox = session.mailbox_id.clone();
    run_association(assoc, Arc::new(session), service.clone()).await;
    service.leave(&mailbox);
}

/// The MSBindResult with auto-alert among the available auto-actions and alert-indication set
/// when an alert fired while the user was away (X.413 §8.1.1.2).
fn with_auto_alert(result: &Bytes, pending: bool) -> Bytes {
    let Ok(mut r) = x::decode::<x::MSBindResult>(result) else {
        return result.clone();
    };
    r.available_auto_actions = Some(x::Set(vec![ObjectIdentifier::from(ID_ACT_AUTO_ALERT)]));
    if pending {
        r.alert_indication = Some(true);
    }
    x::encode(&r)
        .map(Bytes::from)
        .unwrap_or_else(|_| result.clone())
}

/// Invokes Alert on the UA for each alert queued for this association, one at a time; a UA
/// that does not answer holds up only this task (its channel fills and further alerts drop).
async fn send_alerts(handle: AssociationHandle, mut rx: mpsc::Receiver<Bytes>) {
    while let Some(arg) = rx.recv().await {
        match handle.invoke(Operation::Alert, Some(arg)).await {
            Ok(Outcome::Result(_)) => {}
            Ok(other) => tracing::info!("alert answered with {other:?}"),
            Err(e) => {
                tracing::info!("alert not delivered: {e}");
                if matches!(e, AssocError::NotAvailable(_)) {
                    continue;
                }
                break;
            }
        }
    }
}

async fn run_association(mut assoc: Association, session: Arc<Session>, service: Arc<Service>) {
    let (sink, rx) = service.alerts.attach(&session.mailbox_id);
    let sender = tokio::spawn(send_alerts(assoc.handle(), rx));
    while let Some(ev) = assoc.next_event().await {
        match ev {
            Event::Invoke(inv) => {
                // Submissions wait for the MTA: answered by their own task.
                if let Some(sub) = service.submitter.get()
                    && super::ops::submit::handles(inv.operation)
                {
                    let a = (session.clone(), service.store.clone(), sub.clone());
                    tokio::spawn(super::ops::submit::answer(a.0, a.1, a.2, inv));
                    continue;
                }
                let (s, store) = (session.clone(), service.store.clone());
                let alerts = service.alerts.clone();
                let directory = service.directory.clone();
                let op = inv.operation;
                let arg = inv.argument.clone();
                let r = tokio::task::spawn_blocking(move || match op {
                    Operation::RegisterMs => {
                        register::run(&s, &alerts, directory.as_ref(), arg.as_deref())
                    }
                    Operation::List | Operation::Fetch => {
                        let st = alerts.state(&s.mailbox_id).unwrap_or_else(|e| {
                            tracing::warn!("attribute defaults not read: {e}");
                            Default::default()
                        });
                        let names = if op == Operation::List {
                            st.list_attribute_defaults
                        } else {
                            st.fetch_attribute_defaults
                        };
                        let d: Vec<ObjectIdentifier> = names
                            .iter()
                            .filter_map(|n| super::alerts::undotted(n))
                            .collect();
                        s.handle_with(&store, op, arg.as_deref(), &d)
                    }
                    _ => s.handle(&store, op, arg.as_deref()),
                })
                .await;
                match r {
                    Ok(OpOutcome::Result(b)) => inv.result(Some(b)),
                    Ok(OpOutcome::Error(e)) => {
                        let p = e.encode_parameter().ok().map(Bytes::from);
                        inv.error(Code::Local(e.code()), p);
                    }
                    Ok(OpOutcome::Mistyped) => inv.reject(rose::problem::MISTYPED_ARGUMENT),
                    Ok(OpOutcome::X411Error(c)) => inv.error(Code::Local(c), None),
                    // A panicked operation: the invoke is dropped, which rejects it.
                    Err(e) => tracing::error!("operation task failed: {e}"),
                }
            }
            Event::End(why) => {
                let how = match why {
                    EndReason::Released { .. } => "release",
                    _ => "abort",
                };
                session.audit(
                    "UNBIND",
                    &format!("how={how} reason={}", audit::quote(&why.to_string())),
                );
            }
        }
    }
    service.alerts.detach(&session.mailbox_id, sink);
    sender.abort();
}

/// Applies the configured retention rules once (DESIGN.md §6 ageing, through the store's
/// [`Store::age`], which logs each entry it deletes). Returns how many entries were removed.
pub fn apply_retention(store: &Store, retention: &crate::config::Retention) -> u64 {
    match store.age(&retention.rules) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!("retention failed: {e}");
            0
        }
    }
}
