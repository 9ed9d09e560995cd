//! X.413 (1999) §8.2.2.1 Summarize: SummarizeArgument, SummarizeResult, Span, Summary.

use rasn::prelude::*;

use super::attributes::{AttributeType, EntryClass, MSExtensions, SequenceNumber};
use super::explicit::{Set, explicit_set};
use super::selector::Selector;

explicit_set! {
    /// `SummarizeArgument ::= SET { entry-class [0] EntryClass DEFAULT delivery, selector [1]
    /// Selector, summary-requests [2] SEQUENCE OF X413ATTRIBUTE.&id OPTIONAL,
    /// summarize-extensions [3] MSExtensions OPTIONAL }`.
    pub struct SummarizeArgument {
        /// `entry-class [0] EntryClass DEFAULT delivery`
        [0] opt entry_class: Option<EntryClass>,
        /// `selector [1] Selector`
        [1] req selector: Selector,
        /// `summary-requests [2] SEQUENCE SIZE (1..ub-summaries) OF X413ATTRIBUTE.&id OPTIONAL`
        [2] opt summary_requests: Option<Vec<AttributeType>>,
        /// `summarize-extensions [3] MSExtensions OPTIONAL` (1994)
        [3] opt summarize_extensions: Option<MSExtensions>,
    }
}

impl SummarizeArgument {
    /// Summarize the delivery-class entries `selector` selects (count and span only).
    pub fn new(selector: Selector) -> Self {
        Self {
            entry_class: None,
            selector,
            summary_requests: None,
            summarize_extensions: None,
        }
    }

    /// The entry class, `delivery` when absent.
    pub fn effective_entry_class(&self) -> EntryClass {
        self.entry_class.unwrap_or(EntryClass::DELIVERY)
    }
}

/// `Span ::= SEQUENCE { lowest [0] SequenceNumber, highest [1] SequenceNumber }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// `lowest [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub lowest: SequenceNumber,
    /// `highest [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub highest: SequenceNumber,
}

/// One element of `Summary.present`: `SEQUENCE { type X413ATTRIBUTE.&id, value
/// X413ATTRIBUTE.&Type, count INTEGER (1..ub-messages) }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SummaryPresentItem {
    /// `type`
    pub r#type: AttributeType,
    /// `value` (complete encoding)
    pub value: Any,
    /// `count`: how many selected entries have this value
    pub count: u32,
}

explicit_set! {
    /// `Summary ::= SET { absent [0] INTEGER (1..ub-messages) OPTIONAL, present [1] SET OF
    /// SEQUENCE { type, value, count } OPTIONAL }`.
    pub struct Summary {
        /// `absent [0]`: entries without the attribute
        [0] opt absent: Option<u32>,
        /// `present [1]`: one element per distinct value
        [1] opt present: Option<Set<SummaryPresentItem>>,
    }
}

explicit_set! {
    /// `SummarizeResult ::= SET { next [0] SequenceNumber OPTIONAL, count [1] INTEGER
    /// (0..ub-messages), span [2] Span OPTIONAL, summaries [3] SEQUENCE OF Summary OPTIONAL,
    /// summarize-result-extensions [4] MSExtensions OPTIONAL }`.
    pub struct SummarizeResult {
        /// `next [0] SequenceNumber OPTIONAL` (where a limited selection stopped)
        [0] opt next: Option<SequenceNumber>,
        /// `count [1]`: entries selected
        [1] req count: u32,
        /// `span [2] Span OPTIONAL` (omitted when count is zero)
        [2] opt span: Option<Span>,
        /// `summaries [3] SEQUENCE SIZE (1..ub-summaries) OF Summary OPTIONAL`
        [3] opt summaries: Option<Vec<Summary>>,
        /// `summarize-result-extensions [4] MSExtensions OPTIONAL` (1994)
        [4] opt summarize_result_extensions: Option<MSExtensions>,
    }
}
