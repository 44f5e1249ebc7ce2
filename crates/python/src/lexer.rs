//! A byte-level Python tokenizer: just enough of Python's lexical grammar
//! (names, strings with f-string interpolations, comments, brackets, line
//! joining) to find statement boundaries and the names a statement writes,
//! without building a syntax tree.
//!
//! It never fails on odd input: where it cannot follow the source (an
//! unterminated string, f-strings nested beyond [`MAX_FSTRING_DEPTH`]) it
//! reports [`Lexer::lost`], and callers fall back to the parser.

/// How deep f-strings may nest inside each other's interpolations before
/// the lexer gives up; bounds its recursion.
const MAX_FSTRING_DEPTH: usize = 32;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier or keyword.
    Name,
    /// A string literal, prefix and quotes included.
    String,
    /// One operator or delimiter byte (`.`, `=`, `,`, `(`, ...); `==`, `<=`
    /// and friends come as [`TokenKind::Compare`].
    Op(u8),
    /// A two-byte comparison or augmented operator, never an assignment.
    Compare,
    /// The end of a logical line.
    Newline,
}

/// A token and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset past its last byte.
    pub end: usize,
}

/// Tokens of a Python source, in order.
pub struct Lexer<'s> {
    src: &'s [u8],
    pos: usize,
    /// Open brackets: newlines inside them do not end a logical line.
    depth: usize,
    /// Whether the current logical line has a token yet: blank and
    /// comment-only lines produce no [`TokenKind::Newline`].
    line_has_token: bool,
    lost: bool,
}

impl<'s> Lexer<'s> {
    /// A lexer at the start of `source` (after a byte-order mark, which
    /// would otherwise glue itself to the first name).
    pub fn new(source: &'s str) -> Self {
        Self {
            src: source.as_bytes(),
            pos: if source.starts_with('\u{feff}') { 3 } else { 0 },
            depth: 0,
            line_has_token: false,
            lost: false,
        }
    }

    /// Whether the lexer could not follow the source; its tokens are then
    /// not to be trusted.
    pub fn lost(&self) -> bool {
        self.lost || self.depth != 0
    }

    fn token(&mut self, kind: TokenKind, start: usize, end: usize) -> Token {
        self.pos = end;
        self.line_has_token = kind != TokenKind::Newline;
        Token { kind, start, end }
    }

    /// The end of the string literal whose opening quote is at `quote_at`,
    /// or `None` when it is not terminated.
    fn string_end(&self, quote_at: usize, formatted: bool, nesting: usize) -> Option<usize> {
        let src = self.src;
        let quote = src[quote_at];
        let triple = src.get(quote_at + 1) == Some(&quote) && src.get(quote_at + 2) == Some(&quote);
        let mut i = quote_at + if triple { 3 } else { 1 };
        while i < src.len() {
            match src[i] {
                b'\\' => i += 2,
                b'\n' if !triple => return None,
                b if b == quote => {
                    if !triple {
                        return Some(i + 1);
                    }
                    if src.get(i + 1) == Some(&quote) && src.get(i + 2) == Some(&quote) {
                        return Some(i + 3);
                    }
                    i += 1;
                }
                b'{' if formatted => {
                    if src.get(i + 1) == Some(&b'{') {
                        i += 2;
                    } else {
                        i = self.interpolation_end(i + 1, nesting + 1)?;
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    /// The offset past the `}` closing an f-string interpolation that
    /// starts at `from`; strings inside it may use any quote (Python 3.12).
    fn interpolation_end(&self, from: usize, nesting: usize) -> Option<usize> {
        if nesting > MAX_FSTRING_DEPTH {
            return None;
        }
        let src = self.src;
        let mut depth = 0usize;
        let mut i = from;
        while i < src.len() {
            match src[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b'}' if depth == 0 => return Some(i + 1),
                b'}' => depth -= 1,
                b'\'' | b'"' => {
                    let formatted = string_prefix_is_formatted(src, i);
                    i = self.string_end(i, formatted, nesting)?;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

/// Whether the name ending right before the quote at `quote_at` is a
/// string prefix with `f` (or `t`, template strings) in it.
fn string_prefix_is_formatted(src: &[u8], quote_at: usize) -> bool {
    let mut i = quote_at;
    while i > 0 && src[i - 1].is_ascii_alphabetic() && quote_at - i < 2 {
        i -= 1;
    }
    src[i..quote_at]
        .iter()
        .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
        && is_string_prefix(&src[i..quote_at])
}

/// Whether `name`, directly followed by a quote, opens a string literal.
fn is_string_prefix(name: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"", b"r", b"u", b"b", b"f", b"t", b"br", b"rb", b"fr", b"rf", b"tr", b"rt",
    ];
    PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(name))
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        while self.pos < src.len() && !self.lost {
            let start = self.pos;
            match src[start] {
                b' ' | b'\t' | b'\x0c' | b'\r' => self.pos += 1,
                b'\\' if matches!(src.get(start + 1), Some(b'\n')) => self.pos += 2,
                b'\\' if src.get(start + 1..start + 3) == Some(b"\r\n") => self.pos += 3,
                // A backslash that does not join lines is a syntax error that
                // tree-sitter repairs across statements: no outline follows it.
                b'\\' => self.lost = true,
                b'#' => {
                    self.pos = memchr_newline(src, start);
                }
                b'\n' => {
                    if self.depth == 0 && self.line_has_token {
                        return Some(self.token(TokenKind::Newline, start, start + 1));
                    }
                    self.pos += 1;
                }
                b'\'' | b'"' => match self.string_end(start, false, 0) {
                    Some(end) => return Some(self.token(TokenKind::String, start, end)),
                    None => self.lost = true,
                },
                b if is_name_byte(b) => {
                    let mut end = start + 1;
                    while end < src.len() && is_name_byte(src[end]) {
                        end += 1;
                    }
                    let quoted = matches!(src.get(end), Some(b'\'' | b'"'));
                    if quoted && is_string_prefix(&src[start..end]) {
                        let formatted = string_prefix_is_formatted(src, end);
                        match self.string_end(end, formatted, 0) {
                            Some(close) => {
                                return Some(self.token(TokenKind::String, start, close))
                            }
                            None => self.lost = true,
                        }
                    } else {
                        return Some(self.token(TokenKind::Name, start, end));
                    }
                }
                b => {
                    match b {
                        b'(' | b'[' | b'{' => self.depth += 1,
                        b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    let next = src.get(start + 1).copied();
                    let compare = next == Some(b'=') && b"=!<>+-*/%&|^@:".contains(&b);
                    let kind = if compare {
                        TokenKind::Compare
                    } else {
                        TokenKind::Op(b)
                    };
                    let end = start + if compare { 2 } else { 1 };
                    return Some(self.token(kind, start, end));
                }
            }
        }
        if self.line_has_token && !self.lost {
            let end = src.len();
            return Some(self.token(TokenKind::Newline, end, end));
        }
        None
    }
}

/// The offset of the next `\n` at or after `from`, or the end.
fn memchr_newline(src: &[u8], from: usize) -> usize {
    src[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(src.len(), |i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        Lexer::new(src)
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    #[test]
    fn names_strings_and_logical_lines() {
        let src = "x = f(a,\n  'b')  # c\n\n# only a comment\ny\n";
        assert_eq!(
            kinds(src),
            [
                (TokenKind::Name, "x"),
                (TokenKind::Op(b'='), "="),
                (TokenKind::Name, "f"),
                (TokenKind::Op(b'('), "("),
                (TokenKind::Name, "a"),
                (TokenKind::Op(b','), ","),
                (TokenKind::String, "'b'"),
                (TokenKind::Op(b')'), ")"),
                (TokenKind::Newline, "\n"),
                (TokenKind::Name, "y"),
                (TokenKind::Newline, "\n"),
            ]
        );
    }

    #[test]
    fn triple_quoted_and_prefixed_strings_are_one_token() {
        let src = "s = rb'''a\n'b'\n''' + f\"{d[\"k\"]}\"\n";
        let strings: Vec<_> = kinds(src)
            .into_iter()
            .filter(|(k, _)| *k == TokenKind::String)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(strings, ["rb'''a\n'b'\n'''", "f\"{d[\"k\"]}\""]);
    }

    #[test]
    fn comparisons_are_not_assignments() {
        let ops: Vec<_> = kinds("a == b; c <= d; e += 1")
            .into_iter()
            .filter(|(k, _)| *k == TokenKind::Compare)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(ops, ["==", "<=", "+="]);
    }

    #[test]
    fn unterminated_strings_lose_the_lexer() {
        let mut lexer = Lexer::new("x = 'abc\ny = 1\n");
        while lexer.next().is_some() {}
        assert!(lexer.lost());
        let mut lexer = Lexer::new("f(\n");
        while lexer.next().is_some() {}
        assert!(lexer.lost());
    }

    #[test]
    fn deeply_nested_f_strings_give_up_instead_of_recursing() {
        let src = format!("{}{}", "f'{".repeat(200), "}'".repeat(200));
        let mut lexer = Lexer::new(&src);
        while lexer.next().is_some() {}
        assert!(lexer.lost());
    }
}
