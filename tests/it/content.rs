//! Issue 3: X.420 / P772 content decoding, attribute extraction, `mstorectl inspect`, the
//! message builder, checked against the real vendor sample and tshark as independent decoder.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;

use mstore::content::builder::{Flavor, MessageBuilder};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples")
}

/// The example files: (file name, seed, flavor, what goes in README).
const EXAMPLES: &[(&str, u64, Flavor)] = &[
    ("ipm", 1, Flavor::Ipm),
    ("ipn", 2, Flavor::Ipn),
    ("p772", 3, Flavor::P772),
    ("amhs-basic", 4, Flavor::AmhsBasic),
    ("amhs-extended", 5, Flavor::AmhsExtended),
];

/// Rewrites `config/examples/` when `MSTORE_WRITE_EXAMPLES` is set (before the check below,
/// in the same test so the two never race).
fn write_examples_when_asked() {
    if std::env::var_os("MSTORE_WRITE_EXAMPLES").is_none() {
        return;
    }
    let dir = examples_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, seed, flavor) in EXAMPLES {
        let m = MessageBuilder::new(*seed).build(*flavor);
        std::fs::write(dir.join(format!("{name}.content.ber")), &m.content_ber).unwrap();
        std::fs::write(dir.join(format!("{name}.delivery.ber")), &m.delivery_ber).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The real-captures folder: `../shared` beside the checkout, or `$MSTORE_SHARED` (worktrees
/// outside the main checkout).
fn fixtures() -> Option<PathBuf> {
    let beside = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real-captures"
    ));
    if beside.is_dir() {
        return Some(beside);
    }
    if let Some(s) = std::env::var_os("MSTORE_SHARED") {
        let p = PathBuf::from(s).join("fixtures/real-captures");
        if p.is_dir() {
            return Some(p);
        }
    }
    eprintln!("SKIPPED: fixtures not found at {}", beside.display());
    None
}

fn p772_sample() -> Option<Vec<u8>> {
    Some(std::fs::read(fixtures()?.join("p772-content.ber")).unwrap())
}

/// tshark's verbose decode of `content` as a STANAG 4406 content (tshark picks the BER syntax
/// by file extension, hence the `.p772` name).
fn tshark_p772(content: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("content.p772");
    std::fs::write(&f, content).unwrap();
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&f)
        .args(["-d", "ber.syntax==p772,p772", "-V"])
        .output()
        .expect("tshark must be installed (tools/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The value after `key: ` on every line (trimmed) that has it.
fn tshark_values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("{key}: ");
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix(prefix.as_str()))
        .collect()
}

/// The O/R name in the first `formal-name (/…/)` or `user (/…/)` line after a line equal to
/// `section`, as an ORName.
fn tshark_name_after(text: &str, section: &str) -> mstore::address::ORName {
    let mut seen = false;
    for l in text.lines().map(str::trim) {
        if l == section
            || l.starts_with(&format!("{section} "))
            || l.starts_with(&format!("{section}:"))
        {
            seen = true;
        }
        if seen && let Some(i) = l.find("(/") {
            let slash = l[i + 1..].trim_end_matches(')');
            return slash.parse().unwrap();
        }
    }
    panic!("no O/R name after {section}");
}

fn ext_bits_true(text: &str) -> Vec<String> {
    // Lines like `1... .... = rn: True`.
    text.lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(" = ")?;
            let name = rest.strip_suffix(": True")?;
            Some(name.to_string())
        })
        .collect()
}

fn inspect(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mstorectl"))
        .arg("inspect")
        .args(args)
        .output()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The real P772 sample against tshark

#[test]
fn real_p772_sample_matches_tshark() {
    let Some(content) = p772_sample() else { return };
    let (a, err) = mstore::content::extract(None, &content, mstore::content::ContentKind::P772);
    assert!(err.is_none(), "{err:?}");
    let t = tshark_p772(&content);
    assert!(
        !t.contains("Malformed"),
        "tshark itself finds the sample malformed"
    );

    assert_eq!(
        a.subject.as_deref(),
        tshark_values(&t, "subject").first().copied()
    );
    let local = tshark_values(&t, "user-relative-identifier")[0];
    let user = tshark_name_after(&t, "this-IPM");
    assert_eq!(a.this_ipm, Some(format!("{user} {local}")));
    let orig = tshark_name_after(&t, "originator");
    assert_eq!(a.originator, Some(orig.to_string()));

    assert_eq!(a.primary_recipients.len(), 1);
    let r = &a.primary_recipients[0];
    assert_eq!(
        r.recipient,
        tshark_name_after(&t, "primary-recipients").to_string()
    );
    assert_eq!(r.notification_requests, ext_bits_true(&t));
    assert_eq!(
        r.reply_requested,
        tshark_values(&t, "reply-requested")
            .first()
            .map(|v| *v == "True")
    );

    // `PrimaryPrecedence: immediate (3)`
    let p = tshark_values(&t, "PrimaryPrecedence")[0];
    let (name, num) = p.split_once(" (").unwrap();
    let num: i64 = num.trim_end_matches(')').parse().unwrap();
    assert_eq!(a.primary_precedence, Some(num));
    assert_eq!(mstore::asn1::p772::Precedence(num).name(), Some(name));

    // MessageType's `type: exercise (0)` is the `type:` line that has no OID in it.
    let mt = tshark_values(&t, "type")
        .into_iter()
        .find(|v| !v.contains('.'))
        .unwrap();
    let (mt_name, mt_num) = mt.split_once(" (").unwrap();
    let mt_num: i64 = mt_num.trim_end_matches(')').parse().unwrap();
    assert_eq!(a.message_type.as_ref().map(|m| m.0), Some(mt_num));
    assert_eq!(mstore::asn1::p772::type_message_name(mt_num), Some(mt_name));

    // `ExtendedAuthorisationInfo: 05-10-01 11:30:50 (UTC)` → 2005-10-01T11:30:50Z
    let eai = tshark_values(&t, "ExtendedAuthorisationInfo")[0].trim_end_matches(" (UTC)");
    let (d, tm) = eai.split_once(' ').unwrap();
    assert_eq!(
        a.extended_authorisation_info.as_deref(),
        Some(format!("20{d}T{tm}Z").as_str())
    );
    let mi: Vec<String> = tshark_values(&t, "MilitaryString")
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(a.message_instructions, mi);
    let sics: Vec<String> = tshark_values(&t, "Sic")
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(a.distribution_codes, sics);
    let data = tshark_values(&t, "data")[0];
    assert_eq!(a.text.replace('\r', "\\r").replace('\n', "\\n"), data);
}

#[test]
fn inspect_acceptance_on_the_real_sample() {
    let Some(dir) = fixtures() else { return };
    let f = dir.join("p772-content.ber");
    let out = inspect(&[f.to_str().unwrap(), "--content-type", "p772"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["subject"], "P772 Message");
    assert_eq!(j["primary-precedence"]["name"], "immediate");
    assert_eq!(j["primary-precedence"]["value"], 3);
    let o: mstore::address::ORName = j["originator"].as_str().unwrap().parse().unwrap();
    let want: mstore::address::ORName = "C=gb;A= ;P=smhs;O=percival;S=gal".parse().unwrap();
    assert_eq!(o.canonical(), want.canonical());
    assert_eq!(j["message-type"]["type"]["name"], "exercise");
    assert_eq!(j["content-type"], "1.3.26.0.4406.0.4.1");
    // auto detects P772 from the heading extensions.
    let out = inspect(&[f.to_str().unwrap()]);
    let j2: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j, j2);
}

#[test]
fn inspect_rejects_random_bytes_with_one_line_exit_2() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xdead);
    let dir = tempfile::tempdir().unwrap();
    for i in 0..8 {
        let n = rng.gen_range(1..400);
        let bytes: Vec<u8> = (0..n).map(|_| rng.r#gen()).collect();
        let f = dir.path().join(format!("r{i}.bin"));
        std::fs::write(&f, &bytes).unwrap();
        let out = inspect(&[f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "random input {i} accepted");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("offset"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Valid BER of the wrong type.
    let f = dir.path().join("seq.bin");
    std::fs::write(&f, [0x30, 0x03, 0x02, 0x01, 0x05]).unwrap();
    let out = inspect(&[f.to_str().unwrap(), "--content-type", "p22"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("offset 0") && err.contains("ipm [0] or ipn [1]"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Builder output against tshark

#[test]
fn builder_p772_content_decodes_cleanly_in_tshark() {
    let mut b = MessageBuilder::new(4406);
    for _ in 0..6 {
        let m = b.build(Flavor::P772);
        let (a, err) = mstore::content::extract(
            Some(&m.envelope),
            &m.content_ber,
            mstore::content::ContentKind::Auto,
        );
        assert!(err.is_none());
        let t = tshark_p772(&m.content_ber);
        for bad in [
            "Malformed",
            "Expert Info",
            "BER Error",
            "Dissector bug",
            "Unknown",
        ] {
            assert!(!t.contains(bad), "tshark reports {bad}:\n{t}");
        }
        assert_eq!(
            tshark_values(&t, "subject"),
            vec![a.subject.clone().unwrap()]
        );
        let p = a.primary_precedence.unwrap();
        let name = mstore::asn1::p772::Precedence(p).name().unwrap();
        assert_eq!(
            tshark_values(&t, "PrimaryPrecedence"),
            vec![format!("{name} ({p})")]
        );
        assert_eq!(
            tshark_values(&t, "Sic"),
            a.distribution_codes
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        let orig = tshark_name_after(&t, "originator");
        assert_eq!(a.originator, Some(orig.to_string()));
    }
}

#[test]
fn builder_ipm_and_amhs_content_decode_cleanly_in_tshark() {
    // tshark has no stand-alone P22 syntax; the P772 one decodes any IPM heading and body.
    let mut b = MessageBuilder::new(22);
    for f in [
        Flavor::Ipm,
        Flavor::Ipn,
        Flavor::AmhsBasic,
        Flavor::AmhsExtended,
    ] {
        for _ in 0..3 {
            let m = b.build(f);
            let t = tshark_p772(&m.content_ber);
            for bad in ["Malformed", "Expert Info", "BER Error", "Dissector bug"] {
                assert!(!t.contains(bad), "{f:?}: tshark reports {bad}:\n{t}");
            }
        }
    }
}

#[test]
fn examples_are_what_the_builder_makes() {
    write_examples_when_asked();
    let dir = examples_dir();
    for (name, seed, flavor) in EXAMPLES {
        let m = MessageBuilder::new(*seed).build(*flavor);
        let f = dir.join(format!("{name}.content.ber"));
        assert_eq!(
            std::fs::read(&f).unwrap(),
            m.content_ber,
            "{} is stale: rerun with MSTORE_WRITE_EXAMPLES=1",
            f.display()
        );
        let f = dir.join(format!("{name}.delivery.ber"));
        assert_eq!(std::fs::read(&f).unwrap(), m.delivery_ber);
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: decode(encode(x)) == x, indefinite and non-minimal lengths, garbage.

mod prop {
    use mstore::address::ORName;
    use mstore::asn1::ber::{self, Reader, Tag};
    use mstore::asn1::p772::{
        Acp127NotificationType, AddressListDesignator, DistributionCodes, MessageType,
        MmhsExtension, OtherRecipientDesignator, Precedence,
    };
    use mstore::asn1::x420::*;
    use proptest::collection::vec;
    use proptest::option::of;
    use proptest::prelude::*;

    fn printable() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 '()+,./:?=-]{0,24}"
    }

    fn teletex() -> impl Strategy<Value = String> {
        // Latin-1 range: what the codec carries octet for octet.
        "[ -~\u{a0}-\u{ff}]{0,40}"
    }

    fn time() -> impl Strategy<Value = Time> {
        "[0-9]{12}Z".prop_map(Time)
    }

    fn orname() -> impl Strategy<Value = ORName> {
        (
            prop::sample::select(vec!["gb", "de", "fr", "us", "XX"]),
            prop::sample::select(vec![" ", "ICAO", "mci"]),
            "[a-z]{1,8}",
            of("[a-z]{1,10}"),
            of("[A-Z][a-z]{1,10}"),
            of("[A-Z]{8}"),
        )
            .prop_map(|(c, a, p, o, s, cn)| {
                let mut t = format!("C={c};A={a};P={p}");
                if let Some(o) = o {
                    t.push_str(&format!(";O={o}"));
                }
                if let Some(s) = s {
                    t.push_str(&format!(";S={s}"));
                }
                if let Some(cn) = cn {
                    t.push_str(&format!(";CN={cn}"));
                }
                t.parse().unwrap()
            })
    }

    fn descriptor() -> impl Strategy<Value = ORDescriptor> {
        (of(orname()), of(teletex()), of("[0-9 +]{1,16}")).prop_map(|(n, f, t)| ORDescriptor {
            formal_name: n,
            free_form_name: f,
            telephone_number: t,
        })
    }

    fn ipm_id() -> impl Strategy<Value = IpmIdentifier> {
        (of(orname()), printable()).prop_map(|(u, l)| IpmIdentifier {
            user: u,
            user_relative_identifier: l,
        })
    }

    fn mmhs() -> impl Strategy<Value = MmhsExtension> {
        let s = || "[A-Z0-9 /]{1,20}";
        prop_oneof![
            (0i64..32).prop_map(|p| MmhsExtension::PrimaryPrecedence(Precedence(p))),
            (0i64..32).prop_map(|p| MmhsExtension::CopyPrecedence(Precedence(p))),
            (0i64..256, of(s())).prop_map(|(t, i)| MmhsExtension::MessageType(MessageType {
                type_: t,
                identifier: i
            })),
            vec((0i64..2, descriptor(), of(0i64..3), of(0i64..3)), 0..3).prop_map(|v| {
                MmhsExtension::AddressListIndicator(
                    v.into_iter()
                        .map(|(t, n, a, b)| AddressListDesignator {
                            type_: t,
                            list_name: n,
                            notification_request: a,
                            reply_request: b,
                        })
                        .collect(),
                )
            }),
            vec(descriptor(), 0..3).prop_map(MmhsExtension::ExemptedAddress),
            time().prop_map(MmhsExtension::ExtendedAuthorisationInfo),
            of(vec("[A-Z]{3,8}", 1..4)).prop_map(|s| MmhsExtension::DistributionCodes(
                DistributionCodes {
                    sics: s,
                    dist_extensions: None
                }
            )),
            vec(s(), 0..3).prop_map(MmhsExtension::HandlingInstructions),
            vec(s(), 0..3).prop_map(MmhsExtension::MessageInstructions),
            any::<i64>().prop_map(MmhsExtension::CodressMessage),
            s().prop_map(MmhsExtension::OriginatorReference),
            vec((0i64..2, s()), 0..3).prop_map(|v| MmhsExtension::OtherRecipientsIndicator(
                v.into_iter()
                    .map(|(t, d)| OtherRecipientDesignator {
                        type_: t,
                        designator: d
                    })
                    .collect()
            )),
            s().prop_map(MmhsExtension::Acp127MessageIdentifier),
            s().prop_map(MmhsExtension::OriginatorPlad),
            (0u32..8)
                .prop_map(|b| MmhsExtension::Acp127NotificationRequest(Acp127NotificationType(b))),
        ]
    }

    fn extension() -> impl Strategy<Value = IpmsExtension> {
        prop_oneof![
            mmhs().prop_map(|m| m.to_extension()),
            (1u32..1000, of(printable())).prop_map(|(n, v)| IpmsExtension {
                type_id: rasn::types::ObjectIdentifier::new(vec![1, 2, 826, 0, 1004, n]).unwrap(),
                value: v.map(|s| {
                    let mut o = Vec::new();
                    write_string(&mut o, ber::tags::PRINTABLE_STRING, &s);
                    o
                }),
            }),
        ]
    }

    fn recipient() -> impl Strategy<Value = RecipientSpecifier> {
        (
            descriptor(),
            of(0u32..32),
            of(any::<bool>()),
            of(vec(extension(), 0..2)),
        )
            .prop_map(|(r, n, rr, e)| RecipientSpecifier {
                recipient: r,
                notification_requests: n.map(NotificationRequests),
                reply_requested: rr,
                recipient_extensions: e,
            })
    }

    fn heading() -> impl Strategy<Value = Heading> {
        (
            (
                ipm_id(),
                of(descriptor()),
                of(vec(descriptor(), 0..2)),
                vec(recipient(), 0..3),
                vec(recipient(), 0..2),
                of(vec(recipient(), 0..2)),
                of(ipm_id()),
                vec(ipm_id(), 0..2),
            ),
            (
                vec(ipm_id(), 0..2),
                of(teletex()),
                of(time()),
                of(time()),
                of(vec(descriptor(), 0..2)),
                of(prop::sample::select(vec![
                    Importance::Low,
                    Importance::Normal,
                    Importance::High,
                ])),
                of(prop::sample::select(vec![
                    Sensitivity::Personal,
                    Sensitivity::Private,
                    Sensitivity::CompanyConfidential,
                ])),
                of(any::<bool>()),
                vec(extension(), 0..4),
            ),
        )
            .prop_map(
                |((ti, o, au, pr, cr, bcr, rt, ob), (rel, s, et, rti, rr, imp, sen, af, ex))| {
                    Heading {
                        this_ipm: ti,
                        originator: o,
                        authorizing_users: au,
                        primary_recipients: pr,
                        copy_recipients: cr,
                        blind_copy_recipients: bcr,
                        replied_to_ipm: rt,
                        obsoleted_ipms: ob,
                        related_ipms: rel,
                        subject: s,
                        expiry_time: et,
                        reply_time: rti,
                        reply_recipients: rr,
                        importance: imp,
                        sensitivity: sen,
                        auto_forwarded: af,
                        extensions: ex,
                    }
                },
            )
    }

    fn leaf_body_part() -> impl Strategy<Value = BodyPart> {
        prop_oneof![
            (of(prop::sample::select(vec![2i64, 5])), "[ -~\r\n]{0,200}").prop_map(|(r, d)| {
                BodyPart::Ia5Text {
                    repertoire: r,
                    data: d,
                }
            }),
            vec(teletex(), 0..3).prop_map(|d| BodyPart::Teletex {
                parameters: Vec::new(),
                data: d
            }),
            vec(any::<u8>(), 0..64).prop_map(BodyPart::BilaterallyDefined),
            ("[ -~]{0,80}", any::<bool>()).prop_map(|(t, params)| {
                let mut data = Vec::new();
                write_string(&mut data, ber::tags::GENERAL_STRING, &t);
                BodyPart::Extended(ExtendedBodyPart {
                    parameters: params.then(|| InstanceOf {
                        type_id: mstore::asn1::oids::ID_EP_GENERAL_TEXT.into(),
                        value: ExternalValue::Single(vec![0x31, 0x03, 0x02, 0x01, 0x01]),
                    }),
                    data: InstanceOf {
                        type_id: mstore::asn1::oids::ID_ET_GENERAL_TEXT.into(),
                        value: ExternalValue::Single(data),
                    },
                })
            }),
            // videotex [6]: kept as received.
            "[ -~]{0,20}".prop_map(|t| {
                let mut raw = Vec::new();
                ber::write_cons(&mut raw, Tag::ctx(6, true), |o| {
                    ber::write(o, ber::tags::SET, &[]);
                    write_string(o, ber::tags::VIDEOTEX_STRING, &t);
                });
                BodyPart::Other { tag: 6, raw }
            }),
        ]
    }

    fn ipm() -> impl Strategy<Value = Ipm> {
        let leaf = (heading(), vec(leaf_body_part(), 0..3)).prop_map(|(h, b)| Ipm {
            heading: h,
            body: b,
        });
        leaf.prop_recursive(2, 6, 2, |inner| {
            (
                heading(),
                vec(leaf_body_part(), 0..2),
                vec((of(time()), inner), 0..2),
            )
                .prop_map(|(h, mut b, fwd)| {
                    for (t, m) in fwd {
                        b.push(BodyPart::Message(MessageBodyPart {
                            delivery_time: t,
                            delivery_envelope: None,
                            ipm: Box::new(m),
                        }));
                    }
                    Ipm {
                        heading: h,
                        body: b,
                    }
                })
        })
    }

    fn ipn() -> impl Strategy<Value = Ipn> {
        let choice = prop_oneof![
            (0i64..2, of(0i64..4), of(printable())).prop_map(|(r, d, c)| IpnChoice::NonReceipt(
                NonReceiptFields {
                    non_receipt_reason: r,
                    discard_reason: d,
                    auto_forward_comment: c,
                    returned_ipm: None,
                    nrn_extensions: None,
                }
            )),
            (
                time(),
                of(0i64..2),
                of(printable()),
                of(vec(extension(), 0..2))
            )
                .prop_map(|(t, a, s, e)| IpnChoice::Receipt(ReceiptFields {
                    receipt_time: t,
                    acknowledgment_mode: a,
                    suppl_receipt_info: s,
                    rn_extensions: e,
                })),
            vec(extension(), 0..3).prop_map(IpnChoice::Other),
        ];
        (
            ipm_id(),
            of(descriptor()),
            of(descriptor()),
            of(vec(extension(), 0..2)),
            choice,
        )
            .prop_map(|(s, o, r, e, c)| Ipn {
                subject_ipm: s,
                ipn_originator: o,
                ipm_intended_recipient: r,
                conversion_eits: None,
                notification_extensions: e,
                choice: c,
            })
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Form {
        /// Constructed elements with indefinite lengths.
        Indefinite,
        /// Every length in the non-minimal three-octet form `82 hh ll`.
        Long,
        /// Minimal definite lengths (the canonical form to compare with).
        Minimal,
    }

    /// Re-encodes every element of `buf` in `form`.
    fn reencode(buf: &[u8], form: Form) -> Vec<u8> {
        fn identifier(tag: Tag) -> Vec<u8> {
            let mut h = Vec::new();
            ber::write_header(&mut h, tag, 0);
            h.pop();
            h
        }
        fn walk(r: &mut Reader<'_>, out: &mut Vec<u8>, form: Form) {
            while let Some(t) = r.next().unwrap() {
                let inner = if t.tag.constructed {
                    let mut inner = Vec::new();
                    walk(&mut t.reader("x").unwrap(), &mut inner, form);
                    inner
                } else {
                    t.contents.to_vec()
                };
                match form {
                    Form::Indefinite if t.tag.constructed => {
                        out.extend_from_slice(&identifier(t.tag));
                        out.push(0x80);
                        out.extend_from_slice(&inner);
                        out.extend_from_slice(&[0, 0]);
                    }
                    Form::Long => {
                        out.extend_from_slice(&identifier(t.tag));
                        out.push(0x82);
                        out.extend_from_slice(&(inner.len() as u16).to_be_bytes());
                        out.extend_from_slice(&inner);
                    }
                    _ => ber::write(out, t.tag, &inner),
                }
            }
        }
        let mut out = Vec::new();
        walk(&mut Reader::new(buf), &mut out, form);
        out
    }

    /// Decoding `form`'s re-encoding of `b` and encoding again gives `b` back, up to length
    /// forms (raw values such as unknown extensions are kept as received).
    fn same_after<T, E: std::fmt::Debug>(
        b: &[u8],
        form: Form,
        dec: impl Fn(&[u8]) -> Result<T, E>,
        enc: impl Fn(&T) -> Vec<u8>,
    ) -> bool {
        let v = dec(&reencode(b, form)).unwrap();
        reencode(&enc(&v), Form::Minimal) == b
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn heading_round_trips(h in heading()) {
            let b = h.to_ber();
            prop_assert_eq!(&Heading::from_ber(&b).unwrap(), &h);
            prop_assert!(same_after(&b, Form::Indefinite, Heading::from_ber, Heading::to_ber));
            prop_assert!(same_after(&b, Form::Long, Heading::from_ber, Heading::to_ber));
            // rasn sees the same encoding through the trait impls.
            prop_assert_eq!(rasn::ber::encode(&h).unwrap(), b.clone());
            prop_assert_eq!(rasn::ber::decode::<Heading>(&b).unwrap(), h);
        }

        #[test]
        fn ipm_round_trips(m in ipm()) {
            let io = InformationObject::Ipm(m);
            let b = io.to_ber();
            prop_assert_eq!(&InformationObject::from_ber(&b).unwrap(), &io);
            prop_assert!(same_after(&b, Form::Indefinite, InformationObject::from_ber, InformationObject::to_ber));
            prop_assert!(same_after(&b, Form::Long, InformationObject::from_ber, InformationObject::to_ber));
        }

        #[test]
        fn ipn_round_trips(n in ipn()) {
            let io = InformationObject::Ipn(n);
            let b = io.to_ber();
            prop_assert_eq!(&InformationObject::from_ber(&b).unwrap(), &io);
            prop_assert!(same_after(&b, Form::Indefinite, InformationObject::from_ber, InformationObject::to_ber));
            prop_assert!(same_after(&b, Form::Long, InformationObject::from_ber, InformationObject::to_ber));
        }

        #[test]
        fn p772_extensions_round_trip(x in mmhs()) {
            let e = x.to_extension();
            let back = MmhsExtension::decode(&e).unwrap().unwrap();
            prop_assert_eq!(&back, &x);
            let b = e.to_ber();
            prop_assert_eq!(&IpmsExtension::from_ber(&b).unwrap(), &e);
            let ind = reencode(&b, Form::Indefinite);
            let e2 = IpmsExtension::from_ber(&ind).unwrap();
            prop_assert_eq!(MmhsExtension::decode(&e2).unwrap().unwrap(), x);
        }

        #[test]
        fn truncated_content_is_an_error(m in ipm(), cut in any::<prop::sample::Index>()) {
            let b = InformationObject::Ipm(m).to_ber();
            let n = cut.index(b.len());
            prop_assert!(InformationObject::from_ber(&b[..n]).is_err());
            prop_assert!(mstore::content::decode_content(&b[..n], mstore::content::ContentKind::Auto).is_err());
        }

        #[test]
        fn garbage_never_panics(bytes in vec(any::<u8>(), 0..512)) {
            let _ = InformationObject::from_ber(&bytes);
            let _ = mstore::content::extract(None, &bytes, mstore::content::ContentKind::Auto);
            let _ = mstore::content::envelope::from_delivery_ber(&bytes);
        }

        #[test]
        fn fuzz_entry_point_on_random_bytes(bytes in vec(any::<u8>(), 0..1024)) {
            mstore::content::fuzzing::content_and_envelope(&bytes);
        }

        #[test]
        fn fuzz_entry_point_on_mutated_messages(
            seed in any::<u64>(),
            edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let m = mstore::content::builder::MessageBuilder::new(seed).build_any();
            for b in [m.content_ber, m.delivery_ber] {
                let mut b = b;
                for (i, v) in &edits {
                    let i = i.index(b.len());
                    b[i] = *v;
                }
                mstore::content::fuzzing::content_and_envelope(&b);
            }
        }

        #[test]
        fn corrupted_content_never_panics(m in ipm(), at in any::<prop::sample::Index>(), v in any::<u8>()) {
            let mut b = InformationObject::Ipm(m).to_ber();
            let i = at.index(b.len());
            b[i] = v;
            let _ = mstore::content::extract(None, &b, mstore::content::ContentKind::Auto);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Builder delivery envelopes (P3 MessageDeliveryArgument) against tshark. tshark decodes P3 only
// inside an OSI stack: the argument goes into a ROS invoke of message-delivery (5) in a
// presentation PDV on context 3, after session Give-Tokens + Data-Transfer, in a one-packet
// pcap of link type USER0 handed to the session dissector; context 3 is bound to
// id-as-mdse-88 (2.6.0.2.2) by the `pres_context_list` preference (the technique of the x411
// tests).

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    mstore::asn1::ber::write(
        &mut v,
        mstore::asn1::ber::Tag {
            class: tag & 0xc0,
            constructed: tag & 0x20 != 0,
            number: u32::from(tag & 0x1f),
        },
        body,
    );
    v
}

fn delivery_pcap(argument: &[u8]) -> Vec<u8> {
    let mut ros = vec![0x02, 0x01, 0x01, 0x02, 0x01, 0x05];
    ros.extend_from_slice(argument);
    let mut pdv = vec![0x02, 0x01, 0x03];
    pdv.extend(tlv(0xa0, &tlv(0xa1, &ros)));
    let mut payload = vec![0x01, 0x00, 0x01, 0x00];
    payload.extend(tlv(0x61, &tlv(0x30, &pdv)));
    let mut v = Vec::new();
    v.extend(0xa1b2_c3d4u32.to_le_bytes()); // pcap magic
    v.extend(2u16.to_le_bytes());
    v.extend(4u16.to_le_bytes());
    for x in [0u32, 0, 65535, 147, 1_795_845_600, 0] {
        v.extend(x.to_le_bytes());
    }
    v.extend((payload.len() as u32).to_le_bytes());
    v.extend((payload.len() as u32).to_le_bytes());
    v.extend(payload);
    v
}

fn tshark_delivery(argument: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("delivery.pcap");
    std::fs::write(&f, delivery_pcap(argument)).unwrap();
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&f)
        .args([
            "-o",
            r#"uat:user_dlts:"User 0 (DLT=147)","ses","0","","0","""#,
        ])
        .args(["-o", r#"uat:pres_context_list:"3","2.6.0.2.2""#])
        .arg("-V")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn builder_delivery_envelopes_decode_cleanly_in_tshark() {
    let mut b = MessageBuilder::new(411);
    for f in [Flavor::Ipm, Flavor::P772, Flavor::AmhsBasic] {
        for _ in 0..2 {
            let m = b.build(f);
            let t = tshark_delivery(&m.delivery_ber);
            for bad in [
                "Malformed",
                "BER Error",
                "Expert Info (Error",
                "Expert Info (Warning",
                "Dissector is not available",
            ] {
                assert!(!t.contains(bad), "{f:?}: tshark reports {bad}:\n{t}");
            }
            let (a, err) = mstore::content::extract(
                Some(&m.envelope),
                &m.content_ber,
                mstore::content::ContentKind::Auto,
            );
            assert!(err.is_none());
            // The envelope's names and the content inside it, as tshark shows them.
            let this = tshark_name_after(&t, "this-recipient-name");
            assert_eq!(a.this_recipient_name, Some(this.to_string()));
            if let Some(s) = &a.subject {
                // The first subject is the message's (forwarded messages follow).
                assert_eq!(
                    tshark_values(&t, "subject").first(),
                    Some(&s.as_str()),
                    "{t}"
                );
            }
            if let Some(p) = a.primary_precedence {
                let name = mstore::asn1::p772::Precedence(p).name().unwrap();
                assert_eq!(
                    tshark_values(&t, "PrimaryPrecedence"),
                    vec![format!("{name} ({p})")]
                );
            }
        }
    }
}
