//! ASN.1 types of the standards mstore speaks, hand-written for rasn and a small BER codec:
//! X.411 (MTS / P3), X.413 + X.419 (MS / P7), X.420 (IPM), STANAG 4406 (P772).
//! OIDs live only in [`oids`]; the matching ASN.1 text is in `schema/`.

pub mod ber;
pub mod oids;
pub mod p772;
pub mod x411;
pub mod x413;
pub mod x420;
