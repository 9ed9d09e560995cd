//! Audit records of the P7 service (DESIGN.md §6): one `key=value` line per operation on the
//! tracing target [`crate::logging::AUDIT_TARGET`], which the logging set-up appends to the
//! configured audit file.

use crate::logging::AUDIT_TARGET;

/// Quotes a value for a key=value line when it holds spaces, quotes or `=`.
pub fn quote(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '"', '=', '\\']) {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        v.to_string()
    }
}

/// Emits one record: `op=OP` followed by `fields` (already `key=value`).
pub fn record(op: &str, fields: &str) {
    if fields.is_empty() {
        tracing::info!(target: AUDIT_TARGET, "op={op}");
    } else {
        tracing::info!(target: AUDIT_TARGET, "op={op} {fields}");
    }
}

/// The BIND record: `bindtype="by UA" uaname=… p7serverdn=… result=…`.
pub fn bind(uaname: &str, server_dn: &str, result: &str, context: &str) {
    record(
        "BIND",
        &format!(
            "bindtype={} uaname={} p7serverdn={} context={} result={}",
            quote("by UA"),
            quote(uaname),
            quote(server_dn),
            context,
            quote(result)
        ),
    );
}
