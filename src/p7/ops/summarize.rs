//! X.413 §8.2.2.1 Summarize: count, span and per-value counts of the selected entries, without
//! touching their retrieval status.

use rasn::types::ObjectIdentifier;

use super::{class_of, decode_arg, encode, selector_of, store_error};
use crate::asn1::x413::{self as x, P7Error};
use crate::p7::attrs;
use crate::p7::{OpOutcome, Session};
use crate::store::Store;

/// Runs Summarize.
pub fn run(s: &Session, store: &Store, arg: Option<&[u8]>) -> OpOutcome {
    let Some(a) = decode_arg::<x::SummarizeArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    summarize(s, store, &a).into()
}

fn summarize(
    s: &Session,
    store: &Store,
    a: &x::SummarizeArgument,
) -> Result<bytes::Bytes, P7Error> {
    let class = class_of(s, a.entry_class)?;
    // Summarize counts every selected entry: only the UA's own limit applies.
    let sel = selector_of(s, &a.selector, class, x::UB_MESSAGES)?;
    let mut wanted = Vec::new();
    if let Some(reqs) = &a.summary_requests {
        if reqs.is_empty() {
            return Err(P7Error::InvalidParameters);
        }
        for t in reqs {
            wanted.push(attrs::attr_of(t).ok_or_else(|| attrs::unavailable(t))?);
        }
    }
    let sum = store
        .summarize(&s.mailbox_id, &sel, &wanted)
        .map_err(store_error)?;
    // `next`: the first entry past the UA's limit, if it cut the selection short.
    let next = if a.selector.limit.is_some() {
        store.select(&s.mailbox_id, &sel).map_err(store_error)?.next
    } else {
        None
    };
    let count = u32::try_from(sum.count).unwrap_or(u32::MAX);
    let summaries: Vec<x::Summary> = sum
        .values
        .iter()
        .map(|(attr, vals)| {
            let present: Vec<x::SummaryPresentItem> = vals
                .iter()
                .filter_map(|(v, n)| {
                    Some(x::SummaryPresentItem {
                        r#type: ObjectIdentifier::from(attrs::oid_of(*attr)?),
                        value: attrs::encode_value(*attr, v)?,
                        count: u32::try_from(*n).unwrap_or(u32::MAX),
                    })
                })
                .collect();
            // Entries without the attribute; only exact for single-valued attributes.
            let with: u64 = vals.iter().map(|(_, n)| n).sum();
            let absent = (!attrs::multi_valued(*attr))
                .then(|| sum.count.saturating_sub(with))
                .filter(|n| *n > 0)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
            x::Summary {
                absent,
                present: (!present.is_empty()).then(|| present.into()),
            }
        })
        .collect();
    encode(&x::SummarizeResult {
        next,
        count,
        span: sum
            .span
            .map(|(lowest, highest)| x::Span { lowest, highest }),
        summaries: (!summaries.is_empty()).then_some(summaries),
        summarize_result_extensions: None,
    })
}
