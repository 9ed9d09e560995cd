//! X.411 (1999) §9 and §12.2 common parameter types of MTSAbstractService (IMPLICIT TAGS):
//! MTS identifiers, content types, encoded information types, priority, extension fields and
//! security labels.

use rasn::error::DecodeError;
use rasn::prelude::*;
use rasn::types::Identifier;

use super::ber::{
    HandChoice, RawComponent, any_contents, app, choice_codec, ctx, fail, implicit, parse,
    set_decoder,
};

/// `Time ::= UTCTime`.
pub type Time = UtcTime;

/// `Content ::= OCTET STRING`: the content exactly as carried, never re-encoded.
pub type Content = OctetString;

/// `LocalIdentifier ::= IA5String (SIZE (1..ub-local-id-length))`.
pub type LocalIdentifier = Ia5String;

/// `MTAName ::= IA5String (SIZE (1..ub-mta-name-length))`.
pub type MTAName = Ia5String;

/// `ContentIdentifier ::= [APPLICATION 10] PrintableString`: the tag is written at each field.
pub type ContentIdentifier = PrintableString;

/// `CountryName ::= [APPLICATION 1] CHOICE {...}`; the `[APPLICATION 1]` tag is explicit (a tag
/// on a CHOICE) and is written at the field that uses it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum CountryName {
    /// `x121-dcc-code NumericString (SIZE (3))`
    X121DccCode(NumericString),
    /// `iso-3166-alpha2-code PrintableString (SIZE (2))`
    Iso3166Alpha2Code(PrintableString),
}

/// `AdministrationDomainName ::= [APPLICATION 2] CHOICE {...}` (tag written at the field).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum AdministrationDomainName {
    /// `numeric NumericString`
    Numeric(NumericString),
    /// `printable PrintableString`
    Printable(PrintableString),
}

/// `PrivateDomainIdentifier ::= CHOICE { numeric, printable }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum PrivateDomainIdentifier {
    /// `numeric NumericString`
    Numeric(NumericString),
    /// `printable PrintableString`
    Printable(PrintableString),
}

/// `GlobalDomainIdentifier ::= [APPLICATION 3] SEQUENCE {...}`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(tag(application, 3))]
pub struct GlobalDomainIdentifier {
    /// `country-name CountryName` (`[APPLICATION 1]`, explicit on the CHOICE)
    #[rasn(tag(explicit(application, 1)))]
    pub country_name: CountryName,
    /// `administration-domain-name AdministrationDomainName` (`[APPLICATION 2]`, explicit)
    #[rasn(tag(explicit(application, 2)))]
    pub administration_domain_name: AdministrationDomainName,
    /// `private-domain-identifier PrivateDomainIdentifier OPTIONAL`
    pub private_domain_identifier: Option<PrivateDomainIdentifier>,
}

/// `MTSIdentifier ::= [APPLICATION 4] SEQUENCE {...}`; also MessageDeliveryIdentifier,
/// MessageSubmissionIdentifier, ProbeSubmissionIdentifier, SubjectSubmissionIdentifier.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(tag(application, 4))]
pub struct MTSIdentifier {
    /// `global-domain-identifier GlobalDomainIdentifier`
    pub global_domain_identifier: GlobalDomainIdentifier,
    /// `local-identifier LocalIdentifier`
    pub local_identifier: LocalIdentifier,
}

/// `BuiltInContentType ::= [APPLICATION 6] INTEGER {...} (0..ub-built-in-content-type)`.
pub mod built_in_content_type {
    /// unidentified
    pub const UNIDENTIFIED: u16 = 0;
    /// external: identified by the object identifier of the EXTERNAL content
    pub const EXTERNAL: u16 = 1;
    /// interpersonal-messaging-1984 (P2 1984)
    pub const INTERPERSONAL_MESSAGING_1984: u16 = 2;
    /// interpersonal-messaging-1988 (P2 1988)
    pub const INTERPERSONAL_MESSAGING_1988: u16 = 22;
    /// edi-messaging
    pub const EDI_MESSAGING: u16 = 35;
    /// voice-messaging
    pub const VOICE_MESSAGING: u16 = 40;
}

const BUILT_IN_CONTENT_TYPE: Tag = app(6);

/// `ContentType ::= CHOICE { built-in BuiltInContentType, extended ExtendedContentType }`.
///
/// The 1999 module makes ExtendedContentType a RELATIVE-OID, but real products send a full
/// OBJECT IDENTIFIER (tag 06) — and so does tshark's dissector expect. We accept both and send
/// the full OID; a relative OID received is kept as [`ContentType::ExtendedRelative`] so it is
/// re-encoded as it came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// `built-in [APPLICATION 6] INTEGER` (see [`built_in_content_type`]).
    BuiltIn(u16),
    /// `extended OBJECT IDENTIFIER` (tag 06).
    Extended(ObjectIdentifier),
    /// `extended RELATIVE-OID` (tag 0d), as the 1999 module text has it: the arcs.
    ExtendedRelative(Vec<u32>),
}

impl ContentType {
    /// The tags a content type may arrive with (plain ContentType).
    pub(crate) fn is_content_type_tag(tag: Tag) -> bool {
        tag == BUILT_IN_CONTENT_TYPE || tag == Tag::OBJECT_IDENTIFIER || tag == Tag::RELATIVE_OID
    }

    /// Decodes a content type from one component; `built_in_tags` are accepted for the
    /// built-in alternative.
    pub(crate) fn from_component(
        c: &RawComponent,
        built_in_tags: &[Tag],
    ) -> Result<Self, DecodeError> {
        if built_in_tags.contains(&c.tag) {
            let tag = c.tag;
            let v = parse(c, |d| d.decode_integer::<u16>(tag, &Constraints::default()))?;
            Ok(Self::BuiltIn(v))
        } else if c.tag == Tag::OBJECT_IDENTIFIER {
            Ok(Self::Extended(parse(c, |d| {
                d.decode_object_identifier(Tag::OBJECT_IDENTIFIER)
            })?))
        } else if c.tag == Tag::RELATIVE_OID {
            let contents: Vec<u8> = parse(c, |d| {
                d.decode_octet_string::<Vec<u8>>(Tag::RELATIVE_OID, &Constraints::default())
            })?;
            Ok(Self::ExtendedRelative(relative_oid_arcs(&contents)?))
        } else {
            Err(fail("not a content type"))
        }
    }

    fn encode_as<'b, E: Encoder<'b>>(&self, e: &mut E, built_in_tag: Tag) -> Result<(), E::Error> {
        match self {
            Self::BuiltIn(v) => {
                e.encode_integer(built_in_tag, &Constraints::default(), v, Identifier::EMPTY)?;
            }
            Self::Extended(oid) => {
                e.encode_object_identifier(Tag::OBJECT_IDENTIFIER, oid, Identifier::EMPTY)?;
            }
            Self::ExtendedRelative(arcs) => {
                let contents = relative_oid_contents(arcs).ok_or_else(|| {
                    rasn::error::EncodeError::from_kind(
                        rasn::error::EncodeErrorKind::Custom {
                            msg: "empty relative OID".into(),
                        },
                        e.codec(),
                    )
                })?;
                e.encode_octet_string(
                    Tag::RELATIVE_OID,
                    &Constraints::default(),
                    &contents,
                    Identifier::EMPTY,
                )?;
            }
        }
        Ok(())
    }
}

/// Arcs of a RELATIVE-OID from its contents octets (X.690 §8.20).
fn relative_oid_arcs(contents: &[u8]) -> Result<Vec<u32>, DecodeError> {
    if contents.is_empty() {
        return Err(fail("empty RELATIVE-OID"));
    }
    let mut arcs = Vec::new();
    let mut value: u32 = 0;
    let mut pending = false;
    for &b in contents {
        if value > (u32::MAX >> 7) {
            return Err(fail("RELATIVE-OID arc too large"));
        }
        value = (value << 7) | u32::from(b & 0x7f);
        pending = b & 0x80 != 0;
        if !pending {
            arcs.push(value);
            value = 0;
        }
    }
    if pending {
        return Err(fail("truncated RELATIVE-OID arc"));
    }
    Ok(arcs)
}

/// Contents octets of a RELATIVE-OID; `None` for no arcs.
fn relative_oid_contents(arcs: &[u32]) -> Option<Vec<u8>> {
    if arcs.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for &arc in arcs {
        crate::asn1::ber::write_base128(&mut out, u64::from(arc));
    }
    Some(out)
}

impl HandChoice for ContentType {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        self.encode_as(e, BUILT_IN_CONTENT_TYPE)
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        Self::from_component(c, &[BUILT_IN_CONTENT_TYPE])
    }
}
choice_codec!(ContentType: BUILT_IN_CONTENT_TYPE, Tag::OBJECT_IDENTIFIER, Tag::RELATIVE_OID);

/// `DeliveredContentType ::= CHOICE { built-in [0] BuiltInContentType, extended
/// ExtendedContentType }` (1999). A 1988 MTA sends the plain ContentType here
/// (`[APPLICATION 6]`): both are accepted; `[0]` is sent, as the 1999 module (and tshark) has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveredContentType(pub ContentType);

const DELIVERED_BUILT_IN: Tag = ctx(0);

impl DeliveredContentType {
    pub(crate) fn is_tag(tag: Tag) -> bool {
        tag == DELIVERED_BUILT_IN || ContentType::is_content_type_tag(tag)
    }

    pub(crate) fn from_component(c: &RawComponent) -> Result<Self, DecodeError> {
        ContentType::from_component(c, &[DELIVERED_BUILT_IN, BUILT_IN_CONTENT_TYPE]).map(Self)
    }
}

impl HandChoice for DeliveredContentType {
    fn encode_choice<'b, E: Encoder<'b>>(&self, e: &mut E) -> Result<(), E::Error> {
        self.0.encode_as(e, DELIVERED_BUILT_IN)
    }

    fn decode_choice(c: &RawComponent) -> Result<Self, DecodeError> {
        Self::from_component(c)
    }
}
choice_codec!(DeliveredContentType: DELIVERED_BUILT_IN, Tag::OBJECT_IDENTIFIER, Tag::RELATIVE_OID);

/// `Priority ::= [APPLICATION 7] ENUMERATED { normal(0), non-urgent(1), urgent(2) }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated, tag(application, 7))]
pub enum Priority {
    /// normal (the DEFAULT where the field is absent)
    Normal = 0,
    /// non-urgent
    NonUrgent = 1,
    /// urgent
    Urgent = 2,
}

/// `BuiltInEncodedInformationTypes ::= BIT STRING { unknown(0), telex(1), ia5-text(2),
/// g3-facsimile(3), g4-class-1(4), teletex(5), videotex(6), voice(7), sfd(8), mixed-mode(9) }`.
pub type BuiltInEncodedInformationTypes = BitString;

/// `ExtendedEncodedInformationTypes ::= SET SIZE (1..ub-encoded-information-types) OF
/// ExtendedEncodedInformationType` (OBJECT IDENTIFIERs, in the order received).
pub type ExtendedEncodedInformationTypes = Vec<ObjectIdentifier>;

/// `EncodedInformationTypes ::= [APPLICATION 5] SET {...}` with the NonBasicParameters
/// components. Also OriginalEncodedInformationTypes and ConvertedEncodedInformationTypes.
#[derive(AsnType, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(set, tag(application, 5))]
pub struct EncodedInformationTypes {
    /// `built-in-encoded-information-types [0] BuiltInEncodedInformationTypes`
    #[rasn(tag(context, 0))]
    pub built_in_encoded_information_types: BuiltInEncodedInformationTypes,
    /// `g3-facsimile [1] G3FacsimileNonBasicParameters DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub g3_facsimile: Option<BitString>,
    /// `teletex [2] TeletexNonBasicParameters DEFAULT {}` (the SET's contents, kept opaque)
    #[rasn(tag(context, 2))]
    pub teletex: Option<Any>,
    /// `extended-encoded-information-types [4] ExtendedEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 4))]
    pub extended_encoded_information_types: Option<ExtendedEncodedInformationTypes>,
}

set_decoder!(EncodedInformationTypes {
    req built_in_encoded_information_types "built-in-eits": ctx(0) => implicit,
    opt g3_facsimile "g3-facsimile": ctx(1) => implicit,
    opt teletex "teletex": ctx(2) => any_contents,
    opt extended_encoded_information_types "extended-eits": ctx(4) => implicit,
});

/// `EncodedInformationTypesConstraints ::= SEQUENCE {...}` (1994 delivery controls).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct EncodedInformationTypesConstraints {
    /// `unacceptable-eits [0] ExtendedEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 0))]
    pub unacceptable_eits: Option<ExtendedEncodedInformationTypes>,
    /// `acceptable-eits [1] ExtendedEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 1))]
    pub acceptable_eits: Option<ExtendedEncodedInformationTypes>,
    /// `exclusively-acceptable-eits [2] ExtendedEncodedInformationTypes OPTIONAL`
    #[rasn(tag(context, 2))]
    pub exclusively_acceptable_eits: Option<ExtendedEncodedInformationTypes>,
}

/// `ExtensionType ::= CHOICE { standard-extension [0] INTEGER (0..ub-extension-types),
/// private-extension [3] OBJECT IDENTIFIER }`.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice)]
pub enum ExtensionType {
    /// `standard-extension [0] INTEGER` (see [`standard_extension`]).
    #[rasn(tag(context, 0))]
    StandardExtension(u16),
    /// `private-extension [3] OBJECT IDENTIFIER`
    #[rasn(tag(context, 3))]
    PrivateExtension(ObjectIdentifier),
}

/// Values of `standard-extension` (X.411 §9.2 and X.413 / X.420 for 36, 41, 43, 44).
pub mod standard_extension {
    /// recipient-reassignment-prohibited
    pub const RECIPIENT_REASSIGNMENT_PROHIBITED: u16 = 1;
    /// originator-requested-alternate-recipient
    pub const ORIGINATOR_REQUESTED_ALTERNATE_RECIPIENT: u16 = 2;
    /// dl-expansion-prohibited
    pub const DL_EXPANSION_PROHIBITED: u16 = 3;
    /// conversion-with-loss-prohibited
    pub const CONVERSION_WITH_LOSS_PROHIBITED: u16 = 4;
    /// latest-delivery-time
    pub const LATEST_DELIVERY_TIME: u16 = 5;
    /// requested-delivery-method
    pub const REQUESTED_DELIVERY_METHOD: u16 = 6;
    /// originator-return-address
    pub const ORIGINATOR_RETURN_ADDRESS: u16 = 13;
    /// originator-certificate
    pub const ORIGINATOR_CERTIFICATE: u16 = 15;
    /// message-token
    pub const MESSAGE_TOKEN: u16 = 16;
    /// content-integrity-check
    pub const CONTENT_INTEGRITY_CHECK: u16 = 18;
    /// message-origin-authentication-check
    pub const MESSAGE_ORIGIN_AUTHENTICATION_CHECK: u16 = 19;
    /// message-security-label (value: SecurityLabel)
    pub const MESSAGE_SECURITY_LABEL: u16 = 20;
    /// proof-of-submission-request
    pub const PROOF_OF_SUBMISSION_REQUEST: u16 = 21;
    /// proof-of-delivery-request
    pub const PROOF_OF_DELIVERY_REQUEST: u16 = 22;
    /// content-correlator
    pub const CONTENT_CORRELATOR: u16 = 23;
    /// redirection-history
    pub const REDIRECTION_HISTORY: u16 = 25;
    /// dl-expansion-history
    pub const DL_EXPANSION_HISTORY: u16 = 26;
    /// recipient-certificate
    pub const RECIPIENT_CERTIFICATE: u16 = 28;
    /// proof-of-delivery
    pub const PROOF_OF_DELIVERY: u16 = 29;
    /// originator-and-DL-expansion-history
    pub const ORIGINATOR_AND_DL_EXPANSION_HISTORY: u16 = 30;
    /// reporting-DL-name
    pub const REPORTING_DL_NAME: u16 = 31;
    /// reporting-MTA-certificate
    pub const REPORTING_MTA_CERTIFICATE: u16 = 32;
    /// report-origin-authentication-check
    pub const REPORT_ORIGIN_AUTHENTICATION_CHECK: u16 = 33;
    /// forwarding-request (X.413)
    pub const FORWARDING_REQUEST: u16 = 36;
    /// trace-information
    pub const TRACE_INFORMATION: u16 = 37;
    /// internal-trace-information
    pub const INTERNAL_TRACE_INFORMATION: u16 = 38;
    /// reporting-MTA-name
    pub const REPORTING_MTA_NAME: u16 = 39;
    /// blind-copy-recipients (X.420)
    pub const BLIND_COPY_RECIPIENTS: u16 = 41;
    /// dl-exempted-recipients
    pub const DL_EXEMPTED_RECIPIENTS: u16 = 42;
}

/// `Criticality ::= BIT STRING { for-submission(0), for-transfer(1), for-delivery(2) }`.
pub type Criticality = BitString;

/// `ExtensionField ::= SEQUENCE { type, criticality [1] DEFAULT {}, value [2] DEFAULT NULL }`.
/// The value is an open type (explicit `[2]`), kept as its raw encoding.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionField {
    /// `type EXTENSION.&id`
    pub r#type: ExtensionType,
    /// `criticality [1] Criticality DEFAULT {}`
    #[rasn(tag(context, 1))]
    pub criticality: Option<Criticality>,
    /// `value [2] EXTENSION.&Type DEFAULT NULL:NULL` (the encoding inside the explicit tag)
    #[rasn(tag(context, 2))]
    pub value: Option<Any>,
}

/// `SecurityLabel ::= SET {...}`, kept opaque: its complete encoding.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct SecurityLabel(pub Any);

/// `SecurityContext ::= SET SIZE (1..ub-security-labels) OF SecurityLabel`.
pub type SecurityContext = Vec<SecurityLabel>;

/// `PerMessageIndicators ::= [APPLICATION 8] BIT STRING {...}` (tag written at the field).
pub type PerMessageIndicators = BitString;

#[cfg(test)]
mod tests {
    use super::*;

    fn dec<T: Decode>(b: &[u8]) -> Result<T, DecodeError> {
        rasn::ber::decode(b)
    }

    #[test]
    fn relative_oid_arcs_and_contents_agree() {
        for arcs in [
            vec![0],
            vec![127],
            vec![128, 5],
            vec![u32::MAX, 1, 16383, 16384],
        ] {
            let c = relative_oid_contents(&arcs).unwrap();
            assert_eq!(relative_oid_arcs(&c).unwrap(), arcs);
        }
        assert_eq!(
            relative_oid_contents(&[128, 5]).unwrap(),
            vec![0x81, 0x00, 0x05]
        );
        assert!(relative_oid_contents(&[]).is_none());
        assert!(relative_oid_arcs(&[]).is_err());
        assert!(relative_oid_arcs(&[0x81]).is_err(), "truncated arc");
        assert!(
            relative_oid_arcs(&[0x90, 0x80, 0x80, 0x80, 0x80, 0x00]).is_err(),
            "overflow"
        );
    }

    #[test]
    fn content_type_alternatives() {
        assert_eq!(
            dec::<ContentType>(&[0x46, 0x01, 0x16]).unwrap(),
            ContentType::BuiltIn(22)
        );
        assert_eq!(
            dec::<ContentType>(&[0x06, 0x03, 0x56, 0x01, 0x0a]).unwrap(),
            ContentType::Extended(ObjectIdentifier::new(vec![2, 6, 1, 10]).unwrap())
        );
        assert_eq!(
            dec::<ContentType>(&[0x0d, 0x02, 0x01, 0x0a]).unwrap(),
            ContentType::ExtendedRelative(vec![1, 10])
        );
        // A plain ContentType has no [0] alternative; a DeliveredContentType has both.
        assert!(dec::<ContentType>(&[0x80, 0x01, 0x16]).is_err());
        for b in [[0x80u8, 0x01, 0x16], [0x46, 0x01, 0x16]] {
            assert_eq!(
                dec::<DeliveredContentType>(&b).unwrap(),
                DeliveredContentType(ContentType::BuiltIn(22))
            );
        }
        assert_eq!(
            rasn::ber::encode(&DeliveredContentType(ContentType::BuiltIn(22))).unwrap(),
            vec![0x80, 0x01, 0x16]
        );
        assert_eq!(
            rasn::ber::encode(&ContentType::BuiltIn(22)).unwrap(),
            vec![0x46, 0x01, 0x16]
        );
        // Out of range for BuiltInContentType's INTEGER.
        assert!(dec::<ContentType>(&[0x46, 0x03, 0x01, 0x00, 0x00]).is_err());
        assert!(dec::<ContentType>(&[0x02, 0x01, 0x16]).is_err());
        assert!(dec::<ContentType>(&[]).is_err());
    }

    #[test]
    fn mts_identifier_bytes() {
        let id = MTSIdentifier {
            global_domain_identifier: GlobalDomainIdentifier {
                country_name: CountryName::Iso3166Alpha2Code(
                    PrintableString::from_bytes(b"GB").unwrap(),
                ),
                administration_domain_name: AdministrationDomainName::Printable(
                    PrintableString::from_bytes(b" ").unwrap(),
                ),
                private_domain_identifier: None,
            },
            local_identifier: Ia5String::from_iso646_bytes(b"x").unwrap(),
        };
        // [APPLICATION 4] { [APPLICATION 3] { [APPLICATION 1] {PrintableString},
        // [APPLICATION 2] {PrintableString} }, IA5String }
        let b = rasn::ber::encode(&id).unwrap();
        assert_eq!(
            b,
            vec![
                0x64, 0x10, 0x63, 0x0b, 0x61, 0x04, 0x13, 0x02, b'G', b'B', 0x62, 0x03, 0x13, 0x01,
                b' ', 0x16, 0x01, b'x'
            ]
        );
        assert_eq!(dec::<MTSIdentifier>(&b).unwrap(), id);
    }

    #[test]
    fn eits_skip_unknown_and_refuse_duplicates() {
        // [APPLICATION 5] SET { [0] BIT STRING ia5-text, [9] unknown }
        let b = [0x65, 0x07, 0x80, 0x02, 0x05, 0x20, 0x89, 0x01, 0x00];
        let e = dec::<EncodedInformationTypes>(&b).unwrap();
        assert_eq!(e.built_in_encoded_information_types.len(), 3);
        assert!(e.built_in_encoded_information_types[2]);
        let dup = [0x65, 0x08, 0x80, 0x02, 0x05, 0x20, 0x80, 0x02, 0x05, 0x20];
        assert!(dec::<EncodedInformationTypes>(&dup[..]).is_err());
        assert!(
            dec::<EncodedInformationTypes>(&[0x65, 0x00]).is_err(),
            "built-in is mandatory"
        );
    }

    #[test]
    fn extension_field_value_is_explicit() {
        let f = ExtensionField {
            r#type: ExtensionType::StandardExtension(
                standard_extension::CONVERSION_WITH_LOSS_PROHIBITED,
            ),
            criticality: None,
            value: Some(Any::new(vec![0x0a, 0x01, 0x01])),
        };
        let b = rasn::ber::encode(&f).unwrap();
        assert_eq!(
            b,
            vec![0x30, 0x08, 0x80, 0x01, 0x04, 0xa2, 0x03, 0x0a, 0x01, 0x01]
        );
        assert_eq!(dec::<ExtensionField>(&b).unwrap(), f);
    }
}
