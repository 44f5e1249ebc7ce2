//! Numbers as every report prints them, so the plan's sentences and the
//! renderers' tables round and group digits the same way.

/// Formats a count of hours as `1.5`, `12`, `1,240`.
pub fn hours(h: f64) -> String {
    if h < 10.0 {
        return format!("{h:.1}");
    }
    group_digits(&format!("{h:.0}"))
}

/// `1234567` → `1,234,567`: a run of digits with thousands separators.
pub fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun: `1 site`, `12 sites`, `1,240 sites`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    let noun = if count == 1 { one } else { many };
    format!("{} {noun}", group_digits(&count.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_counts_and_nouns() {
        assert_eq!(hours(1240.4), "1,240");
        assert_eq!(hours(3.25), "3.2");
        assert_eq!(hours(0.0), "0.0");
        assert_eq!(plural(1, "site", "sites"), "1 site");
        assert_eq!(plural(1240, "site", "sites"), "1,240 sites");
        assert_eq!(plural(0, "file", "files"), "0 files");
    }
}
