//! Temporary stand-in for `crate::address::ORAddress` (X.411 §18) until the `address` branch
//! lands; same surface (`FromStr`, `Display`, `canonical`, `matches`). Deleted on merge.

use std::fmt;
use std::str::FromStr;

/// An O/R address in the semicolon text form (stand-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ORAddress {
    text: String,
}

/// Why a text O/R address was refused (stand-in).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AddressError(String);

impl FromStr for ORAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = Vec::new();
        for part in s.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((k, v)) = part.split_once('=') else {
                return Err(AddressError(format!("component `{part}` has no `=`")));
            };
            if k.trim().is_empty() {
                return Err(AddressError(format!("component `{part}` has no type")));
            }
            parts.push(format!("{}={}", k.trim(), v.trim()));
        }
        if parts.is_empty() {
            return Err(AddressError("empty O/R address".into()));
        }
        Ok(ORAddress {
            text: parts.join(";"),
        })
    }
}

impl fmt::Display for ORAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl ORAddress {
    /// The matching key.
    pub fn canonical(&self) -> String {
        self.text.to_ascii_uppercase()
    }
    /// Same address under the comparison rules.
    pub fn matches(&self, other: &ORAddress) -> bool {
        self.canonical() == other.canonical()
    }
}
