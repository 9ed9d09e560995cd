//! The store's own query model (X.413 §8.2.2 Selector and §8.2.4 Filter, §8.2.3
//! AttributeSelection): the P7 service converts X.413 PDUs into these types, so the store never
//! sees a PDU (DESIGN.md §7). Also the reference evaluation of a filter item against one entry's
//! attributes, which every plan uses and the property tests compare against.

use std::fmt;

use super::attrs::EntryAttrs;
use super::format::EntryClass;

/// The attribute types the store can select, filter, list and summarize on. Names are the
/// standards' (X.413 general attributes, X.420 IPM attributes, STANAG 4406), kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    /// sequence-number (X.413 id-att 39).
    SequenceNumber,
    /// entry-status / retrieval status (id-att 15; also accepted as `retrieval-status`).
    RetrievalStatus,
    /// entry-type (id-att 16).
    EntryType,
    /// creation-time (id-att 11), ms since the Unix epoch.
    CreationTime,
    /// content-length (id-att 6).
    ContentLength,
    /// content-type (id-att 8): built-in number or dotted OID.
    ContentType,
    /// priority (id-att 31).
    Priority,
    /// P772 primary-precedence (1.3.26.0.4406.0.3.0).
    PrimaryPrecedence,
    /// AMHS ATS priority indicator (mstore's own).
    AtsPriorityIndicator,
    /// originator-name (id-att 27).
    OriginatorName,
    /// IPM originator (id-hat 2).
    Originator,
    /// this-recipient-name (id-att 41).
    ThisRecipientName,
    /// Heading recipients: primary, copy, blind-copy (id-hat 11–13), multi-valued.
    Recipients,
    /// subject (id-hat 4).
    Subject,
    /// message-identifier (id-att 19; 1988 name message-delivery-identifier).
    MessageDeliveryIdentifier,
    /// this-IPM (id-hat 1).
    ThisIpm,
    /// content-identifier (id-att 4).
    ContentIdentifier,
    /// subject-submission-identifier (id-att 40).
    SubjectSubmissionIdentifier,
    /// message-delivery-time (id-att 20), RFC 3339.
    MessageDeliveryTime,
    /// message-submission-time (id-att 23), RFC 3339.
    MessageSubmissionTime,
    /// ipm-entry-type (id-sat 0).
    IpmEntryType,
    /// child-sequence-numbers (id-att 0), multi-valued.
    ChildSequenceNumbers,
    /// Text of subject, names and text body parts (mstore's own; words, for search).
    Text,
}

/// Whether an attribute's values are numbers or strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Compared numerically.
    Integer,
    /// Compared as case-insensitive strings.
    String,
}

impl Attr {
    /// Every attribute type.
    pub const ALL: [Attr; 23] = [
        Attr::SequenceNumber,
        Attr::RetrievalStatus,
        Attr::EntryType,
        Attr::CreationTime,
        Attr::ContentLength,
        Attr::ContentType,
        Attr::Priority,
        Attr::PrimaryPrecedence,
        Attr::AtsPriorityIndicator,
        Attr::OriginatorName,
        Attr::Originator,
        Attr::ThisRecipientName,
        Attr::Recipients,
        Attr::Subject,
        Attr::MessageDeliveryIdentifier,
        Attr::ThisIpm,
        Attr::ContentIdentifier,
        Attr::SubjectSubmissionIdentifier,
        Attr::MessageDeliveryTime,
        Attr::MessageSubmissionTime,
        Attr::IpmEntryType,
        Attr::ChildSequenceNumbers,
        Attr::Text,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Attr::SequenceNumber => "sequence-number",
            Attr::RetrievalStatus => "retrieval-status",
            Attr::EntryType => "entry-type",
            Attr::CreationTime => "creation-time",
            Attr::ContentLength => "content-length",
            Attr::ContentType => "content-type",
            Attr::Priority => "priority",
            Attr::PrimaryPrecedence => "primary-precedence",
            Attr::AtsPriorityIndicator => "ats-priority-indicator",
            Attr::OriginatorName => "originator-name",
            Attr::Originator => "originator",
            Attr::ThisRecipientName => "this-recipient-name",
            Attr::Recipients => "recipients",
            Attr::Subject => "subject",
            Attr::MessageDeliveryIdentifier => "message-identifier",
            Attr::ThisIpm => "this-IPM",
            Attr::ContentIdentifier => "content-identifier",
            Attr::SubjectSubmissionIdentifier => "subject-submission-identifier",
            Attr::MessageDeliveryTime => "message-delivery-time",
            Attr::MessageSubmissionTime => "message-submission-time",
            Attr::IpmEntryType => "ipm-entry-type",
            Attr::ChildSequenceNumbers => "child-sequence-numbers",
            Attr::Text => "text",
        }
    }

    /// Inverse of [`Attr::name`] (case-insensitive; `entry-status` is an alias).
    pub fn from_name(s: &str) -> Option<Attr> {
        if s.eq_ignore_ascii_case("entry-status") {
            return Some(Attr::RetrievalStatus);
        }
        // X.413 1988 called id-att 19 message-delivery-identifier; 1994 message-identifier.
        if s.eq_ignore_ascii_case("message-delivery-identifier") {
            return Some(Attr::MessageDeliveryIdentifier);
        }
        Attr::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
    }

    /// The value syntax.
    pub fn syntax(self) -> Syntax {
        match self {
            Attr::SequenceNumber
            | Attr::RetrievalStatus
            | Attr::EntryType
            | Attr::CreationTime
            | Attr::ContentLength
            | Attr::Priority
            | Attr::PrimaryPrecedence
            | Attr::IpmEntryType
            | Attr::ChildSequenceNumbers => Syntax::Integer,
            _ => Syntax::String,
        }
    }

    /// Names of the values of an enumerated attribute, `(name, number)`.
    pub fn named_values(self) -> &'static [(&'static str, i64)] {
        match self {
            Attr::RetrievalStatus => &[("new", 0), ("listed", 1), ("processed", 2)],
            Attr::EntryType => &[
                ("delivered-message", 0),
                ("delivered-report", 1),
                ("returned-content", 2),
                ("submitted-message", 3),
                ("submitted-probe", 4),
                ("draft-message", 5),
                ("auto-action-event", 6),
            ],
            Attr::Priority => &[("normal", 0), ("non-urgent", 1), ("urgent", 2)],
            Attr::PrimaryPrecedence => &[
                ("deferred", 0),
                ("routine", 1),
                ("priority", 2),
                ("immediate", 3),
                ("flash", 4),
                ("override", 5),
            ],
            Attr::IpmEntryType => &[("ipm", 0), ("rn", 1), ("nrn", 2), ("on", 3)],
            _ => &[],
        }
    }
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A number (enumerations by their number, times in ms since the epoch).
    Int(i64),
    /// A string.
    Str(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => f.write_str(s),
        }
    }
}

/// X.413 FilterItem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterItem {
    /// equality.
    Equality(Attr, Value),
    /// substrings: initial, any…, final (case-insensitive).
    Substrings {
        /// The attribute.
        attr: Attr,
        /// Leading part.
        initial: Option<String>,
        /// Parts in between, in order.
        any: Vec<String>,
        /// Trailing part.
        last: Option<String>,
    },
    /// greater-or-equal.
    GreaterOrEqual(Attr, Value),
    /// less-or-equal.
    LessOrEqual(Attr, Value),
    /// present.
    Present(Attr),
    /// approximate-match: every word of the assertion occurs as a word of the value
    /// (case-insensitive).
    Approximate(Attr, String),
}

impl FilterItem {
    /// The attribute the item tests.
    pub fn attr(&self) -> Attr {
        match self {
            FilterItem::Equality(a, _)
            | FilterItem::GreaterOrEqual(a, _)
            | FilterItem::LessOrEqual(a, _)
            | FilterItem::Present(a)
            | FilterItem::Approximate(a, _) => *a,
            FilterItem::Substrings { attr, .. } => *attr,
        }
    }
}

/// X.413 Filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// item.
    Item(FilterItem),
    /// and (empty: true).
    And(Vec<Filter>),
    /// or (empty: false).
    Or(Vec<Filter>),
    /// not.
    Not(Box<Filter>),
}

impl Filter {
    /// Whether any item tests the given attribute.
    pub fn mentions(&self, a: Attr) -> bool {
        match self {
            Filter::Item(i) => i.attr() == a,
            Filter::And(v) | Filter::Or(v) => v.iter().any(|f| f.mentions(a)),
            Filter::Not(f) => f.mentions(a),
        }
    }
}

/// X.413 Range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// sequence-number-range: from ..= to, either end open.
    Seq {
        /// Lowest.
        from: Option<u32>,
        /// Highest.
        to: Option<u32>,
    },
    /// creation-time-range (ms since the epoch).
    CreationTime {
        /// Earliest.
        from: Option<i64>,
        /// Latest.
        to: Option<i64>,
    },
}

/// X.413 Selector, for one mailbox and entry class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// Entry class (X.413 1994 entry-class; inbox = delivery).
    pub class: EntryClass,
    /// child-entries: whether child entries are selected too (X.413 default false).
    pub child_entries: bool,
    /// range.
    pub range: Option<Range>,
    /// filter.
    pub filter: Option<Filter>,
    /// limit: at most this many entries, the lowest sequence numbers first.
    pub limit: Option<usize>,
    /// override: ignore the MS's default limit (mstore has none; kept for the P7 mapping).
    pub override_limit: bool,
}

impl Selector {
    /// Every (parent) entry of the class.
    pub fn all(class: EntryClass) -> Self {
        Selector {
            class,
            child_entries: false,
            range: None,
            filter: None,
            limit: None,
            override_limit: false,
        }
    }

    /// With a filter.
    pub fn with_filter(mut self, f: Filter) -> Self {
        self.filter = Some(f);
        self
    }
}

/// X.413 AttributeSelection: which values of an attribute to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeSelection {
    /// The attribute.
    pub attr: Attr,
    /// First value to return (1-based, X.413 `from`; default 1).
    pub from: usize,
    /// How many values at most (X.413 `count`; None = all).
    pub count: Option<usize>,
}

impl AttributeSelection {
    /// All values of `attr`.
    pub fn all(attr: Attr) -> Self {
        AttributeSelection {
            attr,
            from: 1,
            count: None,
        }
    }
}

/// The values of one attribute of one entry.
pub fn values(a: &EntryAttrs, seq: u32, attr: Attr, text: Option<&str>) -> Vec<Value> {
    let s = |o: &Option<String>| o.iter().map(|x| Value::Str(x.clone())).collect();
    match attr {
        Attr::SequenceNumber => vec![Value::Int(i64::from(seq))],
        Attr::RetrievalStatus => vec![Value::Int(i64::from(a.status))],
        Attr::EntryType => vec![Value::Int(i64::from(a.entry_type))],
        Attr::CreationTime => vec![Value::Int(a.creation_ms)],
        Attr::ContentLength => vec![Value::Int(
            i64::try_from(a.content_length).unwrap_or(i64::MAX),
        )],
        Attr::ContentType => s(&a.content_type),
        Attr::Priority => a
            .priority
            .iter()
            .map(|p| Value::Int(i64::from(*p)))
            .collect(),
        Attr::PrimaryPrecedence => a.precedence.iter().map(|p| Value::Int(*p)).collect(),
        Attr::AtsPriorityIndicator => s(&a.ats_priority),
        Attr::OriginatorName => s(&a.originator_name),
        Attr::Originator => s(&a.originator),
        Attr::ThisRecipientName => s(&a.this_recipient_name),
        Attr::Recipients => a.recipients.iter().map(|r| Value::Str(r.clone())).collect(),
        Attr::Subject => s(&a.subject),
        Attr::MessageDeliveryIdentifier => s(&a.message_delivery_identifier),
        Attr::ThisIpm => s(&a.this_ipm),
        Attr::ContentIdentifier => s(&a.content_identifier),
        Attr::SubjectSubmissionIdentifier => s(&a.subject_submission_identifier),
        Attr::MessageDeliveryTime => s(&a.message_delivery_time),
        Attr::MessageSubmissionTime => s(&a.message_submission_time),
        Attr::IpmEntryType => a.ipm_entry_type.iter().map(|p| Value::Int(*p)).collect(),
        Attr::ChildSequenceNumbers => a
            .children
            .iter()
            .map(|c| Value::Int(i64::from(*c)))
            .collect(),
        Attr::Text => text
            .filter(|t| !t.is_empty())
            .map(|t| vec![Value::Str(t.to_string())])
            .unwrap_or_default(),
    }
}

/// [`values`], moving string values out of `a` instead of copying them (List builds its
/// result from rows it owns). An attribute taken this way reads as absent afterwards.
pub fn take_values(a: &mut EntryAttrs, seq: u32, attr: Attr, text: Option<&str>) -> Vec<Value> {
    let s = |o: &mut Option<String>| o.take().map(Value::Str).into_iter().collect();
    match attr {
        Attr::ContentType => s(&mut a.content_type),
        Attr::AtsPriorityIndicator => s(&mut a.ats_priority),
        Attr::OriginatorName => s(&mut a.originator_name),
        Attr::Originator => s(&mut a.originator),
        Attr::ThisRecipientName => s(&mut a.this_recipient_name),
        Attr::Recipients => std::mem::take(&mut a.recipients)
            .into_iter()
            .map(Value::Str)
            .collect(),
        Attr::Subject => s(&mut a.subject),
        Attr::MessageDeliveryIdentifier => s(&mut a.message_delivery_identifier),
        Attr::ThisIpm => s(&mut a.this_ipm),
        Attr::ContentIdentifier => s(&mut a.content_identifier),
        Attr::SubjectSubmissionIdentifier => s(&mut a.subject_submission_identifier),
        Attr::MessageDeliveryTime => s(&mut a.message_delivery_time),
        Attr::MessageSubmissionTime => s(&mut a.message_submission_time),
        _ => values(a, seq, attr, text),
    }
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// The words of a text as the text index sees them: maximal alphanumeric runs, lower-case.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn cmp(v: &Value, w: &Value) -> Option<std::cmp::Ordering> {
    match (v, w) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Str(a), Value::Str(b)) => Some(fold(a).cmp(&fold(b))),
        _ => None,
    }
}

fn substrings(v: &str, initial: &Option<String>, any: &[String], last: &Option<String>) -> bool {
    let v = fold(v);
    let mut rest: &str = &v;
    if let Some(i) = initial {
        let i = fold(i);
        match rest.strip_prefix(i.as_str()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    for a in any {
        let a = fold(a);
        match rest.find(a.as_str()) {
            Some(p) => rest = rest.get(p + a.len()..).unwrap_or(""),
            None => return false,
        }
    }
    match last {
        Some(l) => rest.ends_with(fold(l).as_str()),
        None => true,
    }
}

/// Evaluates one item against the values of its attribute (true if any value matches).
pub fn item_matches(item: &FilterItem, vals: &[Value]) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match item {
        FilterItem::Present(_) => !vals.is_empty(),
        FilterItem::Equality(_, w) => vals.iter().any(|v| cmp(v, w) == Some(Equal)),
        FilterItem::GreaterOrEqual(_, w) => vals
            .iter()
            .any(|v| matches!(cmp(v, w), Some(Greater | Equal))),
        FilterItem::LessOrEqual(_, w) => {
            vals.iter().any(|v| matches!(cmp(v, w), Some(Less | Equal)))
        }
        FilterItem::Substrings {
            initial, any, last, ..
        } => vals.iter().any(|v| match v {
            Value::Str(s) => substrings(s, initial, any, last),
            Value::Int(i) => substrings(&i.to_string(), initial, any, last),
        }),
        FilterItem::Approximate(_, w) => {
            let want = words(w);
            vals.iter().any(|v| {
                let have = words(&v.to_string());
                !want.is_empty() && want.iter().all(|x| have.contains(x))
            })
        }
    }
}

/// Evaluates a filter; `text` supplies the text of the entry when a text item needs it.
pub fn matches(
    f: &Filter,
    a: &EntryAttrs,
    seq: u32,
    text: &mut dyn FnMut() -> Option<String>,
) -> bool {
    match f {
        Filter::Item(item) => {
            let t = if item.attr() == Attr::Text {
                text()
            } else {
                None
            };
            item_matches(item, &values(a, seq, item.attr(), t.as_deref()))
        }
        Filter::And(v) => v.iter().all(|x| matches(x, a, seq, text)),
        Filter::Or(v) => v.iter().any(|x| matches(x, a, seq, text)),
        Filter::Not(x) => !matches(x, a, seq, text),
    }
}

/// Whether an entry falls within a range.
pub fn in_range(r: &Range, a: &EntryAttrs, seq: u32) -> bool {
    match r {
        Range::Seq { from, to } => from.is_none_or(|f| seq >= f) && to.is_none_or(|t| seq <= t),
        Range::CreationTime { from, to } => {
            from.is_none_or(|f| a.creation_ms >= f) && to.is_none_or(|t| a.creation_ms <= t)
        }
    }
}
