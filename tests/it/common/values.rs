//! Small constructors for test values (X.411 / X.413 string and name types).

use std::str::FromStr;

use mstore::address::{ORAddress, ORName};
use rasn::types::{Ia5String, PrintableString};

pub fn name(s: &str) -> ORName {
    ORName::from_str(s).unwrap()
}

pub fn ia5(s: &str) -> Ia5String {
    Ia5String::from_iso646_bytes(s.as_bytes()).unwrap()
}

pub fn printable(s: &str) -> PrintableString {
    PrintableString::from_bytes(s.as_bytes()).unwrap()
}

pub fn addr(s: &str) -> ORAddress {
    s.parse().unwrap()
}
