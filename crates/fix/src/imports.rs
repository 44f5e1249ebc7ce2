//! Where a rewritten Python file gets the import its target needs: right
//! after its top-level `import torch` (a rewritten `import torch.npu as tc`
//! below needs the device module registered first), else after the file's
//! leading imports, or after its docstring and `from __future__` imports
//! when it has none; never inside a parenthesized import.

/// Whether `text` (Python, or a notebook's JSON) already has `import`
/// (`import torch_npu`) as a statement.
pub fn has_import(text: &str, import: &str) -> bool {
    text.lines().any(|line| {
        // A notebook's source line is a JSON string: `"import torch_npu\n",`.
        let line = line.trim().trim_start_matches('"');
        let line = line.split("\\n").next().unwrap_or(line);
        let line = line.trim_end_matches([',', '"']);
        line == import
            || line.starts_with(&format!("{import} "))
            || line.starts_with(&format!("{import}#"))
    })
}

/// Where a Python file gets `import`, and the text to insert there.
pub fn python_line(text: &str, import: &str) -> (usize, String) {
    let at = insertion_point(text);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // A last line without a newline gets one before the import.
    let lead = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        newline
    } else {
        ""
    };
    (at, format!("{lead}{import}{newline}"))
}

/// In a notebook's JSON, the element added after the first cell line that
/// is `import torch` (`"import torch\n",`), with the same indentation, so
/// the rest of the file keeps its bytes; `None` when there is no such line.
pub fn notebook_line(text: &str, import: &str) -> Option<(usize, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim() == r#""import torch\n","# {
            let indent = &line[..line.len() - line.trim_start().len()];
            let newline = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
            return Some((offset, format!("{indent}\"{import}\\n\",{newline}")));
        }
    }
    None
}

/// The byte offset at which a new top-level import line goes.
pub fn insertion_point(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "import torch" {
            return offset;
        }
    }
    after_leading_imports(text)
}

/// The end of the file's leading imports (and docstring).
fn after_leading_imports(text: &str) -> usize {
    let mut offset = 0;
    let mut after = 0;
    let mut depth = 0i32;
    let mut in_docstring: Option<&str> = None;
    let mut seen_code = false;
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        let trimmed = line.trim();
        if let Some(quote) = in_docstring {
            if trimmed.contains(quote) {
                in_docstring = None;
                after = end;
            }
        } else if depth > 0 || trimmed.ends_with('\\') && after == offset {
            // Inside a parenthesized or continued import.
            depth += paren_balance(trimmed);
            after = end;
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            // Comments and blank lines between imports go with what follows.
        } else if !seen_code
            && !line.starts_with(char::is_whitespace)
            && is_docstring_start(trimmed)
        {
            let quote = &trimmed[..3];
            seen_code = true;
            if trimmed.len() >= 6 && trimmed[3..].contains(quote) {
                after = end;
            } else {
                in_docstring = Some(quote);
            }
        } else if !line.starts_with(char::is_whitespace)
            && (trimmed.starts_with("import ") || trimmed.starts_with("from "))
        {
            seen_code = true;
            depth = paren_balance(trimmed);
            after = end;
        } else {
            break;
        }
        offset = end;
    }
    after
}

fn is_docstring_start(line: &str) -> bool {
    let line = line.trim_start_matches(['r', 'R', 'u', 'U']);
    line.starts_with("\"\"\"") || line.starts_with("'''")
}

fn paren_balance(line: &str) -> i32 {
    line.matches('(').count() as i32 - line.matches(')').count() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_the_leading_imports() {
        let text = "\"\"\"Doc.\n\nMore.\n\"\"\"\nfrom __future__ import annotations\nimport os\nfrom torch import (\n    nn,\n)\n\nx = 1\nimport late\n";
        assert_eq!(&text[insertion_point(text)..], "\nx = 1\nimport late\n");
        let with_torch = "import os\nimport torch\nimport torch.cuda as tc\n";
        assert_eq!(
            &with_torch[insertion_point(with_torch)..],
            "import torch.cuda as tc\n"
        );
        assert_eq!(insertion_point("x = 1\n"), 0);
        assert_eq!(insertion_point("'''One line.'''\nx = 1\n"), 16);
        assert!(has_import(
            "import os\nimport torch_npu  # device\n",
            "import torch_npu"
        ));
        assert!(!has_import(
            "import torch_npu.contrib\n",
            "import torch_npu"
        ));
        assert!(has_import(
            "    \"import torch_npu\\n\",\n",
            "import torch_npu"
        ));
        let notebook = "   \"source\": [\n    \"import torch\\n\",\n    \"x = 1\"\n";
        let (at, line) = notebook_line(notebook, "import torch_npu").unwrap();
        assert_eq!(&notebook[at..], "    \"x = 1\"\n");
        assert_eq!(line, "    \"import torch_npu\\n\",\n");
    }
}
