//! X.411 (1999) §8.4.1.1 administration port: register (1994 RegisterArgument / RegisterResult,
//! and the 1988 Register88 argument of the mase-88 abstract syntax).

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::ber::{
    RawComponent, ctx, fail, parse, parse_any_contents, parse_plain, parse_tagged, put, set_decode,
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

impl MessageClass {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => {
                    put(&mut out.content_types, parse_tagged(c, t)?, "content-types")?
                }
                _ if t == ctx(1) => put(
                    &mut out.maximum_content_length,
                    parse_tagged(c, t)?,
                    "maximum-content-length",
                )?,
                _ if t == ctx(2) => put(
                    &mut out.encoded_information_types_constraints,
                    parse_tagged(c, t)?,
                    "encoded-information-types-constraints",
                )?,
                _ if t == ctx(3) => put(
                    &mut out.security_labels,
                    parse_tagged(c, t)?,
                    "security-labels",
                )?,
                _ if t == ctx(4) => put(&mut out.priority, parse_tagged(c, t)?, "priority")?,
                _ if t == ctx(5) => put(&mut out.objects, parse_tagged(c, t)?, "objects")?,
                _ if t == ctx(6) => put(
                    &mut out.applies_only_to,
                    parse_any_contents(c, t)?,
                    "applies-only-to",
                )?,
                _ if t == ctx(7) => put(&mut out.extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(MessageClass);

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

impl RegisterArgument {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ORName::TAG => put(&mut out.user_name, parse_plain(c)?, "user-name")?,
                _ if t == ctx(0) => put(
                    &mut out.user_address,
                    parse_any_contents(c, t)?,
                    "user-address",
                )?,
                _ if t == Tag::SET => put(
                    &mut out.deliverable_class,
                    parse_tagged(c, t)?,
                    "deliverable-class",
                )?,
                _ if t == ctx(2) => put(
                    &mut out.default_delivery_controls,
                    parse(c, |d| d.decode_explicit_prefix(t))?,
                    "default-delivery-controls",
                )?,
                _ if t == ctx(3) => put(
                    &mut out.redirections,
                    parse_any_contents(c, t)?,
                    "redirections",
                )?,
                _ if t == ctx(4) => put(
                    &mut out.restricted_delivery,
                    parse_any_contents(c, t)?,
                    "restricted-delivery",
                )?,
                _ if t == ctx(5) => put(
                    &mut out.retrieve_registrations,
                    parse_any_contents(c, t)?,
                    "retrieve-registrations",
                )?,
                _ if t == ctx(6) => put(&mut out.extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(RegisterArgument);

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

impl RegisteredInformation {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(
                    &mut out.registered_information,
                    parse_tagged(c, t)?,
                    "registered-information",
                )?,
                _ if t == ctx(1) => put(&mut out.extensions, parse_tagged(c, t)?, "extensions")?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(RegisteredInformation);

/// `RegisterResult ::= CHOICE { empty-result NULL, non-empty-result SET {...} }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RegisterResult {
    /// `empty-result NULL`
    EmptyResult,
    /// `non-empty-result SET { registered-information [0], extensions [1] }` (boxed: it
    /// holds a whole RegisterArgument)
    NonEmptyResult(Box<RegisteredInformation>),
}

impl AsnType for RegisterResult {
    const TAG: Tag = Tag::EOC;
    const TAG_TREE: TagTree = TagTree::Choice(&[TagTree::Leaf(Tag::NULL), TagTree::Leaf(Tag::SET)]);
    const IS_CHOICE: bool = true;
}

impl Encode for RegisterResult {
    fn encode<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::EmptyResult => e.encode_null(Tag::NULL, Identifier::EMPTY).map(drop),
            Self::NonEmptyResult(v) => v.encode(e),
        }
    }

    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        e: &mut E,
        _tag: Tag,
        _constraints: &Constraints,
        _identifier: Identifier,
    ) -> Result<(), E::Error> {
        self.encode(e)
    }
}

impl Decode for RegisterResult {
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, D::Error> {
        let c = RawComponent::decode(d)?;
        Ok(match c.tag {
            t if t == Tag::NULL => {
                parse(&c, |d| d.decode_null(Tag::NULL))?;
                Self::EmptyResult
            }
            t if t == Tag::SET => Self::NonEmptyResult(Box::new(parse_plain(&c)?)),
            _ => return Err(fail("not a RegisterResult").into()),
        })
    }

    fn decode_with_tag_and_constraints<D: Decoder>(
        d: &mut D,
        _tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        Self::decode(d)
    }
}

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

impl Register88 {
    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ORName::TAG => put(&mut out.user_name, parse_plain(c)?, "user-name")?,
                _ if t == ctx(0) => put(
                    &mut out.user_address,
                    parse_any_contents(c, t)?,
                    "user-address",
                )?,
                _ if t == EncodedInformationTypes::TAG => put(
                    &mut out.deliverable_encoded_information_types,
                    parse_plain(c)?,
                    "deliverable-encoded-information-types",
                )?,
                _ if t == ctx(1) => put(
                    &mut out.deliverable_maximum_content_length,
                    parse(c, |d| d.decode_explicit_prefix(t))?,
                    "deliverable-maximum-content-length",
                )?,
                _ if t == ctx(2) => put(
                    &mut out.default_delivery_controls,
                    parse(c, |d| d.decode_explicit_prefix(t))?,
                    "default-delivery-controls",
                )?,
                _ if t == ctx(3) => put(
                    &mut out.deliverable_content_types,
                    parse_tagged(c, t)?,
                    "deliverable-content-types",
                )?,
                _ if t == ctx(4) => put(
                    &mut out.labels_and_redirections,
                    parse_any_contents(c, t)?,
                    "labels-and-redirections",
                )?,
                _ => {}
            }
        }
        Ok(out)
    }
}
set_decode!(Register88);
