//! X.411 §8.3.1.1 MessageDeliveryArgument (IMPLICIT TAGS), reduced to what attribute
//! extraction reads and the builder writes: `SEQUENCE { COMPONENTS OF
//! MessageDeliveryInformation, content Content }` where MessageDeliveryInformation is
//! message-delivery-identifier `[APPLICATION 4]`, message-delivery-time UTCTime and the
//! OtherMessageDeliveryFields SET. The full P3 types live in `asn1::x411`; this codec reads the
//! same bytes and never rejects fields it does not need.

use crate::address::ORName;
use crate::asn1::ber::{self, BerError, Result, Tag, Tlv, class, tags};
use crate::asn1::x420::{Time, read_orname, read_string, read_time, write_string};

use super::attributes::{ContentTypeId, Priority};
use super::extract::DeliveryEnvelope;

/// Decodes a MessageDeliveryArgument's envelope fields (the content is ignored).
pub fn from_delivery_ber(buf: &[u8]) -> Result<DeliveryEnvelope> {
    ber::validate(buf)?;
    let t = ber::single(buf)?;
    t.expect(tags::SEQUENCE, "MessageDeliveryArgument")?;
    let mut r = t.reader("MessageDeliveryArgument")?;
    let mut env = DeliveryEnvelope::default();
    while let Some(c) = r.next()? {
        match (c.tag.class, c.tag.number) {
            (class::APPLICATION, 4) => env.message_delivery_identifier = Some(mts_identifier(&c)?),
            (class::UNIVERSAL, 23) => env.message_delivery_time = Some(read_time(&c)?),
            (class::UNIVERSAL, 17) => other_fields(&c, &mut env)?,
            _ => {}
        }
    }
    if env.message_delivery_identifier.is_none() {
        return Err(t.err("MessageDeliveryArgument.message-delivery-identifier [APPLICATION 4]"));
    }
    Ok(env)
}

/// The content octets of a MessageDeliveryArgument.
pub fn content_of_delivery(buf: &[u8]) -> Result<Vec<u8>> {
    let t = ber::single(buf)?;
    let mut r = t.reader("MessageDeliveryArgument")?;
    while let Some(c) = r.next()? {
        if c.tag.same(tags::OCTET_STRING) {
            return c.string_bytes(usize::MAX);
        }
    }
    Err(t.err("MessageDeliveryArgument.content"))
}

/// `MTSIdentifier ::= [APPLICATION 4] SEQUENCE { global-domain-identifier, local-identifier
/// IA5String }`, printed as `[C;ADMD;PRMD;]local`.
fn mts_identifier(t: &Tlv<'_>) -> Result<String> {
    let mut r = t.reader("MTSIdentifier")?;
    let mut gdi = Vec::new();
    let mut local = String::new();
    while let Some(c) = r.next()? {
        if c.tag.same(Tag::app(3, true)) {
            let mut g = c.reader("GlobalDomainIdentifier")?;
            while let Some(x) = g.next()? {
                // country [APPLICATION 1] / ADMD [APPLICATION 2] are explicit CHOICEs; the PRMD
                // CHOICE is untagged.
                let s = if x.tag.constructed {
                    let mut xr = x.reader("domain name")?;
                    match xr.next()? {
                        Some(v) => read_string(&v, 64)?,
                        None => String::new(),
                    }
                } else {
                    read_string(&x, 64)?
                };
                gdi.push(s);
            }
        } else if c.tag.same(tags::IA5_STRING) {
            local = read_string(&c, 1024)?;
        }
    }
    Ok(format!("[{}]{local}", gdi.join(";")))
}

fn other_fields(t: &Tlv<'_>, env: &mut DeliveryEnvelope) -> Result<()> {
    let mut r = t.reader("OtherMessageDeliveryFields")?;
    while let Some(c) = r.next()? {
        match (c.tag.class, c.tag.number) {
            (class::APPLICATION, 6) => {
                env.content_type = Some(ContentTypeId::BuiltIn(c.integer()?));
            }
            (class::UNIVERSAL, 6) | (class::UNIVERSAL, 13) => {
                let arcs = c.oid_arcs(c.tag.number == 13)?;
                let s: Vec<String> = arcs.iter().map(u32::to_string).collect();
                env.content_type = Some(ContentTypeId::Extended(s.join(".")));
            }
            (class::APPLICATION, 0) => env.originator_name = Some(read_orname(&c)?),
            (class::APPLICATION, 7) => {
                let v = c.integer()?;
                env.priority = Some(
                    Priority::from_i64(v)
                        .ok_or_else(|| BerError::found(c.offset, "a Priority", v.to_string()))?,
                );
            }
            (class::APPLICATION, 10) => env.content_identifier = Some(read_string(&c, 1024)?),
            (class::CONTEXT, 3) => {
                let mut l = c.reader("other-recipient-names")?;
                while let Some(n) = l.next()? {
                    env.other_recipient_names.push(read_orname(&n)?);
                }
            }
            (class::CONTEXT, 4) => {
                // [4] IMPLICIT ORName: the contents are the ORName's.
                env.this_recipient_name =
                    Some(ORName::from_ber_contents(c.contents).map_err(|e| {
                        BerError::found(c.offset, "this-recipient-name", e.to_string())
                    })?);
            }
            (class::CONTEXT, 7) => env.message_submission_time = Some(read_time(&c)?),
            (class::CONTEXT, 8) => {
                let mut l = c.reader("extensions")?;
                while let Some(x) = l.next()? {
                    if let Some(label) = security_label(&x)? {
                        env.message_security_label = Some(label);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `ExtensionField ::= SEQUENCE { type ExtensionType, criticality [1] DEFAULT {}, value [2]
/// ANY DEFAULT NULL }` with `ExtensionType ::= CHOICE { standard-extension [0] INTEGER,
/// private-extension [3] OBJECT IDENTIFIER }`: the value's BER if this is the
/// message-security-label extension.
fn security_label(x: &Tlv<'_>) -> Result<Option<Vec<u8>>> {
    let mut r = x.reader("ExtensionField")?;
    let mut is_label = false;
    let mut value = None;
    while let Some(c) = r.next()? {
        if c.tag.is_ctx(0) && !c.tag.constructed {
            is_label = c.integer()? == MESSAGE_SECURITY_LABEL_EXTENSION;
        } else if c.tag.is_ctx(2) {
            let mut vr = c.reader("ExtensionField.value")?;
            value = vr.next()?.map(|v| v.raw.to_vec());
        }
    }
    Ok(if is_label { value } else { None })
}

/// X.411 `message-security-label EXTENSION ::= { MessageSecurityLabel, IDENTIFIED BY
/// standard-extension:20 }`.
const MESSAGE_SECURITY_LABEL_EXTENSION: i64 = 20;

/// Encodes a MessageDeliveryArgument carrying `content`. `gdi` is the global domain
/// identifier (country, ADMD, PRMD) of the MTS identifier.
pub fn to_delivery_ber(env: &DeliveryEnvelope, gdi: [&str; 3], content: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ber::write_cons(&mut out, tags::SEQUENCE, |o| {
        ber::write_cons(o, Tag::app(4, true), |m| {
            ber::write_cons(m, Tag::app(3, true), |g| {
                ber::write_cons(g, Tag::app(1, true), |c| {
                    write_string(c, tags::PRINTABLE_STRING, gdi[0])
                });
                ber::write_cons(g, Tag::app(2, true), |c| {
                    write_string(c, tags::PRINTABLE_STRING, gdi[1])
                });
                if !gdi[2].is_empty() {
                    write_string(g, tags::PRINTABLE_STRING, gdi[2]);
                }
            });
            let local = env
                .message_delivery_identifier
                .as_deref()
                .map(|s| s.rsplit(']').next().unwrap_or(s))
                .unwrap_or("0");
            write_string(m, tags::IA5_STRING, local);
        });
        let t = env
            .message_delivery_time
            .clone()
            .unwrap_or_else(|| Time("700101000000Z".into()));
        write_string(o, tags::UTC_TIME, &t.0);
        ber::write_cons(o, tags::SET, |s| {
            match &env.content_type {
                Some(ContentTypeId::BuiltIn(n)) => ber::write_integer(s, Tag::app(6, false), *n),
                Some(ContentTypeId::Extended(oid)) => {
                    let arcs: Vec<u32> = oid.split('.').filter_map(|a| a.parse().ok()).collect();
                    ber::write(s, tags::OID, &ber::oid_contents(&arcs));
                }
                None => ber::write_integer(s, Tag::app(6, false), 22),
            }
            if let Some(n) = &env.originator_name {
                s.extend_from_slice(&n.to_ber());
            }
            if let Some(p) = env.priority {
                ber::write_integer(s, Tag::app(7, false), p as i64);
            }
            if !env.other_recipient_names.is_empty() {
                ber::write_cons(s, Tag::ctx(3, true), |l| {
                    for n in &env.other_recipient_names {
                        l.extend_from_slice(&n.to_ber());
                    }
                });
            }
            if let Some(n) = &env.this_recipient_name {
                // [4] IMPLICIT ORName: re-tag the ORName's contents.
                let b = n.to_ber();
                if let Ok(t) = ber::single(&b) {
                    ber::write(s, Tag::ctx(4, true), t.contents);
                }
            }
            if let Some(t) = &env.message_submission_time {
                write_string(s, Tag::ctx(7, false), &t.0);
            }
            if let Some(c) = &env.content_identifier {
                write_string(s, Tag::app(10, false), c);
            }
        });
        ber::write(o, tags::OCTET_STRING, content);
    });
    out
}
