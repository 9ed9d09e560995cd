//! X.419 (1999) MSAccessProtocol operation and error codes (local values) and the X.413 (1999)
//! §8.2.3 abstract-error parameters of P7, with their problem enumerations.

use rasn::prelude::*;

use super::attributes::{
    AttributeType, AutoActionType, EntryClass, MSEITs, MSExtensionItem, SequenceNumber,
};
use super::explicit::{Set, ctx, explicit, explicit_set};
use super::register_ms::{MessageGroupName, RegistrationTypes};
use super::{X413Error, decode, encode};
use crate::asn1::x411::SecurityProblem;
use crate::asn1::x411::ber::set_decoder;

/// ROSE local operation codes of P7 (X.419 MSAccessProtocol). MS-bind and MS-unbind travel as
/// ROS bind / unbind PDUs, not as operations.
pub mod op {
    /// ms-submission-control (MS → UA; X.411 submission-control)
    pub const MS_SUBMISSION_CONTROL: i64 = 2;
    /// ms-message-submission
    pub const MS_MESSAGE_SUBMISSION: i64 = 3;
    /// ms-probe-submission
    pub const MS_PROBE_SUBMISSION: i64 = 4;
    /// ms-cancel-deferred-delivery
    pub const MS_CANCEL_DEFERRED_DELIVERY: i64 = 7;
    /// summarize
    pub const SUMMARIZE: i64 = 20;
    /// list
    pub const LIST: i64 = 21;
    /// fetch
    pub const FETCH: i64 = 22;
    /// delete
    pub const DELETE: i64 = 23;
    /// register-MS
    pub const REGISTER_MS: i64 = 24;
    /// alert (invoked by the MS)
    pub const ALERT: i64 = 25;
    /// modify (1994)
    pub const MODIFY: i64 = 26;
}

/// ROSE local error codes of P7, with the parameter type each carries. The MS-submission
/// operations also return the X.411 submission errors ([`crate::asn1::x411::err`]).
pub mod err {
    /// attribute-error — [`AttributeErrorParameter`](super::AttributeErrorParameter)
    pub const ATTRIBUTE_ERROR: i64 = 21;
    /// auto-action-request-error — [`AutoActionRequestErrorParameter`](super::AutoActionRequestErrorParameter)
    pub const AUTO_ACTION_REQUEST_ERROR: i64 = 22;
    /// delete-error — [`DeleteErrorParameter`](super::DeleteErrorParameter)
    pub const DELETE_ERROR: i64 = 23;
    /// fetch-restriction-error — [`FetchRestrictionErrorParameter`](super::FetchRestrictionErrorParameter)
    pub const FETCH_RESTRICTION_ERROR: i64 = 24;
    /// range-error — [`RangeErrorParameter`](super::RangeErrorParameter); 1988 contexts only
    pub const RANGE_ERROR: i64 = 25;
    /// security-error — X.411 SecurityProblem ([`crate::asn1::x411::SecurityProblem`])
    pub const SECURITY_ERROR: i64 = 26;
    /// service-error — [`ServiceErrorParameter`](super::ServiceErrorParameter)
    pub const SERVICE_ERROR: i64 = 27;
    /// sequence-number-error — [`SequenceNumberErrorParameter`](super::SequenceNumberErrorParameter)
    pub const SEQUENCE_NUMBER_ERROR: i64 = 28;
    /// invalid-parameters-error — NULL
    pub const INVALID_PARAMETERS_ERROR: i64 = 29;
    /// message-group-error — [`MessageGroupErrorParameter`](super::MessageGroupErrorParameter) (1994)
    pub const MESSAGE_GROUP_ERROR: i64 = 30;
    /// ms-extension-error — [`MSExtensionErrorParameter`](super::MSExtensionErrorParameter) (1994)
    pub const MS_EXTENSION_ERROR: i64 = 31;
    /// register-ms-error — [`RegisterMSErrorParameter`](super::RegisterMSErrorParameter) (1994)
    pub const REGISTER_MS_ERROR: i64 = 32;
    /// modify-error — [`ModifyErrorParameter`](super::ModifyErrorParameter) (1994)
    pub const MODIFY_ERROR: i64 = 33;
    /// entry-class-error — [`EntryClassErrorParameter`](super::EntryClassErrorParameter) (1994)
    pub const ENTRY_CLASS_ERROR: i64 = 34;
}

/// Declares an `INTEGER { … } (0..ub-error-reasons)` problem type as a newtype with named
/// values, so that values added by later editions still decode.
macro_rules! problem {
    ($(#[$m:meta])* $name:ident { $( $(#[$vm:meta])* $c:ident = $v:literal, )* }) => {
        $(#[$m])*
        #[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[rasn(delegate)]
        pub struct $name(pub u16);

        impl $name {
            $( $(#[$vm])* pub const $c: Self = Self($v); )*
        }
    };
}

problem! {
    /// `AttributeProblem ::= INTEGER {...} (0..ub-error-reasons)`.
    AttributeProblem {
        /// invalid-attribute-value
        INVALID_ATTRIBUTE_VALUE = 0,
        /// unavailable-attribute-type
        UNAVAILABLE_ATTRIBUTE_TYPE = 1,
        /// inappropriate-matching
        INAPPROPRIATE_MATCHING = 2,
        /// attribute-type-not-subscribed
        ATTRIBUTE_TYPE_NOT_SUBSCRIBED = 3,
        /// inappropriate-for-operation
        INAPPROPRIATE_FOR_OPERATION = 4,
        /// inappropriate-modification (1994)
        INAPPROPRIATE_MODIFICATION = 5,
        /// single-valued-attribute (1994)
        SINGLE_VALUED_ATTRIBUTE = 6,
    }
}

problem! {
    /// `AutoActionRequestProblem ::= INTEGER {...}`.
    AutoActionRequestProblem {
        /// unavailable-auto-action-type
        UNAVAILABLE_AUTO_ACTION_TYPE = 0,
        /// auto-action-type-not-subscribed
        AUTO_ACTION_TYPE_NOT_SUBSCRIBED = 1,
        /// not-willing-to-perform (1994)
        NOT_WILLING_TO_PERFORM = 2,
    }
}

problem! {
    /// `DeleteProblem ::= INTEGER {...}`.
    DeleteProblem {
        /// child-entry-specified
        CHILD_ENTRY_SPECIFIED = 0,
        /// delete-restriction-problem
        DELETE_RESTRICTION_PROBLEM = 1,
        /// new-entry-specified (1994)
        NEW_ENTRY_SPECIFIED = 2,
        /// entry-class-restriction (1994)
        ENTRY_CLASS_RESTRICTION = 3,
        /// stored-message-exists (1994)
        STORED_MESSAGE_EXISTS = 4,
    }
}

problem! {
    /// `FetchRestrictionProblem ::= INTEGER {...}`.
    FetchRestrictionProblem {
        /// content-type-problem
        CONTENT_TYPE_PROBLEM = 1,
        /// eit-problem
        EIT_PROBLEM = 2,
        /// maximum-length-problem
        MAXIMUM_LENGTH_PROBLEM = 3,
    }
}

problem! {
    /// `RangeProblem ::= INTEGER { reversed(0) }`.
    RangeProblem {
        /// reversed
        REVERSED = 0,
    }
}

problem! {
    /// `SequenceNumberProblem ::= INTEGER { no-such-entry(0) }`.
    SequenceNumberProblem {
        /// no-such-entry
        NO_SUCH_ENTRY = 0,
    }
}

problem! {
    /// `ServiceProblem ::= INTEGER { busy(0), unavailable(1), unwilling-to-perform(2) }`.
    ServiceProblem {
        /// busy
        BUSY = 0,
        /// unavailable
        UNAVAILABLE = 1,
        /// unwilling-to-perform
        UNWILLING_TO_PERFORM = 2,
    }
}

problem! {
    /// `MessageGroupProblem ::= INTEGER {...}` (1994).
    MessageGroupProblem {
        /// name-not-registered
        NAME_NOT_REGISTERED = 0,
        /// name-already-registered
        NAME_ALREADY_REGISTERED = 1,
        /// parent-not-registered
        PARENT_NOT_REGISTERED = 2,
        /// group-not-empty
        GROUP_NOT_EMPTY = 3,
        /// name-in-use
        NAME_IN_USE = 4,
        /// child-group-registered
        CHILD_GROUP_REGISTERED = 5,
        /// group-depth-exceeded
        GROUP_DEPTH_EXCEEDED = 6,
    }
}

problem! {
    /// `ModifyProblem ::= INTEGER {...}` (1994).
    ModifyProblem {
        /// attribute-not-present
        ATTRIBUTE_NOT_PRESENT = 0,
        /// value-not-present
        VALUE_NOT_PRESENT = 1,
        /// attribute-or-value-already-exists
        ATTRIBUTE_OR_VALUE_ALREADY_EXISTS = 2,
        /// invalid-position
        INVALID_POSITION = 3,
        /// modify-restriction-problem
        MODIFY_RESTRICTION_PROBLEM = 4,
    }
}

/// `RegistrationProblem ::= ENUMERATED { registration-not-supported(0),
/// registration-improperly-specified(1), registration-limit-exceeded(2), ... }` (1994), kept as
/// its number.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate, tag(universal, 10))]
pub struct RegistrationProblem(pub u8);

impl RegistrationProblem {
    /// registration-not-supported
    pub const REGISTRATION_NOT_SUPPORTED: Self = Self(0);
    /// registration-improperly-specified
    pub const REGISTRATION_IMPROPERLY_SPECIFIED: Self = Self(1);
    /// registration-limit-exceeded
    pub const REGISTRATION_LIMIT_EXCEEDED: Self = Self(2);
}

/// Bits of the entry-class-error `problem [1] BIT STRING { unsupported-entry-class(0),
/// entry-class-not-subscribed(1), inappropriate-entry-class(2) }`.
pub mod entry_class_problem {
    /// unsupported-entry-class
    pub const UNSUPPORTED_ENTRY_CLASS: usize = 0;
    /// entry-class-not-subscribed
    pub const ENTRY_CLASS_NOT_SUBSCRIBED: usize = 1;
    /// inappropriate-entry-class
    pub const INAPPROPRIATE_ENTRY_CLASS: usize = 2;
}

explicit_set! {
    /// One problem of attribute-error: `SET { problem [0] AttributeProblem, type [1]
    /// X413ATTRIBUTE.&id, value [2] X413ATTRIBUTE.&Type OPTIONAL }`.
    pub struct AttributeProblemItem {
        /// `problem [0]`
        [0] req problem: AttributeProblem,
        /// `type [1]`
        [1] req r#type: AttributeType,
        /// `value [2]` (complete encoding)
        [2] opt value: Option<Any>,
    }
}

explicit_set! {
    /// The attribute-error parameter: `SET { problems [0] SET SIZE (1..ub-per-entry) OF SET
    /// {...} }`.
    pub struct AttributeErrorParameter {
        /// `problems [0]`
        [0] req problems: Set<AttributeProblemItem>,
    }
}

explicit_set! {
    /// One problem of auto-action-request-error: `SET { problem [0] AutoActionRequestProblem,
    /// type [1] AUTO-ACTION.&id }`.
    pub struct AutoActionRequestProblemItem {
        /// `problem [0]`
        [0] req problem: AutoActionRequestProblem,
        /// `type [1]`
        [1] req r#type: AutoActionType,
    }
}

explicit_set! {
    /// The auto-action-request-error parameter: `SET { problems [0] SET OF SET {...} }`.
    pub struct AutoActionRequestErrorParameter {
        /// `problems [0]`
        [0] req problems: Set<AutoActionRequestProblemItem>,
    }
}

explicit_set! {
    /// One problem of delete-error: `SET { problem [0] DeleteProblem, sequence-number [1]
    /// SequenceNumber }`.
    pub struct DeleteProblemItem {
        /// `problem [0]`
        [0] req problem: DeleteProblem,
        /// `sequence-number [1]`
        [1] req sequence_number: SequenceNumber,
    }
}

explicit_set! {
    /// The delete-error parameter: `SET { problems [0] SET OF SET {...}, entries-deleted [1]
    /// SET OF SequenceNumber OPTIONAL }`.
    pub struct DeleteErrorParameter {
        /// `problems [0]`
        [0] req problems: Set<DeleteProblemItem>,
        /// `entries-deleted [1] SET SIZE (1..ub-messages) OF SequenceNumber OPTIONAL` (1994)
        [1] opt entries_deleted: Option<Set<SequenceNumber>>,
    }
}

/// The `restriction` CHOICE of a fetch-restriction problem.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum FetchRestriction {
    /// `content-type [0] OBJECT IDENTIFIER`
    #[rasn(tag(explicit(context, 0)))]
    ContentType(ObjectIdentifier),
    /// `eit [1] MS-EITs`
    #[rasn(tag(explicit(context, 1)))]
    Eit(MSEITs),
    /// `attribute-length [2] INTEGER`
    #[rasn(tag(explicit(context, 2)))]
    AttributeLength(u32),
}

/// One problem of fetch-restriction-error: `SET { problem [3] FetchRestrictionProblem,
/// restriction CHOICE { content-type [0], eit [1], attribute-length [2] } }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct FetchRestrictionProblemItem {
    /// `problem [3]`
    #[rasn(tag(explicit(context, 3)))]
    pub problem: FetchRestrictionProblem,
    /// `restriction`
    pub restriction: FetchRestriction,
}

set_decoder!(FetchRestrictionProblemItem {
    req problem "problem": ctx(3) => explicit,
    req restriction "restriction":
        ctx(0) => |c| explicit(c).map(FetchRestriction::ContentType);
        ctx(1) => |c| explicit(c).map(FetchRestriction::Eit);
        ctx(2) => |c| explicit(c).map(FetchRestriction::AttributeLength),
});

explicit_set! {
    /// The fetch-restriction-error parameter: `SET { problems [0] SET OF SET {...} }`.
    pub struct FetchRestrictionErrorParameter {
        /// `problems [0]`
        [0] req problems: Set<FetchRestrictionProblemItem>,
    }
}

/// The invalid-parameters-error parameter: NULL.
pub type InvalidParametersErrorParameter = ();

explicit_set! {
    /// The range-error parameter: `SET { problem [0] RangeProblem }` (1988 contexts only).
    pub struct RangeErrorParameter {
        /// `problem [0]`
        [0] req problem: RangeProblem,
    }
}

explicit_set! {
    /// One problem of sequence-number-error: `SET { problem [0] SequenceNumberProblem,
    /// sequence-number [1] SequenceNumber }`.
    pub struct SequenceNumberProblemItem {
        /// `problem [0]`
        [0] req problem: SequenceNumberProblem,
        /// `sequence-number [1]`
        [1] req sequence_number: SequenceNumber,
    }
}

explicit_set! {
    /// The sequence-number-error parameter: `SET { problems [1] SET OF SET {...} }` (note: `[1]`).
    pub struct SequenceNumberErrorParameter {
        /// `problems [1]`
        [1] req problems: Set<SequenceNumberProblemItem>,
    }
}

impl SequenceNumberErrorParameter {
    /// no-such-entry for each of `numbers`.
    pub fn no_such_entry(numbers: impl IntoIterator<Item = SequenceNumber>) -> Self {
        Self {
            problems: numbers
                .into_iter()
                .map(|n| SequenceNumberProblemItem {
                    problem: SequenceNumberProblem::NO_SUCH_ENTRY,
                    sequence_number: n,
                })
                .collect(),
        }
    }
}

explicit_set! {
    /// `ServiceErrorParameter ::= SET { problem [0] ServiceProblem, supplementary-information
    /// [1] GeneralString OPTIONAL }`.
    pub struct ServiceErrorParameter {
        /// `problem [0]`
        [0] req problem: ServiceProblem,
        /// `supplementary-information [1] GeneralString OPTIONAL` (1994)
        [1] opt supplementary_information: Option<GeneralString>,
    }
}

explicit_set! {
    /// `MessageGroupErrorParameter ::= SET { problem [0] MessageGroupProblem, name [1]
    /// MessageGroupName }` (1994).
    pub struct MessageGroupErrorParameter {
        /// `problem [0]`
        [0] req problem: MessageGroupProblem,
        /// `name [1]`
        [1] req name: MessageGroupName,
    }
}

/// `MSExtensionErrorParameter ::= CHOICE { ms-extension-problem [0] MSExtensionItem,
/// unknown-ms-extension [1] OBJECT IDENTIFIER }` (1994).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum MSExtensionErrorParameter {
    /// `ms-extension-problem [0] MSExtensionItem`
    #[rasn(tag(explicit(context, 0)))]
    MsExtensionProblem(MSExtensionItem),
    /// `unknown-ms-extension [1] OBJECT IDENTIFIER`
    #[rasn(tag(explicit(context, 1)))]
    UnknownMsExtension(ObjectIdentifier),
}

explicit_set! {
    /// The register-ms-error parameter: `SET { problem [0] RegistrationProblem,
    /// registration-type [1] RegistrationTypes }` (1994).
    pub struct RegisterMSErrorParameter {
        /// `problem [0]`
        [0] req problem: RegistrationProblem,
        /// `registration-type [1]`
        [1] req registration_type: RegistrationTypes,
    }
}

explicit_set! {
    /// `ModifyErrorParameter ::= SET { entries-modified [0] SEQUENCE OF SequenceNumber
    /// OPTIONAL, failing-entry [1] SequenceNumber, modification-number [2] INTEGER, problem [3]
    /// ModifyProblem }` (1994).
    pub struct ModifyErrorParameter {
        /// `entries-modified [0]`
        [0] opt entries_modified: Option<Vec<SequenceNumber>>,
        /// `failing-entry [1]`
        [1] req failing_entry: SequenceNumber,
        /// `modification-number [2]`
        [2] req modification_number: u32,
        /// `problem [3]`
        [3] req problem: ModifyProblem,
    }
}

explicit_set! {
    /// `EntryClassErrorParameter ::= SET { entry-class [0] EntryClass, problem [1] BIT STRING
    /// {...} }` (1994; bits in [`entry_class_problem`]).
    pub struct EntryClassErrorParameter {
        /// `entry-class [0]`
        [0] req entry_class: EntryClass,
        /// `problem [1] BIT STRING`
        [1] req problem: BitString,
    }
}

/// A P7 abstract error with its parameter, as the store returns it and a UA receives it in a
/// ROS returnError: [`P7Error::code`] is the local error code, [`P7Error::encode_parameter`] the
/// parameter's BER, [`P7Error::decode`] the way back.
///
/// The X.411 errors that MS-submission and Register-MS also return (submission errors,
/// old-credentials-incorrectly-specified, new-credentials-unacceptable) use
/// [`crate::asn1::x411::err`] codes and are not in this enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum P7Error {
    /// attribute-error (21)
    Attribute(AttributeErrorParameter),
    /// auto-action-request-error (22)
    AutoActionRequest(AutoActionRequestErrorParameter),
    /// delete-error (23)
    Delete(DeleteErrorParameter),
    /// fetch-restriction-error (24)
    FetchRestriction(FetchRestrictionErrorParameter),
    /// range-error (25): 1988 application contexts only
    Range(RangeErrorParameter),
    /// security-error (26), the X.411 SecurityProblem
    Security(SecurityProblem),
    /// service-error (27)
    Service(ServiceErrorParameter),
    /// sequence-number-error (28)
    SequenceNumber(SequenceNumberErrorParameter),
    /// invalid-parameters-error (29), parameter NULL
    InvalidParameters,
    /// message-group-error (30)
    MessageGroup(MessageGroupErrorParameter),
    /// ms-extension-error (31)
    MsExtension(MSExtensionErrorParameter),
    /// register-ms-error (32)
    RegisterMs(RegisterMSErrorParameter),
    /// modify-error (33)
    Modify(ModifyErrorParameter),
    /// entry-class-error (34)
    EntryClass(EntryClassErrorParameter),
}

impl P7Error {
    /// The local error code (see [`err`]).
    pub fn code(&self) -> i64 {
        match self {
            Self::Attribute(_) => err::ATTRIBUTE_ERROR,
            Self::AutoActionRequest(_) => err::AUTO_ACTION_REQUEST_ERROR,
            Self::Delete(_) => err::DELETE_ERROR,
            Self::FetchRestriction(_) => err::FETCH_RESTRICTION_ERROR,
            Self::Range(_) => err::RANGE_ERROR,
            Self::Security(_) => err::SECURITY_ERROR,
            Self::Service(_) => err::SERVICE_ERROR,
            Self::SequenceNumber(_) => err::SEQUENCE_NUMBER_ERROR,
            Self::InvalidParameters => err::INVALID_PARAMETERS_ERROR,
            Self::MessageGroup(_) => err::MESSAGE_GROUP_ERROR,
            Self::MsExtension(_) => err::MS_EXTENSION_ERROR,
            Self::RegisterMs(_) => err::REGISTER_MS_ERROR,
            Self::Modify(_) => err::MODIFY_ERROR,
            Self::EntryClass(_) => err::ENTRY_CLASS_ERROR,
        }
    }

    /// The error's parameter in BER (NULL for invalid-parameters-error).
    pub fn encode_parameter(&self) -> Result<Vec<u8>, X413Error> {
        match self {
            Self::Attribute(p) => encode(p),
            Self::AutoActionRequest(p) => encode(p),
            Self::Delete(p) => encode(p),
            Self::FetchRestriction(p) => encode(p),
            Self::Range(p) => encode(p),
            Self::Security(p) => encode(p),
            Self::Service(p) => encode(p),
            Self::SequenceNumber(p) => encode(p),
            Self::InvalidParameters => encode(&()),
            Self::MessageGroup(p) => encode(p),
            Self::MsExtension(p) => encode(p),
            Self::RegisterMs(p) => encode(p),
            Self::Modify(p) => encode(p),
            Self::EntryClass(p) => encode(p),
        }
    }

    /// Decodes the parameter of error `code`; `Ok(None)` when `code` is not a P7 error (an
    /// X.411 error on an MS-submission operation, say). invalid-parameters-error accepts an
    /// absent parameter (empty `parameter`) as well as NULL.
    pub fn decode(code: i64, parameter: &[u8]) -> Result<Option<Self>, X413Error> {
        Ok(Some(match code {
            err::ATTRIBUTE_ERROR => Self::Attribute(decode(parameter)?),
            err::AUTO_ACTION_REQUEST_ERROR => Self::AutoActionRequest(decode(parameter)?),
            err::DELETE_ERROR => Self::Delete(decode(parameter)?),
            err::FETCH_RESTRICTION_ERROR => Self::FetchRestriction(decode(parameter)?),
            err::RANGE_ERROR => Self::Range(decode(parameter)?),
            err::SECURITY_ERROR => Self::Security(decode(parameter)?),
            err::SERVICE_ERROR => Self::Service(decode(parameter)?),
            err::SEQUENCE_NUMBER_ERROR => Self::SequenceNumber(decode(parameter)?),
            err::INVALID_PARAMETERS_ERROR => {
                if !parameter.is_empty() {
                    decode::<()>(parameter)?;
                }
                Self::InvalidParameters
            }
            err::MESSAGE_GROUP_ERROR => Self::MessageGroup(decode(parameter)?),
            err::MS_EXTENSION_ERROR => Self::MsExtension(decode(parameter)?),
            err::REGISTER_MS_ERROR => Self::RegisterMs(decode(parameter)?),
            err::MODIFY_ERROR => Self::Modify(decode(parameter)?),
            err::ENTRY_CLASS_ERROR => Self::EntryClass(decode(parameter)?),
            _ => return Ok(None),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_decode_unknown_values() {
        let b = rasn::ber::encode(&ServiceProblem(99)).unwrap();
        assert_eq!(
            rasn::ber::decode::<ServiceProblem>(&b).unwrap(),
            ServiceProblem(99)
        );
        assert_eq!(
            rasn::ber::encode(&RegistrationProblem::REGISTRATION_LIMIT_EXCEEDED).unwrap(),
            vec![0x0a, 0x01, 0x02]
        );
    }

    #[test]
    fn p7_errors_by_code() {
        let e = P7Error::Service(ServiceErrorParameter {
            problem: ServiceProblem::BUSY,
            supplementary_information: None,
        });
        let b = e.encode_parameter().unwrap();
        assert_eq!(b, vec![0x31, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(P7Error::decode(e.code(), &b).unwrap(), Some(e));
        assert_eq!(
            P7Error::decode(29, &[]).unwrap(),
            Some(P7Error::InvalidParameters)
        );
        assert_eq!(
            P7Error::InvalidParameters.encode_parameter().unwrap(),
            vec![0x05, 0x00]
        );
        assert!(P7Error::decode(12, &[0x02, 0x01, 0x01]).unwrap().is_none());
        assert!(P7Error::decode(27, &b[..3]).is_err());
    }
}
