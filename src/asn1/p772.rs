//! STANAG 4406 Annex A (P772) MMSHeadingExtensions and MMSPerRecipientSpecifierExtensions,
//! IMPLICIT TAGS: the military heading extensions carried as X.420 IPMS extensions
//! (`1.3.26.0.4406.0.2.N`), decoded from and encoded to [`IpmsExtension`]. ASN.1 text in
//! `schema/p772.asn`.

use rasn::types::{ObjectIdentifier, Oid};

use super::ber::{self, BerError, Result, Tag, Tlv, class, tags};
use super::oids;
use super::x420::{
    BerType, IpmsExtension, ORDescriptor, Time, read_list, read_list_of, read_string, read_time,
    write_list, write_string,
};

/// Longest MilitaryString accepted (ub-military-string is 69; products exceed it).
const MAX: usize = 4096;

/// `MMHSPrecedence ::= INTEGER { deferred(0), routine(1), priority(2), immediate(3), flash(4),
/// override(5) }`; 16..31 are national values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Precedence(pub i64);

impl Precedence {
    /// deferred (0)
    pub const DEFERRED: Precedence = Precedence(0);
    /// routine (1)
    pub const ROUTINE: Precedence = Precedence(1);
    /// priority (2)
    pub const PRIORITY: Precedence = Precedence(2);
    /// immediate (3)
    pub const IMMEDIATE: Precedence = Precedence(3);
    /// flash (4)
    pub const FLASH: Precedence = Precedence(4);
    /// override (5)
    pub const OVERRIDE: Precedence = Precedence(5);

    /// The standard name, if the value has one.
    pub fn name(&self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "deferred",
            1 => "routine",
            2 => "priority",
            3 => "immediate",
            4 => "flash",
            5 => "override",
            _ => return None,
        })
    }
}

/// `TypeMessage ::= INTEGER { exercise(0), operation(1), project(2), drill(3) }`: the name.
pub fn type_message_name(v: i64) -> Option<&'static str> {
    Some(match v {
        0 => "exercise",
        1 => "operation",
        2 => "project",
        3 => "drill",
        _ => return None,
    })
}

/// `MessageType ::= SET { type [0] TypeMessage, identifier [1] MessageIdentifier OPTIONAL }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageType {
    /// type [0].
    pub type_: i64,
    /// identifier [1] (MilitaryString).
    pub identifier: Option<String>,
}

impl BerType for MessageType {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "MessageType";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut type_ = None;
        let mut identifier = None;
        while let Some(c) = r.next()? {
            if c.tag.is_ctx(0) {
                type_ = Some(c.integer()?);
            } else if c.tag.is_ctx(1) {
                identifier = Some(read_string(&c, MAX)?);
            }
        }
        Ok(MessageType {
            type_: type_.ok_or_else(|| t.err("MessageType.type [0]"))?,
            identifier,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        ber::write_integer(out, Tag::ctx(0, false), self.type_);
        if let Some(i) = &self.identifier {
            write_string(out, Tag::ctx(1, false), i);
        }
    }
}

/// `DistributionCodes ::= SET { sics [0] SEQUENCE OF Sic OPTIONAL, dist-Extensions [1]
/// SEQUENCE OF DistributionExtensionField OPTIONAL }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistributionCodes {
    /// Subject indicator codes.
    pub sics: Option<Vec<String>>,
    /// dist-Extensions [1]: the BER of each `SEQUENCE { dist-type OID, dist-value ANY }`.
    pub dist_extensions: Option<Vec<Vec<u8>>>,
}

impl BerType for DistributionCodes {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "DistributionCodes";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let mut d = DistributionCodes::default();
        while let Some(c) = r.next()? {
            if c.tag.is_ctx(0) {
                d.sics = Some(read_list(&c, "sics", |s| read_string(s, MAX))?);
            } else if c.tag.is_ctx(1) {
                d.dist_extensions = Some(read_list(&c, "dist-Extensions", |s| Ok(s.raw.to_vec()))?);
            }
        }
        Ok(d)
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        if let Some(s) = &self.sics {
            ber::write_cons(out, Tag::ctx(0, true), |o| {
                for sic in s {
                    write_string(o, tags::PRINTABLE_STRING, sic);
                }
            });
        }
        if let Some(e) = &self.dist_extensions {
            ber::write_cons(out, Tag::ctx(1, true), |o| {
                for x in e {
                    o.extend_from_slice(x);
                }
            });
        }
    }
}

/// `AddressListDesignator ::= SET { type [0] INTEGER { primaryAddressList(0),
/// copyAddressList(1) }, listName [1] ORDescriptor, notificationRequest [2]
/// AddressListRequest OPTIONAL, replyRequest [3] AddressListRequest OPTIONAL }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressListDesignator {
    /// type [0].
    pub type_: i64,
    /// listName [1].
    pub list_name: ORDescriptor,
    /// notificationRequest [2] (action 0, info 1, both 2).
    pub notification_request: Option<i64>,
    /// replyRequest [3].
    pub reply_request: Option<i64>,
}

impl BerType for AddressListDesignator {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "AddressListDesignator";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let (mut ty, mut name, mut nr, mut rr) = (None, None, None, None);
        while let Some(c) = r.next()? {
            match (c.tag.class, c.tag.number) {
                (class::CONTEXT, 0) => ty = Some(c.integer()?),
                (class::CONTEXT, 1) => name = Some(ORDescriptor::decode_tlv(&c)?),
                (class::CONTEXT, 2) => nr = Some(c.integer()?),
                (class::CONTEXT, 3) => rr = Some(c.integer()?),
                _ => {}
            }
        }
        Ok(AddressListDesignator {
            type_: ty.ok_or_else(|| t.err("AddressListDesignator.type [0]"))?,
            list_name: name.ok_or_else(|| t.err("AddressListDesignator.listName [1]"))?,
            notification_request: nr,
            reply_request: rr,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        ber::write_integer(out, Tag::ctx(0, false), self.type_);
        self.list_name.encode_tagged(out, Tag::ctx(1, true));
        if let Some(v) = self.notification_request {
            ber::write_integer(out, Tag::ctx(2, false), v);
        }
        if let Some(v) = self.reply_request {
            ber::write_integer(out, Tag::ctx(3, false), v);
        }
    }
}

/// `OtherRecipientDesignator ::= SET { type [0] INTEGER { primary(0), copy(1) }, designator
/// [1] MilitaryString }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherRecipientDesignator {
    /// type [0].
    pub type_: i64,
    /// designator [1].
    pub designator: String,
}

impl BerType for OtherRecipientDesignator {
    const TAG: Tag = tags::SET;
    const NAME: &'static str = "OtherRecipientDesignator";
    fn decode_tlv(t: &Tlv<'_>) -> Result<Self> {
        let mut r = t.reader(Self::NAME)?;
        let (mut ty, mut d) = (None, None);
        while let Some(c) = r.next()? {
            if c.tag.is_ctx(0) {
                ty = Some(c.integer()?);
            } else if c.tag.is_ctx(1) {
                d = Some(read_string(&c, MAX)?);
            }
        }
        Ok(OtherRecipientDesignator {
            type_: ty.ok_or_else(|| t.err("OtherRecipientDesignator.type [0]"))?,
            designator: d.ok_or_else(|| t.err("OtherRecipientDesignator.designator [1]"))?,
        })
    }
    fn encode_contents(&self, out: &mut Vec<u8>) {
        ber::write_integer(out, Tag::ctx(0, false), self.type_);
        write_string(out, Tag::ctx(1, false), &self.designator);
    }
}

/// `Acp127NotificationType ::= BIT STRING { acp127-nn(0), acp127-pn(1), acp127-tn(2) }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Acp127NotificationType(pub u32);

impl Acp127NotificationType {
    /// Names of the bits set.
    pub fn names(&self) -> Vec<String> {
        const NAMES: [&str; 3] = ["acp127-nn", "acp127-pn", "acp127-tn"];
        ber::named_bit_names(self.0, &NAMES)
    }
}

/// One P772 heading (or per-recipient) extension, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MmhsExtension {
    /// 0 primary-precedence.
    PrimaryPrecedence(Precedence),
    /// 1 copy-precedence.
    CopyPrecedence(Precedence),
    /// 2 message-type.
    MessageType(MessageType),
    /// 3 address-list-indicator.
    AddressListIndicator(Vec<AddressListDesignator>),
    /// 4 exempted-address.
    ExemptedAddress(Vec<ORDescriptor>),
    /// 5 extended-authorisation-info (UTCTime).
    ExtendedAuthorisationInfo(Time),
    /// 6 distribution-codes.
    DistributionCodes(DistributionCodes),
    /// 7 handling-instructions.
    HandlingInstructions(Vec<String>),
    /// 8 message-instructions.
    MessageInstructions(Vec<String>),
    /// 9 codress-message.
    CodressMessage(i64),
    /// 10 originator-reference.
    OriginatorReference(String),
    /// 11 other-recipients-indicator.
    OtherRecipientsIndicator(Vec<OtherRecipientDesignator>),
    /// 12 pilot-forwarding-info: BER kept opaque.
    PilotForwardingInfo(Vec<u8>),
    /// 13 acp127-message-identifier.
    Acp127MessageIdentifier(String),
    /// 14 originator-plad.
    OriginatorPlad(String),
    /// 15 acp127-notification-request (per recipient).
    Acp127NotificationRequest(Acp127NotificationType),
    /// 16 acp127-notification-response (per recipient): BER kept opaque.
    Acp127NotificationResponse(Vec<u8>),
}

fn strings(t: &Tlv<'_>) -> Result<Vec<String>> {
    read_list(t, "SEQUENCE OF MilitaryString", |s| read_string(s, MAX))
}

fn write_strings(out: &mut Vec<u8>, v: &[String]) {
    ber::write_cons(out, tags::SEQUENCE, |o| {
        for s in v {
            write_string(o, tags::PRINTABLE_STRING, s);
        }
    });
}

impl MmhsExtension {
    /// The heading-extension number N in `1.3.26.0.4406.0.2.N` (also the MS attribute number).
    pub fn number(&self) -> u32 {
        match self {
            Self::PrimaryPrecedence(_) => 0,
            Self::CopyPrecedence(_) => 1,
            Self::MessageType(_) => 2,
            Self::AddressListIndicator(_) => 3,
            Self::ExemptedAddress(_) => 4,
            Self::ExtendedAuthorisationInfo(_) => 5,
            Self::DistributionCodes(_) => 6,
            Self::HandlingInstructions(_) => 7,
            Self::MessageInstructions(_) => 8,
            Self::CodressMessage(_) => 9,
            Self::OriginatorReference(_) => 10,
            Self::OtherRecipientsIndicator(_) => 11,
            Self::PilotForwardingInfo(_) => 12,
            Self::Acp127MessageIdentifier(_) => 13,
            Self::OriginatorPlad(_) => 14,
            Self::Acp127NotificationRequest(_) => 15,
            Self::Acp127NotificationResponse(_) => 16,
        }
    }

    /// The P772 number of an extension type, if it is one of ours.
    pub fn number_of(oid: &Oid) -> Option<u32> {
        let arcs: &[u32] = oid;
        match arcs.split_last() {
            Some((n, arc)) if arc == oids::ID_MMHS_MM && *n <= 16 => Some(*n),
            _ => None,
        }
    }

    /// Decodes a P772 extension; `None` if `ext` is not one (another standard's or private).
    pub fn decode(ext: &IpmsExtension) -> Option<Result<Self>> {
        let n = Self::number_of(&ext.type_id)?;
        Some(Self::decode_value(n, ext.value.as_deref()))
    }

    fn decode_value(n: u32, value: Option<&[u8]>) -> Result<Self> {
        let v = value
            .ok_or_else(|| BerError::new(0, format!("a value for P772 heading extension {n}")))?;
        let t = ber::single(v)?;
        Ok(match n {
            0 | 1 => {
                t.expect(tags::INTEGER, "MMHSPrecedence")?;
                let p = Precedence(t.integer()?);
                if n == 0 {
                    Self::PrimaryPrecedence(p)
                } else {
                    Self::CopyPrecedence(p)
                }
            }
            2 => {
                t.expect(tags::SET, "MessageType")?;
                Self::MessageType(MessageType::decode_tlv(&t)?)
            }
            3 => Self::AddressListIndicator(read_list_of(&t)?),
            4 => Self::ExemptedAddress(read_list_of(&t)?),
            5 => {
                t.expect(tags::UTC_TIME, "ExtendedAuthorisationInfo")?;
                Self::ExtendedAuthorisationInfo(read_time(&t)?)
            }
            6 => {
                t.expect(tags::SET, "DistributionCodes")?;
                Self::DistributionCodes(DistributionCodes::decode_tlv(&t)?)
            }
            7 => Self::HandlingInstructions(strings(&t)?),
            8 => Self::MessageInstructions(strings(&t)?),
            9 => Self::CodressMessage(t.integer()?),
            10 => Self::OriginatorReference(read_string(&t, MAX)?),
            11 => Self::OtherRecipientsIndicator(read_list_of(&t)?),
            12 => Self::PilotForwardingInfo(t.raw.to_vec()),
            13 => Self::Acp127MessageIdentifier(read_string(&t, MAX)?),
            14 => Self::OriginatorPlad(read_string(&t, MAX)?),
            15 => {
                let (u, b) = t.bit_string()?;
                Self::Acp127NotificationRequest(Acp127NotificationType(ber::named_bits(u, &b)))
            }
            _ => Self::Acp127NotificationResponse(t.raw.to_vec()),
        })
    }

    /// The BER of the value.
    pub fn value_ber(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Self::PrimaryPrecedence(p) | Self::CopyPrecedence(p) => {
                ber::write_integer(&mut out, tags::INTEGER, p.0)
            }
            Self::MessageType(m) => m.encode(&mut out),
            Self::AddressListIndicator(v) => write_list(&mut out, tags::SEQUENCE, v),
            Self::ExemptedAddress(v) => write_list(&mut out, tags::SEQUENCE, v),
            Self::ExtendedAuthorisationInfo(t) => write_string(&mut out, tags::UTC_TIME, &t.0),
            Self::DistributionCodes(d) => d.encode(&mut out),
            Self::HandlingInstructions(v) | Self::MessageInstructions(v) => {
                write_strings(&mut out, v)
            }
            Self::CodressMessage(i) => ber::write_integer(&mut out, tags::INTEGER, *i),
            Self::OriginatorReference(s)
            | Self::Acp127MessageIdentifier(s)
            | Self::OriginatorPlad(s) => write_string(&mut out, tags::PRINTABLE_STRING, s),
            Self::OtherRecipientsIndicator(v) => write_list(&mut out, tags::SEQUENCE, v),
            Self::PilotForwardingInfo(raw) | Self::Acp127NotificationResponse(raw) => {
                out.extend_from_slice(raw)
            }
            Self::Acp127NotificationRequest(b) => {
                ber::write(&mut out, tags::BIT_STRING, &ber::named_bits_contents(b.0))
            }
        }
        out
    }

    /// As a generic IPMS extension.
    pub fn to_extension(&self) -> IpmsExtension {
        let mut arcs = oids::ID_MMHS_MM.to_vec();
        arcs.push(self.number());
        IpmsExtension {
            // The arc is valid, so `new` cannot refuse it; fall back to the arc itself.
            type_id: ObjectIdentifier::new(arcs)
                .unwrap_or_else(|| ObjectIdentifier::from(oids::ID_MMHS_CONT_P772)),
            value: Some(self.value_ber()),
        }
    }
}

/// All P772 extensions among `exts` that decode; the errors of those that do not.
pub fn decode_all(exts: &[IpmsExtension]) -> (Vec<MmhsExtension>, Vec<BerError>) {
    let mut ok = Vec::new();
    let mut errs = Vec::new();
    for e in exts {
        match MmhsExtension::decode(e) {
            Some(Ok(x)) => ok.push(x),
            Some(Err(err)) => errs.push(err),
            None => {}
        }
    }
    (ok, errs)
}
