//! `migscan fix`: the mechanical part of a migration as exact edits. The
//! scan says where each `auto` finding is; this crate turns the ones whose
//! change is exact at their span into edits (Python, CUDA C/C++ for
//! HIPIFY's renames, environment variables in scripts and manifests), adds
//! the import a Python file needs on the target, checks that rewritten
//! Python (in files and notebook cells) and C++ still parse, and renders
//! the whole as a unified diff or writes it in place.
//!
//! Nothing else is touched: comments, docstrings and help texts never hold
//! findings, and `manual`, `unsupported` and `unknown` findings are never
//! rewritten.

mod alias;
mod diff;
mod edit;
mod from_import;
mod imports;

pub use diff::unified_diff;
pub use edit::{edit_for, Edit, NoEdit};

use migscan_core::{Finding, Status, Target};
use migscan_engine::{extract_text, Language, ScanReport, ScannedFile};
use migscan_rules::RuleCatalog;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One rewritten file.
#[derive(Debug)]
pub struct FileFix {
    /// Where it was read from.
    pub path: PathBuf,
    /// How reports name it.
    pub display: String,
    /// Its bytes as read.
    pub original: String,
    /// Its bytes rewritten.
    pub fixed: String,
}

/// The fixes for one target, and what they leave.
#[derive(Debug, Default)]
pub struct FixPlan {
    /// Rewritten files, in report order.
    pub files: Vec<FileFix>,
    /// Files with `auto` findings left unchanged, with the reason.
    pub left_alone: Vec<(String, String)>,
    /// Rewritten files that need one more change by hand, with what.
    pub by_hand: Vec<(String, String)>,
    /// Edits per rule id.
    pub edits: BTreeMap<String, usize>,
    /// `auto` findings with no edit, per reason.
    pub not_edited: BTreeMap<&'static str, usize>,
    /// `auto` findings of uses that follow a rewritten import or name
    /// (`tc.X` after `import torch.cuda as tc`, `synchronize()` after a
    /// moved `from` import, `hasattr(torch.cuda, "x")` after `torch.cuda`
    /// is rewritten) and need no edit of their own.
    pub follow: usize,
    /// Sites and expected hours the plan gives per status still left for
    /// people (`manual`, `unsupported`, `unknown`).
    pub left_for_people: BTreeMap<&'static str, (usize, f64)>,
}

/// Which rules may edit: all `auto` rules, or those `select` names, minus
/// those `ignore` names (ids or target-less names).
#[derive(Debug, Default)]
pub struct RuleChoice {
    /// Only these rules, when not empty.
    pub select: Vec<String>,
    /// Never these rules.
    pub ignore: Vec<String>,
}

impl RuleChoice {
    fn allows(&self, rule: &migscan_rules::Rule) -> bool {
        let named = |names: &[String]| names.iter().any(|n| migscan_rules::rule_named(rule, n));
        (self.select.is_empty() || named(&self.select)) && !named(&self.ignore)
    }
}

/// The fixes `report`'s findings of `target` allow.
pub fn plan_fixes(
    report: &ScanReport,
    catalog: &RuleCatalog,
    target: Target,
    choice: &RuleChoice,
) -> FixPlan {
    let mut plan = FixPlan::default();
    // Per file: the findings that may edit, and the target's others (a use
    // through an alias that needs a person keeps the alias's import).
    let mut by_file: BTreeMap<usize, (Vec<&Finding>, Vec<&Finding>)> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.target == target) {
        let rule = catalog.rule(f.rule);
        let entry = by_file.entry(f.file).or_default();
        if rule.status == Status::Auto && choice.allows(rule) {
            entry.0.push(f);
        } else {
            entry.1.push(f);
        }
    }
    let import = catalog
        .pack(target)
        .and_then(|p| p.fix.as_ref())
        .map(|f| f.import.as_str());
    for (file, (findings, others)) in by_file {
        if findings.is_empty() {
            continue;
        }
        let file = &report.files[file];
        // Python code needs the target's import; build files do not.
        let import =
            import.filter(|_| matches!(file.language, Language::Python | Language::Notebook));
        match fix_file(file, &findings, &others, catalog, import, &mut plan) {
            Ok(Some(fix)) => plan.files.push(fix),
            Ok(None) => {}
            Err(reason) => {
                *plan.not_edited.entry("file left alone").or_default() += findings.len();
                plan.left_alone.push((file.display.clone(), reason));
            }
        }
    }
    if let Some(target_plan) = report.plans.iter().find(|p| p.target == target) {
        for item in target_plan.steps.iter().flat_map(|s| &s.items) {
            if matches!(
                item.status,
                Status::Manual | Status::Unsupported | Status::Unknown
            ) {
                let entry = plan
                    .left_for_people
                    .entry(item.status.as_str())
                    .or_default();
                entry.0 += item.sites;
                entry.1 += item.hours.expected();
            }
        }
    }
    plan
}

/// The rewrite of one file, `None` when no finding has an edit.
fn fix_file(
    file: &ScannedFile,
    findings: &[&Finding],
    others: &[&Finding],
    catalog: &RuleCatalog,
    import: Option<&str>,
    plan: &mut FixPlan,
) -> Result<Option<FileFix>, String> {
    if file.syntax_errors {
        return Err("it has syntax errors".into());
    }
    let raw = std::fs::read(&file.path).map_err(|e| format!("cannot read it: {e}"))?;
    let original = String::from_utf8(raw).map_err(|_| "it is not UTF-8".to_string())?;
    // The scan's offsets count from after a byte-order mark.
    let bom = if original.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let body = &original[bom..];
    if file.read_text().ok().as_deref() != Some(body) {
        return Err("it changed since the scan read it".into());
    }
    let (edits, tally) = edits_in(file.language, findings, others, catalog, body);
    if edits.windows(2).any(|w| w[1].start < w[0].end) {
        return Err("two of its edits overlap".into());
    }
    if edits.is_empty() {
        tally.add_to(plan);
        return Ok(None);
    }
    let mut fixed = body.to_string();
    for edit in edits.iter().rev() {
        fixed.replace_range(edit.start..edit.end, &edit.text);
    }
    if let Some(import) = import.filter(|import| !imports::has_import(&fixed, import)) {
        let added = if file.language == Language::Notebook {
            imports::notebook_line(&fixed, import)
        } else {
            Some(imports::python_line(&fixed, import))
        };
        match added {
            Some((at, line)) => fixed.insert_str(at, &line),
            None => plan.by_hand.push((
                file.display.clone(),
                format!("add `{import}` to its first code cell"),
            )),
        }
    }
    // Python, notebooks and C++ are parsed again: a rewrite must not break
    // them.
    if matches!(
        file.language,
        Language::Python | Language::Notebook | Language::Cpp
    ) {
        let parses = extract_text(file.language, &fixed).is_ok_and(|e| !e.has_syntax_errors);
        if !parses {
            return Err("the rewrite would not parse".into());
        }
    }
    for edit in &edits {
        *plan
            .edits
            .entry(catalog.rule(edit.rule).id.clone())
            .or_default() += 1;
    }
    tally.add_to(plan);
    let fixed = format!("{}{fixed}", &original[..bom]);
    Ok(Some(FileFix {
        path: file.path.clone(),
        display: file.display.clone(),
        original,
        fixed,
    }))
}

/// The edits `findings` (`auto`) ask for in `text`, sorted; imports that
/// bind names (`from ... import`, `import ... as`) decide for the uses that
/// follow them.
fn edits_in(
    language: Language,
    findings: &[&Finding],
    others: &[&Finding],
    catalog: &RuleCatalog,
    text: &str,
) -> (Vec<Edit>, Tally) {
    let (from_imports, aliases) = if language == Language::Python {
        (
            from_import::module_edits(findings, catalog, text),
            alias::check(findings, others, catalog, text),
        )
    } else {
        Default::default()
    };
    let mut edits = from_imports.edits;
    let mut tally = Tally::default();
    let mut indirect = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        if from_imports.settled.contains(&index) {
            continue;
        }
        if from_imports.followers.contains(&index) || aliases.followers.contains(&index) {
            tally.follow += 1;
            continue;
        }
        let edit = if aliases.blocked.contains(&index) {
            Err(NoEdit::AliasUse)
        } else {
            edit_for(finding, catalog.rule(finding.rule), text)
        };
        match edit {
            Ok(edit) => edits.push(edit),
            Err(NoEdit::Indirect) => indirect.push(finding),
            Err(reason) => *tally.not_edited.entry(reason.as_str()).or_default() += 1,
        }
    }
    // A name reached through a part another edit moves
    // (`hasattr(torch.cuda, "memory_stats")`) follows that edit.
    for finding in indirect {
        if follows_an_edit(finding, catalog, text, &edits) {
            tally.follow += 1;
        } else {
            *tally
                .not_edited
                .entry(NoEdit::Indirect.as_str())
                .or_default() += 1;
        }
    }
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.text == b.text);
    (edits, tally)
}

/// Whether `finding` follows one of `edits`: its span holds a prefix of its
/// name (`torch.cuda` of `torch.cuda.memory_stats`) that an edit moves so
/// that the rest lands where the finding's own rule moves the whole name,
/// or it is the attribute named by a string (`hasattr(torch.cuda,
/// "memory_stats")`) whose object an edit earlier on the line moves there.
fn follows_an_edit(finding: &Finding, catalog: &RuleCatalog, text: &str, edits: &[Edit]) -> bool {
    let (span, name) = (&finding.usage.span, finding.usage.name.as_str());
    let (Some(at), Some(wanted)) = (
        text.get(span.start..span.end),
        catalog.rule(finding.rule).replacement_for(name),
    ) else {
        return false;
    };
    if let Some(rest) = name.strip_prefix(at).filter(|rest| rest.starts_with('.')) {
        return edits.iter().any(|e| {
            e.start == span.start && e.end == span.end && format!("{}{rest}", e.text) == wanted
        });
    }
    let attribute = at.trim_matches(|c| c == '"' || c == '\'');
    let (Some(object), Some(new_object)) = (
        name.strip_suffix(attribute)
            .and_then(|o| o.strip_suffix('.')),
        wanted
            .strip_suffix(attribute)
            .and_then(|o| o.strip_suffix('.')),
    ) else {
        return false;
    };
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    attribute != at
        && edits.iter().any(|e| {
            e.start >= line_start
                && e.end <= span.start
                && text.get(e.start..e.end) == Some(object)
                && e.text == new_object
        })
}

/// What a file's findings that got no edit come to, counted into the plan
/// unless the file is left alone (then all its findings count as that).
#[derive(Debug, Default)]
struct Tally {
    not_edited: BTreeMap<&'static str, usize>,
    follow: usize,
}

impl Tally {
    fn add_to(self, plan: &mut FixPlan) {
        for (reason, count) in self.not_edited {
            *plan.not_edited.entry(reason).or_default() += count;
        }
        plan.follow += self.follow;
    }
}

impl FileFix {
    /// The unified diff of this file, its path relative to the current
    /// directory when it lies under it.
    pub fn diff(&self) -> String {
        let path = std::env::current_dir()
            .ok()
            .and_then(|cwd| {
                let absolute = self.path.canonicalize().ok()?;
                absolute
                    .strip_prefix(cwd.canonicalize().ok()?)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
            })
            .unwrap_or_else(|| self.display.clone());
        unified_diff(&path, &self.original, &self.fixed)
    }

    /// Writes the fixed text in place: to a temporary file beside it with
    /// its permissions, then renamed over it, unless the file changed since
    /// it was read.
    pub fn apply(&self) -> Result<(), String> {
        let now = std::fs::read(&self.path).map_err(|e| format!("cannot read it: {e}"))?;
        if now != self.original.as_bytes() {
            return Err("it changed since the scan read it".into());
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = self.path.with_file_name(format!(".{name}.migscan-fix"));
        let permissions = std::fs::metadata(&self.path)
            .map_err(|e| e.to_string())?
            .permissions();
        std::fs::write(&temporary, &self.fixed).map_err(|e| format!("cannot write: {e}"))?;
        let renamed = std::fs::set_permissions(&temporary, permissions)
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&temporary);
            return Err(format!("cannot replace it: {e}"));
        }
        Ok(())
    }
}
