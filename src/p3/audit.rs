//! Audit records of the P3 delivery responder (DESIGN.md §6): one `key=value` line per bind,
//! delivery and unbind on the tracing target [`crate::logging::AUDIT_TARGET`].

use crate::logging::AUDIT_TARGET;

/// Quotes a value for a key=value line when it holds spaces, quotes, `=` or is empty.
pub fn quote(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '"', '=', '\\']) {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        v.to_string()
    }
}

/// Emits one record: `op=OP` followed by `fields` (already `key=value`).
pub fn record(op: &str, fields: &str) {
    tracing::info!(target: AUDIT_TARGET, "op={op} {fields}");
}

/// `op=BIND bindtype="by MTA" mtaname=… peer=… context=… result=…`.
pub fn bind(mtaname: &str, peer: &str, context: &str, result: &str) {
    record(
        "BIND",
        &format!(
            "bindtype={} mtaname={} peer={} context={} result={}",
            quote("by MTA"),
            quote(mtaname),
            quote(peer),
            quote(context),
            quote(result)
        ),
    );
}

/// `op=BIND bindtype="to MTA" p3serverdn=… peer=… context=… result=…`: the store binding to
/// its MTA for submission (mts-access); `p3serverdn` names the MTA as it answered (or as
/// configured when the bind failed).
pub fn bind_to_mta(p3serverdn: &str, peer: &str, context: &str, result: &str) {
    record(
        "BIND",
        &format!(
            "bindtype={} p3serverdn={} peer={} context={} result={}",
            quote("to MTA"),
            quote(p3serverdn),
            quote(peer),
            quote(context),
            quote(result)
        ),
    );
}

/// `op=UNBIND bindtype="to MTA" p3serverdn=… reason=…`.
pub fn unbind_to_mta(p3serverdn: &str, reason: &str) {
    record(
        "UNBIND",
        &format!(
            "bindtype={} p3serverdn={} reason={}",
            quote("to MTA"),
            quote(p3serverdn),
            quote(reason)
        ),
    );
}

/// `op=DELIVER-MESSAGE mtaname=… p1msgid=… delivery-time=… recipient=… p7-seqnum=…`.
pub fn deliver_message(
    mtaname: &str,
    p1msgid: &str,
    delivery_time: &str,
    recipient: &str,
    seq: u32,
) {
    record(
        "DELIVER-MESSAGE",
        &format!(
            "mtaname={} p1msgid={} delivery-time={} recipient={} p7-seqnum={seq}",
            quote(mtaname),
            quote(p1msgid),
            quote(delivery_time),
            quote(recipient)
        ),
    );
}

/// `op=DELIVER-REPORT mtaname=… subject-p1msgid=… recipient=… p7-seqnum=…`.
pub fn deliver_report(mtaname: &str, subject: &str, recipient: &str, seq: u32) {
    record(
        "DELIVER-REPORT",
        &format!(
            "mtaname={} subject-p1msgid={} recipient={} p7-seqnum={seq}",
            quote(mtaname),
            quote(subject),
            quote(recipient)
        ),
    );
}

/// A refused delivery: `op=DELIVER-MESSAGE … result=…` without a sequence number.
pub fn refused(op: &str, mtaname: &str, id: &str, recipient: &str, result: &str) {
    record(
        op,
        &format!(
            "mtaname={} p1msgid={} recipient={} result={}",
            quote(mtaname),
            quote(id),
            quote(recipient),
            quote(result)
        ),
    );
}

/// `op=UNBIND bindtype="by MTA" mtaname=… how=release|abort reason=…`.
pub fn unbind(mtaname: &str, how: &str, reason: &str) {
    record(
        "UNBIND",
        &format!(
            "bindtype={} mtaname={} how={how} reason={}",
            quote("by MTA"),
            quote(mtaname),
            quote(reason)
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting() {
        assert_eq!(quote("mta1"), "mta1");
        assert_eq!(quote("by MTA"), "\"by MTA\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
    }
}
