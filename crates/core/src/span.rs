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
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, line_starts }
    }

    /// The span of bytes `start..end`, with its line and column.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let line = self.line_starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.line_starts[line];
        let column = self
            .text
            .get(line_start..start)
            .map_or(start - line_start, |prefix| prefix.chars().count());
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
}
