//! X.413 §8.2.2.2 List: the requested attributes of the selected entries; new entries become
//! listed.

use super::{
    LIST_DEFAULT, class_of, decode_arg, encode, entry_information, key, requested_of, selector_of,
    store_error,
};
use crate::asn1::x413::{self as x, P7Error};
use crate::p7::{OpOutcome, Session};
use crate::store::Store;

/// Runs List.
pub fn run(s: &Session, store: &Store, arg: Option<&[u8]>) -> OpOutcome {
    run_with_defaults(s, store, arg, &[])
}

/// Runs List with the user's registered list-attribute-defaults (Register-MS): they
/// stand in for absent requested-attributes.
pub fn run_with_defaults(
    s: &Session,
    store: &Store,
    arg: Option<&[u8]>,
    defaults: &[rasn::types::ObjectIdentifier],
) -> OpOutcome {
    let Some(mut a) = decode_arg::<x::ListArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    super::apply_attribute_defaults(&mut a.requested_attributes, defaults);
    list(s, store, &a).into()
}

fn list(s: &Session, store: &Store, a: &x::ListArgument) -> Result<bytes::Bytes, P7Error> {
    let class = class_of(s, a.entry_class)?;
    let sel = selector_of(s, &a.selector, class, s.limits.max_list_entries)?;
    let req = requested_of(a.requested_attributes.as_ref(), &LIST_DEFAULT, false);
    let r = store
        .list(&s.mailbox_id, &sel, &req.index, false)
        .map_err(store_error)?;
    let mut entries = Vec::with_capacity(r.entries.len());
    for e in &r.entries {
        let file = if req.needs_file() {
            Some(store.read(&key(s, class, e.seq)).map_err(store_error)?)
        } else {
            None
        };
        entries.push(entry_information(e, file.as_ref(), &req));
    }
    let seqs: Vec<u32> = entries.iter().map(|e| e.sequence_number).collect();
    s.audit_seqs("LIST", &seqs);
    encode(&x::ListResult {
        next: r.next,
        requested: (!entries.is_empty()).then_some(entries),
        list_result_extensions: None,
    })
}
