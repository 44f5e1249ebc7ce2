//! The conditional directives of a C/C++ text: which byte ranges each
//! `#if` / `#elif` / `#else` branch covers, under which condition, and
//! where the text `#define`s a macro.

use crate::expr::{Expr, MacroEnv, Truth};
use std::ops::Range;

/// The conditional structure of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conditionals {
    groups: Vec<Group>,
    /// The file's `#define`s.
    pub defines: Vec<Define>,
}

/// One `#if ... #endif`: its branches in order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Group {
    branches: Vec<Branch>,
}

/// One branch: the text after its directive up to the next directive of
/// the same group, and its condition (`None` for `#else`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Branch {
    range: Range<usize>,
    condition: Option<Expr>,
}

/// A `#define NAME` and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Define {
    /// The macro's name.
    pub name: String,
    /// Byte offset of the directive.
    pub at: usize,
}

impl Conditionals {
    /// Reads the directives of `text`. Unbalanced directives (an `#endif`
    /// too many, a group never closed) end or drop their group, never
    /// panic.
    pub fn read(text: &str) -> Self {
        let mut found = Conditionals::default();
        // Open groups: index into `found.groups`.
        let mut open: Vec<usize> = Vec::new();
        for (start, end, directive) in directive_lines(text) {
            let (keyword, rest) = split_keyword(&directive);
            match keyword {
                "if" | "ifdef" | "ifndef" => {
                    let condition = match keyword {
                        "if" => Expr::parse(rest),
                        "ifdef" => Expr::Defined(first_word(rest)),
                        _ => Expr::Not(Box::new(Expr::Defined(first_word(rest)))),
                    };
                    found.groups.push(Group {
                        branches: vec![Branch {
                            range: end..text.len(),
                            condition: Some(condition),
                        }],
                    });
                    open.push(found.groups.len() - 1);
                }
                "elif" | "else" | "elifdef" | "elifndef" => {
                    let Some(&group) = open.last() else { continue };
                    let branches = &mut found.groups[group].branches;
                    if let Some(last) = branches.last_mut() {
                        last.range.end = start;
                    }
                    let condition = match keyword {
                        "elif" => Some(Expr::parse(rest)),
                        "elifdef" => Some(Expr::Defined(first_word(rest))),
                        "elifndef" => Some(Expr::Not(Box::new(Expr::Defined(first_word(rest))))),
                        _ => None,
                    };
                    branches.push(Branch {
                        range: end..text.len(),
                        condition,
                    });
                }
                "endif" => {
                    if let Some(group) = open.pop() {
                        if let Some(last) = found.groups[group].branches.last_mut() {
                            last.range.end = start;
                        }
                    }
                }
                "define" => {
                    let name = first_word(rest);
                    if !name.is_empty() {
                        found.defines.push(Define { name, at: start });
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The byte ranges the target's compiler skips, sorted by start: a
    /// branch whose condition is false, or that follows a true one.
    pub fn dead_ranges(&self, env: &MacroEnv) -> Vec<Range<usize>> {
        let mut dead = Vec::new();
        for group in &self.groups {
            let mut taken = false;
            for branch in &group.branches {
                // An `#else` is dead only after a branch that is taken.
                let truth = match (&branch.condition, taken) {
                    (_, true) => Truth::False,
                    (Some(condition), false) => condition.truth(env),
                    (None, false) => Truth::Unknown,
                };
                match truth {
                    Truth::False => dead.push(branch.range.clone()),
                    Truth::True => taken = true,
                    Truth::Unknown => {}
                }
            }
        }
        dead.sort_by_key(|r| r.start);
        dead
    }
}

/// Each preprocessor directive of `text`: its start, the end of its
/// (continued) line, and its text after `#` with continuations joined.
/// Directives inside block comments do not count.
fn directive_lines(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut in_comment = false;
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if in_comment {
            if let Some(close) = line.find("*/") {
                in_comment = line[close + 2..].contains("/*") && !line[close + 2..].contains("*/");
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            let mut directive = rest.trim_end_matches(['\n', '\r']).to_string();
            while directive.ends_with('\\') {
                directive.pop();
                let Some(next) = lines.next() else { break };
                offset += next.len();
                directive.push(' ');
                directive.push_str(next.trim_end_matches(['\n', '\r']));
            }
            out.push((start, offset, directive));
            continue;
        }
        // A block comment opened and not closed on this line.
        if let Some(open) = line.rfind("/*") {
            in_comment = !line[open..].contains("*/") && !line[..open].contains("//");
        }
    }
    out
}

/// `  ifdef  FOO // x` → (`ifdef`, `FOO // x`).
fn split_keyword(directive: &str) -> (&str, &str) {
    let directive = directive.trim_start();
    let end = directive
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(directive.len());
    (&directive[..end], &directive[end..])
}

/// The macro name at the start of `text`.
fn first_word(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hip() -> MacroEnv {
        MacroEnv {
            defined: ["__HIP_PLATFORM_AMD__"].map(String::from).into(),
            undefined: ["__CUDA_ARCH__"].map(String::from).into(),
        }
    }

    fn dead_text(text: &str, env: &MacroEnv) -> Vec<String> {
        let found = Conditionals::read(text);
        found
            .dead_ranges(env)
            .into_iter()
            .map(|r| text[r].trim().to_string())
            .collect()
    }

    #[test]
    fn branches_after_a_true_one_and_false_ones_are_dead() {
        let text = "#if defined(__HIP_PLATFORM_AMD__)\nhip();\n#elif __CUDA_ARCH__ >= 800\nptx();\n#else\nportable();\n#endif\n";
        assert_eq!(dead_text(text, &hip()), ["ptx();", "portable();"]);
        let text = "#if __CUDA_ARCH__ >= 800\nasm(\"mma\");\n#else\nportable();\n#endif\n";
        assert_eq!(dead_text(text, &hip()), ["asm(\"mma\");"]);
        // Unknown conditions keep both sides live.
        let text = "#ifdef MY_FLAG\na();\n#else\nb();\n#endif\n";
        assert!(dead_text(text, &hip()).is_empty());
    }

    #[test]
    fn nesting_continuations_comments_and_stray_directives() {
        let text = "#ifndef __HIP_PLATFORM_AMD__ \\\n  // CUDA only\n#define PTX_AVAILABLE\n#if 1\nx();\n#endif\n#endif\n/*\n#if __CUDA_ARCH__\n*/\n#endif\n#else\n";
        let found = Conditionals::read(text);
        assert_eq!(
            found.defines,
            [Define {
                name: "PTX_AVAILABLE".into(),
                at: 46
            }]
        );
        assert_eq!(
            dead_text(text, &hip()),
            ["#define PTX_AVAILABLE\n#if 1\nx();\n#endif"]
        );
    }
}
