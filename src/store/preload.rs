//! Filling a store through the delivery API for benchmarks and acceptance runs
//! (`mstore-bench preload`). Messages come from the content builder (`content::builder`:
//! IPM, IPN, P772, AMHS, each with its X.411 delivery envelope, split by
//! `decode_message_delivery` into the envelope and content a P3 delivery would hand over), or,
//! with [`Generator::Simple`], from a small local generator whose content size is adjustable.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::error::Result;
use super::format::{EntryClass, EntryType};
use super::index::RetrievalStatus;
use super::{Delivered, MailboxName, NewEntry, Store, now_ms};
use crate::address::{ORAddress, ORName};
use crate::asn1::x411::decode_message_delivery;
use crate::content::builder::MessageBuilder;

/// Where preload's messages come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// `content::builder::MessageBuilder` (realistic IPM / IPN / P772 / AMHS messages, their
    /// own sizes).
    Builder,
    /// Simple BER envelopes and IPM-shaped contents of about the requested size.
    Simple,
}

/// A deterministic message for (`seed`, `index`) delivered to `recipient`.
pub fn message_for(
    generator: Generator,
    seed: u64,
    index: u64,
    size: usize,
    recipient: &ORName,
) -> Result<SampleMessage> {
    match generator {
        Generator::Simple => Ok(sample_message(seed, index, size)),
        Generator::Builder => {
            let built = MessageBuilder::new(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                .with_recipient(recipient.clone())
                .build_any();
            let rd = decode_message_delivery(&built.delivery_ber).map_err(|e| {
                super::StoreError::Invalid(format!("builder message does not decode: {e}"))
            })?;
            Ok(SampleMessage {
                envelope: rd.envelope,
                content: rd.content,
                entry_type: EntryType::DeliveredMessage,
            })
        }
    }
}

/// One generated message.
#[derive(Debug, Clone)]
pub struct SampleMessage {
    /// Envelope BER.
    pub envelope: Vec<u8>,
    /// Content BER.
    pub content: Vec<u8>,
    /// Delivered message or report.
    pub entry_type: EntryType,
}

/// BER TLV with a one-byte identifier and definite length.
fn tlv(out: &mut Vec<u8>, tag: u8, contents: &[u8]) {
    out.push(tag);
    let n = contents.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[0x81, n as u8]);
    } else if n <= 0xffff {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    } else {
        out.extend_from_slice(&[0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(contents);
}

const WORDS: &[&str] = &[
    "NOTAM",
    "METAR",
    "TAF",
    "SIGMET",
    "FLIGHT",
    "PLAN",
    "DELAY",
    "RUNWAY",
    "CLOSED",
    "WIND",
    "VISIBILITY",
    "CEILING",
    "ARRIVAL",
    "DEPARTURE",
    "SLOT",
    "ROUTE",
    "FUEL",
    "CREW",
    "GATE",
    "STAND",
    "ICING",
    "TURBULENCE",
    "ASHTAM",
    "SNOWTAM",
    "URGENT",
    "ROUTINE",
    "PRIORITY",
];

fn words(rng: &mut StdRng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        if !s.is_empty() {
            s.push(if rng.gen_ratio(1, 12) { '\n' } else { ' ' });
        }
        s.push_str(WORDS[rng.gen_range(0..WORDS.len())]);
    }
    s.truncate(bytes);
    s
}

/// A deterministic simple message for (`seed`, `index`) of roughly `size` bytes of content.
pub fn sample_message(seed: u64, index: u64, size: usize) -> SampleMessage {
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let is_report = rng.gen_ratio(1, 20);
    let priority: u8 = rng.gen_range(0..3);
    // Envelope: SEQUENCE { [APPLICATION 4] MTS identifier, UTCTime, SET { priority, ... } }.
    let mut mtsid = Vec::new();
    tlv(
        &mut mtsid,
        0x13,
        format!("BENCH{seed:x}.{index}").as_bytes(),
    );
    let mut fields = Vec::new();
    tlv(&mut fields, 0x64, &mtsid);
    tlv(&mut fields, 0x17, b"261128120000Z");
    let mut set = Vec::new();
    tlv(&mut set, 0x47, &[0x02, 0x01, priority]);
    tlv(&mut set, 0x06, &[0x56, 0x00, 0x01, 0x0a, 0x01]);
    tlv(&mut fields, 0x31, &set);
    let mut envelope = Vec::new();
    tlv(&mut envelope, 0x30, &fields);

    // Content: IPM-shaped SEQUENCE { heading SET { subject }, body SEQUENCE { IA5 text } }.
    let target = if size == 0 {
        0
    } else {
        rng.gen_range(size / 2..=size + size / 2)
    };
    let subject_len = rng.gen_range(8..60);
    let subject = words(&mut rng, subject_len);
    let text = words(&mut rng, target);
    let mut heading = Vec::new();
    tlv(&mut heading, 0x88, subject.as_bytes());
    let mut body = Vec::new();
    tlv(&mut body, 0x16, text.as_bytes());
    let mut ipm = Vec::new();
    tlv(&mut ipm, 0x31, &heading);
    tlv(&mut ipm, 0x30, &body);
    let mut content = Vec::new();
    tlv(&mut content, 0x30, &ipm);
    SampleMessage {
        envelope,
        content,
        entry_type: if is_report {
            EntryType::DeliveredReport
        } else {
            EntryType::DeliveredMessage
        },
    }
}

/// `n` distinct AMHS-style O/R addresses, deterministic for `seed`.
pub fn generate_recipients(n: usize, seed: u64) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    let letter = |rng: &mut StdRng| char::from(b'A' + rng.gen_range(0..26u8));
    while out.len() < n {
        let loc: String = (0..4).map(|_| letter(&mut rng)).collect();
        let who: String = (0..4).map(|_| letter(&mut rng)).collect();
        let a = format!("C=XX;A=ICAO;P=BENCH;O={loc};OU1={loc};CN={loc}{who}");
        if seen.insert(a.clone()) {
            out.push(a);
        }
    }
    out
}

/// What to preload.
#[derive(Debug, Clone)]
pub struct PreloadOptions {
    /// Owners, as O/R address text.
    pub recipients: Vec<String>,
    /// Messages in all.
    pub messages: u64,
    /// Seed of the generator.
    pub seed: u64,
    /// Approximate content size.
    pub size: usize,
    /// Fraction of messages left new; the rest are marked listed or processed.
    pub new_fraction: f64,
    /// Delivering threads (concurrent deliveries share commits).
    pub threads: usize,
    /// Where messages come from.
    pub generator: Generator,
}

/// Delivers `opts.messages` messages round-robin into the recipients' mailboxes.
/// `on_delivered` runs after each delivery returned (it is durable then); `progress` gets the
/// count done so far. Stops at the first error.
pub fn preload(
    store: &Store,
    opts: &PreloadOptions,
    on_delivered: &(dyn Fn(&Delivered) + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64> {
    let owners: Vec<(MailboxName, ORName)> = opts
        .recipients
        .iter()
        .map(|r| {
            r.parse::<ORAddress>()
                .map(|a| (MailboxName::from(&a), ORName::new(a)))
                .map_err(|e| super::StoreError::Invalid(format!("bad O/R address `{r}`: {e}")))
        })
        .collect::<Result<_>>()?;
    if owners.is_empty() {
        return Err(super::StoreError::Invalid("no recipients".into()));
    }
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let threads = opts.threads.max(1);
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for _ in 0..threads {
            handles.push(s.spawn(|| -> Result<()> {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= opts.messages || stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    let (name, orname) = &owners[(i % owners.len() as u64) as usize];
                    let m = message_for(opts.generator, opts.seed, i, opts.size, orname)
                        .inspect_err(|_| stop.store(true, Ordering::Relaxed))?;
                    let mut rng = StdRng::seed_from_u64(opts.seed.wrapping_add(i));
                    let status = if rng.gen_bool(opts.new_fraction.clamp(0.0, 1.0)) {
                        RetrievalStatus::New
                    } else if rng.gen_ratio(1, 4) {
                        RetrievalStatus::Listed
                    } else {
                        RetrievalStatus::Processed
                    };
                    let d = store
                        .add_entry(
                            name,
                            NewEntry {
                                class: EntryClass::Inbox,
                                entry_type: m.entry_type,
                                time_ms: now_ms(),
                                children: &[],
                                envelope: &m.envelope,
                                content: &m.content,
                                status,
                            },
                        )
                        .inspect_err(|_| stop.store(true, Ordering::Relaxed))?;
                    on_delivered(&d);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            }));
        }
        let mut first_err = Ok(());
        for h in handles {
            let r = h.join().unwrap_or_else(|_| {
                Err(super::StoreError::Unusable(
                    "preload thread panicked".into(),
                ))
            });
            if first_err.is_ok() {
                first_err = r;
            }
        }
        first_err
    })?;
    Ok(done.load(Ordering::Relaxed))
}
