//! Text forms of the X.411 §18 O/R address: the semicolon form operators use (read and
//! written), the slash form tshark prints (read only), and the canonical matching form.

use std::fmt::{self, Write as _};

use super::limits::{self, Kind};
use super::{
    AddressError, CountryName, DomainDefinedAttribute, DomainName, ExtensionAttribute, ORAddress,
    PersonalName, ber,
};

fn text_err(component: &str, problem: impl Into<String>) -> AddressError {
    AddressError::Text {
        component: component.to_string(),
        problem: problem.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Whether a value written plainly would be read back as the NumericString alternative.
fn looks_numeric(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || b == b' ')
        && s.bytes().any(|b| b.is_ascii_digit())
        && !s.starts_with(' ')
        && !s.ends_with(' ')
}

/// Writes `s` with the escapes the parser undoes: `\xHH` for characters that would be
/// misread (separators, the escape and marker characters, non-printable ones, spaces at
/// either end, and `extra`) or that the string type `kind` does not allow (decoded values
/// may hold them), `""` for the empty value.
fn put_value(out: &mut String, s: &str, kind: Kind, extra: &[char]) {
    if s.is_empty() {
        out.push_str("\"\"");
        return;
    }
    let last = s.chars().count() - 1;
    for (i, c) in s.chars().enumerate() {
        let edge_space = c == ' ' && (i == 0 || i == last);
        let code = u32::from(c);
        if code <= 0xff
            && (edge_space
                || !(0x20..=0x7e).contains(&code)
                || matches!(c, '\\' | ';' | '"' | '#')
                || extra.contains(&c)
                || !kind.allows(code as u8))
        {
            // Infallible: writing to a String.
            let _ = write!(out, "\\x{code:02X}");
        } else {
            out.push(c);
        }
    }
}

fn put_component(out: &mut String, key: &str, value: &str, kind: Kind) {
    if !out.is_empty() {
        out.push(';');
    }
    out.push_str(key);
    out.push('=');
    put_value(out, value, kind, &[]);
}

fn put_domain(out: &mut String, key: &str, d: &DomainName, is_admd: bool) {
    if !out.is_empty() {
        out.push(';');
    }
    out.push_str(key);
    out.push('=');
    match d {
        DomainName::Numeric(s) if looks_numeric(s) => out.push_str(s),
        DomainName::Numeric(s) => {
            out.push('#');
            put_value(out, s, Kind::Numeric, &[]);
        }
        // The single-space ADMD ("any ADMD") is written as tshark and operators write it.
        DomainName::Printable(s) if is_admd && s == " " => out.push(' '),
        DomainName::Printable(s) if looks_numeric(s) => {
            // Escape the first digit so the value is not read as NumericString.
            let mut chars = s.chars();
            if let Some(first) = chars.next() {
                let _ = write!(out, "\\x{:02X}", u32::from(first));
            }
            out.push_str(chars.as_str());
        }
        DomainName::Printable(s) => put_value(out, s, Kind::Printable, &[]),
    }
}

fn put_personal(out: &mut String, prefix: &str, p: &PersonalName, kind: Kind) {
    put_component(out, &format!("{prefix}S"), &p.surname, kind);
    for (k, v) in [
        ("G", &p.given_name),
        ("I", &p.initials),
        ("Q", &p.generation_qualifier),
    ] {
        if let Some(v) = v {
            put_component(out, &format!("{prefix}{k}"), v, kind);
        }
    }
}

fn put_dda(out: &mut String, prefix: &str, d: &DomainDefinedAttribute, kind: Kind) {
    if !out.is_empty() {
        out.push(';');
    }
    out.push_str(prefix);
    out.push_str("DDA:");
    put_value(out, &d.attr_type, kind, &['=']);
    out.push('=');
    put_value(out, &d.value, kind, &[]);
}

/// The semicolon form, components in a fixed order.
pub(super) fn display(a: &ORAddress, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut out = String::new();
    if let Some(c) = &a.country {
        match c {
            CountryName::X121DccCode(s) => {
                put_domain(&mut out, "C", &DomainName::Numeric(s.clone()), false)
            }
            CountryName::Iso3166Alpha2(s) => put_component(&mut out, "C", s, Kind::Printable),
        }
    }
    if let Some(d) = &a.admd {
        put_domain(&mut out, "A", d, true);
    }
    if let Some(d) = &a.prmd {
        put_domain(&mut out, "P", d, false);
    }
    if let Some(s) = &a.organization {
        put_component(&mut out, "O", s, Kind::Printable);
    }
    for (i, s) in a.organizational_units.iter().enumerate() {
        put_component(&mut out, &format!("OU{}", i + 1), s, Kind::Printable);
    }
    if let Some(p) = &a.personal_name {
        put_personal(&mut out, "", p, Kind::Printable);
    }
    if let Some(s) = &a.common_name {
        put_component(&mut out, "CN", s, Kind::Printable);
    }
    if let Some(s) = &a.network_address {
        put_component(&mut out, "X121", s, Kind::Numeric);
    }
    if let Some(s) = &a.terminal_identifier {
        put_component(&mut out, "T", s, Kind::Printable);
    }
    if let Some(s) = &a.numeric_user_identifier {
        put_component(&mut out, "UA-ID", s, Kind::Numeric);
    }
    for d in &a.domain_defined {
        put_dda(&mut out, "", d, Kind::Printable);
    }
    if let Some(s) = &a.teletex_organization {
        put_component(&mut out, "TT-O", s, Kind::Teletex);
    }
    for (i, s) in a.teletex_organizational_units.iter().enumerate() {
        put_component(&mut out, &format!("TT-OU{}", i + 1), s, Kind::Teletex);
    }
    if let Some(p) = &a.teletex_personal_name {
        put_personal(&mut out, "TT-", p, Kind::Teletex);
    }
    if let Some(s) = &a.teletex_common_name {
        put_component(&mut out, "TT-CN", s, Kind::Teletex);
    }
    for d in &a.teletex_domain_defined {
        put_dda(&mut out, "TT-", d, Kind::Teletex);
    }
    for e in &a.other_extensions {
        if !out.is_empty() {
            out.push(';');
        }
        let _ = write!(out, "EXT{}=", e.attr_type);
        for b in &e.value {
            let _ = write!(out, "{b:02x}");
        }
    }
    f.write_str(&out)
}

// ---------------------------------------------------------------------------------------------
// Matching key

fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_uppercase());
    }
    // A value of spaces only keeps one, so the key stays a valid (non-empty) value.
    if out.is_empty() && !s.is_empty() {
        out.push(' ');
    }
    out
}

fn norm_domain(d: &DomainName, is_admd: bool) -> DomainName {
    let s = norm(d.as_str());
    if is_admd && s.is_empty() {
        DomainName::Printable(" ".to_string())
    } else if looks_numeric(&s) {
        DomainName::Numeric(s)
    } else {
        DomainName::Printable(s)
    }
}

fn norm_personal(p: &PersonalName) -> PersonalName {
    PersonalName {
        surname: norm(&p.surname),
        given_name: p.given_name.as_deref().map(norm),
        initials: p.initials.as_deref().map(norm),
        generation_qualifier: p.generation_qualifier.as_deref().map(norm),
    }
}

fn norm_dda(d: &[DomainDefinedAttribute]) -> Vec<DomainDefinedAttribute> {
    d.iter()
        .map(|d| DomainDefinedAttribute {
            attr_type: norm(&d.attr_type),
            value: norm(&d.value),
        })
        .collect()
}

/// `a` with every string in canonical form (X.411 comparison rules).
pub(super) fn normalized(a: &ORAddress) -> ORAddress {
    ORAddress {
        country: a.country.as_ref().map(|c| match c {
            // Fixed-size codes: only case is folded, so the key stays a valid code.
            CountryName::X121DccCode(s) => CountryName::X121DccCode(s.clone()),
            CountryName::Iso3166Alpha2(s) => CountryName::Iso3166Alpha2(s.to_ascii_uppercase()),
        }),
        admd: a.admd.as_ref().map(|d| norm_domain(d, true)),
        network_address: a.network_address.as_deref().map(norm),
        terminal_identifier: a.terminal_identifier.as_deref().map(norm),
        prmd: a.prmd.as_ref().map(|d| norm_domain(d, false)),
        organization: a.organization.as_deref().map(norm),
        numeric_user_identifier: a.numeric_user_identifier.as_deref().map(norm),
        personal_name: a.personal_name.as_ref().map(norm_personal),
        organizational_units: a.organizational_units.iter().map(|s| norm(s)).collect(),
        domain_defined: norm_dda(&a.domain_defined),
        common_name: a.common_name.as_deref().map(norm),
        teletex_common_name: a.teletex_common_name.as_deref().map(norm),
        teletex_organization: a.teletex_organization.as_deref().map(norm),
        teletex_personal_name: a.teletex_personal_name.as_ref().map(norm_personal),
        teletex_organizational_units: a
            .teletex_organizational_units
            .iter()
            .map(|s| norm(s))
            .collect(),
        teletex_domain_defined: norm_dda(&a.teletex_domain_defined),
        other_extensions: a.other_extensions.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Splits at every `sep` not preceded by the escape character.
fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(s.get(start..i).unwrap_or(""));
            start = i + c.len_utf8();
        }
    }
    parts.push(s.get(start..).unwrap_or(""));
    parts
}

/// Splits `s` at its first unescaped `=`.
fn split_key(s: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '=' {
            return Some((s.get(..i)?, s.get(i + 1..)?));
        }
    }
    None
}

/// A value read from text: its characters, and whether any was written as an escape.
struct Value {
    text: String,
    escaped: bool,
}

/// Undoes the escapes and checks the characters and the length for the component's kind:
/// literal characters must belong to the string type, escaped ones may be any octet value.
fn value(
    component: &str,
    raw: &str,
    kind: Kind,
    min: usize,
    max: usize,
) -> Result<Value, AddressError> {
    let mut text = String::new();
    let mut escaped = false;
    if raw != "\"\"" {
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                let ok = match u8::try_from(u32::from(c)) {
                    Ok(b) => kind.allows(b) && (kind == Kind::Teletex || b.is_ascii()),
                    Err(_) => false,
                };
                if !ok {
                    return Err(text_err(
                        component,
                        format!("has a character not allowed here: {c:?}"),
                    ));
                }
                text.push(c);
                continue;
            }
            escaped = true;
            match chars.next() {
                Some('x') | Some('X') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    let code = (hex.len() == 2)
                        .then(|| u8::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .ok_or_else(|| text_err(component, "has a bad \\x escape"))?;
                    text.push(char::from(code));
                }
                Some(other) if u32::from(other) <= 0xff => text.push(other),
                Some(other) => {
                    return Err(text_err(
                        component,
                        format!("has a character not allowed here: {other:?}"),
                    ));
                }
                None => return Err(text_err(component, "ends with a lone backslash")),
            }
        }
    }
    let n = text.chars().count();
    if n < min {
        return Err(text_err(component, "has no value"));
    }
    if n > max {
        return Err(text_err(
            component,
            format!("is longer than {max} characters"),
        ));
    }
    Ok(Value { text, escaped })
}

fn domain(component: &str, raw: &str, min: usize, max: usize) -> Result<DomainName, AddressError> {
    if let Some(rest) = raw.strip_prefix('#') {
        return Ok(DomainName::Numeric(
            value(component, rest, Kind::Numeric, min, max)?.text,
        ));
    }
    let v = value(component, raw, Kind::Printable, min, max)?;
    if !v.escaped && looks_numeric(&v.text) {
        Ok(DomainName::Numeric(v.text))
    } else {
        Ok(DomainName::Printable(v.text))
    }
}

fn set_once<T>(slot: &mut Option<T>, component: &str, v: T) -> Result<(), AddressError> {
    if slot.is_some() {
        return Err(text_err(component, "is given twice"));
    }
    *slot = Some(v);
    Ok(())
}

/// Personal-name parts as read, before the surname requirement is checked.
#[derive(Default)]
struct NameParts {
    parts: [Option<String>; 4],
    first_key: Option<String>,
}

impl NameParts {
    fn set(&mut self, i: usize, component: &str, v: String) -> Result<(), AddressError> {
        let slot = self
            .parts
            .get_mut(i)
            .ok_or_else(|| text_err(component, "is not a personal-name part"))?;
        set_once(slot, component, v)?;
        if i != 0 && self.first_key.is_none() {
            self.first_key = Some(component.to_string());
        }
        Ok(())
    }

    fn finish(self, surname_key: &str) -> Result<Option<PersonalName>, AddressError> {
        let [surname, given_name, initials, generation_qualifier] = self.parts;
        match surname {
            Some(surname) => Ok(Some(PersonalName {
                surname,
                given_name,
                initials,
                generation_qualifier,
            })),
            None => match self.first_key {
                Some(k) => Err(text_err(&k, format!("is given without `{surname_key}`"))),
                None => Ok(None),
            },
        }
    }
}

/// Organizational units by position (OU1..OU4), checked for gaps at the end.
#[derive(Default)]
struct Units {
    slots: [Option<String>; 4],
}

impl Units {
    fn set(
        &mut self,
        position: Option<usize>,
        component: &str,
        v: String,
    ) -> Result<(), AddressError> {
        // `OU` without a number (the slash form repeats it) takes the next free position.
        let i = match position {
            Some(i) => i,
            None => self.slots.iter().position(Option::is_none).ok_or_else(|| {
                text_err(component, "is one organizational unit too many (at most 4)")
            })?,
        };
        let slot = self
            .slots
            .get_mut(i)
            .ok_or_else(|| text_err(component, "is not OU1..OU4"))?;
        set_once(slot, component, v)
    }

    fn finish(self, prefix: &str) -> Result<Vec<String>, AddressError> {
        let mut out = Vec::new();
        let mut gap: Option<usize> = None;
        for (i, s) in self.slots.into_iter().enumerate() {
            match (s, gap) {
                (Some(_), Some(g)) => {
                    return Err(text_err(
                        &format!("{prefix}OU{}", i + 1),
                        format!("is given without `{prefix}OU{}`", g + 1),
                    ));
                }
                (Some(s), None) => out.push(s),
                (None, None) => gap = Some(i),
                (None, Some(_)) => {}
            }
        }
        Ok(out)
    }
}

fn dda(
    list: &mut Vec<DomainDefinedAttribute>,
    component: &str,
    type_raw: &str,
    raw: &str,
    kind: Kind,
) -> Result<(), AddressError> {
    if list.len() == limits::DOMAIN_DEFINED_ATTRIBUTES {
        return Err(text_err(
            component,
            "is one domain-defined attribute too many (at most 4)",
        ));
    }
    let attr_type = value(component, type_raw.trim(), kind, 1, limits::DDA_TYPE)?.text;
    let value = value(component, raw, kind, 1, limits::DDA_VALUE)?.text;
    list.push(DomainDefinedAttribute { attr_type, value });
    Ok(())
}

fn hex_value(component: &str, raw: &str) -> Result<Vec<u8>, AddressError> {
    let bad = || text_err(component, "is not the hex of one BER value");
    if !raw.len().is_multiple_of(2) || !raw.is_ascii() {
        return Err(bad());
    }
    let bytes = (0..raw.len())
        .step_by(2)
        .map(|i| {
            raw.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    if !ber::single_tlv(&bytes) {
        return Err(bad());
    }
    Ok(bytes)
}

/// Reads the semicolon form or, when the text starts with `/`, the slash form.
pub(super) fn parse(s: &str) -> Result<ORAddress, AddressError> {
    let trimmed = s.trim();
    let components = if trimmed.starts_with('/') {
        split_unescaped(trimmed, '/')
    } else {
        split_unescaped(trimmed, ';')
    };
    let mut a = ORAddress::default();
    let mut name = NameParts::default();
    let mut tt_name = NameParts::default();
    let mut units = Units::default();
    let mut tt_units = Units::default();
    let mut any = false;

    for comp in components {
        let comp = comp.trim();
        if comp.is_empty() {
            continue;
        }
        any = true;
        let Some((key, raw)) = split_key(comp) else {
            return Err(text_err(comp, "has no value"));
        };
        let key = key.trim();
        let raw = raw.trim();
        let upper = key.to_ascii_uppercase();
        let (teletex, base) = match upper.strip_prefix("TT-") {
            Some(rest) => (true, rest),
            None => (false, upper.as_str()),
        };
        let kind = if teletex {
            Kind::Teletex
        } else {
            Kind::Printable
        };

        // Domain-defined attributes: the type is part of the key, in its original case.
        // `DD.type` is how tshark's slash form writes them.
        let dda_prefix = ["DDA:", "DD."].into_iter().find(|p| base.starts_with(p));
        if let Some(prefix) = dda_prefix {
            let type_raw = key
                .get(key.len() - base.len() + prefix.len()..)
                .unwrap_or("");
            let list = if teletex {
                &mut a.teletex_domain_defined
            } else {
                &mut a.domain_defined
            };
            dda(list, key, type_raw, raw, kind)?;
            continue;
        }
        let personal_index = match base {
            "S" => Some(0),
            "G" => Some(1),
            "I" => Some(2),
            "Q" => Some(3),
            _ => None,
        };
        if let Some(i) = personal_index {
            let max = [
                limits::SURNAME,
                limits::GIVEN_NAME,
                limits::INITIALS,
                limits::GENERATION_QUALIFIER,
            ];
            let v = value(key, raw, kind, 1, max.get(i).copied().unwrap_or(0))?.text;
            if teletex {
                tt_name.set(i, key, v)?;
            } else {
                name.set(i, key, v)?;
            }
            continue;
        }
        if let Some(n) = base.strip_prefix("OU") {
            let position = match n {
                "" => None,
                "1" | "2" | "3" | "4" => n.parse::<usize>().ok().map(|p| p - 1),
                _ => return Err(text_err(key, "is not a known component")),
            };
            let v = value(key, raw, kind, 1, limits::OU_NAME)?.text;
            if teletex {
                tt_units.set(position, key, v)?;
            } else {
                units.set(position, key, v)?;
            }
            continue;
        }
        match (teletex, base) {
            (false, "C") => {
                let c = if raw.starts_with('#')
                    || (raw.len() == limits::COUNTRY_NUMERIC
                        && raw.bytes().all(|b| b.is_ascii_digit()))
                {
                    match domain(key, raw, 1, limits::COUNTRY_NUMERIC)? {
                        DomainName::Numeric(s) if s.chars().count() == limits::COUNTRY_NUMERIC => {
                            CountryName::X121DccCode(s)
                        }
                        _ => return Err(text_err(key, "must be two letters or three digits")),
                    }
                } else {
                    let v = value(key, raw, Kind::Printable, 1, limits::COUNTRY_NUMERIC)?.text;
                    if v.chars().count() != limits::COUNTRY_ALPHA {
                        return Err(text_err(key, "must be two letters or three digits"));
                    }
                    CountryName::Iso3166Alpha2(v)
                };
                set_once(&mut a.country, key, c)?;
            }
            (false, "A" | "ADMD") => {
                // A blank ADMD is the single space, X.411's "any ADMD" (tshark prints `A= `).
                let d = if raw.is_empty() {
                    DomainName::Printable(" ".to_string())
                } else {
                    domain(key, raw, 0, limits::DOMAIN_NAME)?
                };
                set_once(&mut a.admd, key, d)?;
            }
            (false, "P" | "PRMD") => {
                let d = domain(key, raw, 1, limits::DOMAIN_NAME)?;
                set_once(&mut a.prmd, key, d)?;
            }
            (_, "O") => {
                let v = value(key, raw, kind, 1, limits::ORGANIZATION_NAME)?.text;
                let slot = if teletex {
                    &mut a.teletex_organization
                } else {
                    &mut a.organization
                };
                set_once(slot, key, v)?;
            }
            (_, "CN") => {
                let v = value(key, raw, kind, 1, limits::COMMON_NAME)?.text;
                let slot = if teletex {
                    &mut a.teletex_common_name
                } else {
                    &mut a.common_name
                };
                set_once(slot, key, v)?;
            }
            (false, "X121") => {
                let v = value(key, raw, Kind::Numeric, 1, limits::X121_ADDRESS)?.text;
                set_once(&mut a.network_address, key, v)?;
            }
            (false, "T" | "T-ID") => {
                let v = value(key, raw, Kind::Printable, 1, limits::TERMINAL_ID)?.text;
                set_once(&mut a.terminal_identifier, key, v)?;
            }
            (false, "N" | "UA-ID") => {
                let v = value(key, raw, Kind::Numeric, 1, limits::NUMERIC_USER_ID)?.text;
                set_once(&mut a.numeric_user_identifier, key, v)?;
            }
            (false, ext) if ext.starts_with("EXT") => {
                let attr_type = ext
                    .get(3..)
                    .and_then(|n| n.parse::<u32>().ok())
                    .filter(|&n| n as usize <= limits::EXTENSION_ATTRIBUTES)
                    .ok_or_else(|| text_err(key, "is not a known component"))?;
                let value = hex_value(key, raw)?;
                a.other_extensions
                    .push(ExtensionAttribute { attr_type, value });
            }
            _ => return Err(text_err(key, "is not a known component")),
        }
    }
    if !any {
        return Err(AddressError::Empty);
    }
    a.personal_name = name.finish("S")?;
    a.teletex_personal_name = tt_name.finish("TT-S")?;
    a.organizational_units = units.finish("")?;
    a.teletex_organizational_units = tt_units.finish("TT-")?;
    Ok(a)
}
