//! X.413 (1999) §8.2.2.7 Modify (1994): ModifyArgument, EntryModification, OrderedAttribute
//! and ModifyResult.

use rasn::prelude::*;

use super::attributes::{Attribute, AttributeType, EntryClass, MSExtensions, SequenceNumber};
use super::explicit::{ctx, explicit, explicit_set};
use super::selector::Selector;
use crate::asn1::x411::ber::set_decoder;

/// One value of an OrderedAttribute: `SEQUENCE { value [0] X413ATTRIBUTE.&Type OPTIONAL,
/// position [1] INTEGER (1..ub-attribute-values) OPTIONAL }` (at least one present).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderedAttributeValue {
    /// `value [0]` (complete encoding)
    #[rasn(tag(explicit(context, 0)))]
    pub value: Option<Any>,
    /// `position [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub position: Option<u32>,
}

/// `OrderedAttribute ::= SEQUENCE { attribute-type X413ATTRIBUTE.&id, attribute-values
/// SEQUENCE SIZE (1..ub-attribute-values) OF SEQUENCE { value [0] OPTIONAL, position [1]
/// OPTIONAL } }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderedAttribute {
    /// `attribute-type`
    pub attribute_type: AttributeType,
    /// `attribute-values`
    pub attribute_values: Vec<OrderedAttributeValue>,
}

/// The `modification` CHOICE of EntryModification.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum Modification {
    /// `add-attribute [1] Attribute`
    #[rasn(tag(explicit(context, 1)))]
    AddAttribute(Attribute),
    /// `remove-attribute [2] X413ATTRIBUTE.&id`
    #[rasn(tag(explicit(context, 2)))]
    RemoveAttribute(AttributeType),
    /// `add-values [3] OrderedAttribute`
    #[rasn(tag(explicit(context, 3)))]
    AddValues(OrderedAttribute),
    /// `remove-values [4] OrderedAttribute`
    #[rasn(tag(explicit(context, 4)))]
    RemoveValues(OrderedAttribute),
}

/// `EntryModification ::= SET { strict [0] BOOLEAN DEFAULT FALSE, modification CHOICE {
/// add-attribute [1], remove-attribute [2], add-values [3], remove-values [4] } }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set)]
pub struct EntryModification {
    /// `strict [0] BOOLEAN DEFAULT FALSE`
    #[rasn(tag(explicit(context, 0)))]
    pub strict: Option<bool>,
    /// `modification`
    pub modification: Modification,
}

set_decoder!(EntryModification {
    opt strict "strict": ctx(0) => explicit,
    req modification "modification":
        ctx(1) => |c| explicit(c).map(Modification::AddAttribute);
        ctx(2) => |c| explicit(c).map(Modification::RemoveAttribute);
        ctx(3) => |c| explicit(c).map(Modification::AddValues);
        ctx(4) => |c| explicit(c).map(Modification::RemoveValues),
});

/// The `entries` CHOICE of ModifyArgument: `{ selector [1] Selector, specific-entries [2]
/// SEQUENCE SIZE (1..ub-messages) OF SequenceNumber }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum ModifyEntries {
    /// `selector [1] Selector`
    #[rasn(tag(explicit(context, 1)))]
    Selector(Selector),
    /// `specific-entries [2] SEQUENCE OF SequenceNumber`
    #[rasn(tag(explicit(context, 2)))]
    SpecificEntries(Vec<SequenceNumber>),
}

/// `ModifyArgument ::= SET { entry-class [0] EntryClass DEFAULT delivery, entries CHOICE {...},
/// modifications [3] SEQUENCE SIZE (1..ub-modifications) OF EntryModification,
/// modify-extensions [4] MSExtensions OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq)]
#[rasn(set)]
pub struct ModifyArgument {
    /// `entry-class [0] EntryClass DEFAULT delivery`
    #[rasn(tag(explicit(context, 0)))]
    pub entry_class: Option<EntryClass>,
    /// `entries`
    pub entries: ModifyEntries,
    /// `modifications [3]`
    #[rasn(tag(explicit(context, 3)))]
    pub modifications: Vec<EntryModification>,
    /// `modify-extensions [4] MSExtensions OPTIONAL`
    #[rasn(tag(explicit(context, 4)))]
    pub modify_extensions: Option<MSExtensions>,
}

impl ModifyArgument {
    /// The entry class, `delivery` when absent.
    pub fn effective_entry_class(&self) -> EntryClass {
        self.entry_class.unwrap_or(EntryClass::DELIVERY)
    }
}

set_decoder!(ModifyArgument {
    opt entry_class "entry-class": ctx(0) => explicit,
    req entries "entries":
        ctx(1) => |c| explicit(c).map(ModifyEntries::Selector);
        ctx(2) => |c| explicit(c).map(ModifyEntries::SpecificEntries),
    req modifications "modifications": ctx(3) => explicit,
    opt modify_extensions "modify-extensions": ctx(4) => explicit,
});

explicit_set! {
    /// `ModifyResult ::= SET { entries-modified [0] SEQUENCE OF SequenceNumber OPTIONAL,
    /// modify-result-extensions [1] MSExtensions OPTIONAL }`.
    pub struct ModifyResult {
        /// `entries-modified [0] SEQUENCE SIZE (1..ub-messages) OF SequenceNumber OPTIONAL`
        [0] opt entries_modified: Option<Vec<SequenceNumber>>,
        /// `modify-result-extensions [1] MSExtensions OPTIONAL`
        [1] opt modify_result_extensions: Option<MSExtensions>,
    }
}
