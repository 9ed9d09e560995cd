//! Message builder: realistic, varied X.420 IPMs, STANAG 4406 (P772) military messages and
//! ICAO AMHS messages (basic and extended ATS message service), each with its X.411 delivery
//! envelope, from a seed (rand 0.8 `StdRng`), so tests and `mstore-bench preload` get the same
//! messages every run.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::address::ORName;
use crate::asn1::oids;
use crate::asn1::p772::{DistributionCodes, MessageType, MmhsExtension, Precedence};
use crate::asn1::x420::{
    BodyPart, ExtendedBodyPart, ExternalValue, Heading, Importance, InformationObject, InstanceOf,
    Ipm, IpmIdentifier, IpmsExtension, Ipn, IpnChoice, MessageBodyPart, NotificationRequests,
    ORDescriptor, ReceiptFields, RecipientSpecifier, Sensitivity, Time, write_string,
};
use crate::asn1::{ber, x420::BerType};

use super::amhs::{self, AtsHeader};
use super::attributes::{ContentTypeId, EntryType, Priority};
use super::envelope;
use super::extract::DeliveryEnvelope;

/// The kinds of message the builder makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// A civil X.420 (P22) IPM.
    Ipm,
    /// An X.420 receipt or non-receipt notification.
    Ipn,
    /// A STANAG 4406 military message.
    P772,
    /// AMHS basic ATS message service: ATS-message-header at the start of the IA5 text.
    AmhsBasic,
    /// AMHS extended ATS message service: the header information in heading fields.
    AmhsExtended,
}

impl Flavor {
    /// All flavors.
    pub const ALL: [Flavor; 5] = [
        Flavor::Ipm,
        Flavor::Ipn,
        Flavor::P772,
        Flavor::AmhsBasic,
        Flavor::AmhsExtended,
    ];
}

/// One built message.
#[derive(Clone, Debug)]
pub struct BuiltMessage {
    /// What was built.
    pub flavor: Flavor,
    /// The content as a value.
    pub content: InformationObject,
    /// The content octets.
    pub content_ber: Vec<u8>,
    /// The delivery envelope fields.
    pub envelope: DeliveryEnvelope,
    /// The X.411 MessageDeliveryArgument (envelope + content), as an MTA would deliver it.
    pub delivery: crate::asn1::x411::MessageDeliveryArgument,
    /// Its BER.
    pub delivery_ber: Vec<u8>,
}

/// Makes messages from a seed.
#[derive(Debug)]
pub struct MessageBuilder {
    rng: StdRng,
    counter: u64,
    /// Unix time of the first message; each message is a little later than the previous.
    clock: u64,
    recipient: Option<ORName>,
}

const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
    "Wright", "Martin", "Dubois", "Moreau", "Schmidt", "Weber", "Rossi", "Bianchi", "Garcia",
    "Nielsen", "Jansen", "Novak", "Kowalski", "Chan", "Wong", "Okafor", "Haddad",
];
const GIVEN: &[&str] = &[
    "Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Karl",
    "Lena", "Mike", "Nora", "Oscar", "Pia",
];
const CIVIL_DOMAINS: &[(&str, &str, &str, &[&str])] = &[
    ("gb", " ", "acme", &["sales", "engineering", "hq"]),
    ("de", "viaT", "example", &["einkauf", "it"]),
    ("fr", "atlas", "exemple", &["direction", "support"]),
    ("us", "mci", "widgets", &["accounts", "ops", "legal"]),
    ("nl", "400net", "voorbeeld", &["logistiek"]),
];
const MIL_DOMAINS: &[(&str, &str, &str, &[&str])] = &[
    ("gb", " ", "mod", &["jhq", "fleet", "land"]),
    ("nl", " ", "mindef", &["dmo", "cznsk"]),
    ("de", " ", "bwi", &["kdo-streitkraefte"]),
    ("xx", "nato", "shape", &["j3", "j6", "cis"]),
];
/// (location indicator, PRMD, region organisation) for CAAS-style AMHS addresses.
const AMHS_SITES: &[(&str, &str, &str, &str)] = &[
    ("EGLL", "GB", "EGTT", "EUROPE"),
    ("LFPG", "FR", "LFFF", "EUROPE"),
    ("EDDF", "DE", "EDGG", "EUROPE"),
    ("EHAM", "NL", "EHAA", "EUROPE"),
    ("VHHH", "HK", "HONGKONG", "HKGCAD"),
    ("KJFK", "US", "KZNY", "USA"),
    ("YSSY", "AU", "YBBB", "AUSTRALIA"),
];
const SUBJECTS: &[&str] = &[
    "Quarterly figures",
    "Meeting on Thursday",
    "Re: delivery schedule",
    "Draft contract v3",
    "Server maintenance window",
    "Minutes of the board meeting",
    "Invoice 2026-1187",
    "Travel request",
    "Welcome aboard",
    "Network outage report",
];
const MIL_SUBJECTS: &[&str] = &[
    "SITREP 042",
    "LOGSTAT daily",
    "OPORD amendment 2",
    "Exercise STEADFAST movement table",
    "Frequency allocation",
    "Personnel return",
    "INTREP follow-up",
    "Readiness state change",
];
const LINES: &[&str] = &[
    "Please find the details below.",
    "The figures were checked twice and agree with the ledger.",
    "Let me know if the proposed time does not suit you.",
    "All systems will be unavailable between 0200 and 0400 UTC.",
    "The shipment left the warehouse this morning.",
    "Action items are listed at the end of this note.",
    "No further action is required at this time.",
    "Reply by end of business on Friday.",
    "Units report all equipment serviceable.",
    "Grid reference to follow by secure means.",
];
const ATS_TEXTS: &[&str] = &[
    "METAR {loc} {ddhhmm}Z 24012KT 9999 FEW030 12/07 Q1018 NOSIG=",
    "TAF {loc} {ddhhmm}Z 2812/2918 22010KT 9999 SCT025 TEMPO 2814/2818 4000 SHRA=",
    "(FPL-BAW117-IS\r\n-B77W/H-SDE3FGHIJ4J5M1RWXYZ/LB1D1\r\n-{loc}1130\r\n-N0490F350 DCT\r\n-KJFK0712)",
    "NOTAMN A1234/26 Q) {loc}/QMRLC/IV/NBO/A/000/999/ A) {loc} E) RWY 09L/27R CLSD",
    "(DEP-DLH4AB-{loc}1245-EDDF)",
    "SIGMET 2 VALID {ddhhmm}/281600 {loc}- SEV TURB FCST FL250/350 MOV E 20KT NC=",
];
const SICS: &[&str] = &["ABC", "AAA", "JKL", "QRS", "XYZ", "ZZA", "MFN"];
const HANDLING: &[&str] = &["EXCLUSIVE", "PERSONAL FOR", "SPECAT", "NOFORN"];
const INSTRUCTIONS: &[&str] = &["Message Instruction", "ZNY", "ZUI ASL", "QSL"];

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// UTCTime text (`YYMMDDhhmmssZ`) of a Unix time.
pub fn utc_time(unix: u64) -> Time {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let (y, m, d) = civil_from_days(days);
    Time(format!(
        "{:02}{m:02}{d:02}{:02}{:02}{:02}Z",
        y.rem_euclid(100),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

fn name(s: &str) -> ORName {
    s.parse().unwrap_or_default()
}

impl MessageBuilder {
    /// A builder whose output depends only on `seed`. Messages start at 2026-11-28T06:00Z.
    pub fn new(seed: u64) -> Self {
        MessageBuilder {
            rng: StdRng::seed_from_u64(seed),
            counter: 0,
            clock: 1_795_845_600,
            recipient: None,
        }
    }

    /// Deliver every message to this recipient (a store mailbox) instead of a random one.
    pub fn with_recipient(mut self, recipient: ORName) -> Self {
        self.recipient = Some(recipient);
        self
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        // The pools are non-empty constants.
        v.choose(&mut self.rng).unwrap_or_else(|| &v[0])
    }

    fn civil_name(&mut self, mil: bool) -> ORName {
        let (c, a, p, ous) = *self.pick(if mil { MIL_DOMAINS } else { CIVIL_DOMAINS });
        let ou = *self.pick(ous);
        let s = *self.pick(SURNAMES);
        let g = *self.pick(GIVEN);
        let o = if mil { "hq" } else { "mail" };
        name(&format!("C={c};A={a};P={p};O={o};OU1={ou};S={s};G={g}"))
    }

    fn amhs_name(&mut self) -> (ORName, &'static str) {
        let (loc, country, prmd, region) = *self.pick(AMHS_SITES);
        let suffix = *self.pick(&["ZQZX", "ZTZX", "YFYX", "ZPZX", "YMYX"]);
        let aftn = format!("{loc}{suffix}");
        let n = if self.rng.gen_bool(0.5) {
            // CAAS addressing.
            format!("C={country};A=ICAO;P={prmd};O={region};OU1={loc};CN={aftn}")
        } else {
            // XF addressing.
            format!("C={country};A=ICAO;P={prmd};O=AFTN;OU1={aftn}")
        };
        (name(&n), loc)
    }

    fn next_time(&mut self) -> u64 {
        self.clock += self.rng.gen_range(5..600);
        self.clock
    }

    fn text(&mut self, lines: usize) -> String {
        let mut t = String::new();
        for _ in 0..lines {
            let line: &str = self.pick::<&str>(LINES);
            t.push_str(line);
            t.push_str("\r\n");
        }
        t
    }

    fn ipm_id(&mut self, user: &ORName, at: u64) -> IpmIdentifier {
        self.counter += 1;
        let t = utc_time(at).0;
        IpmIdentifier {
            user: Some(user.clone()),
            user_relative_identifier: format!("{}.{:06}", t.trim_end_matches('Z'), self.counter),
        }
    }

    fn recipient_spec(&mut self, n: ORName) -> RecipientSpecifier {
        let mut r = RecipientSpecifier {
            recipient: ORDescriptor::name(n),
            ..Default::default()
        };
        if self.rng.gen_bool(0.3) {
            r.notification_requests =
                Some(NotificationRequests(*self.pick(&[0b01u32, 0b10, 0b11])));
        }
        if self.rng.gen_bool(0.2) {
            r.reply_requested = Some(true);
        }
        r
    }

    /// Builds one message of `flavor`.
    pub fn build(&mut self, flavor: Flavor) -> BuiltMessage {
        let at = self.next_time();
        let (content, env) = match flavor {
            Flavor::Ipm => self.civil(at),
            Flavor::Ipn => self.notification(at),
            Flavor::P772 => self.military(at),
            Flavor::AmhsBasic => self.amhs(at, false),
            Flavor::AmhsExtended => self.amhs(at, true),
        };
        let content_ber = content.to_ber();
        let gdi = match flavor {
            Flavor::AmhsBasic | Flavor::AmhsExtended => ["XX", "ICAO", "AMHS"],
            Flavor::P772 => ["gb", " ", "mod"],
            _ => ["gb", " ", "acme"],
        };
        let delivery = envelope::to_delivery_argument(&env, gdi, &content_ber);
        let delivery_ber = rasn::ber::encode(&delivery).unwrap_or_default();
        BuiltMessage {
            flavor,
            content,
            content_ber,
            envelope: env,
            delivery,
            delivery_ber,
        }
    }

    /// Builds one message of a random flavor (civil IPMs most often).
    pub fn build_any(&mut self) -> BuiltMessage {
        let f = *self.pick(&[
            Flavor::Ipm,
            Flavor::Ipm,
            Flavor::Ipm,
            Flavor::Ipn,
            Flavor::P772,
            Flavor::P772,
            Flavor::AmhsBasic,
            Flavor::AmhsExtended,
        ]);
        self.build(f)
    }

    fn envelope(
        &mut self,
        at: u64,
        originator: &ORName,
        recipient: &ORName,
        others: Vec<ORName>,
        content_type: ContentTypeId,
        priority: Priority,
    ) -> DeliveryEnvelope {
        let submitted = at.saturating_sub(self.rng.gen_range(1..120));
        DeliveryEnvelope {
            entry_type: EntryType::DeliveredMessage,
            message_delivery_identifier: Some(format!("{:08X}{:04}", at, self.counter % 10_000)),
            message_delivery_time: Some(utc_time(at)),
            content_type: Some(content_type),
            originator_name: Some(originator.clone()),
            this_recipient_name: Some(recipient.clone()),
            other_recipient_names: others,
            priority: Some(priority),
            message_submission_time: Some(utc_time(submitted)),
            content_identifier: self
                .rng
                .gen_bool(0.3)
                .then(|| format!("CID-{:05}", self.counter)),
            subject_submission_identifier: None,
            message_security_label: None,
        }
    }

    fn this_recipient(&mut self, mil: bool) -> ORName {
        match &self.recipient {
            Some(r) => r.clone(),
            None => self.civil_name(mil),
        }
    }

    fn heading(&mut self, at: u64, mil: bool) -> (Heading, ORName, ORName, Vec<ORName>) {
        let from = self.civil_name(mil);
        let to = self.this_recipient(mil);
        let mut h = Heading::new(self.ipm_id(&from, at));
        h.originator = Some(ORDescriptor::name(from.clone()));
        h.primary_recipients.push(self.recipient_spec(to.clone()));
        let mut others = Vec::new();
        for _ in 0..self.rng.gen_range(0..3) {
            let n = self.civil_name(mil);
            others.push(n.clone());
            let spec = self.recipient_spec(n);
            if self.rng.gen_bool(0.5) {
                h.primary_recipients.push(spec);
            } else {
                h.copy_recipients.push(spec);
            }
        }
        if self.rng.gen_bool(0.2) {
            h.importance =
                Some(*self.pick(&[Importance::Low, Importance::Normal, Importance::High]));
        }
        if self.rng.gen_bool(0.1) {
            h.sensitivity = Some(*self.pick(&[
                Sensitivity::Personal,
                Sensitivity::Private,
                Sensitivity::CompanyConfidential,
            ]));
        }
        if self.rng.gen_bool(0.1) {
            h.expiry_time = Some(utc_time(at + 7 * 86_400));
        }
        if self.rng.gen_bool(0.1) {
            h.reply_time = Some(utc_time(at + 86_400));
        }
        (h, from, to, others)
    }

    fn civil(&mut self, at: u64) -> (InformationObject, DeliveryEnvelope) {
        let (mut h, from, to, others) = self.heading(at, false);
        h.subject = Some(self.pick(SUBJECTS).to_string());
        let n = self.rng.gen_range(2..8);
        let mut body = vec![BodyPart::Ia5Text {
            repertoire: None,
            data: self.text(n),
        }];
        if self.rng.gen_bool(0.25) {
            // A general-text extended body part (ISO 8859-1 repertoire, registration 1/6/100).
            let n = self.rng.gen_range(1..4);
            let mut data = Vec::new();
            write_string(&mut data, ber::tags::GENERAL_STRING, &self.text(n));
            let mut params = Vec::new();
            ber::write_cons(&mut params, ber::tags::SET, |p| {
                for reg in [1i64, 6, 100] {
                    ber::write_integer(p, ber::tags::INTEGER, reg);
                }
            });
            body.push(BodyPart::Extended(ExtendedBodyPart {
                parameters: Some(InstanceOf {
                    type_id: oids::ID_EP_GENERAL_TEXT.into(),
                    value: ExternalValue::Single(params),
                }),
                data: InstanceOf {
                    type_id: oids::ID_ET_GENERAL_TEXT.into(),
                    value: ExternalValue::Single(data),
                },
            }));
        }
        if self.rng.gen_bool(0.15) {
            // A forwarded message: becomes a child entry in the store.
            let earlier = at.saturating_sub(3600);
            let (fh, ..) = self.heading(earlier, false);
            let mut fh = fh;
            fh.subject = Some(self.pick(SUBJECTS).to_string());
            let n = self.rng.gen_range(1..4);
            body.push(BodyPart::Message(MessageBodyPart {
                delivery_time: Some(utc_time(earlier)),
                delivery_envelope: None,
                ipm: Box::new(Ipm {
                    heading: fh,
                    body: vec![BodyPart::Ia5Text {
                        repertoire: None,
                        data: self.text(n),
                    }],
                }),
            }));
            h.subject = h.subject.map(|s| format!("Fwd: {s}"));
        }
        if self.rng.gen_bool(0.1) {
            let n = self.rng.gen_range(16..256);
            let bytes: Vec<u8> = (0..n).map(|_| self.rng.r#gen()).collect();
            body.push(BodyPart::BilaterallyDefined(bytes));
        }
        let prio = *self.pick(&[
            Priority::Normal,
            Priority::Normal,
            Priority::NonUrgent,
            Priority::Urgent,
        ]);
        let env = self.envelope(at, &from, &to, others, ContentTypeId::p22(), prio);
        (InformationObject::Ipm(Ipm { heading: h, body }), env)
    }

    fn notification(&mut self, at: u64) -> (InformationObject, DeliveryEnvelope) {
        let from = self.civil_name(false);
        let to = self.this_recipient(false);
        let subject_ipm = self.ipm_id(&to, at.saturating_sub(7200));
        let choice = if self.rng.gen_bool(0.7) {
            IpnChoice::Receipt(ReceiptFields {
                receipt_time: utc_time(at.saturating_sub(30)),
                acknowledgment_mode: self.rng.gen_bool(0.5).then_some(1),
                suppl_receipt_info: None,
                rn_extensions: None,
            })
        } else {
            IpnChoice::NonReceipt(crate::asn1::x420::NonReceiptFields {
                non_receipt_reason: 0,
                discard_reason: Some(*self.pick(&[0i64, 1, 2])),
                auto_forward_comment: None,
                returned_ipm: None,
                nrn_extensions: None,
            })
        };
        let ipn = Ipn {
            subject_ipm,
            ipn_originator: Some(ORDescriptor::name(from.clone())),
            ipm_intended_recipient: None,
            conversion_eits: None,
            notification_extensions: None,
            choice,
        };
        let env = self.envelope(
            at,
            &from,
            &to,
            Vec::new(),
            ContentTypeId::p22(),
            Priority::Normal,
        );
        (InformationObject::Ipn(ipn), env)
    }

    fn military(&mut self, at: u64) -> (InformationObject, DeliveryEnvelope) {
        let (mut h, from, to, others) = self.heading(at, true);
        h.subject = Some(self.pick(MIL_SUBJECTS).to_string());
        let prec = Precedence(*self.pick(&[1i64, 1, 1, 2, 2, 3, 4, 5, 0]));
        let mut exts = vec![
            MmhsExtension::PrimaryPrecedence(prec),
            MmhsExtension::MessageType(MessageType {
                type_: *self.pick(&[0i64, 1, 1, 2, 3]),
                identifier: self
                    .rng
                    .gen_bool(0.5)
                    .then(|| format!("EX-{}", self.rng.gen_range(100..999))),
            }),
        ];
        if !h.copy_recipients.is_empty() {
            exts.push(MmhsExtension::CopyPrecedence(Precedence(prec.0.min(2))));
        }
        if self.rng.gen_bool(0.6) {
            exts.push(MmhsExtension::ExtendedAuthorisationInfo(utc_time(
                at.saturating_sub(300),
            )));
        }
        if self.rng.gen_bool(0.5) {
            let sics = (0..self.rng.gen_range(1..4))
                .map(|_| self.pick(SICS).to_string())
                .collect();
            exts.push(MmhsExtension::DistributionCodes(DistributionCodes {
                sics: Some(sics),
                dist_extensions: None,
            }));
        }
        if self.rng.gen_bool(0.3) {
            exts.push(MmhsExtension::HandlingInstructions(vec![
                self.pick(HANDLING).to_string(),
            ]));
        }
        if self.rng.gen_bool(0.4) {
            exts.push(MmhsExtension::MessageInstructions(vec![
                self.pick(INSTRUCTIONS).to_string(),
            ]));
        }
        if self.rng.gen_bool(0.4) {
            exts.push(MmhsExtension::OriginatorReference(format!(
                "REF/{}/{}",
                self.rng.gen_range(1..99),
                self.rng.gen_range(1000..9999)
            )));
        }
        if self.rng.gen_bool(0.2) {
            exts.push(MmhsExtension::Acp127MessageIdentifier(format!(
                "RBDCSAA {:04} {}",
                self.rng.gen_range(1..9999),
                &utc_time(at).0[4..10]
            )));
        }
        if self.rng.gen_bool(0.2) {
            exts.push(MmhsExtension::OriginatorPlad(format!(
                "HQ {} MAIN",
                self.pick(&["NORTH", "SOUTH", "FLEET", "AIR"])
            )));
        }
        h.extensions = exts.iter().map(MmhsExtension::to_extension).collect();
        // ACP 127 notification requested of the first recipient now and then.
        if self.rng.gen_bool(0.3)
            && let Some(r) = h.primary_recipients.first_mut()
        {
            r.recipient_extensions = Some(vec![
                MmhsExtension::Acp127NotificationRequest(
                    crate::asn1::p772::Acp127NotificationType(0b011),
                )
                .to_extension(),
            ]);
        }
        let n = self.rng.gen_range(2..10);
        let body = vec![BodyPart::Ia5Text {
            repertoire: None,
            data: self.text(n),
        }];
        let priority = match prec.0 {
            0 | 1 => Priority::Normal,
            2 => Priority::Normal,
            _ => Priority::Urgent,
        };
        let env = self.envelope(at, &from, &to, others, ContentTypeId::p772(), priority);
        (InformationObject::Ipm(Ipm { heading: h, body }), env)
    }

    fn amhs(&mut self, at: u64, extended: bool) -> (InformationObject, DeliveryEnvelope) {
        let (from, loc) = self.amhs_name();
        let to = match &self.recipient {
            Some(r) => r.clone(),
            None => self.amhs_name().0,
        };
        let pri = *self.pick(&["SS", "DD", "FF", "FF", "GG", "GG", "GG", "KK"]);
        let filing = utc_time(at.saturating_sub(self.rng.gen_range(0..300)));
        let ddhhmm = filing.0.get(4..10).unwrap_or("010000").to_string();
        let ohi = self.rng.gen_bool(0.4).then(|| {
            format!(
                "{} {}",
                self.pick(&["ATIS", "FPL", "NOTAM", "MET"]),
                self.counter
            )
        });
        let text = self
            .pick(ATS_TEXTS)
            .replace("{loc}", loc)
            .replace("{ddhhmm}", &ddhhmm)
            + "\r\n";
        let mut h = Heading::new(self.ipm_id(&from, at));
        h.originator = Some(ORDescriptor::name(from.clone()));
        h.primary_recipients.push(RecipientSpecifier {
            recipient: ORDescriptor::name(to.clone()),
            ..Default::default()
        });
        let data = if extended {
            // Extended service: filing time → authorization-time (GeneralizedTime), OHI →
            // originators-reference; the text carries no header.
            let mut t = Vec::new();
            write_string(
                &mut t,
                ber::tags::GENERALIZED_TIME,
                &format!("20{}", filing.0),
            );
            h.extensions.push(IpmsExtension {
                type_id: oids::ID_HEX_AUTHORIZATION_TIME.into(),
                value: Some(t),
            });
            if let Some(o) = &ohi {
                // OriginatorsReference ::= UniversalOrBMPString: SET { character-encoding
                // CHOICE { two-octets BMPString, … } }.
                let utf16: Vec<u8> = o.encode_utf16().flat_map(u16::to_be_bytes).collect();
                let mut v = Vec::new();
                ber::write_cons(&mut v, ber::tags::SET, |s| {
                    ber::write(s, ber::tags::BMP_STRING, &utf16)
                });
                h.extensions.push(IpmsExtension {
                    type_id: oids::ID_HEX_ORIGINATORS_REFERENCE.into(),
                    value: Some(v),
                });
            }
            h.subject = Some(
                text.lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(40)
                    .collect(),
            );
            text
        } else {
            let header = AtsHeader {
                priority: pri.to_string(),
                filing_time: ddhhmm,
                optional_heading_info: ohi,
            };
            format!("{header}{text}")
        };
        let body = vec![BodyPart::Ia5Text {
            repertoire: None,
            data,
        }];
        let env = self.envelope(
            at,
            &from,
            &to,
            Vec::new(),
            ContentTypeId::p22(),
            amhs::envelope_priority(pri),
        );
        (InformationObject::Ipm(Ipm { heading: h, body }), env)
    }
}

/// Encodes a heading alone (helper for property tests and examples).
pub fn heading_ber(h: &Heading) -> Vec<u8> {
    h.to_ber()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ContentKind, extract};

    #[test]
    fn utc_time_formats() {
        assert_eq!(utc_time(0).0, "700101000000Z");
        assert_eq!(utc_time(1_795_845_600).0, "261128060000Z");
    }

    #[test]
    fn every_flavor_decodes_and_extracts() {
        let mut b = MessageBuilder::new(7);
        for _ in 0..40 {
            for f in Flavor::ALL {
                let m = b.build(f);
                let back = InformationObject::from_ber(&m.content_ber).unwrap();
                assert_eq!(back, m.content);
                let env = envelope::from_delivery_ber(&m.delivery_ber).unwrap();
                assert_eq!(env.this_recipient_name, m.envelope.this_recipient_name);
                assert_eq!(
                    envelope::content_of_delivery(&m.delivery_ber).unwrap(),
                    m.content_ber
                );
                let (a, err) = extract(Some(&env), &m.content_ber, ContentKind::Auto);
                assert!(err.is_none(), "{f:?}: {err:?}");
                match f {
                    Flavor::P772 => assert!(a.primary_precedence.is_some()),
                    Flavor::AmhsBasic => assert_eq!(a.ats_service, Some("basic")),
                    Flavor::AmhsExtended => {
                        assert_eq!(a.ats_service, Some("extended"));
                        assert!(a.ats_filing_time.is_some());
                    }
                    Flavor::Ipn => assert!(a.subject_ipm.is_some()),
                    Flavor::Ipm => assert!(a.subject.is_some()),
                }
            }
        }
    }

    #[test]
    fn extract_delivery_matches_extract() {
        let mut b = MessageBuilder::new(9);
        for _ in 0..20 {
            let m = b.build_any();
            let (a, e) = crate::content::extract_delivery(&m.delivery);
            assert!(e.is_none());
            let env = envelope::from_delivery_ber(&m.delivery_ber).unwrap();
            assert_eq!(a, extract(Some(&env), &m.content_ber, ContentKind::Auto).0);
            assert_eq!(
                a.originator_name,
                m.envelope.originator_name.map(|n| n.to_string())
            );
            assert_eq!(a.priority, m.envelope.priority);
        }
    }

    #[test]
    fn same_seed_same_messages() {
        let a: Vec<Vec<u8>> = (0..10)
            .map({
                let mut b = MessageBuilder::new(42);
                move |_| b.build_any().delivery_ber
            })
            .collect();
        let c: Vec<Vec<u8>> = (0..10)
            .map({
                let mut b = MessageBuilder::new(42);
                move |_| b.build_any().delivery_ber
            })
            .collect();
        assert_eq!(a, c);
    }
}
