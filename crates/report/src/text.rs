//! Small text helpers shared by the document renderers.

pub use migscan_core::{group_digits, hours, plural};

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

/// Text for Markdown prose or a table cell: every character that could
/// start markup or HTML is backslash-escaped (CommonMark escapes any ASCII
/// punctuation), so the raw text stays readable, without HTML entities;
/// line breaks become spaces.
pub fn md_cell(text: &str) -> String {
    md_escape(text, &[])
}

/// Escapes `text` for Markdown, and `extra` characters besides. Unless
/// `extra` holds a backtick, a code span (`` `x<T>` ``, closed by a run of
/// as many backticks) is kept as it is: Markdown shows its content
/// literally.
fn md_escape(text: &str, extra: &[char]) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    let in_word = |j: Option<usize>| {
        j.and_then(|j| chars.get(j))
            .is_some_and(|c| c.is_alphanumeric())
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' && !extra.contains(&'`') {
            if let Some(end) = code_span_end(&chars, i) {
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
        }
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '&' | '|' => true,
            // An underscore inside a word is never emphasis.
            '_' => !(in_word(i.checked_sub(1)) && in_word(Some(i + 1))),
            _ => extra.contains(&c),
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where the code span opening at `start` (a run of backticks) ends: just
/// after a closing run of the same length, if there is one.
fn code_span_end(chars: &[char], start: usize) -> Option<usize> {
    let run = |at: usize| chars[at..].iter().take_while(|&&c| c == '`').count();
    let open = run(start);
    let mut i = start + open;
    while i < chars.len() {
        if chars[i] == '`' {
            let close = run(i);
            if close == open {
                return Some(i + close);
            }
            i += close;
        } else {
            i += 1;
        }
    }
    None
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
    md_escape(text, &['(', ')', '!', '`'])
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

/// Greedy word wrap to `width` columns: the first line starts after
/// `first` columns already used, the others with `indent` spaces. A word
/// longer than a line gets a line of its own. Columns are characters.
pub fn wrap(text: &str, width: usize, first: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = first;
    let mut line_start = true;
    // Empty words keep runs of spaces inside a line (`path  details`).
    for word in text.split(' ') {
        if word.is_empty() && line_start {
            continue;
        }
        let len = word.chars().count();
        if !line_start && column + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
            line_start = true;
        }
        if !line_start {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
        line_start = false;
    }
    out
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

/// What the target's runtime shim would handle, in one paragraph: the
/// first thing a team adopting it asks.
pub fn shim_sentence(plan: &migscan_plan::MigrationPlan) -> Option<String> {
    let shim = plan.runtime_shim.as_ref()?;
    let all = shim.sites_handled + shim.sites_left;
    Some(format!(
        "Runtime shim: `{}` would handle {} of {} at run time ({}, {}–{} h of the estimate): {}. {} left for people. Source: {}.",
        shim.import,
        group_digits(&shim.sites_handled.to_string()),
        plural(all, "site", "sites"),
        plural(shim.rules_handled, "rule", "rules"),
        hours(shim.hours_handled.low),
        hours(shim.hours_handled.high),
        shim.does,
        plural(shim.sites_left, "site is", "sites are"),
        shim.source
    ))
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
        assert_eq!(
            md_cell("\"npu\" -> torch_npu, __init__ <b>&"),
            "\"npu\" -\\> torch_npu, \\_\\_init\\_\\_ \\<b\\>\\&"
        );
        assert_eq!(md_cell("`x<T>` and `y"), "`x<T>` and \\`y");
        assert_eq!(md_cell("``a`b`` <"), "``a`b`` \\<");
        assert_eq!(md_code("x`y"), "``x`y``");
        assert_eq!(md_code("a``b`"), "``` a``b` ```");
        assert_eq!(md_link_text("[x](y)`z`.py"), "\\[x\\]\\(y\\)\\`z\\`.py");
        assert_eq!(md_url("a b/[x](y).py"), "a%20b/%5Bx%5D%28y%29.py");
        assert_eq!(wrap("aa bb cc dd", 8, 2, 4), "aa bb\n    cc\n    dd");
        assert_eq!(wrap("short", 80, 0, 0), "short");
        assert_eq!(wrap("a  b", 80, 0, 0), "a  b");
        assert_eq!(wrap("a verylongword b", 6, 0, 1), "a\n verylongword\n b");
    }
}
