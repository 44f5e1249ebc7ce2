//! Inline suppressions: `# migscan: ignore` (the whole line) and
//! `# migscan: ignore[rule-id, ...]`, after the file's comment marker (`#`,
//! or `//` in C, C++, CUDA and Rust). A rule id may carry its target
//! (`ascend/device-cuda`) or not (`device-cuda`, every target).

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
}

/// The suppressions of one file, by line.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    by_line: BTreeMap<u32, Suppression>,
}

impl Suppressions {
    /// Finds the suppression comments of `text`, whose comments start with
    /// `comment` (`#` or `//`).
    pub fn parse(text: &str, comment: &str) -> Self {
        let mut by_line = BTreeMap::new();
        if !text.contains(MARKER) {
            return Self { by_line };
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let Some(comment_at) = line[..at].rfind(comment) else {
                continue;
            };
            // Only `# migscan: ignore`, with nothing but spaces between.
            if !line[comment_at + comment.len()..at].trim().is_empty() {
                continue;
            }
            let rest = &line[at + MARKER.len()..];
            let rules = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|(ids, _)| {
                    ids.split(',')
                        .map(|id| id.trim().to_string())
                        .filter(|id| !id.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let line_number = i as u32 + 1;
            let column = line[..comment_at].chars().count() as u32 + 1;
            by_line.insert(
                line_number,
                Suppression {
                    line: line_number,
                    column,
                    rules,
                    used: false,
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
        let short = rule_id.split_once('/').map_or(rule_id, |(_, name)| name);
        let hit = suppression.rules.is_empty()
            || suppression.rules.iter().any(|r| r == rule_id || r == short);
        suppression.used |= hit;
        hit
    }

    /// The suppressions that suppressed nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Suppression> {
        self.by_line.values().filter(|s| !s.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_line_and_rule_lists() {
        let text = "a = x.cuda()  # migscan: ignore\nb = y.cuda()  # migscan: ignore[ascend/tensor-cuda-method, device-cuda]\nc = 'migscan: ignore'\n";
        let mut s = Suppressions::parse(text, "#");
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
            "//",
        );
        assert!(s.suppresses(1, "ascend/cuda-malloc"));
        let unused: Vec<u32> = s.unused().map(|u| u.line).collect();
        assert_eq!(unused, [2]);
    }
}
