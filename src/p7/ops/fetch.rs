//! X.413 §8.2.2.3 Fetch: one entry, named by sequence number (precise) or the first a selector
//! selects (search), with the bind's fetch-restrictions enforced; the entry becomes processed.

use rasn::types::ObjectIdentifier;

use super::{
    class_of, decode_arg, encode, entry_information, requested_of, selector_of, store_error,
};
use crate::asn1::oids;
use crate::asn1::x413::{self as x, P7Error};
use crate::p7::{OpOutcome, Session};
use crate::store::query::Attr;
use crate::store::{self, Store};

/// Every index attribute: what a Fetch without requested-attributes returns, with the content.
pub const FETCH_DEFAULT: [Attr; 16] = [
    Attr::SequenceNumber,
    Attr::EntryType,
    Attr::RetrievalStatus,
    Attr::CreationTime,
    Attr::Priority,
    Attr::PrimaryPrecedence,
    Attr::ContentLength,
    Attr::ContentType,
    Attr::ContentIdentifier,
    Attr::OriginatorName,
    Attr::ThisRecipientName,
    Attr::Subject,
    Attr::MessageDeliveryTime,
    Attr::ChildSequenceNumbers,
    Attr::MessageDeliveryIdentifier,
    Attr::SubjectSubmissionIdentifier,
];

/// Runs Fetch.
pub fn run(s: &Session, store: &Store, arg: Option<&[u8]>) -> OpOutcome {
    run_with_defaults(s, store, arg, &[])
}

/// Runs Fetch with the user's registered fetch-attribute-defaults (Register-MS): they
/// stand in for absent requested-attributes.
pub fn run_with_defaults(
    s: &Session,
    store: &Store,
    arg: Option<&[u8]>,
    defaults: &[rasn::types::ObjectIdentifier],
) -> OpOutcome {
    let Some(mut a) = decode_arg::<x::FetchArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    super::apply_attribute_defaults(&mut a.requested_attributes, defaults);
    fetch(s, store, &a).into()
}

fn restriction_error(problem: x::FetchRestrictionProblem, r: x::FetchRestriction) -> P7Error {
    P7Error::FetchRestriction(x::FetchRestrictionErrorParameter {
        problems: vec![x::FetchRestrictionProblemItem {
            problem,
            restriction: r,
        }]
        .into(),
    })
}

/// Checks the bind's fetch-restrictions against an entry, unless the selector overrides them
/// (X.413 OverrideRestrictions bits 0 content types, 2 attribute length).
fn check_restrictions(
    s: &Session,
    a: &store::attrs::EntryAttrs,
    over: Option<&x::OverrideRestrictions>,
) -> Result<(), P7Error> {
    let Some(r) = &s.restrictions else {
        return Ok(());
    };
    let overridden = |bit: usize| over.is_some_and(|b| b.get(bit).is_some_and(|v| *v));
    if let Some(allowed) = &r.allowed_content_types
        && !overridden(0)
    {
        let ct = a
            .content_type
            .as_deref()
            .and_then(crate::p7::attrs::content_type_oid);
        if !ct.as_ref().is_some_and(|c| allowed.iter().any(|x| x == c)) {
            return Err(restriction_error(
                x::FetchRestrictionProblem::CONTENT_TYPE_PROBLEM,
                x::FetchRestriction::ContentType(
                    ct.unwrap_or_else(|| ObjectIdentifier::from(oids::ID_CONT_P22)),
                ),
            ));
        }
    }
    if let Some(max) = r.maximum_attribute_length
        && !overridden(2)
        && a.content_length > u64::from(max)
    {
        return Err(restriction_error(
            x::FetchRestrictionProblem::MAXIMUM_LENGTH_PROBLEM,
            x::FetchRestriction::AttributeLength(max),
        ));
    }
    Ok(())
}

fn fetch(s: &Session, store: &Store, a: &x::FetchArgument) -> Result<bytes::Bytes, P7Error> {
    let class = class_of(s, a.entry_class)?;
    let req = requested_of(a.requested_attributes.as_ref(), &FETCH_DEFAULT, true);
    let (seq, list, next, over) = match &a.item {
        x::FetchItem::Precise(seq) => (*seq, None, None, None),
        x::FetchItem::Search(sel) => {
            let qs = selector_of(s, sel, class, s.limits.max_fetch_entries)?;
            let found = store.select(&s.mailbox_id, &qs).map_err(store_error)?;
            let Some((first, _)) = found.entries.first() else {
                s.audit("FETCH", "p7-seqnum=none");
                return encode(&x::FetchResult {
                    entry_information: None,
                    list: None,
                    next: None,
                    fetch_result_extensions: None,
                });
            };
            let seqs: Vec<u32> = found.entries.iter().map(|e| e.0).collect();
            let list = (seqs.len() > 1).then_some(seqs);
            (*first, list, found.next, sel.r#override.as_ref())
        }
    };
    let k = super::key(s, class, seq);
    let attrs = store
        .attrs(&k)
        .map_err(store_error)?
        .ok_or_else(|| super::no_such_entry([seq]))?;
    check_restrictions(s, &attrs, over)?;
    let (info, file) = store
        .fetch(&s.mailbox_id, class, seq, &req.index)
        .map_err(store_error)?;
    s.audit("FETCH", &format!("p7-seqnum={seq}"));
    encode(&x::FetchResult {
        entry_information: Some(entry_information(&info, Some(&file), &req)),
        list,
        next,
        fetch_result_extensions: None,
    })
}
