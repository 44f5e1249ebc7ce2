//! Functions only branches a target never runs call. DeepSpeed's
//! `compute_capability_args()` builds nvcc's `-gencode` flags and reads
//! `TORCH_CUDA_ARCH_LIST`; every call of it in the package sits in the
//! `else` of `if self.is_rocm_pytorch():` or under `if not
//! self.is_rocm_pytorch():`, so on Hygon the function is the CUDA path of
//! a port that exists, and its findings are not work.
//!
//! A Python function containing findings is unreached for a target when
//! its name occurs somewhere else in the scanned Python files and every
//! such occurrence lies in a platform branch the target skips (see
//! [`PlatformBranch::skipped_on`]) or inside another function with
//! findings unreached for it (a chain through a function without findings
//! stops there, keeping what it calls). Names are compared as words, without resolving which object a
//! method belongs to: another function of the same name called elsewhere
//! keeps both reached, so the test errs towards keeping findings. A name
//! that occurs nowhere else (an entry point, a library's public API) is
//! reached.
//!
//! Only names that a platform branch calls can start a chain, so the scan
//! hands over the names its branches call, and the Python files are read
//! again only for those; a round for the names the newly unreached
//! functions call follows, up to [`ROUNDS`].

use crate::ported::remove_counted;
use crate::Language;
use crate::ScannedFile;
use aho_corasick::{AhoCorasick, MatchKind};
use migscan_core::{Finding, FunctionDef, PlatformBranch, Target};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

/// A name that may occur in more files than this is taken as reached
/// without looking: it is a common method name (`get`, `to`, `add`) whose
/// occurrences are everywhere, searching them costs more than the answer
/// is worth, and the answer errs towards keeping findings.
const MAX_FILES: usize = 64;

/// How many times the files are searched: a function reached only from an
/// unreached function's body needs a second round, a third is rare.
const ROUNDS: usize = 3;

/// One function that holds findings: its file and its definition.
struct Candidate<'a> {
    file: usize,
    range: &'a Range<usize>,
}

/// Where a candidate's name occurs outside its own definitions.
type Occurrences = Vec<(usize, usize)>;

/// Per file, the unreached definitions.
type Unreached = FxHashMap<usize, Vec<Range<usize>>>;

/// The names a file's platform branches call (`text` is the file's): the
/// only names that can start a chain of unreached functions.
pub fn branch_words(text: &str, branches: &[PlatformBranch]) -> Vec<String> {
    let mut words: Vec<String> = branches
        .iter()
        .filter_map(|b| text.get(b.range.clone()))
        .flat_map(called)
        .map(str::to_string)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The identifiers of a Python file as sorted hashes: the scan keeps them
/// so that a search for names reads again only the files that may hold one.
/// Every Python file passes through here, so the loop reads bytes and
/// decodes a character only where one is not ASCII.
pub fn word_hashes(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut hashes = Vec::new();
    let mut word_start = None;
    let mut at = 0;
    while at <= bytes.len() {
        let (in_name, width) = match bytes.get(at) {
            None => (false, 1),
            Some(&b) if b.is_ascii() => (b.is_ascii_alphanumeric() || b == b'_', 1),
            Some(_) => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_name_char(c), c.len_utf8())),
        };
        match (in_name, word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(start)) => {
                let word = &text[start..at];
                if word.starts_with(is_name_start) {
                    hashes.push(word_hash(word));
                }
                word_start = None;
            }
            _ => {}
        }
        at += width;
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes.shrink_to_fit();
    hashes
}

/// A word's hash in [`word_hashes`].
fn word_hash(word: &str) -> u32 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    word.hash(&mut hasher);
    hasher.finish() as u32
}

/// Removes the findings in functions unreached for their target and adds
/// them to the target's count. `functions[i]` and `branches[i]` belong to
/// `files[i]`; `functions` need only hold those with findings in them,
/// `branch_words` is the union of [`branch_words`] over the files, and
/// `hashes[i]` is [`word_hashes`] of a Python file (empty for others).
#[allow(clippy::too_many_arguments)]
pub fn remove_unreached(
    findings: &mut Vec<Finding>,
    files: &[ScannedFile],
    hashes: &[Vec<u32>],
    functions: &[Vec<FunctionDef>],
    branches: &[Vec<PlatformBranch>],
    branch_words: &FxHashSet<String>,
    targets: &[Target],
    counts: &mut [usize],
) {
    if branch_words.is_empty() {
        return;
    }
    let mut candidates: FxHashMap<&str, Vec<Candidate>> = FxHashMap::default();
    for (file, defs) in functions.iter().enumerate() {
        for def in defs {
            candidates
                .entry(def.name.as_str())
                .or_default()
                .push(Candidate {
                    file,
                    range: &def.range,
                });
        }
    }
    let mut names: Vec<&str> = candidates
        .keys()
        .copied()
        .filter(|name| branch_words.contains(*name))
        .collect();
    let mut occurrences: FxHashMap<&str, Occurrences> = FxHashMap::default();
    let mut unreached: Vec<Unreached> = vec![Unreached::default(); targets.len()];
    for _ in 0..ROUNDS {
        if names.is_empty() {
            break;
        }
        names.retain(|name| {
            let hash = word_hash(name);
            hashes
                .iter()
                .filter(|h| h.binary_search(&hash).is_ok())
                .take(MAX_FILES + 1)
                .count()
                <= MAX_FILES
        });
        names.sort_unstable();
        occurrences.extend(occurrences_of(files, hashes, &names, &candidates));
        let before: Vec<Unreached> = std::mem::take(&mut unreached);
        unreached = targets
            .iter()
            .map(|target| unreached_for(target.platform(), &candidates, &occurrences, branches))
            .collect();
        names = mentioned(files, &before, &unreached)
            .into_iter()
            .filter_map(|word| candidates.get_key_value(word.as_str()).map(|(k, _)| *k))
            .filter(|name| !occurrences.contains_key(name))
            .collect();
    }
    remove_counted(findings, targets, counts, |finding| {
        let slot = targets.iter().position(|&t| t == finding.target);
        slot.and_then(|slot| unreached[slot].get(&finding.file))
            .is_some_and(|ranges| ranges.iter().any(|r| r.contains(&finding.usage.span.start)))
    });
}

/// The names called in the definitions `after` holds and `before` did not.
fn mentioned(
    files: &[ScannedFile],
    before: &[Unreached],
    after: &[Unreached],
) -> FxHashSet<String> {
    let mut new: FxHashMap<usize, Vec<&Range<usize>>> = FxHashMap::default();
    for (slot, unreached) in after.iter().enumerate() {
        for (&file, ranges) in unreached {
            let known = before.get(slot).and_then(|b| b.get(&file));
            for range in ranges {
                if !known.is_some_and(|k| k.contains(range)) {
                    new.entry(file).or_default().push(range);
                }
            }
        }
    }
    let mut words_found = FxHashSet::default();
    for (file, ranges) in new {
        let Ok(text) = files[file].read_text() else {
            continue;
        };
        for range in ranges {
            if let Some(body) = text.get(range.clone()) {
                words_found.extend(called(body).map(str::to_string));
            }
        }
    }
    words_found
}

/// The definitions, by file, of the candidates unreached on `platform`:
/// grown until no further name joins, since an unreached function's calls
/// are unreached too.
fn unreached_for(
    platform: &str,
    candidates: &FxHashMap<&str, Vec<Candidate>>,
    occurrences: &FxHashMap<&str, Occurrences>,
    branches: &[Vec<PlatformBranch>],
) -> Unreached {
    let mut unreached = Unreached::default();
    let mut decided: FxHashSet<&str> = FxHashSet::default();
    loop {
        let newly: Vec<&str> = occurrences
            .iter()
            .filter(|(name, places)| {
                !decided.contains(*name)
                    && !places.is_empty()
                    && places.iter().all(|&(file, at)| {
                        branches[file]
                            .iter()
                            .any(|b| b.range.contains(&at) && b.skipped_on(platform))
                            || unreached
                                .get(&file)
                                .is_some_and(|ranges| ranges.iter().any(|r| r.contains(&at)))
                    })
            })
            .map(|(name, _)| *name)
            .collect();
        if newly.is_empty() {
            return unreached;
        }
        for name in newly {
            decided.insert(name);
            for candidate in &candidates[name] {
                unreached
                    .entry(candidate.file)
                    .or_default()
                    .push(candidate.range.clone());
            }
        }
    }
}

/// Where each of `names` occurs as a word in the Python files, leaving out
/// the candidate's own definitions (a recursive call is not a caller) and
/// the `def` of any other function of the same name.
fn occurrences_of<'a>(
    files: &[ScannedFile],
    hashes: &[Vec<u32>],
    names: &[&'a str],
    candidates: &FxHashMap<&'a str, Vec<Candidate>>,
) -> FxHashMap<&'a str, Occurrences> {
    let Ok(searcher) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(names)
    else {
        return FxHashMap::default();
    };
    let wanted: Vec<u32> = names.iter().map(|name| word_hash(name)).collect();
    let found: Vec<Vec<(usize, usize, usize)>> = files
        .par_iter()
        .enumerate()
        .filter(|&(index, file)| {
            file.language == Language::Python
                && wanted
                    .iter()
                    .any(|h| hashes[index].binary_search(h).is_ok())
        })
        .map(|(index, file)| {
            let Ok(text) = file.read_text() else {
                return Vec::new();
            };
            searcher
                .find_iter(&text)
                .filter(|m| is_word(&text, m.range()) && !is_definition(&text, m.start()))
                .map(|m| (m.pattern().as_usize(), index, m.start()))
                .collect()
        })
        .collect();
    let mut occurrences: FxHashMap<&str, Occurrences> =
        names.iter().map(|&name| (name, Vec::new())).collect();
    for (pattern, file, at) in found.into_iter().flatten() {
        let name = names[pattern];
        let own = candidates[name]
            .iter()
            .any(|c| c.file == file && c.range.contains(&at));
        if !own {
            occurrences.entry(name).or_default().push((file, at));
        }
    }
    occurrences
}

/// The names `text` calls (`name(`, `self.name (`): only a call can
/// start or continue a chain, which keeps the names to search few (a
/// function passed as a value elsewhere stays reached).
fn called(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('(').filter_map(move |(at, _)| {
        let before = text[..at].trim_end_matches([' ', '\t']);
        let start = before.rfind(|c: char| !is_name_char(c)).map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
        let name = &before[start..];
        name.starts_with(is_name_start).then_some(name)
    })
}

/// Whether `range` of `text` is a whole identifier.
fn is_word(text: &str, range: Range<usize>) -> bool {
    !text[..range.start]
        .chars()
        .next_back()
        .is_some_and(is_name_char)
        && !text[range.end..].chars().next().is_some_and(is_name_char)
}

/// Whether the name at `at` is the one a `def` statement defines.
fn is_definition(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t']);
    before.ends_with("def")
        && !before[..before.len() - 3]
            .chars()
            .next_back()
            .is_some_and(is_name_char)
}

/// A character of a Python name (Python names may be Unicode).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A character a Python name may start with.
fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_hashes_are_the_identifiers_unicode_included() {
        let text = "def größe(x_1):  # 1st…end\n    return 2x + é_ü(x_1)";
        let mut expected: Vec<u32> = ["def", "größe", "x_1", "end", "return", "é_ü"]
            .map(word_hash)
            .to_vec();
        expected.sort_unstable();
        assert_eq!(word_hashes(text), expected);
    }

    #[test]
    fn calls_are_read_by_the_name_before_the_parenthesis() {
        let text = "if not rocm:\n    args += self.compute_args () + [f(x), (1, 2)]\n";
        assert_eq!(called(text).collect::<Vec<_>>(), ["compute_args", "f"]);
    }

    #[test]
    fn names_are_words_and_definitions_are_not_calls() {
        let text = "def build(x):\n    return rebuild(x) + build(x)\n";
        assert!(is_definition(text, 4));
        assert!(!is_definition(text, text.rfind("build(").unwrap_or(0)));
        let inner = text.find("rebuild").unwrap_or(0) + 2;
        assert!(!is_word(text, inner..inner + 5));
        assert!(is_word(text, 4..9));
    }
}
