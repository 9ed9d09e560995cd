//! RFC 4515 string representation of filters, over MS attribute names (DESIGN.md §5), for
//! operators and the `p7` client: `(&(retrieval-status=new)(priority=urgent))`,
//! `(subject=*NOTAM*)`, `(content-length>=10000)`, `(!(entry-type=delivered-report))`,
//! `(subject~=runway closed)`, `(originator-name=*)`. Values of enumerated attributes may be
//! given by name or number; `creation-time` takes RFC 3339 (`2026-11-28T06:00:00Z`) or ms.
//! Escapes are RFC 4515's `\XX` hex pairs.

use std::fmt;

use super::query::{Attr, Filter, FilterItem, Syntax, Value};

/// Why a filter expression was refused: where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("filter: at character {pos}: {msg}")]
pub struct FilterError {
    /// Byte offset in the expression.
    pub pos: usize,
    /// What is wrong.
    pub msg: String,
}

/// Longest expression accepted, and deepest nesting.
const MAX_LEN: usize = 64 * 1024;
const MAX_DEPTH: usize = 64;

struct P<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

fn err<T>(pos: usize, msg: impl Into<String>) -> Result<T, FilterError> {
    Err(FilterError {
        pos,
        msg: msg.into(),
    })
}

/// Parses an RFC 4515 filter.
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    if text.len() > MAX_LEN {
        return err(0, "expression too long");
    }
    let mut p = P {
        s: text.trim().as_bytes(),
        pos: 0,
        depth: 0,
    };
    let f = p.filter()?;
    if p.pos != p.s.len() {
        return err(p.pos, "unexpected text after the filter");
    }
    Ok(f)
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), FilterError> {
        match self.peek() {
            Some(x) if x == c => {
                self.pos += 1;
                Ok(())
            }
            Some(x) => err(
                self.pos,
                format!("expected '{}', found '{}'", c as char, x as char),
            ),
            None => err(self.pos, format!("expected '{}', found the end", c as char)),
        }
    }

    fn filter(&mut self) -> Result<Filter, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.pos, "filter nested too deeply");
        }
        self.expect(b'(')?;
        let f = match self.peek() {
            Some(b'&') => {
                self.pos += 1;
                Filter::And(self.list()?)
            }
            Some(b'|') => {
                self.pos += 1;
                Filter::Or(self.list()?)
            }
            Some(b'!') => {
                self.pos += 1;
                Filter::Not(Box::new(self.filter()?))
            }
            Some(_) => Filter::Item(self.item()?),
            None => return err(self.pos, "expected a filter, found the end"),
        };
        self.expect(b')')?;
        self.depth -= 1;
        Ok(f)
    }

    fn list(&mut self) -> Result<Vec<Filter>, FilterError> {
        let mut v = Vec::new();
        while self.peek() == Some(b'(') {
            v.push(self.filter()?);
        }
        Ok(v)
    }

    fn item(&mut self) -> Result<FilterItem, FilterError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'-' {
                self.pos += 1;
            } else {
                break;
            }
        }
        let name = std::str::from_utf8(self.s.get(start..self.pos).unwrap_or_default())
            .unwrap_or_default();
        if name.is_empty() {
            return err(start, "expected an attribute name");
        }
        let Some(attr) = Attr::from_name(name) else {
            return err(start, format!("unknown attribute '{name}'"));
        };
        let op_pos = self.pos;
        let op = match (self.peek(), self.s.get(self.pos + 1).copied()) {
            (Some(b'>'), Some(b'=')) => ">=",
            (Some(b'<'), Some(b'=')) => "<=",
            (Some(b'~'), Some(b'=')) => "~=",
            (Some(b'='), _) => "=",
            _ => return err(op_pos, "expected '=', '>=', '<=' or '~='"),
        };
        self.pos += op.len();
        let vpos = self.pos;
        // Raw value up to the closing parenthesis; '*' separates substrings (unescaped only).
        let mut parts: Vec<Vec<u8>> = vec![Vec::new()];
        loop {
            match self.peek() {
                None => return err(self.pos, "expected ')', found the end"),
                Some(b')') => break,
                Some(b'(') => return err(self.pos, "'(' in a value must be escaped as \\28"),
                Some(b'*') => {
                    self.pos += 1;
                    parts.push(Vec::new());
                }
                Some(b'\\') => {
                    let hex = self
                        .s
                        .get(self.pos + 1..self.pos + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    let Some(b) = hex else {
                        return err(self.pos, "'\\' must be followed by two hex digits");
                    };
                    if let Some(last) = parts.last_mut() {
                        last.push(b);
                    }
                    self.pos += 3;
                }
                Some(c) => {
                    if let Some(last) = parts.last_mut() {
                        last.push(c);
                    }
                    self.pos += 1;
                }
            }
        }
        let strs: Vec<String> = parts
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        if op != "=" && strs.len() > 1 {
            return err(vpos, format!("'*' is only allowed with '=' (found {op})"));
        }
        if op == "=" && strs.len() == 2 && strs.iter().all(String::is_empty) {
            return Ok(FilterItem::Present(attr));
        }
        if op == "=" && strs.len() > 1 {
            let n = strs.len();
            let mut it = strs.into_iter();
            let initial = it.next().filter(|s| !s.is_empty());
            let mut mid: Vec<String> = it.collect();
            let last = mid.pop().filter(|s| !s.is_empty());
            let any: Vec<String> = mid.into_iter().filter(|s| !s.is_empty()).collect();
            debug_assert!(n >= 2);
            return Ok(FilterItem::Substrings {
                attr,
                initial,
                any,
                last,
            });
        }
        let raw = strs.into_iter().next().unwrap_or_default();
        if op == "~=" {
            return Ok(FilterItem::Approximate(attr, raw));
        }
        let value = value_of(attr, &raw).map_err(|msg| FilterError { pos: vpos, msg })?;
        Ok(match op {
            ">=" => FilterItem::GreaterOrEqual(attr, value),
            "<=" => FilterItem::LessOrEqual(attr, value),
            _ => FilterItem::Equality(attr, value),
        })
    }
}

/// Converts a value's text for an attribute: names of enumerated values, integers, times.
pub fn value_of(attr: Attr, raw: &str) -> Result<Value, String> {
    match attr.syntax() {
        Syntax::String => Ok(Value::Str(raw.to_string())),
        Syntax::Integer => {
            if let Some((_, n)) = attr
                .named_values()
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            {
                return Ok(Value::Int(*n));
            }
            if let Ok(n) = raw.parse::<i64>() {
                return Ok(Value::Int(n));
            }
            if attr == Attr::CreationTime
                && let Some(ms) = parse_rfc3339_ms(raw)
            {
                return Ok(Value::Int(ms));
            }
            let names: Vec<&str> = attr.named_values().iter().map(|(n, _)| *n).collect();
            if names.is_empty() {
                Err(format!("'{raw}' is not a valid {attr} value (a number)"))
            } else {
                Err(format!(
                    "'{raw}' is not a valid {attr} value (one of {} or a number)",
                    names.join(", ")
                ))
            }
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC only) → ms since the epoch.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(b.get(r)?).ok()?.parse().ok()
    };
    if b.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(10).map(u8::to_ascii_uppercase) != Some(b'T')
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut ms = 0;
    let rest = s.get(19..)?;
    let rest = if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
        let mut d3 = digits.clone();
        d3.truncate(3);
        while d3.len() < 3 {
            d3.push('0');
        }
        ms = d3.parse().ok()?;
        frac.get(digits.len()..)?
    } else {
        rest
    };
    if !rest.eq_ignore_ascii_case("z") || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Days from civil (proleptic Gregorian).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms)
}

fn escape(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for c in s.chars() {
        match c {
            '*' | '(' | ')' | '\\' | '\0' => write!(f, "\\{:02x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    Ok(())
}

fn value_text(attr: Attr, v: &Value, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match v {
        Value::Int(n) => match attr.named_values().iter().find(|(_, x)| x == n) {
            Some((name, _)) => f.write_str(name),
            None => write!(f, "{n}"),
        },
        Value::Str(s) => escape(s, f),
    }
}

impl fmt::Display for FilterItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterItem::Equality(a, v) => {
                write!(f, "({a}=")?;
                value_text(*a, v, f)?;
            }
            FilterItem::GreaterOrEqual(a, v) => {
                write!(f, "({a}>=")?;
                value_text(*a, v, f)?;
            }
            FilterItem::LessOrEqual(a, v) => {
                write!(f, "({a}<=")?;
                value_text(*a, v, f)?;
            }
            FilterItem::Approximate(a, v) => {
                write!(f, "({a}~=")?;
                escape(v, f)?;
            }
            FilterItem::Present(a) => write!(f, "({a}=*")?,
            FilterItem::Substrings {
                attr,
                initial,
                any,
                last,
            } => {
                write!(f, "({attr}=")?;
                if let Some(i) = initial {
                    escape(i, f)?;
                }
                f.write_str("*")?;
                for a in any {
                    escape(a, f)?;
                    f.write_str("*")?;
                }
                if let Some(l) = last {
                    escape(l, f)?;
                }
            }
        }
        f.write_str(")")
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Item(i) => write!(f, "{i}"),
            Filter::And(v) => {
                f.write_str("(&")?;
                for x in v {
                    write!(f, "{x}")?;
                }
                f.write_str(")")
            }
            Filter::Or(v) => {
                f.write_str("(|")?;
                for x in v {
                    write!(f, "{x}")?;
                }
                f.write_str(")")
            }
            Filter::Not(x) => write!(f, "(!{x})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_parse() {
        let f = parse("(&(retrieval-status=new)(priority=urgent))").unwrap();
        assert_eq!(
            f,
            Filter::And(vec![
                Filter::Item(FilterItem::Equality(Attr::RetrievalStatus, Value::Int(0))),
                Filter::Item(FilterItem::Equality(Attr::Priority, Value::Int(2))),
            ])
        );
        assert_eq!(
            parse("(subject=*NOTAM*)").unwrap(),
            Filter::Item(FilterItem::Substrings {
                attr: Attr::Subject,
                initial: None,
                any: vec!["NOTAM".into()],
                last: None
            })
        );
        assert_eq!(
            parse("(content-length>=10000)").unwrap(),
            Filter::Item(FilterItem::GreaterOrEqual(
                Attr::ContentLength,
                Value::Int(10000)
            ))
        );
        assert!(matches!(
            parse("(!(entry-type=delivered-report))").unwrap(),
            Filter::Not(_)
        ));
        assert_eq!(
            parse("(originator-name=*)").unwrap(),
            Filter::Item(FilterItem::Present(Attr::OriginatorName))
        );
        assert_eq!(
            parse("(creation-time>=1970-01-02T00:00:00Z)").unwrap(),
            Filter::Item(FilterItem::GreaterOrEqual(
                Attr::CreationTime,
                Value::Int(86_400_000)
            ))
        );
    }

    #[test]
    fn errors_say_where_and_why() {
        let e = parse("(&(priority=urgnt))").unwrap_err();
        assert_eq!(e.pos, 12);
        assert!(e.msg.contains("urgnt") && e.msg.contains("urgent"), "{e}");
        let e = parse("(nosuch=1)").unwrap_err();
        assert_eq!(e.pos, 1);
        assert!(e.msg.contains("unknown attribute"));
        let e = parse("(subject=abc").unwrap_err();
        assert_eq!(e.pos, 12);
        let e = parse("(subject=a)x").unwrap_err();
        assert_eq!(e.pos, 11);
        let e = parse("(content-length>=1*)").unwrap_err();
        assert!(e.msg.contains("'*'"));
        assert_eq!(parse("(subject=\\4)").unwrap_err().pos, 9);
        let deep = "(!".repeat(100) + "(subject=a)" + &")".repeat(100);
        assert!(parse(&deep).unwrap_err().msg.contains("deeply"));
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-11-28T06:00:00.5Z"),
            Some(1_795_845_600_500)
        );
        assert_eq!(parse_rfc3339_ms("2026-13-28T06:00:00Z"), None);
    }
}
