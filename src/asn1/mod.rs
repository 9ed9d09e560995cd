//! (placeholder: filled in by the issue that owns this module)
pub mod oids;
pub mod x411;
