//! One bound P7 association (X.413 §8.1 after MS-Bind): who is bound to which mailbox, in
//! which edition, with which fetch-restrictions; and the dispatch of each invoked operation to
//! its `ops` file.

use crate::asn1::x413::Restrictions;
use crate::assoc::Operation;
use crate::config::Config;
use crate::directory::User;
use crate::p7::{Edition, OpOutcome, audit, ops};
use crate::store::Store;

/// The configured bounds on one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpLimits {
    /// Most entries one List returns.
    pub max_list_entries: u32,
    /// Most entries one Fetch or Delete by selector touches.
    pub max_fetch_entries: u32,
    /// Most items in one filter.
    pub max_filter_items: u32,
    /// Most associations bound to one mailbox at once.
    pub max_associations_per_user: u32,
    /// Only one association bound to a mailbox at a time (`single-p7-bind`).
    pub single_p7_bind: bool,
}

impl OpLimits {
    /// From the `[limits]` section.
    pub fn from_config(c: &Config) -> Self {
        OpLimits {
            max_list_entries: c.limits.max_list_entries.max(1),
            max_fetch_entries: c.limits.max_fetch_entries.max(1),
            max_filter_items: c.limits.max_filter_items.max(1),
            max_associations_per_user: c.limits.max_associations_per_user.max(1),
            single_p7_bind: c.limits.single_p7_bind,
        }
    }
}

impl Default for OpLimits {
    fn default() -> Self {
        OpLimits {
            max_list_entries: 1000,
            max_fetch_entries: 100,
            max_filter_items: 256,
            max_associations_per_user: 16,
            single_p7_bind: false,
        }
    }
}

/// A bound P7 association's state.
#[derive(Debug, Clone)]
pub struct Session {
    /// 1988 or 1994.
    pub edition: Edition,
    /// The bound user, as the directory knows it.
    pub user: User,
    /// The user's O/R address as audit records show it.
    pub uaname: String,
    /// The mailbox every operation of this association works on: the bound user's own, so no
    /// argument can reach another user's entries.
    pub mailbox_id: String,
    /// MS-Bind fetch-restrictions.
    pub restrictions: Option<Restrictions>,
    /// Operation bounds.
    pub limits: OpLimits,
}

impl Session {
    /// Runs one invoked operation. Blocking (store I/O): call from a blocking context.
    pub fn handle(&self, store: &Store, op: Operation, arg: Option<&[u8]>) -> OpOutcome {
        self.handle_with(store, op, arg, &[])
    }

    /// Runs one invoked operation; `defaults` are the user's registered list- or
    /// fetch-attribute-defaults for a List or Fetch (Register-MS). Blocking.
    pub fn handle_with(
        &self,
        store: &Store,
        op: Operation,
        arg: Option<&[u8]>,
        defaults: &[rasn::types::ObjectIdentifier],
    ) -> OpOutcome {
        let r = match op {
            Operation::Summarize => {
                let r = ops::summarize::run(self, store, arg);
                self.audit("SUMMARIZE", "");
                r
            }
            Operation::List => ops::list::run_with_defaults(self, store, arg, defaults),
            Operation::Fetch => ops::fetch::run_with_defaults(self, store, arg, defaults),
            Operation::Delete => ops::delete::run(self, store, arg),
            Operation::Modify => ops::modify::run(self, store, arg),
            // Register-MS is run by the service (it needs the user state); MS-submission comes
            // with a later issue: a conforming
            // "not now" rather than a reject, so UAs carry on.
            _ => OpOutcome::Error(ops::service(
                crate::asn1::x413::ServiceProblem::UNWILLING_TO_PERFORM,
            )),
        };
        if let OpOutcome::Error(e) = &r {
            self.audit(
                &format!("{op:?}").to_uppercase(),
                &format!("result=error error-code={}", e.code()),
            );
        }
        r
    }

    /// Emits an audit record for this user.
    pub fn audit(&self, op: &str, fields: &str) {
        let user = format!("uaname={}", audit::quote(&self.uaname));
        if fields.is_empty() {
            audit::record(op, &user);
        } else {
            audit::record(op, &format!("{user} {fields}"));
        }
    }

    /// An audit record naming sequence numbers (`p7-seqnum=1,2,3`).
    pub fn audit_seqs(&self, op: &str, seqs: &[u32]) {
        let list: Vec<String> = seqs.iter().map(u32::to_string).collect();
        self.audit(
            op,
            &format!("count={} p7-seqnum={}", seqs.len(), list.join(",")),
        );
    }
}
