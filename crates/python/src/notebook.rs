//! Jupyter notebooks: the code cells, concatenated in order (later cells
//! use earlier cells' imports), go through the Python frontend; every usage
//! is mapped back to its line and column in the `.ipynb` file and names its
//! cell. Markdown and raw cells are never read.
//!
//! Positions come from a small JSON scanner that records where each string
//! of `cells[i].source` starts in the file, so no position is guessed.

use migscan_core::{LineIndex, ParseFailure, Usage};
use rustc_hash::FxHashMap;

/// One decoded line of a code cell and where its text starts in the file.
struct SourceLine {
    /// 1-based cell number.
    cell: u32,
    /// Byte offset in the file of the string token the line is in, after the
    /// opening quote.
    raw_start: usize,
    /// Decoded characters before this line inside that string.
    skip: usize,
}

/// The program made of all code cells, and where its lines come from.
pub struct NotebookProgram {
    /// Python source: the code cells, magics blanked.
    pub code: String,
    lines: Vec<SourceLine>,
}

impl NotebookProgram {
    /// Reads the code cells of a notebook.
    pub fn parse(text: &str) -> Result<Self, ParseFailure> {
        let strings = scan(text)?;
        let mut code = String::new();
        let mut lines = Vec::new();
        for (cell, pieces) in strings {
            for (raw_start, decoded) in pieces {
                let mut skip = 0;
                for line in decoded.split_inclusive('\n') {
                    let content = line.trim_end_matches('\n');
                    // IPython magics and shell escapes are not Python.
                    let magic = content.trim_start().starts_with(['%', '!']);
                    if magic {
                        code.push_str(&" ".repeat(content.len()));
                    } else {
                        code.push_str(content);
                    }
                    code.push('\n');
                    lines.push(SourceLine {
                        cell,
                        raw_start,
                        skip,
                    });
                    skip += line.chars().count();
                }
            }
            // A cell whose last line has no newline still ends here.
        }
        Ok(Self { code, lines })
    }

    /// Moves usages found in [`NotebookProgram::code`] to their place in the
    /// notebook file `text`.
    pub fn relocate(&self, usages: Vec<Usage>, text: &str) -> Vec<Usage> {
        let file = LineIndex::new(text);
        let program = LineIndex::new(&self.code);
        // Per JSON string, the offset of each decoded character, and per
        // program line its length: built once, not once per usage (a
        // generated cell line can hold thousands).
        let mut strings: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        let mut widths: FxHashMap<u32, usize> = FxHashMap::default();
        usages
            .into_iter()
            .filter_map(|mut usage| {
                let line = self.lines.get(usage.span.line as usize - 1)?;
                let line_chars = *widths
                    .entry(usage.span.line)
                    .or_insert_with(|| program.line_text(usage.span.line).chars().count());
                let column = usage.span.column as usize - 1;
                let width = self.code[usage.span.start..usage.span.end.min(self.code.len())]
                    .chars()
                    .count();
                let offsets = strings
                    .entry(line.raw_start)
                    .or_insert_with(|| char_offsets(text, line.raw_start));
                let at = |chars: usize| offsets[chars.min(offsets.len() - 1)];
                let start = at(line.skip + column);
                let end = at(line.skip + column + width.min(line_chars.saturating_sub(column)));
                usage.span = file.span(start, end.max(start));
                usage.cell = Some(line.cell);
                Some(usage)
            })
            .collect()
    }
}

/// The byte offset in `text` of each decoded character of the JSON string
/// starting at `raw_start`, and of its closing quote last.
fn char_offsets(text: &str, raw_start: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut i = raw_start;
    let mut offsets = Vec::new();
    while i < bytes.len() && bytes[i] != b'"' {
        offsets.push(i);
        if bytes[i] == b'\\' {
            i += if bytes.get(i + 1) == Some(&b'u') {
                6
            } else {
                2
            };
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    offsets.push(i.min(bytes.len()));
    offsets
}

/// Per code cell (1-based number), its source strings: (offset after the
/// opening quote, decoded text).
type CellStrings = Vec<(u32, Vec<(usize, String)>)>;

/// Scans the notebook JSON for `cells[i].source` strings of code cells.
fn scan(text: &str) -> Result<CellStrings, ParseFailure> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ParseFailure(format!("invalid notebook JSON: {e}")))?;
    let kinds: Vec<bool> = value
        .get("cells")
        .and_then(|c| c.as_array())
        .ok_or_else(|| ParseFailure("notebook has no `cells` list".into()))?
        .iter()
        .map(|cell| cell.get("cell_type").and_then(|t| t.as_str()) == Some("code"))
        .collect();
    let mut out: CellStrings = Vec::new();
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        i: 0,
    };
    scanner.cells(&kinds, &mut out);
    Ok(out)
}

/// Walks the (already validated) JSON text; only the path
/// `cells[i].source[j]` is recorded.
struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    i: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Object,
    Array,
}

impl Scanner<'_> {
    fn cells(&mut self, code_cells: &[bool], out: &mut CellStrings) {
        // Path state: depth 1 = root object, key "cells" → depth 2 array,
        // depth 3 = cell object, key "source" → depth 4 array or a string.
        let mut stack: Vec<Frame> = Vec::new();
        let mut key: Option<String> = None;
        let mut in_cells = false;
        let mut cell_index: usize = 0;
        let mut in_source = false;
        while self.i < self.bytes.len() {
            let b = self.bytes[self.i];
            match b {
                b'{' | b'[' => {
                    let frame = if b == b'{' {
                        Frame::Object
                    } else {
                        Frame::Array
                    };
                    stack.push(frame);
                    let depth = stack.len();
                    if depth == 2 && key.as_deref() == Some("cells") && frame == Frame::Array {
                        in_cells = true;
                    }
                    if in_cells && depth == 4 && key.as_deref() == Some("source") {
                        in_source = true;
                    }
                    key = None;
                    self.i += 1;
                }
                b'}' | b']' => {
                    let depth = stack.len();
                    stack.pop();
                    if in_source && depth == 4 {
                        in_source = false;
                    }
                    if in_cells && depth == 3 {
                        cell_index += 1;
                    }
                    if in_cells && depth == 2 {
                        in_cells = false;
                    }
                    self.i += 1;
                }
                b'"' => {
                    let start = self.i + 1;
                    let decoded = self.string();
                    let is_key = stack.last() == Some(&Frame::Object) && self.next_is_colon();
                    let depth = stack.len();
                    let source_string = in_cells
                        && !is_key
                        && ((in_source && depth == 4)
                            || (depth == 3 && key.as_deref() == Some("source")));
                    if source_string && code_cells.get(cell_index) == Some(&true) {
                        let number = cell_index as u32 + 1;
                        if out.last().map(|(c, _)| *c) != Some(number) {
                            out.push((number, Vec::new()));
                        }
                        if let Some((_, pieces)) = out.last_mut() {
                            pieces.push((start, decoded));
                        }
                    }
                    key = if is_key {
                        Some(self.text[start..self.i - 1].to_string())
                    } else {
                        None
                    };
                }
                _ => self.i += 1,
            }
        }
    }

    /// Decodes the string at `self.i` (an opening quote) and moves past it.
    fn string(&mut self) -> String {
        let mut out = String::new();
        self.i += 1;
        while self.i < self.bytes.len() {
            match self.bytes[self.i] {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let escaped = self.bytes.get(self.i + 1).copied().unwrap_or(b'\\');
                    self.i += 2;
                    match escaped {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hex = self.text.get(self.i..self.i + 4).unwrap_or("0");
                            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                            // Surrogate halves stand for one character each;
                            // a placeholder keeps the character count right.
                            out.push(c.unwrap_or('\u{fffd}'));
                            self.i += 4;
                        }
                        other => out.push(other as char),
                    }
                }
                _ => {
                    let c = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
        out
    }

    fn next_is_colon(&self) -> bool {
        self.bytes[self.i..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b':')
    }
}
