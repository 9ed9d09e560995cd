//! X.411 §18 O/R names as X.411 uses them: `ORAddressAndOrDirectoryName ::= ORName`.
//!
//! TEMPORARY stand-in until `mstore::address` lands; replaced by a re-export.

use rasn::prelude::*;

/// `CountryName ::= [APPLICATION 1] CHOICE {...}` (stand-in).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum StubCountry {
    /// x121-dcc-code
    Numeric(NumericString),
    /// iso-3166-alpha2-code
    Printable(PrintableString),
}

/// Stand-in for BuiltInStandardAttributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct StubAttributes {
    /// country-name
    #[rasn(tag(explicit(application, 1)))]
    pub country_name: Option<StubCountry>,
    /// organization-name [3]
    #[rasn(tag(context, 3))]
    pub organization_name: Option<PrintableString>,
}

/// Stand-in for `ORName ::= [APPLICATION 0] SEQUENCE {...}`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(tag(application, 0))]
pub struct ORName {
    /// built-in-standard-attributes
    pub built_in_standard_attributes: StubAttributes,
}

/// Stand-in for ORAddress.
pub type ORAddress = StubAttributes;
