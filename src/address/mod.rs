//! X.411 §18 O/R names and O/R addresses: the value type, its BER form (X.411 IMPLICIT TAGS,
//! see `schema/x411-orname.asn`), the operators' text forms and the matching key.
//!
//! Text forms. The semicolon form is what operators type and what [`fmt::Display`] prints:
//! `C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA`. Keys (case-insensitive): `C`, `A`,
//! `P`, `O`, `OU1`..`OU4`, `S`, `G`, `I`, `Q`, `CN`, `X121` (network-address), `T`
//! (terminal-identifier), `N` or `UA-ID` (numeric-user-identifier), `DDA:type=value`; the teletex
//! forms `TT-O`, `TT-OU1`..`TT-OU4`, `TT-S`, `TT-G`, `TT-I`, `TT-Q`, `TT-CN`, `TT-DDA:type=value`;
//! and `EXTn=hex` for any other extension attribute (n = its type, hex = the BER of its
//! value). Values: `\xHH` stands for the character U+00HH (Display writes it for `;`, `\`,
//! `"`, `#`, characters outside printable ASCII or outside the component's string type, and
//! spaces at either end; typed literally such characters are refused); `""` is the empty
//! value; an ADMD written blank (`A= `) is the single-space ADMD. For C/A/P a value of digits
//! (and spaces) is the NumericString alternative; `#` in front forces NumericString.
//! The slash form tshark prints, `/C=gb/A= /P=smhs/O=percival/S=gal/`, is read too (`OU=`
//! may repeat there, and `DD.type=value` is a domain-defined attribute).

mod ber;
mod text;

use std::fmt;
use std::str::FromStr;

use rasn::types::{Constraints, Identifier, Tag};

/// Upper bounds (X.411 MTSUpperBounds) and the character sets of the string types.
pub mod limits {
    /// ub-country-name-alpha-length.
    pub const COUNTRY_ALPHA: usize = 2;
    /// ub-country-name-numeric-length.
    pub const COUNTRY_NUMERIC: usize = 3;
    /// ub-domain-name-length (ADMD, PRMD).
    pub const DOMAIN_NAME: usize = 16;
    /// ub-x121-address-length.
    pub const X121_ADDRESS: usize = 16;
    /// ub-terminal-id-length.
    pub const TERMINAL_ID: usize = 24;
    /// ub-organization-name-length.
    pub const ORGANIZATION_NAME: usize = 64;
    /// ub-numeric-user-id-length.
    pub const NUMERIC_USER_ID: usize = 32;
    /// ub-surname-length.
    pub const SURNAME: usize = 40;
    /// ub-given-name-length.
    pub const GIVEN_NAME: usize = 16;
    /// ub-initials-length.
    pub const INITIALS: usize = 5;
    /// ub-generation-qualifier-length.
    pub const GENERATION_QUALIFIER: usize = 3;
    /// ub-organizational-unit-name-length.
    pub const OU_NAME: usize = 32;
    /// ub-organizational-units.
    pub const ORGANIZATIONAL_UNITS: usize = 4;
    /// ub-domain-defined-attributes.
    pub const DOMAIN_DEFINED_ATTRIBUTES: usize = 4;
    /// ub-domain-defined-attribute-type-length.
    pub const DDA_TYPE: usize = 8;
    /// ub-domain-defined-attribute-value-length.
    pub const DDA_VALUE: usize = 128;
    /// ub-common-name-length.
    pub const COMMON_NAME: usize = 64;
    /// ub-extension-attributes (also the largest extension-attribute-type).
    pub const EXTENSION_ATTRIBUTES: usize = 256;

    /// The string type a component is carried in.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Kind {
        /// NumericString: digits and space.
        Numeric,
        /// PrintableString: `A-Z a-z 0-9 space ' ( ) + , - . / : = ?`.
        Printable,
        /// TeletexString (T.61): any octet.
        Teletex,
    }

    impl Kind {
        /// Whether octet `b` may appear in a string of this kind.
        pub fn allows(self, b: u8) -> bool {
            match self {
                Kind::Numeric => b.is_ascii_digit() || b == b' ',
                Kind::Printable => {
                    b.is_ascii_alphanumeric()
                        || matches!(
                            b,
                            b' ' | b'\''
                                | b'('
                                | b')'
                                | b'+'
                                | b','
                                | b'-'
                                | b'.'
                                | b'/'
                                | b':'
                                | b'='
                                | b'?'
                        )
                }
                Kind::Teletex => true,
            }
        }
    }
}

/// `CountryName ::= [APPLICATION 1] CHOICE { x121-dcc-code NumericString (SIZE 3),
/// iso-3166-alpha2-code PrintableString (SIZE 2) }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CountryName {
    /// X.121 data country code, three digits.
    X121DccCode(String),
    /// ISO 3166 alpha-2 code, e.g. `XX` (the AMHS convention) or `GB`.
    Iso3166Alpha2(String),
}

impl CountryName {
    /// The code as written.
    pub fn as_str(&self) -> &str {
        match self {
            CountryName::X121DccCode(s) | CountryName::Iso3166Alpha2(s) => s,
        }
    }
}

/// The `CHOICE { numeric NumericString, printable PrintableString }` of
/// AdministrationDomainName and PrivateDomainName.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DomainName {
    /// NumericString alternative.
    Numeric(String),
    /// PrintableString alternative.
    Printable(String),
}

impl DomainName {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        match self {
            DomainName::Numeric(s) | DomainName::Printable(s) => s,
        }
    }
}

/// `PersonalName` (built-in, PrintableString) or `TeletexPersonalName` (extension type 4,
/// each character one T.61 octet): a SET of `[0]` surname .. `[3]` generation-qualifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonalName {
    /// `S`, required.
    pub surname: String,
    /// `G`.
    pub given_name: Option<String>,
    /// `I`.
    pub initials: Option<String>,
    /// `Q`.
    pub generation_qualifier: Option<String>,
}

/// One domain-defined attribute `SEQUENCE { type, value }` (built-in: PrintableString;
/// teletex, extension type 6: TeletexString).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainDefinedAttribute {
    /// The attribute's type, e.g. `RFC-822`.
    pub attr_type: String,
    /// Its value.
    pub value: String,
}

/// An extension attribute this type does not model field by field: the
/// extension-attribute-type and the BER (one complete TLV) of the value inside `[1]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtensionAttribute {
    /// extension-attribute-type (0..=256), e.g. 9 postal-code.
    pub attr_type: u32,
    /// The value's BER, kept as received so it is sent on unchanged.
    pub value: Vec<u8>,
}

/// An O/R address (X.411 §18.5): the built-in standard attributes, built-in domain-defined
/// attributes and extension attributes. Strings hold one character per octet of the encoding
/// (U+0000..U+00FF), so every decoded value re-encodes to the same octets.
///
/// Extension attributes are encoded in type order (common-name 1, teletex forms 2..6, then
/// [`ORAddress::other_extensions`] in their order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ORAddress {
    /// `C`: country-name.
    pub country: Option<CountryName>,
    /// `A`: administration-domain-name; a single space is the "any ADMD" value.
    pub admd: Option<DomainName>,
    /// `X121`: network-address `[0]` (NumericString, X.121 address).
    pub network_address: Option<String>,
    /// `T`: terminal-identifier `[1]`.
    pub terminal_identifier: Option<String>,
    /// `P`: private-domain-name `[2]`.
    pub prmd: Option<DomainName>,
    /// `O`: organization-name `[3]`.
    pub organization: Option<String>,
    /// `UA-ID` / `N`: numeric-user-identifier `[4]`.
    pub numeric_user_identifier: Option<String>,
    /// `S`, `G`, `I`, `Q`: personal-name `[5]`.
    pub personal_name: Option<PersonalName>,
    /// `OU1`..`OU4`: organizational-unit-names `[6]`, in order (at most 4).
    pub organizational_units: Vec<String>,
    /// `DDA:type=value`: built-in domain-defined attributes (at most 4).
    pub domain_defined: Vec<DomainDefinedAttribute>,
    /// `CN`: common-name, extension attribute 1.
    pub common_name: Option<String>,
    /// `TT-CN`: teletex-common-name, extension attribute 2.
    pub teletex_common_name: Option<String>,
    /// `TT-O`: teletex-organization-name, extension attribute 3.
    pub teletex_organization: Option<String>,
    /// `TT-S`, `TT-G`, `TT-I`, `TT-Q`: teletex-personal-name, extension attribute 4.
    pub teletex_personal_name: Option<PersonalName>,
    /// `TT-OU1`..`TT-OU4`: teletex-organizational-unit-names, extension attribute 5.
    pub teletex_organizational_units: Vec<String>,
    /// `TT-DDA:type=value`: teletex-domain-defined-attributes, extension attribute 6.
    pub teletex_domain_defined: Vec<DomainDefinedAttribute>,
    /// `EXTn=hex`: every other extension attribute, kept raw so it round-trips.
    pub other_extensions: Vec<ExtensionAttribute>,
}

/// `ORName ::= [APPLICATION 0] SEQUENCE { COMPONENTS OF ORAddress, directory-name [0] Name
/// OPTIONAL }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ORName {
    /// The O/R address part.
    pub address: ORAddress,
    /// The BER (one TLV) of the X.501 Name inside `[0]`, kept opaque.
    pub directory_name: Option<Vec<u8>>,
}

/// Why an O/R address could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The text form is wrong; `component` names the offending key (or the text given).
    #[error("component `{component}` {problem}")]
    Text {
        /// The component as the operator wrote its key (e.g. `Q`, `OU2`).
        component: String,
        /// What is wrong with it, e.g. "has no value".
        problem: String,
    },
    /// The text names no component at all.
    #[error("empty O/R address")]
    Empty,
    /// The BER is malformed or violates X.411.
    #[error("malformed O/R address BER in {context}: {problem}")]
    Ber {
        /// The ASN.1 component being decoded.
        context: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl ORAddress {
    /// The matching key (X.411 §18 comparison rules): two addresses match iff their keys are
    /// equal. Case is ignored, leading, trailing and repeated spaces are insignificant, an
    /// ADMD of spaces only is the single-space "any ADMD" value, and a NumericString and a
    /// PrintableString alternative with the same digits are the same name. The key is itself
    /// a valid semicolon text form.
    pub fn canonical(&self) -> String {
        text::normalized(self).to_string()
    }

    /// Whether the address is semantically absent (X.411 §18: no standard attribute, no
    /// domain-defined attribute, no extension attribute), as in an ORName that carries only
    /// a directory name. Its text form is empty, which [`FromStr`] refuses.
    pub fn is_empty(&self) -> bool {
        *self == ORAddress::default()
    }

    /// Whether `self` and `other` denote the same O/R address (equal [`Self::canonical`]).
    pub fn matches(&self, other: &ORAddress) -> bool {
        self.canonical() == other.canonical()
    }

    /// The value with every string put in canonical form (see [`Self::canonical`]).
    pub fn normalized(&self) -> ORAddress {
        text::normalized(self)
    }

    /// BER of the ORAddress SEQUENCE (`30 …`).
    pub fn to_ber(&self) -> Vec<u8> {
        let mut contents = Vec::new();
        ber::encode_address_contents(self, &mut contents);
        let mut out = Vec::with_capacity(contents.len() + 4);
        ber::put(&mut out, ber::ORADDRESS_ID, &contents);
        out
    }

    /// Decodes exactly one ORAddress SEQUENCE; trailing octets are an error.
    pub fn from_ber(b: &[u8]) -> Result<Self, AddressError> {
        let contents = ber::whole(b, ber::ORADDRESS_ID, "ORAddress")?;
        Self::from_ber_contents(contents)
    }

    /// Decodes the contents octets of an ORAddress SEQUENCE, whatever its tag was.
    pub fn from_ber_contents(contents: &[u8]) -> Result<Self, AddressError> {
        Ok(ber::decode_contents(contents, false)?.address)
    }
}

impl ORName {
    /// An ORName with no directory name.
    pub fn new(address: ORAddress) -> Self {
        ORName {
            address,
            directory_name: None,
        }
    }

    /// BER of the ORName (`60 …`, [APPLICATION 0]).
    pub fn to_ber(&self) -> Vec<u8> {
        let mut contents = Vec::new();
        ber::encode_name_contents(self, &mut contents);
        let mut out = Vec::with_capacity(contents.len() + 4);
        ber::put(&mut out, ber::ORNAME_ID, &contents);
        out
    }

    /// Decodes exactly one ORName ([APPLICATION 0]); trailing octets are an error.
    pub fn from_ber(b: &[u8]) -> Result<Self, AddressError> {
        let contents = ber::whole(b, ber::ORNAME_ID, "ORName")?;
        Self::from_ber_contents(contents)
    }

    /// Decodes one ORName at the start of `b`; returns it and the number of octets it took.
    pub fn from_ber_prefix(b: &[u8]) -> Result<(Self, usize), AddressError> {
        let (contents, used) = ber::prefix(b, ber::ORNAME_ID, "ORName")?;
        Ok((Self::from_ber_contents(contents)?, used))
    }

    /// Decodes the contents octets of an ORName SEQUENCE, whatever its tag was (for
    /// implicitly re-tagged fields such as `[4] IMPLICIT ORName`).
    pub fn from_ber_contents(contents: &[u8]) -> Result<Self, AddressError> {
        ber::decode_contents(contents, true)
    }

    /// See [`ORAddress::canonical`]; the directory name takes no part in matching.
    pub fn canonical(&self) -> String {
        self.address.canonical()
    }
}

impl From<ORAddress> for ORName {
    fn from(address: ORAddress) -> Self {
        ORName::new(address)
    }
}

impl FromStr for ORAddress {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        text::parse(s)
    }
}

impl fmt::Display for ORAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        text::display(self, f)
    }
}

impl FromStr for ORName {
    type Err = AddressError;

    /// The address text form; the result has no directory name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ORName::new(text::parse(s)?))
    }
}

impl fmt::Display for ORName {
    /// The address text form (the directory name is not shown).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        text::display(&self.address, f)
    }
}

// ---------------------------------------------------------------------------------------------
// rasn integration, so X.411 / X.420 types can hold these as fields. The value is produced by
// the hand-written codec above and handed to the encoder as the contents of a constructed
// encoding under whatever tag the field uses: with the default tag that is the type's own
// (`30` / `60`), with `#[rasn(tag(context, 4))]` it is `a4`, i.e. IMPLICIT re-tagging as X.411
// requires. This relies on the BER family's open-type handling and is meant for BER only.

impl rasn::AsnType for ORAddress {
    const TAG: Tag = Tag::SEQUENCE;
}

impl rasn::AsnType for ORName {
    const TAG: Tag = Tag::new(rasn::types::Class::Application, 0);
}

fn encode_contents<'b, E: rasn::Encoder<'b>>(
    encoder: &mut E,
    tag: Tag,
    contents: Vec<u8>,
    identifier: Identifier,
) -> Result<(), E::Error> {
    encoder
        .encode_any(tag, &rasn::types::Any::new(contents), identifier)
        .map(|_| ())
}

fn decode_error<D: rasn::Decoder>(decoder: &D, e: AddressError) -> D::Error {
    D::Error::from(rasn::error::DecodeError::parser_fail(
        e.to_string(),
        decoder.codec(),
    ))
}

impl rasn::Encode for ORAddress {
    fn encode_with_tag_and_constraints<'b, E: rasn::Encoder<'b>>(
        &self,
        encoder: &mut E,
        tag: Tag,
        _constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        let mut contents = Vec::new();
        ber::encode_address_contents(self, &mut contents);
        encode_contents(encoder, tag, contents, identifier)
    }
}

impl rasn::Decode for ORAddress {
    fn decode_with_tag_and_constraints<D: rasn::Decoder>(
        decoder: &mut D,
        tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let any = decoder.decode_any(tag)?;
        ORAddress::from_ber_contents(any.as_bytes()).map_err(|e| decode_error(decoder, e))
    }
}

impl rasn::Encode for ORName {
    fn encode_with_tag_and_constraints<'b, E: rasn::Encoder<'b>>(
        &self,
        encoder: &mut E,
        tag: Tag,
        _constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        let mut contents = Vec::new();
        ber::encode_name_contents(self, &mut contents);
        encode_contents(encoder, tag, contents, identifier)
    }
}

impl rasn::Decode for ORName {
    fn decode_with_tag_and_constraints<D: rasn::Decoder>(
        decoder: &mut D,
        tag: Tag,
        _constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let any = decoder.decode_any(tag)?;
        ORName::from_ber_contents(any.as_bytes()).map_err(|e| decode_error(decoder, e))
    }
}

#[cfg(test)]
mod tests;
