use serde::Serialize;

/// A region of a source file.
///
/// Byte offsets are kept for slicing the source; line and column are what users
/// see: both 1-based, the column counted in Unicode scalar values so that it is
/// the same in every editor for non-ASCII lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column of the first character.
    pub column: u32,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

/// Maps byte offsets of one text to lines and columns.
///
/// Columns count characters, and a generated file can hold thousands of
/// findings on one line: counting from the line start each time would be
/// quadratic. So an ASCII text's column is its byte distance, and any other
/// text counts from a table of characters per block of bytes (built on first
/// use), which bounds each lookup by the block size.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    ascii: bool,
    /// Characters before each block of [`BLOCK`] bytes.
    blocks: std::cell::OnceCell<Vec<usize>>,
}

/// Bytes per entry of the character-count table.
const BLOCK: usize = 1024;

/// Characters that start in `bytes` (every byte but UTF-8 continuations).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            text,
            line_starts,
            ascii: text.is_ascii(),
            blocks: std::cell::OnceCell::new(),
        }
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let bytes = self.text.as_bytes();
        let blocks = self.blocks.get_or_init(|| {
            let mut before = 0;
            bytes
                .chunks(BLOCK)
                .map(|chunk| {
                    let at = before;
                    before += chars_in(chunk);
                    at
                })
                .collect()
        });
        let block = offset / BLOCK;
        let counted = blocks.get(block).copied().unwrap_or(0);
        counted + chars_in(&bytes[(block * BLOCK).min(bytes.len())..offset.min(bytes.len())])
    }

    /// The span of bytes `start..end`, with its line and column.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let line = self.line_starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.line_starts[line];
        let column = self.chars_before(start) - self.chars_before(line_start);
        Span {
            line: line as u32 + 1,
            column: column as u32 + 1,
            start,
            end,
        }
    }

    /// The 0-based line and byte column of `offset`, as parsers count them.
    pub fn row_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        (line, offset - self.line_starts[line])
    }

    /// The text of the 1-based `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\nçd = x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.span(0, 1).line, 1);
        let x = text.find('x').unwrap();
        let span = index.span(x, x + 1);
        assert_eq!((span.line, span.column), (2, 6));
        assert_eq!(index.line_text(2), "çd = x");
        assert_eq!(index.line_text(9), "");
    }

    #[test]
    fn columns_on_long_non_ascii_lines_count_characters_across_blocks() {
        let text = format!("{}x", "é".repeat(3000));
        let index = LineIndex::new(&text);
        let x = text.len() - 1;
        assert_eq!(index.span(x, x + 1).column, 3001);
        assert_eq!(index.span(2 * 700, 2 * 700).column, 701);
    }
}
