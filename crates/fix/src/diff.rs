//! Unified diffs (`--- a/path`, `+++ b/path`, three lines of context) that
//! `git apply` and `patch -p1` take. Edits only replace text inside lines
//! (never a line break) and may add one whole line, so the lines of the two
//! texts pair up one to one around that line.

use std::fmt::Write as _;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The diff of `old` → `new` for `path` (relative, `/`-separated), where
/// `new` has line `inserted` (0-based) added, or an empty string when they
/// are equal.
pub fn unified_diff(path: &str, old: &str, new: &str, inserted: Option<usize>) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = line_ops(&a, &b, inserted);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // Group changes whose contexts touch into hunks.
    let changed: Vec<usize> = (0..ops.len()).filter(|&i| ops[i] != Op::Same).collect();
    let mut i = 0;
    while i < changed.len() {
        let first = changed[i];
        let mut last = first;
        while i + 1 < changed.len() && changed[i + 1] <= last + 2 * CONTEXT + 1 {
            i += 1;
            last = changed[i];
        }
        i += 1;
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        hunk(&mut out, &ops[start..end], &a, &b, position(&ops, start));
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// Line `a[i]` equals `b[j]`.
    Same,
    /// `a[i]` became `b[j]`.
    Changed,
    /// `b[j]` is new.
    Added,
}

/// One op per line of `b`: the inserted line is added, every other pairs
/// with the next line of `a`.
fn line_ops(a: &[&str], b: &[&str], inserted: Option<usize>) -> Vec<Op> {
    let mut i = 0;
    (0..b.len())
        .map(|j| {
            if Some(j) == inserted {
                return Op::Added;
            }
            let op = if a.get(i) == Some(&b[j]) {
                Op::Same
            } else {
                Op::Changed
            };
            i += 1;
            op
        })
        .collect()
}

/// The (old, new) line index of op `k`.
fn position(ops: &[Op], k: usize) -> (usize, usize) {
    let old = ops[..k].iter().filter(|op| **op != Op::Added).count();
    (old, k)
}

fn hunk(out: &mut String, ops: &[Op], a: &[&str], b: &[&str], (old, new): (usize, usize)) {
    let old_len = ops.iter().filter(|op| **op != Op::Added).count();
    let new_len = ops.len();
    let _ = writeln!(
        out,
        "@@ -{},{old_len} +{},{new_len} @@",
        old + usize::from(old_len > 0),
        new + usize::from(new_len > 0)
    );
    let (mut i, mut j) = (old, new);
    let mut k = 0;
    while k < ops.len() {
        match ops[k] {
            Op::Same => {
                line(out, ' ', b[j]);
                i += 1;
                j += 1;
                k += 1;
            }
            Op::Added => {
                line(out, '+', b[j]);
                j += 1;
                k += 1;
            }
            // A run of changed lines: the old ones, then the new ones, as
            // diff prints them.
            Op::Changed => {
                let run = ops[k..].iter().take_while(|op| **op == Op::Changed).count();
                for old_line in &a[i..i + run] {
                    line(out, '-', old_line);
                }
                for new_line in &b[j..j + run] {
                    line(out, '+', new_line);
                }
                i += run;
                j += run;
                k += run;
            }
        }
    }
}

/// One diff line; a last line without a newline says so, as diff does.
fn line(out: &mut String, sign: char, text: &str) {
    out.push(sign);
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_and_inserted_lines() {
        let old = "import torch\nx = 1\ny = x.cuda()\n";
        let new = "import torch\nimport torch_npu\nx = 1\ny = x.npu()\n";
        assert_eq!(
            unified_diff("t.py", old, new, Some(1)),
            "--- a/t.py\n+++ b/t.py\n@@ -1,3 +1,4 @@\n import torch\n+import torch_npu\n x = 1\n-y = x.cuda()\n+y = x.npu()\n"
        );
        assert_eq!(unified_diff("t.py", old, old, None), "");
    }
}
