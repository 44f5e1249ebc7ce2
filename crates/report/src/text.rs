//! Small text helpers shared by the document renderers.

/// Escapes text for HTML (and for Markdown, which passes HTML through).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text for a Markdown table cell: escaped, pipes and line breaks neutralized.
pub fn md_cell(text: &str) -> String {
    html_escape(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// A Markdown code span that survives backticks and HTML in the text: its
/// fence is one backtick longer than the longest run inside.
pub fn md_code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let text = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    // A space keeps a backtick at either end off the fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Link text that cannot open, close or nest a link of its own: every
/// character Markdown gives a meaning to is backslash-escaped.
pub fn md_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in md_cell(text).chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '(' | ')' | '`' | '*' | '!' | '<' | '>'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A relative link target: everything but unreserved characters and `/`
/// percent-encoded, so no name can end the link early.
pub fn md_url(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'.' | b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

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

/// The source line a finding points at, trimmed; empty when unreadable.
pub fn source_line(
    file: &migscan_engine::ScannedFile,
    line: u32,
    cache: &mut std::collections::HashMap<std::path::PathBuf, Vec<String>>,
) -> String {
    let lines = cache.entry(file.path.clone()).or_insert_with(|| {
        file.read_text()
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    });
    lines
        .get(line as usize - 1)
        .map(|l| migscan_core::visible(l.trim()).chars().take(200).collect())
        .unwrap_or_default()
}

/// The plan's optional integrations in one sentence, with the costliest
/// rules.
pub fn optional_sentence(plan: &migscan_plan::MigrationPlan) -> String {
    let optional = &plan.optional;
    let top: Vec<&str> = optional
        .items
        .iter()
        .take(3)
        .map(|i| i.rule_id.as_str())
        .collect();
    format!(
        "Optional integrations (code behind is_*_available() checks or imports with a fallback): {} sites, {}–{} h, not in the total; largest: {}.",
        optional.sites,
        hours(optional.hours.low),
        hours(optional.hours.high),
        top.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_number_format() {
        assert_eq!(
            html_escape("</script><b>&"),
            "&lt;/script&gt;&lt;b&gt;&amp;"
        );
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
        assert_eq!(md_code("x`y"), "``x`y``");
        assert_eq!(md_code("a``b`"), "``` a``b` ```");
        assert_eq!(md_link_text("[x](y)`z`.py"), "\\[x\\]\\(y\\)\\`z\\`.py");
        assert_eq!(md_url("a b/[x](y).py"), "a%20b/%5Bx%5D%28y%29.py");
        assert_eq!(hours(1240.4), "1,240");
        assert_eq!(hours(3.25), "3.2");
        assert_eq!(plural(1, "site", "sites"), "1 site");
        assert_eq!(plural(1240, "site", "sites"), "1,240 sites");
        assert_eq!(plural(0, "file", "files"), "0 files");
    }
}
