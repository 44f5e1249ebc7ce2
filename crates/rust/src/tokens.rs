//! The token walk over a Rust source file.

use migscan_core::{LineIndex, ParseFailure, Usage, UsageKind};
use proc_macro2::{Delimiter, Span, TokenStream};
use syn::buffer::{Cursor, TokenBuffer};

/// The build setting `.cuda(true)` on a `cc::Build` is reported as.
pub const CC_BUILD_CUDA: &str = "cc::Build::cuda";

pub fn usages(source: &str) -> Result<Vec<Usage>, ParseFailure> {
    let stream: TokenStream = source
        .parse()
        .map_err(|e| ParseFailure(format!("cannot tokenize Rust source: {e}")))?;
    let buffer = TokenBuffer::new2(stream);
    let positions = Positions::new(source);
    let mut out = Vec::new();
    let mut stack = vec![buffer.begin()];
    while let Some(mut cursor) = stack.pop() {
        while !cursor.eof() {
            cursor = step(cursor, &positions, &mut out, &mut stack);
        }
    }
    Ok(out)
}

/// Handles the token at `cursor`; returns where to continue. Groups are
/// pushed on `stack` to be walked later.
fn step<'a>(
    cursor: Cursor<'a>,
    positions: &Positions,
    out: &mut Vec<Usage>,
    stack: &mut Vec<Cursor<'a>>,
) -> Cursor<'a> {
    if let Some((path, start, end, next)) = read_path(cursor) {
        if path.contains("::") {
            // `Command::new("nvcc")` starts a program.
            if path.ends_with("Command::new") {
                if let Some((inner, _, _)) = next.group(Delimiter::Parenthesis) {
                    if let Some((literal, _)) = inner.literal() {
                        let text = literal.to_string();
                        if let Some(program) =
                            text.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
                        {
                            out.push(positions.usage(
                                UsageKind::Command,
                                program,
                                literal.span(),
                                literal.span(),
                            ));
                        }
                    }
                }
            }
            out.push(positions.usage(UsageKind::Symbol, &path, start, end));
        }
        return next;
    }
    if let Some((punct, next)) = cursor.punct() {
        if punct.as_char() == '.' {
            if let Some((ident, after)) = next.ident() {
                if let Some((args, _, _)) = after.group(Delimiter::Parenthesis) {
                    let name = ident.to_string();
                    let enables = args
                        .ident()
                        .is_some_and(|(arg, rest)| arg == "true" && rest.eof());
                    if name == "cuda" && enables {
                        out.push(positions.usage(
                            UsageKind::BuildSetting,
                            CC_BUILD_CUDA,
                            ident.span(),
                            ident.span(),
                        ));
                    } else {
                        out.push(positions.usage(
                            UsageKind::Method,
                            &name,
                            ident.span(),
                            ident.span(),
                        ));
                    }
                }
                return after;
            }
        }
        return next;
    }
    if let Some((inner, _, _, next)) = cursor.any_group() {
        stack.push(inner);
        return next;
    }
    cursor.token_tree().map_or(cursor, |(_, next)| next)
}

/// `a::b::c` starting at `cursor` (a leading `::` allowed): the path text,
/// its first and last spans, and the cursor after it.
fn read_path(cursor: Cursor) -> Option<(String, Span, Span, Cursor)> {
    let (ident, mut c) = cursor.ident()?;
    let first = ident.span();
    let mut last = first;
    let mut path = ident.to_string();
    while let Some(after) = double_colon(c) {
        let Some((ident, next)) = after.ident() else {
            break;
        };
        path.push_str("::");
        path.push_str(&ident.to_string());
        last = ident.span();
        c = next;
    }
    Some((path, first, last, c))
}

/// The cursor after `::`, if there is one here.
fn double_colon(cursor: Cursor) -> Option<Cursor> {
    let (first, next) = cursor.punct()?;
    let (second, after) = next.punct()?;
    (first.as_char() == ':' && second.as_char() == ':').then_some(after)
}

/// Converts proc-macro2 line/column positions to spans.
struct Positions<'s> {
    source: &'s str,
    lines: LineIndex<'s>,
    line_starts: Vec<usize>,
}

impl<'s> Positions<'s> {
    fn new(source: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            source,
            lines: LineIndex::new(source),
            line_starts,
        }
    }

    /// Byte offset of a 1-based line and 0-based character column.
    fn offset(&self, line: usize, column: usize) -> usize {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.source.len());
        let text = &self.source[start..];
        start
            + text
                .char_indices()
                .nth(column)
                .map_or(text.len(), |(i, _)| i)
    }

    fn usage(&self, kind: UsageKind, name: &str, first: Span, last: Span) -> Usage {
        let (s, e) = (first.start(), last.end());
        let start = self.offset(s.line, s.column);
        let end = self.offset(e.line, e.column).max(start);
        Usage::new(kind, name, self.lines.span(start, end))
    }
}
