//! X.413 (1999) §8.2.2.4 Delete: DeleteArgument and DeleteResult (NULL on 1988 contexts,
//! entries-deleted on 1994).

use rasn::error::DecodeError;
use rasn::prelude::*;

use super::attributes::{EntryClass, MSExtensions, SequenceNumber};
use super::explicit::{RawComponent, Set, ctx, explicit, explicit_set, put, required};
use super::selector::Selector;
use crate::asn1::x411::ber::set_decode;

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

    fn from_components(comps: &[RawComponent]) -> Result<Self, DecodeError> {
        let (mut class, mut items, mut ext) = (None, None, None);
        for c in comps {
            let t = c.tag;
            match t {
                _ if t == ctx(0) => put(&mut class, explicit(c)?, "entry-class")?,
                _ if t == ctx(1) => put(&mut items, DeleteItems::Selector(explicit(c)?), "items")?,
                _ if t == ctx(2) => put(
                    &mut items,
                    DeleteItems::SequenceNumbers(explicit(c)?),
                    "items",
                )?,
                _ if t == ctx(3) => put(&mut ext, explicit(c)?, "delete-extensions")?,
                _ => {}
            }
        }
        Ok(Self {
            entry_class: class,
            items: required(items, "items")?,
            delete_extensions: ext,
        })
    }
}
set_decode!(DeleteArgument);

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
