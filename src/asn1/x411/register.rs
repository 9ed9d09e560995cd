//! X.411 (1999) §8.4.1.1 administration port: register (1994 RegisterArgument / RegisterResult,
//! and the 1988 Register88 argument of the mase-88 abstract syntax).

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::ber::{
    HandChoice, RawComponent, any_contents, choice_codec, ctx, explicit, fail, implicit, parse,
    parse_plain, set_decoder,
};
use super::common::{
    ContentType, EncodedInformationTypes, EncodedInformationTypesConstraints, ExtensionField,
    Priority, SecurityContext,
};
use super::delivery::Controls;
use super::orname::ORName;

/// The `objects` component of MessageClass: `ENUMERATED { messages(0), reports(1), both(2), ... }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum MessageClassObjects {
    /// messages
    Messages = 0,
    /// reports
    Reports = 1,
    /// both (the DEFAULT)
    Both = 2,
}

/// `MessageClass ::= SET {...}`; DeliverableClass is a MessageClass without priority and
/// applies-only-to.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct MessageClass {
    /// `content-types [0] ContentTypes OPTIONAL`
    #[rasn(tag(context, 0))]
    pub content_types: Option<Vec<ContentType>>,
    /// `maximum-content-length [1] ContentLength OPTIONAL`
    #[rasn(tag(context, 1))]
    pub maximum_content_length: Option<u32>,
    /// `encoded-information-types-constraints [2] EncodedInformationTypesConstraints OPTIONAL`
    #[rasn(tag(context, 2))]
    pub encoded_information_types_constraints: Option<EncodedInformationTypesConstraints>,
    /// `security-labels [3] SecurityContext OPTIONAL`
    #[rasn(tag(context, 3))]
    pub security_labels: Option<SecurityContext>,
    /// `priority [4] SET OF Priority OPTIONAL`
    #[rasn(tag(context, 4))]
    pub priority: Option<Vec<Priority>>,
    /// `objects [5] ENUMERATED {...} DEFAULT both`
    #[rasn(tag(context, 5))]
    pub objects: Option<MessageClassObjects>,
    /// `applies-only-to [6] SEQUENCE OF Restriction OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 6))]
    pub applies_only_to: Option<Any>,
    /// `extensions [7] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 7))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(MessageClass {
    opt content_types "content-types": ctx(0) => implicit,
    opt maximum_content_length "maximum-content-length": ctx(1) => implicit,
    opt encoded_information_types_constraints "encoded-information-types-constraints":
        ctx(2) => implicit,
    opt security_labels "security-labels": ctx(3) => implicit,
    opt priority "priority": ctx(4) => implicit,
    opt objects "objects": ctx(5) => implicit,
    opt applies_only_to "applies-only-to": ctx(6) => any_contents,
    opt extensions "extensions": ctx(7) => implicit,
});

/// `DeliverableClass ::= MessageClass (WITH COMPONENTS {..., priority ABSENT,
/// applies-only-to ABSENT})`.
pub type DeliverableClass = MessageClass;

/// `RegisterArgument ::= SET {...}` (1994). UserAddress, Redirections, RestrictedDelivery and
/// RegistrationTypes are kept opaque (their contents under the component's tag).
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct RegisterArgument {
    /// `user-name UserName OPTIONAL` (ORName, `60 …`)
    pub user_name: Option<ORName>,
    /// `user-address [0] UserAddress OPTIONAL` (a CHOICE: explicit; the inner TLV, opaque)
    #[rasn(tag(context, 0))]
    pub user_address: Option<Any>,
    /// `deliverable-class SET SIZE (1..ub-deliverable-class) OF DeliverableClass OPTIONAL`
    #[rasn(tag(universal, 17))]
    pub deliverable_class: Option<Vec<DeliverableClass>>,
    /// `default-delivery-controls [2] EXPLICIT DefaultDeliveryControls OPTIONAL`
    #[rasn(tag(explicit(context, 2)))]
    pub default_delivery_controls: Option<Controls>,
    /// `redirections [3] Redirections OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 3))]
    pub redirections: Option<Any>,
    /// `restricted-delivery [4] RestrictedDelivery OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 4))]
    pub restricted_delivery: Option<Any>,
    /// `retrieve-registrations [5] RegistrationTypes OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 5))]
    pub retrieve_registrations: Option<Any>,
    /// `extensions [6] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 6))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(RegisterArgument {
    opt user_name "user-name": ORName::TAG => parse_plain,
    opt user_address "user-address": ctx(0) => any_contents,
    opt deliverable_class "deliverable-class": Tag::SET => implicit,
    opt default_delivery_controls "default-delivery-controls": ctx(2) => explicit,
    opt redirections "redirections": ctx(3) => any_contents,
    opt restricted_delivery "restricted-delivery": ctx(4) => any_contents,
    opt retrieve_registrations "retrieve-registrations": ctx(5) => any_contents,
    opt extensions "extensions": ctx(6) => implicit,
});

/// The `non-empty-result` SET of RegisterResult.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct RegisteredInformation {
    /// `registered-information [0] RegisterArgument OPTIONAL`
    #[rasn(tag(context, 0))]
    pub registered_information: Option<RegisterArgument>,
    /// `extensions [1] SET OF ExtensionField DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub extensions: Option<Vec<ExtensionField>>,
}

set_decoder!(RegisteredInformation {
    opt registered_information "registered-information": ctx(0) => implicit,
    opt extensions "extensions": ctx(1) => implicit,
});

/// `RegisterResult ::= CHOICE { empty-result NULL, non-empty-result SET {...} }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RegisterResult {
    /// `empty-result NULL`
    EmptyResult,
    /// `non-empty-result SET { registered-information [0], extensions [1] }` (boxed: it
    /// holds a whole RegisterArgument)
    NonEmptyResult(Box<RegisteredInformation>),
}

impl HandChoice for RegisterResult {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::EmptyResult => e.encode_null(Tag::NULL, Identifier::EMPTY).map(drop),
            Self::NonEmptyResult(v) => v.encode(e),
        }
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        Ok(match c.tag {
            t if t == Tag::NULL => {
                parse(c, |d| d.decode_null(Tag::NULL))?;
                Self::EmptyResult
            }
            t if t == Tag::SET => Self::NonEmptyResult(Box::new(parse_plain(c)?)),
            _ => return Err(fail("not a RegisterResult")),
        })
    }
}
choice_codec!(RegisterResult: Tag::NULL, Tag::SET);

/// `Register88 ::= SET {...}`: the register argument of the 1988 contexts (mase-88); its
/// result is NULL. `labels-and-redirections` is kept opaque.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(set)]
pub struct Register88 {
    /// `user-name UserName OPTIONAL`
    pub user_name: Option<ORName>,
    /// `user-address [0] UserAddress OPTIONAL` (explicit CHOICE; the inner TLV, opaque)
    #[rasn(tag(context, 0))]
    pub user_address: Option<Any>,
    /// `deliverable-encoded-information-types EncodedInformationTypes OPTIONAL`
    pub deliverable_encoded_information_types: Option<EncodedInformationTypes>,
    /// `deliverable-maximum-content-length [1] EXPLICIT ContentLength OPTIONAL`
    #[rasn(tag(explicit(context, 1)))]
    pub deliverable_maximum_content_length: Option<u32>,
    /// `default-delivery-controls [2] EXPLICIT DefaultDeliveryControls OPTIONAL`
    #[rasn(tag(explicit(context, 2)))]
    pub default_delivery_controls: Option<Controls>,
    /// `deliverable-content-types [3] ContentTypes OPTIONAL`
    #[rasn(tag(context, 3))]
    pub deliverable_content_types: Option<Vec<ContentType>>,
    /// `labels-and-redirections [4] SET OF LabelAndRedirection OPTIONAL` (contents, opaque)
    #[rasn(tag(context, 4))]
    pub labels_and_redirections: Option<Any>,
}

set_decoder!(Register88 {
    opt user_name "user-name": ORName::TAG => parse_plain,
    opt user_address "user-address": ctx(0) => any_contents,
    opt deliverable_encoded_information_types "deliverable-encoded-information-types":
        EncodedInformationTypes::TAG => parse_plain,
    opt deliverable_maximum_content_length "deliverable-maximum-content-length":
        ctx(1) => explicit,
    opt default_delivery_controls "default-delivery-controls": ctx(2) => explicit,
    opt deliverable_content_types "deliverable-content-types": ctx(3) => implicit,
    opt labels_and_redirections "labels-and-redirections": ctx(4) => any_contents,
});
