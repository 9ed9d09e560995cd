//! X.413 §8.1 MS-Bind: the UA's simple credentials checked by the directory, the store's
//! responder-credentials returned (Isode-style clients compare them), ms-configuration-request
//! answered, fetch-restrictions kept for the association; or the ms-bind-error.

use std::sync::Arc;

use bytes::Bytes;
use rasn::prelude::*;

use crate::asn1::oids;
use crate::asn1::x411::{Credentials, Password};
use crate::asn1::x413::{self as x, BindProblem, MSBindError};
use crate::config::{Config, StoreIdentity};
use crate::directory::Directory;
use crate::p7::session::{OpLimits, Session};
use crate::p7::{Edition, attrs, audit};
use crate::store::MailboxName;

/// What a bind needs from the configuration.
#[derive(Debug, Clone)]
pub struct BindContext {
    /// The store's identity (responder-name, responder-credentials).
    pub identity: StoreIdentity,
    /// Operation limits for the sessions it opens.
    pub limits: OpLimits,
}

impl BindContext {
    /// From the configuration.
    pub fn from_config(c: &Config) -> Self {
        BindContext {
            identity: c.store.clone(),
            limits: OpLimits::from_config(c),
        }
    }

    /// The name audit records give the store (its DN, else its O/R address).
    pub fn server_dn(&self) -> String {
        self.identity
            .dn
            .clone()
            .unwrap_or_else(|| self.identity.or_address.to_string())
    }
}

/// An ms-bind-error parameter's BER.
pub fn bind_error(p: BindProblem) -> Bytes {
    Bytes::from(
        x::encode(&MSBindError::UnqualifiedError(p)).unwrap_or_else(|_| vec![0x0a, 0x01, p.0]),
    )
}

/// An ms-bind-error parameter's BER with a reason for the operator of the UA. In a 1994
/// context it is the qualified-error with `supplementary-information` (X.413 §8.1.1.3, a 1994
/// extension); a 1988 context knows only the bare BindProblem, so the reason is left out.
pub fn bind_error_with(edition: Edition, p: BindProblem, info: &str) -> Bytes {
    if edition == Edition::V94 {
        // ub-supplementary-info-length (X.411) is 256.
        let text: String = info.chars().filter(char::is_ascii).take(256).collect();
        if let Ok(g) = GeneralString::from_bytes(text.as_bytes()) {
            let q = MSBindError::QualifiedError(x::QualifiedBindError {
                bind_problem: p,
                supplementary_information: Some(g),
                bind_extension_errors: None,
            });
            if let Ok(b) = x::encode(&q) {
                return Bytes::from(b);
            }
        }
    }
    bind_error(p)
}

/// The password of simple credentials.
pub(crate) fn password(c: &Credentials) -> Option<Vec<u8>> {
    match c {
        Credentials::Simple(Password::Ia5String(s)) => Some(s.to_string().into_bytes()),
        Credentials::Simple(Password::OctetString(o)) => Some(o.to_vec()),
        _ => None,
    }
}

/// `AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }` (X.501).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
struct TypeAndValue {
    r#type: ObjectIdentifier,
    value: rasn::types::Any,
}

/// The LDAP string form (RFC 4514) of an X.501 Name as an ORName's directory-name carries it
/// (`RDNSequence`, most significant RDN first on the wire, last in the string). `None` when
/// it does not decode or uses attribute types without a short name.
pub fn dn_text(name_ber: &[u8]) -> Option<String> {
    let rdns: Vec<x::Set<TypeAndValue>> = x::decode(name_ber).ok()?;
    let mut parts = Vec::new();
    for rdn in rdns.iter().rev() {
        let mut avas = Vec::new();
        for a in rdn.iter() {
            let arcs: Vec<u32> = a.r#type.iter().copied().collect();
            let key = match arcs.as_slice() {
                [2, 5, 4, 3] => "cn",
                [2, 5, 4, 6] => "c",
                [2, 5, 4, 7] => "l",
                [2, 5, 4, 8] => "st",
                [2, 5, 4, 10] => "o",
                [2, 5, 4, 11] => "ou",
                [0, 9, 2342, 19200300, 100, 1, 1] => "uid",
                [0, 9, 2342, 19200300, 100, 1, 25] => "dc",
                _ => return None,
            };
            let v = x::value::as_text(&a.value).ok()?;
            avas.push(format!("{key}={v}"));
        }
        parts.push(avas.join("+"));
    }
    Some(parts.join(","))
}

/// The bind result's MSBindResult for a session.
fn result(cx: &BindContext, edition: Edition, arg: &x::MSBindArgument) -> x::MSBindResult {
    let pw = cx
        .identity
        .password
        .as_ref()
        .map(|s| s.expose().to_vec())
        .unwrap_or_default();
    let mut r = x::MSBindResult::simple(Credentials::Simple(Password::OctetString(pw.into())));
    if arg.configuration_requested() {
        r.available_attribute_types = Some(attrs::available_types().into());
        // No auto-action is implemented yet: the set is left out rather than sent empty.
        r.content_types_supported = Some(
            vec![
                ObjectIdentifier::from(oids::ID_CONT_P2),
                ObjectIdentifier::from(oids::ID_CONT_P22),
                ObjectIdentifier::from(oids::ID_MMHS_CONT_P772),
            ]
            .into(),
        );
        if edition == Edition::V94 {
            r.entry_classes_supported =
                Some(vec![x::EntryClass::DELIVERY, x::EntryClass::SUBMISSION].into());
        }
    }
    r
}

/// Checks an MS-Bind argument: `Ok` with the session and the MSBindResult BER, `Err` with the
/// ms-bind-error BER. Blocking (the directory may be LDAP).
pub fn bind(
    cx: &BindContext,
    directory: &Arc<dyn Directory>,
    edition: Edition,
    arg: &[u8],
) -> Result<(Session, Bytes), Bytes> {
    let context = match edition {
        Edition::V88 => "ms-access-88",
        Edition::V94 => "ms-access-94",
    };
    let server_dn = cx.server_dn();
    let Ok(a) = x::decode::<x::MSBindArgument>(arg) else {
        audit::bind("", &server_dn, "undecodable-argument", context);
        return Err(bind_error(BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION));
    };
    // The directory-name, when the initiator-name carries one, in LDAP string form.
    let dn = a.initiator_name.directory_name.as_deref().map(dn_text);
    let uaname = if a.initiator_name.address.is_empty() {
        dn.clone().flatten().unwrap_or_default()
    } else {
        a.initiator_name.address.to_string()
    };
    let fail = |p: BindProblem, why: &str| {
        audit::bind(&uaname, &server_dn, why, context);
        bind_error(p)
    };
    if a.security_context.is_some() {
        return Err(fail(
            BindProblem::UNACCEPTABLE_SECURITY_CONTEXT,
            "security-context",
        ));
    }
    let Some(pw) = password(&a.initiator_credentials) else {
        return Err(fail(
            BindProblem::AUTHENTICATION_ERROR,
            "not-simple-credentials",
        ));
    };
    let address = (!a.initiator_name.address.is_empty()).then_some(&a.initiator_name.address);
    let dn = match dn {
        None => None,
        Some(Some(d)) => Some(d),
        Some(None) => return Err(fail(BindProblem::AUTHENTICATION_ERROR, "undecodable-dn")),
    };
    let user = match directory.authenticate_user(address, dn.as_deref(), &pw) {
        Ok(u) => u,
        Err(e) if e.is_authentication_failure() => {
            tracing::info!(user = %uaname, "bind refused: {e}");
            return Err(fail(
                BindProblem::AUTHENTICATION_ERROR,
                "authentication-error",
            ));
        }
        Err(e) => {
            tracing::warn!(user = %uaname, "bind refused, directory unreachable: {e}");
            audit::bind(&uaname, &server_dn, "directory-unavailable", context);
            return Err(bind_error_with(
                edition,
                BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION,
                "the message store's user directory is unavailable; try again later",
            ));
        }
    };
    let mailbox_id = user
        .mailbox
        .clone()
        .unwrap_or_else(|| MailboxName::from(&user.or_address).id());
    let r = result(cx, edition, &a);
    let ber = Bytes::from(
        x::encode(&r).map_err(|_| fail(BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION, "encode"))?,
    );
    audit::bind(&user.or_address.to_string(), &server_dn, "ok", context);
    Ok((
        Session {
            edition,
            uaname: user.or_address.to_string(),
            user,
            mailbox_id,
            restrictions: a.fetch_restrictions.clone(),
            limits: cx.limits,
        },
        ber,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::p7::attrs::tlv;

    fn atv(arcs: &[u8], v: &str) -> Vec<u8> {
        let mut b = tlv(0x06, arcs);
        b.extend(tlv(0x13, v.as_bytes()));
        tlv(0x31, &tlv(0x30, &b))
    }

    #[test]
    fn directory_names_read_as_ldap_strings() {
        // o=Example, then cn=Bob: the string puts the most specific RDN first.
        let mut rdns = atv(&[0x55, 0x04, 0x0a], "Example");
        rdns.extend(atv(&[0x55, 0x04, 0x03], "Bob"));
        assert_eq!(dn_text(&tlv(0x30, &rdns)).unwrap(), "cn=Bob,o=Example");
        // Unknown attribute types and garbage are refused, not guessed.
        assert!(dn_text(&tlv(0x30, &atv(&[0x55, 0x04, 0x63], "x"))).is_none());
        assert!(dn_text(&[0x30, 0x03, 0x31]).is_none());
    }
}
