//! Issue 3: X.420 / P772 content decoding, attribute extraction, `mstorectl inspect`, the
//! message builder, checked against the real vendor sample and tshark as independent decoder.

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

#[test]
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
