//! X.413 (1999) §8.2.2.6 Alert (invoked by the MS): AlertArgument; AlertResult is NULL.

use rasn::prelude::*;

use super::attributes::EntryInformation;
use super::explicit::explicit_set;

explicit_set! {
    /// `AlertArgument ::= SET { alert-registration-identifier [0] INTEGER (1..ub-auto-actions),
    /// new-entry [2] EntryInformation OPTIONAL }`.
    pub struct AlertArgument {
        /// `alert-registration-identifier [0]`: the auto-alert registration that fired
        [0] req alert_registration_identifier: u32,
        /// `new-entry [2] EntryInformation OPTIONAL`: the requested attributes of the new entry
        [2] opt new_entry: Option<EntryInformation>,
    }
}

/// `AlertResult ::= NULL`.
pub type AlertResult = ();
