//! PEP 508 requirement specifiers (`flash-attn[triton]>=2.5 ; markers`), as
//! requirement files, `pip install` arguments, pyproject tables and the
//! dependency lists of a `setup.py` write them.

use std::ops::Range;

/// Where the parts of a requirement are, as byte ranges of its text.
#[derive(Debug, PartialEq, Eq)]
pub struct RequirementSpec {
    /// The package name.
    pub name: Range<usize>,
    /// Each extra (`trl[vllm]` installs vLLM too).
    pub extras: Vec<Range<usize>>,
    /// A `cu121` local version (`torch==2.1.0+cu121`): a CUDA build.
    pub cuda_local_version: Option<Range<usize>>,
    /// Whether a version constraint or a direct URL follows the name, which
    /// makes the text unmistakably a requirement (`"bitsandbytes>=0.43"`)
    /// rather than any word.
    pub constrained: bool,
}

/// Version comparison operators, longest first.
const OPERATORS: &[&str] = &["===", "==", ">=", "<=", "~=", "!=", "<", ">"];

/// The parts of `spec`, or `None` when it does not start with a package
/// name.
pub fn requirement_spec(spec: &str) -> Option<RequirementSpec> {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    if !spec.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut at = skip_spaces(spec, end);
    let mut extras = Vec::new();
    if spec[at..].starts_with('[') {
        let close = at + spec[at..].find(']')?;
        let mut start = at + 1;
        for part in spec[start..close].split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let offset = start + (part.len() - part.trim_start().len());
                extras.push(offset..offset + trimmed.len());
            }
            start += part.len() + 1;
        }
        at = skip_spaces(spec, close + 1);
    }
    let rest = &spec[at..];
    let cuda_local_version = rest.find("+cu").and_then(|i| {
        let digits = rest[i + 3..].bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0).then(|| at + i + 1..at + i + 3 + digits)
    });
    let constrained = match OPERATORS.iter().find(|op| rest.starts_with(*op)) {
        Some(op) => rest[op.len()..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit()),
        None => rest
            .strip_prefix('@')
            .is_some_and(|url| url.trim_start().contains("://")),
    };
    Some(RequirementSpec {
        name: 0..end,
        extras,
        cuda_local_version,
        constrained,
    })
}

fn skip_spaces(text: &str, from: usize) -> usize {
    from + (text[from..].len() - text[from..].trim_start_matches([' ', '\t']).len())
}

/// Normalizes a Python package name (PEP 503): lower case, runs of `-_.` to `-`.
pub fn normalize_package(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(spec: &str) -> (Vec<&str>, Option<&str>, bool) {
        let parsed = requirement_spec(spec).unwrap();
        let names = std::iter::once(parsed.name)
            .chain(parsed.extras)
            .map(|r| &spec[r])
            .collect();
        let local = parsed.cuda_local_version.map(|r| &spec[r]);
        (names, local, parsed.constrained)
    }

    #[test]
    fn names_extras_local_versions_and_constraints() {
        assert_eq!(
            parts("distilabel[vllm, ray]>=1.5.2"),
            (vec!["distilabel", "vllm", "ray"], None, true)
        );
        assert_eq!(
            parts("torch==2.1.0+cu121"),
            (vec!["torch"], Some("cu121"), true)
        );
        assert_eq!(
            parts("lighteval @ git+https://github.com/x/y.git"),
            (vec!["lighteval"], None, true)
        );
        assert_eq!(parts("jieba"), (vec!["jieba"], None, false));
        assert_eq!(parts("torch=={version}"), (vec!["torch"], None, false));
        assert_eq!(parts("a < b"), (vec!["a"], None, false));
        assert!(requirement_spec("-r req.txt").is_none());
        assert!(requirement_spec("trl[vllm").is_none());
    }
}
