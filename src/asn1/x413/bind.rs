//! X.413 (1999) §8.1 MS-bind: MSBindArgument, MSBindResult and the ms-bind-error parameter
//! (tags explicit, except `security-context [3] IMPLICIT`).

use rasn::prelude::*;

use super::attributes::{
    AttributeType, AutoActionErrorIndication, AutoActionType, EntryClass, MSEITs, MSExtensions,
};
use super::explicit::{Set, ctx, explicit, explicit_set};
use crate::address::ORName;
use crate::asn1::x411::ber::{implicit, parse_plain, set_decoder};
use crate::asn1::x411::{InitiatorCredentials, ResponderCredentials, SecurityContext};

/// `RegistrationIdentifier ::= PrintableString (SIZE (1..ub-ua-registration-identifier-length))`.
pub type RegistrationIdentifier = PrintableString;

explicit_set! {
    /// `Restrictions ::= SET { allowed-content-types [0] SET OF OBJECT IDENTIFIER OPTIONAL,
    /// allowed-EITs [1] MS-EITs OPTIONAL, maximum-attribute-length [2] INTEGER OPTIONAL }`
    /// (the fetch-restrictions of MS-bind; absent means no restriction).
    pub struct Restrictions {
        /// `allowed-content-types [0] SET SIZE (1..ub-content-types) OF OBJECT IDENTIFIER`
        [0] opt allowed_content_types: Option<Set<ObjectIdentifier>>,
        /// `allowed-EITs [1] MS-EITs`
        [1] opt allowed_eits: Option<MSEITs>,
        /// `maximum-attribute-length [2] INTEGER`
        [2] opt maximum_attribute_length: Option<u32>,
    }
}

/// `MSBindArgument ::= SET { initiator-name ORAddressAndOrDirectoryName, initiator-credentials
/// [2] InitiatorCredentials, security-context [3] IMPLICIT SecurityContext OPTIONAL,
/// fetch-restrictions [4] Restrictions OPTIONAL, ms-configuration-request [5] BOOLEAN DEFAULT
/// FALSE, ua-registration-identifier [6] RegistrationIdentifier OPTIONAL, bind-extensions [7]
/// MSExtensions OPTIONAL }`.
///
/// `ms-configuration-request` is explicit: `a5 03 01 01 ff` (an implicit `85 01 ff` is what
/// tshark flags Malformed).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq)]
#[rasn(set)]
pub struct MSBindArgument {
    /// `initiator-name ORAddressAndOrDirectoryName` (`60 …`)
    pub initiator_name: ORName,
    /// `initiator-credentials [2] InitiatorCredentials` (`a2 { 16 len pw }` for simple)
    #[rasn(tag(explicit(context, 2)))]
    pub initiator_credentials: InitiatorCredentials,
    /// `security-context [3] IMPLICIT SecurityContext OPTIONAL`
    #[rasn(tag(context, 3))]
    pub security_context: Option<SecurityContext>,
    /// `fetch-restrictions [4] Restrictions OPTIONAL`
    #[rasn(tag(explicit(context, 4)))]
    pub fetch_restrictions: Option<Restrictions>,
    /// `ms-configuration-request [5] BOOLEAN DEFAULT FALSE`
    #[rasn(tag(explicit(context, 5)))]
    pub ms_configuration_request: Option<bool>,
    /// `ua-registration-identifier [6] RegistrationIdentifier OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 6)))]
    pub ua_registration_identifier: Option<RegistrationIdentifier>,
    /// `bind-extensions [7] MSExtensions OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 7)))]
    pub bind_extensions: Option<MSExtensions>,
}

impl MSBindArgument {
    /// A bind with an O/R name and a simple password, nothing else.
    pub fn simple(initiator_name: ORName, credentials: InitiatorCredentials) -> Self {
        Self {
            initiator_name,
            initiator_credentials: credentials,
            security_context: None,
            fetch_restrictions: None,
            ms_configuration_request: None,
            ua_registration_identifier: None,
            bind_extensions: None,
        }
    }

    /// `ms-configuration-request`, FALSE when absent.
    pub fn configuration_requested(&self) -> bool {
        self.ms_configuration_request.unwrap_or(false)
    }
}

set_decoder!(MSBindArgument {
    req initiator_name "initiator-name": ORName::TAG => parse_plain,
    req initiator_credentials "initiator-credentials": ctx(2) => explicit,
    opt security_context "security-context": ctx(3) => implicit,
    opt fetch_restrictions "fetch-restrictions": ctx(4) => explicit,
    opt ms_configuration_request "ms-configuration-request": ctx(5) => explicit,
    opt ua_registration_identifier "ua-registration-identifier": ctx(6) => explicit,
    opt bind_extensions "bind-extensions": ctx(7) => explicit,
});

explicit_set! {
    /// `MSBindResult ::= SET { responder-credentials [2], available-auto-actions [3],
    /// available-attribute-types [4], alert-indication [5] BOOLEAN DEFAULT FALSE,
    /// content-types-supported [6], entry-classes-supported [7], matching-rules-supported [8],
    /// bind-result-extensions [9], message-group-depth [10], auto-action-error-indication [11],
    /// unsupported-extensions [12], ua-registration-id-unknown [13] BOOLEAN DEFAULT FALSE,
    /// service-information [14] GeneralString }`; `[7]` and above are 1994 additions.
    pub struct MSBindResult {
        /// `responder-credentials [2] ResponderCredentials` (Isode-style clients compare it)
        [2] req responder_credentials: ResponderCredentials,
        /// `available-auto-actions [3] SET OF AUTO-ACTION.&id OPTIONAL`
        [3] opt available_auto_actions: Option<Set<AutoActionType>>,
        /// `available-attribute-types [4] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [4] opt available_attribute_types: Option<Set<AttributeType>>,
        /// `alert-indication [5] BOOLEAN DEFAULT FALSE`
        [5] opt alert_indication: Option<bool>,
        /// `content-types-supported [6] SET OF OBJECT IDENTIFIER OPTIONAL`
        [6] opt content_types_supported: Option<Set<ObjectIdentifier>>,
        /// `entry-classes-supported [7] SET OF EntryClass OPTIONAL` (1994)
        [7] opt entry_classes_supported: Option<Set<EntryClass>>,
        /// `matching-rules-supported [8] SET OF OBJECT IDENTIFIER OPTIONAL` (1994)
        [8] opt matching_rules_supported: Option<Set<ObjectIdentifier>>,
        /// `bind-result-extensions [9] MSExtensions OPTIONAL` (1994)
        [9] opt bind_result_extensions: Option<MSExtensions>,
        /// `message-group-depth [10] INTEGER (1..ub-group-depth) OPTIONAL` (1994)
        [10] opt message_group_depth: Option<u32>,
        /// `auto-action-error-indication [11] AutoActionErrorIndication OPTIONAL` (1994)
        [11] opt auto_action_error_indication: Option<AutoActionErrorIndication>,
        /// `unsupported-extensions [12] SET OF OBJECT IDENTIFIER OPTIONAL` (1994)
        [12] opt unsupported_extensions: Option<Set<ObjectIdentifier>>,
        /// `ua-registration-id-unknown [13] BOOLEAN DEFAULT FALSE` (1994)
        [13] opt ua_registration_id_unknown: Option<bool>,
        /// `service-information [14] GeneralString OPTIONAL` (1994)
        [14] opt service_information: Option<GeneralString>,
    }
}

impl MSBindResult {
    /// A result carrying only the responder credentials.
    pub fn simple(responder_credentials: ResponderCredentials) -> Self {
        Self {
            responder_credentials,
            available_auto_actions: None,
            available_attribute_types: None,
            alert_indication: None,
            content_types_supported: None,
            entry_classes_supported: None,
            matching_rules_supported: None,
            bind_result_extensions: None,
            message_group_depth: None,
            auto_action_error_indication: None,
            unsupported_extensions: None,
            ua_registration_id_unknown: None,
            service_information: None,
        }
    }
}

/// `BindProblem ::= ENUMERATED { authentication-error(0), unacceptable-security-context(1),
/// unable-to-establish-association(2), ..., bind-extension-problem(3),
/// inadequate-association-confidentiality(4) }`. Kept as its number so that later additions
/// decode.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate, tag(universal, 10))]
pub struct BindProblem(pub u8);

impl BindProblem {
    /// authentication-error
    pub const AUTHENTICATION_ERROR: Self = Self(0);
    /// unacceptable-security-context
    pub const UNACCEPTABLE_SECURITY_CONTEXT: Self = Self(1);
    /// unable-to-establish-association
    pub const UNABLE_TO_ESTABLISH_ASSOCIATION: Self = Self(2);
    /// bind-extension-problem (1994)
    pub const BIND_EXTENSION_PROBLEM: Self = Self(3);
    /// inadequate-association-confidentiality (1994)
    pub const INADEQUATE_ASSOCIATION_CONFIDENTIALITY: Self = Self(4);
}

explicit_set! {
    /// The `qualified-error` SET of the ms-bind-error parameter (1994).
    pub struct QualifiedBindError {
        /// `bind-problem [0] BindProblem`
        [0] req bind_problem: BindProblem,
        /// `supplementary-information [1] GeneralString OPTIONAL`
        [1] opt supplementary_information: Option<GeneralString>,
        /// `bind-extension-errors [2] SET OF OBJECT IDENTIFIER OPTIONAL`
        [2] opt bind_extension_errors: Option<Set<ObjectIdentifier>>,
    }
}

/// The ms-bind-error parameter: `CHOICE { unqualified-error BindProblem, qualified-error SET
/// {...} }`. A 1988 store sends the bare ENUMERATED (`0a 01 00`).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum MSBindError {
    /// `unqualified-error BindProblem`
    UnqualifiedError(BindProblem),
    /// `qualified-error SET {...}` (1994)
    QualifiedError(QualifiedBindError),
}

impl MSBindError {
    /// The bind problem, whichever form carries it.
    pub fn problem(&self) -> BindProblem {
        match self {
            Self::UnqualifiedError(p) => *p,
            Self::QualifiedError(q) => q.bind_problem,
        }
    }
}
