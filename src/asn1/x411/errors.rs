//! X.419 (1999) MTSAccessProtocol operation and error codes (local values) and the X.411
//! §8.2.2 / §8.3.2 / §8.4.2 abstract-error parameters.

use rasn::prelude::*;

use super::ber::{ctx, implicit, parse_plain, set_decoder};
use super::common::ExtensionType;
use super::orname::ORName;

/// ROSE local operation codes of P3. Operations are dispatched by application context and
/// direction, not by code alone: submission-control and delivery-control are both 2.
pub mod op {
    /// register (administration port, MTS-user → MTS)
    pub const REGISTER: i64 = 1;
    /// submission-control (MTS → MTS-user)
    pub const SUBMISSION_CONTROL: i64 = 2;
    /// delivery-control (MTS-user → MTS)
    pub const DELIVERY_CONTROL: i64 = 2;
    /// message-submission
    pub const MESSAGE_SUBMISSION: i64 = 3;
    /// probe-submission
    pub const PROBE_SUBMISSION: i64 = 4;
    /// message-delivery
    pub const MESSAGE_DELIVERY: i64 = 5;
    /// report-delivery
    pub const REPORT_DELIVERY: i64 = 6;
    /// cancel-deferred-delivery
    pub const CANCEL_DEFERRED_DELIVERY: i64 = 7;
    /// change-credentials
    pub const CHANGE_CREDENTIALS: i64 = 8;
}

/// ROSE local error codes of P3, with the parameter type each carries.
pub mod err {
    /// submission-control-violated — NULL
    pub const SUBMISSION_CONTROL_VIOLATED: i64 = 1;
    /// delivery-control-violated — NULL (delivery port; same value as above)
    pub const DELIVERY_CONTROL_VIOLATED: i64 = 1;
    /// originator-invalid — NULL
    pub const ORIGINATOR_INVALID: i64 = 2;
    /// recipient-improperly-specified — ImproperlySpecifiedRecipients
    pub const RECIPIENT_IMPROPERLY_SPECIFIED: i64 = 3;
    /// element-of-service-not-subscribed — NULL
    pub const ELEMENT_OF_SERVICE_NOT_SUBSCRIBED: i64 = 4;
    /// old-credentials-incorrectly-specified — NULL
    pub const OLD_CREDENTIALS_INCORRECTLY_SPECIFIED: i64 = 5;
    /// new-credentials-unacceptable — NULL
    pub const NEW_CREDENTIALS_UNACCEPTABLE: i64 = 6;
    /// message-submission-identifier-invalid — NULL
    pub const MESSAGE_SUBMISSION_IDENTIFIER_INVALID: i64 = 7;
    /// deferred-delivery-cancellation-rejected — NULL
    pub const DEFERRED_DELIVERY_CANCELLATION_REJECTED: i64 = 8;
    /// register-rejected — NULL
    pub const REGISTER_REJECTED: i64 = 10;
    /// inconsistent-request — NULL
    pub const INCONSISTENT_REQUEST: i64 = 11;
    /// security-error — SecurityProblem
    pub const SECURITY_ERROR: i64 = 12;
    /// unsupported-critical-function — NULL
    pub const UNSUPPORTED_CRITICAL_FUNCTION: i64 = 13;
    /// control-violates-registration — NULL
    pub const CONTROL_VIOLATES_REGISTRATION: i64 = 14;
    /// remote-bind-error — NULL
    pub const REMOTE_BIND_ERROR: i64 = 15;
    /// operation-refused — RefusedOperation
    pub const OPERATION_REFUSED: i64 = 16;
}

/// `ImproperlySpecifiedRecipients ::= SEQUENCE SIZE (1..ub-recipients) OF RecipientName`.
pub type ImproperlySpecifiedRecipients = Vec<ORName>;

/// `SecurityProblem ::= INTEGER {...} (0..ub-security-problems)`, the security-error
/// parameter.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct SecurityProblem(pub u16);

impl SecurityProblem {
    /// authentication-problem
    pub const AUTHENTICATION_PROBLEM: Self = Self(1);
    /// decryption-failed
    pub const DECRYPTION_FAILED: Self = Self(4);
    /// invalid-security-label
    pub const INVALID_SECURITY_LABEL: Self = Self(10);
    /// security-policy-violation
    pub const SECURITY_POLICY_VIOLATION: Self = Self(21);
    /// unauthorised-originator-name
    pub const UNAUTHORISED_ORIGINATOR_NAME: Self = Self(29);
    /// unauthorised-recipient-name
    pub const UNAUTHORISED_RECIPIENT_NAME: Self = Self(30);
    /// unauthorised-user-name
    pub const UNAUTHORISED_USER_NAME: Self = Self(32);
    /// unknown-security-label
    pub const UNKNOWN_SECURITY_LABEL: Self = Self(33);
}

/// The `refused-argument` CHOICE of RefusedOperation.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum RefusedArgumentChoice {
    /// `built-in-argument [1] RefusedArgument` (INTEGER: user-name(0) … )
    #[rasn(tag(context, 1))]
    BuiltInArgument(u16),
    /// `refused-extension EXTENSION.&id` (ExtensionType: `[0]` INTEGER or `[3]` OID)
    RefusedExtension(ExtensionType),
}

/// `RefusalReason ::= INTEGER { facility-unavailable(0), facility-not-subscribed(1),
/// parameter-unacceptable(2) }`.
pub type RefusalReason = u16;

/// `RefusedOperation ::= SET { refused-argument CHOICE {...}, refusal-reason [2]
/// RefusalReason }`, the operation-refused parameter.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct RefusedOperation {
    /// `refused-argument`
    pub refused_argument: RefusedArgumentChoice,
    /// `refusal-reason [2] RefusalReason`
    #[rasn(tag(context, 2))]
    pub refusal_reason: RefusalReason,
}

set_decoder!(RefusedOperation {
    req refused_argument "refused-argument":
        ctx(1) => |c| implicit(c).map(RefusedArgumentChoice::BuiltInArgument);
        [ctx(0), ctx(3)] => |c| parse_plain(c).map(RefusedArgumentChoice::RefusedExtension),
    req refusal_reason "refusal-reason": ctx(2) => implicit,
});
