//! The source text a terminal snippet shows: the file as the scan read it,
//! with control characters escaped and long lines cropped, so that neither
//! scanned text nor a generated line of a megabyte reaches the terminal (the
//! snippet renderer cannot pad lines wider than 65,535 columns at all).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use migscan_core::{visible_lines, Span};

/// A snippet's text as miette reads it, named after its file; the
/// location in the header is the finding's real one, not its place in the
/// cropped line.
pub struct SnippetSource {
    name: String,
    text: String,
    finding: SourceSpan,
    /// 0-based column of the finding in the file, in characters.
    column: usize,
}

impl SnippetSource {
    /// The snippet of `text` (the file as the scan read it) for the finding
    /// at `span` in the file named `name`, and the finding's span in it.
    pub fn new(name: String, text: &str, span: Span) -> (Self, SourceSpan) {
        let (text, start, end) = snippet_source(text, span);
        let finding = SourceSpan::from((start, end - start));
        let source = SnippetSource {
            name,
            text,
            finding,
            column: span.column as usize - 1,
        };
        (source, finding)
    }
}

impl SourceCode for SnippetSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        let column = if *span == self.finding && before == 0 && after == 0 {
            self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// Lines longer than this many bytes are cropped; the finding's own line
/// keeps [`CONTEXT`] bytes either side of the finding.
const MAX_LINE: usize = 400;
const CONTEXT: usize = 120;

/// The text to show and the finding's byte range in it.
fn snippet_source(text: &str, span: Span) -> (String, usize, usize) {
    let mut out = String::with_capacity(text.len().min(1 << 20));
    let (mut start, mut end) = (0, 0);
    let mut found = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let line_end = line_start + body.len();
        if !found && span.start <= line_end {
            found = true;
            let from = span.start.saturating_sub(line_start).min(body.len());
            let to = span.end.saturating_sub(line_start).clamp(from, body.len());
            let (window_start, window_end) = if body.len() <= MAX_LINE {
                (0, body.len())
            } else {
                (
                    floor_boundary(body, from.saturating_sub(CONTEXT)),
                    ceil_boundary(body, (to + CONTEXT).min(body.len())),
                )
            };
            let (from, to) = (floor_boundary(body, from), ceil_boundary(body, to));
            if window_start > 0 {
                out.push('…');
            }
            out.push_str(&visible_lines(&body[window_start..from]));
            start = out.len();
            out.push_str(&visible_lines(&body[from..to]));
            end = out.len();
            out.push_str(&visible_lines(&body[to..window_end]));
            if window_end < body.len() {
                out.push('…');
            }
        } else if body.len() > MAX_LINE {
            out.push_str(&visible_lines(&body[..floor_boundary(body, MAX_LINE)]));
            out.push('…');
        } else {
            out.push_str(&visible_lines(body));
        }
        out.push_str(ending);
        line_start += line.len();
    }
    (out, start, end)
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest char boundary of `text` at or above `at`.
fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use migscan_core::LineIndex;

    fn shown(text: &str, start: usize, end: usize) -> (String, String) {
        let span = LineIndex::new(text).span(start, end);
        let (source, from, to) = snippet_source(text, span);
        (source.clone(), source[from..to].to_string())
    }

    #[test]
    fn controls_are_escaped_and_the_span_follows() {
        let text = "a = 1\ns = '\x1b[2J'; cuda()\n";
        let at = text.find("cuda").unwrap();
        let (source, hit) = shown(text, at, at + 4);
        assert_eq!(hit, "cuda");
        assert_eq!(source, "a = 1\ns = '\\x1b[2J'; cuda()\n");
    }

    #[test]
    fn long_lines_are_cropped_around_the_finding() {
        let text = format!(
            "{}\n{}cuda(){}\nx\n",
            "é".repeat(300),
            "a".repeat(5000),
            "b".repeat(5000)
        );
        let at = text.find("cuda").unwrap();
        let (source, hit) = shown(&text, at, at + 4);
        assert_eq!(hit, "cuda");
        let lines: Vec<&str> = source.lines().collect();
        assert_eq!(lines[0], format!("{}…", "é".repeat(200)));
        assert_eq!(
            lines[1],
            format!("…{}cuda(){}…", "a".repeat(120), "b".repeat(118))
        );
        assert_eq!(lines[2], "x");
    }
}
