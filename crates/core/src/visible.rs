//! Text from a scanned repository, made safe to print: control characters
//! (an escape sequence can clear a terminal, retitle it or plant a link; a
//! line break can forge a report line) and bidirectional overrides (which
//! reorder what a reader sees) are written as visible escapes.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal or report as it is.
fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character written as `\x1b` (or `\u{202e}`
/// above ASCII); unchanged, and not copied, when it holds none.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`visible`], but keeps line breaks (`\n`, `\r\n`) and tabs: for
/// source text as [`crate::read_source`] gives it (no lone `\r` left).
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    if !is_hidden(c) {
        out.push(c);
    } else if c.is_ascii() {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(visible("a/b.py"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\nb\x1b[2J\u{202e}.py"),
            "a\\x0ab\\x1b[2J\\u{202e}.py"
        );
        assert_eq!(
            visible_lines("x\t\"\x1b]0;t\x07\"\r\ny"),
            "x\t\"\\x1b]0;t\\x07\"\r\ny"
        );
    }
}
