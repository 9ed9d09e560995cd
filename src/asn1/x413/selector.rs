//! X.413 (1999) §8.2.1.3 / MSAbstractService common data types for selecting entries: Range,
//! Filter, FilterItem and Selector (all tags explicit).

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::attributes::{AttributeType, AttributeValueAssertion, SequenceNumber};
use super::explicit::{RawComponent, Set, ctx, explicit, explicit_set, fail};
use crate::asn1::x411::ber::{HandChoice, choice_codec};

/// `CreationTime ::= UTCTime`.
pub type CreationTime = UtcTime;

/// `NumberRange ::= SEQUENCE { from [0] SequenceNumber OPTIONAL, to [1] SequenceNumber
/// OPTIONAL }` — an omitted bound means unbounded.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NumberRange {
    /// `from [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub from: Option<SequenceNumber>,
    /// `to [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub to: Option<SequenceNumber>,
}

/// `TimeRange ::= SEQUENCE { from [0] CreationTime OPTIONAL, to [1] CreationTime OPTIONAL }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TimeRange {
    /// `from [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub from: Option<CreationTime>,
    /// `to [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub to: Option<CreationTime>,
}

/// `Range ::= CHOICE { sequence-number-range [0] NumberRange, creation-time-range [1]
/// TimeRange }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum Range {
    /// `sequence-number-range [0] NumberRange` (`a0 { 30 … }`)
    #[rasn(tag(explicit(context, 0)))]
    SequenceNumberRange(NumberRange),
    /// `creation-time-range [1] TimeRange` (`a1 { 30 … }`)
    #[rasn(tag(explicit(context, 1)))]
    CreationTimeRange(TimeRange),
}

/// One element of the `strings` of a substrings assertion: `CHOICE { initial [0], any [1],
/// final [2] }`, each an explicitly tagged attribute value.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum SubstringsElement {
    /// `initial [0]`
    #[rasn(tag(explicit(context, 0)))]
    Initial(Any),
    /// `any [1]`
    #[rasn(tag(explicit(context, 1)))]
    Any(Any),
    /// `final [2]`
    #[rasn(tag(explicit(context, 2)))]
    Final(Any),
}

/// The `substrings [1] SEQUENCE { type, strings SEQUENCE OF CHOICE {...} }` assertion.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubstringsAssertion {
    /// `type`
    pub r#type: AttributeType,
    /// `strings`
    pub strings: Vec<SubstringsElement>,
}

/// `MatchingRuleAssertion ::= SEQUENCE { matching-rule [0] MATCHING-RULE.&id, attribute-type
/// [1] X413ATTRIBUTE.&id, match-value [2] MATCHING-RULE.&AssertionType }` (1994).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MatchingRuleAssertion {
    /// `matching-rule [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub matching_rule: ObjectIdentifier,
    /// `attribute-type [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub attribute_type: AttributeType,
    /// `match-value [2]` (complete encoding)
    #[rasn(tag(explicit(context, 2)))]
    pub match_value: Any,
}

/// `FilterItem ::= CHOICE { equality [0] AttributeValueAssertion, substrings [1] SEQUENCE {...},
/// greater-or-equal [2], less-or-equal [3], present [4] X413ATTRIBUTE.&id, approximate-match
/// [5], other-match [6] MatchingRuleAssertion }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum FilterItem {
    /// `equality [0] AttributeValueAssertion`
    #[rasn(tag(explicit(context, 0)))]
    Equality(AttributeValueAssertion),
    /// `substrings [1]`
    #[rasn(tag(explicit(context, 1)))]
    Substrings(SubstringsAssertion),
    /// `greater-or-equal [2] AttributeValueAssertion`
    #[rasn(tag(explicit(context, 2)))]
    GreaterOrEqual(AttributeValueAssertion),
    /// `less-or-equal [3] AttributeValueAssertion`
    #[rasn(tag(explicit(context, 3)))]
    LessOrEqual(AttributeValueAssertion),
    /// `present [4] X413ATTRIBUTE.&id`
    #[rasn(tag(explicit(context, 4)))]
    Present(AttributeType),
    /// `approximate-match [5] AttributeValueAssertion`
    #[rasn(tag(explicit(context, 5)))]
    ApproximateMatch(AttributeValueAssertion),
    /// `other-match [6] MatchingRuleAssertion` (1994)
    #[rasn(tag(explicit(context, 6)))]
    OtherMatch(MatchingRuleAssertion),
}

/// How deeply filters may nest (and / or / not) in a received value. Real UAs nest two or
/// three levels; the bound keeps a hostile peer from exhausting the stack.
pub const MAX_FILTER_DEPTH: usize = 32;

/// `Filter ::= CHOICE { item [0] FilterItem, and [1] SET OF Filter, or [2] SET OF Filter,
/// not [3] Filter }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    /// `item [0] FilterItem` (`a0 { a<n> … }`)
    Item(FilterItem),
    /// `and [1] SET OF Filter` (`a1 { 31 … }`); an empty `and` is true
    And(Vec<Filter>),
    /// `or [2] SET OF Filter` (`a2 { 31 … }`); an empty `or` is false
    Or(Vec<Filter>),
    /// `not [3] Filter` (`a3 { a<n> … }`)
    Not(Box<Filter>),
}

impl Filter {
    /// `item equality { type, value }`.
    pub fn equality(attribute_type: AttributeType, attribute_value: Any) -> Self {
        Self::Item(FilterItem::Equality(AttributeValueAssertion {
            attribute_type,
            attribute_value,
        }))
    }

    /// `item present type`.
    pub fn present(attribute_type: AttributeType) -> Self {
        Self::Item(FilterItem::Present(attribute_type))
    }

    /// How deeply this filter nests (an item is 1).
    pub fn depth(&self) -> usize {
        match self {
            Self::Item(_) => 1,
            Self::And(v) | Self::Or(v) => 1 + v.iter().map(Self::depth).max().unwrap_or(0),
            Self::Not(f) => 1 + f.depth(),
        }
    }

    fn from_component(c: &RawComponent, depth: usize) -> Result<Self, DecodeError> {
        if depth > MAX_FILTER_DEPTH {
            return Err(fail("filter nested too deeply"));
        }
        let t = c.tag;
        if t == ctx(0) {
            Ok(Self::Item(explicit(c)?))
        } else if t == ctx(1) || t == ctx(2) {
            let inner: Set<RawComponent> = explicit(c)?;
            let v = inner
                .iter()
                .map(|f| Self::from_component(f, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if t == ctx(1) {
                Self::And(v)
            } else {
                Self::Or(v)
            })
        } else if t == ctx(3) {
            let inner: RawComponent = explicit(c)?;
            Ok(Self::Not(Box::new(Self::from_component(
                &inner,
                depth + 1,
            )?)))
        } else {
            Err(fail("not a Filter alternative"))
        }
    }
}

/// Encodes the SET OF filters inside `and` / `or`.
struct FilterSet<'a>(&'a [Filter]);

impl AsnType for FilterSet<'_> {
    const TAG: Tag = Tag::SET;
}

impl Encode for FilterSet<'_> {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        e: &mut E,
        tag: Tag,
        constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        e.encode_sequence_of(tag, self.0, constraints, identifier)?;
        Ok(())
    }
}

impl HandChoice for Filter {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        match self {
            Self::Item(i) => e.encode_explicit_prefix(ctx(0), i, Identifier::EMPTY)?,
            Self::And(v) => e.encode_explicit_prefix(ctx(1), &FilterSet(v), Identifier::EMPTY)?,
            Self::Or(v) => e.encode_explicit_prefix(ctx(2), &FilterSet(v), Identifier::EMPTY)?,
            Self::Not(f) => e.encode_explicit_prefix(ctx(3), f.as_ref(), Identifier::EMPTY)?,
        };
        Ok(())
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        Self::from_component(c, 1)
    }
}
choice_codec!(Filter: ctx(0), ctx(1), ctx(2), ctx(3));

/// `OverrideRestrictions ::= BIT STRING { override-content-types-restriction(0),
/// override-EITs-restriction(1), override-attribute-length-restriction(2) }`.
pub type OverrideRestrictions = BitString;

explicit_set! {
    /// `Selector ::= SET { child-entries [0] BOOLEAN DEFAULT FALSE, range [1] Range OPTIONAL,
    /// filter [2] Filter OPTIONAL, limit [3] INTEGER (1..ub-messages) OPTIONAL, override [4]
    /// OverrideRestrictions OPTIONAL }`. The empty selector selects every entry of the class.
    #[derive(Default)]
    pub struct Selector {
        /// `child-entries [0] BOOLEAN DEFAULT FALSE`
        [0] opt child_entries: Option<bool>,
        /// `range [1] Range OPTIONAL` (unbounded when absent)
        [1] opt range: Option<Range>,
        /// `filter [2] Filter OPTIONAL` (all entries in the range when absent)
        [2] opt filter: Option<Filter>,
        /// `limit [3] INTEGER (1..ub-messages) OPTIONAL`
        [3] opt limit: Option<u32>,
        /// `override [4] OverrideRestrictions OPTIONAL`
        [4] opt r#override: Option<OverrideRestrictions>,
    }
}

impl Selector {
    /// `child-entries`, FALSE when absent (its DEFAULT).
    pub fn effective_child_entries(&self) -> bool {
        self.child_entries.unwrap_or(false)
    }

    /// Entries with sequence numbers `from ..= to` (either bound may be open).
    pub fn sequence_numbers(from: Option<SequenceNumber>, to: Option<SequenceNumber>) -> Self {
        Self {
            range: Some(Range::SequenceNumberRange(NumberRange { from, to })),
            ..Self::default()
        }
    }

    /// Entries created at or after `since` (the incumbent's "delivered since").
    pub fn created_since(since: CreationTime) -> Self {
        Self {
            range: Some(Range::CreationTimeRange(TimeRange {
                from: Some(since),
                to: None,
            })),
            ..Self::default()
        }
    }

    /// This selector with `filter` added (AND-ed with a filter already present).
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            None => filter,
            Some(Filter::And(mut v)) => {
                v.push(filter);
                Filter::And(v)
            }
            Some(f) => Filter::And(vec![f, filter]),
        });
        self
    }

    /// This selector with `limit`.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}
