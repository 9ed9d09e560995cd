//! X.413 (1999) §8.2.2.4 Delete: DeleteArgument and DeleteResult (NULL on 1988 contexts,
//! entries-deleted on 1994).

use rasn::prelude::*;

use super::attributes::{EntryClass, MSExtensions, SequenceNumber};
use super::explicit::{Set, ctx, explicit, explicit_set};
use super::selector::Selector;
use crate::asn1::x411::ber::set_decoder;

/// The `items` of DeleteArgument: `CHOICE { selector [1] Selector, sequence-numbers [2] SET
/// SIZE (1..ub-messages) OF SequenceNumber }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum DeleteItems {
    /// `selector [1] Selector`
    #[rasn(tag(explicit(context, 1)))]
    Selector(Selector),
    /// `sequence-numbers [2] SET OF SequenceNumber` (`a2 { 31 … }`)
    #[rasn(tag(explicit(context, 2)))]
    SequenceNumbers(Set<SequenceNumber>),
}

/// `DeleteArgument ::= SET { entry-class [0] EntryClass DEFAULT delivery, items CHOICE {...},
/// delete-extensions [3] MSExtensions OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq)]
#[rasn(set)]
pub struct DeleteArgument {
    /// `entry-class [0] EntryClass DEFAULT delivery`
    #[rasn(tag(explicit(context, 0)))]
    pub entry_class: Option<EntryClass>,
    /// `items`
    pub items: DeleteItems,
    /// `delete-extensions [3] MSExtensions OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 3)))]
    pub delete_extensions: Option<MSExtensions>,
}

impl DeleteArgument {
    /// Delete entries `seqs` of the delivery class.
    pub fn sequence_numbers(seqs: impl IntoIterator<Item = SequenceNumber>) -> Self {
        Self {
            entry_class: None,
            items: DeleteItems::SequenceNumbers(seqs.into_iter().collect()),
            delete_extensions: None,
        }
    }

    /// The entry class, `delivery` when absent.
    pub fn effective_entry_class(&self) -> EntryClass {
        self.entry_class.unwrap_or(EntryClass::DELIVERY)
    }
}

set_decoder!(DeleteArgument {
    opt entry_class "entry-class": ctx(0) => explicit,
    req items "items":
        ctx(1) => |c| explicit(c).map(DeleteItems::Selector);
        ctx(2) => |c| explicit(c).map(DeleteItems::SequenceNumbers),
    opt delete_extensions "delete-extensions": ctx(3) => explicit,
});

explicit_set! {
    /// The `delete-result-94` SET: `{ entries-deleted [0] SEQUENCE OF SequenceNumber OPTIONAL,
    /// delete-result-extensions [1] MSExtensions OPTIONAL }`.
    pub struct DeleteResult94 {
        /// `entries-deleted [0] SEQUENCE SIZE (1..ub-messages) OF SequenceNumber OPTIONAL`
        [0] opt entries_deleted: Option<Vec<SequenceNumber>>,
        /// `delete-result-extensions [1] MSExtensions OPTIONAL`
        [1] opt delete_result_extensions: Option<MSExtensions>,
    }
}

/// `DeleteResult ::= CHOICE { delete-result-88 NULL, delete-result-94 SET {...} }`: a store
/// answers NULL on a 1988 association and the SET on a 1994 one.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum DeleteResult {
    /// `delete-result-88 NULL` (`05 00`)
    DeleteResult88(()),
    /// `delete-result-94 SET {...}`
    DeleteResult94(DeleteResult94),
}
