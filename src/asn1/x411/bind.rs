//! X.411 (1999) §8.1.1 MTS-bind: MTSBindArgument, MTSBindResult and the mts-bind-error
//! parameter; §8.4.1.2 change-credentials argument.

use rasn::prelude::*;

use super::ber::{ctx, explicit, implicit, parse_plain, set_decoder};
use super::common::{ExtensionField, MTAName, SecurityContext};
use super::orname::ORName;

/// `ObjectName ::= CHOICE { user-agent ORAddressAndOptionalDirectoryName, mTA [0] MTAName,
/// message-store [4] ORAddressAndOptionalDirectoryName }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum ObjectName {
    /// `user-agent ORAddressAndOptionalDirectoryName` (`60 …`)
    UserAgent(ORName),
    /// `mTA [0] MTAName` — IMPLICIT IA5String: `80 len name`
    #[rasn(tag(context, 0))]
    Mta(MTAName),
    /// `message-store [4] ORAddressAndOptionalDirectoryName` — IMPLICIT: `a4 …`
    #[rasn(tag(context, 4))]
    MessageStore(ORName),
}

impl ObjectName {
    fn is_tag(tag: Tag) -> bool {
        tag == ORName::TAG || tag == ctx(0) || tag == ctx(4)
    }
}

/// `DeliveryQueue ::= SET { messages [0] INTEGER, octets [1] INTEGER OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct DeliveryQueue {
    /// `messages [0] INTEGER (0..ub-queue-size)`
    #[rasn(tag(context, 0))]
    pub messages: u32,
    /// `octets [1] INTEGER (0..ub-content-length) OPTIONAL`
    #[rasn(tag(context, 1))]
    pub octets: Option<u32>,
}

set_decoder!(DeliveryQueue {
    req messages "messages": ctx(0) => implicit,
    opt octets "octets": ctx(1) => implicit,
});

/// `MessagesWaiting ::= SET { urgent [0], normal [1], non-urgent [2] DeliveryQueue }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct MessagesWaiting {
    /// `urgent [0] DeliveryQueue`
    #[rasn(tag(context, 0))]
    pub urgent: DeliveryQueue,
    /// `normal [1] DeliveryQueue`
    #[rasn(tag(context, 1))]
    pub normal: DeliveryQueue,
    /// `non-urgent [2] DeliveryQueue`
    #[rasn(tag(context, 2))]
    pub non_urgent: DeliveryQueue,
}

set_decoder!(MessagesWaiting {
    req urgent "urgent": ctx(0) => implicit,
    req normal "normal": ctx(1) => implicit,
    req non_urgent "non-urgent": ctx(2) => implicit,
});

/// `Password ::= CHOICE { ia5-string IA5String, octet-string OCTET STRING }`
/// (SIZE (0..ub-password-length), 62).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum Password {
    /// `ia5-string IA5String` (`16 len pw`)
    Ia5String(Ia5String),
    /// `octet-string OCTET STRING`
    OctetString(OctetString),
}

/// `Credentials ::= CHOICE { simple Password, strong [0] StrongCredentials, ...,
/// protected [1] ProtectedPassword }`. Strong and protected credentials are kept opaque (the
/// contents of their implicit tag): the store only checks simple passwords.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum Credentials {
    /// `simple Password`
    Simple(Password),
    /// `strong [0] StrongCredentials` (SET contents, opaque)
    #[rasn(tag(context, 0))]
    Strong(Any),
    /// `protected [1] ProtectedPassword` (SET contents, opaque)
    #[rasn(tag(context, 1))]
    Protected(Any),
}

/// `InitiatorCredentials ::= Credentials`.
pub type InitiatorCredentials = Credentials;
/// `ResponderCredentials ::= Credentials`.
pub type ResponderCredentials = Credentials;

/// `MTSBindArgument ::= SET { initiator-name ObjectName, messages-waiting [1] EXPLICIT
/// MessagesWaiting OPTIONAL, initiator-credentials [2] InitiatorCredentials, security-context
/// [3] SecurityContext OPTIONAL, ..., extensions [5] SET OF ExtensionField DEFAULT {} }`.
///
/// `[2]` is explicit because Credentials is a CHOICE: `a2 {16 len pw}`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct MTSBindArgument {
    /// `initiator-name ObjectName` (an MTA binding to the store: `mTA [0]`, `80 len name`)
    pub initiator_name: ObjectName,
    /// `messages-waiting [1] EXPLICIT MessagesWaiting OPTIONAL`
    #[rasn(tag(explicit(context, 1)))]
    pub messages_waiting: Option<MessagesWaiting>,
    /// `initiator-credentials [2] InitiatorCredentials`
    #[rasn(tag(explicit(context, 2)))]
    pub initiator_credentials: InitiatorCredentials,
    /// `security-context [3] SecurityContext OPTIONAL`
    #[rasn(tag(context, 3))]
    pub security_context: Option<SecurityContext>,
    /// `extensions [5] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 5))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(MTSBindArgument {
    req initiator_name "initiator-name": ObjectName::is_tag => parse_plain,
    opt messages_waiting "messages-waiting": ctx(1) => explicit,
    req initiator_credentials "initiator-credentials": ctx(2) => explicit,
    opt security_context "security-context": ctx(3) => implicit,
    opt extensions "extensions": ctx(5) => implicit,
});

/// `MTSBindResult ::= SET { responder-name ObjectName, messages-waiting [1] EXPLICIT
/// MessagesWaiting OPTIONAL, responder-credentials [2] ResponderCredentials, ...,
/// extensions [5] SET OF ExtensionField DEFAULT {} }`.
///
/// A message store answers with `message-store [4]` (`a4 …`, implicit ORName).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct MTSBindResult {
    /// `responder-name ObjectName`
    pub responder_name: ObjectName,
    /// `messages-waiting [1] EXPLICIT MessagesWaiting OPTIONAL`
    #[rasn(tag(explicit(context, 1)))]
    pub messages_waiting: Option<MessagesWaiting>,
    /// `responder-credentials [2] ResponderCredentials`
    #[rasn(tag(explicit(context, 2)))]
    pub responder_credentials: ResponderCredentials,
    /// `extensions [5] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 5))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(MTSBindResult {
    req responder_name "responder-name": ObjectName::is_tag => parse_plain,
    opt messages_waiting "messages-waiting": ctx(1) => explicit,
    req responder_credentials "responder-credentials": ctx(2) => explicit,
    opt extensions "extensions": ctx(5) => implicit,
});

/// The mts-bind-error parameter: `INTEGER { busy(0), authentication-error(2),
/// unacceptable-dialogue-mode(3), unacceptable-security-context(4),
/// inadequate-association-confidentiality(5) } (0..ub-integer-options)`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct MTSBindError(pub u16);

impl MTSBindError {
    /// busy
    pub const BUSY: Self = Self(0);
    /// authentication-error
    pub const AUTHENTICATION_ERROR: Self = Self(2);
    /// unacceptable-dialogue-mode
    pub const UNACCEPTABLE_DIALOGUE_MODE: Self = Self(3);
    /// unacceptable-security-context
    pub const UNACCEPTABLE_SECURITY_CONTEXT: Self = Self(4);
    /// inadequate-association-confidentiality
    pub const INADEQUATE_ASSOCIATION_CONFIDENTIALITY: Self = Self(5);
}

/// `ChangeCredentialsArgument ::= SET { old-credentials [0] Credentials (simple),
/// new-credentials [1] Credentials (simple) }` — both explicit (CHOICE).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct ChangeCredentialsArgument {
    /// `old-credentials [0] Credentials`
    #[rasn(tag(explicit(context, 0)))]
    pub old_credentials: Credentials,
    /// `new-credentials [1] Credentials`
    #[rasn(tag(explicit(context, 1)))]
    pub new_credentials: Credentials,
}

set_decoder!(ChangeCredentialsArgument {
    req old_credentials "old-credentials": ctx(0) => explicit,
    req new_credentials "new-credentials": ctx(1) => explicit,
});
