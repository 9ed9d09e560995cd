//! Turn a TOML error's byte span into the field it belongs to (`listeners[0].address`), so a
//! refused config names the field, not only a line number (TOML 1.0 document structure).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The dotted path (`limits.max-associations`, `listeners[1].t-selector`) of the key or value
/// an error span points at; `None` when the document does not parse or the span is not one
/// of a key or value (e.g. a missing top-level key, reported at the empty root span).
///
/// Tables opened by `[header]` / `[[header]]` span only their header line, which is also the
/// span a "missing field" error in them carries; so every table is searched whatever its
/// span, and an exact span match names the table itself.
pub fn field_at(src: &str, span: Range<usize>) -> Option<String> {
    let root = DeTable::parse(src).ok()?;
    let mut path = String::new();
    find_in_table(root.get_ref(), &span, &mut path).then_some(path)
}

fn inside(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    !inner.is_empty() && outer.start <= inner.start && inner.end <= outer.end
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    // Keys that are not bare keys are quoted, as TOML would need them.
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        path.push_str(key);
    } else {
        path.push_str(&format!("{key:?}"));
    }
}

fn find_in_table(table: &DeTable<'_>, err: &Range<usize>, path: &mut String) -> bool {
    for (key, value) in table.iter() {
        let mark = path.len();
        push_key(path, key.get_ref());
        if inside(&key.span(), err) || find_in_value(value, err, path) {
            return true;
        }
        path.truncate(mark);
    }
    false
}

fn find_in_value(value: &Spanned<DeValue<'_>>, err: &Range<usize>, path: &mut String) -> bool {
    let mark = path.len();
    let found_inside = match value.get_ref() {
        DeValue::Table(t) => find_in_table(t, err, path),
        DeValue::Array(items) => items.iter().enumerate().any(|(i, item)| {
            path.push_str(&format!("[{i}]"));
            if find_in_value(item, err, path) {
                return true;
            }
            path.truncate(mark);
            false
        }),
        _ => false,
    };
    if found_inside {
        return true;
    }
    path.truncate(mark);
    value.span() == *err || inside(&value.span(), err)
}

/// 1-based line and column of byte `pos` in `src`.
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = src.get(..pos).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit_once('\n')
        .map_or(before, |(_, rest)| rest)
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str, needle: &str) -> Option<String> {
        let start = src.find(needle).unwrap();
        field_at(src, start..start + needle.len())
    }

    #[test]
    fn finds_nested_fields() {
        let src = "data-dir = \"d\"\n\n[limits]\nmax-associations = 5\n\n[[listeners]]\naddress = \"a\"\n\n[[listeners]]\naddress = \"b\"\nt-selector = \"x\"\n\n[directory]\n\"odd key\" = 1\n";
        assert_eq!(at(src, "\"d\"").as_deref(), Some("data-dir"));
        assert_eq!(at(src, "5").as_deref(), Some("limits.max-associations"));
        assert_eq!(at(src, "\"a\"").as_deref(), Some("listeners[0].address"));
        assert_eq!(at(src, "\"b\"").as_deref(), Some("listeners[1].address"));
        assert_eq!(
            at(src, "t-selector").as_deref(),
            Some("listeners[1].t-selector")
        );
        assert_eq!(
            at(src, "\"odd key\"").as_deref(),
            Some("directory.\"odd key\"")
        );
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
