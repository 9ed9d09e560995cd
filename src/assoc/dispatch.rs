//! Operation dispatch by application context, presentation context and direction (X.419
//! §A: MSAccessProtocol and MTSAccessProtocol application contexts and abstract syntaxes;
//! X.411 §8 and X.413 §8 ports: which side invokes which operation).
//!
//! Operation codes alone are ambiguous: inside P3, submission-control (invoked by the MTS on
//! the submission port) and delivery-control (invoked by the MTS-user on the delivery port) are
//! both local 2, and ms-access-88 shares the message-submission abstract syntax 2.6.0.2.1
//! with mts-access. So an incoming invoke is identified by the association's application
//! context, the abstract syntax of the presentation context it arrived in, and which side of
//! the contract invoked it.

use rasn::types::{ObjectIdentifier, Oid};

use crate::asn1::oids;
use crate::osi::rose::Code;

/// The application contexts the association layer knows (X.419 §A). Anything else (P1
/// mts-transfer, the RTSE-based reliable contexts) is refused with the ACSE diagnostic
/// application-context-name-not-supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppContext {
    /// `id-ac-ms-access-88` 2.6.0.1.4 (P7, 1988).
    MsAccess88,
    /// `id-ac-ms-access-94` 2.6.0.1.11 (P7, 1994).
    MsAccess94,
    /// `id-ac-mts-access-88` 2.6.0.1.0 (P3, the MTS-user binds).
    MtsAccess88,
    /// `id-ac-mts-access-94` 2.6.0.1.7.
    MtsAccess94,
    /// `id-ac-mts-forced-access-88` 2.6.0.1.1 (P3, the MTS binds to the MTS-user).
    MtsForcedAccess88,
    /// `id-ac-mts-forced-access-94` 2.6.0.1.8.
    MtsForcedAccess94,
}

/// Which party of the abstract service a side of the association is. In P7 the UA is the
/// consumer and the MS the supplier; in P3 the MTS-user (here: the store) is the consumer
/// and the MTS (the MTA) the supplier, whoever initiated the association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// UA (P7) or MTS-user (P3).
    Consumer,
    /// MS (P7) or MTS (P3).
    Supplier,
}

impl Side {
    /// The other side.
    pub fn peer(self) -> Side {
        match self {
            Side::Consumer => Side::Supplier,
            Side::Supplier => Side::Consumer,
        }
    }
}

/// Which bind argument syntax travels in the AARQ (X.419 bind-unbind abstract syntaxes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindSyntax {
    /// MSBindArgument, 1988 (`id-as-ms-88` 2.6.0.2.9; X.413, EXPLICIT tags).
    Ms88,
    /// MSBindArgument, 1994 (`id-as-ms-94` 2.6.0.2.17).
    Ms94,
    /// MTSBindArgument (`id-as-mts` 2.6.0.2.11; X.411, IMPLICIT tags).
    Mts,
}

/// An operation of X.411 or X.413, as identified by [`operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// P3 submission-control (2), MTS → MTS-user; P7 1988 on the shared msse syntax,
    /// MS → UA.
    SubmissionControl,
    /// P3 message-submission (3); P7 1988 on msse.
    MessageSubmission,
    /// P3 probe-submission (4); P7 1988 on msse.
    ProbeSubmission,
    /// P3 cancel-deferred-delivery (7); P7 1988 on msse.
    CancelDeferredDelivery,
    /// P3 message-delivery (5), MTS → MTS-user.
    MessageDelivery,
    /// P3 report-delivery (6), MTS → MTS-user.
    ReportDelivery,
    /// P3 delivery-control (2), MTS-user → MTS.
    DeliveryControl,
    /// register (1), consumer → supplier, administration syntax.
    Register,
    /// change-credentials (8), either way, administration syntax.
    ChangeCredentials,
    /// P7 1994 ms-submission-control (2), MS → UA.
    MsSubmissionControl,
    /// P7 1994 ms-message-submission (3).
    MsMessageSubmission,
    /// P7 1994 ms-probe-submission (4).
    MsProbeSubmission,
    /// P7 1994 ms-cancel-deferred-delivery (7).
    MsCancelDeferredDelivery,
    /// P7 summarize (20).
    Summarize,
    /// P7 list (21).
    List,
    /// P7 fetch (22).
    Fetch,
    /// P7 delete (23).
    Delete,
    /// P7 register-MS (24).
    RegisterMs,
    /// P7 alert (25), MS → UA.
    Alert,
    /// P7 modify (26), 1994 only.
    Modify,
}

/// The service elements (abstract syntaxes other than ACSE and bind) of the known contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceElement {
    /// message-submission-abstract-syntax `id-as-msse` 2.6.0.2.1 (P3 and P7 1988).
    Msse,
    /// ms-message-submission-abstract-syntax `id-as-ms-msse` 2.6.0.2.13 (P7 1994).
    MsMsse,
    /// message-delivery-abstract-syntax-88 `id-as-mdse-88` 2.6.0.2.2.
    Mdse88,
    /// message-delivery-abstract-syntax `id-as-mdse-94` 2.6.0.2.14.
    Mdse94,
    /// message-retrieval-abstract-syntax-88 `id-as-mrse-88` 2.6.0.2.5.
    Mrse88,
    /// message-retrieval-abstract-syntax-94 `id-as-mrse-94` 2.6.0.2.15.
    Mrse94,
    /// message-administration-abstract-syntax-88 `id-as-mase-88` 2.6.0.2.6.
    Mase88,
    /// message-administration-abstract-syntax-94 `id-as-mase-94` 2.6.0.2.16.
    Mase94,
}

const ALL_CONTEXTS: [AppContext; 6] = [
    AppContext::MsAccess88,
    AppContext::MsAccess94,
    AppContext::MtsAccess88,
    AppContext::MtsAccess94,
    AppContext::MtsForcedAccess88,
    AppContext::MtsForcedAccess94,
];

const ALL_ELEMENTS: [ServiceElement; 8] = [
    ServiceElement::Msse,
    ServiceElement::MsMsse,
    ServiceElement::Mdse88,
    ServiceElement::Mdse94,
    ServiceElement::Mrse88,
    ServiceElement::Mrse94,
    ServiceElement::Mase88,
    ServiceElement::Mase94,
];

impl AppContext {
    /// The context's name (OID).
    pub fn oid(self) -> &'static Oid {
        match self {
            AppContext::MsAccess88 => oids::ID_AC_MS_ACCESS_88,
            AppContext::MsAccess94 => oids::ID_AC_MS_ACCESS_94,
            AppContext::MtsAccess88 => oids::ID_AC_MTS_ACCESS_88,
            AppContext::MtsAccess94 => oids::ID_AC_MTS_ACCESS_94,
            AppContext::MtsForcedAccess88 => oids::ID_AC_MTS_FORCED_ACCESS_88,
            AppContext::MtsForcedAccess94 => oids::ID_AC_MTS_FORCED_ACCESS_94,
        }
    }

    /// The known context named `oid`, if any.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<AppContext> {
        ALL_CONTEXTS.into_iter().find(|c| c.oid() == &**oid)
    }

    /// Whether this is a P7 (ms-access) context.
    pub fn is_p7(self) -> bool {
        matches!(self, AppContext::MsAccess88 | AppContext::MsAccess94)
    }

    /// The side that initiates (sends the AARQ): the consumer, except in mts-forced-access
    /// where the MTS binds to the MTS-user.
    pub fn initiator_side(self) -> Side {
        match self {
            AppContext::MtsForcedAccess88 | AppContext::MtsForcedAccess94 => Side::Supplier,
            _ => Side::Consumer,
        }
    }

    /// The bind argument syntax.
    pub fn bind_syntax(self) -> BindSyntax {
        match self {
            AppContext::MsAccess88 => BindSyntax::Ms88,
            AppContext::MsAccess94 => BindSyntax::Ms94,
            _ => BindSyntax::Mts,
        }
    }

    /// The service elements the context carries (X.419 §A `ABSTRACT SYNTAXES`).
    pub fn elements(self) -> &'static [ServiceElement] {
        use ServiceElement as E;
        match self {
            AppContext::MsAccess88 => &[E::Msse, E::Mrse88, E::Mase88],
            AppContext::MsAccess94 => &[E::MsMsse, E::Mrse94, E::Mase94],
            AppContext::MtsAccess88 | AppContext::MtsForcedAccess88 => {
                &[E::Msse, E::Mdse88, E::Mase88]
            }
            AppContext::MtsAccess94 | AppContext::MtsForcedAccess94 => {
                &[E::Msse, E::Mdse94, E::Mase94]
            }
        }
    }

    /// Every abstract syntax the context carries besides ACSE: its service elements and its
    /// bind syntax, in the order an initiator proposes them.
    pub fn abstract_syntaxes(self) -> Vec<ObjectIdentifier> {
        let mut v: Vec<ObjectIdentifier> = self
            .elements()
            .iter()
            .map(|e| ObjectIdentifier::from(e.oid()))
            .collect();
        v.push(ObjectIdentifier::from(self.bind_syntax().oid()));
        v
    }
}

impl BindSyntax {
    /// The bind-unbind abstract syntax name.
    pub fn oid(self) -> &'static Oid {
        match self {
            BindSyntax::Ms88 => oids::ID_AS_MS_88,
            BindSyntax::Ms94 => oids::ID_AS_MS_94,
            BindSyntax::Mts => oids::ID_AS_MTS,
        }
    }
}

impl ServiceElement {
    /// The abstract syntax name.
    pub fn oid(self) -> &'static Oid {
        match self {
            ServiceElement::Msse => oids::ID_AS_MSSE,
            ServiceElement::MsMsse => oids::ID_AS_MS_MSSE,
            ServiceElement::Mdse88 => oids::ID_AS_MDSE_88,
            ServiceElement::Mdse94 => oids::ID_AS_MDSE_94,
            ServiceElement::Mrse88 => oids::ID_AS_MRSE_88,
            ServiceElement::Mrse94 => oids::ID_AS_MRSE_94,
            ServiceElement::Mase88 => oids::ID_AS_MASE_88,
            ServiceElement::Mase94 => oids::ID_AS_MASE_94,
        }
    }

    /// The service element whose abstract syntax is `oid`.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<ServiceElement> {
        ALL_ELEMENTS.into_iter().find(|e| e.oid() == &**oid)
    }

    /// (operation, local code, invoking side) for every operation of this element.
    fn table(self) -> &'static [(Operation, i64, Side)] {
        use Operation as O;
        use Side::{Consumer as C, Supplier as S};
        match self {
            ServiceElement::Msse => &[
                (O::SubmissionControl, 2, S),
                (O::MessageSubmission, 3, C),
                (O::ProbeSubmission, 4, C),
                (O::CancelDeferredDelivery, 7, C),
            ],
            ServiceElement::MsMsse => &[
                (O::MsSubmissionControl, 2, S),
                (O::MsMessageSubmission, 3, C),
                (O::MsProbeSubmission, 4, C),
                (O::MsCancelDeferredDelivery, 7, C),
            ],
            ServiceElement::Mdse88 | ServiceElement::Mdse94 => &[
                (O::DeliveryControl, 2, C),
                (O::MessageDelivery, 5, S),
                (O::ReportDelivery, 6, S),
            ],
            ServiceElement::Mrse88 => &[
                (O::Summarize, 20, C),
                (O::List, 21, C),
                (O::Fetch, 22, C),
                (O::Delete, 23, C),
                (O::RegisterMs, 24, C),
                (O::Alert, 25, S),
            ],
            ServiceElement::Mrse94 => &[
                (O::Summarize, 20, C),
                (O::List, 21, C),
                (O::Fetch, 22, C),
                (O::Delete, 23, C),
                (O::RegisterMs, 24, C),
                (O::Alert, 25, S),
                (O::Modify, 26, C),
            ],
            // X.411 §8.4: the supplier may also change the consumer's credentials.
            ServiceElement::Mase88 | ServiceElement::Mase94 => &[
                (O::Register, 1, C),
                (O::ChangeCredentials, 8, C),
                (O::ChangeCredentials, 8, S),
            ],
        }
    }
}

/// The operation that `invoker` invokes with `code` in a presentation context of abstract
/// syntax `syntax` on an association of context `ctx`; `None` when that combination is not
/// an operation of the contract (answered with a ROSE reject, unrecognized-operation).
pub fn operation(
    ctx: AppContext,
    syntax: &ObjectIdentifier,
    invoker: Side,
    code: &Code,
) -> Option<Operation> {
    let element = ServiceElement::from_oid(syntax)?;
    if !ctx.elements().contains(&element) {
        return None;
    }
    let Code::Local(code) = code else { return None };
    element
        .table()
        .iter()
        .find(|(_, c, s)| c == code && *s == invoker)
        .map(|(op, _, _)| *op)
}

/// Where `invoker` invokes `op` on an association of context `ctx`: the service element and
/// the local code; `None` when the contract does not let that side invoke it.
pub fn route(ctx: AppContext, invoker: Side, op: Operation) -> Option<(ServiceElement, Code)> {
    ctx.elements().iter().find_map(|e| {
        e.table()
            .iter()
            .find(|(o, _, s)| *o == op && *s == invoker)
            .map(|(_, c, _)| (*e, Code::Local(*c)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(o: &Oid) -> ObjectIdentifier {
        ObjectIdentifier::from(o)
    }

    #[test]
    fn code_two_depends_on_syntax_and_direction() {
        let f = AppContext::MtsForcedAccess88;
        let msse = oid(oids::ID_AS_MSSE);
        let mdse = oid(oids::ID_AS_MDSE_88);
        let two = Code::Local(2);
        assert_eq!(
            operation(f, &msse, Side::Supplier, &two),
            Some(Operation::SubmissionControl)
        );
        assert_eq!(
            operation(f, &mdse, Side::Consumer, &two),
            Some(Operation::DeliveryControl)
        );
        assert_eq!(operation(f, &mdse, Side::Supplier, &two), None);
        assert_eq!(operation(f, &msse, Side::Consumer, &two), None);
        // The 1994 delivery syntax is not part of the 1988 context.
        assert_eq!(
            operation(f, &oid(oids::ID_AS_MDSE_94), Side::Consumer, &two),
            None
        );
    }

    #[test]
    fn shared_msse_syntax_is_read_by_context() {
        let msse = oid(oids::ID_AS_MSSE);
        let three = Code::Local(3);
        for ctx in [AppContext::MsAccess88, AppContext::MtsAccess88] {
            assert_eq!(
                operation(ctx, &msse, Side::Consumer, &three),
                Some(Operation::MessageSubmission)
            );
        }
        // ms-access-94 uses its own submission syntax.
        assert_eq!(
            operation(AppContext::MsAccess94, &msse, Side::Consumer, &three),
            None
        );
        assert_eq!(
            operation(
                AppContext::MsAccess94,
                &oid(oids::ID_AS_MS_MSSE),
                Side::Consumer,
                &three
            ),
            Some(Operation::MsMessageSubmission)
        );
    }

    #[test]
    fn p7_retrieval_and_alert_directions() {
        let mrse = oid(oids::ID_AS_MRSE_88);
        let c = AppContext::MsAccess88;
        assert_eq!(
            operation(c, &mrse, Side::Consumer, &Code::Local(20)),
            Some(Operation::Summarize)
        );
        assert_eq!(
            operation(c, &mrse, Side::Supplier, &Code::Local(25)),
            Some(Operation::Alert)
        );
        assert_eq!(operation(c, &mrse, Side::Consumer, &Code::Local(25)), None);
        assert_eq!(operation(c, &mrse, Side::Consumer, &Code::Local(26)), None);
        assert_eq!(
            operation(
                AppContext::MsAccess94,
                &oid(oids::ID_AS_MRSE_94),
                Side::Consumer,
                &Code::Local(26)
            ),
            Some(Operation::Modify)
        );
        assert_eq!(
            route(c, Side::Supplier, Operation::Alert),
            Some((ServiceElement::Mrse88, Code::Local(25)))
        );
        assert_eq!(route(c, Side::Consumer, Operation::Alert), None);
    }

    #[test]
    fn every_table_entry_routes_back() {
        for ctx in ALL_CONTEXTS {
            assert_eq!(AppContext::from_oid(&oid(ctx.oid())), Some(ctx));
            for e in ctx.elements() {
                for (op, code, side) in e.table() {
                    assert_eq!(
                        operation(ctx, &oid(e.oid()), *side, &Code::Local(*code)),
                        Some(*op)
                    );
                    assert_eq!(route(ctx, *side, *op), Some((*e, Code::Local(*code))));
                }
            }
        }
        assert_eq!(AppContext::from_oid(&oid(oids::ID_AC_MTS_TRANSFER)), None);
        assert_eq!(
            AppContext::MtsForcedAccess94.initiator_side(),
            Side::Supplier
        );
    }
}
