//! X.413 (1999) §8.2.2.2 List: ListArgument and ListResult.

use rasn::prelude::*;

use super::attributes::{
    EntryClass, EntryInformation, EntryInformationSelection, MSExtensions, SequenceNumber,
};
use super::explicit::explicit_set;
use super::selector::Selector;

explicit_set! {
    /// `ListArgument ::= SET { entry-class [0] EntryClass DEFAULT delivery, selector [1]
    /// Selector, requested-attributes [3] EntryInformationSelection OPTIONAL, list-extensions
    /// [4] MSExtensions OPTIONAL }`.
    pub struct ListArgument {
        /// `entry-class [0] EntryClass DEFAULT delivery`
        [0] opt entry_class: Option<EntryClass>,
        /// `selector [1] Selector`
        [1] req selector: Selector,
        /// `requested-attributes [3] EntryInformationSelection OPTIONAL`
        [3] opt requested_attributes: Option<EntryInformationSelection>,
        /// `list-extensions [4] MSExtensions OPTIONAL` (1994)
        [4] opt list_extensions: Option<MSExtensions>,
    }
}

impl ListArgument {
    /// List the delivery-class entries `selector` selects, with the default attributes.
    pub fn new(selector: Selector) -> Self {
        Self {
            entry_class: None,
            selector,
            requested_attributes: None,
            list_extensions: None,
        }
    }

    /// The entry class, `delivery` when absent.
    pub fn effective_entry_class(&self) -> EntryClass {
        self.entry_class.unwrap_or(EntryClass::DELIVERY)
    }
}

explicit_set! {
    /// `ListResult ::= SET { next [0] SequenceNumber OPTIONAL, requested [1] SEQUENCE OF
    /// EntryInformation OPTIONAL, list-result-extensions [2] MSExtensions OPTIONAL }`.
    pub struct ListResult {
        /// `next [0] SequenceNumber OPTIONAL`
        [0] opt next: Option<SequenceNumber>,
        /// `requested [1] SEQUENCE SIZE (1..ub-messages) OF EntryInformation OPTIONAL`
        /// (omitted if none found)
        [1] opt requested: Option<Vec<EntryInformation>>,
        /// `list-result-extensions [2] MSExtensions OPTIONAL` (1994)
        [2] opt list_result_extensions: Option<MSExtensions>,
    }
}
