//! ITU-T X.420 (1999) §A IPMSInformationObjects, IMPLICIT TAGS: the interpersonal message
//! (IPM: heading and body) and the interpersonal notification (IPN: RN / NRN / ON), with the
//! ASN.1 in `schema/x420-ipms.asn`.
//!
//! The codec is hand-written over [`super::ber`] rather than derived: real user agents send
//! indefinite lengths, constructed strings, SET components in any order and components this
//! module does not know; those are skipped, never fatal. A tag on a CHOICE or open type stays
//! explicit (X.680 §31.2.7): `subject [8]` and `IPN.choice [0]`, as products and tshark do.

use rasn::types::ObjectIdentifier;

use super::ber::{self, BerError, Reader, Result, Tag, Tlv, class, tags};
use crate::address::ORName;

/// Largest string accepted in a heading field (the X.420 upper bounds are far below this).
pub const MAX_HEADING_STRING: usize = 64 * 1024;
/// Largest text body part accepted.
pub const MAX_BODY_STRING: usize = 64 * 1024 * 1024;

/// A type with a BER codec and a tag of its own (every type here except the CHOICEs).
pub trait BerType: Sized {
    /// The type's own tag (constructed bit included).
    const TAG: Tag;
    /// ASN.1 name, for error messages.
    const NAME: &'static str;

    /// Decodes from an element; its tag (own or an implicit replacement) is the caller's
    /// business.
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self>;

    /// Appends the contents octets.
    fn encode_contents(&self, out: &mut Vec<u8>);

    /// Appends the encoding under `tag` (the own tag, or an IMPLICIT replacement).
    fn encode_tagged(&self, out: &mut Vec<u8>, tag: Tag) {
        let mut c = Vec::new();
        self.encode_contents(&mut c);
        ber::write(out, tag, &c);
    }

    /// Appends the encoding under the own tag.
    fn encode(&self, out: &mut Vec<u8>) {
        self.encode_tagged(out, Self::TAG);
    }

    /// The BER of the value.
    fn to_ber(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes exactly one value filling `buf`, with its own tag.
    fn from_ber(buf: &[u8]) -> Result<Self> {
        let t = ber::single(buf)?;
        t.expect(Self::TAG, Self::NAME)?;
        Self::decode_tlv(&t)
    }
}

/// Implements rasn's `AsnType`/`Encode`/`Decode` on top of the hand-written codec, so the
/// types can sit inside rasn-derived types (e.g. the X.411 envelope). BER family only: the
/// contents travel as an open value under whatever tag the field uses.
macro_rules! rasn_via_ber {
    ($($t:ty),* $(,)?) => {$(
        impl rasn::AsnType for $t {
            const TAG: rasn::types::Tag = $crate::asn1::x420::rasn_tag(<$t as BerType>::TAG);
        }
        impl rasn::Encode for $t {
            fn encode_with_tag_and_constraints<'b, E: rasn::Encoder<'b>>(
                &self,
                encoder: &mut E,
                tag: rasn::types::Tag,
                _constraints: &rasn::types::Constraints,
                identifier: rasn::types::Identifier,
            ) -> core::result::Result<(), E::Error> {
                let mut contents = Vec::new();
                self.encode_contents(&mut contents);
                encoder
                    .encode_any(tag, &rasn::types::Any::new(contents), identifier)
                    .map(|_| ())
            }
        }
        impl rasn::Decode for $t {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                decoder: &mut D,
                tag: rasn::types::Tag,
                _constraints: &rasn::types::Constraints,
            ) -> core::result::Result<Self, D::Error> {
                let any = decoder.decode_any(tag)?;
                let mut wrapped = Vec::new();
                $crate::asn1::ber::write(&mut wrapped, <$t as BerType>::TAG, any.as_bytes());
                $crate::asn1::ber::single(&wrapped)
                    .and_then(|t| <$t as BerType>::decode_tlv(&t))
                    .map_err(|e| {
                        D::Error::from(rasn::error::DecodeError::parser_fail(
                            e.to_string(),
                            decoder.codec(),
                        ))
                    })
            }
        }
    )*};
}

/// Our tag as rasn's.
pub const fn rasn_tag(t: Tag) -> rasn::types::Tag {
    let c = match t.class {
        class::UNIVERSAL => rasn::types::Class::Universal,
        class::APPLICATION => rasn::types::Class::Application,
        class::CONTEXT => rasn::types::Class::Context,
        _ => rasn::types::Class::Private,
    };
    rasn::types::Tag::new(c, t.number)
}

// ---------------------------------------------------------------------------------------------
// Small helpers shared with p772.rs

/// Bytes of a string type as text. TeletexString and the ISO 646 types are read octet by
/// octet as Latin-1, which is exact for the ASCII repertoire products use and never fails.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// Text back to octets for a string type (characters above U+00FF become `?`).
pub fn to_latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// A string of any string type (implicitly tagged or not), as text.
pub fn read_string(t: &Tlv<'_>, limit: usize) -> Result<String> {
    Ok(latin1(&t.string_bytes(limit)?))
}

/// Appends a string element.
pub fn write_string(out: &mut Vec<u8>, tag: Tag, s: &str) {
    ber::write(out, tag, &to_latin1(s));
}

/// Reads an OBJECT IDENTIFIER element.
pub fn read_oid(t: &Tlv<'_>) -> Result<ObjectIdentifier> {
    let arcs = t.oid_arcs(false)?;
    ObjectIdentifier::new(arcs).ok_or_else(|| t.err("a valid OBJECT IDENTIFIER"))
}

/// Appends an OBJECT IDENTIFIER element.
pub fn write_oid(out: &mut Vec<u8>, oid: &rasn::types::Oid) {
    ber::write(out, tags::OID, &ber::oid_contents(oid));
}

/// Reads an ORName (`60 …`) with the address module's codec.
pub fn read_orname(t: &Tlv<'_>) -> Result<ORName> {
    ORName::from_ber(t.raw).map_err(|e| BerError::found(t.offset, "an ORName", e.to_string()))
}

/// Reads `SEQUENCE OF` / `SET OF` elements with `f`.
pub fn read_list<'a, T>(
    t: &Tlv<'a>,
    what: &str,
    mut f: impl FnMut(&Tlv<'a>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut r = t.reader(what)?;
    let mut v = Vec::new();
    while let Some(c) = r.next()? {
        v.push(f(&c)?);
    }
    Ok(v)
}

/// Reads `SEQUENCE OF` a [`BerType`], checking each element's tag.
pub fn read_list_of<T: BerType>(t: &Tlv<'_>) -> Result<Vec<T>> {
    read_list(t, T::NAME, |c| {
        c.expect(T::TAG, T::NAME)?;
        T::decode_tlv(c)
    })
}

/// Appends `SEQUENCE OF` / `SET OF` under `tag`.
pub fn write_list<T: BerType>(out: &mut Vec<u8>, tag: Tag, items: &[T]) {
    ber::write_cons(out, tag, |o| {
        for i in items {
            i.encode(o);
        }
    });
}

/// Reads a UTCTime (or GeneralizedTime) element, kept as its text.
pub fn read_time(t: &Tlv<'_>) -> Result<Time> {
    let s = read_string(t, 64)?;
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b"Z+-.,".contains(&b))
    {
        return Err(t.err("a UTCTime"));
    }
    Ok(Time(s))
}

/// `Time ::= UTCTime`, kept as the text that was sent so that it re-encodes unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Time(pub String);

impl Time {
    /// The time in RFC 3339 (`2005-10-01T11:30:50Z`), if the text is a valid UTCTime or
    /// GeneralizedTime; two-digit years are 1950..2049 (X.680 UTCTime rule in X.411 use).
    pub fn to_rfc3339(&self) -> Option<String> {
        let s = self.0.as_str();
        let digits: usize = s.bytes().take_while(|b| b.is_ascii_digit()).count();
        let (year, rest) = match digits {
            10 | 12 => {
                let yy: i32 = s.get(0..2)?.parse().ok()?;
                (if yy < 50 { 2000 + yy } else { 1900 + yy }, s.get(2..)?)
            }
            d if d >= 12 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
            _ => return None,
        };
        let num = |a: usize| -> Option<u32> { rest.get(a..a + 2)?.parse().ok() };
        let (mo, d, h, mi) = (num(0)?, num(2)?, num(4)?, num(6)?);
        let sec_digits = rest
            .bytes()
            .skip(8)
            .take_while(|b| b.is_ascii_digit())
            .count();
        let sec = if sec_digits >= 2 { num(8)? } else { 0 };
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let tail = rest.get(8 + sec_digits.min(2)..)?;
        // Drop fractions; keep the zone.
        let tail = tail.trim_start_matches(|c: char| c == '.' || c == ',' || c.is_ascii_digit());
        let zone = match tail {
            "Z" | "" => "Z".to_string(),
            z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
                format!("{}:{}", z.get(0..3)?, z.get(3..5)?)
            }
            _ => return None,
        };
        Some(format!(
            "{year:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{zone}"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Heading component types

/// `IPMIdentifier ::= [APPLICATION 11] SET { user ORName OPTIONAL, user-relative-identifier
/// LocalIPMIdentifier }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpmIdentifier {
    /// The originating user.
    pub user: Option<ORName>,
    /// `LocalIPMIdentifier ::= PrintableString (SIZE (0..64))`.
    pub user_relative_identifier: String,
}

impl IpmIdentifier {
    /// The identifier as one line: `<O/R name> <local id>` (the user omitted when absent).
    pub fn display(&self) -> String {
        match &self.user {
            Some(u) => format!("{u} {}", self.user_relative_identifier),
            None => self.user_relative_identifier.clone(),
        }
    }
}

impl BerType for IpmIdentifier {
    const TAG: Tag = Tag::app(11, true);
    const NAME: &'static str = "IPMIdentifier";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut user = None;
        let mut local = None;
        while let Some(c) = r.next()? {
            if c.tag.same(Tag::app(0, true)) {
                user = Some(read_orname(&c)?);
            } else if c.tag.same(tags::PRINTABLE_STRING) {
                local = Some(read_string(&c, MAX_HEADING_STRING)?);
            }
        }
        Ok(IpmIdentifier {
            user,
            user_relative_identifier: local
                .ok_or_else(|| t.err("IPMIdentifier.user-relative-identifier"))?,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        if let Some(u) = &self.user {
            out.extend_from_slice(&u.to_ber());
        }
        write_string(out, tags::PRINTABLE_STRING, &self.user_relative_identifier);
    }
}

/// `ORDescriptor ::= SET { formal-name ORName OPTIONAL, free-form-name [0] FreeFormName
/// OPTIONAL, telephone-number [1] TelephoneNumber OPTIONAL }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ORDescriptor {
    /// The O/R name.
    pub formal_name: Option<ORName>,
    /// `FreeFormName ::= TeletexString`.
    pub free_form_name: Option<String>,
    /// `TelephoneNumber ::= PrintableString`.
    pub telephone_number: Option<String>,
}

impl ORDescriptor {
    /// A descriptor holding only an O/R name.
    pub fn name(n: ORName) -> Self {
        ORDescriptor {
            formal_name: Some(n),
            ..Default::default()
        }
    }

    /// The O/R name in semicolon form, else the free-form name, else the telephone number.
    pub fn display(&self) -> String {
        if let Some(n) = &self.formal_name {
            n.to_string()
        } else if let Some(f) = &self.free_form_name {
            f.clone()
        } else {
            self.telephone_number.clone().unwrap_or_default()
        }
    }
}

impl BerType for ORDescriptor {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "ORDescriptor";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut d = ORDescriptor::default();
        while let Some(c) = r.next()? {
            if c.tag.same(Tag::app(0, true)) {
                d.formal_name = Some(read_orname(&c)?);
            } else if c.tag.is_ctx(0) {
                d.free_form_name = Some(read_string(&c, MAX_HEADING_STRING)?);
            } else if c.tag.is_ctx(1) {
                d.telephone_number = Some(read_string(&c, MAX_HEADING_STRING)?);
            }
        }
        Ok(d)
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        if let Some(n) = &self.formal_name {
            out.extend_from_slice(&n.to_ber());
        }
        if let Some(f) = &self.free_form_name {
            write_string(out, Tag::ctx(0, false), f);
        }
        if let Some(p) = &self.telephone_number {
            write_string(out, Tag::ctx(1, false), p);
        }
    }
}

/// `NotificationRequests ::= BIT STRING { rn(0), nrn(1), ipm-return(2), an-supported(3),
/// suppress-an(4) }`, as a mask (bit i = named bit i).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NotificationRequests(pub u32);

impl NotificationRequests {
    /// The standard names of the bits that are set, in bit order.
    pub fn names(&self) -> Vec<String> {
        const NAMES: [&str; 5] = ["rn", "nrn", "ipm-return", "an-supported", "suppress-an"];
        ber::named_bit_names(self.0, &NAMES)
    }
}

/// `IPMSExtension ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY DEFAULT NULL }`: kept
/// generic (the value's BER as received); [`super::p772`] decodes the military ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpmsExtension {
    /// `IPMS-EXTENSION.&id`.
    pub type_id: ObjectIdentifier,
    /// The BER of the value (one element), or `None` when absent (DEFAULT NULL).
    pub value: Option<Vec<u8>>,
}

impl BerType for IpmsExtension {
    const TAG: Tag = tags::SEQUENCE;
    const NAME: &'static str = "IPMSExtension";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let id = r.required("IPMSExtension.type")?;
        id.expect(tags::OID, "IPMSExtension.type")?;
        let type_id = read_oid(&id)?;
        let value = r.next()?.map(|v| v.raw.to_vec());
        Ok(IpmsExtension { type_id, value })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        write_oid(out, &self.type_id);
        if let Some(v) = &self.value {
            out.extend_from_slice(v);
        }
    }
}

/// `RecipientSpecifier ::= SET { recipient [0] ORDescriptor, notification-requests [1]
/// NotificationRequests DEFAULT {}, reply-requested [2] BOOLEAN DEFAULT FALSE,
/// recipient-extensions [3] RecipientExtensionsField OPTIONAL }`. DEFAULT components are
/// `Option`s so that what was sent re-encodes unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecipientSpecifier {
    /// The recipient.
    pub recipient: ORDescriptor,
    /// Notification requests.
    pub notification_requests: Option<NotificationRequests>,
    /// Reply requested.
    pub reply_requested: Option<bool>,
    /// Per-recipient extensions (e.g. P772 acp127-notification-request, X.420 precedence).
    pub recipient_extensions: Option<Vec<IpmsExtension>>,
}

impl BerType for RecipientSpecifier {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "RecipientSpecifier";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut recipient = None;
        let mut s = RecipientSpecifier::default();
        while let Some(c) = r.next()? {
            match (c.tag.class, c.tag.number) {
                (class::CONTEXT, 0) => recipient = Some(ORDescriptor::decode_tlv(&c)?),
                (class::CONTEXT, 1) => {
                    let (u, b) = c.bit_string()?;
                    s.notification_requests = Some(NotificationRequests(ber::named_bits(u, &b)));
                }
                (class::CONTEXT, 2) => s.reply_requested = Some(c.boolean()?),
                (class::CONTEXT, 3) => s.recipient_extensions = Some(read_list_of(&c)?),
                _ => {}
            }
        }
        s.recipient = recipient.ok_or_else(|| t.err("RecipientSpecifier.recipient [0]"))?;
        Ok(s)
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        self.recipient.encode_tagged(out, Tag::ctx(0, true));
        if let Some(n) = self.notification_requests {
            ber::write(out, Tag::ctx(1, false), &ber::named_bits_contents(n.0));
        }
        if let Some(b) = self.reply_requested {
            ber::write_bool(out, Tag::ctx(2, false), b);
        }
        if let Some(e) = &self.recipient_extensions {
            write_list(out, Tag::ctx(3, true), e);
        }
    }
}

/// `ImportanceField ::= ENUMERATED { low(0), normal(1), high(2) }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Importance {
    /// low (0)
    Low = 0,
    /// normal (1)
    Normal = 1,
    /// high (2)
    High = 2,
}

impl Importance {
    /// From the wire value.
    pub fn from_i64(v: i64) -> Option<Self> {
        match v {
            0 => Some(Self::Low),
            1 => Some(Self::Normal),
            2 => Some(Self::High),
            _ => None,
        }
    }
    /// The standard name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// `SensitivityField ::= ENUMERATED { personal(1), private(2), company-confidential(3) }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sensitivity {
    /// personal (1)
    Personal = 1,
    /// private (2)
    Private = 2,
    /// company-confidential (3)
    CompanyConfidential = 3,
}

impl Sensitivity {
    /// From the wire value.
    pub fn from_i64(v: i64) -> Option<Self> {
        match v {
            1 => Some(Self::Personal),
            2 => Some(Self::Private),
            3 => Some(Self::CompanyConfidential),
            _ => None,
        }
    }
    /// The standard name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Private => "private",
            Self::CompanyConfidential => "company-confidential",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Heading

/// `Heading ::= SET { … }` (X.420 §7.2), every field. Fields with `DEFAULT {}` are `Vec`s
/// (empty = absent); other DEFAULT fields are `Option`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// this-IPM.
    pub this_ipm: IpmIdentifier,
    /// originator [0].
    pub originator: Option<ORDescriptor>,
    /// authorizing-users [1].
    pub authorizing_users: Option<Vec<ORDescriptor>>,
    /// primary-recipients [2].
    pub primary_recipients: Vec<RecipientSpecifier>,
    /// copy-recipients [3].
    pub copy_recipients: Vec<RecipientSpecifier>,
    /// blind-copy-recipients [4].
    pub blind_copy_recipients: Option<Vec<RecipientSpecifier>>,
    /// replied-to-IPM [5].
    pub replied_to_ipm: Option<IpmIdentifier>,
    /// obsoleted-IPMs [6].
    pub obsoleted_ipms: Vec<IpmIdentifier>,
    /// related-IPMs [7].
    pub related_ipms: Vec<IpmIdentifier>,
    /// subject [8] EXPLICIT TeletexString.
    pub subject: Option<String>,
    /// expiry-time [9].
    pub expiry_time: Option<Time>,
    /// reply-time [10].
    pub reply_time: Option<Time>,
    /// reply-recipients [11].
    pub reply_recipients: Option<Vec<ORDescriptor>>,
    /// importance [12] DEFAULT normal.
    pub importance: Option<Importance>,
    /// sensitivity [13].
    pub sensitivity: Option<Sensitivity>,
    /// auto-forwarded [14] DEFAULT FALSE.
    pub auto_forwarded: Option<bool>,
    /// extensions [15] DEFAULT {}.
    pub extensions: Vec<IpmsExtension>,
}

impl Heading {
    /// A heading with only this-IPM.
    pub fn new(this_ipm: IpmIdentifier) -> Self {
        Heading {
            this_ipm,
            originator: None,
            authorizing_users: None,
            primary_recipients: Vec::new(),
            copy_recipients: Vec::new(),
            blind_copy_recipients: None,
            replied_to_ipm: None,
            obsoleted_ipms: Vec::new(),
            related_ipms: Vec::new(),
            subject: None,
            expiry_time: None,
            reply_time: None,
            reply_recipients: None,
            importance: None,
            sensitivity: None,
            auto_forwarded: None,
            extensions: Vec::new(),
        }
    }
}

fn read_enum<T>(c: &Tlv<'_>, what: &str, f: impl Fn(i64) -> Option<T>) -> Result<T> {
    let v = c.integer()?;
    f(v).ok_or_else(|| BerError::found(c.offset, format!("a valid {what}"), v.to_string()))
}

/// The subject is `[8]` EXPLICIT on the wire (the real sample and tshark agree); a sender using
/// the implicit form (`88`) is accepted too.
fn read_subject(c: &Tlv<'_>) -> Result<String> {
    if c.tag.constructed {
        let mut r = c.reader("subject")?;
        if let Some(inner) = r.clone().next()?
            && inner.tag.class == class::UNIVERSAL
            && inner.tag.number != 4
        {
            let s = r.required("SubjectField")?;
            r.finish("subject [8]")?;
            return read_string(&s, MAX_HEADING_STRING);
        }
    }
    read_string(c, MAX_HEADING_STRING)
}

impl BerType for Heading {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "Heading";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut this_ipm = None;
        let mut h = Heading::new(IpmIdentifier {
            user: None,
            user_relative_identifier: String::new(),
        });
        while let Some(c) = r.next()? {
            match (c.tag.class, c.tag.number) {
                (class::APPLICATION, 11) => this_ipm = Some(IpmIdentifier::decode_tlv(&c)?),
                (class::CONTEXT, n) => match n {
                    0 => h.originator = Some(ORDescriptor::decode_tlv(&c)?),
                    1 => h.authorizing_users = Some(read_list_of(&c)?),
                    2 => h.primary_recipients = read_list_of(&c)?,
                    3 => h.copy_recipients = read_list_of(&c)?,
                    4 => h.blind_copy_recipients = Some(read_list_of(&c)?),
                    5 => h.replied_to_ipm = Some(IpmIdentifier::decode_tlv(&c)?),
                    6 => h.obsoleted_ipms = read_list_of(&c)?,
                    7 => h.related_ipms = read_list_of(&c)?,
                    8 => h.subject = Some(read_subject(&c)?),
                    9 => h.expiry_time = Some(read_time(&c)?),
                    10 => h.reply_time = Some(read_time(&c)?),
                    11 => h.reply_recipients = Some(read_list_of(&c)?),
                    12 => h.importance = Some(read_enum(&c, "importance", Importance::from_i64)?),
                    13 => {
                        h.sensitivity = Some(read_enum(&c, "sensitivity", Sensitivity::from_i64)?)
                    }
                    14 => h.auto_forwarded = Some(c.boolean()?),
                    15 => h.extensions = read_list_of(&c)?,
                    // A newer edition's field: skipped, not fatal.
                    _ => {}
                },
                _ => {}
            }
        }
        h.this_ipm = this_ipm.ok_or_else(|| t.err("Heading.this-IPM [APPLICATION 11]"))?;
        Ok(h)
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        self.this_ipm.encode(out);
        if let Some(o) = &self.originator {
            o.encode_tagged(out, Tag::ctx(0, true));
        }
        if let Some(a) = &self.authorizing_users {
            write_list(out, Tag::ctx(1, true), a);
        }
        if !self.primary_recipients.is_empty() {
            write_list(out, Tag::ctx(2, true), &self.primary_recipients);
        }
        if !self.copy_recipients.is_empty() {
            write_list(out, Tag::ctx(3, true), &self.copy_recipients);
        }
        if let Some(b) = &self.blind_copy_recipients {
            write_list(out, Tag::ctx(4, true), b);
        }
        if let Some(r) = &self.replied_to_ipm {
            r.encode_tagged(out, Tag::ctx(5, true));
        }
        if !self.obsoleted_ipms.is_empty() {
            write_list(out, Tag::ctx(6, true), &self.obsoleted_ipms);
        }
        if !self.related_ipms.is_empty() {
            write_list(out, Tag::ctx(7, true), &self.related_ipms);
        }
        if let Some(s) = &self.subject {
            ber::write_cons(out, Tag::ctx(8, true), |o| {
                write_string(o, tags::TELETEX_STRING, s)
            });
        }
        if let Some(t) = &self.expiry_time {
            write_string(out, Tag::ctx(9, false), &t.0);
        }
        if let Some(t) = &self.reply_time {
            write_string(out, Tag::ctx(10, false), &t.0);
        }
        if let Some(r) = &self.reply_recipients {
            write_list(out, Tag::ctx(11, true), r);
        }
        if let Some(i) = self.importance {
            ber::write_integer(out, Tag::ctx(12, false), i as i64);
        }
        if let Some(s) = self.sensitivity {
            ber::write_integer(out, Tag::ctx(13, false), s as i64);
        }
        if let Some(a) = self.auto_forwarded {
            ber::write_bool(out, Tag::ctx(14, false), a);
        }
        if !self.extensions.is_empty() {
            write_list(out, Tag::ctx(15, true), &self.extensions);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Body

/// `Repertoire ::= ENUMERATED { ita2(2), ia5(5) }`, kept as the number.
pub type Repertoire = i64;

/// `INSTANCE OF TYPE-IDENTIFIER` / EXTERNAL as used by extended body parts: the type and the
/// value's BER. Decoding accepts the full EXTERNAL form (indirect-reference and
/// data-value-descriptor skipped; octet-aligned and arbitrary encodings kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceOf {
    /// `type-id` / direct-reference.
    pub type_id: ObjectIdentifier,
    /// The value.
    pub value: ExternalValue,
}

/// The encoding CHOICE of an EXTERNAL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternalValue {
    /// single-ASN1-type [0]: the BER of the value (one element).
    Single(Vec<u8>),
    /// octet-aligned [1].
    OctetAligned(Vec<u8>),
    /// arbitrary [2] (BIT STRING octets).
    Arbitrary(Vec<u8>),
}

impl BerType for InstanceOf {
    const TAG: Tag = tags::EXTERNAL;
    const NAME: &'static str = "EXTERNAL";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut type_id = None;
        let mut value = None;
        while let Some(c) = r.next()? {
            match (c.tag.class, c.tag.number) {
                (class::UNIVERSAL, 6) => type_id = Some(read_oid(&c)?),
                (class::UNIVERSAL, 2) | (class::UNIVERSAL, 7) => {}
                (class::CONTEXT, 0) => {
                    let mut ir = c.reader("single-ASN1-type")?;
                    let v = ir.required("the EXTERNAL value")?;
                    value = Some(ExternalValue::Single(v.raw.to_vec()));
                }
                (class::CONTEXT, 1) => {
                    value = Some(ExternalValue::OctetAligned(
                        c.string_bytes(MAX_BODY_STRING)?,
                    ))
                }
                (class::CONTEXT, 2) => value = Some(ExternalValue::Arbitrary(c.bit_string()?.1)),
                _ => return Err(c.err("an EXTERNAL component")),
            }
        }
        Ok(InstanceOf {
            type_id: type_id.ok_or_else(|| t.err("EXTERNAL.direct-reference"))?,
            value: value.ok_or_else(|| t.err("EXTERNAL.encoding"))?,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        write_oid(out, &self.type_id);
        match &self.value {
            ExternalValue::Single(v) => ber::write(out, Tag::ctx(0, true), v),
            ExternalValue::OctetAligned(v) => ber::write(out, Tag::ctx(1, false), v),
            ExternalValue::Arbitrary(v) => {
                let mut c = vec![0u8];
                c.extend_from_slice(v);
                ber::write(out, Tag::ctx(2, false), &c)
            }
        }
    }
}

/// `ExtendedBodyPart ::= SEQUENCE { parameters [0] INSTANCE OF TYPE-IDENTIFIER OPTIONAL,
/// data INSTANCE OF TYPE-IDENTIFIER }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendedBodyPart {
    /// parameters [0].
    pub parameters: Option<InstanceOf>,
    /// data.
    pub data: InstanceOf,
}

impl BerType for ExtendedBodyPart {
    const TAG: Tag = tags::SEQUENCE;
    const NAME: &'static str = "ExtendedBodyPart";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let parameters = match r.optional(Tag::ctx(0, true))? {
            Some(p) => Some(InstanceOf::decode_tlv(&p)?),
            None => None,
        };
        let d = r.required("ExtendedBodyPart.data")?;
        d.expect(tags::EXTERNAL, "ExtendedBodyPart.data")?;
        let data = InstanceOf::decode_tlv(&d)?;
        Ok(ExtendedBodyPart { parameters, data })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        if let Some(p) = &self.parameters {
            p.encode_tagged(out, Tag::ctx(0, true));
        }
        self.data.encode(out);
    }
}

/// `MessageBodyPart ::= SEQUENCE { parameters MessageParameters, data IPM }` with
/// `MessageParameters ::= SET { delivery-time [0] MessageDeliveryTime OPTIONAL,
/// delivery-envelope [1] OtherMessageDeliveryFields OPTIONAL }`: a forwarded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBodyPart {
    /// delivery-time [0] (UTCTime).
    pub delivery_time: Option<Time>,
    /// delivery-envelope [1]: the contents of the X.411 OtherMessageDeliveryFields SET, kept
    /// opaque here.
    pub delivery_envelope: Option<Vec<u8>>,
    /// The forwarded IPM.
    pub ipm: Box<Ipm>,
}

impl BerType for MessageBodyPart {
    const TAG: Tag = tags::SEQUENCE;
    const NAME: &'static str = "MessageBodyPart";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let p = r.required("MessageBodyPart.parameters")?;
        p.expect(tags::SET, "MessageParameters")?;
        let mut delivery_time = None;
        let mut delivery_envelope = None;
        let mut pr = p.reader("MessageParameters")?;
        while let Some(c) = pr.next()? {
            if c.tag.is_ctx(0) {
                delivery_time = Some(read_time(&c)?);
            } else if c.tag.is_ctx(1) {
                // Validate it is constructed, keep the contents.
                c.reader("delivery-envelope")?;
                delivery_envelope = Some(c.contents.to_vec());
            }
        }
        let d = r.required("MessageBodyPart.data")?;
        d.expect(Ipm::TAG, "IPM")?;
        Ok(MessageBodyPart {
            delivery_time,
            delivery_envelope,
            ipm: Box::new(Ipm::decode_tlv(&d)?),
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        ber::write_cons(out, tags::SET, |o| {
            if let Some(t) = &self.delivery_time {
                write_string(o, Tag::ctx(0, false), &t.0);
            }
            if let Some(e) = &self.delivery_envelope {
                ber::write(o, Tag::ctx(1, true), e);
            }
        });
        self.ipm.encode(out);
    }
}

/// `BodyPart ::= CHOICE { basic CHOICE { … }, extended [15] ExtendedBodyPart }`. The types
/// the store reads text from are decoded; the others are kept as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyPart {
    /// ia5-text [0] `SEQUENCE { parameters SET { repertoire [0] DEFAULT ia5 }, data IA5String }`.
    Ia5Text {
        /// repertoire (2 ita2, 5 ia5), absent = default.
        repertoire: Option<Repertoire>,
        /// The text.
        data: String,
    },
    /// teletex [5] `SEQUENCE { parameters TeletexParameters, data SEQUENCE OF TeletexString }`.
    Teletex {
        /// The contents of the TeletexParameters SET, as received.
        parameters: Vec<u8>,
        /// The pages.
        data: Vec<String>,
    },
    /// message [9]: a forwarded IPM (stored as a child entry).
    Message(MessageBodyPart),
    /// bilaterally-defined [14] OCTET STRING.
    BilaterallyDefined(Vec<u8>),
    /// extended [15].
    Extended(ExtendedBodyPart),
    /// Any other basic body part (g3-facsimile [3], g4-class1 [4], videotex [6],
    /// nationally-defined [7], encrypted [8], mixed-mode [11], …): its BER as received.
    Other {
        /// The context tag number.
        tag: u32,
        /// The whole element.
        raw: Vec<u8>,
    },
}

impl BodyPart {
    /// The standard name of the body part type (for the body-parts-summary attribute).
    pub fn type_name(&self) -> String {
        match self {
            BodyPart::Ia5Text { .. } => "ia5-text".into(),
            BodyPart::Teletex { .. } => "teletex".into(),
            BodyPart::Message(_) => "message".into(),
            BodyPart::BilaterallyDefined(_) => "bilaterally-defined".into(),
            BodyPart::Extended(e) => super::oids::extended_body_part_name(&e.data.type_id)
                .map(str::to_string)
                .unwrap_or_else(|| format!("extended {}", e.data.type_id)),
            BodyPart::Other { tag, .. } => match tag {
                3 => "g3-facsimile".into(),
                4 => "g4-class1".into(),
                6 => "videotex".into(),
                7 => "nationally-defined".into(),
                8 => "encrypted".into(),
                11 => "mixed-mode".into(),
                n => format!("basic [{n}]"),
            },
        }
    }

    fn decode(c: &Tlv<'_>) -> Result<Self> {
        if c.tag.class != class::CONTEXT {
            return Err(c.err("a BodyPart (context tag)"));
        }
        Ok(match c.tag.number {
            0 => {
                let mut r = c.reader("IA5TextBodyPart")?;
                let p = r.required("IA5TextBodyPart.parameters")?;
                p.expect(tags::SET, "IA5TextParameters")?;
                let mut repertoire = None;
                let mut pr = p.reader("IA5TextParameters")?;
                while let Some(x) = pr.next()? {
                    if x.tag.is_ctx(0) {
                        repertoire = Some(x.integer()?);
                    }
                }
                let d = r.required("IA5TextBodyPart.data")?;
                d.expect(tags::IA5_STRING, "IA5TextData")?;
                BodyPart::Ia5Text {
                    repertoire,
                    data: read_string(&d, MAX_BODY_STRING)?,
                }
            }
            5 => {
                let mut r = c.reader("TeletexBodyPart")?;
                let p = r.required("TeletexBodyPart.parameters")?;
                p.expect(tags::SET, "TeletexParameters")?;
                let d = r.required("TeletexBodyPart.data")?;
                let data = read_list(&d, "TeletexData", |s| read_string(s, MAX_BODY_STRING))?;
                BodyPart::Teletex {
                    parameters: p.contents.to_vec(),
                    data,
                }
            }
            9 => BodyPart::Message(MessageBodyPart::decode_tlv(c)?),
            14 => BodyPart::BilaterallyDefined(c.string_bytes(MAX_BODY_STRING)?),
            15 => BodyPart::Extended(ExtendedBodyPart::decode_tlv(c)?),
            n => BodyPart::Other {
                tag: n,
                raw: c.raw.to_vec(),
            },
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            BodyPart::Ia5Text { repertoire, data } => {
                ber::write_cons(out, Tag::ctx(0, true), |o| {
                    ber::write_cons(o, tags::SET, |p| {
                        if let Some(r) = repertoire {
                            ber::write_integer(p, Tag::ctx(0, false), *r);
                        }
                    });
                    write_string(o, tags::IA5_STRING, data);
                })
            }
            BodyPart::Teletex { parameters, data } => {
                ber::write_cons(out, Tag::ctx(5, true), |o| {
                    ber::write(o, tags::SET, parameters);
                    ber::write_cons(o, tags::SEQUENCE, |s| {
                        for page in data {
                            write_string(s, tags::TELETEX_STRING, page);
                        }
                    });
                })
            }
            BodyPart::Message(m) => m.encode_tagged(out, Tag::ctx(9, true)),
            BodyPart::BilaterallyDefined(b) => ber::write(out, Tag::ctx(14, false), b),
            BodyPart::Extended(e) => e.encode_tagged(out, Tag::ctx(15, true)),
            BodyPart::Other { raw, .. } => out.extend_from_slice(raw),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IPM, IPN, InformationObject

/// `IPM ::= SEQUENCE { heading Heading, body Body }`, `Body ::= SEQUENCE OF BodyPart`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipm {
    /// The heading.
    pub heading: Heading,
    /// The body parts, in order.
    pub body: Vec<BodyPart>,
}

impl BerType for Ipm {
    const TAG: Tag = tags::SEQUENCE;
    const NAME: &'static str = "IPM";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let h = r.required("IPM.heading")?;
        h.expect(tags::SET, "Heading")?;
        let heading = Heading::decode_tlv(&h)?;
        let b = r.required("IPM.body")?;
        b.expect(tags::SEQUENCE, "Body")?;
        let body = read_list(&b, "Body", BodyPart::decode)?;
        r.finish("IPM")?;
        Ok(Ipm { heading, body })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        self.heading.encode(out);
        ber::write_cons(out, tags::SEQUENCE, |o| {
            for p in &self.body {
                p.encode(o);
            }
        });
    }
}

/// `NonReceiptReasonField ::= ENUMERATED { ipm-discarded(0), ipm-auto-forwarded(1), … }`.
pub fn non_receipt_reason_name(v: i64) -> Option<&'static str> {
    match v {
        0 => Some("ipm-discarded"),
        1 => Some("ipm-auto-forwarded"),
        _ => None,
    }
}

/// `DiscardReasonField ::= ENUMERATED { ipm-expired(0), ipm-obsoleted(1),
/// user-subscription-terminated(2), not-used(3) }`.
pub fn discard_reason_name(v: i64) -> Option<&'static str> {
    match v {
        0 => Some("ipm-expired"),
        1 => Some("ipm-obsoleted"),
        2 => Some("user-subscription-terminated"),
        3 => Some("not-used"),
        _ => None,
    }
}

/// `NonReceiptFields ::= SET { … }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonReceiptFields {
    /// non-receipt-reason [0].
    pub non_receipt_reason: i64,
    /// discard-reason [1].
    pub discard_reason: Option<i64>,
    /// auto-forward-comment [2] PrintableString.
    pub auto_forward_comment: Option<String>,
    /// returned-ipm [3].
    pub returned_ipm: Option<Box<Ipm>>,
    /// nrn-extensions [4].
    pub nrn_extensions: Option<Vec<IpmsExtension>>,
}

/// `ReceiptFields ::= SET { … }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptFields {
    /// receipt-time [0].
    pub receipt_time: Time,
    /// acknowledgment-mode [1] DEFAULT manual (manual 0, automatic 1).
    pub acknowledgment_mode: Option<i64>,
    /// suppl-receipt-info [2] PrintableString.
    pub suppl_receipt_info: Option<String>,
    /// rn-extensions [3].
    pub rn_extensions: Option<Vec<IpmsExtension>>,
}

/// `IPN.choice [0] CHOICE { non-receipt-fields [0], receipt-fields [1],
/// other-notification-type-fields [2] }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpnChoice {
    /// A non-receipt notification (NRN).
    NonReceipt(NonReceiptFields),
    /// A receipt notification (RN).
    Receipt(ReceiptFields),
    /// Another notification (ON), e.g. absence advice.
    Other(Vec<IpmsExtension>),
}

/// `IPN ::= SET { COMPONENTS OF CommonFields, choice [0] CHOICE { … } }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipn {
    /// subject-ipm.
    pub subject_ipm: IpmIdentifier,
    /// ipn-originator [1].
    pub ipn_originator: Option<ORDescriptor>,
    /// ipm-intended-recipient [2].
    pub ipm_intended_recipient: Option<ORDescriptor>,
    /// conversion-eits (X.411 EncodedInformationTypes, [APPLICATION 5]): BER as received.
    pub conversion_eits: Option<Vec<u8>>,
    /// notification-extensions [3].
    pub notification_extensions: Option<Vec<IpmsExtension>>,
    /// The kind of notification.
    pub choice: IpnChoice,
}

impl BerType for Ipn {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "IPN";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut subject_ipm = None;
        let mut ipn_originator = None;
        let mut ipm_intended_recipient = None;
        let mut conversion_eits = None;
        let mut notification_extensions = None;
        let mut choice = None;
        while let Some(c) = r.next()? {
            match (c.tag.class, c.tag.number) {
                (class::APPLICATION, 11) => subject_ipm = Some(IpmIdentifier::decode_tlv(&c)?),
                (class::APPLICATION, 5) => conversion_eits = Some(c.raw.to_vec()),
                (class::CONTEXT, 1) => ipn_originator = Some(ORDescriptor::decode_tlv(&c)?),
                (class::CONTEXT, 2) => ipm_intended_recipient = Some(ORDescriptor::decode_tlv(&c)?),
                (class::CONTEXT, 3) => notification_extensions = Some(read_list_of(&c)?),
                (class::CONTEXT, 0) => {
                    let mut cr = c.reader("IPN.choice [0]")?;
                    let x = cr.required("non-receipt-fields, receipt-fields or other")?;
                    choice = Some(decode_ipn_choice(&x)?);
                }
                _ => {}
            }
        }
        Ok(Ipn {
            subject_ipm: subject_ipm.ok_or_else(|| t.err("IPN.subject-ipm [APPLICATION 11]"))?,
            ipn_originator,
            ipm_intended_recipient,
            conversion_eits,
            notification_extensions,
            choice: choice.ok_or_else(|| t.err("IPN.choice [0]"))?,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        self.subject_ipm.encode(out);
        if let Some(o) = &self.ipn_originator {
            o.encode_tagged(out, Tag::ctx(1, true));
        }
        if let Some(o) = &self.ipm_intended_recipient {
            o.encode_tagged(out, Tag::ctx(2, true));
        }
        if let Some(e) = &self.conversion_eits {
            out.extend_from_slice(e);
        }
        if let Some(e) = &self.notification_extensions {
            write_list(out, Tag::ctx(3, true), e);
        }
        ber::write_cons(out, Tag::ctx(0, true), |o| match &self.choice {
            IpnChoice::NonReceipt(n) => ber::write_cons(o, Tag::ctx(0, true), |s| {
                ber::write_integer(s, Tag::ctx(0, false), n.non_receipt_reason);
                if let Some(d) = n.discard_reason {
                    ber::write_integer(s, Tag::ctx(1, false), d);
                }
                if let Some(a) = &n.auto_forward_comment {
                    write_string(s, Tag::ctx(2, false), a);
                }
                if let Some(i) = &n.returned_ipm {
                    i.encode_tagged(s, Tag::ctx(3, true));
                }
                if let Some(e) = &n.nrn_extensions {
                    write_list(s, Tag::ctx(4, true), e);
                }
            }),
            IpnChoice::Receipt(rf) => ber::write_cons(o, Tag::ctx(1, true), |s| {
                write_string(s, Tag::ctx(0, false), &rf.receipt_time.0);
                if let Some(a) = rf.acknowledgment_mode {
                    ber::write_integer(s, Tag::ctx(1, false), a);
                }
                if let Some(a) = &rf.suppl_receipt_info {
                    write_string(s, Tag::ctx(2, false), a);
                }
                if let Some(e) = &rf.rn_extensions {
                    write_list(s, Tag::ctx(3, true), e);
                }
            }),
            IpnChoice::Other(e) => write_list(o, Tag::ctx(2, true), e),
        });
    }
}

fn decode_ipn_choice(x: &Tlv<'_>) -> Result<IpnChoice> {
    if x.tag.class != class::CONTEXT {
        return Err(x.err("[0], [1] or [2] in IPN.choice"));
    }
    match x.tag.number {
        0 => {
            let mut r = x.reader("NonReceiptFields")?;
            let mut reason = None;
            let mut n = NonReceiptFields {
                non_receipt_reason: 0,
                discard_reason: None,
                auto_forward_comment: None,
                returned_ipm: None,
                nrn_extensions: None,
            };
            while let Some(c) = r.next()? {
                match (c.tag.class, c.tag.number) {
                    (class::CONTEXT, 0) => reason = Some(c.integer()?),
                    (class::CONTEXT, 1) => n.discard_reason = Some(c.integer()?),
                    (class::CONTEXT, 2) => {
                        n.auto_forward_comment = Some(read_string(&c, MAX_HEADING_STRING)?)
                    }
                    (class::CONTEXT, 3) => n.returned_ipm = Some(Box::new(Ipm::decode_tlv(&c)?)),
                    (class::CONTEXT, 4) => n.nrn_extensions = Some(read_list_of(&c)?),
                    _ => {}
                }
            }
            n.non_receipt_reason = reason.ok_or_else(|| x.err("non-receipt-reason [0]"))?;
            Ok(IpnChoice::NonReceipt(n))
        }
        1 => {
            let mut r = x.reader("ReceiptFields")?;
            let mut time = None;
            let mut f = ReceiptFields {
                receipt_time: Time(String::new()),
                acknowledgment_mode: None,
                suppl_receipt_info: None,
                rn_extensions: None,
            };
            while let Some(c) = r.next()? {
                match (c.tag.class, c.tag.number) {
                    (class::CONTEXT, 0) => time = Some(read_time(&c)?),
                    (class::CONTEXT, 1) => f.acknowledgment_mode = Some(c.integer()?),
                    (class::CONTEXT, 2) => {
                        f.suppl_receipt_info = Some(read_string(&c, MAX_HEADING_STRING)?)
                    }
                    (class::CONTEXT, 3) => f.rn_extensions = Some(read_list_of(&c)?),
                    _ => {}
                }
            }
            f.receipt_time = time.ok_or_else(|| x.err("receipt-time [0]"))?;
            Ok(IpnChoice::Receipt(f))
        }
        2 => Ok(IpnChoice::Other(read_list_of(x)?)),
        _ => Err(x.err("[0], [1] or [2] in IPN.choice")),
    }
}

/// `InformationObject ::= CHOICE { ipm [0] IPM, ipn [1] IPN }`: the content of an IPM
/// content type (P2 1984, P22 1988, P772).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InformationObject {
    /// An interpersonal message.
    Ipm(Ipm),
    /// An interpersonal notification.
    Ipn(Ipn),
}

impl InformationObject {
    /// Decodes one InformationObject filling `buf`.
    pub fn from_ber(buf: &[u8]) -> Result<Self> {
        let t = ber::single(buf)?;
        Self::decode_tlv(&t)
    }

    /// Decodes from an element (`[0]` or `[1]`).
    pub fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        if t.tag.is_ctx(0) {
            Ok(InformationObject::Ipm(Ipm::decode_tlv(t)?))
        } else if t.tag.is_ctx(1) {
            Ok(InformationObject::Ipn(Ipn::decode_tlv(t)?))
        } else {
            Err(t.err("an X.420 InformationObject: ipm [0] or ipn [1]"))
        }
    }

    /// Appends the BER.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            InformationObject::Ipm(m) => m.encode_tagged(out, Tag::ctx(0, true)),
            InformationObject::Ipn(n) => n.encode_tagged(out, Tag::ctx(1, true)),
        }
    }

    /// The BER.
    pub fn to_ber(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

rasn_via_ber!(
    Ipm,
    Ipn,
    Heading,
    IpmIdentifier,
    ORDescriptor,
    RecipientSpecifier,
    IpmsExtension,
    ExtendedBodyPart,
    MessageBodyPart,
    InstanceOf,
);

/// Reads the element at the start of a reader (helper for callers holding raw values).
pub fn first_element(buf: &[u8]) -> Result<Tlv<'_>> {
    let mut r = Reader::new(buf);
    r.required("an element")
}
