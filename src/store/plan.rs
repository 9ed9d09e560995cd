//! Query planning and the X.413 §8.2 / §8.3 retrieval operations over the index: Summarize,
//! List, Fetch, Delete and the retrieval-status changes (List moves new → listed, Fetch moves
//! to processed, Modify sets it). A selector's filter is planned onto one secondary key
//! (retrieval status, priority / precedence, content-length, creation time) or a sequence-number
//! range, or a scan of the class; every candidate is then checked against the whole selector,
//! so a plan only ever narrows what is read, never what matches.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use redb::{ReadableDatabase, ReadableTable};

use super::attrs::{self, EntryAttrs};
use super::commit::DeleteJob;
use super::error::{Result, StoreError};
use super::format::{EntryClass, MessageFile};
use super::index::{self, EntryRow, RetrievalStatus};
use super::query::{self, Attr, AttributeSelection, Filter, FilterItem, Range, Selector, Value};
use super::{EntryKey, Store};

/// How candidates are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Secondary key: entries with this retrieval status.
    Status(u8),
    /// Secondary key: priority (kind 0) or primary-precedence (kind 1) equal to the value.
    Prio(u8, i64),
    /// Secondary key: originator-name (kind 0) or originator (kind 1) whose matching key
    /// ([`attrs::match_key`]) is the value.
    Originator(u8, String),
    /// Secondary key: content-length within bounds.
    Length(u64, u64),
    /// Secondary key: creation time within bounds.
    Time(i64, i64),
    /// Sequence numbers within bounds.
    Seq(u32, u32),
    /// The text index: committed entries with every word, plus entries not yet committed.
    Text,
    /// Every entry of the class.
    Scan,
}

/// The first top-level `text` approximate-match item (what the text index answers).
fn text_item(f: &Filter) -> Option<&FilterItem> {
    conjuncts(f)
        .into_iter()
        .find(|i| matches!(i, FilterItem::Approximate(Attr::Text, _)))
}

/// The filter with one top-level item taken as true.
fn without(f: &Filter, item: &FilterItem) -> Filter {
    match f {
        Filter::Item(i) if i == item => Filter::And(Vec::new()),
        Filter::And(v) => {
            let mut v = v.clone();
            if let Some(p) = v
                .iter()
                .position(|x| matches!(x, Filter::Item(i) if i == item))
            {
                v.remove(p);
            }
            Filter::And(v)
        }
        other => other.clone(),
    }
}

fn conjuncts(f: &Filter) -> Vec<&FilterItem> {
    match f {
        Filter::Item(i) => vec![i],
        Filter::And(v) => v
            .iter()
            .filter_map(|x| match x {
                Filter::Item(i) => Some(i),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Chooses the access path of a selector (the first of [`plans`], or a scan).
pub fn plan(sel: &Selector) -> Access {
    plans(sel).into_iter().next().unwrap_or(Access::Scan)
}

/// Every secondary-key access path that applies, most selective kind first; the executor
/// intersects them. Empty: scan.
pub fn plans(sel: &Selector) -> Vec<Access> {
    plans_exact(sel).0
}

/// [`plans`], and whether the keys answer the selector exactly: the filter is a conjunction of
/// items each taken into one key without clamping, so the intersected candidates (child
/// entries aside) are exactly the matches and only the entries returned need decoding.
pub fn plans_exact(sel: &Selector) -> (Vec<Access>, bool) {
    let items = sel.filter.as_ref().map(conjuncts).unwrap_or_default();
    // Items under or / not, or nested and, are not conjuncts: the keys cannot answer them.
    let mut exact = match &sel.filter {
        None | Some(Filter::Item(_)) => true,
        Some(Filter::And(v)) => v.iter().all(|x| matches!(x, Filter::Item(_))),
        Some(_) => false,
    };
    let mut len = (0u64, u64::MAX);
    let mut time = (i64::MIN, i64::MAX);
    let mut seq = (0u32, u32::MAX);
    match sel.range {
        Some(Range::Seq { from, to }) => seq = (from.unwrap_or(0), to.unwrap_or(u32::MAX)),
        Some(Range::CreationTime { from, to }) => {
            time = (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX));
        }
        None => {}
    }
    let mut status = None;
    let mut prio = None;
    let mut orig = None;
    for i in items {
        match i {
            FilterItem::Equality(Attr::RetrievalStatus, Value::Int(v)) => {
                match u8::try_from(*v) {
                    // A second status item is still checked per candidate.
                    Ok(v) if status.is_none() => status = Some(v),
                    _ => exact = false,
                }
            }
            FilterItem::Equality(Attr::Priority, Value::Int(v)) => {
                if prio.is_none() {
                    prio = Some((attrs::PRIO_PRIORITY, *v));
                } else {
                    exact = false;
                }
            }
            FilterItem::Equality(Attr::PrimaryPrecedence, Value::Int(v)) => {
                if prio.is_none() {
                    prio = Some((attrs::PRIO_PRECEDENCE, *v));
                } else {
                    exact = false;
                }
            }
            FilterItem::Equality(Attr::OriginatorName, Value::Str(v)) => {
                if orig.is_none() {
                    orig = Some((attrs::ORIG_NAME, attrs::match_key(v)));
                } else {
                    exact = false;
                }
            }
            FilterItem::Equality(Attr::Originator, Value::Str(v)) => {
                if orig.is_none() {
                    orig = Some((attrs::ORIG_HEADING, attrs::match_key(v)));
                } else {
                    exact = false;
                }
            }
            FilterItem::GreaterOrEqual(Attr::ContentLength, Value::Int(v)) => {
                // Below zero every entry qualifies: bound 0 is exact.
                len.0 = len.0.max(u64::try_from(*v).unwrap_or(0));
            }
            FilterItem::LessOrEqual(Attr::ContentLength, Value::Int(v)) => {
                // A negative bound matches nothing; the candidate check says so.
                match u64::try_from(*v) {
                    Ok(v) => len.1 = len.1.min(v),
                    Err(_) => {
                        len.1 = 0;
                        exact = false;
                    }
                }
            }
            FilterItem::GreaterOrEqual(Attr::CreationTime, Value::Int(v)) => {
                time.0 = time.0.max(*v);
            }
            FilterItem::LessOrEqual(Attr::CreationTime, Value::Int(v)) => {
                time.1 = time.1.min(*v);
            }
            FilterItem::GreaterOrEqual(Attr::SequenceNumber, Value::Int(v)) => {
                match u32::try_from((*v).max(0)) {
                    Ok(v) => seq.0 = seq.0.max(v),
                    Err(_) => {
                        seq.0 = u32::MAX;
                        exact = false;
                    }
                }
            }
            FilterItem::LessOrEqual(Attr::SequenceNumber, Value::Int(v)) => {
                match u32::try_from(*v) {
                    Ok(v) => seq.1 = seq.1.min(v),
                    Err(_) => {
                        seq.1 = seq.1.min(u32::try_from((*v).max(0)).unwrap_or(u32::MAX));
                        exact = false;
                    }
                }
            }
            _ => exact = false,
        }
    }
    let mut out = Vec::new();
    // Originator equality first: it singles out a correspondent, the most selective key.
    if let Some((k, v)) = orig {
        out.push(Access::Originator(k, v));
    }
    if let Some(s) = status {
        out.push(Access::Status(s));
    }
    if let Some((k, v)) = prio {
        out.push(Access::Prio(k, v));
    }
    if len != (0, u64::MAX) {
        out.push(Access::Length(len.0, len.1));
    }
    if time != (i64::MIN, i64::MAX) {
        out.push(Access::Time(time.0, time.1));
    }
    // A sequence range alone is a one-pass range read; with a key it only narrows.
    if seq != (0, u32::MAX) {
        out.push(Access::Seq(seq.0, seq.1));
    }
    (out, exact)
}

fn intersect(a: Vec<u32>, b: &[u32]) -> Vec<u32> {
    let set: std::collections::HashSet<u32> = b.iter().copied().collect();
    a.into_iter().filter(|s| set.contains(s)).collect()
}

/// Candidate sequence numbers of an access path, ascending.
fn candidates(
    txn: &redb::ReadTransaction,
    m: &str,
    class: EntryClass,
    access: Access,
) -> Result<Vec<u32>> {
    let c = class.code();
    let mut out = Vec::new();
    match access {
        Access::Status(s) => {
            let t = txn.open_table(attrs::BY_STATUS)?;
            for item in t.range((m, c, s, 0u32)..=(m, c, s, u32::MAX))? {
                out.push(item?.0.value().3);
            }
        }
        Access::Prio(k, v) => {
            let t = txn.open_table(attrs::BY_PRIO)?;
            for item in t.range((m, c, k, v, 0u32)..=(m, c, k, v, u32::MAX))? {
                out.push(item?.0.value().4);
            }
        }
        Access::Originator(k, v) => {
            let t = txn.open_table(attrs::BY_ORIG)?;
            let v = v.as_str();
            for item in t.range((m, c, k, v, 0u32)..=(m, c, k, v, u32::MAX))? {
                out.push(item?.0.value().4);
            }
        }
        Access::Length(lo, hi) => {
            if lo <= hi {
                let t = txn.open_table(attrs::BY_LENGTH)?;
                for item in t.range((m, c, lo, 0u32)..=(m, c, hi, u32::MAX))? {
                    out.push(item?.0.value().3);
                }
                out.sort_unstable();
            }
        }
        Access::Time(lo, hi) => {
            if lo <= hi {
                let t = txn.open_table(attrs::BY_TIME)?;
                for item in t.range((m, c, lo, 0u32)..=(m, c, hi, u32::MAX))? {
                    out.push(item?.0.value().3);
                }
                out.sort_unstable();
            }
        }
        Access::Seq(lo, hi) => {
            if lo <= hi {
                let t = txn.open_table(attrs::ATTRS)?;
                for item in t.range((m, c, lo)..=(m, c, hi))? {
                    out.push(item?.0.value().2);
                }
            }
        }
        Access::Scan | Access::Text => {
            let t = txn.open_table(attrs::ATTRS)?;
            for item in t.range((m, c, 0u32)..=(m, c, u32::MAX))? {
                out.push(item?.0.value().2);
            }
        }
    }
    Ok(out)
}

/// What a selection found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// Selected entries with their attributes, ascending sequence numbers.
    pub entries: Vec<(u32, EntryAttrs)>,
    /// The limit cut the selection short: the sequence number of the next entry that would
    /// have been selected (X.413 List-result `next`).
    pub next: Option<u32>,
    /// The access path used.
    pub access: Access,
}

/// One entry as List and Fetch return it (X.413 EntryInformation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInformation {
    /// sequence-number.
    pub seq: u32,
    /// The requested attributes that are present, with the selected values.
    pub attributes: Vec<(Attr, Vec<Value>)>,
    /// Attributes with more values than returned: (attribute, values in all)
    /// (X.413 value-count-exceeded).
    pub value_count_exceeded: Vec<(Attr, usize)>,
}

/// The result of List.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListResult {
    /// Entries in sequence order.
    pub entries: Vec<EntryInformation>,
    /// See [`Selected::next`].
    pub next: Option<u32>,
}

/// The result of Summarize (X.413 §8.2.1.2 Summary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Entries selected.
    pub count: u64,
    /// Lowest and highest sequence number selected.
    pub span: Option<(u32, u32)>,
    /// For each requested attribute: each value present among the selected entries and how
    /// many entries have it, in value order.
    pub values: Vec<(Attr, Vec<(Value, u64)>)>,
}

/// Applies X.413 AttributeSelection to one entry's attributes.
pub fn entry_information(
    seq: u32,
    a: &EntryAttrs,
    requested: &[AttributeSelection],
    text: Option<&str>,
) -> EntryInformation {
    let mut info = EntryInformation {
        seq,
        attributes: Vec::new(),
        value_count_exceeded: Vec::new(),
    };
    for r in requested {
        let vals = query::values(a, seq, r.attr, text);
        if vals.is_empty() {
            continue;
        }
        let total = vals.len();
        let skip = r.from.max(1) - 1;
        let picked: Vec<Value> = vals
            .into_iter()
            .skip(skip)
            .take(r.count.unwrap_or(usize::MAX))
            .collect();
        if picked.len() < total {
            info.value_count_exceeded.push((r.attr, total));
        }
        info.attributes.push((r.attr, picked));
    }
    info
}

/// [`entry_information`] consuming the row: values move out instead of being copied. An
/// attribute requested twice is copied (the first take would leave the second empty).
fn entry_information_owned(
    seq: u32,
    mut a: EntryAttrs,
    requested: &[AttributeSelection],
    text: Option<&str>,
) -> EntryInformation {
    let unique = requested
        .iter()
        .enumerate()
        .all(|(i, r)| requested.iter().skip(i + 1).all(|q| q.attr != r.attr));
    if !unique {
        return entry_information(seq, &a, requested, text);
    }
    let mut info = EntryInformation {
        seq,
        attributes: Vec::with_capacity(requested.len()),
        value_count_exceeded: Vec::new(),
    };
    for r in requested {
        let vals = query::take_values(&mut a, seq, r.attr, text);
        if vals.is_empty() {
            continue;
        }
        let total = vals.len();
        let skip = r.from.max(1) - 1;
        let picked: Vec<Value> = if skip == 0 && r.count.is_none_or(|c| c >= total) {
            vals
        } else {
            vals.into_iter()
                .skip(skip)
                .take(r.count.unwrap_or(usize::MAX))
                .collect()
        };
        if picked.len() < total {
            info.value_count_exceeded.push((r.attr, total));
        }
        info.attributes.push((r.attr, picked));
    }
    info
}

impl Store {
    fn read_text(&self, key: &EntryKey) -> Option<String> {
        self.read(key).ok().map(|f| attrs::text_of(&f))
    }

    /// Selects entries of a mailbox (X.413 Selector semantics).
    pub fn select(&self, mailbox_id: &str, sel: &Selector) -> Result<Selected> {
        let (all_plans, mut exact) = plans_exact(sel);
        let mut access = all_plans.first().cloned().unwrap_or(Access::Scan);
        // Entries the text index vouches for, and the filter left to check on them.
        let mut vouched: Option<(std::collections::HashSet<u32>, Filter)> = None;
        let mut text_cands = None;
        if let (Some(t), Some(f)) = (&self.text, &sel.filter)
            && let Some(item @ FilterItem::Approximate(_, w)) = text_item(f)
        {
            let words = query::words(w);
            if let Some(hits) = t.search_all_words(mailbox_id, sel.class.code(), &words)? {
                let pending = t.pending(mailbox_id, sel.class.code());
                let sure: std::collections::HashSet<u32> = hits
                    .iter()
                    .copied()
                    .filter(|s| !pending.contains(s))
                    .collect();
                let mut c = hits;
                c.extend(pending);
                c.sort_unstable();
                c.dedup();
                text_cands = Some(c);
                vouched = Some((sure, without(f, item)));
                access = Access::Text;
                exact = false;
            }
        }
        // With an exact plan the limit applies to the keys: the sequence number after the
        // last entry returned, found before any row is decoded.
        let mut key_next = None;
        let rows = self.with_db(|db| {
            let txn = db.begin_read()?;
            let c = sel.class.code();
            // Child entries are few: one range read instead of a lookup per candidate.
            let children: std::collections::HashSet<u32> = if sel.child_entries {
                Default::default()
            } else {
                let parents = txn.open_table(attrs::PARENTS)?;
                let mut set = std::collections::HashSet::new();
                for item in parents.range((mailbox_id, c, 0u32)..=(mailbox_id, c, u32::MAX))? {
                    set.insert(item?.0.value().2);
                }
                set
            };
            let t = txn.open_table(attrs::ATTRS)?;
            let mut rows = Vec::new();
            let seq_range = match (&text_cands, &access) {
                (None, Access::Scan) => Some((0, u32::MAX)),
                (None, Access::Seq(lo, hi)) => Some((*lo, *hi)),
                _ => None,
            };
            if let Some((lo, hi)) = seq_range {
                // Scans read the attribute rows in one pass, in key order.
                if lo <= hi {
                    for item in t.range((mailbox_id, c, lo)..=(mailbox_id, c, hi))? {
                        let (k, v) = item?;
                        let s = k.value().2;
                        if children.contains(&s) {
                            continue;
                        }
                        if exact && sel.limit.is_some_and(|l| rows.len() >= l) {
                            key_next = Some(s);
                            break;
                        }
                        rows.push((s, index::decode_value::<EntryAttrs>(v.value())?));
                    }
                }
                return Ok(rows);
            }
            let cands = match text_cands {
                Some(c) => c,
                None => {
                    let mut c = candidates(&txn, mailbox_id, sel.class, access.clone())?;
                    for more in all_plans.iter().skip(1) {
                        if c.is_empty() {
                            break;
                        }
                        let other = candidates(&txn, mailbox_id, sel.class, more.clone())?;
                        c = intersect(c, &other);
                    }
                    c
                }
            };
            let mut cands: Vec<u32> = cands
                .into_iter()
                .filter(|s| !children.contains(s))
                .collect();
            if exact
                && let Some(l) = sel.limit
                && let Some(n) = cands.get(l).copied()
            {
                key_next = Some(n);
                cands.truncate(l);
            }
            rows.reserve(cands.len());
            for s in &cands {
                if let Some(v) = t.get((mailbox_id, c, *s))? {
                    rows.push((*s, index::decode_value::<EntryAttrs>(v.value())?));
                }
            }
            Ok(rows)
        })?;
        if exact {
            // The keys answered range and filter: every row is a match within the limit.
            return Ok(Selected {
                entries: rows,
                next: key_next,
                access,
            });
        }
        let mut out = Vec::new();
        let mut next = None;
        for (s, a) in rows {
            if let Some(r) = &sel.range
                && !query::in_range(r, &a, s)
            {
                continue;
            }
            if let Some(f) = &sel.filter {
                let f = match &vouched {
                    Some((sure, rest)) if sure.contains(&s) => rest,
                    _ => f,
                };
                // The key is built only when a text item needs the file.
                let mut text = || {
                    self.read_text(&EntryKey {
                        mailbox_id: mailbox_id.to_string(),
                        class: sel.class,
                        seq: s,
                    })
                };
                if !query::matches(f, &a, s, &mut text) {
                    continue;
                }
            }
            if sel.limit.is_some_and(|l| out.len() >= l) {
                next = Some(s);
                break;
            }
            out.push((s, a));
        }
        Ok(Selected {
            entries: out,
            next,
            access,
        })
    }

    /// X.413 List: the requested attributes of the selected entries; entries that were new
    /// become listed. `read_only` skips the status change (operators' `mstorectl list`).
    pub fn list(
        &self,
        mailbox_id: &str,
        sel: &Selector,
        requested: &[AttributeSelection],
        read_only: bool,
    ) -> Result<ListResult> {
        let sel_res = self.select(mailbox_id, sel)?;
        let need_text = requested.iter().any(|r| r.attr == Attr::Text);
        let mut entries = Vec::with_capacity(sel_res.entries.len());
        let mut newly = Vec::new();
        for (s, a) in sel_res.entries {
            let text = if need_text {
                self.read_text(&EntryKey {
                    mailbox_id: mailbox_id.to_string(),
                    class: sel.class,
                    seq: s,
                })
            } else {
                None
            };
            if a.retrieval_status() == RetrievalStatus::New {
                newly.push(s);
            }
            entries.push(entry_information_owned(s, a, requested, text.as_deref()));
        }
        if !read_only && !newly.is_empty() {
            self.set_statuses(mailbox_id, sel.class, &newly, RetrievalStatus::Listed, true)?;
        }
        Ok(ListResult {
            entries,
            next: sel_res.next,
        })
    }

    /// X.413 Fetch of one entry: its attributes and message file; the entry becomes processed.
    pub fn fetch(
        &self,
        mailbox_id: &str,
        class: EntryClass,
        seq: u32,
        requested: &[AttributeSelection],
    ) -> Result<(EntryInformation, Arc<MessageFile>)> {
        let key = EntryKey {
            mailbox_id: mailbox_id.to_string(),
            class,
            seq,
        };
        let a = self.attrs(&key)?.ok_or_else(|| no_such(&key))?;
        let file = self.read_cached(&key)?;
        let text = if requested.iter().any(|r| r.attr == Attr::Text) {
            Some(attrs::text_of(&file))
        } else {
            None
        };
        let info = entry_information(seq, &a, requested, text.as_deref());
        if a.retrieval_status() != RetrievalStatus::Processed {
            self.set_statuses(mailbox_id, class, &[seq], RetrievalStatus::Processed, false)?;
        }
        Ok((info, file))
    }

    /// The indexed attributes of one entry.
    pub fn attrs(&self, key: &EntryKey) -> Result<Option<EntryAttrs>> {
        self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(attrs::ATTRS)?;
            attrs::get(&t, key)
        })
    }

    /// X.413 Summarize: count, span and per-value counts of the requested attributes.
    pub fn summarize(&self, mailbox_id: &str, sel: &Selector, attrs: &[Attr]) -> Result<Summary> {
        if sel.filter.is_none()
            && sel.range.is_none()
            && sel.limit.is_none()
            && attrs.iter().all(|a| *a == Attr::RetrievalStatus)
        {
            return self.summarize_from_counters(mailbox_id, sel, !attrs.is_empty());
        }
        let s = self.select(mailbox_id, sel)?;
        let mut sum = Summary {
            count: s.entries.len() as u64,
            span: match (s.entries.first(), s.entries.last()) {
                (Some(a), Some(b)) => Some((a.0, b.0)),
                _ => None,
            },
            values: Vec::new(),
        };
        for at in attrs {
            let mut counts: BTreeMap<Value, u64> = BTreeMap::new();
            for (seq, a) in &s.entries {
                let mut vals = query::values(a, *seq, *at, None);
                vals.sort();
                vals.dedup();
                for v in vals {
                    *counts.entry(v).or_default() += 1;
                }
            }
            sum.values.push((*at, counts.into_iter().collect()));
        }
        Ok(sum)
    }

    /// Summarize of a whole class by retrieval status, from the exact counters: child entries
    /// (few) are looked up and subtracted when the selector leaves them out.
    fn summarize_from_counters(
        &self,
        mailbox_id: &str,
        sel: &Selector,
        by_status: bool,
    ) -> Result<Summary> {
        let mut counts = self.counts(mailbox_id, sel.class)?;
        let span = self.with_db(|db| {
            let txn = db.begin_read()?;
            let c = sel.class.code();
            let mut children = std::collections::HashSet::new();
            if !sel.child_entries {
                let parents = txn.open_table(attrs::PARENTS)?;
                let t = txn.open_table(attrs::ATTRS)?;
                for item in parents.range((mailbox_id, c, 0u32)..=(mailbox_id, c, u32::MAX))? {
                    let s = item?.0.value().2;
                    if let Some(v) = t.get((mailbox_id, c, s))? {
                        let a: EntryAttrs = index::decode_value(v.value())?;
                        if let Some(n) = counts.get_mut(usize::from(a.status)) {
                            *n = n.saturating_sub(1);
                        }
                        children.insert(s);
                    }
                }
            }
            let t = txn.open_table(attrs::ATTRS)?;
            let mut lo = None;
            for item in t.range((mailbox_id, c, 0u32)..=(mailbox_id, c, u32::MAX))? {
                let s = item?.0.value().2;
                if !children.contains(&s) {
                    lo = Some(s);
                    break;
                }
            }
            let mut hi = None;
            for item in t
                .range((mailbox_id, c, 0u32)..=(mailbox_id, c, u32::MAX))?
                .rev()
            {
                let s = item?.0.value().2;
                if !children.contains(&s) {
                    hi = Some(s);
                    break;
                }
            }
            Ok(lo.zip(hi))
        })?;
        let mut sum = Summary {
            count: counts.iter().sum(),
            span,
            values: Vec::new(),
        };
        if by_status {
            let v: Vec<(Value, u64)> = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| (Value::Int(i as i64), *n))
                .collect();
            sum.values.push((Attr::RetrievalStatus, v));
        }
        Ok(sum)
    }

    /// Exact number of entries of a mailbox and class by retrieval status (new, listed,
    /// processed), from the counters.
    pub fn counts(&self, mailbox_id: &str, class: EntryClass) -> Result<[u64; 3]> {
        self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(attrs::COUNTERS)?;
            let mut out = [0u64; 3];
            for (i, st) in RetrievalStatus::ALL.iter().enumerate() {
                if let Some(v) = t.get((mailbox_id, class.code(), st.code()))?
                    && let Some(slot) = out.get_mut(i)
                {
                    *slot = v.value();
                }
            }
            Ok(out)
        })
    }

    /// X.413 Modify (retrieval status only) and the status changes of List and Fetch: sets the
    /// status of the given entries in one durable transaction. With `only_new`, entries that
    /// are no longer new are left alone.
    pub fn set_statuses(
        &self,
        mailbox_id: &str,
        class: EntryClass,
        seqs: &[u32],
        status: RetrievalStatus,
        only_new: bool,
    ) -> Result<()> {
        let r = self.with_db(|db| {
            let txn = db.begin_write()?;
            {
                let mut t = txn.open_table(index::ENTRIES)?;
                for s in seqs {
                    let k = index::entry_key(mailbox_id, class, *s);
                    let row: Option<EntryRow> = t
                        .get(k)?
                        .map(|v| index::decode_value(v.value()))
                        .transpose()?;
                    let Some(mut row) = row else {
                        return Err(no_such(&EntryKey {
                            mailbox_id: mailbox_id.to_string(),
                            class,
                            seq: *s,
                        }));
                    };
                    if row.status == status.code()
                        || (only_new && row.status != RetrievalStatus::New.code())
                    {
                        continue;
                    }
                    row.status = status.code();
                    t.insert(k, index::encode_value(&row)?.as_slice())?;
                    let key = EntryKey {
                        mailbox_id: mailbox_id.to_string(),
                        class,
                        seq: *s,
                    };
                    for x in &self.options.extensions {
                        x.status_changed(&txn, &key, status)?;
                    }
                }
            }
            txn.commit()?;
            Ok(())
        });
        if let Err(e) = &r
            && e.is_index()
        {
            self.reset_db();
        }
        r
    }

    /// X.413 Delete of the selected entries; a parent takes its child entries with it.
    /// Returns the sequence numbers deleted.
    pub fn delete_selected(&self, mailbox_id: &str, sel: &Selector) -> Result<Vec<u32>> {
        let seqs: Vec<u32> = self
            .select(mailbox_id, sel)?
            .entries
            .iter()
            .map(|e| e.0)
            .collect();
        self.delete_entries(mailbox_id, sel.class, &seqs)
    }

    /// Deletes entries by sequence number, children included. Every number must exist.
    pub fn delete_entries(
        &self,
        mailbox_id: &str,
        class: EntryClass,
        seqs: &[u32],
    ) -> Result<Vec<u32>> {
        let mut all = Vec::new();
        for s in seqs {
            let key = EntryKey {
                mailbox_id: mailbox_id.to_string(),
                class,
                seq: *s,
            };
            let a = self.attrs(&key)?.ok_or_else(|| no_such(&key))?;
            all.push(*s);
            all.extend(a.children.iter().copied());
        }
        all.sort_unstable();
        all.dedup();
        // One durable index change for the whole request, shared with concurrent commits.
        self.delete_job(DeleteJob {
            mailbox_id: mailbox_id.to_string(),
            class,
            named: seqs.to_vec(),
            all,
        })
    }

    /// Every entry of a class with its attributes, straight from the attribute table (the
    /// reference the property tests compare plans against).
    pub fn all_attrs(&self, mailbox_id: &str, class: EntryClass) -> Result<Vec<(u32, EntryAttrs)>> {
        self.with_db(|db| {
            let txn = db.begin_read()?;
            let t = txn.open_table(attrs::ATTRS)?;
            let c = class.code();
            let mut out = Vec::new();
            for item in t.range::<(&str, u8, u32)>((
                Bound::Included((mailbox_id, c, 0u32)),
                Bound::Included((mailbox_id, c, u32::MAX)),
            ))? {
                let (k, v) = item?;
                out.push((k.value().2, index::decode_value(v.value())?));
            }
            Ok(out)
        })
    }
}

fn no_such(key: &EntryKey) -> StoreError {
    StoreError::NoSuchEntry {
        mailbox: key.mailbox_id.clone(),
        class: key.class.dir_name(),
        seq: key.seq,
    }
}
