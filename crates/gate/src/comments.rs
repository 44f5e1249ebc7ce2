//! Where comments are: just enough of each language's strings and comments
//! that a `migscan: ignore` inside a string literal is not taken for a
//! suppression comment.

/// How a file's comments and strings are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentSyntax {
    /// Python: `#` comments; `'`, `"` and triple-quoted strings, which may
    /// span lines.
    Python,
    /// C, C++, CUDA and Rust: `//` and `/* */` comments; `"` strings and
    /// `'` character literals.
    CLike,
    /// Shell, YAML, Dockerfiles, requirements, TOML, CMake: `#` comments
    /// that start a word; quotes that open a word; one line at a time.
    Hash,
    /// A Jupyter notebook: each line holds one JSON string of cell source,
    /// read as a line of Python.
    Notebook,
}

/// One comment: the 0-based line it is on, the byte offset in that line
/// where its marker (`#`, `//`, `/*`) starts, and its text from there to
/// the end of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment<'t> {
    /// 0-based line.
    pub line: usize,
    /// Byte offset of the comment marker within the line.
    pub start: usize,
    /// 1-based column of the comment marker, in characters.
    pub column: usize,
    /// The comment, marker included, up to the end of the line.
    pub text: &'t str,
}

/// The comments of `text`, in order: at most one per line (the first).
pub fn comments(text: &str, syntax: CommentSyntax) -> Vec<Comment<'_>> {
    match syntax {
        CommentSyntax::Python => python(text),
        CommentSyntax::CLike => c_like(text),
        CommentSyntax::Hash => text
            .lines()
            .enumerate()
            .filter_map(|(line, t)| hash_comment(t).map(|start| comment(t, line, start)))
            .collect(),
        CommentSyntax::Notebook => text
            .lines()
            .enumerate()
            .filter_map(|(line, t)| notebook_comment(t).map(|start| comment(t, line, start)))
            .collect(),
    }
}

fn comment(line_text: &str, line: usize, start: usize) -> Comment<'_> {
    Comment {
        line,
        start,
        column: line_text[..start].chars().count() + 1,
        text: line_text[start..].trim_end_matches('\r'),
    }
}

/// Python's comments, following strings across lines.
fn python(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut line, mut line_start, mut i) = (0, 0, 0);
    // The open string: its quote byte and whether it is triple-quoted.
    let mut string: Option<(u8, bool)> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
            // A one-quote string does not go past its line.
            if string.is_some_and(|(_, triple)| !triple) {
                string = None;
            }
            i += 1;
            continue;
        }
        match string {
            Some((quote, triple)) => {
                if b == b'\\' {
                    // Skips the escaped byte, but never a line break: the
                    // line count must stay right.
                    i += if bytes.get(i + 1) == Some(&b'\n') {
                        1
                    } else {
                        2
                    };
                    continue;
                }
                if b == quote {
                    if !triple {
                        string = None;
                    } else if bytes[i..].starts_with(&[quote; 3]) {
                        string = None;
                        i += 3;
                        continue;
                    }
                }
                i += 1;
            }
            None => match b {
                b'#' => {
                    let end = memchr_newline(bytes, i);
                    out.push(comment(&text[line_start..end], line, i - line_start));
                    i = end;
                }
                b'\'' | b'"' => {
                    let triple = bytes[i..].starts_with(&[b; 3]);
                    string = Some((b, triple));
                    i += if triple { 3 } else { 1 };
                }
                _ => i += 1,
            },
        }
    }
    out
}

/// C, C++, CUDA and Rust comments, following block comments across lines.
fn c_like(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut line, mut line_start, mut i) = (0, 0, 0);
    let mut in_block = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
            continue;
        }
        if in_block {
            if bytes[i..].starts_with(b"*/") {
                in_block = false;
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr_newline(bytes, i);
                out.push(comment(&text[line_start..end], line, i - line_start));
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = memchr_newline(bytes, i);
                out.push(comment(&text[line_start..end], line, i - line_start));
                in_block = true;
                i += 2;
            }
            b'"' => i = string_end(bytes, i + 1, b'"'),
            // A character literal (`'x'`, `'\n'`), not a digit separator
            // (`1'000`) or a Rust lifetime (`'a`).
            b'\'' if bytes.get(i + 1) == Some(&b'\\') || bytes.get(i + 2) == Some(&b'\'') => {
                i = string_end(bytes, i + 1, b'\'');
            }
            _ => i += 1,
        }
    }
    out
}

/// The offset after the `quote` that closes a string whose text starts at
/// `i`, or the line break that ends an unterminated one.
fn string_end(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return i,
            b'\\' if bytes.get(i + 1) != Some(&b'\n') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset of the line break at or after `i`, or the end.
fn memchr_newline(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| i + p)
}

/// Where a `#` comment starts in one line of a shell script, YAML file and
/// the like: a `#` that begins a word, outside quotes that begin a word.
fn hash_comment(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let starts_word = |i: usize| {
        i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'=' | b':' | b'(' | b'[' | b','
            )
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => return Some(i),
            quote @ (b'\'' | b'"') if starts_word(i) => i = string_end(bytes, i + 1, quote),
            _ => i += 1,
        }
    }
    None
}

/// Where the comment of a notebook source line starts: the line is a JSON
/// string holding a line of Python.
fn notebook_comment(line: &str) -> Option<usize> {
    let open = line.find('"')?;
    let close = string_end(line.as_bytes(), open + 1, b'"');
    let code: String = serde_json::from_str(line.get(open..close)?).ok()?;
    let found = python(&code).into_iter().next()?;
    // The comment's text ends the JSON string too (`\n` at most follows).
    let tail = serde_json::to_string(found.text).ok()?;
    let tail = tail.trim_start_matches('"').trim_end_matches('"');
    let tail = tail.trim_end_matches("\\n");
    line[..close].rfind(tail).or(Some(open))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str, syntax: CommentSyntax) -> Vec<(usize, usize)> {
        comments(text, syntax)
            .iter()
            .map(|c| (c.line, c.start))
            .collect()
    }

    #[test]
    fn python_strings_hide_hashes_across_lines() {
        let text = "s = '# no'  # yes\nt = \"\"\"\n# no\n\"\"\"  # yes\nu = '\\'#'\n";
        assert_eq!(starts(text, CommentSyntax::Python), [(0, 12), (3, 5)]);
    }

    #[test]
    fn c_strings_characters_and_block_comments() {
        let text = "f(\"// no\", '/'); // yes\nint x = 1'000; /* yes\n// no */ y;\n";
        assert_eq!(starts(text, CommentSyntax::CLike), [(0, 17), (1, 15)]);
    }

    #[test]
    fn hash_comments_start_a_word() {
        let text = "echo a#b 'c # d' # yes\nkey: it's # yes\nurl=x#y\n";
        assert_eq!(starts(text, CommentSyntax::Hash), [(0, 17), (1, 10)]);
    }

    #[test]
    fn notebook_lines_are_json_strings_of_python() {
        let text = "    \"s = \\\"# no\\\"  # yes\\n\",\n    \"x = 1\\n\"\n";
        let found = comments(text, CommentSyntax::Notebook);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "# yes\\n\",");
    }
}
