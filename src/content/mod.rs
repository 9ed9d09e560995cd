//! Message content for the store (X.413 §12 attributes from X.411 envelopes and X.420 / P772
//! contents, ICAO Doc 9880 ATS headers): attribute model, extraction, AMHS header parsing and
//! a builder of realistic messages for tests and the bench harness.

pub mod amhs;
pub mod attributes;
pub mod builder;
pub mod envelope;
pub mod extract;
pub mod fuzzing;

pub use attributes::{
    AttributeType, ContentTypeId, EntryType, MessageAttributes, Priority, RecipientAttribute,
    Value, at,
};
pub use extract::{
    ContentError, ContentKind, DeliveryEnvelope, decode_content, extract, extract_delivery,
    extract_report,
};
