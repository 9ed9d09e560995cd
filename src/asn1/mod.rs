//! (placeholder: filled in by the issue that owns this module)
pub mod ber;
pub mod oids;
pub mod p772;
pub mod x411;
pub mod x413;
pub mod x420;
