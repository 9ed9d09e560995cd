//! Filling a store through the delivery API for benchmarks and acceptance runs
//! (`mstore-bench preload`). Messages come from [`sample_message`]: the content builder's
//! messages with a text body of the requested size.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::error::Result;
use super::format::{EntryClass, EntryType};
use super::index::RetrievalStatus;
use super::{Delivered, MailboxName, NewEntry, Store, now_ms};
use crate::address::ORAddress;

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

/// A deterministic message for (`seed`, `index`) of roughly `size` bytes of content: a message
/// of the content builder (civil IPM, notification, P772, AMHS) whose IPM text body part is
/// replaced by `size` ± 50% of generated words, delivered as a real X.411
/// MessageDeliveryArgument, so the attribute index sees priority, precedence, originator,
/// subject and text as it would from an MTA.
pub fn sample_message(seed: u64, index: u64, size: usize) -> SampleMessage {
    use crate::asn1::x420::{BodyPart, InformationObject};
    let mix = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut rng = StdRng::seed_from_u64(mix);
    let mut built = crate::content::builder::MessageBuilder::new(mix).build_any();
    let target = if size == 0 {
        0
    } else {
        rng.gen_range(size / 2..=size + size / 2)
    };
    let content = if let InformationObject::Ipm(ipm) = &mut built.content {
        let text = words(&mut rng, target);
        ipm.body.retain(|b| !matches!(b, BodyPart::Ia5Text { .. }));
        ipm.body.insert(
            0,
            BodyPart::Ia5Text {
                repertoire: None,
                data: text,
            },
        );
        built.content.to_ber()
    } else {
        built.content_ber.clone()
    };
    let envelope = crate::content::envelope::to_delivery_ber(
        &built.envelope,
        ["XX", "ICAO", "BENCH"],
        &content,
    );
    SampleMessage {
        envelope,
        content,
        entry_type: EntryType::DeliveredMessage,
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
    let names: Vec<MailboxName> = opts
        .recipients
        .iter()
        .map(|r| {
            r.parse::<ORAddress>()
                .map(|a| MailboxName::from(&a))
                .map_err(|e| super::StoreError::Invalid(format!("bad O/R address `{r}`: {e}")))
        })
        .collect::<Result<_>>()?;
    if names.is_empty() {
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
                    let m = sample_message(opts.seed, i, opts.size);
                    let name = &names[(i % names.len() as u64) as usize];
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
