//! `mstorectl trace`: decode an OSI upper-layer exchange from a capture (pcap, pcapng, or a
//! text2pcap-style hex dump) layer by layer — RFC 1006 TPKT, ISO 8073 TPDU, X.225 SPDU,
//! X.226 PPDU, X.227 APDU, X.880 ROSE (and X.228 RTSE shape) — with the mstore codecs, so
//! what it shows is what the store will see. Anything our codecs cannot decode is flagged and
//! makes the command exit 1.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow, bail};
use bytes::Bytes;
use rasn::types::ObjectIdentifier;

use crate::asn1::oids;
use crate::ctl::{CtlError, CtlResult};
use crate::osi::acse::{self, Apdu, Diagnostic, External, ExternalEncoding, RosBind};
use crate::osi::presentation::{self as pres, Expect, PdvValue, Ppdu, UserData};
use crate::osi::rose::{self, Problem, RosePdu};
use crate::osi::rtse::{self, Rtse};
use crate::osi::session::{self, Kind, Spdu};
use crate::osi::tp0::{self, Tpdu};
use crate::osi::tpkt;

/// Arguments of `mstorectl trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// A pcap / pcapng capture, or a hex dump as text2pcap reads (Ethernet frames; a line
    /// may start with `I` or `O` for direction when it holds bare TPKT bytes).
    pub file: PathBuf,
    /// The RFC 1006 server port (default: 102, or any TCP stream that starts with a TPKT).
    #[arg(long)]
    pub port: Option<u16>,
}

/// Runs the command.
pub fn run(args: TraceArgs) -> CtlResult {
    let data = std::fs::read(&args.file)
        .map_err(|e| CtlError::Input(format!("cannot read {}: {e}", args.file.display())))?;
    let report = trace(&data, args.port)
        .map_err(|e| CtlError::Input(format!("{}: {e:#}", args.file.display())))?;
    print!("{}", report.text);
    if report.problems > 0 {
        return Err(CtlError::Failed(anyhow!(
            "{} item(s) could not be decoded",
            report.problems
        )));
    }
    Ok(())
}

/// What a trace produced.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The listing.
    pub text: String,
    /// How many things could not be decoded.
    pub problems: usize,
    /// How many TPKTs were seen.
    pub tpkts: usize,
}

// ---------------------------------------------------------------------------------------------
// Capture reading

/// One captured frame: its number (from 1), link type and bytes.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Frame number, from 1.
    pub number: usize,
    /// pcap link type (1 Ethernet, 0 BSD loopback, 101/228 raw IP, 113 Linux cooked), or
    /// [`LINK_TPKT_IN`] / [`LINK_TPKT_OUT`] for bare TPKT bytes from a hex dump.
    pub linktype: u32,
    /// The frame.
    pub data: Vec<u8>,
}

/// Pseudo link type: bare TPKT bytes, initiator → responder (hex dump `I` lines).
pub const LINK_TPKT_IN: u32 = 0xffff_0001;
/// Pseudo link type: bare TPKT bytes, responder → initiator (hex dump `O` lines).
pub const LINK_TPKT_OUT: u32 = 0xffff_0002;

fn u32_at(b: &[u8], at: usize, le: bool) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(if le {
        u32::from_le_bytes(s)
    } else {
        u32::from_be_bytes(s)
    })
}

fn u16_at(b: &[u8], at: usize, le: bool) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
    Some(if le {
        u16::from_le_bytes(s)
    } else {
        u16::from_be_bytes(s)
    })
}

/// Reads the frames of a pcap, pcapng or text hex dump.
pub fn read_capture(data: &[u8]) -> anyhow::Result<Vec<Frame>> {
    match u32_at(data, 0, true) {
        Some(0xa1b2_c3d4 | 0xa1b2_3c4d) => read_pcap(data, true),
        Some(0xd4c3_b2a1 | 0x4d3c_b2a1) => read_pcap(data, false),
        Some(0x0a0d_0d0a) => read_pcapng(data),
        _ => read_hexdump(data),
    }
}

fn read_pcap(data: &[u8], le: bool) -> anyhow::Result<Vec<Frame>> {
    let linktype = u32_at(data, 20, le).context("pcap header truncated")?;
    let mut out = Vec::new();
    let mut off = 24;
    while off < data.len() {
        let incl = u32_at(data, off + 8, le).context("pcap record header truncated")? as usize;
        let body = data
            .get(off + 16..off + 16 + incl)
            .context("pcap record truncated")?;
        out.push(Frame {
            number: out.len() + 1,
            linktype,
            data: body.to_vec(),
        });
        off += 16 + incl;
    }
    Ok(out)
}

fn read_pcapng(data: &[u8]) -> anyhow::Result<Vec<Frame>> {
    let mut out = Vec::new();
    let mut interfaces: Vec<u32> = Vec::new();
    let mut le = true;
    let mut off = 0;
    while off < data.len() {
        let btype = u32_at(data, off, le).context("pcapng block truncated")?;
        if btype == 0x0a0d_0d0a {
            // Section header: the byte-order magic decides the endianness of what follows.
            le = u32_at(data, off + 8, true) == Some(0x1a2b_3c4d);
            interfaces.clear();
        }
        let len = u32_at(data, off + 4, le).context("pcapng block truncated")? as usize;
        if len < 12 {
            bail!("pcapng block length {len} too small");
        }
        let body = data
            .get(off + 8..off + len - 4)
            .context("pcapng block truncated")?;
        match btype {
            1 => interfaces.push(u32::from(
                u16_at(body, 0, le).context("pcapng IDB truncated")?,
            )),
            6 => {
                let ifc = u32_at(body, 0, le).context("pcapng EPB truncated")? as usize;
                let cap = u32_at(body, 12, le).context("pcapng EPB truncated")? as usize;
                let pkt = body.get(20..20 + cap).context("pcapng EPB truncated")?;
                let linktype = interfaces.get(ifc).copied().unwrap_or(1);
                out.push(Frame {
                    number: out.len() + 1,
                    linktype,
                    data: pkt.to_vec(),
                });
            }
            3 => {
                let orig = u32_at(body, 0, le).context("pcapng SPB truncated")? as usize;
                let pkt = body
                    .get(4..4 + orig.min(body.len().saturating_sub(4)))
                    .unwrap_or_default();
                let linktype = interfaces.first().copied().unwrap_or(1);
                out.push(Frame {
                    number: out.len() + 1,
                    linktype,
                    data: pkt.to_vec(),
                });
            }
            _ => {}
        }
        off += len;
    }
    Ok(out)
}

/// text2pcap's input: lines of `offset hex hex …` (anything after the bytes, such as an ASCII
/// column, is ignored); offset 0 starts a new packet.
fn read_hexdump(data: &[u8]) -> anyhow::Result<Vec<Frame>> {
    let text = std::str::from_utf8(data).context("neither a pcap nor a text hex dump")?;
    let mut out: Vec<Frame> = Vec::new();
    for line in text.lines() {
        let mut line = line.trim_start();
        let mut dir = None;
        if let Some(rest) = line.strip_prefix("I ") {
            dir = Some(LINK_TPKT_IN);
            line = rest.trim_start();
        } else if let Some(rest) = line.strip_prefix("O ") {
            dir = Some(LINK_TPKT_OUT);
            line = rest.trim_start();
        }
        let (offset, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if offset.len() < 2 || !offset.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(offset) = usize::from_str_radix(offset, 16) else {
            continue;
        };
        // An ASCII column follows the bytes after three or more spaces (tshark -x, od);
        // cut it off so text such as "AB" is never read as a byte.
        let rest = rest.trim_start();
        let tokens = rest
            .split("   ")
            .next()
            .unwrap_or_default()
            .split_whitespace();
        let mut bytes = Vec::new();
        for t in tokens {
            if t.len() != 2 {
                break;
            }
            match u8::from_str_radix(t, 16) {
                Ok(b) => bytes.push(b),
                Err(_) => break,
            }
        }
        if bytes.is_empty() {
            continue;
        }
        if offset == 0 || out.is_empty() {
            let number = out.len() + 1;
            out.push(Frame {
                number,
                linktype: dir.unwrap_or(1),
                data: Vec::new(),
            });
        }
        if let Some(f) = out.last_mut() {
            // Continuation lines overlapping what we have (ASCII columns misread as hex)
            // are cut back to the stated offset.
            f.data.truncate(offset);
            f.data.extend_from_slice(&bytes);
        }
    }
    if out.is_empty() {
        bail!("no packets found (not a pcap, pcapng or hex dump)");
    }
    Ok(out)
}

/// A TCP segment's addressing and payload.
#[derive(Debug, Clone)]
struct Segment {
    src: String,
    dst: String,
    sport: u16,
    dport: u16,
    seq: u32,
    syn: bool,
    payload: Vec<u8>,
}

fn ip_tcp(ip: &[u8]) -> Option<Segment> {
    let version = ip.first()? >> 4;
    let (src, dst, proto, payload) = match version {
        4 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(u16_at(ip, 2, false)?);
            let src = ip.get(12..16)?;
            let dst = ip.get(16..20)?;
            let proto = *ip.get(9)?;
            // The IP length, not the frame, bounds the payload: Ethernet pads short frames.
            let payload = ip.get(ihl..total.min(ip.len()))?;
            let fmt = |a: &[u8]| {
                a.iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(".")
            };
            (fmt(src), fmt(dst), proto, payload)
        }
        6 => {
            let plen = usize::from(u16_at(ip, 4, false)?);
            let proto = *ip.get(6)?;
            let fmt = |a: &[u8]| {
                let words: Vec<String> = a
                    .chunks(2)
                    .map(|c| {
                        format!(
                            "{:x}",
                            u16::from_be_bytes([
                                c.first().copied().unwrap_or(0),
                                c.get(1).copied().unwrap_or(0)
                            ])
                        )
                    })
                    .collect();
                format!("[{}]", words.join(":"))
            };
            (
                fmt(ip.get(8..24)?),
                fmt(ip.get(24..40)?),
                proto,
                ip.get(40..40 + plen.min(ip.len().saturating_sub(40)))?,
            )
        }
        _ => return None,
    };
    if proto != 6 {
        return None;
    }
    let doff = usize::from(payload.get(12)? >> 4) * 4;
    Some(Segment {
        src,
        dst,
        sport: u16_at(payload, 0, false)?,
        dport: u16_at(payload, 2, false)?,
        seq: u32_at(payload, 4, false)?,
        syn: payload.get(13)? & 0x02 != 0,
        payload: payload.get(doff..)?.to_vec(),
    })
}

fn segment(f: &Frame) -> Option<Segment> {
    match f.linktype {
        1 => {
            let mut et = u16_at(&f.data, 12, false)?;
            let mut off = 14;
            while et == 0x8100 || et == 0x88a8 {
                et = u16_at(&f.data, off + 2, false)?;
                off += 4;
            }
            if et != 0x0800 && et != 0x86dd {
                return None;
            }
            ip_tcp(f.data.get(off..)?)
        }
        0 => ip_tcp(f.data.get(4..)?),
        101 | 228 | 229 => ip_tcp(&f.data),
        113 => ip_tcp(f.data.get(16..)?),
        276 => ip_tcp(f.data.get(20..)?),
        _ => None,
    }
}

/// One direction of a TCP connection, reassembled.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// The bytes, in sequence order.
    pub data: Vec<u8>,
    /// For each appended segment: stream offset where it ends, and its frame number.
    pub ends: Vec<(usize, usize)>,
    /// Octets missing from the capture.
    pub gaps: usize,
}

impl Stream {
    /// The frame holding stream offset `end - 1`.
    fn frame_of(&self, end: usize) -> usize {
        self.ends
            .iter()
            .find(|(e, _)| *e >= end)
            .map(|(_, f)| *f)
            .unwrap_or(0)
    }
}

/// Both directions of one RFC 1006 connection.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Initiator address:port.
    pub initiator: String,
    /// Responder address:port.
    pub responder: String,
    /// Initiator → responder.
    pub to_responder: Stream,
    /// Responder → initiator.
    pub to_initiator: Stream,
}

type Key = (String, u16, String, u16);
/// One direction's segments (with frame numbers), its initial sequence number, and whether
/// it sent a SYN.
type Direction = (Vec<(usize, Segment)>, Option<u32>, bool);

fn reassemble(segs: &[(usize, Segment)], isn: Option<u32>) -> Stream {
    let mut st = Stream::default();
    let Some(base) = isn.or_else(|| {
        segs.iter()
            .find(|(_, s)| !s.payload.is_empty())
            .map(|(_, s)| s.seq)
    }) else {
        return st;
    };
    let mut parts: Vec<(u64, usize, &[u8])> = segs
        .iter()
        .filter(|(_, s)| !s.payload.is_empty())
        .map(|(n, s)| {
            (
                u64::from(s.seq.wrapping_sub(base)),
                *n,
                s.payload.as_slice(),
            )
        })
        .collect();
    parts.sort_by_key(|(o, n, _)| (*o, *n));
    for (off, frame, data) in parts {
        let have = st.data.len() as u64 + st.gaps as u64;
        if off > have {
            st.gaps += (off - have) as usize;
        }
        let skip = (have.saturating_sub(off)) as usize;
        if let Some(new) = data.get(skip..)
            && !new.is_empty()
        {
            st.data.extend_from_slice(new);
            st.ends.push((st.data.len(), frame));
        }
    }
    st
}

/// Groups the capture's TCP segments into RFC 1006 conversations.
pub fn conversations(frames: &[Frame], port: Option<u16>) -> Vec<Conversation> {
    // Bare TPKT frames from a hex dump form one conversation of their own.
    if frames
        .iter()
        .any(|f| f.linktype == LINK_TPKT_IN || f.linktype == LINK_TPKT_OUT)
    {
        let mut c = Conversation {
            initiator: "initiator".into(),
            responder: "responder".into(),
            to_responder: Stream::default(),
            to_initiator: Stream::default(),
        };
        for f in frames {
            let s = if f.linktype == LINK_TPKT_OUT {
                &mut c.to_initiator
            } else {
                &mut c.to_responder
            };
            s.data.extend_from_slice(&f.data);
            s.ends.push((s.data.len(), f.number));
        }
        return vec![c];
    }
    let mut order: Vec<Key> = Vec::new();
    let mut dirs: BTreeMap<Key, Direction> = BTreeMap::new();
    for f in frames {
        let Some(s) = segment(f) else { continue };
        let key = (s.src.clone(), s.sport, s.dst.clone(), s.dport);
        let e = dirs.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            (Vec::new(), None, false)
        });
        if s.syn {
            e.1 = Some(s.seq.wrapping_add(1));
            e.2 = true;
        }
        e.0.push((f.number, s));
    }
    let mut out = Vec::new();
    let mut done: Vec<Key> = Vec::new();
    for key in &order {
        if done.contains(key) {
            continue;
        }
        let mut rev = (key.2.clone(), key.3, key.0.clone(), key.1);
        if !dirs.contains_key(&rev) {
            // Rewritten or anonymised captures (the fixtures are) may show other addresses
            // on the way back: pair by ports then.
            if let Some(k) = order
                .iter()
                .find(|k| k.1 == key.3 && k.3 == key.1 && *k != key && !done.contains(k))
            {
                rev = k.clone();
            }
        }
        done.push(key.clone());
        done.push(rev.clone());
        let empty = (Vec::new(), None, false);
        let a = dirs.get(key).unwrap_or(&empty);
        let b = dirs.get(&rev).unwrap_or(&empty);
        let sa = reassemble(&a.0, a.1);
        let sb = reassemble(&b.0, b.1);
        let is_tpkt = |s: &Stream| s.data.first() == Some(&3);
        let wanted = match port {
            Some(p) => key.1 == p || key.3 == p,
            None => key.1 == 102 || key.3 == 102 || is_tpkt(&sa) || is_tpkt(&sb),
        };
        if !wanted || (sa.data.is_empty() && sb.data.is_empty()) {
            continue;
        }
        // The initiator is the side that sent the first SYN (no ACK), else the side whose
        // destination is the server port, else the side that spoke first.
        let a_initiates = if a.2 && !b.2 {
            true
        } else if b.2 && !a.2 {
            false
        } else {
            let server = port.unwrap_or(102);
            if key.3 == server {
                true
            } else if key.1 == server {
                false
            } else {
                sa.ends.first().map(|e| e.1).unwrap_or(usize::MAX)
                    <= sb.ends.first().map(|e| e.1).unwrap_or(usize::MAX)
            }
        };
        let ep = |h: &str, p: u16| format!("{h}:{p}");
        let (ai, ar) = (ep(&key.0, key.1), ep(&key.2, key.3));
        out.push(if a_initiates {
            Conversation {
                initiator: ai,
                responder: ar,
                to_responder: sa,
                to_initiator: sb,
            }
        } else {
            Conversation {
                initiator: ar,
                responder: ai,
                to_responder: sb,
                to_initiator: sa,
            }
        });
    }
    out
}

/// Writes a byte exchange as a pcap of Ethernet/IPv4/TCP frames (client 10.0.0.1:40000,
/// server 10.0.0.2:`server_port`, a SYN / SYN-ACK first, payloads cut into 1460-octet
/// segments), so an independent decoder such as tshark can dissect what a stack sent.
/// `to_server` marks each chunk's direction.
pub fn write_pcap(exchange: &[(bool, &[u8])], server_port: u16) -> Vec<u8> {
    let mut out = Vec::new();
    // pcap header: magic, version 2.4, zone, accuracy, snaplen, Ethernet.
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let mut seq = [1000u32, 5000u32];
    let mut frame = |to_server: bool, flags: u8, payload: &[u8]| {
        let (sp, dp) = if to_server {
            (40000u16, server_port)
        } else {
            (server_port, 40000)
        };
        let (sip, dip) = if to_server {
            ([10, 0, 0, 1], [10, 0, 0, 2])
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1])
        };
        let (me, peer) = if to_server {
            (seq[0], seq[1])
        } else {
            (seq[1], seq[0])
        };
        let ack_flag = if flags & 0x02 != 0 && to_server {
            0
        } else {
            0x10
        };
        let mut tcp = Vec::with_capacity(20 + payload.len());
        tcp.extend_from_slice(&sp.to_be_bytes());
        tcp.extend_from_slice(&dp.to_be_bytes());
        tcp.extend_from_slice(&me.to_be_bytes());
        tcp.extend_from_slice(&(if ack_flag == 0 { 0 } else { peer }).to_be_bytes());
        tcp.extend_from_slice(&[0x50, flags | ack_flag, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(payload);
        let advance = payload.len() as u32 + u32::from(flags & 0x02 != 0);
        if to_server {
            seq[0] = me.wrapping_add(advance);
        } else {
            seq[1] = me.wrapping_add(advance);
        }
        let total = (20 + tcp.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        ip.extend_from_slice(&sip);
        ip.extend_from_slice(&dip);
        let mut sum: u32 = ip
            .chunks(2)
            .map(|c| {
                u32::from(u16::from_be_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ]))
            })
            .sum();
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        let check = !(sum as u16);
        if let Some(c) = ip.get_mut(10..12) {
            c.copy_from_slice(&check.to_be_bytes());
        }
        ip.extend_from_slice(&tcp);
        let mut eth = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
        eth.extend_from_slice(&ip);
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&(eth.len() as u32).to_le_bytes());
        out.extend_from_slice(&(eth.len() as u32).to_le_bytes());
        out.extend_from_slice(&eth);
    };
    frame(true, 0x02, &[]);
    frame(false, 0x02, &[]);
    for (to_server, bytes) in exchange {
        for seg in bytes.chunks(1460) {
            frame(*to_server, 0x08, seg);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Decoding and printing

/// Decodes and prints every RFC 1006 conversation in a capture.
pub fn trace(data: &[u8], port: Option<u16>) -> anyhow::Result<Report> {
    let frames = read_capture(data)?;
    let convs = conversations(&frames, port);
    let mut t = Tracer::default();
    if convs.is_empty() {
        t.problem("no RFC 1006 (TPKT) TCP conversation found".into());
    }
    for c in &convs {
        t.conversation(c);
    }
    Ok(Report {
        text: t.out,
        problems: t.problems,
        tpkts: t.tpkts,
    })
}

#[derive(Debug, Default)]
struct Tracer {
    out: String,
    problems: usize,
    tpkts: usize,
    /// Presentation contexts proposed: id → abstract syntax.
    contexts: BTreeMap<i64, ObjectIdentifier>,
    acse_ctx: Option<i64>,
    app_context: Option<ObjectIdentifier>,
}

fn printable(b: &[u8]) -> String {
    if !b.is_empty() && b.iter().all(|c| (0x20..0x7f).contains(c)) {
        format!("\"{}\"", String::from_utf8_lossy(b))
    } else {
        hex(b)
    }
}

fn hex(b: &[u8]) -> String {
    if b.is_empty() {
        return "(empty)".into();
    }
    let mut s = String::with_capacity(b.len() * 2);
    for (i, x) in b.iter().enumerate() {
        if i == 48 {
            let _ = write!(s, "…(+{})", b.len() - 48);
            break;
        }
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn oid_str(o: &[u32]) -> String {
    let dotted = o
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(".");
    match oids::osi_name(o) {
        Some(n) => format!("{dotted} ({n})"),
        None => dotted,
    }
}

fn tpdu_size(code: Option<u8>) -> String {
    match code {
        Some(c) => format!("{} (code 0x{c:02x})", tp0::tpdu_size(c)),
        None => "absent (128 by default)".into(),
    }
}

fn ctx_result(r: i64) -> &'static str {
    match r {
        0 => "acceptance",
        1 => "user-rejection",
        2 => "provider-rejection",
        _ => "?",
    }
}

fn ctx_reason(r: i64) -> &'static str {
    match r {
        0 => "reason-not-specified",
        1 => "abstract-syntax-not-supported",
        2 => "proposed-transfer-syntaxes-not-supported",
        3 => "local-limit-on-DCS-exceeded",
        _ => "?",
    }
}

fn cpr_reason(r: i64) -> &'static str {
    match r {
        0 => "reason-not-specified",
        1 => "temporary-congestion",
        2 => "local-limit-exceeded",
        3 => "called-presentation-address-unknown",
        4 => "protocol-version-not-supported",
        5 => "default-context-not-supported",
        6 => "user-data-not-readable",
        7 => "no-PSAP-available",
        _ => "?",
    }
}

fn aare_result(r: i64) -> &'static str {
    match r {
        0 => "accepted",
        1 => "rejected-permanent",
        2 => "rejected-transient",
        _ => "?",
    }
}

fn problem_str(p: &Problem) -> String {
    let (kind, v, names): (&str, i64, &[&str]) = match p {
        Problem::General(v) => (
            "general",
            *v,
            &["unrecognizedPDU", "mistypedPDU", "badlyStructuredPDU"],
        ),
        Problem::Invoke(v) => (
            "invoke",
            *v,
            &[
                "duplicateInvocation",
                "unrecognizedOperation",
                "mistypedArgument",
                "resourceLimitation",
                "releaseInProgress",
                "unrecognizedLinkedId",
                "linkedResponseUnexpected",
                "unexpectedLinkedOperation",
            ],
        ),
        Problem::ReturnResult(v) => (
            "returnResult",
            *v,
            &[
                "unrecognizedInvocation",
                "resultResponseUnexpected",
                "mistypedResult",
            ],
        ),
        Problem::ReturnError(v) => (
            "returnError",
            *v,
            &[
                "unrecognizedInvocation",
                "errorResponseUnexpected",
                "unrecognizedError",
                "unexpectedError",
                "mistypedParameter",
            ],
        ),
    };
    let name = usize::try_from(v)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("?");
    format!("{kind} {v} ({name})")
}

fn tlv_summary(b: &[u8]) -> String {
    match crate::osi::ber::read_tlv(b) {
        Ok(Some((t, _))) => format!(
            "{} {} octets{}",
            t.tag,
            b.len(),
            if t.indefinite {
                ", indefinite length"
            } else {
                ""
            }
        ),
        _ => format!("{} octets", b.len()),
    }
}

impl Tracer {
    fn line(&mut self, indent: usize, s: impl AsRef<str>) {
        let _ = writeln!(self.out, "{:width$}{}", "", s.as_ref(), width = indent);
    }

    fn problem(&mut self, s: String) {
        self.problems += 1;
        let _ = writeln!(self.out, "    !! UNDECODABLE: {s}");
    }

    fn conversation(&mut self, c: &Conversation) {
        self.contexts.clear();
        self.acse_ctx = None;
        self.app_context = None;
        self.line(
            0,
            format!(
                "== {} (initiator) -> {} (responder)",
                c.initiator, c.responder
            ),
        );
        for (s, name) in [
            (&c.to_responder, "initiator"),
            (&c.to_initiator, "responder"),
        ] {
            if s.gaps > 0 {
                self.problem(format!(
                    "{} octets missing from the {name}'s stream",
                    s.gaps
                ));
            }
        }
        // TPKTs of both directions in capture order.
        let mut items: Vec<(usize, bool, Bytes)> = Vec::new();
        for (s, up) in [(&c.to_responder, true), (&c.to_initiator, false)] {
            let mut off = 0;
            while off < s.data.len() {
                let rest = s.data.get(off..).unwrap_or_default();
                match tpkt::decode(rest, 65535) {
                    Ok(Some((t, used))) => {
                        off += used;
                        items.push((s.frame_of(off), up, t.payload));
                    }
                    Ok(None) => {
                        let f = s.frame_of(s.data.len());
                        self.problem(format!(
                            "frame {f}: {} trailing octets are an incomplete TPKT: {}",
                            rest.len(),
                            hex(rest)
                        ));
                        break;
                    }
                    Err(e) => {
                        let f = s.frame_of(off + 1);
                        self.problem(format!("frame {f}: {e}"));
                        break;
                    }
                }
            }
        }
        items.sort_by_key(|(f, up, _)| (*f, !*up));
        let mut tsdu: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
        for (frame, up, payload) in items {
            self.tpkts += 1;
            let arrow = if up { "I->R" } else { "R->I" };
            let tpdu = match tp0::decode(&payload) {
                Ok(Some((t, _))) => t,
                Ok(None) => {
                    self.line(
                        0,
                        format!("#{frame} {arrow} TPKT {} octets", payload.len() + 4),
                    );
                    self.problem("TPDU shorter than its length indicator".into());
                    continue;
                }
                Err(e) => {
                    self.line(
                        0,
                        format!("#{frame} {arrow} TPKT {} octets", payload.len() + 4),
                    );
                    self.problem(format!("TPDU: {e}: {}", hex(&payload)));
                    continue;
                }
            };
            self.line(
                0,
                format!(
                    "#{frame} {arrow} TPKT {} octets, {}",
                    payload.len() + 4,
                    self.tpdu_text(&tpdu)
                ),
            );
            if let Tpdu::Dt { eot, data } = tpdu {
                let buf = &mut tsdu[usize::from(!up)];
                buf.extend_from_slice(&data);
                if eot {
                    let t = std::mem::take(buf);
                    self.tsdu(&t);
                }
            }
        }
        for (i, rest) in tsdu.iter().enumerate() {
            if !rest.is_empty() {
                let who = if i == 0 { "initiator" } else { "responder" };
                self.problem(format!(
                    "{} octets of an unfinished TSDU from the {who}",
                    rest.len()
                ));
            }
        }
    }

    fn tpdu_text(&self, t: &Tpdu) -> String {
        match t {
            Tpdu::Cr(c) | Tpdu::Cc(c) => {
                let mut s = format!(
                    "{} dst-ref=0x{:04x} src-ref=0x{:04x} class={} options=0x{:x} tpdu-size={}",
                    if matches!(t, Tpdu::Cr(_)) { "CR" } else { "CC" },
                    c.dst_ref,
                    c.src_ref,
                    c.class_option >> 4,
                    c.class_option & 0x0f,
                    tpdu_size(c.tpdu_size)
                );
                if let Some(v) = &c.calling_tsel {
                    let _ = write!(s, " calling-tsel={}", printable(v));
                }
                if let Some(v) = &c.called_tsel {
                    let _ = write!(s, " called-tsel={}", printable(v));
                }
                if let Some(v) = &c.preferred_max_tpdu_size {
                    let _ = write!(s, " preferred-max-tpdu-size={}", hex(v));
                }
                for (p, v) in &c.other {
                    let _ = write!(s, " param-0x{p:02x}={}", hex(v));
                }
                s
            }
            Tpdu::Dr {
                dst_ref,
                src_ref,
                reason,
                ..
            } => {
                format!(
                    "DR dst-ref=0x{dst_ref:04x} src-ref=0x{src_ref:04x} reason={reason} (connection refused)"
                )
            }
            Tpdu::Dt { eot, data } => {
                format!("DT {} octets{}", data.len(), if *eot { " EOT" } else { "" })
            }
            Tpdu::Er { dst_ref, cause, .. } => format!("ER dst-ref=0x{dst_ref:04x} cause={cause}"),
        }
    }

    fn tsdu(&mut self, t: &[u8]) {
        let spdus = match session::decode_tsdu(t) {
            Ok(s) => s,
            Err(e) => {
                // Name what is there (e.g. activity management SPDUs from an RTSE peer),
                // then flag it: mstore's session codec does not implement it.
                let mut names = Vec::new();
                let mut rest = t;
                while let (Some(&si), Some(&li)) = (rest.first(), rest.get(1)) {
                    names.push(format!("{} (SI {si})", session::si_name(si)));
                    let skip = if li == 0xff {
                        3 + rest
                            .get(2..4)
                            .and_then(|b| <[u8; 2]>::try_from(b).ok())
                            .map(|a| usize::from(u16::from_be_bytes(a)))
                            .unwrap_or(0)
                    } else {
                        2 + usize::from(li)
                    };
                    rest = rest.get(skip..).unwrap_or_default();
                    if names.len() > 1 {
                        break;
                    }
                }
                self.line(4, format!("SPDU {}", names.join(" + ")));
                self.problem(format!("SPDU: {e}: {}", hex(t)));
                return;
            }
        };
        for s in spdus {
            self.spdu(&s);
        }
    }

    fn spdu(&mut self, s: &Spdu) {
        let p = &s.params;
        let mut f = format!("SPDU {}", s.kind.name());
        if let Some(c) = &p.connection_id {
            for (n, v) in [
                ("called-ref", &c.called_ref),
                ("calling-ref", &c.calling_ref),
                ("common-ref", &c.common_ref),
                ("additional-ref", &c.additional_ref),
            ] {
                if let Some(v) = v {
                    let _ = write!(f, " {n}={}", printable(v));
                }
            }
        }
        if let Some(c) = &p.connect_accept {
            if let Some(v) = c.version {
                let _ = write!(f, " version=0x{v:02x}");
            }
            if let Some(v) = c.protocol_options {
                let _ = write!(f, " protocol-options=0x{v:02x}");
            }
            if let Some(v) = c.token_setting {
                let _ = write!(f, " token-setting=0x{v:02x}");
            }
            if let Some(v) = &c.tsdu_max {
                let _ = write!(f, " tsdu-max={}", hex(v));
            }
            if let Some(v) = &c.initial_serial {
                let _ = write!(f, " initial-serial={}", printable(v));
            }
        }
        if let Some(v) = p.requirements {
            let _ = write!(
                f,
                " requirements=0x{v:04x} [{}]",
                session::fu::names(v).join(" ")
            );
        }
        if let Some(v) = p.transport_disconnect {
            let _ = write!(f, " transport-disconnect=0x{v:02x}");
        }
        if let Some(v) = &p.calling_ssel {
            let _ = write!(f, " calling-ssel={}", printable(v));
        }
        if let Some(v) = &p.called_ssel {
            let sel = if s.kind == Kind::Ac {
                "responding-ssel"
            } else {
                "called-ssel"
            };
            let _ = write!(f, " {sel}={}", printable(v));
        }
        if let Some(r) = &p.reason {
            let _ = write!(f, " reason={} ({})", r.code, session::reason::name(r.code));
        }
        if let Some(v) = p.token_item {
            let _ = write!(f, " token-item=0x{v:02x}");
        }
        for (c, v) in &p.other {
            let _ = write!(f, " pi-{c}={}", hex(v));
        }
        self.line(4, f);
        let (expect, data) = match s.kind {
            Kind::Cn => (Expect::Cp, p.data().cloned()),
            Kind::Ac => (Expect::Cpa, p.data().cloned()),
            Kind::Rf => (
                Expect::Cpr,
                p.reason
                    .as_ref()
                    .filter(|r| r.code == session::reason::BY_USER)
                    .map(|r| r.user_data.clone()),
            ),
            Kind::Fn | Kind::Dn => (Expect::Data, p.data().cloned()),
            Kind::Ab => (Expect::Abort, p.data().cloned()),
            Kind::Dt => (Expect::Data, Some(s.info.clone())),
            _ => return,
        };
        let Some(data) = data.filter(|d| !d.is_empty()) else {
            return;
        };
        match pres::decode_all(expect, &data) {
            Ok(pp) => self.ppdu(&pp),
            Err(e) => self.problem(format!("PPDU: {e}: {}", hex(&data))),
        }
    }

    fn ppdu(&mut self, p: &Ppdu) {
        match p {
            Ppdu::Cp(cp) => {
                let mode = if cp.mode == pres::MODE_NORMAL {
                    "normal".to_string()
                } else {
                    cp.mode.to_string()
                };
                let mut f = format!("PPDU CP mode={mode}");
                if let Some(v) = &cp.calling_psel {
                    let _ = write!(f, " calling-psel={}", printable(v));
                }
                if let Some(v) = &cp.called_psel {
                    let _ = write!(f, " called-psel={}", printable(v));
                }
                if cp.default_context.is_some() {
                    f.push_str(" default-context=present");
                }
                self.line(6, f);
                self.contexts.clear();
                for d in cp.contexts.iter().flatten() {
                    let ts: Vec<String> = d.transfer_syntaxes.iter().map(|t| oid_str(t)).collect();
                    self.line(
                        8,
                        format!(
                            "context {} {} transfer [{}]",
                            d.id,
                            oid_str(&d.abstract_syntax),
                            ts.join(", ")
                        ),
                    );
                    self.contexts.insert(d.id, d.abstract_syntax.clone());
                    if d.abstract_syntax == *oids::ID_AS_ACSE {
                        self.acse_ctx = Some(d.id);
                    }
                }
                self.user_data(cp.user_data.as_ref());
            }
            Ppdu::Cpa(cpa) => {
                let mut f = "PPDU CPA".to_string();
                if let Some(v) = &cpa.responding_psel {
                    let _ = write!(f, " responding-psel={}", printable(v));
                }
                self.line(6, f);
                self.results(cpa.results.as_deref());
                self.user_data(cpa.user_data.as_ref());
            }
            Ppdu::Cpr(cpr) => {
                let mut f = "PPDU CPR (connection refused)".to_string();
                match cpr.provider_reason {
                    Some(r) => {
                        let _ = write!(f, " provider-reason={r} ({})", cpr_reason(r));
                    }
                    None => f.push_str(" by the presentation user"),
                }
                self.line(6, f);
                self.results(cpr.results.as_deref());
                self.user_data(cpr.user_data.as_ref());
            }
            Ppdu::Aru(aru) => {
                self.line(6, "PPDU ARU (user abort)");
                self.user_data(aru.user_data.as_ref());
            }
            Ppdu::Arp(arp) => {
                self.line(
                    6,
                    format!(
                        "PPDU ARP (provider abort) reason={:?} event={:?}",
                        arp.provider_reason, arp.event
                    ),
                );
            }
            Ppdu::Td(u) => {
                self.line(6, "PPDU TD");
                self.user_data(Some(u));
            }
        }
    }

    fn results(&mut self, r: Option<&[pres::ContextResult]>) {
        let ids: Vec<i64> = self.contexts.keys().copied().collect();
        for (i, res) in r.unwrap_or_default().iter().enumerate() {
            let id = ids
                .get(i)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "?".into());
            let mut f = format!("context {id}: {}", ctx_result(res.result));
            if let Some(t) = &res.transfer_syntax {
                let _ = write!(f, " transfer {}", oid_str(t));
            }
            if let Some(p) = res.provider_reason {
                let _ = write!(f, " reason {p} ({})", ctx_reason(p));
            }
            self.line(8, f);
        }
    }

    fn user_data(&mut self, u: Option<&UserData>) {
        match u {
            None => {}
            Some(UserData::Simple(b)) => self.line(8, format!("simply-encoded-data {}", hex(b))),
            Some(UserData::Full(list)) => {
                for pdv in list {
                    let name = self
                        .contexts
                        .get(&pdv.context_id)
                        .map(|o| oid_str(o))
                        .unwrap_or_else(|| "undefined".into());
                    self.line(8, format!("PDV context {} ({name})", pdv.context_id));
                    match &pdv.value {
                        PdvValue::Single(b) => self.pdv(pdv.context_id, b),
                        PdvValue::Octets(b) => self.line(10, format!("octet-aligned {}", hex(b))),
                        PdvValue::Arbitrary(b) => {
                            self.line(10, format!("arbitrary {}", hex(&b.data)))
                        }
                    }
                }
            }
        }
    }

    fn uses_rtse(&self, ctx: i64) -> bool {
        let rtse_as = self
            .contexts
            .get(&ctx)
            .is_some_and(|o| *o == *oids::ID_AS_MTA_RTSE);
        let rtse_ac = self.app_context.as_ref().is_some_and(|o| {
            *o == *oids::ID_AC_MTS_TRANSFER || *o == *oids::ID_AC_MS_RELIABLE_ACCESS_88
        });
        rtse_as || rtse_ac
    }

    fn pdv(&mut self, ctx: i64, b: &Bytes) {
        if Some(ctx) == self.acse_ctx {
            match acse::decode_all(b) {
                Ok(a) => self.apdu(&a),
                Err(e) => self.problem(format!("APDU: {e}: {}", hex(b))),
            }
            return;
        }
        if self.uses_rtse(ctx)
            && let Ok(r) = rtse::decode_all(b)
        {
            self.rtse(10, &r);
            return;
        }
        match rose::decode_all(b) {
            Ok(r) => self.rose(10, &r),
            Err(e) => self.problem(format!("ROSE: {e}: {}", hex(b))),
        }
    }

    fn apdu(&mut self, a: &Apdu) {
        match a {
            Apdu::Aarq(q) => {
                self.app_context = Some(q.application_context.clone());
                self.line(
                    10,
                    format!(
                        "APDU AARQ application-context={}",
                        oid_str(&q.application_context)
                    ),
                );
                self.titles("called", &q.called);
                self.titles("calling", &q.calling);
                if let Some(m) = &q.mechanism_name {
                    self.line(12, format!("mechanism-name={}", oid_str(m)));
                }
                if let Some(v) = &q.authentication_value {
                    self.line(
                        12,
                        format!("calling-authentication-value: {}", tlv_summary(v)),
                    );
                }
                self.user_information(&q.user_information);
            }
            Apdu::Aare(r) => {
                let diag = match r.diagnostic {
                    Diagnostic::User(v) => {
                        format!("acse-service-user {v} ({})", acse::user_diag_name(v))
                    }
                    Diagnostic::Provider(v) => format!("acse-service-provider {v}"),
                };
                self.line(
                    10,
                    format!(
                        "APDU AARE result={} ({}) diagnostic={diag} application-context={}",
                        r.result,
                        aare_result(r.result),
                        oid_str(&r.application_context)
                    ),
                );
                self.titles("responding", &r.responding);
                self.user_information(&r.user_information);
            }
            Apdu::Rlrq(r) | Apdu::Rlre(r) => {
                self.line(10, format!("APDU {} reason={:?}", a.name(), r.reason));
                self.user_information(&r.user_information);
            }
            Apdu::Abrt(ab) => {
                let src = if ab.source == acse::abort_source::USER {
                    "acse-service-user"
                } else {
                    "acse-service-provider"
                };
                self.line(
                    10,
                    format!("APDU ABRT source={src} diagnostic={:?}", ab.diagnostic),
                );
                self.user_information(&ab.user_information);
            }
        }
    }

    fn titles(&mut self, who: &str, t: &acse::AeTitle) {
        if let Some(v) = &t.ap_title {
            self.line(12, format!("{who}-AP-title: {}", title(v)));
        }
        if let Some(v) = &t.ae_qualifier {
            self.line(12, format!("{who}-AE-qualifier: {}", title(v)));
        }
        if let Some(v) = t.ap_invocation {
            self.line(12, format!("{who}-AP-invocation-id: {v}"));
        }
        if let Some(v) = t.ae_invocation {
            self.line(12, format!("{who}-AE-invocation-id: {v}"));
        }
    }

    fn user_information(&mut self, ui: &[External]) {
        for e in ui {
            let mut f = "user-information EXTERNAL".to_string();
            if let Some(d) = &e.direct_reference {
                let _ = write!(f, " direct-reference={}", oid_str(d));
            }
            if let Some(i) = e.indirect_reference {
                let _ = write!(f, " indirect-reference={i}");
            }
            self.line(12, f);
            let ExternalEncoding::Single(v) = &e.encoding else {
                self.line(14, "octet-aligned or arbitrary encoding");
                continue;
            };
            let ctx = e.indirect_reference.unwrap_or(-1);
            if self.uses_rtse(ctx) {
                match rtse::decode_all(v) {
                    Ok(r) => self.rtse(14, &r),
                    Err(err) => self.problem(format!("RTSE: {err}: {}", hex(v))),
                }
                continue;
            }
            match RosBind::decode(v) {
                Ok(RosBind::Invoke(a)) => self.line(
                    14,
                    format!("ROS bind-invoke [16]: argument {}", tlv_summary(&a)),
                ),
                Ok(RosBind::Result(a)) => {
                    self.line(14, format!("ROS bind-result [17]: {}", tlv_summary(&a)))
                }
                Ok(RosBind::Error(a)) => {
                    self.line(14, format!("ROS bind-error [18]: {}", bind_error(&a)))
                }
                Err(err) => self.problem(format!("ROS bind PDU: {err}: {}", hex(v))),
            }
        }
    }

    fn rtse(&mut self, indent: usize, r: &Rtse) {
        match r {
            Rtse::Rtorq {
                checkpoint_size,
                window_size,
                dialogue_mode,
                connection_data,
                application_protocol,
            } => {
                self.line(
                    indent,
                    format!(
                        "RTSE RTORQ checkpoint-size={checkpoint_size:?} window-size={window_size:?} dialogue-mode={dialogue_mode:?} application-protocol={application_protocol:?}"
                    ),
                );
                if let Some(c) = connection_data {
                    self.connection_data(indent + 2, c);
                }
            }
            Rtse::Rtoac {
                checkpoint_size,
                window_size,
                connection_data,
            } => {
                self.line(
                    indent,
                    format!(
                        "RTSE RTOAC checkpoint-size={checkpoint_size:?} window-size={window_size:?}"
                    ),
                );
                if let Some(c) = connection_data {
                    self.connection_data(indent + 2, c);
                }
            }
            Rtse::Rtorj {
                refuse_reason,
                user_data,
            } => {
                let why = match refuse_reason {
                    Some(0) => "rtsBusy",
                    Some(1) => "cannotRecover",
                    Some(2) => "validationFailure",
                    Some(3) => "unacceptableDialogueMode",
                    Some(_) => "?",
                    None => "absent",
                };
                self.line(
                    indent,
                    format!("RTSE RTORJ (open refused) refuse-reason={refuse_reason:?} ({why})"),
                );
                if let Some(u) = user_data {
                    match RosBind::decode(u) {
                        Ok(RosBind::Error(a)) => self.line(
                            indent + 2,
                            format!("userDataRJ: bind-error [18]: {}", bind_error(&a)),
                        ),
                        _ => self.line(indent + 2, format!("userDataRJ: {}", tlv_summary(u))),
                    }
                }
            }
            Rtse::Rttp(p) => self.line(indent, format!("RTSE RTTP priority={p}")),
            Rtse::Rttr(b) => {
                self.line(indent, format!("RTSE RTTR {} octets", b.len()));
                // P1 over RTSE carries MTS-APDUs, not ROSE: both pass through as user data.
                match rose::decode_all(b) {
                    Ok(r) => self.rose(indent + 2, &r),
                    Err(_) => self.line(
                        indent + 2,
                        format!("user data {} (passed through)", tlv_summary(b)),
                    ),
                }
            }
            Rtse::Rtab {
                abort_reason,
                user_data,
            } => {
                self.line(indent, format!("RTSE RTAB abort-reason={abort_reason:?}"));
                if let Some(u) = user_data {
                    self.line(indent + 2, format!("userdataAB: {}", tlv_summary(u)));
                }
            }
        }
    }

    fn connection_data(&mut self, indent: usize, c: &[u8]) {
        // ConnectionData ::= CHOICE { open [0] ANY, recover [1] SessionConnectionIdentifier }
        match crate::osi::ber::read_tlv(c) {
            Ok(Some((t, _))) if t.tag.number == 0 => match t.inner() {
                Ok(i) => match RosBind::decode(i.raw) {
                    Ok(RosBind::Invoke(a)) => self.line(
                        indent,
                        format!("open: bind-invoke [16]: {}", tlv_summary(&a)),
                    ),
                    Ok(RosBind::Result(a)) => self.line(
                        indent,
                        format!("open: bind-result [17]: {}", tlv_summary(&a)),
                    ),
                    Ok(RosBind::Error(a)) => {
                        self.line(indent, format!("open: bind-error [18]: {}", bind_error(&a)))
                    }
                    Err(_) => self.line(indent, format!("open: {}", tlv_summary(i.raw))),
                },
                Err(e) => self.problem(format!("RTSE connection data: {e}")),
            },
            Ok(Some((t, _))) => self.line(indent, format!("recover {}", t.tag)),
            _ => self.problem(format!("RTSE connection data: {}", hex(c))),
        }
    }

    fn rose(&mut self, indent: usize, r: &RosePdu) {
        let s = match r {
            RosePdu::Invoke {
                invoke_id,
                linked_id,
                opcode,
                argument,
            } => format!(
                "ROSE invoke id={invoke_id:?} operation={opcode}{} argument={}",
                linked_id
                    .map(|l| format!(" linked-id={l}"))
                    .unwrap_or_default(),
                argument
                    .as_deref()
                    .map(tlv_summary)
                    .unwrap_or_else(|| "absent".into())
            ),
            RosePdu::Result { invoke_id, result } => match result {
                Some((op, v)) => format!(
                    "ROSE return-result id={invoke_id:?} operation={op} result={}",
                    tlv_summary(v)
                ),
                None => format!("ROSE return-result id={invoke_id:?} (no result)"),
            },
            RosePdu::Error {
                invoke_id,
                code,
                parameter,
            } => format!(
                "ROSE return-error id={invoke_id:?} error={code} parameter={}",
                parameter
                    .as_deref()
                    .map(tlv_summary)
                    .unwrap_or_else(|| "absent".into())
            ),
            RosePdu::Reject { invoke_id, problem } => {
                format!(
                    "ROSE reject id={invoke_id:?} problem={}",
                    problem_str(problem)
                )
            }
        };
        self.line(indent, s);
    }
}

fn title(v: &[u8]) -> String {
    match crate::osi::ber::read_tlv(v) {
        Ok(Some((t, _))) if t.tag == crate::osi::ber::OID => {
            t.oid().map(|o| oid_str(&o)).unwrap_or_else(|_| hex(v))
        }
        Ok(Some((t, _))) if t.tag == crate::osi::ber::INTEGER => t
            .integer()
            .map(|i| i.to_string())
            .unwrap_or_else(|_| hex(v)),
        _ => hex(v),
    }
}

/// A bind error's value: X.411 / X.413 bind errors are small INTEGERs or an ENUMERATED
/// inside a choice; show the number when it is one.
fn bind_error(v: &[u8]) -> String {
    match crate::osi::ber::read_tlv(v) {
        Ok(Some((t, _)))
            if t.tag == crate::osi::ber::INTEGER || t.tag == crate::osi::ber::Tag::univ(10) =>
        {
            match t.integer() {
                Ok(2) => "2 (authentication-error for an MTA bind)".into(),
                Ok(n) => n.to_string(),
                Err(_) => hex(v),
            }
        }
        _ => tlv_summary(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexdump_of_bare_tpkts() {
        let dump = "I 0000 03 00 00 0b 06 e0 00 00 00 01 00\nO 0000 03 00 00 0b 06 d0 00 01 00 02 00   AB ........\n";
        let r = trace(dump.as_bytes(), None).unwrap();
        assert_eq!(r.problems, 0, "{}", r.text);
        assert!(
            r.text.contains("CR dst-ref=0x0000 src-ref=0x0001"),
            "{}",
            r.text
        );
        assert!(r.text.contains("CC dst-ref=0x0001"), "{}", r.text);
    }

    #[test]
    fn garbage_is_flagged_not_fatal() {
        let dump = "I 0000 03 00 00 08 02 f0 80 77\n";
        let r = trace(dump.as_bytes(), None).unwrap();
        assert_eq!(r.problems, 1, "{}", r.text);
        assert!(trace(b"\x00\x01\x02", None).is_err());
    }
}
