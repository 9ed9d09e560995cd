//! X.413 §8.2.2.4 Delete: entries by sequence number or by selector (a parent takes its
//! children); NULL result on 1988 associations, entries-deleted on 1994 ones.

use super::{class_of, decode_arg, encode, no_such_entry, selector_of, store_error};
use crate::asn1::x413::{self as x, P7Error};
use crate::p7::{Edition, OpOutcome, Session};
use crate::store::Store;

/// Runs Delete.
pub fn run(s: &Session, store: &Store, arg: Option<&[u8]>) -> OpOutcome {
    let Some(a) = decode_arg::<x::DeleteArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    delete(s, store, &a).into()
}

fn delete(s: &Session, store: &Store, a: &x::DeleteArgument) -> Result<bytes::Bytes, P7Error> {
    let class = class_of(s, a.entry_class)?;
    let deleted = match &a.items {
        x::DeleteItems::SequenceNumbers(seqs) => {
            if seqs.is_empty() {
                return Err(P7Error::InvalidParameters);
            }
            // Check every number first: a request naming a missing entry deletes nothing.
            let mut missing = Vec::new();
            let mut children = Vec::new();
            for seq in seqs.iter() {
                match store
                    .attrs(&super::key(s, class, *seq))
                    .map_err(store_error)?
                {
                    None => missing.push(*seq),
                    Some(_) if is_child(s, store, class, *seq)? => children.push(*seq),
                    Some(_) => {}
                }
            }
            if !missing.is_empty() {
                return Err(no_such_entry(missing));
            }
            if !children.is_empty() {
                return Err(P7Error::Delete(x::DeleteErrorParameter {
                    problems: children
                        .into_iter()
                        .map(|seq| x::DeleteProblemItem {
                            problem: x::DeleteProblem::CHILD_ENTRY_SPECIFIED,
                            sequence_number: seq,
                        })
                        .collect(),
                    entries_deleted: None,
                }));
            }
            let v: Vec<u32> = seqs.iter().copied().collect();
            store
                .delete_entries(&s.mailbox_id, class, &v)
                .map_err(store_error)?
        }
        x::DeleteItems::Selector(sel) => {
            let qs = selector_of(s, sel, class, s.limits.max_fetch_entries)?;
            store
                .delete_selected(&s.mailbox_id, &qs)
                .map_err(store_error)?
        }
    };
    s.audit_seqs("DELETE", &deleted);
    match s.edition {
        Edition::V88 => encode(&x::DeleteResult::DeleteResult88(())),
        Edition::V94 => encode(&x::DeleteResult::DeleteResult94(x::DeleteResult94 {
            entries_deleted: (!deleted.is_empty()).then_some(deleted),
            delete_result_extensions: None,
        })),
    }
}

/// Whether an entry is a child entry (X.413: children go with their parent, never alone).
fn is_child(
    s: &Session,
    store: &Store,
    class: crate::store::EntryClass,
    seq: u32,
) -> Result<bool, P7Error> {
    let sel = crate::store::query::Selector {
        child_entries: true,
        range: Some(crate::store::query::Range::Seq {
            from: Some(seq),
            to: Some(seq),
        }),
        ..crate::store::query::Selector::all(class)
    };
    let with = store.select(&s.mailbox_id, &sel).map_err(store_error)?;
    let without = store
        .select(
            &s.mailbox_id,
            &crate::store::query::Selector {
                child_entries: false,
                ..sel
            },
        )
        .map_err(store_error)?;
    Ok(!with.entries.is_empty() && without.entries.is_empty())
}
