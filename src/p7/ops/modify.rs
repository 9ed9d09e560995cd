//! X.413 §8.2.2.7 Modify (1994): the retrieval-status (entry-status, id-att 15) of entries
//! named by sequence number or by selector. The store keeps every other attribute as the
//! message file wrote it (write-once), so modifying one is attribute-error
//! inappropriate-modification; an entry that does not exist is sequence-number-error.

use rasn::types::Any;

use super::{class_of, decode_arg, encode, no_such_entry, selector_of, store_error};
use crate::asn1::oids;
use crate::asn1::x413::{self as x, P7Error};
use crate::p7::{OpOutcome, Session};
use crate::store::{RetrievalStatus, Store};

/// Runs Modify.
pub fn run(s: &Session, store: &Store, arg: Option<&[u8]>) -> OpOutcome {
    let Some(a) = decode_arg::<x::ModifyArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    modify(s, store, &a).into()
}

/// attribute-error naming one attribute type and problem.
fn attribute_error(problem: x::AttributeProblem, t: &x::AttributeType, v: Option<Any>) -> P7Error {
    P7Error::Attribute(x::AttributeErrorParameter {
        problems: x::Set(vec![x::AttributeProblemItem {
            problem,
            r#type: t.clone(),
            value: v,
        }]),
    })
}

/// The retrieval status one modification sets, or the X.413 error it earns.
fn status_of(m: &x::EntryModification) -> Result<RetrievalStatus, P7Error> {
    let (t, values): (&x::AttributeType, Vec<&Any>) = match &m.modification {
        x::Modification::AddAttribute(a) => {
            (&a.attribute_type, a.attribute_values.iter().collect())
        }
        x::Modification::AddValues(o) => (
            &o.attribute_type,
            o.attribute_values
                .iter()
                .filter_map(|v| v.value.as_ref())
                .collect(),
        ),
        x::Modification::RemoveAttribute(t) => {
            return Err(attribute_error(
                x::AttributeProblem::INAPPROPRIATE_MODIFICATION,
                t,
                None,
            ));
        }
        x::Modification::RemoveValues(o) => {
            return Err(attribute_error(
                x::AttributeProblem::INAPPROPRIATE_MODIFICATION,
                &o.attribute_type,
                None,
            ));
        }
    };
    if **t != *oids::ID_ATT_RETRIEVAL_STATUS {
        return Err(attribute_error(
            x::AttributeProblem::INAPPROPRIATE_MODIFICATION,
            t,
            None,
        ));
    }
    // retrieval-status is single-valued.
    let [v] = values.as_slice() else {
        return Err(attribute_error(
            x::AttributeProblem::SINGLE_VALUED_ATTRIBUTE,
            t,
            None,
        ));
    };
    let code = x::value::as_retrieval_status(v)
        .ok()
        .and_then(|r| u8::try_from(r.0).ok())
        .and_then(RetrievalStatus::from_code);
    code.ok_or_else(|| {
        attribute_error(
            x::AttributeProblem::INVALID_ATTRIBUTE_VALUE,
            t,
            Some((*v).clone()),
        )
    })
}

fn modify(s: &Session, store: &Store, a: &x::ModifyArgument) -> Result<bytes::Bytes, P7Error> {
    let class = class_of(s, a.entry_class)?;
    if a.modifications.is_empty() {
        return Err(P7Error::InvalidParameters);
    }
    // Every modification is checked before any entry changes: Modify is all or nothing here.
    let mut status = None;
    for m in &a.modifications {
        status = Some(status_of(m)?);
    }
    let Some(status) = status else {
        return Err(P7Error::InvalidParameters);
    };
    let seqs: Vec<u32> = match &a.entries {
        x::ModifyEntries::SpecificEntries(v) => {
            if v.is_empty() {
                return Err(P7Error::InvalidParameters);
            }
            let mut missing = Vec::new();
            for seq in v {
                if store
                    .attrs(&super::key(s, class, *seq))
                    .map_err(store_error)?
                    .is_none()
                {
                    missing.push(*seq);
                }
            }
            if !missing.is_empty() {
                return Err(no_such_entry(missing));
            }
            v.clone()
        }
        x::ModifyEntries::Selector(sel) => {
            let qs = selector_of(s, sel, class, s.limits.max_fetch_entries)?;
            store
                .select(&s.mailbox_id, &qs)
                .map_err(store_error)?
                .entries
                .into_iter()
                .map(|(seq, _)| seq)
                .collect()
        }
    };
    store
        .set_statuses(&s.mailbox_id, class, &seqs, status, false)
        .map_err(store_error)?;
    s.audit(
        "MODIFY",
        &format!(
            "count={} status={} p7-seqnum={}",
            seqs.len(),
            status.code(),
            seqs.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    encode(&x::ModifyResult {
        entries_modified: (!seqs.is_empty()).then_some(seqs),
        modify_result_extensions: None,
    })
}
