//! X.413 §8.1 MS-Bind: the UA's simple credentials checked by the directory, the store's
//! responder-credentials returned (Isode-style clients compare them), ms-configuration-request
//! answered, fetch-restrictions kept for the association; or the ms-bind-error.

use std::sync::Arc;

use bytes::Bytes;
use rasn::types::ObjectIdentifier;

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

fn password(c: &Credentials) -> Option<Vec<u8>> {
    match c {
        Credentials::Simple(Password::Ia5String(s)) => Some(s.to_string().into_bytes()),
        Credentials::Simple(Password::OctetString(o)) => Some(o.to_vec()),
        _ => None,
    }
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
    let uaname = a.initiator_name.address.to_string();
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
    let user = match directory.authenticate_user(address, None, &pw) {
        Ok(u) => u,
        Err(e) if e.is_authentication_failure() => {
            tracing::info!(user = %uaname, "bind refused: {e}");
            return Err(fail(
                BindProblem::AUTHENTICATION_ERROR,
                "authentication-error",
            ));
        }
        Err(e) => {
            tracing::warn!(user = %uaname, "bind refused, directory failed: {e}");
            return Err(fail(
                BindProblem::UNABLE_TO_ESTABLISH_ASSOCIATION,
                "directory-unavailable",
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
