//! Inline suppressions: `# migscan: ignore` (the whole line) and
//! `# migscan: ignore[rule-id, ...]`, in a comment of the file's language
//! (`#`, or `//` and `/* */` in C, C++, CUDA and Rust); the same words in a
//! string are not a suppression. A rule id may carry its target
//! (`ascend/device-cuda`) or not (`device-cuda`, every target). A marker
//! that does not parse (`ignore[` without `]`, an empty list, `ignored`)
//! suppresses nothing and is reported.

use crate::comments::{comments, CommentSyntax};
use std::collections::BTreeMap;

const MARKER: &str = "migscan: ignore";

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line.
    pub line: u32,
    /// 1-based column of the comment.
    pub column: u32,
    /// Rule ids; empty for every rule.
    pub rules: Vec<String>,
    /// Whether a finding was suppressed by it.
    pub used: bool,
    /// Why the marker does not parse; such a comment suppresses nothing.
    pub malformed: Option<&'static str>,
}

/// The suppressions of one file, by line.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    by_line: BTreeMap<u32, Suppression>,
}

/// The rule list after the marker: `Ok(vec![])` for every rule.
fn rule_list(rest: &str) -> Result<Vec<String>, &'static str> {
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        return Ok(Vec::new());
    }
    let Some(list) = rest.strip_prefix('[') else {
        return Err("expected `[rule, ...]` or the end of the comment after `migscan: ignore`");
    };
    let Some((ids, _)) = list.split_once(']') else {
        return Err("the rule list has no closing `]`");
    };
    let rules: Vec<String> = ids
        .split(',')
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .collect();
    if rules.is_empty() {
        return Err("the rule list is empty");
    }
    Ok(rules)
}

impl Suppressions {
    /// Finds the suppression comments of `text`, written in `syntax`.
    pub fn parse(text: &str, syntax: CommentSyntax) -> Self {
        let mut by_line = BTreeMap::new();
        if !text.contains(MARKER) {
            return Self { by_line };
        }
        for comment in comments(text, syntax) {
            let Some(at) = comment.text.find(MARKER) else {
                continue;
            };
            // Only `# migscan: ignore`: a comment marker, then spaces, then
            // the words (also after an earlier comment: `# noqa # migscan: ...`).
            let lead = comment.text[..at].trim_end();
            if !(lead.ends_with('#') || lead.ends_with("//") || lead.ends_with("/*")) {
                continue;
            }
            let rest = &comment.text[at + MARKER.len()..];
            let (rules, malformed) = match rule_list(rest) {
                Ok(rules) => (rules, None),
                Err(why) => (Vec::new(), Some(why)),
            };
            let line_number = comment.line as u32 + 1;
            let column = comment.column as u32;
            by_line.insert(
                line_number,
                Suppression {
                    line: line_number,
                    column,
                    rules,
                    used: false,
                    malformed,
                },
            );
        }
        Self { by_line }
    }

    /// Whether a finding of `rule_id` on `line` is suppressed; marks the
    /// suppression used.
    pub fn suppresses(&mut self, line: u32, rule_id: &str) -> bool {
        let Some(suppression) = self.by_line.get_mut(&line) else {
            return false;
        };
        if suppression.malformed.is_some() {
            return false;
        }
        let short = rule_id.split_once('/').map_or(rule_id, |(_, name)| name);
        let hit = suppression.rules.is_empty()
            || suppression.rules.iter().any(|r| r == rule_id || r == short);
        suppression.used |= hit;
        hit
    }

    /// The well-formed suppressions that suppressed nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Suppression> {
        self.by_line
            .values()
            .filter(|s| !s.used && s.malformed.is_none())
    }

    /// The markers that do not parse.
    pub fn malformed(&self) -> impl Iterator<Item = &Suppression> {
        self.by_line.values().filter(|s| s.malformed.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_line_and_rule_lists() {
        let text = "a = x.cuda()  # migscan: ignore\nb = y.cuda()  # migscan: ignore[ascend/tensor-cuda-method, device-cuda]\nc = 'migscan: ignore'\n";
        let mut s = Suppressions::parse(text, CommentSyntax::Python);
        assert!(s.suppresses(1, "hygon/anything"));
        assert!(s.suppresses(2, "ascend/tensor-cuda-method"));
        assert!(s.suppresses(2, "cambricon/device-cuda"));
        assert!(!s.suppresses(2, "cambricon/tensor-cuda-method"));
        assert!(!s.suppresses(3, "ascend/x"), "a string is not a comment");
        assert_eq!(s.unused().count(), 0);
    }

    #[test]
    fn unused_and_cpp_comments() {
        let mut s = Suppressions::parse(
            "cudaMalloc(&p, n); // migscan: ignore[cuda-malloc]\nint x; // migscan: ignore\n",
            CommentSyntax::CLike,
        );
        assert!(s.suppresses(1, "ascend/cuda-malloc"));
        let unused: Vec<u32> = s.unused().map(|u| u.line).collect();
        assert_eq!(unused, [2]);
    }

    #[test]
    fn markers_in_strings_suppress_nothing_and_bad_markers_are_reported() {
        let text = "s = \"# migscan: ignore\"; x.cuda()\na.cuda()  # migscan: ignore[\nb.cuda()  # migscan: ignore[]\nc.cuda()  # migscan: ignored\nd.cuda()  # migscan: ignore because of tests\n";
        let mut s = Suppressions::parse(text, CommentSyntax::Python);
        for line in 1..=4 {
            assert!(
                !s.suppresses(line, "ascend/tensor-cuda-method"),
                "line {line}"
            );
        }
        assert!(s.suppresses(5, "ascend/tensor-cuda-method"));
        let bad: Vec<(u32, u32)> = s.malformed().map(|m| (m.line, m.column)).collect();
        assert_eq!(bad, [(2, 11), (3, 11), (4, 11)]);
        assert_eq!(s.unused().count(), 0);
    }
}
