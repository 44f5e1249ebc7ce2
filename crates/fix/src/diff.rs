//! Unified diffs (`--- a/path`, `+++ b/path`, three lines of context) that
//! `git apply` and `patch -p1` take. A rewrite may add lines (the target's
//! import, a split `from` import), so the lines are paired by `similar`'s
//! line diff rather than one to one.

use similar::TextDiff;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The diff of `old` → `new` for `path` (relative, `/`-separated), or an
/// empty string when they are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_and_inserted_lines() {
        let old = "import torch\nx = 1\ny = x.cuda()\n";
        let new = "import torch\nimport torch_npu\nx = 1\ny = x.npu()\n";
        assert_eq!(
            unified_diff("t.py", old, new),
            "--- a/t.py\n+++ b/t.py\n@@ -1,3 +1,4 @@\n import torch\n+import torch_npu\n x = 1\n-y = x.cuda()\n+y = x.npu()\n"
        );
        assert_eq!(unified_diff("t.py", old, old), "");
    }

    #[test]
    fn a_last_line_without_newline_says_so() {
        let diff = unified_diff("t.sh", "export A=1", "export B=1");
        assert_eq!(
            diff,
            "--- a/t.sh\n+++ b/t.sh\n@@ -1 +1 @@\n-export A=1\n\\ No newline at end of file\n+export B=1\n\\ No newline at end of file\n"
        );
    }
}
