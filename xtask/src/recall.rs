//! `cargo xtask recall`: scores the release binary against the labelled
//! set in `tests/accuracy/labels/` (see `docs/accuracy.md`).
//!
//! Each label file names a source tree: a folder of the corpus, or a
//! GitHub repository at a commit, extracted from a local mirror with
//! `git archive` (read only; nothing from it runs). Every tree is scanned
//! whole, as a user would scan it, so package names, includes and
//! setup.py files resolve; only the labelled files are scored.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The targets the labels have a column for, in column order.
const TARGETS: [&str; 2] = ["ascend", "hygon"];

/// Where the labelled code is read from.
pub struct RecallOptions {
    /// The corpus of `../shared/corpus.sh`.
    pub corpus: PathBuf,
    /// Folder holding the bare git mirrors (`owner+name/...`).
    pub mirrors: PathBuf,
    /// Print every missed and every false line.
    pub verbose: bool,
    /// The `migscan` binary to score.
    pub migscan: PathBuf,
}

/// One labelled line.
struct Row {
    path: String,
    line: u32,
    class: String,
    change: [bool; 2],
    note: String,
}

/// One label file.
struct LabelFile {
    name: String,
    source: Source,
    files: BTreeSet<String>,
    rows: Vec<Row>,
}

enum Source {
    Corpus(String),
    Github { repo: String, commit: String },
}

fn parse_labels(name: &str, text: &str) -> Result<LabelFile, String> {
    let mut source = None;
    let mut files = BTreeSet::new();
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{name}:{}", i + 1);
        if let Some(header) = line.strip_prefix('#') {
            let header = header.trim();
            if let Some(rest) = header.strip_prefix("source:") {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                source = Some(match parts.as_slice() {
                    ["corpus", folder] => Source::Corpus((*folder).to_string()),
                    ["github", repo, commit] => Source::Github {
                        repo: (*repo).to_string(),
                        commit: (*commit).to_string(),
                    },
                    _ => return Err(format!("{}: bad source line", at())),
                });
            } else if let Some(file) = header.strip_prefix("file:") {
                files.insert(file.trim().to_string());
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with("path\t") {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let [path, number, class, ascend, hygon, ..] = cells.as_slice() else {
            return Err(format!("{}: expected 5 or 6 tab-separated cells", at()));
        };
        let verdict = |cell: &str| match cell.trim() {
            "change" => Ok(true),
            "keep" => Ok(false),
            other => Err(format!("{}: `{other}` is neither change nor keep", at())),
        };
        if !files.contains(*path) {
            return Err(format!("{}: {path} has no `# file:` line", at()));
        }
        rows.push(Row {
            path: (*path).to_string(),
            line: number
                .trim()
                .parse()
                .map_err(|_| format!("{}: bad line number", at()))?,
            class: class.trim().to_string(),
            change: [verdict(ascend)?, verdict(hygon)?],
            note: cells.get(5).map_or("", |n| n.trim()).to_string(),
        });
    }
    let source = source.ok_or_else(|| format!("{name}: no `# source:` line"))?;
    Ok(LabelFile {
        name: name.to_string(),
        source,
        files,
        rows,
    })
}

/// The tree a label file's paths are relative to.
fn tree(label: &LabelFile, options: &RecallOptions, scratch: &Path) -> Result<PathBuf, String> {
    match &label.source {
        Source::Corpus(folder) => {
            let dir = options.corpus.join(folder);
            dir.is_dir()
                .then_some(dir)
                .ok_or_else(|| format!("{}: no corpus folder {folder}", label.name))
        }
        Source::Github { repo, commit } => {
            let dir = scratch.join(format!("{}@{}", repo.replace('/', "+"), &commit[..12]));
            if dir.is_dir() {
                return Ok(dir);
            }
            let git_dir =
                find_git_dir(&options.mirrors.join(repo.replace('/', "+"))).ok_or_else(|| {
                    format!("{}: no mirror of {repo} (fetch github:{repo})", label.name)
                })?;
            extract(&git_dir, commit, &dir).map_err(|e| format!("{}: {repo}: {e}", label.name))?;
            Ok(dir)
        }
    }
}

/// Writes the tree of `commit` into `dir`, blob by blob through one
/// `git cat-file --batch`: a snapshot may lack large blobs, which are
/// left out instead of failing the whole tree (as `git archive` would).
fn extract(git_dir: &Path, commit: &str, dir: &Path) -> Result<(), String> {
    use std::io::{BufRead, BufReader, Read, Write};
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(args)
            .output()
            .map_err(|e| format!("git: {e}"))
    };
    let listing = git(&["ls-tree", "-r", "-z", "--name-only", commit])?;
    if !listing.status.success() {
        return Err(format!("no commit {commit}"));
    }
    let paths: Vec<String> = listing
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut batch = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("git cat-file: {e}"))?;
    let mut input = batch.stdin.take().ok_or("git cat-file: no stdin")?;
    let requests: String = paths.iter().map(|p| format!("{commit}:{p}\n")).collect();
    let writer = std::thread::spawn(move || input.write_all(requests.as_bytes()));
    let mut output = BufReader::new(batch.stdout.take().ok_or("git cat-file: no stdout")?);
    for path in &paths {
        let mut header = String::new();
        output.read_line(&mut header).map_err(|e| e.to_string())?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let [_, "blob", size] = fields.as_slice() else {
            // `missing` (absent from the snapshot), or a submodule.
            continue;
        };
        let size: usize = size.parse().map_err(|_| format!("bad header {header}"))?;
        let mut content = vec![0; size + 1];
        output.read_exact(&mut content).map_err(|e| e.to_string())?;
        content.pop();
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, content).map_err(|e| e.to_string())?;
    }
    writer
        .join()
        .map_err(|_| "git cat-file: writer panicked".to_string())?
        .map_err(|e| e.to_string())?;
    batch.wait().map_err(|e| e.to_string())?;
    Ok(())
}

/// The bare repository under a mirror folder (`fetch` nests it).
fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    if dir.join("HEAD").is_file() && dir.join("objects").is_dir() {
        return Some(dir.to_path_buf());
    }
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find_map(|e| find_git_dir(&e.path()))
}

/// Lines with a finding, per target slot and path (relative to the tree).
type Flagged = [BTreeMap<String, BTreeMap<u32, BTreeSet<String>>>; 2];

fn scan(migscan: &Path, tree: &Path) -> Result<Flagged, String> {
    let out = Command::new(migscan)
        .args(["--target", "ascend,hygon", "--format", "json"])
        .arg(".")
        .current_dir(tree)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", migscan.display()))?;
    if out.status.code().is_none_or(|c| c == 2) {
        return Err(format!(
            "migscan failed on {}: {}",
            tree.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let mut flagged: Flagged = Default::default();
    for site in crate::sites::sites(&report) {
        let Some(slot) = TARGETS.iter().position(|&t| t == site.target) else {
            continue;
        };
        flagged[slot]
            .entry(site.path.to_string())
            .or_default()
            .entry(site.line as u32)
            .or_default()
            .insert(site.rule.to_string());
    }
    Ok(flagged)
}

/// Counts of one cell of the table.
#[derive(Default, Clone, Copy)]
struct Score {
    labelled: usize,
    found: usize,
}

impl Score {
    fn ratio(self) -> String {
        if self.labelled == 0 {
            "—".into()
        } else {
            format!(
                "{:.2} ({}/{})",
                self.found as f64 / self.labelled as f64,
                self.found,
                self.labelled
            )
        }
    }
}

/// Scores every label file; the report as Markdown.
pub fn run(root: &Path, options: RecallOptions) -> Result<String, String> {
    let migscan = &options.migscan;
    let scratch = root.join("target/recall");
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("tests/accuracy/labels"))
        .map_err(|e| format!("tests/accuracy/labels: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    names.sort();
    // Per target: recall per class, and flagged lines that are / are not changes.
    let mut recall: [BTreeMap<String, Score>; 2] = Default::default();
    let mut precision = [Score::default(); 2];
    let mut false_by_rule: [BTreeMap<String, usize>; 2] = Default::default();
    let mut detail = String::new();
    for path in names {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
        let labels = parse_labels(&name, &text)?;
        let tree = tree(&labels, &options, &scratch)?;
        let flagged = scan(migscan, &tree)?;
        for (slot, target) in TARGETS.iter().enumerate() {
            for row in &labels.rows {
                if !row.change[slot] {
                    continue;
                }
                let hit = flagged[slot]
                    .get(&row.path)
                    .and_then(|lines| lines.get(&row.line));
                let score = recall[slot].entry(row.class.clone()).or_default();
                score.labelled += 1;
                if hit.is_some() {
                    score.found += 1;
                } else if options.verbose {
                    detail.push_str(&format!(
                        "miss {target} {}:{} [{}] {}\n",
                        row.path, row.line, row.class, row.note
                    ));
                }
            }
            for file in &labels.files {
                for (line, rules) in flagged[slot].get(file).into_iter().flatten() {
                    let row = labels
                        .rows
                        .iter()
                        .find(|r| &r.path == file && r.line == *line);
                    precision[slot].labelled += 1;
                    if row.is_some_and(|r| r.change[slot]) {
                        precision[slot].found += 1;
                        continue;
                    }
                    for rule in rules {
                        *false_by_rule[slot].entry(rule.clone()).or_default() += 1;
                    }
                    if options.verbose {
                        let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
                        detail.push_str(&format!(
                            "false {target} {file}:{line} {}\n",
                            rules.join(",")
                        ));
                    }
                }
            }
        }
    }
    Ok(render(&recall, &precision, &false_by_rule) + &detail)
}

fn render(
    recall: &[BTreeMap<String, Score>; 2],
    precision: &[Score; 2],
    false_by_rule: &[BTreeMap<String, usize>; 2],
) -> String {
    let classes: BTreeSet<&String> = recall.iter().flat_map(|r| r.keys()).collect();
    let mut out = String::from("| class | ascend recall | hygon recall |\n|---|---|---|\n");
    for class in classes {
        let cell = |slot: usize| recall[slot].get(class).copied().unwrap_or_default().ratio();
        out.push_str(&format!("| {class} | {} | {} |\n", cell(0), cell(1)));
    }
    let total = |slot: usize| {
        recall[slot].values().fold(Score::default(), |a, s| Score {
            labelled: a.labelled + s.labelled,
            found: a.found + s.found,
        })
    };
    out.push_str(&format!(
        "| **all** | {} | {} |\n| **precision** | {} | {} |\n",
        total(0).ratio(),
        total(1).ratio(),
        precision[0].ratio(),
        precision[1].ratio()
    ));
    for (slot, target) in TARGETS.iter().enumerate() {
        let mut rules: Vec<_> = false_by_rule[slot].iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = rules
            .iter()
            .take(8)
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        if !top.is_empty() {
            out.push_str(&format!(
                "\nfalse lines on {target} by rule: {}\n",
                top.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_files_parse_and_reject_rows_of_unlisted_files() {
        let text = "# source: corpus ds\n# file: a.cu\npath\tline\tclass\tascend\thygon\tnote\n\
                    a.cu\t3\tcuda-lib\tchange\tkeep\tcudaMalloc\n";
        let labels = parse_labels("x.tsv", text).unwrap();
        assert_eq!(labels.rows.len(), 1);
        assert_eq!(labels.rows[0].change, [true, false]);
        let bad = "# source: corpus ds\nb.cu\t3\tcuda-lib\tchange\tkeep\n";
        assert_eq!(
            parse_labels("x.tsv", bad).err().unwrap(),
            "x.tsv:2: b.cu has no `# file:` line"
        );
    }
}
