//! X.413 (1999) §8.2.2.3 Fetch: FetchArgument and FetchResult.

use rasn::prelude::*;

use super::attributes::{
    EntryClass, EntryInformation, EntryInformationSelection, MSExtensions, SequenceNumber,
};
use super::explicit::{ctx, explicit, explicit_set};
use super::selector::Selector;
use crate::asn1::x411::ber::set_decoder;

/// The `item` of FetchArgument: `CHOICE { search [1] Selector, precise [2] SequenceNumber }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum FetchItem {
    /// `search [1] Selector`: the first entry the selector selects
    #[rasn(tag(explicit(context, 1)))]
    Search(Selector),
    /// `precise [2] SequenceNumber`
    #[rasn(tag(explicit(context, 2)))]
    Precise(SequenceNumber),
}

/// `FetchArgument ::= SET { entry-class [0] EntryClass DEFAULT delivery, item CHOICE { search
/// [1] Selector, precise [2] SequenceNumber }, requested-attributes [3]
/// EntryInformationSelection OPTIONAL, fetch-extensions [4] MSExtensions OPTIONAL }`.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq)]
#[rasn(set)]
pub struct FetchArgument {
    /// `entry-class [0] EntryClass DEFAULT delivery`
    #[rasn(tag(explicit(context, 0)))]
    pub entry_class: Option<EntryClass>,
    /// `item`
    pub item: FetchItem,
    /// `requested-attributes [3] EntryInformationSelection OPTIONAL`
    #[rasn(tag(explicit(context, 3)))]
    pub requested_attributes: Option<EntryInformationSelection>,
    /// `fetch-extensions [4] MSExtensions OPTIONAL` (1994)
    #[rasn(tag(explicit(context, 4)))]
    pub fetch_extensions: Option<MSExtensions>,
}

impl FetchArgument {
    /// Fetch entry `seq` of the delivery class, with the default attributes.
    pub fn precise(seq: SequenceNumber) -> Self {
        Self {
            entry_class: None,
            item: FetchItem::Precise(seq),
            requested_attributes: None,
            fetch_extensions: None,
        }
    }

    /// The entry class, `delivery` when absent.
    pub fn effective_entry_class(&self) -> EntryClass {
        self.entry_class.unwrap_or(EntryClass::DELIVERY)
    }
}

set_decoder!(FetchArgument {
    opt entry_class "entry-class": ctx(0) => explicit,
    req item "item":
        ctx(1) => |c| explicit(c).map(FetchItem::Search);
        ctx(2) => |c| explicit(c).map(FetchItem::Precise),
    opt requested_attributes "requested-attributes": ctx(3) => explicit,
    opt fetch_extensions "fetch-extensions": ctx(4) => explicit,
});

explicit_set! {
    /// `FetchResult ::= SET { entry-information [0] EntryInformation OPTIONAL, list [1]
    /// SEQUENCE OF SequenceNumber OPTIONAL, next [2] SequenceNumber OPTIONAL,
    /// fetch-result-extensions [3] MSExtensions OPTIONAL }`.
    pub struct FetchResult {
        /// `entry-information [0] EntryInformation OPTIONAL` (if an entry was selected)
        [0] opt entry_information: Option<EntryInformation>,
        /// `list [1] SEQUENCE SIZE (1..ub-messages) OF SequenceNumber OPTIONAL`
        [1] opt list: Option<Vec<SequenceNumber>>,
        /// `next [2] SequenceNumber OPTIONAL`
        [2] opt next: Option<SequenceNumber>,
        /// `fetch-result-extensions [3] MSExtensions OPTIONAL` (1994)
        [3] opt fetch_result_extensions: Option<MSExtensions>,
    }
}
