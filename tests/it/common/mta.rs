//! Playing the MTA on a P3 association (X.411 §8.3 delivery-port operations towards the store).

use bytes::Bytes;
use mstore::assoc::{AssociationHandle, Operation, Outcome};

/// Invokes `op` with `argument` over `h`; the answer must be a result that carries a value,
/// which is returned (an error, a reject or an empty result fails the test).
pub async fn invoke_ok(h: &AssociationHandle, op: Operation, argument: Bytes) -> Bytes {
    let out = h.invoke(op, Some(argument)).await.unwrap();
    let Outcome::Result(Some(r)) = out else {
        panic!("no result: {out:?}")
    };
    r
}

/// Message-delivery of `delivery` (a MessageDeliveryArgument's BER) over `h`, which must
/// succeed; the result's BER.
pub async fn deliver(h: &AssociationHandle, delivery: impl Into<Bytes>) -> Bytes {
    invoke_ok(h, Operation::MessageDelivery, delivery.into()).await
}
