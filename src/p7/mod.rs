//! P7, the X.419 MS access protocol, as the store serves it (X.413 §8 MS abstract service):
//! MS-Bind / MS-Unbind and the retrieval operations Summarize, List, Fetch and Delete, with
//! the X.413 §8.2.3 abstract errors; and the `p7` client of the same operations.
//!
//! The operations are pure functions of an argument, the association's [`Session`] and the
//! store ([`ops`]): they map X.413 values onto the store's own query model
//! ([`crate::store::query`]) and back ([`attrs`]), so the store never sees a PDU. The service
//! ([`service`]) wires them to live associations ([`crate::assoc`]); the client
//! ([`client`]) drives the same operations from the UA side.

pub mod alerts;
pub mod attrs;
pub mod audit;
pub mod client;
pub mod ops;
pub mod service;
pub mod session;

pub use session::Session;

use bytes::Bytes;

use crate::asn1::x413::P7Error;
use crate::assoc::AppContext;

/// Which edition of the MS abstract service an association speaks: the application context
/// decides what errors and results look like (range-error only in 1988, Delete's NULL vs
/// entries-deleted, entry classes beyond delivery only in 1994).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edition {
    /// ms-access-88 (2.6.0.1.4).
    V88,
    /// ms-access-94 (2.6.0.1.11).
    V94,
}

impl Edition {
    /// The edition of a P7 application context (`None` for P3 contexts).
    pub fn of(ac: AppContext) -> Option<Edition> {
        match ac {
            AppContext::MsAccess88 => Some(Edition::V88),
            AppContext::MsAccess94 => Some(Edition::V94),
            _ => None,
        }
    }

    /// The application context of this edition.
    pub fn context(self) -> AppContext {
        match self {
            Edition::V88 => AppContext::MsAccess88,
            Edition::V94 => AppContext::MsAccess94,
        }
    }
}

/// How an operation ends: a result (its BER), an X.413 abstract error, or a ROSE reject when
/// the argument cannot be decoded at all (X.880 mistyped-argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutcome {
    /// returnResult with this result TLV.
    Result(Bytes),
    /// returnError.
    Error(P7Error),
    /// reject, invoke problem mistyped-argument.
    Mistyped,
    /// returnError with an X.411 error code and a NULL (absent) parameter: the
    /// change-credentials errors Register-MS borrows from X.411.
    X411Error(i64),
}

impl From<Result<Bytes, P7Error>> for OpOutcome {
    fn from(r: Result<Bytes, P7Error>) -> Self {
        match r {
            Ok(b) => OpOutcome::Result(b),
            Err(e) => OpOutcome::Error(e),
        }
    }
}
