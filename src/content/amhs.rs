//! ICAO Doc 9880 Part II (AMHS) ATS message service: the ATS-message-header that opens the text
//! body part in the basic service (priority indicator, filing time, optional heading
//! information, ended by a blank line), and its extended-service counterpart in heading fields
//! (filing time in authorization-time, OHI in originators-reference).

use std::fmt;

/// The five ATS priority indicators, highest first.
pub const PRIORITY_INDICATORS: [&str; 5] = ["SS", "DD", "FF", "GG", "KK"];

/// Longest header block considered: a real header is three short lines.
const MAX_HEADER: usize = 512;

/// An ATS-message-header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtsHeader {
    /// ATS-message-priority: `SS`, `DD`, `FF`, `GG` or `KK`.
    pub priority: String,
    /// ATS-message-filing-time: `DDhhmm` (UTC).
    pub filing_time: String,
    /// ATS-message-optional-heading-info, if any.
    pub optional_heading_info: Option<String>,
}

impl fmt::Display for AtsHeader {
    /// The header as the basic service puts it at the start of the text, blank line included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PRI: {}\r\nFT: {}\r\n", self.priority, self.filing_time)?;
        if let Some(o) = &self.optional_heading_info {
            write!(f, "OHI: {o}\r\n")?;
        }
        f.write_str("\r\n")
    }
}

/// Whether `s` is a valid DDhhmm filing time.
pub fn valid_filing_time(s: &str) -> bool {
    let n = |a: usize| s.get(a..a + 2).and_then(|x| x.parse::<u32>().ok());
    s.len() == 6
        && s.bytes().all(|b| b.is_ascii_digit())
        && matches!((n(0), n(2), n(4)), (Some(d), Some(h), Some(m)) if (1..=31).contains(&d) && h < 24 && m < 60)
}

/// Parses the ATS-message-header at the start of `text`; returns it and the byte length of
/// the header block (blank line included), or `None` if the text does not start with one.
/// Accepts CRLF or LF line ends and the fields on one line or on separate lines.
pub fn parse_header(text: &str) -> Option<(AtsHeader, usize)> {
    let head = text.get(..text.len().min(MAX_HEADER)).unwrap_or(text);
    let head = if head.is_char_boundary(head.len()) {
        head
    } else {
        return None;
    };
    // The block ends at the first empty line.
    let mut consumed = 0usize;
    let mut block = String::new();
    let mut ended = false;
    for line in head.split_inclusive('\n') {
        consumed += line.len();
        let l = line.trim_end_matches(['\r', '\n']);
        if l.trim().is_empty() {
            ended = true;
            break;
        }
        block.push_str(l);
        block.push(' ');
    }
    if !ended {
        return None;
    }
    let rest = block.trim_start().strip_prefix("PRI:")?;
    let rest = rest.trim_start();
    let priority = rest.get(..2)?.to_ascii_uppercase();
    if !PRIORITY_INDICATORS.contains(&priority.as_str()) {
        return None;
    }
    let rest = rest
        .get(2..)?
        .trim_start()
        .strip_prefix("FT:")?
        .trim_start();
    let filing_time = rest.get(..6)?.to_string();
    if !valid_filing_time(&filing_time) {
        return None;
    }
    let rest = rest.get(6..)?.trim();
    let optional_heading_info = if rest.is_empty() {
        None
    } else {
        Some(rest.strip_prefix("OHI:")?.trim().to_string())
    };
    Some((
        AtsHeader {
            priority,
            filing_time,
            optional_heading_info,
        },
        consumed,
    ))
}

/// The filing time DDhhmm taken from a UTCTime/GeneralizedTime in RFC 3339 form
/// (`2026-11-28T05:45:00Z` → `280545`).
pub fn filing_time_from_rfc3339(t: &str) -> Option<String> {
    let d = t.get(8..10)?;
    let h = t.get(11..13)?;
    let m = t.get(14..16)?;
    let s = format!("{d}{h}{m}");
    valid_filing_time(&s).then_some(s)
}

/// The X.411 priority a sender gives an ATS priority indicator. Doc 9880 maps SS to urgent,
/// DD and FF to normal, GG and KK to non-urgent (X400-FACTS marks this *unconfirmed*; only the
/// builder uses it, extraction never derives the indicator from the envelope).
pub fn envelope_priority(indicator: &str) -> crate::content::Priority {
    use crate::content::Priority;
    match indicator {
        "SS" => Priority::Urgent,
        "GG" | "KK" => Priority::NonUrgent,
        _ => Priority::Normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_line_form() {
        let t = "PRI: FF\r\nFT: 281155\r\nOHI: ATIS INFO B\r\n\r\nEGLL 281150Z 24012KT\r\n";
        let (h, n) = parse_header(t).unwrap();
        assert_eq!(h.priority, "FF");
        assert_eq!(h.filing_time, "281155");
        assert_eq!(h.optional_heading_info.as_deref(), Some("ATIS INFO B"));
        assert!(t[n..].starts_with("EGLL"));
        assert_eq!(h.to_string(), t[..n]);
    }

    #[test]
    fn parses_one_line_and_lf() {
        let (h, _) = parse_header("PRI: GG FT: 010000\n\ntext").unwrap();
        assert_eq!(
            (h.priority.as_str(), h.filing_time.as_str()),
            ("GG", "010000")
        );
        assert_eq!(h.optional_heading_info, None);
    }

    #[test]
    fn rejects_non_headers() {
        for t in [
            "hello\r\n\r\n",
            "PRI: XX\r\nFT: 281155\r\n\r\n",
            "PRI: FF\r\nFT: 321155\r\n\r\n",
            "PRI: FF\r\nFT: 281155\r\n",
            "PRI: FF\r\nFT: 281155\r\nJUNK\r\n\r\n",
            "",
        ] {
            assert_eq!(parse_header(t), None, "{t:?}");
        }
    }
}
