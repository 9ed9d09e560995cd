//! X.413 §8.2.2.5 Register-MS: auto-alert registration and deregistration, list- and
//! fetch-attribute defaults, and (1994) the registration-status request, kept as user state
//! by [`crate::p7::alerts::Alerts`]; change-credentials through the directory. User security
//! labels are refused with security-error (the store enforces no security policy); UA
//! registrations, submission defaults and message groups are not offered yet.

use rasn::types::ObjectIdentifier;

use super::bind::password;
use super::{decode_arg, encode, service};
use crate::asn1::oids::ID_ACT_AUTO_ALERT;
use crate::asn1::x411::{SecurityProblem, err};
use crate::asn1::x413::{self as x, P7Error};
use crate::directory::{Directory, DirectoryError};
use crate::p7::alerts::{self, Alerts, StoredAlert, UserState};
use crate::p7::{Edition, OpOutcome, Session};

/// Runs Register-MS. Blocking (writes the user state; the directory may be LDAP).
pub fn run(s: &Session, reg: &Alerts, directory: &dyn Directory, arg: Option<&[u8]>) -> OpOutcome {
    let Some(a) = decode_arg::<x::RegisterMSArgument>(arg) else {
        return OpOutcome::Mistyped;
    };
    if let Some(cc) = &a.change_credentials
        && let Err(o) = change_credentials(s, directory, cc)
    {
        return o;
    }
    register(s, reg, &a).into()
}

/// change-credentials (X.413 §8.2.2.5 with the X.411 errors): the old password checked
/// against the directory, then the directory replaces it.
fn change_credentials(
    s: &Session,
    directory: &dyn Directory,
    cc: &x::ChangeCredentials,
) -> Result<(), OpOutcome> {
    let refuse = |code: i64, why: &str| {
        s.audit(
            "CHANGE-CREDENTIALS",
            &format!("result=error reason={}", crate::p7::audit::quote(why)),
        );
        OpOutcome::X411Error(code)
    };
    let Some(old) = password(&cc.old_credentials) else {
        return Err(refuse(
            err::OLD_CREDENTIALS_INCORRECTLY_SPECIFIED,
            "not-simple",
        ));
    };
    let Some(new) = password(&cc.new_credentials) else {
        return Err(refuse(err::NEW_CREDENTIALS_UNACCEPTABLE, "not-simple"));
    };
    match directory.authenticate_user(Some(&s.user.or_address), None, &old) {
        Ok(_) => {}
        Err(e) if e.is_authentication_failure() => {
            return Err(refuse(
                err::OLD_CREDENTIALS_INCORRECTLY_SPECIFIED,
                "old-password",
            ));
        }
        Err(e) => {
            tracing::warn!(user = %s.uaname, "change-credentials: directory failed: {e}");
            s.audit(
                "CHANGE-CREDENTIALS",
                "result=error reason=directory-unavailable",
            );
            return Err(OpOutcome::Error(service(x::ServiceProblem::UNAVAILABLE)));
        }
    }
    match directory.change_credentials(&s.user, &old, &new) {
        Ok(()) => {
            s.audit("CHANGE-CREDENTIALS", "result=ok");
            Ok(())
        }
        Err(DirectoryError::BadPassword(_)) => Err(refuse(
            err::OLD_CREDENTIALS_INCORRECTLY_SPECIFIED,
            "old-password",
        )),
        Err(DirectoryError::Invalid(why)) => Err(refuse(err::NEW_CREDENTIALS_UNACCEPTABLE, &why)),
        Err(DirectoryError::Unsupported(why)) => {
            s.audit(
                "CHANGE-CREDENTIALS",
                &format!("result=error reason={}", crate::p7::audit::quote(&why)),
            );
            Err(OpOutcome::Error(service(
                x::ServiceProblem::UNWILLING_TO_PERFORM,
            )))
        }
        Err(e) => {
            tracing::warn!(user = %s.uaname, "change-credentials failed: {e}");
            s.audit("CHANGE-CREDENTIALS", "result=error reason=directory-failed");
            Err(OpOutcome::Error(service(x::ServiceProblem::UNAVAILABLE)))
        }
    }
}

fn not_supported(s: &Session, bit: usize) -> P7Error {
    match s.edition {
        Edition::V88 => service(x::ServiceProblem::UNWILLING_TO_PERFORM),
        Edition::V94 => {
            let mut bits = rasn::types::BitString::repeat(false, 6);
            bits.set(bit, true);
            P7Error::RegisterMs(x::RegisterMSErrorParameter {
                problem: x::RegistrationProblem::REGISTRATION_NOT_SUPPORTED,
                registration_type: x::RegistrationTypes {
                    registrations: Some(bits),
                    extended_registrations: None,
                    restrict_message_groups: None,
                },
            })
        }
    }
}

fn unavailable_action(t: &ObjectIdentifier) -> P7Error {
    P7Error::AutoActionRequest(x::AutoActionRequestErrorParameter {
        problems: x::Set(vec![x::AutoActionRequestProblemItem {
            problem: x::AutoActionRequestProblem::UNAVAILABLE_AUTO_ACTION_TYPE,
            r#type: t.clone(),
        }]),
    })
}

/// X.411 `SecurityProblem` forbidden-user-security-label-register (7).
const FORBIDDEN_USER_SECURITY_LABEL_REGISTER: SecurityProblem = SecurityProblem(7);

fn register(s: &Session, reg: &Alerts, a: &x::RegisterMSArgument) -> Result<bytes::Bytes, P7Error> {
    // The store runs no security policy, so it holds no user security labels. register-ms-error
    // cannot say so (RegistrationTypes has no bit for labels); X.413 lists security-error among
    // Register-MS's errors in both editions, and X.411 names this very problem. Nothing of
    // the request is applied.
    if a.user_security_labels.is_some() {
        s.audit(
            "REGISTER-MS",
            "result=error reason=forbidden-user-security-label-register",
        );
        return Err(P7Error::Security(FORBIDDEN_USER_SECURITY_LABEL_REGISTER));
    }
    if a.ua_registrations.is_some() {
        return Err(not_supported(s, 3));
    }
    if a.submission_defaults.is_some() {
        return Err(not_supported(s, 4));
    }
    if a.message_group_registrations.is_some() {
        return Err(not_supported(s, 5));
    }
    let fail = |e: alerts::StateError| {
        tracing::error!("{e}");
        service(x::ServiceProblem::UNAVAILABLE)
    };
    let mut st: UserState = reg.state(&s.mailbox_id).map_err(fail)?;
    let before = st.clone();
    let mut registered = Vec::new();
    let mut deregistered = Vec::new();
    if let Some(d) = &a.auto_action_deregistrations {
        for r in d.iter() {
            if r.auto_action_type.as_ref() != ID_ACT_AUTO_ALERT {
                return Err(unavailable_action(&r.auto_action_type));
            }
            let id = r.registration_identifier.unwrap_or(1);
            st.auto_alerts.retain(|x| x.id != id);
            deregistered.push(id);
        }
    }
    if let Some(r) = &a.auto_action_registrations {
        for r in r.iter() {
            let Some(p) = r.auto_alert_parameter() else {
                return Err(unavailable_action(&r.auto_action_type));
            };
            let p = p.map_err(|_| P7Error::InvalidParameters)?;
            if let Some(f) = &p.filter {
                if super::attrs::filter_items(f) > s.limits.max_filter_items as usize {
                    return Err(service(x::ServiceProblem::UNWILLING_TO_PERFORM));
                }
                super::attrs::filter_from_x413(f)?;
            }
            let id = r.effective_registration_identifier();
            let ber = x::encode(&p).map_err(|_| P7Error::InvalidParameters)?;
            st.auto_alerts.retain(|x| x.id != id);
            st.auto_alerts.push(StoredAlert {
                id,
                parameter: alerts::hex(&ber),
            });
            registered.push(id);
        }
        if st.auto_alerts.len() > alerts::MAX_REGISTRATIONS {
            return Err(match s.edition {
                Edition::V88 => service(x::ServiceProblem::UNWILLING_TO_PERFORM),
                Edition::V94 => {
                    let mut bits = rasn::types::BitString::repeat(false, 6);
                    bits.set(0, true);
                    P7Error::RegisterMs(x::RegisterMSErrorParameter {
                        problem: x::RegistrationProblem::REGISTRATION_LIMIT_EXCEEDED,
                        registration_type: x::RegistrationTypes {
                            registrations: Some(bits),
                            extended_registrations: None,
                            restrict_message_groups: None,
                        },
                    })
                }
            });
        }
    }
    st.auto_alerts.sort_by_key(|r| r.id);
    if let Some(l) = &a.list_attribute_defaults {
        st.list_attribute_defaults = l.iter().map(alerts::dotted).collect();
    }
    if let Some(l) = &a.fetch_attribute_defaults {
        st.fetch_attribute_defaults = l.iter().map(alerts::dotted).collect();
    }
    if st != before {
        reg.save(&s.mailbox_id, &st).map_err(fail)?;
    }
    let ids = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    s.audit(
        "REGISTER-MS",
        &format!(
            "registered={} deregistered={} registrations={}",
            ids(&registered),
            ids(&deregistered),
            st.auto_alerts.len()
        ),
    );
    match (s.edition, &a.registration_status_request) {
        (Edition::V94, Some(_)) => encode(&x::RegisterMSResult::RegisteredInformation(
            registered_information(&st),
        )),
        _ => encode(&x::RegisterMSResult::NoStatusInformation(())),
    }
}

fn oids(v: &[String]) -> Option<x::Set<ObjectIdentifier>> {
    (!v.is_empty()).then(|| x::Set(v.iter().filter_map(|o| alerts::undotted(o)).collect()))
}

fn registered_information(st: &UserState) -> x::RegisteredInformation {
    let regs: Vec<x::AutoActionRegistration> = st
        .auto_alerts
        .iter()
        .filter_map(|r| x::AutoActionRegistration::auto_alert(r.id, &r.parameter()?).ok())
        .collect();
    x::RegisteredInformation {
        auto_action_registrations: (!regs.is_empty()).then_some(x::Set(regs)),
        list_attribute_defaults: oids(&st.list_attribute_defaults),
        fetch_attribute_defaults: oids(&st.fetch_attribute_defaults),
        ua_registrations: None,
        submission_defaults: None,
        message_group_registrations: None,
        register_ms_result_extensions: None,
    }
}
