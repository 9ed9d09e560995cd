//! X.413 (1999) §8.2.2.5 Register-MS: Register-MSArgument and Register-MSResult, auto-action
//! registrations (with the auto-alert parameter of MSGeneralAutoActionTypes) and the 1994 UA
//! registrations, submission defaults and message groups.

use rasn::prelude::*;

use super::attributes::{
    AttributeType, AutoActionType, EntryClass, EntryInformationSelection, MSExtensions,
};
use super::bind::RegistrationIdentifier;
use super::explicit::{Set, explicit_set};
use super::selector::Filter;
use super::{X413Error, decode, encode};
use crate::asn1::oids::ID_ACT_AUTO_ALERT;
use crate::asn1::x411::{Credentials, SecurityLabel};

/// `AutoActionRegistration ::= SEQUENCE { auto-action-type AUTO-ACTION.&id,
/// registration-identifier [0] INTEGER (1..ub-per-auto-action) DEFAULT 1,
/// registration-parameter [1] AUTO-ACTION.&RegistrationParameter OPTIONAL }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AutoActionRegistration {
    /// `auto-action-type` (e.g. `id-act-auto-alert`)
    pub auto_action_type: AutoActionType,
    /// `registration-identifier [0] INTEGER DEFAULT 1`
    #[rasn(tag(explicit(context, 0)))]
    pub registration_identifier: Option<u32>,
    /// `registration-parameter [1]` (complete encoding; see [`AutoAlertRegistrationParameter`])
    #[rasn(tag(explicit(context, 1)))]
    pub registration_parameter: Option<Any>,
}

impl AutoActionRegistration {
    /// The registration identifier, 1 when absent (its DEFAULT).
    pub fn effective_registration_identifier(&self) -> u32 {
        self.registration_identifier.unwrap_or(1)
    }

    /// An `id-act-auto-alert` registration with identifier `id` and `parameter`.
    pub fn auto_alert(
        id: u32,
        parameter: &AutoAlertRegistrationParameter,
    ) -> Result<Self, X413Error> {
        Ok(Self {
            auto_action_type: ID_ACT_AUTO_ALERT.to_owned(),
            registration_identifier: Some(id),
            registration_parameter: Some(Any::new(encode(parameter)?)),
        })
    }

    /// True for an `id-act-auto-alert` registration.
    pub fn is_auto_alert(&self) -> bool {
        self.auto_action_type.as_ref() == ID_ACT_AUTO_ALERT
    }

    /// The auto-alert parameter of an `id-act-auto-alert` registration: `None` for other
    /// auto-actions; an absent parameter reads as the empty SET (alert on every new entry).
    pub fn auto_alert_parameter(
        &self,
    ) -> Option<Result<AutoAlertRegistrationParameter, X413Error>> {
        if !self.is_auto_alert() {
            return None;
        }
        Some(match &self.registration_parameter {
            Some(p) => decode(p.as_bytes()),
            None => Ok(AutoAlertRegistrationParameter::default()),
        })
    }
}

/// `AutoActionDeregistration ::= SEQUENCE { auto-action-type AUTO-ACTION.&id,
/// registration-identifier [0] INTEGER DEFAULT 1 }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AutoActionDeregistration {
    /// `auto-action-type`
    pub auto_action_type: AutoActionType,
    /// `registration-identifier [0] INTEGER DEFAULT 1`
    #[rasn(tag(explicit(context, 0)))]
    pub registration_identifier: Option<u32>,
}

/// `AlertDestination ::= SEQUENCE { alert-address EXTERNAL, alert-qualifier OCTET STRING
/// OPTIONAL }` (the EXTERNAL is kept as its complete encoding).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlertDestination {
    /// `alert-address EXTERNAL` (`28 …`, complete encoding)
    pub alert_address: Any,
    /// `alert-qualifier OCTET STRING OPTIONAL`
    pub alert_qualifier: Option<OctetString>,
}

explicit_set! {
    /// `AutoAlertRegistrationParameter ::= SET { filter [0] Filter OPTIONAL,
    /// alert-destinations [1] SEQUENCE OF AlertDestination OPTIONAL, requested-attributes [2]
    /// EntryInformationSelection OPTIONAL, suppress-alert-destinations [3] BOOLEAN DEFAULT
    /// TRUE }` (MSGeneralAutoActionTypes, the parameter of `id-act-auto-alert`).
    #[derive(Default)]
    pub struct AutoAlertRegistrationParameter {
        /// `filter [0] Filter OPTIONAL`: which new entries alert
        [0] opt filter: Option<Filter>,
        /// `alert-destinations [1] SEQUENCE OF AlertDestination OPTIONAL`
        [1] opt alert_destinations: Option<Vec<AlertDestination>>,
        /// `requested-attributes [2] EntryInformationSelection OPTIONAL`
        [2] opt requested_attributes: Option<EntryInformationSelection>,
        /// `suppress-alert-destinations [3] BOOLEAN DEFAULT TRUE` (1994)
        [3] opt suppress_alert_destinations: Option<bool>,
    }
}

/// The `change-credentials [4] SEQUENCE { old-credentials [0] Credentials, new-credentials [1]
/// Credentials }` of Register-MSArgument (simple credentials only).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChangeCredentials {
    /// `old-credentials [0]`
    #[rasn(tag(explicit(context, 0)))]
    pub old_credentials: Credentials,
    /// `new-credentials [1]`
    #[rasn(tag(explicit(context, 1)))]
    pub new_credentials: Credentials,
}

/// `GroupNamePart ::= GeneralString`; `MessageGroupName ::= SEQUENCE SIZE (1..ub-group-depth)
/// OF GroupNamePart`.
pub type MessageGroupName = Vec<GeneralString>;

explicit_set! {
    /// `MSSubmissionOptions ::= SET { object-entry-class [0] EntryClass OPTIONAL,
    /// disable-auto-modify [1] BOOLEAN DEFAULT FALSE, add-message-group-names [2] SET OF
    /// MessageGroupName OPTIONAL, ms-submission-extensions [3] MSExtensions OPTIONAL }` (1994).
    pub struct MSSubmissionOptions {
        /// `object-entry-class [0] EntryClass (submission | submission-log | draft) OPTIONAL`
        [0] opt object_entry_class: Option<EntryClass>,
        /// `disable-auto-modify [1] BOOLEAN DEFAULT FALSE`
        [1] opt disable_auto_modify: Option<bool>,
        /// `add-message-group-names [2] SET OF MessageGroupName OPTIONAL`
        [2] opt add_message_group_names: Option<Set<MessageGroupName>>,
        /// `ms-submission-extensions [3] MSExtensions OPTIONAL`
        [3] opt ms_submission_extensions: Option<MSExtensions>,
    }
}

explicit_set! {
    /// `UARegistration ::= SET { ua-registration-identifier [0] RegistrationIdentifier,
    /// ua-list-attribute-defaults [1], ua-fetch-attribute-defaults [2], ua-submission-defaults
    /// [3] MSSubmissionOptions, content-specific-defaults [4] MSExtensions }` (1994).
    pub struct UARegistration {
        /// `ua-registration-identifier [0] RegistrationIdentifier`
        [0] req ua_registration_identifier: RegistrationIdentifier,
        /// `ua-list-attribute-defaults [1] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [1] opt ua_list_attribute_defaults: Option<Set<AttributeType>>,
        /// `ua-fetch-attribute-defaults [2] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [2] opt ua_fetch_attribute_defaults: Option<Set<AttributeType>>,
        /// `ua-submission-defaults [3] MSSubmissionOptions OPTIONAL`
        [3] opt ua_submission_defaults: Option<MSSubmissionOptions>,
        /// `content-specific-defaults [4] MSExtensions OPTIONAL`
        [4] opt content_specific_defaults: Option<MSExtensions>,
    }
}

explicit_set! {
    /// `MessageGroupNameAndDescriptor ::= SET { message-group-name [0] MessageGroupName,
    /// message-group-descriptor [1] GeneralString OPTIONAL }` (1994).
    pub struct MessageGroupNameAndDescriptor {
        /// `message-group-name [0]`
        [0] req message_group_name: MessageGroupName,
        /// `message-group-descriptor [1] GeneralString OPTIONAL`
        [1] opt message_group_descriptor: Option<GeneralString>,
    }
}

/// One element of `MessageGroupRegistrations ::= SEQUENCE OF CHOICE { register-group [0],
/// deregister-group [1], change-descriptors [2] }` (1994).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum MessageGroupRegistration {
    /// `register-group [0] MessageGroupNameAndDescriptor`
    #[rasn(tag(explicit(context, 0)))]
    RegisterGroup(MessageGroupNameAndDescriptor),
    /// `deregister-group [1] MessageGroupName`
    #[rasn(tag(explicit(context, 1)))]
    DeregisterGroup(MessageGroupName),
    /// `change-descriptors [2] MessageGroupNameAndDescriptor`
    #[rasn(tag(explicit(context, 2)))]
    ChangeDescriptors(MessageGroupNameAndDescriptor),
}

explicit_set! {
    /// `MessageGroupsRestriction ::= SET { parent-group [0] MessageGroupName OPTIONAL,
    /// immediate-descendants-only [1] BOOLEAN DEFAULT TRUE, omit-descriptors [2] BOOLEAN
    /// DEFAULT TRUE }` (1994).
    pub struct MessageGroupsRestriction {
        /// `parent-group [0]`
        [0] opt parent_group: Option<MessageGroupName>,
        /// `immediate-descendants-only [1] BOOLEAN DEFAULT TRUE`
        [1] opt immediate_descendants_only: Option<bool>,
        /// `omit-descriptors [2] BOOLEAN DEFAULT TRUE`
        [2] opt omit_descriptors: Option<bool>,
    }
}

explicit_set! {
    /// `RegistrationTypes ::= SET { registrations [0] BIT STRING { auto-action-registrations(0),
    /// list-attribute-defaults(1), fetch-attribute-defaults(2), ua-registrations(3),
    /// submission-defaults(4), message-group-registrations(5) } OPTIONAL,
    /// extended-registrations [1] SET OF MS-EXTENSION.&id OPTIONAL, restrict-message-groups [2]
    /// MessageGroupsRestriction OPTIONAL }` (1994).
    pub struct RegistrationTypes {
        /// `registrations [0] BIT STRING OPTIONAL`
        [0] opt registrations: Option<BitString>,
        /// `extended-registrations [1] SET OF OBJECT IDENTIFIER OPTIONAL`
        [1] opt extended_registrations: Option<Set<ObjectIdentifier>>,
        /// `restrict-message-groups [2] MessageGroupsRestriction OPTIONAL`
        [2] opt restrict_message_groups: Option<MessageGroupsRestriction>,
    }
}

explicit_set! {
    /// `Register-MSArgument ::= SET { auto-action-registrations [0], auto-action-deregistrations
    /// [1], list-attribute-defaults [2], fetch-attribute-defaults [3], change-credentials [4],
    /// user-security-labels [5], ua-registrations [6], submission-defaults [7],
    /// message-group-registrations [8], registration-status-request [9],
    /// register-ms-extensions [10] }` — all OPTIONAL; `[6]` and above are 1994 additions.
    #[derive(Default)]
    pub struct RegisterMSArgument {
        /// `auto-action-registrations [0] SET OF AutoActionRegistration OPTIONAL`
        [0] opt auto_action_registrations: Option<Set<AutoActionRegistration>>,
        /// `auto-action-deregistrations [1] SET OF AutoActionDeregistration OPTIONAL`
        [1] opt auto_action_deregistrations: Option<Set<AutoActionDeregistration>>,
        /// `list-attribute-defaults [2] SET SIZE (0..ub-default-registrations) OF
        /// X413ATTRIBUTE.&id OPTIONAL`
        [2] opt list_attribute_defaults: Option<Set<AttributeType>>,
        /// `fetch-attribute-defaults [3] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [3] opt fetch_attribute_defaults: Option<Set<AttributeType>>,
        /// `change-credentials [4] SEQUENCE { old-credentials [0], new-credentials [1] }`
        [4] opt change_credentials: Option<ChangeCredentials>,
        /// `user-security-labels [5] SET OF SecurityLabel OPTIONAL`
        [5] opt user_security_labels: Option<Set<SecurityLabel>>,
        /// `ua-registrations [6] SET OF UARegistration OPTIONAL` (1994)
        [6] opt ua_registrations: Option<Set<UARegistration>>,
        /// `submission-defaults [7] MSSubmissionOptions OPTIONAL` (1994)
        [7] opt submission_defaults: Option<MSSubmissionOptions>,
        /// `message-group-registrations [8] MessageGroupRegistrations OPTIONAL` (1994)
        [8] opt message_group_registrations: Option<Vec<MessageGroupRegistration>>,
        /// `registration-status-request [9] RegistrationTypes OPTIONAL` (1994)
        [9] opt registration_status_request: Option<RegistrationTypes>,
        /// `register-ms-extensions [10] MSExtensions OPTIONAL` (1994)
        [10] opt register_ms_extensions: Option<MSExtensions>,
    }
}

explicit_set! {
    /// The `registered-information` SET of Register-MSResult (1994).
    pub struct RegisteredInformation {
        /// `auto-action-registrations [0] SET OF AutoActionRegistration OPTIONAL`
        [0] opt auto_action_registrations: Option<Set<AutoActionRegistration>>,
        /// `list-attribute-defaults [1] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [1] opt list_attribute_defaults: Option<Set<AttributeType>>,
        /// `fetch-attribute-defaults [2] SET OF X413ATTRIBUTE.&id OPTIONAL`
        [2] opt fetch_attribute_defaults: Option<Set<AttributeType>>,
        /// `ua-registrations [3] SET OF UARegistration OPTIONAL`
        [3] opt ua_registrations: Option<Set<UARegistration>>,
        /// `submission-defaults [4] MSSubmissionOptions OPTIONAL`
        [4] opt submission_defaults: Option<MSSubmissionOptions>,
        /// `message-group-registrations [5] SET OF MessageGroupNameAndDescriptor OPTIONAL`
        [5] opt message_group_registrations: Option<Set<MessageGroupNameAndDescriptor>>,
        /// `register-ms-result-extensions [6] MSExtensions OPTIONAL`
        [6] opt register_ms_result_extensions: Option<MSExtensions>,
    }
}

/// `Register-MSResult ::= CHOICE { no-status-information NULL, registered-information SET
/// {...} }`; a 1988 store answers NULL.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(choice)]
pub enum RegisterMSResult {
    /// `no-status-information NULL`
    NoStatusInformation(()),
    /// `registered-information SET {...}` (1994)
    RegisteredInformation(RegisteredInformation),
}
