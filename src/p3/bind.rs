//! X.411 §8.1.1 MTS-bind as the store answers it on mts-forced-access (X.419): the MTA names
//! itself with `initiator-name mTA [0]` and simple credentials, which the directory checks;
//! the store answers with `responder-name message-store [4]` (its O/R address) and its own
//! simple credentials, or with the mts-bind-error.

use bytes::Bytes;
use rasn::types::{Ia5String, OctetString};

use crate::asn1::x411::{
    self, Credentials, MTSBindArgument, MTSBindError, MTSBindResult, ObjectName, Password,
};
use crate::config::StoreIdentity;
use crate::directory::Directory;

/// A bind the directory accepted.
#[derive(Debug, Clone)]
pub struct Bound {
    /// The MTA's name (its initiator-name).
    pub mta: String,
    /// The MTSBindResult TLV to send.
    pub result: Bytes,
}

/// A bind the store refuses.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The MTA name given, when the argument carried one.
    pub mta: String,
    /// Why, for the audit record and the log (never sent: the wire says only the error).
    pub reason: String,
    /// The mts-bind-error parameter.
    pub error: MTSBindError,
}

impl Refused {
    /// The bind-error parameter TLV.
    pub fn error_ber(&self) -> Bytes {
        Bytes::from(x411::encode(&self.error).unwrap_or_else(|_| vec![0x02, 0x01, 0x02]))
    }
}

fn refuse(mta: &str, reason: impl Into<String>, error: MTSBindError) -> Refused {
    Refused {
        mta: mta.to_string(),
        reason: reason.into(),
        error,
    }
}

/// Checks an MTSBindArgument. Blocking (argon2, LDAP): call from `spawn_blocking`.
///
/// - not an MTSBindArgument, or the initiator is not an MTA (`mTA [0]`): authentication-error;
/// - strong or protected credentials: authentication-error (the store checks simple
///   passwords only);
/// - a security-context: unacceptable-security-context (the store enforces no labels);
/// - unknown MTA or wrong password: authentication-error (the log says which);
/// - directory unreachable: busy, so the MTA tries again later.
pub fn check(
    directory: &dyn Directory,
    identity: &StoreIdentity,
    argument: &[u8],
) -> Result<Bound, Refused> {
    let arg: MTSBindArgument = x411::decode(argument).map_err(|e| {
        refuse(
            "",
            format!("undecodable MTSBindArgument: {e}"),
            MTSBindError::AUTHENTICATION_ERROR,
        )
    })?;
    let name = match &arg.initiator_name {
        ObjectName::Mta(n) => String::from_utf8_lossy(n.as_iso646_bytes()).into_owned(),
        ObjectName::UserAgent(n) | ObjectName::MessageStore(n) => {
            return Err(refuse(
                &n.to_string(),
                "initiator is not an MTA",
                MTSBindError::AUTHENTICATION_ERROR,
            ));
        }
    };
    let password: Vec<u8> = match &arg.initiator_credentials {
        Credentials::Simple(Password::Ia5String(p)) => p.as_iso646_bytes().to_vec(),
        Credentials::Simple(Password::OctetString(p)) => p.to_vec(),
        Credentials::Strong(_) | Credentials::Protected(_) => {
            return Err(refuse(
                &name,
                "strong or protected credentials are not supported",
                MTSBindError::AUTHENTICATION_ERROR,
            ));
        }
    };
    if arg.security_context.is_some() {
        return Err(refuse(
            &name,
            "security-context requested",
            MTSBindError::UNACCEPTABLE_SECURITY_CONTEXT,
        ));
    }
    match directory.authenticate_mta(&name, &password) {
        Ok(mta) => Ok(Bound {
            result: bind_result(identity),
            mta: mta.name,
        }),
        Err(e) if e.is_authentication_failure() => Err(refuse(
            &name,
            e.to_string(),
            MTSBindError::AUTHENTICATION_ERROR,
        )),
        Err(e) => Err(refuse(&name, e.to_string(), MTSBindError::BUSY)),
    }
}

/// The MTSBindResult: `message-store [4]` with the store's O/R address and its responder
/// credentials (an empty simple password when none is configured: the field is mandatory).
pub fn bind_result(identity: &StoreIdentity) -> Bytes {
    let secret = identity
        .password
        .as_ref()
        .map(|s| s.expose().to_vec())
        .unwrap_or_default();
    // IA5 when the password is plain text (what MTAs compare), octets otherwise.
    let password = match Ia5String::from_iso646_bytes(&secret) {
        Ok(s) => Password::Ia5String(s),
        Err(_) => Password::OctetString(OctetString::from(secret)),
    };
    let result = MTSBindResult {
        responder_name: ObjectName::MessageStore(x411::ORName {
            address: identity.or_address.clone(),
            directory_name: None,
        }),
        messages_waiting: None,
        responder_credentials: Credentials::Simple(password),
        extensions: None,
    };
    // Encoding a value built from valid parts does not fail; an empty SET would still be
    // answered rather than leave the MTA waiting.
    Bytes::from(x411::encode(&result).unwrap_or_else(|_| vec![0x31, 0x00]))
}
