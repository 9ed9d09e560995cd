//! (placeholder) tracing set-up.
